//! Tools that read compiled questionnaires and recorded sessions: replay,
//! the impact of a new version on recorded sessions, and the semantic diff
//! between versions.

pub mod diff;
pub mod impact;
pub mod replay;

pub use impact::{Impact, impact};
pub use replay::{Difference, DigestPolicy, ReplayReport, compare, replay, replay_on};
