//! The equality audit: over many recorded sessions, are referrals given at
//! the same rate whatever the gender, once need is held constant?
//!
//! For every referral (trigger) of the questionnaire, sessions are split
//! by **need level** — the band of the scores the trigger's condition
//! reads, directly or through derived values (a trigger that reads no
//! banded score has the single level `all`) — and, within a level, by the
//! **group**: the response to the protected item (each answer, and
//! `declined`, `dont_know`, `skipped` and `unanswered` as groups of their
//! own). For each group the audit gives the number of sessions and the
//! referral rate, and for each pair of groups the ratio of their rates and
//! a 95% confidence interval for the difference (Newcombe's hybrid score
//! interval, method 10 of Newcombe 1998, built from the two Wilson score
//! intervals). A difference whose interval excludes 0 is **flagged**: the
//! need level does not explain it.
//!
//! Wilson interval of `k` of `n` (`p = k/n`, `z = 1.96`):
//!
//! ```text
//! centre = (p + z²/2n) / (1 + z²/n)
//! half   = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
//! [l, u] = [centre − half, centre + half]
//! ```
//!
//! Newcombe interval of `d = p₁ − p₂`:
//!
//! ```text
//! [d − √((p₁−l₁)² + (u₂−p₂)²),  d + √((u₁−p₁)² + (p₂−l₂)²)]
//! ```
//!
//! **Small groups are suppressed**: a group with fewer than
//! [`MIN_GROUP`] sessions at a need level is shown as `< 5`, never with
//! its count or rate, and takes part in no comparison. Because a group's
//! total over all levels can be read off a referral with the single level
//! `all`, a group with exactly one suppressed level in a referral also has
//! its next-smallest level hidden (shown as `suppressed`), so the small
//! one cannot be worked out by subtraction. The audit reports no totals
//! per level or over all sessions for the same reason.
//!
//! The audit reads recorded results (`result.triggers`, `result.scores`,
//! `result.answers`): it shows what was recorded, including any change a
//! practitioner made outside the engine.
//!
//! The audit is data (serialised as the JSON report); the crate
//! `vidare-render` draws it as Markdown tables and an SVG chart.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::expr::typed::Symbol;
use crate::format::{ItemKind, Retention, Urgency};
use crate::outcome::QuestionnaireRef;
use crate::questionnaire::{DerivedRule, Questionnaire};
use crate::recording::Recording;
use crate::value::{Event, Response, Value};

/// Sessions and referrals per group at one need level.
type Counts<'a> = BTreeMap<&'a str, (usize, usize)>;

/// The smallest group whose count and rate are shown.
pub const MIN_GROUP: usize = 5;

/// The normal quantile for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The equality audit of a set of recorded sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Audit {
    /// The definition audited.
    pub questionnaire: QuestionnaireRef,
    /// The item sessions are grouped by (the protected item).
    pub protected_item: Option<String>,
    /// The groups found, in order: the item's answers, then the ways of not answering.
    pub groups: Vec<String>,
    /// Groups smaller than this are suppressed.
    pub min_group_size: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Recordings not audited, and why.
    pub left_out: LeftOut,
    /// One entry per referral trigger, in document order.
    pub referrals: Vec<ReferralAudit>,
    /// Every difference that the need level does not explain.
    pub flags: Vec<Flag>,
    /// Problems with the input (no protected item, unknown item, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Recordings left out of the audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LeftOut {
    /// Made on another questionnaire or version.
    pub other_questionnaire: usize,
    /// Made on this version, but its definition has since changed (digest differs).
    pub other_definition: usize,
    /// Interviews that were not finished: their referrals are incomplete.
    pub unfinished: usize,
}

/// The audit of one referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReferralAudit {
    /// The trigger.
    pub trigger: String,
    /// Where it refers.
    pub refer_to: String,
    /// Its urgency.
    pub urgency: Urgency,
    /// The banded scores whose bands are its need levels (empty: one level, `all`).
    pub need_scores: Vec<String>,
    /// Per need level, in band order.
    pub levels: Vec<LevelAudit>,
}

impl ReferralAudit {
    /// The audit of the referral `trigger` (to `refer_to`, with `urgency`)
    /// with no need scores and no levels yet: a referral without need
    /// scores has the one level `all`, which whoever builds the report
    /// adds to [`ReferralAudit::levels`].
    #[must_use]
    pub fn new(trigger: impl Into<String>, refer_to: impl Into<String>, urgency: Urgency) -> Self {
        Self {
            trigger: trigger.into(),
            refer_to: refer_to.into(),
            urgency,
            need_scores: Vec::new(),
            levels: Vec::new(),
        }
    }
}

