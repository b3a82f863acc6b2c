//! Document → checked, immutable [`Questionnaire`], or every problem at once.
//!
//! The passes run in a fixed order: header and texts, ids, items, symbol
//! types, expressions, dependency graph (positions, cycles, protected
//! attributes), bands and reachability. Each pass reports what it finds
//! and carries on, so one load shows all problems.

mod affected;
mod band_range;
mod bands;
mod context;
pub(crate) mod disclosure;
mod expand;
mod exprs;
pub(crate) mod flatten;
mod graph;
mod header;
mod ids;
mod items;
mod numbers;
mod ranges;
mod reach;
mod symbols;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::format::Document;
use crate::questionnaire::{Compiled, Questionnaire, SectionDef};
use crate::value::SharedStr;
use crate::yaml::{Limits, parse_document};
use context::Ctx;

/// Compiles questionnaires with configurable limits.
///
/// ```
/// let compiler = vidare::Compiler::new();
/// let source = std::fs::read_to_string("../../questionnaires/violence-seven/1.0.0.yaml")?;
/// let questionnaire = compiler.compile(&source, "violence-seven/1.0.0.yaml")?;
/// assert_eq!(questionnaire.id(), "violence-seven");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Compiler {
    limits: Limits,
    include_root: Option<PathBuf>,
}

impl Compiler {
    /// A compiler with the default limits.
    #[must_use]
    pub fn new() -> Self {
        Compiler::default()
    }

    /// A compiler with these limits.
    #[must_use]
    pub fn with_limits(limits: Limits) -> Self {
        Compiler {
            limits,
            include_root: None,
        }
    }

    /// Sets the folder that holds one subfolder per questionnaire, where
    /// `include: <id>@<version>` finds `<id>/<version>.yaml`. [`Compiler::load`]
    /// uses the folder two levels above the file unless this is set.
    #[must_use]
    pub fn with_include_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.include_root = Some(root.into());
        self
    }

    pub(crate) fn with_include_root_opt(mut self, root: Option<PathBuf>) -> Self {
        self.include_root = root;
        self
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads and compiles a questionnaire file.
    ///
    /// Only a regular file is read, and at most `max_file_bytes` of it: a
    /// named pipe, a folder or a device is an [`Error::Io`] saying what it
    /// is, without waiting on it (see [`read_text_file`](crate::files::read_text_file)).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read or is not a regular file,
    /// [`Error::Invalid`] with every diagnostic when it does not compile.
    pub fn load(&self, path: impl AsRef<Path>) -> Result<Questionnaire, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes =
            crate::files::read_bounded(path, self.limits.max_file_bytes).map_err(|source| {
                Error::Io {
                    path: name.clone(),
                    source,
                }
            })?;
        if bytes.len() > self.limits.max_file_bytes {
            let d = Diagnostic::new(
                crate::diagnostic::Code::LimitExceeded,
                crate::diagnostic::Location {
                    file: name.clone(),
                    line: 1,
                    column: 1,
                    path: String::new(),
                },
                format!("the file is larger than the limit of {} bytes", self.limits.max_file_bytes),
            )
            .with_help("split the questionnaire, or raise `Limits::max_file_bytes` if it is really this large");
            return Err(Error::Invalid {
                file: name,
                source_text: String::new(),
                diagnostics: vec![d],
            });
        }
        let source = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
                let (line, column) = crate::yaml::line_col(&valid, offset);
                let d = Diagnostic::new(
                    crate::diagnostic::Code::YamlSyntax,
                    crate::diagnostic::Location {
                        file: name.clone(),
                        line,
                        column,
                        path: String::new(),
                    },
                    "the file is not valid UTF-8",
                )
                .with_help("save the file as UTF-8 text");
                return Err(Error::Invalid {
                    file: name,
                    source_text: valid,
                    diagnostics: vec![d],
                });
            }
        };
        let compiler = if self.include_root.is_some() {
            self.clone()
        } else {
            self.clone()
                .with_include_root_opt(path.parent().and_then(Path::parent).map(Path::to_path_buf))
        };
        compiler.compile(&source, &name)
    }

    /// Compiles questionnaire YAML. `file` names the source in diagnostics.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every diagnostic (errors and warnings) when
    /// there is at least one error.
    pub fn compile(&self, source: &str, file: &str) -> Result<Questionnaire, Error> {
        let (questionnaire, diagnostics) = self.check(source, file);
        questionnaire.ok_or_else(|| Error::Invalid {
            file: file.to_owned(),
            source_text: source.to_owned(),
            diagnostics,
        })
    }

    /// Compiles and returns every diagnostic, with the questionnaire when
    /// there were no errors (warnings are also kept on it).
    #[must_use]
    pub fn check(&self, source: &str, file: &str) -> (Option<Questionnaire>, Vec<Diagnostic>) {
        let _budget = crate::suggest::CompileBudget::start();
        let includes = expand::Includes {
            root: self.include_root.clone(),
            stack: Vec::new(),
            cache: std::rc::Rc::default(),
        };
        self.check_nested(source, file, &includes)
    }

    pub(crate) fn check_nested(
        &self,
        source: &str,
        file: &str,
        includes: &expand::Includes,
    ) -> (Option<Questionnaire>, Vec<Diagnostic>) {
        // A byte order mark is legal at the start of a text file; the YAML
        // parser would treat it as content.
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let document = match parse_document(source, file, &self.limits) {
            Ok(d) => d,
            Err(mut d) => {
                d.cut_long_texts();
                return (None, vec![*d]);
            }
        };
        let mut ctx = Ctx::new(file, source, &self.limits);
        let mut includes = includes.clone();
        // An included file is already on the stack under the name it was
        // included by; counting it twice halved the depth allowed.
        let own = format!("{}@{}", document.id.value, document.version.value);
        if includes.stack.last() != Some(&own) {
            includes.stack.push(own);
        }
        ctx.languages_declared = document
            .languages
            .value
            .iter()
            .map(|l| l.value.code.value.clone())
            .collect();
        let expanded = expand::expand(document, &mut ctx, &includes);
        let compiled = build(&expanded, &mut ctx).map(|mut c| {
            c.document = expanded;
            c
        });
        let mut diagnostics = std::mem::take(&mut ctx.diagnostics);
        diagnostics.iter_mut().for_each(Diagnostic::cut_long_texts);
        diagnostics.sort_by_key(|d| (d.location.line, d.location.column));
        let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
        match compiled {
            Some(mut compiled) if !has_errors => {
                compiled.warnings.clone_from(&diagnostics);
                (
                    Some(Questionnaire {
                        inner: Arc::new(compiled),
                    }),
                    diagnostics,
                )
            }
            _ => (None, diagnostics),
        }
    }
}

