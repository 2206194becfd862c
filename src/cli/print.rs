//! The printers of `query`, `stats` and `check`, shared by the command line and a
//! store's holder.

use std::io::Write;
use std::path::Path;

use super::*;

/// `stats`: JSON, or a table (the default on a terminal).
pub(crate) fn print_stats(
    db: &Database,
    format: Option<StatsFormatArg>,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<()> {
    print_counts(&db.stats(), &db.describe(), format, terminal, out)
}

/// `stats` of the store `describe` names, as `format` asks.
pub(crate) fn print_counts(
    stats: &Stats,
    describe: &str,
    format: Option<StatsFormatArg>,
    terminal: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if StatsFormatArg::json_wanted(format, terminal) {
        serde_json::to_writer(&mut *out, stats).map_err(std::io::Error::from)?;
        writeln!(out)?;
        Ok(())
    } else {
        write_stats_table(describe, stats, out)
    }
}

/// `query`: runs it and prints its result in `format` on `out`, and its
/// warnings on `err` (in JSON they are part of the result).
pub(crate) fn print_query(
    db: &mut Database,
    query: &str,
    params: &crate::query::Params,
    format: OutputFormat,
    cancel: &Cancel,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let result = db.query_with(query, params, cancel)?;
    if format != OutputFormat::Json {
        output::write_warnings(&result, err)?;
    }
    output::write_result(&result, format, table_options(), out)?;
    out.flush()?;
    Ok(())
}

/// `check`: the records and indexes of the store at `store` agree, or the damage in words.
pub(crate) fn print_check(db: &Database, store: &Path, out: &mut dyn Write) -> Result<()> {
    let mended = db
        .graph()
        .verify_indexes()
        .and_then(|()| db.census_mended())
        .map_err(|e| match e {
            Error::Corrupt(why) => Error::Corrupt(crate::db::damage_hint(store, why)),
            e => e,
        })?;
    let stats = db.stats();
    writeln!(
        out,
        "{}: ok ({} nodes, {} relationships; records and indexes agree)",
        store.display(),
        stats.nodes,
        stats.relationships
    )?;
    if let Some(why) = mended {
        writeln!(
            out,
            "{}: the census that `stats` reads {why}; it now holds the records' counts",
            store.display()
        )?;
    }
    Ok(())
}

fn write_stats_table(describe: &str, stats: &Stats, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "{}: {} nodes, {} relationships, {} articles",
        describe, stats.nodes, stats.relationships, stats.articles
    )?;
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["", "name", "count"]);
    for (label, n) in &stats.labels {
        table.add_row(vec!["label".to_string(), label.clone(), n.to_string()]);
    }
    for (t, n) in &stats.types {
        table.add_row(vec!["type".to_string(), t.clone(), n.to_string()]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}
