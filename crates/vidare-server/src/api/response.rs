//! What the API answers with: the questionnaire list, a session's state
//! and its parts, the session list, and the names under which the core's
//! own schemas (result, recording) stand in the OpenAPI document.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::AnswerValue;

/// The questionnaires the service runs.
#[derive(Serialize, ToSchema)]
pub struct QuestionnaireList {
    /// One entry per questionnaire id, sorted.
    pub questionnaires: Vec<QuestionnaireInfo>,
}

/// A questionnaire and its versions.
#[derive(Serialize, ToSchema)]
pub struct QuestionnaireInfo {
    /// Its id.
    pub id: String,
    /// The highest version.
    pub latest: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionInfo>,
}

/// One version of a questionnaire.
#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    /// Semantic version.
    pub version: String,
    /// `id@version`, to start a session with.
    pub spec: String,
    /// The title per language.
    pub title: BTreeMap<String, String>,
    /// Declared languages.
    pub languages: Vec<String>,
    /// The default language.
    pub default_language: String,
    /// `sha256:` digest of the definition.
    pub digest: String,
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An item is waiting for a response (`next`).
    Asking,
    /// Every shown item has a response.
    Complete,
    /// An end condition ended the interview early (`ended_by`).
    Ended,
    /// Closed: the result is stored and the session is read-only.
    Closed,
}

/// The kind of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKindName {
    /// A text only.
    Info,
    /// Yes or no.
    YesNo,
    /// One option.
    SingleChoice,
    /// Any number of options.
    MultipleChoice,
    /// An integer from `min` to `max`.
    Scale,
    /// A number.
    Number,
    /// Free text.
    Text,
    /// A date `YYYY-MM-DD`.
    Date,
}

impl From<vidare::format::ItemKind> for ItemKindName {
    fn from(k: vidare::format::ItemKind) -> Self {
        match k {
            vidare::format::ItemKind::Info => ItemKindName::Info,
            vidare::format::ItemKind::YesNo => ItemKindName::YesNo,
            vidare::format::ItemKind::SingleChoice => ItemKindName::SingleChoice,
            vidare::format::ItemKind::MultipleChoice => ItemKindName::MultipleChoice,
            vidare::format::ItemKind::Scale => ItemKindName::Scale,
            vidare::format::ItemKind::Number => ItemKindName::Number,
            vidare::format::ItemKind::Text => ItemKindName::Text,
            vidare::format::ItemKind::Date => ItemKindName::Date,
        }
    }
}

/// How soon a referral must be acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriggerUrgency {
    /// Now, during this meeting.
    Immediate,
    /// Within days.
    Soon,
    /// Ordinary planning.
    Routine,
}

impl From<vidare::format::Urgency> for TriggerUrgency {
    fn from(u: vidare::format::Urgency) -> Self {
        match u {
            vidare::format::Urgency::Immediate => TriggerUrgency::Immediate,
            vidare::format::Urgency::Soon => TriggerUrgency::Soon,
            vidare::format::Urgency::Routine => TriggerUrgency::Routine,
        }
    }
}

/// A session: where it stands, what to ask next, and what has fired.
#[derive(Serialize, ToSchema)]
pub struct SessionState {
    /// Session id.
    pub id: String,
    /// Questionnaire id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// The definition's digest.
    pub digest: String,
    /// The questionnaire's title in `language`.
    pub title: String,
    /// The language of the texts.
    pub language: String,
    /// The languages the questionnaire has.
    pub languages: Vec<String>,
    /// Events so far: send it as `expected_events` with the next write.
    /// Once closed, the events kept: 0 when closing deleted the log.
    pub events: u64,
    /// Where the session stands.
    pub status: Status,
    /// The end condition that ended it early, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<EndView>,
    /// Items with a response, and items shown so far (can grow or shrink
    /// as answers open or close branches).
    pub progress: Progress,
    /// Information texts to show before `next`.
    pub info: Vec<InfoText>,
    /// The item to ask now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<ItemView>,
    /// Information texts after the last question, once nothing is left.
    pub closing: Vec<InfoText>,
    /// Immediate triggers that hold now: for the interviewer, at once.
    pub immediate_triggers: Vec<TriggerView>,
    /// The items that have a response that counts, in document order
    /// (the kind of response only).
    pub responses: Vec<ResponseView>,
    /// When the session was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When it was closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
}

