//! The interactive shell.
//!
//! A line editor (rustyline) reads statements that may span lines and end with
//! `;` (every line after the first, and inside an open quote, has the
//! continuation prompt `        -> `) and `:commands`; each is
//! run through a [`Session`], which holds the store, the parameters and the
//! display settings. While a statement runs, Ctrl-C sets the session's
//! [`crate::Cancel`] flag, so the statement stops and the shell goes on.
//!
//! When standard input is not a terminal the same loop reads it as a script,
//! without prompts, and reports errors as it goes.

mod complete;
mod helper;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::db::Database;
use crate::error::{Error, Result};
use crate::query::script::{self, ItemKind};

pub use crate::shell::{render_error, run_command, Flow, Session, DEFAULT_MAX_ROWS};
pub use complete::Catalog;

use helper::ShellHelper;

/// The environment variable that names the history file; empty turns history off.
pub const HISTORY_ENV: &str = "CLAIMGRAPH_HISTORY";

const PROMPT: &str = "claimgraph> ";
const CONTINUATION_PROMPT: &str = "        -> ";
/// How many statements the history keeps.
const HISTORY_SIZE: usize = 5000;

/// How the shell is set up.
#[derive(Clone, Debug, Default)]
pub struct ShellOptions {
    /// The history file; `None` keeps history for this session only.
    pub history: Option<PathBuf>,
}

impl ShellOptions {
    /// The history file from `$CLAIMGRAPH_HISTORY`, else `claimgraph/history`
    /// under `$XDG_DATA_HOME` or `~/.local/share`.
    pub fn from_env() -> Self {
        ShellOptions {
            history: history_path(),
        }
    }
}

fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(HISTORY_ENV) {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        })?;
    Some(data.join("claimgraph").join("history"))
}

/// Runs the shell over `db` until the user leaves, with the history file from
/// the environment (see [`ShellOptions::from_env`]).
pub fn run(db: Database) -> Result<()> {
    run_with(db, ShellOptions::from_env())
}

/// Runs the shell over `db` with views of time on from the start
/// (`repl --as-of DATE --at-tx N`).
pub fn run_viewed(db: Database, as_of: Option<String>, at_tx: Option<u64>) -> Result<()> {
    let mut session = Session::new(db);
    session.set_time_view(crate::shell::time::TimeView { as_of, at_tx })?;
    run_session(session, ShellOptions::from_env())
}

/// Runs the shell over `db` until the user leaves.
pub fn run_with(db: Database, options: ShellOptions) -> Result<()> {
    run_session(Session::new(db), options)
}

/// Runs the shell over a store other processes use through this one (see
/// [`crate::share`]), with the history file from the environment.
pub fn run_shared(db: crate::share::Shared) -> Result<()> {
    run_session(Session::shared(db), ShellOptions::from_env())
}

fn run_session(mut session: Session, options: ShellOptions) -> Result<()> {
    session.max_rows = Some(DEFAULT_MAX_ROWS);
    if !io::stdin().is_terminal() {
        return run_piped(&mut session);
    }
    Interactive::new(session, options)?.run()
}

/// Reads standard input as a script: statements and commands run as they are
/// complete; errors are reported and the input goes on.
fn run_piped(session: &mut Session) -> Result<()> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut buffer = String::new();
    for line in stdin.lock().lines() {
        let line = line?;
        buffer.push_str(&line);
        buffer.push('\n');
        if !is_complete(&buffer) && shortcut(&buffer).is_none() {
            continue;
        }
        let input = std::mem::take(&mut buffer);
        if run_input(session, &input, &mut stdout.lock()) == Flow::Quit {
            return Ok(());
        }
    }
    if !buffer.trim().is_empty() {
        // A last statement without its `;` still runs.
        run_input(session, &buffer, &mut stdout.lock());
    }
    Ok(())
}

/// Whether a buffer is ready to run: empty, a `:command`, or statements ended by `;`.
pub fn is_complete(buffer: &str) -> bool {
    buffer.trim().is_empty() || script::is_complete(buffer)
}

/// Words that people used to other shells type to leave or ask for help,
/// mapped to our commands.
fn shortcut(input: &str) -> Option<&'static str> {
    match input.trim().trim_end_matches(';').trim() {
        "exit" | "quit" | ".quit" | ".exit" | "\\q" => Some(":quit"),
        "help" | ".help" | "\\?" | "\\h" => Some(":help"),
        ".schema" | ".tables" => Some(":schema"),
        _ => None,
    }
}

