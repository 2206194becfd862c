//! Decoding a batch from its chunks as they are read, without first copying
//! them into one buffer.
//!
//! A large import is one batch of several hundred megabytes, stored in
//! chunks of [`super::CHUNK`] bytes whose boundaries fall anywhere, even
//! inside a record. Joining the chunks before decoding costs a buffer the
//! size of the batch (and, grown as it is read, up to twice that in
//! copies) on top of the records it decodes into. This decoder keeps only
//! the bytes not decoded yet: each chunk is appended to a window, every
//! record complete in the window is decoded, and the rest waits for the
//! next chunk.
//!
//! The bytes are those of `postcard::to_stdvec(&batch)`: the fields of
//! [`Batch`] in order, each list as its length (a varint) and then its
//! items. What this decodes is exactly what `postcard::from_bytes` would.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::model::{NodeId, RelId};
use crate::storage::{Batch, Record};

/// Where the decoder is in the batch's fields.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    PutNodes,
    DeleteNodes,
    PutRels,
    DeleteRels,
    NextNodeId,
    NextRelId,
    Done,
}

/// Where the records a batch puts go: `Record::Expect` announces each list.
type Sink<'s> = &'s mut dyn FnMut(Record) -> Result<()>;

/// A batch decoded chunk by chunk: [`BatchStream::feed`] each chunk in
/// order, then [`BatchStream::finish`].
pub(super) struct BatchStream<'s> {
    /// The batch's sequence number, for messages.
    seq: u64,
    window: Vec<u8>,
    /// Bytes of `window` already decoded.
    pos: usize,
    field: Field,
    /// Items left in the current list; `None` before its length is read.
    left: Option<usize>,
    batch: Batch,
    /// Given, the nodes and relationships the batch puts go there instead
    /// of into `batch`.
    sink: Option<Sink<'s>>,
    /// The window's unread length at which decoding is tried again, after
    /// a record did not fit: a record spanning many chunks is tried about
    /// once per doubling of the window, not once per chunk.
    retry_at: usize,
}

/// Why a step did not decode.
enum Stop {
    /// The window ends inside the next value: it needs more bytes.
    More,
    /// The bytes are not a batch, or the sink refused a record.
    Fail(Error),
}

impl<'s> BatchStream<'s> {
    /// A stream for batch `seq` that keeps every record in the batch.
    pub(super) fn new(seq: u64) -> Self {
        BatchStream {
            seq,
            window: Vec::new(),
            pos: 0,
            field: Field::PutNodes,
            left: None,
            batch: Batch::default(),
            sink: None,
            retry_at: 0,
        }
    }

    /// A stream for batch `seq` that hands the records it puts to `sink`;
    /// the batch [`BatchStream::finish`] returns has none of them.
    pub(super) fn into_sink(seq: u64, sink: Sink<'s>) -> Self {
        BatchStream {
            sink: Some(sink),
            ..BatchStream::new(seq)
        }
    }

