//! The openCypher TCK as a conformance ratchet.
//!
//! `tck_tier1` reads the tier-1 feature files listed in the TCK folder (from
//! `$CLAIMGRAPH_TCK`, or `$CLAIMGRAPH_SHARED/tck`), runs every scenario on a fresh in-memory
//! database, prints what passed per file and in total, and fails when a scenario listed in
//! `tests/tck/passing.txt` no longer passes. `tck_temporal` does the same for the temporal
//! features (`expressions/temporal`, outside tier 1) with `tests/tck/passing-temporal.txt`,
//! and `tck_beyond` for every other feature file with `tests/tck/passing-beyond.txt`, so
//! that the three groups run the whole TCK. `CLAIMGRAPH_TCK_UPDATE=1` rewrites that list
//! with what passes now; `CLAIMGRAPH_TCK_VERBOSE=1` prints why each scenario failed, and
//! `CLAIMGRAPH_TCK_FILTER=text` runs only the scenarios whose key contains `text`.
//!
//! Scenarios that expect a result and scenarios that expect an error are counted apart:
//! an engine that refuses everything passes many of the second kind and proves nothing.

#[path = "tck/gherkin.rs"]
mod gherkin;
#[path = "tck/runner.rs"]
mod runner;
#[path = "tck/selftest.rs"]
mod selftest;
#[path = "tck/values.rs"]
mod values;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Once};
use std::time::{Duration, Instant};

use runner::{Case, DbEngine};

/// How long one query may run before the engine is asked to stop.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole scenario may run before it is abandoned as hung (for an engine that
/// does not notice its cancel flag).
const SCENARIO_LIMIT: Duration = Duration::from_secs(30);
/// The name of the threads that run scenarios; their panics are recorded, not printed.
const SCENARIO_THREAD: &str = "tck-scenario";

/// How a scenario ended.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Pass,
    Fail(String),
    /// The engine panicked: always a bug.
    Panic(String),
    /// The scenario did not finish within [`SCENARIO_LIMIT`].
    Hung,
}

/// Which group a feature file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Read,
    Write,
    /// `features/clauses/call`, beyond tier 1: procedures.
    Call,
    /// `features/expressions/temporal`, outside tier 1, with its own ratchet.
    Temporal,
    /// Every other feature file outside tier 1, with its own ratchet.
    Beyond,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Read => "read",
            Part::Write => "write",
            Part::Call => "call",
            Part::Temporal => "temp",
            Part::Beyond => "more",
        }
    }
}

/// The folders of feature files run beside the tier-1 lists.
const EXTRA_FOLDERS: &[(&str, Part)] = &[("clauses/call", Part::Call)];

/// Where the TCK is, or `None` when neither variable is set.
fn tck_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CLAIMGRAPH_TCK").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("CLAIMGRAPH_SHARED")
        .filter(|v| !v.is_empty())
        .map(|shared| PathBuf::from(shared).join("tck"))
}

fn ratchet_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tck")
        .join(file)
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by the panic hook.
    static PANIC_PLACE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once, a panic hook that keeps scenario threads quiet (their panics are
/// reported in the summary) and leaves every other thread's panics as they were.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(SCENARIO_THREAD) {
                let place = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_PLACE.with(|p| *p.borrow_mut() = place);
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The creation scripts of the named graphs, read on demand and kept.
struct Graphs {
    dir: PathBuf,
    cache: std::sync::Mutex<BTreeMap<String, Result<String, String>>>,
}

impl Graphs {
    fn new(dir: PathBuf) -> Self {
        Graphs {
            dir,
            cache: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    fn script(&self, name: &str) -> Result<String, String> {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err(format!("`{name}` is not a graph name"));
        }
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| "the graph cache was poisoned".to_string())?;
        cache
            .entry(name.to_string())
            .or_insert_with(|| {
                let path = self.dir.join(name).join(format!("{name}.cypher"));
                std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
            })
            .clone()
    }
}

/// Runs one case on its own thread, with a fresh engine from `make_engine`, catching
/// panics and giving up after `limit`. A hung thread is left behind: it cannot be stopped.
fn run_isolated(
    actions: &[runner::Action],
    graphs: &Arc<Graphs>,
    make_engine: fn() -> Box<dyn runner::Engine>,
    limit: Duration,
) -> Outcome {
    install_panic_hook();
    let (tx, rx) = mpsc::channel();
    let actions = actions.to_vec();
    let graphs = Arc::clone(graphs);
    let spawned = std::thread::Builder::new()
        .name(SCENARIO_THREAD.to_string())
        .spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                let mut engine = make_engine();
                runner::run_case(engine.as_mut(), &actions, &|name| graphs.script(name))
            }));
            let outcome = match outcome {
                Ok(Ok(())) => Outcome::Pass,
                Ok(Err(reason)) => Outcome::Fail(reason),
                Err(payload) => {
                    let place = PANIC_PLACE
                        .with(|p| p.borrow_mut().take())
                        .unwrap_or_else(|| "unknown place".to_string());
                    Outcome::Panic(format!("{} at {place}", panic_message(&*payload)))
                }
            };
            // The receiver is gone only if the watchdog gave up; nothing to tell then.
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Outcome::Fail(format!("could not start a thread: {e}"));
    }
    match rx.recv_timeout(limit) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Hung,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Outcome::Fail("the scenario thread ended without an outcome".into())
        }
    }
}

