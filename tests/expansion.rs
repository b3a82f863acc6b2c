//! Templates expanded per key and includes of another questionnaire:
//! ids, texts, name resolution, diagnostics that point into the template,
//! and included end conditions that skip only the included part.

use std::path::PathBuf;

use vidare::{Compiler, Questionnaire, Response, Session, Step, Value, diagnostic::Code};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compiler() -> Compiler {
    Compiler::new().with_include_root(root().join("questionnaires"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/expansion").join(name)).unwrap()
}

/// Compiles a fixture with no diagnostic but V030, which the included
/// format 1 `violence-seven` brings with it.
fn compile(name: &str) -> Questionnaire {
    let source = fixture(name);
    let (q, mut diagnostics) = compiler().check(&source, name);
    diagnostics.retain(|d| d.code != vidare::diagnostic::Code::UndeclaredDisclosureLegacy);
    assert!(
        diagnostics.is_empty(),
        "{}",
        vidare::diagnostic::render_all(&diagnostics, &source)
    );
    q.unwrap()
}

fn ask(s: &Session) -> String {
    match s.next() {
        Step::Ask(item) => item.id().to_owned(),
        other => panic!("expected a question, got {other:?}"),
    }
}

#[test]
fn a_template_expands_per_key_with_prefixed_ids_and_filled_texts() {
    let q = compile("areas.yaml");
    let ids: Vec<&str> = q.items().map(|i| i.id()).collect();
    assert_eq!(
        ids,
        [
            "consent",
            "living.satisfaction",
            "living.wants_change",
            "living.need",
            "working.satisfaction",
            "working.wants_change",
            "working.need"
        ]
    );
    let item = q.item("working.satisfaction").unwrap();
    assert_eq!(item.text("en"), "How satisfied are you with work?");
    assert_eq!(item.text("sv"), "Hur nöjd är du med arbetet?");
    assert_eq!(item.section_id(), "working");
    assert_eq!(item.section_title("en"), Some("Area: work"));
    assert_eq!(
        q.trigger_ids().collect::<Vec<_>>(),
        ["living.referral", "working.referral"]
    );
}

#[test]
fn names_inside_an_instance_mean_the_instance_own_items() {
    let q = compile("areas.yaml");
    let mut s = Session::new(&q);
    s.answer("consent", true).unwrap();
    s.answer("living.satisfaction", 2).unwrap();
    s.answer("living.wants_change", false).unwrap();
    // `need` is shown only when this instance's `wants_change` is yes.
    assert_eq!(ask(&s), "working.satisfaction");
    s.answer("working.satisfaction", 4).unwrap();
    s.answer("working.wants_change", true).unwrap();
    s.answer("working.need", 4).unwrap();
    let result = s.result_in("en").into_outcome();
    let strategy = |id: &str| {
        result
            .derived
            .iter()
            .find(|d| d.id == id)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(
        strategy("working.strategy"),
        Some(Value::Text("goal".into()))
    );
    assert_eq!(strategy("living.strategy"), None);
    assert_eq!(result.triggers.len(), 1);
    assert_eq!(result.triggers[0].id, "working.referral");
    assert_eq!(result.triggers[0].refer_to, "ips");
    assert_eq!(result.triggers[0].text, "Refer: work");
    let readiness = result
        .scores
        .iter()
        .find(|s| s.id == "working.readiness")
        .unwrap();
    assert_eq!(readiness.value, Some(8.0));
}

#[test]
fn the_when_of_a_use_entry_applies_to_every_instance() {
    let q = compile("areas.yaml");
    let mut s = Session::new(&q);
    s.answer("consent", false).unwrap();
    assert!(matches!(s.next(), Step::Complete));
    assert!(!s.is_shown("living.satisfaction") && !s.is_shown("working.satisfaction"));
}

#[test]
fn a_mistake_inside_a_template_points_at_the_template_line() {
    let source =
        fixture("areas.yaml").replace("when: wants_change == true", "when: wants_chnage == true");
    let (q, diagnostics) = compiler().check(&source, "areas.yaml");
    assert!(q.is_none());
    // Reported once per instance, each at the template's line, with a suggestion.
    let unknown: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownReference)
        .collect();
    assert_eq!(unknown.len(), 2, "{diagnostics:#?}");
    let line = source
        .lines()
        .position(|l| l.contains("wants_chnage"))
        .unwrap() as u32
        + 1;
    for d in unknown {
        assert_eq!(d.location.line, line);
        assert_eq!(d.location.column, 17);
        assert_eq!(d.help.as_deref(), Some("did you mean `wants_change`?"));
    }
}

#[test]
fn a_missing_template_variable_is_named() {
    let source = fixture("areas.yaml").replace("referral: ips", "refferal: ips");
    let (_, diagnostics) = compiler().check(&source, "areas.yaml");
    let d = diagnostics
        .iter()
        .find(|d| d.message.contains("{referral}"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(d.code, Code::UnknownReference);
    assert!(d.message.contains("key `working`"), "{}", d.message);
}

#[test]
fn an_unknown_template_gets_a_suggestion() {
    let source = fixture("areas.yaml").replace("use: area", "use: aera");
    let (_, diagnostics) = compiler().check(&source, "areas.yaml");
    assert!(diagnostics.iter().any(|d| d.code == Code::UnknownReference
        && d.message == "there is no template `aera`"
        && d.help.as_deref() == Some("did you mean `area`?")));
}

#[test]
fn an_include_brings_sections_derived_values_and_triggers_with_a_prefix() {
    let q = compile("includes-violence.yaml");
    let ids: Vec<&str> = q.items().map(|i| i.id()).collect();
    assert_eq!(ids.first(), Some(&"sleep"));
    assert_eq!(ids.last(), Some(&"done"));
    assert!(ids.contains(&"violence.psychological_when"));
    assert!(q.trigger_ids().any(|t| t == "violence.children_exposed"));
    assert!(q.derived_ids().any(|d| d == "violence.category"));

    let mut s = Session::new(&q);
    s.answer("sleep", true).unwrap();
    s.answer("violence.alone", true).unwrap();
    s.answer("violence.interpreter", "none").unwrap();
    s.answer("violence.psychological", false).unwrap();
    s.answer("violence.physical", true).unwrap();
    s.answer("violence.physical_when", "ongoing").unwrap();
    assert_eq!(
        s.immediate().collect::<Vec<_>>(),
        ["violence.ongoing_violence"]
    );
}

#[test]
fn an_included_end_condition_skips_only_the_included_part() {
    let q = compile("includes-violence.yaml");
    let mut s = Session::new(&q);
    s.answer("sleep", false).unwrap();
    s.answer("violence.alone", false).unwrap();
    // The violence questions are skipped; the interview goes on.
    assert_eq!(ask(&s), "done");
    assert!(!s.is_shown("violence.psychological"));
    s.answer("done", true).unwrap();
    assert!(matches!(s.next(), Step::Complete));
    let result = s.result().into_outcome();
    assert_eq!(result.ended_by, None);
    assert_eq!(result.triggers[0].id, "violence.ask_again_alone");
    // Changing the answer opens the included part again.
    s.change("violence.alone", Response::Answer(true.into()))
        .unwrap();
    assert_eq!(ask(&s), "violence.interpreter");
}

#[test]
fn includes_fail_clearly() {
    let source = fixture("includes-violence.yaml");
    let cases = [
        (
            source.replace("violence-seven@1.0.0", "violence-seven@9.9.9"),
            "cannot read",
            "the versions of `violence-seven` are 1.0.0",
        ),
        (
            source.replace("    as: violence\n", ""),
            "`include:` needs `as:`",
            "e.g. `as: violence`",
        ),
        (
            source.replace("violence-seven@1.0.0", "violence-seven"),
            "does not name a questionnaire version",
            "write `include: <id>@<version>`",
        ),
    ];
    for (text, message, help) in cases {
        let (q, diagnostics) = compiler().check(&text, "includes.yaml");
        assert!(q.is_none());
        let d = diagnostics
            .iter()
            .find(|d| d.message.contains(message))
            .unwrap_or_else(|| panic!("no `{message}` in {diagnostics:#?}"));
        assert!(d.help.as_deref().unwrap_or("").contains(help), "{d:?}");
        assert!(d.location.line > 0);
    }
    // Without a folder to look in, the message says how to give one.
    let (_, diagnostics) = Compiler::new().check(&source, "includes.yaml");
    assert!(
        diagnostics[0]
            .message
            .contains("the questionnaire folder is not known")
    );
}

#[test]
fn an_include_of_itself_is_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("loop");
    std::fs::create_dir_all(&folder).unwrap();
    let text = "format: 1\nid: loop\nversion: 1.0.0\ntitle: { en: Loop }\nlanguages: [en]\ndefault_language: en\nsections:\n  - include: loop@1.0.0\n    as: again\n";
    std::fs::write(folder.join("1.0.0.yaml"), text).unwrap();
    let err = vidare::load(folder.join("1.0.0.yaml")).unwrap_err();
    let rendered = err.render();
    assert!(rendered.contains("includes itself"), "{rendered}");
}

/// A temporary folder holding `files` (path, text), removed when dropped.
fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const INNER: &str = "format: 1\nid: inner\nversion: 1.0.0\ntitle: {en: Inner, sv: Inre}\nlanguages: [en, sv]\ndefault_language: en\nsections:\n  - id: s1\n    items:\n      - {id: a, kind: yes_no, text: {en: A, sv: A}}\n      - {id: b, kind: yes_no, text: {en: B, sv: B}}\n  - id: s2\n    items:\n      - {id: c, kind: yes_no, text: {en: C, sv: C}}\nend:\n  - {id: stop, when: a == false, text: {en: Stop, sv: Stopp}}\n";

#[test]
fn an_included_end_condition_also_skips_the_rest_of_its_own_section() {
    let outer = "format: 1\nid: outer\nversion: 1.0.0\ntitle: {en: Outer, sv: Yttre}\nlanguages: [en, sv]\ndefault_language: en\nsections:\n  - include: inner@1.0.0\n    as: inn\n  - id: after\n    items:\n      - {id: z, kind: yes_no, text: {en: Z, sv: Z}}\n";
    let dir = folder_with(&[("inner/1.0.0.yaml", INNER), ("outer/1.0.0.yaml", outer)]);
    let q = vidare::load(dir.path().join("outer/1.0.0.yaml"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let mut s = Session::new(&q);
    s.answer("inn.a", false).unwrap();
    // `inn.b` sits in the same section as `inn.a`, after it: skipped too.
    assert_eq!(ask(&s), "z");
    s.change("inn.a", Response::Answer(true.into())).unwrap();
    assert_eq!(ask(&s), "inn.b");
}

#[test]
fn an_include_in_other_languages_is_refused_at_the_include() {
    let outer = "format: 1\nid: outer\nversion: 1.0.0\ntitle: {en: Outer, de: Außen}\nlanguages: [en, de]\ndefault_language: en\nsections:\n  - include: inner@1.0.0\n    as: inn\n";
    let dir = folder_with(&[("inner/1.0.0.yaml", INNER), ("outer/1.0.0.yaml", outer)]);
    let err = vidare::load(dir.path().join("outer/1.0.0.yaml")).unwrap_err();
    let diagnostics = err.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{}", err.render());
    assert_eq!(diagnostics[0].code, Code::MissingTranslation);
    assert_eq!(diagnostics[0].location.line, 8);
    assert!(
        diagnostics[0].message.contains("has no texts in de"),
        "{}",
        diagnostics[0].message
    );
}

/// Ids an include brings in that clash (the same sections included twice,
/// or an id of this file under the prefix) are reported at the `include:`
/// entries of this file: the included file's own lines mean nothing here.
#[test]
fn a_clash_with_included_ids_points_at_the_include_entries() {
    let outer = "format: 1\nid: outer\nversion: 1.0.0\ntitle: {en: Outer, sv: Yttre}\nlanguages: [en, sv]\ndefault_language: en\nsections:\n  - include: inner@1.0.0\n    as: inn\n    sections: [s1]\n  - include: inner@1.0.0\n    as: inn\n";
    let dir = folder_with(&[("inner/1.0.0.yaml", INNER), ("outer/1.0.0.yaml", outer)]);
    let err = vidare::load(dir.path().join("outer/1.0.0.yaml")).unwrap_err();
    let clashes: Vec<_> = err
        .diagnostics()
        .iter()
        .filter(|d| d.code == Code::DuplicateId)
        .collect();
    // The second entry includes every section: `s1` and its two items again.
    let ids: Vec<&str> = clashes
        .iter()
        .filter_map(|d| d.message.split('`').nth(1))
        .collect();
    assert_eq!(ids, ["inn.s1", "inn.a", "inn.b"], "{}", err.render());
    for d in clashes {
        assert_eq!((d.location.line, d.location.column), (11, 14), "{d}");
        assert_eq!(d.related[0].location.line, 8, "{d}");
    }
}

/// A warning about a part an include brought in points at the entry that
/// brought it, even when another entry includes the same questionnaire
/// under the same prefix: here every V030 warning is about the violence
/// questions, which only the second entry (line 14) includes.
#[test]
fn a_warning_about_an_included_part_points_at_its_own_entry() {
    let violence =
        std::fs::read_to_string(root().join("questionnaires/violence-seven/1.0.0.yaml")).unwrap();
    let outer = "format: 1\nid: outer\nversion: 1.0.0\ntitle: {en: Outer, sv: Yttre}\nlanguages: [sv, en]\ndefault_language: en\nsections:\n  - include: violence-seven@1.0.0\n    as: violence\n    sections: [framing]\n  - id: between\n    items:\n      - {id: sleep, kind: yes_no, text: {en: Sleep, sv: Sömn}}\n  - include: violence-seven@1.0.0\n    as: violence\n    sections: [violence]\n";
    let dir = folder_with(&[
        ("violence-seven/1.0.0.yaml", &violence),
        ("outer/1.0.0.yaml", outer),
    ]);
    let q = vidare::load(dir.path().join("outer/1.0.0.yaml"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let warnings: Vec<_> = q
        .warnings()
        .iter()
        .filter(|d| d.code == Code::UndeclaredDisclosureLegacy)
        .collect();
    assert!(warnings.len() >= 5, "{warnings:#?}");
    for d in warnings {
        assert_eq!((d.location.line, d.location.column), (14, 14), "{d}");
    }
}

#[test]
fn fields_an_entry_does_not_use_are_reported() {
    let source = fixture("areas.yaml").replace(
        "  - use: area\n",
        "  - use: area\n    title: { sv: X, en: X }\n",
    );
    let (_, diagnostics) = compiler().check(&source, "areas.yaml");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == Code::InvalidItem && d.message.contains("takes only `for_each`")),
        "{diagnostics:#?}"
    );
}

#[test]
fn the_digest_covers_what_expansion_adds() {
    let a = compile("areas.yaml");
    let source = fixture("areas.yaml").replace("when: consent == true", "when: consent == false");
    let b = compiler().compile(&source, "areas.yaml").unwrap();
    assert_ne!(
        a.digest(),
        b.digest(),
        "the `when` of a use entry changes the flow, so the digest"
    );
    let again = compiler()
        .compile(&fixture("areas.yaml"), "elsewhere.yaml")
        .unwrap();
    assert_eq!(
        a.digest(),
        again.digest(),
        "the digest does not depend on the file name"
    );
}
