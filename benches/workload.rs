//! The standard workload (`bench/queries.cypher` of the shared material) on claimgraph.
//!
//! ```text
//! cargo bench --bench workload -- --corpus DIR [--runs 5] [--expected PEERS.json] [--json OUT.json]
//! ```
//!
//! DIR is what `gen_corpus.py --out DIR` wrote (corpus.triples, corpus.jsonl,
//! params.json). Steps, each printed: import corpus.triples into a fresh store
//! with the release binary (timed, with the child's peak memory); answer q1 from
//! a cold start with the binary (process start to answer); open the store in
//! this process (timed, resident memory after); run q1..q6 (one warm-up, then
//! `--runs` timed runs, median); compare the rows with the expected answers that
//! `peers.py --json` wrote (Kuzu's), when given. Figures go to `--json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use claimgraph::{output, Database, Params, Value};
use serde_json::{json, Value as Json};

// The in-process measurements run on the allocator the `claimgraph` binary
// uses, so that they time what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How many times the corpus is imported.
const IMPORTS: usize = 3;

struct Args {
    corpus: PathBuf,
    runs: usize,
    expected: Option<PathBuf>,
    json: Option<PathBuf>,
    queries: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut corpus = None;
    let mut runs = 5;
    let mut expected = None;
    let mut json = None;
    let mut queries = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|r| r.parse().ok())
                    .ok_or("--runs takes a number")?
            }
            "--expected" => expected = args.next().map(PathBuf::from),
            "--json" => json = args.next().map(PathBuf::from),
            "--queries" => queries = args.next().map(PathBuf::from),
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let corpus = corpus.ok_or("--corpus DIR is required (gen_corpus.py --out DIR)")?;
    let queries = match queries {
        Some(q) => q,
        None => {
            let shared = std::env::var("CLAIMGRAPH_SHARED").unwrap_or_else(|_| "../shared".into());
            Path::new(&shared).join("bench/queries.cypher")
        }
    };
    Ok(Args {
        corpus,
        runs,
        expected,
        json,
        queries,
    })
}

/// The queries of `queries.cypher`: each `// qN: ...` comment names the statement after it.
fn read_queries(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    let mut body = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("//") {
            if let Some((q, _)) = rest.trim().split_once(':') {
                if q.starts_with('q') && q[1..].chars().all(|c| c.is_ascii_digit()) {
                    name = Some(q.to_string());
                }
            }
            continue;
        }
        if name.is_some() && !trimmed.is_empty() {
            body.push_str(line);
            body.push('\n');
            if trimmed.ends_with(';') {
                let q = body.trim().trim_end_matches(';').to_string();
                out.push((name.take().unwrap_or_default(), q));
                body.clear();
            }
        }
    }
    Ok(out)
}

/// Runs a child to completion; returns (seconds, peak RSS in MiB, stdout).
fn run_child(cmd: &mut Command) -> Result<(f64, f64, Vec<u8>), String> {
    use std::io::Read;
    let started = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_end(&mut out).map_err(|e| e.to_string())?;
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child's pid with valid pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    if pid < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed (status {status})"));
    }
    Ok((seconds, usage.ru_maxrss as f64 / 1024.0, out))
}