/// The engine every TCK scenario runs on: a fresh in-memory database.
fn fresh_database() -> Box<dyn runner::Engine> {
    Box::new(DbEngine::new(QUERY_TIMEOUT))
}

/// Tallies for one file or a total.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    results_passed: usize,
    results: usize,
    errors_passed: usize,
    errors: usize,
}

impl Tally {
    fn add(&mut self, expects_error: bool, passed: bool) {
        if expects_error {
            self.errors += 1;
            self.errors_passed += usize::from(passed);
        } else {
            self.results += 1;
            self.results_passed += usize::from(passed);
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "results {:>3}/{:<3}  errors {:>3}/{:<3}",
            self.results_passed, self.results, self.errors_passed, self.errors
        )
    }
}

/// Reads the ratchet: every line that is not blank and not a `#` comment.
fn read_ratchet(path: &Path) -> Result<BTreeSet<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn write_ratchet(path: &Path, passing: &BTreeSet<String>) -> Result<(), String> {
    let mut text = String::from(
        "# openCypher TCK scenarios of this group that pass: feature :: scenario [:: example row, from 1].\n\
         # Regenerate with CLAIMGRAPH_TCK_UPDATE=1 (see tests/tck.rs) and review the diff.\n",
    );
    for key in passing {
        text.push_str(key);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Loads the cases of the feature files named in a tier-1 list.
fn load_cases(tck: &Path, list: &str, part: Part, problems: &mut Vec<String>) -> Vec<(Part, Case)> {
    let list_path = tck.join(list);
    let listing = match std::fs::read_to_string(&list_path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", list_path.display()));
            return Vec::new();
        }
    };
    let files: Vec<String> = listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    load_files(tck, &files, part, problems)
}

/// Loads the cases of every feature file in `folder` (under `features`), by name.
fn load_folder(
    tck: &Path,
    folder: &str,
    part: Part,
    problems: &mut Vec<String>,
) -> Vec<(Part, Case)> {
    let dir = tck.join("features").join(folder);
    let mut files: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".feature"))
            .map(|n| format!("{folder}/{n}"))
            .collect(),
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", dir.display()));
            return Vec::new();
        }
    };
    files.sort();
    load_files(tck, &files, part, problems)
}

fn load_files(
    tck: &Path,
    files: &[String],
    part: Part,
    problems: &mut Vec<String>,
) -> Vec<(Part, Case)> {
    let mut cases = Vec::new();
    for file in files {
        let file = file.as_str();
        let path = tck.join("features").join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("cannot read {}: {e}", path.display()));
                continue;
            }
        };
        let feature = match gherkin::parse_feature(&text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{file}: {e}"));
                continue;
            }
        };
        for scenario in &feature.scenarios {
            match Case::new(file, scenario) {
                Ok(case) => cases.push((part, case)),
                Err(e) => problems.push(format!("{file}: scenario `{}`: {e}", scenario.name)),
            }
        }
    }
    cases
}

/// Where the TCK is; `None` (after saying so) when it is not given outside CI.
fn tck_or_skip(test: &str) -> Option<PathBuf> {
    let tck = tck_dir();
    if tck.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the TCK did not run: set CLAIMGRAPH_SHARED (or CLAIMGRAPH_TCK) in CI");
        }
        println!("{test} did not run: set CLAIMGRAPH_SHARED (or CLAIMGRAPH_TCK) to run the TCK");
    }
    tck
}

