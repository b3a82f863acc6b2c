//! Endpoints for the admin token under `/api/v1/admin`: the equality
//! audit of a questionnaire version over every tenant's stored sessions,
//! and the aggregate statistics.
//!
//! A tenant's token gets 403 `forbidden`: the endpoint is listed in the
//! OpenAPI document, so there is nothing to hide by answering 404, and the
//! problem says which token is needed. In local-only mode (no token
//! configured) the one implicit tenant may use it, over its own sessions,
//! which are then all the sessions there are.

use std::borrow::Cow;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::AppState;
use crate::access::Principal;
use crate::problem::Problem;
use crate::service;
use crate::statistics::StatisticsReport;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/questionnaires/{id}/{version}/audit",
            get(audit),
        )
        .route("/api/v1/admin/statistics", get(statistics))
}

/// Refuses a tenant's token: admin endpoints read every tenant's data.
fn admin_only(state: &AppState, who: &Principal, detail: &str) -> Result<(), Problem> {
    if who.admin || state.access().is_local() {
        return Ok(());
    }
    Err(Problem::forbidden(detail))
}

/// A response with a content type that is not cached: counts about people.
fn no_store(content_type: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What the audit is grouped by, and how it is sent.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The item to group sessions by (default: the questionnaire's first
    /// protected item, such as `gender`).
    pub by: Option<String>,
    /// `json` (default, `application/json`), `markdown` (tables,
    /// `text/markdown; charset=utf-8`) or `svg` (a chart, `image/svg+xml`).
    #[param(value_type = Option<AuditFormat>, inline)]
    pub format: Option<String>,
}

/// How the audit is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AuditFormat {
    /// The core's `Audit` as JSON.
    Json,
    /// A summary of flagged differences, then two tables per referral.
    Markdown,
    /// A bar chart per referral: rate per group within each need level.
    Svg,
}

impl AuditFormat {
    fn parse(text: Option<&str>) -> Result<Self, Problem> {
        match text {
            None | Some("json") => Ok(AuditFormat::Json),
            Some("markdown") => Ok(AuditFormat::Markdown),
            Some("svg") => Ok(AuditFormat::Svg),
            Some(_) => Err(Problem::invalid_query(
                "`format` is one of `json`, `markdown` or `svg`",
            )),
        }
    }
}

/// Stands for `vidare::analysis::Audit` in the OpenAPI document; its
/// schema is written out in `audit_schema`.
pub struct AuditDoc;

impl PartialSchema for AuditDoc {
    fn schema() -> RefOr<Schema> {
        Object::new().into()
    }
}

impl ToSchema for AuditDoc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Audit")
    }
}

/// The equality audit of one questionnaire version over the stored
/// sessions: for every referral, the referral rate per group of the
/// protected item (gender) within each need level, and each difference
/// between groups that the need level does not explain (its 95% interval
/// excludes 0). Groups under 5 sessions are suppressed. Reads the recorded
/// results of every tenant's sessions, open or closed (closed ones by their
/// stored result); unfinished interviews and sessions on an edited
/// definition are left out and counted. Admin token only.
#[utoipa::path(
    get, path = "/api/v1/admin/questionnaires/{id}/{version}/audit", tag = "admin",
    params(
        ("id" = String, Path, description = "Questionnaire id"),
        ("version" = String, Path, description = "Its version"),
        AuditQuery,
    ),
    responses(
        (status = 200, description = "The audit, in the format asked for", content(
            (AuditDoc = "application/json"),
            (String = "text/markdown; charset=utf-8"),
            (String = "image/svg+xml"),
        )),
        (status = 400, description = "`format` is not `json`, `markdown` or `svg`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A tenant's token: the audit needs the admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such questionnaire or version is loaded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`by` names no item of the questionnaire", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn audit(
    State(state): State<AppState>,
    who: Principal,
    Path((id, version)): Path<(String, String)>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, Problem> {
    admin_only(
        &state,
        &who,
        "the equality audit reads every tenant's sessions, so it needs the admin token (VIDARE_ADMIN_TOKEN)",
    )?;
    let format = AuditFormat::parse(query.format.as_deref())?;
    let questionnaire = state
        .registry()
        .get(&id, &version)
        .map_err(|e| {
            let mut p = Problem::from(&e);
            p.status = StatusCode::NOT_FOUND.as_u16();
            p
        })?
        .clone();
    if let Some(by) = &query.by
        && questionnaire.item(by).is_none()
    {
        return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-item",
                "Unknown item",
                format!(
                    "{id}@{version} has no item `{by}`; leave out `by` to group by its first protected item"
                ),
            )
            .with_item(by.clone()));
    }
    let audit = service::audit(&state, &who, questionnaire, query.by).await?;
    let (content_type, body) = match format {
        AuditFormat::Json => (
            "application/json",
            serde_json::to_string(&audit).map_err(|_| Problem::internal())?,
        ),
        AuditFormat::Markdown => (
            "text/markdown; charset=utf-8",
            vidare_render::audit::markdown(&audit),
        ),
        AuditFormat::Svg => ("image/svg+xml", vidare_render::audit::svg(&audit)),
    };
    Ok(no_store(content_type, body))
}

/// Which statistics, and how they are sent.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The questionnaire id.
    #[param(required = true, value_type = String)]
    pub questionnaire: Option<String>,
    /// Its version (default: the latest loaded version).
    pub version: Option<String>,
    /// `json` (default, `application/json`) or `markdown` (a table per
    /// month, `text/markdown; charset=utf-8`).
    #[param(value_type = Option<StatisticsFormat>, inline)]
    pub format: Option<String>,
}

