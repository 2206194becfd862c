//! Pattern matching: binding the nodes and relationships of `MATCH` patterns
//! for one input row.
//!
//! Each path pattern starts at its anchor node (chosen by the planner) and
//! expands to the right, then to the left, one relationship at a time, with
//! depth-first search. Relationships are unique within one `MATCH`.
//! Variable-length steps enumerate trails with an explicit stack, or, when only
//! the set of reachable nodes matters, run a breadth-first search with a
//! visited set. Shortest paths are found by breadth-first search.

use std::collections::{BTreeMap, HashMap, VecDeque};

use rustc_hash::{FxHashMap, FxHashSet};

use super::eval::{build_path, eval, truthy, Ctx, Frame};
use super::MAX_VALUES;
use crate::error::{Detail, Error, Result};
use crate::graph::{adjacency::Adj, Dir, TypeId};
use crate::model::{
    normalise_text, Kind, NodeId, RelId, ABOUT, ASSESSES, CLAIMS, DENIES, STATEMENT,
};
use crate::query::ast::{Direction, Expr, PathKind};
use crate::query::plan::{MatchOp, PatternPlan, RelStep, Start};
use crate::query::values::{equals, Key, Val};
use crate::value::Value;

mod hops;
mod inline;
mod varlen;

pub use inline::{pattern_comprehension, pattern_exists, InlinePlans};

/// A property map to match, evaluated once per input row when it can be.
enum Props {
    None,
    Ready(BTreeMap<String, Val>),
    /// Refers to variables bound by the pattern itself: evaluated at each check.
    Lazy(Expr),
}

/// Matches one `MATCH` for one input row, calling `emit` with each output row
/// (the op's `keep` slots) and how many matches it stands for. `emit` returns
/// `false` to stop early. Returns `false` when stopped.
///
/// With `weighted`, matches that differ only in slots nothing downstream reads
/// may come as one row with their number (the last hop is then counted
/// instead of enumerated, and those slots are null); without, every match is
/// a row of its own with weight 1.
pub fn match_row(
    ctx: &Ctx,
    op: &MatchOp,
    row: &[Val],
    weighted: bool,
    emit: &mut dyn FnMut(Vec<Val>, u64) -> Result<bool>,
) -> Result<bool> {
    let names_in = &op.work[..op.inputs];
    let frame = Frame::new(names_in, row);
    let eval_props = |e: &Option<Expr>| -> Result<Props> {
        match e {
            None => Ok(Props::None),
            Some(x) => match eval(ctx, x, &frame) {
                Ok(Val::Map(m)) => Ok(Props::Ready(m)),
                Ok(Val::Null) => Ok(Props::Ready(BTreeMap::new())),
                Ok(v) => Err(Error::coded(
                    Detail::InvalidArgumentType,
                    format!(
                        "invalid argument type: a pattern's properties must be a map, not {}",
                        v.type_name()
                    ),
                )),
                Err(Error::Query { code, .. }) if code.detail == Detail::UndefinedVariable => {
                    Ok(Props::Lazy(x.clone()))
                }
                Err(e) => Err(e),
            },
        }
    };
    let mut node_props = Vec::new();
    let mut rel_props = Vec::new();
    let mut types = Vec::new();
    for p in &op.patterns {
        types.push(
            p.rels
                .iter()
                .map(|r| {
                    (!r.types.is_empty()).then(|| {
                        r.types
                            .iter()
                            .filter_map(|t| ctx.graph.type_id(t))
                            .collect::<Vec<TypeId>>()
                    })
                })
                .collect::<Vec<_>>(),
        );
        node_props.push(
            p.nodes
                .iter()
                .map(|n| eval_props(&n.properties))
                .collect::<Result<Vec<_>>>()?,
        );
        rel_props.push(
            p.rels
                .iter()
                .map(|r| eval_props(&r.properties))
                .collect::<Result<Vec<_>>>()?,
        );
    }
    let mut work = row.to_vec();
    work.resize(op.work.len(), Val::Null);
    let mut bound = vec![false; op.work.len()];
    for b in bound.iter_mut().take(op.inputs) {
        *b = true;
    }
    let mut m = Matcher {
        ctx,
        op,
        node_props,
        rel_props,
        types,
        weighted,
        work,
        bound,
        used: Vec::new(),
        emit,
        steps: 0,
        memo: op
            .patterns
            .iter()
            .map(|p| p.rels.iter().map(|_| MemoSet::default()).collect())
            .collect(),
    };
    m.pattern(0)
}

