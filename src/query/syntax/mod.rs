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

pub mod lex;
pub mod script;

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

// ------------------------------------------------------------------ prescan

/// Refuses input nested too deeply and strings, comments and backquoted names
/// that are never closed, with the position of the culprit.
fn prescan(text: &str) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Quoted(char),
        Backquoted,
        LineComment,
        BlockComment,
    }
    let mut state = State::Code;
    let mut opened_at = 0;
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match state {
            State::Code => match c {
                '\'' | '"' => {
                    state = State::Quoted(c);
                    opened_at = i;
                }
                '`' => {
                    state = State::Backquoted;
                    opened_at = i;
                }
                '/' if chars.peek().map(|&(_, n)| n) == Some('/') => {
                    state = State::LineComment;
                }
                '/' if chars.peek().map(|&(_, n)| n) == Some('*') => {
                    chars.next();
                    state = State::BlockComment;
                    opened_at = i;
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(Diagnostic::at_offset(
                            None,
                            text,
                            i,
                            format!(
                                "the query is nested too deeply: more than {MAX_NESTING} levels of brackets"
                            ),
                        )
                        .into());
                    }
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
            State::Quoted(quote) => {
                if c == '\\' {
                    chars.next();
                } else if c == quote {
                    state = State::Code;
                }
            }
            State::Backquoted => {
                if c == '`' {
                    if chars.peek().map(|&(_, n)| n) == Some('`') {
                        chars.next();
                    } else {
                        state = State::Code;
                    }
                }
            }
            State::LineComment => {
                if c == '\n' || c == '\r' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if c == '*' && chars.peek().map(|&(_, n)| n) == Some('/') {
                    chars.next();
                    state = State::Code;
                }
            }
        }
    }
    let message = match state {
        State::Code | State::LineComment => return Ok(()),
        State::Quoted(_) => "this string is never closed",
        State::Backquoted => "this backquoted name is never closed",
        State::BlockComment => "this comment is never closed (`/*` needs a `*/`)",
    };
    Err(Diagnostic::at_offset(None, text, opened_at, message).into())
}

/// Refuses expressions nested more than [`MAX_NESTING`] deep, which the builder
/// would recurse into. Brackets are limited before parsing, but `CASE` nests
/// without them, so the parse tree is measured too, without recursion: pest
/// lists pairs in pre-order, and an expression encloses the expressions that
/// start before it ends.
fn check_nesting(text: &str, pairs: &Pairs<'_>) -> Result<()> {
    let mut open_ends: Vec<usize> = Vec::new();
    for pair in pairs.clone().flatten() {
        if pair.as_rule() != Rule::expression {
            continue;
        }
        let span = pair.as_span();
        while open_ends.last().is_some_and(|&end| end <= span.start()) {
            open_ends.pop();
        }
        open_ends.push(span.end());
        // One level more than the brackets allow: the outermost expression.
        if open_ends.len() > MAX_NESTING + 1 {
            return Err(Diagnostic::at_offset(
                None,
                text,
                span.start(),
                format!(
                    "the query is nested too deeply: more than {MAX_NESTING} levels of expressions"
                ),
            )
            .into());
        }
    }
    Ok(())
}

// ----------------------------------------------------------- syntax errors

/// Turns pest's error into a diagnostic that says what was expected, in words.
fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> Error {
    use pest::error::{ErrorVariant, InputLocation};
    let offset = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&'static str> = Vec::new();
            for rule in positives {
                if let Some(word) = describe(*rule) {
                    if !words.contains(&word) {
                        words.push(word);
                    }
                }
            }
            // Keywords that are also operators are covered by "an operator".
            // A subscript starts with `[`, a label predicate with `:`, and `=`
            // compares: after an operand they are operators too, named last.
            if words.contains(&OPERATOR) {
                words.retain(|w| {
                    !matches!(*w, "IN" | "IS" | "`[`" | "`:`" | "`=`" | "`.`" | OPERATOR)
                });
                words.push(OPERATOR);
            }
            // The end of the query reads best as the last possibility.
            if let Some(i) = words.iter().position(|w| *w == END) {
                let end = words.remove(i);
                words.push(end);
            }
            // Node and relationship properties are a map or a parameter.
            if words.contains(&"`{`") && words.contains(&PARAMETER) {
                words.retain(|w| *w != "`{`" && *w != PARAMETER);
                words.push("properties such as `{name: 'x'}`");
            }
            // Closing brackets are the likeliest fix; name them first.
            words.sort_by_key(|w| !matches!(*w, "`)`" | "`]`" | "`}`"));
            let found = found_at(text, offset);
            let mut message = if words.is_empty() {
                format!("this is not valid query text here (found {found})")
            } else {
                format!("expected {}, found {found}", join_or(&words))
            };
            // Inside a relationship's brackets, where a length may come.
            if positives.iter().any(|r| {
                matches!(
                    r,
                    Rule::range
                        | Rule::range_bounds
                        | Rule::range_min
                        | Rule::range_max
                        | Rule::range_exact
                )
            }) {
                message = format!("invalid relationship pattern: {message}");
            }
            if words.contains(&VARIABLE) && starts_with_reserved(&text[offset.min(text.len())..]) {
                message.push_str(&format!(
                    " ({found} is a reserved word; to use it as a name, put it in backquotes)"
                ));
            }
            message
        }
        // pest's own limits (native stack, call count) end up here.
        ErrorVariant::CustomError { message } => {
            format!("the query is too complex to parse ({message})")
        }
    };
    Diagnostic::at_offset(None, text, offset, message).into()
}

const OPERATOR: &str = "an operator";
const EXPRESSION: &str = "an expression";
const END: &str = "the end of the query";
const PARAMETER: &str = "a parameter such as `$name`";
const VARIABLE: &str = "a variable name";

/// What a grammar rule means to a user, or `None` for rules not worth naming.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => END,
        statement | query | single_query | clause | match_clause | unwind_clause | with_clause
        | return_clause | create_clause | merge_clause | set_clause | remove_clause
        | delete_clause | call_clause => "a clause such as MATCH or RETURN",
        procedure_name | name_part => "a procedure name such as `db.labels`",
        call_args => "`(`",
        yield_clause => "YIELD",
        yield_item => "a column to yield",
        union => "UNION",
        semicolon => "`;`",
        expression
        | not_expr
        | comparison
        | predicate_expr
        | arith
        | unary
        | postfix
        | atom
        | literal
        | number
        | float_lit
        | hex_lit
        | octal_lit
        | int_lit
        | string_lit
        | count_star
        | count_subquery
        | case_expr
        | list_comprehension
        | pattern_comprehension
        | list_literal
        | quantified
        | reduce_expr
        | exists_expr
        | function_call
        | pattern_predicate
        | parenthesized
        | kw_true
        | kw_false
        | kw_null
        | kw_not
        | op_neg
        | op_pos => EXPRESSION,
        kw_or | kw_xor | kw_and | op_ne | op_le | op_ge | op_lt | op_gt | is_null | is_not_null
        | starts_with | ends_with | contains | in_list | regex_match | op_add | op_sub | op_mul
        | op_div | op_mod | op_pow | subscript | kw_is | kw_starts | kw_ends | kw_contains => {
            OPERATOR
        }
        property_lookup => "`.`",
        map_literal => "a map such as `{name: 'x'}`",
        parameter => PARAMETER,
        variable => VARIABLE,
        schema_name | plain_name | escaped_name => "a name",
        function_name => "a function name",
        node_labels => "a label such as `:Actor`",
        rel_types => "a relationship type such as `:CLAIMS`",
        range => "a length such as `*1..3`",
        range_min | range_max | range_exact => "an integer",
        pattern
        | path_pattern
        | pattern_element
        | relationships_pattern
        | shortest_path
        | all_shortest_paths => "a pattern such as `(a)-[:CLAIMS]->(s)`",
        node_pattern => "a node pattern such as `(n)`",
        rel_pattern | left_arrow | dash => "a relationship such as `-[r]->`",
        right_arrow => "`>`",
        rel_detail => "`[`",
        projection | projection_item => "an expression to return",
        star => "`*`",
        order_by => "ORDER BY",
        sort_item => "an expression to sort by",
        skip => "SKIP",
        limit => "LIMIT",
        where_clause | comp_where => "WHERE",
        comp_map => "`|`",
        case_when => "WHEN",
        case_else => "ELSE",
        merge_action => "ON CREATE or ON MATCH",
        set_property | set_merge | set_replace | set_labels => {
            "something to set, such as `n.name = 'x'`"
        }
        remove_property | remove_labels => "something to remove, such as `n.name` or `n:Label`",
        property_target => "a property such as `n.name`",
        map_entry => "a key and value such as `name: 'x'`",
        slice_tail => "`..`",
        quantifier => "ALL, ANY, NONE or SINGLE",
        lparen => "`(`",
        rparen => "`)`",
        lbracket => "`[`",
        rbracket => "`]`",
        lbrace => "`{`",
        rbrace => "`}`",
        comma => "`,`",
        colon => "`:`",
        eq => "`=`",
        plus_eq => "`+=`",
        kw_all => "ALL",
        kw_any => "ANY",
        kw_as => "AS",
        kw_asc | kw_ascending => "ASC",
        kw_desc | kw_descending => "DESC",
        kw_by => "BY",
        kw_call => "CALL",
        kw_case => "CASE",
        kw_count => "COUNT",
        kw_create => "CREATE",
        kw_delete => "DELETE",
        kw_detach => "DETACH",
        kw_distinct => "DISTINCT",
        kw_else => "ELSE",
        kw_end => "END",
        kw_exists => "EXISTS",
        kw_in => "IN",
        kw_limit => "LIMIT",
        kw_match => "MATCH",
        kw_merge => "MERGE",
        kw_none => "NONE",
        kw_on => "ON",
        kw_optional => "OPTIONAL",
        kw_order => "ORDER",
        kw_reduce => "REDUCE",
        kw_remove => "REMOVE",
        kw_return => "RETURN",
        kw_set => "SET",
        kw_shortest_path => "shortestPath",
        kw_all_shortest_paths => "allShortestPaths",
        kw_single => "SINGLE",
        kw_skip => "SKIP",
        kw_then => "THEN",
        kw_union => "UNION",
        kw_unwind => "UNWIND",
        kw_when => "WHEN",
        kw_where => "WHERE",
        kw_with => "WITH",
        kw_yield => "YIELD",
        _ => return None,
    })
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Whether `rest` starts with a reserved word, which cannot be a variable.
fn starts_with_reserved(rest: &str) -> bool {
    CypherParser::parse(Rule::reserved, rest).is_ok()
}

