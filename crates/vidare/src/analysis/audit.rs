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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

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

/// One need level of a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LevelAudit {
    /// `all`, or `score: band` for each need score (`no value`, `no band`).
    pub level: String,
    /// Per group, in the order of [`Audit::groups`].
    pub groups: Vec<GroupCell>,
    /// Every pair of groups that are both shown.
    pub comparisons: Vec<Comparison>,
}

/// One group at one need level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        let found = questionnaire.items().find(crate::ItemRef::protected);
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
            .map(|(level, counts)| LevelAudit {
                level,
                groups: groups
                    .iter()
                    .map(|g| {
                        let (n, k) = counts.get(g.as_str()).copied().unwrap_or_default();
                        cell(g, n, k)
                    })
                    .collect(),
                comparisons: Vec::new(),
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
                    trigger: trigger.id.clone(),
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
            trigger: trigger.id.clone(),
            refer_to: trigger.refer_to.clone(),
            urgency: trigger.urgency,
            need_scores: need_scores
                .iter()
                .map(|&s| c.scores[s].id.clone())
                .collect(),
            levels,
        });
    }
    Audit {
        questionnaire: QuestionnaireRef {
            id: questionnaire.id().to_owned(),
            version: questionnaire.version().to_owned(),
            digest: questionnaire.digest().to_owned(),
        },
        protected_item: item.map(|i| i.id().to_owned()),
        groups,
        min_group_size: MIN_GROUP,
        confidence: 0.95,
        left_out,
        referrals,
        flags,
        problems,
    }
}

