//! The abstract syntax tree of a query: our own types, independent of the
//! parser that builds them. `Display` (in `print.rs`) prints valid query text,
//! so that parse → print → parse gives the same tree; `visit.rs` walks an
//! expression's parts.

mod visit;

pub use visit::Child;

/// One statement as typed: a query, possibly under `EXPLAIN` or `PROFILE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub mode: Mode,
    pub query: Query,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Run,
    Explain,
    Profile,
}

impl Statement {
    /// Whether the statement has a clause that changes the graph (`CREATE`,
    /// `MERGE`, `SET`, `REMOVE`, `DELETE`) in any part of a `UNION`.
    pub fn writes(&self) -> bool {
        std::iter::once(&self.query.first)
            .chain(self.query.unions.iter().map(|(_, q)| q))
            .flat_map(|part| &part.clauses)
            .any(|clause| {
                matches!(
                    clause,
                    Clause::Create(_)
                        | Clause::Merge { .. }
                        | Clause::Set(_)
                        | Clause::Remove(_)
                        | Clause::Delete { .. }
                )
            })
    }

    /// The statement with the column names of unaliased projection items
    /// cleared. Those names hold the source text as typed, which printing
    /// normalises, so parse → print → parse is compared without them.
    pub fn without_source_names(mut self) -> Statement {
        let parts = std::iter::once(&mut self.query.first)
            .chain(self.query.unions.iter_mut().map(|(_, q)| q));
        for part in parts {
            for clause in &mut part.clauses {
                if let Clause::With(p) | Clause::Return(p) = clause {
                    for item in &mut p.items {
                        if item.alias.is_none() {
                            item.name.clear();
                        }
                    }
                }
            }
        }
        self
    }
}

/// A query: one or more single queries joined by `UNION` or `UNION ALL`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    /// Each further part, with `true` for `UNION ALL`.
    pub unions: Vec<(bool, SingleQuery)>,
}

/// A sequence of clauses.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Match {
        optional: bool,
        patterns: Vec<PathPattern>,
        where_: Option<Expr>,
    },
    Unwind {
        expr: Expr,
        variable: String,
    },
    With(Projection),
    Return(Projection),
    Create(Vec<PathPattern>),
    Merge {
        pattern: PathPattern,
        on_create: Vec<SetItem>,
        on_match: Vec<SetItem>,
    },
    Set(Vec<SetItem>),
    Remove(Vec<RemoveItem>),
    Delete {
        detach: bool,
        exprs: Vec<Expr>,
    },
    Call(Call),
}

/// `CALL name(args) [YIELD columns [WHERE pred]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The procedure's full name, as typed: `db.labels`.
    pub procedure: String,
    /// `None` when the call has no parentheses: a standalone call then takes
    /// its arguments from the parameters of the same names.
    pub args: Option<Vec<Expr>>,
    /// `None` without `YIELD`.
    pub yield_: Option<Yield>,
}

/// What a `CALL` yields.
#[derive(Clone, Debug, PartialEq)]
pub struct Yield {
    /// `YIELD *` (standalone calls only).
    pub star: bool,
    pub items: Vec<YieldItem>,
    pub where_: Option<Expr>,
}

/// `column [AS alias]`.
#[derive(Clone, Debug, PartialEq)]
pub struct YieldItem {
    pub column: String,
    pub alias: Option<String>,
}

impl YieldItem {
    /// The variable the column is bound to.
    pub fn variable(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.column)
    }
}

/// The body of `WITH` and `RETURN`.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*`: every variable in scope, before the items.
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// `WITH ... WHERE`; always `None` for `RETURN`.
    pub where_: Option<Expr>,
}

