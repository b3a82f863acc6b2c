//! Replay of recorded sessions, and the structured difference between a
//! recorded result and a replayed one.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::error::Error;
use crate::format::Urgency;
use crate::outcome::{Outcome, QuestionnaireRef};
use crate::questionnaire::Questionnaire;
use crate::recording::Recording;
use crate::registry::Registry;
use crate::session::Session;
use crate::value::{SharedStr, Value};

pub use crate::recording::DigestPolicy;

/// What replaying a recording gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReplayReport {
    /// The definition it was replayed on.
    pub questionnaire: QuestionnaireRef,
    /// The replayed result, unless an event was rejected.
    pub outcome: Option<Outcome>,
    /// The first event the definition no longer accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<Rejected>,
    /// Items of the recording that the definition does not have: their
    /// events were left out (a later version removed them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// How the replayed result differs from the recorded one.
    pub differences: Vec<Difference>,
}

/// An event that could not be applied on replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Rejected {
    /// Its position in the log, from 0.
    pub event: usize,
    /// The item it concerns.
    pub item: String,
    /// Why the engine rejected it (names the item and what it accepts, never the answer).
    pub reason: String,
}

/// One way a replayed result differs from the recorded one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// Whether every shown item has a response changed.
    Finished {
        /// Recorded.
        before: bool,
        /// Replayed.
        after: bool,
    },
    /// The end condition that ended the interview changed.
    EndedBy {
        /// Recorded.
        before: Option<SharedStr>,
        /// Replayed.
        after: Option<SharedStr>,
    },
    /// An answer counts in one result but not the other.
    Answer {
        /// The item.
        item: SharedStr,
        /// Recorded response kind, if it counted.
        before: Option<SharedStr>,
        /// Replayed response kind, if it counts.
        after: Option<SharedStr>,
    },
    /// The recorded value of an answer is not the one its events give: the
    /// recording was edited, or holds a value the item cannot have. The
    /// values are not kept here: they are the answer.
    AnswerValue {
        /// The item.
        item: SharedStr,
    },
    /// A score's value changed. The values are used to sum up shifts and
    /// are never serialized or printed: a score of one item is its answer.
    Score {
        /// The score.
        id: SharedStr,
        /// Recorded value.
        #[serde(skip)]
        before: Option<f64>,
        /// Replayed value.
        #[serde(skip)]
        after: Option<f64>,
    },
    /// A score's band changed.
    Band {
        /// The score.
        id: SharedStr,
        /// Recorded band id.
        before: Option<SharedStr>,
        /// Replayed band id.
        after: Option<SharedStr>,
    },
    /// A derived value changed. The values are never serialized or
    /// printed: they can be categories read from answers.
    Derived {
        /// The derived value.
        id: SharedStr,
        /// Recorded value.
        #[serde(skip)]
        before: Option<Value>,
        /// Replayed value.
        #[serde(skip)]
        after: Option<Value>,
    },
    /// A trigger fires now that did not.
    TriggerAdded {
        /// The trigger.
        id: SharedStr,
        /// Its urgency.
        urgency: Urgency,
    },
    /// A trigger that fired no longer does.
    TriggerRemoved {
        /// The trigger.
        id: SharedStr,
        /// Its urgency.
        urgency: Urgency,
    },
    /// A trigger fires with another urgency.
    TriggerUrgency {
        /// The trigger.
        id: SharedStr,
        /// Recorded urgency.
        before: Urgency,
        /// Replayed urgency.
        after: Urgency,
    },
}

impl ReplayReport {
    /// Whether the replay reproduced the recorded result.
    #[must_use]
    pub fn is_equal(&self) -> bool {
        self.rejected.is_none() && self.dropped.is_empty() && self.differences.is_empty()
    }
}

/// Replays a recording on the version it pins, found in `registry`.
///
/// # Errors
/// [`Error::UnknownQuestionnaire`] / [`Error::UnknownVersion`] when the
/// pinned version is not there, [`Error::DigestMismatch`] when its
/// definition changed since the recording (unless allowed).
pub fn replay(
    registry: &Registry,
    recording: &Recording,
    policy: DigestPolicy,
) -> Result<ReplayReport, Error> {
    let pinned = &recording.questionnaire;
    let q = registry.get(&pinned.id, &pinned.version)?;
    recording.check_digest(q, policy)?;
    Ok(replay_on(q, recording))
}

