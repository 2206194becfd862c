//! Parsing a large file on several threads: the file is cut into parts at
//! lines where an item may start, each part is parsed on its own thread with
//! its own report, and the items and errors are put back in file order, so
//! that the result is exactly that of one pass over the whole file.

use super::item::{Items, Progress, Report};
use crate::error::Diagnostics;

/// Below this size a file is parsed on the calling thread alone.
const PARALLEL_FROM: usize = 1 << 20;

/// The parser of one part: `source[start..end]`, with offsets in the whole
/// `source`.
pub(super) type ParseRange<'a> =
    fn(&'a str, usize, usize, &mut Report<'_>, &mut Progress<'_>) -> Items<'a>;

/// Parses `source[start..]`, cut just after occurrences of `boundary` (which
/// must begin with a line break); the first part reports into `report` and
/// moves `progress`, the others report into their own, merged after.
pub(super) fn parse<'a>(
    name: &str,
    source: &'a str,
    start: usize,
    boundary: &str,
    report: &mut Report<'_>,
    progress: &mut Progress<'_>,
    parse_range: ParseRange<'a>,
) -> Items<'a> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if source.len() < PARALLEL_FROM || threads < 2 {
        return parse_range(source, start, source.len(), report, progress);
    }
    let mut cuts = vec![start];
    for k in 1..threads {
        let mut target = source.len() / threads * k;
        while !source.is_char_boundary(target) {
            target += 1;
        }
        let Some(found) = source[target..].find(boundary) else {
            break;
        };
        let cut = target + found + 1;
        if cut > *cuts.last().unwrap_or(&0) {
            cuts.push(cut);
        }
    }
    cuts.push(source.len());
    let parts: Vec<(Items<'a>, Diagnostics)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .skip(1)
            .map(|w| {
                let (start, end) = (w[0], w[1]);
                scope.spawn(move || {
                    let mut report = Report::new(name, source);
                    let mut quiet = Progress::new(None, 0);
                    let items = parse_range(source, start, end, &mut report, &mut quiet);
                    (items, report.diagnostics)
                })
            })
            .collect();
        let first = parse_range(source, cuts[0], cuts[1], report, progress);
        let mut parts = vec![(first, Diagnostics::default())];
        for h in handles {
            // A parsing thread only panics on a bug; report it as one rather than lose items.
            match h.join() {
                Ok(part) => parts.push(part),
                Err(_) => report.error(0, "internal error: a parsing thread failed"),
            }
        }
        parts
    });
    let mut items = Items::new();
    for (part, diagnostics) in parts {
        items.append(part);
        report.diagnostics.omitted += diagnostics.omitted;
        for d in diagnostics.items {
            report.diagnostics.push(d);
        }
    }
    items
}
