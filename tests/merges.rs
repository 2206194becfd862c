//! Audited merges of entities: two articles spell one city two ways; a merge
//! joins them, queries and re-imports see one place, and an unmerge gives
//! back exactly the store before (the export, ids included).

use claimgraph::export::{export_to, ExportFormat};
use claimgraph::identity::{self, entity_kind};
use claimgraph::{Cancel, Database, Format, Params};

const FIRST: &str = r#"
article "kyiv-1" {date: "2023-01-10"}
actor "Hanna Maliar"
place "Artemivsk" {country: "Ukraine", oblast: "Donetsk"}
statement s1 "Artemivsk is holding"
"Hanna Maliar" claims s1
s1 about "Artemivsk"
"#;

const SECOND: &str = r#"
article "kyiv-2" {date: "2023-02-01"}
actor "Yevgeny Prigozhin"
place "Bakhmut" {country: "Ukraine", population: 70000, oblast: "Donetsk Oblast"}
statement s2 "Bakhmut is surrounded"
"Yevgeny Prigozhin" claims s2
s2 about "Bakhmut"
"Yevgeny Prigozhin" fights_in "Bakhmut"
"#;

const LATER: &str = r#"
article "kyiv-3" {date: "2023-03-01"}
statement s3 "Artemivsk has fallen"
"Yevgeny Prigozhin" claims s3
s3 about "Artemivsk"
"#;

fn store() -> Database {
    let mut db = Database::in_memory();
    db.import_bytes("first.triples", FIRST.as_bytes(), Format::Triples, None)
        .unwrap();
    db.import_bytes("second.triples", SECOND.as_bytes(), Format::Triples, None)
        .unwrap();
    db
}

fn export(db: &mut Database) -> String {
    let mut out = Vec::new();
    export_to(
        db,
        None,
        &Params::new(),
        ExportFormat::Json,
        None,
        &Cancel::new(),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn count(db: &mut Database, q: &str) -> usize {
    db.query(q, &Params::new()).unwrap().rows.len()
}

const ABOUT_BAKHMUT: &str = "MATCH (s:Statement)-[:ABOUT]->(p:Place {name: 'Bakhmut'}) RETURN s";

#[test]
fn merge_then_unmerge_gives_back_the_same_export() {
    let mut db = store();
    let before = export(&mut db);
    assert_eq!(count(&mut db, ABOUT_BAKHMUT), 1);
    assert_eq!(count(&mut db, "MATCH (p:Place) RETURN p"), 2);

    let place = entity_kind("place").unwrap();
    let m = identity::merge(&mut db, place, "bakhmut", "Artemivsk", Some("same city")).unwrap();
    assert_eq!(m.moved, 1);
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert_eq!(m.conflicts[0].key, "oblast");
    let after_merge = export(&mut db);
    assert_ne!(after_merge, before);

    // One place, both statements about it, the old name an alias with its article kept.
    assert_eq!(count(&mut db, "MATCH (p:Place) RETURN p"), 1);
    assert_eq!(count(&mut db, ABOUT_BAKHMUT), 2);
    let r = db
        .query(
            "MATCH (:Statement {text: 'Artemivsk is holding'})-[r:ABOUT]->(p:Place) \
             RETURN r.article, p.aliases, p.population, p.oblast",
            &Params::new(),
        )
        .unwrap();
    let row = format!("{:?}", r.rows);
    assert!(row.contains("kyiv-1"), "{row}");
    assert!(row.contains("Artemivsk"), "{row}");
    assert!(row.contains("70000"), "{row}");
    assert!(row.contains("Donetsk Oblast"), "{row}");
    assert_eq!(
        count(&mut db, "RETURN entity('artemivsk', 'Place').name AS n"),
        1
    );

    // The log shows the decision; decisions lists it.
    let log = db.log().unwrap();
    let entry = log.iter().find(|e| e.tx == m.tx).unwrap();
    assert_eq!(
        entry.what,
        r#"merge place "bakhmut" "Artemivsk" --reason "same city""#
    );
    let d = identity::decisions(&db).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].names, ["bakhmut", "Artemivsk"]);
    assert_eq!(d[0].reason.as_deref(), Some("same city"));
    assert_eq!(d[0].undone_by, None);

    // Refusals: not a merge, unknown names with a suggestion, same entity.
    let e = identity::unmerge(&mut db, 1).unwrap_err().to_string();
    assert!(e.contains("not a merge"), "{e}");
    let e = identity::merge(&mut db, place, "Bakhmut", "Bakhmt", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean \"Bakhmut\""), "{e}");
    let e = identity::merge(&mut db, place, "Bakhmut", "Artemivsk", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("same place"), "{e}");

    let undo = identity::unmerge(&mut db, m.tx).unwrap();
    assert_eq!(export(&mut db), before);
    assert_eq!(count(&mut db, ABOUT_BAKHMUT), 1);
    let e = identity::unmerge(&mut db, m.tx).unwrap_err().to_string();
    assert!(
        e.contains(&format!("undone already, by transaction {undo}")),
        "{e}"
    );
    assert_eq!(identity::decisions(&db).unwrap()[0].undone_by, Some(undo));

    // The history agrees: the states after the merge and before it rebuild.
    assert_eq!(export(&mut db.at_tx(m.tx).unwrap()), after_merge);
    assert_eq!(export(&mut db.at_tx(m.tx - 1).unwrap()), before);
}

