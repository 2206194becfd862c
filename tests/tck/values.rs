//! The values written in TCK tables, and how they are compared with query results.
//!
//! A cell holds `null`, `true`, `false`, an integer, a float (`1.5`, `NaN`, `Inf`,
//! `-Inf`), a string in single quotes, a list `[...]`, a map `{k: v}`, a node
//! `(:A:B {k: v})`, a relationship `[:T {k: v}]` or a path `<(:A)-[:T]->(:B)>`.
//! Comparison follows openCypher's notion of equal results, not its `=` operator:
//! `null` matches `null`, `NaN` matches `NaN`, integers never match floats, nodes match by
//! their label set and properties, relationships by type and properties, paths element
//! by element with each relationship's direction.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use claimgraph::value::Properties;
use claimgraph::{Node, Relationship, ResultValue, Value};

/// How deeply values may nest in a table cell; deeper input is refused, not recursed into.
const MAX_DEPTH: usize = 64;

/// Relative tolerance for floats. The TCK writes floats with few digits and computes them
/// with plain double arithmetic, so anything beyond rounding noise is a real difference.
const FLOAT_RELATIVE: f64 = 1e-9;

/// A node as a TCK table writes it: labels and properties, no identity.
#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    pub labels: BTreeSet<String>,
    pub properties: BTreeMap<String, Expected>,
}

/// A relationship as a TCK table writes it: its type and properties.
#[derive(Clone, Debug, PartialEq)]
pub struct RelPattern {
    pub rel_type: String,
    pub properties: BTreeMap<String, Expected>,
}

/// One step of an expected path: the relationship, whether it points forward (from the
/// node before it to the node after it), and the node after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub rel: RelPattern,
    pub forward: bool,
    pub node: NodePattern,
}

/// An expected value from a table cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Expected>),
    Map(BTreeMap<String, Expected>),
    Node(NodePattern),
    Relationship(RelPattern),
    Path { start: NodePattern, hops: Vec<Hop> },
}

/// Parses one table cell.
pub fn parse_value(text: &str) -> Result<Expected, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text after the value"));
    }
    Ok(value)
}

