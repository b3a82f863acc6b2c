//! Semantic diff between versions: one fixture pair per change kind in
//! `tests/diff/<case>/{old,new}.yaml`, each new version numbered as the
//! change requires (except `option-recoded`, shipped wrongly as a patch).

use std::path::PathBuf;

use vidare::analysis::diff::{Bump, ChangeKind, Diff, Target, VersionError, diff};
use vidare::{Compiler, Questionnaire};

use Bump::{Major, Minor, Patch};
use ChangeKind as K;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

/// Compiles a fixture and insists on zero diagnostics, warnings included,
/// but for V030: these format 1 fixtures keep outputs computed from
/// conversation-only answers, which is what V030 is about, not the diff;
/// and for V032: a band added beyond the range, a band removed or a weight
/// raised (`band-added`, `band-removed`, `option-score`) leaves bands and
/// range apart, which is what those fixtures change (tests/bands.rs tests
/// the warning).
fn compile(source: &str, file: &str) -> Questionnaire {
    let (q, mut diagnostics) = Compiler::new().check(source, file);
    diagnostics.retain(|d| {
        !matches!(
            d.code,
            vidare::diagnostic::Code::UndeclaredDisclosureLegacy
                | vidare::diagnostic::Code::BandRange
        )
    });
    assert!(
        diagnostics.is_empty(),
        "{file}:\n{}",
        vidare::diagnostic::render_all(&diagnostics, source)
    );
    q.unwrap()
}

fn read(case: &str, file: &str) -> String {
    std::fs::read_to_string(fixtures().join(case).join(file))
        .unwrap_or_else(|e| panic!("{case}/{file}: {e}"))
}

fn old_of(case: &str) -> Questionnaire {
    compile(&read(case, "old.yaml"), "old.yaml")
}

fn new_of(case: &str) -> Questionnaire {
    compile(&read(case, "new.yaml"), "new.yaml")
}

fn diff_of(case: &str) -> Diff {
    diff(&old_of(case), &new_of(case))
}

/// The new version of a case with another version number.
fn renumbered(case: &str, version: &str) -> Questionnaire {
    let source = read(case, "new.yaml");
    let at = source.find("\nversion: ").expect("a version line") + 1;
    let end = at + source[at..].find('\n').unwrap();
    let source = format!("{}version: {version}{}", &source[..at], &source[end..]);
    compile(&source, "new.yaml")
}

