//! Version numbers: the release two numbers make, the lowest version the
//! changes allow, and the check that the new number is raised enough.

use std::fmt::Write as _;

use super::change::{Bump, ChangeKind};
use super::report::Diff;

/// Why a new version number does not fit the changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// The two are different questionnaires; their versions cannot be compared.
    #[error(
        "`{old_id}` and `{new_id}` are different questionnaires; their versions cannot be compared"
    )]
    DifferentQuestionnaire {
        /// The old id.
        old_id: String,
        /// The new id.
        new_id: String,
    },
    /// A version is not `MAJOR.MINOR.PATCH`.
    #[error("`{version}` is not a semantic version MAJOR.MINOR.PATCH")]
    InvalidVersion {
        /// The version as written.
        version: String,
    },
    /// The version was not raised although the definition changed, or was lowered.
    #[error("version {new} is {} {old}{}", if *.lowered { "lower than" } else { "the same as" }, needs(*.required, .biggest.as_deref(), *.more))]
    NotIncreased {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
        /// Whether the new version is lower.
        lowered: bool,
        /// The release the changes need, if any change.
        required: Option<Bump>,
        /// The description of the first biggest change.
        biggest: Option<String>,
        /// How many more changes need that release.
        more: usize,
    },
    /// The version was raised, but not enough.
    #[error("{old} → {new} is a {actual} release{}", needs(Some(*.required), Some(.biggest), *.more))]
    TooSmall {
        /// The old version.
        old: String,
        /// The new version.
        new: String,
        /// The release the version numbers make.
        actual: Bump,
        /// The release the changes need.
        required: Bump,
        /// The description of the first biggest change.
        biggest: String,
        /// How many more changes need that release.
        more: usize,
    },
}

fn needs(required: Option<Bump>, biggest: Option<&str>, more: usize) -> String {
    let Some(required) = required else {
        return String::new();
    };
    let mut s = format!(
        ", but the changes need a {required} release: {}",
        biggest.unwrap_or("?")
    );
    if more > 0 {
        let _ = write!(
            s,
            " (and {more} more {required} change{})",
            if more == 1 { "" } else { "s" }
        );
    }
    s
}

impl Diff {
    /// The release the two version numbers make: `Some(major)` when the
    /// major number went up, `Some(minor)` when the minor did (same major),
    /// `Some(patch)` when only the patch did; `None` when the version was
    /// not increased (the same, lower, or not a semantic version).
    #[must_use]
    pub fn actual_bump(&self) -> Option<Bump> {
        let old = parse_version(&self.old_version)?;
        let new = parse_version(&self.new_version)?;
        version_bump(old, new)
    }

    /// The lowest version the new definition may have: the old version
    /// raised by [`Diff::required_bump`] (`2.1.3` with a major change:
    /// `3.0.0`); the old version itself when nothing changed; `None` when
    /// the old version is not a semantic version.
    #[must_use]
    pub fn next_version(&self) -> Option<String> {
        let (major, minor, patch) = parse_version(&self.old_version)?;
        Some(match self.required_bump() {
            None => self.old_version.clone(),
            Some(Bump::Major) => format!("{}.0.0", major + 1),
            Some(Bump::Minor) => format!("{major}.{}.0", minor + 1),
            Some(Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
        })
    }

    /// What the two version numbers make, in words for the report.
    pub(super) fn actual_in_words(&self) -> &'static str {
        match (
            parse_version(&self.old_version),
            parse_version(&self.new_version),
        ) {
            (Some(old), Some(new)) => match version_bump(old, new) {
                Some(Bump::Major) => "is a major release",
                Some(Bump::Minor) => "is a minor release",
                Some(Bump::Patch) => "is a patch release",
                None if new < old => "lowers the version",
                None => "keeps the version",
            },
            _ => "is not a semantic version",
        }
    }

    /// Checks that the new version number is raised at least as much as
    /// the changes need.
    ///
    /// Identical definitions may keep the version; any change needs a
    /// higher version; a lower version is always refused.
    ///
    /// # Errors
    /// [`VersionError::TooSmall`] (e.g. a recoded option shipped as a patch
    /// release), [`VersionError::NotIncreased`], [`VersionError::InvalidVersion`],
    /// or [`VersionError::DifferentQuestionnaire`] when the ids differ.
    pub fn check_version(&self) -> Result<(), VersionError> {
        if let Some(different) = self.different_questionnaire() {
            return Err(different);
        }
        let parse = |v: &str| {
            parse_version(v).ok_or_else(|| VersionError::InvalidVersion {
                version: v.to_owned(),
            })
        };
        let old = parse(&self.old_version)?;
        let new = parse(&self.new_version)?;
        let required = self.required_bump();
        let (biggest, more) = self.biggest(required);
        match version_bump(old, new) {
            None if new < old || required.is_some() => Err(VersionError::NotIncreased {
                old: self.old_version.clone(),
                new: self.new_version.clone(),
                lowered: new < old,
                required,
                biggest,
                more,
            }),
            None => Ok(()),
            Some(actual) => match required {
                Some(required) if actual < required => Err(VersionError::TooSmall {
                    old: self.old_version.clone(),
                    new: self.new_version.clone(),
                    actual,
                    required,
                    biggest: biggest.unwrap_or_default(),
                    more,
                }),
                _ => Ok(()),
            },
        }
    }

