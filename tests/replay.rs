//! Registry lookups, the recording format, replay on the pinned version and
//! on other versions, digest checks, and the impact of a changed version.

use std::path::PathBuf;
use std::sync::OnceLock;

use vidare::analysis::{Difference, DigestPolicy, impact, replay, replay_on};
use vidare::{ErrorKind, Questionnaire, Recording, Registry, Response, Session, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped questionnaires: loaded (every version compiled) once for
/// all the tests here, each of which gets its own copy.
fn registry() -> Registry {
    static SHIPPED: OnceLock<Registry> = OnceLock::new();
    SHIPPED
        .get_or_init(|| Registry::load_dir(root().join("questionnaires")).unwrap())
        .clone()
}

fn violence() -> Questionnaire {
    registry().resolve("violence-seven@1.0.0").unwrap().clone()
}

/// Answers the violence questions: `yes` lists the yes/no items answered
/// yes (their follow-up gets `when`), everything else is no.
fn violence_session(q: &Questionnaire, yes: &[&str], when: &str) -> Session {
    let mut s = Session::new(q);
    s.answer("alone", true).unwrap();
    s.answer("interpreter", "none").unwrap();
    while let vidare::Step::Ask(item) = s.next() {
        let id = item.id().to_owned();
        let value: Value = if id.ends_with("_when") {
            when.into()
        } else {
            yes.contains(&id.as_str()).into()
        };
        s.answer(&id, value).unwrap();
    }
    s
}

#[test]
fn registry_resolves_versions_and_names_what_exists() {
    let registry = registry();
    assert!(registry.ids().any(|id| id == "violence-seven"));
    assert_eq!(
        registry.resolve("violence-seven").unwrap().version(),
        "2.2.0"
    );
    assert_eq!(
        registry.resolve("violence-seven@1.0.0").unwrap().version(),
        "1.0.0"
    );
    let err = registry.resolve("violence-seven@1.5.0").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownVersion);
    assert_eq!(
        err.to_string(),
        "`violence-seven` has no version 1.5.0; its versions are 1.0.0, 2.0.0, 2.1.0, 2.2.0"
    );
    let err = registry.resolve("violence-eight@1.0.0").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownQuestionnaire);
    assert!(err.to_string().contains("known: "), "{err}");
    assert!(err.to_string().contains("violence-seven"), "{err}");
}

#[test]
fn registry_rejects_a_misplaced_file() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::create_dir_all(dir.join("violence-seven")).unwrap();
    let source =
        std::fs::read_to_string(root().join("questionnaires/violence-seven/1.0.0.yaml")).unwrap();
    std::fs::write(dir.join("violence-seven/1.0.1.yaml"), source).unwrap();
    let err = Registry::load_dir(dir).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Misplaced);
    assert!(
        err.to_string()
            .contains("its place says violence-seven@1.0.1"),
        "{err}"
    );
}

#[test]
fn a_recording_replays_to_the_same_result_in_json_and_yaml() {
    let q = violence();
    let mut s = violence_session(&q, &["physical", "ongoing"], "earlier");
    s.change("sexual", Response::Declined).unwrap_or(());
    let recording = s.record();
    assert_eq!(recording.questionnaire.digest, q.digest());
    let json = recording.to_json();
    let back = Recording::from_json(&json, "r.json").unwrap();
    assert_eq!(back, recording);
    let report = replay(&registry(), &back, DigestPolicy::Require).unwrap();
    assert!(report.is_equal(), "{report}");
    assert_eq!(report.outcome.as_ref(), Some(&recording.result));

    // The same recording written by hand in YAML.
    let yaml = format!(
        "format: 1\nnote: hand-written\nquestionnaire: {{id: violence-seven, version: 1.0.0, digest: \"{}\"}}\nevents:\n  - {{event: respond, item: alone, response: {{answer: false}}, at: \"2026-11-23T10:00:00Z\"}}\nresult: {}\n",
        q.digest(),
        serde_json::to_string(&{
            let mut s = Session::new(&q);
            s.answer("alone", false).unwrap();
            s.result().into_outcome()
        })
        .unwrap()
    );
    let hand = Recording::from_yaml(&yaml, "hand.yaml").unwrap();
    assert_eq!(hand.events[0].at.as_deref(), Some("2026-11-23T10:00:00Z"));
    assert!(
        replay(&registry(), &hand, DigestPolicy::Require)
            .unwrap()
            .is_equal()
    );
}