/// Replays a recording's events on `questionnaire`, whatever version it
/// was made on (events are matched by item id), and compares results.
#[must_use]
pub fn replay_on(questionnaire: &Questionnaire, recording: &Recording) -> ReplayReport {
    let target = QuestionnaireRef {
        id: questionnaire.id().into(),
        version: questionnaire.version().into(),
        digest: questionnaire.digest().into(),
    };
    // Events are matched by item id; an item a later version removed has
    // nothing to match, so its events are left out and reported.
    let mut dropped: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut kept: Vec<(usize, crate::value::Event)> = Vec::new();
    for (index, recorded) in recording.events.iter().enumerate() {
        let item = recorded.event.item();
        if questionnaire.item(item).is_some() {
            kept.push((index, recorded.event.clone()));
        } else if seen.insert(item) {
            dropped.push(item.to_owned());
        }
    }
    let mut session = Session::new(questionnaire);
    for (index, event) in kept {
        let item = event.item().to_owned();
        if let Err(e) = session.apply(event) {
            return ReplayReport {
                questionnaire: target,
                outcome: None,
                rejected: Some(Rejected {
                    event: index,
                    item,
                    reason: e.to_string(),
                }),
                dropped,
                differences: Vec::new(),
            };
        }
    }
    let outcome = session.result_in(&recording.result.language).into_outcome();
    let mut differences = compare(&recording.result, &outcome);
    differences.extend(other_values(&recording.result, &outcome, &differences));
    ReplayReport {
        questionnaire: target,
        outcome: Some(outcome),
        rejected: None,
        dropped,
        differences,
    }
}

/// The differences between two results, ignoring texts (which depend on
/// the language and may be reworded between versions).
#[must_use]
pub fn compare(before: &Outcome, after: &Outcome) -> Vec<Difference> {
    let mut out = Vec::new();
    if before.finished != after.finished {
        out.push(Difference::Finished {
            before: before.finished,
            after: after.finished,
        });
    }
    let ended = |o: &Outcome| o.ended_by.as_ref().map(|e| e.id.clone());
    if ended(before) != ended(after) {
        out.push(Difference::EndedBy {
            before: ended(before),
            after: ended(after),
        });
    }
    let (rb, ra) = (
        by_id(&before.answers, |a| &a.item),
        by_id(&after.answers, |a| &a.item),
    );
    let mut listed: HashSet<&str> = HashSet::new();
    for item in before
        .answers
        .iter()
        .chain(&after.answers)
        .map(|a| a.item.as_str())
    {
        let response = |m: &HashMap<&str, &crate::outcome::AnswerRecord>| {
            m.get(item).map(|a| a.response.clone())
        };
        let (b, a) = (response(&rb), response(&ra));
        if b != a && listed.insert(item) {
            out.push(Difference::Answer {
                item: item.into(),
                before: b,
                after: a,
            });
        }
    }
    let (scores_b, scores_a) = (
        by_id(&before.scores, |s| &s.id),
        by_id(&after.scores, |s| &s.id),
    );
    for id in union(
        before.scores.iter().map(|s| &s.id),
        after.scores.iter().map(|s| &s.id),
    ) {
        let (b, a) = (
            scores_b.get(id.as_str()).copied().cloned(),
            scores_a.get(id.as_str()).copied().cloned(),
        );
        let value = |s: &Option<crate::outcome::ScoreRecord>| s.as_ref().and_then(|s| s.value);
        let band = |s: &Option<crate::outcome::ScoreRecord>| {
            s.as_ref()
                .and_then(|s| s.band.as_ref().map(|b| b.id.clone()))
        };
        if value(&b) != value(&a) {
            out.push(Difference::Score {
                id: id.clone(),
                before: value(&b),
                after: value(&a),
            });
        }
        if band(&b) != band(&a) {
            out.push(Difference::Band {
                id: id.clone(),
                before: band(&b),
                after: band(&a),
            });
        }
    }
    let (derived_b, derived_a) = (
        by_id(&before.derived, |d| &d.id),
        by_id(&after.derived, |d| &d.id),
    );
    for id in union(
        before.derived.iter().map(|d| &d.id),
        after.derived.iter().map(|d| &d.id),
    ) {
        let find = |values: &HashMap<&str, &crate::outcome::DerivedRecord>| {
            values.get(id.as_str()).and_then(|d| d.value.clone())
        };
        let (b, a) = (find(&derived_b), find(&derived_a));
        if b != a {
            out.push(Difference::Derived {
                id: id.clone(),
                before: b,
                after: a,
            });
        }
    }
    let fired_before: HashMap<&str, Urgency> = before
        .triggers
        .iter()
        .map(|t| (t.id.as_str(), t.urgency))
        .collect();
    let fired_after: HashSet<&str> = after.triggers.iter().map(|t| t.id.as_str()).collect();
    for t in &after.triggers {
        match fired_before.get(t.id.as_str()).copied() {
            None => out.push(Difference::TriggerAdded {
                id: t.id.clone(),
                urgency: t.urgency,
            }),
            Some(b) if b != t.urgency => out.push(Difference::TriggerUrgency {
                id: t.id.clone(),
                before: b,
                after: t.urgency,
            }),
            Some(_) => {}
        }
    }
    for b in &before.triggers {
        if !fired_after.contains(b.id.as_str()) {
            out.push(Difference::TriggerRemoved {
                id: b.id.clone(),
                urgency: b.urgency,
            });
        }
    }
    out
}

