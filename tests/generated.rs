//! Properties across the whole API, on generated questionnaires rather than
//! the shipped ones: random sections and items of every kind, conditions
//! that read only earlier items, derived values, scores with bands,
//! triggers, end conditions, suggestions, often a protected item, and
//! conversation-only questions with `retention` and `reveals` on the other
//! parts (see `generated/model.rs`). For every generated questionnaire:
//!
//! - it compiles, and the only diagnostics are V023 warnings, exactly for
//!   the conditions an independent exhaustive check finds can never hold,
//!   and V030 and V031 warnings, exactly where an independent disclosure
//!   analysis finds an undeclared or a needless disclosure; in format 2
//!   the undeclared ones are V029 errors; `kept_parts` is that analysis;
//! - any sequence of operations succeeds exactly when the documentation
//!   says it should, never panics, and keeps the session's invariants;
//! - an operation that is refused changes nothing, and its error never
//!   quotes the answer;
//! - resuming from the log (or any prefix of it, or the log sent through
//!   JSON) gives the same session;
//! - a recording survives JSON and replays to its result;
//! - the result does not depend on the protected item's response, and the
//!   core's counterfactual check agrees;
//! - the result depends only on the responses that count, not on the
//!   history of changes and going back that led to them;
//! - sessions that differ only in conversation-only answers, and agree on
//!   the parts that say they reveal them, give byte-identical stored
//!   records, which never name a conversation-only question.
//!
//! Problems in the core that these properties found are kept at the end,
//! each as the smallest case that shows it (see docs/robustness.md).

mod drive;
mod model;

use std::cell::Cell;
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use vidare::analysis::{DigestPolicy, Verdict, check_result, replay, replay_on};
use vidare::{
    ErrorKind, Event, Questionnaire, Recording, Registry, Response, Session, Step,
    diagnostic::Code, diagnostic::Severity, format::Retention,
};

use crate::disclosure::{Finished, Pairs, compare_pairs, conversation_seed, mix};

use drive::{
    Call, Op, SECRET, current, finish, invariants, op, perform, plan, run, snapshot, valid_value,
};
use model::{Generated, ItemModel, PartModel, Protected, questionnaire};

/// `cases` cases, or as many as `PROPTEST_CASES` says (for a longer run);
/// rejected cases may be as many as the cases, and a failure is shrunk
/// for longer than proptest's default.
pub(crate) fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        max_global_rejects: cases.max(1024),
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

/// Compiles a generated questionnaire; on failure the message holds the
/// source and the rendered diagnostics.
fn compile(g: &Generated) -> Questionnaire {
    let (q, diagnostics) = vidare::Compiler::new().check(&g.source, "generated.yaml");
    q.unwrap_or_else(|| {
        panic!(
            "the generated questionnaire did not compile:\n{}\n{}",
            g.source,
            vidare::diagnostic::render_all(&diagnostics, &g.source)
        )
    })
}

/// The paths of the V023, V030 and V031 warnings, each list sorted; `None`
/// if there is any other diagnostic.
fn sort_warnings(
    diagnostics: &[vidare::Diagnostic],
) -> Option<(Vec<String>, Vec<String>, Vec<String>)> {
    let (mut unreachable, mut undeclared, mut needless) = (Vec::new(), Vec::new(), Vec::new());
    for d in diagnostics {
        let list = match d.code {
            _ if d.severity != Severity::Warning => return None,
            Code::Unreachable => &mut unreachable,
            Code::UndeclaredDisclosureLegacy => &mut undeclared,
            Code::NeedlessReveals => &mut needless,
            // Generated bands rarely fit the score's range; V032 is checked
            // against known ranges in tests/bands.rs.
            Code::BandRange if d.location.path.contains(".bands[") => continue,
            _ => return None,
        };
        list.push(d.location.path.clone());
    }
    for list in [&mut unreachable, &mut undeclared, &mut needless] {
        list.sort();
    }
    Some((unreachable, undeclared, needless))
}

