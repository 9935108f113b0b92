//! Installing a project's dependencies into its env: exactly what the manifest (or the lock)
//! says, through uv or pip, with pip seeded natively into every env.

pub mod backend;
pub mod lock;
pub mod site;
pub mod wheel;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::pep::{self, Requirement};
use crate::project::package::{self, InstalledProject};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::venv::Layout;
use backend::{Backend, InstallFlags};
use lock::LockFile;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("`installer = \"uv\"` but uv is not on PATH")]
    NoUv,
    #[error("uv does not install into Python {version}")]
    UvUnsupported { version: String },
    #[error("the env has no pip to install with (`seed-pip = false`)")]
    NoPip,
    #[error("Python {version} ships no pip wheel to seed the env with (looked in {})", .looked.display())]
    NoBundledPip { version: String, looked: PathBuf },
    #[error("cannot seed pip into the env")]
    Seed(#[from] wheel::WheelError),
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
    #[error("{installer} could not {action} the requirements:\n{detail}")]
    Installer {
        installer: &'static str,
        action: &'static str,
        detail: String,
    },
    #[error(transparent)]
    Selection(#[from] crate::project::SelectionError),
    #[error("there is no pvm.lock")]
    NoLock,
    #[error(
        "pvm.lock is stale: the manifest, the sources or the interpreter changed since it was written"
    )]
    StaleLock,
    #[error("{} is not a valid lock file: {message}", .path.display())]
    BadLock { path: PathBuf, message: String },
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
}

impl SyncError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SyncError::NoUv => "install uv, set PVM_UV to its path, or use `installer = \"pip\"`".into(),
            SyncError::UvUnsupported { .. } => "use `installer = \"pip\"` (or \"auto\") for this interpreter".into(),
            SyncError::NoPip => "set `seed-pip = true` or `installer = \"uv\"`".into(),
            SyncError::NoBundledPip { .. } => {
                "set `seed-pip = false` and `installer = \"uv\"`, or install the interpreter's ensurepip (Debian: python3-venv)".into()
            }
            SyncError::Build { tail, backend, .. } => build_hint(tail, backend),
            SyncError::Installer { .. } => {
                "check the requirement's name and version, and the package sources ([tool.pvm] index-url, find-links, no-index)".into()
            }
            SyncError::Selection(err) => return err.hint(),
            SyncError::NoLock => "run `pvm lock` first".into(),
            SyncError::StaleLock => "run `pvm lock` and commit pvm.lock, or drop --locked".into(),
            SyncError::HashMismatch { .. } | SyncError::MissingArtifact { .. } => {
                "the file changed since `pvm lock`: restore it, or run `pvm lock --upgrade` if the change is trusted".into()
            }
            SyncError::BadLock { .. } => "run `pvm lock` to write it anew".into(),
            SyncError::Seed(_) => {
                "check that PVM_HOME is writable and has free space, or set `seed-pip = false`".into()
            }
            SyncError::Io { .. } => "check that the folder is writable and has free space".into(),
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

/// The last lines of an installer's output: where a build says what went wrong. The
/// installer's own hints go: pvm gives one that fits.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text
        .trim_end()
        .lines()
        .filter(|line| !line.starts_with("hint: "))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// How `pvm.lock` is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LockMode {
    /// Use a current lock; re-lock a stale one; no lock: install from the manifest.
    #[default]
    Auto,
    /// A missing or stale lock is an error.
    Locked,
    /// Install the lock as it is, without checking it against the manifest.
    Frozen,
}

/// What a sync may do.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Extras and groups; `None` keeps what the env was last synced with (or the default).
    pub selection: Option<Selection>,
    pub reinstall: bool,
    pub lock: LockMode,
    /// Make sure the env exists, but install nothing.
    pub no_sync: bool,
}

/// What a sync changed.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub installer: String,
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
    /// Name, old version, new version.
    pub changed: Vec<(String, String, String)>,
    pub relocked: bool,
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
    Ok(())
}

