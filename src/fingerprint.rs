//! The sync fingerprint: a sha256 over everything that decides what an env holds. Equal to the
//! one stored in the env's metadata means the env is current and `pvm run` can exec at once.

use std::path::Path;

use serde::Serialize;

use crate::fsutil;
use crate::lock::{LockMode, parsed};
use crate::project::{Project, Selection, Sources};
use crate::python::Facts;
use crate::python::facts::FileStamp;
use crate::store::{ENV_FORMAT, LockSeen};

#[derive(Serialize)]
struct Inputs<'a> {
    format: u32,
    requires_python: Option<String>,
    /// What a sync installs: dependencies, selected extras and groups (an unknown extra or
    /// group is its error, so fixing it changes the fingerprint too).
    requirements: Result<Vec<String>, String>,
    selection: &'a Selection,
    /// What the lock is resolved from, every extra and group by name: a change to one the
    /// env does not select still makes the next sync keep the lock current.
    parts: Vec<(String, Result<Vec<String>, String>)>,
    sources: Sources,
    installer: String,
    seed_pip: bool,
    python: (&'a Path, &'a str, &'a str),
    lock: Option<String>,
    /// The sync writes the project's first lock (`lock = false`, `--no-lock` and the like
    /// turn it off): an env synced without writing it is not current for one that would.
    first_lock: bool,
    /// A package's build inputs: a change rebuilds the project.
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<String>,
}

/// The fingerprint of `project` with `selection`, for an env on the interpreter `facts`, synced
/// in the lock mode `mode`; `config` has the package sources' variables. `seen` is the lock
/// file as a sync last hashed it, taken as it is while the file keeps its stamp.
pub fn fingerprint(
    project: &Project,
    selection: &Selection,
    facts: &Facts,
    mode: LockMode,
    config: &crate::config::Config,
    seen: Option<&LockSeen>,
) -> String {
    let manifest = &project.manifest;
    let requirements = sorted_requirements(project, selection);
    let parts = parts(project);
    let lock_file = lock_file(project);
    let lock = match seen {
        Some(seen)
            if seen.path == lock_file
                && FileStamp::of(&lock_file).as_ref() == Some(&seen.stamp) =>
        {
            Some(seen.digest.clone())
        }
        _ => std::fs::read(lock_file)
            .ok()
            .map(|bytes| parsed::digest(&bytes)),
    };
    let inputs = Inputs {
        format: ENV_FORMAT,
        requires_python: manifest.requires_python.as_ref().map(|s| s.to_string()),
        requirements,
        selection,
        parts,
        sources: Sources::for_project(project, config),
        installer: format!("{:?}", manifest.settings.installer),
        seed_pip: manifest.settings.seed_pip,
        python: (
            &facts.base_executable,
            &facts.version,
            &facts.implementation,
        ),
        first_lock: lock.is_none() && crate::lock_policy::writes_first_lock(project, mode),
        lock,
        project: (!selection.no_project)
            .then(|| crate::project::package::build_inputs(project))
            .flatten(),
    };
    let bytes = serde_json::to_vec(&inputs).expect("inputs serialize");
    fsutil::sha256_hex(&bytes)
}

/// The project's lock file: without a pylock.toml, another tool's lock (and the manifest it
/// was made from) is the project's lock.
fn lock_file(project: &Project) -> std::path::PathBuf {
    crate::lock_policy::foreign::path(project)
        .map(|(_, path)| path)
        .unwrap_or_else(|| project.lock_path())
}

/// The project's lock file as it is now, hashed, with its stamp; `None` without one, or when
/// it changed while it was read.
pub fn lock_seen(project: &Project) -> Option<LockSeen> {
    let path = lock_file(project);
    let stamp = FileStamp::of(&path)?;
    let digest = parsed::digest(&std::fs::read(&path).ok()?);
    (FileStamp::of(&path)? == stamp).then_some(LockSeen {
        path,
        stamp,
        digest,
    })
}

/// The requirements of `selection`, as sorted text (or the error that names the bad one).
fn sorted_requirements(project: &Project, selection: &Selection) -> Result<Vec<String>, String> {
    crate::project::requirements(project, selection)
        .map(|requirements| {
            let mut list: Vec<String> = requirements.iter().map(|r| r.to_string()).collect();
            list.sort();
            list
        })
        .map_err(|err| err.to_string())
}

/// Each extra and group with its requirements (a group's includes resolved).
fn parts(project: &Project) -> Vec<(String, Result<Vec<String>, String>)> {
    let manifest = &project.manifest;
    let extras = manifest.optional_dependencies.keys().map(|name| {
        let mut selection = Selection::default();
        selection.extras.insert(name.clone());
        (
            format!("extra {name}"),
            sorted_requirements(project, &selection),
        )
    });
    let groups = manifest.dependency_groups.keys().map(|name| {
        let mut selection = Selection::default();
        selection.groups.insert(name.clone());
        (
            format!("group {name}"),
            sorted_requirements(project, &selection),
        )
    });
    extras.chain(groups).collect()
}
