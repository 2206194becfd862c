//! Scalar function calls: arguments checked by type, then computed; `range`,
//! `rand` and building path values.

use super::*;

pub(super) fn arg_int(v: &Val, what: &str) -> Result<i64> {
    match v {
        Val::Int(i) => Ok(*i),
        Val::Float(f) if f.fract() == 0.0 => Ok(*f as i64),
        v => Err(type_error(what, v)),
    }
}

/// `entity(name [, kind])`: the one entity that a name or alias names
/// ignoring case (see [`crate::claims::entity`]), or null.
pub(super) fn entity(g: &crate::graph::Graph, name: &str, kind: Option<&Val>) -> Result<Val> {
    let kind = match kind {
        None | Some(Val::Null) => None,
        Some(Val::Str(k)) => Some(crate::claims::parse_kind("entity", k)?),
        Some(v) => return Err(type_error("entity needs its kind as a string", v)),
    };
    Ok(crate::claims::entity(g, name, kind)?.map_or(Val::Null, Val::Node))
}

/// Calls a scalar function.
pub(super) fn call(ctx: &Ctx, name: &str, args: &[Expr], frame: &Frame) -> Result<Val> {
    let lower = name.to_lowercase();
    if lower == "coalesce" {
        for a in args {
            let v = eval(ctx, a, frame)?;
            if !v.is_null() {
                return Ok(v);
            }
        }
        return Ok(Val::Null);
    }
    let vals: Vec<Val> = args
        .iter()
        .map(|a| eval(ctx, a, frame))
        .collect::<Result<_>>()?;
    call_values(ctx, name, &lower, vals)
}

