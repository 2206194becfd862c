//! claimgraph: a persistent knowledge-graph store for news claims.
//!
//! (Crate documentation: see the end of this file's module list.)

pub mod cancel;
pub mod cli;
pub mod db;
pub mod error;
pub mod graph;
pub mod import;
pub mod model;
pub mod query;
pub mod result;
pub mod storage;
pub mod value;

pub use cancel::Cancel;
pub use db::{Database, Stats};
pub use error::{Error, Result};
pub use import::{Format, ImportSummary};
pub use model::{Node, NodeId, RelId, Relationship};
pub use query::Params;
pub use result::{QueryResult, ResultValue, WriteStats};
pub use value::Value;
pub mod export;
pub mod output;
pub mod repl;
