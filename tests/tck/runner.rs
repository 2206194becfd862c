//! Turns the steps of a scenario into actions and runs them against an engine.
//!
//! The engine is a trait so that the runner's own logic can be tested with a scripted
//! stand-in; the TCK run uses [`DbEngine`], a fresh in-memory [`Database`] per scenario.
//!
//! Side effects are measured the way the TCK defines them: as the difference between the
//! graph before and after the query. Nodes and relationships count by identity, labels by
//! name over the whole graph (two new `:A` nodes add one label), and properties as
//! (entity, key, value) triples, so changing a value counts one added and one removed.
//! The engine's own [`WriteStats`] count differently (labels per node, a property set to
//! the value it had), so they cannot stand for the TCK's table; they are checked for what
//! any count must agree on: a query that changed the graph reports stats, and the stats'
//! net change in nodes and in relationships is the change measured.

use std::collections::BTreeSet;
use std::time::Duration;

use claimgraph::query::exec::Val;
use claimgraph::query::procedures::{Procedure, Type};
use claimgraph::{Cancel, Database, Error, Params, QueryResult, WriteStats};

use super::gherkin::{Scenario, Step};
use super::values::{self, Compare, Expected};

/// What the runner needs from the system under test.
pub trait Engine {
    /// Runs one query.
    fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult, Error>;
    /// The graph as it is now, for measuring side effects.
    fn state(&self) -> GraphState;
    /// Defines a procedure for `there exists a procedure SIGNATURE:` from its table.
    fn define_procedure(&mut self, _signature: &str, _table: &[Vec<String>]) -> Result<(), String> {
        Err("this engine cannot define procedures".into())
    }
}

/// Reads `name(arg :: TYPE?, ...) :: (out :: TYPE?, ...)` into the name, the
/// arguments and the outputs.
#[allow(clippy::type_complexity)]
pub fn parse_signature(
    signature: &str,
) -> Result<(String, Vec<(String, Type)>, Vec<(String, Type)>), String> {
    let bad = || format!("`{signature}` is not a procedure signature");
    let sig = signature.trim().trim_end_matches(':').trim();
    let open = sig.find('(').ok_or_else(bad)?;
    let name = sig[..open].trim().to_string();
    let close = open + sig[open..].find(')').ok_or_else(bad)?;
    let rest = sig[close + 1..]
        .trim()
        .strip_prefix("::")
        .ok_or_else(bad)?
        .trim();
    let outs = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(bad)?;
    let fields = |text: &str| -> Result<Vec<(String, Type)>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| {
                let (n, t) = f.split_once("::").ok_or_else(bad)?;
                let ty = Type::parse(t).ok_or_else(|| format!("unknown type `{}`", t.trim()))?;
                Ok((n.trim().to_string(), ty))
            })
            .collect()
    };
    Ok((name, fields(&sig[open + 1..close])?, fields(outs)?))
}

/// The real engine: an in-memory database, each query under a timeout.
pub struct DbEngine {
    pub db: Database,
    pub timeout: Duration,
}

impl DbEngine {
    pub fn new(timeout: Duration) -> Self {
        DbEngine {
            db: Database::in_memory(),
            timeout,
        }
    }
}

impl Engine for DbEngine {
    fn execute(&mut self, query: &str, params: &Params) -> Result<QueryResult, Error> {
        let cancel = Cancel::with_timeout(self.timeout);
        self.db.query_with(query, params, &cancel)
    }

