//! `claims.search`: which texts match and in which order, against a BM25
//! computed here independently from the texts plain Cypher returns, on the
//! example articles and a generated corpus; and that the index stays exact
//! through imports, writes, deletes, a rolled-back write and a kill -9.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use claimgraph::{Database, ResultValue};
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn bakhmut() -> Database {
    let mut db = Database::in_memory();
    for name in ["bakhmut.triples", "bakhmut-followup.triples"] {
        db.import_file(&example(name), None, None).unwrap();
    }
    db
}

/// The terms of a text, computed without the crate: NFKD, combining marks
/// dropped, lower case, split at anything but letters and digits, stemmed.
fn terms(text: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::English);
    let folded: String = text
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stemmer.stem(w).into_owned())
        .collect()
}

/// One searched text: (statement text, relationship id or -1, the text).
type Doc = (String, i64, String);

/// The texts the search covers, read with plain Cypher.
fn docs(db: &mut Database) -> Vec<Doc> {
    let mut out = Vec::new();
    let rows = db
        .query(
            "MATCH (s:Statement) RETURN s.text AS t, -1 AS r, s.text AS d \
             UNION ALL MATCH ()-[r:CLAIMS|DENIES|ASSESSES]->(s:Statement) \
             WHERE r.quote IS NOT NULL RETURN s.text AS t, id(r) AS r, r.quote AS d",
            &Default::default(),
        )
        .unwrap();
    for row in rows.rows {
        match (&row[0], &row[1], &row[2]) {
            (ResultValue::String(t), ResultValue::Int(r), ResultValue::String(d)) => {
                out.push((t.clone(), *r, d.clone()))
            }
            other => panic!("unexpected row {other:?}"),
        }
    }
    out
}

/// The reference ranking of a query of plain words (OR), BM25 with k1 = 1.2
/// and b = 0.75: (doc key, score), best first, ties by text then relationship.
fn reference(docs: &[Doc], query: &str) -> Vec<((String, i64), f64)> {
    let (k1, b) = (1.2, 0.75);
    let analysed: Vec<Vec<String>> = docs.iter().map(|d| terms(&d.2)).collect();
    let n = docs.len() as f64;
    let avg = analysed.iter().map(Vec::len).sum::<usize>() as f64 / n;
    let mut q = terms(query);
    q.sort();
    q.dedup();
    let df: Vec<f64> = q
        .iter()
        .map(|t| analysed.iter().filter(|ws| ws.contains(t)).count() as f64)
        .collect();
    let mut out = Vec::new();
    for (doc, words) in docs.iter().zip(&analysed) {
        let mut score = 0.0;
        let mut matched = false;
        for (t, df) in q.iter().zip(&df) {
            let tf = words.iter().filter(|w| *w == t).count() as f64;
            if tf == 0.0 {
                continue;
            }
            matched = true;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let len = words.len() as f64;
            score += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avg));
        }
        if matched {
            out.push(((doc.0.clone(), doc.1), score));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// What `claims.search` yields: (doc key, score, snippet), in its order.
fn search(db: &mut Database, query: &str, limit: usize) -> Vec<((String, i64), f64, String)> {
    let cypher = format!(
        "CALL claims.search('{}', {limit}) YIELD node, relationship, score, snippet \
         RETURN node.text, CASE WHEN relationship IS NULL THEN -1 ELSE id(relationship) END, \
         score, snippet",
        query.replace('\\', "\\\\").replace('\'', "\\'")
    );
    let result = db
        .query(&cypher, &Default::default())
        .unwrap_or_else(|e| panic!("{cypher}: {e}"));
    result
        .rows
        .iter()
        .map(|row| match (&row[0], &row[1], &row[2], &row[3]) {
            (
                ResultValue::String(t),
                ResultValue::Int(r),
                ResultValue::Float(s),
                ResultValue::String(snip),
            ) => ((t.clone(), *r), *s, snip.clone()),
            other => panic!("unexpected row {other:?}"),
        })
        .collect()
}

/// Checks that `query` yields exactly the reference ranking.
fn assert_ranked_like_reference(db: &mut Database, docs: &[Doc], query: &str) -> usize {
    let want = reference(docs, query);
    let got = search(db, query, 100_000);
    assert_eq!(
        got.len(),
        want.len(),
        "{query}: {} hits, the reference has {}",
        got.len(),
        want.len()
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g.1 - w.1).abs() < 1e-9,
            "{query}: hit {i} scores {} ({:?}), the reference {} ({:?})",
            g.1,
            g.0,
            w.1,
            w.0
        );
        assert_eq!(g.0, w.0, "{query}: hit {i} differs");
    }
    got.len()
}

