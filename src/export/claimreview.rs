//! schema.org ClaimReview JSON-LD: the `ASSESSES` relationships of a subgraph
//! as a Data Commons-style feed that `import` reads back.
//!
//! One `ASSESSES` relationship is one review: its article is the review (`url`,
//! `datePublished`, `headline`, `publisher` from the article's `source` when it
//! is not the author), its start node the `author`, its statement
//! `claimReviewed`, its `verdict` the rating's `alternateName` (an assessment
//! without a verdict is written as `"Unrated"`). The claimants are the `CLAIMS`
//! of the statement that the review was imported with (their `review`
//! property), or else every `CLAIMS` of the statement in the subgraph; each
//! claimant gets a review of its own, with the articles of its claims as
//! `appearance`s (a claim made in the review's own article has none).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde_json::{json, Map, Value as Json};

use super::Subgraph;
use crate::error::Result;
pub use crate::import::REVIEW_PROP;
use crate::model::{
    Kind, Node, Relationship, ARTICLE_PROP, ASSESSES, CLAIMS, NAME_PROP, TEXT_PROP,
};
use crate::value::Value;

/// Writes the subgraph's reviews as one JSON-LD document.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let feed = json!({
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": reviews(subgraph)
            .into_iter()
            .map(|review| json!({"@type": "DataFeedItem", "item": [review]}))
            .collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &feed).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The reviews, in the order of their `ASSESSES` relationships.
pub fn reviews(subgraph: &Subgraph) -> Vec<Json> {
    let nodes: HashMap<u64, &Node> = subgraph.nodes.iter().map(|n| (n.id, n)).collect();
    let articles: HashMap<&str, &Node> = subgraph
        .nodes
        .iter()
        .filter(|n| Kind::of(n) == Some(Kind::Article))
        .filter_map(|n| Some((n.get("id")?.as_str()?, n)))
        .collect();
    let mut claims_of: HashMap<u64, Vec<&Relationship>> = HashMap::new();
    for rel in subgraph
        .relationships
        .iter()
        .filter(|r| r.rel_type == CLAIMS)
    {
        claims_of.entry(rel.end).or_default().push(rel);
    }
    let mut out = Vec::new();
    for rel in subgraph
        .relationships
        .iter()
        .filter(|r| r.rel_type == ASSESSES)
    {
        let (Some(author), Some(statement)) = (nodes.get(&rel.start), nodes.get(&rel.end)) else {
            continue;
        };
        let Some(text) = string(statement, TEXT_PROP) else {
            continue;
        };
        let article_id = rel.properties.get(ARTICLE_PROP).and_then(Value::as_str);
        let article = article_id.and_then(|id| articles.get(id)).copied();
        let url = article
            .and_then(|a| string(a, "url"))
            .or(article_id.map(str::to_string))
            .unwrap_or_default();
        let mut review = Map::new();
        review.insert("@type".into(), json!("ClaimReview"));
        if !url.is_empty() {
            review.insert("url".into(), json!(url));
        }
        if let Some(a) = article {
            for (from, to) in [
                ("date", "datePublished"),
                ("title", "headline"),
                ("language", "inLanguage"),
            ] {
                if let Some(v) = string(a, from) {
                    review.insert(to.into(), json!(v));
                }
            }
        }
        let author_json = party(author);
        if let Some(source) = article.and_then(|a| string(a, "source")) {
            if string(author, NAME_PROP).as_deref() != Some(source.as_str()) {
                review.insert(
                    "publisher".into(),
                    json!({"@type": "Organization", "name": source}),
                );
            }
        }
        review.insert("author".into(), author_json);
        review.insert("claimReviewed".into(), json!(text));
        review.insert("reviewRating".into(), rating(rel));
        // The claims imported with this review, or else every claim of the statement.
        let all = claims_of
            .get(&rel.end)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let own: Vec<&Relationship> = all
            .iter()
            .copied()
            .filter(|c| {
                article_id.is_some()
                    && c.properties.get(REVIEW_PROP).and_then(Value::as_str) == article_id
            })
            .collect();
        let claims = if own.is_empty() { all.to_vec() } else { own };
        let mut by_claimant: BTreeMap<u64, Vec<&Relationship>> = BTreeMap::new();
        for c in claims {
            by_claimant.entry(c.start).or_default().push(c);
        }
        if by_claimant.is_empty() {
            out.push(Json::Object(review));
            continue;
        }
        for (claimant, claims) in by_claimant {
            let Some(claimant) = nodes.get(&claimant) else {
                continue;
            };
            let mut claim = Map::new();
            claim.insert("@type".into(), json!("Claim"));
            claim.insert("author".into(), party(claimant));
            if let Some(date) = claims
                .iter()
                .find_map(|c| c.properties.get("date").and_then(text_of))
            {
                claim.insert("datePublished".into(), json!(date));
            }
            let appearances: Vec<Json> = claims
                .iter()
                .filter_map(|c| c.properties.get(ARTICLE_PROP).and_then(Value::as_str))
                .filter(|id| Some(*id) != article_id)
                .map(|id| {
                    let a = articles.get(id);
                    let url = a
                        .and_then(|a| string(a, "url"))
                        .unwrap_or_else(|| id.to_string());
                    let mut work = Map::new();
                    work.insert("@type".into(), json!("CreativeWork"));
                    work.insert("url".into(), json!(url));
                    if let Some(a) = a {
                        if let Some(t) = string(a, "title") {
                            work.insert("headline".into(), json!(t));
                        }
                        if let Some(d) = string(a, "date") {
                            work.insert("datePublished".into(), json!(d));
                        }
                    }
                    Json::Object(work)
                })
                .collect();
            if !appearances.is_empty() {
                claim.insert("appearance".into(), Json::Array(appearances));
            }
            let mut one = review.clone();
            one.insert("itemReviewed".into(), Json::Object(claim));
            out.push(Json::Object(one));
        }
    }
    out
}

fn string(node: &Node, key: &str) -> Option<String> {
    node.get(key).and_then(text_of)
}

/// A property as JSON-LD text: strings as they are, dates and other temporal
/// values in ISO 8601.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Temporal(t) => Some(t.to_string()),
        v => v.as_str().map(str::to_string),
    }
}

/// A node as a schema.org `Person` (actors) or `Organization` (anything else).
fn party(node: &Node) -> Json {
    let kind = if Kind::of(node) == Some(Kind::Actor) {
        "Person"
    } else {
        "Organization"
    };
    let mut map = Map::new();
    map.insert("@type".into(), json!(kind));
    map.insert(
        "name".into(),
        json!(string(node, NAME_PROP).unwrap_or_default()),
    );
    if let Some(url) = string(node, "url") {
        map.insert("url".into(), json!(url));
    }
    if let Some(role) = string(node, "role") {
        map.insert("jobTitle".into(), json!(role));
    }
    Json::Object(map)
}

fn rating(rel: &Relationship) -> Json {
    let verdict = rel
        .properties
        .get("verdict")
        .and_then(Value::as_str)
        .unwrap_or("Unrated");
    let mut map = Map::new();
    map.insert("@type".into(), json!("Rating"));
    map.insert("alternateName".into(), json!(verdict));
    for (from, to) in [
        ("rating_value", "ratingValue"),
        ("best_rating", "bestRating"),
        ("worst_rating", "worstRating"),
    ] {
        if let Some(v) = rel.properties.get(from) {
            map.insert(to.into(), v.to_json());
        }
    }
    Json::Object(map)
}
