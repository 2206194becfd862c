//! The `.jsonl` fast path: one line read straight into an [`Item`] that
//! borrows its names and keys from the source, tried before the general
//! reader in `jsonl`.
//!
//! serde_json reads the line into a small tree of borrowed fields (no
//! `serde_json::Value`, no hash maps, no copy of a string without escapes),
//! and the tree is turned into an item by the rules of the general reader:
//! the same fields taken out in the same order (serde_json's map, with
//! `preserve_order`, takes a field out by moving the last one into its
//! place, and so does this), the same byte offsets, the same values.
//!
//! Anything the general reader would complain about, and anything unusual
//! (a key given twice, a nested map, a large object, an integer past 64 bits),
//! makes it give up on the line, and the general reader reads it instead.
//!
//! Architecture invariant: this path never reports anything and never
//! accepts a line that the general reader rejects; giving up is always safe.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::item::{Endpoint, EndpointKind, Item, ItemKind, Prop, Props, Triple};
use super::jsonl::{is_predicate, key_at};
use crate::model::Kind;
use crate::value::Value;

/// The item of one line (`text`, starting at byte offset `at` of the file),
/// or `None` when the general reader must read it.
pub(crate) fn item<'a>(text: &'a str, at: usize) -> Option<Item<'a>> {
    let (tag, body) = serde_json::from_str::<Record<'a>>(text).ok()?.0?;
    let line = Line {
        text,
        at,
        quotes: Quotes::of(text),
    };
    let tag_at = line.key_at(&tag);
    let kind = match &*tag {
        "article" => line.article(body)?,
        "entity" => line.entity(body)?,
        "statement" => line.statement(body)?,
        "triple" => ItemKind::Triple(line.triple(body)?),
        _ => return None,
    };
    Some(Item { at: tag_at, kind })
}

/// A field's value, as far as an item can use it.
#[derive(Debug)]
enum Field<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// A list of scalars.
    List(Vec<Value>),
    /// A map one level down (an endpoint or a triple's props).
    Object(Fields<'a>),
}

/// A map's fields in the order written.
type Fields<'a> = Vec<(Cow<'a, str>, Field<'a>)>;

/// More fields than this in one map and the general reader takes the line
/// (the fast path looks for a repeated key by a linear search).
const MAX_FIELDS: usize = 32;

/// Takes a field out as serde_json's ordered map does: the last field moves
/// into its place.
fn take<'a>(fields: &mut Fields<'a>, key: &str) -> Option<Field<'a>> {
    let i = fields.iter().position(|(k, _)| k == key)?;
    Some(fields.swap_remove(i).1)
}

