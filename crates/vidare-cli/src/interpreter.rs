//! Interpreter mode: the practitioner reads in their language and the
//! person in theirs. The practitioner's text comes first, then the
//! person's on a line marked with its code; the notes, triggers and the
//! result stay in the practitioner's language.
//!
//! Right-to-left text is wrapped in Unicode isolates (FSI … PDI), line by
//! line, so the numbers, ids and codes printed around it keep their order
//! in the terminal.

use std::io::Write;

use vidare::language::{Direction, direction};
use vidare::phrases::{self, Phrases};
use vidare::{Questionnaire, format::ItemKind, questionnaire::ItemRef};

use crate::ui::Ui;

/// First strong isolate: the text's direction is taken from its own
/// letters, and nothing around it is reordered with it.
const FSI: char = '\u{2068}';
/// Pop directional isolate: the end of an [`FSI`].
const PDI: char = '\u{2069}';

/// The person's language in interpreter mode.
#[derive(Debug)]
pub(crate) struct Person {
    /// Its code, as declared.
    pub(crate) lang: String,
    /// The engine's phrases for the person (the practitioner's language
    /// when the person's has none).
    pub(crate) phrases: &'static Phrases,
    /// The person's language has no phrases of its own.
    pub(crate) fell_back: bool,
    direction: Direction,
    /// Which way the phrases run (the fallback's, when they fell back).
    phrases_direction: Direction,
}

impl Person {
    pub(crate) fn new(lang: &str, practitioner: &str) -> Person {
        let lookup = phrases::lookup(lang, practitioner);
        Person {
            lang: lang.to_owned(),
            phrases: lookup.phrases,
            fell_back: lookup.fell_back,
            direction: direction(lang),
            phrases_direction: direction(lookup.lang),
        }
    }

    /// One line of the person's text, marked with its code: `ar: ` and the
    /// text, isolated when it runs right to left.
    pub(crate) fn line(&self, text: &str) -> String {
        format!("{}: {}", self.lang, self.isolate(text))
    }

    /// The person's answer words, marked with the code of the language
    /// they are in (the practitioner's, when the person's has none).
    pub(crate) fn phrase_line(&self, words: &str) -> String {
        let lang = if self.fell_back {
            ""
        } else {
            self.lang.as_str()
        };
        let words = isolate(words, self.phrases_direction);
        if lang.is_empty() {
            words
        } else {
            format!("{lang}: {words}")
        }
    }

    /// A phrase on a menu line, isolated when it runs right to left.
    pub(crate) fn phrase(&self, text: &str) -> String {
        isolate(text, self.phrases_direction)
    }

    /// `text` in the person's language, isolated when it runs right to left.
    pub(crate) fn isolate(&self, text: &str) -> String {
        isolate(text, self.direction)
    }

    /// The person's words for the answers an item offers: "Yes / No",
    /// or how to answer it, then decline, "don't know" and skip when
    /// offered.
    pub(crate) fn answer_words(&self, item: ItemRef<'_>) -> Option<String> {
        let p = self.phrases;
        let mut words = match item.kind() {
            ItemKind::Info => return None,
            ItemKind::YesNo => format!("{} / {}", p.yes, p.no),
            _ => p.how_to_answer(item).unwrap_or_default(),
        };
        if let Some(unit) = item.unit(&self.lang) {
            words.push_str(" (");
            words.push_str(&self.isolate(unit));
            words.push(')');
        }
        let offered = [
            (item.allows_decline(), p.decline),
            (item.allows_dont_know(), p.dont_know),
            (!item.required(), p.skip),
        ];
        for (_, phrase) in offered.iter().filter(|(on, _)| *on) {
            words.push_str(" · ");
            words.push_str(phrase);
        }
        Some(words)
    }
}

