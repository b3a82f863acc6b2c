//! Printing: questions for scripted input, immediate triggers, the result.
//! Nothing here decides anything; it lays out what the core returned.

use std::fmt::Write as _;

use vidare::analysis::{Counterfactual, Verdict};
use vidare::diagnostic::escape_controls;
use vidare::{
    Outcome, Questionnaire, Value, format::ItemKind, format::Urgency, outcome::Evidence,
    outcome::TriggerRecord, questionnaire::ItemRef,
};

use crate::interpreter::Person;
use crate::interview::{Asking, Command};
use crate::ui::Ui;
use crate::width;

/// A value as a person reads it. Text comes from whoever typed it or from
/// a saved file, so its control characters are shown as escapes and never
/// reach the terminal.
pub(crate) fn value(v: &Value, ui: &Ui) -> String {
    match v {
        Value::Bool(true) => ui.yes.to_owned(),
        Value::Bool(false) => ui.no.to_owned(),
        Value::Number(n) => number(*n),
        Value::Text(s) => escape_controls(s).into_owned(),
        Value::List(list) => escape_controls(&list.join(", ")).into_owned(),
    }
}

/// A number without a trailing `.0`.
pub(crate) fn number(n: f64) -> String {
    format!("{n}")
}

/// The commands offered at an item, with their scripted spelling and label.
pub(crate) fn commands(item: ItemRef<'_>, ui: &Ui) -> Vec<(Command, &'static str, &'static str)> {
    let mut list = vec![(Command::Back, ":back", ui.back)];
    if item.allows_decline() {
        list.push((Command::Decline, ":decline", ui.decline));
    }
    if item.allows_dont_know() {
        list.push((Command::DontKnow, ":dontknow", ui.dont_know));
    }
    if !item.required() {
        list.push((Command::Skip, ":skip", ui.skip));
    }
    list.push((Command::Quit, ":quit", ui.quit));
    list
}

/// "Question 3 of about 10", with who answers when it is the practitioner.
pub(crate) fn progress(item: ItemRef<'_>, progress: (usize, usize), ui: &Ui) -> String {
    let (done, total) = progress;
    let mut line = format!(
        "{} {} {} {}",
        ui.question,
        (done + 1).min(total.max(1)),
        ui.of_about,
        total
    );
    if item.answered_by() == vidare::format::AnsweredBy::Practitioner {
        let _ = write!(line, " ({})", ui.by_practitioner);
    }
    line
}

/// What an item accepts, in a few words, for a typed answer.
pub(crate) fn accepts(item: ItemRef<'_>, lang: &str, ui: &Ui) -> String {
    let (min, max) = item.range();
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!(" {} – {}", number(lo), number(hi)),
        (Some(lo), None) => format!(" ≥ {}", number(lo)),
        (None, Some(hi)) => format!(" ≤ {}", number(hi)),
        (None, None) => String::new(),
    };
    match item.kind() {
        ItemKind::YesNo => ui.accepts_yes_no.to_owned(),
        ItemKind::Scale => format!("{}{range}", ui.accepts_scale),
        ItemKind::Number => {
            let unit = item
                .unit(lang)
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            format!("{}{range}{unit}", ui.accepts_number)
        }
        ItemKind::Text => ui.accepts_text.to_owned(),
        ItemKind::Date => ui.accepts_date.to_owned(),
        ItemKind::SingleChoice => ui.accepts_one.to_owned(),
        ItemKind::MultipleChoice => ui.accepts_many.to_owned(),
        ItemKind::Info => String::new(),
    }
}

/// The person's language at this item in interpreter mode; `None` for a
/// question the practitioner answers, which the person does not read.
pub(crate) fn person<'a>(asking: &Asking<'a>) -> Option<&'a Person> {
    asking
        .person
        .filter(|_| asking.item.answered_by() == vidare::format::AnsweredBy::Person)
}

/// ` · ar: ` and the person's label, in interpreter mode.
pub(crate) fn beside(person: Option<&Person>, label: impl FnOnce(&str) -> String) -> String {
    person.map_or_else(String::new, |p| format!(" · {}", p.line(&label(&p.lang))))
}

