//! The OpenAPI 3.1 document, generated from the handlers and types with
//! `utoipa`; the result and recording schemas are the core's own JSON
//! Schemas (JSON Schema 2020-12, which OpenAPI 3.1 uses).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{admin, api};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vidare",
        description = "Structured screening interviews over HTTP: start a session on a versioned questionnaire, answer one item at a time, and get a scored result with referral triggers that explain themselves.\n\nEvery write carries `expected_events`, the `events` count of the state the client last saw; a stale count gets 409. Errors are `application/problem+json` (RFC 9457) and never contain an answer.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        api::sessions::list_questionnaires,
        api::sessions::create_session,
        api::sessions::list_sessions,
        api::sessions::get_session,
        api::sessions::delete_session,
        api::steps::answer,
        api::steps::decline,
        api::steps::dont_know,
        api::steps::skip,
        api::steps::change,
        api::steps::back,
        api::steps::close,
        api::sessions::get_result,
        api::sessions::get_recording,
        admin::audit,
        admin::statistics,
    ),
    modifiers(&Security),
    tags(
        (name = "questionnaires", description = "What can be run"),
        (name = "sessions", description = "Sessions and their results"),
        (name = "steps", description = "One step of an interview; each needs `expected_events`"),
        (name = "admin", description = "For the admin token: the equality audit over every tenant's sessions, and the aggregate statistics"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token configured for a tenant (VIDARE_TOKENS). Not needed in local-only mode.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as JSON.
#[must_use]
pub fn openapi_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return doc;
    };
    // The recording's definitions replace the stand-ins of the handlers
    // (`Outcome`); the checked result's add only what is not there yet.
    add_core_schema(schemas, "Recording", vidare::recording_schema(), true);
    add_core_schema(
        schemas,
        "CheckedOutcome",
        vidare::checked_outcome_schema(),
        false,
    );
    if let serde_json::Value::Object(audit) = admin::audit_schema() {
        schemas.extend(audit);
    }
    sort_keys(schemas);
    if let Some(paths) = doc
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (path, item) in paths.iter_mut() {
            add_shared_responses(path, item);
        }
    }
    doc
}

/// Adds one of the core's JSON Schemas as `name`, and its `$defs` as
/// schemas of their own (replacing those of the same name, or not).
fn add_core_schema(
    schemas: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    mut schema: serde_json::Value,
    replace: bool,
) {
    rewrite_refs(&mut schema);
    let Some(root) = schema.as_object_mut() else {
        return;
    };
    if let Some(serde_json::Value::Object(defs)) = root.remove("$defs") {
        for (def, definition) in defs {
            if replace || !schemas.contains_key(&def) {
                schemas.insert(def, definition);
            }
        }
    }
    root.remove("$schema");
    if replace {
        root.insert("title".into(), name.into());
    }
    schemas.insert(name.to_owned(), schema);
}

/// Statuses the middleware and the store give whatever the handler: kept
/// here rather than in each handler's list, so that no operation misses
/// one (each is a status a test drives or the server's code can return).
fn add_shared_responses(path: &str, path_item: &mut serde_json::Value) {
    let Some(operations) = path_item.as_object_mut() else {
        return;
    };
    for (method, operation) in operations.iter_mut() {
        let shared = shared_statuses(path, method, operation);
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        for (status, description) in shared {
            if !responses.contains_key(status) {
                responses.insert(status.to_owned(), problem_response(description));
            }
        }
        sort_keys(responses);
    }
}

/// The shared statuses that apply to `operation`: by whether it needs a
/// token, takes a body or parameters, names a session, reads the store
/// (every operation but the questionnaire list) and writes (every method
/// but GET).
fn shared_statuses(
    path: &str,
    method: &str,
    operation: &serde_json::Value,
) -> Vec<(&'static str, &'static str)> {
    let body = operation.get("requestBody").is_some();
    let params = operation.get("parameters").is_some();
    let stores = operation
        .get("tags")
        .is_some_and(|tags| !tags.to_string().contains("questionnaires"));
    let writes = method != "get";
    let token = operation.get("security").is_some();
    let session = path.starts_with("/api/v1/sessions/{id}");
    [
        ("400", "`invalid-request`: the path or query cannot be read (a parameter given twice, bytes that are not UTF-8); with a body also `malformed-json` or `unreadable-body`", body || params),
        ("401", "Missing or unknown token", token),
        ("404", "No such session for this tenant", session),
        ("408", "`request-timeout`: no response within the request timeout of the request head; with a body also `body-timeout`, the body paused too long", true),
        ("413", "`body-too-large`: the body is larger than 2 MB", body),
        ("415", "`unsupported-media-type`: the body is not sent as `application/json`", body),
        ("421", "`misdirected-request`: `Host` names a host this server does not answer for", true),
        ("422", "`invalid-body`: JSON of the wrong shape", body),
        ("429", "`too-many-attempts`: too many wrong tokens from this client's address; `Retry-After` says when to try again", true),
        ("500", "`internal` or `definition-changed`: storage failed, or the stored session no longer fits the loaded definition (details only in the log)", stores),
        ("503", "`storage-unavailable`: the database (PostgreSQL) cannot be reached; nothing was changed, unless the connection broke as a write committed: retry, and a 409 `stale` says it was committed", stores),
        ("507", "`storage-full`: the disk that holds the data is full; nothing was changed, and reading still works", stores && writes),
    ]
    .into_iter()
    .filter(|(_, _, applies)| *applies)
    .map(|(status, description, _)| (status, description))
    .collect()
}

fn problem_response(description: &str) -> serde_json::Value {
    serde_json::json!({
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}
            }
        }
    })
}

fn sort_keys(map: &mut serde_json::Map<String, serde_json::Value>) {
    let mut entries: Vec<_> = std::mem::take(map).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    map.extend(entries);
}

/// Points `#/$defs/X` references at `#/components/schemas/X`.
fn rewrite_refs(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(target) = v.as_str().and_then(|s| s.strip_prefix("#/$defs/")) {
                        *v = format!("#/components/schemas/{target}").into();
                    }
                } else {
                    rewrite_refs(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The document is public and the same for everyone, so it may be cached
/// (every other response is `no-store`). It is built once per process:
/// building it took about 10 ms in a debug build, on a path that needs
/// no token, so each request was work an anonymous client could ask for
/// again and again.
pub(crate) async fn serve() -> impl axum::response::IntoResponse {
    static DOCUMENT: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| {
        // A `Value` always serialises; an empty body would show if not.
        serde_json::to_vec(&openapi_json())
            .unwrap_or_default()
            .into()
    });
    (
        [
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
            (axum::http::header::CONTENT_TYPE, "application/json"),
        ],
        body.clone(),
    )
}
