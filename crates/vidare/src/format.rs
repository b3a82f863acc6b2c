//! The YAML document types of questionnaire format v1, exactly as written.
//!
//! These types only describe shape; every rule that spans more than one
//! field (ids, references, types, translations) is checked by `compile`.
//! Kind-specific item fields are flat optional fields rather than a tagged
//! enum because serde loses source positions inside tagged enums, and every
//! diagnostic must point at a line.
//!
//! **Unstable:** the document types follow the questionnaire format and may
//! change with it in any release; `ItemKind`, `AnsweredBy`, `Retention` and
//! `Urgency` are the stable words here.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use crate::yaml::Sp;

/// The only format version this crate reads.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest format this engine still reads. Format 1 is format 2 with
/// one difference: a kept output that reveals a conversation-only answer
/// without saying so is a warning (V030) rather than an error (V029), so
/// versions published before the disclosure check still load with the same
/// digest and their recordings replay.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// A human text: language code → text, e.g. `{sv: "Bor du ensam?", en: "Do you live alone?"}`.
pub type Text = BTreeMap<String, String>;

/// A whole questionnaire file.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Format version of this file: 2 (1 is still read; see
    /// [`OLDEST_FORMAT_VERSION`]).
    pub format: Sp<u32>,
    /// Stable id of the questionnaire: lower-case letters, digits, `-` and `_`.
    pub id: Sp<String>,
    /// Semantic version `MAJOR.MINOR.PATCH` of this definition.
    pub version: Sp<String>,
    /// Title per language.
    pub title: Sp<Text>,
    /// Optional description per language.
    #[serde(default)]
    pub description: Option<Sp<Text>>,
    /// The languages of the texts, e.g. `[sv, en]`: plain codes, or
    /// entries with the status of their translation (`code`, `status`,
    /// `audience`, `reviewed_by`, `reviewed_on`).
    pub languages: Sp<Vec<Sp<LanguageEntry>>>,
    /// The language used when a caller asks for none; one of `languages`
    /// whose audience is `all`.
    pub default_language: Sp<String>,
    /// Section templates, expanded where a section says `use:`.
    #[serde(default)]
    pub templates: Vec<Template>,
    /// Sections with their items, in the order they are asked. An entry may
    /// instead `use:` a template for a list of keys, or `include:` sections
    /// of another questionnaire.
    pub sections: Vec<Section>,
    /// Named values computed from earlier answers.
    #[serde(default)]
    pub derived: Vec<Derived>,
    /// Named scores over items or expressions.
    #[serde(default)]
    pub scores: Vec<Score>,
    /// Referral triggers.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// What each `refer_to` key is called, per language, e.g.
    /// `social-services: {sv: Socialtjänsten, en: Social services}`: shown
    /// to the practitioner instead of the key. When present, every
    /// trigger's `refer_to` must have a label here (V038).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrals: Option<Sp<BTreeMap<String, Sp<Text>>>>,
    /// Conditions that end the interview early.
    #[serde(default)]
    pub end: Vec<EarlyEnd>,
}

/// A group of items shown together under one condition; or, in the
/// document as written, a `use:` of a template or an `include:` of another
/// questionnaire's sections, which loading expands into plain sections.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Unique id (not given for `use:` and `include:` entries).
    #[serde(default, skip_serializing_if = "is_unset")]
    pub id: Sp<String>,
    /// Heading per language.
    #[serde(default)]
    pub title: Option<Sp<Text>>,
    /// Condition on earlier items; the whole section is skipped unless it holds.
    #[serde(default)]
    pub when: Option<Sp<String>>,
    /// The items in order.
    #[serde(default)]
    pub items: Vec<Item>,
    /// The id of a template to expand once per entry of `for_each`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_template: Option<Sp<String>>,
    /// The instances of the template: each gives a key and its variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<Sp<Vec<Instance>>>,
    /// `id@version` of a questionnaire whose sections are included here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Sp<String>>,
    /// The prefix of every included id (`as: violence` gives `violence.alone`).
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub alias: Option<Sp<String>>,
    /// Which sections of the included questionnaire (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Sp<Vec<Sp<String>>>>,
    /// Where names in this section's expressions resolve first (set by
    /// expansion; part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub scope: Option<std::sync::Arc<LocalScope>>,
    /// Conditions that must also hold: the `when` of the entry it was
    /// expanded from, and the end conditions of an included questionnaire
    /// (set by expansion; part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub guards: Vec<Guard>,
}

