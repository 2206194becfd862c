//! What both import formats parse into: a list of items with their byte
//! offsets in the source, and the report that turns offsets into diagnostics.

use std::borrow::Cow;

use crate::error::{Diagnostic, Diagnostics};
use crate::model::{Kind, NodeId};
use crate::value::Value;

/// One line's worth of content: an article, a declaration or a triple.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item<'a> {
    /// Byte offset of the item's first character in the source.
    pub at: usize,
    pub kind: ItemKind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ItemKind<'a> {
    /// `article "ID" {props}`: starts an article section.
    Article { id: Cow<'a, str>, props: Props<'a> },
    /// `KIND "NAME" {props}`: declares or updates an entity.
    Entity {
        kind: Kind,
        name: Cow<'a, str>,
        props: Props<'a>,
    },
    /// `statement LABEL "TEXT" {props}`: declares a statement (the label is
    /// optional in `.jsonl`).
    Statement {
        label: Option<Cow<'a, str>>,
        text: Cow<'a, str>,
        props: Props<'a>,
    },
    /// `SUBJECT PREDICATE OBJECT {props}`.
    Triple(Triple<'a>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Triple<'a> {
    pub subject: Endpoint<'a>,
    /// The predicate as written (lowercase); the relationship type is its upper case.
    pub predicate: Cow<'a, str>,
    pub predicate_at: usize,
    pub object: Endpoint<'a>,
    pub props: Props<'a>,
}

/// The subject or object of a triple, with its offset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Endpoint<'a> {
    pub at: usize,
    pub kind: EndpointKind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EndpointKind<'a> {
    /// A quoted name: an entity's name or alias.
    Name(Cow<'a, str>),
    /// A statement label of the current article section.
    Label(Cow<'a, str>),
    /// An inline entity, `organisation "NAME"`.
    Entity(Kind, Cow<'a, str>),
    /// An inline statement, `statement "TEXT"`.
    Statement(Cow<'a, str>),
    /// An inline entity already resolved to its node (while applying).
    Resolved(NodeId),
    /// An inline entity that failed to resolve; the error is already reported.
    Unresolved,
}

/// A property as written, with the offset of its key (for errors).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prop<'a> {
    pub key: Cow<'a, str>,
    pub value: Value,
    pub at: usize,
}

pub(crate) type Props<'a> = Vec<Prop<'a>>;

/// Parsed items in file order, kept in chunks of a fixed capacity: a large
/// file's items are written once where they stay, never copied into a bigger
/// vector as they grow, and applying them frees each chunk once it is done.
#[derive(Debug, Default)]
pub(crate) struct Items<'a> {
    chunks: Vec<Vec<Item<'a>>>,
    /// How many of the items are triples.
    triples: usize,
}

impl<'a> Items<'a> {
    /// Items in a chunk: about half a megabyte of them.
    const CHUNK: usize = 4096;

    pub fn new() -> Self {
        Items {
            chunks: Vec::new(),
            triples: 0,
        }
    }

    pub fn push(&mut self, item: Item<'a>) {
        if matches!(item.kind, ItemKind::Triple(_)) {
            self.triples += 1;
        }
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < chunk.capacity() => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
    }

    /// Puts `other`'s items after these, without moving them.
    pub fn append(&mut self, mut other: Items<'a>) {
        self.chunks.append(&mut other.chunks);
        self.triples += other.triples;
    }

    /// How many of the items are triples.
    pub fn triples(&self) -> usize {
        self.triples
    }

    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Item<'a>> {
        self.chunks.iter_mut().flatten()
    }
}

impl<'a> Items<'a> {
    /// The chunks, in file order.
    pub fn into_chunks(self) -> Vec<Vec<Item<'a>>> {
        self.chunks
    }
}

impl<'a> IntoIterator for Items<'a> {
    type Item = Item<'a>;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Item<'a>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.into_iter().flatten()
    }
}

