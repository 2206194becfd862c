//! `claimgraph run`: scripts of `;`-ended statements and `:commands`.

use std::io::Write;
use std::path::Path;

use super::{cancel_for, TimeoutArg};
use crate::cancel::Cancel;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::output::OutputFormat;

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

pub(crate) fn run_script(
    db: &mut Database,
    name: &str,
    text: &str,
    format: OutputFormat,
    timeout: &TimeoutArg,
) -> Result<()> {
    use crate::repl::Session;

    let taken = std::mem::replace(db, Database::in_memory());
    let mut session = Session::new(taken);
    session.format = format;
    let stdout = std::io::stdout();
    let result = run_script_in(
        &mut session,
        name,
        text,
        &|| cancel_for(timeout),
        &mut stdout.lock(),
    );
    *db = std::mem::replace(&mut *session.db_mut(), Database::in_memory());
    result
}

/// Runs a script's statements and commands in `session`, each statement
/// with a fresh `cancel()`, printing to `out`.
pub(crate) fn run_script_in(
    session: &mut crate::repl::Session,
    name: &str,
    text: &str,
    cancel: &dyn Fn() -> Cancel,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::query::script::{self, ItemKind};
    use crate::repl::Flow;

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
