//! The web page without JavaScript: forms, POST-redirect-GET, escaping,
//! the quick exit, immediate triggers, the result page, and the login
//! cookie in token mode.

mod common;

use common::{TestServer, fixtures, shipped};
use vidare_server::{Access, Options};

struct Page {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    html: String,
}

async fn get(server: &TestServer, path: &str, cookie: Option<&str>) -> Page {
    let mut request = server.client.get(format!("{}{path}", server.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    page(request.send().await.unwrap()).await
}

async fn post(
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Page {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = server
        .client
        .post(format!("{}{path}", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    page(request.send().await.unwrap()).await
}

async fn page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Page {
        status,
        location,
        headers,
        html: response.text().await.unwrap(),
    }
}

/// The value of a hidden field in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Posts a step of the interview page and follows the redirect.
async fn step(server: &TestServer, at: &str, fields: &[(&str, &str)]) -> Page {
    let current = get(server, at, None).await;
    let events = hidden(&current.html, "expected_events");
    let item = hidden(&current.html, "item");
    let mut all = vec![
        ("lang", "en"),
        ("expected_events", events.as_str()),
        ("item", item.as_str()),
    ];
    all.extend_from_slice(fields);
    let path = at.split('?').next().unwrap();
    let posted = post(server, path, &all, None).await;
    assert_eq!(posted.status, 303, "{}", posted.html);
    let location = posted.location.unwrap();
    get(server, &location, None).await
}

/// What an interview on one version of `violence-seven` shows in English,
/// where the two versions differ.
struct Seven {
    /// The version started, by its spec.
    spec: &'static str,
    /// The first question (the interviewer's: is the person alone).
    first: &'static str,
    /// Whether the introduction shows with the first question (1.0.0) or
    /// with the first question about violence, after the gate (2.0.0).
    intro_first: bool,
    /// The immediate trigger's text for ongoing violence.
    trigger: &'static str,
}

const SEVEN_1: Seven = Seven {
    spec: "violence-seven@1.0.0",
    first: "Is the person alone with you",
    intro_first: true,
    trigger: "Carry out a FREDA risk assessment",
};

const SEVEN_2: Seven = Seven {
    spec: "violence-seven@2.0.0",
    first: "Are you alone, so that nobody else can see or hear the conversation",
    intro_first: false,
    trigger: "Carry out a risk assessment with the person (FREDA risk assessment",
};

const INTRO: &str = "We ask everyone we meet about violence";

/// The start page offers the newest version of every shipped
/// questionnaire; an older one is started by its spec (as through the API).
#[tokio::test]
async fn the_start_page_offers_the_newest_versions() {
    let options = Options {
        quick_exit_url: "https://www.example.org/weather".into(),
        ..Options::default()
    };
    let server = TestServer::start_with(&shipped(), Access::Local, options).await;
    let start = get(&server, "/?lang=en", None).await;
    assert_eq!(start.status, 200);
    assert!(start.html.contains("Start an interview"));
    assert!(
        start
            .html
            .contains(r#"id="quick-exit" href="https://www.example.org/weather""#)
    );
    for id in [
        "violence-seven",
        "boston-life-areas",
        "gender-equality-compass",
    ] {
        let newest = format!(r#"name="questionnaire" value="{id}@2.0.0""#);
        let older = format!(r#"value="{id}@1.0.0""#);
        assert!(start.html.contains(&newest), "{id}: {}", start.html);
        assert!(!start.html.contains(&older), "{id}: {}", start.html);
    }
    assert!(start.html.contains("Local-only mode"));
    for (name, value) in [
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(start.headers[name], value);
    }
    assert!(
        start.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
}

#[tokio::test]
async fn an_interview_runs_through_the_page_without_javascript() {
    interview_through_the_page(&SEVEN_1).await;
}

#[tokio::test]
async fn an_interview_on_the_newest_version_runs_through_the_page() {
    interview_through_the_page(&SEVEN_2).await;
}

/// A whole interview on `seven` through forms and redirects: the gate,
/// a decline and back, the immediate trigger, a stale form, the result
/// page, the cross-site check, closing and deleting.
async fn interview_through_the_page(seven: &Seven) {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let created = post(
        &server,
        "/s",
        &[("questionnaire", seven.spec), ("lang", "en")],
        None,
    )
    .await;
    assert_eq!(created.status, 303);
    let at = created.location.unwrap();
    assert!(at.starts_with("/s/") && at.ends_with("?lang=en"), "{at}");
    let page = get(&server, &at, None).await;
    assert!(page.html.contains(seven.first), "{}", page.html);
    assert_eq!(
        page.html.contains(INTRO),
        seven.intro_first,
        "the info text"
    );
    assert!(
        page.html.contains("The interviewer&#39;s assessment")
            || page.html.contains("The interviewer's assessment")
    );
    assert!(
        page.html
            .contains(r#"<label class="choice"><input type="radio" name="value" value="yes""#)
    );
    assert!(page.html.contains("Question 1 of about"));
    assert!(
        !page.html.contains(r#"value="back""#),
        "no back on the first question"
    );
    assert!(page.html.contains(r#"id="quick-exit""#));
    assert!(
        page.html.contains(r#"href="/s/"#) && page.html.contains("?lang=sv"),
        "language switch"
    );

    // Next without an answer: the page says what to do.
    let missing = step(&server, &at, &[("action", "answer")]).await;
    assert!(
        missing.html.contains("Choose or write an answer"),
        "{}",
        missing.html
    );

    let page = step(&server, &at, &[("action", "answer"), ("value", "yes")]).await;
    assert!(page.html.contains("Is an interpreter used?"));
    let page = step(&server, &at, &[("action", "answer"), ("value", "none")]).await;
    assert!(page.html.contains("threatened, controlled"));
    assert!(page.html.contains("Prefer not to answer"));
    assert_eq!(
        page.html.contains(INTRO),
        !seven.intro_first,
        "the info text"
    );

    // Decline, then go back to the declined question and answer it.
    let page = step(&server, &at, &[("action", "decline")]).await;
    assert!(page.html.contains("hit, kicked, pushed"));
    let page = step(&server, &at, &[("action", "back")]).await;
    assert!(
        page.html.contains("threatened, controlled"),
        "{}",
        page.html
    );
    let page = step(&server, &at, &[("action", "answer"), ("value", "yes")]).await;
    assert!(page.html.contains("When did it last happen?"));
    assert!(!page.html.contains(r#"id="immediate""#));
    let page = step(&server, &at, &[("action", "answer"), ("value", "ongoing")]).await;
    // The immediate trigger shows at once, with its evidence.
    assert!(page.html.contains(r#"id="immediate""#), "{}", page.html);
    assert!(page.html.contains(seven.trigger), "{}", page.html);
    assert!(page.html.contains("freda-risk-assessment"));

    // A form from an older state (another tab) is refused, not applied.
    let stale = post(
        &server,
        at.split('?').next().unwrap(),
        &[
            ("lang", "en"),
            ("expected_events", "1"),
            ("item", "physical"),
            ("action", "answer"),
            ("value", "no"),
        ],
        None,
    )
    .await;
    assert!(
        stale
            .location
            .as_deref()
            .unwrap()
            .ends_with("&problem=stale")
    );
    let page = get(&server, stale.location.as_deref().unwrap(), None).await;
    assert!(page.html.contains("changed in another window or tab"));

    let mut page = page;
    for _ in 0..20 {
        if !page.html.contains(r#"name="value""#) {
            break;
        }
        let question = page.html.split("<h1>").nth(1).unwrap_or_default();
        let question = question.split("</h1>").next().unwrap_or_default();
        let answer = if question.contains("used violence or threats") {
            "yes"
        } else if question.contains("When did it last happen?") {
            "earlier"
        } else {
            "no"
        };
        page = step(&server, &at, &[("action", "answer"), ("value", answer)]).await;
    }
    assert!(
        page.html.contains("The interview is complete."),
        "{}",
        page.html
    );
    let id = at.trim_start_matches("/s/").split('?').next().unwrap();
    let result = get(&server, &format!("/s/{id}/result?lang=en"), None).await;
    assert_eq!(result.status, 200);
    let html = &result.html;
    let immediate = html.find("urgency-immediate").expect("an immediate group");
    let soon = html.find("urgency-soon").expect("a group of soon");
    assert!(immediate < soon, "most urgent first");
    assert!(html.contains(seven.trigger), "{html}");
    assert!(
        html.contains("When did it last happen?"),
        "evidence names the item"
    );
    assert!(html.contains("the answer is kept for the conversation only"));

    // Cross-site form posts are refused.
    let evil = server
        .client
        .post(format!("{}/s", server.base))
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("questionnaire=violence-seven&lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);

    // Closing keeps the result page; deleting removes the session.
    let close = post(
        &server,
        &format!("/s/{id}/close"),
        &[
            ("lang", "en"),
            ("expected_events", &hidden(html, "expected_events")),
        ],
        None,
    )
    .await;
    assert_eq!(close.status, 303);
    let closed = get(&server, &format!("/s/{id}/result?lang=en"), None).await;
    assert!(closed.html.contains("The session is closed."));
    let interview = get(&server, &format!("/s/{id}?lang=en"), None).await;
    assert_eq!(interview.status, 303, "a closed interview shows its result");
    let delete = post(&server, &format!("/s/{id}/delete"), &[("lang", "en")], None).await;
    assert_eq!(delete.status, 303);
    assert_eq!(get(&server, &format!("/s/{id}"), None).await.status, 404);
}

#[tokio::test]
async fn texts_are_escaped() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let created = post(
        &server,
        "/s",
        &[("questionnaire", "notes"), ("lang", "en")],
        None,
    )
    .await;
    let at = created.location.unwrap();
    step(&server, &at, &[("action", "answer"), ("value", "no")]).await;
    let page = step(&server, &at, &[("action", "dont_know")]).await;
    assert!(
        page.html.contains(r#"<textarea id="answer" name="value""#),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(r#"<label for="answer">How do we best reach you?</label>"#)
    );
    let page = step(
        &server,
        &at,
        &[
            ("action", "answer"),
            ("value", "<script>alert('x')</script> & co"),
        ],
    )
    .await;
    assert!(page.html.contains("The interview is complete."));
    let id = at.trim_start_matches("/s/").split('?').next().unwrap();
    let result = get(&server, &format!("/s/{id}/result?lang=en"), None).await;
    assert!(
        result
            .html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co")
            || result
                .html
                .contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; co"),
        "{}",
        result.html
    );
    assert!(!result.html.contains("<script>alert"));
}

#[tokio::test]
async fn with_tokens_the_page_needs_a_login() {
    let access = Access::from_tokens(
        Some("tok-north-k7f2q9x4m1p8w3z6=north,tok-south-k7f2q9x4m1p8w3z6=south"),
        None,
    )
    .unwrap();
    let server = TestServer::start(&fixtures(), access).await;
    let start = get(&server, "/?lang=en", None).await;
    assert_eq!(start.status, 303);
    assert_eq!(
        start.location.as_deref(),
        Some("/login?next=%2F%3Flang%3Den")
    );
    let login = get(&server, "/login?next=%2F%3Flang%3Den&lang=en", None).await;
    assert!(login.html.contains(r#"type="password" name="token""#));

    let bad = post(
        &server,
        "/login",
        &[("token", "nope"), ("next", "/?lang=en"), ("lang", "en")],
        None,
    )
    .await;
    assert!(
        bad.location
            .as_deref()
            .unwrap()
            .starts_with("/login?error=1")
    );
    let good = post(
        &server,
        "/login",
        &[
            ("token", "tok-north-k7f2q9x4m1p8w3z6"),
            ("next", "/?lang=en"),
            ("lang", "en"),
        ],
        None,
    )
    .await;
    assert_eq!(good.location.as_deref(), Some("/?lang=en"));
    let cookie = good.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let evil = post(
        &server,
        "/login",
        &[
            ("token", "tok-north-k7f2q9x4m1p8w3z6"),
            ("next", "//evil.example/"),
        ],
        None,
    )
    .await;
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");

    let start = get(&server, "/?lang=en", Some(&cookie)).await;
    assert_eq!(start.status, 200);
    let created = post(
        &server,
        "/s",
        &[("questionnaire", "notes"), ("lang", "en")],
        Some(&cookie),
    )
    .await;
    let at = created.location.unwrap();
    assert_eq!(get(&server, &at, Some(&cookie)).await.status, 200);
    let south = post(
        &server,
        "/login",
        &[("token", "tok-south-k7f2q9x4m1p8w3z6"), ("next", "/")],
        None,
    )
    .await;
    let south = south.headers["set-cookie"].to_str().unwrap();
    let south = south.split(';').next().unwrap();
    assert_eq!(
        get(&server, &at, Some(south)).await.status,
        404,
        "another tenant's interview"
    );
    assert_eq!(
        get(&server, &at, None).await.status,
        303,
        "no cookie: to the login"
    );
}
