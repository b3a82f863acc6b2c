//! Interpreter mode (`vidare run --lang ar --practitioner-lang sv`): the
//! practitioner's text first, the person's beside it marked with its code,
//! right-to-left text between bidi isolates, the notes, referrals and the
//! result in the practitioner's language, a note for a draft translation
//! and for answer words that fell back; scripted and on a pseudo-terminal.

use crate::common;

use common::{output, vidare};

const HOME: &str = "crates/vidare-cli/tests/fixtures/interpreter/home-safety.yaml";
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// `vidare run HOME` with these arguments and these lines on standard input.
fn run(args: &[&str], input: &str) -> (i32, String, String) {
    output(vidare().arg("run").arg(HOME).args(args).write_stdin(input))
}

fn isolated(text: &str) -> String {
    format!("{FSI}{text}{PDI}")
}

/// Every Arabic letter stands inside an isolate that opens and closes on
/// its own line, so the terminal never reorders what is around it.
fn assert_arabic_isolated(out: &str) {
    for line in out.lines() {
        let mut depth = 0i32;
        for c in line.chars() {
            match c {
                FSI => depth += 1,
                PDI => depth -= 1,
                '\u{0600}'..='\u{06FF}' => {
                    assert!(depth > 0, "Arabic outside an isolate: {line:?}");
                }
                _ => {}
            }
            assert!(depth >= 0, "an isolate closed that was not open: {line:?}");
        }
        assert_eq!(depth, 0, "an isolate left open at the end of {line:?}");
    }
}

/// The person's words for the answers: their own, or the practitioner's
/// (Swedish) with a note when the catalogue has none for the language.
fn answer_words(lang: &str) -> (String, Option<String>) {
    match vidare::phrases::get(lang) {
        Some(p) => (
            format!(
                "{lang}: {}",
                isolated_if_rtl(lang, &format!("{} · {}", p.answer_one, p.decline))
            ),
            None,
        ),
        None => (
            "Välj ett svar · Vill inte svara".to_owned(),
            Some(format!("OBS: det finns inga ord på {lang} för svaren")),
        ),
    }
}

fn isolated_if_rtl(lang: &str, text: &str) -> String {
    if vidare::language::direction(lang) == vidare::language::Direction::Rtl {
        isolated(text)
    } else {
        text.to_owned()
    }
}

#[test]
fn both_languages_side_by_side_with_the_result_in_the_practitioners() {
    let (code, out, err) = run(
        &["--lang", "ar", "--practitioner-lang", "sv"],
        "yes\nno\n3\n",
    );
    assert_eq!(code, 1, "a referral was made; stderr: {err}");
    // Title and question in both, the person's marked and isolated.
    assert!(
        out.starts_with("Trygghet hemma (home-safety 1.0.0)\nar: "),
        "{out}"
    );
    assert!(
        out.contains(&format!("ar: {}", isolated("السلامة في المنزل"))),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Känner du dig trygg i ditt hem?\nar: {}\n",
            isolated("هل تشعر بالأمان في منزلك؟")
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("  ar: {}", isolated("أجب بما يناسب وضعك."))),
        "{out}"
    );
    // The options in both, by number.
    assert!(
        out.contains(&format!("  1. Ja · ar: {}", isolated("نعم"))),
        "{out}"
    );
    assert!(
        out.contains(&format!("  3. Nej · ar: {}", isolated("لا"))),
        "{out}"
    );
    // The practitioner's own question is theirs alone.
    assert!(
        out.contains("Är personen ensam med dig?\n  [ja / nej]"),
        "{out}"
    );
    // A draft is named to the practitioner, in their language.
    assert!(
        out.contains("OBS för handläggaren: texterna för ar (Arabic) är ett utkast"),
        "{out}"
    );
    let (words, fell_back) = answer_words("ar");
    assert!(out.contains(&format!("  {words}\n")), "{words:?} in {out}");
    if let Some(note) = fell_back {
        assert!(out.contains(&note), "{out}");
    }
    // The closing information in both; referral and result in Swedish only.
    assert!(out.contains(&format!(
        "Tack för dina svar.\nar: {}",
        isolated("شكرًا على إجاباتك.")
    )));
    let result = &out[out.find("== Resultat").expect("the result")..];
    assert!(result.contains("Hänvisningar") && result.contains("Gör en säkerhetsplan i dag."));
    assert!(!result.contains("ar:"), "{result}");
    assert!(
        out.contains("| Gör en säkerhetsplan i dag."),
        "the immediate box: {out}"
    );
    assert_arabic_isolated(&out);
}

