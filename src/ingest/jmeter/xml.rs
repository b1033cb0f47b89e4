//! JMeter JTL, XML form, streamed with a small tag scanner: only
//! the open samples (the nesting depth) are held in memory, never the document.
//!
//! `httpSample` and `sample` elements are samples. A nested sample is a sub-result
//! (redirect, embedded resource) already included in its parent, and is left out,
//! except below a Transaction Controller's generated parent sample, whose children
//! are the real samples. The meaning of a sample's attributes is shared with the CSV
//! form ([`Sample`]). A file cut short (no `</testResults>`, the run was killed) is
//! read up to its last complete sample.
//!
//! The file is read whole on one thread (no [`Replay::split`]): a part would have to
//! start at a top-level sample, and a line start cannot tell one. A sample element
//! spans lines (assertion results, response data), its sub-samples nest to any depth
//! with no indentation JMeter promises, and a CDATA section or a comment can hold a
//! line that looks like a sample's start tag: only the nesting depth from the
//! document's start says whether a line opens a sample, a sub-result or nothing, and
//! counting it is most of the reading.

use crate::model::untrusted::Shown;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::ingest::adapters::open_decompressed;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::jmeter::csv::{is_transaction, Sample};
use crate::ingest::Format;
use crate::ingest::{problem, Observation, Replay};
use crate::model::Problem;

mod top_level;
pub use top_level::top_level_totals;

/// The `jmeter-xml` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterXml,
    name: "jmeter-xml",
    tool: "jmeter",
    sniff: Sniff::Content(|h| {
        h.line.starts_with("<?xml") && h.text.contains("<testResults")
            || h.line.starts_with("<testResults")
    }),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(JmeterXml::open(p)?))),
    splittable: false,
    notes: &[],
    detected_by: "<testResults …> XML",
    example: "jmeter -n -t plan.jmx -l results.xml -Jjmeter.save.saveservice.output_format=xml",
};

/// Longest tag accepted (a sample's attributes); longer means a broken file.
const MAX_TAG_BYTES: usize = 1 << 20;

/// An opened JMeter XML JTL.
#[derive(Debug)]
pub struct JmeterXml {
    path: PathBuf,
    version: Option<String>,
    counts: RefCell<Counts>,
}

#[derive(Clone, Debug, Default)]
struct Counts {
    /// Samples read, and those marked successful with a 5xx code.
    samples: u64,
    ok_server_errors: BTreeMap<String, u64>,
    subresults: u64,
    transactions: u64,
    unterminated: bool,
    /// The line of a second `<testResults>` after the first one closed (`-l` appends).
    appended_at: Option<u64>,
    /// Distributed engines whose samples the file holds (0: a run on one engine).
    engines: usize,
}

impl JmeterXml {
    /// Opens the file and reads the `testResults` version.
    pub fn open(path: &Path) -> Result<JmeterXml, Problem> {
        let mut scanner = Scanner::new(open_decompressed(path)?, path);
        loop {
            match scanner.next_event()? {
                Event::Start { name, attrs, .. } if name == "testResults" => {
                    return Ok(JmeterXml {
                        path: path.to_path_buf(),
                        version: attr(&attrs, "version").map(str::to_string),
                        counts: RefCell::new(Counts::default()),
                    });
                }
                Event::Start { .. } | Event::Eof => {
                    return Err(problem(
                        path,
                        Some(scanner.line),
                        "not a JMeter XML JTL: no <testResults> element",
                    ))
                }
                _ => {}
            }
        }
    }
}

