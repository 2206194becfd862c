//! One error type for the whole crate, grouped by who is at fault, with the
//! cause kept as the source.
//!
//! Errors about user input (a query, an import file) carry [`Diagnostic`]s:
//! a position, the offending line and a caret under the spot.

mod code;
mod json;

use std::fmt;
use std::path::PathBuf;

pub use self::code::{Code, Detail, ErrorKind, Phase, Subject};

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. The CLI maps every variant to exit status 1;
/// a wrong command line (status 2) never reaches this type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that does not parse or breaks the format's rules, with every problem found.
    #[error("{0}")]
    Input(Diagnostics),

    /// A query that parses but cannot run: unknown function, undefined variable,
    /// misplaced aggregation, a type error at run time, division by zero, overflow.
    #[error("{message}")]
    Query {
        message: String,
        /// Where in the query, when known.
        diagnostic: Option<Box<Diagnostic>>,
        /// The TCK's kind, detail and phase.
        code: Code,
    },

    /// A write that would break a rule of the domain model (unique keys, stance rules,
    /// deleting a node that still has relationships).
    #[error("constraint violated: {0}")]
    Constraint(String),

    /// The query was stopped by its timeout or by the user; nothing was written.
    #[error("{0}")]
    Cancelled(String),

    /// The query would use more memory than allowed.
    #[error("{0}")]
    ResourceLimit(String),

    /// A command that only reads was pointed at a directory that holds no store.
    #[error("no store at {}; `claimgraph import` creates one (or pass --store DIR)", path.display())]
    NoStore { path: PathBuf },

    /// A refusal whose reasons have been printed already, as it happened
    /// (an import of several files): the command ends with status 1 and says no more.
    #[error("refused")]
    Reported,

    /// A second process has the store open.
    #[error("the store {} is in use by another process: {holder}", path.display())]
    StoreLocked { path: PathBuf, holder: String },

    /// The store was written by a different format version.
    #[error("the store {} has format version {found}, but this claimgraph reads version {supported}{hint}", path.display(), hint = if *found > *supported { "; it was written by a newer claimgraph: upgrade to open it" } else { "" })]
    FormatVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    /// A request for a state of the store its history does not hold, or a
    /// write asked of a past state (`--at-tx`).
    #[error("{0}")]
    History(String),

    /// Stored bytes that do not decode: the store is damaged.
    #[error("the store is damaged: {0}")]
    Corrupt(String),

    /// The embedded store failed.
    #[error("storage error: {0}")]
    Storage(#[from] sled::Error),

    /// The device holding a store is full: the transaction that met it wrote
    /// nothing. `what` names it ("this import"); `needed` is the room to free.
    #[error("no space left on the device holding {}: nothing of {what} was written; {}", store.display(), free_hint(*needed))]
    NoSpace {
        store: PathBuf,
        what: String,
        needed: Option<u64>,
    },

    /// The device holding a store failed a read, a write or an fsync.
    #[error("an I/O error on the device holding {} ({source}): nothing of {what} was written and the store holds what it held before; check the device, then run it again", store.display())]
    DeviceIo {
        store: PathBuf,
        what: String,
        #[source]
        source: std::io::Error,
    },

    /// A store on a read-only medium: it is read, never changed.
    #[error("the store {} is on a read-only file system, so it was opened for reading only and {what} was refused (nothing was written); to change it, copy it to a writable place with `claimgraph --store {} backup COPY`", store.display(), store.display())]
    ReadOnly { store: PathBuf, what: String },

    /// A store whose backend met a storage error earlier in this process: it
    /// writes nothing more until it is opened again.
    #[error("the store {} met a storage error earlier ({cause}), so {what} was refused and nothing was written; open the store again", store.display())]
    StoreUnusable {
        store: PathBuf,
        what: String,
        cause: String,
    },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A plain I/O error on a stream (stdout, stdin).
    #[error("{0}")]
    Stream(#[from] std::io::Error),
}

impl Error {
    /// A query error with no position and no TCK detail ([`Detail::Other`]);
    /// an error that has one is made with [`Error::coded`] where it is
    /// raised, never recognised from its words.
    pub fn query(message: impl Into<String>) -> Self {
        let message = message.into();
        debug_assert_eq!(
            Detail::of_message(&message),
            Detail::Other,
            "an error with a TCK detail is raised with Error::coded: {message}"
        );
        let code = Code::new(Detail::Other);
        Error::Query {
            message,
            diagnostic: None,
            code,
        }
    }

    /// A query error with this TCK detail; the kind follows from the detail and the phase.
    pub fn coded(detail: Detail, message: impl Into<String>) -> Self {
        Error::Query {
            message: message.into(),
            diagnostic: None,
            code: Code::new(detail),
        }
    }

    /// A query error with this TCK kind and detail, whatever the phase.
    pub fn typed(kind: ErrorKind, detail: Detail, message: impl Into<String>) -> Self {
        let mut code = Code::new(detail);
        code.kind = Some(kind);
        Error::Query {
            message: message.into(),
            diagnostic: None,
            code,
        }
    }

    /// The error with its phase set, unless it had one.
    pub fn in_phase(mut self, phase: Phase) -> Self {
        if let Error::Query { code, .. } = &mut self {
            code.phase.get_or_insert(phase);
        }
        self
    }

    /// The error marked as being about `subject`, unless it is about something already.
    pub fn about(mut self, subject: Subject) -> Self {
        if let Error::Query { code, .. } = &mut self {
            code.subject.get_or_insert(subject);
        }
        self
    }

    /// The error pointing at `offset` of the query `text`, unless it points somewhere already.
    pub fn at_offset(mut self, text: &str, offset: usize) -> Self {
        if let Error::Query {
            message,
            diagnostic,
            ..
        } = &mut self
        {
            if diagnostic.is_none() {
                *diagnostic = Some(Box::new(Diagnostic::at_offset(
                    None,
                    text,
                    offset,
                    message.clone(),
                )));
            }
        }
        self
    }

    /// The kind, detail and phase of an error about a query or a write; `None`
    /// for errors of the store, the files or the limits.
    pub fn code(&self) -> Option<Code> {
        match self {
            Error::Query { code, .. } => Some(code.clone()),
            Error::Input(d) => {
                // The parser's own refusals are syntax errors; some have a detail of their own.
                let detail = d
                    .items
                    .first()
                    .map(|i| Detail::of_message(&i.message))
                    .filter(|d| *d != Detail::Other)
                    .unwrap_or(Detail::UnexpectedSyntax);
                let mut code = Code::new(detail);
                code.phase = Some(Phase::CompileTime);
                code.kind = Some(ErrorKind::SyntaxError);
                Some(code)
            }
            Error::Constraint(message) => {
                let detail = if message.starts_with("cannot delete node") {
                    Detail::DeleteConnectedNode
                } else {
                    Detail::Other
                };
                let mut code = Code::new(detail);
                code.phase = Some(Phase::Runtime);
                code.kind = Some(ErrorKind::ConstraintVerificationFailed);
                Some(code)
            }
            _ => None,
        }
    }

    /// The first place the error points at: its diagnostic, if any.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            Error::Input(d) => d.items.first(),
            Error::Query { diagnostic, .. } => diagnostic.as_deref(),
            _ => None,
        }
    }

    /// A constraint error.
    pub fn constraint(message: impl Into<String>) -> Self {
        Error::Constraint(message.into())
    }

    /// Names the transaction a storage refusal belongs to ("this import",
    /// "this write query"), for the message; other errors pass unchanged.
    pub fn during(mut self, transaction: &str) -> Self {
        if let Error::NoSpace { what, .. }
        | Error::DeviceIo { what, .. }
        | Error::ReadOnly { what, .. }
        | Error::StoreUnusable { what, .. } = &mut self
        {
            *what = transaction.to_string();
        }
        self
    }

    /// An error reading or writing `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// "free 12 MB and run it again", rounding up so that freeing the figure is enough.