/// Runs each statement and command of `input`, printing results to `out` and
/// errors to standard error. Stops at the first error or at `:quit`.
fn run_input(session: &mut Session, input: &str, out: &mut dyn Write) -> Flow {
    let input = shortcut(input).unwrap_or(input);
    remember(session, input);
    for item in script::split(input) {
        let outcome = match item.kind {
            ItemKind::Command => run_command(session, &item.text, out),
            ItemKind::Statement => session
                .run_statement(&item.text, out)
                .map(|()| Flow::Continue),
        };
        let _ = out.flush();
        match outcome {
            Ok(Flow::Continue) => {}
            Ok(Flow::Quit) => return Flow::Quit,
            Err(e) => {
                eprintln!("{}", render_error(&e));
                break;
            }
        }
    }
    Flow::Continue
}

/// Keeps `input` for `:history`, unless it repeats the last one.
fn remember(session: &mut Session, input: &str) {
    let entry = input.trim_end();
    if entry.is_empty() || session.history.last().is_some_and(|l| l == entry) {
        return;
    }
    session.history.push(entry.to_string());
    let kept = crate::shell::source::HISTORY_KEPT;
    if session.history.len() > kept {
        session.history.drain(..session.history.len() - kept);
    }
}

/// What the Ctrl-C handler shares with the shell.
#[derive(Clone)]
struct Interrupts {
    /// The running statement's cancel flag.
    cancel: Arc<AtomicBool>,
    /// Whether a statement or command is running (rather than a line being typed).
    running: Arc<AtomicBool>,
    /// Ctrl-C presses during the current statement.
    presses: Arc<AtomicUsize>,
}

impl Interrupts {
    /// Installs the process's Ctrl-C handler. Returns `None` when another handler
    /// is already installed (then Ctrl-C during a statement ends the process).
    fn install(cancel: Arc<AtomicBool>) -> Option<Interrupts> {
        let shared = Interrupts {
            cancel,
            running: Arc::new(AtomicBool::new(false)),
            presses: Arc::new(AtomicUsize::new(0)),
        };
        let handler = shared.clone();
        ctrlc::set_handler(move || {
            handler.cancel.store(true, Ordering::Relaxed);
            if !handler.running.load(Ordering::Relaxed) {
                return;
            }
            let presses = handler.presses.fetch_add(1, Ordering::Relaxed) + 1;
            if presses == 2 {
                eprintln!("\nStopping the statement… (Ctrl-C once more leaves claimgraph)");
            } else if presses >= 3 {
                // The statement did not stop: leave. Nothing it did is committed,
                // because a statement commits as one batch at its end.
                eprintln!("\nLeaving claimgraph");
                std::process::exit(130);
            }
        })
        .ok()?;
        Some(shared)
    }

    fn begin(&self) {
        self.presses.store(0, Ordering::Relaxed);
        self.running.store(true, Ordering::Relaxed);
    }

    fn end(&self) {
        self.running.store(false, Ordering::Relaxed);
    }
}

