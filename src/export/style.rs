//! How the pictures look: one style per kind of node and per type of relationship,
//! and the captions shown in them. The DOT and SVG exports share all of it, so
//! that the two pictures read the same way.

use std::borrow::Cow;

use crate::model::{
    Kind, Node, Relationship, ABOUT, ASSESSES, CLAIMS, DENIES, ID_PROP, NAME_PROP, TEXT_PROP,
};
use crate::value::Value;

/// The outline of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Actors: people.
    Ellipse,
    /// Organisations.
    Box,
    /// Places.
    Hexagon,
    /// Statements: a sheet with a folded corner.
    Note,
    /// Articles: a folder tab.
    Tab,
    /// Anything else.
    Rounded,
}

/// How a node is drawn.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeStyle {
    /// What the legend calls it.
    pub name: &'static str,
    pub shape: Shape,
    /// Graphviz's name for the shape.
    pub dot_shape: &'static str,
    pub fill: &'static str,
    pub stroke: &'static str,
    pub dashed: bool,
}

const ACTOR_STYLE: NodeStyle = NodeStyle {
    name: "Actor",
    shape: Shape::Ellipse,
    dot_shape: "ellipse",
    fill: "#dcebfa",
    stroke: "#3d6fa3",
    dashed: false,
};
const ORGANISATION_STYLE: NodeStyle = NodeStyle {
    name: "Organisation",
    shape: Shape::Box,
    dot_shape: "box",
    fill: "#e9e1f6",
    stroke: "#6b4fa8",
    dashed: false,
};
const PLACE_STYLE: NodeStyle = NodeStyle {
    name: "Place",
    shape: Shape::Hexagon,
    dot_shape: "hexagon",
    fill: "#e1f1de",
    stroke: "#4e8a47",
    dashed: false,
};
const STATEMENT_STYLE: NodeStyle = NodeStyle {
    name: "Statement",
    shape: Shape::Note,
    dot_shape: "note",
    fill: "#fff5d1",
    stroke: "#a8872c",
    dashed: false,
};
const ARTICLE_STYLE: NodeStyle = NodeStyle {
    name: "Article",
    shape: Shape::Tab,
    dot_shape: "tab",
    fill: "#eeeeee",
    stroke: "#777777",
    dashed: true,
};
const OTHER_STYLE: NodeStyle = NodeStyle {
    name: "Other",
    shape: Shape::Rounded,
    dot_shape: "box",
    fill: "#ffffff",
    stroke: "#666666",
    dashed: false,
};

/// Every node style, in legend order.
pub(crate) const NODE_STYLES: [NodeStyle; 6] = [
    ACTOR_STYLE,
    ORGANISATION_STYLE,
    PLACE_STYLE,
    STATEMENT_STYLE,
    ARTICLE_STYLE,
    OTHER_STYLE,
];

/// The style of a node, from the first domain label it carries.
pub(crate) fn node_style(node: &Node) -> &'static NodeStyle {
    match Kind::of(node) {
        Some(Kind::Actor) => &NODE_STYLES[0],
        Some(Kind::Organisation) => &NODE_STYLES[1],
        Some(Kind::Place) => &NODE_STYLES[2],
        Some(Kind::Statement) => &NODE_STYLES[3],
        Some(Kind::Article) => &NODE_STYLES[4],
        None => &NODE_STYLES[5],
    }
}

/// How a relationship is drawn.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EdgeStyle {
    /// The relationship type it stands for, or "other".
    pub name: &'static str,
    pub color: &'static str,
    pub dashed: bool,
    /// Whether the line is drawn heavier (the stances).
    pub bold: bool,
    /// Whether the edge carries its type in words. `about` edges do not: there
    /// are many of them, and their grey dashes already say what they are.
    pub worded: bool,
}

/// Every edge style, in legend order. The stance colours stay apart for readers
/// with red-green colour blindness: blue, vermilion and bluish green.
pub(crate) const EDGE_STYLES: [EdgeStyle; 5] = [
    EdgeStyle {
        name: CLAIMS,
        color: "#0b62a4",
        dashed: false,
        bold: true,
        worded: true,
    },
    EdgeStyle {
        name: DENIES,
        color: "#d2430f",
        dashed: false,
        bold: true,
        worded: true,
    },
    EdgeStyle {
        name: ASSESSES,
        color: "#00896a",
        dashed: false,
        bold: true,
        worded: true,
    },
    EdgeStyle {
        name: ABOUT,
        color: "#8a8a8a",
        dashed: true,
        bold: false,
        worded: false,
    },
    EdgeStyle {
        name: "other",
        color: "#444444",
        dashed: false,
        bold: false,
        worded: true,
    },
];

/// The style of a relationship, by its type.
pub(crate) fn edge_style(rel: &Relationship) -> &'static EdgeStyle {
    EDGE_STYLES[..4]
        .iter()
        .find(|s| s.name == rel.rel_type)
        .unwrap_or(&EDGE_STYLES[4])
}

/// The words on an edge: its type in lower case (`claims`, `member of`), or
/// nothing for the types whose style is not worded.
pub(crate) fn edge_caption(rel: &Relationship) -> String {
    if !edge_style(rel).worded {
        return String::new();
    }
    printable(&rel.rel_type.to_lowercase().replace('_', " ")).into_owned()
}

/// Characters per line in a statement's caption.
pub(crate) const STATEMENT_WIDTH: usize = 30;
/// Characters per line in other captions.
pub(crate) const NAME_WIDTH: usize = 24;
/// The most lines a caption shows; longer text ends with an ellipsis.
pub(crate) const MAX_LINES: usize = 7;

