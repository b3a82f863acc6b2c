//! Expressions flattened into instruction arrays for the session's hot
//! path.
//!
//! Every answer re-evaluates the conditions it can affect, and walking a
//! boxed tree costs a call, a match and a pointer chase per node. So at
//! compile time each expression becomes one of two flat forms:
//! - a *condition* (anything that gives true, false or unknown) becomes
//!   [`Cop`]s over Kleene truth values as small numbers; the common
//!   leaves (`!declined(x)`, `x == "value"`, `total >= 5`, `a != b`) are
//!   one instruction each, and a chain of leaves joined by `||` (or `&&`)
//!   is evaluated leaf by leaf until one decides it;
//! - any other expression becomes postfix [`Op`]s over a small stack of
//!   values, with jumps for `&&` and `||`.
//!
//! The tree evaluator in [`super::eval`] stays the reference: property
//! tests below check that both agree on arbitrary expressions.

use super::eval::{Env, and, arith, compare, or, round, weigh};
use super::typed::{Arith, Cmp, Expr, Rounding, StateTest, Symbol, Val};

/// Values a program may hold at once. Deeper programs (only possible for
/// expressions nested far beyond anything written by hand) are evaluated
/// as trees instead.
const STACK: usize = 32;

/// One instruction. Jumps are indices into the arena.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Push(Val),
    Load(Symbol),
    /// `symbol == value` (or `!=`), unknown when the symbol is.
    Is {
        symbol: Symbol,
        value: Val,
        equal: bool,
    },
    /// An answer-state test, possibly negated.
    State {
        test: StateTest,
        item: u32,
        negate: bool,
    },
    Known(Symbol),
    Not,
    Neg,
    /// After the left side of `&&`: a false left side is the result.
    AndSkip(u32),
    And,
    /// After the left side of `||`: a true left side is the result.
    OrSkip(u32),
    Or,
    Cmp(Cmp),
    Arith(Arith),
    OneOf(u64),
    Has(u32),
    /// Range into [`Programs::numbers`].
    NumIn(u32, u32),
    /// Range into [`Programs::table`].
    Translate(u32, u32),
    /// Starts a `count(...)`: pushes zero.
    CountStart,
    /// Adds one to the count below when the value on top is true.
    CountAdd,
    Round(Rounding),
    /// Range into [`Programs::numbers`]: the weights of an item's answers.
    Weigh(u32, u32),
}

/// A condition's instruction. A condition's values are Kleene truth
/// values as numbers ([`FALSE`] < [`UNKNOWN`] < [`TRUE`]), so `&&` is the
/// minimum, `||` the maximum and `!` is `TRUE - x`: no jumps, and no
/// side to skip (evaluation has no effects, so evaluating both sides
/// gives the same value as short-circuiting).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cop {
    Is {
        symbol: Symbol,
        value: Val,
        equal: bool,
    },
    State {
        test: StateTest,
        item: u32,
        negate: bool,
    },
    Known(Symbol),
    /// `symbol <op> value`, the symbol on the left.
    Cmp {
        cmp: Cmp,
        symbol: Symbol,
        value: Val,
    },
    OneOf {
        symbol: Symbol,
        mask: u64,
    },
    Has {
        symbol: Symbol,
        value: u32,
    },
    /// `left <op> right`, two symbols; `left` re-indexed first through
    /// the range of [`Programs::table`] when it is a choice compared with
    /// a derived category (`chosen_strategy != strategy`).
    CmpSyms {
        cmp: Cmp,
        left: Symbol,
        right: Symbol,
        table: Option<(u32, u32)>,
    },
    /// A symbol's value as a truth value: anything but a boolean is unknown.
    Load(Symbol),
    Const(u8),
    /// A part that is not a condition (`a > b + 1`), run as a value program.
    Sub(Prog),
    And,
    Or,
    Not,
    /// The next `n` instructions are leaves; their `||`. Evaluated in
    /// order until one is true.
    OrOf(u32),
    /// The next `n` instructions are leaves; their `&&`. Evaluated in
    /// order until one is false.
    AndOf(u32),
}

const FALSE: u8 = 0;
const UNKNOWN: u8 = 1;
const TRUE: u8 = 2;

/// A value as a truth value, the way `&&`, `||` and `!` read it.
#[inline]
fn truth(v: Val) -> u8 {
    match v {
        Val::Bool(false) => FALSE,
        Val::Bool(true) => TRUE,
        _ => UNKNOWN,
    }
}