/// A change as (kind, class, id).
type Expected = (ChangeKind, Bump, &'static str);

/// Every fixture: the changes it must report, in any order.
const CASES: &[(&str, &[Expected])] = &[
    ("version-only", &[]),
    (
        "text-edit",
        &[
            (K::TextChanged, Patch, "diff-base"),
            (K::TextAdded, Patch, "diff-base"),
            (K::TextChanged, Patch, "sleep"),
            (K::TextChanged, Patch, "sleep"),
            (K::TextChanged, Patch, "sleep"),
            (K::TextChanged, Patch, "mood"),
            (K::TextChanged, Patch, "age"),
            (K::TextChanged, Patch, "health"),
            (K::TextChanged, Patch, "strain"),
            (K::TextChanged, Patch, "wellbeing"),
            (K::TextChanged, Patch, "self_harm_risk"),
            (K::TextChanged, Patch, "no_consent"),
        ],
    ),
    (
        "default-language",
        &[(K::DefaultLanguageChanged, Patch, "diff-base")],
    ),
    ("answered-by", &[(K::AnsweredByChanged, Patch, "consent")]),
    ("item-added-required", &[(K::ItemAdded, Major, "energy")]),
    ("item-added-optional", &[(K::ItemAdded, Major, "energy")]),
    ("info-added", &[(K::ItemAdded, Patch, "thanks")]),
    ("info-moved", &[(K::ItemMoved, Patch, "welcome")]),
    ("item-removed", &[(K::ItemRemoved, Major, "comment")]),
    ("item-moved", &[(K::ItemMoved, Major, "activities")]),
    (
        "item-section-changed",
        &[
            (K::ItemSectionChanged, Major, "comment"),
            (K::SectionAdded, Patch, "closing"),
        ],
    ),
    ("kind-changed", &[(K::ItemKindChanged, Major, "activities")]),
    ("option-added", &[(K::OptionAdded, Minor, "activities")]),
    ("option-added-single", &[(K::OptionAdded, Minor, "sleep")]),
    ("option-removed", &[(K::OptionRemoved, Major, "activities")]),
    (
        "option-recoded",
        &[
            (K::OptionRecoded, Major, "sleep"),
            (K::DerivedChanged, Major, "strain"),
        ],
    ),
    (
        "option-recoded-position",
        &[
            (K::OptionRecoded, Major, "activities"),
            (K::TextChanged, Patch, "activities"),
        ],
    ),
    ("option-score", &[(K::OptionScoreChanged, Major, "sleep")]),
    (
        "option-score-uncounted",
        &[
            (K::OptionScoreChanged, Minor, "activities"),
            (K::OptionScoreChanged, Minor, "activities"),
            (K::OptionScoreChanged, Minor, "self_harm"),
        ],
    ),
    (
        "options-reordered",
        &[(K::OptionsReordered, Patch, "activities")],
    ),
    (
        "condition-changed",
        &[(K::ConditionChanged, Major, "self_harm")],
    ),
    (
        "condition-reformatted",
        &[(K::Reformatted, Patch, "diff-base")],
    ),
    (
        "section-condition-changed",
        &[(K::ConditionChanged, Major, "health")],
    ),
    (
        "required-tightened",
        &[(K::RequiredChanged, Major, "activities")],
    ),
    ("required-relaxed", &[(K::RequiredChanged, Minor, "mood")]),
    (
        "decline-removed",
        &[(K::AllowDeclineChanged, Major, "sleep")],
    ),
    (
        "dont-know-added",
        &[(K::AllowDontKnowChanged, Minor, "sleep")],
    ),
    ("protected", &[(K::ProtectedChanged, Minor, "activities")]),
    ("retention", &[(K::RetentionChanged, Major, "self_harm")]),
    (
        "kept-changed",
        &[
            (K::AggregateChanged, Minor, "hurt"),
            (K::KeptChanged, Major, "exposed"),
            (K::KeptChanged, Major, "exposed"),
            (K::RevealsReasonChanged, Patch, "support"),
        ],
    ),
    ("range-wider", &[(K::RangeChanged, Minor, "age")]),
    ("range-narrower", &[(K::RangeChanged, Major, "age")]),
    ("integer-dropped", &[(K::IntegerChanged, Minor, "age")]),
    (
        "max-length-lowered",
        &[(K::MaxLengthChanged, Major, "comment")],
    ),
    (
        "suggestion-added",
        &[(K::SuggestionChanged, Minor, "self_harm")],
    ),
    ("derived-added", &[(K::DerivedAdded, Minor, "poor_sleep")]),
    (
        "statistics-only",
        &[(K::StatisticsOnlyChanged, Minor, "poor_sleep")],
    ),
    (
        "derived-removed",
        &[(K::DerivedRemoved, Major, "likely_low")],
    ),
    ("derived-changed", &[(K::DerivedChanged, Major, "strain")]),
    (
        "derived-cases-reordered",
        &[(K::DerivedChanged, Major, "strain")],
    ),
    ("score-added", &[(K::ScoreAdded, Minor, "sleep_only")]),
    ("score-removed", &[(K::ScoreRemoved, Major, "wellbeing")]),
    (
        "score-formula",
        &[
            (K::ScoreFormulaChanged, Major, "wellbeing"),
            (K::ScoreFormulaChanged, Major, "wellbeing"),
        ],
    ),
    (
        "score-hidden",
        &[(K::ScoreFormulaChanged, Major, "wellbeing")],
    ),
    (
        "score-terms-reordered",
        &[(K::ScoreFormulaChanged, Patch, "wellbeing")],
    ),
    (
        "band-changed",
        &[
            (K::BandChanged, Major, "wellbeing"),
            (K::BandChanged, Major, "wellbeing"),
        ],
    ),
    ("band-added", &[(K::BandAdded, Major, "wellbeing")]),
    ("band-removed", &[(K::BandRemoved, Major, "wellbeing")]),
    (
        "trigger-added",
        &[(K::TriggerAdded, Major, "poor_sleep_followup")],
    ),
    (
        "trigger-removed",
        &[(K::TriggerRemoved, Major, "self_harm_risk")],
    ),
    (
        "trigger-changed",
        &[
            (K::TriggerConditionChanged, Major, "self_harm_risk"),
            (K::TriggerUrgencyChanged, Major, "self_harm_risk"),
            (K::TriggerReferToChanged, Major, "self_harm_risk"),
        ],
    ),
    ("end-added", &[(K::EndAdded, Major, "declined_sleep")]),
    ("end-removed", &[(K::EndRemoved, Major, "no_consent")]),
    (
        "end-changed",
        &[(K::EndConditionChanged, Major, "no_consent")],
    ),
    ("language-added", &[(K::LanguageAdded, Minor, "diff-base")]),
    // A draft translation for the person only: the practitioner's texts
    // (the consent question, labels, trigger and end) stay without it.
    (
        "language-added-draft",
        &[(K::LanguageAdded, Minor, "diff-base")],
    ),
    (
        "language-status-changed",
        &[(K::LanguageStatusChanged, Patch, "diff-base")],
    ),
    (
        "language-removed",
        &[(K::LanguageRemoved, Major, "diff-base")],
    ),
    (
        "id-changed",
        &[(K::QuestionnaireIdChanged, Major, "diff-other")],
    ),
    (
        "template-written-out",
        &[(K::Reformatted, Patch, "diff-template")],
    ),
];

/// Cases whose new version number is deliberately wrong.
const WRONGLY_NUMBERED: &[&str] = &["option-recoded", "id-changed"];

#[test]
fn every_fixture_compiles_without_diagnostics_and_has_a_case() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    dirs.sort();
    let mut cases: Vec<String> = CASES.iter().map(|(c, _)| (*c).to_owned()).collect();
    cases.sort();
    assert_eq!(dirs, cases, "every fixture folder needs a row in CASES");
    for case in &dirs {
        compile(&read(case, "old.yaml"), &format!("{case}/old.yaml"));
        compile(&read(case, "new.yaml"), &format!("{case}/new.yaml"));
    }
}

