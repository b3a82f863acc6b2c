//! The result of a diff ([`Diff`]): its changes, the report grouped by
//! class, and the JSON the CLI prints.

use std::fmt;

use serde::Serialize;

use super::change::{Bump, Change};

/// The changes from one version of a questionnaire to another.
///
/// Serialises (for the CLI's JSON) with its fields plus `required_bump`,
/// `actual_bump` and `version_ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diff {
    /// The new version's questionnaire id.
    pub id: String,
    /// The old version number.
    pub old_version: String,
    /// The new version number.
    pub new_version: String,
    /// The old definition's digest.
    pub old_digest: String,
    /// The new definition's digest.
    pub new_digest: String,
    /// Every change, in document order (header, items, sections, derived
    /// values, scores, triggers, end conditions).
    pub changes: Vec<Change>,
}

impl Diff {
    /// The biggest bump over all changes; `None` when nothing changed.
    #[must_use]
    pub fn required_bump(&self) -> Option<Bump> {
        self.changes.iter().map(|c| c.bump).max()
    }

    /// The changes that need exactly `bump`, in order.
    pub fn changes_of(&self, bump: Bump) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.bump == bump)
    }
}

impl Serialize for Diff {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            id: &'a str,
            old_version: &'a str,
            new_version: &'a str,
            old_digest: &'a str,
            new_digest: &'a str,
            required_bump: Option<Bump>,
            actual_bump: Option<Bump>,
            version_ok: bool,
            next_version: Option<String>,
            changes: &'a [Change],
        }
        Out {
            id: &self.id,
            old_version: &self.old_version,
            new_version: &self.new_version,
            old_digest: &self.old_digest,
            new_digest: &self.new_digest,
            required_bump: self.required_bump(),
            actual_bump: self.actual_bump(),
            version_ok: self.check_version().is_ok(),
            next_version: self.next_version(),
            changes: &self.changes,
        }
        .serialize(serializer)
    }
}

/// A report grouped by class, most breaking first, ending with the verdict
/// on the version number.
/// A report grouped by class, most breaking first, ending with the verdict
/// on the version number.
impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "`{}` {} → {}: {} change{}",
            self.id,
            self.old_version,
            self.new_version,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        )?;
        for (bump, heading) in [
            (
                Bump::Major,
                "Major (breaking: recorded sessions may change outcome or be rejected)",
            ),
            (Bump::Minor, "Minor (additive and compatible)"),
            (Bump::Patch, "Patch (texts and presentation only)"),
        ] {
            self.write_class(f, bump, heading)?;
        }
        let needed = self
            .required_bump()
            .map_or_else(|| "no release".to_owned(), |b| format!("a {b} release"));
        write!(
            f,
            "\nversion: the changes need {needed}; {} → {} {} — {}",
            self.old_version,
            self.new_version,
            self.actual_in_words(),
            self.verdict()
        )
    }
}

impl Diff {
    /// The changes of one class under their heading; nothing when there
    /// are none.
    fn write_class(&self, f: &mut fmt::Formatter<'_>, bump: Bump, heading: &str) -> fmt::Result {
        let mut changes = self.changes_of(bump).peekable();
        if changes.peek().is_none() {
            return Ok(());
        }
        writeln!(f, "\n{heading}:")?;
        for change in changes {
            let text = change.to_string().replace('\n', "\n  ");
            writeln!(f, "  - {text}")?;
        }
        Ok(())
    }
}
