//! Ctrl-C and SIGTERM for the commands that change the project's files (`add`, `drop`, `lock`,
//! `init`): instead of dying half-way, pvm notes the signal, stops the installer it started,
//! lets the work in progress fail at its next check, puts the files back and exits 128 + the
//! signal (130 for Ctrl-C, as uv does).
//!
//! Other commands keep the default: killed at once, which the env's commit mark heals.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

pub use crate::platform::process::{SIGINT, SIGTERM};

/// The signal received, 0 before any.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// Whether the handlers are installed: without them no signal is ever noted.
static CATCHING: AtomicBool = AtomicBool::new(false);
/// The children running now (0: a free slot), which the handler passes the signal on to: a
/// terminal's Ctrl-C reaches them anyway (one process group), a `kill` of pvm alone does not.
static CHILDREN: [AtomicI32; 8] = [const { AtomicI32::new(0) }; 8];

/// Does only what is async-signal-safe: atomics and `kill` ([`crate::platform::send_signal`]).
extern "C" fn on_signal(signum: i32) {
    RECEIVED.store(signum, Ordering::SeqCst);
    for slot in &CHILDREN {
        let pid = slot.load(Ordering::SeqCst);
        if pid > 0 {
            // Async-signal-safe; the pid is a child not yet waited for.
            crate::platform::send_signal(pid, signum);
        }
    }
}

/// From now on SIGINT and SIGTERM are noted rather than fatal. (glibc's `signal` restarts
/// interrupted system calls: waits that must end on a signal poll [`received`].)
pub fn catch() {
    CATCHING.store(true, Ordering::SeqCst);
    crate::platform::process::handle_signals(on_signal);
}

/// The signal received since [`catch`], if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signum => Some(signum),
    }
}

/// A signal arrived: whatever runs stops here.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("interrupted by {}", name(*.signal))]
pub struct Interrupted {
    pub signal: i32,
}

impl crate::hint::Hint for Interrupted {}

fn name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "Ctrl-C (SIGINT)",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// `Err` once a signal arrived: called between steps, so the work stops at the next one.
pub fn check() -> Result<(), Interrupted> {
    match received() {
        Some(signal) => Err(Interrupted { signal }),
        None => Ok(()),
    }
}

/// How pvm exits when a command failed after a signal: 128 + the signal, as a shell reports a
/// command the signal ended (130 for Ctrl-C, as uv).
pub fn exit_code() -> Option<i32> {
    received().map(|signal| 128 + signal)
}

/// A child process the signal is passed on to while it runs; dropped right after the child is
/// waited for.
pub struct Watched {
    slot: Option<&'static AtomicI32>,
}

/// Watches `pid` until the returned guard drops. A signal that came before the pid was noted
/// is passed on here; one that comes after, by the handler.
pub fn watch(pid: u32) -> Watched {
    let Ok(pid) = i32::try_from(pid) else {
        return Watched { slot: None };
    };
    if !CATCHING.load(Ordering::SeqCst) {
        return Watched { slot: None };
    }
    let slot = CHILDREN.iter().find(|slot| {
        slot.compare_exchange(0, pid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    });
    if let Some(signum) = received() {
        // The child is ours and not yet waited for.
        crate::platform::send_signal(pid, signum);
    }
    Watched { slot }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            slot.store(0, Ordering::SeqCst);
        }
    }
}
