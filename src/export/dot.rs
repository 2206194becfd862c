//! DOT, for Graphviz: nodes shaped and coloured by label, stance edges coloured,
//! captions wrapped, and a legend of what is in the picture.
//!
//! Every piece of data goes through [`quote`], the one place that escapes text for
//! DOT. Node ids are `n` and the node's id; the legend is the node `legend`.

use std::collections::BTreeSet;
use std::io::Write;

use super::draw_articles::{edge_lines, for_picture, Articles};
use super::style::{edge_style, node_caption, node_style, printable, EDGE_STYLES, NODE_STYLES};
use super::Subgraph;
use crate::error::Result;
use crate::model::{Node, Relationship};
use crate::value::Properties;

/// The most characters of a tooltip.
const TOOLTIP_MAX: usize = 600;

/// Writes the subgraph as a Graphviz `digraph`. Articles that no edge
/// reaches are listed in the legend rather than drawn.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let (drawn, articles) = for_picture(subgraph);
    let subgraph = drawn.as_ref();
    writeln!(out, "digraph claimgraph {{")?;
    writeln!(
        out,
        "  graph [rankdir=LR, nodesep=0.25, ranksep=0.7, pad=0.3, fontname=\"Helvetica,Arial,sans-serif\"];"
    )?;
    writeln!(
        out,
        "  node [fontname=\"Helvetica,Arial,sans-serif\", fontsize=11, style=filled, penwidth=1.2, margin=\"0.12,0.06\"];"
    )?;
    writeln!(
        out,
        "  edge [fontname=\"Helvetica,Arial,sans-serif\", fontsize=9, arrowsize=0.7];"
    )?;
    for node in &subgraph.nodes {
        write_node(node, out)?;
    }
    for rel in &subgraph.relationships {
        write_edge(rel, &articles, out)?;
    }
    if !subgraph.is_empty() || !articles.notes.is_empty() {
        write_legend(subgraph, &articles, out)?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

fn write_node(node: &Node, out: &mut dyn Write) -> Result<()> {
    let style = node_style(node);
    let caption = node_caption(node);
    let mut styles = vec!["filled"];
    if style.dashed {
        styles.push("dashed");
    }
    if style.shape == super::style::Shape::Rounded {
        styles.push("rounded");
    }
    writeln!(
        out,
        "  n{} [label={}, shape={}, style={}, fillcolor={}, color={}, tooltip={}];",
        node.id,
        quote_lines(&caption),
        style.dot_shape,
        quote(&styles.join(",")),
        quote(style.fill),
        quote(style.stroke),
        quote(&tooltip(&node_summary(node), &node.properties)),
    )?;
    Ok(())
}

fn write_edge(rel: &Relationship, articles: &Articles, out: &mut dyn Write) -> Result<()> {
    let style = edge_style(rel);
    let mut styles = Vec::new();
    if style.dashed {
        styles.push("dashed");
    }
    if style.bold {
        styles.push("bold");
    }
    writeln!(
        out,
        "  n{} -> n{} [label={}, color={}, fontcolor={}, style={}, tooltip={}];",
        rel.start,
        rel.end,
        quote_lines(&edge_lines(rel, articles)),
        quote(style.color),
        quote(style.color),
        quote(&styles.join(",")),
        quote(&tooltip(&format!(":{}", rel.rel_type), &rel.properties)),
    )?;
    Ok(())
}

/// The legend: one node holding a table of the node kinds and edge types that the
/// picture uses, then the articles, numbered as the stance edges cite them. The
/// articles' words are escaped for the HTML-like label ([`html`]).
fn write_legend(subgraph: &Subgraph, articles: &Articles, out: &mut dyn Write) -> Result<()> {
    let kinds: BTreeSet<&str> = subgraph.nodes.iter().map(|n| node_style(n).name).collect();
    let types: BTreeSet<&str> = subgraph
        .relationships
        .iter()
        .map(|r| edge_style(r).name)
        .collect();
    let mut rows = String::new();
    for style in NODE_STYLES.iter().filter(|s| kinds.contains(s.name)) {
        rows.push_str(&format!(
            "<tr><td bgcolor=\"{}\" border=\"1\" color=\"{}\" width=\"18\"></td><td align=\"left\">{}</td></tr>",
            style.fill, style.stroke, style.name
        ));
    }
    for style in EDGE_STYLES.iter().filter(|s| types.contains(s.name)) {
        rows.push_str(&format!(
            "<tr><td><font color=\"{}\"><b>&#8594;</b></font></td><td align=\"left\"><font color=\"{}\">{}</font></td></tr>",
            style.color,
            style.color,
            style.name.to_lowercase()
        ));
    }
    if !articles.notes.is_empty() {
        rows.push_str("<tr><td colspan=\"2\" align=\"left\"><b>Articles</b></td></tr>");
        for note in &articles.notes {
            rows.push_str(&format!(
                "<tr><td colspan=\"2\" align=\"left\">{}</td></tr>",
                html(&note.line())
            ));
        }
    }
    writeln!(
        out,
        "  legend [shape=plaintext, style=\"\", fontsize=10, label=<<table border=\"0\" cellborder=\"0\" cellspacing=\"3\" cellpadding=\"2\"><tr><td colspan=\"2\"><b>Legend</b></td></tr>{rows}</table>>];"
    )?;
    writeln!(out, "  {{ rank=sink; legend; }}")?;
    Ok(())
}

/// `:Label:Other name`, the first line of a node's tooltip.
fn node_summary(node: &Node) -> String {
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    if labels.is_empty() {
        format!("#{}", node.id)
    } else {
        labels
    }
}

/// A tooltip: a heading and the properties as a map literal, cut to a sane length.
fn tooltip(heading: &str, properties: &Properties) -> String {
    let mut text = heading.to_string();
    if !properties.is_empty() {
        text.push(' ');
        text.push_str(&crate::value::Value::Map(properties.to_btree()).to_string());
    }
    super::style::truncate(&super::style::printable(&text), TOOLTIP_MAX)
}

/// Several lines as one quoted DOT string, joined by centred line breaks.
fn quote_lines(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    format!("\"{}\"", escaped.join("\\n"))
}

/// Text for an HTML-like label: markup characters as entities, control
/// characters and the non-characters U+FFFE and U+FFFF as [`escape`] has them.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Text as a quoted DOT string.
pub fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// Escapes text for the inside of a quoted DOT string. Graphviz reads `\"` as a
/// quote and passes every other backslash on to its label escapes (`\n`, `\l`,
/// `\N`, ...), so backslashes are doubled to stand for themselves. Line breaks and
/// tabs become spaces, and other control characters and the non-characters
/// U+FFFE and U+FFFF become U+FFFD, which keeps the DOT readable and the SVG that
/// Graphviz makes from it well-formed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            // Graphviz copies text into its SVG as it is, and XML holds neither
            // control characters nor these two.
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_quotes_backslashes_and_controls() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quote("C:\\dir\\"), "\"C:\\\\dir\\\\\"");
        assert_eq!(quote("\\N \\n"), "\"\\\\N \\\\n\"");
        assert_eq!(quote("a\nb\tc\u{7}"), "\"a b c\u{fffd}\"");
        assert_eq!(quote("\u{fffe}\u{10ffff}"), "\"\u{fffd}\u{10ffff}\"");
        assert_eq!(quote("Київ <b>&</b> {x}"), "\"Київ <b>&</b> {x}\"");
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn legend_text_is_escaped_for_html_labels() {
        assert_eq!(
            html("a<b> & \"c\"\n\u{fffe}"),
            "a&lt;b&gt; &amp; &quot;c&quot; \u{fffd}"
        );
    }

    #[test]
    fn captions_are_joined_by_dot_line_breaks() {
        assert_eq!(
            quote_lines(&["a \"b\"".into(), "c\\".into()]),
            "\"a \\\"b\\\"\\nc\\\\\""
        );
    }

    #[test]
    fn an_empty_graph_is_a_valid_digraph() {
        let mut out = Vec::new();
        write(&Subgraph::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("digraph claimgraph {"));
        assert!(text.trim_end().ends_with('}'));
        assert!(!text.contains("legend"));
    }
}
