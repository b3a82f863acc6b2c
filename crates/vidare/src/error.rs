//! The crate's one error type.
//!
//! Messages name items and say what was expected; they never contain an
//! answer value, because answers are sensitive personal data and errors end
//! up in logs.

use crate::diagnostic::{Diagnostic, Severity};

/// Everything that can go wrong when loading a questionnaire or running a session.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The questionnaire has errors; every one is in `diagnostics`.
    #[error("{file}: the questionnaire has {} error(s)", count_errors(.diagnostics))]
    Invalid {
        /// The file name given to the loader.
        file: String,
        /// The text that was compiled, for rendering the diagnostics.
        source_text: String,
        /// Every error and warning found.
        diagnostics: Vec<Diagnostic>,
    },
    /// The questionnaire has no item with this id.
    #[error("there is no item `{item}` in this questionnaire")]
    UnknownItem {
        /// The id asked for.
        item: String,
    },
    /// The item is an information text and takes no answer.
    #[error("`{item}` is an information text and takes no answer")]
    NotAQuestion {
        /// The item.
        item: String,
    },
    /// The item's condition does not hold now, so it is not asked.
    #[error("`{item}` is not shown now: its condition does not hold")]
    Hidden {
        /// The item.
        item: String,
    },
    /// Items are answered in order; this one is not the current one.
    #[error("`{item}` is not the current item{}", current.as_ref().map(|c| format!("; the current item is `{c}`")).unwrap_or_default())]
    NotCurrent {
        /// The item answered.
        item: String,
        /// The item that is due, if any.
        current: Option<String>,
    },
    /// The item already has a response; use `change`.
    #[error("`{item}` already has a response; change it instead")]
    AlreadyAnswered {
        /// The item.
        item: String,
    },
    /// The item has no response to change.
    #[error("`{item}` has no response to change; answer it instead")]
    NotAnswered {
        /// The item.
        item: String,
    },
    /// The answer does not fit the item.
    #[error("invalid answer to `{item}`: expected {expected}")]
    InvalidAnswer {
        /// The item.
        item: String,
        /// What the item accepts.
        expected: String,
    },
    /// The response (decline, don't know, skip) is not offered by the item.
    #[error("`{item}` does not offer {response}")]
    NotOffered {
        /// The item.
        item: String,
        /// The response that was tried.
        response: &'static str,
    },
    /// There is nothing left to answer.
    #[error("the interview is finished")]
    Finished,
    /// There is no earlier response to go back to.
    #[error("there is nothing to go back to")]
    NothingToGoBack,
    /// No questionnaire with this id is known.
    #[error("there is no questionnaire `{id}`; known: {}", list(known))]
    UnknownQuestionnaire {
        /// The id asked for.
        id: String,
        /// The ids that exist.
        known: Vec<String>,
    },
    /// The questionnaire exists, but not in this version.
    #[error("`{id}` has no version {version}; its versions are {}", list(known))]
    UnknownVersion {
        /// The questionnaire.
        id: String,
        /// The version asked for.
        version: String,
        /// The versions that exist.
        known: Vec<String>,
    },
    /// A recording was made on a different definition than the one on disk.
    #[error(
        "the recording was made on {id}@{version} with digest {recorded}, but that version now has digest {actual}: \
         the file was changed after release; restore it, or explicitly allow the mismatch"
    )]
    DigestMismatch {
        /// Questionnaire id.
        id: String,
        /// Its version.
        version: String,
        /// The digest in the recording.
        recorded: String,
        /// The digest of the definition loaded now.
        actual: String,
    },
    /// A file's name or folder does not match the id and version inside it.
    #[error(
        "{path}: the file says {id}@{version}, but its place says {expected}; a version lives in <id>/<version>.yaml"
    )]
    Misplaced {
        /// The file.
        path: String,
        /// Id in the file.
        id: String,
        /// Version in the file.
        version: String,
        /// What the path says.
        expected: String,
    },
    /// A recording file could not be read as a recording.
    #[error("{file}: {message}")]
    InvalidRecording {
        /// The file name.
        file: String,
        /// What is wrong and where, without quoting the file's content.
        message: String,
    },
    /// An event of a stored log could not be applied.
    #[error("event {index} of the log cannot be applied: {source}")]
    Replay {
        /// Position of the event, from 0.
        index: usize,
        /// Why.
        source: Box<Error>,
    },
}

/// Debug is the Display text with the kind: it never dumps the source of a
/// questionnaire, and errors hold no answers to begin with.
impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {self}", self.kind())?;
        if let Error::Invalid { diagnostics, .. } = self {
            for d in diagnostics {
                write!(f, "\n  {d}")?;
            }
        }
        Ok(())
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// The kind of an [`Error`], for matching without the details (e.g. to
/// choose an HTTP status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::Io`].
    Io,
    /// See [`Error::Invalid`].
    Invalid,
    /// See [`Error::UnknownItem`].
    UnknownItem,
    /// See [`Error::NotAQuestion`].
    NotAQuestion,
    /// See [`Error::Hidden`].
    Hidden,
    /// See [`Error::NotCurrent`].
    NotCurrent,
    /// See [`Error::AlreadyAnswered`].
    AlreadyAnswered,
    /// See [`Error::NotAnswered`].
    NotAnswered,
    /// See [`Error::InvalidAnswer`].
    InvalidAnswer,
    /// See [`Error::NotOffered`].
    NotOffered,
    /// See [`Error::Finished`].
    Finished,
    /// See [`Error::NothingToGoBack`].
    NothingToGoBack,
    /// See [`Error::Replay`].
    Replay,
    /// See [`Error::UnknownQuestionnaire`].
    UnknownQuestionnaire,
    /// See [`Error::UnknownVersion`].
    UnknownVersion,
    /// See [`Error::DigestMismatch`].
    DigestMismatch,
    /// See [`Error::Misplaced`].
    Misplaced,
    /// See [`Error::InvalidRecording`].
    InvalidRecording,
}

impl Error {
    /// The kind of error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::UnknownItem { .. } => ErrorKind::UnknownItem,
            Error::NotAQuestion { .. } => ErrorKind::NotAQuestion,
            Error::Hidden { .. } => ErrorKind::Hidden,
            Error::NotCurrent { .. } => ErrorKind::NotCurrent,
            Error::AlreadyAnswered { .. } => ErrorKind::AlreadyAnswered,
            Error::NotAnswered { .. } => ErrorKind::NotAnswered,
            Error::InvalidAnswer { .. } => ErrorKind::InvalidAnswer,
            Error::NotOffered { .. } => ErrorKind::NotOffered,
            Error::Finished => ErrorKind::Finished,
            Error::NothingToGoBack => ErrorKind::NothingToGoBack,
            Error::Replay { .. } => ErrorKind::Replay,
            Error::UnknownQuestionnaire { .. } => ErrorKind::UnknownQuestionnaire,
            Error::UnknownVersion { .. } => ErrorKind::UnknownVersion,
            Error::DigestMismatch { .. } => ErrorKind::DigestMismatch,
            Error::Misplaced { .. } => ErrorKind::Misplaced,
            Error::InvalidRecording { .. } => ErrorKind::InvalidRecording,
        }
    }

    /// The diagnostics of an [`Error::Invalid`]; empty for other errors.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }

    /// Renders an [`Error::Invalid`] for a terminal with source lines and
    /// carets; other errors as their one-line message.
    #[must_use]
    pub fn render(&self) -> String {
        match self {
            Error::Invalid {
                source_text,
                diagnostics,
                ..
            } => crate::diagnostic::render_all(diagnostics, source_text),
            other => format!("{other}\n"),
        }
    }
}