/// An end condition that ended the interview.
#[derive(Serialize, ToSchema)]
pub struct EndView {
    /// Its id.
    pub id: String,
    /// What the interviewer is told.
    pub text: String,
}

/// Progress through the interview.
#[derive(Serialize, ToSchema)]
pub struct Progress {
    /// Items with a response.
    pub answered: usize,
    /// Questions shown so far in all.
    pub shown: usize,
}

/// An information text.
#[derive(Serialize, ToSchema)]
pub struct InfoText {
    /// Its id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Help for the interviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A question to ask.
#[derive(Serialize, ToSchema)]
pub struct ItemView {
    /// Its id: send it with the response.
    pub id: String,
    /// Its kind, which says what `value` to send.
    pub kind: ItemKindName,
    /// The question.
    pub text: String,
    /// Help for the interviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Its section's id.
    pub section: String,
    /// Its section's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_title: Option<String>,
    /// Whether the interviewer (`practitioner`) or the person answers.
    pub answered_by: String,
    /// Whether it must be answered (optional items can be skipped).
    pub required: bool,
    /// Whether "prefer not to answer" is offered.
    pub allow_decline: bool,
    /// Whether "don't know" is offered.
    pub allow_dont_know: bool,
    /// The options of a choice item.
    pub options: Vec<OptionView>,
    /// Lower bound of a scale or number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound of a scale or number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Unit of a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Labels of scale points.
    pub scale_labels: Vec<ScaleLabel>,
    /// A suggested answer computed from earlier answers, to confirm or override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<AnswerValue>,
}

/// An option of a choice item.
#[derive(Serialize, ToSchema)]
pub struct OptionView {
    /// The value to answer with.
    pub value: String,
    /// Its label.
    pub label: String,
}

/// A labelled point of a scale.
#[derive(Serialize, ToSchema)]
pub struct ScaleLabel {
    /// The point.
    pub value: i64,
    /// Its label.
    pub label: String,
}

/// A fired trigger.
#[derive(Serialize, ToSchema)]
pub struct TriggerView {
    /// Its id.
    pub id: String,
    /// How soon to act.
    pub urgency: TriggerUrgency,
    /// Where the person is referred.
    pub refer_to: String,
    /// What to do.
    pub text: String,
    /// What made it fire: items (the kind of response, and the answer
    /// unless it is kept only for the conversation), derived values, scores.
    pub evidence: Vec<EvidenceView>,
}

/// One piece of evidence.
#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    /// `item`, `derived` or `score`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// For items: the kind of response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// The value, unless retention keeps it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<AnswerValue>,
}

/// An item's kind of response.
#[derive(Serialize, ToSchema)]
pub struct ResponseView {
    /// The item.
    pub item: String,
    /// `answered`, `declined`, `dont_know` or `skipped`.
    pub response: String,
}

/// A session in a list.
#[derive(Serialize, ToSchema)]
pub struct SessionSummary {
    /// Session id.
    pub id: String,
    /// Questionnaire id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// The language chosen at the start.
    pub language: String,
    /// Events so far (once closed, the events kept).
    pub events: u64,
    /// Whether it is closed.
    pub closed: bool,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A page of the sessions the caller may see.
#[derive(Serialize, ToSchema)]
pub struct SessionList {
    /// Newest first (creation time, then id, both descending).
    pub sessions: Vec<SessionSummary>,
    /// The cursor of the next page; `null` on the last one.
    pub next_cursor: Option<String>,
    /// The next page's path and query (the same `limit`); `null` on the
    /// last page.
    pub next: Option<String>,
}

/// Stands for `vidare::Outcome` in the OpenAPI document; its schema is
/// the core's own, generated from the type.
pub struct OutcomeDoc;

/// Stands for `vidare::Recording` in the OpenAPI document.
pub struct RecordingDoc;

impl PartialSchema for OutcomeDoc {
    fn schema() -> RefOr<Schema> {
        Object::new().into()
    }
}

impl ToSchema for OutcomeDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Outcome")
    }
}

impl PartialSchema for RecordingDoc {
    fn schema() -> RefOr<Schema> {
        Object::new().into()
    }
}

impl ToSchema for RecordingDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Recording")
    }
}
