//! The HTML of each page, with `maud` (every interpolated text is escaped).

use maud::{DOCTYPE, Markup, html};

use super::tongue::{Checked, Phrases, Tongue, autonym, direction, status, status_text};
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
    layout_with(ui, switch_to, body, false)
}

/// The frame, wider for the two columns of interpreter mode.
fn layout_with(ui: &Ui, switch_to: Option<&str>, body: &Markup, wide: bool) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ui.lang) dir="ltr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { "Vidare" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header class={ "top" @if wide { " wide" } } {
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
                main #main class=[wide.then_some("wide")] { (body) }
            }
        }
    }
}

/// A page that only says something.
pub(crate) fn message(ui: &Ui, back: &str, text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ui.lang) dir="ltr" {
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
        "unknown-person-language" => ui.problem_person_language,
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
                            @let (title_lang, title) = v.title.get_key_value(ui.lang).or_else(|| v.title.iter().next()).map_or(("", ""), |(l, t)| (l.as_str(), t.as_str()));
                            span {
                                span lang=(title_lang) dir=(direction(title_lang)) { (title) }
                                " "
                                small { "(" (v.spec) ")" }
                            }
                        }
                    }
                }
                }
            }
            fieldset {
                legend { (ui.your_language) }
                div.choices {
                    @for (code, name) in [("sv", "Svenska"), ("en", "English")] {
                        label.choice {
                            input type="radio" name="lang" value=(code) required checked[code == ui.lang];
                            span lang=(code) { (name) }
                        }
                    }
                }
            }
            (person_languages(ui, state))
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

/// A language the person can be asked in: its code, its status (`None`
/// when the questionnaires differ in it), and the titles of the
/// questionnaires that lack it.
struct Offered {
    code: String,
    checked: Option<Checked>,
    missing_in: Vec<String>,
}

/// The languages of the newest version of every questionnaire, in the
/// order they are declared.
fn offered_languages(ui: &Ui, state: &AppState) -> Vec<Offered> {
    let registry = state.registry();
    let newest: Vec<&vidare::Questionnaire> = registry
        .ids()
        .filter_map(|id| registry.latest(id))
        .collect();
    let mut offered: Vec<Offered> = Vec::new();
    for q in &newest {
        for code in q.languages() {
            let checked = status(q, code);
            match offered.iter_mut().find(|o| o.code == *code) {
                Some(seen) if seen.checked != Some(checked) => seen.checked = None,
                Some(_) => {}
                None => offered.push(Offered {
                    code: code.to_string(),
                    checked: Some(checked),
                    missing_in: Vec::new(),
                }),
            }
        }
    }
    for o in &mut offered {
        o.missing_in = newest
            .iter()
            .filter(|q| !q.languages().iter().any(|l| *l == o.code))
            .map(|q| q.title(ui.lang).to_owned())
            .collect();
    }
    offered
}

