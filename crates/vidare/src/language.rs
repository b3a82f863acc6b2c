//! Languages: which codes exist, which way they are written, and how far a
//! questionnaire's translation into each can be trusted.
//!
//! A questionnaire declares its languages in `languages:`. A plain code
//! (`sv`) is a language its authors wrote (status `source`); an entry with a
//! `status` says whether an authorised translator has checked the
//! translation (`reviewed`, with who and when) or not (`draft`). A
//! frontend shows the practitioner a note whenever a `draft` language is in
//! use, because nobody authorised has checked that the person reads what
//! the source says.

use serde::{Deserialize, Serialize};

/// How far a translation can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written by the questionnaire's own authors (the default).
    #[default]
    Source,
    /// Checked by an authorised translator (`reviewed_by`, `reviewed_on`).
    Reviewed,
    /// Translated, but nobody authorised has checked it yet: not for use
    /// with clients before review, and frontends say so to the practitioner.
    Draft,
}

impl Status {
    /// The word the YAML uses (`source`, `reviewed`, `draft`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Source => "source",
            Status::Reviewed => "reviewed",
            Status::Draft => "draft",
        }
    }
}

/// Who reads a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone: every text must exist in it (the default).
    #[default]
    All,
    /// The person only: only the texts the person sees must exist in it
    /// (title, section headings, item texts, help, units, option and scale
    /// labels, image alt texts); the practitioner reads another language.
    Person,
}

impl Audience {
    /// The word the YAML uses (`all`, `person`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Person => "person",
        }
    }
}

/// Which way a language's script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Left to right (Latin, Cyrillic, Ethiopic, ...).
    Ltr,
    /// Right to left (Arabic, Hebrew, Syriac, Thaana scripts).
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`, as HTML's `dir` attribute writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// One declared language of a compiled questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Language {
    pub(crate) code: String,
    pub(crate) status: Status,
    pub(crate) audience: Audience,
    pub(crate) reviewed_by: Option<String>,
    pub(crate) reviewed_on: Option<String>,
}

impl Language {
    /// The BCP 47 code as declared, e.g. `ar` or `sv-x-easy`.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// How far the translation can be trusted.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// Whether a frontend must tell the practitioner that this translation
    /// has not been reviewed.
    #[must_use]
    pub fn is_draft(&self) -> bool {
        self.status == Status::Draft
    }

    /// Who reads it: everyone, or only the person.
    #[must_use]
    pub fn audience(&self) -> Audience {
        self.audience
    }

    /// Who reviewed a `reviewed` translation.
    #[must_use]
    pub fn reviewed_by(&self) -> Option<&str> {
        self.reviewed_by.as_deref()
    }

    /// The day (`YYYY-MM-DD`) a `reviewed` translation was reviewed.
    #[must_use]
    pub fn reviewed_on(&self) -> Option<&str> {
        self.reviewed_on.as_deref()
    }

    /// Which way its script runs ([`direction`]).
    #[must_use]
    pub fn direction(&self) -> Direction {
        direction(&self.code)
    }

    /// Its name in English, e.g. `Arabic` ([`name`]).
    #[must_use]
    pub fn name(&self) -> &'static str {
        name(&self.code).unwrap_or("")
    }
}

/// Primary languages written right to left (in their usual script).
const RTL: &[&str] = &[
    "ar", "fa", "prs", "ckb", "ps", "ur", "he", "yi", "dv", "sd", "ug", "haz", "syr", "aii",
];

/// Scripts (ISO 15924, lower case) that run right to left.
const RTL_SCRIPTS: &[&str] = &["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"];

/// Which way text in `code` runs: a script subtag decides (`ku-arab` is
/// right to left, `az-latn` left to right), otherwise the primary language
/// (`ar`, `fa`, `prs`, `ckb`, `ps`, `ur`, `he` and a few more are right to
/// left). Unknown codes are left to right.
#[must_use]
pub fn direction(code: &str) -> Direction {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    for part in parts {
        if part.eq_ignore_ascii_case("x") {
            break;
        }
        if part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
            let script = part.to_ascii_lowercase();
            return if RTL_SCRIPTS.contains(&script.as_str()) {
                Direction::Rtl
            } else {
                Direction::Ltr
            };
        }
    }
    if RTL.contains(&primary.as_str()) {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// The English name of a code's primary language (with "easy" for the
/// `x-easy` variant), or `None` for a code not in the known list.
#[must_use]
pub fn name(code: &str) -> Option<&'static str> {
    if code == "sv-x-easy" {
        return Some("Easy Swedish");
    }
    let primary = code.split('-').next()?;
    KNOWN
        .binary_search_by_key(&primary, |(c, _)| c)
        .ok()
        .map(|i| KNOWN[i].1)
}

/// The name of a code's language in `lang`: in Swedish (`lang` `sv` or a
/// Swedish variant) for the languages Swedish services meet most, in
/// English otherwise ([`name`]). `None` for a code not in the known list.
///
/// ```
/// use vidare::language::name_in;
/// assert_eq!(name_in("ar", "sv"), Some("arabiska"));
/// assert_eq!(name_in("sv-x-easy", "sv"), Some("lättläst svenska"));
/// assert_eq!(name_in("ar", "en"), Some("Arabic"));
/// ```
#[must_use]
pub fn name_in(code: &str, lang: &str) -> Option<&'static str> {
    let english = name(code)?;
    if lang.split('-').next() != Some("sv") {
        return Some(english);
    }
    if code == "sv-x-easy" {
        return Some("lättläst svenska");
    }
    let primary = code.split('-').next()?;
    Some(
        SWEDISH
            .binary_search_by_key(&primary, |(c, _)| c)
            .map_or(english, |i| SWEDISH[i].1),
    )
}

