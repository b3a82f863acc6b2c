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

use std::collections::{BTreeSet, HashMap};
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::Questionnaire;
use crate::expr::ast::{Ast, AstKind, ExprLimits, UnaryOp};
use crate::format::{
    AnsweredBy, Band, Case, ChoiceOption, CountAs, Derived, Document, EarlyEnd, Item, ItemKind,
    LocalScope, Retention, ScaleLabel, Score, Section, Sp, Text, Trigger,
};

// ------------------------------------------------------------------ public types

/// How big a release a change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Only what is shown changes; recorded sessions replay identically.
    Patch,
    /// Additive and compatible: recorded sessions replay to the same outcome.
    Minor,
    /// Breaking: recorded sessions may change outcome or be rejected.
    Major,
}

impl Bump {
    /// `patch`, `minor` or `major`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a change concerns; ids of different targets live in different
/// namespaces (a trigger may share its item's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The questionnaire as a whole (id, languages, title, description).
    Questionnaire,
    /// A section.
    Section,
    /// An item (its options and scale labels included).
    Item,
    /// A derived value (its cases included).
    Derived,
    /// A score (its bands included).
    Score,
    /// A referral trigger.
    Trigger,
    /// An end condition.
    End,
}

/// The target in words: `item`, `derived value`, `end condition` ...
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Target::Questionnaire => "questionnaire",
            Target::Section => "section",
            Target::Item => "item",
            Target::Derived => "derived value",
            Target::Score => "score",
            Target::Trigger => "trigger",
            Target::End => "end condition",
        })
    }
}

/// The kind of a change: stable names, serialised in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// The questionnaire's id differs: the two are different questionnaires.
    QuestionnaireIdChanged,
    /// A declared language was added.
    LanguageAdded,
    /// A declared language was removed.
    LanguageRemoved,
    /// The default language changed.
    DefaultLanguageChanged,
    /// The translation status, audience or reviewer of a language in both
    /// versions changed (e.g. a `draft` became `reviewed`).
    LanguageStatusChanged,
    /// An optional text (help, unit, title, label ...) was added.
    TextAdded,
    /// An optional text was removed.
    TextRemoved,
    /// A text changed in one language.
    TextChanged,
    /// A section was added.
    SectionAdded,
    /// A section was removed.
    SectionRemoved,
    /// An item was added.
    ItemAdded,
    /// An item was removed.
    ItemRemoved,
    /// An item's position among the other items changed.
    ItemMoved,
    /// An item's kind changed.
    ItemKindChanged,
    /// An item was put in another section.
    ItemSectionChanged,
    /// The `when` of an item or a section changed.
    ConditionChanged,
    /// `required` changed.
    RequiredChanged,
    /// `allow_decline` changed.
    AllowDeclineChanged,
    /// `allow_dont_know` changed.
    AllowDontKnowChanged,
    /// `protected` changed.
    ProtectedChanged,
    /// `retention` changed.
    RetentionChanged,
    /// `answered_by` changed.
    AnsweredByChanged,
    /// `min` or `max` of a scale or number changed.
    RangeChanged,
    /// `integer` of a number changed.
    IntegerChanged,
    /// `max_length` of a text item changed.
    MaxLengthChanged,
    /// The derived value offered as suggested answer changed.
    SuggestionChanged,
    /// An option was added to a choice item.
    OptionAdded,
    /// An option was removed from a choice item.
    OptionRemoved,
    /// An option kept its label but got another value.
    OptionRecoded,
    /// The score weight of an option (or of yes / no) changed.
    OptionScoreChanged,
    /// The options of a choice item were put in another order.
    OptionsReordered,
    /// A derived value was added.
    DerivedAdded,
    /// A derived value was removed.
    DerivedRemoved,
    /// A derived value's rule (value, cases or flags) changed.
    DerivedChanged,
    /// A score was added.
    ScoreAdded,
    /// A score was removed.
    ScoreRemoved,
    /// A score's method, terms, `min_answered`, `declined`, `dont_know` or
    /// `hidden` changed.
    ScoreFormulaChanged,
    /// A band was added to a score.
    BandAdded,
    /// A band was removed from a score.
    BandRemoved,
    /// A band's thresholds changed.
    BandChanged,
    /// A trigger was added.
    TriggerAdded,
    /// A trigger was removed.
    TriggerRemoved,
    /// A trigger's condition changed.
    TriggerConditionChanged,
    /// A trigger's urgency changed.
    TriggerUrgencyChanged,
    /// A trigger's `refer_to` changed.
    TriggerReferToChanged,
    /// An end condition was added.
    EndAdded,
    /// An end condition was removed.
    EndRemoved,
    /// An end condition's condition changed.
    EndConditionChanged,
    /// The definitions differ without a change in meaning (layout of an
    /// expression, a default written out): the digest changes.
    Reformatted,
    /// A derived value or score became, or stopped being, statistics-only,
    /// or its justification changed.
    StatisticsOnlyChanged,
    /// What the stored record keeps of a derived value, score, trigger, end
    /// condition or kept question changed: its `retention`, or a `reveals`
    /// added or removed.
    KeptChanged,
    /// Only the reason a `reveals` gives changed.
    RevealsReasonChanged,
    /// A question was added to, or taken out of, the aggregate statistics.
    AggregateChanged,
}

/// One change between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// The release it needs.
    pub bump: Bump,
    /// What the id names.
    pub target: Target,
    /// The id of the item, section, derived value, score, trigger or end
    /// condition (for the questionnaire itself: its id).
    pub id: String,
    /// The part concerned, when it is smaller than the target: an option
    /// value, a band id, a case value, a scale point, or a field name
    /// (`help`, `label`, `method` ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The language of a text change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// What changed, in words.
    pub description: String,
    /// The old value, shortened, where useful.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The new value, shortened, where useful.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Whether `before`/`after` are long values (texts, expressions) that
    /// the description leaves out, so the report shows them.
    #[serde(skip)]
    show_values: bool,
}

impl Change {
    fn new(kind: ChangeKind, bump: Bump, target: Target, id: &str, description: String) -> Self {
        Change {
            kind,
            bump,
            target,
            id: id.to_owned(),
            part: None,
            lang: None,
            description,
            before: None,
            after: None,
            show_values: false,
        }
    }

    fn part(mut self, part: impl Into<String>) -> Self {
        self.part = Some(part.into());
        self
    }

    fn lang(mut self, lang: &str) -> Self {
        self.lang = Some(lang.to_owned());
        self
    }

    /// Short values the description already names.
    fn values(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before.map(|b| shorten(&b));
        self.after = after.map(|a| shorten(&a));
        self
    }

    /// Long values (texts, expressions) the report shows below the description.
    fn shown(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.show_values = true;
        self.values(before, after)
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(lang), ChangeKind::TextChanged) = (&self.lang, self.kind) {
            write!(f, "[{lang}] ")?;
        }
        f.write_str(&self.description)?;
        if self.show_values {
            if let Some(before) = &self.before {
                write!(f, "\n    was: {before}")?;
            }
            if let Some(after) = &self.after {
                write!(f, "\n    now: {after}")?;
            }
        }
        Ok(())
    }
}

/// The changes from one version of a questionnaire to another.
///
/// Serialises (for the CLI's JSON) with its fields plus `required_bump`,
/// `actual_bump` and `version_ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The new version's questionnaire id.
    pub id: String,
    /// The old version number.
    pub old_version: String,
    /// The new version number.
    pub new_version: String,
    /// The old definition's digest.
    pub old_digest: String,
    /// The new definition's digest.
    pub new_digest: String,
    /// Every change, in document order (header, items, sections, derived
    /// values, scores, triggers, end conditions).
    pub changes: Vec<Change>,
}

/// Why a new version number does not fit the changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// The two are different questionnaires; their versions cannot be compared.
    #[error(
        "`{old_id}` and `{new_id}` are different questionnaires; their versions cannot be compared"
    )]
    DifferentQuestionnaire {
        /// The old id.
        old_id: String,
        /// The new id.
        new_id: String,
    },
    /// A version is not `MAJOR.MINOR.PATCH`.
    #[error("`{version}` is not a semantic version MAJOR.MINOR.PATCH")]
    InvalidVersion {
        /// The version as written.
        version: String,
    },
    /// The version was not raised although the definition changed, or was lowered.
    #[error("version {new} is {} {old}{}", if *.lowered { "lower than" } else { "the same as" }, needs(*.required, .biggest.as_deref(), *.more))]
    NotIncreased {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
        /// Whether the new version is lower.
        lowered: bool,
        /// The release the changes need, if any change.
        required: Option<Bump>,
        /// The description of the first biggest change.
        biggest: Option<String>,
        /// How many more changes need that release.
        more: usize,
    },
    /// The version was raised, but not enough.
    #[error("{old} → {new} is a {actual} release{}", needs(Some(*.required), Some(.biggest), *.more))]
    TooSmall {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
        /// The release the version numbers make.
        actual: Bump,
        /// The release the changes need.
        required: Bump,
        /// The description of the first biggest change.
        biggest: String,
        /// How many more changes need that release.
        more: usize,
    },
}

