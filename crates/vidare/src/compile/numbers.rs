//! Numbers written in the file: bounds of numbers and scales, band bounds
//! and score weights must be finite. YAML reads `.nan`, `.inf` and `-.inf`
//! as numbers, and with them a range check, a band lookup or a sum quietly
//! gives nonsense (every comparison with NaN is false).

use super::context::Ctx;
use crate::diagnostic::Code;
use crate::format::Sp;

/// Whether `number` is finite; a V004 at it when it is not.
pub(super) fn finite(number: &Sp<f64>, path: &str, what: &str, ctx: &mut Ctx<'_>) -> bool {
    finite_at(number.value, number, path, what, ctx)
}

/// As [`finite`], for a number inside the value at `at` (the `yes` of a
/// yes/no item's `scores`, say).
pub(super) fn finite_at<T>(
    number: f64,
    at: &Sp<T>,
    path: &str,
    what: &str,
    ctx: &mut Ctx<'_>,
) -> bool {
    if number.is_finite() {
        return true;
    }
    ctx.error(
        Code::WrongType,
        at,
        path,
        format!("{what} is {}, not a finite number", written(number)),
    )
    .help = Some("write a number such as 0, 1.5 or -2".into());
    false
}

fn written(number: f64) -> &'static str {
    if number.is_nan() {
        "`.nan`"
    } else if number > 0.0 {
        "`.inf`"
    } else {
        "`-.inf`"
    }
}