/// The question as printed in scripted mode: progress, text, help, what
/// it accepts, the suggestion and the commands; in interpreter mode each
/// text the person reads is followed by theirs.
pub(crate) fn question(asking: &Asking<'_>) -> String {
    let Asking { item, lang, ui, .. } = *asking;
    let person = person(asking);
    let mut s = String::new();
    let _ = writeln!(s, "\n{}", progress(item, asking.progress, ui));
    if let Some(line) = follows(asking) {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "{}", item.text(lang));
    if let Some(p) = person {
        let _ = writeln!(s, "{}", p.line(item.text(&p.lang)));
    }
    if let Some(help) = item.help(lang) {
        let _ = writeln!(s, "  {help}");
        if let Some(theirs) = person.and_then(|p| item.help(&p.lang).map(|h| p.line(h))) {
            let _ = writeln!(s, "  {theirs}");
        }
    }
    // Options by number and label: the values are the questionnaire's ids,
    // which a caseworker need not read (they can still be typed after `=`).
    for (n, option) in item.options().enumerate() {
        let theirs = beside(person, |l| option.label(l).to_owned());
        let _ = writeln!(s, "  {}. {}{theirs}", n + 1, option.label(lang));
    }
    for (point, label) in item.scale_labels(lang) {
        let theirs = beside(person, |l| {
            item.scale_labels(l)
                .find(|(p, _)| *p == point)
                .map(|(_, t)| t.to_owned())
                .unwrap_or_default()
        });
        let _ = writeln!(s, "  {point} = {label}{theirs}");
    }
    let _ = writeln!(s, "  [{}]", accepts(item, lang, ui));
    if let Some(words) = person.and_then(|p| p.answer_words(item).map(|w| p.phrase_line(&w))) {
        let _ = writeln!(s, "  {words}");
    }
    if let Some(v) = &asking.suggestion {
        let _ = writeln!(
            s,
            "  {}: {} ({})",
            ui.suggested,
            value(v, ui),
            ui.empty_accepts
        );
    }
    let spelled: Vec<&str> = commands(item, ui).iter().map(|(_, c, _)| *c).collect();
    let _ = writeln!(s, "  {}", spelled.join(" "));
    s
}

/// The line that says which question a follow-up is about.
pub(crate) fn follows(asking: &Asking<'_>) -> Option<String> {
    asking
        .follows
        .map(|question| format!("({}: {question})", asking.ui.follows))
}

/// An immediate trigger, boxed so it cannot be missed, as wide as the
/// terminal allows.
pub(crate) fn immediate(trigger: &TriggerRecord, q: &Questionnaire, lang: &str, ui: &Ui) -> String {
    let width = width::columns();
    let head = format!("+-- {} ", ui.immediate);
    let mut s = format!(
        "\n{head}{}\n",
        "-".repeat(width.saturating_sub(width::of(&head)))
    );
    let said = format!("{}: {}", ui.refer_to, referral(q, &trigger.refer_to, lang));
    for line in width::wrap(&said, width - 2)
        .iter()
        .chain(&width::wrap(&trigger.text, width - 2))
    {
        let _ = writeln!(s, "| {line}");
    }
    let _ = writeln!(s, "+{}", "-".repeat(width - 1));
    s
}

/// The notice that an immediate trigger shown earlier no longer holds,
/// naming the referral it asked for.
pub(crate) fn withdrawn(trigger: &str, q: &Questionnaire, lang: &str, ui: &Ui) -> String {
    let refer_to = q
        .document()
        .triggers
        .iter()
        .find(|t| t.id.value == trigger)
        .map_or(trigger, |t| t.refer_to.value.as_str());
    let referral = referral(q, refer_to, lang);
    format!("\n-- {} ({referral}): {} --\n", ui.immediate, ui.withdrawn)
}

/// What a referral is called in `lang`; the key itself when the
/// questionnaire names none (`referrals:` came with violence-seven 2.2.0).
fn referral<'q>(q: &'q Questionnaire, refer_to: &'q str, lang: &str) -> &'q str {
    q.referral_label(refer_to, lang).unwrap_or(refer_to)
}

