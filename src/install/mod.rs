//! Making an env's site-packages match what the lock (or the manifest) says: natively from
//! wheels, or through uv or pip (`installer`), with pip seeded natively into every env.

pub mod editable;
pub mod native;
mod sync;
pub mod wheel;
pub mod wheel_check;

pub use sync::{
    guessed_python, is_the_project, prefetch, read_lock, relock, resolve_keeping, sync,
};

use std::path::PathBuf;

use crate::installer::explain;
use crate::project::SelectionRequest;
use crate::project::package::InstalledProject;
use crate::python::Facts;
use crate::venv::Layout;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "`installer = \"uv\"` but there is no uv (PVM_UV unset, none on PATH, none fetched by pvm)"
    )]
    NoUv,
    #[error("uv does not install into Python {version}")]
    UvUnsupported { version: String },
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
    #[error("cannot start {installer}")]
    Spawn {
        installer: &'static str,
        #[source]
        source: std::io::Error,
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
    /// The build backend could not say what the project depends on (its dependencies are
    /// dynamic: `setup.py`, `setup.cfg`, `[project] dynamic`).
    #[error(
        "cannot read the dependencies of the project `{project}` from its build backend `{backend}`; its output ends:\n{tail}"
    )]
    Metadata {
        project: String,
        backend: String,
        tail: String,
    },
    #[error("cannot install natively: {0}")]
    Native(String),
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error("{first} and {second} cannot be installed together")]
    Conflict { first: String, second: String },
    #[error("{installer} reported success, but {} not installed", .missing.join(", "))]
    NotInstalled {
        installer: String,
        missing: Vec<String>,
    },
    #[error("{installer} found no set of versions that satisfies the requirements:\n{detail}")]
    NoSolution {
        installer: &'static str,
        detail: String,
    },
    #[error("{installer} could not {action} the requirements{}:\n{detail}", cause_said(*.cause))]
    Installer {
        installer: &'static str,
        action: &'static str,
        cause: explain::Cause,
        detail: String,
    },
    #[error(transparent)]
    Selection(#[from] crate::project::SelectionError),
    #[error("there is no pylock.toml")]
    NoLock,
    #[error("{file} is stale: {what} changed since it was written")]
    StaleLock { file: String, what: String },
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

impl SyncError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SyncError::NoUv => "install uv or set PVM_UV to its path, let `pvm lock` fetch pvm's own (`uv-downloads = \"automatic\"`, the index reachable), or use `installer = \"pip\"`".into(),
            SyncError::UvUnsupported { .. } => "use `installer = \"pip\"` (or \"auto\") for this interpreter".into(),
            SyncError::NoPip => "set `seed-pip = true` or `installer = \"uv\"`".into(),
            SyncError::NoBundledPip { .. } => {
                "set `seed-pip = false` and `installer = \"uv\"`, or install the interpreter's ensurepip (Debian: python3-venv)".into()
            }
            SyncError::Build { tail, backend, .. } => build_hint(tail, backend),
            SyncError::Metadata { .. } => {
                "the dependencies come from the build (`setup.py`, `setup.cfg` or `[project] dynamic`): fix the error above (the backend's own output), or list them in [project] dependencies so that pvm reads them without building".into()
            }
            SyncError::Installer { cause: explain::Cause::HashMismatch, .. } => HASH_CHANGED.into(),
            SyncError::Installer { cause: explain::Cause::RequiresPython, .. } => {
                "the lines above name the requirement and the Pythons it supports: use one of them (`pvm python pin VERSION`, within [project] requires-python), require a release of it that supports this Python, or narrow [project] requires-python to Pythons it supports (the lock must hold for every Python requires-python allows)".into()
            }
            SyncError::Installer { .. } => {
                let mut hint = "check the requirement's name and version, and the package sources ([tool.pvm] index-url, find-links, no-index)".to_string();
                let set = crate::project::sources::overriding_variables();
                if !set.is_empty() {
                    hint.push_str(&format!(
                        "; the environment overrides them: {} (unset to use the manifest's)",
                        set.join(", ")
                    ));
                }
                hint
            }
            SyncError::NoSolution { .. } => {
                "loosen one of the requirements named above in pyproject.toml (or `pvm lock --upgrade` if the lock's pins hold it back)".into()
            }
            SyncError::Selection(err) => return err.hint(),
            SyncError::Http(err) => return err.hint(),
            SyncError::NoLock => "run `pvm lock` first".into(),
            SyncError::StaleLock { file, .. } => {
                format!("run `pvm lock` and commit {file}, or drop --locked")
            }
            SyncError::LockNotForThisPython { file, holds, uv, .. } => {
                let made_for = made_for(holds)
                    .map(|version| format!("`--python {}`", crate::quote::shell_word(version)))
                    .unwrap_or_else(|| "the interpreter named above".into());
                if *uv {
                    format!("run `pvm lock` to lock every platform and Python (uv is at hand) and commit {file}, or sync with the Python it was made for ({made_for})")
                } else {
                    format!("sync with the Python it was made for ({made_for}), or get uv (on PATH, PVM_UV, or `uv-downloads = \"automatic\"` with the index reachable) and run `pvm lock` to lock every platform and Python")
                }
            }
            SyncError::HashMismatch { .. } | SyncError::MissingArtifact { .. } => HASH_CHANGED.into(),
            SyncError::BadLock { .. } => "run `pvm lock` to write it anew".into(),
            SyncError::LockDuplicate { .. } => {
                "one package may have several entries only under markers that exclude each other (uv refuses such a lock too): remove one, or run `pvm lock` to write the lock anew".into()
            }
            SyncError::LockMarker { .. } => {
                "pvm installs nothing whose marker it cannot judge: correct it (PEP 508 markers, `'x' in extras`, `'g' in dependency_groups`), or run `pvm lock` to write the lock anew".into()
            }
            SyncError::OutsideLock { .. } => {
                "a lock names only files pvm may read: if you trust it, move the file into the project or a find-links folder, then `pvm lock`".into()
            }
            SyncError::Wheel(wheel::WheelError::Invalid { .. }) => {
                "pvm refuses it before changing the env, as uv does: replace the wheel with a sound build of what the lock names, or lock another version (`pvm lock --upgrade`)".into()
            }
            SyncError::Wheel(_) => {
                "check that PVM_HOME is writable and has free space; `pvm sync --reinstall` unpacks the wheels anew".into()
            }
            SyncError::Unpack { .. } => {
                "check that PVM_HOME is writable and has free space (`pvm remove --stale` frees some); the env was left as it was".into()
            }
            SyncError::Io { .. } => "check that the folder is writable and has free space".into(),
            SyncError::Conflict { .. } => {
                "declare them in [tool.pvm] conflicts = [[{ group = \"a\" }, { group = \"b\" }]]: each is then locked on its own, and syncs never select both".into()
            }
            SyncError::NotInstalled { .. } => {
                "the env is left marked unfinished and the next `pvm run` or `pvm sync` installs again; check the installer (PVM_UV, `installer` in [tool.pvm])".into()
            }
            _ => return None,
        })
    }
}

