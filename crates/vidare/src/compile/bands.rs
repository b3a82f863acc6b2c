//! Scores: terms, the missing-data policy, and bands that must tile the
//! score's range without gaps or overlaps.

use super::context::Ctx;
use super::exprs::Checked;
use crate::diagnostic::Code;
use crate::format::{CountAs, Document, ItemKind, Method, Score};
use crate::questionnaire::{BandDef, ItemDef, ScoreDef, Term};

pub(super) fn build_scores(
    doc: &Document,
    ctx: &mut Ctx<'_>,
    checked: &Checked,
    items: &[ItemDef],
) -> Vec<ScoreDef> {
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
            if let Some(m) = &score.min_answered {
                if m.value > n_terms {
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
            }
            let integral = score.method.value == Method::Count
                || (score.method.value != Method::Mean
                    && terms.iter().all(|t| term_is_integral(t, items)));
            let bands = check_bands(score, &path, integral, ctx);
            ScoreDef {
                id: score.id.value.clone(),
                label: ctx.opt_texts(score.label.as_ref(), &format!("{path}.label")),
                method: score.method.value,
                terms,
                min_answered: score.min_answered.as_ref().map_or(n_terms, |m| m.value),
                declined_as_zero: score
                    .declined
                    .as_ref()
                    .is_some_and(|d| d.value == CountAs::Zero),
                dont_know_as_zero: score
                    .dont_know
                    .as_ref()
                    .is_some_and(|d| d.value == CountAs::Zero),
                bands,
            }
        })
        .collect()
}

fn whole(x: f64) -> bool {
    x.fract() == 0.0
}

fn term_is_integral(term: &Term, items: &[ItemDef]) -> bool {
    match term {
        Term::Item(i) => {
            let item = &items[*i as usize];
            match item.kind {
                ItemKind::YesNo => whole(item.yes_no_scores.0) && whole(item.yes_no_scores.1),
                ItemKind::SingleChoice | ItemKind::MultipleChoice => {
                    item.options.iter().all(|o| o.score.is_none_or(whole))
                }
                ItemKind::Scale => true,
                ItemKind::Number => item.integer,
                _ => false,
            }
        }
        // The type of an expression term is not tracked here; treating it as
        // fractional only relaxes the band check to touching bounds.
        Term::Expr(_) => false,
    }
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
            let prev_band = &bands.value[b - 1];
            let (overlap, gap) = if integral {
                (band.min.value <= prev.max, band.min.value > prev.max + 1.0)
            } else {
                (band.min.value < prev.max, band.min.value > prev.max)
            };
            let expected = if integral { prev.max + 1.0 } else { prev.max };
            if overlap {
                let related = ctx.loc(&prev_band.max, &format!("{path}.bands[{}].max", b - 1));
                ctx.error(
                    Code::BandOverlap,
                    &band.min,
                    &format!("{bpath}.min"),
                    format!(
                        "band `{}` starts at {} but band `{}` runs to {}",
                        band.id.value, band.min.value, prev.id, prev.max
                    ),
                )
                .with_related_mut(related, "the earlier band ends here")
                .help = Some(format!(
                    "list bands in ascending order; start this one at {expected}"
                ));
            } else if gap {
                let related = ctx.loc(&prev_band.max, &format!("{path}.bands[{}].max", b - 1));
                ctx.error(
                    Code::BandGap,
                    &band.min,
                    &format!("{bpath}.min"),
                    if integral {
                        let (lo, hi) = (prev.max + 1.0, band.min.value - 1.0);
                        let range = if lo >= hi {
                            format!("the score {lo} belongs")
                        } else {
                            format!("scores from {lo} to {hi} belong")
                        };
                        format!("{range} to no band (`{}` ends at {}, `{}` starts at {})", prev.id, prev.max, band.id.value, band.min.value)
                    } else {
                        format!(
                            "scores between {} and {} belong to no band (`{}` ends at {}, `{}` starts at {})",
                            prev.max, band.min.value, prev.id, prev.max, band.id.value, band.min.value
                        )
                    },
                )
                .with_related_mut(related, "the earlier band ends here")
                .help = Some(format!("start `{}` at {expected}", band.id.value));
            }
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
            id: band.id.value.clone(),
            min: band.min.value,
            max: band.max.value,
            label: ctx.texts(&band.label, &format!("{bpath}.label")),
        });
    }
    out
}
