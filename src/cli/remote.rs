//! Commands on a store another claimgraph process holds: this side sends
//! the command line to the holder's socket and prints what comes back; the
//! holder's side ([`handle`]) runs it as the command would run in process,
//! with the same printing and the same errors.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use super::*;
use crate::share::proto::{Request, Response};
use crate::share::{self, Shared};

/// Sends the command to the process holding its store, if one serves it,
/// and returns the exit status to end with; `None` runs it in process.
pub(super) fn forward(cli: &Cli) -> Option<ExitCode> {
    let stdin = match &cli.command {
        None | Some(Command::Repl { .. }) | Some(Command::Serve { .. }) => false,
        Some(Command::Import { files, .. }) if files.iter().any(|f| f == Path::new("-")) => true,
        Some(Command::Run { file, .. }) => file == Path::new("-"),
        Some(_) => false,
    };
    if !crate::share::socket_path(&cli.store).exists() {
        return None;
    }
    let stdin = stdin.then(|| {
        let mut bytes = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut bytes);
        bytes
    });
    let request = Request {
        args: std::env::args().skip(1).collect(),
        cwd: std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
        stdin,
        stdout_terminal: std::io::stdout().is_terminal(),
    };
    match crate::share::client::forward(&cli.store, &request) {
        Ok(None) => None,
        Ok(Some(Response::Done {
            status,
            stdout,
            stderr,
        })) => {
            let _ = std::io::stdout().write_all(&stdout);
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().write_all(&stderr);
            Some(ExitCode::from(status))
        }
        Ok(Some(Response::Refused { message })) => {
            eprintln!("error: {message}");
            Some(ExitCode::from(1))
        }
        Err(e) => {
            if wants_json_errors(cli) {
                eprintln!("{}", e.to_json());
            } else {
                report(&e);
            }
            Some(ExitCode::from(1))
        }
    }
}

/// The shell, holding the store and serving it to other commands.
pub(super) fn shell(store: &Path) -> Result<()> {
    let shared: Shared = share::Store::new(open(store)?);
    let _listener = share::server::listen(shared.clone(), store, Arc::new(handle))?;
    crate::repl::run_shared(shared)
}

/// `serve`: HTTP, and the store's socket for the commands beside it.
pub(super) fn serve(
    store: &Path,
    listen: std::net::SocketAddr,
    token: Option<String>,
    max_body: usize,
) -> Result<()> {
    let shared: Shared = share::Store::new(open(store)?);
    let _listener = share::server::listen(shared.clone(), store, Arc::new(handle))?;
    crate::serve::run(
        shared,
        crate::serve::Options {
            listen,
            token: token.filter(|t| !t.is_empty()),
            max_body,
            max_result: crate::serve::MAX_RESULT,
        },
    )
}

/// Runs one forwarded command on the held store: the holder's side of the
/// socket, where the sending side is `cli/remote.rs`'s `forward`.
pub fn handle(db: &Shared, request: Request, hangup: Cancel) -> Response {
    let cli = match Cli::try_parse_from(
        std::iter::once("claimgraph".to_string()).chain(request.args.iter().cloned()),
    ) {
        Ok(cli) => cli,
        Err(e) => {
            return Response::Done {
                status: e.exit_code().clamp(0, 255) as u8,
                stdout: Vec::new(),
                stderr: e.render().ansi().to_string().into_bytes(),
            }
        }
    };
    let json_errors = wants_json_errors(&cli);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let ctx = Context {
        cwd: PathBuf::from(&request.cwd),
        stdin: request.stdin.unwrap_or_default(),
        terminal: request.stdout_terminal,
        hangup,
    };
    let status = match run_held(cli, db, &ctx, &mut stdout, &mut stderr) {
        Ok(()) => 0,
        Err(e) => {
            let text = if json_errors {
                Some(e.to_json().to_string())
            } else {
                render_report(&e)
            };
            if let Some(text) = text {
                let _ = writeln!(stderr, "{text}");
            }
            1
        }
    };
    Response::Done {
        status,
        stdout,
        stderr,
    }
}

/// What a forwarded command brings from its process.
struct Context {
    cwd: PathBuf,
    stdin: Vec<u8>,
    terminal: bool,
    hangup: Cancel,
}

impl Context {
    /// A path of the command line, as the client's working directory means it.
    fn path(&self, p: &Path) -> PathBuf {
        self.cwd.join(p)
    }

    fn cancel(&self, timeout: &TimeoutArg) -> Cancel {
        self.hangup.sharing_with_timeout(timeout.timeout)
    }
}

