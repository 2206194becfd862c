//! Applies parsed items to the graph inside one transaction.
//!
//! Three passes over the items:
//! 1. entity declarations, so that every name and alias the file declares is
//!    known before any triple uses it (the file's names take precedence over
//!    the store's);
//! 2. inline entities in triples (`organisation "ISW"`), which resolve by key,
//!    then by alias of the same kind, and are created otherwise;
//! 3. everything else in file order: articles open sections, statements bind
//!    labels local to their section, triples become relationships keyed by
//!    (subject, type, object, article).
//!
//! Every problem is reported with its position and applying goes on, so that
//! one run finds every error; the caller commits only when there is none.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;

use super::item::{Endpoint, EndpointKind, ItemKind, Items, Progress, Props, Report, Triple};
use super::{suggest, ImportSummary};
use crate::graph::{Dir, Graph, Txn};
use crate::model::{
    normalised_text, stance_rule_violation, Kind, NodeId, RelId, ALIASES_PROP, ARTICLE_PROP,
    ID_PROP, NAME_PROP, TEXT_PROP,
};
use crate::textmatch::TextIndex;
use crate::value::{Properties, Value};

/// Applies `items` through `txn`, reporting problems to `report`. Applying is the
/// second half of the progress reported.
pub(crate) fn apply(
    mut items: Items<'_>,
    txn: &mut Txn<'_>,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> ImportSummary {
    // Room for what the file may add, made once: the graph's storage and the
    // transaction's undo log then never grow by copying themselves.
    let triples = items.triples();
    txn.reserve(items.len() - triples, triples);
    let graph = txn.graph();
    let existing_rels = graph.relationship_count();
    let mut applier = Applier {
        first_node: graph.next_node_id(),
        first_rel: graph.next_rel_id(),
        txn,
        report,
        names: HashMap::default(),
        labels: HashMap::default(),
        article: None,
        existing_nodes: HashSet::default(),
        existing_articles: HashSet::default(),
        existing_rels: HashSet::default(),
        edge_keys: HashMap::with_capacity_and_hasher(triples, Default::default()),
        scanned_pairs: HashSet::default(),
        scan_steps: 0,
        scan_budget: existing_rels,
        indexed_all: false,
        types: HashMap::default(),
        articles: HashMap::default(),
        article_ix: NO_ARTICLE,
        summary: ImportSummary::default(),
        names_index: None,
        free_predicates: HashSet::default(),
    };
    for item in items.iter_mut() {
        if let ItemKind::Entity { kind, name, props } = &mut item.kind {
            let props = std::mem::take(props);
            applier.declare_entity(item.at, *kind, name, props);
        }
    }
    for item in items.iter_mut() {
        if let ItemKind::Triple(t) = &mut item.kind {
            applier.resolve_inline_entity(&mut t.subject);
            applier.resolve_inline_entity(&mut t.object);
        }
    }
    let half = progress.total() / 2;
    // Items are applied where they lie (moving each would copy it), and each
    // chunk is freed once applied.
    'chunks: for mut chunk in items.into_chunks() {
        for item in &mut chunk {
            if !progress.tick(half + item.at as u64 / 2) {
                break 'chunks;
            }
            let at = item.at;
            match &mut item.kind {
                ItemKind::Article { id, props } => applier.article(at, id, std::mem::take(props)),
                ItemKind::Entity { .. } => {}
                ItemKind::Statement { label, text, props } => {
                    if let Some(id) = applier.statement(at, text, std::mem::take(props)) {
                        if let Some(label) = label.take() {
                            applier.labels.insert(label, id);
                        }
                    }
                }
                ItemKind::Triple(t) => applier.triple(t),
            }
        }
    }
    let mut summary = applier.summary;
    summary.new_types.sort();
    summary.nodes_existing = applier.existing_nodes.len() as u64;
    summary.articles_existing = applier.existing_articles.len() as u64;
    summary.relationships_existing = applier.existing_rels.len() as u64;
    summary
}

