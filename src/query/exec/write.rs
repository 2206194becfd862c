//! The write clauses: `CREATE`, `MERGE`, `SET`, `REMOVE`, `DELETE`, all through
//! the statement's transaction.

use super::eval::{build_path, eval, Frame};
use super::pattern;
use super::{Env, Row};
use crate::error::{Detail, Error, Result};
use crate::graph::Txn;
use crate::model::{NodeId, RelId};
use crate::query::ast::{Direction, Expr, PathPattern, RemoveItem, SetItem};
use crate::query::plan::Op;
use crate::query::values::Val;
use crate::value::{Properties, Value};

/// Runs one write step over every row.
pub fn run(
    txn: &mut Txn,
    env: &Env,
    op: &Op,
    scope: &[String],
    out_scope: &[String],
    rows: Vec<Row>,
) -> Result<Vec<Row>> {
    match op {
        Op::Create(c) => {
            let mut out = Vec::with_capacity(rows.len());
            for (i, row) in rows.into_iter().enumerate() {
                if i % 1024 == 1023 {
                    env.cancel.check()?;
                }
                let mut bindings: Vec<(String, Val)> = Vec::new();
                for p in &c.patterns {
                    create_path(txn, env, p, scope, &row, &mut bindings)?;
                }
                out.push(extend_row(row, scope, out_scope, &bindings));
            }
            Ok(out)
        }
        Op::Merge(m) => {
            let mut out = Vec::new();
            for (i, row) in rows.into_iter().enumerate() {
                if i % 1024 == 1023 {
                    env.cancel.check()?;
                }
                check_merge_nulls(txn, env, &m.pattern, scope, &row)?;
                let mut found: Vec<Row> = Vec::new();
                {
                    let ctx = env.ctx(txn.graph());
                    pattern::match_row(&ctx, &m.matcher, &row, false, &mut |r, _| {
                        found.push(r);
                        Ok(true)
                    })?;
                }
                if found.is_empty() {
                    if let Some(r) = alias_match(txn, env, &m.pattern, scope, out_scope, &row)? {
                        found.push(r);
                    }
                }
                if found.is_empty() {
                    let mut bindings: Vec<(String, Val)> = Vec::new();
                    create_path(txn, env, &m.pattern, scope, &row, &mut bindings)?;
                    let new_row = extend_row(row, scope, out_scope, &bindings);
                    for item in &m.on_create {
                        set_item(txn, env, item, out_scope, &new_row)?;
                    }
                    out.push(new_row);
                } else {
                    for r in found {
                        for item in &m.on_match {
                            set_item(txn, env, item, out_scope, &r)?;
                        }
                        out.push(r);
                    }
                }
            }
            Ok(out)
        }
        Op::Set(items) => {
            for (i, row) in rows.iter().enumerate() {
                if i % 1024 == 1023 {
                    env.cancel.check()?;
                }
                for item in items {
                    set_item(txn, env, item, scope, row)?;
                }
            }
            Ok(rows)
        }
        Op::Remove(items) => {
            for (i, row) in rows.iter().enumerate() {
                if i % 1024 == 1023 {
                    env.cancel.check()?;
                }
                for item in items {
                    remove_item(txn, env, item, scope, row)?;
                }
            }
            Ok(rows)
        }
        Op::Delete { detach, exprs } => {
            // Relationships go first, so that deleting a node and its
            // relationships in one clause works without DETACH.
            let mut nodes: Vec<NodeId> = Vec::new();
            let mut rels: Vec<RelId> = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                if i % 1024 == 1023 {
                    env.cancel.check()?;
                }
                let ctx = env.ctx(txn.graph());
                for e in exprs {
                    let v = eval(&ctx, e, &Frame::new(scope, row))?;
                    collect_deletes(v, &mut nodes, &mut rels)?;
                }
            }
            {
                // Keep the records, for what the rest of the statement may ask of them.
                let g = txn.graph();
                let mut deleted = env.deleted.borrow_mut();
                for &r in &rels {
                    if let Some(rel) = g.relationship(r) {
                        deleted.rels.insert(r, rel.clone());
                    }
                }
                for &n in &nodes {
                    if let Some(node) = g.node(n) {
                        deleted.nodes.insert(n, node.clone());
                    }
                    if *detach {
                        for (rel, _) in g.relationships_of(n, crate::graph::Dir::Both) {
                            deleted.rels.insert(rel.id, rel.clone());
                        }
                    }
                }
            }
            for r in rels {
                txn.delete_relationship(r)?;
            }
            for n in nodes {
                txn.delete_node(n, *detach)?;
            }
            Ok(rows)
        }
        Op::Match(_)
        | Op::Unwind { .. }
        | Op::Project(_)
        | Op::Call(_)
        | Op::EmptyResult
        | Op::Union { .. } => Err(Error::coded(
            Detail::InvalidClauseComposition,
            "invalid clause composition: not a write clause",
        )),
    }
}