/// The result for a person: status, referrals by urgency with evidence,
/// scores with bands, derived values.
pub(crate) fn result(outcome: &Outcome, q: &Questionnaire, title: &str, ui: &Ui) -> String {
    let said = Said { outcome, q, ui };
    let mut s = String::new();
    let q = &outcome.questionnaire;
    let _ = writeln!(s, "\n== {}: {title} ({} {}) ==", ui.result, q.id, q.version);
    let mut status = format!(
        "{} · {} {}",
        if outcome.finished {
            ui.finished
        } else {
            ui.not_finished
        },
        outcome.answers.len(),
        ui.answers
    );
    let counts: Vec<String> = [
        ("declined", ui.declined),
        ("dont_know", ui.dont_know_count),
        ("skipped", ui.skipped),
    ]
    .into_iter()
    .filter_map(|(kind, word)| {
        let n = outcome
            .answers
            .iter()
            .filter(|a| a.response == kind)
            .count();
        (n > 0).then(|| format!("{n} {word}"))
    })
    .collect();
    if !counts.is_empty() {
        let _ = write!(status, " ({})", counts.join(", "));
    }
    let _ = writeln!(s, "{status}");
    if let Some(end) = &outcome.ended_by {
        let _ = writeln!(s, "{}: {}", ui.ended_early, end.text);
    }

    let _ = writeln!(s, "\n{}", ui.triggers);
    if outcome.triggers.is_empty() {
        let _ = writeln!(s, "  {}", ui.no_triggers);
    }
    for (n, urgency) in [Urgency::Immediate, Urgency::Soon, Urgency::Routine]
        .into_iter()
        .enumerate()
    {
        let group: Vec<&TriggerRecord> = outcome
            .triggers
            .iter()
            .filter(|t| t.urgency == urgency)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {}", ui.urgency[n]);
        for t in group {
            let label = referral(said.q, &t.refer_to, &outcome.language);
            let _ = writeln!(s, "    {}: {label}", ui.refer_to);
            for line in width::wrap(&t.text, width::columns().saturating_sub(6)) {
                let _ = writeln!(s, "      {line}");
            }
            let _ = writeln!(s, "      {}:", ui.because);
            for e in &t.evidence {
                let lines = width::wrap(&said.evidence(e), width::columns().saturating_sub(10));
                for (n, line) in lines.iter().enumerate() {
                    let _ = writeln!(s, "        {} {line}", if n == 0 { "-" } else { " " });
                }
            }
        }
    }

    if !outcome.scores.is_empty() {
        let _ = writeln!(s, "\n{}", ui.scores);
        for score in &outcome.scores {
            let name = labelled(score.label.as_deref(), &score.id);
            let shown = match (score.value, &score.band) {
                (Some(v), Some(band)) => format!("{} – {}", number(v), band.label),
                (Some(v), None) => number(v),
                (None, _) => format!(
                    "{}: {}",
                    ui.no_value,
                    score.missing_reason.as_deref().unwrap_or_default()
                ),
            };
            let _ = writeln!(
                s,
                "  {name}: {shown} ({}/{} {})",
                score.answered, score.terms, ui.of_terms
            );
        }
    }

    if !outcome.derived.is_empty() {
        let _ = writeln!(s, "\n{}", ui.derived);
        for d in &outcome.derived {
            let name = labelled(d.label.as_deref(), &d.id);
            let shown = match &d.value {
                Some(v) => said.derived(&d.id, v),
                None => ui.unknown.to_owned(),
            };
            let _ = writeln!(s, "  {name}: {shown}");
        }
    }
    s
}

