//! What kind of query error this is, as the openCypher TCK names it: a kind
//! (`SyntaxError`, `TypeError`, ...), a detail code (`UndefinedVariable`,
//! `InvalidArgumentType`, ...) and the phase it was raised in.
//!
//! The raise site names the [`Detail`]; the phase is set where planning ends
//! and running starts (`query::exec::execute_with`); the kind follows from the
//! two unless the raise site names one (the TCK calls the same detail a
//! `SyntaxError` at compile time and a `TypeError` at run time).

use std::fmt;

/// The error kinds of the openCypher TCK.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    ConstraintVerificationFailed,
    EntityNotFound,
    ParameterMissing,
    ProcedureError,
}

/// When an error was raised: before the query touched the graph, or while running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    CompileTime,
    Runtime,
}

impl Phase {
    /// `compile time` or `runtime`, as the TCK and `cli.md` write it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::CompileTime => "compile time",
            Phase::Runtime => "runtime",
        }
    }
}

macro_rules! details {
    ($($name:ident: $phrase:literal),* $(,)?) => {
        /// The detail codes of the openCypher TCK, each with the phrase that
        /// starts the messages of its errors.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum Detail {
            $($name,)*
            /// An error with no TCK detail code (an internal error, a limit).
            Other,
        }

        impl Detail {
            /// Every detail with a phrase, for [`Detail::of_message`].
            const PHRASES: &'static [(&'static str, Detail)] = &[$(($phrase, Detail::$name),)*];

            /// The TCK's name of the detail, `None` for [`Detail::Other`].
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $(Detail::$name => Some(stringify!($name)),)*
                    Detail::Other => None,
                }
            }
        }
    };
}

details! {
    UndefinedVariable: "undefined variable",
    VariableAlreadyBound: "variable already bound",
    VariableTypeConflict: "variable type conflict",
    UnknownFunction: "unknown function",
    InvalidNumberOfArguments: "invalid number of arguments",
    InvalidArgumentPassingMode: "invalid argument passing mode",
    NestedAggregation: "nested aggregation",
    InvalidAggregation: "invalid aggregation",
    AmbiguousAggregationExpression: "ambiguous aggregation expression",
    NoVariablesInScope: "no variables in scope",
    NoExpressionAlias: "no expression alias",
    ColumnNameConflict: "column name conflict",
    DifferentColumnsInUnion: "different columns in union",
    InvalidClauseComposition: "invalid clause composition",
    RelationshipUniquenessViolation: "relationship uniqueness violation",
    NoSingleRelationshipType: "no single relationship type",
    RequiresDirectedRelationship: "requires directed relationship",
    CreatingVarLength: "creating var length",
    InvalidDelete: "invalid delete",
    NonConstantExpression: "non-constant expression",
    MissingParameter: "missing parameter",
    InvalidArgumentType: "invalid argument type",
    InvalidPropertyType: "invalid property type",
    MapElementAccessByNonString: "map element access by non-string",
    InvalidArgumentValue: "invalid argument value",
    NegativeIntegerArgument: "negative integer argument",
    IntegerOverflow: "integer overflow",
    DivisionByZero: "division by zero",
    NumberOutOfRange: "number out of range",
    DeletedEntityAccess: "deleted entity access",
    DeleteConnectedNode: "delete connected node",
    MergeReadOwnWrites: "merge read own writes",
    ProcedureNotFound: "procedure not found",
    ProcedureFailed: "procedure error",
    UnexpectedSyntax: "unexpected syntax",
    InvalidNumberLiteral: "invalid number literal",
    InvalidUnicodeLiteral: "invalid unicode literal",
    InvalidUnicodeCharacter: "invalid unicode character",
    FloatingPointOverflow: "floating point overflow",
    InvalidParameterUse: "invalid parameter use",
    InvalidRelationshipPattern: "invalid relationship pattern",
}

impl Detail {
    /// The detail whose phrase starts `message`, [`Detail::Other`] when none
    /// does: for the parser's diagnostics and the temporal module's string
    /// errors, which are words only; every other error names its detail.
    pub fn of_message(message: &str) -> Detail {
        Detail::PHRASES
            .iter()
            .find(|(phrase, _)| message.starts_with(phrase))
            .map_or(Detail::Other, |(_, d)| *d)
    }

