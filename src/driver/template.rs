//! Request templates: text with `{placeholder}`s filled per request (`{id}` a
//! random 1..=1000, a data feeder's `{column}`, a user's extracted `{variable}`)
//! and `${ENV_VAR}`s filled once at load time.
//!
//! An environment value is a secret by default: it lives only in the rendered
//! pieces, never in [`Template::text`] (which keeps `${NAME}` as written and is what
//! endpoint keys, errors and output show).

use std::io::Write as _;

use rand::rngs::SmallRng;
use rand::Rng;

use super::feeder::Feeder;

/// Highest id a `{id}` placeholder expands to.
pub const MAX_ID: u32 = 1000;

/// What a `{name}` refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `{id}`: a random 1..=[`MAX_ID`].
    Id,
    /// A data feeder's column: (source, column).
    Column(u16, u16),
    /// A per-user variable (from an `[[on_start]]` extract).
    Var(u16),
}

/// The names a template may use, and what they are.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// `(name, slot)`, `id` included.
    pub known: Vec<(String, Slot)>,
}

impl Names {
    /// `{id}` only.
    pub fn id_only() -> Names {
        Names {
            known: vec![("id".into(), Slot::Id)],
        }
    }

    fn find(&self, name: &str) -> Option<Slot> {
        self.known.iter().find(|(n, _)| n == name).map(|(_, s)| *s)
    }

    /// The names, for error messages.
    pub fn list(&self) -> String {
        let n: Vec<String> = self.known.iter().map(|(n, _)| format!("{{{n}}}")).collect();
        n.join(", ")
    }
}

#[derive(Clone, Debug)]
enum Piece {
    Text(Vec<u8>),
    Slot(Slot),
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    /// The text as written (`${NAME}` kept, never the value).
    pub text: String,
    pieces: Vec<Piece>,
    /// True when an environment value is inside (never show a rendering).
    pub secret: bool,
}

/// The per-request values a template is filled from.
pub struct Fill<'a> {
    /// Draws `{id}`.
    pub rng: &'a mut SmallRng,
    /// The data feeders.
    pub data: &'a [Feeder],
    /// This request's row of each feeder.
    pub rows: &'a [usize],
    /// The user's variables.
    pub vars: &'a [String],
}

/// How a filled-in value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// As is (header values, bodies).
    None,
    /// Percent-encoded where a path may not hold the byte.
    Path,
}