/// Makes the env hold exactly what the project needs for `selection`: its dependencies, then
/// (for a package) the project itself, editable. `installed` is how the project was installed
/// by the last sync: it is rebuilt only when its build inputs changed since `built_from`.
pub fn sync(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    selection: &Selection,
    options: &SyncOptions,
    built_from: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let settings = &project.manifest.settings;
    let sources = Sources::for_project(project);
    let backend = Backend::choose(settings.installer, facts)?;
    let requirements = requirements(project, selection)?;
    let before = site::installed(&layout.site_packages);
    // pip is only needed when there is something to do with it.
    let needs_pip = || {
        if backend == Backend::Pip && !site::installed(&layout.site_packages).contains_key("pip") {
            return Err(SyncError::NoPip);
        }
        Ok(())
    };
    let mut report = SyncReport {
        installer: backend.name().to_string(),
        ..SyncReport::default()
    };

    let markers = pep::marker_environment(&facts.markers).map_err(SyncError::Markers)?;
    let lock = match options.lock {
        LockMode::Frozen => {
            let lock = LockFile::read(&project.root)?.ok_or(SyncError::NoLock)?;
            report.frozen_stale = !lock_is_current(&lock, project, &sources, facts)?;
            Some(lock)
        }
        mode => match LockFile::read(&project.root)? {
            Some(lock) if lock_is_current(&lock, project, &sources, facts)? => Some(lock),
            Some(_) if mode == LockMode::Locked => return Err(SyncError::StaleLock),
            Some(old) => {
                progress(Progress::Locking {
                    requirements: requirements.len(),
                });
                let lock = resolve(project, layout, facts, &backend, Some(&old), false)?;
                lock.write(&project.root)?;
                report.relocked = true;
                Some(lock)
            }
            None if mode == LockMode::Locked => return Err(SyncError::NoLock),
            None => None,
        },
    };

    let scratch = tempfile::tempdir().map_err(|source| SyncError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let file = scratch.path().join("requirements.txt");
    let flags = InstallFlags {
        locked: lock.is_some(),
        reinstall: options.reinstall,
    };
    // Under a lock: the locked packages the selection needs, nothing else.
    let locked_needed = lock
        .as_ref()
        .map(|lock| lock.needed(&requirements, &markers));
    let (text, count) = match (&lock, &locked_needed) {
        (Some(lock), Some(needed)) => {
            // Every local artifact is checked before anything is installed: on a mismatch the
            // env keeps what it had.
            lock.verify_local(&project.root, needed)?;
            (lock.requirements_txt(needed), needed.len())
        }
        _ => (
            requirements
                .iter()
                .map(|r| format!("{r}\n"))
                .collect::<String>(),
            requirements.len(),
        ),
    };
    if count > 0 {
        std::fs::write(&file, text).map_err(|source| SyncError::Io {
            path: file.clone(),
            source,
        })?;
        needs_pip()?;
        crate::faults::pause(crate::faults::INSTALL);
        progress(Progress::Installing {
            requirements: count,
            installer: backend.name(),
        });
        backend.install(layout, &sources, &file, flags)?;
    }

    // The project itself, editable, once its dependencies are in.
    let install_project = project.manifest.is_package() && !selection.no_project;
    let build_inputs = package::build_inputs(project);
    if install_project {
        let dists = site::installed(&layout.site_packages);
        let current = site::installed_from(&dists, &project.root);
        let fresh = current.is_some()
            && built_from.is_some()
            && built_from == build_inputs.as_deref()
            && !options.reinstall;
        if !fresh {
            let name = current
                .map(|(dist, _)| dist.name.clone())
                .or_else(|| project.manifest.name.clone());
            let backend_name = project.manifest.build_backend();
            progress(Progress::BuildingProject {
                name: &project.name(),
                backend: backend_name,
            });
            backend
                .install_editable(
                    layout,
                    &sources,
                    &project.root,
                    name.as_deref(),
                    lock.is_some(),
                )
                .map_err(|err| match err {
                    SyncError::Installer { detail, .. } => SyncError::Build {
                        project: project.name(),
                        backend: backend_name.to_string(),
                        installer: backend.name(),
                        tail: tail(&detail, 25),
                    },
                    other => other,
                })?;
            report.built_project = true;
        }
    }

    let installed = site::installed(&layout.site_packages);
    let own = install_project
        .then(|| site::installed_from(&installed, &project.root))
        .flatten();
    let mut keep: BTreeSet<String> = match locked_needed {
        Some(needed) => needed,
        None => site::needed(&requirements, &installed, &markers),
    };
    if let Some((dist, editable)) = own {
        // The project and what its own metadata requires (a `setup.py`'s `install_requires`).
        if let Ok(root) = pep::parse_requirement(&dist.name) {
            keep.extend(site::needed(&[root], &installed, &markers));
        }
        report.project = Some(InstalledProject {
            name: dist.name.clone(),
            version: dist.version.clone(),
            editable,
        });
        report.project_build = build_inputs;
    }
    if settings.seed_pip {
        keep.insert("pip".to_string());
    }
    let extra: Vec<String> = installed
        .keys()
        .filter(|name| !keep.contains(*name))
        .cloned()
        .collect();
    if !extra.is_empty() {
        needs_pip()?;
        progress(Progress::Removing { count: extra.len() });
        backend.uninstall(layout, &extra)?;
    }

    // uv makes its `.lock` in the env writable by all; nothing in the store may be.
    crate::fsutil::remove_world_write(&layout.root);
    let after = site::installed(&layout.site_packages);
    for (name, dist) in &after {
        match before.get(name) {
            None => report.added.push((name.clone(), dist.version.clone())),
            Some(old) if old.version != dist.version => {
                report
                    .changed
                    .push((name.clone(), old.version.clone(), dist.version.clone()))
            }
            Some(_) => {}
        }
    }
    for (name, dist) in &before {
        if !after.contains_key(name) {
            report.removed.push((name.clone(), dist.version.clone()));
        }
    }
    report.used_lock = lock.is_some();
    Ok(report)
}

/// Whether `lock` was resolved from what the project asks for now.
pub fn lock_is_current(
    lock: &LockFile,
    project: &Project,
    sources: &Sources,
    facts: &Facts,
) -> Result<bool, SyncError> {
    let everything = requirements(project, &Selection::everything(project))?;
    Ok(lock.inputs == lock::inputs_hash(&everything, sources, facts))
}

/// Resolves the project (every extra and group) to a lock: uv compiles with hashes and says
/// what brought each package in; pip downloads, pvm hashes and reads each wheel's metadata.
pub fn resolve(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    previous: Option<&LockFile>,
    upgrade: bool,
) -> Result<LockFile, SyncError> {
    use sha2::{Digest, Sha256};
    let requirements = requirements(project, &Selection::everything(project))?;
    let sources = Sources::for_project(project);
    let markers = pep::marker_environment(&facts.markers).map_err(SyncError::Markers)?;
    let scratch = tempfile::tempdir().map_err(|source| SyncError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| SyncError::Io { path, source }
    };
    let input = scratch.path().join("requirements.in");
    std::fs::write(
        &input,
        requirements
            .iter()
            .map(|r| format!("{r}\n"))
            .collect::<String>(),
    )
    .map_err(io(&input))?;
    // Direct `name @ url` requirements, to recognise their artifacts.
    let urls: BTreeMap<String, String> = requirements
        .iter()
        .filter_map(|r| {
            let text = r.to_string();
            let (_, url) = text.split_once(" @ ")?;
            let url = url.split(" ;").next().unwrap_or(url).trim().to_string();
            Some((r.name.to_string(), url))
        })
        .collect();
    let mut packages = Vec::new();
    if !requirements.is_empty() {
        match backend {
            Backend::Uv(_) => {
                let output = scratch.path().join("requirements.txt");
                let preferred: String = previous
                    .filter(|_| !upgrade)
                    .map(|lock| {
                        lock.packages
                            .iter()
                            .filter(|p| p.url.is_none())
                            .map(|p| format!("{}=={}\n", p.name, p.version))
                            .collect()
                    })
                    .unwrap_or_default();
                std::fs::write(&output, preferred).map_err(io(&output))?;
                backend.compile(layout, &sources, &input, &output, upgrade)?;
                let text = std::fs::read_to_string(&output).map_err(io(&output))?;
                let compiled = lock::parse_compiled(&text);
                for package in &compiled {
                    let url = package
                        .url
                        .clone()
                        .or_else(|| urls.get(&package.name).cloned());
                    let mut locked = lock::LockedPackage::locate(
                        &package.name,
                        &package.version,
                        url,
                        &sources,
                        || {
                            Ok(package
                                .hashes
                                .iter()
                                .map(|sha256| lock::Artifact {
                                    file: None,
                                    sha256: sha256.clone(),
                                })
                                .collect())
                        },
                    )?;
                    // `# via` names the parents: turn them into each parent's dependencies.
                    locked.dependencies = compiled
                        .iter()
                        .filter(|child| child.via.contains(&package.name))
                        .map(|child| child.name.clone())
                        .collect();
                    packages.push(locked);
                }
            }
            Backend::Pip => {
                let dest = scratch.path().join("downloads");
                backend.download(layout, &sources, &input, &dest)?;
                let entries = std::fs::read_dir(&dest).map_err(io(&dest))?;
                let mut requires: BTreeMap<String, Vec<Requirement>> = BTreeMap::new();
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    let Some((name, version)) = lock::split_filename(&file) else {
                        continue;
                    };
                    requires.insert(name.clone(), wheel::requires_dist(&entry.path()));
                    let url = urls.get(&name).cloned();
                    // Not in a local folder: the downloaded file is the artifact.
                    let downloaded = || {
                        let bytes = std::fs::read(entry.path()).map_err(io(&entry.path()))?;
                        Ok(vec![lock::Artifact {
                            file: Some(file),
                            sha256: crate::fsutil::hex(&Sha256::digest(&bytes)),
                        }])
                    };
                    packages.push(lock::LockedPackage::locate(
                        &name, &version, url, &sources, downloaded,
                    )?);
                }
                // Dependencies from each wheel's metadata, markers evaluated for this
                // interpreter with the extras the project asks of that package.
                let locked: BTreeSet<String> = packages.iter().map(|p| p.name.clone()).collect();
                for package in &mut packages {
                    let extras: Vec<pep::ExtraName> = requirements
                        .iter()
                        .filter(|r| r.name.to_string() == package.name)
                        .flat_map(|r| r.extras.iter().cloned())
                        .collect();
                    let mut dependencies: Vec<String> = requires
                        .get(&package.name)
                        .into_iter()
                        .flatten()
                        .filter(|r| pep::applies(r, &markers, &extras))
                        .map(|r| r.name.to_string())
                        .filter(|name| locked.contains(name))
                        .collect();
                    dependencies.sort();
                    dependencies.dedup();
                    package.dependencies = dependencies;
                }
            }
        }
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    let mut normalized: Vec<String> = requirements.iter().map(|r| r.to_string()).collect();
    normalized.sort();
    Ok(LockFile {
        version: lock::LOCK_VERSION,
        inputs: lock::inputs_hash(&requirements, &sources, facts),
        resolved_for: lock::ResolvedFor {
            python: facts.version.clone(),
            implementation: facts.implementation.clone(),
            platform: lock::platform(facts),
            installer: backend.name().to_string(),
            requirements: normalized,
        },
        packages,
    })
}