/// Swedish names, sorted by code: the languages of the known list that
/// Swedish welfare services interpret most (the national minority
/// languages among them); others keep their English name.
const SWEDISH: &[(&str, &str)] = &[
    ("am", "amhariska"),
    ("ar", "arabiska"),
    ("az", "azerbajdzjanska"),
    ("bg", "bulgariska"),
    ("bn", "bengali"),
    ("bs", "bosniska"),
    ("ckb", "soranî (centralkurdiska)"),
    ("cs", "tjeckiska"),
    ("da", "danska"),
    ("de", "tyska"),
    ("el", "grekiska"),
    ("en", "engelska"),
    ("es", "spanska"),
    ("et", "estniska"),
    ("fa", "persiska"),
    ("fi", "finska"),
    ("fit", "meänkieli"),
    ("fr", "franska"),
    ("he", "hebreiska"),
    ("hi", "hindi"),
    ("hr", "kroatiska"),
    ("hu", "ungerska"),
    ("hy", "armeniska"),
    ("it", "italienska"),
    ("ja", "japanska"),
    ("ka", "georgiska"),
    ("kmr", "kurmanji (nordkurdiska)"),
    ("ko", "koreanska"),
    ("ku", "kurdiska"),
    ("lt", "litauiska"),
    ("lv", "lettiska"),
    ("mk", "makedonska"),
    ("mn", "mongoliska"),
    ("my", "burmesiska"),
    ("ne", "nepali"),
    ("nl", "nederländska"),
    ("no", "norska"),
    ("om", "oromo"),
    ("pl", "polska"),
    ("prs", "dari"),
    ("ps", "pashto"),
    ("pt", "portugisiska"),
    ("ro", "rumänska"),
    ("rom", "romani"),
    ("ru", "ryska"),
    ("se", "nordsamiska"),
    ("sk", "slovakiska"),
    ("sl", "slovenska"),
    ("so", "somaliska"),
    ("sq", "albanska"),
    ("sr", "serbiska"),
    ("sv", "svenska"),
    ("sw", "swahili"),
    ("th", "thailändska"),
    ("ti", "tigrinja"),
    ("tr", "turkiska"),
    ("uk", "ukrainska"),
    ("ur", "urdu"),
    ("uz", "uzbekiska"),
    ("vi", "vietnamesiska"),
    ("yi", "jiddisch"),
    ("zh", "kinesiska"),
];

/// Whether `code` is a well-formed BCP 47 tag (in lower case) whose
/// primary language is in the known list.
#[must_use]
pub fn is_known(code: &str) -> bool {
    check(code).is_ok()
}

