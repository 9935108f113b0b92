//! Resolving a project into a `pylock.toml`.
//!
//! With uv the lock is universal: one resolution of everything (every extra and group) for
//! every platform and every Python `requires-python` allows, in which each part of the
//! manifest (the dependencies, each extra, each group) carries a tag marker, so each package's
//! marker says which parts need it (`lock::part_markers`): `'tests' in dependency_groups and
//! (…)`. A project with `[tool.pvm] conflicts` is resolved per world instead (uv's `pip
//! compile` knows no conflicts), each world once, then each part in it held to its pins. With
//! pip (3.6, 3.7) the lock holds the one environment it was resolved in, and says so in
//! `environments`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::pylock::{
    self, Artifact, Package, PieceKind, PvmTable, PyLock, Tool, all_of, any_of, selection_marker,
};
use crate::build::{self, BuildMetadata};
use crate::config::Config;
use crate::fsutil;
use crate::installer::{Backend, InstallerError};
use crate::lock::LockError;
use crate::lock::part_markers::{self, Part};
use crate::lock::preferences::{self, Previous};
use crate::pep::{self, PackageName, Requirement, Settled};
use crate::project::path_sources::{self, Located};
use crate::project::{Project, Selection, Sources, package, requirements, requirements_as_written};
use crate::python::Facts;
use crate::venv::Layout;

/// The oldest Python uv resolves for.
const UV_OLDEST_MINOR: u64 = 8;

/// One part of the manifest, resolved on its own to learn what it needs.
struct Piece {
    kind: PieceKind,
    name: String,
    requirements: Vec<Requirement>,
}

/// How a part's requirements are read: with their sources applied (to resolve), or as
/// written (for the inputs hash).
type Read = fn(&Project, &Selection) -> Result<Vec<Requirement>, crate::project::SelectionError>;

/// The parts of the manifest: dependencies, each extra, each group (without what the
/// dependencies already ask), read by `requirements`. `build` holds what the build reported
/// for a package whose dependencies or extras are dynamic; without it, only what the manifest
/// itself holds.
fn pieces(
    project: &Project,
    requirements: Read,
    build: Option<&BuildMetadata>,
) -> Result<Vec<Piece>, LockError> {
    let manifest = &project.manifest;
    let mut base = requirements(project, &Selection::default())?;
    if let Some(build) = build.filter(|_| manifest.dynamic.dependencies) {
        base.extend(build.dependencies());
    }
    let base_text: BTreeSet<String> = base.iter().map(|r| r.to_string()).collect();
    let mut out = vec![Piece {
        kind: PieceKind::Base,
        name: String::new(),
        requirements: base,
    }];
    let parts = extras(project, build)
        .into_iter()
        .map(|name| (PieceKind::Extra, name))
        .chain(
            manifest
                .dependency_groups
                .keys()
                .map(|name| (PieceKind::Group, name.clone())),
        );
    for (kind, name) in parts {
        let mut selection = Selection::default();
        let from_build = build.filter(|build| {
            kind == PieceKind::Extra
                && manifest.dynamic.optional_dependencies
                && build.optional_dependencies.contains_key(&name)
        });
        let all = match from_build {
            Some(build) => build.extra(&name),
            None => {
                match kind {
                    PieceKind::Extra => selection.extras.insert(name.clone()),
                    _ => selection.groups.insert(name.clone()),
                };
                let all = requirements(project, &selection)?;
                match build {
                    Some(build) => build.expand_own(all),
                    None => all,
                }
            }
        };
        let own: Vec<Requirement> = all
            .into_iter()
            .filter(|r| !base_text.contains(&r.to_string()))
            .collect();
        out.push(Piece {
            kind,
            name,
            requirements: own,
        });
    }
    Ok(out)
}

/// The project's extras: the manifest's, and those its build reports when they are dynamic.
fn extras(project: &Project, build: Option<&BuildMetadata>) -> BTreeSet<String> {
    let manifest = &project.manifest;
    let mut names: BTreeSet<String> = manifest.optional_dependencies.keys().cloned().collect();
    if let Some(build) = build.filter(|_| manifest.dynamic.optional_dependencies) {
        names.extend(build.optional_dependencies.keys().cloned());
    }
    names
}

