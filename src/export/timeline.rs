//! `claimgraph timeline NAME|TEXT --format svg`: the stance events of a
//! statement or an entity on a date axis, claims, denials and assessments in
//! the colours of the other pictures, each labelled with its date, who, the
//! stance and the article.
//!
//! NAME or TEXT is resolved as `claims.find` resolves names: a statement's
//! exact text, else an entity's name or alias (`entity()`), else the best
//! match of `claims.find`. A statement gives its stances (`claims.stance`),
//! an entity its timeline (`claims.timeline`).

use std::io::Write;

use super::style::EDGE_STYLES;
use crate::claims::{self, date_key, node_key, Stance, Target};
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::model::{self, Kind, NodeId};

/// One event of the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// `YYYY-MM-DD...`, or none.
    pub date: Option<String>,
    pub stance: Stance,
    pub who: String,
    pub statement: String,
    pub article: Option<String>,
}

/// The title and events for NAME or TEXT (see the module docs).
pub fn events(graph: &Graph, what: &str) -> Result<(String, Vec<Event>)> {
    let node = resolve(graph, what)?;
    let title = node_key(graph, node);
    let article = |a: Option<NodeId>| a.map(|a| node_key(graph, a));
    let date = |v: &Option<crate::value::Value>| v.as_ref().and_then(date_key);
    let events = if graph.node(node).and_then(Kind::of) == Some(Kind::Statement) {
        claims::stance(graph, Target::Node(node))?
            .into_iter()
            .map(|r| Event {
                date: date(&r.date),
                stance: r.stance,
                who: node_key(graph, r.who),
                statement: title.clone(),
                article: article(r.article),
            })
            .collect()
    } else {
        claims::timeline(graph, Target::Node(node))?
            .into_iter()
            .map(|r| Event {
                date: date(&r.date),
                stance: r.stance,
                who: node_key(graph, r.who),
                statement: node_key(graph, r.statement),
                article: article(r.article),
            })
            .collect()
    };
    Ok((title, events))
}

fn resolve(graph: &Graph, what: &str) -> Result<NodeId> {
    let what = what.trim();
    if let Some(id) = graph.lookup_key(Kind::Statement, &model::normalise_text(what)) {
        return Ok(id);
    }
    if let Some(id) = claims::entity(graph, what, None)? {
        return Ok(id);
    }
    let kinds = [
        Kind::Actor,
        Kind::Organisation,
        Kind::Place,
        Kind::Statement,
    ];
    claims::find(graph, what, Some(&kinds))
        .first()
        .map(|f| f.node)
        .ok_or_else(|| {
            Error::query(format!(
                "timeline: no statement, actor, organisation or place matches {what:?}"
            ))
        })
}

/// Days since 1970-01-01 of a `YYYY-MM-DD...` text.
fn days(date: &str) -> Option<i64> {
    let d = jiff::civil::Date::strptime("%Y-%m-%d", date.get(..10)?).ok()?;
    Some(i64::from(
        d.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days(),
    ))
}

fn colour(stance: Stance) -> &'static str {
    EDGE_STYLES[stance as usize].color
}

