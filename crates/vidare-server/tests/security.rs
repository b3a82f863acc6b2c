//! Security (issue 14): each test is an attack that worked before and is
//! refused now. Open redirects after the login, DNS rebinding in
//! local-only mode, weak and replayable credentials, unthrottled guessing,
//! data files others can read, cached answers, error bodies that repeat
//! the request, a tenant named `admin`, and the documented promises that
//! went with them (docs/server.md, "Threat model").

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{TestServer, assert_problem, fixtures, shipped};
use reqwest::Method;
use serde_json::{Value, json};
use vidare_server::{Access, AllowedHosts, Options};

const NORTH: &str = "north-7Qm2xV9pLk4RtZ8wYc3N";
const SOUTH: &str = "south-Hs6Jd1Fq8Ua5Ee2Ko9Wb";
const ADMIN: &str = "0f3a9c7e1b5d2f8a6c4e0b9d7f1a3c5e";

fn tokens() -> Access {
    Access::from_tokens(
        Some(&format!("{NORTH}=north,{SOUTH}=south")),
        Some(ADMIN.to_owned()),
    )
    .unwrap()
}

/// A client that does not follow redirects, sending from `from`.
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(from.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// Posts a form as a page of this site would; returns the status,
/// `Location`, `Set-Cookie` and body.
async fn form(
    client: &reqwest::Client,
    url: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, Option<String>, Option<String>, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    // As a browser posting a form of this site says.
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (location, cookie) = (header("location"), header("set-cookie"));
    let status = response.status().as_u16();
    (status, location, cookie, response.text().await.unwrap())
}

/// GETs a page with a cookie; returns the status and `Location`.
async fn page(server: &TestServer, path: &str, cookie: &str) -> (u16, Option<String>) {
    let response = server
        .client
        .get(format!("{}{path}", server.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status().as_u16(), location)
}

/// Logs in with `token` and returns the cookie (`name=value`) and the
/// whole `Set-Cookie`.
async fn login(server: &TestServer, token: &str) -> (String, String) {
    let (status, location, set_cookie, _) = form(
        &server.client,
        &format!("{}/login", server.base),
        &[("token", token), ("next", "/?lang=en"), ("lang", "en")],
        None,
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/?lang=en")));
    let set_cookie = set_cookie.expect("a login cookie");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    (cookie, set_cookie)
}

/// A raw HTTP/1.1 request (with whatever `Host` it names); returns the
/// status and the whole response as text.
fn raw_blocking(base: &str, request: &[u8]) -> (u16, String) {
    let addr = base.strip_prefix("http://").unwrap().trim_end_matches('/');
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

async fn raw(base: &str, request: String) -> (u16, String) {
    let base = base.to_owned();
    tokio::task::spawn_blocking(move || raw_blocking(&base, request.as_bytes()))
        .await
        .unwrap()
}

fn get_with_host(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn port(base: &str) -> &str {
    base.rsplit(':').next().unwrap()
}

// ------------------------------------------------------- open redirect

#[tokio::test]
async fn after_the_login_next_never_leads_to_another_site() {
    let server = TestServer::start(&fixtures(), tokens()).await;
    let url = format!("{}/login", server.base);
    // Browsers drop tabs and new lines from a URL, read `\` as `/`, and
    // take `//host` (and `https:`) as another site.
    for evil in [
        "//evil.example/",
        "/\\evil.example/",
        "\\/evil.example/",
        "/\\/evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/%5C/evil.example",
    ] {
        let (status, location, _, _) = form(
            &server.client,
            &url,
            &[("token", NORTH), ("next", evil)],
            None,
        )
        .await;
        assert_eq!(status, 303, "{evil:?}");
        let location = location.unwrap();
        assert!(
            location == "/" || (evil.starts_with("/%5C") && location == evil),
            "{evil:?} led to {location:?}"
        );
    }
    // A control character (the `\t` that made `/\t/evil.example/` work)
    // is refused, on the form and on the login page alike.
    for evil in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/x",
        "/\u{7f}/x",
    ] {
        let (status, location, cookie, body) = form(
            &server.client,
            &url,
            &[("token", NORTH), ("next", evil)],
            None,
        )
        .await;
        assert_eq!((status, location, cookie), (400, None, None), "{evil:?}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert!(body["type"].as_str().unwrap().ends_with("/invalid-request"));
        let query = form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>();
        let reply = server.get(&format!("/login?next={query}")).await;
        assert_problem(&reply, 400, "invalid-request");
    }
    // A path of this site is kept.
    let (status, location, _, _) = form(
        &server.client,
        &url,
        &[("token", NORTH), ("next", "/interview?lang=en&x=%2F%2F")],
        None,
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/interview?lang=en&x=%2F%2F"))
    );
}

#[tokio::test]
async fn a_new_line_in_next_or_a_path_is_a_problem_not_a_plain_500() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    // In local-only mode the login only redirects.
    let (status, location, _, body) = form(
        &server.client,
        &format!("{}/login", server.base),
        &[("next", "/\nSet-Cookie: x=y")],
        None,
    )
    .await;
    assert_eq!((status, location), (400, None), "{body}");
    // A form post to an interview whose id held a new line used to fail
    // building its redirect (text/plain 500). The page now keeps the open
    // interview in a cookie; a new line in a page's address or in a form
    // field of every page that posts is never a 500, never reaches a
    // `Location`, and an address that names nothing is a problem.
    let created = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": "notes", "language": "en"}),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let interview = format!("vidare_interview={id}");
    let fields: &[(&str, &str)] = &[
        ("session", id),
        ("lang", "en\nSet-Cookie: x=y"),
        ("item", "a\nb"),
        ("value", "a\nnote"),
        ("expected_events", "0"),
        ("questionnaire", "notes\n"),
        ("link", "/interview\n"),
    ];
    for path in [
        "/interview",
        "/interview/new",
        "/interview/resume",
        "/interview/close",
        "/interview/delete",
        "/interview%0Ab",
        "/interview/close%0A",
        "/a%0Ab",
    ] {
        let url = format!("{}{path}", server.base);
        let (status, location, cookie, body) =
            form(&server.client, &url, fields, Some(&interview)).await;
        assert!(status < 500, "{path}: {status} {body}");
        assert!(location.is_none_or(|l| !l.contains('\n')), "{path}");
        assert!(cookie.is_none_or(|c| !c.contains("x=y")), "{path}");
        if path.contains("%0A") {
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["status"], 404, "{path}");
            assert!(
                body["type"].as_str().unwrap().ends_with("/not-found"),
                "{path}"
            );
        }
    }
    let reply = server.get("/api/v1/sessions/a%0Ab").await;
    assert_problem(&reply, 404, "unknown-session");
}

// ------------------------------------------------------- DNS rebinding

#[tokio::test]
async fn in_local_only_mode_another_sites_host_is_misdirected() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let created = server
        .post("/api/v1/sessions", &json!({"questionnaire": "notes"}))
        .await;
    assert_eq!(created.status, 201);
    let p = port(&server.base);
    // A page on evil.example whose name now points at 127.0.0.1 reads with
    // the browser's `Host: evil.example:<port>`.
    for host in [
        format!("evil.example:{p}"),
        format!("localhost.evil.example:{p}"),
        format!("127.0.0.1.nip.io:{p}"),
        "evil.example".to_owned(),
    ] {
        for path in ["/api/v1/sessions", "/", "/healthz"] {
            let (status, text) = raw(&server.base, get_with_host(path, &host)).await;
            assert_eq!(status, 421, "{host} {path}: {text}");
            assert!(text.contains("application/problem+json"), "{text}");
            assert!(text.contains("misdirected-request"), "{text}");
            assert!(!text.contains("evil") && !text.contains("nip.io"), "{text}");
            assert!(!text.contains(created.body["id"].as_str().unwrap()));
        }
    }
    let (status, _) = raw(&server.base, "GET /healthz HTTP/1.0\r\n\r\n".to_owned()).await;
    assert_eq!(status, 421, "no Host at all");
    for host in [
        format!("localhost:{p}"),
        format!("127.0.0.1:{p}"),
        format!("[::1]:{p}"),
        format!("LocalHost:{p}"),
    ] {
        let (status, text) = raw(&server.base, get_with_host("/api/v1/sessions", &host)).await;
        assert_eq!(status, 200, "{host}: {text}");
    }
}

#[tokio::test]
async fn allowed_hosts_are_configurable_and_token_mode_checks_them_when_set() {
    let options = Options {
        allowed_hosts: AllowedHosts::parse("vidare.example, intranet.example:8443").unwrap(),
        ..Options::default()
    };
    let server = TestServer::start_with(&fixtures(), tokens(), options).await;
    for (host, status) in [
        ("vidare.example", 401),
        ("vidare.example:80", 401),
        ("intranet.example:8443", 401),
        ("intranet.example:8444", 421),
        ("localhost", 421),
        ("evil.example", 421),
    ] {
        let (got, text) = raw(&server.base, get_with_host("/api/v1/sessions", host)).await;
        assert_eq!(got, status, "{host}: {text}");
    }
    // With tokens and no list, any host: the token is what is checked.
    let server = TestServer::start(&fixtures(), tokens()).await;
    let (status, _) = raw(
        &server.base,
        get_with_host("/api/v1/sessions", "vidare.example"),
    )
    .await;
    assert_eq!(status, 401);
}

// ------------------------------------------------------------- tokens

#[tokio::test]
async fn the_login_cookie_is_a_server_side_login_that_logout_ends() {
    let server = TestServer::start(&fixtures(), tokens()).await;
    let (cookie, set_cookie) = login(&server, NORTH).await;
    let (name, id) = cookie.split_once('=').unwrap();
    assert_eq!(name, "vidare_login");
    assert_eq!(id.len(), 64, "256 random bits");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!set_cookie.contains(NORTH), "{set_cookie}");
    assert!(
        set_cookie.contains("Max-Age=28800"),
        "8 hours: {set_cookie}"
    );
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    assert_eq!(page(&server, "/?lang=en", &cookie).await.0, 200);
    // A second login gets another id.
    let (again, _) = login(&server, NORTH).await;
    assert_ne!(again, cookie);

    // The token itself is no cookie.
    for forged in [
        format!("vidare_login={NORTH}"),
        format!("vidare_token={NORTH}"),
    ] {
        let (status, location) = page(&server, "/?lang=en", &forged).await;
        assert_eq!(status, 303, "{forged}");
        assert!(location.unwrap().starts_with("/login"));
    }

    // Logout ends the login on the server: a copy of the cookie no longer works.
    let (status, location, cleared, _) = form(
        &server.client,
        &format!("{}/logout", server.base),
        &[],
        Some(&cookie),
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/login")));
    assert!(cleared.unwrap().contains("Max-Age=0"));
    let (status, location) = page(&server, "/?lang=en", &cookie).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with("/login"));
    // The other login is still valid.
    assert_eq!(page(&server, "/?lang=en", &again).await.0, 200);
}

#[tokio::test]
async fn with_secure_cookies_the_login_cookie_is_secure() {
    let options = Options {
        secure_cookies: true,
        ..Options::default()
    };
    let server = TestServer::start_with(&fixtures(), tokens(), options).await;
    let (_, set_cookie) = login(&server, NORTH).await;
    assert!(set_cookie.ends_with("; Secure"), "{set_cookie}");
    let server = TestServer::start(&fixtures(), tokens()).await;
    let (_, set_cookie) = login(&server, NORTH).await;
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
}

#[tokio::test]
async fn a_login_expires_on_the_server() {
    let options = Options {
        login_ttl: Duration::from_secs(1),
        ..Options::default()
    };
    let server = TestServer::start_with(&fixtures(), tokens(), options).await;
    let (cookie, set_cookie) = login(&server, SOUTH).await;
    assert!(set_cookie.contains("Max-Age=1"), "{set_cookie}");
    assert_eq!(page(&server, "/?lang=en", &cookie).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    // The browser would have dropped it; a copy kept elsewhere is refused.
    let (status, location) = page(&server, "/?lang=en", &cookie).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with("/login"));
}

#[tokio::test]
async fn failed_authentication_is_throttled_per_client_address() {
    let server = TestServer::start(&fixtures(), tokens()).await;
    let sessions = format!("{}/api/v1/sessions", server.base);
    let guesser = client_from("127.0.0.2");
    // Requests without a token guess nothing and cost nothing.
    for _ in 0..30 {
        let r = guesser.get(&sessions).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
    // Ten wrong guesses are answered; then the client waits.
    for n in 0..10 {
        let r = guesser
            .get(&sessions)
            .bearer_auth(format!("guess{n}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "guess {n}");
    }
    let r = guesser
        .get(&sessions)
        .bearer_auth("guess-11")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&wait), "{wait}");
    let body: Value = r.json().await.unwrap();
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/too-many-attempts")
    );
    // While throttled, even the right token is not looked at, so a guess
    // made now cannot tell whether it was right.
    let r = guesser
        .get(&sessions)
        .bearer_auth(NORTH)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    // The login form shares the allowance.
    let (status, _, cookie, body) = form(
        &guesser,
        &format!("{}/login", server.base),
        &[("token", NORTH), ("next", "/"), ("lang", "en")],
        None,
    )
    .await;
    assert_eq!((status, cookie), (429, None));
    assert!(body.contains("Too many wrong tokens"), "{body}");

    // Another address is not affected.
    let other = client_from("127.0.0.3");
    let r = other
        .get(&sessions)
        .bearer_auth(NORTH)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, _, cookie, _) = form(
        &other,
        &format!("{}/login", server.base),
        &[("token", "wrong"), ("next", "/")],
        None,
    )
    .await;
    assert_eq!((status, cookie), (303, None));
}

