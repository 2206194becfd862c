//! The registry of procedures that `CALL name(args) YIELD columns` runs.
//!
//! A [`Procedure`] declares its name, its arguments (name, [`Type`], an
//! optional default), its output columns, whether it writes, and a function
//! that gets read-only access to the graph and the cancel flag ([`ProcCtx`])
//! with the evaluated arguments, and returns rows of values, one value per
//! output column in declared order. The planner checks the call against the
//! declaration (name, number and type of arguments, `YIELD` columns); the
//! executor converts the arguments (an integer passed as a `FLOAT` becomes a
//! float) and binds the yielded columns.
//!
//! # Adding a procedure
//!
//! 1. Write `fn run(ctx: &ProcCtx, args: &[Val]) -> Result<Vec<Vec<Val>>>` in
//!    the file of its family (`db.rs` for `db.*`), reading `ctx.graph` and
//!    calling `ctx.cancel.check()?` in long loops.
//! 2. Describe it with [`Procedure::new`], then `.arg(..)`, `.optional_arg(..)`
//!    and `.output(..)` for each argument and column, in order.
//! 3. Add it to the family's `register` function, which [`Registry::builtin`]
//!    calls; a new family gets its own file and one line there.
//!
//! A procedure that writes (`claims.merge`) is made with
//! [`Procedure::writing_with`]: its function gets the statement's [`Txn`]
//! and the number the transaction will have ([`WriteCtx`]).
//!
//! Libraries and tests may add their own with [`crate::Database::register_procedure`].

mod claims;
mod db;
mod merge;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use crate::cancel::Cancel;
use crate::error::Result;
use crate::graph::{Graph, Txn};
use crate::query::values::Val;

/// What a procedure gets besides its arguments.
pub struct ProcCtx<'a> {
    pub graph: &'a Graph,
    pub cancel: &'a Cancel,
}

/// The function behind a procedure: rows of values, one per output column.
pub type ProcFn = dyn Fn(&ProcCtx<'_>, &[Val]) -> Result<Vec<Vec<Val>>> + Send + Sync;

/// What a procedure that writes gets besides the statement's transaction.
pub struct WriteCtx<'a> {
    /// The number the transaction gets if the statement commits.
    pub tx: u64,
    pub cancel: &'a Cancel,
}

/// The function behind a procedure that writes: it changes the graph
/// through the statement's transaction, which commits with the statement.
pub type WriteFn =
    dyn Fn(&mut Txn<'_>, &WriteCtx<'_>, &[Val]) -> Result<Vec<Vec<Val>>> + Send + Sync;

/// The type of an argument or an output column, as procedure signatures
/// write it (`STRING?`, `INTEGER?`, ...). Every type admits null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Any,
    String,
    Integer,
    Float,
    /// An integer or a float.
    Number,
    Boolean,
    Node,
    Relationship,
    Path,
    Map,
    List,
}

impl Type {
    /// The type named `name` in a signature, ignoring case and a final `?`.
    pub fn parse(name: &str) -> Option<Type> {
        let name = name.trim().trim_end_matches('?').to_ascii_uppercase();
        Some(match name.as_str() {
            "ANY" => Type::Any,
            "STRING" => Type::String,
            "INTEGER" | "INT" => Type::Integer,
            "FLOAT" => Type::Float,
            "NUMBER" => Type::Number,
            "BOOLEAN" => Type::Boolean,
            "NODE" => Type::Node,
            "RELATIONSHIP" => Type::Relationship,
            "PATH" => Type::Path,
            "MAP" => Type::Map,
            n if n.starts_with("LIST") => Type::List,
            _ => return None,
        })
    }

    /// The value as this type wants it (an integer becomes a float for
    /// `FLOAT`), or `None` when the value is of another type.
    pub fn admit(self, v: Val) -> Option<Val> {
        match (self, v) {
            (_, Val::Null) => Some(Val::Null),
            (Type::Any, v) => Some(v),
            (Type::String, v @ Val::Str(_))
            | (Type::Integer, v @ Val::Int(_))
            | (Type::Float, v @ Val::Float(_))
            | (Type::Number, v @ (Val::Int(_) | Val::Float(_)))
            | (Type::Boolean, v @ Val::Bool(_))
            | (Type::Node, v @ Val::Node(_))
            | (Type::Relationship, v @ Val::Rel(_))
            | (Type::Path, v @ Val::Path(_))
            | (Type::Map, v @ Val::Map(_))
            | (Type::List, v @ Val::List(_)) => Some(v),
            (Type::Float, Val::Int(i)) => Some(Val::Float(i as f64)),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Any => "ANY",
            Type::String => "STRING",
            Type::Integer => "INTEGER",
            Type::Float => "FLOAT",
            Type::Number => "NUMBER",
            Type::Boolean => "BOOLEAN",
            Type::Node => "NODE",
            Type::Relationship => "RELATIONSHIP",
            Type::Path => "PATH",
            Type::Map => "MAP",
            Type::List => "LIST",
        })
    }
}

/// One argument of a procedure.
#[derive(Clone, Debug)]
pub struct Arg {
    pub name: String,
    pub ty: Type,
    /// The value used when the call leaves the argument out; `None`: required.
    pub default: Option<Val>,
}

/// One output column of a procedure.
#[derive(Clone, Debug)]
pub struct Column {
    pub name: String,
    pub ty: Type,
}

