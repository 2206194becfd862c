//! Where `WHERE` filters go in a match, and the shortcuts a match may take:
//! grouping by node, memo sets for var-length steps, reachability when
//! multiplicity does not matter, key equalities.

use super::*;

/// Splits a WHERE into its conjuncts and places each at the first point of
/// matching where every variable it uses is bound.
pub(super) fn place_filters(
    where_: Option<&Expr>,
    plans: &[PatternPlan],
    work: &[String],
    inputs: usize,
) -> (Vec<Vec<Vec<Expr>>>, Vec<Expr>) {
    let mut early: Vec<Vec<Vec<Expr>>> = plans
        .iter()
        .map(|p| vec![Vec::new(); p.rels.len() + 1])
        .collect();
    let mut late = Vec::new();
    let mut conjuncts = Vec::new();
    if let Some(w) = where_ {
        split_and(w, &mut conjuncts, 0);
    }
    let path_slots: HashSet<usize> = plans.iter().filter_map(|p| p.path_slot).collect();
    for c in conjuncts {
        let slots: HashSet<usize> = expr_names(c)
            .iter()
            .filter_map(|n| work.iter().position(|w| w == n))
            .collect();
        if plans.is_empty() || slots.iter().any(|s| path_slots.contains(s)) {
            late.push(c.clone());
            continue;
        }
        let mut bound: HashSet<usize> = (0..inputs).collect();
        let mut placed = false;
        'patterns: for (pi, p) in plans.iter().enumerate() {
            if p.kind != PathKind::Normal {
                bound.extend(p.nodes.iter().map(|n| n.slot));
                bound.extend(p.rels.iter().map(|r| r.slot));
                continue;
            }
            bound.insert(p.nodes[p.anchor].slot);
            if slots.is_subset(&bound) {
                early[pi][0].push(c.clone());
                placed = true;
                break;
            }
            for (h, (ri, _, to)) in hop_order(p).into_iter().enumerate() {
                bound.insert(p.rels[ri].slot);
                bound.insert(p.nodes[to].slot);
                if slots.is_subset(&bound) {
                    early[pi][h + 1].push(c.clone());
                    placed = true;
                    break 'patterns;
                }
            }
        }
        if !placed {
            late.push(c.clone());
        }
    }
    (early, late)
}

pub(super) fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>, depth: usize) {
    match e {
        Expr::Binary(BinaryOp::And, a, b) if depth < MAX_DEPTH => {
            split_and(a, out, depth + 1);
            split_and(b, out, depth + 1);
        }
        _ => out.push(e),
    }
}

/// The hops of a pattern in matching order: (relationship, from node, to node),
/// right of the anchor first, then left.
pub fn hop_order(p: &PatternPlan) -> Vec<(usize, usize, usize)> {
    let k = p.rels.len();
    let right = k - p.anchor;
    (0..k)
        .map(|h| {
            if h < right {
                let ri = p.anchor + h;
                (ri, ri, ri + 1)
            } else {
                let ri = p.anchor - 1 - (h - right);
                (ri, ri + 1, ri)
            }
        })
        .collect()
}

/// Whether an aggregation's grouping keys tell the nodes of one variable of
/// the `MATCH` feeding it apart (see [`ProjectOp::node_keyed`]): the
/// variable, and the position among the key items of the item that does.
pub(super) fn node_keyed(p: &ProjectOp, m: &MatchOp) -> Option<(String, usize)> {
    let keys: Vec<&Expr> = p
        .items
        .iter()
        .zip(&p.item_aggregates)
        .filter(|(_, agg)| !**agg)
        .map(|((_, e), _)| e)
        .collect();
    let mut var: Option<&str> = None;
    for e in &keys {
        if is_volatile(e) {
            return None;
        }
        for name in expr_names(e) {
            match var {
                None => var = Some(m.work.iter().find(|w| **w == name)?.as_str()),
                Some(v) if v == name => {}
                Some(_) => return None,
            }
        }
    }
    let var = var?;
    // The labels the patterns give the variable: a match has all of them.
    let labels: Vec<&String> = m
        .patterns
        .iter()
        .flat_map(|pat| pat.nodes.iter())
        .filter(|n| m.work[n.slot] == var)
        .flat_map(|n| n.labels.iter())
        .collect();
    let telling = keys.iter().position(|e| match e {
        Expr::Variable(v) => v == var,
        Expr::Property(base, prop) => {
            matches!(&**base, Expr::Variable(v) if v == var)
                && labels
                    .iter()
                    .any(|l| Kind::from_label(l).is_some_and(|k| k.key_property() == prop))
        }
        _ => false,
    })?;
    Some((var.to_string(), telling))
}

