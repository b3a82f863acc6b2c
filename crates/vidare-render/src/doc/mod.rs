//! The review document of a questionnaire for methodologists and ethics
//! boards, in one language: a one-page summary (items, paths, scores,
//! referrals, what is kept), then the details, each item one row of a
//! table. It is built from the expanded document
//! (`Questionnaire::document`) and the compiler's disclosure analysis
//! (`Questionnaire::kept_parts`) as a list of blocks, and written as
//! Markdown ([`markdown`]) or as a standalone HTML page ([`html`]).
//!
//! ```
//! # let source = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires/violence-seven/2.0.0.yaml"));
//! let q = vidare::compile(source, "2.0.0.yaml").unwrap();
//! let markdown = vidare_render::doc::markdown(&q, "en");
//! assert!(markdown.contains("## Summary"));
//! let page = vidare_render::doc::html(&q, "sv");
//! assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"sv\""));
//! ```

mod details;
pub(crate) mod html;
mod markdown;
mod summary;
pub(crate) mod terms;
pub(crate) mod words;

use vidare::Questionnaire;
use vidare::format::{LocalScope, Text, Urgency};

use terms::Terms;

/// The review document of `q` as Markdown (GitHub flavour, with tables),
/// its texts and own words in `lang`, a language `q` declares.
#[must_use]
pub fn markdown(q: &Questionnaire, lang: &str) -> String {
    markdown::render(&document(q, lang))
}

/// The review document of `q` as a complete standalone HTML page, its
/// texts and own words in `lang`, a language `q` declares.
#[must_use]
pub fn html(q: &Questionnaire, lang: &str) -> String {
    html::render(lang, q.title(lang), &document(q, lang))
}

/// A piece of running text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Span {
    Text(String),
    Code(String),
    Strong(String),
    /// An urgency word, drawn in its colour in HTML.
    Urgency(Urgency, String),
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

fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

fn plain(s: impl Into<String>) -> Inline {
    vec![text(s)]
}

/// Builds the document.
pub(crate) struct Doc<'q> {
    q: &'q Questionnaire,
    lang: String,
    t: &'static Terms,
    out: Vec<Block>,
    unreachable: std::collections::BTreeSet<String>,
    /// Help texts and answers already written, with the item's number.
    seen: Vec<(String, usize)>,
    /// The prefixes of the instances of templates written once.
    instances: Vec<String>,
    /// The labels of values, for conditions.
    labels: words::Labels,
    /// Those of them after the first of their template.
    later: Vec<String>,
}

/// The review document of `q` in `lang`.
pub(crate) fn document(q: &Questionnaire, lang: &str) -> Vec<Block> {
    let mut d = Doc {
        q,
        lang: lang.to_owned(),
        t: terms::for_language(lang),
        out: Vec::new(),
        unreachable: q.unreachable_items().map(|i| i.id().to_owned()).collect(),
        seen: Vec::new(),
        instances: instances(q).concat(),
        labels: words::labels(q, lang),
        later: instances(q)
            .into_iter()
            .flat_map(|r| r.into_iter().skip(1))
            .collect(),
    };
    d.header();
    d.summary();
    d.details();
    d.out
}

/// The prefixes of the instances of every template that has more than
/// one, a list per template.
fn instances(q: &Questionnaire) -> Vec<Vec<String>> {
    let sections = &q.document().sections;
    let mut out = Vec::new();
    let mut s = 0;
    while s < sections.len() {
        let run = crate::graph::template_run(sections, s);
        if run > 1 {
            out.push(
                sections[s..s + run]
                    .iter()
                    .filter_map(|x| x.scope.as_ref().map(|sc| sc.prefix.clone()))
                    .collect(),
            );
        }
        s += run;
    }
    out
}

