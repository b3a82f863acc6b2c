//! Evaluation of resolved expressions under three-valued logic.

use super::typed::{Arith, Cmp, Expr, Rounding, StateTest, Symbol, Val};

/// What an expression can read while it is evaluated.
pub(crate) trait Env {
    /// The value of a symbol; `Unknown` when it has none that counts.
    fn value(&self, symbol: Symbol) -> Val;
    /// The answer state of an item.
    fn state(&self, test: StateTest, item: u32) -> bool;
}

/// Evaluates `expr`.
pub(crate) fn eval<E: Env + ?Sized>(expr: &Expr, env: &E) -> Val {
    match expr {
        Expr::Lit(v) => *v,
        Expr::Sym(s) => env.value(*s),
        Expr::SymIs {
            symbol,
            value,
            equal,
        } => match env.value(*symbol) {
            Val::Unknown | Val::Opaque => Val::Unknown,
            v => Val::Bool((v == *value) == *equal),
        },
        Expr::State(t, i) => Val::Bool(env.state(*t, *i)),
        Expr::Known(s) => Val::Bool(env.value(*s) != Val::Unknown),
        Expr::Not(e) => match eval(e, env) {
            Val::Bool(b) => Val::Bool(!b),
            _ => Val::Unknown,
        },
        Expr::Neg(e) => match eval(e, env) {
            Val::Num(n) => Val::Num(-n),
            _ => Val::Unknown,
        },
        Expr::And(a, b) => and(eval(a, env), || eval(b, env)),
        Expr::Or(a, b) => or(eval(a, env), || eval(b, env)),
        Expr::Cmp(op, a, b) => compare(*op, eval(a, env), eval(b, env)),
        Expr::Arith(op, a, b) => arith(*op, eval(a, env), eval(b, env)),
        Expr::OneOf(e, mask) => match eval(e, env) {
            Val::Opt(i) => Val::Bool(i < 64 && mask & (1 << i) != 0),
            _ => Val::Unknown,
        },
        Expr::Has(e, i) => match eval(e, env) {
            Val::Set(set) => Val::Bool(*i < 64 && set & (1 << i) != 0),
            _ => Val::Unknown,
        },
        Expr::NumIn(e, list) => match eval(e, env) {
            Val::Num(n) => Val::Bool(list.contains(&n)),
            _ => Val::Unknown,
        },
        Expr::Translate(e, table) => match eval(e, env) {
            Val::Opt(i) => Val::Opt(table.get(i as usize).copied().unwrap_or(u32::MAX)),
            _ => Val::Unknown,
        },
        Expr::Count(args) => {
            Val::Num(args.iter().filter(|a| eval(a, env).is_true()).count() as f64)
        }
        Expr::Round(mode, e) => round(*mode, eval(e, env)),
        Expr::Weigh(e, table) => weigh(eval(e, env), table),
    }
}

pub(super) fn round(mode: Rounding, v: Val) -> Val {
    match v {
        Val::Num(n) => Val::Num(match mode {
            Rounding::Round => n.round(),
            Rounding::Floor => n.floor(),
            Rounding::Ceil => n.ceil(),
        }),
        _ => Val::Unknown,
    }
}

/// An answer's weight from the table of its item, summed over the options
/// in their order as a score term sums them (`session::item_weight`).
pub(super) fn weigh(v: Val, table: &[f64]) -> Val {
    let at = |i: usize| table.get(i).map_or(Val::Unknown, |w| Val::Num(*w));
    match v {
        Val::Bool(b) => at(usize::from(b)),
        Val::Opt(i) => at(i as usize),
        Val::Set(mask) => Val::Num(
            table
                .iter()
                .take(64)
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, w)| *w)
                .sum(),
        ),
        Val::Num(n) => Val::Num(n),
        Val::Unknown | Val::Opaque => Val::Unknown,
    }
}

pub(super) fn and(a: Val, b: impl FnOnce() -> Val) -> Val {
    if matches!(a, Val::Bool(false)) {
        return a;
    }
    match (a, b()) {
        (_, Val::Bool(false)) => Val::Bool(false),
        (Val::Bool(true), Val::Bool(true)) => Val::Bool(true),
        _ => Val::Unknown,
    }
}

pub(super) fn or(a: Val, b: impl FnOnce() -> Val) -> Val {
    if matches!(a, Val::Bool(true)) {
        return a;
    }
    match (a, b()) {
        (_, Val::Bool(true)) => Val::Bool(true),
        (Val::Bool(false), Val::Bool(false)) => Val::Bool(false),
        _ => Val::Unknown,
    }
}

pub(super) fn compare(op: Cmp, a: Val, b: Val) -> Val {
    let ord = match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(&y)),
        (Val::Opt(x), Val::Opt(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    let Some(ord) = ord else {
        return Val::Unknown;
    };
    Val::Bool(match op {
        Cmp::Eq => ord.is_eq(),
        Cmp::Ne => ord.is_ne(),
        Cmp::Lt => ord.is_lt(),
        Cmp::Le => ord.is_le(),
        Cmp::Gt => ord.is_gt(),
        Cmp::Ge => ord.is_ge(),
    })
}

pub(super) fn arith(op: Arith, a: Val, b: Val) -> Val {
    let (Val::Num(x), Val::Num(y)) = (a, b) else {
        return Val::Unknown;
    };
    let r = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
    };
    // Division by zero has no meaningful answer; treat it like a missing value.
    if r.is_finite() {
        Val::Num(r)
    } else {
        Val::Unknown
    }
}

