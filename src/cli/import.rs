//! `claimgraph import`: opening the store for it, the checks of its
//! options, one file after another (each through `shell::import`, with its
//! progress bar), and the report of what was and was not written; the same
//! code in process and through a store's holder.

use std::path::{Path, PathBuf};

use super::*;
use crate::shell::import::{import_one, Reading, Source};

/// Opens the store for an import. A dry run never creates a store (without one
/// it checks against an empty graph) and never writes to one.
pub(super) fn open_for_import(store: &Path, dry_run: bool) -> Result<Database> {
    let mut db = if dry_run && !store_exists(store) {
        Database::in_memory()
    } else {
        open(store)?
    };
    if dry_run {
        db.detach();
    }
    Ok(db)
}

/// How `import` reads its files, from its options: the checks are the same
/// in process and through a store's holder.
pub(super) fn reading(
    format: Option<ImportFormatArg>,
    mapping: Option<&Path>,
    files: &[PathBuf],
) -> Result<Reading> {
    let Some(mapping) = mapping else {
        return Ok(Reading::Items(match format {
            None => None,
            Some(ImportFormatArg::Triples) => Some(Format::Triples),
            Some(ImportFormatArg::Jsonl) => Some(Format::Jsonl),
            Some(ImportFormatArg::Claimreview) => Some(Format::ClaimReview),
            Some(ImportFormatArg::Csv | ImportFormatArg::Tsv) => {
                return Err(Error::query(
                    "a csv or tsv table is read through a mapping: add --mapping MAP.toml",
                ))
            }
        }));
    };
    let mapping = crate::import::Mapping::from_file(mapping)?;
    let mapping = match format {
        None => mapping,
        Some(ImportFormatArg::Csv) => mapping.with_tsv(false),
        Some(ImportFormatArg::Tsv) => mapping.with_tsv(true),
        Some(_) => {
            return Err(Error::query(
                "with --mapping the files are tables: --format is csv or tsv",
            ))
        }
    };
    if format.is_none() && files.iter().any(|f| f == Path::new("-")) {
        return Err(Error::query(
            "reading a table from standard input (-) needs --format csv or --format tsv",
        ));
    }
    Ok(Reading::Tables(Box::new(mapping)))
}

/// What an import writes into: a database, or a store's holder, which
/// shows each file to readers once it is committed.
pub(super) trait ImportInto {
    fn db(&mut self) -> &mut Database;
    /// Called after each file's transaction has committed.
    fn committed(&mut self) {}
}

impl ImportInto for Database {
    fn db(&mut self) -> &mut Database {
        self
    }
}

impl ImportInto for crate::share::Held<'_> {
    fn db(&mut self) -> &mut Database {
        self
    }

    fn committed(&mut self) {
        self.publish();
    }
}

/// Imports each file as its own transaction, in order, and stops at the first
/// one refused (later files often name what earlier ones declare). With more
/// than one file, a summary on `err` says which were written.
pub(super) fn import_files(
    into: &mut dyn ImportInto,
    files: &[PathBuf],
    reading: &Reading,
    dry_run: bool,
    source: &Source<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    for (i, file) in files.iter().enumerate() {
        match import_one(into.db(), file, reading, source) {
            Ok(summary) => {
                into.committed();
                let line = describe_import(file, &summary);
                if dry_run {
                    writeln!(out, "{line} [dry run: nothing written]")?;
                } else {
                    writeln!(out, "{line}")?;
                }
            }
            Err(e) => {
                if files.len() > 1 {
                    if let Some(text) = render_report(&e) {
                        writeln!(err, "{text}")?;
                    }
                    writeln!(
                        err,
                        "{}",
                        describe_partial_import(&files[..i], file, &files[i + 1..], dry_run)
                    )?;
                    return Err(Error::Reported);
                }
                return Err(e);
            }
        }
    }
    if files.len() > 1 {
        let what = if dry_run { "checked" } else { "imported" };
        writeln!(err, "{what} all {} files", files.len())?;
    }
    Ok(())
}

/// What a refused import of several files did: `imported 1 of 3 files: a.triples;
/// refused: b.triples (nothing of it written); not attempted: c.triples`.
pub(crate) fn describe_partial_import(
    done: &[PathBuf],
    refused: &Path,
    rest: &[PathBuf],
    dry_run: bool,
) -> String {
    let names = |fs: &[PathBuf]| {
        fs.iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let total = done.len() + 1 + rest.len();
    let what = if dry_run { "checked" } else { "imported" };
    let mut out = format!("{what} {} of {total} files", done.len());
    if !done.is_empty() {
        out += &format!(": {}", names(done));
    }
    out += &format!("; refused: {} (nothing of it written)", refused.display());
    if !rest.is_empty() {
        out += &format!("; not attempted: {}", names(rest));
    }
    out
}
