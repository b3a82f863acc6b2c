//! Languages with a translation status: a person-only draft needs only the
//! texts the person sees, its status and direction reach the compiled
//! questionnaire, and a plain code keeps its digest however it is spelt.

use vidare::language::{Audience, Direction, Status, direction};
use vidare::{Compiler, diagnostic::Code};

/// A questionnaire in Swedish and English with a draft Arabic translation
/// for the person and a reviewed Persian one; `extra` is spliced into the
/// Arabic texts of the question.
fn source(languages: &str, item_ar: &str) -> String {
    format!(
        "format: 2
id: langs
version: 1.0.0
title: {{ sv: Test, en: Test, ar: اختبار, fa: آزمون }}
description: {{ sv: Bara för handläggaren., en: For the practitioner only. }}
languages:
{languages}
default_language: sv
sections:
  - id: main
    title: {{ sv: Hemma, en: At home, ar: في المنزل, fa: در خانه }}
    items:
      - id: safe
        kind: single_choice
        text: {{ sv: Känner du dig trygg hemma?, en: Do you feel safe at home?{item_ar}, fa: آیا در خانه احساس امنیت می‌کنید؟ }}
        image:
          path: images/home.png
          alt: {{ sv: Ett hus, en: A house, ar: منزل, fa: یک خانه }}
        options:
          - value: 'yes'
            label: {{ sv: Ja, en: 'Yes', ar: نعم, fa: بله }}
          - value: 'no'
            label: {{ sv: Nej, en: 'No', ar: لا, fa: نه }}
      - id: plan
        kind: yes_no
        answered_by: practitioner
        text: {{ sv: Behövs en säkerhetsplan?, en: Is a safety plan needed? }}
triggers:
  - id: unsafe
    when: safe == 'no'
    urgency: immediate
    refer_to: safety-planning
    text: {{ sv: Gör en säkerhetsplan., en: Make a safety plan. }}
"
    )
}

const DECLARED: &str = "  - sv
  - en
  - code: ar
    status: draft
    audience: person
  - code: fa
    status: reviewed
    audience: person
    reviewed_by: \"A. Translator, authorised translator\"
    reviewed_on: 2026-11-30";

#[test]
fn a_person_language_needs_only_what_the_person_reads() {
    let text = source(DECLARED, ", ar: هل تشعر بالأمان في المنزل؟");
    let (q, diagnostics) = Compiler::new().check(&text, "langs.yaml");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let q = q.expect("compiles");
    assert_eq!(q.languages(), ["sv", "en", "ar", "fa"]);
    let ar = q.language("ar").expect("ar is declared");
    assert_eq!(ar.status(), Status::Draft);
    assert!(ar.is_draft());
    assert_eq!(ar.audience(), Audience::Person);
    assert_eq!(ar.direction(), Direction::Rtl);
    assert_eq!(ar.name(), "Arabic");
    let fa = q.language("fa").expect("fa is declared");
    assert_eq!(fa.status(), Status::Reviewed);
    assert_eq!(
        fa.reviewed_by(),
        Some("A. Translator, authorised translator")
    );
    assert_eq!(fa.reviewed_on(), Some("2026-11-30"));
    let sv = &q.language_details()[0];
    assert_eq!(
        (sv.code(), sv.status(), sv.audience()),
        ("sv", Status::Source, Audience::All)
    );
    assert_eq!(sv.direction(), Direction::Ltr);

    let item = q.item("safe").expect("item");
    assert_eq!(item.text("ar"), "هل تشعر بالأمان في المنزل؟");
    let image = item.image().expect("a picture");
    assert_eq!(image.path(), "images/home.png");
    assert_eq!(image.alt("ar"), "منزل");
    // A practitioner's text has no Arabic: asking for it gives the default.
    assert_eq!(
        q.item("plan").expect("item").text("ar"),
        "Behövs en säkerhetsplan?"
    );
}

#[test]
fn every_missing_person_text_is_named_at_once() {
    // No Arabic question text, and none for the practitioner's question,
    // the description or the trigger: only the question is reported.
    let text = source(DECLARED, "");
    let (q, diagnostics) = Compiler::new().check(&text, "langs.yaml");
    assert!(q.is_none());
    let paths: Vec<&str> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code, Code::MissingTranslation, "{d:?}");
            d.location.path.as_str()
        })
        .collect();
    assert_eq!(paths, ["sections[0].items[0].text"]);
    assert!(diagnostics[0].message.contains("ar"), "{diagnostics:?}");

    // With Arabic for everyone, every practitioner text lacking it is named.
    let all = DECLARED.replace("status: draft\n    audience: person", "status: draft");
    let (_, diagnostics) = Compiler::new().check(&source(&all, ""), "langs.yaml");
    let paths: Vec<&str> = diagnostics
        .iter()
        .map(|d| d.location.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "description",
            "sections[0].items[0].text",
            "sections[0].items[1].text",
            "triggers[0].text"
        ],
        "{diagnostics:?}"
    );
}

