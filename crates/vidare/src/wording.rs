//! The engine's own words in a result, for the practitioner: why a score
//! has no value. Questionnaire texts come from the questionnaire; these are
//! the few phrases the engine makes itself, in every language a result can
//! be read in (Swedish and English). A language without them (a language
//! only the person reads) gets the questionnaire's default language, as the
//! questionnaire's own practitioner texts do, and English after that.

/// The phrases of one language; `{k}`, `{n}` and `{terms}` are filled in.
struct Wording {
    lang: &'static str,
    one_of: &'static str,
    some_of: &'static str,
    one_needed: &'static str,
    some_needed: &'static str,
    none_known: &'static str,
    too_large: &'static str,
}

const EN: Wording = Wording {
    lang: "en",
    one_of: "only 1 of {terms} terms has a value",
    some_of: "only {k} of {terms} terms have a value",
    one_needed: "at least 1 is needed",
    some_needed: "at least {n} are needed",
    none_known: "no term has a value",
    too_large: "its terms add up to a number too large to represent",
};

const SV: Wording = Wording {
    lang: "sv",
    one_of: "bara 1 av {terms} delar har ett värde",
    some_of: "bara {k} av {terms} delar har ett värde",
    one_needed: "minst 1 behövs",
    some_needed: "minst {n} behövs",
    none_known: "ingen del har ett värde",
    too_large: "delarna blir tillsammans ett för stort tal",
};

/// English first: the last resort.
const CATALOGUE: &[&Wording] = &[&EN, &SV];

/// The languages the engine's own words exist in.
pub fn languages() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|w| w.lang)
}

fn wording(lang: &str, default: &str) -> &'static Wording {
    let find = |l: &str| CATALOGUE.iter().copied().find(|w| w.lang == l);
    find(lang).or_else(|| find(default)).unwrap_or(&EN)
}

/// Why a score has no value, in `lang` (else `default`, else English).
pub(crate) fn missing_reason(
    lang: &str,
    default: &str,
    known: u32,
    min_answered: u32,
    terms: u32,
) -> String {
    let w = wording(lang, default);
    let fill = |t: &str| {
        t.replace("{k}", &known.to_string())
            .replace("{n}", &min_answered.to_string())
            .replace("{terms}", &terms.to_string())
    };
    if known < min_answered {
        let have = fill(if known == 1 { w.one_of } else { w.some_of });
        let needed = fill(if min_answered == 1 {
            w.one_needed
        } else {
            w.some_needed
        });
        format!("{have}; {needed}")
    } else if known == 0 {
        w.none_known.to_owned()
    } else {
        // Only a total beyond an f64 leaves a score with terms enough and
        // no value (`session::score`).
        w.too_large.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_swedish_and_english_and_the_default_for_other_languages() {
        assert_eq!(
            missing_reason("en", "sv", 3, 4, 5),
            "only 3 of 5 terms have a value; at least 4 are needed"
        );
        assert_eq!(
            missing_reason("sv", "sv", 1, 2, 5),
            "bara 1 av 5 delar har ett värde; minst 2 behövs"
        );
        assert_eq!(
            missing_reason("ar", "sv", 0, 0, 2),
            "ingen del har ett värde"
        );
        assert_eq!(missing_reason("ar", "pl", 0, 0, 2), "no term has a value");
        assert_eq!(
            missing_reason("sv", "sv", 2, 2, 2),
            "delarna blir tillsammans ett för stort tal"
        );
    }
}
