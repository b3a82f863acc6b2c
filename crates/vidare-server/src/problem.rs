//! Errors as `application/problem+json` (RFC 9457): a type, a title, the
//! status, a detail that says what to do, and the item concerned. A
//! problem never holds an answer value, a request body or a stack trace.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// The media type of problem bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where problem type URIs point; a problem's `type` is this followed by
/// its short name, e.g. `.../problems/invalid-answer`.
pub const PROBLEM_BASE: &str = "https://example.invalid/vidare/problems/";

/// An error response (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://example.invalid/vidare/problems/invalid-answer",
    "title": "The answer does not fit the item",
    "status": 422,
    "detail": "invalid answer to `interpreter`: expected one of \"none\", \"professional\", \"relative\"",
    "item": "interpreter",
    "expected": "one of \"none\", \"professional\", \"relative\""
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this case and what to do.
    pub detail: String,
    /// The item concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What the item accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The item that is due now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// For a stale write: the event count the request expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_events: Option<u64>,
    /// For a stale write: the event count the session has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_events: Option<u64>,
    /// The ids or versions that exist, when one was not found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known: Option<Vec<String>>,
}

impl Problem {
    /// A problem of kind `kind` (the last part of its type URI).
    #[must_use]
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            type_uri: format!("{PROBLEM_BASE}{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            item: None,
            expected: None,
            current: None,
            expected_events: None,
            actual_events: None,
            known: None,
        }
    }

    /// The short name of the kind, e.g. `invalid-answer`.
    #[must_use]
    pub fn kind(&self) -> &str {
        self.type_uri
            .strip_prefix(PROBLEM_BASE)
            .unwrap_or(&self.type_uri)
    }

    /// Names the item concerned.
    #[must_use]
    pub fn with_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }

    /// 401: a token is missing or unknown.
    #[must_use]
    pub fn unauthorized(detail: &str) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication is needed",
            detail,
        )
    }

    /// 404: no such session for this tenant.
    #[must_use]
    pub fn unknown_session() -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown-session",
            "No such session",
            "there is no session with this id for your tenant: check the link, or start a new session",
        )
    }

    /// 409: the request was based on an older state of the session.
    #[must_use]
    pub fn stale(expected: u64, actual: u64) -> Self {
        let mut p = Problem::new(
            StatusCode::CONFLICT,
            "stale",
            "The session has changed",
            format!(
                "the request expected {expected} event(s) but the session has {actual}: \
                 it was changed elsewhere (another tab?); get the session again and repeat the step if it is still needed"
            ),
        );
        p.expected_events = Some(expected);
        p.actual_events = Some(actual);
        p
    }

    /// 409: the session was closed and is read-only.
    #[must_use]
    pub fn closed() -> Self {
        Problem::new(
            StatusCode::CONFLICT,
            "closed",
            "The session is closed",
            "the session was closed: its result is stored and answers kept only for the conversation were deleted, so it can no longer change",
        )
    }

    /// 403: the caller is known but may not do this (an admin-only endpoint).
    #[must_use]
    pub fn forbidden(detail: &str) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    /// 400: a query parameter has a value the endpoint does not know.
    #[must_use]
    pub fn invalid_query(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            "A query parameter is not valid",
            detail,
        )
    }

    /// 500 without details; the cause is logged, not sent.
    #[must_use]
    pub fn internal() -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server could not complete the request; it was logged",
        )
    }

    /// 400: the request's path, query or form could not be read (a field
    /// given twice, a value of the wrong type, bytes that are not UTF-8, a
    /// control character where none belongs). Never says what was sent.
    #[must_use]
    pub fn invalid_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "The request is not valid",
            detail,
        )
    }

    /// 413: the body is larger than the server reads (2 MB).
    #[must_use]
    pub fn body_too_large() -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "The body is too large",
            "the body is larger than the 2 MB the server reads",
        )
    }

    /// 421: the request names a host this server does not answer for
    /// (see `AllowedHosts`); the host is not repeated.
    #[must_use]
    pub fn misdirected() -> Self {
        Problem::new(
            StatusCode::MISDIRECTED_REQUEST,
            "misdirected-request",
            "Not a host this server answers for",
            "the Host header does not name this server: open it as http://localhost:<port>/ (or 127.0.0.1, [::1]), or add the name to --allowed-hosts (VIDARE_ALLOWED_HOSTS)",
        )
    }

    /// 429: too many failed authentications from this client; the
    /// response also carries `Retry-After`.
    #[must_use]
    pub fn too_many_attempts(seconds: u64) -> Self {
        Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            "Too many failed attempts",
            format!(
                "too many requests from this address had a wrong token; try again in {seconds} s"
            ),
        )
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<&vidare::Error> for Problem {
    fn from(e: &vidare::Error) -> Self {
        use vidare::Error as E;
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let conflict = StatusCode::CONFLICT;
        let detail = e.to_string();
        match e {
            E::UnknownItem { item } => {
                Problem::new(unprocessable, "unknown-item", "Unknown item", detail).with_item(item)
            }
            E::NotAQuestion { item } => Problem::new(
                unprocessable,
                "not-a-question",
                "The item takes no answer",
                detail,
            )
            .with_item(item),
            E::Hidden { item } => Problem::new(
                unprocessable,
                "hidden-item",
                "The item is not shown",
                detail,
            )
            .with_item(item),
            E::NotCurrent { item, current } => {
                let mut p = Problem::new(
                    unprocessable,
                    "not-current",
                    "The item is not the current one",
                    detail,
                )
                .with_item(item);
                p.current.clone_from(current);
                p
            }
            E::AlreadyAnswered { item } => Problem::new(
                conflict,
                "already-answered",
                "The item has a response",
                detail,
            )
            .with_item(item),
            E::NotAnswered { item } => Problem::new(
                unprocessable,
                "not-answered",
                "The item has no response to change",
                detail,
            )
            .with_item(item),
            E::InvalidAnswer { item, expected } => {
                let mut p = Problem::new(
                    unprocessable,
                    "invalid-answer",
                    "The answer does not fit the item",
                    detail,
                )
                .with_item(item);
                p.expected = Some(expected.clone());
                p
            }
            E::NotOffered { item, .. } => Problem::new(
                unprocessable,
                "not-offered",
                "The item does not offer this response",
                detail,
            )
            .with_item(item),
            E::Finished => Problem::new(conflict, "finished", "The interview is finished", detail),
            E::NothingToGoBack => Problem::new(
                conflict,
                "nothing-to-go-back",
                "Nothing to go back to",
                detail,
            ),
            E::UnknownQuestionnaire { known, .. } => {
                let mut p = Problem::new(
                    unprocessable,
                    "unknown-questionnaire",
                    "Unknown questionnaire",
                    detail,
                );
                p.known = Some(known.clone());
                p
            }
            E::UnknownVersion { known, .. } => {
                let mut p = Problem::new(
                    unprocessable,
                    "unknown-version",
                    "Unknown questionnaire version",
                    detail,
                );
                p.known = Some(known.clone());
                p
            }
            E::DigestMismatch { .. } => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "definition-changed",
                "The questionnaire changed after the session started",
                "the session was started on a definition that differs from the one this server has loaded under the same version; restore the released file",
            ),
            _ => Problem::internal(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"vidare\""),
            );
        }
        response
    }
}