/// One open sample element.
struct Frame {
    attrs: Vec<(String, String)>,
    keep: bool,
    transaction: bool,
    failure_message: Option<String>,
    line: u64,
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn is_sample(name: &str) -> bool {
    name == "httpSample" || name == "sample"
}

/// The line of another `<testResults>` after the first closed (a rerun appended by
/// `jmeter -l`, which appends to an existing file), if one follows.
fn another_run(scanner: &mut Scanner<'_>) -> Option<u64> {
    loop {
        match scanner.next_event() {
            Ok(Event::Start { name, .. }) if name == "testResults" => return Some(scanner.line),
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

impl Replay for JmeterXml {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let mut scanner = Scanner::new(open_decompressed(&self.path)?, &self.path);
        let mut stack: Vec<Frame> = Vec::new();
        let mut counts = Counts::default();
        let mut samples = 0u64;
        let mut in_failure_message = false;
        let mut engines = super::engines::Engines::default();
        let mut emit = |frame: &Frame, counts: &mut Counts| -> Result<(), Problem> {
            if !frame.keep {
                counts.subresults += 1;
                return Ok(());
            }
            let s = match sample(frame, &self.path) {
                Ok(s) => s,
                Err(p) => {
                    visit(Observation::Malformed(p));
                    return Ok(());
                }
            };
            counts.samples += 1;
            s.count_ok_server_error(&mut counts.ok_server_errors);
            let mut obs = s.observation();
            if let Observation::Request(ev) | Observation::Transaction(ev) = &mut obs {
                ev.users = engines.users(attr(&frame.attrs, "tn").unwrap_or(""), ev.users);
                counts.engines = engines.count();
            }
            if matches!(obs, Observation::Transaction(_)) {
                counts.transactions += 1;
            }
            visit(obs);
            Ok(())
        };
        loop {
            match scanner.next_event()? {
                Event::Start { name, attrs, empty } if is_sample(&name) => {
                    let parent = stack.last();
                    let keep = match parent {
                        None => true,
                        Some(p) => p.keep && p.transaction,
                    };
                    let message = attr(&attrs, "rm").unwrap_or("");
                    let frame = Frame {
                        transaction: is_transaction(message, None, attr(&attrs, "dt")),
                        attrs,
                        keep,
                        failure_message: None,
                        line: scanner.line,
                    };
                    samples += 1;
                    if empty {
                        emit(&frame, &mut counts)?;
                    } else {
                        stack.push(frame);
                    }
                }
                Event::Start { name, empty, .. } => {
                    in_failure_message = name == "failureMessage" && !empty && !stack.is_empty();
                    scanner.capture = in_failure_message;
                }
                Event::Text(text) => {
                    if in_failure_message {
                        if let Some(frame) = stack.last_mut() {
                            let t = text.trim();
                            if frame.failure_message.is_none() && !t.is_empty() {
                                frame.failure_message = Some(t.to_string());
                            }
                        }
                    }
                }
                Event::End { name } if is_sample(&name) => {
                    if let Some(frame) = stack.pop() {
                        emit(&frame, &mut counts)?;
                    }
                }
                Event::End { name } => {
                    in_failure_message = false;
                    scanner.capture = false;
                    if name == "testResults" {
                        counts.appended_at = another_run(&mut scanner);
                        break;
                    }
                }
                Event::Eof => {
                    counts.unterminated = true;
                    // Samples whose start tag was complete still count; their
                    // children may be missing.
                    while let Some(frame) = stack.pop() {
                        emit(&frame, &mut counts)?;
                    }
                    break;
                }
            }
        }
        if samples == 0 {
            return Err(problem(&self.path, Some(scanner.line), "no samples"));
        }
        *self.counts.borrow_mut() = counts;
        Ok(())
    }

    fn version_hint(&self) -> Option<String> {
        Some(match &self.version {
            Some(v) => format!("JMeter XML JTL, testResults version {v}"),
            None => "JMeter XML JTL".into(),
        })
    }

    fn timed(&self) -> bool {
        // Decided per file: samples without `ts` (batch-test output) carry no time.
        // The first sample tells; files mixing both do not exist in practice.
        first_sample_has_ts(&self.path).unwrap_or(true)
    }

    fn ok_server_errors(&self) -> BTreeMap<String, u64> {
        self.counts.borrow().ok_server_errors.clone()
    }

    fn runs_left_out(&self) -> Option<String> {
        self.counts.borrow().appended_at.map(|line| {
            format!(
                "{}: another run follows the first one's </testResults> (a second \
                 <testResults> at line {line}: `jmeter -l` appends to an existing file): only \
                 the first run is read; give each run its own file",
                self.path.shown()
            )
        })
    }

    fn stopped_early(&self) -> Option<String> {
        self.counts.borrow().unterminated.then(|| {
            format!(
                "{}: the XML JTL ends without </testResults>: JMeter was killed or is still \
                 writing the file, so its results stop before the run's end",
                self.path.shown()
            )
        })
    }

    fn warnings(&self) -> Vec<String> {
        let c = self.counts.borrow();
        super::csv::ok_server_errors_warning(c.ok_server_errors.values().sum(), c.samples)
    }

    fn notes(&self) -> Vec<String> {
        let c = self.counts.borrow();
        let mut notes = Vec::new();
        if c.subresults > 0 {
            notes.push(format!(
                "{} nested sub-result sample(s) left out: their parent samples include them",
                c.subresults
            ));
        }
        if c.transactions > 0 {
            notes.push(format!(
                "{} Transaction Controller sample(s) kept as transaction endpoints, not \
                 counted as requests",
                c.transactions
            ));
        }
        if c.engines > 1 {
            notes.push(super::engines::note(c.engines));
        }
        if c.unterminated {
            notes.push(
                "the file ends without </testResults> (run stopped?): read up to its last \
                 complete sample"
                    .into(),
            );
        }
        if !self.timed() {
            notes.push("samples have no `ts`: the time span and throughput are unknown".into());
        }
        notes
    }
}

fn first_sample_has_ts(path: &Path) -> Option<bool> {
    let mut scanner = Scanner::new(open_decompressed(path).ok()?, path);
    loop {
        match scanner.next_event().ok()? {
            Event::Start { name, attrs, .. } if is_sample(&name) => {
                return Some(attr(&attrs, "ts").is_some())
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The sample an element's attributes describe.
fn sample<'f>(frame: &'f Frame, path: &Path) -> Result<Sample<'f>, Problem> {
    let a = |name: &str| attr(&frame.attrs, name);
    let bad = |why: String| problem(path, Some(frame.line), why);
    let number = |name: &str| -> Result<Option<f64>, Problem> {
        match a(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(Some)
                .ok_or_else(|| bad(format!("attribute {name}=\"{v}\" is not a number"))),
        }
    };
    let t_ms = match a("ts").map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            crate::ingest::jmeter::csv::parse_timestamp(v)
                .ok_or_else(|| bad(format!("attribute ts=\"{v}\" is not epoch ms")))?,
        ),
    };
    let success = match a("s").map(str::trim) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(v) => return Err(bad(format!("attribute s=\"{v}\": want true or false"))),
    };
    let users = match number("na")? {
        Some(u) => Some(u),
        None => number("ng")?,
    };
    Ok(Sample {
        t_ms,
        elapsed_ms: number("t")?,
        label: a("lb").unwrap_or(""),
        response_code: a("rc").or_else(|| a("rs")).unwrap_or(""),
        response_message: a("rm").unwrap_or(""),
        success,
        failure_message: frame.failure_message.as_deref().unwrap_or(""),
        url: None,
        data_type: a("dt"),
        users,
        bytes: number("by")?.map(|b| b as u64),
    })
}

/// What the scanner found next.
#[derive(Debug)]
enum Event {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        empty: bool,
    },
    End {
        name: String,
    },
    /// Character data (only while `capture` is on).
    Text(String),
    Eof,
}

/// A minimal streaming XML tokenizer: start/end tags with attributes, comments,
/// processing instructions, CDATA and DOCTYPE skipped, entities decoded, lines
/// counted for error messages. Text is only kept while `capture` is set.
struct Scanner<'p> {
    reader: Box<dyn BufRead>,
    path: &'p Path,
    /// 1-based line of the scanner's position.
    line: u64,
    capture: bool,
    tag: Vec<u8>,
    /// An event read past captured text, returned next.
    stashed: Option<Event>,
}

