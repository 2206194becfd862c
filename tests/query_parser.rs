//! The query parser against the openCypher TCK, and round trips through the printer.

use std::path::Path;

use crate::common;

use claimgraph::query::parser::parse;

/// One query found in a feature file.
struct TckQuery {
    file: String,
    scenario: String,
    text: String,
    /// The scenario expects a SyntaxError at compile time.
    syntax_error: bool,
}

/// Splits a Gherkin table row into its cells (`\|` is a literal bar).
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    if n != '|' {
                        cell.push('\\');
                    }
                    cell.push(n);
                }
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

/// Every query of a feature file, with scenario outlines expanded.
fn feature_queries(path: &Path, file: &str) -> Vec<TckQuery> {
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    // The scenario being read: its title, queries, whether it expects a syntax
    // error, and its example rows.
    let mut title = String::new();
    let mut queries: Vec<String> = Vec::new();
    let mut syntax_error = false;
    let mut examples: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut in_examples = false;

    let mut flush = |title: &str,
                     queries: &mut Vec<String>,
                     syntax_error: bool,
                     header: &[String],
                     examples: &mut Vec<Vec<String>>| {
        let rows: Vec<Vec<String>> = if header.is_empty() {
            vec![Vec::new()]
        } else {
            std::mem::take(examples)
        };
        for row in rows {
            for q in queries.iter() {
                let mut text = q.clone();
                for (name, value) in header.iter().zip(row.iter()) {
                    text = text.replace(&format!("<{name}>"), value);
                }
                out.push(TckQuery {
                    file: file.to_string(),
                    scenario: title.to_string(),
                    text,
                    syntax_error,
                });
            }
        }
        queries.clear();
        examples.clear();
    };

    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with("Scenario") {
            flush(&title, &mut queries, syntax_error, &header, &mut examples);
            title = line.to_string();
            syntax_error = false;
            header.clear();
            in_examples = false;
        } else if line.ends_with("executing query:") || line.ends_with("having executed:") {
            // The query is the `"""` block that follows.
            let open = lines.get(i + 1).copied().unwrap_or("");
            let indent = open.len() - open.trim_start().len();
            let mut body = Vec::new();
            i += 2;
            while i < lines.len() && lines[i].trim() != "\"\"\"" {
                body.push(lines[i].get(indent..).unwrap_or(lines[i].trim_start()));
                i += 1;
            }
            queries.push(body.join("\n"));
        } else if line.contains("SyntaxError should be raised at compile time") {
            syntax_error = true;
        } else if line.starts_with("Examples:") {
            in_examples = true;
            header.clear();
        } else if in_examples && line.starts_with('|') {
            if header.is_empty() {
                header = cells(line);
            } else {
                examples.push(cells(line));
            }
        } else if !line.starts_with('|') && !line.is_empty() && !line.starts_with('#') {
            in_examples = false;
        }
        i += 1;
    }
    flush(&title, &mut queries, syntax_error, &header, &mut examples);
    out
}

