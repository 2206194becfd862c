//! Every export format, loaded by the program it is meant for: Graphviz reads the
//! DOT, networkx the GraphML, rdflib the N-Quads, an XML parser the SVG, claimgraph
//! itself the Cypher script and the JSON. Both the whole graph and a query's
//! subgraph are checked, on the example article and on data meant to break writers.
//!
//! Graphviz and the Python modules are installed by `.ci/run`. When one is missing,
//! its test fails under `CI=true` and otherwise says plainly that it did not run.

#[path = "export/fixture.rs"]
mod fixture;
#[path = "export/provenance.rs"]
mod provenance;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use claimgraph::export::{self, json, ExportFormat, Subgraph};
use claimgraph::model::{Kind, Node, Relationship};
use claimgraph::{Database, Params, Value};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value as Json;

// ---------------------------------------------------------------------------
// Helpers

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether an outside tool can run; when it cannot, fails under CI and otherwise
/// prints that the check did not run.
fn available(what: &str, ok: bool) -> bool {
    if !ok {
        assert!(!in_ci(), "{what} is missing, and CI=true requires it");
        eprintln!("NOT RUN: {what} is not installed here, so this check did not run");
    }
    ok
}

fn have_dot() -> bool {
    let ok = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    available("Graphviz (dot)", ok)
}

fn helper(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/export")
        .join(name)
}

/// Runs a Python helper on a file and reads the JSON it prints. `None` when
/// Python or its module is missing (exit status 3 from the helper).
fn python(script: &str, file: &Path) -> Option<Json> {
    let output = Command::new("python3")
        .arg(helper(script))
        .arg(file)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(_) => {
            available("python3", false);
            return None;
        }
    };
    if output.status.code() == Some(3) {
        available(
            &format!(
                "a Python module for {script} ({})",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            false,
        );
        return None;
    }
    assert!(
        output.status.success(),
        "{script} failed on {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("the helper prints JSON"))
}

fn render(sub: &Subgraph, format: ExportFormat) -> Vec<u8> {
    let mut out = Vec::new();
    export::write(sub, format, &mut out).unwrap_or_else(|e| panic!("{format} export: {e}"));
    out
}

fn to_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Keeps a rendered picture in the target directory, to look at by eye.
fn keep(name: &str, bytes: &[u8]) {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(path, bytes).unwrap();
}

/// Parses XML completely, returning the text of every text node, unescaped.
fn xml_texts(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).expect("XML output is UTF-8");
    let mut reader = Reader::from_str(text);
    let mut texts = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => texts.push(t.unescape().expect("valid escapes").into_owned()),
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed XML at byte {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "unbalanced XML");
    texts
}

/// Parses XML with Python's expat, which, unlike quick-xml, refuses characters
/// that XML does not allow.
fn strict_xml(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = to_file(dir.path(), &format!("{name}.xml"), bytes);
    if let Some(parsed) = python("check_xml.py", &path) {
        assert!(parsed["root"].as_str().is_some(), "{name}: {parsed}");
    }
}

/// Counts the elements of a class in an SVG: `<g class="node">` and the like.
fn count_groups(svg: &[u8], class: &str) -> usize {
    let needle = format!(" class=\"{class}\"");
    let text = String::from_utf8_lossy(svg);
    text.matches(&needle).count()
}

/// How many nodes a picture draws: every node but the Article nodes that no
/// relationship of the subgraph touches, which the legend lists instead.
fn drawn_nodes(sub: &Subgraph) -> usize {
    let touched: BTreeSet<u64> = sub
        .relationships
        .iter()
        .flat_map(|r| [r.start, r.end])
        .collect();
    sub.nodes
        .iter()
        .filter(|n| Kind::of(n) != Some(Kind::Article) || touched.contains(&n.id))
        .count()
}

/// Statements of a Cypher script: `;`-ended, `//` comment lines dropped.
fn cypher_statements(script: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        if current.is_empty() && line.trim_start().starts_with("//") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            statements.push(std::mem::take(&mut current));
        }
    }
    assert!(
        current.trim().is_empty(),
        "unterminated statement: {current}"
    );
    statements
}

/// A node as content: labels and properties as JSON, without the id.
fn node_content(n: &Node) -> String {
    let mut labels = n.labels.clone();
    labels.sort();
    format!("{labels:?} {}", json::properties_to_json(&n.properties))
}

/// Every relationship as content: start, type, end and properties, without ids.
fn relationship_contents(sub: &Subgraph) -> Vec<String> {
    let by_id: BTreeMap<u64, &Node> = sub.nodes.iter().map(|n| (n.id, n)).collect();
    let mut out: Vec<String> = sub
        .relationships
        .iter()
        .map(|r: &Relationship| {
            format!(
                "({}) -[{} {}]-> ({})",
                node_content(by_id[&r.start]),
                r.rel_type,
                json::properties_to_json(&r.properties),
                node_content(by_id[&r.end])
            )
        })
        .collect();
    out.sort();
    out
}

fn node_contents(sub: &Subgraph) -> Vec<String> {
    let mut out: Vec<String> = sub.nodes.iter().map(node_content).collect();
    out.sort();
    out
}

fn whole(db: &Database) -> Subgraph {
    Subgraph::whole(db.graph())
}

/// The example article and the hostile data, each as its whole graph.
fn datasets() -> Vec<(&'static str, Subgraph)> {
    vec![
        ("example", whole(&fixture::bakhmut())),
        ("hostile", whole(&fixture::hostile())),
        ("empty", Subgraph::default()),
    ]
}

