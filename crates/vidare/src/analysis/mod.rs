//! Tools that read compiled questionnaires and recorded sessions: replay,
//! the impact of a new version on recorded sessions, the semantic diff
//! between versions, the counterfactual check of a result against its
//! protected attributes, and the equality audit of referrals.

pub mod audit;
pub mod counterfactual;
pub mod diff;
pub mod impact;
pub mod replay;

pub use audit::{Audit, audit};
pub use counterfactual::{CheckedOutcome, Counterfactual, Verdict, check_result, counterfactual};
pub use impact::{Impact, impact};
pub use replay::{Difference, DigestPolicy, ReplayReport, compare, replay, replay_on};
