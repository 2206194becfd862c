//! The rewrite rules: each shortcut the executor may take is a named rule
//! that runs, in the order of [`RULES`], over a single query's chain of
//! operators once it is built, and marks the operators it changed with its name, which
//! `EXPLAIN` prints. A rule only rewrites what the build recorded (the
//! columns read after a `MATCH`, whether what follows ignores how many times
//! a row occurs), so every rule keeps every answer.

use super::*;

/// A named rewrite of a single query's chain of operators, given its top;
/// `apply` says whether it changed anything.
pub struct Rule {
    pub name: &'static str,
    pub apply: fn(&mut PlanNode) -> bool,
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule {
        name: REACHABILITY,
        apply: reachability_under_distinct,
    },
    Rule {
        name: MEMO,
        apply: memo_states,
    },
    Rule {
        name: GROUP_BY_NODE,
        apply: group_by_node,
    },
    Rule {
        name: STREAM,
        apply: stream_into_aggregate,
    },
    Rule {
        name: COUNT_LAST_HOP,
        apply: count_last_hop,
    },
    Rule {
        name: EARLY_LIMIT,
        apply: early_limit,
    },
    Rule {
        name: TOP_K,
        apply: top_k,
    },
    Rule {
        name: TOP_GROUPS,
        apply: top_groups_by_node,
    },
];

/// Variable-length steps without a variable are walked by breadth-first
/// search with a visited set when only distinct results matter
/// (`pattern/varlen.rs`).
pub const REACHABILITY: &str = "ReachabilityUnderDistinct";
/// A matching state seen before is not expanded again when only distinct
/// results matter (`pattern.rs`, `Memo`).
pub const MEMO: &str = "MemoStates";
/// An aggregation whose keys tell one node variable's nodes apart finds its
/// groups by node (`project/mod.rs`, `Grouper`).
pub const GROUP_BY_NODE: &str = "GroupByNode";
/// A `MATCH` feeding an aggregation streams its rows into the groups, and
/// identical input rows are matched once with a weight (`exec/mod.rs`).
pub const STREAM: &str = "StreamIntoAggregate";
/// The last hop is counted off the adjacency list instead of enumerated
/// when nothing after the match reads its relationship or end node, or
/// reads them only as a plain `count(x)` (`pattern/hops.rs`, `count_hop`).
pub const COUNT_LAST_HOP: &str = "CountLastHop";
/// A `MATCH` feeding a plain projection with `LIMIT` stops after the rows
/// wanted (`exec/mod.rs`).
pub const EARLY_LIMIT: &str = "EarlyLimit";
/// `ORDER BY` with `LIMIT` selects the rows wanted before sorting them
/// (`project/mod.rs`).
pub const TOP_K: &str = "TopK";
/// An aggregation grouped by node and sorted on its counts, sums and key,
/// with `LIMIT`, keeps one accumulator per node and reads the keys of the
/// groups its order may keep only (`project/top_groups.rs`).
pub const TOP_GROUPS: &str = "TopGroupsByNode";

/// Runs every rule over a single query's chain, in order.
pub(super) fn rewrite(top: &mut PlanNode) {
    for rule in RULES {
        (rule.apply)(top);
    }
}