/// Applies operations without judging them (other properties do that).
fn play(q: &Questionnaire, g: &Generated, ops: &[Op]) -> Session {
    let mut s = Session::new(q);
    for op in ops {
        let (call, _) = plan(&s, g, op);
        let _ = perform(&mut s, &call);
    }
    s
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn generated_questionnaires_compile_without_errors(g in questionnaire(Protected::Sometimes)) {
        let (q, diagnostics) = vidare::Compiler::new().check(&g.source, "generated.yaml");
        let rendered = || vidare::diagnostic::render_all(&diagnostics, &g.source);
        prop_assert!(q.is_some(), "did not compile:\n{}\n{}", g.source, rendered());
        let q = q.unwrap();
        let found = sort_warnings(&diagnostics);
        prop_assert!(found.is_some(), "unexpected diagnostic:\n{}\n{}", g.source, rendered());
        let (unreachable, undeclared, needless) = found.unwrap();
        prop_assert_eq!(
            &unreachable, &g.unreachable,
            "V023 warnings are not the conditions that can never hold:\n{}\n{}", g.source, rendered()
        );
        // Format 2 files give every disclosure a declaration.
        prop_assert!(g.format == 1 || g.undeclared().is_empty());
        prop_assert_eq!(
            &undeclared, &g.undeclared(),
            "V030 warnings are not the kept parts that reveal without saying so:\n{}\n{}", g.source, rendered()
        );
        prop_assert_eq!(
            &needless, &g.needless(),
            "V031 warnings are not the needless `reveals`:\n{}\n{}", g.source, rendered()
        );
        prop_assert_eq!(q.warnings(), &diagnostics[..]);

        // The disclosure analysis is the model's, part by part.
        let parts: Vec<PartModel> = q
            .kept_parts()
            .map(|p| PartModel {
                kind: p.kind.as_str(),
                id: p.id.to_owned(),
                path: String::new(),
                kept: p.kept,
                declared: p.reason.is_some(),
                stored: p.stored,
                reveals: p.reveals.iter().map(|&id| id.to_owned()).collect(),
            })
            .collect();
        let expected: Vec<PartModel> = g
            .parts
            .iter()
            .map(|p| PartModel { path: String::new(), declared: p.declared && p.kept, ..p.clone() })
            .collect();
        prop_assert_eq!(parts, expected, "kept_parts is not the model's analysis:\n{}", g.source);
        prop_assert!(q.kept_parts().all(|p| !p.reveals_more));

        // The same file in format 2: the undeclared disclosures are errors,
        // and everything else is as before.
        if g.format == 1 && !g.undeclared().is_empty() {
            let source = g.source.replacen("\nformat: 1\n", "\nformat: 2\n", 1);
            let (q2, diagnostics) = vidare::Compiler::new().check(&source, "generated.yaml");
            let rendered = || vidare::diagnostic::render_all(&diagnostics, &source);
            let mut errors: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.code == Code::UndeclaredDisclosure && d.severity == Severity::Error)
                .map(|d| d.location.path.clone())
                .collect();
            errors.sort();
            prop_assert_eq!(&errors, &g.undeclared(), "V029 errors in format 2:\n{}\n{}", source, rendered());
            prop_assert!(q2.is_none(), "{}", rendered());
            let rest: Vec<_> = diagnostics.iter().filter(|d| d.code != Code::UndeclaredDisclosure).cloned().collect();
            let found = sort_warnings(&rest);
            prop_assert_eq!(
                found,
                Some((unreachable, Vec::new(), needless)),
                "other diagnostics in format 2:\n{}\n{}", source, rendered()
            );
        }

        // The compiled form is what was generated.
        prop_assert_eq!(q.id(), "generated");
        prop_assert_eq!(q.version(), "1.0.0");
        // Declared languages, the default one first.
        let other = if g.default_language == "sv" { "en" } else { "sv" };
        prop_assert_eq!(q.languages(), &[g.default_language.to_owned(), other.to_owned()][..]);
        prop_assert_eq!(q.default_language(), g.default_language);
        prop_assert_eq!(q.items().len(), g.items.len());
        for (item, model) in q.items().zip(&g.items) {
            prop_assert_eq!(item.id(), model.id.as_str());
            prop_assert_eq!(item.kind(), model.kind.engine());
            prop_assert_eq!(item.required(), model.required, "required of {}", model.id);
            prop_assert_eq!(item.allows_decline(), model.allow_decline);
            prop_assert_eq!(item.allows_dont_know(), model.allow_dont_know);
            prop_assert_eq!(item.protected(), model.protected);
            let retention = if model.conversation { Retention::Conversation } else { Retention::Keep };
            prop_assert_eq!(item.retention(), retention);
            let options: Vec<&str> = item.options().map(|o| o.value).collect();
            prop_assert_eq!(options, model.options.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(item.range(), (model.min, model.max));
            prop_assert!(!item.text("sv").is_empty() && !item.text("en").is_empty());
        }
        prop_assert_eq!(q.derived_ids().collect::<Vec<_>>(), g.derived_ids.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(q.score_ids().collect::<Vec<_>>(), g.score_ids.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(q.trigger_ids().collect::<Vec<_>>(), g.trigger_ids.iter().map(String::as_str).collect::<Vec<_>>());
        let statistics: Vec<(String, String)> = vidare::analysis::counterfactual::statistics_outputs(&q)
            .into_iter()
            .map(|s| (s.kind, s.id))
            .collect();
        let expected: Vec<(String, String)> = g.statistics_outputs.iter()
            .map(|(k, id)| ((*k).to_owned(), id.clone()))
            .collect();
        prop_assert_eq!(statistics, expected);

        // The digest pins the definition, not its layout or comments.
        prop_assert!(q.digest().starts_with("sha256:"));
        let again = compile(&g);
        prop_assert_eq!(again.digest(), q.digest());
        let commented = Generated { source: format!("# a comment\n{}\n# the end\n", g.source), ..g.clone() };
        let commented = compile(&commented);
        prop_assert_eq!(commented.digest(), q.digest());
    }
}

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn operations_succeed_exactly_when_they_should(
        g in questionnaire(Protected::Sometimes),
        ops in vec(op(0.85), 0..50),
    ) {
        let q = compile(&g);
        if let Err(e) = run(&q, &g, &ops) {
            prop_assert!(false, "{}", e);
        }
    }

    #[test]
    fn a_refused_operation_changes_nothing(
        g in questionnaire(Protected::Sometimes),
        ops in vec(op(0.4), 1..50),
    ) {
        let q = compile(&g);
        let mut s = Session::new(&q);
        for op in &ops {
            let (call, _) = plan(&s, &g, op);
            let before = snapshot(&s, &g);
            let events = s.events().to_vec();
            if let Err(e) = perform(&mut s, &call) {
                prop_assert_eq!(&snapshot(&s, &g), &before, "{:?} was refused but changed the session", call);
                prop_assert_eq!(s.events(), &events[..]);
                let text = format!("{e} | {e:?}");
                prop_assert!(!text.contains(SECRET), "the error quotes the answer: {}", text);
            }
        }
    }

    #[test]
    fn resuming_from_the_log_gives_the_same_session(
        g in questionnaire(Protected::Sometimes),
        ops in vec(op(0.85), 0..40),
    ) {
        let q = compile(&g);
        let mut s = Session::new(&q);
        let mut after = vec![snapshot(&s, &g)];
        for op in &ops {
            let (call, _) = plan(&s, &g, op);
            if perform(&mut s, &call).is_ok() {
                after.push(snapshot(&s, &g));
            }
        }
        prop_assert_eq!(after.len(), s.events().len() + 1, "one event per accepted operation");
        for (k, expected) in after.iter().enumerate() {
            let resumed = Session::resume(&q, s.events()[..k].iter().cloned());
            prop_assert!(resumed.is_ok(), "the first {} events do not resume: {:?}", k, resumed.err());
            prop_assert_eq!(&snapshot(&resumed.unwrap(), &g), expected, "after {} events", k);
        }
        // The log survives JSON, and the result is the same to the byte.
        let json = serde_json::to_string(s.events()).unwrap();
        let events: Vec<Event> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&events[..], s.events(), "the log changed through JSON: {} became {}", json, serde_json::to_string(&events).unwrap());
        let resumed = Session::resume(&q, events).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&resumed.result().into_outcome()).unwrap(),
            serde_json::to_string(&s.result().into_outcome()).unwrap()
        );
        prop_assert_eq!(snapshot(&resumed, &g), snapshot(&s, &g));
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_recording_replays_to_its_result(
        g in questionnaire(Protected::Sometimes),
        ops in vec(op(0.85), 0..40),
        complete in any::<bool>(),
        pick in any::<u16>(),
    ) {
        let q = compile(&g);
        let mut s = play(&q, &g, &ops);
        if complete
            && let Err(e) = finish(&mut s, &g, pick)
        {
            prop_assert!(false, "{}", e);
        }
        let recording = s.record();
        prop_assert_eq!(&recording.result, &s.result().into_outcome());
        prop_assert_eq!(recording.events().collect::<Vec<_>>(), s.events().to_vec());
        prop_assert_eq!(recording.questionnaire.digest.as_str(), q.digest());

        let json = recording.to_json();
        let read = Recording::from_json(&json, "generated.json");
        prop_assert!(read.is_ok(), "{:?}\n{}", read.err(), json);
        let read = read.unwrap();
        prop_assert_eq!(&read, &recording, "the recording changed through JSON:\n{}", json);

        let resumed = read.resume_on(&q, DigestPolicy::Require);
        prop_assert!(resumed.is_ok(), "{:?}", resumed.err());
        prop_assert_eq!(snapshot(&resumed.unwrap(), &g), snapshot(&s, &g));

        let report = replay_on(&q, &read);
        prop_assert!(report.is_equal(), "replay differs:\n{}\n{}", report, json);
        prop_assert_eq!(report.outcome.as_ref(), Some(&recording.result));
        let mut registry = Registry::new();
        registry.insert(q.clone());
        let report = replay(&registry, &read, DigestPolicy::Require);
        prop_assert!(report.as_ref().is_ok_and(vidare::analysis::ReplayReport::is_equal));

        // A recording of another definition is refused unless allowed.
        let mut edited = read.clone();
        edited.questionnaire.digest = format!("sha256:{}", "0".repeat(64)).into();
        let refused = edited.resume_on(&q, DigestPolicy::Require);
        prop_assert_eq!(refused.err().map(|e| e.kind()), Some(ErrorKind::DigestMismatch));
        prop_assert!(edited.resume_on(&q, DigestPolicy::Allow).is_ok());
    }

    #[test]
    fn the_result_depends_only_on_the_responses_that_count(
        g in questionnaire(Protected::Sometimes),
        ops in vec(op(0.85), 0..50),
        pick in any::<u16>(),
    ) {
        let q = compile(&g);
        let mut s = play(&q, &g, &ops);
        if let Err(e) = finish(&mut s, &g, pick) {
            prop_assert!(false, "{}", e);
        }
        // The same responses, given once each in document order.
        let direct: Vec<Event> = g
            .items
            .iter()
            .filter_map(|it| {
                s.response(&it.id).map(|response| Event::Respond {
                    item: Arc::from(it.id.as_str()),
                    response,
                })
            })
            .collect();
        let fresh = Session::resume(&q, direct.clone());
        prop_assert!(fresh.is_ok(), "the responses that count do not replay: {:?}", fresh.err());
        let fresh = fresh.unwrap();
        let (mut a, b) = (snapshot(&fresh, &g), snapshot(&s, &g));
        a.events = b.events;
        prop_assert_eq!(a, b, "a history of {} events and its {} responses disagree", s.events().len(), direct.len());
    }
}

