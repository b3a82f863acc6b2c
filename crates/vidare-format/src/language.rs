//! How far a questionnaire's translation into a language can be trusted,
//! and who reads it: the words of a `languages:` entry. The engine's
//! `vidare::language` re-exports them beside the language codes.

use serde::{Deserialize, Serialize};

/// How far a translation can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written by the questionnaire's own authors (the default).
    #[default]
    Source,
    /// Checked by an authorised translator (`reviewed_by`, `reviewed_on`).
    Reviewed,
    /// Translated, but nobody authorised has checked it yet: not for use
    /// with clients before review, and frontends say so to the practitioner.
    Draft,
}

impl Status {
    /// The word the YAML uses (`source`, `reviewed`, `draft`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Source => "source",
            Status::Reviewed => "reviewed",
            Status::Draft => "draft",
        }
    }
}

/// Who reads a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone: every text must exist in it (the default).
    #[default]
    All,
    /// The person only: only the texts the person sees must exist in it
    /// (title, section headings, item texts, help, units, option and scale
    /// labels, image alt texts); the practitioner reads another language.
    Person,
}

impl Audience {
    /// The word the YAML uses (`all`, `person`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Person => "person",
        }
    }
}