#[test]
fn tck_tier1() {
    let Some(tck) = tck_or_skip("tck_tier1") else {
        return;
    };
    // Problems in the runner or the TCK files: reported, and they fail the test.
    let mut problems: Vec<String> = Vec::new();
    let mut cases = load_cases(&tck, "tck-tier1-read.txt", Part::Read, &mut problems);
    cases.extend(load_cases(
        &tck,
        "tck-tier1-write.txt",
        Part::Write,
        &mut problems,
    ));
    for (folder, part) in EXTRA_FOLDERS {
        cases.extend(load_folder(&tck, folder, *part, &mut problems));
    }
    run_group(&tck, "tier 1", cases, "passing.txt", problems);
}

/// The temporal features (`expressions/temporal`), a ratchet of their own in
/// `tests/tck/passing-temporal.txt`.
#[test]
fn tck_temporal() {
    let Some(tck) = tck_or_skip("tck_temporal") else {
        return;
    };
    let mut problems: Vec<String> = Vec::new();
    let cases = load_folder(&tck, "expressions/temporal", Part::Temporal, &mut problems);
    run_group(&tck, "temporal", cases, "passing-temporal.txt", problems);
}

/// Every feature file that neither tier 1 nor the other groups run (most of
/// `expressions/`, `useCases/`, the clause files beyond tier 1), a ratchet of its own in
/// `tests/tck/passing-beyond.txt`. With the groups above, the whole TCK runs.
#[test]
fn tck_beyond() {
    let Some(tck) = tck_or_skip("tck_beyond") else {
        return;
    };
    let mut problems: Vec<String> = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for list in ["tck-tier1-read.txt", "tck-tier1-write.txt"] {
        match std::fs::read_to_string(tck.join(list)) {
            Ok(text) => taken.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            ),
            Err(e) => problems.push(format!("cannot read {list}: {e}")),
        }
    }
    let mut groups: Vec<&str> = EXTRA_FOLDERS.iter().map(|(f, _)| *f).collect();
    groups.push("expressions/temporal");
    let mut files = Vec::new();
    feature_files(&tck.join("features"), "", &mut files, &mut problems);
    files.retain(|f| !taken.contains(f) && !groups.iter().any(|g| f.starts_with(&format!("{g}/"))));
    files.sort();
    let cases = load_files(&tck, &files, Part::Beyond, &mut problems);
    run_group(&tck, "beyond tier 1", cases, "passing-beyond.txt", problems);
}

/// The feature files under `dir`, as paths relative to `features` (`prefix` is `dir`'s).
fn feature_files(dir: &Path, prefix: &str, out: &mut Vec<String>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(format!("cannot read {}: {e}", dir.display()));
            return;
        }
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if entry.path().is_dir() {
            feature_files(&entry.path(), &rel, out, problems);
        } else if name.ends_with(".feature") {
            out.push(rel);
        }
    }
}

/// Runs a group's cases, prints the tallies, and checks (or rewrites) its ratchet.
fn run_group(
    tck: &Path,
    title: &str,
    mut cases: Vec<(Part, Case)>,
    ratchet: &str,
    mut problems: Vec<String>,
) {
    install_panic_hook();
    let started = Instant::now();
    let update = env_flag("CLAIMGRAPH_TCK_UPDATE");
    let verbose = env_flag("CLAIMGRAPH_TCK_VERBOSE");
    let filter = std::env::var("CLAIMGRAPH_TCK_FILTER").unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (_, case) in &cases {
        if !seen.insert(case.key.clone()) {
            problems.push(format!("two scenarios share the key `{}`", case.key));
        }
    }
    if !filter.is_empty() {
        if update {
            panic!("CLAIMGRAPH_TCK_UPDATE cannot be combined with CLAIMGRAPH_TCK_FILTER");
        }
        cases.retain(|(_, c)| c.key.contains(&filter));
    }

    let graphs = Arc::new(Graphs::new(tck.join("graphs")));
    let mut outcomes: Vec<(Part, Case, Outcome)> = Vec::with_capacity(cases.len());
    for (part, case) in cases {
        let outcome = run_isolated(&case.actions, &graphs, fresh_database, SCENARIO_LIMIT);
        outcomes.push((part, case, outcome));
    }

    let bugs = print_summary(tck, title, &outcomes, started, verbose);
    let path = ratchet_path(ratchet);
    let regressions = apply_ratchet(&outcomes, &path, update, !filter.is_empty(), &mut problems);

    let mut failure = String::new();
    for (heading, lines) in [
        ("the TCK runner could not read everything:", &problems),
        (
            "the engine panicked or hung (a bug whether or not the scenario is in the ratchet):",
            &bugs,
        ),
        (
            &format!("scenarios listed in tests/tck/{ratchet} no longer pass:"),
            &regressions,
        ),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(failure, "{heading}");
            for line in lines {
                let _ = writeln!(failure, "  {line}");
            }
        }
    }
    assert!(failure.is_empty(), "{failure}");
}

