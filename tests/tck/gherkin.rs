//! A reader for the subset of Gherkin that the openCypher TCK uses.
//!
//! It knows `Feature:`, `Background:`, `Scenario:`, `Scenario Outline:` with one or more
//! `Examples:` tables, steps (`Given`, `When`, `Then`, `And`, `But`), doc strings between
//! `"""` lines and data tables. Tags and comments are skipped. Each row of an outline's
//! examples becomes its own scenario, with its `<placeholders>` substituted in the steps,
//! doc strings and tables; the background's steps are put in front of every scenario.

/// One step of a scenario, as written (after outline substitution).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `Given`, `When`, `Then`, `And` or `But`.
    pub keyword: String,
    /// The text after the keyword, trimmed.
    pub text: String,
    /// The 1-based line of the step in its file.
    pub line: usize,
    /// The doc string under the step, with its indentation removed.
    pub docstring: Option<String>,
    /// The data table under the step, cell by cell, each cell trimmed and unescaped.
    pub table: Option<Vec<Vec<String>>>,
}

/// One runnable scenario: a plain scenario, or one row of an outline's examples.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The name as written after `Scenario:` or `Scenario Outline:`.
    pub name: String,
    /// The 1-based line of the `Scenario` keyword.
    pub line: usize,
    /// For an outline, the 1-based index of the example row, counted over all its
    /// `Examples:` tables in order.
    pub example: Option<usize>,
    /// The background's steps, then the scenario's own.
    pub steps: Vec<Step>,
}

/// A parsed feature file.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    pub name: String,
    pub scenarios: Vec<Scenario>,
}

/// A problem in a feature file, with its line.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What the reader is collecting steps or tables for.
enum Block {
    None,
    Background,
    Scenario {
        name: String,
        line: usize,
    },
    Outline {
        name: String,
        line: usize,
        /// Each `Examples:` table: its header and its rows.
        examples: Vec<(Vec<String>, Vec<Vec<String>>)>,
        in_examples: bool,
    },
}

/// Parses the text of one feature file.
pub fn parse_feature(text: &str) -> Result<Feature, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut feature_name: Option<String> = None;
    let mut background: Vec<Step> = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut block = Block::None;
    let mut steps: Vec<Step> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let raw = lines[i];
        let trimmed = raw.trim();
        i += 1;
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('@') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("Feature:") {
            if feature_name.is_some() {
                return Err(err(line_no, "a second `Feature:` in one file"));
            }
            feature_name = Some(rest.trim().to_string());
            continue;
        }
        let header = block_header(trimmed, line_no);
        if let Some(next) = header {
            if feature_name.is_none() {
                return Err(err(line_no, "a scenario before `Feature:`"));
            }
            if matches!(next, Block::Background) && !scenarios.is_empty() {
                return Err(err(line_no, "`Background:` after the first scenario"));
            }
            finish(&mut block, &mut steps, &mut background, &mut scenarios)?;
            block = next;
            continue;
        }
        if trimmed.starts_with("Examples:") || trimmed.starts_with("Scenarios:") {
            match &mut block {
                Block::Outline { in_examples, .. } => *in_examples = true,
                _ => return Err(err(line_no, "`Examples:` outside a scenario outline")),
            }
            continue;
        }
        if trimmed.starts_with('|') {
            // A table: either the examples of an outline or the data table of the last step.
            let (table, next) = read_table(&lines, i - 1)?;
            i = next;
            match &mut block {
                Block::Outline {
                    examples,
                    in_examples: true,
                    ..
                } => {
                    let mut table = table.into_iter();
                    // read_table never returns an empty table: it starts at a `|` line.
                    let header = table.next().unwrap_or_default();
                    examples.push((header, table.collect()));
                }
                _ => match steps.last_mut() {
                    Some(step) if step.table.is_none() && step.docstring.is_none() => {
                        step.table = Some(table)
                    }
                    _ => return Err(err(line_no, "a table that follows no step")),
                },
            }
            continue;
        }
        if trimmed.starts_with("\"\"\"") || trimmed.starts_with("```") {
            let (doc, next) = read_docstring(&lines, i - 1)?;
            i = next;
            match steps.last_mut() {
                Some(step) if step.table.is_none() && step.docstring.is_none() => {
                    step.docstring = Some(doc)
                }
                _ => return Err(err(line_no, "a doc string that follows no step")),
            }
            continue;
        }
        let keyword = ["Given", "When", "Then", "And", "But"]
            .into_iter()
            .find(|k| {
                trimmed
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with(char::is_whitespace))
            });
        match keyword {
            Some(k) => {
                if matches!(block, Block::None) {
                    return Err(err(line_no, "a step outside any scenario"));
                }
                if let Block::Outline {
                    in_examples: true, ..
                } = block
                {
                    return Err(err(line_no, "a step after `Examples:`"));
                }
                steps.push(Step {
                    keyword: k.to_string(),
                    text: trimmed[k.len()..].trim().to_string(),
                    line: line_no,
                    docstring: None,
                    table: None,
                });
            }
            None => {
                // Free text is allowed only as the description under a header.
                if !steps.is_empty() {
                    return Err(err(line_no, format!("cannot read `{trimmed}`")));
                }
            }
        }
    }
    finish(&mut block, &mut steps, &mut background, &mut scenarios)?;
    let name = feature_name.ok_or_else(|| err(lines.len().max(1), "no `Feature:` line"))?;
    Ok(Feature { name, scenarios })
}

