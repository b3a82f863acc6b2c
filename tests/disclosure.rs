//! The stored record keeps the disclosure analysis's promise on every
//! shipped questionnaire version (non-interference): two sessions that
//! differ only in conversation-only answers, and agree on every part that
//! says it reveals them (`reveals`), give byte-identical stored records.
//! Also: a stored record never names a conversation-only item, and a
//! stored trigger never cites one as evidence.
//!
//! The sessions are seeded: every kept question gets a response chosen by
//! (kept seed, item id), every conversation-only one by (conversation
//! seed, item id), so two sessions with the same kept seed give the same
//! response to every kept question both are asked. The same property on
//! generated questionnaires is in `generated.rs`.

use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value as Json, json};
use vidare::{
    Compiler, Questionnaire, Response, Session, Step, StoredRecord, Value, format::ItemKind,
    format::Retention, questionnaire::ItemRef, questionnaire::PartKind,
};

/// What a stored record shows of the acknowledged parts: those that are
/// stored and reveal a conversation-only answer (they say so with
/// `reveals`). For each, its entry in the record, or `null` when it is not
/// there (a question not asked, a trigger that did not fire, an end
/// condition that did not end the interview).
pub(crate) fn acknowledged(q: &Questionnaire, record: &StoredRecord) -> Json {
    let entry = |kind: PartKind, id: &str| -> Json {
        let found = match kind {
            PartKind::Question => record
                .answers
                .iter()
                .find(|a| a.item == id)
                .map(serde_json::to_value),
            PartKind::Derived => record
                .derived
                .iter()
                .find(|d| d.id == id)
                .map(serde_json::to_value),
            PartKind::Score => record
                .scores
                .iter()
                .find(|s| s.id == id)
                .map(serde_json::to_value),
            PartKind::Trigger => record
                .triggers
                .iter()
                .find(|t| t.id == id)
                .map(serde_json::to_value),
            PartKind::End => record
                .ended_by
                .as_ref()
                .filter(|e| e.id == id)
                .map(serde_json::to_value),
        };
        found.map_or(Json::Null, |v| v.expect("a record part serialises"))
    };
    q.kept_parts()
        .filter(|p| p.stored && !p.reveals.is_empty())
        .map(|p| json!([p.kind.as_str(), p.id, entry(p.kind, p.id)]))
        .collect()
}

/// Counts of session pairs, for checking that a property compared enough.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Pairs {
    /// Pairs with the same kept responses.
    pub(crate) total: usize,
    /// Of those, pairs whose acknowledged parts agree: their stored
    /// records were compared.
    pub(crate) compared: usize,
    /// Of those, pairs whose conversation results differ: the comparison
    /// could have found a leak.
    pub(crate) telling: usize,
}

impl Pairs {
    pub(crate) fn add(&mut self, other: Pairs) {
        self.total += other.total;
        self.compared += other.compared;
        self.telling += other.telling;
    }
}

/// One finished session, as the pair comparison needs it.
pub(crate) struct Finished {
    pub(crate) session: Session,
    pub(crate) record: String,
    /// The acknowledged parts as JSON text: compared to the byte, like the
    /// records (as values, `0.0` and `-0.0` would be equal).
    pub(crate) acknowledged: String,
    pub(crate) result: String,
}

impl Finished {
    /// The session's stored record, made and serialised once; an error
    /// when it names a conversation-only item (`names_no_conversation_item`).
    pub(crate) fn new(q: &Questionnaire, session: Session) -> Result<Finished, String> {
        let stored = session.stored_record();
        let record = serde_json::to_string(&stored).expect("a stored record serialises");
        names_no_conversation_item(q, &stored, &record)?;
        Ok(Finished {
            record,
            acknowledged: acknowledged(q, &stored).to_string(),
            result: serde_json::to_string(&session.result().into_outcome())
                .expect("a result serialises"),
            session,
        })
    }
}