/// One entry of `languages`: a plain BCP 47 code (`sv`), written by the
/// questionnaire's authors, or a code with the status of its translation:
///
/// ```yaml
/// - code: ar
///   status: draft
///   audience: person
/// ```
///
/// An entry without `status`, `audience` or reviewer is written out as the
/// plain code, so a questionnaire's digest does not change when a plain
/// code is spelt `code: sv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LanguageEntry {
    /// The BCP 47 code in lower case, e.g. `ar` or `sv-x-easy`.
    pub code: Sp<String>,
    /// `source` (default), `reviewed` or `draft`.
    pub status: Option<Sp<crate::language::Status>>,
    /// `all` (default) or `person`.
    pub audience: Option<Sp<crate::language::Audience>>,
    /// Who reviewed a `reviewed` translation: name, and that they are an
    /// authorised translator.
    pub reviewed_by: Option<Sp<String>>,
    /// The day the review was done, `YYYY-MM-DD`.
    pub reviewed_on: Option<Sp<String>>,
}

impl LanguageEntry {
    fn is_plain(&self) -> bool {
        self.status.is_none()
            && self.audience.is_none()
            && self.reviewed_by.is_none()
            && self.reviewed_on.is_none()
    }
}

/// The fields of a language entry written as a mapping.
#[derive(Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "LanguageStatus"))]
#[serde(deny_unknown_fields)]
struct LanguageFields {
    /// The BCP 47 code in lower case, e.g. `ar` or `sv-x-easy`.
    code: Sp<String>,
    /// `source` (default): written by the authors; `reviewed`: checked by
    /// an authorised translator (needs `reviewed_by` and `reviewed_on`);
    /// `draft`: not yet checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Sp<crate::language::Status>>,
    /// `all` (default): every text; `person`: only the texts the person sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audience: Option<Sp<crate::language::Audience>>,
    /// Who reviewed the translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Sp<String>>,
    /// The day of the review, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reviewed_on: Option<Sp<String>>,
}

impl<'de> Deserialize<'de> for LanguageEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = LanguageEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a language code, or a mapping with `code` and `status`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LanguageEntry, E> {
                Ok(LanguageEntry {
                    code: Sp::unplaced(v.to_owned()),
                    ..LanguageEntry::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<LanguageEntry, A::Error> {
                let f =
                    LanguageFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(LanguageEntry {
                    code: f.code,
                    status: f.status,
                    audience: f.audience,
                    reviewed_by: f.reviewed_by,
                    reviewed_on: f.reviewed_on,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl serde::Serialize for LanguageEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_plain() {
            return self.code.value.serialize(serializer);
        }
        LanguageFields {
            code: self.code.clone(),
            status: self.status.clone(),
            audience: self.audience.clone(),
            reviewed_by: self.reviewed_by.clone(),
            reviewed_on: self.reviewed_on.clone(),
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LanguageEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LanguageEntry".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let fields = generator.subschema_for::<LanguageFields>();
        schemars::json_schema!({
            "description": "A BCP 47 language code in lower case (`sv`, `ar`, `sv-x-easy`), or the code with the status of its translation.",
            "anyOf": [{ "type": "string" }, fields]
        })
    }
}

/// A picture shown with an item or option (room in the format; no
/// frontend shows pictures yet).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// The picture file, relative to the questionnaire's folder, e.g.
    /// `images/alone.png`.
    pub path: Sp<String>,
    /// What the picture shows, per language, for people who cannot see it
    /// (person-facing: needed in every declared language).
    pub alt: Sp<Text>,
}

fn is_unset(id: &Sp<String>) -> bool {
    id.value.is_empty()
}

/// Names that resolve inside an expanded template instance or included
/// questionnaire: a local name `n` means `prefix.n`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LocalScope {
    /// The prefix of the instance or inclusion.
    pub prefix: String,
    /// The names declared inside it.
    pub locals: std::collections::BTreeSet<String>,
}

/// `name` as the whole questionnaire knows it: `prefix.name` when it is
/// declared in `scope` (the template instance or inclusion an expression
/// stands in), the name itself otherwise. The compiler resolves names this
/// way; `diff` and the drawings of `vidare-render` show them so.
#[must_use]
pub fn qualify(name: &str, scope: Option<&LocalScope>) -> String {
    match scope {
        Some(s) if s.locals.contains(name) => format!("{}.{name}", s.prefix),
        _ => name.to_owned(),
    }
}

/// A further condition on an expanded section: the `when` of the `use:` or
/// `include:` entry it came from, or an end condition of an included
/// questionnaire, which skips the rest of the included part instead of
/// ending the whole interview.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Guard {
    /// The condition.
    pub condition: Sp<String>,
    /// Whether it must hold (a `when`) or must not hold (an end condition).
    pub must_hold: bool,
    /// Where its names resolve.
    pub scope: Option<std::sync::Arc<LocalScope>>,
}

/// One expansion of a template.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// The key: the section's id and the prefix of every id inside it.
    pub key: Sp<String>,
    /// Values for `{name}` placeholders in the template's texts.
    #[serde(default)]
    pub vars: BTreeMap<String, Var>,
}

/// The value of a template placeholder.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Var {
    /// The same in every language (also usable in `refer_to`).
    Plain(String),
    /// Per language.
    Text(Text),
}

