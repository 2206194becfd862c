//! A hand-written parser for the common `.triples` lines, tried before pest.
//!
//! It reads one line at a time and accepts only what it is sure of: an item
//! (article, entity declaration, statement declaration or triple) that sits on
//! one line, with an optional property map of scalars and lists, followed by
//! blanks, an optional `#` comment and the line's end. For such a line it
//! builds exactly the [`Item`] that the pest path builds: the same byte
//! offsets, values and escapes.
//!
//! Anything else makes it give up on the line, and the pest path parses it
//! instead: a syntax error, a map or list that spans lines, a comment inside a
//! map, a back-quoted key, a lone carriage return, a property given twice, an
//! integer or float out of range, a `\u` escape that is not a character.
//! Every diagnostic therefore still comes from the pest path.
//!
//! Architecture invariant: this parser never reports anything and never
//! accepts a line that the grammar rejects; giving up is always safe.

use std::borrow::Cow;

use super::escape::{escape_len, unescape};
use super::item::{Endpoint, EndpointKind, Item, ItemKind, Prop, Props, Triple};
use crate::model::Kind;
use crate::value::Value;

/// What the fast path made of one line.
#[derive(Debug)]
pub(crate) struct Line<'a> {
    /// The line's item, or none for a blank or comment line.
    pub item: Option<Item<'a>>,
    /// The offset just after the line's end (its line break, or `end`).
    pub next: usize,
}

/// Parses the line of `source` that starts at `pos`, treating `end` as the end
/// of the input (as the pest path does with `&source[pos..end]`). Returns
/// `None` when the line is not one this parser is sure of.
pub(crate) fn line(source: &str, pos: usize, end: usize) -> Option<Line<'_>> {
    let end = end.min(source.len());
    if pos > end || !source.is_char_boundary(pos) || !source.is_char_boundary(end) {
        return None;
    }
    let mut c = Cursor {
        src: source,
        bytes: source.as_bytes(),
        i: pos,
        end,
    };
    c.blanks();
    let item = match c.peek() {
        // A blank line, a comment line, or the end of the input.
        None | Some(b'\n' | b'\r' | b'#') => None,
        Some(_) => Some(c.item()?),
    };
    let next = c.line_end()?;
    Some(Line { item, next })
}

/// The five words of the `kind` rule.
fn entity_kind(word: &str) -> Option<Kind> {
    match word {
        "actor" | "organisation" | "organization" | "org" | "place" => Kind::from_keyword(word),
        _ => None,
    }
}