    fn define_procedure(&mut self, signature: &str, table: &[Vec<String>]) -> Result<(), String> {
        let (name, args, outs) = parse_signature(signature)?;
        let mut rows = table.iter();
        let header: Vec<&str> = rows
            .next()
            .map(|h| {
                h.iter()
                    .map(String::as_str)
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if header.len() != args.len() + outs.len() {
            return Err(format!(
                "the table of `{name}` has {} columns for {} arguments and {} outputs",
                header.len(),
                args.len(),
                outs.len()
            ));
        }
        // Each output column's place in the table.
        let places = outs
            .iter()
            .map(|(o, _)| {
                header[args.len()..]
                    .iter()
                    .position(|h| h == o)
                    .map(|i| i + args.len())
                    .ok_or_else(|| format!("the table of `{name}` has no column `{o}`"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut data: Vec<Vec<Val>> = Vec::new();
        for row in rows.filter(|r| r.iter().any(|c| !c.is_empty())) {
            data.push(
                row.iter()
                    .map(|c| values::parse_value(c)?.to_param().map(|v| Val::from(&v)))
                    .collect::<Result<Vec<_>, String>>()?,
            );
        }
        let n = args.len();
        let mut procedure = Procedure::new(name, "a procedure of the TCK", move |_, given| {
            Ok(data
                .iter()
                .filter(|row| row[..n] == *given)
                .map(|row| places.iter().map(|&i| row[i].clone()).collect())
                .collect())
        });
        for (a, ty) in args {
            procedure = procedure.arg(a, ty);
        }
        for (o, ty) in outs {
            procedure = procedure.output(o, ty);
        }
        self.db.register_procedure(procedure);
        Ok(())
    }

    fn state(&self) -> GraphState {
        let graph = self.db.graph();
        let mut state = GraphState::default();
        for node in graph.nodes() {
            state.nodes.insert(node.id);
            state.labels.extend(node.labels.iter().cloned());
            for (k, v) in &node.properties {
                state
                    .properties
                    .insert((Entity::Node(node.id), k.clone(), format!("{v:?}")));
            }
        }
        for rel in graph.relationships() {
            state.relationships.insert(rel.id);
            for (k, v) in &rel.properties {
                state.properties.insert((
                    Entity::Relationship(rel.id),
                    k.clone(),
                    format!("{v:?}"),
                ));
            }
        }
        state
    }
}

/// The owner of a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entity {
    Node(u64),
    Relationship(u64),
}

/// What a graph holds, as far as side effects are concerned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphState {
    pub nodes: BTreeSet<u64>,
    pub relationships: BTreeSet<u64>,
    /// Every label name that at least one node carries.
    pub labels: BTreeSet<String>,
    /// (owner, key, value written with `Debug`) for every property.
    pub properties: BTreeSet<(Entity, String, String)>,
}

/// The side effects of one query, as the TCK's tables count them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SideEffects {
    pub nodes_added: u64,
    pub nodes_removed: u64,
    pub relationships_added: u64,
    pub relationships_removed: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
    pub properties_added: u64,
    pub properties_removed: u64,
}

fn count<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> u64 {
    a.difference(b).count() as u64
}

impl SideEffects {
    /// What changed from `before` to `after`.
    pub fn between(before: &GraphState, after: &GraphState) -> Self {
        SideEffects {
            nodes_added: count(&after.nodes, &before.nodes),
            nodes_removed: count(&before.nodes, &after.nodes),
            relationships_added: count(&after.relationships, &before.relationships),
            relationships_removed: count(&before.relationships, &after.relationships),
            labels_added: count(&after.labels, &before.labels),
            labels_removed: count(&before.labels, &after.labels),
            properties_added: count(&after.properties, &before.properties),
            properties_removed: count(&before.properties, &after.properties),
        }
    }

    fn field(&mut self, key: &str) -> Option<&mut u64> {
        Some(match key {
            "+nodes" => &mut self.nodes_added,
            "-nodes" => &mut self.nodes_removed,
            "+relationships" => &mut self.relationships_added,
            "-relationships" => &mut self.relationships_removed,
            "+labels" => &mut self.labels_added,
            "-labels" => &mut self.labels_removed,
            "+properties" => &mut self.properties_added,
            "-properties" => &mut self.properties_removed,
            _ => return None,
        })
    }

    /// Reads a `the side effects should be:` table; unlisted counts are zero.
    pub fn from_table(table: &[Vec<String>]) -> Result<Self, String> {
        let mut effects = SideEffects::default();
        for row in table {
            let [key, n] = row.as_slice() else {
                return Err("a side-effects row must have two cells".into());
            };
            let n: u64 = n
                .parse()
                .map_err(|_| format!("`{n}` is not a count of side effects"))?;
            *effects
                .field(key)
                .ok_or_else(|| format!("unknown side effect `{key}`"))? = n;
        }
        Ok(effects)
    }
}

impl std::fmt::Display for SideEffects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = [
            ("+nodes", self.nodes_added),
            ("-nodes", self.nodes_removed),
            ("+relationships", self.relationships_added),
            ("-relationships", self.relationships_removed),
            ("+labels", self.labels_added),
            ("-labels", self.labels_removed),
            ("+properties", self.properties_added),
            ("-properties", self.properties_removed),
        ];
        let shown: Vec<String> = parts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if shown.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&shown.join(", "))
        }
    }
}

