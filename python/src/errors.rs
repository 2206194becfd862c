//! The exceptions of the module, and the one adapter from the crate's errors to them.
//!
//! Every exception derives from `claimgraph.Error` and carries `kind`, `detail`,
//! `phase`, `message`, `line`, `column`, `file` and `diagnostics`; `str(e)` is
//! the full text the CLI prints, caret included. A query error's `kind` is the
//! openCypher TCK kind (`SyntaxError`, `SemanticError`, `TypeError`, ...), with
//! the TCK detail (`UndefinedVariable`, ...) and phase (`compile time` or
//! `runtime`); other errors have a kind of their own and no detail or phase.
//! New error kinds of the crate are mapped in [`to_pyerr`] and nowhere else.

use claimgraph::error::{Diagnostic, Error as CrateError};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

create_exception!(
    claimgraph,
    Error,
    PyException,
    "Base class of every claimgraph error: has kind, detail, phase, message, line, column, file and diagnostics."
);
create_exception!(
    claimgraph,
    QueryError,
    Error,
    "A query that does not parse or cannot run; kind is the openCypher TCK kind ('SyntaxError', 'SemanticError', 'TypeError', 'ArgumentError', 'EntityNotFound', 'ParameterMissing', 'ProcedureError'), detail the TCK detail ('UndefinedVariable', ...) or None, phase 'compile time' or 'runtime'."
);
create_exception!(
    claimgraph,
    ImportFailed,
    Error,
    "An import file or record that does not parse or breaks the format's rules (kind 'input'). Nothing was imported."
);
create_exception!(
    claimgraph,
    ConstraintViolation,
    Error,
    "A write that would break a rule of the domain model (kind 'ConstraintVerificationFailed', phase 'runtime'). Nothing was written."
);
create_exception!(
    claimgraph,
    QueryCancelled,
    Error,
    "A query stopped by its timeout (kind 'cancelled'). Nothing was written."
);
create_exception!(
    claimgraph,
    ResourceLimitExceeded,
    Error,
    "A query that would use more memory than allowed (kind 'resource_limit')."
);
create_exception!(
    claimgraph,
    StoreError,
    Error,
    "The store cannot be opened or used: damaged, of another format version, closed, read-only, or failing (kinds 'corrupt', 'format_version', 'storage', 'closed', 'read_only', 'device_io', 'unusable', 'no_store')."
);
create_exception!(
    claimgraph,
    StoreFull,
    StoreError,
    "The device holding the store is full (kind 'no_space'): the transaction that met it wrote nothing."
);
create_exception!(
    claimgraph,
    StoreInUse,
    StoreError,
    "Another process has the store open (kind 'store_in_use'): one process opens a store at a time."
);
create_exception!(
    claimgraph,
    FileError,
    Error,
    "A file that cannot be read or written (kind 'io')."
);

/// The positions of an error: the first diagnostic's, and every diagnostic.
fn diagnostics_of(err: &CrateError) -> Vec<&Diagnostic> {
    match err {
        CrateError::Input(d) => d.items.iter().collect(),
        CrateError::Query {
            diagnostic: Some(d),
            ..
        } => vec![d.as_ref()],
        _ => Vec::new(),
    }
}

/// Maps a crate error to its exception: the one place that knows the kinds.
pub fn to_pyerr(py: Python<'_>, err: &CrateError) -> PyErr {
    let diagnostics = diagnostics_of(err);
    let first = diagnostics.first();
    let text = err.to_string();
    let store = |kind: &'static str| (StoreError::new_err(text.clone()), kind);
    let (exc, kind): (PyErr, &str) = match err {
        CrateError::Input(_) => {
            // A query typed by the user has no file name; an import file has one.
            if first.is_some_and(|d| d.file.is_none()) {
                (QueryError::new_err(text.clone()), "")
            } else {
                (ImportFailed::new_err(text.clone()), "input")
            }
        }
        CrateError::Reported => (ImportFailed::new_err(text.clone()), "input"),
        CrateError::Query { .. } => (QueryError::new_err(text.clone()), ""),
        CrateError::Constraint(_) => (ConstraintViolation::new_err(text.clone()), ""),
        CrateError::Cancelled(_) => (QueryCancelled::new_err(text.clone()), "cancelled"),
        CrateError::ResourceLimit(_) => (
            ResourceLimitExceeded::new_err(text.clone()),
            "resource_limit",
        ),
        CrateError::StoreLocked { .. } => (StoreInUse::new_err(text.clone()), "store_in_use"),
        CrateError::NoSpace { .. } => (StoreFull::new_err(text.clone()), "no_space"),
        CrateError::FormatVersion { .. } => store("format_version"),
        CrateError::Corrupt(_) => store("corrupt"),
        CrateError::History(_) => (QueryError::new_err(text.clone()), "history"),
        CrateError::Storage(_) => store("storage"),
        CrateError::DeviceIo { .. } => store("device_io"),
        CrateError::ReadOnly { .. } => store("read_only"),
        CrateError::StoreUnusable { .. } => store("unusable"),
        CrateError::NoStore { .. } => store("no_store"),
        CrateError::Io { .. } | CrateError::Stream(_) => (FileError::new_err(text.clone()), "io"),
    };
    // A query's errors (its syntax, its running, a constraint it breaks) have
    // the TCK's kind, detail and phase; an import file's have none.
    let code = if kind.is_empty() { err.code() } else { None };
    let kind = match &code {
        Some(code) => code.kind().to_string(),
        None => kind.to_string(),
    };
    let message = match first {
        Some(d) => d.message.clone(),
        None => text,
    };
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| Position {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
        })
        .collect();
    let exc = annotate(py, exc, &kind, &message, &items);
    let value = exc.value(py);
    let detail = code.as_ref().and_then(|c| c.detail.name());
    let phase = code.as_ref().map(|c| c.phase().name());
    match value
        .setattr("detail", detail)
        .and_then(|()| value.setattr("phase", phase))
    {
        Ok(()) => exc,
        Err(e) => e,
    }
}

/// One place in the input, as the exception's `diagnostics` lists it.
pub struct Position {
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Sets the attributes every exception of the module carries.
pub fn annotate(
    py: Python<'_>,
    exc: PyErr,
    kind: &str,
    message: &str,
    items: &[Position],
) -> PyErr {
    let value = exc.value(py);
    let set = || -> PyResult<()> {
        value.setattr("kind", kind)?;
        value.setattr("detail", py.None())?;
        value.setattr("phase", py.None())?;
        value.setattr("message", message)?;
        let first = items.first();
        value.setattr("line", first.map(|p| p.line))?;
        value.setattr("column", first.map(|p| p.column))?;
        value.setattr("file", first.and_then(|p| p.file.clone()))?;
        let list = pyo3::types::PyList::empty(py);
        for p in items {
            let d = PyDict::new(py);
            d.set_item("file", p.file.clone())?;
            d.set_item("line", p.line)?;
            d.set_item("column", p.column)?;
            d.set_item("message", &p.message)?;
            list.append(d)?;
        }
        value.setattr("diagnostics", list)?;
        Ok(())
    };
    match set() {
        Ok(()) => exc,
        Err(e) => e,
    }
}

/// An error of the module itself (not the engine's), with no position.
pub fn plain(py: Python<'_>, exc: PyErr, kind: &str) -> PyErr {
    let message = exc.value(py).to_string();
    annotate(py, exc, kind, &message, &[])
}