impl Doc<'_> {
    /// An id as a list shows it: `*.x` for a part of any instance of a
    /// template written once.
    fn listed_id(&self, id: &str) -> String {
        self.instance_part(id)
            .map_or_else(|| id.to_owned(), |(_, rest)| format!("*.{rest}"))
    }

    /// The instance prefix and the rest of an id inside a template
    /// written once.
    fn instance_part<'a>(&'a self, id: &'a str) -> Option<(&'a str, &'a str)> {
        self.instances.iter().find_map(|p| {
            let rest = id.strip_prefix(p.as_str())?.strip_prefix('.')?;
            Some((p.as_str(), rest))
        })
    }

    /// A rule of a later instance of a template written once: written
    /// through the first instance's.
    fn later_instance(&self, scope: Option<&LocalScope>) -> bool {
        scope.is_some_and(|sc| self.later.contains(&sc.prefix))
    }

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

    /// A text in the chosen language, else in the default one.
    fn tx(&self, t: &Text) -> String {
        t.get(&self.lang)
            .or_else(|| t.get(self.q.default_language()))
            .cloned()
            .unwrap_or_default()
    }

    /// Where a trigger refers: its name in the document's language and
    /// the key, or the key alone when the questionnaire names none.
    fn referral(&self, key: &str) -> Inline {
        match self.q.referral_label(key, &self.lang) {
            Some(name) => vec![text(format!("{name} ")), code(key.to_owned())],
            None => vec![code(key.to_owned())],
        }
    }

    /// A condition in words.
    fn cond(&self, src: &str, scope: Option<&LocalScope>) -> Inline {
        words::words_with(src, scope, self.t, Some(&self.labels))
    }

    /// A label in the chosen language, then the id as small code.
    fn named(&self, label: Option<&Text>, id: &str) -> Inline {
        match label.map(|l| self.tx(l)).filter(|l| !l.is_empty()) {
            Some(l) => vec![text(format!("{l} ")), code(id)],
            None => vec![code(id)],
        }
    }

    fn header(&mut self) {
        let q = self.q;
        let t = self.t;
        self.heading(1, plain(q.title(&self.lang)), "top");
        self.para(plain(
            t.intro
                .replace("{id}", q.id())
                .replace("{version}", q.version()),
        ));
        let languages = q
            .language_details()
            .iter()
            .map(|l| language_fact(t, l, q.default_language(), &self.lang))
            .collect::<Vec<_>>()
            .join("; ");
        let chosen = q.language(&self.lang).map_or_else(
            || self.lang.clone(),
            |l| format!("{} ({})", l.code(), language_name(l, &self.lang)),
        );
        if let Some(d) = &q.document().description {
            self.para(plain(self.tx(&d.value)));
        }
        self.para(vec![
            Span::Strong(t.version.into()),
            text(format!(": {} · ", q.version())),
            Span::Strong(t.digest.into()),
            text(": "),
            code(q.digest()),
            text(" · "),
            Span::Strong(t.texts_in.into()),
            text(format!(": {chosen} · ")),
            Span::Strong(t.languages.into()),
            text(format!(": {languages}")),
        ]);
    }
}

/// A declared language with its name and the status of its translation:
/// `ar (Arabic): draft, not yet reviewed by an authorised translator; for
/// the person only`.
fn language_fact(t: &Terms, l: &vidare::language::Language, default: &str, lang: &str) -> String {
    use vidare::language::{Audience, Direction, Status};
    let mut notes: Vec<String> = Vec::new();
    if l.code() == default {
        notes.push(t.translation[0].into());
    }
    match l.status() {
        Status::Source => notes.push(t.translation[1].into()),
        Status::Draft => notes.push(t.translation[2].into()),
        Status::Reviewed => notes.push(
            t.translation[3]
                .replace("{by}", l.reviewed_by().unwrap_or_default())
                .replace("{on}", l.reviewed_on().unwrap_or_default()),
        ),
    }
    if l.audience() == Audience::Person {
        notes.push(t.translation[4].into());
    }
    if l.direction() == Direction::Rtl {
        notes.push(t.rtl.into());
    }
    format!(
        "{} ({}): {}",
        l.code(),
        language_name(l, lang),
        notes.join(", ")
    )
}

