//! The HTML of each page, with `maud` (every interpolated text is escaped).

use maud::{DOCTYPE, Markup, html};

use super::ui::Ui;
use crate::AppState;
use crate::access::Principal;
use crate::api::{ItemKindName, ItemView, QuestionnaireList, SessionState, Status, TriggerView};

/// The frame of every page: language, quick exit, header and script.
///
/// Every page has the same title, which names no questionnaire: titles
/// stay in the browser's history. The quick exit goes through `/exit`,
/// which forgets the open interview before it leaves for the neutral site.
fn layout(ui: &Ui, switch_to: Option<&str>, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ui.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { "Vidare" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.quick-exit #quick-exit href="/exit" rel="noreferrer" title=(ui.quick_exit_hint) {
                        (ui.quick_exit)
                    }
                    span.brand { "Vidare" }
                    @if let Some(href) = switch_to {
                        a.lang-switch href=(href) hreflang=(ui.other_lang) lang=(ui.other_lang) data-replace {
                            (ui.other_lang_name)
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// A page that only says something.
pub(crate) fn message(ui: &Ui, back: &str, text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ui.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Vidare" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                main #main {
                    p.notice role="alert" { (text) }
                    p { a.button href=(back) { (ui.new_interview) } }
                }
            }
        }
    }
}

fn problem_text<'a>(ui: &'a Ui, kind: &str) -> &'a str {
    match kind {
        "stale" => ui.problem_stale,
        "missing-answer" => ui.problem_missing,
        "invalid-answer" | "not-offered" => ui.problem_invalid,
        "closed" => ui.problem_closed,
        "nothing-to-go-back" => ui.problem_back,
        "unknown-session" => ui.not_found,
        _ => ui.problem_other,
    }
}

fn notice(ui: &Ui, problem: Option<&str>) -> Markup {
    html! {
        @if let Some(kind) = problem {
            p.notice #notice role="alert" { (problem_text(ui, kind)) }
        }
    }
}

/// The form token, in every form that posts.
fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

pub(crate) fn start(
    ui: &Ui,
    state: &AppState,
    csrf: &str,
    list: &QuestionnaireList,
    who: &Principal,
    problem: Option<&str>,
) -> Markup {
    let body = html! {
        h1 { (ui.start_title) }
        (notice(ui, problem))
        @if state.access().is_local() {
            p.mode { (ui.local_mode) }
        }
        form.start method="post" action="/interview/new" {
            (csrf_field(csrf))
            fieldset {
                legend { (ui.questionnaire) }
                div.choices {
                @for (n, q) in list.questionnaires.iter().enumerate() {
                    @if let Some(v) = q.versions.last() {
                        label.choice {
                            input type="radio" name="questionnaire" value=(v.spec) required checked[n == 0];
                            span {
                                (v.title.get(ui.lang).or_else(|| v.title.values().next()).map_or("", String::as_str))
                                " "
                                small { "(" (v.spec) ")" }
                            }
                        }
                    }
                }
                }
            }
            fieldset {
                legend { (ui.language) }
                div.choices {
                    @for (code, name) in [("sv", "Svenska"), ("en", "English")] {
                        label.choice {
                            input type="radio" name="lang" value=(code) required checked[code == ui.lang];
                            span lang=(code) { (name) }
                        }
                    }
                }
            }
            div.actions {
                button.primary #start type="submit" { (ui.start) }
            }
        }
        section.resume {
            h2 { (ui.resume_title) }
            form method="post" action="/interview/resume" {
                (csrf_field(csrf))
                input type="hidden" name="lang" value=(ui.lang);
                label for="link" { (ui.resume_label) }
                div.row {
                    input #link type="text" name="link" required autocomplete="off";
                    button type="submit" { (ui.resume) }
                }
            }
        }
        @if !state.access().is_local() {
            form.logout method="post" action="/logout" {
                (csrf_field(csrf))
                button.link type="submit" { (ui.logout) " (" (who.tenant) ")" }
            }
        }
    };
    let switch = format!("/?lang={}", ui.other_lang);
    layout(ui, Some(&switch), &body)
}

