//! Warnings about names a query reads that the store has never seen: a
//! label, a relationship type or a property key. The query still runs (it
//! matches nothing there); the warning names the nearest existing name.
//!
//! Found by a walk over the AST after parsing, before planning: names the
//! statement itself writes (`CREATE (:New)`, `SET n.key = ...`) are not
//! warned about, since the query brings them into the store.

use std::collections::BTreeSet;

use super::ast::{Child, Clause, Expr, PathPattern, Projection, RemoveItem, SetItem, Statement};
use crate::graph::Graph;
use crate::textmatch;

/// What a warning is about, by `cli.md`'s codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningCode {
    UnknownLabel,
    UnknownRelationshipType,
    UnknownPropertyKey,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::UnknownLabel => "UnknownLabel",
            WarningCode::UnknownRelationshipType => "UnknownRelationshipType",
            WarningCode::UnknownPropertyKey => "UnknownPropertyKey",
        }
    }
}

/// One warning about a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub code: WarningCode,
    /// The sentence users see after `warning: `.
    pub message: String,
    /// The nearest name the store has, if one is near.
    pub suggestion: Option<String>,
}

/// The names a statement reads and writes.
#[derive(Default)]
struct Names {
    read_labels: BTreeSet<String>,
    read_types: BTreeSet<String>,
    read_keys: BTreeSet<String>,
    /// `(variable, key)` for every `variable.key` read.
    read_props: Vec<(String, String)>,
    /// Variables of node and relationship patterns: only their properties
    /// are the store's (a map's or a date's are not).
    entity_vars: BTreeSet<String>,
    written_labels: BTreeSet<String>,
    written_types: BTreeSet<String>,
    written_keys: BTreeSet<String>,
}

/// The warnings for `statement` over the names `graph` holds.
pub fn check(statement: &Statement, graph: &Graph) -> Vec<Warning> {
    let mut names = Names::default();
    let parts = std::iter::once(&statement.query.first)
        .chain(statement.query.unions.iter().map(|(_, q)| q));
    for part in parts {
        for clause in &part.clauses {
            names.clause(clause);
        }
    }
    for (var, key) in std::mem::take(&mut names.read_props) {
        if names.entity_vars.contains(&var) {
            names.read_keys.insert(key);
        }
    }
    let mut warnings = Vec::new();
    let labels: Vec<&str> = graph.label_counts().map(|(l, _)| l).collect();
    warn(
        &mut warnings,
        WarningCode::UnknownLabel,
        &names.read_labels,
        &names.written_labels,
        &labels,
        |l| format!(":{l}"),
        "label",
    );
    let types: Vec<&str> = graph.type_counts().map(|(t, _)| t).collect();
    warn(
        &mut warnings,
        WarningCode::UnknownRelationshipType,
        &names.read_types,
        &names.written_types,
        &types,
        |t| format!(":{t}"),
        "relationship type",
    );
    // Most queries read keys the store holds; each is then found among the
    // first few entities, without building the set of every key.
    if names
        .read_keys
        .iter()
        .any(|k| !names.written_keys.contains(k) && !graph.has_property_key(k))
    {
        let keys: Vec<&str> = graph.property_keys().iter().map(String::as_str).collect();
        warn(
            &mut warnings,
            WarningCode::UnknownPropertyKey,
            &names.read_keys,
            &names.written_keys,
            &keys,
            |k| k.to_string(),
            "property key",
        );
    }
    warnings
}

fn warn(
    out: &mut Vec<Warning>,
    code: WarningCode,
    read: &BTreeSet<String>,
    written: &BTreeSet<String>,
    known: &[&str],
    show: impl Fn(&str) -> String,
    what: &str,
) {
    for name in read {
        if written.contains(name) || known.contains(&name.as_str()) {
            continue;
        }
        let suggestion = nearest(name, known);
        let hint = suggestion
            .as_deref()
            .map(|s| format!("; did you mean {}?", show(s)))
            .unwrap_or_default();
        out.push(Warning {
            code,
            message: format!("the store has no {what} {}{hint}", show(name.as_str())),
            suggestion,
        });
    }
}

