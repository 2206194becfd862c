//! Tests of the TCK runner itself, on small hand-written inputs, without the engine:
//! the value parser, the comparison rules, the Gherkin reader with outline expansion, and
//! the runner's verdicts against a scripted stand-in engine.

use std::collections::BTreeMap;

use claimgraph::error::Detail;
use claimgraph::{Error, Node, Params, QueryResult, Relationship, ResultValue, Value, WriteStats};

use super::gherkin::{self, parse_feature};
use super::runner::{self, Action, Case, Engine, Entity, GraphState, SideEffects};
use super::values::{self, matches, multiset_match, parse_value, Compare, Expected};

fn node(id: u64, labels: &[&str], props: &[(&str, Value)]) -> Node {
    Node {
        id,
        labels: labels.iter().map(|l| l.to_string()).collect(),
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn rel(id: u64, t: &str, start: u64, end: u64, props: &[(&str, Value)]) -> Relationship {
    Relationship {
        id,
        rel_type: t.to_string(),
        start,
        end,
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

fn exact() -> Compare {
    Compare::default()
}

fn matches_text(expected: &str, actual: &ResultValue) -> bool {
    match parse_value(expected) {
        Ok(e) => matches(&e, actual, exact()),
        Err(message) => panic!("`{expected}` should parse: {message}"),
    }
}

#[test]
fn scalars_parse() {
    assert_eq!(parse_value("null"), Ok(Expected::Null));
    assert_eq!(parse_value(" true "), Ok(Expected::Bool(true)));
    assert_eq!(parse_value("-42"), Ok(Expected::Int(-42)));
    assert_eq!(parse_value("1.5"), Ok(Expected::Float(1.5)));
    assert_eq!(parse_value("-1e-3"), Ok(Expected::Float(-0.001)));
    assert_eq!(parse_value("Inf"), Ok(Expected::Float(f64::INFINITY)));
    assert_eq!(parse_value("-Inf"), Ok(Expected::Float(f64::NEG_INFINITY)));
    assert!(matches!(parse_value("NaN"), Ok(Expected::Float(f)) if f.is_nan()));
    assert_eq!(
        parse_value(r"'it\'s | here'"),
        Ok(Expected::String("it's | here".into()))
    );
    assert_eq!(parse_value("''"), Ok(Expected::String(String::new())));
}

#[test]
fn structures_parse() {
    let v = parse_value("[1, 'a', [], {k: [null]}]").expect("a list parses");
    assert_eq!(
        v,
        Expected::List(vec![
            Expected::Int(1),
            Expected::String("a".into()),
            Expected::List(vec![]),
            Expected::Map(BTreeMap::from([(
                "k".to_string(),
                Expected::List(vec![Expected::Null])
            )])),
        ])
    );
    let Ok(Expected::Node(n)) = parse_value("(:B:A {name: 'x', `odd key`: 2})") else {
        panic!("a node should parse");
    };
    assert_eq!(n.labels.iter().collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(n.properties.len(), 2);
    assert!(
        matches!(parse_value("[:T {w: 1}]"), Ok(Expected::Relationship(r)) if r.rel_type == "T")
    );
    let Ok(Expected::Path { start, hops }) = parse_value("<(:A)-[:T]->(:B)<-[:U]-()>") else {
        panic!("a path should parse");
    };
    assert!(start.labels.contains("A"));
    assert_eq!(hops.len(), 2);
    assert!(hops[0].forward && !hops[1].forward);
    assert!(matches!(parse_value("<()>"), Ok(Expected::Path { hops, .. }) if hops.is_empty()));
}

#[test]
fn bad_values_are_refused_not_guessed() {
    for bad in [
        "",
        "'open",
        "[1, 2",
        "{k 1}",
        "1 2",
        "abc",
        "(:A",
        "<(:A)-[:T]-(:B)>",
        "<(:A)<-[:T]->(:B)>",
        "{k: 1, k: 2}",
        "99999999999999999999",
    ] {
        assert!(parse_value(bad).is_err(), "`{bad}` should not parse");
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(parse_value(&deep).is_err(), "nesting is bounded");
}

#[test]
fn values_print_back_in_tck_syntax() {
    for text in [
        "null",
        "[1, 2.5, 'x']",
        "{a: true, b: NaN}",
        "(:A:B {k: 1})",
        "[:T {w: -Inf}]",
        "<(:A)-[:T]->(:B)<-[:U]-()>",
    ] {
        let v = parse_value(text).expect("the samples parse");
        assert_eq!(v.to_string(), text);
    }
}

#[test]
fn numbers_compare_by_type_and_with_a_small_tolerance() {
    assert!(matches_text("1", &ResultValue::Int(1)));
    assert!(!matches_text("1", &ResultValue::Float(1.0)));
    assert!(!matches_text("1.0", &ResultValue::Int(1)));
    assert!(matches_text("0.3", &ResultValue::Float(0.1 + 0.2)));
    assert!(!matches_text("0.3", &ResultValue::Float(0.30001)));
    assert!(matches_text("NaN", &ResultValue::Float(f64::NAN)));
    assert!(!matches_text("NaN", &ResultValue::Float(1.0)));
    assert!(matches_text("-Inf", &ResultValue::Float(f64::NEG_INFINITY)));
    assert!(!matches_text("Inf", &ResultValue::Float(f64::NEG_INFINITY)));
    assert!(matches_text("null", &ResultValue::Null));
    assert!(!matches_text("null", &ResultValue::Int(0)));
    assert!(!matches_text("'1'", &ResultValue::Int(1)));
}

#[test]
fn nodes_compare_by_label_set_and_all_properties() {
    let n = ResultValue::Node(node(7, &["B", "A"], &[("name", Value::String("x".into()))]));
    assert!(matches_text("(:A:B {name: 'x'})", &n));
    assert!(!matches_text("(:A {name: 'x'})", &n), "a label is missing");
    assert!(!matches_text("(:A:B)", &n), "a property is missing");
    assert!(
        !matches_text("(:A:B {name: 'x', k: 1})", &n),
        "an extra property"
    );
    assert!(!matches_text("(:A:B {name: 'y'})", &n));
    assert!(!matches_text("[:A]", &n));
}

#[test]
fn relationships_and_paths_compare_with_direction() {
    let a = node(1, &["A"], &[]);
    let b = node(2, &["B"], &[]);
    let r = rel(10, "T", 1, 2, &[("w", Value::Int(3))]);
    assert!(matches_text(
        "[:T {w: 3}]",
        &ResultValue::Relationship(r.clone())
    ));
    assert!(!matches_text(
        "[:U {w: 3}]",
        &ResultValue::Relationship(r.clone())
    ));
    let forward = ResultValue::Path {
        nodes: vec![a.clone(), b.clone()],
        relationships: vec![r.clone()],
    };
    assert!(matches_text("<(:A)-[:T {w: 3}]->(:B)>", &forward));
    assert!(!matches_text("<(:A)<-[:T {w: 3}]-(:B)>", &forward));
    assert!(!matches_text("<(:A)>", &forward));
    let backward = ResultValue::Path {
        nodes: vec![b, a],
        relationships: vec![r],
    };
    assert!(matches_text("<(:B)<-[:T {w: 3}]-(:A)>", &backward));
    assert!(!matches_text("<(:B)-[:T {w: 3}]->(:A)>", &backward));
    assert_eq!(
        values::render(&backward),
        "<(:B)<-[:T {w: 3}]-(:A)>",
        "results render in the same syntax"
    );
}

#[test]
fn lists_ignore_order_only_when_asked() {
    let list = ResultValue::List(vec![
        ResultValue::Int(2),
        ResultValue::List(vec![ResultValue::Int(4), ResultValue::Int(3)]),
    ]);
    let expected = parse_value("[[3, 4], 2]").expect("parses");
    assert!(!matches(&expected, &list, exact()));
    assert!(matches(
        &expected,
        &list,
        Compare {
            lists_unordered: true
        }
    ));
    let dup = parse_value("[2, 2, [3, 4]]").expect("parses");
    assert!(!matches(
        &dup,
        &list,
        Compare {
            lists_unordered: true
        }
    ));
}

#[test]
fn multiset_matching_finds_a_pairing_greedy_would_miss() {
    // Expected 0 accepts both actual items, expected 1 only the first: a greedy pairing
    // that gives actual 0 to expected 0 fails, the right pairing swaps them.
    let eq = |e: &u8, a: &u8| *e == 0 || *a == 0;
    assert!(multiset_match(&[0u8, 1], &[0u8, 1], eq));
    assert!(!multiset_match(&[1u8, 1], &[0u8, 1], |e: &u8, a: &u8| e == a));
    assert!(!multiset_match(&[1u8], &[1u8, 1], |e: &u8, a: &u8| e == a));
    assert!(multiset_match::<u8, u8>(&[], &[], |e, a| e == a));
}

const FEATURE: &str = r#"
# A comment.
#encoding: utf-8

Feature: Sample - hand-written
  Some description.

  Background:
    Given an empty graph

  @tag
  Scenario: [1] Plain
    And having executed:
      """
      CREATE (:A {name: 'a'})
        -- indented
      """
    When executing query:
      """
      MATCH (n) RETURN n
      """
    Then the result should be, in any order:
      | n                 |
      | (:A {name: 'a'})  |
      | 'pipe \| inside'  |
    And no side effects

  Scenario Outline: [2] Outline <x>
    When executing query:
      """
      RETURN <x> AS v, 1 < 2 AS lt
      """
    Then the result should be, in order:
      | v   | lt   |
      | <x> | true |

    Examples:
      | x |
      | 1 |
      | 2 |

    Examples:
      | unused | x   |
      #| 0     | 'b' |
      | 0      | 'c' |
"#;

#[test]
fn features_parse_with_background_and_outlines() {
    let feature = parse_feature(FEATURE).expect("the sample parses");
    assert_eq!(feature.name, "Sample - hand-written");
    assert_eq!(
        feature.scenarios.len(),
        4,
        "one plain scenario and three rows"
    );
    let plain = &feature.scenarios[0];
    assert_eq!(plain.name, "[1] Plain");
    assert_eq!(plain.example, None);
    assert_eq!(plain.steps[0].text, "an empty graph", "background first");
    assert_eq!(
        plain.steps[1].docstring.as_deref(),
        Some("CREATE (:A {name: 'a'})\n  -- indented")
    );
    let table = plain.steps[3].table.as_ref().expect("a table");
    assert_eq!(table[2], ["'pipe | inside'"]);

    let rows: Vec<_> = feature.scenarios[1..].iter().collect();
    assert_eq!(
        rows.iter().map(|s| s.example).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)]
    );
    assert!(rows.iter().all(|s| s.name == "[2] Outline <x>"));
    assert_eq!(
        rows[2].steps[1].docstring.as_deref(),
        Some("RETURN 'c' AS v, 1 < 2 AS lt"),
        "placeholders are substituted, other angle brackets kept"
    );
    assert_eq!(
        rows[1].steps[2].table.as_ref().map(|t| t[1].clone()),
        Some(vec!["2".to_string(), "true".to_string()])
    );
    let keys: Vec<String> = feature
        .scenarios
        .iter()
        .map(|s| {
            Case::new("x/Sample.feature", s)
                .expect("steps are known")
                .key
        })
        .collect();
    assert_eq!(
        keys,
        [
            "x/Sample.feature :: [1] Plain",
            "x/Sample.feature :: [2] Outline <x> :: 1",
            "x/Sample.feature :: [2] Outline <x> :: 2",
            "x/Sample.feature :: [2] Outline <x> :: 3",
        ]
    );
}

#[test]
fn malformed_features_are_refused() {
    for bad in [
        "Scenario: x\n  Given any graph\n",
        "Feature: f\n  Scenario: x\n    When executing query:\n      \"\"\"\n      RETURN 1\n",
        "Feature: f\n  Scenario Outline: x\n    Given any graph\n",
        "Feature: f\n  Scenario: x\n    Given any graph\n  | a | b |\n  | c |\n",
        "Feature: f\n  Scenario: x\n    Given any graph\n    | a | b\n",
        "Feature: f\n  Scenario: x\n    Given any graph\n  Examples:\n    | a |\n",
    ] {
        assert!(parse_feature(bad).is_err(), "should be refused:\n{bad}");
    }
}

#[test]
fn placeholders_are_substituted_only_when_known() {
    let pairs = [("a", "1"), ("b", "'x'")];
    assert_eq!(
        gherkin::substitute("<a> < <b> <c> <", &pairs),
        "1 < 'x' <c> <"
    );
}

#[test]
fn steps_are_understood() {
    let step = |text: &str| gherkin::Step {
        keyword: "Then".into(),
        text: text.into(),
        line: 1,
        docstring: None,
        table: None,
    };
    assert_eq!(
        runner::interpret(&step("the binary-tree-1 graph")),
        Ok(Action::NamedGraph("binary-tree-1".into()))
    );
    assert_eq!(
        runner::interpret(&step(
            "a SyntaxError should be raised at compile time: UndefinedVariable"
        )),
        Ok(Action::Error {
            kind: "SyntaxError".into(),
            phase: runner::Phase::Compile,
            detail: "UndefinedVariable".into()
        })
    );
    assert!(runner::interpret(&step("something else entirely")).is_err());
    assert!(
        runner::interpret(&step("executing query:")).is_err(),
        "a query needs its doc string"
    );
    let mut effects = step("the side effects should be:");
    effects.table = Some(vec![
        vec!["+nodes".into(), "2".into()],
        vec!["-properties".into(), "1".into()],
    ]);
    assert_eq!(
        runner::interpret(&effects),
        Ok(Action::Effects(SideEffects {
            nodes_added: 2,
            properties_removed: 1,
            ..SideEffects::default()
        }))
    );
    effects.table = Some(vec![vec!["+widgets".into(), "2".into()]]);
    assert!(runner::interpret(&effects).is_err());
}

#[test]
fn side_effects_count_like_the_tck() {
    let mut before = GraphState::default();
    before.nodes.extend([1, 2]);
    before.labels.insert("A".into());
    before
        .properties
        .insert((Entity::Node(1), "k".into(), "Int(1)".into()));
    let mut after = before.clone();
    after.nodes.remove(&2);
    after.nodes.extend([3, 4]);
    after.labels.insert("B".into());
    after.properties.clear();
    after
        .properties
        .insert((Entity::Node(1), "k".into(), "Int(2)".into()));
    let effects = SideEffects::between(&before, &after);
    assert_eq!(
        effects,
        SideEffects {
            nodes_added: 2,
            nodes_removed: 1,
            labels_added: 1,
            properties_added: 1,
            properties_removed: 1,
            ..SideEffects::default()
        }
    );
    assert_eq!(
        effects.to_string(),
        "+nodes 2, -nodes 1, +labels 1, +properties 1, -properties 1"
    );
}

/// A stand-in engine: a script of answers by query text, each able to change the state.
struct Scripted {
    state: GraphState,
    answer: fn(&str, &Params, &mut GraphState) -> Result<QueryResult, Error>,
}

impl Engine for Scripted {
    fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult, Error> {
        (self.answer)(query.trim(), params, &mut self.state)
    }

    fn state(&self) -> GraphState {
        self.state.clone()
    }
}

fn table(columns: &[&str], rows: Vec<Vec<ResultValue>>) -> QueryResult {
    QueryResult {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        ..QueryResult::default()
    }
}

fn script(query: &str, params: &Params, state: &mut GraphState) -> Result<QueryResult, Error> {
    match query {
        "CREATE (:A {name: 'a'})\n  -- indented" | "CREATE ()" => {
            state.nodes.insert(state.nodes.len() as u64 + 1);
            Ok(QueryResult {
                stats: Some(WriteStats {
                    nodes_created: 1,
                    ..WriteStats::default()
                }),
                ..QueryResult::default()
            })
        }
        "CREATE () WITHOUT STATS" => {
            state.nodes.insert(state.nodes.len() as u64 + 1);
            Ok(QueryResult::default())
        }
        "CREATE () WRONG STATS" => {
            state.nodes.insert(state.nodes.len() as u64 + 1);
            Ok(QueryResult {
                stats: Some(WriteStats {
                    nodes_created: 2,
                    ..WriteStats::default()
                }),
                ..QueryResult::default()
            })
        }
        "CREATE AND DELETE" => Ok(QueryResult {
            // A node created and deleted by the same query: the graph is unchanged.
            stats: Some(WriteStats {
                nodes_created: 1,
                nodes_deleted: 1,
                ..WriteStats::default()
            }),
            ..QueryResult::default()
        }),
        "MATCH (n) RETURN n" => Ok(table(
            &["n"],
            vec![
                vec![ResultValue::String("pipe | inside".into())],
                vec![ResultValue::Node(node(
                    1,
                    &["A"],
                    &[("name", Value::String("a".into()))],
                ))],
            ],
        )),
        "RETURN 1 AS v, 1 < 2 AS lt" => Ok(table(
            &["v", "lt"],
            vec![vec![ResultValue::Int(1), ResultValue::Bool(true)]],
        )),
        "RETURN 2 AS v, 1 < 2 AS lt" => Ok(table(
            &["v", "lt"],
            vec![vec![ResultValue::Int(3), ResultValue::Bool(true)]],
        )),
        "RETURN 'c' AS v, 1 < 2 AS lt" => Ok(table(
            &["lt", "v"],
            vec![vec![
                ResultValue::Bool(true),
                ResultValue::String("c".into()),
            ]],
        )),
        "RETURN $p AS p" => Ok(table(
            &["p"],
            vec![vec![match params.get("p") {
                Some(Value::Int(i)) => ResultValue::Int(*i),
                _ => ResultValue::Null,
            }]],
        )),
        "RETURN 1 ORDER" => Err(Error::Input(
            claimgraph::error::Diagnostic::at_offset(None, query, 9, "expected BY").into(),
        )),
        "RETURN x" => Err(Error::coded(
            Detail::UndefinedVariable,
            "undefined variable `x`",
        )),
        "SLOW" => Err(Error::Cancelled("stopped".into())),
        "CREATE () FAIL" => {
            // A broken engine that writes and then fails.
            state.nodes.insert(99);
            Err(Error::query("failed"))
        }
        _ => Err(Error::query(format!("the script does not know `{query}`"))),
    }
}

fn run(actions: &[Action]) -> Result<(), String> {
    let mut engine = Scripted {
        state: GraphState::default(),
        answer: script,
    };
    runner::run_case(&mut engine, actions, &|name| {
        if name == "tiny" {
            Ok("CREATE ()".to_string())
        } else {
            Err(format!("no graph {name}"))
        }
    })
}

#[test]
fn the_sample_feature_gives_the_expected_verdicts() {
    let feature = parse_feature(FEATURE).expect("the sample parses");
    let verdicts: Vec<bool> = feature
        .scenarios
        .iter()
        .map(|s| {
            let case = Case::new("Sample.feature", s).expect("steps are known");
            run(&case.actions).is_ok()
        })
        .collect();
    // [1] passes in any order; rows 1..3 of the outline: right, wrong value, wrong columns.
    // The plain scenario's setup query adds a node before the query under test, which
    // itself changes nothing, so `no side effects` holds.
    assert_eq!(verdicts, [true, true, false, false]);
}

fn rows(columns: &[&str], cells: &[&[&str]], ordered: bool) -> Action {
    Action::Rows(runner::ExpectedRows {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: cells
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| parse_value(c).expect("the sample cells parse"))
                    .collect()
            })
            .collect(),
        ordered,
        lists_unordered: false,
    })
}

#[test]
fn order_matters_only_when_asked() {
    let exec = Action::Execute("MATCH (n) RETURN n".into());
    let any = rows(
        &["n"],
        &[&["(:A {name: 'a'})"], &["'pipe | inside'"]],
        false,
    );
    let ordered = rows(&["n"], &[&["(:A {name: 'a'})"], &["'pipe | inside'"]], true);
    let right_order = rows(&["n"], &[&["'pipe | inside'"], &["(:A {name: 'a'})"]], true);
    let too_few = rows(&["n"], &[&["(:A {name: 'a'})"]], false);
    assert!(run(&[exec.clone(), any]).is_ok());
    assert!(run(&[exec.clone(), right_order]).is_ok());
    assert!(run(&[exec.clone(), ordered]).is_err());
    assert!(run(&[exec.clone(), too_few]).is_err());
    assert!(run(&[exec, Action::Empty]).is_err());
}

#[test]
fn side_effects_are_measured_on_the_query_under_test() {
    let create = Action::Execute("CREATE ()".into());
    let one_node = Action::Effects(SideEffects {
        nodes_added: 1,
        ..SideEffects::default()
    });
    let none = Action::Effects(SideEffects::default());
    assert!(run(&[create.clone(), Action::Empty, one_node.clone()]).is_ok());
    assert!(run(&[create.clone(), none.clone()]).is_err());
    assert!(run(&[
        Action::Setup("CREATE ()".into()),
        Action::Execute("MATCH (n) RETURN n".into()),
        none
    ])
    .is_ok());
    assert!(run(&[Action::NamedGraph("tiny".into()), create, one_node.clone()]).is_ok());
    assert!(run(&[Action::NamedGraph("missing".into())]).is_err());
    let exec = |q: &str| Action::Execute(q.into());
    assert!(
        run(&[exec("CREATE () WITHOUT STATS"), one_node.clone()]).is_err(),
        "a write must report stats"
    );
    assert!(
        run(&[exec("CREATE () WRONG STATS"), one_node]).is_err(),
        "stats must agree with the graph"
    );
    assert!(
        run(&[
            exec("CREATE AND DELETE"),
            Action::Effects(SideEffects::default())
        ])
        .is_ok(),
        "a node created and deleted in one query is no side effect"
    );
    assert!(
        run(&[Action::Setup("RETURN x".into())]).is_err(),
        "setup must succeed"
    );
}

#[test]
fn parameters_reach_the_engine() {
    let params = Params::from([("p".to_string(), Value::Int(5))]);
    let exec = Action::Execute("RETURN $p AS p".into());
    assert!(run(&[
        Action::Parameters(params),
        exec.clone(),
        rows(&["p"], &[&["5"]], false)
    ])
    .is_ok());
    assert!(run(&[exec, rows(&["p"], &[&["5"]], false)]).is_err());
}

#[test]
fn expected_errors_need_the_right_kind_and_no_writes() {
    let coded = |kind: &str, phase, detail: &str| Action::Error {
        kind: kind.into(),
        phase,
        detail: detail.into(),
    };
    let error = |phase| coded("SyntaxError", phase, "UnexpectedSyntax");
    let exec = |q: &str| Action::Execute(q.into());
    use runner::Phase::{Any, Compile, Runtime};
    assert!(run(&[exec("RETURN 1 ORDER"), error(Compile)]).is_ok());
    let undefined = |phase| coded("SyntaxError", phase, "UndefinedVariable");
    assert!(run(&[exec("RETURN x"), undefined(Compile)]).is_ok());
    assert!(
        run(&[exec("RETURN x"), undefined(Runtime)]).is_err(),
        "an error raised before running is not a run-time error"
    );
    assert!(
        run(&[
            exec("RETURN x"),
            coded("SyntaxError", Compile, "UnknownFunction")
        ])
        .is_err(),
        "the detail must match"
    );
    assert!(
        run(&[
            exec("RETURN x"),
            coded("TypeError", Compile, "UndefinedVariable")
        ])
        .is_err(),
        "the kind must match"
    );
    assert!(
        run(&[exec("RETURN 1 ORDER"), error(Runtime)]).is_err(),
        "a run-time error is not answered by the parser refusing the text"
    );
    assert!(run(&[exec("RETURN 1 ORDER"), error(Any)]).is_ok());
    assert!(
        run(&[exec("SLOW"), error(Any)]).is_err(),
        "a timeout is no answer"
    );
    assert!(
        run(&[exec("CREATE ()"), error(Any)]).is_err(),
        "a result is no error"
    );
    assert!(
        run(&[exec("CREATE () FAIL"), error(Any)]).is_err(),
        "a failed query must not write"
    );
    assert!(run(&[error(Any)]).is_err(), "an error needs a query");
}

#[test]
fn the_database_state_is_read_for_side_effects() {
    use claimgraph::value::Properties;
    let mut engine = runner::DbEngine::new(std::time::Duration::from_secs(5));
    let props = |k: &str, v: i64| Properties::from_iter([(k.to_string(), Value::Int(v))]);
    let before = engine.state();
    let (ids, _) = engine
        .db
        .write(|txn| {
            let a = txn.create_node(vec!["A".into()], props("k", 1))?;
            let b = txn.create_node(vec!["A".into(), "B".into()], Properties::new())?;
            txn.create_relationship(a, "T", b, props("w", 2))?;
            Ok((a, b))
        })
        .expect("the writes succeed");
    let middle = engine.state();
    assert_eq!(
        SideEffects::between(&before, &middle),
        SideEffects {
            nodes_added: 2,
            relationships_added: 1,
            labels_added: 2,
            properties_added: 2,
            ..SideEffects::default()
        }
    );
    engine
        .db
        .write(|txn| {
            txn.set_node_property(ids.0, "k", Value::Int(5))?;
            txn.remove_label(ids.1, "B")?;
            Ok(())
        })
        .expect("the writes succeed");
    assert_eq!(
        SideEffects::between(&middle, &engine.state()),
        SideEffects {
            labels_removed: 1,
            properties_added: 1,
            properties_removed: 1,
            ..SideEffects::default()
        }
    );
}

/// An engine that panics on every query.
struct Panicking;

impl Engine for Panicking {
    fn execute(&mut self, query: &str, _: &Params) -> Result<QueryResult, Error> {
        panic!("cannot run {query}");
    }

    fn state(&self) -> GraphState {
        GraphState::default()
    }
}

/// An engine that never notices its timeout.
struct Sleeping;

impl Engine for Sleeping {
    fn execute(&mut self, _: &str, _: &Params) -> Result<QueryResult, Error> {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        Ok(QueryResult::default())
    }

    fn state(&self) -> GraphState {
        GraphState::default()
    }
}

#[test]
fn panics_and_hangs_are_caught() {
    use crate::{run_isolated, Graphs, Outcome};
    use std::sync::Arc;
    use std::time::Duration;
    let graphs = Arc::new(Graphs::new(std::path::PathBuf::from("/nonexistent")));
    let actions = [Action::Execute("RETURN 1".into()), Action::Empty];
    let outcome = run_isolated(
        &actions,
        &graphs,
        || Box::new(Panicking),
        Duration::from_secs(10),
    );
    match outcome {
        Outcome::Panic(message) => {
            assert!(message.contains("cannot run RETURN 1"), "{message}");
            assert!(
                message.contains("selftest.rs"),
                "the place is kept: {message}"
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let outcome = run_isolated(
        &actions,
        &graphs,
        || Box::new(Sleeping),
        Duration::from_millis(100),
    );
    assert_eq!(outcome, Outcome::Hung);
    let outcome = run_isolated(
        &[Action::NamedGraph("nothing-here".into())],
        &graphs,
        || Box::new(Sleeping),
        Duration::from_secs(10),
    );
    assert!(matches!(outcome, Outcome::Fail(m) if m.contains("cannot read")));
}