/// A JSON request body whose errors are problems that never quote the
/// body: serde's own messages can contain the text that was sent.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "The body must be JSON",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Problem::body_too_large()
                } else {
                    Problem::new(
                        StatusCode::BAD_REQUEST,
                        "unreadable-body",
                        "The body could not be read",
                        "the body could not be read: the connection broke off, or its encoding is not valid",
                    )
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON body; errors say where, never what was there.
///
/// # Errors
/// 400 for text that is not JSON, 422 for JSON of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| json_problem(e.inner(), &field_path(e.inner(), e.path())))?;
    de.end().map_err(|e| json_problem(&e, "."))?;
    Ok(value)
}

/// The path to the field in error, made only of names of our own types
/// and indices: a field the body sent that the type does not have (serde's
/// "unknown field") is left out, since its name is the client's text.
fn field_path(e: &serde_json::Error, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut segments: Vec<String> = path
        .iter()
        .map(|segment| match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } | Segment::Enum { variant: key } => key.clone(),
            Segment::Unknown => "?".to_owned(),
        })
        .collect();
    if e.to_string().starts_with("unknown field") {
        segments.pop();
    }
    // Our own names are short identifiers; anything else is not repeated.
    for segment in &mut segments {
        if segment.len() > 64
            || !segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            "?".clone_into(segment);
        }
    }
    if segments.is_empty() {
        ".".to_owned()
    } else {
        segments.join(".")
    }
}

