//! What a score can be: whether it takes whole numbers only, and the lowest
//! and highest value its terms can reach (from weights, options, scale ends
//! and number bounds). Where a part's values are not known (an unbounded
//! number, a derived value), the range is left unknown rather than guessed,
//! so the band checks built on it never warn about a value that cannot occur.

use crate::expr::typed::{Arith, Expr, Rounding, Symbol, Val};
use crate::format::{ItemKind, Method};
use crate::questionnaire::{ItemDef, Term};

/// The values of a term or score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Values {
    /// Every value is a whole number.
    pub(super) whole: bool,
    /// The lowest and highest value, when known.
    pub(super) range: Option<(f64, f64)>,
}

const UNKNOWN: Values = Values {
    whole: false,
    range: None,
};

const TRUTH: Values = Values {
    whole: true,
    range: Some((0.0, 1.0)),
};

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

fn span(xs: impl Iterator<Item = f64> + Clone) -> Option<(f64, f64)> {
    let lo = xs.clone().reduce(f64::min)?;
    let hi = xs.reduce(f64::max)?;
    Some((lo, hi))
}

/// An item's own contribution as a score term.
pub(super) fn item(def: &ItemDef) -> Values {
    let bounded = || def.min.zip(def.max);
    match def.kind {
        ItemKind::YesNo => {
            let (y, n) = def.yes_no_scores;
            Values {
                whole: whole(y) && whole(n),
                range: Some((y.min(n), y.max(n))),
            }
        }
        ItemKind::SingleChoice | ItemKind::MultipleChoice => choice(def),
        ItemKind::Scale => Values {
            whole: true,
            range: bounded(),
        },
        ItemKind::Number => Values {
            whole: def.integer,
            range: bounded(),
        },
        _ => UNKNOWN,
    }
}

fn choice(def: &ItemDef) -> Values {
    let whole = def.options.iter().all(|o| o.score.is_none_or(whole));
    let scores: Option<Vec<f64>> = def.options.iter().map(|o| o.score).collect();
    let range = scores.and_then(|s| {
        if def.kind == ItemKind::MultipleChoice {
            // Any subset may be chosen, the empty one included.
            let lo = s.iter().filter(|x| **x < 0.0).sum();
            let hi = s.iter().filter(|x| **x > 0.0).sum();
            Some((lo, hi))
        } else {
            span(s.iter().copied())
        }
    });
    Values { whole, range }
}

/// An expression term; `scores` holds the values of the scores before it.
pub(super) fn expr(e: &Expr, items: &[ItemDef], scores: &[Values]) -> Values {
    match e {
        Expr::Lit(Val::Num(x)) => Values {
            whole: whole(*x),
            range: Some((*x, *x)),
        },
        Expr::Lit(Val::Bool(_))
        | Expr::State(..)
        | Expr::Known(_)
        | Expr::Not(_)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Cmp(..)
        | Expr::OneOf(..)
        | Expr::Has(..)
        | Expr::NumIn(..)
        | Expr::SymIs { .. } => TRUTH,
        Expr::Sym(Symbol::Item(i)) => match items.get(*i as usize) {
            Some(def) if def.kind == ItemKind::YesNo => TRUTH,
            Some(def) if matches!(def.kind, ItemKind::Scale | ItemKind::Number) => item(def),
            _ => UNKNOWN,
        },
        Expr::Sym(Symbol::Score(s)) => scores.get(*s as usize).copied().unwrap_or(UNKNOWN),
        Expr::Neg(a) => {
            let a = expr(a, items, scores);
            Values {
                whole: a.whole,
                range: a.range.map(|(lo, hi)| (-hi, -lo)),
            }
        }
        Expr::Arith(op, a, b) => arith(*op, expr(a, items, scores), expr(b, items, scores)),
        Expr::Count(args) => Values {
            whole: true,
            range: Some((0.0, args.len() as f64)),
        },
        Expr::Round(mode, a) => {
            let f = match mode {
                Rounding::Round => f64::round,
                Rounding::Floor => f64::floor,
                Rounding::Ceil => f64::ceil,
            };
            Values {
                whole: true,
                range: expr(a, items, scores).range.map(|(lo, hi)| (f(lo), f(hi))),
            }
        }
        // `weight(item)` counts what the item counts as a score term.
        Expr::Weigh(a, _) => match **a {
            Expr::Sym(Symbol::Item(i)) => items.get(i as usize).map_or(UNKNOWN, item),
            _ => UNKNOWN,
        },
        _ => UNKNOWN,
    }
}

fn arith(op: Arith, a: Values, b: Values) -> Values {
    let range = a.range.zip(b.range).and_then(|((al, ah), (bl, bh))| {
        let corners =
            |f: fn(f64, f64) -> f64| span([f(al, bl), f(al, bh), f(ah, bl), f(ah, bh)].into_iter());
        let r = match op {
            Arith::Add => Some((al + bl, ah + bh)),
            Arith::Sub => Some((al - bh, ah - bl)),
            Arith::Mul => corners(|x, y| x * y),
            // Division by a range that holds zero has no bound (and zero
            // itself gives no value).
            Arith::Div if bl > 0.0 || bh < 0.0 => corners(|x, y| x / y),
            Arith::Div => None,
        }?;
        (r.0.is_finite() && r.1.is_finite()).then_some(r)
    });
    Values {
        whole: op != Arith::Div && a.whole && b.whole,
        range,
    }
}

/// A term under the score's missing-data policy: counting a declined or
/// "don't know" answer as zero adds zero to what the term can give.
pub(super) fn with_zero(v: Values) -> Values {
    Values {
        whole: v.whole,
        range: v.range.map(|(lo, hi)| (lo.min(0.0), hi.max(0.0))),
    }
}

