//! The commands of time and history: the views `--as-of` and `--at-tx`,
//! `log`, `diff` and `compact`.

use std::io::Write;

use serde_json::{json, Value as Json};

use clap::Args;

use super::StatsFormatArg;
use crate::db::Database;
use crate::error::Result;
use crate::output::{node_to_json, relationship_to_json};
use crate::storage::history::Diff;
use crate::views::StoreDiff;

/// The views of time: as of an article date, or of a transaction.
#[derive(Args, Debug, Default)]
pub struct TimeArgs {
    /// Answer from the graph as the articles dated on or before DATE tell it.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Answer from the store exactly as it was after transaction N (read-only).
    #[arg(long, value_name = "N")]
    pub at_tx: Option<u64>,
}

/// The database a read command answers from: the store, as of a
/// transaction and then as of an article date when asked.
pub fn view(db: Database, time: &TimeArgs) -> Result<Database> {
    Ok(db.view(time.as_of.as_deref(), time.at_tx)?.unwrap_or(db))
}

/// `claimgraph log`.
pub fn log(
    db: &Database,
    format: Option<StatsFormatArg>,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let entries = db.log()?;
    if StatsFormatArg::json_wanted(format, terminal) {
        serde_json::to_writer(&mut *out, &entries).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header([
            "tx",
            "time",
            "what",
            "nodes +",
            "nodes -",
            "rels +",
            "rels -",
            "props set",
        ]);
        for e in &entries {
            let what: String = if e.what.chars().count() > 60 {
                e.what.chars().take(59).chain(['…']).collect()
            } else {
                e.what.clone()
            };
            table.add_row(vec![
                e.tx.to_string(),
                e.time.clone(),
                what.replace('\n', " "),
                e.nodes_created.to_string(),
                e.nodes_deleted.to_string(),
                e.relationships_created.to_string(),
                e.relationships_deleted.to_string(),
                e.properties_set.to_string(),
            ]);
        }
        writeln!(out, "{table}")?;
        let h = db.history()?;
        if h.floor > 0 {
            writeln!(
                out,
                "states kept: after transaction {} to after transaction {}",
                h.floor, h.last
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn side_json<T>(d: &Diff<T>, one: impl Fn(&T) -> Json) -> Json {
    json!({
        "added": d.added.iter().map(&one).collect::<Vec<_>>(),
        "removed": d.removed.iter().map(&one).collect::<Vec<_>>(),
        "changed": d.changed.iter().map(|c| json!({"before": one(&c.before), "after": one(&c.after)})).collect::<Vec<_>>(),
    })
}

/// The JSON of `diff`, as `cli.md` gives it.
pub fn diff_to_json(d: &StoreDiff) -> Json {
    json!({
        "nodes": side_json(&d.nodes, node_to_json),
        "relationships": side_json(&d.relationships, relationship_to_json),
    })
}

/// `claimgraph diff N M`.
pub fn diff(
    db: &Database,
    (n, m): (u64, u64),
    format: Option<StatsFormatArg>,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let d = db.diff(n, m)?;
    if StatsFormatArg::json_wanted(format, terminal) {
        serde_json::to_writer(&mut *out, &diff_to_json(&d)).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(out, "from after transaction {n} to after transaction {m}:")?;
        let lines = |out: &mut dyn Write, sign: &str, items: Vec<Json>| -> Result<()> {
            for item in items {
                writeln!(out, "{sign} {item}")?;
            }
            Ok(())
        };
        let nodes = side_json(&d.nodes, node_to_json);
        let rels = side_json(&d.relationships, relationship_to_json);
        for (kind, side) in [("node", nodes), ("relationship", rels)] {
            let take = |k: &str| side[k].as_array().cloned().unwrap_or_default();
            lines(out, &format!("+ {kind}"), take("added"))?;
            lines(out, &format!("- {kind}"), take("removed"))?;
            for c in take("changed") {
                writeln!(out, "~ {kind} {} -> {}", c["before"], c["after"])?;
            }
        }
        writeln!(
            out,
            "nodes: {} added, {} removed, {} changed; relationships: {} added, {} removed, {} changed",
            d.nodes.added.len(),
            d.nodes.removed.len(),
            d.nodes.changed.len(),
            d.relationships.added.len(),
            d.relationships.removed.len(),
            d.relationships.changed.len()
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `claimgraph compact --before N`.
pub fn compact(db: &mut Database, before: u64, out: &mut dyn Write) -> Result<()> {
    let size = db.size_on_disk();
    let freed = db.compact_history(before)?;
    let h = db.history()?;
    writeln!(
        out,
        "{}: dropped the history before transaction {before}: {freed} bytes of change records freed; states kept: after transaction {} to after transaction {}{}",
        db.describe(),
        h.floor,
        h.last,
        match size {
            Some(s) => format!(" (store {:.1} MB before)", s as f64 / (1 << 20) as f64),
            None => String::new(),
        }
    )?;
    Ok(())
}
