//! `vidare statistics`: the aggregate statistics of a questionnaire version
//! from a Vidare server's admin endpoint, printed as a table. The server
//! counts, batches and suppresses; this command fetches the report and
//! prints it.
//!
//! The admin token comes from `VIDARE_ADMIN_TOKEN` only: an argument would
//! be visible to every user of the machine in the process list. It is sent
//! over https, or over plain http only to this machine, and never on to a
//! redirect.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail};
use serde::Deserialize;

use crate::{StatisticsArgs, StatisticsFormat};
use vidare_render::escape::{code_span, markdown as escape};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  printed
  2  no token in VIDARE_ADMIN_TOKEN; the server cannot be reached, refuses the
     token (401, 403) or the request, or answers with something that is not
     the statistics report; bad arguments";

/// The environment variable that holds the admin token.
const TOKEN_VARIABLE: &str = "VIDARE_ADMIN_TOKEN";

/// How long the whole request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The report as the server sends it (`format=json`).
#[derive(Debug, Deserialize)]
struct Report {
    questionnaire: String,
    version: String,
    /// Closes per batch.
    k: u64,
    /// Counts below this are suppressed.
    min_cell: u64,
    rows: Vec<Row>,
}

/// One count of the report.
#[derive(Debug, Deserialize)]
struct Row {
    month: String,
    item: String,
    response: String,
    count: Option<u64>,
    suppressed: bool,
}