/// Distinct responses the protected item accepts: answers, and the ways of
/// not answering it offers.
fn protected_responses(item: &ItemModel) -> Vec<Response> {
    let mut out: Vec<Response> = Vec::new();
    for pick in 0..64 {
        let r = Response::Answer(valid_value(item, pick));
        if !out.contains(&r) {
            out.push(r);
        }
        if out.len() == 3 {
            break;
        }
    }
    if item.allow_decline {
        out.push(Response::Declined);
    }
    if item.allow_dont_know {
        out.push(Response::DontKnow);
    }
    if !item.required {
        out.push(Response::Skipped);
    }
    out
}

/// The call with the protected item's response replaced.
fn with_protected(call: &Call, id: &str, response: &Response) -> Call {
    match call {
        Call::Respond(i, _) if i == id => Call::Respond(i.clone(), response.clone()),
        Call::Change(i, _) if i == id => Call::Change(i.clone(), response.clone()),
        other => other.clone(),
    }
}

/// The snapshot without the protected item's own response and the
/// statistics-only outputs, which are allowed to differ.
fn blind(s: &Session, g: &Generated) -> drive::Snapshot {
    let mut snap = snapshot(s, g);
    let p = &g.items[g.protected.expect("a protected item")].id;
    let statistics = |kind: &str, id: &str| {
        g.statistics_outputs
            .iter()
            .any(|(k, i)| *k == kind && i == id)
    };
    let mut result = s.result().into_outcome();
    result.answers.retain(|a| &a.item != p);
    result.derived.retain(|d| !statistics("derived", &d.id));
    result.scores.retain(|d| !statistics("score", &d.id));
    snap.result = serde_json::to_string(&result).unwrap();
    snap
}

