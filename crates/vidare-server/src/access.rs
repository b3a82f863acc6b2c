//! Who may do what: bearer tokens mapped to tenants, or a local-only mode
//! with one implicit tenant when no token is configured.

use std::fmt;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::AppState;
use crate::problem::Problem;

/// The tenant of every session in local-only mode.
pub const LOCAL_TENANT: &str = "local";

/// The tenant of sessions created with the admin token.
pub const ADMIN_TENANT: &str = "admin";

/// How requests are authenticated.
#[derive(Clone)]
pub enum Access {
    /// No token configured: every request acts for one implicit tenant.
    /// The server only listens on loopback addresses in this mode.
    Local,
    /// Requests carry `Authorization: Bearer <token>` (or, on the web
    /// page, the login cookie); each token belongs to a tenant.
    Tokens {
        /// `(token, tenant)` pairs.
        tenants: Vec<(String, String)>,
        /// A token that may read and delete every tenant's sessions, and
        /// run the equality audit.
        admin: Option<String>,
    },
}

/// Debug never shows a token.
impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::Local => f.write_str("Local"),
            Access::Tokens { tenants, admin } => f
                .debug_struct("Tokens")
                .field("tenants", &tenants.len())
                .field("admin", &admin.is_some())
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
}

impl Principal {
    /// The tenant to filter by: `None` for the admin, who sees all.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        (!self.admin).then_some(self.tenant.as_str())
    }
}

impl Access {
    /// Builds the access configuration from a token list (see
    /// [`parse_tokens`]) and an optional admin token; neither means
    /// [`Access::Local`].
    ///
    /// # Errors
    /// A message naming the entry that is malformed, without the token.
    pub fn from_tokens(tokens: Option<&str>, admin: Option<String>) -> Result<Access, String> {
        let tenants = match tokens {
            Some(text) => parse_tokens(text)?,
            None => Vec::new(),
        };
        let admin = admin
            .filter(|a| !a.trim().is_empty())
            .map(|a| a.trim().to_owned());
        if let Some(admin) = &admin {
            if tenants.iter().any(|(t, _)| t == admin) {
                return Err("the admin token is also a tenant's token".to_owned());
            }
        }
        if tenants.is_empty() && admin.is_none() {
            Ok(Access::Local)
        } else {
            Ok(Access::Tokens { tenants, admin })
        }
    }

    /// Whether this is the local-only mode.
    #[must_use]
    pub fn is_local(&self) -> bool {
        matches!(self, Access::Local)
    }

    /// The principal for a presented token.
    ///
    /// # Errors
    /// A 401 problem when a token is needed and missing or unknown.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Principal, Problem> {
        let (tenants, admin) = match self {
            Access::Local => {
                return Ok(Principal {
                    tenant: LOCAL_TENANT.to_owned(),
                    admin: false,
                });
            }
            Access::Tokens { tenants, admin } => (tenants, admin),
        };
        let Some(token) = token else {
            return Err(Problem::unauthorized(
                "this request needs a bearer token: send `Authorization: Bearer <token>`",
            ));
        };
        // Compare against every token so the time taken does not tell
        // which tenant's token was close.
        let mut found = None;
        for (known, tenant) in tenants {
            if constant_time_eq(known.as_bytes(), token.as_bytes()) {
                found = Some(Principal {
                    tenant: tenant.clone(),
                    admin: false,
                });
            }
        }
        if let Some(admin) = admin {
            if constant_time_eq(admin.as_bytes(), token.as_bytes()) {
                found = Some(Principal {
                    tenant: ADMIN_TENANT.to_owned(),
                    admin: true,
                });
            }
        }
        found.ok_or_else(|| Problem::unauthorized("the bearer token is not valid"))
    }
}

/// Parses `token=tenant` entries separated by commas or new lines; blank
/// lines and lines starting with `#` are ignored.
///
/// # Errors
/// A message naming the entry by its position, never quoting a token.
pub fn parse_tokens(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let entries = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty());
    for (n, entry) in entries.enumerate() {
        let Some((token, tenant)) = entry.split_once('=') else {
            return Err(format!(
                "token entry {} has no `=`: write token=tenant",
                n + 1
            ));
        };
        let (token, tenant) = (token.trim(), tenant.trim());
        if token.is_empty() || tenant.is_empty() {
            return Err(format!(
                "token entry {} has an empty token or tenant: write token=tenant",
                n + 1
            ));
        }
        if !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "token entry {}: the tenant `{tenant}` may only hold letters, digits, `-`, `_` and `.`",
                n + 1
            ));
        }
        if out.iter().any(|(t, _)| t == token) {
            return Err(format!("token entry {} repeats an earlier token", n + 1));
        }
        out.push((token.to_owned(), tenant.to_owned()));
    }
    Ok(out)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

impl FromRequestParts<AppState> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        state.access().authenticate(bearer(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_from_commas_and_lines() {
        let parsed = parse_tokens("a1=north, b2 = south\n# comment\nc3=north\n").unwrap();
        assert_eq!(
            parsed,
            vec![
                ("a1".to_owned(), "north".to_owned()),
                ("b2".to_owned(), "south".to_owned()),
                ("c3".to_owned(), "north".to_owned())
            ]
        );
        assert!(parse_tokens("secret").unwrap_err().contains("entry 1"));
        assert!(!parse_tokens("secret").unwrap_err().contains("secret"));
        assert!(parse_tokens("a=x,a=y").is_err());
        assert!(parse_tokens("a=x y").is_err());
    }

    #[test]
    fn no_tokens_means_local() {
        assert!(Access::from_tokens(None, None).unwrap().is_local());
        assert!(
            Access::from_tokens(Some(" "), Some(String::new()))
                .unwrap()
                .is_local()
        );
        let access = Access::from_tokens(Some("t=a"), Some("root".into())).unwrap();
        assert_eq!(access.authenticate(Some("t")).unwrap().tenant, "a");
        assert!(access.authenticate(Some("root")).unwrap().admin);
        assert_eq!(access.authenticate(Some("x")).unwrap_err().status, 401);
        assert_eq!(access.authenticate(None).unwrap_err().status, 401);
        assert!(!format!("{access:?}").contains("root"));
    }
}