#[test]
fn each_fixture_reports_its_change_kinds_and_classes() {
    for (case, expected) in CASES {
        let d = diff_of(case);
        let mut got: Vec<(ChangeKind, Bump, &str)> = d
            .changes
            .iter()
            .map(|c| (c.kind, c.bump, c.id.as_str()))
            .collect();
        got.sort_unstable();
        let mut want = expected.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{case}:\n{d}");
        assert_eq!(
            d.required_bump(),
            expected.iter().map(|(_, b, _)| *b).max(),
            "{case}"
        );
        if !WRONGLY_NUMBERED.contains(case) {
            assert_eq!(d.check_version(), Ok(()), "{case}:\n{d}");
        }
    }
}

#[test]
fn a_questionnaire_has_no_changes_with_itself() {
    let shipped = vidare::load(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires/violence-seven/1.0.0.yaml"),
    )
    .unwrap();
    for q in [shipped, old_of("text-edit"), old_of("template-written-out")] {
        let d = diff(&q, &q);
        assert!(d.changes.is_empty(), "{d}");
        assert_eq!(d.required_bump(), None);
        assert_eq!(d.actual_bump(), None);
        assert_eq!(d.check_version(), Ok(()));
        assert!(d.to_string().ends_with(
            "version: the changes need no release; 1.0.0 → 1.0.0 keeps the version — ok"
        ));
    }
    // Two compilations of one text are equal too.
    let d = diff(&old_of("text-edit"), &old_of("text-edit"));
    assert!(d.changes.is_empty());
}

#[test]
fn a_pure_text_edit_is_a_patch() {
    let d = diff_of("text-edit");
    assert_eq!(d.required_bump(), Some(Patch));
    assert_eq!(d.actual_bump(), Some(Patch));
    assert!(d.changes.iter().all(|c| c.bump == Patch));
    let sleep_text = d
        .changes
        .iter()
        .find(|c| c.id == "sleep" && c.part.as_deref() == Some("text"))
        .unwrap();
    assert_eq!(sleep_text.kind, K::TextChanged);
    assert_eq!(sleep_text.target, Target::Item);
    assert_eq!(sleep_text.lang.as_deref(), Some("en"));
    assert_eq!(sleep_text.before.as_deref(), Some("How do you sleep?"));
    assert_eq!(sleep_text.after.as_deref(), Some("How have you slept?"));
    let help = d
        .changes
        .iter()
        .find(|c| c.part.as_deref() == Some("help"))
        .unwrap();
    assert_eq!(help.lang.as_deref(), Some("sv"));
}