/// Single words: exactly the texts holding the word's stem, best first;
/// several words: the reference ranking. Returns the number of hits.
fn assert_exact(db: &mut Database, queries: &[&str]) -> usize {
    let docs = docs(db);
    let mut hits = 0;
    for q in queries {
        hits += assert_ranked_like_reference(db, &docs, q);
    }
    hits
}

const QUERIES: &[&str] = &[
    "flag",
    "FLAGS",
    "Bakhmut",
    "raised",
    "raising",
    "city hall",
    "Wagner flag Bakhmut",
    "withdrawal troops",
    "russian",
    "nothingmatchesthis",
];

#[test]
fn the_examples_rank_like_an_independent_bm25() {
    let mut db = bakhmut();
    let hits = assert_exact(&mut db, QUERIES);
    assert!(hits > 10, "the queries should find something: {hits}");
    // Case, diacritics and endings do not count.
    let plain = search(&mut db, "flag bakhmut", 100);
    assert_eq!(plain, search(&mut db, "FLÄGS BAKHMÚT", 100));
    assert!(!plain.is_empty());
    // The limit keeps the best ones, default 10.
    let top = search(&mut db, "flag bakhmut", 2);
    assert_eq!(top, plain[..2.min(plain.len())]);
    let r = db
        .query(
            "CALL claims.search('the') YIELD node RETURN count(*)",
            &Default::default(),
        )
        .unwrap();
    let all = search(&mut db, "the", 1000).len();
    assert_eq!(r.rows[0][0], ResultValue::Int(all.min(10) as i64));
    // Snippets mark what matched.
    assert!(plain.iter().all(|h| h.2.contains("**")), "{plain:?}");
}

#[test]
fn phrases_and_exclusions() {
    let mut db = bakhmut();
    let docs = docs(&mut db);
    let holds_phrase =
        |d: &Doc, phrase: &[String]| terms(&d.2).windows(phrase.len()).any(|w| w == phrase);
    for phrase in ["\"the flag\"", "\"wagner flag\"", "\"city hall\""] {
        let words = terms(phrase);
        let want: Vec<(String, i64)> = docs
            .iter()
            .filter(|d| holds_phrase(d, &words))
            .map(|d| (d.0.clone(), d.1))
            .collect();
        let mut got: Vec<(String, i64)> = search(&mut db, phrase, 1000)
            .into_iter()
            .map(|h| h.0)
            .collect();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{phrase}");
    }
    // -word leaves out every text with the word, and keeps the ranking of the rest.
    let with = search(&mut db, "flag", 1000);
    let without = search(&mut db, "flag -bakhmut", 1000);
    let kept: Vec<_> = with
        .iter()
        .filter(|h| {
            let d = docs.iter().find(|d| (d.0.clone(), d.1) == h.0).unwrap();
            !terms(&d.2).contains(&"bakhmut".to_string())
        })
        .cloned()
        .collect();
    assert_eq!(without, kept);
    assert!(
        without.len() < with.len(),
        "the example has flags over Bakhmut"
    );
}