/// Whether `word` is one of the grammar's keywords, which a label cannot be.
fn is_keyword(word: &str) -> bool {
    matches!(word, "article" | "statement") || entity_kind(word).is_some()
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A label or key: a letter or `_`, then letters, digits or `_`.
fn is_name(word: &str) -> bool {
    word.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
}

/// A predicate: a lowercase letter, then lowercase letters, digits or `_`.
fn is_predicate(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

struct Cursor<'a> {
    src: &'a str,
    bytes: &'a [u8],
    /// The current offset in `src`.
    i: usize,
    /// The end of the input.
    end: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        if self.i < self.end {
            self.bytes.get(self.i).copied()
        } else {
            None
        }
    }

    /// Steps over `b` if it comes next.
    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.i += 1;
        }
        found
    }

    /// Skips spaces and tabs (the grammar's WHITESPACE).
    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// The longest run of letters, digits and `_` from here (maybe empty).
    fn word(&mut self) -> &'a str {
        let start = self.i;
        while self.peek().is_some_and(is_ident_char) {
            self.i += 1;
        }
        // Both ends are ASCII boundaries (or the start of a multi-byte character).
        self.src.get(start..self.i).unwrap_or("")
    }

    /// After an item: blanks, an optional comment, then a line break or the
    /// end of the input. Returns the offset after it. A lone carriage return
    /// (a line break to the grammar) is left to the pest path.
    fn line_end(&mut self) -> Option<usize> {
        self.blanks();
        if self.peek() == Some(b'#') {
            while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                self.i += 1;
            }
        }
        match self.peek() {
            None => Some(self.i),
            Some(b'\n') => Some(self.i + 1),
            Some(b'\r') if self.bytes.get(self.i + 1) == Some(&b'\n') && self.i + 1 < self.end => {
                Some(self.i + 2)
            }
            _ => None,
        }
    }

    fn item(&mut self) -> Option<Item<'a>> {
        let at = self.i;
        let first = self.peek()?;
        if first == b'"' || first == b'\'' {
            let subject = Endpoint {
                at,
                kind: EndpointKind::Name(self.string()?),
            };
            return self.triple(at, subject);
        }
        let word = self.word();
        match word {
            "article" => {
                self.blanks();
                let id = self.string()?;
                let props = self.props()?;
                Some(Item {
                    at,
                    kind: ItemKind::Article { id, props },
                })
            }
            "statement" => {
                self.blanks();
                if matches!(self.peek(), Some(b'"' | b'\'')) {
                    // `statement "TEXT"` can only begin a triple.
                    let subject = Endpoint {
                        at,
                        kind: EndpointKind::Statement(self.string()?),
                    };
                    return self.triple(at, subject);
                }
                let label = self.word();
                if !is_name(label) || is_keyword(label) {
                    return None;
                }
                self.blanks();
                let text = self.string()?;
                let props = self.props()?;
                Some(Item {
                    at,
                    kind: ItemKind::Statement {
                        label: Some(Cow::Borrowed(label)),
                        text,
                        props,
                    },
                })
            }
            _ => {
                if let Some(kind) = entity_kind(word) {
                    self.blanks();
                    let name = self.string()?;
                    self.blanks();
                    if self.peek().is_some_and(|b| b.is_ascii_lowercase()) {
                        // Only a predicate can follow here: a triple.
                        let subject = Endpoint {
                            at,
                            kind: EndpointKind::Entity(kind, name),
                        };
                        return self.triple(at, subject);
                    }
                    let props = self.props()?;
                    return Some(Item {
                        at,
                        kind: ItemKind::Entity { kind, name, props },
                    });
                }
                if !is_name(word) || is_keyword(word) {
                    return None;
                }
                let subject = Endpoint {
                    at,
                    kind: EndpointKind::Label(Cow::Borrowed(word)),
                };
                self.triple(at, subject)
            }
        }
    }

    /// The rest of a triple after its subject.
    fn triple(&mut self, at: usize, subject: Endpoint<'a>) -> Option<Item<'a>> {
        self.blanks();
        let predicate_at = self.i;
        let predicate = self.word();
        if !is_predicate(predicate) {
            return None;
        }
        self.blanks();
        let object = self.endpoint()?;
        let props = self.props()?;
        Some(Item {
            at,
            kind: ItemKind::Triple(Triple {
                subject,
                predicate: Cow::Borrowed(predicate),
                predicate_at,
                object,
                props,
            }),
        })
    }

    /// The object of a triple.
    fn endpoint(&mut self) -> Option<Endpoint<'a>> {
        let at = self.i;
        if matches!(self.peek(), Some(b'"' | b'\'')) {
            let name = self.string()?;
            return Some(Endpoint {
                at,
                kind: EndpointKind::Name(name),
            });
        }
        let word = self.word();
        let kind = if let Some(kind) = entity_kind(word) {
            self.blanks();
            EndpointKind::Entity(kind, self.string()?)
        } else if word == "statement" {
            self.blanks();
            EndpointKind::Statement(self.string()?)
        } else if is_name(word) && !is_keyword(word) {
            EndpointKind::Label(Cow::Borrowed(word))
        } else {
            return None;
        };
        Some(Endpoint { at, kind })
    }

    /// A string literal in double or single quotes, with its escapes resolved;
    /// borrowed when it has none.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let quote = self.peek().filter(|&b| b == b'"' || b == b'\'')?;
        let start = self.i + 1;
        let mut i = start;
        let mut escaped = false;
        let within = self.bytes.get(..self.end)?;
        loop {
            // Quotes, backslashes and line breaks are ASCII, so they are never
            // part of a multi-byte character: scanning bytes is exact.
            let plain = within
                .get(i..)?
                .iter()
                .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'\r')?;
            i += plain;
            match within[i] {
                b if b == quote => break,
                b'\\' => {
                    escaped = true;
                    let len = escape_len(self.bytes.get(i + 1..self.end)?)?;
                    i += 1 + len;
                }
                b'\n' | b'\r' => return None,
                _ => i += 1,
            }
        }
        let body = self.src.get(start..i)?;
        self.i = i + 1;
        if escaped {
            unescape(body).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(body))
        }
    }

    /// An optional property map. Without one, no properties.
    fn props(&mut self) -> Option<Props<'a>> {
        self.blanks();
        let mut props: Props<'a> = Vec::new();
        if !self.eat(b'{') {
            return Some(props);
        }
        self.blanks();
        if self.eat(b'}') {
            return Some(props);
        }
        loop {
            let at = self.i;
            let key = self.word();
            if !is_name(key) || props.iter().any(|p| p.key == key) {
                // A property given twice is an error that the pest path reports.
                return None;
            }
            self.blanks();
            if !self.eat(b':') {
                return None;
            }
            self.blanks();
            let value = if self.peek() == Some(b'[') {
                self.list()?
            } else {
                self.scalar()?
            };
            // Most maps hold one or two pairs: grow a small map one pair at a
            // time (a vector's first growth makes room for four), and a
            // large one by doubling.
            if props.len() == props.capacity() && props.len() < 4 {
                props.reserve_exact(1);
            }
            props.push(Prop {
                key: Cow::Borrowed(key),
                value,
                at,
            });
            if self.separator(b'}')? {
                return Some(props);
            }
        }
    }

    /// After a map's pair or a list's element: a comma (maybe trailing), or
    /// the closing bracket. Returns whether the map or list is closed.
    fn separator(&mut self, close: u8) -> Option<bool> {
        self.blanks();
        if self.eat(close) {
            return Some(true);
        }
        if !self.eat(b',') {
            return None;
        }
        self.blanks();
        Some(self.eat(close))
    }

    /// A list of scalars.
    fn list(&mut self) -> Option<Value> {
        self.eat(b'[');
        self.blanks();
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Value::List(items));
        }
        loop {
            items.push(self.scalar()?);
            if self.separator(b']')? {
                return Some(Value::List(items));
            }
        }
    }

    fn scalar(&mut self) -> Option<Value> {
        match self.peek()? {
            b'"' | b'\'' => Some(Value::String(self.string()?.into_owned())),
            b'-' | b'0'..=b'9' => self.number(),
            _ => match self.word() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                "null" => Some(Value::Null),
                _ => None,
            },
        }
    }

    /// An integer or a float, as the grammar's `integer` and `float` rules
    /// read them, converted as the pest path converts them.
    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.eat(b'-');
        if self.digits() == 0 {
            return None;
        }
        let mut float = false;
        if self.eat(b'.') {
            if self.digits() == 0 {
                return None;
            }
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
            float = true;
        }
        // Both rules end at a word boundary; an integer is not followed by `.`.
        if self.peek().is_some_and(|b| is_ident_char(b) || b == b'.') {
            return None;
        }
        let text = self.src.get(start..self.i)?;
        if float {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::Float)
        } else {
            text.parse::<i64>().ok().map(Value::Int)
        }
    }

    /// Steps over ASCII digits; returns how many.
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }
}

#[cfg(test)]
mod tests;
