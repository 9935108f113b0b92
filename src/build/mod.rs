//! The project's build backend, asked what the project depends on (PEP 517). Dependencies
//! only the build knows: a package whose `setup.py` (`install_requires`),
//! `setup.cfg`, `[project] dynamic` or Poetry 1 table computes them. pvm asks the backend, as
//! uv does: in a throwaway venv holding the backend's requirements, its
//! `prepare_metadata_for_build_wheel` (or `build_wheel`) writes the wheel's METADATA, whose
//! `Requires-Dist` lines are the project's dependencies and extras. The answer is kept in
//! `$PVM_HOME/cache/build-metadata/`, keyed by the project's build inputs, so that the
//! backend runs again only when they change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::hint::Hint;
use crate::installer::Backend;
use crate::installer::InstallerError;
use crate::pep::{self, Requirement};
use crate::project::{Project, Sources, package};
use crate::python::Facts;
use crate::venv::{self, Layout};

/// The helper that talks to the backend (PEP 517 hooks), run by the build venv's python.
const HELPER: &str = include_str!("build_metadata.py");

/// What the setuptools build needs when the project names no `[build-system]` (pip's default).
const DEFAULT_REQUIRES: &str = "setuptools>=40.8.0";

/// Changes when what is kept changes shape: older entries are then not read.
const CACHE_FORMAT: &str = "1";

/// Lines of the backend's output an error shows.
const TAIL_LINES: usize = 25;

/// What can go wrong in asking the backend: its build failed, its build venv could not be
/// made or filled, or the user stopped it.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
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
    #[error("cannot read or write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Installer(#[from] InstallerError),
    #[error(transparent)]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

impl Hint for BuildError {
    fn hint(&self) -> Option<String> {
        match self {
            BuildError::Metadata { .. } => Some(
                "the dependencies come from the build (`setup.py`, `setup.cfg` or `[project] dynamic`): fix the error above (the backend's own output), or list them in [project] dependencies so that pvm reads them without building".into(),
            ),
            BuildError::Io { .. } => {
                Some("check that the folder is writable and has free space".into())
            }
            BuildError::Installer(err) => err.hint(),
            BuildError::Interrupted(_) => None,
        }
    }
}

/// What the build reports the project depends on, as kept in the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildMetadata {
    /// The distribution's name, normalized.
    pub name: String,
    /// `Requires-Dist` without an extra, as written.
    pub dependencies: Vec<String>,
    /// Each extra (`Provides-Extra`, normalized) with the `Requires-Dist` it adds, its
    /// `extra == …` marker taken off.
    pub optional_dependencies: BTreeMap<String, Vec<String>>,
}

impl BuildMetadata {
    /// Reads the `Name`, `Provides-Extra` and `Requires-Dist` headers of a METADATA file.
    pub fn parse(text: &str) -> Result<BuildMetadata, String> {
        let mut metadata = BuildMetadata::default();
        for (key, value) in headers(text) {
            match key.to_ascii_lowercase().as_str() {
                "name" => metadata.name = pep::normalize_name(&value)?,
                "provides-extra" => {
                    metadata
                        .optional_dependencies
                        .entry(pep::normalize_name(&value)?)
                        .or_default();
                }
                "requires-dist" => {
                    let requirement = pep::parse_requirement(&value)
                        .map_err(|err| format!("Requires-Dist: {value}: {err}"))?;
                    match pep::split_extra(&requirement) {
                        (Some(extra), rest) => metadata
                            .optional_dependencies
                            .entry(extra)
                            .or_default()
                            .push(rest.to_string()),
                        (None, _) => metadata.dependencies.push(value),
                    }
                }
                _ => {}
            }
        }
        Ok(metadata)
    }

    /// The project's own dependencies, a requirement on itself left out.
    pub fn dependencies(&self) -> Vec<Requirement> {
        self.expand(&self.dependencies, &mut BTreeSet::new())
    }

    /// What `extra` adds; a requirement on the project itself (`all = ["demo[a,b]"]`) stands
    /// for the extras it names.
    pub fn extra(&self, extra: &str) -> Vec<Requirement> {
        let mut seen = BTreeSet::from([extra.to_string()]);
        match self.optional_dependencies.get(extra) {
            Some(items) => self.expand(items, &mut seen),
            None => Vec::new(),
        }
    }

    /// `requirements` (a dependency group's) with those on the project itself (`dev =
    /// ["legacy[test]"]`) replaced by what the extras they name add, as the manifest's own
    /// extras are when the manifest names the project.
    pub fn expand_own(&self, requirements: Vec<Requirement>) -> Vec<Requirement> {
        let items: Vec<String> = requirements.iter().map(pep::text).collect();
        self.expand(&items, &mut BTreeSet::new())
    }