/// One need level of a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LevelAudit {
    /// `all`, or `score: band` for each need score (`no value`, `no band`).
    pub level: String,
    /// Per group, in the order of [`Audit::groups`].
    pub groups: Vec<GroupCell>,
    /// Every pair of groups that are both shown.
    pub comparisons: Vec<Comparison>,
}

impl LevelAudit {
    /// The need level `level` (`all`, or `score: band`) with its `groups`
    /// and no comparisons: the audit compares the groups only after it
    /// has hidden complementary cells, which can change what is shown.
    #[must_use]
    pub fn new(level: impl Into<String>, groups: Vec<GroupCell>) -> Self {
        Self {
            level: level.into(),
            groups,
            comparisons: Vec::new(),
        }
    }
}

/// One group at one need level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GroupCell {
    /// The group.
    pub group: String,
    /// Sessions, unless suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<usize>,
    /// Sessions with the referral, unless suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred: Option<usize>,
    /// `referred / sessions`, unless suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Why the numbers are hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

impl GroupCell {
    /// The cell of `group` with `sessions` sessions, `referred` of them
    /// referred. A group smaller than [`MIN_GROUP`] is hidden
    /// ([`Suppressed::Small`]): making every cell here is what keeps a
    /// small group's numbers out of every report.
    #[must_use]
    pub fn new(group: impl Into<String>, sessions: usize, referred: usize) -> Self {
        if sessions < MIN_GROUP {
            Self {
                group: group.into(),
                sessions: None,
                referred: None,
                rate: None,
                suppressed: Some(Suppressed::Small),
            }
        } else {
            Self {
                group: group.into(),
                sessions: Some(sessions),
                referred: Some(referred),
                rate: Some(referred as f64 / sessions as f64),
                suppressed: None,
            }
        }
    }
}

/// Why a group's numbers are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Suppressed {
    /// Fewer than [`MIN_GROUP`] sessions.
    #[serde(rename = "< 5")]
    Small,
    /// Hidden so that a small group at another level cannot be worked out
    /// from the group's total.
    #[serde(rename = "complementary")]
    Complementary,
}

/// Two groups compared at one need level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Comparison {
    /// First group.
    pub a: String,
    /// Second group.
    pub b: String,
    /// Referral rate of `a`.
    pub rate_a: f64,
    /// Referral rate of `b`.
    pub rate_b: f64,
    /// `rate_a − rate_b`.
    pub difference: f64,
    /// Lower end of the 95% interval of the difference (Newcombe).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// `rate_a / rate_b`; none when `rate_b` is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// The interval excludes 0: need does not explain the difference.
    pub flagged: bool,
}

/// A difference the need level does not explain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Flag {
    /// The trigger.
    pub trigger: String,
    /// The need level.
    pub level: String,
    /// The group referred more often.
    pub higher: String,
    /// The group referred less often.
    pub lower: String,
    /// Rate of `higher` minus rate of `lower` (positive).
    pub difference: f64,
    /// 95% interval of that difference.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