/// When the TCK expects an error to be raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Compile,
    Runtime,
    Any,
}

/// The kinds of error the engine returns, as far as the TCK cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The parser refused the text (`Error::Input`).
    Input,
    /// The query parsed but could not be planned or run (`Error::Query`).
    Query,
    /// A write broke a rule of the model (`Error::Constraint`).
    Constraint,
    /// The query hit its timeout (`Error::Cancelled`): never a correct answer.
    Cancelled,
    /// Anything else (storage, I/O, limits): never a correct answer.
    Other,
}

impl ErrorClass {
    pub fn of(e: &Error) -> Self {
        match e {
            Error::Input(_) => ErrorClass::Input,
            Error::Query { .. } => ErrorClass::Query,
            Error::Constraint(_) => ErrorClass::Constraint,
            Error::Cancelled(_) => ErrorClass::Cancelled,
            _ => ErrorClass::Other,
        }
    }
}

/// Checks an error's kind, detail and phase against the TCK's expectation;
/// `Err` says what differs.
pub fn check_error(e: &Error, kind: &str, phase: Phase, detail: &str) -> Result<(), String> {
    let Some(code) = e.code() else {
        return Err(format!(
            "expected {kind} ({detail}), got {:?} error: {}",
            ErrorClass::of(e),
            one_line_error(e)
        ));
    };
    let got_kind = code.kind().to_string();
    let got_detail = code.detail.name().unwrap_or("no detail");
    let got_phase = code.phase();
    let phase_ok = match phase {
        Phase::Any => true,
        Phase::Compile => got_phase == claimgraph::error::Phase::CompileTime,
        Phase::Runtime => got_phase == claimgraph::error::Phase::Runtime,
    };
    // The TCK writes `*` where any detail will do.
    let detail_ok = detail == "*" || got_detail == detail;
    if got_kind != kind || !detail_ok || !phase_ok {
        return Err(format!(
            "expected {kind} at {phase:?}: {detail}; got {got_kind} at {}: {got_detail}: {}",
            got_phase.name(),
            one_line_error(e)
        ));
    }
    Ok(())
}

/// The expected rows of a result table.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Expected>>,
    pub ordered: bool,
    pub lists_unordered: bool,
}

/// One step, understood.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// `Given an empty graph` or `Given any graph`: the database is fresh already.
    FreshGraph,
    /// `Given the NAME graph`: run the named graph's creation script.
    NamedGraph(String),
    /// `And having executed:`: a setup query that must succeed.
    Setup(String),
    /// `And parameters are:`.
    Parameters(Params),
    /// `And there exists a procedure SIGNATURE:` with the table of its rows.
    Procedure {
        signature: String,
        table: Vec<Vec<String>>,
    },
    /// `When executing query:`: the query under test; its side effects are measured.
    Execute(String),
    /// `When executing control query:`: a check of the graph after the query under test.
    Control(String),
    Rows(ExpectedRows),
    /// `Then the result should be empty`.
    Empty,
    /// `And no side effects` or `And the side effects should be:`.
    Effects(SideEffects),
    /// `Then a KIND should be raised at PHASE: DETAIL`.
    Error {
        kind: String,
        phase: Phase,
        detail: String,
    },
}

