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
    let mut children: Vec<&Expr> = Vec::new();
    match e {
        Expr::List(items) => children.extend(items),
        Expr::Map(entries) => children.extend(entries.iter().map(|(_, v)| v)),
        Expr::Property(x, _) | Expr::Unary(_, x) | Expr::HasLabels(x, _) => children.push(x),
        Expr::IsNull { expr, .. } => children.push(expr),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            children.push(a);
            children.push(b);
        }
        Expr::Slice(a, b, c) => {
            children.push(a);
            children.extend(b.as_deref());
            children.extend(c.as_deref());
        }
        Expr::Function { args, .. } => children.extend(args),
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            children.extend(subject.as_deref());
            for (w, t) in whens {
                children.push(w);
                children.push(t);
            }
            children.extend(else_.as_deref());
        }
        Expr::ListComprehension {
            list, filter, map, ..
        } => {
            children.push(list);
            children.extend(filter.as_deref());
            children.extend(map.as_deref());
        }
        Expr::Quantified {
            list, predicate, ..
        } => {
            children.push(list);
            children.push(predicate);
        }
        Expr::Reduce {
            init, list, expr, ..
        } => {
            children.push(init);
            children.push(list);
            children.push(expr);
        }
        _ => {}
    }
    for c in children {
        free_vars(c, free, local, depth + 1);
    }
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
            _ => {}
        }
    });
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
    let d = depth + 1;
    let mut go = |x: &Expr| visit_depth(x, f, d);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) | Expr::Variable(_) | Expr::CountStar => {}
        Expr::List(items) => items.iter().for_each(go),
        Expr::Map(entries) => entries.iter().for_each(|(_, v)| go(v)),
        Expr::Property(x, _) | Expr::Unary(_, x) | Expr::HasLabels(x, _) => go(x),
        Expr::IsNull { expr, .. } => go(expr),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            go(a);
            go(b);
        }
        Expr::Slice(a, b, c) => {
            go(a);
            if let Some(b) = b {
                go(b);
            }
            if let Some(c) = c {
                go(c);
            }
        }
        Expr::Function { args, .. } => args.iter().for_each(go),
        Expr::Case {
            subject,
            whens,
            else_,
        } => {
            if let Some(s) = subject {
                go(s);
            }
            for (w, t) in whens {
                go(w);
                go(t);
            }
            if let Some(e) = else_ {
                go(e);
            }
        }
        Expr::ListComprehension {
            list, filter, map, ..
        } => {
            go(list);
            if let Some(x) = filter {
                go(x);
            }
            if let Some(x) = map {
                go(x);
            }
        }
        Expr::PatternComprehension {
            pattern,
            filter,
            map,
        } => {
            visit_pattern(pattern, &mut go);
            if let Some(x) = filter {
                go(x);
            }
            go(map);
        }
        Expr::Quantified {
            list, predicate, ..
        } => {
            go(list);
            go(predicate);
        }
        Expr::Reduce {
            init, list, expr, ..
        } => {
            go(init);
            go(list);
            go(expr);
        }
        Expr::PatternPredicate(p) => visit_pattern(p, &mut go),
        Expr::Exists { patterns, where_ } => {
            for p in patterns {
                visit_pattern(p, &mut go);
            }
            if let Some(w) = where_ {
                go(w);
            }
        }
    }
}

pub(in crate::query) fn visit_pattern(p: &PathPattern, go: &mut dyn FnMut(&Expr)) {
    if let Some(x) = &p.start.properties {
        go(x);
    }
    for (r, n) in &p.steps {
        if let Some(x) = &r.properties {
            go(x);
        }
        if let Some(x) = &n.properties {
            go(x);
        }
    }
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
    let d = depth + 1;
    let mut m = |x: &Expr| map_depth(x, f, d);
    let bx = |x: Expr| Box::new(x);
    match e {
        Expr::Literal(_) | Expr::Parameter(_) | Expr::Variable(_) | Expr::CountStar => e.clone(),
        Expr::List(items) => Expr::List(items.iter().map(&mut m).collect()),
        Expr::Map(entries) => Expr::Map(entries.iter().map(|(k, v)| (k.clone(), m(v))).collect()),
        Expr::Property(x, k) => Expr::Property(bx(m(x)), k.clone()),
        Expr::Unary(op, x) => Expr::Unary(*op, bx(m(x))),
        Expr::HasLabels(x, l) => Expr::HasLabels(bx(m(x)), l.clone()),
        Expr::IsNull { expr, negated } => Expr::IsNull {
            expr: bx(m(expr)),
            negated: *negated,
        },
        Expr::Index(a, b) => Expr::Index(bx(m(a)), bx(m(b))),
        Expr::Binary(op, a, b) => Expr::Binary(*op, bx(m(a)), bx(m(b))),
        Expr::Slice(a, b, c) => Expr::Slice(
            bx(m(a)),
            b.as_ref().map(|x| bx(m(x))),
            c.as_ref().map(|x| bx(m(x))),
        ),
        Expr::Function {
            name,
            distinct,
            args,
        } => Expr::Function {
            name: name.clone(),
            distinct: *distinct,
            args: args.iter().map(&mut m).collect(),
        },
        Expr::Case {
            subject,
            whens,
            else_,
        } => Expr::Case {
            subject: subject.as_ref().map(|x| bx(m(x))),
            whens: whens.iter().map(|(w, t)| (m(w), m(t))).collect(),
            else_: else_.as_ref().map(|x| bx(m(x))),
        },
        Expr::ListComprehension {
            variable,
            list,
            filter,
            map,
        } => Expr::ListComprehension {
            variable: variable.clone(),
            list: bx(m(list)),
            filter: filter.as_ref().map(|x| bx(m(x))),
            map: map.as_ref().map(|x| bx(m(x))),
        },
        Expr::Quantified {
            quantifier,
            variable,
            list,
            predicate,
        } => Expr::Quantified {
            quantifier: *quantifier,
            variable: variable.clone(),
            list: bx(m(list)),
            predicate: bx(m(predicate)),
        },
        Expr::Reduce {
            accumulator,
            init,
            variable,
            list,
            expr,
        } => Expr::Reduce {
            accumulator: accumulator.clone(),
            init: bx(m(init)),
            variable: variable.clone(),
            list: bx(m(list)),
            expr: bx(m(expr)),
        },
        // Patterns keep their own expressions.
        Expr::PatternComprehension { .. } | Expr::PatternPredicate(_) | Expr::Exists { .. } => {
            e.clone()
        }
    }
}
