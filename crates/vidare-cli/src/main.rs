//! `vidare`: run screening interviews in a terminal; check, test, replay, audit,
//! compare, draw and document questionnaire files. This crate is glue: it
//! parses arguments, calls the core library and prints; every rule about
//! questionnaires, answers, scores and triggers lives in `vidare`.

// A frontend's job is to print and to choose the exit code; the workspace
// warns about both everywhere else.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod audit;
mod check;
mod diff;
mod doc;
mod files;
mod graph;
mod impact;
mod interpreter;
mod interview;
mod log;
mod replay;
mod show;
mod statistics;
mod test;
mod ui;
mod width;
mod write;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  ok: the interview finished with no referral, or was quit; `check` found no
     problem; every test passed with complete coverage; every recording replayed
     to its result; the version number fits the changes; the audit flagged
     nothing; printed
  1  run: the interview finished and at least one referral triggered;
     check: warnings only, and --deny-warnings was given;
     test: every case passed, but the coverage is incomplete;
     replay: a recording replayed to another result, or was rejected;
     diff: the new version number is not raised as much as the changes need;
     audit: a difference between groups that the need level does not explain
  2  error: a file could not be read or does not compile, bad arguments,
     a refused resume, scripted input that ended before the interview did,
     a failing test case, a recording that cannot be replayed at all, a
     server that `statistics` cannot reach or that refuses it";

/// Run screening interviews; check, test, replay, compare, audit, draw and
/// document questionnaires.
#[derive(Debug, Parser)]
#[command(name = "vidare", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run an interview in the terminal, one question at a time.
    ///
    /// When standard input is not a terminal, answers are read one per line
    /// (an option's value or number, yes/no, a number, a text, or one of
    /// :back :decline :dontknow :skip :quit) and questions are printed to
    /// standard output, so an interview can be scripted.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Check questionnaire files and print every problem found.
    ///
    /// A questionnaire's folder means its `*.yaml` files (as for `test`);
    /// any other directory is searched for `<folder>/<file>.yaml`, leaving
    /// out folders named `tests`.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Run the YAML test cases of questionnaires and report their coverage.
    ///
    /// A path is a test file; a questionnaire file (the tests beside it that
    /// name its version); a questionnaire's folder (its `tests/*.yaml`); a
    /// `tests` folder; or a folder of questionnaire folders
    /// (`questionnaires/`: every questionnaire's tests).
    #[command(after_help = test::EXIT_CODES)]
    Test(TestArgs),
    /// Replay recorded sessions on the questionnaire versions they pin and
    /// compare the results with the recorded ones.
    ///
    /// Folders are searched recursively for `*.json` and `*.yaml` recordings.
    #[command(after_help = replay::EXIT_CODES)]
    Replay(ReplayArgs),
    /// Compare two versions of a questionnaire: every change, its class
    /// (major, minor, patch) and the version bump the changes need.
    #[command(after_help = diff::EXIT_CODES)]
    Diff(DiffArgs),
    /// What a new version would change for sessions already recorded:
    /// replay them on it and count the changes.
    #[command(after_help = impact::EXIT_CODES)]
    Impact(ImpactArgs),
    /// The equality audit of recorded sessions: referral rates per group
    /// of a protected item (gender), need held constant, with differences
    /// that the need level does not explain flagged.
    ///
    /// Folders are searched recursively for `*.json` and `*.yaml`
    /// recordings, as by `replay`. One audit per questionnaire version
    /// found among them, on its definition in --questionnaires.
    #[command(after_help = audit::EXIT_CODES)]
    Audit(AuditArgs),
    /// Draw the flow of a questionnaire: sections, items in order, the
    /// conditions on the arrows, derived values, scores and triggers.
    #[command(after_help = graph::EXIT_CODES)]
    Graph(GraphArgs),
    /// Write a review document of a questionnaire: every text in every
    /// language, the flags of each item, conditions in words, scores,
    /// triggers, and what is kept after the conversation.
    #[command(after_help = doc::EXIT_CODES)]
    Doc(DocArgs),
    /// Print the aggregate statistics of a questionnaire version from a
    /// Vidare server: per month, how many closed sessions gave each
    /// response to each question marked `aggregate: true`.
    ///
    /// The admin token is read from the environment variable
    /// `VIDARE_ADMIN_TOKEN`, never from an argument (other users can see
    /// arguments in the process list). It is sent over https, or over http
    /// to this machine only.
    #[command(after_help = statistics::EXIT_CODES)]
    Statistics(StatisticsArgs),
    /// Print the JSON Schema of the questionnaire format (default) or of
    /// the recording format, for editors.
    Schema {
        /// Which format.
        #[arg(value_enum, default_value_t = SchemaKind::Questionnaire)]
        kind: SchemaKind,
    },
}

