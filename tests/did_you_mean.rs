//! Import errors that suggest the fix: unknown names get the nearest names and
//! aliases, misspelt kind words and near misses of the checked predicates are
//! refused as such, in both formats; every import's summary lists the
//! relationship types it created.

use std::path::Path;

use assert_cmd::Command;
use claimgraph::{Database, Error, Format};

fn bakhmut() -> Database {
    let mut db = Database::in_memory();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakhmut.triples");
    db.import_file(&path, None, None).unwrap();
    db
}

/// The diagnostics of a refused import, as `line:column message`, after
/// checking that the store did not change.
fn refused(db: &mut Database, name: &str, text: &str, format: Format) -> Vec<String> {
    let before = db.stats();
    let err = db
        .import_bytes(name, text.as_bytes(), format, None)
        .expect_err("the import should be refused");
    let Error::Input(d) = err else {
        panic!("expected an input error, got {err:?}")
    };
    assert_eq!(db.stats(), before, "a refused import changed the store");
    d.items
        .iter()
        .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
        .collect()
}

#[test]
fn unknown_names_suggest_the_nearest_names_and_aliases() {
    let mut db = bakhmut();
    let text = "article \"x\"\nstatement s1 \"t\"\n\"Hana Maliar\" claims s1\n\"Mr Prigozin\" claims s1\ns1 about \"Bakmut\"\n\"Oleksii Reznikov\" denies s1\n";
    let d = refused(&mut db, "x.triples", text, Format::Triples);
    assert_eq!(
        d,
        [
            "3:1 no entity is named \"Hana Maliar\" in this file or in the store; did you mean \"Hanna Maliar\"?",
            "4:1 no entity is named \"Mr Prigozin\" in this file or in the store; did you mean \"Mr. Prigozhin\"?",
            "5:10 no entity is named \"Bakmut\" in this file or in the store; did you mean \"Bakhmut\"?",
            "6:1 no entity is named \"Oleksii Reznikov\" in this file or in the store; declare it first, e.g. actor \"Oleksii Reznikov\"",
        ]
    );
    // Names declared in the same file are suggested too, and the subject of a
    // stance only from actors and organisations.
    let text = "actor \"Oleksandr Syrskyi\"\nplace \"Soledar\"\nstatement s1 \"t\"\n\"Oleksandr Syrsky\" claims s1\n\"Soledr\" claims s1\n";
    let d = refused(&mut db, "y.triples", text, Format::Triples);
    assert_eq!(d[0], "4:1 no entity is named \"Oleksandr Syrsky\" in this file or in the store; did you mean \"Oleksandr Syrskyi\"?");
    assert!(
        d[1].starts_with("5:1 no entity is named \"Soledr\"") && d[1].contains("declare it first"),
        "{d:?}"
    );
    // The same in JSON Lines, where a bare string is a name.
    let line = r#"{"triple": {"s": "Andriy Yermac", "p": "denies", "o": {"kind": "statement", "text": "t"}}}"#;
    let d = refused(&mut db, "z.jsonl", line, Format::Jsonl);
    assert_eq!(d, ["1:13 no entity is named \"Andriy Yermac\" in this file or in the store; did you mean \"Andriy Yermak\"?"]);
}