/// How the statistics are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StatisticsFormat {
    /// `StatisticsReport` as JSON.
    Json,
    /// A table per month.
    Markdown,
}

/// The aggregate statistics of one questionnaire version: per month, how
/// many closed sessions gave each response to each question marked
/// `aggregate: true`. Closes are added in batches of `k` (no session id,
/// no time finer than the month); counts below `min_cell` are suppressed,
/// and one more count of the same question and month where exactly one
/// is. Admin token only.
#[utoipa::path(
    get, path = "/api/v1/admin/statistics", tag = "admin",
    params(StatisticsQuery),
    responses(
        (status = 200, description = "The statistics, in the format asked for", content(
            (StatisticsReport = "application/json"),
            (String = "text/markdown; charset=utf-8"),
        )),
        (status = 400, description = "No `questionnaire`, or `format` is not `json` or `markdown`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A tenant's token: the statistics need the admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such questionnaire or version is loaded, and none has statistics", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn statistics(
    State(state): State<AppState>,
    who: Principal,
    Query(query): Query<StatisticsQuery>,
) -> Result<Response, Problem> {
    admin_only(
        &state,
        &who,
        "the statistics count every tenant's sessions, so they need the admin token (VIDARE_ADMIN_TOKEN)",
    )?;
    let markdown = match query.format.as_deref() {
        None | Some("json") => false,
        Some("markdown") => true,
        Some(_) => return Err(Problem::invalid_query("`format` is `json` or `markdown`")),
    };
    let Some(id) = query.questionnaire else {
        return Err(Problem::invalid_query(
            "`questionnaire` names the questionnaire",
        ));
    };
    let not_found = |e: vidare::Error| {
        let mut p = Problem::from(&e);
        p.status = StatusCode::NOT_FOUND.as_u16();
        p
    };
    let version = match query.version {
        Some(v) => v,
        None => state
            .registry()
            .resolve(&id)
            .map_err(not_found)?
            .version()
            .to_owned(),
    };
    let rows = service::statistics(&state, &id, &version).await?;
    if rows.is_empty() {
        // Counts outlive the definition; only a version that has neither
        // is unknown.
        state.registry().get(&id, &version).map_err(not_found)?;
    }
    let report = StatisticsReport::new(&id, &version, state.statistics().k(), &rows);
    Ok(if markdown {
        no_store("text/markdown; charset=utf-8", report.to_markdown())
    } else {
        let json = serde_json::to_string(&report).map_err(|_| Problem::internal())?;
        no_store("application/json", json)
    })
}

/// The JSON Schema of `vidare::analysis::Audit` (the core derives no
/// schema for it); a test checks it against a real audit.
pub(crate) fn audit_schema() -> serde_json::Value {
    let problems = serde_json::json!({
        "type": "array",
        "items": {"type": "string"},
        "description": "Problems with the input (no protected item, an item that is not protected, ...)."
    });
    serde_json::json!({
        "Audit": {
            "type": "object",
            "description": "The equality audit of a set of recorded sessions.",
            "properties": {
                "questionnaire": {"$ref": "#/components/schemas/QuestionnaireRef", "description": "The definition audited."},
                "protected_item": {"type": ["string", "null"], "description": "The item sessions are grouped by (the protected item)."},
                "groups": {"type": "array", "items": {"type": "string"}, "description": "The groups found, in order: the item's answers, then `declined`, `dont_know`, `skipped`, `not kept`, `unanswered`."},
                "min_group_size": {"type": "integer", "minimum": 0, "description": "Groups smaller than this are suppressed."},
                "confidence": {"type": "number", "description": "Confidence level of the intervals (0.95)."},
                "left_out": {"$ref": "#/components/schemas/AuditLeftOut"},
                "referrals": {"type": "array", "items": {"$ref": "#/components/schemas/ReferralAudit"}, "description": "One entry per referral trigger, in document order."},
                "flags": {"type": "array", "items": {"$ref": "#/components/schemas/AuditFlag"}, "description": "Every difference that the need level does not explain."},
                "problems": problems,
            },
            "required": ["questionnaire", "groups", "min_group_size", "confidence", "left_out", "referrals", "flags"]
        },
        "AuditLeftOut": {
            "type": "object",
            "description": "Recordings left out of the audit.",
            "properties": {
                "other_questionnaire": {"type": "integer", "minimum": 0, "description": "Made on another questionnaire or version."},
                "other_definition": {"type": "integer", "minimum": 0, "description": "Made on this version, but its definition has since changed (digest differs)."},
                "unfinished": {"type": "integer", "minimum": 0, "description": "Interviews that were not finished."}
            },
            "required": ["other_questionnaire", "other_definition", "unfinished"]
        },
        "ReferralAudit": {
            "type": "object",
            "description": "The audit of one referral.",
            "properties": {
                "trigger": {"type": "string", "description": "The trigger."},
                "refer_to": {"type": "string", "description": "Where it refers."},
                "urgency": {"$ref": "#/components/schemas/Urgency"},
                "need_scores": {"type": "array", "items": {"type": "string"}, "description": "The banded scores whose bands are its need levels (empty: one level, `all`)."},
                "levels": {"type": "array", "items": {"$ref": "#/components/schemas/LevelAudit"}, "description": "Per need level, in band order."}
            },
            "required": ["trigger", "refer_to", "urgency", "need_scores", "levels"]
        },
        "LevelAudit": {
            "type": "object",
            "description": "One need level of a referral.",
            "properties": {
                "level": {"type": "string", "description": "`all`, or `score: band` for each need score (`no value`, `no band`)."},
                "groups": {"type": "array", "items": {"$ref": "#/components/schemas/GroupCell"}, "description": "Per group, in the order of `groups`."},
                "comparisons": {"type": "array", "items": {"$ref": "#/components/schemas/Comparison"}, "description": "Every pair of groups that are both shown."}
            },
            "required": ["level", "groups", "comparisons"]
        },
        "GroupCell": {
            "type": "object",
            "description": "One group at one need level; the numbers are left out when suppressed.",
            "properties": {
                "group": {"type": "string", "description": "The group."},
                "sessions": {"type": "integer", "minimum": 0, "description": "Sessions, unless suppressed."},
                "referred": {"type": "integer", "minimum": 0, "description": "Sessions with the referral, unless suppressed."},
                "rate": {"type": "number", "description": "`referred / sessions`, unless suppressed."},
                "suppressed": {"type": "string", "enum": ["< 5", "complementary"], "description": "Why the numbers are hidden: fewer than 5 sessions, or hidden so that a small group at another level cannot be worked out from the group's total."}
            },
            "required": ["group"]
        },
        "Comparison": {
            "type": "object",
            "description": "Two groups compared at one need level.",
            "properties": {
                "a": {"type": "string", "description": "First group."},
                "b": {"type": "string", "description": "Second group."},
                "rate_a": {"type": "number", "description": "Referral rate of `a`."},
                "rate_b": {"type": "number", "description": "Referral rate of `b`."},
                "difference": {"type": "number", "description": "`rate_a − rate_b`."},
                "ci_low": {"type": "number", "description": "Lower end of the 95% interval of the difference (Newcombe's hybrid score interval)."},
                "ci_high": {"type": "number", "description": "Upper end."},
                "ratio": {"type": "number", "description": "`rate_a / rate_b`; absent when `rate_b` is 0."},
                "flagged": {"type": "boolean", "description": "The interval excludes 0: need does not explain the difference."}
            },
            "required": ["a", "b", "rate_a", "rate_b", "difference", "ci_low", "ci_high", "flagged"]
        },
        "AuditFlag": {
            "type": "object",
            "description": "A difference the need level does not explain.",
            "properties": {
                "trigger": {"type": "string", "description": "The trigger."},
                "level": {"type": "string", "description": "The need level."},
                "higher": {"type": "string", "description": "The group referred more often."},
                "lower": {"type": "string", "description": "The group referred less often."},
                "difference": {"type": "number", "description": "Rate of `higher` minus rate of `lower` (positive)."},
                "ci_low": {"type": "number", "description": "Lower end of the 95% interval of that difference."},
                "ci_high": {"type": "number", "description": "Upper end."}
            },
            "required": ["trigger", "level", "higher", "lower", "difference", "ci_low", "ci_high"]
        }
    })
}
