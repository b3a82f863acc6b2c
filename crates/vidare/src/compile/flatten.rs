//! The flat programs the session evaluates on every answer, built once from
//! the compiled conditions (see `expr::program`).

use crate::expr::program::Programs;
use crate::questionnaire::Flat;
use crate::questionnaire::{DerivedDef, DerivedRule, EndDef, ItemDef, TriggerDef};

pub(crate) fn flatten(
    items: &[ItemDef],
    derived: &[DerivedDef],
    triggers: &[TriggerDef],
    ends: &[EndDef],
) -> Flat {
    let mut programs = Programs::default();
    let item_when = items
        .iter()
        .map(|i| i.when.as_ref().map(|w| programs.add(w)))
        .collect();
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
        triggers,
        ends,
    }
}
