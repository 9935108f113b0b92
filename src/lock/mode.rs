//! How a command may use the project's lock (`--locked`, `--frozen`, `--no-lock`): what each
//! means for a sync is decided in `lock_policy`.

/// How `pylock.toml` is used (`lock_policy` decides what each means for a sync).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LockMode {
    /// Use a current lock; re-lock a stale one; no lock: write the first one.
    #[default]
    Auto,
    /// Use a current lock; never write one (`--no-lock`, `[tool.pvm] lock = false`).
    NoNewLock,
    /// A missing or stale lock is an error.
    Locked,
    /// Install the lock as it is, without checking it against the manifest.
    Frozen,
}