/// Arguments of `vidare run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The questionnaire file.
    pub(crate) questionnaire: PathBuf,
    /// Language of the texts, one the questionnaire declares (default: its
    /// default language). With --practitioner-lang, the person's language.
    #[arg(long, value_name = "LANG")]
    pub(crate) lang: Option<String>,
    /// Interpreter mode: the practitioner's language, in which the
    /// questions are shown first and the notes, referrals and result are
    /// written; --lang is then the person's, shown beside each question,
    /// help text and answer. A language the questionnaire declares for
    /// every reader (default: --lang when it is one, else the default
    /// language).
    #[arg(long, value_name = "LANG")]
    pub(crate) practitioner_lang: Option<String>,
    /// Write the session log here when the interview is quit, to continue it
    /// with --resume. The log holds every answer given, including those used
    /// only in the conversation: delete it once it is no longer needed. When
    /// the interview finishes, the log of a questionnaire with a part that
    /// is not stored is replaced by the stored record (which cannot be
    /// resumed).
    #[arg(long, value_name = "FILE")]
    pub(crate) save: Option<PathBuf>,
    /// Continue the interview stored in this session log.
    #[arg(long, value_name = "FILE")]
    pub(crate) resume: Option<PathBuf>,
    /// Write the stored record as JSON here when the interview ends: what
    /// may be kept after the conversation, with no answer used only in the
    /// conversation and nothing that reveals one without a declared reason.
    #[arg(long, value_name = "FILE")]
    pub(crate) result: Option<PathBuf>,
    /// Write the full result for the conversation as JSON here when the
    /// interview ends: every referral with its evidence, and the
    /// counterfactual check. It holds what was said in the conversation,
    /// including what may be used only there: do not keep it; delete it when
    /// the conversation is over.
    #[arg(long, value_name = "FILE")]
    pub(crate) full_result: Option<PathBuf>,
    /// Write the person's plan here when the interview ends: a printable
    /// HTML page in the interview's language with the questions the person
    /// answered and their answers in plain words (no ids, triggers or
    /// scores), for the person to take home. It holds the person's answers,
    /// including those used only in the conversation: print it for the
    /// person, then delete the file.
    #[arg(long, value_name = "FILE")]
    pub(crate) plan: Option<PathBuf>,
}

/// Arguments of `vidare check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Questionnaire files, or directories of `<folder>/<file>.yaml`.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit with 1 when there are warnings but no errors.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

/// Output format of `vidare check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Each diagnostic with its source line and a caret.
    Human,
    /// One JSON array of all diagnostics.
    Json,
}

/// Arguments of `vidare test`.
#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Test files, questionnaire files or folders, or folders of questionnaire folders.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
}

/// Arguments of `vidare replay`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReplayArgs {
    /// Recording files, or folders searched recursively for them.
    #[arg(required = true, value_name = "RECORDING")]
    pub(crate) recordings: Vec<PathBuf>,
    /// The folder of questionnaire versions (`<id>/<version>.yaml`) the
    /// recordings are replayed on.
    #[arg(long, value_name = "DIR", default_value = "questionnaires")]
    pub(crate) questionnaires: PathBuf,
    /// Replay even when a version's definition changed since the recording
    /// (its digest differs), e.g. to see what an unreleased edit does.
    #[arg(long)]
    pub(crate) allow_digest_mismatch: bool,
}

/// Text or JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// A report for people.
    Text,
    /// The core's report as JSON.
    Json,
}

