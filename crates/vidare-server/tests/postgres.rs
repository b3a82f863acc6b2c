//! The PostgreSQL store on a real database (`VIDARE_TEST_DATABASE_URL`):
//! the same behaviour as the SQLite store's, the web page's logins and
//! form-token key shared by the nodes, the schema's versions, the copy of
//! a SQLite data file, and clear errors at start.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::postgres::{fresh_schema, sql, store, url};
use vidare_server::store::{
    ListCursor, NewSession, PostgresOptions, PostgresStore, SqliteStore, StatisticsCell, Store,
    StoreError, copy_sqlite_to_postgres,
};

fn new_session(store: &dyn Store, id: &str, tenant: &str) {
    store
        .create(&NewSession {
            id: id.into(),
            tenant: tenant.into(),
            questionnaire: "q".into(),
            version: "1.0.0".into(),
            digest: "sha256:0".into(),
            language: "en".into(),
        })
        .unwrap();
}

fn respond(item: &str) -> vidare::Event {
    vidare::Event::Respond {
        item: Arc::from(item),
        response: vidare::Response::Declined,
    }
}

fn cell(item: &str, response: &str, count: u64) -> StatisticsCell {
    StatisticsCell {
        item: item.into(),
        response: response.into(),
        count,
    }
}

#[test]
fn appends_check_the_count_the_tenant_and_the_state() {
    let Some(url) = url() else { return };
    let store = store(&url, &fresh_schema());
    new_session(&store, "s1", "a");
    assert_eq!(store.append(Some("a"), "s1", 0, &respond("x")).unwrap(), 1);
    assert!(matches!(
        store.append(Some("a"), "s1", 0, &respond("y")),
        Err(StoreError::Stale {
            expected: 0,
            actual: 1
        })
    ));
    assert!(matches!(
        store.append(Some("b"), "s1", 1, &respond("y")),
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.append(None, "s1", 1, &respond("y")).unwrap(), 2);
    let loaded = store.load(Some("a"), "s1").unwrap();
    let items: Vec<_> = loaded.events.iter().map(|e| e.event.item()).collect();
    assert_eq!(items, ["x", "y"]);
    assert_eq!(loaded.session.event_count, 2);
    assert!(matches!(
        store.load(Some("b"), "s1"),
        Err(StoreError::NotFound)
    ));
    store.delete(Some("a"), "s1").unwrap();
    assert!(matches!(store.load(None, "s1"), Err(StoreError::NotFound)));
    assert!(matches!(
        store.delete(None, "s1"),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn closing_forgets_the_log_and_makes_read_only() {
    let Some(url) = url() else { return };
    let store = store(&url, &fresh_schema());
    new_session(&store, "s1", "a");
    for n in 0..3 {
        store
            .append(Some("a"), "s1", n, &respond("secret"))
            .unwrap();
    }
    assert!(matches!(
        store.close(Some("a"), "s1", 2, &serde_json::json!({}), true),
        Err(StoreError::Stale { .. })
    ));
    let row = store
        .close(
            Some("a"),
            "s1",
            3,
            &serde_json::json!({"en": {"k": 1}}),
            true,
        )
        .unwrap();
    let closed = row.closed.unwrap();
    assert_eq!((row.event_count, closed.purged_events), (0, 1));
    assert_eq!(closed.results, serde_json::json!({"en": {"k": 1}}));
    assert!(store.load(Some("a"), "s1").unwrap().events.is_empty());
    assert!(matches!(
        store.append(Some("a"), "s1", 0, &respond("z")),
        Err(StoreError::Closed)
    ));
    new_session(&store, "s2", "a");
    store.append(Some("a"), "s2", 0, &respond("keep")).unwrap();
    let row = store
        .close(None, "s2", 1, &serde_json::json!({}), false)
        .unwrap();
    assert_eq!((row.event_count, row.closed.unwrap().purged_events), (1, 0));
    assert_eq!(store.load(Some("a"), "s2").unwrap().events.len(), 1);
}

/// Threads race on a few sessions: every acknowledged append is in the
/// log exactly once, every losing race is refused as stale.
#[test]
fn concurrent_appends_have_one_winner_per_position() {
    let Some(url) = url() else { return };
    let store = Arc::new(store(&url, &fresh_schema()));
    let (sessions, per_session, threads) = (3u64, 30u64, 9u64);
    for s in 0..sessions {
        new_session(store.as_ref(), &format!("s{s}"), "a");
    }
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let id = format!("s{}", t % sessions);
                let mut won = 0u64;
                loop {
                    let count = store.load(Some("a"), &id).unwrap().session.event_count;
                    if count >= per_session {
                        return won;
                    }
                    match store.append(Some("a"), &id, count, &respond(&format!("t{t}"))) {
                        Ok(n) => {
                            assert_eq!(n, count + 1);
                            won += 1;
                        }
                        Err(StoreError::Stale { .. }) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    let won: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(won, sessions * per_session);
    for s in 0..sessions {
        let loaded = store.load(Some("a"), &format!("s{s}")).unwrap();
        let seqs: Vec<u64> = loaded.events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (0..per_session).collect::<Vec<_>>());
    }
}

#[test]
fn statistics_add_up_per_month() {
    let Some(url) = url() else { return };
    let store = store(&url, &fresh_schema());
    assert!(store.statistics("q", "1.0.0").unwrap().is_empty());
    store
        .add_statistics(
            "q",
            "1.0.0",
            &[
                cell("smoker", "yes", 3),
                cell("smoker", "no", 7),
                cell("smoker", "yes", 1),
            ],
        )
        .unwrap();
    store
        .add_statistics(
            "q",
            "1.0.0",
            &[cell("smoker", "yes", 2), cell("x", "no", 0)],
        )
        .unwrap();
    store
        .add_statistics("q", "2.0.0", &[cell("smoker", "yes", 9)])
        .unwrap();
    let rows = store.statistics("q", "1.0.0").unwrap();
    let counts: Vec<_> = rows
        .iter()
        .map(|r| (r.item.as_str(), r.response.as_str(), r.count))
        .collect();
    assert_eq!(counts, [("smoker", "no", 7), ("smoker", "yes", 6)]);
    let month = &rows[0].month;
    assert!(month.len() == 7 && month.as_bytes()[4] == b'-', "{month}");
}

#[test]
fn pages_follow_the_list_and_scopes() {
    let Some(url) = url() else { return };
    let store = store(&url, &fresh_schema());
    for n in 0..7 {
        new_session(&store, &format!("s{n}"), if n % 2 == 0 { "a" } else { "b" });
    }
    assert_eq!(store.list(Some("b")).unwrap().len(), 3);
    for scope in [None, Some("a")] {
        let all = store.list(scope).unwrap();
        assert!(
            all.windows(2)
                .all(|w| (&w[0].created_at, &w[0].id) > (&w[1].created_at, &w[1].id))
        );
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = store.list_page(scope, after.as_ref(), 3).unwrap();
            if page.is_empty() {
                break;
            }
            after = page.last().map(ListCursor::after);
            paged.extend(page);
        }
        let ids = |rows: &[vidare_server::store::SessionRow]| {
            rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&paged), ids(&all));
    }
}

/// Two nodes running the retention job at once get different sessions:
/// the first call claims what it returns.
#[test]
fn idle_sessions_are_claimed_by_one_caller() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let (a, b) = (store(&url, &schema), store(&url, &schema));
    for n in 0..4 {
        new_session(&a, &format!("s{n}"), "t");
    }
    a.close(None, "s3", 0, &serde_json::json!({}), true)
        .unwrap();
    // Both pools connected first, so that the second call follows the
    // first closely.
    b.statistics("q", "1.0.0").unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    let first = a.idle(Duration::from_secs(1)).unwrap();
    let second = b.idle(Duration::from_secs(1)).unwrap();
    let mut ids: Vec<_> = first.iter().map(|(_, id)| id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["s0", "s1", "s2"]);
    assert!(second.is_empty(), "{second:?}");
    assert!(a.idle(Duration::from_hours(1)).unwrap().is_empty());
}

/// Logins as two nodes see them: one node's login is found by the other
/// until it ends or either ends it; the expiry job, run by both at once,
/// deletes each login past its end once.
#[test]
fn logins_are_shared_and_expire_once() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let (a, b) = (store(&url, &schema), store(&url, &schema));
    let later = "9999-12-31T00:00:00.000Z";
    a.start_login(&[1; 32], "north", later).unwrap();
    a.start_login(&[3; 32], "north", later).unwrap();
    for n in 10..30u8 {
        a.start_login(&[n; 32], "south", "2000-01-01T00:00:00.000Z")
            .unwrap();
    }
    assert_eq!(b.login(&[1; 32]).unwrap().as_deref(), Some("north"));
    assert_eq!(b.login(&[10; 32]).unwrap(), None, "past its end");
    assert_eq!(b.login(&[2; 32]).unwrap(), None, "never started");
    b.end_login(&[3; 32]).unwrap();
    assert_eq!(a.login(&[3; 32]).unwrap(), None);
    let (on_a, on_b) = std::thread::scope(|s| {
        let on_a = s.spawn(|| a.expire_logins().unwrap());
        let on_b = s.spawn(|| b.expire_logins().unwrap());
        (on_a.join().unwrap(), on_b.join().unwrap())
    });
    assert_eq!(on_a + on_b, 20);
    assert_eq!(a.expire_logins().unwrap(), 0);
    assert_eq!(a.login(&[1; 32]).unwrap().as_deref(), Some("north"));
}

/// Nodes starting at once each offer a new form-token key: all get the
/// one stored first, and a node starting later gets it too.
#[test]
fn the_form_key_is_stored_once_for_every_node() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let stores: Vec<PostgresStore> = (0..4).map(|_| store(&url, &schema)).collect();
    let keys: Vec<[u8; 32]> = std::thread::scope(|s| {
        let calls: Vec<_> = stores
            .iter()
            .zip(1u8..)
            .map(|(store, n)| s.spawn(move || store.form_key(&[n; 32]).unwrap()))
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    assert!((1..=4).any(|n| keys[0] == [n; 32]), "{keys:?}");
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(store(&url, &schema).form_key(&[9; 32]).unwrap(), keys[0]);
}

#[test]
fn events_cannot_be_updated() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    let store = store(&url, &schema);
    new_session(&store, "s1", "a");
    store.append(Some("a"), "s1", 0, &respond("x")).unwrap();
    let refused = sql(&url, &schema, "UPDATE events SET event = '{}'").unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
}

/// A database of version 1 gets the statistics and the login tables; a
/// newer one is refused, naming both versions.
#[test]
fn the_schema_is_migrated_and_a_newer_one_refused() {
    let Some(url) = url() else { return };
    let schema = fresh_schema();
    drop(store(&url, &schema));
    sql(
        &url,
        &schema,
        "DROP TABLE statistics, logins, secrets; UPDATE vidare_schema SET version = 1",
    )
    .unwrap();
    let migrated = store(&url, &schema);
    migrated
        .add_statistics("q", "1.0.0", &[cell("smoker", "yes", 1)])
        .unwrap();
    migrated
        .start_login(&[1; 32], "a", "9999-12-31T00:00:00.000Z")
        .unwrap();
    assert_eq!(migrated.form_key(&[2; 32]).unwrap(), [2; 32]);
    drop(migrated);
    sql(&url, &schema, "UPDATE vidare_schema SET version = 4").unwrap();
    let options = PostgresOptions {
        schema: Some(schema),
        ..PostgresOptions::default()
    };
    let refused = PostgresStore::open(&url, &options).unwrap_err().to_string();
    assert!(
        refused.contains("schema version 4") && refused.contains("use a newer server"),
        "{refused}"
    );
}

/// Every session, event and statistics cell of a SQLite file arrives,
/// open and closed sessions alike; a second copy into the same database
/// is refused and changes nothing.
#[test]
fn a_sqlite_file_is_copied_whole() {
    let Some(url) = url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    let source = SqliteStore::open(&path).unwrap();
    for n in 0..5u64 {
        let id = format!("s{n}");
        new_session(&source, &id, if n % 2 == 0 { "a" } else { "b" });
        for k in 0..n {
            source
                .append(
                    Some("a").filter(|_| n % 2 == 0),
                    &id,
                    k,
                    &respond(&format!("i{k}")),
                )
                .unwrap();
        }
    }
    source
        .close(None, "s3", 3, &serde_json::json!({"en": {}}), true)
        .unwrap();
    source
        .close(None, "s4", 4, &serde_json::json!({"en": {}}), false)
        .unwrap();
    source
        .add_statistics("q", "1.0.0", &[cell("smoker", "yes", 4)])
        .unwrap();
    drop(source);
    let target = store(&url, &fresh_schema());
    let copied = copy_sqlite_to_postgres(&path, &target).unwrap();
    assert_eq!(
        (copied.sessions, copied.events, copied.statistics),
        (5, 1 + 2 + 4, 1)
    );
    let source = SqliteStore::open(&path).unwrap();
    let shape = |s: &dyn Store| {
        s.list(None)
            .unwrap()
            .into_iter()
            .map(|row| {
                let stored = s.load(None, &row.id).unwrap();
                let events: Vec<_> = stored
                    .events
                    .iter()
                    .map(|e| (e.seq, e.event.item().to_owned(), e.at.clone()))
                    .collect();
                let closed = row.closed.map(|c| (c.at, c.results, c.purged_events));
                (
                    row.id,
                    row.tenant,
                    row.created_at,
                    row.updated_at,
                    row.event_count,
                    closed,
                    events,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&target), shape(&source));
    assert_eq!(
        target.statistics("q", "1.0.0").unwrap(),
        source.statistics("q", "1.0.0").unwrap()
    );
    // The copy goes on like any session.
    assert_eq!(target.append(None, "s2", 2, &respond("more")).unwrap(), 3);
    let again = copy_sqlite_to_postgres(&path, &target)
        .unwrap_err()
        .to_string();
    assert!(again.contains("already holds 5 sessions"), "{again}");
    assert_eq!(target.statistics("q", "1.0.0").unwrap()[0].count, 4);
}

/// The subcommand copies a file, and refuses what is not a Vidare file.
#[test]
fn the_migrate_to_subcommand_copies_and_refuses_a_wrong_file() {
    let Some(url) = url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.sqlite3");
    let source = SqliteStore::open(&path).unwrap();
    new_session(&source, "s1", "a");
    source.append(None, "s1", 0, &respond("x")).unwrap();
    drop(source);
    let schema = fresh_schema();
    let run = |data: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vidare-server"))
            .arg("--data")
            .arg(data)
            .args(["--database-schema", &schema, "migrate-to"])
            .env("VIDARE_MIGRATE_TO", &url)
            .output()
            .unwrap()
    };
    let out = run(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("copied 1 sessions, 1 events and 0 statistics cells"),
        "{stdout}"
    );
    assert_eq!(
        store(&url, &schema).load(None, "s1").unwrap().events.len(),
        1
    );
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "not a database").unwrap();
    let out = run(&other);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("other.txt"), "{stderr}");
}