fn needs(required: Option<Bump>, biggest: Option<&str>, more: usize) -> String {
    let Some(required) = required else {
        return String::new();
    };
    let mut s = format!(
        ", but the changes need a {required} release: {}",
        biggest.unwrap_or("?")
    );
    if more > 0 {
        let _ = write!(
            s,
            " (and {more} more {required} change{})",
            if more == 1 { "" } else { "s" }
        );
    }
    s
}

impl Diff {
    /// The biggest bump over all changes; `None` when nothing changed.
    #[must_use]
    pub fn required_bump(&self) -> Option<Bump> {
        self.changes.iter().map(|c| c.bump).max()
    }

    /// The release the two version numbers make: `Some(major)` when the
    /// major number went up, `Some(minor)` when the minor did (same major),
    /// `Some(patch)` when only the patch did; `None` when the version was
    /// not increased (the same, lower, or not a semantic version).
    #[must_use]
    pub fn actual_bump(&self) -> Option<Bump> {
        let old = parse_version(&self.old_version)?;
        let new = parse_version(&self.new_version)?;
        version_bump(old, new)
    }

    /// The lowest version the new definition may have: the old version
    /// raised by [`Diff::required_bump`] (`2.1.3` with a major change:
    /// `3.0.0`); the old version itself when nothing changed; `None` when
    /// the old version is not a semantic version.
    #[must_use]
    pub fn next_version(&self) -> Option<String> {
        let (major, minor, patch) = parse_version(&self.old_version)?;
        Some(match self.required_bump() {
            None => self.old_version.clone(),
            Some(Bump::Major) => format!("{}.0.0", major + 1),
            Some(Bump::Minor) => format!("{major}.{}.0", minor + 1),
            Some(Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
        })
    }

    /// What the two version numbers make, in words for the report.
    fn actual_in_words(&self) -> &'static str {
        match (
            parse_version(&self.old_version),
            parse_version(&self.new_version),
        ) {
            (Some(old), Some(new)) => match version_bump(old, new) {
                Some(Bump::Major) => "is a major release",
                Some(Bump::Minor) => "is a minor release",
                Some(Bump::Patch) => "is a patch release",
                None if new < old => "lowers the version",
                None => "keeps the version",
            },
            _ => "is not a semantic version",
        }
    }

    /// The changes that need exactly `bump`, in order.
    pub fn changes_of(&self, bump: Bump) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.bump == bump)
    }

    /// Checks that the new version number is raised at least as much as
    /// the changes need.
    ///
    /// Identical definitions may keep the version; any change needs a
    /// higher version; a lower version is always refused.
    ///
    /// # Errors
    /// [`VersionError::TooSmall`] (e.g. a recoded option shipped as a patch
    /// release), [`VersionError::NotIncreased`], [`VersionError::InvalidVersion`],
    /// or [`VersionError::DifferentQuestionnaire`] when the ids differ.
    pub fn check_version(&self) -> Result<(), VersionError> {
        if let Some(c) = self
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::QuestionnaireIdChanged)
        {
            return Err(VersionError::DifferentQuestionnaire {
                old_id: c.before.clone().unwrap_or_default(),
                new_id: c.after.clone().unwrap_or_default(),
            });
        }
        let parse = |v: &str| {
            parse_version(v).ok_or_else(|| VersionError::InvalidVersion {
                version: v.to_owned(),
            })
        };
        let old = parse(&self.old_version)?;
        let new = parse(&self.new_version)?;
        let required = self.required_bump();
        let (biggest, more) = match required {
            Some(bump) => {
                let mut of_bump = self.changes_of(bump);
                let first = of_bump.next().map(|c| c.description.clone());
                (first, of_bump.count())
            }
            None => (None, 0),
        };
        match version_bump(old, new) {
            None if new < old || required.is_some() => Err(VersionError::NotIncreased {
                old: self.old_version.clone(),
                new: self.new_version.clone(),
                lowered: new < old,
                required,
                biggest,
                more,
            }),
            None => Ok(()),
            Some(actual) => match required {
                Some(required) if actual < required => Err(VersionError::TooSmall {
                    old: self.old_version.clone(),
                    new: self.new_version.clone(),
                    actual,
                    required,
                    biggest: biggest.unwrap_or_default(),
                    more,
                }),
                _ => Ok(()),
            },
        }
    }

    /// `ok`, or what to do instead: the version to use, or why none fits.
    fn verdict(&self) -> String {
        match self.check_version() {
            Ok(()) => "ok".into(),
            Err(VersionError::DifferentQuestionnaire { .. }) => "different questionnaires".into(),
            Err(_) => self
                .next_version()
                .map_or_else(|| "invalid version".into(), |next| format!("use {next}")),
        }
    }
}

impl Serialize for Diff {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            id: &'a str,
            old_version: &'a str,
            new_version: &'a str,
            old_digest: &'a str,
            new_digest: &'a str,
            required_bump: Option<Bump>,
            actual_bump: Option<Bump>,
            version_ok: bool,
            next_version: Option<String>,
            changes: &'a [Change],
        }
        Out {
            id: &self.id,
            old_version: &self.old_version,
            new_version: &self.new_version,
            old_digest: &self.old_digest,
            new_digest: &self.new_digest,
            required_bump: self.required_bump(),
            actual_bump: self.actual_bump(),
            version_ok: self.check_version().is_ok(),
            next_version: self.next_version(),
            changes: &self.changes,
        }
        .serialize(serializer)
    }
}

/// A report grouped by class, most breaking first, ending with the verdict
/// on the version number.
impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "`{}` {} → {}: {} change{}",
            self.id,
            self.old_version,
            self.new_version,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        )?;
        for (bump, heading) in [
            (
                Bump::Major,
                "Major (breaking: recorded sessions may change outcome or be rejected)",
            ),
            (Bump::Minor, "Minor (additive and compatible)"),
            (Bump::Patch, "Patch (texts and presentation only)"),
        ] {
            let mut changes = self.changes_of(bump).peekable();
            if changes.peek().is_none() {
                continue;
            }
            writeln!(f, "\n{heading}:")?;
            for change in changes {
                let text = change.to_string().replace('\n', "\n  ");
                writeln!(f, "  - {text}")?;
            }
        }
        let needed = self
            .required_bump()
            .map_or_else(|| "no release".to_owned(), |b| format!("a {b} release"));
        write!(
            f,
            "\nversion: the changes need {needed}; {} → {} {} — {}",
            self.old_version,
            self.new_version,
            self.actual_in_words(),
            self.verdict()
        )
    }
}

// ------------------------------------------------------------------ versions

/// `MAJOR.MINOR.PATCH` as three numbers ([`crate::SemVer::parse`]).
fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    crate::SemVer::parse(v).map(|s| (u64::from(s.major), u64::from(s.minor), u64::from(s.patch)))
}

fn version_bump(old: (u64, u64, u64), new: (u64, u64, u64)) -> Option<Bump> {
    if new.0 != old.0 {
        (new.0 > old.0).then_some(Bump::Major)
    } else if new.1 != old.1 {
        (new.1 > old.1).then_some(Bump::Minor)
    } else {
        (new.2 > old.2).then_some(Bump::Patch)
    }
}

// ------------------------------------------------------------------ moves

