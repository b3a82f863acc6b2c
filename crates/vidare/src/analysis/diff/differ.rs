//! The walk over two documents: the [`Differ`] that collects the changes
//! in document order, and the comparison of texts that every part uses.

use std::collections::BTreeSet;

use super::change::{Bump, Change, ChangeKind, Target};
use super::pairs::{counted_items, placed};
use crate::Questionnaire;
use crate::format::{Document, Text};

pub(super) struct Differ {
    pub(super) changes: Vec<Change>,
    /// Languages declared in both versions, in the old order.
    pub(super) langs: Vec<String>,
    /// Items some score counts, in either version.
    pub(super) counted: BTreeSet<String>,
}

impl Differ {
    pub(super) fn new(old: &Questionnaire, new: &Questionnaire) -> Self {
        Differ {
            changes: Vec::new(),
            langs: old
                .languages()
                .iter()
                .filter(|l| new.languages().contains(l))
                .map(ToString::to_string)
                .collect(),
            counted: BTreeSet::new(),
        }
    }

    pub(super) fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Every change, in document order (header, items, sections, derived
    /// values, scores, triggers, end conditions).
    pub(super) fn document(&mut self, old: &Document, new: &Document) {
        self.header(old, new);

        let old_items = placed(old);
        let new_items = placed(new);
        let old_ids: BTreeSet<&str> = old_items.iter().map(|p| p.item.id.value.as_str()).collect();
        let new_ids: BTreeSet<&str> = new_items.iter().map(|p| p.item.id.value.as_str()).collect();
        self.counted = counted_items(old, &old_ids);
        self.counted.extend(counted_items(new, &new_ids));
        self.items(&old_items, &new_items);
        self.sections(old, new);
        self.derived(&old.derived, &new.derived);
        self.scores(&old.scores, &new.scores);
        self.triggers(&old.triggers, &new.triggers);
        self.ends(&old.end, &new.end);
    }

    /// A text in the first common language that has it (else in any).
    pub(super) fn first_text(&self, text: &Text) -> String {
        self.langs
            .iter()
            .find_map(|l| text.get(l))
            .or_else(|| text.values().next())
            .cloned()
            .unwrap_or_default()
    }

    /// Compares an optional text per common language. `what` names it in
    /// the description ("help of item `x`"); `part` names the field.
    pub(super) fn text(
        &mut self,
        (target, id): (Target, &str),
        part: &str,
        what: &str,
        old: Option<&Text>,
        new: Option<&Text>,
    ) {
        let (kind, done, before, after) = match (old, new) {
            (None, None) => return,
            (None, Some(n)) => (
                ChangeKind::TextAdded,
                "added",
                None,
                Some(self.first_text(n)),
            ),
            (Some(o), None) => (
                ChangeKind::TextRemoved,
                "removed",
                Some(self.first_text(o)),
                None,
            ),
            (Some(o), Some(n)) => return self.text_per_language((target, id), part, what, o, n),
        };
        self.push(
            Change::new(kind, Bump::Patch, target, id, format!("{what} was {done}"))
                .part(part)
                .shown(before, after),
        );
    }

    /// A text both versions have: a change for each common language in
    /// which it differs.
    fn text_per_language(
        &mut self,
        (target, id): (Target, &str),
        part: &str,
        what: &str,
        old: &Text,
        new: &Text,
    ) {
        for lang in &self.langs {
            let (a, b) = (old.get(lang), new.get(lang));
            if a != b {
                self.changes.push(
                    Change::new(
                        ChangeKind::TextChanged,
                        Bump::Patch,
                        target,
                        id,
                        format!("{what} changed"),
                    )
                    .part(part)
                    .lang(lang)
                    .shown(a.cloned(), b.cloned()),
                );
            }
        }
    }

    /// A condition (`when`) that changed, shown as it reads before and after.
    pub(super) fn condition(
        &mut self,
        (kind, bump): (ChangeKind, Bump),
        (target, id): (Target, &str),
        before: String,
        after: String,
    ) {
        self.push(
            Change::new(
                kind,
                bump,
                target,
                id,
                format!("the condition of {target} `{id}` changed"),
            )
            .part("when")
            .shown(Some(before), Some(after)),
        );
    }
}
