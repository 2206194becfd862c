//! The `claimgraph` command line: argument parsing (clap) and the commands.
//!
//! Exit status: 0 done, 1 refused (the reason on stderr, nothing half-written),
//! 2 the command line itself is wrong (clap's own status for usage errors).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod history;
mod identity;
mod import;
mod print;
mod remote;
mod script;

pub use history::TimeArgs;
pub use remote::handle;

use import::{import_files, open_for_import};
pub(crate) use print::{print_check, print_counts, print_query, print_stats};

use crate::cancel::Cancel;
use crate::db::{Database, Stats};
use crate::error::{Error, Result};
use crate::export::ExportFormat;
use crate::import::Format;
use crate::output::{self, OutputFormat, TableOptions};
use crate::query::Params;
use crate::shell::describe_import;
use crate::value::Value;

const AFTER_HELP: &str = "\
Examples:
  claimgraph import examples/bakhmut.triples examples/bakhmut-followup.triples
  claimgraph query 'MATCH (a)-[:DENIES]->(s:Statement) RETURN a.name, s.text'
  claimgraph query 'MATCH (a:Actor {name: $who})-[:CLAIMS]->(s) RETURN s.text' --param 'who=\"Yevgeny Prigozhin\"'
  claimgraph stats --format json
  claimgraph export --format svg --output claims.svg
  claimgraph repl

The store is a directory (default ./claimgraph.db, or $CLAIMGRAPH_STORE). `import`, `run`,
`repl` and a query that writes create it; a command that only reads refuses a store that does
not exist.";

