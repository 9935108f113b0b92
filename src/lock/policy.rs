//! The one place that decides what a sync does with the project's lock: use it, re-lock it
//! keeping its versions, write the first one, install from the manifest, or refuse. A lock is
//! never rewritten because the interpreter at hand differs from the one it was made with.

use super::freshness::{Freshness, freshness};
use super::{LockError, guessed_python, read_lock, relock};
use crate::config::Config;
use crate::installer::{Backend, find_uv};
use crate::lock::pylock::{LEGACY_LOCK_FILE, PyLock};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::venv::Layout;

/// How `pylock.toml` is used (this module decides what each means for a sync).
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

/// The lock a sync installs from, and what was done to get it, for the report.
#[derive(Debug, Default)]
pub struct Chosen {
    pub lock: Option<PyLock>,
    /// A stale lock (or an old `pvm.lock`) was re-locked.
    pub relocked: bool,
    /// An old `pvm.lock` was migrated into `pylock.toml`.
    pub migrated: bool,
    /// The project had no lock: this one is its first.
    pub first: bool,
    /// `--frozen` installs a lock that no longer matches the manifest.
    pub frozen_stale: bool,
    /// The lock written was made for these Pythons, guessed from the interpreter (the
    /// manifest has no `requires-python`).
    pub guessed_python: Option<String>,
}

/// The mode a sync runs in: `mode` as asked, with `[tool.pvm] lock = false` turning the
/// default into one that never writes a lock.
pub fn in_force(project: &Project, mode: LockMode) -> LockMode {
    match mode {
        LockMode::Auto if !project.manifest.settings.lock => LockMode::NoNewLock,
        other => other,
    }
}

/// Whether a sync in `mode` may write the lock (re-lock a stale one, write the first one).
pub fn writes_lock(project: &Project, mode: LockMode) -> bool {
    in_force(project, mode) == LockMode::Auto
}

/// Whether a sync in `mode` writes the project's first lock: it has dependencies and no lock,
/// and it is no PEP 723 script (those are locked only by `pvm lock --script`, as uv does).
pub fn writes_first_lock(project: &Project, mode: LockMode) -> bool {
    writes_lock(project, mode)
        && project.script.is_none()
        && !project.lock_path().exists()
        && has_dependencies(project)
}

/// Whether any part of the manifest (dependencies, extras, groups) requires anything.
fn has_dependencies(project: &Project) -> bool {
    requirements(project, &Selection::everything(project)).is_ok_and(|all| !all.is_empty())
}

/// The warm path's check, for an env that needs nothing: `--frozen` needs a lock, `--locked`
/// a current one. Reads pylock.toml only with those flags.
pub fn check(
    project: &Project,
    mode: LockMode,
    facts: &Facts,
    config: &Config,
) -> Result<(), LockError> {
    match mode {
        LockMode::Auto | LockMode::NoNewLock => Ok(()),
        LockMode::Frozen => read_lock(project)?.map(drop).ok_or(LockError::NoLock),
        LockMode::Locked => {
            let lock = read_lock(project)?.ok_or(LockError::NoLock)?;
            let sources = Sources::for_project(project, config);
            match freshness(&lock, project, &sources, facts)? {
                Freshness::Current => Ok(()),
                other => Err(refusal(project, facts, other, config)),
            }
        }
    }
}

/// The lock [`choose`] would install as it is (`--frozen`, or a current lock), told without
/// resolving or writing anything; `None` when it would re-lock, refuse or install without one.
pub fn as_is(project: &Project, facts: &Facts, mode: LockMode, config: &Config) -> Option<PyLock> {
    let lock = read_lock(project).ok()??;
    if in_force(project, mode) == LockMode::Frozen {
        return Some(lock);
    }
    let sources = Sources::for_project(project, config);
    matches!(
        freshness(&lock, project, &sources, facts),
        Ok(Freshness::Current)
    )
    .then_some(lock)
}

/// Decides, and does, what a sync in `mode` does with the project's lock: the current one as
/// it is; a stale one re-locked keeping its versions (or an error under `--locked`); the first
/// one written; none (install from the manifest). A lock made for another interpreter is
/// refused, never rewritten. `locking` hears how many requirements a resolution starts with.
pub fn choose(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    mode: LockMode,
    config: &Config,
    locking: &mut dyn FnMut(usize),
) -> Result<Chosen, LockError> {
    let mode = in_force(project, mode);
    let sources = Sources::for_project(project, config);
    let existing = read_lock(project)?;
    let judged = match &existing {
        Some(lock) => Some(freshness(lock, project, &sources, facts)?),
        None => None,
    };
    let legacy = project.script.is_none() && project.root.join(LEGACY_LOCK_FILE).is_file();
    let first_due = existing.is_none() && writes_first_lock(project, mode);
    match decide(mode, judged, legacy, first_due) {
        Decision::AsIs { frozen_stale } => Ok(Chosen {
            lock: existing,
            frozen_stale,
            ..Chosen::default()
        }),
        Decision::NoLock => Err(LockError::NoLock),
        Decision::Refuse(freshness) => Err(refusal(project, facts, freshness, config)),
        Decision::Manifest => Ok(Chosen::default()),
        Decision::Relock => {
            let first = existing.is_none() && !legacy;
            let everything = requirements(project, &Selection::everything(project))?;
            locking(everything.len());
            let backend = Backend::choose(project.manifest.settings.installer, facts, config)?;
            let (lock, migrated) = relock(project, layout, facts, &backend, false, config)?;
            Ok(Chosen {
                guessed_python: guessed_python(&lock, project, facts),
                lock: Some(lock),
                relocked: true,
                migrated,
                first,
                frozen_stale: false,
            })
        }
    }
}