#[test]
fn a_recoded_option_shipped_as_a_patch_fails_check_version() {
    let d = diff_of("option-recoded");
    let recode = &d.changes[0];
    assert_eq!(recode.kind, K::OptionRecoded);
    assert_eq!(recode.target, Target::Item);
    assert_eq!(recode.part.as_deref(), Some("poorly"));
    assert_eq!(
        (recode.before.as_deref(), recode.after.as_deref()),
        (Some("poorly"), Some("badly"))
    );
    assert_eq!(
        recode.description,
        "option \"poorly\" of `sleep` was recoded to \"badly\""
    );
    assert_eq!(d.required_bump(), Some(Major));
    assert_eq!(d.actual_bump(), Some(Patch));
    let err = d.check_version().unwrap_err();
    assert!(matches!(
        err,
        VersionError::TooSmall {
            actual: Patch,
            required: Major,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "1.0.0 → 1.0.1 is a patch release, but the changes need a major release: \
         option \"poorly\" of `sleep` was recoded to \"badly\" (and 1 more major change)"
    );
    assert!(d.to_string().ends_with(
        "version: the changes need a major release; 1.0.0 → 1.0.1 is a patch release — use 2.0.0"
    ));

    let old = old_of("option-recoded");
    let minor = diff(&old, &renumbered("option-recoded", "1.1.0"));
    assert!(matches!(
        minor.check_version(),
        Err(VersionError::TooSmall { actual: Minor, .. })
    ));
    let same = diff(&old, &renumbered("option-recoded", "1.0.0"));
    assert_eq!(same.actual_bump(), None);
    let err = same.check_version().unwrap_err();
    assert!(
        err.to_string().starts_with(
            "version 1.0.0 is the same as 1.0.0, but the changes need a major release"
        ),
        "{err}"
    );
    assert_eq!(same.next_version().as_deref(), Some("2.0.0"));
    assert!(
        same.to_string()
            .ends_with("1.0.0 → 1.0.0 keeps the version — use 2.0.0"),
        "{same}"
    );
    let lower = diff(&renumbered("option-recoded", "3.0.0"), &old);
    assert!(matches!(
        lower.check_version(),
        Err(VersionError::NotIncreased { lowered: true, .. })
    ));
    assert!(
        lower
            .to_string()
            .ends_with("3.0.0 → 1.0.0 lowers the version — use 4.0.0"),
        "{lower}"
    );
}

#[test]
fn the_next_version_is_the_old_one_raised_by_the_required_bump() {
    let text = diff(&old_of("text-edit"), &renumbered("text-edit", "1.0.0"));
    assert_eq!(text.required_bump(), Some(Patch));
    assert_eq!(text.next_version().as_deref(), Some("1.0.1"));
    let minor = diff(
        &old_of("option-added"),
        &renumbered("option-added", "1.0.0"),
    );
    assert_eq!(minor.required_bump(), Some(Minor));
    assert_eq!(minor.next_version().as_deref(), Some("1.1.0"));
    let major = diff(
        &renumbered("option-recoded", "2.3.4"),
        &old_of("option-recoded"),
    );
    assert_eq!(major.next_version().as_deref(), Some("3.0.0"));
    let unchanged = diff(&old_of("text-edit"), &old_of("text-edit"));
    assert_eq!(unchanged.next_version().as_deref(), Some("1.0.0"));
}

#[test]
fn a_correct_major_bump_passes() {
    let d = diff(
        &old_of("option-recoded"),
        &renumbered("option-recoded", "2.0.0"),
    );
    assert_eq!(d.actual_bump(), Some(Major));
    assert_eq!(d.check_version(), Ok(()));
    assert!(d.to_string().ends_with(
        "version: the changes need a major release; 1.0.0 → 2.0.0 is a major release — ok"
    ));
    // More than needed is fine too.
    let d = diff(&old_of("text-edit"), &renumbered("text-edit", "1.1.0"));
    assert_eq!(d.check_version(), Ok(()));
}

#[test]
fn a_different_questionnaire_is_one_breaking_change_and_no_version_check() {
    let d = diff_of("id-changed");
    assert_eq!(d.changes.len(), 1, "{d}");
    assert_eq!(d.changes[0].kind, K::QuestionnaireIdChanged);
    assert_eq!(
        d.check_version(),
        Err(VersionError::DifferentQuestionnaire {
            old_id: "diff-base".into(),
            new_id: "diff-other".into()
        })
    );
}

#[test]
fn a_moved_item_is_reported_alone_and_an_insertion_moves_nothing() {
    let d = diff_of("item-moved");
    assert_eq!(d.changes.len(), 1);
    assert_eq!(
        d.changes[0].description,
        "item `activities` was moved: now after `consent` (was after `mood`)"
    );
    for case in ["item-added-required", "info-added", "item-removed"] {
        assert!(
            !diff_of(case).changes.iter().any(|c| c.kind == K::ItemMoved),
            "{case}"
        );
    }
}

#[test]
fn renaming_an_option_value_on_the_shipped_questionnaire() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires/violence-seven/1.0.0.yaml");
    let source = std::fs::read_to_string(path).unwrap();
    let old = compile(&source, "1.0.0.yaml");
    let changed = source
        .replacen(
            "          - value: ongoing\n",
            "          - value: now\n",
            1,
        )
        .replace("_when == \"ongoing\"", "_when == \"now\"")
        .replacen("version: 1.0.0", "version: 1.0.1", 1);
    let new = compile(&changed, "1.0.1.yaml");
    let d = diff(&old, &new);
    let recoded: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.kind == K::OptionRecoded)
        .map(|c| c.id.as_str())
        .collect();
    // The options are one YAML anchor shared by every follow-up.
    assert_eq!(
        recoded,
        [
            "psychological_when",
            "physical_when",
            "sexual_when",
            "childhood_when",
            "used_violence_when",
            "children_when"
        ]
    );
    assert!(
        d.changes.iter().any(
            |c| c.description == "option \"ongoing\" of `physical_when` was recoded to \"now\""
        )
    );
    assert!(
        d.changes
            .iter()
            .any(|c| c.kind == K::DerivedChanged && c.id == "ongoing_violence")
    );
    assert!(matches!(
        d.check_version(),
        Err(VersionError::TooSmall {
            required: Major,
            ..
        })
    ));
}

