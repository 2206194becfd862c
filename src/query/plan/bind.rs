//! Binding: after the checks and the rules, the variables of the
//! expressions an operator evaluates on its own rows become slots
//! ([`Expr::Slot`]): the place of the value in the row, so that evaluating
//! one is an index, not a search by name.
//!
//! The rows are known here for these expressions: a `MATCH`'s `WHERE`
//! conjuncts (on the work row) and the key or id its anchor is found by (on
//! the input part of it); a projection's items, `ORDER BY` and `WHERE`
//! (the input's columns, then the items); an aggregation's arguments (the
//! input's columns); `UNWIND`'s list. Inside a list comprehension, a
//! quantifier or `reduce`, their variables are a frame of their own around
//! the row's, as when they are evaluated. Everything else (the properties
//! of patterns, the aggregating projections' items, writes, a `CALL`'s
//! arguments, the insides of subqueries, which have rows of their own) is
//! looked up by name, as is a slot that does not name its variable where it
//! points, which debug builds assert never happens.

use super::*;

/// Binds the expressions of every operator in the tree.
pub(super) fn bind_all(root: &mut PlanNode) {
    let mut pending: Vec<&mut PlanNode> = vec![root];
    while let Some(node) = pending.pop() {
        let input: Vec<String> = node.inputs.first().map_or(Vec::new(), |i| i.scope.clone());
        match &mut node.op {
            Op::Match(m) => {
                let work = &m.work;
                let conjuncts = m.where_.iter_mut().chain(m.late.iter_mut());
                let early = m.early.iter_mut().flatten().flatten();
                for e in conjuncts.chain(early) {
                    bind(e, work);
                }
                let bound = &work[..m.inputs];
                for p in &mut m.patterns {
                    if let Start::Key(_, e) | Start::Id(e) = &mut p.start {
                        bind(e, bound);
                    }
                }
            }
            Op::Project(p) if p.aggregating() => {
                for a in &mut p.aggregates {
                    for e in &mut a.args {
                        bind(e, &input);
                    }
                }
            }
            Op::Project(p) => {
                for (_, e) in &mut p.items {
                    bind(e, &input);
                }
                let mut after = input;
                after.extend(p.items.iter().map(|(n, _)| n.clone()));
                for e in p.order_by.iter_mut().map(|(e, _)| e).chain(&mut p.where_) {
                    bind(e, &after);
                }
            }
            Op::Unwind { expr, .. } => bind(expr, &input),
            _ => {}
        }
        pending.extend(node.inputs.iter_mut());
    }
}

/// Binds the variables of `e`, evaluated on a row whose columns are `names`.
pub(super) fn bind(e: &mut Expr, names: &[String]) {
    let mut frames = vec![names.to_vec()];
    bind_in(e, &mut frames);
}

/// The slot of `name`: in the innermost frame that holds it, its last place
/// there, as `Frame::get` finds it.
fn resolve(frames: &[Vec<String>], name: &str) -> Option<Slot> {
    frames.iter().rev().enumerate().find_map(|(up, f)| {
        let index = f.iter().rposition(|n| n == name)?;
        Some(Slot {
            name: name.to_string(),
            up: u32::try_from(up).ok()?,
            index: u32::try_from(index).ok()?,
        })
    })
}

