//! The engine's own phrases that the person sees next to a question
//! ("Yes", "Prefer not to answer", "a whole number from 1 to 10"), one
//! file per language.
//!
//! Questionnaire texts come from the questionnaire; these frame them. A
//! frontend asks for the person's language with a fallback (the
//! practitioner's), and [`Lookup::fell_back`] says when the person's
//! language has no catalogue, so the frontend can tell the practitioner.
//!
//! To add a language: copy `en.rs` to `<code>.rs` (`sv_x_easy.rs` for
//! `sv-x-easy`), translate every string (keep the `{min}`, `{max}`, `{n}`
//! and `{total}` placeholders), add `mod <file>;` below and a line to
//! `CATALOGUE`. The tests check that every phrase is there and keeps its
//! placeholders.

mod ar;
mod en;
mod fa;
mod so;
mod sv;
mod sv_x_easy;
mod ti;

use crate::format::ItemKind;
use crate::questionnaire::ItemRef;

/// Every phrase, in one language. Placeholders in braces are filled by
/// [`Phrases::fill`].
#[derive(Debug)]
pub struct Phrases {
    /// The answer "yes".
    pub yes: &'static str,
    /// The answer "no".
    pub no: &'static str,
    /// Declining to answer.
    pub decline: &'static str,
    /// "Don't know".
    pub dont_know: &'static str,
    /// Skipping an optional question.
    pub skip: &'static str,
    /// Choosing no option of a multiple choice.
    pub none_of: &'static str,
    /// Going back to the previous question.
    pub back: &'static str,
    /// Going on to the next question.
    pub next: &'static str,
    /// Progress: `{n}` and `{total}`.
    pub question_of: &'static str,
    /// How to answer a yes/no question.
    pub answer_yes_no: &'static str,
    /// How to answer a single choice.
    pub answer_one: &'static str,
    /// How to answer a multiple choice.
    pub answer_many: &'static str,
    /// How to answer a free text.
    pub answer_text: &'static str,
    /// How to answer a date.
    pub answer_date: &'static str,
    /// A whole number (scale, or a number item that is `integer`).
    pub whole_number: &'static str,
    /// Any number.
    pub number: &'static str,
    /// A range after a number phrase: `{min}` and `{max}`.
    pub from_to: &'static str,
    /// A lower bound only: `{min}`.
    pub at_least: &'static str,
    /// An upper bound only: `{max}`.
    pub at_most: &'static str,
    /// Said when a question may be skipped.
    pub optional: &'static str,
    /// The end of the questions, for the person.
    pub finished: &'static str,
}

/// The languages that have a catalogue, by BCP 47 code. English stays
/// first: it is the fallback of last resort.
const CATALOGUE: &[(&str, &Phrases)] = &[
    ("en", &en::PHRASES),
    ("sv", &sv::PHRASES),
    // Drafts, as the questionnaires' translations into these languages:
    // an authorised translator must review them before use with clients.
    ("ar", &ar::PHRASES),
    ("fa", &fa::PHRASES),
    ("so", &so::PHRASES),
    ("ti", &ti::PHRASES),
    ("sv-x-easy", &sv_x_easy::PHRASES),
];

/// The phrases found for a language.
#[derive(Debug, Clone, Copy)]
pub struct Lookup {
    /// The phrases.
    pub phrases: &'static Phrases,
    /// The language they are in.
    pub lang: &'static str,
    /// Whether the language asked for has no catalogue, so these are in
    /// the fallback language (or English, if that has none either).
    pub fell_back: bool,
}

/// The catalogue of `lang`, if it has one.
#[must_use]
pub fn get(lang: &str) -> Option<&'static Phrases> {
    CATALOGUE.iter().find(|(l, _)| *l == lang).map(|(_, p)| *p)
}

/// The languages that have a catalogue.
pub fn languages() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|(l, _)| *l)
}

/// The phrases in `lang`, else in `fallback`, else in English; with a flag
/// saying whether `lang` itself was missing.
#[must_use]
pub fn lookup(lang: &str, fallback: &str) -> Lookup {
    let found = |l: &str| CATALOGUE.iter().find(|(code, _)| *code == l);
    if let Some((code, phrases)) = found(lang) {
        return Lookup {
            phrases,
            lang: code,
            fell_back: false,
        };
    }
    let (code, phrases) = found(fallback).unwrap_or(&CATALOGUE[0]);
    Lookup {
        phrases,
        lang: code,
        fell_back: true,
    }
}

