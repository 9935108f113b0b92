//! The project's own lock: read, resolved anew keeping its versions, written.

use std::sync::Arc;

use crate::config::Config;
use crate::installer::Backend;
use crate::lock::LockError;
use crate::lock::preferences::{self, Previous};
use crate::lock::pylock::{LEGACY_LOCK_FILE, Package, PyLock};
use crate::lock::resolve;
use crate::lock::uv_project;
use crate::project::Project;
use crate::project::package;
use crate::python::Facts;
use crate::venv::Layout;

/// The project's `pylock.toml`, if it has one.
pub fn read_lock(project: &Project) -> Result<Option<Arc<PyLock>>, LockError> {
    PyLock::read(&project.lock_path())
}

/// Resolves the project into `pylock.toml`, keeping the versions of the lock there (or of an
/// old `pvm.lock`, which is then removed: `true` when one was migrated) unless `upgrade`.
pub fn relock(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    upgrade: bool,
    config: &Config,
) -> Result<(Arc<PyLock>, bool), LockError> {
    let legacy = project.root.join(LEGACY_LOCK_FILE);
    let lock = resolve_keeping(project, layout, facts, backend, upgrade, config)?;
    let lock = write_lock(project, layout, lock, config)?;
    let migrated = project.script.is_none() && legacy.is_file();
    if migrated {
        std::fs::remove_file(&legacy).map_err(|source| LockError::Io {
            path: legacy,
            source,
        })?;
    }
    Ok((lock, migrated))
}

/// Resolves the project into a lock (written nowhere), keeping the versions of the lock there
/// (or of an old `pvm.lock`) unless `upgrade`.
pub fn resolve_keeping(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    upgrade: bool,
    config: &Config,
) -> Result<PyLock, LockError> {
    let path = project.lock_path();
    let previous = match std::fs::read(&path) {
        Ok(text) => {
            let digest = crate::lock::parsed::digest(&text);
            Previous::of_lock(path, uv_project::known_key(layout, &digest, config))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Previous::known(preferences::unmarked(
                crate::lock::pylock::legacy_pins(&project.root)
                    .or_else(|| crate::lock_policy::foreign::pins(project))
                    .or_else(|| constraint_pins(project))
                    .unwrap_or_default(),
            ))
        }
        Err(source) => return Err(LockError::Io { path, source }),
    };
    resolve::resolve(project, layout, facts, backend, &previous, upgrade, config)
}

/// Writes `lock` as the project's `pylock.toml`, filed under its pins where a `uv.lock` is
/// kept for them, so that the next re-lock need not parse it; gives the lock as the next read
/// of the file does.
pub fn write_lock(
    project: &Project,
    layout: &Layout,
    lock: PyLock,
    config: &Config,
) -> Result<Arc<PyLock>, LockError> {
    let (digest, lock) = lock.write(&project.lock_path())?;
    uv_project::file_written(layout, &digest, &preferences::pins_of(&lock), config);
    Ok(lock)
}

/// The versions pip's constraints files beside the project pin, if any (not for a script).
fn constraint_pins(project: &Project) -> Option<std::collections::BTreeMap<String, String>> {
    let pins = crate::project::requirements_txt::constraint_pins(&project.root);
    (project.script.is_none() && !pins.is_empty()).then_some(pins)
}

/// The Pythons a universal lock was made for when the manifest did not say.
pub fn guessed_python(lock: &PyLock, project: &Project, facts: &Facts) -> Option<String> {
    let universal = lock.environments.is_none();
    universal
        .then(|| resolve::guessed_requires_python(project, facts))
        .flatten()
}

/// Whether a locked package is the project: its folder, or (in a lock written before pvm kept
/// the project out of resolutions) a release of its name, which must never replace it.
pub fn is_the_project(package: &Package, project: &Project) -> bool {
    package.is_project(&project.root)
        || package::own_name(project).is_some_and(|own| package.name == own)
}
