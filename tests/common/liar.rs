//! The LIAR data set (`$CLAIMGRAPH_SHARED/data/liar`, never copied into the
//! repository) as claims, for tests that check answers on real data. Include
//! it with `#[path = "common/liar.rs"] mod liar;`.
//!
//! Each row of `train.tsv`, `valid.tsv` and `test.tsv` becomes:
//! - an article `liar-ID` (source `PolitiFact`, the row's context as `context`);
//! - the speaker, an actor named by LIAR's slug (`donald-trump`), who `claims`
//!   the statement;
//! - the organisation `PolitiFact`, which `denies` the statement when its
//!   verdict is `false` or `pants-fire`, and `assesses` it otherwise, with the
//!   verdict as `verdict`;
//! - the statement `about` the speaker's state (a place), when there is one.

use std::path::Path;

/// One row of LIAR, as the tests use it.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    pub verdict: String,
    pub text: String,
    pub speaker: String,
    pub state: String,
    pub context: String,
}

impl Row {
    /// The article id the row's relationships carry.
    pub fn article(&self) -> String {
        format!("liar-{}", self.id.trim_end_matches(".json"))
    }

    /// Whether PolitiFact's verdict counts as a denial.
    pub fn denied(&self) -> bool {
        matches!(self.verdict.as_str(), "false" | "pants-fire")
    }
}

/// Every row of the three files, in file order.
pub fn rows(shared: &Path) -> Vec<Row> {
    let mut out = Vec::new();
    for file in ["train.tsv", "valid.tsv", "test.tsv"] {
        let path = shared.join("data/liar").join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(
                f.len() >= 14,
                "{}: a row with {} fields",
                path.display(),
                f.len()
            );
            out.push(Row {
                id: f[0].to_string(),
                verdict: f[1].to_string(),
                text: f[2].to_string(),
                speaker: f[4].trim().to_string(),
                state: f[6].trim().to_string(),
                context: f[13].to_string(),
            });
        }
    }
    out
}

/// The rows as a `.jsonl` import (see the module docs).
pub fn jsonl(rows: &[Row]) -> String {
    use serde_json::json;
    let mut out = String::new();
    let mut push = |v: serde_json::Value| {
        out.push_str(&v.to_string());
        out.push('\n');
    };
    for r in rows
        .iter()
        .filter(|r| !r.speaker.is_empty() && !r.text.trim().is_empty())
    {
        push(json!({"article": {"id": r.article(), "source": "PolitiFact", "context": r.context}}));
        let statement = json!({"kind": "statement", "text": r.text});
        push(
            json!({"triple": {"s": {"kind": "actor", "name": r.speaker}, "p": "claims", "o": statement}}),
        );
        let stance = if r.denied() { "denies" } else { "assesses" };
        push(
            json!({"triple": {"s": {"kind": "organisation", "name": "PolitiFact"}, "p": stance,
            "o": statement, "props": {"verdict": r.verdict}}}),
        );
        if !r.state.is_empty() {
            push(
                json!({"triple": {"s": statement, "p": "about", "o": {"kind": "place", "name": r.state}}}),
            );
        }
    }
    out
}
