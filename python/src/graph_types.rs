//! `Node`, `Relationship` and `Path`: the graph records of a result, as Python
//! objects. They are snapshots: changing the store later does not change them.

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use claimgraph::value::Properties;

use crate::convert::value_to_py;

fn properties_dict(py: Python<'_>, props: &Properties) -> PyResult<Py<PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in props.iter() {
        dict.set_item(k, value_to_py(py, v)?)?;
    }
    Ok(dict.unbind())
}

fn item(py: Python<'_>, props: &Py<PyDict>, key: &str) -> PyResult<Py<PyAny>> {
    match props.bind(py).get_item(key)? {
        Some(v) => Ok(v.unbind()),
        None => Err(PyKeyError::new_err(key.to_string())),
    }
}

fn contains(py: Python<'_>, props: &Py<PyDict>, key: &str) -> PyResult<bool> {
    props.bind(py).contains(key)
}

fn get_or(
    py: Python<'_>,
    props: &Py<PyDict>,
    key: &str,
    default: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    Ok(match props.bind(py).get_item(key)? {
        Some(v) => v.unbind(),
        None => default.unwrap_or_else(|| py.None()),
    })
}

fn repr_props(py: Python<'_>, props: &Py<PyDict>) -> PyResult<String> {
    Ok(props.bind(py).repr()?.to_string())
}

/// A node: `id`, `labels`, `properties`, and `node["name"]` for one property.
#[pyclass(module = "claimgraph", frozen)]
pub struct Node {
    #[pyo3(get)]
    id: u64,
    labels: Vec<String>,
    props: Py<PyDict>,
}

impl Node {
    pub fn from_model(py: Python<'_>, n: &claimgraph::Node) -> PyResult<Self> {
        Ok(Node {
            id: n.id,
            labels: n.labels.clone(),
            props: properties_dict(py, &n.properties)?,
        })
    }
}

#[pymethods]
impl Node {
    /// The node's labels, in the order the store keeps them.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.labels.clone()
    }

    /// The node's properties, as a new dict.
    #[getter]
    fn properties<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.props.bind(py).copy()
    }

    fn __getitem__(&self, py: Python<'_>, key: &str) -> PyResult<Py<PyAny>> {
        item(py, &self.props, key)
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        contains(py, &self.props, key)
    }

    /// One property, or `default` when the node does not have it.
    #[pyo3(signature = (key, default=None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        get_or(py, &self.props, key, default)
    }

    /// The names of the node's properties.
    fn keys<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        self.props.bind(py).keys()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Node>().is_ok_and(|o| o.get().id == self.id)
    }

    fn __hash__(&self) -> u64 {
        self.id
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Node(id={}, labels={}, properties={})",
            self.id,
            PyList::new(py, &self.labels)?.repr()?,
            repr_props(py, &self.props)?
        ))
    }
}

/// A relationship: `id`, `type`, `start` and `end` (node ids), `properties`,
/// and `rel["article"]` for one property.
#[pyclass(module = "claimgraph", frozen)]
pub struct Relationship {
    #[pyo3(get)]
    id: u64,
    #[pyo3(get, name = "type")]
    rel_type: String,
    #[pyo3(get)]
    start: u64,
    #[pyo3(get)]
    end: u64,
    props: Py<PyDict>,
}

impl Relationship {
    pub fn from_model(py: Python<'_>, r: &claimgraph::Relationship) -> PyResult<Self> {
        Ok(Relationship {
            id: r.id,
            rel_type: r.rel_type.clone(),
            start: r.start,
            end: r.end,
            props: properties_dict(py, &r.properties)?,
        })
    }
}

#[pymethods]
impl Relationship {
    /// The relationship's properties, as a new dict.
    #[getter]
    fn properties<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.props.bind(py).copy()
    }

    fn __getitem__(&self, py: Python<'_>, key: &str) -> PyResult<Py<PyAny>> {
        item(py, &self.props, key)
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        contains(py, &self.props, key)
    }

    /// One property, or `default` when the relationship does not have it.
    #[pyo3(signature = (key, default=None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        get_or(py, &self.props, key, default)
    }

    /// The names of the relationship's properties.
    fn keys<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        self.props.bind(py).keys()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Relationship>()
            .is_ok_and(|o| o.get().id == self.id)
    }

    fn __hash__(&self) -> u64 {
        // Node and relationship ids are separate spaces; keep their hashes apart.
        self.id ^ 0x9e37_79b9_7f4a_7c15
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Relationship(id={}, type={}, start={}, end={}, properties={})",
            self.id,
            pyo3::types::PyString::new(py, &self.rel_type).repr()?,
            self.start,
            self.end,
            repr_props(py, &self.props)?
        ))
    }
}

/// A path: `nodes`, `relationships` (in path order), `start` and `end` nodes;
/// `len(path)` is its number of relationships.
#[pyclass(module = "claimgraph", frozen)]
pub struct Path {
    nodes: Vec<Py<Node>>,
    relationships: Vec<Py<Relationship>>,
}

impl Path {
    pub fn from_model(
        py: Python<'_>,
        nodes: &[claimgraph::Node],
        relationships: &[claimgraph::Relationship],
    ) -> PyResult<Self> {
        Ok(Path {
            nodes: nodes
                .iter()
                .map(|n| Py::new(py, Node::from_model(py, n)?))
                .collect::<PyResult<_>>()?,
            relationships: relationships
                .iter()
                .map(|r| Py::new(py, Relationship::from_model(py, r)?))
                .collect::<PyResult<_>>()?,
        })
    }
}

#[pymethods]
impl Path {
    #[getter]
    fn nodes(&self, py: Python<'_>) -> Vec<Py<Node>> {
        self.nodes.iter().map(|n| n.clone_ref(py)).collect()
    }

    #[getter]
    fn relationships(&self, py: Python<'_>) -> Vec<Py<Relationship>> {
        self.relationships.iter().map(|r| r.clone_ref(py)).collect()
    }

    /// The first node.
    #[getter]
    fn start(&self, py: Python<'_>) -> Option<Py<Node>> {
        self.nodes.first().map(|n| n.clone_ref(py))
    }

    /// The last node.
    #[getter]
    fn end(&self, py: Python<'_>) -> Option<Py<Node>> {
        self.nodes.last().map(|n| n.clone_ref(py))
    }

    fn __len__(&self) -> usize {
        self.relationships.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        let ids = |p: &Path| -> (Vec<u64>, Vec<u64>) {
            (
                p.nodes.iter().map(|n| n.get().id).collect(),
                p.relationships.iter().map(|r| r.get().id).collect(),
            )
        };
        other
            .cast::<Path>()
            .is_ok_and(|o| ids(o.get()) == ids(self))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let nodes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| n.get().__repr__(py))
            .collect::<PyResult<_>>()?;
        let rels: Vec<String> = self
            .relationships
            .iter()
            .map(|r| r.get().__repr__(py))
            .collect::<PyResult<_>>()?;
        Ok(format!(
            "Path(nodes=[{}], relationships=[{}])",
            nodes.join(", "),
            rels.join(", ")
        ))
    }
}
