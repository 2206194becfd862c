//! `EXPLAIN` and `PROFILE`: the plan's tree printed as text, one line per
//! operator, with the names of the rewrite rules ([`super::rules`]) that
//! changed it.

use super::*;

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_with(f, None)
    }
}

/// Rows and time measured for one step, for `PROFILE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepProfile {
    pub rows: usize,
    pub micros: u128,
}

impl Plan {
    /// Writes the plan as an indented tree: the result at the top, each
    /// operator above the ones that feed it. `profile[id]` adds the figures
    /// measured for the operator numbered `id` ([`PlanNode::id`]).
    pub fn fmt_with(&self, f: &mut dyn fmt::Write, profile: Option<&[StepProfile]>) -> fmt::Result {
        let mut pending = vec![(&self.root, 0usize)];
        while let Some((node, depth)) = pending.pop() {
            write!(f, "{}{}", "  ".repeat(depth), describe(&node.op))?;
            if !node.rules.is_empty() {
                write!(f, " | rules: {}", node.rules.join(", "))?;
            }
            if let Some(p) = profile.and_then(|p| p.get(node.id)) {
                write!(
                    f,
                    " (rows: {}, time: {:.3} ms)",
                    p.rows,
                    p.micros as f64 / 1000.0
                )?;
            }
            writeln!(f)?;
            // A subquery is run by the operator, with each of its rows as arguments.
            for sq in &node.subqueries {
                writeln!(
                    f,
                    "{}{} with arguments: {}",
                    "  ".repeat(depth + 1),
                    sq.kind,
                    describe_match(&sq.op)
                )?;
            }
            pending.extend(node.inputs.iter().rev().map(|n| (n, depth + 1)));
        }
        Ok(())
    }
}

pub(super) fn describe(op: &Op) -> String {
    match op {
        Op::Match(m) => describe_match(m),
        Op::Unwind { expr, variable } => format!("Unwind {} AS {variable}", show(expr)),
        Op::Call(c) => {
            let args: Vec<String> = c.args.iter().map(show).collect();
            let mut s = format!("ProcedureCall {}({})", c.procedure.name, args.join(", "));
            if !c.variables.is_empty() {
                s.push_str(&format!(" YIELD {}", c.variables.join(", ")));
            }
            if let Some(w) = &c.where_ {
                s.push_str(&format!(" where {}", show(w)));
            }
            s
        }
        Op::Project(p) => {
            let mut s = String::from(if p.is_return { "Return" } else { "With" });
            if p.distinct {
                s.push_str(" distinct");
            }
            let cols: Vec<&str> = p.items.iter().map(|(n, _)| n.as_str()).collect();
            s.push_str(&format!(" [{}]", cols.join(", ")));
            if p.aggregating() {
                let aggs: Vec<String> = p
                    .aggregates
                    .iter()
                    .map(|a| {
                        let args: Vec<String> = a.args.iter().map(show).collect();
                        format!(
                            "{}({}{})",
                            a.function,
                            if a.distinct { "DISTINCT " } else { "" },
                            if args.is_empty() {
                                "*".to_string()
                            } else {
                                args.join(", ")
                            }
                        )
                    })
                    .collect();
                s.push_str(&format!(" aggregate {}", aggs.join(", ")));
            }
            if !p.order_by.is_empty() {
                s.push_str(" order by");
            }
            if p.skip.is_some() {
                s.push_str(" skip");
            }
            if p.limit.is_some() {
                s.push_str(" limit");
            }
            if p.where_.is_some() {
                s.push_str(" where");
            }
            s
        }
        Op::EmptyResult => "EmptyResult".to_string(),
        Op::Union { all } => (if *all { "UnionAll" } else { "Union" }).to_string(),
        Op::Create(c) => format!("Create {} pattern(s)", c.patterns.len()),
        Op::Merge(_) => "Merge".to_string(),
        Op::Set(items) => format!("Set {} item(s)", items.len()),
        Op::Remove(items) => format!("Remove {} item(s)", items.len()),
        Op::Delete { detach, exprs } => format!(
            "{}Delete {} item(s)",
            if *detach { "Detach" } else { "" },
            exprs.len()
        ),
    }
}