/// Takes a string field out; `Err` when it is there but not a string.
fn take_str<'a>(fields: &mut Fields<'a>, key: &str) -> Result<Option<Cow<'a, str>>, ()> {
    match take(fields, key) {
        None => Ok(None),
        Some(Field::Str(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// The most quotes of a line whose positions are kept; a line with more
/// finds its keys by [`key_at`]'s own search.
const MAX_QUOTES: usize = 96;

/// The byte offsets of the quotes of a line, found in one pass, so that the
/// offset of each key is found without searching the line again.
pub(crate) struct Quotes {
    at: [u32; MAX_QUOTES],
    len: usize,
    /// The line has more quotes than are kept (or is too long for `u32`).
    overflow: bool,
}

impl Quotes {
    pub(crate) fn of(text: &str) -> Quotes {
        let mut quotes = Quotes {
            at: [0; MAX_QUOTES],
            len: 0,
            overflow: text.len() > u32::MAX as usize,
        };
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if b == b'"' {
                if quotes.len == MAX_QUOTES {
                    quotes.overflow = true;
                    break;
                }
                quotes.at[quotes.len] = i as u32;
                quotes.len += 1;
            }
        }
        quotes
    }

    /// What [`key_at`] answers for `text` (the line these quotes are of):
    /// the same quotes tried as starts, in the same order, with the same
    /// skips, but without searching for them.
    pub(crate) fn key_at(&self, text: &str, at: usize, key: &str) -> usize {
        if self.overflow {
            return key_at(text, at, key);
        }
        let bytes = text.as_bytes();
        // Without a quote in the key, a quoted key ends at the next quote.
        let plain = !key.contains('"');
        let quotes = &self.at[..self.len];
        let mut from = 0;
        for (i, &q) in quotes.iter().enumerate() {
            let q = q as usize;
            if q < from {
                continue;
            }
            let after = q + 1 + key.len();
            let quoted = if plain {
                quotes.get(i + 1) == Some(&(after as u32)) && text[q + 1..after] == *key
            } else {
                text[q + 1..].starts_with(key) && bytes.get(after) == Some(&b'"')
            };
            if !quoted {
                continue;
            }
            if text[after + 1..].trim_start().starts_with(':') {
                return at + q;
            }
            from = after + 1;
        }
        at
    }
}

struct Line<'a> {
    text: &'a str,
    at: usize,
    quotes: Quotes,
}

impl<'a> Line<'a> {
    fn key_at(&self, key: &str) -> usize {
        self.quotes.key_at(self.text, self.at, key)
    }

    fn article(&self, mut body: Fields<'a>) -> Option<ItemKind<'a>> {
        let id = take_str(&mut body, "id").ok()??;
        let props = self.props(body)?;
        Some(ItemKind::Article { id, props })
    }

    fn entity(&self, mut body: Fields<'a>) -> Option<ItemKind<'a>> {
        let kind = take_str(&mut body, "kind").ok()??;
        let name = take_str(&mut body, "name").ok()??;
        let kind = Kind::from_keyword(&kind).filter(|k| k.is_entity())?;
        let props = self.props(body)?;
        Some(ItemKind::Entity { kind, name, props })
    }

    fn statement(&self, mut body: Fields<'a>) -> Option<ItemKind<'a>> {
        let text = take_str(&mut body, "text").ok()??;
        let label = take_str(&mut body, "label").ok()?;
        let props = self.props(body)?;
        Some(ItemKind::Statement { label, text, props })
    }

    fn triple(&self, mut body: Fields<'a>) -> Option<Triple<'a>> {
        let subject = take(&mut body, "s")?;
        let predicate = take(&mut body, "p")?;
        let object = take(&mut body, "o")?;
        let props = take(&mut body, "props");
        if !body.is_empty() {
            return None;
        }
        let subject = self.endpoint(subject, "s")?;
        let object = self.endpoint(object, "o")?;
        let predicate = match predicate {
            Field::Str(p) if is_predicate(&p) => p,
            _ => return None,
        };
        let props = match props {
            None => Vec::new(),
            Some(Field::Object(fields)) => self.props(fields)?,
            Some(_) => return None,
        };
        Some(Triple {
            subject,
            predicate,
            predicate_at: self.key_at("p"),
            object,
            props,
        })
    }

    fn endpoint(&self, field: Field<'a>, key: &str) -> Option<Endpoint<'a>> {
        let kind = match field {
            Field::Str(name) => EndpointKind::Name(name),
            Field::Object(mut fields) => {
                let kind = take_str(&mut fields, "kind").ok()?;
                let name = take_str(&mut fields, "name").ok()?;
                let text = take_str(&mut fields, "text").ok()?;
                let label = take_str(&mut fields, "label").ok()?;
                if !fields.is_empty() {
                    return None;
                }
                match (kind, name, text, label) {
                    (Some(kind), None, Some(text), None) if kind == "statement" => {
                        EndpointKind::Statement(text)
                    }
                    (Some(kind), Some(name), None, None) => {
                        let kind = Kind::from_keyword(&kind).filter(|k| k.is_entity())?;
                        EndpointKind::Entity(kind, name)
                    }
                    (None, None, None, Some(label)) => EndpointKind::Label(label),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(Endpoint {
            at: self.key_at(key),
            kind,
        })
    }

    fn props(&self, fields: Fields<'a>) -> Option<Props<'a>> {
        let mut props = Vec::with_capacity(fields.len());
        for (key, field) in fields {
            let value = match field {
                Field::Null => Value::Null,
                Field::Bool(b) => Value::Bool(b),
                Field::Int(i) => Value::Int(i),
                Field::Float(f) => Value::Float(f),
                Field::Str(s) => Value::String(s.into_owned()),
                Field::List(list) => Value::List(list),
                Field::Object(_) => return None,
            };
            props.push(Prop {
                at: self.key_at(&key),
                key,
                value,
            });
        }
        Some(props)
    }
}

/// A line: an object whose one field is (tag, body); `None` inside when the
/// object has no field.
struct Record<'a>(Option<(Cow<'a, str>, Fields<'a>)>);

impl<'de> de::Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor)
    }
}

/// The error of a line the fast path does not take; its text is never shown.
fn give_up<E: de::Error>() -> E {
    E::custom("")
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with one field")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Record<'de>, M::Error> {
        let Some(tag) = map.next_key_seed(KeySeed)? else {
            return Err(give_up());
        };
        let body = map.next_value_seed(FieldSeed { depth: 0 })?;
        let Field::Object(body) = body else {
            return Err(give_up());
        };
        if map.next_key_seed(KeySeed)?.is_some() {
            return Err(give_up());
        }
        Ok(Record(Some((tag, body))))
    }
}

/// A key, borrowed when it has no escape.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

/// A field's value. `depth` 0 is the record's body, 1 a field of the body
/// (which may be a map: an endpoint or a triple's props), 2 a field of such a
/// map (not a map again), [`SCALAR`] a list's element.
const SCALAR: u8 = 3;

#[derive(Clone, Copy)]
struct FieldSeed {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Field::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Self::Value, E> {
        Ok(Field::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Self::Value, E> {
        // Past 64-bit signed integers the general reader reports the number.
        i64::try_from(u).map(Field::Int).map_err(|_| give_up())
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
        if f.is_finite() {
            Ok(Field::Float(f))
        } else {
            Err(give_up())
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(s)))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        if self.depth >= SCALAR {
            return Err(give_up());
        }
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_FIELDS));
        while let Some(field) = seq.next_element_seed(FieldSeed { depth: SCALAR })? {
            list.push(match field {
                Field::Null => Value::Null,
                Field::Bool(b) => Value::Bool(b),
                Field::Int(i) => Value::Int(i),
                Field::Float(f) => Value::Float(f),
                Field::Str(s) => Value::String(s.into_owned()),
                Field::List(_) | Field::Object(_) => return Err(give_up()),
            });
        }
        Ok(Field::List(list))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        // Only the body and the maps in it are read.
        if self.depth >= 2 {
            return Err(give_up());
        }
        let inner = FieldSeed {
            depth: self.depth + 1,
        };
        let mut fields: Fields<'de> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if fields.len() >= MAX_FIELDS || fields.iter().any(|(k, _)| *k == key) {
                return Err(give_up());
            }
            let value = map.next_value_seed(inner)?;
            fields.push((key, value));
        }
        Ok(Field::Object(fields))
    }
}
