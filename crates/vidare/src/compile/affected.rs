//! For each item, the later parts of the schedule that a change of its
//! answer can affect: what a session re-evaluates after each step.
//!
//! The lists can together grow with the square of the questionnaire (in a
//! chain where each item is shown after the one before, a change to the
//! first affects all the rest), so they are built with one marking pass
//! each, without sets, and their total length has a limit: past it, the
//! questionnaire is refused with V025 instead of taking seconds and
//! hundreds of megabytes to compile and holding them while it runs.

use super::context::Ctx;
use super::exprs::Checked;
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::typed::Symbol;

/// The most entries all items' lists may have together: 32 MB of them, a
/// chain of about 4,000 items each shown after the one before. The
/// shipped questionnaires have at most a few thousand.
pub(crate) const MAX_AFFECTED: usize = 8_000_000;

/// The lists, ascending, for the items whose slots in the schedule are
/// `item_slots`; `readers[s]` are the slots that read slot `s`. Empty lists
/// and a V025 once [`MAX_AFFECTED`] is passed.
pub(super) fn by_item(
    readers: &[Vec<u32>],
    item_slots: &[Option<usize>],
    ctx: &mut Ctx<'_>,
    checked: &Checked,
) -> Vec<Vec<u32>> {
    // `mark[s] == i + 1` when slot `s` is already in item i's list.
    let mut mark = vec![0u32; readers.len()];
    let mut total = 0usize;
    let mut out = Vec::with_capacity(item_slots.len());
    for (i, slot) in item_slots.iter().enumerate() {
        let stamp = i as u32 + 1;
        let mut list = Vec::new();
        let mut stack: Vec<u32> = slot.map(|s| readers[s].clone()).unwrap_or_default();
        while let Some(s) = stack.pop() {
            if mark[s as usize] != stamp {
                mark[s as usize] = stamp;
                list.push(s);
                stack.extend(readers[s as usize].iter().copied());
            }
        }
        total += list.len();
        if total > MAX_AFFECTED {
            too_entangled(ctx, checked, i);
            return vec![Vec::new(); item_slots.len()];
        }
        list.sort_unstable();
        out.push(list);
    }
    out
}

/// V025 at the first condition that reads the item where the limit was
/// passed (or the top of the file).
fn too_entangled(ctx: &mut Ctx<'_>, checked: &Checked, item: usize) {
    let reads = Symbol::Item(item as u32);
    let at = checked
        .item_when
        .iter()
        .flatten()
        .flat_map(|w| w.uses.iter())
        .find(|u| u.symbol == reads)
        .map_or_else(|| ctx.loc_at(1, 1, ""), |u| u.location.clone());
    ctx.report(
        Diagnostic::new(
            Code::LimitExceeded,
            at,
            format!(
                "the conditions depend on each other so deeply that a change to one answer \
                 re-evaluates more than {MAX_AFFECTED} parts in all, the limit"
            ),
        )
        .with_help(
            "let later items depend on an early answer directly rather than through a long \
             chain of items or derived values, or split the questionnaire",
        ),
    );
}