struct Matcher<'a, 'c, 'e> {
    ctx: &'a Ctx<'c>,
    op: &'a MatchOp,
    node_props: Vec<Vec<Props>>,
    rel_props: Vec<Vec<Props>>,
    /// Per pattern and relationship step, the type numbers it may have; `None`
    /// for any type. A type no relationship has ever had has no number: a
    /// step naming only such types matches nothing.
    types: Vec<Vec<Option<Vec<TypeId>>>>,
    /// Whether `emit` takes rows that stand for several matches.
    weighted: bool,
    work: Vec<Val>,
    bound: Vec<bool>,
    used: Vec<RelId>,
    emit: &'e mut dyn FnMut(Vec<Val>, u64) -> Result<bool>,
    steps: usize,
    /// States already expanded, when the plan allows skipping repeats.
    /// Per pattern and hop. The first pattern's sets whose states hold its
    /// anchor are emptied when the anchor moves on: its candidates are
    /// distinct, so such a state cannot come back, and the sets stay small.
    memo: Vec<Vec<MemoSet>>,
}

/// A set of matching states. A state of one node, relationship or null (the
/// commonest) is kept as one number, eight bytes with a cheap hash; others
/// as [`MemoKey`]s. The choice is a function of the values, so equal states
/// always land in the same place.
#[derive(Default)]
struct MemoSet {
    one: FxHashSet<u64>,
    other: FxHashSet<MemoKey>,
}

impl MemoSet {
    /// A single-slot state as a number: ids are below 2^32 (the id map's
    /// bound), so tags above them keep nodes, relationships and null apart.
    #[inline]
    fn single(slots: &[usize], work: &[Val]) -> Option<u64> {
        match slots {
            [s] => match &work[*s] {
                Val::Node(id) => Some(*id),
                Val::Rel(id) => Some(*id | 1 << 40),
                Val::Null => Some(1 << 41),
                _ => None,
            },
            _ => None,
        }
    }

    /// Records a state; false when it was there already.
    #[inline]
    fn insert(&mut self, slots: &[usize], work: &[Val]) -> bool {
        match Self::single(slots, work) {
            Some(n) => self.one.insert(n),
            None => self.other.insert(MemoKey::of(slots, work)),
        }
    }

    #[inline]
    fn contains(&self, slots: &[usize], work: &[Val]) -> bool {
        match Self::single(slots, work) {
            Some(n) => self.one.contains(&n),
            None => self.other.contains(&MemoKey::of(slots, work)),
        }
    }

    fn is_empty(&self) -> bool {
        self.one.is_empty() && self.other.is_empty()
    }

    fn clear(&mut self) {
        self.one.clear();
        self.other.clear();
    }
}

/// The values of a matching state's slots, as a memo key. States made only of
/// nodes, relationships and nulls (the usual case), at most two slots, are
/// keyed without allocating; the encoding is a function of the values, so
/// equal states always get equal keys.
#[derive(PartialEq, Eq, Hash)]
enum MemoKey {
    /// Per slot: 0 for null, 1 for a node, 2 for a relationship, 3 for no
    /// slot (padding); and the id.
    Ids([(u8, u64); 2]),
    Keys(Vec<Key>),
}

impl MemoKey {
    fn of(slots: &[usize], work: &[Val]) -> MemoKey {
        if slots.len() <= 2 {
            let mut ids = [(3u8, 0u64); 2];
            let mut simple = true;
            for (i, &s) in slots.iter().enumerate() {
                ids[i] = match &work[s] {
                    Val::Null => (0, 0),
                    Val::Node(id) => (1, *id),
                    Val::Rel(id) => (2, *id),
                    _ => {
                        simple = false;
                        break;
                    }
                };
            }
            if simple {
                return MemoKey::Ids(ids);
            }
        }
        MemoKey::Keys(slots.iter().map(|&s| Key::of(&work[s])).collect())
    }
}

/// Whether entry `a`, walked from `at` in `dir`, is a self-loop met for the
/// second time: walked both ways, a loop is both outgoing and incoming.
/// `seen` holds the loops met so far.
#[inline]
fn loop_again(a: Adj, at: NodeId, dir: Dir, seen: &mut Vec<RelId>) -> bool {
    if dir != Dir::Both || a.other() != at {
        return false;
    }
    if seen.contains(&a.rel()) {
        return true;
    }
    seen.push(a.rel());
    false
}

