//! Changing a project's own files (its manifest or script, its lock): one pvm at a time, and
//! all or nothing. A command takes the project's lock, reads the files under it, and on a
//! failure or a Ctrl-C puts every one back byte for byte.

use std::path::{Path, PathBuf};

use crate::commands::Context;
use crate::interrupt;
use crate::lock::pylock::LEGACY_LOCK_FILE;
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

    /// Every file back as it was: the names of those that had changed and are back, of those
    /// that were not there and are gone again, and of those that could not be put back.
    pub fn restore(&self) -> Restored {
        let mut done = Restored::default();
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
                    done.restored.push(name)
                }
                None if std::fs::remove_file(path).is_ok() => done.removed.push(name),
                _ => done.left.push(name),
            }
        }
        done
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
        ctx.ui.warn(self.restore().message());
        match interrupt::check() {
            Err(interrupted) => Err(interrupted.into()),
            Ok(()) => Err(err),
        }
    }
}

/// What [`Transaction::restore`] did, by file name.
#[derive(Debug, Default)]
pub struct Restored {
    pub restored: Vec<String>,
    pub removed: Vec<String>,
    /// Changed, and could not be put back.
    pub left: Vec<String>,
}

impl Restored {
    /// In words, never with an empty part.
    fn message(&self) -> String {
        if !self.left.is_empty() {
            return format!(
                "could not put back {} as it was before the change",
                self.left.join(" and ")
            );
        }
        let mut said = Vec::new();
        if !self.restored.is_empty() {
            said.push(format!(
                "{} put back as before",
                self.restored.join(" and ")
            ));
        }
        if !self.removed.is_empty() {
            said.push(format!("{} removed", self.removed.join(" and ")));
        }
        if said.is_empty() {
            "nothing changed".to_string()
        } else {
            format!("nothing changed: {}", said.join("; "))
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
        let done = transaction.restore();
        assert_eq!(done.restored, ["changed"]);
        assert_eq!(done.removed, ["new"]);
        assert!(done.left.is_empty());
        assert_eq!(
            done.message(),
            "nothing changed: changed put back as before; new removed"
        );
        assert_eq!(std::fs::read(&changed).unwrap(), b"before\r\n \t");
        assert_eq!(std::fs::read(&kept).unwrap(), b"same");
        assert!(!new.exists());
    }
}
