//! Scripts inside a session, and the session's own record: `:source FILE` runs a
//! script's statements and commands as if typed (errors name the file's line),
//! `:history [N]` lists the last inputs, `:clear` clears the screen. The same
//! script runner serves `claimgraph run`.

use std::cell::Cell;
use std::io::Write;
use std::path::Path;

use super::{Flow, Session};
use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// One line of help per command of this module.
pub const HELP: &[(&str, &str)] = &[
    (
        ":source FILE",
        "run a script's statements and commands in this session",
    ),
    (":history [N]", "list the last N inputs (20 unless told)"),
    (":clear", "clear the screen"),
];

/// How many inputs `:history` lists unless told.
const HISTORY_SHOWN: usize = 20;
/// How many inputs a session remembers.
pub const HISTORY_KEPT: usize = 5000;
/// How deeply `:source` may nest (a script that sources itself stops here).
const MAX_SOURCE_DEPTH: usize = 16;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// More about one of this module's commands, for `:help COMMAND`.
pub fn more_help(command: &str) -> Option<&'static str> {
    Some(match command {
        "source" => {
            "\
:source FILE runs the statements (ended by ';') and :commands of FILE in this
session, with its parameters and settings; they may set parameters for what
follows. The first error stops the script and names FILE:LINE:COLUMN."
        }
        "history" => ":history lists the last 20 inputs, oldest first; :history N the last N.",
        "clear" => ":clear clears the screen (Ctrl-L does too).",
        _ => return None,
    })
}

/// Whether `name` is a command of this module.
pub fn is_command(name: &str) -> bool {
    matches!(name, "source" | "history" | "clear")
}

/// Runs `:source`, `:history` or `:clear`.
pub fn run(session: &mut Session, name: &str, args: &str, out: &mut dyn Write) -> Result<Flow> {
    match name {
        "source" => {
            let file = args.trim();
            let file = file
                .strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .or_else(|| file.strip_prefix('\'').and_then(|f| f.strip_suffix('\'')))
                .unwrap_or(file);
            if file.is_empty() {
                return Err(Error::query(":source needs a file: :source FILE"));
            }
            source(session, Path::new(file), out)
        }
        "history" => {
            let n = match args.trim() {
                "" => HISTORY_SHOWN,
                other => other.parse().map_err(|_| {
                    Error::query(format!(":history takes a number of inputs, not `{other}`"))
                })?,
            };
            // The `:history` just typed is not worth listing.
            let past = match session.history.last() {
                Some(last) if last.trim_start().starts_with(":history") => {
                    &session.history[..session.history.len() - 1]
                }
                _ => &session.history[..],
            };
            let first = past.len().saturating_sub(n);
            let width = past.len().to_string().len();
            for (i, entry) in past.iter().enumerate().skip(first) {
                let mut lines = entry.lines();
                writeln!(out, "{:>width$}  {}", i + 1, lines.next().unwrap_or(""))?;
                for line in lines {
                    writeln!(out, "{:>width$}  {line}", "")?;
                }
            }
            Ok(Flow::Continue)
        }
        "clear" => {
            // Erase the screen and its scroll-back, and put the cursor home.
            write!(out, "\x1b[H\x1b[2J\x1b[3J")?;
            Ok(Flow::Continue)
        }
        other => Err(Error::query(format!("unknown command :{other}"))),
    }
}

/// `:source FILE`: the script runs in `session`; `:quit` in it ends the script only.
fn source(session: &mut Session, file: &Path, out: &mut dyn Write) -> Result<Flow> {
    let depth = DEPTH.with(Cell::get);
    if depth >= MAX_SOURCE_DEPTH {
        return Err(Error::query(format!(
            ":source is nested more than {MAX_SOURCE_DEPTH} deep at {} (does a script source itself?)",
            file.display()
        )));
    }
    let (name, text) = read_script(file)?;
    DEPTH.with(|d| d.set(depth + 1));
    let cancel = session.cancel().clone();
    let result = run_script_in(session, &name, &text, &|| cancel.clone(), out);
    DEPTH.with(|d| d.set(depth));
    result.map(|()| Flow::Continue)
}

/// Reads a script (`-` is standard input), refusing text that is not UTF-8 with its place.
pub(crate) fn read_script(file: &Path) -> Result<(String, String)> {
    let bytes = if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| Error::io(file, e))?
    };
    let name = if file == Path::new("-") {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            Err(crate::error::Diagnostic::at_offset(
                Some(&name),
                &prefix,
                valid,
                "the script is not valid UTF-8 here",
            )
            .into())
        }
    }
}

/// Runs a script's statements and commands in `session`, each statement
/// with a fresh `cancel()`, printing to `out`.
pub(crate) fn run_script_in(
    session: &mut Session,
    name: &str,
    text: &str,
    cancel: &dyn Fn() -> Cancel,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::query::script::{self, ItemKind};

    for item in script::split(text) {
        let outcome = match item.kind {
            ItemKind::Command => session.execute(&item.text, out),
            ItemKind::Statement => {
                session.set_cancel(cancel());
                session
                    .run_statement(&item.text, out)
                    .map(|()| Flow::Continue)
            }
        };
        let _ = out.flush();
        match outcome {
            Ok(Flow::Continue) => {}
            Ok(Flow::Quit) => break,
            Err(e) => return Err(relocate(e, name, item.line)),
        }
    }
    Ok(())
}

/// Points an error in one statement of a script at the script's file and line.
pub(crate) fn relocate(e: Error, file: &str, first_line: usize) -> Error {
    let shift = |d: &mut crate::error::Diagnostic| {
        d.file = Some(file.to_string());
        d.line += first_line.saturating_sub(1);
    };
    match e {
        Error::Input(mut diagnostics) => {
            diagnostics.items.iter_mut().for_each(shift);
            Error::Input(diagnostics)
        }
        Error::Query {
            message,
            diagnostic: Some(mut d),
            code,
        } => {
            shift(&mut d);
            Error::Query {
                message,
                diagnostic: Some(d),
                code,
            }
        }
        Error::Query {
            message,
            diagnostic: None,
            code,
        } => Error::Query {
            message: format!("{file}:{first_line}: {message}"),
            diagnostic: None,
            code,
        },
        Error::Constraint(message) => Error::Constraint(format!(
            "{message} (in the statement at {file}:{first_line})"
        )),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[test]
    fn a_script_that_sources_itself_stops_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("loop.cypher");
        std::fs::write(&file, format!(":source {}\n", file.display())).unwrap();
        let mut s = Session::new(Database::in_memory());
        let mut out = Vec::new();
        let err =
            super::super::run_command(&mut s, &format!(":source {}", file.display()), &mut out)
                .unwrap_err();
        assert!(err.to_string().contains("nested more than"), "{err}");
        assert_eq!(DEPTH.with(Cell::get), 0);
    }

    #[test]
    fn history_lists_the_last_inputs_but_itself() {
        let mut s = Session::new(Database::in_memory());
        s.history = vec![
            "RETURN 1;".into(),
            "MATCH (n)\nRETURN n;".into(),
            ":history 5".into(),
        ];
        let mut out = Vec::new();
        run(&mut s, "history", "5", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "1  RETURN 1;\n2  MATCH (n)\n   RETURN n;\n", "{text}");
        assert!(run(&mut s, "history", "many", &mut Vec::new()).is_err());
    }
}