/// A block declared once and expanded for a list of keys: a section, and
/// the derived values, scores and triggers that belong to it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's id, named by `use:`.
    pub id: Sp<String>,
    /// The section each instance becomes.
    pub section: TemplateSection,
    /// Derived values of each instance.
    #[serde(default)]
    pub derived: Vec<Derived>,
    /// Scores of each instance.
    #[serde(default)]
    pub scores: Vec<Score>,
    /// Triggers of each instance.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

/// The section part of a template.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateSection {
    /// Heading per language; `{name}` placeholders are filled per instance.
    #[serde(default)]
    pub title: Option<Sp<Text>>,
    /// Condition of each instance's section.
    #[serde(default)]
    pub when: Option<Sp<String>>,
    /// The items; their ids get the instance key as prefix.
    pub items: Vec<Item>,
}

/// What kind of answer an item takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Display only: a text read out, no answer.
    Info,
    /// Yes or no.
    YesNo,
    /// Exactly one of `options`.
    SingleChoice,
    /// Any number of `options`.
    MultipleChoice,
    /// An integer from `min` to `max`, optionally with `labels`.
    Scale,
    /// A number within `min`..`max`, optionally with a `unit`.
    Number,
    /// Free text (never usable in conditions or scores).
    Text,
    /// A calendar date `YYYY-MM-DD`.
    Date,
}

impl ItemKind {
    /// The word the YAML uses for this kind (`yes_no`, `single_choice`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Info => "info",
            ItemKind::YesNo => "yes_no",
            ItemKind::SingleChoice => "single_choice",
            ItemKind::MultipleChoice => "multiple_choice",
            ItemKind::Scale => "scale",
            ItemKind::Number => "number",
            ItemKind::Text => "text",
            ItemKind::Date => "date",
        }
    }
}

/// Who gives the answer to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// The person being interviewed.
    #[default]
    Person,
    /// The practitioner: framing checks and professional conclusions.
    Practitioner,
}

/// How long an answer may be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// Kept in the stored result.
    #[default]
    Keep,
    /// Used during the conversation only: left out of the stored result.
    Conversation,
}

