//! The one walk over expressions: each expression's direct children, in the
//! order the query writes them. Analyses (the names an expression uses,
//! whether it aggregates), rewrites and the warnings' reads are written over
//! these two functions instead of matching every kind of expression again.

use std::collections::HashSet;

use super::{Clause, Expr, PathPattern, Query, RemoveItem, SetItem, SingleQuery, Slot};

/// A direct child of an expression: a sub-expression, the path pattern of a
/// pattern predicate, a pattern comprehension or `exists { }`, or the query
/// of a full `exists { MATCH ... RETURN ... }`.
#[derive(Clone, Copy, Debug)]
pub enum Child<'a> {
    Expr(&'a Expr),
    Pattern(&'a PathPattern),
    Query(&'a Query),
}

impl Expr {
    /// The variable's name, bound to a slot or not.
    pub fn as_variable(&self) -> Option<&str> {
        match self {
            Expr::Variable(v) | Expr::Slot(Slot { name: v, .. }) => Some(v),
            _ => None,
        }
    }

    /// Calls `f` on each direct child, in the order the query writes them.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(Child<'a>)) {
        let mut e = |x: &'a Expr| f(Child::Expr(x));
        match self {
            Expr::Literal(_)
            | Expr::Parameter(_)
            | Expr::Variable(_)
            | Expr::Slot(_)
            | Expr::CountStar => {}
            Expr::List(items) => items.iter().for_each(e),
            Expr::Map(entries) => entries.iter().for_each(|(_, v)| e(v)),
            Expr::Property(x, _) | Expr::Unary(_, x) | Expr::HasLabels(x, _) => e(x),
            Expr::IsNull { expr, .. } => e(expr),
            Expr::Index(a, b) | Expr::Binary(_, a, b) => {
                e(a);
                e(b);
            }
            Expr::Slice(a, b, c) => {
                e(a);
                b.as_deref().into_iter().chain(c.as_deref()).for_each(e);
            }
            Expr::Function { args, .. } => args.iter().for_each(e),
            Expr::Case {
                subject,
                whens,
                else_,
            } => {
                subject.as_deref().into_iter().for_each(&mut e);
                for (w, t) in whens {
                    e(w);
                    e(t);
                }
                else_.as_deref().into_iter().for_each(e);
            }
            Expr::ListComprehension {
                list, filter, map, ..
            } => {
                e(list);
                filter
                    .as_deref()
                    .into_iter()
                    .chain(map.as_deref())
                    .for_each(e);
            }
            Expr::Quantified {
                list, predicate, ..
            } => {
                e(list);
                e(predicate);
            }
            Expr::Reduce {
                init, list, expr, ..
            } => {
                e(init);
                e(list);
                e(expr);
            }
            Expr::PatternComprehension {
                pattern,
                filter,
                map,
            } => {
                f(Child::Pattern(pattern));
                if let Some(x) = filter {
                    f(Child::Expr(x));
                }
                f(Child::Expr(map));
            }
            Expr::PatternPredicate(p) => f(Child::Pattern(p)),
            Expr::ExistsQuery(q) => f(Child::Query(q)),
            Expr::Exists { patterns, where_ } => {
                for p in patterns {
                    f(Child::Pattern(p));
                }
                if let Some(w) = where_ {
                    f(Child::Expr(w));
                }
            }
        }
    }

    /// The direct sub-expressions, in the order the query writes them
    /// (patterns left out), for walks that may stop early with an error.
    pub fn sub_exprs(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.for_each_child(&mut |c| {
            if let Child::Expr(x) = c {
                out.push(x);
            }
        });
        out
    }

    /// The direct sub-expressions (as [`Expr::sub_exprs`]), each with the
    /// variables the expression declares for it: a list comprehension's
    /// variable for its filter and map, a quantifier's for its predicate,
    /// `reduce`'s accumulator and variable for its expression, none for the
    /// rest. Walks that track what is in scope use this instead of matching
    /// those three kinds again.
    pub fn scoped_sub_exprs(&self) -> Vec<(&Expr, Vec<&str>)> {
        match self {
            Expr::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                let mut out = vec![(&**list, vec![])];
                out.extend(
                    filter
                        .iter()
                        .chain(map)
                        .map(|x| (&**x, vec![variable.as_str()])),
                );
                out
            }
            Expr::Quantified {
                variable,
                list,
                predicate,
                ..
            } => vec![(list, vec![]), (predicate, vec![variable.as_str()])],
            Expr::Reduce {
                accumulator,
                init,
                variable,
                list,
                expr,
            } => vec![
                (init, vec![]),
                (list, vec![]),
                (expr, vec![accumulator.as_str(), variable.as_str()]),
            ],
            _ => self.sub_exprs().into_iter().map(|x| (x, vec![])).collect(),
        }
    }

    /// The expression rebuilt with each direct sub-expression replaced by
    /// `f` of it. Expressions that hold patterns (pattern predicates, pattern
    /// comprehensions, `exists { }`) are kept as they are: their parts belong
    /// to the pattern's own scope.
    pub fn map_children(&self, f: &mut dyn FnMut(&Expr) -> Expr) -> Expr {
        self.map_scoped(&mut |x, _| f(x))
    }

    /// [`Expr::map_children`], with `f` also given the variables the
    /// expression declares for that child (see [`Expr::scoped_sub_exprs`]).
    pub fn map_scoped(&self, f: &mut dyn FnMut(&Expr, &[&str]) -> Expr) -> Expr {
        let mut b = |x: &Expr| Box::new(f(x, &[]));
        match self {
            Expr::Literal(_)
            | Expr::Parameter(_)
            | Expr::Variable(_)
            | Expr::Slot(_)
            | Expr::CountStar
            | Expr::PatternComprehension { .. }
            | Expr::PatternPredicate(_)
            | Expr::Exists { .. }
            | Expr::ExistsQuery(_) => self.clone(),
            Expr::List(items) => Expr::List(items.iter().map(|x| *b(x)).collect()),
            Expr::Map(entries) => {
                Expr::Map(entries.iter().map(|(k, v)| (k.clone(), *b(v))).collect())
            }
            Expr::Property(x, k) => Expr::Property(b(x), k.clone()),
            Expr::Unary(op, x) => Expr::Unary(*op, b(x)),
            Expr::HasLabels(x, l) => Expr::HasLabels(b(x), l.clone()),
            Expr::IsNull { expr, negated } => Expr::IsNull {
                expr: b(expr),
                negated: *negated,
            },
            Expr::Index(x, y) => Expr::Index(b(x), b(y)),
            Expr::Binary(op, x, y) => Expr::Binary(*op, b(x), b(y)),
            Expr::Slice(x, from, to) => {
                let x = b(x);
                let from = from.as_deref().map(&mut b);
                Expr::Slice(x, from, to.as_deref().map(b))
            }
            Expr::Function {
                name,
                distinct,
                args,
            } => Expr::Function {
                name: name.clone(),
                distinct: *distinct,
                args: args.iter().map(|x| *b(x)).collect(),
            },
            Expr::Case {
                subject,
                whens,
                else_,
            } => {
                let subject = subject.as_deref().map(&mut b);
                let whens = whens.iter().map(|(w, t)| (*b(w), *b(t))).collect();
                Expr::Case {
                    subject,
                    whens,
                    else_: else_.as_deref().map(b),
                }
            }
            Expr::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                let list = b(list);
                let mut inner = |x: &Expr| Box::new(f(x, &[variable]));
                let filter = filter.as_deref().map(&mut inner);
                Expr::ListComprehension {
                    variable: variable.clone(),
                    list,
                    filter,
                    map: map.as_deref().map(inner),
                }
            }
            Expr::Quantified {
                quantifier,
                variable,
                list,
                predicate,
            } => Expr::Quantified {
                quantifier: *quantifier,
                variable: variable.clone(),
                list: b(list),
                predicate: Box::new(f(predicate, &[variable])),
            },
            Expr::Reduce {
                accumulator,
                init,
                variable,
                list,
                expr,
            } => {
                let (init, list) = (b(init), b(list));
                Expr::Reduce {
                    accumulator: accumulator.clone(),
                    init,
                    variable: variable.clone(),
                    list,
                    expr: Box::new(f(expr, &[accumulator, variable])),
                }
            }
        }
    }
}

