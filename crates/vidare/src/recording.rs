//! The recording file format: a session's log pinned to the definition it
//! ran on, with the result the engine produced, so it can be replayed on
//! that version forever and on later versions to see what would change.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::outcome::{Outcome, QuestionnaireRef};
use crate::session::Session;
use crate::value::Event;

/// Whether a digest mismatch between recording and definition is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DigestPolicy {
    /// A mismatch is an error (the default): the definition was edited after release.
    #[default]
    Require,
    /// Replay anyway, e.g. to see what an unreleased edit does.
    Allow,
}

/// The only recording format version this crate reads and writes.
pub const RECORDING_FORMAT: u32 = 1;

/// A recorded session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Recording {
    /// Recording format version; must be 1.
    pub format: u32,
    /// A short description, e.g. what a hand-written recording tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The definition the session ran on.
    pub questionnaire: QuestionnaireRef,
    /// The log, in order.
    pub events: Vec<RecordedEvent>,
    /// The result the engine produced.
    pub result: Outcome,
}

/// One event of a recording, with an optional time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordedEvent {
    /// The event.
    #[serde(flatten)]
    pub event: Event,
    /// When it happened (RFC 3339), if the recorder knew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl RecordedEvent {
    /// `event` without a time: the engine keeps no clock, so only a
    /// recorder that knows when the event happened sets
    /// [`RecordedEvent::at`].
    #[must_use]
    pub fn new(event: Event) -> Self {
        Self { event, at: None }
    }
}

impl Session {
    /// Records the session: its log and its current result.
    #[must_use]
    pub fn record(&self) -> Recording {
        let q = self.questionnaire();
        Recording::new(
            QuestionnaireRef::new(q.id(), q.version(), q.digest()),
            self.events()
                .iter()
                .map(|event| RecordedEvent::new(event.clone()))
                .collect(),
            self.result().into_outcome(),
        )
    }
}

impl Recording {
    /// A recording in this crate's format ([`RECORDING_FORMAT`]), without
    /// a note, of `events` run on `questionnaire` with the `result` they
    /// gave. Nothing is checked against a definition here: reading and
    /// replaying a recording does that, so a frontend may pin what it
    /// stored (the server's audit builds one per stored session).
    #[must_use]
    pub fn new(
        questionnaire: QuestionnaireRef,
        events: Vec<RecordedEvent>,
        result: Outcome,
    ) -> Self {
        Self {
            format: RECORDING_FORMAT,
            note: None,
            questionnaire,
            events,
            result,
        }
    }

    /// The largest recording read, in bytes: a session at the server's
    /// event limit with every answer of a questionnaire at the item limit
    /// fits several times over, and reading, replaying and comparing this
    /// much takes well under a second.
    pub const MAX_BYTES: usize = 8 * 1024 * 1024;

    /// The most events a recording may hold: the server's default
    /// `--max-events`, far more than an interview takes.
    pub const MAX_EVENTS: usize = 10_000;

    /// Continues the recorded session on the version it pins, found in
    /// `registry`: what a frontend does to resume a saved interview.
    ///
    /// # Errors
    /// [`Error::UnknownQuestionnaire`] / [`Error::UnknownVersion`] when the
    /// pinned version is not there, [`Error::DigestMismatch`] when its
    /// definition changed since (unless `policy` allows it), and
    /// [`Error::Replay`] when an event no longer applies.
    pub fn resume(
        &self,
        registry: &crate::registry::Registry,
        policy: DigestPolicy,
    ) -> Result<Session, Error> {
        let pinned = &self.questionnaire;
        let q = registry.get(&pinned.id, &pinned.version)?;
        self.resume_on(q, policy)
    }

    /// Continues the recorded session on `questionnaire`, which must be the
    /// version it pins (same id, version and, unless allowed, digest).
    ///
    /// # Errors
    /// As [`Recording::resume`].
    pub fn resume_on(
        &self,
        questionnaire: &crate::questionnaire::Questionnaire,
        policy: DigestPolicy,
    ) -> Result<Session, Error> {
        let pinned = &self.questionnaire;
        if pinned.id != questionnaire.id() || pinned.version != questionnaire.version() {
            return Err(Error::UnknownVersion {
                id: pinned.id.to_string(),
                version: pinned.version.to_string(),
                known: vec![format!(
                    "{}@{}",
                    questionnaire.id(),
                    questionnaire.version()
                )],
            });
        }
        self.check_digest(questionnaire, policy)?;
        Session::resume(questionnaire, self.events())
    }

