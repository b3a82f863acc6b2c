//! `vidare run --plan`: the person's printable copy of the safety plan,
//! from a scripted interview on the shipped `safety-plan` questionnaire.

use crate::common;

use std::path::Path;

use common::{output, root, vidare};

const SAFETY_PLAN: &str = "questionnaires/safety-plan/1.0.0.yaml";

/// A plan in Swedish: private, no interpreter, a plan wanted, not safe
/// today, some parts answered and some skipped, one part noted by the
/// practitioner.
const ANSWERS: &[&str] = &[
    "yes",                                              // alone
    "none",                                             // interpreter
    "yes",                                              // wants_plan
    "no",                                               // safe_today
    "Till min syster <script>alert('x')</script> & co", // safe_places
    "Min syster Lena",                                  // safe_people
    ":skip",                                            // danger_signs
    "Genom balkongdörren",                              // way_out
    ":skip",                                            // help_signal
    "id_documents, medicine",                           // ready_things
    ":skip",                                            // ready_where
    "no",                                               // children_home
    "passwords",                                        // digital_checks
    ":skip",                                            // digital_help
    "protected_housing",                                // protection_wanted
    "kvinnofridslinjen",                                // helplines_chosen
    "Sara, min kontakt här",                            // own_numbers
    "no",                                               // risk_assessment
    "acute",                                            // noted_parts
    "Vet att ringa 112.",                               // note_acute
];

fn script(lines: &[&str]) -> String {
    lines.iter().flat_map(|l| [l, "\n"]).collect()
}

fn run_with_plan(dir: &Path, lines: &[&str]) -> (i32, String, String) {
    output(
        vidare()
            .args(["run", SAFETY_PLAN, "--lang", "sv", "--plan"])
            .arg(dir.join("plan.html"))
            .arg("--result")
            .arg(dir.join("result.json"))
            .write_stdin(script(lines)),
    )
}

#[test]
fn the_plan_holds_the_persons_answers_in_words_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_with_plan(tmp.path(), ANSWERS);
    // `not_safe_today` and `book_risk_assessment` fired.
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("the person's plan was written to") && stderr.contains("delete the file"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(tmp.path().join("plan.html")).unwrap();

    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"),
        "{html}"
    );
    assert!(html.ends_with("</body>\n</html>\n"), "{html}");
    assert!(html.contains("@media print"), "{html}");
    assert!(
        html.contains("förvara den där bara du hittar den"),
        "{html}"
    );
    // The person's answers, as given or as the labels of the options.
    for answer in [
        "Till min syster &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co",
        "Min syster Lena",
        "Genom balkongdörren",
        "<li>Id-handlingar och pass, dina och barnens</li>\n<li>Mediciner och recept</li>",
        "<li>Lösenord och koder, och vem som känner till dem</li>",
        "<li>Skyddat boende</li>",
        "<li>Kvinnofridslinjen, 020-50 50 50, dygnet runt</li>",
        "Sara, min kontakt här",
        // An information text shown to the person.
        "Vid akut fara, ring 112.",
    ] {
        assert!(html.contains(answer), "missing {answer:?}\n{html}");
    }
    // An answer is text, never markup.
    assert!(!html.contains("<script"), "{html}");

    let q = vidare::load(root().join(SAFETY_PLAN)).unwrap();
    // No id of an item or trigger, and nothing of the questionnaire's id.
    for id in q.items().map(|i| i.id()).chain(q.trigger_ids()) {
        assert!(!html.contains(id), "the id `{id}` is on the page\n{html}");
    }
    assert!(
        !html.contains("safety-plan") && !html.contains("1.0.0"),
        "{html}"
    );
    // No trigger text in either language.
    for trigger in &q.document().triggers {
        for text in trigger.text.value.values() {
            assert!(
                !html.contains(text.as_str()),
                "{}\n{html}",
                trigger.id.value
            );
        }
    }
    // Neither the practitioner's questions nor the note they wrote, nor a
    // question the person skipped.
    for absent in [
        "Vill personen göra en säkerhetsplan nu?",
        "Används tolk?",
        "Vilka delar av planen vill personen ha antecknade?",
        "Vet att ringa 112.",
        "Vad brukar hända innan det blir farligt?",
    ] {
        assert!(!html.contains(absent), "{absent:?} is on the page\n{html}");
    }

    // Nothing of it is printed, and the stored record keeps none of it.
    let record = std::fs::read_to_string(tmp.path().join("result.json")).unwrap();
    for said in ["Lena", "balkongdörren", "script"] {
        assert!(!stdout.contains(said), "{said} printed\n{stdout}");
        assert!(!record.contains(said), "{said} stored\n{record}");
    }
    assert!(record.contains("Vet att ringa 112."), "{record}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(tmp.path().join("plan.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn no_plan_is_written_when_nothing_was_asked_of_the_person() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_with_plan(tmp.path(), &["no"]);
    // `ask_again_alone` fired.
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("no plan was written"), "{stderr}");
    assert!(!tmp.path().join("plan.html").exists());
}

