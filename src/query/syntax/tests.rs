use super::*;

fn statement(text: &str) -> Statement {
    match parse(text) {
        Ok(s) => s,
        Err(e) => panic!("{text:?} does not parse:\n{e}"),
    }
}

fn clauses(text: &str) -> Vec<Clause> {
    statement(text).query.first.clauses
}

/// The expression of `RETURN <text>`.
fn expr(text: &str) -> Expr {
    match clauses(&format!("RETURN {text}")).remove(0) {
        Clause::Return(mut p) => p.items.remove(0).expr,
        other => panic!("not a RETURN: {other:?}"),
    }
}

/// The diagnostic of a query that must not parse.
fn error(text: &str) -> Diagnostic {
    match parse(text) {
        Ok(s) => panic!("{text:?} parsed as {s:?}"),
        Err(Error::Input(d)) => d.items[0].clone(),
        Err(other) => panic!("{text:?}: not an input error: {other:?}"),
    }
}

fn int(i: i64) -> Expr {
    Expr::Literal(Literal::Int(i))
}

fn var(v: &str) -> Expr {
    Expr::Variable(v.to_string())
}

fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    Expr::Binary(op, Box::new(l), Box::new(r))
}

fn prop(e: Expr, key: &str) -> Expr {
    Expr::Property(Box::new(e), key.to_string())
}

#[test]
fn arithmetic_precedence_and_associativity() {
    use BinaryOp::*;
    assert_eq!(
        expr("1 + 2 * 3"),
        bin(Add, int(1), bin(Mul, int(2), int(3)))
    );
    assert_eq!(
        expr("1 - 2 - 3"),
        bin(Sub, bin(Sub, int(1), int(2)), int(3))
    );
    assert_eq!(
        expr("2 ^ 3 ^ 2"),
        bin(Pow, bin(Pow, int(2), int(3)), int(2))
    );
    assert_eq!(
        expr("(1 + 2) % 3"),
        bin(Mod, bin(Add, int(1), int(2)), int(3))
    );
    assert_eq!(
        expr("a * b ^ 2"),
        bin(Mul, var("a"), bin(Pow, var("b"), int(2)))
    );
    // Unary minus binds tighter than `^`, and folds into a number literal.
    assert_eq!(expr("-2 ^ 2"), bin(Pow, int(-2), int(2)));
    assert_eq!(
        expr("-a ^ 2"),
        bin(Pow, Expr::Unary(UnaryOp::Neg, Box::new(var("a"))), int(2))
    );
    assert_eq!(expr("- -1"), Expr::Unary(UnaryOp::Neg, Box::new(int(-1))));
    assert_eq!(expr("+1"), Expr::Unary(UnaryOp::Pos, Box::new(int(1))));
}

#[test]
fn boolean_precedence() {
    use BinaryOp::*;
    let not = |e| Expr::Unary(UnaryOp::Not, Box::new(e));
    assert_eq!(
        expr("a OR b XOR c AND d"),
        bin(
            Or,
            var("a"),
            bin(Xor, var("b"), bin(And, var("c"), var("d")))
        )
    );
    assert_eq!(expr("NOT a = b"), not(bin(Eq, var("a"), var("b"))));
    assert_eq!(expr("NOT NOT a"), not(not(var("a"))));
    assert_eq!(expr("a AND NOT b"), bin(And, var("a"), not(var("b"))));
    assert_eq!(expr("nOt_x"), var("nOt_x"), "keywords need a word boundary");
    assert_eq!(expr("ORx"), var("ORx"));
}