#[test]
fn the_report_groups_changes_by_class() {
    let d = diff(
        &old_of("option-recoded-position"),
        &renumbered("option-recoded-position", "1.0.1"),
    );
    insta::assert_snapshot!(d.to_string(), @r#"
    `diff-base` 1.0.0 → 1.0.1: 2 changes

    Major (breaking: recorded sessions may change outcome or be rejected):
      - option "study" of `activities` was recoded to "studies"

    Patch (texts and presentation only):
      - [en] label of option "studies" of `activities` changed
          was: Study
          now: Studies

    version: the changes need a major release; 1.0.0 → 1.0.1 is a patch release — use 2.0.0
    "#);
}

#[test]
fn the_json_names_kinds_and_classes_in_snake_case() {
    let d = diff_of("option-recoded");
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["id"], "diff-base");
    assert_eq!(json["old_version"], "1.0.0");
    assert_eq!(json["new_version"], "1.0.1");
    assert_eq!(json["required_bump"], "major");
    assert_eq!(json["actual_bump"], "patch");
    assert_eq!(json["version_ok"], false);
    assert_eq!(json["next_version"], "2.0.0");
    assert!(json["old_digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(
        json["changes"][0],
        serde_json::json!({
            "kind": "option_recoded",
            "bump": "major",
            "target": "item",
            "id": "sleep",
            "part": "poorly",
            "description": "option \"poorly\" of `sleep` was recoded to \"badly\"",
            "before": "poorly",
            "after": "badly",
        })
    );
    let same = serde_json::to_value(diff(&old_of("text-edit"), &old_of("text-edit"))).unwrap();
    assert_eq!(same["required_bump"], serde_json::Value::Null);
    assert_eq!(same["changes"], serde_json::json!([]));
}

/// A language's change says what it was and what it is: a draft for the
/// person that became reviewed, and by whom.
#[test]
fn language_changes_name_the_status() {
    let added = diff_of("language-added-draft");
    assert_eq!(
        added.changes[0].description,
        "language `sv-x-easy` (draft, for the person) was added"
    );
    let changed = diff_of("language-status-changed");
    let change = &changed.changes[0];
    assert_eq!(change.lang.as_deref(), Some("sv-x-easy"));
    assert_eq!(change.before.as_deref(), Some("draft, for the person"));
    assert_eq!(
        change.after.as_deref(),
        Some("reviewed by A. Translator, authorised translator on 2026-11-30, for the person")
    );
}
