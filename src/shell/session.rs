//! A shell session: the open store, the parameters and the display settings,
//! and the `:commands` that change them. Scripts (`claimgraph run`) use the same
//! session, so a script may hold `:param` lines too.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::cancel::Cancel;
use crate::db::Database;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::export::ExportFormat;
use crate::output::{self, OutputFormat, TableOptions};
use crate::query::Params;
use crate::result::ResultValue;
use crate::share::Shared;
use crate::value::Value;

use super::help::{more_help, HELP, HELP_KEYS};

/// What the caller should do after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// `:quit` was given.
    Quit,
}

/// The most rows a table shows in the shell unless `:max_rows` says otherwise.
pub const DEFAULT_MAX_ROWS: usize = 100;

/// How deeply nested a parameter value may be.
const MAX_VALUE_DEPTH: usize = 256;

/// The state of one shell or script run.
pub struct Session {
    pub(super) db: Shared,
    /// Parameters for `$name` in statements, set by `:param`.
    pub params: Params,
    /// How results are printed.
    pub format: OutputFormat,
    /// Whether to print how long each statement took.
    pub timing: bool,
    /// The most rows a table shows (`None`: all of them).
    pub max_rows: Option<usize>,
    /// The terminal's width, to fit tables in; `None` leaves tables at their natural width.
    pub width: Option<u16>,
    /// The inputs so far, oldest first, for `:history`.
    pub history: Vec<String>,
    cancel: Cancel,
    changed: bool,
    /// The store itself while a view of time is on (`:as-of`, `:at-tx`).
    pub(super) store: Option<Shared>,
    pub(super) view: super::time::TimeView,
}

impl Session {
    /// A session over `db`: tables, no timing, every row shown, no parameters.
    pub fn new(db: Database) -> Self {
        Session {
            db: crate::share::Store::new(db),
            params: Params::new(),
            format: OutputFormat::Table,
            timing: false,
            max_rows: None,
            width: None,
            history: Vec::new(),
            cancel: Cancel::new(),
            changed: false,
            store: None,
            view: Default::default(),
        }
    }

    /// A session over a store other processes use too (see [`crate::share`]):
    /// the store is locked for each statement only.
    pub fn shared(db: Shared) -> Self {
        let mut session = Session::new(Database::in_memory());
        session.db = db;
        session
    }