fn free_hint(needed: Option<u64>) -> String {
    match needed {
        Some(bytes) => format!(
            "free {} MB and run it again",
            bytes.div_ceil(1 << 20).max(1)
        ),
        None => "free some space and run it again".to_string(),
    }
}

/// Shorthand for `Err(Error::query(format!(...)))`.
#[macro_export]
macro_rules! errquery {
    ($($arg:tt)*) => { Err($crate::error::Error::query(format!($($arg)*))) };
}

/// One problem in a piece of input, at a position.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// The file name, or `None` for a query typed by the user.
    pub file: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The text of the offending line, without its line break.
    pub line_text: String,
    /// What is wrong, in words a user understands.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at a byte offset of `source`; line, column and line text are
    /// computed from it. Offsets past the end point just after the last character.
    pub fn at_offset(
        file: Option<&str>,
        source: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        let line = source[..line_start].matches('\n').count() + 1;
        let column = source[line_start..offset].chars().count() + 1;
        Diagnostic {
            file: file.map(str::to_string),
            line,
            column,
            line_text: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            message: message.into(),
        }
    }

    /// A diagnostic at a 1-based line and column of `source`.
    pub fn at_line_col(
        file: Option<&str>,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let line_text = source
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        Diagnostic {
            file: file.map(str::to_string),
            line,
            column,
            line_text,
            message: message.into(),
        }
    }
}

