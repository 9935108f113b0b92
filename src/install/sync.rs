//! A sync: first the [`plan`] (the lock's packages for this env, every local artifact
//! verified, the native wheels fetched), which changes nothing in the env; then, once the
//! caller has marked the env unfinished, [`apply`]: install, build the project, remove what
//! the plan lacks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{InstallError, Progress, SyncOptions, SyncReport, editable, native};
use crate::config::Config;
use crate::installer::{Backend, InstallFlags, InstallerError};
use crate::lock::pylock::{Package, PyLock};
use crate::lock_policy::is_the_project;
use crate::pep::{self, PackageName};
use crate::project::package::{self, InstalledProject};
use crate::project::{Project, Selection, Sources, requirements};
use crate::python::Facts;
use crate::site::{self, SitePackages};
use crate::venv::Layout;

/// What a sync will do, decided without changing the env: the installer, the lock's packages
/// for this selection and this env (every local artifact checked), the wheels pvm installs
/// itself (fetched and checked), and what the env holds now. [`apply`] carries it out.
pub struct Plan<'a> {
    project: &'a Project,
    layout: &'a Layout,
    facts: &'a Facts,
    selection: &'a Selection,
    lock: Option<&'a PyLock>,
    options: &'a SyncOptions,
    sources: Sources,
    backend: Backend,
    requirements: Vec<pep::Requirement>,
    markers: pep::MarkerEnvironment,
    /// What site-packages holds before any change.
    before: SitePackages,
    /// What the lock names for this selection here (`None`: install the requirements).
    planned: Option<Vec<&'a Package>>,
    /// The env has no pip, and the installer is pip.
    pip_missing: bool,
    /// The wheels pvm installs itself, when it takes the whole lock.
    native: Option<native::Plan>,
    install_project: bool,
}

impl Plan<'_> {
    /// How many requirements (or locked packages) the sync installs.
    pub fn count(&self) -> usize {
        self.planned
            .as_ref()
            .map_or(self.requirements.len(), Vec::len)
    }

    /// Whether pvm installs everything itself: a lock taken wholly as wheels, into an env that
    /// holds nothing else (nothing to uninstall first, nothing to remove after) and no project
    /// to build. Only then is no pip needed.
    pub fn installer_free(&self) -> bool {
        installer_free(
            self.native.as_ref().map(native::Plan::replaces),
            self.install_project,
            self.planned.as_deref(),
            self.before.dists(),
        )
    }
}

/// [`Plan::installer_free`] from what it depends on: whether the native plan (if any)
/// replaces installed packages, whether the project is built, the lock's planned packages,
/// and what the env holds.
fn installer_free(
    native_replaces: Option<bool>,
    install_project: bool,
    planned: Option<&[&Package]>,
    installed: &BTreeMap<PackageName, site::Dist>,
) -> bool {
    native_replaces == Some(false)
        && !install_project
        && planned.is_some_and(|planned| {
            let names: BTreeSet<&PackageName> = planned.iter().map(|p| &p.name).collect();
            installed.keys().all(|name| names.contains(name))
        })
}

/// Decides what a sync of the env to exactly what the project needs for `selection` does:
/// its dependencies (the pins of `lock`, chosen by `lock::policy`, when there is one), then,
/// for a package, the project itself, editable. Nothing in the env changes: a sync refused
/// here (a hash mismatch, no pip) leaves the env as it was.
#[allow(clippy::too_many_arguments)]
pub fn plan<'a>(
    project: &'a Project,
    layout: &'a Layout,
    facts: &'a Facts,
    selection: &'a Selection,
    lock: Option<&'a PyLock>,
    options: &'a SyncOptions,
    config: &Config,
    progress: &mut dyn FnMut(Progress),
) -> Result<Plan<'a>, InstallError> {
    let settings = &project.manifest.settings;
    let sources = Sources::for_project(project, config);
    let backend = Backend::choose(settings.installer, facts, config)?;
    selection.check_conflicts(project)?;
    let requirements = requirements(project, selection)?;
    let markers = pep::marker_environment(&facts.markers).map_err(InstallError::Markers)?;
    let before = SitePackages::read(&layout.site_packages);
    let planned = match lock {
        Some(lock) => Some(planned(project, lock, selection, &markers, &sources)?),
        None => None,
    };
    let pip_missing =
        backend == Backend::Pip && !before.dists().contains_key(&pep::package_name("pip"));
    // A lock this machine can take wholly as wheels is installed natively; its wheels are
    // fetched and checked now, while a refusal still changes nothing.
    let native = match &planned {
        Some(planned) if !planned.is_empty() && !options.native_declined => match &options.cache {
            Some(cache) => native::plan(
                layout,
                facts,
                project,
                planned,
                options,
                sources.offline,
                config,
                cache,
                &before,
                progress,
            )?,
            None => None,
        },
        _ => None,
    };
    let plan = Plan {
        project,
        layout,
        facts,
        selection,
        lock,
        options,
        sources,
        backend,
        requirements,
        markers,
        before,
        planned,
        pip_missing,
        native,
        install_project: project.manifest.is_package() && !selection.no_project,
    };
    if plan.count() > 0 && plan.pip_missing && !plan.installer_free() {
        return Err(InstallError::NoPip);
    }
    crate::interrupt::check()?;
    Ok(plan)
}

