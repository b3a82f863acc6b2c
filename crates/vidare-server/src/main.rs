//! `vidare-server`: the HTTP service and web page. Reads its configuration
//! from flags and environment variables, opens the data file, loads the
//! questionnaires, prints the URL and serves until Ctrl-C or SIGTERM.

// A binary's job is to print and to choose the exit code; the workspace
// warns about both everywhere else.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use vidare_server::serve::Limits;
use vidare_server::store::{
    DatabaseUrl, PostgresOptions, PostgresStore, SqliteOptions, StartupCheck, Store,
};
use vidare_server::{Access, AllowedHosts, AppState, Options};

/// Serve Vidare interviews over HTTP: a JSON API under /api/v1 and a web page.
///
/// Without tokens the server runs in local-only mode: one implicit tenant,
/// loopback addresses only. With tokens every request needs one.
#[derive(Debug, Parser)]
#[command(name = "vidare-server", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "VIDARE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The SQLite data file (created with its folder if missing); the
    /// same as --database-url sqlite:PATH. Default: data/vidare.sqlite3.
    #[arg(long, env = "VIDARE_DATA")]
    data: Option<PathBuf>,
    /// Where sessions are kept: `sqlite:PATH` (one file, the default) or
    /// `postgres://user:password@host:port/database` (shared by several
    /// nodes; see docs/deployment.md). Prefer the environment variable:
    /// flags show in process lists.
    #[arg(long, env = "VIDARE_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// PostgreSQL: the connections this node keeps open at most.
    #[arg(long, env = "VIDARE_DATABASE_POOL_SIZE", default_value = "16")]
    database_pool_size: NonZeroUsize,
    /// PostgreSQL: the schema that holds the tables (created when
    /// missing); default: the role's `search_path`, normally `public`.
    #[arg(long, env = "VIDARE_DATABASE_SCHEMA")]
    database_schema: Option<String>,
    /// The folder of questionnaires, laid out as <id>/<version>.yaml.
    #[arg(long, env = "VIDARE_QUESTIONNAIRES", default_value = "questionnaires")]
    questionnaires: PathBuf,
    /// Tokens as `token=tenant`, separated by commas. Prefer the
    /// environment variable or --tokens-file: flags show in process lists.
    #[arg(long, env = "VIDARE_TOKENS", hide_env_values = true)]
    tokens: Option<String>,
    /// A file with one `token=tenant` per line (`#` starts a comment).
    #[arg(long, env = "VIDARE_TOKENS_FILE")]
    tokens_file: Option<PathBuf>,
    /// A token that may read and delete every tenant's sessions, and run
    /// the equality audit.
    #[arg(long, env = "VIDARE_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Where the web page's quick-exit button leads.
    #[arg(
        long,
        env = "VIDARE_QUICK_EXIT_URL",
        default_value = "https://www.google.com/"
    )]
    quick_exit_url: String,
    /// Close open sessions unchanged for this many hours: store the result
    /// and delete answers kept only for the conversation. 0 never closes.
    #[arg(long, env = "VIDARE_CLOSE_AFTER_HOURS", default_value_t = 24)]
    close_after_hours: u64,
    /// Mark the login cookie `Secure` (when served over HTTPS). The
    /// environment variable takes 1/0, true/false, yes/no or on/off.
    #[arg(long, env = "VIDARE_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    secure_cookies: bool,
    /// How many hours a login on the web page lasts.
    #[arg(long, env = "VIDARE_LOGIN_HOURS", default_value = "8", value_parser = clap::value_parser!(u64).range(1..=24 * 366))]
    login_hours: u64,
    /// The host names (with `:port`, or any port without) that requests may
    /// name in `Host`, separated by commas; others get 421. Default: in
    /// local-only mode `localhost`, `127.0.0.1` and `[::1]` with the port
    /// listened on; with tokens, any.
    #[arg(long, env = "VIDARE_ALLOWED_HOSTS")]
    allowed_hosts: Option<String>,
    /// Count closes in the aggregate statistics in batches of this many
    /// per questionnaire version (at least 1; 1 hides nothing). Closes
    /// waiting for their batch are lost on a restart.
    #[arg(long, env = "VIDARE_STATISTICS_BATCH", default_value = "10")]
    statistics_batch: NonZeroUsize,
    /// Seconds a client has to send a complete request head (and an idle
    /// keep-alive connection its next one) before it is disconnected.
    #[arg(long, env = "VIDARE_HEADER_TIMEOUT", default_value = "10")]
    header_timeout: NonZeroU64,
    /// The longest pause, in seconds, while a request body arrives (408).
    #[arg(long, env = "VIDARE_BODY_TIMEOUT", default_value = "10")]
    body_timeout: NonZeroU64,
    /// Seconds from a request's head to its response, at most (408).
    #[arg(long, env = "VIDARE_REQUEST_TIMEOUT", default_value = "30")]
    request_timeout: NonZeroU64,
    /// Connections open at once; default and most: the open-file limit
    /// (`RLIMIT_NOFILE`) less 64, and at most 10,000 by default.
    #[arg(long, env = "VIDARE_MAX_CONNECTIONS")]
    max_connections: Option<NonZeroUsize>,
    /// Seconds a shutdown (SIGTERM, Ctrl-C) waits for requests in progress
    /// before it drops the connections still open.
    #[arg(long, env = "VIDARE_SHUTDOWN_TIMEOUT", default_value = "10")]
    shutdown_timeout: u64,
    /// The most events (steps) one session may hold.
    #[arg(long, env = "VIDARE_MAX_EVENTS", default_value = "10000")]
    max_events: NonZeroU64,
    /// The check of the data file before serving: `quick` (`PRAGMA
    /// quick_check`), `full` (`PRAGMA integrity_check`) or `off`.
    #[arg(long, env = "VIDARE_STARTUP_CHECK", default_value = "quick")]
    startup_check: StartupCheck,
    /// Vacuum the data file at most once per this many seconds, when
    /// answers were deleted since the last time (closing or deleting
    /// sessions), so that no older copy of them stays in its pages. Writes
    /// wait while it runs; 0 vacuums after every close.
    #[arg(long, env = "VIDARE_VACUUM_INTERVAL", default_value_t = 60)]
    vacuum_interval: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Copy the SQLite data file (--data) into an empty PostgreSQL
    /// database, in one transaction, and exit. Stop the server that
    /// writes the file first.
    MigrateTo {
        /// The PostgreSQL URL (postgres://user:password@host:port/database).
        #[arg(env = "VIDARE_MIGRATE_TO", hide_env_values = true)]
        target: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::MigrateTo { target }) = &args.command {
        return match migrate_to(&args, target) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        };
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VIDARE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(run(args));
    // Connections left after the shutdown deadline are dropped with their
    // tasks; a storage call in progress is not waited for long.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let access = access(&args)?;
    let registry = vidare::Registry::load_dir(&args.questionnaires).map_err(|e| e.render())?;
    let loaded = registry.iter().count();
    if loaded == 0 {
        tracing::warn!(folder = %args.questionnaires.display(), "no questionnaire found");
    }
    let limits = limits(&args)?;
    let store = open_store(&args)?;
    tracing::info!(questionnaires = loaded, "ready");
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let allowed_hosts = match (&args.allowed_hosts, access.is_local()) {
        (Some(list), _) => AllowedHosts::parse(list)?,
        (None, true) => AllowedHosts::loopback(Some(addr.port())),
        (None, false) => AllowedHosts::Default,
    };
    let options = Options {
        quick_exit_url: args.quick_exit_url.clone(),
        secure_cookies: args.secure_cookies,
        statistics_batch: args.statistics_batch,
        max_events: args.max_events.get(),
        allowed_hosts,
        login_ttl: Duration::from_secs(args.login_hours * 3600),
    };
    let state = AppState::new(registry, store, access, options);
    state
        .load_form_key()
        .map_err(|e| format!("cannot load the web page's form-token key: {e}"))?;
    spawn_jobs(&state, args.close_after_hours);

    ignore_hangup();
    // Tests read this line to find the port.
    println!("vidare-server listening on http://{addr}/");
    let _ = std::io::stdout().flush();
    let app = vidare_server::app(state);
    vidare_server::serve::serve(listener, app, limits, shutdown())
        .await
        .map_err(|e| e.to_string())
}

