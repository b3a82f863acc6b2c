//! `vidare`: run screening interviews in a terminal and check
//! questionnaire files. This crate is glue: it parses arguments, calls the
//! core library and prints; every rule about questionnaires, answers,
//! scores and triggers lives in `vidare`.

// A frontend's job is to print and to choose the exit code; the workspace
// warns about both everywhere else.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod check;
mod interview;
mod log;
mod show;
mod ui;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  ok: the interview finished with no referral, or was quit; `check` found no problem
  1  run: the interview finished and at least one referral triggered;
     check: warnings only, and --deny-warnings was given
  2  error: a file could not be read or does not compile, bad arguments,
     a refused resume, or scripted input that ended before the interview did";

/// Run screening interviews and check questionnaires.
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
    /// A directory is searched for `<folder>/<file>.yaml`, leaving out
    /// folders named `tests`.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Print the JSON Schema of the questionnaire format, for editors.
    Schema,
}

/// Arguments of `vidare run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The questionnaire file.
    pub(crate) questionnaire: PathBuf,
    /// Language of the texts, one the questionnaire declares (default: its default language).
    #[arg(long, value_name = "LANG")]
    pub(crate) lang: Option<String>,
    /// Write the session log here when the interview is quit or finishes.
    /// The log holds every answer given: delete it once it is no longer needed.
    #[arg(long, value_name = "FILE")]
    pub(crate) save: Option<PathBuf>,
    /// Continue the interview stored in this session log.
    #[arg(long, value_name = "FILE")]
    pub(crate) resume: Option<PathBuf>,
    /// Write the result as JSON here when the interview ends.
    #[arg(long, value_name = "FILE")]
    pub(crate) result: Option<PathBuf>,
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

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        // A reader that stops early (`vidare schema | head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` joins the context chain into one sentence.
            eprintln!("error: {error:#}");
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
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&vidare::schema())?;
            writeln!(std::io::stdout().lock(), "{schema}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
