//! Why a session refused a step, in words for the people in the
//! conversation: in the questionnaire's language, naming the question by
//! its text. `Display` on [`Error`] stays English and names ids, for
//! developers and logs; this is what a frontend shows a practitioner.

use crate::error::Error;
use crate::format::ItemKind;
use crate::phrases::{Phrases, lookup};
use crate::questionnaire::{ItemRef, Questionnaire};

/// The refusal sentences of one language; `{q}` is the question's text,
/// `{id}` an id, `{how}` what the question takes and `{what}` a response.
struct Sentences {
    lang: &'static str,
    unknown: &'static str,
    info: &'static str,
    hidden: &'static str,
    not_current: &'static str,
    answered: &'static str,
    not_answered: &'static str,
    invalid: &'static str,
    not_offered: &'static str,
    finished: &'static str,
    nothing_back: &'static str,
    /// Between the labels of a question's options.
    or: &'static str,
}

const EN: Sentences = Sentences {
    lang: "en",
    unknown: "the questionnaire has no question `{id}`",
    info: "\"{q}\" is an information text and takes no answer",
    hidden: "\"{q}\" is not asked now: its condition does not hold",
    not_current: "\"{q}\" is not the question asked now",
    answered: "\"{q}\" already has an answer; change it instead",
    not_answered: "\"{q}\" has no answer to change; answer it instead",
    invalid: "the answer to \"{q}\" does not fit: {how}",
    not_offered: "\"{q}\" does not offer \"{what}\"",
    finished: "the interview is finished",
    nothing_back: "there is nothing to go back to",
    or: " or ",
};

const SV: Sentences = Sentences {
    lang: "sv",
    unknown: "frågeformuläret har ingen fråga `{id}`",
    info: "\"{q}\" är en informationstext och tar inget svar",
    hidden: "\"{q}\" ställs inte nu: villkoret för den gäller inte",
    not_current: "\"{q}\" är inte frågan som ställs nu",
    answered: "\"{q}\" har redan ett svar; ändra det i stället",
    not_answered: "\"{q}\" har inget svar att ändra; svara på den i stället",
    invalid: "svaret på \"{q}\" passar inte: {how}",
    not_offered: "\"{q}\" erbjuder inte \"{what}\"",
    finished: "intervjun är klar",
    nothing_back: "det finns inget att gå tillbaka till",
    or: " eller ",
};

/// English first: the last resort.
const CATALOGUE: &[&Sentences] = &[&EN, &SV];

impl Error {
    /// The refusal of a session step (an answer, decline, change, going
    /// back) in `lang`, else the questionnaire's default language, else
    /// English, naming the question by its text and saying what it takes.
    /// Errors that are not about a step (reading files, recordings,
    /// versions) are for developers and keep their English `Display`.
    ///
    /// ```
    /// use vidare::{Session, Value};
    /// let q = vidare::load("../../questionnaires/violence-seven/2.2.0.yaml")?;
    /// let mut s = Session::new(&q);
    /// let refused = s.answer("alone", Value::Number(3.0)).unwrap_err();
    /// assert_eq!(
    ///     refused.message_in(&q, "sv"),
    ///     "svaret på \"Är ni ensamma, så att ingen annan kan se eller höra samtalet, \
    ///      varken i rummet, per telefon eller via video?\" passar inte: Svara ja eller nej"
    /// );
    /// # Ok::<(), vidare::Error>(())
    /// ```
    #[must_use]
    pub fn message_in(&self, q: &Questionnaire, lang: &str) -> String {
        let find = |l: &str| CATALOGUE.iter().copied().find(|s| s.lang == l);
        let s = find(lang)
            .or_else(|| find(q.default_language()))
            .unwrap_or(&EN);
        let phrases = lookup(s.lang, "en").phrases;
        let question = |id: &str| {
            q.item(id)
                .map_or_else(|| id.to_owned(), |i| i.text(lang).to_owned())
        };
        let about = |sentence: &str, id: &str| sentence.replace("{q}", &question(id));
        match self {
            Error::UnknownItem { item } => s.unknown.replace("{id}", item),
            Error::NotAQuestion { item } => about(s.info, item),
            Error::Hidden { item } => about(s.hidden, item),
            Error::NotCurrent { item, .. } => about(s.not_current, item),
            Error::AlreadyAnswered { item } => about(s.answered, item),
            Error::NotAnswered { item } => about(s.not_answered, item),
            Error::InvalidAnswer { item, .. } => {
                let how = q
                    .item(item)
                    .map_or_else(String::new, |i| takes(i, lang, s, phrases));
                about(s.invalid, item).replace("{how}", &how)
            }
            Error::NotOffered { item, response } => {
                let what = offered(response, phrases);
                about(s.not_offered, item).replace("{what}", what)
            }
            Error::Finished => s.finished.to_owned(),
            Error::NothingToGoBack => s.nothing_back.to_owned(),
            other => other.to_string(),
        }
    }
}

