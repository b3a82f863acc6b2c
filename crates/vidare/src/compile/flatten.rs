//! The flat programs the session evaluates on every answer, built once from
//! the compiled conditions (see `expr::program`).

use std::collections::HashMap;

use crate::expr::program::Programs;
use crate::expr::typed::Symbol;
use crate::questionnaire::{DerivedDef, DerivedRule, EndDef, ItemDef, TriggerDef};
use crate::questionnaire::{FlagReaders, Flat, Node, Schedule};

pub(crate) fn flatten(
    items: &[ItemDef],
    derived: &[DerivedDef],
    triggers: &[TriggerDef],
    ends: &[EndDef],
    schedule: &Schedule,
) -> Flat {
    let mut programs = Programs::default();
    let item_when = items
        .iter()
        .map(|i| i.when.as_ref().map(|w| programs.add(w)))
        .collect();
    let flags = flag_readers(derived, schedule);
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
        flags,
        triggers,
        ends,
    }
}

/// Which flags read each schedule position.
fn flag_readers(derived: &[DerivedDef], schedule: &Schedule) -> FlagReaders {
    let slots: HashMap<Node, u32> = schedule
        .order
        .iter()
        .enumerate()
        .map(|(slot, node)| (*node, slot as u32))
        .collect();
    let mut by_slot: Vec<Vec<(u32, u32)>> = vec![Vec::new(); schedule.order.len()];
    let mut always = vec![0u64; derived.len()];
    let mut symbols = Vec::new();
    for (d, def) in derived.iter().enumerate() {
        let DerivedRule::Flags(flags) = &def.rule else {
            continue;
        };
        for (k, (when, _)) in flags.iter().enumerate() {
            symbols.clear();
            when.symbols(&mut symbols);
            for symbol in &symbols {
                let node = match *symbol {
                    Symbol::Item(i) => Node::Item(i),
                    Symbol::Derived(d) => Node::Derived(d),
                    Symbol::Score(s) => Node::Score(s),
                };
                match slots.get(&node) {
                    Some(&slot) => by_slot[slot as usize].push((d as u32, k as u32)),
                    None => always[d] |= 1 << k,
                }
            }
        }
    }
    let mut start = Vec::with_capacity(by_slot.len() + 1);
    let mut readers = Vec::new();
    start.push(0);
    for mut list in by_slot {
        list.dedup();
        readers.extend(list);
        start.push(readers.len() as u32);
    }
    FlagReaders {
        start,
        readers,
        always,
    }
}