/// What to do about a locked file whose sha256 is not the lock's, whoever found it.
const HASH_CHANGED: &str = "the file changed since `pvm lock`: restore it, or run `pvm lock --upgrade` if the change is trusted";

/// How an installer's failure is introduced, by its cause (a conflict is
/// [`SyncError::NoSolution`]).
fn cause_said(cause: explain::Cause) -> &'static str {
    match cause {
        explain::Cause::HashMismatch => {
            ": a downloaded file's sha256 is not the one the lock records"
        }
        explain::Cause::RequiresPython => ": one of them supports only other Pythons",
        explain::Cause::Conflict | explain::Cause::Other => "",
    }
}

/// The Python version a pip lock's environment marker names (`python_version == '3.11'`).
fn made_for(environment: &str) -> Option<&str> {
    let rest = environment.split("python_version == '").nth(1)?;
    rest.split('\'')
        .next()
        .filter(|version| !version.is_empty())
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

/// The last lines of an installer's output: where a build says what went wrong. The
/// installer's own hints go: pvm gives one that fits.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text
        .trim_end()
        .lines()
        .filter(|line| !line.starts_with("hint: "))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// How `pylock.toml` is used (`lock::policy` decides what each means for a sync).
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

/// What a sync may do.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Extras and groups; `None` keeps what the env was last synced with (or the default).
    pub selection: Option<SelectionRequest>,
    pub reinstall: bool,
    pub lock: LockMode,
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
pub fn seed_pip(layout: &Layout, facts: &Facts, cache: &std::path::Path) -> Result<(), SyncError> {
    let wheel = wheel::bundled_pip(facts).ok_or_else(|| SyncError::NoBundledPip {
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
