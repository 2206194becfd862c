//! The claims functions (`claimgraph::claims`): answers worked out by hand on
//! the example articles, and the same answers computed independently (from
//! the source file, or by plain Cypher) on a generated corpus and on LIAR.

use crate::common;
use crate::liar;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use claimgraph::claims::{self, Target};
use claimgraph::model::Kind;
use claimgraph::{Database, Format, ResultValue, Value};

fn bakhmut() -> Database {
    let mut db = Database::in_memory();
    for name in ["bakhmut.triples", "bakhmut-followup.triples"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        db.import_file(&path, None, None).unwrap();
    }
    db
}

fn key(db: &Database, id: u64) -> String {
    claims::node_key(db.graph(), id)
}

fn date(v: &Option<Value>) -> String {
    v.as_ref()
        .and_then(claims::date_key)
        .unwrap_or_else(|| "-".into())
}

fn article(db: &Database, a: Option<u64>) -> String {
    a.map_or_else(|| "-".into(), |a| key(db, a))
}

const FLAG: &str = "bakhmut-flag-2023-04-03";
const WITHDRAWAL: &str = "bakhmut-withdrawal-2023-05-05";

#[test]
fn stance_of_the_legal_sense_claim() {
    let db = bakhmut();
    let rows = claims::stance(
        db.graph(),
        Target::Text("Bakhmut is Russian  in a legal sense"),
    )
    .unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                key(&db, r.who),
                r.stance.word(),
                date(&r.date),
                article(&db, r.article),
                r.quote.clone().unwrap_or_default(),
            )
        })
        .collect();
    let yermak_quote = "calmly respond to the fakes of those who invent a \u{2018}victory\u{2019} that does not exist in reality";
    assert_eq!(
        seen,
        [
            (
                "Yevgeny Prigozhin".into(),
                "claims",
                "2023-04-02".into(),
                FLAG.into(),
                "in a legal sense".into()
            ),
            (
                "Andriy Yermak".into(),
                "denies",
                "2023-04-03".into(),
                FLAG.into(),
                yermak_quote.into()
            ),
            (
                "General Staff of the Ukrainian Armed Forces".into(),
                "denies",
                "2023-04-03".into(),
                FLAG.into(),
                String::new()
            ),
            (
                "Hanna Maliar".into(),
                "denies",
                "2023-04-03".into(),
                FLAG.into(),
                "a funny fake".into()
            ),
        ]
    );
    // The relationship column names the very records.
    for r in &rows {
        let rel = db.graph().relationship(r.relationship).unwrap();
        assert_eq!(
            (rel.start, rel.rel_type.to_lowercase()),
            (r.who, r.stance.word().to_string())
        );
    }
    // A node argument gives the same rows.
    let s1 = db
        .graph()
        .lookup_key(Kind::Statement, "Bakhmut is Russian in a legal sense")
        .unwrap();
    assert_eq!(claims::stance(db.graph(), Target::Node(s1)).unwrap(), rows);
    // Verdicts: ISW assessed s6 in both articles.
    let s6 = claims::stance(
        db.graph(),
        Target::Text("Ukraine still controls a large portion of Bakhmut"),
    )
    .unwrap();
    let seen: Vec<_> = s6
        .iter()
        .map(|r| {
            (
                key(&db, r.who),
                date(&r.date),
                article(&db, r.article),
                r.verdict.clone(),
            )
        })
        .collect();
    let isw = "Institute for the Study of War".to_string();
    let supported = Some("supported".to_string());
    assert_eq!(
        seen,
        [
            (
                isw.clone(),
                "2023-04-03".into(),
                FLAG.into(),
                supported.clone()
            ),
            (isw, "2023-05-05".into(), WITHDRAWAL.into(), supported),
        ]
    );
}

