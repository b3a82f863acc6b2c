//! "Did you mean": the closest known name to a misspelt one, at a bounded
//! cost however many names are unknown and however many are known.
//!
//! Comparing every unknown name with every id is quadratic: 20,000 items
//! that each read an unknown name took over 30 s. So one compile has a
//! budget of comparison work, counted in pairs of characters compared
//! (Jaro-Winkler's cost), and one name a budget of its own; names of very
//! different lengths are not compared at all. Once a compile's budget is
//! spent, its remaining unknown names get no suggestion, which a genuine
//! file with a few typos never comes near.

use std::cell::Cell;

/// Work for one compile: about 25 ms in a release build, more than 50
/// times what a 2,000-item questionnaire with 20 typos needs.
pub(crate) const COMPILE_BUDGET: u64 = 40_000_000;

/// Work for one name: 2,000 candidates of its own length for a 16-character
/// name, 50 for a 100-character one.
const NAME_BUDGET: u64 = 500_000;

thread_local! {
    /// Work left in the compile under way on this thread; unlimited outside
    /// a compile, where the per-name budget alone bounds a call.
    static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Gives the compile under way a fresh budget until it is dropped, when the
/// budget before it is restored (included files compile inside it and
/// share it).
pub(crate) struct CompileBudget {
    before: u64,
}

impl CompileBudget {
    /// Starts a budget, unless a compile on this thread already has one.
    pub(crate) fn start() -> Self {
        let before = LEFT.get();
        if before == u64::MAX {
            LEFT.set(COMPILE_BUDGET);
        }
        CompileBudget { before }
    }
}

impl Drop for CompileBudget {
    fn drop(&mut self) {
        LEFT.set(self.before);
    }
}

/// Whether a suggestion may still be looked for: callers that must build
/// the list of candidates first ask this before they build it.
pub(crate) fn suggestions_left() -> bool {
    LEFT.get() > 0
}

/// Ranks `candidates` by similarity to `name` and returns the best one
/// above the threshold clap uses (Jaro-Winkler > 0.8), looking no further
/// than the budgets allow.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = name.chars().count() as u64;
    let mut best: Option<(f64, &str)> = None;
    let mut spent = 0;
    let left = LEFT.get();
    for candidate in candidates {
        let other = candidate.chars().count() as u64;
        // One pass over a candidate is counted even when it is not compared.
        let cost = (len * other).max(1);
        if spent + cost > NAME_BUDGET.min(left) {
            break;
        }
        spent += cost;
        if !comparable(len, other) {
            continue;
        }
        let score = similarity(name, candidate);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    // Outside a compile nothing is counted, so that a later compile still
    // starts with its whole budget.
    if left != u64::MAX {
        LEFT.set(left.saturating_sub(spent.max(1)));
    }
    best.map(|(_, c)| c)
}

/// Names whose lengths differ by more than half the longer are too far
/// apart to be a slip of the keyboard.
fn comparable(a: u64, b: u64) -> bool {
    a.abs_diff(b) * 2 <= a.max(b)
}

fn similarity(name: &str, candidate: &str) -> f64 {
    let score = strsim::jaro_winkler(name, candidate);
    // Jaro-Winkler punishes one wrong letter in a very short word (a
    // language code, say) too hard; one edit away is close enough there.
    if name.len() <= 4 && strsim::levenshtein(name, candidate) == 1 {
        score.max(0.81)
    } else {
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_closest_and_rejects_far() {
        let ids = ["physical", "psychological", "sexual"];
        assert_eq!(did_you_mean("phisical", ids), Some("physical"));
        assert_eq!(did_you_mean("zzz", ids), None);
        assert_eq!(did_you_mean("se", ["sv", "en"]), Some("sv"));
    }

    #[test]
    fn a_name_of_another_length_is_not_offered() {
        assert_eq!(did_you_mean("age", ["age_of_youngest_child"]), None);
    }

    #[test]
    fn one_name_looks_at_a_bounded_number_of_candidates() {
        let far: Vec<String> = (0..10_000).map(|i| format!("zz{i:06}")).collect();
        let mut ids: Vec<&str> = far.iter().map(String::as_str).collect();
        ids.push("physical");
        assert_eq!(did_you_mean("phisical", ids), None);
    }

    #[test]
    fn a_spent_compile_budget_gives_no_more_suggestions() {
        let ids: Vec<String> = (0..1_000).map(|i| format!("item_{i:04}")).collect();
        let _budget = CompileBudget::start();
        let mut suggested = 0;
        for i in 0..1_000 {
            if did_you_mean(&format!("itme_{i:04}"), ids.iter().map(String::as_str)).is_some() {
                suggested += 1;
            }
        }
        assert!(!suggestions_left());
        assert!(suggested > 10 && suggested < 1_000, "{suggested}");
    }

    #[test]
    fn suggestions_outside_a_compile_leave_the_next_budget_whole() {
        assert_eq!(did_you_mean("phisical", ["physical"]), Some("physical"));
        let _budget = CompileBudget::start();
        assert_eq!(LEFT.get(), COMPILE_BUDGET);
    }

    #[test]
    fn the_budget_ends_with_the_compile() {
        {
            let _budget = CompileBudget::start();
            LEFT.set(0);
            assert!(!suggestions_left());
        }
        assert!(suggestions_left());
        assert_eq!(did_you_mean("phisical", ["physical"]), Some("physical"));
    }
}