#[test]
fn status_problems_are_reported() {
    let cases = [
        (
            "reviewed_on: 2026-11-30",
            "reviewed_on: 2026-02-30",
            Code::TranslationStatus,
        ),
        (
            "status: draft\n",
            "status: draft\n    reviewed_by: Someone\n",
            Code::TranslationStatus,
        ),
        ("code: ar", "code: ara", Code::UnknownLanguageCode),
        ("code: ar", "code: AR", Code::InvalidId),
        ("  - en\n", "  - en\n  - en\n", Code::DuplicateId),
    ];
    for (from, to, code) in cases {
        let declared = DECLARED.replacen(from, to, 1);
        assert_ne!(declared, DECLARED, "{from}");
        let text = source(&declared, ", ar: هل تشعر بالأمان في المنزل؟");
        let (q, diagnostics) = Compiler::new().check(&text, "langs.yaml");
        assert!(q.is_none(), "{to}");
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "{to}: {diagnostics:?}"
        );
    }
}

#[test]
fn a_plain_code_has_the_same_digest_however_it_is_written() {
    let plain = "format: 2\nid: d\nversion: 1.0.0\ntitle: { sv: T }\nlanguages: [sv]\n\
                 default_language: sv\nsections:\n  - id: s\n    items:\n      - id: a\n        \
                 kind: yes_no\n        text: { sv: A? }\n";
    let spelt = plain.replace("languages: [sv]", "languages:\n  - code: sv");
    let a = vidare::compile(plain, "a.yaml").expect("compiles");
    let b = vidare::compile(&spelt, "b.yaml").expect("compiles");
    assert_eq!(a.digest(), b.digest());
    let with_status = plain.replace(
        "languages: [sv]",
        "languages:\n  - code: sv\n    status: source",
    );
    let c = vidare::compile(&with_status, "c.yaml").expect("compiles");
    assert_ne!(
        a.digest(),
        c.digest(),
        "a stated status is part of the definition"
    );
}

#[test]
fn direction_of_codes() {
    assert_eq!(direction("ar"), Direction::Rtl);
    assert_eq!(direction("ckb"), Direction::Rtl);
    assert_eq!(direction("sv-x-easy"), Direction::Ltr);
    assert_eq!(direction("ti"), Direction::Ltr);
    assert_eq!(Direction::Rtl.as_str(), "rtl");
}

#[test]
fn phrases_fall_back_to_the_practitioners_language_and_say_so() {
    use vidare::phrases::{Phrases, lookup};
    let sv = lookup("sv", "en");
    assert!(!sv.fell_back);
    assert_eq!(sv.phrases.decline, "Vill inte svara");
    let missing = lookup("qqq", "sv");
    assert!(missing.fell_back);
    assert_eq!(missing.lang, "sv");

    let q = vidare::compile(
        "format: 2\nid: p\nversion: 1.0.0\ntitle: { en: T }\nlanguages: [en]\n\
         default_language: en\nsections:\n  - id: s\n    items:\n\
         \x20     - { id: a, kind: scale, min: 0, max: 10, text: { en: A? } }\n\
         \x20     - { id: b, kind: number, min: 0.5, text: { en: B? } }\n\
         \x20     - { id: c, kind: info, text: { en: C } }\n",
        "p.yaml",
    )
    .expect("compiles");
    let en = lookup("en", "en").phrases;
    let hint = |id: &str, p: &Phrases| p.how_to_answer(q.item(id).expect("item"));
    assert_eq!(
        hint("a", en).as_deref(),
        Some("A whole number from 0 to 10")
    );
    assert_eq!(hint("b", en).as_deref(), Some("A number of at least 0.5"));
    assert_eq!(
        hint("a", sv.phrases).as_deref(),
        Some("Ett heltal från 0 till 10")
    );
    assert_eq!(hint("c", en), None);
}

#[test]
fn a_mistyped_language_entry_is_located_and_explained() {
    let base = "format: 2\nid: x\nversion: 1.0.0\ntitle: { sv: T, ar: ت }\nlanguages:\n  - sv\n  - ENTRY\n\
                default_language: sv\nsections:\n  - id: s\n    items:\n\
                \x20     - { id: a, kind: yes_no, text: { sv: A?, ar: أ؟ } }\n";
    let cases = [
        (
            "{ code: ar, staus: draft, audience: person }",
            Code::UnknownField,
            "languages[1].staus",
            "did you mean `status`?",
        ),
        (
            "{ status: draft, audience: person }",
            Code::MissingField,
            "languages[1]",
            "",
        ),
        (
            "{ code: ar, status: drafty, audience: person }",
            Code::WrongType,
            "languages[1].status",
            "did you mean `draft`?",
        ),
    ];
    for (entry, code, path, help) in cases {
        let (q, diagnostics) = Compiler::new().check(&base.replace("ENTRY", entry), "x.yaml");
        assert!(q.is_none());
        let d = &diagnostics[0];
        assert_eq!(
            (d.code, d.location.path.as_str(), d.location.line),
            (code, path, 7),
            "{entry}"
        );
        assert!(
            d.help.as_deref().unwrap_or_default().contains(help),
            "{d:?}"
        );
    }
}