/// String equality that rejects most different relationship types and labels
/// by length and first byte before comparing the rest.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// The direction to walk a relationship pattern, from its left node (or from its
/// right node when `reversed`).
#[inline]
fn walk_dir(d: Direction, reversed: bool) -> Dir {
    match (d, reversed) {
        (Direction::Both, _) => Dir::Both,
        (Direction::Outgoing, false) | (Direction::Incoming, true) => Dir::Out,
        _ => Dir::In,
    }
}

impl<'a, 'c, 'e> Matcher<'a, 'c, 'e> {
    /// Whether the state after hop `h` of pattern `pi` was seen before (and
    /// records it). Always false when every match counts.
    #[inline]
    fn seen(&mut self, pi: usize, h: usize) -> bool {
        let Some(memo) = &self.op.memo else {
            return false;
        };
        !self.memo[pi][h].insert(&memo[pi][h], &self.work)
    }

    /// Whether the state after hop `h` of pattern `pi` depends only on slots
    /// bound before the hop (not on its relationship `rel_slot` nor on a newly
    /// bound `to_slot`). Then every way of making the hop leads to the same
    /// state: once one has been expanded, the others can be skipped, and the
    /// hop reduces to an existence check (a semi-join).
    #[inline]
    fn state_fixed(&self, pi: usize, h: usize, rel_slot: usize, to_slot: usize) -> bool {
        let Some(memo) = &self.op.memo else {
            return false;
        };
        memo[pi][h]
            .iter()
            .all(|&s| s != rel_slot && (s != to_slot || self.bound[to_slot]))
    }

    /// Whether the state after hop `h` of pattern `pi` is already recorded,
    /// without recording it; for a state fixed before the hop.
    #[inline]
    fn already_seen(&self, pi: usize, h: usize) -> bool {
        let Some(memo) = &self.op.memo else {
            return false;
        };
        self.memo[pi][h].contains(&memo[pi][h], &self.work)
    }

    /// Whether every one of `filters` is true on the work row.
    #[inline]
    fn passes(&self, filters: &[Expr]) -> Result<bool> {
        if filters.is_empty() {
            return Ok(true);
        }
        let frame = Frame::new(&self.op.work, &self.work);
        for f in filters {
            if !truthy(self.ctx, f, &frame)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The filters to check after point `point` of pattern `pi` (0: the anchor).
    #[inline]
    fn early(&self, pi: usize, point: usize) -> &'a [Expr] {
        self.op
            .early
            .get(pi)
            .and_then(|p| p.get(point))
            .map_or(&[], Vec::as_slice)
    }

    #[inline]
    fn tick(&mut self) -> Result<()> {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) {
            self.ctx.cancel.check()?;
        }
        Ok(())
    }