fn esc(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

const WIDTH: i64 = 1200;
const LEFT: i64 = 40;
const AXIS_RIGHT: i64 = 400;
/// Where the labels start, right of the axis and of undated events.
const LABEL_X: i64 = AXIS_RIGHT + 45;
const ROW: i64 = 24;
const TOP: i64 = 70;

/// Writes the picture of `events` as SVG.
pub fn write_svg(title: &str, events: &[Event], out: &mut dyn Write) -> Result<()> {
    let dated: Vec<i64> = events
        .iter()
        .filter_map(|e| e.date.as_deref().and_then(days))
        .collect();
    let (lo, hi) = (
        dated.iter().min().copied().unwrap_or(0),
        dated.iter().max().copied().unwrap_or(0),
    );
    let span = (hi - lo).max(1);
    let x_of = |e: &Event| match e.date.as_deref().and_then(days) {
        Some(d) if hi > lo => LEFT + (d - lo) * (AXIS_RIGHT - LEFT) / span,
        Some(_) => (LEFT + AXIS_RIGHT) / 2,
        None => AXIS_RIGHT + 20,
    };
    let axis_y = TOP + ROW * events.len() as i64 + 10;
    let height = axis_y + 80;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    )?;
    writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="{LEFT}" y="28" font-size="16" font-weight="bold">{}</text>"##,
        esc(&cut(title, 110))
    )?;
    // The legend: the three stances.
    for (i, s) in [Stance::Claims, Stance::Denies, Stance::Assesses]
        .into_iter()
        .enumerate()
    {
        let x = LEFT + i as i64 * 110;
        writeln!(
            out,
            r#"<circle cx="{}" cy="48" r="5" fill="{}"/><text x="{}" y="52">{}</text>"#,
            x + 5,
            colour(s),
            x + 15,
            s.word()
        )?;
    }
    if events.is_empty() {
        writeln!(out, r#"<text x="{LEFT}" y="{TOP}">(no stances)</text>"#)?;
    }
    for (i, e) in events.iter().enumerate() {
        let (x, y) = (x_of(e), TOP + ROW * i as i64);
        let c = colour(e.stance);
        let label = format!(
            "{}  {} {}: {}{}",
            e.date
                .as_deref()
                .map_or("no date", |d| d.get(..10).unwrap_or(d)),
            e.who,
            e.stance.word(),
            cut(&e.statement, 60),
            e.article
                .as_deref()
                .map_or(String::new(), |a| format!("  [{a}]"))
        );
        writeln!(
            out,
            r#"<g class="event {}"><line x1="{x}" y1="{y}" x2="{x}" y2="{axis_y}" stroke="{c}" stroke-opacity="0.35"/><line x1="{x}" y1="{y}" x2="{LABEL_X}" y2="{y}" stroke="{c}" stroke-opacity="0.35" stroke-dasharray="2,3"/><circle cx="{x}" cy="{y}" r="6" fill="{c}"/><text x="{}" y="{}" fill="{c}">{}</text></g>"#,
            e.stance.word(),
            LABEL_X + 5,
            y + 4,
            esc(&label)
        )?;
    }
    writeln!(
        out,
        r##"<line x1="{LEFT}" y1="{axis_y}" x2="{AXIS_RIGHT}" y2="{axis_y}" stroke="#444444" stroke-width="1.5"/>"##
    )?;
    let first = events
        .iter()
        .find_map(|e| e.date.as_deref().filter(|d| days(d) == Some(lo)));
    let last = events
        .iter()
        .find_map(|e| e.date.as_deref().filter(|d| days(d) == Some(hi)));
    for (x, d, anchor) in [(LEFT, first, "start"), (AXIS_RIGHT, last, "end")] {
        if let Some(d) = d {
            writeln!(
                out,
                r#"<text x="{x}" y="{}" text-anchor="{anchor}">{}</text>"#,
                axis_y + 18,
                esc(d.get(..10).unwrap_or(d))
            )?;
        }
    }
    writeln!(out, "</svg>")?;
    Ok(())
}

/// `claimgraph timeline WHAT --format F [--output PATH]`: the picture of
/// what `what` names, written to `output` (whole or not at all) or to `out`.
pub fn command(
    graph: &Graph,
    what: &str,
    format: &str,
    output: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<()> {
    if !format.eq_ignore_ascii_case("svg") {
        return Err(Error::query(format!(
            "timeline draws svg only, not {format:?}: --format svg"
        )));
    }
    let (title, events) = events(graph, what)?;
    let draw = |w: &mut dyn Write| write_svg(&title, &events, w);
    match output {
        Some(path) => super::write_file_atomically(path, draw),
        None => draw(out),
    }
}