/// Calls `f` on every top-level expression of a clause (pattern properties
/// included), in the order the query writes them.
impl Clause {
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        let clause = self;
        let set_item = |item: &SetItem, f: &mut dyn FnMut(&Expr)| match item {
            SetItem::Property { target, value, .. } => {
                f(target);
                f(value);
            }
            SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => f(value),
            SetItem::Labels { .. } => {}
        };
        match clause {
            Clause::Match {
                patterns, where_, ..
            } => {
                patterns.iter().for_each(|p| p.for_each_expr(&mut |x| f(x)));
                where_.iter().for_each(&mut *f);
            }
            Clause::Unwind { expr, .. } => f(expr),
            Clause::With(p) | Clause::Return(p) => {
                p.items.iter().for_each(|i| f(&i.expr));
                p.order_by.iter().for_each(|o| f(&o.expr));
                p.skip
                    .iter()
                    .chain(&p.limit)
                    .chain(&p.where_)
                    .for_each(&mut *f);
            }
            Clause::Create(patterns) => {
                patterns.iter().for_each(|p| p.for_each_expr(&mut |x| f(x)))
            }
            Clause::Merge {
                pattern,
                on_create,
                on_match,
            } => {
                pattern.for_each_expr(&mut |x| f(x));
                on_create
                    .iter()
                    .chain(on_match)
                    .for_each(|i| set_item(i, f));
            }
            Clause::Set(items) => items.iter().for_each(|i| set_item(i, f)),
            Clause::Remove(items) => items.iter().for_each(|i| {
                if let RemoveItem::Property { target, .. } = i {
                    f(target)
                }
            }),
            Clause::Delete { exprs, .. } => exprs.iter().for_each(&mut *f),
            Clause::Call(c) => {
                c.args.iter().flatten().for_each(&mut *f);
                if let Some(w) = c.yield_.as_ref().and_then(|y| y.where_.as_ref()) {
                    f(w);
                }
            }
        }
    }
}

