//! What only some kinds of item have: options and yes/no weights, the
//! range, `integer`, unit and scale labels of a number or scale, the
//! longest accepted text.

use std::collections::BTreeSet;

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::parts::{opt_num, options_of, same_num, same_opt_num, scale_labels_of};
use crate::format::{Item, ItemKind, ScaleLabel};

impl Differ {
    /// The fields of an item whose kind stayed the same.
    pub(super) fn kind_specific(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        match ni.kind.value {
            ItemKind::SingleChoice | ItemKind::MultipleChoice => {
                self.options(id, options_of(oi), options_of(ni));
            }
            ItemKind::YesNo => self.yes_no_weights(oi, ni),
            ItemKind::Scale | ItemKind::Number => {
                self.range(oi, ni);
                self.integer(oi, ni);
                self.text(
                    (Target::Item, id),
                    "unit",
                    &format!("unit of `{id}`"),
                    oi.unit.as_ref().map(|u| &u.value),
                    ni.unit.as_ref().map(|u| &u.value),
                );
                self.scale_labels(id, scale_labels_of(oi), scale_labels_of(ni));
            }
            ItemKind::Text => self.max_length(oi, ni),
            ItemKind::Info | ItemKind::Date => {}
        }
    }

    /// The score weights of "yes" and "no" (1 and 0 unless given).
    fn yes_no_weights(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let w = |i: &Item| {
            i.scores
                .as_ref()
                .map_or((1.0, 0.0), |s| (s.value.yes, s.value.no))
        };
        let (a, b) = (w(oi), w(ni));
        for (answer, x, y) in [("yes", a.0, b.0), ("no", a.1, b.1)] {
            if !same_num(x, y) {
                self.weight(
                    id,
                    answer,
                    &format!("the score weight of \"{answer}\""),
                    Some(x),
                    Some(y),
                );
            }
        }
    }

    /// `min`/`max`: wider is minor, narrower (or mixed) major.
    fn range(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let bounds = |i: &Item| {
            (
                i.min.as_ref().map(|m| m.value),
                i.max.as_ref().map(|m| m.value),
            )
        };
        let ((min0, max0), (min1, max1)) = (bounds(oi), bounds(ni));
        if same_opt_num(min0, min1) && same_opt_num(max0, max1) {
            return;
        }
        let wider =
            wider_bound(min0, min1, |a, b| b <= a) && wider_bound(max0, max1, |a, b| b >= a);
        let range = |a: Option<f64>, b: Option<f64>| format!("{}..{}", opt_num(a), opt_num(b));
        let (before, after) = (range(min0, max0), range(min1, max1));
        self.push(
            Change::new(
                ChangeKind::RangeChanged,
                if wider { Bump::Minor } else { Bump::Major },
                Target::Item,
                id,
                format!(
                    "the range of `{id}` changed from {before} to {after}{}",
                    if wider {
                        " (wider)"
                    } else {
                        "; old answers may be out of range"
                    }
                ),
            )
            .part("range")
            .values(Some(before), Some(after)),
        );
    }

    /// `integer` required is major, dropped minor.
    fn integer(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let integer = |i: &Item| i.integer.as_ref().is_some_and(|s| s.value);
        let (a, b) = (integer(oi), integer(ni));
        if a == b {
            return;
        }
        self.push(
            Change::new(
                ChangeKind::IntegerChanged,
                if b { Bump::Major } else { Bump::Minor },
                Target::Item,
                id,
                if b {
                    format!("`{id}` now accepts whole numbers only")
                } else {
                    format!("`{id}` now accepts fractions")
                },
            )
            .part("integer")
            .values(Some(a.to_string()), Some(b.to_string())),
        );
    }

    /// `max_length` (2000 unless given): raised is minor, lowered major.
    fn max_length(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let len = |i: &Item| i.max_length.as_ref().map_or(2000, |m| m.value);
        let (a, b) = (len(oi), len(ni));
        if a == b {
            return;
        }
        self.push(
            Change::new(
                ChangeKind::MaxLengthChanged,
                if b > a { Bump::Minor } else { Bump::Major },
                Target::Item,
                id,
                format!("the longest accepted text of `{id}` changed from {a} to {b} characters"),
            )
            .part("max_length")
            .values(Some(a.to_string()), Some(b.to_string())),
        );
    }

    /// A changed score weight: major when a score counts the item.
    pub(super) fn weight(
        &mut self,
        id: &str,
        part: &str,
        what: &str,
        before: Option<f64>,
        after: Option<f64>,
    ) {
        let counted = self.counted.contains(id);
        self.push(
            Change::new(
                ChangeKind::OptionScoreChanged,
                if counted { Bump::Major } else { Bump::Minor },
                Target::Item,
                id,
                format!(
                    "{what} of `{id}` changed from {} to {}{}",
                    opt_num(before),
                    opt_num(after),
                    if counted {
                        ""
                    } else {
                        " (no score counts the item)"
                    }
                ),
            )
            .part(part)
            .values(Some(opt_num(before)), Some(opt_num(after))),
        );
    }

    fn scale_labels(&mut self, id: &str, old: &[ScaleLabel], new: &[ScaleLabel]) {
        let points: BTreeSet<i64> = old.iter().chain(new).map(|l| l.value.value).collect();
        for point in points {
            let find = |ls: &'_ [ScaleLabel]| {
                ls.iter()
                    .find(|l| l.value.value == point)
                    .map(|l| l.label.value.clone())
            };
            let (a, b) = (find(old), find(new));
            self.text(
                (Target::Item, id),
                &format!("label {point}"),
                &format!("label of point {point} of `{id}`"),
                a.as_ref(),
                b.as_ref(),
            );
        }
    }
}

/// Whether a new bound is at least as wide as the old: absent, or at least
/// as `further` out.
fn wider_bound(old: Option<f64>, new: Option<f64>, further: impl Fn(f64, f64) -> bool) -> bool {
    match (old, new) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => further(a, b),
    }
}
