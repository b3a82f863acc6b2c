//! The JSON API under `/api/v1`: questionnaires, sessions and their steps.
//!
//! Every write carries `expected_events`, the event count the client last
//! saw (`events` in [`SessionState`]); a stale count is refused with 409,
//! so two tabs never silently overwrite each other. Errors are
//! [`Problem`]s.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::AppState;
use crate::access::Principal;
use crate::problem::{ApiJson, Problem};
use crate::service::{self, Action, Live};
use crate::store::ListCursor;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/questionnaires", get(list_questionnaires))
        .route("/api/v1/sessions", post(create_session).get(list_sessions))
        .route(
            "/api/v1/sessions/{id}",
            get(get_session).delete(delete_session),
        )
        .route("/api/v1/sessions/{id}/answer", post(answer))
        .route("/api/v1/sessions/{id}/decline", post(decline))
        .route("/api/v1/sessions/{id}/dont-know", post(dont_know))
        .route("/api/v1/sessions/{id}/skip", post(skip))
        .route("/api/v1/sessions/{id}/change", post(change))
        .route("/api/v1/sessions/{id}/back", post(back))
        .route("/api/v1/sessions/{id}/close", post(close))
        .route("/api/v1/sessions/{id}/result", get(get_result))
        .route("/api/v1/sessions/{id}/recording", get(get_recording))
}

// ---------------------------------------------------------------- types

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

/// Starts a session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"questionnaire": "violence-seven@1.0.0", "language": "en"}))]
pub struct CreateSession {
    /// `id@version`, or a bare `id` for its latest version.
    pub questionnaire: String,
    /// The language of texts (default: the questionnaire's default).
    #[serde(default)]
    pub language: Option<String>,
}

/// An answer: `true`/`false` for yes/no, a number for scales and numbers,
/// an option's value, a date (`YYYY-MM-DD`) or free text as a string, and
/// a list of option values for multiple choice.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    /// Yes (`true`) or no (`false`).
    Bool(bool),
    /// A number.
    Number(f64),
    /// An option value, a date or free text.
    Text(String),
    /// Several option values.
    List(Vec<String>),
}

/// Debug never shows an answer.
impl std::fmt::Debug for AnswerValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnswerValue(..)")
    }
}

impl From<AnswerValue> for vidare::Value {
    fn from(v: AnswerValue) -> Self {
        match v {
            AnswerValue::Bool(b) => vidare::Value::Bool(b),
            AnswerValue::Number(n) => vidare::Value::Number(n),
            AnswerValue::Text(s) => vidare::Value::Text(s),
            AnswerValue::List(l) => vidare::Value::List(l),
        }
    }
}

impl From<vidare::Value> for AnswerValue {
    fn from(v: vidare::Value) -> Self {
        match v {
            vidare::Value::Bool(b) => AnswerValue::Bool(b),
            vidare::Value::Number(n) => AnswerValue::Number(n),
            vidare::Value::Text(s) => AnswerValue::Text(s),
            vidare::Value::List(l) => AnswerValue::List(l),
        }
    }
}

/// A response when changing an earlier item: `{"answer": <value>}`, or
/// `"declined"`, `"dont_know"` or `"skipped"`.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseBody {
    /// An answer.
    Answer(AnswerValue),
    /// "Prefer not to answer".
    Declined,
    /// "Don't know".
    DontKnow,
    /// An optional item passed over.
    Skipped,
}

impl From<ResponseBody> for vidare::Response {
    fn from(r: ResponseBody) -> Self {
        match r {
            ResponseBody::Answer(v) => vidare::Response::Answer(v.into()),
            ResponseBody::Declined => vidare::Response::Declined,
            ResponseBody::DontKnow => vidare::Response::DontKnow,
            ResponseBody::Skipped => vidare::Response::Skipped,
        }
    }
}