#[test]
fn a_misspelt_kind_is_one_error_that_says_so() {
    let mut db = bakhmut();
    let text = "statment t1 \"The sky is green\"\nacter \"Bob\"\norganisaton \"Acme\" {x: 1}\nwidget \"W\"\n";
    let d = refused(&mut db, "k.triples", text, Format::Triples);
    assert_eq!(
        d,
        [
            "1:1 unknown kind \"statment\": did you mean \"statement\"?",
            "2:1 unknown kind \"acter\": did you mean \"actor\"?",
            "3:1 unknown kind \"organisaton\": did you mean \"organisation\"?",
            "4:1 unknown kind \"widget\": expected actor, organisation, place, statement or article",
        ]
    );
    // A label that is bound, or an object that names an entity, is a triple as before.
    let text = "statement statment \"The sky is green\"\nstatment about \"Bakhmut\"\n";
    db.import_bytes("ok.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
    let lines = [
        r#"{"entity": {"kind": "acter", "name": "Bob"}}"#,
        r#"{"statment": {"text": "x"}}"#,
        r#"{"triple": {"s": {"kind": "plase", "name": "Bakhmut"}, "p": "leads", "o": "Wagner"}}"#,
    ];
    let d = refused(&mut db, "k.jsonl", &lines.join("\n"), Format::Jsonl);
    assert_eq!(
        d,
        [
            "1:13 unknown kind \"acter\": did you mean \"actor\"?",
            "2:2 unknown item \"statment\": did you mean \"statement\"?",
            "3:13 unknown kind \"plase\": did you mean \"place\"?",
        ]
    );
}

#[test]
fn near_misses_of_the_stance_predicates_are_refused() {
    let mut db = bakhmut();
    let text = "article \"x\"\nstatement s1 \"t\"\n\"Hanna Maliar\" claim s1\n\"Hanna Maliar\" deny s1\n\"ISW\" asesses s1\ns1 abut \"Bakhmut\"\n\"Prigozhin\" claimed s1\n";
    let d = refused(&mut db, "p.triples", text, Format::Triples);
    assert_eq!(
        d,
        [
            "3:16 unknown predicate \"claim\": did you mean \"claims\"?",
            "4:16 unknown predicate \"deny\": did you mean \"denies\"?",
            "5:7 unknown predicate \"asesses\": did you mean \"assesses\"?",
            "6:4 unknown predicate \"abut\": did you mean \"about\"?",
            "7:13 unknown predicate \"claimed\": did you mean \"claims\"?",
        ]
    );
    let line = r#"{"triple": {"s": "Hanna Maliar", "p": "deny", "o": {"kind": "statement", "text": "t"}}}"#;
    let d = refused(&mut db, "p.jsonl", line, Format::Jsonl);
    assert_eq!(
        d,
        ["1:34 unknown predicate \"deny\": did you mean \"denies\"?"]
    );
}

#[test]
fn the_summary_lists_the_relationship_types_created() {
    let mut db = bakhmut();
    let text = "\"Hanna Maliar\" advises \"Volodymyr Zelensky\"\n\"Prigozhin\" leads \"Wagner\"\n\"Wagner\" recruits_in \"Bakhmut\"\n";
    let summary = db
        .import_bytes("t.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
    assert_eq!(summary.new_types, ["ADVISES", "RECRUITS_IN"]);
    let again = db
        .import_bytes("t.triples", text.as_bytes(), Format::Triples, None)
        .unwrap();
    assert!(again.new_types.is_empty());

    // The command line prints them, and refuses a near miss with status 1.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakhmut.triples");
    let out = Command::cargo_bin("claimgraph")
        .unwrap()
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&example)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("new relationship types: ABOUT, ASSESSES, CLAIMS, DENIES, DIED_IN, FIGHTS_IN, LEADS, MEMBER_OF, WORKS_FOR"),
        "{stdout}"
    );
    let bad = dir.path().join("bad.triples");
    std::fs::write(&bad, "statement s1 \"t\"\n\"Hana Maliar\" claim s1\n").unwrap();
    let out = Command::cargo_bin("claimgraph")
        .unwrap()
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.triples:2:15"), "{stderr}");
    assert!(
        stderr.contains("unknown predicate \"claim\": did you mean \"claims\"?"),
        "{stderr}"
    );
}

/// Runs a write query that must be refused as a constraint, checks that the
/// store did not change, and returns the message.
fn refused_write(db: &mut Database, query: &str) -> String {
    let before = db.stats();
    let err = db
        .query(query, &Default::default())
        .expect_err("the write should be refused");
    let code = err.code().expect("a query error has a code");
    assert_eq!(
        code.kind(),
        claimgraph::error::ErrorKind::ConstraintVerificationFailed,
        "{query}: {err}"
    );
    assert_eq!(db.stats(), before, "a refused write changed the store");
    err.to_string()
}

