//! Importing article triples: `.triples` (see `grammar/triples.pest`) and `.jsonl`;
//! schema.org ClaimReview JSON-LD (`claimreview`); CSV and TSV tables through
//! a TOML [`Mapping`] (`mapping`, `mapping_csv`).
//!
//! The life of an import:
//! 1. the bytes are checked to be UTF-8 (a bad byte is an error at its line and column);
//! 2. the format's parser (`triples` or `jsonl`) turns them into a list of
//!    items with byte offsets, reporting every syntax error and going on at the
//!    next item (`.triples` lines go through a hand-written parser, `fast`,
//!    and pest takes what it gives up on; `.jsonl` lines are read straight
//!    into borrowed items by `jsonl_fast`, and the general reader takes what
//!    it gives up on; a large file of either is parsed on several threads,
//!    `parallel`, and the parts put back in file order);
//! 3. `apply` applies the items to the graph in one transaction, reporting
//!    every semantic error (unknown names, stance rules, bad dates) with its position;
//! 4. only a file free of errors is committed, as one batch; otherwise the
//!    transaction is dropped, which rolls the graph back, and storage is untouched.
//!
//! Every format parses into the same items, so the same content imports the
//! same: identity rules, provenance and idempotent re-import hold for all.

mod apply;
mod claimreview;
mod escape;
mod fast;
mod item;
mod jsonl;
mod jsonl_fast;
mod jsonpath;
mod mapping;
mod mapping_csv;
mod parallel;
pub(crate) mod suggest;
mod triples;

use std::path::Path;

use crate::cancel::Cancel;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::graph::Graph;
use crate::storage::Storage;

pub(crate) use item::interrupted;
use item::{Progress, Report};

pub use claimreview::REVIEW_PROP;
pub use mapping::Mapping;

/// The import formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Triples,
    Jsonl,
    /// schema.org ClaimReview JSON-LD (`.jsonld`, `.json`).
    ClaimReview,
}

impl Format {
    /// The format named by a file's extension: `.triples` or `.jsonl`.
    pub fn from_path(path: &Path) -> Result<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("triples") => Ok(Format::Triples),
            Some("jsonl") => Ok(Format::Jsonl),
            Some("jsonld" | "json") => Ok(Format::ClaimReview),
            _ => Err(Error::query(format!(
                "cannot tell the format of {}: name the file *.triples, *.jsonl or *.jsonld, or give --format triples, jsonl or claimreview",
                path.display()
            ))),
        }
    }
}

/// What an import added, and what was already there.
///
/// Node counts include articles and statements; the article counts single
/// out the articles among them. "Existing" counts distinct records that the
/// file refers to and that were in the store before the import.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub articles_added: u64,
    pub articles_existing: u64,
    pub nodes_added: u64,
    pub nodes_existing: u64,
    pub relationships_added: u64,
    pub relationships_existing: u64,
    /// The relationship types that no relationship of the store had before
    /// this import, by name.
    pub new_types: Vec<String>,
}

/// Imports one file's bytes as one transaction. `progress`, when given, is called
/// now and then with (bytes done, bytes in all): parsing moves it through the
/// first half, applying through the second, and the end is reported after commit.
pub fn import_bytes(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    name: &str,
    bytes: &[u8],
    format: Format,
    progress: Option<&dyn Fn(u64, u64)>,
    cancel: &Cancel,
) -> Result<ImportSummary> {
    let source = std::str::from_utf8(bytes).map_err(|e| utf8_error(name, bytes, &e))?;
    let mut progress = Progress::new(progress, bytes.len()).stopping_on(cancel);
    let mut report = Report::new(name, source);
    let items = match format {
        Format::Triples => parse_triples(name, source, &mut report, &mut progress),
        Format::Jsonl => parse_jsonl(name, source, &mut report, &mut progress),
        Format::ClaimReview => claimreview::parse(source, &mut report),
    };
    commit(graph, storage, items, report, progress)
}

/// Imports a CSV or TSV table through a mapping, as one transaction.
pub fn import_table(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    name: &str,
    bytes: &[u8],
    mapping: &Mapping,
    progress: Option<&dyn Fn(u64, u64)>,
    cancel: &Cancel,
) -> Result<ImportSummary> {
    let source = std::str::from_utf8(bytes).map_err(|e| utf8_error(name, bytes, &e))?;
    let mut progress = Progress::new(progress, bytes.len()).stopping_on(cancel);
    let mut report = Report::new(name, source);
    let items = mapping_csv::parse(mapping, name, source, &mut report, &mut progress)?;
    commit(graph, storage, items, report, progress)
}

/// Applies parsed items in one transaction and commits it when the file had
/// no error at all; otherwise rolls back and returns every error. An import
/// told to stop (its client went away) stops between batches of parsing or
/// applying and writes nothing.
fn commit(
    graph: &mut Graph,
    storage: &mut dyn Storage,
    items: item::Items<'_>,
    mut report: Report<'_>,
    mut progress: Progress<'_>,
) -> Result<ImportSummary> {
    if let Some(stopped) = progress.stopped() {
        return Err(stopped);
    }
    let mut txn = graph.begin();
    let summary = apply::apply(items, &mut txn, &mut report, &mut progress);
    if let Some(stopped) = progress.stopped() {
        // Dropping the transaction takes every change back.
        drop(txn);
        return Err(stopped);
    }
    if report.has_errors() {
        // Dropping the transaction takes every change back.
        drop(txn);
        return Err(Error::Input(report.finish()));
    }
    txn.commit(storage)?;
    progress.finish();
    Ok(summary)
}

/// Parses a `.triples` file, a large one on several threads: the file is cut at
/// `article` lines (an article section never spans two parts).
fn parse_triples<'a>(
    name: &str,
    source: &'a str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> item::Items<'a> {
    // A byte-order mark at the start is not content.
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    parallel::parse(
        name,
        source,
        start,
        "\narticle ",
        report,
        progress,
        triples::parse_range,
    )
}

/// Parses a `.jsonl` file, a large one on several threads: the file is cut at
/// line breaks.
fn parse_jsonl<'a>(
    name: &str,
    source: &'a str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
) -> item::Items<'a> {
    parallel::parse(name, source, 0, "\n", report, progress, jsonl::parse_range)
}

/// The error for bytes that are not UTF-8, at the first bad byte.
fn utf8_error(name: &str, bytes: &[u8], e: &std::str::Utf8Error) -> Error {
    let bad = e.valid_up_to();
    // Everything before `bad` is valid UTF-8.
    let valid = std::str::from_utf8(&bytes[..bad]).unwrap_or("");
    let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
    let line_end = bytes[bad..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| bad + i);
    let d = Diagnostic {
        file: Some(name.to_string()),
        line: valid.matches('\n').count() + 1,
        column: valid[line_start..].chars().count() + 1,
        line_text: String::from_utf8_lossy(&bytes[line_start..line_end])
            .trim_end_matches('\r')
            .to_string(),
        message: format!(
            "the file is not valid UTF-8: byte 0x{:02X} cannot appear here (save the file as UTF-8)",
            bytes[bad]
        ),
    };
    Error::Input(Diagnostics::from(d))
}
