use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::import::item::{Progress, Report};
use crate::import::triples::{parse_range_with, Paths};

/// The items and diagnostics of a whole file, parsed by `paths`.
fn parse_all(src: &str, paths: Paths) -> (Vec<Item<'_>>, Vec<String>) {
    let mut report = Report::new("t.triples", src);
    let mut progress = Progress::new(None, src.len());
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let items = parse_range_with(src, start, src.len(), &mut report, &mut progress, paths)
        .into_iter()
        .collect();
    let diags = report
        .finish()
        .items
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    (items, diags)
}

/// Both paths make the same items and the same diagnostics of `src`.
fn same_as_pest(src: &str) -> Result<(), TestCaseError> {
    let fast = parse_all(src, Paths::HandWritten);
    let pest = parse_all(src, Paths::PestOnly);
    prop_assert_eq!(fast, pest, "source: {:?}", src);
    Ok(())
}

/// The item the fast path makes of `src`, a single item line that it must
/// cover, after checking that pest makes the same one without complaint.
fn covered(src: &str) -> Item<'_> {
    let Some(line) = line(src, 0, src.len()) else {
        panic!("the fast path gave up on {src:?}")
    };
    let (items, diags) = parse_all(src, Paths::PestOnly);
    assert!(diags.is_empty(), "{src:?}: {diags:?}");
    assert_eq!(items.len(), 1, "{src:?}");
    assert_eq!(line.item.as_ref(), items.first(), "{src:?}");
    assert_eq!(line.next, src.len(), "{src:?}");
    line.item.unwrap_or_else(|| panic!("{src:?} has no item"))
}

/// `src` is left to pest, and both paths agree on the whole file.
fn left_to_pest(src: &str) {
    assert!(
        line(src, 0, src.len()).is_none(),
        "the fast path took {src:?}"
    );
    if let Err(e) = same_as_pest(src) {
        panic!("{e}");
    }
}

fn first_prop(item: &Item<'_>) -> Value {
    let props = match &item.kind {
        ItemKind::Article { props, .. }
        | ItemKind::Entity { props, .. }
        | ItemKind::Statement { props, .. } => props,
        ItemKind::Triple(t) => &t.props,
    };
    props.first().map_or(Value::Null, |p| p.value.clone())
}

#[test]
fn every_form_of_the_corpus_is_covered() {
    let src = "article \"a-1\" {date: \"2023-01-27\", source: \"Outlet 30\"}";
    assert!(matches!(covered(src).kind, ItemKind::Article { .. }));
    assert!(matches!(
        covered("actor \"Yulia 24\"").kind,
        ItemKind::Entity {
            kind: Kind::Actor,
            ..
        }
    ));
    let item = covered("organisation \"W\" {aliases: [\"W G\", 'x'], n: 3}");
    assert_eq!(
        first_prop(&item),
        Value::List(vec![Value::from("W G"), Value::from("x")])
    );
    assert!(matches!(
        covered("statement s0 \"a (#0.0)\"").kind,
        ItemKind::Statement { .. }
    ));
    let item = covered("\"P 19\" claims s0 {date: \"2023-01-27\"}");
    let ItemKind::Triple(t) = &item.kind else {
        panic!("{item:?}")
    };
    assert_eq!(t.predicate_at, 7);
    assert_eq!(t.object.at, 14);
    assert_eq!(t.props[0].at, 18);
    let item = covered("org \"I\" assesses statement \"u\" {verdict: 'x'}");
    let ItemKind::Triple(t) = &item.kind else {
        panic!("{item:?}")
    };
    assert_eq!(
        t.subject.kind,
        EndpointKind::Entity(Kind::Organisation, "I".into())
    );
    assert_eq!(t.object.kind, EndpointKind::Statement("u".into()));
    covered("s0 about place \"L 66\"");
    covered("statement \"t\" about s1");
    covered("\"A\"leads\"B\"{k:1}");
}