/// A persistent knowledge-graph store for news claims, queried in openCypher.
#[derive(Parser, Debug)]
#[command(name = "claimgraph", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The store directory (a sled database), created if absent.
    #[arg(
        long,
        global = true,
        env = "CLAIMGRAPH_STORE",
        default_value = "claimgraph.db"
    )]
    pub store: PathBuf,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import article triples (.triples or .jsonl), ClaimReview JSON-LD (.jsonld or .json)
    /// or tables with a mapping (--mapping MAP.toml FILE.csv|.tsv); each file is one transaction.
    #[command(
        after_help = "Use - to read standard input (then --format says which format: \
        csv or tsv with --mapping).\n\
        A file with any error imports nothing; every error is reported with file:line:column."
    )]
    Import {
        /// Files to import, in order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The format, when the extension does not say it (required for -);
        /// csv or tsv for the tables of --mapping.
        #[arg(long, value_enum)]
        format: Option<ImportFormatArg>,
        /// Check the files fully, as an import would, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// A TOML mapping from table columns to articles, entities, statements and
        /// relationships; the files are then CSV or TSV tables.
        #[arg(long, value_name = "MAP.toml")]
        mapping: Option<PathBuf>,
    },
    /// Run one query and print its result.
    Query {
        /// The query text (openCypher).
        query: String,
        #[command(flatten)]
        params: ParamArgs,
        /// How to print the result [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<ResultFormatArg>,
        #[command(flatten)]
        timeout: TimeoutArg,
        #[command(flatten)]
        time: TimeArgs,
    },
    /// Run a script of ;-ended statements and :commands (FILE or - for standard input).
    Run {
        /// The script, or - for standard input.
        file: PathBuf,
        /// How to print results [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<ResultFormatArg>,
        #[command(flatten)]
        timeout: TimeoutArg,
        #[command(flatten)]
        time: TimeArgs,
    },
    /// Export the graph, or the subgraph of a query's result.
    Export {
        /// Export only the nodes, relationships and paths in this query's rows.
        #[arg(long)]
        query: Option<String>,
        #[command(flatten)]
        params: ParamArgs,
        /// The export format.
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// Where to write (a directory for neo4j-csv and parquet) [default: standard output].
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        timeout: TimeoutArg,
        #[command(flatten)]
        time: TimeArgs,
    },
    /// Draw the stances of a statement or an entity on a date axis.
    Timeline {
        /// A statement's text, or an actor's, organisation's or place's name
        /// (resolved as claims.find resolves it).
        what: String,
        /// The picture's format (svg).
        #[arg(long, default_value = "svg")]
        format: String,
        /// Where to write [default: standard output].
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Count what the store holds.
    Stats {
        /// How to print [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<StatsFormatArg>,
        #[command(flatten)]
        time: TimeArgs,
    },
    /// List the store's transactions: number, UTC time, what it was, its counts.
    Log {
        /// How to print [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<StatsFormatArg>,
    },
    /// The nodes and relationships added, removed and changed from the state
    /// after transaction N to the state after transaction M.
    Diff {
        n: u64,
        m: u64,
        /// How to print [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<StatsFormatArg>,
    },
    /// Merge entity OTHER into KEEP (OTHER's names become aliases of KEEP);
    /// prints the transaction number.
    Merge {
        /// actor, organisation or place.
        kind: String,
        keep: String,
        other: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Undo merge transaction TX exactly, as a new transaction.
    Unmerge { tx: u64 },
    /// Record that A and B are different entities: a later merge or alias
    /// that would join them is refused; prints the transaction number.
    Distinct {
        /// actor, organisation or place.
        kind: String,
        a: String,
        b: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// List the merge and distinct decisions.
    Decisions {
        /// How to print [default: table on a terminal, json otherwise].
        #[arg(long, value_enum)]
        format: Option<StatsFormatArg>,
    },
    /// Drop the history that only the states before transaction N need.
    #[command(
        after_help = "The log keeps every entry; `--at-tx` older than N - 1 is refused afterwards."
    )]
    Compact {
        #[arg(long, value_name = "N")]
        before: u64,
    },
    /// Verify that the store's records and indexes agree.
    #[command(
        after_help = "A damaged store is refused with the files that were read; restore a copy made with `backup`."
    )]
    Check,
    /// Write a consistent copy of the store to DEST, a new store that opens on its own.
    #[command(
        after_help = "DEST must not exist. Restore by moving the copy in place of the store (or open it with --store DEST)."
    )]
    Backup {
        /// Where to write the copy (a directory that does not exist yet).
        dest: PathBuf,
    },
    /// The interactive shell (also what a bare `claimgraph` runs on a terminal).
    Repl {
        #[command(flatten)]
        time: TimeArgs,
    },
    /// Serve the store over HTTP with JSON (and to other commands through its socket).
    #[command(
        after_help = "POST /query {\"query\": ..., \"params\": {...}}, GET /stats, POST /import?format=triples|jsonl,\n\
        GET /export?format=F[&query=Q], GET /health. Beyond loopback a token is required;\n\
        every request then needs `Authorization: Bearer TOKEN`."
    )]
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:7475")]
        listen: std::net::SocketAddr,
        /// The token every request must bear (required beyond loopback).
        #[arg(long, env = "CLAIMGRAPH_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The largest request body accepted, in bytes (413 past it).
        #[arg(long, value_name = "BYTES", default_value_t = crate::serve::MAX_BODY)]
        max_body: usize,
    },
}

#[derive(Args, Debug)]
pub struct ParamArgs {
    /// A query parameter, NAME=JSON (e.g. --param 'who="Hanna Maliar"' --param n=3).
    #[arg(long = "param", value_name = "NAME=JSON", value_parser = parse_param)]
    pub params: Vec<(String, Value)>,
}

