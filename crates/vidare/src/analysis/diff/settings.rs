//! The settings of a question: `required`, the allowances, `protected`,
//! `retention` and `reveals`, `aggregate`, `answered_by`, `suggested`.

use super::change::{Bump, Change, ChangeKind, Target};
use super::differ::Differ;
use super::expression::qualify;
use super::pairs::{Keyed, Placed};
use super::parts::{word, yes_no};
use super::record::Kept;
use crate::format::{AnsweredBy, Item, Sp};

/// Reads a yes/no setting of an item.
type Field = fn(&Item) -> Option<&Sp<bool>>;

/// A yes/no setting with its default.
fn flag(f: Option<&Sp<bool>>, default: bool) -> bool {
    f.map_or(default, |s| s.value)
}

impl Differ {
    pub(super) fn question_settings(&mut self, o: Placed<'_>, n: Placed<'_>) {
        let (oi, ni) = (o.item, n.item);
        let id = ni.id.value.as_str();
        self.required(oi, ni);
        let switches: [(ChangeKind, &str, Field); 3] = [
            (ChangeKind::AllowDeclineChanged, "allow_decline", |i| {
                i.allow_decline.as_ref()
            }),
            (ChangeKind::AllowDontKnowChanged, "allow_dont_know", |i| {
                i.allow_dont_know.as_ref()
            }),
            (ChangeKind::ProtectedChanged, "protected", |i| {
                i.protected.as_ref()
            }),
        ];
        for (kind, name, field) in switches {
            let (before, after) = (flag(field(oi), false), flag(field(ni), false));
            self.switched(kind, id, name, (before, after));
        }
        self.retention(
            (ChangeKind::RetentionChanged, Target::Item, id),
            (oi.retention.as_ref(), ni.retention.as_ref()),
            "result",
            "the answer",
        );
        self.kept(
            Target::Item,
            id,
            Kept::of(None, oi.reveals.as_ref()),
            Kept::of(None, ni.reveals.as_ref()),
        );
        self.aggregate(oi, ni);
        self.answered_by(oi, ni);
        self.suggested(o, n);
    }

    /// Optional → required is breaking, required → optional is not.
    fn required(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let (r0, r1) = (
            flag(oi.required.as_ref(), true),
            flag(ni.required.as_ref(), true),
        );
        if r0 == r1 {
            return;
        }
        self.push(
            Change::new(
                ChangeKind::RequiredChanged,
                if r1 { Bump::Major } else { Bump::Minor },
                Target::Item,
                id,
                if r1 {
                    format!("`{id}` is now required; recorded skips are rejected")
                } else {
                    format!("`{id}` is now optional")
                },
            )
            .part("required")
            .values(Some(r0.to_string()), Some(r1.to_string())),
        );
    }

    /// A yes/no setting turned on or off: `allow_decline` and
    /// `allow_dont_know` turned on are minor, off major; `protected` is
    /// minor either way.
    fn switched(&mut self, kind: ChangeKind, id: &str, name: &str, (before, after): (bool, bool)) {
        if before == after {
            return;
        }
        let bump = if after || kind == ChangeKind::ProtectedChanged {
            Bump::Minor
        } else {
            Bump::Major
        };
        self.push(
            Change::new(
                kind,
                bump,
                Target::Item,
                id,
                format!(
                    "`{name}` of `{id}` changed from {} to {}",
                    yes_no(before),
                    yes_no(after)
                ),
            )
            .part(name)
            .values(Some(before.to_string()), Some(after.to_string())),
        );
    }

    fn aggregate(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let (g0, g1) = (
            flag(oi.aggregate.as_ref(), false),
            flag(ni.aggregate.as_ref(), false),
        );
        if g0 == g1 {
            return;
        }
        self.push(
            Change::new(
                ChangeKind::AggregateChanged,
                Bump::Minor,
                Target::Item,
                id,
                format!(
                    "`{id}` is {} counted in the aggregate statistics",
                    if g1 { "now" } else { "no longer" }
                ),
            )
            .part("aggregate")
            .values(Some(g0.to_string()), Some(g1.to_string())),
        );
    }

    fn answered_by(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let by =
            |a: &Option<Sp<AnsweredBy>>| word(&a.as_ref().map(|s| s.value).unwrap_or_default());
        let (b0, b1) = (by(&oi.answered_by), by(&ni.answered_by));
        if b0 == b1 {
            return;
        }
        self.push(
            Change::new(
                ChangeKind::AnsweredByChanged,
                Bump::Patch,
                Target::Item,
                id,
                format!("`{id}` is now answered by the {b1} (was the {b0})"),
            )
            .part("answered_by")
            .values(Some(b0), Some(b1)),
        );
    }

    fn suggested(&mut self, o: Placed<'_>, n: Placed<'_>) {
        let id = n.key();
        let suggested = |p: Placed<'_>| {
            p.item
                .suggested
                .as_ref()
                .map(|s| qualify(&s.value, p.section.scope.as_deref()))
        };
        let (s0, s1) = (suggested(o), suggested(n));
        if s0 == s1 {
            return;
        }
        let show = |s: &Option<String>| {
            s.as_ref()
                .map_or_else(|| "none".to_owned(), |s| format!("`{s}`"))
        };
        self.push(
            Change::new(
                ChangeKind::SuggestionChanged,
                Bump::Minor,
                Target::Item,
                id,
                format!(
                    "the suggested answer of `{id}` changed from {} to {}",
                    show(&s0),
                    show(&s1)
                ),
            )
            .part("suggested")
            .values(s0, s1),
        );
    }
}
