//! Splicing an included questionnaire in: the chosen sections with
//! prefixed ids, the derived values, scores and triggers that read only
//! what was included, and its end conditions as guards.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::Prefixed;
use super::budget::{
    derived_text_bytes, score_text_bytes, section_text_bytes, text_bytes, within_text_budget,
};
use crate::compile::context::Ctx;
use crate::diagnostic::{Code, did_you_mean};
use crate::expr::ast::{Ast, AstKind};
use crate::format::{Derived, Document, Guard, LocalScope, Score, Section, Sp, Trigger};

/// Copies the chosen sections of an included questionnaire into `out`,
/// with prefixed ids, and the derived values, scores and triggers that only
/// read what was included. Its end conditions become guards on the included
/// sections that follow what they read.
pub(super) fn splice(
    section: &Section,
    included: &Document,
    alias: &Sp<String>,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
    out: &mut Document,
) {
    let prefix = &alias.value;
    ctx.includes.push(prefix.clone());
    let chosen = chosen_sections(section, included, spec, path, ctx);
    let parts = Parts::available(&chosen, included, ctx);
    let scope = Arc::new(LocalScope {
        prefix: prefix.clone(),
        locals: parts.locals.clone(),
    });
    let guards = parts.end_guards(included, &scope, ctx);
    let triggers: Vec<&Trigger> = included
        .triggers
        .iter()
        .filter(|t| parts.reads_only_locals(&t.when.value, ctx))
        .collect();
    // Counted before anything is copied: one questionnaire included many
    // times copies its texts each time.
    let bytes = copied_bytes(&chosen, &parts, &triggers);
    if !within_text_budget(bytes, spec, path, ctx) {
        return;
    }
    let first_new = out.sections.len();
    copy_sections(&chosen, section, &guards, (prefix, &scope), out);
    for s in &mut out.sections[first_new..] {
        at_entry(&mut s.id, spec);
        s.items.iter_mut().for_each(|i| at_entry(&mut i.id, spec));
    }
    for d in parts.derived {
        let mut part = d.prefixed(prefix, &scope);
        at_entry(&mut part.id, spec);
        out.derived.push(part);
    }
    for s in parts.scores {
        let mut part = s.prefixed(prefix, &scope);
        at_entry(&mut part.id, spec);
        out.scores.push(part);
    }
    for t in triggers {
        let mut part = t.prefixed(prefix, &scope);
        at_entry(&mut part.id, spec);
        out.triggers.push(part);
    }
}

/// Points an included id at the `include:` entry. Its own position is in
/// the included file, but a clash with another id (the same questionnaire
/// included twice, or an id of this file) is fixed here, and a position of
/// another file would point at an unrelated line of this one.
fn at_entry(id: &mut Sp<String>, entry: &Sp<String>) {
    id.line = entry.line;
    id.column = entry.column;
}

/// The bytes of text an include copies, language by language.
fn copied_bytes(chosen: &[&Section], parts: &Parts<'_>, triggers: &[&Trigger]) -> usize {
    chosen.iter().map(|s| section_text_bytes(s)).sum::<usize>()
        + parts
            .derived
            .iter()
            .map(|d| derived_text_bytes(d))
            .sum::<usize>()
        + parts
            .scores
            .iter()
            .map(|s| score_text_bytes(s))
            .sum::<usize>()
        + triggers
            .iter()
            .map(|t| text_bytes(&t.text) + t.refer_to.value.len())
            .sum::<usize>()
}

/// The sections the entry's `sections:` names (all when it names none), in
/// the included questionnaire's order; reports names it does not have.
fn chosen_sections<'d>(
    section: &Section,
    included: &'d Document,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> Vec<&'d Section> {
    let Some(wanted) = &section.sections else {
        return included.sections.iter().collect();
    };
    let mut chosen = Vec::new();
    for w in &wanted.value {
        if let Some(s) = included.sections.iter().find(|s| s.id.value == w.value) {
            chosen.push(s);
        } else {
            unknown_section(included, w, spec, path, ctx);
        }
    }
    // Document order of the included questionnaire, whatever order they were listed in.
    chosen.sort_by_key(|s| {
        included
            .sections
            .iter()
            .position(|x| x.id.value == s.id.value)
    });
    chosen
}

