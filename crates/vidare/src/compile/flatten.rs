//! The flat programs the session evaluates on every answer, built once from
//! the compiled conditions (see `expr::program`).

use std::collections::HashMap;

use crate::expr::Expr;
use crate::expr::program::Programs;
use crate::expr::typed::Symbol;
use crate::questionnaire::{DerivedDef, DerivedRule, EndDef, ItemDef, ScoreDef, Term, TriggerDef};
use crate::questionnaire::{Flat, Node, PerSlot, Schedule};

pub(crate) fn flatten(parts: &Parts<'_>, schedule: &Schedule) -> Flat {
    let Parts {
        items,
        derived,
        triggers,
        ends,
        ..
    } = *parts;
    let mut programs = Programs::default();
    let item_when = items
        .iter()
        .map(|i| i.when.as_ref().map(|w| programs.add(w)))
        .collect();
    let slots = slots(schedule);
    let flag_readers = flag_readers(derived, &slots);
    let state_readers = state_readers(parts, &slots);
    let derived = derived
        .iter()
        .map(|d| match &d.rule {
            DerivedRule::Value(e) => vec![programs.add(e)],
            DerivedRule::Cases(list) | DerivedRule::Flags(list) => {
                list.iter().map(|(w, _)| programs.add(w)).collect()
            }
        })
        .collect();
    let triggers = triggers.iter().map(|t| programs.add(&t.when)).collect();
    let ends = ends.iter().map(|e| programs.add(&e.when)).collect();
    Flat {
        programs,
        item_when,
        derived,
        flag_readers,
        state_readers,
        triggers,
        ends,
    }
}

/// The schedule position of every item, derived value and score: the
/// schedule orders all of them (a cycle is an error before this).
fn slots(schedule: &Schedule) -> HashMap<Node, u32> {
    schedule
        .order
        .iter()
        .enumerate()
        .map(|(slot, node)| (*node, slot as u32))
        .collect()
}

fn node_of(symbol: Symbol) -> Node {
    match symbol {
        Symbol::Item(i) => Node::Item(i),
        Symbol::Derived(d) => Node::Derived(d),
        Symbol::Score(s) => Node::Score(s),
    }
}

/// Per schedule position, the flags that read it.
fn flag_readers(derived: &[DerivedDef], slots: &HashMap<Node, u32>) -> PerSlot<(u32, u32)> {
    let mut lists: Vec<Vec<(u32, u32)>> = vec![Vec::new(); slots.len()];
    let mut symbols = Vec::new();
    for (d, def) in derived.iter().enumerate() {
        let DerivedRule::Flags(flags) = &def.rule else {
            continue;
        };
        for (k, (when, _)) in flags.iter().enumerate() {
            symbols.clear();
            when.symbols(&mut symbols);
            for &symbol in &symbols {
                if let Some(&slot) = slots.get(&node_of(symbol)) {
                    lists[slot as usize].push((d as u32, k as u32));
                }
            }
        }
    }
    PerSlot::new(lists)
}

/// The parts of a questionnaire a node evaluates, for finding what it reads.
pub(crate) struct Parts<'a> {
    pub(crate) items: &'a [ItemDef],
    pub(crate) derived: &'a [DerivedDef],
    pub(crate) scores: &'a [ScoreDef],
    pub(crate) triggers: &'a [TriggerDef],
    pub(crate) ends: &'a [EndDef],
}

/// Per item's position, the positions that read the item's state (shown,
/// answered, declined, ruled out) and not only its value.
fn state_readers(parts: &Parts<'_>, slots: &HashMap<Node, u32>) -> PerSlot<u32> {
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); slots.len()];
    let mut items = Vec::new();
    for (&node, &reader) in slots {
        items.clear();
        match node {
            Node::Item(i) => state_tests(parts.items[i as usize].when.iter(), &mut items),
            Node::Derived(d) => match &parts.derived[d as usize].rule {
                DerivedRule::Value(e) => e.state_tests(&mut items),
                DerivedRule::Cases(list) | DerivedRule::Flags(list) => {
                    state_tests(list.iter().map(|(when, _)| when), &mut items);
                }
            },
            Node::Score(s) => {
                let def = &parts.scores[s as usize];
                // Under a policy that counts a declined, not known or ruled
                // out item as 0, a term reads more than the item's value.
                let policy = def.declined_as_zero || def.dont_know_as_zero || def.hidden_as_zero;
                for term in &def.terms {
                    match term {
                        Term::Item(i) if policy => items.push(*i),
                        Term::Item(_) => {}
                        Term::Expr(e) => e.state_tests(&mut items),
                    }
                }
            }
            Node::Trigger(t) => parts.triggers[t as usize].when.state_tests(&mut items),
            Node::End(e) => parts.ends[e as usize].when.state_tests(&mut items),
        }
        for &i in &items {
            if let Some(&slot) = slots.get(&Node::Item(i)) {
                lists[slot as usize].push(reader);
            }
        }
    }
    for list in &mut lists {
        list.sort_unstable();
    }
    PerSlot::new(lists)
}

fn state_tests<'e>(exprs: impl Iterator<Item = &'e Expr>, out: &mut Vec<u32>) {
    for e in exprs {
        e.state_tests(out);
    }
}