/// Carries out `plan`: installs, builds the project (only when its build inputs changed since
/// `built_from`), removes what the plan lacks. The caller has marked the env unfinished.
pub fn apply(
    mut plan: Plan,
    built_from: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, InstallError> {
    let count = plan.count();
    let mut report = SyncReport {
        installer: plan.backend.name().to_string(),
        ..SyncReport::default()
    };
    // The changes; a Ctrl-C caught by the command stops them at the next step. `site` is
    // read again after each.
    let mut site = plan.before.clone();
    if plan.options.repair {
        remove_stash(&plan.layout.site_packages)?;
    }
    if plan.options.repair
        && !plan.pip_missing
        && repair(&plan.backend, plan.layout, plan.facts, &plan.sources, &site)?
    {
        site.refresh();
    }
    let scratch = crate::fsutil::scratch_dir().map_err(|source| InstallError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    if count > 0 {
        crate::faults::pause(crate::faults::INSTALL);
        crate::interrupt::check()?;
        let natively = plan.native.is_some();
        if natively {
            report.installer = "pvm".to_string();
        }
        progress(Progress::Installing {
            requirements: count,
            installer: &report.installer,
        });
        if let Some(native) = plan.native.take() {
            native::install(
                &plan.backend,
                plan.layout,
                plan.facts,
                &plan.sources,
                native,
            )?;
        }
        if !natively {
            install_dependencies(
                &plan.backend,
                plan.layout,
                plan.project,
                &plan.sources,
                plan.selection,
                plan.lock.zip(plan.planned.as_deref()),
                &plan.requirements,
                plan.options.reinstall,
                scratch.path(),
            )?;
        }
        site.refresh();
    }

    // The installer's word is not taken for it: what the plan names must be there now.
    if count > 0 {
        let present = site.dists();
        let missing: Vec<String> =
            wanted(plan.planned.as_deref(), &plan.requirements, &plan.markers)
                .into_iter()
                .filter(|name| !present.contains_key(name))
                .map(|name| name.to_string())
                .collect();
        if !missing.is_empty() {
            return Err(InstallError::NotInstalled {
                installer: report.installer.clone(),
                missing,
            });
        }
    }

    crate::interrupt::check()?;
    let build_inputs = package::build_inputs(plan.project);
    if plan.install_project {
        install_project_itself(
            plan.project,
            plan.layout,
            &plan.backend,
            &plan.sources,
            plan.facts,
            &plan.markers,
            built_from,
            build_inputs.as_deref(),
            plan.options,
            &mut site,
            &mut report,
            progress,
        )?;
    }

    // Exact: whatever the plan lacks goes.
    let keep = keep_set(
        plan.project,
        plan.facts,
        plan.planned.as_deref(),
        &plan.requirements,
        &plan.markers,
        plan.install_project.then_some(build_inputs).flatten(),
        plan.install_project,
        site.dists(),
        &mut report,
    );
    let extra: Vec<String> = site
        .dists()
        .keys()
        .filter(|name| !keep.contains(*name))
        .map(PackageName::to_string)
        .collect();
    if !extra.is_empty() {
        crate::interrupt::check()?;
        if plan.pip_missing {
            return Err(InstallError::NoPip);
        }
        progress(Progress::Removing { count: extra.len() });
        plan.backend.uninstall(plan.layout, &plan.sources, &extra)?;
        site.refresh();
    }

    // uv makes its `.lock` in the env writable by all; nothing in the store may be.
    crate::fsutil::remove_world_write(&plan.layout.root);
    let after = site.dists();
    report_changes(plan.before.dists(), after, &mut report);
    if plan.options.reinstall && count > 0 {
        let seeded = super::seeded(plan.facts);
        // The site-packages diff misses a package put back at the same version.
        report.reinstalled = after
            .iter()
            .filter(|(name, dist)| {
                keep.contains(*name)
                    && !seeded.contains(&name.as_str())
                    && report
                        .project
                        .as_ref()
                        .is_none_or(|own| own.name != dist.name.as_str())
                    && plan
                        .before
                        .dists()
                        .get(*name)
                        .is_some_and(|old| old.version == dist.version)
            })
            .map(|(name, dist)| (name.to_string(), dist.version.clone()))
            .collect();
    }
    report.used_lock = plan.lock.is_some();
    Ok(report)
}

/// What the env keeps: the plan, the project itself with what its own metadata requires (a
/// `setup.py`'s `install_requires`), and what pvm seeded; the project goes into the report.
#[allow(clippy::too_many_arguments)]
fn keep_set(
    project: &Project,
    facts: &Facts,
    planned: Option<&[&Package]>,
    requirements: &[pep::Requirement],
    markers: &pep::MarkerEnvironment,
    build_inputs: Option<String>,
    install_project: bool,
    installed: &BTreeMap<PackageName, site::Dist>,
    report: &mut SyncReport,
) -> BTreeSet<PackageName> {
    let mut keep: BTreeSet<PackageName> = match planned {
        Some(planned) => wanted(Some(planned), requirements, markers)
            .into_iter()
            .collect(),
        None => site::needed(requirements, installed, markers),
    };
    let own = install_project
        .then(|| site::installed_from(installed, &project.root))
        .flatten();
    if let Some((dist, editable)) = own {
        if let Ok(root) = pep::parse_requirement(dist.name.as_str()) {
            keep.extend(site::needed(&[root], installed, markers));
        }
        report.project = Some(InstalledProject {
            name: dist.name.to_string(),
            version: dist.version.clone(),
            editable,
        });
        report.project_build = build_inputs;
    }
    if project.manifest.settings.seed_pip {
        keep.extend(super::seeded(facts).into_iter().map(pep::package_name));
    }
    keep
}

/// After a sync that did not finish, a package may be half copied with its `.dist-info`
/// written: such packages are uninstalled, so that the install that follows puts them back
/// whole. What pvm seeded itself is whole. `true` when it changed anything.
fn repair(
    backend: &Backend,
    layout: &Layout,
    facts: &Facts,
    sources: &Sources,
    site: &SitePackages,
) -> Result<bool, InstallError> {
    let mut dists = site.dists().clone();
    for name in super::seeded(facts) {
        dists.remove(&pep::package_name(name));
    }
    let damaged = site::damaged(&dists, &layout.site_packages);
    // Without a RECORD no installer can uninstall it: its `.dist-info` goes, and the install
    // that follows writes its files anew.
    let mut uninstallable = Vec::new();
    let changed = !damaged.is_empty();
    for name in damaged {
        let dist_info = &dists[&name].dist_info;
        if dist_info.join("RECORD").is_file() {
            uninstallable.push(name.to_string());
        } else {
            let _ = std::fs::remove_dir_all(dist_info);
        }
    }
    if !uninstallable.is_empty() {
        backend.uninstall(layout, sources, &uninstallable)?;
    }
    Ok(changed)
}

/// pip's stash of an uninstall it did not finish (see [`site::stash`]) is removed: only
/// links into the cache and copies of what the sync installs again.
fn remove_stash(site_packages: &Path) -> Result<(), InstallError> {
    for path in site::stash(site_packages) {
        let removed = if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            crate::platform::retry::remove_dir_all(&path)
        } else {
            crate::platform::retry::remove_file(&path)
        };
        removed.map_err(|source| InstallError::Io { path, source })?;
    }
    Ok(())
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
) -> Result<Vec<&'a Package>, InstallError> {
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
    config: &Config,
) -> bool {
    let sources = Sources::for_project(project, config);
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
        config,
        cache,
        &SitePackages::read(&layout.site_packages),
        quiet,
    );
    matches!(plan, Ok(None))
}