#[derive(Args, Debug)]
pub struct TimeoutArg {
    /// Stop the query after this many seconds (nothing of it is written).
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImportFormatArg {
    Triples,
    Jsonl,
    Claimreview,
    /// A table read through --mapping, comma-separated.
    Csv,
    /// A table read through --mapping, tab-separated.
    Tsv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ResultFormatArg {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StatsFormatArg {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormatArg {
    Json,
    Dot,
    Svg,
    Graphml,
    Nquads,
    Cypher,
    #[value(name = "neo4j-csv")]
    Neo4jCsv,
    Claimreview,
    Parquet,
}

fn parse_param(arg: &str) -> std::result::Result<(String, Value), String> {
    let (name, json) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not NAME=JSON"))?;
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() {
        return Err(format!("`{arg}` has no parameter name before ="));
    }
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        format!("the value of parameter `{name}` is not JSON ({e}); strings need double quotes: {name}='\"text\"'")
    })?;
    Ok((name.to_string(), Value::from_json(&value)))
}

fn parse_timeout(arg: &str) -> std::result::Result<Duration, String> {
    let secs: f64 = arg
        .parse()
        .map_err(|_| format!("`{arg}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{arg}` is not a usable timeout"))
}

impl StatsFormatArg {
    /// Whether the command prints JSON: asked for, or by default when
    /// standard output is not a terminal (a table on one).
    pub(crate) fn json_wanted(arg: Option<Self>, terminal: bool) -> bool {
        match arg {
            Some(StatsFormatArg::Json) => true,
            Some(StatsFormatArg::Table) => false,
            None => !terminal,
        }
    }
}

impl ResultFormatArg {
    fn resolve(arg: Option<Self>) -> OutputFormat {
        Self::resolve_for(arg, std::io::stdout().is_terminal())
    }

    /// The format for standard output that is (or is not) a terminal.
    fn resolve_for(arg: Option<Self>, terminal: bool) -> OutputFormat {
        match arg {
            Some(ResultFormatArg::Table) => OutputFormat::Table,
            Some(ResultFormatArg::Json) => OutputFormat::Json,
            Some(ResultFormatArg::Csv) => OutputFormat::Csv,
            None if terminal => OutputFormat::Table,
            None => OutputFormat::Json,
        }
    }
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(f: ExportFormatArg) -> Self {
        match f {
            ExportFormatArg::Json => ExportFormat::Json,
            ExportFormatArg::Dot => ExportFormat::Dot,
            ExportFormatArg::Svg => ExportFormat::Svg,
            ExportFormatArg::Graphml => ExportFormat::Graphml,
            ExportFormatArg::Nquads => ExportFormat::Nquads,
            ExportFormatArg::Cypher => ExportFormat::Cypher,
            ExportFormatArg::Neo4jCsv => ExportFormat::Neo4jCsv,
            ExportFormatArg::Claimreview => ExportFormat::ClaimReview,
            ExportFormatArg::Parquet => ExportFormat::Parquet,
        }
    }
}

/// Runs the command line and returns the process's exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    refuse_stdin_without_format(&cli);
    if let Some(status) = remote::forward(&cli) {
        return status;
    }
    let json_errors = wants_json_errors(&cli);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json_errors {
                eprintln!("{}", e.to_json());
            } else {
                report(&e);
            }
            ExitCode::from(1)
        }
    }
}

/// `import -` without `--format` is a command-line error (status 2).
fn refuse_stdin_without_format(cli: &Cli) {
    if let Some(Command::Import {
        files,
        format: None,
        mapping: None,
        ..
    }) = &cli.command
    {
        if files.iter().any(|f| f == Path::new("-")) {
            use clap::CommandFactory;
            Cli::command()
                .error(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    "reading an import from standard input (-) needs --format triples or --format jsonl",
                )
                .exit();
        }
    }
}

/// Whether the command asked for `--format json`, so that a refusal is a JSON object too.
pub(crate) fn wants_json_errors(cli: &Cli) -> bool {
    matches!(
        &cli.command,
        Some(
            Command::Query {
                format: Some(ResultFormatArg::Json),
                ..
            } | Command::Run {
                format: Some(ResultFormatArg::Json),
                ..
            } | Command::Stats {
                format: Some(StatsFormatArg::Json),
                ..
            } | Command::Log {
                format: Some(StatsFormatArg::Json),
            } | Command::Decisions {
                format: Some(StatsFormatArg::Json),
            } | Command::Diff {
                format: Some(StatsFormatArg::Json),
                ..
            } | Command::Export {
                format: ExportFormatArg::Json,
                ..
            }
        )
    )
}

