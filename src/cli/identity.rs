//! The commands of identity decisions: `merge`, `unmerge`, `distinct`, `decisions`.

use std::io::Write;

use super::StatsFormatArg;
use crate::db::Database;
use crate::error::Result;
use crate::identity;

/// `claimgraph merge KIND KEEP OTHER [--reason TEXT]`: the transaction
/// number on the first line, then what moved and each conflict.
pub fn merge(
    db: &mut Database,
    (kind, keep, other): (&str, &str, &str),
    reason: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let kind = identity::entity_kind(kind)?;
    let m = identity::merge(db, kind, keep, other, reason)?;
    writeln!(out, "{}", m.tx)?;
    for line in identity::describe_merge(kind, keep, other, &m) {
        writeln!(err, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

/// `claimgraph distinct KIND A B [--reason TEXT]`: the transaction number.
pub fn distinct(
    db: &mut Database,
    (kind, a, b): (&str, &str, &str),
    reason: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let kind = identity::entity_kind(kind)?;
    let tx = identity::distinct(db, kind, a, b, reason)?;
    writeln!(out, "{tx}")?;
    writeln!(
        err,
        "recorded: \"{a}\" and \"{b}\" are different {}s; a merge or alias that would join them is refused",
        kind.label().to_lowercase()
    )?;
    out.flush()?;
    Ok(())
}

/// `claimgraph unmerge TX`: the new transaction's number.
pub fn unmerge(db: &mut Database, tx: u64, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let done = identity::unmerge(db, tx)?;
    writeln!(out, "{done}")?;
    writeln!(err, "undid merge {tx}")?;
    out.flush()?;
    Ok(())
}

/// `claimgraph decisions [--format table|json]`.
pub fn decisions(
    db: &Database,
    format: Option<StatsFormatArg>,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let list = identity::decisions(db)?;
    let json = StatsFormatArg::json_wanted(format, terminal);
    if json {
        serde_json::to_writer(&mut *out, &list).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", identity::decisions_table(&list))?;
    }
    out.flush()?;
    Ok(())
}
