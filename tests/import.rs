//! Import: counts, identity, provenance, idempotence, format equivalence, and
//! every kind of bad input leaving the store unchanged.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use claimgraph::error::Diagnostics;
use claimgraph::{Database, Error, Format, ImportSummary, Stats, Value};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn import(db: &mut Database, name: &str) -> ImportSummary {
    db.import_file(&example(name), None, None)
        .unwrap_or_else(|e| panic!("importing {name} failed:\n{e}"))
}

/// Imports `text` as a file named `name` and returns its diagnostics, checking
/// that the import failed as an input error and that the store did not change.
fn import_fails(db: &mut Database, name: &str, text: &[u8], format: Format) -> Diagnostics {
    let before = db.stats();
    let before_dump = dump(db);
    let next = (db.graph().next_node_id(), db.graph().next_rel_id());
    let err = db
        .import_bytes(name, text, format, None)
        .expect_err("the import should fail");
    let Error::Input(diagnostics) = err else {
        panic!("expected an input error, got {err:?}")
    };
    assert_eq!(db.stats(), before, "a failed import changed the store");
    assert_eq!(dump(db), before_dump, "a failed import changed a record");
    assert_eq!(
        (db.graph().next_node_id(), db.graph().next_rel_id()),
        next,
        "a failed import used up ids"
    );
    db.graph()
        .verify_indexes()
        .expect("indexes agree after rollback");
    diagnostics
}

/// `line:column` of each diagnostic.
fn positions(d: &Diagnostics) -> Vec<String> {
    d.items
        .iter()
        .map(|d| format!("{}:{}", d.line, d.column))
        .collect()
}

/// The store's content, by keys rather than ids, so that two stores built in
/// different orders compare equal when they hold the same graph.
fn dump(db: &Database) -> (BTreeSet<String>, BTreeSet<String>) {
    let g = db.graph();
    let key = |id: u64| -> String {
        let n = g.node(id).expect("endpoint exists");
        let k = ["name", "text", "id"]
            .iter()
            .find_map(|p| n.get(p))
            .map_or_else(|| "?".to_string(), Value::to_string);
        format!("{:?}{k}", n.labels)
    };
    let nodes = g
        .nodes()
        .map(|n| format!("{:?} {}", n.labels, Value::Map(n.properties.to_btree())))
        .collect();
    let rels = g
        .relationships()
        .map(|r| {
            format!(
                "{} -[{} {}]-> {}",
                key(r.start),
                r.rel_type,
                Value::Map(r.properties.to_btree()),
                key(r.end)
            )
        })
        .collect();
    (nodes, rels)
}

fn counts(stats: &Stats) -> (usize, usize, usize) {
    (stats.nodes, stats.relationships, stats.articles)
}

// bakhmut.triples, counted by hand:
// - nodes: 1 article + 5 actors (Prigozhin, Yermak, Zelensky, Maliar, Tatarsky)
//   + 5 organisations (Wagner, General Staff, Ministry of Defence of Ukraine, ISW,
//   UK Ministry of Defence) + 4 places (Bakhmut, Kramatorsk, Sloviansk,
//   St. Petersburg) + 10 statements (s1..s10) = 25;
// - relationships: 5 open relations (LEADS, WORKS_FOR, MEMBER_OF, FIGHTS_IN,
//   DIED_IN) + 6 CLAIMS (4 by Prigozhin, 1 General Staff, 1 ISW) + 3 DENIES
//   (General Staff, Yermak, Maliar) + 3 ASSESSES (ISW twice, UK MoD)
//   + 14 ABOUT (5 + 1 + 6 + 2 in the four blocks) = 31.
const BAKHMUT_NODES: usize = 25;
const BAKHMUT_RELS: usize = 31;

// bakhmut-followup.triples, imported after it:
// - new nodes: 1 article + 2 actors (Shoigu, Gerasimov) + 1 organisation (the
//   Russian ministry) + 4 statements (w1..w4) = 8; the ISW statement is s6 of the
//   first article (same text once white space is collapsed), so it is not new;
// - nodes it refers to that exist: Prigozhin, Wagner, Hanna Maliar, ISW, Bakhmut
//   and statement s6 = 6;
// - new relationships: 3 open relations (the repeated LEADS is new because its
//   article differs) + 4 CLAIMS + 1 DENIES + 6 ABOUT + 1 ASSESSES = 15.
const FOLLOWUP_NODES: usize = 8;
const FOLLOWUP_RELS: usize = 15;

