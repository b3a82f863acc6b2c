//! Items: kind-specific fields, options and ranges.

use std::collections::HashMap;
use std::sync::Arc;

use super::context::{Ctx, Reader};
use crate::diagnostic::Code;
use crate::format::{AnsweredBy, ChoiceOption, Document, Image, Item, ItemKind, Sp};
use crate::questionnaire::ImageDef;
use crate::questionnaire::{ItemDef, OptionDef};

/// Multiple-choice answers are kept as a 64-bit mask.
pub(crate) const MAX_OPTIONS: usize = 64;

pub(super) fn build(doc: &Document, ctx: &mut Ctx<'_>) -> Option<Vec<ItemDef>> {
    let total: usize = doc.sections.iter().map(|s| s.items.len()).sum();
    if total > ctx.limits.max_items {
        let first = doc.sections.first()?;
        ctx.error(
            Code::LimitExceeded,
            &first.id,
            "sections",
            format!(
                "the questionnaire has {total} items; the limit is {}",
                ctx.limits.max_items
            ),
        )
        .help = Some("split it, or raise `Limits::max_items`".into());
        return None;
    }
    // No sections after a failed include or template is that failure's
    // consequence, already reported.
    if doc.sections.is_empty() && !ctx.has_errors() {
        ctx.error(
            Code::EmptyList,
            &doc.id,
            "sections",
            "the questionnaire has no sections",
        )
        .help = Some("add a section with at least one item".into());
    }
    let mut items = Vec::with_capacity(total);
    for (s, section) in doc.sections.iter().enumerate() {
        if section.items.is_empty() {
            ctx.error(
                Code::EmptyList,
                &section.id,
                &format!("sections[{s}].items"),
                format!("section `{}` has no items", section.id.value),
            )
            .help = Some("add items or remove the section".into());
        }
        for (i, item) in section.items.iter().enumerate() {
            let path = format!("sections[{s}].items[{i}]");
            items.push(build_item(item, s as u32, &path, ctx));
        }
    }
    Some(items)
}

fn unused_field<T>(
    ctx: &mut Ctx<'_>,
    field: Option<&Sp<T>>,
    name: &str,
    kind: ItemKind,
    path: &str,
) {
    if let Some(f) = field {
        ctx.error(
            Code::InvalidItem,
            f,
            &format!("{path}.{name}"),
            format!("`{name}` does not apply to a {} item", kind.as_str()),
        )
        .help = Some(format!("remove `{name}`, or change `kind`"));
    }
}

/// The equality audit names its groups by the answers to the protected
/// item, so only an item with a fixed list of answers may be protected: a
/// text, number, date or scale would print each person's answer as a
/// group's name.
fn protected_is_categorical(item: &Item, kind: ItemKind, path: &str, ctx: &mut Ctx<'_>) {
    let categorical = matches!(
        kind,
        ItemKind::YesNo | ItemKind::SingleChoice | ItemKind::MultipleChoice | ItemKind::Info
    );
    if let Some(flag) = item.protected.as_ref().filter(|p| p.value && !categorical) {
        ctx.error(
            Code::InvalidItem,
            flag,
            &format!("{path}.protected"),
            format!(
                "`protected` needs an item with a fixed list of answers, not a {} item",
                kind.as_str()
            ),
        )
        .help = Some(
            "the equality audit names its groups by the answers: make it a yes_no, \
             single_choice or multiple_choice item with options"
                .into(),
        );
    }
}

