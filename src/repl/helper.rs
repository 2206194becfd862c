//! The line editor's helper: completion, history hints, highlighting and the
//! validator that keeps a recalled statement of several lines open until its `;`.

use std::borrow::Cow;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::complete::{self, Catalog, KEYWORDS};
use crate::query::syntax::lex::{tokenize, TokenKind};

const BOLD_BLUE: &str = "\x1b[1;34m";
const GREEN: &str = "\x1b[32m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const CYAN: &str = "\x1b[36m";
const MAGENTA: &str = "\x1b[35m";
const YELLOW: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Everything the editor asks of the shell while a line is typed.
pub struct ShellHelper {
    pub catalog: Catalog,
    /// Whether to colour the input (only on a terminal, and not under `NO_COLOR`).
    pub colour: bool,
    files: FilenameCompleter,
    hints: HistoryHinter,
}

impl ShellHelper {
    pub fn new(catalog: Catalog, colour: bool) -> Self {
        ShellHelper {
            catalog,
            colour,
            files: FilenameCompleter::new(),
            hints: HistoryHinter::new(),
        }
    }
}

impl Helper for ShellHelper {}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete::complete(line, pos, &self.catalog) {
            Some((start, found)) => Ok((
                start,
                found
                    .into_iter()
                    .map(|c| Pair {
                        display: c.display,
                        replacement: c.replacement,
                    })
                    .collect(),
            )),
            None => self.files.complete(line, pos, ctx),
        }
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        // Without colour a hint would look like typed text; show none.
        if !self.colour {
            return None;
        }
        // A multi-line entry is hinted up to its first line break.
        self.hints
            .hint(line, pos, ctx)
            .and_then(|h| h.split('\n').next().map(str::to_string))
            .filter(|h| !h.is_empty())
    }
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        // A line typed is handed over whole, complete or not: the shell gathers
        // the lines of a statement under its continuation prompt. Only an entry
        // of several lines (recalled from the history) is kept open here.
        if !input.contains('\n') || super::is_complete(input) || super::shortcut(input).is_some() {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight(line))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        if !self.colour || !default {
            return Cow::Borrowed(prompt);
        }
        Cow::Owned(format!("{BOLD_GREEN}{prompt}{RESET}"))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.colour {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.colour && kind != CmdKind::MoveCursor
    }
}

/// `line` with ANSI colours: keywords, strings, numbers, parameters, comments
/// and a leading `:command`. The text's display width is unchanged.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let lead = line.len() - line.trim_start().len();
    if line[lead..].starts_with(':') {
        let end = line[lead..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| lead + i);
        out.push_str(&line[..lead]);
        out.push_str(YELLOW);
        out.push_str(&line[lead..end]);
        out.push_str(RESET);
        out.push_str(&line[end..]);
        return out;
    }
    for token in tokenize(line) {
        let text = &line[token.start..token.end];
        let colour = match token.kind {
            TokenKind::Word if is_keyword(text) => Some(BOLD_BLUE),
            TokenKind::String { .. } => Some(GREEN),
            TokenKind::Number => Some(CYAN),
            TokenKind::Param => Some(MAGENTA),
            TokenKind::LineComment | TokenKind::BlockComment { .. } => Some(DIM),
            _ => None,
        };
        match colour {
            Some(c) => {
                out.push_str(c);
                out.push_str(text);
                out.push_str(RESET);
            }
            None => out.push_str(text),
        }
    }
    out
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn highlighting_keeps_the_text() {
        for line in [
            "MATCH (a:Actor {name: 'x'}) RETURN a.name, $p, 1.5 // c",
            ":param x => 1",
            "  ",
            "RETURN \"open",
        ] {
            assert_eq!(strip(&highlight(line)), line);
        }
        let h = highlight("match (n) return n");
        assert!(h.starts_with(&format!("{BOLD_BLUE}match{RESET}")), "{h:?}");
        assert!(!highlight("RETURN matchless").contains(&format!("{BOLD_BLUE}matchless")));
    }
}