/// The ids common to `old` and `new` that keep their relative order: a
/// heaviest common subsequence, by `weight`. Ids are unique within each
/// list, so this is a heaviest increasing subsequence of the new positions
/// taken in old order, found with a Fenwick tree of prefix maxima.
fn kept_in_order<'a>(
    old: &[&'a str],
    new: &[&str],
    weight: impl Fn(&str) -> u64,
) -> BTreeSet<&'a str> {
    let position: HashMap<&str, usize> = new.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let seq: Vec<(usize, &'a str)> = old
        .iter()
        .filter_map(|id| position.get(id).map(|&p| (p, *id)))
        .collect();
    // tree[k] holds (best total weight, index into seq) over a range of positions.
    let mut tree: Vec<Option<(u64, usize)>> = vec![None; new.len() + 1];
    let mut best: Vec<u64> = Vec::with_capacity(seq.len());
    let mut prev: Vec<Option<usize>> = Vec::with_capacity(seq.len());
    for (i, &(pos, id)) in seq.iter().enumerate() {
        // Prefix maximum over positions < pos (tree indices 1..=pos).
        let mut k = pos;
        let mut found: Option<(u64, usize)> = None;
        while k > 0 {
            if let Some(entry) = tree[k] {
                if found.is_none_or(|f| entry.0 > f.0) {
                    found = Some(entry);
                }
            }
            k &= k - 1;
        }
        let total = found.map_or(0, |f| f.0) + weight(id);
        best.push(total);
        prev.push(found.map(|f| f.1));
        let mut k = pos + 1;
        while k < tree.len() {
            if tree[k].is_none_or(|t| total > t.0) {
                tree[k] = Some((total, i));
            }
            k += k & k.wrapping_neg();
        }
    }
    let mut kept = BTreeSet::new();
    let mut at = best
        .iter()
        .enumerate()
        .fold(None::<(u64, usize)>, |acc, (i, &b)| match acc {
            Some((a, _)) if a >= b => acc,
            _ => Some((b, i)),
        })
        .map(|(_, i)| i);
    while let Some(i) = at {
        kept.insert(seq[i].1);
        at = prev[i];
    }
    kept
}

// ------------------------------------------------------------------ expressions

/// An expression: its canonical form for comparing, its source for showing.
#[derive(Debug, Clone)]
struct Expr {
    canon: String,
    shown: String,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.canon == other.canon
    }
}

fn expr(src: &str, scope: Option<&LocalScope>) -> Expr {
    let shown = src.split_whitespace().collect::<Vec<_>>().join(" ");
    // The compiler already accepted the text within its limits.
    let limits = ExprLimits {
        max_len: usize::MAX,
        max_depth: usize::MAX,
    };
    let canon = match crate::expr::parse(src, limits) {
        Ok(ast) => {
            let mut out = String::new();
            canonical(&ast, scope, &mut out);
            out
        }
        Err(_) => shown.clone(),
    };
    Expr { canon, shown }
}

fn qualify(name: &str, scope: Option<&LocalScope>) -> String {
    match scope {
        Some(s) if s.locals.contains(name) => format!("{}.{name}", s.prefix),
        _ => name.to_owned(),
    }
}

/// Prints fully parenthesised, with local names qualified.
fn canonical(ast: &Ast, scope: Option<&LocalScope>, out: &mut String) {
    match &ast.kind {
        AstKind::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        AstKind::Number(n) => {
            let _ = write!(out, "{n}");
        }
        AstKind::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        AstKind::Ident(name) => out.push_str(&qualify(name, scope)),
        AstKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                canonical(item, scope, out);
            }
            out.push(']');
        }
        AstKind::Unary(op, x) => {
            out.push_str(match op {
                UnaryOp::Not => "!(",
                UnaryOp::Neg => "-(",
            });
            canonical(x, scope, out);
            out.push(')');
        }
        AstKind::Binary(op, l, r) => {
            out.push('(');
            canonical(l, scope, out);
            let _ = write!(out, " {} ", op.symbol());
            canonical(r, scope, out);
            out.push(')');
        }
        AstKind::Call { name, args, .. } => {
            out.push_str(name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                canonical(arg, scope, out);
            }
            out.push(')');
        }
    }
}

/// A section's condition: its `when` and the guards expansion added.
fn section_condition(section: &Section) -> Vec<Expr> {
    let mut conds: Vec<Expr> = section
        .when
        .iter()
        .map(|w| expr(&w.value, section.scope.as_deref()))
        .collect();
    for guard in &section.guards {
        let e = expr(&guard.condition.value, guard.scope.as_deref());
        conds.push(if guard.must_hold {
            e
        } else {
            Expr {
                canon: format!("!({})", e.canon),
                shown: format!("!({})", e.shown),
            }
        });
    }
    conds
}

fn show_conds(conds: &[Expr]) -> String {
    if conds.is_empty() {
        "(always)".to_owned()
    } else {
        conds
            .iter()
            .map(|c| c.shown.as_str())
            .collect::<Vec<_>>()
            .join(" && ")
    }
}

/// Canonical forms, sorted: for comparing terms whose order does not matter.
fn sorted(t: &[Expr]) -> Vec<&str> {
    let mut c: Vec<&str> = t.iter().map(|e| e.canon.as_str()).collect();
    c.sort_unstable();
    c
}

fn same_conds(a: &[Expr], b: &[Expr]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

// ------------------------------------------------------------------ helpers

/// Shortens a value for `before`/`after`: one line, at most 120 characters.
fn shorten(s: &str) -> String {
    const MAX: usize = 120;
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(MAX - 1).collect();
        cut.push('…');
        cut
    }
}

#[allow(clippy::float_cmp)]
fn same_num(a: f64, b: f64) -> bool {
    a == b
}

fn num(n: f64) -> String {
    format!("{n}")
}

fn opt_num(n: Option<f64>) -> String {
    n.map_or_else(|| "none".to_owned(), num)
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The YAML word of an enum value (`single_choice`, `immediate` ...).
fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn is_question(item: &Item) -> bool {
    item.kind.value != ItemKind::Info
}

fn bump_if(major: bool) -> Bump {
    if major { Bump::Major } else { Bump::Patch }
}

fn options_of(i: &Item) -> &[ChoiceOption] {
    i.options
        .as_ref()
        .map(|o| o.value.as_slice())
        .unwrap_or_default()
}

fn scale_labels_of(i: &Item) -> &[ScaleLabel] {
    i.labels
        .as_ref()
        .map(|l| l.value.as_slice())
        .unwrap_or_default()
}

fn bands_of(s: &Score) -> &[Band] {
    s.bands
        .as_ref()
        .map(|b| b.value.as_slice())
        .unwrap_or_default()
}

/// The cases of a `cases` or `flags` derived value.
fn cases(d: &Derived) -> &[Case] {
    d.cases
        .as_ref()
        .or(d.flags.as_ref())
        .map(|c| c.value.as_slice())
        .unwrap_or_default()
}

/// Parts of a document with an id.
trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => {
        $(impl HasId for $t {
            fn id(&self) -> &str {
                &self.id.value
            }
        })*
    };
}

has_id!(Section, Derived, Score, Band, Trigger, EarlyEnd);

fn by_id<T: HasId>(list: &[T]) -> HashMap<&str, &T> {
    list.iter().map(|t| (t.id(), t)).collect()
}

/// An item with the section it is in.
#[derive(Clone, Copy)]
struct Placed<'a> {
    item: &'a Item,
    section: &'a Section,
}

fn placed(doc: &Document) -> Vec<Placed<'_>> {
    doc.sections
        .iter()
        .flat_map(|section| {
            section
                .items
                .iter()
                .map(move |item| Placed { item, section })
        })
        .collect()
}

/// Item ids that some score counts as an item term.
fn counted_items(doc: &Document, items: &BTreeSet<&str>) -> BTreeSet<String> {
    doc.scores
        .iter()
        .flat_map(|s| {
            s.over
                .value
                .iter()
                .map(|t| qualify(t.value.trim(), s.scope.as_deref()))
        })
        .filter(|t| items.contains(t.as_str()))
        .collect()
}

// ------------------------------------------------------------------ the diff