/// "Would the result differ with another gender?", one line per
/// protected item of `protected`, answered from the counterfactual check.
/// Nothing when the questionnaire has no protected item. A difference (an
/// engine fault) is followed by the check's full report.
pub(crate) fn counterfactual(check: &Counterfactual, protected: &[&str], ui: &Ui) -> String {
    let mut s = String::new();
    for &item in protected {
        let question = format!("{} {}?", ui.cf_question, item.replace('_', " "));
        let answer = match (
            check.verdict,
            check.protected.iter().find(|p| p.item == item),
        ) {
            (Verdict::NotRun, _) | (_, None) => format!(
                "{} {}",
                ui.cf_not_checked,
                check.error.as_deref().unwrap_or(ui.cf_no_response)
            ),
            (_, Some(p)) if !p.varied => format!("{} {}", ui.cf_not_checked, ui.cf_no_response),
            (_, Some(p)) if p.differing.is_empty() => {
                format!("{} {} {}", ui.cf_no, p.alternatives, ui.cf_same)
            }
            (_, Some(p))
                if p.differing
                    .iter()
                    .all(|v| v.differences.is_empty() && v.unreplayable.is_none()) =>
            {
                let mut outputs: Vec<&str> = p
                    .differing
                    .iter()
                    .flat_map(|v| v.statistics_only.iter().map(|c| c.id.as_str()))
                    .collect();
                let mut seen = Vec::new();
                outputs.retain(|o| {
                    let first = !seen.contains(o);
                    seen.push(*o);
                    first
                });
                format!(
                    "{} {} {} ({}).",
                    ui.cf_no,
                    p.alternatives,
                    ui.cf_statistics,
                    outputs.join(", ")
                )
            }
            (_, Some(p)) => format!(
                "{} {} {} {} {}",
                ui.cf_yes,
                p.differing.len(),
                ui.of,
                p.alternatives,
                ui.cf_differs
            ),
        };
        let _ = writeln!(s, "{question} {answer}");
    }
    if !s.is_empty() && !check.is_clean() {
        for line in check.to_string().lines() {
            let _ = writeln!(s, "  {line}");
        }
    }
    s
}

/// A label when the questionnaire gives one: the caseworker reads words,
/// not ids; the id only when there is nothing else to show.
fn labelled(label: Option<&str>, id: &str) -> String {
    label.unwrap_or(id).to_owned()
}

/// Values in the caseworker's words: labels of questions, derived values,
/// categories and bands instead of their ids.
struct Said<'a> {
    outcome: &'a Outcome,
    q: &'a Questionnaire,
    ui: &'a Ui,
}

