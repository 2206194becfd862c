//! Operators: three-valued logic, comparisons, list and string operators,
//! integer arithmetic with overflow checks, float arithmetic.

use super::*;

pub(super) fn binary(ctx: &Ctx, op: BinaryOp, a: &Expr, b: &Expr, frame: &Frame) -> Result<Val> {
    // Logic first: it must not evaluate what it does not need to type-check.
    if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
        let x = logic_operand(eval(ctx, a, frame)?)?;
        let y = logic_operand(eval(ctx, b, frame)?)?;
        return Ok(match op {
            BinaryOp::And => match (x, y) {
                (Some(false), _) | (_, Some(false)) => Val::Bool(false),
                (Some(true), Some(true)) => Val::Bool(true),
                _ => Val::Null,
            },
            BinaryOp::Or => match (x, y) {
                (Some(true), _) | (_, Some(true)) => Val::Bool(true),
                (Some(false), Some(false)) => Val::Bool(false),
                _ => Val::Null,
            },
            _ => match (x, y) {
                (Some(p), Some(q)) => Val::Bool(p != q),
                _ => Val::Null,
            },
        });
    }
    let x = eval(ctx, a, frame)?;
    let y = eval(ctx, b, frame)?;
    binary_values(ctx, op, x, y)
}

pub(super) fn logic_operand(v: Val) -> Result<Option<bool>> {
    match v {
        Val::Bool(b) => Ok(Some(b)),
        Val::Null => Ok(None),
        v => Err(type_error("AND, OR, XOR need booleans", &v)),
    }
}

pub(super) fn tri(o: Option<bool>) -> Val {
    o.map_or(Val::Null, Val::Bool)
}

