//! The text of a `claims.search` query: words, `"quoted phrases"` and
//! `-excluded` words or phrases, analysed as the indexed texts are.

use super::analyse;

/// One clause of a query: the analysed terms of a word (one term) or of a
/// phrase (its terms in order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub terms: Vec<String>,
}

/// A parsed query: clauses a match must satisfy at least one of, and clauses
/// it must satisfy none of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub should: Vec<Clause>,
    pub exclude: Vec<Clause>,
}

impl Query {
    /// Parses a query. A `"` opens a phrase that runs to the next `"` (or to
    /// the end); a `-` at the start of a word or phrase excludes it. Words
    /// are analysed as indexed texts are, so punctuation inside a word splits
    /// it into a phrase (`covid-19` is the phrase `covid 19`).
    pub fn parse(text: &str) -> Query {
        let mut query = Query::default();
        let mut rest = text;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let negated = rest.starts_with('-');
            if negated {
                rest = &rest[1..];
            }
            let chunk;
            if let Some(after) = rest.strip_prefix('"') {
                let end = after.find('"').unwrap_or(after.len());
                chunk = &after[..end];
                rest = after.get(end + 1..).unwrap_or("");
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                chunk = &rest[..end];
                rest = &rest[end..];
            }
            let terms: Vec<String> = analyse(chunk).into_iter().map(|t| t.term).collect();
            if terms.is_empty() {
                continue;
            }
            let clause = Clause { terms };
            if negated {
                query.exclude.push(clause);
            } else {
                query.should.push(clause);
            }
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &[Clause]) -> Vec<Vec<&str>> {
        q.iter()
            .map(|c| c.terms.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = Query::parse(r#"Taxes "city hall" -Flags -"new york" covid-19"#);
        assert_eq!(
            terms(&q.should),
            vec![vec!["tax"], vec!["citi", "hall"], vec!["covid", "19"]]
        );
        assert_eq!(terms(&q.exclude), vec![vec!["flag"], vec!["new", "york"]]);
    }

    #[test]
    fn unterminated_phrase_and_lone_marks() {
        let q = Query::parse(r#"- " "#);
        assert!(q.should.is_empty() && q.exclude.is_empty());
        let q = Query::parse(r#""élection day"#);
        assert_eq!(terms(&q.should), vec![vec!["elect", "day"]]);
    }
}