    /// The store, locked until the guard is dropped.
    pub fn db(&self) -> crate::share::Held<'_> {
        crate::share::lock(&self.db)
    }

    /// The store, locked until the guard is dropped.
    pub fn db_mut(&mut self) -> crate::share::Held<'_> {
        crate::share::lock(&self.db)
    }

    /// The store this session works on, to share with other users: the
    /// store itself, whatever view of time the session has on.
    pub fn handle(&self) -> Shared {
        self.store.as_ref().unwrap_or(&self.db).clone()
    }

    /// Closes the session, giving the store back (taken from under any other
    /// user of its handle, who is left an empty store).
    pub fn into_database(self) -> Database {
        let shared = self.store.unwrap_or(self.db);
        match Arc::try_unwrap(shared) {
            Ok(store) => store.into_inner(),
            Err(shared) => {
                std::mem::replace(&mut *crate::share::lock(&shared), Database::in_memory())
            }
        }
    }

    /// The flag that stops the running statement. It is cleared before each statement.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Uses `cancel` for the statements from now on (e.g. one with a timeout).
    pub fn set_cancel(&mut self, cancel: Cancel) {
        self.cancel = cancel;
    }

    /// Whether the store changed (a write, an import) since the last call.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Runs one item of input: a `:command` line or one statement.
    pub fn execute(&mut self, text: &str, out: &mut dyn Write) -> Result<Flow> {
        if text.trim_start().starts_with(':') {
            run_command(self, text, out)
        } else {
            self.run_statement(text, out)?;
            Ok(Flow::Continue)
        }
    }

    /// Runs one statement (a trailing `;` is allowed) and prints its result.
    pub fn run_statement(&mut self, text: &str, out: &mut dyn Write) -> Result<()> {
        let text = without_final_semicolon(text);
        self.cancel.reset();
        let started = Instant::now();
        // A statement that only reads runs on the last committed state,
        // beside a write in progress; one that writes takes the store in turn.
        let result = crate::share::for_statement(&self.db, Some(&text)).query_with(
            &text,
            &self.params,
            &self.cancel,
        )?;
        let elapsed = started.elapsed();
        if result.stats.is_some_and(|s| !s.is_empty()) {
            self.changed = true;
        }
        let options = TableOptions {
            max_width: self.width,
            max_rows: self.max_rows,
        };
        if self.format != output::OutputFormat::Json {
            out.flush()?;
            output::write_warnings(&result, &mut std::io::stderr())?;
        }
        output::write_result(&result, self.format, options, out)?;
        if self.timing {
            writeln!(out, "Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0)?;
        }
        out.flush()?;
        Ok(())
    }

    /// Evaluates a parameter value: a query expression, or JSON if it is not one.
    fn evaluate(&mut self, expr: &str, line: &str, expr_at: usize) -> Result<Value> {
        const PREFIX: &str = "RETURN ";
        // No alias after the value: an error at its end then names the end of
        // the input, not a word the user did not type.
        let query = format!("{PREFIX}{expr}");
        self.cancel.reset();
        let engine_error = match crate::share::for_statement(&self.db, Some(&query)).query_with(
            &query,
            &self.params,
            &self.cancel,
        ) {
            Ok(result) => {
                let value = result.rows.first().and_then(|row| row.first());
                return match value {
                    Some(v) => to_value(v, 0),
                    None => Err(Error::query("the value gave no result")),
                };
            }
            Err(e) => e,
        };
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(expr) {
            return Ok(Value::from_json(&json));
        }
        // Point the error at the command line rather than at the query built from it.
        Err(match engine_error {
            Error::Input(diags) => Error::Input(Diagnostics {
                items: diags
                    .items
                    .into_iter()
                    .map(|d| relocate(d, line, expr_at, PREFIX.len()))
                    .collect(),
                omitted: diags.omitted,
            }),
            Error::Query {
                message,
                diagnostic: Some(d),
                code,
            } => Error::Query {
                message,
                diagnostic: Some(Box::new(relocate(*d, line, expr_at, PREFIX.len()))),
                code,
            },
            other => other,
        })
    }
}

/// `text` with the `;` that ends it replaced by a space, so that positions in
/// error messages stay those of the text as typed.
fn without_final_semicolon(text: &str) -> String {
    let tokens = crate::query::syntax::lex::tokenize(text);
    match tokens.iter().rev().find(|t| t.is_significant()) {
        Some(t) if t.kind == crate::query::syntax::lex::TokenKind::Punct(';') => {
            let mut s = text.to_string();
            s.replace_range(t.start..t.end, " ");
            s
        }
        _ => text.to_string(),
    }
}

/// Moves a diagnostic about `RETURN <expr>` onto the command `line` whose
/// expression starts at byte `expr_at`.
fn relocate(d: Diagnostic, line: &str, expr_at: usize, prefix_len: usize) -> Diagnostic {
    if d.line != 1 {
        return d;
    }
    let expr_col = line[..expr_at.min(line.len())].chars().count() + 1;
    let column = d.column.saturating_sub(prefix_len).max(1) + expr_col - 1;
    Diagnostic {
        line: 1,
        column,
        line_text: line.trim_end_matches(['\r', '\n']).to_string(),
        ..d
    }
}

/// A result value as a parameter value; nodes, relationships and paths cannot be parameters.
fn to_value(v: &ResultValue, depth: usize) -> Result<Value> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Error::query("the value is nested too deeply"));
    }
    Ok(match v {
        ResultValue::Null => Value::Null,
        ResultValue::Bool(b) => Value::Bool(*b),
        ResultValue::Int(i) => Value::Int(*i),
        ResultValue::Float(f) => Value::Float(*f),
        ResultValue::String(s) => Value::String(s.clone()),
        ResultValue::Temporal(t) => Value::Temporal(t.clone()),
        ResultValue::List(items) => Value::List(
            items
                .iter()
                .map(|i| to_value(i, depth + 1))
                .collect::<Result<_>>()?,
        ),
        ResultValue::Map(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), to_value(v, depth + 1)?)))
                .collect::<Result<_>>()?,
        ),
        ResultValue::Node(_) | ResultValue::Relationship(_) | ResultValue::Path { .. } => {
            return Err(Error::query(
                "a parameter holds plain values; nodes, relationships and paths cannot be parameters",
            ))
        }
    })
}