/// The answers whose recorded value is not the replayed one, where the
/// response itself is the same (a changed response is already an
/// [`Difference::Answer`]). A value no event could give, such as an
/// option the item does not have, is found here.
fn other_values(recorded: &Outcome, replayed: &Outcome, found: &[Difference]) -> Vec<Difference> {
    let values: HashMap<&str, Option<&Value>> = replayed
        .answers
        .iter()
        .map(|a| (a.item.as_str(), a.value.as_ref()))
        .collect();
    let listed: HashSet<&str> = found
        .iter()
        .filter_map(|d| match d {
            Difference::Answer { item, .. } => Some(item.as_str()),
            _ => None,
        })
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    recorded
        .answers
        .iter()
        .filter(|a| !listed.contains(a.item.as_str()) && seen.insert(a.item.as_str()))
        .filter(|a| {
            values
                .get(a.item.as_str())
                .is_some_and(|v| *v != a.value.as_ref())
        })
        .map(|a| Difference::AnswerValue {
            item: a.item.clone(),
        })
        .collect()
}

/// The entries of a list by their id: the first of each id, as a search
/// from the front would find.
fn by_id<T>(list: &[T], id: impl Fn(&T) -> &SharedStr) -> HashMap<&str, &T> {
    let mut out = HashMap::with_capacity(list.len());
    for entry in list {
        out.entry(id(entry).as_str()).or_insert(entry);
    }
    out
}

/// The ids of both lists, each once, in order of first appearance.
fn union<'a>(
    a: impl Iterator<Item = &'a SharedStr>,
    b: impl Iterator<Item = &'a SharedStr>,
) -> Vec<SharedStr> {
    let mut seen: HashSet<&str> = HashSet::new();
    a.chain(b)
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}

fn opt<T: fmt::Display>(v: Option<&T>) -> String {
    v.map_or_else(|| "none".to_owned(), ToString::to_string)
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Finished { before, after } => write!(f, "finished: {before} → {after}"),
            Difference::EndedBy { before, after } => {
                write!(
                    f,
                    "ended by: {} → {}",
                    opt(before.as_ref()),
                    opt(after.as_ref())
                )
            }
            Difference::Answer {
                item,
                before,
                after,
            } => write!(
                f,
                "answer `{item}`: {} → {}",
                opt(before.as_ref()),
                opt(after.as_ref())
            ),
            Difference::AnswerValue { item } => write!(
                f,
                "answer `{item}`: the recorded value is not the one its events give"
            ),
            // A score of one item is that answer: say that it changed, not what it is.
            Difference::Score { id, .. } => write!(f, "score `{id}` changed"),
            Difference::Band { id, before, after } => {
                write!(
                    f,
                    "band of `{id}`: {} → {}",
                    opt(before.as_ref()),
                    opt(after.as_ref())
                )
            }
            // Derived values can be categories read from answers; show that
            // they changed, not what they are.
            Difference::Derived { id, .. } => write!(f, "derived value `{id}` changed"),
            Difference::TriggerAdded { id, urgency } => {
                write!(f, "trigger `{id}` now fires ({})", urgency.as_str())
            }
            Difference::TriggerRemoved { id, urgency } => {
                write!(f, "trigger `{id}` no longer fires ({})", urgency.as_str())
            }
            Difference::TriggerUrgency { id, before, after } => {
                write!(
                    f,
                    "trigger `{id}`: urgency {} → {}",
                    before.as_str(),
                    after.as_str()
                )
            }
        }
    }
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.questionnaire;
        if let Some(r) = &self.rejected {
            return write!(
                f,
                "on {}@{}: event {} (`{}`) rejected: {}",
                q.id, q.version, r.event, r.item, r.reason
            );
        }
        if !self.dropped.is_empty() {
            write!(
                f,
                "on {}@{}: items no longer there: {}; ",
                q.id,
                q.version,
                self.dropped.join(", ")
            )?;
        } else if self.differences.is_empty() {
            return write!(f, "on {}@{}: same result", q.id, q.version);
        }
        write!(
            f,
            "on {}@{}: {} difference(s)",
            q.id,
            q.version,
            self.differences.len()
        )?;
        for d in &self.differences {
            write!(f, "\n  - {d}")?;
        }
        Ok(())
    }
}
