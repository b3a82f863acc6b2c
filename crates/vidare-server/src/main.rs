//! `vidare-server`: the HTTP service and web page. Reads its configuration
//! from flags and environment variables, opens the data file, loads the
//! questionnaires, prints the URL and serves until Ctrl-C or SIGTERM.

// A binary's job is to print and to choose the exit code; the workspace
// warns about both everywhere else.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use vidare_server::store::SqliteStore;
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
    /// The SQLite data file (created with its folder if missing).
    #[arg(long, env = "VIDARE_DATA", default_value = "data/vidare.sqlite3")]
    data: PathBuf,
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
}

fn main() -> ExitCode {
    let args = Args::parse();
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
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
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
    let registry = vidare::Registry::load_dir(&args.questionnaires).map_err(|e| e.render())?;
    let loaded = registry.iter().count();
    if loaded == 0 {
        tracing::warn!(folder = %args.questionnaires.display(), "no questionnaire found");
    }
    let store = SqliteStore::open(&args.data).map_err(|e| e.to_string())?;
    tracing::info!(data = %args.data.display(), questionnaires = loaded, "ready");
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
        allowed_hosts,
        login_ttl: Duration::from_secs(args.login_hours * 3600),
    };
    let state = AppState::new(registry, store, access, options);

    if args.close_after_hours > 0 {
        let state = state.clone();
        let idle = Duration::from_secs(args.close_after_hours * 3600);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(600));
            loop {
                tick.tick().await;
                match vidare_server::close_idle(&state, idle).await {
                    Ok(0) | Err(_) => {}
                    Ok(n) => tracing::info!(closed = n, "closed idle sessions"),
                }
            }
        });
    }

    // Tests read this line to find the port.
    println!("vidare-server listening on http://{addr}/");
    let _ = std::io::stdout().flush();
    let app = vidare_server::app(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| e.to_string())
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