/// The names of every entity in a subgraph.
fn entity_names(sub: &Subgraph) -> Vec<String> {
    sub.nodes
        .iter()
        .filter(|n| {
            n.labels
                .iter()
                .any(|l| ["Actor", "Organisation", "Place"].contains(&l.as_str()))
        })
        .filter_map(|n| n.properties.get("name").and_then(|v| v.as_str()))
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------
// JSON

fn check_json(sub: &Subgraph, bytes: &[u8]) {
    let back: Json = serde_json::from_slice(bytes).expect("the JSON export parses");
    let nodes = back["nodes"].as_array().expect("nodes");
    let rels = back["relationships"].as_array().expect("relationships");
    assert_eq!(nodes.len(), sub.nodes.len());
    assert_eq!(rels.len(), sub.relationships.len());
    for (json, node) in nodes.iter().zip(&sub.nodes) {
        assert_eq!(json["id"], node.id);
        assert_eq!(json["labels"], serde_json::json!(node.labels));
        assert_eq!(
            json["properties"].as_object().map(|o| o.len()),
            Some(node.properties.len())
        );
    }
    for (json, rel) in rels.iter().zip(&sub.relationships) {
        assert_eq!(json["type"], rel.rel_type.as_str());
        assert_eq!(
            (json["start"].clone(), json["end"].clone()),
            (rel.start.into(), rel.end.into())
        );
    }
}

#[test]
fn json_reads_back_with_equal_counts() {
    for (name, sub) in datasets() {
        let bytes = render(&sub, ExportFormat::Json);
        check_json(&sub, &bytes);
        eprintln!(
            "json {name}: {} nodes, {} relationships",
            sub.nodes.len(),
            sub.relationships.len()
        );
    }
    let sub = whole(&fixture::bakhmut());
    assert_eq!((sub.nodes.len(), sub.relationships.len()), (16, 17));
}

// ---------------------------------------------------------------------------
// DOT through Graphviz

fn check_dot(name: &str, sub: &Subgraph, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = to_file(dir.path(), &format!("{name}.dot"), bytes);
    let output = Command::new("dot")
        .arg("-Tsvg")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "dot -Tsvg failed on {name}: {stderr}"
    );
    assert!(
        !stderr.contains("Error") && !stderr.contains("syntax"),
        "dot complained about {name}: {stderr}"
    );
    keep(&format!("{name}-graphviz.svg"), &output.stdout);
    strict_xml(name, &output.stdout);
    let texts = xml_texts(&output.stdout);
    let legend = usize::from(!sub.is_empty());
    assert_eq!(
        count_groups(&output.stdout, "node"),
        drawn_nodes(sub) + legend,
        "{name}"
    );
    assert_eq!(
        count_groups(&output.stdout, "edge"),
        sub.relationships.len(),
        "{name}"
    );
    let all = texts.join(" ");
    for entity in entity_names(sub) {
        // Graphviz wraps nothing itself: the first word of each name is there.
        let first = entity.split_whitespace().next().unwrap_or("");
        if !first.is_empty() && !first.chars().any(char::is_control) {
            assert!(
                all.contains(first),
                "{name}: {first:?} is not in the picture"
            );
        }
    }
}

#[test]
fn dot_renders_in_graphviz_with_every_node_and_edge() {
    if !have_dot() {
        return;
    }
    for (name, sub) in datasets() {
        let bytes = render(&sub, ExportFormat::Dot);
        check_dot(name, &sub, &bytes);
    }
}

#[test]
fn dot_styles_nodes_by_label_and_stances_by_colour() {
    let sub = whole(&fixture::bakhmut());
    let text = String::from_utf8(render(&sub, ExportFormat::Dot)).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}"))
            .to_string()
    };
    assert!(line_of("Hanna Maliar").contains("shape=ellipse"));
    assert!(line_of("\"Wagner\"").contains("shape=box"));
    assert!(line_of("\"Bakhmut\"").contains("shape=hexagon"));
    assert!(line_of("Bakhmut is Russian").contains("shape=note"));
    let colour = |t: &str| {
        let l = line_of(&format!("label=\"{t}"));
        l[l.find("color=").unwrap()..]
            .split(',')
            .next()
            .unwrap()
            .to_string()
    };
    let stances: BTreeSet<String> = ["claims", "denies", "assesses"]
        .iter()
        .map(|t| colour(t))
        .collect();
    assert_eq!(
        stances.len(),
        3,
        "each stance has its own colour: {stances:?}"
    );
    // Statement text is wrapped: no caption line is longer than the width.
    let statement = line_of("Taking Bakhmut");
    let label = &statement[statement.find("label=\"").unwrap() + 7..];
    let label = &label[..label.find("\", shape").unwrap()];
    for line in label.split("\\n") {
        assert!(line.chars().count() <= 32, "{line:?} is too long");
    }
    assert!(label.matches("\\n").count() >= 2, "{label}");
}

// ---------------------------------------------------------------------------
// SVG

