//! Making an env's site-packages match what the lock (or the manifest) says: natively from
//! wheels, or through uv or pip (`installer`), with pip seeded natively into every env.

pub mod editable;
pub mod launcher;
pub mod native;
mod sync;
mod tags_macos;
pub mod wheel;
pub mod wheel_check;

pub use sync::{Plan, apply, plan, prefetch};

use std::path::PathBuf;

use crate::hint::Hint;
use crate::installer::InstallerError;
use crate::lock::LockError;
use crate::lock_policy::Chosen;
use crate::project::SelectionRequest;
use crate::project::package::InstalledProject;
use crate::python::Facts;
use crate::venv::Layout;

/// What can go wrong in making an env's site-packages match: the lock or the installer's
/// errors as themselves, and what pvm's own install meets.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("the env has no pip to install with (`seed-pip = false`)")]
    NoPip,
    #[error("Python {version} ships no pip wheel to seed the env with (looked in {})", .looked.display())]
    NoBundledPip { version: String, looked: PathBuf },
    #[error("cannot install a wheel into the env")]
    Wheel(#[from] wheel::WheelError),
    /// The store could not take an unpacked wheel (full, read-only, not ours to write): said
    /// as such, never a reason to hand the lock to an installer.
    #[error("cannot unpack {wheel} into the store's wheel cache")]
    Unpack {
        wheel: String,
        #[source]
        source: wheel::WheelError,
    },
    #[error(
        "cannot build and install the project `{project}` (editable, backend `{backend}`); {installer}'s output ends:\n{tail}"
    )]
    Build {
        project: String,
        backend: String,
        installer: &'static str,
        tail: String,
    },
    #[error("cannot install natively: {0}")]
    Native(String),
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error("{installer} reported success, but {} not installed", .missing.join(", "))]
    NotInstalled {
        installer: String,
        missing: Vec<String>,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Installer(#[from] InstallerError),
    #[error(transparent)]
    Selection(#[from] crate::project::SelectionError),
    #[error("cannot read or write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the interpreter reported markers pvm cannot read: {0}")]
    Markers(String),
    #[error(transparent)]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

impl Hint for InstallError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            InstallError::NoPip => "set `seed-pip = true` or `installer = \"uv\"`".into(),
            InstallError::NoBundledPip { .. } => {
                "set `seed-pip = false` and `installer = \"uv\"`, or install the interpreter's ensurepip (Debian: python3-venv)".into()
            }
            InstallError::Build { tail, backend, .. } => build_hint(tail, backend),
            InstallError::Lock(err) => return err.hint(),
            InstallError::Installer(err) => return err.hint(),
            InstallError::Selection(err) => return err.hint(),
            InstallError::Http(err) => return err.hint(),
            InstallError::Wheel(wheel::WheelError::Invalid { .. }) => {
                "pvm refuses it before changing the env, as uv does: replace the wheel with a sound build of what the lock names, or lock another version (`pvm lock --upgrade`)".into()
            }
            InstallError::Wheel(_) => {
                "check that PVM_HOME is writable and has free space; `pvm sync --reinstall` unpacks the wheels anew".into()
            }
            InstallError::Unpack { .. } => {
                "check that PVM_HOME is writable and has free space (`pvm remove --stale` frees some); the env was left as it was".into()
            }
            InstallError::Io { .. } => "check that the folder is writable and has free space".into(),
            InstallError::NotInstalled { .. } => {
                "the env is left marked unfinished and the next `pvm run` or `pvm sync` installs again; check the installer (PVM_UV, `installer` in [tool.pvm])".into()
            }
            _ => return None,
        })
    }
}

/// What to suggest when the project's own build failed, from what its output says.
fn build_hint(tail: &str, backend: &str) -> String {
    let lower = tail.to_ascii_lowercase();
    let keep = "the env keeps its dependencies (`pvm run --no-sync …` works meanwhile) and the next `pvm run` or `pvm sync` tries again";
    let no_hook = [
        "has no attribute 'build_editable'",
        "missing the 'build_editable' hook",
        "supports pep 660",
        "support pep 660",
        "cannot be installed in editable mode",
    ];
    if no_hook.iter().any(|needle| lower.contains(needle)) {
        return format!(
            "`{backend}` cannot build editable installs (PEP 660): require a newer backend in [build-system] (setuptools>=64, flit_core>=3.4), or set `[tool.pvm] package = false`; {keep}"
        );
    }
    if lower.contains("no matching distribution")
        || lower.contains("not found in the package registry")
        || lower.contains("no solution found")
        || lower.contains("because there are no versions")
        || lower.contains("no module named")
    {
        return format!(
            "the backend or its `requires` cannot be installed: check [build-system] in pyproject.toml and the package sources ([tool.pvm] index-url, find-links, no-index); {keep}"
        );
    }
    format!(
        "fix the build (the lines above are the backend's), or skip the project with `pvm sync --no-install-project`; {keep}"
    )
}