fn unknown_section(
    included: &Document,
    wanted: &Sp<String>,
    spec: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) {
    let help = did_you_mean(
        &wanted.value,
        included.sections.iter().map(|s| s.id.value.as_str()),
    )
    .map_or_else(
        || {
            format!(
                "its sections are {}",
                included
                    .sections
                    .iter()
                    .map(|s| format!("`{}`", s.id.value))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        |m| format!("did you mean `{m}`?"),
    );
    ctx.error(
        Code::UnknownReference,
        wanted,
        &format!("{path}.sections"),
        format!("`{}` has no section `{}`", spec.value, wanted.value),
    )
    .help = Some(help);
}

/// What is available inside the inclusion: the chosen items, and the
/// derived values and scores that read only available names.
struct Parts<'d> {
    locals: BTreeSet<String>,
    derived: Vec<&'d Derived>,
    scores: Vec<&'d Score>,
    /// The included item ids, in order.
    order: Vec<&'d str>,
}

impl<'d> Parts<'d> {
    /// Grown to a fixpoint over derived values and scores that only read
    /// available names.
    fn available(chosen: &[&'d Section], included: &'d Document, ctx: &Ctx<'_>) -> Self {
        let order: Vec<&str> = chosen
            .iter()
            .flat_map(|s| s.items.iter().map(|i| i.id.value.as_str()))
            .collect();
        let mut parts = Parts {
            locals: order.iter().map(|&i| i.to_owned()).collect(),
            derived: Vec::new(),
            scores: Vec::new(),
            order,
        };
        loop {
            let before = parts.derived.len() + parts.scores.len();
            for d in &included.derived {
                if !parts.derived.iter().any(|x| x.id.value == d.id.value)
                    && derived_reads(d, ctx)
                        .iter()
                        .all(|n| parts.locals.contains(n))
                {
                    parts.locals.insert(d.id.value.clone());
                    parts.derived.push(d);
                }
            }
            for s in &included.scores {
                if !parts.scores.iter().any(|x| x.id.value == s.id.value)
                    && score_reads(s, ctx).all(|n| parts.locals.contains(&n))
                {
                    parts.locals.insert(s.id.value.clone());
                    parts.scores.push(s);
                }
            }
            if parts.derived.len() + parts.scores.len() == before {
                return parts;
            }
        }
    }

    fn reads_only_locals(&self, text: &str, ctx: &Ctx<'_>) -> bool {
        names(text, ctx).iter().all(|n| self.locals.contains(n))
    }

    /// The position of the last included item an expression depends on
    /// (through derived values and scores too).
    fn last_item_read(&self, text: &str, ctx: &Ctx<'_>) -> Option<usize> {
        let mut pending = names(text, ctx);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut last = None;
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(p) = self.order.iter().position(|i| *i == name) {
                last = last.max(Some(p));
            } else if let Some(d) = self.derived.iter().find(|d| d.id.value == name) {
                pending.extend(derived_reads(d, ctx));
            } else if let Some(sc) = self.scores.iter().find(|sc| sc.id.value == name) {
                pending.extend(score_reads(sc, ctx));
            }
        }
        last
    }

    /// An end condition of the included questionnaire skips the included
    /// items after the last one it reads, instead of ending the interview:
    /// each guard with the position after which it applies.
    fn end_guards(
        &self,
        included: &Document,
        scope: &Arc<LocalScope>,
        ctx: &Ctx<'_>,
    ) -> Vec<(usize, Guard)> {
        included
            .end
            .iter()
            .filter(|e| self.reads_only_locals(&e.when.value, ctx))
            .map(|e| {
                (
                    self.last_item_read(&e.when.value, ctx).unwrap_or(0),
                    Guard {
                        condition: e.when.clone(),
                        must_hold: false,
                        scope: Some(scope.clone()),
                    },
                )
            })
            .collect()
    }
}

/// Copies the chosen sections with prefixed ids; each item gets the end
/// guards of the items before it, each section the entry's `when`.
fn copy_sections(
    chosen: &[&Section],
    entry: &Section,
    guards: &[(usize, Guard)],
    (prefix, scope): (&str, &Arc<LocalScope>),
    out: &mut Document,
) {
    let mut position = 0usize;
    for s in chosen {
        let mut s = s.prefixed(prefix, scope);
        for item in &mut s.items {
            item.id.value = format!("{prefix}.{}", item.id.value);
            item.guards.extend(
                guards
                    .iter()
                    .filter(|(last, _)| *last < position)
                    .map(|(_, g)| g.clone()),
            );
            position += 1;
        }
        if let Some(extra) = &entry.when {
            s.guards.push(Guard {
                condition: extra.clone(),
                must_hold: true,
                scope: None,
            });
        }
        out.sections.push(s);
    }
}

fn score_reads<'s>(s: &'s Score, ctx: &'s Ctx<'_>) -> impl Iterator<Item = String> + 's {
    s.over.value.iter().flat_map(|t| names(&t.value, ctx))
}

fn derived_reads(d: &Derived, ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &d.value {
        out.extend(names(&v.value, ctx));
    }
    for cases in [d.cases.as_ref(), d.flags.as_ref()].into_iter().flatten() {
        for c in &cases.value {
            out.extend(names(&c.when.value, ctx));
        }
    }
    out
}

/// Names an expression reads, written as in its text.
fn names(text: &str, ctx: &Ctx<'_>) -> Vec<String> {
    fn walk(ast: &Ast, out: &mut Vec<String>) {
        match &ast.kind {
            AstKind::Ident(n) => out.push(n.clone()),
            AstKind::List(xs) | AstKind::Call { args: xs, .. } => {
                for x in xs {
                    walk(x, out);
                }
            }
            AstKind::Unary(_, a) => walk(a, out),
            AstKind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(ast) = crate::expr::parse(text, ctx.limits.expr) {
        walk(&ast, &mut out);
    }
    out
}