#[test]
fn the_example_article_has_the_counts_worked_out_by_hand() {
    let mut db = Database::in_memory();
    let summary = import(&mut db, "bakhmut.triples");
    assert_eq!(
        summary,
        ImportSummary {
            articles_added: 1,
            articles_existing: 0,
            nodes_added: BAKHMUT_NODES as u64,
            nodes_existing: 0,
            relationships_added: BAKHMUT_RELS as u64,
            relationships_existing: 0,
            new_types: [
                "ABOUT",
                "ASSESSES",
                "CLAIMS",
                "DENIES",
                "DIED_IN",
                "FIGHTS_IN",
                "LEADS",
                "MEMBER_OF",
                "WORKS_FOR"
            ]
            .map(String::from)
            .to_vec(),
        }
    );
    let stats = db.stats();
    assert_eq!(counts(&stats), (BAKHMUT_NODES, BAKHMUT_RELS, 1));
    let labels: Vec<(&str, usize)> = stats.labels.iter().map(|(l, n)| (l.as_str(), *n)).collect();
    assert_eq!(
        labels,
        [
            ("Actor", 5),
            ("Article", 1),
            ("Organisation", 5),
            ("Place", 4),
            ("Statement", 10)
        ]
    );
    let types: Vec<(&str, usize)> = stats.types.iter().map(|(t, n)| (t.as_str(), *n)).collect();
    assert_eq!(
        types,
        [
            ("ABOUT", 14),
            ("ASSESSES", 3),
            ("CLAIMS", 6),
            ("DENIES", 3),
            ("DIED_IN", 1),
            ("FIGHTS_IN", 1),
            ("LEADS", 1),
            ("MEMBER_OF", 1),
            ("WORKS_FOR", 1)
        ]
    );
    // Every edge carries its article.
    assert!(db
        .graph()
        .relationships()
        .all(|r| r.article() == Some("bakhmut-flag-2023-04-03")));
    // Escapes are resolved and statement texts are the key.
    let g = db.graph();
    let yermak = g.resolve_name("Andriy Yermak")[0];
    let quote = g
        .relationships_of(yermak, claimgraph::graph::Dir::Out)
        .find(|(r, _)| r.rel_type == "DENIES")
        .and_then(|(r, _)| r.get("quote").cloned());
    assert_eq!(
        quote,
        Some(Value::from(
            "calmly respond to the fakes of those who invent a \u{2018}victory\u{2019} that does not exist in reality"
        ))
    );
    g.verify_indexes().unwrap();
}

#[test]
fn importing_again_changes_nothing() {
    let mut db = Database::in_memory();
    import(&mut db, "bakhmut.triples");
    let before = (db.stats(), dump(&db));
    let again = import(&mut db, "bakhmut.triples");
    assert_eq!(
        again,
        ImportSummary {
            articles_added: 0,
            articles_existing: 1,
            nodes_added: 0,
            nodes_existing: BAKHMUT_NODES as u64,
            relationships_added: 0,
            relationships_existing: BAKHMUT_RELS as u64,
            new_types: Vec::new(),
        }
    );
    assert_eq!((db.stats(), dump(&db)), before);
    // The JSON Lines form of the same article is the same content, too.
    let third = import(&mut db, "bakhmut.jsonl");
    assert_eq!(third, again);
    assert_eq!((db.stats(), dump(&db)), before);
}