/// Collects the problems found in one file and positions them.
pub(crate) struct Report<'s> {
    file: &'s str,
    source: &'s str,
    /// Byte offsets where lines start, built on the first error only.
    line_starts: Option<Vec<usize>>,
    pub diagnostics: Diagnostics,
}

impl<'s> Report<'s> {
    pub fn new(file: &'s str, source: &'s str) -> Self {
        Report {
            file,
            source,
            line_starts: None,
            diagnostics: Diagnostics::default(),
        }
    }

    /// Records a problem at byte offset `at` of the source.
    pub fn error(&mut self, at: usize, message: impl Into<String>) {
        if self.diagnostics.items.len() >= Diagnostics::CAP {
            // Past the cap the problem is only counted: no need to position it.
            self.diagnostics.omitted += 1;
            return;
        }
        let d = self.diagnostic(at, message.into());
        self.diagnostics.push(d);
    }

    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    fn line_starts(&mut self) -> &[usize] {
        let source = self.source;
        self.line_starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(source.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    fn diagnostic(&mut self, at: usize, message: String) -> Diagnostic {
        let source = self.source;
        let mut at = at.min(source.len());
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        let starts = self.line_starts();
        // The line holding `at` is the last one starting at or before it.
        let index = starts.partition_point(|&s| s <= at).saturating_sub(1);
        let start = starts.get(index).copied().unwrap_or(0);
        let end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        Diagnostic {
            file: Some(self.file.to_string()),
            line: index + 1,
            column: source[start..at].chars().count() + 1,
            line_text: source[start..end].trim_end_matches('\r').to_string(),
            message,
        }
    }

    /// The diagnostics, in the order of their positions.
    pub fn finish(mut self) -> Diagnostics {
        self.diagnostics.items.sort_by_key(|d| (d.line, d.column));
        self.diagnostics
    }
}

/// Calls the progress callback now and then, not on every item, and checks
/// as often whether the import is to stop (its client went away).
pub(crate) struct Progress<'p> {
    callback: Option<&'p dyn Fn(u64, u64)>,
    total: u64,
    next: u64,
    step: u64,
    cancel: Option<&'p crate::cancel::Cancel>,
    next_check: u64,
    stopped: Option<crate::error::Error>,
}

impl<'p> Progress<'p> {
    pub fn new(callback: Option<&'p dyn Fn(u64, u64)>, total: usize) -> Self {
        let total = total as u64;
        Progress {
            callback,
            total,
            next: 0,
            step: (total / 200).max(1 << 16),
            cancel: None,
            next_check: 0,
            stopped: None,
        }
    }

    /// Checks `cancel` between batches of the work from now on.
    pub fn stopping_on(mut self, cancel: &'p crate::cancel::Cancel) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Reports `done` of the total when it has moved on enough since the
    /// last call; `false` once the import is to stop (then the caller
    /// stops, and [`Progress::stopped`] says why).
    pub fn tick(&mut self, done: u64) -> bool {
        if let Some(f) = self.callback {
            if done >= self.next {
                f(done.min(self.total), self.total);
                self.next = done + self.step;
            }
        }
        if self.stopped.is_some() {
            return false;
        }
        if let Some(cancel) = self.cancel {
            if done >= self.next_check {
                self.next_check = done + CHECK_EVERY;
                if cancel.check().is_err() {
                    self.stopped = Some(interrupted());
                    return false;
                }
            }
        }
        true
    }

    /// Why the import stopped before its end, if it did.
    pub fn stopped(&mut self) -> Option<crate::error::Error> {
        self.stopped.take()
    }

    /// Reports the end.
    pub fn finish(&mut self) {
        if let Some(f) = self.callback {
            f(self.total, self.total);
        }
    }

    pub fn total(&self) -> u64 {
        self.total
    }
}

/// How many bytes of progress pass between two checks of whether an import
/// is to stop: a batch of some thousand lines.
const CHECK_EVERY: u64 = 1 << 18;

/// The error of an import stopped because its client went away.
pub(crate) fn interrupted() -> crate::error::Error {
    crate::error::Error::Cancelled("the import was interrupted; nothing of it was written".into())
}
