//! Planning `WITH` and `RETURN` (grouping keys, aggregates, `ORDER BY`,
//! `SKIP`, `LIMIT`) and checking `CREATE` and `MERGE` patterns.

use super::*;

impl Planner<'_> {
    pub(super) fn plan_projection(
        &mut self,
        scope: &mut Scope,
        p: &Projection,
        is_return: bool,
    ) -> Result<ProjectOp> {
        let mut items: Vec<(String, Expr)> = Vec::new();
        if p.star {
            let mut names: Vec<&(String, VarKind)> =
                scope.vars.iter().filter(|(n, _)| !is_hidden(n)).collect();
            names.sort_by(|a, b| a.0.cmp(&b.0));
            names.dedup_by(|a, b| a.0 == b.0);
            if names.is_empty() && is_return {
                return Err(Error::coded(
                    Detail::NoVariablesInScope,
                    "no variables in scope: RETURN * and WITH * need at least one variable",
                ));
            }
            for (n, _) in names {
                items.push((n.clone(), Expr::Variable(n.clone())));
            }
        }
        let mut no_alias = None;
        for item in &p.items {
            check_expr(&item.expr, scope, ExprCtx::projection(), 0)?;
            if !is_return
                && item.alias.is_none()
                && !matches!(item.expr, Expr::Variable(_))
                && no_alias.is_none()
            {
                // Raised after ORDER BY is checked, whose errors the TCK expects first.
                no_alias = Some(Error::coded(
                    Detail::NoExpressionAlias,
                    format!(
                        "no expression alias: `{}` in WITH must be given a name with AS",
                        item.name
                    ),
                ));
            }
            if items.iter().any(|(n, _)| *n == item.name) {
                return Err(Error::coded(
                    Detail::ColumnNameConflict,
                    format!("column name conflict: `{}` is used twice", item.name),
                ));
            }
            items.push((item.name.clone(), item.expr.clone()));
        }
        // Aggregates become hidden variables.
        let mut aggregates: Vec<Aggregate> = Vec::new();
        let mut item_aggregates = Vec::new();
        let mut rewritten = Vec::new();
        for (name, e) in &items {
            let r = self.extract_aggregates(e, &mut aggregates)?;
            item_aggregates.push(contains_aggregate(e));
            rewritten.push((name.clone(), r));
        }
        let aggregating = !aggregates.is_empty();
        // The scope after the projection.
        let mut out = Scope::default();
        for (name, e) in &items {
            let kind = match e {
                Expr::Variable(v) => scope.get(v).unwrap_or(VarKind::Value),
                Expr::Literal(Literal::Null) => VarKind::Value,
                Expr::Literal(_) => static_type(e).map_or(VarKind::Scalar, VarKind::Atom),
                Expr::Map(_) => VarKind::Scalar,
                Expr::List(_) => VarKind::List,
                _ => VarKind::Value,
            };
            out.add(name, kind);
        }
        // ORDER BY and WHERE see the output, and the input unless the rows were grouped.
        let mut sort_scope = out.clone();
        if !aggregating && !p.distinct {
            for v in scope.vars.iter().rev() {
                if out.get(&v.0).is_none() {
                    sort_scope.vars.insert(0, v.clone());
                }
            }
        }
        // Around an aggregate, an expression may only use grouping keys that are
        // variables or property accesses projected as such.
        let simple_keys: Vec<(String, Expr)> = items
            .iter()
            .zip(&item_aggregates)
            .filter(|((_, e), agg)| {
                !**agg
                    && match e {
                        Expr::Variable(_) => true,
                        Expr::Property(x, _) => matches!(**x, Expr::Variable(_)),
                        _ => false,
                    }
            })
            .map(|(item, _)| item.clone())
            .collect();
        let key_vars: Vec<String> = simple_keys
            .iter()
            .filter_map(|(_, e)| match e {
                Expr::Variable(v) => Some(v.clone()),
                _ => None,
            })
            .chain(simple_keys.iter().map(|(n, _)| n.clone()))
            .chain(aggregates.iter().map(|a| a.name.clone()))
            .collect();
        for (i, agg) in item_aggregates.iter().enumerate() {
            if *agg {
                let r = substitute_items(&rewritten[i].1, &simple_keys);
                check_grouping_vars(&r, &key_vars)?;
                rewritten[i].1 = r;
            }
        }
        let mut order_by = Vec::new();
        for s in &p.order_by {
            let r = if aggregating && contains_aggregate(&s.expr) {
                // Aggregate arguments see the input; the rest sees the output.
                let mut both = scope.clone();
                both.vars.extend(out.vars.iter().cloned());
                check_expr(&s.expr, &both, ExprCtx::projection(), 0)?;
                let known = aggregates.len();
                let r = self.extract_aggregates(&s.expr, &mut aggregates)?;
                if aggregates.len() > known {
                    return Err(Error::coded(
                        Detail::UndefinedVariable,
                        "undefined variable: an aggregate in ORDER BY must also be projected",
                    ));
                }
                let mut allowed = key_vars.clone();
                allowed.extend(items.iter().map(|(n, _)| n.clone()));
                allowed.extend(aggregates.iter().map(|a| a.name.clone()));
                check_grouping_vars(&substitute_items(&r, &simple_keys), &allowed).map_err(
                    |e| {
                        // A variable that no projected item uses is not in scope at all.
                        let projected: HashSet<String> = items
                            .iter()
                            .flat_map(|(_, x)| expr_names(x))
                            .collect();
                        let mut free = Vec::new();
                        free_vars(&r, &mut free, &mut Vec::new(), 0);
                        match free.iter().find(|v| {
                            !allowed.contains(v) && !projected.contains(*v) && !is_hidden(v)
                        }) {
                            Some(v) => Error::coded(
                                Detail::UndefinedVariable,
                                format!(
                                    "undefined variable `{v}`: ORDER BY after aggregation can only use the projected columns"
                                ),
                            ),
                            None => e,
                        }
                    },
                )?;
                substitute_items(&r, &items)
            } else {
                let substituted = substitute_items(&s.expr, &items);
                if aggregating || p.distinct {
                    check_expr(&substituted, &sort_scope, ExprCtx::projection(), 0)
                        .map_err(|e| order_by_error(e, aggregating))?;
                } else {
                    check_expr(&substituted, &sort_scope, ExprCtx::projection(), 0)?;
                }
                if contains_aggregate(&substituted) {
                    return Err(Error::coded(
                        Detail::InvalidAggregation,
                        "invalid aggregation: ORDER BY cannot aggregate in a projection that does not",
                    ));
                }
                substituted
            };
            order_by.push((r, s.descending));
        }
        if let Some(e) = no_alias {
            return Err(e);
        }
        for (what, e) in [("SKIP", &p.skip), ("LIMIT", &p.limit)] {
            let Some(e) = e else { continue };
            check_expr(e, &Scope::default(), ExprCtx::plain(), 0).map_err(|_| {
                Error::coded(
                    Detail::NonConstantExpression,
                    "non-constant expression: SKIP and LIMIT take a constant or a parameter",
                )
            })?;
            check_count_literal(e, what)?;
        }
        let where_ = match &p.where_ {
            Some(w) => {
                let w2 = substitute_items(w, &items);
                check_expr(&w2, &sort_scope, ExprCtx::predicate(), 0)?;
                Some(w2)
            }
            None => None,
        };
        *scope = out;
        Ok(ProjectOp {
            is_return,
            distinct: p.distinct,
            items: rewritten,
            item_aggregates,
            aggregates,
            order_by,
            skip: p.skip.clone(),
            limit: p.limit.clone(),
            where_,
            node_keyed: None,
            top_k: false,
            top_groups: None,
        })
    }

    /// Replaces every aggregate call in `e` by a hidden variable, recording the aggregate.
    pub(super) fn extract_aggregates(
        &mut self,
        e: &Expr,
        aggs: &mut Vec<Aggregate>,
    ) -> Result<Expr> {
        let mut err = None;
        let out = map_expr(e, &mut |x| {
            let (function, distinct, args) = match x {
                Expr::CountStar => ("count".to_string(), false, Vec::new()),
                Expr::Function {
                    name,
                    distinct,
                    args,
                } if functions::is_aggregate(&name.to_lowercase()) => {
                    (name.to_lowercase(), *distinct, args.clone())
                }
                _ => return None,
            };
            if args.iter().any(contains_aggregate) {
                err = Some(Error::coded(
                    Detail::NestedAggregation,
                    format!(
                        "nested aggregation: `{function}` cannot take an aggregate as its argument"
                    ),
                ));
            }
            if args.iter().any(calls_rand) {
                err = Some(Error::coded(
                    Detail::NonConstantExpression,
                    format!("non-constant expression: `{function}` cannot aggregate rand()"),
                ));
            }
            let agg = Aggregate {
                name: String::new(),
                function,
                distinct,
                args,
            };
            let existing = aggs.iter().find(|a| {
                a.function == agg.function && a.distinct == agg.distinct && a.args == agg.args
            });
            let name = match existing {
                Some(a) => a.name.clone(),
                None => {
                    self.hidden += 1;
                    let name = format!(" agg{}", self.hidden);
                    aggs.push(Aggregate {
                        name: name.clone(),
                        ..agg
                    });
                    name
                }
            };
            Some(Expr::Variable(name))
        });
        match err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Checks a CREATE (or MERGE) pattern and binds its new variables.
    pub(super) fn check_create(
        &mut self,
        scope: &mut Scope,
        patterns: &[PathPattern],
        merge: bool,
    ) -> Result<()> {
        for pattern in patterns {
            if pattern.kind != PathKind::Normal {
                return Err(Error::coded(
                    Detail::InvalidClauseComposition,
                    "invalid clause composition: shortestPath cannot be created",
                ));
            }
            let mut nodes = vec![&pattern.start];
            nodes.extend(pattern.steps.iter().map(|(_, n)| n));
            for node in &nodes {
                if let Some(p) = &node.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
            }
            for node in &nodes {
                if let Some(v) = &node.variable {
                    match scope.get(v) {
                        Some(VarKind::Node) | Some(VarKind::Value) => {
                            let alone = node.labels.is_empty() && node.properties.is_none();
                            // A bound node may only be referred to, alone, inside a longer pattern.
                            if !alone || nodes.len() == 1 {
                                return Err(Error::coded(
                                    Detail::VariableAlreadyBound,
                                    format!("variable already bound: `{v}`"),
                                ));
                            }
                        }
                        Some(k) => {
                            return Err(Error::coded(
                                Detail::VariableTypeConflict,
                                format!(
                                "variable type conflict: `{v}` is {} and cannot be used as a node",
                                k.describe()
                            ),
                            ))
                        }
                        None => scope.add(v, VarKind::Node),
                    }
                }
            }
            for (rel, _) in &pattern.steps {
                if let Some(v) = &rel.variable {
                    if scope.get(v).is_some() {
                        return Err(Error::coded(
                            Detail::VariableAlreadyBound,
                            format!("variable already bound: `{v}`"),
                        ));
                    }
                }
                if rel.types.len() != 1 {
                    return Err(Error::coded(
                        Detail::NoSingleRelationshipType,
                        "no single relationship type: a created relationship needs exactly one type",
                    ));
                }
                if rel.direction == Direction::Both && !merge {
                    return Err(Error::coded(
                        Detail::RequiresDirectedRelationship,
                        "requires directed relationship: a created relationship needs a direction",
                    ));
                }
                if rel.length.is_some() {
                    return Err(Error::coded(
                        Detail::CreatingVarLength,
                        "creating var length: a variable-length relationship cannot be created",
                    ));
                }
                if let Some(p) = &rel.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                if let Some(v) = &rel.variable {
                    if scope.get(v).is_some() {
                        return Err(Error::coded(
                            Detail::VariableAlreadyBound,
                            format!("variable already bound: `{v}`"),
                        ));
                    }
                    scope.add(v, VarKind::Rel);
                }
            }
            if let Some(p) = &pattern.variable {
                if scope.get(p).is_some() {
                    return Err(Error::coded(
                        Detail::VariableAlreadyBound,
                        format!("variable already bound: `{p}`"),
                    ));
                }
                scope.add(p, VarKind::Path);
            }
        }
        Ok(())
    }
}
