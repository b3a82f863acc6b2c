//! `vidare statistics` against a stub of the server's admin endpoint: a
//! loopback listener that answers one request with a canned response and
//! hands back the request it got.

use crate::common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{output, vidare};

const TOKEN: &str = "admin-secret-7f3a";

const REPORT: &str = r#"{"questionnaire":"violence-seven","version":"2.0.0","k":10,"min_cell":5,"rows":[
{"month":"2026-11","item":"physical","response":"no","count":31,"suppressed":false},
{"month":"2026-11","item":"physical","response":"yes","count":null,"suppressed":true},
{"month":"2026-12","item":"physical","response":"declined","count":null,"suppressed":true},
{"month":"2026-12","item":"physical","response":"no","count":null,"suppressed":true},
{"month":"2026-12","item":"physical","response":"yes","count":12,"suppressed":false}]}"#;

/// Answers one request with `status` and `body`; the handle returns the
/// request's head.
fn stub(status: &str, body: &str) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let content_type = if status.starts_with("200") {
        "application/json"
    } else {
        "application/problem+json"
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    // A bounded wait, so that a command that never connects fails the
    // test instead of hanging it.
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let handle = std::thread::spawn(move || {
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(_) => return "no request".to_owned(),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = Vec::new();
        let mut buf = [0; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        stream.write_all(response.as_bytes()).unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    (url, handle)
}

/// `vidare statistics` with the token in the environment and no proxy.
fn statistics(args: &[&str], token: Option<&str>) -> (i32, String, String) {
    statistics_with_proxy(args, token, None)
}

fn statistics_with_proxy(
    args: &[&str],
    token: Option<&str>,
    proxy: Option<&str>,
) -> (i32, String, String) {
    let mut command = vidare();
    command.arg("statistics").args(args);
    for proxy in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(proxy);
    }
    if let Some(proxy) = proxy {
        command.env("HTTP_PROXY", proxy).env("ALL_PROXY", proxy);
    }
    match token {
        Some(token) => command.env("VIDARE_ADMIN_TOKEN", token),
        None => command.env_remove("VIDARE_ADMIN_TOKEN"),
    };
    output(command.timeout(Duration::from_mins(1)))
}

#[test]
fn the_report_is_a_table_and_the_token_goes_in_the_header() {
    let (url, request) = stub("200 OK", REPORT);
    let (code, stdout, stderr) =
        statistics(&["violence-seven", "2.0.0", "--server", &url], Some(TOKEN));
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout, @r#"
    Aggregate statistics: violence-seven 2.0.0

    Counts of the questions marked `aggregate: true`, per month. Closed sessions are counted in batches of 10. "suppressed": a count below 5, or one more count of the same question and month where exactly one is below 5, so that it cannot be worked out by subtraction.

    month    item      response       count
    2026-11  physical  no                31
    2026-11  physical  yes       suppressed
    2026-12  physical  declined  suppressed
    2026-12  physical  no        suppressed
    2026-12  physical  yes               12
    "#);
    let request = request.join().unwrap();
    let line = request.lines().next().unwrap();
    assert_eq!(
        line,
        "GET /api/v1/admin/statistics?questionnaire=violence-seven&version=2.0.0&format=json HTTP/1.1"
    );
    assert!(
        request
            .lines()
            .any(|l| l.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}"))),
        "{request}"
    );
}

#[test]
fn markdown_and_json() {
    let (url, request) = stub("200 OK", REPORT);
    let (code, stdout, stderr) = statistics(
        &["violence-seven", "--server", &url, "--format", "markdown"],
        Some(TOKEN),
    );
    assert_eq!(code, 0, "{stderr}");
    // Without a version the server picks its latest.
    assert!(
        request
            .join()
            .unwrap()
            .starts_with("GET /api/v1/admin/statistics?questionnaire=violence-seven&format=json ")
    );
    let table = &stdout[stdout.find("| month").unwrap()..];
    insta::assert_snapshot!(table, @r"
    | month | item | response | count |
    |---|---|---|---:|
    | 2026-11 | `physical` | `no` | 31 |
    | 2026-11 | `physical` | `yes` | suppressed |
    | 2026-12 | `physical` | `declined` | suppressed |
    | 2026-12 | `physical` | `no` | suppressed |
    | 2026-12 | `physical` | `yes` | 12 |
    ");

    // Plain http to this machine never goes through a proxy (here one that
    // is not there), which would see the token.
    let (url, request) = stub("200 OK", REPORT);
    let args = [
        "violence-seven",
        "2.0.0",
        "--server",
        &url,
        "--format",
        "json",
    ];
    let (code, stdout, stderr) =
        statistics_with_proxy(&args, Some(TOKEN), Some("http://127.0.0.1:9"));
    assert!(request.join().unwrap().starts_with("GET "));
    assert_eq!(code, 0, "{stderr}");
    let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::from_str::<serde_json::Value>(REPORT).unwrap()
    );
}

#[test]
fn a_refused_token_says_which_and_why() {
    let forbidden = r#"{"type":"https://example.invalid/vidare/problems/forbidden","title":"Not allowed","status":403,"detail":"the statistics count every tenant's sessions, so they need the admin token (VIDARE_ADMIN_TOKEN)"}"#;
    let (url, request) = stub("403 Forbidden", forbidden);
    let (code, stdout, stderr) = statistics(
        &["violence-seven", "2.0.0", "--server", &url],
        Some("a-tenant-token"),
    );
    assert!(request.join().unwrap().starts_with("GET "));
    assert_eq!((code, stdout.as_str()), (2, ""));
    insta::assert_snapshot!(stderr, @"error: the token in VIDARE_ADMIN_TOKEN is not the server's admin token (403): the statistics count every tenant's sessions, so they need the admin token (VIDARE_ADMIN_TOKEN)");

    let (url, request) = stub(
        "401 Unauthorized",
        r#"{"status":401,"detail":"the bearer token is not valid"}"#,
    );
    let (code, _, stderr) = statistics(&["violence-seven", "--server", &url], Some("wrong"));
    assert!(request.join().unwrap().starts_with("GET "));
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr, @"error: the server did not accept the token in VIDARE_ADMIN_TOKEN (401): the bearer token is not valid; set it to the server's admin token");
}

#[test]
fn an_answer_that_is_not_the_report_is_an_error() {
    let (url, request) = stub("200 OK", "<html>welcome</html>");
    let (code, stdout, stderr) = statistics(&["violence-seven", "--server", &url], Some(TOKEN));
    assert!(request.join().unwrap().starts_with("GET "));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: the server's answer is not JSON (expected value at line 1 column 1); is http://127.0.0.1:"),
        "{stderr}"
    );

    let (url, request) = stub(
        "200 OK",
        r#"{"questionnaire":"violence-seven","rows":"none"}"#,
    );
    let (code, stdout, stderr) = statistics(&["violence-seven", "--server", &url], Some(TOKEN));
    assert!(request.join().unwrap().starts_with("GET "));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: the server's answer is not a statistics report ("),
        "{stderr}"
    );
}

#[test]
fn no_server_no_token_or_plain_http_elsewhere() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, _, stderr) = statistics(&["violence-seven", "--server", &url], Some(TOKEN));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: cannot get the statistics from {url}: the connection was refused; \
             is the server running, and is the address right?\n"
        )
    );

    let (code, _, stderr) = statistics(&["violence-seven", "--server", &url], None);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr, @"error: set VIDARE_ADMIN_TOKEN to the server's admin token; it is read from the environment only, because other users can see a command-line argument in the process list");

    let (code, _, stderr) = statistics(
        &["violence-seven", "--server", "http://vidare.example.org"],
        Some(TOKEN),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the admin token is sent only over https"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN), "{stderr}");
}
