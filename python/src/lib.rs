//! The `claimgraph` Python module: the engine in process.
//!
//! - [`database`]: `Database`, running engine work off the Python thread with
//!   the GIL released, cancellable by Ctrl-C.
//! - [`result`]: `Result`, converted to Python only when asked; its frame and
//!   graph methods live in `claimgraph/_frames.py`.
//! - [`convert`]: values both ways, in one place.
//! - [`graph_types`]: `Node`, `Relationship`, `Path`.
//! - [`arrow`]: scalar columns as Arrow arrays through the C data interface.
//! - [`errors`]: the exceptions, and the one adapter from the crate's errors.
//! - [`held`]: a store another claimgraph process holds, worked on through
//!   its socket with the same results and errors.

mod arrow;
mod convert;
mod database;
mod errors;
mod graph_types;
mod held;
mod result;

use pyo3::prelude::*;

#[pymodule]
fn _claimgraph(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<database::Database>()?;
    m.add_class::<result::QueryResultPy>()?;
    m.add_class::<graph_types::Node>()?;
    m.add_class::<graph_types::Relationship>()?;
    m.add_class::<graph_types::Path>()?;
    m.add("Error", py.get_type::<errors::Error>())?;
    m.add("QueryError", py.get_type::<errors::QueryError>())?;
    m.add("ImportFailed", py.get_type::<errors::ImportFailed>())?;
    m.add(
        "ConstraintViolation",
        py.get_type::<errors::ConstraintViolation>(),
    )?;
    m.add("QueryCancelled", py.get_type::<errors::QueryCancelled>())?;
    m.add(
        "ResourceLimitExceeded",
        py.get_type::<errors::ResourceLimitExceeded>(),
    )?;
    m.add("StoreError", py.get_type::<errors::StoreError>())?;
    m.add("StoreInUse", py.get_type::<errors::StoreInUse>())?;
    m.add("StoreFull", py.get_type::<errors::StoreFull>())?;
    m.add("FileError", py.get_type::<errors::FileError>())?;
    Ok(())
}