/// One question or text.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique id, used in conditions, scores and recordings.
    pub id: Sp<String>,
    /// What kind of answer the item takes.
    pub kind: Sp<ItemKind>,
    /// The question or text per language.
    pub text: Sp<Text>,
    /// An optional help text per language.
    #[serde(default)]
    pub help: Option<Sp<Text>>,
    /// Who answers: `person` (default) or `practitioner`.
    #[serde(default)]
    pub answered_by: Option<Sp<AnsweredBy>>,
    /// Whether the item must be answered (default true); optional items can be skipped.
    #[serde(default)]
    pub required: Option<Sp<bool>>,
    /// Whether "prefer not to answer" is offered (default false).
    #[serde(default)]
    pub allow_decline: Option<Sp<bool>>,
    /// Whether "don't know" is offered (default false).
    #[serde(default)]
    pub allow_dont_know: Option<Sp<bool>>,
    /// A protected attribute (such as gender): recorded, never a rule input.
    #[serde(default)]
    pub protected: Option<Sp<bool>>,
    /// How long the answer may be kept (default `keep`).
    #[serde(default)]
    pub retention: Option<Sp<Retention>>,
    /// Counted, without the person, in the yes-rate statistics of the
    /// questionnaire (yes/no and single-choice items only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Sp<bool>>,
    /// For a kept item whose condition reads conversation-only answers:
    /// says that whether it was asked may reveal them, and why that is
    /// acceptable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveals: Option<Sp<Reveals>>,
    /// Condition on earlier items; the item is asked only when it holds.
    #[serde(default)]
    pub when: Option<Sp<String>>,
    /// Options of a single or multiple choice item.
    #[serde(default)]
    pub options: Option<Sp<Vec<ChoiceOption>>>,
    /// Lowest value of a scale or number item.
    #[serde(default)]
    pub min: Option<Sp<f64>>,
    /// Highest value of a scale or number item.
    #[serde(default)]
    pub max: Option<Sp<f64>>,
    /// Whether a number item accepts only whole numbers (default false).
    #[serde(default)]
    pub integer: Option<Sp<bool>>,
    /// Unit of a number item per language.
    #[serde(default)]
    pub unit: Option<Sp<Text>>,
    /// Labels of some or all points of a scale.
    #[serde(default)]
    pub labels: Option<Sp<Vec<ScaleLabel>>>,
    /// Longest accepted free text, in characters (default 2000).
    #[serde(default)]
    pub max_length: Option<Sp<u32>>,
    /// Score weights of a yes/no item, default `{yes: 1, no: 0}`.
    #[serde(default)]
    pub scores: Option<Sp<YesNoScores>>,
    /// A derived value offered as the suggested answer, which the
    /// practitioner confirms or overrides.
    #[serde(default)]
    pub suggested: Option<Sp<String>>,
    /// A picture shown with the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Sp<Image>>,
    /// Further conditions from expansion: end conditions of an included
    /// questionnaire (part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub guards: Vec<Guard>,
}

/// Score weights of the two answers of a yes/no item.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct YesNoScores {
    /// Weight of "yes".
    pub yes: f64,
    /// Weight of "no".
    pub no: f64,
}

/// One option of a choice item.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stable value stored in answers and used in conditions.
    pub value: Sp<String>,
    /// Label per language.
    pub label: Sp<Text>,
    /// Weight of the option in scores.
    #[serde(default)]
    pub score: Option<Sp<f64>>,
    /// A picture shown with the option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Sp<Image>>,
}

/// The label of one point of a scale.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScaleLabel {
    /// The scale point.
    pub value: Sp<i64>,
    /// Label per language.
    pub label: Sp<Text>,
}

/// A named value computed from earlier answers.
///
/// Exactly one of `value` (a boolean or number expression), `cases`
/// (a category: the first case whose condition holds) or `flags` (a set:
/// every case whose condition holds) is given.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Derived {
    /// Where names in its expressions resolve first (set by expansion;
    /// part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub scope: Option<std::sync::Arc<LocalScope>>,
    /// Unique id.
    pub id: Sp<String>,
    /// Optional label per language.
    #[serde(default)]
    pub label: Option<Sp<Text>>,
    /// An expression giving a boolean or a number.
    #[serde(default)]
    pub value: Option<Sp<String>>,
    /// A category: the first case whose condition holds gives the value.
    #[serde(default)]
    pub cases: Option<Sp<Vec<Case>>>,
    /// A set of categories: every case whose condition holds is included.
    #[serde(default)]
    pub flags: Option<Sp<Vec<Case>>>,
    /// Marks the value as kept for statistics only: it may read protected
    /// items (such as gender), and nothing but other statistics-only
    /// derived values and scores may read it, so it never steers a
    /// condition, score or referral. Needs a `justification`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics_only: Option<Sp<StatisticsOnly>>,
    /// `keep` (default): kept in the stored record; `conversation`: shown
    /// during the interview only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Sp<Retention>>,
    /// Says that this kept output may reveal the conversation-only answers
    /// it is computed from, and why that is acceptable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveals: Option<Sp<Reveals>>,
}