pub(crate) fn run(args: &StatisticsArgs) -> anyhow::Result<ExitCode> {
    let token = admin_token()?;
    let server = server_address(&args.server)?;
    let body = fetch(args, &server, &token)?;
    let value: serde_json::Value = serde_json::from_str(&body).map_err(|error| {
        anyhow!(
            "the server's answer is not JSON ({error}); is {server} the address of a Vidare server?"
        )
    })?;
    let report: Report = serde_json::from_value(value.clone()).map_err(|error| {
        anyhow!(
            "the server's answer is not a statistics report ({}); \
             is {server} a Vidare server of this version?",
            clean(&error.to_string())
        )
    })?;
    let text = match args.format {
        StatisticsFormat::Text => text(&report),
        StatisticsFormat::Markdown => markdown(&report),
        StatisticsFormat::Json => serde_json::to_string_pretty(&value)? + "\n",
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}

fn admin_token() -> anyhow::Result<String> {
    let token = std::env::var(TOKEN_VARIABLE).unwrap_or_default();
    let token = token.trim();
    if token.is_empty() {
        bail!(
            "set {TOKEN_VARIABLE} to the server's admin token; it is read from the environment \
             only, because other users can see a command-line argument in the process list"
        );
    }
    Ok(token.to_owned())
}

/// The server's address without a trailing `/`, refused where the token
/// would cross a network unencrypted.
fn server_address(given: &str) -> anyhow::Result<String> {
    let example = "give one like https://vidare.example.org";
    let uri: ureq::http::Uri = given
        .parse()
        .map_err(|_| anyhow!("--server {given} is not an address; {example}"))?;
    let Some(host) = uri.host() else {
        bail!("--server {given} has no host name; {example}");
    };
    if uri.query().is_some() {
        bail!("--server {given} has a query (`?…`); give the server's address only");
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        Some("http") => bail!(
            "--server {given}: the admin token is sent only over https, or over http to this \
             machine (localhost, 127.0.0.1, [::1]); give the server's https address"
        ),
        _ => bail!("--server {given} is not an http or https address; {example}"),
    }
    Ok(given.trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The body of a successful answer.
fn fetch(args: &StatisticsArgs, server: &str, token: &str) -> anyhow::Result<String> {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        // A redirect is reported, not followed: the token goes to the
        // address given and nowhere else.
        .max_redirects(0);
    if server.starts_with("http://") {
        // Plain http is allowed to this machine only, so never through a
        // proxy, which would see the token.
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let mut request = agent
        .get(format!("{server}/api/v1/admin/statistics"))
        .query("questionnaire", &args.questionnaire);
    if let Some(version) = &args.version {
        request = request.query("version", version);
    }
    let mut response = request
        .query("format", "json")
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .map_err(|error| unreachable(server, &error))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|error| unreachable(server, &error))?;
    if status == 200 {
        Ok(body)
    } else {
        Err(refused(status, &body))
    }
}

/// The request did not get an answer.
fn unreachable(server: &str, error: &ureq::Error) -> anyhow::Error {
    let refused = |e: &std::io::Error| e.kind() == std::io::ErrorKind::ConnectionRefused;
    let why = match error {
        ureq::Error::Io(e) if refused(e) => {
            "the connection was refused; is the server running, and is the address right?".into()
        }
        ureq::Error::ConnectionFailed => {
            "the connection failed; is the server running, and is the address right?".into()
        }
        ureq::Error::HostNotFound => "its host name was not found; check the address".into(),
        ureq::Error::Timeout(_) => {
            format!("it did not answer within {} seconds", TIMEOUT.as_secs())
        }
        other => clean(&other.to_string()),
    };
    anyhow!("cannot get the statistics from {server}: {why}")
}

/// An answer other than 200, with the server's own explanation when it
/// sent a problem document.
fn refused(status: u16, body: &str) -> anyhow::Error {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|p| p.get("detail")?.as_str().map(clean))
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    match status {
        401 => anyhow!(
            "the server did not accept the token in {TOKEN_VARIABLE} (401){detail}; \
             set it to the server's admin token"
        ),
        // The server's own explanation already says what is needed.
        403 if !detail.is_empty() => {
            anyhow!("the token in {TOKEN_VARIABLE} is not the server's admin token (403){detail}")
        }
        403 => anyhow!(
            "the token in {TOKEN_VARIABLE} is not the server's admin token (403); \
             the statistics need the admin token, not a tenant's"
        ),
        300..=399 => anyhow!(
            "the server answered with a redirect ({status}), which is not followed so that the \
             token goes nowhere else; give its final address with --server"
        ),
        _ => anyhow!("the server refused the request ({status}){detail}"),
    }
}

/// Server text with control characters replaced, so that nothing it
/// sends can steer the terminal.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// What a suppressed count means. The JSON does not say which of the two
/// reasons hid a cell, so the table says "suppressed" rather than `<5`,
/// which would be wrong for a count hidden only as the complement.
fn legend(report: &Report) -> String {
    format!(
        "Counts of the questions marked `aggregate: true`, per month. Closed sessions are \
         counted in batches of {k}. \"suppressed\": a count below {min}, or one more count of \
         the same question and month where exactly one is below {min}, so that it cannot be \
         worked out by subtraction.",
        k = report.k,
        min = report.min_cell
    )
}

fn count(row: &Row) -> String {
    match (row.suppressed, row.count) {
        (true, _) => "suppressed".into(),
        (false, Some(n)) => n.to_string(),
        (false, None) => "–".into(),
    }
}

/// A plain table with aligned columns.
fn text(report: &Report) -> String {
    let mut out = format!(
        "Aggregate statistics: {} {}\n\n{}\n\n",
        clean(&report.questionnaire),
        clean(&report.version),
        legend(report)
    );
    if report.rows.is_empty() {
        out.push_str("No counts yet.\n");
        return out;
    }
    let head = ["month", "item", "response", "count"];
    let rows: Vec<[String; 4]> = report
        .rows
        .iter()
        .map(|r| {
            [
                clean(&r.month),
                clean(&r.item),
                clean(&r.response),
                count(r),
            ]
        })
        .collect();
    let mut widths = head.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let [month, item, response, count] = cells;
        let [w0, w1, w2, w3] = widths;
        format!("{month:<w0$}  {item:<w1$}  {response:<w2$}  {count:>w3$}\n")
    };
    out.push_str(&line(head));
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
    }
    out
}

/// A Markdown table.
fn markdown(report: &Report) -> String {
    let mut out = format!(
        "# Aggregate statistics: {} {}\n\n{}\n\n",
        escape(&clean(&report.questionnaire)),
        escape(&clean(&report.version)),
        legend(report)
    );
    if report.rows.is_empty() {
        out.push_str("No counts yet.\n");
        return out;
    }
    out.push_str("| month | item | response | count |\n|---|---|---|---:|\n");
    for row in &report.rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            escape(&clean(&row.month)),
            code_span(&clean(&row.item), true),
            code_span(&clean(&row.response), true),
            count(row)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_goes_to_this_machine_only() {
        for ok in [
            "https://vidare.example.org/",
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(server_address(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://vidare.example.org",
            "http://10.0.0.1",
            "ftp://localhost",
            "vidare.example.org",
            "https://x.example.org/?a=b",
        ] {
            assert!(server_address(refused).is_err(), "{refused}");
        }
        assert_eq!(
            server_address("https://x.example.org/vidare/").unwrap(),
            "https://x.example.org/vidare"
        );
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(clean("a\x1b[31mb\nc"), "a [31mb c");
    }
}
