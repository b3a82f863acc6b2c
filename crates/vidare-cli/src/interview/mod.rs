//! `vidare run`: the interview loop. It asks the core what comes next,
//! shows it, passes the response back, and prints what the core reports
//! (refusals, immediate triggers, the result). Two front ends read the
//! responses: prompts on a terminal, or one line each from piped input.

mod disclosed;
mod follows;
mod input;
mod interactive;
mod saving;
mod scripted;

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use vidare::language::Audience;
use vidare::{Event, Questionnaire, Response, Session, Step, Value, questionnaire::ItemRef};

use crate::RunArgs;
use crate::interpreter::{self, Person};
use crate::show;
use crate::ui::{self, Ui};
use crate::width;

/// A response, or a move through the interview.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Command {
    Answer(Value),
    Back,
    Decline,
    DontKnow,
    Skip,
    Quit,
}

/// Everything a front end needs to ask for one item.
pub(crate) struct Asking<'a> {
    pub(crate) item: ItemRef<'a>,
    pub(crate) lang: &'a str,
    pub(crate) ui: &'static Ui,
    pub(crate) suggestion: Option<Value>,
    pub(crate) progress: (usize, usize),
    /// The person's response before they went back to this item.
    pub(crate) earlier: Option<Response>,
    /// The question this item follows up, in the interview's language.
    pub(crate) follows: Option<&'a str>,
    /// The previous response to this item was not accepted.
    pub(crate) again: bool,
    /// The person's language, in interpreter mode.
    pub(crate) person: Option<&'a Person>,
}

/// The languages of an interview.
pub(crate) struct Langs {
    /// The practitioner's: the questions first, the notes, referrals and
    /// the result.
    pub(crate) practitioner: String,
    /// The person's, in interpreter mode: beside every text they read.
    pub(crate) person: Option<Person>,
}

impl Langs {
    /// From `--lang` and `--practitioner-lang`: the practitioner reads a
    /// language with every text (`--practitioner-lang`, else `--lang` when
    /// it has every text, else the default language); the person reads
    /// `--lang` when that is another one.
    fn of(q: &Questionnaire, args: &RunArgs) -> anyhow::Result<Langs> {
        let person = args
            .lang
            .as_deref()
            .map(|l| declared(q, args, l, "--lang"))
            .transpose()?;
        let practitioner = match (&args.practitioner_lang, person) {
            (Some(p), _) => {
                let l = declared(q, args, p, "--practitioner-lang")?;
                if l.audience() == Audience::Person {
                    bail!(
                        "{} has only the texts the person reads in `{p}`; give \
                         --practitioner-lang a language with every text: {}",
                        args.questionnaire.display(),
                        listed(q, Some(Audience::All))
                    );
                }
                p.clone()
            }
            (None, Some(l)) if l.audience() == Audience::All => l.code().to_owned(),
            (None, _) => q.default_language().to_owned(),
        };
        let person = person
            .map(vidare::language::Language::code)
            .filter(|l| *l != practitioner)
            .map(|l| Person::new(l, &practitioner));
        Ok(Langs {
            practitioner,
            person,
        })
    }

    /// `--lang` and `--practitioner-lang` that start the interview this way.
    pub(crate) fn options(&self) -> (&str, Option<&str>) {
        match &self.person {
            Some(person) => (&person.lang, Some(&self.practitioner)),
            None => (&self.practitioner, None),
        }
    }

    /// A text the person reads: the practitioner's, then on the next line
    /// the person's, marked with its code, when it differs.
    pub(crate) fn both(&self, practitioner: &str, person: &str) -> String {
        match &self.person {
            Some(p) if person != practitioner => format!("{practitioner}\n{}", p.line(person)),
            _ => practitioner.to_owned(),
        }
    }

    fn person_lang(&self) -> &str {
        self.person.as_ref().map_or(&self.practitioner, |p| &p.lang)
    }
}

/// The declared language `lang`, or an error listing the declared ones.
fn declared<'q>(
    q: &'q Questionnaire,
    args: &RunArgs,
    lang: &str,
    option: &str,
) -> anyhow::Result<&'q vidare::language::Language> {
    q.language(lang).ok_or_else(|| {
        anyhow::anyhow!(
            "{} has no texts in `{lang}`; use {option} with one of: {}",
            args.questionnaire.display(),
            listed(q, None)
        )
    })
}

