//! Reads a CSV or TSV table through a [`Mapping`] into the same [`Item`]s as
//! `.triples`: each row opens an article section (its id cell), declares its
//! entities and statements, and adds its relationships. A node whose name or
//! text cell is empty is absent from that row, and so are the relationships
//! that touch it; an empty property cell sets nothing. Errors point at the
//! cell, `file:line:column`.

use std::borrow::Cow;

use super::apply::is_iso_date;
use super::item::{
    Endpoint, EndpointKind, Item, ItemKind, Items, Progress, Prop, Props, Report, Triple,
};
use super::mapping::{CellType, Field, Mapping, Plan};
use crate::error::Result;
use crate::model::Kind;
use crate::value::Value;

/// How the table is laid out.
struct Layout {
    header: bool,
    delimiter: u8,
    quote: bool,
}

fn layout(mapping: &Mapping, file: &str) -> Result<Layout> {
    let table = &mapping.spec.table;
    let tsv = mapping
        .tsv
        .unwrap_or_else(|| file.to_ascii_lowercase().ends_with(".tsv"));
    let delimiter = match table.delimiter.as_deref() {
        None => {
            if tsv {
                b'\t'
            } else {
                b','
            }
        }
        Some(d) if d.len() == 1 => d.as_bytes()[0],
        Some(d) => {
            return Err(mapping.error(
                "delimiter",
                format!(
                    "the delimiter must be one ASCII character such as \",\" or \"\\t\", not {d:?}"
                ),
            ))
        }
    };
    Ok(Layout {
        header: table.header.unwrap_or(true),
        delimiter,
        quote: table.quote.unwrap_or(!tsv),
    })
}

/// Parses the table into items, reporting every bad cell. An error in the
/// mapping itself (a column the table does not have) is returned as such.
pub(crate) fn parse(
    mapping: &Mapping,
    file: &str,
    source: &str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> Result<Items<'static>> {
    let layout = layout(mapping, file)?;
    let body_start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(layout.delimiter)
        .quoting(layout.quote)
        .from_reader(&source.as_bytes()[body_start..]);
    let mut records = reader.byte_records();
    let mut columns = mapping.spec.table.columns.clone();
    let mut plan: Option<Plan> = None;
    let mut items = Items::new();
    let mut first = true;
    for record in records.by_ref() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize) + body_start;
                report.error(at, format!("this row cannot be read: {e}"));
                break;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize) + body_start;
        if !progress.tick(start as u64 / 2) {
            break;
        }
        let cells: Vec<&str> = record
            .iter()
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        if std::mem::take(&mut first) && layout.header {
            if columns.is_none() {
                columns = Some(cells.iter().map(|c| c.trim().to_string()).collect());
            }
            continue;
        }
        let Some(names) = &columns else {
            return Err(mapping.error(
                "header",
                "a table without a header needs its column names: columns = [\"...\", ...] under [table]",
            ));
        };
        if plan.is_none() {
            plan = Some(mapping.plan(names)?);
        }
        let Some(plan) = &plan else { continue };
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let offsets = cell_offsets(source, start, layout.delimiter, layout.quote, cells.len());
        if cells.len() != names.len() {
            report.error(
                start,
                format!(
                    "this row has {} cells, but the table has {} columns ({})",
                    cells.len(),
                    names.len(),
                    names.join(", ")
                ),
            );
            continue;
        }
        let mut row = Row {
            cells: &cells,
            offsets: &offsets,
            report: &mut *report,
            ok: true,
        };
        row.items(plan, start, &mut items);
    }
    Ok(items)
}

/// The byte offset of each cell of the row starting at `start`.
fn cell_offsets(source: &str, start: usize, delimiter: u8, quote: bool, n: usize) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut offsets = vec![start];
    let mut in_quotes = false;
    let mut i = start;
    while i < bytes.len() && offsets.len() < n {
        let b = bytes[i];
        if quote && b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && b == delimiter {
            offsets.push(i + 1);
        } else if !in_quotes && b == b'\n' {
            break;
        }
        i += 1;
    }
    offsets.resize(n, i);
    offsets
}

struct Row<'c, 'r, 's> {
    cells: &'c [&'c str],
    offsets: &'c [usize],
    report: &'r mut Report<'s>,
    /// False once a cell of this row was refused.
    ok: bool,
}

