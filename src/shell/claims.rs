//! The shell's claims commands: `:contested`, `:stance TEXT`, `:timeline NAME`
//! `:first TEXT` and `:search WORDS` run the functions of [`crate::claims`] (the procedures
//! of the same names) and print readable tables. A text or name that is not
//! exact is resolved as `claims.find` resolves it: the best match is used,
//! and the shell says which one it took.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use crate::claims::{self, Target, ENTITY_KINDS};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{self, Kind, NodeId};
use crate::value::Value;

/// The commands of this module, with their help lines.
pub const HELP: &[(&str, &str)] = &[
    (
        ":contested [SINCE [UNTIL]]",
        "statements both claimed and denied, most contested first (claims.contested)",
    ),
    (
        ":stance TEXT",
        "who claimed, denied and assessed a statement, by date (claims.stance)",
    ),
    (
        ":timeline NAME",
        "what an entity said, and what was said about it, by date (claims.timeline)",
    ),
    (
        ":first TEXT",
        "who said a statement first, and who repeated it (claims.first)",
    ),
    (
        ":search WORDS",
        "statements and quotes that hold the words, best first (claims.search)",
    ),
];

/// Whether `name` is one of this module's commands.
pub fn is_command(name: &str) -> bool {
    matches!(
        name,
        "contested" | "stance" | "timeline" | "first" | "search"
    )
}

/// The most rows `:search` shows.
const SEARCH_ROWS: usize = 20;

/// The longest a statement's text is shown in a table cell.
const TEXT_WIDTH: usize = 70;

/// Runs `:name args`.
pub fn run(db: &Database, name: &str, args: &str, out: &mut dyn Write) -> Result<()> {
    let g = db.graph();
    let args = args.trim().trim_end_matches(';').trim();
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let rows = match name {
        "contested" => {
            let mut bounds = args.split_whitespace().map(Value::from);
            let (since, until) = (bounds.next(), bounds.next());
            if bounds.next().is_some() {
                return Err(Error::query(
                    ":contested takes at most two dates: :contested [SINCE [UNTIL]]",
                ));
            }
            table.set_header([
                "statement",
                "claimants",
                "deniers",
                "assessors",
                "articles",
                "first",
                "last",
            ]);
            let rows = claims::contested(g, since.as_ref(), until.as_ref())?;
            for r in &rows {
                table.add_row(vec![
                    short(&claims::node_key(g, r.statement)),
                    r.claimants.to_string(),
                    r.deniers.to_string(),
                    r.assessors.to_string(),
                    r.articles.to_string(),
                    date(&r.first),
                    date(&r.last),
                ]);
            }
            rows.len()
        }
        "stance" => {
            let statement = statement(g, ":stance", args, out)?;
            table.set_header(["date", "who", "stance", "article", "quote", "verdict"]);
            let rows = claims::stance(g, Target::Node(statement))?;
            for r in &rows {
                table.add_row(vec![
                    date(&r.date),
                    claims::node_key(g, r.who),
                    r.stance.word().to_string(),
                    article(g, r.article),
                    r.quote.as_deref().map_or_else(String::new, short),
                    r.verdict.clone().unwrap_or_default(),
                ]);
            }
            rows.len()
        }
        "timeline" => {
            let entity = entity(g, args, out)?;
            table.set_header(["date", "who", "stance", "statement", "article"]);
            let rows = claims::timeline(g, Target::Node(entity))?;
            for r in &rows {
                table.add_row(vec![
                    date(&r.date),
                    claims::node_key(g, r.who),
                    r.stance.word().to_string(),
                    short(&claims::node_key(g, r.statement)),
                    article(g, r.article),
                ]);
            }
            rows.len()
        }
        "first" => {
            let statement = statement(g, ":first", args, out)?;
            table.set_header(["rank", "who", "date", "article"]);
            let rows = claims::first(g, Target::Node(statement))?;
            for r in &rows {
                table.add_row(vec![
                    r.rank.to_string(),
                    claims::node_key(g, r.who),
                    date(&r.date),
                    article(g, r.article),
                ]);
            }
            rows.len()
        }
        "search" => {
            if args.is_empty() {
                return Err(Error::query(
                    ":search needs words to look for, e.g. :search tax \"city hall\" -flag",
                ));
            }
            table.set_header(["score", "statement", "who", "snippet"]);
            let query = crate::search::Query::parse(args);
            let hits = g.search_index().search(&query, SEARCH_ROWS);
            for h in &hits {
                let who = h
                    .relationship
                    .and_then(|r| g.relationship(r))
                    .map(|r| claims::node_key(g, r.start))
                    .unwrap_or_default();
                table.add_row(vec![
                    format!("{:.3}", h.score),
                    short(&claims::node_key(g, h.statement)),
                    who,
                    h.snippet.clone(),
                ]);
            }
            hits.len()
        }
        other => return Err(Error::query(format!("unknown command :{other}"))),
    };
    if rows == 0 {
        writeln!(out, "(no rows)")?;
    } else {
        writeln!(out, "{table}")?;
        writeln!(out, "{rows} {}", if rows == 1 { "row" } else { "rows" })?;
    }
    Ok(())
}

