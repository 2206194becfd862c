//! The `.triples` parser: pest grammar in `grammar/triples.pest`, one item at a
//! time, so that a syntax error is reported and parsing goes on at the next item.
//!
//! Each line is first offered to the hand-written parser of [`super::fast`],
//! which takes the common one-line items and gives up on anything else; pest
//! parses what it gives up on (a short block of lines from there), and every
//! diagnostic comes from pest. The grammar stays the contract: the tests of
//! `fast` check that both paths make the same items and errors.
//!
//! pest stays inside this module: what leaves it are [`Item`]s with byte offsets.

use std::borrow::Cow;
use std::collections::HashSet;

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser;

use super::escape::unescape;
use super::fast;
use super::item::{
    Endpoint, EndpointKind, Item, ItemKind, Items, Progress, Prop, Props, Report, Triple,
};
use super::suggest;
use crate::model::Kind;
use crate::value::Value;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/triples.pest"]
struct TriplesParser;

type Pair<'a> = pest::iterators::Pair<'a, Rule>;

/// Parses a whole file into items, reporting every syntax error. Parsing is the
/// first half of the progress reported.
#[cfg(test)]
pub(crate) fn parse<'a>(
    source: &'a str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> Items<'a> {
    // A byte-order mark at the start is not content.
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    parse_range(source, start, source.len(), report, progress)
}

/// Parses the items in `source[start..end]`, which must start at an item (or
/// blank space) and end at a line end or the end of the file. Offsets in the
/// items and errors are offsets in the whole `source`.
pub(crate) fn parse_range<'a>(
    source: &'a str,
    start: usize,
    end: usize,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> Items<'a> {
    parse_range_with(source, start, end, report, progress, Paths::HandWritten)
}

/// Which parsers [`parse_range_with`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Paths {
    /// The hand-written parser of [`super::fast`] for the lines it is sure of,
    /// and pest for the rest.
    HandWritten,
    /// pest alone (the reference that the hand-written parser must agree with).
    #[cfg_attr(not(test), allow(dead_code))]
    PestOnly,
}

pub(super) fn parse_range_with<'a>(
    source: &'a str,
    start: usize,
    end: usize,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
    paths: Paths,
) -> Items<'a> {
    let mut items = Items::new();
    let mut pos = start;
    // After the hand-written parser gives up on a line, pest parses a short
    // block from there, so that a file of items it does not cover (maps that
    // span lines, say) still goes through pest's block rule in a few calls.
    let block_lines = match paths {
        Paths::HandWritten => FALLBACK_BLOCK_LINES,
        Paths::PestOnly => BLOCK_LINES,
    };
    while pos < end {
        if !progress.tick(pos as u64 / 2) {
            break;
        }
        if paths == Paths::HandWritten {
            if let Some(line) = fast::line(source, pos, end) {
                if line.next > pos {
                    if let Some(item) = line.item {
                        items.push(item);
                    }
                    pos = line.next;
                    continue;
                }
            }
        }
        let rest = &source[pos..end];
        // pest's fast path: a block of lines, up to the first that does not parse.
        let consumed = match TriplesParser::parse(Rule::block, block_slice(rest, block_lines)) {
            Ok(mut pairs) => match pairs.next() {
                Some(block) => {
                    let end = block.as_span().end();
                    for pair in block.into_inner() {
                        if pair.as_rule() != Rule::line_end {
                            if let Some(item) = convert_item(pair, pos, report) {
                                items.push(item);
                            }
                        }
                    }
                    end
                }
                None => 0,
            },
            Err(_) => 0,
        };
        if consumed > 0 {
            pos += consumed;
            continue;
        }
        // The block stopped at this line: parse it alone, for the error, or
        // because it is the last line and has no line break, or because it
        // spans the end of the block's slice.
        match TriplesParser::parse(Rule::line, rest) {
            Ok(mut pairs) => {
                let Some(line) = pairs.next() else { break };
                let len = line.as_span().end();
                for pair in line.into_inner() {
                    if pair.as_rule() != Rule::line_end {
                        if let Some(item) = convert_item(pair, pos, report) {
                            items.push(item);
                        }
                    }
                }
                // Only an empty rest parses to nothing, and the loop stops before that.
                if len == 0 {
                    break;
                }
                pos += len;
            }
            Err(e) => {
                let at = pos
                    + match e.location {
                        InputLocation::Pos(p) => p,
                        InputLocation::Span((p, _)) => p,
                    };
                let first = end - rest.trim_start_matches([' ', '\t']).len();
                let (at, message) = match suggest::diagnose_kind(source, first, at)
                    .or_else(|| diagnose_string(source, at))
                {
                    Some(found) => found,
                    // Nothing of an item matched: say what an item looks like.
                    None if at == first => (at, EXPECTED_ITEM.to_string()),
                    None => match diagnose_unclosed(source, pos, at) {
                        Some(found) => found,
                        None => (at, expected_message(&e.variant)),
                    },
                };
                report.error(at, message);
                pos = recover(source, pos, at).min(end);
            }
        }
    }
    items
}