impl Expected {
    /// The property value this expected value stands for, for `parameters are:`.
    /// Nodes, relationships and paths cannot be parameters.
    pub fn to_param(&self) -> Result<Value, String> {
        Ok(match self {
            Expected::Null => Value::Null,
            Expected::Bool(b) => Value::Bool(*b),
            Expected::Int(i) => Value::Int(*i),
            Expected::Float(f) => Value::Float(*f),
            Expected::String(s) => Value::String(s.clone()),
            Expected::List(items) => Value::List(
                items
                    .iter()
                    .map(Expected::to_param)
                    .collect::<Result<_, _>>()?,
            ),
            Expected::Map(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_param()?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => return Err(format!("`{other}` cannot be a parameter")),
        })
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, message: &str) -> String {
        let text: String = self.chars.iter().collect();
        format!("{message} at character {} of `{text}`", self.pos + 1)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `c` if it is next.
    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    /// Whether the text at the cursor (after whitespace) starts with `s`.
    fn looking_at(&mut self, s: &str) -> bool {
        self.skip_ws();
        let n = s.chars().count();
        self.chars.len() >= self.pos + n
            && self.chars[self.pos..self.pos + n]
                .iter()
                .copied()
                .eq(s.chars())
    }

    fn value(&mut self, depth: usize) -> Result<Expected, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("values nest too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            None => Err(self.error("expected a value")),
            Some('\'') => Ok(Expected::String(self.string()?)),
            Some('(') => Ok(Expected::Node(self.node(depth)?)),
            Some('<') => self.path(depth),
            Some('{') => Ok(Expected::Map(self.map(depth)?)),
            Some('[') => {
                // `[:T ...]` is a relationship; anything else in brackets is a list.
                let save = self.pos;
                self.pos += 1;
                let is_rel = self.looking_at(":");
                self.pos = save;
                if is_rel {
                    Ok(Expected::Relationship(self.relationship(depth)?))
                } else {
                    self.list(depth)
                }
            }
            Some(_) => self.scalar(),
        }
    }

    /// Reads a bare word: a keyword or a number, with a sign at its start or after an
    /// exponent marker.
    fn word(&mut self) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let sign_allowed = matches!(c, '+' | '-')
                && (self.pos == start || matches!(self.chars[self.pos - 1], 'e' | 'E'));
            if c.is_alphanumeric() || c == '_' || c == '.' || sign_allowed {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn scalar(&mut self) -> Result<Expected, String> {
        let start = self.pos;
        let word = self.word();
        let value = match word.as_str() {
            "null" => Expected::Null,
            "true" => Expected::Bool(true),
            "false" => Expected::Bool(false),
            "NaN" => Expected::Float(f64::NAN),
            "Inf" | "Infinity" | "+Inf" | "+Infinity" => Expected::Float(f64::INFINITY),
            "-Inf" | "-Infinity" => Expected::Float(f64::NEG_INFINITY),
            w => {
                let digits = w.strip_prefix(['-', '+']).unwrap_or(w);
                let numeric = !digits.is_empty()
                    && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                    && digits
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
                if !numeric {
                    self.pos = start;
                    return Err(self.error("expected a value"));
                }
                if digits.chars().all(|c| c.is_ascii_digit()) {
                    match w.parse::<i64>() {
                        Ok(i) => Expected::Int(i),
                        Err(_) => {
                            self.pos = start;
                            return Err(self.error("integer out of range"));
                        }
                    }
                } else {
                    match w.parse::<f64>() {
                        Ok(f) => Expected::Float(f),
                        Err(_) => {
                            self.pos = start;
                            return Err(self.error("malformed number"));
                        }
                    }
                }
            }
        };
        Ok(value)
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect('\'')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("a string that is never closed"));
            };
            self.pos += 1;
            match c {
                '\'' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("a string that is never closed"));
                    };
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'u' => {
                            let hex: String = self.chars.iter().skip(self.pos).take(4).collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == 4)
                                .and_then(char::from_u32)
                                .ok_or_else(|| self.error("a bad \\u escape"))?;
                            self.pos += 4;
                            out.push(code);
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
    }

    /// A map key or a label or type name: an identifier or a backquoted name.
    fn name(&mut self) -> Result<String, String> {
        self.skip_ws();
        if self.peek() == Some('`') {
            self.pos += 1;
            let mut out = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.error("a name that is never closed")),
                    Some('`') if self.chars.get(self.pos + 1) == Some(&'`') => {
                        out.push('`');
                        self.pos += 2;
                    }
                    Some('`') => {
                        self.pos += 1;
                        return Ok(out);
                    }
                    Some(c) => {
                        out.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("expected a name"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn list(&mut self, depth: usize) -> Result<Expected, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        if self.eat(']') {
            return Ok(Expected::List(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(']') {
                return Ok(Expected::List(items));
            }
            self.expect(',')?;
        }
    }

    fn map(&mut self, depth: usize) -> Result<BTreeMap<String, Expected>, String> {
        self.expect('{')?;
        let mut map = BTreeMap::new();
        if self.eat('}') {
            return Ok(map);
        }
        loop {
            let key = self.name()?;
            self.expect(':')?;
            let value = self.value(depth + 1)?;
            if map.insert(key.clone(), value).is_some() {
                return Err(self.error(&format!("the key `{key}` twice")));
            }
            if self.eat('}') {
                return Ok(map);
            }
            self.expect(',')?;
        }
    }

    fn node(&mut self, depth: usize) -> Result<NodePattern, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        let properties = if self.looking_at("{") {
            self.map(depth)?
        } else {
            BTreeMap::new()
        };
        self.expect(')')?;
        Ok(NodePattern { labels, properties })
    }

    fn relationship(&mut self, depth: usize) -> Result<RelPattern, String> {
        self.expect('[')?;
        self.expect(':')?;
        let rel_type = self.name()?;
        let properties = if self.looking_at("{") {
            self.map(depth)?
        } else {
            BTreeMap::new()
        };
        self.expect(']')?;
        Ok(RelPattern {
            rel_type,
            properties,
        })
    }

    fn path(&mut self, depth: usize) -> Result<Expected, String> {
        self.expect('<')?;
        let start = self.node(depth)?;
        let mut hops = Vec::new();
        while !self.eat('>') {
            let backward = self.eat('<');
            self.expect('-')?;
            let rel = self.relationship(depth)?;
            self.expect('-')?;
            let forward = self.eat('>');
            if forward == backward {
                return Err(self.error("a path relationship needs exactly one direction"));
            }
            let node = self.node(depth)?;
            hops.push(Hop { rel, forward, node });
        }
        Ok(Expected::Path { start, hops })
    }
}

/// Options for comparing values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Compare {
    /// Compare lists as multisets (the "ignoring element order for lists" steps).
    pub lists_unordered: bool,
}

fn floats_match(e: f64, a: f64) -> bool {
    if e.is_nan() || a.is_nan() {
        return e.is_nan() && a.is_nan();
    }
    if e.is_infinite() || a.is_infinite() {
        return e == a;
    }
    let scale = e.abs().max(a.abs()).max(1.0);
    (e - a).abs() <= FLOAT_RELATIVE * scale
}

fn property_to_result(v: &Value) -> ResultValue {
    match v {
        Value::Null => ResultValue::Null,
        Value::Bool(b) => ResultValue::Bool(*b),
        Value::Int(i) => ResultValue::Int(*i),
        Value::Float(f) => ResultValue::Float(*f),
        Value::String(s) => ResultValue::String(s.clone()),
        Value::Temporal(t) => ResultValue::Temporal(t.clone()),
        Value::List(items) => ResultValue::List(items.iter().map(property_to_result).collect()),
        Value::Map(map) => ResultValue::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), property_to_result(v)))
                .collect(),
        ),
    }
}