/// A procedure that `CALL` can run.
#[derive(Clone)]
pub struct Procedure {
    /// The full name, with its namespace: `db.labels`.
    pub name: String,
    /// One line for `:help` and the README.
    pub description: String,
    pub args: Vec<Arg>,
    pub outputs: Vec<Column>,
    /// Whether calling it changes the graph (the statement then runs in a transaction).
    pub writes: bool,
    pub run: Arc<ProcFn>,
    /// For a procedure that writes: the function run with the transaction.
    pub write: Option<Arc<WriteFn>>,
}

impl Procedure {
    /// A read-only procedure with no arguments and no outputs yet.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        run: impl Fn(&ProcCtx<'_>, &[Val]) -> Result<Vec<Vec<Val>>> + Send + Sync + 'static,
    ) -> Self {
        Procedure {
            name: name.into(),
            description: description.into(),
            args: Vec::new(),
            outputs: Vec::new(),
            writes: false,
            run: Arc::new(run),
            write: None,
        }
    }

    /// A procedure that changes the graph through the statement's transaction.
    pub fn writing_with(
        name: impl Into<String>,
        description: impl Into<String>,
        write: impl Fn(&mut Txn<'_>, &WriteCtx<'_>, &[Val]) -> Result<Vec<Vec<Val>>>
            + Send
            + Sync
            + 'static,
    ) -> Self {
        let mut p = Procedure::new(name, description, |_, _| {
            Err(crate::error::Error::query(
                "this procedure writes: it runs only in a statement that may write",
            ))
        });
        p.writes = true;
        p.write = Some(Arc::new(write));
        p
    }

    /// Adds a required argument.
    pub fn arg(mut self, name: impl Into<String>, ty: Type) -> Self {
        self.args.push(Arg {
            name: name.into(),
            ty,
            default: None,
        });
        self
    }

    /// Adds an argument that may be left out, standing for `default` then.
    pub fn optional_arg(mut self, name: impl Into<String>, ty: Type, default: Val) -> Self {
        self.args.push(Arg {
            name: name.into(),
            ty,
            default: Some(default),
        });
        self
    }

    /// Adds an output column.
    pub fn output(mut self, name: impl Into<String>, ty: Type) -> Self {
        self.outputs.push(Column {
            name: name.into(),
            ty,
        });
        self
    }

    /// Marks the procedure as one that writes.
    pub fn writing(mut self) -> Self {
        self.writes = true;
        self
    }

    /// How many arguments a call must pass.
    pub fn required_args(&self) -> usize {
        self.args.iter().filter(|a| a.default.is_none()).count()
    }

    /// The signature as Neo4j prints it: `db.labels() :: (label :: STRING)`.
    pub fn signature(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| match &a.default {
                None => format!("{} :: {}", a.name, a.ty),
                Some(_) => format!("{} = default :: {}", a.name, a.ty),
            })
            .collect();
        let outs: Vec<String> = self
            .outputs
            .iter()
            .map(|c| format!("{} :: {}", c.name, c.ty))
            .collect();
        format!(
            "{}({}) :: ({})",
            self.name,
            args.join(", "),
            outs.join(", ")
        )
    }
}

impl fmt::Debug for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.signature())
    }
}

/// Procedures by name. Cloning is cheap: procedures are shared.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    procedures: BTreeMap<String, Arc<Procedure>>,
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Self {
        Registry::default()
    }

    /// Every built-in procedure.
    pub fn builtin() -> Self {
        let mut r = Registry::empty();
        db::register(&mut r);
        claims::register(&mut r);
        merge::register(&mut r);
        r
    }

    /// The built-in procedures, made once and shared.
    pub fn builtin_shared() -> &'static Registry {
        static BUILTIN: LazyLock<Registry> = LazyLock::new(Registry::builtin);
        &BUILTIN
    }

    /// Adds a procedure, replacing one of the same name.
    pub fn register(&mut self, procedure: Procedure) {
        self.procedures
            .insert(procedure.name.clone(), Arc::new(procedure));
    }

    /// The procedure of this exact name.
    pub fn get(&self, name: &str) -> Option<&Arc<Procedure>> {
        self.procedures.get(name)
    }

    /// Every procedure, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Procedure> + '_ {
        self.procedures.values().map(|p| &**p)
    }

    /// The known name nearest to `name`, when one is near enough to suggest.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let lower = name.to_lowercase();
        self.procedures
            .keys()
            .map(|k| (strsim::levenshtein(&k.to_lowercase(), &lower), k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4))
            .min()
            .map(|(_, k)| k.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_admit_their_values_and_floats_take_integers() {
        assert_eq!(Type::Float.admit(Val::Int(42)), Some(Val::Float(42.0)));
        assert_eq!(Type::Number.admit(Val::Int(42)), Some(Val::Int(42)));
        assert_eq!(Type::Integer.admit(Val::Bool(true)), None);
        assert_eq!(Type::String.admit(Val::Null), Some(Val::Null));
        assert_eq!(Type::parse("string?"), Some(Type::String));
        assert_eq!(Type::parse("LIST? OF INTEGER?"), Some(Type::List));
        assert_eq!(Type::parse("WIDGET"), None);
    }

    #[test]
    fn the_nearest_name_is_suggested() {
        let r = Registry::builtin();
        assert_eq!(r.suggest("db.label"), Some("db.labels"));
        assert_eq!(
            r.suggest("db.relationshiptypes"),
            Some("db.relationshipTypes")
        );
        assert_eq!(r.suggest("completely.different"), None);
    }

    #[test]
    fn signatures_read_as_neo4j_prints_them() {
        let r = Registry::builtin();
        let p = r.get("db.labels").expect("db.labels is built in");
        assert_eq!(p.signature(), "db.labels() :: (label :: STRING)");
    }
}
