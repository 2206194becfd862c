//! Checks before and after pest: unclosed strings, comments and names, and
//! brackets or expressions nested too deeply (see [`MAX_NESTING`], [`MAX_EXPR_DEPTH`]).

use super::*;

/// Refuses input nested too deeply and strings, comments and backquoted names
/// that are never closed, with the position of the culprit.
pub(super) fn prescan(text: &str) -> Result<()> {
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
pub(super) fn check_nesting(text: &str, pairs: &Pairs<'_>) -> Result<()> {
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
