//! `headroom.toml`: defaults for any flag. The file in the working dir is read when
//! present, or the one `--config FILE` names. Top-level keys are defaults for every
//! command that has that flag (`sla = "sla.toml"`, `color = "never"`); a
//! `[command]` table holds one command's (`[analyze] charts = "svg"`). Keys are long
//! flag names, with `_` or `-`. Precedence: the command line, then the command's
//! table, then the top level, then the built-in default. An unknown key or table is
//! an error naming the file, with the nearest known name.
//!
//! It works on the argument list before clap parses it: every default the command
//! line does not give is added as `--flag=value` right after the command's name, so
//! clap checks every value exactly as it checks a typed one.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command, CommandFactory};

use super::Cli;
use crate::analysis::sla::edit_distance;

/// The file read from the working dir when `--config` is not given.
pub const FILE_NAME: &str = "headroom.toml";

/// Flags no config file can set.
const NOT_CONFIGURABLE: [&str; 3] = ["config", "help", "version"];

/// A config file that cannot be used; said as `error: …`, exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// `argv` with the config file's defaults added for every flag it does not give;
/// `argv` unchanged without a config file or a command.
pub fn apply(argv: Vec<OsString>) -> Result<Vec<OsString>, ConfigError> {
    let (path, named) = match config_flag(&argv)? {
        Some(p) => (p, true),
        None => (PathBuf::from(FILE_NAME), false),
    };
    if !named && !path.is_file() {
        return Ok(argv);
    }
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ConfigError(format!("config file {shown}: {e}")))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        ConfigError(format!(
            "config file {shown}: {}",
            crate::model::toml_error(&text, &e)
        ))
    })?;
    let mut cli = Cli::command();
    cli.build();
    check_keys(&table, &cli, &shown)?;
    let Some(at) = command_position(&argv, &cli) else {
        return Ok(argv);
    };
    let name = argv[at].to_string_lossy().into_owned();
    let Some(command) = cli.find_subcommand(&name) else {
        return Ok(argv);
    };
    let mut set = given(&argv, command);
    let mut extra: Vec<OsString> = Vec::new();
    let section = table
        .get(command.get_name())
        .and_then(toml::Value::as_table);
    let top = table.iter().filter(|(_, v)| !v.is_table());
    for (key, value) in section.into_iter().flatten().chain(top) {
        let Some(arg) = find_flag(command, key) else {
            continue; // a top-level default for another command
        };
        if set.insert(arg.get_id().to_string()) {
            extra.extend(tokens(arg, key, value, &shown)?);
        }
    }
    let mut out = argv;
    out.splice(at + 1..at + 1, extra);
    Ok(out)
}

/// The `--config FILE` of the command line, if any.
fn config_flag(argv: &[OsString]) -> Result<Option<PathBuf>, ConfigError> {
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--config" {
            return match it.next() {
                Some(p) => Ok(Some(PathBuf::from(p))),
                None => Err(ConfigError(
                    "--config needs a FILE: a TOML file of flag defaults".into(),
                )),
            };
        }
        if let Some(p) = a.strip_prefix("--config=") {
            return Ok(Some(PathBuf::from(p)));
        }
    }
    Ok(None)
}

