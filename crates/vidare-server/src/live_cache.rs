//! Open sessions kept warm between their steps, so that an answer does
//! not read the whole log back and replay it (which made each answer cost
//! in proportion to the answers before it).
//!
//! The cache is never the source of truth: a step taken from a cached
//! session is committed only by the store's conditional append, which
//! refuses it unless the stored session is open, in the caller's scope and
//! still has exactly the events the step expects. So a cached session that
//! another node, a close, an expiry or a deletion has overtaken can only
//! turn a write into the 409 or 404 the store gives; it is never written
//! over. Reads (`GET`) always go to the store.
//!
//! An entry is taken out while a request uses it and put back after the
//! commit, so two concurrent steps on one session never share one; the
//! second reads the store as before. Entries go when their session closes
//! or is deleted, and the least recently used go first once the cache is
//! full, so answers stay in memory no longer than the interview is active.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use crate::service::Live;

/// Open sessions by id.
pub(crate) struct LiveCache {
    entries: Option<Mutex<LruCache<String, Live>>>,
}

impl LiveCache {
    /// A cache of at most `capacity` sessions; 0 keeps none.
    pub(crate) fn new(capacity: usize) -> LiveCache {
        LiveCache {
            entries: NonZeroUsize::new(capacity).map(|c| Mutex::new(LruCache::new(c))),
        }
    }

    /// Takes out the session `id` if it is cached, open, in `scope` (the
    /// caller's tenant, `None` for the admin) and at `expected` events.
    /// An entry at another count is dropped: the store knows better.
    pub(crate) fn take(&self, id: &str, scope: Option<&str>, expected: u64) -> Option<Live> {
        let live = self.entries.as_ref()?.lock().ok()?.pop(id)?;
        let usable = live.session.is_some()
            && live.row.closed.is_none()
            && live.row.event_count == expected
            && scope.is_none_or(|tenant| tenant == live.row.tenant);
        if usable {
            return Some(live);
        }
        // In another tenant's scope the entry stays for its owner.
        if scope.is_some_and(|tenant| tenant != live.row.tenant) {
            self.put_back(live);
        }
        None
    }

    /// Keeps a copy of an open session after a committed step.
    pub(crate) fn keep(&self, live: &Live) {
        if live.session.is_some() && live.row.closed.is_none() {
            self.put_back(live.clone());
        }
    }

    /// Forgets the session `id` (closed, deleted, or a write failed).
    pub(crate) fn forget(&self, id: &str) {
        if let Some(mut entries) = self.entries.as_ref().and_then(|m| m.lock().ok()) {
            entries.pop(id);
        }
    }

    fn put_back(&self, live: Live) {
        if let Some(mut entries) = self.entries.as_ref().and_then(|m| m.lock().ok()) {
            entries.put(live.row.id.clone(), live);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SessionRow;

    fn live(id: &str, tenant: &str, events: u64) -> Live {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../questionnaires/violence-seven/2.0.0.yaml"
        );
        let q = vidare::load(path).expect("a shipped questionnaire");
        Live {
            row: SessionRow {
                id: id.to_owned(),
                tenant: tenant.to_owned(),
                questionnaire: q.id().to_owned(),
                version: q.version().to_owned(),
                digest: q.digest().to_owned(),
                language: "en".to_owned(),
                created_at: String::new(),
                updated_at: String::new(),
                event_count: events,
                closed: None,
            },
            session: Some(vidare::Session::new(&q)),
            questionnaire: q,
            events: Vec::new(),
        }
    }

    #[test]
    fn only_the_owner_at_the_expected_count_takes_an_entry() {
        let cache = LiveCache::new(4);
        cache.keep(&live("s1", "a", 3));
        assert!(cache.take("s1", Some("b"), 3).is_none(), "another tenant");
        assert!(cache.take("s1", Some("a"), 2).is_none(), "a stale count");
        // The stale count dropped it: the store is read next time.
        cache.keep(&live("s1", "a", 3));
        assert!(cache.take("s1", Some("a"), 3).is_some());
        assert!(
            cache.take("s1", Some("a"), 3).is_none(),
            "taken out while in use"
        );
        cache.keep(&live("s1", "a", 3));
        assert!(cache.take("s1", None, 3).is_some(), "the admin");
    }

    #[test]
    fn forgotten_closed_and_evicted_sessions_are_not_served() {
        let cache = LiveCache::new(2);
        cache.keep(&live("s1", "a", 1));
        cache.forget("s1");
        assert!(cache.take("s1", Some("a"), 1).is_none());
        let mut closed = live("s2", "a", 1);
        closed.session = None;
        cache.keep(&closed);
        assert!(cache.take("s2", Some("a"), 1).is_none());
        for id in ["s3", "s4", "s5"] {
            cache.keep(&live(id, "a", 0));
        }
        assert!(cache.take("s3", Some("a"), 0).is_none(), "the oldest went");
        assert!(cache.take("s5", Some("a"), 0).is_some());
        let none = LiveCache::new(0);
        none.keep(&live("s6", "a", 0));
        assert!(none.take("s6", Some("a"), 0).is_none());
    }
}