/// What a sync may do.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Extras and groups; `None` keeps what the env was last synced with (or the default).
    pub selection: Option<SelectionRequest>,
    pub reinstall: bool,
    pub lock: crate::lock::LockMode,
    /// Make sure the env exists, but install nothing.
    pub no_sync: bool,
    /// Look at what is really installed, not only the fingerprint (an explicit `pvm sync`).
    pub check_installed: bool,
    /// The last sync did not finish: check every installed file against its RECORD first.
    pub repair: bool,
    /// The store's cache: where a lock's wheels are kept and unpacked for native installs.
    pub cache: Option<std::path::PathBuf>,
    /// The prefetch of a fresh env found that pvm cannot install the lock's wheels itself (a
    /// download failed, a wheel this machine cannot take): the installer takes them, and
    /// nothing is fetched twice.
    pub native_declined: bool,
}

/// What a sync changed.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub installer: String,
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
    /// Name, old version, new version.
    pub changed: Vec<(String, String, String)>,
    /// Put back at the same version (`--reinstall`).
    pub reinstalled: Vec<(String, String)>,
    pub relocked: bool,
    /// The project had no lock: this sync wrote its first `pylock.toml`.
    pub wrote_lock: bool,
    /// The lock written (first or again) holds one environment (pip resolved it).
    pub one_environment: bool,
    /// The lock was made for these Pythons, guessed from the interpreter because the manifest
    /// has no `requires-python`.
    pub guessed_python: Option<String>,
    /// An old `pvm.lock` was re-locked into `pylock.toml` (and removed).
    pub migrated: bool,
    /// Installed from another tool's lock (`poetry.lock`): its file name.
    pub foreign_lock: Option<&'static str>,
    /// Another tool's lock that was not current: its file name and why.
    pub foreign_stale: Option<(&'static str, String)>,
    pub used_lock: bool,
    /// `--frozen` installed a lock that no longer matches the manifest: the env is not current.
    pub frozen_stale: bool,
    /// The project itself, as installed after the sync (`None`: not a package, or skipped).
    pub project: Option<InstalledProject>,
    /// The build inputs the installed project was built from.
    pub project_build: Option<String>,
    /// The project was built anew (the first time, or its build inputs changed).
    pub built_project: bool,
}

impl SyncReport {
    /// Says what was done with the lock before the sync.
    pub fn record_lock(&mut self, chosen: &Chosen) {
        self.relocked = chosen.relocked && !chosen.first;
        self.migrated = chosen.migrated;
        self.wrote_lock = chosen.first;
        self.one_environment = (chosen.relocked || chosen.first)
            && chosen
                .lock
                .as_ref()
                .is_some_and(|lock| lock.environments.is_some());
        self.frozen_stale = chosen.frozen_stale;
        self.guessed_python = chosen.guessed_python.clone();
        self.foreign_lock = chosen.foreign;
        self.foreign_stale = chosen.foreign_stale.clone();
    }
}

/// What the sync is doing, for the command to show.
#[derive(Debug)]
pub enum Progress<'a> {
    Locking {
        requirements: usize,
    },
    /// Downloading the lock's wheels that the cache lacks, for a native install.
    Fetching {
        count: usize,
    },
    Installing {
        requirements: usize,
        installer: &'a str,
    },
    Removing {
        count: usize,
    },
    /// Building and installing the project itself, editable.
    BuildingProject {
        name: &'a str,
        backend: &'a str,
    },
}

/// Seeds pip from the interpreter's bundled wheel, unpacked once into `cache`.
pub fn seed_pip(
    layout: &Layout,
    facts: &Facts,
    cache: &std::path::Path,
) -> Result<(), InstallError> {
    let wheel = wheel::bundled_pip(facts).ok_or_else(|| InstallError::NoBundledPip {
        version: facts.version.clone(),
        looked: facts
            .stdlib
            .clone()
            .unwrap_or_default()
            .join("ensurepip/_bundled"),
    })?;
    wheel::install(&wheel, layout, facts, Some(cache))?;
    // And setuptools where the interpreter ships it (3.6 to 3.11), as `python -m venv` does.
    if let Some(setuptools) = wheel::bundled_setuptools(facts) {
        wheel::install(&setuptools, layout, facts, Some(cache))?;
    }
    Ok(())
}

/// What seeding puts into an env besides what the project asks for: an exact sync keeps it.
pub fn seeded(facts: &Facts) -> Vec<&'static str> {
    let mut names = vec!["pip"];
    if wheel::bundled_setuptools(facts).is_some() {
        names.push("setuptools");
    }
    names
}
