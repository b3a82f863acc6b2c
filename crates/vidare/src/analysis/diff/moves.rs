//! Item moves: the ids two orders keep in place, a heaviest common
//! subsequence found in O(n log n).

use std::collections::{BTreeSet, HashMap};

/// The ids common to `old` and `new` that keep their relative order: a
/// heaviest common subsequence, by `weight`. Ids are unique within each
/// list, so this is a heaviest increasing subsequence of the new positions
/// taken in old order, found with a Fenwick tree of prefix maxima.
pub(super) fn kept_in_order<'a>(
    old: &[&'a str],
    new: &[&str],
    weight: impl Fn(&str) -> u64,
) -> BTreeSet<&'a str> {
    let position: HashMap<&str, usize> = new.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let seq: Vec<(usize, &'a str)> = old
        .iter()
        .filter_map(|id| position.get(id).map(|&p| (p, *id)))
        .collect();
    let mut tree = PrefixMax::new(new.len());
    let mut best: Vec<u64> = Vec::with_capacity(seq.len());
    let mut prev: Vec<Option<usize>> = Vec::with_capacity(seq.len());
    for (i, &(pos, id)) in seq.iter().enumerate() {
        let found = tree.best_below(pos);
        let total = found.map_or(0, |f| f.0) + weight(id);
        best.push(total);
        prev.push(found.map(|f| f.1));
        tree.raise(pos, (total, i));
    }
    follow_back(&seq, &best, &prev)
}

/// A Fenwick tree of prefix maxima over the new positions: entry `k` holds
/// (best total weight, index into the sequence) over a range of positions.
struct PrefixMax(Vec<Option<(u64, usize)>>);

impl PrefixMax {
    fn new(positions: usize) -> Self {
        PrefixMax(vec![None; positions + 1])
    }

    /// The best entry over positions < `pos` (tree indices 1..=pos).
    fn best_below(&self, pos: usize) -> Option<(u64, usize)> {
        let mut k = pos;
        let mut found: Option<(u64, usize)> = None;
        while k > 0 {
            if let Some(entry) = self.0[k]
                && found.is_none_or(|f| entry.0 > f.0)
            {
                found = Some(entry);
            }
            k &= k - 1;
        }
        found
    }

    /// Offers `entry` at `pos` to every range that holds the position.
    fn raise(&mut self, pos: usize, entry: (u64, usize)) {
        let mut k = pos + 1;
        while k < self.0.len() {
            if self.0[k].is_none_or(|t| entry.0 > t.0) {
                self.0[k] = Some(entry);
            }
            k += k & k.wrapping_neg();
        }
    }
}

/// The ids of the heaviest chain: from its heaviest end (the first of
/// equals), back through each element's predecessor.
fn follow_back<'a>(
    seq: &[(usize, &'a str)],
    best: &[u64],
    prev: &[Option<usize>],
) -> BTreeSet<&'a str> {
    let mut kept = BTreeSet::new();
    let mut at = best
        .iter()
        .enumerate()
        .fold(None::<(u64, usize)>, |acc, (i, &b)| match acc {
            Some((a, _)) if a >= b => acc,
            _ => Some((b, i)),
        })
        .map(|(_, i)| i);
    while let Some(i) = at {
        kept.insert(seq[i].1);
        at = prev[i];
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(old: &[&'static str], new: &[&str]) -> Vec<&'static str> {
        kept_in_order(old, new, |_| 1).into_iter().collect()
    }

    fn moved(old: &[&'static str], new: &[&str]) -> Vec<&'static str> {
        let kept = kept_in_order(old, new, |_| 1);
        old.iter()
            .filter(|id| new.contains(id) && !kept.contains(*id))
            .copied()
            .collect()
    }

    #[test]
    fn an_insertion_or_removal_moves_nothing() {
        assert!(moved(&["a", "b", "c"], &["a", "x", "b", "c"]).is_empty());
        assert!(moved(&["a", "b", "c"], &["x", "a", "b", "c", "y"]).is_empty());
        assert!(moved(&["a", "b", "c"], &["a", "c"]).is_empty());
        assert_eq!(kept(&["a", "b", "c"], &["a", "c"]), ["a", "c"]);
    }

    #[test]
    fn moving_one_item_reports_only_that_item() {
        assert_eq!(moved(&["a", "b", "c", "d"], &["d", "a", "b", "c"]), ["d"]);
        assert_eq!(moved(&["a", "b", "c", "d"], &["b", "c", "d", "a"]), ["a"]);
        assert_eq!(
            moved(&["a", "b", "c", "d", "e"], &["a", "d", "b", "c", "e"]),
            ["d"]
        );
    }

    #[test]
    fn a_swap_moves_one_of_the_two() {
        assert_eq!(moved(&["a", "b"], &["b", "a"]).len(), 1);
        assert_eq!(moved(&["a", "b", "c"], &["c", "b", "a"]).len(), 2);
        assert!(moved(&[], &["a"]).is_empty());
    }

    #[test]
    fn heavier_items_stay_in_place() {
        // `q` is a question, `i` an information text: the text moved.
        let weight = |id: &str| if id == "q" { 10 } else { 1 };
        let kept = kept_in_order(&["i", "q"], &["q", "i"], weight);
        assert!(kept.contains("q") && !kept.contains("i"));
        let weight = |id: &str| if id.starts_with('q') { 10 } else { 1 };
        // Two texts kept would outweigh one question only without weights.
        let kept = kept_in_order(&["q1", "i1", "i2"], &["i1", "i2", "q1"], weight);
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["q1"]);
    }

    #[test]
    fn the_kept_subsequence_is_a_longest_one() {
        // Compare with a quadratic LCS on permutations.
        let cases: [(&[&'static str], &[&str]); 4] = [
            (
                &["a", "b", "c", "d", "e", "f"],
                &["b", "a", "d", "c", "f", "e"],
            ),
            (
                &["a", "b", "c", "d", "e", "f"],
                &["f", "e", "d", "c", "b", "a"],
            ),
            (
                &["a", "b", "c", "d", "e", "f"],
                &["c", "d", "a", "b", "e", "f"],
            ),
            (&["a", "b", "c", "d"], &["a", "b", "c", "d"]),
        ];
        for (old, new) in cases {
            let mut table = vec![vec![0usize; new.len() + 1]; old.len() + 1];
            for i in 0..old.len() {
                for j in 0..new.len() {
                    table[i + 1][j + 1] = if old[i] == new[j] {
                        table[i][j] + 1
                    } else {
                        table[i][j + 1].max(table[i + 1][j])
                    };
                }
            }
            let k = kept(old, new);
            assert_eq!(k.len(), table[old.len()][new.len()], "{old:?} → {new:?}");
            // ... and really a common subsequence.
            let in_old: Vec<&str> = old.iter().filter(|x| k.contains(x)).copied().collect();
            let in_new: Vec<&str> = new.iter().filter(|x| k.contains(x)).copied().collect();
            assert_eq!(in_old, in_new);
        }
    }
}