#[test]
fn the_followup_reuses_entities_by_name_and_alias() {
    let mut db = Database::in_memory();
    import(&mut db, "bakhmut.triples");
    let summary = import(&mut db, "bakhmut-followup.triples");
    assert_eq!(
        summary,
        ImportSummary {
            articles_added: 1,
            articles_existing: 0,
            nodes_added: FOLLOWUP_NODES as u64,
            nodes_existing: 6,
            relationships_added: FOLLOWUP_RELS as u64,
            relationships_existing: 0,
            new_types: Vec::new(),
        }
    );
    let stats = db.stats();
    assert_eq!(
        counts(&stats),
        (
            BAKHMUT_NODES + FOLLOWUP_NODES,
            BAKHMUT_RELS + FOLLOWUP_RELS,
            2
        )
    );
    let g = db.graph();
    // One node per entity, whatever name it was called by.
    for alias in [
        "Prigozhin",
        "Mr. Prigozhin",
        "Wagner chief",
        "Yevgeny Prigozhin",
    ] {
        assert_eq!(g.resolve_name(alias).len(), 1, "{alias}");
    }
    assert_eq!(g.label_count("Actor"), 7);
    assert_eq!(g.label_count("Organisation"), 6);
    let prigozhin = g.resolve_name("Mr. Prigozhin")[0];
    let wagner = g.resolve_name("Wagner Group")[0];
    assert_eq!(g.resolve_name("Wagner"), [wagner]);
    assert_eq!(
        g.node(prigozhin).unwrap().get("aliases"),
        Some(&Value::List(vec![
            "Prigozhin".into(),
            "Mr. Prigozhin".into(),
            "Wagner chief".into()
        ]))
    );
    // The same fact from two articles: two edges, each with its provenance.
    let leads: BTreeSet<&str> = g
        .relationships_of(prigozhin, claimgraph::graph::Dir::Out)
        .filter(|(r, other)| r.rel_type == "LEADS" && *other == wagner)
        .filter_map(|(r, _)| r.article())
        .collect();
    assert_eq!(
        leads,
        BTreeSet::from(["bakhmut-flag-2023-04-03", "bakhmut-withdrawal-2023-05-05"])
    );
    // The repeated assessment shares its statement node.
    let s6 = g
        .lookup_key(
            claimgraph::model::Kind::Statement,
            "Ukraine still controls a large portion of Bakhmut",
        )
        .unwrap();
    let assessed_by: Vec<Option<&str>> = g
        .relationships_of(s6, claimgraph::graph::Dir::In)
        .filter(|(r, _)| r.rel_type == "ASSESSES")
        .map(|(r, _)| r.article())
        .collect();
    assert_eq!(assessed_by.len(), 2, "{assessed_by:?}");
    // Importing both again changes nothing.
    let before = dump(&db);
    import(&mut db, "bakhmut.triples");
    let again = import(&mut db, "bakhmut-followup.triples");
    assert_eq!((again.nodes_added, again.relationships_added), (0, 0));
    assert_eq!(again.relationships_existing, FOLLOWUP_RELS as u64);
    assert_eq!(dump(&db), before);
}

