//! `claims.merge(kind, keep, other [, reason])`: the merge of `claimgraph
//! merge` ([`crate::claims::merge::merge_in`]) as a procedure that writes.
//! It must be the only change of its statement, which is one transaction
//! logged with the merge's words, so `claimgraph unmerge` undoes it.

use super::{Procedure, Registry, Type, WriteCtx};
use crate::claims::merge::{entity_kind, merge_in};
use crate::error::{Error, Result};
use crate::graph::Txn;
use crate::query::values::Val;

/// Adds `claims.merge`.
pub fn register(r: &mut Registry) {
    r.register(
        Procedure::writing_with(
            "claims.merge",
            "merges entity OTHER into KEEP as `claimgraph merge` does (OTHER's names \
             become aliases, relationships move, KEEP's properties win); one transaction",
            merge,
        )
        .arg("kind", Type::String)
        .arg("keep", Type::String)
        .arg("other", Type::String)
        .optional_arg("reason", Type::String, Val::Null)
        .output("node", Type::Node)
        .output("tx", Type::Integer),
    );
}

fn text<'a>(v: &'a Val, what: &str) -> Result<&'a str> {
    match v {
        Val::Str(s) => Ok(s),
        _ => Err(Error::query(format!(
            "claims.merge needs {what} as a string, not null"
        ))),
    }
}

fn merge(txn: &mut Txn<'_>, ctx: &WriteCtx<'_>, args: &[Val]) -> Result<Vec<Vec<Val>>> {
    let null = Val::Null;
    let arg = |i: usize| args.get(i).unwrap_or(&null);
    let kind = entity_kind(text(arg(0), "the kind")?)?;
    let reason = match arg(3) {
        Val::Str(s) => Some(s.as_str()),
        _ => None,
    };
    let m = merge_in(
        txn,
        kind,
        text(arg(1), "KEEP")?,
        text(arg(2), "OTHER")?,
        reason,
    )?;
    Ok(vec![vec![
        Val::Node(m.keep),
        Val::Int(i64::try_from(ctx.tx).unwrap_or(i64::MAX)),
    ]])
}
