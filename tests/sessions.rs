//! See tests/workspace.rs.
