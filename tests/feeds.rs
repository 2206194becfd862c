//! Real feeds in and out, each checked by the tool that reads it: ClaimReview
//! JSON-LD (import counts worked out by hand, round trip, rdflib's JSON-LD
//! expansion), tables through a mapping (LIAR's TSV beside its `.jsonl` form
//! and pandas), Parquet read by DuckDB and Spark, and Neo4j CSV read by DuckDB
//! through its neo4j-admin header.
//!
//! The Python helpers live in `tests/feeds/`; `.ci/run` installs what they
//! need. When one is missing, its test fails under `CI=true` and otherwise
//! says plainly that it did not run.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use claimgraph::export::{self, ExportFormat};
use claimgraph::import::Mapping;
use claimgraph::{output, Database, Format, Params};
use serde_json::{json, Value as Json};

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Runs a helper of `tests/feeds/`; `None` (after saying so) when Python or a
/// module it needs is missing, which fails under CI.
fn python(script: &str, args: &[&std::ffi::OsStr]) -> Option<Json> {
    let output = Command::new("python3")
        .arg(manifest("tests/feeds").join(script))
        .args(args)
        .output();
    let missing = |what: String| {
        assert!(!in_ci(), "{what} is missing, and CI=true requires it");
        eprintln!("NOT RUN: {what} is not installed here, so this check did not run");
        None
    };
    let output = match output {
        Ok(o) => o,
        Err(_) => return missing("python3".into()),
    };
    if output.status.code() == Some(3) {
        return missing(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("the helper prints JSON"))
}

fn rows(db: &mut Database, query: &str) -> Vec<Vec<Json>> {
    let result = db
        .query(query, &Params::new())
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    result
        .rows
        .iter()
        .map(|r| r.iter().map(output::value_to_json).collect())
        .collect()
}

fn counts(map: &BTreeMap<String, usize>) -> Vec<(&str, usize)> {
    map.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

// ---------------------------------------------------------------------------
// ClaimReview

const FEED: &str = "examples/claimreview-feed.json";

fn feed_json() -> Json {
    serde_json::from_str(&std::fs::read_to_string(manifest(FEED)).unwrap()).unwrap()
}

fn import_json(db: &mut Database, json: &Json) -> claimgraph::Result<claimgraph::ImportSummary> {
    let text = serde_json::to_string_pretty(json).unwrap();
    db.import_bytes("feed.json", text.as_bytes(), Format::ClaimReview, None)
}

/// The sample feed, counted by hand from its 32 reviews by five fact-checkers:
///
/// - statements: 32 claims reviewed, less 2 repeats of the Great Wall claim,
///   1 of the ten-percent-brain claim and 1 of the magnetic-vaccine claim: 28;
/// - organisations: the 5 fact-checkers (The Fact Desk is also the publisher of
///   its reviews, the same node) and 14 organisations among the claimants
///   (Facebook posts, Instagram posts, Twitter users, WhatsApp messages,
///   Telegram channels, ...): 19;
/// - actors: 11 people among the claimants;
/// - articles: the 32 reviews, and 31 distinct appearances: 28 reviews name
///   at least one, 3 of them (school meals, magnetic vaccine with its
///   firstAppearance, tax cut) a second, and the ten-percent-brain review's
///   firstAppearance is its appearance again: 63;
/// - CLAIMS: one per appearance (31), and one in the review's own article for
///   each of the 4 reviews without an appearance: 35;
/// - ASSESSES: one per review: 32.
fn assert_feed_counts(db: &Database) {
    let stats = db.stats();
    assert_eq!(
        counts(&stats.labels),
        vec![
            ("Actor", 11),
            ("Article", 63),
            ("Organisation", 19),
            ("Statement", 28)
        ]
    );
    assert_eq!(counts(&stats.types), vec![("ASSESSES", 32), ("CLAIMS", 35)]);
    assert_eq!((stats.nodes, stats.relationships), (121, 67));
}

#[test]
fn the_claimreview_feed_imports_with_the_counts_worked_out_by_hand() {
    let mut db = Database::in_memory();
    let first = db.import_file(&manifest(FEED), None, None).unwrap();
    assert_eq!((first.nodes_added, first.relationships_added), (121, 67));
    assert_feed_counts(&db);

    // The review, its verdict and rating, the claimant and where it was said.
    let got = rows(
        &mut db,
        "MATCH (o:Organisation {name: 'Claimwatch Kenya'})-[r:ASSESSES]->(s:Statement)<-[c:CLAIMS]-(who)
         WHERE s.text STARTS WITH 'The Great Wall' AND c.review = r.article
         RETURN r.verdict, r.rating_value, r.best_rating, r.article, who.name, c.article, c.date",
    );
    assert_eq!(
        got,
        vec![vec![
            json!("Incorrect"),
            json!(1),
            json!(5),
            json!("https://claimwatch.example/fact-check/2023/great-wall-space"),
            json!("Twitter users"),
            json!("https://social.example/posts/92004"),
            json!("2023-02-27"),
        ]]
    );
    // A date-time is kept as its date; the publisher names the source.
    let got = rows(
        &mut db,
        "MATCH (a:Article {id: 'https://thefactdesk.example/fact-check/2023/minimum-wage'})
         RETURN a.date, a.source, a.kind",
    );
    assert_eq!(
        got,
        vec![vec![
            json!("2023-01-25"),
            json!("The Fact Desk"),
            json!("ClaimReview")
        ]]
    );
    // A claimant typed Person is an actor; one with no appearance claims in the review.
    let got = rows(
        &mut db,
        "MATCH (a:Actor {name: 'Deon Marsh'})-[c:CLAIMS]->(s) RETURN c.article, s.text",
    );
    assert_eq!(
        got,
        vec![vec![
            json!("https://harbourfactcheck.example/fact-check/2023/crime-doubled"),
            json!("Violent crime in Port Linden has doubled in two years."),
        ]]
    );

    // Importing the same feed again changes nothing.
    let again = db.import_file(&manifest(FEED), None, None).unwrap();
    assert_eq!((again.nodes_added, again.relationships_added), (0, 0));
    assert_eq!(
        (again.nodes_existing, again.relationships_existing),
        (121, 67)
    );
    assert_feed_counts(&db);
}

#[test]
fn the_claimreview_export_reimports_to_the_same_counts_and_expands_to_schema_org() {
    let mut db = Database::in_memory();
    db.import_file(&manifest(FEED), None, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export.jsonld");
    export::export(
        &mut db,
        None,
        &Params::new(),
        ExportFormat::ClaimReview,
        Some(&out),
    )
    .unwrap();

    let mut back = Database::in_memory();
    back.import_file(&out, None, None).unwrap();
    assert_feed_counts(&back);
    let verdicts = "MATCH (o)-[r:ASSESSES]->(s) RETURN o.name, s.text, r.verdict, r.article ORDER BY r.article";
    assert_eq!(rows(&mut back, verdicts), rows(&mut db, verdicts));
    let claims = "MATCH (a)-[c:CLAIMS]->(s) RETURN a.name, labels(a), s.text, c.article, c.date ORDER BY c.article, a.name";
    assert_eq!(rows(&mut back, claims), rows(&mut db, claims));

    // A query's subgraph exports only its reviews.
    export::export(
        &mut db,
        Some("MATCH p = (:Organisation {name: 'VeriDesk'})-[:ASSESSES]->() RETURN p"),
        &Params::new(),
        ExportFormat::ClaimReview,
        Some(&out),
    )
    .unwrap();
    let doc: Json = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["dataFeedElement"].as_array().unwrap().len(), 6);

    export::export(
        &mut db,
        None,
        &Params::new(),
        ExportFormat::ClaimReview,
        Some(&out),
    )
    .unwrap();
    let Some(expanded) = python("jsonld.py", &[out.as_os_str()]) else {
        return;
    };
    for p in expanded["predicates"].as_array().unwrap() {
        let p = p.as_str().unwrap();
        assert!(
            p.starts_with("https://schema.org/")
                || p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "{p} is not a schema.org term"
        );
    }
    let types: Vec<&str> = expanded["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    for t in [
        "ClaimReview",
        "Claim",
        "Rating",
        "Organization",
        "Person",
        "CreativeWork",
    ] {
        assert!(
            types.contains(&format!("https://schema.org/{t}").as_str()),
            "{t} in {types:?}"
        );
    }
    let mut want = rows(
        &mut db,
        "MATCH (o)-[r:ASSESSES]->(s) RETURN s.text, r.verdict, o.name",
    );
    want.sort_by_key(|r| {
        r.iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    });
    let got: Vec<Vec<Json>> = expanded["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect();
    assert_eq!(got, want);
}

/// Each broken variant of the feed is refused with its JSON path, and the store
/// (holding an earlier import) is left as it was.
#[test]
fn malformed_claimreviews_are_refused_with_their_json_path_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(dir.path().join("store")).unwrap();
    db.import_bytes(
        "a.triples",
        b"article \"a\"\nactor \"X\"\n",
        Format::Triples,
        None,
    )
    .unwrap();
    let before = db.stats();
    type Break = fn(&mut Json);
    let cases: Vec<(&str, Break, &str, &str)> = vec![
        (
            "missing claimReviewed",
            |r| {
                r.as_object_mut().unwrap().remove("claimReviewed");
            },
            "$.dataFeedElement[3].item[0]:",
            "needs a \"claimReviewed\"",
        ),
        (
            "a rating without a name",
            |r| {
                r["reviewRating"]
                    .as_object_mut()
                    .unwrap()
                    .remove("alternateName");
            },
            "$.dataFeedElement[3].item[0].reviewRating:",
            "a rating needs a name",
        ),
        (
            "a bad date",
            |r| r["datePublished"] = json!("2023-02-30"),
            "$.dataFeedElement[3].item[0].datePublished:",
            "YYYY-MM-DD",
        ),
        (
            "a bad claim date",
            |r| r["itemReviewed"]["datePublished"] = json!("last Tuesday"),
            "$.dataFeedElement[3].item[0].itemReviewed.datePublished:",
            "\"last Tuesday\"",
        ),
        (
            "a non-object",
            |r| *r = json!("not a review"),
            "$.dataFeedElement[3].item[0]:",
            "expected a ClaimReview object, found a string",
        ),
        (
            "an unknown member",
            |r| r["reviewRatng"] = json!({}),
            "$.dataFeedElement[3].item[0].reviewRatng:",
            "did you mean \"reviewRating\"?",
        ),
        (
            "a claimant of an unknown type",
            |r| r["itemReviewed"]["author"]["@type"] = json!("Robot"),
            "$.dataFeedElement[3].item[0].itemReviewed.author[\"@type\"]:",
            "expected \"Person\" or \"Organization\"",
        ),
    ];
    for (what, break_it, path, message) in cases {
        let mut feed = feed_json();
        break_it(&mut feed["dataFeedElement"][3]["item"][0]);
        let err = import_json(&mut db, &feed).expect_err(what).to_string();
        assert!(err.contains(path), "{what}: {err}");
        assert!(err.contains(message), "{what}: {err}");
        // The error is placed at a line and column of the file, with a caret.
        assert!(
            err.contains(" --> feed.json:") && err.contains('^'),
            "{what}: {err}"
        );
        assert_eq!(db.stats(), before, "{what}: nothing is written");
    }
    // Not JSON at all, and a document that is not an object.
    let err = db
        .import_bytes(
            "feed.json",
            b"{\"@type\": \"ClaimReview\",\n  oops}",
            Format::ClaimReview,
            None,
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not valid JSON") && err.contains("feed.json:2:"),
        "{err}"
    );
    let err = db
        .import_bytes("feed.json", b"42", Format::ClaimReview, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("$: expected a ClaimReview object"), "{err}");
    drop(db);
    // Reopened from disk, the store still holds only the first import.
    let db = Database::open(dir.path().join("store")).unwrap();
    assert_eq!(db.stats(), before);
}

#[test]
fn one_review_an_array_and_a_graph_are_read_too() {
    let feed = feed_json();
    let reviews: Vec<Json> = feed["dataFeedElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["item"][0].clone())
        .collect();
    for doc in [
        json!(reviews),
        json!({"@context": "https://schema.org", "@graph": reviews}),
    ] {
        let mut db = Database::in_memory();
        import_json(&mut db, &doc).unwrap();
        assert_feed_counts(&db);
    }
    let mut db = Database::in_memory();
    let summary = import_json(&mut db, &reviews[0]).unwrap();
    // Statement, fact-checker, claimant, review article, appearance article.
    assert_eq!((summary.nodes_added, summary.relationships_added), (5, 2));
}

// ---------------------------------------------------------------------------
// Tables with a mapping

const SMALL_MAP: &str = r#"
[article]
id = "page"
props = { date = { column = "published", type = "date" } }

[nodes.who]
kind = { column = "speaker_kind" }
name = "speaker"

[nodes.said]
kind = "statement"
text = "claim"
props = { topics = { column = "topics", split = ";" } }

[nodes.checker]
kind = "organisation"
name = { value = "Harbour Fact Check" }

[[relationships]]
from = "who"
type = "claims"
to = "said"

[[relationships]]
from = "checker"
type = "assesses"
to = "said"
props = { verdict = "verdict", score = { column = "score", type = "int" } }
"#;

const SMALL_CSV: &str = "page,published,speaker,speaker_kind,claim,topics,verdict,score
p1,2023-01-02,Marta Quinlan,actor,Tolls have tripled.,roads; money,False,1
p2,2023-01-05,Port Authority,organisation,\"Tolls, in fact, fell.\",roads,True,6
p3,2023-01-09,Marta Quinlan,actor,Tolls have tripled.,,Mostly false,2
p4,2023-01-11,,actor,Nobody said this.,,Unproven,
";

#[test]
fn a_csv_imports_through_a_mapping_with_provenance_and_idempotence() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("claims.csv");
    std::fs::write(&table, SMALL_CSV).unwrap();
    let mapping = Mapping::parse("map.toml", SMALL_MAP).unwrap();
    let mut db = Database::in_memory();
    let summary = db.import_table_file(&table, &mapping, None).unwrap();
    // 4 articles, 2 claimants (p4's speaker is empty), 1 fact-checker and 3
    // statements; claims in p1, p2, p3 and an assessment in each of the 4 rows.
    assert_eq!(
        (
            summary.articles_added,
            summary.nodes_added,
            summary.relationships_added
        ),
        (4, 10, 7)
    );
    let stats = db.stats();
    assert_eq!(
        counts(&stats.labels),
        vec![
            ("Actor", 1),
            ("Article", 4),
            ("Organisation", 2),
            ("Statement", 3)
        ]
    );
    let got = rows(
        &mut db,
        "MATCH (w)-[c:CLAIMS]->(s)<-[r:ASSESSES]-(:Organisation {name: 'Harbour Fact Check'})
         WHERE c.article = r.article
         RETURN w.name, s.text, s.topics, r.verdict, r.score, c.article ORDER BY c.article",
    );
    assert_eq!(
        got,
        vec![
            vec![
                json!("Marta Quinlan"),
                json!("Tolls have tripled."),
                json!(["roads", "money"]),
                json!("False"),
                json!(1),
                json!("p1")
            ],
            vec![
                json!("Port Authority"),
                json!("Tolls, in fact, fell."),
                json!(["roads"]),
                json!("True"),
                json!(6),
                json!("p2")
            ],
            vec![
                json!("Marta Quinlan"),
                json!("Tolls have tripled."),
                json!(["roads", "money"]),
                json!("Mostly false"),
                json!(2),
                json!("p3")
            ],
        ]
    );
    assert_eq!(
        rows(&mut db, "MATCH (a:Article {id: 'p2'}) RETURN a.date"),
        vec![vec![json!("2023-01-05")]]
    );
    let again = db.import_table_file(&table, &mapping, None).unwrap();
    assert_eq!((again.nodes_added, again.relationships_added), (0, 0));
}

/// `import --mapping MAP.toml -` reads the table from standard input, as CSV
/// or TSV by `--format`, to the same store as the file gives.
#[test]
fn a_table_on_standard_input_imports_through_a_mapping_by_its_format() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, SMALL_MAP).unwrap();
    let table = dir.path().join("claims.csv");
    std::fs::write(&table, SMALL_CSV).unwrap();
    let mut want = Database::in_memory();
    want.import_table_file(
        &table,
        &Mapping::parse("map.toml", SMALL_MAP).unwrap(),
        None,
    )
    .unwrap();
    let tsv = SMALL_CSV
        .replace(',', "\t")
        .replace("\"Tolls\t in fact\t fell.\"", "Tolls, in fact, fell.");
    let cli = |store: &Path, format: &[&str], input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimgraph"))
            .arg("--store")
            .arg(store)
            .args(["import", "--mapping"])
            .arg(&map)
            .args(format)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A refused command may exit before it reads its input; its exit
        // status and message are what is checked then.
        let written = std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    };
    for (format, input) in [("csv", SMALL_CSV), ("tsv", tsv.as_str())] {
        let store = dir.path().join(format);
        let out = cli(&store, &["--format", format], input);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let db = Database::open(&store).unwrap();
        assert_eq!(db.stats(), want.stats(), "--format {format}");
    }
    let refused = [
        (&[][..], "needs --format csv or --format tsv"),
        (&["--format", "jsonl"][..], "--format is csv or tsv"),
    ];
    for (format, message) in refused {
        let store = dir.path().join("refused");
        let out = cli(&store, format, SMALL_CSV);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}