impl Query {
    /// The single queries of a union, the first first.
    pub fn parts(&self) -> impl Iterator<Item = &SingleQuery> {
        std::iter::once(&self.first).chain(self.unions.iter().map(|(_, q)| q))
    }

    /// Every name the query mentions, in expressions and patterns, nested
    /// subqueries included: what a full subquery may read from the row.
    pub fn names_mentioned(&self) -> HashSet<String> {
        fn expr(e: &Expr, out: &mut HashSet<String>) {
            if let Some(v) = e.as_variable() {
                out.insert(v.to_string());
            }
            e.for_each_child(&mut |c| match c {
                Child::Expr(x) => expr(x, out),
                Child::Pattern(p) => pattern(p, out),
                Child::Query(q) => out.extend(q.names_mentioned()),
            });
        }
        fn pattern(p: &PathPattern, out: &mut HashSet<String>) {
            out.extend(p.variable.iter().cloned());
            out.extend(p.start.variable.iter().cloned());
            for (r, n) in &p.steps {
                out.extend(r.variable.iter().cloned());
                out.extend(n.variable.iter().cloned());
            }
            p.for_each_expr(&mut |x| expr(x, out));
        }
        let mut out = HashSet::new();
        for clause in self.parts().flat_map(|q| q.clauses.iter()) {
            if let Clause::Match { patterns, .. } | Clause::Create(patterns) = clause {
                patterns.iter().for_each(|p| pattern(p, &mut out));
            }
            if let Clause::Merge { pattern: p, .. } = clause {
                pattern(p, &mut out);
            }
            clause.for_each_expr(&mut |e| expr(e, &mut out));
        }
        out
    }
}