impl Audit {
    /// The audit of `questionnaire` over no recordings, with the audit's
    /// own smallest group ([`MIN_GROUP`]) and confidence (95%): no
    /// protected item, groups, referrals, flags or problems. The fields are
    /// public so that a report built by hand can be filled in from here;
    /// the group size and confidence are fixed, so they are not arguments.
    #[must_use]
    pub fn new(questionnaire: QuestionnaireRef) -> Self {
        Self {
            questionnaire,
            protected_item: None,
            groups: Vec::new(),
            min_group_size: MIN_GROUP,
            confidence: 0.95,
            left_out: LeftOut::default(),
            referrals: Vec::new(),
            flags: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Whether no difference is flagged.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.flags.is_empty()
    }
}

/// Audits `recordings` of `questionnaire`, grouped by `protected_item`
/// (default: the questionnaire's first protected item).
///
/// Recordings of other questionnaires or versions, of an edited
/// definition and of unfinished interviews are left out and counted. The
/// names paired with the recordings are never part of the report: a file
/// name can identify a person.
#[must_use]
pub fn audit<N: AsRef<str>>(
    questionnaire: &Questionnaire,
    recordings: &[(N, Recording)],
    protected_item: Option<&str>,
) -> Audit {
    let mut problems = Vec::new();
    let item = if let Some(id) = protected_item {
        let found = questionnaire.item(id);
        match found {
            None => problems.push(format!(
                "there is no item `{id}` in {}@{}",
                questionnaire.id(),
                questionnaire.version()
            )),
            Some(i) if !i.protected() => problems.push(format!(
                "`{id}` is not a protected item; the audit groups by it anyway"
            )),
            Some(_) => {}
        }
        found
    } else {
        let found = questionnaire
            .items()
            .find(crate::questionnaire::ItemRef::protected);
        if found.is_none() {
            problems.push(format!(
                "{}@{} has no protected item; every session is in the group `all`",
                questionnaire.id(),
                questionnaire.version()
            ));
        }
        found
    };

    let mut left_out = LeftOut::default();
    let mut included: Vec<(&Recording, String)> = Vec::new();
    for (_, recording) in recordings {
        let pinned = &recording.questionnaire;
        if pinned.id != questionnaire.id() || pinned.version != questionnaire.version() {
            left_out.other_questionnaire += 1;
        } else if !questionnaire.is_pinned_by(&pinned.digest) {
            left_out.other_definition += 1;
        } else if !recording.result.finished {
            left_out.unfinished += 1;
        } else {
            let group = item.map_or_else(|| "all".to_owned(), |i| group_of(recording, &i));
            included.push((recording, group));
        }
    }
    let groups = order_groups(item.as_ref(), included.iter().map(|(_, g)| g.as_str()));

    let c = &questionnaire.inner;
    let mut referrals = Vec::new();
    let mut flags = Vec::new();
    for (t, trigger) in c.triggers.iter().enumerate() {
        let need_scores = need_scores(questionnaire, t);
        // level key → (label, group → (sessions, referred))
        let mut cells: BTreeMap<Vec<usize>, (String, Counts<'_>)> = BTreeMap::new();
        for (recording, group) in &included {
            let (key, label) = level_of(questionnaire, &need_scores, recording);
            let referred = recording.result.triggers.iter().any(|x| x.id == trigger.id);
            let entry = cells
                .entry(key)
                .or_insert_with(|| (label, BTreeMap::new()))
                .1
                .entry(group.as_str())
                .or_default();
            entry.0 += 1;
            entry.1 += usize::from(referred);
        }
        let mut levels: Vec<LevelAudit> = cells
            .into_values()
            .map(|(level, counts)| {
                let cells = groups.iter().map(|g| {
                    let (n, k) = counts.get(g.as_str()).copied().unwrap_or_default();
                    GroupCell::new(g.as_str(), n, k)
                });
                LevelAudit::new(level, cells.collect())
            })
            .collect();
        complementary(&mut levels);
        for level in &mut levels {
            level.comparisons = comparisons(&level.groups);
            for cmp in level.comparisons.iter().filter(|c| c.flagged) {
                let (higher, lower) = if cmp.difference >= 0.0 {
                    (&cmp.a, &cmp.b)
                } else {
                    (&cmp.b, &cmp.a)
                };
                let sign = cmp.difference.signum();
                let (lo, hi) = if sign >= 0.0 {
                    (cmp.ci_low, cmp.ci_high)
                } else {
                    (-cmp.ci_high, -cmp.ci_low)
                };
                flags.push(Flag {
                    trigger: trigger.id.to_string(),
                    level: level.level.clone(),
                    higher: higher.clone(),
                    lower: lower.clone(),
                    difference: cmp.difference.abs(),
                    ci_low: lo,
                    ci_high: hi,
                });
            }
        }
        referrals.push(ReferralAudit {
            trigger: trigger.id.to_string(),
            refer_to: trigger.refer_to.to_string(),
            urgency: trigger.urgency,
            need_scores: need_scores
                .iter()
                .map(|&s| c.scores[s].id.to_string())
                .collect(),
            levels,
        });
    }
    Audit {
        protected_item: item.map(|i| i.id().to_owned()),
        groups,
        left_out,
        referrals,
        flags,
        problems,
        ..Audit::new(QuestionnaireRef::new(
            questionnaire.id(),
            questionnaire.version(),
            questionnaire.digest(),
        ))
    }
}

/// Within one referral, a group with exactly one hidden level would give it
/// away (its total is known from a referral with one level): hide its
/// next-smallest level too.
fn complementary(levels: &mut [LevelAudit]) {
    if levels.len() < 2 {
        return;
    }
    let groups = levels.first().map_or(0, |l| l.groups.len());
    for g in 0..groups {
        let mut hidden = 0;
        let mut smallest: Option<(usize, usize)> = None;
        for (l, level) in levels.iter().enumerate() {
            match level.groups[g].sessions {
                None => hidden += 1,
                Some(n) if smallest.is_none_or(|(_, m)| n < m) => smallest = Some((l, n)),
                Some(_) => {}
            }
        }
        if let (1, Some((l, _))) = (hidden, smallest) {
            let cell = &mut levels[l].groups[g];
            cell.sessions = None;
            cell.referred = None;
            cell.rate = None;
            cell.suppressed = Some(Suppressed::Complementary);
        }
    }
}

fn comparisons(cells: &[GroupCell]) -> Vec<Comparison> {
    let shown: Vec<(&GroupCell, usize, usize)> = cells
        .iter()
        .filter_map(|c| Some((c, c.sessions?, c.referred?)))
        .collect();
    let mut out = Vec::new();
    for (i, (a, na, ka)) in shown.iter().enumerate() {
        for (b, nb, kb) in &shown[i + 1..] {
            let (difference, ci_low, ci_high) = newcombe(*ka, *na, *kb, *nb);
            let (rate_a, rate_b) = (*ka as f64 / *na as f64, *kb as f64 / *nb as f64);
            out.push(Comparison {
                a: a.group.clone(),
                b: b.group.clone(),
                rate_a,
                rate_b,
                difference,
                ci_low,
                ci_high,
                ratio: (rate_b > 0.0).then(|| rate_a / rate_b),
                flagged: ci_low > 0.0 || ci_high < 0.0,
            });
        }
    }
    out
}

/// The Wilson score interval of `k` successes in `n` trials (95%).
#[must_use]
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The difference `k1/n1 − k2/n2` and its 95% interval by Newcombe's
/// hybrid score method (method 10 of Newcombe 1998).
#[must_use]
pub fn newcombe(k1: usize, n1: usize, k2: usize, n2: usize) -> (f64, f64, f64) {
    let p1 = if n1 == 0 { 0.0 } else { k1 as f64 / n1 as f64 };
    let p2 = if n2 == 0 { 0.0 } else { k2 as f64 / n2 as f64 };
    let (l1, u1) = wilson(k1, n1);
    let (l2, u2) = wilson(k2, n2);
    let d = p1 - p2;
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    (d, low, high)
}

/// The group of a recording: the recorded response to the protected item.
fn group_of(recording: &Recording, item: &crate::questionnaire::ItemRef<'_>) -> String {
    let id = item.id();
    let response = match recording.result.answers.iter().find(|a| a.item == id) {
        Some(answer) => match answer.response.as_str() {
            "answered" => match &answer.value {
                Some(v) => return value_label(v),
                None => return "not kept".into(),
            },
            other => return other.to_owned(),
        },
        // Not in the result's answers: read the log (a result written by
        // an older engine, or one that left answers out).
        None => last_response(&recording.events, id),
    };
    match response {
        None => "unanswered".into(),
        Some(Response::Answer(_)) if item.retention() == Retention::Conversation => {
            "not kept".into()
        }
        Some(Response::Answer(v)) => value_label(&v),
        Some(other) => other.kind().to_owned(),
    }
}

fn last_response(events: &[crate::recording::RecordedEvent], item: &str) -> Option<Response> {
    let mut last = None;
    for e in events.iter().filter(|e| e.event.item() == item) {
        last = match &e.event {
            Event::Respond { response, .. } | Event::Change { response, .. } => {
                Some(response.clone())
            }
            Event::Back { .. } => None,
        };
    }
    last
}

fn value_label(value: &Value) -> String {
    match value {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Number(n) => format!("{n}"),
        Value::Text(t) => t.to_string(),
        Value::List(l) if l.is_empty() => "none".into(),
        Value::List(l) => l.join("+"),
    }
}

/// The groups in a stable order: the item's options (or yes, no), other
/// answers sorted, then the ways of not answering.
fn order_groups<'a>(
    item: Option<&crate::questionnaire::ItemRef<'_>>,
    seen: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let seen: BTreeSet<&str> = seen.collect();
    let mut order: Vec<String> = match item.map(crate::questionnaire::ItemRef::kind) {
        Some(ItemKind::YesNo) => vec!["yes".into(), "no".into()],
        Some(ItemKind::SingleChoice) => item
            .into_iter()
            .flat_map(|i| i.options().map(|o| o.value.to_owned()))
            .collect(),
        _ => Vec::new(),
    };
    let tail = ["declined", "dont_know", "skipped", "not kept", "unanswered"];
    for g in &seen {
        if !order.iter().any(|o| o == g) && !tail.contains(g) {
            order.push((*g).to_owned());
        }
    }
    order.extend(tail.iter().map(|t| (*t).to_owned()));
    order.retain(|g| seen.contains(g.as_str()));
    order
}

/// The banded scores trigger `t` reads, directly or through derived values
/// (a score is not followed further), in document order.
fn need_scores(questionnaire: &Questionnaire, t: usize) -> Vec<usize> {
    let c = &questionnaire.inner;
    let mut pending = Vec::new();
    c.triggers[t].when.symbols(&mut pending);
    let mut seen: BTreeSet<Symbol> = BTreeSet::new();
    let mut scores = BTreeSet::new();
    while let Some(symbol) = pending.pop() {
        if !seen.insert(symbol) {
            continue;
        }
        match symbol {
            Symbol::Item(_) => {}
            Symbol::Score(s) => {
                if !c.scores[s as usize].bands.is_empty() {
                    scores.insert(s as usize);
                }
            }
            Symbol::Derived(d) => match &c.derived[d as usize].rule {
                DerivedRule::Value(e) => e.symbols(&mut pending),
                DerivedRule::Cases(cases) | DerivedRule::Flags(cases) => {
                    for (w, _) in cases {
                        w.symbols(&mut pending);
                    }
                }
            },
        }
    }
    scores.into_iter().collect()
}

/// The need level of a recording for a referral: a sort key (band order)
/// and a label.
fn level_of(
    questionnaire: &Questionnaire,
    need_scores: &[usize],
    recording: &Recording,
) -> (Vec<usize>, String) {
    if need_scores.is_empty() {
        return (Vec::new(), "all".into());
    }
    let c = &questionnaire.inner;
    let mut key = Vec::new();
    let mut label = Vec::new();
    for &s in need_scores {
        let def = &c.scores[s];
        let record = recording.result.scores.iter().find(|r| r.id == def.id);
        let (k, band) = match record {
            Some(r) if r.value.is_some() => match &r.band {
                Some(b) => (
                    def.bands
                        .iter()
                        .position(|x| x.id == b.id)
                        .unwrap_or(def.bands.len()),
                    b.id.to_string(),
                ),
                None => (def.bands.len(), "no band".to_owned()),
            },
            _ => (def.bands.len() + 1, "no value".to_owned()),
        };
        key.push(k);
        label.push(format!("{}: {band}", def.id));
    }
    (key, label.join(", "))
}

#[cfg(test)]
mod tests {
    use super::{GroupCell, MIN_GROUP, Suppressed, newcombe, wilson};