/// Applies a non-logical binary operator to two values.
pub fn binary_values(ctx: &Ctx, op: BinaryOp, x: Val, y: Val) -> Result<Val> {
    use BinaryOp as B;
    Ok(match op {
        B::Eq => tri(equals(&x, &y)),
        B::Ne => tri(equals(&x, &y).map(|b| !b)),
        B::Lt | B::Le | B::Gt | B::Ge => {
            if x.is_null() || y.is_null() {
                return Ok(Val::Null);
            }
            match compare(&x, &y) {
                Cmp::Null => Val::Null,
                Cmp::False => Val::Bool(false),
                Cmp::Ord(o) => Val::Bool(match op {
                    B::Lt => o == Ordering::Less,
                    B::Le => o != Ordering::Greater,
                    B::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                }),
            }
        }
        B::In => match y {
            Val::Null => Val::Null,
            Val::List(items) => {
                let mut unknown = false;
                for item in &items {
                    match equals(&x, item) {
                        Some(true) => return Ok(Val::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    Val::Null
                } else {
                    Val::Bool(false)
                }
            }
            v => return Err(type_error("IN needs a list on its right", &v)),
        },
        B::StartsWith | B::EndsWith | B::Contains => match (&x, &y) {
            (Val::Str(s), Val::Str(t)) => Val::Bool(match op {
                B::StartsWith => s.starts_with(t.as_str()),
                B::EndsWith => s.ends_with(t.as_str()),
                _ => s.contains(t.as_str()),
            }),
            _ => Val::Null,
        },
        B::Regex => match (&x, &y) {
            (Val::Str(s), Val::Str(p)) => {
                let mut cache = ctx.regexes.borrow_mut();
                if !cache.contains_key(p) {
                    let re = Regex::new(&format!("^(?:{p})$")).map_err(|e| {
                        Error::coded(
                            Detail::InvalidArgumentValue,
                            format!("invalid argument value: bad regular expression: {e}"),
                        )
                    })?;
                    cache.insert(p.clone(), re);
                }
                Val::Bool(cache.get(p).is_some_and(|re| re.is_match(s)))
            }
            _ => Val::Null,
        },
        B::Add => add(x, y)?,
        B::Sub | B::Mul | B::Div | B::Mod | B::Pow => arith(op, x, y)?,
        B::And | B::Or | B::Xor => {
            let p = logic_operand(x)?;
            let q = logic_operand(y)?;
            match op {
                B::And => match (p, q) {
                    (Some(false), _) | (_, Some(false)) => Val::Bool(false),
                    (Some(true), Some(true)) => Val::Bool(true),
                    _ => Val::Null,
                },
                B::Or => match (p, q) {
                    (Some(true), _) | (_, Some(true)) => Val::Bool(true),
                    (Some(false), Some(false)) => Val::Bool(false),
                    _ => Val::Null,
                },
                _ => match (p, q) {
                    (Some(a), Some(b)) => Val::Bool(a != b),
                    _ => Val::Null,
                },
            }
        }
    })
}

pub(super) fn overflow(what: &str) -> Error {
    Error::coded(Detail::IntegerOverflow, format!("integer overflow: {what}"))
}

pub(super) fn add(x: Val, y: Val) -> Result<Val> {
    Ok(match (x, y) {
        (Val::List(mut a), Val::List(b)) => {
            a.extend(b);
            Val::List(a)
        }
        (Val::List(mut a), v) => {
            a.push(v);
            Val::List(a)
        }
        (v, Val::List(mut b)) => {
            b.insert(0, v);
            Val::List(b)
        }
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::Str(a), Val::Str(b)) => Val::Str(a + &b),
        (Val::Str(a), v @ (Val::Int(_) | Val::Float(_))) => Val::Str(a + &to_string_val(&v)),
        (v @ (Val::Int(_) | Val::Float(_)), Val::Str(b)) => Val::Str(to_string_val(&v) + &b),
        (x, y) => arith(BinaryOp::Add, x, y)?,
    })
}

pub(super) fn arith(op: BinaryOp, x: Val, y: Val) -> Result<Val> {
    use BinaryOp as B;
    Ok(match (x, y) {
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::Int(a), Val::Int(b)) => match op {
            B::Add => Val::Int(a.checked_add(b).ok_or_else(|| overflow("addition"))?),
            B::Sub => Val::Int(a.checked_sub(b).ok_or_else(|| overflow("subtraction"))?),
            B::Mul => Val::Int(a.checked_mul(b).ok_or_else(|| overflow("multiplication"))?),
            B::Div => {
                if b == 0 {
                    return Err(Error::coded(
                        Detail::DivisionByZero,
                        "division by zero: integer division by zero",
                    ));
                }
                Val::Int(a.checked_div(b).ok_or_else(|| overflow("division"))?)
            }
            B::Mod => {
                if b == 0 {
                    return Err(Error::coded(
                        Detail::DivisionByZero,
                        "division by zero: integer modulo by zero",
                    ));
                }
                Val::Int(a.checked_rem(b).ok_or_else(|| overflow("modulo"))?)
            }
            _ => Val::Float((a as f64).powf(b as f64)),
        },
        (a @ (Val::Int(_) | Val::Float(_)), b @ (Val::Int(_) | Val::Float(_))) => {
            let (a, b) = (as_f64(&a), as_f64(&b));
            Val::Float(match op {
                B::Add => a + b,
                B::Sub => a - b,
                B::Mul => a * b,
                B::Div => a / b,
                B::Mod => a % b,
                _ => a.powf(b),
            })
        }
        (a, b) => {
            if let Some(r) = super::super::temporal_fns::arith(op, &a, &b) {
                return r;
            }
            let symbol = match op {
                B::Add => "+",
                B::Sub => "-",
                B::Mul => "*",
                B::Div => "/",
                B::Mod => "%",
                _ => "^",
            };
            return Err(Error::coded(
                Detail::InvalidArgumentType,
                format!(
                    "invalid argument type: cannot apply `{symbol}` to {} and {}",
                    a.type_name(),
                    b.type_name()
                ),
            ));
        }
    })
}

pub(super) fn as_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// The text of a number, boolean or string, as `toString` gives it.
pub(super) fn to_string_val(v: &Val) -> String {
    match v {
        Val::Int(i) => i.to_string(),
        Val::Float(f) => {
            let mut s = String::new();
            // Writing to a String cannot fail.
            let _ = crate::value::format_float(*f, &mut s);
            s
        }
        Val::Bool(b) => b.to_string(),
        Val::Str(s) => s.clone(),
        _ => String::new(),
    }
}
