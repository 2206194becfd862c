//! `claimgraph import`: opening the store for it, one file after another with
//! its progress bar, and the report of what was and was not written.

use std::path::{Path, PathBuf};

use super::*;

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

/// Prints what an import of `file` added (or, in a dry run, would add).
pub(super) fn print_import(file: &Path, summary: &ImportSummary, dry_run: bool) {
    let line = describe_import(file, summary);
    if dry_run {
        println!("{line} [dry run: nothing written]");
    } else {
        println!("{line}");
    }
}

/// Imports each file as its own transaction, in order, and stops at the first
/// one refused (later files often name what earlier ones declare). With more
/// than one file, a summary on standard error says which were written.
pub(super) fn import_files(
    db: &mut Database,
    files: &[PathBuf],
    format: Option<Format>,
    dry_run: bool,
) -> Result<()> {
    let mut written = 0;
    for (i, file) in files.iter().enumerate() {
        match import_one(db, file, format) {
            Ok(summary) => {
                print_import(file, &summary, dry_run);
                written += 1;
            }
            Err(e) => {
                if files.len() > 1 {
                    report(&e);
                    eprintln!(
                        "{}",
                        describe_partial_import(&files[..i], file, &files[i + 1..], dry_run)
                    );
                    return Err(Error::Reported);
                }
                return Err(e);
            }
        }
    }
    if files.len() > 1 {
        let what = if dry_run { "checked" } else { "imported" };
        eprintln!("{what} all {written} files");
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

pub(super) fn import_one(
    db: &mut Database,
    file: &Path,
    format: Option<Format>,
) -> Result<ImportSummary> {
    if file == Path::new("-") {
        let Some(format) = format else {
            return Err(Error::query(
                "reading an import from standard input (-) needs --format triples, jsonl or claimreview",
            ));
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
        return db.import_bytes("<stdin>", &bytes, format, None);
    }
    let size = std::fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .len();
    if size < 1 << 20 || !std::io::stderr().is_terminal() {
        return db.import_file(file, format, None);
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("importing {}", file.display()));
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let result = db.import_file(file, format, Some(&progress));
    bar.finish_and_clear();
    result
}
