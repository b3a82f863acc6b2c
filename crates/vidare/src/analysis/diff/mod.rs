//! Semantic diff between two versions of a questionnaire.
//!
//! [`diff`] compares the expanded documents ([`Questionnaire::document`]) of
//! two compiled questionnaires and lists the changes at the level a
//! methodologist thinks in: an item added, an option recoded, a trigger's
//! urgency raised, a help text translated differently. Every [`Change`] is
//! classified by the release it needs ([`Bump`]), and [`Diff::check_version`]
//! tells whether the new version number is raised enough.
//!
//! ```
//! # fn main() -> Result<(), vidare::Error> {
//! let q = vidare::load("../../questionnaires/violence-seven/1.0.0.yaml")?;
//! let d = vidare::analysis::diff::diff(&q, &q);
//! assert!(d.changes.is_empty());
//! assert_eq!(d.required_bump(), None);
//! assert!(d.check_version().is_ok());
//! # Ok(())
//! # }
//! ```
//!
//! # What the classes mean
//! - **major**: recorded sessions may change outcome or be rejected on
//!   replay (an answer no longer fits, an item is asked that was not, a
//!   trigger fires that did not, the stored result holds other fields).
//! - **minor**: additive and compatible: every recorded session replays to
//!   the same outcome, but the questionnaire can do something it could not
//!   (a new option, a wider range, a new derived value or score).
//! - **patch**: only what is shown changes (texts and presentation);
//!   recorded sessions replay identically.
//!
//! Two facts of the engine decide several rows. A session asks **every**
//! shown question in order, optional ones included (they need an explicit
//! `skip`), and only the current item can be answered; so any new question
//! either makes a recording that was finished unfinished, or makes its next
//! answer "not the current item". And information texts (`kind: info`)
//! are never answered and cannot be named in expressions, so they are texts
//! and nothing else.
//!
//! # Decision table
//!
//! | change | class | why |
//! |---|---|---|
//! | questionnaire id changed | major | a different questionnaire: reported as that one change, nothing else is compared, and [`Diff::check_version`] always fails ([`VersionError::DifferentQuestionnaire`]) |
//! | language added | minor | new texts, old sessions unaffected |
//! | language removed | major | sessions run in it cannot be shown in it again |
//! | default language changed | patch | only which texts are shown by default |
//! | a language's `status`, `audience`, `reviewed_by` or `reviewed_on` changed | patch | says how far its texts can be trusted, or who reads them; no answer or outcome changes |
//! | any text added, removed or changed (title, description, section title, item text, help, unit, option / scale / case / band / derived / score labels, trigger and end texts) | patch | per language; only languages declared in both versions are compared |
//! | section added or removed | patch | a section is a heading and a shared condition; its items are reported one by one |
//! | question added (any kind but `info`, required or optional) | major | an optional item must still be skipped explicitly: old recordings are rejected or no longer finished |
//! | information text added, removed, moved, or its condition changed | patch | never answered, never read by an expression |
//! | question removed | major | recordings that answered it are rejected |
//! | question moved (not in the heaviest common subsequence of item ids, see below) | major | questions are answered in order, so replay is rejected |
//! | item kind changed | major | old answers no longer fit |
//! | item put in another section | major if the section condition differs (for a question), else patch | |
//! | condition (`when`) of a question or of a section with a question changed | major | other items are shown |
//! | `required`: true → false | minor | old recordings never skipped it |
//! | `required`: false → true | major | recorded skips are rejected |
//! | `allow_decline` / `allow_dont_know` turned on | minor | |
//! | `allow_decline` / `allow_dont_know` turned off | major | recorded declines / "don't know" are rejected |
//! | `protected` changed | minor | no outcome depends on it (the compiler proves nothing reads a protected item) |
//! | `retention` changed | major | the stored result gains or loses the answer |
//! | `retention` of a derived value, score or trigger changed; `reveals` added to or removed from any part | major | the stored record gains or loses the part |
//! | only the `reason` of a `reveals` changed | patch | a text |
//! | `aggregate` changed | minor | what is counted in the statistics, not any result |
//! | `answered_by` changed | patch | the engine treats both the same; presentation only |
//! | range (`min`/`max`) wider, `integer` dropped, `max_length` raised | minor | every old answer still fits |
//! | range narrower (or mixed), `integer` required, `max_length` lowered | major | old answers may be rejected |
//! | `suggested` added, removed or changed | minor | changes what is offered, not what was recorded |
//! | option added (single or multiple choice) | minor | no old answer, single value or set, becomes invalid |
//! | option removed | major | answers with it are rejected |
//! | option recoded (same label, other value; or same position, a label in some language the same, other value) | major | stored answers and conditions use the value |
//! | options reordered | patch | presentation only |
//! | option or yes/no score weight changed | major if a score counts the item (in either version), else minor | |
//! | derived value added | minor | a new value beside unchanged outcomes |
//! | derived value removed, or its rule changed (value, cases, flags, case order of `cases`) | major | |
//! | order of `flags` cases changed | patch | a set has no order |
//! | score added | minor | |
//! | score removed; method, terms, `min_answered`, `declined`, `dont_know` or `hidden` changed | major | |
//! | score terms reordered only | patch | every method is order-independent |
//! | band added, removed, or its `min`/`max` changed | major | a result's band changes |
//! | trigger added | major | it can fire on a recorded session: a referral that was not there |
//! | trigger removed, condition, urgency or `refer_to` changed | major | referral outcome changes |
//! | end condition added, removed or changed | major | interviews end elsewhere |
//! | the definitions differ but none of the above (e.g. the spacing of an expression, `required: true` written out) | patch | the digest, which sessions pin, changes |
//!
//! Expressions are compared by meaning of their text, not layout: parsed,
//! names inside a template instance or included questionnaire resolved to
//! their full ids, printed canonically (so `a==1`, `a == 1` and `(a == 1)`
//! are the same). Item **moves** are the common items left out of a
//! heaviest common subsequence of the two id orders, where keeping a
//! question in place outweighs keeping any number of information texts:
//! moving one item to the front reports just that item, and an insertion
//! shifts nothing. Since ids are unique this is a heaviest increasing
//! subsequence, found in O(n log n).
//!
//! # Versions
//! [`Diff::actual_bump`] compares `MAJOR.MINOR.PATCH` positions strictly as
//! semantic versioning does (a higher major is a major release, and so on;
//! versions before 1.0.0 get no special treatment).

