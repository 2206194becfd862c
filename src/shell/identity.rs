//! The shell's identity decisions: `:merge`, `:unmerge`, `:distinct` and
//! `:decisions`, through the same code as `claimgraph merge` and its
//! siblings ([`crate::identity`]), each one transaction logged the same way.

use std::io::Write;

use super::session::words;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::identity;

/// One line of help per command.
pub const HELP: &[(&str, &str)] = &[
    (
        ":merge KIND KEEP OTHER [--reason TEXT]",
        "merge entity OTHER into KEEP (OTHER's names become aliases)",
    ),
    (":unmerge TX", "undo merge transaction TX exactly"),
    (
        ":distinct KIND A B [--reason TEXT]",
        "record that A and B are different entities",
    ),
    (":decisions", "list the merge and distinct decisions"),
];

/// Whether `name` is one of these commands.
pub fn is_command(name: &str) -> bool {
    matches!(name, "merge" | "unmerge" | "distinct" | "decisions")
}

/// More help on one command.
pub fn more_help(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "merge" | "unmerge" | "distinct" | "decisions" => {
            "\
:merge KIND KEEP OTHER [--reason TEXT] merges entity OTHER into KEEP (KIND is
actor, organisation or place; names in quotes when they have spaces):
OTHER's name and aliases become KEEP's aliases, its relationships move to
KEEP, KEEP's properties win a conflict (listed). One transaction, shown by
`claimgraph log`; :unmerge TX undoes it exactly.
  :merge place \"Bakhmut\" \"Artemivsk\" --reason \"renamed in 2016\"
:distinct KIND A B [--reason TEXT] records that A and B are different
entities: a merge or an alias that would join them is refused.
:decisions lists every merge and distinct decision."
        }
        _ => return None,
    })
}

/// The three names and the reason of `KIND A B [--reason TEXT]`.
fn decision_args(command: &str, args: &str) -> Result<([String; 3], Option<String>)> {
    let usage = || {
        Error::query(format!(
            ":{command} needs a kind and two names: :{command} KIND A B [--reason TEXT]"
        ))
    };
    let mut parts: Vec<String> = words(args).into_iter().map(|(w, _)| w).collect();
    let reason = match parts.iter().position(|w| w == "--reason") {
        Some(at) if at + 2 == parts.len() => {
            let r = parts.pop();
            parts.pop();
            r
        }
        Some(_) => {
            return Err(Error::query(format!(
                ":{command}: --reason takes one text, last: --reason \"why\""
            )))
        }
        None => None,
    };
    match <[String; 3]>::try_from(parts) {
        Ok(names) => Ok((names, reason)),
        Err(_) => Err(usage()),
    }
}

/// Runs one of these commands on the store.
pub fn run(db: &mut Database, name: &str, args: &str, out: &mut dyn Write) -> Result<()> {
    match name {
        "merge" => {
            let ([kind, keep, other], reason) = decision_args(name, args)?;
            let kind = identity::entity_kind(&kind)?;
            let m = identity::merge(db, kind, &keep, &other, reason.as_deref())?;
            writeln!(out, "transaction {}", m.tx)?;
            for line in identity::describe_merge(kind, &keep, &other, &m) {
                writeln!(out, "{line}")?;
            }
        }
        "distinct" => {
            let ([kind, a, b], reason) = decision_args(name, args)?;
            let kind = identity::entity_kind(&kind)?;
            let tx = identity::distinct(db, kind, &a, &b, reason.as_deref())?;
            writeln!(
                out,
                "transaction {tx}: \"{a}\" and \"{b}\" are different {}s",
                kind.label().to_lowercase()
            )?;
        }
        "unmerge" => {
            let tx: u64 = args.trim().parse().map_err(|_| {
                Error::query(format!(
                    ":unmerge takes a transaction number (see :decisions), not `{args}`"
                ))
            })?;
            let done = identity::unmerge(db, tx)?;
            writeln!(out, "transaction {done}: undid merge {tx}")?;
        }
        _ => writeln!(
            out,
            "{}",
            identity::decisions_table(&identity::decisions(db)?)
        )?,
    }
    out.flush()?;
    Ok(())
}
