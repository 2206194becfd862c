//! The function catalogue: names, arities, and which functions aggregate.

/// The number of arguments a scalar or aggregating function takes, by lower-case
/// name: `(min, max)`. `None` when the function does not exist.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    Some(match name {
        "id" | "labels" | "type" | "properties" | "keys" | "startnode" | "endnode" | "nodes"
        | "relationships" | "length" | "size" | "head" | "last" | "tail" | "tolower"
        | "toupper" | "trim" | "ltrim" | "rtrim" | "reverse" | "tostring" | "tointeger"
        | "tofloat" | "toboolean" | "abs" | "ceil" | "floor" | "sign" | "sqrt" | "exp" | "log"
        | "log10" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "degrees" | "radians"
        | "isempty" | "exists" | "tostringornull" | "tointegerornull" | "tofloatornull"
        | "tobooleanornull" => (1, 1),
        "round" => (1, 3),
        "rand" | "pi" | "e" | "timestamp" => (0, 0),
        // The Article node a relationship came from (claims.md).
        "article" => (1, 1),
        "range" => (2, 3),
        "coalesce" => (1, usize::MAX),
        "replace" => (3, 3),
        "substring" => (2, 3),
        "split" | "left" | "right" | "atan2" => (2, 2),
        "entity" => (1, 2),
        // Aggregations.
        "count" | "collect" | "sum" | "avg" | "min" | "max" | "stdev" | "stdevp" => (1, 1),
        "percentiledisc" | "percentilecont" => (2, 2),
        _ => return temporal_arity(name),
    })
}

/// Whether the lower-case name is an aggregating function.
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "collect"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "stdev"
            | "stdevp"
            | "percentiledisc"
            | "percentilecont"
    )
}

/// Whether the lower-case name is that of a temporal type's constructor.
fn is_temporal_type(name: &str) -> bool {
    matches!(
        name,
        "date" | "localtime" | "time" | "localdatetime" | "datetime"
    )
}

/// The arity of a temporal function by lower-case name, `None` if it is not one.
pub fn temporal_arity(name: &str) -> Option<(usize, usize)> {
    if is_temporal_type(name) || name == "duration" {
        return Some(if name == "duration" { (1, 1) } else { (0, 1) });
    }
    let (base, member) = name.split_once('.')?;
    if !is_temporal_type(base) && base != "duration" {
        return None;
    }
    Some(match (base, member) {
        ("duration", "between" | "inmonths" | "indays" | "inseconds") => (2, 2),
        ("duration", _) => return None,
        ("datetime", "fromepoch") => (2, 2),
        ("datetime", "fromepochmillis") => (1, 1),
        (_, "transaction" | "statement" | "realtime") => (0, 1),
        (_, "truncate") => (2, 3),
        _ => return None,
    })
}
