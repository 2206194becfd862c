//! The `db.*` procedures: what the store holds, by name.

use std::collections::{BTreeMap, BTreeSet};

use super::{ProcCtx, Procedure, Registry, Type};
use crate::error::Result;
use crate::model::Kind;
use crate::query::values::Val;

/// Adds the `db.*` procedures.
pub fn register(r: &mut Registry) {
    r.register(
        Procedure::new("db.labels", "each node label in the store, by name", labels)
            .output("label", Type::String),
    );
    r.register(
        Procedure::new(
            "db.relationshipTypes",
            "each relationship type in the store, by name",
            relationship_types,
        )
        .output("relationshipType", Type::String),
    );
    r.register(
        Procedure::new(
            "db.propertyKeys",
            "each property key in the store, by name",
            property_keys,
        )
        .output("propertyKey", Type::String),
    );
    r.register(
        Procedure::new(
            "db.schema",
            "each label with its key property, count and property keys, then each \
             relationship type with its count, property keys and the labels at either end",
            schema,
        )
        .output("kind", Type::String)
        .output("name", Type::String)
        .output("count", Type::Integer)
        .output("key", Type::String)
        .output("properties", Type::List)
        .output("from", Type::List)
        .output("to", Type::List),
    );
}

fn strings<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Vec<Val>> {
    names
        .into_iter()
        .map(|n| vec![Val::Str(n.to_string())])
        .collect()
}

fn labels(ctx: &ProcCtx<'_>, _: &[Val]) -> Result<Vec<Vec<Val>>> {
    let labels: BTreeSet<&str> = ctx.graph.label_counts().map(|(l, _)| l).collect();
    Ok(strings(labels))
}

fn relationship_types(ctx: &ProcCtx<'_>, _: &[Val]) -> Result<Vec<Vec<Val>>> {
    let types: BTreeSet<&str> = ctx.graph.type_counts().map(|(t, _)| t).collect();
    Ok(strings(types))
}

fn property_keys(ctx: &ProcCtx<'_>, _: &[Val]) -> Result<Vec<Vec<Val>>> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for (i, node) in ctx.graph.nodes().enumerate() {
        if i % 4096 == 4095 {
            ctx.cancel.check()?;
        }
        keys.extend(node.properties.keys().map(String::as_str));
    }
    for (i, rel) in ctx.graph.relationships().enumerate() {
        if i % 4096 == 4095 {
            ctx.cancel.check()?;
        }
        keys.extend(rel.properties.keys().map(String::as_str));
    }
    Ok(strings(keys))
}

fn list(names: &BTreeSet<&str>) -> Val {
    Val::List(names.iter().map(|n| Val::Str(n.to_string())).collect())
}

/// Per relationship type: its property keys and the labels at its start and end.
#[derive(Default)]
struct TypeSchema<'g> {
    keys: BTreeSet<&'g str>,
    from: BTreeSet<&'g str>,
    to: BTreeSet<&'g str>,
}

fn schema(ctx: &ProcCtx<'_>, _: &[Val]) -> Result<Vec<Vec<Val>>> {
    let graph = ctx.graph;
    let mut node_keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (i, node) in graph.nodes().enumerate() {
        if i % 4096 == 4095 {
            ctx.cancel.check()?;
        }
        for label in &node.labels {
            node_keys
                .entry(label)
                .or_default()
                .extend(node.properties.keys().map(String::as_str));
        }
    }
    let mut types: BTreeMap<&str, TypeSchema> = BTreeMap::new();
    for (i, rel) in graph.relationships().enumerate() {
        if i % 4096 == 4095 {
            ctx.cancel.check()?;
        }
        let entry = types.entry(&rel.rel_type).or_default();
        entry.keys.extend(rel.properties.keys().map(String::as_str));
        for (id, ends) in [(rel.start, &mut entry.from), (rel.end, &mut entry.to)] {
            if let Some(n) = graph.node(id) {
                ends.extend(n.labels.iter().map(String::as_str));
            }
        }
    }
    let mut rows = Vec::new();
    let none = BTreeSet::new();
    let labels: BTreeMap<&str, usize> = graph.label_counts().collect();
    for (label, count) in labels {
        let key = Kind::from_label(label).map_or(Val::Null, |k| Val::Str(k.key_property().into()));
        rows.push(vec![
            Val::Str("node".into()),
            Val::Str(label.to_string()),
            Val::Int(count as i64),
            key,
            list(node_keys.get(label).unwrap_or(&none)),
            Val::Null,
            Val::Null,
        ]);
    }
    let counts: BTreeMap<&str, usize> = graph.type_counts().collect();
    for (rel_type, count) in counts {
        let empty = TypeSchema::default();
        let t = types.get(rel_type).unwrap_or(&empty);
        rows.push(vec![
            Val::Str("relationship".into()),
            Val::Str(rel_type.to_string()),
            Val::Int(count as i64),
            Val::Null,
            list(&t.keys),
            list(&t.from),
            list(&t.to),
        ]);
    }
    Ok(rows)
}