    /// Whether `questionnaire` still has the definition the recording
    /// pins, as `policy` asks: one check for resuming and replaying.
    ///
    /// # Errors
    /// [`Error::DigestMismatch`] when the digests differ and `policy` is
    /// [`DigestPolicy::Require`].
    pub fn check_digest(
        &self,
        questionnaire: &crate::questionnaire::Questionnaire,
        policy: DigestPolicy,
    ) -> Result<(), Error> {
        let pinned = &self.questionnaire;
        if questionnaire.is_pinned_by(&pinned.digest) || policy == DigestPolicy::Allow {
            return Ok(());
        }
        Err(Error::DigestMismatch {
            id: pinned.id.to_string(),
            version: pinned.version.to_string(),
            recorded: pinned.digest.to_string(),
            actual: questionnaire.digest().to_owned(),
        })
    }

    /// The events without their times.
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        self.events.iter().map(|e| e.event.clone())
    }

    /// The recording as pretty JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a JSON recording. `file` names it in errors.
    ///
    /// # Errors
    /// [`Error::InvalidRecording`] saying where the text is wrong; the
    /// message never quotes the content, which may hold answers.
    pub fn from_json(text: &str, file: &str) -> Result<Self, Error> {
        within_size(text.len(), file)?;
        let recording: Recording = serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    "is not valid JSON"
                }
                _ => "does not have the shape of a recording",
            };
            Error::InvalidRecording {
                file: file.to_owned(),
                message: format!(
                    "the recording {what} at line {} column {}",
                    e.line(),
                    e.column()
                ),
            }
        })?;
        recording.checked(file)
    }

    /// Reads a YAML recording (for hand-written ones).
    ///
    /// # Errors
    /// As [`Recording::from_json`].
    pub fn from_yaml(text: &str, file: &str) -> Result<Self, Error> {
        within_size(text.len(), file)?;
        let recording: Recording = serde_saphyr::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            Error::InvalidRecording {
                file: file.to_owned(),
                message: format!("the recording is not valid YAML of the right shape{at}"),
            }
        })?;
        recording.checked(file)
    }

    /// Reads a recording file, JSON or YAML by its extension. Only a
    /// regular file is read (see [`read_text_file`](crate::files::read_text_file)).
    ///
    /// # Errors
    /// [`Error::Io`] (also when the path is a named pipe, a folder or a
    /// device) or [`Error::InvalidRecording`], also when the file is larger
    /// than [`Recording::MAX_BYTES`] or holds more than
    /// [`Recording::MAX_EVENTS`] events.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        // Only a regular file: a named pipe would block the reader.
        let text = match crate::files::read_text_file(path, Self::MAX_BYTES) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::FileTooLarge => {
                return Err(too_large(&name));
            }
            other => other?,
        };
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            Recording::from_yaml(&text, &name)
        } else {
            Recording::from_json(&text, &name)
        }
    }

    fn checked(self, file: &str) -> Result<Self, Error> {
        if self.events.len() > Self::MAX_EVENTS {
            return Err(Error::InvalidRecording {
                file: file.to_owned(),
                message: format!(
                    "the recording has {} events, more than the limit of {}; \
                     no interview takes that many, so it was not replayed",
                    self.events.len(),
                    Self::MAX_EVENTS
                ),
            });
        }
        if self.format == RECORDING_FORMAT {
            Ok(self)
        } else {
            Err(Error::InvalidRecording {
                file: file.to_owned(),
                message: format!(
                    "recording format {} is not supported; this engine reads format {RECORDING_FORMAT}",
                    self.format
                ),
            })
        }
    }
}

fn within_size(bytes: usize, file: &str) -> Result<(), Error> {
    if bytes > Recording::MAX_BYTES {
        Err(too_large(file))
    } else {
        Ok(())
    }
}

fn too_large(file: &str) -> Error {
    Error::InvalidRecording {
        file: file.to_owned(),
        message: format!(
            "the recording is larger than the limit of {} bytes; \
             no interview records that much, so it was not read",
            Recording::MAX_BYTES
        ),
    }
}

/// The JSON Schema of the recording format.
#[cfg(feature = "schema")]
#[must_use]
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Recording);
    schema.insert("title".into(), "Vidare recording (format 1)".into());
    schema.to_value()
}