#[test]
fn triples_and_jsonl_of_the_example_are_the_same_graph() {
    let mut a = Database::in_memory();
    let mut b = Database::in_memory();
    let sa = import(&mut a, "bakhmut.triples");
    let sb = import(&mut b, "bakhmut.jsonl");
    assert_eq!(sa, sb);
    assert_eq!(a.stats(), b.stats());
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn triples_and_jsonl_of_a_generated_corpus_are_the_same_graph() {
    let Some(shared) = common::shared("the generated-corpus import test") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    // 1000 articles make a file of more than 1 MiB, which is parsed on several threads.
    common::generate_corpus(&shared, 1000, out.path());
    let mut a = Database::in_memory();
    let mut b = Database::in_memory();
    let calls = std::cell::Cell::new(0u32);
    let last = std::cell::Cell::new((0u64, 0u64));
    let progress = |done: u64, total: u64| {
        assert!(done <= total);
        calls.set(calls.get() + 1);
        last.set((done, total));
    };
    let sa = a
        .import_file(&out.path().join("corpus.triples"), None, Some(&progress))
        .unwrap();
    assert!(
        calls.get() >= 2,
        "progress was reported {} times",
        calls.get()
    );
    assert_eq!(last.get().0, last.get().1, "progress ends at the total");
    let sb = b
        .import_file(&out.path().join("corpus.jsonl"), None, None)
        .unwrap();
    assert_eq!(sa, sb);
    assert_eq!(a.stats().articles, 1000);
    assert!(a.stats().relationships > 2000, "{:?}", a.stats());
    assert_eq!(a.stats(), b.stats());
    assert_eq!(dump(&a), dump(&b));
    // Each format imported over the other adds nothing.
    let again = a
        .import_file(&out.path().join("corpus.jsonl"), None, None)
        .unwrap();
    assert_eq!((again.nodes_added, again.relationships_added), (0, 0));
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn an_error_near_the_end_of_a_large_jsonl_file_is_placed_and_writes_nothing() {
    // More than 1 MiB, so that the file is parsed in parts on several threads.
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "{{\"article\": {{\"id\": \"a{i}\", \"date\": \"2023-01-02\"}}}}\n\
             {{\"triple\": {{\"s\": {{\"kind\": \"actor\", \"name\": \"Actor {i}\"}}, \"p\": \"claims\", \"o\": {{\"kind\": \"statement\", \"text\": \"Statement {i}\"}}}}}}\n"
        ));
    }
    assert!(text.len() > 1 << 20);
    let bad = "{\"triple\": {\"s\": {\"kind\": \"actor\", \"name\": \"X\"}, \"p\": \"Claims\", \"o\": \"Actor 1\"}}";
    text.push_str(bad);
    text.push('\n');
    let cut = "{\"article\": {\"id\": \"z\"";
    text.push_str("{\"article\": {\"id\": \"late\"}}\n");
    text.push_str(cut);
    text.push('\n');
    let lines = text.lines().count();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut db = Database::open(&path).unwrap();
    import(&mut db, "bakhmut.jsonl");
    let d = import_fails(&mut db, "big.jsonl", text.as_bytes(), Format::Jsonl);
    let column = bad.find("\"p\"").unwrap() + 1;
    assert_eq!(
        positions(&d),
        // serde_json places the end of the input at the line's last character.
        [
            format!("{}:{column}", lines - 2),
            format!("{lines}:{}", cut.len())
        ]
    );
    assert!(
        d.items[0].message.contains("\"p\" must be a predicate"),
        "{d}"
    );
    assert!(d.items[1].message.contains("not valid JSON"), "{d}");
    let shown = d.to_string();
    assert!(
        shown.contains(&format!(" --> big.jsonl:{}:{column}", lines - 2)),
        "{shown}"
    );
    // Nothing reached the disk either.
    let before = db.stats();
    drop(db);
    let db = Database::open(&path).unwrap();
    assert_eq!(db.stats(), before);
    assert_eq!(db.stats().articles, with_bakhmut().stats().articles);
}

fn with_bakhmut() -> Database {
    let mut db = Database::in_memory();
    import(&mut db, "bakhmut.triples");
    db
}