fn check_svg(name: &str, sub: &Subgraph, bytes: &[u8]) {
    keep(&format!("{name}.svg"), bytes);
    strict_xml(name, bytes);
    let texts = xml_texts(bytes);
    let all = texts.join("\n");
    assert_eq!(count_groups(bytes, "node"), drawn_nodes(sub), "{name}");
    assert_eq!(
        count_groups(bytes, "edge"),
        sub.relationships.len(),
        "{name}"
    );
    // Each edge but `about` carries its type in words, when there are few edges.
    if sub.relationships.len() <= 120 {
        for rel in &sub.relationships {
            if rel.rel_type == "ABOUT" || rel.rel_type.chars().any(|c| c.is_control()) {
                continue;
            }
            let words = rel.rel_type.to_lowercase().replace('_', " ");
            let words: String = words.chars().take(39).collect();
            let shown = texts.iter().filter(|t| t.starts_with(&words)).count();
            let wanted = sub
                .relationships
                .iter()
                .filter(|r| r.rel_type == rel.rel_type)
                .count();
            assert!(
                shown >= wanted,
                "{name}: {words:?} is shown {shown} times for {wanted} edges"
            );
        }
    }
    for entity in entity_names(sub) {
        let clean = entity.split_whitespace().next().unwrap_or("").to_string();
        if !clean.is_empty() && !clean.chars().any(|c| c.is_control() || c == '\u{fffe}') {
            assert!(all.contains(&clean), "{name}: {clean:?} is not in the SVG");
        }
    }
}

#[test]
fn svg_is_well_formed_and_names_every_entity() {
    for (name, sub) in datasets() {
        let bytes = render(&sub, ExportFormat::Svg);
        check_svg(name, &sub, &bytes);
    }
    let sub = whole(&fixture::bakhmut());
    let bytes = render(&sub, ExportFormat::Svg);
    let texts = xml_texts(&bytes);
    for name in [
        "Yevgeny Prigozhin",
        "Hanna Maliar",
        "Bakhmut",
        "Wagner",
        "UK Ministry of Defence",
    ] {
        assert!(
            texts.iter().any(|t| t == name),
            "{name} is not a caption line"
        );
    }
}