struct Applier<'t, 'g, 'r, 's, 'a> {
    txn: &'t mut Txn<'g>,
    report: &'r mut Report<'s>,
    /// Ids from here on were created by this import.
    first_node: NodeId,
    first_rel: RelId,
    /// Every name and alias that this file declares, with the entities it names.
    names: HashMap<String, Vec<NodeId>>,
    /// The statement labels of the current article section.
    labels: HashMap<Cow<'a, str>, NodeId>,
    /// The current article's id, once the first `article` line is seen.
    article: Option<String>,
    existing_nodes: HashSet<NodeId>,
    existing_articles: HashSet<NodeId>,
    existing_rels: HashSet<RelId>,
    /// The relationships this import knows by key (start, end, type, article),
    /// with types and articles interned: those it created, and those already
    /// there between pairs of nodes it has looked at. A hash lookup per triple
    /// keeps re-imports linear even between hubs with many relationships.
    edge_keys: HashMap<(NodeId, NodeId, u32, u32), RelId>,
    /// Pairs of existing nodes whose relationships are in `edge_keys`.
    scanned_pairs: HashSet<(NodeId, NodeId)>,
    /// Adjacency steps walked for `scanned_pairs`, and how many are allowed
    /// before reading all the store's relationships is cheaper.
    scan_steps: usize,
    scan_budget: usize,
    /// Set once every relationship of the store is in `edge_keys`.
    indexed_all: bool,
    types: HashMap<String, u32>,
    articles: HashMap<String, u32>,
    /// The interned current article, or [`NO_ARTICLE`].
    article_ix: u32,
    summary: ImportSummary,
    /// The entities' names and aliases, for "did you mean", built at the
    /// first unknown name (every entity of the file exists by then).
    names_index: Option<TextIndex>,
    /// Predicates already found not to be near misses of a stance predicate.
    free_predicates: HashSet<String>,
}

/// The kinds a quoted name may name.
const ENTITY_KINDS: &[Kind] = &[Kind::Actor, Kind::Organisation, Kind::Place];

/// The interned article of relationships outside any article section.
const NO_ARTICLE: u32 = u32::MAX;

impl<'a> Applier<'_, '_, '_, '_, 'a> {
    fn graph(&self) -> &Graph {
        self.txn.graph()
    }

    /// Notes that the file refers to node `id`, for the summary.
    fn touch(&mut self, id: NodeId) {
        if id < self.first_node {
            self.existing_nodes.insert(id);
        }
    }

    /// Reports the properties that a declaration sets by other means.
    fn refuse_key(&mut self, props: &Props<'_>, key: &str, why: &str) -> bool {
        let mut ok = true;
        for p in props.iter().filter(|p| p.key == key) {
            self.report.error(
                p.at,
                format!("the property {key} cannot be given here: {why}"),
            );
            ok = false;
        }
        ok
    }

    /// Creates a node of `kind` keyed by `key`, or merges `props` into the one there is.
    fn upsert(&mut self, at: usize, kind: Kind, key: &str, props: Props<'_>) -> Option<NodeId> {
        if let Some(id) = self.graph().lookup_key(kind, key) {
            self.touch(id);
            self.merge(at, id, kind, props);
            return Some(id);
        }
        if let Some(id) = self.answering_to(kind, key) {
            // A declaration of an alias (the name a merge made one) lands on
            // its entity, which keeps its own values: only what it lacks is added.
            self.touch(id);
            let props = props
                .into_iter()
                .filter(|p| {
                    p.key == ALIASES_PROP
                        || self.graph().node(id).and_then(|n| n.get(&p.key)).is_none()
                })
                .collect();
            self.merge(at, id, kind, props);
            return Some(id);
        }
        let mut properties = Properties::new();
        properties.insert(kind.key_property().to_string(), Value::from(key));
        for p in props {
            let value = if p.key == ALIASES_PROP && kind.is_entity() {
                Value::List(merge_aliases(&[], &p.value).unwrap_or_default())
            } else {
                p.value
            };
            properties.insert(p.key.into_owned(), value);
        }
        match self
            .txn
            .create_node(vec![kind.label().to_string()], properties)
        {
            Ok(id) => {
                self.summary.nodes_added += 1;
                if kind == Kind::Article {
                    self.summary.articles_added += 1;
                }
                Some(id)
            }
            Err(e) => {
                self.report.error(at, e.to_string());
                None
            }
        }
    }

    /// The one entity of `kind` in the store before this import that answers
    /// to `name` as an alias (within one file, a second declaration of an
    /// alias is refused as a second entity).
    fn answering_to(&self, kind: Kind, name: &str) -> Option<NodeId> {
        if !kind.is_entity() {
            return None;
        }
        let graph = self.graph();
        let mut ids =
            graph.resolve_name(name).iter().copied().filter(|&id| {
                id < self.first_node && graph.node(id).and_then(Kind::of) == Some(kind)
            });
        match (ids.next(), ids.next()) {
            (Some(id), None) => Some(id),
            _ => None,
        }
    }