/// Where a lock may name local files: the project, its find-links folders, and the folders
/// of its own `name @ file://` requirements and its path sources (applied as such).
fn allowed_folders(project: &Project, sources: &Sources) -> Result<Vec<PathBuf>, InstallError> {
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
) -> Result<(), InstallError> {
    let flags = |locked| InstallFlags { locked, reinstall };
    match locked {
        Some((lock, _)) if matches!(backend, Backend::Uv(_)) => {
            let extras: Vec<String> = selection.extras.iter().cloned().collect();
            let groups: Vec<String> = selection.groups.iter().cloned().collect();
            let path = uv_lock_for(lock, selection, project, scratch)?;
            backend.install_pylock(layout, sources, &path, &extras, &groups, reinstall)?;
            Ok(())
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
                    Some(path) if editable.contains(r.name.as_str()) => {
                        format!("-e {}\n", crate::fsutil::path_to_file_url(&path))
                    }
                    _ => pep::text(r) + "\n",
                })
                .collect();
            let file = write_file(scratch, "requirements.txt", &text)?;
            backend.install(layout, sources, &file, flags(false))?;
            Ok(())
        }
    }
}

/// The normalized names the plan puts into the env: the lock's planned packages, or the
/// requirements that apply here.
fn wanted(
    planned: Option<&[&Package]>,
    requirements: &[pep::Requirement],
    markers: &pep::MarkerEnvironment,
) -> Vec<PackageName> {
    match planned {
        Some(planned) => planned.iter().map(|p| p.name.clone()).collect(),
        None => requirements
            .iter()
            .filter(|r| pep::applies(r, markers, &[]))
            .map(|r| r.name.clone())
            .collect(),
    }
}

