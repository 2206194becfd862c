//! SVG: the picture for reports, laid out without Graphviz.
//!
//! `layout-rs` places the nodes in ranks from left to right (speakers, then
//! statements, then what they are about) and routes the edges; this module draws
//! the result itself, with the same shapes, colours and captions as the DOT export
//! (see `style`), through `quick-xml`, which escapes the text. Each node is a
//! `<g class="node">` with a `<title>` (its labels and properties, shown as a
//! tooltip) and its caption in `<text>`; each edge a `<g class="edge">`. A legend
//! lists the kinds and types in the picture.
//!
//! The layout works on positions only: every node is handed to `layout-rs` as an
//! empty box of the size its caption needs, tagged with its index, and every edge
//! as a path tagged with its index and a label text that encodes it (see
//! `label_tag`), so that what `layout-rs` hands back can be matched to the records.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::draw_articles::{edge_lines, for_picture, Articles};
use super::graphml::xml_text;
use super::style::{
    edge_style, node_caption, node_style, printable, truncate, EdgeStyle, NodeStyle, Shape,
    EDGE_STYLES, NODE_STYLES,
};
use super::Subgraph;
use crate::error::{Error, Result};
use crate::model::{Node, Relationship};
use crate::value::Value;

mod draw;
use draw::*;

/// The font of every caption.
const FONT: &str = "Helvetica, Arial, sans-serif";
/// Caption size in pixels.
const FONT_SIZE: f64 = 12.0;
/// Edge label size in pixels.
const LABEL_SIZE: f64 = 10.0;
/// Distance between caption baselines.
const LINE_HEIGHT: f64 = 15.0;
/// Margin around the picture.
const MARGIN: f64 = 20.0;
/// Above this many nodes and edges, the crossing optimisation of the layout is
/// skipped: it grows much faster than the graph.
const OPTIMISE_LIMIT: usize = 600;
/// Above this many relationships, edges carry no words: each label takes a place
/// in the layout of its own, and colour and the legend already tell the types apart.
const LABEL_LIMIT: usize = 120;
/// The most characters of an edge's words (a stance's type, verdict, date,
/// article and quote, joined on one line).
const EDGE_LABEL_CHARS: usize = 72;

/// The most nodes and relationships a picture is drawn for. The layout grows
/// faster than the graph (about 20 seconds for ten thousand), and a picture of more
/// is past reading anyway.
pub const MAX_ELEMENTS: usize = 10_000;

/// Writes the subgraph as an SVG picture. Refused for more than [`MAX_ELEMENTS`]
/// nodes and relationships together.
pub fn write(subgraph: &Subgraph, out: &mut dyn Write) -> Result<()> {
    let elements = subgraph.nodes.len() + subgraph.relationships.len();
    if elements > MAX_ELEMENTS {
        return Err(Error::ResourceLimit(format!(
            "the SVG export draws at most {MAX_ELEMENTS} nodes and relationships, and this \
             export has {} nodes and {} relationships; choose a part of the graph with \
             --query, or export DOT and lay it out with Graphviz (sfdp copes with large graphs)",
            subgraph.nodes.len(),
            subgraph.relationships.len()
        )));
    }
    let (drawn, articles) = for_picture(subgraph);
    let picture = Picture::lay_out(&drawn, &articles);
    picture.render(&drawn, &articles, out)
}

/// A node placed in the picture.
#[derive(Clone, Copy, Debug)]
struct Placed {
    center: Point,
    size: Point,
}

/// One cubic Bézier segment: start, two control points, end.
type Cubic = [Point; 4];

/// An edge routed through the picture, from its start node to its end node.
#[derive(Clone, Debug)]
struct Route {
    segments: Vec<Cubic>,
    label_at: Option<Point>,
}

/// Turns a path as `layout-rs` draws it (`(point, control)` first, then
/// `(control, point)` for each smooth continuation) into explicit segments, each
/// continuation's first control point being the mirror of the one before.
fn segments(path: &[(Point, Point)]) -> Vec<Cubic> {
    let mut out: Vec<Cubic> = Vec::new();
    let (Some(first), Some(second)) = (path.first(), path.get(1)) else {
        return out;
    };
    out.push([first.0, first.1, second.0, second.1]);
    for (control, end) in path.iter().skip(2) {
        // `out` is not empty: the first segment was pushed above.
        let Some(&[_, _, prev_control, prev_end]) = out.last() else {
            break;
        };
        let mirrored = prev_end.add(prev_end.sub(prev_control));
        out.push([prev_end, mirrored, *control, *end]);
    }
    out
}

