//! Syntax errors in words: what was expected at the spot where pest stopped,
//! and what was found there.

use super::*;

/// Turns pest's error into a diagnostic that says what was expected, in words.
pub(super) fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> Error {
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
            let rest = text.get(offset..).unwrap_or("");
            if rest.starts_with(|c: char| DASHES.contains(&c)) {
                message = format!(
                    "invalid unicode character: {found} looks like a minus sign but is not one; write `-` ({message})"
                );
            } else if rest.starts_with(|c: char| c.is_ascii_digit())
                && found.chars().any(|c| c.is_alphabetic())
                && !words.contains(&"a name")
            {
                message = format!("invalid number literal: {found} is not a number ({message})");
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

/// Characters that look like `-` and are not: hyphens, dashes, the minus sign.
const DASHES: &[char] = &[
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}', '\u{FE58}',
    '\u{FE63}', '\u{FF0D}',
];

pub(super) const OPERATOR: &str = "an operator";
pub(super) const EXPRESSION: &str = "an expression";
pub(super) const END: &str = "the end of the query";
pub(super) const PARAMETER: &str = "a parameter such as `$name`";
pub(super) const VARIABLE: &str = "a variable name";

/// What a grammar rule means to a user, or `None` for rules not worth naming.
pub(super) fn describe(rule: Rule) -> Option<&'static str> {
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
        schema_name | plain_name | escaped_name | map_key | empty_name => "a name",
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
pub(super) fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Whether `rest` starts with a reserved word, which cannot be a variable.
pub(super) fn starts_with_reserved(rest: &str) -> bool {
    CypherParser::parse(Rule::reserved, rest).is_ok()
}

/// Names what stands at `offset`: a word, a character, or the end.
pub(super) fn found_at(text: &str, offset: usize) -> String {
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
