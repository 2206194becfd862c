//! Var-length steps: enumerating trails, reachability under `DISTINCT` (each
//! state once, pruned by the memo set), and closed trails.

use super::*;

impl<'a, 'c, 'e> Matcher<'a, 'c, 'e> {
    /// Every trail from `from` whose length is in the step's range: its end and
    /// its relationships in walking order.
    pub(super) fn trails(
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
    pub(super) fn reachable(
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
    pub(super) fn last_level_backwards(
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
    pub(super) fn closed_trail(
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
    pub(super) fn trail_steps(
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
}
