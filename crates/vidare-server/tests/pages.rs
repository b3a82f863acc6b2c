//! The web page without JavaScript: forms, POST-redirect-GET, escaping,
//! the quick exit, immediate triggers, the result page, the form check
//! (CSRF), and the login cookie in token mode. No address the browser
//! visits holds a session id, and every page is titled "Vidare".

use crate::common;

use std::collections::BTreeMap;

use common::{TestServer, fixtures, shipped};
use vidare_server::{Access, Options};

struct Page {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    html: String,
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
    try_hidden(html, name).unwrap_or_else(|| panic!("no {name} in {html}"))
}

fn try_hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next().unwrap().to_owned())
}

/// The `<title>` of a page.
fn title(html: &str) -> &str {
    html.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
}

/// A browser without JavaScript that sends no `Sec-Fetch-Site` (an older
/// one, or plain HTTP to another machine): it keeps its cookies and posts
/// every form with the form token of the page it last read.
struct Browser<'a> {
    server: &'a TestServer,
    cookies: BTreeMap<String, String>,
    csrf: Option<String>,
    /// Every address it was sent to, for the check that none holds a
    /// session id.
    visited: Vec<String>,
}

impl<'a> Browser<'a> {
    fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookies: BTreeMap::new(),
            csrf: None,
            visited: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, path: &str, page: &Page) {
        self.visited.push(path.to_owned());
        for set in page.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        if let Some(location) = &page.location {
            self.visited.push(location.clone());
        }
        if let Some(csrf) = try_hidden(&page.html, "csrf") {
            self.csrf = Some(csrf);
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self
            .server
            .client
            .get(format!("{}{path}", self.server.base))
            .header("cookie", self.cookie_header());
        let got = page(request.send().await.unwrap()).await;
        self.keep(path, &got);
        got
    }

    /// Posts a form with the form token; `headers` are added as they are.
    async fn post_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&all)
            .finish();
        let mut request = self
            .server
            .client
            .post(format!("{}{path}", self.server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", self.cookie_header())
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let got = page(request.send().await.unwrap()).await;
        self.keep(path, &got);
        got
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[]).await
    }

    /// Posts a step of the open interview and follows the redirect.
    async fn step(&mut self, fields: &[(&str, &str)]) -> Page {
        let current = self.get("/interview?lang=en").await;
        assert_eq!(current.status, 200, "{}", current.html);
        let events = hidden(&current.html, "expected_events");
        let item = hidden(&current.html, "item");
        let session = hidden(&current.html, "session");
        let mut all = vec![
            ("lang", "en"),
            ("session", session.as_str()),
            ("expected_events", events.as_str()),
            ("item", item.as_str()),
        ];
        all.extend_from_slice(fields);
        let posted = self.post("/interview", &all).await;
        assert_eq!(posted.status, 303, "{}", posted.html);
        let location = posted.location.unwrap();
        self.get(&location).await
    }

    /// Starts an interview on `spec` from the start page.
    async fn start(&mut self, spec: &str) -> Page {
        self.get("/?lang=en").await;
        let created = self
            .post("/interview/new", &[("questionnaire", spec), ("lang", "en")])
            .await;
        assert_eq!(created.status, 303, "{}", created.html);
        assert_eq!(created.location.as_deref(), Some("/interview?lang=en"));
        self.get("/interview?lang=en").await
    }

    /// No address visited holds `id`.
    fn assert_no_id_visited(&self, id: &str) {
        for url in &self.visited {
            assert!(!url.contains(id), "{url} holds the session id");
        }
    }
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
    /// Where it refers: the key, or the name 2.2.0 gives it.
    referral: &'static str,
}

const SEVEN_1: Seven = Seven {
    spec: "violence-seven@1.0.0",
    first: "Is the person alone with you",
    intro_first: true,
    trigger: "Carry out a FREDA risk assessment",
    referral: "Refer to: <code>freda-risk-assessment</code>",
};

const SEVEN_2: Seven = Seven {
    spec: "violence-seven@2.0.0",
    first: "Are you alone, so that nobody else can see or hear the conversation",
    intro_first: false,
    trigger: "Carry out a risk assessment with the person (FREDA risk assessment",
    referral: "Refer to: <code>freda-risk-assessment</code>",
};