impl Row<'_, '_, '_> {
    fn items(&mut self, plan: &Plan, start: usize, items: &mut Items<'static>) {
        let (id, id_at) = self.value(&plan.article_id);
        let id = match id {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => {
                if self.ok {
                    self.report
                        .error(id_at.unwrap_or(start), "the article id cell is empty");
                }
                return;
            }
        };
        let article_props = self.props(&plan.article_props, id_at.unwrap_or(start));
        // Each node of the row: its kind, key and declaration offset, or None when absent.
        let mut present: Vec<Option<(Kind, String, usize)>> = Vec::new();
        let mut declarations = Vec::new();
        for node in &plan.nodes {
            let (key, at) = self.value(&node.key);
            let at = at.unwrap_or(start);
            let kind = match node.fixed_kind {
                Some(k) => Some(k),
                None => {
                    let (word, kind_at) = self.value(&node.kind);
                    let word = word
                        .as_ref()
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    match Kind::from_keyword(&word).filter(|k| k.is_entity()) {
                        Some(k) => Some(k),
                        None if word.is_empty() => None,
                        None => {
                            self.fail(
                                kind_at.unwrap_or(start),
                                format!("unknown kind {word:?} for node {:?}: expected actor, organisation or place", node.name),
                            );
                            None
                        }
                    }
                }
            };
            let props = self.props(&node.props, at);
            let (Some(kind), Some(key)) = (kind, key) else {
                present.push(None);
                continue;
            };
            let key = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let item = if kind == Kind::Statement {
                ItemKind::Statement {
                    label: Some(Cow::Owned(node.name.clone())),
                    text: Cow::Owned(key.clone()),
                    props,
                }
            } else {
                ItemKind::Entity {
                    kind,
                    name: Cow::Owned(key.clone()),
                    props,
                }
            };
            declarations.push(Item { at, kind: item });
            present.push(Some((kind, key, at)));
        }
        let mut triples = Vec::new();
        for rel in &plan.relationships {
            let props = self.props(&rel.props, start);
            let (Some(Some(from)), Some(Some(to))) = (present.get(rel.from), present.get(rel.to))
            else {
                continue;
            };
            let endpoint = |(kind, key, at): &(Kind, String, usize), label: &str| Endpoint {
                at: *at,
                kind: if *kind == Kind::Statement {
                    EndpointKind::Label(Cow::Owned(label.to_string()))
                } else {
                    EndpointKind::Entity(*kind, Cow::Owned(key.clone()))
                },
            };
            triples.push(Item {
                at: from.2,
                kind: ItemKind::Triple(Triple {
                    subject: endpoint(from, &plan.nodes[rel.from].name),
                    predicate: Cow::Owned(rel.predicate.clone()),
                    predicate_at: start,
                    object: endpoint(to, &plan.nodes[rel.to].name),
                    props,
                }),
            });
        }
        if !self.ok {
            return;
        }
        items.push(Item {
            at: id_at.unwrap_or(start),
            kind: ItemKind::Article {
                id: Cow::Owned(id),
                props: article_props,
            },
        });
        for item in declarations.into_iter().chain(triples) {
            items.push(item);
        }
    }

    fn fail(&mut self, at: usize, message: String) {
        self.ok = false;
        self.report.error(at, message);
    }

    fn props(&mut self, fields: &[(String, Field)], default_at: usize) -> Props<'static> {
        let mut props = Vec::new();
        for (key, field) in fields {
            let (value, at) = self.value(field);
            if let Some(value) = value {
                props.push(Prop {
                    key: Cow::Owned(key.clone()),
                    value,
                    at: at.unwrap_or(default_at),
                });
            }
        }
        props
    }

    /// A field's value in this row (None for an empty cell), and the cell's offset.
    fn value(&mut self, field: &Field) -> (Option<Value>, Option<usize>) {
        let Field::Column {
            index,
            name,
            cell_type,
            split,
        } = field
        else {
            let Field::Const(v) = field else {
                unreachable!()
            };
            return (Some(v.clone()), None);
        };
        let at = self.offsets.get(*index).copied().unwrap_or(0);
        let cell = self.cells.get(*index).copied().unwrap_or_default().trim();
        if cell.is_empty() {
            return (None, Some(at));
        }
        let value = match split {
            Some(d) => {
                let mut list = Vec::new();
                for part in cell
                    .split(d.as_str())
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                {
                    match self.convert(part, *cell_type, name, at) {
                        Some(v) => list.push(v),
                        None => return (None, Some(at)),
                    }
                }
                Some(Value::List(list))
            }
            None => self.convert(cell, *cell_type, name, at),
        };
        (value, Some(at))
    }

    fn convert(
        &mut self,
        text: &str,
        cell_type: CellType,
        column: &str,
        at: usize,
    ) -> Option<Value> {
        let value = match cell_type {
            CellType::String => Some(Value::from(text)),
            CellType::Int => text.parse::<i64>().ok().map(Value::Int),
            CellType::Float => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::Float),
            CellType::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(Value::Bool(true)),
                "false" | "no" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            CellType::Date => is_iso_date(text).then(|| Value::from(text)),
        };
        if value.is_none() {
            let expected = match cell_type {
                CellType::String => "text",
                CellType::Int => "an integer",
                CellType::Float => "a number",
                CellType::Bool => "true or false",
                CellType::Date => "a date written YYYY-MM-DD",
            };
            self.fail(
                at,
                format!("column {column:?} holds {expected}, not {text:?}"),
            );
        }
        value
    }
}