fn properties_match(
    expected: &BTreeMap<String, Expected>,
    actual: &Properties,
    how: Compare,
) -> bool {
    // A stored property is never null, so an expected null property matches a missing one.
    let actual_keys: BTreeSet<&String> = actual.keys().collect();
    let expected_keys: BTreeSet<&String> = expected
        .iter()
        .filter(|(_, v)| **v != Expected::Null)
        .map(|(k, _)| k)
        .collect();
    actual_keys == expected_keys
        && expected_keys
            .iter()
            .all(|k| matches(&expected[*k], &property_to_result(&actual[*k]), how))
}

fn node_matches(e: &NodePattern, a: &Node, how: Compare) -> bool {
    let labels: BTreeSet<&str> = a.labels.iter().map(String::as_str).collect();
    labels.len() == a.labels.len()
        && labels == e.labels.iter().map(String::as_str).collect()
        && properties_match(&e.properties, &a.properties, how)
}

fn rel_matches(e: &RelPattern, a: &Relationship, how: Compare) -> bool {
    e.rel_type == a.rel_type && properties_match(&e.properties, &a.properties, how)
}

/// Whether the result value `actual` is the expected value.
pub fn matches(expected: &Expected, actual: &ResultValue, how: Compare) -> bool {
    match (expected, actual) {
        (Expected::Null, ResultValue::Null) => true,
        (Expected::Bool(e), ResultValue::Bool(a)) => e == a,
        (Expected::Int(e), ResultValue::Int(a)) => e == a,
        (Expected::Float(e), ResultValue::Float(a)) => floats_match(*e, *a),
        (Expected::String(e), ResultValue::String(a)) => e == a,
        // The TCK writes an expected temporal value as its ISO 8601 text.
        (Expected::String(e), ResultValue::Temporal(a)) => *e == a.to_string(),
        (Expected::List(e), ResultValue::List(a)) => {
            if e.len() != a.len() {
                false
            } else if how.lists_unordered {
                multiset_match(e, a, |x, y| matches(x, y, how))
            } else {
                e.iter().zip(a).all(|(x, y)| matches(x, y, how))
            }
        }
        (Expected::Map(e), ResultValue::Map(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av, how)))
        }
        (Expected::Node(e), ResultValue::Node(a)) => node_matches(e, a, how),
        (Expected::Relationship(e), ResultValue::Relationship(a)) => rel_matches(e, a, how),
        (
            Expected::Path { start, hops },
            ResultValue::Path {
                nodes,
                relationships,
            },
        ) => {
            if nodes.len() != hops.len() + 1 || relationships.len() != hops.len() {
                return false;
            }
            if !node_matches(start, &nodes[0], how) {
                return false;
            }
            hops.iter().enumerate().all(|(i, hop)| {
                let (before, after, rel) = (&nodes[i], &nodes[i + 1], &relationships[i]);
                let (from, to) = if hop.forward {
                    (before, after)
                } else {
                    (after, before)
                };
                rel.start == from.id
                    && rel.end == to.id
                    && rel_matches(&hop.rel, rel, how)
                    && node_matches(&hop.node, after, how)
            })
        }
        _ => false,
    }
}

/// Whether the expected and actual items can be paired one to one so that every pair
/// matches. Equality with a float tolerance is not transitive, so a greedy pairing could
/// miss a valid one; this uses augmenting paths (bipartite matching) instead.
pub fn multiset_match<E, A>(expected: &[E], actual: &[A], eq: impl Fn(&E, &A) -> bool) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let n = expected.len();
    let adj: Vec<Vec<usize>> = expected
        .iter()
        .map(|e| (0..n).filter(|&j| eq(e, &actual[j])).collect())
        .collect();
    // owner[j] is the expected item paired with actual item j.
    let mut owner: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let mut seen = vec![false; n];
        if !augment(i, &adj, &mut owner, &mut seen) {
            return false;
        }
    }
    true
}