/// A wrong password and a database that does not exist are named at
/// start, without the password; a server given both a URL and --data
/// refuses to guess.
#[test]
fn start_errors_name_what_is_wrong_but_not_the_password() {
    let Some(url) = url() else { return };
    let start = |args: &[&str], database: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vidare-server"))
            .args(["--bind", "127.0.0.1:0", "--questionnaires"])
            .arg(common::fixtures())
            .args(args)
            .env("VIDARE_DATABASE_URL", database)
            .env_remove("VIDARE_DATA")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let mut config: tokio_postgres::Config = url.parse().unwrap();
    config.password("wrong-s3cret");
    let host = match &config.get_hosts()[0] {
        tokio_postgres::config::Host::Tcp(h) => h.clone(),
        tokio_postgres::config::Host::Unix(_) => panic!("the tests use TCP"),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap().to_owned();
    let dbname = config.get_dbname().unwrap().to_owned();
    let wrong = format!("postgres://{user}:wrong-s3cret@{host}:{port}/{dbname}");
    let e = start(&[], &wrong);
    assert!(
        e.contains("password authentication failed") && !e.contains("s3cret"),
        "{e}"
    );
    let password: tokio_postgres::Config = url.parse().unwrap();
    let password =
        String::from_utf8_lossy(password.get_password().unwrap_or_default()).into_owned();
    let missing = format!("postgres://{user}:{password}@{host}:{port}/no_such_database_here");
    let e = start(&[], &missing);
    assert!(
        e.contains("no_such_database_here") && e.contains("does not exist"),
        "{e}"
    );
    assert!(password.is_empty() || !e.contains(&password), "{e}");
    let e = start(&["--data", "x.sqlite3"], &url);
    assert!(e.contains("give one"), "{e}");
}