fn rss_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let bin = env!("CARGO_BIN_EXE_claimgraph");
    let queries = read_queries(&args.queries)?;
    let params_json: BTreeMap<String, Json> = serde_json::from_str(
        &std::fs::read_to_string(args.corpus.join("params.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let params: Params = params_json
        .iter()
        .map(|(k, v)| (k.clone(), Value::from_json(v)))
        .collect();

    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = scratch.path().join("store");
    let corpus_file = args.corpus.join("corpus.triples");

    // Three imports into fresh stores, the median reported: the first one
    // after the peers' runs often pays the kernel for reclaiming their memory.
    let mut loads = Vec::new();
    let mut load_rss: f64 = 0.0;
    for k in 0..IMPORTS {
        let target = if k + 1 == IMPORTS {
            store.clone()
        } else {
            scratch.path().join(format!("store-{k}"))
        };
        let (s, rss, _) = run_child(
            Command::new(bin)
                .arg("--store")
                .arg(&target)
                .arg("import")
                .arg(&corpus_file),
        )?;
        if target != store {
            std::fs::remove_dir_all(&target).map_err(|e| e.to_string())?;
        }
        loads.push(s);
        load_rss = load_rss.max(rss);
    }
    let load_s = median(loads.clone());
    let disk = dir_size(&store);
    println!(
        "import: {load_s:.2} s (median of {loads:.2?}), peak {load_rss:.0} MiB, store {:.1} MiB",
        disk as f64 / 1048576.0
    );

    // Cold: process start to q1's answer.
    let (q1_name, q1_text) = queries.first().cloned().ok_or("no queries")?;
    let mut cold = Command::new(bin);
    cold.arg("--store")
        .arg(&store)
        .args(["query", &q1_text, "--format", "json"]);
    for (k, v) in &params_json {
        cold.arg("--param").arg(format!("{k}={v}"));
    }
    let (cold_s, cold_rss, _) = run_child(&mut cold)?;
    println!(
        "cold {q1_name} (process start to answer): {:.0} ms, peak {cold_rss:.0} MiB",
        cold_s * 1000.0
    );

    // Cold: process start to the counts of `stats`.
    let mut cold_stats = Command::new(bin);
    cold_stats
        .arg("--store")
        .arg(&store)
        .args(["stats", "--format", "json"]);
    let (stats_s, stats_rss, _) = run_child(&mut cold_stats)?;
    println!(
        "cold stats (process start to answer): {:.0} ms, peak {stats_rss:.0} MiB",
        stats_s * 1000.0
    );

    let started = Instant::now();
    let mut db = Database::open(&store).map_err(|e| e.to_string())?;
    let open_s = started.elapsed().as_secs_f64();
    let open_rss = rss_mib("VmRSS:");
    let stats = db.stats();
    println!(
        "open in process: {:.0} ms, resident {open_rss:.0} MiB ({} nodes, {} relationships)",
        open_s * 1000.0,
        stats.nodes,
        stats.relationships
    );

    let expected: Option<Json> = match &args.expected {
        Some(p) => Some(
            serde_json::from_str(&std::fs::read_to_string(p).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let mut results = serde_json::Map::new();
    let mut mismatches = 0;
    for (name, text) in &queries {
        let mut times = Vec::new();
        let mut rows = Json::Null;
        for run in 0..=args.runs {
            let t = Instant::now();
            let result = db
                .query(text, &params)
                .map_err(|e| format!("{name}: {e}"))?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if run > 0 {
                times.push(ms);
            } else {
                rows = Json::Array(
                    result
                        .rows
                        .iter()
                        .map(|r| Json::Array(r.iter().map(output::value_to_json).collect()))
                        .collect(),
                );
            }
        }
        let m = median(times.clone());
        let check = match expected.as_ref().and_then(|e| e["expected"].get(name)) {
            Some(want) if want["rows"] == rows => "rows equal the reference".to_string(),
            Some(want) => {
                mismatches += 1;
                format!(
                    "MISMATCH: {} rows, the reference ({}) has {}",
                    rows.as_array().map_or(0, Vec::len),
                    want["source"],
                    want["rows"].as_array().map_or(0, Vec::len)
                )
            }
            None => "not compared".to_string(),
        };
        println!("{name}: {m:.2} ms median of {} ({check})", args.runs);
        results.insert(
            name.clone(),
            json!({"median_ms": m, "times_ms": times, "row_count": rows.as_array().map_or(0, Vec::len), "check": check}),
        );
    }
    let out = json!({
        "load_s": load_s,
        "load_times_s": loads,
        "load_peak_rss_mib": load_rss,
        "disk_bytes": disk,
        "cold_query_ms": cold_s * 1000.0,
        "cold_query_rss_mib": cold_rss,
        "cold_stats_ms": stats_s * 1000.0,
        "cold_stats_rss_mib": stats_rss,
        "open_ms": open_s * 1000.0,
        "open_rss_mib": open_rss,
        "nodes": stats.nodes,
        "relationships": stats.relationships,
        "rels_per_s": stats.relationships as f64 / load_s,
        "queries": results,
        "mismatches": mismatches,
    });
    if let Some(path) = &args.json {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        println!("wrote {}", path.display());
    }
    if mismatches > 0 {
        return Err(format!("{mismatches} queries differ from the reference"));
    }
    Ok(())
}