/// Prints the per-file and total tallies (and, when verbose, every failure); returns the
/// panics and hangs, each on one line.
fn print_summary(
    tck: &Path,
    title: &str,
    outcomes: &[(Part, Case, Outcome)],
    started: Instant,
    verbose: bool,
) -> Vec<String> {
    let mut per_file: BTreeMap<(Part, &str), Tally> = BTreeMap::new();
    let mut totals: BTreeMap<Part, Tally> = BTreeMap::new();
    let mut failures = String::new();
    let mut bugs = Vec::new();
    let (mut panics, mut hangs) = (0, 0);
    for (part, case, outcome) in outcomes {
        let passed = matches!(outcome, Outcome::Pass);
        let error = case.expects_error();
        per_file
            .entry((*part, case.feature.as_str()))
            .or_default()
            .add(error, passed);
        totals.entry(*part).or_default().add(error, passed);
        match outcome {
            Outcome::Pass => {}
            Outcome::Panic(message) => {
                panics += 1;
                bugs.push(format!("PANIC {}: {message}", case.key));
            }
            Outcome::Hung => {
                hangs += 1;
                bugs.push(format!(
                    "HUNG  {}: still running after {SCENARIO_LIMIT:?}",
                    case.key
                ));
            }
            Outcome::Fail(reason) => {
                if verbose {
                    let _ = writeln!(failures, "FAIL {} (line {}): {reason}", case.key, case.line);
                }
            }
        }
    }
    println!("openCypher TCK, {title} ({})", tck.display());
    for ((part, file), tally) in &per_file {
        println!("  {:<5} {file:<66} {tally}", part.name());
    }
    for (part, tally) in &totals {
        println!("TOTAL {:<5} {tally}", part.name());
    }
    println!(
        "{} scenarios in {:.1?}; {panics} panics, {hangs} hung",
        outcomes.len(),
        started.elapsed(),
    );
    print!("{failures}");
    for bug in &bugs {
        println!("{bug}");
    }
    bugs
}

/// Checks the outcomes against `tests/tck/passing.txt`, or rewrites it when `update` is
/// set. Returns the listed scenarios that no longer pass. With a filter, listed scenarios
/// that did not run are not counted as lost.
fn apply_ratchet(
    outcomes: &[(Part, Case, Outcome)],
    path: &Path,
    update: bool,
    filtered: bool,
    problems: &mut Vec<String>,
) -> Vec<String> {
    let passing: BTreeSet<String> = outcomes
        .iter()
        .filter(|(_, _, o)| matches!(o, Outcome::Pass))
        .map(|(_, c, _)| c.key.clone())
        .collect();
    let listed = match read_ratchet(path) {
        Ok(l) => l,
        Err(e) => {
            problems.push(e);
            return Vec::new();
        }
    };
    if update {
        // A run that could not read every scenario would drop them from the list.
        if !problems.is_empty() {
            problems.push(format!("{} was not rewritten", path.display()));
            return Vec::new();
        }
        if let Err(e) = write_ratchet(path, &passing) {
            problems.push(e);
        }
        println!(
            "rewrote {} with {} scenarios ({} added, {} removed)",
            path.display(),
            passing.len(),
            passing.difference(&listed).count(),
            listed.difference(&passing).count(),
        );
        return Vec::new();
    }
    let ran: BTreeMap<&str, &Outcome> = outcomes
        .iter()
        .map(|(_, c, o)| (c.key.as_str(), o))
        .collect();
    let mut regressions = Vec::new();
    for key in &listed {
        match ran.get(key.as_str()) {
            Some(Outcome::Pass) => {}
            Some(Outcome::Fail(reason)) => regressions.push(format!("{key}: {reason}")),
            Some(Outcome::Panic(m)) => regressions.push(format!("{key}: panicked: {m}")),
            Some(Outcome::Hung) => regressions.push(format!("{key}: hung")),
            None if !filtered => {
                regressions.push(format!("{key}: not found among the scenarios of its group"))
            }
            None => {}
        }
    }
    let new: Vec<&String> = passing.difference(&listed).collect();
    if !new.is_empty() {
        println!(
            "{} scenarios pass that {} does not list; run with CLAIMGRAPH_TCK_UPDATE=1 to add them:",
            new.len(),
            path.display()
        );
        for key in new.iter().take(20) {
            println!("  + {key}");
        }
        if new.len() > 20 {
            println!("  … and {} more", new.len() - 20);
        }
    }
    regressions
}