#[test]
fn escapes() {
    let item = covered(r#"actor "a\"b\'c\\d\ne\tf\u00e9\uD83D\uDE00" {q: 'it\'s \"x\"'}"#);
    let ItemKind::Entity { name, .. } = &item.kind else {
        panic!("{item:?}")
    };
    assert_eq!(name, "a\"b'c\\d\ne\tfé😀");
    assert_eq!(first_prop(&item), Value::from("it's \"x\""));
    // Characters that only need no escape in the other quote, and raw tabs.
    covered("actor 'say \"x\"' {q: \"it's\\t\tok\"}");
    // A bad escape, a lone surrogate, a short \u: errors that pest reports.
    left_to_pest(r#"actor "a\qb""#);
    left_to_pest(r#"actor "a\uD83Dx""#);
    left_to_pest(r#"actor "a\u12""#);
    left_to_pest("actor \"open");
    left_to_pest("actor \"line\nbreak\"");
    left_to_pest("actor \"line\rbreak\"");
    left_to_pest("actor 'line\r\nbreak'");
}

#[test]
fn keywords_as_prefixes_are_labels() {
    for word in [
        "actorX",
        "statement1",
        "organ",
        "orgs",
        "places",
        "article_",
        "_s",
    ] {
        let src = format!("{word} about \"X\"");
        let item = covered(&src);
        let ItemKind::Triple(t) = &item.kind else {
            panic!("{item:?}")
        };
        assert_eq!(t.subject.kind, EndpointKind::Label(word.into()));
    }
    // A keyword is never a label, and `actorX "C"` is not `actor X "C"`.
    left_to_pest("actor about \"X\"");
    left_to_pest("statement actor \"t\"");
    left_to_pest("actorX \"C\"");
    left_to_pest("\"A\" claims article");
    left_to_pest("1s about \"X\"");
    // A keyword may be a predicate, and a predicate is all lower case.
    covered("\"A\" actor \"B\"");
    left_to_pest("\"A\" Leads \"B\"");
    left_to_pest("\"A\" leadS \"B\"");
    for kind in ["organization", "org", "place"] {
        covered(&format!("{kind} \"P\""));
    }
}

#[test]
fn numbers() {
    let value = |v: &str| {
        let src = format!("actor \"A\" {{v: {v}}}");
        first_prop(&covered(&src))
    };
    assert_eq!(value("42"), Value::Int(42));
    assert_eq!(value("-7"), Value::Int(-7));
    assert_eq!(value("-0"), Value::Int(0));
    assert_eq!(value("007"), Value::Int(7));
    assert_eq!(value("-9223372036854775808"), Value::Int(i64::MIN));
    assert_eq!(value("1.5"), Value::Float(1.5));
    assert_eq!(value("-2.5e3"), Value::Float(-2500.0));
    assert_eq!(value("1E-2"), Value::Float(0.01));
    assert_eq!(value("1e+2"), Value::Float(100.0));
    assert_eq!(value("-0.0"), Value::Float(-0.0));
    assert_eq!(value("true"), Value::Bool(true));
    assert_eq!(value("false"), Value::Bool(false));
    assert_eq!(value("null"), Value::Null);
    for bad in [
        "99999999999999999999",
        "1e400",
        "1.",
        ".5",
        "1.5.3",
        "1e",
        "1.5e",
        "1x",
        "-",
        "--1",
        "+1",
        "trueX",
        "nul",
    ] {
        left_to_pest(&format!("actor \"A\" {{v: {bad}}}"));
    }
}

#[test]
fn maps_and_lists() {
    assert!(matches!(
        covered("actor \"A\" {}").kind,
        ItemKind::Entity { ref props, .. } if props.is_empty()
    ));
    assert_eq!(
        first_prop(&covered("actor \"A\" {l: []}")),
        Value::List(vec![])
    );
    assert_eq!(
        first_prop(&covered("actor \"A\" { l : [ 1 , 'b' , ] , m: 2, }")),
        Value::List(vec![Value::Int(1), Value::from("b")])
    );
    covered("actor \"A\" {_k1: 1, true: 2, null: [null, true, false, -1.5]}");
    // Forms left to pest: errors, duplicates, back-quoted keys, nesting,
    // and maps that span lines or hold comments.
    for bad in [
        "{,}",
        "{a: 1,,}",
        "{a 1}",
        "{a: [,]}",
        "{a: [[1]]}",
        "{a: {b: 1}}",
        "{a: 1, a: 2}",
        "{`a b`: 1}",
        "{a: 1",
        "{a: 1,\n b: 2}",
        "{a: # c\n 1}",
        "{1a: 1}",
    ] {
        left_to_pest(&format!("actor \"A\" {bad}"));
    }
}

#[test]
fn line_ends_comments_bom_and_blank_lines() {
    let src = "\u{feff}actor \"A\"\r\nactor \"B\" # note\n  # only a comment\n\n\t\r\n\"A\" leads \"B\"#x";
    let (items, diags) = parse_all(src, Paths::HandWritten);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(items.len(), 3);
    assert_eq!(items[1].at, src.find("actor \"B\"").unwrap_or(0));
    if let Err(e) = same_as_pest(src) {
        panic!("{e}");
    }
    let blank = line("  # c\r\nx", 0, 9).map(|l| (l.item.is_none(), l.next));
    assert_eq!(blank, Some((true, 7)));
    // A lone carriage return ends a line for the grammar: pest decides.
    left_to_pest("actor \"A\"\ractor \"B\"\n");
    left_to_pest("actor \"A\" extra");
    left_to_pest("actor \"A\" {a: 1} {b: 2}");
    // The fast path stops at `end`, as pest does at the end of its slice.
    let src = "actor \"A\"\nactor \"B\"\n";
    let first = line(src, 0, 10).map(|l| l.next);
    assert_eq!(first, Some(10));
    assert!(line(src, 0, 5).is_none());
}

/// Bits of `.triples` text: whole tokens, near misses, and characters that
/// the grammar treats specially.
fn string_literal() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        12 => select(vec![
            "a", "Hanna Maliar", " ", "é", "😀", "#", "{", "}", "[", ",", ":", "'", "\"",
            "\\\"", "\\'", "\\\\", "\\n", "\\t", "\\u00e9", "\\uD83D\\uDE00", "\\uD800", "\\q",
            "\\u12", "\t", "\u{1}",
        ]),
        // Raw line breaks, which no string may hold.
        1 => select(vec!["\r", "\n"]),
    ];
    (
        select(vec!['"', '\'']),
        proptest::collection::vec(piece, 0..5),
    )
        .prop_map(|(q, pieces)| {
            let mut s = String::from(q);
            for p in pieces {
                // A quote of the string's own kind needs its escape.
                if p.len() == 1 && p.starts_with(q) {
                    s.push('\\');
                }
                s.push_str(p);
            }
            s.push(q);
            s
        })
}

fn blank() -> impl Strategy<Value = &'static str> {
    select(vec!["", " ", " ", " ", "\t", "  "])
}

fn word() -> impl Strategy<Value = &'static str> {
    select(vec![
        "s1",
        "s_2",
        "x",
        "_y",
        "S1",
        "actorX",
        "statement1",
        "organ",
        "true",
        "claims",
        "actor",
        "org",
        "place",
        "statement",
        "article",
        "1a",
        "é",
    ])
}

