//! The builder, part 3: expressions, from `OR` down to atoms, comprehensions,
//! `exists { }`, `COUNT { }`, function calls and `CASE`.

use super::*;

impl Builder<'_> {
    pub(super) fn expression(&self, pair: Pair<'_>) -> Result<Built> {
        BOOLEAN
            .map_primary(|p| self.not_expr(p))
            .map_infix(|lhs, op, rhs| {
                let (l, dl) = lhs?;
                let (r, dr) = rhs?;
                let bin = match op.as_rule() {
                    Rule::kw_or => BinaryOp::Or,
                    Rule::kw_xor => BinaryOp::Xor,
                    _ => BinaryOp::And,
                };
                self.place(Subject::Operator(bin.word().into()), op.as_span().start());
                self.node(
                    op.as_span().start(),
                    dl.max(dr) + 1,
                    Expr::Binary(bin, Box::new(l), Box::new(r)),
                )
            })
            .parse(pair.into_inner())
    }

    pub(super) fn not_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let mut nots = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_not => {
                    self.place(Subject::Operator("NOT".into()), p.as_span().start());
                    nots.push(p.as_span().start())
                }
                _ => operand = Some(p),
            }
        }
        let (mut expr, mut depth) =
            self.comparison(operand.ok_or_else(|| internal("an operand of NOT"))?)?;
        for start in nots.into_iter().rev() {
            (expr, depth) =
                self.node(start, depth + 1, Expr::Unary(UnaryOp::Not, Box::new(expr)))?;
        }
        Ok((expr, depth))
    }

    /// `a < b` and chains such as `1 < x <= 3`, which mean `1 < x AND x <= 3`.
    pub(super) fn comparison(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let mut operands = vec![self.predicate_expr(self.next(&mut inner, "an operand")?)?];
        let mut ops = Vec::new();
        while let Some(op) = inner.next() {
            let bin = match op.as_rule() {
                Rule::op_ne => BinaryOp::Ne,
                Rule::op_le => BinaryOp::Le,
                Rule::op_ge => BinaryOp::Ge,
                Rule::op_lt => BinaryOp::Lt,
                Rule::op_gt => BinaryOp::Gt,
                _ => BinaryOp::Eq,
            };
            ops.push((op.as_span().start(), bin));
            operands.push(self.predicate_expr(self.next(&mut inner, "an operand")?)?);
        }
        let last = ops.len();
        let mut operands = operands.into_iter();
        let mut left = operands.next().ok_or_else(|| internal("an operand"))?;
        let mut result: Option<Built> = None;
        for (i, ((start, bin), right)) in ops.into_iter().zip(operands).enumerate() {
            // The middle operands of a chain are used twice.
            let next_left = if i + 1 < last {
                right.clone()
            } else {
                (Expr::Literal(Literal::Null), 0)
            };
            let depth = left.1.max(right.1) + 1;
            let part = self.node(
                start,
                depth,
                Expr::Binary(bin, Box::new(left.0), Box::new(right.0)),
            )?;
            result = Some(match result {
                None => part,
                Some(acc) => {
                    let depth = acc.1.max(part.1) + 1;
                    self.node(
                        start,
                        depth,
                        Expr::Binary(BinaryOp::And, Box::new(acc.0), Box::new(part.0)),
                    )?
                }
            });
            left = next_left;
        }
        Ok(result.unwrap_or(left))
    }

    pub(super) fn predicate_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let (mut expr, mut depth) = self.arith(self.next(&mut inner, "an operand")?)?;
        for suffix in inner {
            let start = suffix.as_span().start();
            let rule = suffix.as_rule();
            let new = match rule {
                Rule::is_null | Rule::is_not_null => {
                    depth += 1;
                    Expr::IsNull {
                        expr: Box::new(expr),
                        negated: rule == Rule::is_not_null,
                    }
                }
                _ => {
                    let op = match rule {
                        Rule::starts_with => BinaryOp::StartsWith,
                        Rule::ends_with => BinaryOp::EndsWith,
                        Rule::contains => BinaryOp::Contains,
                        Rule::in_list => BinaryOp::In,
                        _ => BinaryOp::Regex,
                    };
                    if op == BinaryOp::In {
                        self.place(Subject::Operator("IN".into()), start);
                    }
                    let operand = suffix
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::arith)
                        .ok_or_else(|| internal("an operand"))?;
                    let (r, dr) = self.arith(operand)?;
                    depth = depth.max(dr) + 1;
                    Expr::Binary(op, Box::new(expr), Box::new(r))
                }
            };
            (expr, depth) = self.node(start, depth, new)?;
        }
        Ok((expr, depth))
    }

    pub(super) fn arith(&self, pair: Pair<'_>) -> Result<Built> {
        ARITHMETIC
            .map_primary(|p| self.unary(p))
            .map_infix(|lhs, op, rhs| {
                let (l, dl) = lhs?;
                let (r, dr) = rhs?;
                let bin = match op.as_rule() {
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    Rule::op_div => BinaryOp::Div,
                    Rule::op_mod => BinaryOp::Mod,
                    _ => BinaryOp::Pow,
                };
                if let Some(symbol) = bin.arithmetic_symbol() {
                    self.place(Subject::Operator(symbol.to_string()), op.as_span().start());
                }
                self.node(
                    op.as_span().start(),
                    dl.max(dr) + 1,
                    Expr::Binary(bin, Box::new(l), Box::new(r)),
                )
            })
            .parse(pair.into_inner())
    }

    pub(super) fn unary(&self, pair: Pair<'_>) -> Result<Built> {
        let mut ops: Vec<(usize, UnaryOp)> = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::op_neg => ops.push((p.as_span().start(), UnaryOp::Neg)),
                Rule::op_pos => ops.push((p.as_span().start(), UnaryOp::Pos)),
                _ => operand = Some(p),
            }
        }
        let operand = operand.ok_or_else(|| internal("an operand"))?;
        // A minus right before a number literal makes a negative literal, so that
        // `-9223372036854775808` is the smallest integer rather than an overflow.
        let (mut expr, mut depth) = match (ops.last(), bare_number(&operand)) {
            (Some(&(_, UnaryOp::Neg)), Some(number)) => {
                ops.pop();
                (Expr::Literal(self.number(number, true)?), 1)
            }
            _ => self.postfix(operand)?,
        };
        for (start, op) in ops.into_iter().rev() {
            (expr, depth) = self.node(start, depth + 1, Expr::Unary(op, Box::new(expr)))?;
        }
        Ok((expr, depth))
    }

    pub(super) fn postfix(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let atom = self.next(&mut inner, "an operand")?;
        let (mut expr, mut depth) = self.atom(atom)?;
        for op in inner {
            let start = op.as_span().start();
            let new = match op.as_rule() {
                Rule::property_lookup => {
                    let key = self.next_significant(&mut op.into_inner(), "a key")?;
                    depth += 1;
                    Expr::Property(Box::new(expr), self.name(key)?)
                }
                Rule::node_labels => {
                    depth += 1;
                    Expr::HasLabels(Box::new(expr), self.labels(op)?)
                }
                _ => {
                    // A subscript: `[i]`, `[a..b]`, `[..b]`, `[a..]`.
                    let mut index = None;
                    let mut slice = None;
                    for q in op.into_inner() {
                        match q.as_rule() {
                            Rule::expression => index = Some(self.expression(q)?),
                            Rule::slice_tail => {
                                let to = match q
                                    .into_inner()
                                    .find(|r| r.as_rule() == Rule::expression)
                                {
                                    Some(e) => Some(self.expression(e)?),
                                    None => None,
                                };
                                slice = Some(to);
                            }
                            _ => {}
                        }
                    }
                    match (index, slice) {
                        (Some((i, di)), None) => {
                            depth = depth.max(di) + 1;
                            Expr::Index(Box::new(expr), Box::new(i))
                        }
                        (from, Some(to)) => {
                            let df = from.as_ref().map_or(0, |f| f.1);
                            let dt = to.as_ref().map_or(0, |t| t.1);
                            depth = depth.max(df).max(dt) + 1;
                            Expr::Slice(
                                Box::new(expr),
                                from.map(|f| Box::new(f.0)),
                                to.map(|t| Box::new(t.0)),
                            )
                        }
                        (None, None) => return Err(internal("a subscript")),
                    }
                }
            };
            (expr, depth) = self.node(start, depth, new)?;
        }
        Ok((expr, depth))
    }

    pub(super) fn atom(&self, pair: Pair<'_>) -> Result<Built> {
        let start = pair.as_span().start();
        match pair.as_rule() {
            Rule::int_lit | Rule::hex_lit | Rule::octal_lit | Rule::float_lit => {
                Ok((Expr::Literal(self.number(pair, false)?), 1))
            }
            Rule::string_lit => {
                let content = self.next(&mut pair.into_inner(), "a string")?;
                Ok((Expr::Literal(Literal::String(self.unescape(&content)?)), 1))
            }
            Rule::kw_true => Ok((Expr::Literal(Literal::Bool(true)), 1)),
            Rule::kw_false => Ok((Expr::Literal(Literal::Bool(false)), 1)),
            Rule::kw_null => Ok((Expr::Literal(Literal::Null), 1)),
            Rule::parameter => {
                let at = pair.as_span().start();
                let name = self.next(&mut pair.into_inner(), "a parameter name")?;
                let name = match name.as_rule() {
                    Rule::param_index => name.as_str().to_string(),
                    _ => self.name_token(&name),
                };
                self.place(Subject::Parameter(name.clone()), at);
                Ok((Expr::Parameter(name), 1))
            }
            Rule::count_star => {
                self.place(Subject::Function("count".into()), pair.as_span().start());
                Ok((Expr::CountStar, 1))
            }
            Rule::variable => {
                let at = pair.as_span().start();
                let name = self.name(pair)?;
                self.place(Subject::Variable(name.clone()), at);
                Ok((Expr::Variable(name), 1))
            }
            Rule::parenthesized => {
                let e = self.next_significant(&mut pair.into_inner(), "an expression")?;
                self.expression(e)
            }
            Rule::list_literal => self.list_literal(pair, start),
            Rule::map_literal => self.map_literal(pair, start),
            Rule::case_expr => self.case_expr(pair),
            Rule::list_comprehension => self.list_comprehension(pair, start),
            Rule::pattern_comprehension => self.pattern_comprehension(pair, start),
            Rule::quantified => self.quantified(pair, start),
            Rule::reduce_expr => self.reduce_expr(pair, start),
            Rule::exists_expr => self.exists_expr(pair, start),
            Rule::count_subquery => self.count_subquery(pair, start),
            Rule::function_call => self.function_call(pair, start),
            Rule::pattern_predicate => {
                let p = self.next(&mut pair.into_inner(), "a pattern")?;
                let (pattern, depth) = self.pattern_element(p, None, PathKind::Normal)?;
                self.node(start, depth + 1, Expr::PatternPredicate(Box::new(pattern)))
            }
            _ => Err(internal("an expression")),
        }
    }

    pub(super) fn list_literal(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut items = Vec::new();
        let mut depth = 0;
        for p in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::expression)
        {
            let (e, d) = self.expression(p)?;
            depth = depth.max(d);
            items.push(e);
        }
        self.node(start, depth + 1, Expr::List(items))
    }

    pub(super) fn map_literal(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut entries = Vec::new();
        let mut depth = 0;
        for entry in pair.into_inner().filter(|p| p.as_rule() == Rule::map_entry) {
            let mut inner = entry.into_inner();
            let key = self.name(self.next(&mut inner, "a key")?)?;
            let (e, d) = self.expression(self.next_significant(&mut inner, "a value")?)?;
            depth = depth.max(d);
            entries.push((key, e));
        }
        self.node(start, depth + 1, Expr::Map(entries))
    }

    pub(super) fn list_comprehension(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, mut depth) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let mut filter = None;
        let mut map = None;
        for p in inner {
            match p.as_rule() {
                Rule::comp_where => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                Rule::comp_map => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    map = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::ListComprehension {
                variable,
                list: Box::new(list),
                filter,
                map,
            },
        )
    }

    pub(super) fn pattern_comprehension(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut variable = None;
        let mut pattern = None;
        let mut filter = None;
        let mut map = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => variable = Some(self.name(p)?),
                Rule::relationships_pattern => {
                    let (pat, d) = self.pattern_element(p, variable.take(), PathKind::Normal)?;
                    depth = depth.max(d);
                    pattern = Some(pat);
                }
                Rule::comp_where => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                Rule::comp_map => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    map = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::PatternComprehension {
                pattern: Box::new(pattern.ok_or_else(|| internal("a pattern"))?),
                filter,
                map: map.ok_or_else(|| internal("`|`"))?,
            },
        )
    }

    pub(super) fn quantified(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let q = self.next(&mut inner, "a quantifier")?;
        let quantifier = match self.next(&mut q.into_inner(), "a quantifier")?.as_rule() {
            Rule::kw_all => Quantifier::All,
            Rule::kw_any => Quantifier::Any,
            Rule::kw_none => Quantifier::None,
            _ => Quantifier::Single,
        };
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, dl) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let (predicate, dp) = self.expression(self.next_significant(&mut inner, "a predicate")?)?;
        self.node(
            start,
            dl.max(dp) + 1,
            Expr::Quantified {
                quantifier,
                variable,
                list: Box::new(list),
                predicate: Box::new(predicate),
            },
        )
    }

    pub(super) fn reduce_expr(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let accumulator = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (init, d1) = self.expression(self.next_significant(&mut inner, "a value")?)?;
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, d2) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let (expr, d3) = self.expression(self.next_significant(&mut inner, "an expression")?)?;
        self.node(
            start,
            d1.max(d2).max(d3) + 1,
            Expr::Reduce {
                accumulator,
                init: Box::new(init),
                variable,
                list: Box::new(list),
                expr: Box::new(expr),
            },
        )
    }

    pub(super) fn exists_expr(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut patterns = Vec::new();
        let mut where_ = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::query => {
                    self.place(Subject::Clause("EXISTS".into()), start);
                    let query = self.query(p)?;
                    return self.node(start, 1, Expr::ExistsQuery(Box::new(query)));
                }
                // The clauses after the first MATCH of a full subquery.
                Rule::exists_more => {
                    self.place(Subject::Clause("EXISTS".into()), start);
                    let first = Clause::Match {
                        optional: false,
                        patterns: std::mem::take(&mut patterns),
                        where_: where_.take().map(|w: Box<Expr>| *w),
                    };
                    let mut clauses = vec![first];
                    let mut unions = Vec::new();
                    let mut all = false;
                    for part in p.into_inner() {
                        match part.as_rule() {
                            Rule::clause => clauses.push(self.clause(part)?),
                            Rule::union => {
                                all = part.into_inner().any(|x| x.as_rule() == Rule::kw_all)
                            }
                            _ => unions.push((all, self.single_query(part)?)),
                        }
                    }
                    let query = Query {
                        first: SingleQuery { clauses },
                        unions,
                    };
                    return self.node(start, 1, Expr::ExistsQuery(Box::new(query)));
                }
                Rule::pattern => {
                    let (ps, d) = self.pattern(p)?;
                    depth = depth.max(d);
                    patterns = ps;
                }
                Rule::where_clause => {
                    let (e, d) = self.where_clause(p)?;
                    depth = depth.max(d);
                    where_ = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(start, depth + 1, Expr::Exists { patterns, where_ })
    }

    /// `COUNT { pattern WHERE pred }` is read as `size([pattern WHERE pred | 1])`,
    /// which counts the same matches.
    pub(super) fn count_subquery(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut pattern = None;
        let mut filter = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::path_pattern => {
                    let at = p.as_span().start();
                    let (pp, d) = self.path_pattern(p)?;
                    if pp.steps.is_empty() || pp.kind != PathKind::Normal {
                        return Err(self.error_at(
                            at,
                            "COUNT { } counts a pattern with at least one relationship, such as `(a)-[:CLAIMS]->(s)`",
                        ));
                    }
                    depth = depth.max(d);
                    pattern = Some(pp);
                }
                Rule::where_clause => {
                    let (e, d) = self.where_clause(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                _ => {}
            }
        }
        let comprehension = Expr::PatternComprehension {
            pattern: Box::new(pattern.ok_or_else(|| internal("a pattern"))?),
            filter,
            map: Box::new(Expr::Literal(Literal::Int(1))),
        };
        self.node(
            start,
            depth + 2,
            Expr::Function {
                name: "size".into(),
                distinct: false,
                args: vec![comprehension],
            },
        )
    }

    pub(super) fn function_call(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut name = String::new();
        let mut distinct = false;
        let mut args = Vec::new();
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::function_name => {
                    let at = p.as_span().start();
                    let mut parts = Vec::new();
                    for token in p.into_inner() {
                        parts.push(match token.as_rule() {
                            Rule::kw_exists | Rule::namespace => token.as_str().to_string(),
                            _ => self.name_token(&token),
                        });
                    }
                    if parts.is_empty() {
                        return Err(internal("a function name"));
                    }
                    name = parts.join(".");
                    self.place(Subject::Function(name.clone()), at);
                }
                Rule::kw_distinct => distinct = true,
                Rule::expression => {
                    let (e, d) = self.expression(p)?;
                    depth = depth.max(d);
                    args.push(e);
                }
                _ => {}
            }
        }
        // `size((a)-->())`, Neo4j's pattern count, counts the pattern's
        // matches as `COUNT { (a)-->() }` does.
        if name.eq_ignore_ascii_case("size") && !distinct {
            if let [Expr::PatternPredicate(pattern)] = args.as_slice() {
                if !pattern.steps.is_empty() && pattern.kind == PathKind::Normal {
                    let pattern = (**pattern).clone();
                    args[0] = Expr::PatternComprehension {
                        pattern: Box::new(pattern),
                        filter: None,
                        map: Box::new(Expr::Literal(Literal::Int(1))),
                    };
                    depth += 1;
                }
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::Function {
                name,
                distinct,
                args,
            },
        )
    }

    /// The expression inside `WHERE expr` or `| expr` of a comprehension.
    pub(super) fn sub_expression(&self, pair: Pair<'_>) -> Result<Built> {
        let e = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::expression)
            .ok_or_else(|| internal("an expression"))?;
        self.expression(e)
    }

    pub(super) fn case_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let start = pair.as_span().start();
        let mut subject = None;
        let mut whens = Vec::new();
        let mut else_ = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expression => {
                    let (e, d) = self.expression(p)?;
                    depth = depth.max(d);
                    subject = Some(Box::new(e));
                }
                Rule::case_when => {
                    let mut parts = p.into_inner().filter(|q| q.as_rule() == Rule::expression);
                    let (w, d1) = self.expression(parts.next().ok_or_else(|| internal("WHEN"))?)?;
                    let (t, d2) = self.expression(parts.next().ok_or_else(|| internal("THEN"))?)?;
                    depth = depth.max(d1).max(d2);
                    whens.push((w, t));
                }
                Rule::case_else => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    else_ = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::Case {
                subject,
                whens,
                else_,
            },
        )
    }
}