#[test]
fn a_syntax_error_names_the_spot_and_what_was_expected() {
    let mut db = with_bakhmut();
    let text = "article \"x\"\nstatement s1 \"t\"\n\"Hanna Maliar\" ??? s1\n";
    let d = import_fails(&mut db, "bad.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["3:16"]);
    let shown = d.to_string();
    assert!(shown.contains(" --> bad.triples:3:16"), "{shown}");
    assert!(shown.contains("expected a predicate"), "{shown}");
    assert!(
        shown.contains("3 | \"Hanna Maliar\" ??? s1\n  |                ^"),
        "{shown}"
    );
}

#[test]
fn an_unknown_name_is_an_error() {
    let mut db = with_bakhmut();
    let text = "article \"x\"\nstatement s1 \"t\"\n\"Nobody At All\" claims s1\n";
    let d = import_fails(&mut db, "bad.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["3:1"]);
    assert!(d.items[0]
        .message
        .contains("no entity is named \"Nobody At All\""));
}

#[test]
fn stance_rules_are_checked_where_they_are_broken() {
    let mut db = with_bakhmut();
    let text = "article \"x\"\nstatement s1 \"t\"\n\"Bakhmut\" claims s1\ns1 denies \"Wagner\"\n\"Wagner\" about s1\n";
    let d = import_fails(&mut db, "bad.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["3:11", "4:4", "5:10"]);
    assert!(d.items[0]
        .message
        .contains("CLAIMS must go from an Actor or Organisation"));
    assert!(d.items[2]
        .message
        .contains("ABOUT must go from a Statement"));
}

#[test]
fn invalid_utf8_is_an_error_at_the_first_bad_byte() {
    let mut db = with_bakhmut();
    let mut text = b"article \"x\"\nactor \"Caf\xc3\xa9 ".to_vec();
    text.extend_from_slice(b"\xff\xfe\"\n");
    let d = import_fails(&mut db, "bad.triples", &text, Format::Triples);
    assert_eq!(positions(&d), ["2:13"]);
    assert!(d.items[0].message.contains("not valid UTF-8"), "{d}");
    assert!(d.items[0].line_text.starts_with("actor \"Café"), "{d}");
}

#[test]
fn a_broken_json_line_names_its_line_and_column() {
    let mut db = with_bakhmut();
    let text = "{\"article\": {\"id\": \"x\"}}\n{\"entity\": {\"kind\": \"actor\", \"name\": }}\n";
    let d = import_fails(&mut db, "bad.jsonl", text.as_bytes(), Format::Jsonl);
    assert_eq!(positions(&d), ["2:38"]);
    assert!(d.items[0].message.contains("not valid JSON"), "{d}");
}

#[test]
fn jsonl_semantic_errors_are_positioned_too() {
    let mut db = with_bakhmut();
    let text = concat!(
        "{\"article\": {\"id\": \"x\", \"date\": \"2023-02-30\"}}\n",
        "{\"triple\": {\"s\": \"Bakhmut\", \"p\": \"claims\", \"o\": {\"kind\": \"statement\", \"text\": \"t\"}}}\n",
        "{\"triple\": {\"s\": \"Nobody\", \"p\": \"leads\", \"o\": \"Wagner\"}}\n",
    );
    let d = import_fails(&mut db, "bad.jsonl", text.as_bytes(), Format::Jsonl);
    assert_eq!(positions(&d), ["1:25", "2:29", "3:13"]);
}

#[test]
fn every_error_in_a_file_is_reported() {
    let mut db = with_bakhmut();
    let text = concat!(
        "article \"x\" {date: \"2023-4-1\"}\n",    // 1: bad date
        "actor \"A\" {n: 99999999999999999999}\n", // 2: integer too large
        "statement s1 \"t\"\n",
        "\"A\" claims s1 {\n",     // 4-5: a map over two lines
        "   q: }\n",               // 5: missing value
        "\"Nobody\" claims s1\n",  // 6: unknown name
        "\"Bakhmut\" denies s1\n", // 7: stance rule
        "s2 about \"Bakhmut\"\n",  // 8: unknown label
        "organisation \"Wagner\" about 'unclosed\n", // 9: unclosed string
        "\"Hanna Maliar\" claims s1\n", // 10: fine
    );
    let d = import_fails(&mut db, "many.triples", text.as_bytes(), Format::Triples);
    assert_eq!(
        positions(&d),
        ["1:14", "2:15", "5:7", "6:1", "7:11", "8:1", "9:29"],
        "{d}"
    );
    assert!(d.to_string().ends_with("7 errors"), "{d}");
}

#[test]
fn an_error_on_the_last_line_after_valid_ones_fails_the_whole_file() {
    let mut db = with_bakhmut();
    let mut text = std::fs::read_to_string(example("bakhmut-followup.triples")).unwrap();
    text.push_str("\"Wagner\" leads \"Nowhere\""); // no line break at the end
    let last = text.lines().count();
    let d = import_fails(&mut db, "f.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), [format!("{last}:16")]);
}

#[test]
fn a_name_of_two_kinds_asks_for_the_inline_form() {
    let mut db = with_bakhmut();
    // A name the file declares takes precedence over the store's.
    let text = "article \"x\"\nactor \"Bakhmut\"\nstatement s1 \"t\"\ns1 about \"Bakhmut\"\n";
    db.import_bytes("own.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
    let actor = db
        .graph()
        .lookup_key(claimgraph::model::Kind::Actor, "Bakhmut");
    let s1 = db
        .graph()
        .lookup_key(claimgraph::model::Kind::Statement, "t")
        .unwrap();
    let (_, about) = db
        .graph()
        .relationships_of(s1, claimgraph::graph::Dir::Out)
        .next()
        .unwrap();
    assert_eq!(Some(about), actor);
    // Now the store has an actor and a place named Bakhmut: the bare name is ambiguous.
    let text = "article \"y\"\nstatement s1 \"u\"\ns1 about \"Bakhmut\"\n";
    let d = import_fails(&mut db, "two.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["3:10"]);
    assert!(
        d.items[0]
            .message
            .contains("actor \"Bakhmut\" or place \"Bakhmut\""),
        "{d}"
    );
    // So does the same name declared twice in one file.
    let text = "place \"Kupol\"\norganisation \"Kupol\"\nstatement s1 \"u\"\ns1 about \"Kupol\"\n";
    let d = import_fails(&mut db, "two.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["4:10"]);
    // The inline form settles it.
    let text = "article \"y\"\nstatement s1 \"u\"\ns1 about place \"Bakhmut\"\n";
    db.import_bytes("two.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
}

#[test]
fn many_errors_are_capped() {
    let mut db = Database::in_memory();
    let text = "\"x\" ?\n".repeat(Diagnostics::CAP + 7);
    let d = import_fails(&mut db, "cap.triples", text.as_bytes(), Format::Triples);
    assert_eq!((d.items.len(), d.omitted), (Diagnostics::CAP, 7));
}

#[test]
fn an_unknown_extension_says_which_to_use() {
    let err = Format::from_path(Path::new("article.txt")).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(".triples") && message.contains("--format"),
        "{message}"
    );
    let mut db = Database::in_memory();
    assert!(db
        .import_file(&example("bakhmut.triples"), Some(Format::Triples), None)
        .is_ok());
}

#[test]
fn labels_are_local_to_their_article_and_can_be_bound_anew() {
    let mut db = with_bakhmut();
    let text = concat!(
        "statement s1 \"before any article\"\n",
        "\"Hanna Maliar\" claims s1\n",
        "article \"a\"\n",
        "statement s1 \"one\"\n",
        "statement s1 \"two\"\n",
        "\"Hanna Maliar\" claims s1\n",
        "article \"b\"\n",
        "s1 about \"Bakhmut\"\n",
    );
    let d = import_fails(&mut db, "l.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["8:1"]);
    let ok = &text[..text.rfind("s1 about").unwrap()];
    let summary = db
        .import_bytes("l.triples", ok.as_bytes(), Format::Triples, None)
        .unwrap();
    // Two articles, three statements, two CLAIMS edges (one without an article).
    assert_eq!((summary.nodes_added, summary.relationships_added), (5, 2));
    let g = db.graph();
    let two = g
        .lookup_key(claimgraph::model::Kind::Statement, "two")
        .unwrap();
    assert_eq!(g.degree(two, claimgraph::graph::Dir::In), 1);
    let before = g
        .lookup_key(claimgraph::model::Kind::Statement, "before any article")
        .unwrap();
    let (rel, _) = g
        .relationships_of(before, claimgraph::graph::Dir::In)
        .next()
        .unwrap();
    assert_eq!(rel.article(), None);
}

/// Opens a sled store that this process has just closed. sled's background
/// threads may hold its data files for a moment after the handle is dropped,
/// so a lock error is retried for a short while.
fn reopen(path: &Path) -> Database {
    let mut tries = 0;
    loop {
        match Database::open(path) {
            Ok(db) => return db,
            Err(Error::Storage(e)) if tries < 50 => {
                tries += 1;
                eprintln!("store still held, retrying: {e}");
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("cannot open {}: {e}", path.display()),
        }
    }
}

#[test]
fn a_failed_import_leaves_a_sled_store_as_it_was_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (stats, records) = {
        let mut db = reopen(dir.path());
        import(&mut db, "bakhmut.triples");
        (db.stats(), dump(&db))
    };
    {
        let mut db = reopen(dir.path());
        assert_eq!((db.stats(), dump(&db)), (stats.clone(), records.clone()));
        let mut bad = std::fs::read_to_string(example("bakhmut-followup.triples")).unwrap();
        bad.push_str("\n\"Wagner\" claims \"Bakhmut\"\n");
        import_fails(&mut db, "bad.triples", bad.as_bytes(), Format::Triples);
    }
    let mut db = reopen(dir.path());
    assert_eq!((db.stats(), dump(&db)), (stats, records));
    // And the good follow-up still imports, with the counts of a clean store.
    let summary = import(&mut db, "bakhmut-followup.triples");
    assert_eq!(summary.nodes_added, FOLLOWUP_NODES as u64);
    drop(db);
    let db = reopen(dir.path());
    assert_eq!(
        counts(&db.stats()),
        (
            BAKHMUT_NODES + FOLLOWUP_NODES,
            BAKHMUT_RELS + FOLLOWUP_RELS,
            2
        )
    );
    db.graph().verify_indexes().unwrap();
}

#[test]
fn progress_is_reported_now_and_then_and_ends_at_the_total() {
    let mut text = String::from("\u{feff}article \"p\" {date: \"2024-02-29\"}\nplace \"Here\"\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "statement s{i} \"claim number {i} about the place\"\ns{i} about \"Here\"\n"
        ));
    }
    let calls = std::cell::RefCell::new(Vec::new());
    let progress = |done: u64, total: u64| calls.borrow_mut().push((done, total));
    let mut db = Database::in_memory();
    let summary = db
        .import_bytes(
            "p.triples",
            text.as_bytes(),
            Format::Triples,
            Some(&progress),
        )
        .unwrap();
    assert_eq!(
        (summary.nodes_added, summary.relationships_added),
        (4002, 4000)
    );
    let calls = calls.into_inner();
    let total = text.len() as u64;
    assert!(calls.len() >= 3, "{calls:?}");
    assert!(calls.len() < 1000, "progress is not reported per item");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert!(calls.iter().all(|&(_, t)| t == total));
    assert_eq!(calls.last(), Some(&(total, total)));
}

#[test]
fn jsonl_labels_and_statement_lines_work_like_triples() {
    let triples = concat!(
        "article \"a\" {date: \"2023-05-01\"}\n",
        "actor \"A\" {aliases: ['Ay']}\n",
        "statement s1 \"  one   two \" {topic: \"x\"}\n",
        "\"Ay\" claims s1 {n: 1, f: 2.5, ok: true, tags: [\"t\", 3]}\n",
        "s1 about actor \"A\"\n",
    );
    let jsonl = concat!(
        "{\"article\": {\"id\": \"a\", \"date\": \"2023-05-01\"}}\n",
        "{\"entity\": {\"kind\": \"actor\", \"name\": \"A\", \"aliases\": [\"Ay\"]}}\n",
        "{\"statement\": {\"label\": \"s1\", \"text\": \"one two\", \"topic\": \"x\"}}\n",
        "{\"triple\": {\"s\": \"Ay\", \"p\": \"claims\", \"o\": {\"label\": \"s1\"}, \"props\": {\"n\": 1, \"f\": 2.5, \"ok\": true, \"tags\": [\"t\", 3]}}}\n",
        "{\"triple\": {\"s\": {\"label\": \"s1\"}, \"p\": \"about\", \"o\": {\"kind\": \"actor\", \"name\": \"A\"}}}\n",
    );
    let mut a = Database::in_memory();
    let mut b = Database::in_memory();
    a.import_bytes("x.triples", triples.as_bytes(), Format::Triples, None)
        .unwrap();
    b.import_bytes("x.jsonl", jsonl.as_bytes(), Format::Jsonl, None)
        .unwrap();
    assert_eq!(counts(&a.stats()), (3, 2, 1));
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn a_name_shared_by_two_entities_of_one_kind_is_refused() {
    // Within a kind, a name or alias names one entity: the second actor is
    // refused at its line, naming the first.
    let mut db = Database::in_memory();
    let text = "actor \"Ann Lee\" {aliases: [\"Lee\"]}\nactor \"Lee\"\nstatement s1 \"x\"\n\"Lee\" claims s1\n";
    let d = import_fails(&mut db, "lee.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["2:1"]);
    assert!(d.items[0].message.contains("Ann Lee"), "{d}");
    assert_eq!(db.stats().nodes, 0);
    // Another kind may use the name.
    let text = text.replace("actor \"Lee\"", "place \"Lee\"");
    let text = text.replace("\"Lee\" claims", "\"Ann Lee\" claims");
    db.import_bytes("lee.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
    let g = db.graph();
    let lee = g
        .lookup_key(claimgraph::model::Kind::Actor, "Ann Lee")
        .unwrap();
    assert_eq!(g.degree(lee, claimgraph::graph::Dir::Out), 1);
}

#[test]
fn the_imported_articles_answer_queries() {
    let mut db = Database::in_memory();
    import(&mut db, "bakhmut.triples");
    import(&mut db, "bakhmut-followup.triples");
    let result = db
        .query(
            "MATCH (p:Actor {name: 'Yevgeny Prigozhin'})-[r:LEADS]->(o:Organisation) \
             RETURN o.name AS org, r.article AS article ORDER BY article",
            &Default::default(),
        )
        .unwrap();
    let rows: Vec<String> = result.rows.iter().map(|row| format!("{:?}", row)).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("bakhmut-flag-2023-04-03"), "{rows:?}");
    assert!(
        rows[1].contains("bakhmut-withdrawal-2023-05-05"),
        "{rows:?}"
    );
    let result = db
        .query(
            "MATCH (x)-[:DENIES]->(s:Statement {text: 'Bakhmut is Russian in a legal sense'}) RETURN count(x) AS n",
            &Default::default(),
        )
        .unwrap();
    assert_eq!(
        format!("{:?}", result.rows),
        format!("{:?}", vec![vec![claimgraph::ResultValue::Int(3)]])
    );
}

#[test]
fn errors_anywhere_in_a_large_file_are_all_reported_in_order() {
    // Large enough to be parsed on several threads.
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "article \"a{i}\" {{date: \"2023-01-01\"}}\nactor \"Actor {i}\"\nstatement s \"Statement {i}\"\n\"Actor {i}\" claims s\n"
        ));
        if i == 3 || i == 10_000 || i == 19_999 {
            text.push_str("\"Actor 1\" claims ??? s\n");
        }
    }
    assert!(text.len() > 1 << 20);
    let mut db = Database::in_memory();
    let err = db
        .import_bytes("big.triples", text.as_bytes(), Format::Triples, None)
        .unwrap_err();
    let Error::Input(d) = err else {
        panic!("not an input error: {err}")
    };
    let lines: Vec<usize> = d.items.iter().map(|d| d.line).collect();
    // Blocks of four lines; each bad line shifts the ones after it by one.
    assert_eq!(lines, [17, 40_006, 80_003]);
    assert_eq!(db.stats().nodes, 0);
}

#[test]
fn dates_are_typed_and_anything_else_is_refused_at_its_place() {
    // Refused in both formats, each at its key, with a caret.
    let mut db = with_bakhmut();
    let text = "article \"x\" {date: \"yesterday\"}\nactor \"Yevgeny Prigozhin\"\n\
                statement s \"t\"\n\"Yevgeny Prigozhin\" claims s {date: \"06/01/2023\"}\n";
    let d = import_fails(&mut db, "bad.triples", text.as_bytes(), Format::Triples);
    assert_eq!(positions(&d), ["1:14", "4:31"]);
    assert!(d.items[0].message.contains("ISO 8601"), "{d}");
    assert!(d.to_string().contains('^'), "{d}");
    let text = concat!(
        "{\"article\": {\"id\": \"x\", \"date\": \"2022-12\"}}\n",
        "{\"triple\": {\"s\": \"Bakhmut\", \"p\": \"near\", \"o\": \"Wagner\", \"props\": {\"date\": \"yesterday\"}}}\n",
    );
    let d = import_fails(&mut db, "bad.jsonl", text.as_bytes(), Format::Jsonl);
    assert_eq!(d.items.len(), 1, "{d}");
    assert!(d.items[0].message.contains("yesterday"), "{d}");

    // Accepted: a month, a week date, a datetime with its offset; stored typed.
    let text = "article \"m\" {date: \"2022-12\"}\nactor \"A\"\nstatement s \"t\"\n\
                \"A\" claims s {date: \"2022-W48-3\"}\n\"A\" denies statement \"u\" {date: \"2022-12-02T21:30:00+03:00\"}\n";
    db.import_bytes("ok.triples", text.as_bytes(), Format::Triples, None)
        .expect("ISO dates import");
    let r = db
        .query(
            "MATCH (:Actor {name: 'A'})-[r]->() \
             RETURN type(r) AS t, r.date AS d, article(r).date AS ad, \
                    r.date > article(r).date AS later, article(r).date.month AS m ORDER BY t",
            &Default::default(),
        )
        .unwrap();
    let text: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| row.iter().map(claimgraph::output::value_to_text).collect())
        .collect();
    assert_eq!(
        text,
        [
            ["CLAIMS", "2022-11-30", "2022-12-01", "false", "12"],
            // A datetime and a date do not compare: null, as in Neo4j.
            [
                "DENIES",
                "2022-12-02T21:30+03:00",
                "2022-12-01",
                "null",
                "12"
            ],
        ]
    );
}