/// What the build reports the project depends on, when the manifest does not say (see
/// [`crate::build`]); `None` when it does.
fn build_metadata(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    sources: &Sources,
    upgrade: bool,
    config: &Config,
) -> Result<Option<BuildMetadata>, LockError> {
    if !project.manifest.dynamic.any() {
        return Ok(None);
    }
    Ok(Some(build::build_metadata(
        project, layout, facts, backend, sources, upgrade, config,
    )?))
}

/// The groups and extras `[tool.pvm] conflicts` declares, as the parts they are.
fn conflicting(project: &Project) -> Vec<(PieceKind, String)> {
    project
        .manifest
        .settings
        .conflicts
        .iter()
        .flatten()
        .filter_map(|item| match (&item.group, &item.extra) {
            (Some(group), _) => Some((PieceKind::Group, group.clone())),
            (_, Some(extra)) => Some((PieceKind::Extra, extra.clone())),
            _ => None,
        })
        .collect()
}

/// The environment a pip lock holds, as a marker.
pub fn environment_marker(facts: &Facts) -> String {
    let get = |key: &str| facts.markers.get(key).cloned().unwrap_or_default();
    format!(
        "python_version == '{}' and implementation_name == '{}' and sys_platform == '{}' and platform_machine == '{}'",
        get("python_version"),
        get("implementation_name"),
        get("sys_platform"),
        get("platform_machine"),
    )
}

/// The inputs hash a lock must carry to be current for `project`, with the short hash of
/// each input; for a pip lock, `environment` is the one it holds (the lock's own, when judging
/// it: another interpreter makes it a lock for another environment, not a stale one).
pub fn expected_inputs(
    project: &Project,
    sources: &Sources,
    resolver: &str,
    environment: Option<&str>,
) -> Result<(String, BTreeMap<String, String>), LockError> {
    let mut parts = serde_json::Map::new();
    // A dynamic part is known only to the build: what the build reads stands for it, so that
    // an edit to setup.py makes the lock stale without running the backend to find out.
    if project.manifest.dynamic.any() {
        parts.insert("build inputs".into(), package::build_inputs(project).into());
    }
    // As written, sources apart and relative: a checkout elsewhere has the same inputs.
    for piece in pieces(project, requirements_as_written, None)? {
        let mut requirements: Vec<String> =
            piece.requirements.iter().map(|r| r.to_string()).collect();
        requirements.sort();
        let key = match piece.kind {
            PieceKind::Base => "dependencies".to_string(),
            PieceKind::Extra => format!("extra {}", piece.name),
            PieceKind::Group => format!("group {}", piece.name),
        };
        parts.insert(key, requirements.into());
    }
    if !project.manifest.settings.conflicts.is_empty() {
        let conflicts =
            serde_json::to_value(&project.manifest.settings.conflicts).unwrap_or_default();
        parts.insert("conflicts".into(), conflicts);
    }
    if !project.manifest.settings.sources.is_empty() {
        let sources = serde_json::to_value(&project.manifest.settings.sources).unwrap_or_default();
        parts.insert("path-sources".into(), sources);
    }
    let environment = environment.filter(|_| resolver == "pip");
    // What the manifest says, not the Pythons guessed without it: a lock made with 3.12 for
    // `>=3.12` is as current on 3.13 (and out of range, hence re-locked, on 3.11).
    let asked_python = project
        .manifest
        .requires_python
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    Ok(pylock::inputs_hash(
        &parts,
        &asked_python,
        &written_sources(sources),
        resolver,
        environment,
    ))
}

/// The Pythons a lock is for: the manifest's `requires-python`, else the interpreter in use
/// and every newer one (as uv does), never older ones nobody asked for.
pub fn requires_python(project: &Project, facts: &Facts) -> String {
    match &project.manifest.requires_python {
        Some(specifiers) => specifiers.to_string(),
        None => guessed_python(facts),
    }
}

/// The Pythons a lock is for when the manifest has no `requires-python`: `Some` tells the
/// command to say that they were guessed, as uv warns.
pub fn guessed_requires_python(project: &Project, facts: &Facts) -> Option<String> {
    project
        .manifest
        .requires_python
        .is_none()
        .then(|| guessed_python(facts))
}

fn guessed_python(facts: &Facts) -> String {
    format!(">={}", facts.minor_version())
}