/// The lines pest's block rule parses in one go when it parses alone.
const BLOCK_LINES: usize = 256;

/// The lines pest's block rule parses in one go after the hand-written parser
/// gave up on the first of them.
const FALLBACK_BLOCK_LINES: usize = 16;

/// The start of `rest` up to and including its `lines`th line break (or all of
/// it): a bounded piece for one `block` parse. An item cut at its end fails
/// there, and is then parsed alone on the whole text.
fn block_slice(rest: &str, lines: usize) -> &str {
    let cut = rest
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .nth(lines.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i + 1);
    &rest[..cut]
}

/// What a line that starts with nothing recognisable should have held.
const EXPECTED_ITEM: &str = "expected an item: article \"ID\", a declaration such as actor \"NAME\" or statement LABEL \"TEXT\", a triple SUBJECT predicate OBJECT, or a # comment";

/// Turns pest's list of expected rules into words.
fn expected_message(variant: &ErrorVariant<Rule>) -> String {
    let ErrorVariant::ParsingError { positives, .. } = variant else {
        return "this line does not parse".to_string();
    };
    let mut words: Vec<&str> = Vec::new();
    for rule in positives {
        let w = describe(*rule);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    // The end of the line reads best as the last choice.
    let end = describe(Rule::line_end);
    if let Some(i) = words.iter().position(|w| *w == end) {
        let w = words.remove(i);
        words.push(w);
    }
    match words.as_slice() {
        [] => "unexpected text here".to_string(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    }
}

/// A rule, in words that a user who has not read the grammar understands.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::line | Rule::line_end | Rule::block => "the end of the line",
        Rule::article | Rule::kw_article => "`article`",
        Rule::statement_decl | Rule::kw_statement | Rule::inline_statement => "`statement`",
        Rule::entity_decl | Rule::kind | Rule::inline_entity => {
            "an entity kind (actor, organisation, place)"
        }
        Rule::triple | Rule::endpoint => {
            "a quoted name, a statement label or an inline declaration"
        }
        Rule::name | Rule::string => "a quoted string",
        Rule::label => "a statement label (a word such as s1)",
        Rule::predicate => "a predicate (a lowercase word such as claims or member_of)",
        Rule::map | Rule::open_brace => "a property map {key: value, ...}",
        Rule::close_brace => "}",
        Rule::open_bracket => "[",
        Rule::close_bracket => "]",
        Rule::comma => ",",
        Rule::colon => ":",
        Rule::pair | Rule::key => "a property name",
        Rule::list => "a list [...]",
        Rule::float | Rule::integer => "a number",
        Rule::kw_true | Rule::kw_false | Rule::kw_null => "true, false or null",
        Rule::escape => "an escape (\\\" \\' \\\\ \\n \\t or \\uXXXX)",
        Rule::EOI => "the end of the line",
        _ => "something else",
    }
}

/// When a syntax error sits on an opening quote, the string itself is usually
/// the problem: unclosed before the end of the line, or holding a bad escape.
/// Returns the better position and message.
fn diagnose_string(source: &str, at: usize) -> Option<(usize, String)> {
    let rest = source.get(at..)?;
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                let ok = match e {
                    '"' | '\'' | '\\' | 'n' | 't' => true,
                    'u' => (0..4).all(|_| chars.next().is_some_and(|(_, h)| h.is_ascii_hexdigit())),
                    _ => false,
                };
                if !ok {
                    return Some((
                        at + i,
                        "unknown escape in a string: use \\\" \\' \\\\ \\n \\t or \\uXXXX".into(),
                    ));
                }
            }
            '\n' | '\r' => break,
            c if c == quote => return None,
            _ => {}
        }
    }
    Some((
        at,
        "this string is not closed before the end of the line (a string cannot span lines)".into(),
    ))
}

