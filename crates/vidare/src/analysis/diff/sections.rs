//! Sections: added, removed, their condition and title. Their items are
//! compared on their own ([`super::items`]).

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::{same_conds, section_condition, show_conds};
use super::pairs::{Keyed, Pair, pairs};
use super::parts::{bump_if, is_question};
use crate::format::{Document, Section};

impl Differ {
    pub(super) fn sections(&mut self, old: &Document, new: &Document) {
        // A section is a heading and a shared condition: patch.
        let whole =
            |kind, id: &str, done| Change::whole(kind, Bump::Patch, Target::Section, id, done);
        for pair in pairs(&old.sections, &new.sections) {
            match pair {
                Pair::Removed(o) => self.push(whole(
                    ChangeKind::SectionRemoved,
                    o.key(),
                    "removed (its items are listed on their own)",
                )),
                Pair::Added(n) => self.push(whole(
                    ChangeKind::SectionAdded,
                    n.key(),
                    "added (its items are listed on their own)",
                )),
                Pair::Kept(o, n) => self.section(o, n),
            }
        }
    }

    /// A section both versions have: its condition and title.
    fn section(&mut self, o: &Section, n: &Section) {
        let id = n.key();
        let (a, b) = (section_condition(o), section_condition(n));
        if !same_conds(&a, &b) {
            let question = o.items.iter().chain(&n.items).any(is_question);
            self.condition(
                (ChangeKind::ConditionChanged, bump_if(question)),
                (Target::Section, id),
                show_conds(&a),
                show_conds(&b),
            );
        }
        self.text(
            (Target::Section, id),
            "title",
            &format!("title of section `{id}`"),
            o.title.as_ref().map(|t| &t.value),
            n.title.as_ref().map(|t| &t.value),
        );
    }
}