/// The same curve walked the other way.
fn reversed(segments: &[Cubic]) -> Vec<Cubic> {
    segments
        .iter()
        .rev()
        .map(|&[a, b, c, d]| [d, c, b, a])
        .collect()
}

/// What the layout produced, in the picture's coordinates.
struct Picture {
    nodes: Vec<Option<Placed>>,
    edges: Vec<Option<Route>>,
    /// The lines of each node's caption.
    captions: Vec<Vec<String>>,
    /// The words on each edge, on one line (empty for none).
    edge_captions: Vec<String>,
    width: f64,
    height: f64,
}

/// The width of a line of text, estimated from its characters: wide scripts
/// (CJK, emoji) take about twice the room of Latin, Cyrillic or Greek.
fn text_width(line: &str, size: f64) -> f64 {
    line.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'f' | 't' | 'I' | '.' | ',' | '\'' | ' ' | ':' | ';' | '|' => 0.32,
            'm' | 'w' | 'M' | 'W' => 0.85,
            c if c.is_ascii_uppercase() => 0.68,
            c if (c as u32) >= 0x2e80 => 1.05,
            _ => 0.56,
        })
        .sum::<f64>()
        * size
}

/// The size of a node's shape around its caption.
fn node_size(style: &NodeStyle, caption: &[String]) -> Point {
    let text_w = caption
        .iter()
        .map(|l| text_width(l, FONT_SIZE))
        .fold(0.0, f64::max);
    let text_h = caption.len() as f64 * LINE_HEIGHT;
    let (w, h) = match style.shape {
        Shape::Ellipse => ((text_w + 16.0) * 1.25, (text_h + 10.0) * 1.35),
        Shape::Hexagon => (text_w + 44.0, text_h + 16.0),
        Shape::Note => (text_w + 28.0, text_h + 16.0),
        Shape::Tab => (text_w + 20.0, text_h + 22.0),
        Shape::Box | Shape::Rounded => (text_w + 20.0, text_h + 14.0),
    };
    Point::new(w.max(40.0), h.max(28.0))
}

impl Picture {
    fn lay_out(subgraph: &Subgraph, articles: &Articles) -> Picture {
        let captions: Vec<Vec<String>> = subgraph.nodes.iter().map(node_caption).collect();
        let labelled = subgraph.relationships.len() <= LABEL_LIMIT;
        let edge_captions: Vec<String> = subgraph
            .relationships
            .iter()
            .map(|rel| {
                if labelled {
                    truncate(
                        &edge_lines(rel, articles).join(" \u{b7} "),
                        EDGE_LABEL_CHARS,
                    )
                } else {
                    String::new()
                }
            })
            .collect();
        let mut picture = Picture {
            nodes: vec![None; subgraph.nodes.len()],
            edges: vec![None; subgraph.relationships.len()],
            captions,
            edge_captions,
            width: 0.0,
            height: 0.0,
        };
        if subgraph.nodes.is_empty() {
            return picture;
        }
        let orientation = Orientation::LeftToRight;
        let mut vg = VisualGraph::new(orientation);
        // The checks re-verify the whole graph after every edge: quadratic, and
        // only useful when working on the layout code itself.
        vg.dag.set_validate(false);
        let mut handles = Vec::with_capacity(subgraph.nodes.len());
        for (i, node) in subgraph.nodes.iter().enumerate() {
            let size = node_size(node_style(node), &picture.captions[i]);
            let element = Element::create_with_properties(
                ShapeKind::Box(String::new()),
                StyleAttr::simple(),
                orientation,
                size,
                format!("node:{i}"),
            );
            handles.push(vg.add_node(element));
        }
        let positions = subgraph.node_positions();
        for (j, rel) in subgraph.relationships.iter().enumerate() {
            let (Some(&a), Some(&b)) = (positions.get(&rel.start), positions.get(&rel.end)) else {
                continue;
            };
            let caption = &picture.edge_captions[j];
            // The label's room in the layout: `layout-rs` counts one font size per
            // character, so a smaller nominal size gives about the real width.
            let look = StyleAttr::new(Color::fast("black"), 1, None, 0, 6);
            let mut arrow = Arrow::simple(&label_tag(j, caption.chars().count()));
            arrow.look = look;
            arrow.end = LineEndKind::Arrow;
            arrow.properties = Some(format!("edge:{j}"));
            vg.add_edge(arrow, handles[a], handles[b]);
        }
        let optimise = subgraph.nodes.len() + subgraph.relationships.len() <= OPTIMISE_LIMIT;
        let mut recorder = Recorder::default();
        vg.do_it(false, !optimise, false, &mut recorder);

        for (props, center, size) in recorder.boxes {
            if let Some(i) = props
                .strip_prefix("node:")
                .and_then(|i| i.parse::<usize>().ok())
            {
                if let Some(slot) = picture.nodes.get_mut(i) {
                    *slot = Some(Placed { center, size });
                }
            }
        }
        let labels: HashMap<usize, Point> = recorder.labels.into_iter().collect();
        for (props, path, backwards) in recorder.arrows {
            if let Some(j) = props
                .strip_prefix("edge:")
                .and_then(|j| j.parse::<usize>().ok())
            {
                if let Some(slot) = picture.edges.get_mut(j) {
                    // `layout-rs` turns edges that go against the ranks around, and
                    // says so by moving the arrowhead to the start.
                    let mut segs = segments(&path);
                    if backwards {
                        segs = reversed(&segs);
                    }
                    *slot = Some(Route {
                        segments: segs,
                        label_at: labels.get(&j).copied(),
                    });
                }
            }
        }
        // Loops are drawn here rather than as `layout-rs` routes them.
        for (j, rel) in subgraph.relationships.iter().enumerate() {
            if rel.start != rel.end {
                continue;
            }
            let placed = positions.get(&rel.start).and_then(|&i| picture.nodes[i]);
            if let (Some(placed), Some(Some(route))) = (placed, picture.edges.get_mut(j)) {
                route.segments = self_loop(&placed);
                let corner = Point::new(placed.size.x / 2.0 + 24.0, -placed.size.y / 2.0 - 24.0);
                route.label_at = Some(placed.center.add(corner));
            }
        }
        picture.fit();
        picture
    }

