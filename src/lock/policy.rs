//! The one place that decides what a sync does with the project's lock: use it, re-lock it
//! keeping its versions, write the first one, install from the manifest, or refuse. A lock is
//! never rewritten because the interpreter at hand differs from the one it was made with.

use super::freshness::{Freshness, freshness};
use crate::install::{self, LockMode, Progress, SyncError, SyncReport};
use crate::installer::{Backend, find_uv};
use crate::lock::pylock::{LEGACY_LOCK_FILE, PyLock};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::venv::Layout;

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

impl Chosen {
    /// Says in `report` what was done with the lock.
    pub fn report(&self, report: &mut SyncReport) {
        report.relocked = self.relocked && !self.first;
        report.migrated = self.migrated;
        report.wrote_lock = self.first;
        report.one_environment = (self.relocked || self.first)
            && self
                .lock
                .as_ref()
                .is_some_and(|lock| lock.environments.is_some());
        report.frozen_stale = self.frozen_stale;
        report.guessed_python = self.guessed_python.clone();
    }
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
pub fn check(project: &Project, mode: LockMode, facts: &Facts) -> Result<(), SyncError> {
    match mode {
        LockMode::Auto | LockMode::NoNewLock => Ok(()),
        LockMode::Frozen => install::read_lock(project)?
            .map(drop)
            .ok_or(SyncError::NoLock),
        LockMode::Locked => {
            let lock = install::read_lock(project)?.ok_or(SyncError::NoLock)?;
            let sources = Sources::for_project(project);
            match freshness(&lock, project, &sources, facts)? {
                Freshness::Current => Ok(()),
                other => Err(refusal(project, facts, other)),
            }
        }
    }
}

/// The lock [`choose`] would install as it is (`--frozen`, or a current lock), told without
/// resolving or writing anything; `None` when it would re-lock, refuse or install without one.
pub fn as_is(project: &Project, facts: &Facts, mode: LockMode) -> Option<PyLock> {
    let lock = install::read_lock(project).ok()??;
    if in_force(project, mode) == LockMode::Frozen {
        return Some(lock);
    }
    let sources = Sources::for_project(project);
    matches!(
        freshness(&lock, project, &sources, facts),
        Ok(Freshness::Current)
    )
    .then_some(lock)
}

/// Decides, and does, what a sync in `mode` does with the project's lock: the current one as
/// it is; a stale one re-locked keeping its versions (or an error under `--locked`); the first
/// one written; none (install from the manifest). A lock made for another interpreter is
/// refused, never rewritten.
pub fn choose(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    mode: LockMode,
    progress: &mut dyn FnMut(Progress),
) -> Result<Chosen, SyncError> {
    let mode = in_force(project, mode);
    let sources = Sources::for_project(project);
    let existing = install::read_lock(project)?;
    let judged = match &existing {
        Some(lock) => Some(freshness(lock, project, &sources, facts)?),
        None => None,
    };
    let legacy = project.script.is_none() && project.root.join(LEGACY_LOCK_FILE).is_file();
    match (mode, existing, judged) {
        (LockMode::Frozen, Some(lock), judged) => Ok(Chosen {
            lock: Some(lock),
            frozen_stale: judged != Some(Freshness::Current),
            ..Chosen::default()
        }),
        (LockMode::Frozen | LockMode::Locked, None, _) => Err(SyncError::NoLock),
        (_, Some(lock), Some(Freshness::Current)) => Ok(Chosen {
            lock: Some(lock),
            ..Chosen::default()
        }),
        // Opted out of locking: a lock that is not current is left alone, and the manifest
        // is installed as it is.
        (LockMode::NoNewLock, ..) => Ok(Chosen::default()),
        (_, Some(_), Some(uncovered @ Freshness::Uncovered(_))) => {
            Err(refusal(project, facts, uncovered))
        }
        (LockMode::Locked, Some(_), Some(stale)) => Err(refusal(project, facts, stale)),
        (LockMode::Auto, None, _) if !legacy && !writes_first_lock(project, mode) => {
            Ok(Chosen::default())
        }
        (_, existing, _) => {
            let first = existing.is_none() && !legacy;
            let everything = requirements(project, &Selection::everything(project))?;
            progress(Progress::Locking {
                requirements: everything.len(),
            });
            let backend = Backend::choose(project.manifest.settings.installer, facts)?;
            let (lock, migrated) = install::relock(project, layout, facts, &backend, false)?;
            Ok(Chosen {
                guessed_python: install::guessed_python(&lock, project, facts),
                lock: Some(lock),
                relocked: true,
                migrated,
                first,
                frozen_stale: false,
            })
        }
    }
}

/// The error for a lock that is not current: stale, or for other environments.
fn refusal(project: &Project, facts: &Facts, freshness: Freshness) -> SyncError {
    let file = project
        .lock_path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pylock.toml".into());
    match freshness {
        Freshness::Uncovered(holds) => SyncError::LockNotForThisPython {
            file,
            python: facts.version.clone(),
            holds,
            uv: find_uv().is_some(),
        },
        Freshness::Stale(what) => SyncError::StaleLock { file, what },
        // Only a lock found not current is refused: a current one never comes here.
        Freshness::Current => SyncError::StaleLock {
            file,
            what: "nothing".into(),
        },
    }
}