/// Compares every pair of sessions that share their kept responses: where
/// the acknowledged parts agree, the stored records must be the same to
/// the byte. Returns the counts, or a description of the first leak.
pub(crate) fn compare_pairs(sessions: &[Finished]) -> Result<Pairs, String> {
    let mut pairs = Pairs::default();
    for (k, a) in sessions.iter().enumerate() {
        for b in &sessions[k + 1..] {
            pairs.total += 1;
            if a.acknowledged != b.acknowledged {
                continue;
            }
            pairs.compared += 1;
            if a.result != b.result {
                pairs.telling += 1;
            }
            if a.record != b.record {
                return Err(format!(
                    "two sessions that differ only in conversation-only answers, and agree on \
                     every acknowledged part ({}), give different stored records:\n{}\n{}\n\
                     responses:\n{}\n{}",
                    a.acknowledged,
                    a.record,
                    b.record,
                    responses(&a.session),
                    responses(&b.session)
                ));
            }
        }
    }
    Ok(pairs)
}

/// The responses of a session, one item a line, for failure messages.
fn responses(s: &Session) -> String {
    s.questionnaire()
        .items()
        .filter_map(|item| {
            let r = s.response(item.id())?;
            let conversation = if item.retention() == Retention::Conversation {
                " (conversation only)"
            } else {
                ""
            };
            Some(format!("  {}{conversation}: {r:?}\n", item.id()))
        })
        .collect()
}

/// Checks what a stored record (`text` is its JSON) must never hold: the id of a
/// conversation-only item, as a JSON string anywhere in it, or such an
/// item as trigger evidence.
fn names_no_conversation_item(
    q: &Questionnaire,
    record: &StoredRecord,
    text: &str,
) -> Result<(), String> {
    for item in q.items() {
        if item.retention() != Retention::Conversation {
            continue;
        }
        let id = item.id();
        if text.contains(&format!("\"{id}\"")) {
            return Err(format!(
                "the stored record names the conversation-only item `{id}`:\n{text}"
            ));
        }
        for t in &record.triggers {
            if t.evidence.iter().any(|e| e.kind == "item" && e.id == id) {
                return Err(format!(
                    "trigger `{}` cites the conversation-only item `{id}` as evidence",
                    t.id
                ));
            }
        }
    }
    Ok(())
}

/// A 64-bit mix of a seed and an item id: the same pair, the same number.
pub(crate) fn mix(seed: u64, id: &str) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finaliser, so that nearby seeds give unrelated numbers.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The seed a conversation-only item's response comes from: the shared
/// `base` for most items, the session's own `variant` for about one in
/// three, so that two sessions differ in a few conversation-only answers
/// (and agree on their acknowledged parts often enough to be compared).
pub(crate) fn conversation_seed(base: u64, variant: u64, id: &str) -> u64 {
    if mix(variant, id).is_multiple_of(2) {
        variant
    } else {
        base
    }
}

// ---------------------------------------------------------------------
// The shipped questionnaires.

/// Every version file of every shipped questionnaire, compiled with the
/// questionnaires folder as the include root.
fn shipped() -> Vec<(PathBuf, Questionnaire)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires");
    let compiler = Compiler::new().with_include_root(&root);
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("questionnaires/ is readable") {
        let dir = dir.expect("a directory entry").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("a questionnaire folder is readable") {
            let file = file.expect("a directory entry").path();
            if file.is_file() && file.extension().is_some_and(|e| e == "yaml") {
                files.push(file);
            }
        }
    }
    files.sort();
    assert!(
        !files.is_empty(),
        "no questionnaires under {}",
        root.display()
    );
    files
        .into_iter()
        .map(|file| {
            let q = compiler
                .load(&file)
                .unwrap_or_else(|e| panic!("{} does not compile: {e:#}", file.display()));
            (file, q)
        })
        .collect()
}

