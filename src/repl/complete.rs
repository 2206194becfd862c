//! Tab completion: what can be typed at the cursor, from the words of the
//! language and from what the store holds.
//!
//! The completer looks at the tokens before the cursor to decide what is being
//! typed: a label after `(v:`, a relationship type after `[r:` or `|`, a property
//! key after `.` or inside `{`, a parameter after `$`, an entity name inside a
//! string, a shell command after `:` at the start, and otherwise a keyword or a
//! function name.

use std::collections::BTreeSet;

use crate::graph::Graph;
use crate::model;
use crate::query::syntax::lex::{tokenize, Token, TokenKind};
use crate::value::Value;

/// The keywords of the query language, upper case.
pub const KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CALL",
    "CASE",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "IN",
    "IS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "REMOVE",
    "RETURN",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// The functions of the query language, as they are usually spelled.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "allShortestPaths",
    "article",
    "avg",
    "coalesce",
    "collect",
    "count",
    "date",
    "datetime",
    "duration",
    "endNode",
    "head",
    "id",
    "keys",
    "labels",
    "last",
    "length",
    "localdatetime",
    "localtime",
    "max",
    "min",
    "nodes",
    "properties",
    "range",
    "relationships",
    "replace",
    "round",
    "shortestPath",
    "size",
    "split",
    "startNode",
    "substring",
    "sum",
    "tail",
    "time",
    "toFloat",
    "toInteger",
    "toLower",
    "toString",
    "toUpper",
    "trim",
    "type",
];

/// The shell commands, with the words their first argument can be.
pub const COMMANDS: &[(&str, &[&str])] = &[
    (":help", &[]),
    (":schema", &[]),
    (":param", &[]),
    (":params", &["clear"]),
    (":import", &[]),
    (
        ":export",
        &[
            "json",
            "dot",
            "svg",
            "graphml",
            "nquads",
            "cypher",
            "neo4j-csv",
            "claimreview",
            "parquet",
        ],
    ),
    (":format", &["table", "json", "csv"]),
    (":timing", &["on", "off"]),
    (":max_rows", &[]),
    (":contested", &[]),
    (":stance", &[]),
    (":timeline", &[]),
    (":first", &[]),
    (":search", &[]),
    (":quit", &[]),
];

/// How many nodes and relationships a refresh looks at for property keys, so
/// that a refresh stays quick on a large store.
const KEY_SCAN_LIMIT: usize = 100_000;
/// How many entity names a refresh keeps.
const NAME_LIMIT: usize = 200_000;
/// How many candidates one completion offers at most.
const MAX_CANDIDATES: usize = 200;

/// What the store holds that can be completed, taken from the graph at one moment.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub labels: Vec<String>,
    pub types: Vec<String>,
    pub keys: Vec<String>,
    /// Entity names and aliases, each with the entity's name, and article ids,
    /// sorted by what is matched.
    pub names: Vec<NameEntry>,
    pub params: Vec<String>,
}

impl Catalog {
    /// Reads labels, types, property keys and names from `graph`, with bounded work.
    pub fn from_graph(graph: &Graph) -> Catalog {
        let labels = graph.label_counts().map(|(l, _)| l.to_string()).collect();
        let types = graph.type_counts().map(|(t, _)| t.to_string()).collect();
        let mut keys = BTreeSet::new();
        for node in graph.nodes().take(KEY_SCAN_LIMIT) {
            keys.extend(node.properties.keys().cloned());
        }
        for rel in graph.relationships().take(KEY_SCAN_LIMIT) {
            keys.extend(rel.properties.keys().cloned());
        }
        let mut names = BTreeSet::new();
        'labels: for label in [model::ACTOR, model::ORGANISATION, model::PLACE] {
            for id in graph.nodes_with_label(label) {
                if names.len() >= NAME_LIMIT {
                    break 'labels;
                }
                let Some(node) = graph.node(id) else { continue };
                let Some(name) = node.get(model::NAME_PROP).and_then(Value::as_str) else {
                    continue;
                };
                names.insert(NameEntry::new(name, name));
                if let Some(Value::List(aliases)) = node.get(model::ALIASES_PROP) {
                    for alias in aliases.iter().filter_map(Value::as_str) {
                        names.insert(NameEntry::new(alias, name));
                    }
                }
            }
        }
        for id in graph.nodes_with_label(model::ARTICLE).take(NAME_LIMIT) {
            if let Some(key) = graph
                .node(id)
                .and_then(|n| n.get(model::ID_PROP))
                .and_then(Value::as_str)
            {
                names.insert(NameEntry::new(key, key));
            }
        }
        Catalog {
            labels,
            types,
            keys: keys.into_iter().collect(),
            names: names.into_iter().collect(),
            params: Vec::new(),
        }
    }
}

