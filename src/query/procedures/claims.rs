//! The `claims.*` procedures: thin wrappers that convert arguments and rows
//! around the functions of [`crate::claims`], where the logic lives.

use super::{ProcCtx, Procedure, Registry, Type};
use crate::claims::{self, Target};
use crate::error::{Error, Result};
use crate::model::NodeId;
use crate::query::values::Val;
use crate::value::Value;

/// Adds the `claims.*` procedures.
pub fn register(r: &mut Registry) {
    r.register(
        Procedure::new(
            "claims.find",
            "entities (and statements, unless a kind is given) by name, alias or text, \
             ignoring case, diacritics, punctuation and word order, tolerating small \
             misspellings; best first",
            find,
        )
        .arg("text", Type::String)
        .optional_arg("kind", Type::String, Val::Null)
        .output("node", Type::Node)
        .output("score", Type::Float)
        .output("matched", Type::String),
    );
    r.register(
        Procedure::new(
            "claims.stance",
            "every claim, denial and assessment of a statement, by date, then who",
            stance,
        )
        .arg("statement", Type::Any)
        .output("who", Type::Node)
        .output("stance", Type::String)
        .output("date", Type::Any)
        .output("article", Type::Node)
        .output("quote", Type::String)
        .output("verdict", Type::String)
        .output("relationship", Type::Relationship),
    );
    r.register(
        Procedure::new(
            "claims.contested",
            "statements both claimed and denied (by stances dated within [since, until] \
             when given), with distinct claimants, deniers, assessors and articles; \
             most contested first",
            contested,
        )
        .optional_arg("since", Type::Any, Val::Null)
        .optional_arg("until", Type::Any, Val::Null)
        .output("statement", Type::Node)
        .output("claimants", Type::Integer)
        .output("deniers", Type::Integer)
        .output("assessors", Type::Integer)
        .output("articles", Type::Integer)
        .output("first", Type::Any)
        .output("last", Type::Any),
    );
    r.register(
        Procedure::new(
            "claims.timeline",
            "an actor's or organisation's own stances, and the stances on statements \
             about an entity, by date",
            timeline,
        )
        .arg("entity", Type::Any)
        .output("date", Type::Any)
        .output("stance", Type::String)
        .output("who", Type::Node)
        .output("statement", Type::Node)
        .output("article", Type::Node)
        .output("relationship", Type::Relationship),
    );
    r.register(
        Procedure::new(
            "claims.first",
            "the claims of a statement in the order it spread: by relationship date, \
             then article date, then who",
            first,
        )
        .arg("statement", Type::Any)
        .output("rank", Type::Integer)
        .output("who", Type::Node)
        .output("date", Type::Any)
        .output("article", Type::Node)
        .output("relationship", Type::Relationship),
    );
    r.register(
        Procedure::new(
            "claims.search",
            "full-text search of statement texts and stance quotes: words (case, \
             diacritics and English endings ignored), \"phrases\", -excluded words; \
             BM25 score, best first",
            search,
        )
        .arg("text", Type::String)
        .optional_arg("limit", Type::Integer, Val::Int(10))
        .output("node", Type::Node)
        .output("relationship", Type::Relationship)
        .output("score", Type::Float)
        .output("snippet", Type::String),
    );
    r.register(
        Procedure::new(
            "claims.similar",
            "other statements by the Jaccard index of their folded words; best first",
            similar,
        )
        .arg("statement", Type::Any)
        .optional_arg("limit", Type::Integer, Val::Int(10))
        .output("node", Type::Node)
        .output("score", Type::Float),
    );
}

/// A statement or entity argument: a node or a string.
fn target<'a>(procedure: &str, what: &str, v: &'a Val) -> Result<Target<'a>> {
    match v {
        Val::Node(id) => Ok(Target::Node(*id)),
        Val::Str(s) => Ok(Target::Text(s)),
        other => Err(Error::query(format!(
            "{procedure} needs {what} (a node or a string), not {}",
            other.type_name()
        ))),
    }
}

fn node(id: Option<NodeId>) -> Val {
    id.map_or(Val::Null, Val::Node)
}

fn date(v: &Option<Value>) -> Val {
    v.as_ref().map_or(Val::Null, Val::from)
}