fn cell(group: &str, n: usize, k: usize) -> GroupCell {
    if n < MIN_GROUP {
        GroupCell {
            group: group.to_owned(),
            sessions: None,
            referred: None,
            rate: None,
            suppressed: Some(Suppressed::Small),
        }
    } else {
        GroupCell {
            group: group.to_owned(),
            sessions: Some(n),
            referred: Some(k),
            rate: Some(k as f64 / n as f64),
            suppressed: None,
        }
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
fn group_of(recording: &Recording, item: &crate::ItemRef<'_>) -> String {
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

fn last_response(events: &[crate::RecordedEvent], item: &str) -> Option<Response> {
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
        Value::Text(t) => t.clone(),
        Value::List(l) if l.is_empty() => "none".into(),
        Value::List(l) => l.join("+"),
    }
}

/// The groups in a stable order: the item's options (or yes, no), other
/// answers sorted, then the ways of not answering.
fn order_groups<'a>(
    item: Option<&crate::ItemRef<'_>>,
    seen: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let seen: BTreeSet<&str> = seen.collect();
    let mut order: Vec<String> = match item.map(crate::ItemRef::kind) {
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
                    b.id.clone(),
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

// ------------------------------------------------------------------ output

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn points(d: f64) -> String {
    format!("{:+.1}", d * 100.0)
}

impl Audit {
    /// The audit as Markdown: a summary of flagged differences, then one
    /// table of rates and one of comparisons per referral.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let q = &self.questionnaire;
        let by = self.protected_item.as_deref().unwrap_or("(none)");
        let _ = writeln!(out, "# Equality audit: {} {}\n", q.id, q.version);
        let _ = writeln!(
            out,
            "Referral rates by `{by}`, need held constant: within each need level (the band of \
             the scores a referral reads) sessions are compared by group. A difference is \
             flagged when its 95% confidence interval (Newcombe's hybrid score interval) \
             excludes 0, so the need level does not explain it. Groups with fewer than {} \
             sessions at a level are shown as `< {}`; `suppressed` hides one more level of \
             such a group so that it cannot be worked out by subtraction.\n",
            self.min_group_size, self.min_group_size
        );
        let left = &self.left_out;
        if left.other_questionnaire + left.other_definition + left.unfinished > 0 {
            let _ = writeln!(
                out,
                "Left out: {} unfinished, {} of another questionnaire or version, {} of an \
                 edited definition.\n",
                left.unfinished, left.other_questionnaire, left.other_definition
            );
        }
        for p in &self.problems {
            let _ = writeln!(out, "> **Note:** {p}\n");
        }
        if self.flags.is_empty() {
            let _ = writeln!(
                out,
                "**No difference that the need level does not explain.**\n"
            );
        } else {
            let _ = writeln!(
                out,
                "**{} difference(s) that the need level does not explain:**\n",
                self.flags.len()
            );
            for f in &self.flags {
                let _ = writeln!(
                    out,
                    "- `{}`, need level `{}`: `{}` referred more often than `{}`, by {:.1} \
                     percentage points (95% CI {:.1} to {:.1})",
                    f.trigger,
                    f.level,
                    f.higher,
                    f.lower,
                    f.difference * 100.0,
                    f.ci_low * 100.0,
                    f.ci_high * 100.0
                );
            }
            out.push('\n');
        }
        for r in &self.referrals {
            let _ = writeln!(
                out,
                "## `{}` → {} ({})\n",
                r.trigger,
                r.refer_to,
                r.urgency.as_str()
            );
            if r.need_scores.is_empty() {
                let _ = writeln!(
                    out,
                    "Need level: `all` (the referral reads no banded score).\n"
                );
            } else {
                let names: Vec<String> = r.need_scores.iter().map(|s| format!("`{s}`")).collect();
                let _ = writeln!(out, "Need level: the band of {}.\n", names.join(", "));
            }
            if r.levels.is_empty() {
                let _ = writeln!(out, "No sessions.\n");
                continue;
            }
            let _ = write!(out, "| need level |");
            for g in &self.groups {
                let _ = write!(out, " {g} |");
            }
            out.push('\n');
            let _ = write!(out, "|---|");
            for _ in &self.groups {
                let _ = write!(out, "---:|");
            }
            out.push('\n');
            for l in &r.levels {
                let _ = write!(out, "| {} |", l.level);
                for c in &l.groups {
                    let _ = write!(out, " {} |", cell_text(c));
                }
                out.push('\n');
            }
            out.push('\n');
            let comparisons: Vec<(&LevelAudit, &Comparison)> = r
                .levels
                .iter()
                .flat_map(|l| l.comparisons.iter().map(move |c| (l, c)))
                .collect();
            if comparisons.is_empty() {
                let _ = writeln!(out, "No two groups large enough to compare.\n");
                continue;
            }
            let _ = writeln!(
                out,
                "| need level | groups | difference (pp) | 95% CI (pp) | ratio | |"
            );
            let _ = writeln!(out, "|---|---|---:|---|---:|---|");
            for (l, c) in comparisons {
                let _ = writeln!(
                    out,
                    "| {} | {} − {} | {} | {} to {} | {} | {} |",
                    l.level,
                    c.a,
                    c.b,
                    points(c.difference),
                    points(c.ci_low),
                    points(c.ci_high),
                    c.ratio
                        .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}")),
                    if c.flagged {
                        "**not explained by need**"
                    } else {
                        ""
                    }
                );
            }
            out.push('\n');
        }
        out
    }

    /// The audit as an SVG chart: per referral, grouped bars of the
    /// referral rate per group, one cluster per need level. Suppressed
    /// groups are shown as `< 5` (or `suppressed`) without a bar; a level
    /// with a flagged difference is marked in red.
    #[must_use]
    pub fn to_svg(&self) -> String {
        svg(self)
    }
}

fn cell_text(c: &GroupCell) -> String {
    match (c.suppressed, c.sessions, c.referred, c.rate) {
        (Some(Suppressed::Small), ..) => format!("< {MIN_GROUP}"),
        (Some(Suppressed::Complementary), ..) => "suppressed".into(),
        (None, Some(n), Some(k), Some(rate)) => format!("{} ({k} of {n})", percent(rate)),
        _ => String::new(),
    }
}

// --------------------------------------------------------------------- svg

const COLOURS: [&str; 8] = [
    "#1f6fb2", "#e07a1f", "#3a9a4a", "#8a5cc2", "#7f7f7f", "#c2a21f", "#cc4778", "#2aa5a5",
];
const MARGIN: f64 = 16.0;
const AXIS: f64 = 40.0;
const BAR: f64 = 20.0;
const BAR_GAP: f64 = 3.0;
const CLUSTER_GAP: f64 = 26.0;
const PLOT: f64 = 120.0;
/// Rough width of one character at font size 10.
const CHAR: f64 = 6.0;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn svg(audit: &Audit) -> String {
    let groups = audit.groups.len().max(1);
    let bars = groups as f64 * (BAR + BAR_GAP) - BAR_GAP;
    let by = audit.protected_item.as_deref().unwrap_or("group");
    let title = format!("Referral rate by {by}, need level held constant");
    let subtitle = format!(
        "{} {} · groups under {} shown as “< {}”, “hidden” so that such a group cannot be worked out",
        audit.questionnaire.id,
        audit.questionnaire.version,
        audit.min_group_size,
        audit.min_group_size
    );
    let subtitle2 = "red: a difference between groups at the same need level that need does not explain (95% CI excludes 0)";
    let mut body = String::new();
    let mut y = MARGIN;
    let mut width: f64 = (subtitle.chars().count().max(subtitle2.chars().count()) as f64 * CHAR)
        .max(480.0)
        + 2.0 * MARGIN;

    let _ = writeln!(
        body,
        r#"<text x="{MARGIN}" y="{:.1}" font-size="16" font-weight="bold">{}</text>"#,
        y + 14.0,
        escape(&title)
    );
    let _ = writeln!(
        body,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#444">{}</text>"##,
        y + 30.0,
        escape(&subtitle)
    );
    let _ = writeln!(
        body,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#c00000">{}</text>"##,
        y + 44.0,
        escape(subtitle2)
    );
    y += 58.0;
    // Legend.
    let mut x = MARGIN;
    for (g, name) in audit.groups.iter().enumerate() {
        let _ = writeln!(
            body,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/>"#,
            y,
            COLOURS[g % COLOURS.len()]
        );
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" font-size="10">{}</text>"#,
            x + 14.0,
            y + 9.0,
            escape(name)
        );
        x += 14.0 + name.chars().count() as f64 * CHAR + 16.0;
    }
    y += 24.0;

    for r in &audit.referrals {
        let heading = format!("{} → {}", r.trigger, r.refer_to);
        let need = if r.need_scores.is_empty() {
            "need level: all (reads no banded score)".to_owned()
        } else {
            format!("need level: band of {}", r.need_scores.join(", "))
        };
        let _ = writeln!(
            body,
            r#"<text x="{MARGIN}" y="{:.1}" font-size="12" font-weight="bold">{}</text>"#,
            y + 12.0,
            escape(&heading)
        );
        let _ = writeln!(
            body,
            r##"<text x="{MARGIN}" y="{:.1}" font-size="10" fill="#444">{}</text>"##,
            y + 26.0,
            escape(&need)
        );
        let top = y + 40.0;
        let bottom = top + PLOT;
        let left = MARGIN + AXIS;
        // Axis and grid.
        for pct in [0u32, 25, 50, 75, 100] {
            let gy = bottom - PLOT * f64::from(pct) / 100.0;
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" fill="#444">{pct}%</text>"##,
                left - 4.0,
                gy + 3.0
            );
            let _ = writeln!(
                body,
                r#"<line x1="{left:.1}" y1="{gy:.1}" x2="{{right}}" y2="{gy:.1}" stroke="{}" stroke-width="1"/>"#,
                if pct == 0 { "#444" } else { "#ddd" }
            );
        }
        let mut x = left + 10.0;
        for level in &r.levels {
            let flagged = level.comparisons.iter().any(|c| c.flagged);
            let cluster = bars.max(level.level.chars().count() as f64 * CHAR);
            let start = x + (cluster - bars) / 2.0;
            for (g, cell) in level.groups.iter().enumerate() {
                let bx = start + g as f64 * (BAR + BAR_GAP);
                let cx = bx + BAR / 2.0;
                if let Some(rate) = cell.rate {
                    let h = PLOT * rate;
                    let _ = writeln!(
                        body,
                        r#"<rect x="{bx:.1}" y="{:.1}" width="{BAR}" height="{h:.1}" fill="{}"><title>{}: {} of {} referred</title></rect>"#,
                        bottom - h,
                        COLOURS[g % COLOURS.len()],
                        escape(&cell.group),
                        cell.referred.unwrap_or(0),
                        cell.sessions.unwrap_or(0)
                    );
                    let _ = writeln!(
                        body,
                        r#"<text x="{cx:.1}" y="{:.1}" font-size="9" text-anchor="middle">{}</text>"#,
                        bottom - h - 3.0,
                        percent(rate)
                    );
                } else {
                    let text = match cell.suppressed {
                        Some(Suppressed::Complementary) => "hidden".to_owned(),
                        _ => format!("&lt; {MIN_GROUP}"),
                    };
                    let _ = writeln!(
                        body,
                        r##"<text x="{:.1}" y="{:.1}" font-size="9" transform="rotate(-90 {:.1} {:.1})" fill="#777">{text}</text>"##,
                        cx + 3.0,
                        bottom - 4.0,
                        cx + 3.0,
                        bottom - 4.0
                    );
                }
            }
            let colour = if flagged { "#c00000" } else { "#000" };
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="{colour}">{}</text>"#,
                x + cluster / 2.0,
                bottom + 14.0,
                escape(&level.level)
            );
            if flagged {
                let _ = writeln!(
                    body,
                    r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#c00000">not explained by need</text>"##,
                    x + cluster / 2.0,
                    bottom + 26.0
                );
                let _ = writeln!(
                    body,
                    r##"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{PLOT}" fill="none" stroke="#c00000" stroke-dasharray="4 2"/>"##,
                    x - 4.0,
                    cluster + 8.0
                );
            }
            x += cluster + CLUSTER_GAP;
        }
        if r.levels.is_empty() {
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#777">no sessions</text>"##,
                left + 10.0,
                bottom - 4.0
            );
            x += 80.0;
        }
        let right = x - CLUSTER_GAP + 10.0;
        width = width.max(right + MARGIN);
        body = body.replace("{right}", &format!("{right:.1}"));
        y = bottom + 40.0;
    }
    let height = y + MARGIN;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(
        out,
        r#"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="white"/>"#
    );
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

#[cfg(test)]
mod tests {
    use super::{newcombe, wilson};

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