impl Template {
    /// Parses `text`: `${NAME}` from the environment (`env` looks it up), `{name}`
    /// one of `names`. A `{` not followed by a name and `}` is literal text (JSON
    /// bodies), and so is `{name}` when `strict` is false and the name is unknown.
    pub fn parse(
        text: &str,
        names: &Names,
        strict: bool,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Template, String> {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut lit: Vec<u8> = Vec::new();
        let mut secret = false;
        let mut rest = text;
        while let Some(i) = rest.find(['{', '$']) {
            lit.extend_from_slice(&rest.as_bytes()[..i]);
            let tail = &rest[i..];
            if let Some(after) = tail.strip_prefix("${") {
                let end = after
                    .find('}')
                    .ok_or_else(|| format!("`{text}`: `${{` without a closing `}}`"))?;
                let name = &after[..end];
                if !is_name(name) {
                    return Err(format!(
                        "`{text}`: `${{{name}}}` is not an environment variable name"
                    ));
                }
                let value = env(name).ok_or_else(|| {
                    format!("environment variable {name} is not set (used in `{text}`): export it, then run again")
                })?;
                lit.extend_from_slice(value.as_bytes());
                secret = true;
                rest = &after[end + 1..];
                continue;
            }
            if let Some(after) = tail.strip_prefix('{') {
                if let Some(end) = after.find('}') {
                    let name = &after[..end];
                    if is_name(name) {
                        match names.find(name) {
                            Some(slot) => {
                                if !lit.is_empty() {
                                    pieces.push(Piece::Text(std::mem::take(&mut lit)));
                                }
                                pieces.push(Piece::Slot(slot));
                                rest = &after[end + 1..];
                                continue;
                            }
                            None if strict => {
                                return Err(format!(
                                    "`{text}`: unknown placeholder {{{name}}} (known: {})",
                                    names.list()
                                ))
                            }
                            None => {}
                        }
                    }
                }
            }
            lit.push(tail.as_bytes()[0]);
            rest = &tail[1..];
        }
        lit.extend_from_slice(rest.as_bytes());
        if !lit.is_empty() {
            pieces.push(Piece::Text(lit));
        }
        Ok(Template {
            text: text.to_string(),
            pieces,
            secret,
        })
    }

    /// A constant template (no placeholders).
    pub fn literal(text: &str) -> Template {
        Template {
            text: text.to_string(),
            pieces: vec![Piece::Text(text.as_bytes().to_vec())],
            secret: false,
        }
    }

    /// A constant template of raw bytes (a body file that is not UTF-8).
    pub fn bytes(text: &str, bytes: Vec<u8>) -> Template {
        Template {
            text: text.to_string(),
            pieces: vec![Piece::Text(bytes)],
            secret: false,
        }
    }

    /// True when nothing varies per request.
    pub fn is_constant(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The slots used.
    pub fn slots(&self) -> impl Iterator<Item = Slot> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Slot(s) => Some(*s),
            Piece::Text(_) => None,
        })
    }

    /// A rendering with every slot replaced by `1` (checks that a path is valid).
    pub fn sample(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Slot(_) => out.push(b'1'),
            }
        }
        out
    }

    /// Appends one rendering to `out`. No allocation on `{id}`-only templates.
    pub fn render_into(&self, out: &mut Vec<u8>, fill: &mut Fill<'_>, escape: Escape) {
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Slot(Slot::Id) => {
                    let _ = write!(out, "{}", fill.rng.random_range(1..=MAX_ID));
                }
                Piece::Slot(Slot::Column(src, col)) => {
                    let (src, col) = (*src as usize, *col as usize);
                    let row = fill.rows.get(src).copied().unwrap_or(0);
                    let v = fill.data.get(src).map_or("", |f| f.cell(row, col));
                    put(out, v, escape);
                }
                Piece::Slot(Slot::Var(i)) => {
                    let v = fill.vars.get(*i as usize).map_or("", String::as_str);
                    put(out, v, escape);
                }
            }
        }
    }
}

fn put(out: &mut Vec<u8>, v: &str, escape: Escape) {
    match escape {
        Escape::None => out.extend(v.bytes().filter(|b| !b.is_ascii_control())),
        Escape::Path => {
            for b in v.bytes() {
                if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                    out.push(b);
                } else {
                    let _ = write!(out, "%{b:02X}");
                }
            }
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_name(s: &str) -> bool {
    let mut b = s.bytes();
    b.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn fills_env_ids_and_vars_and_keeps_secrets_out_of_the_text() {
        let names = Names {
            known: vec![("id".into(), Slot::Id), ("token".into(), Slot::Var(0))],
        };
        let env = |n: &str| (n == "KEY").then(|| "s3cr3t".to_string());
        let t = Template::parse(
            "Bearer {token} ${KEY} {\"a\":1} {other}",
            &names,
            false,
            &env,
        )
        .unwrap();
        assert!(t.secret && !t.text.contains("s3cr3t"));
        let mut rng = SmallRng::seed_from_u64(1);
        let vars = ["tok\r\n".to_string()];
        let mut fill = Fill {
            rng: &mut rng,
            data: &[],
            rows: &[],
            vars: &vars,
        };
        let mut out = Vec::new();
        t.render_into(&mut out, &mut fill, Escape::None);
        assert_eq!(out, b"Bearer tok s3cr3t {\"a\":1} {other}");
        let e = Template::parse("/x/{other}", &names, true, &env).unwrap_err();
        assert!(e.contains("{other}") && e.contains("{token}"), "{e}");
        let e = Template::parse("${NOPE}", &names, true, &env).unwrap_err();
        assert!(e.contains("NOPE is not set"), "{e}");
        let p = Template::parse("/u/{token}", &names, true, &env).unwrap();
        let vars = ["a b/c".to_string()];
        let mut fill = Fill {
            rng: &mut rng,
            data: &[],
            rows: &[],
            vars: &vars,
        };
        let mut out = Vec::new();
        p.render_into(&mut out, &mut fill, Escape::Path);
        assert_eq!(out, b"/u/a%20b%2Fc");
    }
}