#[test]
fn a_digest_mismatch_is_an_error_unless_allowed() {
    let q = violence();
    let mut recording = violence_session(&q, &[], "earlier").record();
    recording.questionnaire.digest = "sha256:0000".into();
    let err = replay(&registry(), &recording, DigestPolicy::Require).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DigestMismatch);
    assert!(
        err.to_string()
            .contains("the file was changed after release"),
        "{err}"
    );
    assert!(
        replay(&registry(), &recording, DigestPolicy::Allow)
            .unwrap()
            .is_equal()
    );
}

#[test]
fn an_unknown_pinned_version_is_named() {
    let mut recording = violence_session(&violence(), &[], "earlier").record();
    recording.questionnaire.version = "3.1.4".into();
    let err = replay(&registry(), &recording, DigestPolicy::Require).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownVersion);
}

#[test]
fn a_broken_recording_says_where_without_quoting_it() {
    let err = Recording::from_json(
        "{\"format\": 1, \"questionnaire\": \"Kalle hits me\"}",
        "r.json",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRecording);
    let text = format!("{err} {err:?}");
    assert!(!text.contains("Kalle"), "{text}");
    assert!(
        text.contains("r.json: the recording does not have the shape of a recording at line 1"),
        "{text}"
    );
    let err = Recording::from_json("{\"format\": 2", "r.json").unwrap_err();
    assert!(err.to_string().contains("is not valid JSON"), "{err}");
}