#[test]
fn tck_queries_parse_and_print_back() {
    let Some(shared) = common::shared("the TCK parser test") else {
        return;
    };
    let tck = shared.join("tck");
    let mut files = Vec::new();
    for list in ["tck-tier1-read.txt", "tck-tier1-write.txt"] {
        let text = std::fs::read_to_string(tck.join(list))
            .unwrap_or_else(|e| panic!("cannot read the TCK list {list}: {e}"));
        files.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    // The procedure calls, beyond tier 1.
    let call_dir = tck.join("features/clauses/call");
    let mut calls: Vec<String> = std::fs::read_dir(&call_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", call_dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".feature"))
        .map(|n| format!("clauses/call/{n}"))
        .collect();
    calls.sort();
    files.extend(calls);
    let mut total = 0;
    let mut parsed = 0;
    let mut refused_as_expected = 0;
    let mut failures = Vec::new();
    for file in &files {
        for q in feature_queries(&tck.join("features").join(file), file) {
            total += 1;
            let first = match parse(&q.text) {
                Ok(s) => s,
                Err(e) => {
                    if q.syntax_error {
                        refused_as_expected += 1;
                        println!("refused as expected: {} {}: {e}", q.file, q.scenario);
                    } else {
                        failures.push(format!(
                            "{} {}: does not parse:\n{}\n{e}",
                            q.file, q.scenario, q.text
                        ));
                    }
                    continue;
                }
            };
            parsed += 1;
            let printed = first.to_string();
            let second = match parse(&printed) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!(
                        "{} {}: the printed query does not parse:\n{printed}\n{e}",
                        q.file, q.scenario
                    ));
                    continue;
                }
            };
            if first.clone().without_source_names() != second.clone().without_source_names() {
                failures.push(format!(
                    "{} {}: the printed query means something else:\n{}\n---\n{printed}",
                    q.file, q.scenario, q.text
                ));
                continue;
            }
            let reprinted = second.to_string();
            match parse(&reprinted) {
                Ok(third) if third == second && reprinted == printed => {}
                _ => failures.push(format!(
                    "{} {}: printing is not stable:\n{printed}\n---\n{reprinted}",
                    q.file, q.scenario
                )),
            }
        }
    }
    println!(
        "TCK: {total} queries in {} files; {parsed} parse and print back, \
         {refused_as_expected} refused where a SyntaxError is expected, {} failures",
        files.len(),
        failures.len()
    );
    assert!(total > 500, "too few TCK queries found: {total}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ------------------------------------------------------------------------
// Round trips of random syntax trees: print → parse gives the same tree.

mod round_trip {
    use claimgraph::query::ast::*;
    use claimgraph::query::parser::parse;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    /// Names: mostly plain, sometimes reserved words or text that needs backquotes.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => prop::sample::select(vec![
                "a", "b", "n", "x", "name", "count", "Actor", "_x1", "é", "ORDER", "end", "true", "match",
                "shortestPath", "exists", "any",
            ])
            .prop_map(String::from),
            2 => "[a-zA-Z_][a-zA-Z0-9_ `$-]{0,6}",
            1 => any::<String>()
                .prop_filter("a name is not empty", |s| !s.is_empty())
                .prop_map(|s| s.chars().take(5).collect()),
        ]
    }

    /// Function names. Quantifiers and `reduce` followed by `(` are special forms.
    fn function_name() -> impl Strategy<Value = String> {
        name().prop_filter("not a special form", |n| {
            !["all", "any", "none", "single", "reduce", "count"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(n))
        })
    }

    fn literal() -> impl Strategy<Value = Literal> {
        prop_oneof![
            Just(Literal::Null),
            any::<bool>().prop_map(Literal::Bool),
            any::<i64>().prop_map(Literal::Int),
            prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0), Just(-1)].prop_map(Literal::Int),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Literal::Float),
            prop_oneof![
                Just(0.1),
                Just(-0.0),
                Just(1e16),
                Just(1e-7),
                Just(-2.5e300)
            ]
            .prop_map(Literal::Float),
            ".{0,6}".prop_map(Literal::String),
            any::<String>().prop_map(Literal::String),
        ]
    }

    fn unary_op() -> impl Strategy<Value = UnaryOp> {
        prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg, UnaryOp::Pos])
    }

    fn binary_op() -> impl Strategy<Value = BinaryOp> {
        use BinaryOp::*;
        prop::sample::select(vec![
            Or, Xor, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, Pow, In, StartsWith,
            EndsWith, Contains, Regex,
        ])
    }

    /// Properties of a node or relationship pattern: a map or a parameter.
    fn properties(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = Option<Expr>> {
        option::of(prop_oneof![
            vec((name(), expr), 0..3).prop_map(Expr::Map),
            name().prop_map(Expr::Parameter),
        ])
    }

    fn node(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = NodePattern> {
        (option::of(name()), vec(name(), 0..3), properties(expr)).prop_map(
            |(variable, labels, properties)| NodePattern {
                variable,
                labels,
                properties,
            },
        )
    }

    fn rel(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = RelPattern> {
        let range = option::of((option::of(0u64..5), option::of(0u64..5)))
            .prop_map(|r| r.map(|(min, max)| Range { min, max }));
        (
            option::of(name()),
            vec(name(), 0..3),
            prop::sample::select(vec![
                Direction::Outgoing,
                Direction::Incoming,
                Direction::Both,
            ]),
            range,
            properties(expr),
        )
            .prop_map(
                |(variable, types, direction, length, properties)| RelPattern {
                    variable,
                    types,
                    direction,
                    length,
                    properties,
                },
            )
    }

    fn path(
        expr: BoxedStrategy<Expr>,
        min_steps: usize,
        kinds: bool,
    ) -> impl Strategy<Value = PathPattern> {
        let kind = if kinds {
            prop::sample::select(vec![
                PathKind::Normal,
                PathKind::Shortest,
                PathKind::AllShortest,
            ])
            .boxed()
        } else {
            Just(PathKind::Normal).boxed()
        };
        (
            option::of(name()),
            kind,
            node(expr.clone()),
            vec((rel(expr.clone()), node(expr)), min_steps..3),
        )
            .prop_map(|(variable, kind, start, steps)| PathPattern {
                variable,
                kind,
                start,
                steps,
            })
    }

    fn expr() -> BoxedStrategy<Expr> {
        let leaf = prop_oneof![
            literal().prop_map(Expr::Literal),
            name().prop_map(Expr::Parameter),
            name().prop_map(Expr::Variable),
            Just(Expr::CountStar),
        ];
        leaf.prop_recursive(4, 48, 3, |inner| {
            let b = |e: Expr| Box::new(e);
            let simple = prop_oneof![
                vec(inner.clone(), 0..3).prop_map(Expr::List),
                vec((name(), inner.clone()), 0..3).prop_map(Expr::Map),
                (inner.clone(), name()).prop_map(move |(e, k)| Expr::Property(b(e), k)),
                (inner.clone(), inner.clone()).prop_map(move |(e, i)| Expr::Index(b(e), b(i))),
                (
                    inner.clone(),
                    option::of(inner.clone()),
                    option::of(inner.clone())
                )
                    .prop_map(move |(e, f, t)| Expr::Slice(
                        b(e),
                        f.map(b),
                        t.map(b)
                    )),
                (unary_op(), inner.clone()).prop_map(move |(op, e)| Expr::Unary(op, b(e))),
                (binary_op(), inner.clone(), inner.clone())
                    .prop_map(move |(op, l, r)| Expr::Binary(op, b(l), b(r))),
                (inner.clone(), any::<bool>()).prop_map(move |(e, negated)| Expr::IsNull {
                    expr: b(e),
                    negated
                }),
                (inner.clone(), vec(name(), 1..3))
                    .prop_map(move |(e, labels)| Expr::HasLabels(b(e), labels)),
                (function_name(), any::<bool>(), vec(inner.clone(), 0..3)).prop_map(
                    |(name, distinct, args)| Expr::Function {
                        name,
                        distinct,
                        args
                    }
                ),
            ];
            let special = prop_oneof![
                (
                    option::of(inner.clone()),
                    vec((inner.clone(), inner.clone()), 1..3),
                    option::of(inner.clone())
                )
                    .prop_map(move |(subject, whens, else_)| Expr::Case {
                        subject: subject.map(b),
                        whens,
                        else_: else_.map(b),
                    }),
                (
                    name(),
                    inner.clone(),
                    option::of(inner.clone()),
                    option::of(inner.clone())
                )
                    .prop_map(move |(variable, list, filter, map)| {
                        Expr::ListComprehension {
                            variable,
                            list: b(list),
                            filter: filter.map(b),
                            map: map.map(b),
                        }
                    }),
                (
                    path(inner.clone(), 1, false),
                    option::of(inner.clone()),
                    inner.clone()
                )
                    .prop_map(move |(pattern, filter, map)| {
                        Expr::PatternComprehension {
                            pattern: Box::new(pattern),
                            filter: filter.map(b),
                            map: b(map),
                        }
                    }),
                (
                    prop::sample::select(vec![
                        Quantifier::All,
                        Quantifier::Any,
                        Quantifier::None,
                        Quantifier::Single
                    ]),
                    name(),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(move |(quantifier, variable, list, predicate)| {
                        Expr::Quantified {
                            quantifier,
                            variable,
                            list: b(list),
                            predicate: b(predicate),
                        }
                    }),
                (name(), inner.clone(), name(), inner.clone(), inner.clone()).prop_map(
                    move |(accumulator, init, variable, list, expr)| Expr::Reduce {
                        accumulator,
                        init: b(init),
                        variable,
                        list: b(list),
                        expr: b(expr),
                    }
                ),
                path(inner.clone(), 1, false).prop_map(|mut p| {
                    p.variable = None;
                    Expr::PatternPredicate(Box::new(p))
                }),
                (
                    vec(path(inner.clone(), 0, true), 1..3),
                    option::of(inner.clone())
                )
                    .prop_map(move |(patterns, where_)| Expr::Exists {
                        patterns,
                        where_: where_.map(b),
                    }),
            ];
            prop_oneof![3 => simple, 2 => special]
        })
        .boxed()
    }

    /// A projection whose unaliased items are named by their printed text.
    fn projection(with: bool) -> impl Strategy<Value = Projection> {
        let item = (expr(), option::of(name())).prop_map(|(expr, alias)| {
            let name = alias.clone().unwrap_or_else(|| expr.to_string());
            ProjectionItem { expr, alias, name }
        });
        (
            any::<bool>(),
            any::<bool>(),
            vec(item, 0..3),
            vec(
                (expr(), any::<bool>())
                    .prop_map(|(expr, descending)| SortItem { expr, descending }),
                0..2,
            ),
            option::of(expr()),
            option::of(expr()),
            option::of(expr()),
        )
            .prop_map(
                move |(distinct, star, items, order_by, skip, limit, where_)| Projection {
                    distinct,
                    star: star || items.is_empty(),
                    items,
                    order_by,
                    skip,
                    limit,
                    where_: if with { where_ } else { None },
                },
            )
    }

    fn set_item() -> impl Strategy<Value = SetItem> {
        prop_oneof![
            (expr(), name(), expr()).prop_map(|(target, key, value)| SetItem::Property {
                target,
                key,
                value
            }),
            (name(), expr()).prop_map(|(variable, value)| SetItem::Replace { variable, value }),
            (name(), expr()).prop_map(|(variable, value)| SetItem::Merge { variable, value }),
            (name(), vec(name(), 1..3))
                .prop_map(|(variable, labels)| SetItem::Labels { variable, labels }),
        ]
    }

    fn remove_item() -> impl Strategy<Value = RemoveItem> {
        prop_oneof![
            (expr(), name()).prop_map(|(target, key)| RemoveItem::Property { target, key }),
            (name(), vec(name(), 1..3))
                .prop_map(|(variable, labels)| RemoveItem::Labels { variable, labels }),
        ]
    }

    /// Clauses that may stand anywhere but last.
    fn leading_clause() -> impl Strategy<Value = Clause> {
        prop_oneof![
            (
                any::<bool>(),
                vec(path(expr(), 0, true), 1..3),
                option::of(expr())
            )
                .prop_map(|(optional, patterns, where_)| Clause::Match {
                    optional,
                    patterns,
                    where_
                }),
            (expr(), name()).prop_map(|(expr, variable)| Clause::Unwind { expr, variable }),
            projection(true).prop_map(Clause::With),
            final_clause(),
        ]
    }

    /// Clauses that may end a query.
    fn final_clause() -> BoxedStrategy<Clause> {
        prop_oneof![
            projection(false).prop_map(Clause::Return),
            vec(path(expr(), 0, false), 1..3).prop_map(Clause::Create),
            (
                path(expr(), 0, false),
                vec(set_item(), 0..2),
                vec(set_item(), 0..2)
            )
                .prop_map(|(pattern, on_create, on_match)| Clause::Merge {
                    pattern,
                    on_create,
                    on_match
                }),
            vec(set_item(), 1..3).prop_map(Clause::Set),
            vec(remove_item(), 1..3).prop_map(Clause::Remove),
            (any::<bool>(), vec(expr(), 1..3))
                .prop_map(|(detach, exprs)| Clause::Delete { detach, exprs }),
        ]
        .boxed()
    }

    fn single_query() -> impl Strategy<Value = SingleQuery> {
        (vec(leading_clause(), 0..3), final_clause()).prop_map(|(mut clauses, last)| {
            // RETURN may only come last.
            clauses.retain(|c| !matches!(c, Clause::Return(_)));
            clauses.push(last);
            SingleQuery { clauses }
        })
    }

    fn statement() -> impl Strategy<Value = Statement> {
        (
            prop::sample::select(vec![Mode::Run, Mode::Explain, Mode::Profile]),
            single_query(),
            vec((any::<bool>(), single_query()), 0..2),
        )
            .prop_map(|(mode, first, unions)| Statement {
                mode,
                query: Query { first, unions },
            })
    }

    /// Runs `cases` random cases of `test` on a thread with a large stack:
    /// building values of these deeply nested strategies takes more stack than
    /// a test thread has in a debug build.
    fn check<S>(strategy: fn() -> S, cases: u32, test: fn(S::Value) -> Result<(), TestCaseError>)
    where
        S: Strategy + 'static,
        S::Value: std::fmt::Debug,
    {
        // PROPTEST_CASES asks for more (or fewer) cases, as with `proptest!`.
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases);
        let worker = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || {
                let mut runner =
                    proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases));
                runner.run(&strategy(), test).map_err(|e| e.to_string())
            })
            .expect("a test thread starts");
        match worker.join() {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => panic!("{failure}"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    #[test]
    fn printed_expressions_parse_back() {
        check(expr, 400, |e| {
            let text = format!("RETURN {e} AS result");
            let parsed =
                parse(&text).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
            let Clause::Return(p) = &parsed.query.first.clauses[0] else {
                return Err(TestCaseError::fail(format!("not a RETURN: {text}")));
            };
            prop_assert_eq!(&p.items[0].expr, &e, "{}", text);
            Ok(())
        });
    }

    #[test]
    fn printed_statements_parse_back() {
        check(statement, 200, |s| {
            let text = s.to_string();
            let parsed =
                parse(&text).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
            prop_assert_eq!(parsed, s, "{}", text);
            Ok(())
        });
    }
}

// ------------------------------------------------------------------------
// Garbage in: the parser answers with a positioned error, never a panic or an
// internal error.

mod garbage {
    use claimgraph::error::Error;
    use claimgraph::query::parser::parse;
    use claimgraph::query::script;
    use proptest::prelude::*;

    /// Parses `text` and fails unless it parses or is refused as bad input.
    fn parse_or_refuse(text: &str) -> Result<(), TestCaseError> {
        script::split(text);
        script::is_complete(text);
        match parse(text) {
            Ok(_) => Ok(()),
            Err(Error::Input(d)) => {
                prop_assert!(!d.items.is_empty());
                let first = &d.items[0];
                prop_assert!(first.line >= 1 && first.column >= 1);
                prop_assert!(!first.message.contains("kw_"), "{}", first.message);
                Ok(())
            }
            Err(other) => Err(TestCaseError::fail(format!("{text:?}: {other}"))),
        }
    }

    /// Fragments of queries, glued at random.
    fn tokens() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec![
                "MATCH ",
                "RETURN ",
                "WITH ",
                "WHERE ",
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "-",
                "->",
                "<-",
                ":",
                "n",
                "a.b",
                "1",
                "1.5",
                "'s'",
                "\"",
                "'",
                "`",
                "*",
                "..",
                ",",
                "|",
                " AS ",
                " IN ",
                "NOT ",
                "CASE ",
                "WHEN ",
                "THEN ",
                "END",
                "count(*)",
                "$p",
                "=",
                "<>",
                "+",
                "^",
                "/*",
                "*/",
                "//",
                "\n",
                ";",
                "\\",
                "\0",
                "9223372036854775808",
                "exists {",
                "all(",
                "reduce(",
                "shortestPath(",
            ]),
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn arbitrary_text_is_refused_cleanly(text in any::<String>()) {
            parse_or_refuse(&text)?;
        }

        #[test]
        fn glued_fragments_are_refused_cleanly(text in tokens()) {
            parse_or_refuse(&text)?;
        }
    }
}