/// `MERGE (a:Actor {name: 'Prigozhin'})` where "Prigozhin" is an alias of
/// one actor matches that actor, as an import does: names and aliases are
/// one key space per kind, so creating it would be refused anyway.
fn alias_match(
    txn: &Txn,
    env: &Env,
    p: &PathPattern,
    scope: &[String],
    out_scope: &[String],
    row: &Row,
) -> Result<Option<Row>> {
    if !p.steps.is_empty() || p.variable.is_some() {
        return Ok(None);
    }
    let node = &p.start;
    if node.variable.as_ref().is_some_and(|v| scope.contains(v)) {
        return Ok(None);
    }
    let props = eval_props(txn, env, node.properties.as_ref(), scope, row)?;
    let Some(Value::String(name)) = props.get(crate::model::NAME_PROP) else {
        return Ok(None);
    };
    let others: Vec<(&str, &Value)> = props
        .iter()
        .filter(|(k, _)| k.as_str() != crate::model::NAME_PROP)
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let Some(id) = txn.graph().entity_answering_to(&node.labels, name, &others) else {
        return Ok(None);
    };
    let bindings: Vec<(String, Val)> = node
        .variable
        .iter()
        .map(|v| (v.clone(), Val::Node(id)))
        .collect();
    Ok(Some(extend_row(row.clone(), scope, out_scope, &bindings)))
}

