//! The OpenAPI 3.1 document, generated from the handlers and types with
//! `utoipa`; the result and recording schemas are the core's own JSON
//! Schemas (JSON Schema 2020-12, which OpenAPI 3.1 uses).

use axum::Json;
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
        api::list_questionnaires,
        api::create_session,
        api::list_sessions,
        api::get_session,
        api::delete_session,
        api::answer,
        api::decline,
        api::dont_know,
        api::skip,
        api::change,
        api::back,
        api::close,
        api::get_result,
        api::get_recording,
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
    let mut recording = vidare::recording_schema();
    rewrite_refs(&mut recording);
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return doc;
    };
    if let Some(serde_json::Value::Object(defs)) =
        recording.as_object_mut().and_then(|r| r.remove("$defs"))
    {
        for (name, schema) in defs {
            schemas.insert(name, schema);
        }
    }
    if let Some(root) = recording.as_object_mut() {
        root.remove("$schema");
        root.insert("title".into(), "Recording".into());
    }
    schemas.insert("Recording".into(), recording);
    if let serde_json::Value::Object(audit) = admin::audit_schema() {
        schemas.extend(audit);
    }
    sort_keys(schemas);
    doc
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
/// (every other response is `no-store`).
pub(crate) async fn serve() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CACHE_CONTROL, "public, max-age=300")],
        Json(openapi_json()),
    )
}