/// Evaluates `expr` and collects the symbols that decided its value: for
/// `a || b` that is true, the sides that are true (each alone would have
/// decided it); for `a && b` that is false, the sides that are false.
pub(crate) fn explain<E: Env + ?Sized>(expr: &Expr, env: &E, out: &mut Vec<Symbol>) -> Val {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            let decisive = Val::Bool(matches!(expr, Expr::Or(..)));
            let (mut left, mut right) = (Vec::new(), Vec::new());
            let va = explain(a, env, &mut left);
            let vb = explain(b, env, &mut right);
            let v = eval(expr, env);
            // One decisive side alone explains the value; otherwise both do.
            match (va == decisive, vb == decisive) {
                (true, false) => out.extend(left),
                (false, true) => out.extend(right),
                _ => {
                    out.extend(left);
                    out.extend(right);
                }
            }
            v
        }
        Expr::Not(e) => match explain(e, env, out) {
            Val::Bool(b) => Val::Bool(!b),
            _ => Val::Unknown,
        },
        Expr::Count(args) => {
            let mut n = 0.0;
            for a in args {
                let mut refs = Vec::new();
                if explain(a, env, &mut refs).is_true() {
                    n += 1.0;
                    out.extend(refs);
                }
            }
            Val::Num(n)
        }
        _ => {
            expr.symbols(out);
            eval(expr, env)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<Val>);
    impl Env for Fixed {
        fn value(&self, symbol: Symbol) -> Val {
            match symbol {
                Symbol::Item(i) => self.0[i as usize],
                _ => Val::Unknown,
            }
        }
        fn state(&self, test: StateTest, item: u32) -> bool {
            test == StateTest::Answered && self.0[item as usize] != Val::Unknown
        }
    }

    #[allow(clippy::unnecessary_box_returns)] // the tests build boxed trees
    fn item(i: u32) -> Box<Expr> {
        Box::new(Expr::Sym(Symbol::Item(i)))
    }

    #[test]
    fn kleene_and_or() {
        let env = Fixed(vec![Val::Unknown, Val::Bool(false), Val::Bool(true)]);
        assert_eq!(eval(&Expr::And(item(0), item(1)), &env), Val::Bool(false));
        assert_eq!(eval(&Expr::And(item(0), item(2)), &env), Val::Unknown);
        assert_eq!(eval(&Expr::Or(item(0), item(2)), &env), Val::Bool(true));
        assert_eq!(eval(&Expr::Or(item(0), item(1)), &env), Val::Unknown);
        assert_eq!(eval(&Expr::Not(item(0)), &env), Val::Unknown);
    }

    #[test]
    fn comparisons_with_unknown_are_unknown_even_not_equal() {
        let env = Fixed(vec![Val::Unknown, Val::Num(3.0)]);
        let ne = Expr::Cmp(Cmp::Ne, item(0), Box::new(Expr::Lit(Val::Num(1.0))));
        assert_eq!(eval(&ne, &env), Val::Unknown);
        let lt = Expr::Cmp(Cmp::Lt, item(1), Box::new(Expr::Lit(Val::Num(4.0))));
        assert_eq!(eval(&lt, &env), Val::Bool(true));
    }

    #[test]
    fn division_by_zero_is_unknown() {
        let env = Fixed(vec![Val::Num(1.0)]);
        let div = Expr::Arith(Arith::Div, item(0), Box::new(Expr::Lit(Val::Num(0.0))));
        assert_eq!(eval(&div, &env), Val::Unknown);
    }

    #[test]
    fn explain_keeps_only_the_decisive_side() {
        let env = Fixed(vec![Val::Bool(true), Val::Bool(false), Val::Bool(true)]);
        let mut refs = Vec::new();
        let v = explain(&Expr::Or(item(1), item(2)), &env, &mut refs);
        assert_eq!(v, Val::Bool(true));
        assert_eq!(refs, vec![Symbol::Item(2)]);
        refs.clear();
        explain(&Expr::Or(item(0), item(2)), &env, &mut refs);
        assert_eq!(
            refs,
            vec![Symbol::Item(0), Symbol::Item(2)],
            "every true side"
        );
        refs.clear();
        explain(&Expr::And(item(0), item(2)), &env, &mut refs);
        assert_eq!(refs, vec![Symbol::Item(0), Symbol::Item(2)]);
    }

    #[test]
    fn masks_and_sets() {
        let env = Fixed(vec![Val::Opt(2), Val::Set(0b101)]);
        assert_eq!(eval(&Expr::OneOf(item(0), 0b100), &env), Val::Bool(true));
        assert_eq!(eval(&Expr::OneOf(item(0), 0b011), &env), Val::Bool(false));
        assert_eq!(eval(&Expr::Has(item(1), 2), &env), Val::Bool(true));
        assert_eq!(eval(&Expr::Has(item(1), 1), &env), Val::Bool(false));
    }
}
