//! Warnings for items that can never be shown.
//!
//! Deciding this in general is impossible, but conditions over yes/no and
//! single-choice items have few enough combinations to try them all; any
//! condition that reads numbers, scores or derived values is left alone.

use super::context::Ctx;
use super::exprs::{Checked, CheckedExpr};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::eval::{Env, eval};
use crate::expr::typed::{StateTest, Symbol, Val};
use crate::format::ItemKind;
use crate::questionnaire::ItemDef;

const MAX_COMBINATIONS: usize = 4096;

#[derive(Clone, Copy)]
enum State {
    Unanswered,
    Declined,
    DontKnow,
    Answered(Val),
}

struct Assignment<'a> {
    items: &'a [u32],
    states: Vec<State>,
}

impl Env for Assignment<'_> {
    fn value(&self, symbol: Symbol) -> Val {
        let Symbol::Item(i) = symbol else {
            return Val::Unknown;
        };
        match self
            .items
            .iter()
            .position(|x| *x == i)
            .map(|p| self.states[p])
        {
            Some(State::Answered(v)) => v,
            _ => Val::Unknown,
        }
    }
    fn state(&self, test: StateTest, item: u32) -> bool {
        let Some(p) = self.items.iter().position(|x| *x == item) else {
            return false;
        };
        match (test, self.states[p]) {
            (StateTest::Answered, State::Answered(_))
            | (StateTest::Declined, State::Declined)
            | (StateTest::DontKnow, State::DontKnow) => true,
            // An item the condition reads may or may not be shown; both are tried
            // through its answer state (a hidden item is unanswered).
            (StateTest::Shown, s) => !matches!(s, State::Unanswered),
            _ => false,
        }
    }
}

fn states_of(item: &ItemDef) -> Option<Vec<State>> {
    let mut out = vec![State::Unanswered, State::Declined, State::DontKnow];
    match item.kind {
        ItemKind::YesNo => out.extend([
            State::Answered(Val::Bool(true)),
            State::Answered(Val::Bool(false)),
        ]),
        ItemKind::SingleChoice => {
            out.extend((0..item.options.len() as u32).map(|o| State::Answered(Val::Opt(o))));
        }
        ItemKind::Text | ItemKind::Date | ItemKind::Info => out.push(State::Answered(Val::Opaque)),
        _ => return None,
    }
    Some(out)
}

fn never_true(when: &CheckedExpr, items: &[ItemDef]) -> bool {
    let mut read: Vec<u32> = Vec::new();
    for u in &when.uses {
        match u.symbol {
            Symbol::Item(i) => {
                if !read.contains(&i) {
                    read.push(i);
                }
            }
            _ => return false,
        }
    }
    let mut domains = Vec::with_capacity(read.len());
    let mut total = 1usize;
    for &i in &read {
        let Some(states) = states_of(&items[i as usize]) else {
            return false;
        };
        total = total.saturating_mul(states.len());
        domains.push(states);
    }
    if total > MAX_COMBINATIONS {
        return false;
    }
    let mut env = Assignment {
        items: &read,
        states: domains.iter().map(|d| d[0]).collect(),
    };
    for mut n in 0..total {
        for (slot, domain) in domains.iter().enumerate() {
            env.states[slot] = domain[n % domain.len()];
            n /= domain.len();
        }
        if eval(&when.expr, &env).is_true() {
            return false;
        }
    }
    true
}

pub(super) fn warn_unreachable(ctx: &mut Ctx<'_>, checked: &Checked, items: &[ItemDef]) {
    for when in checked.section_when.iter().flatten() {
        if never_true(when, items) {
            ctx.report(
                Diagnostic::new(
                    Code::Unreachable,
                    when.location.clone(),
                    "this section's condition can never hold, so its items are never shown",
                )
                .with_help(
                    "check the condition for contradictions such as `x == \"a\" && x == \"b\"`",
                ),
            );
        }
    }
    for when in checked.item_when.iter().flatten() {
        if never_true(when, items) {
            ctx.report(
                Diagnostic::new(
                    Code::Unreachable,
                    when.location.clone(),
                    "this item's condition can never hold, so it is never shown",
                )
                .with_help(
                    "check the condition for contradictions such as `x == \"a\" && x == \"b\"`",
                ),
            );
        }
    }
}