// -------------------------------------------------- start and config

/// Runs the binary with `env` and `args` on a fresh data folder; `Ok` with
/// its base URL once it listens (then stops it), `Err` with its standard
/// error and exit code when it exits first.
fn start_binary(env: &[(&str, &str)], args: &[&str]) -> Result<String, (String, Option<i32>)> {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_vidare-server"));
    command
        .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
        .arg("--data")
        .arg(dir.path().join("data.sqlite3"))
        .arg("--questionnaires")
        .arg(fixtures())
        .args(args)
        .env_remove("VIDARE_TOKENS")
        .env_remove("VIDARE_TOKENS_FILE")
        .env_remove("VIDARE_ADMIN_TOKEN")
        .env_remove("VIDARE_SECURE_COOKIES")
        .env_remove("VIDARE_ALLOWED_HOSTS")
        .env("VIDARE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    if let Some(base) = first.trim().strip_prefix("vidare-server listening on ") {
        child.kill().unwrap();
        child.wait().unwrap();
        return Ok(base.trim_end_matches('/').to_owned());
    }
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Err((stderr, status.code()))
}

#[test]
fn weak_tokens_and_a_tenant_named_admin_refuse_to_start() {
    let strong = "4c1e9a7b3d5f2e8c0a6b4d2f9e7c1a3b";
    for (env, says) in [
        (vec![("VIDARE_TOKENS", "x=north")], "too weak"),
        (
            vec![("VIDARE_TOKENS", "abcdef0123456789=north")],
            "too weak",
        ),
        (
            vec![
                ("VIDARE_TOKENS", "4c1e9a7b3d5f2e8c0a6b4d2f9e7c1a3b=north"),
                ("VIDARE_ADMIN_TOKEN", "letmein"),
            ],
            "the admin token is too weak",
        ),
        (
            vec![("VIDARE_TOKENS", "4c1e9a7b3d5f2e8c0a6b4d2f9e7c1a3b=admin")],
            "reserved",
        ),
        (
            vec![("VIDARE_TOKENS", "4c1e9a7b3d5f2e8c0a6b4d2f9e7c1a3b=local")],
            "reserved",
        ),
    ] {
        let (stderr, code) = start_binary(&env, &[]).expect_err(says);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        for (_, value) in &env {
            let token = value.split('=').next().unwrap();
            if token.len() >= 6 {
                assert!(!stderr.contains(token), "the token is repeated: {stderr}");
            }
        }
    }
    assert!(start_binary(&[("VIDARE_TOKENS", &format!("{strong}=north"))], &[]).is_ok());
}

