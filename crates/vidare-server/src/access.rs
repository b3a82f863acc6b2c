//! Who may do what: bearer tokens mapped to tenants, or a local-only mode
//! with one implicit tenant when no token is configured. Also the guards
//! around it: the `Host` allow-list that keeps other sites' pages out (DNS
//! rebinding), the web page's logins (kept in the store, so that every
//! node knows them), and the throttle on failed authentication (kept in
//! each node's memory).
//!
//! Tokens are kept only as SHA-256 digests, and a presented token is
//! hashed and compared with every digest in constant time. A fast hash is
//! enough because every token must carry at least [`MIN_TOKEN_BITS`]
//! random bits (checked at start): nobody can search that space, however
//! fast each guess is, so a slow password hash would only make every
//! request slower. A digest in memory (a core dump, swap) does not give
//! the token back.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::problem::Problem;
use crate::store::Store;

/// The tenant of every session in local-only mode.
pub const LOCAL_TENANT: &str = "local";

/// The tenant of sessions created with the admin token.
pub const ADMIN_TENANT: &str = "admin";

/// Tenant names a token list may not use: a tenant `admin` would see the
/// sessions the admin token creates, and a tenant `local` those made in
/// local-only mode on the same data file.
pub const RESERVED_TENANTS: [&str; 2] = [ADMIN_TENANT, LOCAL_TENANT];

/// The fewest random bits a token must be able to carry: 32 hex digits or
/// 22 base64url characters.
pub const MIN_TOKEN_BITS: usize = 128;

/// A SHA-256 digest of a token or a login id.
type Secret = [u8; 32];

fn digest(text: &str) -> Secret {
    Sha256::digest(text.as_bytes()).into()
}

/// How requests are authenticated.
#[derive(Clone)]
pub enum Access {
    /// No token configured: every request acts for one implicit tenant.
    /// The server only listens on loopback addresses in this mode.
    Local,
    /// Requests carry `Authorization: Bearer <token>` (or, on the web
    /// page, a login cookie); each token belongs to a tenant.
    Tokens(Tokens),
}

/// The configured tokens, as digests only.
#[derive(Clone)]
pub struct Tokens {
    tenants: Vec<(Secret, String, Option<String>)>,
    admin: Option<Secret>,
}

/// One `token=tenant` entry of the token list, with the last day it is
/// valid when it says so (`token=tenant;until=YYYY-MM-DD`).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenEntry {
    /// The token itself.
    pub token: String,
    /// Its tenant.
    pub tenant: String,
    /// The last day (UTC, `YYYY-MM-DD`) the token is accepted.
    pub until: Option<String>,
}

/// Debug never shows the token.
impl fmt::Debug for TokenEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEntry")
            .field("tenant", &self.tenant)
            .field("until", &self.until)
            .finish_non_exhaustive()
    }
}

/// Debug never shows a token (nor its digest).
impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::Local => f.write_str("Local"),
            Access::Tokens(tokens) => f
                .debug_struct("Tokens")
                .field("tenants", &tokens.tenants.len())
                .field("admin", &tokens.admin.is_some())
                .finish(),
        }
    }
}

/// The caller of a request, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The tenant whose sessions the caller sees.
    pub tenant: String,
    /// Whether the caller holds the admin token (sees every tenant).
    pub admin: bool,
    /// The last day (UTC, `YYYY-MM-DD`) the presented token is accepted,
    /// when it has one; `None` too for a caller known by a login, whose
    /// end the store keeps.
    pub until: Option<String>,
}

impl Principal {
    /// The tenant to filter by: `None` for the admin, who sees all.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        (!self.admin).then_some(self.tenant.as_str())
    }

    fn local() -> Principal {
        Principal::of(LOCAL_TENANT, false)
    }

    /// The caller `tenant`, the admin when `admin`, with no last day.
    #[must_use]
    pub fn of(tenant: &str, admin: bool) -> Principal {
        Principal {
            tenant: tenant.to_owned(),
            admin,
            until: None,
        }
    }
}

