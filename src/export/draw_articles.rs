//! Provenance in the pictures (DOT and SVG): the articles of a subgraph are
//! listed in a numbered legend (id, date, source) instead of being drawn as
//! boxes that no edge reaches, and each stance edge says its verdict, its
//! date, the number of its article and a short quote.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::style::{edge_caption, printable, truncate};
use super::Subgraph;
use crate::model::{Kind, Node, Relationship, ASSESSES, CLAIMS, DENIES, ID_PROP};
use crate::value::Value;

/// The most characters of the quote on a stance edge.
pub(crate) const QUOTE_CHARS: usize = 32;
/// The most characters of one line of an edge's words.
pub(crate) const EDGE_LINE_CHARS: usize = 40;

/// One article of the legend.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ArticleNote {
    /// From 1, in the legend's order: by date (undated last), then id.
    pub number: usize,
    pub id: String,
    pub date: Option<String>,
    pub source: Option<String>,
}

impl ArticleNote {
    /// `[1] id · date · source`, with what the article has.
    pub(crate) fn line(&self) -> String {
        let mut parts = vec![self.id.as_str()];
        parts.extend(self.date.as_deref());
        parts.extend(self.source.as_deref());
        printable(&format!("[{}] {}", self.number, parts.join(" \u{b7} "))).into_owned()
    }
}

/// The articles of a picture, numbered.
#[derive(Clone, Debug, Default)]
pub(crate) struct Articles {
    pub notes: Vec<ArticleNote>,
    by_id: HashMap<String, usize>,
}

impl Articles {
    /// The Article nodes of `subgraph`, numbered by date, then id.
    pub(crate) fn of(subgraph: &Subgraph) -> Articles {
        let mut notes: Vec<ArticleNote> = subgraph
            .nodes
            .iter()
            .filter(|n| Kind::of(n) == Some(Kind::Article))
            .filter_map(|n| {
                Some(ArticleNote {
                    number: 0,
                    id: n.get(ID_PROP).and_then(Value::as_str)?.to_string(),
                    date: n.get("date").and_then(date_text),
                    source: n.get("source").and_then(Value::as_str).map(str::to_string),
                })
            })
            .collect();
        notes.sort_by(|a, b| {
            (a.date.is_none(), &a.date, &a.id).cmp(&(b.date.is_none(), &b.date, &b.id))
        });
        let mut by_id = HashMap::new();
        for (i, note) in notes.iter_mut().enumerate() {
            note.number = i + 1;
            by_id.insert(note.id.clone(), i);
        }
        Articles { notes, by_id }
    }

    fn get(&self, id: &str) -> Option<&ArticleNote> {
        self.by_id.get(id).map(|&i| &self.notes[i])
    }
}

/// A date as the pictures write it: ISO 8601 text.
fn date_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Temporal(t) => Some(t.to_string()),
        _ => None,
    }
}

/// What a picture draws: the subgraph without the Article nodes that none of
/// its relationships touches (they go to the legend), and its articles.
pub(crate) fn for_picture(subgraph: &Subgraph) -> (Cow<'_, Subgraph>, Articles) {
    let articles = Articles::of(subgraph);
    let touched: HashSet<u64> = subgraph
        .relationships
        .iter()
        .flat_map(|r| [r.start, r.end])
        .collect();
    let in_legend = |n: &Node| Kind::of(n) == Some(Kind::Article) && !touched.contains(&n.id);
    if !subgraph.nodes.iter().any(in_legend) {
        return (Cow::Borrowed(subgraph), articles);
    }
    let drawn = Subgraph {
        nodes: subgraph
            .nodes
            .iter()
            .filter(|n| !in_legend(n))
            .cloned()
            .collect(),
        relationships: subgraph.relationships.clone(),
    };
    (Cow::Owned(drawn), articles)
}

