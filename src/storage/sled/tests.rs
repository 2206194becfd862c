use super::encode::ChunkWriter;
use super::*;
use crate::model::Node;

#[test]
fn a_second_open_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SledStorage::open(dir.path()).unwrap();
    let err = SledStorage::open(dir.path()).err().unwrap();
    assert!(matches!(err, Error::StoreLocked { .. }), "{err}");
    assert!(err.to_string().contains("in use"), "{err}");
}

#[test]
fn a_long_log_is_compacted_at_open_and_keeps_every_record() {
    use crate::value::{Properties, Value};
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStorage::open(dir.path()).unwrap();
    for i in 0..(COMPACT_AFTER as u64 + 10) {
        let mut properties = Properties::new();
        properties.insert("n".into(), Value::Int(i as i64));
        let batch = Batch {
            put_nodes: vec![Node {
                id: i,
                labels: vec!["N".into()],
                properties,
            }],
            // Every other batch deletes the node the one before wrote.
            delete_nodes: if i % 2 == 1 { vec![i - 1] } else { vec![] },
            next_node_id: i + 1,
            ..Batch::default()
        };
        store.commit(&batch.as_ref(), &Change::default()).unwrap();
    }
    let before = store.load().unwrap();
    assert_eq!(before.nodes.len(), (COMPACT_AFTER + 10) / 2);
    drop(store);
    let store = SledStorage::open(dir.path()).unwrap();
    assert_eq!(
        store.read_log().unwrap().0.len(),
        1,
        "the log was compacted"
    );
    assert_eq!(store.load().unwrap(), before);
    let mut store = store;
    store
        .commit(
            &BatchRef {
                next_node_id: 1000,
                ..BatchRef::default()
            },
            &Change::default(),
        )
        .unwrap();
    drop(store);
    let store = SledStorage::open(dir.path()).unwrap();
    let after = store.load().unwrap();
    assert_eq!(after.nodes, before.nodes);
    assert_eq!(after.next_node_id, 1000);
    assert_eq!(store.history().unwrap().last, COMPACT_AFTER as u64 + 11);
    assert_eq!(
        store.changes_after(COMPACT_AFTER as u64).unwrap().len(),
        11,
        "compacting the log keeps the history"
    );
}

#[test]
fn chunks_hold_every_byte_in_order_and_none_is_too_large() {
    use postcard::ser_flavors::Flavor;
    let data: Vec<u8> = (0..(2 * CHUNK + 12_345)).map(|i| (i % 251) as u8).collect();
    let mut w = ChunkWriter::default();
    for (n, piece) in data.chunks(777_777).enumerate() {
        // Whole pieces and single bytes, as the encoder gives them.
        if n % 2 == 0 {
            w.try_extend(piece).unwrap();
        } else {
            for &b in piece {
                w.try_push(b).unwrap();
            }
        }
    }
    let chunks = w.finish();
    assert_eq!(chunks.len(), 3);
    assert!(chunks.iter().all(|c| c.len() <= CHUNK));
    assert_eq!(chunks.concat(), data);
    assert_eq!(ChunkWriter::default().finish(), vec![Vec::<u8>::new()]);
}

#[test]
fn a_newer_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStorage::open(dir.path()).unwrap();
    store
        .set_format_version_for_tests(FORMAT_VERSION + 1)
        .unwrap();
    drop(store);
    let err = SledStorage::open(dir.path()).err().unwrap();
    assert!(matches!(err, Error::FormatVersion { .. }), "{err}");
    assert!(err.to_string().contains("newer claimgraph"), "{err}");
}