#[test]
fn an_unknown_statement_is_refused_with_the_nearest() {
    let db = bakhmut();
    let err = claims::stance(
        db.graph(),
        Target::Text("Bakhmut is Russian in the legal sense"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("claims.stance"), "{msg}");
    assert!(
        msg.contains("did you mean \"Bakhmut is Russian in a legal sense\""),
        "{msg}"
    );
    let maliar = claims::entity(db.graph(), "Hanna Maliar", None)
        .unwrap()
        .unwrap();
    let err = claims::first(db.graph(), Target::Node(maliar)).unwrap_err();
    assert!(
        err.to_string()
            .contains("expects a Statement, not a :Actor node"),
        "{err}"
    );
}

#[test]
fn contested_statements_of_the_examples() {
    let db = bakhmut();
    let show = |rows: Vec<claims::Contested>| -> Vec<(String, usize, usize, usize, usize, String, String)> {
        rows.iter()
            .map(|r| {
                (key(&db, r.statement), r.claimants, r.deniers, r.assessors, r.articles, date(&r.first), date(&r.last))
            })
            .collect()
    };
    let s1 = "Bakhmut is Russian in a legal sense".to_string();
    let w2 = "The Russian Ministry of Defence is withholding ammunition from Wagner".to_string();
    assert_eq!(
        show(claims::contested(db.graph(), None, None).unwrap()),
        [
            (
                s1.clone(),
                1,
                3,
                0,
                1,
                "2023-04-02".into(),
                "2023-04-03".into()
            ),
            (
                w2.clone(),
                1,
                1,
                0,
                1,
                "2023-05-05".into(),
                "2023-05-05".into()
            ),
        ]
    );
    let since = Value::from("2023-05-01");
    assert_eq!(
        show(claims::contested(db.graph(), Some(&since), None).unwrap()),
        [(w2, 1, 1, 0, 1, "2023-05-05".into(), "2023-05-05".into())]
    );
    // Until 2 April only Prigozhin's claim is in the window: nothing is contested.
    let until = Value::from("2023-04-02");
    assert!(claims::contested(db.graph(), None, Some(&until))
        .unwrap()
        .is_empty());
    let (from, to) = (Value::from("2023-04-01"), Value::from("2023-04-30"));
    assert_eq!(
        show(claims::contested(db.graph(), Some(&from), Some(&to)).unwrap()),
        [(s1, 1, 3, 0, 1, "2023-04-02".into(), "2023-04-03".into())]
    );
}

#[test]
fn timelines_of_an_actor_and_a_place() {
    let db = bakhmut();
    let show = |rows: Vec<claims::TimelineRow>| -> Vec<String> {
        rows.iter()
            .map(|r| {
                format!(
                    "{} {} {} | {} | {}",
                    date(&r.date),
                    key(&db, r.who),
                    r.stance.word(),
                    key(&db, r.statement),
                    article(&db, r.article)
                )
            })
            .collect()
    };
    assert_eq!(
        show(claims::timeline(db.graph(), Target::Text("hanna maliar")).unwrap()),
        [
            format!("2023-04-03 Hanna Maliar denies | Bakhmut is Russian in a legal sense | {FLAG}"),
            format!("2023-05-05 Hanna Maliar claims | The threat to withdraw is an attempt to shift the blame for Russian losses | {WITHDRAWAL}"),
        ]
    );
    let bakhmut = show(claims::timeline(db.graph(), Target::Text("Bakhmut")).unwrap());
    let first: Vec<&str> = bakhmut
        .iter()
        .take(4)
        .map(|s| s.split(" | ").nth(1).unwrap())
        .collect();
    assert_eq!(
        first,
        [
            "Bakhmut is Russian in a legal sense",
            "Ukrainian forces are holding Bakhmut",
            "Ukrainian soldiers are still concentrated in western areas of Bakhmut",
            "Wagner raised the Russian flag above the city hall in Bakhmut",
        ]
    );
    // s1: 4 stances, s2, s3, s5: 1 each, s6: 2 (one per article), s7, s8, s9: 1
    // each, w1: 1; s10 has none.
    assert_eq!(bakhmut.len(), 13, "{bakhmut:#?}");
    assert!(bakhmut[12].starts_with("2023-05-05"), "{bakhmut:#?}");
    assert_eq!(
        bakhmut
            .iter()
            .filter(|l| l.starts_with("2023-04-02"))
            .count(),
        4
    );
    // Prigozhin: his five claims, and the stance on w4, which is about him.
    let prigozhin = show(claims::timeline(db.graph(), Target::Text("Wagner chief")).unwrap());
    assert_eq!(prigozhin.len(), 7, "{prigozhin:#?}");
    assert!(prigozhin
        .iter()
        .any(|l| l.contains("Hanna Maliar claims | The threat")));
    // An unknown name is refused with the nearest one.
    let err = claims::timeline(db.graph(), Target::Text("Hana Maliar")).unwrap_err();
    assert!(
        err.to_string().contains("did you mean \"Hanna Maliar\"?"),
        "{err}"
    );
}

#[test]
fn first_orders_by_relationship_date_then_article_date() {
    let mut db = Database::in_memory();
    let text = br#"
article "a1" {date: "2023-01-02"}
actor "B"
"B" claims statement "The bridge is down"
article "a0" {date: "2023-01-01"}
actor "C"
"C" claims statement "The bridge is down" {date: "2023-01-05"}
article "a2"
actor "A"
"A" claims statement "The bridge is down"
organisation "D" denies statement "The bridge is down"
article "a3" {date: "2023-01-02"}
actor "A2"
"A2" claims statement "The bridge is down"
"#;
    db.import_bytes("t.triples", text, Format::Triples, None)
        .unwrap();
    let rows = claims::first(db.graph(), Target::Text("The bridge is down")).unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.rank,
                key(&db, r.who),
                date(&r.date),
                article(&db, r.article),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, "C".into(), "2023-01-05".into(), "a0".into()),
            (2, "A2".into(), "2023-01-02".into(), "a3".into()),
            (3, "B".into(), "2023-01-02".into(), "a1".into()),
            (4, "A".into(), "-".into(), "a2".into()),
        ]
    );
}

