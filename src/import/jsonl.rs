//! The `.jsonl` parser: one JSON object per line, parsed with serde_json into
//! the same [`Item`]s as the `.triples` form.
//!
//! ```text
//! {"article": {"id": "a1", "date": "2023-04-03", "source": "BBC News"}}
//! {"entity": {"kind": "organisation", "name": "Wagner", "aliases": ["Wagner Group"]}}
//! {"statement": {"label": "s1", "text": "Bakhmut is Russian"}}
//! {"triple": {"s": "Wagner", "p": "claims", "o": {"label": "s1"}, "props": {"date": "2023-04-02"}}}
//! ```
//!
//! An endpoint is a bare string (a name), `{"kind": K, "name": N}`,
//! `{"kind": "statement", "text": T}` or `{"label": L}`.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::item::{
    Endpoint, EndpointKind, Item, ItemKind, Items, Progress, Prop, Props, Report, Triple,
};
use super::jsonl_fast;
use super::suggest;
use crate::model::Kind;
use crate::value::Value;

/// Parses a whole file into items, reporting every broken line. Parsing is the
/// first half of the progress reported.
#[cfg(test)]
pub(crate) fn parse<'a>(
    source: &'a str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> Items<'a> {
    parse_range(source, 0, source.len(), report, progress)
}

/// Parses the lines in `source[start..end]`, which must start at a line's
/// start and end at a line's end or the end of the file. Offsets in the items
/// and errors are offsets in the whole `source`. Each line is tried by the
/// fast path (`jsonl_fast`) first; what it gives up on is read here.
pub(crate) fn parse_range<'a>(
    source: &'a str,
    start: usize,
    end: usize,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> Items<'a> {
    let mut items = Items::new();
    let mut next = start;
    for raw in source[start..end].split_inclusive('\n') {
        let line_start = next;
        next += raw.len();
        if !progress.tick(line_start as u64 / 2) {
            break;
        }
        let mut text = raw.trim_end_matches(['\n', '\r']);
        let mut at = line_start;
        if line_start == 0 {
            if let Some(rest) = text.strip_prefix('\u{feff}') {
                text = rest;
                at += 3;
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        if let Some(item) = jsonl_fast::item(text, at) {
            items.push(item);
            continue;
        }
        if let Some(item) = read_line(text, at, report) {
            items.push(item);
        }
    }
    items
}

/// The general reader: one line (`text`, at byte offset `at` of the file)
/// through a `serde_json::Value`, reporting whatever is wrong with it.
fn read_line(text: &str, at: usize, report: &mut Report<'_>) -> Option<Item<'static>> {
    let json: Json = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(e) => {
            // serde_json counts columns in bytes from 1; its message ends with the position.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            report.error(
                at + e.column().saturating_sub(1),
                format!("this line is not valid JSON: {message}"),
            );
            return None;
        }
    };
    Line { text, at, report }.item(json)
}

/// The offset of `"key":` in a line (`text`, at byte offset `at` of the
/// file), or the line's start: where an error about the key points. The
/// first `"key"` followed by a colon counts, wherever it is in the line.
pub(crate) fn key_at(text: &str, at: usize, key: &str) -> usize {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find('"') {
        let q = from + i;
        let after = q + 1 + key.len();
        let quoted = text[q + 1..].starts_with(key) && bytes.get(after) == Some(&b'"');
        if !quoted {
            from = q + 1;
            continue;
        }
        if text[after + 1..].trim_start().starts_with(':') {
            return at + q;
        }
        from = after + 1;
    }
    at
}

/// One line being converted, for positioning its errors.
struct Line<'l, 'r, 's> {
    text: &'l str,
    at: usize,
    report: &'r mut Report<'s>,
}