/// The truth value of the condition instruction `$op` when it is a leaf;
/// the arms given in braces handle `And`, `Or` and `Not`, so that a caller
/// dispatches once per instruction.
macro_rules! truth_of {
    ($self:ident, $op:ident, $env:ident, { $($combine:tt)* }) => {
        match *$op {
            $($combine)*
            Cop::Is {
                symbol,
                value,
                equal,
            } => match $env.value(symbol) {
                Val::Unknown | Val::Opaque => UNKNOWN,
                v if (v == value) == equal => TRUE,
                _ => FALSE,
            },
            Cop::State { test, item, negate } => {
                if $env.state(test, item) == negate {
                    FALSE
                } else {
                    TRUE
                }
            }
            Cop::Known(s) => {
                if $env.value(s) == Val::Unknown {
                    FALSE
                } else {
                    TRUE
                }
            }
            Cop::Cmp { cmp, symbol, value } => truth(compare(cmp, $env.value(symbol), value)),
            Cop::OneOf { symbol, mask } => match $env.value(symbol) {
                Val::Opt(i) if i < 64 && mask & (1 << i) != 0 => TRUE,
                Val::Opt(_) => FALSE,
                _ => UNKNOWN,
            },
            Cop::Has { symbol, value } => match $env.value(symbol) {
                Val::Set(set) if value < 64 && set & (1 << value) != 0 => TRUE,
                Val::Set(_) => FALSE,
                _ => UNKNOWN,
            },
            Cop::CmpSyms {
                cmp,
                left,
                right,
                table,
            } => {
                let left = match (table, $env.value(left)) {
                    (None, v) => v,
                    (Some((from, to)), Val::Opt(i)) => Val::Opt(
                        $self.table[from as usize..to as usize]
                            .get(i as usize)
                            .copied()
                            .unwrap_or(u32::MAX),
                    ),
                    (Some(_), _) => Val::Unknown,
                };
                truth(compare(cmp, left, $env.value(right)))
            }
            Cop::Load(s) => truth($env.value(s)),
            Cop::Const(t) => t,
            Cop::Sub(sub) => truth($self.run_value(sub, $env)),
        }
    };
}

/// How a program is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Instructions in [`Programs::conds`].
    Cond,
    /// Instructions in [`Programs::ops`].
    Value,
    /// Too deep to flatten: the tree is evaluated.
    Tree,
}

/// Where a program lives in its arena, and how it is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prog {
    kind: Kind,
    start: u32,
    end: u32,
    /// Most values on the stack at once.
    depth: u32,
}

impl Prog {
    const TREE: Prog = Prog {
        kind: Kind::Tree,
        start: 0,
        end: 0,
        depth: 0,
    };
}

/// The flattened form of a set of expressions, sharing arenas.
#[derive(Debug, Default)]
pub(crate) struct Programs {
    ops: Vec<Op>,
    conds: Vec<Cop>,
    numbers: Vec<f64>,
    table: Vec<u32>,
}

impl Programs {
    /// Adds `expr` and returns its handle.
    pub(crate) fn add(&mut self, expr: &Expr) -> Prog {
        if is_condition(expr)
            && let Some(prog) = self.add_cond(expr)
        {
            return prog;
        }
        self.add_value(expr)
    }

    fn add_value(&mut self, expr: &Expr) -> Prog {
        let start = self.ops.len();
        let mut depth = Depth::default();
        self.emit(expr, &mut depth);
        if depth.max > STACK {
            self.ops.truncate(start);
            return Prog::TREE;
        }
        Prog {
            kind: Kind::Value,
            start: start as u32,
            end: self.ops.len() as u32,
            depth: depth.max as u32,
        }
    }

    fn add_cond(&mut self, expr: &Expr) -> Option<Prog> {
        let start = self.conds.len();
        let mut depth = Depth::default();
        if !self.emit_cond(expr, &mut depth) || depth.max > STACK {
            self.conds.truncate(start);
            return None;
        }
        Some(Prog {
            kind: Kind::Cond,
            start: start as u32,
            end: self.conds.len() as u32,
            depth: depth.max as u32,
        })
    }

    /// Evaluates the program of `expr`; `expr` itself is needed only for
    /// programs too deep to flatten.
    #[inline]
    pub(crate) fn eval<E: Env + ?Sized>(&self, prog: Prog, expr: &Expr, env: &E) -> Val {
        match prog.kind {
            Kind::Cond if prog.end == prog.start + 1 => match self.run_leaf(prog.start, env) {
                FALSE => Val::Bool(false),
                TRUE => Val::Bool(true),
                _ => Val::Unknown,
            },
            Kind::Cond => match self.run_cond(prog, env) {
                FALSE => Val::Bool(false),
                TRUE => Val::Bool(true),
                _ => Val::Unknown,
            },
            Kind::Value => self.run_value(prog, env),
            Kind::Tree => super::eval::eval(expr, env),
        }
    }