#[test]
fn a_store_of_one_tree_has_its_keys_moved_into_their_trees_at_open() {
    use self::layout::{BASE_TREE, CHANGES_TREE, ENTRIES_TREE, LOG_TREE};
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStorage::open(dir.path()).unwrap();
    for i in 0..3u64 {
        let batch = Batch {
            put_nodes: vec![Node {
                id: i,
                labels: vec!["N".into()],
                properties: Default::default(),
            }],
            next_node_id: i + 1,
            ..Batch::default()
        };
        let change = Change {
            what: "a write",
            ..Change::default()
        };
        store.commit(&batch.as_ref(), &change).unwrap();
    }
    let before = (store.load().unwrap(), store.log().unwrap());
    drop(store);
    // Put every key back into the default tree, as format 2 kept them.
    {
        let db = open_sled(&dir.path().join("data"), dir.path()).unwrap();
        for name in [BASE_TREE, LOG_TREE, CHANGES_TREE, ENTRIES_TREE] {
            let tree = db.open_tree(name).unwrap();
            for item in tree.iter() {
                let (k, v) = item.unwrap();
                db.insert(k, v).unwrap();
            }
            tree.clear().unwrap();
        }
        db.insert(META_FORMAT, &FORMAT_ONE_TREE.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let store = SledStorage::open(dir.path()).unwrap();
    assert_eq!((store.load().unwrap(), store.log().unwrap()), before);
    assert_eq!(store.changes_after(0).unwrap().len(), 3);
    let db = store.db();
    assert!(
        db.scan_prefix([LOG_PREFIX]).next().is_none(),
        "the log moved"
    );
    assert_eq!(
        db.get(META_FORMAT).unwrap().unwrap().as_ref(),
        FORMAT_VERSION.to_be_bytes()
    );
}

#[test]
fn small_batches_after_a_large_one_are_folded_and_the_large_one_stays() {
    use crate::value::{Properties, Value};
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStorage::open(dir.path()).unwrap();
    let node = |id: u64, v: i64| {
        let mut properties = Properties::new();
        properties.insert("v".into(), Value::Int(v));
        Node {
            id,
            labels: vec!["N".into()],
            properties,
        }
    };
    // An import of 2,000 nodes, then one small write per batch.
    let base = Batch {
        put_nodes: (0..2000).map(|i| node(i, 0)).collect(),
        next_node_id: 2000,
        ..Batch::default()
    };
    store.commit(&base.as_ref(), &Change::default()).unwrap();
    for i in 0..(COMPACT_AFTER as u64 + 6) {
        let batch = Batch {
            put_nodes: vec![node(i % 7, i as i64 + 1)],
            delete_nodes: if i % 10 == 9 { vec![1000 + i] } else { vec![] },
            next_node_id: 2000,
            ..Batch::default()
        };
        store.commit(&batch.as_ref(), &Change::default()).unwrap();
    }
    let before = store.load().unwrap();
    let first_seq = store.read_log().unwrap().1[0].0;
    drop(store);
    let store = SledStorage::open(dir.path()).unwrap();
    assert_eq!(store.load().unwrap(), before, "the fold keeps every record");
    let (batches, sizes) = store.read_log().unwrap();
    assert_eq!(batches.len(), 2, "the small batches became one");
    assert_eq!(sizes[0].0, first_seq, "the large batch was not rewritten");
    assert_eq!(batches[1].put_nodes.len(), 7);
    assert_eq!(before.nodes.len(), 2000 - 7);
}

/// Bytes this thread has read through system calls (`rchar`), where the
/// kernel tells them.
#[cfg(target_os = "linux")]
fn thread_read_bytes() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/thread-self/io").ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("rchar: "))
        .and_then(|n| n.trim().parse().ok())
}

/// Linux only: the bytes read come from `/proc/thread-self/io`.
#[cfg(target_os = "linux")]
#[test]
fn an_open_after_a_large_batch_does_not_read_the_batch_again() {
    use crate::value::{Properties, Value};
    assert!(
        thread_read_bytes().is_some(),
        "/proc/thread-self/io tells no rchar"
    );
    let dir = tempfile::tempdir().unwrap();
    let nodes: Vec<Node> = (0..100_000u64)
        .map(|id| {
            let mut properties = Properties::new();
            properties.insert("text".into(), Value::from(format!("statement {id:>60}")));
            Node {
                id,
                labels: vec!["Statement".into()],
                properties,
            }
        })
        .collect();
    let batch = BatchRef {
        put_nodes: nodes.iter().collect(),
        next_node_id: nodes.len() as u64,
        ..BatchRef::default()
    };
    let size = encode_batch(&batch)
        .unwrap()
        .iter()
        .map(Vec::len)
        .sum::<usize>() as u64;
    assert!(
        size >= layout::LARGE as u64,
        "a batch of {size} bytes is large"
    );
    let mut store = SledStorage::open(dir.path()).unwrap();
    store.commit(&batch, &Change::default()).unwrap();
    assert_eq!(
        store.db().get(b"mpadding").unwrap(),
        None,
        "the padding is removed"
    );
    drop(store);
    // The first open after the batch still reads it (sled's snapshot is
    // older); from then on an open reads a small part of it.
    drop(SledStorage::open(dir.path()).unwrap());
    let before = thread_read_bytes().unwrap();
    let store = SledStorage::open(dir.path()).unwrap();
    let read = thread_read_bytes().unwrap() - before;
    assert!(
        read < size / 4,
        "an open read {read} bytes of a store whose batch takes {size}"
    );
    assert_eq!(store.load().unwrap().nodes.len(), nodes.len());
}

/// What `load_each` hands over, as text, and its counters.
fn each(store: &SledStorage) -> (Vec<String>, Option<(u64, u64)>) {
    let mut seen = Vec::new();
    let ids = store
        .load_each(&mut |r| {
            if !matches!(r, Record::Expect { .. }) {
                seen.push(format!("{r:?}"));
            }
            Ok(())
        })
        .unwrap();
    (seen, ids)
}

/// What `load` returns, in the same form.
fn loaded(store: &SledStorage) -> (Vec<String>, Option<(u64, u64)>) {
    let mut seen = Vec::new();
    let ids = super::super::each_record(store.load().unwrap(), &mut |r| {
        if !matches!(r, Record::Expect { .. }) {
            seen.push(format!("{r:?}"));
        }
        Ok(())
    })
    .unwrap();
    (seen, Some(ids))
}

/// A batch large enough for the base tree, putting nodes `ids` (in that
/// order) and a relationship between each two in a row, deleting `deletes`.
fn large_batch(ids: &[u64], deletes: &[u64]) -> Batch {
    use crate::value::{Properties, Value};
    let mut properties = Properties::new();
    properties.insert("pad".into(), Value::from("x".repeat(1000)));
    let put_nodes: Vec<Node> = ids
        .iter()
        .map(|&id| Node {
            id,
            labels: vec!["N".into()],
            properties: properties.clone(),
        })
        .collect();
    let put_relationships = ids
        .windows(2)
        .enumerate()
        .map(|(i, w)| crate::model::Relationship {
            id: i as u64,
            rel_type: "NEXT".into(),
            start: w[0],
            end: w[1],
            properties: Properties::new(),
        })
        .collect();
    Batch {
        put_nodes,
        delete_nodes: deletes.to_vec(),
        put_relationships,
        next_node_id: ids.iter().max().map_or(0, |m| m + 1),
        next_rel_id: ids.len() as u64,
        ..Batch::default()
    }
}

#[test]
fn a_lone_batch_is_streamed_in_the_order_load_returns() {
    let ascending: Vec<u64> = (0..600).collect();
    let mut shuffled = ascending.clone();
    shuffled.swap(3, 500);
    for (ids, deletes, streams) in [
        (&ascending, &[][..], true),
        // A transaction that created and deleted again: deletes, in order.
        (&ascending, &[700, 701][..], true),
        // Out of order without deletes: replaying keeps the batch's order.
        (&shuffled, &[][..], true),
        // Out of order with deletes: replaying sorts, so the stream is void.
        (&shuffled, &[700][..], false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SledStorage::open(dir.path()).unwrap();
        let batch = large_batch(ids, deletes);
        store.commit(&batch.as_ref(), &Change::default()).unwrap();
        let lone = store.load_lone_batch(&mut |_| Ok(())).unwrap();
        assert_eq!(lone.map(|l| l.is_some()), Some(streams), "{deletes:?}");
        let (got, ids) = each(&store);
        let want = loaded(&store);
        if streams {
            assert_eq!((got, ids), want);
        } else {
            assert_eq!(ids, None, "the caller is told to load instead");
        }
        assert_eq!(want.0.len(), 600 + 599);
    }
}

#[test]
fn a_log_of_several_batches_is_loaded_and_handed_over_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStorage::open(dir.path()).unwrap();
    let ids: Vec<u64> = (0..600).collect();
    let first = large_batch(&ids, &[]);
    store.commit(&first.as_ref(), &Change::default()).unwrap();
    let second = Batch {
        delete_nodes: vec![5],
        next_node_id: 600,
        next_rel_id: 599,
        ..Batch::default()
    };
    store.commit(&second.as_ref(), &Change::default()).unwrap();
    assert!(store.load_lone_batch(&mut |_| Ok(())).unwrap().is_none());
    let got = each(&store);
    assert_eq!(got, loaded(&store));
    assert_eq!(got.0.len(), 599 + 599);
}

#[test]
fn a_sink_that_refuses_a_record_stops_the_stream_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStorage::open(dir.path()).unwrap();
    let batch = large_batch(&(0..600).collect::<Vec<_>>(), &[]);
    store.commit(&batch.as_ref(), &Change::default()).unwrap();
    let mut n = 0;
    let err = store
        .load_each(&mut |_| {
            n += 1;
            if n == 10 {
                return Err(Error::Corrupt("the tenth".into()));
            }
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("the tenth"), "{err}");
    assert_eq!(n, 10);
}

#[test]
fn a_store_that_read_a_large_log_opens_sled_again_and_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<u64> = (0..(CHUNK as u64 / 1000 + 500)).collect();
    {
        let mut store = SledStorage::open(dir.path()).unwrap();
        let batch = large_batch(&ids, &[]);
        store.commit(&batch.as_ref(), &Change::default()).unwrap();
    }
    let mut store = SledStorage::open(dir.path()).unwrap();
    let before = each(&store);
    assert!(store.log_read.load(std::sync::atomic::Ordering::Relaxed) > CHUNK as u64);
    store.after_load().unwrap();
    assert_eq!(
        store.log_read.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "the count starts again"
    );
    // The store reads and writes as before.
    assert_eq!(each(&store), before);
    let more = Batch {
        delete_nodes: vec![0],
        next_node_id: ids.len() as u64,
        next_rel_id: ids.len() as u64,
        ..Batch::default()
    };
    store.commit(&more.as_ref(), &Change::default()).unwrap();
    assert_eq!(store.history().unwrap().last, 2);
    drop(store);
    let store = SledStorage::open(dir.path()).unwrap();
    assert_eq!(store.load().unwrap().nodes.len(), ids.len() - 1);
    assert_eq!(store.log().unwrap().len(), 2);
}