/// What is wrong with a language code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CodeProblem {
    /// Not BCP 47 syntax (in lower case); the message says why.
    Syntax(&'static str),
    /// Well formed, but the primary language is not in the known list;
    /// with the closest known code, if any is close.
    Unknown(Option<&'static str>),
}

/// Checks a code: BCP 47 syntax in lower case (language, then optional
/// script, region, variants, and a private-use part `x-...`), and a primary
/// language from the known list.
pub(crate) fn check(code: &str) -> Result<(), CodeProblem> {
    syntax(code).map_err(CodeProblem::Syntax)?;
    let primary = code.split('-').next().unwrap_or("");
    if KNOWN.binary_search_by_key(&primary, |(c, _)| c).is_ok() {
        Ok(())
    } else {
        Err(CodeProblem::Unknown(closest(primary)))
    }
}

fn syntax(code: &str) -> Result<(), &'static str> {
    if code.len() > 35 {
        return Err("it is longer than 35 characters");
    }
    if code.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("write it in lower case");
    }
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_lowercase()) {
        return Err("it must start with a language of 2 or 3 letters");
    }
    let mut private = false;
    for part in parts {
        let alnum = part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if part.is_empty() || part.len() > 8 || !alnum {
            return Err("each part after `-` has 1 to 8 letters or digits");
        }
        if private {
            continue;
        }
        if part == "x" {
            private = true;
            continue;
        }
        let digits = part.chars().all(|c| c.is_ascii_digit());
        let letters = part.chars().all(|c| c.is_ascii_lowercase());
        // Script (4 letters) or region (2 letters, or 3 digits); variants
        // have 5 to 8 characters, or 4 starting with a digit.
        let ok = ((part.len() == 2 || part.len() == 4) && letters)
            || (part.len() == 3 && digits)
            || part.len() >= 5
            || (part.len() == 4 && part.starts_with(|c: char| c.is_ascii_digit()));
        if !ok {
            return Err(
                "after the language come a script (4 letters), a region (2 letters), variants, or `x-` and a private part",
            );
        }
    }
    if code.ends_with("-x") {
        return Err("`x-` must be followed by a private part, e.g. `sv-x-easy`");
    }
    Ok(())
}

/// The known code closest to an unknown one: its two-letter form when it
/// is a three-letter ISO 639-2 code (`ara` → `ar`), else the most similar.
fn closest(primary: &str) -> Option<&'static str> {
    if let Some((_, short)) = LONG_FORMS.iter().find(|(long, _)| *long == primary) {
        return Some(short);
    }
    crate::suggest::did_you_mean(primary, KNOWN.iter().map(|(c, _)| *c))
}

