//! A sync: first the plan (the lock read, checked or re-locked, and every local artifact
//! verified), which changes nothing in the env; then, once `begin` has marked the env
//! unfinished, the changes: install, build the project, remove what the plan lacks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Progress, SyncError, SyncOptions, SyncReport, editable, native};
use crate::installer::{Backend, InstallFlags};
use crate::lock::preferences;
use crate::lock::pylock::{LEGACY_LOCK_FILE, Package, PyLock};
use crate::lock::resolve;
use crate::pep;
use crate::project::package::{self, InstalledProject};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::site;
use crate::venv::Layout;

/// The project's `pylock.toml`, if it has one.
pub fn read_lock(project: &Project) -> Result<Option<PyLock>, SyncError> {
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
) -> Result<(PyLock, bool), SyncError> {
    let legacy = project.root.join(LEGACY_LOCK_FILE);
    let lock = resolve_keeping(project, layout, facts, backend, upgrade)?;
    lock.write(&project.lock_path())?;
    let migrated = project.script.is_none() && legacy.is_file();
    if migrated {
        std::fs::remove_file(&legacy).map_err(|source| SyncError::Io {
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
) -> Result<PyLock, SyncError> {
    let previous = match PyLock::read(&project.lock_path())? {
        Some(lock) => preferences::pins_of(&lock),
        None => preferences::unmarked(
            crate::lock::pylock::legacy_pins(&project.root).unwrap_or_default(),
        ),
    };
    resolve::resolve(project, layout, facts, backend, &previous, upgrade)
}

/// Makes the env hold exactly what the project needs for `selection`: its dependencies (the
/// pins of `lock`, chosen by `lock::policy`, when there is one), then, for a package, the project itself, editable. It is
/// rebuilt only when its build inputs changed since `built_from`. `begin` runs once, right
/// before the first change to the env: a sync refused earlier leaves the env as it was.
#[allow(clippy::too_many_arguments)]
pub fn sync(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    selection: &Selection,
    lock: Option<&PyLock>,
    options: &SyncOptions,
    built_from: Option<&str>,
    begin: &mut dyn FnMut() -> Result<(), SyncError>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let settings = &project.manifest.settings;
    let sources = Sources::for_project(project);
    let backend = Backend::choose(settings.installer, facts)?;
    selection.check_conflicts(project)?;
    let requirements = requirements(project, selection)?;
    let markers = pep::marker_environment(&facts.markers).map_err(SyncError::Markers)?;
    let before = site::installed(&layout.site_packages);
    let mut report = SyncReport {
        installer: backend.name().to_string(),
        ..SyncReport::default()
    };

    // The plan: what the lock names for this selection and this env.
    let planned = match lock {
        Some(lock) => Some(planned(project, lock, selection, &markers, &sources)?),
        None => None,
    };
    let count = planned.as_ref().map_or(requirements.len(), Vec::len);
    let pip_missing =
        backend == Backend::Pip && !site::installed(&layout.site_packages).contains_key("pip");

    // A lock this machine can take wholly as wheels is installed natively; its wheels are
    // fetched and checked now, while a refusal still changes nothing.
    let native_plan = match (&options.cache, &planned) {
        (Some(cache), Some(planned))
            if lock.is_some() && !planned.is_empty() && !options.native_declined =>
        {
            native::plan(
                layout,
                facts,
                project,
                planned,
                options,
                sources.offline,
                cache,
                progress,
            )?
        }
        _ => None,
    };
    // pip is needed unless pvm installs everything itself into an env that holds nothing
    // else: nothing to uninstall first, nothing to remove after, no project to build.
    let install_project = project.manifest.is_package() && !selection.no_project;
    let installer_free = native_plan.as_ref().is_some_and(|plan| !plan.replaces())
        && !install_project
        && planned.as_ref().is_some_and(|planned| {
            let names: BTreeSet<String> = planned
                .iter()
                .map(|p| pep::normalize_name(&p.name).unwrap_or_else(|_| p.name.clone()))
                .collect();
            before.keys().all(|name| names.contains(name))
        });
    if count > 0 && pip_missing && !installer_free {
        return Err(SyncError::NoPip);
    }

    // The changes; a Ctrl-C caught by the command stops them at the next step.
    crate::interrupt::check()?;
    begin()?;
    if options.repair && !pip_missing {
        repair(&backend, layout, facts)?;
    }
    let scratch = crate::fsutil::scratch_dir().map_err(|source| SyncError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    if count > 0 {
        crate::faults::pause(crate::faults::INSTALL);
        crate::interrupt::check()?;
        let natively = native_plan.is_some();
        if natively {
            report.installer = "pvm".to_string();
        }
        progress(Progress::Installing {
            requirements: count,
            installer: &report.installer,
        });
        if let Some(plan) = native_plan {
            native::install(&backend, layout, facts, plan)?;
        }
        if !natively {
            install_dependencies(
                &backend,
                layout,
                project,
                &sources,
                selection,
                lock.zip(planned.as_deref()),
                &requirements,
                options.reinstall,
                scratch.path(),
            )?;
        }
    }

    // The installer's word is not taken for it: what the plan names must be there now.
    if count > 0 {
        let present = site::installed(&layout.site_packages);
        let missing: Vec<String> = wanted(planned.as_deref(), &requirements, &markers)
            .into_iter()
            .filter(|name| !present.contains_key(name))
            .collect();
        if !missing.is_empty() {
            return Err(SyncError::NotInstalled {
                installer: report.installer.clone(),
                missing,
            });
        }
    }

    crate::interrupt::check()?;
    let build_inputs = package::build_inputs(project);
    if install_project {
        install_project_itself(
            project,
            layout,
            &backend,
            &sources,
            facts,
            &markers,
            built_from,
            build_inputs.as_deref(),
            options,
            &mut report,
            progress,
        )?;
    }

    // Exact: whatever the plan lacks goes.
    let keep = keep_set(
        project,
        layout,
        facts,
        planned.as_deref(),
        &requirements,
        &markers,
        install_project.then_some(build_inputs).flatten(),
        install_project,
        &mut report,
    );
    let extra: Vec<String> = site::installed(&layout.site_packages)
        .into_keys()
        .filter(|name| !keep.contains(name))
        .collect();
    if !extra.is_empty() {
        crate::interrupt::check()?;
        if pip_missing {
            return Err(SyncError::NoPip);
        }
        progress(Progress::Removing { count: extra.len() });
        backend.uninstall(layout, &extra)?;
    }

    // uv makes its `.lock` in the env writable by all; nothing in the store may be.
    crate::fsutil::remove_world_write(&layout.root);
    let after = site::installed(&layout.site_packages);
    report_changes(&before, &after, &mut report);
    if options.reinstall && count > 0 {
        let seeded = super::seeded(facts);
        // The site-packages diff misses a package put back at the same version.
        report.reinstalled = after
            .iter()
            .filter(|(name, dist)| {
                keep.contains(*name)
                    && !seeded.contains(&name.as_str())
                    && report
                        .project
                        .as_ref()
                        .is_none_or(|own| own.name != dist.name)
                    && before
                        .get(*name)
                        .is_some_and(|old| old.version == dist.version)
            })
            .map(|(name, dist)| (name.clone(), dist.version.clone()))
            .collect();
    }
    report.used_lock = lock.is_some();
    Ok(report)
}

/// What the env keeps: the plan, the project itself with what its own metadata requires (a
/// `setup.py`'s `install_requires`), and what pvm seeded; the project goes into the report.
#[allow(clippy::too_many_arguments)]
fn keep_set(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    planned: Option<&[&Package]>,
    requirements: &[pep::Requirement],
    markers: &pep::MarkerEnvironment,
    build_inputs: Option<String>,
    install_project: bool,
    report: &mut SyncReport,
) -> BTreeSet<String> {
    let installed = site::installed(&layout.site_packages);
    let mut keep: BTreeSet<String> = match planned {
        Some(planned) => wanted(Some(planned), requirements, markers)
            .into_iter()
            .collect(),
        None => site::needed(requirements, &installed, markers),
    };
    let own = install_project
        .then(|| site::installed_from(&installed, &project.root))
        .flatten();
    if let Some((dist, editable)) = own {
        if let Ok(root) = pep::parse_requirement(&dist.name) {
            keep.extend(site::needed(&[root], &installed, markers));
        }
        report.project = Some(InstalledProject {
            name: dist.name.clone(),
            version: dist.version.clone(),
            editable,
        });
        report.project_build = build_inputs;
    }
    if project.manifest.settings.seed_pip {
        keep.extend(super::seeded(facts).into_iter().map(String::from));
    }
    keep
}

/// After a sync that did not finish, a package may be half copied with its `.dist-info`
/// written: such packages are uninstalled, so that the install that follows puts them back
/// whole. What pvm seeded itself is whole.
fn repair(backend: &Backend, layout: &Layout, facts: &Facts) -> Result<(), SyncError> {
    let mut dists = site::installed(&layout.site_packages);
    for name in super::seeded(facts) {
        dists.remove(name);
    }
    let damaged = site::damaged(&dists, &layout.site_packages);
    // Without a RECORD no installer can uninstall it: its `.dist-info` goes, and the install
    // that follows writes its files anew.
    let mut uninstallable = Vec::new();
    for name in damaged {
        let dist_info = &dists[&name].dist_info;
        if dist_info.join("RECORD").is_file() {
            uninstallable.push(name);
        } else {
            let _ = std::fs::remove_dir_all(dist_info);
        }
    }
    if uninstallable.is_empty() {
        return Ok(());
    }
    backend.uninstall(layout, &uninstallable)
}

/// What `lock` installs for `selection` here, but the project itself (installed by its own
/// step), once every local artifact it names is checked: on a mismatch the env keeps what it
/// had, and stays marked as it was.
fn planned<'a>(
    project: &Project,
    lock: &'a PyLock,
    selection: &Selection,
    markers: &pep::MarkerEnvironment,
    sources: &Sources,
) -> Result<Vec<&'a Package>, SyncError> {
    let planned: Vec<&Package> = lock
        .selected(&project.lock_path(), selection, markers)?
        .into_iter()
        .filter(|p| !is_the_project(p, project))
        .collect();
    let allowed = allowed_folders(project, sources)?;
    lock.verify_local(&project.root, &allowed, &planned)?;
    Ok(planned)
}

/// Fetches and unpacks into `cache` the wheels `lock` names for `selection`, ahead of the
/// sync of an env being built (while pip is seeded into it): the sync's own plan then finds
/// them at hand. Only the cache changes. `true` when pvm cannot install them itself (a
/// download failed, a wheel this machine cannot take): the sync hands them to the installer
/// without trying again. Any other failure is left to the sync, which meets it again and
/// says why.
pub fn prefetch(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    selection: &Selection,
    lock: &PyLock,
    cache: &Path,
) -> bool {
    let sources = Sources::for_project(project);
    let Ok(markers) = pep::marker_environment(&facts.markers) else {
        return false;
    };
    let Ok(planned) = planned(project, lock, selection, &markers, &sources) else {
        return false;
    };
    if planned.is_empty() || selection.check_conflicts(project).is_err() {
        return false;
    }
    let options = SyncOptions::default();
    let quiet = &mut |_: Progress| {};
    let plan = native::plan(
        layout,
        facts,
        project,
        &planned,
        &options,
        sources.offline,
        cache,
        quiet,
    );
    matches!(plan, Ok(None))
}

/// Where a lock may name local files: the project, its find-links folders, and the folders
/// of its own `name @ file://` requirements and its path sources (applied as such).
fn allowed_folders(project: &Project, sources: &Sources) -> Result<Vec<PathBuf>, SyncError> {
    let mut allowed = vec![project.root.clone()];
    allowed.extend(sources.find_links.iter().map(PathBuf::from));
    let everything = requirements(project, &Selection::everything(project))?;
    allowed.extend(everything.iter().filter_map(|r| {
        match &r.version_or_url {
            Some(pep::VersionOrUrl::Url(url)) => crate::fsutil::file_url_to_path(&url.to_string())
                .and_then(|path| path.parent().map(Path::to_path_buf)),
            _ => None,
        }
    }));
    Ok(allowed)
}

/// Installs the dependencies: from the lock (`locked`: the lock and its planned packages) by
/// uv, or by pip from the pins with their hashes; without a lock, the requirements.
#[allow(clippy::too_many_arguments)]
fn install_dependencies(
    backend: &Backend,
    layout: &Layout,
    project: &Project,
    sources: &Sources,
    selection: &Selection,
    locked: Option<(&PyLock, &[&Package])>,
    requirements: &[pep::Requirement],
    reinstall: bool,
    scratch: &Path,
) -> Result<(), SyncError> {
    let flags = |locked| InstallFlags { locked, reinstall };
    match locked {
        Some((lock, _)) if matches!(backend, Backend::Uv(_)) => {
            let extras: Vec<String> = selection.extras.iter().cloned().collect();
            let groups: Vec<String> = selection.groups.iter().cloned().collect();
            let path = uv_lock_for(lock, selection, project, scratch)?;
            backend.install_pylock(layout, sources, &path, &extras, &groups, reinstall)
        }
        Some((_, planned)) => {
            // pip reads no lock: the pins with their hashes, from the lock's own folders; local
            // folders (path dependencies) after them, which pip cannot hash.
            let mut sources = sources.clone();
            let (pinned, folders) = pinned_requirements(planned, project, &mut sources);
            let file = write_file(scratch, "pinned.txt", &pinned)?;
            backend.install(layout, &sources, &file, flags(true))?;
            if !folders.is_empty() {
                let file = write_file(scratch, "folders.txt", &folders)?;
                backend.install(layout, &sources, &file, flags(false))?;
            }
            Ok(())
        }
        None => {
            // Without a lock, a folder source is installed editable here too.
            let editable = crate::project::path_sources::editable_names(project);
            let text: String = requirements
                .iter()
                .map(|r| match pep::local_path(r) {
                    Some(path) if editable.contains(&normalized(r.name.as_ref())) => {
                        format!("-e {}\n", crate::fsutil::path_to_file_url(&path))
                    }
                    _ => format!("{r}\n"),
                })
                .collect();
            let file = write_file(scratch, "requirements.txt", &text)?;
            backend.install(layout, sources, &file, flags(false))
        }
    }
}

/// The normalized names the plan puts into the env: the lock's planned packages, or the
/// requirements that apply here.
fn wanted(
    planned: Option<&[&Package]>,
    requirements: &[pep::Requirement],
    markers: &pep::MarkerEnvironment,
) -> Vec<String> {
    match planned {
        Some(planned) => planned
            .iter()
            .map(|p| pep::normalize_name(&p.name).unwrap_or_else(|_| p.name.clone()))
            .collect(),
        None => requirements
            .iter()
            .filter(|r| pep::applies(r, markers, &[]))
            .filter_map(|r| pep::normalize_name(r.name.as_ref()).ok())
            .collect(),
    }
}

/// What changed between `before` and `after`, as `+`, `~` and `-` lines of the report.
fn report_changes(
    before: &std::collections::BTreeMap<String, site::Dist>,
    after: &std::collections::BTreeMap<String, site::Dist>,
    report: &mut SyncReport,
) {
    for (name, dist) in after {
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
    for (name, dist) in before {
        if !after.contains_key(name) {
            report.removed.push((name.clone(), dist.version.clone()));
        }
    }
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
        || package::own_name(project).is_some_and(|own| {
            pep::normalize_name(&package.name).ok().as_deref() == Some(own.as_str())
        })
}

/// The lock uv installs for `selection`: the project's own, unless the selection has no group
/// while the lock names default groups, which uv would then add (it has no flag against
/// them), or it is a script's; then a copy (without default groups when there are none
/// selected), its relative paths made absolute.
fn uv_lock_for(
    lock: &PyLock,
    selection: &Selection,
    project: &Project,
    scratch: &Path,
) -> Result<PathBuf, SyncError> {
    // uv reads a lock only by the name `pylock.toml`: a script's `<script>.lock` is copied too.
    // The project is installed by its own step, never by uv from the lock (nor an index copy
    // of it that an older lock holds).
    let holds_project = lock.packages.iter().any(|p| is_the_project(p, project));
    if project.script.is_none()
        && !holds_project
        && (!selection.groups.is_empty() || lock.default_groups.is_empty())
    {
        return Ok(project.lock_path());
    }
    let mut copy = lock.clone();
    if selection.groups.is_empty() {
        copy.default_groups.clear();
    }
    copy.packages.retain(|p| !is_the_project(p, project));
    for package in &mut copy.packages {
        let absolute = |path: &mut String| {
            if Path::new(path.as_str()).is_relative() {
                *path = project.root.join(&*path).display().to_string();
            }
        };
        if let Some(directory) = &mut package.directory {
            absolute(&mut directory.path);
        }
        for artifact in package
            .wheels
            .iter_mut()
            .chain(package.sdist.iter_mut())
            .chain(package.archive.iter_mut())
        {
            if let Some(path) = &mut artifact.path {
                absolute(path);
            }
        }
    }
    let path = scratch.join(crate::lock::pylock::LOCK_FILE);
    std::fs::write(&path, copy.to_toml()).map_err(|source| SyncError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// For pip: `name==version --hash=…` lines (an archive by its URL or path), with the folders
/// of the lock's local files added to `sources` so that pip finds exactly them; and, apart,
/// the local folders (path dependencies), which carry no hash.
fn pinned_requirements(
    planned: &[&Package],
    project: &Project,
    sources: &mut Sources,
) -> (String, String) {
    let mut pinned = String::new();
    let mut folders = String::new();
    for package in planned {
        if let Some(directory) = &package.directory {
            // A path source is relative to the lock's folder, the project's root.
            let url = crate::fsutil::path_to_file_url(&project.root.join(&directory.path));
            if directory.editable == Some(true) {
                folders.push_str(&format!("-e {url}\n"));
            } else {
                folders.push_str(&format!("{} @ {url}\n", package.name));
            }
            continue;
        }
        if let Some(archive) = &package.archive {
            let location = match archive.local_file(&project.root) {
                Some(file) => crate::fsutil::path_to_file_url(&file),
                None => archive.url.clone().unwrap_or_default(),
            };
            pinned.push_str(&format!("{} @ {location}", package.name));
            if let Some(sha256) = archive.sha256() {
                pinned.push_str(&format!(" --hash=sha256:{sha256}"));
            }
            pinned.push('\n');
            continue;
        }
        let Some(version) = &package.version else {
            continue;
        };
        pinned.push_str(&format!("{}=={version}", package.name));
        for artifact in package.wheels.iter().chain(package.sdist.iter()) {
            if let Some(sha256) = artifact.sha256() {
                pinned.push_str(&format!(" --hash=sha256:{sha256}"));
            }
            if let Some(folder) = artifact
                .local_file(&project.root)
                .and_then(|file| file.parent().map(|p| p.display().to_string()))
                && !sources.find_links.contains(&folder)
            {
                sources.find_links.push(folder);
            }
        }
        pinned.push('\n');
    }
    (pinned, folders)
}

fn normalized(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

fn write_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf, SyncError> {
    let file = dir.join(name);
    std::fs::write(&file, text).map_err(|source| SyncError::Io {
        path: file.clone(),
        source,
    })?;
    Ok(file)
}

/// Builds and installs the project, editable, unless the build inputs it was last built from
/// are the current ones and it is still there.
#[allow(clippy::too_many_arguments)]
fn install_project_itself(
    project: &Project,
    layout: &Layout,
    backend: &Backend,
    sources: &Sources,
    facts: &Facts,
    markers: &pep::MarkerEnvironment,
    built_from: Option<&str>,
    build_inputs: Option<&str>,
    options: &SyncOptions,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let dists = site::installed(&layout.site_packages);
    let current = site::installed_from(&dists, &project.root);
    let fresh = current.is_some()
        && built_from.is_some()
        && built_from == build_inputs
        && !options.reinstall;
    if fresh {
        return Ok(());
    }
    // The same build, kept from an earlier env of this project: linked in, not built again.
    let slot = options
        .cache
        .as_deref()
        .zip(build_inputs)
        .map(|(cache, inputs)| editable::slot(cache, &project.root, inputs, facts));
    if let Some(slot) = &slot
        && current.is_none()
        && !options.reinstall
        // A kept build that cannot be linked in is built instead.
        && editable::restore(slot, layout, facts, markers).unwrap_or(false)
    {
        report.built_project = true;
        return Ok(());
    }
    let name = current
        .map(|(dist, _)| dist.name.clone())
        .or_else(|| project.manifest.name.clone());
    let backend_name = project.manifest.build_backend();
    progress(Progress::BuildingProject {
        name: &project.name(),
        backend: backend_name,
    });
    backend
        .install_editable(layout, sources, &project.root, name.as_deref())
        .map_err(|err| match err {
            SyncError::Installer { detail, .. } => SyncError::Build {
                project: project.name(),
                backend: backend_name.to_string(),
                installer: backend.name(),
                tail: super::tail(&detail, 25),
            },
            other => other,
        })?;
    report.built_project = true;
    // Kept for the next fresh env; a build that cannot be kept is only built again then.
    if let Some(slot) = &slot {
        let dists = site::installed(&layout.site_packages);
        if let Some((dist, true)) = site::installed_from(&dists, &project.root) {
            let _ = editable::keep(slot, dist, layout);
        }
    }
    Ok(())
}