    /// Moves everything so that the picture starts at the margin, and measures it.
    fn fit(&mut self) {
        let mut min = Point::new(f64::INFINITY, f64::INFINITY);
        let mut max = Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        let mut grow = |p: Point, half: Point| {
            min = Point::new(min.x.min(p.x - half.x), min.y.min(p.y - half.y));
            max = Point::new(max.x.max(p.x + half.x), max.y.max(p.y + half.y));
        };
        for n in self.nodes.iter().flatten() {
            grow(n.center, n.size.scale(0.5));
        }
        for e in self.edges.iter().flatten() {
            for p in e.segments.iter().flatten() {
                grow(*p, Point::zero());
            }
            if let Some(l) = e.label_at {
                grow(l, Point::new(30.0, 8.0));
            }
        }
        if !min.x.is_finite() || !max.x.is_finite() {
            return;
        }
        let shift = Point::new(MARGIN - min.x, MARGIN - min.y);
        for n in self.nodes.iter_mut().flatten() {
            n.center = n.center.add(shift);
        }
        for e in self.edges.iter_mut().flatten() {
            for p in e.segments.iter_mut().flatten() {
                *p = p.add(shift);
            }
            if let Some(l) = e.label_at.as_mut() {
                *l = l.add(shift);
            }
        }
        self.width = max.x - min.x + 2.0 * MARGIN;
        self.height = max.y - min.y + 2.0 * MARGIN;
    }

