//! The store's envs as `pvm list` reports them: project, interpreter, status, size, last use.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::config::Config;
use crate::environment::{self, Verdict};
use crate::project::package::InstalledProject;
use crate::project::{MANIFEST, Project};
use crate::python::{InterpreterRequest, SourcedRequest, facts::FileStamp};
use crate::store::{Env, Store};

mod kept;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Ready: the next run execs at once.
    Ok,
    /// The project folder (or its pyproject.toml) is gone.
    Stale,
    /// The manifest or the interpreter request changed since the last sync.
    Outdated,
    /// The interpreter or the metadata is missing: the next run rebuilds it.
    Broken,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Stale => "stale",
            Status::Outdated => "outdated",
            Status::Broken => "broken",
        })
    }
}

/// One env, as `pvm list --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnvSummary {
    /// The env's folder name in the store: what `pvm remove NAME` takes.
    pub name: String,
    /// The env's folder.
    pub path: PathBuf,
    /// The project folder it belongs to (null when its metadata is unreadable).
    pub project: Option<PathBuf>,
    /// The project's name.
    pub project_name: Option<String>,
    /// `project`, or `script` for a single-file script's env (PEP 723).
    pub kind: Option<String>,
    /// The base interpreter's version, e.g. `3.12.1`.
    pub python: Option<String>,
    /// The base interpreter's executable.
    pub python_path: Option<PathBuf>,
    pub status: Status,
    /// Why the status is not `ok`.
    pub reason: Option<String>,
    /// The project itself, when the last sync installed it into the env (a package).
    pub installed_project: Option<InstalledProject>,
    /// Bytes on disk: `own_bytes` + `shared_bytes`.
    pub size_bytes: u64,
    /// Bytes of the files only this env holds: what removing it frees.
    pub own_bytes: u64,
    /// Bytes of the files it shares by hard links with the cache or other envs (each once).
    pub shared_bytes: u64,
    /// The shared files by (device, inode, bytes), for a total that counts each once.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub shared_files: Vec<(u64, u64, u64)>,
    /// When a command last ran in the env (RFC 3339).
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub last_used: Option<Timestamp>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub created: Option<Timestamp>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub synced: Option<Timestamp>,
}

/// Every env in the store, by name. Each env is looked at on its own: a few at a time.
pub fn list(store: &Store, config: &Config) -> Vec<EnvSummary> {
    let epoch = store.size_epoch();
    let kept = kept::Kept::new(config);
    crate::parallel::map(&store.envs(), crate::parallel::cores(), |env| {
        summarize(env, &epoch, &kept, config)
    })
}

/// One env; `epoch` is the store's [`Store::size_epoch`], read once for all. Its status is
/// the kept one when nothing it was judged from changed (see [`kept`]).
fn summarize(env: &Env, epoch: &str, kept: &kept::Kept, config: &Config) -> EnvSummary {
    // Stamped before it is read: a change after the stamp is a change to the next run.
    let metadata_look = kept::Stamp::metadata_of(env);
    let metadata = env.metadata();
    let (status, reason) = match &metadata {
        Some(found) => kept.status(env, found, &metadata_look, |loaded| {
            judge(env, Some(found), config, loaded)
        }),
        None => status_of(env, None, config),
    };
    let size = env.size(metadata.as_ref(), epoch);
    EnvSummary {
        name: env.name.clone(),
        path: env.dir.clone(),
        project: metadata.as_ref().map(|m| m.project.clone()),
        project_name: metadata.as_ref().map(|m| m.name.clone()),
        kind: metadata
            .as_ref()
            .map(|m| if m.script { "script" } else { "project" }.to_string()),
        python: metadata.as_ref().map(|m| m.python.facts.version.clone()),
        python_path: metadata
            .as_ref()
            .map(|m| m.python.facts.base_executable.clone()),
        status,
        reason,
        installed_project: metadata.as_ref().and_then(|m| m.project_install.clone()),
        size_bytes: size.own + size.shared,
        own_bytes: size.own,
        shared_bytes: size.shared,
        shared_files: size.shared_files,
        last_used: env.last_used().or(metadata.as_ref().and_then(|m| m.synced)),
        created: metadata.as_ref().map(|m| m.created),
        synced: metadata.as_ref().and_then(|m| m.synced),
    }
}