pub(crate) fn login(ui: &Ui, state: &AppState, csrf: &str, next: &str, failed: bool) -> Markup {
    let body = html! {
        h1 { (ui.login_title) }
        @if state.access().is_local() {
            p { (ui.no_login_needed) " " a href="/" { (ui.start_title) } }
        } @else {
            @if failed {
                p.notice role="alert" { (ui.bad_token) }
            }
            form method="post" action="/login" {
                (csrf_field(csrf))
                input type="hidden" name="next" value=(next);
                input type="hidden" name="lang" value=(ui.lang);
                label for="token" { (ui.token) }
                input #token type="password" name="token" required autocomplete="current-password";
                div.actions { button.primary type="submit" { (ui.login) } }
            }
        }
    };
    let switch = format!("/login?lang={}&next={}", ui.other_lang, super::encode(next));
    layout(ui, Some(&switch), &body)
}

fn triggers_box(
    ui: &Ui,
    q: &vidare::Questionnaire,
    labels: &Labels<'_>,
    triggers: &[TriggerView],
) -> Markup {
    html! {
        @if !triggers.is_empty() {
            section.alert #immediate role="alert" aria-live="assertive" {
                h2 { (ui.act_now) }
                @for t in triggers {
                    div.trigger data-trigger=(t.id) {
                        p.trigger-text { (t.text) }
                        p.refer { (ui.refer_to) ": " code { (t.refer_to) } }
                        (evidence(ui, q, labels, t))
                    }
                }
            }
        }
    }
}

fn response_word<'a>(ui: &'a Ui, kind: &str) -> &'a str {
    match kind {
        "declined" => ui.declined,
        "dont_know" => ui.dont_know_response,
        "skipped" => ui.skipped,
        _ => ui.answered,
    }
}

/// An answer as a person reads it: option labels, yes/no, numbers, texts.
fn shown_value(ui: &Ui, q: &vidare::Questionnaire, item: &str, value: &vidare::Value) -> String {
    let label = |v: &str| {
        q.item(item)
            .and_then(|i| {
                i.options()
                    .find(|o| o.value == v)
                    .map(|o| o.label(ui.lang).to_owned())
            })
            .unwrap_or_else(|| v.to_owned())
    };
    match value {
        vidare::Value::Bool(true) => ui.yes.to_owned(),
        vidare::Value::Bool(false) => ui.no.to_owned(),
        vidare::Value::Number(n) => n.to_string(),
        vidare::Value::Text(t) => label(t),
        vidare::Value::List(l) => l.iter().map(|v| label(v)).collect::<Vec<_>>().join(", "),
    }
}

/// Labels of derived values and scores (and of a derived category's
/// value), by id, from a result: evidence names them by id only.
pub(crate) type Labels<'a> = std::collections::HashMap<&'a str, (&'a str, Option<&'a str>)>;

pub(crate) fn labels(outcome: Option<&vidare::Outcome>) -> Labels<'_> {
    let mut map = Labels::new();
    if let Some(o) = outcome {
        for d in &o.derived {
            if let Some(label) = &d.label {
                map.insert(d.id.as_str(), (label.as_str(), d.value_label.as_deref()));
            }
        }
        for s in &o.scores {
            if let Some(label) = &s.label {
                map.insert(s.id.as_str(), (label.as_str(), None));
            }
        }
    }
    map
}

