//! Semantic versions of questionnaires, parsed by one strict rule for the
//! compiler, the registry, `diff` and the server. Below every layer that
//! reads a version (tests/layers.rs); re-exported as
//! `vidare::registry::SemVer`.

/// A semantic version, ordered numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct SemVer {
    /// Breaking changes.
    pub major: u32,
    /// Compatible additions.
    pub minor: u32,
    /// Text-only fixes.
    pub patch: u32,
}

impl SemVer {
    /// Parses `MAJOR.MINOR.PATCH`, strictly as semantic versioning writes
    /// it: three numbers of ASCII digits without a sign or leading zeros
    /// (`01.0.0` and `+1.0.0` are not versions), each at most 9 digits.
    /// The one version parser: the compiler, the registry, `diff` and the
    /// server all use it.
    #[must_use]
    pub fn parse(text: &str) -> Option<SemVer> {
        let mut parts = text.split('.');
        let mut next = || {
            let p = parts.next()?;
            let digits = !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit());
            (digits && (p.len() == 1 || !p.starts_with('0')))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let v = SemVer {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        parts.next().is_none().then_some(v)
    }
}

impl std::fmt::Display for SemVer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}
