//! The interactive shell, driven through a real pseudo-terminal: what a user
//! types, key by key, and what they see.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use claimgraph::value::{Properties, Value};
use claimgraph::Database;
use expectrl::{Eof, Session};

const PROMPT: &str = "claimgraph> ";
/// A prompt over an empty line, as the editor draws it when it starts reading a
/// new input (the cursor is put back after the prompt). Redrawing a line being
/// edited writes the prompt followed by the text instead, so this marks the
/// moment the shell is ready for keys: keys sent earlier, between two inputs,
/// may be read with the previous input and dropped.
const FRESH_PROMPT: &str = "claimgraph> \r";
/// The prompt of a statement's next line, as the editor draws it for a new line.
const CONTINUATION: &str = "        -> \r";
/// The longest any step may take on a busy machine.
const STEP: Duration = Duration::from_secs(10);
/// How soon Ctrl-C must give the prompt back.
const PROMPT_AFTER_CTRL_C: Duration = Duration::from_secs(1);

/// A temporary store and history file for one test.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn store(&self) -> std::path::PathBuf {
        self.dir.path().join("store")
    }

    fn history(&self) -> std::path::PathBuf {
        self.dir.path().join("data").join("history")
    }

    /// Puts two actors, an organisation and a relationship in the store.
    fn with_people(self) -> Self {
        let mut db = Database::open(self.store()).expect("open the store");
        db.write(|txn| {
            let person = |name: &str, aliases: &[&str]| {
                let mut p = Properties::new();
                p.insert("name".into(), Value::from(name));
                p.insert(
                    "aliases".into(),
                    Value::List(aliases.iter().map(|a| Value::from(*a)).collect()),
                );
                p
            };
            let yp = txn.create_node(
                vec!["Actor".into()],
                person("Yevgeny Prigozhin", &["Prigozhin"]),
            )?;
            txn.create_node(vec!["Actor".into()], person("Hanna Maliar", &[]))?;
            let wagner = txn.create_node(
                vec!["Organisation".into()],
                person("Wagner Group", &["PMC Wagner"]),
            )?;
            let mut rel = Properties::new();
            rel.insert("since".into(), Value::Int(2014));
            txn.create_relationship(yp, "LEADS", wagner, rel)?;
            Ok(())
        })
        .expect("write the fixture");
        self
    }

    /// Starts the shell on this store, waiting for its first prompt.
    fn shell(&self) -> Shell {
        let mut command = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
        command
            .arg("--store")
            .arg(self.store())
            .arg("repl")
            .env("CLAIMGRAPH_HISTORY", self.history())
            .env("TERM", "xterm")
            .env("NO_COLOR", "1");
        let mut session = Session::spawn(command).expect("start the shell in a terminal");
        session.set_expect_timeout(Some(STEP));
        let mut shell = Shell { session };
        shell.expect("Statements end with ';'");
        shell.prompt();
        shell
    }
}

/// A running shell.
struct Shell {
    session: Session,
}

impl Shell {
    /// Waits for `text`, returning everything printed up to and including it.
    fn expect(&mut self, text: &str) -> String {
        match self.session.expect(text) {
            Ok(found) => String::from_utf8_lossy(found.before()).into_owned() + text,
            Err(e) => panic!("waited for {text:?}: {e}"),
        }
    }

    /// Types `text` (with `\r` for Enter, `\t` for Tab).
    fn type_keys(&mut self, text: &str) {
        self.session.send(text).expect("type into the shell");
    }

    /// Types a line and presses Enter.
    fn enter(&mut self, line: &str) {
        self.type_keys(line);
        self.type_keys("\r");
    }

    /// Types a line of a statement that goes on, and waits for the next line's prompt.
    fn enter_more(&mut self, line: &str) {
        self.enter(line);
        self.expect(CONTINUATION);
    }

    /// Waits until the shell is ready for a new input, returning what it printed.
    fn prompt(&mut self) -> String {
        self.expect(FRESH_PROMPT)
    }

    /// Presses Ctrl-D on an empty line and waits for the shell to end.
    ///
    /// A key pressed between two prompts reaches the terminal while it is not in
    /// the editor's raw mode, where Ctrl-D means end-of-file to the terminal and
    /// never reaches the shell; so the key is pressed again until the shell ends.
    fn leave(mut self) {
        self.session
            .set_expect_timeout(Some(Duration::from_millis(500)));
        let deadline = Instant::now() + STEP;
        while Instant::now() < deadline {
            self.type_keys("\x04");
            if self.session.expect(Eof).is_ok() {
                return;
            }
        }
        panic!("the shell did not end after Ctrl-D");
    }
}

