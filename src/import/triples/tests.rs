use super::*;

fn parse_str(src: &str) -> (Vec<Item<'_>>, Vec<String>) {
    let mut report = Report::new("t.triples", src);
    let mut progress = Progress::new(None, src.len());
    let items = parse(src, &mut report, &mut progress).into_iter().collect();
    let diags = report
        .finish()
        .items
        .into_iter()
        .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
        .collect();
    (items, diags)
}

/// Like `parse_str`, by the given paths, and without a byte-order mark.
fn parse_str_with(src: &str, paths: Paths) -> (Vec<Item<'_>>, Vec<String>) {
    let mut report = Report::new("t.triples", src);
    let mut progress = Progress::new(None, src.len());
    let items = parse_range_with(src, 0, src.len(), &mut report, &mut progress, paths)
        .into_iter()
        .collect();
    let diags = report
        .finish()
        .items
        .into_iter()
        .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
        .collect();
    (items, diags)
}

#[test]
fn items_of_every_kind() {
    let src = "# c\narticle \"a\" {date: \"2023-04-03\",\n  n: [1, -2.5e3, true, null, 'x']}\n\
               actor \"A\" {aliases: [\"B\"]}\nstatement s1 \"t \\u00e9\"\n\"A\" claims s1 {q: 'it\\'s'} # end\n\
               organisation \"O\" assesses statement \"u\"\n";
    let (items, diags) = parse_str(src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(items.len(), 5);
    let ItemKind::Article { props, .. } = &items[0].kind else {
        panic!("{:?}", items[0])
    };
    assert_eq!(
        props[1].value,
        Value::List(vec![
            Value::Int(1),
            Value::Float(-2500.0),
            Value::Bool(true),
            Value::Null,
            Value::from("x")
        ])
    );
    let ItemKind::Statement { text, .. } = &items[2].kind else {
        panic!()
    };
    assert_eq!(text, "t é");
    let ItemKind::Triple(t) = &items[4].kind else {
        panic!()
    };
    assert_eq!(
        t.subject.kind,
        EndpointKind::Entity(Kind::Organisation, "O".into())
    );
    assert_eq!(t.object.kind, EndpointKind::Statement("u".into()));
}

#[test]
fn errors_are_positioned_and_parsing_goes_on() {
    let src = "\"A\" ??? s1\nactor \"B\" {x: 99999999999999999999}\nactorX \"C\"\n\"D\" claims \"open\n\"E\" says 'bad \\q'\nplace \"P\" {a: 1,\n  b: }\nplace \"Q\"\n";
    let (items, diags) = parse_str(src);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(diags.len(), 6, "{diags:?}");
    assert!(
        diags[0].starts_with("1:5: expected a predicate"),
        "{diags:?}"
    );
    assert!(diags[1].starts_with("2:15: the integer"), "{diags:?}");
    assert!(
        diags[2].starts_with("3:1: unknown kind \"actorX\": did you mean \"actor\"?"),
        "{diags:?}"
    );
    assert!(
        diags[3].starts_with("4:12: this string is not closed"),
        "{diags:?}"
    );
    assert!(diags[4].starts_with("5:15: unknown escape"), "{diags:?}");
    assert!(diags[5].starts_with("7:6:"), "{diags:?}");
}

#[test]
fn a_file_that_ends_inside_a_map_or_list_points_at_the_open_bracket() {
    let cases = [
        (
            "s about \"P\" {quote: \"q\",\n  page: 3",
            "1:13: this property map is never closed",
        ),
        (
            "s about \"P\" {quote: \"q\"",
            "1:13: this property map is never closed",
        ),
        (
            "actor \"B\" {aliases: [\"b\",",
            "1:21: this list is never closed",
        ),
        (
            "actor \"B\" {aliases: [\"b\"] # ]}\n",
            "1:11: this property map is never closed",
        ),
    ];
    for (src, expected) in cases {
        let (_, diags) = parse_str(src);
        assert_eq!(diags.len(), 1, "{src}: {diags:?}");
        assert!(diags[0].starts_with(expected), "{src}: {diags:?}");
    }
    // Brackets that close leave the usual message, at the usual place.
    let (_, diags) = parse_str("actor \"B\" {aliases: [\"b\",]}, x\n");
    assert!(!diags[0].contains("never closed"), "{diags:?}");
    // So do they when a second map opens after the first closed.
    let (_, diags) = parse_str("actor \"A\" {a: 1} {b: 2");
    assert!(
        diags[0].starts_with("1:18: expected the end of the line"),
        "{diags:?}"
    );
    // An error before the open bracket is reported where it is.
    let (_, diags) = parse_str("\"A\" ??? s {quote: \"q\"");
    assert!(
        diags[0].starts_with("1:5: expected a predicate"),
        "{diags:?}"
    );
}

#[test]
fn a_long_bad_line_is_read_a_few_times_not_once_per_line_of_a_block() {
    // One megabyte that reads as a statement label and then lacks its
    // predicate. Once the fast path tried such a line 256 times (over a
    // minute in a debug build); now it takes a few passes.
    let src = format!("article \"a\"\n{}\n", "x".repeat(1 << 20));
    for paths in [Paths::HandWritten, Paths::PestOnly] {
        let started = std::time::Instant::now();
        let (items, diags) = parse_str_with(&src, paths);
        let elapsed = started.elapsed();
        assert_eq!(items.len(), 1);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            elapsed < std::time::Duration::from_secs(15),
            "a bad line of 1 MB took {elapsed:?} ({paths:?})"
        );
    }
    // Lines past the first block are still read, and a map that spans the
    // end of a block still parses.
    let mut src = String::from("article \"a\"\n");
    for i in 0..(BLOCK_LINES - 2) {
        src.push_str(&format!("actor \"A{i}\"\n"));
    }
    src.push_str("actor \"Z\" {k: 1,\n  m: 2}\nactor \"Last\"");
    for paths in [Paths::HandWritten, Paths::PestOnly] {
        let (items, diags) = parse_str_with(&src, paths);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(items.len(), BLOCK_LINES + 1);
    }
    // Items whose maps span lines, many in a row, go to pest in short
    // blocks, which they cross.
    let mut src = String::new();
    for i in 0..(3 * FALLBACK_BLOCK_LINES) {
        src.push_str(&format!("actor \"B{i}\" {{k: 1,\n  m: 2}}\n"));
    }
    let (items, diags) = parse_str(&src);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(items.len(), 3 * FALLBACK_BLOCK_LINES);
    assert_eq!(items, parse_str_with(&src, Paths::PestOnly).0);
}