/// When the file ends inside a map or a list of the item that starts at `start`,
/// and the syntax error at `at` lies on the file's last line and at or after the
/// bracket that opened it, the missing bracket is the problem (pest would point
/// at the last value and ask for one).
/// Returns the innermost unclosed bracket's position and a message about it.
fn diagnose_unclosed(source: &str, start: usize, at: usize) -> Option<(usize, String)> {
    // Only an error on the last line that holds anything is the end of the file;
    // and when that line is an item of its own, the bracket was forgotten, and
    // the message at the error says what was expected instead.
    if source.get(at..)?.trim_end().contains('\n') {
        return None;
    }
    let line_start = source.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    if line_start > start && starts_an_item(&source[line_start..]) {
        return None;
    }
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut balanced = false;
    scan_brackets(source, start, |mark| match mark {
        // An item without open brackets ends at its line break.
        Mark::LineBreak(_) => !open.is_empty(),
        Mark::Open(i, b) => {
            open.push((i, b));
            true
        }
        Mark::Close => {
            open.pop();
            // The item's brackets are balanced; the error is something else.
            balanced = open.is_empty();
            !balanced
        }
    });
    if balanced {
        return None;
    }
    let &(opened, bracket) = open.last()?;
    if opened > at {
        return None;
    }
    let message = if bracket == b'{' {
        "this property map is never closed: the file ends before its `}`"
    } else {
        "this list is never closed: the file ends before its `]`"
    };
    Some((opened, message.to_string()))
}

/// Where to go on after a syntax error at `at` in the item that starts at `start`:
/// the next line after the error, unless the item has an open map or list there;
/// then the first later line where it is closed, or that parses as an item by itself.
fn recover(source: &str, start: usize, at: usize) -> usize {
    let mut depth: i64 = 0;
    let mut resume = source.len();
    scan_brackets(source, start, |mark| match mark {
        Mark::LineBreak(i) => {
            let next = i + 1;
            let done =
                i >= at && (depth <= 0 || next >= source.len() || starts_an_item(&source[next..]));
            if done {
                resume = next;
            }
            !done
        }
        Mark::Open(..) => {
            depth += 1;
            true
        }
        Mark::Close => {
            depth -= 1;
            true
        }
    });
    resume
}

/// What [`scan_brackets`] meets outside strings and comments.
enum Mark {
    /// A line break, at this offset (it also ends any string).
    LineBreak(usize),
    /// `{` or `[`, at this offset.
    Open(usize, u8),
    /// `}` or `]`.
    Close,
}

/// Walks `source` from `start`, skipping strings and `#` comments, and tells
/// `on` of every line break and bracket until it returns `false`.
fn scan_brackets(source: &str, start: usize, mut on: impl FnMut(Mark) -> bool) {
    let bytes = source.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let mark = match (quote, b) {
            (_, b'\n') => {
                quote = None;
                Some(Mark::LineBreak(i))
            }
            (Some(_), b'\\') => {
                i += 1;
                None
            }
            (Some(q), b) if b == q => {
                quote = None;
                None
            }
            (Some(_), _) => None,
            (None, b'"' | b'\'') => {
                quote = Some(b);
                None
            }
            (None, b'{' | b'[') => Some(Mark::Open(i, b)),
            (None, b'}' | b']') => Some(Mark::Close),
            (None, b'#') => {
                // A comment runs to the end of the line.
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
                None
            }
            (None, _) => None,
        };
        if let Some(mark) = mark {
            if !on(mark) {
                return;
            }
        }
        i += 1;
    }
}

/// Whether the text at the start of this line is a whole item line on its own.
fn starts_an_item(rest: &str) -> bool {
    match TriplesParser::parse(Rule::line, rest) {
        Ok(mut pairs) => pairs
            .next()
            .is_some_and(|line| line.into_inner().any(|p| p.as_rule() != Rule::line_end)),
        Err(_) => false,
    }
}

fn convert_item<'a>(pair: Pair<'a>, base: usize, report: &mut Report<'_>) -> Option<Item<'a>> {
    let at = base + pair.as_span().start();
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let kind = match rule {
        Rule::article => {
            inner.next(); // the keyword
            let id = string(inner.next()?, base, report)?;
            let props = props(inner.next(), base, report)?;
            ItemKind::Article { id, props }
        }
        Rule::statement_decl => {
            inner.next(); // the keyword
            let label = Cow::Borrowed(inner.next()?.as_str());
            let text = string(inner.next()?, base, report)?;
            let props = props(inner.next(), base, report)?;
            ItemKind::Statement {
                label: Some(label),
                text,
                props,
            }
        }
        Rule::entity_decl => {
            let kind = kind(inner.next()?)?;
            let name = string(inner.next()?, base, report)?;
            let props = props(inner.next(), base, report)?;
            ItemKind::Entity { kind, name, props }
        }
        Rule::triple => {
            let subject = endpoint(inner.next()?, base, report);
            let predicate = inner.next()?;
            let predicate_at = base + predicate.as_span().start();
            let object = endpoint(inner.next()?, base, report);
            let props = props(inner.next(), base, report)?;
            ItemKind::Triple(Triple {
                subject: subject?,
                predicate: Cow::Borrowed(predicate.as_str()),
                predicate_at,
                object: object?,
                props,
            })
        }
        _ => return None,
    };
    Some(Item { at, kind })
}

