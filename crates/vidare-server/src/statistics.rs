//! Aggregate statistics without individual records: how often each
//! question marked `aggregate: true` got each kind of response, per month.
//!
//! A close does not reach the table on its own. Its [`vidare::stored::Tally`]
//! waits in memory with the other closes of the same questionnaire
//! version until there are `k` of them (`--statistics-batch`); the batch
//! is then summed per cell and added in one transaction, under the month
//! it is added. Whoever reads the table before and after one close
//! therefore sees either no change or the sum of `k` closes, and the
//! month of a batch never splits it. The waiting tallies are never
//! written anywhere: a crash or a restart loses them, which is the price
//! of keeping no individual record.
//!
//! Reports hide counts below [`MIN_CELL`], and one more count of the same
//! question and month when exactly one was hidden, so that the hidden one
//! cannot be worked out from a total known elsewhere (such as the number
//! of sessions closed that month).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::sync::Mutex;

use serde::Serialize;
use utoipa::ToSchema;

use vidare_render::escape::code_span;

use crate::store::{StatisticsCell, StatisticsRow};

/// Counts below this are not shown in reports.
pub const MIN_CELL: u64 = 5;

/// Closes waiting to be counted, per questionnaire version.
#[derive(Debug)]
pub(crate) struct Pending {
    k: NonZeroUsize,
    waiting: Mutex<HashMap<(String, String), Waiting>>,
}

#[derive(Debug, Default)]
struct Waiting {
    closes: usize,
    tallies: Vec<vidare::stored::Tally>,
}

/// A full batch, summed: what to add to the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Batch {
    pub questionnaire: String,
    pub version: String,
    /// How many closes it holds (at least `k`).
    pub closes: usize,
    /// The counts, in the order of item and response: nothing in them
    /// follows the order of the closes.
    pub cells: Vec<StatisticsCell>,
}

impl Pending {
    /// No closes waiting; batches of `k`.
    pub(crate) fn new(k: NonZeroUsize) -> Self {
        Pending {
            k,
            waiting: Mutex::new(HashMap::new()),
        }
    }

    /// The batch size.
    pub(crate) fn k(&self) -> usize {
        self.k.get()
    }

    /// Adds one close of `questionnaire` `version`; returns the batch when
    /// it is full (and forgets it here).
    pub(crate) fn add(
        &self,
        questionnaire: &str,
        version: &str,
        tally: Vec<vidare::stored::Tally>,
    ) -> Option<Batch> {
        let key = (questionnaire.to_owned(), version.to_owned());
        // A poisoned lock only means another close panicked; the counts
        // it holds are still whole.
        let mut waiting = self
            .waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = waiting.entry(key.clone()).or_default();
        entry.closes += 1;
        entry.tallies.extend(tally);
        if entry.closes < self.k.get() {
            return None;
        }
        let full = waiting.remove(&key)?;
        Some(Batch {
            questionnaire: key.0,
            version: key.1,
            closes: full.closes,
            cells: sum(full.tallies),
        })
    }
}

fn sum(tallies: Vec<vidare::stored::Tally>) -> Vec<StatisticsCell> {
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for t in tallies {
        *counts.entry((t.item, t.response)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((item, response), count)| StatisticsCell {
            item,
            response,
            count,
        })
        .collect()
}

/// The statistics of one questionnaire version, as the admin endpoint
/// sends them (`format=json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatisticsReport {
    /// Questionnaire id.
    pub questionnaire: String,
    /// Its version.
    pub version: String,
    /// Closes per batch: a batch reaches the table only when it holds this many.
    pub k: usize,
    /// Counts below this are suppressed.
    pub min_cell: u64,
    /// By month, item and response.
    pub rows: Vec<ReportRow>,
}

/// One count of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportRow {
    /// `YYYY-MM` (UTC): the month the batch was added.
    pub month: String,
    /// The question.
    pub item: String,
    /// `yes`, `no`, an option value, `declined` or `dont_know`.
    pub response: String,
    /// How many sessions gave it; `null` when suppressed.
    #[schema(required = true)]
    pub count: Option<u64>,
    /// Hidden: below `min_cell`, or hidden with one that is, so that it
    /// cannot be worked out by subtraction.
    pub suppressed: bool,
    /// Hidden only as the complement of a small count (the Markdown says
    /// `suppressed` rather than `<5`); not sent as JSON, whose shape the
    /// CLI relies on.
    #[serde(skip)]
    pub(crate) complementary: bool,
}

impl StatisticsReport {
    /// The report of `rows` (sorted by month, item, response), with small
    /// counts suppressed.
    pub(crate) fn new(
        questionnaire: &str,
        version: &str,
        k: usize,
        rows: &[StatisticsRow],
    ) -> Self {
        let mut out: Vec<ReportRow> = rows
            .iter()
            .map(|r| ReportRow {
                month: r.month.clone(),
                item: r.item.clone(),
                response: r.response.clone(),
                count: Some(r.count),
                suppressed: r.count < MIN_CELL,
                complementary: false,
            })
            .collect();
        let mut start = 0;
        while start < out.len() {
            let same = |r: &ReportRow| r.month == out[start].month && r.item == out[start].item;
            let end = start + out[start..].iter().take_while(|r| same(r)).count();
            suppress_complement(&mut out[start..end]);
            start = end;
        }
        for row in &mut out {
            if row.suppressed {
                row.count = None;
            }
        }
        StatisticsReport {
            questionnaire: questionnaire.to_owned(),
            version: version.to_owned(),
            k,
            min_cell: MIN_CELL,
            rows: out,
        }
    }

