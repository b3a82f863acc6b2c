//! The impact of a new version on sessions already recorded: replay every
//! recording of the questionnaire on the new version and count what changes.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::replay::{Difference, Rejected, replay_on};
use crate::outcome::QuestionnaireRef;
use crate::questionnaire::Questionnaire;
use crate::recording::Recording;

/// What a new version would change for recorded sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Impact {
    /// The version the recordings were replayed on.
    pub questionnaire: QuestionnaireRef,
    /// Recordings of this questionnaire that were replayed.
    pub total: usize,
    /// Those whose result is the same.
    pub unchanged: usize,
    /// Those whose result differs.
    pub changed: usize,
    /// Those the new version rejects.
    pub unreplayable: usize,
    /// Recordings of other questionnaires, left out.
    pub skipped_other_questionnaire: usize,
    /// Per trigger: how often it appears and disappears.
    pub triggers: Vec<TriggerShift>,
    /// Per score: how often and how much its value moved.
    pub scores: Vec<ScoreShift>,
    /// Per score: band moves (from → to) and their counts.
    pub bands: Vec<BandShift>,
    /// Every replayed recording that changed or was rejected.
    pub recordings: Vec<RecordingImpact>,
}

/// How a trigger's firing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TriggerShift {
    /// Trigger id.
    pub id: String,
    /// Recordings where it now fires and did not.
    pub appears: usize,
    /// Recordings where it fired and no longer does.
    pub disappears: usize,
}

/// How a score moves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ScoreShift {
    /// Score id.
    pub id: String,
    /// Recordings where the value changed (including to or from none).
    pub changed: usize,
    /// Mean change where both values exist. Not serialized, as it is not
    /// printed: over one recording it is the change of the value itself,
    /// which for a one-item score is the change of that answer.
    #[serde(skip)]
    pub mean_delta: f64,
    /// Largest absolute change where both values exist (not serialized,
    /// as `mean_delta`).
    #[serde(skip)]
    pub max_abs_delta: f64,
}

/// A move between bands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BandShift {
    /// Score id.
    pub score: String,
    /// Band before (none: no value).
    pub from: Option<String>,
    /// Band after.
    pub to: Option<String>,
    /// How many recordings moved so.
    pub count: usize,
}

/// One recording's impact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RecordingImpact {
    /// The recording's name (usually its file).
    pub name: String,
    /// Why it cannot be replayed, if it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<Rejected>,
    /// Answered items the new version no longer has.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// How its result changes.
    pub differences: Vec<Difference>,
}

/// Replays every recording of `new`'s questionnaire on `new` and
/// aggregates the changes. `recordings` pairs a name with each recording.
#[must_use]
pub fn impact<'a>(
    new: &Questionnaire,
    recordings: impl IntoIterator<Item = (&'a str, &'a Recording)>,
) -> Impact {
    let mut report = Impact {
        questionnaire: QuestionnaireRef {
            id: new.id().into(),
            version: new.version().into(),
            digest: new.digest().into(),
        },
        total: 0,
        unchanged: 0,
        changed: 0,
        unreplayable: 0,
        skipped_other_questionnaire: 0,
        triggers: Vec::new(),
        scores: Vec::new(),
        bands: Vec::new(),
        recordings: Vec::new(),
    };
    let mut triggers: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut scores: BTreeMap<String, (usize, f64, usize, f64)> = BTreeMap::new();
    let mut bands: BTreeMap<(String, Option<String>, Option<String>), usize> = BTreeMap::new();
    for (name, recording) in recordings {
        if recording.questionnaire.id != new.id() {
            report.skipped_other_questionnaire += 1;
            continue;
        }
        report.total += 1;
        let replayed = replay_on(new, recording);
        if replayed.rejected.is_some() {
            report.unreplayable += 1;
        } else if replayed.differences.is_empty() && replayed.dropped.is_empty() {
            report.unchanged += 1;
            continue;
        } else {
            report.changed += 1;
        }
        for d in &replayed.differences {
            match d {
                Difference::TriggerAdded { id, .. } => {
                    triggers.entry(id.to_string()).or_default().0 += 1;
                }
                Difference::TriggerRemoved { id, .. } => {
                    triggers.entry(id.to_string()).or_default().1 += 1;
                }
                Difference::Score { id, before, after } => {
                    let entry = scores.entry(id.to_string()).or_default();
                    entry.0 += 1;
                    if let (Some(b), Some(a)) = (before, after) {
                        entry.1 += a - b;
                        entry.2 += 1;
                        entry.3 = entry.3.max((a - b).abs());
                    }
                }
                Difference::Band { id, before, after } => {
                    *bands
                        .entry((
                            id.to_string(),
                            before.as_ref().map(ToString::to_string),
                            after.as_ref().map(ToString::to_string),
                        ))
                        .or_default() += 1;
                }
                _ => {}
            }
        }
        report.recordings.push(RecordingImpact {
            name: name.to_owned(),
            rejected: replayed.rejected,
            dropped: replayed.dropped,
            differences: replayed.differences,
        });
    }
    report.triggers = triggers
        .into_iter()
        .map(|(id, (appears, disappears))| TriggerShift {
            id,
            appears,
            disappears,
        })
        .collect();
    report.scores = scores
        .into_iter()
        .map(|(id, (changed, sum, n, max))| ScoreShift {
            id,
            changed,
            mean_delta: if n == 0 { 0.0 } else { sum / n as f64 },
            max_abs_delta: max,
        })
        .collect();
    report.bands = bands
        .into_iter()
        .map(|((score, from, to), count)| BandShift {
            score,
            from,
            to,
            count,
        })
        .collect();
    report
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.questionnaire;
        writeln!(
            f,
            "impact of {}@{} on {} recorded session(s)",
            q.id, q.version, self.total
        )?;
        writeln!(
            f,
            "  unchanged: {}   changed: {}   cannot be replayed: {}",
            self.unchanged, self.changed, self.unreplayable
        )?;
        if self.skipped_other_questionnaire > 0 {
            writeln!(
                f,
                "  ({} recording(s) of other questionnaires left out)",
                self.skipped_other_questionnaire
            )?;
        }
        if !self.triggers.is_empty() {
            writeln!(f, "triggers:")?;
            for t in &self.triggers {
                writeln!(f, "  {:<40} +{} -{}", t.id, t.appears, t.disappears)?;
            }
        }
        if !self.scores.is_empty() {
            writeln!(f, "scores:")?;
            for s in &self.scores {
                // No change in value: over one recording it is the
                // difference of two answers when a score has one term.
                writeln!(f, "  {:<40} changed in {}", s.id, s.changed)?;
            }
        }
        if !self.bands.is_empty() {
            writeln!(f, "bands:")?;
            for b in &self.bands {
                let name = |x: &Option<String>| x.clone().unwrap_or_else(|| "none".into());
                writeln!(
                    f,
                    "  {:<40} {} → {}: {}",
                    b.score,
                    name(&b.from),
                    name(&b.to),
                    b.count
                )?;
            }
        }
        let rejected: Vec<&RecordingImpact> = self
            .recordings
            .iter()
            .filter(|r| r.rejected.is_some())
            .collect();
        if !rejected.is_empty() {
            writeln!(f, "cannot be replayed:")?;
            for r in rejected {
                if let Some(why) = &r.rejected {
                    writeln!(
                        f,
                        "  {}: event {} (`{}`): {}",
                        r.name, why.event, why.item, why.reason
                    )?;
                }
            }
        }
        Ok(())
    }
}