/// Tries to pair expected item `start` by an augmenting path. Written with an explicit
/// stack so that the depth of the search never becomes the depth of the call stack.
fn augment(
    start: usize,
    adj: &[Vec<usize>],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    // Each frame: the expected item and the next index into its adjacency list.
    let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
    // For each frame, the actual item it is trying to take (set when descending).
    let mut taking: Vec<usize> = Vec::new();
    while let Some(&mut (i, ref mut next)) = stack.last_mut() {
        if *next >= adj[i].len() {
            stack.pop();
            taking.pop();
            continue;
        }
        let j = adj[i][*next];
        *next += 1;
        if seen[j] {
            continue;
        }
        seen[j] = true;
        match owner[j] {
            None => {
                // Free: flip the whole path from the bottom of the stack to here.
                taking.push(j);
                for (frame, &actual) in stack.iter().zip(&taking) {
                    owner[actual] = Some(frame.0);
                }
                return true;
            }
            Some(other) => {
                taking.push(j);
                stack.push((other, 0));
            }
        }
    }
    false
}

/// Writes a property map in TCK syntax.
fn write_props<'a, V: 'a>(
    f: &mut impl fmt::Write,
    props: impl ExactSizeIterator<Item = (&'a String, &'a V)>,
    show: impl Fn(&V) -> String,
) -> fmt::Result {
    if props.len() == 0 {
        return Ok(());
    }
    f.write_str(" {")?;
    for (i, (k, v)) in props.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {}", show(v))?;
    }
    f.write_str("}")
}

fn write_float(f: &mut impl fmt::Write, x: f64) -> fmt::Result {
    if x.is_nan() {
        f.write_str("NaN")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { "Inf" } else { "-Inf" })
    } else if x == x.trunc() && x.abs() < 1e16 {
        write!(f, "{x:.1}")
    } else {
        write!(f, "{x}")
    }
}

fn write_string(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl fmt::Display for NodePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for l in &self.labels {
            write!(f, ":{l}")?;
        }
        write_props(f, self.properties.iter(), |v| v.to_string())?;
        f.write_str(")")
    }
}

impl fmt::Display for RelPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[:{}", self.rel_type)?;
        write_props(f, self.properties.iter(), |v| v.to_string())?;
        f.write_str("]")
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Null => f.write_str("null"),
            Expected::Bool(b) => write!(f, "{b}"),
            Expected::Int(i) => write!(f, "{i}"),
            Expected::Float(x) => write_float(f, *x),
            Expected::String(s) => write_string(f, s),
            Expected::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Expected::Map(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Expected::Node(n) => write!(f, "{n}"),
            Expected::Relationship(r) => write!(f, "{r}"),
            Expected::Path { start, hops } => {
                write!(f, "<{start}")?;
                for hop in hops {
                    if hop.forward {
                        write!(f, "-{}->{}", hop.rel, hop.node)?;
                    } else {
                        write!(f, "<-{}-{}", hop.rel, hop.node)?;
                    }
                }
                f.write_str(">")
            }
        }
    }
}

/// A result value written in TCK syntax, for failure messages.
pub fn render(v: &ResultValue) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = render_into(&mut out, v);
    out
}

fn render_node(f: &mut String, n: &Node) -> fmt::Result {
    f.push('(');
    for l in &n.labels {
        write!(f, ":{l}")?;
    }
    write_props(f, n.properties.iter(), |v| render(&property_to_result(v)))?;
    f.push(')');
    Ok(())
}

fn render_rel(f: &mut String, r: &Relationship) -> fmt::Result {
    write!(f, "[:{}", r.rel_type)?;
    write_props(f, r.properties.iter(), |v| render(&property_to_result(v)))?;
    f.push(']');
    Ok(())
}

fn render_into(f: &mut String, v: &ResultValue) -> fmt::Result {
    match v {
        ResultValue::Null => f.write_str("null"),
        ResultValue::Bool(b) => write!(f, "{b}"),
        ResultValue::Int(i) => write!(f, "{i}"),
        ResultValue::Float(x) => write_float(f, *x),
        ResultValue::String(s) => write_string(f, s),
        ResultValue::Temporal(t) => write!(f, "{t}"),
        ResultValue::List(items) => {
            f.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.push_str(", ");
                }
                render_into(f, item)?;
            }
            f.push(']');
            Ok(())
        }
        ResultValue::Map(map) => {
            f.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    f.push_str(", ");
                }
                write!(f, "{k}: ")?;
                render_into(f, item)?;
            }
            f.push('}');
            Ok(())
        }
        ResultValue::Node(n) => render_node(f, n),
        ResultValue::Relationship(r) => render_rel(f, r),
        ResultValue::Path {
            nodes,
            relationships,
        } => {
            f.push('<');
            if let Some(first) = nodes.first() {
                render_node(f, first)?;
            }
            for (i, rel) in relationships.iter().enumerate() {
                let before = nodes.get(i).map(|n| n.id);
                let forward = before == Some(rel.start);
                f.push_str(if forward { "-" } else { "<-" });
                render_rel(f, rel)?;
                f.push_str(if forward { "->" } else { "-" });
                if let Some(n) = nodes.get(i + 1) {
                    render_node(f, n)?;
                }
            }
            f.push('>');
            Ok(())
        }
    }
}