impl Line<'_, '_, '_> {
    /// The offset of `"key":` in the line, or the line's start: where an error about it points.
    fn key_at(&self, key: &str) -> usize {
        key_at(self.text, self.at, key)
    }

    fn error(&mut self, at: usize, message: impl Into<String>) {
        self.report.error(at, message);
    }

    fn item(&mut self, json: Json) -> Option<Item<'static>> {
        let Json::Object(object) = json else {
            self.error(
                self.at,
                "expected a JSON object such as {\"triple\": {...}} on this line",
            );
            return None;
        };
        let mut entries = object.into_iter();
        let (Some((tag, body)), None) = (entries.next(), entries.next()) else {
            self.error(
                self.at,
                "expected an object with one key: article, entity, statement or triple",
            );
            return None;
        };
        let tag_at = self.key_at(&tag);
        let Json::Object(body) = body else {
            self.error(tag_at, format!("the value of \"{tag}\" must be an object"));
            return None;
        };
        let kind = match tag.as_str() {
            "article" => self.article(body, tag_at)?,
            "entity" => self.entity(body, tag_at)?,
            "statement" => self.statement(body, tag_at)?,
            "triple" => ItemKind::Triple(self.triple(body, tag_at)?),
            other => {
                self.error(tag_at, suggest::unknown_item(other));
                return None;
            }
        };
        Some(Item { at: tag_at, kind })
    }

    /// Takes a required string field out of an object.
    fn take_string(
        &mut self,
        body: &mut Map<String, Json>,
        key: &str,
        what: &str,
        at: usize,
    ) -> Option<String> {
        match body.remove(key) {
            Some(Json::String(s)) => Some(s),
            Some(_) => {
                let at = self.key_at(key);
                self.error(at, format!("\"{key}\" must be a string"));
                None
            }
            None => {
                self.error(at, format!("{what} needs a \"{key}\" field"));
                None
            }
        }
    }

    fn article(&mut self, mut body: Map<String, Json>, at: usize) -> Option<ItemKind<'static>> {
        let id = self.take_string(&mut body, "id", "an article", at)?;
        let props = self.props(body)?;
        Some(ItemKind::Article {
            id: Cow::Owned(id),
            props,
        })
    }

    fn entity(&mut self, mut body: Map<String, Json>, at: usize) -> Option<ItemKind<'static>> {
        let kind = self.take_string(&mut body, "kind", "an entity", at);
        let name = self.take_string(&mut body, "name", "an entity", at);
        let kind = self.entity_kind(&kind?)?;
        let props = self.props(body)?;
        Some(ItemKind::Entity {
            kind,
            name: Cow::Owned(name?),
            props,
        })
    }

    fn entity_kind(&mut self, word: &str) -> Option<Kind> {
        match Kind::from_keyword(word).filter(|k| k.is_entity()) {
            Some(kind) => Some(kind),
            None => {
                let at = self.key_at("kind");
                self.error(
                    at,
                    suggest::unknown_kind(word, "actor, organisation or place"),
                );
                None
            }
        }
    }

    fn statement(&mut self, mut body: Map<String, Json>, at: usize) -> Option<ItemKind<'static>> {
        let text = self.take_string(&mut body, "text", "a statement", at)?;
        let label = match body.remove("label") {
            None => None,
            Some(Json::String(l)) => Some(Cow::Owned(l)),
            Some(_) => {
                let at = self.key_at("label");
                self.error(at, "\"label\" must be a string");
                return None;
            }
        };
        let props = self.props(body)?;
        Some(ItemKind::Statement {
            label,
            text: Cow::Owned(text),
            props,
        })
    }

    fn triple(&mut self, mut body: Map<String, Json>, at: usize) -> Option<Triple<'static>> {
        let subject = body.remove("s");
        let predicate = body.remove("p");
        let object = body.remove("o");
        let props = body.remove("props");
        if let Some(extra) = body.keys().next() {
            let at = self.key_at(extra);
            self.error(
                at,
                format!("unknown field \"{extra}\" in a triple: expected s, p, o and props"),
            );
            return None;
        }
        let (Some(subject), Some(predicate), Some(object)) = (subject, predicate, object) else {
            self.error(at, "a triple needs the fields \"s\", \"p\" and \"o\"");
            return None;
        };
        let subject = self.endpoint(subject, "s");
        let object = self.endpoint(object, "o");
        let predicate_at = self.key_at("p");
        let predicate = match predicate {
            Json::String(p) if is_predicate(&p) => Some(p),
            _ => {
                self.error(
                    predicate_at,
                    "\"p\" must be a predicate: a lowercase word such as claims or member_of",
                );
                None
            }
        };
        let props = match props {
            None => Some(Vec::new()),
            Some(Json::Object(map)) => self.props(map),
            Some(_) => {
                let at = self.key_at("props");
                self.error(at, "\"props\" must be an object");
                None
            }
        };
        Some(Triple {
            subject: subject?,
            predicate: Cow::Owned(predicate?),
            predicate_at,
            object: object?,
            props: props?,
        })
    }

    fn endpoint(&mut self, json: Json, key: &str) -> Option<Endpoint<'static>> {
        let at = self.key_at(key);
        let kind = match json {
            Json::String(name) => EndpointKind::Name(Cow::Owned(name)),
            Json::Object(mut map) => {
                let field = |map: &mut Map<String, Json>, f: &str| match map.remove(f) {
                    Some(Json::String(s)) => Ok(Some(s)),
                    None => Ok(None),
                    Some(_) => Err(()),
                };
                let parts = (
                    field(&mut map, "kind"),
                    field(&mut map, "name"),
                    field(&mut map, "text"),
                    field(&mut map, "label"),
                );
                match parts {
                    _ if !map.is_empty() => {
                        self.error(
                            at,
                            format!(
                                "unknown field \"{}\" in an endpoint",
                                map.keys().next().map_or("", String::as_str)
                            ),
                        );
                        return None;
                    }
                    (Ok(Some(kind)), Ok(None), Ok(Some(text)), Ok(None)) if kind == "statement" => {
                        EndpointKind::Statement(Cow::Owned(text))
                    }
                    (Ok(Some(kind)), Ok(Some(name)), Ok(None), Ok(None)) => {
                        match Kind::from_keyword(&kind).filter(|k| k.is_entity()) {
                            Some(kind) => EndpointKind::Entity(kind, Cow::Owned(name)),
                            None => {
                                self.error(
                                    at,
                                    suggest::unknown_kind(
                                        &kind,
                                        "actor, organisation, place or statement",
                                    ),
                                );
                                return None;
                            }
                        }
                    }
                    (Ok(None), Ok(None), Ok(None), Ok(Some(label))) => {
                        EndpointKind::Label(Cow::Owned(label))
                    }
                    _ => {
                        self.error(at, "expected an endpoint: a name, {\"kind\": K, \"name\": N}, {\"kind\": \"statement\", \"text\": T} or {\"label\": L}");
                        return None;
                    }
                }
            }
            _ => {
                self.error(at, "expected an endpoint: a name, {\"kind\": K, \"name\": N}, {\"kind\": \"statement\", \"text\": T} or {\"label\": L}");
                return None;
            }
        };
        Some(Endpoint { at, kind })
    }

    /// Converts an object's remaining fields into properties.
    fn props(&mut self, map: Map<String, Json>) -> Option<Props<'static>> {
        let mut props = Vec::with_capacity(map.len());
        let mut ok = true;
        for (key, json) in map {
            let at = self.key_at(&key);
            match self.value(json, at, true) {
                Some(value) => props.push(Prop {
                    key: Cow::Owned(key),
                    value,
                    at,
                }),
                None => ok = false,
            }
        }
        ok.then_some(props)
    }

    /// A property value: a scalar, or (at the top) a list of scalars.
    fn value(&mut self, json: Json, at: usize, top: bool) -> Option<Value> {
        Some(match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::String(s) => Value::String(s),
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else if n.is_f64() {
                    Value::Float(n.as_f64().unwrap_or(f64::NAN))
                } else {
                    self.error(
                        at,
                        format!("the integer {n} is too large (integers are 64-bit)"),
                    );
                    return None;
                }
            }
            Json::Array(items) if top => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    list.push(self.value(item, at, false)?);
                }
                Value::List(list)
            }
            Json::Array(_) => {
                self.error(at, "lists of lists are not property values");
                return None;
            }
            Json::Object(_) => {
                self.error(at, "a map is not a property value");
                return None;
            }
        })
    }
}