/// `text` between isolates, each line on its own, when it runs right to
/// left; as it is otherwise.
fn isolate(text: &str, direction: Direction) -> String {
    if direction == Direction::Ltr {
        return text.to_owned();
    }
    text.lines()
        .map(|line| format!("{FSI}{line}{PDI}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `c` belongs to a right-to-left script (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko, and their presentation forms): letters, marks and the
/// script's own punctuation (`،`, `؟`).
fn rtl_char(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// A letter of a right-to-left script, which starts a run.
fn rtl_letter(c: char) -> bool {
    rtl_char(c) && c.is_alphabetic()
}

/// `line` with each run of right-to-left text that is not yet isolated put
/// between FSI and PDI: from its first right-to-left letter to its last
/// right-to-left character or digit before a left-to-right letter, or to
/// the end of the line (its final punctuation included). So `عنوان
/// (home-safety 1.0.0)` keeps the id and version after the title, and
/// `اتصل بـ 112.` keeps its number and full stop inside.
pub(crate) fn isolate_runs(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 12);
    let mut depth = 0u32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            FSI | '\u{2066}' | '\u{2067}' => depth += 1,
            PDI => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || !rtl_letter(c) {
            out.push(c);
            i += 1;
            continue;
        }
        // The run ends before the next left-to-right letter or isolate.
        let stop = chars[i..]
            .iter()
            .position(|&d| (d.is_alphabetic() && !rtl_letter(d)) || d == FSI || d == PDI)
            .map_or(chars.len(), |p| i + p);
        let last = (i..stop)
            .rev()
            .find(|&k| {
                let d = chars[k];
                rtl_char(d) || d.is_numeric() || (stop == chars.len() && !d.is_whitespace())
            })
            .unwrap_or(i);
        out.push(FSI);
        out.extend(&chars[i..=last]);
        out.push(PDI);
        i = last + 1;
    }
    out
}

/// Standard output with right-to-left runs isolated line by line
/// ([`isolate_runs`]), for everything the interview prints: texts of a
/// right-to-left practitioner's language, and answers typed in one.
pub(crate) struct Isolating<W: Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: Write> Isolating<W> {
    pub(crate) fn new(inner: W) -> Self {
        Isolating {
            inner,
            line: Vec::new(),
        }
    }

    fn write_line(&mut self) -> std::io::Result<()> {
        let bytes = std::mem::take(&mut self.line);
        match std::str::from_utf8(&bytes) {
            Ok(text) => self.inner.write_all(isolate_runs(text).as_bytes()),
            Err(_) => self.inner.write_all(&bytes),
        }
    }
}

impl<W: Write> Write for Isolating<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.write_line()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_line()?;
        self.inner.flush()
    }
}

/// The notes the practitioner reads before the first question: a draft
/// translation in use, interpreter mode, phrases that fell back.
pub(crate) fn notes(
    questionnaire: &Questionnaire,
    practitioner: &str,
    person: Option<&Person>,
    ui: &Ui,
) -> Vec<String> {
    let mut notes = Vec::new();
    let mut in_use = vec![practitioner];
    if let Some(person) = person {
        in_use.push(&person.lang);
        notes.push(
            ui.interpreter
                .replace("{practitioner}", practitioner)
                .replace("{person}", &person.lang),
        );
    }
    for lang in in_use {
        if let Some(l) = questionnaire.language(lang).filter(|l| l.is_draft()) {
            notes.push(
                ui.draft_note
                    .replace("{lang}", lang)
                    .replace("{name}", l.name()),
            );
        }
    }
    if let Some(person) = person.filter(|p| p.fell_back) {
        notes.push(
            ui.phrases_fell_back
                .replace("{lang}", &person.lang)
                .replace("{practitioner}", practitioner),
        );
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_lines_are_isolated_one_by_one() {
        let ar = Person::new("ar", "sv");
        assert_eq!(
            ar.isolate("سطر\nآخر"),
            "\u{2068}سطر\u{2069}\n\u{2068}آخر\u{2069}"
        );
        assert_eq!(ar.line("نعم"), "ar: \u{2068}نعم\u{2069}");
        let so = Person::new("so", "sv");
        assert_eq!(so.line("Haa"), "so: Haa");
    }

    #[test]
    fn runs_of_right_to_left_text_are_isolated_and_ids_stay_outside() {
        let i = |s: &str| format!("{FSI}{s}{PDI}");
        assert_eq!(
            isolate_runs("عنوان (home-safety 1.0.0)"),
            format!("{} (home-safety 1.0.0)", i("عنوان"))
        );
        assert_eq!(
            isolate_runs("  1. yes – نعم"),
            format!("  1. yes – {}", i("نعم"))
        );
        assert_eq!(
            isolate_runs("اتصل بـ 112.\n"),
            format!("{}\n", i("اتصل بـ 112."))
        );
        assert_eq!(
            isolate_runs("هل أنت بأمان؟ (safe)"),
            format!("{} (safe)", i("هل أنت بأمان؟"))
        );
        // Already isolated text and text without right-to-left letters
        // are left as they are.
        let done = format!("ar: {}", i("نعم"));
        assert_eq!(isolate_runs(&done), done);
        assert_eq!(isolate_runs("Fråga 2 av 3"), "Fråga 2 av 3");
    }

    #[test]
    fn the_writer_isolates_whole_lines() {
        let mut out = Isolating::new(Vec::new());
        write!(out, "1. نعم").unwrap();
        writeln!(out, " و لا").unwrap();
        write!(out, "x").unwrap();
        out.flush().unwrap();
        let text = String::from_utf8(out.inner).unwrap();
        assert_eq!(text, format!("1. {FSI}نعم و لا{PDI}\nx"));
    }

    #[test]
    fn phrases_fall_back_to_the_practitioners_language() {
        let person = Person::new("qqq", "sv");
        assert!(person.fell_back);
        assert_eq!(person.phrases.yes, "Ja");
        let en = Person::new("en", "sv");
        assert!(!en.fell_back);
        assert_eq!(en.phrases.yes, "Yes");
    }
}
