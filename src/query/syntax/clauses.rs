//! The builder, part 1: statements, queries, clauses, `CALL`, projections and `SET` items.

use super::*;

impl Builder<'_> {
    pub(super) fn statement(&self, pair: Pair<'_>) -> Result<Statement> {
        let mut mode = Mode::Run;
        let mut query = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::mode => {
                    let kw = self.next(&mut p.into_inner(), "EXPLAIN or PROFILE")?;
                    mode = if kw.as_rule() == Rule::kw_explain {
                        Mode::Explain
                    } else {
                        Mode::Profile
                    };
                }
                Rule::query => query = Some(self.query(p)?),
                _ => {}
            }
        }
        let query = query.ok_or_else(|| internal("a query"))?;
        Ok(Statement { mode, query })
    }

    pub(super) fn query(&self, pair: Pair<'_>) -> Result<Query> {
        let mut inner = pair.into_inner();
        let first = self.single_query(self.next(&mut inner, "a query")?)?;
        let mut unions = Vec::new();
        while let Some(union) = inner.next() {
            let all = union.into_inner().any(|p| p.as_rule() == Rule::kw_all);
            let part = self.single_query(self.next(&mut inner, "a query after UNION")?)?;
            unions.push((all, part));
        }
        Ok(Query { first, unions })
    }

    pub(super) fn single_query(&self, pair: Pair<'_>) -> Result<SingleQuery> {
        let end = pair.as_span().end();
        let mut clauses = Vec::new();
        let mut return_seen = false;
        let mut last_name = "";
        for clause in pair.into_inner() {
            let start = clause.as_span().start();
            if return_seen {
                return Err(self.error_at(
                    start,
                    "RETURN must be the last clause of a query; use WITH to carry on after it",
                ));
            }
            let built = self.clause(clause)?;
            last_name = clause_name(&built);
            return_seen = matches!(built, Clause::Return(_));
            clauses.push(built);
        }
        if !matches!(
            clauses.last(),
            Some(
                Clause::Return(_)
                    | Clause::Create(_)
                    | Clause::Merge { .. }
                    | Clause::Set(_)
                    | Clause::Remove(_)
                    | Clause::Delete { .. }
                    | Clause::Call(_)
            )
        ) {
            return Err(self.error_at(
                end,
                format!(
                    "a query cannot end with {last_name}; add a RETURN clause \
                     (or an update such as CREATE or SET)"
                ),
            ));
        }
        Ok(SingleQuery { clauses })
    }

    pub(super) fn clause(&self, pair: Pair<'_>) -> Result<Clause> {
        let clause = self.next(&mut pair.into_inner(), "a clause")?;
        match clause.as_rule() {
            Rule::match_clause => {
                let mut optional = false;
                let mut patterns = Vec::new();
                let mut where_ = None;
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::kw_optional => optional = true,
                        Rule::pattern => patterns = self.pattern(p)?.0,
                        Rule::where_clause => where_ = Some(self.where_clause(p)?.0),
                        _ => {}
                    }
                }
                Ok(Clause::Match {
                    optional,
                    patterns,
                    where_,
                })
            }
            Rule::unwind_clause => {
                let mut inner = clause.into_inner();
                let expr = self
                    .expression(self.next_significant(&mut inner, "UNWIND")?)?
                    .0;
                let variable = self.name(self.next_significant(&mut inner, "AS")?)?;
                Ok(Clause::Unwind { expr, variable })
            }
            Rule::with_clause => {
                let mut projection = None;
                let mut where_ = None;
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::projection => projection = Some(self.projection(p)?),
                        Rule::where_clause => where_ = Some(self.where_clause(p)?.0),
                        _ => {}
                    }
                }
                let mut projection = projection.ok_or_else(|| internal("WITH"))?;
                projection.where_ = where_;
                Ok(Clause::With(projection))
            }
            Rule::return_clause => {
                let p = self.next_significant(&mut clause.into_inner(), "RETURN")?;
                Ok(Clause::Return(self.projection(p)?))
            }
            Rule::create_clause => {
                let p = self.next_significant(&mut clause.into_inner(), "CREATE")?;
                Ok(Clause::Create(self.pattern(p)?.0))
            }
            Rule::merge_clause => {
                let mut pattern = None;
                let mut on_create = Vec::new();
                let mut on_match = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::path_pattern => pattern = Some(self.path_pattern(p)?.0),
                        Rule::merge_action => {
                            let mut is_create = false;
                            let mut items = Vec::new();
                            for q in p.into_inner() {
                                match q.as_rule() {
                                    Rule::kw_create => is_create = true,
                                    Rule::kw_on | Rule::kw_match | Rule::kw_set | Rule::comma => {}
                                    _ => items.push(self.set_item(q)?),
                                }
                            }
                            if is_create {
                                on_create.extend(items);
                            } else {
                                on_match.extend(items);
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Clause::Merge {
                    pattern: pattern.ok_or_else(|| internal("MERGE"))?,
                    on_create,
                    on_match,
                })
            }
            Rule::set_clause => {
                let mut items = Vec::new();
                for p in clause.into_inner() {
                    if !is_noise(p.as_rule()) {
                        items.push(self.set_item(p)?);
                    }
                }
                Ok(Clause::Set(items))
            }
            Rule::remove_clause => {
                let mut items = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::remove_property => {
                            let target = self.next(&mut p.into_inner(), "a property")?;
                            let (target, key) = self.property_target(target)?;
                            items.push(RemoveItem::Property { target, key });
                        }
                        Rule::remove_labels => {
                            let (variable, labels) = self.variable_labels(p)?;
                            items.push(RemoveItem::Labels { variable, labels });
                        }
                        _ => {}
                    }
                }
                Ok(Clause::Remove(items))
            }
            Rule::delete_clause => {
                let mut detach = false;
                let mut exprs = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::kw_detach => detach = true,
                        Rule::expression => {
                            self.place(Subject::Clause("DELETE".into()), p.as_span().start());
                            exprs.push(self.expression(p)?.0)
                        }
                        _ => {}
                    }
                }
                Ok(Clause::Delete { detach, exprs })
            }
            Rule::call_clause => self.call(clause).map(Clause::Call),
            _ => Err(internal("a known clause")),
        }
    }

    pub(super) fn call(&self, pair: Pair<'_>) -> Result<Call> {
        let mut call = Call {
            procedure: String::new(),
            args: None,
            yield_: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::procedure_name => {
                    let parts = p
                        .into_inner()
                        .map(|part| self.name(part))
                        .collect::<Result<Vec<_>>>()?;
                    call.procedure = parts.join(".");
                }
                Rule::call_args => {
                    let mut args = Vec::new();
                    for a in p.into_inner() {
                        if a.as_rule() == Rule::expression {
                            args.push(self.expression(a)?.0);
                        }
                    }
                    call.args = Some(args);
                }
                Rule::yield_clause => {
                    let mut y = Yield {
                        star: false,
                        items: Vec::new(),
                        where_: None,
                    };
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::star => y.star = true,
                            Rule::yield_item => {
                                let mut inner = q.into_inner().filter(|r| !is_noise(r.as_rule()));
                                let column =
                                    self.name(inner.next().ok_or_else(|| internal("a column"))?)?;
                                let alias = inner.next().map(|a| self.name(a)).transpose()?;
                                y.items.push(YieldItem { column, alias });
                            }
                            Rule::where_clause => y.where_ = Some(self.where_clause(q)?.0),
                            _ => {}
                        }
                    }
                    call.yield_ = Some(y);
                }
                _ => {}
            }
        }
        Ok(call)
    }

    pub(super) fn where_clause(&self, pair: Pair<'_>) -> Result<Built> {
        let p = self.next_significant(&mut pair.into_inner(), "WHERE")?;
        self.expression(p)
    }

    pub(super) fn projection(&self, pair: Pair<'_>) -> Result<Projection> {
        let mut projection = Projection {
            distinct: false,
            star: false,
            items: Vec::new(),
            order_by: Vec::new(),
            skip: None,
            limit: None,
            where_: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_distinct => projection.distinct = true,
                Rule::star => projection.star = true,
                Rule::projection_item => {
                    let mut inner = p.into_inner();
                    let expr_pair = self.next(&mut inner, "an expression")?;
                    let text = expr_pair.as_str().trim().to_string();
                    let expr = self.expression(expr_pair)?.0;
                    let alias = match inner.find(|q| q.as_rule() == Rule::variable) {
                        Some(v) => Some(self.name(v)?),
                        None => None,
                    };
                    let name = alias.clone().unwrap_or(text);
                    projection.items.push(ProjectionItem { expr, alias, name });
                }
                Rule::order_by => {
                    for item in p.into_inner().filter(|q| q.as_rule() == Rule::sort_item) {
                        let mut inner = item.into_inner();
                        let expr = self.expression(self.next(&mut inner, "a sort key")?)?.0;
                        let descending = inner.next().is_some_and(|d| {
                            matches!(d.as_rule(), Rule::kw_desc | Rule::kw_descending)
                        });
                        projection.order_by.push(SortItem { expr, descending });
                    }
                }
                Rule::skip => {
                    let e = self.next_significant(&mut p.into_inner(), "SKIP")?;
                    projection.skip = Some(self.expression(e)?.0);
                }
                Rule::limit => {
                    let e = self.next_significant(&mut p.into_inner(), "LIMIT")?;
                    projection.limit = Some(self.expression(e)?.0);
                }
                _ => {}
            }
        }
        Ok(projection)
    }

    pub(super) fn set_item(&self, pair: Pair<'_>) -> Result<SetItem> {
        let rule = pair.as_rule();
        if rule == Rule::set_labels {
            let (variable, labels) = self.variable_labels(pair)?;
            return Ok(SetItem::Labels { variable, labels });
        }
        let mut inner = pair.into_inner();
        let first = self.next(&mut inner, "a set target")?;
        let value = self
            .expression(self.next_significant(&mut inner, "a value")?)?
            .0;
        match rule {
            Rule::set_property => {
                let (target, key) = self.property_target(first)?;
                Ok(SetItem::Property { target, key, value })
            }
            Rule::set_merge => Ok(SetItem::Merge {
                variable: self.name(first)?,
                value,
            }),
            Rule::set_replace => Ok(SetItem::Replace {
                variable: self.name(first)?,
                value,
            }),
            _ => Err(internal("a set item")),
        }
    }

    /// `atom.a.b.key`: the target `atom.a.b` and the last key.
    pub(super) fn property_target(&self, pair: Pair<'_>) -> Result<(Expr, String)> {
        let mut inner = pair.into_inner();
        let atom = self.next(&mut inner, "a property target")?;
        let start = atom.as_span().start();
        let (mut target, mut depth) = self.atom(atom)?;
        let mut keys: Vec<String> = Vec::new();
        for lookup in inner {
            let key = self.next_significant(&mut lookup.into_inner(), "a key")?;
            keys.push(self.name(key)?);
        }
        let last = keys.pop().ok_or_else(|| internal("a property key"))?;
        for key in keys {
            depth += 1;
            (target, depth) = self.node(start, depth, Expr::Property(Box::new(target), key))?;
        }
        Ok((target, last))
    }

    /// `n:A:B` in SET and REMOVE.
    pub(super) fn variable_labels(&self, pair: Pair<'_>) -> Result<(String, Vec<String>)> {
        let mut inner = pair.into_inner();
        let variable = self.name(self.next(&mut inner, "a variable")?)?;
        let labels = self.labels(self.next(&mut inner, "labels")?)?;
        Ok((variable, labels))
    }

    pub(super) fn labels(&self, pair: Pair<'_>) -> Result<Vec<String>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::schema_name)
            .map(|p| self.name(p))
            .collect()
    }
}