fn text(s: &Option<String>) -> Val {
    s.clone().map_or(Val::Null, Val::Str)
}

/// An optional bound of `claims.contested`, as a stored value.
fn bound(v: &Val) -> Result<Option<Value>> {
    match v {
        Val::Null => Ok(None),
        Val::Str(s) => Ok(Some(Value::from(s.as_str()))),
        other => Err(Error::query(format!(
            "claims.contested needs its dates as strings (YYYY-MM-DD), not {}",
            other.type_name()
        ))),
    }
}

fn find(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let Val::Str(text) = &args[0] else {
        return Ok(Vec::new());
    };
    let kind = match &args[1] {
        Val::Str(k) => Some(claims::parse_kind("claims.find", k)?),
        _ => None,
    };
    let kinds = kind.as_ref().map(std::slice::from_ref);
    Ok(claims::find(ctx.graph, text, kinds)
        .into_iter()
        .map(|f| {
            vec![
                Val::Node(f.node),
                Val::Float(f.score),
                Val::Str(f.matched.to_string()),
            ]
        })
        .collect())
}

fn stance(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let statement = target("claims.stance", "a statement", &args[0])?;
    Ok(claims::stance(ctx.graph, statement)?
        .into_iter()
        .map(|r| {
            vec![
                Val::Node(r.who),
                Val::Str(r.stance.word().into()),
                date(&r.date),
                node(r.article),
                text(&r.quote),
                text(&r.verdict),
                Val::Rel(r.relationship),
            ]
        })
        .collect())
}

fn contested(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let (since, until) = (bound(&args[0])?, bound(&args[1])?);
    ctx.cancel.check()?;
    Ok(
        claims::contested(ctx.graph, since.as_ref(), until.as_ref())?
            .into_iter()
            .map(|r| {
                vec![
                    Val::Node(r.statement),
                    Val::Int(r.claimants as i64),
                    Val::Int(r.deniers as i64),
                    Val::Int(r.assessors as i64),
                    Val::Int(r.articles as i64),
                    date(&r.first),
                    date(&r.last),
                ]
            })
            .collect(),
    )
}

fn timeline(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let entity = target("claims.timeline", "an entity", &args[0])?;
    Ok(claims::timeline(ctx.graph, entity)?
        .into_iter()
        .map(|r| {
            vec![
                date(&r.date),
                Val::Str(r.stance.word().into()),
                Val::Node(r.who),
                Val::Node(r.statement),
                node(r.article),
                Val::Rel(r.relationship),
            ]
        })
        .collect())
}

fn first(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let statement = target("claims.first", "a statement", &args[0])?;
    Ok(claims::first(ctx.graph, statement)?
        .into_iter()
        .map(|r| {
            vec![
                Val::Int(r.rank as i64),
                Val::Node(r.who),
                date(&r.date),
                node(r.article),
                Val::Rel(r.relationship),
            ]
        })
        .collect())
}

/// A `limit` argument: 0 or more, null for the default of 10.
fn limit(procedure: &str, v: &Val) -> Result<usize> {
    match v {
        Val::Int(n) if *n >= 0 => Ok(usize::try_from(*n).unwrap_or(usize::MAX)),
        Val::Null => Ok(10),
        _ => Err(Error::query(format!(
            "{procedure} needs a limit of 0 or more"
        ))),
    }
}

fn search(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let Val::Str(text) = &args[0] else {
        return Ok(Vec::new());
    };
    let limit = limit("claims.search", &args[1])?;
    ctx.cancel.check()?;
    let query = crate::search::Query::parse(text);
    Ok(ctx
        .graph
        .search_index()
        .search(&query, limit)
        .into_iter()
        .map(|h| {
            vec![
                Val::Node(h.statement),
                h.relationship.map_or(Val::Null, Val::Rel),
                Val::Float(h.score),
                Val::Str(h.snippet),
            ]
        })
        .collect())
}

fn similar(ctx: &ProcCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let statement = target("claims.similar", "a statement", &args[0])?;
    let limit = limit("claims.similar", &args[1])?;
    Ok(claims::similar(ctx.graph, statement, limit)?
        .into_iter()
        .map(|s| vec![Val::Node(s.node), Val::Float(s.score)])
        .collect())
}
