//! `Database`: one open store, shared by the Python threads that use it.
//!
//! Engine work runs on the database's own long-lived worker thread, fed jobs
//! through a channel, while the calling thread waits with the GIL released and
//! polls for signals: a `KeyboardInterrupt` trips the query's [`Cancel`] flag,
//! the engine stops and rolls back, and the interrupt is raised. One worker per
//! database (and one mutex around the engine) lets several threads share it;
//! their calls run one at a time. Reusing one thread rather than starting one
//! per call keeps a trivial query's overhead from Python small.
//!
//! A store another claimgraph process holds is worked on through its holder
//! ([`crate::held`]): the same calls, the same worker thread and the same
//! Ctrl-C, with each operation sent as a typed call instead of run here.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use claimgraph::export::{self, ExportFormat};
use claimgraph::share::calls::{self, Call};
use claimgraph::{Cancel, Format, Params, Value};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::{from_py, value_to_py};
use crate::errors::{self, to_pyerr, StoreError, StoreInUse};
use crate::held::{self, Backend};
use crate::result::QueryResultPy;

type Engine = claimgraph::Database;
type Slot = Arc<Mutex<Option<Backend>>>;
/// One piece of engine work, run on the worker thread.
type Job = Box<dyn FnOnce(&Slot) + Send>;

/// The engine (or the holder) behind a `Database`, `None` once closed.
pub struct Shared {
    engine: Slot,
    /// Feeds the worker thread; the worker ends when this is dropped.
    jobs: mpsc::Sender<Job>,
    read_only: bool,
    /// The store's directory, canonical, while it is open; `None` in memory.
    path: Option<PathBuf>,
}