/// Every key of the file is a flag (or a command's table of flags); the first that
/// is not is an error with the nearest known name.
fn check_keys(table: &toml::Table, cli: &Command, file: &str) -> Result<(), ConfigError> {
    let commands: Vec<&str> = cli
        .get_subcommands()
        .map(Command::get_name)
        .filter(|n| *n != "help")
        .collect();
    let any_flag: Vec<String> = cli
        .get_subcommands()
        .flat_map(flag_names)
        .chain(flag_names(cli))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (key, value) in table {
        match value.as_table() {
            Some(section) => {
                let Some(command) = cli.find_subcommand(key).filter(|c| c.get_name() != "help")
                else {
                    return Err(unknown(
                        file,
                        &format!("table [{key}]"),
                        key,
                        &commands,
                        "top-level flags, or tables named after a command",
                    ));
                };
                let known = flag_names(command);
                for k in section.keys() {
                    if find_flag(command, k).is_none() {
                        return Err(unknown(
                            file,
                            &format!("key `{k}` in [{key}]"),
                            k,
                            &known,
                            &format!("the long flags of `headroom {key} --help`"),
                        ));
                    }
                }
            }
            None => {
                let is_flag = cli.get_subcommands().any(|c| find_flag(c, key).is_some());
                if !is_flag {
                    return Err(unknown(
                        file,
                        &format!("key `{key}`"),
                        key,
                        &any_flag,
                        "the long flags of the commands, or a [command] table",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// "headroom.toml: unknown key `thinktime` in [analyze] — did you mean `think_time`?"
fn unknown(
    file: &str,
    what: &str,
    key: &str,
    known: &[impl AsRef<str>],
    valid: &str,
) -> ConfigError {
    let key = key.replace('-', "_");
    let near = known
        .iter()
        .map(|k| (edit_distance(&key, k.as_ref()), k.as_ref()))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d);
    let hint = match near {
        Some((_, k)) => format!(" — did you mean `{k}`?"),
        None => String::new(),
    };
    ConfigError(format!(
        "config file {file}: unknown {what}{hint} Keys are {valid} (with _ or -)."
    ))
}

/// A command's configurable flags, as keys (`think_time`).
fn flag_names(c: &Command) -> Vec<String> {
    c.get_arguments()
        .filter_map(Arg::get_long)
        .filter(|l| !NOT_CONFIGURABLE.contains(l))
        .map(|l| l.replace('-', "_"))
        .collect()
}

/// The flag a key names in `command` (`think_time` or `think-time`).
fn find_flag<'c>(command: &'c Command, key: &str) -> Option<&'c Arg> {
    let long = key.replace('_', "-");
    command.get_arguments().find(|a| {
        a.get_long()
            .is_some_and(|l| l == long && !NOT_CONFIGURABLE.contains(&l))
    })
}

/// Index of the command's name in `argv`: the first word that is neither an option
/// nor the value of a global option.
fn command_position(argv: &[OsString], cli: &Command) -> Option<usize> {
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].to_string_lossy();
        if a == "--" {
            return None;
        }
        if let Some(long) = a.strip_prefix("--") {
            let takes_value = !long.contains('=')
                && cli
                    .get_arguments()
                    .any(|g| g.get_long() == Some(long) && g.get_action().takes_values());
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// Ids of the flags the command line gives (long, alias or short), up to `--`.
fn given(argv: &[OsString], command: &Command) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for a in argv.iter().skip(1) {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if let Some(arg) = command.get_arguments().find(|g| {
                g.get_long() == Some(name)
                    || g.get_all_aliases().is_some_and(|al| al.contains(&name))
            }) {
                out.insert(arg.get_id().to_string());
            }
        } else if let Some(shorts) = a.strip_prefix('-') {
            for c in shorts.chars() {
                if let Some(arg) = command.get_arguments().find(|g| g.get_short() == Some(c)) {
                    out.insert(arg.get_id().to_string());
                }
            }
        }
    }
    out
}

/// The command-line words of one default: `--force` for `true` on a switch (nothing
/// for `false`), `--flag=value` once per value otherwise.
fn tokens(
    arg: &Arg,
    key: &str,
    value: &toml::Value,
    file: &str,
) -> Result<Vec<OsString>, ConfigError> {
    let long = arg.get_long().unwrap_or(key);
    let bad = |want: &str| {
        ConfigError(format!(
            "config file {file}: `{key}` must be {want} (it sets --{long})"
        ))
    };
    if matches!(arg.get_action(), ArgAction::SetTrue) {
        return match value.as_bool() {
            Some(true) => Ok(vec![format!("--{long}").into()]),
            Some(false) => Ok(Vec::new()),
            None => Err(bad("true or false")),
        };
    }
    let many = matches!(arg.get_action(), ArgAction::Append);
    let values: Vec<&toml::Value> = match value {
        toml::Value::Array(items) if many => items.iter().collect(),
        toml::Value::Array(_) => return Err(bad("one value, not a list")),
        v => vec![v],
    };
    values
        .into_iter()
        .map(|v| {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => return Err(bad("a string, a number or true/false")),
            };
            Ok(OsString::from(format!("--{long}={text}")))
        })
        .collect()
}
