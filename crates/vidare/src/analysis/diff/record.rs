//! What the stored record keeps of a part (`retention`, `reveals`), and
//! the statistics-only marking of derived values and scores.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::parts::word;
use crate::format::{Retention, Reveals, Sp, StatisticsOnly};

/// The fields that decide what the stored record keeps of a part.
#[derive(Clone, Copy)]
pub(super) struct Kept<'a> {
    retention: Option<&'a Sp<Retention>>,
    reveals: Option<&'a Sp<Reveals>>,
}

impl<'a> Kept<'a> {
    pub(super) fn of(
        retention: Option<&'a Sp<Retention>>,
        reveals: Option<&'a Sp<Reveals>>,
    ) -> Self {
        Kept { retention, reveals }
    }
}

impl Differ {
    /// The statistics-only marking changes no outcome (nothing that steers
    /// a referral may read such a value), but what may read it does: minor.
    pub(super) fn statistics_only(
        &mut self,
        target: Target,
        id: &str,
        old: Option<&Sp<StatisticsOnly>>,
        new: Option<&Sp<StatisticsOnly>>,
    ) {
        let text = |s: Option<&Sp<StatisticsOnly>>| s.map(|s| s.value.justification.value.clone());
        let (before, after) = (text(old), text(new));
        if before == after {
            return;
        }
        let description = match (&before, &after) {
            (None, Some(_)) => format!("`{id}` became statistics-only"),
            (Some(_), None) => format!("`{id}` is no longer statistics-only"),
            _ => format!("the statistics-only justification of `{id}` changed"),
        };
        self.push(
            Change::new(
                ChangeKind::StatisticsOnlyChanged,
                Bump::Minor,
                target,
                id,
                description,
            )
            .values(before, after),
        );
    }

    /// Changes in what the stored record keeps of a part.
    pub(super) fn kept(&mut self, target: Target, id: &str, old: Kept<'_>, new: Kept<'_>) {
        self.retention(
            (ChangeKind::KeptChanged, target, id),
            (old.retention, new.retention),
            "record",
            "it",
        );
        self.reveals(target, id, old.reveals, new.reveals);
    }

    /// A changed `retention` (absent is `keep`): the stored `holder` (result
    /// or record) gains or loses `what` it keeps.
    pub(super) fn retention(
        &mut self,
        (kind, target, id): (ChangeKind, Target, &str),
        (old, new): (Option<&Sp<Retention>>, Option<&Sp<Retention>>),
        holder: &str,
        what: &str,
    ) {
        let retention = |r: Option<&Sp<Retention>>| r.map_or(Retention::Keep, |s| s.value);
        let (r0, r1) = (retention(old), retention(new));
        if r0 == r1 {
            return;
        }
        self.push(
            Change::new(
                kind,
                Bump::Major,
                target,
                id,
                format!(
                    "retention of `{id}` changed from {} to {}: the stored {holder} {} {what}",
                    word(&r0),
                    word(&r1),
                    if r1 == Retention::Keep {
                        "now keeps"
                    } else {
                        "no longer keeps"
                    }
                ),
            )
            .part("retention")
            .values(Some(word(&r0)), Some(word(&r1))),
        );
    }

    /// A `reveals` added or removed (major), or only its reason changed
    /// (patch).
    fn reveals(
        &mut self,
        target: Target,
        id: &str,
        old: Option<&Sp<Reveals>>,
        new: Option<&Sp<Reveals>>,
    ) {
        let reason = |r: Option<&Sp<Reveals>>| r.map(|r| r.value.reason.value.clone());
        let (a, b) = (reason(old), reason(new));
        let (kind, bump, description) = match (&a, &b) {
            (None, Some(_)) => (
                ChangeKind::KeptChanged,
                Bump::Major,
                format!("`{id}` now says it reveals conversation-only answers (`reveals`)"),
            ),
            (Some(_), None) => (
                ChangeKind::KeptChanged,
                Bump::Major,
                format!("`{id}` no longer says it reveals conversation-only answers (`reveals`)"),
            ),
            (Some(x), Some(y)) if x != y => (
                ChangeKind::RevealsReasonChanged,
                Bump::Patch,
                format!("the reason `{id}` gives in `reveals` changed"),
            ),
            _ => return,
        };
        self.push(
            Change::new(kind, bump, target, id, description)
                .part("reveals")
                .values(a, b),
        );
    }
}
