//! `Display` for the AST: valid query text, so that parse → print → parse is the identity.
//!
//! Subexpressions are parenthesised only where the grammar needs it. A projection
//! item without an alias prints its expression, so the column name of the
//! reparsed item is the printed text of the expression; an AST whose unaliased
//! item names are their printed expressions therefore survives the round trip
//! unchanged.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use crate::value::{quote_string, write_name};

/// Words that cannot be variables unless backquoted. Labels, keys and types may
/// be reserved words, but backquoting them too is harmless and keeps this simple.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "ascending",
    "by",
    "case",
    "contains",
    "create",
    "delete",
    "desc",
    "descending",
    "detach",
    "distinct",
    "else",
    "end",
    "ends",
    "exists",
    "false",
    "in",
    "is",
    "limit",
    "match",
    "merge",
    "not",
    "null",
    "on",
    "optional",
    "or",
    "order",
    "remove",
    "return",
    "set",
    "skip",
    "starts",
    "then",
    "true",
    "union",
    "unwind",
    "when",
    "where",
    "with",
    "xor",
];

/// Writes a variable, label, type, key or parameter name, backquoted when it is
/// not a plain identifier or is a reserved word.
fn name(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    if RESERVED.iter().any(|w| w.eq_ignore_ascii_case(name)) {
        write!(f, "`{name}`")
    } else {
        write_name(name, f)
    }
}

/// Binding strength of an expression when printed, higher binds tighter.
/// Operands weaker than their operator's level get parentheses.
mod level {
    pub const OR: u8 = 1;
    pub const XOR: u8 = 2;
    pub const AND: u8 = 3;
    pub const NOT: u8 = 4;
    pub const COMPARISON: u8 = 5;
    pub const PREDICATE: u8 = 6;
    pub const ADD: u8 = 7;
    pub const MUL: u8 = 8;
    pub const POW: u8 = 9;
    pub const UNARY: u8 = 10;
    pub const POSTFIX: u8 = 11;
    pub const ATOM: u8 = 12;
}

fn binary_level(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => level::OR,
        Xor => level::XOR,
        And => level::AND,
        Eq | Ne | Lt | Le | Gt | Ge => level::COMPARISON,
        In | StartsWith | EndsWith | Contains | Regex => level::PREDICATE,
        Add | Sub => level::ADD,
        Mul | Div | Mod => level::MUL,
        Pow => level::POW,
    }
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Or => "OR",
        Xor => "XOR",
        And => "AND",
        Eq => "=",
        Ne => "<>",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Mod => "%",
        Pow => "^",
        In => "IN",
        StartsWith => "STARTS WITH",
        EndsWith => "ENDS WITH",
        Contains => "CONTAINS",
        Regex => "=~",
    }
}

fn expr_level(expr: &Expr) -> u8 {
    match expr {
        Expr::Binary(op, ..) => binary_level(*op),
        Expr::Unary(UnaryOp::Not, _) => level::NOT,
        Expr::Unary(..) => level::UNARY,
        Expr::IsNull { .. } => level::PREDICATE,
        Expr::Property(..) | Expr::Index(..) | Expr::Slice(..) | Expr::HasLabels(..) => {
            level::POSTFIX
        }
        // A negative number prints with its minus sign, like a unary minus.
        Expr::Literal(Literal::Int(i)) if *i < 0 => level::UNARY,
        Expr::Literal(Literal::Float(x)) if x.is_sign_negative() || !x.is_finite() => level::UNARY,
        _ => level::ATOM,
    }
}

/// Writes `expr`, in parentheses when it binds less tightly than `min`.
/// A pattern used as an operand is always parenthesised, so that what follows it
/// cannot be read as a continuation of the pattern.
fn operand(f: &mut Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if expr_level(expr) < min || matches!(expr, Expr::PatternPredicate(_)) {
        write!(f, "({expr})")
    } else {
        write!(f, "{expr}")
    }
}