impl<'p> Scanner<'p> {
    fn new(reader: Box<dyn BufRead>, path: &'p Path) -> Scanner<'p> {
        Scanner {
            reader,
            path,
            line: 1,
            capture: false,
            tag: Vec::with_capacity(512),
            stashed: None,
        }
    }

    fn next_event(&mut self) -> Result<Event, Problem> {
        if let Some(event) = self.stashed.take() {
            return Ok(event);
        }
        let mut text = Vec::new();
        loop {
            // Character data up to the next `<`.
            let mut eof = false;
            loop {
                let (path, line) = (self.path, self.line);
                let buf = self
                    .reader
                    .fill_buf()
                    .map_err(|e| problem(path, Some(line), format!("cannot read: {e}")))?;
                if buf.is_empty() {
                    eof = true;
                    break;
                }
                let (chunk, found) = match buf.iter().position(|b| *b == b'<') {
                    Some(i) => (&buf[..i], true),
                    None => (buf, false),
                };
                self.line += chunk.iter().filter(|b| **b == b'\n').count() as u64;
                if self.capture {
                    text.extend_from_slice(chunk);
                }
                let used = chunk.len() + usize::from(found);
                self.reader.consume(used);
                if found {
                    break;
                }
            }
            let event = if eof {
                Some(Event::Eof)
            } else {
                self.read_tag()?;
                self.parse_tag()?
            };
            if let Some(event) = event {
                if self.capture && !text.is_empty() {
                    // The text comes first; the tag after it on the next call.
                    self.stashed = Some(event);
                    return Ok(Event::Text(decode(&String::from_utf8_lossy(&text))));
                }
                return Ok(event);
            }
        }
    }

    /// Reads a tag's bytes after `<` into `self.tag` (without the closing `>`).
    fn read_tag(&mut self) -> Result<(), Problem> {
        self.tag.clear();
        let mut quote: Option<u8> = None;
        loop {
            let (path, line) = (self.path, self.line);
            let buf = self
                .reader
                .fill_buf()
                .map_err(|e| problem(path, Some(line), format!("cannot read: {e}")))?;
            if buf.is_empty() {
                // A tag cut short at the end of the file: the caller sees Eof next.
                self.tag.clear();
                return Ok(());
            }
            let mut used = 0;
            let mut done = false;
            for &b in buf {
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                let special = matches!(self.tag.first(), Some(b'!' | b'?'));
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if (b == b'"' || b == b'\'') && !special => quote = Some(b),
                    None if b == b'>' => {
                        let t = &self.tag;
                        let closed = if t.starts_with(b"!--") {
                            t.len() >= 5 && t.ends_with(b"--")
                        } else if t.starts_with(b"![CDATA[") {
                            t.ends_with(b"]]")
                        } else {
                            true
                        };
                        if closed {
                            done = true;
                            break;
                        }
                        self.tag.push(b);
                        continue;
                    }
                    None => {}
                }
                self.tag.push(b);
            }
            self.reader.consume(used);
            if done {
                return Ok(());
            }
            if self.tag.len() > MAX_TAG_BYTES {
                return Err(problem(
                    self.path,
                    Some(self.line),
                    "a tag longer than 1 MiB: not a well-formed JTL",
                ));
            }
        }
    }

