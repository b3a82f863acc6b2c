//! Vidare's core data laid out for people, shared by the command line and
//! the server: the equality audit as Markdown and SVG ([`audit`]), the
//! review document of a questionnaire as Markdown and HTML ([`doc`]), its
//! flow as Mermaid, DOT and SVG ([`graph`]), the person's printable plan
//! ([`plan`]), and the escaping each of these needs, in one place
//! ([`escape`]).
//!
//! The core decides; this crate only lays out what the core returns. It
//! does no I/O: every function takes core values and returns text.
//!
//! ```
//! # let source = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../questionnaires/violence-seven/2.0.0.yaml"));
//! let q = vidare::compile(source, "2.0.0.yaml").unwrap();
//! let review = vidare_render::doc::markdown(&q, "en");
//! let flow = vidare_render::graph::mermaid(&q, "en");
//! assert!(review.starts_with("# ") && flow.contains("flowchart TB"));
//!
//! let recordings: Vec<(String, vidare::Recording)> = Vec::new();
//! let audit = vidare::analysis::audit(&q, &recordings, None);
//! let chart = vidare_render::audit::svg(&audit);
//! assert!(chart.starts_with("<svg"));
//! ```

pub mod audit;
pub mod doc;
pub mod escape;
pub mod graph;
mod names;
pub mod plan;
