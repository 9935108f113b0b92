//! Changing a project's own files (its manifest or script, its lock): one pvm at a time, and
//! all or nothing. A command takes the project's lock, reads the files under it, and on a
//! failure or a Ctrl-C puts every one back byte for byte.

use std::path::{Path, PathBuf};

use crate::commands::Context;
use crate::install::pylock::LEGACY_LOCK_FILE;
use crate::interrupt;
use crate::project::Project;
use crate::store::{EnvLock, Store};

/// Takes the lock on the project's files, keyed by `key` (its canonical root, or a script's
/// canonical path), saying so when another pvm holds it. Held until dropped: through the
/// sync that follows an edit, so that nobody edits, re-locks or syncs from a stale read.
pub fn lock(ctx: &Context, store: &Store, key: &Path) -> anyhow::Result<EnvLock> {
    store.prepare()?;
    Ok(store.lock_project(key, |path| {
        ctx.ui.status(
            "Waiting",
            format!(
                "for another pvm to finish changing this project (lock {})",
                path.display()
            ),
        )
    })?)
}

/// [`lock`] for `project`, which is then read again: another pvm may have changed it while
/// this one waited, and the change must start from what it holds now.
pub fn lock_project(ctx: &Context, project: &Project) -> anyhow::Result<(Project, EnvLock)> {
    let store = ctx.store()?;
    let lock = lock(ctx, &store, project.env_key())?;
    let project = Project::load(project.env_key())?;
    Ok((project, lock))
}

/// The files as they were, to put back when the change fails or is interrupted.
pub struct Transaction {
    files: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Transaction {
    /// Keeps `paths` as they are now (one that does not exist is removed again on failure).
    pub fn begin(paths: impl IntoIterator<Item = PathBuf>) -> anyhow::Result<Transaction> {
        // A Ctrl-C that came before anything changed ends the command here.
        interrupt::check()?;
        let mut files = Vec::new();
        for path in paths {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                Err(err) => {
                    return Err(
                        anyhow::Error::new(err).context(format!("cannot read {}", path.display()))
                    );
                }
            };
            files.push((path, bytes));
        }
        Ok(Transaction { files })
    }

    /// The project's manifest (or script), its lock, and an old `pvm.lock` that a re-lock
    /// migrates (and removes).
    pub fn of_project(project: &Project) -> anyhow::Result<Transaction> {
        let manifest = project
            .script
            .clone()
            .unwrap_or_else(|| project.manifest_path());
        Transaction::begin(std::iter::once(manifest).chain(lock_files(project)))
    }

    /// Every file back as it was: the names of those that had changed and are back, and of
    /// those that were not there and are gone again.
    pub fn restore(&self) -> (Vec<String>, Vec<String>) {
        let (mut restored, mut removed) = (Vec::new(), Vec::new());
        for (path, bytes) in &self.files {
            if std::fs::read(path).ok() == *bytes {
                continue;
            }
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            match bytes {
                Some(bytes) if crate::fsutil::write_atomic(path, bytes).is_ok() => {
                    restored.push(name)
                }
                None if std::fs::remove_file(path).is_ok() => removed.push(name),
                _ => {}
            }
        }
        (restored, removed)
    }

    /// Ends the change: kept when `result` is a success and no signal came; otherwise every
    /// file goes back as it was, and the error says so. After a Ctrl-C the error is the
    /// interruption, whichever step it stopped (the installer it killed, a wait).
    pub fn finish<T>(self, ctx: &Context, result: anyhow::Result<T>) -> anyhow::Result<T> {
        let checked = result.and_then(|value| {
            interrupt::check()?;
            Ok(value)
        });
        let err = match checked {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let (restored, removed) = self.restore();
        let mut said = Vec::new();
        if !restored.is_empty() {
            said.push(format!("{} put back as before", restored.join(" and ")));
        }
        if !removed.is_empty() {
            said.push(format!("{} removed", removed.join(" and ")));
        }
        if !said.is_empty() {
            ctx.ui.warn(format!("nothing changed: {}", said.join("; ")));
        }
        match interrupt::check() {
            Err(interrupted) => Err(interrupted.into()),
            Ok(()) => Err(err),
        }
    }
}

/// The project's lock, and the old `pvm.lock` a re-lock migrates.
pub fn lock_files(project: &Project) -> Vec<PathBuf> {
    let mut files = vec![project.lock_path()];
    if project.script.is_none() {
        files.push(project.root.join(LEGACY_LOCK_FILE));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_puts_back_changed_files_and_removes_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, changed, new) = (
            dir.path().join("kept"),
            dir.path().join("changed"),
            dir.path().join("new"),
        );
        std::fs::write(&kept, b"same").unwrap();
        std::fs::write(&changed, b"before\r\n \t").unwrap();
        let transaction = Transaction::begin([kept.clone(), changed.clone(), new.clone()]).unwrap();
        std::fs::write(&changed, b"after").unwrap();
        std::fs::write(&new, b"written").unwrap();
        let (restored, removed) = transaction.restore();
        assert_eq!(restored, ["changed"]);
        assert_eq!(removed, ["new"]);
        assert_eq!(std::fs::read(&changed).unwrap(), b"before\r\n \t");
        assert_eq!(std::fs::read(&kept).unwrap(), b"same");
        assert!(!new.exists());
    }
}
