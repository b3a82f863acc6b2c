//! What guards the page's forms and keeps the interview out of the
//! browser's history: the check that a form post comes from this site
//! (CSRF), and the cookie that names the open interview, so that no
//! address the browser visits holds a session id.
//!
//! A form post is taken when the browser says it comes from this site
//! (`Sec-Fetch-Site: same-origin`, or `none` for one the user made
//! directly), or else when it carries the form token of the page it came
//! from: an HMAC-SHA-256, under a key kept in the store (`form_key.rs`,
//! the same on every node), of the browser's form cookie and its login
//! cookie. Another site can neither read the token nor compute it. `Origin: null` proves nothing either way:
//! the pages' `Referrer-Policy: no-referrer` makes browsers send it with
//! every post, from this site too.

use std::fmt::Write as _;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::AppState;

/// The browser's random form cookie, to which form tokens are bound.
const FORM_COOKIE: &str = "vidare_form";
/// The open interview of this browser: the session id lives here, never
/// in an address.
const INTERVIEW_COOKIE: &str = "vidare_interview";

/// The person's language in interpreter mode, beside the open interview
/// (a language code, never in an address).
const PERSON_COOKIE: &str = "vidare_person";

/// The value of cookie `name`, if the request has it.
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`.
fn hmac(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn token_for(key: &[u8; 32], form: &str, login: Option<&str>) -> String {
    let message = format!("vidare-form\n{form}\n{}", login.unwrap_or(""));
    hmac(key, message.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

fn cookie_header(name: &str, value: &str, state: &AppState) -> Option<HeaderValue> {
    let secure = if state.options().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

/// The form token of the page being rendered, and the form cookie to set
/// when the browser has none yet.
pub(crate) struct FormToken {
    token: String,
    new_cookie: Option<HeaderValue>,
}

impl FromRequestParts<AppState> for FormToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let store = state.store();
        let key = crate::access::wait_for(|| crate::form_key::load(store.as_ref()))
            .map_err(|e| crate::service::store_problem(e).into_response())?;
        let login = cookie(&parts.headers, super::COOKIE);
        let (form, new_cookie) = if let Some(form) = cookie(&parts.headers, FORM_COOKIE) {
            (form, None)
        } else {
            let form = crate::access::random_hex(16).map_err(IntoResponse::into_response)?;
            let set = cookie_header(FORM_COOKIE, &form, state);
            (form, set)
        };
        Ok(FormToken {
            token: token_for(key, &form, login.as_deref()),
            new_cookie,
        })
    }
}

impl FormToken {
    /// The token, for a hidden `csrf` field of every form.
    pub(super) fn token(&self) -> &str {
        &self.token
    }

    /// Sets the form cookie on `response` if the browser had none.
    pub(super) fn finish(self, mut response: Response) -> Response {
        if let Some(set) = self.new_cookie {
            response.headers_mut().append(header::SET_COOKIE, set);
        }
        response
    }
}

/// Whether a form post must be refused as coming from another site.
pub(super) fn refused(headers: &HeaderMap, fields: &[(String, String)]) -> bool {
    // A browser never adds a bearer header to a post another site makes.
    if headers.contains_key(header::AUTHORIZATION) {
        return false;
    }
    match headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or(""))
    {
        Some("same-origin" | "none") => false,
        Some(_) => true,
        None => {
            // No key yet: no token of this store has been checked here,
            // and none can be; the page, reloaded, loads the key.
            let (Some(form), Some(key)) = (cookie(headers, FORM_COOKIE), crate::form_key::get())
            else {
                return true;
            };
            let expected = token_for(key, &form, cookie(headers, super::COOKIE).as_deref());
            let sent = super::field(fields, "csrf").unwrap_or("");
            !bool::from(expected.as_bytes().ct_eq(sent.as_bytes()))
        }
    }
}

/// The interview this browser has open.
pub(super) fn interview(headers: &HeaderMap) -> Option<String> {
    cookie(headers, INTERVIEW_COOKIE).filter(|id| crate::service::valid_id(id))
}

/// Makes `id` this browser's open interview.
pub(super) fn open_interview(mut response: Response, state: &AppState, id: &str) -> Response {
    if let Some(set) = cookie_header(INTERVIEW_COOKIE, id, state) {
        response.headers_mut().append(header::SET_COOKIE, set);
    }
    response
}

/// Forgets this browser's open interview (the session itself stays) and
/// the person's language with it.
pub(super) fn forget_interview(mut response: Response) -> Response {
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("vidare_interview=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    forget_person(response)
}

/// The person's language this browser's interview is shown in beside the
/// practitioner's, if any: a language code (letters, digits and `-`).
pub(super) fn person(headers: &HeaderMap) -> Option<String> {
    cookie(headers, PERSON_COOKIE).filter(|code| {
        code.len() <= 35 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// Shows this browser's interview in interpreter mode with `code`.
pub(super) fn set_person(mut response: Response, state: &AppState, code: &str) -> Response {
    if let Some(set) = cookie_header(PERSON_COOKIE, code, state) {
        response.headers_mut().append(header::SET_COOKIE, set);
    }
    response
}

/// Leaves interpreter mode.
pub(super) fn forget_person(mut response: Response) -> Response {
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("vidare_person=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}