    fn expand(&self, items: &[String], seen: &mut BTreeSet<String>) -> Vec<Requirement> {
        let mut out = Vec::new();
        for requirement in items.iter().filter_map(|r| pep::parse_requirement(r).ok()) {
            if requirement.name.as_ref() != self.name {
                out.push(requirement);
                continue;
            }
            for extra in &requirement.extras {
                let extra = extra.to_string();
                if seen.insert(extra.clone())
                    && let Some(items) = self.optional_dependencies.get(&extra)
                {
                    out.extend(self.expand(items, seen));
                }
            }
        }
        out
    }
}

/// The header fields of an RFC 822 message (METADATA), continuation lines joined; the body
/// (the description) is not read.
fn headers(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

/// What the project's build reports it depends on: from the cache when its build inputs are
/// the ones last asked about (unless `fresh`: `pvm lock --upgrade` asks again, for what a
/// `setup.py` reads beyond them), else from its backend, run in a throwaway venv made with the
/// env's interpreter (`facts`), the backend's requirements installed by `backend` from the
/// project's sources through the env at `layout`.
pub fn build_metadata(
    project: &Project,
    layout: &Layout,
    facts: &Facts,
    backend: &Backend,
    sources: &Sources,
    fresh: bool,
    config: &crate::config::Config,
) -> Result<BuildMetadata, BuildError> {
    let kept = cache_file(project, facts, config);
    if let Some(metadata) = kept.as_deref().filter(|_| !fresh).and_then(read_kept) {
        return Ok(metadata);
    }
    let asking = Asking {
        project,
        layout,
        facts,
        backend,
        sources,
    };
    let metadata = asking.ask()?;
    if let Some(path) = &kept {
        // A cache that cannot be written only costs the next lock a build.
        let _ = keep(path, &metadata);
    }
    Ok(metadata)
}

/// `cache/build-metadata/<key>.json`: the key is the project's folder (a `setup.py` may read
/// any file beside it), its build inputs and the interpreter's version.
fn cache_file(project: &Project, facts: &Facts, config: &crate::config::Config) -> Option<PathBuf> {
    let cache = crate::store::Store::from_config(config).ok()?.cache_dir();
    let inputs = package::build_inputs(project)?;
    let key = fsutil::sha256_parts([
        CACHE_FORMAT.as_bytes(),
        project.root.as_os_str().as_encoded_bytes(),
        inputs.as_bytes(),
        facts.version.as_bytes(),
    ]);
    Some(
        cache
            .join(crate::cache::Bucket::BuildMetadata.name())
            .join(format!("{}.json", &key[..32])),
    )
}

fn read_kept(path: &Path) -> Option<BuildMetadata> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Written whole or not at all: a pvm killed meanwhile leaves a temp that the store's sweep
/// of leftovers removes.
fn keep(path: &Path, metadata: &BuildMetadata) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        fsutil::create_dir_all(folder)?;
    }
    let json = serde_json::to_vec_pretty(metadata).map_err(std::io::Error::other)?;
    fsutil::write_atomic(path, &json)
}

/// One question to the backend: the project, and the env whose interpreter, installer and
/// sources make its build venv.
struct Asking<'a> {
    project: &'a Project,
    layout: &'a Layout,
    facts: &'a Facts,
    backend: &'a Backend,
    sources: &'a Sources,
}