    /// The kind the TCK gives this detail in `phase`.
    pub fn kind(self, phase: Phase) -> ErrorKind {
        use Detail::*;
        match (self, phase) {
            (MissingParameter, _) => ErrorKind::ParameterMissing,
            (ProcedureNotFound | ProcedureFailed, _) => ErrorKind::ProcedureError,
            (DeletedEntityAccess, _) => ErrorKind::EntityNotFound,
            (DeleteConnectedNode, _) => ErrorKind::ConstraintVerificationFailed,
            (MergeReadOwnWrites, _) => ErrorKind::SemanticError,
            (_, Phase::CompileTime) => ErrorKind::SyntaxError,
            (
                InvalidArgumentType
                | InvalidPropertyType
                | MapElementAccessByNonString
                | InvalidArgumentValue,
                Phase::Runtime,
            ) => ErrorKind::TypeError,
            (NegativeIntegerArgument, Phase::Runtime) => ErrorKind::SyntaxError,
            (IntegerOverflow | DivisionByZero | NumberOutOfRange, Phase::Runtime) => {
                ErrorKind::ArgumentError
            }
            (_, Phase::Runtime) => ErrorKind::SemanticError,
        }
    }
}

/// What in the query an error is about, to find its place in the text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Subject {
    Variable(String),
    /// A function call, by name (matched without case, as functions are).
    Function(String),
    /// `$name`.
    Parameter(String),
    /// An arithmetic operator, by its symbol (`/`, `%`, ...), or a boolean
    /// one (`AND`, `NOT`, `IN`, ...).
    Operator(String),
    /// What a clause is given (the expressions of `DELETE`), by the clause's keyword.
    Clause(String),
}

impl Subject {
    /// Whether both name the same thing.
    pub fn same(&self, other: &Subject) -> bool {
        match (self, other) {
            (Subject::Variable(a), Subject::Variable(b)) => a == b,
            (Subject::Function(a), Subject::Function(b)) => a.eq_ignore_ascii_case(b),
            (Subject::Parameter(a), Subject::Parameter(b)) => a == b,
            (Subject::Operator(a), Subject::Operator(b)) => a == b,
            (Subject::Clause(a), Subject::Clause(b)) => a == b,
            _ => false,
        }
    }
}

/// The kind, detail and phase of one query error.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Code {
    pub detail: Detail,
    /// Set when the raise site names the kind; otherwise it follows from detail and phase.
    pub kind: Option<ErrorKind>,
    /// Set where the error leaves planning or running.
    pub phase: Option<Phase>,
    /// What the error is about, when the raise site knows.
    pub subject: Option<Subject>,
}

impl Code {
    pub fn new(detail: Detail) -> Self {
        Code {
            detail,
            kind: None,
            phase: None,
            subject: None,
        }
    }

    /// The phase, compile time when not yet known (errors found before running).
    pub fn phase(&self) -> Phase {
        self.phase.unwrap_or(Phase::CompileTime)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind.unwrap_or_else(|| self.detail.kind(self.phase()))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_find_their_detail_and_kinds_follow_the_phase() {
        let d = Detail::of_message("undefined variable `m`");
        assert_eq!(d, Detail::UndefinedVariable);
        assert_eq!(d.name(), Some("UndefinedVariable"));
        assert_eq!(Detail::of_message("something else"), Detail::Other);
        let t = Detail::InvalidArgumentType;
        assert_eq!(t.kind(Phase::CompileTime), ErrorKind::SyntaxError);
        assert_eq!(t.kind(Phase::Runtime), ErrorKind::TypeError);
        assert_eq!(
            Detail::MissingParameter.kind(Phase::CompileTime),
            ErrorKind::ParameterMissing
        );
        let mut code = Code::new(Detail::InvalidArgumentType);
        code.kind = Some(ErrorKind::ArgumentError);
        assert_eq!(code.kind(), ErrorKind::ArgumentError);
    }
}