fn build_item(item: &Item, section: u32, path: &str, ctx: &mut Ctx<'_>) -> ItemDef {
    let kind = item.kind.value;
    let is_choice = matches!(kind, ItemKind::SingleChoice | ItemKind::MultipleChoice);
    let is_range = matches!(kind, ItemKind::Scale | ItemKind::Number);
    if !is_choice {
        unused_field(ctx, item.options.as_ref(), "options", kind, path);
    }
    if !is_range {
        unused_field(ctx, item.min.as_ref(), "min", kind, path);
        unused_field(ctx, item.max.as_ref(), "max", kind, path);
    }
    if kind != ItemKind::Number {
        unused_field(ctx, item.integer.as_ref(), "integer", kind, path);
        unused_field(ctx, item.unit.as_ref(), "unit", kind, path);
    }
    if kind != ItemKind::Scale {
        unused_field(ctx, item.labels.as_ref(), "labels", kind, path);
    }
    if kind != ItemKind::Text {
        unused_field(ctx, item.max_length.as_ref(), "max_length", kind, path);
    }
    if kind != ItemKind::YesNo {
        unused_field(ctx, item.scores.as_ref(), "scores", kind, path);
    }
    if !matches!(kind, ItemKind::YesNo | ItemKind::SingleChoice) {
        unused_field(ctx, item.aggregate.as_ref(), "aggregate", kind, path);
    }
    if kind == ItemKind::Info {
        for (field, name) in [
            (item.required.as_ref(), "required"),
            (item.allow_decline.as_ref(), "allow_decline"),
            (item.allow_dont_know.as_ref(), "allow_dont_know"),
            (item.protected.as_ref(), "protected"),
        ] {
            unused_field(ctx, field, name, kind, path);
        }
        unused_field(ctx, item.retention.as_ref(), "retention", kind, path);
        unused_field(ctx, item.reveals.as_ref(), "reveals", kind, path);
        unused_field(ctx, item.answered_by.as_ref(), "answered_by", kind, path);
        unused_field(ctx, item.suggested.as_ref(), "suggested", kind, path);
    }

    protected_is_categorical(item, kind, path, ctx);

    // Questions the practitioner answers are read by the practitioner.
    let reader = match item.answered_by.as_ref().map(|a| a.value) {
        Some(AnsweredBy::Practitioner) => Reader::Practitioner,
        _ => Reader::Person,
    };
    let options = if is_choice {
        build_options(item, path, reader, ctx)
    } else {
        Vec::new()
    };
    let (min, max) = if is_range {
        check_range(item, path, ctx)
    } else {
        (None, None)
    };
    let labels = item
        .labels
        .as_ref()
        .map(|labels| {
            labels
                .value
                .iter()
                .enumerate()
                .map(|(l, label)| {
                    let lpath = format!("{path}.labels[{l}]");
                    let v = label.value.value as f64;
                    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                        ctx.error(
                            Code::InvalidItem,
                            &label.value,
                            &format!("{lpath}.value"),
                            format!("label for {} lies outside the scale", label.value.value),
                        )
                        .help = Some("label only points between `min` and `max`".into());
                    }
                    (
                        label.value.value,
                        ctx.texts(&label.label, &format!("{lpath}.label"), reader),
                    )
                })
                .collect()
        })
        .unwrap_or_default();

    ItemDef {
        id: Arc::from(item.id.value.as_str()),
        section,
        kind,
        text: ctx.texts(&item.text, &format!("{path}.text"), reader),
        help: ctx.opt_texts(item.help.as_ref(), &format!("{path}.help"), reader),
        answered_by: item
            .answered_by
            .as_ref()
            .map(|a| a.value)
            .unwrap_or_default(),
        required: item.required.as_ref().is_none_or(|r| r.value),
        allow_decline: item.allow_decline.as_ref().is_some_and(|r| r.value),
        allow_dont_know: item.allow_dont_know.as_ref().is_some_and(|r| r.value),
        protected: item.protected.as_ref().is_some_and(|r| r.value),
        retention: item.retention.as_ref().map(|r| r.value).unwrap_or_default(),
        aggregate: item.aggregate.as_ref().is_some_and(|r| r.value),
        when: None,
        options,
        min,
        max,
        integer: kind == ItemKind::Scale || item.integer.as_ref().is_some_and(|r| r.value),
        unit: ctx.opt_texts(item.unit.as_ref(), &format!("{path}.unit"), reader),
        labels,
        max_length: item.max_length.as_ref().map_or(2000, |m| m.value),
        yes_no_scores: yes_no_scores(item, path, ctx),
        suggested: None,
        image: image(item.image.as_ref(), path, reader, ctx),
    }
}

