//! Vidare's core data laid out for people, shared by the command line and
//! the server: the equality audit as Markdown and SVG ([`audit`]), and the
//! escaping each output needs, in one place ([`escape`]).
//!
//! The core decides; this crate only lays out what the core returns. It
//! does no I/O: every function takes core values and returns text.
//!
//! ```
//! # let source = include_str!("../../../questionnaires/violence-seven/2.0.0.yaml");
//! let q = vidare::compile(source, "2.0.0.yaml").unwrap();
//! let recordings: Vec<(String, vidare::Recording)> = Vec::new();
//! let audit = vidare::analysis::audit(&q, &recordings, None);
//! let chart = vidare_render::audit::svg(&audit);
//! assert!(chart.starts_with("<svg"));
//! ```

pub mod audit;
pub mod escape;
