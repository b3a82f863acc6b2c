//! Scores: terms, the missing-data policy, and bands that must tile the
//! score's range without gaps or overlaps.

use super::context::{Ctx, Reader};
use super::exprs::Checked;
use super::{band_range, ranges};
use crate::diagnostic::{Code, Location};
use crate::format::{Band, CountAs, Document, Score};
use crate::questionnaire::{BandDef, ItemDef, ScoreDef, Term};

pub(super) fn build_scores(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    checked: &Checked,
    items: &[ItemDef],
) -> Vec<ScoreDef> {
    // The values of each score so far, for terms that read earlier scores.
    let mut values: Vec<ranges::Values> = Vec::with_capacity(doc.scores.len());
    doc.scores
        .iter()
        .enumerate()
        .map(|(s, score)| {
            let path = format!("scores[{s}]");
            let terms: Vec<Term> = checked.score_terms[s]
                .iter()
                .flatten()
                .map(|t| match &t.term {
                    Term::Item(i) => Term::Item(*i),
                    Term::Expr(e) => Term::Expr(e.clone()),
                })
                .collect();
            let n_terms = score.over.value.len() as u32;
            if n_terms == 0 {
                ctx.error(
                    Code::EmptyList,
                    &score.over,
                    &format!("{path}.over"),
                    format!("the score `{}` has no terms", score.id.value),
                )
                .help = Some("list the items or expressions it is computed over".into());
            }
            if let Some(m) = &score.min_answered
                && m.value > n_terms
            {
                ctx.error(
                    Code::InvalidItem,
                    m,
                    &format!("{path}.min_answered"),
                    format!(
                        "`min_answered` is {} but the score has only {n_terms} terms",
                        m.value
                    ),
                )
                .help = Some(format!("use at most {n_terms}"));
            }
            let zero = ranges::ZeroPolicy {
                declined: score
                    .declined
                    .as_ref()
                    .is_some_and(|d| d.value == CountAs::Zero),
                dont_know: score
                    .dont_know
                    .as_ref()
                    .is_some_and(|d| d.value == CountAs::Zero),
                hidden: score
                    .hidden
                    .as_ref()
                    .is_some_and(|d| d.value == CountAs::Zero),
            };
            let min_answered = score.min_answered.as_ref().map_or(n_terms, |m| m.value);
            let term_values: Vec<ranges::Values> = terms
                .iter()
                .map(|t| ranges::term(t, items, &values, zero))
                .collect();
            let this = ranges::score(score.method.value, &term_values, min_answered as usize);
            values.push(this);
            let bands = check_bands(score, &path, this.whole, ctx);
            if let Some(range) = this.range {
                band_range::check(score, &path, &bands, range, this.whole, ctx);
            }
            ScoreDef {
                id: score.id.value.as_str().into(),
                label: ctx.opt_texts(
                    score.label.as_ref(),
                    &format!("{path}.label"),
                    Reader::Practitioner,
                ),
                method: score.method.value,
                terms,
                min_answered,
                declined_as_zero: zero.declined,
                dont_know_as_zero: zero.dont_know,
                hidden_as_zero: zero.hidden,
                bands,
            }
        })
        .collect()
}

fn check_bands(score: &Score, path: &str, integral: bool, ctx: &mut Ctx<'_>) -> Vec<BandDef> {
    let Some(bands) = &score.bands else {
        return Vec::new();
    };
    let mut out: Vec<BandDef> = Vec::with_capacity(bands.value.len());
    for (b, band) in bands.value.iter().enumerate() {
        let bpath = format!("{path}.bands[{b}]");
        if !super::ids::within_length(&band.id, &format!("{bpath}.id"), "band id", ctx) {
            continue;
        }
        let min_ok = super::numbers::finite(&band.min, &format!("{bpath}.min"), "`min`", ctx);
        let max_ok = super::numbers::finite(&band.max, &format!("{bpath}.max"), "`max`", ctx);
        if !(min_ok && max_ok) {
            return out;
        }
        if band.min.value > band.max.value {
            ctx.error(
                Code::BandOverlap,
                &band.max,
                &format!("{bpath}.max"),
                format!(
                    "band `{}` ends ({}) below where it starts ({})",
                    band.id.value, band.max.value, band.min.value
                ),
            )
            .help = Some("swap `min` and `max`".into());
        }
        if let Some(prev) = out.last() {
            let prev_at = ctx.loc(
                &bands.value[b - 1].max,
                &format!("{path}.bands[{}].max", b - 1),
            );
            meet(prev, band, &bpath, prev_at, integral, ctx);
        }
        if !super::header::valid_id(&band.id.value) {
            ctx.error(
                Code::InvalidId,
                &band.id,
                &format!("{bpath}.id"),
                format!("`{}` is not a valid band id", band.id.value),
            )
            .help = Some("use lower-case letters, digits and `_`, starting with a letter".into());
        }
        if out.iter().any(|o| o.id == band.id.value) {
            ctx.error(
                Code::DuplicateId,
                &band.id,
                &format!("{bpath}.id"),
                format!("band id `{}` is used twice in this score", band.id.value),
            )
            .help = Some("give each band its own id".into());
        }
        out.push(BandDef {
            id: band.id.value.as_str().into(),
            min: band.min.value,
            max: band.max.value,
            label: ctx.practitioner_texts(&band.label, &format!("{bpath}.label")),
        });
    }
    out
}