/// The weights of `yes` and `no` in scores (1 and 0 unless written).
fn yes_no_scores(item: &Item, path: &str, ctx: &mut Ctx<'_>) -> (f64, f64) {
    let Some(scores) = &item.scores else {
        return (1.0, 0.0);
    };
    let spath = format!("{path}.scores");
    let yes =
        super::numbers::finite_at(scores.value.yes, scores, &spath, "the weight of `yes`", ctx);
    let no = super::numbers::finite_at(scores.value.no, scores, &spath, "the weight of `no`", ctx);
    if yes && no {
        (scores.value.yes, scores.value.no)
    } else {
        (1.0, 0.0)
    }
}

/// A picture: a relative path inside the questionnaire's folder (V036),
/// and an alt text in every language its reader needs.
fn image(
    image: Option<&Sp<Image>>,
    path: &str,
    reader: Reader,
    ctx: &mut Ctx<'_>,
) -> Option<ImageDef> {
    let image = image?;
    let ipath = format!("{path}.image");
    let file = &image.value.path;
    if let Some(why) = image_path_problem(&file.value) {
        ctx.error(
            Code::ImagePath,
            file,
            &format!("{ipath}.path"),
            format!("`{}` {why}", file.value),
        )
        .help = Some(
            "write a path relative to the questionnaire's folder, e.g. `images/alone.png`".into(),
        );
    }
    Some(ImageDef {
        path: file.value.clone(),
        alt: ctx.texts(&image.value.alt, &format!("{ipath}.alt"), reader),
    })
}

/// Why a picture path could reach outside the questionnaire's folder, or
/// mean something else on another system.
fn image_path_problem(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if path.trim().is_empty() {
        Some("is not a path")
    } else if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        Some("is not a relative path (no leading `/`, drive, scheme or `\\`)")
    } else if path
        .split('/')
        .any(|p| p == ".." || p == "." || p.is_empty())
    {
        Some("has an empty, `.` or `..` part")
    } else if ![".png", ".jpg", ".jpeg", ".svg", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        Some("is not a picture (`.png`, `.jpg`, `.jpeg`, `.svg` or `.webp`)")
    } else {
        None
    }
}