/// The tokens of `--tokens` and `--tokens-file` together, or local-only
/// mode (refused on an address other than a loopback one).
fn access(args: &Args) -> Result<Access, String> {
    let file_tokens = match &args.tokens_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let tokens = match (args.tokens.as_deref(), file_tokens.as_deref()) {
        (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
        (a, b) => a.or(b).map(str::to_owned),
    };
    let access = Access::from_tokens(tokens.as_deref(), args.admin_token.clone())?;
    if access.is_local() {
        if !args.bind.ip().is_loopback() {
            return Err(format!(
                "no token is configured, so the server runs in local-only mode and will only listen on a loopback address, not {}; \
                 configure VIDARE_TOKENS (token=tenant,...) to serve other machines",
                args.bind
            ));
        }
        tracing::warn!(
            "local-only mode: no token configured; every request acts for the tenant `local`, and only this machine can connect"
        );
    } else {
        tracing::info!("token mode: every request needs a bearer token or the login cookie");
    }
    Ok(access)
}

/// The jobs every node runs every ten minutes: ending expired logins, and
/// closing sessions idle for `close_after_hours` (unless 0). Both are
/// safe on several nodes at once.
fn spawn_jobs(state: &AppState, close_after_hours: u64) {
    let state = state.clone();
    let idle = Duration::from_secs(close_after_hours * 3600);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_mins(10));
        loop {
            tick.tick().await;
            match vidare_server::expire_logins(&state).await {
                Ok(0) | Err(_) => {}
                Ok(n) => tracing::info!(ended = n, "deleted expired logins"),
            }
            if close_after_hours == 0 {
                continue;
            }
            match vidare_server::close_idle(&state, idle).await {
                Ok(0) | Err(_) => {}
                Ok(n) => tracing::info!(closed = n, "closed idle sessions"),
            }
        }
    });
}