/// The shell's `:export` writes the feed formats too (run here as a script of
/// shell commands): Parquet into a directory, ClaimReview JSON-LD to a file.
#[test]
fn the_shell_exports_parquet_and_claimreview() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let parquet = dir.path().join("parquet");
    let reviews = dir.path().join("reviews.jsonld");
    let script = dir.path().join("export.cypher");
    std::fs::write(
        &script,
        format!(
            ":import \"{}\"\n:export PARQUET \"{}\"\n:export claimreview \"{}\"\n",
            manifest("examples/claimreview-feed.json").display(),
            parquet.display(),
            reviews.display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .arg("--store")
        .arg(&store)
        .arg("run")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["nodes.parquet", "relationships.parquet"] {
        let bytes = std::fs::read(parquet.join(file)).unwrap();
        assert!(
            bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"),
            "{file}"
        );
    }
    let want = Database::open(&store).unwrap().stats();
    let mut again = Database::in_memory();
    again.import_file(&reviews, None, None).unwrap();
    assert_eq!(
        again.stats(),
        want,
        "the shell's ClaimReview export imports back"
    );
}

#[test]
fn table_and_mapping_errors_name_the_cell_or_the_mapping_line() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("claims.csv");
    let mapping = Mapping::parse("map.toml", SMALL_MAP).unwrap();
    let mut db = Database::in_memory();
    let bad = SMALL_CSV
        .replace("True,6", "True,six")
        .replace("2023-01-09", "2023-02-30");
    std::fs::write(&table, bad).unwrap();
    let err = db
        .import_table_file(&table, &mapping, None)
        .unwrap_err()
        .to_string();
    let name = table.display().to_string();
    // Row 3 of the file, cell 8 ("six"); row 4, cell 2 (the date).
    let six = SMALL_CSV.lines().nth(2).unwrap().find("6").unwrap() + 1;
    assert!(err.contains(&format!("{name}:3:{six}")), "{err}");
    assert!(
        err.contains("column \"score\" holds an integer, not \"six\""),
        "{err}"
    );
    assert!(err.contains(&format!("{name}:4:4")), "{err}");
    assert!(err.contains("a date written YYYY-MM-DD"), "{err}");
    assert_eq!(db.stats().nodes, 0, "nothing is written");

    std::fs::write(
        &table,
        SMALL_CSV.replace("p2,2023-01-05,", "p2,2023-01-05,x,"),
    )
    .unwrap();
    let err = db
        .import_table_file(&table, &mapping, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("{name}:3:1")) && err.contains("this row has 9 cells"),
        "{err}"
    );
    std::fs::write(&table, SMALL_CSV.replace("speaker_kind", "speakr_kind")).unwrap();
    let err = db
        .import_table_file(&table, &mapping, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("map.toml:7:") && err.contains("did you mean \"speakr_kind\"?"),
        "{err}"
    );
    std::fs::write(
        &table,
        SMALL_CSV.replace(
            "p2,2023-01-05,Port Authority,organisation",
            "p2,2023-01-05,Port Authority,robot",
        ),
    )
    .unwrap();
    let err = db
        .import_table_file(&table, &mapping, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown kind \"robot\""), "{err}");
    assert_eq!(db.stats().nodes, 0, "nothing is written");

    // Mapping errors are found once the table's header is known, and point into the mapping.
    std::fs::write(&table, SMALL_CSV).unwrap();
    let broken = Mapping::parse(
        "map.toml",
        &SMALL_MAP.replacen("to = \"said\"", "to = \"sayd\"", 1),
    )
    .unwrap();
    let err = db
        .import_table_file(&table, &broken, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("map.toml:22:6") && err.contains("did you mean \"said\"?"),
        "{err}"
    );
    assert_eq!(db.stats().nodes, 0, "nothing is written");
    let err = Mapping::parse("map.toml", "[article]\nid = \"page\"\nfoo = 1\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("map.toml:3:1") && err.contains("unknown field `foo`"),
        "{err}"
    );
}