/// Three-letter ISO 639-2 codes (bibliographic and terminological) of
/// languages that have a two-letter code, which BCP 47 requires instead.
const LONG_FORMS: &[(&str, &str)] = &[
    ("alb", "sq"),
    ("amh", "am"),
    ("ara", "ar"),
    ("bos", "bs"),
    ("chi", "zh"),
    ("dan", "da"),
    ("deu", "de"),
    ("eng", "en"),
    ("est", "et"),
    ("fas", "fa"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("fre", "fr"),
    ("ger", "de"),
    ("heb", "he"),
    ("hrv", "hr"),
    ("ita", "it"),
    ("kur", "ku"),
    ("nor", "no"),
    ("per", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("pus", "ps"),
    ("ron", "ro"),
    ("rum", "ro"),
    ("rus", "ru"),
    ("som", "so"),
    ("spa", "es"),
    ("sqi", "sq"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tha", "th"),
    ("tir", "ti"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("vie", "vi"),
    ("zho", "zh"),
];

/// Known primary languages, sorted by code: every ISO 639-1 code, and the
/// ISO 639-3 codes of languages without one that the services meet
/// (Dari, Sorani, Kurmanji, Hazaragi, Assyrian, the Sami languages and
/// Meänkieli among them).
const KNOWN: &[(&str, &str)] = &[
    ("aa", "Afar"),
    ("ab", "Abkhazian"),
    ("ae", "Avestan"),
    ("af", "Afrikaans"),
    ("aii", "Assyrian Neo-Aramaic"),
    ("ak", "Akan"),
    ("am", "Amharic"),
    ("an", "Aragonese"),
    ("ar", "Arabic"),
    ("as", "Assamese"),
    ("av", "Avaric"),
    ("ay", "Aymara"),
    ("az", "Azerbaijani"),
    ("ba", "Bashkir"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bi", "Bislama"),
    ("bm", "Bambara"),
    ("bn", "Bengali"),
    ("bo", "Tibetan"),
    ("br", "Breton"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("ce", "Chechen"),
    ("ch", "Chamorro"),
    ("ckb", "Central Kurdish (Sorani)"),
    ("co", "Corsican"),
    ("cr", "Cree"),
    ("cs", "Czech"),
    ("cu", "Church Slavic"),
    ("cv", "Chuvash"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("dv", "Dhivehi"),
    ("dz", "Dzongkha"),
    ("ee", "Ewe"),
    ("el", "Greek"),
    ("en", "English"),
    ("eo", "Esperanto"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("ff", "Fulah"),
    ("fi", "Finnish"),
    ("fil", "Filipino"),
    ("fit", "Meänkieli"),
    ("fj", "Fijian"),
    ("fo", "Faroese"),
    ("fr", "French"),
    ("fy", "Western Frisian"),
    ("ga", "Irish"),
    ("gd", "Scottish Gaelic"),
    ("gl", "Galician"),
    ("gn", "Guarani"),
    ("gu", "Gujarati"),
    ("gv", "Manx"),
    ("ha", "Hausa"),
    ("haz", "Hazaragi"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("ho", "Hiri Motu"),
    ("hr", "Croatian"),
    ("ht", "Haitian Creole"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("hz", "Herero"),
    ("ia", "Interlingua"),
    ("id", "Indonesian"),
    ("ie", "Interlingue"),
    ("ig", "Igbo"),
    ("ii", "Sichuan Yi"),
    ("ik", "Inupiaq"),
    ("io", "Ido"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("iu", "Inuktitut"),
    ("ja", "Japanese"),
    ("jv", "Javanese"),
    ("ka", "Georgian"),
    ("kg", "Kongo"),
    ("ki", "Kikuyu"),
    ("kj", "Kuanyama"),
    ("kk", "Kazakh"),
    ("kl", "Kalaallisut"),
    ("km", "Khmer"),
    ("kmr", "Northern Kurdish (Kurmanji)"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("kr", "Kanuri"),
    ("ks", "Kashmiri"),
    ("ku", "Kurdish"),
    ("kv", "Komi"),
    ("kw", "Cornish"),
    ("ky", "Kyrgyz"),
    ("la", "Latin"),
    ("lb", "Luxembourgish"),
    ("lg", "Ganda"),
    ("li", "Limburgish"),
    ("ln", "Lingala"),
    ("lo", "Lao"),
    ("lt", "Lithuanian"),
    ("lu", "Luba-Katanga"),
    ("lv", "Latvian"),
    ("mg", "Malagasy"),
    ("mh", "Marshallese"),
    ("mi", "Maori"),
    ("mk", "Macedonian"),
    ("ml", "Malayalam"),
    ("mn", "Mongolian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("mt", "Maltese"),
    ("my", "Burmese"),
    ("na", "Nauru"),
    ("nb", "Norwegian Bokmål"),
    ("nd", "North Ndebele"),
    ("ne", "Nepali"),
    ("ng", "Ndonga"),
    ("nl", "Dutch"),
    ("nn", "Norwegian Nynorsk"),
    ("no", "Norwegian"),
    ("nr", "South Ndebele"),
    ("nv", "Navajo"),
    ("ny", "Chichewa"),
    ("oc", "Occitan"),
    ("oj", "Ojibwa"),
    ("om", "Oromo"),
    ("or", "Odia"),
    ("os", "Ossetian"),
    ("pa", "Punjabi"),
    ("pi", "Pali"),
    ("pl", "Polish"),
    ("prs", "Dari"),
    ("ps", "Pashto"),
    ("pt", "Portuguese"),
    ("qu", "Quechua"),
    ("rm", "Romansh"),
    ("rn", "Kirundi"),
    ("ro", "Romanian"),
    ("rom", "Romani"),
    ("ru", "Russian"),
    ("rw", "Kinyarwanda"),
    ("sa", "Sanskrit"),
    ("sc", "Sardinian"),
    ("sd", "Sindhi"),
    ("se", "Northern Sami"),
    ("sg", "Sango"),
    ("si", "Sinhala"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sm", "Samoan"),
    ("sma", "Southern Sami"),
    ("smj", "Lule Sami"),
    ("smn", "Inari Sami"),
    ("sms", "Skolt Sami"),
    ("sn", "Shona"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("ss", "Swati"),
    ("st", "Southern Sotho"),
    ("su", "Sundanese"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("syr", "Syriac"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("tg", "Tajik"),
    ("th", "Thai"),
    ("ti", "Tigrinya"),
    ("tk", "Turkmen"),
    ("tl", "Tagalog"),
    ("tn", "Tswana"),
    ("to", "Tongan"),
    ("tr", "Turkish"),
    ("ts", "Tsonga"),
    ("tt", "Tatar"),
    ("tw", "Twi"),
    ("ty", "Tahitian"),
    ("ug", "Uyghur"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("ve", "Venda"),
    ("vi", "Vietnamese"),
    ("vo", "Volapük"),
    ("wa", "Walloon"),
    ("wo", "Wolof"),
    ("xh", "Xhosa"),
    ("yi", "Yiddish"),
    ("yo", "Yoruba"),
    ("yue", "Cantonese"),
    ("za", "Zhuang"),
    ("zh", "Chinese"),
    ("zu", "Zulu"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn swedish_names_are_sorted_and_known() {
        assert!(super::SWEDISH.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _) in super::SWEDISH {
            assert!(
                super::name(code).is_some(),
                "{code} is not a known language"
            );
        }
        assert_eq!(super::name_in("ti", "sv-x-easy"), Some("tigrinja"));
        assert_eq!(super::name_in("xh", "sv"), Some("Xhosa"));
        assert_eq!(super::name_in("qq", "sv"), None);
    }

    use super::*;

    #[test]
    fn the_known_list_is_sorted_so_lookups_find_every_code() {
        assert!(KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, name) in KNOWN {
            assert_eq!(super::name(code), Some(*name));
        }
    }

    #[test]
    fn codes_the_services_meet_are_known() {
        for code in [
            "sv",
            "en",
            "ar",
            "fa",
            "prs",
            "ckb",
            "so",
            "ti",
            "pl",
            "es",
            "sq",
            "bs",
            "hr",
            "sr",
            "sv-x-easy",
            "sr-latn",
            "pt-br",
            "ku-arab",
            "de-1996",
        ] {
            assert!(is_known(code), "{code}");
        }
    }

    #[test]
    fn unknown_codes_name_the_closest() {
        assert_eq!(check("ara"), Err(CodeProblem::Unknown(Some("ar"))));
        assert_eq!(check("swe"), Err(CodeProblem::Unknown(Some("sv"))));
        assert_eq!(
            check("xyzzy"),
            Err(CodeProblem::Syntax(
                "it must start with a language of 2 or 3 letters"
            ))
        );
        assert_eq!(check("qqq"), Err(CodeProblem::Unknown(None)));
        assert!(matches!(check("sv-SE"), Err(CodeProblem::Syntax(_))));
        assert!(matches!(check("sv-x"), Err(CodeProblem::Syntax(_))));
        assert!(matches!(check("sv--x"), Err(CodeProblem::Syntax(_))));
        assert!(matches!(check("s"), Err(CodeProblem::Syntax(_))));
        assert!(matches!(check("sv-abc"), Err(CodeProblem::Syntax(_))));
    }

    #[test]
    fn direction_follows_the_script_then_the_language() {
        for rtl in [
            "ar",
            "fa",
            "prs",
            "ckb",
            "ps",
            "ur",
            "he",
            "ku-arab",
            "ar-x-easy",
        ] {
            assert_eq!(direction(rtl), Direction::Rtl, "{rtl}");
        }
        for ltr in [
            "sv",
            "en",
            "so",
            "ti",
            "sv-x-easy",
            "ku",
            "az-latn",
            "ar-latn",
            "zz",
        ] {
            assert_eq!(direction(ltr), Direction::Ltr, "{ltr}");
        }
    }
}
