//! The claims procedures on a generated corpus, in process.
//!
//! ```text
//! cargo bench --bench claims -- --corpus DIR [--runs 20]
//! ```
//!
//! DIR is what `gen_corpus.py --out DIR` wrote. Imports corpus.jsonl into an
//! in-memory store (timed), then times, as the median of `--runs` calls after
//! one warm-up: `claims.find` of names as people mistype them, the first
//! `claims.find` after an import (which builds the text index),
//! the first `claims.contested()` after an import (which builds the stance
//! table), `claims.contested()` and `claims.contested(since)`,
//! `claims.stance` of the most contested statements,
//! the first `claims.search` after an import (which builds the full-text
//! index), searches of one to three words, `claims.similar`, and last the
//! first `claims.contested()` after a one-node write (the median of up to
//! five writes).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use claimgraph::claims::{self, Target};
use claimgraph::{Database, Format};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    f();
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut corpus, mut runs) = (None, 20);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs N"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let corpus = corpus.expect("--corpus DIR (what gen_corpus.py --out DIR wrote)");
    let file = corpus.join("corpus.jsonl");
    let mut db = Database::in_memory();
    let t = Instant::now();
    db.import_file(&file, Some(Format::Jsonl), None)
        .expect("the corpus imports");
    let import = t.elapsed();
    println!("import corpus.jsonl: {}", ms(import));
    let g = db.graph();
    println!(
        "nodes {}, relationships {}",
        g.node_count(),
        g.relationship_count()
    );

    let t = Instant::now();
    let first = claims::find(g, "Irina Sokolova", None);
    println!(
        "claims.find, first call (builds the index): {} ({} found)",
        ms(t.elapsed()),
        first.len()
    );
    for query in [
        "Irina Sokolova 0",
        "irina sokolva",
        "Sokolova Irina 0",
        "Bakhmut 3",
        "Ministry of Defence 7",
    ] {
        let n = claims::find(g, query, None).len();
        println!(
            "claims.find({query:?}): {} ({n} found)",
            ms(time(runs, || claims::find(g, query, None)))
        );
    }
    let t = Instant::now();
    let contested = claims::contested(g, None, None).unwrap();
    println!(
        "claims.contested(), first call (builds the stance table): {}",
        ms(t.elapsed())
    );
    let since = claimgraph::Value::from("2023-03-01");
    println!(
        "claims.contested('2023-03-01'): {} ({} statements)",
        ms(time(runs.min(5), || {
            claims::contested(g, Some(&since), None).unwrap()
        })),
        claims::contested(g, Some(&since), None).unwrap().len()
    );
    println!(
        "claims.contested(): {} ({} statements)",
        ms(time(runs.min(5), || claims::contested(g, None, None).unwrap())),
        contested.len()
    );
    let mut stance = Vec::new();
    for c in contested.iter().take(runs) {
        let t = Instant::now();
        std::hint::black_box(claims::stance(g, Target::Node(c.statement)).unwrap());
        stance.push(t.elapsed());
    }
    println!(
        "claims.stance (most contested statements): {}",
        ms(median(stance))
    );
    let t = Instant::now();
    let index = g.search_index();
    let built = t.elapsed();
    println!(
        "claims.search index build: {} ({} texts); import + build = {:.2} x import",
        ms(built),
        index.len(),
        (import + built).as_secs_f64() / import.as_secs_f64()
    );
    for text in [
        "shelled",
        "Avdiivka shelling",
        "Oleksandr Petrov reinforced",
        "\"shelled avdiivka\" -mission",
    ] {
        let q = claimgraph::search::Query::parse(text);
        let n = index.search(&q, 10).len();
        println!(
            "claims.search({text:?}, 10): {} ({n} hits)",
            ms(time(runs, || index.search(&q, 10)))
        );
    }
    let top = contested[0].statement;
    println!(
        "claims.similar: {}",
        ms(time(runs, || claims::similar(g, Target::Node(top), 10).unwrap()))
    );
    // A write that touches no statement, article or stance keeps the
    // stance table; one that changes a stance drops it, and the first call
    // after it builds the table again.
    let mut after_write = Vec::new();
    for n in 0..runs.min(5) {
        db.query(&format!("CREATE (:Note {{n: {n}}})"), &Default::default())
            .expect("the write runs");
        let t = Instant::now();
        std::hint::black_box(claims::contested(db.graph(), None, None).unwrap());
        after_write.push(t.elapsed());
    }
    println!(
        "claims.contested(), first call after a write: {}",
        ms(median(after_write))
    );
    let mut after_stance_write = Vec::new();
    for n in 0..runs.min(5) {
        db.query(
            &format!("MATCH ()-[r:CLAIMS]->() WITH r LIMIT 1 SET r.quote = 'q{n}'"),
            &Default::default(),
        )
        .expect("the write runs");
        let t = Instant::now();
        std::hint::black_box(claims::contested(db.graph(), None, None).unwrap());
        after_stance_write.push(t.elapsed());
    }
    println!(
        "claims.contested(), first call after a write to a stance (builds the table): {}",
        ms(median(after_stance_write))
    );
}