impl PathPattern {
    /// Calls `f` on the property maps of the pattern's nodes and relationships,
    /// in the order the query writes them.
    pub fn for_each_expr<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        self.start.properties.iter().for_each(&mut *f);
        for (r, n) in &self.steps {
            r.properties.iter().chain(&n.properties).for_each(&mut *f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::syntax::parse;

    /// The expression of `RETURN <text>`.
    fn expr(text: &str) -> Expr {
        let statement = parse(&format!("RETURN {text} AS x")).unwrap();
        match statement.query.first.clauses.last() {
            Some(crate::query::ast::Clause::Return(p)) => p.items[0].expr.clone(),
            other => panic!("not a RETURN: {other:?}"),
        }
    }

    /// Every literal integer in an expression, by walking its parts.
    fn integers(e: &Expr, out: &mut Vec<i64>) {
        if let Expr::Literal(crate::query::ast::Literal::Int(i)) = e {
            out.push(*i);
        }
        e.for_each_child(&mut |p| match p {
            Child::Expr(x) => integers(x, out),
            Child::Pattern(p) => p.for_each_expr(&mut |x| integers(x, out)),
            Child::Query(q) => q
                .parts()
                .flat_map(|part| part.clauses.iter())
                .for_each(|c| c.for_each_expr(&mut |x| integers(x, out))),
        });
    }

    #[test]
    fn parts_come_in_the_order_the_query_writes_them() {
        let cases = [
            ("[1, 2, {a: 3}][4]", vec![1, 2, 3, 4]),
            ("[1, 2][3..4]", vec![1, 2, 3, 4]),
            ("CASE 1 WHEN 2 THEN 3 ELSE 4 END", vec![1, 2, 3, 4]),
            ("[x IN [1] WHERE x > 2 | x + 3]", vec![1, 2, 3]),
            ("reduce(a = 1, x IN [2] | a + x + 3)", vec![1, 2, 3]),
            ("all(x IN [1] WHERE x < 2)", vec![1, 2]),
            (
                "[(a {k: 1})-[{k: 2}]->(b {k: 3}) WHERE a.v = 4 | 5]",
                vec![1, 2, 3, 4, 5],
            ),
            ("exists { (a {k: 1})-->(b) WHERE b.k = 2 }", vec![1, 2]),
            (
                "exists { MATCH (a {k: 1})-->(b) WITH b WHERE b.k = 2 RETURN 3 }",
                vec![1, 2, 3],
            ),
            ("coalesce(1, NOT 2, 3 IS NULL, 4)", vec![1, 2, 3, 4]),
        ];
        for (text, want) in cases {
            let mut got = Vec::new();
            integers(&expr(text), &mut got);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn mapping_the_parts_rebuilds_every_kind_and_keeps_patterns() {
        // Adds 10 to every integer outside patterns.
        fn bump(e: &Expr) -> Expr {
            match e {
                Expr::Literal(crate::query::ast::Literal::Int(i)) => {
                    Expr::Literal(crate::query::ast::Literal::Int(i + 10))
                }
                _ => e.map_children(&mut bump),
            }
        }
        let cases = [
            ("[1, {a: 2}][3]", vec![11, 12, 13]),
            ("[1][2..3]", vec![11, 12, 13]),
            ("CASE 1 WHEN 2 THEN 3 ELSE 4 END", vec![11, 12, 13, 14]),
            ("[x IN [1] WHERE x > 2 | x + 3]", vec![11, 12, 13]),
            ("reduce(a = 1, x IN [2] | a + 3)", vec![11, 12, 13]),
            ("any(x IN [1] WHERE x < 2)", vec![11, 12]),
            ("size([(a {k: 1})-->(b) | 2]) + 3", vec![1, 2, 13]),
            ("toString(1) IS NOT NULL", vec![11]),
        ];
        for (text, want) in cases {
            let mut got = Vec::new();
            integers(&bump(&expr(text)), &mut got);
            assert_eq!(got, want, "{text}");
        }
    }
}
