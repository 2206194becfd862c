//! `Result`: the answer to one query, converted to Python values only when
//! asked, row by row or column by column.

use std::sync::Arc;

use claimgraph::export::Subgraph;
use claimgraph::QueryResult;
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::arrow;
use crate::convert::{counts, result_to_py};
use crate::database::Shared;
use crate::graph_types::{Node, Relationship};
use crate::held::Backend;

/// The answer to one query: `columns`, rows as tuples (iterate, `rows()`,
/// `to_dicts()`), frames (`to_pandas()`, `to_arrow()`, `to_polars()`), a graph
/// (`to_networkx()`) and, for a write, `stats`.
#[pyclass(module = "claimgraph", frozen, name = "Result")]
pub struct QueryResultPy {
    result: QueryResult,
    /// The endpoints of the rows' relationships the rows do not hold, when the
    /// answer came from the holder of the store (else they are in `db`).
    endpoints: Vec<claimgraph::Node>,
    /// The store the answer came from, to complete relationships' endpoints.
    db: Arc<Shared>,
}

impl QueryResultPy {
    pub fn new(result: QueryResult, endpoints: Vec<claimgraph::Node>, db: Arc<Shared>) -> Self {
        QueryResultPy {
            result,
            endpoints,
            db,
        }
    }

    fn row<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyTuple>> {
        let row = &self.result.rows[i];
        let items = row
            .iter()
            .map(|v| result_to_py(py, v))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }
}

/// A subgraph's nodes and relationships, as Python objects.
type SubgraphParts = (Vec<Py<Node>>, Vec<Py<Relationship>>);

#[pymethods]
impl QueryResultPy {
    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.result.columns.clone()
    }

    /// What a write query changed (a dict of counts), or `None` for a read.
    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.result.stats.map(|s| counts(py, &s)).transpose()
    }

    /// The plan, for `EXPLAIN` and `PROFILE`; `None` otherwise.
    #[getter]
    fn plan(&self) -> Option<String> {
        self.result.plan.clone()
    }

    fn __len__(&self) -> usize {
        self.result.rows.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyTuple>> {
        let n = self.result.rows.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if i < 0 || i >= n {
            return Err(PyIndexError::new_err("result row index out of range"));
        }
        self.row(py, i as usize)
    }

    fn __iter__(slf: Bound<'_, Self>) -> RowIter {
        RowIter {
            result: slf.unbind(),
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Every row, as a list of tuples.
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = (0..self.result.rows.len())
            .map(|i| self.row(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// Every row, as a dict from column name to value.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for row in &self.result.rows {
            let d = PyDict::new(py);
            for (name, v) in self.result.columns.iter().zip(row) {
                d.set_item(name, result_to_py(py, v)?)?;
            }
            list.append(d)?;
        }
        Ok(list)
    }

    /// One column's values as a list (for the frame builders).
    fn _column<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyList>> {
        if index >= self.result.columns.len() {
            return Err(PyIndexError::new_err("column index out of range"));
        }
        let items = self
            .result
            .rows
            .iter()
            .map(|r| result_to_py(py, &r[index]))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// One column as a `pyarrow.Array` built without Python objects, or `None`
    /// when the column holds something other than one scalar type.
    fn _arrow_column<'py>(
        &self,
        py: Python<'py>,
        pyarrow: Bound<'py, PyAny>,
        index: usize,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if index >= self.result.columns.len() {
            return Err(PyIndexError::new_err("column index out of range"));
        }
        let rows = &self.result.rows;
        let Some(array) = py.detach(|| arrow::build_column(rows, index)) else {
            return Ok(None);
        };
        arrow::to_pyarrow(&pyarrow, array.as_ref()).map(Some)
    }

    /// The nodes and relationships of the rows (inside lists, maps and paths too),
    /// with both endpoints of every relationship, as (nodes, relationships).
    fn _subgraph<'py>(&self, py: Python<'py>) -> PyResult<SubgraphParts> {
        let result = &self.result;
        let subgraph = py.detach(|| match self.db.lock().as_mut().and_then(Backend::local) {
            Some(db) if self.endpoints.is_empty() => Subgraph::from_rows(db.graph(), result),
            // An answer from the holder of the store: the rows' own records,
            // completed by the endpoints it sent; a closed store's: the rows'.
            _ => claimgraph::share::calls::subgraph_of(result, &self.endpoints),
        });
        let nodes = subgraph
            .nodes
            .iter()
            .map(|n| Py::new(py, Node::from_model(py, n)?))
            .collect::<PyResult<_>>()?;
        let rels = subgraph
            .relationships
            .iter()
            .map(|r| Py::new(py, Relationship::from_model(py, r)?))
            .collect::<PyResult<_>>()?;
        Ok((nodes, rels))
    }

    /// The rows as a `pandas.DataFrame`, one column per result column.
    fn to_pandas<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames(slf.py())?.call_method1("to_pandas", (slf,))
    }

    /// The rows as a `pyarrow.Table`; scalar columns are built without a Python
    /// object per value.
    fn to_arrow<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames(slf.py())?.call_method1("to_arrow", (slf,))
    }

    /// The rows as a `polars.DataFrame` (through Arrow).
    fn to_polars<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames(slf.py())?.call_method1("to_polars", (slf,))
    }

    /// The subgraph of the nodes, relationships and paths in the rows, as a
    /// `networkx.MultiDiGraph`: node keys are ids, with `labels` and the
    /// properties as attributes; edges are keyed by relationship id, with
    /// `type` and the properties.
    fn to_networkx<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        frames(slf.py())?.call_method1("to_networkx", (slf,))
    }

    fn __repr__(&self) -> String {
        format!(
            "<claimgraph.Result columns={:?} rows={}>",
            self.result.columns,
            self.result.rows.len()
        )
    }
}

fn frames(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("claimgraph._frames")
}

/// Iterates a result's rows as tuples.
#[pyclass(module = "claimgraph", frozen)]
pub struct RowIter {
    result: Py<QueryResultPy>,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl RowIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let result = self.result.get();
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if i >= result.result.rows.len() {
            return Ok(None);
        }
        result.row(py, i).map(Some)
    }
}
