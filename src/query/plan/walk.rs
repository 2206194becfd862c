//! Walks over expressions: visiting and rewriting every sub-expression, the
//! names an expression uses, and whether it aggregates or is volatile.

use super::*;

/// The variables used outside aggregates, and the names bound by comprehensions.
pub(super) fn free_vars(e: &Expr, free: &mut Vec<String>, local: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match e {
        Expr::CountStar => {}
        Expr::Function { name, .. } if functions::is_aggregate(&name.to_lowercase()) => {}
        Expr::Variable(v) => free.push(v.clone()),
        Expr::ListComprehension { variable, .. } | Expr::Quantified { variable, .. } => {
            local.push(variable.clone());
            walk_children(e, free, local, depth);
        }
        Expr::Reduce {
            accumulator,
            variable,
            ..
        } => {
            local.push(accumulator.clone());
            local.push(variable.clone());
            walk_children(e, free, local, depth);
        }
        Expr::PatternPredicate(_) | Expr::PatternComprehension { .. } | Expr::Exists { .. } => {}
        _ => walk_children(e, free, local, depth),
    }
}

pub(super) fn walk_children(
    e: &Expr,
    free: &mut Vec<String>,
    local: &mut Vec<String>,
    depth: usize,
) {
    e.for_each_child(&mut |part| {
        if let Child::Expr(c) = part {
            free_vars(c, free, local, depth + 1);
        }
    });
}

/// Every variable name an expression mentions, patterns included.
pub fn expr_names(e: &Expr) -> HashSet<String> {
    let mut out = HashSet::new();
    collect_names(e, &mut out);
    out
}

/// Whether an expression's value may change between two evaluations on the same row.
pub fn is_volatile(e: &Expr) -> bool {
    calls_rand(e)
}

/// Every variable name an expression mentions, patterns included.
pub(super) fn collect_names(e: &Expr, out: &mut HashSet<String>) {
    visit_expr(e, &mut |x| {
        let mut pattern = |p: &PathPattern| {
            out.extend(p.variable.iter().cloned());
            out.extend(p.start.variable.iter().cloned());
            for (r, n) in &p.steps {
                out.extend(r.variable.iter().cloned());
                out.extend(n.variable.iter().cloned());
            }
        };
        match x {
            Expr::Variable(v) => {
                out.insert(v.clone());
            }
            Expr::PatternPredicate(p) => pattern(p),
            Expr::PatternComprehension { pattern: p, .. } => pattern(p),
            Expr::Exists { patterns, .. } => patterns.iter().for_each(pattern),
            Expr::ExistsQuery(q) => out.extend(q.names_mentioned()),
            _ => {}
        }
    });
}

/// The names that `exprs` read only as the argument of a plain `count(x)`
/// (not `DISTINCT`), and nowhere else: neither elsewhere as a variable nor
/// in a pattern. Such a count asks of each row only whether the variable is
/// null.
pub(super) fn counted_only(exprs: &[&Expr]) -> HashSet<String> {
    let mut uses: std::collections::HashMap<String, (usize, usize)> =
        std::collections::HashMap::new();
    for e in exprs {
        visit_expr(e, &mut |x| match x {
            Expr::Variable(v) => uses.entry(v.clone()).or_default().0 += 1,
            Expr::Function {
                name,
                distinct: false,
                args,
            } if name.eq_ignore_ascii_case("count") => {
                if let [Expr::Variable(v)] = args.as_slice() {
                    uses.entry(v.clone()).or_default().1 += 1;
                }
            }
            _ => {}
        });
    }
    // A pattern mentions its names without a variable use of its own: a
    // name that a pattern mentions is read by it, not only counted.
    let mut patterns = HashSet::new();
    for e in exprs {
        visit_expr(e, &mut |x| {
            if matches!(
                x,
                Expr::PatternPredicate(_)
                    | Expr::PatternComprehension { .. }
                    | Expr::Exists { .. }
                    | Expr::ExistsQuery(_)
            ) {
                collect_names(x, &mut patterns);
            }
        });
    }
    uses.into_iter()
        .filter(|(n, (vars, counts))| *counts > 0 && vars == counts && !patterns.contains(n))
        .map(|(n, _)| n)
        .collect()
}

pub(super) fn collect_aggregates(e: &Expr, out: &mut Vec<(String, bool)>) {
    visit_expr(e, &mut |x| match x {
        Expr::CountStar => out.push(("count".into(), false)),
        Expr::Function { name, distinct, .. } if functions::is_aggregate(&name.to_lowercase()) => {
            out.push((name.to_lowercase(), *distinct))
        }
        _ => {}
    });
}

/// Whether an expression refers to no variable (a literal or parameters).
pub(super) fn is_row_independent(e: &Expr) -> bool {
    let mut independent = true;
    visit_expr(e, &mut |x| {
        if matches!(
            x,
            Expr::Variable(_)
                | Expr::PatternPredicate(_)
                | Expr::PatternComprehension { .. }
                | Expr::Exists { .. }
                | Expr::ListComprehension { .. }
                | Expr::Quantified { .. }
                | Expr::Reduce { .. }
        ) {
            independent = false;
        }
    });
    independent
}

/// Whether an expression calls `rand()`.
pub(super) fn calls_rand(e: &Expr) -> bool {
    let mut found = false;
    visit_expr(e, &mut |x| {
        if let Expr::Function { name, .. } = x {
            if name.eq_ignore_ascii_case("rand") {
                found = true;
            }
        }
    });
    found
}

/// Whether an expression contains an aggregate call.
pub fn contains_aggregate(e: &Expr) -> bool {
    let mut found = false;
    visit_expr(e, &mut |x| match x {
        Expr::CountStar => found = true,
        Expr::Function { name, .. } if functions::is_aggregate(&name.to_lowercase()) => {
            found = true
        }
        _ => {}
    });
    found
}

/// Replaces each sub-expression equal to a projected item by the item's column.
pub(super) fn substitute_items(e: &Expr, items: &[(String, Expr)]) -> Expr {
    map_expr(e, &mut |x| {
        if matches!(x, Expr::Variable(_)) {
            return None;
        }
        items
            .iter()
            .find(|(_, ie)| ie == x)
            .map(|(n, _)| Expr::Variable(n.clone()))
    })
}

/// Calls `f` on every sub-expression, outermost first (patterns' property maps included).
pub fn visit_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    visit_depth(e, f, 0)
}

pub(super) fn visit_depth(e: &Expr, f: &mut dyn FnMut(&Expr), depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    f(e);
    e.for_each_child(&mut |part| match part {
        Child::Expr(x) => visit_depth(x, f, depth + 1),
        Child::Pattern(p) => p.for_each_expr(&mut |x| visit_depth(x, f, depth + 1)),
        // A full subquery is a scope of its own.
        Child::Query(_) => {}
    });
}

/// Rebuilds an expression, replacing each sub-expression for which `f` returns
/// `Some` (outermost first; a replaced sub-expression is not descended into).
pub fn map_expr(e: &Expr, f: &mut dyn FnMut(&Expr) -> Option<Expr>) -> Expr {
    map_depth(e, f, 0)
}

pub(super) fn map_depth(e: &Expr, f: &mut dyn FnMut(&Expr) -> Option<Expr>, depth: usize) -> Expr {
    if depth > MAX_DEPTH {
        return e.clone();
    }
    if let Some(r) = f(e) {
        return r;
    }
    e.map_children(&mut |x| map_depth(x, f, depth + 1))
}
