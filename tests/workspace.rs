//! Workspace-level tests: one binary, one module per area.

// Every diagnostic code has an invalid fixture whose rendering is snapshotted.
mod diagnostics;
// Session behaviour: decline, don't know, changes, early end, triggers.
mod sessions;
// Properties over random answer sequences on the shipped questionnaires.
mod properties;
// The committed JSON Schema matches the format types.
mod schema;
// Every shipped questionnaire's YAML test cases pass and cover it fully.
mod questionnaire_cases;
// Templates and includes expand into plain sections.
mod expansion;
// Semantic diff between versions: one fixture pair per change kind.
mod diff;
// Registry, recording format, replay, digest checks and impact.
mod replay;
// The recorded-session corpus replays exactly.
mod recordings;
// Reading the corpus, for the modules that replay it.
mod corpus;
// Need, not gender: the static rule, the counterfactual check and the audit.
mod equality;
// The examples in the documentation are real.
mod docs;
// Hostile and oversized input gets a located error quickly.
mod hostile;
// Properties across the whole API on generated questionnaires.
mod generated;
// Stored records keep no trace of conversation-only answers (non-interference).
mod disclosure;
// Inputs inside the limits that took seconds, and the limits themselves.
mod limits;
// Bands: whole-number scores, fixes that keep cut-offs, the possible range.
mod bands;
// Test-case steps are read by the item's kind.
mod test_steps;
// Test-case expectations: exactly these triggers fired, band coverage.
mod test_expectations;
// Scoring: items a rule skipped as 0, rounding, weights, scores of scores, whole numbers in JSON.
mod scoring;
// The core's modules use only their own layer and those below.
mod layers;