/// The cells of the table rows in `output` (the header row first).
fn table_cells(output: &str) -> Vec<Vec<String>> {
    output
        .lines()
        .filter(|l| l.trim_start().starts_with('│'))
        .map(|l| {
            l.trim()
                .trim_matches('│')
                .split('│')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_multi_line_query_prints_a_table() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    shell.enter_more("UNWIND [1, 2, 3] AS x");
    shell.enter_more("RETURN x * 10 AS tens");
    shell.enter("ORDER BY tens DESC;");
    let table = shell.expect("3 rows");
    assert_eq!(
        table_cells(&table),
        [["tens"], ["30"], ["20"], ["10"]],
        "{table}"
    );
    shell.prompt();

    // Long values wrap to fit the terminal's 80 columns: nothing is cut.
    let words: Vec<String> = (1..=40).map(|i| format!("claim{i}")).collect();
    shell.enter(&format!("RETURN 1 AS n, '{}' AS text;", words.join(" ")));
    let out = shell.expect("1 row");
    let table = &out[out.find('┌').expect("a table")..];
    assert!(!table.contains('…'), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    for word in &words {
        assert!(
            table
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == word),
            "{word} in {table}"
        );
    }
    shell.prompt();

    // Large results show the first rows and say how many more there are.
    shell.enter(":max_rows 2");
    shell.prompt();
    shell.enter(":timing on");
    shell.prompt();
    shell.enter("UNWIND range(1, 5) AS i RETURN i;");
    let out = shell.expect("5 rows (showing the first 2; 3 more)");
    assert_eq!(table_cells(&out), [["i"], ["1"], ["2"]], "{out}");
    shell.expect("Time: ");
    shell.prompt();
    shell.leave();
}

#[test]
fn schema_lists_labels_types_and_keys() {
    let fixture = Fixture::new().with_people();
    let mut shell = fixture.shell();
    shell.enter(":schema");
    let text = shell.expect("Relationship types (1):");
    assert!(text.contains("Node labels (2):"), "{text}");
    let actor = text
        .lines()
        .find(|l| l.contains("Actor"))
        .expect("a line for Actor");
    assert!(actor.contains(" 2 "), "{actor}");
    assert!(actor.contains("keys: aliases, name"), "{actor}");
    let leads = shell.expect("since");
    assert!(leads.contains("LEADS"), "{leads}");
    shell.leave();
}

#[test]
fn a_syntax_error_shows_a_caret_and_the_session_goes_on() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    shell.enter("MATCH (a RETURN a;");
    let error = shell.expect("^");
    assert!(error.contains("error:"), "{error}");
    assert!(error.contains("expected"), "{error}");
    // The caret stands under the spot that went wrong, on the line after the query line.
    let lines: Vec<&str> = error.lines().collect();
    let query_line = lines
        .iter()
        .rposition(|l| l.contains("| MATCH (a RETURN a"))
        .expect("the query line");
    let caret_line = lines.last().expect("the caret line");
    let caret = caret_line.chars().count() - 1;
    let col_of_return = lines[query_line].find("RETURN").expect("RETURN");
    assert!(
        caret >= lines[query_line].find("(a").expect("(a") && caret <= col_of_return,
        "caret at {caret}: {error}"
    );
    shell.prompt();
    shell.enter("RETURN 40 + 2 AS answer;");
    let table = shell.expect("1 row");
    assert_eq!(table_cells(&table), [["answer"], ["42"]], "{table}");
    shell.leave();
}

#[test]
fn semantic_and_runtime_errors_show_a_caret_under_the_offending_part() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    for (query, part) in [
        ("MATCH (n) RETURN m", "m"),
        ("MATCH (a) WHERE count(a) > 1 RETURN a", "count"),
        ("RETURN toUpper(1)", "toUpper"),
        ("RETURN nosuchfunction(1)", "nosuchfunction"),
    ] {
        shell.enter(&format!("{query};"));
        let error = shell.expect("^");
        assert!(error.contains("error:"), "{error}");
        let lines: Vec<&str> = error.lines().collect();
        let query_line = lines
            .iter()
            .rposition(|l| l.contains(&format!("| {query}")))
            .unwrap_or_else(|| panic!("the query line of {query}: {error}"));
        let caret_line = lines.last().expect("the caret line");
        let caret = caret_line.chars().count() - 1;
        let expected = lines[query_line]
            .find(&format!("| {query}"))
            .expect("the bar")
            + 2
            + query.find(part).expect("the part");
        assert_eq!(caret, expected, "{query}: {error}");
        shell.prompt();
    }
    shell.leave();
}

