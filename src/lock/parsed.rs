//! The last `pylock.toml` text parsed, and what it parsed into: one command reads the lock
//! several times (the freshness check, the policy, the resolver's preferences, the sync's
//! plan), and parsing a lock of a few hundred packages with every wheel is most of pvm's own
//! time in `pvm add` and `pvm lock`. Keyed by the whole text, so a changed file is parsed again.

use std::sync::Mutex;

use crate::lock::pylock::PyLock;

static LAST: Mutex<Option<(String, PyLock)>> = Mutex::new(None);

/// The lock `text` parsed into last time, if it was the last text parsed.
pub fn recall(text: &str) -> Option<PyLock> {
    let last = LAST.lock().ok()?;
    last.as_ref()
        .filter(|(known, _)| known == text)
        .map(|(_, lock)| lock.clone())
}

/// Remembers what `text` parsed into.
pub fn remember(text: String, lock: &PyLock) {
    if let Ok(mut last) = LAST.lock() {
        *last = Some((text, lock.clone()));
    }
}