/// The choice of the person's language (interpreter mode), part of the
/// framing: it names each language in itself, with its status and the
/// questionnaires that lack it.
fn person_languages(ui: &Ui, state: &AppState) -> Markup {
    html! {
        fieldset #person-language aria-describedby="person-language-help" {
            legend { (ui.person_language) }
            p.help #person-language-help { (ui.person_language_help) }
            div.choices {
                label.choice {
                    input type="radio" name="person" value="" checked;
                    span { (ui.same_language) }
                }
                @for o in offered_languages(ui, state) {
                    label.choice {
                        input type="radio" name="person" value=(o.code);
                        span {
                            span lang=(o.code) dir=(direction(&o.code)) { (autonym(&o.code)) }
                            " (" bdi { (o.code) } ")"
                            @match o.checked {
                                Some(c) => { @if let Some(text) = status_text(ui, c) { " — " span.status.{"status-" (c.as_str())} { (text) } } }
                                None => { " — " span.status { (ui.status_varies) } }
                            }
                            @if !o.missing_in.is_empty() {
                                br;
                                small.missing { (ui.missing_in) ": " (o.missing_in.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    }
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

/// A referral by its name in the practitioner's language, or by its key
/// (in code type) when the questionnaire names none.
fn referral(q: &vidare::Questionnaire, own: Tongue<'_>, refer_to: &str) -> Markup {
    if let Some(name) = q.referral_label(refer_to, own.code) {
        html! { (name) }
    } else {
        html! { code { (refer_to) } }
    }
}

fn triggers_box(
    ui: &Ui,
    own: Tongue<'_>,
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
                        p.trigger-text lang=(own.code) dir=(own.dir) { (t.text) }
                        p.refer { (ui.refer_to) ": " (referral(q, own, &t.refer_to)) }
                        (evidence(ui, own, q, labels, t))
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

fn evidence(
    ui: &Ui,
    own: Tongue<'_>,
    q: &vidare::Questionnaire,
    labels: &Labels<'_>,
    t: &TriggerView,
) -> Markup {
    html! {
        @if !t.evidence.is_empty() {
            details.evidence open {
                summary { (ui.because) }
                ul {
                    @for e in &t.evidence {
                        li {
                            @if e.kind == "item" {
                                span lang=(own.code) dir=(own.dir) { (q.item(&e.id).map_or(e.id.as_str(), |i| i.text(own.code))) }
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

/// The person's side of the page in interpreter mode: their language,
/// the session's state in it, the phrases next to a question, and whether
/// the translation was checked.
pub(crate) struct Person<'a> {
    pub tongue: Tongue<'a>,
    pub view: &'a SessionState,
    pub phrases: Phrases,
    pub checked: Checked,
}

/// A text of the questionnaire in both languages side by side: the
/// practitioner's first (left in a left-to-right page), the person's in
/// its own language and direction, which mirrors its column.
fn pair(own: Tongue<'_>, text: &Markup, person: Option<(Tongue<'_>, Markup)>) -> Markup {
    html! {
        @match person {
            Some((theirs, their_text)) => {
                div.pair {
                    div.side.own lang=(own.code) dir=(own.dir) { (text) }
                    div.side.person lang=(theirs.code) dir=(theirs.dir) { (their_text) }
                }
            }
            None => { div lang=(own.code) dir=(own.dir) { (text) } }
        }
    }
}

/// What the practitioner is told about interpreter mode: the two
/// languages, and a note when the person's texts are a draft or the
/// phrases fell back to the practitioner's language.
fn interpreter_notes(ui: &Ui, own: Tongue<'_>, person: &Person<'_>) -> Markup {
    html! {
        p.mode #interpreter {
            (ui.interpreter_mode) ": "
            span lang=(own.code) dir=(own.dir) { (autonym(own.code)) }
            " ↔ "
            span lang=(person.tongue.code) dir=(person.tongue.dir) { (autonym(person.tongue.code)) }
            " (" bdi { (person.tongue.code) } ")"
        }
        @if person.checked == Checked::Draft {
            p.notice.draft #draft-note { (ui.draft_note) }
        }
        @if person.phrases.fell_back {
            p.notice #phrases-note { (ui.phrases_fallback) }
        }
    }
}

/// A question of the interview, or its end. `earlier` is the answer the
/// item had before the person went back to it, shown chosen again. In
/// interpreter mode (`person`), the person's texts stand beside the
/// practitioner's; notes, triggers and the end stay in the practitioner's
/// language.
#[allow(clippy::too_many_arguments)]
pub(crate) fn interview(
    ui: &Ui,
    csrf: &str,
    q: &vidare::Questionnaire,
    view: &SessionState,
    outcome: Option<&vidare::Outcome>,
    earlier: Option<&vidare::Value>,
    problem: Option<&str>,
    person: Option<&Person<'_>>,
) -> Markup {
    let labels = labels(outcome);
    let own = Tongue::of(&view.language);
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
    let their = |text: &dyn Fn(&SessionState) -> Markup| person.map(|p| (p.tongue, text(p.view)));
    let body = html! {
        (pair(own, &html! { p.title-line { (view.title) } }, their(&|v| html! { p.title-line { (v.title) } })))
        @if let Some(p) = person { (interpreter_notes(ui, own, p)) }
        @if view.status == Status::Asking {
            div.progress {
                label for="progress" { (ui.question) " " (number) " " (ui.of_about) " " (view.progress.shown) }
                progress #progress max=(view.progress.shown.max(1)) value=(view.progress.answered) aria-label=(ui.progress_label) {}
            }
        }
        (triggers_box(ui, own, q, &labels, &view.immediate_triggers))
        @if let Some(text) = &number_problem {
            p.notice #notice role="alert" { (text) }
        } @else {
            (notice(ui, problem))
        }
        @for (n, info) in view.info.iter().enumerate() {
            div.info {
                (pair(own, &info_text(info), their(&|v| v.info.get(n).map(info_text).unwrap_or_default())))
            }
        }
        @if let Some(item) = &view.next {
            @let theirs = person.and_then(|p| person_item(q, p, item));
            (asking(ui, csrf, view, item, own, theirs.as_ref(), earlier, integer(item)))
        } @else {
            (ended(ui, csrf, view, own, person))
        }
        p.link { (ui.link_to_interview) ": " code { bdi { (view.id) } } }
    };
    let switch = format!("/interview?lang={}", ui.other_lang);
    layout_with(ui, Some(&switch), &body, person.is_some())
}

fn info_text(info: &crate::api::InfoText) -> Markup {
    html! { p { (info.text) } @if let Some(h) = &info.help { p.help { (h) } } }
}

/// The form of the item asked now: the question, and the buttons.
#[allow(clippy::too_many_arguments)]
fn asking(
    ui: &Ui,
    csrf: &str,
    view: &SessionState,
    item: &ItemView,
    own: Tongue<'_>,
    theirs: Option<&PersonItem<'_>>,
    earlier: Option<&vidare::Value>,
    integer: bool,
) -> Markup {
    // A button's text, with the person's phrase beside it in interpreter mode.
    let both = |mine: &str, phrase: Option<&str>| {
        html! {
            span { (mine) }
            @if let (Some(p), Some(phrase)) = (theirs, phrase) {
                @if !p.phrases.fell_back {
                    span.person-phrase lang=(p.phrases.code) dir=(direction(p.phrases.code)) { (phrase) }
                }
            }
        }
    };
    let phrase =
        |pick: fn(&vidare::phrases::Phrases) -> &'static str| theirs.map(|p| pick(p.phrases.texts));
    html! {
        form.item method="post" action="/interview" {
            (hidden_fields(ui, csrf, view))
            input type="hidden" name="item" value=(item.id);
            (question(ui, item, own, theirs, earlier, &accepts(ui, item, integer), integer))
            div.actions {
                button.primary #next type="submit" name="action" value="answer" { (ui.next) }
                @if item.allow_decline {
                    button.secondary #decline type="submit" name="action" value="decline" formnovalidate { (both(ui.decline, phrase(|p| p.decline))) }
                }
                @if item.allow_dont_know {
                    button.secondary #dont-know type="submit" name="action" value="dont_know" formnovalidate { (both(ui.dont_know, phrase(|p| p.dont_know))) }
                }
                @if !item.required {
                    button.secondary #skip type="submit" name="action" value="skip" formnovalidate { (both(ui.skip, phrase(|p| p.skip))) }
                }
            }
            @if view.progress.answered > 0 {
                div.nav {
                    button.back #back type="submit" name="action" value="back" formnovalidate { "← " (ui.back) }
                }
            }
        }
    }
}

/// The end of the interview: closing texts, the end's text for the
/// practitioner, and the way to the result.
fn ended(
    ui: &Ui,
    csrf: &str,
    view: &SessionState,
    own: Tongue<'_>,
    person: Option<&Person<'_>>,
) -> Markup {
    let result = format!("/interview/result?lang={}", ui.lang);
    html! {
        @for (n, info) in view.closing.iter().enumerate() {
            div.info {
                (pair(own, &html! { p { (info.text) } }, person.map(|p| {
                    (p.tongue, html! { @if let Some(i) = p.view.closing.get(n) { p { (i.text) } } })
                })))
            }
        }
        @if let Some(end) = &view.ended_by {
            h1.done #done { (ui.ended) } p lang=(own.code) dir=(own.dir) { (end.text) }
        } @else {
            h1.done #done { (ui.complete) }
        }
        p { a.button.primary #show-result href=(result) data-replace { (ui.show_result) } }
        form method="post" action="/interview" {
            (hidden_fields(ui, csrf, view))
            input type="hidden" name="item" value="";
            button.back #back type="submit" name="action" value="back" { "← " (ui.back) }
        }
    }
}

/// The person's side of the item asked now.
struct PersonItem<'a> {
    tongue: Tongue<'a>,
    item: &'a ItemView,
    phrases: &'a Phrases,
    /// What a number takes, in the person's words ("a whole number from
    /// 0 to 24"), when the person's language has the phrases.
    hint: Option<String>,
}

fn person_item<'a>(
    q: &vidare::Questionnaire,
    person: &'a Person<'a>,
    item: &ItemView,
) -> Option<PersonItem<'a>> {
    let theirs = person.view.next.as_ref().filter(|i| i.id == item.id)?;
    let number = matches!(item.kind, ItemKindName::Number | ItemKindName::Scale);
    let hint = q
        .item(&item.id)
        .filter(|_| number && !person.phrases.fell_back)
        .and_then(|i| person.phrases.texts.how_to_answer(i));
    Some(PersonItem {
        tongue: person.tongue,
        item: theirs,
        phrases: &person.phrases,
        hint,
    })
}

/// `text` with every run of digits isolated (`<bdi>`), so that numbers
/// keep their order inside right-to-left text.
fn isolated_numbers(text: &str) -> Markup {
    let mut parts: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let digit = c.is_ascii_digit() || (c == '.' && parts.last().is_some_and(|p| p.0));
        match parts.last_mut() {
            Some((d, run)) if *d == digit => run.push(c),
            _ => parts.push((digit, c.to_string())),
        }
    }
    html! {
        @for (digit, run) in &parts {
            @if *digit { bdi { (run) } } @else { (run) }
        }
    }
}

/// A choice's label: the practitioner's, and in interpreter mode the
/// person's beside it.
struct Choice {
    value: String,
    own: Markup,
    theirs: Option<Markup>,
}

/// The choices of a choice item, yes/no or short scale, in the page's and
/// (in interpreter mode) the person's language. Yes and no are the page's
/// own words; the options and scale labels are the questionnaire's.
fn choices(
    ui: &Ui,
    item: &ItemView,
    own: Tongue<'_>,
    theirs: Option<&PersonItem<'_>>,
) -> Vec<Choice> {
    let theirs_at = |n: usize, f: &dyn Fn(&ItemView, usize) -> Option<Markup>| {
        theirs.and_then(|p| f(p.item, n))
    };
    match item.kind {
        ItemKindName::YesNo => [("yes", ui.yes), ("no", ui.no)]
            .into_iter()
            .map(|(value, word)| Choice {
                value: value.to_owned(),
                own: html! { (word) },
                theirs: theirs.filter(|p| !p.phrases.fell_back).map(|p| {
                    let phrase = if value == "yes" { p.phrases.texts.yes } else { p.phrases.texts.no };
                    // Inside the person's span: marked again only if the
                    // phrase is in another language (a fallback).
                    html! {
                        @if p.phrases.code == p.tongue.code { (phrase) }
                        @else { span lang=(p.phrases.code) dir=(direction(p.phrases.code)) { (phrase) } }
                    }
                }),
            })
            .collect(),
        ItemKindName::Scale => scale_points(item)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(n, (value, label))| Choice {
                own: html! { span lang=(own.code) dir=(own.dir) { (scale_label(&value, label.as_deref())) } },
                theirs: theirs_at(n, &|i, n| {
                    let (v, l) = scale_points(i)?.into_iter().nth(n)?;
                    Some(scale_label(&v, l.as_deref()))
                }),
                value,
            })
            .collect(),
        _ => item
            .options
            .iter()
            .enumerate()
            .map(|(n, o)| Choice {
                value: o.value.clone(),
                own: html! { span lang=(own.code) dir=(own.dir) { (o.label) } },
                theirs: theirs_at(n, &|i, n| i.options.get(n).map(|o| html! { (o.label) })),
            })
            .collect(),
    }
}

/// A point of a scale: its number, isolated so that it keeps its place in
/// right-to-left text, and its label if it has one.
fn scale_label(point: &str, label: Option<&str>) -> Markup {
    html! { bdi { (point) } @if let Some(l) = label { " – " (l) } }
}

/// The question with inputs for its kind. Choices are radio buttons or
/// check boxes inside their labels; other kinds have a label bound by id.
///
/// The answer shown chosen is the `earlier` one (after going back), else
/// the suggested one.
fn question(
    ui: &Ui,
    item: &ItemView,
    own: Tongue<'_>,
    theirs: Option<&PersonItem<'_>>,
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
        Some(vidare::Value::Text(t)) => vec![t.to_string()],
        Some(vidare::Value::List(l)) => l.iter().map(ToString::to_string).collect(),
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
        @if let Some(section) = &item.section_title { span.section lang=(own.code) dir=(own.dir) { (section) } }
        @if item.answered_by == "practitioner" { span.who { (ui.practitioner_item) } }
    };
    let help = html! {
        @if let Some(h) = &item.help { p.help id=(help_id) lang=(own.code) dir=(own.dir) { (h) } }
    };
    // The person's text, in its own column.
    let person_side = theirs.map(|p| {
        html! {
            div.side.person lang=(p.tongue.code) dir=(p.tongue.dir) {
                @if let Some(section) = &p.item.section_title { span.section { (section) } }
                p.person-text #person-text { (p.item.text) }
                @if let Some(h) = &p.item.help { p.help { (h) } }
                @if let Some(hint) = &p.hint { p.help.person-accepts { (isolated_numbers(hint)) } }
            }
        }
    });
    let texts = |heading: Markup| {
        html! {
            @match &person_side {
                Some(side) => { div.pair { div.side.own { (header) (heading) (help) } (side) } }
                None => { (header) (heading) (help) }
            }
        }
    };
    match item.kind {
        ItemKindName::YesNo
        | ItemKindName::SingleChoice
        | ItemKindName::MultipleChoice
        | ItemKindName::Scale
            if !(item.kind == ItemKindName::Scale && scale_points(item).is_none()) =>
        {
            let multiple = item.kind == ItemKindName::MultipleChoice;
            let choices = choices(ui, item, own, theirs);
            // In interpreter mode the question is named by both texts.
            let labelled = theirs.map(|_| "question-text person-text");
            let heading = html! { h1 id=[theirs.map(|_| "question-text")] lang=(own.code) dir=(own.dir) { (item.text) } };
            html! {
                fieldset.question aria-describedby=[described] aria-labelledby=[labelled] {
                    @if theirs.is_some() {
                        (texts(heading))
                    } @else {
                        legend { (header) (heading) }
                        (help)
                    }
                    @if let Some(s) = suggested {
                        @if let Some(o) = item.options.iter().find(|o| o.value == s) {
                            p.suggestion { (ui.suggested) ": " strong lang=(own.code) dir=(own.dir) { (o.label) } }
                        }
                    }
                    div.choices.scale[item.kind == ItemKindName::Scale] {
                        @for (n, c) in choices.iter().enumerate() {
                            label.choice {
                                @if multiple {
                                    input type="checkbox" name="value" value=(c.value) checked[chosen(&c.value)];
                                } @else {
                                    input type="radio" name="value" value=(c.value) required
                                        checked[chosen(&c.value)]
                                        autofocus[n == 0 && suggested.is_none() && before.is_empty()];
                                }
                                @match (&c.theirs, theirs) {
                                    (Some(label), Some(p)) => {
                                        span.pair {
                                            span.own { (c.own) }
                                            span.person lang=(p.tongue.code) dir=(p.tongue.dir) { (label) }
                                        }
                                    }
                                    _ => { span { (c.own) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        _ => {
            let number = !matches!(item.kind, ItemKindName::Text | ItemKindName::Date);
            // A number's hint says what it accepts, and is read with it;
            // in interpreter mode the person's text describes it too.
            let mut described: Vec<String> = described.into_iter().collect();
            if theirs.is_some() {
                described.push("person-text".to_owned());
            }
            if number {
                described.push("accepts".to_owned());
            }
            let described = (!described.is_empty()).then(|| described.join(" "));
            let their_unit = theirs.and_then(|p| p.item.unit.as_ref().map(|u| (p.tongue, u)));
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
                    @if let Some(unit) = &item.unit { span.unit lang=(own.code) dir=(own.dir) { (unit) } }
                    @if let Some((t, unit)) = their_unit { span.unit.person lang=(t.code) dir=(t.dir) { (unit) } }
                },
            };
            let heading =
                html! { h1 lang=(own.code) dir=(own.dir) { label for="answer" { (item.text) } } };
            html! {
                div.question {
                    (texts(heading))
                    div.field { (input) }
                    @if number { p.help #accepts { (ui.answer_with) " " (accepts) "." } }
                }
            }
        }
    }
}

/// The points of a short scale, each with its label if it has one.
fn scale_points(item: &ItemView) -> Option<Vec<(String, Option<String>)>> {
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
                    .map(|l| l.label.clone());
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
    let own = Tongue::of(&view.language);
    let interview = format!("/interview?lang={}", ui.lang);
    let closed = view.status == Status::Closed;
    let body = html! {
        p.title-line lang=(own.code) dir=(own.dir) { (view.title) }
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
                    (vidare::format::Urgency::Immediate, ui.immediate),
                    (vidare::format::Urgency::Soon, ui.soon),
                    (vidare::format::Urgency::Routine, ui.routine),
                ] {
                    @let group: Vec<&vidare::outcome::TriggerRecord> = o.triggers.iter().filter(|t| t.urgency == urgency).collect();
                    @if !group.is_empty() {
                        div class={ "urgency urgency-" (format!("{urgency:?}").to_lowercase()) } {
                            h3 { (title) }
                            @for t in group {
                                @let view = crate::api::trigger_view(t);
                                div.trigger data-trigger=(t.id) {
                                    p.trigger-text lang=(own.code) dir=(own.dir) { (t.text) }
                                    p.refer { (ui.refer_to) ": " (referral(q, own, &t.refer_to)) }
                                    (evidence(ui, own, q, &labels, &view))
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
                                    th scope="row" lang=(own.code) dir=(own.dir) { (s.label.as_deref().unwrap_or(&s.id)) }
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
            @let derived: Vec<&vidare::outcome::DerivedRecord> = o.derived.iter().filter(|d| d.label.is_some()).collect();
            @if !derived.is_empty() {
                section {
                    h2 { (ui.summary) }
                    table {
                        tbody {
                            @for d in derived {
                                tr {
                                    th scope="row" lang=(own.code) dir=(own.dir) { (d.label.as_deref().unwrap_or(&d.id)) }
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
                        dt lang=(own.code) dir=(own.dir) { (q.item(&a.item).map_or(a.item.as_str(), |i| i.text(own.code))) }
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
        vidare::Value::Text(t) => t.to_string(),
        vidare::Value::List(l) => l.join(", "),
    }
}