/// Renders like a compiler:
///
/// ```text
/// error: expected a predicate
///  --> article.triples:3:21
///   |
/// 3 | "Yevgeny Prigozhin" ??? s1
///   |                     ^
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let place = self.file.as_deref().unwrap_or("query");
        writeln!(f, " --> {}:{}:{}", place, self.line, self.column)?;
        // Control characters would garble the terminal; show them as spaces.
        let shown: String = self
            .line_text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        // Very long lines are cut around the caret.
        let (shown, caret_col) = clip_line(&shown, self.column);
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {shown}")?;
        write!(f, "{pad} | {}^", " ".repeat(caret_col.saturating_sub(1)))
    }
}

/// Cuts a line longer than 120 characters to a window around `column`,
/// returning the window and the caret's column in it.
fn clip_line(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 120;
    let len = line.chars().count();
    if len <= WIDTH {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(WIDTH / 2).min(len - WIDTH);
    let window: String = line.chars().skip(start).take(WIDTH).collect();
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if start + WIDTH < len { "…" } else { "" };
    (
        format!("{prefix}{window}{suffix}"),
        column - start + prefix.chars().count(),
    )
}

/// Every problem found in one piece of input (a file, a query), in order.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    /// How many more problems were found past the cap and not kept.
    pub omitted: usize,
}

impl Diagnostics {
    /// The most problems kept for one input.
    pub const CAP: usize = 50;

    /// Adds a problem, counting it as omitted past the cap.
    pub fn push(&mut self, d: Diagnostic) {
        if self.items.len() < Self::CAP {
            self.items.push(d);
        } else {
            self.omitted += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `Ok(())` when empty, the input error otherwise.
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(self))
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics {
            items: vec![d],
            omitted: 0,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(d.into())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let total = self.items.len() + self.omitted;
        if self.omitted > 0 {
            write!(
                f,
                "\n\n{total} errors in all; the first {} are shown",
                self.items.len()
            )?;
        } else if total > 1 {
            write!(f, "\n\n{total} errors")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_column() {
        let src = "first line\nsecond ??? line\n";
        let d = Diagnostic::at_offset(Some("a.triples"), src, 18, "expected a predicate");
        assert_eq!((d.line, d.column), (2, 8));
        let text = d.to_string();
        assert!(text.contains(" --> a.triples:2:8"), "{text}");
        assert!(text.ends_with("  |        ^"), "{text}");
    }

    #[test]
    fn offsets_past_the_end_and_inside_characters_are_safe() {
        let src = "é";
        let d = Diagnostic::at_offset(None, src, 1, "x");
        assert_eq!((d.line, d.column), (1, 1));
        let d = Diagnostic::at_offset(None, src, 99, "x");
        assert_eq!((d.line, d.column), (1, 2));
    }

    #[test]
    fn long_lines_are_clipped_around_the_caret() {
        let line = "x".repeat(1000);
        let d = Diagnostic::at_offset(None, &line, 500, "here");
        let text = d.to_string();
        assert!(text.lines().all(|l| l.chars().count() < 140), "{text}");
    }
}