/// Resolves the project (every extra and group) into a lock. `previous` pins (forks
/// included) are kept where the manifest allows, unless `upgrade`.
pub fn resolve(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    previous: &Previous,
    upgrade: bool,
    config: &Config,
) -> Result<PyLock, LockError> {
    // pip resolves from inside the env: without it there, say so, not "No module named pip".
    if *backend == Backend::Pip
        && !crate::site::installed(&layout.site_packages).contains_key(&pep::package_name("pip"))
    {
        return Err(LockError::NoPip);
    }
    let sources = Sources::for_project(project, config);
    let scratch = crate::fsutil::scratch_dir().map_err(|source| LockError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let build = build_metadata(project, layout, facts, backend, &sources, upgrade, config)?;
    let pieces = pieces(project, requirements, build.as_ref())?;
    let (packages, resolver, environments) = match backend {
        Backend::Uv(_) => {
            let python_version = lowest_python(project, facts);
            let conflicting = conflicting(project);
            let packages = if conflicting.is_empty() {
                resolve_tagged(
                    backend,
                    layout,
                    &sources,
                    &pieces,
                    &python_version,
                    previous,
                    upgrade,
                    scratch.path(),
                    config,
                )?
            } else {
                resolve_universal(
                    backend,
                    layout,
                    &sources,
                    &pieces,
                    &conflicting,
                    &python_version,
                    &preferences::by_name(previous.pins()?),
                    upgrade,
                    scratch.path(),
                )?
            };
            (packages, "uv", None)
        }
        Backend::Pip => {
            let packages = resolve_here(
                backend,
                layout,
                facts,
                &sources,
                &pieces,
                (!upgrade)
                    .then(|| previous.pins().map(preferences::by_name))
                    .transpose()?
                    .as_ref(),
                scratch.path(),
            )?;
            (packages, "pip", Some(vec![environment_marker(facts)]))
        }
    };
    let mut packages = packages;
    // Only the sources a requirement uses: a package of the same name met deeper in the
    // graph is not theirs.
    let used: BTreeSet<String> = pieces
        .iter()
        .flat_map(|piece| &piece.requirements)
        .filter(|r| pep::local_path(r).is_some())
        .map(|r| r.name.to_string())
        .collect();
    let mut located = path_sources::located_all(project);
    located.retain(|(name, _)| used.contains(name));
    for package in &mut packages {
        localize(package, project, &sources);
        from_path_source(package, &located);
    }
    the_project_is_its_folder(&mut packages, project);
    packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let manifest = &project.manifest;
    let environment = environment_marker(facts);
    let (inputs, input_hashes) = expected_inputs(project, &sources, resolver, Some(&environment))?;
    let default_groups = manifest
        .dependency_groups
        .keys()
        .filter(|name| name.as_str() == "dev")
        .cloned()
        .collect();
    Ok(PyLock {
        lock_version: "1.0".into(),
        environments,
        // uv's lock is for every Python from the floor it resolved for; pip's for its one.
        requires_python: match resolver {
            "uv" => Some(requires_python(project, facts)),
            _ => manifest.requires_python.as_ref().map(|s| s.to_string()),
        },
        extras: extras(project, build.as_ref()).into_iter().collect(),
        dependency_groups: manifest.dependency_groups.keys().cloned().collect(),
        default_groups,
        created_by: "pvm".into(),
        packages,
        tool: Some(Tool {
            pvm: Some(PvmTable {
                inputs,
                resolver: resolver.into(),
                sources: written_sources(&sources),
                input_hashes,
            }),
        }),
    })
}

/// A package project is in its own lock as its folder, installed editable (as uv's export
/// writes it), and never as a release from an index: a resolver that meets its name (a group
/// asking `demo[test]`, a dependency of a dependency) resolves it like any other package.
fn the_project_is_its_folder(packages: &mut Vec<Package>, project: &Project) {
    let Some(own) = crate::project::package::own_name(project) else {
        return;
    };
    packages.retain(|package| package.is_project(&project.root) || package.name != own);
    if !packages
        .iter()
        .any(|package| package.is_project(&project.root))
    {
        packages.push(Package {
            name: own,
            version: None,
            marker: None,
            requires_python: None,
            index: None,
            directory: Some(pylock::Directory {
                path: ".".into(),
                editable: Some(true),
            }),
            archive: None,
            sdist: None,
            wheels: Vec::new(),
        });
    }
}

fn written_sources(sources: &Sources) -> Vec<String> {
    let written = sources.as_written();
    written
        .index_url
        .iter()
        .chain(&written.extra_index_urls)
        .chain(&written.find_links)
        .map(|url| pylock::strip_credentials(url))
        .collect()
}

/// The lowest `X.Y` that `requires-python` allows (uv resolves for it and everything newer);
/// without one, the interpreter's (but never below the oldest uv resolves for).
fn lowest_python(project: &Project, facts: &Facts) -> String {
    let from_manifest = project
        .manifest
        .requires_python
        .as_ref()
        .and_then(|specifiers| {
            specifiers
                .iter()
                .filter(|s| {
                    matches!(
                        s.operator().to_string().as_str(),
                        ">=" | ">" | "==" | "~=" | "==="
                    )
                })
                .map(|s| {
                    let release = s.version().release();
                    (
                        release.first().copied().unwrap_or(3),
                        release.get(1).copied().unwrap_or(0),
                    )
                })
                .max()
        });
    let (major, minor) = from_manifest.unwrap_or((facts.version_info.0, facts.version_info.1));
    let minor = if major == 3 {
        minor.max(UV_OLDEST_MINOR)
    } else {
        minor
    };
    format!("{major}.{minor}")
}

/// The universal resolution. Without declared conflicts, one world: everything resolved
/// together, then each part held to those pins. With `[tool.pvm] conflicts`, one world without
/// any conflicting group or extra, and one world per conflicting one (the dependencies, the
/// other parts, and it); each package's marker then also says in which world it is.
#[allow(clippy::too_many_arguments)]
fn resolve_universal(
    backend: &Backend,
    layout: &Layout,
    sources: &Sources,
    pieces: &[Piece],
    conflicting: &[(PieceKind, String)],
    python_version: &str,
    previous: &BTreeMap<String, String>,
    upgrade: bool,
    scratch: &Path,
) -> Result<Vec<Package>, LockError> {
    let is_conflicting = |piece: &Piece| {
        conflicting
            .iter()
            .any(|(kind, name)| *kind == piece.kind && *name == piece.name)
    };
    let free: Vec<&Piece> = pieces.iter().filter(|p| !is_conflicting(p)).collect();
    // The free world: no conflicting part selected.
    let mut worlds: Vec<(Vec<&Piece>, Option<String>)> = vec![(
        free.clone(),
        conflicting.iter().fold(None, |condition, (kind, name)| {
            all_of(condition, absent_marker(*kind, name))
        }),
    )];
    for piece in pieces.iter().filter(|p| is_conflicting(p)) {
        let mut world = free.clone();
        world.push(piece);
        worlds.push((world, selection_marker(piece.kind, &piece.name)));
    }
    let mut merged: Vec<(Package, Vec<Option<String>>)> = Vec::new();
    for (index, (world, condition)) in worlds.iter().enumerate() {
        let folder = scratch.join(format!("world-{index}"));
        std::fs::create_dir_all(&folder).map_err(|source| LockError::Io {
            path: folder.clone(),
            source,
        })?;
        let entries = resolve_world(
            backend,
            layout,
            sources,
            world,
            python_version,
            previous,
            upgrade,
            &folder,
        )?;
        for (package, marker) in entries {
            let marker = all_of(condition.clone(), marker);
            match merged
                .iter_mut()
                .find(|(p, _)| p.name == package.name && p.version == package.version)
            {
                Some((_, markers)) => markers.push(marker),
                None => merged.push((package, vec![marker])),
            }
        }
    }
    Ok(merged
        .into_iter()
        .map(|(mut package, markers)| {
            package.marker = any_of(&markers);
            package
        })
        .collect())
}

/// The universal resolution of a project without conflicts: one uv run, each part's
/// requirements tagged, the tags then read back into selection markers.
#[allow(clippy::too_many_arguments)]
fn resolve_tagged(
    backend: &Backend,
    layout: &Layout,
    sources: &Sources,
    pieces: &[Piece],
    python_version: &str,
    previous: &Previous,
    upgrade: bool,
    scratch: &Path,
    config: &Config,
) -> Result<Vec<Package>, LockError> {
    let parts: Vec<Part> = pieces
        .iter()
        .map(|piece| Part {
            selection: selection_marker(piece.kind, &piece.name),
            requirements: &piece.requirements,
        })
        .collect();
    let input = scratch.join("everything.in");
    let requirements = part_markers::tagged(&parts).map_err(|message| LockError::BadLock {
        path: input.clone(),
        message,
    })?;
    if requirements.is_empty() {
        return Ok(Vec::new());
    }
    pep::write_requirements(&input, &requirements).map_err(io_at(&input))?;
    // `uv lock` from the `uv.lock` kept for the previous lock, where there is one.
    let kept = crate::lock::uv_project::resolve(
        backend,
        layout,
        sources,
        &requirements,
        python_version,
        previous,
        upgrade,
        config,
    );
    let output = scratch.join(super::pylock::LOCK_FILE);
    let (locked, kept) = match kept {
        Some(packages) => (packages, true),
        None => {
            // uv prefers the versions already in its output file: the previous lock's, forks
            // kept.
            if !upgrade && !previous.pins()?.is_empty() {
                let preferred = preferences::preferences_toml(previous.pins()?, |m| {
                    part_markers::retag(m, &parts)
                });
                std::fs::write(&output, preferred).map_err(io_at(&output))?;
            }
            let pieces: Vec<&Piece> = pieces.iter().collect();
            let run = Compile {
                backend,
                layout,
                sources,
                python_version,
                scratch,
            };
            run.everything(&pieces, &input, &output, upgrade)?;
            let text = std::fs::read_to_string(&output).map_err(io_at(&output))?;
            let lock: PyLock = toml::from_str(&text).map_err(|err| LockError::BadLock {
                path: output.clone(),
                message: err.to_string(),
            })?;
            (lock.packages, false)
        }
    };
    let mut packages = Vec::new();
    for mut package in locked {
        // uv's export names the index; `uv pip compile` does not, nor does pvm's lock.
        if kept {
            package.index = None;
        }
        let settled = part_markers::untag(package.marker.as_deref(), &parts, python_version)
            .map_err(|reason| LockError::LockMarker {
                path: output.clone(),
                package: package.name.to_string(),
                marker: package.marker.clone().unwrap_or_default(),
                reason,
            })?;
        package.marker = match settled {
            Settled::Always => None,
            Settled::When(marker) => Some(marker),
            // Only where no part is selected: nothing needs it.
            Settled::Never => continue,
        };
        packages.push(package);
    }
    if kept {
        crate::lock::uv_project::keep(layout, &packages, config);
    }
    Ok(packages)
}

/// What every uv run of one resolution shares.
struct Compile<'a> {
    backend: &'a Backend,
    layout: &'a Layout,
    sources: &'a Sources,
    python_version: &'a str,
    scratch: &'a Path,
}