/// The nearest of `known` to `name`: the same name in another case first,
/// then the nearest by spelling.
fn nearest(name: &str, known: &[&str]) -> Option<String> {
    if let Some(same) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
        return Some(same.to_string());
    }
    textmatch::nearest(name, known.iter().copied(), 1)
        .first()
        .map(|s| s.to_string())
}

impl Names {
    fn clause(&mut self, clause: &Clause) {
        match clause {
            Clause::Match {
                patterns, where_, ..
            } => {
                for p in patterns {
                    self.pattern(p, false);
                }
                self.opt(where_.as_ref());
            }
            Clause::Unwind { expr, .. } => self.expr(expr),
            Clause::With(p) | Clause::Return(p) => self.projection(p),
            Clause::Create(patterns) => {
                for p in patterns {
                    self.pattern(p, true);
                }
            }
            Clause::Merge {
                pattern,
                on_create,
                on_match,
            } => {
                self.pattern(pattern, true);
                for item in on_create.iter().chain(on_match) {
                    self.set_item(item);
                }
            }
            Clause::Set(items) => {
                for item in items {
                    self.set_item(item);
                }
            }
            Clause::Remove(items) => {
                for item in items {
                    match item {
                        RemoveItem::Property { target, .. } => self.expr(target),
                        RemoveItem::Labels { .. } => {}
                    }
                }
            }
            Clause::Delete { exprs, .. } => {
                for e in exprs {
                    self.expr(e);
                }
            }
            Clause::Call(call) => {
                for e in call.args.iter().flatten() {
                    self.expr(e);
                }
                if let Some(y) = &call.yield_ {
                    self.opt(y.where_.as_ref());
                }
            }
        }
    }

    fn projection(&mut self, p: &Projection) {
        for item in &p.items {
            self.expr(&item.expr);
        }
        for s in &p.order_by {
            self.expr(&s.expr);
        }
        self.opt(p.skip.as_ref());
        self.opt(p.limit.as_ref());
        self.opt(p.where_.as_ref());
    }

    fn set_item(&mut self, item: &SetItem) {
        match item {
            SetItem::Property { target, key, value } => {
                self.expr(target);
                self.written_keys.insert(key.clone());
                self.expr(value);
            }
            SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => {
                self.map_keys(value, true);
                self.expr(value);
            }
            SetItem::Labels { labels, .. } => {
                self.written_labels.extend(labels.iter().cloned());
            }
        }
    }

    fn pattern(&mut self, p: &PathPattern, writes: bool) {
        let nodes = std::iter::once(&p.start).chain(p.steps.iter().map(|(_, n)| n));
        if let Some(v) = &p.variable {
            self.entity_vars.insert(v.clone());
        }
        for n in nodes {
            self.entity_vars.extend(n.variable.iter().cloned());
            let labels = if writes {
                &mut self.written_labels
            } else {
                &mut self.read_labels
            };
            labels.extend(n.labels.iter().cloned());
            if let Some(props) = &n.properties {
                self.map_keys(props, writes);
                self.expr(props);
            }
        }
        for (r, _) in &p.steps {
            self.entity_vars.extend(r.variable.iter().cloned());
            let types = if writes {
                &mut self.written_types
            } else {
                &mut self.read_types
            };
            types.extend(r.types.iter().cloned());
            if let Some(props) = &r.properties {
                self.map_keys(props, writes);
                self.expr(props);
            }
        }
    }

    /// The keys of a map literal, as read or written.
    fn map_keys(&mut self, e: &Expr, writes: bool) {
        if let Expr::Map(items) = e {
            let keys = if writes {
                &mut self.written_keys
            } else {
                &mut self.read_keys
            };
            keys.extend(items.iter().map(|(k, _)| k.clone()));
        }
    }

    fn opt(&mut self, e: Option<&Expr>) {
        if let Some(e) = e {
            self.expr(e);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Property(target, key) => {
                if let Expr::Variable(v) = &**target {
                    self.read_props.push((v.clone(), key.clone()));
                }
            }
            Expr::HasLabels(_, labels) => self.read_labels.extend(labels.iter().cloned()),
            _ => {}
        }
        e.for_each_child(&mut |child| match child {
            Child::Expr(x) => self.expr(x),
            Child::Pattern(p) => self.pattern(p, false),
            Child::Query(q) => q
                .parts()
                .flat_map(|part| part.clauses.iter())
                .for_each(|c| self.clause(c)),
        });
    }
}