/// The engine, whatever a panicking thread left behind: every change goes
/// through a transaction, so a panic mid-query has left nothing half done.
fn lock_slot(slot: &Slot) -> MutexGuard<'_, Option<Backend>> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Starts the worker thread of `engine`.
    fn start(engine: Backend, read_only: bool, path: Option<PathBuf>) -> PyResult<Self> {
        let slot: Slot = Arc::new(Mutex::new(Some(engine)));
        let (jobs, inbox) = mpsc::channel::<Job>();
        let worker_slot = slot.clone();
        std::thread::Builder::new()
            .name("claimgraph-db".into())
            .spawn(move || {
                while let Ok(job) = inbox.recv() {
                    job(&worker_slot);
                }
            })
            .map_err(|e| {
                PyRuntimeError::new_err(format!("cannot start the database's thread: {e}"))
            })?;
        Ok(Shared {
            engine: slot,
            jobs,
            read_only,
            path,
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Option<Backend>> {
        lock_slot(&self.engine)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // No job runs now (every call waits for its own), so the store closes
        // here, before its path is free for another `Database`.
        drop(self.lock().take());
        if let Some(path) = &self.path {
            open_paths().remove(path);
        }
    }
}

/// The stores this process has open: a second `Database` on one of them is
/// refused, as a second process is.
fn open_paths() -> MutexGuard<'static, HashSet<PathBuf>> {
    static OPEN: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    OPEN.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Why engine work did not give a value.
enum Failure {
    Engine(claimgraph::Error),
    /// An operation that cannot go through the holder of a held store.
    NotHere(&'static str),
    Closed,
    Panicked,
}

impl From<claimgraph::Error> for Failure {
    fn from(e: claimgraph::Error) -> Self {
        Failure::Engine(e)
    }
}

/// A claimgraph store, opened in this process.
///
/// `Database(path)` opens (or creates) the store in directory `path`;
/// `Database(":memory:")` keeps everything in memory. Use it as a context
/// manager, or call `close()`. A store that a claimgraph shell or `serve`
/// holds is worked on through that process's socket, with the same API and
/// results (`held` is then true); once that process has gone, the next call
/// opens the store here.
#[pyclass(module = "claimgraph", frozen)]
pub struct Database {
    shared: Arc<Shared>,
}

impl Database {
    /// Runs `work` on the engine's worker thread, with the GIL released,
    /// polling for signals until it ends; a signal's exception (KeyboardInterrupt)
    /// cancels the work and is raised once it has stopped.
    fn run<T: Send + 'static>(
        &self,
        py: Python<'_>,
        cancel: &Cancel,
        work: impl FnOnce(&mut Backend, &Cancel) -> Result<T, Failure> + Send + 'static,
    ) -> PyResult<T> {
        let (done_tx, mut done_rx) = mpsc::sync_channel::<Result<T, Failure>>(1);
        let worker_cancel = cancel.clone();
        let job: Job = Box::new(move |slot: &Slot| {
            let outcome = catch_unwind(AssertUnwindSafe(|| match lock_slot(slot).as_mut() {
                Some(engine) => work(engine, &worker_cancel),
                None => Err(Failure::Closed),
            }))
            .unwrap_or(Err(Failure::Panicked));
            let _ = done_tx.send(outcome);
        });
        let mut outcome = Err(Failure::Panicked);
        let mut interrupt = None;
        if self.shared.jobs.send(job).is_ok() {
            loop {
                // The receiver is not `Sync`: it goes into the detached closure and back.
                let (waited, rx) = py.detach(move || {
                    let waited = done_rx.recv_timeout(Duration::from_millis(20));
                    (waited, done_rx)
                });
                done_rx = rx;
                match waited {
                    Ok(v) => {
                        outcome = v;
                        break;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => {}
                }
                if interrupt.is_none() {
                    if let Err(e) = py.check_signals() {
                        cancel.cancel();
                        interrupt = Some(e);
                    }
                }
            }
        }
        if let Some(e) = interrupt {
            return Err(e);
        }
        match outcome {
            Ok(v) => Ok(v),
            Err(Failure::Engine(e)) => Err(to_pyerr(py, &e)),
            Err(Failure::NotHere(what)) => Err(errors::plain(
                py,
                StoreInUse::new_err(format!(
                    "{what} needs the store opened in this process, and another claimgraph process holds it (see Database.held): run it once that process has closed the store"
                )),
                "store_in_use",
            )),
            Err(Failure::Closed) => Err(errors::plain(
                py,
                StoreError::new_err("the database is closed"),
                "closed",
            )),
            Err(Failure::Panicked) => Err(errors::plain(
                py,
                errors::Error::new_err(
                    "internal error: the engine failed; nothing was written (please report this)",
                ),
                "internal",
            )),
        }
    }

    fn refuse_if_read_only(&self, py: Python<'_>, what: &str) -> PyResult<()> {
        if self.shared.read_only {
            return Err(errors::plain(
                py,
                StoreError::new_err(format!(
                    "the database was opened with read_only=True, and {what} writes; open it without read_only to write"
                )),
                "read_only",
            ));
        }
        Ok(())
    }
}

/// Parameters from a dict of names to values.
fn params_from(params: Option<&Bound<'_, PyAny>>) -> PyResult<Params> {
    let mut out = Params::new();
    let Some(params) = params else {
        return Ok(out);
    };
    if params.is_none() {
        return Ok(out);
    }
    let dict = params.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err("params must be a dict from parameter names to values")
    })?;
    for (k, v) in dict.iter() {
        let Ok(name) = k.cast::<PyString>() else {
            return Err(PyTypeError::new_err("parameter names must be strings"));
        };
        let name = name.extract::<String>()?;
        let value = from_py(&v, &format!("${name}"))?;
        out.insert(name, value);
    }
    Ok(out)
}

/// Parameters as a call carries them.
fn wire_params(params: &Params) -> Vec<(String, Value)> {
    params.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The engine of a store open here: after [`Backend::through_holder`] has
/// answered `None`, the store is open in process.
fn local(backend: &mut Backend) -> Result<&mut Engine, Failure> {
    backend.local().ok_or(Failure::Panicked)
}

/// A record of counts (a map value) as a dict.
fn counts_dict<'py>(py: Python<'py>, counts: &Value) -> PyResult<Bound<'py, PyDict>> {
    Ok(value_to_py(py, counts)?
        .into_bound(py)
        .cast_into::<PyDict>()?)
}

fn cancel_for(timeout: Option<f64>) -> PyResult<Cancel> {
    match timeout {
        None => Ok(Cancel::new()),
        Some(t) if t.is_finite() && t >= 0.0 => {
            Ok(Cancel::with_timeout(Duration::from_secs_f64(t)))
        }
        Some(t) => Err(PyValueError::new_err(format!(
            "timeout must be a number of seconds, zero or more, not {t}"
        ))),
    }
}

fn parse_format(format: Option<&str>) -> PyResult<Option<Format>> {
    match format.map(|f| f.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(f) if f == "triples" => Ok(Some(Format::Triples)),
        Some(f) if f == "jsonl" => Ok(Some(Format::Jsonl)),
        Some(f) => Err(PyValueError::new_err(format!(
            "unknown import format {f:?}; expected \"triples\" or \"jsonl\""
        ))),
    }
}