/// An acknowledged disclosure: a kept output that may reveal answers kept
/// only for the conversation, with the reason it may.
///
/// The loader reads a missing `reason` as empty and reports it with the
/// other problems (V003); editors see it as required.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = reason_required))]
#[serde(deny_unknown_fields)]
pub struct Reveals {
    /// Why keeping this output is acceptable although it reveals
    /// conversation-only answers, e.g. "the referral is the support agreed
    /// on with the person". Must not be empty.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub reason: Sp<String>,
}

#[cfg(feature = "schema")]
fn reason_required(schema: &mut schemars::Schema) {
    schema.insert("required".into(), serde_json::json!(["reason"]));
    if let Some(property) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("reason"))
        .and_then(serde_json::Value::as_object_mut)
    {
        property.remove("default");
    }
}

/// Why a derived value or score is kept for statistics only, the one
/// documented exception to the protected-attribute rule.
///
/// The loader reads a missing `justification` as empty and reports it
/// with the other problems (V003); editors see it as required.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = justification_required))]
#[serde(deny_unknown_fields)]
pub struct StatisticsOnly {
    /// What the output is for and who reads it, e.g. "gender distribution
    /// of health needs, reported to the steering group". Must not be empty.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub justification: Sp<String>,
}

#[cfg(feature = "schema")]
fn justification_required(schema: &mut schemars::Schema) {
    schema.insert("required".into(), serde_json::json!(["justification"]));
    if let Some(property) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("justification"))
        .and_then(serde_json::Value::as_object_mut)
    {
        property.remove("default");
    }
}

/// One possible value of a category or flag set.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The category value.
    pub value: Sp<String>,
    /// The condition under which it holds.
    pub when: Sp<String>,
    /// Optional label per language.
    #[serde(default)]
    pub label: Option<Sp<Text>>,
}

/// How a score combines its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Sum of the terms.
    Sum,
    /// Number of terms that are true or non-zero.
    Count,
    /// Mean of the terms that have a value.
    Mean,
    /// Smallest term.
    Min,
    /// Largest term.
    Max,
}

impl Method {
    /// The word the YAML uses for this method (`sum`, `mean`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Sum => "sum",
            Method::Count => "count",
            Method::Mean => "mean",
            Method::Min => "min",
            Method::Max => "max",
        }
    }
}

/// How a declined or "don't know" answer counts in a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountAs {
    /// As a missing answer: the term is left out (default).
    #[default]
    Missing,
    /// As zero.
    Zero,
}

/// A named score.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Where names in its expressions resolve first (set by expansion;
    /// part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub scope: Option<std::sync::Arc<LocalScope>>,
    /// Unique id.
    pub id: Sp<String>,
    /// Optional label per language.
    #[serde(default)]
    pub label: Option<Sp<Text>>,
    /// How the terms combine.
    pub method: Sp<Method>,
    /// The terms: item ids (counting their option weights) or expressions.
    pub over: Sp<Vec<Sp<String>>>,
    /// Least number of terms with a value for the score to have one
    /// (default: all terms).
    #[serde(default)]
    pub min_answered: Option<Sp<u32>>,
    /// How declined answers count (default `missing`).
    #[serde(default)]
    pub declined: Option<Sp<CountAs>>,
    /// How "don't know" counts (default `missing`).
    #[serde(default)]
    pub dont_know: Option<Sp<CountAs>>,
    /// How an item term counts while a condition that is false hides it
    /// (default `missing`); `zero` scores an item a rule skipped as 0,
    /// while one hidden by an unknown condition stays missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Sp<CountAs>>,
    /// Labelled ranges of the score, ascending, without gaps or overlaps.
    #[serde(default)]
    pub bands: Option<Sp<Vec<Band>>>,
    /// Marks the score as kept for statistics only: it may read protected
    /// items (such as gender), and nothing but other statistics-only
    /// derived values and scores may read it, so it never steers a
    /// condition, score or referral. Needs a `justification`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics_only: Option<Sp<StatisticsOnly>>,
    /// `keep` (default): kept in the stored record; `conversation`: shown
    /// during the interview only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Sp<Retention>>,
    /// Says that this kept output may reveal the conversation-only answers
    /// it is computed from, and why that is acceptable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveals: Option<Sp<Reveals>>,
}

