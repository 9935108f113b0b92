//! What can go wrong in deciding what should be installed: no lock, a stale one, one not
//! for this interpreter, a broken one, a resolution that failed.

use crate::hint::Hint;
use std::path::PathBuf;

use crate::installer::{HASH_CHANGED, InstallerError};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("there is no pylock.toml")]
    NoLock,
    #[error("{file} is stale: {what} changed since it was written")]
    StaleLock { file: String, what: String },
    /// Another tool's lock (`poetry.lock`, `Pipfile.lock`) that its own tool would not use.
    #[error("{file} is not current: {why}")]
    ForeignStale { file: String, why: String },
    /// A lock resolved by pip holds the one environment it was made in; this env is another.
    #[error("{file} does not cover this interpreter (Python {python}): it holds {holds}")]
    LockNotForThisPython {
        file: String,
        python: String,
        holds: String,
        /// uv is at hand: `pvm lock` would write a universal lock in its place.
        uv: bool,
    },
    #[error("the lock names {}, which is outside the project, its find-links folders, its path sources and its `file://` requirements, or not a regular file", .path.display())]
    OutsideLock { path: PathBuf },
    #[error("{} is not a valid lock file: {message}", .path.display())]
    BadLock { path: PathBuf, message: String },
    #[error("{}: two entries for `{name}` apply to this environment: {first} and {second}", .path.display())]
    LockDuplicate {
        path: PathBuf,
        name: String,
        first: String,
        second: String,
    },
    #[error("{}: the marker of {package} cannot be read: `{marker}` ({reason})", .path.display())]
    LockMarker {
        path: PathBuf,
        package: String,
        marker: String,
        reason: String,
    },
    #[error("hash mismatch for {package}: {} has sha256 {actual}, the lock expects {expected}", .path.display())]
    HashMismatch {
        package: String,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{package} is locked, but its file {} is missing", .path.display())]
    MissingArtifact { package: String, path: PathBuf },
    #[error("{first} and {second} cannot be installed together")]
    Conflict { first: String, second: String },
    /// One extra or group cannot be resolved even alone with the project's dependencies.
    #[error("{part} cannot be resolved for every Python the project allows")]
    PartUnsolvable {
        part: String,
        #[source]
        source: InstallerError,
    },
    #[error("the env has no pip to install with (`seed-pip = false`)")]
    NoPip,
    #[error("the interpreter reported markers pvm cannot read: {0}")]
    Markers(String),
    #[error("cannot read or write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Selection(#[from] crate::project::SelectionError),
    #[error(transparent)]
    Installer(#[from] InstallerError),
    #[error(transparent)]
    Build(#[from] crate::build::BuildError),
    #[error(transparent)]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

impl Hint for LockError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            LockError::NoLock => "run `pvm lock` first".into(),
            LockError::StaleLock { file, .. } => {
                format!("run `pvm lock` and commit {file}, or drop --locked")
            }
            LockError::LockNotForThisPython { file, holds, uv, .. } => {
                let made_for = made_for(holds)
                    .map(|version| format!("`--python {}`", crate::quote::shell_word(version)))
                    .unwrap_or_else(|| "the interpreter named above".into());
                if *uv {
                    format!("run `pvm lock` to lock every platform and Python (uv is at hand) and commit {file}, or sync with the Python it was made for ({made_for})")
                } else {
                    format!("sync with the Python it was made for ({made_for}), or get uv (on PATH, PVM_UV, or `uv-downloads = \"automatic\"` with the index reachable) and run `pvm lock` to lock every platform and Python")
                }
            }
            LockError::ForeignStale { file, .. } => format!(
                "run `pvm lock`: it writes pylock.toml keeping the versions of {file} wherever the manifest allows (or drop --locked)"
            ),
            LockError::HashMismatch { .. } | LockError::MissingArtifact { .. } => HASH_CHANGED.into(),
            LockError::BadLock { .. } => "run `pvm lock` to write it anew".into(),
            LockError::LockDuplicate { .. } => {
                "one package may have several entries only under markers that exclude each other (uv refuses such a lock too): remove one, or run `pvm lock` to write the lock anew".into()
            }
            LockError::LockMarker { .. } => {
                "pvm installs nothing whose marker it cannot judge: correct it (PEP 508 markers, `'x' in extras`, `'g' in dependency_groups`), or run `pvm lock` to write the lock anew".into()
            }
            LockError::OutsideLock { .. } => {
                "a lock names only files pvm may read: if you trust it, move the file into the project or a find-links folder, then `pvm lock`".into()
            }
            LockError::Conflict { .. } => {
                "declare them in [tool.pvm] conflicts = [[{ group = \"a\" }, { group = \"b\" }]]: each is then locked on its own, and syncs never select both".into()
            }
            LockError::PartUnsolvable { part, .. } => format!(
                "the lines above name what in {part} cannot be had: loosen or drop that requirement of {part}, or narrow [project] requires-python to the Pythons it supports (a lock holds for every Python requires-python allows)"
            ),
            LockError::NoPip => "set `seed-pip = true` or `installer = \"uv\"`".into(),
            LockError::Io { .. } => "check that the folder is writable and has free space".into(),
            LockError::Selection(err) => return err.hint(),
            LockError::Installer(err) => return err.hint(),
            LockError::Build(err) => return err.hint(),
            _ => return None,
        })
    }
}

/// The Python version a pip lock's environment marker names (`python_version == '3.11'`).
fn made_for(environment: &str) -> Option<&str> {
    let rest = environment.split("python_version == '").nth(1)?;
    rest.split('\'')
        .next()
        .filter(|version| !version.is_empty())
}
