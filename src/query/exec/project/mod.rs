//! `WITH` and `RETURN`: projection, grouping and aggregation, `DISTINCT`,
//! `ORDER BY`, `SKIP`, `LIMIT`, and `WITH ... WHERE`.

use std::cmp::Ordering;

use rustc_hash::{FxHashMap, FxHashSet};

use super::eval::{eval, truthy, Ctx, Frame};
use super::{Row, MAX_VALUES};
use crate::error::{Detail, Error, ErrorKind, Result};
use crate::query::ast::Expr;
use crate::query::plan::ProjectOp;
use crate::query::values::{order, HashedKey, Key, Val};

mod acc;
pub mod top_groups;

use acc::Acc;

/// One output row, with the frame its ORDER BY and WHERE see.
struct Out {
    vals: Row,
    /// Extra values visible after the output columns (input row or aggregates).
    extra: Row,
}

pub fn run(ctx: &Ctx, p: &ProjectOp, scope: &[String], rows: Vec<Row>) -> Result<Vec<Row>> {
    if p.aggregating() {
        let mut grouper = Grouper::new(p);
        for row in &rows {
            grouper.add(ctx, scope, row, 1)?;
        }
        return finish(ctx, p, grouper);
    }
    let item_names: Vec<String> = p.items.iter().map(|(n, _)| n.clone()).collect();
    // The frame of ORDER BY and WHERE: extra names first, so that output columns win.
    let (frame_names, outs) = {
        let mut outs = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            if i % 4096 == 4095 {
                ctx.cancel.check()?;
            }
            let frame = Frame::new(scope, &row);
            let vals = p
                .items
                .iter()
                .map(|(_, e)| eval(ctx, e, &frame))
                .collect::<Result<Row>>()?;
            let keep_input = !p.order_by.is_empty() || p.where_.is_some();
            outs.push(Out {
                vals,
                extra: if keep_input { row } else { Vec::new() },
            });
        }
        let mut names: Vec<String> = scope.to_vec();
        names.extend(item_names.iter().cloned());
        (names, outs)
    };
    after_projection(ctx, p, frame_names, outs)
}

/// Where a `MATCH` streams the rows of an aggregation: groups found by
/// value (or by node, rule `GroupByNode`), or one accumulator per node
/// under rule `TopGroupsByNode` when its plan holds on the graph now.
pub enum Sink<'p> {
    Values(Grouper<'p>),
    Nodes(top_groups::NodeGroups<'p>),
}

impl<'p> Sink<'p> {
    pub fn new(ctx: &Ctx, p: &'p ProjectOp, scope: &[String]) -> Self {
        match top_groups::NodeGroups::new(ctx.graph, p, scope) {
            Some(groups) => Sink::Nodes(groups),
            None => Sink::Values(Grouper::new(p)),
        }
    }

    /// Adds one input row, standing for `weight` identical rows.
    pub fn add(&mut self, ctx: &Ctx, scope: &[String], row: &[Val], weight: u64) -> Result<()> {
        match self {
            Sink::Values(g) => g.add(ctx, scope, row, weight),
            Sink::Nodes(g) => g.add(ctx, scope, row, weight),
        }
    }

    /// The projection's rows.
    pub fn finish(self, ctx: &Ctx, p: &ProjectOp) -> Result<Vec<Row>> {
        match self {
            Sink::Values(g) => finish(ctx, p, g),
            Sink::Nodes(g) => g.finish(ctx),
        }
    }
}

/// Finishes an aggregating projection whose rows were fed to `grouper`.
pub fn finish(ctx: &Ctx, p: &ProjectOp, grouper: Grouper) -> Result<Vec<Row>> {
    let item_names: Vec<String> = p.items.iter().map(|(n, _)| n.clone()).collect();
    let (frame_names, outs) = grouper.finish(ctx, &item_names)?;
    after_projection(ctx, p, frame_names, outs)
}

/// Sort key `i` of a row: a column of its frame when `in_place` says where
/// each key is, or else the key evaluated beside the row.
fn sort_key<'r>(in_place: &Option<Vec<usize>>, row: &'r (Row, Out), i: usize) -> Option<&'r Val> {
    match in_place {
        Some(ix) => {
            let at = *ix.get(i)?;
            let extra = row.1.extra.len();
            if at < extra {
                row.1.extra.get(at)
            } else {
                row.1.vals.get(at - extra)
            }
        }
        None => row.0.get(i),
    }
}

