//! What a change is: its kind, the release it needs ([`Bump`]), what it
//! concerns ([`Target`]), and how it reads in the report.

use std::fmt;

use serde::Serialize;

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
#[non_exhaustive]
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
    pub(super) fn new(
        kind: ChangeKind,
        bump: Bump,
        target: Target,
        id: &str,
        description: String,
    ) -> Self {
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

    /// A whole part added or removed: "score `x` was removed".
    pub(super) fn whole(
        kind: ChangeKind,
        bump: Bump,
        target: Target,
        id: &str,
        done: &str,
    ) -> Self {
        Change::new(
            kind,
            bump,
            target,
            id,
            format!("{target} `{id}` was {done}"),
        )
    }

    pub(super) fn part(mut self, part: impl Into<String>) -> Self {
        self.part = Some(part.into());
        self
    }

    pub(super) fn lang(mut self, lang: &str) -> Self {
        self.lang = Some(lang.to_owned());
        self
    }

    /// Short values the description already names.
    pub(super) fn values(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before.map(|b| shorten(&b));
        self.after = after.map(|a| shorten(&a));
        self
    }

    /// Long values (texts, expressions) the report shows below the description.
    pub(super) fn shown(mut self, before: Option<String>, after: Option<String>) -> Self {
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