fn kind(pair: Pair<'_>) -> Option<Kind> {
    // The grammar only lets entity kinds through this rule.
    Kind::from_keyword(pair.as_str())
}

fn endpoint<'a>(pair: Pair<'a>, base: usize, report: &mut Report<'_>) -> Option<Endpoint<'a>> {
    let at = base + pair.as_span().start();
    let inner = pair.into_inner().next()?;
    let kind = match inner.as_rule() {
        Rule::inline_entity => {
            let mut parts = inner.into_inner();
            let kind = kind(parts.next()?)?;
            EndpointKind::Entity(kind, string(parts.next()?, base, report)?)
        }
        Rule::inline_statement => {
            let mut parts = inner.into_inner();
            parts.next(); // the keyword
            EndpointKind::Statement(string(parts.next()?, base, report)?)
        }
        Rule::name => EndpointKind::Name(string(inner.into_inner().next()?, base, report)?),
        Rule::label => EndpointKind::Label(Cow::Borrowed(inner.as_str())),
        _ => return None,
    };
    Some(Endpoint { at, kind })
}

/// The property map of an item, when there is one.
fn props<'a>(pair: Option<Pair<'a>>, base: usize, report: &mut Report<'_>) -> Option<Props<'a>> {
    let Some(pair) = pair else {
        return Some(Vec::new());
    };
    let mut props: Props<'a> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut ok = true;
    for entry in pair.into_inner().filter(|p| p.as_rule() == Rule::pair) {
        let at = base + entry.as_span().start();
        let mut parts = entry.into_inner().filter(|p| p.as_rule() != Rule::colon);
        let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        let raw = key.as_str();
        let key: Cow<'a, str> = match raw.strip_prefix('`').and_then(|k| k.strip_suffix('`')) {
            Some(k) if k.contains("``") => Cow::Owned(k.replace("``", "`")),
            Some(k) => Cow::Borrowed(k),
            None => Cow::Borrowed(raw),
        };
        if !seen.insert(raw) {
            report.error(at, format!("the property {key} is given twice"));
            ok = false;
            continue;
        }
        match value_of(value, base, report) {
            Some(value) => props.push(Prop { key, value, at }),
            None => ok = false,
        }
    }
    ok.then_some(props)
}

fn value_of(pair: Pair<'_>, base: usize, report: &mut Report<'_>) -> Option<Value> {
    let at = base + pair.as_span().start();
    let text = pair.as_str();
    match pair.as_rule() {
        Rule::string => Some(Value::String(string(pair, base, report)?.into_owned())),
        Rule::integer => match text.parse::<i64>() {
            Ok(i) => Some(Value::Int(i)),
            Err(_) => {
                report.error(
                    at,
                    format!("the integer {text} is too large (integers are 64-bit)"),
                );
                None
            }
        },
        Rule::float => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Some(Value::Float(f)),
            _ => {
                report.error(at, format!("the number {text} is too large"));
                None
            }
        },
        Rule::kw_true => Some(Value::Bool(true)),
        Rule::kw_false => Some(Value::Bool(false)),
        Rule::kw_null => Some(Value::Null),
        Rule::list => {
            let mut items = Vec::new();
            let mut ok = true;
            let elements = pair.into_inner().filter(|p| {
                !matches!(
                    p.as_rule(),
                    Rule::open_bracket | Rule::close_bracket | Rule::comma
                )
            });
            for element in elements {
                match value_of(element, base, report) {
                    Some(v) => items.push(v),
                    None => ok = false,
                }
            }
            ok.then_some(Value::List(items))
        }
        _ => None,
    }
}

/// The text of a string literal, with its escapes resolved. Borrows when there
/// are none.
fn string<'a>(pair: Pair<'a>, base: usize, report: &mut Report<'_>) -> Option<Cow<'a, str>> {
    let raw = pair.as_str();
    let start = base + pair.as_span().start();
    // The grammar guarantees an opening and a closing quote of one byte each.
    let body = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    if !body.contains('\\') {
        return Some(Cow::Borrowed(body));
    }
    match unescape(body) {
        Ok(s) => Some(Cow::Owned(s)),
        Err((offset, message)) => {
            report.error(start + 1 + offset, message);
            None
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod messages;