#[test]
fn secure_cookies_takes_the_usual_yes_and_no_words() {
    for value in ["1", "0", "true", "FALSE", "yes", "No", "on", "OFF"] {
        let started = start_binary(&[("VIDARE_SECURE_COOKIES", value)], &[]);
        assert!(started.is_ok(), "{value}: {started:?}");
    }
    let (stderr, code) =
        start_binary(&[("VIDARE_SECURE_COOKIES", "maybe")], &[]).expect_err("maybe");
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn the_binary_answers_its_own_port_and_the_hosts_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::child::start(&fixtures(), &dir.path().join("data.sqlite3"));
    let p = port(&server.base).to_owned();
    let get = |host: &str| raw_blocking(&server.base, get_with_host("/healthz", host).as_bytes()).0;
    assert_eq!(get(&format!("localhost:{p}")), 200);
    assert_eq!(get(&format!("127.0.0.1:{p}")), 200);
    assert_eq!(get("localhost:1"), 421, "another port");
    assert_eq!(get(&format!("evil.example:{p}")), 421);
    server.kill();

    let server = common::child::start_with(
        &fixtures(),
        &dir.path().join("data.sqlite3"),
        &["--allowed-hosts", "vidare.example"],
    );
    let get = |host: &str| raw_blocking(&server.base, get_with_host("/healthz", host).as_bytes()).0;
    assert_eq!(get("vidare.example"), 200);
    assert_eq!(get("vidare.example:8080"), 200);
    assert_eq!(get("localhost"), 421);
    server.kill();
}