#[test]
fn the_plan_is_in_english_with_lang_en() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = output(
        vidare()
            .args(["run", SAFETY_PLAN, "--lang", "en", "--plan"])
            .arg(tmp.path().join("plan.html"))
            .write_stdin(script(&[
                "yes",
                "agency",
                "yes",
                "yes",
                ":skip",
                ":skip",
                ":skip",
                ":skip",
                ":skip",
                "",
                ":skip",
                ":skip",
                ":skip",
                ":skip",
                ":skip",
                "emergency",
                ":skip",
                "yes",
                "",
            ])),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let html = std::fs::read_to_string(tmp.path().join("plan.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(
        html.contains("keep it where only you can find it"),
        "{html}"
    );
    assert!(html.contains("<h1>Safety plan</h1>"), "{html}");
    assert!(html.contains("<li>112 in acute danger</li>"), "{html}");
    // A multiple choice answered with none.
    assert!(html.contains("None chosen"), "{html}");
}

/// The person's plan is in the person's language, also when the
/// practitioner reads another (interpreter mode, or a person-only
/// language alone): Arabic, right to left, with the page's own note in
/// Arabic and no Swedish text.
#[test]
fn the_plan_is_in_the_persons_language_right_to_left() {
    let plan = "questionnaires/safety-plan/1.1.0.yaml";
    let q = vidare::load(root().join(plan)).unwrap();
    for practitioner in [&["--practitioner-lang", "sv"][..], &[]] {
        let tmp = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = output(
            vidare()
                .args(["run", plan, "--lang", "ar"])
                .args(practitioner)
                .arg("--plan")
                .arg(tmp.path().join("plan.html"))
                .write_stdin(script(ANSWERS)),
        );
        assert_eq!(code, 1, "{stdout}{stderr}");
        let html = std::fs::read_to_string(tmp.path().join("plan.html")).unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"),
            "{html}"
        );
        assert!(html.contains("هذه الخطة لك."), "the Arabic note: {html}");
        assert!(
            html.contains(&format!("<h1>{}</h1>", q.title("ar"))),
            "{html}"
        );
        assert!(
            html.contains("Min syster Lena"),
            "the person's own words stay"
        );
        // No Swedish text of the questionnaire or the page.
        for swedish in [
            q.title("sv"),
            "Den här planen är din",
            "förvara",
            "Vid akut fara",
        ] {
            assert!(!html.contains(swedish), "{swedish:?}\n{html}");
        }
        for item in q
            .items()
            .filter(|i| i.answered_by() == vidare::format::AnsweredBy::Person)
        {
            assert!(!html.contains(item.text("sv")), "{}\n{html}", item.id());
        }
    }
}

/// A person's language without the page's own words: those are in the
/// practitioner's language and say so with their own `lang`.
#[test]
fn the_plans_own_words_fall_back_marked_with_their_language() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = output(
        vidare()
            .args([
                "run",
                "crates/vidare-cli/tests/fixtures/interpreter/home-safety.yaml",
                "--lang",
                "pl",
                "--practitioner-lang",
                "sv",
                "--plan",
            ])
            .arg(tmp.path().join("plan.html"))
            .write_stdin("yes\nyes\n0\n"),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let html = std::fs::read_to_string(tmp.path().join("plan.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"pl\">"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"note\" lang=\"sv\" dir=\"ltr\">Den här planen är din."),
        "{html}"
    );
    assert!(
        html.contains("Czy czujesz się bezpiecznie w swoim domu?"),
        "{html}"
    );
    assert!(html.contains("<p class=\"answer\">Tak</p>"), "{html}");
}