/// Writes `items` separated by `, `.
fn comma_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes a float so that it reads back as the same value. Non-finite values
/// cannot be written as literals and print as the divisions that yield them.
fn float(f: &mut Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("(0.0 / 0.0)")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 {
            "(1.0 / 0.0)"
        } else {
            "(-1.0 / 0.0)"
        })
    } else {
        // `{:?}` is the shortest text that parses back to the same value and
        // always has a decimal point or an exponent.
        write!(f, "{x:?}")
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => float(f, *x),
            Literal::String(s) => quote_string(s, f),
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    // `[x IN list]` would read as a list comprehension.
                    if i == 0 && matches!(item, Expr::Binary(..) | Expr::IsNull { .. }) {
                        write!(f, "({item})")?;
                    } else {
                        write!(f, "{item}")?;
                    }
                }
                f.write_char(']')
            }
            Expr::Map(entries) => {
                f.write_char('{')?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    name(f, key)?;
                    write!(f, ": {value}")?;
                }
                f.write_char('}')
            }
            Expr::Parameter(p) => {
                f.write_char('$')?;
                if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) {
                    f.write_str(p)
                } else {
                    name(f, p)
                }
            }
            Expr::Variable(v) | Expr::Slot(Slot { name: v, .. }) => name(f, v),
            Expr::Property(base, key) => {
                postfix_base(f, base)?;
                f.write_char('.')?;
                name(f, key)
            }
            Expr::Index(base, index) => {
                postfix_base(f, base)?;
                write!(f, "[{index}]")
            }
            Expr::Slice(base, from, to) => {
                postfix_base(f, base)?;
                f.write_char('[')?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_char(']')
            }
            Expr::HasLabels(base, labels) => {
                postfix_base(f, base)?;
                for label in labels {
                    f.write_char(':')?;
                    name(f, label)?;
                }
                Ok(())
            }
            Expr::Unary(UnaryOp::Not, e) => {
                f.write_str("NOT ")?;
                // NOT is followed directly by a pattern in `WHERE NOT (a)-->(b)`.
                if matches!(**e, Expr::PatternPredicate(_)) {
                    write!(f, "{e}")
                } else {
                    operand(f, e, level::NOT)
                }
            }
            Expr::Unary(op, e) => {
                f.write_str(if *op == UnaryOp::Neg { "-" } else { "+" })?;
                match **e {
                    // `-5` would read as the literal -5, not as minus applied to 5.
                    Expr::Literal(Literal::Int(_) | Literal::Float(_)) => write!(f, "({e})"),
                    // Keep `- -x` from reading as `--x`.
                    Expr::Unary(UnaryOp::Neg | UnaryOp::Pos, _) => {
                        f.write_char(' ')?;
                        operand(f, e, level::UNARY)
                    }
                    _ => operand(f, e, level::UNARY),
                }
            }
            Expr::Binary(op, l, r) => {
                let lv = binary_level(*op);
                // Comparisons do not nest without parentheses: `a < b < c` is a chain.
                let left_min = if lv == level::COMPARISON { lv + 1 } else { lv };
                // The right operand of IN, STARTS WITH and the like is an arithmetic
                // expression; everything else is left-associative.
                let right_min = lv + 1;
                operand(f, l, left_min)?;
                write!(f, " {} ", binary_symbol(*op))?;
                operand(f, r, right_min)
            }
            Expr::IsNull { expr, negated } => {
                operand(f, expr, level::PREDICATE)?;
                f.write_str(if *negated { " IS NOT NULL" } else { " IS NULL" })
            }
            Expr::Function {
                name: fname,
                distinct,
                args,
            } => {
                if fname.eq_ignore_ascii_case("exists") {
                    f.write_str(fname)?;
                } else {
                    name(f, fname)?;
                }
                f.write_char('(')?;
                if *distinct {
                    f.write_str(if args.is_empty() {
                        "DISTINCT"
                    } else {
                        "DISTINCT "
                    })?;
                }
                comma_list(f, args)?;
                f.write_char(')')
            }
            Expr::CountStar => f.write_str("count(*)"),
            Expr::Case {
                subject,
                whens,
                else_,
            } => {
                f.write_str("CASE")?;
                if let Some(s) = subject {
                    write!(f, " {s}")?;
                }
                for (when, then) in whens {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                f.write_char('[')?;
                name(f, variable)?;
                write!(f, " IN {list}")?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                if let Some(map) = map {
                    write!(f, " | {map}")?;
                }
                f.write_char(']')
            }
            Expr::PatternComprehension {
                pattern,
                filter,
                map,
            } => {
                write!(f, "[{pattern}")?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                write!(f, " | {map}]")
            }
            Expr::Quantified {
                quantifier,
                variable,
                list,
                predicate,
            } => {
                f.write_str(match quantifier {
                    Quantifier::All => "all",
                    Quantifier::Any => "any",
                    Quantifier::None => "none",
                    Quantifier::Single => "single",
                })?;
                f.write_char('(')?;
                name(f, variable)?;
                write!(f, " IN {list} WHERE {predicate})")
            }
            Expr::Reduce {
                accumulator,
                init,
                variable,
                list,
                expr,
            } => {
                f.write_str("reduce(")?;
                name(f, accumulator)?;
                write!(f, " = {init}, ")?;
                name(f, variable)?;
                write!(f, " IN {list} | {expr})")
            }
            Expr::PatternPredicate(p) => write!(f, "{p}"),
            Expr::Exists { patterns, where_ } => {
                f.write_str("exists { MATCH ")?;
                comma_list(f, patterns)?;
                if let Some(w) = where_ {
                    write!(f, " WHERE {w}")?;
                }
                f.write_str(" }")
            }
            Expr::ExistsQuery(q) => write!(f, "exists {{ {q} }}"),
        }
    }
}