/// The score from its terms' values, of which at least `k` must have one.
pub(super) fn score(method: Method, terms: &[Values], k: usize) -> Values {
    let whole = match method {
        Method::Count => true,
        Method::Mean => false,
        _ => terms.iter().all(|t| t.whole),
    };
    let ranges: Option<Vec<(f64, f64)>> = terms.iter().map(|t| t.range).collect();
    let range = ranges.and_then(|r| score_range(method, &r, k));
    Values { whole, range }
}

fn score_range(method: Method, r: &[(f64, f64)], k: usize) -> Option<(f64, f64)> {
    let mut lows: Vec<f64> = r.iter().map(|t| t.0).collect();
    let mut highs: Vec<f64> = r.iter().map(|t| t.1).collect();
    lows.sort_by(f64::total_cmp);
    highs.sort_by(|a, b| b.total_cmp(a));
    // Mean, min and max of no terms have no value.
    let at_least = k.max(1);
    if method != Method::Sum && method != Method::Count && at_least > r.len() {
        return None;
    }
    let range = match method {
        Method::Sum => (
            extreme(&lows, k, |x| x < 0.0),
            extreme(&highs, k, |x| x > 0.0),
        ),
        Method::Count => {
            let zeroable = r.iter().filter(|t| t.0 <= 0.0 && t.1 >= 0.0).count();
            let nonzero = r.iter().filter(|t| t.0 != 0.0 || t.1 != 0.0).count();
            (k.saturating_sub(zeroable) as f64, nonzero as f64)
        }
        Method::Mean => (mean(&lows[..at_least]), mean(&highs[..at_least])),
        Method::Min => (lows[0], highs[at_least - 1]),
        Method::Max => (lows[at_least - 1], highs[0]),
    };
    (range.0.is_finite() && range.1.is_finite()).then_some(range)
}

/// The most extreme sum of `k` or more terms: the `k` most extreme, and
/// every further one that moves the sum the same way.
fn extreme(sorted: &[f64], k: usize, helps: fn(f64) -> bool) -> f64 {
    sorted
        .iter()
        .enumerate()
        .filter(|(i, x)| *i < k || helps(**x))
        .map(|(_, x)| x)
        .sum()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// The values of one score term.
pub(super) fn term(term: &Term, items: &[ItemDef], scores: &[Values], zero: ZeroPolicy) -> Values {
    match term {
        Term::Item(i) => {
            let def = &items[*i as usize];
            let v = item(def);
            if (zero.declined && def.allow_decline)
                || (zero.dont_know && def.allow_dont_know)
                || (zero.hidden && def.when.is_some())
            {
                with_zero(v)
            } else {
                v
            }
        }
        Term::Expr(e) => expr(e, items, scores),
    }
}

/// Which missing answers a score counts as zero.
#[derive(Debug, Clone, Copy)]
pub(super) struct ZeroPolicy {
    pub(super) declined: bool,
    pub(super) dont_know: bool,
    /// An item hidden by a false condition counts as zero.
    pub(super) hidden: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lo: f64, hi: f64) -> Values {
        Values {
            whole: true,
            range: Some((lo, hi)),
        }
    }

    #[test]
    fn sum_of_all_terms_or_fewer_when_fewer_may_answer() {
        let t = [v(0.0, 3.0), v(0.0, 3.0), v(-1.0, 2.0)];
        assert_eq!(score(Method::Sum, &t, 3).range, Some((-1.0, 8.0)));
        assert_eq!(score(Method::Sum, &t, 0).range, Some((-1.0, 8.0)));
        let positive = [v(1.0, 3.0), v(2.0, 3.0)];
        assert_eq!(score(Method::Sum, &positive, 1).range, Some((1.0, 6.0)));
        assert_eq!(score(Method::Sum, &positive, 0).range, Some((0.0, 6.0)));
    }

    #[test]
    fn mean_min_max_and_count() {
        let t = [v(0.0, 4.0), v(2.0, 3.0)];
        assert_eq!(score(Method::Mean, &t, 2).range, Some((1.0, 3.5)));
        assert_eq!(score(Method::Mean, &t, 1).range, Some((0.0, 4.0)));
        assert_eq!(score(Method::Min, &t, 2).range, Some((0.0, 3.0)));
        assert_eq!(score(Method::Max, &t, 2).range, Some((2.0, 4.0)));
        assert_eq!(score(Method::Count, &t, 2).range, Some((1.0, 2.0)));
        assert!(!score(Method::Mean, &t, 2).whole);
    }

    #[test]
    fn an_unknown_term_leaves_the_range_unknown_but_not_its_wholeness() {
        let t = [
            v(0.0, 4.0),
            Values {
                whole: true,
                range: None,
            },
        ];
        let s = score(Method::Sum, &t, 2);
        assert_eq!((s.whole, s.range), (true, None));
    }

    #[test]
    fn reverse_scoring_is_whole_and_division_is_not() {
        let ten = Values {
            whole: true,
            range: Some((10.0, 10.0)),
        };
        let r = arith(Arith::Sub, ten, v(0.0, 10.0));
        assert_eq!((r.whole, r.range), (true, Some((0.0, 10.0))));
        let d = arith(Arith::Div, v(0.0, 10.0), v(2.0, 2.0));
        assert_eq!((d.whole, d.range), (false, Some((0.0, 5.0))));
        assert_eq!(arith(Arith::Div, ten, v(-1.0, 1.0)).range, None);
        assert_eq!(with_zero(v(1.0, 3.0)).range, Some((0.0, 3.0)));
    }
}
