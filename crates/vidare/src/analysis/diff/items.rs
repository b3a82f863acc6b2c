//! Items: added, removed, moved, put in another section, their kind,
//! condition and texts. Question settings and kind-specific fields have
//! their own files.

use std::collections::{HashMap, HashSet};

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::{Expr, expr, same_conds, section_condition, show_conds};
use super::moves::kept_in_order;
use super::pairs::{Keyed, Pair, Placed, pairs};
use super::parts::{bump_if, is_question, word};
use crate::format::Item;

/// The item ids of a version in order, and where each stands.
struct Order<'a> {
    ids: Vec<&'a str>,
    at: HashMap<&'a str, usize>,
}

impl<'a> Order<'a> {
    fn of(items: &[Placed<'a>]) -> Self {
        let ids: Vec<&str> = items.iter().map(|p| p.item.id.value.as_str()).collect();
        let at = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        Order { ids, at }
    }

    /// Where `id` stands: `first`, or after the item before it.
    fn place(&self, id: &str) -> String {
        match self.at.get(id).copied().unwrap_or(0).checked_sub(1) {
            Some(before) => format!("after `{}`", self.ids[before]),
            None => "first".to_owned(),
        }
    }
}

impl Differ {
    pub(super) fn items(&mut self, old: &[Placed<'_>], new: &[Placed<'_>]) {
        let (old_order, new_order) = (Order::of(old), Order::of(new));
        // Keeping one question in place outweighs keeping every information text.
        let questions: HashSet<&str> = old
            .iter()
            .filter(|p| is_question(p.item))
            .map(Keyed::key)
            .collect();
        let heavy = old.len() as u64 + 1;
        let kept = kept_in_order(&old_order.ids, &new_order.ids, |id| {
            if questions.contains(id) { heavy } else { 1 }
        });
        for pair in pairs(old, new) {
            match pair {
                Pair::Removed(o) => self.item_removed(o.item),
                Pair::Added(n) => self.item_added(n.item, &new_order.place(n.key())),
                Pair::Kept(o, n) => {
                    let id = n.key();
                    if !kept.contains(id) {
                        let question = is_question(n.item) || is_question(o.item);
                        self.item_moved(id, question, old_order.place(id), new_order.place(id));
                    }
                    self.item(*o, *n);
                }
            }
        }
    }

    fn item_removed(&mut self, item: &Item) {
        let id = item.id.value.as_str();
        let question = is_question(item);
        self.push(Change::new(
            ChangeKind::ItemRemoved,
            bump_if(question),
            Target::Item,
            id,
            if question {
                format!("question `{id}` was removed")
            } else {
                format!("information text `{id}` was removed")
            },
        ));
    }

    fn item_moved(&mut self, id: &str, question: bool, before: String, after: String) {
        self.push(
            Change::new(
                ChangeKind::ItemMoved,
                bump_if(question),
                Target::Item,
                id,
                format!("item `{id}` was moved: now {after} (was {before})"),
            )
            .values(Some(before), Some(after)),
        );
    }

    fn item_added(&mut self, item: &Item, place: &str) {
        let id = item.id.value.as_str();
        let change = if is_question(item) {
            let optional = item.required.as_ref().is_some_and(|r| !r.value);
            Change::new(
                ChangeKind::ItemAdded,
                Bump::Major,
                Target::Item,
                id,
                format!(
                    "{} question `{id}` was added ({place}); recorded sessions never answered it",
                    if optional { "optional" } else { "required" }
                ),
            )
        } else {
            Change::new(
                ChangeKind::ItemAdded,
                Bump::Patch,
                Target::Item,
                id,
                format!("information text `{id}` was added ({place})"),
            )
        };
        self.push(change.shown(None, Some(self.first_text(&item.text.value))));
    }

    /// An item both versions have.
    fn item(&mut self, o: Placed<'_>, n: Placed<'_>) {
        let (oi, ni) = (o.item, n.item);
        let question = is_question(oi) || is_question(ni);
        let same_kind = oi.kind.value == ni.kind.value;
        if !same_kind {
            self.item_kind(oi, ni);
        }
        self.item_section(o, n, question);
        self.item_condition(o, n, question);
        self.item_texts(oi, ni);
        if question {
            self.question_settings(o, n);
        }
        if same_kind {
            self.kind_specific(oi, ni);
        }
    }

    fn item_kind(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let (a, b) = (word(&oi.kind.value), word(&ni.kind.value));
        self.push(
            Change::new(
                ChangeKind::ItemKindChanged,
                Bump::Major,
                Target::Item,
                id,
                format!("the kind of `{id}` changed from {a} to {b}"),
            )
            .values(Some(a), Some(b)),
        );
    }

    /// An item put in another section: major for a question when the
    /// section's condition differs.
    fn item_section(&mut self, o: Placed<'_>, n: Placed<'_>, question: bool) {
        if o.section.id.value == n.section.id.value {
            return;
        }
        let id = n.key();
        let (a, b) = (section_condition(o.section), section_condition(n.section));
        let differs = !same_conds(&a, &b);
        let mut desc = format!(
            "item `{id}` was put in section `{}` (was `{}`)",
            n.section.id.value, o.section.id.value
        );
        if differs {
            desc.push_str(", whose condition differs");
        }
        self.push(
            Change::new(
                ChangeKind::ItemSectionChanged,
                bump_if(differs && question),
                Target::Item,
                id,
                desc,
            )
            .part("section")
            .shown(Some(show_conds(&a)), Some(show_conds(&b))),
        );
    }

    fn item_condition(&mut self, o: Placed<'_>, n: Placed<'_>, question: bool) {
        let when = |p: Placed<'_>| {
            p.item
                .when
                .as_ref()
                .map(|w| expr(&w.value, p.section.scope.as_deref()))
        };
        let (a, b) = (when(o), when(n));
        if a != b {
            let shown = |e: Option<Expr>| e.map_or_else(|| "(always)".to_owned(), |e| e.shown);
            self.condition(
                (ChangeKind::ConditionChanged, bump_if(question)),
                (Target::Item, n.key()),
                shown(a),
                shown(b),
            );
        }
    }

    fn item_texts(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let t = (Target::Item, id);
        self.text(
            t,
            "text",
            &format!("text of item `{id}`"),
            Some(&oi.text.value),
            Some(&ni.text.value),
        );
        self.text(
            t,
            "help",
            &format!("help of item `{id}`"),
            oi.help.as_ref().map(|h| &h.value),
            ni.help.as_ref().map(|h| &h.value),
        );
    }
}