#[test]
fn a_left_to_right_draft_without_answer_words_falls_back_with_a_note() {
    let (code, out, err) = run(
        &["--lang", "pl", "--practitioner-lang", "en"],
        "yes\nyes\n0\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains(FSI) && !out.contains(PDI),
        "no isolates for Polish: {out}"
    );
    assert!(
        out.contains(
            "Do you feel safe in your home?\npl: Czy czujesz się bezpiecznie w swoim domu?"
        )
    );
    assert!(out.contains("  2. Sometimes · pl: Czasami"), "{out}");
    assert!(
        out.contains("NOTE for the practitioner: the Polish (pl) texts are a draft translation")
    );
    if vidare::phrases::get("pl").is_none() {
        assert!(
            out.contains("NOTE: there are no pl words for the answers"),
            "{out}"
        );
        assert!(
            out.contains("  Choose one answer · Prefer not to answer\n"),
            "{out}"
        );
    }
    assert!(
        out.contains("A whole number from 0 to 31 (dni) · Don't know"),
        "{out}"
    );
}

#[test]
fn a_person_only_language_alone_brings_the_default_language_for_the_practitioner() {
    let (code, out, err) = run(&["--lang", "ar"], "yes\nyes\n0\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Tolkläge: handläggaren läser sv, personen läser ar"),
        "{out}"
    );
    assert!(out.contains(&format!("ar: {}", isolated("هل تشعر بالأمان في منزلك؟"))));
    assert_arabic_isolated(&out);
}

#[test]
fn one_language_for_both_is_no_interpreter_mode() {
    for args in [
        &["--lang", "en"][..],
        &["--lang", "en", "--practitioner-lang", "en"],
    ] {
        let (code, out, err) = run(args, "yes\nyes\n0\n");
        assert_eq!(code, 0, "{err}");
        assert!(
            !out.contains("Interpreter mode") && !out.contains("NOTE"),
            "{out}"
        );
        assert!(!out.contains("\nen: "), "{out}");
    }
}

