//! schema.org ClaimReview JSON-LD (`.jsonld`, `.json`), parsed into the same
//! [`Item`]s as `.triples`.
//!
//! A file is one ClaimReview object, an array of them, an object with a
//! `@graph`, or a Data Commons-style feed (`dataFeedElement`, each element's
//! `item` one review or an array of them). One review becomes:
//!
//! - an article for the review itself, keyed by its `url` (`date` from
//!   `datePublished`, `source` from the publisher's or author's name, `title`
//!   from `headline`);
//! - its `author` (an organisation unless its `@type` is `Person`) that
//!   `ASSESSES` the statement `claimReviewed`, with `verdict` from
//!   `reviewRating.alternateName` and `rating_value`, `best_rating` and
//!   `worst_rating` when given;
//! - the claimant, `itemReviewed.author` (an actor for a `Person`, an
//!   organisation for an `Organization`), that `CLAIMS` the statement, dated
//!   by `itemReviewed.datePublished`, once in the article of every
//!   `appearance` and `firstAppearance` (keyed by its `url`), or in the
//!   review's article when none is given, with the review's url as `review`.
//!
//! Every member must be one that ClaimReview feeds use; an unknown one is an
//! error (with the nearest known name), as is a missing required one. Each
//! error names its JSON path, `$.dataFeedElement[3].item[0].reviewRating`.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::apply::is_iso_date;
use super::item::{Endpoint, EndpointKind, Item, ItemKind, Items, Prop, Props, Report, Triple};
use super::jsonpath::JsonPath;
use crate::model::Kind;
use crate::value::Value;

/// The property of an imported `CLAIMS` relationship that names the review
/// (its article id) that reported the claim.
pub const REVIEW_PROP: &str = "review";

/// The members read or tolerated on each kind of object.
const FEED_KEYS: &[&str] = &[
    "@context",
    "@type",
    "@id",
    "dataFeedElement",
    "name",
    "url",
    "description",
    "dateCreated",
    "dateModified",
];
const FEED_ITEM_KEYS: &[&str] = &["@type", "@id", "item", "dateCreated", "dateModified"];
const REVIEW_KEYS: &[&str] = &[
    "@context",
    "@type",
    "@id",
    "url",
    "datePublished",
    "dateModified",
    "dateCreated",
    "author",
    "publisher",
    "sdPublisher",
    "claimReviewed",
    "itemReviewed",
    "reviewRating",
    "headline",
    "name",
    "description",
    "reviewBody",
    "inLanguage",
    "image",
    "mainEntityOfPage",
];
const PARTY_KEYS: &[&str] = &[
    "@type",
    "@id",
    "name",
    "url",
    "sameAs",
    "alternateName",
    "jobTitle",
    "image",
    "logo",
    "description",
];
const CLAIM_KEYS: &[&str] = &[
    "@type",
    "@id",
    "author",
    "datePublished",
    "appearance",
    "firstAppearance",
    "name",
    "description",
    "sameAs",
];
const APPEARANCE_KEYS: &[&str] = &[
    "@type",
    "@id",
    "url",
    "headline",
    "name",
    "datePublished",
    "author",
    "publisher",
];
const RATING_KEYS: &[&str] = &[
    "@type",
    "ratingValue",
    "bestRating",
    "worstRating",
    "alternateName",
    "name",
    "ratingExplanation",
    "image",
    "description",
];

/// Parses a whole ClaimReview file into items, reporting every problem.
pub(crate) fn parse(source: &str, report: &mut Report<'_>) -> Items<'static> {
    let mut reader = Reader {
        source,
        report,
        items: Items::new(),
    };
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let skipped = source.len() - body.len();
    match serde_json::from_str::<Json>(body) {
        Ok(json) => reader.document(json),
        Err(e) => {
            let at = skipped + offset_of(body, e.line(), e.column());
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            reader
                .report
                .error(at, format!("this file is not valid JSON: {message}"));
        }
    }
    reader.items
}

/// The byte offset of serde_json's 1-based line and column (a column in bytes).
fn offset_of(source: &str, line: usize, column: usize) -> usize {
    let line_start = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    (line_start + column.saturating_sub(1)).min(source.len())
}

struct Reader<'s, 'r, 'f> {
    source: &'s str,
    report: &'r mut Report<'f>,
    items: Items<'static>,
}

/// Who a party (an author, a publisher) is.
struct Party {
    kind: Kind,
    name: String,
    props: Props<'static>,
}