/// Broken wins over stale, stale over outdated.
pub fn status(env: &Env, config: &Config) -> (Status, Option<String>) {
    status_of(env, env.metadata().as_ref(), config)
}

/// Whether [`status`] would say stale, without judging the project: what `pvm remove --stale`
/// asks of every env, answered from the metadata and two file checks.
pub fn is_stale(env: &Env) -> bool {
    env.metadata().is_some_and(|metadata| {
        matches!(early_status(env, Some(&metadata)), Some((Status::Stale, _)))
    })
}

/// The statuses told without loading the project: broken (no metadata, no interpreter) or stale.
fn early_status(
    env: &Env,
    metadata: Option<&crate::store::EnvMetadata>,
) -> Option<(Status, Option<String>)> {
    let Some(metadata) = metadata else {
        let reason = if env.is_marked() {
            "no valid pvm-env.json (incomplete or interrupted): the next run rebuilds it"
        } else {
            "not made by pvm (no `pvm` key in pyvenv.cfg): pvm leaves it alone"
        };
        return Some((Status::Broken, Some(reason.into())));
    };
    let python = &metadata.python;
    if FileStamp::of(&python.facts.base_executable).is_none() {
        return Some((
            Status::Broken,
            Some(format!(
                "interpreter {} is gone",
                python.facts.base_executable.display()
            )),
        ));
    }
    if !metadata.project.exists() {
        return Some((
            Status::Stale,
            Some(format!("{} is gone", metadata.project.display())),
        ));
    }
    None
}

/// [`status`], of an env whose metadata was read.
fn status_of(
    env: &Env,
    metadata: Option<&crate::store::EnvMetadata>,
    config: &Config,
) -> (Status, Option<String>) {
    judge(env, metadata, config, &mut |_| {})
}

/// [`status_of`], calling `loaded` with the project as soon as it is loaded.
fn judge(
    env: &Env,
    metadata: Option<&crate::store::EnvMetadata>,
    config: &Config,
    loaded: &mut dyn FnMut(&Project),
) -> (Status, Option<String>) {
    if let Some(early) = early_status(env, metadata) {
        return early;
    }
    let Some(metadata) = metadata else {
        unreachable!("an env without metadata is broken");
    };
    let python = &metadata.python;
    // The folder is there but not its manifest (a checkout in progress?): not stale, so
    // `pvm remove --stale` leaves it alone.
    let pipfile = crate::project::pipfile::PIPFILE;
    if !metadata.script
        && !metadata.project.join(MANIFEST).is_file()
        && !metadata.project.join(pipfile).is_file()
    {
        return (
            Status::Outdated,
            Some(format!(
                "{} has no {MANIFEST} (nor {pipfile})",
                metadata.project.display()
            )),
        );
    }
    let project = match Project::load(&metadata.project) {
        Ok(project) => project,
        Err(err) => return (Status::Outdated, Some(err.to_string())),
    };
    loaded(&project);
    // Judge against the request the project itself makes (a --python or PVM_PYTHON of an
    // earlier run is not the project's): keep the stored one when it came from outside.
    let request = match crate::python::project_request(None, &project, config) {
        Ok(request) if !matches!(python.request_source.as_str(), "--python" | "PVM_PYTHON") => {
            request
        }
        Ok(_) | Err(_) => SourcedRequest {
            request: InterpreterRequest::parse(&python.request, config.home.as_deref())
                .unwrap_or(InterpreterRequest::Default),
            source: crate::python::RequestSource::Default,
        },
    };
    let selection = metadata.selection.resolve(&project);
    let verdict = environment::check(
        env,
        Some(metadata),
        &project,
        &request,
        &selection,
        crate::lock::LockMode::Auto,
        config,
    );
    let verdict = environment::inspected(env, Some(metadata), verdict);
    let status = match verdict {
        Verdict::Current => Status::Ok,
        Verdict::OutOfSync | Verdict::Reselect => Status::Outdated,
        Verdict::Rebuild(_) => Status::Broken,
    };
    (status, verdict.reason(Some(metadata)))
}

/// What the envs take together: each file once, however many envs link it.
pub fn total_bytes(envs: &[EnvSummary]) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for env in envs {
        total += env.own_bytes;
        for (dev, ino, len) in &env.shared_files {
            if seen.insert((*dev, *ino)) {
                total += len;
            }
        }
    }
    total
}
