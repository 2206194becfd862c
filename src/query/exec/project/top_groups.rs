//! Rule `TopGroupsByNode`: an aggregation grouped by one node, sorted on its
//! counts, sums and key, then limited (`RETURN a.name AS actor, count(*) AS
//! claims ORDER BY claims DESC, actor LIMIT 10`).
//!
//! Rows are not grouped by their key values: each node's accumulators sit
//! in a table by node id. When every row is in, the groups that the order
//! may keep are chosen by the aggregates it sorts on first: the group at
//! the cut (the last wanted) and every group that sorts before it or level
//! with it on those aggregates. Only these groups get their key read and an
//! output row, and the ordinary `ORDER BY`, `SKIP`, `LIMIT` and `WHERE`
//! finish on them. A group left out sorts after at least as many groups as
//! are wanted, so the rows are those of the whole sort; the candidates keep
//! the order in which their nodes first came, so ties fall as they would.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;

use super::super::eval::{eval, Ctx, Frame};
use super::super::{Row, MAX_VALUES};
use super::{after_projection, count_arg, Acc, Out};
use crate::error::{Detail, Error, Result};
use crate::graph::Graph;
use crate::model::NodeId;
use crate::query::plan::{ProjectOp, TopGroups};
use crate::query::values::{order, Val};

/// Above this many ids, a graph's nodes are found in a hash map rather
/// than a table by id (ids are dense, but a graph that deleted most of
/// what it made has large ids for few nodes).
const TABLE_IDS: u64 = 1 << 26;

/// Whether the rule's plan holds on `graph` as it is now: a key property
/// tells the nodes of its kind apart only while each holds a distinct
/// string (a node without it, or with a number in it, shares its group).
pub fn usable(graph: &Graph, plan: &TopGroups) -> bool {
    plan.kind.is_none_or(|k| graph.keys_tell_apart(k))
}

/// Where each node's group is.
enum Index {
    /// Group number plus one, by node id; zero for none.
    Table(Vec<u32>),
    Map(FxHashMap<NodeId, u32>),
}

/// The accumulators of an aggregation grouped by node, one group per node.
pub struct NodeGroups<'p> {
    p: &'p ProjectOp,
    plan: &'p TopGroups,
    /// Where the node is in the input rows.
    slot: usize,
    index: Index,
    /// The node of each group, in the order the nodes first came.
    nodes: Vec<NodeId>,
    /// Group `g`'s accumulators, one per aggregate, from `g * aggregates`.
    accs: Vec<Acc>,
    rows: usize,
    /// The node of the last row and its group: rows come in runs.
    last: Option<(NodeId, usize)>,
}

impl<'p> NodeGroups<'p> {
    /// The groups of `p`, fed rows whose columns are `scope`, or `None`
    /// when the rule's plan does not hold now ([`usable`]).
    pub fn new(graph: &Graph, p: &'p ProjectOp, scope: &[String]) -> Option<Self> {
        let plan = p.top_groups.as_ref()?;
        if !usable(graph, plan) {
            return None;
        }
        let slot = scope.iter().rposition(|n| *n == plan.var)?;
        let ids = graph.next_node_id();
        let index = match usize::try_from(ids) {
            Ok(n) if ids <= TABLE_IDS => Index::Table(vec![0; n]),
            _ => Index::Map(FxHashMap::default()),
        };
        Some(NodeGroups {
            p,
            plan,
            slot,
            index,
            nodes: Vec::new(),
            accs: Vec::new(),
            rows: 0,
            last: None,
        })
    }

    /// Adds one input row, standing for `weight` identical rows.
    pub fn add(&mut self, ctx: &Ctx, scope: &[String], row: &[Val], weight: u64) -> Result<()> {
        self.rows += 1;
        if self.rows.is_multiple_of(4096) {
            ctx.cancel.check()?;
        }
        let Some(Val::Node(id)) = row.get(self.slot) else {
            // The plan has the MATCH bind the node in every row.
            return Err(Error::coded(
                Detail::InvalidArgumentValue,
                format!(
                    "invalid argument value: `{}` does not hold a node in a row grouped by node",
                    self.plan.var
                ),
            ));
        };
        let id = *id;
        let g = match self.last {
            Some((n, g)) if n == id => g,
            _ => {
                let g = self.group(id)?;
                self.last = Some((id, g));
                g
            }
        };
        let p = self.p;
        let frame = Frame::new(scope, row);
        let width = p.aggregates.len();
        for (a, acc) in p
            .aggregates
            .iter()
            .zip(&mut self.accs[g * width..(g + 1) * width])
        {
            let first = a.args.first().map(|e| eval(ctx, e, &frame)).transpose()?;
            acc.add_weighted(a, first, None, weight)?;
        }
        Ok(())
    }

