//! Generated questionnaires of any size, shared by the benchmarks.

use std::fmt::Write as _;

/// The kind of the item at `index` in a generated questionnaire.
fn generated_kind(index: usize) -> &'static str {
    match index % 4 {
        0 => "yes_no",
        1 => "single_choice",
        2 => "scale",
        _ => "number",
    }
}

/// The source text of a valid questionnaire with `n` items (`n` ≥ 10, a
/// multiple of 10): sections of 10 items; kinds cycling yes/no, single
/// choice (three options with score weights), scale 1..5 and number; every
/// third item shown only when the nearest earlier yes/no item is "yes";
/// three derived values, a sum score with two bands that tile its range,
/// and two triggers.
pub fn generated(n: usize) -> String {
    assert!(
        n >= 10 && n.is_multiple_of(10),
        "generated questionnaires have whole sections of 10 items"
    );
    let mut y = String::with_capacity(n * 260 + 2048);
    y.push_str(
        "format: 1\n\
         id: generated\n\
         version: 1.0.0\n\
         title:\n  sv: Genererat formulär\n  en: Generated questionnaire\n\
         languages: [sv, en]\n\
         default_language: sv\n\
         sections:\n",
    );
    for section in 0..n / 10 {
        let _ = write!(
            y,
            "  - id: s{section}\n    title:\n      sv: Avsnitt {section}\n      en: Section {section}\n    items:\n"
        );
        for i in section * 10..section * 10 + 10 {
            let kind = generated_kind(i);
            let _ = write!(
                y,
                "      - id: q{i}\n        kind: {kind}\n        text:\n          sv: Fråga {i}?\n          en: Question {i}?\n"
            );
            if i % 3 == 2 {
                // The nearest yes/no item before this one.
                let gate = (i - 1) / 4 * 4;
                let _ = writeln!(y, "        when: q{gate} == true");
            }
            match kind {
                "single_choice" => y.push_str(
                    "        options:\n\
                     \x20         - value: low\n\
                     \x20           label: { sv: Låg, en: Low }\n\
                     \x20           score: 0\n\
                     \x20         - value: medium\n\
                     \x20           label: { sv: Mellan, en: Medium }\n\
                     \x20           score: 1\n\
                     \x20         - value: high\n\
                     \x20           label: { sv: Hög, en: High }\n\
                     \x20           score: 2\n",
                ),
                "scale" => y.push_str("        min: 1\n        max: 5\n"),
                "number" => y.push_str("        min: 0\n        max: 120\n        integer: true\n"),
                _ => {}
            }
        }
    }
    // q0 yes/no (0..1) + q1 single choice (0..2) + q2 scale (1..5): 1..8.
    y.push_str(
        "derived:\n\
         \x20 - id: any_yes\n\
         \x20   value: q0 == true || q4 == true || q8 == true\n\
         \x20 - id: scale_plus_number\n\
         \x20   value: q2 + q3\n\
         \x20 - id: level\n\
         \x20   cases:\n\
         \x20     - value: high\n\
         \x20       when: q1 == \"high\" || q5 == \"high\"\n\
         \x20     - value: not_high\n\
         \x20       when: q1 != \"high\" && q5 != \"high\"\n\
         scores:\n\
         \x20 - id: total\n\
         \x20   method: sum\n\
         \x20   over: [q0, q1, q2]\n\
         \x20   bands:\n\
         \x20     - id: low\n\
         \x20       min: 1\n\
         \x20       max: 4\n\
         \x20       label: { sv: Låg, en: Low }\n\
         \x20     - id: high\n\
         \x20       min: 5\n\
         \x20       max: 8\n\
         \x20       label: { sv: Hög, en: High }\n\
         triggers:\n\
         \x20 - id: total_high\n\
         \x20   when: total >= 5\n\
         \x20   urgency: soon\n\
         \x20   refer_to: follow-up\n\
         \x20   text:\n\
         \x20     sv: Högt totalvärde. Boka uppföljning.\n\
         \x20     en: High total. Book a follow-up.\n\
         \x20 - id: high_level\n\
         \x20   when: any_yes == true && level == \"high\"\n\
         \x20   urgency: routine\n\
         \x20   refer_to: support\n\
         \x20   text:\n\
         \x20     sv: Erbjud stödsamtal.\n\
         \x20     en: Offer a support conversation.\n",
    );
    y
}
