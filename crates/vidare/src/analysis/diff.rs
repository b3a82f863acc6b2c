//! Semantic diff between two versions of a questionnaire.
