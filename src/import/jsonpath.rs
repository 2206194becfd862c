//! JSON paths (`$.dataFeedElement[3].item[0].reviewRating`) and where they
//! point in the source text, for errors about JSON documents that serde_json
//! has already parsed into values without positions.

use std::fmt;

/// One step of a path: a member of an object or an element of an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// A path from the document's root, written `$.a[0].b`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct JsonPath(Vec<Step>);

impl JsonPath {
    pub fn root() -> Self {
        JsonPath(Vec::new())
    }

    /// This path followed by a member.
    pub fn key(&self, key: &str) -> Self {
        let mut steps = self.0.clone();
        steps.push(Step::Key(key.to_string()));
        JsonPath(steps)
    }

    /// This path followed by an array element.
    pub fn index(&self, i: usize) -> Self {
        let mut steps = self.0.clone();
        steps.push(Step::Index(i));
        JsonPath(steps)
    }

    /// The byte offset in `source` (one JSON document) of the value this path
    /// names: of its member's key for an object member, of the element for an
    /// array element. When the path leaves the document, the deepest value
    /// reached.
    pub fn locate(&self, source: &str) -> usize {
        let mut s = Scanner {
            b: source.as_bytes(),
            at: 0,
        };
        s.ws();
        let mut found = s.at;
        for step in &self.0 {
            match step {
                Step::Key(key) => match s.find_member(key) {
                    Some(key_at) => found = key_at,
                    None => return found,
                },
                Step::Index(i) => match s.find_element(*i) {
                    Some(at) => found = at,
                    None => return found,
                },
            }
        }
        found
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.0 {
            match step {
                Step::Key(k)
                    if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_') =>
                {
                    write!(f, ".{k}")?
                }
                Step::Key(k) => write!(f, "[{}]", serde_json::Value::from(k.as_str()))?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// Walks JSON text that is known to be valid (serde_json parsed it), so it only
/// needs to skip values, never to check them.
struct Scanner<'b> {
    b: &'b [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Skips a string starting at its opening quote; returns its raw content.
    fn string(&mut self) -> &[u8] {
        self.at += 1;
        let start = self.at;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        let end = self.at.min(self.b.len());
        self.at += 1;
        &self.b[start..end]
    }

    /// Skips one value (iteratively: nesting depth costs no stack).
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        loop {
            self.ws();
            match self.peek() {
                None => return,
                Some(b'"') => {
                    self.string();
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.at += 1;
                }
                Some(b'}' | b']') => {
                    depth = depth.saturating_sub(1);
                    self.at += 1;
                }
                Some(b',' | b':') => {
                    if depth == 0 {
                        return;
                    }
                    self.at += 1;
                }
                Some(_) => {
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    ) {
                        self.at += 1;
                    }
                }
            }
            if depth == 0 {
                return;
            }
        }
    }

    /// At an object, moves to the value of member `key`; returns the key's offset.
    fn find_member(&mut self, key: &str) -> Option<usize> {
        self.ws();
        if self.peek() != Some(b'{') {
            return None;
        }
        self.at += 1;
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key_at = self.at;
            let matched = self.string() == key.as_bytes();
            self.ws();
            self.at += 1; // the colon
            self.ws();
            if matched {
                return Some(key_at);
            }
            self.skip_value();
            self.ws();
            if self.peek() != Some(b',') {
                return None;
            }
            self.at += 1;
        }
    }

    /// At an array, moves to element `i`; returns its offset.
    fn find_element(&mut self, i: usize) -> Option<usize> {
        self.ws();
        if self.peek() != Some(b'[') {
            return None;
        }
        self.at += 1;
        for _ in 0..i {
            self.skip_value();
            self.ws();
            if self.peek() != Some(b',') {
                return None;
            }
            self.at += 1;
        }
        self.ws();
        matches!(self.peek(), Some(c) if c != b']').then_some(self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_and_locate() {
        let source = r#"{"a": [1, {"x": "]", "b": {"c": true}}], "d e": null}"#;
        let path = JsonPath::root().key("a").index(1).key("b").key("c");
        assert_eq!(path.to_string(), "$.a[1].b.c");
        assert_eq!(&source[path.locate(source)..][..3], "\"c\"");
        let spaced = JsonPath::root().key("d e");
        assert_eq!(spaced.to_string(), "$[\"d e\"]");
        assert_eq!(&source[spaced.locate(source)..][..5], "\"d e\"");
        // A path that leaves the document points at the deepest value reached.
        let missing = JsonPath::root().key("a").index(1).key("zz");
        assert_eq!(&source[missing.locate(source)..][..1], "{");
        assert_eq!(JsonPath::root().key("a").index(7).locate(source), 1);
    }
}