/// The expression before `.key`, `[i]` or `:Label`. A label predicate is
/// parenthesised too, as the grammar allows labels only at the very end.
fn postfix_base(f: &mut Formatter<'_>, base: &Expr) -> fmt::Result {
    if matches!(base, Expr::HasLabels(..)) {
        write!(f, "({base})")
    } else {
        operand(f, base, level::POSTFIX)
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        if let Some(v) = &self.variable {
            name(f, v)?;
        }
        for label in &self.labels {
            f.write_char(':')?;
            name(f, label)?;
        }
        if let Some(props) = &self.properties {
            if self.variable.is_some() || !self.labels.is_empty() {
                f.write_char(' ')?;
            }
            write!(f, "{props}")?;
        }
        f.write_char(')')
    }
}

impl Display for RelPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.direction == Direction::Incoming {
            "<-"
        } else {
            "-"
        })?;
        let detail = self.variable.is_some()
            || !self.types.is_empty()
            || self.length.is_some()
            || self.properties.is_some();
        if detail {
            f.write_char('[')?;
            if let Some(v) = &self.variable {
                name(f, v)?;
            }
            for (i, t) in self.types.iter().enumerate() {
                f.write_str(if i == 0 { ":" } else { "|" })?;
                name(f, t)?;
            }
            if let Some(range) = &self.length {
                write!(f, "{range}")?;
            }
            if let Some(props) = &self.properties {
                write!(f, " {props}")?;
            }
            f.write_char(']')?;
        }
        f.write_str(if self.direction == Direction::Outgoing {
            "->"
        } else {
            "-"
        })
    }
}

impl Display for Range {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('*')?;
        match (self.min, self.max) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (a, b) => {
                if let Some(a) = a {
                    write!(f, "{a}")?;
                }
                f.write_str("..")?;
                if let Some(b) = b {
                    write!(f, "{b}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for PathPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.variable {
            name(f, v)?;
            f.write_str(" = ")?;
        }
        let close = match self.kind {
            PathKind::Normal => false,
            PathKind::Shortest => {
                f.write_str("shortestPath(")?;
                true
            }
            PathKind::AllShortest => {
                f.write_str("allShortestPaths(")?;
                true
            }
        };
        write!(f, "{}", self.start)?;
        for (rel, node) in &self.steps {
            write!(f, "{rel}{node}")?;
        }
        if close {
            f.write_char(')')?;
        }
        Ok(())
    }
}

impl Display for SortItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl Display for ProjectionItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            f.write_str(" AS ")?;
            name(f, alias)?;
        }
        Ok(())
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if self.star {
            f.write_char('*')?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        comma_list(f, &self.items)?;
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            comma_list(f, &self.order_by)?;
        }
        if let Some(skip) = &self.skip {
            write!(f, " SKIP {skip}")?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        if let Some(w) = &self.where_ {
            write!(f, " WHERE {w}")?;
        }
        Ok(())
    }
}