#[pymethods]
impl Database {
    #[new]
    #[pyo3(signature = (path, read_only=false))]
    fn new(py: Python<'_>, path: PathBuf, read_only: bool) -> PyResult<Self> {
        if path.as_os_str() == ":memory:" {
            let engine = Backend::Local(Engine::in_memory());
            return Ok(Database {
                shared: Arc::new(Shared::start(engine, read_only, None)?),
            });
        }
        let key = std::fs::canonicalize(&path)
            .unwrap_or_else(|_| std::path::absolute(&path).unwrap_or(path.clone()));
        if !open_paths().insert(key.clone()) {
            return Err(errors::plain(
                py,
                StoreInUse::new_err(format!(
                    "the store {} is already open in this process (only one Database can open a store at a time; share that one between threads)",
                    path.display()
                )),
                "store_in_use",
            ));
        }
        match py.detach(|| Backend::open(&path)) {
            Ok(engine) => match Shared::start(engine, read_only, Some(key.clone())) {
                Ok(shared) => Ok(Database {
                    shared: Arc::new(shared),
                }),
                Err(e) => {
                    open_paths().remove(&key);
                    Err(e)
                }
            },
            Err(e) => {
                open_paths().remove(&key);
                Err(to_pyerr(py, &e))
            }
        }
    }

    /// The store's directory, or `":memory:"`.
    #[getter]
    fn path(&self) -> String {
        match &self.shared.path {
            Some(p) => p.display().to_string(),
            None => ":memory:".to_string(),
        }
    }

    #[getter]
    fn read_only(&self) -> bool {
        self.shared.read_only
    }

    /// Whether another claimgraph process (a shell, `serve`) holds the store,
    /// so that this database works on it through that process's socket.
    #[getter]
    fn held(&self) -> bool {
        self.shared.lock().as_ref().is_some_and(Backend::is_held)
    }

    /// Runs one openCypher query. `params` maps names (without `$`) to values;
    /// `timeout` is in seconds. A query that writes commits as one transaction,
    /// or (on an error, a timeout or Ctrl-C) writes nothing. `as_of` (an ISO
    /// 8601 date) answers as the articles dated on or before it tell it;
    /// `at_tx` from the store as it was after that transaction; both are
    /// read-only views, like `--as-of` and `--at-tx`.
    #[pyo3(signature = (text, params=None, *, timeout=None, as_of=None, at_tx=None))]
    #[allow(clippy::too_many_arguments)]
    fn query(
        &self,
        py: Python<'_>,
        text: &str,
        params: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
        as_of: Option<String>,
        at_tx: Option<u64>,
    ) -> PyResult<QueryResultPy> {
        let params = params_from(params)?;
        let cancel = cancel_for(timeout)?;
        if self.shared.read_only {
            if let Ok(statement) = claimgraph::query::parser::parse(text) {
                if let Some(clause) = export::write_clause(&statement) {
                    self.refuse_if_read_only(py, &format!("this query ({clause})"))?;
                }
            }
        }
        let text = text.to_string();
        let timeout_ms = timeout.map(|t| (t * 1000.0).ceil() as u64);
        let (result, endpoints) = self.run(py, &cancel, move |backend, cancel| {
            let call = || {
                Ok(Call::Query {
                    text: text.clone(),
                    params: wire_params(&params),
                    as_of: as_of.clone(),
                    at_tx,
                    timeout_ms,
                })
            };
            if let Some(answer) = backend.through_holder(call, cancel)? {
                return Ok(answer.into_result()?);
            }
            let engine = local(backend)?;
            let result = match engine.view(as_of.as_deref(), at_tx)? {
                Some(mut view) => view.query_with(&text, &params, cancel)?,
                None => engine.query_with(&text, &params, cancel)?,
            };
            Ok((result, Vec::new()))
        })?;
        Ok(QueryResultPy::new(result, endpoints, self.shared.clone()))
    }

