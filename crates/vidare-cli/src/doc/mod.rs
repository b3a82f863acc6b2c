//! `vidare doc`: a review document of a questionnaire for methodologists
//! and ethics boards, built from the expanded document
//! (`Questionnaire::document`) and the compiler's disclosure analysis
//! (`Questionnaire::kept_parts`, for "What is kept") as a list of blocks,
//! and written as Markdown or as a standalone HTML page. `plan` writes, with
//! the same page shell and escaper, the person's printable copy of a plan
//! made in the conversation (`vidare run --plan`).

mod html;
pub(crate) mod markdown;
pub(crate) mod plan;
mod words;

use std::io::Write as _;
use std::process::ExitCode;

use vidare::Questionnaire;
use vidare::format::{
    AnsweredBy, Case, CountAs, Derived, Guard, Item, ItemKind, LocalScope, Retention, Score,
    Section, Sp, Text,
};

use crate::names;
use crate::{DocArgs, DocFormat};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  printed
  2  the questionnaire cannot be read or does not compile; bad arguments";

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Span {
    Text(String),
    Code(String),
    Strong(String),
}

/// Running text: a sequence of spans.
pub(crate) type Inline = Vec<Span>;

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A heading of level 1 to 4, with an anchor name.
    Heading(u8, Inline, String),
    Para(Inline),
    Table {
        head: Vec<Inline>,
        rows: Vec<Vec<Inline>>,
    },
}

pub(crate) fn run(args: &DocArgs) -> anyhow::Result<ExitCode> {
    let q = crate::files::questionnaire(&args.questionnaire)?;
    let blocks = document(&q);
    let text = match args.format {
        DocFormat::Markdown => markdown::render(&blocks),
        DocFormat::Html => html::render(q.title(q.default_language()), &blocks),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}

fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

fn plain(s: impl Into<String>) -> Inline {
    vec![text(s)]
}

fn yes_no(b: bool) -> Inline {
    plain(if b { "yes" } else { "no" })
}

/// A declared language with its name and the status of its translation:
/// `ar (Arabic): draft, not yet reviewed by an authorised translator; for
/// the person only`.
fn language_fact(l: &vidare::language::Language, default: &str) -> String {
    use vidare::language::{Audience, Status};
    let mut notes: Vec<String> = Vec::new();
    if l.code() == default {
        notes.push("default".into());
    }
    match l.status() {
        Status::Source => notes.push("written by the authors".into()),
        Status::Draft => {
            notes.push(
                "draft, not yet reviewed by an authorised translator: not for use with clients"
                    .into(),
            );
        }
        Status::Reviewed => notes.push(format!(
            "reviewed by {} on {}",
            l.reviewed_by().unwrap_or_default(),
            l.reviewed_on().unwrap_or_default()
        )),
    }
    if l.audience() == Audience::Person {
        notes.push("only the texts the person reads".into());
    }
    if l.direction() == vidare::language::Direction::Rtl {
        notes.push("right to left".into());
    }
    format!("{} ({}): {}", l.code(), l.name(), notes.join(", "))
}

/// Builds the document.
struct Doc<'q> {
    q: &'q Questionnaire,
    langs: Vec<String>,
    out: Vec<Block>,
    unreachable: std::collections::BTreeSet<String>,
}

pub(crate) fn document(q: &Questionnaire) -> Vec<Block> {
    let mut d = Doc {
        q,
        langs: q.languages().to_vec(),
        out: Vec::new(),
        unreachable: names::unreachable(q),
    };
    d.header();
    d.sections();
    d.derived();
    d.scores();
    d.triggers();
    d.ends();
    d.kept();
    d.out
}

