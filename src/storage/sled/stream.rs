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

use crate::storage::Batch;

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

/// A batch decoded chunk by chunk: [`BatchStream::feed`] each chunk in
/// order, then [`BatchStream::finish`].
pub(super) struct BatchStream {
    window: Vec<u8>,
    /// Bytes of `window` already decoded.
    pos: usize,
    field: Field,
    /// Items left in the current list; `None` before its length is read.
    left: Option<usize>,
    batch: Batch,
    /// The window's unread length at which decoding is tried again, after
    /// a record did not fit: a record spanning many chunks is tried about
    /// once per doubling of the window, not once per chunk.
    retry_at: usize,
}

/// Why a step did not decode.
enum Stop {
    /// The window ends inside the next value: it needs more bytes.
    More,
    /// The bytes are not a batch.
    Bad(postcard::Error),
}

impl BatchStream {
    pub(super) fn new() -> Self {
        BatchStream {
            window: Vec::new(),
            pos: 0,
            field: Field::PutNodes,
            left: None,
            batch: Batch::default(),
            retry_at: 0,
        }
    }

    /// Decodes what `chunk` completes.
    pub(super) fn feed(&mut self, chunk: &[u8]) -> Result<(), postcard::Error> {
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
    pub(super) fn finish(mut self) -> Result<Batch, postcard::Error> {
        self.retry_at = 0;
        self.run()?;
        if self.field != Field::Done {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        Ok(self.batch)
    }

    fn run(&mut self) -> Result<(), postcard::Error> {
        loop {
            match self.step() {
                Ok(()) if self.field == Field::Done => return Ok(()),
                Ok(()) => {}
                Err(Stop::More) => {
                    self.retry_at = (self.window.len() - self.pos).saturating_mul(2);
                    return Ok(());
                }
                Err(Stop::Bad(e)) => return Err(e),
            }
        }
    }

    /// Decodes one value of the current field, or as many items of the
    /// current list as the window holds.
    fn step(&mut self) -> Result<(), Stop> {
        let (window, pos, left) = (&self.window[..], &mut self.pos, &mut self.left);
        let b = &mut self.batch;
        let (done, next) = match self.field {
            Field::PutNodes => (
                list(window, pos, left, &mut b.put_nodes)?,
                Field::DeleteNodes,
            ),
            Field::DeleteNodes => (
                list(window, pos, left, &mut b.delete_nodes)?,
                Field::PutRels,
            ),
            Field::PutRels => (
                list(window, pos, left, &mut b.put_relationships)?,
                Field::DeleteRels,
            ),
            Field::DeleteRels => (
                list(window, pos, left, &mut b.delete_relationships)?,
                Field::NextNodeId,
            ),
            Field::NextNodeId => {
                b.next_node_id = take(window, pos)?;
                (true, Field::NextRelId)
            }
            Field::NextRelId => {
                b.next_rel_id = take(window, pos)?;
                (true, Field::Done)
            }
            Field::Done => (true, Field::Done),
        };
        if done {
            self.field = next;
        }
        Ok(())
    }
}

/// The most items a list's length reserves room for before they are read:
/// a damaged length must not ask for more memory than the store could hold.
const RESERVE_AT_MOST: usize = 1 << 22;

/// Decodes a list's length (into `left`), then as many of its items as
/// `window` holds into `out`; true once the last item is decoded.
fn list<T: DeserializeOwned>(
    window: &[u8],
    pos: &mut usize,
    left: &mut Option<usize>,
    out: &mut Vec<T>,
) -> Result<bool, Stop> {
    let mut n = match *left {
        Some(n) => n,
        None => {
            let n: usize = take(window, pos)?;
            out.reserve(n.min(RESERVE_AT_MOST));
            *left = Some(n);
            n
        }
    };
    while n > 0 {
        out.push(take(window, pos)?);
        n -= 1;
        *left = Some(n);
    }
    *left = None;
    Ok(true)
}

/// Decodes one value at `*pos` of `window`, moving `*pos` past it.
fn take<T: DeserializeOwned>(window: &[u8], pos: &mut usize) -> Result<T, Stop> {
    match postcard::take_from_bytes::<T>(&window[*pos..]) {
        Ok((value, rest)) => {
            *pos = window.len() - rest.len();
            Ok(value)
        }
        Err(postcard::Error::DeserializeUnexpectedEnd) => Err(Stop::More),
        Err(e) => Err(Stop::Bad(e)),
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
    fn streamed(bytes: &[u8], cuts: &[usize]) -> Result<Batch, postcard::Error> {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut stream = BatchStream::new();
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
