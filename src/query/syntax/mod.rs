//! The query parser: `grammar/cypher.pest` → [`ast`](crate::query::ast). pest's types stay in here.
//!
//! Parsing happens in four steps, on a thread of its own with a large stack
//! (see `PARSER_STACK`):
//!
//! 1. `prescan` walks the text once, outside strings and comments, and refuses
//!    brackets nested deeper than [`MAX_NESTING`] and strings, comments or
//!    backquoted names that are never closed.
//! 2. pest parses the text with the grammar. A syntax error becomes a
//!    [`Diagnostic`] that says, in words, what was expected at that spot.
//! 3. `check_nesting` measures how deeply expressions nest in the parse tree
//!    (`CASE` nests without brackets), without recursion.
//! 4. The builder turns pest's pairs into the AST. It checks what pest cannot:
//!    integers that do not fit in 64 bits, string escapes, clause order, and the
//!    depth of the resulting tree ([`MAX_EXPR_DEPTH`]), since every later stage
//!    (printing, planning, evaluating, even dropping the tree) recurses over it.
//!
//! Architecture invariant: the parser checks syntax only. Undefined variables,
//! unknown functions and misplaced aggregations are the planner's business.
//! Architecture invariant: no input makes the parser recurse deeper than the
//! limits above allow, and long flat chains (`1 + 1 + ...`, `NOT NOT ...`) are
//! folded in loops.

mod clauses;
mod errors;
mod expressions;
pub mod lex;
mod literals;
mod patterns;
mod prescan;
pub mod script;

use errors::syntax_error;
use prescan::{check_nesting, prescan};

use std::sync::LazyLock;

use pest::iterators::{Pair as PestPair, Pairs as PestPairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use std::cell::RefCell;

use crate::error::{Diagnostic, Error, Result, Subject};
use crate::query::ast::*;

/// The deepest nesting of brackets, parentheses and braces a query may have.
pub const MAX_NESTING: usize = 200;

/// The deepest expression tree a query may build, counting every operator,
/// function call and literal container on the way down.
pub const MAX_EXPR_DEPTH: usize = 500;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/cypher.pest"]
struct CypherParser;

type Pair<'a> = PestPair<'a, Rule>;
type Pairs<'a> = PestPairs<'a, Rule>;

/// An expression together with the depth of its tree.
type Built = (Expr, usize);

/// OR, XOR and AND, lowest first, all left-associative.
static BOOLEAN: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::kw_or, Assoc::Left))
        .op(Op::infix(Rule::kw_xor, Assoc::Left))
        .op(Op::infix(Rule::kw_and, Assoc::Left))
});

/// `+ -`, then `* / %`, then `^`, all left-associative as in openCypher.
static ARITHMETIC: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left)
            | Op::infix(Rule::op_div, Assoc::Left)
            | Op::infix(Rule::op_mod, Assoc::Left))
        .op(Op::infix(Rule::op_pow, Assoc::Left))
});

/// The stack of the thread that parses. pest and the builder recurse a few
/// times per level of brackets, with large frames in debug builds; a thread of
/// its own makes [`MAX_NESTING`] safe whatever thread the caller runs on (test
/// threads, for one, get only 2 MiB). Only the pages used are ever committed.
const PARSER_STACK: usize = 64 * 1024 * 1024;

/// Parses one statement.
pub fn parse(text: &str) -> Result<Statement> {
    parse_with_places(text).map(|(s, _)| s)
}

/// Parses one statement, with where each variable and function is named in
/// the text (for errors found after parsing, see [`Places`]).
pub fn parse_with_places(text: &str) -> Result<(Statement, Places)> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("query-parser".to_string())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(text));
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(Error::query("internal error: the query parser failed"))),
            // Without a thread of its own the parser still works, with the caller's stack.
            Err(_) => parse_here(text),
        }
    })
}

/// Parses one statement on the current thread.
fn parse_here(text: &str) -> Result<(Statement, Places)> {
    prescan(text)?;
    let mut pairs =
        CypherParser::parse(Rule::statement, text).map_err(|e| syntax_error(text, &e))?;
    check_nesting(text, &pairs)?;
    let builder = Builder {
        src: text,
        places: RefCell::new(Places::default()),
    };
    let statement = builder.next(&mut pairs, "a statement")?;
    let statement = builder.statement(statement)?;
    Ok((statement, builder.places.into_inner()))
}

// ----------------------------------------------------------------- builder

/// Where each variable and function of a statement is named, by byte offset,
/// in the order of the text: the positions of errors that the planner and the
/// executor raise about a name (the AST itself carries no positions, so that
/// parse → print → parse compares equal).
#[derive(Clone, Debug, Default)]
pub struct Places(Vec<(Subject, usize)>);