/// MERGE cannot match or create a property whose value is null.
fn check_merge_nulls(
    txn: &Txn,
    env: &Env,
    p: &PathPattern,
    scope: &[String],
    row: &[Val],
) -> Result<()> {
    let ctx = env.ctx(txn.graph());
    let frame = Frame::new(scope, row);
    let mut maps: Vec<&Expr> = p.start.properties.iter().collect();
    for (r, n) in &p.steps {
        maps.extend(r.properties.iter());
        maps.extend(n.properties.iter());
    }
    for e in maps {
        let Expr::Map(entries) = e else {
            continue;
        };
        for (k, x) in entries {
            // Values that refer to the pattern's own variables are not checked here.
            if let Ok(Val::Null) = eval(&ctx, x, &frame) {
                return Err(Error::coded(
                    Detail::MergeReadOwnWrites,
                    format!(
                        "merge read own writes: MERGE cannot use a null value for property `{k}`"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn collect_deletes(v: Val, nodes: &mut Vec<NodeId>, rels: &mut Vec<RelId>) -> Result<()> {
    match v {
        Val::Null => {}
        Val::Node(id) => nodes.push(id),
        Val::Rel(id) => rels.push(id),
        Val::Path(p) => {
            rels.extend(p.rels.iter().copied());
            nodes.extend(p.nodes.iter().copied());
        }
        Val::List(items) => {
            for item in items {
                collect_deletes(item, nodes, rels)?;
            }
        }
        other => {
            return Err(Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: DELETE needs a node, relationship or path, not {}",
                    other.type_name()
                ),
            ))
        }
    }
    Ok(())
}

/// The input row followed by the new variables, in the order of the output scope.
fn extend_row(
    mut row: Row,
    scope: &[String],
    out_scope: &[String],
    bindings: &[(String, Val)],
) -> Row {
    for name in &out_scope[scope.len().min(out_scope.len())..] {
        let v = bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(Val::Null, |(_, v)| v.clone());
        row.push(v);
    }
    row
}

/// Evaluates a property map of a pattern into storable properties.
fn eval_props(
    txn: &Txn,
    env: &Env,
    e: Option<&Expr>,
    names: &[String],
    vals: &[Val],
) -> Result<Properties> {
    let Some(e) = e else {
        return Ok(Properties::new());
    };
    let ctx = env.ctx(txn.graph());
    match eval(&ctx, e, &Frame::new(names, vals))? {
        Val::Map(m) => {
            let mut props = Properties::new();
            for (k, v) in m {
                props.insert(k, v.to_property()?);
            }
            Ok(props)
        }
        Val::Null => Ok(Properties::new()),
        v => Err(Error::coded(
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: properties must be a map, not {}",
                v.type_name()
            ),
        )),
    }
}

/// Creates the nodes and relationships of one path pattern, binding its variables.
fn create_path(
    txn: &mut Txn,
    env: &Env,
    p: &PathPattern,
    scope: &[String],
    row: &[Val],
    bindings: &mut Vec<(String, Val)>,
) -> Result<()> {
    let lookup = |bindings: &[(String, Val)], name: &str| -> Option<Val> {
        bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                scope
                    .iter()
                    .rposition(|n| n == name)
                    .map(|i| row[i].clone())
            })
    };
    let frame_of = |bindings: &[(String, Val)]| -> (Vec<String>, Vec<Val>) {
        let mut names = scope.to_vec();
        let mut vals = row.to_vec();
        for (n, v) in bindings {
            names.push(n.clone());
            vals.push(v.clone());
        }
        (names, vals)
    };
    let mut node_ids: Vec<NodeId> = Vec::new();
    let mut all_nodes = vec![&p.start];
    all_nodes.extend(p.steps.iter().map(|(_, n)| n));
    for node in all_nodes {
        let existing = node.variable.as_ref().and_then(|v| lookup(bindings, v));
        let id = match existing {
            Some(Val::Node(id)) => id,
            Some(Val::Null) => {
                return Err(Error::coded(
                    Detail::InvalidArgumentValue,
                    "invalid argument value: cannot create a relationship to a null node",
                ))
            }
            Some(other) => {
                return Err(Error::coded(
                    Detail::VariableTypeConflict,
                    format!(
                        "variable type conflict: `{}` is {}, not a node",
                        node.variable.as_deref().unwrap_or(""),
                        other.type_name()
                    ),
                ))
            }
            None => {
                let (names, vals) = frame_of(bindings);
                let props = eval_props(txn, env, node.properties.as_ref(), &names, &vals)?;
                let id = txn.create_node(node.labels.clone(), props)?;
                if let Some(v) = &node.variable {
                    bindings.push((v.clone(), Val::Node(id)));
                }
                id
            }
        };
        node_ids.push(id);
    }
    let mut rel_ids = Vec::new();
    for (i, (rel, _)) in p.steps.iter().enumerate() {
        let (a, b) = (node_ids[i], node_ids[i + 1]);
        let (start, end) = if rel.direction == Direction::Incoming {
            (b, a)
        } else {
            (a, b)
        };
        let Some(rel_type) = rel.types.first() else {
            return Err(Error::coded(
                Detail::NoSingleRelationshipType,
                "no single relationship type: a created relationship needs exactly one type",
            ));
        };
        let (names, vals) = frame_of(bindings);
        let props = eval_props(txn, env, rel.properties.as_ref(), &names, &vals)?;
        let id = txn.create_relationship(start, rel_type, end, props)?;
        if let Some(v) = &rel.variable {
            bindings.push((v.clone(), Val::Rel(id)));
        }
        rel_ids.push(id);
    }
    if let Some(v) = &p.variable {
        let path = build_path(txn.graph(), node_ids[0], &rel_ids);
        bindings.push((v.clone(), path));
    }
    Ok(())
}

fn set_item(txn: &mut Txn, env: &Env, item: &SetItem, scope: &[String], row: &[Val]) -> Result<()> {
    let frame = Frame::new(scope, row);
    match item {
        SetItem::Property { target, key, value } => {
            let (t, v) = {
                let ctx = env.ctx(txn.graph());
                (eval(&ctx, target, &frame)?, eval(&ctx, value, &frame)?)
            };
            let v = v.to_property()?;
            match t {
                Val::Null => Ok(()),
                Val::Node(id) => txn.set_node_property(id, key, v),
                Val::Rel(id) => txn.set_relationship_property(id, key, v),
                other => Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: SET needs a node or relationship, not {}",
                        other.type_name()
                    ),
                )),
            }
        }
        SetItem::Replace { variable, value } | SetItem::Merge { variable, value } => {
            let replace = matches!(item, SetItem::Replace { .. });
            let (t, v) = {
                let ctx = env.ctx(txn.graph());
                let t = eval(&ctx, &Expr::Variable(variable.clone()), &frame)?;
                let v = eval(&ctx, value, &frame)?;
                // A node or relationship stands for its properties.
                let v = match v {
                    Val::Node(id) => txn.graph().node(id).map_or(Val::Null, |n| {
                        Val::Map(
                            n.properties
                                .iter()
                                .map(|(k, v)| (k.clone(), Val::from(v)))
                                .collect(),
                        )
                    }),
                    Val::Rel(id) => txn.graph().relationship(id).map_or(Val::Null, |r| {
                        Val::Map(
                            r.properties
                                .iter()
                                .map(|(k, v)| (k.clone(), Val::from(v)))
                                .collect(),
                        )
                    }),
                    v => v,
                };
                (t, v)
            };
            let map = match v {
                Val::Map(m) => m,
                Val::Null if replace => Default::default(),
                Val::Null => return Ok(()),
                other => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                            "invalid argument type: SET needs a map, not {}",
                            other.type_name()
                        ),
                    ))
                }
            };
            let mut props = Properties::new();
            for (k, v) in map {
                props.insert(k, v.to_property()?);
            }
            match (t, replace) {
                (Val::Null, _) => Ok(()),
                (Val::Node(id), true) => txn.replace_node_properties(id, props),
                (Val::Rel(id), true) => txn.replace_relationship_properties(id, props),
                (Val::Node(id), false) => {
                    for (k, v) in props {
                        txn.set_node_property(id, &k, v)?;
                    }
                    Ok(())
                }
                (Val::Rel(id), false) => {
                    for (k, v) in props {
                        txn.set_relationship_property(id, &k, v)?;
                    }
                    Ok(())
                }
                (other, _) => Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: SET needs a node or relationship, not {}",
                        other.type_name()
                    ),
                )),
            }
        }
        SetItem::Labels { variable, labels } => {
            if let Some(id) = labelled_node(txn, env, variable, &frame, "set on")? {
                for l in labels {
                    txn.add_label(id, l)?;
                }
            }
            Ok(())
        }
    }
}

