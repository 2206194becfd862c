//! Importing one file, the same way for `claimgraph import` in process, for
//! an import sent to a store's holder, and for the shell's `:import`: its
//! bytes (a file, or standard input for `-`), its format, a progress bar on
//! a terminal, and a [`Cancel`] that leaves nothing written when it trips.

use std::io::IsTerminal;
use std::path::Path;

use crate::cancel::Cancel;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::import::{Format, ImportSummary, Mapping};

/// How the files of an import are read.
pub enum Reading {
    /// CSV or TSV tables through a mapping.
    Tables(Box<Mapping>),
    /// Triples, JSON Lines or ClaimReview: the format given, or each file's
    /// extension.
    Items(Option<Format>),
}

/// Where an import's files come from, and how it is shown and stopped.
pub struct Source<'a> {
    /// The directory relative paths are read from (the client's, for a
    /// command sent to a holder); `None`: this process's.
    pub cwd: Option<&'a Path>,
    /// Standard input for `-`, already read; `None`: this process's.
    pub stdin: Option<&'a [u8]>,
    /// Stops the import; once tripped, nothing more is written.
    pub cancel: &'a Cancel,
    /// Whether a large file shows a progress bar (on a terminal's stderr).
    pub progress: bool,
}

/// Files smaller than this import too fast to need a progress bar.
const BAR_FROM: u64 = 1 << 20;

/// Imports `file` (`-`: standard input) into `db` as one transaction.
pub fn import_one(
    db: &mut Database,
    file: &Path,
    reading: &Reading,
    source: &Source<'_>,
) -> Result<ImportSummary> {
    let (name, bytes) = if file == Path::new("-") {
        let bytes = match source.stdin {
            Some(bytes) => bytes.to_vec(),
            None => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
                bytes
            }
        };
        ("<stdin>".to_string(), bytes)
    } else {
        let path = match source.cwd {
            Some(cwd) => cwd.join(file),
            None => file.to_path_buf(),
        };
        let bytes = std::fs::read(&path).map_err(|e| Error::io(file, e))?;
        (file.display().to_string(), bytes)
    };
    let bar =
        (source.progress && bytes.len() as u64 >= BAR_FROM && std::io::stderr().is_terminal())
            .then(|| progress_bar(bytes.len() as u64, &name));
    let progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let result = match reading {
        Reading::Tables(mapping) => {
            db.import_table_bytes_with(&name, &bytes, mapping, Some(&progress), source.cancel)
        }
        Reading::Items(format) => {
            let format = match (format, file == Path::new("-")) {
                (Some(f), _) => *f,
                (None, true) => {
                    return Err(Error::query(
                        "reading an import from standard input (-) needs --format triples, jsonl or claimreview",
                    ))
                }
                (None, false) => Format::from_path(file)?,
            };
            db.import_bytes_with(&name, &bytes, format, Some(&progress), source.cancel)
        }
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// The bar `claimgraph import` shows for a large file.
fn progress_bar(size: u64, name: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("importing {name}"));
    bar
}