/// The pairs of a `MATCH` and the projection that reads it.
fn match_then_project(
    top: &mut PlanNode,
    mut f: impl FnMut(&mut PlanNode, Upper<'_>) -> bool,
) -> bool {
    let mut changed = false;
    top.for_each_pair(|upper, input| {
        if matches!(input.op, Op::Match(_)) && matches!(upper.op, Op::Project(_)) {
            changed |= f(input, upper);
        }
    });
    changed
}

/// Calls `f` on each operator of the chain and says whether any call changed one.
fn each(top: &mut PlanNode, mut f: impl FnMut(&mut PlanNode) -> bool) -> bool {
    let mut changed = false;
    top.for_each_in_chain(|node| changed |= f(node));
    changed
}

fn mark(rules: &mut Vec<&'static str>, rule: &'static str) {
    if !rules.contains(&rule) {
        rules.push(rule);
    }
}

fn reachability_under_distinct(top: &mut PlanNode) -> bool {
    each(top, |step| {
        let Op::Match(m) = &mut step.op else {
            return false;
        };
        if !m.distinct_downstream {
            return false;
        }
        let mut here = false;
        for p in &mut m.patterns {
            let named_path = p.path_slot.is_some();
            for r in &mut p.rels {
                if !named_path
                    && p.kind == PathKind::Normal
                    && is_hidden(&m.work[r.slot])
                    && r.length.is_some_and(|l| l.min.unwrap_or(1) <= 1)
                {
                    r.reach_only = true;
                    here = true;
                }
            }
        }
        if here {
            mark(&mut step.rules, REACHABILITY);
        }
        here
    })
}

fn memo_states(top: &mut PlanNode) -> bool {
    each(top, |step| {
        let Op::Match(m) = &mut step.op else {
            return false;
        };
        let Some(needed) = &m.needed else {
            return false;
        };
        if !m.distinct_downstream {
            return false;
        }
        let names: HashSet<String> = m
            .work
            .iter()
            .zip(needed)
            .filter(|(_, n)| **n)
            .map(|(w, _)| w.clone())
            .collect();
        m.memo = Some(memo_plan(m, &names));
        mark(&mut step.rules, MEMO);
        true
    })
}

fn group_by_node(top: &mut PlanNode) -> bool {
    match_then_project(top, |ms, ps| {
        let (Op::Match(m), Op::Project(p)) = (&ms.op, &mut *ps.op) else {
            return false;
        };
        if !p.aggregating() {
            return false;
        }
        p.node_keyed = node_keyed(p, m);
        if p.node_keyed.is_some() {
            mark(ps.rules, GROUP_BY_NODE);
        }
        p.node_keyed.is_some()
    })
}

/// Sets a flag of each `MATCH` from the projection right after it, marking
/// the match with `rule` where the flag is set.
fn flag_match_by_projection(
    top: &mut PlanNode,
    rule: &'static str,
    decide: fn(&ProjectOp) -> bool,
    flag: fn(&mut MatchOp) -> &mut bool,
) -> bool {
    match_then_project(top, |ms, ps| {
        let (Op::Match(m), Op::Project(p)) = (&mut ms.op, &*ps.op) else {
            return false;
        };
        let set = decide(p);
        *flag(m) = set;
        if set {
            mark(&mut ms.rules, rule);
        }
        set
    })
}

fn stream_into_aggregate(top: &mut PlanNode) -> bool {
    flag_match_by_projection(top, STREAM, ProjectOp::aggregating, |m| &mut m.streams)
}

/// Marks a match whose last hop may be counted: everything about it that is
/// known before running (the executor still checks what the row decides:
/// whether the hop's ends are already bound, whether the rows may carry
/// weights).
fn count_last_hop(top: &mut PlanNode) -> bool {
    each(top, |step| {
        let Op::Match(m) = &mut step.op else {
            return false;
        };
        let (Some(needed), Some(p)) = (&m.needed, m.patterns.last()) else {
            return false;
        };
        let Some(&(ri, _, to)) = hop_order(p).last() else {
            return false;
        };
        let (rel_slot, to_slot) = (p.rels[ri].slot, p.nodes[to].slot);
        let hops = p.rels.len();
        let early_last = m
            .early
            .last()
            .and_then(|e| e.get(hops))
            .is_some_and(|e| !e.is_empty());
        m.count_last_hop = m.streams
            && p.path_slot.is_none()
            && m.memo.is_none()
            && m.late.is_empty()
            && !early_last
            && m.unread_or_counted(needed, rel_slot)
            && m.unread_or_counted(needed, to_slot);
        if m.count_last_hop {
            mark(&mut step.rules, COUNT_LAST_HOP);
        }
        m.count_last_hop
    })
}

fn early_limit(top: &mut PlanNode) -> bool {
    flag_match_by_projection(
        top,
        EARLY_LIMIT,
        |p| {
            !p.aggregating()
                && !p.distinct
                && p.order_by.is_empty()
                && p.where_.is_none()
                && p.limit.is_some()
        },
        |m| &mut m.early_limit,
    )
}

fn top_k(top: &mut PlanNode) -> bool {
    each(top, |step| {
        let Op::Project(p) = &mut step.op else {
            return false;
        };
        p.top_k = !p.order_by.is_empty() && p.limit.is_some();
        if p.top_k {
            mark(&mut step.rules, TOP_K);
        }
        p.top_k
    })
}

fn top_groups_by_node(top: &mut PlanNode) -> bool {
    match_then_project(top, |ms, ps| {
        let (Op::Match(m), Op::Project(p)) = (&ms.op, &mut *ps.op) else {
            return false;
        };
        p.top_groups = top_groups(p, m);
        if p.top_groups.is_some() {
            mark(ps.rules, TOP_GROUPS);
        }
        p.top_groups.is_some()
    })
}