/// Compiles questionnaire YAML with the default limits.
///
/// # Errors
/// See [`Compiler::compile`].
pub fn compile(source: &str, file: &str) -> Result<Questionnaire, Error> {
    Compiler::new().compile(source, file)
}

/// Reads and compiles a questionnaire file with the default limits.
///
/// # Errors
/// See [`Compiler::load`].
pub fn load(path: impl AsRef<Path>) -> Result<Questionnaire, Error> {
    Compiler::new().load(path)
}

fn build(doc: &Document, ctx: &mut Ctx<'_>) -> Option<Compiled> {
    let header = header::check(doc, ctx);
    ids::check_unique(doc, ctx);
    let sections: Vec<SectionDef> = doc
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionDef {
            id: s.id.value.clone(),
            title: ctx.opt_texts(
                s.title.as_ref(),
                &format!("sections[{i}].title"),
                context::Reader::Person,
            ),
        })
        .collect();
    let mut items = items::build(doc, ctx)?;
    let mut symbols = symbols::Symbols::new(doc, &items);
    let checked = exprs::check_all(doc, ctx, &mut symbols, &mut items);
    let item_index: rustc_hash::FxHashMap<Arc<str>, u32> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.clone(), i as u32))
        .collect();
    let graph = graph::analyse(doc, ctx, &symbols, &checked, &items);
    let scores = bands::build_scores(doc, ctx, &checked, &items);
    if ctx.has_errors() {
        return None;
    }
    let unreachable = reach::warn_unreachable(ctx, &checked, &items);
    let disclosure = disclosure::analyse(doc, ctx, &checked, &items, &graph.schedule);
    if ctx.has_errors() {
        return None;
    }
    let digest = crate::digest::digest(doc);
    let exprs::Checked {
        derived, triggers, ..
    } = checked;
    let ends = graph.ends;
    let flat = flatten::flatten(
        &flatten::Parts {
            items: &items,
            derived: &derived,
            scores: &scores,
            triggers: &triggers,
            ends: &ends,
        },
        &graph.schedule,
    );
    Some(Compiled {
        id: doc.id.value.as_str().into(),
        version: doc.version.value.as_str().into(),
        title: header.title,
        languages: ctx.languages.iter().map(SharedStr::from).collect(),
        language_info: ctx.language_info.clone(),
        default_language: doc.default_language.value.as_str().into(),
        digest: digest.into(),
        legacy_digest: std::sync::OnceLock::new(),
        sections,
        items,
        derived,
        scores,
        triggers,
        ends,
        item_index,
        schedule: graph.schedule,
        flat,
        warnings: Vec::new(),
        disclosure,
        // Filled in by the caller, which owns the document.
        document: Document::default(),
        unreachable,
        expr_limits: ctx.limits.expr,
    })
}
