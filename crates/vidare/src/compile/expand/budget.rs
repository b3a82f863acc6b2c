//! The budgets expansion keeps: `Limits::max_items` for the items it
//! makes, `Limits::max_expanded_bytes` for the text it copies or fills in.
//! Both are checked before anything is built, so a small file that would
//! expand into millions of items or gigabytes of text is refused cheaply.

use crate::compile::context::Ctx;
use crate::diagnostic::Code;
use crate::format::{Derived, Score, Section, Sp, Text};

/// Whether the text budget (`Limits::max_expanded_bytes`) has been crossed
/// and reported: nothing more is expanded then.
pub(super) fn text_budget_spent(ctx: &Ctx<'_>) -> bool {
    ctx.expanded_bytes > ctx.limits.max_expanded_bytes
}

/// Marks the text budget as crossed, so no more is expanded.
pub(super) fn spend_text_budget(ctx: &mut Ctx<'_>) {
    ctx.expanded_bytes = ctx.limits.max_expanded_bytes.saturating_add(1);
}

/// Whether `adding` more items keep the questionnaire within
/// `Limits::max_items`; checked before expanding, so a small file that
/// would expand into millions of items is refused without building them.
pub(super) fn within_item_limit<T>(
    adding: usize,
    at: &Sp<T>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> bool {
    if ctx.expanded_items + adding <= ctx.limits.max_items {
        ctx.expanded_items += adding;
        return true;
    }
    // Said once: every later entry would only repeat it.
    if ctx
        .diagnostics
        .iter()
        .any(|d| d.code == Code::LimitExceeded)
    {
        return false;
    }
    ctx.error(
        Code::LimitExceeded,
        at,
        path,
        format!(
            "expanding this gives more than {} items, the limit",
            ctx.limits.max_items
        ),
    )
    .help = Some(
        "use fewer keys or includes, or raise `Limits::max_items` if the questionnaire is genuine"
            .into(),
    );
    false
}

/// Whether `adding` bytes of copied text keep the questionnaire within
/// `Limits::max_expanded_bytes`; checked before an include is copied.
pub(super) fn within_text_budget(
    adding: usize,
    at: &Sp<String>,
    path: &str,
    ctx: &mut Ctx<'_>,
) -> bool {
    if text_budget_spent(ctx) {
        return false;
    }
    if ctx.expanded_bytes.saturating_add(adding) <= ctx.limits.max_expanded_bytes {
        ctx.expanded_bytes += adding;
        return true;
    }
    spend_text_budget(ctx);
    ctx.error(
        Code::LimitExceeded,
        at,
        &format!("{path}.include"),
        format!(
            "including this takes the text that templates and includes produce past {} bytes, the limit",
            ctx.limits.max_expanded_bytes
        ),
    )
    .help = Some(
        "every `include:` copies the included texts: include fewer times or fewer `sections`; raise `Limits::max_expanded_bytes` if the questionnaire is genuine".into(),
    );
    false
}

// The texts counted for an include are those a template instance fills
// (`Filler`): what is copied, language by language.

pub(super) fn text_bytes(text: &Sp<Text>) -> usize {
    text.value.values().map(String::len).sum()
}

fn opt_text_bytes(text: Option<&Sp<Text>>) -> usize {
    text.map_or(0, text_bytes)
}

pub(super) fn section_text_bytes(section: &Section) -> usize {
    opt_text_bytes(section.title.as_ref())
        + section
            .items
            .iter()
            .map(|item| {
                text_bytes(&item.text)
                    + opt_text_bytes(item.help.as_ref())
                    + opt_text_bytes(item.unit.as_ref())
                    + item
                        .options
                        .as_ref()
                        .map_or(0, |o| o.value.iter().map(|o| text_bytes(&o.label)).sum())
                    + item
                        .labels
                        .as_ref()
                        .map_or(0, |l| l.value.iter().map(|l| text_bytes(&l.label)).sum())
            })
            .sum::<usize>()
}

pub(super) fn derived_text_bytes(d: &Derived) -> usize {
    opt_text_bytes(d.label.as_ref())
        + [d.cases.as_ref(), d.flags.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|cases| &cases.value)
            .map(|c| opt_text_bytes(c.label.as_ref()))
            .sum::<usize>()
}

pub(super) fn score_text_bytes(s: &Score) -> usize {
    opt_text_bytes(s.label.as_ref())
        + s.bands.as_ref().map_or(0, |bands| {
            bands.value.iter().map(|b| text_bytes(&b.label)).sum()
        })
}