fn predicate() -> impl Strategy<Value = &'static str> {
    select(vec![
        "claims",
        "denies",
        "assesses",
        "about",
        "leads",
        "member_of",
        "x2",
        "actor",
        "Leads",
        "_x",
    ])
}

fn kind() -> impl Strategy<Value = &'static str> {
    select(vec![
        "actor",
        "organisation",
        "organization",
        "org",
        "place",
    ])
}

fn endpoint() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string_literal(),
        2 => (kind(), blank(), string_literal()).prop_map(|(k, b, s)| format!("{k} {b}{s}")),
        1 => (blank(), string_literal()).prop_map(|(b, s)| format!("statement{b} {s}")),
        3 => word().prop_map(str::to_string),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string_literal(),
        2 => select(vec![
            "0", "-0", "42", "-7", "007", "99999999999999999999", "1.5", "-2.5e3", "1E-2",
            "1e400", "1.", ".5", "1e", "1x", "true", "false", "null", "trueX", "-",
        ])
        .prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => scalar(),
        1 => (proptest::collection::vec(scalar(), 0..4), any::<bool>(), blank()).prop_map(
            |(items, trailing, b)| {
                let comma = if trailing && !items.is_empty() { "," } else { "" };
                format!("[{b}{}{comma}{b}]", items.join(&format!("{b},{b}")))
            }
        ),
    ]
}

fn map() -> impl Strategy<Value = String> {
    let key = select(vec![
        "date", "quote", "k", "_k", "aliases", "true", "`b q`", "1k",
    ]);
    let sep = select(vec![", ", ",", " , ", ",\n  ", ", # c\n"]);
    (
        proptest::collection::vec((key, blank(), value(), sep), 0..4),
        any::<bool>(),
        blank(),
    )
        .prop_map(|(pairs, trailing, b)| {
            let mut s = format!("{{{b}");
            let n = pairs.len();
            for (i, (k, b2, v, sep)) in pairs.into_iter().enumerate() {
                s.push_str(&format!("{k}{b2}:{b2}{v}"));
                if i + 1 < n || trailing {
                    s.push_str(sep);
                }
            }
            s.push_str(b);
            s.push('}');
            s
        })
}