    /// The error for a diff between two different questionnaires.
    fn different_questionnaire(&self) -> Option<VersionError> {
        let c = self
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::QuestionnaireIdChanged)?;
        Some(VersionError::DifferentQuestionnaire {
            old_id: c.before.clone().unwrap_or_default(),
            new_id: c.after.clone().unwrap_or_default(),
        })
    }

    /// The description of the first change that needs `required`, and how
    /// many more changes need it.
    fn biggest(&self, required: Option<Bump>) -> (Option<String>, usize) {
        let Some(bump) = required else {
            return (None, 0);
        };
        let mut of_bump = self.changes_of(bump);
        let first = of_bump.next().map(|c| c.description.clone());
        (first, of_bump.count())
    }

    /// `ok`, or what to do instead: the version to use, or why none fits.
    pub(super) fn verdict(&self) -> String {
        match self.check_version() {
            Ok(()) => "ok".into(),
            Err(VersionError::DifferentQuestionnaire { .. }) => "different questionnaires".into(),
            Err(_) => self
                .next_version()
                .map_or_else(|| "invalid version".into(), |next| format!("use {next}")),
        }
    }
}

/// `MAJOR.MINOR.PATCH` as three numbers ([`crate::version::SemVer::parse`]).
fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    crate::version::SemVer::parse(v)
        .map(|s| (u64::from(s.major), u64::from(s.minor), u64::from(s.patch)))
}

fn version_bump(old: (u64, u64, u64), new: (u64, u64, u64)) -> Option<Bump> {
    if new.0 != old.0 {
        (new.0 > old.0).then_some(Bump::Major)
    } else if new.1 != old.1 {
        (new.1 > old.1).then_some(Bump::Minor)
    } else {
        (new.2 > old.2).then_some(Bump::Patch)
    }
}

#[cfg(test)]
mod tests {
    use super::super::change::{Change, Target};
    use super::*;

    #[test]
    fn versions_parse_as_three_numbers() {
        assert_eq!(parse_version("1.0.0"), Some((1, 0, 0)));
        assert_eq!(parse_version("10.20.30"), Some((10, 20, 30)));
        for bad in [
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.0.0-beta",
            "",
            "a.b.c",
            "1..0",
            "1.0.x",
        ] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_actual_bump_is_the_highest_raised_position() {
        let bump =
            |a: &str, b: &str| version_bump(parse_version(a).unwrap(), parse_version(b).unwrap());
        assert_eq!(bump("1.0.0", "1.0.1"), Some(Bump::Patch));
        assert_eq!(bump("1.0.9", "1.1.0"), Some(Bump::Minor));
        assert_eq!(bump("1.2.3", "1.3.7"), Some(Bump::Minor));
        assert_eq!(bump("1.9.9", "2.0.0"), Some(Bump::Major));
        assert_eq!(bump("0.1.0", "0.2.0"), Some(Bump::Minor));
        assert_eq!(bump("1.0.0", "1.0.0"), None);
        assert_eq!(bump("2.0.0", "1.9.9"), None);
        assert_eq!(bump("1.2.0", "1.1.5"), None);
    }

    fn change(bump: Bump, description: &str) -> Change {
        Change::new(
            ChangeKind::TextChanged,
            bump,
            Target::Item,
            "x",
            description.to_owned(),
        )
    }

    fn versions(old: &str, new: &str, changes: Vec<Change>) -> Diff {
        Diff {
            id: "q".into(),
            old_version: old.into(),
            new_version: new.into(),
            old_digest: String::new(),
            new_digest: String::new(),
            changes,
        }
    }

    #[test]
    fn check_version_compares_the_required_and_the_actual_bump() {
        let major = || {
            vec![
                change(Bump::Patch, "p"),
                change(Bump::Major, "m1"),
                change(Bump::Major, "m2"),
            ]
        };
        assert!(versions("1.0.0", "2.0.0", major()).check_version().is_ok());
        let err = versions("1.0.0", "1.1.0", major())
            .check_version()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "1.0.0 → 1.1.0 is a minor release, but the changes need a major release: m1 (and 1 more major change)"
        );
        let err = versions("1.0.0", "1.0.0", major())
            .check_version()
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "version 1.0.0 is the same as 1.0.0, but the changes need a major release: m1"
            ),
            "{err}"
        );
        let err = versions("1.0.0", "0.9.0", vec![])
            .check_version()
            .unwrap_err();
        assert_eq!(err.to_string(), "version 0.9.0 is lower than 1.0.0");
        assert!(versions("1.0.0", "1.0.0", vec![]).check_version().is_ok());
        assert!(
            versions("1.0.0", "1.0.1", vec![change(Bump::Patch, "p")])
                .check_version()
                .is_ok()
        );
        assert!(
            versions("1.0.0", "2.0.0", vec![change(Bump::Patch, "p")])
                .check_version()
                .is_ok()
        );
        assert!(matches!(
            versions("1.0", "1.0.1", vec![]).check_version(),
            Err(VersionError::InvalidVersion { .. })
        ));
    }
}