#[test]
fn the_practitioner_needs_a_language_with_every_text() {
    let (code, _, err) = run(&["--lang", "sv", "--practitioner-lang", "ar"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("has only the texts the person reads in `ar`; give --practitioner-lang a language with every text: sv, en"),
        "{err}"
    );
    let (code, _, err) = run(&["--lang", "fa"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("has no texts in `fa`; use --lang with one of: sv, en, ar (draft, for the person), pl (draft, for the person)"),
        "{err}"
    );
}

#[test]
fn saving_keeps_both_languages_in_the_command_that_continues() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log.json");
    let (code, _, err) = output(
        vidare()
            .arg("run")
            .arg(HOME)
            .args(["--lang", "ar", "--practitioner-lang", "sv", "--save"])
            .arg(&log)
            .write_stdin("yes\n:quit\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("--lang ar --practitioner-lang sv --resume"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn on_a_terminal_menus_show_both_languages() -> Result<(), rexpect::error::Error> {
    use rexpect::process::WaitStatus;
    use rexpect::session::{Options, spawn_with_options};

    let mut command = std::process::Command::new("sh");
    command
        .current_dir(common::root())
        .env("TERM", "xterm")
        .args(["-c", r#"stty cols 120 rows 40 && exec "$0" "$@""#])
        .arg(env!("CARGO_BIN_EXE_vidare"))
        .args(["run", HOME, "--lang", "ar", "--practitioner-lang", "sv"]);
    let options = Options::new()
        .timeout_ms(Some(20_000))
        .strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(command, options)?;
    // rexpect reads the terminal byte by byte, each byte as one character.
    let bytes = |s: &str| -> String { s.bytes().map(char::from).collect() };
    let down_enter = |p: &mut rexpect::session::PtySession, downs: usize| {
        p.send(&"\x1b[B".repeat(downs))?;
        p.send("\r")?;
        p.flush()
    };
    p.exp_string(&bytes("OBS för handläggaren"))?;
    p.exp_string(&bytes("Är personen ensam med dig?"))?;
    down_enter(&mut p, 1)?;
    // The question, then the person's on the next line; the answers in both.
    p.exp_string(&bytes("Känner du dig trygg i ditt hem?"))?;
    p.exp_string(&bytes(&format!(
        "ar: {}",
        isolated("هل تشعر بالأمان في منزلك؟")
    )))?;
    p.exp_string(&bytes(&format!("Ibland · {}", isolated("أحيانًا"))))?;
    p.exp_string(&bytes(&format!("Nej · {}", isolated("لا"))))?;
    let decline = vidare::phrases::get("ar")
        .map_or_else(|| "Vill inte svara".to_owned(), |a| isolated(a.decline));
    p.exp_string(&bytes(&format!("[Vill inte svara · {decline}]")))?;
    // Nej: the third answer.
    down_enter(&mut p, 3)?;
    p.exp_string("OMEDELBART")?;
    p.exp_string(&bytes(&format!(
        "ar: {}",
        isolated("في كم يومًا من الشهر الماضي شعرت بالخوف في المنزل؟")
    )))?;
    p.send("3\r")?;
    p.flush()?;
    p.exp_string(&bytes("Hänvisningar"))?;
    p.exp_eof()?;
    match p.process().wait()? {
        WaitStatus::Exited(_, 1) => Ok(()),
        other => panic!("vidare ended with {other:?}"),
    }
}

#[test]
fn doc_lists_the_languages_with_their_status() {
    let (code, out, err) = output(vidare().args(["doc", HOME]));
    assert_eq!(code, 0, "{err}");
    // One line names every language with its name in the document's
    // language (Swedish here); the drafts say so.
    let line = out
        .lines()
        .find(|l| l.contains("ar (arabiska)"))
        .unwrap_or_else(|| panic!("no line names ar (arabiska): {out}"));
    for named in ["sv (svenska)", "en (engelska)", "pl (polska)"] {
        assert!(line.contains(named), "{named}: {line}");
    }
    let drafts = line.matches("draft").count() + line.matches("utkast").count();
    assert_eq!(drafts, 2, "ar and pl are drafts: {line}");
}

/// The example in docs/cli.md is this run's output, without the isolates
/// (invisible there).
#[test]
fn the_documented_example_is_what_run_prints() {
    let docs = std::fs::read_to_string(common::root().join("docs/cli.md")).unwrap();
    let start = docs
        .find("Trygghet hemma (home-safety 1.0.0)\nar:")
        .expect("the example in docs/cli.md");
    let example = &docs[start..start + docs[start..].find("```").unwrap()];
    let (_, out, _) = run(
        &["--lang", "ar", "--practitioner-lang", "sv"],
        "yes\nno\n3\n",
    );
    let plain: String = out.chars().filter(|c| *c != FSI && *c != PDI).collect();
    assert!(
        plain.starts_with(example),
        "docs/cli.md:\n{example}\nrun:\n{plain}"
    );
}

/// The shipped draft translations end to end: every question the person
/// was asked in violence-seven 2.1.0 is shown in Swedish with its Arabic
/// line under it, isolated, and the interview finishes in Swedish.
#[test]
fn violence_seven_in_arabic_with_a_swedish_practitioner() {
    let path = "questionnaires/violence-seven/2.1.0.yaml";
    let q = vidare::load(common::root().join(path)).expect("violence-seven 2.1.0 loads");
    assert!(
        q.language("ar")
            .is_some_and(vidare::language::Language::is_draft)
    );
    let input = format!("yes\nnone\n{}", "no\n".repeat(20));
    let (code, out, err) = output(
        vidare()
            .args(["run", path, "--lang", "ar", "--practitioner-lang", "sv"])
            .write_stdin(input),
    );
    // 1: the interview finished with a referral (the support offered to all).
    assert!(code == 0 || code == 1, "{err}");
    assert!(out.contains("OBS för handläggaren: texterna för ar (Arabic) är ett utkast"));
    assert!(
        !out.contains("det finns inga ord på ar"),
        "ar has its phrases: {out}"
    );
    let mut asked = 0;
    for item in q.items() {
        let sv = item.text("sv");
        if item.answered_by() != vidare::format::AnsweredBy::Person
            || !out.contains(&format!("\n{sv}\n"))
        {
            continue;
        }
        asked += 1;
        let both = format!("\n{sv}\nar: {}\n", isolated(item.text("ar")));
        assert!(out.contains(&both), "{} lacks its Arabic line", item.id());
    }
    assert!(
        asked >= 7,
        "only {asked} questions the person answers were shown"
    );
    assert!(out.contains("== Resultat"), "{out}");
    assert_arabic_isolated(&out);
}

/// A questionnaire whose practitioner's language is Arabic: every printed
/// run of Arabic is isolated, the id and version after the title and the
/// option values stay where they are.
#[test]
fn a_right_to_left_practitioners_language_is_isolated_too() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ar-only.yaml");
    std::fs::write(
        &path,
        "format: 2\nid: ar-only\nversion: 1.0.0\ntitle: { ar: استبيان }\nlanguages: [ar]\n\
         default_language: ar\nsections:\n  - id: s\n    items:\n\
         \x20     - id: safe\n        kind: single_choice\n        text: { ar: هل تشعر بالأمان؟ }\n\
         \x20       options:\n          - { value: 'yes', label: { ar: نعم } }\n\
         \x20         - { value: 'no', label: { ar: لا } }\n\
         \x20     - { id: words, kind: text, retention: conversation, text: { ar: ماذا تريد أن تقول؟ } }\n",
    )
    .unwrap();
    let (code, out, err) = output(
        vidare()
            .arg("run")
            .arg(&path)
            .write_stdin("yes\nأنا بخير 100%\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!("{} (ar-only 1.0.0)\n", isolated("استبيان"))),
        "{out}"
    );
    assert!(
        out.contains(&format!("  1. {}\n", isolated("نعم"))),
        "{out}"
    );
    assert_arabic_isolated(&out);
}