/// `expr [AS alias]`. Without an alias the column is named by the expression's
/// text as the user typed it (`name`), as in Neo4j.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<String>,
    /// The column name: the alias, or the expression's source text (trimmed).
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    /// `n.key = expr` (the target is any expression followed by a property).
    Property {
        target: Expr,
        key: String,
        value: Expr,
    },
    /// `n = {map}` (replace all properties).
    Replace { variable: String, value: Expr },
    /// `n += {map}` (merge properties).
    Merge { variable: String, value: Expr },
    /// `n:Label:Other`.
    Labels {
        variable: String,
        labels: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum RemoveItem {
    Property {
        target: Expr,
        key: String,
    },
    Labels {
        variable: String,
        labels: Vec<String>,
    },
}

/// `[p =] [shortestPath|allShortestPaths](...)`: a node followed by zero or more
/// (relationship, node) steps.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPattern {
    pub variable: Option<String>,
    pub kind: PathKind,
    pub start: NodePattern,
    pub steps: Vec<(RelPattern, NodePattern)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    Normal,
    Shortest,
    AllShortest,
}

/// `(v:Label:Other {k: expr})`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    pub variable: Option<String>,
    pub labels: Vec<String>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
}

/// `-[r:T1|T2 *1..3 {k: expr}]->`.
#[derive(Clone, Debug, PartialEq)]
pub struct RelPattern {
    pub variable: Option<String>,
    pub types: Vec<String>,
    pub direction: Direction,
    /// `None`: exactly one hop. `Some(range)`: variable length.
    pub length: Option<Range>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
}

/// The direction of a relationship pattern, as written from left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `-[]->`
    Outgoing,
    /// `<-[]-`
    Incoming,
    /// `-[]-` (also `<-[]->`)
    Both,
}

/// `*` (both `None`), `*n` (both `Some(n)`), `*n..m`, `*..m`, `*n..`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    /// `=~`
    Regex,
}

impl BinaryOp {
    /// The keyword of a boolean operator (`AND`, `OR`, `XOR`); `IN` for `In`.
    pub fn word(self) -> &'static str {
        match self {
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            _ => "IN",
        }
    }

    /// The symbol of an arithmetic operator, which can fail at runtime.
    pub fn arithmetic_symbol(self) -> Option<&'static str> {
        Some(match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            _ => return None,
        })
    }
}

/// `all`, `any`, `none`, `single` over a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

/// Where a bound variable's value is: `up` frames out from the innermost
/// (the variables of a list comprehension, a quantifier or `reduce` are a
/// frame of their own around the row's), at `index` in that frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub name: String,
    pub up: u32,
    pub index: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Literal(Literal),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    /// `$name`
    Parameter(String),
    Variable(String),
    /// A variable bound to its place in the rows it is evaluated on
    /// (`plan/bind.rs`). The parser never makes one.
    Slot(Slot),
    /// `expr.key`
    Property(Box<Expr>, String),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS NULL` (`negated`: `IS NOT NULL`).
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `n:Label:Other` used as a predicate.
    HasLabels(Box<Expr>, Vec<String>),
    /// A function call; names keep the case typed (functions are matched without case).
    /// `count(*)` is `CountStar`.
    Function {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    CountStar,
    /// `CASE [subject] WHEN .. THEN .. [ELSE ..] END`.
    Case {
        subject: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[v IN list WHERE pred | map]`.
    ListComprehension {
        variable: String,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | map]`.
    PatternComprehension {
        pattern: Box<PathPattern>,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
    /// `all(v IN list WHERE pred)` and the like.
    Quantified {
        quantifier: Quantifier,
        variable: String,
        list: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `reduce(acc = init, v IN list | expr)`.
    Reduce {
        accumulator: String,
        init: Box<Expr>,
        variable: String,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate: `(a)-[:DENIES]->(s)`; true when it matches.
    PatternPredicate(Box<PathPattern>),
    /// `exists { MATCH pattern WHERE pred }` or `exists { pattern }`.
    Exists {
        patterns: Vec<PathPattern>,
        where_: Option<Box<Expr>>,
    },
    /// `exists { MATCH ... RETURN ... }`: true when the query, run with the
    /// row's variables in scope, returns a row.
    ExistsQuery(Box<Query>),
}