    fn render(&self, subgraph: &Subgraph, articles: &Articles, out: &mut dyn Write) -> Result<()> {
        let legend = Legend::new(subgraph, articles);
        let width = self.width.max(legend.width + 2.0 * MARGIN).max(240.0);
        let legend_top = if self.height > 0.0 {
            self.height
        } else {
            MARGIN
        };
        let height = legend_top + legend.height + MARGIN;
        let mut w = Writer::new_with_indent(out, b' ', 1);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let (wt, ht) = (num(width), num(height));
        let view = format!("0 0 {wt} {ht}");
        w.write_event(Event::Start(BytesStart::new("svg").with_attributes([
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", wt.as_str()),
            ("height", ht.as_str()),
            ("viewBox", view.as_str()),
            ("font-family", FONT),
        ])))?;
        element(&mut w, "title", "claimgraph export")?;
        write_defs(&mut w)?;
        w.write_event(Event::Empty(BytesStart::new("rect").with_attributes([
            ("width", "100%"),
            ("height", "100%"),
            ("fill", "#ffffff"),
        ])))?;
        let positions = subgraph.node_positions();
        let outline = |id: u64| -> Option<(&'static NodeStyle, Placed)> {
            let i = *positions.get(&id)?;
            let placed = (*self.nodes.get(i)?)?;
            Some((node_style(&subgraph.nodes[i]), placed))
        };
        for (j, rel) in subgraph.relationships.iter().enumerate() {
            if let Some(Some(route)) = self.edges.get(j) {
                let mut route = route.clone();
                // `layout-rs` ends edges on each node's box; move the ends onto
                // the outline actually drawn.
                if let (Some((style, placed)), Some(first)) =
                    (outline(rel.start), route.segments.first_mut())
                {
                    first[0] = on_outline(style, &placed, first[0]);
                }
                if let (Some((style, placed)), Some(last)) =
                    (outline(rel.end), route.segments.last_mut())
                {
                    last[3] = on_outline(style, &placed, last[3]);
                }
                write_edge(&mut w, rel, &route, &self.edge_captions[j])?;
            }
        }
        for (i, node) in subgraph.nodes.iter().enumerate() {
            if let Some(Some(placed)) = self.nodes.get(i) {
                write_node(&mut w, node, &self.captions[i], placed)?;
            }
        }
        if subgraph.nodes.is_empty() && articles.notes.is_empty() {
            text_line(
                &mut w,
                MARGIN,
                MARGIN + FONT_SIZE,
                "start",
                FONT_SIZE,
                "#555555",
                "The export is empty: no nodes matched.",
            )?;
        }
        legend.render(&mut w, MARGIN, legend_top)?;
        w.write_event(Event::End(BytesEnd::new("svg")))?;
        w.get_mut().write_all(b"\n")?;
        Ok(())
    }
}

/// The first private-use character of label tags.
const TAG_BASE: u32 = 0xe000;
/// How many values one tag character holds (the private-use area U+E000–U+F8FF).
const TAG_RADIX: u32 = 6400;

/// The text an edge's label is laid out with: the edge's index in two
/// private-use characters, padded to the caption's length so that it takes the
/// caption's room. `layout-rs` moves label texts between the hidden nodes of an
/// edge as it untangles the layout, but never changes them, so the tag says which
/// edge a label belongs to wherever it lands. Empty captions give no label.
fn label_tag(j: usize, len: usize) -> String {
    if len == 0 {
        return String::new();
    }
    let j = u32::try_from(j).unwrap_or(u32::MAX);
    let digits = [j / TAG_RADIX, j % TAG_RADIX];
    let mut tag: String = digits
        .iter()
        .filter_map(|d| char::from_u32(TAG_BASE + d.min(&(TAG_RADIX - 1))))
        .collect();
    while tag.chars().count() < len {
        tag.push('\u{e000}');
    }
    tag
}

/// The edge index in a label tag, if `text` is one.
fn read_label_tag(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let mut digit = || {
        let d = u32::from(chars.next()?).checked_sub(TAG_BASE)?;
        (d < TAG_RADIX).then_some(d)
    };
    let (hi, lo) = (digit()?, digit()?);
    usize::try_from(hi * TAG_RADIX + lo).ok()
}

/// An edge as `layout-rs` draws it: its tag, its path, and whether it was drawn
/// from its end to its start.
type DrawnArrow = (String, Vec<(Point, Point)>, bool);

/// Collects what `layout-rs` draws: where the node boxes, edge paths and edge
/// labels went.
#[derive(Default)]
struct Recorder {
    boxes: Vec<(String, Point, Point)>,
    arrows: Vec<DrawnArrow>,
    labels: Vec<(usize, Point)>,
    clips: usize,
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        if let Some(props) = properties {
            let center = Point::new(xy.x + size.x / 2.0, xy.y + size.y / 2.0);
            self.boxes.push((props, center, size));
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, xy: Point, text: &str, _look: &StyleAttr) {
        if let Some(j) = read_label_tag(text) {
            self.labels.push((j, xy));
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(props) = properties {
            self.arrows.push((props, path.to_vec(), head.0 && !head.1));
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        self.clips += 1;
        self.clips
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_tags_round_trip() {
        for j in [0, 1, 6399, 6400, 123_456] {
            let tag = label_tag(j, 9);
            assert_eq!(tag.chars().count(), 9);
            assert_eq!(read_label_tag(&tag), Some(j));
        }
        assert_eq!(label_tag(5, 1).chars().count(), 2);
        assert_eq!(label_tag(5, 0), "");
        assert_eq!(read_label_tag("claims"), None);
        assert_eq!(read_label_tag("\u{e000}"), None);
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(2.345), "2.35");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn an_empty_subgraph_still_makes_a_picture() {
        let mut out = Vec::new();
        write(&Subgraph::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("<svg"), "{text}");
        assert!(text.contains("no nodes matched"), "{text}");
    }
}