/// The declared languages, each with its status unless it is the
/// authors' own: `sv, en, ar (draft, for the person)`.
fn listed(q: &Questionnaire, audience: Option<Audience>) -> String {
    q.language_details()
        .iter()
        .filter(|l| audience.is_none_or(|a| l.audience() == a))
        .map(|l| {
            let mut notes = Vec::new();
            if l.status() != vidare::language::Status::Source {
                notes.push(l.status().as_str());
            }
            if l.audience() == Audience::Person {
                notes.push("for the person");
            }
            if notes.is_empty() {
                l.code().to_owned()
            } else {
                format!("{} ({})", l.code(), notes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do when the interview is quit without a `--save` file.
pub(crate) enum Unsaved {
    Continue,
    SaveTo(PathBuf),
    Discard,
}

/// Reads responses.
pub(crate) trait Frontend {
    /// The response to the item; `None` when the input has ended.
    fn ask(&mut self, out: &mut dyn Write, asking: &Asking<'_>) -> anyhow::Result<Option<Command>>;

    /// The choice when quitting without a save file; `suggested` is a path
    /// to offer.
    fn unsaved_quit(&mut self, ui: &Ui, suggested: Option<&Path>) -> anyhow::Result<Unsaved>;
}

/// What the user has seen, so it is shown once.
#[derive(Default)]
struct Shown {
    /// The immediate triggers already announced that still hold.
    immediate: Vec<String>,
    /// The section whose title was printed last.
    section: Option<String>,
}

/// How the loop ended.
enum End {
    Done,
    Quit,
    InputEnded(String),
}

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let questionnaire = crate::files::questionnaire(&args.questionnaire)?;
    let langs = Langs::of(&questionnaire, args)?;
    let lang = langs.practitioner.clone();
    let ui = ui::for_language(&lang);
    let mut session = match &args.resume {
        Some(path) => crate::log::resume(&questionnaire, path)?,
        None => Session::new(&questionnaire),
    };
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut frontend: Box<dyn Frontend> = if interactive {
        Box::new(interactive::Interactive)
    } else {
        Box::new(scripted::Scripted::new(stdin.lock()))
    };
    // Right-to-left text (a practitioner's language such as Arabic, an
    // answer typed in one) is isolated wherever it is printed.
    let mut out = interpreter::Isolating::new(std::io::stdout().lock());
    let title = format!(
        "{} ({} {})",
        questionnaire.title(&lang),
        questionnaire.id(),
        questionnaire.version()
    );
    writeln!(out, "{}", width::fill(&title, ""))?;
    if let Some(person) = &langs.person {
        writeln!(out, "{}", person.line(questionnaire.title(&person.lang)))?;
    }
    for note in interpreter::notes(&questionnaire, &lang, langs.person.as_ref(), ui) {
        writeln!(out, "{}", width::fill(&note, ""))?;
    }
    if let Some(path) = &args.resume {
        eprintln!(
            "resumed from {} ({} events)",
            path.display(),
            session.events().len()
        );
    }

    let mut shown = Shown::default();
    'interview: loop {
        match interview(
            &mut session,
            frontend.as_mut(),
            &mut out,
            &mut shown,
            &langs,
            ui,
        )? {
            End::Done => return done(args, &session, &mut out, &langs, ui),
            End::InputEnded(item) => {
                let kept = match &args.save {
                    Some(path) => {
                        saving::save(&session, path, &args.questionnaire, langs.options(), false)?;
                        ui.kept_saved.replace("{path}", &path.display().to_string())
                    }
                    None => ui.kept_not.to_owned(),
                };
                let question = session
                    .questionnaire()
                    .item(&item)
                    .map_or(item.as_str(), |i| i.text(&langs.practitioner));
                let said = ui
                    .input_ended
                    .replace("{question}", question)
                    .replace("{kept}", &kept);
                return Err(crate::ui::Said(format!("{}: {said}", ui.error)).into());
            }
            End::Quit => {
                let mut target = args.save.clone();
                if target.is_none() {
                    eprintln!("{}", ui.quit_unsaved);
                }
                loop {
                    let path = match target.take() {
                        Some(path) => path,
                        None => match frontend.unsaved_quit(ui, args.resume.as_deref())? {
                            Unsaved::SaveTo(path) => path,
                            Unsaved::Discard => return Ok(ExitCode::SUCCESS),
                            Unsaved::Continue => continue 'interview,
                        },
                    };
                    match saving::save(&session, &path, &args.questionnaire, langs.options(), false)
                    {
                        Ok(()) => return Ok(ExitCode::SUCCESS),
                        // On a terminal the person can choose another place.
                        Err(error) if interactive => eprintln!("error: {error:#}"),
                        Err(error) => return Err(error),
                    }
                }
            }
        }
    }
}

/// The end of the interview: closing texts, the result, the files asked for.
fn done(
    args: &RunArgs,
    session: &Session,
    out: &mut dyn Write,
    langs: &Langs,
    ui: &Ui,
) -> anyhow::Result<ExitCode> {
    let lang = langs.practitioner.as_str();
    for info in session.closing_info() {
        let text = langs.both(info.text(lang), info.text(langs.person_lang()));
        writeln!(out, "\n{}", width::fill(&text, ""))?;
    }
    // The result with the counterfactual check: would it differ if a
    // protected item (gender) had another response?
    let checked = session.checked_result_in(lang);
    let outcome = &checked.outcome;
    let title = session.questionnaire().title(lang);
    write!(
        out,
        "{}",
        show::result(outcome, session.questionnaire(), title, ui)
    )?;
    write!(out, "{}", disclosed::list(session, lang, ui))?;
    let protected: Vec<&str> = session
        .questionnaire()
        .items()
        .filter(ItemRef::protected)
        .map(|i| i.id())
        .collect();
    let lines = show::counterfactual(&checked.counterfactual, &protected, ui);
    if !lines.is_empty() {
        write!(out, "\n{lines}")?;
    }
    out.flush()?;
    finish_log(args, session, langs)?;
    if let Some(path) = &args.result {
        let record = serde_json::to_string_pretty(&session.stored_record_in(lang))?;
        write_json(path, record, "--result")?;
    }
    if let Some(path) = &args.full_result {
        write_json(
            path,
            serde_json::to_string_pretty(&checked)?,
            "--full-result",
        )?;
    }
    if let Some(path) = &args.plan {
        write_plan(session, path, langs)?;
    }
    // The exit code follows the full result: a referral the stored record
    // leaves out was still made in the conversation.
    Ok(if outcome.triggers.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The session log at the end of the interview: written with `--save`, or
/// a reminder about the log it was resumed from.
fn finish_log(args: &RunArgs, session: &Session, langs: &Langs) -> anyhow::Result<()> {
    match (&args.save, &args.resume) {
        (Some(path), _) => {
            if crate::log::finish(session, path, &langs.practitioner)? {
                eprintln!(
                    "the interview finished, so the session log {} now holds the stored record \
                     only: no answer used only in the conversation; it cannot be resumed",
                    path.display()
                );
            } else {
                saving::save(session, path, &args.questionnaire, langs.options(), true)?;
            }
        }
        (None, Some(path)) => eprintln!(
            "the session log {} that the interview was resumed from still holds every answer \
             given: delete it when it is no longer needed",
            path.display()
        ),
        (None, None) => {}
    }
    Ok(())
}

/// Writes a result as JSON, readable by its owner only.
fn write_json(path: &Path, mut json: String, option: &str) -> anyhow::Result<()> {
    json.push('\n');
    crate::write::private(path, &json).with_context(|| {
        format!(
            "cannot write the result to {}; choose a writable path with {option}",
            path.display()
        )
    })
}

/// Writes the person's plan, readable by its owner only, and says what it
/// holds.
fn write_plan(session: &Session, path: &Path, langs: &Langs) -> anyhow::Result<()> {
    let page = vidare_render::plan::page(session, langs.person_lang(), &langs.practitioner);
    let Some(page) = page else {
        eprintln!(
            "no plan was written to {}: the interview ended before the person was asked anything",
            path.display()
        );
        return Ok(());
    };
    crate::write::private(path, &page).with_context(|| {
        format!(
            "cannot write the plan to {}; choose a writable path with --plan",
            path.display()
        )
    })?;
    eprintln!(
        "the person's plan was written to {}: it holds the person's answers; print it for the \
         person, then delete the file",
        path.display()
    );
    Ok(())
}

/// Asks until the interview ends, is quit, or the input runs out.
fn interview(
    session: &mut Session,
    frontend: &mut dyn Frontend,
    out: &mut dyn Write,
    shown: &mut Shown,
    langs: &Langs,
    ui: &'static Ui,
) -> anyhow::Result<End> {
    let lang = langs.practitioner.as_str();
    let person_lang = langs.person_lang();
    let mut refused: Option<String> = None;
    loop {
        announce(session, &mut shown.immediate, out, lang, ui)?;
        let Step::Ask(item) = session.next() else {
            return Ok(End::Done);
        };
        let id = item.id().to_owned();
        let again = refused.as_deref() == Some(id.as_str());
        if !again {
            if shown.section.as_deref() != Some(item.section_id()) {
                shown.section = Some(item.section_id().to_owned());
                if let (Some(title), Some(theirs)) =
                    (item.section_title(lang), item.section_title(person_lang))
                {
                    let title = langs.both(&format!("== {title} =="), &format!("== {theirs} =="));
                    writeln!(out, "\n{}", width::fill(&title, ""))?;
                }
            }
            for info in session.info_before(&id) {
                let text = langs.both(info.text(lang), info.text(person_lang));
                writeln!(out, "\n{}", width::fill(&text, ""))?;
            }
        }
        let asking = Asking {
            item,
            lang,
            ui,
            suggestion: session.suggestion(&id),
            progress: session.progress(),
            earlier: earlier(session, &id),
            follows: follows::question(session.questionnaire(), &id).map(|i| i.text(lang)),
            again,
            person: langs.person.as_ref(),
        };
        out.flush()?;
        let Some(command) = frontend.ask(out, &asking)? else {
            return Ok(End::InputEnded(id));
        };
        let offered = match command {
            Command::Decline => Some(ui.decline),
            Command::DontKnow => Some(ui.dont_know),
            Command::Skip => Some(ui.skip),
            _ => None,
        };
        let applied = match command {
            Command::Answer(value) => session.answer(&id, value),
            Command::Back => session.back(),
            Command::Decline => session.decline(&id),
            Command::DontKnow => session.dont_know(&id),
            Command::Skip => session.skip(&id),
            Command::Quit => return Ok(End::Quit),
        };
        refused = match applied {
            Ok(()) => None,
            Err(error) => {
                eprintln!(
                    "{}: {}",
                    ui.not_accepted,
                    refusal_text(&error, session.questionnaire().item(&id), offered, lang, ui)
                );
                Some(id)
            }
        };
    }
}

/// The last response given to `item`, which going back withdrew: shown
/// again so that a change is a choice and not a retyping.
fn earlier(session: &Session, item: &str) -> Option<Response> {
    session.events().iter().rev().find_map(|event| match event {
        Event::Respond { item: i, response } | Event::Change { item: i, response }
            if &**i == item =>
        {
            Some(response.clone())
        }
        _ => None,
    })
}

/// Shows the immediate triggers that fired since the last look, and says
/// of those shown before that no longer hold that they do not apply, so
/// a referral on screen is never one the answers withdrew.
fn announce(
    session: &Session,
    announced: &mut Vec<String>,
    out: &mut dyn Write,
    lang: &str,
    ui: &Ui,
) -> anyhow::Result<()> {
    let now: Vec<String> = session.immediate().map(str::to_owned).collect();
    if now.iter().any(|id| !announced.contains(id)) {
        let outcome = session.result_in(lang).into_outcome();
        for trigger in &outcome.triggers {
            if now.iter().any(|id| *id == trigger.id)
                && !announced.iter().any(|id| *id == trigger.id)
            {
                write!(
                    out,
                    "{}",
                    show::immediate(trigger, session.questionnaire(), lang, ui)
                )?;
            }
        }
    }
    for id in announced.iter().filter(|id| !now.contains(id)) {
        write!(
            out,
            "{}",
            show::withdrawn(id, session.questionnaire(), lang, ui)
        )?;
    }
    *announced = now;
    Ok(())
}

/// Why the core refused a response, in the interview's language: what the
/// question accepts, or that it does not offer the command given. Other
/// refusals cannot happen in an interview that asks the current question;
/// they keep the core's words.
fn refusal_text(
    error: &vidare::Error,
    item: Option<ItemRef<'_>>,
    offered: Option<&str>,
    lang: &str,
    ui: &Ui,
) -> String {
    match (error.kind(), offered, item) {
        (vidare::ErrorKind::InvalidAnswer, _, Some(item)) => {
            ui.must_be.replace("{what}", &show::accepts(item, lang, ui))
        }
        (vidare::ErrorKind::NotOffered, Some(what), _) => ui.not_offered.replace("{what}", what),
        _ => error.to_string(),
    }
}