/// The part of a SET or REMOVE item before the last `.key`: an atom followed
/// by property lookups, parenthesised when it is anything else.
fn property_target(f: &mut Formatter<'_>, target: &Expr) -> fmt::Result {
    fn is_chain(e: &Expr) -> bool {
        match e {
            Expr::Property(base, _) => is_chain(base),
            other => {
                expr_level(other) == level::ATOM && !matches!(other, Expr::PatternPredicate(_))
            }
        }
    }
    if is_chain(target) {
        write!(f, "{target}")
    } else {
        write!(f, "({target})")
    }
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property { target, key, value } => {
                property_target(f, target)?;
                f.write_char('.')?;
                name(f, key)?;
                write!(f, " = {value}")
            }
            SetItem::Replace { variable, value } => {
                name(f, variable)?;
                write!(f, " = {value}")
            }
            SetItem::Merge { variable, value } => {
                name(f, variable)?;
                write!(f, " += {value}")
            }
            SetItem::Labels { variable, labels } => {
                name(f, variable)?;
                for label in labels {
                    f.write_char(':')?;
                    name(f, label)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for RemoveItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { target, key } => {
                property_target(f, target)?;
                f.write_char('.')?;
                name(f, key)
            }
            RemoveItem::Labels { variable, labels } => {
                name(f, variable)?;
                for label in labels {
                    f.write_char(':')?;
                    name(f, label)?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match {
                optional,
                patterns,
                where_,
            } => {
                if *optional {
                    f.write_str("OPTIONAL ")?;
                }
                f.write_str("MATCH ")?;
                comma_list(f, patterns)?;
                if let Some(w) = where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::Unwind { expr, variable } => {
                write!(f, "UNWIND {expr} AS ")?;
                name(f, variable)
            }
            Clause::With(p) => write!(f, "WITH {p}"),
            Clause::Return(p) => write!(f, "RETURN {p}"),
            Clause::Create(patterns) => {
                f.write_str("CREATE ")?;
                comma_list(f, patterns)
            }
            Clause::Merge {
                pattern,
                on_create,
                on_match,
            } => {
                write!(f, "MERGE {pattern}")?;
                if !on_create.is_empty() {
                    f.write_str(" ON CREATE SET ")?;
                    comma_list(f, on_create)?;
                }
                if !on_match.is_empty() {
                    f.write_str(" ON MATCH SET ")?;
                    comma_list(f, on_match)?;
                }
                Ok(())
            }
            Clause::Set(items) => {
                f.write_str("SET ")?;
                comma_list(f, items)
            }
            Clause::Remove(items) => {
                f.write_str("REMOVE ")?;
                comma_list(f, items)
            }
            Clause::Delete { detach, exprs } => {
                if *detach {
                    f.write_str("DETACH ")?;
                }
                f.write_str("DELETE ")?;
                comma_list(f, exprs)
            }
            Clause::Call(call) => write!(f, "{call}"),
        }
    }
}

impl Display for Call {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CALL ")?;
        for (i, part) in self.procedure.split('.').enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write_name(part, f)?;
        }
        if let Some(args) = &self.args {
            f.write_str("(")?;
            comma_list(f, args)?;
            f.write_str(")")?;
        }
        if let Some(y) = &self.yield_ {
            f.write_str(" YIELD ")?;
            if y.star {
                f.write_str("*")?;
            }
            for (i, item) in y.items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_name(&item.column, f)?;
                if let Some(alias) = &item.alias {
                    f.write_str(" AS ")?;
                    name(f, alias)?;
                }
            }
            if let Some(w) = &y.where_ {
                write!(f, " WHERE {w}")?;
            }
        }
        Ok(())
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, clause) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (all, part) in &self.unions {
            f.write_str(if *all { "\nUNION ALL\n" } else { "\nUNION\n" })?;
            write!(f, "{part}")?;
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Run => {}
            Mode::Explain => f.write_str("EXPLAIN ")?,
            Mode::Profile => f.write_str("PROFILE ")?,
        }
        write!(f, "{}", self.query)
    }
}