/// How an error is shown to the user: input errors with their caret, the rest
/// after `error: `.
pub fn render_error(e: &Error) -> String {
    match e {
        Error::Input(d) if !d.is_empty() => d.to_string(),
        Error::Input(_) => "error: the input was refused".to_string(),
        Error::Query {
            diagnostic: Some(d),
            ..
        } => d.to_string(),
        Error::Cancelled(message) => message.clone(),
        other => format!("error: {other}"),
    }
}

/// The words of a command's arguments: split at spaces, with `"..."` or `'...'`
/// keeping spaces in one word. Returns each word and the byte where it starts.
pub(super) fn words(args: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut chars = args.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            for (_, n) in chars.by_ref() {
                if n == c {
                    break;
                }
                word.push(n);
            }
        } else {
            while let Some((_, n)) = chars.next_if(|&(_, n)| !n.is_whitespace()) {
                word.push(n);
            }
        }
        out.push((word, start));
    }
    out
}

/// A format of `:export`: any of the CLI's `export --format` names.
fn parse_export_format(name: &str) -> Result<ExportFormat> {
    name.parse().map_err(Error::query)
}

fn is_param_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Runs one shell `:command` line, printing to `out`.
pub fn run_command(session: &mut Session, line: &str, out: &mut dyn Write) -> Result<Flow> {
    let line = line.trim_end_matches(['\r', '\n']);
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let Some(rest) = body.strip_prefix(':') else {
        return Err(Error::query(format!(
            "`{body}` is not a command: commands start with ':' (see :help)"
        )));
    };
    let name_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let name = &rest[..name_len];
    // Byte offset of the arguments in `line`.
    let args_at = lead + 1 + name_len;
    let args = line[args_at..].trim();
    match name {
        "help" | "h" | "?" => {
            let topic = args.trim_start_matches(':');
            if topic.is_empty() {
                writeln!(out, "Commands:")?;
                let all = || {
                    HELP.iter()
                        .chain(super::source::HELP)
                        .chain(super::claims::HELP)
                        .chain(super::identity::HELP)
                };
                let width = all().map(|(c, _)| c.len()).max().unwrap_or(0);
                for (command, what) in all() {
                    writeln!(out, "  {command:<width$}  {what}")?;
                }
                writeln!(
                    out,
                    "  (:help claims lists the claims procedures and their YIELD columns)"
                )?;
                writeln!(out, "{HELP_KEYS}")?;
            } else {
                match more_help(topic)
                    .map(str::to_string)
                    .or_else(|| super::source::more_help(topic).map(str::to_string))
                    .or_else(|| super::claims::more_help(topic))
                    .or_else(|| super::identity::more_help(topic).map(str::to_string))
                {
                    Some(text) => writeln!(out, "{text}")?,
                    None => {
                        return Err(Error::query(format!(
                            "there is no command :{topic} (see :help)"
                        )))
                    }
                }
            }
        }
        "schema" => super::schema::print(&mut session.db(), out)?,
        "as-of" => super::time::command(session, super::time::Axis::AsOf, args, out)?,
        "at-tx" => super::time::command(session, super::time::Axis::AtTx, args, out)?,
        "param" => command_param(session, line, args_at, out)?,
        "params" => match args {
            "" => {
                if session.params.is_empty() {
                    writeln!(out, "No parameters (set one with :param NAME => VALUE)")?;
                }
                for (name, value) in &session.params {
                    writeln!(out, "${name} => {value}")?;
                }
            }
            "clear" => {
                session.params.clear();
                writeln!(out, "Parameters cleared")?;
            }
            other => {
                return Err(Error::query(format!(
                    ":params takes no argument but `clear`, not `{other}`"
                )))
            }
        },
        "import" => {
            let files = words(args);
            if files.is_empty() {
                return Err(Error::query(":import needs a file: :import FILE..."));
            }
            session.cancel.reset();
            let source = super::import::Source {
                cwd: None,
                stdin: None,
                cancel: &session.cancel,
                progress: true,
            };
            let reading = super::import::Reading::Items(None);
            for (file, _) in files {
                let path = PathBuf::from(&file);
                // Readers beside the shell go on meanwhile; Ctrl-C stops it
                // with nothing of this file written.
                let mut db = crate::share::lock_long(&session.db);
                let summary = super::import::import_one(&mut db, &path, &reading, &source);
                drop(db);
                // Even a refused import may have been preceded by others that landed.
                session.changed = true;
                let summary = summary?;
                writeln!(out, "{}", super::describe_import(&path, &summary))?;
            }
        }
        "export" => {
            let parts = words(args);
            let (Some((format, _)), Some((file, _))) = (parts.first(), parts.get(1)) else {
                return Err(Error::query(
                    ":export needs a format and a file: :export FORMAT FILE [QUERY]",
                ));
            };
            let format = parse_export_format(format)?;
            let query = parts
                .get(2)
                .map(|(_, at)| without_final_semicolon(&args[*at..]).trim().to_string());
            let path = Path::new(file);
            session.cancel.reset();
            crate::export::export_with(
                &mut session.db(),
                query.as_deref(),
                &session.params,
                format,
                Some(path),
                &session.cancel,
            )?;
            session.changed = true;
            writeln!(out, "Wrote {}", path.display())?;
        }
        "format" => match args {
            "" => writeln!(out, "format: {}", format_name(session.format))?,
            other => {
                session.format = other.parse().map_err(Error::query)?;
            }
        },
        "timing" => match args {
            "" => writeln!(out, "timing: {}", if session.timing { "on" } else { "off" })?,
            "on" => session.timing = true,
            "off" => session.timing = false,
            other => {
                return Err(Error::query(format!(
                    ":timing takes on or off, not `{other}`"
                )))
            }
        },
        "max_rows" => match args {
            "" => match session.max_rows {
                Some(n) => writeln!(out, "max_rows: {n}")?,
                None => writeln!(out, "max_rows: 0 (all rows)")?,
            },
            other => {
                let n: usize = other.parse().map_err(|_| {
                    Error::query(format!(
                        ":max_rows takes a number of rows (0 for all), not `{other}`"
                    ))
                })?;
                session.max_rows = (n > 0).then_some(n);
            }
        },
        own if super::source::is_command(own) => {
            return super::source::run(session, own, args, out)
        }
        decision if super::identity::is_command(decision) => {
            let done = super::identity::run(&mut session.db(), decision, args, out);
            session.changed = true;
            done?
        }
        claims if super::claims::is_command(claims) => {
            super::claims::run(&session.db(), claims, args, out)?
        }
        "quit" | "exit" | "q" => return Ok(Flow::Quit),
        "" => return Err(Error::query("a command name follows ':' (see :help)")),
        other => {
            let known: Vec<&str> = HELP
                .iter()
                .chain(super::source::HELP)
                .chain(super::claims::HELP)
                .chain(super::identity::HELP)
                .map(|(c, _)| c.split_whitespace().next().unwrap_or(c))
                .collect();
            // Every command name starts with the one-byte ':'.
            let close = known
                .iter()
                .find(|k| k[1..].starts_with(other) || other.starts_with(&k[1..]))
                .or_else(|| {
                    let near = crate::textmatch::nearest(other, known.iter().map(|k| &k[1..]), 1);
                    known.iter().find(|k| near.first() == Some(&&k[1..]))
                });
            let hint = match close {
                Some(k) => format!("; did you mean {k}?"),
                None => String::new(),
            };
            return Err(Error::query(format!(
                "unknown command :{other}{hint} (see :help)"
            )));
        }
    }
    out.flush()?;
    Ok(Flow::Continue)
}