impl Compile<'_> {
    /// Resolves every part of `pieces` together from `input` into `output`; when that fails,
    /// the error names the two parts that cannot be installed together, where it can.
    fn everything(
        &self,
        pieces: &[&Piece],
        input: &Path,
        output: &Path,
        upgrade: bool,
    ) -> Result<(), LockError> {
        let resolved = self.backend.compile_universal(
            self.layout,
            self.sources,
            input,
            output,
            self.python_version,
            None,
            upgrade,
        );
        resolved.map_err(|err| {
            name_the_conflict(
                self.backend,
                self.layout,
                self.sources,
                pieces,
                self.python_version,
                self.scratch,
            )
            .unwrap_or_else(|| err.into())
        })
    }
}

/// The error for a failed read or write of `path`.
fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> LockError + use<> {
    let path = path.to_path_buf();
    move |source| LockError::Io { path, source }
}

/// `'x' not in extras` / `'g' not in dependency_groups`.
fn absent_marker(kind: PieceKind, name: &str) -> Option<String> {
    selection_marker(kind, name).map(|m| m.replace(" in ", " not in "))
}

/// Every requirement of `pieces`, written to `everything.in` in `scratch`: the file and the
/// requirements, or `None` when there is none.
fn write_everything<'a>(
    pieces: impl IntoIterator<Item = &'a Piece>,
    scratch: &Path,
) -> Result<Option<(PathBuf, Vec<Requirement>)>, LockError> {
    let everything: Vec<Requirement> = pieces
        .into_iter()
        .flat_map(|piece| piece.requirements.iter().cloned())
        .collect();
    if everything.is_empty() {
        return Ok(None);
    }
    let input = scratch.join("everything.in");
    pep::write_requirements(&input, &everything).map_err(io_at(&input))?;
    Ok(Some((input, everything)))
}