/// DISTINCT, ORDER BY, SKIP, LIMIT and WHERE over projected rows.
fn after_projection(
    ctx: &Ctx,
    p: &ProjectOp,
    frame_names: Vec<String>,
    outs: Vec<Out>,
) -> Result<Vec<Row>> {
    let mut outs = outs;
    if p.distinct {
        let mut seen = FxHashSet::default();
        outs.retain(|o| seen.insert(Key::of_row(&o.vals)));
    }
    let frame_vals = |o: &Out| -> Row {
        let mut v = o.extra.clone();
        v.extend(o.vals.iter().cloned());
        v
    };
    if !p.order_by.is_empty() {
        let skip = count_arg(ctx, p.skip.as_ref(), "SKIP")?;
        let limit = count_arg(ctx, p.limit.as_ref(), "LIMIT")?;
        let wanted = limit
            .filter(|_| p.top_k)
            .map(|l| l.saturating_add(skip.unwrap_or(0)));
        // Sort keys that are columns of the frame are compared where they
        // are; others are evaluated once per row.
        let in_place: Option<Vec<usize>> = p
            .order_by
            .iter()
            .map(|(e, _)| match e {
                Expr::Slot(s) => Some(s.index as usize)
                    .filter(|&i| s.up == 0 && frame_names.get(i) == Some(&s.name)),
                Expr::Variable(v) => frame_names.iter().rposition(|n| n == v),
                _ => None,
            })
            .collect();
        let mut keyed: Vec<(Row, Out)> = Vec::with_capacity(outs.len());
        for (i, o) in outs.into_iter().enumerate() {
            if i % 4096 == 4095 {
                ctx.cancel.check()?;
            }
            let keys = if in_place.is_some() {
                Vec::new()
            } else {
                let vals = frame_vals(&o);
                let frame = Frame::new(&frame_names, &vals);
                p.order_by
                    .iter()
                    .map(|(e, _)| eval(ctx, e, &frame))
                    .collect::<Result<Row>>()?
            };
            keyed.push((keys, o));
        }
        let cmp = |a: &(Row, Out), b: &(Row, Out)| {
            for (i, (_, desc)) in p.order_by.iter().enumerate() {
                let o = match (sort_key(&in_place, a, i), sort_key(&in_place, b, i)) {
                    (Some(x), Some(y)) => order(x, y),
                    _ => Ordering::Equal,
                };
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        };
        match wanted {
            Some(k) if k < keyed.len() => {
                // Only the first k rows are wanted: select them, then sort
                // them. The input position breaks ties, as a stable sort would.
                let mut indexed: Vec<(usize, (Row, Out))> = keyed.into_iter().enumerate().collect();
                let by = |a: &(usize, (Row, Out)), b: &(usize, (Row, Out))| {
                    cmp(&a.1, &b.1).then(a.0.cmp(&b.0))
                };
                if k > 0 {
                    indexed.select_nth_unstable_by(k - 1, by);
                }
                indexed.truncate(k);
                indexed.sort_unstable_by(by);
                outs = indexed.into_iter().map(|(_, (_, o))| o).collect();
            }
            _ => {
                keyed.sort_by(cmp);
                outs = keyed.into_iter().map(|(_, o)| o).collect();
            }
        }
    }
    let skip = count_arg(ctx, p.skip.as_ref(), "SKIP")?;
    let limit = count_arg(ctx, p.limit.as_ref(), "LIMIT")?;
    let outs = outs
        .into_iter()
        .skip(skip.unwrap_or(0))
        .take(limit.unwrap_or(usize::MAX));
    let mut result = Vec::new();
    for o in outs {
        if let Some(w) = &p.where_ {
            let vals = frame_vals(&o);
            if !truthy(ctx, w, &Frame::new(&frame_names, &vals))? {
                continue;
            }
        }
        result.push(o.vals);
    }
    Ok(result)
}

/// How many input rows a projection without ordering or filtering can use:
/// SKIP plus LIMIT, when there is a LIMIT.
pub fn rows_wanted(ctx: &Ctx, p: &ProjectOp) -> Result<Option<usize>> {
    let skip = count_arg(ctx, p.skip.as_ref(), "SKIP")?.unwrap_or(0);
    Ok(count_arg(ctx, p.limit.as_ref(), "LIMIT")?.map(|l| l.saturating_add(skip)))
}

/// Evaluates SKIP or LIMIT: a non-negative integer.
fn count_arg(ctx: &Ctx, e: Option<&Expr>, what: &str) -> Result<Option<usize>> {
    let Some(e) = e else {
        return Ok(None);
    };
    let empty: [String; 0] = [];
    match eval(ctx, e, &Frame::new(&empty, &[]))? {
        Val::Int(i) if i >= 0 => Ok(Some(usize::try_from(i).unwrap_or(usize::MAX))),
        Val::Int(_) => Err(Error::coded(
            Detail::NegativeIntegerArgument,
            format!("negative integer argument: {what} cannot be negative"),
        )),
        // The TCK calls this a syntax error even when a parameter brings the value.
        v => Err(Error::typed(
            ErrorKind::SyntaxError,
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: {what} needs an integer, not {}",
                v.type_name()
            ),
        )),
    }
}