/// What a question takes: the phrase the person sees beside it, and for a
/// choice the labels of its options.
fn takes(item: ItemRef<'_>, lang: &str, s: &Sentences, phrases: &Phrases) -> String {
    let how = phrases.how_to_answer(item).unwrap_or_default();
    match item.kind() {
        ItemKind::SingleChoice | ItemKind::MultipleChoice => {
            let labels: Vec<&str> = item.options().map(|o| o.label(lang)).collect();
            format!("{how}: {}", labels.join(s.or))
        }
        _ => how,
    }
}

/// The response a question does not offer, in the catalogue's words. The
/// session names it in English (`Error::NotOffered`'s `response`).
fn offered<'p>(response: &str, phrases: &'p Phrases) -> &'p str {
    if response.contains("prefer not") {
        phrases.decline
    } else if response.contains("know") {
        phrases.dont_know
    } else {
        phrases.skip
    }
}

#[cfg(test)]
mod tests {
    use crate::{Response, Session, Value};

    fn seven() -> crate::Questionnaire {
        crate::load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/2.2.0.yaml"
        ))
        .unwrap()
    }

    /// Every refusal a step can meet, in Swedish: the question's text, no
    /// id and no English word of the engine's.
    #[test]
    fn step_refusals_are_said_in_swedish() {
        let q = seven();
        let mut s = Session::new(&q);
        let yes = || Response::Answer(Value::Bool(true));
        let mut said = vec![
            s.respond("psychological", yes()).unwrap_err(),
            s.decline("alone").unwrap_err(),
            s.change("alone", yes()).unwrap_err(),
            s.back().unwrap_err(),
        ];
        s.respond("alone", yes()).unwrap();
        said.push(s.respond("alone", yes()).unwrap_err());
        said.push(
            s.answer("interpreter", Value::Text("x".into()))
                .unwrap_err(),
        );
        let words: Vec<String> = said.iter().map(|e| e.message_in(&q, "sv")).collect();
        assert_eq!(
            words[1],
            "\"Är ni ensamma, så att ingen annan kan se eller höra samtalet, varken i rummet, \
             per telefon eller via video?\" erbjuder inte \"Vill inte svara\""
        );
        assert_eq!(words[3], "det finns inget att gå tillbaka till");
        assert!(
            words[5].ends_with(
                "passar inte: Välj ett svar: Ingen tolk eller Tolk från en tolkförmedling \
                 (helst telefontolk) eller Någon som personen känner tolkar (en anhörig, en \
                 vän eller ett barn)"
            ),
            "{}",
            words[5]
        );
        for (error, text) in said.iter().zip(&words) {
            assert_ne!(*text, error.to_string(), "not translated: {error}");
            for english in ["question", "answer", "offer", "current", "item", "`"] {
                assert!(!text.contains(english), "{english:?} in {text:?}");
            }
        }
        // English, and a language without sentences (Arabic, for the
        // person only) gets the default language's.
        assert_eq!(
            said[3].message_in(&q, "en"),
            "there is nothing to go back to"
        );
        assert_eq!(
            said[3].message_in(&q, "ar"),
            "det finns inget att gå tillbaka till"
        );
    }
}
