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

/// The most threads [`map_io`] starts: uv's default for concurrent downloads.
pub const IO_WORKERS: usize = 50;

/// `work` on every item, on up to `workers` threads (at most 8: what keeps cores busy); the
/// results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], workers: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    spread(items, workers.clamp(1, 8), work)
}

/// [`map`] for work that mostly waits on the network (a download, then unpacking it while
/// other downloads go on): up to [`IO_WORKERS`] threads, one per item, as uv downloads.
pub fn map_io<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    spread(items, workers.clamp(1, IO_WORKERS), work)
}

fn spread<T: Sync, R: Send>(items: &[T], workers: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = workers.min(items.len());
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// The most items worked on at once when each waits a moment, by `map_io` or by `map`.
    fn overlap(io: bool) -> usize {
        let items: Vec<usize> = (0..60).collect();
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let work = |item: &usize| {
            most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            now.fetch_sub(1, Ordering::SeqCst);
            item * 2
        };
        let results = if io {
            map_io(&items, 100, work)
        } else {
            map(&items, 50, work)
        };
        assert_eq!(results, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        most.into_inner()
    }

    #[test]
    fn io_work_waits_side_by_side_up_to_its_limit_and_keeps_the_order() {
        assert!(overlap(false) <= 8);
        let io = overlap(true);
        assert!((9..=IO_WORKERS).contains(&io), "{io}");
    }
}