/// Names what stands at `offset`: a word, a character, or the end.
fn found_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "the end of the query".to_string();
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .take(30)
            .collect();
        format!("`{word}`")
    } else if first.is_control() || first.is_whitespace() {
        format!("the character U+{:04X}", first as u32)
    } else if first == '`' {
        "'`'".to_string()
    } else {
        format!("`{first}`")
    }
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

    // ------------------------------------------------------------ statements

    fn statement(&self, pair: Pair<'_>) -> Result<Statement> {
        let mut mode = Mode::Run;
        let mut query = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::mode => {
                    let kw = self.next(&mut p.into_inner(), "EXPLAIN or PROFILE")?;
                    mode = if kw.as_rule() == Rule::kw_explain {
                        Mode::Explain
                    } else {
                        Mode::Profile
                    };
                }
                Rule::query => query = Some(self.query(p)?),
                _ => {}
            }
        }
        let query = query.ok_or_else(|| internal("a query"))?;
        Ok(Statement { mode, query })
    }

    fn query(&self, pair: Pair<'_>) -> Result<Query> {
        let mut inner = pair.into_inner();
        let first = self.single_query(self.next(&mut inner, "a query")?)?;
        let mut unions = Vec::new();
        while let Some(union) = inner.next() {
            let all = union.into_inner().any(|p| p.as_rule() == Rule::kw_all);
            let part = self.single_query(self.next(&mut inner, "a query after UNION")?)?;
            unions.push((all, part));
        }
        Ok(Query { first, unions })
    }

    fn single_query(&self, pair: Pair<'_>) -> Result<SingleQuery> {
        let end = pair.as_span().end();
        let mut clauses = Vec::new();
        let mut return_seen = false;
        let mut last_name = "";
        for clause in pair.into_inner() {
            let start = clause.as_span().start();
            if return_seen {
                return Err(self.error_at(
                    start,
                    "RETURN must be the last clause of a query; use WITH to carry on after it",
                ));
            }
            let built = self.clause(clause)?;
            last_name = clause_name(&built);
            return_seen = matches!(built, Clause::Return(_));
            clauses.push(built);
        }
        if !matches!(
            clauses.last(),
            Some(
                Clause::Return(_)
                    | Clause::Create(_)
                    | Clause::Merge { .. }
                    | Clause::Set(_)
                    | Clause::Remove(_)
                    | Clause::Delete { .. }
                    | Clause::Call(_)
            )
        ) {
            return Err(self.error_at(
                end,
                format!(
                    "a query cannot end with {last_name}; add a RETURN clause \
                     (or an update such as CREATE or SET)"
                ),
            ));
        }
        Ok(SingleQuery { clauses })
    }

    fn clause(&self, pair: Pair<'_>) -> Result<Clause> {
        let clause = self.next(&mut pair.into_inner(), "a clause")?;
        match clause.as_rule() {
            Rule::match_clause => {
                let mut optional = false;
                let mut patterns = Vec::new();
                let mut where_ = None;
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::kw_optional => optional = true,
                        Rule::pattern => patterns = self.pattern(p)?.0,
                        Rule::where_clause => where_ = Some(self.where_clause(p)?.0),
                        _ => {}
                    }
                }
                Ok(Clause::Match {
                    optional,
                    patterns,
                    where_,
                })
            }
            Rule::unwind_clause => {
                let mut inner = clause.into_inner();
                let expr = self
                    .expression(self.next_significant(&mut inner, "UNWIND")?)?
                    .0;
                let variable = self.name(self.next_significant(&mut inner, "AS")?)?;
                Ok(Clause::Unwind { expr, variable })
            }
            Rule::with_clause => {
                let mut projection = None;
                let mut where_ = None;
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::projection => projection = Some(self.projection(p)?),
                        Rule::where_clause => where_ = Some(self.where_clause(p)?.0),
                        _ => {}
                    }
                }
                let mut projection = projection.ok_or_else(|| internal("WITH"))?;
                projection.where_ = where_;
                Ok(Clause::With(projection))
            }
            Rule::return_clause => {
                let p = self.next_significant(&mut clause.into_inner(), "RETURN")?;
                Ok(Clause::Return(self.projection(p)?))
            }
            Rule::create_clause => {
                let p = self.next_significant(&mut clause.into_inner(), "CREATE")?;
                Ok(Clause::Create(self.pattern(p)?.0))
            }
            Rule::merge_clause => {
                let mut pattern = None;
                let mut on_create = Vec::new();
                let mut on_match = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::path_pattern => pattern = Some(self.path_pattern(p)?.0),
                        Rule::merge_action => {
                            let mut is_create = false;
                            let mut items = Vec::new();
                            for q in p.into_inner() {
                                match q.as_rule() {
                                    Rule::kw_create => is_create = true,
                                    Rule::kw_on | Rule::kw_match | Rule::kw_set | Rule::comma => {}
                                    _ => items.push(self.set_item(q)?),
                                }
                            }
                            if is_create {
                                on_create.extend(items);
                            } else {
                                on_match.extend(items);
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Clause::Merge {
                    pattern: pattern.ok_or_else(|| internal("MERGE"))?,
                    on_create,
                    on_match,
                })
            }
            Rule::set_clause => {
                let mut items = Vec::new();
                for p in clause.into_inner() {
                    if !is_noise(p.as_rule()) {
                        items.push(self.set_item(p)?);
                    }
                }
                Ok(Clause::Set(items))
            }
            Rule::remove_clause => {
                let mut items = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::remove_property => {
                            let target = self.next(&mut p.into_inner(), "a property")?;
                            let (target, key) = self.property_target(target)?;
                            items.push(RemoveItem::Property { target, key });
                        }
                        Rule::remove_labels => {
                            let (variable, labels) = self.variable_labels(p)?;
                            items.push(RemoveItem::Labels { variable, labels });
                        }
                        _ => {}
                    }
                }
                Ok(Clause::Remove(items))
            }
            Rule::delete_clause => {
                let mut detach = false;
                let mut exprs = Vec::new();
                for p in clause.into_inner() {
                    match p.as_rule() {
                        Rule::kw_detach => detach = true,
                        Rule::expression => exprs.push(self.expression(p)?.0),
                        _ => {}
                    }
                }
                Ok(Clause::Delete { detach, exprs })
            }
            Rule::call_clause => self.call(clause).map(Clause::Call),
            _ => Err(internal("a known clause")),
        }
    }

    fn call(&self, pair: Pair<'_>) -> Result<Call> {
        let mut call = Call {
            procedure: String::new(),
            args: None,
            yield_: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::procedure_name => {
                    let parts = p
                        .into_inner()
                        .map(|part| self.name(part))
                        .collect::<Result<Vec<_>>>()?;
                    call.procedure = parts.join(".");
                }
                Rule::call_args => {
                    let mut args = Vec::new();
                    for a in p.into_inner() {
                        if a.as_rule() == Rule::expression {
                            args.push(self.expression(a)?.0);
                        }
                    }
                    call.args = Some(args);
                }
                Rule::yield_clause => {
                    let mut y = Yield {
                        star: false,
                        items: Vec::new(),
                        where_: None,
                    };
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::star => y.star = true,
                            Rule::yield_item => {
                                let mut inner = q.into_inner().filter(|r| !is_noise(r.as_rule()));
                                let column =
                                    self.name(inner.next().ok_or_else(|| internal("a column"))?)?;
                                let alias = inner.next().map(|a| self.name(a)).transpose()?;
                                y.items.push(YieldItem { column, alias });
                            }
                            Rule::where_clause => y.where_ = Some(self.where_clause(q)?.0),
                            _ => {}
                        }
                    }
                    call.yield_ = Some(y);
                }
                _ => {}
            }
        }
        Ok(call)
    }

    fn where_clause(&self, pair: Pair<'_>) -> Result<Built> {
        let p = self.next_significant(&mut pair.into_inner(), "WHERE")?;
        self.expression(p)
    }

    fn projection(&self, pair: Pair<'_>) -> Result<Projection> {
        let mut projection = Projection {
            distinct: false,
            star: false,
            items: Vec::new(),
            order_by: Vec::new(),
            skip: None,
            limit: None,
            where_: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_distinct => projection.distinct = true,
                Rule::star => projection.star = true,
                Rule::projection_item => {
                    let mut inner = p.into_inner();
                    let expr_pair = self.next(&mut inner, "an expression")?;
                    let text = expr_pair.as_str().trim().to_string();
                    let expr = self.expression(expr_pair)?.0;
                    let alias = match inner.find(|q| q.as_rule() == Rule::variable) {
                        Some(v) => Some(self.name(v)?),
                        None => None,
                    };
                    let name = alias.clone().unwrap_or(text);
                    projection.items.push(ProjectionItem { expr, alias, name });
                }
                Rule::order_by => {
                    for item in p.into_inner().filter(|q| q.as_rule() == Rule::sort_item) {
                        let mut inner = item.into_inner();
                        let expr = self.expression(self.next(&mut inner, "a sort key")?)?.0;
                        let descending = inner.next().is_some_and(|d| {
                            matches!(d.as_rule(), Rule::kw_desc | Rule::kw_descending)
                        });
                        projection.order_by.push(SortItem { expr, descending });
                    }
                }
                Rule::skip => {
                    let e = self.next_significant(&mut p.into_inner(), "SKIP")?;
                    projection.skip = Some(self.expression(e)?.0);
                }
                Rule::limit => {
                    let e = self.next_significant(&mut p.into_inner(), "LIMIT")?;
                    projection.limit = Some(self.expression(e)?.0);
                }
                _ => {}
            }
        }
        Ok(projection)
    }

    fn set_item(&self, pair: Pair<'_>) -> Result<SetItem> {
        let rule = pair.as_rule();
        if rule == Rule::set_labels {
            let (variable, labels) = self.variable_labels(pair)?;
            return Ok(SetItem::Labels { variable, labels });
        }
        let mut inner = pair.into_inner();
        let first = self.next(&mut inner, "a set target")?;
        let value = self
            .expression(self.next_significant(&mut inner, "a value")?)?
            .0;
        match rule {
            Rule::set_property => {
                let (target, key) = self.property_target(first)?;
                Ok(SetItem::Property { target, key, value })
            }
            Rule::set_merge => Ok(SetItem::Merge {
                variable: self.name(first)?,
                value,
            }),
            Rule::set_replace => Ok(SetItem::Replace {
                variable: self.name(first)?,
                value,
            }),
            _ => Err(internal("a set item")),
        }
    }

    /// `atom.a.b.key`: the target `atom.a.b` and the last key.
    fn property_target(&self, pair: Pair<'_>) -> Result<(Expr, String)> {
        let mut inner = pair.into_inner();
        let atom = self.next(&mut inner, "a property target")?;
        let start = atom.as_span().start();
        let (mut target, mut depth) = self.atom(atom)?;
        let mut keys: Vec<String> = Vec::new();
        for lookup in inner {
            let key = self.next_significant(&mut lookup.into_inner(), "a key")?;
            keys.push(self.name(key)?);
        }
        let last = keys.pop().ok_or_else(|| internal("a property key"))?;
        for key in keys {
            depth += 1;
            (target, depth) = self.node(start, depth, Expr::Property(Box::new(target), key))?;
        }
        Ok((target, last))
    }

    /// `n:A:B` in SET and REMOVE.
    fn variable_labels(&self, pair: Pair<'_>) -> Result<(String, Vec<String>)> {
        let mut inner = pair.into_inner();
        let variable = self.name(self.next(&mut inner, "a variable")?)?;
        let labels = self.labels(self.next(&mut inner, "labels")?)?;
        Ok((variable, labels))
    }

    fn labels(&self, pair: Pair<'_>) -> Result<Vec<String>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::schema_name)
            .map(|p| self.name(p))
            .collect()
    }

    // -------------------------------------------------------------- patterns

    /// Comma-separated path patterns and their deepest expression.
    fn pattern(&self, pair: Pair<'_>) -> Result<(Vec<PathPattern>, usize)> {
        let mut patterns = Vec::new();
        let mut depth = 0;
        for p in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::path_pattern)
        {
            let (pattern, d) = self.path_pattern(p)?;
            patterns.push(pattern);
            depth = depth.max(d);
        }
        Ok((patterns, depth))
    }

    fn path_pattern(&self, pair: Pair<'_>) -> Result<(PathPattern, usize)> {
        let mut variable = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => variable = Some(self.name(p)?),
                Rule::pattern_element => {
                    return self.pattern_element(p, variable, PathKind::Normal);
                }
                Rule::shortest_path | Rule::all_shortest_paths => {
                    let kind = if p.as_rule() == Rule::shortest_path {
                        PathKind::Shortest
                    } else {
                        PathKind::AllShortest
                    };
                    let element = p
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::pattern_element)
                        .ok_or_else(|| internal("a pattern"))?;
                    return self.pattern_element(element, variable, kind);
                }
                _ => {}
            }
        }
        Err(internal("a path pattern"))
    }

    /// A node followed by (relationship, node) steps; used for `pattern_element`
    /// and `relationships_pattern`.
    fn pattern_element(
        &self,
        pair: Pair<'_>,
        variable: Option<String>,
        kind: PathKind,
    ) -> Result<(PathPattern, usize)> {
        let mut inner = pair.into_inner();
        let (start, mut depth) = self.node_pattern(self.next(&mut inner, "a node")?)?;
        let mut steps = Vec::new();
        while let Some(rel) = inner.next() {
            let (rel, d1) = self.rel_pattern(rel)?;
            let (node, d2) = self.node_pattern(self.next(&mut inner, "a node")?)?;
            depth = depth.max(d1).max(d2);
            steps.push((rel, node));
        }
        Ok((
            PathPattern {
                variable,
                kind,
                start,
                steps,
            },
            depth + 1,
        ))
    }

    fn node_pattern(&self, pair: Pair<'_>) -> Result<(NodePattern, usize)> {
        let mut node = NodePattern {
            variable: None,
            labels: Vec::new(),
            properties: None,
        };
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => node.variable = Some(self.name(p)?),
                Rule::node_labels => node.labels = self.labels(p)?,
                Rule::map_literal | Rule::parameter => {
                    let (e, d) = self.atom(p)?;
                    node.properties = Some(e);
                    depth = d;
                }
                _ => {}
            }
        }
        Ok((node, depth))
    }

    fn rel_pattern(&self, pair: Pair<'_>) -> Result<(RelPattern, usize)> {
        let mut left = false;
        let mut right = false;
        let mut rel = RelPattern {
            variable: None,
            types: Vec::new(),
            direction: Direction::Both,
            length: None,
            properties: None,
        };
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::left_arrow => left = true,
                Rule::right_arrow => right = true,
                Rule::rel_detail => {
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::variable => rel.variable = Some(self.name(q)?),
                            Rule::rel_types => {
                                rel.types = q
                                    .into_inner()
                                    .filter(|t| t.as_rule() == Rule::schema_name)
                                    .map(|t| self.name(t))
                                    .collect::<Result<_>>()?;
                            }
                            Rule::range => rel.length = Some(self.range(q)?),
                            Rule::map_literal | Rule::parameter => {
                                let (e, d) = self.atom(q)?;
                                rel.properties = Some(e);
                                depth = d;
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        rel.direction = match (left, right) {
            (true, false) => Direction::Incoming,
            (false, true) => Direction::Outgoing,
            _ => Direction::Both,
        };
        Ok((rel, depth))
    }

    fn range(&self, pair: Pair<'_>) -> Result<Range> {
        let mut range = Range {
            min: None,
            max: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::range_exact => {
                    let n = self.hops(&p)?;
                    range = Range {
                        min: Some(n),
                        max: Some(n),
                    };
                }
                Rule::range_bounds => {
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::range_min => range.min = Some(self.hops(&q)?),
                            Rule::range_max => range.max = Some(self.hops(&q)?),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(range)
    }

    fn hops(&self, pair: &Pair<'_>) -> Result<u64> {
        pair.as_str().parse().map_err(|_| {
            self.error_at(
                pair.as_span().start(),
                format!("the length {} is too large", pair.as_str()),
            )
        })
    }

    // ----------------------------------------------------------- expressions

    fn expression(&self, pair: Pair<'_>) -> Result<Built> {
        BOOLEAN
            .map_primary(|p| self.not_expr(p))
            .map_infix(|lhs, op, rhs| {
                let (l, dl) = lhs?;
                let (r, dr) = rhs?;
                let bin = match op.as_rule() {
                    Rule::kw_or => BinaryOp::Or,
                    Rule::kw_xor => BinaryOp::Xor,
                    _ => BinaryOp::And,
                };
                self.node(
                    op.as_span().start(),
                    dl.max(dr) + 1,
                    Expr::Binary(bin, Box::new(l), Box::new(r)),
                )
            })
            .parse(pair.into_inner())
    }

    fn not_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let mut nots = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_not => nots.push(p.as_span().start()),
                _ => operand = Some(p),
            }
        }
        let (mut expr, mut depth) =
            self.comparison(operand.ok_or_else(|| internal("an operand of NOT"))?)?;
        for start in nots.into_iter().rev() {
            (expr, depth) =
                self.node(start, depth + 1, Expr::Unary(UnaryOp::Not, Box::new(expr)))?;
        }
        Ok((expr, depth))
    }

    /// `a < b` and chains such as `1 < x <= 3`, which mean `1 < x AND x <= 3`.
    fn comparison(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let mut operands = vec![self.predicate_expr(self.next(&mut inner, "an operand")?)?];
        let mut ops = Vec::new();
        while let Some(op) = inner.next() {
            let bin = match op.as_rule() {
                Rule::op_ne => BinaryOp::Ne,
                Rule::op_le => BinaryOp::Le,
                Rule::op_ge => BinaryOp::Ge,
                Rule::op_lt => BinaryOp::Lt,
                Rule::op_gt => BinaryOp::Gt,
                _ => BinaryOp::Eq,
            };
            ops.push((op.as_span().start(), bin));
            operands.push(self.predicate_expr(self.next(&mut inner, "an operand")?)?);
        }
        let last = ops.len();
        let mut operands = operands.into_iter();
        let mut left = operands.next().ok_or_else(|| internal("an operand"))?;
        let mut result: Option<Built> = None;
        for (i, ((start, bin), right)) in ops.into_iter().zip(operands).enumerate() {
            // The middle operands of a chain are used twice.
            let next_left = if i + 1 < last {
                right.clone()
            } else {
                (Expr::Literal(Literal::Null), 0)
            };
            let depth = left.1.max(right.1) + 1;
            let part = self.node(
                start,
                depth,
                Expr::Binary(bin, Box::new(left.0), Box::new(right.0)),
            )?;
            result = Some(match result {
                None => part,
                Some(acc) => {
                    let depth = acc.1.max(part.1) + 1;
                    self.node(
                        start,
                        depth,
                        Expr::Binary(BinaryOp::And, Box::new(acc.0), Box::new(part.0)),
                    )?
                }
            });
            left = next_left;
        }
        Ok(result.unwrap_or(left))
    }

    fn predicate_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let (mut expr, mut depth) = self.arith(self.next(&mut inner, "an operand")?)?;
        for suffix in inner {
            let start = suffix.as_span().start();
            let rule = suffix.as_rule();
            let new = match rule {
                Rule::is_null | Rule::is_not_null => {
                    depth += 1;
                    Expr::IsNull {
                        expr: Box::new(expr),
                        negated: rule == Rule::is_not_null,
                    }
                }
                _ => {
                    let op = match rule {
                        Rule::starts_with => BinaryOp::StartsWith,
                        Rule::ends_with => BinaryOp::EndsWith,
                        Rule::contains => BinaryOp::Contains,
                        Rule::in_list => BinaryOp::In,
                        _ => BinaryOp::Regex,
                    };
                    let operand = suffix
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::arith)
                        .ok_or_else(|| internal("an operand"))?;
                    let (r, dr) = self.arith(operand)?;
                    depth = depth.max(dr) + 1;
                    Expr::Binary(op, Box::new(expr), Box::new(r))
                }
            };
            (expr, depth) = self.node(start, depth, new)?;
        }
        Ok((expr, depth))
    }

    fn arith(&self, pair: Pair<'_>) -> Result<Built> {
        ARITHMETIC
            .map_primary(|p| self.unary(p))
            .map_infix(|lhs, op, rhs| {
                let (l, dl) = lhs?;
                let (r, dr) = rhs?;
                let bin = match op.as_rule() {
                    Rule::op_add => BinaryOp::Add,
                    Rule::op_sub => BinaryOp::Sub,
                    Rule::op_mul => BinaryOp::Mul,
                    Rule::op_div => BinaryOp::Div,
                    Rule::op_mod => BinaryOp::Mod,
                    _ => BinaryOp::Pow,
                };
                self.node(
                    op.as_span().start(),
                    dl.max(dr) + 1,
                    Expr::Binary(bin, Box::new(l), Box::new(r)),
                )
            })
            .parse(pair.into_inner())
    }

    fn unary(&self, pair: Pair<'_>) -> Result<Built> {
        let mut ops: Vec<(usize, UnaryOp)> = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::op_neg => ops.push((p.as_span().start(), UnaryOp::Neg)),
                Rule::op_pos => ops.push((p.as_span().start(), UnaryOp::Pos)),
                _ => operand = Some(p),
            }
        }
        let operand = operand.ok_or_else(|| internal("an operand"))?;
        // A minus right before a number literal makes a negative literal, so that
        // `-9223372036854775808` is the smallest integer rather than an overflow.
        let (mut expr, mut depth) = match (ops.last(), bare_number(&operand)) {
            (Some(&(_, UnaryOp::Neg)), Some(number)) => {
                ops.pop();
                (Expr::Literal(self.number(number, true)?), 1)
            }
            _ => self.postfix(operand)?,
        };
        for (start, op) in ops.into_iter().rev() {
            (expr, depth) = self.node(start, depth + 1, Expr::Unary(op, Box::new(expr)))?;
        }
        Ok((expr, depth))
    }

    fn postfix(&self, pair: Pair<'_>) -> Result<Built> {
        let mut inner = pair.into_inner();
        let atom = self.next(&mut inner, "an operand")?;
        let (mut expr, mut depth) = self.atom(atom)?;
        for op in inner {
            let start = op.as_span().start();
            let new = match op.as_rule() {
                Rule::property_lookup => {
                    let key = self.next_significant(&mut op.into_inner(), "a key")?;
                    depth += 1;
                    Expr::Property(Box::new(expr), self.name(key)?)
                }
                Rule::node_labels => {
                    depth += 1;
                    Expr::HasLabels(Box::new(expr), self.labels(op)?)
                }
                _ => {
                    // A subscript: `[i]`, `[a..b]`, `[..b]`, `[a..]`.
                    let mut index = None;
                    let mut slice = None;
                    for q in op.into_inner() {
                        match q.as_rule() {
                            Rule::expression => index = Some(self.expression(q)?),
                            Rule::slice_tail => {
                                let to = match q
                                    .into_inner()
                                    .find(|r| r.as_rule() == Rule::expression)
                                {
                                    Some(e) => Some(self.expression(e)?),
                                    None => None,
                                };
                                slice = Some(to);
                            }
                            _ => {}
                        }
                    }
                    match (index, slice) {
                        (Some((i, di)), None) => {
                            depth = depth.max(di) + 1;
                            Expr::Index(Box::new(expr), Box::new(i))
                        }
                        (from, Some(to)) => {
                            let df = from.as_ref().map_or(0, |f| f.1);
                            let dt = to.as_ref().map_or(0, |t| t.1);
                            depth = depth.max(df).max(dt) + 1;
                            Expr::Slice(
                                Box::new(expr),
                                from.map(|f| Box::new(f.0)),
                                to.map(|t| Box::new(t.0)),
                            )
                        }
                        (None, None) => return Err(internal("a subscript")),
                    }
                }
            };
            (expr, depth) = self.node(start, depth, new)?;
        }
        Ok((expr, depth))
    }

    fn atom(&self, pair: Pair<'_>) -> Result<Built> {
        let start = pair.as_span().start();
        match pair.as_rule() {
            Rule::int_lit | Rule::hex_lit | Rule::octal_lit | Rule::float_lit => {
                Ok((Expr::Literal(self.number(pair, false)?), 1))
            }
            Rule::string_lit => {
                let content = self.next(&mut pair.into_inner(), "a string")?;
                Ok((Expr::Literal(Literal::String(self.unescape(&content)?)), 1))
            }
            Rule::kw_true => Ok((Expr::Literal(Literal::Bool(true)), 1)),
            Rule::kw_false => Ok((Expr::Literal(Literal::Bool(false)), 1)),
            Rule::kw_null => Ok((Expr::Literal(Literal::Null), 1)),
            Rule::parameter => {
                let at = pair.as_span().start();
                let name = self.next(&mut pair.into_inner(), "a parameter name")?;
                let name = match name.as_rule() {
                    Rule::param_index => name.as_str().to_string(),
                    _ => self.name_token(&name),
                };
                self.place(Subject::Parameter(name.clone()), at);
                Ok((Expr::Parameter(name), 1))
            }
            Rule::count_star => {
                self.place(Subject::Function("count".into()), pair.as_span().start());
                Ok((Expr::CountStar, 1))
            }
            Rule::variable => {
                let at = pair.as_span().start();
                let name = self.name(pair)?;
                self.place(Subject::Variable(name.clone()), at);
                Ok((Expr::Variable(name), 1))
            }
            Rule::parenthesized => {
                let e = self.next_significant(&mut pair.into_inner(), "an expression")?;
                self.expression(e)
            }
            Rule::list_literal => self.list_literal(pair, start),
            Rule::map_literal => self.map_literal(pair, start),
            Rule::case_expr => self.case_expr(pair),
            Rule::list_comprehension => self.list_comprehension(pair, start),
            Rule::pattern_comprehension => self.pattern_comprehension(pair, start),
            Rule::quantified => self.quantified(pair, start),
            Rule::reduce_expr => self.reduce_expr(pair, start),
            Rule::exists_expr => self.exists_expr(pair, start),
            Rule::count_subquery => self.count_subquery(pair, start),
            Rule::function_call => self.function_call(pair, start),
            Rule::pattern_predicate => {
                let p = self.next(&mut pair.into_inner(), "a pattern")?;
                let (pattern, depth) = self.pattern_element(p, None, PathKind::Normal)?;
                self.node(start, depth + 1, Expr::PatternPredicate(Box::new(pattern)))
            }
            _ => Err(internal("an expression")),
        }
    }

    fn list_literal(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut items = Vec::new();
        let mut depth = 0;
        for p in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::expression)
        {
            let (e, d) = self.expression(p)?;
            depth = depth.max(d);
            items.push(e);
        }
        self.node(start, depth + 1, Expr::List(items))
    }

    fn map_literal(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut entries = Vec::new();
        let mut depth = 0;
        for entry in pair.into_inner().filter(|p| p.as_rule() == Rule::map_entry) {
            let mut inner = entry.into_inner();
            let key = self.name(self.next(&mut inner, "a key")?)?;
            let (e, d) = self.expression(self.next_significant(&mut inner, "a value")?)?;
            depth = depth.max(d);
            entries.push((key, e));
        }
        self.node(start, depth + 1, Expr::Map(entries))
    }

    fn list_comprehension(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, mut depth) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let mut filter = None;
        let mut map = None;
        for p in inner {
            match p.as_rule() {
                Rule::comp_where => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                Rule::comp_map => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    map = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::ListComprehension {
                variable,
                list: Box::new(list),
                filter,
                map,
            },
        )
    }

    fn pattern_comprehension(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut variable = None;
        let mut pattern = None;
        let mut filter = None;
        let mut map = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => variable = Some(self.name(p)?),
                Rule::relationships_pattern => {
                    let (pat, d) = self.pattern_element(p, variable.take(), PathKind::Normal)?;
                    depth = depth.max(d);
                    pattern = Some(pat);
                }
                Rule::comp_where => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                Rule::comp_map => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    map = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::PatternComprehension {
                pattern: Box::new(pattern.ok_or_else(|| internal("a pattern"))?),
                filter,
                map: map.ok_or_else(|| internal("`|`"))?,
            },
        )
    }

    fn quantified(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let q = self.next(&mut inner, "a quantifier")?;
        let quantifier = match self.next(&mut q.into_inner(), "a quantifier")?.as_rule() {
            Rule::kw_all => Quantifier::All,
            Rule::kw_any => Quantifier::Any,
            Rule::kw_none => Quantifier::None,
            _ => Quantifier::Single,
        };
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, dl) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let (predicate, dp) = self.expression(self.next_significant(&mut inner, "a predicate")?)?;
        self.node(
            start,
            dl.max(dp) + 1,
            Expr::Quantified {
                quantifier,
                variable,
                list: Box::new(list),
                predicate: Box::new(predicate),
            },
        )
    }

    fn reduce_expr(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut inner = pair.into_inner();
        let accumulator = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (init, d1) = self.expression(self.next_significant(&mut inner, "a value")?)?;
        let variable = self.name(self.next_significant(&mut inner, "a variable")?)?;
        let (list, d2) = self.expression(self.next_significant(&mut inner, "a list")?)?;
        let (expr, d3) = self.expression(self.next_significant(&mut inner, "an expression")?)?;
        self.node(
            start,
            d1.max(d2).max(d3) + 1,
            Expr::Reduce {
                accumulator,
                init: Box::new(init),
                variable,
                list: Box::new(list),
                expr: Box::new(expr),
            },
        )
    }

    fn exists_expr(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut patterns = Vec::new();
        let mut where_ = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pattern => {
                    let (ps, d) = self.pattern(p)?;
                    depth = depth.max(d);
                    patterns = ps;
                }
                Rule::where_clause => {
                    let (e, d) = self.where_clause(p)?;
                    depth = depth.max(d);
                    where_ = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(start, depth + 1, Expr::Exists { patterns, where_ })
    }

    /// `COUNT { pattern WHERE pred }` is read as `size([pattern WHERE pred | 1])`,
    /// which counts the same matches.
    fn count_subquery(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut pattern = None;
        let mut filter = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::path_pattern => {
                    let at = p.as_span().start();
                    let (pp, d) = self.path_pattern(p)?;
                    if pp.steps.is_empty() || pp.kind != PathKind::Normal {
                        return Err(self.error_at(
                            at,
                            "COUNT { } counts a pattern with at least one relationship, such as `(a)-[:CLAIMS]->(s)`",
                        ));
                    }
                    depth = depth.max(d);
                    pattern = Some(pp);
                }
                Rule::where_clause => {
                    let (e, d) = self.where_clause(p)?;
                    depth = depth.max(d);
                    filter = Some(Box::new(e));
                }
                _ => {}
            }
        }
        let comprehension = Expr::PatternComprehension {
            pattern: Box::new(pattern.ok_or_else(|| internal("a pattern"))?),
            filter,
            map: Box::new(Expr::Literal(Literal::Int(1))),
        };
        self.node(
            start,
            depth + 2,
            Expr::Function {
                name: "size".into(),
                distinct: false,
                args: vec![comprehension],
            },
        )
    }

    fn function_call(&self, pair: Pair<'_>, start: usize) -> Result<Built> {
        let mut name = String::new();
        let mut distinct = false;
        let mut args = Vec::new();
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::function_name => {
                    let at = p.as_span().start();
                    let mut parts = Vec::new();
                    for token in p.into_inner() {
                        parts.push(match token.as_rule() {
                            Rule::kw_exists | Rule::namespace => token.as_str().to_string(),
                            _ => self.name_token(&token),
                        });
                    }
                    if parts.is_empty() {
                        return Err(internal("a function name"));
                    }
                    name = parts.join(".");
                    self.place(Subject::Function(name.clone()), at);
                }
                Rule::kw_distinct => distinct = true,
                Rule::expression => {
                    let (e, d) = self.expression(p)?;
                    depth = depth.max(d);
                    args.push(e);
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::Function {
                name,
                distinct,
                args,
            },
        )
    }

    /// The expression inside `WHERE expr` or `| expr` of a comprehension.
    fn sub_expression(&self, pair: Pair<'_>) -> Result<Built> {
        let e = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::expression)
            .ok_or_else(|| internal("an expression"))?;
        self.expression(e)
    }

    fn case_expr(&self, pair: Pair<'_>) -> Result<Built> {
        let start = pair.as_span().start();
        let mut subject = None;
        let mut whens = Vec::new();
        let mut else_ = None;
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expression => {
                    let (e, d) = self.expression(p)?;
                    depth = depth.max(d);
                    subject = Some(Box::new(e));
                }
                Rule::case_when => {
                    let mut parts = p.into_inner().filter(|q| q.as_rule() == Rule::expression);
                    let (w, d1) = self.expression(parts.next().ok_or_else(|| internal("WHEN"))?)?;
                    let (t, d2) = self.expression(parts.next().ok_or_else(|| internal("THEN"))?)?;
                    depth = depth.max(d1).max(d2);
                    whens.push((w, t));
                }
                Rule::case_else => {
                    let (e, d) = self.sub_expression(p)?;
                    depth = depth.max(d);
                    else_ = Some(Box::new(e));
                }
                _ => {}
            }
        }
        self.node(
            start,
            depth + 1,
            Expr::Case {
                subject,
                whens,
                else_,
            },
        )
    }

    // -------------------------------------------------------------- literals

    /// A number literal, negated when a minus stands right before it.
    fn number(&self, pair: Pair<'_>, negative: bool) -> Result<Literal> {
        let text = pair.as_str();
        let start = pair.as_span().start();
        let sign = if negative { "-" } else { "" };
        if pair.as_rule() == Rule::float_lit {
            let value: f64 = text.parse().map_err(|_| {
                self.error_at(
                    start,
                    format!("`{text}` is not a valid floating-point number"),
                )
            })?;
            if !value.is_finite() {
                return Err(self.error_at(
                    start,
                    format!("the number {sign}{text} is too large for a floating-point value"),
                ));
            }
            return Ok(Literal::Float(if negative { -value } else { value }));
        }
        let (digits, radix) = match pair.as_rule() {
            Rule::hex_lit => (&text[2..], 16),
            Rule::octal_lit => (&text[2..], 8),
            _ => (text, 10),
        };
        let magnitude = digits.chars().try_fold(0u64, |acc, c| {
            let digit = u64::from(c.to_digit(radix)?);
            acc.checked_mul(u64::from(radix))?.checked_add(digit)
        });
        let value = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        value.map(Literal::Int).ok_or_else(|| {
            self.error_at(
                start,
                format!(
                    "the integer {sign}{text} is too large: integers range from {} to {}",
                    i64::MIN,
                    i64::MAX
                ),
            )
        })
    }

    /// The text of a string literal with its escapes resolved.
    fn unescape(&self, content: &Pair<'_>) -> Result<String> {
        let text = content.as_str();
        let base = content.as_span().start();
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let bad = |message: &str| self.error_at(base + i, message.to_string());
            let Some((_, e)) = chars.next() else {
                return Err(bad("a backslash at the end of a string escapes nothing"));
            };
            match e {
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' | 'U' => {
                    let len = if e == 'u' { 4 } else { 8 };
                    let code = hex_code(&mut chars, len).ok_or_else(|| {
                        bad(&format!(
                            "`\\{e}` must be followed by {len} hexadecimal digits"
                        ))
                    })?;
                    let ch = if (0xD800..0xDC00).contains(&code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        let mut look = chars.clone();
                        let low = match (look.next(), look.next()) {
                            (Some((_, '\\')), Some((_, 'u'))) => hex_code(&mut look, 4),
                            _ => None,
                        };
                        match low {
                            Some(low) if (0xDC00..0xE000).contains(&low) => {
                                chars = look;
                                char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                            }
                            _ => None,
                        }
                    } else {
                        char::from_u32(code)
                    };
                    out.push(
                        ch.ok_or_else(|| bad("this escape does not stand for a valid character"))?,
                    );
                }
                other => {
                    return Err(bad(&format!(
                        "unknown escape `\\{other}` in a string; use `\\\\` for a backslash"
                    )))
                }
            }
        }
        Ok(out)
    }

    // ----------------------------------------------------------------- names

    /// The name in a `variable` or `schema_name` pair.
    fn name(&self, pair: Pair<'_>) -> Result<String> {
        let token = self.next(&mut pair.into_inner(), "a name")?;
        Ok(self.name_token(&token))
    }

    /// A `plain_name` as typed, or an `escaped_name` without its backquotes.
    fn name_token(&self, token: &Pair<'_>) -> String {
        let text = token.as_str();
        if token.as_rule() == Rule::escaped_name && text.len() >= 2 {
            text[1..text.len() - 1].replace("``", "`")
        } else {
            text.to_string()
        }
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
mod tests {
    use super::*;

    fn statement(text: &str) -> Statement {
        match parse(text) {
            Ok(s) => s,
            Err(e) => panic!("{text:?} does not parse:\n{e}"),
        }
    }

    fn clauses(text: &str) -> Vec<Clause> {
        statement(text).query.first.clauses
    }

    /// The expression of `RETURN <text>`.
    fn expr(text: &str) -> Expr {
        match clauses(&format!("RETURN {text}")).remove(0) {
            Clause::Return(mut p) => p.items.remove(0).expr,
            other => panic!("not a RETURN: {other:?}"),
        }
    }

    /// The diagnostic of a query that must not parse.
    fn error(text: &str) -> Diagnostic {
        match parse(text) {
            Ok(s) => panic!("{text:?} parsed as {s:?}"),
            Err(Error::Input(d)) => d.items[0].clone(),
            Err(other) => panic!("{text:?}: not an input error: {other:?}"),
        }
    }

    fn int(i: i64) -> Expr {
        Expr::Literal(Literal::Int(i))
    }

    fn var(v: &str) -> Expr {
        Expr::Variable(v.to_string())
    }

    fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    fn prop(e: Expr, key: &str) -> Expr {
        Expr::Property(Box::new(e), key.to_string())
    }

    #[test]
    fn arithmetic_precedence_and_associativity() {
        use BinaryOp::*;
        assert_eq!(
            expr("1 + 2 * 3"),
            bin(Add, int(1), bin(Mul, int(2), int(3)))
        );
        assert_eq!(
            expr("1 - 2 - 3"),
            bin(Sub, bin(Sub, int(1), int(2)), int(3))
        );
        assert_eq!(
            expr("2 ^ 3 ^ 2"),
            bin(Pow, bin(Pow, int(2), int(3)), int(2))
        );
        assert_eq!(
            expr("(1 + 2) % 3"),
            bin(Mod, bin(Add, int(1), int(2)), int(3))
        );
        assert_eq!(
            expr("a * b ^ 2"),
            bin(Mul, var("a"), bin(Pow, var("b"), int(2)))
        );
        // Unary minus binds tighter than `^`, and folds into a number literal.
        assert_eq!(expr("-2 ^ 2"), bin(Pow, int(-2), int(2)));
        assert_eq!(
            expr("-a ^ 2"),
            bin(Pow, Expr::Unary(UnaryOp::Neg, Box::new(var("a"))), int(2))
        );
        assert_eq!(expr("- -1"), Expr::Unary(UnaryOp::Neg, Box::new(int(-1))));
        assert_eq!(expr("+1"), Expr::Unary(UnaryOp::Pos, Box::new(int(1))));
    }

    #[test]
    fn boolean_precedence() {
        use BinaryOp::*;
        let not = |e| Expr::Unary(UnaryOp::Not, Box::new(e));
        assert_eq!(
            expr("a OR b XOR c AND d"),
            bin(
                Or,
                var("a"),
                bin(Xor, var("b"), bin(And, var("c"), var("d")))
            )
        );
        assert_eq!(expr("NOT a = b"), not(bin(Eq, var("a"), var("b"))));
        assert_eq!(expr("NOT NOT a"), not(not(var("a"))));
        assert_eq!(expr("a AND NOT b"), bin(And, var("a"), not(var("b"))));
        assert_eq!(expr("nOt_x"), var("nOt_x"), "keywords need a word boundary");
        assert_eq!(expr("ORx"), var("ORx"));
    }

    #[test]
    fn comparisons_chain_and_predicates_bind_tighter() {
        use BinaryOp::*;
        let x = prop(var("n"), "x");
        assert_eq!(
            expr("1 < n.x <= 3"),
            bin(And, bin(Lt, int(1), x.clone()), bin(Le, x.clone(), int(3)))
        );
        assert_eq!(
            expr("(1 < 2) < 3"),
            bin(Lt, bin(Lt, int(1), int(2)), int(3))
        );
        assert_eq!(expr("a <> b"), bin(Ne, var("a"), var("b")));
        assert_eq!(expr("a >= b"), bin(Ge, var("a"), var("b")));
        assert_eq!(
            expr("a = b IN c"),
            bin(Eq, var("a"), bin(In, var("b"), var("c")))
        );
        assert_eq!(
            expr("a + 1 IN c"),
            bin(In, bin(Add, var("a"), int(1)), var("c"))
        );
        assert_eq!(
            expr("s STARTS WITH 'a' AND s ends with 'b'"),
            bin(
                And,
                bin(
                    StartsWith,
                    var("s"),
                    Expr::Literal(Literal::String("a".into()))
                ),
                bin(
                    EndsWith,
                    var("s"),
                    Expr::Literal(Literal::String("b".into()))
                )
            )
        );
        assert_eq!(expr("s CONTAINS t"), bin(Contains, var("s"), var("t")));
        assert_eq!(expr("s =~ t"), bin(Regex, var("s"), var("t")));
        assert_eq!(
            expr("n.x iS NoT NuLl"),
            Expr::IsNull {
                expr: Box::new(x.clone()),
                negated: true
            }
        );
        assert_eq!(
            expr("a IS NULL = true"),
            bin(
                Eq,
                Expr::IsNull {
                    expr: Box::new(var("a")),
                    negated: false
                },
                Expr::Literal(Literal::Bool(true))
            )
        );
    }

    #[test]
    fn postfix_operators() {
        assert_eq!(expr("n.a.b"), prop(prop(var("n"), "a"), "b"));
        assert_eq!(
            expr("l[0]"),
            Expr::Index(Box::new(var("l")), Box::new(int(0)))
        );
        assert_eq!(
            expr("l[1..3]"),
            Expr::Slice(
                Box::new(var("l")),
                Some(Box::new(int(1))),
                Some(Box::new(int(3)))
            )
        );
        assert_eq!(
            expr("l[..-1]"),
            Expr::Slice(Box::new(var("l")), None, Some(Box::new(int(-1))))
        );
        assert_eq!(
            expr("l[2..]"),
            Expr::Slice(Box::new(var("l")), Some(Box::new(int(2))), None)
        );
        assert_eq!(
            expr("n:Actor:`Big Org`"),
            Expr::HasLabels(Box::new(var("n")), vec!["Actor".into(), "Big Org".into()])
        );
        assert_eq!(expr("n.`a``b`"), prop(var("n"), "a`b"));
        assert_eq!(
            expr("n.end"),
            prop(var("n"), "end"),
            "keys may be reserved words"
        );
    }

    #[test]
    fn number_literals() {
        assert_eq!(expr("0x1F"), int(31));
        assert_eq!(expr("0o17"), int(15));
        assert_eq!(expr("-0x10"), int(-16));
        assert_eq!(expr("9223372036854775807"), int(i64::MAX));
        assert_eq!(expr("-9223372036854775808"), int(i64::MIN));
        assert_eq!(expr("1.5"), Expr::Literal(Literal::Float(1.5)));
        assert_eq!(expr(".5"), Expr::Literal(Literal::Float(0.5)));
        assert_eq!(expr("1e3"), Expr::Literal(Literal::Float(1000.0)));
        assert_eq!(expr("1.5e-3"), Expr::Literal(Literal::Float(0.0015)));
        assert_eq!(expr("-1.5E2"), Expr::Literal(Literal::Float(-150.0)));

        let d = error("RETURN 1 + 9223372036854775808");
        assert_eq!((d.line, d.column), (1, 12));
        assert!(d.message.contains("too large"), "{}", d.message);
        let d = error("RETURN -9223372036854775809");
        assert_eq!(d.column, 9);
        let d = error("RETURN 0x10000000000000000");
        assert!(d.message.contains("too large"), "{}", d.message);
        let d = error("RETURN 1e999");
        assert!(d.message.contains("too large"), "{}", d.message);
        let d = error(&format!("RETURN {}", "9".repeat(10_000)));
        assert_eq!(d.column, 8);
    }

    #[test]
    fn string_literals_and_escapes() {
        let s = |t: &str| match expr(t) {
            Expr::Literal(Literal::String(s)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(s(r#"'it\'s'"#), "it's");
        assert_eq!(s(r#""say \"hi\"""#), "say \"hi\"");
        assert_eq!(s(r#"'a\\b\n\t\r\b\f'"#), "a\\b\n\t\r\u{8}\u{c}");
        assert_eq!(s(r#"'\u00e9\U0001F600'"#), "é😀");
        assert_eq!(s(r#"'\uD83D\uDE00'"#), "😀");
        assert_eq!(s("'a // not a comment'"), "a // not a comment");
        assert_eq!(s("'multi\nline'"), "multi\nline");

        let d = error(r"RETURN 'bad \x escape'");
        assert_eq!(d.column, 13);
        assert!(d.message.contains("unknown escape `\\x`"), "{}", d.message);
        let d = error(r"RETURN '\u12'");
        assert!(d.message.contains("4 hexadecimal digits"), "{}", d.message);
        let d = error(r"RETURN '\uD800'");
        assert!(d.message.contains("valid character"), "{}", d.message);
    }

    #[test]
    fn names_keywords_and_comments() {
        let c = clauses("mAtCh (`weird ``name`:`Label X`) // comment\n/* block\n comment */ ReTuRn `weird ``name`;");
        match &c[0] {
            Clause::Match { patterns, .. } => {
                assert_eq!(patterns[0].start.variable.as_deref(), Some("weird `name"));
                assert_eq!(patterns[0].start.labels, vec!["Label X".to_string()]);
            }
            other => panic!("{other:?}"),
        }
        // A keyword glued to a name is a name.
        let d = error("MATCHn RETURN n");
        assert_eq!(d.column, 1);
        // Reserved words are variables only when backquoted.
        assert!(parse("MATCH (match) RETURN 1").is_err());
        assert_eq!(expr("`match`"), var("match"));
        assert_eq!(expr("count"), var("count"));
        assert_eq!(expr("$param"), Expr::Parameter("param".into()));
        assert_eq!(expr("$0"), Expr::Parameter("0".into()));
    }

    #[test]
    fn functions_and_special_forms() {
        assert_eq!(expr("count(*)"), Expr::CountStar);
        assert_eq!(
            expr("count(DISTINCT n.x)"),
            Expr::Function {
                name: "count".into(),
                distinct: true,
                args: vec![prop(var("n"), "x")]
            }
        );
        assert_eq!(
            expr("toLower('A')"),
            Expr::Function {
                name: "toLower".into(),
                distinct: false,
                args: vec![Expr::Literal(Literal::String("A".into()))]
            }
        );
        assert_eq!(
            expr("[x IN l WHERE x > 1 | x * 2]"),
            Expr::ListComprehension {
                variable: "x".into(),
                list: Box::new(var("l")),
                filter: Some(Box::new(bin(BinaryOp::Gt, var("x"), int(1)))),
                map: Some(Box::new(bin(BinaryOp::Mul, var("x"), int(2)))),
            }
        );
        assert!(matches!(
            expr("[x IN l]"),
            Expr::ListComprehension {
                filter: None,
                map: None,
                ..
            }
        ));
        assert_eq!(
            expr("[(x IN l), 2]"),
            Expr::List(vec![bin(BinaryOp::In, var("x"), var("l")), int(2)])
        );
        assert!(matches!(
            expr("[p = (a)-[:KNOWS]->(b) WHERE b.x | b.name]"),
            Expr::PatternComprehension { ref pattern, filter: Some(_), .. } if pattern.variable.as_deref() == Some("p")
        ));
        assert!(
            matches!(expr("[(a)-->(b), 1]"), Expr::List(ref l) if matches!(l[0], Expr::PatternPredicate(_)))
        );
        assert!(matches!(
            expr("none(x IN l WHERE x = 1)"),
            Expr::Quantified {
                quantifier: Quantifier::None,
                ..
            }
        ));
        assert!(matches!(
            expr("single(x IN l WHERE x = 1)"),
            Expr::Quantified {
                quantifier: Quantifier::Single,
                ..
            }
        ));
        assert!(matches!(
            expr("reduce(acc = 0, x IN l | acc + x)"),
            Expr::Reduce { ref accumulator, .. } if accumulator == "acc"
        ));
        assert!(matches!(
            expr("CASE n.x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END"),
            Expr::Case { subject: Some(_), ref whens, else_: Some(_) } if whens.len() == 2
        ));
        assert!(matches!(
            expr("CASE WHEN a THEN 1 END"),
            Expr::Case {
                subject: None,
                else_: None,
                ..
            }
        ));
        assert!(matches!(
            expr("exists { MATCH (a)-->(b) WHERE b.x = 1 }"),
            Expr::Exists { ref patterns, where_: Some(_) } if patterns.len() == 1
        ));
        assert!(matches!(
            expr("exists { (a)-->(b) }"),
            Expr::Exists { where_: None, .. }
        ));
        assert!(
            matches!(expr("{a: 1, `b c`: [1, 2.5, 'x', null, true]}"), Expr::Map(ref m) if m.len() == 2)
        );
        assert_eq!(expr("(a)"), var("a"));
        assert_eq!(
            expr("(a:L)"),
            Expr::HasLabels(Box::new(var("a")), vec!["L".into()])
        );
    }

    #[test]
    fn patterns() {
        let c = clauses(
            "MATCH p = (a:Actor {name: $n})-[r:CLAIMS|:DENIES]->(s)<-[*2]-(x), (y)-[*]-(z), ()<-->() \
             OPTIONAL MATCH q = shortestPath((a)-[*..3]->(b)), allShortestPaths((a)-[:T*2..]-(b)) RETURN *",
        );
        let Clause::Match {
            optional: false,
            patterns,
            where_: None,
        } = &c[0]
        else {
            panic!("{:?}", c[0])
        };
        assert_eq!(patterns.len(), 3);
        let p = &patterns[0];
        assert_eq!(p.variable.as_deref(), Some("p"));
        assert_eq!(p.kind, PathKind::Normal);
        assert!(matches!(p.start.properties, Some(Expr::Map(_))));
        assert_eq!(
            p.steps[0].0.types,
            vec!["CLAIMS".to_string(), "DENIES".to_string()]
        );
        assert_eq!(p.steps[0].0.direction, Direction::Outgoing);
        assert_eq!(p.steps[1].0.direction, Direction::Incoming);
        assert_eq!(
            p.steps[1].0.length,
            Some(Range {
                min: Some(2),
                max: Some(2)
            })
        );
        assert_eq!(
            patterns[1].steps[0].0.length,
            Some(Range {
                min: None,
                max: None
            })
        );
        assert_eq!(patterns[1].steps[0].0.direction, Direction::Both);
        assert_eq!(patterns[2].steps[0].0.direction, Direction::Both);
        let Clause::Match {
            optional: true,
            patterns,
            ..
        } = &c[1]
        else {
            panic!("{:?}", c[1])
        };
        assert_eq!(patterns[0].kind, PathKind::Shortest);
        assert_eq!(
            patterns[0].steps[0].0.length,
            Some(Range {
                min: None,
                max: Some(3)
            })
        );
        assert_eq!(patterns[1].kind, PathKind::AllShortest);
        assert_eq!(
            patterns[1].steps[0].0.length,
            Some(Range {
                min: Some(2),
                max: None
            })
        );
        let c = clauses("MATCH (a)-[r *1..3 {since: 2020}]->(b) WHERE (a)-[:DENIES]->(b) RETURN r");
        let Clause::Match {
            patterns,
            where_: Some(Expr::PatternPredicate(_)),
            ..
        } = &c[0]
        else {
            panic!("{:?}", c[0])
        };
        assert_eq!(
            patterns[0].steps[0].0.length,
            Some(Range {
                min: Some(1),
                max: Some(3)
            })
        );
        assert!(patterns[0].steps[0].0.properties.is_some());
    }

    #[test]
    fn projections() {
        let c = clauses(
            "MATCH (n) WITH DISTINCT n.name AS name, count(*) ORDER BY name DESC, count(*) SKIP 1 LIMIT 2 WHERE name <> '' \
             RETURN *, name, a.num+1 ORDER BY name ASCENDING",
        );
        let Clause::With(w) = &c[1] else {
            panic!("{:?}", c[1])
        };
        assert!(w.distinct && !w.star);
        assert_eq!(w.items[0].name, "name");
        assert_eq!(w.items[0].alias.as_deref(), Some("name"));
        assert_eq!(w.items[1].name, "count(*)");
        assert_eq!(w.items[1].alias, None);
        assert!(w.order_by[0].descending && !w.order_by[1].descending);
        assert_eq!(w.skip, Some(int(1)));
        assert_eq!(w.limit, Some(int(2)));
        assert!(w.where_.is_some());
        let Clause::Return(r) = &c[2] else {
            panic!("{:?}", c[2])
        };
        assert!(r.star);
        assert_eq!(r.items[1].name, "a.num+1");
        assert!(!r.order_by[0].descending);
    }

    #[test]
    fn writing_clauses() {
        let c = clauses(
            "MERGE (a:Actor {name: 'x'}) ON CREATE SET a.new = true ON MATCH SET a.seen = a.seen + 1, a:Seen \
             SET a += {k: 1}, a = $props, (a.m).k = 2 REMOVE a.k, a:Old:Older \
             CREATE (a)-[:LEADS]->(:Organisation) DETACH DELETE a DELETE a, b",
        );
        let Clause::Merge {
            on_create,
            on_match,
            ..
        } = &c[0]
        else {
            panic!("{:?}", c[0])
        };
        assert_eq!(on_create.len(), 1);
        assert_eq!(on_match.len(), 2);
        assert!(matches!(&on_match[1], SetItem::Labels { labels, .. } if labels == &["Seen"]));
        let Clause::Set(items) = &c[1] else {
            panic!("{:?}", c[1])
        };
        assert!(matches!(&items[0], SetItem::Merge { variable, .. } if variable == "a"));
        assert!(matches!(
            &items[1],
            SetItem::Replace {
                value: Expr::Parameter(_),
                ..
            }
        ));
        assert!(matches!(&items[2], SetItem::Property { target, key, .. }
            if *target == prop(var("a"), "m") && key == "k"));
        let Clause::Remove(items) = &c[2] else {
            panic!("{:?}", c[2])
        };
        assert!(matches!(&items[0], RemoveItem::Property { key, .. } if key == "k"));
        assert!(matches!(&items[1], RemoveItem::Labels { labels, .. } if labels.len() == 2));
        assert!(matches!(&c[3], Clause::Create(p) if p[0].steps.len() == 1));
        assert!(matches!(&c[4], Clause::Delete { detach: true, .. }));
        assert!(matches!(&c[5], Clause::Delete { detach: false, exprs } if exprs.len() == 2));
        assert!(matches!(
            &clauses("UNWIND [1, 2] AS x CREATE ({v: x})")[0],
            Clause::Unwind { variable, .. } if variable == "x"
        ));
    }

    #[test]
    fn statements_modes_and_unions() {
        let s = statement(
            "EXPLAIN MATCH (n) RETURN n UNION ALL MATCH (m) RETURN m UNION RETURN 1 AS n;",
        );
        assert_eq!(s.mode, Mode::Explain);
        assert_eq!(s.query.unions.len(), 2);
        assert!(s.query.unions[0].0);
        assert!(!s.query.unions[1].0);
        assert_eq!(statement("profile RETURN 1").mode, Mode::Profile);
    }

    #[test]
    fn errors_point_at_the_problem_in_words() {
        let d = error("MATCH (n)\nRETRUN n");
        assert_eq!((d.line, d.column), (2, 1));
        assert_eq!(d.line_text, "RETRUN n");
        assert!(
            d.message.contains("a clause such as MATCH or RETURN"),
            "{}",
            d.message
        );
        assert!(d.message.contains("found `RETRUN`"), "{}", d.message);
        assert!(!d.message.contains("kw_"), "{}", d.message);
        let rendered = d.to_string();
        assert!(rendered.contains(" --> query:2:1"), "{rendered}");
        assert!(rendered.ends_with("  | ^"), "{rendered}");

        let d = error("RETURN (1 + 2");
        assert_eq!(d.column, 14);
        assert!(d.message.contains("expected `)`"), "{}", d.message);
        assert!(
            d.message.contains("found the end of the query"),
            "{}",
            d.message
        );

        let d = error("RETURN 1 +");
        assert!(d.message.contains("an expression"), "{}", d.message);
        let d = error("MATCH (n RETURN n");
        assert_eq!(d.column, 10);
        assert!(d.message.contains("`)`"), "{}", d.message);
        let d = error("RETURN [1, 2");
        assert!(d.message.contains("`]`"), "{}", d.message);
        let d = error("MATCH (n) RETURN n LIMIT");
        assert!(d.message.contains("an expression"), "{}", d.message);

        for empty in ["", "   ", "// only a comment", "/* a block */", ";"] {
            let d = error(empty);
            assert!(
                d.message.contains("a clause such as MATCH or RETURN"),
                "{empty:?}: {}",
                d.message
            );
        }
        let d = error("RETURN 'open");
        assert_eq!(d.column, 8);
        assert!(d.message.contains("never closed"), "{}", d.message);
        let d = error("RETURN 1 /* open");
        assert_eq!(d.column, 10);
        let d = error("RETURN `open");
        assert!(d.message.contains("backquoted"), "{}", d.message);
        let d = error("MATCH (n) RETURN n AS end");
        assert!(
            d.message.contains("`end` is a reserved word"),
            "{}",
            d.message
        );
        let d = error("MATCH (n {a: 1} RETURN n");
        assert!(d.message.starts_with("expected `)`"), "{}", d.message);
        let d = error("MATCH (n RETURN n");
        assert!(d.message.contains("properties such as"), "{}", d.message);
        let d = error("RETURN 1; RETURN 2");
        assert!(d.message.contains("the end of the query"), "{}", d.message);
        let d = error("RETURN 1\0");
        assert!(d.message.contains("U+0000"), "{}", d.message);
        let d = error("RETURN \u{7}1");
        assert_eq!(d.column, 8);
    }

    #[test]
    fn clause_order_is_checked() {
        let d = error("MATCH (n)");
        assert!(d.message.contains("cannot end with MATCH"), "{}", d.message);
        let d = error("MATCH (n) WITH n");
        assert!(d.message.contains("cannot end with WITH"), "{}", d.message);
        let d = error("RETURN 1 MATCH (n) RETURN n");
        assert_eq!(d.column, 10);
        assert!(
            d.message.contains("RETURN must be the last clause"),
            "{}",
            d.message
        );
        assert!(parse("MATCH (n) DETACH DELETE n").is_ok());
        assert!(parse("CREATE (n) WITH n MATCH (m) RETURN m").is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        for text in [
            format!("RETURN {}", "(".repeat(100_000)),
            format!("RETURN {}", "[".repeat(100_000)),
            format!("RETURN {}", "{a: ".repeat(100_000)),
            format!(
                "RETURN {}1{}",
                "[".repeat(MAX_NESTING + 1),
                "]".repeat(MAX_NESTING + 1)
            ),
        ] {
            let d = error(&text);
            assert!(d.message.contains("nested too deeply"), "{}", d.message);
        }
        let d = error(&format!("RETURN 1{}", "+1".repeat(100_000)));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let d = error(&format!("RETURN {}true", "NOT ".repeat(100_000)));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let d = error(&format!("RETURN {}1", "- ".repeat(100_000)));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let d = error(&format!(
            "RETURN {}1{}",
            "CASE ".repeat(3_000),
            " WHEN 1 THEN 2 END".repeat(3_000)
        ));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let d = error(&format!("RETURN {}1", "CASE ".repeat(100_000)));
        assert!(d.line == 1 && d.column > 1, "{d:?}");
        let d = error(&format!("RETURN n{}", ".a".repeat(100_000)));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
        let d = error(&format!(
            "MATCH (n) WHERE {} RETURN n",
            vec!["n.x = 1"; 2_000].join(" OR ")
        ));
        assert!(d.message.contains("nested too deeply"), "{}", d.message);
    }

    #[test]
    fn nesting_at_the_limit_parses_and_prints() {
        let n = MAX_NESTING / 2;
        let texts = [
            format!(
                "RETURN {}1{}",
                "CASE ".repeat(MAX_NESTING),
                " WHEN 1 THEN 2 END".repeat(MAX_NESTING)
            ),
            format!("RETURN {}1{}", "({k: ".repeat(n), "}) - 1".repeat(n)),
            format!(
                "RETURN {}1{}",
                "[x IN ".repeat(MAX_NESTING),
                " | x]".repeat(MAX_NESTING)
            ),
            format!(
                "RETURN {}1{}",
                "f(".repeat(MAX_NESTING),
                ")".repeat(MAX_NESTING)
            ),
            format!("RETURN {}", vec!["1"; MAX_EXPR_DEPTH].join(" + ")),
        ];
        for text in texts {
            let s = statement(&text);
            let printed = s.to_string();
            assert_eq!(parse(&printed).map(|p| p.to_string()).ok(), Some(printed));
        }
    }

    #[test]
    fn nested_alternatives_do_not_take_exponential_time() {
        // Each level offers a pattern, a parenthesised expression and a map;
        // a parser that retried alternatives would need 2^60 steps here.
        let n = 60;
        let texts = [
            format!(
                "RETURN {}1{}",
                "[(a {k: ".repeat(n),
                "})-->(), 1]".repeat(n)
            ),
            format!("RETURN {}1{}", "({k: ".repeat(n), "}) - -(1)".repeat(n)),
            format!("RETURN {}1{}", "a[b[".repeat(n), "]..]".repeat(n)),
            format!("RETURN {}1{}", "any(x IN ".repeat(n), ")".repeat(n)),
            // The same, failing at the innermost level, which makes every
            // enclosing level give up too.
            format!(
                "RETURN {}1 +{}",
                "[(a {k: ".repeat(n),
                "})-->(), 1]".repeat(n)
            ),
            format!("RETURN {}1 +{}", "({k: ".repeat(n), "}) - -(1)".repeat(n)),
        ];
        for text in texts {
            let started = std::time::Instant::now();
            let _ = parse(&text);
            assert!(started.elapsed().as_secs() < 10, "{text}");
        }
    }
}