/// Whether the counterfactual check has a response of `id` to vary: one
/// that counts now, or the last one in the log that no `back` withdrew.
fn has_response(s: &Session, id: &str) -> bool {
    let mut last = false;
    for e in s.events().iter().filter(|e| e.item() == id) {
        last = !matches!(e, Event::Back { .. });
    }
    s.response(id).is_some() || last
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_result_never_depends_on_the_protected_item(
        g in questionnaire(Protected::Always),
        ops in vec(op(0.85), 0..40),
        which in any::<(u8, u8)>(),
        complete in any::<bool>(),
        pick in any::<u16>(),
    ) {
        let q = compile(&g);
        let p = g.protected.expect("a protected item");
        let pid = g.items[p].id.clone();
        let responses = protected_responses(&g.items[p]);
        prop_assert!(responses.len() >= 2);
        let a = usize::from(which.0) % responses.len();
        let b = (a + 1 + usize::from(which.1) % (responses.len() - 1)) % responses.len();
        let (ra, rb) = (&responses[a], &responses[b]);

        // Two sessions, the same operations; only the protected response differs.
        let mut sa = Session::new(&q);
        let mut sb = Session::new(&q);
        for (n, op) in ops.iter().enumerate() {
            let (call, _) = plan(&sa, &g, op);
            let (ca, cb) = (with_protected(&call, &pid, ra), with_protected(&call, &pid, rb));
            let (oa, ob) = (perform(&mut sa, &ca), perform(&mut sb, &cb));
            prop_assert_eq!(oa.is_ok(), ob.is_ok(), "operation {} ({:?}): {:?} / {:?}", n, ca, oa, ob);
            prop_assert_eq!(blind(&sa, &g), blind(&sb, &g), "after operation {} ({:?})", n, ca);
        }
        if complete {
            for round in 0..=g.items.len() * 2 {
                let (Some(i), Some(j)) = (current(&sa), current(&sb)) else { break };
                prop_assert_eq!(i, j);
                let id = g.items[i].id.clone();
                let (xa, xb) = if i == p {
                    (ra.clone(), rb.clone())
                } else {
                    let v = Response::Answer(valid_value(&g.items[i], pick.wrapping_add(round as u16)));
                    (v.clone(), v)
                };
                prop_assert!(sa.respond(&id, xa).is_ok() && sb.respond(&id, xb).is_ok());
                prop_assert_eq!(blind(&sa, &g), blind(&sb, &g));
            }
        }
        for s in [&sa, &sb] {
            if let Err(e) = invariants(s, &g) {
                prop_assert!(false, "{}", e);
            }
            // The core's own check agrees.
            let check = check_result(&q, s);
            prop_assert!(check.is_clean(), "{}\n{}", check, serde_json::to_string_pretty(&check).unwrap());
            prop_assert_eq!(check.protected.len(), 1);
            prop_assert_eq!(&check.protected[0].item, &pid);
            let varied = has_response(s, &pid);
            prop_assert_eq!(check.protected[0].varied, varied);
            match check.verdict {
                Verdict::NoDifference => prop_assert!(varied),
                Verdict::StatisticsOnly => prop_assert!(varied && !g.statistics_outputs.is_empty()),
                Verdict::NothingToVary => prop_assert!(!varied),
                Verdict::Differs | Verdict::NotRun => prop_assert!(false, "{}", check),
            }
            let outcome = s.checked_result_in(g.default_language);
            prop_assert_eq!(&outcome.counterfactual, &check);
        }
    }
}