impl Asking<'_> {
    /// Makes the build venv, installs what the backend requires, and runs its hooks.
    fn ask(&self) -> Result<BuildMetadata, BuildError> {
        let scratch = fsutil::scratch_dir().map_err(|source| BuildError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
        let scratch = scratch.path();
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| BuildError::Io { path, source }
        };
        let build =
            venv::create(&scratch.join("build-env"), self.facts, "build").map_err(|err| {
                BuildError::Io {
                    path: scratch.to_path_buf(),
                    source: std::io::Error::other(err.to_string()),
                }
            })?;
        let helper = scratch.join("build_metadata.py");
        std::fs::write(&helper, HELPER).map_err(io(&helper))?;
        let out = scratch.join("out");
        std::fs::create_dir_all(&out).map_err(io(&out))?;
        let manifest = &self.project.manifest;
        let requires = match &manifest.build_system {
            Some(system) => system.requires.clone(),
            None => vec![DEFAULT_REQUIRES.to_string()],
        };
        self.install_into(&build, &requires, scratch)?;
        self.run_helper(&build, &helper, &out)?;
        // What the backend adds for a wheel (older setuptools: `wheel`) and the venv lacks:
        // installed, then asked again, once.
        let added = out.join("requires.json");
        if !out.join("METADATA").exists()
            && let Ok(added) = std::fs::read(&added)
        {
            let added: Vec<String> = serde_json::from_slice(&added).unwrap_or_default();
            self.install_into(&build, &added, scratch)?;
            let _ = std::fs::remove_file(out.join("requires.json"));
            self.run_helper(&build, &helper, &out)?;
        }
        let path = out.join("METADATA");
        if let Ok(still) = std::fs::read_to_string(&added)
            && !path.exists()
        {
            let message = format!("the backend still asks for {still} once installed");
            return Err(metadata_error(self.project, &message));
        }
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        BuildMetadata::parse(&text).map_err(|message| metadata_error(self.project, &message))
    }

    /// Installs `requires` into the build venv's site-packages, with the installer and
    /// sources the env's own packages come from.
    fn install_into(
        &self,
        build: &Layout,
        requires: &[String],
        scratch: &Path,
    ) -> Result<(), BuildError> {
        if requires.is_empty() {
            return Ok(());
        }
        let file = scratch.join("build-requires.txt");
        let constraints = scratch.join("build-constraints.txt");
        for (path, lines) in [(&file, requires), (&constraints, &[])] {
            fsutil::write_lines(path, lines).map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
        }
        self.backend
            .install_target(
                self.layout,
                self.sources,
                &file,
                &constraints,
                &build.site_packages,
            )
            .map_err(|err| match err {
                InstallerError::Failed { detail, .. }
                | InstallerError::NoSolution { detail, .. } => {
                    metadata_error(self.project, &detail)
                }
                other => other.into(),
            })
    }

    /// Runs the helper from the project's folder; a failure is the backend's, with the end of
    /// what it printed.
    fn run_helper(&self, build: &Layout, helper: &Path, out: &Path) -> Result<(), BuildError> {
        let manifest = &self.project.manifest;
        let backend_path = manifest
            .build_system
            .as_ref()
            .map(|system| system.backend_path.clone())
            .unwrap_or_default();
        let output = Command::new(build.python())
            .arg("-I")
            .arg(helper)
            .arg(out)
            .arg(manifest.build_backend())
            .args(&backend_path)
            .current_dir(&self.project.root)
            .env_remove("PYTHONHOME")
            .env_remove("VIRTUAL_ENV")
            .stdin(Stdio::null())
            .output()
            .map_err(|source| InstallerError::Spawn {
                installer: "python",
                source,
            })?;
        crate::interrupt::check()?;
        if output.status.success() {
            return Ok(());
        }
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // The backend's traceback runs through pvm's scratch folder: said without its name.
        let scratch = helper.parent().unwrap_or(helper).display().to_string();
        let text = text
            .replace(&format!("{scratch}/build-env"), "<build env>")
            .replace(&format!("{scratch}/"), "");
        Err(metadata_error(self.project, &text))
    }
}

fn metadata_error(project: &Project, output: &str) -> BuildError {
    BuildError::Metadata {
        project: project.name(),
        backend: project.manifest.build_backend().to_string(),
        tail: crate::installer::explain::tail(output, TAIL_LINES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = "Metadata-Version: 2.1\nName: Demo_App\nVersion: 1.0\nProvides-Extra: Fast\nProvides-Extra: all\nProvides-Extra: docs\nRequires-Dist: dep>=1.0\nRequires-Dist: orjson; extra == \"fast\"\nRequires-Dist: demo-app[fast]; extra == \"all\"\nRequires-Dist: colorama; sys_platform == \"win32\"\nSummary: with a\n  continued line\n\nRequires-Dist: not-a-header\n";

    #[test]
    fn requires_dist_become_dependencies_and_extras() {
        let metadata = BuildMetadata::parse(METADATA).unwrap();
        assert_eq!(metadata.name, "demo-app");
        let names = |requirements: Vec<Requirement>| -> Vec<String> {
            requirements.iter().map(|r| r.to_string()).collect()
        };
        assert_eq!(
            names(metadata.dependencies()),
            ["dep>=1.0", "colorama ; sys_platform == 'win32'"]
        );
        assert_eq!(names(metadata.extra("fast")), ["orjson"]);
        // A requirement on the project itself stands for the extras it names.
        assert_eq!(names(metadata.extra("all")), ["orjson"]);
        let group = ["pytest", "Demo_App[fast]"].map(|r| pep::parse_requirement(r).unwrap());
        assert_eq!(
            names(metadata.expand_own(group.to_vec())),
            ["pytest", "orjson"]
        );
        assert!(metadata.extra("docs").is_empty());
        assert_eq!(
            metadata.optional_dependencies.keys().collect::<Vec<_>>(),
            ["all", "docs", "fast"]
        );
    }

    #[test]
    fn a_bad_requirement_is_an_error() {
        let err = BuildMetadata::parse("Name: a\nRequires-Dist: bad name ==\n").unwrap_err();
        assert!(err.contains("bad name =="), "{err}");
    }
}