/// The width of the terminal on standard output, asked of it now.
fn terminal_width() -> Option<u16> {
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ fills the `winsize` it is given, or fails.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The shell on a terminal.
struct Interactive {
    session: Session,
    editor: Editor<ShellHelper, FileHistory>,
    history: Option<PathBuf>,
    interrupts: Option<Interrupts>,
}

fn editor_error(e: ReadlineError) -> Error {
    match e {
        ReadlineError::Io(e) => Error::Stream(e),
        other => Error::Stream(io::Error::other(other)),
    }
}

impl Interactive {
    fn new(session: Session, options: ShellOptions) -> Result<Self> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .build();
        let mut editor: Editor<ShellHelper, FileHistory> =
            Editor::with_config(config).map_err(editor_error)?;
        editor
            .set_max_history_size(HISTORY_SIZE)
            .map_err(editor_error)?;
        editor.set_history_ignore_dups(true).map_err(editor_error)?;
        let colour = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        editor.set_helper(Some(ShellHelper::new(
            Catalog::from_graph(session.db().graph()),
            colour,
        )));
        if let Some(path) = &options.history {
            if path.exists() {
                if let Err(e) = editor.load_history(path) {
                    eprintln!(
                        "warning: could not read the history {}: {e}",
                        path.display()
                    );
                }
            } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if let Err(e) = std::fs::create_dir_all(dir) {
                    eprintln!(
                        "warning: could not create {} for the history: {e}",
                        dir.display()
                    );
                }
            }
        }
        let mut session = session;
        session.history = editor.history().iter().cloned().collect();
        let interrupts = Interrupts::install(session.cancel().flag());
        if interrupts.is_none() {
            eprintln!("warning: Ctrl-C will end claimgraph rather than stop a statement");
        }
        Ok(Interactive {
            session,
            editor,
            history: options.history,
            interrupts,
        })
    }

    fn banner(&self) {
        let db = self.session.db();
        let stats = db.stats();
        let store = db
            .path()
            .map_or_else(|| db.describe(), |p| p.display().to_string());
        println!(
            "claimgraph {} — store {store}: {}, {}, {}",
            env!("CARGO_PKG_VERSION"),
            plural(stats.nodes, "node", "nodes"),
            plural(stats.relationships, "relationship", "relationships"),
            plural(stats.articles, "article", "articles"),
        );
        println!("Statements end with ';'. :help for help, Tab completes, Ctrl-D leaves.");
    }

    fn run(mut self) -> Result<()> {
        self.banner();
        let mut history_warned = false;
        let mut pending = String::new();
        loop {
            self.session.width = self.editor.dimensions().map(|(w, _)| w);
            if let Some(helper) = self.editor.helper_mut() {
                helper.catalog.params = self.session.params.keys().cloned().collect();
            }
            // The editor gives one line at a time: the lines of a statement
            // (and of a quote left open) are gathered here, each after the
            // first under the continuation prompt.
            let viewed;
            let prompt = match self.session.time_view().describe() {
                Some(view) if pending.is_empty() => {
                    viewed = format!("claimgraph [{view}]> ");
                    viewed.as_str()
                }
                _ if pending.is_empty() => PROMPT,
                _ => CONTINUATION_PROMPT,
            };
            let line = match self.editor.readline(prompt) {
                Ok(line) => line,
                // Ctrl-C abandons the input; a new prompt follows.
                Err(ReadlineError::Interrupted) => {
                    pending.clear();
                    continue;
                }
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(editor_error(e)),
            };
            if pending.is_empty() && line.trim().is_empty() {
                continue;
            }
            pending.push_str(&line);
            if !is_complete(&pending) && shortcut(&pending).is_none() {
                pending.push('\n');
                continue;
            }
            let input = std::mem::take(&mut pending);
            let entry = input.trim_end();
            if let Err(e) = self.editor.add_history_entry(entry) {
                eprintln!("warning: could not add to the history: {e}");
            }
            if let Some(path) = &self.history {
                if let Err(e) = self.editor.append_history(path) {
                    if !history_warned {
                        eprintln!(
                            "warning: could not save the history to {}: {e}",
                            path.display()
                        );
                        history_warned = true;
                    }
                }
            }
            // The width as it is now: the window may have changed while the
            // line was typed.
            self.session.width = terminal_width().or(self.session.width);
            if let Some(i) = &self.interrupts {
                i.begin();
            }
            let stdout = io::stdout();
            let flow = run_input(&mut self.session, &input, &mut stdout.lock());
            if let Some(i) = &self.interrupts {
                i.end();
            }
            if self.session.take_changed() {
                if let Some(helper) = self.editor.helper_mut() {
                    helper.catalog = Catalog::from_graph(self.session.db().graph());
                }
            }
            if flow == Flow::Quit {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_and_commands_are_complete() {
        assert!(is_complete(""));
        assert!(is_complete("  \n"));
        assert!(is_complete(":help"));
        assert!(is_complete("MATCH (n)\nRETURN n; // done"));
        assert!(!is_complete("MATCH (n)\nRETURN n"));
        assert!(!is_complete("RETURN ';"));
    }

    #[test]
    fn shortcuts_for_other_shells() {
        assert_eq!(shortcut("exit"), Some(":quit"));
        assert_eq!(shortcut(" quit; "), Some(":quit"));
        assert_eq!(shortcut(".schema"), Some(":schema"));
        assert_eq!(shortcut("RETURN 1;"), None);
    }
}