#[test]
fn a_generated_corpus_ranks_like_an_independent_bm25() {
    let Some(shared) = common::shared("the search corpus test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::generate_corpus(&shared, 300, dir.path());
    let mut db = Database::in_memory();
    db.import_file(&dir.path().join("corpus.jsonl"), None, None)
        .unwrap();
    // Words of the corpus's own texts, one, two and three at a time.
    let docs = docs(&mut db);
    let words: Vec<String> = docs
        .iter()
        .step_by(docs.len() / 7 + 1)
        .flat_map(|d| d.2.split_whitespace().take(3).map(str::to_string))
        .collect();
    let mut hits = 0;
    for (i, w) in words.iter().enumerate() {
        let q = match i % 3 {
            0 => w.clone(),
            1 => format!("{w} {}", words[(i + 5) % words.len()]),
            _ => format!(
                "{w} {} {}",
                words[(i + 3) % words.len()],
                words[(i + 7) % words.len()]
            ),
        };
        hits += assert_ranked_like_reference(&mut db, &docs, &q);
    }
    assert!(hits > 0);
}

#[test]
fn the_index_follows_imports_writes_deletes_and_rollbacks() {
    let mut db = Database::in_memory();
    db.import_file(&example("bakhmut.triples"), None, None)
        .unwrap();
    assert_exact(&mut db, QUERIES);
    db.import_file(&example("bakhmut-followup.triples"), None, None)
        .unwrap();
    assert_exact(&mut db, QUERIES);
    let q = |db: &mut Database, cypher: &str| {
        db.query(cypher, &Default::default())
            .unwrap_or_else(|e| panic!("{cypher}: {e}"))
    };
    q(
        &mut db,
        "CREATE (:Actor {name: 'Ann Example'})-[:CLAIMS {quote: 'Flags everywhere, flags!'}]->\
         (:Statement {text: 'A flag flies over the city hall'})",
    );
    assert_exact(&mut db, QUERIES);
    assert_eq!(
        search(&mut db, "everywhere", 10)[0].0 .0,
        "A flag flies over the city hall"
    );
    q(
        &mut db,
        "MATCH ()-[r:CLAIMS]->(:Statement {text: 'A flag flies over the city hall'}) \
         SET r.quote = 'Nothing to see'",
    );
    assert!(search(&mut db, "everywhere", 10).is_empty());
    assert_exact(&mut db, QUERIES);
    // A write that fails is rolled back, and the search forgets what it saw.
    let err = db.query(
        "CREATE (:Statement {text: 'Zanzibar is flooded'}) WITH 1 AS x RETURN 1 / 0",
        &Default::default(),
    );
    assert!(err.is_err());
    assert!(search(&mut db, "zanzibar", 10).is_empty());
    // The same when the failed write searched what it had made.
    let err = db.query(
        "CREATE (:Statement {text: 'Zanzibar is flooded'}) WITH 1 AS x \
         CALL claims.search('zanzibar') YIELD node WITH node RETURN node.text, 1 / 0",
        &Default::default(),
    );
    assert!(err.is_err());
    assert!(search(&mut db, "zanzibar", 10).is_empty());
    // A new stance quoted on a statement already indexed, and a new
    // statement: the index grows by both.
    q(
        &mut db,
        "MATCH (s:Statement) WITH s ORDER BY s.text LIMIT 1 \
         CREATE (:Actor {name: 'Bo Quoter'})-[:DENIES {quote: 'Quokkas deny it'}]->(s) \
         CREATE (:Statement {text: 'Quokkas smile'})",
    );
    assert_eq!(search(&mut db, "quokkas", 10).len(), 2);
    assert_exact(&mut db, QUERIES);
    q(
        &mut db,
        "MATCH (s:Statement {text: 'A flag flies over the city hall'}) DETACH DELETE s",
    );
    assert!(search(&mut db, "flies", 10).is_empty());
    q(&mut db, "MATCH (s:Statement) DETACH DELETE s");
    assert!(search(&mut db, "flag", 10).is_empty());
    assert_exact(&mut db, QUERIES);
}

#[test]
fn the_index_is_exact_after_a_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let claimgraph = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
        cmd.arg("--store").arg(&store).args(args);
        cmd.env_remove("CLAIMGRAPH_STORE").stdin(Stdio::null());
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    let file = example("bakhmut.triples");
    let status = claimgraph(&["import", file.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    // A large import, killed part way: the store holds all of it or none.
    let big = dir.path().join("big.triples");
    let mut text = String::from("article \"big\" {date: \"2024-01-01\"}\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "actor \"Speaker {i}\"\n\"Speaker {i}\" claims statement \"Flag number {i} is raised\" \
             {{quote: \"flags rise {i}\"}}\n"
        ));
    }
    std::fs::write(&big, text).unwrap();
    let mut child = claimgraph(&["import", big.to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) with the pid of a child we own and a valid signal number.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGKILL);
    }
    let _ = child.wait();
    let mut db = Database::open(&store).unwrap();
    let mut queries = QUERIES.to_vec();
    queries.extend(["number 17", "rise"]);
    assert_exact(&mut db, &queries);
    let numbered = search(&mut db, "\"flag number\"", 100_000).len();
    assert!(numbered == 0 || numbered == 20_000, "{numbered}");
    eprintln!("after the kill: {numbered} statements of the import");
}

#[test]
fn the_shell_searches() {
    let mut session = claimgraph::repl::Session::new(bakhmut());
    let mut out = Vec::new();
    claimgraph::repl::run_command(&mut session, ":search Flags", &mut out).unwrap();
    claimgraph::repl::run_command(&mut session, ":help search", &mut out).unwrap();
    let err = claimgraph::repl::run_command(&mut session, ":search", &mut out).unwrap_err();
    let out = String::from_utf8(out).unwrap();
    let mut db = bakhmut();
    let hits = search(&mut db, "flags", 20);
    assert!(!hits.is_empty());
    for h in &hits {
        let first_words: String = h.0 .0.chars().take(30).collect();
        assert!(
            out.contains(&first_words),
            "{first_words} missing in\n{out}"
        );
    }
    assert!(out.contains(&format!("{} rows", hits.len())), "{out}");
    assert!(
        out.contains("CALL claims.search(text :: STRING"),
        "the help shows the signature:\n{out}"
    );
    assert!(err.to_string().contains(":search needs words"), "{err}");
}
