//! `distinct` decisions: two names that people have decided are different
//! entities of one kind. A decision is a transaction of its own that
//! changes no record; its log words (`distinct place "Bakhmut" "Soledar"
//! --reason "..."`) are the decision, so it lives as long as the log. The
//! database reads them from the log on open and hands them to the graph,
//! where every change to an entity is checked against them
//! (`Graph::check_name_keys`): no entity may answer to both names
//! of a decision, whether a merge, an import or a write query would make it.

use crate::error::{Error, Result};
use crate::model::Kind;
use crate::storage::TxEntry;

/// One `distinct` decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distinct {
    /// The transaction that recorded it (0 before it is recorded).
    pub tx: u64,
    pub kind: Kind,
    pub a: String,
    pub b: String,
    pub reason: Option<String>,
}

/// A string as JSON writes it, for log words and messages.
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// Reads one JSON string at the start of `text`, returning it and the rest.
pub fn take_string(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    if !text.starts_with('"') {
        return None;
    }
    let mut it = serde_json::Deserializer::from_str(text).into_iter::<String>();
    let s = it.next()?.ok()?;
    Some((s, &text[it.byte_offset()..]))
}

/// The words of a decision: `VERB KIND "A" "B" [--reason "..."]`.
pub fn decision_words(verb: &str, kind: Kind, a: &str, b: &str, reason: Option<&str>) -> String {
    let mut w = format!(
        "{verb} {} {} {}",
        kind.label().to_lowercase(),
        quoted(a),
        quoted(b)
    );
    if let Some(r) = reason {
        w.push_str(" --reason ");
        w.push_str(&quoted(r));
    }
    w
}

/// The kind word, the two names and the reason of words that start with `verb`.
pub fn parse_decision<'w>(
    verb: &str,
    what: &'w str,
) -> Option<(&'w str, String, String, Option<String>)> {
    let rest = what.strip_prefix(verb)?.strip_prefix(' ')?;
    let (kind, rest) = rest.split_once(' ')?;
    let (a, rest) = take_string(rest)?;
    let (b, rest) = take_string(rest)?;
    let rest = rest.trim();
    let reason = if rest.is_empty() {
        None
    } else {
        let (r, tail) = take_string(rest.strip_prefix("--reason")?)?;
        if !tail.trim().is_empty() {
            return None;
        }
        Some(r)
    };
    Some((kind, a, b, reason))
}

impl Distinct {
    /// The log words of this decision.
    pub fn words(&self) -> String {
        decision_words(
            "distinct",
            self.kind,
            &self.a,
            &self.b,
            self.reason.as_deref(),
        )
    }

    /// The decision a log entry records, if it is one.
    pub fn from_entry(entry: &TxEntry) -> Option<Distinct> {
        let (kind, a, b, reason) = parse_decision("distinct", &entry.what)?;
        let kind = Kind::from_keyword(kind).filter(|k| k.is_entity())?;
        Some(Distinct {
            tx: entry.tx,
            kind,
            a,
            b,
            reason,
        })
    }

    /// Every decision of a log, oldest first.
    pub fn from_log(log: &[TxEntry]) -> Vec<Distinct> {
        log.iter().filter_map(Distinct::from_entry).collect()
    }

    /// Whether an entity of `kinds` answering to `names` would join the two.
    pub fn joined_by(&self, kinds: &[Kind], names: &[String]) -> bool {
        let has = |n: &str| names.iter().any(|m| m.to_lowercase() == n.to_lowercase());
        kinds.contains(&self.kind) && has(&self.a) && has(&self.b)
    }

    /// The refusal of a change that would join the two names.
    pub fn refusal(&self) -> Error {
        Error::constraint(self.why())
    }

    /// Why the two names cannot name one entity, in words (the decision's
    /// words carry its reason).
    pub fn why(&self) -> String {
        format!(
            "{} and {} are different {}s by decision {} (`{}`); an entity cannot answer to both",
            quoted(&self.a),
            quoted(&self.b),
            self.kind.label().to_lowercase(),
            self.tx,
            self.words()
        )
    }
}

/// Refuses `names` for an entity of `kinds` when a decision keeps two of them apart.
pub(super) fn check(decisions: &[Distinct], kinds: &[Kind], names: &[String]) -> Result<()> {
    match decisions.iter().find(|d| d.joined_by(kinds, names)) {
        Some(d) => Err(d.refusal()),
        None => Ok(()),
    }
}
