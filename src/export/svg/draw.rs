//! Writing the laid-out picture as SVG elements: arrowhead markers, edges as
//! cubic paths with their labels, node shapes with captions, and the legend.

use super::*;

pub(super) type XmlWriter<'a> = Writer<&'a mut dyn Write>;

/// A number for an attribute: two decimals at most, no `-0`.
pub(super) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

pub(super) fn element(w: &mut XmlWriter<'_>, name: &str, text: &str) -> Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(&xml_text(text))))?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

pub(super) fn marker_id(style: &EdgeStyle) -> String {
    format!("arrow-{}", style.name.to_lowercase())
}

/// One arrowhead marker per edge colour.
pub(super) fn write_defs(w: &mut XmlWriter<'_>) -> Result<()> {
    w.write_event(Event::Start(BytesStart::new("defs")))?;
    for style in &EDGE_STYLES {
        let id = marker_id(style);
        w.write_event(Event::Start(BytesStart::new("marker").with_attributes([
            ("id", id.as_str()),
            ("viewBox", "0 0 10 10"),
            ("refX", "9"),
            ("refY", "5"),
            ("markerWidth", "7"),
            ("markerHeight", "7"),
            ("markerUnits", "userSpaceOnUse"),
            ("orient", "auto"),
        ])))?;
        w.write_event(Event::Empty(BytesStart::new("path").with_attributes([
            ("d", "M 0 0 L 10 5 L 0 10 z"),
            ("fill", style.color),
        ])))?;
        w.write_event(Event::End(BytesEnd::new("marker")))?;
    }
    w.write_event(Event::End(BytesEnd::new("defs")))?;
    Ok(())
}

/// The `d` of an edge's path.
pub(super) fn path_data(segments: &[Cubic]) -> Option<String> {
    let first = segments.first()?;
    let mut d = format!("M {} {}", num(first[0].x), num(first[0].y));
    for [_, c1, c2, end] in segments {
        d.push_str(&format!(
            " C {} {}, {} {}, {} {}",
            num(c1.x),
            num(c1.y),
            num(c2.x),
            num(c2.y),
            num(end.x),
            num(end.y)
        ));
    }
    Some(d)
}

/// A loop from a node back to itself, over its top right corner.
pub(super) fn self_loop(placed: &Placed) -> Vec<Cubic> {
    let c = placed.center;
    let (hw, hh) = (placed.size.x / 2.0, placed.size.y / 2.0);
    let start = Point::new(c.x + hw * 0.5, c.y - hh);
    let end = Point::new(c.x + hw, c.y - hh * 0.3);
    vec![[
        start,
        Point::new(start.x + 6.0, start.y - 34.0),
        Point::new(end.x + 34.0, end.y - 6.0),
        end,
    ]]
}

pub(super) fn write_edge(
    w: &mut XmlWriter<'_>,
    rel: &Relationship,
    route: &Route,
    caption: &str,
) -> Result<()> {
    let Some(d) = path_data(&route.segments) else {
        return Ok(());
    };
    let style = edge_style(rel);
    w.write_event(Event::Start(
        BytesStart::new("g").with_attributes([("class", "edge")]),
    ))?;
    element(
        w,
        "title",
        &summary(&format!(":{}", rel.rel_type), &rel.properties),
    )?;
    let marker = format!("url(#{})", marker_id(style));
    let mut path = BytesStart::new("path").with_attributes([
        ("d", d.as_str()),
        ("fill", "none"),
        ("stroke", style.color),
        ("stroke-width", if style.bold { "1.8" } else { "1.2" }),
        ("marker-end", marker.as_str()),
    ]);
    if style.dashed {
        path.push_attribute(("stroke-dasharray", "5,4"));
    }
    w.write_event(Event::Empty(path))?;
    if let (Some(at), false) = (route.label_at, caption.is_empty()) {
        let width = text_width(caption, LABEL_SIZE) + 6.0;
        let (x, y) = (num(at.x - width / 2.0), num(at.y - 7.0));
        let (wd, ht) = (num(width), "14");
        w.write_event(Event::Empty(BytesStart::new("rect").with_attributes([
            ("x", x.as_str()),
            ("y", y.as_str()),
            ("width", wd.as_str()),
            ("height", ht),
            ("rx", "3"),
            ("fill", "#ffffff"),
            ("fill-opacity", "0.9"),
        ])))?;
        text_line(
            w,
            at.x,
            at.y + LABEL_SIZE * 0.35,
            "middle",
            LABEL_SIZE,
            style.color,
            caption,
        )?;
    }
    w.write_event(Event::End(BytesEnd::new("g")))?;
    Ok(())
}

pub(super) fn write_node(
    w: &mut XmlWriter<'_>,
    node: &Node,
    caption: &[String],
    placed: &Placed,
) -> Result<()> {
    let style = node_style(node);
    w.write_event(Event::Start(
        BytesStart::new("g").with_attributes([("class", "node")]),
    ))?;
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    let heading = if labels.is_empty() {
        format!("#{}", node.id)
    } else {
        labels
    };
    element(w, "title", &summary(&heading, &node.properties))?;
    write_shape(w, style, placed.center, placed.size)?;
    let top = placed.center.y - caption.len() as f64 * LINE_HEIGHT / 2.0
        + if style.shape == Shape::Tab { 3.0 } else { 0.0 };
    for (k, line) in caption.iter().enumerate() {
        let baseline = top + (k as f64 + 0.5) * LINE_HEIGHT + FONT_SIZE * 0.35;
        text_line(
            w,
            placed.center.x,
            baseline,
            "middle",
            FONT_SIZE,
            "#1a1a1a",
            line,
        )?;
    }
    w.write_event(Event::End(BytesEnd::new("g")))?;
    Ok(())
}

/// A node's outline, centred on `c`.
pub(super) fn write_shape(
    w: &mut XmlWriter<'_>,
    style: &NodeStyle,
    c: Point,
    size: Point,
) -> Result<()> {
    let (hw, hh) = (size.x / 2.0, size.y / 2.0);
    let (l, r, t, b) = (c.x - hw, c.x + hw, c.y - hh, c.y + hh);
    let mut attrs: Vec<(&str, String)> = vec![
        ("fill", style.fill.to_string()),
        ("stroke", style.stroke.to_string()),
        ("stroke-width", "1.3".to_string()),
    ];
    if style.dashed {
        attrs.push(("stroke-dasharray", "4,3".to_string()));
    }
    let polygon = |points: &[(f64, f64)]| -> String {
        points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (name, mut shape_attrs): (&str, Vec<(&str, String)>) = match style.shape {
        Shape::Ellipse => (
            "ellipse",
            vec![
                ("cx", num(c.x)),
                ("cy", num(c.y)),
                ("rx", num(hw)),
                ("ry", num(hh)),
            ],
        ),
        Shape::Box | Shape::Rounded => (
            "rect",
            vec![
                ("x", num(l)),
                ("y", num(t)),
                ("width", num(size.x)),
                ("height", num(size.y)),
                (
                    "rx",
                    if style.shape == Shape::Rounded {
                        "8"
                    } else {
                        "2"
                    }
                    .to_string(),
                ),
            ],
        ),
        Shape::Hexagon => {
            let inset = 14.0_f64.min(hw / 2.0);
            (
                "polygon",
                vec![(
                    "points",
                    polygon(&[
                        (l + inset, t),
                        (r - inset, t),
                        (r, c.y),
                        (r - inset, b),
                        (l + inset, b),
                        (l, c.y),
                    ]),
                )],
            )
        }
        Shape::Note => {
            let fold = 10.0_f64.min(hh);
            (
                "polygon",
                vec![(
                    "points",
                    polygon(&[(l, t), (r - fold, t), (r, t + fold), (r, b), (l, b)]),
                )],
            )
        }
        Shape::Tab => {
            let tab_w = (size.x * 0.35).min(50.0);
            (
                "polygon",
                vec![(
                    "points",
                    polygon(&[
                        (l, t),
                        (l + tab_w, t),
                        (l + tab_w, t + 6.0),
                        (r, t + 6.0),
                        (r, b),
                        (l, b),
                    ]),
                )],
            )
        }
    };
    shape_attrs.append(&mut attrs);
    let start =
        BytesStart::new(name).with_attributes(shape_attrs.iter().map(|(k, v)| (*k, v.as_str())));
    w.write_event(Event::Empty(start))?;
    if style.shape == Shape::Note {
        let fold = 10.0_f64.min(hh);
        let d = format!(
            "M {} {} L {} {} L {} {}",
            num(r - fold),
            num(t),
            num(r - fold),
            num(t + fold),
            num(r),
            num(t + fold)
        );
        w.write_event(Event::Empty(BytesStart::new("path").with_attributes([
            ("d", d.as_str()),
            ("fill", "none"),
            ("stroke", style.stroke),
            ("stroke-width", "1"),
        ])))?;
    }
    Ok(())
}

/// Where the ray from a node's centre towards `toward` (a point on its box) meets
/// the outline drawn: the ellipse of an actor, the slanted sides of a place.
pub(super) fn on_outline(style: &NodeStyle, placed: &Placed, toward: Point) -> Point {
    let c = placed.center;
    let (hw, hh) = (placed.size.x / 2.0, placed.size.y / 2.0);
    let d = toward.sub(c);
    if d.length() < 1e-9 || hw <= 0.0 || hh <= 0.0 {
        return toward;
    }
    match style.shape {
        Shape::Ellipse => {
            let k = ((d.x / hw).powi(2) + (d.y / hh).powi(2)).sqrt();
            if k > 0.0 {
                c.add(d.scale(1.0 / k))
            } else {
                toward
            }
        }
        Shape::Hexagon => {
            // The slanted sides run from (hw - inset, ±hh) to (hw, 0), mirrored.
            let inset = 14.0_f64.min(hw / 2.0);
            let (ax, ay) = (d.x.abs(), d.y.abs());
            // On the side x/hw... solve for t with the point t*(ax, ay) on the line
            // through (hw - inset, hh) and (hw, 0): x = hw - inset * y / hh.
            let t = hw / (ax + inset * ay / hh);
            if t.is_finite() && t > 0.0 && t * ay <= hh && t < 1.0 {
                c.add(d.scale(t))
            } else {
                toward
            }
        }
        Shape::Box | Shape::Rounded | Shape::Note | Shape::Tab => toward,
    }
}

/// One line of text.
pub(super) fn text_line(
    w: &mut XmlWriter<'_>,
    x: f64,
    y: f64,
    anchor: &str,
    size: f64,
    color: &str,
    text: &str,
) -> Result<()> {
    let (x, y, size) = (num(x), num(y), num(size));
    w.write_event(Event::Start(BytesStart::new("text").with_attributes([
        ("x", x.as_str()),
        ("y", y.as_str()),
        ("text-anchor", anchor),
        ("font-size", size.as_str()),
        ("fill", color),
    ])))?;
    w.write_event(Event::Text(BytesText::new(&xml_text(&printable(text)))))?;
    w.write_event(Event::End(BytesEnd::new("text")))?;
    Ok(())
}

/// A tooltip: a heading and the properties as a map literal, cut to a sane length.
pub(super) fn summary(heading: &str, properties: &crate::value::Properties) -> String {
    let mut text = heading.to_string();
    if !properties.is_empty() {
        text.push(' ');
        text.push_str(&Value::Map(properties.to_btree()).to_string());
    }
    truncate(&printable(&text), 600)
}

/// The legend: the kinds of node and types of edge in the picture, in one row,
/// then the articles, one a line, numbered as the stance edges cite them.
pub(super) struct Legend {
    nodes: Vec<&'static NodeStyle>,
    edges: Vec<&'static EdgeStyle>,
    articles: Vec<String>,
    pub(super) width: f64,
    pub(super) height: f64,
}

pub(super) const LEGEND_SWATCH: f64 = 16.0;
pub(super) const LEGEND_GAP: f64 = 18.0;
/// Distance between the baselines of the legend's article lines.
pub(super) const LEGEND_LINE: f64 = 15.0;

impl Legend {
    pub(super) fn new(subgraph: &Subgraph, articles: &Articles) -> Legend {
        let kinds: BTreeSet<&str> = subgraph.nodes.iter().map(|n| node_style(n).name).collect();
        let types: BTreeSet<&str> = subgraph
            .relationships
            .iter()
            .map(|r| edge_style(r).name)
            .collect();
        let nodes: Vec<&NodeStyle> = NODE_STYLES
            .iter()
            .filter(|s| kinds.contains(s.name))
            .collect();
        let edges: Vec<&EdgeStyle> = EDGE_STYLES
            .iter()
            .filter(|s| types.contains(s.name))
            .collect();
        let mut width = 0.0;
        for s in &nodes {
            width += LEGEND_SWATCH + 5.0 + text_width(s.name, LABEL_SIZE + 1.0) + LEGEND_GAP;
        }
        for s in &edges {
            width += 26.0 + 5.0 + text_width(&s.name.to_lowercase(), LABEL_SIZE + 1.0) + LEGEND_GAP;
        }
        let mut height = if nodes.is_empty() { 0.0 } else { 22.0 };
        let articles: Vec<String> = articles.notes.iter().map(|n| n.line()).collect();
        if !articles.is_empty() {
            height += LEGEND_LINE * (articles.len() + 1) as f64 + 4.0;
            for line in articles.iter() {
                width = f64::max(width, text_width(line, LABEL_SIZE + 1.0));
            }
        }
        Legend {
            nodes,
            edges,
            articles,
            width,
            height,
        }
    }

    pub(super) fn render(&self, w: &mut XmlWriter<'_>, left: f64, top: f64) -> Result<()> {
        if self.nodes.is_empty() && self.articles.is_empty() {
            return Ok(());
        }
        w.write_event(Event::Start(
            BytesStart::new("g").with_attributes([("class", "legend")]),
        ))?;
        let row = if self.nodes.is_empty() { 0.0 } else { 22.0 };
        let mid = top + row / 2.0;
        let mut x = left;
        let size = LABEL_SIZE + 1.0;
        for style in &self.nodes {
            write_shape(
                w,
                style,
                Point::new(x + LEGEND_SWATCH / 2.0, mid),
                Point::new(LEGEND_SWATCH, 12.0),
            )?;
            x += LEGEND_SWATCH + 5.0;
            text_line(
                w,
                x,
                mid + size * 0.35,
                "start",
                size,
                "#333333",
                style.name,
            )?;
            x += text_width(style.name, size) + LEGEND_GAP;
        }
        for style in &self.edges {
            let d = format!("M {} {} L {} {}", num(x), num(mid), num(x + 24.0), num(mid));
            let marker = format!("url(#{})", marker_id(style));
            let mut path = BytesStart::new("path").with_attributes([
                ("d", d.as_str()),
                ("stroke", style.color),
                ("stroke-width", if style.bold { "1.8" } else { "1.2" }),
                ("marker-end", marker.as_str()),
            ]);
            if style.dashed {
                path.push_attribute(("stroke-dasharray", "5,4"));
            }
            w.write_event(Event::Empty(path))?;
            x += 26.0 + 5.0;
            let name = style.name.to_lowercase();
            text_line(w, x, mid + size * 0.35, "start", size, style.color, &name)?;
            x += text_width(&name, size) + LEGEND_GAP;
        }
        if !self.articles.is_empty() {
            let mut y = top + row + LEGEND_LINE;
            w.write_event(Event::Start(
                BytesStart::new("g").with_attributes([("class", "articles")]),
            ))?;
            text_line(w, left, y, "start", size, "#333333", "Articles")?;
            for line in &self.articles {
                y += LEGEND_LINE;
                text_line(w, left, y, "start", size, "#555555", line)?;
            }
            w.write_event(Event::End(BytesEnd::new("g")))?;
        }
        w.write_event(Event::End(BytesEnd::new("g")))?;
        Ok(())
    }
}
