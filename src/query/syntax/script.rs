//! Splitting a script into statements (ended by `;`) and shell `:commands`.
//!
//! A statement runs up to the `;` that ends it; a `;` inside a string, a
//! backquoted name or a comment does not count. A line whose first non-blank
//! character is `:`, outside any statement, is a shell command such as
//! `:param name => 'x'` or `:format json`; it ends with its line.

/// One statement or command of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptItem {
    /// The statement without the `;` that ends it and without surrounding blanks,
    /// or the command line without surrounding blanks.
    pub text: String,
    /// The 1-based line on which the item starts.
    pub line: usize,
    pub kind: ItemKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Statement,
    Command,
}

/// Splits a script into its statements and commands, in order. A last statement
/// without `;` is returned too; blank statements and lone comments are skipped.
pub fn split(text: &str) -> Vec<ScriptItem> {
    scan(text).items
}

/// Whether a REPL buffer is ready to run: it ends a statement with `;` or is a
/// command, ignoring trailing blanks and comments. An unclosed string, comment
/// or statement means more input is needed.
pub fn is_complete(buffer: &str) -> bool {
    let scanned = scan(buffer);
    !scanned.open && !scanned.items.is_empty()
}

struct Scanned {
    items: Vec<ScriptItem>,
    /// A statement, string, backquoted name or block comment is still open at the end.
    open: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Code,
    Quoted(char),
    Backquoted,
    LineComment,
    BlockComment,
}

fn scan(text: &str) -> Scanned {
    let mut items = Vec::new();
    let mut state = State::Code;
    // The byte offset and line where the current statement starts.
    let mut statement: Option<(usize, usize)> = None;
    let mut line = 1;
    // Whether anything other than blanks came before on the current line.
    let mut line_has_content = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match state {
            State::Code => match c {
                '\n' => {
                    line += 1;
                    line_has_content = false;
                    continue;
                }
                c if c.is_whitespace() => continue,
                '/' if next == Some('/') => state = State::LineComment,
                '/' if next == Some('*') => {
                    chars.next();
                    state = State::BlockComment;
                }
                ':' if statement.is_none() && !line_has_content => {
                    let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    items.push(ScriptItem {
                        text: text[i..end].trim().to_string(),
                        line,
                        kind: ItemKind::Command,
                    });
                    // Continue at the line break, which the loop counts.
                    while chars.peek().is_some_and(|&(j, _)| j < end) {
                        chars.next();
                    }
                }
                ';' => {
                    if let Some((start, start_line)) = statement.take() {
                        let body = text[start..i].trim();
                        if !body.is_empty() {
                            items.push(ScriptItem {
                                text: body.to_string(),
                                line: start_line,
                                kind: ItemKind::Statement,
                            });
                        }
                    }
                }
                _ => {
                    if statement.is_none() {
                        statement = Some((i, line));
                    }
                    match c {
                        '\'' | '"' => state = State::Quoted(c),
                        '`' => state = State::Backquoted,
                        _ => {}
                    }
                }
            },
            State::Quoted(quote) => {
                if c == '\\' {
                    if let Some((_, escaped)) = chars.next() {
                        if escaped == '\n' {
                            line += 1;
                        }
                    }
                } else if c == quote {
                    state = State::Code;
                }
            }
            State::Backquoted => {
                if c == '`' {
                    if next == Some('`') {
                        chars.next();
                    } else {
                        state = State::Code;
                    }
                }
            }
            State::LineComment => {
                if c == '\n' {
                    state = State::Code;
                    line += 1;
                    line_has_content = false;
                    continue;
                }
            }
            State::BlockComment => {
                if c == '*' && next == Some('/') {
                    chars.next();
                    state = State::Code;
                }
            }
        }
        if c == '\n' {
            line += 1;
        }
        line_has_content = true;
    }
    let mut open = !matches!(state, State::Code | State::LineComment);
    if let Some((start, start_line)) = statement {
        open = true;
        let body = text[start..].trim();
        if !body.is_empty() {
            items.push(ScriptItem {
                text: body.to_string(),
                line: start_line,
                kind: ItemKind::Statement,
            });
        }
    }
    Scanned { items, open }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<(String, usize, ItemKind)> {
        split(script)
            .into_iter()
            .map(|i| (i.text, i.line, i.kind))
            .collect()
    }

    #[test]
    fn statements_end_at_semicolons_outside_strings_names_and_comments() {
        let script =
            "MATCH (n) RETURN 'a;b' AS `x;y`; // c;d\n/* e;f */ RETURN \"g\\\";h\";\nRETURN 3";
        assert_eq!(
            texts(script),
            vec![
                (
                    "MATCH (n) RETURN 'a;b' AS `x;y`".to_string(),
                    1,
                    ItemKind::Statement
                ),
                ("RETURN \"g\\\";h\"".to_string(), 2, ItemKind::Statement),
                ("RETURN 3".to_string(), 3, ItemKind::Statement),
            ]
        );
    }

    #[test]
    fn commands_are_lines_starting_with_a_colon_outside_statements() {
        let script = ":param name => 'x;y'\n  :format json\nMATCH (n)\n:not a command\nRETURN n;\n";
        assert_eq!(
            texts(script),
            vec![
                (":param name => 'x;y'".to_string(), 1, ItemKind::Command),
                (":format json".to_string(), 2, ItemKind::Command),
                (
                    "MATCH (n)\n:not a command\nRETURN n".to_string(),
                    3,
                    ItemKind::Statement
                ),
            ]
        );
    }

    #[test]
    fn lines_are_counted_through_strings_and_comments() {
        let script = "RETURN 'a\nb';\n/* one\ntwo */\n\nRETURN 2;";
        let items = split(script);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].line, 6);
        assert_eq!(items[1].text, "RETURN 2");
    }

    #[test]
    fn blank_statements_and_lone_comments_are_skipped() {
        assert!(split(";; // nothing\n  /* at all */ ;").is_empty());
        assert!(split("").is_empty());
    }

    #[test]
    fn completeness_for_the_repl() {
        assert!(is_complete("RETURN 1;"));
        assert!(is_complete("RETURN 1;   // done\n"));
        assert!(is_complete(":help"));
        assert!(is_complete("  :format table  "));
        assert!(!is_complete(""));
        assert!(!is_complete("   // only a comment"));
        assert!(!is_complete("MATCH (n)\nRETURN n"));
        assert!(!is_complete("RETURN 'open;"));
        assert!(!is_complete("RETURN 1; /* open"));
        assert!(!is_complete("RETURN 1; RETURN"));
        assert!(!is_complete("RETURN `a;"));
    }
}