    #[test]
    fn a_cell_hides_a_group_below_the_smallest_size_and_shows_one_at_it() {
        let small = GroupCell::new("few", MIN_GROUP - 1, 1);
        assert_eq!(
            (small.sessions, small.referred, small.rate, small.suppressed),
            (None, None, None, Some(Suppressed::Small))
        );
        let shown = GroupCell::new("enough", MIN_GROUP, 2);
        assert_eq!(
            (shown.sessions, shown.referred, shown.rate, shown.suppressed),
            (Some(5), Some(2), Some(0.4), None)
        );
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17:857–872, table I: 81/263.
        let (l, u) = wilson(81, 263);
        assert!(close(l, 0.2553) && close(u, 0.3662), "{l} {u}");
        // 0 of 10.
        let (l, u) = wilson(0, 10);
        assert!(close(l, 0.0) && close(u, 0.2775), "{l} {u}");
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998), Statistics in Medicine 17:873–890, example (a):
        // 56/70 − 48/80, method 10: 0.0524 to 0.3339.
        let (d, l, u) = newcombe(56, 70, 48, 80);
        assert!(close(d, 0.2), "{d}");
        assert!(close(l, 0.0524) && close(u, 0.3339), "{l} {u}");
        // Example (d): 0/10 − 0/20: −0.1611 to 0.2775.
        let (_, l, u) = newcombe(0, 10, 0, 20);
        assert!(close(l, -0.1611) && close(u, 0.2775), "{l} {u}");
    }
}