fn remove_item(
    txn: &mut Txn,
    env: &Env,
    item: &RemoveItem,
    scope: &[String],
    row: &[Val],
) -> Result<()> {
    let frame = Frame::new(scope, row);
    match item {
        RemoveItem::Property { target, key } => {
            let t = {
                let ctx = env.ctx(txn.graph());
                eval(&ctx, target, &frame)?
            };
            match t {
                Val::Null => Ok(()),
                Val::Node(id) => txn.set_node_property(id, key, Value::Null),
                Val::Rel(id) => txn.set_relationship_property(id, key, Value::Null),
                other => Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: REMOVE needs a node or relationship, not {}",
                        other.type_name()
                    ),
                )),
            }
        }
        RemoveItem::Labels { variable, labels } => {
            if let Some(id) = labelled_node(txn, env, variable, &frame, "removed from")? {
                for l in labels {
                    txn.remove_label(id, l)?;
                }
            }
            Ok(())
        }
    }
}

/// The node whose labels `SET` or `REMOVE` changes (`how`: "set on",
/// "removed from"), or `None` when the variable is null.
fn labelled_node(
    txn: &Txn,
    env: &Env,
    variable: &str,
    frame: &Frame,
    how: &str,
) -> Result<Option<NodeId>> {
    let ctx = env.ctx(txn.graph());
    match eval(&ctx, &Expr::Variable(variable.to_string()), frame)? {
        Val::Null => Ok(None),
        Val::Node(id) => Ok(Some(id)),
        other => Err(Error::coded(
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: labels can only be {how} a node, not {}",
                other.type_name()
            ),
        )),
    }
}