/// 2.2.0 names its referrals: the page shows the name, not the key.
const SEVEN_2_2: Seven = Seven {
    spec: "violence-seven@2.2.0",
    referral: "Refer to: Risk assessment (FREDA)</p>",
    ..SEVEN_2
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
    let mut browser = Browser::new(&server);
    let start = browser.get("/?lang=en").await;
    assert_eq!(start.status, 200);
    assert!(start.html.contains("Start an interview"));
    assert_eq!(title(&start.html), "Vidare");
    // The quick exit is in the banner (a landmark) and goes through /exit.
    let banner = start.html.split("<header").nth(1).unwrap();
    let banner = banner.split("</header>").next().unwrap();
    assert!(
        banner.contains(r#"id="quick-exit" href="/exit""#),
        "{banner}"
    );
    for (id, newest, older) in [
        ("violence-seven", "2.2.0", ["1.0.0", "2.1.0"]),
        ("boston-life-areas", "2.1.0", ["1.0.0", "2.0.0"]),
        ("gender-equality-compass", "2.2.0", ["2.0.0", "2.1.0"]),
        ("safety-plan", "1.2.0", ["1.0.0", "1.1.0"]),
    ] {
        let newest = format!(r#"name="questionnaire" value="{id}@{newest}""#);
        assert!(start.html.contains(&newest), "{id}: {}", start.html);
        for older in older {
            let older = format!(r#"value="{id}@{older}""#);
            assert!(!start.html.contains(&older), "{id}: {}", start.html);
        }
    }
    // The person's languages of the shipped translations, each a draft.
    let person = between(
        &start.html,
        r#"<fieldset id="person-language""#,
        "</fieldset>",
    );
    for code in ["ar", "fa", "so", "ti", "sv-x-easy"] {
        let offered = format!(
            r#"(<bdi>{code}</bdi>) — <span class="status status-draft">draft: not checked by an authorised translator</span>"#
        );
        assert!(person.contains(&offered), "{offered}: {person}");
    }
    // Each names the questionnaires that lack it.
    let arabic = between(person, r#"value="ar""#, "</label>");
    assert!(
        arabic.contains(
            r#"<small class="missing">not in: Life areas and readiness for change</small>"#
        ),
        "{arabic}"
    );
    let swedish = between(person, r#"value="sv""#, "</label>");
    assert!(!swedish.contains("not in"), "{swedish}");
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
    let exit = browser.get("/exit").await;
    assert_eq!(exit.status, 303);
    assert_eq!(
        exit.location.as_deref(),
        Some("https://www.example.org/weather")
    );
}

#[tokio::test]
async fn an_interview_runs_through_the_page_without_javascript() {
    interview_through_the_page(&SEVEN_1).await;
}

#[tokio::test]
async fn an_interview_on_the_newest_version_runs_through_the_page() {
    interview_through_the_page(&SEVEN_2).await;
    interview_through_the_page(&SEVEN_2_2).await;
}

/// A whole interview on `seven` through forms and redirects: the gate,
/// back to an answer (shown chosen), a decline and back, the immediate
/// trigger, a stale form, the completion page, the result page, closing,
/// deleting (after a confirmation), and no session id in any address.
async fn interview_through_the_page(seven: &Seven) {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let mut browser = Browser::new(&server);
    let page = browser.start(seven.spec).await;
    let id = hidden(&page.html, "session");
    assert!(page.html.contains(seven.first), "{}", page.html);
    assert_eq!(
        title(&page.html),
        "Vidare",
        "the title names no questionnaire"
    );
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
        page.html.contains(r#"href="/interview?lang=sv""#),
        "language switch"
    );

    // Next without an answer: the page says what to do.
    let missing = browser.step(&[("action", "answer")]).await;
    assert!(
        missing.html.contains("Choose or write an answer"),
        "{}",
        missing.html
    );

    let page = browser
        .step(&[("action", "answer"), ("value", "yes")])
        .await;
    assert!(page.html.contains("Is an interpreter used?"));
    let page = browser
        .step(&[("action", "answer"), ("value", "none")])
        .await;
    assert!(page.html.contains("threatened, controlled"));
    // Back shows the earlier answer chosen.
    let page = browser.step(&[("action", "back")]).await;
    assert!(page.html.contains("Is an interpreter used?"));
    assert!(
        page.html
            .contains(r#"name="value" value="none" required checked"#),
        "{}",
        page.html
    );
    let page = browser
        .step(&[("action", "answer"), ("value", "none")])
        .await;
    assert!(page.html.contains("threatened, controlled"));
    assert!(page.html.contains("Prefer not to answer"));
    assert_eq!(
        page.html.contains(INTRO),
        !seven.intro_first,
        "the info text"
    );

    // Decline, then go back to the declined question and answer it.
    let page = browser.step(&[("action", "decline")]).await;
    assert!(page.html.contains("hit, kicked, pushed"));
    let page = browser.step(&[("action", "back")]).await;
    assert!(
        page.html.contains("threatened, controlled"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("checked"), "a decline is no answer");
    let page = browser
        .step(&[("action", "answer"), ("value", "yes")])
        .await;
    assert!(page.html.contains("When did it last happen?"));
    assert!(!page.html.contains(r#"id="immediate""#));
    let page = browser
        .step(&[("action", "answer"), ("value", "ongoing")])
        .await;
    // The immediate trigger shows at once, with its evidence.
    assert!(page.html.contains(r#"id="immediate""#), "{}", page.html);
    assert!(page.html.contains(seven.trigger), "{}", page.html);
    assert!(page.html.contains(seven.referral), "{}", page.html);

    // A form from an older state (another tab) is refused, not applied.
    let stale = browser
        .post(
            "/interview",
            &[
                ("lang", "en"),
                ("session", &id),
                ("expected_events", "1"),
                ("item", "physical"),
                ("action", "answer"),
                ("value", "no"),
            ],
        )
        .await;
    assert_eq!(
        stale.location.as_deref(),
        Some("/interview?lang=en&problem=stale")
    );
    let page = browser.get("/interview?lang=en&problem=stale").await;
    assert!(page.html.contains("changed in another window or tab"));

    let mut page = page;
    for _ in 0..20 {
        if !page.html.contains(r#"name="value""#) {
            break;
        }
        let question = page.html.split("<h1").nth(1).unwrap_or_default();
        let question = question.split("</h1>").next().unwrap_or_default();
        let answer = if question.contains("used violence or threats") {
            "yes"
        } else if question.contains("When did it last happen?") {
            "earlier"
        } else {
            "no"
        };
        page = browser
            .step(&[("action", "answer"), ("value", answer)])
            .await;
    }
    // The completion page has its level-one heading.
    assert!(
        page.html
            .contains(r#"<h1 class="done" id="done">The interview is complete.</h1>"#),
        "{}",
        page.html
    );
    let result = browser.get("/interview/result?lang=en").await;
    assert_eq!(result.status, 200);
    assert_eq!(title(&result.html), "Vidare");
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

    // Closing keeps the result page.
    let close = browser
        .post(
            "/interview/close",
            &[
                ("lang", "en"),
                ("session", &id),
                ("expected_events", &hidden(html, "expected_events")),
            ],
        )
        .await;
    assert_eq!(close.status, 303);
    let closed = browser.get("/interview/result?lang=en").await;
    assert!(closed.html.contains("The session is closed."));
    let interview = browser.get("/interview?lang=en").await;
    assert_eq!(interview.status, 303, "a closed interview shows its result");

    // Deleting asks first, in a form that works without JavaScript.
    let asked = browser
        .post("/interview/delete", &[("lang", "en"), ("session", &id)])
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.html.contains("Delete the session?"), "{}", asked.html);
    assert!(asked.html.contains(r#"name="confirm" value="yes""#));
    assert_eq!(browser.get("/interview/result?lang=en").await.status, 200);
    let deleted = browser
        .post(
            "/interview/delete",
            &[("lang", "en"), ("session", &id), ("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.location.as_deref(), Some("/?lang=en"));
    let gone = browser.get("/interview/result?lang=en").await;
    assert_eq!(gone.status, 404);
    assert!(gone.html.contains("No interview is open here."));
    let api = server.get(&format!("/api/v1/sessions/{id}")).await;
    assert_eq!(api.status, 404, "the session is deleted");

    browser.assert_no_id_visited(&id);
}

/// The quick exit forgets the open interview: its addresses show nothing
/// of it afterwards, and the old `/s/{id}` addresses are gone.
#[tokio::test]
async fn after_the_quick_exit_the_page_shows_nothing_of_the_interview() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let mut browser = Browser::new(&server);
    let page = browser.start("violence-seven").await;
    let id = hidden(&page.html, "session");
    let title_of = "Seven questions about violence";
    assert!(page.html.contains(title_of), "the page shows it");
    let exit = browser.get("/exit").await;
    assert_eq!(exit.status, 303);
    assert_eq!(exit.location.as_deref(), Some("https://www.google.com/"));
    for path in ["/interview?lang=en", "/interview/result?lang=en"] {
        let again = browser.get(path).await;
        assert_eq!(again.status, 404, "{path}");
        assert!(!again.html.contains(title_of), "{path}: {}", again.html);
        assert!(!again.html.contains(&id), "{path}");
    }
    for path in [format!("/s/{id}"), format!("/s/{id}/result")] {
        assert_eq!(browser.get(&path).await.status, 404, "{path}");
    }
    // The code on the page resumes it.
    browser.get("/?lang=en").await;
    let resumed = browser
        .post("/interview/resume", &[("link", &id), ("lang", "en")])
        .await;
    assert_eq!(resumed.location.as_deref(), Some("/interview?lang=en"));
    assert!(
        browser
            .get("/interview?lang=en")
            .await
            .html
            .contains(title_of)
    );
}

/// A case of the form check: what, the headers, the form token sent, and
/// the status.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, u16);

/// A form post is taken when the browser says it comes from this site,
/// whatever `Origin` says (`no-referrer` makes it `null`), or when it
/// carries the token of the browser's own form cookie; otherwise 403.
#[tokio::test]
async fn form_posts_need_sec_fetch_site_or_the_form_token() {
    let server = TestServer::start(&shipped(), Access::Local).await;
    let start = [("questionnaire", "violence-seven"), ("lang", "en")];
    let mut browser = Browser::new(&server);
    browser.get("/?lang=en").await;
    let token = browser.csrf.clone().unwrap();
    let cases: [Case<'_>; 8] = [
        (
            "a post from this site in a browser without JavaScript",
            &[("origin", "null"), ("sec-fetch-site", "same-origin")],
            "",
            303,
        ),
        ("one the user made", &[("sec-fetch-site", "none")], "", 303),
        (
            "Origin null with the form token",
            &[("origin", "null")],
            &token,
            303,
        ),
        ("Origin null alone", &[("origin", "null")], "", 403),
        (
            "another site",
            &[("sec-fetch-site", "cross-site")],
            &token,
            403,
        ),
        (
            "a sibling site",
            &[("sec-fetch-site", "same-site")],
            &token,
            403,
        ),
        (
            "another origin without the token",
            &[("origin", "http://evil.example")],
            "",
            403,
        ),
        ("a wrong token", &[], "00ff", 403),
    ];
    for (what, headers, csrf, status) in cases {
        let mut fields = start.to_vec();
        fields.push(("csrf", csrf));
        let got = browser.post_with("/interview/new", &fields, headers).await;
        assert_eq!(got.status, status, "{what}: {}", got.html);
    }
    // A token is bound to the browser's form cookie: another browser's
    // token does not work.
    let mut other = Browser::new(&server);
    other.get("/?lang=en").await;
    let mut fields = start.to_vec();
    fields.push(("csrf", &token));
    let got = other.post_with("/interview/new", &fields, &[]).await;
    assert_eq!(got.status, 403);
}

/// A whole-number field takes no decimals in the browser (`step="1"`),
/// says what it accepts, and a decimal posted anyway is told the same.
#[tokio::test]
async fn a_whole_number_field_says_what_it_accepts() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = TestServer::start(&here.join("tests/fixtures/pages"), Access::Local).await;
    let mut browser = Browser::new(&server);
    browser.start("hours").await;
    let page = browser
        .step(&[("action", "answer"), ("value", "yes")])
        .await;
    assert!(page.html.contains(r#"type="number""#), "{}", page.html);
    assert!(page.html.contains(r#"step="1""#), "{}", page.html);
    assert!(
        page.html
            .contains("Answer with a whole number from 0 to 10.")
    );
    let page = browser
        .step(&[("action", "answer"), ("value", "7.5")])
        .await;
    assert!(
        page.html.contains(
            "The answer does not fit the question. Answer with a whole number from 0 to 10."
        ),
        "{}",
        page.html
    );
    let page = browser.step(&[("action", "answer"), ("value", "7")]).await;
    assert!(page.html.contains("Do you feel rested?"));
    // Back to it: the earlier number is in the field.
    let page = browser.step(&[("action", "back")]).await;
    assert!(
        page.html.contains(r#"name="value" value="7""#),
        "{}",
        page.html
    );
}

#[tokio::test]
async fn texts_are_escaped() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let mut browser = Browser::new(&server);
    browser.start("notes").await;
    browser.step(&[("action", "answer"), ("value", "no")]).await;
    let page = browser.step(&[("action", "dont_know")]).await;
    assert!(
        page.html.contains(r#"<textarea id="answer" name="value""#),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(r#"<label for="answer">How do we best reach you?</label>"#)
    );
    let page = browser
        .step(&[
            ("action", "answer"),
            ("value", "<script>alert('x')</script> & co"),
        ])
        .await;
    assert!(page.html.contains("The interview is complete."));
    let result = browser.get("/interview/result?lang=en").await;
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
    let mut north = Browser::new(&server);
    let start = north.get("/?lang=en").await;
    assert_eq!(start.status, 303);
    assert_eq!(
        start.location.as_deref(),
        Some("/login?next=%2F%3Flang%3Den")
    );
    let login = north.get("/login?next=%2F%3Flang%3Den&lang=en").await;
    assert!(login.html.contains(r#"type="password" name="token""#));

    let bad = north
        .post(
            "/login",
            &[("token", "nope"), ("next", "/?lang=en"), ("lang", "en")],
        )
        .await;
    assert!(
        bad.location
            .as_deref()
            .unwrap()
            .starts_with("/login?error=1")
    );
    let good = north
        .post(
            "/login",
            &[
                ("token", "tok-north-k7f2q9x4m1p8w3z6"),
                ("next", "/?lang=en"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(good.location.as_deref(), Some("/?lang=en"));
    let cookie = good.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let mut elsewhere = Browser::new(&server);
    elsewhere.get("/login?lang=en").await;
    let evil = elsewhere
        .post(
            "/login",
            &[
                ("token", "tok-north-k7f2q9x4m1p8w3z6"),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");

    // The form token is bound to the login: the one of the login page no
    // longer works once logged in.
    let before = north.csrf.clone().unwrap();
    let stale = north
        .post_with(
            "/interview/new",
            &[
                ("questionnaire", "notes"),
                ("lang", "en"),
                ("csrf", &before),
            ],
            &[],
        )
        .await;
    assert_eq!(stale.status, 403);

    let page = north.start("notes").await;
    assert_eq!(page.status, 200);
    let id = hidden(&page.html, "session");
    let mut south = Browser::new(&server);
    south.get("/login?lang=en").await;
    south
        .post(
            "/login",
            &[("token", "tok-south-k7f2q9x4m1p8w3z6"), ("next", "/")],
        )
        .await;
    assert_eq!(south.get("/?lang=en").await.status, 200);
    let resumed = south
        .post("/interview/resume", &[("link", &id), ("lang", "en")])
        .await;
    assert_eq!(
        resumed.location.as_deref(),
        Some("/?lang=en&problem=unknown-session"),
        "another tenant's interview"
    );
    north.cookies.remove("vidare_login");
    assert_eq!(
        north.get("/interview?lang=en").await.status,
        303,
        "no login cookie: to the login"
    );
}

/// The questionnaire of the interpreter-mode tests: Swedish, English,
/// Arabic, Persian and Tigrinya.
fn interpreter_fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/interpreter")
}

/// Whether `text` holds a letter of the Arabic script.
fn has_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// The part of `html` from the first `start` to the `end` after it.
fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).map_or(rest.len(), |n| n + end.len())]
}

/// Starts `talk` with the person's language `person` (empty: none).
async fn start_interpreted(browser: &mut Browser<'_>, person: &str) -> Page {
    browser.get("/?lang=en").await;
    browser
        .post(
            "/interview/new",
            &[
                ("questionnaire", "talk"),
                ("lang", "en"),
                ("person", person),
            ],
        )
        .await
}

/// The start page offers the person's language as part of the framing,
/// each language named in itself with its own `lang` and `dir`.
#[tokio::test]
async fn the_start_page_offers_the_persons_language() {
    let server = TestServer::start(&interpreter_fixtures(), Access::Local).await;
    let mut browser = Browser::new(&server);
    let start = browser.get("/?lang=en").await;
    let html = &start.html;
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#), "{html}");
    let fieldset = between(html, r#"<fieldset id="person-language""#, "</fieldset>");
    assert!(
        fieldset.contains("The person&#39;s language")
            || fieldset.contains("The person's language")
    );
    assert!(
        fieldset.contains(r#"name="person" value="" checked"#),
        "{fieldset}"
    );
    for (code, dir, name) in [
        ("ar", "rtl", "العربية"),
        ("fa", "rtl", "فارسی"),
        ("ti", "ltr", "ትግርኛ"),
        ("sv", "ltr", "Svenska"),
    ] {
        assert!(
            fieldset.contains(&format!(r#"name="person" value="{code}""#)),
            "{code}: {fieldset}"
        );
        let named = format!(r#"<span lang="{code}" dir="{dir}">{name}</span> (<bdi>{code}</bdi>)"#);
        assert!(fieldset.contains(&named), "{named}: {fieldset}");
    }
}

/// Interpreter mode without JavaScript: the practitioner's text and the
/// person's side by side, each marked with its language and direction;
/// options in both; numbers and ids isolated; triggers and the result in
/// the practitioner's language only; the person's language in a cookie,
/// never in an address, and gone after the quick exit.
#[tokio::test]
async fn interpreter_mode_shows_both_languages() {
    let server = TestServer::start(&interpreter_fixtures(), Access::Local).await;
    let mut browser = Browser::new(&server);
    let created = start_interpreted(&mut browser, "ar").await;
    assert_eq!(created.status, 303, "{}", created.html);
    assert_eq!(created.location.as_deref(), Some("/interview?lang=en"));
    assert_eq!(
        browser.cookies.get("vidare_person").map(String::as_str),
        Some("ar")
    );
    let page = browser.get("/interview?lang=en").await;
    let html = &page.html;
    let id = hidden(html, "session");
    assert_eq!(title(html), "Vidare");
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(html.contains(r#"<main id="main" class="wide">"#), "{html}");
    // The question: the practitioner's text, then the person's column.
    let form = between(html, r#"<form class="item""#, "</form>");
    let person = between(
        form,
        r#"<div class="side person" lang="ar" dir="rtl">"#,
        "</div>",
    );
    assert!(person.contains("هل أنت قلق بشأن شيء ما الآن؟"), "{person}");
    assert!(
        person.contains("أجب بنعم أو لا."),
        "the help, in Arabic: {person}"
    );
    assert!(
        html.contains(r#"<h1 id="question-text" lang="en" dir="ltr">Are you worried about something right now?</h1>"#),
        "{html}"
    );
    assert!(html.contains(r#"aria-labelledby="question-text person-text""#));
    // Yes and no, and "prefer not to answer", in both languages (the
    // person's from the core's phrases).
    for (en, ar) in [("Yes", "نعم"), ("No", "لا")] {
        let both = format!(
            r#"<span class="own">{en}</span><span class="person" lang="ar" dir="rtl">{ar}</span>"#
        );
        assert!(html.contains(&both), "{both}: {html}");
    }
    assert!(
        html.contains(r#"<span>Prefer not to answer</span><span class="person-phrase" lang="ar" dir="rtl">أفضّل عدم الإجابة</span>"#),
        "{html}"
    );
    assert!(!html.contains("phrases-note"));
    // The information text in both languages.
    assert!(html.contains("A few short questions about how you are."));
    assert!(html.contains("بعض الأسئلة القصيرة عن أحوالك."));
    assert!(
        html.contains(r#"<p class="mode" id="interpreter">"#),
        "{html}"
    );
    // The Arabic texts are a draft: the practitioner is told so.
    assert!(
        html.contains(r#"<p class="notice draft" id="draft-note">The texts in the person&#39;s language are a draft"#)
            || html.contains(r#"<p class="notice draft" id="draft-note">The texts in the person's language are a draft"#),
        "{html}"
    );
    // The interview's code stays one isolated run in any direction.
    assert!(
        html.contains(&format!("<code><bdi>{id}</bdi></code>")),
        "{html}"
    );
    // No Arabic outside an element marked Arabic and right to left: every
    // run of Arabic is inside a `lang="ar" dir="rtl"` element here.
    for (n, _) in html.match_indices(r#"lang="ar""#) {
        assert!(
            html[n..].starts_with(r#"lang="ar" dir="rtl""#),
            "{}",
            &html[n..n + 60]
        );
    }

    // Yes: the trigger is the practitioner's, in English only.
    let page = browser
        .step(&[("action", "answer"), ("value", "yes")])
        .await;
    let alert = between(&page.html, r#"id="immediate""#, "</section>");
    assert!(alert.contains("The person is worried. Talk about the worry now."));
    assert!(!has_arabic(alert), "{alert}");
    // A choice: every option in both languages.
    for (en, ar) in [("This week", "هذا الأسبوع"), ("Earlier", "قبل ذلك")] {
        let both = format!(
            r#"<span class="own"><span lang="en" dir="ltr">{en}</span></span><span class="person" lang="ar" dir="rtl">{ar}</span>"#
        );
        assert!(page.html.contains(&both), "{both}: {}", page.html);
    }
    // A scale: the numbers of the points are isolated in the Arabic text.
    let page = browser
        .step(&[("action", "answer"), ("value", "earlier")])
        .await;
    assert!(
        page.html
            .contains(r#"<span class="person" lang="ar" dir="rtl"><bdi>1</bdi> – بشكل سيئ</span>"#),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(r#"<span class="person" lang="ar" dir="rtl"><bdi>3</bdi></span>"#)
    );
    // A number: the unit in both languages.
    let page = browser.step(&[("action", "answer"), ("value", "4")]).await;
    assert!(
        page.html
            .contains(r#"<span class="unit person" lang="ar" dir="rtl">ساعات في اليوم</span>"#),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(r#"aria-describedby="person-text accepts""#),
        "{}",
        page.html
    );
    // What it takes, in the person's words, with the numbers isolated.
    assert!(
        page.html.contains(
            r#"<p class="help person-accepts">عدد صحيح من <bdi>0</bdi> إلى <bdi>24</bdi></p>"#
        ),
        "{}",
        page.html
    );
    let page = browser.step(&[("action", "answer"), ("value", "7")]).await;
    assert!(page.html.contains(r#"id="done""#), "{}", page.html);

    // The result: the practitioner's language only.
    let result = browser.get("/interview/result?lang=en").await;
    let main = between(&result.html, "<main", "</main>");
    assert!(main.contains("The person is worried."));
    assert!(!has_arabic(main), "{main}");

    // The quick exit forgets the person's language too; no address held
    // the session or the language.
    browser.get("/exit").await;
    assert!(!browser.cookies.contains_key("vidare_person"));
    assert!(!browser.cookies.contains_key("vidare_interview"));
    browser.assert_no_id_visited(&id);
    for url in &browser.visited {
        assert!(!url.contains("ar"), "{url} names the person's language");
    }
}

/// Without a person's language, or with the practitioner's own, the page
/// has one column; a language the questionnaire lacks is refused on the
/// start page; a resumed interview starts without interpreter mode.
#[tokio::test]
async fn interpreter_mode_is_chosen_at_the_start_only() {
    let server = TestServer::start(&interpreter_fixtures(), Access::Local).await;
    for person in ["", "en"] {
        let mut browser = Browser::new(&server);
        let created = start_interpreted(&mut browser, person).await;
        assert_eq!(created.status, 303, "{}", created.html);
        assert!(!browser.cookies.contains_key("vidare_person"), "{person:?}");
        let page = browser.get("/interview?lang=en").await;
        assert!(!page.html.contains("side person"), "{person:?}");
        assert!(!page.html.contains("draft-note"), "{person:?}");
        assert!(!has_arabic(&page.html), "{person:?}");
        assert!(
            page.html.contains(
                r#"<h1 lang="en" dir="ltr">Are you worried about something right now?</h1>"#
            ) || page
                .html
                .contains(r#"lang="en" dir="ltr">Are you worried about something right now?</h1>"#),
            "{}",
            page.html
        );
    }
    let mut browser = Browser::new(&server);
    let refused = start_interpreted(&mut browser, "so").await;
    assert_eq!(
        refused.location.as_deref(),
        Some("/?lang=en&problem=unknown-person-language")
    );
    let again = browser
        .get("/?lang=en&problem=unknown-person-language")
        .await;
    assert!(
        again
            .html
            .contains("The questionnaire is not available in that language.")
    );

    // Interpreter mode, then the same interview resumed by its code.
    start_interpreted(&mut browser, "fa").await;
    let page = browser.get("/interview?lang=en").await;
    assert!(
        page.html
            .contains(r#"<div class="side person" lang="fa" dir="rtl">"#)
    );
    assert!(page.html.contains("آیا الان نگران چیزی هستید؟"));
    let id = hidden(&page.html, "session");
    browser.get("/?lang=en").await;
    browser
        .post("/interview/resume", &[("link", &id), ("lang", "en")])
        .await;
    assert!(!browser.cookies.contains_key("vidare_person"));
    assert!(
        !browser
            .get("/interview?lang=en")
            .await
            .html
            .contains("side person")
    );
}

/// A session started in Arabic through the API and opened on the page
/// without a language: the page's own words stay Swedish (`<html
/// lang="sv" dir="ltr">`), and every questionnaire text is marked Arabic,
/// right to left.
#[tokio::test]
async fn texts_in_another_language_than_the_page_carry_their_own() {
    let server = TestServer::start(&interpreter_fixtures(), Access::Local).await;
    let created = server
        .post(
            "/api/v1/sessions",
            &serde_json::json!({"questionnaire": "talk", "language": "ar"}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&server);
    browser.get("/?lang=sv").await;
    browser
        .post("/interview/resume", &[("link", &id), ("lang", "sv")])
        .await;
    let page = browser.get("/interview").await;
    let html = &page.html;
    assert!(html.contains(r#"<html lang="sv" dir="ltr">"#), "{html}");
    assert!(html.contains("Nästa"), "the page's words are Swedish");
    assert!(
        html.contains(r#"<h1 lang="ar" dir="rtl">هل أنت قلق بشأن شيء ما الآن؟</h1>"#),
        "{html}"
    );
    assert!(html.contains(r#"<p class="title-line">حديث عن الحياة اليومية</p>"#));
    let title = between(
        html,
        r#"<div lang="ar" dir="rtl"><p class="title-line">"#,
        "</div>",
    );
    assert!(has_arabic(title));
    for (n, _) in html.match_indices(r#"lang="ar""#) {
        assert!(html[n..].starts_with(r#"lang="ar" dir="rtl""#));
    }
}

/// A person's language the core has no phrases for (Polish, in the test
/// questionnaire, reviewed): the questionnaire's texts in it, the buttons
/// in the practitioner's language only, and the practitioner told so; no
/// draft note for a reviewed translation.
#[tokio::test]
async fn without_phrases_in_the_persons_language_the_buttons_stay_the_practitioners() {
    let server = TestServer::start(&interpreter_fixtures(), Access::Local).await;
    let mut browser = Browser::new(&server);
    let start = browser.get("/?lang=en").await;
    assert!(
        start.html.contains(r#"(<bdi>pl</bdi>) — <span class="status status-reviewed">checked by an authorised translator</span>"#),
        "{}",
        start.html
    );
    start_interpreted(&mut browser, "pl").await;
    let page = browser.get("/interview?lang=en").await;
    let html = &page.html;
    assert!(
        html.contains(r#"<div class="side person" lang="pl" dir="ltr">"#),
        "{html}"
    );
    assert!(html.contains("Czy coś cię teraz martwi?"));
    assert!(html.contains(r#"id="phrases-note""#), "{html}");
    assert!(!html.contains("draft-note"), "{html}");
    assert!(!html.contains("person-phrase"), "{html}");
    assert!(html.contains(r#"<label class="choice"><input type="radio" name="value" value="yes" required autofocus><span>Yes</span></label>"#), "{html}");
}