fn json_problem(e: &serde_json::Error, path: &str) -> Problem {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Data => {
            // serde's "missing field `x`" names only a field of our own
            // types; every other data message may quote the input.
            let message = e.to_string();
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map(|field| format!("; the field `{field}` is missing"))
                .unwrap_or_default();
            let at = if path == "." {
                String::new()
            } else {
                format!(" in `{path}`")
            };
            let what = if message.starts_with("unknown field") {
                "the body has a field the endpoint does not know"
            } else {
                "the body does not have the expected shape"
            };
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-body",
                "The body does not have the expected shape",
                format!("{what}{at} at line {line} column {column}{missing}; see /openapi.json"),
            )
        }
        _ => Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "The body is not valid JSON",
            format!("the body is not valid JSON at line {line} column {column}"),
        ),
    }
}

/// Middleware: an error response that is not already a problem or a page
/// (axum's own rejections of a path, query or body it cannot read, an
/// unknown route, a wrong method) becomes a problem with a fixed detail,
/// so that no error body repeats what the request sent.
pub(crate) async fn plain_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status == StatusCode::INTERNAL_SERVER_ERROR) {
        return response;
    }
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return response;
    }
    let problem = match status {
        StatusCode::NOT_FOUND => Problem::new(
            status,
            "not-found",
            "Not found",
            "there is nothing at this path; see /openapi.json",
        ),
        StatusCode::METHOD_NOT_ALLOWED => Problem::new(
            status,
            "method-not-allowed",
            "Method not allowed",
            "this path does not take this method; see /openapi.json",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => Problem::body_too_large(),
        StatusCode::INTERNAL_SERVER_ERROR => Problem::internal(),
        _ => Problem::invalid_request(
            "the request's path, query or body could not be read; see /openapi.json",
        ),
    };
    let mut out = problem.into_response();
    *out.status_mut() = status;
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        flag: bool,
        n: u32,
    }

    #[test]
    fn body_errors_never_quote_the_body() {
        let p = parse_json::<Body>(br#"{"flag": "my secret", "n": 1}"#).unwrap_err();
        assert_eq!(p.status, 422);
        assert!(p.detail.contains("`flag`"), "{}", p.detail);
        assert!(!p.detail.contains("secret"), "{}", p.detail);
        let p = parse_json::<Body>(br#"{"flag": true, "secret": 1, "n": 1} trailing"#).unwrap_err();
        assert_eq!(p.status, 400);
        assert!(!p.detail.contains("trailing"), "{}", p.detail);
        let p = parse_json::<Body>(br#"{"flag": tru"#).unwrap_err();
        assert_eq!(p.detail, "the body is not valid JSON at line 1 column 12");
        let p = parse_json::<Body>(br#"{"flag": true}"#).unwrap_err();
        assert!(
            p.detail.contains("the field `n` is missing"),
            "{}",
            p.detail
        );
    }
}
