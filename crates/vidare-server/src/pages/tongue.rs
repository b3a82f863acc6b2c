//! The languages of the texts on a page: each text element carries the
//! `lang` and `dir` of the language it is written in, which need not be
//! the page's own (the page's buttons are in Swedish or English; the
//! questionnaire's texts are in the session's language, and in
//! interpreter mode also in the person's).

use super::ui::Ui;

/// A language texts are shown in: its code and writing direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tongue<'a> {
    /// The BCP 47 code, as the questionnaire declares it.
    pub code: &'a str,
    /// `rtl` or `ltr`.
    pub dir: &'static str,
}

impl<'a> Tongue<'a> {
    /// The language `code`, with the direction the core gives it.
    pub(crate) fn of(code: &'a str) -> Self {
        Tongue {
            code,
            dir: direction(code),
        }
    }
}

/// The writing direction of `code`, as the `dir` attribute spells it
/// (the core decides which languages run right to left).
pub(crate) fn direction(code: &str) -> &'static str {
    vidare::language::direction(code).as_str()
}

/// A language's name in itself (its autonym), to show where the person
/// may read it; the code itself for a language not listed here.
pub(crate) fn autonym(code: &str) -> &str {
    match code {
        "sv" => "Svenska",
        "sv-x-easy" => "Lättläst svenska",
        "en" => "English",
        "ar" => "العربية",
        "fa" => "فارسی",
        "prs" => "دری",
        "ckb" => "کوردیی ناوەندی",
        "ps" => "پښتو",
        "ur" => "اردو",
        "he" => "עברית",
        "so" => "Soomaali",
        "ti" => "ትግርኛ",
        "am" => "አማርኛ",
        "pl" => "Polski",
        "es" => "Español",
        "sq" => "Shqip",
        "bs" => "Bosanski",
        "hr" => "Hrvatski",
        "sr" => "Srpski",
        other => other,
    }
}

pub(crate) use vidare::language::Status as Checked;

/// The status of `code` in `q` (the authors' own for an undeclared code).
pub(crate) fn status(q: &vidare::Questionnaire, code: &str) -> Checked {
    q.language(code)
        .map_or(Checked::Source, vidare::language::Language::status)
}

/// What the page says about a status, in the practitioner's language.
pub(crate) fn status_text(ui: &Ui, checked: Checked) -> Option<&'static str> {
    match checked {
        Checked::Reviewed => Some(ui.status_reviewed),
        Checked::Draft => Some(ui.status_draft),
        Checked::Source => None,
    }
}

/// The phrases next to a question that the person reads ("Yes",
/// "Prefer not to answer", what a number field takes), from the core's
/// catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phrases {
    /// The phrases.
    pub texts: &'static vidare::phrases::Phrases,
    /// The language they are in (the person's, or the fallback).
    pub code: &'static str,
    /// Whether the person's language has none and these are the
    /// practitioner's.
    pub fell_back: bool,
}

/// The phrases in `code`, else in the practitioner's language.
pub(crate) fn phrases(code: &str, ui: &Ui) -> Phrases {
    let found = vidare::phrases::lookup(code, ui.lang);
    Phrases {
        texts: found.phrases,
        code: found.lang,
        fell_back: found.fell_back,
    }
}
