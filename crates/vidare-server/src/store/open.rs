//! Choosing the backend: `sqlite:PATH` or `postgres://...`.

use std::path::PathBuf;
use std::time::Duration;

use super::{
    ListCursor, LoginDigest, NewSession, PostgresOptions, PostgresStore, SessionRow, SqliteOptions,
    SqliteStore, StatisticsCell, StatisticsRow, Store, StoreError, Stored,
};

/// Where the sessions are kept (`VIDARE_DATABASE_URL`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite:PATH`: one file on this machine.
    Sqlite(PathBuf),
    /// `postgres://...` or `postgresql://...`: a server several nodes share.
    Postgres(String),
}

/// The URL may hold a password: only its scheme is shown.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(_) => f.write_str("postgres://(hidden)"),
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("the database URL sqlite: names no file: use sqlite:PATH".to_owned());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        // Not repeated: it may hold a password.
        let scheme = url.split_once(':').map_or("(none)", |(s, _)| s);
        let scheme: String = scheme.chars().take(20).collect();
        Err(format!(
            "the database URL must start with sqlite: or postgres:// (its scheme is {scheme:?})"
        ))
    }
}

/// Opens the store a URL names.
///
/// # Errors
/// What the backend's `open` gives.
pub fn open(
    url: &DatabaseUrl,
    sqlite: &SqliteOptions,
    postgres: &PostgresOptions,
) -> Result<Box<dyn Store>, StoreError> {
    Ok(match url {
        DatabaseUrl::Sqlite(path) => Box::new(SqliteStore::open_with(path, sqlite)?),
        DatabaseUrl::Postgres(url) => Box::new(PostgresStore::open(url, postgres)?),
    })
}

/// A boxed store is a store, with the backend's own methods (provided
/// ones included, which a backend may do in fewer queries).
impl Store for Box<dyn Store> {
    fn create(&self, new: &NewSession) -> Result<SessionRow, StoreError> {
        (**self).create(new)
    }
    fn load(&self, scope: Option<&str>, id: &str) -> Result<Stored, StoreError> {
        (**self).load(scope, id)
    }
    fn append(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        event: &vidare::Event,
    ) -> Result<u64, StoreError> {
        (**self).append(scope, id, expected, event)
    }
    fn close(
        &self,
        scope: Option<&str>,
        id: &str,
        expected: u64,
        results: &serde_json::Value,
        forget_log: bool,
    ) -> Result<SessionRow, StoreError> {
        (**self).close(scope, id, expected, results, forget_log)
    }
    fn add_statistics(
        &self,
        questionnaire: &str,
        version: &str,
        cells: &[StatisticsCell],
    ) -> Result<(), StoreError> {
        (**self).add_statistics(questionnaire, version, cells)
    }
    fn statistics(
        &self,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<StatisticsRow>, StoreError> {
        (**self).statistics(questionnaire, version)
    }
    fn delete(&self, scope: Option<&str>, id: &str) -> Result<(), StoreError> {
        (**self).delete(scope, id)
    }
    fn list(&self, scope: Option<&str>) -> Result<Vec<SessionRow>, StoreError> {
        (**self).list(scope)
    }
    fn list_page(
        &self,
        scope: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        (**self).list_page(scope, after, limit)
    }
    fn ready(&self) -> Result<(), StoreError> {
        (**self).ready()
    }
    fn load_version(
        &self,
        scope: Option<&str>,
        questionnaire: &str,
        version: &str,
    ) -> Result<Vec<Stored>, StoreError> {
        (**self).load_version(scope, questionnaire, version)
    }
    fn idle(&self, idle: Duration) -> Result<Vec<(String, String)>, StoreError> {
        (**self).idle(idle)
    }
    fn start_login(&self, login: &LoginDigest, tenant: &str, ends: &str) -> Result<(), StoreError> {
        (**self).start_login(login, tenant, ends)
    }
    fn login(&self, login: &LoginDigest) -> Result<Option<String>, StoreError> {
        (**self).login(login)
    }
    fn end_login(&self, login: &LoginDigest) -> Result<(), StoreError> {
        (**self).end_login(login)
    }
    fn expire_logins(&self) -> Result<u64, StoreError> {
        (**self).expire_logins()
    }
    fn form_key(&self, candidate: &[u8; 32]) -> Result<[u8; 32], StoreError> {
        (**self).form_key(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sqlite:PATH` opens that file, and the boxed store writes to it.
    #[test]
    fn a_sqlite_url_opens_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let url: DatabaseUrl = format!("sqlite:{}", path.display()).parse().unwrap();
        let store = open(&url, &SqliteOptions::default(), &PostgresOptions::default()).unwrap();
        let new = NewSession {
            id: "s1".into(),
            tenant: "a".into(),
            questionnaire: "q".into(),
            version: "1.0.0".into(),
            digest: "sha256:0".into(),
            language: "en".into(),
        };
        store.create(&new).unwrap();
        drop(store);
        let reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(reopened.list(None).unwrap()[0].id, "s1");
    }

    #[test]
    fn urls_pick_the_backend() {
        let parse = |s: &str| s.parse::<DatabaseUrl>();
        assert_eq!(
            parse("sqlite:data/v.sqlite3"),
            Ok(DatabaseUrl::Sqlite("data/v.sqlite3".into()))
        );
        assert_eq!(
            parse("sqlite:///abs/v.sqlite3"),
            Ok(DatabaseUrl::Sqlite("/abs/v.sqlite3".into()))
        );
        assert!(matches!(
            parse("postgresql://u:p@h/d"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(parse("sqlite:").unwrap_err().contains("names no file"));
        let e = parse("mysql://root:s3cret@h/d").unwrap_err();
        assert!(e.contains("\"mysql\"") && !e.contains("s3cret"), "{e}");
        let shown = format!("{:?}", parse("postgres://u:s3cret@h/d").unwrap());
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