    /// Decodes what `chunk` completes.
    pub(super) fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        if self.pos > 0 {
            self.window.drain(..self.pos);
            self.pos = 0;
        }
        self.window.extend_from_slice(chunk);
        if self.window.len() < self.retry_at {
            return Ok(());
        }
        self.run()
    }

    /// The batch, once every chunk was fed; an error when the bytes ended
    /// before it did.
    pub(super) fn finish(mut self) -> Result<Batch> {
        self.retry_at = 0;
        self.run()?;
        if self.field != Field::Done {
            return Err(undecodable(
                self.seq,
                postcard::Error::DeserializeUnexpectedEnd,
            ));
        }
        Ok(self.batch)
    }

    fn run(&mut self) -> Result<()> {
        loop {
            match self.step() {
                Ok(()) if self.field == Field::Done => return Ok(()),
                Ok(()) => {}
                Err(Stop::More) => {
                    self.retry_at = (self.window.len() - self.pos).saturating_mul(2);
                    return Ok(());
                }
                Err(Stop::Fail(e)) => return Err(e),
            }
        }
    }

    /// Decodes one value of the current field, or as many items of the
    /// current list as the window holds.
    fn step(&mut self) -> std::result::Result<(), Stop> {
        let seq = self.seq;
        let mut at = At {
            window: &self.window[..],
            pos: &mut self.pos,
            seq,
        };
        let (left, b) = (&mut self.left, &mut self.batch);
        let next = match (self.field, self.sink.as_mut()) {
            (Field::PutNodes, Some(sink)) => {
                let mut to = ToSink {
                    sink,
                    expect: |nodes| Record::Expect {
                        nodes,
                        relationships: 0,
                    },
                    record: Record::Node,
                };
                at.list(left, &mut to)?;
                Field::DeleteNodes
            }
            (Field::PutNodes, None) => {
                at.list(left, &mut b.put_nodes)?;
                Field::DeleteNodes
            }
            (Field::DeleteNodes, _) => {
                at.list(left, &mut b.delete_nodes)?;
                Field::PutRels
            }
            (Field::PutRels, Some(sink)) => {
                let mut to = ToSink {
                    sink,
                    expect: |relationships| Record::Expect {
                        nodes: 0,
                        relationships,
                    },
                    record: Record::Relationship,
                };
                at.list(left, &mut to)?;
                Field::DeleteRels
            }
            (Field::PutRels, None) => {
                at.list(left, &mut b.put_relationships)?;
                Field::DeleteRels
            }
            (Field::DeleteRels, _) => {
                at.list(left, &mut b.delete_relationships)?;
                Field::NextNodeId
            }
            (Field::NextNodeId, _) => {
                b.next_node_id = at.take()?;
                Field::NextRelId
            }
            (Field::NextRelId, _) => {
                b.next_rel_id = at.take()?;
                Field::Done
            }
            (Field::Done, _) => Field::Done,
        };
        self.field = next;
        Ok(())
    }
}

fn undecodable(seq: u64, e: postcard::Error) -> Error {
    Error::Corrupt(format!("batch {seq} of the log does not decode: {e}"))
}

/// The most items a list's length reserves room for before they are read:
/// a damaged length must not ask for more memory than the store could hold.
const RESERVE_AT_MOST: usize = 1 << 22;

/// A place in the window.
struct At<'w> {
    window: &'w [u8],
    pos: &'w mut usize,
    seq: u64,
}

impl At<'_> {
    /// Decodes one value, moving past it.
    fn take<T: DeserializeOwned>(&mut self) -> std::result::Result<T, Stop> {
        match postcard::take_from_bytes::<T>(&self.window[*self.pos..]) {
            Ok((value, rest)) => {
                *self.pos = self.window.len() - rest.len();
                Ok(value)
            }
            Err(postcard::Error::DeserializeUnexpectedEnd) => Err(Stop::More),
            Err(e) => Err(Stop::Fail(undecodable(self.seq, e))),
        }
    }

    /// Decodes a list's length (into `left`, announced to `out`), then as
    /// many of its items as the window holds into `out`; returns once the
    /// last is decoded, or with [`Stop::More`].
    fn list<T: DeserializeOwned>(
        &mut self,
        left: &mut Option<usize>,
        out: &mut dyn Put<T>,
    ) -> std::result::Result<(), Stop> {
        let mut n = match *left {
            Some(n) => n,
            None => {
                let n: usize = self.take()?;
                out.expect(n.min(RESERVE_AT_MOST)).map_err(Stop::Fail)?;
                *left = Some(n);
                n
            }
        };
        while n > 0 {
            let x = self.take()?;
            out.put(x).map_err(Stop::Fail)?;
            n -= 1;
            *left = Some(n);
        }
        *left = None;
        Ok(())
    }
}

/// Where a list's items go.
trait Put<T> {
    /// At most this many items are coming.
    fn expect(&mut self, n: usize) -> Result<()>;
    fn put(&mut self, item: T) -> Result<()>;
}

