//! Derived values: added, removed, their label, rule (value, cases or
//! flags), statistics-only marking and what the record keeps of them.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::expr;
use super::pairs::{Keyed, Pair, Whole, pairs};
use super::parts::cases;
use super::record::Kept;
use crate::format::{Case, Derived};

impl Whole for Derived {
    const TARGET: Target = Target::Derived;
    const REMOVED: ChangeKind = ChangeKind::DerivedRemoved;

    /// A new derived value beside unchanged outcomes: minor.
    fn added(&self) -> Change {
        Change::whole(
            ChangeKind::DerivedAdded,
            Bump::Minor,
            Target::Derived,
            self.key(),
            "added",
        )
    }
}

/// A change of the rule of derived value `id`: always major.
fn rule_change((id, part): (&str, &str), description: String) -> Change {
    Change::new(
        ChangeKind::DerivedChanged,
        Bump::Major,
        Target::Derived,
        id,
        description,
    )
    .part(part)
}

/// The rule of a derived value: `value`, `cases` or `flags`.
fn rule_name(d: &Derived) -> &'static str {
    if d.value.is_some() {
        "value"
    } else if d.cases.is_some() {
        "cases"
    } else {
        "flags"
    }
}

impl Differ {
    pub(super) fn derived(&mut self, old: &[Derived], new: &[Derived]) {
        self.wholes(old, new, Self::derived_value);
    }

    /// A derived value both versions have.
    fn derived_value(&mut self, o: &Derived, n: &Derived) {
        let id = n.key();
        self.text(
            (Target::Derived, id),
            "label",
            &format!("label of derived value `{id}`"),
            o.label.as_ref().map(|t| &t.value),
            n.label.as_ref().map(|t| &t.value),
        );
        self.derived_rule(o, n);
        self.statistics_only(
            Target::Derived,
            id,
            o.statistics_only.as_ref(),
            n.statistics_only.as_ref(),
        );
        self.kept(
            Target::Derived,
            id,
            Kept::of(o.retention.as_ref(), o.reveals.as_ref()),
            Kept::of(n.retention.as_ref(), n.reveals.as_ref()),
        );
    }

    fn derived_rule(&mut self, o: &Derived, n: &Derived) {
        let id = n.key();
        let (r0, r1) = (rule_name(o), rule_name(n));
        if r0 != r1 {
            self.push(
                rule_change(
                    (id, r1),
                    format!("derived value `{id}` changed from `{r0}` to `{r1}`"),
                )
                .values(Some(r0.to_owned()), Some(r1.to_owned())),
            );
        } else if let (Some(a), Some(b)) = (&o.value, &n.value) {
            let (a, b) = (
                expr(&a.value, o.scope.as_deref()),
                expr(&b.value, n.scope.as_deref()),
            );
            if a != b {
                self.push(
                    rule_change((id, "value"), format!("the value of `{id}` changed"))
                        .shown(Some(a.shown), Some(b.shown)),
                );
            }
        } else {
            for pair in pairs(cases(o), cases(n)) {
                self.case(o, n, pair);
            }
            self.case_order(id, r1, cases(o), cases(n));
        }
    }

    /// A case removed, added, or with another condition or label.
    fn case(&mut self, o: &Derived, n: &Derived, pair: Pair<'_, Case>) {
        let id = n.key();
        let (o_scope, n_scope) = (o.scope.as_deref(), n.scope.as_deref());
        match pair {
            Pair::Removed(case) => {
                let v = case.key();
                self.push(
                    rule_change((id, v), format!("case \"{v}\" of `{id}` was removed"))
                        .shown(Some(expr(&case.when.value, o_scope).shown), None),
                );
            }
            Pair::Added(case) => {
                let v = case.key();
                self.push(
                    rule_change((id, v), format!("case \"{v}\" was added to `{id}`"))
                        .shown(None, Some(expr(&case.when.value, n_scope).shown)),
                );
            }
            Pair::Kept(old_case, case) => {
                let v = case.key();
                let (x, y) = (
                    expr(&old_case.when.value, o_scope),
                    expr(&case.when.value, n_scope),
                );
                if x != y {
                    self.push(
                        rule_change(
                            (id, v),
                            format!("the condition of case \"{v}\" of `{id}` changed"),
                        )
                        .shown(Some(x.shown), Some(y.shown)),
                    );
                }
                self.text(
                    (Target::Derived, id),
                    v,
                    &format!("label of case \"{v}\" of `{id}`"),
                    old_case.label.as_ref().map(|t| &t.value),
                    case.label.as_ref().map(|t| &t.value),
                );
            }
        }
    }

    /// The order of the cases both versions have: major for `cases` (the
    /// first that holds gives the value), patch for `flags` (a set).
    fn case_order(&mut self, id: &str, rule: &str, a: &[Case], b: &[Case]) {
        let common = |from: &[Case], other: &[Case]| -> Vec<String> {
            from.iter()
                .filter(|c| other.iter().any(|x| x.value.value == c.value.value))
                .map(|c| c.value.value.clone())
                .collect()
        };
        let (order0, order1) = (common(a, b), common(b, a));
        if order0 == order1 {
            return;
        }
        let first_wins = rule == "cases";
        self.push(
            Change::new(
                ChangeKind::DerivedChanged,
                if first_wins { Bump::Major } else { Bump::Patch },
                Target::Derived,
                id,
                if first_wins {
                    format!(
                        "the cases of `{id}` were reordered; the first that holds gives the value"
                    )
                } else {
                    format!("the flags of `{id}` were reordered (a set has no order)")
                },
            )
            .part(rule)
            .shown(Some(order0.join(", ")), Some(order1.join(", "))),
        );
    }
}
