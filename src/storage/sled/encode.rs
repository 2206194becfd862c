//! Encoding batches and change records into the chunks written to sled.
//!
//! A batch is postcard's encoding of a [`BatchRef`], cut into chunks of at
//! most [`CHUNK`] bytes that are read back as one sequence of bytes. A large
//! batch (an import) is encoded on two threads: the second half of its
//! relationships and the fields after them on one, the rest on the other,
//! giving the same bytes as one pass.

use serde::ser::{SerializeSeq, Serializer as _};
use serde::Serialize;

use super::CHUNK;
use crate::error::{Error, Result};
use crate::storage::BatchRef;

/// Batches with fewer relationships to write than this are encoded on one thread.
const PARALLEL_FROM: usize = 1 << 16;

/// `batch` encoded, in chunks of at most [`CHUNK`] bytes (at least one).
pub(super) fn encode_batch(batch: &BatchRef<'_>) -> Result<Vec<Vec<u8>>> {
    // The number of cores is asked only of a large batch (it reads files).
    if batch.put_relationships.len() < PARALLEL_FROM
        || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2
    {
        return encode_chunks(batch);
    }
    encode_batch_from(batch, PARALLEL_FROM)
}

/// [`encode_batch`], on two threads from `parallel_from` relationships on.
fn encode_batch_from(batch: &BatchRef<'_>, parallel_from: usize) -> Result<Vec<Vec<u8>>> {
    let rels = &batch.put_relationships;
    if rels.len() < parallel_from.max(2) {
        return encode_chunks(batch);
    }
    let (first, second) = rels.split_at(rels.len() / 2);
    let (front, back) = std::thread::scope(|scope| {
        let back = scope.spawn(|| {
            let mut ser = postcard::Serializer {
                output: ChunkWriter::default(),
            };
            second.iter().try_for_each(|r| r.serialize(&mut ser))?;
            batch.delete_relationships.serialize(&mut ser)?;
            batch.next_node_id.serialize(&mut ser)?;
            batch.next_rel_id.serialize(&mut ser)?;
            Ok::<_, postcard::Error>(ser.output)
        });
        let front = (|| {
            let mut ser = postcard::Serializer {
                output: ChunkWriter::default(),
            };
            batch.put_nodes.serialize(&mut ser)?;
            batch.delete_nodes.serialize(&mut ser)?;
            // The relationships' length, then the first half of them: the
            // sequence goes on in the other part.
            let mut seq = (&mut ser).serialize_seq(Some(rels.len()))?;
            first.iter().try_for_each(|r| seq.serialize_element(r))?;
            SerializeSeq::end(seq)?;
            Ok::<_, postcard::Error>(ser.output)
        })();
        (front, back.join())
    });
    let fail = |e: postcard::Error| Error::Corrupt(format!("cannot encode a batch: {e}"));
    let back = back.map_err(|_| Error::Corrupt("cannot encode a batch: a thread failed".into()))?;
    let mut chunks = front.map_err(fail)?.finish();
    chunks.extend(back.map_err(fail)?.finish());
    Ok(chunks)
}

/// `value` encoded, in chunks of at most [`CHUNK`] bytes (at least one).
pub(super) fn encode_chunks(value: &impl serde::Serialize) -> Result<Vec<Vec<u8>>> {
    postcard::serialize_with_flavor(value, ChunkWriter::default())
        .map_err(|e| Error::Corrupt(format!("cannot encode a batch: {e}")))
}

/// Collects encoded bytes in chunks of at most [`CHUNK`] bytes, so that a large
/// batch is never copied into an ever-growing buffer. The encoder hands it
/// bytes directly (a postcard flavor), one call per byte or string.
#[derive(Default)]
pub(super) struct ChunkWriter {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl ChunkWriter {
    pub(super) fn finish(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() || self.done.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }

    /// Makes room for at least one more byte in the current chunk.
    #[cold]
    fn next_chunk(&mut self) {
        if self.current.len() >= CHUNK {
            self.done.push(std::mem::take(&mut self.current));
        }
        if self.current.capacity() < CHUNK {
            self.current.reserve_exact(CHUNK - self.current.len());
        }
    }
}

impl postcard::ser_flavors::Flavor for ChunkWriter {
    type Output = Vec<Vec<u8>>;

    #[inline]
    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        if self.current.len() >= CHUNK || self.current.capacity() == self.current.len() {
            self.next_chunk();
        }
        self.current.push(byte);
        Ok(())
    }

    #[inline]
    fn try_extend(&mut self, mut data: &[u8]) -> postcard::Result<()> {
        while !data.is_empty() {
            if self.current.len() >= CHUNK || self.current.capacity() == self.current.len() {
                self.next_chunk();
            }
            let room = CHUNK - self.current.len();
            let (now, later) = data.split_at(room.min(data.len()));
            self.current.extend_from_slice(now);
            data = later;
        }
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Self::Output> {
        Ok(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Relationship};
    use crate::value::{Properties, Value};

    /// Encoded on two threads, a batch is the bytes of one pass, and its
    /// chunks are none of them too large.
    #[test]
    fn two_threads_encode_the_bytes_of_one_pass() {
        let nodes: Vec<Node> = (0..5)
            .map(|id| Node {
                id,
                labels: vec!["Actor".into()],
                properties: Properties::new(),
            })
            .collect();
        let rels: Vec<Relationship> = (0..9)
            .map(|id| {
                let mut properties = Properties::new();
                properties.insert("n".into(), Value::Int(id as i64 * 1000));
                Relationship {
                    id,
                    rel_type: "LEADS".into(),
                    start: id % 5,
                    end: (id + 1) % 5,
                    properties,
                }
            })
            .collect();
        for n in [0, 1, 2, 3, 9] {
            let batch = BatchRef {
                put_nodes: nodes.iter().collect(),
                delete_nodes: vec![7, 300],
                put_relationships: rels[..n].iter().collect(),
                delete_relationships: vec![1 << 40],
                next_node_id: 301,
                next_rel_id: 1 << 41,
            };
            let one_pass = postcard::to_allocvec(&batch).unwrap();
            let chunks = encode_batch_from(&batch, 2).unwrap();
            assert_eq!(chunks.len(), if n >= 2 { 2 } else { 1 }, "{n}");
            assert!(chunks.iter().all(|c| c.len() <= CHUNK));
            assert_eq!(chunks.concat(), one_pass, "{n}");
            assert_eq!(encode_batch(&batch).unwrap().concat(), one_pass, "{n}");
        }
    }
}
