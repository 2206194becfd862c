//! The plan as a tree of operators: each [`PlanNode`] owns the operators
//! that feed it. A single query is a chain (each operator reads the one
//! below it, and the lowest reads one empty row); a union has one input per
//! single query. The walks here are loops, not recursion, so that a query of
//! many thousands of clauses neither overflows the stack when it is
//! planned, printed or run, nor when its plan is dropped.

use super::subqueries::Subquery;
use super::*;

/// A planned statement: a tree of operators whose root yields the result rows.
#[derive(Debug)]
pub struct Plan {
    pub root: PlanNode,
    pub columns: Vec<String>,
    /// Whether any operator writes.
    pub writes: bool,
    /// How many operators the tree holds; each has an [`PlanNode::id`] below it.
    pub size: usize,
}

/// One operator with the names of the columns it outputs and the operators
/// that feed it.
#[derive(Debug)]
pub struct PlanNode {
    pub op: Op,
    pub scope: Vec<String>,
    /// The rules that rewrote this operator, which `EXPLAIN` names.
    pub rules: Vec<&'static str>,
    /// The operators whose rows this one reads: none for the first operator
    /// of a single query (it reads one empty row), one for most, one per
    /// single query for a union.
    pub inputs: Vec<PlanNode>,
    /// The operator's number in the tree, in pre-order from the root: where
    /// `PROFILE` keeps its figures.
    pub id: usize,
    /// The subqueries of the operator's expressions, planned with it.
    pub subqueries: Vec<Subquery>,
}

/// The part of an operator a rule may change while it also holds the
/// operator's input.
pub(super) struct Upper<'a> {
    pub op: &'a mut Op,
    pub rules: &'a mut Vec<&'static str>,
}

impl PlanNode {
    pub(super) fn new(op: Op, scope: Vec<String>, input: Option<PlanNode>) -> Self {
        PlanNode {
            op,
            scope,
            rules: Vec::new(),
            inputs: input.into_iter().collect(),
            id: 0,
            subqueries: Vec::new(),
        }
    }

    /// The one input of an operator that reads one.
    pub fn input(&self) -> Option<&PlanNode> {
        match self.inputs.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// This operator and, below it, each one it reads, while each reads
    /// exactly one: a single query from its last operator down to its first.
    pub fn chain(&self) -> Vec<&PlanNode> {
        let mut out = vec![self];
        let mut at = self;
        while let Some(next) = at.input() {
            out.push(next);
            at = next;
        }
        out
    }

    /// Calls `f` on this operator and each one of its chain ([`Self::chain`]).
    pub(super) fn for_each_in_chain(&mut self, mut f: impl FnMut(&mut PlanNode)) {
        let mut at = self;
        loop {
            f(at);
            match at.inputs.as_mut_slice() {
                [only] => at = only,
                _ => return,
            }
        }
    }

    /// Calls `f` on each operator of the chain that reads one input, with
    /// that input.
    pub(super) fn for_each_pair(&mut self, mut f: impl FnMut(Upper<'_>, &mut PlanNode)) {
        let mut at = self;
        loop {
            let PlanNode {
                op, rules, inputs, ..
            } = at;
            match inputs.as_mut_slice() {
                [only] => {
                    f(Upper { op, rules }, only);
                    at = only;
                }
                _ => return,
            }
        }
    }
}

/// Dropping a chain of many thousands of operators by recursion would
/// overflow the stack: the inputs are taken apart in a loop.
impl Drop for PlanNode {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.inputs);
        while let Some(mut node) = pending.pop() {
            pending.append(&mut node.inputs);
        }
    }
}

impl Plan {
    /// Links the planned single queries: one alone is the root; several
    /// hang under a union.
    pub(super) fn link(
        mut parts: Vec<PlanNode>,
        all: bool,
        columns: Vec<String>,
        writes: bool,
    ) -> Plan {
        let root = if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            PlanNode {
                op: Op::Union { all },
                scope: columns.clone(),
                rules: Vec::new(),
                inputs: parts,
                id: 0,
                subqueries: Vec::new(),
            }
        };
        let mut plan = Plan {
            root,
            columns,
            writes,
            size: 0,
        };
        plan.size = number(&mut plan.root);
        plan
    }
}

/// Numbers the operators in pre-order and returns how many there are.
fn number(root: &mut PlanNode) -> usize {
    let mut next = 0;
    let mut pending: Vec<&mut PlanNode> = vec![root];
    while let Some(node) = pending.pop() {
        node.id = next;
        next += 1;
        pending.extend(node.inputs.iter_mut().rev());
    }
    next
}