impl Access {
    /// Builds the access configuration from a token list (see
    /// [`parse_tokens`]) and an optional admin token; neither means
    /// [`Access::Local`].
    ///
    /// # Errors
    /// A message naming the entry that is malformed, too weak or uses a
    /// reserved tenant name, without the token.
    pub fn from_tokens(tokens: Option<&str>, admin: Option<String>) -> Result<Access, String> {
        let tenants = match tokens {
            Some(text) => parse_tokens(text)?,
            None => Vec::new(),
        };
        let admin = admin.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        if let Some(admin) = admin.as_deref() {
            check_strength(admin).map_err(|why| format!("the admin token {why}"))?;
            if tenants.iter().any(|e| e.token == admin) {
                return Err("the admin token is also a tenant's token".to_owned());
            }
        }
        if tenants.is_empty() && admin.is_none() {
            return Ok(Access::Local);
        }
        Ok(Access::Tokens(Tokens {
            tenants: tenants
                .into_iter()
                .map(|e| (digest(&e.token), e.tenant, e.until))
                .collect(),
            admin: admin.as_deref().map(digest),
        }))
    }

    /// Whether this is the local-only mode.
    #[must_use]
    pub fn is_local(&self) -> bool {
        matches!(self, Access::Local)
    }

    /// The principal for a presented token. Not throttled: requests go
    /// through the throttle first (see `authenticate_request`).
    ///
    /// # Errors
    /// A 401 problem when a token is needed and missing or unknown.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Principal, Problem> {
        let tokens = match self {
            Access::Local => return Ok(Principal::local()),
            Access::Tokens(tokens) => tokens,
        };
        let Some(token) = token else {
            return Err(Problem::unauthorized(
                "this request needs a bearer token: send `Authorization: Bearer <token>`",
            ));
        };
        let presented = digest(token);
        // Every digest is compared, in constant time, so the time taken
        // tells nothing about which one was close.
        let mut found = None;
        let mut expired = None;
        for (known, tenant, until) in &tokens.tenants {
            if bool::from(known.ct_eq(&presented)) {
                found = Some(Principal {
                    tenant: tenant.clone(),
                    admin: false,
                    until: until.clone(),
                });
                expired = until.clone().filter(|day| is_past(day));
            }
        }
        if let Some(day) = expired {
            let detail = format!("the bearer token was valid until {day}: ask for a new one");
            return Err(Problem::unauthorized(&detail));
        }
        if let Some(admin) = &tokens.admin
            && bool::from(admin.ct_eq(&presented))
        {
            found = Some(Principal::of(ADMIN_TENANT, true));
        }
        found.ok_or_else(|| Problem::unauthorized("the bearer token is not valid"))
    }

    /// The caller a stored login of `tenant` acts for, while the
    /// configuration still has a token of that tenant that has not passed
    /// its last day (the admin's login: while an admin token is
    /// configured). Logins outlive a restart; a tenant whose tokens were
    /// all removed loses its logins with them.
    fn principal_of(&self, tenant: &str) -> Option<Principal> {
        let Access::Tokens(tokens) = self else {
            return None;
        };
        if tenant == ADMIN_TENANT {
            return tokens.admin.map(|_| Principal::of(ADMIN_TENANT, true));
        }
        tokens
            .tenants
            .iter()
            .any(|(_, t, until)| t == tenant && !until.as_deref().is_some_and(is_past))
            .then(|| Principal::of(tenant, false))
    }
}

/// Parses `token=tenant` entries separated by commas or new lines, each
/// optionally with the last day it is valid (`token=tenant;until=
/// 2027-06-30`, UTC); blank lines and lines starting with `#` are
/// ignored. Every token must be strong enough (see [`MIN_TOKEN_BITS`])
/// and no tenant may be named `admin` or `local` ([`RESERVED_TENANTS`]).
///
/// # Errors
/// A message naming the entry by its position, never quoting a token.
pub fn parse_tokens(text: &str) -> Result<Vec<TokenEntry>, String> {
    let mut out: Vec<TokenEntry> = Vec::new();
    let entries = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty());
    for (n, entry) in entries.enumerate() {
        let n = n + 1;
        let Some((token, rest)) = entry.split_once('=') else {
            return Err(format!("token entry {n} has no `=`: write token=tenant"));
        };
        let (tenant, until) = match rest.split_once(';') {
            Some((tenant, until)) => (tenant, Some(parse_until(until, n)?)),
            None => (rest, None),
        };
        let (token, tenant) = (token.trim(), tenant.trim());
        if token.is_empty() || tenant.is_empty() {
            return Err(format!(
                "token entry {n} has an empty token or tenant: write token=tenant"
            ));
        }
        if !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "token entry {n}: the tenant `{tenant}` may only hold letters, digits, `-`, `_` and `.`"
            ));
        }
        if RESERVED_TENANTS
            .iter()
            .any(|r| tenant.eq_ignore_ascii_case(r))
        {
            return Err(format!(
                "token entry {n}: the tenant name `{tenant}` is reserved (`admin` owns the sessions the admin token creates, `local` those of local-only mode); choose another name"
            ));
        }
        check_strength(token).map_err(|why| format!("the token of entry {n} {why}"))?;
        if out.iter().any(|e| e.token == token) {
            return Err(format!("token entry {n} repeats an earlier token"));
        }
        out.push(TokenEntry {
            token: token.to_owned(),
            tenant: tenant.to_owned(),
            until,
        });
    }
    Ok(out)
}