fn build_options(item: &Item, path: &str, reader: Reader, ctx: &mut Ctx<'_>) -> Vec<OptionDef> {
    let Some(options) = &item.options else {
        ctx.error(
            Code::MissingField,
            &item.kind,
            &format!("{path}.options"),
            format!("the choice item `{}` has no `options`", item.id.value),
        )
        .help = Some("add `options:` with at least two `value`/`label` pairs".into());
        return Vec::new();
    };
    if options.value.is_empty() {
        ctx.error(
            Code::EmptyList,
            options,
            &format!("{path}.options"),
            format!(
                "the choice item `{}` has an empty list of options",
                item.id.value
            ),
        )
        .help = Some("add at least two options".into());
    }
    if item.kind.value == ItemKind::MultipleChoice && options.value.len() > MAX_OPTIONS {
        ctx.error(
            Code::LimitExceeded,
            options,
            &format!("{path}.options"),
            format!("a multiple choice item may have at most {MAX_OPTIONS} options"),
        )
        .help = Some("split the item into several".into());
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(options.value.len());
    for (o, option) in options.value.iter().enumerate() {
        let opath = format!("{path}.options[{o}]");
        let value = &option.value.value;
        if !valid_value(value) {
            ctx.error(
                Code::InvalidId,
                &option.value,
                &format!("{opath}.value"),
                format!("option value `{value}` is not a valid value"),
            )
            .help = Some("use letters, digits, `_` and `-`; the label holds the wording".into());
        }
        if let Some(prev) = seen.get(value.as_str()) {
            let related = ctx.loc(
                &options.value[*prev].value,
                &format!("{path}.options[{prev}].value"),
            );
            let d = ctx.error(
                Code::DuplicateOption,
                &option.value,
                &format!("{opath}.value"),
                format!(
                    "option value `{value}` appears twice in `{}`",
                    item.id.value
                ),
            );
            d.help = Some("each option needs its own value".into());
            d.related.push(crate::diagnostic::Related {
                location: related,
                message: "first used here".into(),
            });
        } else {
            seen.insert(value, o);
        }
        if let Some(weight) = &option.score {
            super::numbers::finite(weight, &format!("{opath}.score"), "the weight", ctx);
        }
        out.push(OptionDef {
            value: value.as_str().into(),
            label: ctx.texts(&option.label, &format!("{opath}.label"), reader),
            score: option.score.as_ref().map(|s| s.value),
            image: image(option.image.as_ref(), &opath, reader, ctx),
        });
    }
    warn_numbered_values(item, options, path, ctx);
    out
}

/// V037 once per item, at the first option whose value, written in
/// digits, is the list number of another option: a frontend that takes
/// typed numbers as list numbers reads `1` as the first option, while the
/// author may mean the value "1".
fn warn_numbered_values(
    item: &Item,
    options: &Sp<Vec<ChoiceOption>>,
    path: &str,
    ctx: &mut Ctx<'_>,
) {
    let list = &options.value;
    // (position, value, the option listed under that value's number)
    let clash = list.iter().enumerate().find_map(|(o, option)| {
        let value = &option.value.value;
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = value.parse::<usize>().ok()?;
        let listed = list.get(n.checked_sub(1)?)?;
        (n != o + 1).then_some((o, option, &listed.value.value))
    });
    let Some((o, first, listed)) = clash else {
        return;
    };
    let value = &first.value.value;
    ctx.error(
        Code::NumberedOptionValue,
        &first.value,
        &format!("{path}.options[{o}].value"),
        format!(
            "the option value \"{value}\" of `{}` is also the number of option \"{listed}\" in the list: a typed `{value}` means \"{listed}\"",
            item.id.value
        ),
    )
    .help = Some(format!(
        "values that are not numbers cannot be mistaken (`never`, `several_days`); with these values, `vidare run` takes `={value}` for the value \"{value}\""
    ));
}

/// Option and category values are stored in results and written in
/// conditions, so they are kept to a plain alphabet.
pub(crate) fn valid_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn check_range(item: &Item, path: &str, ctx: &mut Ctx<'_>) -> (Option<f64>, Option<f64>) {
    let bounds = [(&item.min, "min"), (&item.max, "max")];
    for (bound, name) in bounds {
        if let Some(b) = bound {
            let shown = format!("`{name}`");
            if !super::numbers::finite(b, &format!("{path}.{name}"), &shown, ctx) {
                return (None, None);
            }
        }
    }
    let min = item.min.as_ref().map(|m| m.value);
    let max = item.max.as_ref().map(|m| m.value);
    if item.kind.value == ItemKind::Scale {
        if min.is_none() || max.is_none() {
            ctx.error(
                Code::MissingField,
                &item.kind,
                path,
                format!("the scale `{}` needs both `min` and `max`", item.id.value),
            )
            .help = Some("e.g. `min: 1` and `max: 5`".into());
        }
        for bound in [item.min.as_ref(), item.max.as_ref()].into_iter().flatten() {
            if bound.value.fract() != 0.0 {
                ctx.error(
                    Code::InvalidItem,
                    bound,
                    path,
                    "the ends of a scale must be whole numbers",
                )
                .help = Some("use a `number` item for fractional values".into());
            }
        }
    }
    if let (Some(lo), Some(hi), Some(at)) = (min, max, item.max.as_ref()) {
        if lo >= hi {
            ctx.error(
                Code::InvalidItem,
                at,
                &format!("{path}.max"),
                format!("`max` ({hi}) must be greater than `min` ({lo})"),
            )
            .help = Some("swap them or fix the range".into());
        } else if item.integer.as_ref().is_some_and(|i| i.value) && lo.ceil() > hi.floor() {
            // Otherwise every answer would be refused and the interview
            // could never get past this item.
            ctx.error(
                Code::InvalidItem,
                at,
                &format!("{path}.max"),
                format!("no whole number lies between `min` ({lo}) and `max` ({hi})"),
            )
            .help = Some("widen the range, or drop `integer: true`".into());
        }
    }
    (min, max)
}