impl Reader<'_, '_, '_> {
    fn error(&mut self, path: &JsonPath, message: impl std::fmt::Display) {
        let at = path.locate(self.source);
        self.report.error(at, format!("{path}: {message}"));
    }

    fn push(&mut self, path: &JsonPath, mut kind: ItemKind<'static>) {
        let at = path.locate(self.source);
        if let ItemKind::Article { props, .. } | ItemKind::Entity { props, .. } = &mut kind {
            props.iter_mut().for_each(|p| p.at = at);
        }
        self.items.push(Item { at, kind });
    }

    /// The top level: a review, an array, a `@graph` or a feed.
    fn document(&mut self, json: Json) {
        let root = JsonPath::root();
        match json {
            Json::Array(list) => self.reviews(list, &root),
            Json::Object(mut object) => {
                if let Some(graph) = object.remove("@graph") {
                    let path = root.key("@graph");
                    match graph {
                        Json::Array(list) => self.reviews(list, &path),
                        other => {
                            self.error(&path, format!("expected an array, found {}", what(&other)))
                        }
                    }
                } else if object.contains_key("dataFeedElement") {
                    self.feed(object, &root);
                } else {
                    self.review(object, &root);
                }
            }
            other => self.error(
                &root,
                format!(
                    "expected a ClaimReview object, an array of them or a DataFeed, found {}",
                    what(&other)
                ),
            ),
        }
    }

    fn reviews(&mut self, list: Vec<Json>, path: &JsonPath) {
        for (i, element) in list.into_iter().enumerate() {
            let path = path.index(i);
            match element {
                Json::Object(object) if object.contains_key("dataFeedElement") => {
                    self.feed(object, &path)
                }
                Json::Object(object) => self.review(object, &path),
                other => self.error(
                    &path,
                    format!("expected a ClaimReview object, found {}", what(&other)),
                ),
            }
        }
    }

    fn feed(&mut self, mut object: Map<String, Json>, path: &JsonPath) {
        self.check_keys(&object, FEED_KEYS, path, "a DataFeed");
        let elements_path = path.key("dataFeedElement");
        let Some(elements) = self.array(object.remove("dataFeedElement"), &elements_path) else {
            return;
        };
        for (i, element) in elements.into_iter().enumerate() {
            let path = elements_path.index(i);
            let Json::Object(mut element) = element else {
                self.error(
                    &path,
                    format!("expected a DataFeedItem object, found {}", what(&element)),
                );
                continue;
            };
            self.check_keys(&element, FEED_ITEM_KEYS, &path, "a DataFeedItem");
            let item_path = path.key("item");
            match element.remove("item") {
                None => self.error(&path, "a DataFeedItem needs an \"item\": the ClaimReview"),
                Some(Json::Object(review)) => self.review(review, &item_path),
                Some(Json::Array(list)) => self.reviews(list, &item_path),
                Some(other) => self.error(
                    &item_path,
                    format!(
                        "expected a ClaimReview object or an array of them, found {}",
                        what(&other)
                    ),
                ),
            }
        }
    }

    /// One ClaimReview. Nothing of it is kept unless all of it is valid.
    fn review(&mut self, mut object: Map<String, Json>, path: &JsonPath) {
        let errors_before = self.report.diagnostics.items.len() + self.report.diagnostics.omitted;
        self.check_keys(&object, REVIEW_KEYS, path, "a ClaimReview");
        self.check_type(&object, &["ClaimReview"], path, "a ClaimReview");
        let url = self.required_string(&mut object, "url", path, "a ClaimReview");
        let text = self.required_string(&mut object, "claimReviewed", path, "a ClaimReview");
        let text = text.filter(|t| {
            let empty = t.trim().is_empty();
            if empty {
                self.error(
                    &path.key("claimReviewed"),
                    "the claim reviewed cannot be empty",
                );
            }
            !empty
        });
        let date = self.date(object.remove("datePublished"), &path.key("datePublished"));
        let author = match object.remove("author") {
            Some(json) => self.party(json, &path.key("author"), Kind::Organisation),
            None => {
                self.error(path, "a ClaimReview needs an \"author\": the fact-checker");
                None
            }
        };
        let publisher = object
            .remove("publisher")
            .and_then(|json| self.party(json, &path.key("publisher"), Kind::Organisation));
        let headline = self.optional_string(&mut object, "headline", path);
        let language = self.optional_string(&mut object, "inLanguage", path);
        let rating = match object.remove("reviewRating") {
            Some(json) => self.rating(json, &path.key("reviewRating")),
            None => {
                self.error(
                    path,
                    "a ClaimReview needs a \"reviewRating\" with the verdict",
                );
                None
            }
        };
        let claim = object
            .remove("itemReviewed")
            .map(|json| self.claim(json, &path.key("itemReviewed")));
        let errors_after = self.report.diagnostics.items.len() + self.report.diagnostics.omitted;
        let (Some(url), Some(text), Some(author), Some(rating), Some(date)) =
            (url, text, author, rating, date)
        else {
            return;
        };
        let Some(claim) = claim.unwrap_or(Some(Claim::default())) else {
            return;
        };
        if errors_after > errors_before {
            return;
        }
        let mut article = props([
            ("url", Some(Value::from(url.as_str()))),
            ("date", date.map(Value::from)),
            (
                "source",
                Some(Value::from(
                    publisher.as_ref().unwrap_or(&author).name.as_str(),
                )),
            ),
            ("title", headline.map(Value::from)),
            ("language", language.map(Value::from)),
        ]);
        article.push(prop("kind", Value::from("ClaimReview")));
        self.push(
            path,
            ItemKind::Article {
                id: Cow::Owned(url.clone()),
                props: article,
            },
        );
        self.declare(path, &author);
        if let Some(p) = &publisher {
            self.declare(path, p);
        }
        self.triple(
            &path.key("reviewRating"),
            &author,
            "assesses",
            &text,
            rating,
        );
        let Some(claimant) = claim.author else {
            return;
        };
        let claim_path = path.key("itemReviewed");
        self.declare(&claim_path, &claimant);
        let claimed = props([
            ("date", claim.date.map(Value::from)),
            (REVIEW_PROP, Some(Value::from(url.as_str()))),
        ]);
        if claim.appearances.is_empty() {
            self.triple(&claim_path, &claimant, "claims", &text, claimed.clone());
        }
        for (appearance, at) in claim.appearances {
            // A claim that appears in the review itself reopens the review's article.
            let article = if appearance.url == url {
                Vec::new()
            } else {
                props([
                    ("url", Some(Value::from(appearance.url.as_str()))),
                    ("title", appearance.title.map(Value::from)),
                    ("date", appearance.date.map(Value::from)),
                ])
            };
            self.push(
                &at,
                ItemKind::Article {
                    id: Cow::Owned(appearance.url),
                    props: article,
                },
            );
            self.triple(&at, &claimant, "claims", &text, claimed.clone());
        }
    }

    fn declare(&mut self, path: &JsonPath, party: &Party) {
        self.push(
            path,
            ItemKind::Entity {
                kind: party.kind,
                name: Cow::Owned(party.name.clone()),
                props: party.props.clone(),
            },
        );
    }

    fn triple(
        &mut self,
        path: &JsonPath,
        who: &Party,
        predicate: &str,
        text: &str,
        mut props: Props<'static>,
    ) {
        let at = path.locate(self.source);
        props.iter_mut().for_each(|p| p.at = at);
        let endpoint = |kind| Endpoint { at, kind };
        self.items.push(Item {
            at,
            kind: ItemKind::Triple(Triple {
                subject: endpoint(EndpointKind::Entity(who.kind, Cow::Owned(who.name.clone()))),
                predicate: Cow::Owned(predicate.to_string()),
                predicate_at: at,
                object: endpoint(EndpointKind::Statement(Cow::Owned(text.to_string()))),
                props,
            }),
        });
    }

    /// An author or publisher: an object with `@type` and `name` (or a bare name).
    fn party(&mut self, json: Json, path: &JsonPath, default: Kind) -> Option<Party> {
        let mut object = match json {
            Json::Object(object) => object,
            Json::String(name) if !name.trim().is_empty() => {
                return Some(Party {
                    kind: default,
                    name,
                    props: Vec::new(),
                })
            }
            Json::Array(mut list) if list.len() == 1 => match list.pop() {
                Some(Json::Object(object)) => object,
                _ => {
                    self.error(&path.index(0), "expected a Person or Organization object");
                    return None;
                }
            },
            other => {
                self.error(
                    path,
                    format!(
                        "expected a Person or Organization object, found {}",
                        what(&other)
                    ),
                );
                return None;
            }
        };
        self.check_keys(&object, PARTY_KEYS, path, "an author");
        let kind = match object.get("@type") {
            None => default,
            Some(Json::String(t)) if t == "Person" => Kind::Actor,
            Some(Json::String(t)) if t.ends_with("Organization") || t == "Organisation" => {
                Kind::Organisation
            }
            Some(other) => {
                self.error(
                    &path.key("@type"),
                    format!("expected \"Person\" or \"Organization\", found {other}"),
                );
                return None;
            }
        };
        let name = self.required_string(&mut object, "name", path, "an author")?;
        if name.trim().is_empty() {
            self.error(&path.key("name"), "a name cannot be empty");
            return None;
        }
        let mut props = props([
            (
                "url",
                self.optional_string(&mut object, "url", path)
                    .map(Value::from),
            ),
            (
                "role",
                self.optional_string(&mut object, "jobTitle", path)
                    .map(Value::from),
            ),
        ]);
        if let Some(alias) = self.optional_string(&mut object, "alternateName", path) {
            props.push(prop("aliases", Value::List(vec![Value::from(alias)])));
        }
        Some(Party { kind, name, props })
    }

    fn rating(&mut self, json: Json, path: &JsonPath) -> Option<Props<'static>> {
        let Json::Object(mut object) = json else {
            self.error(
                path,
                format!("expected a Rating object, found {}", what(&json)),
            );
            return None;
        };
        self.check_keys(&object, RATING_KEYS, path, "a Rating");
        let name = match object.remove("alternateName") {
            Some(json) => Some(json),
            None => object.remove("name"),
        };
        let verdict = match name {
            Some(Json::String(s)) if !s.trim().is_empty() => s,
            Some(other) => {
                self.error(
                    &path.key("alternateName"),
                    format!(
                        "the verdict must be a non-empty string, found {}",
                        what(&other)
                    ),
                );
                return None;
            }
            None => {
                self.error(path, "a rating needs a name: \"alternateName\" holds the verdict (\"False\", \"Mostly true\", ...)");
                return None;
            }
        };
        let mut props = vec![prop("verdict", Value::from(verdict))];
        for (key, stored) in [
            ("ratingValue", "rating_value"),
            ("bestRating", "best_rating"),
            ("worstRating", "worst_rating"),
        ] {
            match object.remove(key) {
                None | Some(Json::Null) => {}
                Some(Json::String(s)) => props.push(prop(stored, Value::from(s))),
                Some(Json::Number(n)) => props.push(prop(
                    stored,
                    n.as_i64()
                        .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
                )),
                Some(other) => {
                    self.error(
                        &path.key(key),
                        format!("expected a number, found {}", what(&other)),
                    );
                    return None;
                }
            }
        }
        Some(props)
    }

    /// `itemReviewed`: a Claim with its author, date and appearances.
    fn claim(&mut self, json: Json, path: &JsonPath) -> Option<Claim> {
        let Json::Object(mut object) = json else {
            self.error(
                path,
                format!("expected a Claim object, found {}", what(&json)),
            );
            return None;
        };
        self.check_keys(&object, CLAIM_KEYS, path, "a Claim");
        self.check_type(&object, &["Claim", "CreativeWork"], path, "an itemReviewed");
        let author = match object.remove("author") {
            Some(json) => Some(self.party(json, &path.key("author"), Kind::Actor)?),
            None => None,
        };
        let date = self.date(object.remove("datePublished"), &path.key("datePublished"))?;
        let mut appearances: Vec<(Appearance, JsonPath)> = Vec::new();
        for key in ["firstAppearance", "appearance"] {
            let key_path = path.key(key);
            let list = match object.remove(key) {
                None => continue,
                Some(Json::Array(list)) => list
                    .into_iter()
                    .enumerate()
                    .map(|(i, j)| (j, key_path.index(i)))
                    .collect(),
                Some(one) => vec![(one, key_path)],
            };
            for (json, at) in list {
                let appearance = self.appearance(json, &at)?;
                if !appearances.iter().any(|(a, _)| a.url == appearance.url) {
                    appearances.push((appearance, at));
                }
            }
        }
        Some(Claim {
            author,
            date,
            appearances,
        })
    }

    fn appearance(&mut self, json: Json, path: &JsonPath) -> Option<Appearance> {
        let mut object = match json {
            Json::Object(object) => object,
            Json::String(url) if !url.trim().is_empty() => {
                return Some(Appearance {
                    url,
                    title: None,
                    date: None,
                })
            }
            other => {
                self.error(
                    path,
                    format!(
                        "expected a CreativeWork object with a \"url\", found {}",
                        what(&other)
                    ),
                );
                return None;
            }
        };
        self.check_keys(&object, APPEARANCE_KEYS, path, "an appearance");
        let url = self.required_string(&mut object, "url", path, "an appearance")?;
        let title = match self.optional_string(&mut object, "headline", path) {
            Some(t) => Some(t),
            None => self.optional_string(&mut object, "name", path),
        };
        let date = self.date(object.remove("datePublished"), &path.key("datePublished"))?;
        Some(Appearance { url, title, date })
    }

    /// A `datePublished`: `YYYY-MM-DD`, or a date-time whose date part is kept.
    /// `Some(None)` when absent, `None` when invalid.
    fn date(&mut self, json: Option<Json>, path: &JsonPath) -> Option<Option<String>> {
        let text = match json {
            None | Some(Json::Null) => return Some(None),
            Some(Json::String(s)) => s,
            Some(other) => {
                self.error(
                    path,
                    format!("expected a date written YYYY-MM-DD, found {}", what(&other)),
                );
                return None;
            }
        };
        let date = text.get(..10).filter(|d| is_iso_date(d));
        // `get`: a text shorter than a date, or with a character across its
        // tenth byte, is refused like any other.
        let rest_ok = text.len() == 10 || text.get(10..).is_some_and(|r| r.starts_with('T'));
        match date {
            Some(d) if rest_ok => Some(Some(d.to_string())),
            _ => {
                self.error(
                    path,
                    format!(
                        "expected a date written YYYY-MM-DD (or an ISO date-time), not {text:?}"
                    ),
                );
                None
            }
        }
    }

    fn array(&mut self, json: Option<Json>, path: &JsonPath) -> Option<Vec<Json>> {
        match json {
            Some(Json::Array(list)) => Some(list),
            Some(other) => {
                self.error(path, format!("expected an array, found {}", what(&other)));
                None
            }
            None => None,
        }
    }

    fn required_string(
        &mut self,
        object: &mut Map<String, Json>,
        key: &str,
        path: &JsonPath,
        what_it_is: &str,
    ) -> Option<String> {
        match object.remove(key) {
            Some(Json::String(s)) => Some(s),
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("expected a string, found {}", what(&other)),
                );
                None
            }
            None => {
                self.error(path, format!("{what_it_is} needs a \"{key}\""));
                None
            }
        }
    }

    fn optional_string(
        &mut self,
        object: &mut Map<String, Json>,
        key: &str,
        path: &JsonPath,
    ) -> Option<String> {
        match object.remove(key) {
            Some(Json::String(s)) if !s.trim().is_empty() => Some(s),
            None | Some(Json::Null) | Some(Json::String(_)) => None,
            Some(other) => {
                self.error(
                    &path.key(key),
                    format!("expected a string, found {}", what(&other)),
                );
                None
            }
        }
    }

    /// Refuses members that are not in `known`, naming the nearest known one.
    fn check_keys(
        &mut self,
        object: &Map<String, Json>,
        known: &[&str],
        path: &JsonPath,
        what_it_is: &str,
    ) {
        for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
            let nearest = known
                .iter()
                .map(|k| (strsim::levenshtein(k, key), k))
                .min()
                .filter(|(d, _)| *d <= 2 + key.len() / 4);
            let hint = match nearest {
                Some((_, k)) => format!("; did you mean \"{k}\"?"),
                None => format!("; expected one of {}", known.join(", ")),
            };
            self.error(
                &path.key(key),
                format!("unknown member \"{key}\" in {what_it_is}{hint}"),
            );
        }
    }

    fn check_type(
        &mut self,
        object: &Map<String, Json>,
        wanted: &[&str],
        path: &JsonPath,
        what_it_is: &str,
    ) {
        let ok = match object.get("@type") {
            None => true,
            Some(Json::String(t)) => wanted.contains(&t.as_str()),
            Some(Json::Array(ts)) => ts
                .iter()
                .any(|t| t.as_str().is_some_and(|t| wanted.contains(&t))),
            Some(_) => false,
        };
        if !ok {
            let found = object
                .get("@type")
                .map(|t| t.to_string())
                .unwrap_or_default();
            self.error(
                &path.key("@type"),
                format!(
                    "{what_it_is} must have \"@type\": \"{}\", not {found}",
                    wanted[0]
                ),
            );
        }
    }
}

#[derive(Default)]
struct Claim {
    author: Option<Party>,
    date: Option<String>,
    appearances: Vec<(Appearance, JsonPath)>,
}

struct Appearance {
    url: String,
    title: Option<String>,
    date: Option<String>,
}

fn prop(key: &str, value: Value) -> Prop<'static> {
    Prop {
        key: Cow::Owned(key.to_string()),
        value,
        at: 0,
    }
}

/// The properties that have a value.
fn props<const N: usize>(pairs: [(&str, Option<Value>); N]) -> Props<'static> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| prop(k, v)))
        .collect()
}

/// A JSON value's kind, for messages.
fn what(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
