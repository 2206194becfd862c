//! The builder, part 2: patterns, node and relationship patterns, ranges of hops.

use super::*;

impl Builder<'_> {
    /// Comma-separated path patterns and their deepest expression.
    pub(super) fn pattern(&self, pair: Pair<'_>) -> Result<(Vec<PathPattern>, usize)> {
        let mut patterns = Vec::new();
        let mut depth = 0;
        for p in pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::path_pattern)
        {
            let (pattern, d) = self.path_pattern(p)?;
            patterns.push(pattern);
            depth = depth.max(d);
        }
        Ok((patterns, depth))
    }

    pub(super) fn path_pattern(&self, pair: Pair<'_>) -> Result<(PathPattern, usize)> {
        let mut variable = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => variable = Some(self.name(p)?),
                Rule::pattern_element => {
                    return self.pattern_element(p, variable, PathKind::Normal);
                }
                Rule::shortest_path | Rule::all_shortest_paths => {
                    let kind = if p.as_rule() == Rule::shortest_path {
                        PathKind::Shortest
                    } else {
                        PathKind::AllShortest
                    };
                    let element = p
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::pattern_element)
                        .ok_or_else(|| internal("a pattern"))?;
                    return self.pattern_element(element, variable, kind);
                }
                _ => {}
            }
        }
        Err(internal("a path pattern"))
    }

    /// A node followed by (relationship, node) steps; used for `pattern_element`
    /// and `relationships_pattern`.
    pub(super) fn pattern_element(
        &self,
        pair: Pair<'_>,
        variable: Option<String>,
        kind: PathKind,
    ) -> Result<(PathPattern, usize)> {
        let mut inner = pair.into_inner();
        let (start, mut depth) = self.node_pattern(self.next(&mut inner, "a node")?)?;
        let mut steps = Vec::new();
        while let Some(rel) = inner.next() {
            let (rel, d1) = self.rel_pattern(rel)?;
            let (node, d2) = self.node_pattern(self.next(&mut inner, "a node")?)?;
            depth = depth.max(d1).max(d2);
            steps.push((rel, node));
        }
        Ok((
            PathPattern {
                variable,
                kind,
                start,
                steps,
            },
            depth + 1,
        ))
    }

    pub(super) fn node_pattern(&self, pair: Pair<'_>) -> Result<(NodePattern, usize)> {
        let mut node = NodePattern {
            variable: None,
            labels: Vec::new(),
            properties: None,
        };
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::variable => node.variable = Some(self.name(p)?),
                Rule::node_labels => node.labels = self.labels(p)?,
                Rule::map_literal | Rule::parameter => {
                    let (e, d) = self.atom(p)?;
                    node.properties = Some(e);
                    depth = d;
                }
                _ => {}
            }
        }
        Ok((node, depth))
    }

    pub(super) fn rel_pattern(&self, pair: Pair<'_>) -> Result<(RelPattern, usize)> {
        let mut left = false;
        let mut right = false;
        let mut rel = RelPattern {
            variable: None,
            types: Vec::new(),
            direction: Direction::Both,
            length: None,
            properties: None,
        };
        let mut depth = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::left_arrow => left = true,
                Rule::right_arrow => right = true,
                Rule::rel_detail => {
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::variable => rel.variable = Some(self.name(q)?),
                            Rule::rel_types => {
                                rel.types = q
                                    .into_inner()
                                    .filter(|t| t.as_rule() == Rule::schema_name)
                                    .map(|t| self.name(t))
                                    .collect::<Result<_>>()?;
                            }
                            Rule::range => rel.length = Some(self.range(q)?),
                            Rule::map_literal | Rule::parameter => {
                                let (e, d) = self.atom(q)?;
                                rel.properties = Some(e);
                                depth = d;
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        rel.direction = match (left, right) {
            (true, false) => Direction::Incoming,
            (false, true) => Direction::Outgoing,
            _ => Direction::Both,
        };
        Ok((rel, depth))
    }

    pub(super) fn range(&self, pair: Pair<'_>) -> Result<Range> {
        let mut range = Range {
            min: None,
            max: None,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::range_exact => {
                    let n = self.hops(&p)?;
                    range = Range {
                        min: Some(n),
                        max: Some(n),
                    };
                }
                Rule::range_bounds => {
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::range_min => range.min = Some(self.hops(&q)?),
                            Rule::range_max => range.max = Some(self.hops(&q)?),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(range)
    }

    pub(super) fn hops(&self, pair: &Pair<'_>) -> Result<u64> {
        pair.as_str().parse().map_err(|_| {
            self.error_at(
                pair.as_span().start(),
                format!("the length {} is too large", pair.as_str()),
            )
        })
    }
}
