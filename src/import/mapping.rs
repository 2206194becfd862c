//! The mapping of `import --mapping MAP.toml FILE.csv|.tsv`: which columns of
//! a table make the article, the entities, the statements and the
//! relationships of each row. `examples/liar-mapping.toml` is a full example:
//!
//! ```toml
//! [table]
//! header = false                # the first row is data (default: true)
//! columns = ["id", "label", "statement", "speaker", "party"]
//!
//! [article]
//! id = "id"                     # a column name
//!
//! [nodes.speaker]
//! kind = "actor"                # a kind, or { column = "speaker_kind" }
//! name = "speaker"
//! props = { party = "party" }
//!
//! [nodes.politifact]
//! kind = "organisation"
//! name = { value = "PolitiFact" }   # a constant
//!
//! [nodes.claim]
//! kind = "statement"
//! text = "statement"
//!
//! [[relationships]]
//! from = "politifact"
//! type = "assesses"
//! to = "claim"
//! props = { verdict = "label", counts = { column = "n", type = "int" } }
//! ```
//!
//! A value is a column name, or a table with `column` (or a constant `value`),
//! `type` (`string`, `int`, `float`, `bool` or `date`) and `split` (a list
//! column's delimiter). The table's rows are read by `mapping_csv`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::item::Report;
use crate::error::{Diagnostics, Error, Result};
use crate::model::Kind;
use crate::value::Value;