    /// The report as Markdown: one table per month.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# Statistics: {} {}\n\nCounts of the questions marked `aggregate: true`, per month. Closes are counted in batches of {}; a count below {} is shown as `<{}`, and where one count of a question in a month is hidden, one more is (`suppressed`) so that it cannot be worked out by subtraction.\n",
            self.questionnaire, self.version, self.k, self.min_cell, self.min_cell
        );
        if self.rows.is_empty() {
            md.push_str("\nNo counts yet.\n");
        }
        let mut month = None;
        for row in &self.rows {
            if month != Some(&row.month) {
                month = Some(&row.month);
                let _ = write!(
                    md,
                    "\n## {}\n\n| item | response | count |\n|---|---|---:|\n",
                    row.month
                );
            }
            let count = match row.count {
                Some(n) => n.to_string(),
                None if row.complementary => "suppressed".to_owned(),
                None => format!("<{}", self.min_cell),
            };
            // Escaped as `vidare statistics` escapes the same cells: ids and
            // option values come from a questionnaire file, and none of them
            // may break the table.
            let _ = writeln!(
                md,
                "| {} | {} | {count} |",
                code_span(&row.item, true),
                code_span(&row.response, true)
            );
        }
        md
    }
}

/// Within one question and month: if exactly one count is hidden, hides
/// the smallest shown one too.
fn suppress_complement(group: &mut [ReportRow]) {
    if group.iter().filter(|r| r.suppressed).count() != 1 {
        return;
    }
    if let Some(smallest) = group
        .iter_mut()
        .filter(|r| !r.suppressed)
        .min_by_key(|r| r.count)
    {
        smallest.suppressed = true;
        smallest.complementary = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(pairs: &[(&str, &str)]) -> Vec<vidare::stored::Tally> {
        pairs
            .iter()
            .map(|(item, response)| vidare::stored::Tally::new(*item, *response))
            .collect()
    }

    fn row(month: &str, item: &str, response: &str, count: u64) -> StatisticsRow {
        StatisticsRow {
            month: month.into(),
            item: item.into(),
            response: response.into(),
            count,
        }
    }

    #[test]
    fn a_batch_is_released_at_k_closes_summed_in_key_order() {
        let pending = Pending::new(NonZeroUsize::new(3).unwrap());
        assert!(pending.add("q", "1", tally(&[("b", "yes")])).is_none());
        // Another version waits in its own batch.
        assert!(pending.add("q", "2", tally(&[("b", "yes")])).is_none());
        assert!(pending.add("q", "1", Vec::new()).is_none());
        let batch = pending
            .add("q", "1", tally(&[("b", "no"), ("a", "x"), ("b", "yes")]))
            .unwrap();
        assert_eq!((batch.version.as_str(), batch.closes), ("1", 3));
        let cells: Vec<_> = batch
            .cells
            .iter()
            .map(|c| (c.item.as_str(), c.response.as_str(), c.count))
            .collect();
        assert_eq!(cells, [("a", "x", 1), ("b", "no", 1), ("b", "yes", 2)]);
        // The batch is forgotten once released.
        assert!(pending.add("q", "1", Vec::new()).is_none());
    }

    #[test]
    fn small_counts_are_suppressed_with_a_complement() {
        let rows = [
            // One small count: the smallest other one is hidden too.
            row("2026-11", "smoker", "declined", 9),
            row("2026-11", "smoker", "no", 2),
            row("2026-11", "smoker", "yes", 8),
            // Two small counts hide each other; the large one stays.
            row("2026-11", "transport", "bike", 1),
            row("2026-11", "transport", "bus", 12),
            row("2026-11", "transport", "dont_know", 4),
            // The same item in another month is another group.
            row("2026-12", "smoker", "yes", 5),
        ];
        let report = StatisticsReport::new("counted", "1.0.0", 10, &rows);
        let shown: Vec<_> = report
            .rows
            .iter()
            .map(|r| (r.count, r.suppressed))
            .collect();
        assert_eq!(
            shown,
            [
                (Some(9), false),
                (None, true),
                (None, true),
                (None, true),
                (Some(12), false),
                (None, true),
                (Some(5), false),
            ]
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["rows"][2],
            serde_json::json!({"month": "2026-11", "item": "smoker", "response": "yes", "count": null, "suppressed": true})
        );
        let md = report.to_markdown();
        assert!(md.contains("| `smoker` | `no` | <5 |"), "{md}");
        assert!(md.contains("| `smoker` | `yes` | suppressed |"), "{md}");
        assert!(md.contains("| `transport` | `bus` | 12 |"), "{md}");
        assert!(md.contains("\n## 2026-12\n"), "{md}");
    }

    #[test]
    fn markdown_cells_hold_pipes_backticks_and_line_breaks() {
        let rows = [row("2026-12", "route", "a|b`c\nd", 7)];
        let md = StatisticsReport::new("counted", "1.0.0", 10, &rows).to_markdown();
        assert!(md.contains("| `route` | ``a\\|b`c d`` | 7 |"), "{md}");
    }
}
