//! The running state of one aggregate in one group: what `count`, `sum`,
//! `collect` and the others keep while rows arrive, and their final value.

use std::cmp::Ordering;

use rustc_hash::FxHashSet;

use super::super::MAX_VALUES;
use crate::error::{Detail, Error, Result};
use crate::model::{NodeId, RelId};
use crate::query::plan::Aggregate;
use crate::query::values::{order, Key, Val};

/// The running state of one aggregate in one group.
pub(super) struct Acc {
    seen: Option<Seen>,
    state: State,
}

/// The values a `DISTINCT` aggregate has counted. Nodes and relationships,
/// the usual arguments (`count(DISTINCT s)`), are kept by id in sets of
/// their own, a word per entry; a node never equals a value of another kind,
/// so each kind can be told apart in its own set.
#[derive(Default)]
struct Seen {
    nodes: FxHashSet<NodeId>,
    rels: FxHashSet<RelId>,
    other: FxHashSet<Key>,
}

impl Seen {
    /// Whether `v` is new, noting it.
    fn insert(&mut self, v: &Val) -> bool {
        match v {
            Val::Node(id) => self.nodes.insert(*id),
            Val::Rel(id) => self.rels.insert(*id),
            _ => self.other.insert(Key::of(v)),
        }
    }
}

enum State {
    Count(i64),
    Collect(Vec<Val>),
    Sum {
        int: i64,
        float: f64,
        is_float: bool,
    },
    Avg {
        sum: f64,
        n: u64,
    },
    Min(Option<Val>),
    Max(Option<Val>),
    /// Numbers kept for stDev and percentiles, with the percentile asked for
    /// and whether every number was an integer.
    Numbers(Vec<f64>, Option<f64>, bool),
}

impl Acc {
    pub(super) fn new(a: &Aggregate) -> Self {
        let state = match a.function.as_str() {
            "count" => State::Count(0),
            "collect" => State::Collect(Vec::new()),
            "sum" => State::Sum {
                int: 0,
                float: 0.0,
                is_float: false,
            },
            "avg" => State::Avg { sum: 0.0, n: 0 },
            "min" => State::Min(None),
            "max" => State::Max(None),
            _ => State::Numbers(Vec::new(), None, true),
        };
        Acc {
            seen: a.distinct.then(Seen::default),
            state,
        }
    }

    /// Adds the arguments of `w` identical rows.
    pub(super) fn add_weighted(
        &mut self,
        a: &Aggregate,
        first: Option<Val>,
        second: Option<Val>,
        w: u64,
    ) -> Result<()> {
        if w == 1 || self.seen.is_some() || matches!(self.state, State::Min(_) | State::Max(_)) {
            return self.add(a, first, second);
        }
        let overflow = || {
            Error::coded(
                Detail::IntegerOverflow,
                "integer overflow: the count does not fit in an integer",
            )
        };
        let wi = i64::try_from(w).map_err(|_| overflow())?;
        match (&mut self.state, &first) {
            (_, Some(Val::Null)) => Ok(()),
            (State::Count(n), _) => {
                *n = n.checked_add(wi).ok_or_else(overflow)?;
                Ok(())
            }
            (State::Sum { .. }, Some(Val::Int(i))) => {
                let total = i.checked_mul(wi).ok_or_else(|| {
                    Error::coded(
                        Detail::IntegerOverflow,
                        "integer overflow: the sum does not fit in an integer",
                    )
                })?;
                self.add(a, Some(Val::Int(total)), None)
            }
            (State::Sum { .. }, Some(Val::Float(f))) => {
                let total = f * w as f64;
                self.add(a, Some(Val::Float(total)), None)
            }
            (State::Avg { sum, n }, Some(Val::Int(i))) => {
                *sum += *i as f64 * w as f64;
                *n += w;
                Ok(())
            }
            (State::Avg { sum, n }, Some(Val::Float(f))) => {
                *sum += f * w as f64;
                *n += w;
                Ok(())
            }
            _ => {
                for _ in 0..w {
                    self.add(a, first.clone(), second.clone())?;
                }
                Ok(())
            }
        }
    }