/// Version 2.0.0 of violence-seven in which an earlier experience is only
/// followed up when it happened in childhood, and the time-frame value
/// `last_year` was recoded to `within_year`.
fn changed_violence() -> Questionnaire {
    let source =
        std::fs::read_to_string(root().join("questionnaires/violence-seven/1.0.0.yaml")).unwrap();
    let source = source
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace(
            "    when: '\"earlier\" in category'",
            "    when: '\"earlier\" in category && childhood == true'",
        )
        .replace("- value: last_year", "- value: within_year");
    vidare::Compiler::new()
        .compile(&source, "violence-seven-2.0.0.yaml")
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

/// Version 1.1.0 of violence-seven without the `sexual` item: its two items
/// and every line of an expression that mentions it are left out.
fn without_sexual() -> Questionnaire {
    let source =
        std::fs::read_to_string(root().join("questionnaires/violence-seven/1.0.0.yaml")).unwrap();
    let source = source.replace("version: 1.0.0", "version: 1.1.0");
    let start = source.find("      - id: sexual\n").unwrap();
    let end = source.find("      - id: childhood\n").unwrap();
    let source = format!("{}{}", &source[..start], &source[end..]);
    let kept: Vec<&str> = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("|| (!declined(sexual_when)"))
        .collect();
    let source = (kept.join("\n") + "\n")
        .replace(" && sexual == false", "")
        .replace(" || sexual == true", "");
    vidare::Compiler::new()
        .compile(&source, "violence-seven-1.1.0.yaml")
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

#[test]
fn impact_counts_what_a_new_version_changes() {
    let old = violence();
    let new = changed_violence();
    let mut recordings: Vec<(String, Recording)> = Vec::new();
    // 4 sessions with an earlier psychological experience only: the
    // follow-up trigger disappears in 1.1.0.
    for n in 0..4 {
        recordings.push((
            format!("psych-{n}"),
            violence_session(&old, &["psychological"], "earlier").record(),
        ));
    }
    // 3 with an earlier childhood experience: unchanged.
    for n in 0..3 {
        recordings.push((
            format!("child-{n}"),
            violence_session(&old, &["childhood"], "earlier").record(),
        ));
    }
    // 2 with a time frame of "last year": the value no longer exists.
    for n in 0..2 {
        recordings.push((
            format!("sexual-{n}"),
            violence_session(&old, &["sexual"], "last_year").record(),
        ));
    }
    let report = impact(&new, recordings.iter().map(|(n, r)| (n.as_str(), r)));
    assert_eq!(report.total, 9);
    assert_eq!(report.unchanged, 3);
    assert_eq!(report.changed, 4);
    assert_eq!(report.unreplayable, 2);
    let earlier = report
        .triggers
        .iter()
        .find(|t| t.id == "earlier_experience")
        .unwrap();
    assert_eq!((earlier.appears, earlier.disappears), (0, 4));
    let rejected: Vec<_> = report
        .recordings
        .iter()
        .filter_map(|r| r.rejected.as_ref())
        .collect();
    assert_eq!(rejected.len(), 2);
    assert!(
        rejected.iter().all(
            |r| r.item == "sexual_when" && r.reason.contains("invalid answer to `sexual_when`")
        ),
        "{rejected:?}"
    );
    let text = report.to_string();
    assert!(
        text.contains("unchanged: 3   changed: 4   cannot be replayed: 2"),
        "{text}"
    );
    assert!(text.contains("earlier_experience"), "{text}");
}

#[test]
fn events_of_a_removed_item_are_left_out_and_reported() {
    let old = violence();
    let new = without_sexual();
    let recording = violence_session(&old, &["sexual"], "last_year").record();
    let report = replay_on(&new, &recording);
    assert_eq!(report.dropped, ["sexual", "sexual_when"]);
    assert!(report.rejected.is_none());
    assert!(!report.is_equal());
    // Without the experience the person reported, the follow-up is gone.
    assert!(report.differences.contains(&Difference::TriggerRemoved {
        id: "earlier_experience".into(),
        urgency: vidare::format::Urgency::Routine
    }));
    let unchanged = violence_session(&old, &[], "earlier").record();
    let report = replay_on(&new, &unchanged);
    assert_eq!(report.dropped, ["sexual"]);
    assert!(
        report
            .differences
            .iter()
            .all(|d| matches!(d, Difference::Answer { .. })),
        "{report}"
    );
}

#[test]
fn impact_of_a_moved_band_threshold() {
    let old_source = "format: 1\nid: load\nversion: 1.0.0\ntitle: {en: Load}\nlanguages: [en]\ndefault_language: en\nsections:\n  - id: main\n    items:\n      - {id: a, kind: scale, min: 0, max: 5, text: {en: A}}\n      - {id: b, kind: scale, min: 0, max: 5, text: {en: B}}\nscores:\n  - id: total\n    method: sum\n    over: [a, b]\n    bands:\n      - {id: low, min: 0, max: 5, label: {en: Low}}\n      - {id: high, min: 6, max: 10, label: {en: High}}\ntriggers:\n  - {id: heavy, when: total >= 6, urgency: soon, refer_to: support, text: {en: Support}}\n";
    let new_source = old_source
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace("max: 5, label: {en: Low}", "max: 6, label: {en: Low}")
        .replace("min: 6, max: 10", "min: 7, max: 10")
        .replace("total >= 6", "total >= 7");
    let old = vidare::compile(old_source, "old.yaml").unwrap();
    let new = vidare::compile(&new_source, "new.yaml").unwrap();
    let totals = [(1, 2), (3, 3), (2, 4), (5, 1), (4, 4), (5, 5)];
    let recordings: Vec<(String, Recording)> = totals
        .iter()
        .map(|&(a, b)| {
            let mut s = Session::new(&old);
            s.answer("a", a).unwrap();
            s.answer("b", b).unwrap();
            (format!("{a}+{b}"), s.record())
        })
        .collect();
    let report = impact(&new, recordings.iter().map(|(n, r)| (n.as_str(), r)));
    // Three sessions total exactly 6: they move from high to low and lose the trigger.
    assert_eq!(report.changed, 3);
    assert_eq!(report.unchanged, 3);
    let band = &report.bands[0];
    assert_eq!(
        (band.from.as_deref(), band.to.as_deref(), band.count),
        (Some("high"), Some("low"), 3)
    );
    assert_eq!(report.triggers[0].disappears, 3);
    assert!(
        report.scores.is_empty(),
        "the values themselves do not move"
    );
    let one = replay_on(&new, &recordings[1].1);
    assert_eq!(
        one.differences,
        [
            Difference::Band {
                id: "total".into(),
                before: Some("high".into()),
                after: Some("low".into())
            },
            Difference::TriggerRemoved {
                id: "heavy".into(),
                urgency: vidare::format::Urgency::Soon
            },
        ]
    );
}

#[test]
fn the_recording_schema_is_committed_and_current() {
    let generated = serde_json::to_string_pretty(&vidare::recording_schema()).unwrap() + "\n";
    let path = root().join("schema/recording.schema.json");
    if std::env::var_os("VIDARE_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/recording.schema.json is stale; regenerate it with \
         `VIDARE_UPDATE_SCHEMA=1 cargo test --test workspace` and commit it"
    );
}

#[test]
fn a_recording_resumes_on_its_pinned_version_only() {
    let registry = registry();
    let q = violence();
    let mut s = Session::new(&q);
    s.answer("alone", true).unwrap();
    let recording = s.record();
    let mut resumed = recording.resume(&registry, DigestPolicy::Require).unwrap();
    resumed.answer("interpreter", "none").unwrap();
    assert_eq!(resumed.events().len(), 2);

    let mut tampered = recording.clone();
    tampered.questionnaire.digest = "sha256:1234".into();
    let err = tampered
        .resume(&registry, DigestPolicy::Require)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DigestMismatch);
    assert!(tampered.resume(&registry, DigestPolicy::Allow).is_ok());
    let other = registry.resolve("boston-life-areas").unwrap().clone();
    assert_eq!(
        recording
            .resume_on(&other, DigestPolicy::Allow)
            .unwrap_err()
            .kind(),
        ErrorKind::UnknownVersion
    );
}