    fn run_value<E: Env + ?Sized>(&self, prog: Prog, env: &E) -> Val {
        // A stack sized to the program: clearing a large one would cost
        // more than most programs take to run.
        match prog.depth {
            0..=4 => self.run::<4, E>(prog, env),
            5..=8 => self.run::<8, E>(prog, env),
            _ => self.run::<STACK, E>(prog, env),
        }
    }

    /// Emits a condition; false if a part of it cannot be flattened.
    fn emit_cond(&mut self, expr: &Expr, depth: &mut Depth) -> bool {
        let op = match expr {
            Expr::And(..) | Expr::Or(..) if self.emit_chain(expr, depth) => return true,
            Expr::And(a, b) | Expr::Or(a, b) => {
                if !self.emit_cond(a, depth) {
                    return false;
                }
                depth.now += 1;
                let ok = self.emit_cond(b, depth);
                depth.now -= 1;
                if !ok {
                    return false;
                }
                self.conds.push(if matches!(expr, Expr::And(..)) {
                    Cop::And
                } else {
                    Cop::Or
                });
                return true;
            }
            Expr::Not(e) => {
                let start = self.conds.len();
                if !self.emit_cond(e, depth) {
                    return false;
                }
                // Only a condition of one instruction is negated in place:
                // the last leaf of a chain is not the whole condition.
                let alone = self.conds.len() == start + 1;
                match self.conds.last_mut() {
                    Some(Cop::State { negate, .. }) if alone => *negate = !*negate,
                    Some(Cop::Is { equal, .. }) if alone => *equal = !*equal,
                    _ => self.conds.push(Cop::Not),
                }
                return true;
            }
            Expr::SymIs {
                symbol,
                value,
                equal,
            } => Cop::Is {
                symbol: *symbol,
                value: *value,
                equal: *equal,
            },
            Expr::State(test, item) => Cop::State {
                test: *test,
                item: *item,
                negate: false,
            },
            Expr::Known(s) => Cop::Known(*s),
            Expr::Cmp(cmp, a, b) => match (&**a, &**b) {
                (Expr::Sym(symbol), Expr::Lit(value)) => Cop::Cmp {
                    cmp: *cmp,
                    symbol: *symbol,
                    value: *value,
                },
                (Expr::Lit(value), Expr::Sym(symbol)) => Cop::Cmp {
                    cmp: cmp.swapped(),
                    symbol: *symbol,
                    value: *value,
                },
                (Expr::Sym(left), Expr::Sym(right)) => Cop::CmpSyms {
                    cmp: *cmp,
                    left: *left,
                    right: *right,
                    table: None,
                },
                (Expr::Translate(inner, table), Expr::Sym(right))
                    if matches!(**inner, Expr::Sym(_)) =>
                {
                    let from = self.table.len() as u32;
                    self.table.extend_from_slice(table);
                    Cop::CmpSyms {
                        cmp: *cmp,
                        left: inner.symbol().expect("matched a symbol"),
                        right: *right,
                        table: Some((from, self.table.len() as u32)),
                    }
                }
                _ => return self.emit_sub(expr, depth),
            },
            Expr::OneOf(e, mask) if matches!(**e, Expr::Sym(_)) => Cop::OneOf {
                symbol: e.symbol().expect("matched a symbol"),
                mask: *mask,
            },
            Expr::Has(e, value) if matches!(**e, Expr::Sym(_)) => Cop::Has {
                symbol: e.symbol().expect("matched a symbol"),
                value: *value,
            },
            Expr::Sym(s) => Cop::Load(*s),
            Expr::Lit(v) => Cop::Const(truth(*v)),
            other => return self.emit_sub(other, depth),
        };
        self.conds.push(op);
        depth.max = depth.max.max(depth.now + 1);
        true
    }