#[test]
fn find_and_entity_forgive_case_accents_order_and_typos() {
    let mut db = bakhmut();
    db.import_bytes(
        "extra.triples",
        "place \"Artëmivsk\"\nstatement s \"On abortion\"\nstatement t \"On abortion.\"\nstatement u \"Abortion policy is on the ballot\"\n"
            .as_bytes(),
        Format::Triples,
        None,
    )
    .unwrap();
    let g = db.graph();
    let top = |text: &str, kinds: Option<&[Kind]>| -> (String, f64, String) {
        let found = claims::find(g, text, kinds);
        let f = found
            .first()
            .unwrap_or_else(|| panic!("nothing found for {text:?}"));
        assert!(f.score > 0.0 && f.score <= 1.0);
        assert!(
            found.windows(2).all(|w| w[0].score >= w[1].score),
            "{found:?}"
        );
        (key(&db, f.node), f.score, f.matched.to_string())
    };
    // Each actor of the examples from a misspelling, and the alias that matched.
    let cases = [
        ("Yevgeny Prigozin", "Yevgeny Prigozhin", "Yevgeny Prigozhin"),
        ("prigozhin", "Yevgeny Prigozhin", "Prigozhin"),
        ("Hana Maliar", "Hanna Maliar", "Hanna Maliar"),
        ("Maliar Hanna", "Hanna Maliar", "Hanna Maliar"),
        ("Andrij Yermak", "Andriy Yermak", "Andriy Yermak"),
        (
            "Volodimir Zelenski",
            "Volodymyr Zelensky",
            "Volodymyr Zelensky",
        ),
        (
            "president zelenskiy",
            "Volodymyr Zelensky",
            "President Zelensky",
        ),
        ("Vladlen Tatarski", "Vladlen Tatarsky", "Vladlen Tatarsky"),
        ("Sergey Shoigu", "Sergei Shoigu", "Sergei Shoigu"),
        ("Valeri Gerasimov", "Valery Gerasimov", "Valery Gerasimov"),
        ("artemivsk", "Artëmivsk", "Artëmivsk"),
        ("isw", "Institute for the Study of War", "ISW"),
        (
            "russian mod",
            "Ministry of Defence of the Russian Federation",
            "Russian MoD",
        ),
    ];
    for (query, want, matched) in cases {
        let (got, _, m) = top(query, Some(claims::ENTITY_KINDS));
        assert_eq!((got.as_str(), m.as_str()), (want, matched), "for {query:?}");
    }
    // The very name scores 1; a misspelling less; the same words reordered in between.
    assert_eq!(top("Hanna Maliar", None).1, 1.0);
    let reordered = top("Maliar Hanna", None).1;
    let misspelt = top("Hana Maliar", None).1;
    assert!(
        misspelt < reordered && reordered < 1.0,
        "{misspelt} {reordered}"
    );
    // A kind narrows the search; without one statements come too.
    let (s, _, _) = top("flag city hall Bakhmut", None);
    assert_eq!(
        s,
        "Wagner raised the Russian flag above the city hall in Bakhmut"
    );
    assert!(claims::find(g, "flag city hall", Some(&[Kind::Place])).is_empty());
    assert!(claims::find(g, "zzzz qqqq", None).is_empty());
    let ministries = claims::find(g, "ministry of defence", Some(&[Kind::Organisation]));
    assert!(ministries.len() >= 3, "{ministries:?}");

    // entity(): exact name or alias ignoring case, else none.
    let named = |n: &str| claims::entity(g, n, None).unwrap().map(|id| key(&db, id));
    assert_eq!(named("hanna maliar").as_deref(), Some("Hanna Maliar"));
    assert_eq!(named("MR. PRIGOZHIN").as_deref(), Some("Yevgeny Prigozhin"));
    assert_eq!(named("Hana Maliar"), None);
    assert_eq!(
        claims::entity(g, "Bakhmut", Some(Kind::Actor)).unwrap(),
        None
    );
    assert_eq!(claims::parse_kind("entity", "PLACE").unwrap(), Kind::Place);
    let err = claims::parse_kind("entity", "plac").unwrap_err();
    assert!(err.to_string().contains("did you mean \"place\""), "{err}");

    // similar(): the same words first, with score 1, then rewordings.
    let similar = claims::similar(g, Target::Text("On abortion"), 10).unwrap();
    let seen: Vec<_> = similar
        .iter()
        .map(|s| (key(&db, s.node), s.score))
        .collect();
    assert_eq!(seen[0], ("On abortion.".to_string(), 1.0));
    assert_eq!(seen[1].0, "Abortion policy is on the ballot");
    assert!((seen[1].1 - 2.0 / 6.0).abs() < 1e-9, "{seen:?}");
}

#[test]
fn entity_names_the_ambiguous() {
    let mut db = Database::in_memory();
    let text = b"actor \"Mercury\"\nplace \"mercury\"\n";
    db.import_bytes("t.triples", text, Format::Triples, None)
        .unwrap();
    let err = claims::entity(db.graph(), "MERCURY", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("names 2 entities")
            && err.contains("Actor \"Mercury\"")
            && err.contains("Place \"mercury\""),
        "{err}"
    );
    let place = claims::entity(db.graph(), "MERCURY", Some(Kind::Place))
        .unwrap()
        .unwrap();
    assert_eq!(key(&db, place), "mercury");
}

#[test]
fn the_text_index_follows_writes_and_rollbacks() {
    let mut db = bakhmut();
    assert!(claims::find(db.graph(), "Oleksii Reznikov", None).is_empty());
    db.query(
        "CREATE (:Actor {name: 'Oleksii Reznikov'})",
        &Default::default(),
    )
    .unwrap();
    assert_eq!(claims::find(db.graph(), "oleksii reznikov", None).len(), 1);
    // A failed write rolls back: the index forgets what it saw.
    let err = db.query(
        "CREATE (:Actor {name: 'Kyrylo Budanov'}) WITH 1 AS x RETURN 1 / 0",
        &Default::default(),
    );
    assert!(err.is_err());
    assert!(claims::find(db.graph(), "Kyrylo Budanov", None).is_empty());
    db.query(
        "MATCH (a:Actor {name: 'Oleksii Reznikov'}) SET a.aliases = ['Reznikov']",
        &Default::default(),
    )
    .unwrap();
    assert!(claims::entity(db.graph(), "reznikov", None)
        .unwrap()
        .is_some());
    db.query(
        "MATCH (a:Actor {name: 'Oleksii Reznikov'}) DELETE a",
        &Default::default(),
    )
    .unwrap();
    assert!(claims::find(db.graph(), "Oleksii Reznikov", None).is_empty());
    assert_eq!(claims::entity(db.graph(), "reznikov", None).unwrap(), None);
}

/// One stance from the source file, for the independent computations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Said {
    statement: String,
    stance: String,
    who: String,
    article: String,
    date: Option<String>,
}

/// The distinct-count summary of `claims.contested`, computed from a list of stances.
type Summary = BTreeMap<String, (usize, usize, usize, usize, Option<String>, Option<String>)>;

fn contested_from(said: &BTreeSet<Said>) -> Summary {
    let mut by: BTreeMap<&str, Vec<&Said>> = BTreeMap::new();
    for s in said {
        by.entry(&s.statement).or_default().push(s);
    }
    by.into_iter()
        .filter_map(|(text, ss)| {
            let who = |k: &str| {
                ss.iter()
                    .filter(|s| s.stance == k)
                    .map(|s| &s.who)
                    .collect::<BTreeSet<_>>()
                    .len()
            };
            let (c, d, a) = (who("claims"), who("denies"), who("assesses"));
            let articles = ss.iter().map(|s| &s.article).collect::<BTreeSet<_>>().len();
            let dates: BTreeSet<&String> = ss.iter().filter_map(|s| s.date.as_ref()).collect();
            (c > 0 && d > 0).then(|| {
                let first = dates.first().map(|d| d.to_string());
                let last = dates.last().map(|d| d.to_string());
                (text.to_string(), (c, d, a, articles, first, last))
            })
        })
        .collect()
}