/// A response to `item` that it accepts, chosen by `seed` alone: mostly
/// an answer, sometimes a decline, "don't know" or skip where offered.
fn response(item: &ItemRef<'_>, seed: u64) -> Response {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed, item.id()));
    match rng.random_range(0..10) {
        0 if item.allows_decline() => return Response::Declined,
        1 if item.allows_dont_know() => return Response::DontKnow,
        2 if !item.required() => return Response::Skipped,
        _ => {}
    }
    let options: Vec<String> = item.options().map(|o| o.value.to_owned()).collect();
    Response::Answer(match item.kind() {
        ItemKind::YesNo => Value::Bool(rng.random_bool(0.5)),
        ItemKind::SingleChoice => {
            Value::Text(options[rng.random_range(0..options.len())].as_str().into())
        }
        ItemKind::MultipleChoice => Value::List(
            options
                .into_iter()
                .filter(|_| rng.random_bool(0.4))
                .map(Into::into)
                .collect(),
        ),
        ItemKind::Scale | ItemKind::Number => {
            let (lo, hi) = match item.range() {
                (Some(lo), Some(hi)) => (lo, hi),
                (Some(lo), None) => (lo, lo + 40.0),
                (None, Some(hi)) => (hi - 40.0, hi),
                (None, None) => (0.0, 40.0),
            };
            if lo.ceil() > hi.floor() {
                // No whole number in range (only for fractional items).
                Value::Number(lo)
            } else {
                let whole = rng.random_range(lo.ceil() as i64..=hi.floor() as i64) as f64;
                if item.integer() || whole + 0.5 > hi || rng.random_bool(0.7) {
                    Value::Number(whole)
                } else {
                    Value::Number(whole + 0.5)
                }
            }
        }
        ItemKind::Text => Value::Text(["ja", "some words", "åäö"][rng.random_range(0..3)].into()),
        ItemKind::Date => Value::from(format!(
            "20{:02}-{:02}-{:02}",
            rng.random_range(0..30),
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        )),
        ItemKind::Info => unreachable!("an information text is never asked"),
    })
}

/// A session driven to its end: kept questions answered by `kept`,
/// conversation-only ones by (`base`, `variant`).
fn drive(q: &Questionnaire, kept: u64, base: u64, variant: u64) -> Session {
    let mut s = Session::new(q);
    let mut steps = 0;
    while let Step::Ask(item) = s.next() {
        steps += 1;
        assert!(steps <= q.items().len(), "the interview does not end");
        let seed = if item.retention() == Retention::Conversation {
            conversation_seed(base, variant, item.id())
        } else {
            kept
        };
        let r = response(&item, seed);
        let id = item.id().to_owned();
        s.respond(&id, r.clone())
            .unwrap_or_else(|e| panic!("`{id}` refused {r:?}: {e}"));
    }
    s
}

/// Kept seeds per questionnaire: `PROPTEST_CASES` for a longer run.
fn kept_seeds() -> u64 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// Conversation seeds per kept seed: every pair of them is compared.
const VARIANTS: u64 = 6;

#[test]
fn stored_records_of_shipped_questionnaires_do_not_depend_on_conversation_only_answers() {
    for (file, q) in shipped() {
        let conversation = q.items().any(|i| i.retention() == Retention::Conversation);
        let mut pairs = Pairs::default();
        for kept in 0..kept_seeds() {
            let base = mix(kept, "base");
            let sessions: Vec<Finished> = (0..VARIANTS)
                .map(|v| {
                    let s = drive(&q, kept, base, mix(v, "variant") ^ kept);
                    Finished::new(&q, s).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
                })
                .collect();
            match compare_pairs(&sessions) {
                Ok(found) => pairs.add(found),
                Err(e) => panic!("{} (kept seed {kept}): {e}", file.display()),
            }
        }
        // A property that never compares proves nothing: most pairs agree
        // on their acknowledged parts, and where the questionnaire has
        // conversation-only questions, many differ in what was said.
        assert!(
            pairs.compared * 3 >= pairs.total,
            "{}: only {pairs:?} compared",
            file.display()
        );
        assert!(
            !conversation || pairs.telling * 20 >= pairs.total,
            "{}: too few pairs differ in their conversation ({pairs:?})",
            file.display()
        );
    }
}

