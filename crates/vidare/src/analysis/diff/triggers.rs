//! Referral triggers and end conditions: added, removed, their condition,
//! urgency, `refer_to`, text and what the record keeps of them. Both are
//! major but for their texts: they decide referrals and where an
//! interview ends.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::expr;
use super::pairs::{Keyed, Whole};
use super::parts::word;
use super::record::Kept;
use crate::format::{EarlyEnd, LocalScope, Text, Trigger};

/// The parts a trigger and an end condition share.
#[derive(Clone, Copy)]
struct Rule<'a> {
    id: &'a str,
    when: &'a str,
    scope: Option<&'a LocalScope>,
    text: &'a Text,
}

/// Triggers and end conditions as [`Rule`]s.
macro_rules! rule_of {
    ($($t:ty),*) => {
        $(impl<'a> From<&'a $t> for Rule<'a> {
            fn from(r: &'a $t) -> Self {
                Rule {
                    id: &r.id.value,
                    when: &r.when.value,
                    scope: r.scope.as_deref(),
                    text: &r.text.value,
                }
            }
        })*
    };
}

rule_of!(Trigger, EarlyEnd);

impl Whole for Trigger {
    const TARGET: Target = Target::Trigger;
    const REMOVED: ChangeKind = ChangeKind::TriggerRemoved;

    fn added(&self) -> Change {
        added(
            ChangeKind::TriggerAdded,
            Target::Trigger,
            self.into(),
            "added; it can fire on recorded sessions",
        )
    }
}

impl Whole for EarlyEnd {
    const TARGET: Target = Target::End;
    const REMOVED: ChangeKind = ChangeKind::EndRemoved;

    fn added(&self) -> Change {
        added(ChangeKind::EndAdded, Target::End, self.into(), "added")
    }
}

/// A new trigger or end condition, shown with its condition: major.
fn added(kind: ChangeKind, target: Target, n: Rule<'_>, done: &str) -> Change {
    let when = expr(n.when, n.scope).shown;
    Change::whole(kind, Bump::Major, target, n.id, done).shown(None, Some(when))
}

impl Differ {
    pub(super) fn triggers(&mut self, old: &[Trigger], new: &[Trigger]) {
        self.wholes(old, new, Self::trigger);
    }

    pub(super) fn ends(&mut self, old: &[EarlyEnd], new: &[EarlyEnd]) {
        self.wholes(old, new, Self::end);
    }

    /// A trigger both versions have.
    fn trigger(&mut self, o: &Trigger, n: &Trigger) {
        let id = n.key();
        self.rule_condition(
            ChangeKind::TriggerConditionChanged,
            Target::Trigger,
            o.into(),
            n.into(),
        );
        self.referral(o, n);
        self.rule_text(Target::Trigger, o.into(), n.into());
        self.kept(
            Target::Trigger,
            id,
            Kept::of(o.retention.as_ref(), o.reveals.as_ref()),
            Kept::of(n.retention.as_ref(), n.reveals.as_ref()),
        );
    }

    /// An end condition both versions have.
    fn end(&mut self, o: &EarlyEnd, n: &EarlyEnd) {
        self.rule_condition(
            ChangeKind::EndConditionChanged,
            Target::End,
            o.into(),
            n.into(),
        );
        self.rule_text(Target::End, o.into(), n.into());
        self.kept(
            Target::End,
            n.key(),
            Kept::of(None, o.reveals.as_ref()),
            Kept::of(None, n.reveals.as_ref()),
        );
    }

    /// A trigger's urgency and whom it refers to.
    fn referral(&mut self, o: &Trigger, n: &Trigger) {
        let id = n.key();
        if o.urgency.value != n.urgency.value {
            let (x, y) = (word(&o.urgency.value), word(&n.urgency.value));
            self.push(
                Change::new(
                    ChangeKind::TriggerUrgencyChanged,
                    Bump::Major,
                    Target::Trigger,
                    id,
                    format!("the urgency of trigger `{id}` changed from {x} to {y}"),
                )
                .part("urgency")
                .values(Some(x), Some(y)),
            );
        }
        if o.refer_to.value != n.refer_to.value {
            self.push(
                Change::new(
                    ChangeKind::TriggerReferToChanged,
                    Bump::Major,
                    Target::Trigger,
                    id,
                    format!(
                        "trigger `{id}` now refers to `{}` (was `{}`)",
                        n.refer_to.value, o.refer_to.value
                    ),
                )
                .part("refer_to")
                .values(
                    Some(o.refer_to.value.clone()),
                    Some(n.refer_to.value.clone()),
                ),
            );
        }
    }

    fn rule_condition(&mut self, kind: ChangeKind, target: Target, o: Rule<'_>, n: Rule<'_>) {
        let (a, b) = (expr(o.when, o.scope), expr(n.when, n.scope));
        if a != b {
            self.condition((kind, Bump::Major), (target, n.id), a.shown, b.shown);
        }
    }

    fn rule_text(&mut self, target: Target, o: Rule<'_>, n: Rule<'_>) {
        self.text(
            (target, n.id),
            "text",
            &format!("text of {target} `{}`", n.id),
            Some(o.text),
            Some(n.text),
        );
    }
}