/// Where sessions are kept: --database-url, else --data, else the default file.
fn database_url(args: &Args) -> Result<DatabaseUrl, String> {
    match (&args.database_url, &args.data) {
        (Some(_), Some(_)) => Err(
            "both --database-url (VIDARE_DATABASE_URL) and --data (VIDARE_DATA) are set: give one"
                .to_owned(),
        ),
        (Some(url), None) => url.parse(),
        (None, data) => Ok(DatabaseUrl::Sqlite(
            data.clone()
                .unwrap_or_else(|| PathBuf::from("data/vidare.sqlite3")),
        )),
    }
}

fn postgres_options(args: &Args) -> PostgresOptions {
    PostgresOptions {
        pool_size: args.database_pool_size.get(),
        schema: args.database_schema.clone(),
        ..PostgresOptions::default()
    }
}

/// Opens the store, checking a SQLite data file first.
fn open_store(args: &Args) -> Result<Box<dyn Store>, String> {
    let url = database_url(args)?;
    if let DatabaseUrl::Sqlite(path) = &url {
        vidare_server::store::check_data_file(path, args.startup_check)?;
        tracing::info!(data = %path.display(), "SQLite data file");
    } else {
        tracing::info!("PostgreSQL database");
    }
    let sqlite = SqliteOptions {
        vacuum_interval: Duration::from_secs(args.vacuum_interval),
    };
    vidare_server::store::open(&url, &sqlite, &postgres_options(args)).map_err(|e| e.to_string())
}

/// `migrate-to`: copies the data file into PostgreSQL.
fn migrate_to(args: &Args, target: &str) -> Result<(), String> {
    let DatabaseUrl::Postgres(target) = target.parse()? else {
        return Err("migrate-to copies into PostgreSQL: give a postgres:// URL".to_owned());
    };
    let source = args
        .data
        .clone()
        .unwrap_or_else(|| PathBuf::from("data/vidare.sqlite3"));
    let store = PostgresStore::open(&target, &postgres_options(args)).map_err(|e| e.to_string())?;
    let copied = vidare_server::store::copy_sqlite_to_postgres(&source, &store)
        .map_err(|e| e.to_string())?;
    println!(
        "copied {} sessions, {} events and {} statistics cells from {} into PostgreSQL",
        copied.sessions,
        copied.events,
        copied.statistics,
        source.display()
    );
    Ok(())
}

/// The limits on connections and requests, the connection limit checked
/// against the open-file limit.
fn limits(args: &Args) -> Result<Limits, String> {
    use vidare_server::serve::{DEFAULT_MAX_CONNECTIONS, RESERVED_FILES};
    let files = vidare_server::serve::file_limit();
    let allowed = vidare_server::serve::connections_allowed(files);
    let shown = files.map_or_else(|| "unlimited".to_owned(), |n| n.to_string());
    let max_connections = match args.max_connections.map(NonZeroUsize::get) {
        _ if allowed == 0 => {
            return Err(format!(
                "the open-file limit (RLIMIT_NOFILE) is {shown}, which leaves no file for connections \
                 once {RESERVED_FILES} are kept for the database and logs; raise it (ulimit -n, LimitNOFILE=)"
            ));
        }
        None => allowed.min(DEFAULT_MAX_CONNECTIONS),
        Some(n) if n <= allowed => n,
        Some(n) => {
            return Err(format!(
                "--max-connections {n} is more than the open-file limit allows: {allowed} \
                 (RLIMIT_NOFILE {shown} less {RESERVED_FILES} for the database and logs); \
                 raise the limit (ulimit -n, LimitNOFILE=) or lower --max-connections"
            ));
        }
    };
    tracing::info!(max_connections, file_limit = %shown, "connection limit");
    Ok(Limits {
        header_timeout: Duration::from_secs(args.header_timeout.get()),
        body_timeout: Duration::from_secs(args.body_timeout.get()),
        request_timeout: Duration::from_secs(args.request_timeout.get()),
        max_connections,
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
    })
}

/// SIGHUP is logged and otherwise ignored (its default would end the
/// process, e.g. when the terminal that started it closes): the
/// questionnaires are loaded only at start, so a restart loads changed ones.
fn ignore_hangup() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::hangup()) {
            Ok(mut hangup) => {
                tokio::spawn(async move {
                    while hangup.recv().await.is_some() {
                        tracing::info!(
                            "SIGHUP ignored: questionnaires are loaded at start; restart the server to load changed ones"
                        );
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot handle SIGHUP, which then ends the process");
            }
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