/// What a sync does with the lock.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// Install the lock there as it is (`frozen_stale`: under `--frozen`, though not current).
    AsIs { frozen_stale: bool },
    /// `--frozen` or `--locked` without a lock.
    NoLock,
    /// A lock that is not current where it may not be re-locked, or not for this interpreter.
    Refuse(Freshness),
    /// No lock to use or write: install from the manifest.
    Manifest,
    /// Resolve and write the lock (again, for the first time, or from an old `pvm.lock`).
    Relock,
}

/// The decision for `mode` (as in force), the lock's freshness (`None`: no lock), whether an
/// old `pvm.lock` is there, and whether a first lock is due.
fn decide(mode: LockMode, judged: Option<Freshness>, legacy: bool, first_due: bool) -> Decision {
    match (mode, judged) {
        (LockMode::Frozen, Some(judged)) => Decision::AsIs {
            frozen_stale: judged != Freshness::Current,
        },
        (LockMode::Frozen | LockMode::Locked, None) => Decision::NoLock,
        (_, Some(Freshness::Current)) => Decision::AsIs {
            frozen_stale: false,
        },
        // Opted out of locking: a lock that is not current is left alone, and the manifest
        // is installed as it is.
        (LockMode::NoNewLock, _) => Decision::Manifest,
        (_, Some(uncovered @ Freshness::Uncovered(_))) => Decision::Refuse(uncovered),
        (LockMode::Locked, Some(stale)) => Decision::Refuse(stale),
        (LockMode::Auto, None) if !legacy && !first_due => Decision::Manifest,
        _ => Decision::Relock,
    }
}

/// The error for a lock that is not current: stale, or for other environments.
fn refusal(project: &Project, facts: &Facts, freshness: Freshness, config: &Config) -> LockError {
    let file = project
        .lock_path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pylock.toml".into());
    match freshness {
        Freshness::Uncovered(holds) => LockError::LockNotForThisPython {
            file,
            python: facts.version.clone(),
            holds,
            uv: find_uv(config).is_some(),
        },
        Freshness::Stale(what) => LockError::StaleLock { file, what },
        // Only a lock found not current is refused: a current one never comes here.
        Freshness::Current => LockError::StaleLock {
            file,
            what: "nothing".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale() -> Option<Freshness> {
        Some(Freshness::Stale("the dependencies".into()))
    }

    fn uncovered() -> Option<Freshness> {
        Some(Freshness::Uncovered("python_version == '3.11'".into()))
    }

    const CURRENT: Option<Freshness> = Some(Freshness::Current);
    const AS_IS: Decision = Decision::AsIs {
        frozen_stale: false,
    };

    #[test]
    fn a_current_lock_is_installed_as_it_is_in_every_mode() {
        for mode in [
            LockMode::Auto,
            LockMode::NoNewLock,
            LockMode::Locked,
            LockMode::Frozen,
        ] {
            assert_eq!(decide(mode, CURRENT, false, false), AS_IS, "{mode:?}");
        }
    }

    #[test]
    fn a_stale_lock_is_relocked_refused_left_or_installed_by_mode() {
        assert_eq!(
            decide(LockMode::Auto, stale(), false, false),
            Decision::Relock
        );
        assert_eq!(
            decide(LockMode::Locked, stale(), false, false),
            Decision::Refuse(stale().unwrap())
        );
        assert_eq!(
            decide(LockMode::NoNewLock, stale(), false, false),
            Decision::Manifest
        );
        assert_eq!(
            decide(LockMode::Frozen, stale(), false, false),
            Decision::AsIs { frozen_stale: true }
        );
    }

    #[test]
    fn a_lock_for_other_pythons_is_refused_never_rewritten() {
        for mode in [LockMode::Auto, LockMode::Locked] {
            assert_eq!(
                decide(mode, uncovered(), false, false),
                Decision::Refuse(uncovered().unwrap()),
                "{mode:?}"
            );
        }
        assert_eq!(
            decide(LockMode::Frozen, uncovered(), false, false),
            Decision::AsIs { frozen_stale: true }
        );
        assert_eq!(
            decide(LockMode::NoNewLock, uncovered(), false, false),
            Decision::Manifest
        );
    }

    #[test]
    fn without_a_lock_the_first_is_written_when_due_or_an_old_one_migrated() {
        assert_eq!(decide(LockMode::Auto, None, false, true), Decision::Relock);
        assert_eq!(decide(LockMode::Auto, None, true, false), Decision::Relock);
        assert_eq!(
            decide(LockMode::Auto, None, false, false),
            Decision::Manifest
        );
        assert_eq!(
            decide(LockMode::NoNewLock, None, true, true),
            Decision::Manifest
        );
        for mode in [LockMode::Locked, LockMode::Frozen] {
            assert_eq!(decide(mode, None, true, true), Decision::NoLock, "{mode:?}");
        }
    }
}
