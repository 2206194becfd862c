//! Provenance in the pictures: DOT and SVG list the articles in a numbered
//! legend (id, date, source) instead of drawing them as boxes no edge reaches,
//! and each stance edge says its verdict, date, article and a short quote.

use super::*;

const STANCES: [&str; 3] = ["CLAIMS", "DENIES", "ASSESSES"];

/// What each stance edge of the example must say, worked out from the
/// records: its verdict, its date (its own, else the article's), the
/// article's number (the example has one article, so `[1]`) and the start of
/// its quote.
fn expected_words(sub: &Subgraph, rel: &Relationship) -> Vec<String> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Temporal(t)) => Some(t.to_string()),
        _ => None,
    };
    let article = sub
        .nodes
        .iter()
        .find(|n| text(n.properties.get("id")).as_deref() == rel.article())
        .expect("the example's relationships name its article");
    let date = text(rel.properties.get("date"))
        .or_else(|| text(article.properties.get("date")))
        .expect("every stance of the example has a date");
    let mut words = vec![format!("{date} [1]")];
    words.extend(text(rel.properties.get("verdict")));
    if let Some(quote) = text(rel.properties.get("quote")) {
        words.push(quote.chars().take(12).collect());
    }
    words
}

fn dot_of_example() -> (Subgraph, String) {
    let sub = whole(&fixture::bakhmut());
    let text = String::from_utf8(render(&sub, ExportFormat::Dot)).unwrap();
    (sub, text)
}

#[test]
fn dot_stance_edges_carry_verdict_date_article_and_quote() {
    let (sub, text) = dot_of_example();
    let stances: Vec<&Relationship> = sub
        .relationships
        .iter()
        .filter(|r| STANCES.contains(&r.rel_type.as_str()))
        .collect();
    assert!(stances.len() >= 5, "the example has its stances");
    for rel in stances {
        let edge = format!("  n{} -> n{} [", rel.start, rel.end);
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(&edge)).collect();
        assert!(!lines.is_empty(), "no edge {edge}");
        let label =
            |l: &&str| l[l.find("label=\"").unwrap()..l.find("\", color").unwrap()].to_string();
        let words = expected_words(&sub, rel);
        assert!(
            lines
                .iter()
                .map(label)
                .any(|l| words.iter().all(|w| l.contains(w.as_str()))),
            "{edge}: none of {lines:?} says all of {words:?}"
        );
    }
    // The article is in the legend, not a node of its own.
    let article = sub
        .nodes
        .iter()
        .find(|n| Kind::of(n) == Some(Kind::Article))
        .unwrap();
    assert!(!text.contains(&format!("  n{} [", article.id)), "{text}");
    let legend = text.lines().find(|l| l.starts_with("  legend [")).unwrap();
    assert!(
        legend.contains("[1] bakhmut-flag-2023-04-03 \u{b7} 2023-04-03 \u{b7} BBC News"),
        "{legend}"
    );
}

#[test]
fn dot_of_the_example_is_as_reviewed() {
    let (_, text) = dot_of_example();
    insta::assert_snapshot!("example_dot", text);
}

#[test]
fn svg_stance_edges_and_article_legend() {
    let sub = whole(&fixture::bakhmut());
    let bytes = render(&sub, ExportFormat::Svg);
    let texts = xml_texts(&bytes);
    let captions: Vec<&String> = texts
        .iter()
        .filter(|t| STANCES.iter().any(|s| t.starts_with(&s.to_lowercase())))
        .collect();
    for rel in sub
        .relationships
        .iter()
        .filter(|r| STANCES.contains(&r.rel_type.as_str()))
    {
        let words = expected_words(&sub, rel);
        // One line is cut at 72 characters: the quote may be cut shorter.
        let date = &words[0];
        assert!(
            captions.iter().any(|c| c.contains(date.as_str())
                && words[1..]
                    .iter()
                    .all(|w| c.contains(w.as_str()) || c.ends_with('\u{2026}'))),
            "no edge caption says {words:?}: {captions:?}"
        );
    }
    assert_eq!(count_groups(&bytes, "articles"), 1);
    assert!(texts.iter().any(|t| t == "Articles"));
    assert!(
        texts
            .iter()
            .any(|t| t == "[1] bakhmut-flag-2023-04-03 \u{b7} 2023-04-03 \u{b7} BBC News"),
        "{texts:?}"
    );
    let shown: Vec<&str> = texts
        .iter()
        .map(|t| t.as_str())
        .filter(|t| !t.trim().is_empty())
        .collect();
    insta::assert_snapshot!("example_svg_texts", shown.join("\n"));
}