/// Prints an error on stderr: diagnostics render themselves (`error: ...` with a
/// caret), other errors get the `error: ` prefix.
pub fn report(e: &Error) {
    if let Some(text) = render_report(e) {
        eprintln!("{text}");
    }
}

/// The text [`report`] prints (none for an error already reported).
pub fn render_report(e: &Error) -> Option<String> {
    match e {
        Error::Reported => None,
        Error::Input(_) => Some(e.to_string()),
        Error::Query {
            diagnostic: Some(d),
            ..
        } => Some(d.to_string()),
        _ => Some(format!("error: {e}")),
    }
}

/// What the holder of a store runs for each command sent to its socket:
/// the command as it runs in process (for a program that holds a store
/// itself and shares it, as the shell and `serve` do).
pub fn holder_handler() -> crate::share::server::Handler {
    std::sync::Arc::new(remote::handle)
}

pub(crate) fn open(store: &Path) -> Result<Database> {
    Database::open(store)
}

/// Whether `store` holds a store already: a directory with something in it.
pub(crate) fn store_exists(store: &Path) -> bool {
    std::fs::read_dir(store).is_ok_and(|mut entries| entries.next().is_some())
}

/// Opens a store for a command that only reads: one that does not exist is
/// refused rather than created empty.
fn open_existing(store: &Path) -> Result<Database> {
    refuse_missing(store)?;
    open(store)
}

/// Refuses a store that does not exist, for a command that only reads.
fn refuse_missing(store: &Path) -> Result<()> {
    if store_exists(store) {
        Ok(())
    } else {
        Err(Error::NoStore {
            path: store.to_path_buf(),
        })
    }
}

/// Opens a store for `query`: a query that writes may create it, one that only
/// reads may not. A query that does not parse is reported as such first.
fn open_for_query(store: &Path, query: &str) -> Result<Database> {
    if store_exists(store) {
        return open(store);
    }
    if crate::query::syntax::parse(query)?.writes() {
        open(store)
    } else {
        open_existing(store)
    }
}

pub(crate) fn params_of(args: ParamArgs) -> Params {
    args.params.into_iter().collect()
}

pub(crate) fn cancel_for(timeout: &TimeoutArg) -> Cancel {
    match timeout.timeout {
        Some(t) => Cancel::with_timeout(t),
        None => Cancel::new(),
    }
}

