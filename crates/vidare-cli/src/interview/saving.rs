//! Saving an unfinished interview, and the command that continues it as
//! it was started: the same questionnaire, language and log.

use std::path::Path;

use vidare::Session;

/// Saves the session log to `path` and says where; for an unfinished
/// interview also the command that continues it.
pub(super) fn save(
    session: &Session,
    path: &Path,
    questionnaire: &Path,
    lang: (&str, Option<&str>),
    finished: bool,
) -> anyhow::Result<()> {
    crate::log::save(session, path)?;
    if finished {
        eprintln!("the session log was saved to {}", path.display());
    } else {
        eprintln!(
            "the session log was saved to {}; continue with: {}",
            path.display(),
            resume_command(questionnaire, lang, path)
        );
    }
    eprintln!("it holds every answer given: delete it when it is no longer needed");
    Ok(())
}

/// `vidare run` with the languages (`--lang`, and `--practitioner-lang`
/// in interpreter mode) and the log to resume from and save to, quoted for
/// a POSIX shell.
pub(super) fn resume_command(
    questionnaire: &Path,
    (lang, practitioner): (&str, Option<&str>),
    log: &Path,
) -> String {
    let log = shell_word(&log.display().to_string());
    let practitioner = practitioner
        .map(|p| format!(" --practitioner-lang {}", shell_word(p)))
        .unwrap_or_default();
    format!(
        "vidare run {} --lang {}{practitioner} --resume {log} --save {log}",
        shell_word(&questionnaire.display().to_string()),
        shell_word(lang)
    )
}

/// A word as typed to a POSIX shell: as it is when nothing in it is
/// special, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=@+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_keeps_language_and_log_and_quotes_what_needs_it() {
        let command = resume_command(
            Path::new("questionnaires/v/1.0.0.yaml"),
            ("en", None),
            Path::new("/tmp/Anna's log.json"),
        );
        assert_eq!(
            command,
            r"vidare run questionnaires/v/1.0.0.yaml --lang en --resume '/tmp/Anna'\''s log.json' --save '/tmp/Anna'\''s log.json'"
        );
        let interpreted = resume_command(
            Path::new("v.yaml"),
            ("sv-x-easy", Some("sv")),
            Path::new("log.json"),
        );
        assert_eq!(
            interpreted,
            "vidare run v.yaml --lang sv-x-easy --practitioner-lang sv --resume log.json --save log.json"
        );
    }
}