/// Whether an aggregation grouped by node (see [`ProjectOp::node_keyed`])
/// may keep one accumulator per node and read keys only for the groups its
/// order keeps (see [`TopGroups`]): it is fed by a `MATCH` that streams into
/// it and binds the node itself (so every row holds a node there); one item
/// is the key (the node or its key property), every other item is a plain
/// `count` or `sum`; and it sorts only on those columns, then limits.
pub(super) fn top_groups(p: &ProjectOp, m: &MatchOp) -> Option<TopGroups> {
    let (var, telling) = p.node_keyed.as_ref()?;
    if !m.streams || m.optional || p.distinct || p.limit.is_none() || p.order_by.is_empty() {
        return None;
    }
    let slot = m.work.iter().rposition(|w| w == var)?;
    let in_pattern = m
        .patterns
        .iter()
        .any(|pat| pat.nodes.iter().any(|n| n.slot == slot));
    if slot < m.inputs || !in_pattern || *telling != 0 {
        return None;
    }
    let plain = |a: &Aggregate| {
        !a.distinct
            && match a.function.as_str() {
                "count" => a.args.len() <= 1,
                "sum" => a.args.len() == 1,
                _ => false,
            }
    };
    if !p.aggregates.iter().all(plain) {
        return None;
    }
    let mut key_item = None;
    for (i, ((_, e), agg)) in p.items.iter().zip(&p.item_aggregates).enumerate() {
        if !agg {
            if key_item.replace(i).is_some() {
                return None;
            }
        } else if !matches!(e, Expr::Variable(v) if p.aggregates.iter().any(|a| a.name == *v)) {
            return None;
        }
    }
    let key_item = key_item?;
    let kind = match &p.items[key_item].1 {
        Expr::Variable(v) if v == var => None,
        Expr::Property(base, prop) if matches!(&**base, Expr::Variable(v) if v == var) => {
            let kind = m
                .patterns
                .iter()
                .flat_map(|pat| pat.nodes.iter())
                .filter(|n| n.slot == slot)
                .flat_map(|n| n.labels.iter())
                .filter_map(|l| Kind::from_label(l))
                .find(|k| k.key_property() == prop)?;
            Some(kind)
        }
        _ => return None,
    };
    // ORDER BY sees the aggregates, then the output columns (which win).
    let names: Vec<&str> = p
        .aggregates
        .iter()
        .map(|a| a.name.as_str())
        .chain(p.items.iter().map(|(n, _)| n.as_str()))
        .collect();
    let aggs = p.aggregates.len();
    let mut sort = Vec::new();
    for (e, _) in &p.order_by {
        let Expr::Variable(v) = e else { return None };
        let at = names.iter().rposition(|n| n == v)?;
        sort.push(if at < aggs {
            Some(at)
        } else if at - aggs == key_item {
            None
        } else {
            let Expr::Variable(a) = &p.items[at - aggs].1 else {
                return None;
            };
            Some(p.aggregates.iter().position(|x| x.name == *a)?)
        });
    }
    Some(TopGroups {
        var: var.clone(),
        key_item,
        kind,
        sort,
    })
}