/// A parsed mapping, with its own text kept for positioning its errors.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub(crate) name: String,
    pub(crate) source: String,
    pub(crate) spec: MappingSpec,
    /// Whether the tables are TSV (`Some(true)`) or CSV, when the file name
    /// does not say it (standard input, `--format csv|tsv`).
    pub(crate) tsv: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingSpec {
    #[serde(default)]
    pub table: TableSpec,
    pub article: ArticleSpec,
    #[serde(default)]
    pub nodes: BTreeMap<String, NodeSpec>,
    #[serde(default)]
    pub relationships: Vec<RelSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableSpec {
    /// Whether the first row names the columns; default true.
    pub header: Option<bool>,
    /// One character; default `,` for `.csv` and a tab for `.tsv`.
    pub delimiter: Option<String>,
    /// Whether `"` quotes a cell; default true for `.csv`, false for `.tsv`.
    pub quote: Option<bool>,
    /// The column names, for a table without a header (or to rename them).
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArticleSpec {
    pub id: Source,
    #[serde(default)]
    pub props: BTreeMap<String, Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NodeSpec {
    pub kind: Source,
    pub name: Option<Source>,
    pub text: Option<Source>,
    #[serde(default)]
    pub props: BTreeMap<String, Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelSpec {
    pub from: String,
    #[serde(rename = "type")]
    pub rel_type: String,
    pub to: String,
    #[serde(default)]
    pub props: BTreeMap<String, Source>,
}

/// Where a value comes from: a column (by name) or a constant.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Source {
    Column(String),
    Spec(SourceSpec),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceSpec {
    pub column: Option<String>,
    pub value: Option<toml::Value>,
    #[serde(rename = "type")]
    pub value_type: Option<String>,
    pub split: Option<String>,
}

/// The type a cell is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellType {
    String,
    Int,
    Float,
    Bool,
    Date,
}

/// A [`Source`] resolved against the table's columns.
#[derive(Debug, Clone)]
pub(crate) enum Field {
    Column {
        index: usize,
        name: String,
        cell_type: CellType,
        split: Option<String>,
    },
    Const(Value),
}

/// A node of a row, resolved.
#[derive(Debug, Clone)]
pub(crate) struct NodePlan {
    pub name: String,
    /// A fixed kind, or the column that names it.
    pub kind: Field,
    pub fixed_kind: Option<Kind>,
    pub key: Field,
    pub props: Vec<(String, Field)>,
}

#[derive(Debug, Clone)]
pub(crate) struct RelPlan {
    pub from: usize,
    pub predicate: String,
    pub to: usize,
    pub props: Vec<(String, Field)>,
}

/// The mapping resolved against the table's columns.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub article_id: Field,
    pub article_props: Vec<(String, Field)>,
    pub nodes: Vec<NodePlan>,
    pub relationships: Vec<RelPlan>,
}

impl Mapping {
    /// Parses a mapping file's text; `name` is its path, for messages.
    pub fn parse(name: &str, source: &str) -> Result<Mapping> {
        let spec: MappingSpec = toml::from_str(source).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let message = e.message().trim_end().to_string();
            mapping_error(
                name,
                source,
                at,
                format!("this mapping is not valid: {message}"),
            )
        })?;
        let mapping = Mapping {
            name: name.to_string(),
            source: source.to_string(),
            spec,
            tsv: None,
        };
        // Check what can be checked before the table's header is known.
        if let Some(columns) = mapping.spec.table.columns.clone() {
            mapping.plan(&columns)?;
        }
        Ok(mapping)
    }

    /// The mapping for tables known to be TSV (`true`) or CSV, whatever their
    /// name: the defaults of `delimiter` and `quote` follow.
    pub fn with_tsv(mut self, tsv: bool) -> Mapping {
        self.tsv = Some(tsv);
        self
    }

    /// Reads a mapping file.
    pub fn from_file(path: &std::path::Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Mapping::parse(&path.display().to_string(), &text)
    }

    /// An error about the mapping, at the first place its text shows `needle`.
    pub(crate) fn error(&self, needle: &str, message: impl Into<String>) -> Error {
        let at = self.source.find(needle).unwrap_or(0);
        mapping_error(&self.name, &self.source, at, message.into())
    }

    /// Resolves every column name against `columns`.
    pub(crate) fn plan(&self, columns: &[String]) -> Result<Plan> {
        let spec = &self.spec;
        let field = |source: &Source, what: &str| self.field(source, what, columns);
        let props =
            |props: &BTreeMap<String, Source>, what: &str| -> Result<Vec<(String, Field)>> {
                props
                    .iter()
                    .map(|(k, s)| Ok((k.clone(), field(s, &format!("{what} property {k:?}"))?)))
                    .collect()
            };
        let article_id = field(&spec.article.id, "the article id")?;
        let article_props = props(&spec.article.props, "the article")?;
        let mut nodes = Vec::new();
        for (name, node) in &spec.nodes {
            // A kind written as a word is that kind; `{ column = "..." }` reads it per row.
            let kind = match &node.kind {
                Source::Column(word) => Field::Const(Value::from(word.as_str())),
                spec => field(spec, &format!("the kind of node {name:?}"))?,
            };
            let fixed_kind = match &kind {
                Field::Const(v) => {
                    let word = v.as_str().unwrap_or_default();
                    match Kind::from_keyword(word).filter(|k| *k != Kind::Article) {
                        Some(k) => Some(k),
                        None => {
                            return Err(self.error(
                                &format!("[nodes.{name}]"),
                                format!(
                                    "node {name:?} has kind {v}: expected actor, organisation, place or statement"
                                ),
                            ))
                        }
                    }
                }
                Field::Column { .. } => None,
            };
            let key = match (fixed_kind, &node.name, &node.text) {
                (Some(Kind::Statement), _, Some(text)) => field(text, &format!("the text of node {name:?}"))?,
                (Some(Kind::Statement), _, None) => {
                    return Err(self.error(
                        &format!("[nodes.{name}]"),
                        format!("node {name:?} is a statement: give the column of its text with text = \"COLUMN\""),
                    ))
                }
                (_, Some(n), None) => field(n, &format!("the name of node {name:?}"))?,
                _ => {
                    return Err(self.error(
                        &format!("[nodes.{name}]"),
                        format!("node {name:?} needs name = \"COLUMN\" (text = \"COLUMN\" is for statements)"),
                    ))
                }
            };
            nodes.push(NodePlan {
                name: name.clone(),
                kind,
                fixed_kind,
                key,
                props: props(&node.props, &format!("node {name:?}"))?,
            });
        }
        let mut relationships = Vec::new();
        for rel in &spec.relationships {
            let find = |end: &str| -> Result<usize> {
                nodes.iter().position(|n| n.name == end).ok_or_else(|| {
                    let known: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                    self.error(
                        &format!("\"{end}\""),
                        format!(
                            "relationship end {end:?} is not a node of this mapping{}",
                            hint(end, &known)
                        ),
                    )
                })
            };
            let predicate = rel.rel_type.to_ascii_lowercase();
            let ok = predicate.starts_with(|c: char| c.is_ascii_lowercase())
                && predicate
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(self.error(
                    &format!("\"{}\"", rel.rel_type),
                    format!(
                        "relationship type {:?} must be a word such as claims or member_of",
                        rel.rel_type
                    ),
                ));
            }
            relationships.push(RelPlan {
                from: find(&rel.from)?,
                predicate,
                to: find(&rel.to)?,
                props: props(&rel.props, "a relationship")?,
            });
        }
        Ok(Plan {
            article_id,
            article_props,
            nodes,
            relationships,
        })
    }

    fn field(&self, source: &Source, what: &str, columns: &[String]) -> Result<Field> {
        let (column, spec) = match source {
            Source::Column(c) => (Some(c.as_str()), None),
            Source::Spec(spec) => (spec.column.as_deref(), Some(spec)),
        };
        if let Some(value) = spec.and_then(|s| s.value.as_ref()) {
            if column.is_some() {
                return Err(self.error(
                    "value",
                    format!("{what} has both a column and a value: give one"),
                ));
            }
            return Ok(Field::Const(toml_value(value)));
        }
        let Some(column) = column else {
            return Err(self.error(
                "{",
                format!("{what} needs column = \"NAME\" or value = ..."),
            ));
        };
        let Some(index) = columns.iter().position(|c| c == column) else {
            let known: Vec<&str> = columns.iter().map(String::as_str).collect();
            return Err(self.error(
                &format!("\"{column}\""),
                format!(
                    "{what}: the table has no column {column:?}{}",
                    hint(column, &known)
                ),
            ));
        };
        let cell_type = match spec.and_then(|s| s.value_type.as_deref()) {
            None | Some("string") => CellType::String,
            Some("int" | "integer") => CellType::Int,
            Some("float") => CellType::Float,
            Some("bool" | "boolean") => CellType::Bool,
            Some("date") => CellType::Date,
            Some(other) => {
                return Err(self.error(
                    &format!("\"{other}\""),
                    format!("unknown type {other:?}: expected string, int, float, bool or date"),
                ))
            }
        };
        let split = spec.and_then(|s| s.split.clone());
        if split.as_deref() == Some("") {
            return Err(self.error("split", "split needs a delimiter such as \",\""));
        }
        Ok(Field::Column {
            index,
            name: column.to_string(),
            cell_type,
            split,
        })
    }
}

/// "; did you mean X?" when a known name is near, else the list of known names.
pub(crate) fn hint(name: &str, known: &[&str]) -> String {
    let nearest = known
        .iter()
        .map(|k| (strsim::levenshtein(k, name), *k))
        .min()
        .filter(|(d, _)| *d <= 2 + name.len() / 4);
    match nearest {
        Some((_, k)) => format!("; did you mean {k:?}?"),
        None if known.is_empty() => String::new(),
        None => format!("; the names are {}", known.join(", ")),
    }
}

fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(a) => Value::List(a.iter().map(toml_value).collect()),
        other => Value::from(other.to_string()),
    }
}

fn mapping_error(name: &str, source: &str, at: usize, message: String) -> Error {
    let mut report = Report::new(name, source);
    report.error(at, message);
    let d: Diagnostics = report.finish();
    Error::Input(d)
}
