//! What clients send: the bodies of writes, the answers in them, and the
//! query parameters, with the list cursor they carry.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::Problem;
use crate::service::{self, Action};
use crate::store::ListCursor;

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
            AnswerValue::Text(s) => vidare::Value::Text(s.into()),
            AnswerValue::List(l) => vidare::Value::List(l.into_iter().map(Into::into).collect()),
        }
    }
}

impl From<vidare::Value> for AnswerValue {
    fn from(v: vidare::Value) -> Self {
        match v {
            vidare::Value::Bool(b) => AnswerValue::Bool(b),
            vidare::Value::Number(n) => AnswerValue::Number(n),
            vidare::Value::Text(s) => AnswerValue::Text(s.into()),
            vidare::Value::List(l) => AnswerValue::List(l.into_iter().map(Into::into).collect()),
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

impl ItemBody {
    /// The step that gives the current item `response`, with the event
    /// count it expects.
    pub(super) fn respond(self, response: vidare::Response) -> (u64, Action) {
        let item = self.item;
        (self.expected_events, Action::Respond { item, response })
    }
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
    pub(super) fn limit(&self) -> Result<usize, Problem> {
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

    pub(super) fn cursor(&self) -> Result<Option<ListCursor>, Problem> {
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
pub(super) fn encode_cursor(c: &ListCursor) -> String {
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