/// The day of `until=YYYY-MM-DD` in entry `n`.
fn parse_until(text: &str, n: usize) -> Result<String, String> {
    let day = text.trim().strip_prefix("until=").map(str::trim);
    let valid = |d: &str| {
        let b = d.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let within = |r: std::ops::Range<usize>, most: u8| {
            d[r].parse::<u8>().is_ok_and(|v| (1..=most).contains(&v))
        };
        b.len() == 10
            && (b[4], b[7]) == (b'-', b'-')
            && digits(0..4)
            && digits(5..7)
            && digits(8..10)
            && within(5..7, 12)
            && within(8..10, 31)
    };
    match day {
        Some(d) if valid(d) => Ok(d.to_owned()),
        _ => Err(format!(
            "token entry {n}: after `;` write the last day the token is valid, as `until=YYYY-MM-DD`"
        )),
    }
}

/// Whether `day` (`YYYY-MM-DD`) is before today in UTC.
fn is_past(day: &str) -> bool {
    let today = crate::service::utc_now();
    day < &today[..10]
}

/// Whether a token can carry [`MIN_TOKEN_BITS`] random bits: 4 bits per
/// hex digit, at most 6 per other character, and no obvious pattern (a
/// random token of that length has far more than 8 distinct characters).
/// `Err` completes the sentence "the token ...".
fn check_strength(token: &str) -> Result<(), String> {
    const HOW: &str =
        "make one with `openssl rand -hex 32` (or 22 or more random base64url characters)";
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "holds a space, a control or a non-ASCII character; {HOW}"
        ));
    }
    let hex = token.bytes().all(|b| b.is_ascii_hexdigit());
    let bits = token.len() * if hex { 4 } else { 6 };
    let distinct = token.bytes().collect::<BTreeSet<u8>>().len();
    if bits < MIN_TOKEN_BITS || distinct < 8 {
        return Err(format!(
            "is too weak: a token needs at least {MIN_TOKEN_BITS} random bits, which is 32 hex digits or 22 base64url characters; {HOW}"
        ));
    }
    Ok(())
}

/// The bearer token of a request, if it has one.
pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Authenticates a presented token through the throttle: a client that
/// has used up its failed attempts gets 429 without its token being
/// looked at (so a guess made then tells nothing), and a wrong token
/// costs one attempt. A missing token is not an attempt.
///
/// # Errors
/// 401 (a problem) for a missing or unknown token, 429 with `Retry-After`
/// while the client is throttled.
pub(crate) fn authenticate_request(
    state: &AppState,
    extensions: &Extensions,
    token: Option<&str>,
) -> Result<Principal, Response> {
    let access = state.access();
    if access.is_local() || token.is_none() {
        return access
            .authenticate(token)
            .map_err(IntoResponse::into_response);
    }
    let client = client(extensions);
    if let Err(wait) = state.throttle().check(client) {
        return Err(too_many_attempts(wait));
    }
    access.authenticate(token).map_err(|problem| {
        state.throttle().fail(client);
        problem.into_response()
    })
}

/// 429 with `Retry-After` in whole seconds.
pub(crate) fn too_many_attempts(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = Problem::too_many_attempts(seconds).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate_request(state, &parts.extensions, bearer(parts))
    }
}

// ------------------------------------------------------------- throttle

/// Failed attempts a client may make in a row.
const THROTTLE_BURST: f64 = 10.0;
/// After the burst, one more failed attempt per this long.
const THROTTLE_REFILL: Duration = Duration::from_secs(6);
/// Clients remembered at most; beyond this, new ones share one bucket.
const THROTTLE_CLIENTS: usize = 100_000;
/// How often a full table is searched for clients to forget at most: the
/// search reads every entry under the lock that every authentication
/// takes, so a stream of failures from new addresses must not repeat it.
const THROTTLE_PRUNE_EVERY: Duration = Duration::from_secs(1);

