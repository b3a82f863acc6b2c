//! The one comparison of two versions' lists: parts matched by key
//! (an id, a case value, a language code) into removed, added and kept.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::qualify;
use crate::format::{
    Band, Case, Derived, Document, EarlyEnd, Item, LanguageEntry, Score, Section, Sp, Trigger,
};

/// A part of a document that the other version's part of the same key is
/// compared with.
pub(super) trait Keyed {
    fn key(&self) -> &str;
}

macro_rules! keyed_by_id {
    ($($t:ty),*) => {
        $(impl Keyed for $t {
            fn key(&self) -> &str {
                &self.id.value
            }
        })*
    };
}

keyed_by_id!(Section, Derived, Score, Band, Trigger, EarlyEnd);

/// A case by its value.
impl Keyed for Case {
    fn key(&self) -> &str {
        &self.value.value
    }
}

/// A declared language by its code.
impl Keyed for Sp<LanguageEntry> {
    fn key(&self) -> &str {
        &self.value.code.value
    }
}

/// An item with the section it is in.
#[derive(Clone, Copy)]
pub(super) struct Placed<'a> {
    pub(super) item: &'a Item,
    pub(super) section: &'a Section,
}

impl Keyed for Placed<'_> {
    fn key(&self) -> &str {
        &self.item.id.value
    }
}

/// The items of a document, in order, each with its section.
pub(super) fn placed(doc: &Document) -> Vec<Placed<'_>> {
    doc.sections
        .iter()
        .flat_map(|section| {
            section
                .items
                .iter()
                .map(move |item| Placed { item, section })
        })
        .collect()
}

/// A part of one version or of both.
pub(super) enum Pair<'a, T> {
    /// Only the old version has it.
    Removed(&'a T),
    /// Only the new version has it.
    Added(&'a T),
    /// Both have it: the old part, then the new.
    Kept(&'a T, &'a T),
}

impl<T> Clone for Pair<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Pair<'_, T> {}

/// The parts of two versions matched by key: first those removed, in old
/// order; then every new part, in new order, added or kept.
pub(super) fn pairs<'a, T: Keyed>(old: &'a [T], new: &'a [T]) -> Vec<Pair<'a, T>> {
    let mut old_by_key: HashMap<&str, &T> = HashMap::with_capacity(old.len());
    for part in old {
        old_by_key.entry(part.key()).or_insert(part);
    }
    let new_keys: HashSet<&str> = new.iter().map(Keyed::key).collect();
    let removed = old
        .iter()
        .filter(|o| !new_keys.contains(o.key()))
        .map(Pair::Removed);
    let in_new = new.iter().map(|n| match old_by_key.get(n.key()) {
        Some(&o) => Pair::Kept(o, n),
        None => Pair::Added(n),
    });
    removed.chain(in_new).collect()
}

/// A part that is added and removed whole: a derived value, score,
/// trigger or end condition. Removing one is major.
pub(super) trait Whole: Keyed {
    const TARGET: Target;
    const REMOVED: ChangeKind;
    /// The change that adds this part.
    fn added(&self) -> Change;
}

impl Differ {
    /// Compares two lists of whole parts: one change for each part removed
    /// or added, `kept` for each part both versions have.
    pub(super) fn wholes<T: Whole>(&mut self, old: &[T], new: &[T], kept: fn(&mut Self, &T, &T)) {
        for pair in pairs(old, new) {
            match pair {
                Pair::Removed(o) => self.push(Change::whole(
                    T::REMOVED,
                    Bump::Major,
                    T::TARGET,
                    o.key(),
                    "removed",
                )),
                Pair::Added(n) => self.push(n.added()),
                Pair::Kept(o, n) => kept(self, o, n),
            }
        }
    }
}

/// Item ids that some score counts as an item term.
pub(super) fn counted_items(doc: &Document, items: &BTreeSet<&str>) -> BTreeSet<String> {
    doc.scores
        .iter()
        .flat_map(|s| {
            s.over
                .value
                .iter()
                .map(|t| qualify(t.value.trim(), s.scope.as_deref()))
        })
        .filter(|t| items.contains(t.as_str()))
        .collect()
}