fn contested_of(db: &Database) -> (Summary, Vec<(usize, String)>) {
    let rows = claims::contested(db.graph(), None, None).unwrap();
    let order = rows
        .iter()
        .map(|r| (r.claimants + r.deniers, key(db, r.statement)))
        .collect();
    let summary = rows
        .iter()
        .map(|r| {
            let d = |v: &Option<Value>| v.as_ref().and_then(claims::date_key);
            (
                key(db, r.statement),
                (
                    r.claimants,
                    r.deniers,
                    r.assessors,
                    r.articles,
                    d(&r.first),
                    d(&r.last),
                ),
            )
        })
        .collect();
    (summary, order)
}

fn assert_contested_order(order: &[(usize, String)]) {
    assert!(
        order
            .windows(2)
            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)),
        "most contested first, ties by text"
    );
}

#[test]
fn contested_stance_and_first_agree_with_the_corpus_file_and_cypher() {
    let Some(shared) = common::shared("the claims corpus test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::generate_corpus(&shared, 600, dir.path());
    let file = dir.path().join("corpus.jsonl");
    let mut db = Database::in_memory();
    db.import_file(&file, None, None).unwrap();

    // Independently, from the file: every stance, keyed as the store keys
    // relationships (who, type, statement, article).
    let mut said = BTreeSet::new();
    let (mut current, mut day) = (String::new(), String::new());
    for line in std::fs::read_to_string(&file).unwrap().lines() {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(a) = j.get("article") {
            current = a["id"].as_str().unwrap().to_string();
            day = a["date"].as_str().unwrap().to_string();
        } else if let Some(t) = j.get("triple") {
            let p = t["p"].as_str().unwrap();
            if matches!(p, "claims" | "denies" | "assesses") {
                let own = t["props"]["date"].as_str().map(str::to_string);
                said.insert(Said {
                    statement: t["o"]["text"].as_str().unwrap().to_string(),
                    stance: p.to_string(),
                    who: t["s"]["name"].as_str().unwrap().to_string(),
                    article: current.clone(),
                    date: Some(own.unwrap_or_else(|| day.clone())),
                });
            }
        }
    }
    let want = contested_from(&said);
    let (got, order) = contested_of(&db);
    assert!(
        want.len() > 100,
        "the corpus has contested statements: {}",
        want.len()
    );
    assert_eq!(got, want);
    assert_contested_order(&order);

    // The same counts by plain Cypher, distinct nodes.
    let cypher = "MATCH (c)-[:CLAIMS]->(s:Statement)<-[:DENIES]-(d) \
                  WITH s, count(DISTINCT c) AS claimants, count(DISTINCT d) AS deniers \
                  OPTIONAL MATCH (s)<-[:ASSESSES]-(x) \
                  RETURN s.text, claimants, deniers, count(DISTINCT x) AS assessors";
    let result = db.query(cypher, &Default::default()).unwrap();
    let by_cypher: BTreeMap<String, (usize, usize, usize)> = result
        .rows
        .iter()
        .map(|r| {
            let n = |v: &ResultValue| match v {
                ResultValue::Int(i) => *i as usize,
                other => panic!("{other:?}"),
            };
            let ResultValue::String(t) = &r[0] else {
                panic!()
            };
            (t.clone(), (n(&r[1]), n(&r[2]), n(&r[3])))
        })
        .collect();
    let ours: BTreeMap<String, (usize, usize, usize)> = got
        .iter()
        .map(|(t, v)| (t.clone(), (v.0, v.1, v.2)))
        .collect();
    assert_eq!(ours, by_cypher);

    // stance() and first() of the most repeated statements, against the file.
    for (_, text) in order.iter().take(25) {
        let rows = claims::stance(db.graph(), Target::Text(text)).unwrap();
        let mut got: Vec<Said> = rows
            .iter()
            .map(|r| Said {
                statement: text.clone(),
                stance: r.stance.word().into(),
                who: key(&db, r.who),
                article: article(&db, r.article),
                date: r.date.as_ref().and_then(claims::date_key),
            })
            .collect();
        let dates: Vec<_> = got.iter().map(|s| s.date.clone()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "by date: {dates:?}");
        got.sort();
        let want: Vec<Said> = said
            .iter()
            .filter(|s| &s.statement == text)
            .cloned()
            .collect();
        assert_eq!(got, want);
        let first = claims::first(db.graph(), Target::Text(text)).unwrap();
        let claimed = want.iter().filter(|s| s.stance == "claims").count();
        assert_eq!(first.len(), claimed);
        let earliest = want
            .iter()
            .filter(|s| s.stance == "claims")
            .map(|s| &s.date)
            .min()
            .unwrap();
        assert_eq!(&first[0].date.as_ref().and_then(claims::date_key), earliest);
    }

    // timeline() of the hub actor: its own stances, and those on statements about it.
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("params.json")).unwrap())
            .unwrap();
    let actor = params["actor"].as_str().unwrap();
    let rows = claims::timeline(db.graph(), Target::Text(actor)).unwrap();
    let own = said.iter().filter(|s| s.who == actor).count();
    assert_eq!(
        rows.len(),
        own,
        "the hub actor has no statements about it in this corpus"
    );
    assert!(rows
        .windows(2)
        .all(|w| claims::cmp_dates(&w[0].date, &w[1].date).is_le()));
    let place = params["place"].as_str().unwrap();
    let about = db
        .query(
            "MATCH (:Place {name: $p})<-[:ABOUT]-(s)<-[r]-() WHERE type(r) IN ['CLAIMS', 'DENIES', 'ASSESSES'] \
             RETURN count(DISTINCT r)",
            &[("p".to_string(), Value::from(place))].into_iter().collect(),
        )
        .unwrap();
    let ResultValue::Int(n) = about.rows[0][0] else {
        panic!()
    };
    assert_eq!(
        claims::timeline(db.graph(), Target::Text(place))
            .unwrap()
            .len() as i64,
        n
    );
}