/// `name==version` for each pin: constraints for an installer.
fn pinned(pins: &BTreeMap<String, String>) -> Vec<String> {
    pins.iter()
        .map(|(name, version)| format!("{name}=={version}"))
        .collect()
}

/// One world: everything in it resolved together, then each part held to those pins; each
/// package with its marker within the world.
#[allow(clippy::too_many_arguments)]
fn resolve_world(
    backend: &Backend,
    layout: &Layout,
    sources: &Sources,
    pieces: &[&Piece],
    python_version: &str,
    previous: &BTreeMap<String, String>,
    upgrade: bool,
    scratch: &Path,
) -> Result<Vec<(Package, Option<String>)>, LockError> {
    let Some((input, _)) = write_everything(pieces.iter().copied(), scratch)? else {
        return Ok(Vec::new());
    };
    let pins = scratch.join("pins.txt");
    // uv keeps the pins already in its output file where it can: the previous lock's.
    let preferred = if upgrade { &BTreeMap::new() } else { previous };
    fsutil::write_lines(&pins, &pinned(preferred)).map_err(io_at(&pins))?;
    let run = Compile {
        backend,
        layout,
        sources,
        python_version,
        scratch,
    };
    run.everything(pieces, &input, &pins, upgrade)?;

    let mut entries = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        if piece.requirements.is_empty() {
            continue;
        }
        let input = scratch.join(format!("piece-{index}.in"));
        pep::write_requirements(&input, &piece.requirements).map_err(io_at(&input))?;
        let output = scratch.join(format!("pylock.piece{index}.toml"));
        backend.compile_universal(
            layout,
            sources,
            &input,
            &output,
            python_version,
            Some(&pins),
            false,
        )?;
        let text = std::fs::read_to_string(&output).map_err(io_at(&output))?;
        let lock: PyLock = toml::from_str(&text).map_err(|err| LockError::BadLock {
            path: output.clone(),
            message: err.to_string(),
        })?;
        let condition = selection_marker(piece.kind, &piece.name);
        for package in lock.packages {
            let marker = all_of(condition.clone(), package.marker.clone());
            entries.push((package, marker));
        }
    }
    Ok(entries)
}