/// The block that a `Background:`, `Scenario:` or `Scenario Outline:` line opens.
fn block_header(trimmed: &str, line: usize) -> Option<Block> {
    if trimmed.starts_with("Background:") {
        return Some(Block::Background);
    }
    let outline = ["Scenario Outline:", "Scenario Template:"]
        .iter()
        .find_map(|k| trimmed.strip_prefix(k));
    if let Some(rest) = outline {
        return Some(Block::Outline {
            name: rest.trim().to_string(),
            line,
            examples: Vec::new(),
            in_examples: false,
        });
    }
    trimmed
        .strip_prefix("Scenario:")
        .map(|rest| Block::Scenario {
            name: rest.trim().to_string(),
            line,
        })
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Closes the block being read: stores the background, or turns a scenario or an
/// outline's example rows into runnable scenarios.
fn finish(
    block: &mut Block,
    steps: &mut Vec<Step>,
    background: &mut Vec<Step>,
    scenarios: &mut Vec<Scenario>,
) -> Result<(), ParseError> {
    let own = std::mem::take(steps);
    match std::mem::replace(block, Block::None) {
        Block::None => {}
        Block::Background => *background = own,
        Block::Scenario { name, line } => {
            let mut all = background.clone();
            all.extend(own);
            scenarios.push(Scenario {
                name,
                line,
                example: None,
                steps: all,
            });
        }
        Block::Outline {
            name,
            line,
            examples,
            ..
        } => {
            let rows: Vec<(&Vec<String>, &Vec<String>)> = examples
                .iter()
                .flat_map(|(header, rows)| rows.iter().map(move |row| (header, row)))
                .collect();
            if rows.is_empty() {
                return Err(err(line, "a scenario outline with no example rows"));
            }
            for (index, (header, row)) in rows.into_iter().enumerate() {
                let pairs: Vec<(&str, &str)> = header
                    .iter()
                    .map(String::as_str)
                    .zip(row.iter().map(String::as_str))
                    .collect();
                let mut all = background.clone();
                all.extend(own.iter().map(|s| substitute_step(s, &pairs)));
                scenarios.push(Scenario {
                    name: name.clone(),
                    line,
                    example: Some(index + 1),
                    steps: all,
                });
            }
        }
    }
    Ok(())
}

fn substitute_step(step: &Step, pairs: &[(&str, &str)]) -> Step {
    Step {
        keyword: step.keyword.clone(),
        text: substitute(&step.text, pairs),
        line: step.line,
        docstring: step.docstring.as_deref().map(|d| substitute(d, pairs)),
        table: step.table.as_ref().map(|t| {
            t.iter()
                .map(|row| row.iter().map(|c| substitute(c, pairs)).collect())
                .collect()
        }),
    }
}

/// Replaces every `<name>` whose name is a column of the examples. Other text in angle
/// brackets (a path value `<(:A)>`, a comparison `a < b`) is left alone.
pub fn substitute(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after.find('>').and_then(|close| {
            let name = &after[..close];
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v, close))
        });
        match replaced {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads the table that starts at line index `start`; returns its rows and the index of
/// the first line after it.
fn read_table(lines: &[&str], start: usize) -> Result<(Vec<Vec<String>>, usize), ParseError> {
    let mut rows = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.starts_with('#') {
            // Gherkin allows comment lines between the rows of a table.
            i += 1;
            continue;
        }
        if !t.starts_with('|') {
            break;
        }
        rows.push(split_row(t).map_err(|m| err(i + 1, m))?);
        i += 1;
    }
    if let Some(first) = rows.first() {
        if rows.iter().any(|r| r.len() != first.len()) {
            return Err(err(
                start + 1,
                "a table whose rows have different cell counts",
            ));
        }
    }
    Ok((rows, i))
}

/// Splits `| a | b |` into trimmed cells, honouring Gherkin's escapes `\|`, `\\` and `\n`.
fn split_row(line: &str) -> Result<Vec<String>, String> {
    let body = line
        .strip_prefix('|')
        .ok_or_else(|| "a table row must start with `|`".to_string())?;
    if body.trim().is_empty() {
        // A lone `|` is a row without cells.
        return Ok(Vec::new());
    }
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = body.chars();
    let mut closed = false;
    while let Some(c) = chars.next() {
        closed = false;
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('\\') => cell.push('\\'),
                Some('n') => cell.push('\n'),
                Some(other) => {
                    cell.push('\\');
                    cell.push(other);
                }
                None => cell.push('\\'),
            },
            '|' => {
                cells.push(cell.trim().to_string());
                cell.clear();
                closed = true;
            }
            c => cell.push(c),
        }
    }
    if !closed {
        return Err("a table row must end with `|`".to_string());
    }
    Ok(cells)
}

/// Reads the doc string whose opening fence is at line index `start`. Its lines lose as
/// much leading whitespace as the fence is indented. Returns the text and the index of
/// the first line after the closing fence.
fn read_docstring(lines: &[&str], start: usize) -> Result<(String, usize), ParseError> {
    let open = lines[start];
    let indent = open.len() - open.trim_start().len();
    let fence = if open.trim_start().starts_with("```") {
        "```"
    } else {
        "\"\"\""
    };
    let mut body: Vec<&str> = Vec::new();
    let mut i = start + 1;
    while i < lines.len() {
        let line = lines[i];
        if line.trim() == fence {
            return Ok((body.join("\n"), i + 1));
        }
        // Remove up to `indent` leading whitespace characters.
        let cut = line
            .char_indices()
            .take(indent)
            .take_while(|(_, c)| c.is_whitespace())
            .last()
            .map_or(0, |(ix, c)| ix + c.len_utf8());
        body.push(&line[cut..]);
        i += 1;
    }
    Err(err(start + 1, "a doc string that is never closed"))
}