/// The statement a command's text names: the exact text, else the best
/// match of `claims.find`, announced.
fn statement(g: &Graph, command: &str, text: &str, out: &mut dyn Write) -> Result<NodeId> {
    if text.is_empty() {
        return Err(Error::query(format!(
            "{command} needs a statement's text (or a few of its words)"
        )));
    }
    let text = unquote(text);
    if let Some(id) = g.lookup_key(Kind::Statement, &model::normalise_text(text)) {
        return Ok(id);
    }
    match claims::find_first(g, text, Some(&[Kind::Statement]), 1).first() {
        Some(found) => {
            writeln!(out, "Statement: \"{}\"", found.matched)?;
            Ok(found.node)
        }
        None => Err(Error::query(format!("no statement matches \"{text}\""))),
    }
}

/// The entity a command's name names: `entity()` first, else the best match
/// of `claims.find` among entities, announced.
fn entity(g: &Graph, name: &str, out: &mut dyn Write) -> Result<NodeId> {
    if name.is_empty() {
        return Err(Error::query(
            ":timeline needs the name of an actor, organisation or place",
        ));
    }
    let name = unquote(name);
    if let Some(id) = claims::entity(g, name, None)? {
        return Ok(id);
    }
    match claims::find_first(g, name, Some(ENTITY_KINDS), 1).first() {
        Some(found) => {
            writeln!(out, "Entity: \"{}\"", claims::node_key(g, found.node))?;
            Ok(found.node)
        }
        None => Err(Error::query(format!(
            "no actor, organisation or place matches \"{name}\""
        ))),
    }
}

/// The text without one pair of surrounding quotes.
fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

fn date(v: &Option<Value>) -> String {
    v.as_ref().and_then(claims::date_key).unwrap_or_default()
}

fn article(g: &Graph, id: Option<NodeId>) -> String {
    id.map(|a| claims::node_key(g, a)).unwrap_or_default()
}

/// A long text cut to [`TEXT_WIDTH`] characters, with an ellipsis.
fn short(text: &str) -> String {
    if text.chars().count() <= TEXT_WIDTH {
        return text.to_string();
    }
    let cut: String = text.chars().take(TEXT_WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}

/// `:help claims`, and `:help` of one of this module's commands.
pub fn more_help(topic: &str) -> Option<String> {
    let intro = match topic {
        "claims" => "The claims procedures, with their arguments and YIELD columns:",
        "contested" => {
            ":contested [SINCE [UNTIL]] lists the statements with at least one claimant and one\n\
             denier (counting only stances dated within SINCE..UNTIL when given), with the\n\
             numbers of distinct claimants, deniers, assessors and articles. In a query:"
        }
        "stance" => {
            ":stance TEXT lists every claim, denial and assessment of a statement. TEXT is the\n\
             statement's text, or a few of its words (the best match is used). In a query:"
        }
        "timeline" => {
            ":timeline NAME lists an actor's or organisation's own stances, and the stances on\n\
             statements about the entity, by date. NAME may be an alias, in any case, or\n\
             misspelt a little. In a query:"
        }
        "first" => {
            ":first TEXT lists the claims of a statement in the order it spread: by the\n\
             relationship's date, then the article's. In a query:"
        }
        "search" => {
            ":search WORDS lists the statements whose text, or a quote on whose stances, holds\n\
             the words, best first (BM25): case, diacritics and English endings are ignored,\n\
             \"a phrase\" must appear as written, -word leaves out texts with the word. In a query:"
        }
        _ => return None,
    };
    let registry = crate::query::procedures::Registry::builtin_shared();
    let mut text = intro.to_string();
    for p in registry.iter() {
        let wanted = match topic {
            "claims" => p.name.starts_with("claims."),
            one => p.name == format!("claims.{one}"),
        };
        if wanted {
            text.push_str(&format!(
                "\n  CALL {}\n    {}",
                p.signature(),
                p.description
            ));
        }
    }
    if topic == "claims" {
        text.push_str(
            "\nFunctions: entity(name [, kind]) is the one actor, organisation or place a name\n\
             or alias names, ignoring case, or null.\n\
             Example: CALL claims.find('Hana Maliar') YIELD node, score, matched RETURN *",
        );
    }
    Some(text)
}
