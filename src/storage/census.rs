//! The census: how many nodes and relationships a store holds, per label and
//! per type, kept beside its records and written in the same atomic batch as
//! each change, so that `claimgraph stats` answers without reading the records.
//!
//! A census names the transaction after which it holds. One that names an
//! older transaction than the store's last (a store written by a release that
//! kept none) is not used; the next open that reads the records writes a new
//! one. `claimgraph check` compares it with the records.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::{Node, Relationship};

/// Counts of what a store holds after transaction `tx`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Census {
    /// The transaction after which the counts hold (0: an empty store).
    pub tx: u64,
    pub nodes: u64,
    pub relationships: u64,
    /// Nodes per label, for labels in use.
    pub labels: BTreeMap<String, u64>,
    /// Relationships per type, for types in use.
    pub types: BTreeMap<String, u64>,
}

impl Census {
    /// The census of these records (a backup's), counted one by one.
    pub fn of_records<'a>(
        nodes: impl IntoIterator<Item = &'a Node>,
        relationships: impl IntoIterator<Item = &'a Relationship>,
    ) -> Census {
        let mut c = Census::default();
        for n in nodes {
            c.nodes += 1;
            for l in &n.labels {
                *c.labels.entry(l.clone()).or_default() += 1;
            }
        }
        for r in relationships {
            c.relationships += 1;
            *c.types.entry(r.rel_type.clone()).or_default() += 1;
        }
        c
    }

    /// The census after a commit as transaction `tx`, given the census that
    /// held for the transaction before (`kept`): the change's own; `kept`
    /// carried forward when the batch writes no record; otherwise none, since
    /// records changed and nobody counted them. Every backend keeps this rule.
    pub fn after_commit(
        change: Option<&Census>,
        writes_records: bool,
        kept: Option<Census>,
        tx: u64,
    ) -> Option<Census> {
        match change {
            Some(c) => Some(c.clone().at(tx)),
            None if !writes_records => kept.map(|c| c.at(tx)),
            None => None,
        }
    }

    /// The census with its transaction set to `tx`.
    pub fn at(mut self, tx: u64) -> Census {
        self.tx = tx;
        self
    }

    /// The bytes the store keeps.
    pub fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_allocvec(self)
            .map_err(|e| Error::Corrupt(format!("the census does not encode: {e}")))
    }

    /// The census from the bytes the store keeps.
    pub fn decode(bytes: &[u8]) -> Result<Census> {
        postcard::from_bytes(bytes)
            .map_err(|e| Error::Corrupt(format!("the census record does not decode: {e}")))
    }

    /// What differs between this census and `counted` (the records'), as a
    /// sentence, or `None` when they agree (their transactions aside).
    pub fn differences(&self, counted: &Census) -> Option<String> {
        let mut out = Vec::new();
        if self.nodes != counted.nodes {
            out.push(format!("{} nodes, not {}", self.nodes, counted.nodes));
        }
        if self.relationships != counted.relationships {
            out.push(format!(
                "{} relationships, not {}",
                self.relationships, counted.relationships
            ));
        }
        for (what, kept, real) in [
            ("label", &self.labels, &counted.labels),
            ("type", &self.types, &counted.types),
        ] {
            let names: std::collections::BTreeSet<&String> =
                kept.keys().chain(real.keys()).collect();
            for name in names {
                let (k, r) = (kept.get(name), real.get(name));
                if k != r {
                    out.push(format!(
                        "{} of {what} {name}, not {}",
                        k.copied().unwrap_or(0),
                        r.copied().unwrap_or(0)
                    ));
                }
            }
        }
        (!out.is_empty()).then(|| out.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::props::Properties;

    #[test]
    fn counts_records_and_round_trips() {
        let node = |id, label: &str| Node {
            id,
            labels: vec![label.to_string()],
            properties: Properties::default(),
        };
        let nodes = [node(0, "Actor"), node(1, "Actor"), node(2, "Place")];
        let rel = Relationship {
            id: 0,
            rel_type: "CLAIMS".into(),
            start: 0,
            end: 2,
            properties: Properties::default(),
        };
        let c = Census::of_records(&nodes, [&rel]).at(4);
        assert_eq!((c.tx, c.nodes, c.relationships), (4, 3, 1));
        assert_eq!(c.labels["Actor"], 2);
        assert_eq!(c.types["CLAIMS"], 1);
        assert_eq!(Census::decode(&c.encode().unwrap()).unwrap(), c);
        assert!(Census::decode(&[0xff; 3]).is_err());

        let mut wrong = c.clone();
        wrong.labels.insert("Actor".into(), 5);
        wrong.types.remove("CLAIMS");
        assert_eq!(
            wrong.differences(&c).unwrap(),
            "5 of label Actor, not 2, 0 of type CLAIMS, not 1"
        );
        assert_eq!(c.clone().at(9).differences(&c), None);
    }
}