/// Whether `p` is a predicate: `[a-z][a-z0-9_]*`.
pub(crate) fn is_predicate(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_errors() {
        let src = "{\"article\": {\"id\": \"a\", \"date\": \"2023-04-03\"}}\n\n\
                   {\"triple\": {\"s\": \"A\", \"p\": \"claims\", \"o\": {\"kind\": \"statement\", \"text\": \"t\"}}}\n\
                   {\"triple\": {\"s\": \"A\", \"p\": \"Claims\", \"o\": 3}}\n\
                   {\"entity\": {\"kind\": \"actor\", \"name\": \"A\"\n\
                   {\"entity\": {\"kind\": \"actor\", \"name\": \"A\", \"n\": 18446744073709551615}}\n";
        let mut report = Report::new("t.jsonl", src);
        let mut progress = Progress::new(None, src.len());
        let items = parse(src, &mut report, &mut progress);
        assert_eq!(items.len(), 2);
        let diags: Vec<String> = report
            .finish()
            .items
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        assert_eq!(diags.len(), 4, "{diags:?}");
        assert!(diags[0].starts_with("4:23: \"p\" must be"), "{diags:?}");
        assert!(
            diags[1].starts_with("4:38: expected an endpoint"),
            "{diags:?}"
        );
        assert!(
            diags[2].starts_with("5:40: this line is not valid JSON"),
            "{diags:?}"
        );
        assert!(diags[3].starts_with("6:43: the integer"), "{diags:?}");
    }

    /// `key_at` as it was first written, with a search for the quoted key.
    fn key_at_by_search(text: &str, at: usize, key: &str) -> usize {
        let quoted = format!("\"{key}\"");
        let mut from = 0;
        while let Some(i) = text[from..].find(&quoted) {
            let after = from + i + quoted.len();
            if text[after..].trim_start().starts_with(':') {
                return at + from + i;
            }
            from = after;
        }
        at
    }

    #[test]
    fn key_at_finds_the_first_key_with_a_colon() {
        let text = r#"{"a": "\"s\" x", "s" , "s"  : 1, "s": 2, "é": {"k\"": 3}, "": 4}"#;
        for key in ["s", "a", "é", "k\\", "k\"", "", "x", "\"", "s\" ", "1"] {
            assert_eq!(
                key_at(text, 7, key),
                key_at_by_search(text, 7, key),
                "{key:?}"
            );
        }
    }

    /// The quote table of the fast path answers as `key_at` searches, for
    /// keys with and without quotes, keys that appear quoted without a colon
    /// and lines with more quotes than the table keeps.
    #[test]
    fn quote_table_finds_keys_as_the_search_does() {
        let many = format!("{{{}\"k\": 1}}", "\"x\", ".repeat(60));
        let mut texts = vec![
            r#"{"a": "\"s\" x", "s" , "s"  : 1, "s": 2, "é": {"k\"": 3}, "": 4}"#.to_string(),
            r#""s"s": 1"#.to_string(),
            r#"{"s""s": 1, "p"  "p" :2}"#.to_string(),
            many,
        ];
        texts.extend(LINES.iter().map(|l| l.to_string()));
        let keys = [
            "s", "a", "é", "k\\", "k\"", "", "x", "\"", "s\" ", "1", "p", "o", "k", "props",
            "date", "triple", "article", "id", "kind", "name",
        ];
        for text in &texts {
            let quotes = jsonl_fast::Quotes::of(text);
            for key in keys {
                assert_eq!(
                    quotes.key_at(text, 7, key),
                    key_at(text, 7, key),
                    "{text} {key:?}"
                );
            }
        }
    }

    /// Lines the fast path takes, and lines it must give up on; for each,
    /// the fast path's item is the general reader's, and it gives up on every
    /// line the general reader reports.
    const LINES: &[&str] = &[
        r#"{"article": {"id": "article-0000000", "date": "2023-01-02", "source": "Outlet 00"}}"#,
        r#"{"article": {"date": "2023-01-02", "id": "a\u00e9", "source": "O", "n": 3, "f": 1.5, "l": [1, "x", null, true]}}"#,
        r#"{"article": {"id": "a", "date": "2023-01-02", "date": "2023-01-03"}}"#,
        r#"{"article": {"id": 3}}"#,
        r#"{"article": {"id": "a", "m": {"x": 1}}}"#,
        r#"{"article": {"id": "a", "l": [[1]]}}"#,
        r#"{"article": {"id": "a", "n": 18446744073709551615}}"#,
        r#"{"article": {"id": "a", "n": 18446744073709551616, "m": -9223372036854775808, "z": -0, "e": 1e3}}"#,
        r#"{"article": {"id": "a"}, "article": {"id": "b"}}"#,
        r#"{"article": {"id": "a"}, "entity": {"id": "b"}}"#,
        r#"{"article": [1]}"#,
        r#"{}"#,
        r#"[1, 2]"#,
        r#"{"article": {"id": "a"}} x"#,
        r#"{"article": {"id": "a""#,
        r#"{"entity": {"kind": "organisation", "name": "Wagner", "aliases": ["Wagner Group", "PMC"]}}"#,
        r#"{"entity": {"name": "Wagner", "x": 1, "kind": "org", "y": 2}}"#,
        r#"{"entity": {"kind": "statement", "name": "Wagner"}}"#,
        r#"{"entity": {"kind": "actor"}}"#,
        r#"{"statement": {"label": "s1", "text": "Bakhmut is \"Russian\"", "date": "2023-04-02"}}"#,
        r#"{"statement": {"text": "t", "w": 2, "label": "s1", "v": 1}}"#,
        r#"{"statement": {"text": "t", "label": 1}}"#,
        r#"{"triple": {"s": "Wagner", "p": "claims", "o": {"label": "s1"}, "props": {"date": "2023-04-02", "w": [0.5]}}}"#,
        r#"{"triple": {"o": {"kind": "statement", "text": "t"}, "props": {}, "p": "about", "s": {"kind": "place", "name": "Kyiv"}}}"#,
        r#"{"triple": {"s": {"name": "A", "kind": "actor"}, "p": "member_of2", "o": "B"}}"#,
        r#"{"triple": {"s": "A", "p": "Claims", "o": "B"}}"#,
        r#"{"triple": {"s": "A", "p": "claims", "o": 3}}"#,
        r#"{"triple": {"s": "A", "p": "claims"}}"#,
        r#"{"triple": {"s": "A", "p": "claims", "o": "B", "q": 1}}"#,
        r#"{"triple": {"s": "A", "p": "claims", "o": "B", "props": 1}}"#,
        r#"{"triple": {"s": "A", "p": "claims", "o": "B", "props": {"m": {"x": 1}}}}"#,
        r#"{"triple": {"s": {"kind": "statement", "name": "A"}, "p": "claims", "o": "B"}}"#,
        r#"{"triple": {"s": {"kind": "actor", "name": "A", "x": 1}, "p": "claims", "o": "B"}}"#,
        r#"{"triple": {"s": {"label": "A", "text": "t"}, "p": "claims", "o": "B"}}"#,
        r#"{"triple": {"s": {"kind": "actor", "name": 1}, "p": "claims", "o": "B"}}"#,
        r#"{"tripel": {"s": "A", "p": "claims", "o": "B"}}"#,
        r#"{"triple": {"s": "A\u0000", "p": "claims", "o": "B", "props": {"k\"ey": "v", "da\u0074e": "2023-01-01"}}}"#,
        r#"  {"article": {"id": "a", "source": "s"}}  "#,
    ];

    #[test]
    fn the_fast_path_makes_the_items_of_the_general_reader() {
        let mut taken = 0;
        for (n, text) in LINES.iter().enumerate() {
            let at = 1000 * n;
            let src = " ".repeat(at) + text;
            let mut report = Report::new("t.jsonl", &src);
            let general = read_line(text, at, &mut report);
            let reported = report.has_errors();
            match jsonl_fast::item(text, at) {
                Some(fast) => {
                    assert!(!reported, "the fast path took a bad line: {text}");
                    assert_eq!(Some(fast), general, "{text}");
                    taken += 1;
                }
                None => assert!(reported || general.is_some(), "neither path read {text}"),
            }
        }
        assert!(taken >= 12, "the fast path took only {taken} lines");
    }

    #[test]
    fn a_large_file_parses_the_same_on_several_threads() {
        let mut src = String::from("\u{feff}");
        for i in 0..20_000 {
            src.push_str(LINES[i % LINES.len()]);
            src.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        }
        assert!(src.len() > 1 << 20);
        let mut one = Report::new("t.jsonl", &src);
        let items: Vec<_> = parse(&src, &mut one, &mut Progress::new(None, src.len()))
            .into_iter()
            .collect();
        let mut many = Report::new("t.jsonl", &src);
        let parallel: Vec<_> = super::super::parse_jsonl(
            "t.jsonl",
            &src,
            &mut many,
            &mut Progress::new(None, src.len()),
        )
        .into_iter()
        .collect();
        assert_eq!(items.len(), parallel.len());
        assert!(items == parallel);
        let (one, many) = (one.finish(), many.finish());
        assert_eq!(one.omitted, many.omitted);
        assert_eq!(one.items, many.items);
        assert!(one.omitted > 0);
    }
}