impl<T> Put<T> for Vec<T> {
    fn expect(&mut self, n: usize) -> Result<()> {
        self.reserve(n);
        Ok(())
    }

    fn put(&mut self, item: T) -> Result<()> {
        self.push(item);
        Ok(())
    }
}

/// The items of one list of a batch, to a sink: `expect` and `record`
/// say how a length and an item become records.
struct ToSink<'a, 's, T> {
    sink: &'a mut Sink<'s>,
    expect: fn(usize) -> Record,
    record: fn(T) -> Record,
}

impl<T> Put<T> for ToSink<'_, '_, T> {
    fn expect(&mut self, n: usize) -> Result<()> {
        (self.sink)((self.expect)(n))
    }

    fn put(&mut self, item: T) -> Result<()> {
        (self.sink)((self.record)(item))
    }
}

/// The log read at open past which sled is closed and opened again once
/// the graph is built ([`super::SledStorage::reopen_after_large_read`]).
const REOPEN_AFTER: u64 = super::CHUNK as u64;

impl super::SledStorage {
    pub(super) fn note_read(&self, bytes: usize) {
        self.log_read
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Closes sled and opens it again when the loads read more than
    /// [`REOPEN_AFTER`] bytes of log: sled keeps the pages it read in
    /// memory, whatever its cache's size, and lets them go only when
    /// closed. A store read from a private copy is left as it is (its
    /// device may be too full for sled to open it again).
    pub(super) fn reopen_after_large_read(&mut self) -> Result<()> {
        let read = self.log_read.swap(0, std::sync::atomic::Ordering::Relaxed);
        if read <= REOPEN_AFTER || self.read_only.is_some() {
            return Ok(());
        }
        let data = self.path.join("data");
        drop(self.trees.take());
        drop(self.db.take());
        let db = super::open_sled(&data, &self.path)?;
        let trees =
            super::layout::Trees::open(&db).map_err(|e| super::read_error(&self.path, e))?;
        self.db = Some(db);
        self.trees = Some(trees);
        Ok(())
    }

    /// The log streamed into `sink`, when it is one batch (a fresh import,
    /// or a store just compacted): `Ok(None)` when it is not, and nothing
    /// was handed over; `Ok(Some(None))` when the batch turned out to need
    /// replaying (it deletes, and puts records out of id order, which no
    /// transaction writes), and what was handed over is void.
    pub(super) fn load_lone_batch(
        &self,
        sink: Sink<'_>,
    ) -> Result<Option<Option<(NodeId, RelId)>>> {
        let trees = self.trees();
        let read = |e| super::read_error(&self.path, e);
        if trees.log.scan_prefix([super::LOG_PREFIX]).next().is_some() {
            return Ok(None);
        }
        // The last chunk's batch; the first chunk must be of the same one
        // (checked below before anything is handed over).
        let Some(last) = trees.base.scan_prefix([super::LOG_PREFIX]).next_back() else {
            return Ok(None);
        };
        let seq = super::log_key_parts(&last.map_err(read)?.0)?.0;
        let mut ascending = true;
        let (mut last_node, mut last_rel): (Option<NodeId>, Option<RelId>) = (None, None);
        let mut checked = |record: Record| {
            match &record {
                Record::Node(n) => {
                    ascending &= last_node.is_none_or(|l| l < n.id);
                    last_node = Some(n.id);
                }
                Record::Relationship(r) => {
                    ascending &= last_rel.is_none_or(|l| l < r.id);
                    last_rel = Some(r.id);
                }
                Record::Expect { .. } => {}
            }
            sink(record)
        };
        let mut stream = BatchStream::into_sink(seq, &mut checked);
        for (i, item) in trees.base.scan_prefix([super::LOG_PREFIX]).enumerate() {
            let (key, bytes) = item.map_err(read)?;
            let (s, chunk) = super::log_key_parts(&key)?;
            if i == 0 && (s != seq || chunk != 0) {
                // Several batches, or a first chunk missing: replaying
                // reads them (and reports what is wrong).
                return Ok(None);
            }
            if s != seq {
                return Err(Error::Corrupt(format!(
                    "the log changed while batch {seq} was read"
                )));
            }
            self.note_read(bytes.len());
            stream.feed(&bytes)?;
        }
        let batch = stream.finish()?;
        let deletes = !(batch.delete_nodes.is_empty() && batch.delete_relationships.is_empty());
        if deletes && !ascending {
            return Ok(Some(None));
        }
        // Within a batch deletes come before puts, so they take none of the
        // records it puts: what was handed over is what replaying leaves.
        Ok(Some(Some((batch.next_node_id, batch.next_rel_id))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Relationship};
    use crate::value::{Properties, Value};
    use proptest::prelude::*;

    fn batch(nodes: usize, rels: usize, text: &str) -> Batch {
        let mut props = Properties::new();
        props.insert("text".into(), Value::from(text));
        Batch {
            put_nodes: (0..nodes as u64)
                .map(|id| Node {
                    id,
                    labels: vec!["Statement".into()],
                    properties: props.clone(),
                })
                .collect(),
            delete_nodes: vec![7, 300, u64::MAX],
            put_relationships: (0..rels as u64)
                .map(|id| Relationship {
                    id,
                    rel_type: "CLAIMS".into(),
                    start: id,
                    end: id + 1,
                    properties: props.clone(),
                })
                .collect(),
            delete_relationships: vec![1 << 40],
            next_node_id: nodes as u64 + 1,
            next_rel_id: 1 << 33,
        }
    }

    /// Feeds `bytes` cut at `cuts` (positions, any order).
    fn streamed(bytes: &[u8], cuts: &[usize]) -> Result<Batch> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut stream = BatchStream::new(1);
        let mut from = 0;
        for c in cuts.into_iter().chain([bytes.len()]) {
            stream.feed(&bytes[from..c])?;
            from = c;
        }
        stream.finish()
    }

    proptest! {
        #[test]
        fn any_cut_decodes_what_one_buffer_does(
            nodes in 0usize..40,
            rels in 0usize..40,
            text_len in 0usize..3000,
            cuts in proptest::collection::vec(any::<usize>(), 0..30),
        ) {
            let b = batch(nodes, rels, &"x".repeat(text_len));
            let bytes = postcard::to_stdvec(&b).unwrap();
            prop_assert_eq!(streamed(&bytes, &cuts).unwrap(), b);
        }

        #[test]
        fn a_cut_short_batch_is_refused(
            nodes in 0usize..10,
            rels in 0usize..10,
            keep in any::<usize>(),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let bytes = postcard::to_stdvec(&batch(nodes, rels, "t")).unwrap();
            let short = &bytes[..keep % bytes.len()];
            prop_assert!(streamed(short, &cuts).is_err());
            prop_assert!(postcard::from_bytes::<Batch>(short).is_err());
        }
    }

    #[test]
    fn a_record_longer_than_many_chunks_decodes() {
        let b = batch(2, 1, &"é".repeat(100_000));
        let bytes = postcard::to_stdvec(&b).unwrap();
        let cuts: Vec<usize> = (1..bytes.len()).step_by(997).collect();
        assert_eq!(streamed(&bytes, &cuts).unwrap(), b);
    }

    #[test]
    fn bytes_that_are_not_a_batch_are_refused() {
        let mut bytes = postcard::to_stdvec(&batch(1, 0, "t")).unwrap();
        // The node's first label is a string of one byte that is not UTF-8.
        let at = bytes.iter().position(|&b| b == b'S').unwrap();
        bytes[at] = 0xff;
        assert!(streamed(&bytes, &[3, 9]).is_err());
        assert!(postcard::from_bytes::<Batch>(&bytes).is_err());
    }
}
