//! [`Properties`]: the property map of a node or relationship.
//!
//! Most records hold one to four properties. A `BTreeMap` allocates a node of
//! several hundred bytes even for one entry, which at a million relationships is
//! most of the memory; this is a vector of pairs kept sorted by key, with the
//! parts of `BTreeMap`'s interface that the crate uses.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::value::Value;

/// Properties ordered by key, each key at most once.
#[derive(Clone, Default, PartialEq)]
pub struct Properties {
    entries: Vec<(String, Value)>,
}

impl Properties {
    pub fn new() -> Self {
        Properties::default()
    }

    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&Value>
    where
        String: Borrow<Q>,
    {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut Value>
    where
        String: Borrow<Q>,
    {
        self.position(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
    {
        self.position(key).is_ok()
    }

    /// Sets `key`, returning the value it had.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.position(key.as_str()) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
    {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The properties without the null ones: a null property is not stored.
    pub fn without_nulls(mut self) -> Self {
        self.entries.retain(|(_, v)| *v != Value::Null);
        self
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The properties as an ordered map.
    pub fn to_btree(&self) -> BTreeMap<String, Value> {
        self.entries.iter().cloned().collect()
    }

    /// Sorts and removes duplicate keys (the last one wins), after a bulk build.
    fn normalise(&mut self) {
        if self.entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Sorted without duplicates already (few properties, in order).
            self.entries.shrink_to_fit();
            return;
        }
        // A stable sort keeps equal keys in insertion order; keep the last of each.
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Value)> = Vec::with_capacity(self.entries.len());
        for (k, v) in self.entries.drain(..) {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        out.shrink_to_fit();
        self.entries = out;
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<Q: Ord + ?Sized> std::ops::Index<&Q> for Properties
where
    String: Borrow<Q>,
{
    type Output = Value;

    /// Panics when the key is absent, like `BTreeMap`'s: use `get` on data from users.
    fn index(&self, key: &Q) -> &Value {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no such property"),
        }
    }
}

impl FromIterator<(String, Value)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut p = Properties {
            entries: iter.into_iter().collect(),
        };
        p.normalise();
        p
    }
}

impl Extend<(String, Value)> for Properties {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        self.entries.extend(iter);
        self.normalise();
    }
}

impl IntoIterator for Properties {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl From<BTreeMap<String, Value>> for Properties {
    fn from(map: BTreeMap<String, Value>) -> Self {
        // A BTreeMap iterates in key order with unique keys: already normal.
        Properties {
            entries: map.into_iter().collect(),
        }
    }
}

impl From<Properties> for BTreeMap<String, Value> {
    fn from(p: Properties) -> Self {
        p.entries.into_iter().collect()
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PropertiesVisitor;
        impl<'de> Visitor<'de> for PropertiesVisitor {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of properties")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Properties, A::Error> {
                // Stored data is untrusted: cap the preallocation.
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    entries.push((k, v));
                }
                let mut p = Properties { entries };
                if !p.entries.windows(2).all(|w| w[0].0 < w[1].0) {
                    p.normalise();
                }
                Ok(p)
            }
        }
        deserializer.deserialize_map(PropertiesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut p = Properties::new();
        assert_eq!(p.insert("b".into(), Value::Int(1)), None);
        assert_eq!(p.insert("a".into(), Value::Int(2)), None);
        assert_eq!(p.insert("b".into(), Value::Int(3)), Some(Value::Int(1)));
        assert_eq!(p.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(p.get("b"), Some(&Value::Int(3)));
        assert_eq!(p["a"], Value::Int(2));
        assert_eq!(p.remove("a"), Some(Value::Int(2)));
        assert!(!p.contains_key("a"));
        let q: Properties = [
            ("z".to_string(), Value::Null),
            ("y".to_string(), Value::Int(1)),
            ("z".to_string(), Value::Int(9)),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            q.iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect::<Vec<_>>(),
            [("y", Value::Int(1)), ("z", Value::Int(9))]
        );
    }

    /// Collected in any order, with or without repeated keys, the
    /// properties are those of an ordered map built from the same pairs.
    #[test]
    fn collecting_is_building_an_ordered_map() {
        let orders: &[&[(&str, i64)]] = &[
            &[],
            &[("a", 1)],
            &[("a", 1), ("b", 2), ("c", 3)],
            &[("c", 3), ("a", 1), ("b", 2)],
            &[("a", 1), ("a", 2)],
            &[("a", 1), ("b", 2), ("a", 3)],
            &[("b", 1), ("a", 2), ("b", 3), ("a", 4)],
        ];
        for pairs in orders {
            let pairs = pairs.iter().map(|&(k, v)| (k.to_string(), Value::Int(v)));
            let p: Properties = pairs.clone().collect();
            let map: BTreeMap<String, Value> = pairs.collect();
            assert_eq!(p.to_btree(), map);
            assert_eq!(p.len(), map.len());
            assert!(p.keys().zip(map.keys()).all(|(a, b)| a == b));
        }
    }

    #[test]
    fn round_trips_through_postcard_and_json() {
        let p: Properties = [
            ("name".to_string(), Value::from("X")),
            ("n".to_string(), Value::Int(1)),
        ]
        .into_iter()
        .collect();
        let bytes = postcard::to_stdvec(&p).unwrap();
        assert_eq!(postcard::from_bytes::<Properties>(&bytes).unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Properties>(&json).unwrap(), p);
    }
}
