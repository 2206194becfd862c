//! The commands of identity decisions: `merge`, `unmerge`, `decisions`.

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
    writeln!(
        err,
        "merged {} \"{other}\" into \"{keep}\": {} relationship(s) moved, \"{other}\" is an alias now",
        kind.label().to_lowercase(),
        m.moved
    )?;
    for c in &m.conflicts {
        writeln!(
            err,
            "conflict: {}: kept {}, dropped {}",
            c.key,
            serde_json::to_string(&c.kept).unwrap_or_default(),
            serde_json::to_string(&c.dropped).unwrap_or_default()
        )?;
    }
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
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header([
            "tx",
            "time",
            "decision",
            "kind",
            "names",
            "reason",
            "undone by",
        ]);
        for d in &list {
            table.add_row(vec![
                d.tx.to_string(),
                d.time.clone(),
                d.decision.to_string(),
                d.kind.clone(),
                d.names.join(" ← "),
                d.reason.clone().unwrap_or_default(),
                d.undone_by.map_or(String::new(), |t| t.to_string()),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    out.flush()?;
    Ok(())
}