    /// The event of the tag in `self.tag`, `None` for things to skip.
    fn parse_tag(&mut self) -> Result<Option<Event>, Problem> {
        let tag = String::from_utf8_lossy(&self.tag).into_owned();
        if tag.is_empty() || tag.starts_with('!') || tag.starts_with('?') {
            return Ok(None);
        }
        if let Some(name) = tag.strip_prefix('/') {
            return Ok(Some(Event::End {
                name: name.trim().to_string(),
            }));
        }
        let (body, empty) = match tag.strip_suffix('/') {
            Some(b) => (b, true),
            None => (tag.as_str(), false),
        };
        let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        let name = body[..name_end].to_string();
        let attrs = parse_attrs(&body[name_end..])
            .map_err(|why| problem(self.path, Some(self.line), format!("<{name}>: {why}")))?;
        Ok(Some(Event::Start { name, attrs, empty }))
    }
}

/// `a="1" b='x &amp; y'` → pairs, entities decoded.
fn parse_attrs(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("attribute without a value near `{}`", head(rest)))?;
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let q = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or_else(|| format!("unquoted value of `{key}`"))?;
        let end = after[1..]
            .find(q)
            .ok_or_else(|| format!("unterminated value of `{key}`"))?;
        out.push((key, decode(&after[1..1 + end])));
        rest = after[end + 2..].trim_start();
    }
    Ok(out)
}

