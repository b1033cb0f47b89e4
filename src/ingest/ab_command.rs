//! ab's method from its command line. ab's console names the server, port and document
//! path but never the method, yet its command line says it: `-p FILE` posts the file
//! (POST), `-u FILE` puts it (PUT), `-i` sends HEAD and `-m NAME` any method (ab 2.3),
//! kept as `tool_command.rs` finds it (echoed above the output or saved beside it).
//! Without one of them ab sends GET; as for the other tools, nothing then says a method
//! and the endpoint stays the URL alone.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::tool_command;

/// The method the ab output at `path` (`preface`: its text before the output) was sent
/// with when its command line says one, with a note (pushed onto `notes`) saying where
/// it comes from.
pub fn method(path: &Path, preface: &str, notes: &mut Vec<String>) -> Option<String> {
    let (line, from) = tool_command::find(&super::planned::AB, path, preface)?;
    let args = tool_command::args(&super::planned::AB, &line)?;
    let (method, flag) = match tool_command::flag(&args, "m", None) {
        Some(m) => {
            let ok = !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic());
            (ok.then(|| m.to_ascii_uppercase())?, "-m")
        }
        None if tool_command::flag(&args, "p", None).is_some() => ("POST".to_string(), "-p"),
        None if tool_command::flag(&args, "u", None).is_some() => ("PUT".to_string(), "-u"),
        None if args.contains(&"-i") => ("HEAD".to_string(), "-i"),
        None => return None,
    };
    notes.push(format!(
        "{}: ab sent every request as {method} ({flag}), read from {from}; its output names \
         no method",
        path.shown()
    ));
    Some(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(line: &str) -> Option<String> {
        method(Path::new("/nonexistent/ab.txt"), line, &mut Vec::new())
    }

    #[test]
    fn methods() {
        let url = "http://h/api";
        assert_eq!(
            of(&format!(
                "$ ab -n 10 -p body.json -T application/json {url}"
            ))
            .as_deref(),
            Some("POST")
        );
        assert_eq!(
            of(&format!("ab -u body.json {url}")).as_deref(),
            Some("PUT")
        );
        assert_eq!(of(&format!("ab -i -n 5 {url}")).as_deref(), Some("HEAD"));
        assert_eq!(
            of(&format!("ab -m delete {url}")).as_deref(),
            Some("DELETE")
        );
        assert_eq!(of(&format!("ab -n 10 -c 2 {url}")), None);
    }
}