    /// Adds one row's arguments (none for `count(*)`).
    fn add(&mut self, a: &Aggregate, first: Option<Val>, second: Option<Val>) -> Result<()> {
        let Some(v) = first else {
            // count(*)
            if let State::Count(n) = &mut self.state {
                *n += 1;
            }
            return Ok(());
        };
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(&v) {
                return Ok(());
            }
        }
        match &mut self.state {
            State::Count(n) => *n += 1,
            State::Collect(items) => {
                items.push(v);
                if items.len() > MAX_VALUES {
                    return Err(Error::ResourceLimit(format!(
                        "collect would hold more than {MAX_VALUES} values"
                    )));
                }
            }
            State::Sum {
                int,
                float,
                is_float,
            } => match v {
                Val::Int(i) => {
                    if *is_float {
                        *float += i as f64;
                    } else {
                        *int = int.checked_add(i).ok_or_else(|| {
                            Error::coded(
                                Detail::IntegerOverflow,
                                "integer overflow: the sum does not fit in an integer",
                            )
                        })?;
                    }
                }
                Val::Float(f) => {
                    if !*is_float {
                        *is_float = true;
                        *float = *int as f64;
                    }
                    *float += f;
                }
                other => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                            "invalid argument type: sum needs numbers, not {}",
                            other.type_name()
                        ),
                    ))
                }
            },
            State::Avg { sum, n } => match v {
                Val::Int(i) => {
                    *sum += i as f64;
                    *n += 1;
                }
                Val::Float(f) => {
                    *sum += f;
                    *n += 1;
                }
                other => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentType,
                        format!(
                            "invalid argument type: avg needs numbers, not {}",
                            other.type_name()
                        ),
                    ))
                }
            },
            State::Min(m) => {
                if m.as_ref()
                    .is_none_or(|cur| order(&v, cur) == Ordering::Less)
                {
                    *m = Some(v);
                }
            }
            State::Max(m) => {
                if m.as_ref()
                    .is_none_or(|cur| order(&v, cur) == Ordering::Greater)
                {
                    *m = Some(v);
                }
            }
            State::Numbers(xs, pct, all_int) => {
                let x = match v {
                    Val::Int(i) => i as f64,
                    Val::Float(f) => {
                        *all_int = false;
                        f
                    }
                    other => {
                        return Err(Error::coded(
                            Detail::InvalidArgumentType,
                            format!(
                                "invalid argument type: {} needs numbers, not {}",
                                a.function,
                                other.type_name()
                            ),
                        ))
                    }
                };
                xs.push(x);
                if let Some(pv) = second {
                    let p = match pv {
                        Val::Int(i) => i as f64,
                        Val::Float(f) => f,
                        other => {
                            return Err(Error::coded(
                                Detail::InvalidArgumentType,
                                format!(
                                "invalid argument type: the percentile must be a number, not {}",
                                other.type_name()
                            ),
                            ))
                        }
                    };
                    if !(0.0..=1.0).contains(&p) {
                        return Err(Error::coded(
                            Detail::NumberOutOfRange,
                            "number out of range: the percentile must be between 0.0 and 1.0",
                        ));
                    }
                    *pct = Some(p);
                }
            }
        }
        Ok(())
    }

    pub(super) fn finish(self, a: &Aggregate) -> Result<Val> {
        Ok(match self.state {
            State::Count(n) => Val::Int(n),
            State::Collect(items) => Val::List(items),
            State::Sum {
                int,
                float,
                is_float,
            } => {
                if is_float {
                    Val::Float(float)
                } else {
                    Val::Int(int)
                }
            }
            State::Avg { sum, n } => {
                if n == 0 {
                    Val::Null
                } else {
                    Val::Float(sum / n as f64)
                }
            }
            State::Min(m) | State::Max(m) => m.unwrap_or(Val::Null),
            State::Numbers(mut xs, pct, all_int) => match a.function.as_str() {
                "stdev" | "stdevp" => {
                    let n = xs.len() as f64;
                    let denom = if a.function == "stdev" { n - 1.0 } else { n };
                    if xs.is_empty() || denom <= 0.0 {
                        Val::Float(0.0)
                    } else {
                        let mean = xs.iter().sum::<f64>() / n;
                        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / denom;
                        Val::Float(var.sqrt())
                    }
                }
                _ => {
                    if xs.is_empty() {
                        return Ok(Val::Null);
                    }
                    xs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
                    let p = pct.unwrap_or(0.5);
                    let n = xs.len();
                    if a.function == "percentiledisc" {
                        let idx = if p == 0.0 {
                            0
                        } else {
                            ((p * n as f64).ceil() as usize)
                                .saturating_sub(1)
                                .min(n - 1)
                        };
                        if all_int {
                            Val::Int(xs[idx] as i64)
                        } else {
                            Val::Float(xs[idx])
                        }
                    } else {
                        let pos = p * (n - 1) as f64;
                        let lo = pos.floor() as usize;
                        let hi = pos.ceil() as usize;
                        Val::Float(xs[lo] + (xs[hi.min(n - 1)] - xs[lo]) * (pos - lo as f64))
                    }
                }
            },
        })
    }
}