/// Groups rows by the items without aggregates and computes the aggregates,
/// one row at a time (so that a MATCH can feed it without materialising its rows).
pub struct Grouper<'p> {
    p: &'p ProjectOp,
    key_items: Vec<usize>,
    index: FxHashMap<HashedKey, usize>,
    groups: Vec<(Row, Vec<Acc>)>,
    rows: usize,
    /// The input slots the grouping keys read, once known; `Some(empty)` when
    /// the keys cannot be cached.
    key_slots: Option<Vec<usize>>,
    /// Group by the values of `key_slots`: a shortcut past evaluating the keys.
    by_slots: FxHashMap<Vec<Key>, usize>,
    /// Rows looked up in `by_slots`, and how many found their group there:
    /// when every row brings new slot values (say, one row per node), the
    /// shortcut only costs, and it is dropped.
    slot_lookups: usize,
    slot_hits: usize,
    /// With [`ProjectOp::node_keyed`]: the group of each node seen.
    by_node: FxHashMap<u64, usize>,
    /// The values of `key_slots` in the last row added, and its group: rows
    /// from a MATCH often come in runs with the same key.
    last: Option<(Row, usize)>,
}

impl<'p> Grouper<'p> {
    pub fn new(p: &'p ProjectOp) -> Self {
        Grouper {
            p,
            key_items: (0..p.items.len())
                .filter(|&i| !p.item_aggregates[i])
                .collect(),
            index: FxHashMap::default(),
            groups: Vec::new(),
            rows: 0,
            key_slots: None,
            by_slots: FxHashMap::default(),
            slot_lookups: 0,
            slot_hits: 0,
            by_node: FxHashMap::default(),
            last: None,
        }
    }

    /// The input slots that the grouping keys depend on, or none when a key is volatile.
    fn slots_for(&self, scope: &[String]) -> Vec<usize> {
        let mut slots = Vec::new();
        for &i in &self.key_items {
            let e = &self.p.items[i].1;
            if crate::query::plan::is_volatile(e) {
                return Vec::new();
            }
            for name in crate::query::plan::expr_names(e) {
                if let Some(s) = scope.iter().rposition(|n| *n == name) {
                    if !slots.contains(&s) {
                        slots.push(s);
                    }
                }
            }
        }
        slots.sort_unstable();
        slots
    }

