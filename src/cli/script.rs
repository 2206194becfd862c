//! `claimgraph run`: scripts of `;`-ended statements and `:commands`.

use super::{cancel_for, TimeoutArg};
use crate::db::Database;
use crate::error::Result;
use crate::output::OutputFormat;

pub(crate) use crate::shell::source::{read_script, run_script_in};

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