fn run_held(
    cli: Cli,
    db: &Shared,
    ctx: &Context,
    out: &mut Vec<u8>,
    err: &mut Vec<u8>,
) -> Result<()> {
    match cli.command {
        None | Some(Command::Repl { .. }) | Some(Command::Serve { .. }) => Err(Error::query(format!(
            "the store {} is open in another claimgraph process; use that shell, or run `claimgraph query`, `run` or `export` beside it",
            cli.store.display()
        ))),
        Some(Command::Query {
            query,
            params,
            format,
            timeout,
            time,
        }) => {
            let params = params_of(params);
            let cancel = ctx.cancel(&timeout);
            let format = ResultFormatArg::resolve_for(format, ctx.terminal);
            let mut print = |db: &mut Database| print_query(db, &query, &params, format, &cancel, out, err);
            match viewed(db, &time)? {
                Some(mut view) => print(&mut view),
                None => print(&mut share::for_statement(db, Some(&query))),
            }
        }
        Some(Command::Stats { format, time }) => match viewed(db, &time)? {
            Some(view) => print_stats(&view, format, ctx.terminal, out),
            None => print_stats(&share::snapshot(db), format, ctx.terminal, out),
        },
        Some(Command::Log { format }) => history::log(&share::snapshot(db), format, ctx.terminal, out),
        Some(Command::Diff { n, m, format }) => {
            history::diff(&share::snapshot(db), (n, m), format, ctx.terminal, out)
        }
        Some(Command::Compact { before }) => history::compact(&mut share::lock(db), before, out),
        Some(Command::Merge {
            kind,
            keep,
            other,
            reason,
        }) => identity::merge(
            &mut share::lock(db),
            (&kind, &keep, &other),
            reason.as_deref(),
            out,
            err,
        ),
        Some(Command::Unmerge { tx }) => identity::unmerge(&mut share::lock(db), tx, out, err),
        Some(Command::Distinct {
            kind,
            a,
            b,
            reason,
        }) => identity::distinct(
            &mut share::lock(db),
            (&kind, &a, &b),
            reason.as_deref(),
            out,
            err,
        ),
        Some(Command::Decisions { format }) => {
            identity::decisions(&share::snapshot(db), format, ctx.terminal, out)
        }
        Some(Command::Timeline {
            what,
            format,
            output,
        }) => crate::export::timeline::command(
            share::snapshot(db).graph(),
            &what,
            &format,
            output.map(|o| ctx.path(&o)).as_deref(),
            out,
        ),
        Some(Command::Export {
            query,
            params,
            format,
            output,
            timeout,
            time,
        }) => {
            let params = params_of(params);
            let mut export = |db: &mut Database| {
                crate::export::export_to(
                    db,
                    query.as_deref(),
                    &params,
                    format.into(),
                    output.as_ref().map(|o| ctx.path(o)).as_deref(),
                    &ctx.cancel(&timeout),
                    out,
                )
            };
            match viewed(db, &time)? {
                Some(mut view) => export(&mut view),
                None => export(&mut share::for_statement(db, query.as_deref())),
            }
        }
        Some(Command::Check) => print_check(&share::snapshot(db), &cli.store, out),
        Some(Command::Backup { dest }) => {
            // A snapshot: the state after the last committed transaction,
            // written beside any write in progress.
            let db = share::snapshot(db);
            let bytes = db.backup(&ctx.path(&dest))?;
            let stats = db.stats();
            writeln!(
                out,
                "{}: backed up to {} ({} nodes, {} relationships, {:.1} MB)",
                cli.store.display(),
                dest.display(),
                stats.nodes,
                stats.relationships,
                bytes as f64 / (1 << 20) as f64,
            )?;
            Ok(())
        }
        Some(Command::Run {
            file,
            format,
            timeout,
            time,
        }) => {
            let (name, text) = if file == Path::new("-") {
                ("<stdin>".to_string(), String::from_utf8_lossy(&ctx.stdin).into_owned())
            } else {
                let (_, text) = read_script(&ctx.path(&file))?;
                (file.display().to_string(), text)
            };
            let mut session = match viewed(db, &time)? {
                Some(view) => crate::repl::Session::new(view),
                None => crate::repl::Session::shared(db.clone()),
            };
            session.format = ResultFormatArg::resolve_for(format, ctx.terminal);
            run_script_in(&mut session, &name, &text, &|| ctx.cancel(&timeout), out)
        }
        Some(Command::Import {
            files,
            format,
            dry_run,
            mapping,
        }) => {
            if dry_run {
                return Err(Error::query(
                    "`import --dry-run` cannot run on a store another claimgraph process holds; run it when that process has ended, or on a copy (`claimgraph backup DEST`)",
                ));
            }
            let mapping = mapping.map(|m| ctx.path(&m));
            let reading = import::reading(format, mapping.as_deref(), &files)?;
            let source = crate::shell::import::Source {
                cwd: Some(&ctx.cwd),
                stdin: Some(&ctx.stdin),
                cancel: &ctx.hangup,
                progress: false,
            };
            let mut held = share::lock_long(db);
            import::import_files(&mut held, &files, &reading, false, &source, out, err)
        }
    }
}

/// The view of time a forwarded command asks for (`--at-tx`, `--as-of`).
fn viewed(db: &Shared, time: &TimeArgs) -> Result<Option<Database>> {
    share::view(db, time.as_of.as_deref(), time.at_tx)
}
