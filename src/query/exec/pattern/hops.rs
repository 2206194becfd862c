//! Walking a pattern hop by hop: single hops, the counted last hop (when
//! nothing reads its ends), and var-length hops.

use super::*;

impl<'a, 'c, 'e> Matcher<'a, 'c, 'e> {
    /// Matches pattern `pi` and everything after it.
    pub(super) fn pattern(&mut self, pi: usize) -> Result<bool> {
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
    pub(super) fn hop(&mut self, pi: usize, h: usize) -> Result<bool> {
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

    // Part of `hop` (as it was before the var-length steps moved out); a
    // call of its own per hop costs a few percent of a join.
    #[inline(always)]
    pub(super) fn single_hop(
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
    #[inline]
    pub(super) fn step_ok(
        &self,
        pi: usize,
        ri: usize,
        to: usize,
        a: Adj,
        end_known: bool,
    ) -> Result<bool> {
        if (!self.used.is_empty() && self.used.contains(&a.rel())) || !self.adj_ok(pi, ri, a)? {
            return Ok(false);
        }
        Ok(end_known || self.node_ok(pi, to, a.other(), None)?)
    }

    /// Whether hop `h` of pattern `pi` may be counted instead of enumerated:
    /// it is the last hop of the last pattern, nothing after the `MATCH` reads
    /// its relationship or end node, no filter or path waits for them, and the
    /// rows may carry weights.
    pub(super) fn count_only(&self, pi: usize, h: usize, rel_slot: usize, to_slot: usize) -> bool {
        let op = self.op;
        let p = &op.patterns[pi];
        let Some(needed) = &op.needed else {
            return false;
        };
        op.count_last_hop
            && self.weighted
            && pi + 1 == op.patterns.len()
            && h + 1 == p.rels.len()
            && p.path_slot.is_none()
            && op.memo.is_none()
            && op.late.is_empty()
            && self.early(pi, h + 1).is_empty()
            && !self.bound[rel_slot]
            && !self.bound[to_slot]
            && op.unread_or_counted(needed, rel_slot)
            && op.unread_or_counted(needed, to_slot)
    }

    /// The last hop, counted: one output row standing for every relationship
    /// that completes the match.
    pub(super) fn count_hop(
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
    /// The counted hop's relationship and end are not bound: where what
    /// follows counts them (`count(x)`, which asks only whether `x` is
    /// null), the row holds `true` in their place.
    pub(super) fn emit_counted(&mut self, n: u64) -> Result<bool> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n as usize).saturating_add(1);
        if before / 4096 != self.steps / 4096 {
            self.ctx.cancel.check()?;
        }
        if n == 0 {
            return Ok(true);
        }
        let counted = self.op.counted.as_deref().unwrap_or(&[]);
        let row: Vec<Val> = self
            .op
            .keep
            .iter()
            .map(|&i| {
                if !self.bound[i] && counted.get(i).copied().unwrap_or(false) {
                    Val::Bool(true)
                } else {
                    self.work[i].clone()
                }
            })
            .collect();
        (self.emit)(row, n)
    }

    pub(super) fn var_hop(
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
}