/// A text that completes to a name: an entity's name or alias (completing to the
/// entity's name, which is what its key property holds), or an article id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameEntry {
    pub matched: String,
    pub name: String,
    /// `matched` folded ([`crate::textmatch::fold`]): what typed text is compared with.
    pub folded: String,
}

impl NameEntry {
    pub fn new(matched: &str, name: &str) -> Self {
        NameEntry {
            matched: matched.to_string(),
            name: name.to_string(),
            folded: crate::textmatch::fold(matched),
        }
    }
}

/// One completion: the text shown in the list and the text put in its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

fn candidate(display: impl Into<String>, replacement: impl Into<String>) -> Candidate {
    Candidate {
        display: display.into(),
        replacement: replacement.into(),
    }
}

/// The completions for `line` with the cursor at byte `pos`: the byte where the
/// replaced text starts, and the candidates. Files are left to the caller: the
/// answer is `None` when a file name is being typed.
pub fn complete(line: &str, pos: usize, catalog: &Catalog) -> Option<(usize, Vec<Candidate>)> {
    let pos = floor_boundary(line, pos);
    let before = &line[..pos];
    let lead = before.len() - before.trim_start().len();
    if before[lead..].starts_with(':') {
        return complete_command(before, lead, catalog);
    }
    Some(complete_query(before, 0, catalog))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Completes a `:command` line; `lead` is where the `:` is.
fn complete_command(
    before: &str,
    lead: usize,
    catalog: &Catalog,
) -> Option<(usize, Vec<Candidate>)> {
    let rest = &before[lead..];
    let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if name_end == rest.len() {
        // Still typing the command's name.
        let found = COMMANDS
            .iter()
            .filter(|(name, _)| name.starts_with(rest))
            .map(|(name, _)| candidate(*name, format!("{name} ")))
            .collect();
        return Some((lead, found));
    }
    let name = &rest[..name_end];
    let args_at = lead + name_end;
    let args = &before[args_at..];
    let words: Vec<&str> = args.split_whitespace().collect();
    let typing_new_word = args.ends_with(char::is_whitespace);
    let index = if typing_new_word {
        words.len()
    } else {
        words.len().saturating_sub(1)
    };
    let prefix = if typing_new_word {
        ""
    } else {
        words.last().copied().unwrap_or("")
    };
    let start = before.len() - prefix.len();
    let choices = |options: &[&str]| {
        options
            .iter()
            .filter(|o| o.starts_with(prefix))
            .map(|o| candidate(*o, format!("{o} ")))
            .collect::<Vec<_>>()
    };
    match name {
        ":param" => match args.find("=>") {
            // After `NAME =>` comes an expression; before it, a name of the user's choosing.
            Some(arrow) => {
                let expr_at = args_at + arrow + 2;
                Some(complete_query(&before[expr_at..], expr_at, catalog))
            }
            None => Some((start, Vec::new())),
        },
        ":import" => None,
        ":export" => match index {
            0 => {
                let spec = COMMANDS.iter().find(|(n, _)| *n == ":export")?;
                Some((start, choices(spec.1)))
            }
            1 => None,
            _ => {
                // The query starts after the second argument.
                let mut seen = 0;
                let mut in_word = false;
                let mut query_at = before.len();
                for (i, c) in args.char_indices() {
                    if c.is_whitespace() {
                        if in_word {
                            seen += 1;
                            in_word = false;
                        }
                    } else if !in_word {
                        if seen == 2 {
                            query_at = args_at + i;
                            break;
                        }
                        in_word = true;
                    }
                }
                Some(complete_query(&before[query_at..], query_at, catalog))
            }
        },
        ":help" if index == 0 => {
            let found = COMMANDS
                .iter()
                // Every command name starts with the one-byte ':'.
                .map(|(n, _)| &n[1..])
                .filter(|n| n.starts_with(prefix))
                .map(|n| candidate(n, n))
                .collect();
            Some((start, found))
        }
        _ if index == 0 => {
            let spec = COMMANDS.iter().find(|(n, _)| *n == name)?;
            Some((start, choices(spec.1)))
        }
        _ => Some((start, Vec::new())),
    }
}

/// The bracket that encloses the end of `tokens`, if any.
fn enclosing_bracket(tokens: &[Token]) -> Option<char> {
    let mut stack = Vec::new();
    for t in tokens {
        match t.kind {
            TokenKind::Punct(c @ ('(' | '[' | '{')) => stack.push(c),
            TokenKind::Punct(')' | ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// Completes query text `before` (the text up to the cursor), which starts at
/// byte `offset` of the whole line.
fn complete_query(before: &str, offset: usize, catalog: &Catalog) -> (usize, Vec<Candidate>) {
    let tokens = tokenize(before);
    let Some(last) = tokens.last().copied() else {
        return (offset, keywords_and_functions("", catalog));
    };
    match last.kind {
        TokenKind::String {
            quote,
            closed: false,
        } => {
            let typed = &before[last.start + quote.len_utf8()..];
            let start = offset + last.start + quote.len_utf8();
            return (start, names(typed, quote, catalog));
        }
        TokenKind::Quoted { closed: false } => {
            let typed = &before[last.start + 1..];
            let mut all: Vec<&String> = catalog
                .labels
                .iter()
                .chain(&catalog.types)
                .chain(&catalog.keys)
                .collect();
            all.sort();
            all.dedup();
            let found = all
                .into_iter()
                .filter(|n| starts_with_ignore_case(n, typed))
                .map(|n| candidate(n.as_str(), format!("{}`", n.replace('`', "``"))))
                .take(MAX_CANDIDATES)
                .collect();
            return (offset + last.start + 1, found);
        }
        TokenKind::String { .. }
        | TokenKind::Quoted { .. }
        | TokenKind::LineComment
        | TokenKind::BlockComment { .. }
        | TokenKind::Number => return (offset + before.len(), Vec::new()),
        TokenKind::Param => {
            let typed = &before[last.start + 1..];
            let found = catalog
                .params
                .iter()
                .filter(|p| p.starts_with(typed))
                .map(|p| candidate(format!("${p}"), p.as_str()))
                .collect();
            return (offset + last.start + 1, found);
        }
        _ => {}
    }
    // The word being typed, if the cursor is at the end of one, and the token before it.
    let (prefix, start, context_end) = if last.kind == TokenKind::Word {
        (&before[last.start..], last.start, tokens.len() - 1)
    } else {
        ("", before.len(), tokens.len())
    };
    let context = &tokens[..context_end];
    let previous = context.iter().rev().find(|t| t.is_significant());
    let bracket = enclosing_bracket(context);
    let found = match previous.map(|t| t.kind) {
        Some(TokenKind::Punct(':')) if bracket == Some('[') => names_from(&catalog.types, prefix),
        Some(TokenKind::Punct('|')) if bracket == Some('[') => names_from(&catalog.types, prefix),
        Some(TokenKind::Punct(':')) if bracket != Some('{') => names_from(&catalog.labels, prefix),
        Some(TokenKind::Punct('.')) => names_from(&catalog.keys, prefix),
        Some(TokenKind::Punct('{' | ',')) if bracket == Some('{') => {
            names_from(&catalog.keys, prefix)
        }
        _ if last.kind == TokenKind::Word => keywords_and_functions(prefix, catalog),
        // After a space or a bracket, with nothing typed yet: offering every word
        // would only be noise, except at the very start of a statement.
        _ if previous.is_none() || previous.is_some_and(|t| t.kind == TokenKind::Punct(';')) => {
            keywords_and_functions("", catalog)
        }
        _ => Vec::new(),
    };
    (offset + start, found)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    let mut t = text.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|p| t.next() == Some(p))
}

/// Labels, types or keys that start with `prefix` (any case), backquoted when needed.
fn names_from(names: &[String], prefix: &str) -> Vec<Candidate> {
    names
        .iter()
        .filter(|n| starts_with_ignore_case(n, prefix))
        .take(MAX_CANDIDATES)
        .map(|n| {
            let mut quoted = String::new();
            // Writing to a String cannot fail.
            let _ = crate::value::write_name(n, &mut quoted);
            candidate(n.as_str(), quoted)
        })
        .collect()
}

/// Keywords (in the case the user types them) and functions that start with `prefix`.
fn keywords_and_functions(prefix: &str, catalog: &Catalog) -> Vec<Candidate> {
    let lower = !prefix.is_empty() && !prefix.chars().any(char::is_uppercase);
    let mut found: Vec<Candidate> = KEYWORDS
        .iter()
        .filter(|k| starts_with_ignore_case(k, prefix))
        .map(|k| {
            let word = if lower {
                k.to_lowercase()
            } else {
                k.to_string()
            };
            candidate(word.clone(), word)
        })
        .collect();
    found.extend(
        FUNCTIONS
            .iter()
            .filter(|f| starts_with_ignore_case(f, prefix))
            .map(|f| candidate(format!("{f}()"), format!("{f}("))),
    );
    // Labels also start a statement's words, e.g. after `WHERE n:`; they are
    // offered above. Parameters typed without `$` are a common slip: offer them.
    found.extend(
        catalog
            .params
            .iter()
            .filter(|p| !prefix.is_empty() && p.starts_with(prefix))
            .map(|p| candidate(format!("${p}"), format!("${p}"))),
    );
    found
}

/// Entity names for a string opened with `quote`, where `typed` has been typed:
/// names and aliases starting with it first, then those with a later word
/// starting with it, compared folded (case, diacritics and punctuation do not
/// count, so `"trump` finds `donald-trump`). An alias is shown with the name
/// it stands for; the replacement is the entity's name, closing the string.
fn names(typed: &str, quote: char, catalog: &Catalog) -> Vec<Candidate> {
    if typed.contains('\\') {
        // Escapes in the typed text would need unescaping to compare; skip.
        return Vec::new();
    }
    let wanted = crate::textmatch::fold(typed);
    if wanted.is_empty() && !typed.is_empty() {
        return Vec::new();
    }
    let mut first: Vec<&NameEntry> = Vec::new();
    let mut later: Vec<&NameEntry> = Vec::new();
    for entry in &catalog.names {
        if entry.folded.starts_with(&wanted) {
            first.push(entry);
        } else if !wanted.is_empty()
            && entry
                .folded
                .split(' ')
                .skip(1)
                .any(|w| w.starts_with(&wanted))
        {
            later.push(entry);
        }
        if first.len() >= MAX_CANDIDATES {
            break;
        }
    }
    // An entity found by its name and by an alias is offered once.
    let mut seen = BTreeSet::new();
    first
        .into_iter()
        .chain(later)
        .filter(|entry| seen.insert(entry.name.as_str()))
        .take(MAX_CANDIDATES)
        .map(|entry| {
            let name = entry.name.as_str();
            let mut escaped = String::with_capacity(name.len() + 1);
            for c in name.chars() {
                if c == quote || c == '\\' {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped.push(quote);
            let display = if entry.matched == entry.name {
                name.to_string()
            } else {
                format!("{} \u{2192} {name}", entry.matched)
            };
            candidate(display, escaped)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog {
            labels: vec!["Actor".into(), "Article".into(), "Place".into()],
            types: vec!["CLAIMS".into(), "DENIES".into(), "MEMBER_OF".into()],
            keys: vec!["aliases".into(), "name".into(), "text".into()],
            names: vec![
                NameEntry::new("Bakhmut", "Bakhmut"),
                NameEntry::new("PMC Wagner", "Wagner Group"),
                NameEntry::new("Prigozhin", "Yevgeny Prigozhin"),
                NameEntry::new("Wagner Group", "Wagner Group"),
                NameEntry::new("Yevgeny Prigozhin", "Yevgeny Prigozhin"),
            ],
            params: vec!["who".into()],
        }
    }

    /// The line after taking the first candidate.
    fn apply(line: &str) -> Vec<String> {
        let (start, found) = complete(line, line.len(), &catalog()).expect("not a file");
        found
            .iter()
            .map(|c| format!("{}{}", &line[..start], c.replacement))
            .collect()
    }

    #[test]
    fn labels_after_a_colon_in_a_node() {
        assert_eq!(apply("MATCH (a:Ac"), ["MATCH (a:Actor"]);
        assert_eq!(apply("MATCH (a:ar"), ["MATCH (a:Article"]);
        assert_eq!(apply("MATCH (a) WHERE a:Pl"), ["MATCH (a) WHERE a:Place"]);
        assert_eq!(apply("MATCH (:").len(), 3);
    }

    #[test]
    fn types_in_a_relationship() {
        assert_eq!(apply("MATCH (a)-[:CL"), ["MATCH (a)-[:CLAIMS"]);
        assert_eq!(
            apply("MATCH (a)-[r:CLAIMS|De"),
            ["MATCH (a)-[r:CLAIMS|DENIES"]
        );
    }

    #[test]
    fn keys_after_a_dot_and_in_maps() {
        assert_eq!(apply("RETURN a.na"), ["RETURN a.name"]);
        assert_eq!(apply("MATCH (a {te"), ["MATCH (a {text"]);
        assert_eq!(
            apply("MATCH (a {name: 'x', al"),
            ["MATCH (a {name: 'x', aliases"]
        );
    }

    #[test]
    fn map_values_are_not_labels() {
        let (_, found) = complete("MATCH (a {name: Ac", 18, &catalog()).unwrap();
        assert!(found.iter().all(|c| c.replacement != "Actor"), "{found:?}");
    }

    #[test]
    fn entity_names_inside_quotes() {
        assert_eq!(
            apply("MATCH (a {name: \"Yevg"),
            ["MATCH (a {name: \"Yevgeny Prigozhin\""]
        );
        // Found by its alias and by a later word of its name, offered once, by its name.
        assert_eq!(apply("RETURN 'prig"), ["RETURN 'Yevgeny Prigozhin'"]);
        assert_eq!(apply("RETURN 'PMC"), ["RETURN 'Wagner Group'"]);
        assert_eq!(apply("RETURN 'O\\'B").len(), 0);
        // Case, diacritics and punctuation do not count; an alias is shown as such.
        assert_eq!(apply("RETURN 'yevgeny pri"), ["RETURN 'Yevgeny Prigozhin'"]);
        assert_eq!(apply("RETURN 'BAKHMUT"), ["RETURN 'Bakhmut'"]);
        assert_eq!(apply("RETURN 'bâkh"), ["RETURN 'Bakhmut'"]);
        assert_eq!(apply("RETURN 'group"), ["RETURN 'Wagner Group'"]);
        let (_, found) = complete("RETURN 'pmc", 11, &catalog()).unwrap();
        assert_eq!(found[0].display, "PMC Wagner \u{2192} Wagner Group");
        assert_eq!(
            apply(":param who => \"Wag"),
            [":param who => \"Wagner Group\""]
        );
    }

    #[test]
    fn keywords_keep_the_typed_case() {
        assert_eq!(apply("MATCH (a) RET"), ["MATCH (a) RETURN"]);
        assert_eq!(apply("match (a) ret"), ["match (a) return"]);
        assert!(apply("RETURN toL").contains(&"RETURN toLower(".to_string()));
    }

    #[test]
    fn params_after_a_dollar() {
        assert_eq!(apply("RETURN $w"), ["RETURN $who"]);
    }

    #[test]
    fn commands_and_their_words() {
        assert_eq!(apply(":sch"), [":schema "]);
        assert_eq!(apply(":format j"), [":format json "]);
        assert_eq!(apply(":timing o").len(), 2);
        assert!(complete(":import ex", 10, &catalog()).is_none());
        assert_eq!(complete(":param na", 9, &catalog()), Some((7, Vec::new())));
        assert_eq!(
            apply(":export json out.json MATCH (a:Ac"),
            [":export json out.json MATCH (a:Actor"]
        );
    }

    #[test]
    fn nothing_inside_comments_or_closed_strings() {
        assert!(apply("RETURN 1 // Ac").is_empty());
        assert!(apply("RETURN 'x' ").is_empty());
    }

    #[test]
    fn cursor_inside_a_character_is_safe() {
        let line = "RETURN 'é";
        for pos in 0..=line.len() + 2 {
            let _ = complete(line, pos, &catalog());
        }
    }
}
