//! The one-page summary at the head of the review document: the items by
//! section, the paths (derived categories and early ends), the scores with
//! their bands, the referrals by urgency, and what is kept.

use vidare::format::ItemKind;
use vidare::questionnaire::PartKind;

const PART_KINDS: [PartKind; 5] = [
    PartKind::Question,
    PartKind::Derived,
    PartKind::Score,
    PartKind::Trigger,
    PartKind::End,
];

use super::{Doc, Inline, Span, code, first_sentence, ids_of, plain, text};

impl Doc<'_> {
    pub(super) fn summary(&mut self) {
        let t = self.t;
        self.heading(2, plain(t.summary), "summary");
        self.summary_items();
        self.summary_paths();
        self.summary_scores();
        self.summary_triggers();
        self.summary_kept();
    }

    /// Ids as a list shows them, each once (`*.x` for every instance of a
    /// template written once).
    fn listed<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Inline {
        let mut shown: Vec<String> = Vec::new();
        for id in ids {
            let id = self.listed_id(id);
            if !shown.contains(&id) {
                shown.push(id);
            }
        }
        ids_of(self.t, shown.iter().map(String::as_str))
    }

    fn summary_items(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        self.heading(3, plain(t.items), "summary-items");
        let items: Vec<_> = doc.sections.iter().flat_map(|s| &s.items).collect();
        let questions = items
            .iter()
            .filter(|i| i.kind.value != ItemKind::Info)
            .count();
        let mut line = t
            .items_count
            .replace("{questions}", &questions.to_string())
            .replace("{infos}", &(items.len() - questions).to_string())
            .replace("{sections}", &doc.sections.len().to_string());
        let sections: Vec<String> = doc
            .sections
            .iter()
            .map(|s| {
                let title = s
                    .title
                    .as_ref()
                    .map_or_else(|| s.id.value.clone(), |x| self.tx(&x.value));
                format!("{title} ({})", s.items.len())
            })
            .collect();
        line.push(' ');
        line.push_str(&sections.join(", "));
        line.push('.');
        if !self.instances.is_empty() {
            line.push(' ');
            line.push_str(&t.star.replace("{keys}", &self.instances.join(", ")));
        }
        self.para(plain(line));
        let by = items.iter().filter(|i| {
            i.answered_by
                .as_ref()
                .is_some_and(|a| a.value == vidare::format::AnsweredBy::Practitioner)
        });
        let protected = items
            .iter()
            .filter(|i| i.protected.as_ref().is_some_and(|p| p.value));
        let rows = vec![
            vec![
                plain(t.by_practitioner_count),
                self.listed(by.map(|i| i.id.value.as_str())),
            ],
            vec![
                plain(t.protected_items),
                self.listed(protected.map(|i| i.id.value.as_str())),
            ],
        ];
        self.table(&["", ""], rows);
        if !self.unreachable.is_empty() {
            let mut inline = vec![Span::Strong(t.unreachable_note.into()), text(" ")];
            let ids: Vec<String> = self.unreachable.iter().cloned().collect();
            inline.extend(ids_of(t, ids.iter().map(String::as_str)));
            self.para(inline);
        }
    }

    /// The derived categories and sets of flags, by their labels, and the
    /// early ends.
    fn summary_paths(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        self.heading(3, plain(t.paths), "summary-paths");
        let mut rows = Vec::new();
        for d in doc
            .derived
            .iter()
            .filter(|d| !self.later_instance(d.scope.as_deref()))
        {
            let (cases, how) = match (&d.cases, &d.flags) {
                (Some(c), _) => (&c.value, t.first_case),
                (_, Some(f)) => (&f.value, t.every_flag),
                _ => continue,
            };
            let values: Vec<String> = cases
                .iter()
                .map(|c| {
                    c.label
                        .as_ref()
                        .map_or_else(|| c.value.value.clone(), |l| self.tx(&l.value))
                })
                .collect();
            let mut name = self.named(d.label.as_ref().map(|l| &l.value), &d.id.value);
            name.push(text(format!(" ({how})")));
            rows.push(vec![name, plain(values.join(" · "))]);
        }
        for e in &doc.end {
            let mut name = vec![Span::Strong(self.t.early_end.into()), text(" ")];
            name.push(code(e.id.value.clone()));
            rows.push(vec![name, plain(first_sentence(&self.tx(&e.text.value)))]);
        }
        if rows.is_empty() {
            self.para(plain(t.no_paths));
        } else {
            self.table(&["", ""], rows);
        }
    }

    fn summary_scores(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.scores.is_empty() {
            return;
        }
        self.heading(3, plain(t.scores), "summary-scores");
        let rows = doc
            .scores
            .iter()
            .filter(|s| !self.later_instance(s.scope.as_deref()))
            .map(|s| {
                let bands = s.bands.as_ref().map_or_else(String::new, |b| {
                    b.value
                        .iter()
                        .map(|b| {
                            format!(
                                "{} {}–{}",
                                self.tx(&b.label.value),
                                b.min.value,
                                b.max.value
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" · ")
                });
                vec![
                    self.named(s.label.as_ref().map(|l| &l.value), &s.id.value),
                    plain(t.method_of(s.method.value)),
                    plain(bands),
                ]
            })
            .collect();
        self.table(&[t.score, t.method, t.bands], rows);
    }

    /// Every referral, most urgent first.
    fn summary_triggers(&mut self) {
        let t = self.t;
        let doc = self.q.document();
        if doc.triggers.is_empty() {
            return;
        }
        self.heading(3, plain(t.triggers), "summary-triggers");
        let mut triggers: Vec<_> = doc
            .triggers
            .iter()
            .filter(|x| !self.later_instance(x.scope.as_deref()))
            .collect();
        triggers.sort_by_key(|x| super::terms::urgency_index(x.urgency.value));
        let rows = triggers
            .iter()
            .map(|x| {
                let u = x.urgency.value;
                vec![
                    vec![Span::Urgency(u, t.urgency(u).into())],
                    vec![
                        text(format!("{} ", first_sentence(&self.tx(&x.text.value)))),
                        code(x.id.value.clone()),
                    ],
                    self.referral(&x.refer_to.value),
                ]
            })
            .collect();
        self.table(&[t.urgency_head, t.trigger, t.refer_to], rows);
    }

    /// What happens to the parts after the conversation, by kind of fate.
    fn summary_kept(&mut self) {
        let t = self.t;
        self.heading(3, plain(t.what_is_kept), "summary-kept");
        let parts: Vec<vidare::questionnaire::KeptPart<'_>> = self.q.kept_parts().collect();
        let ids =
            |f: &dyn Fn(&vidare::questionnaire::KeptPart<'_>) -> bool| grouped(self, &parts, f);
        // What is not kept only counted: it is named in the details.
        let counts = |f: &dyn Fn(&vidare::questionnaire::KeptPart<'_>) -> bool| -> Inline {
            let counted: Vec<String> = PART_KINDS
                .iter()
                .map(|&kind| {
                    (
                        kind,
                        parts.iter().filter(|p| p.kind == kind && f(p)).count(),
                    )
                })
                .filter(|&(_, n)| n > 0)
                .map(|(kind, n)| format!("{}: {n}", super::words::part_kind(t, kind)))
                .collect();
            if counted.is_empty() {
                plain(t.none)
            } else {
                plain(counted.join("; "))
            }
        };
        let mut rows = vec![
            vec![plain(t.kept_summary), ids(&|p| p.kept && p.stored)],
            vec![plain(t.not_kept_summary), counts(&|p| !p.kept)],
        ];
        if parts.iter().any(|p| p.kept && !p.stored) {
            rows.push(vec![
                plain(t.left_out_summary),
                ids(&|p| p.kept && !p.stored),
            ]);
        }
        rows.push(vec![plain(t.aggregate_head), ids(&|p| p.aggregate)]);
        self.table(&["", ""], rows);
    }
}

/// The ids of the parts `f` chooses, grouped by kind: a derived value and
/// a referral may share an id.
pub(super) fn grouped(
    d: &Doc<'_>,
    parts: &[vidare::questionnaire::KeptPart<'_>],
    f: &dyn Fn(&vidare::questionnaire::KeptPart<'_>) -> bool,
) -> Inline {
    let t = d.t;
    let mut out: Inline = Vec::new();
    for kind in PART_KINDS {
        let mut chosen: Vec<String> = Vec::new();
        for p in parts.iter().filter(|p| p.kind == kind && f(p)) {
            let id = d.listed_id(p.id);
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        if chosen.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(text("; "));
        }
        out.push(text(format!("{}: ", super::words::part_kind(t, kind))));
        out.extend(ids_of(t, chosen.iter().map(String::as_str)));
    }
    if out.is_empty() {
        out.push(text(t.none));
    }
    out
}