fn head(s: &str) -> &str {
    let end = s.char_indices().nth(20).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Decodes XML's five entities and numeric character references.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    type Seen = (String, bool, bool, Option<f64>, Option<String>);

    fn read(xml: &str) -> (Result<Vec<Seen>, Problem>, Vec<String>) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(xml.as_bytes()).unwrap();
        let jtl = match JmeterXml::open(f.path()) {
            Ok(j) => j,
            Err(p) => return (Err(p), Vec::new()),
        };
        let mut out = Vec::new();
        let mut bad = None;
        let r = jtl.replay(&mut |o| match o {
            Observation::Malformed(p) => {
                bad.get_or_insert(p);
            }
            Observation::Request(r) => out.push((
                r.name.to_string(),
                r.ok,
                false,
                r.latency_ms,
                r.failure.map(|k| k.to_string()),
            )),
            Observation::Transaction(r) => {
                out.push((r.name.to_string(), r.ok, true, r.latency_ms, None))
            }
            _ => {}
        });
        let r = match bad {
            Some(p) => Err(p),
            None => r.map(|_| out),
        };
        (r, jtl.notes())
    }

    #[test]
    fn nested_children_are_sub_results() {
        let (seen, notes) = read(
            "<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n\
             <httpSample t=\"30\" ts=\"1000\" s=\"true\" lb=\"home &amp; co\" rc=\"200\" rm=\"OK\">\n\
               <httpSample t=\"10\" ts=\"1000\" s=\"true\" lb=\"home-0\" rc=\"302\"/>\n\
               <responseData class=\"java.lang.String\">&lt;html&gt; a > b</responseData>\n\
             </httpSample>\n\
             <sample t=\"5\" ts=\"1100\" s=\"false\" lb=\"check\" rc=\"200\" rm=\"OK\">\n\
               <assertionResult><name>A</name><failure>true</failure>\
               <failureMessage>expected foo</failureMessage></assertionResult>\n\
             </sample>\n\
             <!-- a comment with a > sign -->\n\
             <sample t=\"35\" ts=\"1200\" s=\"true\" lb=\"tx\" rm=\"Number of samples in transaction : 2, number of failing samples : 0\"/>\n\
             <httpSample t=\"7\" ts=\"1300\" s=\"false\" lb=\"slow\" rc=\"Non HTTP response code: java.net.SocketTimeoutException\">\n",
        );
        let seen = seen.unwrap();
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert_eq!(seen[0], ("home & co".into(), true, false, Some(30.0), None));
        assert_eq!(seen[1].4.as_deref(), Some("assertion"));
        assert!(seen[2].2, "transaction");
        assert_eq!(seen[3].4.as_deref(), Some("timeout"));
        assert!(
            notes.iter().any(|n| n.contains("1 nested sub-result")),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.contains("</testResults>")),
            "{notes:?}"
        );
    }

    #[test]
    fn bad_attribute_names_the_line() {
        let (seen, _) = read(
            "<?xml version=\"1.0\"?>\n<testResults>\n<sample t=\"1\" ts=\"1000\" s=\"true\" lb=\"a\"/>\n\
             <sample t=\"x\" ts=\"1000\" s=\"true\" lb=\"a\"/>\n</testResults>\n",
        );
        let p = seen.unwrap_err();
        assert_eq!(p.line, Some(4), "{p}");
        assert!(p.reason.contains("t=\"x\""), "{p}");
    }
}
