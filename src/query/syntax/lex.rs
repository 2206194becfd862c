//! A forgiving tokenizer for text being typed: it never fails, marks strings,
//! names and comments that are still open, and keeps byte spans so that the
//! highlighter and the completer can work on half-written statements.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs and line breaks.
    Space,
    /// `// ...` to the end of the line.
    LineComment,
    /// `/* ... */`; `closed` is false when the text ends inside it.
    BlockComment { closed: bool },
    /// A string in single or double quotes; `closed` is false when the text ends inside it.
    String { quote: char, closed: bool },
    /// A name in backquotes; `closed` is false when the text ends inside it.
    Quoted { closed: bool },
    /// An integer or float literal.
    Number,
    /// A keyword or identifier.
    Word,
    /// `$name` (the span includes the `$`).
    Param,
    /// Any other single character.
    Punct(char),
}

/// One token with its byte span in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// Whether the token carries meaning (not a space or a comment).
    pub fn is_significant(&self) -> bool {
        !matches!(
            self.kind,
            TokenKind::Space | TokenKind::LineComment | TokenKind::BlockComment { .. }
        )
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens covering all of it, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let kind = if c.is_whitespace() {
            while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
            TokenKind::Space
        } else if c == '/' && chars.peek().is_some_and(|&(_, n)| n == '/') {
            while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            TokenKind::LineComment
        } else if c == '/' && chars.peek().is_some_and(|&(_, n)| n == '*') {
            chars.next();
            let mut closed = false;
            let mut prev = ' ';
            for (_, c) in chars.by_ref() {
                if prev == '*' && c == '/' {
                    closed = true;
                    break;
                }
                prev = c;
            }
            TokenKind::BlockComment { closed }
        } else if c == '\'' || c == '"' {
            let mut closed = false;
            while let Some((_, n)) = chars.next() {
                if n == '\\' {
                    chars.next();
                } else if n == c {
                    closed = true;
                    break;
                }
            }
            TokenKind::String { quote: c, closed }
        } else if c == '`' {
            let mut closed = false;
            while let Some((_, n)) = chars.next() {
                if n == '`' {
                    // A doubled backquote stands for one inside the name.
                    if chars.next_if(|&(_, n)| n == '`').is_none() {
                        closed = true;
                        break;
                    }
                }
            }
            TokenKind::Quoted { closed }
        } else if c.is_ascii_digit() {
            let mut prev = c;
            while let Some(&(_, n)) = chars.peek() {
                let exponent_sign = (n == '+' || n == '-') && (prev == 'e' || prev == 'E');
                if n.is_ascii_alphanumeric() || n == '_' || exponent_sign {
                    prev = n;
                    chars.next();
                } else if n == '.' {
                    // `1.5` is a float, but `1..3` is a range in a pattern.
                    let mut ahead = chars.clone();
                    ahead.next();
                    if ahead.peek().is_some_and(|&(_, d)| d.is_ascii_digit()) {
                        prev = n;
                        chars.next();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            TokenKind::Number
        } else if is_word_char(c) {
            while chars.next_if(|&(_, c)| is_word_char(c)).is_some() {}
            TokenKind::Word
        } else if c == '$' {
            while chars.next_if(|&(_, c)| is_word_char(c)).is_some() {}
            TokenKind::Param
        } else {
            TokenKind::Punct(c)
        };
        let end = chars.peek().map_or(text.len(), |&(i, _)| i);
        tokens.push(Token { kind, start, end });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn tokens_cover_the_text() {
        let text =
            "MATCH (a:Actor {name: 'O\\'Brien'})-[:CLAIMS]->(s) // c\nRETURN $p, 1.5e-3, `x``y`;";
        let tokens = tokenize(text);
        let joined: String = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(joined, text);
        let k = kinds(text);
        assert!(k.contains(&(
            TokenKind::String {
                quote: '\'',
                closed: true
            },
            "'O\\'Brien'"
        )));
        assert!(k.contains(&(TokenKind::Param, "$p")));
        assert!(k.contains(&(TokenKind::Number, "1.5e-3")));
        assert!(k.contains(&(TokenKind::Quoted { closed: true }, "`x``y`")));
        assert!(k.contains(&(TokenKind::LineComment, "// c")));
    }

    #[test]
    fn ranges_are_not_floats() {
        let k = kinds("*1..3");
        assert_eq!(k[1], (TokenKind::Number, "1"));
        assert_eq!(k[2], (TokenKind::Punct('.'), "."));
    }

    #[test]
    fn open_strings_and_comments_are_marked() {
        assert_eq!(
            kinds("x \"Yevg")[2].0,
            TokenKind::String {
                quote: '"',
                closed: false
            }
        );
        assert_eq!(
            kinds("/* a")[0].0,
            TokenKind::BlockComment { closed: false }
        );
    }
}
