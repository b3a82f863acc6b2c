//! The attack: someone who gets the data files after the interviews were
//! closed tries to recover what was said in them.
//!
//! Fifty interviews of the shipped `violence-seven` 1.0.0 are run through
//! the HTTP API with random answers (seeded), and fifty more of the same
//! questionnaire with its two framing questions counted in the aggregate
//! statistics; all are closed through the API. Then only the data files
//! are read (the main file, `-wal` and `-shm`, as raw bytes, and a copy of
//! them opened with SQLite), looking for the answers to the six gated
//! questions about violence, the question about children and their
//! follow-ups, which are kept for the conversation only. Nothing about
//! them may be there: the rows kept of two sessions that differ only in
//! those answers are byte-identical, no such item's id is in any file,
//! and the statistics table holds only month-level counts, none before
//! the first batch of closes.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{TestServer, shipped};
use serde_json::{Value, json};
use vidare_server::Access;

/// The questions (and answers) kept only for the conversation.
const CONVERSATION_ONLY: [&str; 13] = [
    "psychological",
    "psychological_when",
    "physical",
    "physical_when",
    "sexual",
    "sexual_when",
    "childhood",
    "childhood_when",
    "used_violence",
    "used_violence_when",
    "ongoing",
    "children",
    "children_when",
];

/// Answers to the follow-ups that appear nowhere else.
const CONVERSATION_VALUES: [&str; 2] = ["last_year", "earlier"];

/// Interviews per questionnaire.
const SESSIONS: usize = 50;

/// The batch size (the default).
const K: usize = 10;

/// A seeded source of answers, so a failure can be replayed (splitmix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[usize::try_from(self.next() % options.len() as u64).unwrap()]
    }
}

/// One interview as the test ran it.
#[derive(Debug)]
struct Interview {
    id: String,
    /// The answers that are kept: `alone`, and `interpreter` if asked.
    kept: Vec<String>,
    /// The answers kept for the conversation only, by item.
    secret: BTreeMap<String, String>,
}

/// A folder with the shipped `violence-seven` 1.0.0 unchanged, and a copy
/// (`violence-seven-counted`) whose two framing questions, which are
/// kept, are counted in the aggregate statistics.
fn questionnaires(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(shipped().join("violence-seven/1.0.0.yaml")).unwrap();
    let counted = text
        .replacen(
            "\nid: violence-seven\n",
            "\nid: violence-seven-counted\n",
            1,
        )
        .replace(
            "answered_by: practitioner\n",
            "answered_by: practitioner\n        aggregate: true\n",
        );
    assert_eq!(counted.matches("aggregate: true").count(), 2);
    let root = dir.join("questionnaires");
    for (id, text) in [
        ("violence-seven", &text),
        ("violence-seven-counted", &counted),
    ] {
        std::fs::create_dir_all(root.join(id)).unwrap();
        std::fs::write(root.join(id).join("1.0.0.yaml"), text).unwrap();
    }
    root
}

/// A POST that must succeed; the state it returns.
async fn post(server: &TestServer, path: &str, body: Value) -> Value {
    let reply = server.post(path, &body).await;
    assert_eq!(reply.status / 100, 2, "{path}: {reply:?}");
    reply.body
}

/// Answers the current item at random: the step, its body, and the
/// response as the test records it.
fn choose(next: &Value, random: &mut Random) -> (&'static str, Value, String) {
    let item = next["id"].as_str().unwrap();
    if next["allow_decline"] == true && random.chance(15) {
        return ("decline", json!({"item": item}), "declined".to_owned());
    }
    let (value, said) = match (item, next["kind"].as_str().unwrap()) {
        ("alone", _) => {
            let alone = random.chance(85);
            (json!(alone), alone.to_string())
        }
        ("interpreter", _) => {
            let choice = if random.chance(10) {
                "relative"
            } else {
                random.pick(&["none", "professional"])
            };
            (json!(choice), choice.to_owned())
        }
        (_, "yes_no") => {
            let yes = random.chance(50);
            (json!(yes), yes.to_string())
        }
        (_, "single_choice") => {
            let choice = random.pick(&["ongoing", "last_year", "earlier"]);
            (json!(choice), choice.to_owned())
        }
        (_, kind) => panic!("{item} is a {kind}"),
    };
    let mut body = json!({"item": item});
    body["value"] = value;
    ("answer", body, said)
}