/// What changed between `before` and `after`, as `+`, `~` and `-` lines of the report.
fn report_changes(
    before: &std::collections::BTreeMap<PackageName, site::Dist>,
    after: &std::collections::BTreeMap<PackageName, site::Dist>,
    report: &mut SyncReport,
) {
    for (name, dist) in after {
        match before.get(name) {
            None => report.added.push((name.to_string(), dist.version.clone())),
            Some(old) if old.version != dist.version => {
                report
                    .changed
                    .push((name.to_string(), old.version.clone(), dist.version.clone()))
            }
            Some(_) => {}
        }
    }
    for (name, dist) in before {
        if !after.contains_key(name) {
            report
                .removed
                .push((name.to_string(), dist.version.clone()));
        }
    }
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
) -> Result<PathBuf, InstallError> {
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
    std::fs::write(&path, copy.to_toml()).map_err(|source| InstallError::Io {
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

fn write_file(dir: &Path, name: &str, text: &str) -> Result<PathBuf, InstallError> {
    let file = dir.join(name);
    std::fs::write(&file, text).map_err(|source| InstallError::Io {
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
    site: &mut SitePackages,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), InstallError> {
    let current = site::installed_from(site.dists(), &project.root);
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
        && editable::restore(slot, layout, facts, markers, site.dists()).unwrap_or(false)
    {
        site.refresh();
        report.built_project = true;
        return Ok(());
    }
    let name = current
        .map(|(dist, _)| dist.name.to_string())
        .or_else(|| project.manifest.name.clone());
    let backend_name = project.manifest.build_backend();
    progress(Progress::BuildingProject {
        name: &project.name(),
        backend: backend_name,
    });
    backend
        .install_editable(layout, sources, &project.root, name.as_deref())
        .map_err(|err| match err {
            InstallerError::Failed { detail, .. } => InstallError::Build {
                project: project.name(),
                backend: backend_name.to_string(),
                installer: backend.name(),
                tail: crate::installer::explain::tail(&detail, 25),
            },
            other => other.into(),
        })?;
    report.built_project = true;
    site.refresh();
    // Kept for the next fresh env; a build that cannot be kept is only built again then.
    if let Some(slot) = &slot
        && let Some((dist, true)) = site::installed_from(site.dists(), &project.root)
    {
        let _ = editable::keep(slot, dist, layout);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dists(names: &[&str]) -> BTreeMap<PackageName, site::Dist> {
        names
            .iter()
            .map(|name| {
                let dist = site::Dist {
                    name: name.parse().unwrap(),
                    version: "1.0".into(),
                    requires: Vec::new(),
                    dist_info: PathBuf::from(format!("{name}-1.0.dist-info")),
                };
                (dist.name.clone(), dist)
            })
            .collect()
    }

    fn packages(names: &[&str]) -> Vec<Package> {
        names
            .iter()
            .map(|name| toml::from_str(&format!("name = \"{name}\"")).unwrap())
            .collect()
    }

    #[test]
    fn no_installer_is_needed_only_for_wheels_into_an_env_holding_nothing_else() {
        let locked = packages(&["Tiny_Pkg", "small"]);
        let planned: Vec<&Package> = locked.iter().collect();
        let planned = Some(planned.as_slice());
        // A fresh env, or one holding only what the lock names (by normalized name).
        assert!(installer_free(Some(false), false, planned, &dists(&[])));
        assert!(installer_free(
            Some(false),
            false,
            planned,
            &dists(&["tiny-pkg"])
        ));
        // Something else to remove after (pip seeded, a package dropped from the lock).
        assert!(!installer_free(
            Some(false),
            false,
            planned,
            &dists(&["pip"])
        ));
        // Installed packages replaced, no native plan, the project to build, no lock.
        assert!(!installer_free(Some(true), false, planned, &dists(&[])));
        assert!(!installer_free(None, false, planned, &dists(&[])));
        assert!(!installer_free(Some(false), true, planned, &dists(&[])));
        assert!(!installer_free(Some(false), false, None, &dists(&[])));
    }
}