/// The words on an edge, one entry a line. A stance (`CLAIMS`, `DENIES`,
/// `ASSESSES`) says its type and verdict (`assesses: false`), its date (its
/// own, else its article's) and its article's number in the legend (or the
/// article's id when the picture does not hold it), and the start of its
/// quote. Other edges say their type in words, or nothing (see
/// [`edge_caption`]).
pub(crate) fn edge_lines(rel: &Relationship, articles: &Articles) -> Vec<String> {
    let head = edge_caption(rel);
    if ![CLAIMS, DENIES, ASSESSES].contains(&rel.rel_type.as_str()) {
        return if head.is_empty() { vec![] } else { vec![head] };
    }
    let text = |key: &str| match rel.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(printable(s).into_owned()),
        _ => None,
    };
    let mut lines = vec![match text("verdict") {
        Some(verdict) => truncate(&format!("{head}: {verdict}"), EDGE_LINE_CHARS),
        None => head,
    }];
    let note = rel.article().and_then(|a| articles.get(a));
    let date = rel
        .get("date")
        .and_then(date_text)
        .or_else(|| note.and_then(|n| n.date.clone()));
    let article = match (note, rel.article()) {
        (Some(n), _) => Some(format!("[{}]", n.number)),
        (None, Some(id)) => Some(truncate(&printable(id), EDGE_LINE_CHARS / 2)),
        (None, None) => None,
    };
    let when: Vec<String> = date.into_iter().chain(article).collect();
    if !when.is_empty() {
        lines.push(truncate(&printable(&when.join(" ")), EDGE_LINE_CHARS));
    }
    if let Some(quote) = text("quote") {
        lines.push(format!("\u{201c}{}\u{201d}", truncate(&quote, QUOTE_CHARS)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    fn node(id: u64, label: &str, props: &[(&str, &str)]) -> Node {
        let mut properties = Properties::new();
        for (k, v) in props {
            properties.insert(k.to_string(), Value::from(*v));
        }
        Node {
            id,
            labels: vec![label.into()],
            properties,
        }
    }

    #[test]
    fn articles_are_numbered_by_date_then_id_and_leave_the_drawing() {
        let sub = Subgraph {
            nodes: vec![
                node(1, "Article", &[("id", "b"), ("date", "2023-04-03")]),
                node(2, "Article", &[("id", "a")]),
                node(3, "Article", &[("id", "c"), ("date", "2023-01-01")]),
                node(4, "Actor", &[("name", "X")]),
            ],
            relationships: vec![],
        };
        let (drawn, articles) = for_picture(&sub);
        assert_eq!(drawn.nodes.len(), 1);
        let ids: Vec<(&str, usize)> = articles
            .notes
            .iter()
            .map(|n| (n.id.as_str(), n.number))
            .collect();
        assert_eq!(ids, [("c", 1), ("b", 2), ("a", 3)]);
        assert_eq!(articles.notes[1].line(), "[2] b \u{b7} 2023-04-03");
    }

    #[test]
    fn stance_edges_say_verdict_date_article_and_quote() {
        let sub = Subgraph {
            nodes: vec![node(1, "Article", &[("id", "a1"), ("date", "2023-04-03")])],
            relationships: vec![],
        };
        let articles = Articles::of(&sub);
        let mut properties = Properties::new();
        properties.insert("article".into(), Value::from("a1"));
        properties.insert("verdict".into(), Value::from("false"));
        properties.insert(
            "quote".into(),
            Value::from("The flag was raised over the city hall at dawn"),
        );
        let rel = Relationship {
            id: 9,
            rel_type: ASSESSES.into(),
            start: 2,
            end: 3,
            properties,
        };
        assert_eq!(
            edge_lines(&rel, &articles),
            [
                "assesses: false",
                "2023-04-03 [1]",
                "\u{201c}The flag was raised over the ci\u{2026}\u{201d}"
            ]
        );
        let mut other = rel.clone();
        other.rel_type = "LEADS".into();
        assert_eq!(edge_lines(&other, &articles), ["leads"]);
        other.rel_type = CLAIMS.into();
        other.properties = Properties::new();
        other
            .properties
            .insert("article".into(), Value::from("elsewhere"));
        other
            .properties
            .insert("date".into(), Value::from("2022-12"));
        assert_eq!(
            edge_lines(&other, &articles),
            ["claims", "2022-12 elsewhere"]
        );
    }
}