#[test]
fn a_reimport_with_the_old_name_lands_on_the_kept_entity() {
    let mut db = store();
    let place = entity_kind("place").unwrap();
    let m = identity::merge(&mut db, place, "Bakhmut", "Artemivsk", None).unwrap();
    db.import_bytes("later.triples", LATER.as_bytes(), Format::Triples, None)
        .unwrap();
    assert_eq!(count(&mut db, "MATCH (p:Place) RETURN p"), 1);
    assert_eq!(count(&mut db, ABOUT_BAKHMUT), 3);
    assert_eq!(
        count(
            &mut db,
            "MATCH (:Statement {text: 'Artemivsk has fallen'})-[:ABOUT]->(:Place {name: 'Bakhmut'}) RETURN 1"
        ),
        1
    );
    // Later relationships on the kept place do not block the unmerge; they stay on it.
    identity::unmerge(&mut db, m.tx).unwrap();
    assert_eq!(count(&mut db, "MATCH (p:Place) RETURN p"), 2);
    assert_eq!(
        count(
            &mut db,
            "MATCH (:Statement {text: 'Artemivsk is holding'})-[:ABOUT]->(:Place {name: 'Artemivsk'}) RETURN 1"
        ),
        1
    );
}

#[test]
fn unknown_kind_is_refused_with_a_suggestion() {
    let e = entity_kind("plcae").unwrap_err().to_string();
    assert!(e.contains("did you mean \"place\""), "{e}");
}

#[test]
fn a_distinct_decision_blocks_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(dir.path()).unwrap();
    db.import_bytes("first.triples", FIRST.as_bytes(), Format::Triples, None)
        .unwrap();
    db.import_bytes("second.triples", SECOND.as_bytes(), Format::Triples, None)
        .unwrap();
    let place = entity_kind("Place").unwrap();
    let tx = identity::distinct(&mut db, place, "Bakhmut", "Artemivsk", Some("two towns")).unwrap();
    let entry = db.log().unwrap().into_iter().find(|e| e.tx == tx).unwrap();
    assert_eq!(
        entry.what,
        r#"distinct place "Bakhmut" "Artemivsk" --reason "two towns""#
    );
    let d = identity::decisions(&db).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].decision, d[0].names.as_slice()),
        (
            "distinct",
            &["Bakhmut".to_string(), "Artemivsk".to_string()][..]
        )
    );
    let before = export(&mut db);
    let last = db.log().unwrap().len();

    // Refused after a reopen too: the decision lives in the log.
    drop(db);
    let mut db = Database::open(dir.path()).unwrap();
    let e = identity::merge(&mut db, place, "bakhmut", "Artemivsk", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("by decision {tx}")), "{e}");
    assert!(e.contains("two towns"), "{e}");

    // An import or a write query that would make one an alias of the other.
    let alias = "place \"Bakhmut\" {aliases: [\"Artemivsk\"]}\n";
    let e = db
        .import_bytes("alias.triples", alias.as_bytes(), Format::Triples, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("by decision {tx}")), "{e}");
    assert!(e.contains("alias.triples:1"), "{e}");
    let e = db
        .query(
            "MATCH (p:Place {name: 'Bakhmut'}) SET p.aliases = ['artemivsk']",
            &Params::new(),
        )
        .unwrap_err();
    assert_eq!(
        e.code().map(|c| c.kind()),
        Some(claimgraph::error::ErrorKind::ConstraintVerificationFailed),
        "{e}"
    );
    assert!(e.to_string().contains(&format!("by decision {tx}")), "{e}");
    assert_eq!(export(&mut db), before);
    assert_eq!(db.log().unwrap().len(), last);

    // Twice, on one entity, or with a misspelt name: refused with the reason.
    let e = identity::distinct(&mut db, place, "artemivsk", "Bakhmut", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("kept apart already"), "{e}");
    let e = identity::distinct(&mut db, place, "Bakhmut", "Bakhmt", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean \"Bakhmut\""), "{e}");
    let other = identity::merge(&mut db, place, "Bakhmut", "Artemivsk", None);
    assert!(other.is_err());
    // Other names still merge.
    let actor = entity_kind("actor").unwrap();
    identity::merge(&mut db, actor, "Hanna Maliar", "Yevgeny Prigozhin", None).unwrap();
    let e = identity::distinct(&mut db, actor, "Hanna Maliar", "Yevgeny Prigozhin", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("name the same actor"), "{e}");
}

