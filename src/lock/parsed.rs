//! The last `pylock.toml` text parsed, and what it parsed into: one command reads the lock
//! several times (the freshness check, the policy, the resolver's preferences, the sync's
//! plan), and parsing a lock of a few hundred packages with every wheel is most of pvm's own
//! time in `pvm add` and `pvm lock`. Keyed by the whole text, so a changed file is parsed again.

use std::sync::{Arc, Mutex};

use crate::fsutil::sha256_hex;
use crate::lock::pylock::PyLock;

/// The last lock text parsed or written, what it parsed into, and its sha256 once asked for.
struct Last {
    text: String,
    lock: Arc<PyLock>,
    digest: Option<String>,
}

static LAST: Mutex<Option<Last>> = Mutex::new(None);

/// The lock `text` parsed into last time, if it was the last text parsed: shared, not copied
/// (a universal lock is thousands of artifacts, and each reader only looks).
pub fn recall(text: &str) -> Option<Arc<PyLock>> {
    let last = LAST.lock().ok()?;
    last.as_ref()
        .filter(|last| last.text == text)
        .map(|last| Arc::clone(&last.lock))
}

/// Remembers what `text` parsed into, and its sha256 where the writer knows it.
pub fn remember(text: String, lock: Arc<PyLock>, digest: Option<String>) {
    if let Ok(mut last) = LAST.lock() {
        *last = Some(Last { text, lock, digest });
    }
}

/// The sha256 of a lock file's `bytes`, hashed once for the last text parsed or written: the
/// freshness check, the fingerprint and the re-lock each ask for it.
pub fn digest(bytes: &[u8]) -> String {
    if let Ok(mut last) = LAST.lock()
        && let Some(last) = last.as_mut()
        && last.text.as_bytes() == bytes
    {
        let digest = last.digest.get_or_insert_with(|| sha256_hex(bytes));
        return digest.clone();
    }
    sha256_hex(bytes)
}