// A problem in the core found by the model in `generated/model.rs`, kept
// as the smallest case that shows it until it is fixed.

/// docs/format.md ("What is kept"): "A `reveals` on a part that reveals
/// nothing, or on a conversation-only part, is the warning V031", also on a
/// conversation-only question (found by this test: the compiler used to
/// judge only kept questions).
#[test]
fn reveals_on_a_conversation_only_question_is_needless() {
    let source = "format: 2\nid: known\nversion: 1.0.0\ntitle: { en: Known problems }\n\
                  languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n\
                  \x20     - id: hurt\n\
                  \x20       kind: yes_no\n\
                  \x20       text: { en: Has someone hurt you? }\n\
                  \x20       retention: conversation\n\
                  \x20       reveals: { reason: the answer is the support agreed on }\n";
    let (q, diagnostics) = Compiler::new().check(source, "known.yaml");
    assert!(q.is_some());
    let found: Vec<(vidare::diagnostic::Code, &str)> = diagnostics
        .iter()
        .map(|d| (d.code, d.location.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            vidare::diagnostic::Code::NeedlessReveals,
            "sections[0].items[0].reveals"
        )]
    );
}

/// Found by the non-interference property run on sessions stopped before
/// their end (a session the server closes unfinished keeps its stored
/// record). `contact` is stored because it says `reveals`: whether it is
/// asked reveals `hurt`; reading it (here `shown(contact)` in a trigger that
/// needs no `reveals`) is then treated as revealing nothing beyond the
/// record. The record used to list a question only once it had a response,
/// so until `contact` was answered, the trigger and `finished` told what the
/// record did not. Now the record lists a shown stored question as
/// `unanswered`: the two sessions differ in the acknowledged part, as
/// `contact`'s `reveals` says they may.
#[test]
fn an_unanswered_stored_question_is_in_the_record_of_an_unfinished_session() {
    let source = "format: 2\nid: known\nversion: 1.0.0\ntitle: { en: Known problems }\n\
                  languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n\
                  \x20     - { id: hurt, kind: yes_no, retention: conversation, text: { en: Has someone hurt you? } }\n\
                  \x20     - id: contact\n\
                  \x20       kind: yes_no\n\
                  \x20       when: hurt == true\n\
                  \x20       text: { en: Do you want contact with support? }\n\
                  \x20       reveals: { reason: asked only after a yes as agreed with the person }\n\
                  triggers:\n\
                  \x20 - id: follow_up\n\
                  \x20   when: shown(contact)\n\
                  \x20   urgency: soon\n\
                  \x20   refer_to: support\n\
                  \x20   text: { en: Follow up. }\n";
    let (q, diagnostics) = Compiler::new().check(source, "known.yaml");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let q = q.expect("compiles");
    let record = |hurt: bool| {
        let mut s = Session::new(&q);
        s.answer("hurt", hurt).expect("an answer");
        // The yes-session stops here, before `contact` is answered.
        s.stored_record()
    };
    let (yes, no) = (record(true), record(false));
    let contact = |r: &StoredRecord| {
        r.answers
            .iter()
            .find(|a| a.item == "contact")
            .map(|a| a.response.clone())
    };
    assert_eq!(contact(&yes).as_deref(), Some("unanswered"));
    assert_eq!(contact(&no), None);
    // The records differ in the acknowledged part, so this pair is outside
    // the property's premise (agreement on acknowledged parts).
    assert_ne!(acknowledged(&q, &yes), acknowledged(&q, &no));
    assert!(!yes.finished && no.finished);
}