impl Phrases {
    /// `template` with each `{name}` replaced by its value.
    #[must_use]
    pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(template.to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// How to answer `item`, e.g. "a whole number from 0 to 10" or "Choose
    /// one answer"; `None` for an `info` item.
    #[must_use]
    pub fn how_to_answer(&self, item: ItemRef<'_>) -> Option<String> {
        let text = match item.kind() {
            ItemKind::Info => return None,
            ItemKind::YesNo => self.answer_yes_no.to_owned(),
            ItemKind::SingleChoice => self.answer_one.to_owned(),
            ItemKind::MultipleChoice => self.answer_many.to_owned(),
            ItemKind::Text => self.answer_text.to_owned(),
            ItemKind::Date => self.answer_date.to_owned(),
            ItemKind::Scale | ItemKind::Number => self.number_hint(item),
        };
        Some(text)
    }

    fn number_hint(&self, item: ItemRef<'_>) -> String {
        let what = if item.kind() == ItemKind::Scale || item.integer() {
            self.whole_number
        } else {
            self.number
        };
        let (min, max) = item.range();
        let (min, max) = (min.map(short), max.map(short));
        let range = match (&min, &max) {
            (Some(lo), Some(hi)) => Phrases::fill(self.from_to, &[("min", lo), ("max", hi)]),
            (Some(lo), None) => Phrases::fill(self.at_least, &[("min", lo)]),
            (None, Some(hi)) => Phrases::fill(self.at_most, &[("max", hi)]),
            (None, None) => return what.to_owned(),
        };
        format!("{what} {range}")
    }
}

/// A bound as written: `3`, not `3.0`.
fn short(n: f64) -> String {
    format!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every phrase of a catalogue, with its name.
    fn all(p: &Phrases) -> Vec<(&'static str, &'static str)> {
        vec![
            ("yes", p.yes),
            ("no", p.no),
            ("decline", p.decline),
            ("dont_know", p.dont_know),
            ("skip", p.skip),
            ("none_of", p.none_of),
            ("back", p.back),
            ("next", p.next),
            ("question_of", p.question_of),
            ("answer_yes_no", p.answer_yes_no),
            ("answer_one", p.answer_one),
            ("answer_many", p.answer_many),
            ("answer_text", p.answer_text),
            ("answer_date", p.answer_date),
            ("whole_number", p.whole_number),
            ("number", p.number),
            ("from_to", p.from_to),
            ("at_least", p.at_least),
            ("at_most", p.at_most),
            ("optional", p.optional),
            ("finished", p.finished),
        ]
    }

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .match_indices('{')
            .filter_map(|(i, _)| s[i..].find('}').map(|j| &s[i..=i + j]))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_catalogue_has_every_phrase_with_its_placeholders() {
        let en = all(&en::PHRASES);
        for (lang, phrases) in CATALOGUE {
            assert!(crate::language::is_known(lang), "{lang}");
            for ((name, text), (_, english)) in all(phrases).into_iter().zip(&en) {
                assert!(!text.trim().is_empty(), "{lang}.{name} is empty");
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{lang}.{name} must keep the placeholders of en.{name}"
                );
            }
        }
    }

    #[test]
    fn the_catalogue_is_listed_once_per_language() {
        let mut langs: Vec<&str> = languages().collect();
        langs.sort_unstable();
        langs.dedup();
        assert_eq!(langs.len(), CATALOGUE.len());
    }

    #[test]
    fn lookup_falls_back_and_says_so() {
        let sv = lookup("sv", "en");
        assert_eq!((sv.lang, sv.fell_back, sv.phrases.yes), ("sv", false, "Ja"));
        let missing = lookup("qqq", "sv");
        assert_eq!((missing.lang, missing.fell_back), ("sv", true));
        let neither = lookup("qqq", "qqq");
        assert_eq!((neither.lang, neither.fell_back), ("en", true));
        assert!(get("sv").is_some() && get("qqq").is_none());
    }

    #[test]
    fn the_draft_languages_have_their_own_phrases() {
        for (lang, yes) in [
            ("ar", "نعم"),
            ("fa", "بله"),
            ("so", "Haa"),
            ("ti", "እወ"),
            ("sv-x-easy", "Ja"),
        ] {
            let found = lookup(lang, "sv");
            assert_eq!(
                (found.lang, found.fell_back, found.phrases.yes),
                (lang, false, yes)
            );
        }
        assert_eq!(
            Phrases::fill(get("ar").unwrap().from_to, &[("min", "0"), ("max", "10")]),
            "من 0 إلى 10"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Phrases::fill(en::PHRASES.from_to, &[("min", "1"), ("max", "10")]),
            "from 1 to 10"
        );
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(3.0), "3");
    }
}