impl Doc<'_> {
    fn heading(&mut self, level: u8, inline: Inline, anchor: &str) {
        self.out
            .push(Block::Heading(level, inline, anchor.to_owned()));
    }

    fn para(&mut self, inline: Inline) {
        self.out.push(Block::Para(inline));
    }

    fn table(&mut self, head: &[&str], rows: Vec<Vec<Inline>>) {
        if rows.is_empty() {
            return;
        }
        self.out.push(Block::Table {
            head: head.iter().map(|h| plain(*h)).collect(),
            rows,
        });
    }

    /// A two-column table of facts.
    fn facts(&mut self, rows: Vec<(&str, Inline)>) {
        let rows = rows.into_iter().map(|(k, v)| vec![plain(k), v]).collect();
        self.table(&["", ""], rows);
    }

    /// One row per language: the language, then each text in it.
    fn texts(&mut self, columns: &[(&str, Option<&Text>)]) {
        let present: Vec<&(&str, Option<&Text>)> =
            columns.iter().filter(|(_, t)| t.is_some()).collect();
        if present.is_empty() {
            return;
        }
        let mut head = vec!["language"];
        head.extend(present.iter().map(|(h, _)| *h));
        let rows =
            self.langs
                .iter()
                .map(|lang| {
                    let mut row = vec![plain(lang.clone())];
                    row.extend(present.iter().map(|(_, t)| {
                        plain(t.and_then(|t| t.get(lang)).cloned().unwrap_or_default())
                    }));
                    row
                })
                .collect();
        self.table(&head, rows);
    }

    fn header(&mut self) {
        let q = self.q;
        let doc = q.document();
        let lang = q.default_language();
        self.heading(1, plain(q.title(lang)), "top");
        self.para(vec![
            text("A review document of the questionnaire "),
            code(q.id()),
            text(format!(" version {}, written by ", q.version())),
            code("vidare doc"),
            text(
                " from the definition itself: every text in every language, who answers each \
                 question, which answers are kept, when each question is shown, and what the \
                 answers lead to.",
            ),
        ]);
        let items = doc.sections.iter().flat_map(|s| &s.items);
        let questions = items
            .clone()
            .filter(|i| i.kind.value != ItemKind::Info)
            .count();
        let infos = items.clone().count() - questions;
        let protected: Vec<Span> = ids(items.clone().filter(|i| flag(i.protected.as_ref())));
        let conversation: Vec<Span> = ids(items.clone().filter(|i| {
            i.retention
                .as_ref()
                .is_some_and(|r| r.value == Retention::Conversation)
        }));
        let languages = q
            .language_details()
            .iter()
            .map(|l| language_fact(l, lang))
            .collect::<Vec<_>>()
            .join("; ");
        let none = || plain("none");
        self.facts(vec![
            ("id", vec![code(q.id())]),
            ("version", plain(q.version())),
            ("digest", vec![code(q.digest())]),
            ("languages", plain(languages)),
            (
                "contents",
                plain(format!(
                    "{} section(s), {questions} question(s), {infos} information text(s), \
                     {} derived value(s), {} score(s), {} trigger(s), {} early end(s)",
                    doc.sections.len(),
                    doc.derived.len(),
                    doc.scores.len(),
                    doc.triggers.len(),
                    doc.end.len()
                )),
            ),
            (
                "protected attributes (never a rule input)",
                if protected.is_empty() {
                    none()
                } else {
                    protected
                },
            ),
            (
                "answers kept for the conversation only (not stored)",
                if conversation.is_empty() {
                    none()
                } else {
                    conversation
                },
            ),
        ]);
        self.texts(&[
            ("title", Some(&doc.title.value)),
            ("description", doc.description.as_ref().map(|d| &d.value)),
        ]);
        if !self.unreachable.is_empty() {
            let mut inline = vec![Span::Strong("Never shown:".into()), text(" ")];
            inline.extend(ids_of(self.unreachable.iter().cloned()));
            inline.push(text(
                ". The compiler found that their conditions can never hold (warning V023).",
            ));
            self.para(inline);
        }
    }

    fn sections(&mut self) {
        let doc = self.q.document();
        self.heading(2, plain("Sections and items"), "sections");
        self.para(plain(
            "The questions are asked in this order. A question is shown when its section's \
             condition and its own hold; a condition that reads an answer not given (declined, \
             not known, or not asked) does not hold.",
        ));
        for section in &doc.sections {
            self.section(section);
        }
    }

    fn section(&mut self, section: &Section) {
        let id = &section.id.value;
        self.heading(
            3,
            vec![text("Section "), code(id.clone())],
            &format!("section-{id}"),
        );
        self.texts(&[("title", section.title.as_ref().map(|t| &t.value))]);
        let scope = section.scope.as_deref();
        let mut rows = Vec::new();
        match &section.when {
            Some(when) => rows.push(("shown when", condition(&when.value, scope))),
            None => rows.push(("shown when", plain("always"))),
        }
        rows.extend(guards(&section.guards));
        if let Some(scope) = scope {
            rows.push((
                "names inside",
                vec![
                    text("a name "),
                    code("n"),
                    text(" declared in this part means "),
                    code(format!("{}.n", scope.prefix)),
                ],
            ));
        }
        self.facts(rows);
        for item in &section.items {
            self.item(item, scope);
        }
    }

    fn item(&mut self, item: &Item, scope: Option<&LocalScope>) {
        let id = &item.id.value;
        let kind = item.kind.value;
        self.heading(
            4,
            vec![
                code(id.clone()),
                text(format!(" — {} (", kind_words(kind))),
                code(kind.as_str()),
                text(")"),
            ],
            &format!("item-{id}"),
        );
        let mut rows: Vec<(&str, Inline)> = Vec::new();
        if self.unreachable.contains(id) {
            rows.push((
                "never shown",
                vec![Span::Strong(
                    "its condition can never hold (warning V023)".into(),
                )],
            ));
        }
        match &item.when {
            Some(when) => rows.push(("shown when", condition(&when.value, scope))),
            None => rows.push(("shown when", plain("always (when its section is shown)"))),
        }
        rows.extend(guards(&item.guards));
        if kind != ItemKind::Info {
            let by = item
                .answered_by
                .as_ref()
                .map_or(AnsweredBy::Person, |a| a.value);
            rows.push((
                "answered by",
                plain(match by {
                    AnsweredBy::Person => "the person",
                    AnsweredBy::Practitioner => "the practitioner",
                }),
            ));
            let required = item.required.as_ref().is_none_or(|r| r.value);
            rows.push((
                "required",
                plain(if required {
                    "yes"
                } else {
                    "no: it can be skipped"
                }),
            ));
            rows.push((
                "“prefer not to answer” offered",
                yes_no(flag(item.allow_decline.as_ref())),
            ));
            rows.push((
                "“don't know” offered",
                yes_no(flag(item.allow_dont_know.as_ref())),
            ));
            rows.push((
                "protected attribute",
                plain(if flag(item.protected.as_ref()) {
                    "yes: recorded, never used by a condition, score or trigger"
                } else {
                    "no"
                }),
            ));
            let retention = item.retention.as_ref().map_or(Retention::Keep, |r| r.value);
            rows.push((
                "retention",
                plain(match retention {
                    Retention::Keep => "kept in the stored result",
                    Retention::Conversation => {
                        "for the conversation only: left out of the stored result"
                    }
                }),
            ));
        }
        rows.extend(answer_facts(item, scope));
        self.facts(rows);
        self.texts(&[
            ("text", Some(&item.text.value)),
            ("help", item.help.as_ref().map(|h| &h.value)),
            ("unit", item.unit.as_ref().map(|u| &u.value)),
        ]);
        if let Some(options) = &item.options {
            let weights = options.value.iter().any(|o| o.score.is_some());
            let mut head = vec!["value"];
            head.extend(self.langs.iter().map(String::as_str));
            if weights {
                head.push("score weight");
            }
            let rows = options
                .value
                .iter()
                .map(|o| {
                    let mut row = vec![vec![code(o.value.value.clone())]];
                    row.extend(self.label_cells(Some(&o.label)));
                    if weights {
                        row.push(plain(
                            o.score
                                .as_ref()
                                .map(|s| s.value.to_string())
                                .unwrap_or_default(),
                        ));
                    }
                    row
                })
                .collect();
            let head: Vec<String> = head.iter().map(|h| (*h).to_owned()).collect();
            let head: Vec<&str> = head.iter().map(String::as_str).collect();
            self.table(&head, rows);
        }
        if let Some(labels) = &item.labels {
            let mut head = vec!["scale point".to_owned()];
            head.extend(self.langs.iter().cloned());
            let rows = labels
                .value
                .iter()
                .map(|l| {
                    let mut row = vec![plain(l.value.value.to_string())];
                    row.extend(self.label_cells(Some(&l.label)));
                    row
                })
                .collect();
            let head: Vec<&str> = head.iter().map(String::as_str).collect();
            self.table(&head, rows);
        }
    }

    /// The cells of a label, one per language.
    fn label_cells(&self, label: Option<&Sp<Text>>) -> Vec<Inline> {
        self.langs
            .iter()
            .map(|lang| {
                plain(
                    label
                        .and_then(|l| l.value.get(lang))
                        .cloned()
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    fn derived(&mut self) {
        let doc = self.q.document();
        if doc.derived.is_empty() {
            return;
        }
        self.heading(2, plain("Derived values"), "derived");
        self.para(plain(
            "Values computed from the answers; they have no value while what they read is not known.",
        ));
        for d in &doc.derived {
            self.one_derived(d);
        }
    }

    fn one_derived(&mut self, d: &Derived) {
        let id = &d.id.value;
        let scope = d.scope.as_deref();
        let kind = match (&d.value, &d.cases, &d.flags) {
            (Some(_), _, _) => "a value",
            (_, Some(_), _) => "a category",
            _ => "a set of flags",
        };
        self.heading(
            3,
            vec![code(id.clone()), text(format!(" — {kind}"))],
            &format!("derived-{id}"),
        );
        self.texts(&[("label", d.label.as_ref().map(|l| &l.value))]);
        if let Some(value) = &d.value {
            self.facts(vec![("value", condition(&value.value, scope))]);
        }
        if let Some(cases) = &d.cases {
            self.para(plain(
                "The first category whose condition holds is the value:",
            ));
            self.cases(&cases.value, scope);
        }
        if let Some(flags) = &d.flags {
            self.para(plain("Every flag whose condition holds is in the set:"));
            self.cases(&flags.value, scope);
        }
    }

    fn cases(&mut self, cases: &[Case], scope: Option<&LocalScope>) {
        let mut head = vec!["value".to_owned()];
        head.extend(self.langs.iter().cloned());
        head.push("when".to_owned());
        let rows = cases
            .iter()
            .map(|c| {
                let mut row = vec![vec![code(c.value.value.clone())]];
                row.extend(self.label_cells(c.label.as_ref()));
                row.push(condition(&c.when.value, scope));
                row
            })
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        self.table(&head, rows);
    }

    fn scores(&mut self) {
        let doc = self.q.document();
        if doc.scores.is_empty() {
            return;
        }
        self.heading(2, plain("Scores"), "scores");
        for s in &doc.scores {
            self.score(s);
        }
    }

    fn score(&mut self, s: &Score) {
        let id = &s.id.value;
        let scope = s.scope.as_deref();
        self.heading(
            3,
            vec![
                code(id.clone()),
                text(format!(" — {}", s.method.value.as_str())),
            ],
            &format!("score-{id}"),
        );
        self.texts(&[("label", s.label.as_ref().map(|l| &l.value))]);
        let mut terms: Inline = Vec::new();
        for (i, term) in s.over.value.iter().enumerate() {
            if i > 0 {
                terms.push(text("; "));
            }
            if names::parse(&term.value)
                .is_some_and(|a| matches!(a.kind, vidare::expr::ast::AstKind::Ident(_)))
            {
                terms.push(code(names::qualify(&term.value, scope)));
            } else {
                terms.extend(words::words(&term.value, scope));
            }
        }
        let count_as = |c: Option<&Sp<CountAs>>| {
            plain(match c.map_or(CountAs::Missing, |c| c.value) {
                CountAs::Missing => "as missing: left out",
                CountAs::Zero => "as zero",
            })
        };
        let least = match &s.min_answered {
            Some(n) => format!("{} of {} terms", n.value, s.over.value.len()),
            None => format!("all {} terms", s.over.value.len()),
        };
        self.facts(vec![
            (
                "method",
                plain(match s.method.value {
                    vidare::format::Method::Sum => "sum of the terms",
                    vidare::format::Method::Count => "number of terms that are yes or not zero",
                    vidare::format::Method::Mean => "mean of the terms with a value",
                    vidare::format::Method::Min => "smallest term",
                    vidare::format::Method::Max => "largest term",
                }),
            ),
            ("terms", terms),
            ("has a value when", plain(format!("{least} have a value"))),
            ("a declined answer counts", count_as(s.declined.as_ref())),
            ("“don't know” counts", count_as(s.dont_know.as_ref())),
        ]);
        if let Some(bands) = &s.bands {
            let mut head = vec!["band".to_owned(), "from".to_owned(), "to".to_owned()];
            head.extend(self.langs.iter().cloned());
            let rows = bands
                .value
                .iter()
                .map(|b| {
                    let mut row = vec![
                        vec![code(b.id.value.clone())],
                        plain(b.min.value.to_string()),
                        plain(b.max.value.to_string()),
                    ];
                    row.extend(self.label_cells(Some(&b.label)));
                    row
                })
                .collect();
            let head: Vec<&str> = head.iter().map(String::as_str).collect();
            self.table(&head, rows);
        }
    }

    fn triggers(&mut self) {
        let doc = self.q.document();
        if doc.triggers.is_empty() {
            return;
        }
        self.heading(2, plain("Referral triggers"), "triggers");
        self.para(plain(
            "A trigger fires when its condition holds; the result then lists it with its \
             urgency, where the person is referred, and the answers that made it fire.",
        ));
        let rows = doc
            .triggers
            .iter()
            .map(|t| {
                vec![
                    vec![code(t.id.value.clone())],
                    plain(t.urgency.value.as_str()),
                    vec![code(t.refer_to.value.clone())],
                    words::words(&t.when.value, t.scope.as_deref()),
                ]
            })
            .collect();
        self.table(&["trigger", "urgency", "refer to", "fires when"], rows);
        for t in &doc.triggers {
            let id = &t.id.value;
            self.heading(3, vec![code(id.clone())], &format!("trigger-{id}"));
            self.facts(vec![
                ("urgency", plain(t.urgency.value.as_str())),
                ("refer to", vec![code(t.refer_to.value.clone())]),
                ("fires when", condition(&t.when.value, t.scope.as_deref())),
            ]);
            self.texts(&[("text", Some(&t.text.value))]);
        }
    }

    fn ends(&mut self) {
        let doc = self.q.document();
        if doc.end.is_empty() {
            return;
        }
        self.heading(2, plain("Early end"), "end");
        self.para(plain(
            "The interview ends before its last question when one of these holds.",
        ));
        for e in &doc.end {
            let id = &e.id.value;
            self.heading(3, vec![code(id.clone())], &format!("end-{id}"));
            self.facts(vec![(
                "ends when",
                condition(&e.when.value, e.scope.as_deref()),
            )]);
            self.texts(&[("text", Some(&e.text.value))]);
        }
    }
}

impl Doc<'_> {
    /// "What is kept": every part of a result with what happens to it
    /// after the conversation, then the questions in the statistics.
    fn kept(&mut self) {
        self.heading(2, plain("What is kept"), "kept");
        self.para(words::kept_intro());
        let parts: Vec<vidare::KeptPart<'_>> = self.q.kept_parts().collect();
        let rows = parts
            .iter()
            .map(|part| {
                vec![
                    vec![code(part.id)],
                    plain(words::part_kind(part.kind)),
                    plain(words::kept_status(part)),
                    words::kept_reveals(part),
                    words::kept_reason(part),
                ]
            })
            .collect();
        self.table(&words::KEPT_HEAD, rows);
        if parts.iter().any(|p| p.kept && !p.stored) {
            self.para(plain(words::KEPT_LEFT_OUT));
        }
        let aggregate: Vec<&str> = parts.iter().filter(|p| p.aggregate).map(|p| p.id).collect();
        self.para(words::aggregate(&aggregate));
    }
}

/// A condition in words, then as written.
fn condition(src: &str, scope: Option<&LocalScope>) -> Inline {
    let mut inline = words::words(src, scope);
    inline.push(text(" — written "));
    inline.push(code(names::one_line(src)));
    inline
}

/// What an answer may be: range, length, weights, suggestion.
fn answer_facts(item: &Item, scope: Option<&LocalScope>) -> Vec<(&'static str, Inline)> {
    let mut rows = Vec::new();
    let (min, max) = (
        item.min.as_ref().map(|m| m.value),
        item.max.as_ref().map(|m| m.value),
    );
    match (min, max) {
        (Some(a), Some(b)) => rows.push(("range", plain(format!("{a} to {b}")))),
        (Some(a), None) => rows.push(("range", plain(format!("at least {a}")))),
        (None, Some(b)) => rows.push(("range", plain(format!("at most {b}")))),
        (None, None) => {}
    }
    if flag(item.integer.as_ref()) {
        rows.push(("whole numbers only", plain("yes")));
    }
    if item.kind.value == ItemKind::Text {
        let longest = item.max_length.as_ref().map_or(2000, |m| m.value);
        rows.push(("longest answer", plain(format!("{longest} characters"))));
    }
    if let Some(scores) = &item.scores {
        rows.push((
            "score weights",
            plain(format!("yes {}, no {}", scores.value.yes, scores.value.no)),
        ));
    }
    if let Some(from) = &item.suggested {
        rows.push((
            "suggested answer",
            vec![
                text("the derived value "),
                code(names::qualify(&from.value, scope)),
                text(", which the practitioner confirms or overrides"),
            ],
        ));
    }
    rows
}

/// Conditions added by expansion, in words.
fn guards(guards: &[Guard]) -> Vec<(&'static str, Inline)> {
    guards
        .iter()
        .map(|g| {
            let cond = condition(&g.condition.value, g.scope.as_deref());
            if g.must_hold {
                ("also only when (from where it is used)", cond)
            } else {
                ("skipped when (an end of the included questionnaire)", cond)
            }
        })
        .collect()
}

fn flag(value: Option<&Sp<bool>>) -> bool {
    value.is_some_and(|v| v.value)
}

/// Ids as code, separated by commas.
fn ids<'a>(items: impl Iterator<Item = &'a Item>) -> Inline {
    ids_of(items.map(|i| i.id.value.clone()))
}

fn ids_of(ids: impl Iterator<Item = String>) -> Inline {
    let mut out = Vec::new();
    for (i, id) in ids.enumerate() {
        if i > 0 {
            out.push(text(", "));
        }
        out.push(code(id));
    }
    out
}

/// What kind of question an item is, in words.
fn kind_words(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Info => "information text, not a question",
        ItemKind::YesNo => "yes/no question",
        ItemKind::SingleChoice => "single choice",
        ItemKind::MultipleChoice => "multiple choice",
        ItemKind::Scale => "scale",
        ItemKind::Number => "number",
        ItemKind::Text => "free text",
        ItemKind::Date => "date",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_violence_document_has_every_item_and_trigger() {
        let q = vidare::load(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../questionnaires/violence-seven/1.0.0.yaml"),
        )
        .unwrap();
        let blocks = document(&q);
        let anchors: Vec<&str> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(_, _, anchor) => Some(anchor.as_str()),
                _ => None,
            })
            .collect();
        for item in q.items() {
            assert!(anchors.contains(&format!("item-{}", item.id()).as_str()));
        }
        for t in q.trigger_ids() {
            assert!(anchors.contains(&format!("trigger-{t}").as_str()));
        }
    }
}