/// A language's name in the document's language (Swedish names for a
/// Swedish document), so that no English name stands among Swedish words.
fn language_name(l: &vidare::language::Language, lang: &str) -> &'static str {
    vidare::language::name_in(l.code(), lang).unwrap_or_else(|| l.name())
}

/// Ids as code, separated by commas; the word for none when there are none.
fn ids_of<'a>(t: &Terms, ids: impl Iterator<Item = &'a str>) -> Inline {
    let mut out = Vec::new();
    for (i, id) in ids.enumerate() {
        if i > 0 {
            out.push(text(", "));
        }
        out.push(code(id));
    }
    if out.is_empty() {
        out.push(text(t.none));
    }
    out
}

/// The first sentence of a text, at most about 110 characters.
fn first_sentence(text: &str) -> String {
    let end = text
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && text[i + 1..].starts_with(' '))
        .map_or(text.len(), |(i, _)| i + 1);
    let sentence = &text[..end];
    if sentence.chars().count() <= 110 {
        return sentence.to_owned();
    }
    let mut cut: String = sentence.chars().take(108).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    format!("{cut} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(path: &str) -> Questionnaire {
        vidare::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    fn all_text(blocks: &[Block]) -> String {
        let mut out = String::new();
        for b in blocks {
            let spans: Vec<&Inline> = match b {
                Block::Heading(_, i, _) | Block::Para(i) => vec![i],
                Block::Table { head, rows } => head.iter().chain(rows.iter().flatten()).collect(),
            };
            for i in spans {
                out.push_str(&words::plain(i));
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn the_violence_document_names_every_item_and_trigger_in_the_chosen_language() {
        let q = load("../../questionnaires/violence-seven/2.0.0.yaml");
        for lang in ["sv", "en"] {
            let text = all_text(&document(&q, lang));
            for item in q.items() {
                assert!(text.contains(item.id()), "{lang}: `{}`", item.id());
                assert!(
                    text.contains(item.text(lang)),
                    "{lang}: the text of `{}`",
                    item.id()
                );
            }
            for t in q.trigger_ids() {
                assert!(text.contains(t), "{lang}: `{t}`");
            }
        }
        let sv = all_text(&document(&q, "sv"));
        for english in [
            "Summary",
            "shown when",
            "answered by the practitioner",
            " is yes",
        ] {
            assert!(!sv.contains(english), "`{english}` in the Swedish document");
        }
        assert!(sv.contains("Sammanfattning") && sv.contains("är ja"));
    }

    #[test]
    fn the_summary_comes_first_and_orders_referrals_by_urgency() {
        let q = load("../../questionnaires/violence-seven/2.0.0.yaml");
        let blocks = document(&q, "en");
        let anchors: Vec<&str> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(_, _, anchor) => Some(anchor.as_str()),
                _ => None,
            })
            .collect();
        let at = |a: &str| anchors.iter().position(|x| *x == a).unwrap();
        assert!(at("summary") < at("summary-triggers"));
        assert!(at("summary-kept") < at("details"));
        assert!(at("details") < at("triggers"));
        let urgencies: Vec<usize> = blocks
            .iter()
            .skip_while(|b| !matches!(b, Block::Heading(_, _, a) if a == "summary-triggers"))
            .find_map(|b| match b {
                Block::Table { rows, .. } => Some(rows),
                _ => None,
            })
            .unwrap()
            .iter()
            .map(|row| match row[0].first() {
                Some(Span::Urgency(u, _)) => terms::urgency_index(*u),
                other => panic!("no urgency: {other:?}"),
            })
            .collect();
        assert!(urgencies.windows(2).all(|w| w[0] <= w[1]), "{urgencies:?}");
        assert_eq!(urgencies.len(), q.trigger_ids().count());
    }
}