#[test]
fn svg_of_a_larger_graph_is_laid_out_quickly() {
    let mut db = Database::in_memory();
    db.write(|txn| {
        let mut actors = Vec::new();
        let scale: usize = std::env::var("EXPORT_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        for i in 0..60 * scale {
            actors.push(txn.create_node(
                vec!["Actor".into()],
                fixture::props(&[("name", fixture::s(&format!("Actor {i}")))]),
            )?);
        }
        for i in 0..150 * scale {
            let st = txn.create_node(
                vec!["Statement".into()],
                fixture::props(&[("text", fixture::s(&format!("Statement number {i}")))]),
            )?;
            for k in 0..3 {
                let a = actors[(i * 7 + k * 13) % actors.len()];
                let t = ["CLAIMS", "DENIES", "ASSESSES"][k];
                txn.create_relationship(a, t, st, Default::default())?;
            }
        }
        Ok(())
    })
    .unwrap();
    let sub = whole(&db);
    let started = std::time::Instant::now();
    let bytes = render(&sub, ExportFormat::Svg);
    check_svg("larger", &sub, &bytes);
    assert!(
        started.elapsed().as_secs() < 60,
        "the layout took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------
// GraphML through networkx

fn check_graphml(name: &str, sub: &Subgraph, bytes: &[u8]) {
    xml_texts(bytes);
    strict_xml(name, bytes);
    let dir = tempfile::tempdir().unwrap();
    let path = to_file(dir.path(), &format!("{name}.graphml"), bytes);
    let Some(counts) = python("check_graphml.py", &path) else {
        return;
    };
    assert_eq!(counts["nodes"], sub.nodes.len(), "{name}: {counts}");
    assert_eq!(counts["edges"], sub.relationships.len(), "{name}: {counts}");
    if let Some(node) = sub
        .nodes
        .iter()
        .find(|n| n.properties.contains_key("population"))
    {
        let key = format!("n{}", node.id);
        assert_eq!(counts["sample"][&key]["population"], 73212, "{counts}");
        assert_eq!(counts["sample"][&key]["labels"], ":Place", "{counts}");
    }
}

#[test]
fn graphml_loads_in_networkx_with_equal_counts() {
    for (name, sub) in datasets() {
        let bytes = render(&sub, ExportFormat::Graphml);
        check_graphml(name, &sub, &bytes);
    }
}

// ---------------------------------------------------------------------------
// N-Quads through rdflib

/// The quads the N-Quads export promises for a subgraph, counted from the rules in
/// `export::nquads`: types, property literals, one quad per relationship and five
/// more plus the properties for each relationship with properties besides `article`.
fn expected_quads(sub: &Subgraph) -> usize {
    use claimgraph::Value;
    let literals = |v: &Value| match v {
        Value::Null => 0,
        Value::List(items) => {
            if items
                .iter()
                .any(|i| matches!(i, Value::List(_) | Value::Map(_)))
            {
                1
            } else {
                items.iter().filter(|i| **i != Value::Null).count()
            }
        }
        _ => 1,
    };
    let mut n = 0;
    for node in &sub.nodes {
        // An article's triples are in its own graph too.
        let article = claimgraph::model::Kind::of(node) == Some(claimgraph::model::Kind::Article);
        let copies = if article && node.properties.get("id").and_then(Value::as_str).is_some() {
            2
        } else {
            1
        };
        n += copies * node.labels.len();
        n += copies * node.properties.values().map(literals).sum::<usize>();
    }
    for rel in &sub.relationships {
        n += 1;
        let others: Vec<&Value> = rel
            .properties
            .iter()
            .filter(|(k, _)| k.as_str() != "article" || rel.article().is_none())
            .map(|(_, v)| v)
            .collect();
        if !others.is_empty() {
            n += 4 + others.iter().map(|v| literals(v)).sum::<usize>();
        }
    }
    n
}

fn check_nquads(name: &str, sub: &Subgraph, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected_quads(sub), "{name}");
    let distinct: BTreeSet<&str> = lines.iter().copied().collect();
    let dir = tempfile::tempdir().unwrap();
    let path = to_file(dir.path(), &format!("{name}.nq"), bytes);
    let Some(counts) = python("check_nquads.py", &path) else {
        return;
    };
    assert_eq!(counts["quads"], distinct.len(), "{name}: {counts}");
}

#[test]
fn nquads_load_in_rdflib_with_the_expected_quads() {
    for (name, sub) in datasets() {
        let bytes = render(&sub, ExportFormat::Nquads);
        check_nquads(name, &sub, &bytes);
    }
}

#[test]
fn nquads_put_each_relationship_in_its_article_graph() {
    let sub = whole(&fixture::bakhmut());
    let text = String::from_utf8(render(&sub, ExportFormat::Nquads)).unwrap();
    let base = "https://claimgraph.example/";
    let quad = format!("<{base}actor/Hanna%20Maliar> <{base}relation/DENIES> <{base}statement/");
    let line = text
        .lines()
        .find(|l| l.starts_with(&quad))
        .expect("Maliar's denial is a quad");
    assert!(
        line.ends_with(&format!("<{base}article/{}> .", fixture::ARTICLE)),
        "{line}"
    );
    assert!(text.contains(&format!(
        "<{base}actor/Hanna%20Maliar> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{base}class/Actor> ."
    )));
    assert!(text.contains("\"a funny fake\""), "the quote is reified");
    // The article's graph carries the article's metadata.
    let article = format!("<{base}article/{}>", fixture::ARTICLE);
    let date = format!("{article} <{base}property/date> ");
    let in_own_graph = text
        .lines()
        .find(|l| l.starts_with(&date) && l.ends_with(&format!("{article} .")));
    assert!(in_own_graph.is_some(), "no date in the article's graph");
    // The same data in another store gives the same IRIs.
    let again =
        String::from_utf8(render(&whole(&fixture::bakhmut()), ExportFormat::Nquads)).unwrap();
    assert_eq!(text, again);
}

// ---------------------------------------------------------------------------
// Neo4j CSV

#[test]
fn neo4j_csv_has_a_row_per_record_and_typed_headers() {
    for (name, sub) in datasets() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("csv");
        let message = export::neo4j_csv::write_dir(&sub, &out).unwrap();
        assert!(
            message.contains("neo4j-admin database import full"),
            "{message}"
        );
        let mut nodes = csv::Reader::from_path(out.join("nodes.csv")).unwrap();
        let header = nodes.headers().unwrap().clone();
        assert_eq!(header.get(0), Some(":ID"));
        assert_eq!(header.iter().next_back(), Some(":LABEL"));
        let rows: Vec<csv::StringRecord> = nodes.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), sub.nodes.len(), "{name}");
        let mut rels = csv::Reader::from_path(out.join("relationships.csv")).unwrap();
        let rheader = rels.headers().unwrap().clone();
        assert_eq!(
            &rheader.iter().take(3).collect::<Vec<_>>(),
            &[":START_ID", ":END_ID", ":TYPE"]
        );
        assert_eq!(rels.records().count(), sub.relationships.len(), "{name}");
        if name == "example" {
            let h: Vec<&str> = header.iter().collect();
            assert!(h.contains(&"aliases:string[]"), "{h:?}");
            assert!(h.contains(&"population:long"), "{h:?}");
            let rh: Vec<&str> = rheader.iter().collect();
            assert!(rh.contains(&"confidence:double"), "{rh:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Cypher, run back into claimgraph

/// Runs a script into a new store, statement by statement, split as `claimgraph
/// run` splits it, and returns the store.
fn run_script(script: &str) -> Database {
    use claimgraph::query::script::{split, ItemKind};
    let mut db = Database::in_memory();
    let items = split(script);
    assert_eq!(
        items.len(),
        cypher_statements(script).len(),
        "the two splits agree"
    );
    for item in items {
        assert_eq!(item.kind, ItemKind::Statement, "{}", item.text);
        if let Err(e) = db.query(&item.text, &Params::new()) {
            panic!(
                "the exported statement on line {} failed: {e}\n{}",
                item.line, item.text
            );
        }
    }
    db
}

#[test]
fn every_cypher_statement_parses_and_prints_back() {
    use claimgraph::query::parser::parse;
    use claimgraph::query::script::split;
    for (name, sub) in datasets() {
        let script = String::from_utf8(render(&sub, ExportFormat::Cypher)).unwrap();
        let items = split(&script);
        // Nodes without a domain key carry a temporary id, removed at the end.
        let keyless = sub.nodes.iter().any(|n| {
            let key = ["Actor", "Organisation", "Place", "Statement", "Article"]
                .iter()
                .find(|l| n.labels.iter().any(|x| x == *l))
                .map(|l| match *l {
                    "Statement" => "text",
                    "Article" => "id",
                    _ => "name",
                });
            !key.is_some_and(|k| {
                n.properties
                    .get(k)
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| {
                        k != "text" || v.split_whitespace().collect::<Vec<_>>().join(" ") == v
                    })
            })
        });
        let expected =
            sub.nodes.len().div_ceil(100) + sub.relationships.len() + usize::from(keyless);
        assert_eq!(items.len(), expected, "{name}");
        for item in items {
            let ast = parse(&item.text).unwrap_or_else(|e| {
                panic!(
                    "{name}: line {} does not parse: {e}\n{}",
                    item.line, item.text
                )
            });
            // The printed statement parses to the same tree: the literals survived.
            let again = parse(&ast.to_string()).expect("the printed statement parses");
            assert_eq!(again, ast, "{name}: {}", item.text);
        }
    }
}

/// The subgraph as the Cypher export promises to rebuild it: values that no
/// property can hold (maps, lists of lists or maps) as their JSON text.
fn as_cypher_stores_it(sub: &Subgraph) -> Subgraph {
    let mut sub = sub.clone();
    let fix = |props: &mut claimgraph::value::Properties| {
        for (_, v) in props.iter_mut() {
            *v = export::cypher::storable(v).into_owned();
        }
    };
    sub.nodes.iter_mut().for_each(|n| fix(&mut n.properties));
    sub.relationships
        .iter_mut()
        .for_each(|r| fix(&mut r.properties));
    sub
}

#[test]
fn cypher_script_rebuilds_the_same_graph() {
    for (name, sub) in [
        ("example", whole(&fixture::bakhmut())),
        ("hostile", whole(&fixture::hostile())),
    ] {
        let script = String::from_utf8(render(&sub, ExportFormat::Cypher)).unwrap();
        let db = run_script(&script);
        let back = whole(&db);
        let sub = as_cypher_stores_it(&sub);
        assert_eq!(back.nodes.len(), sub.nodes.len(), "{name}");
        assert_eq!(back.relationships.len(), sub.relationships.len(), "{name}");
        assert_eq!(node_contents(&back), node_contents(&sub), "{name}");
        assert_eq!(
            relationship_contents(&back),
            relationship_contents(&sub),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------
// Query subgraphs (these need the query engine)

/// The subgraph of DENIES relationships with their endpoints, taken straight from
/// the graph, to compare a query's export with.
fn denials(db: &Database) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let g = db.graph();
    let rels: BTreeSet<u64> = g
        .relationships()
        .filter(|r| r.rel_type == "DENIES")
        .map(|r| r.id)
        .collect();
    // The endpoints, and the Article node each denial came from.
    let nodes: BTreeSet<u64> = g
        .relationships()
        .filter(|r| r.rel_type == "DENIES")
        .flat_map(|r| [r.start, r.end])
        .chain(
            g.nodes()
                .filter(|n| n.has_label("Article"))
                .filter(|a| {
                    g.relationships().any(|r| {
                        r.rel_type == "DENIES"
                            && r.properties.get("article").and_then(Value::as_str)
                                == a.properties.get("id").and_then(Value::as_str)
                    })
                })
                .map(|a| a.id),
        )
        .collect();
    (nodes, rels)
}

#[test]
fn a_query_subgraph_holds_the_rows_and_the_endpoints() {
    let mut db = fixture::bakhmut();
    let (nodes, rels) = denials(&db);
    // Relationships alone: their endpoints come along.
    let sub = export::select(
        &mut db,
        Some("MATCH ()-[r:DENIES]->() RETURN r"),
        &Params::new(),
        &Default::default(),
    )
    .expect("the query runs");
    let got_nodes: BTreeSet<u64> = sub.nodes.iter().map(|n| n.id).collect();
    let got_rels: BTreeSet<u64> = sub.relationships.iter().map(|r| r.id).collect();
    assert_eq!((got_nodes, got_rels), (nodes.clone(), rels.clone()));

    // Paths and collected lists are walked too.
    let sub = export::select(
        &mut db,
        Some("MATCH p = (a)-[:DENIES]->(s)-[:ABOUT]->(pl) RETURN collect(p) AS ps"),
        &Params::new(),
        &Default::default(),
    )
    .expect("the query runs");
    let names = entity_names(&sub);
    assert!(names.contains(&"Hanna Maliar".to_string()), "{names:?}");
    assert!(names.contains(&"Bakhmut".to_string()), "{names:?}");
    assert!(
        !names.contains(&"Yevgeny Prigozhin".to_string()),
        "{names:?}"
    );
    let denied: BTreeSet<u64> = db
        .graph()
        .relationships()
        .filter(|r| r.rel_type == "DENIES")
        .map(|r| r.end)
        .collect();
    let about = db
        .graph()
        .relationships()
        .filter(|r| r.rel_type == "ABOUT" && denied.contains(&r.start))
        .count();
    assert_eq!(sub.relationships.len(), rels.len() + about);
}

#[test]
fn every_format_exports_a_query_subgraph() {
    let mut db = fixture::bakhmut();
    let query = "MATCH (a)-[r:CLAIMS|DENIES]->(s:Statement {text: 'Bakhmut is Russian in a legal sense'}) RETURN a, r, s";
    let sub = export::select(&mut db, Some(query), &Params::new(), &Default::default())
        .expect("the query runs");
    assert_eq!(sub.relationships.len(), 4);
    // Two claimants and deniers, the statement, and the article they came from.
    assert_eq!(sub.nodes.len(), 6);
    let articles: Vec<&Node> = sub
        .nodes
        .iter()
        .filter(|n| n.has_label("Article"))
        .collect();
    assert_eq!(articles.len(), 1);
    for key in ["id", "date", "source", "title"] {
        assert!(articles[0].properties.contains_key(key), "{key}");
    }
    let dir = tempfile::tempdir().unwrap();
    for format in ExportFormat::ALL {
        let path = dir.path().join(format!("out.{}", format.name()));
        export::export(&mut db, Some(query), &Params::new(), format, Some(&path))
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        if format == ExportFormat::Neo4jCsv {
            let rows = csv::Reader::from_path(path.join("nodes.csv"))
                .unwrap()
                .records()
                .count();
            assert_eq!(rows, sub.nodes.len());
            continue;
        }
        if format == ExportFormat::Parquet {
            // tests/feeds.rs reads these files with DuckDB and Spark.
            for file in ["nodes.parquet", "relationships.parquet"] {
                assert!(
                    std::fs::metadata(path.join(file)).unwrap().len() > 0,
                    "{file}"
                );
            }
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match format {
            ExportFormat::Json => check_json(&sub, &bytes),
            ExportFormat::Dot => {
                if have_dot() {
                    check_dot("query", &sub, &bytes)
                }
            }
            ExportFormat::Svg => check_svg("query", &sub, &bytes),
            ExportFormat::Graphml => check_graphml("query", &sub, &bytes),
            ExportFormat::Nquads => check_nquads("query", &sub, &bytes),
            ExportFormat::Cypher => {
                let back = whole(&run_script(std::str::from_utf8(&bytes).unwrap()));
                assert_eq!(node_contents(&back), node_contents(&sub));
                assert_eq!(relationship_contents(&back), relationship_contents(&sub));
            }
            ExportFormat::ClaimReview => {
                // tests/feeds.rs checks the reviews themselves.
                let doc: Json = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(doc["@context"], "https://schema.org");
            }
            ExportFormat::Neo4jCsv | ExportFormat::Parquet => unreachable!("handled above"),
        }
    }
}

#[test]
fn a_failed_query_writes_nothing() {
    let mut db = fixture::bakhmut();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let result = export::export(
        &mut db,
        Some("MATCH (n RETURN n"),
        &Params::new(),
        ExportFormat::Json,
        Some(&path),
    );
    assert!(result.is_err());
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_whole_graph_goes_to_a_file_through_the_library_call() {
    let mut db = fixture::bakhmut();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.json");
    export::export(
        &mut db,
        None,
        &Params::new(),
        ExportFormat::Json,
        Some(&path),
    )
    .unwrap();
    check_json(&whole(&db), &std::fs::read(&path).unwrap());
    let err = export::export(&mut db, None, &Params::new(), ExportFormat::Neo4jCsv, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--output"), "{err}");
}

// ---------------------------------------------------------------------------
// Random graphs: no writer panics, whatever the shape and the text

mod random {
    use super::*;
    use claimgraph::value::Properties;
    use claimgraph::Value;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>().prop_map(Value::Float),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(2, 8, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
                proptest::collection::btree_map(".{0,4}", inner, 0..3).prop_map(Value::Map),
            ]
        })
    }

    fn properties() -> impl Strategy<Value = Properties> {
        proptest::collection::btree_map("[a-z_ ]{1,6}|.{1,4}", value(), 0..4)
            .prop_map(Properties::from)
    }

    const LABELS: [&str; 8] = [
        "Actor",
        "Organisation",
        "Place",
        "Statement",
        "Article",
        "Thing",
        "Odd Label",
        "x`y",
    ];

    prop_compose! {
        fn graph()(
            nodes in proptest::collection::vec(
                (proptest::collection::vec(0..LABELS.len(), 0..3), properties(), ".{0,40}"),
                0..10,
            ),
            edges in proptest::collection::vec(
                (0usize..10, 0usize..10, "[A-Z_]{1,8}|.{1,5}", properties(), proptest::option::of(".{0,6}")),
                0..20,
            ),
        ) -> Subgraph {
            let nodes: Vec<Node> = nodes
                .into_iter()
                .enumerate()
                .map(|(i, (labels, mut props, key))| {
                    let labels: BTreeSet<&str> = labels.into_iter().map(|l| LABELS[l]).collect();
                    // Keys are unique, as the store keeps them.
                    for k in ["name", "text", "id"] {
                        props.insert(k.into(), Value::from(format!("{key}{i}")));
                    }
                    Node { id: i as u64 * 3, labels: labels.into_iter().map(String::from).collect(), properties: props }
                })
                .collect();
            let n = nodes.len();
            let rels = if n == 0 { Vec::new() } else {
                edges
                    .into_iter()
                    .enumerate()
                    .map(|(j, (a, b, t, mut props, article))| {
                        if let Some(article) = article {
                            props.insert("article".into(), Value::from(article));
                        }
                        // The stance types have rules about their endpoints,
                        // which random edges would break.
                        let stance = ["CLAIMS", "DENIES", "ASSESSES", "ABOUT"].contains(&t.as_str());
                        Relationship {
                            id: j as u64,
                            rel_type: if stance { format!("{t}_") } else { t },
                            start: (a % n) as u64 * 3,
                            end: (b % n) as u64 * 3,
                            properties: props,
                        }
                    })
                    .collect()
            };
            Subgraph::from_records(nodes, rels)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            // A failing case is printed in full; no file is left in the source tree.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_writer_copes(sub in graph()) {
            for format in ExportFormat::ALL {
                if format == ExportFormat::Neo4jCsv {
                    let mut out = Vec::new();
                    export::neo4j_csv::write_nodes(&sub, ';', &mut out).unwrap();
                    let rows = csv::Reader::from_reader(out.as_slice()).records().count();
                    prop_assert_eq!(rows, sub.nodes.len());
                    let mut out = Vec::new();
                    export::neo4j_csv::write_relationships(&sub, ';', &mut out).unwrap();
                    let rows = csv::Reader::from_reader(out.as_slice()).records().count();
                    prop_assert_eq!(rows, sub.relationships.len());
                    continue;
                }
                if format == ExportFormat::Parquet {
                    let mut out = Vec::new();
                    export::parquet::write_nodes(&sub, &mut out).unwrap();
                    prop_assert!(out.starts_with(b"PAR1") && out.ends_with(b"PAR1"));
                    let mut out = Vec::new();
                    export::parquet::write_relationships(&sub, &mut out).unwrap();
                    prop_assert!(out.starts_with(b"PAR1") && out.ends_with(b"PAR1"));
                    continue;
                }
                let bytes = render(&sub, format);
                match format {
                    ExportFormat::Json => check_json(&sub, &bytes),
                    ExportFormat::Svg => {
                        xml_texts(&bytes);
                        prop_assert_eq!(count_groups(&bytes, "node"), drawn_nodes(&sub));
                        prop_assert_eq!(count_groups(&bytes, "edge"), sub.relationships.len());
                    }
                    ExportFormat::Graphml => {
                        xml_texts(&bytes);
                    }
                    ExportFormat::Nquads => {
                        let text = String::from_utf8(bytes).unwrap();
                        prop_assert_eq!(text.lines().count(), expected_quads(&sub));
                    }
                    _ => {}
                }
            }
        }

        /// The Cypher script of a random graph rebuilds it in claimgraph.
        #[test]
        fn cypher_round_trips(sub in graph()) {
            let bytes = render(&sub, ExportFormat::Cypher);
            let back = whole(&run_script(std::str::from_utf8(&bytes).unwrap()));
            let sub = as_cypher_stores_it(&sub);
            prop_assert_eq!(node_contents(&back), node_contents(&sub));
            prop_assert_eq!(relationship_contents(&back), relationship_contents(&sub));
        }
    }
}

// ---------------------------------------------------------------------------
// The picture in the README

/// `docs/bakhmut.svg` is the SVG export of `examples/bakhmut.triples`. Regenerate
/// it with `CLAIMGRAPH_UPDATE_DOCS=1 cargo test --test suite export::docs_picture`.
#[test]
fn docs_picture_is_the_current_export() {
    let mut db = Database::in_memory();
    db.import_file(&examples_dir().join("bakhmut.triples"), None, None)
        .expect("the example article imports");
    let bytes = render(&whole(&db), ExportFormat::Svg);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/bakhmut.svg");
    if std::env::var("CLAIMGRAPH_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
    }
    let current = std::fs::read(&path).unwrap_or_default();
    assert!(
        current == bytes,
        "{} is not the current SVG export of the example; regenerate it with \
         CLAIMGRAPH_UPDATE_DOCS=1 cargo test --test suite export::docs_picture",
        path.display()
    );
}

// ---------------------------------------------------------------------------
// The example articles, imported from `examples/`

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The example files with this extension, sorted.
fn example_files(extension: &str) -> Vec<PathBuf> {
    let dir = examples_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == extension))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Imports files into one new store. A file may refer to what another declares
/// (a follow-up article names people of the first), so files that fail are tried
/// again after the others; each import is all or nothing, so a failed try leaves
/// no trace.
fn import_all(files: &[PathBuf]) -> Database {
    let mut db = Database::in_memory();
    let mut pending: Vec<&PathBuf> = files.iter().collect();
    while !pending.is_empty() {
        let mut failed = Vec::new();
        let mut errors = Vec::new();
        for file in &pending {
            if let Err(e) = db.import_file(file, None, None) {
                errors.push(format!("{}: {e}", file.display()));
                failed.push(*file);
            }
        }
        assert!(
            failed.len() < pending.len(),
            "these examples do not import:\n{}",
            errors.join("\n")
        );
        pending = failed;
    }
    db
}

/// The example articles: every `.triples` file in one store, and every `.jsonl`
/// file in another.
fn examples() -> Vec<(String, Database)> {
    let mut out = Vec::new();
    for extension in ["triples", "jsonl"] {
        let files = example_files(extension);
        assert!(
            !files.is_empty(),
            "no .{extension} example articles in {}",
            examples_dir().display()
        );
        out.push((format!("examples-{extension}"), import_all(&files)));
    }
    out
}

/// The example articles go through every format and its consumer, as the whole
/// graph and as a query's subgraph.
#[test]
fn every_example_article_exports_to_every_format() {
    for (name, mut db) in examples() {
        let query = "MATCH p = (a)-[:CLAIMS|DENIES|ASSESSES]->(s:Statement)-[:ABOUT]->(:Place {name: 'Bakhmut'}) RETURN p";
        let part = export::select(&mut db, Some(query), &Params::new(), &Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (name, sub) in [(name.clone(), whole(&db)), (format!("{name}-query"), part)] {
            assert!(!sub.is_empty(), "{name} holds nothing");
            check_json(&sub, &render(&sub, ExportFormat::Json));
            if have_dot() {
                check_dot(&name, &sub, &render(&sub, ExportFormat::Dot));
            }
            check_svg(&name, &sub, &render(&sub, ExportFormat::Svg));
            check_graphml(&name, &sub, &render(&sub, ExportFormat::Graphml));
            check_nquads(&name, &sub, &render(&sub, ExportFormat::Nquads));
            let script = String::from_utf8(render(&sub, ExportFormat::Cypher)).unwrap();
            let back = whole(&run_script(&script));
            assert_eq!(node_contents(&back), node_contents(&sub), "{name}");
            assert_eq!(
                relationship_contents(&back),
                relationship_contents(&sub),
                "{name}"
            );
            let out = tempfile::tempdir().unwrap();
            export::neo4j_csv::write_dir(&sub, out.path()).unwrap();
            let rows = csv::Reader::from_path(out.path().join("nodes.csv"))
                .unwrap()
                .records()
                .count();
            assert_eq!(rows, sub.nodes.len(), "{name}");
        }
    }
}

/// The writers alone (no query engine needed) on the imported example articles.
#[test]
fn the_imported_examples_load_in_every_consumer() {
    for (name, db) in examples() {
        let sub = whole(&db);
        assert!(
            sub.nodes.len() > 20 && sub.relationships.len() > 20,
            "{name}"
        );
        check_json(&sub, &render(&sub, ExportFormat::Json));
        if have_dot() {
            check_dot(&name, &sub, &render(&sub, ExportFormat::Dot));
        }
        check_svg(&name, &sub, &render(&sub, ExportFormat::Svg));
        check_graphml(&name, &sub, &render(&sub, ExportFormat::Graphml));
        check_nquads(&name, &sub, &render(&sub, ExportFormat::Nquads));
    }
}

// ---------------------------------------------------------------------------
// Through the command line

#[test]
fn the_command_line_exports_every_format_to_a_file() {
    use assert_cmd::Command as Cli;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    Cli::cargo_bin("claimgraph")
        .unwrap()
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(examples_dir().join("bakhmut.triples"))
        .assert()
        .success();
    for format in ExportFormat::ALL {
        let out = dir.path().join(format!("out-{}", format.name()));
        Cli::cargo_bin("claimgraph")
            .unwrap()
            .arg("--store")
            .arg(&store)
            .args(["export", "--format", format.name(), "--output"])
            .arg(&out)
            .assert()
            .success();
        let written = if format == ExportFormat::Neo4jCsv {
            std::fs::read(out.join("nodes.csv")).unwrap()
        } else if format == ExportFormat::Parquet {
            std::fs::read(out.join("nodes.parquet")).unwrap()
        } else {
            std::fs::read(&out).unwrap()
        };
        assert!(written.len() > 100, "{format}: {} bytes", written.len());
    }
    // To standard output, the same bytes as to a file.
    let assert = Cli::cargo_bin("claimgraph")
        .unwrap()
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "json"])
        .assert()
        .success();
    let file = std::fs::read(dir.path().join("out-json")).unwrap();
    assert_eq!(assert.get_output().stdout, file);
    // The CSV export needs a directory.
    Cli::cargo_bin("claimgraph")
        .unwrap()
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "neo4j-csv"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--output"));
}

// ---------------------------------------------------------------------------
// Temporal values

/// Dates are typed literals in N-Quads, constructor calls in the Cypher script (which
/// rebuilds them typed), and ISO 8601 text in JSON and CSV.
#[test]
fn temporal_values_keep_their_type_where_the_format_has_one() {
    // Imported, so that the dates are typed (the fixture writes plain strings).
    let mut db = Database::in_memory();
    db.import_file(&examples_dir().join("bakhmut.triples"), None, None)
        .expect("the example article imports");
    let sub = whole(&db);

    let nquads = String::from_utf8(render(&sub, ExportFormat::Nquads)).unwrap();
    assert!(
        nquads.contains("\"2023-04-03\"^^<http://www.w3.org/2001/XMLSchema#date>"),
        "no typed date literal in the N-Quads"
    );
    assert!(
        !nquads.contains("\"2023-04-03\" "),
        "a date as a plain literal"
    );

    let script = String::from_utf8(render(&sub, ExportFormat::Cypher)).unwrap();
    assert!(script.contains("date('2023-04-03')"), "no constructor call");
    let mut back = run_script(&script);
    let r = back
        .query(
            "MATCH (a:Article) RETURN a.date AS d, a.date.year AS y",
            &Params::new(),
        )
        .unwrap();
    assert_eq!(r.rows.len(), 1);
    assert!(
        matches!(r.rows[0][0], claimgraph::ResultValue::Temporal(_)),
        "the date came back as {:?}",
        r.rows[0][0]
    );
    assert_eq!(r.rows[0][1], claimgraph::ResultValue::Int(2023));

    let json: Json = serde_json::from_slice(&render(&sub, ExportFormat::Json)).unwrap();
    assert!(
        json.to_string().contains("\"date\":\"2023-04-03\""),
        "{json}"
    );

    let dir = tempfile::tempdir().unwrap();
    export::neo4j_csv::write_dir(&sub, dir.path()).unwrap();
    let nodes = std::fs::read_to_string(dir.path().join("nodes.csv")).unwrap();
    assert!(
        nodes.lines().next().unwrap().contains("date:date"),
        "{nodes}"
    );
    assert!(
        nodes.contains(",2023-04-03,") || nodes.contains(",2023-04-03\n"),
        "{nodes}"
    );
}