#[test]
fn liar_loads_through_the_readme_mapping_like_its_jsonl_form_and_pandas_agrees() {
    let Some(shared) = common::shared("the LIAR mapping test") else {
        return;
    };
    let liar = shared.join("data/liar");
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("liar.jsonl");
    let Some(pandas) = python("liar.py", &[liar.as_os_str(), jsonl.as_os_str()]) else {
        return;
    };
    let mapping = Mapping::from_file(&manifest("examples/liar-mapping.toml")).unwrap();
    let mut by_map = Database::in_memory();
    for file in ["train.tsv", "valid.tsv", "test.tsv"] {
        by_map
            .import_table_file(&liar.join(file), &mapping, None)
            .unwrap();
    }
    let mut by_jsonl = Database::in_memory();
    by_jsonl.import_file(&jsonl, None, None).unwrap();
    let (a, b) = (by_map.stats(), by_jsonl.stats());
    assert_eq!(a, b);
    let rows_total = pandas["rows"].as_u64().unwrap() as usize;
    assert_eq!(a.labels["Article"], rows_total);
    assert_eq!(a.types["ASSESSES"], rows_total);
    assert_eq!(
        a.labels["Actor"],
        pandas["speakers"].as_u64().unwrap() as usize
    );

    let by_party = rows(
        &mut by_map,
        "MATCH (a:Actor)-[c:CLAIMS]->(s)<-[r:ASSESSES]-(:Organisation {name: 'PolitiFact'})
         WHERE c.article = r.article AND r.verdict = 'false'
         RETURN coalesce(c.party, '') AS party, count(*) AS n ORDER BY party",
    );
    let want: Vec<Vec<Json>> = pandas["false_by_party"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(p, n)| vec![json!(p), n.clone()])
        .collect();
    assert_eq!(by_party, want);
    let by_speaker = rows(
        &mut by_map,
        "MATCH (a:Actor)-[c:CLAIMS]->(s)<-[r:ASSESSES]-()
         WHERE c.article = r.article AND r.verdict = 'false'
         RETURN a.name AS speaker, count(*) AS n ORDER BY n DESC, speaker LIMIT 10",
    );
    assert_eq!(Json::from(by_speaker), pandas["false_by_speaker"]);
    let verdicts = rows(
        &mut by_map,
        "MATCH ()-[r:ASSESSES]->() RETURN r.verdict AS v, count(*) ORDER BY v",
    );
    let want: Vec<Vec<Json>> = pandas["verdicts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(v, n)| vec![json!(v), n.clone()])
        .collect();
    assert_eq!(verdicts, want);
}

// ---------------------------------------------------------------------------
// Parquet and Neo4j CSV, read by DuckDB and Spark: in `feeds/tables.rs`

#[path = "feeds/tables.rs"]
mod tables;