#[test]
fn keywords_need_a_word_boundary() {
    let (items, diags) = parse_str("statement1 about \"X\"\norg \"O\"\n");
    assert!(diags.is_empty(), "{diags:?}");
    let ItemKind::Triple(t) = &items[0].kind else {
        panic!()
    };
    assert_eq!(t.subject.kind, EndpointKind::Label("statement1".into()));
    assert!(matches!(
        items[1].kind,
        ItemKind::Entity {
            kind: Kind::Organisation,
            ..
        }
    ));
}

#[test]
fn strings_hold_any_character_but_their_quote_backslash_and_line_break() {
    let src = "actor \"it's [a] ~ \\\"b\\\" \t # é 😀\" {q: 'say \"x\" \\\\ \\n'}\n";
    let (items, diags) = parse_str(src);
    assert!(diags.is_empty(), "{diags:?}");
    let ItemKind::Entity { name, props, .. } = &items[0].kind else {
        panic!("{items:?}")
    };
    assert_eq!(name, "it's [a] ~ \"b\" \t # é 😀");
    assert_eq!(props[0].value, Value::from("say \"x\" \\ \n"));
}

#[test]
fn surrogate_pairs_and_lone_surrogates() {
    assert_eq!(unescape("\\uD83D\\uDE00").unwrap(), "😀");
    assert!(unescape("a\\uD83Dx").is_err());
}