    /// Adds one input row.
    /// Adds one input row, standing for `weight` identical rows.
    pub fn add(&mut self, ctx: &Ctx, scope: &[String], row: &[Val], weight: u64) -> Result<()> {
        let p = self.p;
        self.rows += 1;
        if self.rows.is_multiple_of(4096) {
            ctx.cancel.check()?;
        }
        let frame = Frame::new(scope, row);
        if self.key_slots.is_none() {
            self.key_slots = Some(self.slots_for(scope));
        }
        if let (Some((vals, g)), Some(slots)) = (&self.last, &self.key_slots) {
            // Equal values have equal keys, so the same group (values that
            // are not equal to themselves, like NaN, take the long way).
            if slots.len() <= row.len() && slots.iter().zip(vals).all(|(&s, v)| row[s] == *v) {
                let g = *g;
                return self.accumulate(ctx, g, &frame, weight);
            }
        }
        // Groups told apart by node: found by the node's id; a new node's
        // group needs no lookup by value when its telling key is a string
        // (unique among nodes of its kind) or the node itself.
        let by_node = match (&p.node_keyed, &self.key_slots) {
            (Some((_, telling)), Some(slots)) if slots.len() == 1 => match row.get(slots[0]) {
                Some(Val::Node(id)) => Some((*id, *telling)),
                _ => None,
            },
            _ => None,
        };
        if let Some((id, telling)) = by_node {
            let g = match self.by_node.get(&id) {
                Some(&g) => g,
                None => {
                    let keys = self.eval_keys(ctx, &frame)?;
                    let g = if matches!(keys.get(telling), Some(Val::Str(_) | Val::Node(_))) {
                        self.new_group(keys)?
                    } else {
                        self.group_by_value(keys)?
                    };
                    self.by_node.insert(id, g);
                    g
                }
            };
            self.remember(row, g);
            return self.accumulate(ctx, g, &frame, weight);
        }
        const TRIAL: usize = 4096;
        let shortcut = self.slot_lookups < TRIAL || self.slot_hits > 0;
        let slot_key: Option<Vec<Key>> = match &self.key_slots {
            Some(slots) if shortcut && !slots.is_empty() && slots.len() <= row.len() => {
                Some(slots.iter().map(|&s| Key::of(&row[s])).collect())
            }
            _ => None,
        };
        if slot_key.is_some() {
            self.slot_lookups += 1;
        }
        if let Some(g) = slot_key
            .as_ref()
            .and_then(|k| self.by_slots.get(k))
            .copied()
        {
            self.slot_hits += 1;
            self.remember(row, g);
            return self.accumulate(ctx, g, &frame, weight);
        }
        let keys = self.eval_keys(ctx, &frame)?;
        let g = self.group_by_value(keys)?;
        if let Some(k) = slot_key {
            if self.slot_lookups >= TRIAL && self.slot_hits == 0 {
                self.by_slots = FxHashMap::default();
            } else {
                self.by_slots.insert(k, g);
            }
        }
        self.remember(row, g);
        self.accumulate(ctx, g, &frame, weight)
    }

    /// The grouping keys' values for a row.
    fn eval_keys(&self, ctx: &Ctx, frame: &Frame) -> Result<Row> {
        self.key_items
            .iter()
            .map(|&i| eval(ctx, &self.p.items[i].1, frame))
            .collect()
    }

    /// The group with these key values, made if there is none.
    fn group_by_value(&mut self, keys: Row) -> Result<usize> {
        let k = HashedKey::new(Key::of_row(&keys));
        if let Some(&g) = self.index.get(&k) {
            return Ok(g);
        }
        let g = self.new_group(keys)?;
        self.index.insert(k, g);
        Ok(g)
    }

    /// A new group with these key values.
    fn new_group(&mut self, keys: Row) -> Result<usize> {
        let p = self.p;
        self.groups
            .push((keys, p.aggregates.iter().map(Acc::new).collect()));
        if self.groups.len().saturating_mul(p.items.len().max(1)) > MAX_VALUES {
            return Err(Error::ResourceLimit(format!(
                "the aggregation would hold more than {MAX_VALUES} values"
            )));
        }
        Ok(self.groups.len() - 1)
    }

    /// Records the key slots' values of `row` as the last seen, with group `g`.
    fn remember(&mut self, row: &[Val], g: usize) {
        if let Some(slots) = &self.key_slots {
            if !slots.is_empty() && slots.len() <= row.len() {
                // The buffer of the last row is reused.
                let (mut vals, _) = self.last.take().unwrap_or_default();
                vals.clear();
                vals.extend(slots.iter().map(|&s| row[s].clone()));
                self.last = Some((vals, g));
            }
        }
    }