    /// Emits `a || b || …` (or `&&`) whose every operand is one leaf as
    /// [`Cop::OrOf`] (or [`Cop::AndOf`]) followed by the leaves; false,
    /// with nothing emitted, when an operand is not one leaf.
    fn emit_chain(&mut self, expr: &Expr, depth: &mut Depth) -> bool {
        fn operands<'e>(expr: &'e Expr, or: bool, out: &mut Vec<&'e Expr>) {
            match expr {
                Expr::Or(a, b) if or => {
                    operands(a, or, out);
                    operands(b, or, out);
                }
                Expr::And(a, b) if !or => {
                    operands(a, or, out);
                    operands(b, or, out);
                }
                other => out.push(other),
            }
        }
        // Emitted as one instruction by `emit_cond` (told apart before
        // emitting anything, so a chain that is not one costs nothing).
        fn is_leaf(expr: &Expr) -> bool {
            match expr {
                Expr::And(..) | Expr::Or(..) => false,
                Expr::Not(e) => matches!(**e, Expr::State(..) | Expr::SymIs { .. }),
                _ => true,
            }
        }
        let or = matches!(expr, Expr::Or(..));
        let mut list = Vec::new();
        operands(expr, or, &mut list);
        if !list.iter().all(|e| is_leaf(e)) {
            return false;
        }
        let start = self.conds.len();
        let (ops_start, numbers, table) = (self.ops.len(), self.numbers.len(), self.table.len());
        let n = list.len() as u32;
        self.conds
            .push(if or { Cop::OrOf(n) } else { Cop::AndOf(n) });
        let mut inner = Depth::default();
        for operand in list {
            let at = self.conds.len();
            if !self.emit_cond(operand, &mut inner)
                || self.conds.len() != at + 1
                || matches!(self.conds[at], Cop::And | Cop::Or | Cop::Not)
            {
                self.conds.truncate(start);
                self.ops.truncate(ops_start);
                self.numbers.truncate(numbers);
                self.table.truncate(table);
                return false;
            }
        }
        // The leaves are evaluated one at a time, without the stack.
        depth.max = depth.max.max(depth.now + 1);
        true
    }

    /// Emits a part that is not a condition as a value program.
    fn emit_sub(&mut self, expr: &Expr, depth: &mut Depth) -> bool {
        let sub = self.add_value(expr);
        if sub.kind != Kind::Value {
            return false;
        }
        self.conds.push(Cop::Sub(sub));
        depth.max = depth.max.max(depth.now + 1);
        true
    }

    #[inline(never)]
    fn run_cond<E: Env + ?Sized>(&self, prog: Prog, env: &E) -> u8 {
        const N: usize = STACK;
        let ops = &self.conds[prog.start as usize..prog.end as usize];
        // A condition that is one chain needs no stack.
        match ops.split_first() {
            Some((&Cop::OrOf(n), leaves)) if n as usize == leaves.len() => {
                return self.any_of(leaves, env);
            }
            Some((&Cop::AndOf(n), leaves)) if n as usize == leaves.len() => {
                return self.all_of(leaves, env);
            }
            _ => {}
        }
        // As in `run`: the mask keeps bounds checks out; `add_cond`
        // measured the depth.
        let mut stack = [UNKNOWN; N];
        let mut sp = 0usize;
        let mut at = 0;
        while let Some(op) = ops.get(at) {
            at += 1;
            // One match for both the combining instructions and the
            // leaves: a second dispatch per instruction costs as much as
            // most leaves.
            let push = truth_of!(self, op, env, {
                Cop::And => {
                    sp -= 1;
                    let b = stack[sp & (N - 1)];
                    let a = &mut stack[(sp - 1) & (N - 1)];
                    *a = (*a).min(b);
                    continue;
                }
                Cop::Or => {
                    sp -= 1;
                    let b = stack[sp & (N - 1)];
                    let a = &mut stack[(sp - 1) & (N - 1)];
                    *a = (*a).max(b);
                    continue;
                }
                Cop::Not => {
                    let a = &mut stack[(sp - 1) & (N - 1)];
                    *a = TRUE - *a;
                    continue;
                }
                Cop::OrOf(n) => {
                    let leaves = &ops[at..at + n as usize];
                    at += n as usize;
                    self.any_of(leaves, env)
                }
                Cop::AndOf(n) => {
                    let leaves = &ops[at..at + n as usize];
                    at += n as usize;
                    self.all_of(leaves, env)
                }
            });
            stack[sp & (N - 1)] = push;
            sp += 1;
        }
        stack[0]
    }

    /// A condition of one instruction, which is always a leaf: most
    /// conditions are one (`wants_change == true`, `closeness <= 2`), and
    /// they need no stack.
    #[inline(never)]
    fn run_leaf<E: Env + ?Sized>(&self, at: u32, env: &E) -> u8 {
        let op = &self.conds[at as usize];
        truth_of!(self, op, env, {
            // Never alone: they combine other instructions.
            Cop::And | Cop::Or | Cop::Not | Cop::OrOf(_) | Cop::AndOf(_) => UNKNOWN,
        })
    }

    /// `||` of leaves, evaluated in order until one is true.
    #[inline]
    fn any_of<E: Env + ?Sized>(&self, leaves: &[Cop], env: &E) -> u8 {
        let mut value = FALSE;
        for leaf in leaves {
            value = value.max(self.leaf_truth(leaf, env));
            if value == TRUE {
                break;
            }
        }
        value
    }

    /// `&&` of leaves, evaluated in order until one is false.
    #[inline]
    fn all_of<E: Env + ?Sized>(&self, leaves: &[Cop], env: &E) -> u8 {
        let mut value = TRUE;
        for leaf in leaves {
            value = value.min(self.leaf_truth(leaf, env));
            if value == FALSE {
                break;
            }
        }
        value
    }

    /// The truth value of a leaf instruction in a chain.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn leaf_truth<E: Env + ?Sized>(&self, op: &Cop, env: &E) -> u8 {
        truth_of!(self, op, env, {
            // Never leaves: they combine other instructions.
            Cop::And | Cop::Or | Cop::Not | Cop::OrOf(_) | Cop::AndOf(_) => UNKNOWN,
        })
    }

    fn emit(&mut self, expr: &Expr, depth: &mut Depth) {
        let at = |ops: &Vec<Op>| ops.len() as u32;
        match expr {
            Expr::Lit(v) => self.leaf(Op::Push(*v), depth),
            Expr::Sym(s) => self.leaf(Op::Load(*s), depth),
            Expr::SymIs {
                symbol,
                value,
                equal,
            } => self.leaf(
                Op::Is {
                    symbol: *symbol,
                    value: *value,
                    equal: *equal,
                },
                depth,
            ),
            Expr::State(test, item) => self.leaf(
                Op::State {
                    test: *test,
                    item: *item,
                    negate: false,
                },
                depth,
            ),
            Expr::Known(s) => self.leaf(Op::Known(*s), depth),
            Expr::Not(e) => {
                self.emit(e, depth);
                // Negating a state test or a comparison with a literal
                // flips it: unknown stays unknown either way.
                match self.ops.last_mut() {
                    Some(Op::State { negate, .. }) => *negate = !*negate,
                    Some(Op::Is { equal, .. }) => *equal = !*equal,
                    _ => self.ops.push(Op::Not),
                }
            }
            Expr::Neg(e) => {
                self.emit(e, depth);
                self.ops.push(Op::Neg);
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let is_and = matches!(expr, Expr::And(..));
                self.emit(a, depth);
                let skip = self.ops.len();
                self.ops.push(Op::And);
                self.binary(b, depth);
                self.ops.push(if is_and { Op::And } else { Op::Or });
                let end = at(&self.ops);
                self.ops[skip] = if is_and {
                    Op::AndSkip(end)
                } else {
                    Op::OrSkip(end)
                };
            }
            Expr::Cmp(op, a, b) => {
                self.emit(a, depth);
                self.binary(b, depth);
                self.ops.push(Op::Cmp(*op));
            }
            Expr::Arith(op, a, b) => {
                self.emit(a, depth);
                self.binary(b, depth);
                self.ops.push(Op::Arith(*op));
            }
            Expr::OneOf(e, mask) => {
                self.emit(e, depth);
                self.ops.push(Op::OneOf(*mask));
            }
            Expr::Has(e, i) => {
                self.emit(e, depth);
                self.ops.push(Op::Has(*i));
            }
            Expr::NumIn(e, list) => {
                self.emit(e, depth);
                let start = self.numbers.len() as u32;
                self.numbers.extend_from_slice(list);
                self.ops.push(Op::NumIn(start, self.numbers.len() as u32));
            }
            Expr::Translate(e, table) => {
                self.emit(e, depth);
                let start = self.table.len() as u32;
                self.table.extend_from_slice(table);
                self.ops.push(Op::Translate(start, self.table.len() as u32));
            }
            Expr::Count(args) => {
                self.leaf(Op::CountStart, depth);
                for a in args {
                    self.binary(a, depth);
                    self.ops.push(Op::CountAdd);
                }
            }
            Expr::Round(mode, e) => {
                self.emit(e, depth);
                self.ops.push(Op::Round(*mode));
            }
            Expr::Weigh(e, table) => {
                self.emit(e, depth);
                let start = self.numbers.len() as u32;
                self.numbers.extend_from_slice(table);
                self.ops.push(Op::Weigh(start, self.numbers.len() as u32));
            }
        }
    }

    /// Emits the second operand of a binary instruction, which sits one
    /// slot above the first.
    fn binary(&mut self, e: &Expr, depth: &mut Depth) {
        depth.now += 1;
        self.emit(e, depth);
        depth.now -= 1;
    }

    fn leaf(&mut self, op: Op, depth: &mut Depth) {
        self.ops.push(op);
        depth.max = depth.max.max(depth.now + 1);
    }

    fn run<const N: usize, E: Env + ?Sized>(&self, prog: Prog, env: &E) -> Val {
        let ops = &self.ops[prog.start as usize..prog.end as usize];
        // Jumps were recorded as arena indices.
        let base = prog.start as usize;
        // `N` is a power of two, so masking an index proves it in bounds:
        // `emit` measured the depth, and the mask only keeps the checks out.
        let mut stack = [Val::Unknown; N];
        let mut sp = 0usize;
        let mut pc = 0usize;
        while let Some(op) = ops.get(pc) {
            pc += 1;
            match op {
                &Op::Push(v) => {
                    stack[sp & (N - 1)] = v;
                    sp += 1;
                }
                &Op::Load(s) => {
                    stack[sp & (N - 1)] = env.value(s);
                    sp += 1;
                }
                &Op::Is {
                    symbol,
                    value,
                    equal,
                } => {
                    stack[sp & (N - 1)] = match env.value(symbol) {
                        Val::Unknown | Val::Opaque => Val::Unknown,
                        v => Val::Bool((v == value) == equal),
                    };
                    sp += 1;
                }
                &Op::State { test, item, negate } => {
                    stack[sp & (N - 1)] = Val::Bool(env.state(test, item) != negate);
                    sp += 1;
                }
                &Op::Known(s) => {
                    stack[sp & (N - 1)] = Val::Bool(env.value(s) != Val::Unknown);
                    sp += 1;
                }
                Op::CountStart => {
                    stack[sp & (N - 1)] = Val::Num(0.0);
                    sp += 1;
                }
                Op::Not => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Bool(b) => Val::Bool(!b),
                        _ => Val::Unknown,
                    };
                }
                Op::Neg => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Num(n) => Val::Num(-n),
                        _ => Val::Unknown,
                    };
                }
                &Op::AndSkip(to) => {
                    if matches!(stack[(sp - 1) & (N - 1)], Val::Bool(false)) {
                        pc = to as usize - base;
                    }
                }
                &Op::OrSkip(to) => {
                    if matches!(stack[(sp - 1) & (N - 1)], Val::Bool(true)) {
                        pc = to as usize - base;
                    }
                }
                Op::And => {
                    sp -= 1;
                    let b = stack[sp & (N - 1)];
                    stack[(sp - 1) & (N - 1)] = and(stack[(sp - 1) & (N - 1)], || b);
                }
                Op::Or => {
                    sp -= 1;
                    let b = stack[sp & (N - 1)];
                    stack[(sp - 1) & (N - 1)] = or(stack[(sp - 1) & (N - 1)], || b);
                }
                &Op::Cmp(c) => {
                    sp -= 1;
                    stack[(sp - 1) & (N - 1)] =
                        compare(c, stack[(sp - 1) & (N - 1)], stack[sp & (N - 1)]);
                }
                &Op::Arith(a) => {
                    sp -= 1;
                    stack[(sp - 1) & (N - 1)] =
                        arith(a, stack[(sp - 1) & (N - 1)], stack[sp & (N - 1)]);
                }
                &Op::OneOf(mask) => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Opt(i) => Val::Bool(i < 64 && mask & (1 << i) != 0),
                        _ => Val::Unknown,
                    };
                }
                &Op::Has(i) => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Set(set) => Val::Bool(i < 64 && set & (1 << i) != 0),
                        _ => Val::Unknown,
                    };
                }
                &Op::NumIn(from, to) => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Num(n) => {
                            Val::Bool(self.numbers[from as usize..to as usize].contains(&n))
                        }
                        _ => Val::Unknown,
                    };
                }
                &Op::Translate(from, to) => {
                    stack[(sp - 1) & (N - 1)] = match stack[(sp - 1) & (N - 1)] {
                        Val::Opt(i) => Val::Opt(
                            self.table[from as usize..to as usize]
                                .get(i as usize)
                                .copied()
                                .unwrap_or(u32::MAX),
                        ),
                        _ => Val::Unknown,
                    };
                }
                &Op::Round(mode) => {
                    stack[(sp - 1) & (N - 1)] = round(mode, stack[(sp - 1) & (N - 1)]);
                }
                &Op::Weigh(from, to) => {
                    stack[(sp - 1) & (N - 1)] = weigh(
                        stack[(sp - 1) & (N - 1)],
                        &self.numbers[from as usize..to as usize],
                    );
                }
                Op::CountAdd => {
                    sp -= 1;
                    if stack[sp & (N - 1)].is_true()
                        && let Val::Num(n) = &mut stack[(sp - 1) & (N - 1)]
                    {
                        *n += 1.0;
                    }
                }
            }
        }
        stack[0]
    }
}