#[test]
fn comparisons_chain_and_predicates_bind_tighter() {
    use BinaryOp::*;
    let x = prop(var("n"), "x");
    assert_eq!(
        expr("1 < n.x <= 3"),
        bin(And, bin(Lt, int(1), x.clone()), bin(Le, x.clone(), int(3)))
    );
    assert_eq!(
        expr("(1 < 2) < 3"),
        bin(Lt, bin(Lt, int(1), int(2)), int(3))
    );
    assert_eq!(expr("a <> b"), bin(Ne, var("a"), var("b")));
    assert_eq!(expr("a >= b"), bin(Ge, var("a"), var("b")));
    assert_eq!(
        expr("a = b IN c"),
        bin(Eq, var("a"), bin(In, var("b"), var("c")))
    );
    assert_eq!(
        expr("a + 1 IN c"),
        bin(In, bin(Add, var("a"), int(1)), var("c"))
    );
    assert_eq!(
        expr("s STARTS WITH 'a' AND s ends with 'b'"),
        bin(
            And,
            bin(
                StartsWith,
                var("s"),
                Expr::Literal(Literal::String("a".into()))
            ),
            bin(
                EndsWith,
                var("s"),
                Expr::Literal(Literal::String("b".into()))
            )
        )
    );
    assert_eq!(expr("s CONTAINS t"), bin(Contains, var("s"), var("t")));
    assert_eq!(expr("s =~ t"), bin(Regex, var("s"), var("t")));
    assert_eq!(
        expr("n.x iS NoT NuLl"),
        Expr::IsNull {
            expr: Box::new(x.clone()),
            negated: true
        }
    );
    assert_eq!(
        expr("a IS NULL = true"),
        bin(
            Eq,
            Expr::IsNull {
                expr: Box::new(var("a")),
                negated: false
            },
            Expr::Literal(Literal::Bool(true))
        )
    );
}

#[test]
fn postfix_operators() {
    assert_eq!(expr("n.a.b"), prop(prop(var("n"), "a"), "b"));
    assert_eq!(
        expr("l[0]"),
        Expr::Index(Box::new(var("l")), Box::new(int(0)))
    );
    assert_eq!(
        expr("l[1..3]"),
        Expr::Slice(
            Box::new(var("l")),
            Some(Box::new(int(1))),
            Some(Box::new(int(3)))
        )
    );
    assert_eq!(
        expr("l[..-1]"),
        Expr::Slice(Box::new(var("l")), None, Some(Box::new(int(-1))))
    );
    assert_eq!(
        expr("l[2..]"),
        Expr::Slice(Box::new(var("l")), Some(Box::new(int(2))), None)
    );
    assert_eq!(
        expr("n:Actor:`Big Org`"),
        Expr::HasLabels(Box::new(var("n")), vec!["Actor".into(), "Big Org".into()])
    );
    assert_eq!(expr("n.`a``b`"), prop(var("n"), "a`b"));
    assert_eq!(
        expr("n.end"),
        prop(var("n"), "end"),
        "keys may be reserved words"
    );
}

#[test]
fn number_literals() {
    assert_eq!(expr("0x1F"), int(31));
    assert_eq!(expr("0o17"), int(15));
    assert_eq!(expr("-0x10"), int(-16));
    assert_eq!(expr("9223372036854775807"), int(i64::MAX));
    assert_eq!(expr("-9223372036854775808"), int(i64::MIN));
    assert_eq!(expr("1.5"), Expr::Literal(Literal::Float(1.5)));
    assert_eq!(expr(".5"), Expr::Literal(Literal::Float(0.5)));
    assert_eq!(expr("1e3"), Expr::Literal(Literal::Float(1000.0)));
    assert_eq!(expr("1.5e-3"), Expr::Literal(Literal::Float(0.0015)));
    assert_eq!(expr("-1.5E2"), Expr::Literal(Literal::Float(-150.0)));

    let d = error("RETURN 1 + 9223372036854775808");
    assert_eq!((d.line, d.column), (1, 12));
    assert!(d.message.contains("too large"), "{}", d.message);
    let d = error("RETURN -9223372036854775809");
    assert_eq!(d.column, 9);
    let d = error("RETURN 0x10000000000000000");
    assert!(d.message.contains("too large"), "{}", d.message);
    let d = error("RETURN 1e999");
    assert!(d.message.contains("too large"), "{}", d.message);
    let d = error(&format!("RETURN {}", "9".repeat(10_000)));
    assert_eq!(d.column, 8);
}