pub(super) fn call_values(ctx: &Ctx, name: &str, lower: &str, mut vals: Vec<Val>) -> Result<Val> {
    let g = ctx.graph;
    if crate::query::plan::functions::temporal_arity(lower).is_some() {
        return super::super::temporal_fns::call(ctx.now, lower, &vals);
    }
    let arg0 = vals.first().cloned().unwrap_or(Val::Null);
    // Functions that take nulls themselves.
    match lower {
        "rand" => return Ok(Val::Float(random())),
        "pi" => return Ok(Val::Float(std::f64::consts::PI)),
        "e" => return Ok(Val::Float(std::f64::consts::E)),
        "timestamp" => {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            return Ok(Val::Int(ms));
        }
        "range" => return range(&vals),
        "exists" => return Ok(Val::Bool(!arg0.is_null())),
        _ => {}
    }
    if arg0.is_null() {
        return Ok(Val::Null);
    }
    let num = |v: &Val| -> Result<f64> {
        match v {
            Val::Int(i) => Ok(*i as f64),
            Val::Float(f) => Ok(*f),
            v => Err(type_error(&format!("{name} needs a number"), v)),
        }
    };
    let string = |v: &Val| -> Result<String> {
        match v {
            Val::Str(s) => Ok(s.clone()),
            v => Err(type_error(&format!("{name} needs a string"), v)),
        }
    };
    Ok(match lower {
        "id" => match arg0 {
            Val::Node(id) | Val::Rel(id) => Val::Int(id as i64),
            v => return Err(type_error("id needs a node or relationship", &v)),
        },
        "labels" => match arg0 {
            Val::Node(id) if ctx.is_deleted_node(id) => return Err(deleted_access("node")),
            Val::Node(id) => Val::List(
                g.node(id)
                    .map(|n| n.labels.iter().map(|l| Val::Str(l.clone())).collect())
                    .unwrap_or_default(),
            ),
            v => return Err(value_error("labels needs a node", &v)),
        },
        "type" => match arg0 {
            Val::Rel(id) => match g.relationship(id) {
                Some(r) => Val::Str(r.rel_type.clone()),
                None => ctx
                    .deleted
                    .borrow()
                    .rels
                    .get(&id)
                    .map_or(Val::Null, |r| Val::Str(r.rel_type.clone())),
            },
            v => return Err(value_error("type needs a relationship", &v)),
        },
        "article" => match arg0 {
            Val::Rel(id) if ctx.is_deleted_rel(id) => return Err(deleted_access("relationship")),
            Val::Rel(id) => g
                .relationship(id)
                .and_then(|r| r.article())
                .and_then(|a| g.lookup_key(crate::model::Kind::Article, a))
                .map_or(Val::Null, Val::Node),
            v => return Err(type_error("article needs a relationship", &v)),
        },
        "properties" => match arg0 {
            Val::Node(id) => Val::Map(
                g.node(id)
                    .map(|n| {
                        n.properties
                            .iter()
                            .map(|(k, v)| (k.clone(), Val::from(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Val::Rel(id) => Val::Map(
                g.relationship(id)
                    .map(|r| {
                        r.properties
                            .iter()
                            .map(|(k, v)| (k.clone(), Val::from(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            m @ Val::Map(_) => m,
            v => {
                return Err(type_error(
                    "properties needs a node, relationship or map",
                    &v,
                ))
            }
        },
        "keys" => match arg0 {
            Val::Node(id) => Val::List(
                g.node(id)
                    .map(|n| n.properties.keys().map(|k| Val::Str(k.clone())).collect())
                    .unwrap_or_default(),
            ),
            Val::Rel(id) => Val::List(
                g.relationship(id)
                    .map(|r| r.properties.keys().map(|k| Val::Str(k.clone())).collect())
                    .unwrap_or_default(),
            ),
            Val::Map(m) => Val::List(m.keys().map(|k| Val::Str(k.clone())).collect()),
            v => return Err(type_error("keys needs a node, relationship or map", &v)),
        },
        "startnode" | "endnode" => match arg0 {
            Val::Rel(id) => g.relationship(id).map_or(Val::Null, |r| {
                Val::Node(if lower == "startnode" { r.start } else { r.end })
            }),
            v => return Err(type_error(&format!("{name} needs a relationship"), &v)),
        },
        "nodes" => match arg0 {
            Val::Path(p) => Val::List(p.nodes.iter().map(|n| Val::Node(*n)).collect()),
            v => return Err(type_error("nodes needs a path", &v)),
        },
        "relationships" => match arg0 {
            Val::Path(p) => Val::List(p.rels.iter().map(|r| Val::Rel(*r)).collect()),
            v => return Err(type_error("relationships needs a path", &v)),
        },
        "length" => match arg0 {
            Val::Path(p) => Val::Int(p.rels.len() as i64),
            Val::List(l) => Val::Int(l.len() as i64),
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            v => return Err(type_error("length needs a path", &v)),
        },
        "size" => match arg0 {
            Val::List(l) => Val::Int(l.len() as i64),
            Val::Str(s) => Val::Int(s.chars().count() as i64),
            v => return Err(type_error("size needs a list or a string", &v)),
        },
        "isempty" => match arg0 {
            Val::List(l) => Val::Bool(l.is_empty()),
            Val::Str(s) => Val::Bool(s.is_empty()),
            Val::Map(m) => Val::Bool(m.is_empty()),
            v => return Err(type_error("isEmpty needs a list, string or map", &v)),
        },
        "head" | "last" | "tail" => match arg0 {
            Val::List(mut l) => match lower {
                "head" => {
                    if l.is_empty() {
                        Val::Null
                    } else {
                        l.swap_remove(0)
                    }
                }
                "last" => l.pop().unwrap_or(Val::Null),
                _ => {
                    if l.is_empty() {
                        Val::List(l)
                    } else {
                        l.remove(0);
                        Val::List(l)
                    }
                }
            },
            v => return Err(type_error(&format!("{name} needs a list"), &v)),
        },
        "entity" => entity(g, &string(&arg0)?, vals.get(1))?,
        "tolower" => Val::Str(string(&arg0)?.to_lowercase()),
        "toupper" => Val::Str(string(&arg0)?.to_uppercase()),
        "trim" => Val::Str(string(&arg0)?.trim().to_string()),
        "ltrim" => Val::Str(string(&arg0)?.trim_start().to_string()),
        "rtrim" => Val::Str(string(&arg0)?.trim_end().to_string()),
        "reverse" => match arg0 {
            Val::Str(s) => Val::Str(s.chars().rev().collect()),
            Val::List(mut l) => {
                l.reverse();
                Val::List(l)
            }
            v => return Err(type_error("reverse needs a string or a list", &v)),
        },
        "replace" => {
            let (Some(a), Some(b)) = (vals.get(1), vals.get(2)) else {
                return Ok(Val::Null);
            };
            if a.is_null() || b.is_null() {
                return Ok(Val::Null);
            }
            Val::Str(string(&arg0)?.replace(string(a)?.as_str(), &string(b)?))
        }
        "split" => {
            let d = vals.get(1).cloned().unwrap_or(Val::Null);
            if d.is_null() {
                return Ok(Val::Null);
            }
            let s = string(&arg0)?;
            let d = string(&d)?;
            if d.is_empty() {
                Val::List(s.chars().map(|c| Val::Str(c.to_string())).collect())
            } else {
                Val::List(
                    s.split(d.as_str())
                        .map(|p| Val::Str(p.to_string()))
                        .collect(),
                )
            }
        }
        "substring" => {
            let s = string(&arg0)?;
            let start = match vals.get(1) {
                Some(Val::Null) | None => return Ok(Val::Null),
                Some(v) => arg_int(v, "substring's start must be an integer")?,
            };
            let len = match vals.get(2) {
                None => None,
                Some(Val::Null) => return Ok(Val::Null),
                Some(v) => Some(arg_int(v, "substring's length must be an integer")?),
            };
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(Error::coded(
                    Detail::NegativeIntegerArgument,
                    "negative integer argument: substring's start and length cannot be negative",
                ));
            }
            let it = s.chars().skip(start as usize);
            Val::Str(match len {
                Some(l) => it.take(l as usize).collect(),
                None => it.collect(),
            })
        }
        "left" | "right" => {
            let s = string(&arg0)?;
            let n = match vals.get(1) {
                Some(Val::Null) | None => {
                    return Err(Error::coded(
                        Detail::InvalidArgumentValue,
                        format!("invalid argument value: {name} needs a length"),
                    ))
                }
                Some(v) => arg_int(v, &format!("{name}'s length must be an integer"))?,
            };
            if n < 0 {
                return Err(Error::coded(
                    Detail::NegativeIntegerArgument,
                    format!("negative integer argument: {name}'s length cannot be negative"),
                ));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            Val::Str(if lower == "left" {
                s.chars().take(n).collect()
            } else {
                s.chars().skip(count - n).collect()
            })
        }
        "tostring" | "tostringornull" => match &arg0 {
            Val::Int(_) | Val::Float(_) | Val::Bool(_) | Val::Str(_) => {
                Val::Str(to_string_val(&arg0))
            }
            Val::Temporal(t) => Val::Str(t.to_string()),
            _ if lower == "tostringornull" => Val::Null,
            v => return Err(value_error("toString needs a number, boolean or string", v)),
        },
        "tointeger" | "tointegerornull" => match &arg0 {
            Val::Int(i) => Val::Int(*i),
            Val::Float(f) => {
                if f.is_finite() && *f >= -9.223_372_036_854_776e18 && *f < 9.223_372_036_854_776e18
                {
                    Val::Int(f.trunc() as i64)
                } else {
                    Val::Null
                }
            }
            Val::Bool(b) => Val::Int(*b as i64),
            Val::Str(s) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(i) => Val::Int(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() && f.abs() < 9.2e18 => Val::Int(f.trunc() as i64),
                        _ => Val::Null,
                    },
                }
            }
            _ if lower == "tointegerornull" => Val::Null,
            v => {
                return Err(value_error(
                    "toInteger needs a number, boolean or string",
                    v,
                ))
            }
        },
        "tofloat" | "tofloatornull" => match &arg0 {
            Val::Int(i) => Val::Float(*i as f64),
            Val::Float(f) => Val::Float(*f),
            Val::Str(s) => s.trim().parse::<f64>().map_or(Val::Null, Val::Float),
            _ if lower == "tofloatornull" => Val::Null,
            v => return Err(value_error("toFloat needs a number or string", v)),
        },
        "toboolean" | "tobooleanornull" => match &arg0 {
            Val::Bool(b) => Val::Bool(*b),
            Val::Str(s) => match s.trim().to_lowercase().as_str() {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                _ => Val::Null,
            },
            Val::Int(i) => Val::Bool(*i != 0),
            _ if lower == "tobooleanornull" => Val::Null,
            v => {
                return Err(value_error(
                    "toBoolean needs a boolean, string or integer",
                    v,
                ))
            }
        },
        "abs" => match arg0 {
            Val::Int(i) => Val::Int(i.checked_abs().ok_or_else(|| overflow("abs"))?),
            v => Val::Float(num(&v)?.abs()),
        },
        "ceil" => Val::Float(num(&arg0)?.ceil()),
        "floor" => Val::Float(num(&arg0)?.floor()),
        "round" => {
            let x = num(&arg0)?;
            if vals.len() == 1 {
                // Halves round up, towards positive infinity.
                Val::Float((x + 0.5).floor())
            } else {
                let p = arg_int(&vals[1], "round's precision must be an integer")?;
                let f = 10f64.powi(p.clamp(-300, 300) as i32);
                Val::Float((x * f).round() / f)
            }
        }
        "sign" => match arg0 {
            Val::Int(i) => Val::Int(i.signum()),
            v => {
                let f = num(&v)?;
                Val::Int(if f > 0.0 {
                    1
                } else if f < 0.0 {
                    -1
                } else {
                    0
                })
            }
        },
        "sqrt" => Val::Float(num(&arg0)?.sqrt()),
        "exp" => Val::Float(num(&arg0)?.exp()),
        "log" => Val::Float(num(&arg0)?.ln()),
        "log10" => Val::Float(num(&arg0)?.log10()),
        "sin" => Val::Float(num(&arg0)?.sin()),
        "cos" => Val::Float(num(&arg0)?.cos()),
        "tan" => Val::Float(num(&arg0)?.tan()),
        "asin" => Val::Float(num(&arg0)?.asin()),
        "acos" => Val::Float(num(&arg0)?.acos()),
        "atan" => Val::Float(num(&arg0)?.atan()),
        "atan2" => {
            let y = vals.pop().unwrap_or(Val::Null);
            if y.is_null() {
                return Ok(Val::Null);
            }
            Val::Float(num(&arg0)?.atan2(num(&y)?))
        }
        "degrees" => Val::Float(num(&arg0)?.to_degrees()),
        "radians" => Val::Float(num(&arg0)?.to_radians()),
        _ => {
            return Err(Error::coded(
                Detail::UnknownFunction,
                format!("unknown function `{name}`"),
            ));
        }
    })
}

/// `range(start, end[, step])`, refusing lists larger than the memory bound.
pub(super) fn range(vals: &[Val]) -> Result<Val> {
    if vals.iter().any(Val::is_null) {
        return Ok(Val::Null);
    }
    let int = |v: &Val| match v {
        Val::Int(i) => Ok(*i),
        v => Err(Error::typed(
            ErrorKind::ArgumentError,
            Detail::InvalidArgumentType,
            format!(
                "invalid argument type: range needs integers, not {}",
                v.type_name()
            ),
        )),
    };
    let start = int(&vals[0])?;
    let end = int(&vals[1])?;
    let step = match vals.get(2) {
        Some(v) => int(v)?,
        None => 1,
    };
    if step == 0 {
        return Err(Error::coded(
            Detail::NumberOutOfRange,
            "number out of range: range's step cannot be zero",
        ));
    }
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        ((end as i128 - start as i128) / step as i128 + 1) as u128
    };
    if count > MAX_VALUES as u128 {
        return Err(Error::ResourceLimit(format!(
            "range would make {count} values, more than the limit of {MAX_VALUES}"
        )));
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut x = start as i128;
    for _ in 0..count {
        out.push(Val::Int(x as i64));
        x += step as i128;
    }
    Ok(Val::List(out))
}

/// A pseudo-random float in [0, 1), from a per-thread xorshift generator.
pub(super) fn random() -> f64 {
    thread_local! {
        static STATE: std::cell::Cell<u64> = std::cell::Cell::new({
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64);
            t | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// Builds a path value from a start node and the relationships walked in order.
pub fn build_path(graph: &Graph, start: u64, rels: &[u64]) -> Val {
    let mut nodes = Vec::with_capacity(rels.len() + 1);
    nodes.push(start);
    let mut at = start;
    for r in rels {
        if let Some(rel) = graph.relationship(*r) {
            at = if rel.start == at { rel.end } else { rel.start };
        }
        nodes.push(at);
    }
    Val::Path(Box::new(PathVal {
        nodes,
        rels: rels.to_vec(),
    }))
}
