//! Placeholders: `{name}` in a template's texts filled with the values of
//! one instance (its `key` and `vars`), counted against the text budget.

use std::cell::Cell;

use super::budget::spend_text_budget;
use crate::compile::context::Ctx;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::format::{Derived, Instance, Item, Score, Sp, Text, Var};

/// Fills `{name}` placeholders of one instance, counting the text it
/// produces against `Limits::max_expanded_bytes`.
pub(super) struct Filler<'a> {
    instance: &'a Instance,
    path: &'a str,
    /// Set when a text crossed the budget: the rest of the instance is left
    /// as it is, and expansion stops.
    spent: Cell<bool>,
}

impl<'a> Filler<'a> {
    pub(super) fn new(instance: &'a Instance, path: &'a str) -> Self {
        Filler {
            instance,
            path,
            spent: Cell::new(false),
        }
    }

    /// Whether a text crossed the budget: expansion must stop.
    pub(super) fn spent(&self) -> bool {
        self.spent.get()
    }

    fn lookup(&self, name: &str, lang: Option<&str>) -> Option<&'a str> {
        if name == "key" {
            return Some(&self.instance.key.value);
        }
        match self.instance.vars.get(name)? {
            Var::Plain(p) => Some(p),
            Var::Text(t) => lang.and_then(|l| t.get(l)).map(String::as_str),
        }
    }

    /// `text` with its placeholders filled, or `None` as soon as the
    /// result would be longer than `budget` bytes: a text that repeats a
    /// long value is never built beyond the budget.
    fn fill(
        &self,
        text: &str,
        lang: Option<&str>,
        missing: &mut Vec<String>,
        budget: usize,
    ) -> Option<String> {
        let mut out = String::with_capacity(text.len().min(budget));
        let push = |out: &mut String, piece: &str| {
            let fits = out.len() + piece.len() <= budget;
            if fits {
                out.push_str(piece);
            }
            fits
        };
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if !push(&mut out, &rest[..open]) {
                return None;
            }
            let after = &rest[open + 1..];
            if let Some(close) = placeholder_end(after) {
                let name = &after[..close];
                let value = self.lookup(name, lang).unwrap_or_else(|| {
                    missing.push(name.to_owned());
                    &rest[open..=open + close + 1]
                });
                if !push(&mut out, value) {
                    return None;
                }
                rest = &after[close + 1..];
            } else {
                if !push(&mut out, "{") {
                    return None;
                }
                rest = after;
            }
        }
        push(&mut out, rest).then_some(out)
    }

    /// Fills one text (of the language `lang`, or a plain value) within
    /// what is left of the budget, and counts it; reports the text at
    /// `line` and `column` that crosses the budget.
    fn fill_counted(
        &self,
        text: &str,
        lang: Option<&str>,
        missing: &mut Vec<String>,
        (line, column): (u32, u32),
        ctx: &mut Ctx<'_>,
    ) -> Option<String> {
        if self.spent.get() {
            return None;
        }
        let left = ctx
            .limits
            .max_expanded_bytes
            .saturating_sub(ctx.expanded_bytes);
        if let Some(filled) = self.fill(text, lang, missing, left) {
            ctx.expanded_bytes += filled.len();
            return Some(filled);
        }
        self.spent.set(true);
        spend_text_budget(ctx);
        let key = &self.instance.key;
        let related = ctx.loc(key, &format!("{}.key", self.path));
        ctx.report(
            Diagnostic::new(
                Code::LimitExceeded,
                ctx.loc_at(line, column, self.path),
                format!(
                    "filling in this text for key `{}` takes the text that templates and includes produce past {} bytes, the limit",
                    key.value, ctx.limits.max_expanded_bytes
                ),
            )
            .with_help(
                "every `{name}` is replaced by its value wherever it appears, for every key: shorten the values in `vars` or the texts that repeat them, or use fewer keys; raise `Limits::max_expanded_bytes` if the questionnaire is genuine",
            )
            .with_related(related, "the key being expanded"),
        );
        None
    }

    fn report(&self, missing: &[String], at_line: u32, at_column: u32, ctx: &mut Ctx<'_>) {
        for name in missing {
            let vars: Vec<&str> = self.instance.vars.keys().map(String::as_str).collect();
            let help = did_you_mean(name, vars.iter().copied()).map_or_else(
                || {
                    format!(
                        "add `{name}` to the `vars` of key `{}`",
                        self.instance.key.value
                    )
                },
                |m| format!("did you mean `{{{m}}}`?"),
            );
            ctx.report(
                Diagnostic::new(
                    Code::UnknownReference,
                    ctx.loc_at(at_line, at_column, self.path),
                    format!(
                        "the placeholder `{{{name}}}` has no value for key `{}`",
                        self.instance.key.value
                    ),
                )
                .with_help(help),
            );
        }
    }

    pub(super) fn text(&self, text: &mut Sp<Text>, ctx: &mut Ctx<'_>) {
        let mut missing = Vec::new();
        let at = (text.line, text.column);
        for (lang, value) in &mut text.value {
            let Some(filled) = self.fill_counted(value, Some(lang), &mut missing, at, ctx) else {
                return;
            };
            *value = filled;
        }
        missing.sort();
        missing.dedup();
        self.report(&missing, text.line, text.column, ctx);
    }

    fn opt_text(&self, text: Option<&mut Sp<Text>>, ctx: &mut Ctx<'_>) {
        if let Some(t) = text {
            self.text(t, ctx);
        }
    }

    pub(super) fn plain(&self, value: &mut Sp<String>, ctx: &mut Ctx<'_>) {
        let mut missing = Vec::new();
        let at = (value.line, value.column);
        let Some(filled) = self.fill_counted(&value.value, None, &mut missing, at, ctx) else {
            return;
        };
        value.value = filled;
        let (per_language, unknown): (Vec<String>, Vec<String>) = missing
            .into_iter()
            .partition(|name| matches!(self.instance.vars.get(name), Some(Var::Text(_))));
        for name in per_language {
            ctx.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    ctx.loc_at(value.line, value.column, self.path),
                    format!(
                        "`{{{name}}}` is a text per language, but this field takes one plain value"
                    ),
                )
                .with_help(format!(
                    "give `{name}` one value for all languages, e.g. `{name}: housing-support`"
                )),
            );
        }
        self.report(&unknown, value.line, value.column, ctx);
    }

    pub(super) fn item(&self, item: &mut Item, ctx: &mut Ctx<'_>) {
        self.text(&mut item.text, ctx);
        self.opt_text(item.help.as_mut(), ctx);
        self.opt_text(item.unit.as_mut(), ctx);
        if let Some(options) = &mut item.options {
            for o in &mut options.value {
                self.text(&mut o.label, ctx);
            }
        }
        if let Some(labels) = &mut item.labels {
            for l in &mut labels.value {
                self.text(&mut l.label, ctx);
            }
        }
    }

    pub(super) fn derived(&self, d: &mut Derived, ctx: &mut Ctx<'_>) {
        self.opt_text(d.label.as_mut(), ctx);
        for cases in [d.cases.as_mut(), d.flags.as_mut()].into_iter().flatten() {
            for c in &mut cases.value {
                self.opt_text(c.label.as_mut(), ctx);
            }
        }
    }

    pub(super) fn score(&self, s: &mut Score, ctx: &mut Ctx<'_>) {
        self.opt_text(s.label.as_mut(), ctx);
        if let Some(bands) = &mut s.bands {
            for b in &mut bands.value {
                self.text(&mut b.label, ctx);
            }
        }
    }
}

/// Where the name of a placeholder ends in `after` (the text after a `{`):
/// the index of its `}`, if a non-empty name of letters, digits and `_`
/// comes before it.
fn placeholder_end(after: &str) -> Option<usize> {
    let close = after.find('}')?;
    let name = &after[..close];
    (close > 0 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(close)
}
