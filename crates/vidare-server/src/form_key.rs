//! The key of the web page's form tokens (see `pages/guard.rs`), kept in
//! the store so that every node on it, and a restarted one, computes and
//! checks the same tokens.
//!
//! The key is held once per process: the form check runs where no state
//! is at hand, and a process serves one store. It is loaded when the
//! service is built ([`crate::AppState::new`]), and else on the first
//! page that needs it.

use std::sync::OnceLock;

use crate::store::{Store, StoreError};

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// The key, once loaded.
pub(crate) fn get() -> Option<&'static [u8; 32]> {
    KEY.get()
}

/// The key, loaded from `store` if it is not yet: the one stored there,
/// or a new random one stored first when there is none.
///
/// # Errors
/// When the system has no random numbers or the store cannot answer.
pub(crate) fn load(store: &dyn Store) -> Result<&'static [u8; 32], StoreError> {
    if let Some(key) = KEY.get() {
        return Ok(key);
    }
    let mut candidate = [0u8; 32];
    getrandom::fill(&mut candidate).map_err(|e| {
        StoreError::Backend(format!("no random numbers for the form-token key: {e}"))
    })?;
    let key = store.form_key(&candidate)?;
    Ok(KEY.get_or_init(|| key))
}
