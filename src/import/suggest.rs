//! "Did you mean": the nearest names, kind words and stance predicates for
//! the import errors of both formats (see [`crate::textmatch`] for what
//! "near" means).

use crate::model::Kind;
use crate::textmatch::{self, word_similarity, TextIndex};

/// The kind words of the formats, as users write them.
const KIND_WORDS: [&str; 6] = [
    "actor",
    "organisation",
    "organization",
    "place",
    "statement",
    "article",
];

/// The predicates whose rules the import checks.
const STANCE_PREDICATES: [&str; 4] = ["claims", "denies", "assesses", "about"];

/// Stems that begin a misspelt or inflected form of a checked predicate
/// (`claimed`, `deny`, `denied`, `assessed`), with the predicate meant.
const STEMS: [(&str, &str); 6] = [
    ("claim", "claims"),
    ("deni", "denies"),
    ("deny", "denies"),
    ("assess", "assesses"),
    ("asess", "assesses"),
    ("abou", "about"),
];

/// A line that starts with a word and a quoted string (`acter "Bob"`) can
/// only be a declaration: when the parse fails at the string, the word is an
/// unknown kind, and that is the error, with the nearest kind word.
pub(super) fn diagnose_kind(source: &str, first: usize, at: usize) -> Option<(usize, String)> {
    // A kind word is short: look at the start of the line only.
    let line = &source[first..];
    let mut cut = line.len().min(64);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    let line = &line[..cut];
    let word_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let word = &line[..word_len];
    let after = line[word_len..].trim_start_matches([' ', '\t']);
    let quote = first + (line.len() - after.len());
    let starts_with_letter = word.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    (starts_with_letter
        && quote == at
        && word_len < line.len() - after.len()
        && (after.starts_with('"') || after.starts_with('\''))
        && Kind::from_keyword(word).is_none())
    .then(|| {
        (
            first,
            unknown_kind(word, "actor, organisation, place, statement or article"),
        )
    })
}

/// The kind word nearest to `word`, when `word` is a misspelling of one.
pub(super) fn near_kind(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    textmatch::nearest(&lower, KIND_WORDS, 1).first().copied()
}

/// The item words of `.jsonl`.
const ITEM_WORDS: [&str; 4] = ["article", "entity", "statement", "triple"];

/// `: did you mean "triple"?` for a `.jsonl` item word near one, else the list.
pub(super) fn unknown_item(word: &str) -> String {
    match textmatch::nearest(&word.to_lowercase(), ITEM_WORDS, 1).first() {
        Some(near) => format!("unknown item \"{word}\": did you mean \"{near}\"?"),
        None => format!("unknown item \"{word}\": expected article, entity, statement or triple"),
    }
}

/// The error for a word in the place of a kind that is not one.
pub(super) fn unknown_kind(word: &str, allowed: &str) -> String {
    match near_kind(word).filter(|near| *near != word.to_lowercase()) {
        Some(near) => format!("unknown kind \"{word}\": did you mean \"{near}\"?"),
        None => format!("unknown kind \"{word}\": expected {allowed}"),
    }
}

/// The checked predicate that `predicate` is a near miss of (`claim`,
/// `deny`, `asesses`, `abut`, `claimed`), if any. Predicates of several
/// words (`claims_responsibility_for`) are free.
pub(super) fn stance_near_miss(predicate: &str) -> Option<&'static str> {
    if STANCE_PREDICATES.contains(&predicate) || predicate.contains('_') {
        return None;
    }
    if let Some((_, meant)) = STEMS.iter().find(|(stem, _)| predicate.starts_with(stem)) {
        return Some(meant);
    }
    STANCE_PREDICATES
        .iter()
        .map(|p| (word_similarity(predicate, p), *p))
        .filter(|(s, _)| *s > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
}

/// The error for a near miss of a checked predicate.
pub(super) fn predicate_message(predicate: &str, meant: &str) -> String {
    format!("unknown predicate \"{predicate}\": did you mean \"{meant}\"?")
}

/// The lowest score of a name offered as "did you mean".
const SUGGEST_SCORE: f64 = 0.6;

/// The names and aliases of `kinds` nearest to `name` (at most three, best
/// first), for "did you mean".
pub(crate) fn nearest_names(index: &TextIndex, name: &str, kinds: &[Kind]) -> Vec<String> {
    let mut near: Vec<String> = Vec::new();
    for found in index.find(name, kinds) {
        if found.score < SUGGEST_SCORE || near.len() == 3 {
            break;
        }
        if !near.iter().any(|n| n == found.matched) {
            near.push(found.matched.to_string());
        }
    }
    near
}

/// `"a", "b" or "c"`: names offered as "did you mean".
pub(crate) fn one_of(near: &[String]) -> String {
    let quoted: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The error for a quoted name that names nothing: the nearest names and
/// aliases of `kinds` when there are some, else how to declare it.
pub(super) fn unknown_name(index: &TextIndex, name: &str, kinds: &[Kind]) -> String {
    let near = nearest_names(index, name, kinds);
    let lead = format!("no entity is named \"{name}\" in this file or in the store");
    if near.is_empty() {
        let kind = match kinds {
            [Kind::Actor, Kind::Organisation] => "actor",
            [only] => only.label(),
            _ => "actor",
        };
        return format!(
            "{lead}; declare it first, e.g. {} \"{name}\"",
            kind.to_lowercase()
        );
    }
    format!("{lead}; did you mean {}?", one_of(&near))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_of_stance_predicates() {
        for (p, meant) in [
            ("claim", "claims"),
            ("claimed", "claims"),
            ("deny", "denies"),
            ("denied", "denies"),
            ("asesses", "assesses"),
            ("assessed", "assesses"),
            ("abut", "about"),
            ("abot", "about"),
        ] {
            assert_eq!(stance_near_miss(p), Some(meant), "{p}");
        }
        for free in [
            "claims",
            "about",
            "leads",
            "member_of",
            "works_for",
            "fights_in",
            "claims_responsibility_for",
            "says",
            "owns",
            "died_in",
        ] {
            assert_eq!(stance_near_miss(free), None, "{free}");
        }
    }

    #[test]
    fn kind_words() {
        assert_eq!(near_kind("statment"), Some("statement"));
        assert_eq!(near_kind("acter"), Some("actor"));
        assert_eq!(near_kind("Organisaton"), Some("organisation"));
        assert_eq!(near_kind("s1"), None);
        assert_eq!(near_kind("hanna"), None);
        assert!(unknown_kind("plase", "actor").contains("did you mean \"place\"?"));
    }
}
