//! The web page's logins over HTTP, as the store keeps them: the digest of
//! the cookie's id with the tenant and the end (never the id, never the
//! token), an end no later than the token's last day, and the expiry job
//! deleting those past their end. These read the SQLite data file.

use crate::common;

use std::time::Duration;

use common::web::Browser;
use common::{TestServer, shipped};
use sha2::{Digest as _, Sha256};
use vidare_server::{Access, Options};

const NORTH: &str = "tok-north-k7f2q9x4m1p8w3z6";

/// Today in UTC, as SQLite says it.
fn today() -> String {
    rusqlite::Connection::open_in_memory()
        .unwrap()
        .query_row("SELECT date('now')", [], |r| r.get(0))
        .unwrap()
}

/// A server in token mode with `north`'s token valid through `until`, and
/// logins that last `ttl` at most.
async fn server(until: &str, ttl: Duration) -> TestServer {
    let access = Access::from_tokens(Some(&format!("{NORTH}=north;until={until}")), None).unwrap();
    let options = Options {
        login_ttl: ttl,
        ..Options::default()
    };
    TestServer::start_with(&shipped(), access, options).await
}

/// Logs in through the form; returns the login cookie.
async fn log_in(server: &TestServer, browser: &mut Browser) -> String {
    assert_eq!(
        browser.get(&server.base, "/login?lang=en").await.status,
        200
    );
    let csrf = browser.csrf.clone().expect("the form's token");
    let fields = [("token", NORTH), ("next", "/"), ("lang", "en")];
    let page = browser.post(&server.base, "/login", &fields, &csrf).await;
    assert_eq!(page.status, 303, "{page:?}");
    assert_eq!(page.location.as_deref(), Some("/"), "{page:?}");
    browser
        .cookies
        .get("vidare_login")
        .cloned()
        .expect("a login cookie")
}

/// The rows of the `logins` table.
fn stored_logins(server: &TestServer) -> Vec<(Vec<u8>, String, String)> {
    let conn = rusqlite::Connection::open(server.dir.path().join("data.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id_digest, tenant, ends_at FROM logins")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// With logins of 400 days and a token valid through today, the login
/// ends tonight; the store holds the digest of the cookie's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_ends_with_its_tokens_last_day_and_only_a_digest_is_stored() {
    if common::postgres::selected() {
        return; // reads the SQLite file
    }
    let today = today();
    let server = server(&today, Duration::from_hours(400 * 24)).await;
    let mut browser = Browser::new();
    let cookie = log_in(&server, &mut browser).await;
    assert_eq!(browser.get(&server.base, "/?lang=en").await.status, 200);
    let rows = stored_logins(&server);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (digest, tenant, ends) = &rows[0];
    assert_eq!(
        digest.as_slice(),
        Sha256::digest(cookie.as_bytes()).as_slice()
    );
    assert_eq!(tenant, "north");
    assert_eq!(ends, &format!("{today}T23:59:59.999Z"));
}

/// A login past its end sends the browser to the login form, and the
/// expiry job deletes it, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_login_is_refused_and_deleted_by_the_job() {
    if common::postgres::selected() {
        return; // reads the SQLite file
    }
    let server = server("2999-12-31", Duration::from_secs(1)).await;
    let mut browser = Browser::new();
    log_in(&server, &mut browser).await;
    assert_eq!(browser.get(&server.base, "/?lang=en").await.status, 200);
    assert_eq!(
        vidare_server::expire_logins(&server.state).await.unwrap(),
        0
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = browser.get(&server.base, "/?lang=en").await;
    assert_eq!(page.status, 303, "{page:?}");
    assert!(
        page.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login")),
        "{page:?}"
    );
    assert_eq!(stored_logins(&server).len(), 1);
    assert_eq!(
        vidare_server::expire_logins(&server.state).await.unwrap(),
        1
    );
    assert_eq!(
        vidare_server::expire_logins(&server.state).await.unwrap(),
        0
    );
    assert!(stored_logins(&server).is_empty());
}