// ------------------------------------------------------ file modes

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_data_folder_and_files_are_the_owners_alone_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("new").join("data");
    let data = folder.join("vidare.sqlite3");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_vidare-server"))
        .args(["--bind", "127.0.0.1:0", "--close-after-hours", "0"])
        .arg("--data")
        .arg(&data)
        .arg("--questionnaires")
        .arg(fixtures())
        .env_remove("VIDARE_TOKENS")
        .env_remove("VIDARE_TOKENS_FILE")
        .env_remove("VIDARE_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .trim()
        .strip_prefix("vidare-server listening on ")
        .expect("the server starts")
        .trim_end_matches('/')
        .to_owned();
    let body = r#"{"questionnaire": "notes"}"#;
    let request = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        base.strip_prefix("http://").unwrap(),
        body.len()
    );
    let (status, text) = raw_blocking(&base, request.as_bytes());
    assert_eq!(status, 201, "{text}");
    let modes = [
        (folder.clone(), 0o700),
        (data.clone(), 0o600),
        (folder.join("vidare.sqlite3-wal"), 0o600),
        (folder.join("vidare.sqlite3-shm"), 0o600),
    ];
    for (path, expected) in &modes {
        assert_eq!(mode(path), *expected, "{}", path.display());
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // A data file made readable by others is made the owner's again.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(vidare_server::store::SqliteStore::open(&data).unwrap());
    assert_eq!(mode(&data), 0o600);
}