/// A labelled range of a score.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Unique id within the score, e.g. `high`.
    pub id: Sp<String>,
    /// Lowest value in the band (inclusive).
    pub min: Sp<f64>,
    /// Highest value in the band (inclusive; for scores that can take
    /// fractional values, the next band may start at this value and wins).
    pub max: Sp<f64>,
    /// Label per language.
    pub label: Sp<Text>,
}

/// How soon a referral must be acted on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Act now, during this meeting.
    Immediate,
    /// Act within days.
    Soon,
    /// Part of ordinary planning.
    Routine,
}

impl Urgency {
    /// The word the YAML uses for this urgency (`immediate`, `soon`, `routine`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Immediate => "immediate",
            Urgency::Soon => "soon",
            Urgency::Routine => "routine",
        }
    }
}

/// A referral trigger.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Where names in its expressions resolve first (set by expansion;
    /// part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub scope: Option<std::sync::Arc<LocalScope>>,
    /// Unique id.
    pub id: Sp<String>,
    /// Condition under which the trigger fires.
    pub when: Sp<String>,
    /// How soon the referral must be acted on.
    pub urgency: Sp<Urgency>,
    /// Where the person is referred: a stable key such as `social-services`.
    pub refer_to: Sp<String>,
    /// What the practitioner should do, per language.
    pub text: Sp<Text>,
    /// `keep` (default): kept in the stored record; `conversation`: shown
    /// during the interview only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Sp<Retention>>,
    /// Says that this kept output may reveal the conversation-only answers
    /// it is computed from, and why that is acceptable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveals: Option<Sp<Reveals>>,
}

/// A condition that ends the interview before its last item.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EarlyEnd {
    /// Where names in its expressions resolve first (set by expansion;
    /// part of the digest, never read from YAML).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub scope: Option<std::sync::Arc<LocalScope>>,
    /// Unique id.
    pub id: Sp<String>,
    /// Condition; checked as soon as every item it reads has been passed.
    pub when: Sp<String>,
    /// What the practitioner is told, per language.
    pub text: Sp<Text>,
    /// Says that the stored end may reveal the conversation-only answers
    /// its condition reads, and why that is acceptable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveals: Option<Sp<Reveals>>,
}

#[cfg(test)]
mod tests {
    use super::{ItemKind, Method, Urgency};

    /// `as_str` is the word serde reads and writes, for every variant.
    #[test]
    fn words_are_the_yaml_words() {
        fn json<T: serde::Serialize>(value: &T) -> String {
            serde_json::to_string(value).expect("serialises")
        }
        let kinds = [
            ItemKind::Info,
            ItemKind::YesNo,
            ItemKind::SingleChoice,
            ItemKind::MultipleChoice,
            ItemKind::Scale,
            ItemKind::Number,
            ItemKind::Text,
            ItemKind::Date,
        ];
        for k in kinds {
            assert_eq!(json(&k), format!("\"{}\"", k.as_str()));
        }
        for m in [
            Method::Sum,
            Method::Count,
            Method::Mean,
            Method::Min,
            Method::Max,
        ] {
            assert_eq!(json(&m), format!("\"{}\"", m.as_str()));
        }
        for u in [Urgency::Immediate, Urgency::Soon, Urgency::Routine] {
            assert_eq!(json(&u), format!("\"{}\"", u.as_str()));
        }
    }
}