/// A client whose address is not known (the service was not served with
/// `ConnectInfo<SocketAddr>`), and the shared bucket when too many
/// clients are remembered.
const UNKNOWN_CLIENT: IpAddr = IpAddr::V6(Ipv6Addr::UNSPECIFIED);

/// Failed authentications per client address: a token bucket of
/// [`THROTTLE_BURST`] attempts that refills by one every
/// [`THROTTLE_REFILL`]. Only failures take from it, and it can be looked
/// at without taking (which `governor`'s keyed limiter cannot do), so a
/// throttled client's correct token is refused like any other.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    clients: Mutex<HashMap<IpAddr, Bucket>>,
    /// When the full table was last searched for clients to forget.
    pruned: Mutex<Option<Instant>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    left: f64,
    at: Instant,
}

impl Bucket {
    fn refilled(self, now: Instant) -> f64 {
        let gained = now.duration_since(self.at).as_secs_f64() / THROTTLE_REFILL.as_secs_f64();
        (self.left + gained).min(THROTTLE_BURST)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Throttle {
    /// `Err(wait)` while `client` has no failed attempt left.
    pub(crate) fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let Some(bucket) = lock(&self.clients).get(&client).copied() else {
            return Ok(());
        };
        let left = bucket.refilled(now);
        if left >= 1.0 {
            Ok(())
        } else {
            Err(THROTTLE_REFILL.mul_f64(1.0 - left))
        }
    }

    /// Counts a failed attempt of `client`.
    pub(crate) fn fail(&self, client: IpAddr) {
        let now = Instant::now();
        let mut clients = lock(&self.clients);
        let mut key = client;
        if !clients.contains_key(&client) && clients.len() >= THROTTLE_CLIENTS {
            let mut pruned = lock(&self.pruned);
            if pruned.is_none_or(|at| now.duration_since(at) >= THROTTLE_PRUNE_EVERY) {
                clients.retain(|_, b| b.refilled(now) < THROTTLE_BURST);
                *pruned = Some(now);
            }
            if clients.len() >= THROTTLE_CLIENTS {
                key = UNKNOWN_CLIENT;
            }
        }
        let bucket = clients.entry(key).or_insert(Bucket {
            left: THROTTLE_BURST,
            at: now,
        });
        bucket.left = (bucket.refilled(now) - 1.0).max(0.0);
        bucket.at = now;
    }
}

/// The client's address as the throttle counts it: IPv4 addresses alone,
/// IPv6 addresses by their /64 network (one host usually has a whole
/// /64). Behind a reverse proxy every client has the proxy's address.
pub(crate) fn client(extensions: &Extensions) -> IpAddr {
    let Some(ConnectInfo(addr)) = extensions.get::<ConnectInfo<SocketAddr>>() else {
        return UNKNOWN_CLIENT;
    };
    match addr.ip() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                IpAddr::V4(v4)
            } else {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        }
    }
}

// --------------------------------------------------------------- logins

/// The web page's logins: a random id in the cookie, and in the store,
/// under the id's digest, whose login it is and when it ends. Every node
/// on the store knows every login, and logins outlive a restart.
///
/// The pages call these methods from async code: on a multi-threaded
/// runtime the store call moves the runtime's other tasks off the thread
/// while it waits (see [`wait_for`]).
pub(crate) struct Logins {
    store: Arc<dyn Store>,
    access: Access,
    ttl: Duration,
}

impl Logins {
    pub(crate) fn new(store: Arc<dyn Store>, access: Access, ttl: Duration) -> Self {
        Logins { store, access, ttl }
    }

    /// How long a login lasts at most.
    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Starts a login for `principal`, ending after the login time or at
    /// the end of its token's last day, whichever comes first; the id goes
    /// in the cookie.
    ///
    /// # Errors
    /// 500 when the system has no random numbers to give, 503 or 500 when
    /// the store cannot record the login.
    // By value, as the pages hand it over.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn start(&self, principal: Principal) -> Result<String, Problem> {
        let id = random_hex(32)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let ends = login_end(now, self.ttl, principal.until.as_deref());
        wait_for(|| {
            self.store
                .start_login(&digest(&id), &principal.tenant, &ends)
        })
        .map_err(crate::service::store_problem)?;
        Ok(id)
    }

    /// The caller of a login that has not ended, while its tenant still
    /// has a token. A store that cannot answer counts as no login (logged):
    /// the page then asks to log in, and that login gets the store's 503.
    pub(crate) fn get(&self, id: &str) -> Option<Principal> {
        match wait_for(|| self.store.login(&digest(id))) {
            Ok(tenant) => tenant.and_then(|t| self.access.principal_of(&t)),
            Err(e) => {
                tracing::warn!(error = %e, "a login could not be looked up");
                None
            }
        }
    }

    /// Ends a login (logout) on every node. A store that cannot answer
    /// leaves it to end at its time (logged).
    pub(crate) fn end(&self, id: &str) {
        if let Err(e) = wait_for(|| self.store.end_login(&digest(id))) {
            tracing::error!(error = %e, "a login could not be ended: it ends at its time");
        }
    }
}