/// For each pattern and hop, the slots bound so far that are still needed: by
/// the rest of the query (`needed` names), by later hops, or by later patterns.
pub(super) fn memo_plan(m: &MatchOp, needed: &HashSet<String>) -> Vec<Vec<Vec<usize>>> {
    let needed_slots: HashSet<usize> = m
        .work
        .iter()
        .enumerate()
        .filter(|(_, n)| needed.contains(*n))
        .map(|(i, _)| i)
        .collect();
    let all_slots = |p: &PatternPlan| -> Vec<usize> {
        let mut v: Vec<usize> = p.nodes.iter().map(|n| n.slot).collect();
        v.extend(p.rels.iter().map(|r| r.slot));
        v.extend(p.path_slot);
        v
    };
    // A relationship bound earlier can block a later hop (relationships are
    // unique within a MATCH) when their types may be the same: such a
    // relationship is part of the state.
    let compatible = |a: &[String], b: &[String]| {
        a.is_empty() || b.is_empty() || a.iter().any(|t| b.contains(t))
    };
    let mut out = Vec::new();
    let mut bound_before: HashSet<usize> = HashSet::new();
    let mut rels_before: Vec<&RelStep> = Vec::new();
    for (pi, p) in m.patterns.iter().enumerate() {
        let hops = hop_order(p);
        let mut later_patterns: HashSet<usize> = HashSet::new();
        for q in &m.patterns[pi + 1..] {
            later_patterns.extend(all_slots(q));
        }
        let mut per_hop = Vec::new();
        let mut bound: HashSet<usize> = bound_before.clone();
        bound.insert(p.nodes[p.anchor].slot);
        for h in 0..hops.len() {
            let (ri, _, to) = hops[h];
            bound.insert(p.rels[ri].slot);
            bound.insert(p.nodes[to].slot);
            let mut later: HashSet<usize> = later_patterns.clone();
            for &(r2, f2, t2) in &hops[h + 1..] {
                later.insert(p.rels[r2].slot);
                later.insert(p.nodes[f2].slot);
                later.insert(p.nodes[t2].slot);
            }
            if p.path_slot.is_some() {
                later.extend(all_slots(p));
            }
            let later_rels: Vec<&RelStep> = hops[h + 1..]
                .iter()
                .map(|&(r2, _, _)| &p.rels[r2])
                .chain(m.patterns[pi + 1..].iter().flat_map(|q| q.rels.iter()))
                .collect();
            let bound_rels = rels_before
                .iter()
                .copied()
                .chain(hops[..=h].iter().map(|&(r1, _, _)| &p.rels[r1]));
            for r in bound_rels {
                if later_rels.iter().any(|l| compatible(&r.types, &l.types)) {
                    later.insert(r.slot);
                }
            }
            let mut live: Vec<usize> = bound
                .iter()
                .copied()
                .filter(|s| *s >= m.inputs && (needed_slots.contains(s) || later.contains(s)))
                .collect();
            live.sort_unstable();
            per_hop.push(live);
        }
        bound_before.extend(all_slots(p));
        rels_before.extend(p.rels.iter());
        out.push(per_hop);
    }
    out
}

/// Whether the clause after a MATCH ignores how many times each row occurs, so
/// that variable-length steps may be walked by reachability.
pub(super) fn multiplicity_irrelevant(next: &Clause) -> bool {
    let p = match next {
        Clause::With(p) | Clause::Return(p) => p,
        _ => return false,
    };
    let mut aggs = Vec::new();
    for item in &p.items {
        collect_aggregates(&item.expr, &mut aggs);
    }
    if p.distinct && aggs.is_empty() {
        return true;
    }
    if aggs.is_empty() {
        return false;
    }
    aggs.iter()
        .all(|(name, distinct)| *distinct || matches!(name.as_str(), "min" | "max"))
}

/// Collects the conjuncts of a WHERE that equate a node's property (`Some(key)`)
/// or its id (`None`) with an expression that does not depend on the row.
pub(super) fn where_equalities(
    e: &Expr,
    out: &mut Vec<(String, Option<String>, Expr)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match e {
        Expr::Binary(BinaryOp::And, a, b) => {
            where_equalities(a, out, depth + 1);
            where_equalities(b, out, depth + 1);
        }
        Expr::Binary(BinaryOp::Eq, a, b) => {
            for (x, y) in [(a, b), (b, a)] {
                if !is_row_independent(y) {
                    continue;
                }
                match &**x {
                    Expr::Property(v, key) => {
                        if let Expr::Variable(v) = &**v {
                            out.push((v.clone(), Some(key.clone()), (**y).clone()));
                        }
                    }
                    Expr::Function { name, args, .. } if name.eq_ignore_ascii_case("id") => {
                        if let [Expr::Variable(v)] = args.as_slice() {
                            out.push((v.clone(), None, (**y).clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