/// Compares two versions of a questionnaire.
///
/// A different id gives a single [`ChangeKind::QuestionnaireIdChanged`]
/// (major) and nothing else: the two are not versions of one questionnaire.
#[must_use]
pub fn diff(old: &Questionnaire, new: &Questionnaire) -> Diff {
    let mut d = Differ {
        changes: Vec::new(),
        langs: old
            .languages()
            .iter()
            .filter(|l| new.languages().contains(l))
            .cloned()
            .collect(),
        counted: BTreeSet::new(),
    };
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

struct Differ {
    changes: Vec<Change>,
    /// Languages declared in both versions, in the old order.
    langs: Vec<String>,
    /// Items some score counts, in either version.
    counted: BTreeSet<String>,
}

impl Differ {
    fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    fn first_text(&self, text: &Text) -> String {
        self.langs
            .iter()
            .find_map(|l| text.get(l))
            .or_else(|| text.values().next())
            .cloned()
            .unwrap_or_default()
    }

    /// Compares an optional text per common language. `what` names it in
    /// the description ("help of item `x`"); `part` names the field.
    fn text(
        &mut self,
        (target, id): (Target, &str),
        part: &str,
        what: &str,
        old: Option<&Text>,
        new: Option<&Text>,
    ) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => {
                let after = self.first_text(n);
                self.push(
                    Change::new(
                        ChangeKind::TextAdded,
                        Bump::Patch,
                        target,
                        id,
                        format!("{what} was added"),
                    )
                    .part(part)
                    .shown(None, Some(after)),
                );
            }
            (Some(o), None) => {
                let before = self.first_text(o);
                self.push(
                    Change::new(
                        ChangeKind::TextRemoved,
                        Bump::Patch,
                        target,
                        id,
                        format!("{what} was removed"),
                    )
                    .part(part)
                    .shown(Some(before), None),
                );
            }
            (Some(o), Some(n)) => {
                for lang in &self.langs {
                    let (a, b) = (o.get(lang), n.get(lang));
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
        }
    }

    fn document(&mut self, old: &Document, new: &Document) {
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

    /// Languages added, removed, or with another status.
    fn languages(&mut self, old: &Document, new: &Document) {
        let id = new.id.value.as_str();
        let old_langs: Vec<&str> = old
            .languages
            .value
            .iter()
            .map(|l| l.value.code.value.as_str())
            .collect();
        let new_langs: Vec<&str> = new
            .languages
            .value
            .iter()
            .map(|l| l.value.code.value.as_str())
            .collect();
        for entry in &new.languages.value {
            let lang = entry.value.code.value.as_str();
            match old
                .languages
                .value
                .iter()
                .find(|o| o.value.code.value == lang)
            {
                None => self.push(
                    Change::new(
                        ChangeKind::LanguageAdded,
                        Bump::Minor,
                        Target::Questionnaire,
                        id,
                        format!(
                            "language `{lang}` ({}) was added",
                            status_words(&entry.value)
                        ),
                    )
                    .lang(lang),
                ),
                Some(before) if status_words(&before.value) != status_words(&entry.value) => self
                    .push(
                        Change::new(
                            ChangeKind::LanguageStatusChanged,
                            Bump::Patch,
                            Target::Questionnaire,
                            id,
                            format!(
                                "the status of language `{lang}` changed: {} → {}",
                                status_words(&before.value),
                                status_words(&entry.value)
                            ),
                        )
                        .lang(lang)
                        .values(
                            Some(status_words(&before.value)),
                            Some(status_words(&entry.value)),
                        ),
                    ),
                Some(_) => {}
            }
        }
        for lang in &old_langs {
            if !new_langs.contains(lang) {
                self.push(
                    Change::new(
                        ChangeKind::LanguageRemoved,
                        Bump::Major,
                        Target::Questionnaire,
                        id,
                        format!("language `{lang}` was removed"),
                    )
                    .lang(lang),
                );
            }
        }
    }

    fn header(&mut self, old: &Document, new: &Document) {
        self.languages(old, new);
        let id = new.id.value.as_str();
        let q = (Target::Questionnaire, id);
        if old.default_language.value != new.default_language.value {
            self.push(
                Change::new(
                    ChangeKind::DefaultLanguageChanged,
                    Bump::Patch,
                    Target::Questionnaire,
                    id,
                    format!(
                        "the default language changed from `{}` to `{}`",
                        old.default_language.value, new.default_language.value
                    ),
                )
                .values(
                    Some(old.default_language.value.clone()),
                    Some(new.default_language.value.clone()),
                ),
            );
        }
        self.text(
            q,
            "title",
            "the questionnaire's title",
            Some(&old.title.value),
            Some(&new.title.value),
        );
        self.text(
            q,
            "description",
            "the questionnaire's description",
            old.description.as_ref().map(|t| &t.value),
            new.description.as_ref().map(|t| &t.value),
        );
    }

    // -------------------------------------------------------------- items

    fn items(&mut self, old: &[Placed<'_>], new: &[Placed<'_>]) {
        let old_by_id: HashMap<&str, Placed<'_>> =
            old.iter().map(|p| (p.item.id.value.as_str(), *p)).collect();
        let new_by_id: HashMap<&str, Placed<'_>> =
            new.iter().map(|p| (p.item.id.value.as_str(), *p)).collect();
        let old_order: Vec<&str> = old.iter().map(|p| p.item.id.value.as_str()).collect();
        let new_order: Vec<&str> = new.iter().map(|p| p.item.id.value.as_str()).collect();
        let old_position: HashMap<&str, usize> = old_order
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        // Keeping one question in place outweighs keeping every information text.
        let heavy = old.len() as u64 + 1;
        let kept = kept_in_order(&old_order, &new_order, |id| {
            if old_by_id.get(id).is_some_and(|p| is_question(p.item)) {
                heavy
            } else {
                1
            }
        });

        for p in old {
            let id = p.item.id.value.as_str();
            if !new_by_id.contains_key(id) {
                let question = is_question(p.item);
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
        }
        for (index, p) in new.iter().enumerate() {
            let id = p.item.id.value.as_str();
            let Some(o) = old_by_id.get(id) else {
                self.item_added(p.item, index, &new_order);
                continue;
            };
            if !kept.contains(id) {
                let place = |order: &[&str], at: usize| match at.checked_sub(1) {
                    Some(before) => format!("after `{}`", order[before]),
                    None => "first".to_owned(),
                };
                let old_index = old_position.get(id).copied().unwrap_or(0);
                let question = is_question(p.item) || is_question(o.item);
                self.push(
                    Change::new(
                        ChangeKind::ItemMoved,
                        bump_if(question),
                        Target::Item,
                        id,
                        format!(
                            "item `{id}` was moved: now {} (was {})",
                            place(&new_order, index),
                            place(&old_order, old_index)
                        ),
                    )
                    .values(
                        Some(place(&old_order, old_index)),
                        Some(place(&new_order, index)),
                    ),
                );
            }
            self.item(*o, *p);
        }
    }

    fn item_added(&mut self, item: &Item, index: usize, order: &[&str]) {
        let id = item.id.value.as_str();
        let place = match index.checked_sub(1) {
            Some(before) => format!("after `{}`", order[before]),
            None => "first".to_owned(),
        };
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

    fn item(&mut self, o: Placed<'_>, n: Placed<'_>) {
        let (oi, ni) = (o.item, n.item);
        let id = ni.id.value.as_str();
        let t = (Target::Item, id);
        let question = is_question(oi) || is_question(ni);
        let same_kind = oi.kind.value == ni.kind.value;
        if !same_kind {
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

        // Section and conditions.
        if o.section.id.value != n.section.id.value {
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
        let when = |p: Placed<'_>| {
            p.item
                .when
                .as_ref()
                .map(|w| expr(&w.value, p.section.scope.as_deref()))
        };
        let (a, b) = (when(o), when(n));
        if a != b {
            let shown =
                |e: Option<Expr>| Some(e.map_or_else(|| "(always)".to_owned(), |e| e.shown));
            self.push(
                Change::new(
                    ChangeKind::ConditionChanged,
                    bump_if(question),
                    Target::Item,
                    id,
                    format!("the condition of item `{id}` changed"),
                )
                .part("when")
                .shown(shown(a), shown(b)),
            );
        }

        // Texts.
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

        // Settings.
        let flag = |f: &Option<Sp<bool>>, default: bool| f.as_ref().map_or(default, |s| s.value);
        if question {
            // Optional → required is breaking, required → optional is not:
            // express it as "optional" turned on/off.
            let (r0, r1) = (flag(&oi.required, true), flag(&ni.required, true));
            if r0 != r1 {
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
            self.allowance(
                ChangeKind::AllowDeclineChanged,
                id,
                "allow_decline",
                flag(&oi.allow_decline, false),
                flag(&ni.allow_decline, false),
            );
            self.allowance(
                ChangeKind::AllowDontKnowChanged,
                id,
                "allow_dont_know",
                flag(&oi.allow_dont_know, false),
                flag(&ni.allow_dont_know, false),
            );
            let (p0, p1) = (flag(&oi.protected, false), flag(&ni.protected, false));
            if p0 != p1 {
                self.push(
                    Change::new(
                        ChangeKind::ProtectedChanged,
                        Bump::Minor,
                        Target::Item,
                        id,
                        format!(
                            "`protected` of `{id}` changed from {} to {}",
                            yes_no(p0),
                            yes_no(p1)
                        ),
                    )
                    .part("protected")
                    .values(Some(p0.to_string()), Some(p1.to_string())),
                );
            }
            let retention =
                |r: &Option<Sp<Retention>>| r.as_ref().map_or(Retention::Keep, |s| s.value);
            let (r0, r1) = (retention(&oi.retention), retention(&ni.retention));
            if r0 != r1 {
                let name = |r: Retention| word(&r);
                self.push(
                    Change::new(
                        ChangeKind::RetentionChanged,
                        Bump::Major,
                        Target::Item,
                        id,
                        format!(
                            "retention of `{id}` changed from {} to {}: the stored result {} the answer",
                            name(r0),
                            name(r1),
                            if r1 == Retention::Keep { "now keeps" } else { "no longer keeps" }
                        ),
                    )
                    .part("retention")
                    .values(Some(name(r0)), Some(name(r1))),
                );
            }
            self.kept(
                Target::Item,
                id,
                Kept::of(None, oi.reveals.as_ref()),
                Kept::of(None, ni.reveals.as_ref()),
            );
            let (g0, g1) = (flag(&oi.aggregate, false), flag(&ni.aggregate, false));
            if g0 != g1 {
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
            let by =
                |a: &Option<Sp<AnsweredBy>>| word(&a.as_ref().map(|s| s.value).unwrap_or_default());
            let (b0, b1) = (by(&oi.answered_by), by(&ni.answered_by));
            if b0 != b1 {
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
            let suggested = |p: Placed<'_>| {
                p.item
                    .suggested
                    .as_ref()
                    .map(|s| qualify(&s.value, p.section.scope.as_deref()))
            };
            let (s0, s1) = (suggested(o), suggested(n));
            if s0 != s1 {
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
        if same_kind {
            self.kind_specific(oi, ni);
        }
    }

    /// `allow_decline` / `allow_dont_know`: turning on is minor, off major.
    fn allowance(&mut self, kind: ChangeKind, id: &str, name: &str, before: bool, after: bool) {
        if before != after {
            self.push(
                Change::new(
                    kind,
                    if after { Bump::Minor } else { Bump::Major },
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
    }

    fn kind_specific(&mut self, oi: &Item, ni: &Item) {
        let id = ni.id.value.as_str();
        let t = (Target::Item, id);
        match ni.kind.value {
            ItemKind::SingleChoice | ItemKind::MultipleChoice => {
                self.options(id, options_of(oi), options_of(ni));
            }
            ItemKind::YesNo => {
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
            ItemKind::Scale | ItemKind::Number => {
                let (min0, max0) = (
                    oi.min.as_ref().map(|m| m.value),
                    oi.max.as_ref().map(|m| m.value),
                );
                let (min1, max1) = (
                    ni.min.as_ref().map(|m| m.value),
                    ni.max.as_ref().map(|m| m.value),
                );
                let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => same_num(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if !same(min0, min1) || !same(max0, max1) {
                    // Wider: the new bound is absent or at least as far out.
                    let wider_min = match (min0, min1) {
                        (_, None) => true,
                        (None, Some(_)) => false,
                        (Some(a), Some(b)) => b <= a,
                    };
                    let wider_max = match (max0, max1) {
                        (_, None) => true,
                        (None, Some(_)) => false,
                        (Some(a), Some(b)) => b >= a,
                    };
                    let wider = wider_min && wider_max;
                    let range =
                        |a: Option<f64>, b: Option<f64>| format!("{}..{}", opt_num(a), opt_num(b));
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
                let integer = |i: &Item| i.integer.as_ref().is_some_and(|s| s.value);
                let (a, b) = (integer(oi), integer(ni));
                if a != b {
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
                self.text(
                    t,
                    "unit",
                    &format!("unit of `{id}`"),
                    oi.unit.as_ref().map(|u| &u.value),
                    ni.unit.as_ref().map(|u| &u.value),
                );
                self.scale_labels(id, scale_labels_of(oi), scale_labels_of(ni));
            }
            ItemKind::Text => {
                let len = |i: &Item| i.max_length.as_ref().map_or(2000, |m| m.value);
                let (a, b) = (len(oi), len(ni));
                if a != b {
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
            }
            ItemKind::Info | ItemKind::Date => {}
        }
    }

    fn weight(
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

    fn options(&mut self, id: &str, old: &[ChoiceOption], new: &[ChoiceOption]) {
        let t = (Target::Item, id);
        // match_of_old[i] = index in new.
        let mut match_of_old: Vec<Option<usize>> = vec![None; old.len()];
        let mut taken = vec![false; new.len()];
        for (i, o) in old.iter().enumerate() {
            if let Some(j) = new.iter().position(|n| n.value.value == o.value.value) {
                match_of_old[i] = Some(j);
                taken[j] = true;
            }
        }
        let langs = self.langs.clone();
        let same_label = |a: &Text, b: &Text| langs.iter().all(|l| a.get(l) == b.get(l));
        let some_label = |a: &Text, b: &Text| {
            langs
                .iter()
                .any(|l| a.get(l).is_some() && a.get(l) == b.get(l))
        };
        let mut recoded = vec![false; old.len()];
        // A recode: the same label (in every language) under another value;
        // or at the same position, the same label in some language.
        for pass in 0..2 {
            for (i, o) in old.iter().enumerate() {
                if match_of_old[i].is_some() {
                    continue;
                }
                let candidate = (0..new.len()).find(|&j| {
                    !taken[j]
                        && if pass == 0 {
                            same_label(&o.label.value, &new[j].label.value)
                        } else {
                            j == i && some_label(&o.label.value, &new[j].label.value)
                        }
                });
                if let Some(j) = candidate {
                    match_of_old[i] = Some(j);
                    taken[j] = true;
                    recoded[i] = true;
                }
            }
        }
        for (i, o) in old.iter().enumerate() {
            let value = o.value.value.as_str();
            match match_of_old[i] {
                None => self.push(
                    Change::new(
                        ChangeKind::OptionRemoved,
                        Bump::Major,
                        Target::Item,
                        id,
                        format!(
                            "option \"{value}\" of `{id}` was removed; answers with it are rejected"
                        ),
                    )
                    .part(value)
                    .values(Some(value.to_owned()), None),
                ),
                Some(j) => {
                    let n = &new[j];
                    let new_value = n.value.value.as_str();
                    if recoded[i] {
                        self.push(
                            Change::new(
                                ChangeKind::OptionRecoded,
                                Bump::Major,
                                Target::Item,
                                id,
                                format!(
                                    "option \"{value}\" of `{id}` was recoded to \"{new_value}\""
                                ),
                            )
                            .part(value)
                            .values(Some(value.to_owned()), Some(new_value.to_owned())),
                        );
                    }
                    self.text(
                        t,
                        new_value,
                        &format!("label of option \"{new_value}\" of `{id}`"),
                        Some(&o.label.value),
                        Some(&n.label.value),
                    );
                    let (a, b) = (
                        o.score.as_ref().map(|s| s.value),
                        n.score.as_ref().map(|s| s.value),
                    );
                    let same = match (a, b) {
                        (Some(a), Some(b)) => same_num(a, b),
                        (None, None) => true,
                        _ => false,
                    };
                    if !same {
                        self.weight(
                            id,
                            new_value,
                            &format!("the score weight of option \"{new_value}\""),
                            a,
                            b,
                        );
                    }
                }
            }
        }
        for (j, n) in new.iter().enumerate() {
            if !taken[j] {
                let value = n.value.value.as_str();
                self.push(
                    Change::new(
                        ChangeKind::OptionAdded,
                        Bump::Minor,
                        Target::Item,
                        id,
                        format!("option \"{value}\" was added to `{id}`"),
                    )
                    .part(value)
                    .values(None, Some(value.to_owned())),
                );
            }
        }
        // Order of the options both versions have.
        let matched: Vec<usize> = match_of_old.iter().flatten().copied().collect();
        if matched.windows(2).any(|w| w[0] > w[1]) {
            let list = |values: Vec<&str>| values.join(", ");
            let before = list(
                old.iter()
                    .zip(&match_of_old)
                    .filter(|(_, m)| m.is_some())
                    .map(|(o, _)| o.value.value.as_str())
                    .collect(),
            );
            let mut in_new: Vec<usize> = matched.clone();
            in_new.sort_unstable();
            let after = list(
                in_new
                    .iter()
                    .map(|&j| new[j].value.value.as_str())
                    .collect(),
            );
            self.push(
                Change::new(
                    ChangeKind::OptionsReordered,
                    Bump::Patch,
                    Target::Item,
                    id,
                    format!("the options of `{id}` were reordered"),
                )
                .part("options")
                .shown(Some(before), Some(after)),
            );
        }
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

    // -------------------------------------------------------------- sections

    fn sections(&mut self, old: &Document, new: &Document) {
        let (old_ids, new_ids) = (by_id(&old.sections), by_id(&new.sections));
        for s in &old.sections {
            if !new_ids.contains_key(s.id.value.as_str()) {
                let id = s.id.value.as_str();
                self.push(Change::new(
                    ChangeKind::SectionRemoved,
                    Bump::Patch,
                    Target::Section,
                    id,
                    format!("section `{id}` was removed (its items are listed on their own)"),
                ));
            }
        }
        for n in &new.sections {
            let id = n.id.value.as_str();
            let Some(&o) = old_ids.get(id) else {
                self.push(Change::new(
                    ChangeKind::SectionAdded,
                    Bump::Patch,
                    Target::Section,
                    id,
                    format!("section `{id}` was added (its items are listed on their own)"),
                ));
                continue;
            };
            let (a, b) = (section_condition(o), section_condition(n));
            if !same_conds(&a, &b) {
                let question = o.items.iter().chain(&n.items).any(is_question);
                self.push(
                    Change::new(
                        ChangeKind::ConditionChanged,
                        bump_if(question),
                        Target::Section,
                        id,
                        format!("the condition of section `{id}` changed"),
                    )
                    .part("when")
                    .shown(Some(show_conds(&a)), Some(show_conds(&b))),
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

    // -------------------------------------------------------------- derived

    fn derived(&mut self, old: &[Derived], new: &[Derived]) {
        let (old_ids, new_ids) = (by_id(old), by_id(new));
        for o in old {
            if !new_ids.contains_key(o.id.value.as_str()) {
                let id = o.id.value.as_str();
                self.push(Change::new(
                    ChangeKind::DerivedRemoved,
                    Bump::Major,
                    Target::Derived,
                    id,
                    format!("derived value `{id}` was removed"),
                ));
            }
        }
        for n in new {
            let id = n.id.value.as_str();
            let Some(&o) = old_ids.get(n.id.value.as_str()) else {
                self.push(Change::new(
                    ChangeKind::DerivedAdded,
                    Bump::Minor,
                    Target::Derived,
                    id,
                    format!("derived value `{id}` was added"),
                ));
                continue;
            };
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
    }

    /// The statistics-only marking changes no outcome (nothing that steers
    /// a referral may read such a value), but what may read it does: minor.
    fn statistics_only(
        &mut self,
        target: Target,
        id: &str,
        old: Option<&crate::format::Sp<crate::format::StatisticsOnly>>,
        new: Option<&crate::format::Sp<crate::format::StatisticsOnly>>,
    ) {
        let text = |s: Option<&crate::format::Sp<crate::format::StatisticsOnly>>| {
            s.map(|s| s.value.justification.value.clone())
        };
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
    fn kept(&mut self, target: Target, id: &str, old: Kept<'_>, new: Kept<'_>) {
        let retention = |r: Option<&Sp<Retention>>| r.map_or(Retention::Keep, |s| s.value);
        let (r0, r1) = (retention(old.retention), retention(new.retention));
        if r0 != r1 {
            self.push(
                Change::new(
                    ChangeKind::KeptChanged,
                    Bump::Major,
                    target,
                    id,
                    format!(
                        "retention of `{id}` changed from {} to {}: the stored record {} it",
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
        let reason =
            |r: Option<&Sp<crate::format::Reveals>>| r.map(|r| r.value.reason.value.clone());
        let (a, b) = (reason(old.reveals), reason(new.reveals));
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

    fn derived_rule(&mut self, o: &Derived, n: &Derived) {
        let id = n.id.value.as_str();
        let rule_name = |d: &Derived| {
            if d.value.is_some() {
                "value"
            } else if d.cases.is_some() {
                "cases"
            } else {
                "flags"
            }
        };
        let (r0, r1) = (rule_name(o), rule_name(n));
        let changed = |this: &mut Self,
                       part: &str,
                       desc: String,
                       before: Option<String>,
                       after: Option<String>| {
            this.push(
                Change::new(
                    ChangeKind::DerivedChanged,
                    Bump::Major,
                    Target::Derived,
                    id,
                    desc,
                )
                .part(part)
                .shown(before, after),
            );
        };
        if r0 != r1 {
            self.push(
                Change::new(
                    ChangeKind::DerivedChanged,
                    Bump::Major,
                    Target::Derived,
                    id,
                    format!("derived value `{id}` changed from `{r0}` to `{r1}`"),
                )
                .part(r1)
                .values(Some(r0.to_owned()), Some(r1.to_owned())),
            );
            return;
        }
        if let (Some(a), Some(b)) = (&o.value, &n.value) {
            let (a, b) = (
                expr(&a.value, o.scope.as_deref()),
                expr(&b.value, n.scope.as_deref()),
            );
            if a != b {
                changed(
                    self,
                    "value",
                    format!("the value of `{id}` changed"),
                    Some(a.shown),
                    Some(b.shown),
                );
            }
            return;
        }
        let (a, b) = (cases(o), cases(n));
        for case in a {
            if !b.iter().any(|c| c.value.value == case.value.value) {
                let v = case.value.value.as_str();
                changed(
                    self,
                    v,
                    format!("case \"{v}\" of `{id}` was removed"),
                    Some(expr(&case.when.value, o.scope.as_deref()).shown),
                    None,
                );
            }
        }
        for case in b {
            let v = case.value.value.as_str();
            let Some(old_case) = a.iter().find(|c| c.value.value == case.value.value) else {
                changed(
                    self,
                    v,
                    format!("case \"{v}\" was added to `{id}`"),
                    None,
                    Some(expr(&case.when.value, n.scope.as_deref()).shown),
                );
                continue;
            };
            let (x, y) = (
                expr(&old_case.when.value, o.scope.as_deref()),
                expr(&case.when.value, n.scope.as_deref()),
            );
            if x != y {
                changed(
                    self,
                    v,
                    format!("the condition of case \"{v}\" of `{id}` changed"),
                    Some(x.shown),
                    Some(y.shown),
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
        let common = |from: &[Case], other: &[Case]| -> Vec<String> {
            from.iter()
                .filter(|c| other.iter().any(|x| x.value.value == c.value.value))
                .map(|c| c.value.value.clone())
                .collect()
        };
        let (order0, order1) = (common(a, b), common(b, a));
        if order0 != order1 {
            let first_wins = r1 == "cases";
            self.push(
                Change::new(
                    ChangeKind::DerivedChanged,
                    if first_wins { Bump::Major } else { Bump::Patch },
                    Target::Derived,
                    id,
                    if first_wins {
                        format!("the cases of `{id}` were reordered; the first that holds gives the value")
                    } else {
                        format!("the flags of `{id}` were reordered (a set has no order)")
                    },
                )
                .part(r1)
                .shown(Some(order0.join(", ")), Some(order1.join(", "))),
            );
        }
    }

    // -------------------------------------------------------------- scores

    fn scores(&mut self, old: &[Score], new: &[Score]) {
        let (old_ids, new_ids) = (by_id(old), by_id(new));
        for o in old {
            if !new_ids.contains_key(o.id.value.as_str()) {
                let id = o.id.value.as_str();
                self.push(Change::new(
                    ChangeKind::ScoreRemoved,
                    Bump::Major,
                    Target::Score,
                    id,
                    format!("score `{id}` was removed"),
                ));
            }
        }
        for n in new {
            let id = n.id.value.as_str();
            let Some(&o) = old_ids.get(n.id.value.as_str()) else {
                self.push(Change::new(
                    ChangeKind::ScoreAdded,
                    Bump::Minor,
                    Target::Score,
                    id,
                    format!("score `{id}` was added"),
                ));
                continue;
            };
            self.text(
                (Target::Score, id),
                "label",
                &format!("label of score `{id}`"),
                o.label.as_ref().map(|t| &t.value),
                n.label.as_ref().map(|t| &t.value),
            );
            self.score(o, n);
            self.statistics_only(
                Target::Score,
                n.id.value.as_str(),
                o.statistics_only.as_ref(),
                n.statistics_only.as_ref(),
            );
            self.kept(
                Target::Score,
                n.id.value.as_str(),
                Kept::of(o.retention.as_ref(), o.reveals.as_ref()),
                Kept::of(n.retention.as_ref(), n.reveals.as_ref()),
            );
        }
    }

    fn score(&mut self, o: &Score, n: &Score) {
        let id = n.id.value.as_str();
        let formula = |this: &mut Self,
                       bump: Bump,
                       part: &str,
                       desc: String,
                       before: String,
                       after: String| {
            let change = Change::new(
                ChangeKind::ScoreFormulaChanged,
                bump,
                Target::Score,
                id,
                desc,
            )
            .part(part);
            // Terms are long; the other parts are named in the description.
            this.push(if part == "terms" {
                change.shown(Some(before), Some(after))
            } else {
                change.values(Some(before), Some(after))
            });
        };
        if o.method.value != n.method.value {
            let (a, b) = (word(&o.method.value), word(&n.method.value));
            formula(
                self,
                Bump::Major,
                "method",
                format!("the method of score `{id}` changed from {a} to {b}"),
                a.clone(),
                b.clone(),
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
        let show = |t: &[Expr]| {
            t.iter()
                .map(|e| e.shown.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let terms_changed = sorted(&a) != sorted(&b);
        if terms_changed {
            formula(
                self,
                Bump::Major,
                "terms",
                format!("the terms of score `{id}` changed"),
                show(&a),
                show(&b),
            );
        } else if !same_conds(&a, &b) {
            formula(
                self,
                Bump::Patch,
                "terms",
                format!("the terms of score `{id}` were reordered (its value is the same)"),
                show(&a),
                show(&b),
            );
        }
        let explicit = (
            o.min_answered.as_ref().map(|m| m.value),
            n.min_answered.as_ref().map(|m| m.value),
        );
        let effective = (
            explicit.0.unwrap_or(a.len() as u32),
            explicit.1.unwrap_or(b.len() as u32),
        );
        if effective.0 != effective.1 && (explicit.0.is_some() || explicit.1.is_some()) {
            formula(
                self,
                Bump::Major,
                "min_answered",
                format!(
                    "`min_answered` of score `{id}` changed from {} to {}",
                    effective.0, effective.1
                ),
                effective.0.to_string(),
                effective.1.to_string(),
            );
        }
        let count_as = |c: &Option<Sp<CountAs>>| c.as_ref().map(|c| c.value).unwrap_or_default();
        for (part, x, y) in [
            ("declined", count_as(&o.declined), count_as(&n.declined)),
            ("dont_know", count_as(&o.dont_know), count_as(&n.dont_know)),
            ("hidden", count_as(&o.hidden), count_as(&n.hidden)),
        ] {
            if x != y {
                let (x, y) = (word(&x), word(&y));
                formula(
                    self,
                    Bump::Major,
                    part,
                    format!("score `{id}` now counts `{part}` as {y} (was {x})"),
                    x.clone(),
                    y.clone(),
                );
            }
        }
        self.bands(id, bands_of(o), bands_of(n));
    }

    fn bands(&mut self, id: &str, old: &[Band], new: &[Band]) {
        let (old_ids, new_ids) = (by_id(old), by_id(new));
        let range = |b: &Band| format!("{}..{}", num(b.min.value), num(b.max.value));
        for o in old {
            if !new_ids.contains_key(o.id.value.as_str()) {
                let band = o.id.value.as_str();
                self.push(
                    Change::new(
                        ChangeKind::BandRemoved,
                        Bump::Major,
                        Target::Score,
                        id,
                        format!("band `{band}` ({}) of score `{id}` was removed", range(o)),
                    )
                    .part(band)
                    .values(Some(range(o)), None),
                );
            }
        }
        for n in new {
            let band = n.id.value.as_str();
            let Some(&o) = old_ids.get(n.id.value.as_str()) else {
                self.push(
                    Change::new(
                        ChangeKind::BandAdded,
                        Bump::Major,
                        Target::Score,
                        id,
                        format!("band `{band}` ({}) was added to score `{id}`", range(n)),
                    )
                    .part(band)
                    .values(None, Some(range(n))),
                );
                continue;
            };
            if !same_num(o.min.value, n.min.value) || !same_num(o.max.value, n.max.value) {
                self.push(
                    Change::new(
                        ChangeKind::BandChanged,
                        Bump::Major,
                        Target::Score,
                        id,
                        format!(
                            "band `{band}` of score `{id}` changed from {} to {}",
                            range(o),
                            range(n)
                        ),
                    )
                    .part(band)
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

    // -------------------------------------------------------------- triggers and ends

    fn triggers(&mut self, old: &[Trigger], new: &[Trigger]) {
        let (old_ids, new_ids) = (by_id(old), by_id(new));
        for o in old {
            if !new_ids.contains_key(o.id.value.as_str()) {
                let id = o.id.value.as_str();
                self.push(Change::new(
                    ChangeKind::TriggerRemoved,
                    Bump::Major,
                    Target::Trigger,
                    id,
                    format!("trigger `{id}` was removed"),
                ));
            }
        }
        for n in new {
            let id = n.id.value.as_str();
            let Some(&o) = old_ids.get(n.id.value.as_str()) else {
                self.push(
                    Change::new(
                        ChangeKind::TriggerAdded,
                        Bump::Major,
                        Target::Trigger,
                        id,
                        format!("trigger `{id}` was added; it can fire on recorded sessions"),
                    )
                    .shown(None, Some(expr(&n.when.value, n.scope.as_deref()).shown)),
                );
                continue;
            };
            let (a, b) = (
                expr(&o.when.value, o.scope.as_deref()),
                expr(&n.when.value, n.scope.as_deref()),
            );
            if a != b {
                self.push(
                    Change::new(
                        ChangeKind::TriggerConditionChanged,
                        Bump::Major,
                        Target::Trigger,
                        id,
                        format!("the condition of trigger `{id}` changed"),
                    )
                    .part("when")
                    .shown(Some(a.shown), Some(b.shown)),
                );
            }
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
            self.text(
                (Target::Trigger, id),
                "text",
                &format!("text of trigger `{id}`"),
                Some(&o.text.value),
                Some(&n.text.value),
            );
            self.kept(
                Target::Trigger,
                id,
                Kept::of(o.retention.as_ref(), o.reveals.as_ref()),
                Kept::of(n.retention.as_ref(), n.reveals.as_ref()),
            );
        }
    }

    fn ends(&mut self, old: &[EarlyEnd], new: &[EarlyEnd]) {
        let (old_ids, new_ids) = (by_id(old), by_id(new));
        for o in old {
            if !new_ids.contains_key(o.id.value.as_str()) {
                let id = o.id.value.as_str();
                self.push(Change::new(
                    ChangeKind::EndRemoved,
                    Bump::Major,
                    Target::End,
                    id,
                    format!("end condition `{id}` was removed"),
                ));
            }
        }
        for n in new {
            let id = n.id.value.as_str();
            let Some(&o) = old_ids.get(n.id.value.as_str()) else {
                self.push(
                    Change::new(
                        ChangeKind::EndAdded,
                        Bump::Major,
                        Target::End,
                        id,
                        format!("end condition `{id}` was added"),
                    )
                    .shown(None, Some(expr(&n.when.value, n.scope.as_deref()).shown)),
                );
                continue;
            };
            let (a, b) = (
                expr(&o.when.value, o.scope.as_deref()),
                expr(&n.when.value, n.scope.as_deref()),
            );
            if a != b {
                self.push(
                    Change::new(
                        ChangeKind::EndConditionChanged,
                        Bump::Major,
                        Target::End,
                        id,
                        format!("the condition of end condition `{id}` changed"),
                    )
                    .part("when")
                    .shown(Some(a.shown), Some(b.shown)),
                );
            }
            self.text(
                (Target::End, id),
                "text",
                &format!("text of end condition `{id}`"),
                Some(&o.text.value),
                Some(&n.text.value),
            );
            self.kept(
                Target::End,
                id,
                Kept::of(None, o.reveals.as_ref()),
                Kept::of(None, n.reveals.as_ref()),
            );
        }
    }
}

/// The fields that decide what the stored record keeps of a part.
#[derive(Clone, Copy)]
struct Kept<'a> {
    retention: Option<&'a Sp<Retention>>,
    reveals: Option<&'a Sp<crate::format::Reveals>>,
}

impl<'a> Kept<'a> {
    fn of(
        retention: Option<&'a Sp<Retention>>,
        reveals: Option<&'a Sp<crate::format::Reveals>>,
    ) -> Self {
        Kept { retention, reveals }
    }
}

/// A language entry's status in words: `draft, for the person`,
/// `reviewed by X on 2026-11-30`, `source`.
fn status_words(entry: &crate::format::LanguageEntry) -> String {
    let status = entry.status.as_ref().map(|s| s.value).unwrap_or_default();
    let mut words = status.as_str().to_owned();
    if let Some(by) = &entry.reviewed_by {
        words.push_str(" by ");
        words.push_str(&by.value);
    }
    if let Some(on) = &entry.reviewed_on {
        words.push_str(" on ");
        words.push_str(&on.value);
    }
    if entry.audience.as_ref().map(|a| a.value) == Some(crate::language::Audience::Person) {
        words.push_str(", for the person");
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(old: &[&'static str], new: &[&str]) -> Vec<&'static str> {
        kept_in_order(old, new, |_| 1).into_iter().collect()
    }

    fn moved(old: &[&'static str], new: &[&str]) -> Vec<&'static str> {
        let kept = kept_in_order(old, new, |_| 1);
        old.iter()
            .filter(|id| new.contains(id) && !kept.contains(*id))
            .copied()
            .collect()
    }

    #[test]
    fn an_insertion_or_removal_moves_nothing() {
        assert!(moved(&["a", "b", "c"], &["a", "x", "b", "c"]).is_empty());
        assert!(moved(&["a", "b", "c"], &["x", "a", "b", "c", "y"]).is_empty());
        assert!(moved(&["a", "b", "c"], &["a", "c"]).is_empty());
        assert_eq!(kept(&["a", "b", "c"], &["a", "c"]), ["a", "c"]);
    }

    #[test]
    fn moving_one_item_reports_only_that_item() {
        assert_eq!(moved(&["a", "b", "c", "d"], &["d", "a", "b", "c"]), ["d"]);
        assert_eq!(moved(&["a", "b", "c", "d"], &["b", "c", "d", "a"]), ["a"]);
        assert_eq!(
            moved(&["a", "b", "c", "d", "e"], &["a", "d", "b", "c", "e"]),
            ["d"]
        );
    }

    #[test]
    fn a_swap_moves_one_of_the_two() {
        assert_eq!(moved(&["a", "b"], &["b", "a"]).len(), 1);
        assert_eq!(moved(&["a", "b", "c"], &["c", "b", "a"]).len(), 2);
        assert!(moved(&[], &["a"]).is_empty());
    }

    #[test]
    fn heavier_items_stay_in_place() {
        // `q` is a question, `i` an information text: the text moved.
        let weight = |id: &str| if id == "q" { 10 } else { 1 };
        let kept = kept_in_order(&["i", "q"], &["q", "i"], weight);
        assert!(kept.contains("q") && !kept.contains("i"));
        let weight = |id: &str| if id.starts_with('q') { 10 } else { 1 };
        // Two texts kept would outweigh one question only without weights.
        let kept = kept_in_order(&["q1", "i1", "i2"], &["i1", "i2", "q1"], weight);
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["q1"]);
    }

    #[test]
    fn the_kept_subsequence_is_a_longest_one() {
        // Compare with a quadratic LCS on permutations.
        let cases: [(&[&'static str], &[&str]); 4] = [
            (
                &["a", "b", "c", "d", "e", "f"],
                &["b", "a", "d", "c", "f", "e"],
            ),
            (
                &["a", "b", "c", "d", "e", "f"],
                &["f", "e", "d", "c", "b", "a"],
            ),
            (
                &["a", "b", "c", "d", "e", "f"],
                &["c", "d", "a", "b", "e", "f"],
            ),
            (&["a", "b", "c", "d"], &["a", "b", "c", "d"]),
        ];
        for (old, new) in cases {
            let mut table = vec![vec![0usize; new.len() + 1]; old.len() + 1];
            for i in 0..old.len() {
                for j in 0..new.len() {
                    table[i + 1][j + 1] = if old[i] == new[j] {
                        table[i][j] + 1
                    } else {
                        table[i][j + 1].max(table[i + 1][j])
                    };
                }
            }
            let k = kept(old, new);
            assert_eq!(k.len(), table[old.len()][new.len()], "{old:?} → {new:?}");
            // ... and really a common subsequence.
            let in_old: Vec<&str> = old.iter().filter(|x| k.contains(x)).copied().collect();
            let in_new: Vec<&str> = new.iter().filter(|x| k.contains(x)).copied().collect();
            assert_eq!(in_old, in_new);
        }
    }

    #[test]
    fn versions_parse_as_three_numbers() {
        assert_eq!(parse_version("1.0.0"), Some((1, 0, 0)));
        assert_eq!(parse_version("10.20.30"), Some((10, 20, 30)));
        for bad in [
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.0.0-beta",
            "",
            "a.b.c",
            "1..0",
            "1.0.x",
        ] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_actual_bump_is_the_highest_raised_position() {
        let bump =
            |a: &str, b: &str| version_bump(parse_version(a).unwrap(), parse_version(b).unwrap());
        assert_eq!(bump("1.0.0", "1.0.1"), Some(Bump::Patch));
        assert_eq!(bump("1.0.9", "1.1.0"), Some(Bump::Minor));
        assert_eq!(bump("1.2.3", "1.3.7"), Some(Bump::Minor));
        assert_eq!(bump("1.9.9", "2.0.0"), Some(Bump::Major));
        assert_eq!(bump("0.1.0", "0.2.0"), Some(Bump::Minor));
        assert_eq!(bump("1.0.0", "1.0.0"), None);
        assert_eq!(bump("2.0.0", "1.9.9"), None);
        assert_eq!(bump("1.2.0", "1.1.5"), None);
    }

    #[test]
    fn expressions_compare_by_meaning_of_their_text() {
        let same = |a: &str, b: &str| expr(a, None) == expr(b, None);
        assert!(same("a==1", "a == 1"));
        assert!(same("(a == 1)", "a  ==\n 1"));
        assert!(same("x == 'y'", "x == \"y\""));
        assert!(same("a || b && c", "a || (b && c)"));
        assert!(same("n >= 2.0", "n >= 2"));
        assert!(!same("a == 1", "a == 2"));
        assert!(!same("(a || b) && c", "a || b && c"));
        assert_eq!(expr("a   ==\n  1", None).shown, "a == 1");
    }

    #[test]
    fn names_inside_a_template_instance_resolve_to_full_ids() {
        let scope = LocalScope {
            prefix: "working".into(),
            locals: ["need".to_owned()].into_iter().collect(),
        };
        assert_eq!(
            expr("need > 2 && answered(need) && consent", Some(&scope)),
            expr(
                "working.need > 2 && answered(working.need) && consent",
                None
            )
        );
    }

    fn change(bump: Bump, description: &str) -> Change {
        Change::new(
            ChangeKind::TextChanged,
            bump,
            Target::Item,
            "x",
            description.to_owned(),
        )
    }

    fn versions(old: &str, new: &str, changes: Vec<Change>) -> Diff {
        Diff {
            id: "q".into(),
            old_version: old.into(),
            new_version: new.into(),
            old_digest: String::new(),
            new_digest: String::new(),
            changes,
        }
    }

    #[test]
    fn check_version_compares_the_required_and_the_actual_bump() {
        let major = || {
            vec![
                change(Bump::Patch, "p"),
                change(Bump::Major, "m1"),
                change(Bump::Major, "m2"),
            ]
        };
        assert!(versions("1.0.0", "2.0.0", major()).check_version().is_ok());
        let err = versions("1.0.0", "1.1.0", major())
            .check_version()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "1.0.0 → 1.1.0 is a minor release, but the changes need a major release: m1 (and 1 more major change)"
        );
        let err = versions("1.0.0", "1.0.0", major())
            .check_version()
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "version 1.0.0 is the same as 1.0.0, but the changes need a major release: m1"
            ),
            "{err}"
        );
        let err = versions("1.0.0", "0.9.0", vec![])
            .check_version()
            .unwrap_err();
        assert_eq!(err.to_string(), "version 0.9.0 is lower than 1.0.0");
        assert!(versions("1.0.0", "1.0.0", vec![]).check_version().is_ok());
        assert!(
            versions("1.0.0", "1.0.1", vec![change(Bump::Patch, "p")])
                .check_version()
                .is_ok()
        );
        assert!(
            versions("1.0.0", "2.0.0", vec![change(Bump::Patch, "p")])
                .check_version()
                .is_ok()
        );
        assert!(matches!(
            versions("1.0", "1.0.1", vec![]).check_version(),
            Err(VersionError::InvalidVersion { .. })
        ));
    }
}
