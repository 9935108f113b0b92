//! Work spread over a few threads, for what waits on the file system or the network (linking
//! thousands of files, downloading wheels): scoped threads, no pool kept around.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads worth using: one per core, at most 8.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
}

/// `work` on every item, on up to `workers` threads; the results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], workers: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers.clamp(1, 8).min(items.len());
    if workers <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let drain = || {
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(at) else {
                return;
            };
            let result = work(item);
            *results[at].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        // A thread the system will not give (a memory or process limit) is not an error: the
        // threads that did start, and this one, share the work.
        for _ in 1..workers {
            if std::thread::Builder::new()
                .spawn_scoped(scope, drain)
                .is_err()
            {
                break;
            }
        }
        drain();
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was worked on")
        })
        .collect()
}