impl Said<'_> {
    /// A derived value: a category or set of categories by their labels.
    fn derived(&self, id: &str, v: &Value) -> String {
        let lang = self.outcome.language.as_str();
        let label = |c: &str| self.q.category_label(id, c, lang).unwrap_or(c).to_owned();
        match v {
            Value::Text(c) => label(c),
            Value::List(cs) if cs.is_empty() => self.ui.none_of.to_owned(),
            Value::List(cs) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join(", "),
            other => value(other, self.ui),
        }
    }

    /// One piece of evidence: a question by its text, a derived value or
    /// score by its label, each with its value in words.
    fn evidence(&self, e: &Evidence) -> String {
        let lang = self.outcome.language.as_str();
        let (name, shown) = match e.kind.as_str() {
            "derived" => (
                self.outcome
                    .derived
                    .iter()
                    .find(|d| d.id == e.id)
                    .and_then(|d| d.label.as_ref().map(ToString::to_string)),
                e.value.as_ref().map(|v| self.derived(&e.id, v)),
            ),
            "score" => {
                let score = self.outcome.scores.iter().find(|s| s.id == e.id);
                let band = score
                    .and_then(|s| s.band.as_ref())
                    .map(|b| b.label.as_str());
                let shown = match (&e.value, band) {
                    (Some(Value::Number(n)), Some(band)) => {
                        Some(format!("{} – {band}", number(*n)))
                    }
                    (v, _) => v.as_ref().map(|v| value(v, self.ui)),
                };
                (
                    score.and_then(|s| s.label.as_ref().map(ToString::to_string)),
                    shown,
                )
            }
            _ => {
                let item = self.q.item(&e.id);
                let shown = e.value.as_ref().map(|v| match (item, v) {
                    (Some(i), Value::Text(o))
                        if i.kind() == vidare::format::ItemKind::SingleChoice =>
                    {
                        i.options()
                            .find(|opt| opt.value == o.as_str())
                            .map_or_else(|| o.to_string(), |opt| opt.label(lang).to_owned())
                    }
                    _ => value(v, self.ui),
                });
                (item.map(|i| i.text(lang).to_owned()), shown)
            }
        };
        let shown = shown.unwrap_or_else(|| match e.response.as_deref() {
            Some("declined") => self.ui.decline.to_owned(),
            Some("dont_know") => self.ui.dont_know.to_owned(),
            Some("skipped") => self.ui.skip.to_owned(),
            Some(_) => self.ui.answer_kept_out.to_owned(),
            None => self.ui.unknown.to_owned(),
        });
        format!("{}: {shown}", name.unwrap_or_else(|| e.id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_answers_are_shown_with_control_characters_escaped() {
        let ui = crate::ui::for_language("en");
        // ESC ] 0 ; … BEL would retitle the terminal; ESC [ 2 J clears it.
        let typed = Value::Text("fine\x1b]0;owned\x07 \x1b[2J".into());
        assert_eq!(value(&typed, ui), "fine\\u{1b}]0;owned\\u{7} \\u{1b}[2J");
        let list = Value::List(vec!["a\x1b[2J".into(), "b".into()]);
        assert_eq!(value(&list, ui), "a\\u{1b}[2J, b");
    }

    #[test]
    fn wrap_keeps_words_whole() {
        use vidare_render::graph::wrap;
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("", 5), Vec::<String>::new());
        assert_eq!(wrap("toolongword x", 4), ["toolongword", "x"]);
    }

    fn check(
        verdict: Verdict,
        differing: Vec<vidare::analysis::counterfactual::Variant>,
    ) -> Counterfactual {
        let pinned = vidare::outcome::QuestionnaireRef::new("q", "1.0.0", "sha256:0");
        let mut gender = vidare::analysis::counterfactual::ProtectedCheck::new("gender", true, 3);
        gender.differing = differing;
        let mut report = Counterfactual::new(verdict, pinned);
        report.protected.push(gender);
        report
    }

    fn variant(
        differences: &[&str],
        statistics: &[&str],
    ) -> vidare::analysis::counterfactual::Variant {
        let change = |id: &&str| {
            vidare::analysis::counterfactual::Change::new(
                "score",
                *id,
                format!("score `{id}` changed"),
            )
        };
        let mut variant = vidare::analysis::counterfactual::Variant::new("answered");
        variant.differences = differences.iter().map(change).collect();
        variant.statistics_only = statistics.iter().map(change).collect();
        variant
    }

    #[test]
    fn the_counterfactual_line_for_each_verdict() {
        let en = crate::ui::for_language("en");
        let none = counterfactual(&check(Verdict::NoDifference, Vec::new()), &["gender"], en);
        assert_eq!(
            none,
            "Would the result differ with another gender? No — checked: 3 other response(s) tried, each gives the same result.\n"
        );
        assert_eq!(
            counterfactual(&check(Verdict::NoDifference, Vec::new()), &[], en),
            ""
        );
        let statistics = check(
            Verdict::StatisticsOnly,
            vec![variant(&[], &["share", "group"]), variant(&[], &["share"])],
        );
        assert_eq!(
            counterfactual(&statistics, &["gender"], en),
            "Would the result differ with another gender? No — checked: 3 other response(s) tried; only outputs kept for statistics differ (share, group).\n"
        );
        let differs = check(Verdict::Differs, vec![variant(&["need"], &[])]);
        let text = counterfactual(&differs, &["gender"], en);
        assert!(
            text.starts_with("Would the result differ with another gender? YES — 1 of 3 other response(s) give another result;"),
            "{text}"
        );
        assert!(
            text.contains("\n  counterfactual check on q@1.0.0: THE RESULT DIFFERS"),
            "{text}"
        );
        assert!(text.contains("      - score `need` changed"), "{text}");
        let mut unvaried = check(Verdict::NothingToVary, Vec::new());
        unvaried.protected[0].varied = false;
        assert_eq!(
            counterfactual(&unvaried, &["gender"], en),
            "Would the result differ with another gender? Not checked: it has no response to vary.\n"
        );
    }

    #[test]
    fn numbers_drop_trailing_zero() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
    }
}
