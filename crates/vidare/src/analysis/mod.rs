//! Tools that read compiled questionnaires and recorded sessions: semantic
//! diff between versions, and (with recordings) replay and impact.

pub mod diff;