/// Runs one interview on `spec` to its end with random answers.
async fn interview(server: &TestServer, spec: &str, random: &mut Random) -> Interview {
    let start = json!({"questionnaire": spec, "language": "en"});
    let mut state = post(server, "/api/v1/sessions", start).await;
    let id = state["id"].as_str().unwrap().to_owned();
    let (mut kept, mut secret) = (Vec::new(), BTreeMap::new());
    while state["status"] == "asking" {
        let item = state["next"]["id"].as_str().unwrap().to_owned();
        let (step, mut body, said) = choose(&state["next"], random);
        body["expected_events"] = state["events"].clone();
        state = post(server, &format!("/api/v1/sessions/{id}/{step}"), body).await;
        if CONVERSATION_ONLY.contains(&item.as_str()) {
            secret.insert(item, said);
        } else {
            kept.push(said);
        }
    }
    Interview { id, kept, secret }
}

async fn close(server: &TestServer, id: &str) {
    let state = server.get(&format!("/api/v1/sessions/{id}")).await.body;
    let body = json!({"expected_events": state["events"]});
    let closed = post(server, &format!("/api/v1/sessions/{id}/close"), body).await;
    assert_eq!(closed["status"], "closed");
}

/// The data store's files: `data.sqlite3` and its `-wal` and `-shm`.
fn data_files(dir: &Path) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("data.sqlite3")
        })
        .collect();
    assert!(!files.is_empty());
    files
}

/// The needles found in the raw bytes of the data files, with the file.
fn found_in_files(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in data_files(dir) {
        let bytes = std::fs::read(&file).unwrap();
        for needle in needles {
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                found.push(format!("{needle} in {}", file.display()));
            }
        }
    }
    found
}

/// A copy of the data files, opened with SQLite (which reads the WAL).
fn open_copy(dir: &Path) -> (tempfile::TempDir, rusqlite::Connection) {
    let copy = tempfile::tempdir().unwrap();
    for file in data_files(dir) {
        std::fs::copy(&file, copy.path().join(file.file_name().unwrap())).unwrap();
    }
    let conn = rusqlite::Connection::open(copy.path().join("data.sqlite3")).unwrap();
    (copy, conn)
}