/// Answers the current item.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_events": 0, "item": "alone", "value": true}))]
pub struct AnswerBody {
    /// The event count the client last saw.
    pub expected_events: u64,
    /// The current item.
    pub item: String,
    /// The answer.
    pub value: AnswerValue,
}

/// Declines, says "don't know" to, or skips the current item.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_events": 2, "item": "psychological"}))]
pub struct ItemBody {
    /// The event count the client last saw.
    pub expected_events: u64,
    /// The current item.
    pub item: String,
}

/// Replaces the response to an earlier item.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_events": 5, "item": "physical", "response": {"answer": false}}))]
pub struct ChangeBody {
    /// The event count the client last saw.
    pub expected_events: u64,
    /// An item that has a response.
    pub item: String,
    /// The new response.
    pub response: ResponseBody,
}

/// A write that names no item (back, close).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_events": 3}))]
pub struct ExpectedBody {
    /// The event count the client last saw.
    pub expected_events: u64,
}

/// The language of texts in a response.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// A declared language (e.g. `sv`, `en`); default: the session's.
    pub lang: Option<String>,
}

/// A page of the session list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Sessions per page, 1 to 1000; default 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Where the page starts: the `next_cursor` of the page before,
    /// unchanged; none for the first page.
    pub cursor: Option<String>,
}

/// The most sessions on one page of the list, and how many when the
/// request does not say.
pub const MAX_PAGE: usize = 1000;
/// See [`MAX_PAGE`].
pub const DEFAULT_PAGE: usize = 100;

impl ListQuery {
    fn limit(&self) -> Result<usize, Problem> {
        match self.limit.as_deref() {
            None => Ok(DEFAULT_PAGE),
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    Problem::invalid_query(format!(
                        "`limit` is a whole number from 1 to {MAX_PAGE}"
                    ))
                }),
        }
    }

    fn cursor(&self) -> Result<Option<ListCursor>, Problem> {
        self.cursor
            .as_deref()
            .map(|text| {
                decode_cursor(text).ok_or_else(|| {
                    Problem::invalid_query(
                        "`cursor` is not one this server gave: pass the `next_cursor` of the page before unchanged, or leave it out for the first page",
                    )
                })
            })
            .transpose()
    }
}

/// A cursor is opaque to clients: the hex digits of the creation time,
/// then the session id.
fn encode_cursor(c: &ListCursor) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(2 * c.created_at.len() + c.id.len());
    for b in c.created_at.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out.push_str(&c.id);
    out
}

