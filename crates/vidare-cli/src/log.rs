//! The session log written by `--save` and read by `--resume`: the core's
//! recording format (the questionnaire's id, version and digest, the
//! events, and the result so far), as JSON.
//!
//! The log holds every answer, including those the questionnaire keeps
//! for the conversation only, so it is written only where the user asks,
//! readable by the owner only; when the interview finishes, the log of a
//! questionnaire with a part that is not stored is replaced by the stored
//! record.

use std::path::Path;

use anyhow::{Context as _, bail};
use vidare::{Questionnaire, Recording, Session, StoredRecord};

/// Writes the session's recording to `path`, replacing the file as a whole.
pub(crate) fn save(session: &Session, path: &Path) -> anyhow::Result<()> {
    let mut text = session.record().to_json();
    text.push('\n');
    crate::write::private(path, &text).with_context(|| {
        format!(
            "cannot write the session log to {}; choose a writable path",
            path.display()
        )
    })
}

/// Writes the log of a finished interview. A finished interview needs no
/// resuming, so when the questionnaire has a part that is not stored (a
/// question used only in the conversation, or an output that would reveal
/// one) the log is replaced by the stored record, as the server does when
/// it closes a session; otherwise the full, replayable log is written.
/// Returns whether the stored record was written.
pub(crate) fn finish(session: &Session, path: &Path, lang: &str) -> anyhow::Result<bool> {
    if session.questionnaire().stores_every_part() {
        save(session, path)?;
        return Ok(false);
    }
    let mut text = serde_json::to_string_pretty(&session.stored_record_in(lang))?;
    text.push('\n');
    crate::write::private(path, &text).with_context(|| {
        format!(
            "cannot write the stored record to {} in place of the session log; \
             choose a writable path",
            path.display()
        )
    })?;
    Ok(true)
}

/// Rebuilds a session from the recording at `path`, refusing one made on
/// another questionnaire, version or definition.
pub(crate) fn resume(questionnaire: &Questionnaire, path: &Path) -> anyhow::Result<Session> {
    let shown = path.display();
    let recording = match Recording::load(path) {
        Ok(recording) => recording,
        Err(_) if is_stored_record(path) => bail!(
            "{shown} holds the stored record of a finished interview, not a session log: \
             there is nothing to resume"
        ),
        Err(error) => {
            return Err(error).with_context(|| {
                format!("cannot resume from {shown}; give a log written by `vidare run --save`")
            });
        }
    };
    let made_on = &recording.questionnaire;
    if made_on.id != questionnaire.id() || made_on.version != questionnaire.version() {
        bail!(
            "the session log {shown} belongs to {} {}, not to {} {}; \
             resume it with that questionnaire",
            made_on.id,
            made_on.version,
            questionnaire.id(),
            questionnaire.version()
        );
    }
    if !questionnaire.is_pinned_by(&made_on.digest) {
        bail!(
            "the session log {shown} was written against another definition of {} {} \
             (digest {}, this file has {}); resume it with the file it was recorded with",
            made_on.id,
            made_on.version,
            made_on.digest,
            questionnaire.digest()
        );
    }
    Session::resume(questionnaire, recording.events())
        .with_context(|| format!("the session log {shown} cannot be resumed"))
}

/// Whether the file is a stored record, which `finish` writes in place of
/// the log.
fn is_stored_record(path: &Path) -> bool {
    vidare::files::read_text_file(path, usize::MAX)
        .is_ok_and(|text| serde_json::from_str::<StoredRecord>(&text).is_ok())
}