    /// Imports one `.triples` or `.jsonl` file (its format from its extension
    /// unless `format` is given) as one transaction; returns what it added.
    #[pyo3(signature = (path, format=None))]
    fn import_file<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        format: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.refuse_if_read_only(py, "an import")?;
        let format = parse_format(format)?;
        let summary = self.run(py, &Cancel::new(), move |backend, cancel| {
            if let Some(answer) =
                backend.through_holder(|| held::import_file_call(&path, format), cancel)?
            {
                return Ok(answer.into_counts()?);
            }
            let summary = local(backend)?.import_file(&path, format, None)?;
            Ok(calls::counts_value(&summary)?)
        })?;
        counts_dict(py, &summary)
    }

    /// Imports JSON Lines records given as dicts (`{"article": {...}}`,
    /// `{"entity": {...}}`, `{"triple": {...}}`), all in one transaction. Errors
    /// name the record by its position, 1-based, as `records:N:COLUMN`.
    fn import_records<'py>(
        &self,
        py: Python<'py>,
        records: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        self.refuse_if_read_only(py, "an import")?;
        let mut text = String::new();
        for (i, record) in records.try_iter()?.enumerate() {
            let record = record?;
            let place = format!("record {}", i + 1);
            if !record.is_instance_of::<PyDict>() {
                return Err(PyTypeError::new_err(format!(
                    "{place}: each record must be a dict, not {}",
                    record.get_type().name()?
                )));
            }
            let value = from_py(&record, &place)?;
            text.push_str(&value.to_json().to_string());
            text.push('\n');
        }
        let summary = self.run(py, &Cancel::new(), move |backend, cancel| {
            let call = || {
                Ok(Call::Import {
                    name: "records".into(),
                    bytes: text.as_bytes().to_vec(),
                    format: Format::Jsonl,
                })
            };
            if let Some(answer) = backend.through_holder(call, cancel)? {
                return Ok(answer.into_counts()?);
            }
            let engine = local(backend)?;
            let summary = engine.import_bytes("records", text.as_bytes(), Format::Jsonl, None)?;
            Ok(calls::counts_value(&summary)?)
        })?;
        counts_dict(py, &summary)
    }

    /// Exports the whole graph, or the subgraph of `query`'s rows, in `format`
    /// (json, dot, svg, graphml, nquads, cypher, claimreview, neo4j-csv,
    /// parquet). Without `path` the text is returned; with one it is written
    /// there atomically (neo4j-csv and parquet write a directory and return a
    /// line saying how to load it).
    #[pyo3(signature = (format, path=None, query=None, params=None))]
    fn export(
        &self,
        py: Python<'_>,
        format: &str,
        path: Option<PathBuf>,
        query: Option<String>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<String>> {
        let name = format.to_string();
        let format: ExportFormat = format.parse().map_err(PyValueError::new_err)?;
        let params = params_from(params)?;
        if format.writes_directory() && path.is_none() {
            return Err(PyValueError::new_err(format!(
                "the {format} export writes a directory of files: give path=DIR"
            )));
        }
        self.run(py, &Cancel::new(), move |backend, cancel| {
            let call = || {
                Ok(Call::Export {
                    format: name,
                    path: path.as_deref().map(held::absolute),
                    query: query.clone(),
                    params: wire_params(&params),
                })
            };
            if let Some(answer) = backend.through_holder(call, cancel)? {
                return Ok(answer.into_text()?);
            }
            let engine = local(backend)?;
            Ok(calls::export(
                engine,
                format,
                path.as_deref(),
                query.as_deref(),
                &params,
                cancel,
            )?)
        })
    }

    /// Counts of what the store holds: nodes, relationships, articles, and
    /// nodes per label and relationships per type.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.run(py, &Cancel::new(), |backend, cancel| {
            if let Some(answer) = backend.through_holder(|| Ok(Call::Stats), cancel)? {
                return Ok(answer.into_counts()?);
            }
            Ok(calls::counts_value(&local(backend)?.stats())?)
        })?;
        counts_dict(py, &stats)
    }

    /// For the benchmark (`benches/python_bench.py`): runs `text` `n` times in
    /// the engine (`claimgraph::Database::query`, on this database's worker
    /// thread), with no Python in between, and returns each run's seconds.
    fn _time_native(&self, py: Python<'_>, text: &str, n: u32) -> PyResult<Vec<f64>> {
        let text = text.to_string();
        self.run(py, &Cancel::new(), move |backend, _| {
            let engine = backend
                .local()
                .ok_or(Failure::NotHere("timing queries in the engine"))?;
            let params = Params::new();
            let mut times = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let start = std::time::Instant::now();
                engine.query(&text, &params)?;
                times.push(start.elapsed().as_secs_f64());
            }
            Ok(times)
        })
    }

    /// Closes the store; everything was durable already. Later calls raise
    /// `StoreError`. Closing twice does nothing.
    fn close(&self, py: Python<'_>) {
        let engine = py.detach(|| self.shared.lock().take());
        if let Some(engine) = engine {
            py.detach(|| drop(engine));
        }
        if let Some(path) = &self.shared.path {
            open_paths().remove(path);
        }
    }

    #[getter]
    fn closed(&self) -> bool {
        self.shared.lock().is_none()
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        format!("<claimgraph.Database {:?}>", self.path())
    }
}
