//! Planning a `MATCH`: the starting point of each pattern (a key lookup, a
//! label scan or a bound variable) and the order of its hops.

use super::*;

impl Planner<'_> {
    pub(super) fn plan_match(
        &mut self,
        scope: &mut Scope,
        optional: bool,
        patterns: &[PathPattern],
        where_: Option<&Expr>,
    ) -> Result<MatchOp> {
        let inputs = scope.vars.len();
        let mut work: Vec<String> = scope.names();
        let mut bound: HashSet<usize> = (0..inputs).collect();
        let mut keep: Vec<usize> = (0..inputs).collect();
        let mut plans = Vec::new();
        let mut rel_vars_here: HashSet<String> = HashSet::new();
        // `v.key = constant` and `id(v) = constant` in WHERE can pick where matching starts.
        let mut where_eqs = Vec::new();
        if let Some(w) = where_ {
            where_equalities(w, &mut where_eqs, 0);
        }
        // First pass: declare every named variable so that property maps may refer to them.
        for pattern in patterns {
            if pattern.steps.len() > MAX_PATTERN_STEPS {
                return Err(Error::query(format!(
                    "the pattern is too long: more than {MAX_PATTERN_STEPS} relationships"
                )));
            }
            if let Some(p) = &pattern.variable {
                if scope.get(p).is_some() {
                    return Err(Error::coded(
                        Detail::VariableAlreadyBound,
                        format!("variable already bound: `{p}`"),
                    ));
                }
            }
            let props = std::iter::once(&pattern.start.properties).chain(
                pattern
                    .steps
                    .iter()
                    .flat_map(|(r, n)| [&r.properties, &n.properties]),
            );
            if let Some(Some(Expr::Parameter(name))) = props
                .into_iter()
                .find(|p| matches!(p, Some(Expr::Parameter(_))))
            {
                return Err(Error::coded(
                    Detail::InvalidParameterUse,
                    format!(
                        "invalid parameter use: a pattern to match cannot take its properties from `${name}`; write a map such as {{name: ${name}.name}}"
                    ),
                ));
            }
            let declare = |scope: &mut Scope, v: &str, kind: VarKind| -> Result<()> {
                match scope.get(v) {
                    Some(VarKind::List) if kind == VarKind::RelList => Ok(()),
                    // A path's name cannot be one its pattern (or one
                    // before it in the clause) already bound.
                    Some(_) if kind == VarKind::Path => Err(Error::coded(
                        Detail::VariableAlreadyBound,
                        format!("variable already bound: `{v}`"),
                    )
                    .about(Subject::Variable(v.into()))),
                    Some(k) if k != kind && k != VarKind::Value => Err(Error::coded(
                        Detail::VariableTypeConflict,
                        format!(
                            "variable type conflict: `{v}` is {} and cannot be used as {}",
                            k.describe(),
                            kind.describe()
                        ),
                    )),
                    Some(_) => Ok(()),
                    None => {
                        scope.add(v, kind);
                        Ok(())
                    }
                }
            };
            if let Some(v) = &pattern.start.variable {
                declare(scope, v, VarKind::Node)?;
            }
            for (rel, node) in &pattern.steps {
                if let Some(v) = &rel.variable {
                    let kind = if rel.length.is_some() {
                        VarKind::RelList
                    } else {
                        VarKind::Rel
                    };
                    if !rel_vars_here.insert(v.clone()) {
                        return Err(Error::coded(
                            Detail::RelationshipUniquenessViolation,
                            format!(
                            "relationship uniqueness violation: `{v}` is used twice in one pattern"
                        ),
                        ));
                    }
                    declare(scope, v, kind)?;
                }
                if let Some(v) = &node.variable {
                    declare(scope, v, VarKind::Node)?;
                }
            }
            if let Some(p) = &pattern.variable {
                declare(scope, p, VarKind::Path)?;
            }
        }
        for pattern in patterns {
            if pattern.kind != PathKind::Normal {
                if pattern.steps.len() != 1 {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        "invalid argument type: shortestPath needs a pattern with exactly one relationship",
                    ));
                }
                if pattern.steps[0]
                    .0
                    .length
                    .is_some_and(|r| r.min.unwrap_or(1) > 1)
                {
                    return Err(Error::coded(
                        Detail::InvalidArgumentValue,
                        "invalid argument value: shortestPath cannot have a minimal length above 1",
                    ));
                }
            }
            let slot_of = |work: &mut Vec<String>,
                           keep: &mut Vec<usize>,
                           name: &Option<String>,
                           planner: &mut Self,
                           what: &str|
             -> usize {
                match name {
                    Some(n) => match work.iter().position(|w| w == n) {
                        Some(i) => i,
                        None => {
                            work.push(n.clone());
                            keep.push(work.len() - 1);
                            work.len() - 1
                        }
                    },
                    None => {
                        work.push(planner.hidden_name(what));
                        work.len() - 1
                    }
                }
            };
            let mut nodes = Vec::new();
            let mut rels = Vec::new();
            let mut all_nodes = vec![&pattern.start];
            all_nodes.extend(pattern.steps.iter().map(|(_, n)| n));
            for node in &all_nodes {
                if let Some(p) = &node.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                let slot = slot_of(&mut work, &mut keep, &node.variable, self, "node");
                nodes.push(NodeStep {
                    slot,
                    labels: node.labels.clone(),
                    properties: node.properties.clone(),
                });
            }
            for (rel, _) in &pattern.steps {
                if let Some(p) = &rel.properties {
                    check_expr(p, scope, ExprCtx::plain(), 0)?;
                }
                let slot = slot_of(&mut work, &mut keep, &rel.variable, self, "rel");
                rels.push(RelStep {
                    slot,
                    types: rel.types.clone(),
                    direction: rel.direction,
                    length: rel.length,
                    properties: rel.properties.clone(),
                    reach_only: false,
                });
            }
            let path_slot = pattern
                .variable
                .as_ref()
                .map(|_| slot_of(&mut work, &mut keep, &pattern.variable, self, "path"));
            let (anchor, start) = self.choose_anchor(&nodes, &all_nodes, &bound, &where_eqs);
            for n in &nodes {
                bound.insert(n.slot);
            }
            for r in &rels {
                bound.insert(r.slot);
            }
            if let Some(p) = path_slot {
                bound.insert(p);
            }
            plans.push(PatternPlan {
                kind: pattern.kind,
                nodes,
                rels,
                path_slot,
                anchor,
                start,
            });
        }
        if let Some(w) = where_ {
            if let Expr::Variable(v) = w {
                if let Some(k @ (VarKind::Node | VarKind::Rel | VarKind::Path)) = scope.get(v) {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                            "invalid argument type: WHERE needs a boolean, and `{v}` is {}",
                            k.describe()
                        ),
                    ));
                }
            }
            check_expr(w, scope, ExprCtx::predicate(), 0)?;
        }
        // The scope lists the variables in the order of the output row.
        scope.vars = keep
            .iter()
            .map(|&i| {
                let name = work[i].clone();
                let kind = scope.get(&name).unwrap_or(VarKind::Value);
                (name, kind)
            })
            .collect();
        let (early, late) = place_filters(where_, &plans, &work, inputs);
        Ok(MatchOp {
            optional,
            patterns: plans,
            where_: where_.cloned(),
            early,
            late,
            work,
            inputs,
            keep,
            memo: None,
            needed: None,
            counted: None,
            distinct_downstream: false,
            streams: false,
            count_last_hop: false,
            early_limit: false,
        })
    }

    /// Picks where a pattern starts: a bound node, a key lookup, the smallest label, or all nodes.
    pub(super) fn choose_anchor(
        &self,
        nodes: &[NodeStep],
        ast: &[&NodePattern],
        bound: &HashSet<usize>,
        where_eqs: &[(String, Option<String>, Expr)],
    ) -> (usize, Start) {
        if let Some(i) = nodes.iter().position(|n| bound.contains(&n.slot)) {
            return (i, Start::Bound);
        }
        for (i, node) in ast.iter().enumerate() {
            let Some(v) = &node.variable else { continue };
            for (var, key, e) in where_eqs {
                if var != v {
                    continue;
                }
                match key {
                    None => return (i, Start::Id(e.clone())),
                    Some(key) => {
                        for label in &node.labels {
                            if let Some(kind) = Kind::from_label(label) {
                                if kind.key_property() == key {
                                    return (i, Start::Key(kind, e.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
        for (i, node) in ast.iter().enumerate() {
            if let Some(Expr::Map(entries)) = &node.properties {
                for label in &node.labels {
                    if let Some(kind) = Kind::from_label(label) {
                        if let Some((_, e)) = entries.iter().find(|(k, _)| k == kind.key_property())
                        {
                            if is_row_independent(e) {
                                return (i, Start::Key(kind, e.clone()));
                            }
                        }
                    }
                }
            }
        }
        let mut best: Option<(usize, &str, usize)> = None;
        for (i, node) in nodes.iter().enumerate() {
            for label in &node.labels {
                let count = self.graph.label_count(label);
                if best.is_none_or(|(_, _, c)| count < c) {
                    best = Some((i, label, count));
                }
            }
        }
        match best {
            Some((i, label, _)) => (i, Start::Label(label.to_string())),
            None => (0, Start::All),
        }
    }
}