/// Whether `expr` always gives a truth value or unknown, so it can run as
/// a condition.
fn is_condition(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::And(..)
            | Expr::Or(..)
            | Expr::Not(_)
            | Expr::SymIs { .. }
            | Expr::State(..)
            | Expr::Known(_)
            | Expr::Cmp(..)
            | Expr::OneOf(..)
            | Expr::Has(..)
    )
}

/// Stack use while emitting: the slot the next value goes to, and the
/// most slots used at once.
#[derive(Default)]
struct Depth {
    now: usize,
    max: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Arbitrary values for items 0..4, derived 0..2 and score 0, plus a
    /// state table: enough to reach every branch of both evaluators.
    #[derive(Debug, Clone)]
    struct Table {
        items: Vec<Val>,
        derived: Vec<Val>,
        score: Val,
        states: Vec<bool>,
    }

    impl Env for Table {
        fn value(&self, symbol: Symbol) -> Val {
            match symbol {
                Symbol::Item(i) => self.items[i as usize],
                Symbol::Derived(d) => self.derived[d as usize],
                Symbol::Score(_) => self.score,
            }
        }
        fn state(&self, test: StateTest, item: u32) -> bool {
            self.states[(item as usize * 4 + test as usize) % self.states.len()]
        }
    }

    fn val() -> impl Strategy<Value = Val> {
        prop_oneof![
            Just(Val::Unknown),
            Just(Val::Opaque),
            any::<bool>().prop_map(Val::Bool),
            (-3i8..4).prop_map(|n| Val::Num(f64::from(n))),
            Just(Val::Num(0.5)),
            Just(Val::Num(-2.5)),
            (0u32..4).prop_map(Val::Opt),
            (0u64..16).prop_map(Val::Set),
        ]
    }

