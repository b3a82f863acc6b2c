//! A tree of questionnaire versions, each compiled once, looked up by
//! `id@version`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::compile::Compiler;
use crate::error::Error;
use crate::questionnaire::Questionnaire;
pub use crate::version::SemVer;

/// Every version of every questionnaire in a folder laid out as
/// `<id>/<version>.yaml`.
///
/// ```
/// # fn main() -> Result<(), vidare::Error> {
/// let registry = vidare::Registry::load_dir("../../questionnaires")?;
/// let q = registry.resolve("violence-seven@1.0.0")?;
/// assert_eq!(q.version(), "1.0.0");
/// assert!(registry.resolve("violence-seven@9.0.0").is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: BTreeMap<String, BTreeMap<SemVer, Questionnaire>>,
}

impl Registry {
    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Registry::default()
    }

    /// Loads every `<id>/<version>.yaml` under `root` (folders named
    /// `tests` hold test cases and are skipped), compiling each once.
    ///
    /// # Errors
    /// The first file that cannot be read, does not compile, or whose
    /// place does not match the id and version inside it.
    pub fn load_dir(root: impl AsRef<Path>) -> Result<Self, Error> {
        let root = root.as_ref();
        let compiler = Compiler::new().with_include_root(root);
        let mut registry = Registry::new();
        for folder in sorted_entries(root)? {
            if !folder.is_dir() || folder.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            for file in sorted_entries(&folder)? {
                if file.extension().is_none_or(|e| e != "yaml") {
                    continue;
                }
                let q = compiler.load(&file)?;
                let expected_id = folder
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let expected_version = file
                    .file_stem()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if q.id() != expected_id || q.version() != expected_version {
                    return Err(Error::Misplaced {
                        path: file.display().to_string(),
                        id: q.id().to_owned(),
                        version: q.version().to_owned(),
                        expected: format!("{expected_id}@{expected_version}"),
                    });
                }
                registry.insert(q);
            }
        }
        Ok(registry)
    }

    /// Adds (or replaces) a questionnaire version.
    pub fn insert(&mut self, questionnaire: Questionnaire) {
        let version = SemVer::parse(questionnaire.version()).unwrap_or(SemVer {
            major: 0,
            minor: 0,
            patch: 0,
        });
        self.entries
            .entry(questionnaire.id().to_owned())
            .or_default()
            .insert(version, questionnaire);
    }

    /// The version `version` of `id`.
    ///
    /// # Errors
    /// [`Error::UnknownQuestionnaire`] or [`Error::UnknownVersion`], naming what exists.
    pub fn get(&self, id: &str, version: &str) -> Result<&Questionnaire, Error> {
        let versions = self
            .entries
            .get(id)
            .ok_or_else(|| Error::UnknownQuestionnaire {
                id: id.to_owned(),
                known: self.ids().map(str::to_owned).collect(),
            })?;
        SemVer::parse(version)
            .and_then(|v| versions.get(&v))
            .ok_or_else(|| Error::UnknownVersion {
                id: id.to_owned(),
                version: version.to_owned(),
                known: versions.keys().map(ToString::to_string).collect(),
            })
    }

    /// Looks up `id@version`, or the latest version for a bare `id`.
    ///
    /// # Errors
    /// As [`Registry::get`].
    pub fn resolve(&self, spec: &str) -> Result<&Questionnaire, Error> {
        match spec.split_once('@') {
            Some((id, version)) => self.get(id, version),
            None => self
                .latest(spec)
                .ok_or_else(|| Error::UnknownQuestionnaire {
                    id: spec.to_owned(),
                    known: self.ids().map(str::to_owned).collect(),
                }),
        }
    }

    /// The highest version of `id`.
    #[must_use]
    pub fn latest(&self, id: &str) -> Option<&Questionnaire> {
        self.entries.get(id)?.values().next_back()
    }

    /// Every questionnaire id, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The versions of `id`, oldest first.
    pub fn versions(&self, id: &str) -> impl Iterator<Item = &Questionnaire> {
        self.entries.get(id).into_iter().flat_map(BTreeMap::values)
    }

    /// Every questionnaire version, by id then version.
    pub fn iter(&self) -> impl Iterator<Item = &Questionnaire> {
        self.entries.values().flat_map(BTreeMap::values)
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut out: Vec<_> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::SemVer;

    #[test]
    fn versions_are_read_strictly() {
        let v = |major, minor, patch| {
            Some(SemVer {
                major,
                minor,
                patch,
            })
        };
        assert_eq!(SemVer::parse("1.0.0"), v(1, 0, 0));
        assert_eq!(SemVer::parse("10.20.30"), v(10, 20, 30));
        assert_eq!(SemVer::parse("999999999.0.0"), v(999_999_999, 0, 0));
        for bad in [
            "+1.+0.+0",
            "01.00.000",
            "1.0",
            "1.0.0.0",
            "1.0.0-beta",
            " 1.0.0",
            "1..0",
            "",
            "1000000000.0.0",
            "1.0.0 ",
            "１.0.0",
        ] {
            assert_eq!(SemVer::parse(bad), None, "{bad:?}");
        }
    }
}