fn run(cli: Cli) -> Result<()> {
    let stdout = std::io::stdout();
    match cli.command {
        Some(Command::Import {
            files,
            mapping,
            format,
            dry_run,
        }) => {
            let reading = import::reading(format, mapping.as_deref(), &files)?;
            let mut db = open_for_import(&cli.store, dry_run)?;
            let source = crate::shell::import::Source {
                cwd: None,
                stdin: None,
                cancel: &Cancel::new(),
                progress: true,
            };
            let result = import_files(
                &mut db,
                &files,
                &reading,
                dry_run,
                &source,
                &mut stdout.lock(),
                &mut std::io::stderr(),
            );
            db.close_for_exit();
            result
        }
        Some(Command::Query {
            query,
            params,
            format,
            timeout,
            time,
        }) => {
            let mut db = history::view(open_for_query(&cli.store, &query)?, &time)?;
            print_query(
                &mut db,
                &query,
                &params_of(params),
                ResultFormatArg::resolve(format),
                &cancel_for(&timeout),
                &mut stdout.lock(),
                &mut std::io::stderr(),
            )?;
            db.close_for_exit();
            Ok(())
        }
        Some(Command::Run {
            file,
            format,
            timeout,
            time,
        }) => {
            let mut db = history::view(open(&cli.store)?, &time)?;
            let (name, text) = read_script(&file)?;
            run_script(
                &mut db,
                &name,
                &text,
                ResultFormatArg::resolve(format),
                &timeout,
            )
        }
        Some(Command::Export {
            query,
            params,
            format,
            output,
            timeout,
            time,
        }) => {
            let mut db = history::view(open_existing(&cli.store)?, &time)?;
            crate::export::export_with(
                &mut db,
                query.as_deref(),
                &params_of(params),
                format.into(),
                output.as_deref(),
                &cancel_for(&timeout),
            )
        }
        Some(Command::Log { format }) => history::log(
            &open_existing(&cli.store)?,
            format,
            stdout.is_terminal(),
            &mut stdout.lock(),
        ),
        Some(Command::Diff { n, m, format }) => history::diff(
            &open_existing(&cli.store)?,
            (n, m),
            format,
            stdout.is_terminal(),
            &mut stdout.lock(),
        ),
        Some(Command::Merge {
            kind,
            keep,
            other,
            reason,
        }) => identity::merge(
            &mut open_existing(&cli.store)?,
            (&kind, &keep, &other),
            reason.as_deref(),
            &mut stdout.lock(),
            &mut std::io::stderr(),
        ),
        Some(Command::Unmerge { tx }) => identity::unmerge(
            &mut open_existing(&cli.store)?,
            tx,
            &mut stdout.lock(),
            &mut std::io::stderr(),
        ),
        Some(Command::Distinct { kind, a, b, reason }) => identity::distinct(
            &mut open_existing(&cli.store)?,
            (&kind, &a, &b),
            reason.as_deref(),
            &mut stdout.lock(),
            &mut std::io::stderr(),
        ),
        Some(Command::Decisions { format }) => identity::decisions(
            &open_existing(&cli.store)?,
            format,
            stdout.is_terminal(),
            &mut stdout.lock(),
        ),
        Some(Command::Compact { before }) => {
            history::compact(&mut open_existing(&cli.store)?, before, &mut stdout.lock())
        }
        Some(Command::Timeline {
            what,
            format,
            output,
        }) => crate::export::timeline::command(
            open_existing(&cli.store)?.graph(),
            &what,
            &format,
            output.as_deref(),
            &mut stdout.lock(),
        ),
        Some(Command::Stats { format, time }) if time.as_of.is_none() && time.at_tx.is_none() => {
            refuse_missing(&cli.store)?;
            let stats = Database::open_stats(&cli.store)?;
            let describe = cli.store.display().to_string();
            print_counts(
                &stats,
                &describe,
                format,
                stdout.is_terminal(),
                &mut stdout.lock(),
            )
        }
        Some(Command::Stats { format, time }) => {
            let db = history::view(open_existing(&cli.store)?, &time)?;
            print_stats(&db, format, stdout.is_terminal(), &mut stdout.lock())
        }
        Some(Command::Check) => {
            let db = open_existing(&cli.store)?;
            print_check(&db, &cli.store, &mut stdout.lock())
        }
        Some(Command::Backup { dest }) => {
            let db = open(&cli.store)?;
            let started = std::time::Instant::now();
            let bytes = db.backup(&dest)?;
            let stats = db.stats();
            println!(
                "{}: backed up to {} ({} nodes, {} relationships, {:.1} MB) in {:.2} s",
                cli.store.display(),
                dest.display(),
                stats.nodes,
                stats.relationships,
                bytes as f64 / (1 << 20) as f64,
                started.elapsed().as_secs_f64()
            );
            db.close_for_exit();
            Ok(())
        }
        Some(Command::Repl { time }) => {
            if time.as_of.is_none() && time.at_tx.is_none() {
                remote::shell(&cli.store)
            } else {
                crate::repl::run_viewed(open(&cli.store)?, time.as_of, time.at_tx)
            }
        }
        Some(Command::Serve {
            listen,
            token,
            max_body,
        }) => remote::serve(&cli.store, listen, token, max_body),
        None => {
            if std::io::stdin().is_terminal() {
                remote::shell(&cli.store)
            } else {
                let mut db = open(&cli.store)?;
                let (name, text) = read_script(Path::new("-"))?;
                run_script(
                    &mut db,
                    &name,
                    &text,
                    ResultFormatArg::resolve(None),
                    &TimeoutArg { timeout: None },
                )
            }
        }
    }
}

pub(crate) fn table_options() -> TableOptions {
    TableOptions::default()
}

pub(crate) use script::{read_script, run_script, run_script_in};
