//! The records of the property graph: nodes and relationships with stable ids,
//! and the names of the claims domain (labels, key properties, stance types).

use serde::{Deserialize, Serialize};

use crate::value::{Properties, Value};

/// A node's stable id. Ids are never reused after a delete.
pub type NodeId = u64;
/// A relationship's stable id. Node and relationship ids are separate spaces.
pub type RelId = u64;

/// A node as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub labels: Vec<String>,
    pub properties: Properties,
}

/// A relationship as stored. It always has exactly one type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relationship {
    pub id: RelId,
    #[serde(rename = "type")]
    pub rel_type: String,
    pub start: NodeId,
    pub end: NodeId,
    pub properties: Properties,
}

impl Node {
    pub fn has_label(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.properties.get(key)
    }
}

impl Relationship {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.properties.get(key)
    }

    /// The article this relationship was reported by, if any.
    pub fn article(&self) -> Option<&str> {
        self.properties.get(ARTICLE_PROP).and_then(Value::as_str)
    }
}

pub const ACTOR: &str = "Actor";
pub const ORGANISATION: &str = "Organisation";
pub const PLACE: &str = "Place";
pub const STATEMENT: &str = "Statement";
pub const ARTICLE: &str = "Article";

/// The property that holds an entity's name.
pub const NAME_PROP: &str = "name";
/// The property that holds an entity's other names.
pub const ALIASES_PROP: &str = "aliases";
/// The property that holds a statement's normalised text.
pub const TEXT_PROP: &str = "text";
/// The property that holds an article's id.
pub const ID_PROP: &str = "id";
/// The relationship property naming the article that reported it.
pub const ARTICLE_PROP: &str = "article";

pub const CLAIMS: &str = "CLAIMS";
pub const DENIES: &str = "DENIES";
pub const ASSESSES: &str = "ASSESSES";
pub const ABOUT: &str = "ABOUT";

/// The kinds of node that the domain model knows, each with its key property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Actor,
    Organisation,
    Place,
    Statement,
    Article,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Actor,
        Kind::Organisation,
        Kind::Place,
        Kind::Statement,
        Kind::Article,
    ];

    /// The node label of this kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Actor => ACTOR,
            Kind::Organisation => ORGANISATION,
            Kind::Place => PLACE,
            Kind::Statement => STATEMENT,
            Kind::Article => ARTICLE,
        }
    }

    /// The property that identifies a node of this kind.
    pub fn key_property(self) -> &'static str {
        match self {
            Kind::Actor | Kind::Organisation | Kind::Place => NAME_PROP,
            Kind::Statement => TEXT_PROP,
            Kind::Article => ID_PROP,
        }
    }

    /// Whether nodes of this kind are entities (named, with aliases).
    pub fn is_entity(self) -> bool {
        matches!(self, Kind::Actor | Kind::Organisation | Kind::Place)
    }

    /// The kind whose label is `label`.
    pub fn from_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.label() == label)
    }

    /// The kind named by an import keyword: `actor`, `organisation` (also
    /// `organization`, `org`), `place`, `statement`, `article`.
    pub fn from_keyword(word: &str) -> Option<Kind> {
        match word {
            "actor" => Some(Kind::Actor),
            "organisation" | "organization" | "org" => Some(Kind::Organisation),
            "place" => Some(Kind::Place),
            "statement" => Some(Kind::Statement),
            "article" => Some(Kind::Article),
            _ => None,
        }
    }

    /// The kind of a node, from the first domain label it carries.
    pub fn of(node: &Node) -> Option<Kind> {
        node.labels.iter().find_map(|l| Kind::from_label(l))
    }
}

/// Statement identity: trims and collapses every run of white space to one space.
pub fn normalise_text(text: &str) -> String {
    normalised_text(text).into_owned()
}

/// [`normalise_text`], borrowing a text that is normal already (the usual
/// case: single spaces between words, none at either end).
pub fn normalised_text(text: &str) -> std::borrow::Cow<'_, str> {
    if is_normal_text(text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Whether `text` is its own [`normalise_text`]: no white space but single
/// spaces between words. ASCII is judged by the byte; a text with other
/// characters by the character.
fn is_normal_text(text: &str) -> bool {
    let mut after_space = true;
    for &b in text.as_bytes() {
        match b {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t'..=b'\r' => return false,
            0x80.. => return is_normal_text_by_char(text),
            _ => after_space = false,
        }
    }
    !text.ends_with(' ')
}

fn is_normal_text_by_char(text: &str) -> bool {
    let mut after_space = true;
    text.chars().all(|c| {
        let ok = !c.is_whitespace() || (c == ' ' && !after_space);
        after_space = c == ' ';
        ok
    }) && !text.ends_with(' ')
}

/// The stance rules: `CLAIMS`, `DENIES`, `ASSESSES` go from an actor or organisation
/// to a statement; `ABOUT` goes from a statement to any node. Returns the rule
/// broken, in words, or `None` when the relationship is allowed.
pub fn stance_rule_violation(rel_type: &str, start: &Node, end: &Node) -> Option<String> {
    match rel_type {
        CLAIMS | DENIES | ASSESSES => {
            let from_ok = start.has_label(ACTOR) || start.has_label(ORGANISATION);
            let to_ok = end.has_label(STATEMENT);
            (!(from_ok && to_ok)).then(|| {
                format!(
                    "{rel_type} must go from an Actor or Organisation to a Statement, not from {} to {}",
                    describe_labels(start),
                    describe_labels(end)
                )
            })
        }
        ABOUT => (!start.has_label(STATEMENT)).then(|| {
            format!(
                "ABOUT must go from a Statement, not from {}",
                describe_labels(start)
            )
        }),
        _ => None,
    }
}

fn describe_labels(node: &Node) -> String {
    if node.labels.is_empty() {
        "a node without labels".to_string()
    } else {
        format!(":{}", node.labels.join(":"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised() {
        assert_eq!(normalise_text("  a \t b\n\nc "), "a b c");
        for text in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{a0}b",
            "é b\u{3000}",
            "ab cd e",
            "a \u{2028}",
            "\u{85}",
            "a\u{b}b",
            "a\u{c}",
            "a\rb",
            "x\u{1f}y",
            "a b\u{a0}",
            "\u{a0}",
        ] {
            let plain = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = normalised_text(text);
            assert_eq!(got, plain, "{text:?}");
            assert_eq!(
                matches!(got, std::borrow::Cow::Borrowed(_)),
                plain == text,
                "{text:?}"
            );
        }
    }

    #[test]
    fn stance_rules() {
        let node = |label: &str| Node {
            id: 0,
            labels: vec![label.to_string()],
            properties: Properties::new(),
        };
        assert!(stance_rule_violation(CLAIMS, &node(ACTOR), &node(STATEMENT)).is_none());
        assert!(stance_rule_violation(DENIES, &node(ORGANISATION), &node(STATEMENT)).is_none());
        assert!(stance_rule_violation(CLAIMS, &node(PLACE), &node(STATEMENT)).is_some());
        assert!(stance_rule_violation(ASSESSES, &node(ACTOR), &node(ACTOR)).is_some());
        assert!(stance_rule_violation(ABOUT, &node(STATEMENT), &node(PLACE)).is_none());
        assert!(stance_rule_violation(ABOUT, &node(ACTOR), &node(PLACE)).is_some());
        assert!(stance_rule_violation("LEADS", &node(PLACE), &node(PLACE)).is_none());
    }
}