/// Every statistics row in the files: questionnaire, month, item, response, count.
fn statistics(dir: &Path) -> Vec<(String, String, String, String, i64)> {
    let (_copy, conn) = open_copy(dir);
    let mut stmt = conn
        .prepare("SELECT questionnaire, month, item, response, count FROM statistics ORDER BY 1, 2, 3, 4")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// What the file keeps of a session, but for its id and its times.
fn kept_row(conn: &rusqlite::Connection, id: &str) -> String {
    conn.query_row(
        "SELECT tenant, questionnaire, version, digest, language, event_count, purged_events, result \
         FROM sessions WHERE id = ?1",
        [id],
        |r| {
            Ok(format!(
                "{}|{}|{}|{}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
            ))
        },
    )
    .unwrap()
}

#[tokio::test]
async fn closed_interviews_reveal_nothing_said_for_the_conversation_only() {
    let work = tempfile::tempdir().unwrap();
    let server = TestServer::start(&questionnaires(work.path()), Access::Local).await;
    let dir = server.dir.path();
    let mut random = Random(0x5eed_2026_1202);

    let mut plain = Vec::new();
    for _ in 0..SESSIONS {
        plain.push(interview(&server, "violence-seven@1.0.0", &mut random).await);
    }
    let conversation: Vec<&str> = CONVERSATION_ONLY
        .iter()
        .chain(&CONVERSATION_VALUES)
        .copied()
        .collect();
    assert!(
        !found_in_files(dir, &conversation).is_empty(),
        "open: on disk"
    );
    for session in &plain {
        close(&server, &session.id).await;
    }

    // The counted copy: the table stays empty until a batch of K closes,
    // and changes only once per batch.
    let mut counted = Vec::new();
    for _ in 0..SESSIONS {
        counted.push(interview(&server, "violence-seven-counted@1.0.0", &mut random).await);
    }
    let mut seen = Vec::new();
    for (n, session) in counted.iter().enumerate() {
        close(&server, &session.id).await;
        let table = statistics(dir);
        if n + 1 < K {
            assert_eq!(table, Vec::new(), "after {} closes", n + 1);
        } else if (n + 1) % K != 0 {
            assert_eq!(Some(&table), seen.last(), "after {} closes", n + 1);
        } else {
            assert_ne!(Some(&table), seen.last(), "after {} closes", n + 1);
            seen.push(table);
        }
    }

    // Deleted pages leave the WAL once it is checkpointed, which may come
    // a moment after the last close.
    let start = Instant::now();
    while !found_in_files(dir, &conversation).is_empty() && start.elapsed() < Duration::from_secs(5)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The raw bytes: no conversation-only question, nor its answer.
    assert_eq!(found_in_files(dir, &conversation), Vec::<String>::new());
    // (while the session ids and kept answers are there to be found)
    let ids: Vec<&str> = plain.iter().map(|s| s.id.as_str()).collect();
    assert!(!found_in_files(dir, &ids[..1]).is_empty());

    let (_copy, conn) = open_copy(dir);
    let events: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 0, "no event of a closed interview is left");
    // Sessions with the same kept answers have byte-identical rows, however
    // their conversation-only answers differed.
    let mut groups: BTreeMap<(String, Vec<String>), Vec<&Interview>> = BTreeMap::new();
    for (spec, sessions) in [("plain", &plain), ("counted", &counted)] {
        for s in sessions {
            groups
                .entry((spec.to_owned(), s.kept.clone()))
                .or_default()
                .push(s);
        }
    }
    let mut told_apart = 0;
    for ((spec, kept), sessions) in &groups {
        let rows: BTreeSet<String> = sessions.iter().map(|s| kept_row(&conn, &s.id)).collect();
        assert_eq!(rows.len(), 1, "{spec} {kept:?}: {rows:#?}");
        let secrets: BTreeSet<_> = sessions.iter().map(|s| &s.secret).collect();
        told_apart += secrets.len() - 1;
    }
    // The test means something: many sessions that had different
    // conversation-only answers share a row.
    assert!(told_apart > 40, "{told_apart}");

    // The statistics: month-level counts of the counted questions only,
    // exactly the sum of the five batches; no session id, no day.
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('statistics')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        columns,
        [
            "questionnaire",
            "version",
            "month",
            "item",
            "response",
            "count"
        ]
    );
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for s in &counted {
        let items = ["alone", "interpreter"].iter().zip(&s.kept);
        for (item, said) in items {
            let said = match said.as_str() {
                "true" => "yes",
                "false" => "no",
                other => other,
            };
            *expected
                .entry(((*item).to_owned(), said.to_owned()))
                .or_default() += 1;
        }
    }
    let table = statistics(dir);
    let got: BTreeMap<(String, String), i64> = table
        .iter()
        .map(|(q, month, item, response, count)| {
            assert_eq!(q, "violence-seven-counted");
            assert!(
                month.len() == 7
                    && month.as_bytes()[4] == b'-'
                    && month[..4].parse::<u16>().is_ok(),
                "{month}"
            );
            ((item.clone(), response.clone()), *count)
        })
        .collect();
    assert_eq!(got, expected);
}