mod change;
mod derived;
mod differ;
mod expression;
mod header;
mod items;
mod kinds;
mod moves;
mod options;
mod pairs;
mod parts;
mod record;
mod report;
mod scores;
mod sections;
mod settings;
mod triggers;
mod version;

use crate::Questionnaire;
use crate::format::Document;
pub use change::{Bump, Change, ChangeKind, Target};
use differ::Differ;
pub use report::Diff;
pub use version::VersionError;

/// Compares two versions of a questionnaire.
///
/// A different id gives a single [`ChangeKind::QuestionnaireIdChanged`]
/// (major) and nothing else: the two are not versions of one questionnaire.
#[must_use]
pub fn diff(old: &Questionnaire, new: &Questionnaire) -> Diff {
    let mut d = Differ::new(old, new);
    if old.id() == new.id() {
        d.document(old.document(), new.document());
        if d.changes.is_empty() && !same_definition(old.document(), new.document()) {
            d.changes.push(Change::new(
                ChangeKind::Reformatted,
                Bump::Patch,
                Target::Questionnaire,
                new.id(),
                "the definition was rewritten without a change in meaning (e.g. the spacing of an expression); its digest changed".to_owned(),
            ));
        }
    } else {
        d.changes.push(
            Change::new(
                ChangeKind::QuestionnaireIdChanged,
                Bump::Major,
                Target::Questionnaire,
                new.id(),
                format!(
                    "the questionnaire id changed from `{}` to `{}`: these are different questionnaires",
                    old.id(),
                    new.id()
                ),
            )
            .values(Some(old.id().to_owned()), Some(new.id().to_owned())),
        );
    }
    Diff {
        id: new.id().to_owned(),
        old_version: old.version().to_owned(),
        new_version: new.version().to_owned(),
        old_digest: old.digest().to_owned(),
        new_digest: new.digest().to_owned(),
        changes: d.changes,
    }
}

/// Whether the documents are the same apart from the version number.
fn same_definition(old: &Document, new: &Document) -> bool {
    let strip = |doc: &Document| {
        let mut v = serde_json::to_value(doc).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("version");
        }
        v
    };
    strip(old) == strip(new)
}
