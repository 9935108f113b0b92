//! The project's lock in force, and the one place that decides what a sync does with it: use
//! it, re-lock it keeping its versions, write the first one, install from the manifest, or
//! refuse. The lock in force is `pylock.toml`, or without one another tool's (`foreign`);
//! whether it is current is `freshness`; re-locking it keeping its versions is `relock`. A
//! lock is never rewritten because the interpreter at hand differs from the one it was made
//! with. What a lock holds and how one is made is `lock`, below.

pub mod foreign;
pub mod freshness;
mod relock;

pub use relock::{guessed_python, is_the_project, read_lock, relock, resolve_keeping, write_lock};

use std::sync::Arc;

use crate::config::Config;
use crate::installer::{Backend, find_uv};
use crate::lock::pylock::{LEGACY_LOCK_FILE, PyLock};
use crate::lock::{LockError, LockMode};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::venv::Layout;
use freshness::{Freshness, freshness};

/// The lock a sync installs from, and what was done to get it, for the report.
#[derive(Debug, Default)]
pub struct Chosen {
    pub lock: Option<Arc<PyLock>>,
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
    /// The lock is another tool's (`poetry.lock`): its file name.
    pub foreign: Option<&'static str>,
    /// Another tool's lock was not current: its file name and why (re-locked keeping its
    /// versions, or left alone).
    pub foreign_stale: Option<(&'static str, String)>,
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

/// Whether any part of the manifest (dependencies, extras, groups) requires anything, or may:
/// a package whose dependencies its build backend reports (`setup.py`'s `install_requires`,
/// `setup.cfg`, dynamic `dependencies`) is locked from what the backend says.
fn has_dependencies(project: &Project) -> bool {
    project.manifest.dynamic.any()
        || requirements(project, &Selection::everything(project)).is_ok_and(|all| !all.is_empty())
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
        LockMode::Frozen | LockMode::Locked if read_lock(project)?.is_none() => {
            match foreign::read(project, config)? {
                None => Err(LockError::NoLock),
                Some(foreign) => match foreign.stale {
                    Some(why) if mode == LockMode::Locked => Err(LockError::ForeignStale {
                        file: foreign.file.into(),
                        why,
                    }),
                    _ => Ok(()),
                },
            }
        }
        LockMode::Frozen => Ok(()),
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
pub fn as_is(
    project: &Project,
    facts: &Facts,
    mode: LockMode,
    config: &Config,
) -> Option<Arc<PyLock>> {
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
    let mut foreign_stale = None;
    if existing.is_none()
        && let Some(foreign) = foreign::read(project, config)?
    {
        // A lock pvm cannot install as it is (a git source, a file the index no longer has)
        // is re-locked keeping its versions, as a stale one, where the mode allows.
        let converted = match (&foreign.stale, mode) {
            (None, _) | (Some(_), LockMode::Frozen) => Some(foreign.convert(project, config)),
            _ => None,
        };
        let stale = match converted {
            Some(Ok(lock)) => {
                return Ok(Chosen {
                    lock: Some(Arc::new(lock)),
                    frozen_stale: foreign.stale.is_some(),
                    foreign: Some(foreign.file),
                    ..Chosen::default()
                });
            }
            Some(Err(err)) if matches!(mode, LockMode::Locked | LockMode::Frozen) => {
                return Err(err);
            }
            Some(Err(LockError::BadLock { message, .. })) => Some(message),
            Some(Err(err)) => return Err(err),
            None => foreign.stale.clone(),
        };
        // (Only a lock found not current, or not installable, comes here.)
        let why = stale.unwrap_or_default();
        if mode == LockMode::Locked {
            return Err(LockError::ForeignStale {
                file: foreign.file.into(),
                why,
            });
        }
        // Re-locked into pylock.toml keeping its versions (Auto), or left alone.
        foreign_stale = Some((foreign.file, why));
    }
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
        Decision::Manifest => Ok(Chosen {
            foreign_stale,
            ..Chosen::default()
        }),
        Decision::Relock => {
            let first = existing.is_none() && !legacy;
            let everything = requirements(project, &Selection::everything(project))?;
            locking(everything.len());
            let backend = Backend::choose(project.manifest.settings.installer, facts, config)?;
            // The sync's plan comes next: its read of site-packages is done while uv resolves.
            crate::site::read_ahead(&layout.site_packages);
            let (lock, migrated) = relock(project, layout, facts, &backend, false, config)?;
            Ok(Chosen {
                guessed_python: guessed_python(&lock, project, facts),
                lock: Some(lock),
                relocked: true,
                migrated,
                first,
                frozen_stale: false,
                foreign: None,
                foreign_stale,
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