fn describe_match(m: &MatchOp) -> String {
    let mut s = String::from(if m.optional { "OptionalMatch" } else { "Match" });
    for (i, p) in m.patterns.iter().enumerate() {
        s.push_str(if i == 0 { " " } else { "; " });
        s.push_str(&describe_pattern(p, &m.work));
    }
    if let Some(w) = &m.where_ {
        s.push_str(&format!(" where {}", show(w)));
    }
    s
}

pub(super) fn describe_pattern(p: &PatternPlan, work: &[String]) -> String {
    let name = |slot: usize| {
        let n = work.get(slot).map_or("", String::as_str);
        if is_hidden(n) {
            String::new()
        } else {
            n.to_string()
        }
    };
    let start = match &p.start {
        Start::Bound => "bound".to_string(),
        Start::Key(kind, e) => format!("key lookup :{} {}", kind.label(), show(e)),
        Start::Label(l) => format!("label scan :{l}"),
        Start::Id(e) => format!("id lookup {}", show(e)),
        Start::All => "all nodes".to_string(),
    };
    let mut s = format!("from ({}) by {start}", name(p.nodes[p.anchor].slot));
    for (ri, from, to) in hop_order(p) {
        let r = &p.rels[ri];
        let mut t = format!("[{}", name(r.slot));
        if !r.types.is_empty() {
            t.push(':');
            t.push_str(&r.types.join("|"));
        }
        if let Some(range) = r.length {
            t.push('*');
            if let Some(a) = range.min {
                t.push_str(&a.to_string());
            }
            t.push_str("..");
            if let Some(b) = range.max {
                t.push_str(&b.to_string());
            }
            if r.reach_only {
                t.push_str(" reachability");
            }
        }
        t.push(']');
        // Written as walked: from the node already bound to the next one.
        let forward = to > from;
        let (left, right) = match (r.direction, forward) {
            (Direction::Both, _) => ("-", "-"),
            (Direction::Outgoing, true) | (Direction::Incoming, false) => ("-", "->"),
            _ => ("<-", "-"),
        };
        s.push_str(&format!(
            " expand ({}){left}{t}{right}({})",
            name(p.nodes[from].slot),
            name(p.nodes[to].slot)
        ));
    }
    match p.kind {
        PathKind::Shortest => format!("shortestPath {s}"),
        PathKind::AllShortest => format!("allShortestPaths {s}"),
        PathKind::Normal => s,
    }
}

/// A short rendering of an expression for plans.
pub(super) fn show(e: &Expr) -> String {
    match e {
        Expr::Literal(Literal::Null) => "null".into(),
        Expr::Literal(Literal::Bool(b)) => b.to_string(),
        Expr::Literal(Literal::Int(i)) => i.to_string(),
        Expr::Literal(Literal::Float(x)) => crate::value::Value::Float(*x).to_string(),
        Expr::Literal(Literal::String(s)) => crate::value::Value::from(s.as_str()).to_string(),
        Expr::Parameter(p) => format!("${p}"),
        Expr::Variable(v) | Expr::Slot(Slot { name: v, .. }) if is_hidden(v) => {
            format!("#{}", v.trim_start())
        }
        Expr::Variable(v) | Expr::Slot(Slot { name: v, .. }) => v.clone(),
        Expr::Property(x, k) => format!("{}.{k}", show(x)),
        Expr::CountStar => "count(*)".into(),
        Expr::Function { name, args, .. } => {
            let a: Vec<String> = args.iter().map(show).collect();
            format!("{name}({})", a.join(", "))
        }
        Expr::Binary(op, a, b) => format!("{} {op:?} {}", show(a), show(b)),
        Expr::List(items) => {
            let a: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", a.join(", "))
        }
        _ => "…".into(),
    }
}
