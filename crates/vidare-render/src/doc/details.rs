//! The details of the review document: each section a table with one row
//! per item (a template's instances once), derived values, scores,
//! referrals and early ends with their conditions in words, and the full
//! table of what is kept.

use vidare::format::{AnsweredBy, CountAs, Item, ItemKind, LocalScope, Retention, Section};

use super::{Doc, Inline, Span, code, plain, text, words};
use crate::graph::template_run;
use crate::names;

impl Doc<'_> {
    pub(super) fn details(&mut self) {
        let t = self.t;
        self.heading(2, plain(t.details), "details");
        self.heading(3, plain(t.questions), "questions");
        self.para(plain(t.conditions_note));
        let sections = &self.q.document().sections;
        let mut s = 0;
        let mut number = 0;
        while s < sections.len() {
            let run = template_run(sections, s);
            self.section(&sections[s..s + run], &mut number);
            s += run;
        }
        self.derived();
        self.scores();
        self.triggers();
        self.ends();
        self.kept();
    }

    /// A section, or the instances of a template through the first one.
    fn section(&mut self, run: &[Section], number: &mut usize) {
        let t = self.t;
        let section = &run[0];
        let scope = section.scope.as_deref();
        let title = section
            .title
            .as_ref()
            .map_or_else(|| section.id.value.clone(), |x| self.tx(&x.value));
        self.heading(4, plain(title), &format!("section-{}", section.id.value));
        let mut facts: Inline = Vec::new();
        if run.len() > 1 {
            let keys: Vec<&str> = run
                .iter()
                .filter_map(|r| r.scope.as_ref().map(|s| s.prefix.as_str()))
                .collect();
            facts.push(text(
                t.template_instances.replace("{keys}", &keys.join(", ")),
            ));
            facts.push(text(". "));
        }
        match &section.when {
            Some(w) => {
                facts.push(text(format!("{}: ", t.section_shown_when)));
                facts.extend(self.cond(&w.value, scope));
            }
            None if section.guards.is_empty() => {}
            None => facts.push(text(t.section_always)),
        }
        for g in &section.guards {
            facts.push(text("; "));
            facts.extend(self.guard(g));
        }
        if !facts.is_empty() {
            self.para(facts);
        }
        let mut rows = Vec::new();
        for item in &section.items {
            *number += 1;
            rows.push(self.item_row(*number, item, scope));
        }
        self.table(&["#", t.question, t.answer, t.shown_when, t.notes], rows);
    }

    /// The number of the first item with this help or these options, or
    /// `None` when this is the first (remembered as `number`).
    fn seen(&mut self, key: String, number: usize) -> Option<usize> {
        if let Some((_, first)) = self.seen.iter().find(|(k, _)| *k == key) {
            return Some(*first);
        }
        self.seen.push((key, number));
        None
    }

    fn guard(&self, g: &vidare::format::Guard) -> Inline {
        let mut out = vec![text(format!(
            "{}: ",
            if g.must_hold {
                self.t.note_also_when
            } else {
                self.t.note_skipped_when
            }
        ))];
        out.extend(self.cond(&g.condition.value, g.scope.as_deref()));
        out
    }

    fn item_row(&mut self, number: usize, item: &Item, scope: Option<&LocalScope>) -> Vec<Inline> {
        let t = self.t;
        let mut question = vec![text(format!("{} ", self.tx(&item.text.value)))];
        question.push(code(item.id.value.clone()));
        if let Some(help) = &item.help {
            let help = self.tx(&help.value);
            let line = match self.seen(format!("help\n{help}"), number) {
                Some(first) => t.same_help_as.replace("{n}", &first.to_string()),
                None => help,
            };
            question.push(text(format!("\n{line}")));
        }
        let shown = match &item.when {
            Some(w) => self.cond(&w.value, scope),
            None => plain(t.always),
        };
        let mut shown = shown;
        for g in &item.guards {
            shown.push(text("; "));
            shown.extend(self.guard(g));
        }
        let answer = self.answer(item);
        let answer = match (item.options.is_some() || item.labels.is_some())
            .then(|| self.seen(words::plain(&answer), number))
            .flatten()
        {
            Some(first) => plain(t.same_answer_as.replace("{n}", &first.to_string())),
            None => answer,
        };
        vec![
            plain(number.to_string()),
            question,
            answer,
            shown,
            self.notes(item, scope),
        ]
    }

    /// What the answer may be: the kind, then the options with their
    /// values and weights, the scale's labels, the range or the length.
    fn answer(&self, item: &Item) -> Inline {
        let t = self.t;
        let kind = item.kind.value;
        let mut out = plain(t.kind(kind));
        if let Some(options) = &item.options {
            for o in &options.value {
                out.push(text(format!("\n{} ", self.tx(&o.label.value))));
                out.push(code(o.value.value.clone()));
                if let Some(score) = &o.score {
                    out.push(text(format!(" ({} {})", t.weight, score.value)));
                }
            }
        }
        let (min, max) = (
            item.min.as_ref().map(|m| m.value),
            item.max.as_ref().map(|m| m.value),
        );
        match (min, max) {
            (Some(a), Some(b)) => out.push(text(format!(" {a}–{b}"))),
            (Some(a), None) => out.push(text(format!(" ≥ {a}"))),
            (None, Some(b)) => out.push(text(format!(" ≤ {b}"))),
            (None, None) => {}
        }
        if let Some(labels) = &item.labels {
            for l in &labels.value {
                out.push(text(format!(
                    "\n{} = {}",
                    l.value.value,
                    self.tx(&l.label.value)
                )));
            }
        }
        if let Some(scores) = &item.scores {
            out.push(text(format!(
                " ({} {} {}, {} {})",
                t.weight, t.yes, scores.value.yes, t.no, scores.value.no
            )));
        }
        if kind == ItemKind::Text {
            let longest = item.max_length.as_ref().map_or(2000, |m| m.value);
            out.push(text(format!(", {longest} {}", t.characters)));
        }
        out
    }

    fn notes(&self, item: &Item, scope: Option<&LocalScope>) -> Inline {
        let t = self.t;
        let mut notes: Vec<Inline> = Vec::new();
        if self.unreachable.contains(&item.id.value) {
            notes.push(vec![Span::Strong(t.note_never_shown.into())]);
        }
        if item.kind.value != ItemKind::Info {
            let flag = |f: Option<&vidare::format::Sp<bool>>| f.is_some_and(|v| v.value);
            if item
                .answered_by
                .as_ref()
                .is_some_and(|a| a.value == AnsweredBy::Practitioner)
            {
                notes.push(plain(t.note_practitioner));
            }
            if item.required.as_ref().is_some_and(|r| !r.value) {
                notes.push(plain(t.note_optional));
            }
            if flag(item.allow_decline.as_ref()) {
                notes.push(plain(t.note_decline));
            }
            if flag(item.allow_dont_know.as_ref()) {
                notes.push(plain(t.note_dont_know));
            }
            if flag(item.protected.as_ref()) {
                notes.push(plain(t.note_protected));
            }
            if item
                .retention
                .as_ref()
                .is_some_and(|r| r.value == Retention::Conversation)
            {
                notes.push(plain(t.note_conversation));
            }
        }
        if let Some(from) = &item.suggested {
            notes.push(vec![
                text(format!("{} ", t.note_suggested)),
                code(names::qualify(&from.value, scope)),
            ]);
        }
        let mut out = Vec::new();
        for (i, note) in notes.into_iter().enumerate() {
            if i > 0 {
                out.push(text("; "));
            }
            out.extend(note);
        }
        out
    }

    fn derived(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.derived.is_empty() {
            return;
        }
        self.heading(3, plain(t.derived_values), "derived");
        let rows = doc
            .derived
            .iter()
            .filter(|d| !self.later_instance(d.scope.as_deref()))
            .map(|d| {
                let scope = d.scope.as_deref();
                let mut how: Inline = Vec::new();
                if let Some(v) = &d.value {
                    how.extend(self.cond(&v.value, scope));
                }
                let cases = match (&d.cases, &d.flags) {
                    (Some(c), _) => Some((&c.value, t.first_case)),
                    (_, Some(f)) => Some((&f.value, t.every_flag)),
                    _ => None,
                };
                if let Some((cases, first)) = cases {
                    how.push(text(format!("{first}:")));
                    for c in cases {
                        let label = c
                            .label
                            .as_ref()
                            .map_or_else(|| c.value.value.clone(), |l| self.tx(&l.value));
                        how.push(text(format!("\n• {label} ")));
                        how.push(code(c.value.value.clone()));
                        how.push(text(format!(" {} ", t.when)));
                        how.extend(self.cond(&c.when.value, scope));
                    }
                }
                vec![
                    self.named(d.label.as_ref().map(|l| &l.value), &d.id.value),
                    how,
                ]
            })
            .collect();
        self.table(&[t.derived_value, t.computed_as], rows);
    }

    fn scores(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.scores.is_empty() {
            return;
        }
        self.heading(3, plain(t.scores), "scores");
        let rows = doc
            .scores
            .iter()
            .filter(|s| !self.later_instance(s.scope.as_deref()))
            .map(|s| {
                let scope = s.scope.as_deref();
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
                        terms.extend(words::words_in(&term.value, scope, t));
                    }
                }
                let all = s.over.value.len();
                let least = s.min_answered.as_ref().map_or(all, |n| n.value as usize);
                let count = |c: Option<&vidare::format::Sp<CountAs>>| match c
                    .map_or(CountAs::Missing, |c| c.value)
                {
                    CountAs::Missing => t.as_missing,
                    CountAs::Zero => t.as_zero,
                };
                let rules = format!(
                    "{}; {}: {} / {}",
                    t.has_value_when
                        .replace("{least}", &least.to_string())
                        .replace("{all}", &all.to_string()),
                    t.declined_counts,
                    count(s.declined.as_ref()),
                    count(s.dont_know.as_ref())
                );
                vec![
                    self.named(s.label.as_ref().map(|l| &l.value), &s.id.value),
                    plain(t.method_of(s.method.value)),
                    terms,
                    plain(rules),
                ]
            })
            .collect();
        self.table(&[t.score, t.method, t.over_head, t.notes], rows);
    }

    fn triggers(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.triggers.is_empty() {
            return;
        }
        self.heading(3, plain(t.triggers), "triggers");
        let rows = doc
            .triggers
            .iter()
            .filter(|x| !self.later_instance(x.scope.as_deref()))
            .map(|x| {
                let u = x.urgency.value;
                vec![
                    vec![Span::Urgency(u, t.urgency(u).into())],
                    vec![
                        text(format!("{} ", self.tx(&x.text.value))),
                        code(x.id.value.clone()),
                    ],
                    self.referral(&x.refer_to.value),
                    self.cond(&x.when.value, x.scope.as_deref()),
                ]
            })
            .collect();
        self.table(&[t.urgency_head, t.trigger, t.refer_to, t.fires_when], rows);
    }

    fn ends(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.end.is_empty() {
            return;
        }
        self.heading(3, plain(t.early_end), "end");
        let rows = doc
            .end
            .iter()
            .map(|e| {
                vec![
                    vec![
                        text(format!("{} ", self.tx(&e.text.value))),
                        code(e.id.value.clone()),
                    ],
                    self.cond(&e.when.value, e.scope.as_deref()),
                ]
            })
            .collect();
        self.table(&[t.text, t.ends_when], rows);
    }

    /// "What is kept": every part of a result with what happens to it
    /// after the conversation, then the questions in the statistics.
    fn kept(&mut self) {
        let t = self.t;
        self.heading(3, plain(t.what_is_kept), "kept");
        self.para(words::kept_intro(t));
        let parts: Vec<vidare::questionnaire::KeptPart<'_>> = self.q.kept_parts().collect();
        // The parts used only in the conversation reveal nothing after
        // it: named in one line under the table.
        let mut listed: Vec<(String, vidare::questionnaire::PartKind)> = Vec::new();
        let rows = parts
            .iter()
            .filter(|part| part.kept)
            .filter(|part| {
                let key = (self.listed_id(part.id), part.kind);
                let first = !listed.contains(&key);
                listed.push(key);
                first
            })
            .map(|part| {
                vec![
                    vec![code(self.listed_id(part.id))],
                    plain(words::part_kind(t, part.kind)),
                    plain(words::kept_status(t, part)),
                    words::kept_reveals(t, part),
                    words::kept_reason(part),
                ]
            })
            .collect();
        self.table(&t.kept_head, rows);
        let mut only = vec![Span::Strong(t.not_kept_summary.into()), text(": ")];
        only.extend(super::summary::grouped(self, &parts, &|p| !p.kept));
        self.para(only);
        if parts.iter().any(|p| p.kept && !p.stored) {
            self.para(plain(t.kept_left_out));
        }
        let aggregate: Vec<&str> = parts.iter().filter(|p| p.aggregate).map(|p| p.id).collect();
        self.para(words::aggregate(t, &aggregate));
    }
}