fn decode_cursor(text: &str) -> Option<ListCursor> {
    // `2026-11-23T22:42:56.921Z`: 24 characters, 48 hex digits.
    let (time, id) = (text.get(..48)?, text.get(48..)?);
    let created_at = (0..24)
        .map(|i| u8::from_str_radix(time.get(2 * i..2 * i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let created_at = String::from_utf8(created_at).ok()?;
    let shape = created_at
        .bytes()
        .all(|b| b.is_ascii_digit() || b"-:.TZ".contains(&b));
    (shape && service::valid_id(id)).then(|| ListCursor {
        created_at,
        id: id.to_owned(),
    })
}

/// The language of the result, and whether to add the counterfactual check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// A declared language (e.g. `sv`, `en`); default: the session's.
    pub lang: Option<String>,
    /// `true` adds `counterfactual` to the result: would it differ if a
    /// protected item (gender) had another response? Default `false`.
    #[param(value_type = Option<bool>)]
    pub check: Option<String>,
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

impl From<vidare::ItemKind> for ItemKindName {
    fn from(k: vidare::ItemKind) -> Self {
        match k {
            vidare::ItemKind::Info => ItemKindName::Info,
            vidare::ItemKind::YesNo => ItemKindName::YesNo,
            vidare::ItemKind::SingleChoice => ItemKindName::SingleChoice,
            vidare::ItemKind::MultipleChoice => ItemKindName::MultipleChoice,
            vidare::ItemKind::Scale => ItemKindName::Scale,
            vidare::ItemKind::Number => ItemKindName::Number,
            vidare::ItemKind::Text => ItemKindName::Text,
            vidare::ItemKind::Date => ItemKindName::Date,
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

impl From<vidare::Urgency> for TriggerUrgency {
    fn from(u: vidare::Urgency) -> Self {
        match u {
            vidare::Urgency::Immediate => TriggerUrgency::Immediate,
            vidare::Urgency::Soon => TriggerUrgency::Soon,
            vidare::Urgency::Routine => TriggerUrgency::Routine,
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

// ---------------------------------------------------------------- views

fn outcome_of(live: &Live, lang: &str) -> Option<vidare::Outcome> {
    match &live.session {
        Some(session) => Some(session.result_in(lang)),
        None => serde_json::from_value(live.result(lang)).ok(),
    }
}

/// The responses that count now, as [`vidare::Session::responses`] gives them.
fn responses_of(session: &vidare::Session) -> Vec<ResponseView> {
    session
        .responses()
        .map(|(item, response)| ResponseView {
            item: item.to_owned(),
            response: response.kind().to_owned(),
        })
        .collect()
}

fn trigger_view(t: vidare::TriggerRecord) -> TriggerView {
    TriggerView {
        id: t.id,
        urgency: t.urgency.into(),
        refer_to: t.refer_to,
        text: t.text,
        evidence: t
            .evidence
            .into_iter()
            .map(|e| EvidenceView {
                kind: e.kind,
                id: e.id,
                response: e.response,
                value: e.value.map(Into::into),
            })
            .collect(),
    }
}

fn info_text(item: vidare::ItemRef<'_>, lang: &str) -> InfoText {
    InfoText {
        id: item.id().to_owned(),
        text: item.text(lang).to_owned(),
        help: item.help(lang).map(str::to_owned),
    }
}

fn item_view(session: &vidare::Session, item: vidare::ItemRef<'_>, lang: &str) -> ItemView {
    let (min, max) = item.range();
    ItemView {
        id: item.id().to_owned(),
        kind: item.kind().into(),
        text: item.text(lang).to_owned(),
        help: item.help(lang).map(str::to_owned),
        section: item.section_id().to_owned(),
        section_title: item.section_title(lang).map(str::to_owned),
        answered_by: match item.answered_by() {
            vidare::AnsweredBy::Person => "person".to_owned(),
            vidare::AnsweredBy::Practitioner => "practitioner".to_owned(),
        },
        required: item.required(),
        allow_decline: item.allows_decline(),
        allow_dont_know: item.allows_dont_know(),
        options: item
            .options()
            .map(|o| OptionView {
                value: o.value.to_owned(),
                label: o.label(lang).to_owned(),
            })
            .collect(),
        min,
        max,
        unit: item.unit(lang).map(str::to_owned),
        scale_labels: item
            .scale_labels(lang)
            .map(|(value, label)| ScaleLabel {
                value,
                label: label.to_owned(),
            })
            .collect(),
        suggestion: session.suggestion(item.id()).map(Into::into),
    }
}

/// The state of a session in `lang`, for the API and the web page alike.
pub(crate) fn state_view(live: &Live, lang: &str) -> SessionState {
    let q = &live.questionnaire;
    // The whole result is built only when the state shows part of it that
    // the session cannot give directly: an immediate trigger with its
    // evidence, an end's text, or a closed session's stored responses.
    let outcome = live
        .session
        .as_ref()
        .is_none_or(|s| s.immediate().next().is_some() || s.ended_by().is_some())
        .then(|| outcome_of(live, lang))
        .flatten();
    let immediate_triggers = outcome
        .as_ref()
        .map(|o| {
            o.triggers
                .iter()
                .filter(|t| t.urgency == vidare::Urgency::Immediate)
                .cloned()
                .map(trigger_view)
                .collect()
        })
        .unwrap_or_default();
    let responses: Vec<ResponseView> = match (&live.session, &outcome) {
        (Some(session), _) => responses_of(session),
        (None, o) => o
            .as_ref()
            .map(|o| {
                o.answers
                    .iter()
                    .map(|a| ResponseView {
                        item: a.item.clone(),
                        response: a.response.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let ended_by = outcome.as_ref().and_then(|o| {
        o.ended_by.as_ref().map(|e| EndView {
            id: e.id.clone(),
            text: e.text.clone(),
        })
    });
    let (status, progress, info, next, closing) = match &live.session {
        Some(session) => {
            let (answered, shown) = session.progress();
            let (status, info, next) = match session.next() {
                vidare::Step::Ask(item) => (
                    Status::Asking,
                    session
                        .info_before(item.id())
                        .into_iter()
                        .map(|i| info_text(i, lang))
                        .collect(),
                    Some(item_view(session, item, lang)),
                ),
                vidare::Step::Complete => (Status::Complete, Vec::new(), None),
                vidare::Step::Ended(_) => (Status::Ended, Vec::new(), None),
            };
            let closing = if next.is_none() {
                session
                    .closing_info()
                    .into_iter()
                    .map(|i| info_text(i, lang))
                    .collect()
            } else {
                Vec::new()
            };
            (status, Progress { answered, shown }, info, next, closing)
        }
        None => (
            Status::Closed,
            Progress {
                answered: responses.len(),
                shown: responses.len(),
            },
            Vec::new(),
            None,
            Vec::new(),
        ),
    };
    SessionState {
        id: live.row.id.clone(),
        questionnaire: live.row.questionnaire.clone(),
        version: live.row.version.clone(),
        digest: live.row.digest.clone(),
        title: q.title(lang).to_owned(),
        language: lang.to_owned(),
        languages: q.languages().to_vec(),
        events: live.row.event_count,
        status,
        ended_by,
        progress,
        info,
        next,
        closing,
        immediate_triggers,
        responses,
        created_at: live.row.created_at.clone(),
        updated_at: live.row.updated_at.clone(),
        closed_at: live.row.closed.as_ref().map(|c| c.at.clone()),
    }
}

// ---------------------------------------------------------------- handlers

/// Lists the questionnaires and their versions.
#[utoipa::path(
    get, path = "/api/v1/questionnaires", tag = "questionnaires",
    responses(
        (status = 200, description = "Every questionnaire and version", body = QuestionnaireList),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list_questionnaires(
    State(state): State<AppState>,
    _who: Principal,
) -> Json<QuestionnaireList> {
    Json(questionnaire_list(state.registry()))
}

pub(crate) fn questionnaire_list(registry: &vidare::Registry) -> QuestionnaireList {
    let questionnaires = registry
        .ids()
        .map(|id| {
            let versions: Vec<VersionInfo> = registry
                .versions(id)
                .map(|q| VersionInfo {
                    version: q.version().to_owned(),
                    spec: format!("{}@{}", q.id(), q.version()),
                    title: q
                        .languages()
                        .iter()
                        .map(|l| (l.clone(), q.title(l).to_owned()))
                        .collect(),
                    languages: q.languages().to_vec(),
                    default_language: q.default_language().to_owned(),
                    digest: q.digest().to_owned(),
                })
                .collect();
            QuestionnaireInfo {
                id: id.to_owned(),
                latest: versions
                    .last()
                    .map(|v| v.version.clone())
                    .unwrap_or_default(),
                versions,
            }
        })
        .collect();
    QuestionnaireList { questionnaires }
}

/// Starts a session.
#[utoipa::path(
    post, path = "/api/v1/sessions", tag = "sessions",
    request_body = CreateSession,
    responses(
        (status = 201, description = "The new session; `Location` names it", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown questionnaire, version or language", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn create_session(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<CreateSession>,
) -> Result<impl IntoResponse, Problem> {
    let live = service::create(&state, &who, &body.questionnaire, body.language.as_deref()).await?;
    let lang = live.row.language.clone();
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/sessions/{}", live.row.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(state_view(&live, &lang))))
}

/// Lists the caller's sessions (every tenant's for the admin token), a
/// page at a time: follow `next` until it is `null`. Sessions created
/// meanwhile come before the first page, so paging on sees every older
/// session once.
#[utoipa::path(
    get, path = "/api/v1/sessions", tag = "sessions",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of sessions, newest first", body = SessionList),
        (status = 400, description = "`limit` out of range, or a `cursor` this server did not give", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<SessionList>, Problem> {
    let (limit, after) = (q.limit()?, q.cursor()?);
    // One more than the page, to know whether there is a next one.
    let mut rows = service::list(&state, &who, after, limit + 1).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|row| encode_cursor(&ListCursor::after(row)));
    let next = next_cursor
        .as_ref()
        .map(|c| format!("/api/v1/sessions?limit={limit}&cursor={c}"));
    Ok(Json(SessionList {
        next_cursor,
        next,
        sessions: rows
            .into_iter()
            .map(|r| SessionSummary {
                id: r.id,
                questionnaire: r.questionnaire,
                version: r.version,
                language: r.language,
                events: r.event_count,
                closed: r.closed.is_some(),
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect(),
    }))
}

/// Gets a session: the next item with its texts, progress, information
/// texts before it, and the immediate triggers that hold.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    responses(
        (status = 200, description = "The session", body = SessionState),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_session(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<SessionState>, Problem> {
    let live = service::load(&state, &who, &id).await?;
    let lang = live.language(q.lang.as_deref());
    Ok(Json(state_view(&live, &lang)))
}

async fn step(
    state: &AppState,
    who: &Principal,
    id: &str,
    lang: Option<&str>,
    expected: u64,
    action: Action,
) -> Result<Json<SessionState>, Problem> {
    let live = service::act(state, who, id, expected, action).await?;
    let lang = live.language(lang);
    Ok(Json(state_view(&live, &lang)))
}

/// Answers the current item.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/answer", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The session after the answer, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, the interview is finished, the item already has a response, or the session is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, hidden or not current item, or an answer that does not fit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn answer(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<SessionState>, Problem> {
    let action = Action::Respond {
        item: body.item,
        response: vidare::Response::Answer(body.value.into()),
    };
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        action,
    )
    .await
}

/// Records "prefer not to answer" for the current item.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/decline", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ItemBody,
    responses(
        (status = 200, description = "The session after the step, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, finished, or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, hidden or not current item, or declining is not offered", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn decline(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<SessionState>, Problem> {
    let action = Action::Respond {
        item: body.item,
        response: vidare::Response::Declined,
    };
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        action,
    )
    .await
}

/// Records "don't know" for the current item.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/dont-know", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ItemBody,
    responses(
        (status = 200, description = "The session after the step, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, finished, or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, hidden or not current item, or \"don't know\" is not offered", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn dont_know(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<SessionState>, Problem> {
    let action = Action::Respond {
        item: body.item,
        response: vidare::Response::DontKnow,
    };
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        action,
    )
    .await
}

/// Passes over the current item if it is optional.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/skip", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ItemBody,
    responses(
        (status = 200, description = "The session after the step, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, finished, or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, hidden or not current item, or the item is required", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn skip(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<SessionState>, Problem> {
    let action = Action::Respond {
        item: body.item,
        response: vidare::Response::Skipped,
    };
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        action,
    )
    .await
}

/// Replaces the response to an earlier item; everything after it is
/// re-evaluated, and items shown again are asked again.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/change", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ChangeBody,
    responses(
        (status = 200, description = "The session after the change, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, or closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or hidden item, no response to change, or a response that does not fit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn change(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<Json<SessionState>, Problem> {
    let action = Action::Change {
        item: body.item,
        response: body.response.into(),
    };
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        action,
    )
    .await
}

/// Goes back one question: withdraws the last response before the
/// current item, which is then asked again.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/back", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ExpectedBody,
    responses(
        (status = 200, description = "The session after going back, committed", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, nothing to go back to, or closed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn back(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ExpectedBody>,
) -> Result<Json<SessionState>, Problem> {
    step(
        &state,
        &who,
        &id,
        q.lang.as_deref(),
        body.expected_events,
        Action::Back,
    )
    .await
}

/// Closes the session: only its stored record is kept, in every language
/// (`vidare::StoredRecord`: no trace of an answer kept only for the
/// conversation, nor of a part that could reveal one without the
/// questionnaire saying so). When the questionnaire has parts that are not
/// kept, the whole event log is deleted. The session becomes read-only,
/// and its counts go to the aggregate statistics in batches.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/close", tag = "steps",
    params(("id" = String, Path, description = "Session id"), LangQuery),
    request_body = ExpectedBody,
    responses(
        (status = 200, description = "The closed session", body = SessionState),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `expected_events`, or already closed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn close(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    ApiJson(body): ApiJson<ExpectedBody>,
) -> Result<Json<SessionState>, Problem> {
    let live = service::close(&state, &who, &id, body.expected_events).await?;
    let lang = live.language(q.lang.as_deref());
    Ok(Json(state_view(&live, &lang)))
}

/// Gets the result: answers that count (without the values of answers
/// kept only for the conversation), derived values, scores with bands,
/// and fired triggers, most urgent first, with their evidence. Once
/// closed, the stored record: the same shape, with only what is kept
/// (no conversation-only question at all, not even as answered). With
/// `check=true` it also has `counterfactual`: the session replayed with
/// every other response to each protected item (gender), and what that
/// changes (`verdict` `no_difference` for every questionnaire that loads).
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/result", tag = "sessions",
    params(("id" = String, Path, description = "Session id"), ResultQuery),
    responses(
        (status = 200, description = "The result (once closed, the stored record); with `check=true`, a `CheckedOutcome`: the same with `counterfactual` (once closed, the check stored at closing)", body = OutcomeDoc),
        (status = 400, description = "`check` is not `true` or `false`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`check=true` on a closed session without a stored check (it could reveal answers that are not kept, or an older server closed it) whose log was deleted", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_result(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<ResultQuery>,
) -> Result<Json<serde_json::Value>, Problem> {
    let check = match q.check.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Problem::invalid_query("`check` is `true` or `false`")),
    };
    let live = service::load(&state, &who, &id).await?;
    let lang = live.language(q.lang.as_deref());
    if check {
        return service::checked_result(&live, &lang).map(Json);
    }
    let mut result = live.result(&lang);
    // A closed session's stored result has the check; asked without it,
    // the result is the same as while the session was open.
    if let Some(map) = result.as_object_mut() {
        map.remove("counterfactual");
    }
    Ok(Json(result))
}

/// Gets the recording: the log pinned to the definition, with event
/// times and the result, replayable with the core (`vidare::Recording`).
/// While open, it holds every answer, including those kept only for the
/// conversation. Once closed it is gone (410) when the questionnaire has
/// parts that are not kept, whose log closing deleted; otherwise the log
/// is whole and holds nothing that is not kept, and it is sent.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/recording", tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The recording", body = RecordingDoc),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Closed, and the questionnaire has parts that are not kept after the conversation: closing deleted the log", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn get_recording(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<vidare::Recording>, Problem> {
    let live = service::load(&state, &who, &id).await?;
    let times = live.events.iter().map(|e| e.at.clone());
    let mut recording = match &live.session {
        Some(session) => session.record(),
        None => service::closed_recording(&live)?,
    };
    for (event, at) in recording.events.iter_mut().zip(times) {
        event.at = Some(at).filter(|a| !a.is_empty());
    }
    Ok(Json(recording))
}

/// Deletes a session and its log.
#[utoipa::path(
    delete, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session for this tenant", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    service::delete(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