fn props() -> impl Strategy<Value = String> {
    proptest::option::of(map()).prop_map(Option::unwrap_or_default)
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => (string_literal(), blank(), props())
            .prop_map(|(id, b, m)| format!("article {id}{b}{m}")),
        2 => (kind(), string_literal(), blank(), props())
            .prop_map(|(k, n, b, m)| format!("{k} {n}{b}{m}")),
        2 => (word(), string_literal(), props())
            .prop_map(|(l, t, m)| format!("statement {l} {t} {m}")),
        5 => (endpoint(), blank(), predicate(), blank(), endpoint(), blank(), props())
            .prop_map(|(s, b1, p, b2, o, b3, m)| format!("{s}{b1} {p} {b2}{o}{b3}{m}")),
    ]
}

fn line_text() -> impl Strategy<Value = String> {
    let end = select(vec!["\n", "\n", "\n", "\r\n", " # note\n", "\r", "#x\n"]);
    prop_oneof![
        8 => (blank(), item(), blank(), end.clone())
            .prop_map(|(b, i, b2, e)| format!("{b}{i}{b2}{e}")),
        1 => (blank(), end.clone()).prop_map(|(b, e)| format!("{b}{e}")),
        1 => end.prop_map(|e| format!("# a comment{e}")),
    ]
}

/// A file of generated lines, maybe with a byte-order mark and without a
/// final line break.
fn file() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        proptest::collection::vec(line_text(), 0..12),
        any::<bool>(),
    )
        .prop_map(|(bom, lines, cut_last)| {
            let mut s = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            s.extend(lines);
            if cut_last && s.ends_with('\n') {
                s.pop();
            }
            s
        })
}

/// One edit of a file: a deletion, an insertion of a character the
/// grammar cares about, or a duplicated stretch.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, char),
    Repeat(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1..4usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            any::<usize>(),
            prop_oneof![
                3 => select(vec![
                    '"', '\'', '\\', '{', '}', '[', ']', ',', ':', '#', '\n', '\r', ' ', 'a',
                    'Z', '1', '-', '.', 'é', '`', '\u{feff}',
                ]),
                1 => proptest::char::range(' ', '~'),
            ]
        )
            .prop_map(|(at, c)| Edit::Insert(at, c)),
        (any::<usize>(), 1..12usize).prop_map(|(at, n)| Edit::Repeat(at, n)),
    ];
    proptest::collection::vec(edit, 1..4)
}

fn garble(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len();
        match *edit {
            Edit::Delete(at, n) if len > 0 => {
                let at = at % len;
                chars.drain(at..(at + n).min(len));
            }
            Edit::Insert(at, c) => chars.insert(at % (len + 1), c),
            Edit::Repeat(at, n) if len > 0 => {
                let at = at % len;
                let piece: Vec<char> = chars[at..(at + n).min(len)].to_vec();
                chars.splice(at..at, piece);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

#[test]
fn the_examples_parse_the_same_on_both_paths() {
    for name in ["bakhmut.triples", "bakhmut-followup.triples"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let src =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(e) = same_as_pest(&src) {
            panic!("{name}: {e}");
        }
        // Every item of the examples takes the fast path but those whose
        // map spans lines.
        let (items, _) = parse_all(&src, Paths::PestOnly);
        let fast = src
            .lines()
            .filter(|l| line(l, 0, l.len()).is_some_and(|l| l.item.is_some()))
            .count();
        let spanning = src
            .lines()
            .filter(|l| l.contains('{') && !l.contains('}'))
            .count();
        assert!(spanning > 0, "{name}");
        assert_eq!(fast + spanning, items.len(), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn generated_files_parse_the_same_on_both_paths(src in file()) {
        same_as_pest(&src)?;
    }

    #[test]
    fn garbled_files_parse_the_same_on_both_paths(src in file(), edits in edits()) {
        same_as_pest(&garble(&src, &edits))?;
    }

    /// The generator's clean lines of the covered forms are taken by the
    /// fast path: the differential tests do exercise it.
    #[test]
    fn clean_single_line_items_take_the_fast_path(
        (s, p, o) in (string_literal(), predicate(), endpoint()),
    ) {
        let src = format!("{s} {p} {o} {{date: \"2023-04-02\", n: [1, -2.5]}}\n");
        let pest = parse_all(&src, Paths::PestOnly);
        if pest.1.is_empty() {
            let fast = line(&src, 0, src.len());
            prop_assert!(fast.is_some(), "the fast path gave up on {:?}", src);
            let item = fast.and_then(|l| l.item);
            prop_assert_eq!(item.as_ref(), pest.0.first());
        }
    }
}