/// Arguments of `vidare diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The old version's file.
    pub(crate) old: PathBuf,
    /// The new version's file.
    pub(crate) new: PathBuf,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// Arguments of `vidare impact`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImpactArgs {
    /// The new version's file.
    pub(crate) questionnaire: PathBuf,
    /// Recording files, or folders searched recursively for them;
    /// recordings of other questionnaires are counted and left out.
    #[arg(required = true, value_name = "RECORDING")]
    pub(crate) recordings: Vec<PathBuf>,
    /// How to print the impact.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// Arguments of `vidare audit`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    /// Recording files, or folders searched recursively for them.
    #[arg(required = true, value_name = "RECORDING")]
    pub(crate) recordings: Vec<PathBuf>,
    /// How to print the audit.
    #[arg(long, value_enum, default_value_t = AuditFormat::Markdown)]
    pub(crate) format: AuditFormat,
    /// The folder of questionnaire versions (`<id>/<version>.yaml`) whose
    /// definitions the recordings are audited on.
    #[arg(long, value_name = "DIR", default_value = "questionnaires")]
    pub(crate) questionnaires: PathBuf,
    /// Group by this item (default: each questionnaire's first protected item).
    #[arg(long, value_name = "ITEM")]
    pub(crate) by: Option<String>,
    /// Write the audit to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Output format of `vidare audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    /// Tables for people, one section per questionnaire version.
    Markdown,
    /// A JSON array of the core's audits, one per questionnaire version.
    Json,
    /// A bar chart per referral (one questionnaire version only).
    Svg,
}

/// Arguments of `vidare graph`.
#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    /// The questionnaire file.
    pub(crate) questionnaire: PathBuf,
    /// The kind of picture.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub(crate) format: GraphFormat,
    /// Language of the texts and of the picture's own words, one the
    /// questionnaire declares (default: its default language).
    #[arg(long, value_name = "LANG")]
    pub(crate) lang: Option<String>,
}

/// Output format of `vidare graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    /// A Mermaid flowchart (text; renders in Markdown viewers).
    Mermaid,
    /// Graphviz DOT (text; `dot -Tsvg` lays it out).
    Dot,
    /// A finished SVG picture, laid out by `vidare` itself.
    Svg,
}

/// Arguments of `vidare doc`.
#[derive(Debug, clap::Args)]
pub(crate) struct DocArgs {
    /// The questionnaire file.
    pub(crate) questionnaire: PathBuf,
    /// The kind of document.
    #[arg(long, value_enum, default_value_t = DocFormat::Markdown)]
    pub(crate) format: DocFormat,
    /// Language of the texts and of the document's own words, one the
    /// questionnaire declares (default: its default language).
    #[arg(long, value_name = "LANG")]
    pub(crate) lang: Option<String>,
}

/// Output format of `vidare doc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DocFormat {
    /// Markdown (GitHub flavour, with tables).
    Markdown,
    /// A complete standalone HTML page.
    Html,
}

/// Arguments of `vidare statistics`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatisticsArgs {
    /// The questionnaire's id.
    pub(crate) questionnaire: String,
    /// Its version (default: the latest version the server has loaded).
    pub(crate) version: Option<String>,
    /// The server's address, e.g. `https://vidare.example.org`.
    #[arg(long, value_name = "URL")]
    pub(crate) server: String,
    /// How to print the statistics.
    #[arg(long, value_enum, default_value_t = StatisticsFormat::Text)]
    pub(crate) format: StatisticsFormat,
}

/// Output format of `vidare statistics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatisticsFormat {
    /// A table for the terminal.
    Text,
    /// A Markdown table.
    Markdown,
    /// The server's report as JSON.
    Json,
}

/// Which schema `vidare schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// The questionnaire format.
    Questionnaire,
    /// The recording format (session logs and recorded sessions).
    Recording,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        // A reader that stops early (`vidare schema | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            match error.downcast_ref::<ui::Said>() {
                Some(said) => eprintln!("{said}"),
                // `{:#}` joins the context chain into one sentence.
                None => eprintln!("error: {error:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are "errors" that exit 0.
            let _ = error.print();
            return Ok(ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2)));
        }
    };
    match cli.command {
        Command::Run(args) => interview::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Impact(args) => impact::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Doc(args) => doc::run(&args),
        Command::Statistics(args) => statistics::run(&args),
        Command::Schema { kind } => {
            let schema = match kind {
                SchemaKind::Questionnaire => vidare::schema(),
                SchemaKind::Recording => vidare::recording_schema(),
            };
            let schema = serde_json::to_string_pretty(&schema)?;
            writeln!(std::io::stdout().lock(), "{schema}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
