//! Scores: added, removed, their label, formula (method, terms,
//! `min_answered`, the counting policies), bands, statistics-only marking
//! and what the record keeps of them.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::{Expr, expr, same_conds, sorted};
use super::pairs::{Keyed, Pair, Whole, pairs};
use super::parts::{bands_of, num, same_num, word};
use super::record::Kept;
use crate::format::{Band, CountAs, Score, Sp};

impl Whole for Score {
    const TARGET: Target = Target::Score;
    const REMOVED: ChangeKind = ChangeKind::ScoreRemoved;

    /// A new score beside unchanged outcomes: minor.
    fn added(&self) -> Change {
        Change::whole(
            ChangeKind::ScoreAdded,
            Bump::Minor,
            Target::Score,
            self.key(),
            "added",
        )
    }
}

impl Differ {
    pub(super) fn scores(&mut self, old: &[Score], new: &[Score]) {
        self.wholes(old, new, Self::score);
    }

    /// A score both versions have.
    fn score(&mut self, o: &Score, n: &Score) {
        let id = n.key();
        self.text(
            (Target::Score, id),
            "label",
            &format!("label of score `{id}`"),
            o.label.as_ref().map(|t| &t.value),
            n.label.as_ref().map(|t| &t.value),
        );
        self.formula(o, n);
        self.bands(id, bands_of(o), bands_of(n));
        self.statistics_only(
            Target::Score,
            id,
            o.statistics_only.as_ref(),
            n.statistics_only.as_ref(),
        );
        self.kept(
            Target::Score,
            id,
            Kept::of(o.retention.as_ref(), o.reveals.as_ref()),
            Kept::of(n.retention.as_ref(), n.reveals.as_ref()),
        );
    }

    /// A change of the formula; terms are long and shown, the other parts
    /// are named in the description.
    fn formula_changed(
        &mut self,
        (id, bump, part): (&str, Bump, &str),
        description: String,
        before: String,
        after: String,
    ) {
        let change = Change::new(
            ChangeKind::ScoreFormulaChanged,
            bump,
            Target::Score,
            id,
            description,
        )
        .part(part);
        self.push(if part == "terms" {
            change.shown(Some(before), Some(after))
        } else {
            change.values(Some(before), Some(after))
        });
    }

    fn formula(&mut self, o: &Score, n: &Score) {
        let id = n.key();
        if o.method.value != n.method.value {
            let (a, b) = (word(&o.method.value), word(&n.method.value));
            self.formula_changed(
                (id, Bump::Major, "method"),
                format!("the method of score `{id}` changed from {a} to {b}"),
                a,
                b,
            );
        }
        let terms = |s: &Score| -> Vec<Expr> {
            s.over
                .value
                .iter()
                .map(|t| expr(&t.value, s.scope.as_deref()))
                .collect()
        };
        let (a, b) = (terms(o), terms(n));
        self.terms(id, &a, &b);
        self.min_answered(o, n, (a.len(), b.len()));
        self.counting(o, n);
    }

    /// Other terms are major; the same terms in another order patch.
    fn terms(&mut self, id: &str, a: &[Expr], b: &[Expr]) {
        let show = |t: &[Expr]| {
            t.iter()
                .map(|e| e.shown.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if sorted(a) != sorted(b) {
            self.formula_changed(
                (id, Bump::Major, "terms"),
                format!("the terms of score `{id}` changed"),
                show(a),
                show(b),
            );
        } else if !same_conds(a, b) {
            self.formula_changed(
                (id, Bump::Patch, "terms"),
                format!("the terms of score `{id}` were reordered (its value is the same)"),
                show(a),
                show(b),
            );
        }
    }

    /// `min_answered` (all terms unless given), when one version gives it.
    fn min_answered(&mut self, o: &Score, n: &Score, terms: (usize, usize)) {
        let id = n.key();
        let explicit = (
            o.min_answered.as_ref().map(|m| m.value),
            n.min_answered.as_ref().map(|m| m.value),
        );
        let effective = (
            explicit.0.unwrap_or(terms.0 as u32),
            explicit.1.unwrap_or(terms.1 as u32),
        );
        if effective.0 != effective.1 && (explicit.0.is_some() || explicit.1.is_some()) {
            self.formula_changed(
                (id, Bump::Major, "min_answered"),
                format!(
                    "`min_answered` of score `{id}` changed from {} to {}",
                    effective.0, effective.1
                ),
                effective.0.to_string(),
                effective.1.to_string(),
            );
        }
    }

    /// How declined, "don't know" and hidden terms count.
    fn counting(&mut self, o: &Score, n: &Score) {
        let id = n.key();
        let count_as = |c: &Option<Sp<CountAs>>| c.as_ref().map(|c| c.value).unwrap_or_default();
        for (part, x, y) in [
            ("declined", count_as(&o.declined), count_as(&n.declined)),
            ("dont_know", count_as(&o.dont_know), count_as(&n.dont_know)),
            ("hidden", count_as(&o.hidden), count_as(&n.hidden)),
        ] {
            if x != y {
                let (x, y) = (word(&x), word(&y));
                self.formula_changed(
                    (id, Bump::Major, part),
                    format!("score `{id}` now counts `{part}` as {y} (was {x})"),
                    x,
                    y,
                );
            }
        }
    }

    fn bands(&mut self, id: &str, old: &[Band], new: &[Band]) {
        for pair in pairs(old, new) {
            match pair {
                Pair::Removed(o) => self.push(
                    band_change(
                        ChangeKind::BandRemoved,
                        id,
                        o,
                        format!(
                            "band `{}` ({}) of score `{id}` was removed",
                            o.key(),
                            range(o)
                        ),
                    )
                    .values(Some(range(o)), None),
                ),
                Pair::Added(n) => self.push(
                    band_change(
                        ChangeKind::BandAdded,
                        id,
                        n,
                        format!(
                            "band `{}` ({}) was added to score `{id}`",
                            n.key(),
                            range(n)
                        ),
                    )
                    .values(None, Some(range(n))),
                ),
                Pair::Kept(o, n) => self.band(id, o, n),
            }
        }
    }

    /// A band both versions have: its thresholds and label.
    fn band(&mut self, id: &str, o: &Band, n: &Band) {
        let band = n.key();
        if !same_num(o.min.value, n.min.value) || !same_num(o.max.value, n.max.value) {
            self.push(
                band_change(
                    ChangeKind::BandChanged,
                    id,
                    n,
                    format!(
                        "band `{band}` of score `{id}` changed from {} to {}",
                        range(o),
                        range(n)
                    ),
                )
                .values(Some(range(o)), Some(range(n))),
            );
        }
        self.text(
            (Target::Score, id),
            band,
            &format!("label of band `{band}` of score `{id}`"),
            Some(&o.label.value),
            Some(&n.label.value),
        );
    }
}

/// A band's thresholds: `min..max`.
fn range(band: &Band) -> String {
    format!("{}..{}", num(band.min.value), num(band.max.value))
}

/// A change of a band of score `id`: always major (a result's band changes).
fn band_change(kind: ChangeKind, id: &str, band: &Band, description: String) -> Change {
    Change::new(kind, Bump::Major, Target::Score, id, description).part(band.key())
}