/// Why resolving every part together failed, where probing tells more than uv's error: the
/// part (an extra, a group) that cannot be resolved even alone with the dependencies, or the
/// two parts that resolve alone but not together. Each part is resolved alone once, until one
/// fails (then the dependencies alone, to tell whose fault it is), and each pair once only
/// when every part resolves alone: a project of seven extras, one of them
/// unsolvable, took some fifty resolutions (over four minutes) when each pair probed its two
/// parts again. `None` when probing cannot tell (the dependencies themselves fail, too many
/// parts): the caller gives uv's own error.
fn name_the_conflict(
    backend: &Backend,
    layout: &Layout,
    sources: &Sources,
    pieces: &[&Piece],
    python_version: &str,
    scratch: &Path,
) -> Option<LockError> {
    let base: Vec<Requirement> = pieces
        .iter()
        .filter(|p| p.kind == PieceKind::Base)
        .flat_map(|p| p.requirements.iter().cloned())
        .collect();
    let parts: Vec<&&Piece> = pieces
        .iter()
        .filter(|p| p.kind != PieceKind::Base)
        .collect();
    // Pairs grow as the square: only for the few parts a project has.
    if parts.is_empty() || parts.len() > 8 {
        return None;
    }
    let resolves = |chosen: &[&&Piece]| {
        let mut requirements = base.clone();
        for piece in chosen {
            requirements.extend(piece.requirements.iter().cloned());
        }
        let input = scratch.join("probe.in");
        let output = scratch.join("probe.txt");
        pep::write_requirements(&input, &requirements)
            .map_err(|source| InstallerError::Io {
                path: input.clone(),
                source,
            })
            .and_then(|()| {
                backend.compile_universal(
                    layout,
                    sources,
                    &input,
                    &output,
                    python_version,
                    None,
                    false,
                )
            })
    };
    for part in &parts {
        if let Err(source) = resolves(&[part]) {
            if resolves(&[]).is_err() {
                // The dependencies fail on their own: uv's error of the whole says why.
                return None;
            }
            return Some(LockError::PartUnsolvable {
                part: describe(part),
                source,
            });
        }
    }
    for (index, first) in parts.iter().enumerate() {
        for second in &parts[index + 1..] {
            if resolves(&[first, second]).is_err() {
                return Some(LockError::Conflict {
                    first: describe(first),
                    second: describe(second),
                });
            }
        }
    }
    None
}

fn describe(piece: &Piece) -> String {
    match piece.kind {
        PieceKind::Extra => format!("extra `{}`", piece.name),
        _ => format!("group `{}`", piece.name),
    }
}