#[test]
fn tab_completes_a_label_and_an_entity_name() {
    let fixture = Fixture::new().with_people();
    let mut shell = fixture.shell();
    // An entity name inside quotes, in a command that needs no query engine.
    shell.type_keys(":param who => \"Yevg");
    shell.type_keys("\t");
    sleep(Duration::from_millis(200));
    shell.type_keys("\r");
    shell.expect("$who => 'Yevgeny Prigozhin'");
    shell.prompt();
    // Case and punctuation do not count, and aliases are offered.
    shell.type_keys(":param org => \"pmc-wag");
    shell.type_keys("\t");
    sleep(Duration::from_millis(200));
    shell.type_keys("\r");
    shell.expect("$org => 'Wagner Group'");
    shell.prompt();

    // A label, then a name, in a query: only the completed words find the node.
    shell.type_keys("MATCH (a:Ac");
    shell.type_keys("\t");
    sleep(Duration::from_millis(200));
    shell.type_keys(" {name: 'Hanna M");
    shell.type_keys("\t");
    sleep(Duration::from_millis(200));
    shell.type_keys("}) RETURN a.name AS name;\r");
    let table = shell.expect("1 row");
    assert_eq!(table_cells(&table), [["name"], ["Hanna Maliar"]], "{table}");
    shell.prompt();

    // A label the store has never seen: the query runs, with a warning.
    shell.enter("MATCH (a:Actr) RETURN count(a) AS n;");
    shell.expect("warning: the store has no label :Actr; did you mean :Actor?");
    shell.expect("1 row");
    shell.leave();
}

#[test]
fn ctrl_c_abandons_the_input_line() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    shell.enter("MATCH (n)");
    shell.type_keys("RETURN n");
    sleep(Duration::from_millis(200));
    let pressed = Instant::now();
    shell.type_keys("\x03");
    shell.prompt();
    let waited = pressed.elapsed();
    eprintln!("the prompt came back {waited:?} after Ctrl-C");
    assert!(
        waited < PROMPT_AFTER_CTRL_C,
        "the prompt came back after {waited:?}"
    );
    // The abandoned statement is gone: a command runs on its own.
    shell.enter(":params");
    let out = shell.expect("No parameters");
    assert!(!out.contains("error"), "{out}");
    shell.leave();
}

#[test]
fn ctrl_c_stops_a_running_query_and_the_session_goes_on() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    // Two hundred thousand rows, each scanning a list of as many values: hours of
    // work, unless it is stopped, in little memory, with short steps between
    // the executor's checks of the flag.
    shell.enter(
        "UNWIND range(1, 200000) AS x \
         RETURN sum(size([y IN range(1, 200000) WHERE y % 1000 = x % 1000])) AS n;",
    );
    // Let the query get going.
    sleep(Duration::from_millis(1500));
    let pressed = Instant::now();
    shell.type_keys("\x03");
    let out = shell.prompt();
    let waited = pressed.elapsed();
    eprintln!("the prompt came back {waited:?} after Ctrl-C stopped the query");
    assert!(out.contains("interrupted"), "{out}");
    assert!(
        waited < PROMPT_AFTER_CTRL_C,
        "the prompt came back after {waited:?}"
    );
    shell.enter("RETURN 'still here' AS s;");
    let table = shell.expect("1 row");
    assert_eq!(table_cells(&table), [["s"], ["still here"]], "{table}");
    shell.leave();
}

#[test]
fn a_param_feeds_a_statement() {
    let fixture = Fixture::new().with_people();
    let mut shell = fixture.shell();
    shell.enter(":param who => 'Wagner' + ' Group'");
    shell.expect("$who => 'Wagner Group'");
    shell.prompt();
    shell.enter(":param year => 2000 + 14");
    shell.expect("$year => 2014");
    shell.prompt();
    shell.enter(":params");
    shell.expect("$year => 2014");
    shell.prompt();
    shell.enter_more("MATCH (a)-[r:LEADS]->(o {name: $who})");
    shell.enter("WHERE r.since = $year RETURN a.name AS leader;");
    let table = shell.expect("1 row");
    assert_eq!(
        table_cells(&table),
        [["leader"], ["Yevgeny Prigozhin"]],
        "{table}"
    );
    shell.leave();
}

