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
use super::plan::{self, MatchOp, PatternPlan, RelStep, Start};
use super::values::{equals, Key, Val};
use super::MAX_VALUES;
use crate::error::{Detail, Error, Result};
use crate::graph::{adjacency::Adj, Dir, TypeId};
use crate::model::{
    normalise_text, Kind, NodeId, RelId, ABOUT, ASSESSES, CLAIMS, DENIES, STATEMENT,
};
use crate::query::ast::{Direction, Expr, PathKind, PathPattern};
use crate::value::Value;

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
                Ok(v) => Err(Error::query(format!(
                    "invalid argument type: a pattern's properties must be a map, not {}",
                    v.type_name()
                ))),
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
    fn insert(&mut self, slots: &[usize], work: &[Val]) -> bool {
        match Self::single(slots, work) {
            Some(n) => self.one.insert(n),
            None => self.other.insert(MemoKey::of(slots, work)),
        }
    }

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
    fn already_seen(&self, pi: usize, h: usize) -> bool {
        let Some(memo) = &self.op.memo else {
            return false;
        };
        self.memo[pi][h].contains(&memo[pi][h], &self.work)
    }

    /// Whether every one of `filters` is true on the work row.
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
    fn early(&self, pi: usize, point: usize) -> &'a [Expr] {
        self.op
            .early
            .get(pi)
            .and_then(|p| p.get(point))
            .map_or(&[], Vec::as_slice)
    }

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
                        return Err(Error::query(format!(
                            "invalid argument type: a pattern's properties must be a map, not {}",
                            v.type_name()
                        )))
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

    fn unbind(&mut self, slot: usize, was_new: bool) {
        if was_new {
            self.bound[slot] = false;
            self.work[slot] = Val::Null;
        }
    }

    /// Matches pattern `pi` and everything after it.
    fn pattern(&mut self, pi: usize) -> Result<bool> {
        if pi == self.op.patterns.len() {
            return self.finish();
        }
        let p = &self.op.patterns[pi];
        if p.kind != PathKind::Normal {
            return self.shortest(pi);
        }
        let anchor = p.anchor;
        let slot = p.nodes[anchor].slot;
        let graph = self.ctx.graph;
        let mut key_skip: Option<&str> = None;
        let candidates: Box<dyn Iterator<Item = NodeId> + '_> = match &p.start {
            Start::Bound if self.bound[slot] => match &self.work[slot] {
                Val::Node(id) => Box::new(std::iter::once(*id)),
                _ => return Ok(true),
            },
            Start::Key(kind, e) => {
                let frame = Frame::new(
                    &self.op.work[..self.op.inputs],
                    &self.work[..self.op.inputs],
                );
                match eval(self.ctx, e, &frame)? {
                    Val::Str(s) => {
                        let key = if *kind == Kind::Statement {
                            normalise_text(&s)
                        } else {
                            s
                        };
                        key_skip = Some(kind.key_property());
                        Box::new(graph.lookup_key(*kind, &key).into_iter())
                    }
                    Val::Null => return Ok(true),
                    _ => Box::new(graph.nodes_with_label(kind.label())),
                }
            }
            Start::Id(e) => {
                let frame = Frame::new(
                    &self.op.work[..self.op.inputs],
                    &self.work[..self.op.inputs],
                );
                match eval(self.ctx, e, &frame)? {
                    Val::Int(i) if i >= 0 => {
                        Box::new(graph.node(i as u64).map(|n| n.id).into_iter())
                    }
                    Val::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => {
                        Box::new(graph.node(f as u64).map(|n| n.id).into_iter())
                    }
                    _ => return Ok(true),
                }
            }
            Start::Label(l) => Box::new(graph.nodes_with_label(l)),
            Start::Bound | Start::All => Box::new(graph.nodes().map(|n| n.id)),
        };
        // A label scan yields only nodes with the label: nothing else to check
        // when that is the anchor's only condition.
        let known = match &p.start {
            Start::Label(l) => {
                p.nodes[anchor].labels.iter().all(|x| x == l)
                    && matches!(self.node_props[pi][anchor], Props::None)
            }
            _ => false,
        };
        // The first pattern's memo sets whose states hold the anchor.
        let forget: Vec<usize> = match &self.op.memo {
            Some(memo) if pi == 0 => (0..p.rels.len())
                .filter(|&h| memo[0][h].contains(&slot))
                .collect(),
            _ => Vec::new(),
        };
        for id in candidates {
            self.tick()?;
            if !known && !self.node_ok(pi, anchor, id, key_skip)? {
                continue;
            }
            for &h in &forget {
                if !self.memo[0][h].is_empty() {
                    self.memo[0][h].clear();
                }
            }
            let Some(new) = self.bind(slot, Val::Node(id)) else {
                continue;
            };
            if !self.passes(self.early(pi, 0))? {
                self.unbind(slot, new);
                continue;
            }
            let go_on = self.hop(pi, 0)?;
            self.unbind(slot, new);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The `h`-th hop of pattern `pi`: right of the anchor first, then left.
    fn hop(&mut self, pi: usize, h: usize) -> Result<bool> {
        let p = &self.op.patterns[pi];
        let k = p.rels.len();
        if h == k {
            return self.pattern_done(pi);
        }
        let anchor = p.anchor;
        let right = k - anchor;
        let (ri, from, to, reversed) = if h < right {
            let ri = anchor + h;
            (ri, ri, ri + 1, false)
        } else {
            let ri = anchor - 1 - (h - right);
            (ri, ri + 1, ri, true)
        };
        let Val::Node(from_id) = self.work[p.nodes[from].slot] else {
            return Ok(true);
        };
        let step = &p.rels[ri];
        if step.length.is_none() {
            self.single_hop(pi, h, ri, from_id, to, reversed)
        } else {
            self.var_hop(pi, h, ri, from_id, to, reversed)
        }
    }

    fn single_hop(
        &mut self,
        pi: usize,
        h: usize,
        ri: usize,
        from_id: NodeId,
        to: usize,
        reversed: bool,
    ) -> Result<bool> {
        let graph = self.ctx.graph;
        let p = &self.op.patterns[pi];
        let step = &p.rels[ri];
        let dir = walk_dir(step.direction, reversed);
        let rel_slot = step.slot;
        let to_slot = p.nodes[to].slot;
        let fixed = self.state_fixed(pi, h, rel_slot, to_slot);
        if fixed && self.already_seen(pi, h) {
            return Ok(true);
        }
        let end_known = !self.bound[to_slot]
            && matches!(self.node_props[pi][to], Props::None)
            && self.labels_implied(&step.types, dir, &p.nodes[to].labels);
        if !fixed && self.count_only(pi, h, rel_slot, to_slot) {
            return self.count_hop(pi, ri, to, from_id, dir, end_known);
        }
        let mut loops_seen: Vec<RelId> = Vec::new();
        for a in graph.adjacent(from_id, dir) {
            self.tick()?;
            let (rel, other) = (a.rel(), a.other());
            if loop_again(a, from_id, dir, &mut loops_seen)
                || !self.step_ok(pi, ri, to, a, end_known)?
            {
                continue;
            }
            let Some(new_rel) = self.bind(rel_slot, Val::Rel(rel)) else {
                continue;
            };
            let Some(new_node) = self.bind(to_slot, Val::Node(other)) else {
                self.unbind(rel_slot, new_rel);
                continue;
            };
            if !self.passes(self.early(pi, h + 1))? || self.seen(pi, h) {
                self.unbind(to_slot, new_node);
                self.unbind(rel_slot, new_rel);
                continue;
            }
            self.used.push(rel);
            let go_on = self.hop(pi, h + 1)?;
            self.used.pop();
            self.unbind(to_slot, new_node);
            self.unbind(rel_slot, new_rel);
            if !go_on {
                return Ok(false);
            }
            if fixed {
                // Every other relationship would lead to the state just expanded.
                break;
            }
        }
        Ok(true)
    }

    /// Whether walking adjacency entry `a` completes relationship `ri` of
    /// pattern `pi`, ending at node `to` (checked unless `end_known`): the
    /// relationship is not used yet in this match, and it and the end fit.
    fn step_ok(&self, pi: usize, ri: usize, to: usize, a: Adj, end_known: bool) -> Result<bool> {
        if (!self.used.is_empty() && self.used.contains(&a.rel())) || !self.adj_ok(pi, ri, a)? {
            return Ok(false);
        }
        Ok(end_known || self.node_ok(pi, to, a.other(), None)?)
    }

    /// Whether hop `h` of pattern `pi` may be counted instead of enumerated:
    /// it is the last hop of the last pattern, nothing after the `MATCH` reads
    /// its relationship or end node, no filter or path waits for them, and the
    /// rows may carry weights.
    fn count_only(&self, pi: usize, h: usize, rel_slot: usize, to_slot: usize) -> bool {
        let op = self.op;
        let p = &op.patterns[pi];
        let Some(needed) = &op.needed else {
            return false;
        };
        self.weighted
            && pi + 1 == op.patterns.len()
            && h + 1 == p.rels.len()
            && p.path_slot.is_none()
            && op.memo.is_none()
            && op.late.is_empty()
            && self.early(pi, h + 1).is_empty()
            && !self.bound[rel_slot]
            && !self.bound[to_slot]
            && !needed.get(rel_slot).copied().unwrap_or(true)
            && !needed.get(to_slot).copied().unwrap_or(true)
    }

    /// The last hop, counted: one output row standing for every relationship
    /// that completes the match.
    fn count_hop(
        &mut self,
        pi: usize,
        ri: usize,
        to: usize,
        from_id: NodeId,
        dir: Dir,
        end_known: bool,
    ) -> Result<bool> {
        let graph = self.ctx.graph;
        let mut n: u64 = 0;
        // The end node needs no check when the graph's rules imply its labels,
        // or when it has no labels nor properties to match (`count_only` saw
        // that it is not bound).
        let to_step = &self.op.patterns[pi].nodes[to];
        let end_free = end_known
            || (to_step.labels.is_empty() && matches!(self.node_props[pi][to], Props::None));
        let plain =
            end_free && self.used.is_empty() && matches!(self.rel_props[pi][ri], Props::None);
        match (&self.types[pi][ri], dir) {
            // The common case: a degree by type, read straight off the list.
            (Some(types), Dir::Out | Dir::In) if plain => {
                let n = graph.degree_of_types(from_id, dir, types) as u64;
                return self.emit_counted(n);
            }
            (None, Dir::Out | Dir::In) if plain => {
                return self.emit_counted(graph.degree(from_id, dir) as u64);
            }
            _ => {}
        }
        let mut loops_seen: Vec<RelId> = Vec::new();
        for a in graph.adjacent(from_id, dir) {
            if !loop_again(a, from_id, dir, &mut loops_seen)
                && self.step_ok(pi, ri, to, a, end_known)?
            {
                n += 1;
            }
        }
        self.emit_counted(n)
    }

    /// Emits the current row standing for `n` matches, if there are any.
    fn emit_counted(&mut self, n: u64) -> Result<bool> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n as usize).saturating_add(1);
        if before / 4096 != self.steps / 4096 {
            self.ctx.cancel.check()?;
        }
        if n == 0 {
            return Ok(true);
        }
        let row: Vec<Val> = self.op.keep.iter().map(|&i| self.work[i].clone()).collect();
        (self.emit)(row, n)
    }

    fn var_hop(
        &mut self,
        pi: usize,
        h: usize,
        ri: usize,
        from_id: NodeId,
        to: usize,
        reversed: bool,
    ) -> Result<bool> {
        let p = &self.op.patterns[pi];
        let step = &p.rels[ri];
        let rel_slot = step.slot;
        let to_slot = p.nodes[to].slot;
        let reach = step.reach_only;
        let fixed = self.state_fixed(pi, h, rel_slot, to_slot);
        if fixed && self.already_seen(pi, h) {
            return Ok(true);
        }
        let ends = if reach {
            self.reachable(pi, ri, to, from_id, reversed)?
        } else {
            self.trails(pi, ri, from_id, reversed)?
        };
        for (end, mut rels) in ends {
            self.tick()?;
            if !self.node_ok(pi, to, end, None)? {
                continue;
            }
            if reversed {
                rels.reverse();
            }
            let value = if reach {
                Val::Null
            } else {
                Val::List(rels.iter().map(|r| Val::Rel(*r)).collect())
            };
            let Some(new_rel) = self.bind(rel_slot, value) else {
                continue;
            };
            let Some(new_node) = self.bind(to_slot, Val::Node(end)) else {
                self.unbind(rel_slot, new_rel);
                continue;
            };
            if !self.passes(self.early(pi, h + 1))? || self.seen(pi, h) {
                self.unbind(to_slot, new_node);
                self.unbind(rel_slot, new_rel);
                continue;
            }
            let before = self.used.len();
            self.used.extend_from_slice(&rels);
            let go_on = self.hop(pi, h + 1)?;
            self.used.truncate(before);
            self.unbind(to_slot, new_node);
            self.unbind(rel_slot, new_rel);
            if !go_on {
                return Ok(false);
            }
            if fixed {
                // Every other path would lead to the state just expanded.
                break;
            }
        }
        Ok(true)
    }

    /// Every trail from `from` whose length is in the step's range: its end and
    /// its relationships in walking order.
    fn trails(
        &mut self,
        pi: usize,
        ri: usize,
        from: NodeId,
        reversed: bool,
    ) -> Result<Vec<(NodeId, Vec<RelId>)>> {
        let graph = self.ctx.graph;
        let step: &RelStep = &self.op.patterns[pi].rels[ri];
        let range = step.length.unwrap_or(crate::query::ast::Range {
            min: Some(1),
            max: Some(1),
        });
        let min = range.min.unwrap_or(1) as usize;
        let max = range.max.map_or(usize::MAX, |m| m as usize);
        let dir = walk_dir(step.direction, reversed);
        let mut out = Vec::new();
        if min > max {
            return Ok(out);
        }
        // Each stack entry: a node reached, and its candidate next steps not yet tried.
        let mut path: Vec<RelId> = Vec::new();
        let mut stack: Vec<(NodeId, Vec<(RelId, NodeId)>)> = Vec::new();
        let expand = |m: &Self, at: NodeId, path: &[RelId]| -> Result<Vec<(RelId, NodeId)>> {
            let mut next = Vec::new();
            let mut loops_seen: Vec<RelId> = Vec::new();
            for a in graph.adjacent(at, dir) {
                let (rel, other) = (a.rel(), a.other());
                if loop_again(a, at, dir, &mut loops_seen) {
                    continue;
                }
                if path.contains(&rel) || m.used.contains(&rel) || !m.adj_ok(pi, ri, a)? {
                    continue;
                }
                next.push((rel, other));
            }
            next.reverse();
            Ok(next)
        };
        if min == 0 {
            out.push((from, Vec::new()));
        }
        let first = if max > 0 {
            expand(self, from, &path)?
        } else {
            Vec::new()
        };
        stack.push((from, first));
        while let Some((_, pending)) = stack.last_mut() {
            self.tick()?;
            let Some((rel, node)) = pending.pop() else {
                stack.pop();
                path.pop();
                continue;
            };
            path.push(rel);
            if path.len() >= min {
                out.push((node, path.clone()));
                if out.len() > MAX_VALUES {
                    return Err(too_many());
                }
            }
            let next = if path.len() < max {
                expand(self, node, &path)?
            } else {
                Vec::new()
            };
            stack.push((node, next));
        }
        Ok(out)
    }

    /// The nodes reachable from `from` within the step's range, each once, by
    /// breadth-first search (no relationships are reported).
    ///
    /// When the end node must carry labels (`to` is unbound), the result may
    /// leave out nodes without them, since the caller rejects those anyway;
    /// and when the nodes with the rarest of those labels are fewer than the
    /// last level's frontier, the last level is walked backwards: each
    /// candidate is checked for a neighbour on the frontier, instead of
    /// expanding every frontier node.
    fn reachable(
        &mut self,
        pi: usize,
        ri: usize,
        to: usize,
        from: NodeId,
        reversed: bool,
    ) -> Result<Vec<(NodeId, Vec<RelId>)>> {
        let graph = self.ctx.graph;
        let p = &self.op.patterns[pi];
        let step: &RelStep = &p.rels[ri];
        let range = step.length.unwrap_or(crate::query::ast::Range {
            min: Some(1),
            max: Some(1),
        });
        let min = range.min.unwrap_or(1) as usize;
        let max = range.max.map_or(usize::MAX, |m| m as usize);
        let dir = walk_dir(step.direction, reversed);
        let mut out = Vec::new();
        if min > max {
            return Ok(out);
        }
        // The rarest label the end node must carry, when it is not bound yet.
        let to_step = &p.nodes[to];
        let rarest: Option<(&str, usize)> = if self.bound[to_step.slot] {
            None
        } else {
            to_step
                .labels
                .iter()
                .map(|l| (l.as_str(), graph.label_count(l)))
                .min_by_key(|&(_, n)| n)
        };
        let lowest = min.max(1);
        // The depth at which each node was first reached.
        let mut depth_of: FxHashMap<NodeId, usize> = FxHashMap::default();
        depth_of.insert(from, 0);
        // The start is an end too when a trail leaves it and comes back to it
        // within the range, and it satisfies the end's constraints.
        let start_again = min >= 1
            && self.node_ok(pi, to, from, None)?
            && self.closed_trail(pi, ri, from, dir, min.max(1), max)?;
        // Every node reached but the start, in the order found.
        let mut order: Vec<NodeId> = Vec::new();
        let mut frontier: Vec<NodeId> = vec![from];
        let mut depth = 0usize;
        while !frontier.is_empty() && depth < max {
            // Walking the last level backwards from the candidates, when cheaper.
            if depth + 1 == max && depth >= 1 {
                if let Some((label, n)) = rarest {
                    if n < frontier.len() {
                        return self.last_level_backwards(
                            pi,
                            ri,
                            from,
                            dir,
                            depth,
                            min,
                            label,
                            start_again,
                            &depth_of,
                        );
                    }
                }
            }
            let mut next = Vec::new();
            for &at in &frontier {
                for a in graph.adjacent(at, dir) {
                    self.tick()?;
                    let other = a.other();
                    if !self.used.is_empty() && self.used.contains(&a.rel()) {
                        continue;
                    }
                    if !self.adj_ok(pi, ri, a)? {
                        continue;
                    }
                    if other == from {
                        // The start was settled before the search.
                        continue;
                    }
                    if let std::collections::hash_map::Entry::Vacant(e) = depth_of.entry(other) {
                        e.insert(depth + 1);
                        next.push(other);
                    }
                }
            }
            depth += 1;
            if depth >= lowest {
                order.extend_from_slice(&next);
            }
            frontier = next;
        }
        if min == 0 || start_again {
            out.push((from, Vec::new()));
        }
        match rarest {
            Some((label, n)) if n < depth_of.len() => {
                for id in graph.nodes_with_label(label) {
                    if id != from && depth_of.get(&id).is_some_and(|&d| d >= lowest) {
                        out.push((id, Vec::new()));
                    }
                }
            }
            _ => out.extend(order.into_iter().map(|id| (id, Vec::new()))),
        }
        Ok(out)
    }

    /// The end of [`Self::reachable`] when the last level is walked backwards:
    /// `depth_of` holds every node reached within `last` steps (`last + 1` is
    /// the step range's maximum). A node with `label` not reached yet is at
    /// distance `last + 1` exactly when one of its relationships, walked the
    /// other way, leads to a node at depth `last`.
    #[allow(clippy::too_many_arguments)]
    fn last_level_backwards(
        &mut self,
        pi: usize,
        ri: usize,
        from: NodeId,
        dir: Dir,
        last: usize,
        min: usize,
        label: &str,
        start_again: bool,
        depth_of: &FxHashMap<NodeId, usize>,
    ) -> Result<Vec<(NodeId, Vec<RelId>)>> {
        let graph = self.ctx.graph;
        let back = match dir {
            Dir::Out => Dir::In,
            Dir::In => Dir::Out,
            Dir::Both => Dir::Both,
        };
        let lowest = min.max(1);
        let mut out = Vec::new();
        for id in graph.nodes_with_label(label) {
            self.tick()?;
            if id == from {
                // The start was settled before the search.
                continue;
            }
            if let Some(&d) = depth_of.get(&id) {
                if d >= lowest {
                    out.push((id, Vec::new()));
                }
                continue;
            }
            if last + 1 < lowest {
                continue;
            }
            for a in graph.adjacent(id, back) {
                self.tick()?;
                if depth_of.get(&a.other()) != Some(&last)
                    || (!self.used.is_empty() && self.used.contains(&a.rel()))
                    || !self.adj_ok(pi, ri, a)?
                {
                    continue;
                }
                out.push((id, Vec::new()));
                break;
            }
        }
        if min == 0 || start_again {
            out.insert(0, (from, Vec::new()));
        }
        Ok(out)
    }

    /// Whether a trail (no relationship twice) of `lo..=hi` relationships leads
    /// from `from` back to `from`: a depth-first search over trails, stopped at
    /// the first one found, checking the cancel flag as it goes.
    fn closed_trail(
        &mut self,
        pi: usize,
        ri: usize,
        from: NodeId,
        dir: Dir,
        lo: usize,
        hi: usize,
    ) -> Result<bool> {
        if hi == 0 {
            return Ok(false);
        }
        // `stack[i]` holds the relationships still to try from the i-th node of
        // the trail; `trail` holds the relationships taken, one fewer.
        let mut stack: Vec<Vec<(RelId, NodeId)>> = vec![self.trail_steps(pi, ri, from, dir)?];
        let mut trail: Vec<RelId> = Vec::new();
        while let Some(next) = stack.last_mut().map(Vec::pop) {
            let Some((rel, other)) = next else {
                stack.pop();
                trail.pop();
                continue;
            };
            self.tick()?;
            if trail.contains(&rel) {
                continue;
            }
            let len = trail.len() + 1;
            if other == from && len >= lo {
                return Ok(true);
            }
            if len < hi {
                let steps = self.trail_steps(pi, ri, other, dir)?;
                trail.push(rel);
                stack.push(steps);
            }
        }
        Ok(false)
    }

    /// The relationships a trail may take from `at`, with the node each leads to.
    fn trail_steps(
        &self,
        pi: usize,
        ri: usize,
        at: NodeId,
        dir: Dir,
    ) -> Result<Vec<(RelId, NodeId)>> {
        let mut steps = Vec::new();
        for a in self.ctx.graph.adjacent(at, dir) {
            if (self.used.is_empty() || !self.used.contains(&a.rel())) && self.adj_ok(pi, ri, a)? {
                steps.push((a.rel(), a.other()));
            }
        }
        Ok(steps)
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

/// Plans patterns that appear inside an expression, for the variables of `frame`.
fn inline_match(
    ctx: &Ctx,
    patterns: &[PathPattern],
    where_: Option<&Expr>,
    frame: &Frame,
) -> Result<(MatchOp, Vec<Val>)> {
    let (names, vals) = frame.flatten();
    let op = plan::plan_inline(ctx.graph, &names, patterns, where_)?;
    Ok((op, vals))
}

/// Whether the patterns match at least once (pattern predicates and `exists`).
pub fn pattern_exists(
    ctx: &Ctx,
    patterns: &[PathPattern],
    where_: Option<&Expr>,
    frame: &Frame,
) -> Result<bool> {
    let (op, vals) = inline_match(ctx, patterns, where_, frame)?;
    let mut found = false;
    match_row(ctx, &op, &vals, false, &mut |_, _| {
        found = true;
        Ok(false)
    })?;
    Ok(found)
}

/// `[pattern WHERE filter | map]`.
pub fn pattern_comprehension(
    ctx: &Ctx,
    pattern: &PathPattern,
    filter: Option<&Expr>,
    map: &Expr,
    frame: &Frame,
) -> Result<Vec<Val>> {
    let (op, vals) = inline_match(ctx, std::slice::from_ref(pattern), filter, frame)?;
    let names: Vec<String> = op.keep.iter().map(|&i| op.work[i].clone()).collect();
    let mut out = Vec::new();
    let mut err = None;
    match_row(ctx, &op, &vals, false, &mut |row, _| {
        let f = Frame::new(&names, &row);
        match eval(ctx, map, &f) {
            Ok(v) => {
                out.push(v);
                if out.len() > MAX_VALUES {
                    err = Some(too_many());
                    return Ok(false);
                }
                Ok(true)
            }
            Err(e) => {
                err = Some(e);
                Ok(false)
            }
        }
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