/// pip's resolution, in this environment: downloads everything, hashes each file, and reads
/// each wheel's dependencies to know which part of the manifest needs which package.
/// pip has no preferences: the previous pins are tried as constraints first, and dropped when
/// the manifest no longer allows them.
fn resolve_here(
    backend: &Backend,
    layout: &Layout,
    facts: &Facts,
    sources: &Sources,
    pieces: &[Piece],
    previous: Option<&BTreeMap<String, String>>,
    scratch: &Path,
) -> Result<Vec<Package>, LockError> {
    let Some((input, everything)) = write_everything(pieces, scratch)? else {
        return Ok(Vec::new());
    };
    let dest = scratch.join("downloads");
    let constraints = previous.filter(|pins| !pins.is_empty()).map(|pins| {
        let path = scratch.join("previous.txt");
        fsutil::write_lines(&path, &pinned(pins)).map(|_| path)
    });
    let kept = match constraints {
        Some(Ok(constraints)) => backend
            .download(layout, sources, &input, &dest, Some(&constraints))
            .is_ok(),
        _ => false,
    };
    if !kept {
        let _ = std::fs::remove_dir_all(&dest);
        backend.download(layout, sources, &input, &dest, None)?;
    }
    let markers = pep::marker_environment(&facts.markers).map_err(LockError::Markers)?;
    let index = pylock::strip_credentials(
        sources
            .index_url
            .as_deref()
            .unwrap_or("https://pypi.org/simple"),
    );
    // `name @ url` requirements: their artifact is that URL.
    let direct: BTreeMap<PackageName, String> = everything
        .iter()
        .filter_map(|r| match &r.version_or_url {
            Some(pep::VersionOrUrl::Url(url)) => Some((r.name.clone(), url.to_string())),
            _ => None,
        })
        .collect();
    let mut found: BTreeMap<PackageName, (Package, Vec<Requirement>)> = BTreeMap::new();
    for entry in std::fs::read_dir(&dest).map_err(io_at(&dest))?.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((name, version)) = pylock::split_filename(&file) else {
            continue;
        };
        let (sha256, size) =
            fsutil::sha256_file_and_size(&entry.path()).map_err(io_at(&entry.path()))?;
        let url = direct.get(&name).cloned();
        let artifact = Artifact {
            name: url.is_none().then(|| file.clone()),
            url,
            path: None,
            upload_time: None,
            size: Some(size),
            hashes: [("sha256".to_string(), sha256)].into(),
        };
        let is_wheel = file.ends_with(".whl");
        let package = Package {
            name: name.clone(),
            version: Some(version),
            marker: None,
            requires_python: None,
            index: Some(index.clone()),
            directory: None,
            archive: None,
            sdist: (!is_wheel).then(|| artifact.clone()),
            wheels: if is_wheel { vec![artifact] } else { Vec::new() },
        };
        found.insert(
            name,
            (package, super::wheel_metadata::requires_dist(&entry.path())),
        );
    }
    // A folder (`name @ file:///…/lib`, a path source) is nothing pip downloads: it is
    // locked as the folder.
    for requirement in &everything {
        let Some(folder) = pep::local_path(requirement).filter(|path| path.is_dir()) else {
            continue;
        };
        let name = requirement.name.clone();
        let package = Package {
            name: name.clone(),
            version: None,
            marker: None,
            requires_python: None,
            index: None,
            directory: Some(pylock::Directory {
                path: folder.display().to_string(),
                editable: None,
            }),
            archive: None,
            sdist: None,
            wheels: Vec::new(),
        };
        found.entry(name).or_insert((package, Vec::new()));
    }
    // Which parts reach which package, following each wheel's Requires-Dist for this env.
    let mut markers_of: BTreeMap<PackageName, Vec<Option<String>>> = BTreeMap::new();
    for piece in pieces {
        let condition = selection_marker(piece.kind, &piece.name);
        let mut queue: Vec<(PackageName, Vec<pep::ExtraName>)> = piece
            .requirements
            .iter()
            .filter(|r| pep::applies(r, &markers, &[]))
            .map(|r| (r.name.clone(), r.extras.to_vec()))
            .collect();
        let mut seen = BTreeSet::new();
        while let Some((name, extras)) = queue.pop() {
            if !seen.insert((name.clone(), extras.clone())) {
                continue;
            }
            let Some((_, requires)) = found.get(&name) else {
                continue;
            };
            markers_of
                .entry(name.clone())
                .or_default()
                .push(condition.clone());
            for requirement in requires {
                if pep::applies(requirement, &markers, &extras) {
                    queue.push((requirement.name.clone(), requirement.extras.to_vec()));
                }
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|(name, (mut package, _))| {
            package.marker = markers_of.get(&name).and_then(|m| any_of(m));
            package
        })
        .collect())
}