#[test]
fn history_is_kept_across_sessions() {
    let fixture = Fixture::new();
    let mut first = fixture.shell();
    first.enter_more("RETURN 6 * 7");
    first.enter("AS answer;");
    first.prompt();
    first.enter(":param remembered => 4242");
    first.expect("$remembered => 4242");
    first.prompt();
    first.leave();

    let saved = std::fs::read_to_string(fixture.history()).expect("a history file");
    let multi_line = saved
        .lines()
        .filter(|l| l.contains("6 * 7"))
        .collect::<Vec<_>>();
    assert_eq!(multi_line.len(), 1, "one entry for the statement: {saved}");
    assert!(multi_line[0].contains("AS answer;"), "{saved}");

    let mut second = fixture.shell();
    // Up recalls the last input of the first session.
    second.type_keys("\x1b[A");
    sleep(Duration::from_millis(100));
    second.type_keys("\r");
    second.expect("$remembered => 4242");
    second.prompt();
    // The same command again is not kept twice, so the statement is next, whole.
    second.type_keys("\x1b[A");
    sleep(Duration::from_millis(100));
    second.type_keys("\x1b[A");
    sleep(Duration::from_millis(100));
    second.type_keys("\r");
    let table = second.expect("1 row");
    assert_eq!(table_cells(&table), [["answer"], ["42"]], "{table}");
    second.leave();
}

#[test]
fn history_search_with_ctrl_r() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    shell.enter(":param first => 1");
    shell.expect("$first => 1");
    shell.prompt();
    shell.enter(":param second => 2");
    shell.expect("$second => 2");
    shell.prompt();
    shell.enter(":params clear");
    shell.expect("Parameters cleared");
    shell.prompt();
    shell.type_keys("\x12");
    sleep(Duration::from_millis(100));
    shell.type_keys("first");
    sleep(Duration::from_millis(200));
    // Enter accepts the line found and runs it.
    shell.type_keys("\r");
    shell.expect("$first => 1");
    shell.prompt();
    shell.leave();
}

/// A bare `claimgraph` on a terminal is the shell too, in colour.
#[test]
fn the_banner_names_the_store_and_its_counts() {
    let fixture = Fixture::new().with_people();
    let mut command = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
    command
        .arg("--store")
        .arg(fixture.store())
        .env("CLAIMGRAPH_HISTORY", fixture.history())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm");
    let mut session = Session::spawn(command).expect("start the shell");
    session.set_expect_timeout(Some(STEP));
    let found = session.expect(PROMPT).expect("a prompt");
    let banner = String::from_utf8_lossy(found.before()).into_owned();
    let store = fixture.store();
    assert!(
        banner.contains(&Path::new(&store).display().to_string()),
        "{banner}"
    );
    assert!(
        banner.contains("3 nodes, 1 relationship, 0 articles"),
        "{banner}"
    );
    // Keywords are highlighted as they are typed.
    session.send("match").expect("type");
    session
        .expect("\x1b[1;34mmatch")
        .expect("a highlighted keyword");
    session.send("\x03").expect("type");
    // In colour, the prompt ends with the code that resets the colour.
    session
        .expect("claimgraph> \x1b[0m\r")
        .expect("a new prompt");
    session.send(":quit\r").expect("type");
    session.expect(Eof).expect("the shell ends after :quit");
}

/// With standard input not a terminal, the shell reads it as a script and goes
/// on after an error, without prompts.
#[test]
fn piped_input_runs_without_prompts() {
    let fixture = Fixture::new();
    let output = Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .arg("--store")
        .arg(fixture.store())
        .arg("repl")
        .env("CLAIMGRAPH_HISTORY", fixture.history())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("a pipe");
            stdin.write_all(b":param x => 5\n:nonsense\n:params\n:quit\n:param y => 6\n")?;
            drop(stdin);
            child.wait_with_output()
        })
        .expect("run the shell");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stdout.contains(PROMPT), "{stdout}");
    assert_eq!(stdout.matches("$x => 5").count(), 2, "{stdout}");
    assert!(stderr.contains("unknown command :nonsense"), "{stderr}");
    assert!(!stdout.contains("$y"), "nothing runs after :quit: {stdout}");
}

/// Every line after the first of a statement, and a line inside an open quote,
/// has the continuation prompt.
#[test]
fn a_statement_continues_under_its_own_prompt() {
    let fixture = Fixture::new();
    let mut shell = fixture.shell();
    shell.enter_more("UNWIND [1, 2] AS x");
    shell.enter_more("RETURN x");
    shell.enter("ORDER BY x;");
    let table = shell.expect("2 rows");
    assert_eq!(table_cells(&table), [["x"], ["1"], ["2"]], "{table}");
    shell.prompt();
    // The `;` inside the quote does not end the statement.
    shell.enter_more("RETURN 'open;");
    shell.enter("closed' AS s;");
    let out = shell.expect("1 row");
    assert!(out.contains("open;"), "{out}");
    assert!(out.contains("closed"), "{out}");
    shell.prompt();
    shell.leave();
}

