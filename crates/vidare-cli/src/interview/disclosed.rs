//! What the person said, on the result screen, when a closing text leads
//! into the conversation about the answers. The result and the stored
//! record leave out the answers kept for the conversation only; the
//! practitioner still needs them on screen for that conversation. They
//! are printed, never written to a file.

use std::fmt::Write as _;

use vidare::{Response, Session, format::AnsweredBy, format::ItemKind};

use crate::show;
use crate::ui::Ui;
use crate::width;

/// Each question the person answered, with the response (a written
/// answer only as such); empty when the
/// interview has no closing text (nothing says the answers will be talked
/// about) or the person answered nothing.
pub(super) fn list(session: &Session, lang: &str, ui: &Ui) -> String {
    if session.closing_info().is_empty() {
        return String::new();
    }
    let mut s = String::new();
    let person = session
        .questionnaire()
        .items()
        .filter(|i| i.kind() != ItemKind::Info && i.answered_by() == AnsweredBy::Person);
    for item in person {
        let Some(response) = session.response(item.id()) else {
            continue;
        };
        let said = match &response {
            // A written answer can hold names and places; it stays on the
            // person's plan (--plan) and off the screen and its scrollback.
            Response::Answer(_) if item.kind() == ItemKind::Text => ui.text_not_shown.to_owned(),
            Response::Answer(value) => answer(item, value, lang, ui),
            Response::Declined => ui.decline.to_owned(),
            Response::DontKnow => ui.dont_know.to_owned(),
            Response::Skipped => ui.skip.to_owned(),
        };
        let question = width::fill(item.text(lang), "  ");
        let _ = writeln!(s, "{question}\n{}", width::fill(&said, "    "));
    }
    if s.is_empty() {
        return s;
    }
    format!("\n{}\n{s}", ui.disclosed)
}

/// An answer in the words of the question: option labels, not values.
fn answer(
    item: vidare::questionnaire::ItemRef<'_>,
    value: &vidare::Value,
    lang: &str,
    ui: &Ui,
) -> String {
    let label = |v: &str| {
        item.options()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_owned(), |o| o.label(lang).to_owned())
    };
    match value {
        vidare::Value::Text(v) if item.kind() == ItemKind::SingleChoice => label(v),
        vidare::Value::List(values) => values
            .iter()
            .map(|v| label(v))
            .collect::<Vec<_>>()
            .join(", "),
        other => show::value(other, ui),
    }
}