/// A package a path source gives is locked at the path the manifest writes, relative to the
/// project (so the lock holds in any checkout, as uv's does): `directory = { path = "../lib",
/// editable = true }`, `archive = { path = "dist/x.whl", … }`.
fn from_path_source(package: &mut Package, located: &[(String, Located)]) {
    let Some((_, source)) = located
        .iter()
        .find(|(name, _)| *name == package.name.as_str())
    else {
        return;
    };
    let written = source.written.trim_start_matches("./").to_string();
    if let Some(directory) = &mut package.directory {
        directory.path = written;
        directory.editable = Some(source.editable);
        return;
    }
    // pip's resolution names the file as a wheel or an sdist: it is the archive.
    if package.archive.is_none() {
        package.archive = package.wheels.pop().or_else(|| package.sdist.take());
        package.wheels.clear();
        package.index = None;
    }
    if let Some(archive) = &mut package.archive {
        archive.path = Some(written);
        archive.url = None;
        archive.name = None;
    }
}

/// Local files become paths (relative to the project when their find-links folder is written
/// relative, or when they are inside it) with their size; remote URLs lose any credentials.
fn localize(package: &mut Package, project: &Project, sources: &Sources) {
    if let Some(directory) = &mut package.directory
        && Path::new(&directory.path).is_absolute()
    {
        directory.path = lock_path(Path::new(&directory.path), project, sources);
    }
    let artifacts = package
        .wheels
        .iter_mut()
        .chain(package.sdist.iter_mut())
        .chain(package.archive.iter_mut());
    for artifact in artifacts {
        // Taken and put back, not copied: a universal lock holds thousands of URLs.
        if let Some(url) = artifact.url.take() {
            artifact.url = match fsutil::file_url_to_path(&url) {
                Some(path) => {
                    if artifact.size.is_none() {
                        artifact.size = std::fs::metadata(&path).ok().map(|m| m.len());
                    }
                    artifact.path = Some(lock_path(&path, project, sources));
                    None
                }
                None => Some(fsutil::without_credentials(url)),
            }
        }
        if let Some(path) = artifact.path.take_if(|path| Path::new(path).is_absolute()) {
            let file = Path::new(&path);
            if artifact.size.is_none() {
                artifact.size = std::fs::metadata(file).ok().map(|m| m.len());
            }
            artifact.path = Some(lock_path(file, project, sources));
        }
        if artifact.path.is_none()
            && artifact.url.is_none()
            && let Some(name) = artifact.name.clone()
        {
            // A pip download: a file in a find-links folder is that file.
            for (index, folder) in sources.find_links.iter().enumerate() {
                let candidate = Path::new(folder).join(&name);
                if candidate.is_file() {
                    let written = sources.find_links_written.get(index).unwrap_or(folder);
                    let written = written.strip_prefix("file:").unwrap_or(written);
                    artifact.path = Some(if Path::new(written).is_relative() {
                        format!("{}/{name}", written.trim_end_matches('/'))
                    } else {
                        candidate.display().to_string()
                    });
                    artifact.name = None;
                    package.index = None;
                    break;
                }
            }
        }
    }
}

/// How the lock names a local file: relative to the project root when a relative find-links
/// folder or the project holds it, absolute otherwise.
fn lock_path(path: &Path, project: &Project, sources: &Sources) -> String {
    let path = &path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Ok(inside) = path.strip_prefix(&project.root) {
        return inside.display().to_string();
    }
    for (index, folder) in sources.find_links.iter().enumerate() {
        let written = sources
            .find_links_written
            .get(index)
            .map(String::as_str)
            .unwrap_or(folder);
        let written = written.strip_prefix("file:").unwrap_or(written);
        let folder = Path::new(folder)
            .canonicalize()
            .unwrap_or_else(|_| Path::new(folder).to_path_buf());
        if Path::new(written).is_relative()
            && let Ok(rest) = path.strip_prefix(&folder)
        {
            return format!("{}/{}", written.trim_end_matches('/'), rest.display());
        }
    }
    path.display().to_string()
}