/// `:source` runs a script in the session; its errors name the script's line;
/// `:history` lists what was typed; `:clear` clears the screen.
#[test]
fn source_history_and_clear() {
    let fixture = Fixture::new();
    let script = fixture.dir.path().join("setup.cypher");
    std::fs::write(
        &script,
        ":param base => 40\n// a comment\nRETURN $base + 2\n  AS answer;\n",
    )
    .expect("write the script");
    let broken = fixture.dir.path().join("broken.cypher");
    std::fs::write(&broken, "RETURN 1 AS one;\n\nMATCH (a RETURN a;\n").expect("write");
    let mut shell = fixture.shell();
    shell.enter(&format!(":source {}", script.display()));
    let out = shell.expect("1 row");
    assert_eq!(table_cells(&out), [["answer"], ["42"]], "{out}");
    shell.prompt();
    // The parameter the script set stays for what follows.
    shell.enter("RETURN $base AS b;");
    let out = shell.expect("1 row");
    assert_eq!(table_cells(&out), [["b"], ["40"]], "{out}");
    shell.prompt();
    shell.enter(&format!(":source {}", broken.display()));
    let out = shell.expect("^");
    assert!(
        out.contains(&format!("{}:3:", broken.display())),
        "the error names the script's line: {out}"
    );
    shell.prompt();
    shell.enter(":history 2");
    let out = shell.expect(FRESH_PROMPT);
    let listed: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(listed.len(), 2, "{out}");
    assert!(listed[0].contains("RETURN $base AS b;"), "{out}");
    assert!(listed[1].contains("broken.cypher"), "{out}");
    shell.enter(":clear");
    shell.expect("\x1b[2J");
    shell.prompt();
    shell.leave();
}

#[test]
fn import_shows_a_progress_bar_and_ctrl_c_stops_it_with_nothing_written() {
    use std::fmt::Write as _;
    let fixture = Fixture::new().with_people();
    let file = fixture.dir.path().join("big.triples");
    let mut text = String::new();
    for i in 0..40_000 {
        let _ = writeln!(
            text,
            "article \"a{i}\" {{date: \"2023-01-01\"}}\nactor \"Actor {i}\"\nstatement s{i} \"Statement number {i}\"\n\"Actor {i}\" claims s{i}"
        );
    }
    std::fs::write(&file, text).unwrap();
    let mut shell = fixture.shell();
    shell.enter(&format!(":import {}", file.display()));
    // The command line's progress bar, while the import runs.
    shell.expect("importing");
    shell.type_keys("\x03");
    let out = shell.prompt();
    assert!(out.contains("nothing of it was written"), "{out}");
    shell.enter("MATCH (a:Article) RETURN count(a) AS n;");
    let table = shell.expect("1 row");
    assert_eq!(table_cells(&table), [["n"], ["0"]], "{table}");
    shell.prompt();
    // Without Ctrl-C the same import lands whole.
    shell.enter(&format!(":import {}", file.display()));
    shell.expect("added 40000 articles");
    shell.prompt();
    shell.enter("MATCH (a:Article) RETURN count(a) AS n;");
    let table = shell.expect("1 row");
    assert_eq!(table_cells(&table), [["n"], ["40000"]], "{table}");
    shell.leave();
}

#[test]
fn tables_follow_the_terminal_width_and_nodes_show_their_key_first() {
    let fixture = Fixture::new().with_people();
    let mut shell = fixture.shell();
    let query = "MATCH (a:Actor {name: 'Yevgeny Prigozhin'}) RETURN a, 'a long cell of words to wrap' AS words;";
    let widest = |out: &str| {
        out[out.find('┌').expect("a table")..]
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    };
    shell
        .session
        .get_process_mut()
        .set_window_size(60, 24)
        .unwrap();
    shell.enter(query);
    let narrow = shell.expect("1 row");
    assert!(widest(&narrow) <= 60, "{narrow}");
    // The node's key comes first: its name before its aliases.
    let (name, aliases) = (narrow.find("name:"), narrow.find("aliases:"));
    assert!(
        name.is_some() && aliases.is_some() && name < aliases,
        "{narrow}"
    );
    shell.prompt();
    shell
        .session
        .get_process_mut()
        .set_window_size(160, 24)
        .unwrap();
    shell.enter(query);
    let wide = shell.expect("1 row");
    assert!(widest(&wide) > 60 && widest(&wide) <= 160, "{wide}");
    shell.prompt();
    shell.leave();
}
