//! The person's own copy of a conversation that makes a plan with them
//! (such as `questionnaires/safety-plan`), as a self-contained page to
//! print (`vidare run --plan FILE`), in the person's language, right to
//! left where that language is.
//!
//! The page holds what the person said: from the section of the first
//! question the person was asked on, every question they answered with the
//! answer in plain words (labels, not option values) and the information
//! texts shown to them, under the section titles. It leaves out the practitioner's
//! questions, declined and skipped questions, and every id, trigger, score
//! and derived value. Answers used only in the conversation are there too:
//! this copy is the person's, and the page says, gently, that a printout can
//! be found by someone else.

use std::fmt::Write as _;

use vidare::{
    Response, Session, Value, format::AnsweredBy, format::ItemKind, questionnaire::ItemRef,
};

use crate::escape;

const STYLE: &str = "\
@page { margin: 2cm; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; \
font-size: 1.3rem; line-height: 1.6; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; \
color: #111; background: #fff; }
h1 { font-size: 2.2rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.6rem; line-height: 1.3; margin: 2.2rem 0 .6rem; border-bottom: 2px solid #555; }
.note { border: 2px solid #555; border-radius: 6px; padding: .6rem 1rem; }
.info { margin: .8rem 0; }
.question { font-weight: bold; margin: 1.2rem 0 .2rem; }
.answer { margin: 0; margin-inline-start: 1.2rem; }
ul.answer { padding-inline-start: 1.2rem; }
@media print {
  body { font-size: 14pt; max-width: none; margin: 0; padding: 0; }
  h2 { break-after: avoid; }
  .qa { break-inside: avoid; }
}
";

/// The page's own words.
struct Words {
    /// Said at the top of the page.
    note: &'static str,
    /// A multiple choice answered with no option.
    none_chosen: &'static str,
}

const SV: Words = Words {
    note: "Den här planen är din. Ett papper kan hittas av någon annan, så förvara den \
           där bara du hittar den, eller hos någon du litar på.",
    none_chosen: "Inget valt",
};

const EN: Words = Words {
    note: "This plan is yours. A sheet of paper can be found by someone else, so keep it \
           where only you can find it, or with someone you trust.",
    none_chosen: "None chosen",
};

// The person's languages of the shipped questionnaires: drafts, like their
// translations (docs/questionnaires.md), to be reviewed with them.
const SV_EASY: Words = Words {
    note: "Planen är din. Någon annan kan hitta papperet. Spara det där bara du hittar det. \
           Eller ge det till någon du litar på.",
    none_chosen: "Inget valt",
};

const AR: Words = Words {
    note: "هذه الخطة لك. قد يجد شخص آخر هذه الورقة، لذلك احتفظ بها في مكان لا يعرفه غيرك، \
           أو عند شخص تثق به.",
    none_chosen: "لم يُختر شيء",
};

const FA: Words = Words {
    note: "این برنامه مال شماست. ممکن است کس دیگری این برگه را پیدا کند، پس آن را جایی نگه \
           دارید که فقط خودتان پیدایش کنید، یا پیش کسی که به او اعتماد دارید.",
    none_chosen: "چیزی انتخاب نشده",
};

const SO: Words = Words {
    note: "Qorshahan adigaa leh. Qof kale ayaa heli kara warqaddan, sidaa darteed dhig meel \
           adiga oo keliya aad ka heli karto, ama u dhiib qof aad aaminsan tahay.",
    none_chosen: "Waxba lama dooran",
};

const TI: Words = Words {
    note: "እዚ መደብ ናትካ እዩ። ካልእ ሰብ ነዚ ወረቐት ክረኽቦ ይኽእል እዩ፣ ስለዚ ንስኻ ጥራይ ኣብ እትረኽቦ ቦታ \
           ኣቐምጦ፣ ወይ ኣብ እትኣምኖ ሰብ ኣሕድጎ።",
    none_chosen: "ዝተመረጸ የለን",
};

/// The page's words in each language that has them.
const WORDS: &[(&str, &Words)] = &[
    ("sv", &SV),
    ("en", &EN),
    ("sv-x-easy", &SV_EASY),
    ("ar", &AR),
    ("fa", &FA),
    ("so", &SO),
    ("ti", &TI),
];

/// The page's words in `lang`, else in `fallback` (the practitioner's
/// language), else in English; with the language they are in.
fn words(lang: &str, fallback: &str) -> (&'static str, &'static Words) {
    let find = |l: &str| WORDS.iter().find(|(code, _)| *code == l).copied();
    find(lang).or_else(|| find(fallback)).unwrap_or(WORDS[1])
}

/// An answer in plain words.
enum Answer {
    Text(String),
    List(Vec<String>),
}

/// One part of the page, in document order.
enum Line {
    Heading(String),
    Info(String),
    Answered(String, Answer),
}

/// The page, or `None` when no question was asked of the person (the
/// interview ended before, e.g. at a framing check).
///
/// `lang` is the person's language; the page's own words fall back to
/// `fallback` (the practitioner's) where `lang` has none, marked with
/// their own `lang`.
#[must_use]
pub fn page(session: &Session, lang: &str, fallback: &str) -> Option<String> {
    let q = session.questionnaire();
    let shown: Vec<ItemRef<'_>> = q.items().filter(|i| session.is_shown(i.id())).collect();
    let asked = shown
        .iter()
        .position(|i| i.kind() != ItemKind::Info && i.answered_by() == AnsweredBy::Person)?;
    // From the start of that question's section, so that the information
    // texts before it come along; framing checks in earlier sections do not.
    let section_of = |k: usize| shown[k].section_id();
    let first = (0..asked)
        .rev()
        .take_while(|&k| section_of(k) == section_of(asked))
        .last()
        .unwrap_or(asked);
    let mut parts = Vec::new();
    let mut section: Option<&str> = None;
    for item in &shown[first..] {
        let line = match item.kind() {
            ItemKind::Info => Line::Info(item.text(lang).to_owned()),
            _ if item.answered_by() != AnsweredBy::Person => continue,
            _ => match session.response(item.id()) {
                Some(Response::Answer(value)) => {
                    Line::Answered(item.text(lang).to_owned(), answer(*item, &value, lang))
                }
                _ => continue,
            },
        };
        if section != Some(item.section_id()) {
            section = Some(item.section_id());
            if let Some(title) = item.section_title(lang) {
                parts.push(Line::Heading(title.to_owned()));
            }
        }
        parts.push(line);
    }
    Some(html(q.title(lang), (lang, fallback), &parts))
}

/// The answer as the person gave it: option labels, yes or no in words, a
/// number with its scale label or unit, or the text itself.
fn answer(item: ItemRef<'_>, value: &Value, lang: &str) -> Answer {
    let label = |v: &str| {
        item.options()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_owned(), |o| o.label(lang).to_owned())
    };
    match (item.kind(), value) {
        (ItemKind::SingleChoice, Value::Text(v)) => Answer::Text(label(v)),
        // In the order of the options, as on the form.
        (ItemKind::MultipleChoice, Value::List(values)) => Answer::List(
            item.options()
                .filter(|o| values.iter().any(|v| v == o.value))
                .map(|o| o.label(lang).to_owned())
                .collect(),
        ),
        (ItemKind::Scale, Value::Number(n)) => {
            // Scale points and answers are small whole numbers, exact as floats.
            #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
            let point = item.scale_labels(lang).find(|(p, _)| *p as f64 == *n);
            Answer::Text(match point {
                Some((_, label)) => format!("{} ({label})", number(*n)),
                None => number(*n),
            })
        }
        (ItemKind::Number, Value::Number(n)) => Answer::Text(match item.unit(lang) {
            Some(unit) => format!("{} {unit}", number(*n)),
            None => number(*n),
        }),
        // Yes and no in the person's words when the catalogue has them.
        (_, Value::Bool(b)) => Answer::Text(vidare::phrases::get(lang).map_or_else(
            || plain_value(value, lang),
            |p| (if *b { p.yes } else { p.no }).to_owned(),
        )),
        _ => Answer::Text(plain_value(value, lang)),
    }
}

/// A number without a trailing `.0`.
fn number(n: f64) -> String {
    format!("{n}")
}

/// A value as the command line writes it: yes and no in Swedish for `sv`,
/// else in English; control characters in texts escaped.
fn plain_value(value: &Value, lang: &str) -> String {
    use vidare::diagnostic::escape_controls;
    let swedish = lang == "sv";
    match value {
        Value::Bool(true) => (if swedish { "Ja" } else { "Yes" }).to_owned(),
        Value::Bool(false) => (if swedish { "Nej" } else { "No" }).to_owned(),
        Value::Number(n) => number(*n),
        Value::Text(s) => escape_controls(s).into_owned(),
        Value::List(list) => escape_controls(&list.join(", ")).into_owned(),
    }
}

fn html(title: &str, (lang, fallback): (&str, &str), parts: &[Line]) -> String {
    let (words_lang, words) = words(lang, fallback);
    // Words in another language than the page's say which.
    let other = |l: &str| {
        if l == lang {
            String::new()
        } else {
            format!(
                " lang=\"{}\" dir=\"{}\"",
                escape::html(l),
                vidare::language::direction(l).as_str()
            )
        }
    };
    // "None of these" from the engine's phrases where the page's own words
    // have no such language.
    let (none_lang, none_chosen) = match (words_lang == lang, vidare::phrases::get(lang)) {
        (false, Some(p)) => (lang, p.none_of),
        _ => (words_lang, words.none_chosen),
    };
    // The whole page reads in the person's direction (Arabic and Persian
    // right to left).
    let dir = vidare::language::direction(lang).as_str();
    let mut body = format!("<main dir=\"{dir}\">\n");
    let _ = writeln!(body, "<h1>{}</h1>", escape::html(title));
    let _ = writeln!(
        body,
        "<p class=\"note\"{}>{}</p>",
        other(words_lang),
        escape::html(words.note)
    );
    for part in parts {
        match part {
            Line::Heading(title) => {
                let _ = writeln!(body, "<h2>{}</h2>", escape::html(title));
            }
            Line::Info(text) => {
                let _ = writeln!(body, "<p class=\"info\">{}</p>", escape::html_lines(text));
            }
            Line::Answered(question, answer) => {
                let _ = write!(
                    body,
                    "<div class=\"qa\">\n<p class=\"question\">{}</p>\n",
                    escape::html_lines(question)
                );
                match answer {
                    Answer::Text(text) => {
                        let _ =
                            writeln!(body, "<p class=\"answer\">{}</p>", escape::html_lines(text));
                    }
                    Answer::List(list) if list.is_empty() => {
                        let _ = writeln!(
                            body,
                            "<p class=\"answer\"{}>{}</p>",
                            other(none_lang),
                            escape::html(none_chosen)
                        );
                    }
                    Answer::List(list) => {
                        body.push_str("<ul class=\"answer\">\n");
                        for label in list {
                            let _ = writeln!(body, "<li>{}</li>", escape::html_lines(label));
                        }
                        body.push_str("</ul>\n");
                    }
                }
                body.push_str("</div>\n");
            }
        }
    }
    body.push_str("</main>\n");
    crate::doc::html::page(lang, title, STYLE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "\
format: 2
id: plan
version: 1.0.0
title: { sv: Plan, en: Plan }
languages: [sv, en]
default_language: sv
sections:
  - id: gate
    items:
      - id: alone
        kind: yes_no
        answered_by: practitioner
        text: { sv: Ensamma?, en: Alone? }
  - id: main
    title: { sv: Vart, en: Where }
    items:
      - id: hint
        kind: info
        text: { sv: Ring 112., en: Call 112. }
      - id: place
        kind: text
        text: { sv: Vart går du?, en: Where do you go? }
      - id: things
        kind: multiple_choice
        text: { sv: Vad tar du med?, en: What do you take? }
        options:
          - { value: keys, label: { sv: Nycklar, en: Keys } }
          - { value: money, label: { sv: Pengar, en: Money } }
      - id: mood
        kind: scale
        min: 0
        max: 4
        required: false
        text: { sv: Hur känns det?, en: How does it feel? }
        labels:
          - { value: 4, label: { sv: Bra, en: Good } }
      - id: noted
        kind: yes_no
        answered_by: practitioner
        text: { sv: Antecknas?, en: Noted? }
end:
  - id: not_alone
    when: alone == false
    text: { sv: Slut., en: The end. }
";

    fn session() -> Session {
        let q = vidare::Compiler::default()
            .compile(PLAN, "plan.yaml")
            .unwrap();
        Session::new(&q)
    }

    #[test]
    fn the_page_has_the_answers_in_words_and_nothing_of_the_practitioner() {
        let mut s = session();
        s.answer("alone", true).unwrap();
        s.answer("place", "To <b>Anna</b> & Bo").unwrap();
        s.answer("things", Value::List(vec!["money".into(), "keys".into()]))
            .unwrap();
        s.answer("mood", 4.0).unwrap();
        s.answer("noted", false).unwrap();
        let page = page(&s, "en", "en").unwrap();
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}"
        );
        for expected in [
            "<h1>Plan</h1>",
            "keep it where only you can find it",
            "<h2>Where</h2>",
            "<p class=\"info\">Call 112.</p>",
            "<p class=\"question\">Where do you go?</p>",
            "<p class=\"answer\">To &lt;b&gt;Anna&lt;/b&gt; &amp; Bo</p>",
            "<li>Keys</li>\n<li>Money</li>",
            "<p class=\"answer\">4 (Good)</p>",
            "@media print",
        ] {
            assert!(page.contains(expected), "{expected}\n{page}");
        }
        for absent in ["Alone?", "Noted?", "place", "things", "alone", "money"] {
            assert!(!page.contains(absent), "{absent}\n{page}");
        }
    }

    #[test]
    fn skipped_questions_are_left_out_and_the_words_follow_the_language() {
        let mut s = session();
        s.answer("alone", true).unwrap();
        s.answer("place", "Hem till mamma").unwrap();
        s.answer("things", Value::List(vec![])).unwrap();
        s.skip("mood").unwrap();
        let page = page(&s, "sv", "sv").unwrap();
        assert!(page.contains("<html lang=\"sv\">"), "{page}");
        assert!(
            page.contains("förvara den där bara du hittar den"),
            "{page}"
        );
        assert!(
            page.contains("<p class=\"answer\">Inget valt</p>"),
            "{page}"
        );
        assert!(!page.contains("Hur känns det?"), "{page}");
    }

    #[test]
    fn no_page_when_nothing_was_asked_of_the_person() {
        let mut s = session();
        s.answer("alone", false).unwrap();
        assert!(page(&s, "en", "en").is_none());
    }
}