#[test]
fn string_literals_and_escapes() {
    let s = |t: &str| match expr(t) {
        Expr::Literal(Literal::String(s)) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(s(r#"'it\'s'"#), "it's");
    assert_eq!(s(r#""say \"hi\"""#), "say \"hi\"");
    assert_eq!(s(r#"'a\\b\n\t\r\b\f'"#), "a\\b\n\t\r\u{8}\u{c}");
    assert_eq!(s(r#"'\u00e9\U0001F600'"#), "é😀");
    assert_eq!(s(r#"'\uD83D\uDE00'"#), "😀");
    assert_eq!(s("'a // not a comment'"), "a // not a comment");
    assert_eq!(s("'multi\nline'"), "multi\nline");

    let d = error(r"RETURN 'bad \x escape'");
    assert_eq!(d.column, 13);
    assert!(d.message.contains("unknown escape `\\x`"), "{}", d.message);
    let d = error(r"RETURN '\u12'");
    assert!(d.message.contains("4 hexadecimal digits"), "{}", d.message);
    let d = error(r"RETURN '\uD800'");
    assert!(d.message.contains("valid character"), "{}", d.message);
}

#[test]
fn names_keywords_and_comments() {
    let c = clauses(
        "mAtCh (`weird ``name`:`Label X`) // comment\n/* block\n comment */ ReTuRn `weird ``name`;",
    );
    match &c[0] {
        Clause::Match { patterns, .. } => {
            assert_eq!(patterns[0].start.variable.as_deref(), Some("weird `name"));
            assert_eq!(patterns[0].start.labels, vec!["Label X".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    // A keyword glued to a name is a name.
    let d = error("MATCHn RETURN n");
    assert_eq!(d.column, 1);
    // Reserved words are variables only when backquoted.
    assert!(parse("MATCH (match) RETURN 1").is_err());
    assert_eq!(expr("`match`"), var("match"));
    assert_eq!(expr("count"), var("count"));
    assert_eq!(expr("$param"), Expr::Parameter("param".into()));
    assert_eq!(expr("$0"), Expr::Parameter("0".into()));
}

#[test]
fn functions_and_special_forms() {
    assert_eq!(expr("count(*)"), Expr::CountStar);
    assert_eq!(
        expr("count(DISTINCT n.x)"),
        Expr::Function {
            name: "count".into(),
            distinct: true,
            args: vec![prop(var("n"), "x")]
        }
    );
    assert_eq!(
        expr("toLower('A')"),
        Expr::Function {
            name: "toLower".into(),
            distinct: false,
            args: vec![Expr::Literal(Literal::String("A".into()))]
        }
    );
    assert_eq!(
        expr("[x IN l WHERE x > 1 | x * 2]"),
        Expr::ListComprehension {
            variable: "x".into(),
            list: Box::new(var("l")),
            filter: Some(Box::new(bin(BinaryOp::Gt, var("x"), int(1)))),
            map: Some(Box::new(bin(BinaryOp::Mul, var("x"), int(2)))),
        }
    );
    assert!(matches!(
        expr("[x IN l]"),
        Expr::ListComprehension {
            filter: None,
            map: None,
            ..
        }
    ));
    assert_eq!(
        expr("[(x IN l), 2]"),
        Expr::List(vec![bin(BinaryOp::In, var("x"), var("l")), int(2)])
    );
    assert!(matches!(
        expr("[p = (a)-[:KNOWS]->(b) WHERE b.x | b.name]"),
        Expr::PatternComprehension { ref pattern, filter: Some(_), .. } if pattern.variable.as_deref() == Some("p")
    ));
    assert!(
        matches!(expr("[(a)-->(b), 1]"), Expr::List(ref l) if matches!(l[0], Expr::PatternPredicate(_)))
    );
    assert!(matches!(
        expr("none(x IN l WHERE x = 1)"),
        Expr::Quantified {
            quantifier: Quantifier::None,
            ..
        }
    ));
    assert!(matches!(
        expr("single(x IN l WHERE x = 1)"),
        Expr::Quantified {
            quantifier: Quantifier::Single,
            ..
        }
    ));
    assert!(matches!(
        expr("reduce(acc = 0, x IN l | acc + x)"),
        Expr::Reduce { ref accumulator, .. } if accumulator == "acc"
    ));
    assert!(matches!(
        expr("CASE n.x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END"),
        Expr::Case { subject: Some(_), ref whens, else_: Some(_) } if whens.len() == 2
    ));
    assert!(matches!(
        expr("CASE WHEN a THEN 1 END"),
        Expr::Case {
            subject: None,
            else_: None,
            ..
        }
    ));
    assert!(matches!(
        expr("exists { MATCH (a)-->(b) WHERE b.x = 1 }"),
        Expr::Exists { ref patterns, where_: Some(_) } if patterns.len() == 1
    ));
    assert!(matches!(
        expr("exists { (a)-->(b) }"),
        Expr::Exists { where_: None, .. }
    ));
    assert!(
        matches!(expr("{a: 1, `b c`: [1, 2.5, 'x', null, true]}"), Expr::Map(ref m) if m.len() == 2)
    );
    assert_eq!(expr("(a)"), var("a"));
    assert_eq!(
        expr("(a:L)"),
        Expr::HasLabels(Box::new(var("a")), vec!["L".into()])
    );
}

#[test]
fn patterns() {
    let c = clauses(
        "MATCH p = (a:Actor {name: $n})-[r:CLAIMS|:DENIES]->(s)<-[*2]-(x), (y)-[*]-(z), ()<-->() \
         OPTIONAL MATCH q = shortestPath((a)-[*..3]->(b)), allShortestPaths((a)-[:T*2..]-(b)) RETURN *",
    );
    let Clause::Match {
        optional: false,
        patterns,
        where_: None,
    } = &c[0]
    else {
        panic!("{:?}", c[0])
    };
    assert_eq!(patterns.len(), 3);
    let p = &patterns[0];
    assert_eq!(p.variable.as_deref(), Some("p"));
    assert_eq!(p.kind, PathKind::Normal);
    assert!(matches!(p.start.properties, Some(Expr::Map(_))));
    assert_eq!(
        p.steps[0].0.types,
        vec!["CLAIMS".to_string(), "DENIES".to_string()]
    );
    assert_eq!(p.steps[0].0.direction, Direction::Outgoing);
    assert_eq!(p.steps[1].0.direction, Direction::Incoming);
    assert_eq!(
        p.steps[1].0.length,
        Some(Range {
            min: Some(2),
            max: Some(2)
        })
    );
    assert_eq!(
        patterns[1].steps[0].0.length,
        Some(Range {
            min: None,
            max: None
        })
    );
    assert_eq!(patterns[1].steps[0].0.direction, Direction::Both);
    assert_eq!(patterns[2].steps[0].0.direction, Direction::Both);
    let Clause::Match {
        optional: true,
        patterns,
        ..
    } = &c[1]
    else {
        panic!("{:?}", c[1])
    };
    assert_eq!(patterns[0].kind, PathKind::Shortest);
    assert_eq!(
        patterns[0].steps[0].0.length,
        Some(Range {
            min: None,
            max: Some(3)
        })
    );
    assert_eq!(patterns[1].kind, PathKind::AllShortest);
    assert_eq!(
        patterns[1].steps[0].0.length,
        Some(Range {
            min: Some(2),
            max: None
        })
    );
    let c = clauses("MATCH (a)-[r *1..3 {since: 2020}]->(b) WHERE (a)-[:DENIES]->(b) RETURN r");
    let Clause::Match {
        patterns,
        where_: Some(Expr::PatternPredicate(_)),
        ..
    } = &c[0]
    else {
        panic!("{:?}", c[0])
    };
    assert_eq!(
        patterns[0].steps[0].0.length,
        Some(Range {
            min: Some(1),
            max: Some(3)
        })
    );
    assert!(patterns[0].steps[0].0.properties.is_some());
}

#[test]
fn projections() {
    let c = clauses(
        "MATCH (n) WITH DISTINCT n.name AS name, count(*) ORDER BY name DESC, count(*) SKIP 1 LIMIT 2 WHERE name <> '' \
         RETURN *, name, a.num+1 ORDER BY name ASCENDING",
    );
    let Clause::With(w) = &c[1] else {
        panic!("{:?}", c[1])
    };
    assert!(w.distinct && !w.star);
    assert_eq!(w.items[0].name, "name");
    assert_eq!(w.items[0].alias.as_deref(), Some("name"));
    assert_eq!(w.items[1].name, "count(*)");
    assert_eq!(w.items[1].alias, None);
    assert!(w.order_by[0].descending && !w.order_by[1].descending);
    assert_eq!(w.skip, Some(int(1)));
    assert_eq!(w.limit, Some(int(2)));
    assert!(w.where_.is_some());
    let Clause::Return(r) = &c[2] else {
        panic!("{:?}", c[2])
    };
    assert!(r.star);
    assert_eq!(r.items[1].name, "a.num+1");
    assert!(!r.order_by[0].descending);
}

#[test]
fn writing_clauses() {
    let c = clauses(
        "MERGE (a:Actor {name: 'x'}) ON CREATE SET a.new = true ON MATCH SET a.seen = a.seen + 1, a:Seen \
         SET a += {k: 1}, a = $props, (a.m).k = 2 REMOVE a.k, a:Old:Older \
         CREATE (a)-[:LEADS]->(:Organisation) DETACH DELETE a DELETE a, b",
    );
    let Clause::Merge {
        on_create,
        on_match,
        ..
    } = &c[0]
    else {
        panic!("{:?}", c[0])
    };
    assert_eq!(on_create.len(), 1);
    assert_eq!(on_match.len(), 2);
    assert!(matches!(&on_match[1], SetItem::Labels { labels, .. } if labels == &["Seen"]));
    let Clause::Set(items) = &c[1] else {
        panic!("{:?}", c[1])
    };
    assert!(matches!(&items[0], SetItem::Merge { variable, .. } if variable == "a"));
    assert!(matches!(
        &items[1],
        SetItem::Replace {
            value: Expr::Parameter(_),
            ..
        }
    ));
    assert!(matches!(&items[2], SetItem::Property { target, key, .. }
        if *target == prop(var("a"), "m") && key == "k"));
    let Clause::Remove(items) = &c[2] else {
        panic!("{:?}", c[2])
    };
    assert!(matches!(&items[0], RemoveItem::Property { key, .. } if key == "k"));
    assert!(matches!(&items[1], RemoveItem::Labels { labels, .. } if labels.len() == 2));
    assert!(matches!(&c[3], Clause::Create(p) if p[0].steps.len() == 1));
    assert!(matches!(&c[4], Clause::Delete { detach: true, .. }));
    assert!(matches!(&c[5], Clause::Delete { detach: false, exprs } if exprs.len() == 2));
    assert!(matches!(
        &clauses("UNWIND [1, 2] AS x CREATE ({v: x})")[0],
        Clause::Unwind { variable, .. } if variable == "x"
    ));
}

#[test]
fn statements_modes_and_unions() {
    let s =
        statement("EXPLAIN MATCH (n) RETURN n UNION ALL MATCH (m) RETURN m UNION RETURN 1 AS n;");
    assert_eq!(s.mode, Mode::Explain);
    assert_eq!(s.query.unions.len(), 2);
    assert!(s.query.unions[0].0);
    assert!(!s.query.unions[1].0);
    assert_eq!(statement("profile RETURN 1").mode, Mode::Profile);
}

#[test]
fn errors_point_at_the_problem_in_words() {
    let d = error("MATCH (n)\nRETRUN n");
    assert_eq!((d.line, d.column), (2, 1));
    assert_eq!(d.line_text, "RETRUN n");
    assert!(
        d.message.contains("a clause such as MATCH or RETURN"),
        "{}",
        d.message
    );
    assert!(d.message.contains("found `RETRUN`"), "{}", d.message);
    assert!(!d.message.contains("kw_"), "{}", d.message);
    let rendered = d.to_string();
    assert!(rendered.contains(" --> query:2:1"), "{rendered}");
    assert!(rendered.ends_with("  | ^"), "{rendered}");

    let d = error("RETURN (1 + 2");
    assert_eq!(d.column, 14);
    assert!(d.message.contains("expected `)`"), "{}", d.message);
    assert!(
        d.message.contains("found the end of the query"),
        "{}",
        d.message
    );

    let d = error("RETURN 1 +");
    assert!(d.message.contains("an expression"), "{}", d.message);
    let d = error("MATCH (n RETURN n");
    assert_eq!(d.column, 10);
    assert!(d.message.contains("`)`"), "{}", d.message);
    let d = error("RETURN [1, 2");
    assert!(d.message.contains("`]`"), "{}", d.message);
    let d = error("MATCH (n) RETURN n LIMIT");
    assert!(d.message.contains("an expression"), "{}", d.message);

    for empty in ["", "   ", "// only a comment", "/* a block */", ";"] {
        let d = error(empty);
        assert!(
            d.message.contains("a clause such as MATCH or RETURN"),
            "{empty:?}: {}",
            d.message
        );
    }
    let d = error("RETURN 'open");
    assert_eq!(d.column, 8);
    assert!(d.message.contains("never closed"), "{}", d.message);
    let d = error("RETURN 1 /* open");
    assert_eq!(d.column, 10);
    let d = error("RETURN `open");
    assert!(d.message.contains("backquoted"), "{}", d.message);
    let d = error("MATCH (n) RETURN n AS end");
    assert!(
        d.message.contains("`end` is a reserved word"),
        "{}",
        d.message
    );
    let d = error("MATCH (n {a: 1} RETURN n");
    assert!(d.message.starts_with("expected `)`"), "{}", d.message);
    let d = error("MATCH (n RETURN n");
    assert!(d.message.contains("properties such as"), "{}", d.message);
    let d = error("RETURN 1; RETURN 2");
    assert!(d.message.contains("the end of the query"), "{}", d.message);
    let d = error("RETURN 1\0");
    assert!(d.message.contains("U+0000"), "{}", d.message);
    let d = error("RETURN \u{7}1");
    assert_eq!(d.column, 8);
}

#[test]
fn clause_order_is_checked() {
    let d = error("MATCH (n)");
    assert!(d.message.contains("cannot end with MATCH"), "{}", d.message);
    let d = error("MATCH (n) WITH n");
    assert!(d.message.contains("cannot end with WITH"), "{}", d.message);
    let d = error("RETURN 1 MATCH (n) RETURN n");
    assert_eq!(d.column, 10);
    assert!(
        d.message.contains("RETURN must be the last clause"),
        "{}",
        d.message
    );
    assert!(parse("MATCH (n) DETACH DELETE n").is_ok());
    assert!(parse("CREATE (n) WITH n MATCH (m) RETURN m").is_ok());
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    for text in [
        format!("RETURN {}", "(".repeat(100_000)),
        format!("RETURN {}", "[".repeat(100_000)),
        format!("RETURN {}", "{a: ".repeat(100_000)),
        format!(
            "RETURN {}1{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        ),
    ] {
        let d = error(&text);
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
    }
    let d = error(&format!("RETURN 1{}", "+1".repeat(100_000)));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    let d = error(&format!("RETURN {}true", "NOT ".repeat(100_000)));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    let d = error(&format!("RETURN {}1", "- ".repeat(100_000)));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    let d = error(&format!(
        "RETURN {}1{}",
        "CASE ".repeat(3_000),
        " WHEN 1 THEN 2 END".repeat(3_000)
    ));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    let d = error(&format!("RETURN {}1", "CASE ".repeat(100_000)));
    assert!(d.line == 1 && d.column > 1, "{d:?}");
    let d = error(&format!("RETURN n{}", ".a".repeat(100_000)));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
    let d = error(&format!(
        "MATCH (n) WHERE {} RETURN n",
        vec!["n.x = 1"; 2_000].join(" OR ")
    ));
    assert!(d.message.contains("nested too deeply"), "{}", d.message);
}

#[test]
fn nesting_at_the_limit_parses_and_prints() {
    let n = MAX_NESTING / 2;
    let texts = [
        format!(
            "RETURN {}1{}",
            "CASE ".repeat(MAX_NESTING),
            " WHEN 1 THEN 2 END".repeat(MAX_NESTING)
        ),
        format!("RETURN {}1{}", "({k: ".repeat(n), "}) - 1".repeat(n)),
        format!(
            "RETURN {}1{}",
            "[x IN ".repeat(MAX_NESTING),
            " | x]".repeat(MAX_NESTING)
        ),
        format!(
            "RETURN {}1{}",
            "f(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        ),
        format!("RETURN {}", vec!["1"; MAX_EXPR_DEPTH].join(" + ")),
    ];
    for text in texts {
        let s = statement(&text);
        let printed = s.to_string();
        assert_eq!(parse(&printed).map(|p| p.to_string()).ok(), Some(printed));
    }
}

#[test]
fn nested_alternatives_do_not_take_exponential_time() {
    // Each level offers a pattern, a parenthesised expression and a map;
    // a parser that retried alternatives would need 2^60 steps here.
    let n = 60;
    let texts = [
        format!(
            "RETURN {}1{}",
            "[(a {k: ".repeat(n),
            "})-->(), 1]".repeat(n)
        ),
        format!("RETURN {}1{}", "({k: ".repeat(n), "}) - -(1)".repeat(n)),
        format!("RETURN {}1{}", "a[b[".repeat(n), "]..]".repeat(n)),
        format!("RETURN {}1{}", "any(x IN ".repeat(n), ")".repeat(n)),
        // The same, failing at the innermost level, which makes every
        // enclosing level give up too.
        format!(
            "RETURN {}1 +{}",
            "[(a {k: ".repeat(n),
            "})-->(), 1]".repeat(n)
        ),
        format!("RETURN {}1 +{}", "({k: ".repeat(n), "}) - -(1)".repeat(n)),
    ];
    for text in texts {
        let started = std::time::Instant::now();
        let _ = parse(&text);
        assert!(started.elapsed().as_secs() < 10, "{text}");
    }
}

#[test]
fn full_exists_subqueries_parse_and_print_back() {
    let text = "MATCH (n) WHERE exists { MATCH (n)-->(m) WITH m WHERE m.x = 1 RETURN m \
                UNION MATCH (n)<--(m) RETURN m } AND exists { WITH n RETURN n } RETURN n";
    let s = statement(text);
    let Some(Clause::Match {
        where_: Some(Expr::Binary(BinaryOp::And, a, b)),
        ..
    }) = s.query.first.clauses.first()
    else {
        panic!("{s:?}")
    };
    let Expr::ExistsQuery(q) = &**a else {
        panic!("{a:?}")
    };
    // The first MATCH, WITH and RETURN, then the union's part.
    assert_eq!(q.first.clauses.len(), 3);
    assert_eq!(q.unions.len(), 1);
    assert!(matches!(&**b, Expr::ExistsQuery(q) if q.first.clauses.len() == 2));
    let printed = s.to_string();
    assert_eq!(statement(&printed), s, "{printed}");
    // The pattern form stays what it was.
    let s = statement("MATCH (n) WHERE exists { MATCH (n)-->(m) WHERE m.x = 1 } RETURN n");
    assert!(s
        .to_string()
        .contains("exists { MATCH (n)-->(m) WHERE m.x = 1 }"));
}