/// When a login started at `now` (since the Unix epoch) ends: `ttl` later,
/// but no later than the end of `until` (UTC), the last day of its token.
fn login_end(now: Duration, ttl: Duration, until: Option<&str>) -> String {
    let end = crate::service::rfc3339_millis(now.saturating_add(ttl).as_millis());
    match until {
        // The same format: the text order is the time order.
        Some(day) => end.min(format!("{day}T23:59:59.999Z")),
        None => end,
    }
}

/// Runs a blocking store call from async code: on a multi-threaded
/// runtime through `block_in_place`, so that the runtime's other tasks
/// move to other threads while it waits; elsewhere (a single-threaded
/// runtime, a blocking thread) directly.
pub(crate) fn wait_for<T>(call: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(call)
        }
        _ => call(),
    }
}

/// `bytes` random bytes from the operating system, as lowercase hex.
///
/// # Errors
/// 500 when the system has no random numbers to give (logged).
pub(crate) fn random_hex(bytes: usize) -> Result<String, Problem> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| {
        tracing::error!(error = %e, "no random numbers");
        Problem::internal()
    })?;
    Ok(buffer
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect())
}

// ---------------------------------------------------------------- hosts

/// Which `Host` a request may name. A page on another site can make the
/// browser send requests here under that site's name (DNS rebinding), and
/// then read the answers as its own; the `Host` header still carries the
/// other site's name, so it is checked. A request with another host gets
/// **421** `misdirected-request`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowedHosts {
    /// In local-only mode `localhost`, `127.0.0.1` and `[::1]` on any
    /// port; with tokens, any host.
    #[default]
    Default,
    /// These hosts only.
    List(Vec<AllowedHost>),
}

/// A host name (or address) and, optionally, the only port allowed with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    name: String,
    port: Option<u16>,
}