/// Expressions nest at most [`MAX_DEPTH`] deep (the checks refuse deeper
/// ones), so the recursion is bounded.
fn bind_in(e: &mut Expr, frames: &mut Vec<Vec<String>>) {
    match e {
        Expr::Variable(name) => {
            if let Some(slot) = resolve(frames, name) {
                *e = Expr::Slot(slot);
            }
        }
        // Subqueries bind from rows of their own.
        Expr::PatternPredicate(_) | Expr::Exists { .. } | Expr::PatternComprehension { .. } => {}
        // A list comprehension, a quantifier and `reduce` give the parts
        // they repeat a frame of their own.
        other => {
            *other = other.map_scoped(&mut |child, declared| {
                let mut child = child.clone();
                if declared.is_empty() {
                    bind_in(&mut child, frames);
                } else {
                    frames.push(declared.iter().map(|n| n.to_string()).collect());
                    bind_in(&mut child, frames);
                    frames.pop();
                }
                child
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(name: &str, up: u32, index: u32) -> Expr {
        Expr::Slot(Slot {
            name: name.into(),
            up,
            index,
        })
    }

    fn planned(text: &str) -> Plan {
        let statement = crate::query::syntax::parse(text).expect("parses");
        plan(&Graph::new(), &statement.query).expect("plans")
    }

    /// The items of the plan's top projection.
    fn items(plan: &Plan) -> Vec<Expr> {
        match &plan.root.op {
            Op::Project(p) => p.items.iter().map(|(_, e)| e.clone()).collect(),
            other => panic!("not a projection: {other:?}"),
        }
    }

    #[test]
    fn variables_become_the_place_the_executor_finds_them() {
        let plan = planned("WITH 1 AS a, 2 AS b WITH b, a, a + b AS c RETURN c, a");
        // The last projection reads the row [b, a, c].
        assert_eq!(items(&plan), [slot("c", 0, 2), slot("a", 0, 1)]);
        // `ORDER BY` sees the input's columns, then the items: a name in
        // both is the item's, its last binding, as a lookup by name finds it.
        let plan = planned("UNWIND [1] AS a WITH a * 10 AS a ORDER BY a RETURN a");
        let Op::Project(with) = &plan.root.inputs[0].op else {
            panic!("not a projection");
        };
        assert_eq!(with.order_by[0].0, slot("a", 0, 1));
        assert!(matches!(&with.items[0].1, Expr::Binary(_, a, _) if **a == slot("a", 0, 0)));
    }

    #[test]
    fn comprehension_variables_are_a_frame_around_the_row() {
        let plan = planned("WITH 10 AS k RETURN [x IN [1, 2] WHERE x > k | x + k] AS l");
        let Expr::ListComprehension { filter, map, .. } = &items(&plan)[0] else {
            panic!("not a comprehension");
        };
        let filter = filter.as_deref().unwrap();
        assert_eq!(
            *filter,
            Expr::Binary(
                BinaryOp::Gt,
                Box::new(slot("x", 0, 0)),
                Box::new(slot("k", 1, 0))
            )
        );
        let map = map.as_deref().unwrap();
        assert!(matches!(map, Expr::Binary(BinaryOp::Add, a, b)
            if **a == slot("x", 0, 0) && **b == slot("k", 1, 0)));
        // `reduce` binds its accumulator and variable in one frame.
        let plan = planned("WITH 3 AS k RETURN reduce(s = 0, x IN [1] | s + x + k) AS r");
        let Expr::Reduce { expr, .. } = &items(&plan)[0] else {
            panic!("not a reduce");
        };
        let mut seen = Vec::new();
        visit_expr(expr, &mut |e| {
            if let Expr::Slot(s) = e {
                seen.push((s.name.clone(), s.up, s.index));
            }
        });
        seen.sort();
        assert_eq!(
            seen,
            [("k".into(), 1, 0), ("s".into(), 0, 0), ("x".into(), 0, 1)]
        );
    }

    #[test]
    fn subqueries_keep_their_names() {
        let plan = planned("MATCH (a) RETURN exists { (a)-->(b) WHERE b.v = a.v } AS e");
        let Expr::Exists { where_, .. } = &items(&plan)[0] else {
            panic!("not exists");
        };
        let mut slots = 0;
        visit_expr(where_.as_deref().unwrap(), &mut |e| {
            slots += usize::from(matches!(e, Expr::Slot(_)));
        });
        assert_eq!(slots, 0, "a subquery binds from rows of its own");
    }
}