/// A response to a generated item chosen by `seed` alone: mostly a fitting
/// answer, sometimes a decline, "don't know" or skip where the item offers it.
fn seeded_response(item: &ItemModel, seed: u64) -> Response {
    let h = mix(seed, &item.id);
    match h % 10 {
        0 if item.allow_decline => Response::Declined,
        1 if item.allow_dont_know => Response::DontKnow,
        2 if !item.required => Response::Skipped,
        _ => Response::Answer(valid_value(item, (h >> 32) as u16)),
    }
}

/// A session driven to its end: kept questions answered by `kept`,
/// conversation-only ones by (`base`, `variant`). With `unfinished`, it
/// stops early instead: before the first kept question from an item that
/// `kept` chooses (the same for every variant), so that sessions with the
/// same `kept` still give the same response to every kept question both
/// answer.
fn seeded_session(
    q: &Questionnaire,
    g: &Generated,
    kept: u64,
    (base, variant): (u64, u64),
    unfinished: bool,
) -> Result<Session, String> {
    let stop = if unfinished {
        mix(kept, "stop") as usize % (g.items.len() + 1)
    } else {
        usize::MAX
    };
    let mut s = Session::new(q);
    let mut steps = 0;
    while let Step::Ask(item) = s.next() {
        steps += 1;
        if steps > g.items.len() {
            return Err("the interview does not end".into());
        }
        let model = &g.items[item.index()];
        let seed = if model.conversation {
            conversation_seed(base, variant, &model.id)
        } else if item.index() >= stop {
            break;
        } else {
            kept
        };
        let response = seeded_response(model, seed);
        s.respond(&model.id, response.clone())
            .map_err(|e| format!("`{}` refused {response:?}: {e}", model.id))?;
    }
    Ok(s)
}