    fn props_match(&self, props: &Props, get: &dyn Fn(&str) -> Option<&'c Value>) -> Result<bool> {
        let owned;
        let map = match props {
            Props::None => return Ok(true),
            Props::Ready(m) => m,
            Props::Lazy(e) => {
                let frame = Frame::new(&self.op.work, &self.work);
                match eval(self.ctx, e, &frame)? {
                    Val::Map(m) => {
                        owned = m;
                        &owned
                    }
                    Val::Null => return Ok(true),
                    v => {
                        return Err(Error::coded(
                            Detail::InvalidArgumentType,
                            format!(
                            "invalid argument type: a pattern's properties must be a map, not {}",
                            v.type_name()
                        ),
                        ))
                    }
                }
            }
        };
        for (k, want) in map {
            let Some(have) = get(k) else {
                return Ok(false);
            };
            if equals(&Val::from(have), want) != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether node `id` fits node `ni` of pattern `pi` (labels, properties, binding).
    #[inline]
    fn node_ok(&self, pi: usize, ni: usize, id: NodeId, skip_key: Option<&str>) -> Result<bool> {
        let step = &self.op.patterns[pi].nodes[ni];
        if self.bound[step.slot] {
            if self.work[step.slot] != Val::Node(id) {
                return Ok(false);
            }
            if step.labels.is_empty() && matches!(self.node_props[pi][ni], Props::None) {
                return Ok(true);
            }
        } else if step.labels.is_empty() && matches!(self.node_props[pi][ni], Props::None) {
            // Nothing to check: the node exists (it came from the graph).
            return Ok(true);
        }
        let graph = self.ctx.graph;
        let Some(node) = graph.node(id) else {
            return Ok(false);
        };
        if !step
            .labels
            .iter()
            .all(|l| node.labels.iter().any(|have| same_name(have, l)))
        {
            return Ok(false);
        }
        let get = |k: &str| -> Option<&'c Value> {
            if skip_key == Some(k) {
                // Matched by the key index already (after normalisation).
                return None;
            }
            graph.node(id).and_then(|n| n.properties.get(k))
        };
        match (&self.node_props[pi][ni], skip_key) {
            (Props::Ready(m), Some(key)) => {
                let rest: BTreeMap<String, Val> = m
                    .iter()
                    .filter(|(k, _)| k.as_str() != key)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.props_match(&Props::Ready(rest), &get)
            }
            (p, _) => self.props_match(p, &get),
        }
    }

    /// Whether every node reached over a relationship of one of `types`,
    /// walked in `dir`, carries all of `labels` by the graph's rules: stance
    /// relationships end at a `Statement`, `ABOUT` starts at one. Only for a
    /// graph in committed state.
    fn labels_implied(&self, types: &[String], dir: Dir, labels: &[String]) -> bool {
        if !self.ctx.committed || types.is_empty() || labels.is_empty() {
            return false;
        }
        if !labels.iter().all(|l| l == STATEMENT) {
            return false;
        }
        match dir {
            Dir::Out => types
                .iter()
                .all(|t| matches!(t.as_str(), CLAIMS | DENIES | ASSESSES)),
            Dir::In => types.iter().all(|t| t == ABOUT),
            Dir::Both => false,
        }
    }

    /// Whether the relationship of adjacency entry `a` fits relationship `ri`
    /// of pattern `pi` (type, properties). Its record is only read for properties.
    #[inline]
    fn adj_ok(&self, pi: usize, ri: usize, a: Adj) -> Result<bool> {
        if let Some(allowed) = &self.types[pi][ri] {
            if !allowed.contains(&a.ty()) {
                return Ok(false);
            }
        }
        match &self.rel_props[pi][ri] {
            Props::None => Ok(true),
            props => match self.ctx.graph.relationship(a.rel()) {
                Some(rel) => self.props_match(props, &|k| rel.properties.get(k)),
                None => Ok(false),
            },
        }
    }

    #[inline]
    fn bind(&mut self, slot: usize, v: Val) -> Option<bool> {
        if self.bound[slot] {
            // Already bound: a match only if equal; nothing to undo.
            return if equals(&self.work[slot], &v) == Some(true) {
                Some(false)
            } else {
                None
            };
        }
        self.work[slot] = v;
        self.bound[slot] = true;
        Some(true)
    }

    #[inline]
    fn unbind(&mut self, slot: usize, was_new: bool) {
        if was_new {
            self.bound[slot] = false;
            self.work[slot] = Val::Null;
        }
    }

    /// A path pattern is bound: set its path variable, go on with the next pattern.
    fn pattern_done(&mut self, pi: usize) -> Result<bool> {
        let p: &PatternPlan = &self.op.patterns[pi];
        let Some(path_slot) = p.path_slot else {
            return self.pattern(pi + 1);
        };
        let Val::Node(start) = self.work[p.nodes[0].slot] else {
            return Ok(true);
        };
        let mut rels = Vec::new();
        for r in &p.rels {
            match &self.work[r.slot] {
                Val::Rel(id) => rels.push(*id),
                Val::List(items) => rels.extend(items.iter().filter_map(|v| match v {
                    Val::Rel(id) => Some(*id),
                    _ => None,
                })),
                _ => {}
            }
        }
        let value = build_path(self.ctx.graph, start, &rels);
        let Some(new) = self.bind(path_slot, value) else {
            return Ok(true);
        };
        let go_on = self.pattern(pi + 1)?;
        self.unbind(path_slot, new);
        Ok(go_on)
    }

    /// Every pattern is bound: filter by WHERE and emit.
    fn finish(&mut self) -> Result<bool> {
        if !self.passes(&self.op.late)? {
            return Ok(true);
        }
        let row: Vec<Val> = self.op.keep.iter().map(|&i| self.work[i].clone()).collect();
        (self.emit)(row, 1)
    }

    /// `shortestPath` / `allShortestPaths` over one relationship step.
    fn shortest(&mut self, pi: usize) -> Result<bool> {
        let graph = self.ctx.graph;
        let p = &self.op.patterns[pi];
        let all = p.kind == PathKind::AllShortest;
        let (s_slot, t_slot) = (p.nodes[0].slot, p.nodes[1].slot);
        let step = &p.rels[0];
        let rel_slot = step.slot;
        let range = step.length.unwrap_or(crate::query::ast::Range {
            min: Some(1),
            max: Some(1),
        });
        let min = range.min.unwrap_or(1) as usize;
        let max = range.max.map_or(usize::MAX, |m| m as usize);
        let dir = walk_dir(step.direction, false);
        let sources: Vec<NodeId> = if self.bound[s_slot] {
            match self.work[s_slot] {
                Val::Node(id) => vec![id],
                _ => return Ok(true),
            }
        } else {
            // Start from the smallest label of the source node, if it has one.
            let smallest = p.nodes[0]
                .labels
                .iter()
                .min_by_key(|l| graph.label_count(l));
            match smallest {
                Some(l) => graph.nodes_with_label(l).collect(),
                None => graph.nodes().map(|n| n.id).collect(),
            }
        };
        for s in sources {
            self.tick()?;
            if !self.node_ok(pi, 0, s, None)? {
                continue;
            }
            let Some(new_s) = self.bind(s_slot, Val::Node(s)) else {
                continue;
            };
            // Breadth-first search from s, keeping every parent at the shortest distance.
            let mut dist: HashMap<NodeId, usize> = HashMap::new();
            let mut parents: HashMap<NodeId, Vec<(RelId, NodeId)>> = HashMap::new();
            dist.insert(s, 0);
            let mut order = vec![s];
            let mut queue = VecDeque::from([s]);
            while let Some(at) = queue.pop_front() {
                // Every queued node has its distance recorded first.
                let Some(&d) = dist.get(&at) else {
                    continue;
                };
                if d >= max {
                    continue;
                }
                for a in graph.adjacent(at, dir) {
                    self.tick()?;
                    if !self.adj_ok(pi, 0, a)? {
                        continue;
                    }
                    let (rel, other) = (a.rel(), a.other());
                    match dist.get(&other) {
                        None => {
                            dist.insert(other, d + 1);
                            parents.insert(other, vec![(rel, at)]);
                            order.push(other);
                            queue.push_back(other);
                        }
                        Some(&od) if od == d + 1 && all => {
                            if let Some(ps) = parents.get_mut(&other) {
                                if !ps.iter().any(|(r, _)| *r == rel) {
                                    ps.push((rel, at));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            let targets: Vec<NodeId> = if self.bound[t_slot] {
                match self.work[t_slot] {
                    Val::Node(id) => vec![id],
                    _ => Vec::new(),
                }
            } else {
                order.clone()
            };
            for t in targets {
                let Some(&d) = dist.get(&t) else {
                    continue;
                };
                if d < min || (t == s && min > 0) || !self.node_ok(pi, 1, t, None)? {
                    continue;
                }
                let paths = enumerate_parents(&parents, s, t, all)?;
                for rels in paths {
                    self.tick()?;
                    let new_t = self.bind(t_slot, Val::Node(t));
                    let Some(new_t) = new_t else { continue };
                    let list = Val::List(rels.iter().map(|r| Val::Rel(*r)).collect());
                    let Some(new_r) = self.bind(rel_slot, list) else {
                        self.unbind(t_slot, new_t);
                        continue;
                    };
                    let go_on = self.pattern_done(pi)?;
                    self.unbind(rel_slot, new_r);
                    self.unbind(t_slot, new_t);
                    if !go_on {
                        self.unbind(s_slot, new_s);
                        return Ok(false);
                    }
                }
            }
            self.unbind(s_slot, new_s);
        }
        Ok(true)
    }
}

/// The shortest paths from `s` to `t` (all of them, or the first), as
/// relationship lists in path order, walked back through the parents without recursion.
fn enumerate_parents(
    parents: &HashMap<NodeId, Vec<(RelId, NodeId)>>,
    s: NodeId,
    t: NodeId,
    all: bool,
) -> Result<Vec<Vec<RelId>>> {
    let mut out = Vec::new();
    // Each entry: the node reached walking back, and the relationships so far (reversed).
    let mut stack: Vec<(NodeId, Vec<RelId>)> = vec![(t, Vec::new())];
    while let Some((at, rels)) = stack.pop() {
        if at == s {
            let mut r = rels;
            r.reverse();
            out.push(r);
            if !all {
                break;
            }
            if out.len() > MAX_VALUES {
                return Err(too_many());
            }
            continue;
        }
        let Some(ps) = parents.get(&at) else {
            continue;
        };
        let take = if all { ps.len() } else { 1 };
        for (rel, prev) in ps.iter().take(take) {
            let mut r = rels.clone();
            r.push(*rel);
            stack.push((*prev, r));
        }
    }
    Ok(out)
}

fn too_many() -> Error {
    Error::ResourceLimit(format!(
        "the pattern matches more than {MAX_VALUES} paths; add a bound or a filter"
    ))
}
