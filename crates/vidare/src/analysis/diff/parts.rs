//! Small pieces every comparison uses: numbers and words as the report
//! writes them, and the lists inside an item, score or derived value.

use serde::Serialize;

use super::change::Bump;
use crate::format::{Band, Case, ChoiceOption, Derived, Item, ItemKind, ScaleLabel, Score};

#[allow(clippy::float_cmp)]
pub(super) fn same_num(a: f64, b: f64) -> bool {
    a == b
}

/// Two optional numbers: both absent, or both present and equal.
pub(super) fn same_opt_num(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_num(a, b),
        (None, None) => true,
        _ => false,
    }
}

pub(super) fn num(n: f64) -> String {
    format!("{n}")
}

pub(super) fn opt_num(n: Option<f64>) -> String {
    n.map_or_else(|| "none".to_owned(), num)
}

pub(super) fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The YAML word of an enum value (`single_choice`, `immediate` ...).
pub(super) fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(super) fn is_question(item: &Item) -> bool {
    item.kind.value != ItemKind::Info
}

pub(super) fn bump_if(major: bool) -> Bump {
    if major { Bump::Major } else { Bump::Patch }
}

pub(super) fn options_of(i: &Item) -> &[ChoiceOption] {
    i.options
        .as_ref()
        .map(|o| o.value.as_slice())
        .unwrap_or_default()
}

pub(super) fn scale_labels_of(i: &Item) -> &[ScaleLabel] {
    i.labels
        .as_ref()
        .map(|l| l.value.as_slice())
        .unwrap_or_default()
}

pub(super) fn bands_of(s: &Score) -> &[Band] {
    s.bands
        .as_ref()
        .map(|b| b.value.as_slice())
        .unwrap_or_default()
}

/// The cases of a `cases` or `flags` derived value.
pub(super) fn cases(d: &Derived) -> &[Case] {
    d.cases
        .as_ref()
        .or(d.flags.as_ref())
        .map(|c| c.value.as_slice())
        .unwrap_or_default()
}