    fn accumulate(&mut self, ctx: &Ctx, g: usize, frame: &Frame, weight: u64) -> Result<()> {
        let p = self.p;
        for (a, acc) in p.aggregates.iter().zip(self.groups[g].1.iter_mut()) {
            let first = a.args.first().map(|e| eval(ctx, e, frame)).transpose()?;
            let second = a.args.get(1).map(|e| eval(ctx, e, frame)).transpose()?;
            acc.add_weighted(a, first, second, weight)?;
        }
        Ok(())
    }

    /// The frame names (aggregates then output columns) and one output per group.
    fn finish(self, ctx: &Ctx, item_names: &[String]) -> Result<(Vec<String>, Vec<Out>)> {
        let Grouper {
            p,
            key_items,
            mut groups,
            ..
        } = self;
        aggregate_outputs(ctx, p, item_names, &key_items, &mut groups)
    }
}

fn aggregate_outputs(
    ctx: &Ctx,
    p: &ProjectOp,
    item_names: &[String],
    key_items: &[usize],
    groups: &mut Vec<(Row, Vec<Acc>)>,
) -> Result<(Vec<String>, Vec<Out>)> {
    if groups.is_empty() && key_items.is_empty() {
        groups.push((Vec::new(), p.aggregates.iter().map(Acc::new).collect()));
    }
    let agg_names: Vec<String> = p.aggregates.iter().map(|a| a.name.clone()).collect();
    // Aggregate items see the key columns and the aggregates.
    let mut inner_names: Vec<String> = key_items.iter().map(|&i| item_names[i].clone()).collect();
    inner_names.extend(agg_names.iter().cloned());
    // Key items may also be referred to by the variable they project.
    for &i in key_items {
        if let Some(v) = p.items[i].1.as_variable() {
            inner_names.push(v.to_string());
        }
    }
    // Aggregate items that are just an aggregate's value (the usual case)
    // are taken as they are; others are evaluated in a frame of keys and values.
    let direct: Vec<Option<usize>> = p
        .items
        .iter()
        .map(|(_, e)| {
            e.as_variable()
                .and_then(|v| p.aggregates.iter().position(|a| a.name == v))
        })
        .collect();
    let all_direct = p
        .items
        .iter()
        .enumerate()
        .all(|(i, _)| !p.item_aggregates[i] || direct[i].is_some());
    let mut outs = Vec::with_capacity(groups.len());
    for (keys, accs) in std::mem::take(groups) {
        let aggs = accs
            .into_iter()
            .zip(&p.aggregates)
            .map(|(acc, a)| acc.finish(a))
            .collect::<Result<Row>>()?;
        if all_direct {
            let mut keys = keys.into_iter();
            let vals = (0..p.items.len())
                .map(|i| match direct[i] {
                    Some(j) if p.item_aggregates[i] => aggs[j].clone(),
                    _ => keys.next().unwrap_or(Val::Null),
                })
                .collect();
            outs.push(Out { vals, extra: aggs });
            continue;
        }
        // The frame starts with the keys, moved in and taken back below.
        let mut inner_vals: Row = keys;
        inner_vals.extend(aggs.iter().cloned());
        for (j, &i) in key_items.iter().enumerate() {
            if p.items[i].1.as_variable().is_some() {
                inner_vals.push(inner_vals[j].clone());
            }
        }
        let frame = Frame::new(&inner_names, &inner_vals);
        let mut vals = Vec::with_capacity(p.items.len());
        for (i, (_, e)) in p.items.iter().enumerate() {
            vals.push(if p.item_aggregates[i] {
                eval(ctx, e, &frame)?
            } else {
                Val::Null
            });
        }
        let mut k = 0;
        for (i, v) in vals.iter_mut().enumerate() {
            if !p.item_aggregates[i] {
                *v = std::mem::replace(&mut inner_vals[k], Val::Null);
                k += 1;
            }
        }
        outs.push(Out { vals, extra: aggs });
    }
    let mut frame_names = agg_names;
    frame_names.extend(item_names.iter().cloned());
    Ok((frame_names, outs))
}
