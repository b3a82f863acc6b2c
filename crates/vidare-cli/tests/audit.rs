//! `vidare audit`: the equality audit of the recorded compass sessions, and
//! of sessions recorded here on a small fixture with and without a planted
//! bias, in Markdown, JSON and SVG.

use crate::common;

use std::path::{Path, PathBuf};

use common::{output, settings, vidare};

/// The folder of the fixture questionnaire (`support-check/1.0.0.yaml`).
const AUDIT_QUESTIONNAIRES: &str = "crates/vidare-cli/tests/fixtures/audit";

/// The recorded compass sessions, sorted.
fn compass_recordings() -> Vec<String> {
    let dir = common::root().join("tests/recordings/generated");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gender-equality-compass-"))
        .map(|n| format!("tests/recordings/generated/{n}"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 20);
    files
}

/// Records sessions on the fixture into `dir`: 40 answering as a woman and
/// the same 40 as a man (every combination of the three needs, five times
/// each), 3 as "other", 1 declining, and 1 interview stopped after the
/// first question. With `biased`, every woman with high strain who wants
/// support lost the `support` referral in her recorded result (as if a
/// practitioner had removed it).
fn record_corpus(dir: &Path, biased: bool) -> PathBuf {
    let path = common::root()
        .join(AUDIT_QUESTIONNAIRES)
        .join("support-check/1.0.0.yaml");
    let q = vidare::load(&path).unwrap();
    let mut n = 0;
    let mut save = |recording: &vidare::Recording| {
        std::fs::write(dir.join(format!("{n:03}.json")), recording.to_json()).unwrap();
        n += 1;
    };
    let answer_rest = |session: &mut vidare::Session, work: bool, home: bool, wants: bool| {
        session.answer("strain_work", work).unwrap();
        session.answer("strain_home", home).unwrap();
        session.answer("wants_support", wants).unwrap();
    };
    for gender in ["woman", "man"] {
        for profile in 0..8u8 {
            let (work, home, wants) = (profile & 1 != 0, profile & 2 != 0, profile & 4 != 0);
            for _ in 0..5 {
                let mut session = vidare::Session::new(&q);
                session.answer("gender", gender).unwrap();
                answer_rest(&mut session, work, home, wants);
                let mut recording = session.record();
                if biased && gender == "woman" && work && home && wants {
                    recording.result.triggers.retain(|t| t.id != "support");
                }
                save(&recording);
            }
        }
    }
    for profile in [1u8, 4, 7] {
        let mut session = vidare::Session::new(&q);
        session.answer("gender", "other").unwrap();
        answer_rest(
            &mut session,
            profile & 1 != 0,
            profile & 2 != 0,
            profile & 4 != 0,
        );
        save(&session.record());
    }
    let mut session = vidare::Session::new(&q);
    session.decline("gender").unwrap();
    answer_rest(&mut session, true, false, true);
    save(&session.record());
    let mut stopped = vidare::Session::new(&q);
    stopped.answer("gender", "man").unwrap();
    save(&stopped.record());
    dir.to_path_buf()
}

fn audit_fixture(corpus: &Path, extra: &[&str]) -> (i32, String, String) {
    output(
        vidare()
            .arg("audit")
            .arg(corpus)
            .args(["--questionnaires", AUDIT_QUESTIONNAIRES])
            .args(extra),
    )
}

#[test]
fn the_recorded_compass_sessions_have_no_flag() {
    let (code, stdout, stderr) = output(vidare().arg("audit").args(compass_recordings()));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_compass_audit_as_json_and_svg() {
    let (code, stdout, stderr) = output(
        vidare()
            .args(["audit", "--format", "json"])
            .args(compass_recordings()),
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let audits = json.as_array().unwrap();
    assert_eq!(audits.len(), 1);
    let audit = &audits[0];
    assert_eq!(audit["questionnaire"]["id"], "gender-equality-compass");
    assert_eq!(audit["protected_item"], "gender");
    assert_eq!(
        audit["groups"],
        serde_json::json!(["woman", "man", "other"])
    );
    assert_eq!(audit["left_out"]["unfinished"], 2);
    assert_eq!(audit["flags"], serde_json::json!([]));
    // No file name reaches the report.
    assert!(!stdout.contains("tests/recordings"), "{stdout}");

    let (code, svg, stderr) = output(
        vidare()
            .args(["audit", "--format", "svg"])
            .args(compass_recordings()),
    );
    assert_eq!(code, 0, "{stderr}");
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        texts.contains(&"Referral rate by gender, need level held constant"),
        "{texts:?}"
    );
    assert!(texts.contains(&"health_care → health-care"), "{texts:?}");
    // Every bar has a tooltip with its count; suppressed groups have none.
    let bars = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.children().any(|c| c.has_tag_name("title")))
        .count();
    assert!(bars > 0);
    assert!(texts.contains(&"< 5"), "{texts:?}");
}

#[test]
fn every_questionnaire_is_a_section_of_its_own_and_svg_needs_one() {
    let (code, stdout, stderr) = output(vidare().args(["audit", "tests/recordings"]));
    assert_eq!(code, 0, "{stderr}");
    let headings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("# ")).collect();
    assert_eq!(
        headings,
        [
            "# Equality audit: boston-life-areas 1.0.0",
            "# Equality audit: gender-equality-compass 1.0.0",
            "# Equality audit: safety-plan 1.0.0",
            "# Equality audit: violence-seven 1.0.0",
        ]
    );
    assert!(stdout.contains(
        "> **Note:** violence-seven@1.0.0 has no protected item; every session is in the group `all`"
    ));
    // The generator's list of scenarios is not a recording.
    insta::assert_snapshot!(stderr, @"skipped tests/recordings/hand/scenarios.yaml: not a recording (no `format` and `events` at the top)");

    let (code, stdout, stderr) =
        output(vidare().args(["audit", "tests/recordings", "--format", "svg"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    insta::assert_snapshot!(stderr, @r"
    skipped tests/recordings/hand/scenarios.yaml: not a recording (no `format` and `events` at the top)
    error: --format svg draws the audit of one questionnaire version, but the recordings are of 4: boston-life-areas@1.0.0, gender-equality-compass@1.0.0, safety-plan@1.0.0, violence-seven@1.0.0; give the recordings of one of them, or use --format markdown or json
    ");
}

#[test]
fn a_planted_bias_is_flagged_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = record_corpus(tmp.path(), true);
    let (code, stdout, stderr) = audit_fixture(&corpus, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr, "");
    insta::assert_snapshot!(stdout);

    let (code, stdout, _) = audit_fixture(&corpus, &["--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let flags = json[0]["flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0]["trigger"], "support");
    assert_eq!(flags[0]["level"], "strain: high");
    assert_eq!(flags[0]["higher"], "man");
    assert_eq!(flags[0]["lower"], "woman");

    let (code, svg, _) = audit_fixture(&corpus, &["--format", "svg"]);
    assert_eq!(code, 1);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("text") && n.text() == Some("not explained by need"))
    );
}

#[test]
fn without_the_bias_nothing_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = record_corpus(tmp.path(), false);
    let (code, stdout, stderr) = audit_fixture(&corpus, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("**No difference that the need level does not explain.**"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| `strain: high` | `woman` − `man` | +0.0 |"),
        "{stdout}"
    );
}

#[test]
fn the_audit_can_be_written_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    record_corpus(&corpus, true);
    let file = tmp.path().join("audit.md");
    let (code, stdout, stderr) = audit_fixture(&corpus, &["--output", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    settings(Some(tmp.path())).bind(|| {
        insta::assert_snapshot!(stderr, @r"
        support-check 1.0.0: 1 difference(s) that the need level does not explain
        the audit was written to [TMP]/audit.md
        ");
    });
    let (_, printed, _) = audit_fixture(&corpus, &[]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed);
}

#[test]
fn grouping_by_another_item_and_by_an_unknown_one() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = record_corpus(tmp.path(), false);
    // Not protected: audited anyway, with a note (on standard error
    // outside Markdown).
    let (code, stdout, stderr) =
        audit_fixture(&corpus, &["--by", "strain_work", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json[0]["protected_item"], "strain_work");
    assert_eq!(json[0]["groups"], serde_json::json!(["yes", "no"]));
    insta::assert_snapshot!(stderr, @"note: support-check@1.0.0: `strain_work` is not a protected item; the audit groups by it anyway");

    let (code, stdout, stderr) = audit_fixture(&corpus, &["--by", "gendre"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    insta::assert_snapshot!(stderr, @"error: support-check@1.0.0 has no item `gendre`, so its 85 recording(s) were not audited; give --by an item of every questionnaire audited, or audit the recordings of one");
}

#[test]
fn unreadable_recordings_and_unknown_versions_are_errors_and_the_rest_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = record_corpus(tmp.path(), true);
    std::fs::write(corpus.join("broken.json"), "{\"format\": 1, \"events\": [").unwrap();
    let (code, stdout, stderr) = audit_fixture(&corpus, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stdout.starts_with("# Equality audit: support-check 1.0.0"),
        "{stdout}"
    );
    settings(Some(tmp.path())).bind(|| {
        insta::assert_snapshot!(stderr, @"error: [TMP]/broken.json: the recording is not valid JSON at line 1 column 25");
    });

    // The shipped folder has no support-check.
    let (code, stdout, stderr) = output(vidare().arg("audit").arg(&corpus).arg("--format=json"));
    assert_eq!(code, 2);
    assert_eq!(stdout, "[]\n");
    assert!(
        stderr.contains("error: 85 recording(s) of support-check@1.0.0 were not audited: "),
        "{stderr}"
    );
}
