//! `:schema`: the labels and relationship types of the store, read with the
//! `db.schema()` procedure and laid out as two aligned lists.

use std::io::Write;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::result::ResultValue;

/// One row of `db.schema()`.
struct Entry {
    relationship: bool,
    name: String,
    count: String,
    key: Option<String>,
    properties: String,
    from: String,
    to: String,
}

fn text(v: &ResultValue) -> Option<String> {
    match v {
        ResultValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A list of names joined by `sep`, or `None` when it is empty or not a list.
fn names(v: &ResultValue, sep: &str) -> Option<String> {
    match v {
        ResultValue::List(items) if !items.is_empty() => {
            Some(items.iter().filter_map(text).collect::<Vec<_>>().join(sep))
        }
        _ => None,
    }
}

fn entry(row: &[ResultValue]) -> Result<Entry> {
    let [kind, name, count, key, properties, from, to] = row else {
        return Err(Error::query(
            "db.schema() returned a row of an unexpected shape",
        ));
    };
    Ok(Entry {
        relationship: text(kind).as_deref() == Some("relationship"),
        name: text(name).unwrap_or_default(),
        count: match count {
            ResultValue::Int(n) => n.to_string(),
            _ => "?".into(),
        },
        key: text(key),
        properties: names(properties, ", ").unwrap_or_else(|| "-".into()),
        from: names(from, "|").unwrap_or_default(),
        to: names(to, "|").unwrap_or_default(),
    })
}

/// Prints the schema of `db`.
pub fn print(db: &mut Database, out: &mut dyn Write) -> Result<()> {
    let result = db.query("CALL db.schema()", &Default::default())?;
    let entries = result
        .rows
        .iter()
        .map(|r| entry(r))
        .collect::<Result<Vec<_>>>()?;
    let width = entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0);
    let count_width = entries.iter().map(|e| e.count.len()).max().unwrap_or(1);
    let (rels, labels): (Vec<&Entry>, Vec<&Entry>) = entries.iter().partition(|e| e.relationship);
    writeln!(out, "Node labels ({}):", labels.len())?;
    if labels.is_empty() {
        writeln!(out, "  (none yet: :import a file or CREATE some nodes)")?;
    }
    for e in &labels {
        let key = e
            .key
            .as_ref()
            .map(|k| format!("key: {k}  "))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<width$}  {:>count_width$}  {key}keys: {}",
            e.name, e.count, e.properties
        )?;
    }
    writeln!(out, "Relationship types ({}):", rels.len())?;
    if rels.is_empty() {
        writeln!(out, "  (none yet)")?;
    }
    for e in &rels {
        writeln!(
            out,
            "  {:<width$}  {:>count_width$}  ({})->({})  keys: {}",
            e.name, e.count, e.from, e.to, e.properties
        )?;
    }
    Ok(())
}