/// The recordings of the corpus (tests/recordings) of one questionnaire.
fn corpus_of(id: &str) -> Vec<(String, Recording)> {
    crate::corpus::recordings()
        .into_iter()
        .filter(|(_, r)| r.questionnaire.id == id)
        .map(|(path, r)| (path.display().to_string(), r))
        .collect()
}

/// The versions that only add draft languages for the person (issue 20)
/// change no outcome: sessions of the earlier version replay on them
/// unchanged, and on the recorded corpus their impact is exactly that of
/// the earlier version (docs/impact/*-2.1.0.md, *-1.1.0.md say so).
#[test]
fn a_version_that_only_adds_languages_changes_no_outcome() {
    let registry = registry();
    let old = registry.resolve("violence-seven@2.0.0").unwrap().clone();
    let new = registry.resolve("violence-seven@2.1.0").unwrap().clone();
    let sessions: [(&[&str], &str); 4] = [
        (&["psychological"], "ongoing"),
        (&["physical", "used_violence"], "last_year"),
        (&["sexual_pressure", "childhood_witness"], "earlier"),
        (&[], "earlier"),
    ];
    let recordings: Vec<(String, Recording)> = sessions
        .iter()
        .enumerate()
        .map(|(n, (yes, when))| (format!("s{n}"), violence_session(&old, yes, when).record()))
        .collect();
    let report = impact(&new, recordings.iter().map(|(n, r)| (n.as_str(), r)));
    assert_eq!((report.total, report.unchanged), (4, 4), "{report:?}");

    for (id, before, after) in [
        ("violence-seven", "2.0.0", "2.1.0"),
        ("safety-plan", "1.0.0", "1.1.0"),
        ("gender-equality-compass", "2.0.0", "2.1.0"),
    ] {
        let before = registry.resolve(&format!("{id}@{before}")).unwrap();
        let after = registry.resolve(&format!("{id}@{after}")).unwrap();
        let corpus = corpus_of(id);
        assert!(!corpus.is_empty(), "{id}: no recordings");
        let mut a = impact(before, corpus.iter().map(|(n, r)| (n.as_str(), r)));
        let b = impact(after, corpus.iter().map(|(n, r)| (n.as_str(), r)));
        a.questionnaire = b.questionnaire.clone();
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            serde_json::to_value(&b).unwrap(),
            "{id}"
        );
    }
}