/// The lines shown in a node: an entity's name, a statement's text in quotes, an
/// article's title (or id) and date, or for other nodes a name-like property or
/// the label and id.
pub(crate) fn node_caption(node: &Node) -> Vec<String> {
    let text = |key: &str| match node.properties.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    };
    match Kind::of(node) {
        Some(Kind::Statement) => {
            let body = text(TEXT_PROP).unwrap_or("");
            wrap(
                &format!("\u{201c}{body}\u{201d}"),
                STATEMENT_WIDTH,
                MAX_LINES,
            )
        }
        Some(Kind::Article) => {
            let head = text("title").or_else(|| text(ID_PROP)).unwrap_or("article");
            let mut lines = wrap(head, NAME_WIDTH, MAX_LINES - 1);
            let date = text("date");
            let source = text("source");
            let tail = match (source, date) {
                (Some(s), Some(d)) => Some(format!("{s}, {d}")),
                (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
                (None, None) => None,
            };
            if let Some(tail) = tail {
                lines.extend(wrap(&tail, NAME_WIDTH, 1));
            }
            lines
        }
        Some(_) => match text(NAME_PROP) {
            Some(name) => wrap(name, NAME_WIDTH, MAX_LINES),
            None => vec![fallback_caption(node)],
        },
        None => match text(NAME_PROP)
            .or_else(|| text("title"))
            .or_else(|| text(TEXT_PROP))
            .or_else(|| text(ID_PROP))
        {
            Some(name) => wrap(name, NAME_WIDTH, MAX_LINES),
            None => vec![fallback_caption(node)],
        },
    }
}

/// `:Label #id` for a node with nothing better to show.
fn fallback_caption(node: &Node) -> String {
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    let caption = if labels.is_empty() {
        format!("#{}", node.id)
    } else {
        format!("{labels} #{}", node.id)
    };
    truncate(&printable(&caption), NAME_WIDTH * 2)
}

/// Replaces the characters a caption cannot show: line breaks and tabs become
/// spaces, other control characters U+FFFD, and the invisible controls of text
/// direction (embeddings, overrides, isolates) are dropped, so that one caption
/// cannot turn the text after it around.
pub(crate) fn printable(s: &str) -> Cow<'_, str> {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(|c| c.is_control() || bidi(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|c| !bidi(*c))
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// Cuts `s` to at most `max` characters, ending with an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
    cut.push('\u{2026}');
    cut
}

/// Wraps text at word boundaries into lines of at most `width` characters (a word
/// longer than that is broken), at most `max_lines` of them; the last line ends
/// with an ellipsis when text was left out. White space runs count as one space.
/// Lines are balanced: the narrowest width that needs no more lines is used, so
/// that no lonely word ends a caption.
pub(crate) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let lines = wrap_greedy(text, width, max_lines);
    if lines.len() < 2 || lines.len() >= max_lines {
        return lines;
    }
    let mut best = lines;
    let mut narrower = width.saturating_sub(1);
    while narrower >= 2 {
        let attempt = wrap_greedy(text, narrower, max_lines);
        if attempt.len() != best.len() || attempt.last().is_some_and(|l| l.ends_with('\u{2026}')) {
            break;
        }
        best = attempt;
        narrower -= 1;
    }
    best
}

/// Greedy wrapping: as many words on each line as fit.
fn wrap_greedy(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let max_lines = max_lines.max(1);
    let clean = printable(text);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    let mut cut = false;
    'words: for word in clean.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let sep = usize::from(line_len > 0);
            if line_len + sep + word.len() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                line_len += sep + word.len();
                continue 'words;
            }
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            } else {
                // A word longer than a whole line: break it.
                let rest = word.split_off(width);
                lines.push(word.iter().collect());
                word = rest;
            }
            if lines.len() == max_lines {
                cut = true;
                break 'words;
            }
        }
    }
    if !cut && line_len > 0 {
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width - 1).collect();
            *last = format!("{}\u{2026}", kept.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Properties;

    #[test]
    fn wrapping_keeps_words_and_breaks_long_ones() {
        assert_eq!(
            wrap("Bakhmut is Russian in a legal sense", 12, 9),
            ["Bakhmut is", "Russian in a", "legal sense"]
        );
        assert_eq!(
            wrap("“Bakhmut is Russian in a legal sense”", 30, 7),
            ["“Bakhmut is Russian", "in a legal sense”"]
        );
        assert_eq!(wrap("abcdefghij", 4, 9), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("  ", 10, 3), [""]);
        assert_eq!(wrap("one two three four", 5, 2), ["one", "two\u{2026}"]);
        assert_eq!(wrap("a\u{1}b\nc", 10, 3), ["a\u{fffd}b c"]);
        assert_eq!(wrap("x \u{202e}yz", 10, 3), ["x yz"]);
        for line in wrap(&"word ".repeat(100), 30, 7) {
            assert!(line.chars().count() <= 30, "{line}");
        }
    }

    #[test]
    fn captions_follow_the_kind() {
        let node = |label: &str, key: &str, value: &str| {
            let mut properties = Properties::new();
            properties.insert(key.into(), Value::from(value));
            Node {
                id: 9,
                labels: vec![label.into()],
                properties,
            }
        };
        assert_eq!(
            node_caption(&node("Actor", "name", "Hanna Maliar")),
            ["Hanna Maliar"]
        );
        assert_eq!(
            node_caption(&node("Statement", "text", "a funny fake")),
            ["\u{201c}a funny fake\u{201d}"]
        );
        assert_eq!(node_caption(&node("Thing", "size", "x")), [":Thing #9"]);
        assert_eq!(
            node_style(&node("Place", "name", "Bakhmut")).shape,
            Shape::Hexagon
        );
    }
}