    fn symbol() -> impl Strategy<Value = Symbol> {
        prop_oneof![
            (0u32..4).prop_map(Symbol::Item),
            (0u32..2).prop_map(Symbol::Derived),
            Just(Symbol::Score(0)),
        ]
    }

    fn state_test() -> impl Strategy<Value = StateTest> {
        prop_oneof![
            Just(StateTest::Answered),
            Just(StateTest::Declined),
            Just(StateTest::DontKnow),
            Just(StateTest::Shown),
        ]
    }

    fn cmp() -> impl Strategy<Value = Cmp> {
        prop_oneof![
            Just(Cmp::Eq),
            Just(Cmp::Ne),
            Just(Cmp::Lt),
            Just(Cmp::Le),
            Just(Cmp::Gt),
            Just(Cmp::Ge),
        ]
    }

    fn arith_op() -> impl Strategy<Value = Arith> {
        prop_oneof![
            Just(Arith::Add),
            Just(Arith::Sub),
            Just(Arith::Mul),
            Just(Arith::Div),
        ]
    }

    fn rounding() -> impl Strategy<Value = Rounding> {
        prop_oneof![
            Just(Rounding::Round),
            Just(Rounding::Floor),
            Just(Rounding::Ceil),
        ]
    }

    fn expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            val().prop_map(Expr::Lit),
            symbol().prop_map(Expr::Sym),
            (symbol(), val(), any::<bool>()).prop_map(|(symbol, value, equal)| Expr::SymIs {
                symbol,
                value,
                equal
            }),
            (state_test(), 0u32..4).prop_map(|(t, i)| Expr::State(t, i)),
            symbol().prop_map(Expr::Known),
        ];
        leaf.prop_recursive(6, 64, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(a.into(), b.into())),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(a.into(), b.into())),
                (cmp(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| Expr::Cmp(
                    c,
                    a.into(),
                    b.into()
                )),
                (arith_op(), inner.clone(), inner.clone()).prop_map(|(o, a, b)| Expr::Arith(
                    o,
                    a.into(),
                    b.into()
                )),
                (inner.clone(), any::<u64>()).prop_map(|(e, m)| Expr::OneOf(e.into(), m)),
                (inner.clone(), 0u32..70).prop_map(|(e, i)| Expr::Has(e.into(), i)),
                (inner.clone(), prop::collection::vec(-2i8..3, 0..3)).prop_map(|(e, l)| {
                    Expr::NumIn(e.into(), l.into_iter().map(f64::from).collect())
                }),
                (inner.clone(), prop::collection::vec(0u32..4, 0..4))
                    .prop_map(|(e, t)| Expr::Translate(e.into(), t)),
                (rounding(), inner.clone()).prop_map(|(m, e)| Expr::Round(m, e.into())),
                (inner.clone(), prop::collection::vec(-2i8..4, 0..5)).prop_map(|(e, t)| {
                    Expr::Weigh(
                        e.into(),
                        t.into_iter().map(|w| f64::from(w) / 2.0).collect(),
                    )
                }),
                prop::collection::vec(inner, 0..4).prop_map(Expr::Count),
            ]
        })
    }

    fn table() -> impl Strategy<Value = Table> {
        (
            prop::collection::vec(val(), 4),
            prop::collection::vec(val(), 2),
            val(),
            prop::collection::vec(any::<bool>(), 1..17),
        )
            .prop_map(|(items, derived, score, states)| Table {
                items,
                derived,
                score,
                states,
            })
    }

    /// Equal as values, with NaN equal to itself (both evaluators compute
    /// the same arithmetic, so a NaN on one side is a NaN on the other).
    fn same(a: Val, b: Val) -> bool {
        match (a, b) {
            // Bit-equal: both evaluators do the same arithmetic.
            (Val::Num(x), Val::Num(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            _ => a == b,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn program_agrees_with_the_tree(exprs in prop::collection::vec(expr(), 1..4), env in table()) {
            // Several programs in one arena, so jumps must be rebased.
            let mut programs = Programs::default();
            let progs: Vec<Prog> = exprs.iter().map(|e| programs.add(e)).collect();
            for (e, p) in exprs.iter().zip(progs) {
                prop_assert_ne!(p, Prog::TREE);
                let flat = programs.eval(p, e, &env);
                let tree = super::super::eval::eval(e, &env);
                prop_assert!(same(flat, tree), "{e:?}: program {flat:?}, tree {tree:?}");
            }
        }
    }

    /// A leaf as `emit_cond` emits it in one instruction, including a
    /// comparison of two symbols (one of them re-indexed).
    fn cond_leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            (symbol(), val(), any::<bool>()).prop_map(|(symbol, value, equal)| Expr::SymIs {
                symbol,
                value,
                equal
            }),
            (state_test(), 0u32..4).prop_map(|(t, i)| Expr::State(t, i)),
            (cmp(), symbol(), val()).prop_map(|(c, s, v)| Expr::Cmp(
                c,
                Expr::Sym(s).into(),
                Expr::Lit(v).into()
            )),
            (cmp(), symbol(), symbol()).prop_map(|(c, a, b)| Expr::Cmp(
                c,
                Expr::Sym(a).into(),
                Expr::Sym(b).into()
            )),
            (
                cmp(),
                symbol(),
                prop::collection::vec(0u32..4, 0..4),
                symbol()
            )
                .prop_map(|(c, a, t, b)| Expr::Cmp(
                    c,
                    Expr::Translate(Expr::Sym(a).into(), t).into(),
                    Expr::Sym(b).into()
                )),
            symbol().prop_map(Expr::Sym),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Chains of `||` and `&&` over leaves (evaluated until one decides
        /// them), negated and nested, give what the tree gives.
        #[test]
        fn chains_of_leaves_agree_with_the_tree(e in cond_leaf().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(a.into(), b.into())),
                (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(a.into(), b.into())),
            ]
        }), env in table()) {
            let mut programs = Programs::default();
            let prog = programs.add(&e);
            prop_assert_ne!(prog, Prog::TREE);
            let flat = programs.eval(prog, &e, &env);
            let tree = super::super::eval::eval(&e, &env);
            prop_assert!(same(flat, tree), "{e:?}: program {flat:?}, tree {tree:?}");
        }
    }

    #[test]
    fn too_deep_programs_fall_back_to_the_tree() {
        // `0 + (0 + (0 + ...))` keeps every left operand on the stack.
        let mut e = Expr::Lit(Val::Num(1.0));
        for _ in 0..STACK + 4 {
            e = Expr::Arith(Arith::Add, Box::new(Expr::Lit(Val::Num(1.0))), Box::new(e));
        }
        let mut programs = Programs::default();
        let prog = programs.add(&e);
        assert_eq!(prog, Prog::TREE);
        let env = Table {
            items: vec![],
            derived: vec![],
            score: Val::Unknown,
            states: vec![false],
        };
        assert_eq!(
            programs.eval(prog, &e, &env),
            Val::Num(f64::from(STACK as u32 + 5))
        );
    }

    #[test]
    fn literal_on_the_left_of_a_comparison() {
        // `1 < x` inside a condition becomes one instruction with the
        // sides swapped; every operator and order must still agree.
        let env = Table {
            items: vec![Val::Num(0.0), Val::Num(1.0), Val::Num(2.0), Val::Unknown],
            derived: vec![Val::Unknown; 2],
            score: Val::Unknown,
            states: vec![true],
        };
        let ops = [Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge];
        for cmp in ops {
            for item in 0..4 {
                let lit = Box::new(Expr::Lit(Val::Num(1.0)));
                let sym = Box::new(Expr::Sym(Symbol::Item(item)));
                for e in [
                    Expr::Cmp(cmp, lit.clone(), sym.clone()),
                    Expr::Cmp(cmp, sym, lit),
                ] {
                    let e = Expr::And(Box::new(Expr::Lit(Val::Bool(true))), Box::new(e));
                    let mut programs = Programs::default();
                    let prog = programs.add(&e);
                    assert_eq!(prog.kind, Kind::Cond);
                    assert_eq!(
                        programs.eval(prog, &e, &env),
                        super::super::eval::eval(&e, &env),
                        "{e:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn negations_fold_into_one_instruction() {
        let declined = Expr::Not(Box::new(Expr::State(StateTest::Declined, 2)));
        let mut programs = Programs::default();
        programs.add(&declined);
        assert_eq!(
            programs.conds,
            vec![Cop::State {
                test: StateTest::Declined,
                item: 2,
                negate: true
            }]
        );
    }
}