    /// Merges properties into an existing node: aliases are united, other
    /// properties set when they differ (null removes one).
    fn merge(&mut self, at: usize, id: NodeId, kind: Kind, props: Props<'_>) {
        for p in props {
            let current = self.graph().node(id).and_then(|n| n.get(&p.key));
            let value = if p.key == ALIASES_PROP && kind.is_entity() {
                let known = match current {
                    Some(Value::List(known)) => known.as_slice(),
                    _ => &[],
                };
                match merge_aliases(known, &p.value) {
                    Some(merged) => Value::List(merged),
                    None => continue,
                }
            } else {
                p.value
            };
            let unchanged = match current {
                Some(c) => *c == value,
                None => value == Value::Null,
            };
            if !unchanged {
                if let Err(e) = self.txn.set_node_property(id, &p.key, value) {
                    self.report.error(at, e.to_string());
                }
            }
        }
    }

    /// Pass 1: `KIND "NAME" {props}`.
    fn declare_entity(&mut self, at: usize, kind: Kind, name: &str, props: Props<'_>) {
        if name.trim().is_empty() {
            self.report.error(at, "an entity name cannot be empty");
            return;
        }
        let mut ok = self.refuse_key(
            &props,
            NAME_PROP,
            "the name is the quoted text after the kind",
        );
        let mut aliases: Vec<String> = Vec::new();
        for p in props.iter().filter(|p| p.key == ALIASES_PROP) {
            match alias_strings(&p.value) {
                Some(list) => aliases.extend(list.iter().map(|s| s.to_string())),
                None => {
                    self.report.error(
                        p.at,
                        "aliases must be a list of strings, e.g. aliases: [\"ISW\"]",
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        let Some(id) = self.upsert(at, kind, name, props) else {
            return;
        };
        self.register(name, id);
        for alias in &aliases {
            self.register(alias, id);
        }
    }

    /// Records that this file's `name` (a name or an alias) names `id`.
    fn register(&mut self, name: &str, id: NodeId) {
        match self.names.get_mut(name) {
            Some(ids) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            None => {
                self.names.insert(name.to_string(), vec![id]);
            }
        }
    }

    /// Pass 2: turns an inline entity endpoint into its node, creating it if need be.
    fn resolve_inline_entity(&mut self, endpoint: &mut Endpoint<'_>) {
        let EndpointKind::Entity(kind, name) = &endpoint.kind else {
            return;
        };
        endpoint.kind = match self.inline_entity(endpoint.at, *kind, name) {
            Some(id) => EndpointKind::Resolved(id),
            None => EndpointKind::Unresolved,
        };
    }

    fn inline_entity(&mut self, at: usize, kind: Kind, name: &str) -> Option<NodeId> {
        if name.trim().is_empty() {
            self.report.error(at, "an entity name cannot be empty");
            return None;
        }
        let graph = self.txn.graph();
        if let Some(id) = graph.lookup_key(kind, name) {
            self.touch(id);
            return Some(id);
        }
        // Not a name of this kind: perhaps an alias, in the file first, then in the store.
        let of_kind = |ids: &[NodeId]| -> Vec<NodeId> {
            ids.iter()
                .copied()
                .filter(|&id| graph.node(id).and_then(Kind::of) == Some(kind))
                .collect()
        };
        let mut found = of_kind(self.names.get(name).map_or(&[], Vec::as_slice));
        if found.is_empty() {
            found = of_kind(graph.resolve_name(name));
        }
        match found.as_slice() {
            [id] => {
                let id = *id;
                self.touch(id);
                Some(id)
            }
            [] => {
                let id = self.upsert(at, kind, name, Vec::new())?;
                self.register(name, id);
                Some(id)
            }
            many => {
                let message = format!(
                    "\"{name}\" is an alias of {} different {} entities ({}); use the full name",
                    many.len(),
                    kind.label(),
                    self.names_of(many)
                );
                self.report.error(at, message);
                None
            }
        }
    }

    /// The names of some nodes, for messages.
    fn names_of(&self, ids: &[NodeId]) -> String {
        ids.iter()
            .filter_map(|&id| self.graph().node(id))
            .map(|n| {
                let name = n.get(NAME_PROP).and_then(Value::as_str).unwrap_or("?");
                match Kind::of(n) {
                    Some(k) => format!("{} \"{name}\"", keyword(k)),
                    None => format!("\"{name}\""),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `article "ID" {props}`: opens a section.
    fn article(&mut self, at: usize, id: &str, mut props: Props<'_>) {
        self.labels.clear();
        self.article_ix = intern(&mut self.articles, id);
        self.article = Some(id.to_string());
        if id.trim().is_empty() {
            self.report.error(at, "an article id cannot be empty");
            return;
        }
        let ok = self.refuse_key(&props, ID_PROP, "the id is the quoted text after `article`");
        if !(self.typed_dates(&mut props, "article") && ok) {
            return;
        }
        let existed = self.graph().lookup_key(Kind::Article, id);
        if let Some(node) = existed.filter(|&n| n < self.first_node) {
            self.existing_articles.insert(node);
        }
        self.upsert(at, Kind::Article, id, props);
    }

    /// Turns the `date` property into a temporal value: any ISO 8601 date or
    /// datetime that `date()` or `datetime()` accept. Reports anything else at
    /// its key and says whether all was well.
    /// Turns each `date` property into a temporal value, reporting any that is
    /// not an ISO 8601 date or date time.
    fn typed_dates(&mut self, props: &mut Props<'_>, whose: &str) -> bool {
        let mut ok = true;
        for p in props.iter_mut().filter(|p| p.key == "date") {
            let parsed = match &p.value {
                Value::String(s) => crate::temporal::parse::date_or_datetime(s.trim()),
                Value::Temporal(
                    t @ (crate::temporal::Temporal::Date(_)
                    | crate::temporal::Temporal::LocalDateTime { .. }
                    | crate::temporal::Temporal::DateTime { .. }),
                ) => Ok(t.clone()),
                Value::Null => continue,
                other => Err(format!("{other} is not a date")),
            };
            match parsed {
                Ok(t) => p.value = Value::Temporal(t),
                Err(_) => {
                    self.report.error(
                        p.at,
                        format!(
                            "the {whose} date must be an ISO 8601 date or date time (such as \
                             2023-04-03, 2022-12, 2023-W14-1 or 2023-04-02T21:30:00+03:00), not {}",
                            p.value
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok
    }

    /// `statement LABEL "TEXT" {props}`: the statement's node.
    fn statement(&mut self, at: usize, text: &str, props: Props<'_>) -> Option<NodeId> {
        let text = normalised_text(text);
        if text.is_empty() {
            self.report.error(at, "a statement text cannot be empty");
            return None;
        }
        if !self.refuse_key(
            &props,
            TEXT_PROP,
            "the text is the quoted text of the statement",
        ) {
            return None;
        }
        self.upsert(at, Kind::Statement, &text, props)
    }

    /// A triple's endpoint, as a node. A name that names nothing gets the
    /// nearest names of `kinds` as suggestions.
    fn endpoint(&mut self, endpoint: &Endpoint<'_>, kinds: &[Kind]) -> Option<NodeId> {
        let at = endpoint.at;
        match &endpoint.kind {
            EndpointKind::Resolved(id) => Some(*id),
            EndpointKind::Unresolved => None,
            EndpointKind::Entity(kind, name) => self.inline_entity(at, *kind, name),
            EndpointKind::Statement(text) => self.statement(at, text, Vec::new()),
            EndpointKind::Label(label) => match self.labels.get(label.as_ref()) {
                Some(&id) => Some(id),
                None => {
                    self.report.error(
                        at,
                        format!(
                            "no statement is labelled {label} in this article section; declare it first with statement {label} \"...\""
                        ),
                    );
                    None
                }
            },
            EndpointKind::Name(name) => self.resolve_name(at, name, kinds),
        }
    }

    /// A quoted name: the file's entities first, then the store's.
    fn resolve_name(&mut self, at: usize, name: &str, kinds: &[Kind]) -> Option<NodeId> {
        let graph = self.txn.graph();
        let ids = match self.names.get(name) {
            Some(ids) => ids.as_slice(),
            None => graph.resolve_name(name),
        };
        let message = match ids {
            [id] => {
                let id = *id;
                self.touch(id);
                return Some(id);
            }
            [] => {
                let index = self.names_index.get_or_insert_with(|| {
                    TextIndex::build(
                        graph
                            .nodes()
                            .filter(|n| Kind::of(n).is_some_and(Kind::is_entity)),
                    )
                });
                suggest::unknown_name(index, name, kinds)
            }
            many => {
                let mut kinds: Vec<Kind> = many
                    .iter()
                    .filter_map(|&id| graph.node(id).and_then(Kind::of))
                    .collect();
                kinds.sort();
                kinds.dedup();
                if kinds.len() > 1 {
                    let forms: Vec<String> = kinds
                        .iter()
                        .map(|&k| format!("{} \"{name}\"", keyword(k)))
                        .collect();
                    format!(
                        "\"{name}\" names entities of more than one kind; say which with {}",
                        forms.join(" or ")
                    )
                } else {
                    format!(
                        "\"{name}\" names {} different entities ({}); use another of their names, or write the kind before it to mean the one with exactly this name",
                        many.len(),
                        self.names_of(many)
                    )
                }
            }
        };
        self.report.error(at, message);
        None
    }

    /// `statment t1 "..."` reads as a triple whose subject is an unbound label
    /// near a kind word and whose object names nothing: it is a declaration
    /// with a misspelt kind, and that is the one error reported.
    fn misspelt_kind(&mut self, t: &Triple<'_>) -> bool {
        let EndpointKind::Label(label) = &t.subject.kind else {
            return false;
        };
        if self.labels.contains_key(label.as_ref()) {
            return false;
        }
        let EndpointKind::Name(name) = &t.object.kind else {
            return false;
        };
        if self.names.contains_key(name.as_ref()) || !self.graph().resolve_name(name).is_empty() {
            return false;
        }
        if suggest::near_kind(label).is_none() {
            return false;
        }
        let message =
            suggest::unknown_kind(label, "actor, organisation, place, statement or article");
        self.report.error(t.subject.at, message);
        true
    }

    /// Makes sure `edge_keys` holds the relationships that were in the store
    /// between two existing nodes. The first time this import meets a pair, it
    /// walks the shorter adjacency list; once those walks have cost as much as
    /// reading every relationship of the store, it reads them all instead, so
    /// the work stays linear in the size of the store and the file.
    fn learn_existing(&mut self, start: NodeId, end: NodeId) {
        if self.indexed_all || !self.scanned_pairs.insert((start, end)) {
            return;
        }
        let graph = self.txn.graph();
        let (side, steps) = shorter_side(graph, start, end);
        self.scan_steps += steps;
        if self.scan_steps > self.scan_budget {
            self.indexed_all = true;
            self.scanned_pairs = HashSet::default();
            for r in graph.relationships() {
                learn(&mut self.edge_keys, &mut self.types, &mut self.articles, r);
            }
            return;
        }
        for (r, _) in graph.relationships_of(side.0, side.1) {
            if r.start == start && r.end == end {
                learn(&mut self.edge_keys, &mut self.types, &mut self.articles, r);
            }
        }
    }

    /// `SUBJECT PREDICATE OBJECT {props}`: finds or creates the relationship.
    fn triple(&mut self, t: &mut Triple<'_>) {
        let refused = !self.refuse_key(
            &t.props,
            ARTICLE_PROP,
            "it is set from the article section the triple is in",
        ) | !self.typed_dates(&mut t.props, "relationship");
        if !self.free_predicates.contains(&*t.predicate) {
            if let Some(meant) = suggest::stance_near_miss(&t.predicate) {
                self.report.error(
                    t.predicate_at,
                    suggest::predicate_message(&t.predicate, meant),
                );
                return;
            }
            self.free_predicates.insert(t.predicate.to_string());
        }
        if self.misspelt_kind(t) {
            return;
        }
        let stance = matches!(&*t.predicate, "claims" | "denies" | "assesses");
        let subject_kinds: &[Kind] = if stance {
            &[Kind::Actor, Kind::Organisation]
        } else {
            ENTITY_KINDS
        };
        let subject = self.endpoint(&t.subject, subject_kinds);
        let object = self.endpoint(&t.object, ENTITY_KINDS);
        let (Some(start), Some(end)) = (subject, object) else {
            return;
        };
        if refused {
            return;
        }
        let rel_type = t.predicate.to_ascii_uppercase();
        let graph = self.txn.graph();
        if let (Some(a), Some(b)) = (graph.node(start), graph.node(end)) {
            if let Some(rule) = stance_rule_violation(&rel_type, a, b) {
                self.report.error(t.predicate_at, rule);
                return;
            }
        }
        let key = (
            start,
            end,
            intern(&mut self.types, &rel_type),
            self.article_ix,
        );
        if start < self.first_node && end < self.first_node {
            self.learn_existing(start, end);
        }
        match self.edge_keys.get(&key).copied() {
            Some(rel) => {
                if rel < self.first_rel {
                    self.existing_rels.insert(rel);
                }
                for p in std::mem::take(&mut t.props) {
                    let current = self.graph().relationship(rel).and_then(|r| r.get(&p.key));
                    let unchanged = match current {
                        Some(c) => *c == p.value,
                        None => p.value == Value::Null,
                    };
                    if !unchanged {
                        if let Err(e) = self.txn.set_relationship_property(rel, &p.key, p.value) {
                            self.report.error(t.predicate_at, e.to_string());
                        }
                    }
                }
            }
            None => {
                // The triple's own `article` property was refused above.
                let article = self
                    .article
                    .as_ref()
                    .map(|a| (ARTICLE_PROP.to_string(), Value::from(a.as_str())));
                let properties: Properties = std::mem::take(&mut t.props)
                    .into_iter()
                    .map(|p| (p.key.into_owned(), p.value))
                    .chain(article)
                    .collect();
                let new_type = self.graph().type_count(&rel_type) == 0;
                match self
                    .txn
                    .create_relationship(start, &rel_type, end, properties)
                {
                    Ok(rel) => {
                        if new_type {
                            self.summary.new_types.push(rel_type.clone());
                        }
                        self.edge_keys.insert(key, rel);
                        self.summary.relationships_added += 1;
                    }
                    Err(e) => self.report.error(t.predicate_at, e.to_string()),
                }
            }
        }
    }
}

/// Which adjacency list holds every relationship from `start` to `end` at the
/// least cost: the outgoing ones of `start` and the incoming ones of `end` are
/// walked in step until one runs out, and that one is complete. Returns the
/// list (node and direction) and the steps taken.
fn shorter_side(graph: &Graph, start: NodeId, end: NodeId) -> ((NodeId, Dir), usize) {
    let mut out = graph.relationships_of(start, Dir::Out);
    let mut inc = graph.relationships_of(end, Dir::In);
    let mut steps = 0;
    loop {
        steps += 1;
        if out.next().is_none() {
            return ((start, Dir::Out), steps);
        }
        if inc.next().is_none() {
            return ((end, Dir::In), steps);
        }
    }
}

/// Adds a relationship of the store to the key index.
fn learn(
    edge_keys: &mut HashMap<(NodeId, NodeId, u32, u32), RelId>,
    types: &mut HashMap<String, u32>,
    articles: &mut HashMap<String, u32>,
    r: &crate::model::Relationship,
) {
    let type_ix = intern(types, &r.rel_type);
    let article_ix = r.article().map_or(NO_ARTICLE, |a| intern(articles, a));
    edge_keys
        .entry((r.start, r.end, type_ix, article_ix))
        .or_insert(r.id);
}

/// The index of `name` in an interning table, added when new.
fn intern(table: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(&ix) = table.get(name) {
        return ix;
    }
    let ix = u32::try_from(table.len()).unwrap_or(u32::MAX - 1);
    table.insert(name.to_string(), ix);
    ix
}

/// The strings of an `aliases` value: a list of strings, or one string.
fn alias_strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::List(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// `known` with the new aliases added at the end, or `None` when nothing is new.
fn merge_aliases(known: &[Value], new: &Value) -> Option<Vec<Value>> {
    let new = alias_strings(new)?;
    let mut merged = known.to_vec();
    for alias in new {
        if !merged.iter().any(|v| v.as_str() == Some(alias)) {
            merged.push(Value::from(alias));
        }
    }
    (merged.len() > known.len()).then_some(merged)
}

/// The import keyword of a kind, for messages.
fn keyword(kind: Kind) -> &'static str {
    match kind {
        Kind::Actor => "actor",
        Kind::Organisation => "organisation",
        Kind::Place => "place",
        Kind::Statement => "statement",
        Kind::Article => "article",
    }
}

/// Whether `text` is an ISO 8601 date or date time that `date()` or
/// `datetime()` accept (the test the other import formats apply to a date
/// cell or field before it becomes an item; the apply step then types it).
pub(crate) fn is_iso_date(text: &str) -> bool {
    crate::temporal::parse::date_or_datetime(text.trim()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_merge_in_order_without_repeats() {
        let known = vec![Value::from("a")];
        let merged = merge_aliases(&known, &Value::List(vec!["b".into(), "a".into()]));
        assert_eq!(merged, Some(vec![Value::from("a"), Value::from("b")]));
        assert_eq!(merge_aliases(&known, &Value::from("a")), None);
    }
}