#[test]
fn names_and_aliases_are_one_key_space_per_kind() {
    let mut db = bakhmut();
    let actors = db.stats().labels["Actor"];
    // MERGE on an alias matches the entity, as an import does.
    let r = db
        .query(
            "MERGE (a:Actor {name: 'Prigozhin'}) RETURN a.name",
            &Default::default(),
        )
        .unwrap();
    assert_eq!(r.rows.len(), 1);
    assert!(format!("{:?}", r.rows[0][0]).contains("Yevgeny Prigozhin"));
    assert_eq!(db.stats().labels["Actor"], actors);

    for q in [
        "CREATE (:Actor {name: 'Prigozhin'})",
        "CREATE (:Actor {name: 'Someone new', aliases: ['Mr. Prigozhin']})",
        "MATCH (a:Actor {name: 'Volodymyr Zelensky'}) SET a.aliases = ['Prigozhin']",
        "MATCH (a:Actor {name: 'Volodymyr Zelensky'}) SET a += {aliases: ['Prigozhin']}",
        "MATCH (a:Actor {name: 'Volodymyr Zelensky'}) SET a = {name: 'Volodymyr Zelensky', aliases: ['Yevgeny Prigozhin']}",
        "MATCH (a:Actor {name: 'Volodymyr Zelensky'}) SET a.name = 'Prigozhin'",
        // The whole query rolls back, not only the refused clause.
        "CREATE (:Actor {name: 'First'}) WITH 1 AS x CREATE (:Actor {name: 'Prigozhin'})",
        "MERGE (a:Actor {name: 'Prigozhin', role: 'chef'})",
    ] {
        let message = refused_write(&mut db, q);
        assert!(message.contains("Yevgeny Prigozhin"), "{q}: {message}");
    }
    // Another kind has a key space of its own; an entity may repeat its own name.
    db.query("CREATE (:Place {name: 'Prigozhin'})", &Default::default())
        .unwrap();
    db.query(
        "MATCH (a:Actor {name: 'Volodymyr Zelensky'}) SET a.aliases = ['Volodymyr Zelensky', 'Zelensky']",
        &Default::default(),
    )
    .unwrap();
    // Imports follow the same rule, with the line.
    let d = refused(
        &mut db,
        "dup.triples",
        "actor \"Mr Zelensky\" {aliases: [\"Zelensky\"]}\n",
        Format::Triples,
    );
    assert!(d[0].starts_with("1:1 "), "{d:?}");
    assert!(d[0].contains("Volodymyr Zelensky"), "{d:?}");
}

#[test]
fn queries_naming_unseen_labels_types_and_keys_warn_with_the_nearest_name() {
    let mut db = bakhmut();
    let warnings = |db: &mut Database, q: &str| -> Vec<(String, String, Option<String>)> {
        let r = db.query(q, &Default::default()).unwrap();
        r.warnings
            .iter()
            .map(|w| {
                (
                    w.code.as_str().to_string(),
                    w.message.clone(),
                    w.suggestion.clone(),
                )
            })
            .collect()
    };
    // Before any unknown name: a key only relationships hold is known, one
    // nothing holds is not (found by a scan, before the set of keys is built).
    assert_eq!(
        warnings(&mut db, "MATCH ()-[c:CLAIMS]->() RETURN c.quote, c.verdict"),
        []
    );
    let w = warnings(&mut bakhmut(), "MATCH (s:Statement) RETURN s.verdic");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].2.as_deref(), Some("verdict"));
    let w = warnings(&mut db, "MATCH (a:Actr)-[:CLAIM]->(s) RETURN a.nme, s.text");
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(w[0].0, "UnknownLabel");
    assert!(w[0].1.ends_with("did you mean :Actor?"), "{w:?}");
    assert_eq!(w[0].2.as_deref(), Some("Actor"));
    assert_eq!(w[1].0, "UnknownRelationshipType");
    assert_eq!(w[1].2.as_deref(), Some("CLAIMS"));
    assert_eq!(w[2].0, "UnknownPropertyKey");
    assert_eq!(w[2].2.as_deref(), Some("name"));
    // Known names, names the query writes and keys of maps warn of nothing.
    for q in [
        "MATCH (a:Actor)-[c:CLAIMS]->(s) WHERE c.date IS NOT NULL RETURN a.name",
        "CREATE (n:Brandnew {colour: 'red'}) RETURN n.colour",
        "WITH {nme: 1} AS m, date('2023-01-01') AS d RETURN m.nme, d.year",
    ] {
        assert_eq!(warnings(&mut db, q), [], "{q}");
    }
    // What a write brought in is known to later queries.
    db.query(
        "MATCH (a:Actor {name: 'Hanna Maliar'}) CREATE (a)-[:ADVISES {since: 2020}]->(a)",
        &Default::default(),
    )
    .unwrap();
    for q in [
        "MATCH (n:Brandnew) RETURN n.colour",
        "MATCH ()-[r:ADVISES]->() RETURN r.since",
    ] {
        assert_eq!(warnings(&mut db, q), [], "{q}");
    }

    // The command line prints them on stderr, and in the JSON.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakhmut.triples");
    let cli = |args: &[&str]| {
        Command::cargo_bin("claimgraph")
            .unwrap()
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(cli(&["import", example.to_str().unwrap()]).status.success());
    let out = cli(&[
        "query",
        "MATCH (a:Actr) RETURN count(a) AS n",
        "--format",
        "table",
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the store has no label :Actr; did you mean :Actor?"),
        "{stderr}"
    );
    let out = cli(&["query", "MATCH (a:Actor) RETURN a.nme", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["warnings"][0]["code"], "UnknownPropertyKey");
    assert_eq!(json["warnings"][0]["suggestion"], "name");
}