/// Non-interference: sessions that differ only in conversation-only
/// answers, and agree on every acknowledged part (stored, revealing
/// something, so saying `reveals`), give byte-identical stored records;
/// and no stored record names a conversation-only item. The runner is
/// explicit so that, after all cases, the test can check that enough
/// pairs were compared, and enough of those differed in what was said.
#[test]
fn stored_records_do_not_depend_on_conversation_only_answers() {
    non_interference(false);
}

/// The same for sessions stopped before their end, as a session the
/// server closes unfinished is. It found the leak kept as
/// `disclosure::an_unanswered_stored_question_is_in_the_record_of_an_unfinished_session`.
#[test]
fn stored_records_of_unfinished_sessions_do_not_depend_on_conversation_only_answers() {
    non_interference(true);
}

fn non_interference(unfinished: bool) {
    const KEPT: u64 = 3;
    const VARIANTS: u64 = 4;
    let mut runner = TestRunner::new(ProptestConfig {
        source_file: Some(file!()),
        ..config(128)
    });
    let pairs = Cell::new(Pairs::default());
    let with_conversation = questionnaire(Protected::Sometimes)
        .prop_filter("a conversation-only question", |g| {
            g.items.iter().any(|i| i.conversation)
        });
    let outcome = runner.run(&(with_conversation, any::<u64>()), |(g, seed)| {
        let q = compile(&g);
        let mut found = Pairs::default();
        for k in 0..KEPT {
            let kept = mix(seed, &format!("kept {k}"));
            let base = mix(kept, "base");
            let mut sessions = Vec::new();
            for v in 0..VARIANTS {
                let variant = mix(kept, &format!("variant {v}"));
                let s = seeded_session(&q, &g, kept, (base, variant), unfinished)
                    .map_err(TestCaseError::fail)?;
                sessions.push(Finished::new(&q, s).map_err(TestCaseError::fail)?);
            }
            found.add(compare_pairs(&sessions).map_err(TestCaseError::fail)?);
        }
        let mut all = pairs.get();
        all.add(found);
        pairs.set(all);
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let pairs = pairs.get();
    assert!(pairs.compared * 2 >= pairs.total, "only {pairs:?} compared");
    // Sessions stopped early answer fewer conversation-only questions, so
    // fewer pairs differ in what was said (about 12% of pairs against about
    // 23% for finished ones); the bound is a floor well below either.
    let floor = if unfinished { 16 } else { 8 };
    assert!(
        pairs.telling * floor >= pairs.total,
        "too few pairs differ in their conversation: {pairs:?}"
    );
}

// Problems in the core found by the properties above, each as the smallest
// case that shows it, kept so that they stay fixed.

/// A questionnaire of `n` yes/no items and `extra` YAML after the sections.
fn yes_no_questionnaire(n: usize, extra: &str) -> Questionnaire {
    let mut source = String::from(
        "format: 1\nid: known\nversion: 1.0.0\ntitle: { en: Known problems }\n\
         languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n",
    );
    source.extend(
        (1..=n).map(|i| {
            format!("      - {{ id: q{i}, kind: yes_no, text: {{ en: Question {i} }} }}\n")
        }),
    );
    source.push_str(extra);
    vidare::compile(&source, "known.yaml").unwrap()
}

/// `serde_json` without `float_roundtrip` read 1/11 back one unit in the last
/// place off, and the replay reported a changed score.
#[test]
fn a_recorded_mean_of_one_eleventh_replays_equal() {
    let q = yes_no_questionnaire(
        11,
        "scores:\n  - { id: share, method: mean, over: [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11] }\n",
    );
    let mut s = Session::new(&q);
    for i in 1..=11 {
        s.answer(&format!("q{i}"), i == 1).unwrap();
    }
    assert_eq!(s.result().into_outcome().scores[0].value, Some(1.0 / 11.0));
    let recording = s.record();
    let read = Recording::from_json(&recording.to_json(), "known.json").unwrap();
    let report = replay_on(&q, &read);
    assert!(report.is_equal(), "{report}");
    assert_eq!(read, recording);
}

/// For a whole-number item with a fractional bound the counterfactual check
/// tried numbers the item refuses (0.5, 1.5, ...), and reported that the
/// result differs. A protected item must now have a fixed list of answers
/// (issue 18: the audit names groups by the answers), so such an item is
/// refused when it is compiled.
#[test]
fn a_protected_number_item_is_refused() {
    let error = vidare::compile(
        "format: 1\nid: known\nversion: 1.0.0\ntitle: { en: Known problems }\n\
         languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n\
         \x20     - { id: hours, kind: number, integer: true, min: 0.5, protected: true, text: { en: Hours } }\n",
        "known.yaml",
    )
    .unwrap_err();
    let codes: Vec<&str> = error
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["V026"], "{error}");
}

/// A score's sum was not checked for overflow: two answers near `f64::MAX`
/// gave an infinite score, written as `null` without a reason, and its
/// recording no longer replayed equal.
#[test]
fn a_score_too_large_to_represent_has_no_value() {
    let q = vidare::compile(
        "format: 1\nid: known\nversion: 1.0.0\ntitle: { en: Known problems }\n\
         languages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n\
         \x20     - { id: a, kind: number, text: { en: A } }\n\
         \x20     - { id: b, kind: number, text: { en: B } }\n\
         scores:\n  - { id: total, method: sum, over: [a, b] }\n",
        "known.yaml",
    )
    .unwrap();
    let mut s = Session::new(&q);
    s.answer("a", 1.5e308).unwrap();
    s.answer("b", 1.5e308).unwrap();
    let score = &s.result().into_outcome().scores[0];
    assert!(
        score.value.is_none_or(f64::is_finite),
        "the score is {:?}",
        score.value
    );
    assert_eq!(score.value, None);
    assert_eq!(
        score.missing_reason.as_deref(),
        Some("its terms add up to a number too large to represent")
    );
    let recording = s.record();
    let read = Recording::from_json(&recording.to_json(), "known.json").unwrap();
    let report = replay_on(&q, &read);
    assert!(report.is_equal(), "{report}");
}