#[test]
fn claims_merge_is_the_same_merge_as_a_procedure() {
    let mut db = store();
    let before = export(&mut db);
    // With another write in the statement it is refused, and nothing is written.
    let e = db
        .query(
            "CALL claims.merge('place', 'Bakhmut', 'Artemivsk') YIELD node SET node.checked = true",
            &Params::new(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("must be the only change of its statement"),
        "{e}"
    );
    let e = db
        .query(
            "CALL claims.merge('plcae', 'Bakhmut', 'Artemivsk')",
            &Params::new(),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean \"place\""), "{e}");
    assert_eq!(export(&mut db), before);

    let r = db
        .query(
            "CALL claims.merge('Place', 'Bakhmut', 'artemivsk', 'same city') YIELD node, tx \
             RETURN node.name AS name, node.aliases AS aliases, tx",
            &Params::new(),
        )
        .unwrap();
    let row = format!("{:?}", r.rows[0]);
    assert!(
        row.contains("Bakhmut") && row.contains("Artemivsk"),
        "{row}"
    );
    let log = db.log().unwrap();
    let last = log.last().unwrap();
    assert!(
        row.contains(&format!("Int({})", last.tx)),
        "{row} vs {}",
        last.tx
    );
    assert_eq!(
        last.what,
        r#"merge place "Bakhmut" "artemivsk" --reason "same city""#
    );
    let d = identity::decisions(&db).unwrap();
    assert_eq!((d.len(), d[0].tx), (1, last.tx));
    identity::unmerge(&mut db, last.tx).unwrap();
    assert_eq!(export(&mut db), before);
}

#[test]
fn the_shell_merges_unmerges_and_keeps_apart() {
    let db = store();
    let mut session = claimgraph::repl::Session::new(db);
    let before = export(&mut session.db());
    let mut run = |line: &str| {
        let mut out = Vec::new();
        claimgraph::repl::run_command(&mut session, line, &mut out)
            .map(|_| String::from_utf8(out).unwrap())
            .map_err(|e| e.to_string())
    };
    let out = run(r#":merge place "Bakhmut" "Artemivsk" --reason "same city""#).unwrap();
    let tx: u64 = out
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("transaction "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(out.contains("1 relationship(s) moved"), "{out}");
    // The conflict's values in the JSON form of results, not Rust's.
    assert!(
        out.contains(r#"conflict: oblast: kept "Donetsk Oblast", dropped "Donetsk""#),
        "{out}"
    );
    let listed = run(":decisions").unwrap();
    assert!(
        listed.contains("same city") && listed.contains("merge"),
        "{listed}"
    );
    let e = run(":merge place Bakhmut Bakhmt").unwrap_err();
    assert!(e.contains("did you mean \"Bakhmut\""), "{e}");
    let e = run(":merge place Bakhmut").unwrap_err();
    assert!(e.contains(":merge KIND A B"), "{e}");
    let out = run(&format!(":unmerge {tx}")).unwrap();
    assert!(out.contains(&format!("undid merge {tx}")), "{out}");
    let out = run(r#":distinct actor "Hanna Maliar" "Yevgeny Prigozhin""#).unwrap();
    assert!(out.contains("are different actors"), "{out}");
    let e = run(r#":merge actor "Hanna Maliar" "Yevgeny Prigozhin""#).unwrap_err();
    assert!(e.contains("by decision"), "{e}");
    let mut db = session.db();
    assert_eq!(export(&mut db), before);
    let log = db.log().unwrap();
    assert_eq!(
        log.iter().find(|e| e.tx == tx).unwrap().what,
        r#"merge place "Bakhmut" "Artemivsk" --reason "same city""#
    );
}

#[test]
fn merge_conflicts_are_listed_in_the_json_form_of_values() {
    let mut db = store();
    let place = entity_kind("place").unwrap();
    let m = identity::merge(&mut db, place, "Bakhmut", "Artemivsk", None).unwrap();
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json["conflicts"],
        serde_json::json!([{"key": "oblast", "kept": "Donetsk Oblast", "dropped": "Donetsk"}])
    );
}

#[test]
fn a_reimport_declaring_the_old_name_creates_no_duplicate() {
    let mut db = store();
    let place = entity_kind("place").unwrap();
    identity::merge(&mut db, place, "Bakhmut", "Artemivsk", None).unwrap();
    let after_merge = export(&mut db);
    // The first file again: it declares `place "Artemivsk" {...}`.
    db.import_bytes("first.triples", FIRST.as_bytes(), Format::Triples, None)
        .unwrap();
    assert_eq!(count(&mut db, "MATCH (p:Place) RETURN p"), 1);
    assert_eq!(export(&mut db), after_merge);
    // A new declaration of the old name lands on KEEP too, adding only what KEEP lacks.
    let again = "place \"Artemivsk\" {founded: 1571, population: 1}\n\
                 statement s9 \"Artemivsk is quiet\"\ns9 about \"Artemivsk\"\n";
    db.import_bytes("again.triples", again.as_bytes(), Format::Triples, None)
        .unwrap();
    let r = db
        .query(
            "MATCH (p:Place) RETURN p.name, p.founded, p.population",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows.len(), 1, "{:?}", r.rows);
    let row = format!("{:?}", r.rows[0]);
    assert!(
        row.contains("Bakhmut") && row.contains("1571") && row.contains("70000"),
        "{row}"
    );
    assert_eq!(count(&mut db, ABOUT_BAKHMUT), 3);
}