fn format_name(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Table => "table",
        OutputFormat::Json => "json",
        OutputFormat::Csv => "csv",
    }
}

/// `:param NAME => VALUE`, `:param {a: 1, ...}` or `:param NAME`.
fn command_param(
    session: &mut Session,
    line: &str,
    args_at: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let raw = &line[args_at..];
    let args = raw.trim();
    let args_at = args_at + (raw.len() - raw.trim_start().len());
    if args.is_empty() {
        return Err(Error::query(
            ":param needs a name and a value: :param NAME => VALUE",
        ));
    }
    if args.starts_with('{') {
        let Value::Map(map) = session.evaluate(args, line, args_at)? else {
            return Err(Error::query(":param {...} needs a map of names to values"));
        };
        for (name, value) in map {
            writeln!(out, "${name} => {value}")?;
            session.params.insert(name, value);
        }
        return Ok(());
    }
    let (name, expr, expr_at) = match args.find("=>") {
        Some(arrow) => {
            let after = &args[arrow + 2..];
            let expr_at = args_at + arrow + 2 + (after.len() - after.trim_start().len());
            (args[..arrow].trim(), after.trim(), expr_at)
        }
        None => (args, "", line.len()),
    };
    let name = name.strip_prefix('$').unwrap_or(name);
    if !is_param_name(name) {
        return Err(Error::query(format!(
            "`{name}` is not a parameter name: use letters, digits and _ (:param NAME => VALUE)"
        )));
    }
    if args.find("=>").is_none() {
        return match session.params.get(name) {
            Some(value) => {
                writeln!(out, "${name} => {value}")?;
                Ok(())
            }
            None => Err(Error::query(format!(
                "${name} is not set; set it with :param {name} => VALUE"
            ))),
        };
    }
    if expr.is_empty() {
        return Err(Error::query(format!(
            ":param {name} => needs a value after =>"
        )));
    }
    let value = session.evaluate(expr, line, expr_at)?;
    writeln!(out, "${name} => {value}")?;
    session.params.insert(name.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(session: &mut Session, line: &str) -> Result<String> {
        let mut out = Vec::new();
        run_command(session, line, &mut out)?;
        Ok(String::from_utf8(out).expect("utf-8"))
    }

    #[test]
    fn params_fall_back_to_json() {
        let mut s = Session::new(Database::in_memory());
        run(&mut s, ":param who => \"Yevgeny Prigozhin\"").unwrap();
        run(&mut s, ":param $n=>[1, 2.5, {\"a\": null}]").unwrap();
        assert_eq!(s.params["who"], Value::from("Yevgeny Prigozhin"));
        assert_eq!(
            s.params["n"],
            Value::List(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::Map([("a".to_string(), Value::Null)].into())
            ])
        );
        let listed = run(&mut s, ":params").unwrap();
        assert!(listed.contains("$who => 'Yevgeny Prigozhin'"), "{listed}");
        assert!(run(&mut s, ":param who").unwrap().contains("Prigozhin"));
        run(&mut s, ":params clear").unwrap();
        assert!(s.params.is_empty());
    }

    #[test]
    fn a_bad_value_is_shown_on_the_command_line() {
        let mut s = Session::new(Database::in_memory());
        let line = ":param x => [1, 2";
        let err = run(&mut s, line).unwrap_err();
        let shown = render_error(&err);
        assert!(matches!(err, Error::Input(_)), "{err:?}");
        assert!(shown.contains(&format!("| {line}")), "{shown}");
        let caret = shown.lines().last().unwrap_or("").find('^');
        let query = shown.lines().find(|l| l.contains(line)).unwrap_or("");
        let expr_at = query.find('[').expect("the value");
        assert!(caret.is_some_and(|c| c >= expr_at), "{shown}");
        assert!(!shown.contains("RETURN"), "{shown}");
    }

    #[test]
    fn bad_params_are_refused() {
        let mut s = Session::new(Database::in_memory());
        assert!(run(&mut s, ":param 1x => 1").is_err());
        assert!(run(&mut s, ":param x =>").is_err());
        assert!(run(&mut s, ":param x").is_err());
        assert!(s.params.is_empty());
    }

    #[test]
    fn settings_change_and_show() {
        let mut s = Session::new(Database::in_memory());
        run(&mut s, ":format csv").unwrap();
        assert_eq!(s.format, OutputFormat::Csv);
        assert!(run(&mut s, ":format xml").is_err());
        run(&mut s, ":timing on").unwrap();
        assert!(s.timing);
        run(&mut s, ":max_rows 5").unwrap();
        assert_eq!(s.max_rows, Some(5));
        run(&mut s, ":max_rows 0").unwrap();
        assert_eq!(s.max_rows, None);
        assert!(run(&mut s, ":max_rows many").is_err());
        assert_eq!(
            run_command(&mut s, ":quit", &mut Vec::new()).unwrap(),
            Flow::Quit
        );
        let err = run(&mut s, ":schem").unwrap_err().to_string();
        assert!(err.contains("did you mean :schema"), "{err}");
    }

    #[test]
    fn schema_counts_labels_and_keys() {
        let mut db = Database::in_memory();
        db.write(|txn| {
            let mut props = crate::value::Properties::new();
            props.insert("name".into(), Value::from("Bakhmut"));
            let a = txn.create_node(vec!["Place".into()], props.clone())?;
            props.insert("name".into(), Value::from("Wagner Group"));
            let b = txn.create_node(vec!["Organisation".into()], props)?;
            txn.create_relationship(a, "NEAR", b, Default::default())?;
            Ok(())
        })
        .unwrap();
        let mut s = Session::new(db);
        let text = run(&mut s, ":schema").unwrap();
        assert!(text.contains("Node labels (2):"), "{text}");
        assert!(text.contains("Place"), "{text}");
        assert!(text.contains("keys: name"), "{text}");
        assert!(text.contains("NEAR"), "{text}");
        assert!(text.contains("key: name"), "{text}");
        assert!(text.contains("(Place)->(Organisation)"), "{text}");
    }

    #[test]
    fn import_adds_to_the_store_and_marks_it_changed() {
        let mut s = Session::new(Database::in_memory());
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakhmut.triples");
        let text = run(&mut s, &format!(":import \"{}\"", file.display())).unwrap();
        assert!(text.contains("added 1 article"), "{text}");
        assert!(s.take_changed());
        assert!(!s.take_changed());
        let catalog = crate::repl::Catalog::from_graph(s.db().graph());
        assert!(
            catalog.names.iter().any(|n| n.name == "Yevgeny Prigozhin"),
            "{:?}",
            catalog.names
        );
        assert!(catalog.labels.iter().any(|l| l == "Statement"));
        assert!(catalog.types.iter().any(|t| t == "DENIES"));
        assert!(catalog.keys.iter().any(|k| k == "article"));
        let err = run(&mut s, ":import").unwrap_err();
        assert!(err.to_string().contains(":import needs a file"), "{err}");
    }

    #[test]
    fn export_writes_the_subgraph_of_a_query() {
        let mut s = Session::new(Database::in_memory());
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bakhmut.triples");
        run(&mut s, &format!(":import \"{}\"", file.display())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("places out.json");
        let text = run(
            &mut s,
            &format!(
                ":export json \"{}\" MATCH (p:Place) RETURN p;",
                out.display()
            ),
        )
        .unwrap();
        assert!(text.contains("Wrote"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let nodes = json["nodes"].as_array().expect("nodes");
        let places = s.db().graph().label_count("Place");
        assert!(places > 0);
        assert_eq!(nodes.len(), places, "{json}");
        let err = run(&mut s, ":export xml out.xml").unwrap_err();
        assert!(err.to_string().contains("unknown export format"), "{err}");
        let err = run(&mut s, ":export json").unwrap_err();
        assert!(
            err.to_string().contains("needs a format and a file"),
            "{err}"
        );
    }

    #[test]
    fn help_lists_every_command() {
        let mut s = Session::new(Database::in_memory());
        let text = run(&mut s, ":help").unwrap();
        for command in [":schema", ":param", ":import", ":export", ":max_rows"] {
            assert!(text.contains(command), "{command} in {text}");
        }
        assert!(run(&mut s, ":help export").unwrap().contains("neo4j-csv"));
    }

    #[test]
    fn words_keep_quoted_spaces() {
        let w = words(r#"json "my file.json" MATCH (n)"#);
        assert_eq!(w[1].0, "my file.json");
        assert_eq!(w[2], ("MATCH".to_string(), 20));
    }

    #[test]
    fn final_semicolons_become_spaces() {
        assert_eq!(without_final_semicolon("RETURN 1;"), "RETURN 1 ");
        assert_eq!(without_final_semicolon("RETURN ';'"), "RETURN ';'");
    }
}