/// Checks where `band` starts against where the band before it ends. Every
/// help keeps each score the author placed in its band: a gap or overlap can
/// be closed from either side, so both are named, and only the manual can
/// say which is meant.
fn meet(
    prev: &BandDef,
    band: &Band,
    bpath: &str,
    prev_at: Location,
    integral: bool,
    ctx: &mut Ctx<'_>,
) {
    let start = band.min.value;
    let (overlap, gap) = if integral {
        (start <= prev.max, start > prev.max + 1.0)
    } else {
        (start < prev.max, start > prev.max)
    };
    let (code, message, help) = if overlap {
        (
            Code::BandOverlap,
            format!(
                "band `{}` starts at {start} but band `{}` runs to {}",
                band.id.value, prev.id, prev.max
            ),
            overlap_help(prev, band, integral),
        )
    } else if gap {
        (
            Code::BandGap,
            gap_message(prev, band, integral),
            gap_help(prev, band, integral),
        )
    } else {
        return;
    };
    ctx.error(code, &band.min, &format!("{bpath}.min"), message)
        .with_related_mut(prev_at, "the earlier band ends here")
        .help = Some(help);
}

/// The scores from `lo` to `hi`, for a whole-number score.
fn whole_scores(lo: f64, hi: f64) -> String {
    if lo >= hi {
        format!("the score {lo}")
    } else {
        format!("the scores {lo} to {hi}")
    }
}

fn gap_message(prev: &BandDef, band: &Band, integral: bool) -> String {
    let (id, start) = (&band.id.value, band.min.value);
    let (p, end) = (&prev.id, prev.max);
    if integral {
        let (lo, hi) = (end + 1.0, start - 1.0);
        let which = if lo >= hi {
            format!("the score {lo} belongs")
        } else {
            format!("scores from {lo} to {hi} belong")
        };
        format!("{which} to no band (`{p}` ends at {end}, `{id}` starts at {start})")
    } else {
        format!(
            "scores between {end} and {start} belong to no band (`{p}` ends at {end}, `{id}` starts at {start})"
        )
    }
}

fn gap_help(prev: &BandDef, band: &Band, integral: bool) -> String {
    let (id, start) = (&band.id.value, band.min.value);
    let (p, end) = (&prev.id, prev.max);
    if integral {
        let (lo, hi) = (end + 1.0, start - 1.0);
        format!(
            "end `{p}` at {hi} or start `{id}` at {lo}, as the instrument's manual places {}",
            whole_scores(lo, hi)
        )
    } else {
        // Ending the earlier band at the later one's start moves no score the
        // author placed: the shared bound stays in the later band.
        format!(
            "end `{p}` at {start}: scores between {end} and {start} then count as `{p}`, and {start} stays in `{id}`"
        )
    }
}

fn overlap_help(prev: &BandDef, band: &Band, integral: bool) -> String {
    let (id, start) = (&band.id.value, band.min.value);
    let (p, end) = (&prev.id, prev.max);
    if start <= prev.min {
        return "list bands in ascending order".into();
    }
    if integral {
        let verb = if start >= end { "is" } else { "are" };
        format!(
            "{} {verb} in both bands: end `{p}` at {} or start `{id}` at {}, as the instrument's manual places them",
            whole_scores(start, end),
            start - 1.0,
            end + 1.0
        )
    } else {
        format!(
            "scores from {start} to {end} are in both bands: end `{p}` at {start} or start `{id}` at {end}, as the instrument's manual places them"
        )
    }
}