#[test]
fn claims_on_liar() {
    let Some(shared) = common::shared("the claims LIAR test") else {
        return;
    };
    let rows = liar::rows(&shared);
    let mut db = Database::in_memory();
    db.import_bytes(
        "liar.jsonl",
        liar::jsonl(&rows).as_bytes(),
        Format::Jsonl,
        None,
    )
    .unwrap();
    let g = db.graph();

    // find(): donald-trump from his name as people write it.
    for query in [
        "Donald Trump",
        "donald trump",
        "Donald Trmup",
        "TRUMP, Donald",
    ] {
        let found = claims::find(g, query, Some(&[Kind::Actor]));
        let top = found
            .first()
            .unwrap_or_else(|| panic!("nothing for {query:?}"));
        assert_eq!(
            top.matched,
            "donald-trump",
            "for {query:?}: {:?}",
            &found[..found.len().min(3)]
        );
    }
    assert_eq!(
        claims::entity(g, "Donald-Trump", None)
            .unwrap()
            .map(|id| key(&db, id))
            .as_deref(),
        Some("donald-trump")
    );

    // contested(): every statement claimed and rated false or pants-fire,
    // computed from the rows.
    let mut said = BTreeSet::new();
    for r in rows
        .iter()
        .filter(|r| !r.speaker.is_empty() && !r.text.trim().is_empty())
    {
        let text = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut push = |stance: &str, who: &str| {
            said.insert(Said {
                statement: text.clone(),
                stance: stance.into(),
                who: who.into(),
                article: r.article(),
                date: None,
            });
        };
        push("claims", &r.speaker);
        push(if r.denied() { "denies" } else { "assesses" }, "PolitiFact");
    }
    let want = contested_from(&said);
    let (got, order) = contested_of(&db);
    assert!(want.len() > 3000, "{}", want.len());
    assert_eq!(got, want);
    assert_contested_order(&order);

    // The speaker's claims, counted once each, whatever the number of paths.
    let trump = claims::entity(g, "donald-trump", Some(Kind::Actor))
        .unwrap()
        .unwrap();
    let timeline = claims::timeline(g, Target::Node(trump)).unwrap();
    let by_file = said.iter().filter(|s| s.who == "donald-trump").count();
    assert_eq!(timeline.len(), by_file);

    // similar(): LIAR's "On abortion" is there twice, with two speakers: one
    // statement node; its nearest others share words with it.
    let similar = claims::similar(g, Target::Text("On abortion"), 5).unwrap();
    assert!(!similar.is_empty());
    assert!(similar.iter().all(|s| s.score > 0.0 && s.score <= 1.0));
    assert!(similar.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(similar
        .iter()
        .all(|s| key(&db, s.node).to_lowercase().contains("abortion") || s.score < 0.5));
}

/// The rows of a query, as JSON-like strings.
fn rows_of(db: &mut Database, cypher: &str) -> Vec<Vec<String>> {
    let result = db
        .query(cypher, &Default::default())
        .unwrap_or_else(|e| panic!("{cypher}: {e}"));
    result
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| match v {
                    ResultValue::String(s) => s.clone(),
                    ResultValue::Null => "-".into(),
                    ResultValue::Temporal(t) => t.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_procedures_yield_what_the_functions_return() {
    let mut db = bakhmut();
    let s1 = "Bakhmut is Russian in a legal sense";
    let direct: Vec<Vec<String>> = claims::stance(db.graph(), Target::Text(s1))
        .unwrap()
        .iter()
        .map(|r| {
            vec![
                key(&db, r.who),
                r.stance.word().into(),
                date(&r.date),
                article(&db, r.article),
                r.quote.clone().unwrap_or_else(|| "-".into()),
                r.verdict.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let called = rows_of(
        &mut db,
        &format!(
            "CALL claims.stance('{s1}') YIELD who, stance, date, article, quote, verdict, relationship \
             WHERE type(relationship) = toUpper(stance) \
             RETURN coalesce(who.name, who.text), stance, date, article.id, quote, verdict"
        ),
    );
    assert_eq!(called, direct);
    assert_eq!(called.len(), 4);

    let called = rows_of(
        &mut db,
        "CALL claims.contested('2023-04-01') YIELD statement, claimants, deniers, assessors, articles, first, last \
         RETURN statement.text, toString(claimants), toString(deniers), toString(assessors), toString(articles), first, last",
    );
    assert_eq!(
        called,
        [
            [s1, "1", "3", "0", "1", "2023-04-02", "2023-04-03"],
            [
                "The Russian Ministry of Defence is withholding ammunition from Wagner",
                "1",
                "1",
                "0",
                "1",
                "2023-05-05",
                "2023-05-05"
            ],
        ]
    );
    let called = rows_of(
        &mut db,
        "CALL claims.timeline(entity('hanna maliar', 'actor')) YIELD date, stance, who, statement, article \
         RETURN date, stance, who.name, statement.text, article.id",
    );
    assert_eq!(called.len(), 2);
    assert_eq!(
        called[0],
        ["2023-04-03", "denies", "Hanna Maliar", s1, FLAG]
    );
    let called = rows_of(
        &mut db,
        &format!(
            "CALL claims.first('{s1}') YIELD rank, who, date RETURN toString(rank), who.name, date"
        ),
    );
    assert_eq!(called, [["1", "Yevgeny Prigozhin", "2023-04-02"]]);
    let called = rows_of(
        &mut db,
        "CALL claims.find('Volodimir Zelenski', 'ACTOR') YIELD node, score, matched \
         RETURN node.name, matched, score > 0.7 AND score < 1.0 AS partial LIMIT 1",
    );
    assert_eq!(called[0][..2], ["Volodymyr Zelensky", "Volodymyr Zelensky"]);
    assert_eq!(called[0][2], "Bool(true)");
    let called = rows_of(
        &mut db,
        "CALL claims.similar('Ukraine still controls a large portion of Bakhmut', 1) YIELD node, score \
         RETURN node.text, score > 0",
    );
    assert_eq!(called.len(), 1);
    let called = rows_of(
        &mut db,
        "RETURN entity('WAGNER GROUP').name, entity('nobody'), entity('Bakhmut', 'actor')",
    );
    assert_eq!(called, [["Wagner", "-", "-"]]);
    // Refusals name the procedure and the nearest statement or kind.
    let err = db
        .query(
            "CALL claims.first('Bakhmut is Russian') YIELD rank RETURN rank",
            &Default::default(),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("did you mean \"Bakhmut is Russian in a legal sense\""),
        "{err}"
    );
    let err = db
        .query(
            "CALL claims.find('x', 'persn') YIELD node RETURN node",
            &Default::default(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("unknown kind \"persn\""), "{err}");
}

/// Runs shell commands on a session over the examples, returning the output.
fn shell(db: Database, lines: &[&str]) -> (String, Vec<String>) {
    let mut session = claimgraph::repl::Session::new(db);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for line in lines {
        if let Err(e) = claimgraph::repl::run_command(&mut session, line, &mut out) {
            errors.push(e.to_string());
        }
    }
    (String::from_utf8(out).unwrap(), errors)
}

/// The cells of each table row that mentions `needle`.
fn cells_of<'a>(text: &'a str, needle: &str) -> Vec<Vec<&'a str>> {
    text.lines()
        .filter(|l| l.starts_with('│') && l.contains(needle))
        .map(|l| l.trim_matches('│').split('┆').map(str::trim).collect())
        .collect()
}

#[test]
fn the_shell_commands_print_tables_and_resolve_like_find() {
    let (out, errors) = shell(
        bakhmut(),
        &[
            ":contested",
            ":stance legal sense Bakhmut",
            ":timeline hana maliar",
            ":first 'Bakhmut is Russian in a legal sense'",
            ":contested 2023-05-01",
            ":help",
            ":help timeline",
            ":timeline Zzzz Qqqq",
            ":stance",
            ":contestd",
        ],
    );
    assert_eq!(
        cells_of(&out, "Bakhmut is Russian in a legal sense ")[0],
        [
            "Bakhmut is Russian in a legal sense",
            "1",
            "3",
            "0",
            "1",
            "2023-04-02",
            "2023-04-03"
        ]
    );
    assert!(
        out.contains("Statement: \"Bakhmut is Russian in a legal sense\""),
        "{out}"
    );
    let maliar = cells_of(&out, "a funny fake");
    assert_eq!(
        maliar[0][..4],
        ["2023-04-03", "Hanna Maliar", "denies", FLAG]
    );
    assert!(out.contains("Entity: \"Hanna Maliar\""), "{out}");
    let timeline = cells_of(&out, "Hanna Maliar ┆");
    assert!(
        timeline
            .iter()
            .any(|r| r[2] == "claims" && r[4] == WITHDRAWAL),
        "{timeline:?}"
    );
    assert_eq!(
        cells_of(&out, "Yevgeny Prigozhin ┆ 2023-04-02")[0],
        ["1", "Yevgeny Prigozhin", "2023-04-02", FLAG]
    );
    // Since 1 May only w2 is contested: one row in the second table.
    assert!(out.contains("\n1 row\n"), "{out}");
    for command in [
        ":contested",
        ":stance TEXT",
        ":timeline NAME",
        ":first TEXT",
    ] {
        assert!(out.contains(command), "{command} is in :help");
    }
    assert!(
        out.contains("CALL claims.timeline(entity :: ANY) :: (date :: ANY"),
        "{out}"
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("no actor, organisation or place matches \"Zzzz Qqqq\""));
    assert!(errors[1].contains(":stance needs a statement"));
    assert!(errors[2].contains("did you mean :contested?"), "{errors:?}");
}

/// The figures of the README's LIAR walkthrough, checked against the source
/// files: the store is imported as the README does (the TSV files through
/// `examples/liar-mapping.toml`), the expectations computed from the rows.
#[test]
fn the_readme_walkthrough_on_liar() {
    let Some(shared) = common::shared("the README's LIAR walkthrough") else {
        return;
    };
    // The figures the README quotes.
    const ARTICLES: usize = 12_836;
    const OBAMA_CLAIMS: usize = 616;
    const OBAMACARE_TEXTS: usize = 268;
    const TOP_REPEAL: &str =
        "FACT: Repealing Obamacare would be easier than repealing Prohibition.";

    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mapping =
        claimgraph::import::Mapping::from_file(&manifest.join("examples/liar-mapping.toml"))
            .unwrap();
    let mut db = Database::in_memory();
    for file in ["train.tsv", "valid.tsv", "test.tsv"] {
        db.import_table_file(&shared.join("data/liar").join(file), &mapping, None)
            .unwrap();
    }

    // From the source files alone.
    let rows = liar::rows(&shared);
    assert_eq!(rows.len(), ARTICLES, "rows in the three files");
    let obama = rows.iter().filter(|r| r.speaker == "barack-obama").count();
    assert_eq!(obama, OBAMA_CLAIMS, "rows spoken by barack-obama");
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let holds = |text: &str, term: &str| {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| !w.is_empty() && stemmer.stem(w) == term)
    };
    let texts: BTreeSet<String> = rows
        .iter()
        .map(|r| r.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| holds(t, "obamacar"))
        .collect();
    assert_eq!(texts.len(), OBAMACARE_TEXTS, "statements saying Obamacare");

    // What the store answers.
    let n = |db: &mut Database, q: &str| rows_of(db, q)[0][0].clone();
    assert_eq!(
        n(&mut db, "MATCH (a:Article) RETURN toString(count(*))"),
        ARTICLES.to_string()
    );
    assert_eq!(
        n(
            &mut db,
            "CALL claims.timeline('barack-obama') YIELD stance RETURN toString(count(*))"
        ),
        OBAMA_CLAIMS.to_string()
    );
    assert_eq!(
        n(
            &mut db,
            "CALL claims.search('obamacare', 100000) YIELD node RETURN toString(count(*))"
        ),
        OBAMACARE_TEXTS.to_string()
    );
    assert_eq!(
        n(
            &mut db,
            "CALL claims.search('obamacare repeal', 1) YIELD node RETURN node.text"
        ),
        TOP_REPEAL
    );
}

/// `claimgraph timeline`: one event per stance, in the stance's colour, and
/// a picture that rsvg-convert renders.
#[test]
fn the_timeline_picture_draws_every_stance_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let bin = env!("CARGO_BIN_EXE_claimgraph");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("--store")
            .arg(&store)
            .args(args)
            .env_remove("CLAIMGRAPH_STORE")
            .output()
            .unwrap()
    };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let files: Vec<String> = ["bakhmut.triples", "bakhmut-followup.triples"]
        .iter()
        .map(|f| examples.join(f).to_string_lossy().into_owned())
        .collect();
    assert!(run(&["import", &files[0], &files[1]]).status.success());
    let db = bakhmut();
    for (what, node) in [
        (
            "Bakhmut",
            claims::entity(db.graph(), "Bakhmut", None)
                .unwrap()
                .unwrap(),
        ),
        (
            "prigozhin",
            claims::entity(db.graph(), "Prigozhin", None)
                .unwrap()
                .unwrap(),
        ),
    ] {
        let svg = dir.path().join(format!("{what}.svg"));
        let out = run(&[
            "timeline",
            what,
            "--format",
            "svg",
            "--output",
            svg.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&svg).unwrap();
        // Well-formed XML.
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{what}: {e}"),
            }
        }
        let rows = claims::timeline(db.graph(), Target::Node(node)).unwrap();
        for stance in ["claims", "denies", "assesses"] {
            let want = rows.iter().filter(|r| r.stance.word() == stance).count();
            let got = text.matches(&format!("class=\"event {stance}\"")).count();
            assert_eq!(got, want, "{what}: {stance}");
        }
        for r in &rows {
            let who = key(&db, r.who);
            assert!(text.contains(&who), "{what}: {who} is not labelled");
        }
        let rendered = Command::new("rsvg-convert")
            .arg(&svg)
            .arg("-o")
            .arg(dir.path().join(format!("{what}.png")))
            .status();
        match rendered {
            Ok(status) => assert!(status.success(), "rsvg-convert refused {what}"),
            Err(_) if std::env::var_os("CI").is_none() => {
                eprintln!("rsvg-convert is not installed: the rendering was not checked")
            }
            Err(e) => panic!("rsvg-convert is needed in CI: {e}"),
        }
    }
    let out = run(&["timeline", "zzqqxx", "--output", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no statement, actor"));
}

/// One stance read straight from the records: (statement, stance word,
/// who, relationship, article id, Article node, date).
type Plain = (
    u64,
    String,
    u64,
    u64,
    Option<String>,
    Option<u64>,
    Option<Value>,
);

/// Every stance of the graph, worked out from the node and relationship
/// records alone: the plain evaluation the stance table is checked against.
fn plain_stances(db: &Database) -> Vec<Plain> {
    let g = db.graph();
    let articles: BTreeMap<String, (u64, Option<Value>)> = g
        .nodes()
        .filter(|n| n.has_label("Article"))
        .filter_map(|n| {
            let id = n.get("id")?.as_str()?.to_string();
            let date = n.get("date").filter(|v| **v != Value::Null).cloned();
            Some((id, (n.id, date)))
        })
        .collect();
    g.relationships()
        .filter(|r| ["CLAIMS", "DENIES", "ASSESSES"].contains(&r.rel_type.as_str()))
        .filter(|r| g.node(r.end).is_some_and(|n| n.has_label("Statement")))
        .map(|r| {
            let article = r.article().map(str::to_string);
            let found = article.as_ref().and_then(|a| articles.get(a));
            let own = r.get("date").filter(|v| **v != Value::Null).cloned();
            (
                r.end,
                r.rel_type.to_lowercase(),
                r.start,
                r.id,
                article,
                found.map(|f| f.0),
                own.or_else(|| found.and_then(|f| f.1.clone())),
            )
        })
        .collect()
}

/// `claims.contested` as plain evaluation: (text, claimants, deniers,
/// assessors, articles, first, last), dates as their ISO text.
type PlainRow = (
    String,
    usize,
    usize,
    usize,
    usize,
    Option<String>,
    Option<String>,
);

fn plain_contested(db: &Database, since: Option<&str>, until: Option<&str>) -> Vec<PlainRow> {
    let mut by: BTreeMap<u64, Vec<Plain>> = BTreeMap::new();
    for s in plain_stances(db) {
        by.entry(s.0).or_default().push(s);
    }
    let mut rows: Vec<PlainRow> = by
        .into_iter()
        .filter_map(|(statement, ss)| {
            let kept: Vec<(&Plain, Option<String>)> = ss
                .iter()
                .map(|s| (s, s.6.as_ref().and_then(claims::date_key)))
                .filter(|(_, d)| {
                    (since.is_none() && until.is_none())
                        || d.as_deref().is_some_and(|d| {
                            since.is_none_or(|s| d >= s) && until.is_none_or(|u| d <= u)
                        })
                })
                .collect();
            let who = |k: &str| {
                kept.iter()
                    .filter(|(s, _)| s.1 == k)
                    .map(|(s, _)| s.2)
                    .collect::<BTreeSet<_>>()
                    .len()
            };
            let (c, d, a) = (who("claims"), who("denies"), who("assesses"));
            let articles = kept
                .iter()
                .filter_map(|(s, _)| s.4.clone())
                .collect::<BTreeSet<_>>()
                .len();
            let dates: BTreeSet<&String> = kept.iter().filter_map(|(_, d)| d.as_ref()).collect();
            (c > 0 && d > 0).then(|| {
                let first = dates.first().map(|d| d.to_string());
                let last = dates.last().map(|d| d.to_string());
                (key(db, statement), c, d, a, articles, first, last)
            })
        })
        .collect();
    rows.sort_by(|x, y| (y.1 + y.2).cmp(&(x.1 + x.2)).then_with(|| x.0.cmp(&y.0)));
    rows
}

/// A row of `claims.stance` as compared: (relationship, stance word, who,
/// article, date, verdict).
type StanceCells = (u64, String, u64, Option<u64>, Option<Value>, Option<String>);

/// Checks `claims.contested` (with and without bounds) and `claims.stance`
/// of every statement against the plain evaluation of the records.
fn assert_table_agrees(db: &Database, when: &str) {
    let d = |v: &Option<Value>| v.as_ref().and_then(claims::date_key);
    for (since, until) in [
        (None, None),
        (Some("2023-01-02"), None),
        (None, Some("2023-01-03")),
        (Some("2023-01-02"), Some("2023-01-02")),
    ] {
        let value = |s: Option<&str>| s.map(Value::from);
        let got: Vec<PlainRow> =
            claims::contested(db.graph(), value(since).as_ref(), value(until).as_ref())
                .unwrap()
                .iter()
                .map(|r| {
                    let k = key(db, r.statement);
                    (
                        k,
                        r.claimants,
                        r.deniers,
                        r.assessors,
                        r.articles,
                        d(&r.first),
                        d(&r.last),
                    )
                })
                .collect();
        assert_eq!(
            got,
            plain_contested(db, since, until),
            "contested({since:?}, {until:?}) {when}"
        );
    }
    let plain = plain_stances(db);
    let statements: Vec<u64> = db.graph().nodes_with_label("Statement").collect();
    for s in statements {
        let mut want: Vec<&Plain> = plain.iter().filter(|p| p.0 == s).collect();
        want.sort_by(|a, b| {
            let (da, db_) = (
                a.6.as_ref().and_then(claims::date_key),
                b.6.as_ref().and_then(claims::date_key),
            );
            match (&da, &db_) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| key(db, a.2).cmp(&key(db, b.2)))
            .then_with(|| a.3.cmp(&b.3))
        });
        let got = claims::stance(db.graph(), Target::Node(s)).unwrap();
        let got: Vec<StanceCells> = got
            .iter()
            .map(|r| {
                let quote = db
                    .graph()
                    .relationship(r.relationship)
                    .unwrap()
                    .get("quote");
                assert_eq!(r.quote.as_deref(), quote.and_then(Value::as_str), "{when}");
                (
                    r.relationship,
                    r.stance.word().to_string(),
                    r.who,
                    r.article,
                    r.date.clone(),
                    r.verdict.clone(),
                )
            })
            .collect();
        let want: Vec<StanceCells> = want
            .iter()
            .map(|p| {
                let verdict = db.graph().relationship(p.3).unwrap().get("verdict");
                let verdict = verdict.and_then(Value::as_str).map(str::to_string);
                (p.3, p.1.clone(), p.2, p.5, p.6.clone(), verdict)
            })
            .collect();
        assert_eq!(got, want, "stance of {} {when}", key(db, s));
    }
}

#[test]
fn the_stance_table_agrees_with_plain_evaluation_through_writes() {
    // A small generator (xorshift) so that each seed gives the same graph.
    for seed in 1..=6u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut db = Database::in_memory();
        for a in 0..4 {
            let mut file = if next(4) == 0 {
                format!("article \"a{a}\"\n")
            } else {
                format!("article \"a{a}\" {{date: \"2023-01-0{}\"}}\n", 1 + next(4))
            };
            for i in 0..5 {
                file += &format!("actor \"A{i}\"\nstatement s{i} \"Statement {i}\"\n");
            }
            let mut seen = BTreeSet::new();
            for _ in 0..10 {
                let (who, p, s) = (
                    next(5),
                    ["claims", "denies", "assesses"][next(3) as usize],
                    next(5),
                );
                if !seen.insert((who, p, s)) {
                    continue;
                }
                let props = match next(4) {
                    0 => format!(" {{date: \"2023-01-0{}\"}}", 1 + next(5)),
                    1 => " {verdict: \"false\", quote: \"so it is\"}".to_string(),
                    _ => String::new(),
                };
                file += &format!("\"A{who}\" {p} s{s}{props}\n");
            }
            db.import_bytes(
                &format!("a{a}.triples"),
                file.as_bytes(),
                Format::Triples,
                None,
            )
            .unwrap();
        }
        assert_table_agrees(&db, &format!("after the imports (seed {seed})"));
        let writes = [
            // A stance with a date as text, as stores of an older format hold.
            "MATCH (a:Actor {name: 'A1'}), (s:Statement {text: 'Statement 2'}) \
             CREATE (a)-[:DENIES {article: 'a0', date: '2023-01-02'}]->(s)",
            "MATCH (a:Actor {name: 'A4'}), (s:Statement {text: 'Statement 2'}) \
             CREATE (a)-[:CLAIMS {article: 'a9'}]->(s)",
            "MATCH ()-[r:CLAIMS]->() WITH r ORDER BY id(r) LIMIT 1 DELETE r",
            "MATCH ()-[r]->(:Statement) WITH r ORDER BY id(r) DESC LIMIT 1 SET r.date = 7",
            "MATCH (a:Article {id: 'a1'}) DETACH DELETE a",
            // The table read inside a write is not kept after it.
            "CALL claims.contested() YIELD statement WITH count(statement) AS n \
             MATCH (a:Actor {name: 'A3'}), (s:Statement {text: 'Statement 1'}) \
             CREATE (a)-[:DENIES {article: 'a2'}]->(s)",
            "CALL claims.merge('actor', 'A0', 'A1')",
        ];
        for write in writes {
            db.query(write, &Default::default()).unwrap();
            assert_table_agrees(&db, &format!("after `{write}` (seed {seed})"));
        }
        let before = plain_contested(&db, None, None);
        let failed = db.query(
            "MATCH (a:Actor {name: 'A2'}), (s:Statement) \
             CREATE (a)-[:CLAIMS {article: 'a3'}]->(s), (a)-[:DENIES {article: 'a3'}]->(s) \
             WITH s CALL claims.contested() YIELD statement RETURN 1 / 0",
            &Default::default(),
        );
        assert!(failed.is_err());
        assert_eq!(
            plain_contested(&db, None, None),
            before,
            "rolled back (seed {seed})"
        );
        assert_table_agrees(&db, &format!("after a rolled-back write (seed {seed})"));
    }
}