impl Places {
    /// The first place where `subject` is named.
    pub fn of(&self, subject: &Subject) -> Option<usize> {
        self.0
            .iter()
            .find(|(s, _)| s.same(subject))
            .map(|(_, at)| *at)
    }
}

/// Turns pest's pairs into the AST. Holds the source for positions.
struct Builder<'s> {
    src: &'s str,
    /// Where names are used, in the order of the text.
    places: RefCell<Places>,
}

impl<'s> Builder<'s> {
    /// Records that `subject` is named at byte `offset`.
    fn place(&self, subject: Subject, offset: usize) {
        self.places.borrow_mut().0.push((subject, offset));
    }

    /// An error at byte `offset` of the query.
    fn error_at(&self, offset: usize, message: impl Into<String>) -> Error {
        Diagnostic::at_offset(None, self.src, offset, message).into()
    }

    /// The next pair, which the grammar guarantees; a missing one is a bug in the
    /// builder, reported as an error rather than a panic.
    fn next<'a>(&self, pairs: &mut Pairs<'a>, what: &str) -> Result<Pair<'a>> {
        pairs.next().ok_or_else(|| internal(what))
    }

    /// The next pair that is not punctuation or a keyword.
    fn next_significant<'a>(&self, pairs: &mut Pairs<'a>, what: &str) -> Result<Pair<'a>> {
        pairs
            .find(|p| !is_noise(p.as_rule()))
            .ok_or_else(|| internal(what))
    }

    /// Checks the depth of a new node.
    fn node(&self, offset: usize, depth: usize, expr: Expr) -> Result<Built> {
        if depth > MAX_EXPR_DEPTH {
            return Err(self.error_at(
                offset,
                format!(
                    "the expression is nested too deeply (more than {MAX_EXPR_DEPTH} levels); \
                     split it up, for instance with WITH, or use a list with IN"
                ),
            ));
        }
        Ok((expr, depth))
    }
}

/// Reads `len` hexadecimal digits.
fn hex_code(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, len: usize) -> Option<u32> {
    let mut code = 0u32;
    for _ in 0..len {
        let (_, c) = chars.next()?;
        code = code * 16 + c.to_digit(16)?;
    }
    Some(code)
}

/// The number literal a `postfix` pair consists of, when it is nothing else.
fn bare_number<'a>(pair: &Pair<'a>) -> Option<Pair<'a>> {
    let mut inner = pair.clone().into_inner();
    let first = inner.next()?;
    if inner.next().is_some() {
        return None;
    }
    matches!(
        first.as_rule(),
        Rule::int_lit | Rule::hex_lit | Rule::octal_lit | Rule::float_lit
    )
    .then_some(first)
}

/// Punctuation and keywords, which carry no content of their own.
fn is_noise(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        lparen
            | rparen
            | lbracket
            | rbracket
            | lbrace
            | rbrace
            | comma
            | colon
            | eq
            | plus_eq
            | semicolon
            | kw_all
            | kw_and
            | kw_any
            | kw_as
            | kw_asc
            | kw_ascending
            | kw_by
            | kw_case
            | kw_contains
            | kw_count
            | kw_create
            | kw_delete
            | kw_desc
            | kw_descending
            | kw_detach
            | kw_distinct
            | kw_else
            | kw_end
            | kw_ends
            | kw_exists
            | kw_explain
            | kw_in
            | kw_is
            | kw_limit
            | kw_match
            | kw_merge
            | kw_none
            | kw_on
            | kw_optional
            | kw_or
            | kw_order
            | kw_profile
            | kw_reduce
            | kw_remove
            | kw_return
            | kw_set
            | kw_shortest_path
            | kw_all_shortest_paths
            | kw_single
            | kw_skip
            | kw_starts
            | kw_then
            | kw_union
            | kw_unwind
            | kw_call
            | kw_yield
            | kw_when
            | kw_where
            | kw_with
            | kw_xor
    )
}

fn clause_name(clause: &Clause) -> &'static str {
    match clause {
        Clause::Match { optional: true, .. } => "OPTIONAL MATCH",
        Clause::Match { .. } => "MATCH",
        Clause::Unwind { .. } => "UNWIND",
        Clause::With(_) => "WITH",
        Clause::Return(_) => "RETURN",
        Clause::Create(_) => "CREATE",
        Clause::Merge { .. } => "MERGE",
        Clause::Set(_) => "SET",
        Clause::Remove(_) => "REMOVE",
        Clause::Delete { .. } => "DELETE",
        Clause::Call(_) => "CALL",
    }
}

/// A pair the grammar promised but the builder did not find: a bug, not bad input.
fn internal(what: &str) -> Error {
    Error::query(format!(
        "internal error in the query parser: expected {what} in the parse tree"
    ))
}

#[cfg(test)]
mod tests;