fn evidence(ui: &Ui, q: &vidare::Questionnaire, labels: &Labels<'_>, t: &TriggerView) -> Markup {
    html! {
        @if !t.evidence.is_empty() {
            details.evidence open {
                summary { (ui.because) }
                ul {
                    @for e in &t.evidence {
                        li {
                            @if e.kind == "item" {
                                (q.item(&e.id).map_or(e.id.as_str(), |i| i.text(ui.lang)))
                                " — "
                                @match &e.value {
                                    Some(v) => { strong { (shown_value(ui, q, &e.id, &v.clone().into())) } }
                                    None => {
                                        (response_word(ui, e.response.as_deref().unwrap_or("")))
                                        @if e.response.as_deref() == Some("answered") {
                                            " (" (ui.conversation_only) ")"
                                        }
                                    }
                                }
                            } @else {
                                @let named = labels.get(e.id.as_str());
                                @match named {
                                    Some((label, _)) => { (label) }
                                    None => { code { (e.id) } }
                                }
                                @match (named.and_then(|n| n.1), &e.value) {
                                    (Some(value_label), _) => { ": " (value_label) }
                                    (None, Some(v)) => { ": " (derived_value(ui, &v.clone().into())) }
                                    (None, None) => {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The fields of every form of an interview: the interview it acts on
/// (in the form, never in the address), the state it was shown in, the
/// language and the form token.
fn hidden_fields(ui: &Ui, csrf: &str, view: &SessionState) -> Markup {
    html! {
        (csrf_field(csrf))
        input type="hidden" name="session" value=(view.id);
        input type="hidden" name="lang" value=(ui.lang);
        input type="hidden" name="expected_events" value=(view.events);
    }
}

/// What a number item accepts, as the end of a sentence ("a whole number
/// from 0 to 168"), from its bounds and whether it takes whole numbers.
fn accepts(ui: &Ui, item: &ItemView, integer: bool) -> String {
    let what = if integer {
        ui.whole_number
    } else {
        ui.a_number
    };
    match (item.min, item.max) {
        (Some(lo), Some(hi)) => format!("{what} {} {lo} {} {hi}", ui.from, ui.to),
        (Some(lo), None) => format!("{what} {} {lo}", ui.at_least),
        (None, Some(hi)) => format!("{what} {} {hi}", ui.at_most),
        (None, None) => what.to_owned(),
    }
}

/// A question of the interview, or its end. `earlier` is the answer the
/// item had before the person went back to it, shown chosen again.
#[allow(clippy::too_many_arguments)]
pub(crate) fn interview(
    ui: &Ui,
    csrf: &str,
    q: &vidare::Questionnaire,
    view: &SessionState,
    outcome: Option<&vidare::Outcome>,
    earlier: Option<&vidare::Value>,
    problem: Option<&str>,
) -> Markup {
    let labels = labels(outcome);
    let action = "/interview";
    let result = format!("/interview/result?lang={}", ui.lang);
    let integer = |item: &ItemView| q.item(&item.id).is_some_and(|i| i.integer());
    // A number that does not fit is told what fits.
    let number_problem = view.next.as_ref().and_then(|item| {
        let number = matches!(item.kind, ItemKindName::Number | ItemKindName::Scale);
        (number && problem == Some("invalid-answer")).then(|| {
            format!(
                "{} {} {}.",
                ui.problem_invalid,
                ui.answer_with,
                accepts(ui, item, integer(item))
            )
        })
    });
    let number = (view.progress.answered + 1).min(view.progress.shown.max(1));
    let body = html! {
        p.title-line { (view.title) }
        @if view.status == Status::Asking {
            div.progress {
                label for="progress" { (ui.question) " " (number) " " (ui.of_about) " " (view.progress.shown) }
                progress #progress max=(view.progress.shown.max(1)) value=(view.progress.answered) aria-label=(ui.progress_label) {}
            }
        }
        (triggers_box(ui, q, &labels, &view.immediate_triggers))
        @if let Some(text) = &number_problem {
            p.notice #notice role="alert" { (text) }
        } @else {
            (notice(ui, problem))
        }
        @for info in &view.info {
            div.info { p { (info.text) } @if let Some(h) = &info.help { p.help { (h) } } }
        }
        @if let Some(item) = &view.next {
            form.item method="post" action=(action) {
                (hidden_fields(ui, csrf, view))
                input type="hidden" name="item" value=(item.id);
                (question(ui, item, earlier, &accepts(ui, item, integer(item)), integer(item)))
                div.actions {
                    button.primary #next type="submit" name="action" value="answer" { (ui.next) }
                    @if item.allow_decline {
                        button.secondary #decline type="submit" name="action" value="decline" formnovalidate { (ui.decline) }
                    }
                    @if item.allow_dont_know {
                        button.secondary #dont-know type="submit" name="action" value="dont_know" formnovalidate { (ui.dont_know) }
                    }
                    @if !item.required {
                        button.secondary #skip type="submit" name="action" value="skip" formnovalidate { (ui.skip) }
                    }
                }
                @if view.progress.answered > 0 {
                    div.nav {
                        button.back #back type="submit" name="action" value="back" formnovalidate { "← " (ui.back) }
                    }
                }
            }
        } @else {
            @for info in &view.closing {
                div.info { p { (info.text) } }
            }
            @if let Some(end) = &view.ended_by {
                h1.done #done { (ui.ended) } p { (end.text) }
            } @else {
                h1.done #done { (ui.complete) }
            }
            p { a.button.primary #show-result href=(result) data-replace { (ui.show_result) } }
            form method="post" action=(action) {
                (hidden_fields(ui, csrf, view))
                input type="hidden" name="item" value="";
                button.back #back type="submit" name="action" value="back" { "← " (ui.back) }
            }
        }
        p.link { (ui.link_to_interview) ": " code { (view.id) } }
    };
    let switch = format!("/interview?lang={}", ui.other_lang);
    layout(ui, Some(&switch), &body)
}

/// The question with inputs for its kind. Choices are radio buttons or
/// check boxes inside their labels; other kinds have a label bound by id.
///
/// The answer shown chosen is the `earlier` one (after going back), else
/// the suggested one.
fn question(
    ui: &Ui,
    item: &ItemView,
    earlier: Option<&vidare::Value>,
    accepts: &str,
    integer: bool,
) -> Markup {
    let help_id = format!("help-{}", item.id);
    let described = item.help.as_ref().map(|_| help_id.clone());
    let suggested = match &item.suggestion {
        Some(crate::api::AnswerValue::Text(v)) => Some(v.as_str()),
        _ => None,
    };
    // The earlier answer as the form's values.
    let before: Vec<String> = match earlier {
        Some(vidare::Value::Bool(true)) => vec!["yes".to_owned()],
        Some(vidare::Value::Bool(false)) => vec!["no".to_owned()],
        Some(vidare::Value::Number(n)) => vec![n.to_string()],
        Some(vidare::Value::Text(t)) => vec![t.clone()],
        Some(vidare::Value::List(l)) => l.clone(),
        None => Vec::new(),
    };
    let chosen = |value: &str| {
        if before.is_empty() {
            suggested == Some(value)
        } else {
            before.iter().any(|b| b == value)
        }
    };
    let first = before.first().map(String::as_str);
    let header = html! {
        @if let Some(section) = &item.section_title { span.section { (section) } }
        @if item.answered_by == "practitioner" { span.who { (ui.practitioner_item) } }
    };
    let help = html! {
        @if let Some(h) = &item.help { p.help id=(help_id) { (h) } }
    };
    match item.kind {
        ItemKindName::YesNo
        | ItemKindName::SingleChoice
        | ItemKindName::MultipleChoice
        | ItemKindName::Scale
            if !(item.kind == ItemKindName::Scale && scale_points(item).is_none()) =>
        {
            let multiple = item.kind == ItemKindName::MultipleChoice;
            let choices: Vec<(String, String)> = match item.kind {
                ItemKindName::YesNo => vec![
                    ("yes".to_owned(), ui.yes.to_owned()),
                    ("no".to_owned(), ui.no.to_owned()),
                ],
                ItemKindName::Scale => scale_points(item).unwrap_or_default(),
                _ => item
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
            };
            html! {
                fieldset.question aria-describedby=[described] {
                    legend { (header) h1 { (item.text) } }
                    (help)
                    @if let Some(s) = suggested {
                        @if let Some(o) = item.options.iter().find(|o| o.value == s) {
                            p.suggestion { (ui.suggested) ": " strong { (o.label) } }
                        }
                    }
                    div.choices.scale[item.kind == ItemKindName::Scale] {
                        @for (n, (value, label)) in choices.iter().enumerate() {
                            label.choice {
                                @if multiple {
                                    input type="checkbox" name="value" value=(value) checked[chosen(value)];
                                } @else {
                                    input type="radio" name="value" value=(value) required
                                        checked[chosen(value)]
                                        autofocus[n == 0 && suggested.is_none() && before.is_empty()];
                                }
                                span { (label) }
                            }
                        }
                    }
                }
            }
        }
        _ => {
            let number = !matches!(item.kind, ItemKindName::Text | ItemKindName::Date);
            // A number's hint says what it accepts, and is read with it.
            let described = if number {
                Some(described.map_or_else(|| "accepts".to_owned(), |h| format!("{h} accepts")))
            } else {
                described
            };
            let input = match item.kind {
                ItemKindName::Text => html! {
                    textarea #answer name="value" rows="5" required aria-describedby=[described.clone()] autofocus { (first.unwrap_or("")) }
                },
                ItemKindName::Date => html! {
                    input #answer type="date" name="value" value=[first] required aria-describedby=[described.clone()] autofocus;
                },
                _ => html! {
                    input #answer type="number" name="value" value=[first]
                        step=(if integer { "1" } else { "any" })
                        inputmode=(if integer { "numeric" } else { "decimal" })
                        min=[item.min] max=[item.max] required aria-describedby=[described.clone()] autofocus;
                    @if let Some(unit) = &item.unit { span.unit { (unit) } }
                },
            };
            html! {
                div.question {
                    (header)
                    h1 { label for="answer" { (item.text) } }
                    (help)
                    div.field { (input) }
                    @if number { p.help #accepts { (ui.answer_with) " " (accepts) "." } }
                }
            }
        }
    }
}

/// The points of a short scale, each with its label if it has one.
fn scale_points(item: &ItemView) -> Option<Vec<(String, String)>> {
    let (min, max) = (item.min?, item.max?);
    if max - min > 10.0 || min.fract() != 0.0 || max.fract() != 0.0 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let (lo, hi) = (min as i64, max as i64);
    Some(
        (lo..=hi)
            .map(|v| {
                let label = item
                    .scale_labels
                    .iter()
                    .find(|l| l.value == v)
                    .map_or_else(|| v.to_string(), |l| format!("{v} – {}", l.label));
                (v.to_string(), label)
            })
            .collect(),
    )
}

pub(crate) fn result(
    ui: &Ui,
    csrf: &str,
    q: &vidare::Questionnaire,
    view: &SessionState,
    outcome: Option<&vidare::Outcome>,
    problem: Option<&str>,
) -> Markup {
    let labels = labels(outcome);
    let interview = format!("/interview?lang={}", ui.lang);
    let closed = view.status == Status::Closed;
    let body = html! {
        p.title-line { (view.title) }
        h1 { (ui.result_title) }
        (notice(ui, problem))
        @if closed { p.mode { (ui.closed) } }
        @if let Some(o) = outcome {
            section.triggers #referrals {
                h2 { (ui.referrals) }
                @if o.triggers.is_empty() {
                    p { (ui.no_referrals) }
                }
                @for (urgency, title) in [
                    (vidare::Urgency::Immediate, ui.immediate),
                    (vidare::Urgency::Soon, ui.soon),
                    (vidare::Urgency::Routine, ui.routine),
                ] {
                    @let group: Vec<&vidare::TriggerRecord> = o.triggers.iter().filter(|t| t.urgency == urgency).collect();
                    @if !group.is_empty() {
                        div class={ "urgency urgency-" (format!("{urgency:?}").to_lowercase()) } {
                            h3 { (title) }
                            @for t in group {
                                @let view = trigger_view(t);
                                div.trigger data-trigger=(t.id) {
                                    p.trigger-text { (t.text) }
                                    p.refer { (ui.refer_to) ": " code { (t.refer_to) } }
                                    (evidence(ui, q, &labels, &view))
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(end) = &o.ended_by {
                p.done { (ui.ended) " " (end.text) }
            }
            @if !o.scores.is_empty() {
                section {
                    h2 { (ui.scores) }
                    table {
                        tbody {
                            @for s in &o.scores {
                                tr {
                                    th scope="row" { (s.label.as_deref().unwrap_or(&s.id)) }
                                    td {
                                        @match s.value {
                                            Some(v) => { (v) @if let Some(b) = &s.band { " — " (b.label) } }
                                            None => { em { (s.missing_reason.as_deref().unwrap_or(ui.no_value)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @let derived: Vec<&vidare::DerivedRecord> = o.derived.iter().filter(|d| d.label.is_some()).collect();
            @if !derived.is_empty() {
                section {
                    h2 { (ui.summary) }
                    table {
                        tbody {
                            @for d in derived {
                                tr {
                                    th scope="row" { (d.label.as_deref().unwrap_or(&d.id)) }
                                    td {
                                        @match (&d.value_label, &d.value) {
                                            (Some(label), _) => { (label) }
                                            (None, Some(v)) => { (derived_value(ui, v)) }
                                            (None, None) => { em { (ui.no_value) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section {
                h2 { (ui.answers) }
                dl.answers {
                    @for a in &o.answers {
                        dt { (q.item(&a.item).map_or(a.item.as_str(), |i| i.text(ui.lang))) }
                        dd {
                            @match &a.value {
                                Some(v) => { (shown_value(ui, q, &a.item, v)) }
                                None => {
                                    (response_word(ui, &a.response))
                                    @if a.response == "answered" { " (" (ui.conversation_only) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !closed {
            div.actions {
                a.button #back-to-interview href=(interview) data-replace { "← " (ui.back_to_interview) }
            }
            form.danger method="post" action="/interview/close" {
                (hidden_fields(ui, csrf, view))
                p.help { (ui.close_help) }
                button #close type="submit" { (ui.close) }
            }
        }
        form.danger method="post" action="/interview/delete" {
            (hidden_fields(ui, csrf, view))
            p.help { (ui.delete_help) }
            button #delete type="submit" { (ui.delete) }
        }
        p { a.button href={ "/?lang=" (ui.lang) } data-replace { (ui.new_interview) } }
    };
    let switch = format!("/interview/result?lang={}", ui.other_lang);
    layout(ui, Some(&switch), &body)
}

/// The question whether to delete a session, which works without
/// JavaScript: the form posts again with `confirm=yes`.
pub(crate) fn confirm_delete(ui: &Ui, csrf: &str, id: &str) -> Markup {
    let body = html! {
        h1 { (ui.confirm_delete_title) }
        p { (ui.confirm_delete_text) }
        form.danger method="post" action="/interview/delete" {
            (csrf_field(csrf))
            input type="hidden" name="session" value=(id);
            input type="hidden" name="lang" value=(ui.lang);
            input type="hidden" name="confirm" value="yes";
            div.actions {
                button #confirm-delete type="submit" { (ui.confirm_delete) }
                a.button #cancel-delete href={ "/interview/result?lang=" (ui.lang) } data-replace { (ui.cancel_delete) }
            }
        }
    };
    layout(ui, None, &body)
}

fn derived_value(ui: &Ui, v: &vidare::Value) -> String {
    match v {
        vidare::Value::Bool(true) => ui.yes.to_owned(),
        vidare::Value::Bool(false) => ui.no.to_owned(),
        vidare::Value::Number(n) => n.to_string(),
        vidare::Value::Text(t) => t.clone(),
        vidare::Value::List(l) => l.join(", "),
    }
}

fn trigger_view(t: &vidare::TriggerRecord) -> TriggerView {
    TriggerView {
        id: t.id.clone(),
        urgency: t.urgency.into(),
        refer_to: t.refer_to.clone(),
        text: t.text.clone(),
        evidence: t
            .evidence
            .iter()
            .map(|e| crate::api::EvidenceView {
                kind: e.kind.clone(),
                id: e.id.clone(),
                response: e.response.clone(),
                value: e.value.clone().map(Into::into),
            })
            .collect(),
    }
}