    /// The group of node `id`, made if it has none.
    fn group(&mut self, id: NodeId) -> Result<usize> {
        let next = self.nodes.len();
        let found = match &mut self.index {
            Index::Table(t) => {
                let i = usize::try_from(id).map_err(|_| too_many())?;
                if i >= t.len() {
                    // No node is made while rows stream in; should one
                    // be, the table grows.
                    t.resize(i + 1, 0);
                }
                let at = &mut t[i];
                if *at > 0 {
                    Some(*at as usize - 1)
                } else {
                    *at = u32::try_from(next + 1).map_err(|_| too_many())?;
                    None
                }
            }
            Index::Map(m) => match m.get(&id) {
                Some(&g) => Some(g as usize),
                None => {
                    m.insert(id, u32::try_from(next).map_err(|_| too_many())?);
                    None
                }
            },
        };
        match found {
            Some(g) => Ok(g),
            None => self.new_group(id),
        }
    }

    fn new_group(&mut self, id: NodeId) -> Result<usize> {
        let p = self.p;
        self.nodes.push(id);
        self.accs.extend(p.aggregates.iter().map(Acc::new));
        if self.nodes.len().saturating_mul(p.items.len().max(1)) > MAX_VALUES {
            return Err(too_many());
        }
        Ok(self.nodes.len() - 1)
    }

    /// The rows of the projection: the groups its order keeps, in order.
    pub fn finish(self, ctx: &Ctx) -> Result<Vec<Row>> {
        let NodeGroups {
            p,
            plan,
            nodes,
            accs,
            ..
        } = self;
        let width = p.aggregates.len();
        let mut values: Vec<Val> = Vec::with_capacity(accs.len());
        for (i, acc) in accs.into_iter().enumerate() {
            values.push(acc.finish(&p.aggregates[i % width])?);
        }
        let aggs = |g: usize| &values[g * width..(g + 1) * width];
        let skip = count_arg(ctx, p.skip.as_ref(), "SKIP")?;
        let limit = count_arg(ctx, p.limit.as_ref(), "LIMIT")?;
        let wanted = limit.map(|l| l.saturating_add(skip.unwrap_or(0)));
        let chosen = candidates(p, plan, nodes.len(), wanted, &aggs);
        // The key is read for the chosen groups only.
        let var = std::slice::from_ref(&plan.var);
        let key_expr = &p.items[plan.key_item].1;
        let mut outs = Vec::with_capacity(chosen.len());
        for (i, g) in chosen.into_iter().enumerate() {
            if i % 4096 == 4095 {
                ctx.cancel.check()?;
            }
            let node = [Val::Node(nodes[g])];
            let key = match plan.kind {
                None => node[0].clone(),
                Some(_) => eval(ctx, key_expr, &Frame::new(var, &node))?,
            };
            let extra: Row = aggs(g).to_vec();
            let mut key = Some(key);
            let vals = p
                .items
                .iter()
                .enumerate()
                .map(|(i, (_, e))| match e {
                    _ if i == plan.key_item => key.take().unwrap_or(Val::Null),
                    e => e
                        .as_variable()
                        .and_then(|v| p.aggregates.iter().position(|a| a.name == v))
                        .map_or(Val::Null, |j| extra[j].clone()),
                })
                .collect();
            outs.push(Out { vals, extra });
        }
        let mut frame_names: Vec<String> = p.aggregates.iter().map(|a| a.name.clone()).collect();
        frame_names.extend(p.items.iter().map(|(n, _)| n.clone()));
        after_projection(ctx, p, frame_names, outs)
    }
}

/// The groups the order may keep, in group order: all of them, unless
/// fewer are wanted and the order starts with aggregates; then the group at
/// the cut on those aggregates and every group before or level with it.
fn candidates<'v>(
    p: &ProjectOp,
    plan: &TopGroups,
    groups: usize,
    wanted: Option<usize>,
    aggs: &dyn Fn(usize) -> &'v [Val],
) -> Vec<usize> {
    let lead: Vec<(usize, bool)> = plan
        .sort
        .iter()
        .zip(&p.order_by)
        .map_while(|(s, (_, desc))| s.map(|j| (j, *desc)))
        .collect();
    let k = match wanted {
        Some(k) if k < groups && !lead.is_empty() => k,
        _ => return (0..groups).collect(),
    };
    if k == 0 {
        return Vec::new();
    }
    let cmp = |a: usize, b: usize| {
        for &(j, desc) in &lead {
            let o = order(&aggs(a)[j], &aggs(b)[j]);
            let o = if desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    let mut all: Vec<usize> = (0..groups).collect();
    all.select_nth_unstable_by(k - 1, |&a, &b| cmp(a, b));
    let cut = all[k - 1];
    (0..groups)
        .filter(|&g| cmp(g, cut) != Ordering::Greater)
        .collect()
}

fn too_many() -> Error {
    Error::ResourceLimit(format!(
        "the aggregation would hold more than {MAX_VALUES} values"
    ))
}