// ------------------------------------------------ responses and errors

#[tokio::test]
async fn responses_that_carry_answers_are_never_cached() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let created = server
        .post(
            "/api/v1/sessions",
            &json!({"questionnaire": "notes", "language": "en"}),
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let item = created.body["next"]["id"].as_str().unwrap().to_owned();
    let cache = |r: &reqwest::Response| {
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let url = |path: &str| format!("{}{path}", server.base);
    let answer = server
        .client
        .post(url(&format!("/api/v1/sessions/{id}/answer")))
        .json(&json!({"expected_events": 0, "item": item, "value": "a note"}))
        .send()
        .await
        .unwrap();
    assert_eq!(cache(&answer).as_deref(), Some("no-store"));
    for path in [
        "/api/v1/questionnaires".to_owned(),
        "/api/v1/sessions".to_owned(),
        format!("/api/v1/sessions/{id}"),
        format!("/api/v1/sessions/{id}/result"),
        format!("/api/v1/sessions/{id}/recording"),
        "/api/v1/sessions/0123456789abcdef0123456789abcdef".to_owned(),
        "/api/v1/nothing".to_owned(),
        "/".to_owned(),
        "/login".to_owned(),
        "/healthz".to_owned(),
    ] {
        let r = server.client.get(url(&path)).send().await.unwrap();
        assert_eq!(cache(&r).as_deref(), Some("no-store"), "{path}");
    }
    // The web page shows the open interview (named by its cookie) and its
    // result at fixed addresses: neither may be kept either.
    for path in ["/interview?lang=en", "/interview/result?lang=en"] {
        let r = server
            .client
            .get(url(path))
            .header("cookie", format!("vidare_interview={id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(cache(&r).as_deref(), Some("no-store"), "{path}");
    }
    let created = server
        .client
        .post(url("/api/v1/sessions"))
        .json(&json!({"questionnaire": "nothing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 422);
    assert_eq!(cache(&created).as_deref(), Some("no-store"));
    // The OpenAPI document is public.
    let r = server
        .client
        .get(url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(cache(&r).as_deref(), Some("public, max-age=300"));
}

#[tokio::test]
async fn error_bodies_never_repeat_what_the_request_sent() {
    const SECRET: &str = "SECRET7781";
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let post_raw = |body: String, content_type: &str| {
        server
            .client
            .post(format!("{}/api/v1/sessions", server.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases = [
        (
            format!(r#"{{"questionnaire": "notes", "{SECRET}": 1}}"#),
            422,
            "invalid-body",
        ),
        (
            format!(r#"{{"questionnaire": "notes", "language": {{"{SECRET}": 1}}}}"#),
            422,
            "invalid-body",
        ),
        (
            format!(r#"{{"questionnaire": ["{SECRET}"]}}"#),
            422,
            "invalid-body",
        ),
        (
            format!(r#"{{"questionnaire": "notes"}} {SECRET}"#),
            400,
            "malformed-json",
        ),
        (
            format!(r#"{{"questionnaire": {SECRET}}}"#),
            400,
            "malformed-json",
        ),
    ];
    for (body, status, kind) in cases {
        let r = post_raw(body.clone(), "application/json").await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let text = r.text().await.unwrap();
        assert!(text.contains(kind), "{body}: {text}");
        assert!(!text.contains(SECRET), "{body}: {text}");
    }
    let r = post_raw(
        format!(r#"{{"questionnaire": "notes", "{SECRET}": 1}}"#),
        "application/json",
    )
    .await
    .unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("the body has a field the endpoint does not know at line 1"),
        "{body}"
    );
    // Axum's own rejections of a query, a path or a method are problems
    // too, and say nothing of what was sent.
    for (method, path, status, kind) in [
        (
            Method::GET,
            format!("/api/v1/sessions/0123456789abcdef0123456789abcdef?lang={SECRET}&lang=x"),
            400,
            "invalid-request",
        ),
        (
            Method::GET,
            format!("/?lang={SECRET}&lang=x"),
            400,
            "invalid-request",
        ),
        (
            Method::GET,
            "/api/v1/sessions/%FF%FE".to_owned(),
            400,
            "invalid-request",
        ),
        (Method::GET, format!("/api/v1/{SECRET}"), 404, "not-found"),
        (
            Method::PUT,
            "/api/v1/sessions".to_owned(),
            405,
            "method-not-allowed",
        ),
    ] {
        let reply = server.send(method.clone(), &path, None, None).await;
        let body = assert_problem(&reply, status, kind);
        assert!(!body.to_string().contains(SECRET), "{path}: {body}");
    }
    let wrong = server
        .client
        .put(format!("{}/api/v1/sessions", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
    let allow = wrong.headers()["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn a_tenant_cannot_read_what_the_admin_token_creates() {
    // A tenant named `admin` used to share the admin's sessions.
    let refused = Access::from_tokens(Some(&format!("{NORTH}=admin")), Some(ADMIN.to_owned()));
    assert!(refused.unwrap_err().contains("reserved"));
    let server = TestServer::start(&fixtures(), tokens()).await;
    let created = server
        .send(
            Method::POST,
            "/api/v1/sessions",
            Some(ADMIN),
            Some(&json!({"questionnaire": "notes"})),
        )
        .await;
    assert_eq!(created.status, 201);
    let path = format!("/api/v1/sessions/{}", created.body["id"].as_str().unwrap());
    for token in [NORTH, SOUTH] {
        let r = server.send(Method::GET, &path, Some(token), None).await;
        assert_problem(&r, 404, "unknown-session");
    }
}

// ------------------------------------------- documented promises

#[tokio::test]
async fn session_ids_carry_128_random_bits() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let mut ids = Vec::new();
    for _ in 0..48 {
        let r = server
            .post("/api/v1/sessions", &json!({"questionnaire": "notes"}))
            .await;
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
    // A UUIDv4 fixes 6 of its 128 bits: the version digit is always 4 and
    // the next group starts with 8, 9, a or b. Random ids vary there.
    assert!(ids.iter().any(|id| &id[12..13] != "4"), "{ids:?}");
    assert!(
        ids.iter()
            .any(|id| !matches!(&id[16..17], "8" | "9" | "a" | "b")),
        "{ids:?}"
    );
}

#[tokio::test]
async fn bodies_must_be_application_json_and_at_most_2_mb() {
    let server = TestServer::start(&fixtures(), Access::Local).await;
    let url = format!("{}/api/v1/sessions", server.base);
    let body = r#"{"questionnaire": "notes"}"#;
    for (content_type, status) in [
        ("application/json", 201),
        ("application/json; charset=utf-8", 201),
        ("Application/JSON", 201),
        ("application/vnd.evil+json", 415),
        ("application/problem+json", 415),
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
    ] {
        let r = server
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{content_type}");
    }
    let big = format!(
        r#"{{"questionnaire": "notes", "language": "{}"}}"#,
        "x".repeat(2 * 1024 * 1024 + 1)
    );
    let reply = common::send(
        &server.client,
        &server.base,
        Method::POST,
        "/api/v1/sessions",
        None,
        Some(&serde_json::from_str::<Value>(&big).unwrap()),
    )
    .await;
    assert_problem(&reply, 413, "body-too-large");
    // A body that breaks off is unreadable.
    let request = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{{\"que\r\nzz\r\n",
        server.base.strip_prefix("http://").unwrap()
    );
    let (status, text) = raw(&server.base, request).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("unreadable-body"), "{text}");
}

#[tokio::test]
async fn tokens_are_matched_by_digest_and_never_shown() {
    let access = tokens();
    let shown = format!("{access:?}");
    for token in [NORTH, SOUTH, ADMIN] {
        assert!(!shown.contains(token), "{shown}");
    }
    assert_eq!(access.authenticate(Some(NORTH)).unwrap().tenant, "north");
    assert!(access.authenticate(Some(ADMIN)).unwrap().admin);
    // A token that differs in its last character, or is a prefix, is wrong.
    let near = format!("{}x", &NORTH[..NORTH.len() - 1]);
    assert_eq!(access.authenticate(Some(&near)).unwrap_err().status, 401);
    assert_eq!(
        access.authenticate(Some(&NORTH[..20])).unwrap_err().status,
        401
    );
    let server = TestServer::start(&shipped(), access).await;
    let r = server
        .send(Method::GET, "/api/v1/sessions", Some(NORTH), None)
        .await;
    assert_eq!(r.status, 200);
}

/// A token given with its last day stops working after that day, over
/// HTTP as well, and the refusal names the day, not the token.
#[tokio::test]
async fn a_token_past_its_last_day_is_refused() {
    let list = format!("{NORTH}=north;until=2000-01-01,{SOUTH}=south;until=2999-12-31");
    let access = Access::from_tokens(Some(&list), None).unwrap();
    let server = TestServer::start(&shipped(), access).await;
    let body = json!({"questionnaire": "violence-seven@2.0.0"});
    let expired = server
        .send(Method::POST, "/api/v1/sessions", Some(NORTH), Some(&body))
        .await;
    let problem = assert_problem(&expired, 401, "unauthorized");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("2000-01-01") && !detail.contains(NORTH),
        "{detail}"
    );
    let valid = server
        .send(Method::POST, "/api/v1/sessions", Some(SOUTH), Some(&body))
        .await;
    assert_eq!(valid.status, 201, "{valid:?}");
}