/// Understands one step. An error here is a gap in the runner, not in the engine.
pub fn interpret(step: &Step) -> Result<Action, String> {
    let text = step.text.as_str();
    let doc = || {
        step.docstring
            .clone()
            .ok_or_else(|| format!("`{text}` needs a doc string"))
    };
    let table = || {
        step.table
            .clone()
            .ok_or_else(|| format!("`{text}` needs a table"))
    };
    let rows = |ordered: bool, lists_unordered: bool| -> Result<Action, String> {
        let table = table()?;
        let mut it = table.into_iter();
        let columns = it.next().unwrap_or_default();
        let rows = it
            .map(|row| {
                row.iter()
                    .map(|cell| values::parse_value(cell))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Action::Rows(ExpectedRows {
            columns,
            rows,
            ordered,
            lists_unordered,
        }))
    };
    match text {
        "an empty graph" | "any graph" => return Ok(Action::FreshGraph),
        "having executed:" => return Ok(Action::Setup(doc()?)),
        "executing query:" => return Ok(Action::Execute(doc()?)),
        "executing control query:" => return Ok(Action::Control(doc()?)),
        "parameters are:" => {
            let mut params = Params::new();
            for row in table()? {
                let [name, value] = row.as_slice() else {
                    return Err("a parameter row must have two cells".into());
                };
                params.insert(name.clone(), values::parse_value(value)?.to_param()?);
            }
            return Ok(Action::Parameters(params));
        }
        "the result should be, in any order:" => return rows(false, false),
        "the result should be, in order:" => return rows(true, false),
        "the result should be (ignoring element order for lists):"
        | "the result should be, in any order (ignoring element order for lists):" => {
            return rows(false, true)
        }
        "the result should be, in order (ignoring element order for lists):" => {
            return rows(true, true)
        }
        "the result should be empty" => return Ok(Action::Empty),
        "no side effects" => return Ok(Action::Effects(SideEffects::default())),
        "the side effects should be:" => {
            return Ok(Action::Effects(SideEffects::from_table(&table()?)?))
        }
        _ => {}
    }
    if let Some(signature) = text.strip_prefix("there exists a procedure ") {
        return Ok(Action::Procedure {
            signature: signature.to_string(),
            table: table()?,
        });
    }
    if let Some(name) = text
        .strip_prefix("the ")
        .and_then(|t| t.strip_suffix(" graph"))
    {
        return Ok(Action::NamedGraph(name.to_string()));
    }
    if let Some(rest) = text.strip_prefix("a ").or_else(|| text.strip_prefix("an ")) {
        if let Some((kind, rest)) = rest.split_once(" should be raised at ") {
            let (phase, detail) = rest
                .split_once(':')
                .ok_or_else(|| format!("no error detail in `{text}`"))?;
            let phase = match phase.trim() {
                "compile time" => Phase::Compile,
                "runtime" => Phase::Runtime,
                "any time" => Phase::Any,
                other => return Err(format!("unknown error phase `{other}`")),
            };
            return Ok(Action::Error {
                kind: kind.trim().to_string(),
                phase,
                detail: detail.trim().to_string(),
            });
        }
    }
    Err(format!("unknown step `{} {}`", step.keyword, text))
}

/// A scenario ready to run.
#[derive(Clone, Debug)]
pub struct Case {
    /// `feature-path :: scenario name [:: example row]`, the ratchet's key.
    pub key: String,
    /// The feature file, relative to the `features` folder.
    pub feature: String,
    pub line: usize,
    pub actions: Vec<Action>,
}

impl Case {
    /// Interprets every step of `scenario` from the feature file at `feature`.
    pub fn new(feature: &str, scenario: &Scenario) -> Result<Self, String> {
        let actions = scenario
            .steps
            .iter()
            .map(|s| interpret(s).map_err(|e| format!("line {}: {e}", s.line)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut key = format!("{feature} :: {}", scenario.name);
        if let Some(row) = scenario.example {
            key.push_str(&format!(" :: {row}"));
        }
        Ok(Case {
            key,
            feature: feature.to_string(),
            line: scenario.line,
            actions,
        })
    }

    /// Whether the scenario expects an error (as opposed to a result).
    pub fn expects_error(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a, Action::Error { .. }))
    }
}

/// What the last query returned.
enum Answer {
    Rows(QueryResult),
    Failed(ErrorClass, String, Error),
}

fn short(query: &str) -> String {
    let one_line = query.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 100 {
        let cut: String = one_line.chars().take(100).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Runs the actions of a case. `Ok(())` is a pass; `Err` says what went wrong.
/// `graph_script` gives the creation script of a named graph.
pub fn run_case(
    engine: &mut dyn Engine,
    actions: &[Action],
    graph_script: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut params = Params::new();
    let mut answer: Option<Answer> = None;
    let mut effects: Option<SideEffects> = None;
    let mut stats: Option<WriteStats> = None;
    for action in actions {
        match action {
            Action::FreshGraph => {}
            Action::NamedGraph(name) => {
                let script = graph_script(name)?;
                engine.execute(&script, &Params::new()).map_err(|e| {
                    format!("setting up the {name} graph failed: {}", one_line_error(&e))
                })?;
            }
            Action::Setup(query) => {
                engine.execute(query, &Params::new()).map_err(|e| {
                    format!(
                        "setup query `{}` failed: {}",
                        short(query),
                        one_line_error(&e)
                    )
                })?;
            }
            Action::Parameters(p) => params = p.clone(),
            Action::Procedure { signature, table } => engine.define_procedure(signature, table)?,
            Action::Execute(query) => {
                let before = engine.state();
                let result = engine.execute(query, &params);
                let after = engine.state();
                effects = Some(SideEffects::between(&before, &after));
                stats = result.as_ref().ok().and_then(|r| r.stats);
                answer = Some(match result {
                    Ok(r) => Answer::Rows(r),
                    Err(e) => Answer::Failed(ErrorClass::of(&e), one_line_error(&e), e),
                });
            }
            Action::Control(query) => {
                answer = Some(match engine.execute(query, &params) {
                    Ok(r) => Answer::Rows(r),
                    Err(e) => {
                        return Err(format!(
                            "control query `{}` failed: {}",
                            short(query),
                            one_line_error(&e)
                        ))
                    }
                });
            }
            Action::Rows(expected) => match &answer {
                None => return Err("a result is expected before any query ran".into()),
                Some(Answer::Failed(class, message, _)) => {
                    return Err(format!("expected rows, got {class:?} error: {message}"))
                }
                Some(Answer::Rows(result)) => check_rows(expected, result)?,
            },
            Action::Empty => match &answer {
                None => return Err("a result is expected before any query ran".into()),
                Some(Answer::Failed(class, message, _)) => {
                    return Err(format!(
                        "expected an empty result, got {class:?} error: {message}"
                    ))
                }
                Some(Answer::Rows(result)) => {
                    if !result.rows.is_empty() {
                        return Err(format!(
                            "expected an empty result, got {} rows, first {}",
                            result.rows.len(),
                            render_row(&result.rows[0])
                        ));
                    }
                }
            },
            Action::Effects(expected) => {
                let actual = effects.ok_or("side effects are expected before any query ran")?;
                if actual != *expected {
                    return Err(format!(
                        "expected side effects: {expected}; measured: {actual}"
                    ));
                }
                if matches!(answer, Some(Answer::Rows(_))) {
                    check_stats(stats, &actual)?;
                }
            }
            Action::Error {
                kind,
                phase,
                detail,
            } => match &answer {
                None => return Err("an error is expected before any query ran".into()),
                Some(Answer::Rows(result)) => {
                    return Err(format!(
                        "expected {kind} ({detail}), got a result with {} rows",
                        result.rows.len()
                    ))
                }
                Some(Answer::Failed(_, _, error)) => {
                    check_error(error, kind, *phase, detail)?;
                    // A refused query must leave the graph as it was.
                    if let Some(e) = effects.filter(|e| *e != SideEffects::default()) {
                        return Err(format!("the failed query still changed the graph: {e}"));
                    }
                }
            },
        }
    }
    Ok(())
}

/// Checks the engine's write statistics against the measured side effects, on what every
/// way of counting must agree.
pub fn check_stats(stats: Option<WriteStats>, measured: &SideEffects) -> Result<(), String> {
    let Some(stats) = stats else {
        if *measured != SideEffects::default() {
            return Err(format!(
                "the query changed the graph ({measured}) but reported no write stats"
            ));
        }
        return Ok(());
    };
    let net = |plus: u64, minus: u64| i128::from(plus) - i128::from(minus);
    let nodes = net(stats.nodes_created, stats.nodes_deleted);
    let measured_nodes = net(measured.nodes_added, measured.nodes_removed);
    let rels = net(stats.relationships_created, stats.relationships_deleted);
    let measured_rels = net(measured.relationships_added, measured.relationships_removed);
    if nodes != measured_nodes || rels != measured_rels {
        return Err(format!(
            "write stats {stats:?} disagree with the graph: net change in nodes {measured_nodes}, \
             in relationships {measured_rels}"
        ));
    }
    Ok(())
}

/// An error on one line, for summaries (diagnostics render over several lines).
pub fn one_line_error(e: &Error) -> String {
    let text = match e {
        Error::Input(d) => d
            .items
            .first()
            .map(|item| {
                format!(
                    "{} (line {}, column {})",
                    item.message, item.line, item.column
                )
            })
            .unwrap_or_else(|| e.to_string()),
        _ => e.to_string(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render_row(row: &[claimgraph::ResultValue]) -> String {
    let cells: Vec<String> = row.iter().map(values::render).collect();
    format!("| {} |", cells.join(" | "))
}

fn render_expected_row(row: &[Expected]) -> String {
    let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
    format!("| {} |", cells.join(" | "))
}

/// Compares a result with an expected table.
pub fn check_rows(expected: &ExpectedRows, actual: &QueryResult) -> Result<(), String> {
    if expected.columns != actual.columns {
        return Err(format!(
            "expected columns {:?}, got {:?}",
            expected.columns, actual.columns
        ));
    }
    let how = Compare {
        lists_unordered: expected.lists_unordered,
    };
    let row_eq = |e: &Vec<Expected>, a: &Vec<claimgraph::ResultValue>| {
        e.len() == a.len() && e.iter().zip(a).all(|(x, y)| values::matches(x, y, how))
    };
    let ok = if expected.ordered {
        expected.rows.len() == actual.rows.len()
            && expected
                .rows
                .iter()
                .zip(&actual.rows)
                .all(|(e, a)| row_eq(e, a))
    } else {
        values::multiset_match(&expected.rows, &actual.rows, row_eq)
    };
    if ok {
        return Ok(());
    }
    const SHOWN: usize = 8;
    let exp: Vec<String> = expected
        .rows
        .iter()
        .take(SHOWN)
        .map(|r| render_expected_row(r))
        .collect();
    let got: Vec<String> = actual
        .rows
        .iter()
        .take(SHOWN)
        .map(|r| render_row(r))
        .collect();
    Err(format!(
        "rows differ ({}): expected {} rows {}{}; got {} rows {}{}",
        if expected.ordered {
            "in order"
        } else {
            "in any order"
        },
        expected.rows.len(),
        exp.join(" "),
        if expected.rows.len() > SHOWN {
            " …"
        } else {
            ""
        },
        actual.rows.len(),
        got.join(" "),
        if actual.rows.len() > SHOWN {
            " …"
        } else {
            ""
        },
    ))
}
