//! Bands against the values a score can take (V032): scores the terms can
//! reach that fall in no band (a severe band typed as 20–26 on a 0–27
//! scale leaves 27 without one), and bands no score can reach.

use super::context::Ctx;
use crate::diagnostic::Code;
use crate::format::Score;
use crate::questionnaire::BandDef;

/// Warns about the parts of `range` outside every band and about bands
/// outside `range`. Bands that are out of order or inside out are already
/// errors (V020), so they are left alone here.
pub(super) fn check(
    score: &Score,
    path: &str,
    bands: &[BandDef],
    range: (f64, f64),
    whole: bool,
    ctx: &mut Ctx<'_>,
) {
    let Some(written) = &score.bands else {
        return;
    };
    let ordered =
        bands.windows(2).all(|w| w[0].max <= w[1].min) && bands.iter().all(|b| b.min <= b.max);
    if bands.len() != written.value.len() || !ordered {
        return;
    }
    let (lo, hi) = range;
    let id = &score.id.value;
    let mut reachable = false;
    for (b, band) in bands.iter().enumerate() {
        if band.max < lo || band.min > hi {
            ctx.error(
                Code::BandRange,
                &written.value[b].min,
                &format!("{path}.bands[{b}].min"),
                format!(
                    "band `{}` ({} to {}) can never be reached: `{id}` can only be from {lo} to {hi}",
                    band.id, band.min, band.max
                ),
            )
            .help = Some("check the band's bounds against the instrument's manual".into());
        } else {
            reachable = true;
        }
    }
    if !reachable {
        return;
    }
    let (first, last) = (&bands[0], &bands[bands.len() - 1]);
    let below = if whole {
        first.min.ceil() - 1.0
    } else {
        first.min
    };
    if lo <= below && (whole || lo < below) {
        ctx.error(
            Code::BandRange,
            &written.value[0].min,
            &format!("{path}.bands[0].min"),
            format!(
                "{} no band: `{id}` can be as low as {lo}, and `{}` starts at {}",
                outside(lo, below, whole),
                first.id,
                first.min
            ),
        )
        .help = Some(format!(
            "start `{}` at {lo} if the instrument's manual puts these scores in it, or add a band for them",
            first.id
        ));
    }
    let above = if whole {
        last.max.floor() + 1.0
    } else {
        last.max
    };
    if hi >= above && (whole || hi > above) {
        let n = bands.len() - 1;
        ctx.error(
            Code::BandRange,
            &written.value[n].max,
            &format!("{path}.bands[{n}].max"),
            format!(
                "{} no band: `{id}` can reach {hi}, and `{}` ends at {}",
                outside(above, hi, whole),
                last.id,
                last.max
            ),
        )
        .help = Some(format!(
            "end `{}` at {hi} if the instrument's manual puts these scores in it, or add a band for them",
            last.id
        ));
    }
}

/// The scores from `from` to `to` (ends excluded where they touch a band of
/// a score that can take fractions), as the subject of "belong to".
fn outside(from: f64, to: f64, whole: bool) -> String {
    if !whole {
        format!("scores between {from} and {to} belong to")
    } else if from >= to {
        format!("the score {from} belongs to")
    } else {
        format!("the scores {from} to {to} belong to")
    }
}