/// The names of this machine that local-only mode answers to.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl AllowedHosts {
    /// `localhost`, `127.0.0.1` and `[::1]`, on `port` or on any port.
    #[must_use]
    pub fn loopback(port: Option<u16>) -> Self {
        AllowedHosts::List(
            LOOPBACK_NAMES
                .iter()
                .map(|name| AllowedHost {
                    name: (*name).to_owned(),
                    port,
                })
                .collect(),
        )
    }

    /// Parses `host` or `host:port` entries separated by commas (an IPv6
    /// address in brackets: `[::1]:8080`); a host without a port is
    /// allowed on any port.
    ///
    /// # Errors
    /// A message naming the entry that is not a host.
    pub fn parse(text: &str) -> Result<Self, String> {
        let entries: Vec<AllowedHost> = text
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate()
            .map(|(n, entry)| {
                split_host(entry).ok_or_else(|| {
                    format!(
                        "allowed host {}: write a host name or address, optionally with `:port` (`[::1]:8080` for IPv6)",
                        n + 1
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        if entries.is_empty() {
            return Err("the list of allowed hosts is empty".to_owned());
        }
        Ok(AllowedHosts::List(entries))
    }

    /// Whether a request naming `host` (the `Host` header) is answered.
    fn allows(&self, host: Option<&str>, local: bool) -> bool {
        let entries = match self {
            AllowedHosts::Default if !local => return true,
            AllowedHosts::Default => &AllowedHosts::loopback(None),
            list @ AllowedHosts::List(_) => list,
        };
        let AllowedHosts::List(entries) = entries else {
            return false;
        };
        let Some(host) = host.and_then(split_host) else {
            return false;
        };
        entries
            .iter()
            .any(|e| e.name == host.name && e.port.is_none_or(|p| host.port == Some(p)))
    }
}

/// Splits `name[:port]` into a lowercase name and a port; `None` when it
/// is not one.
fn split_host(text: &str) -> Option<AllowedHost> {
    let (name, port) = if text.starts_with('[') {
        let end = text.find(']')?;
        let (name, rest) = text.split_at(end + 1);
        match rest {
            "" => (name, None),
            _ => (name, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match text.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (text, None),
        }
    };
    let valid = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(address) => address.parse::<Ipv6Addr>().is_ok(),
        None => {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        }
    };
    if !valid {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok()?),
        None => None,
    };
    Some(AllowedHost {
        name: name.to_ascii_lowercase(),
        port,
    })
}

/// Middleware: answers only requests whose `Host` (or, without one, the
/// URI's authority) is allowed.
pub(crate) async fn check_host(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let host = match req.headers().get(header::HOST) {
        Some(value) => value.to_str().ok(),
        None => req
            .uri()
            .authority()
            .map(axum::http::uri::Authority::as_str),
    };
    if state
        .options()
        .allowed_hosts
        .allows(host, state.access().is_local())
    {
        next.run(req).await
    } else {
        Problem::misdirected().into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORTH: &str = "0123456789abcdef0123456789abcdef";
    const SOUTH: &str = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdl";
    const ROOT: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn tokens_parse_from_commas_and_lines() {
        let text = format!("{NORTH}=north, {SOUTH} = south\n# comment\n{ROOT}=north\n");
        let parsed = parse_tokens(&text).unwrap();
        let entry = |token: &str, tenant: &str| TokenEntry {
            token: token.to_owned(),
            tenant: tenant.to_owned(),
            until: None,
        };
        assert_eq!(
            parsed,
            vec![
                entry(NORTH, "north"),
                entry(SOUTH, "south"),
                entry(ROOT, "north")
            ]
        );
        assert!(parse_tokens(NORTH).unwrap_err().contains("entry 1"));
        assert!(!parse_tokens(NORTH).unwrap_err().contains(NORTH));
        assert!(parse_tokens(&format!("{NORTH}=x,{NORTH}=y")).is_err());
        assert!(parse_tokens(&format!("{NORTH}=x y")).is_err());
    }

    #[test]
    fn tokens_expire_after_their_last_day() {
        let parsed = parse_tokens(&format!("{NORTH}=north;until=2027-06-30")).unwrap();
        assert_eq!(parsed[0].until.as_deref(), Some("2027-06-30"));
        for bad in [
            "until=2027-6-30",
            "until=2027-13-01",
            "until=2027-06-32",
            "2027-06-30",
            "until=",
        ] {
            let message = parse_tokens(&format!("{NORTH}=north;{bad}")).unwrap_err();
            assert!(
                message.contains("entry 1") && message.contains("until=YYYY-MM-DD"),
                "{message}"
            );
            assert!(!message.contains(NORTH));
        }
        let today = &crate::service::utc_now()[..10];
        let list = format!("{NORTH}=north;until=2000-01-01, {SOUTH}=south;until={today}");
        let access = Access::from_tokens(Some(&list), None).unwrap();
        let refused = access.authenticate(Some(NORTH)).unwrap_err();
        assert_eq!(refused.status, 401);
        assert!(refused.detail.contains("2000-01-01"), "{}", refused.detail);
        // Valid through its last day.
        assert_eq!(access.authenticate(Some(SOUTH)).unwrap().tenant, "south");
    }

    #[test]
    fn weak_tokens_and_reserved_tenants_are_refused() {
        for weak in [
            "a",
            "0123456789abcdef0123456789abcde", // 31 hex digits: 124 bits
            "Zm9vYmFyYmF6cXV4cXV1e",           // 21 base64url characters
            "00000000000000000000000000000000", // no randomness
            "abababababababababababababababab",
        ] {
            let message = parse_tokens(&format!("{weak}=north")).unwrap_err();
            assert!(message.contains("too weak"), "{weak}: {message}");
            assert!(weak.len() < 4 || !message.contains(weak), "{message}");
            assert!(Access::from_tokens(None, Some(weak.to_owned())).is_err());
        }
        for reserved in ["admin", "local", "Admin"] {
            let message = parse_tokens(&format!("{NORTH}={reserved}")).unwrap_err();
            assert!(message.contains("reserved"), "{message}");
        }
        assert!(parse_tokens(&format!("{NORTH}=administration")).is_ok());
    }

    #[test]
    fn no_tokens_means_local() {
        assert!(Access::from_tokens(None, None).unwrap().is_local());
        assert!(
            Access::from_tokens(Some(" "), Some(String::new()))
                .unwrap()
                .is_local()
        );
        let access =
            Access::from_tokens(Some(&format!("{NORTH}=a")), Some(ROOT.to_owned())).unwrap();
        assert_eq!(access.authenticate(Some(NORTH)).unwrap().tenant, "a");
        assert!(access.authenticate(Some(ROOT)).unwrap().admin);
        assert_eq!(access.authenticate(Some("x")).unwrap_err().status, 401);
        assert_eq!(access.authenticate(None).unwrap_err().status, 401);
        assert!(!format!("{access:?}").contains(ROOT));
    }

    #[test]
    fn the_throttle_counts_failures_only_and_refills() {
        let throttle = Throttle::default();
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..10 {
            assert!(throttle.check(client).is_ok());
            throttle.fail(client);
        }
        let wait = throttle.check(client).unwrap_err();
        assert!(
            wait <= THROTTLE_REFILL && wait > Duration::from_secs(5),
            "{wait:?}"
        );
        assert!(throttle.check(other).is_ok());
        // As if a refill period had passed.
        lock(&throttle.clients).get_mut(&client).unwrap().at -= THROTTLE_REFILL;
        assert!(throttle.check(client).is_ok());
        throttle.fail(client);
        assert!(throttle.check(client).is_err());
    }

    #[test]
    fn a_full_throttle_is_searched_for_clients_to_forget_at_most_once_a_second() {
        let throttle = Throttle::default();
        // Clients whose buckets are full again: forgotten when searched.
        let fill = || {
            let mut clients = lock(&throttle.clients);
            let full = Bucket {
                left: THROTTLE_BURST,
                at: Instant::now(),
            };
            for i in 0..u32::try_from(THROTTLE_CLIENTS).unwrap() {
                clients.insert(IpAddr::V4(i.into()), full);
            }
        };
        let len = || lock(&throttle.clients).len();
        let known = |addr: &str| lock(&throttle.clients).contains_key(&addr.parse().unwrap());
        fill();
        throttle.fail("192.0.2.1".parse().unwrap());
        assert_eq!(len(), 1);
        assert!(known("192.0.2.1"));
        // Full again within the second: a new client shares the bucket of
        // unknown clients, and nothing is searched or forgotten.
        fill();
        throttle.fail("192.0.2.2".parse().unwrap());
        assert!(!known("192.0.2.2"));
        assert!(lock(&throttle.clients).contains_key(&UNKNOWN_CLIENT));
        assert_eq!(len(), THROTTLE_CLIENTS + 2);
        // As if the second had passed: searched again.
        *lock(&throttle.pruned) = None;
        throttle.fail("192.0.2.3".parse().unwrap());
        assert!(known("192.0.2.3"));
        // The full buckets are gone; the two that failed stay.
        assert_eq!(len(), 3);
        assert!(known("192.0.2.1"));
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let mut extensions = Extensions::new();
        let addr: SocketAddr = "[2001:db8:1:2:3:4:5:6]:443".parse().unwrap();
        extensions.insert(ConnectInfo(addr));
        assert_eq!(
            client(&extensions),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        let mut extensions = Extensions::new();
        let addr: SocketAddr = "[::ffff:192.0.2.7]:443".parse().unwrap();
        extensions.insert(ConnectInfo(addr));
        assert_eq!(client(&extensions), "192.0.2.7".parse::<IpAddr>().unwrap());
        assert_eq!(client(&Extensions::new()), UNKNOWN_CLIENT);
    }

    fn store() -> Arc<dyn Store> {
        Arc::new(crate::store::SqliteStore::in_memory().unwrap())
    }

    #[test]
    fn logins_expire_and_end() {
        let store = store();
        let access = Access::from_tokens(Some(&format!("{NORTH}=north")), None).unwrap();
        let north = access.authenticate(Some(NORTH)).unwrap();
        let logins = Logins::new(Arc::clone(&store), access.clone(), Duration::from_hours(1));
        let id = logins.start(north.clone()).unwrap();
        assert_eq!(id.len(), 64);
        assert_eq!(logins.get(&id), Some(north.clone()));
        assert_eq!(logins.get("0"), None);
        logins.end(&id);
        assert_eq!(logins.get(&id), None);
        let expired = Logins::new(Arc::clone(&store), access, Duration::ZERO);
        let id = expired.start(north).unwrap();
        assert_eq!(expired.get(&id), None);
        // The job deletes it; a second run finds nothing.
        assert_eq!(store.expire_logins().unwrap(), 1);
        assert_eq!(store.expire_logins().unwrap(), 0);
    }

    /// A login ends with its token's last day, however long logins last.
    #[test]
    fn a_login_ends_no_later_than_its_token() {
        let day = Duration::from_hours(24);
        // 2026-12-02T20:00:00Z: 20,789 days after 1970-01-01, and 20 hours.
        let now = Duration::from_hours(20_789 * 24 + 20);
        let eight = Duration::from_hours(8);
        assert_eq!(login_end(now, eight, None), "2026-12-03T04:00:00.000Z");
        assert_eq!(
            login_end(now, eight, Some("2026-12-02")),
            "2026-12-02T23:59:59.999Z"
        );
        assert_eq!(
            login_end(now, eight, Some("2026-12-03")),
            "2026-12-03T04:00:00.000Z"
        );
        assert_eq!(
            login_end(now, day * 400, Some("2027-06-30")),
            "2027-06-30T23:59:59.999Z"
        );
        // Through the store: a login made with a token whose last day has
        // passed (as if it passed while logged in) does not work.
        let store = store();
        let access = Access::from_tokens(Some(&format!("{NORTH}=north")), None).unwrap();
        let logins = Logins::new(store, access, Duration::from_hours(1));
        let mut north = Principal::of("north", false);
        north.until = Some("2000-01-01".to_owned());
        let id = logins.start(north.clone()).unwrap();
        assert_eq!(logins.get(&id), None);
        north.until = Some("9999-12-31".to_owned());
        let id = logins.start(north).unwrap();
        assert!(logins.get(&id).is_some());
    }

    /// Logins live in the store: another node (another `Logins` on the
    /// store) knows them, and a login whose tenant lost its tokens, or
    /// whose token passed its last day, no longer works.
    #[test]
    fn logins_are_shared_and_follow_the_configured_tokens() {
        let store = store();
        let both = format!("{NORTH}=north, {SOUTH}=south");
        let access = Access::from_tokens(Some(&both), Some(ROOT.to_owned())).unwrap();
        let ttl = Duration::from_hours(1);
        let a = Logins::new(Arc::clone(&store), access.clone(), ttl);
        let b = Logins::new(Arc::clone(&store), access, ttl);
        let north = a.start(Principal::of("north", false)).unwrap();
        let admin = a.start(Principal::of(ADMIN_TENANT, true)).unwrap();
        assert_eq!(b.get(&north).unwrap().tenant, "north");
        assert!(b.get(&admin).unwrap().admin);
        let south_only = Access::from_tokens(Some(&format!("{SOUTH}=south")), None).unwrap();
        let restarted = Logins::new(Arc::clone(&store), south_only, ttl);
        assert_eq!(restarted.get(&north), None);
        assert_eq!(restarted.get(&admin), None);
        let past = format!("{NORTH}=north;until=2000-01-01");
        let expired = Access::from_tokens(Some(&past), None).unwrap();
        assert_eq!(
            Logins::new(Arc::clone(&store), expired, ttl).get(&north),
            None
        );
        b.end(&north);
        assert_eq!(a.get(&north), None);
    }

    #[test]
    fn hosts_are_matched_by_name_and_port() {
        let loopback = AllowedHosts::loopback(Some(8080));
        for ok in [
            "localhost:8080",
            "LOCALHOST:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
        ] {
            assert!(loopback.allows(Some(ok), true), "{ok}");
        }
        for bad in [
            "localhost:8081",
            "localhost",
            "evil.example:8080",
            "localhost.evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "[::1]x:8080",
            "",
        ] {
            assert!(!loopback.allows(Some(bad), true), "{bad}");
        }
        assert!(!loopback.allows(None, true));
        assert!(AllowedHosts::Default.allows(Some("localhost:1234"), true));
        assert!(!AllowedHosts::Default.allows(Some("evil.example"), true));
        assert!(AllowedHosts::Default.allows(Some("evil.example"), false));
        let list = AllowedHosts::parse("vidare.example, [::1]:9000").unwrap();
        assert!(list.allows(Some("vidare.example:443"), false));
        assert!(list.allows(Some("vidare.example"), false));
        assert!(list.allows(Some("[::1]:9000"), false));
        assert!(!list.allows(Some("[::1]:9001"), false));
        assert!(!list.allows(Some("other.example"), false));
        assert!(AllowedHosts::parse("a.example:http").is_err());
        assert!(AllowedHosts::parse(" , ").is_err());
        assert!(AllowedHosts::parse("a/b").is_err());
    }
}
