//! The store's envs as `pvm list` reports them: project, interpreter, status, size, last use.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::environment::{self, Verdict};
use crate::project::package::InstalledProject;
use crate::project::{MANIFEST, Project};
use crate::python::{InterpreterRequest, SourcedRequest, facts::FileStamp};
use crate::store::{Env, Store};

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

/// Every env in the store, by name.
/// Every env in the store, by name. Each env is looked at on its own: a few at a time.
pub fn list(store: &Store) -> Vec<EnvSummary> {
    crate::parallel::map(&store.envs(), crate::parallel::cores(), summarize)
}

pub fn summarize(env: &Env) -> EnvSummary {
    let metadata = env.metadata();
    let (status, reason) = status_of(env, metadata.as_ref());
    let size = size(env, metadata.as_ref());
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
pub fn status(env: &Env) -> (Status, Option<String>) {
    status_of(env, env.metadata().as_ref())
}

/// [`status`], of an env whose metadata was read.
fn status_of(env: &Env, metadata: Option<&crate::store::EnvMetadata>) -> (Status, Option<String>) {
    let Some(metadata) = metadata else {
        let reason = if env.is_marked() {
            "no valid pvm-env.json (incomplete or interrupted): the next run rebuilds it"
        } else {
            "not made by pvm (no `pvm` key in pyvenv.cfg): pvm leaves it alone"
        };
        return (Status::Broken, Some(reason.into()));
    };
    let python = &metadata.python;
    if FileStamp::of(&python.facts.base_executable).is_none() {
        return (
            Status::Broken,
            Some(format!(
                "interpreter {} is gone",
                python.facts.base_executable.display()
            )),
        );
    }
    if !metadata.project.exists() {
        return (
            Status::Stale,
            Some(format!("{} is gone", metadata.project.display())),
        );
    }
    // The folder is there but not its manifest (a checkout in progress?): not stale, so
    // `pvm remove --stale` leaves it alone.
    if !metadata.script && !metadata.project.join(MANIFEST).is_file() {
        return (
            Status::Outdated,
            Some(format!("{} has no {MANIFEST}", metadata.project.display())),
        );
    }
    let project = match Project::load(&metadata.project) {
        Ok(project) => project,
        Err(err) => return (Status::Outdated, Some(err.to_string())),
    };
    // Judge against the request the project itself makes (a --python or PVM_PYTHON of an
    // earlier run is not the project's): keep the stored one when it came from outside.
    let request = match crate::python::project_request(None, &project) {
        Ok(request) if !matches!(python.request_source.as_str(), "--python" | "PVM_PYTHON") => {
            request
        }
        Ok(_) | Err(_) => SourcedRequest {
            request: InterpreterRequest::parse(&python.request)
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
    );
    let verdict = environment::inspected(env, Some(metadata), verdict);
    let status = match verdict {
        Verdict::Current => Status::Ok,
        Verdict::OutOfSync | Verdict::Reselect => Status::Outdated,
        Verdict::Rebuild(_) => Status::Broken,
    };
    (status, verdict.reason(Some(metadata)))
}

/// Where the last computed size of an env is kept, with what it was computed for.
const SIZE_FILE: &str = ".pvm-size";

/// What an env takes on disk, hard links told apart.
#[derive(Debug, Clone, Default)]
pub struct EnvSize {
    /// Files only this env holds.
    pub own: u64,
    /// Files with other hard links (the cache's unpacked wheels, other envs), each counted once.
    pub shared: u64,
    /// Those shared files, as (device, inode, bytes): counted once across the store.
    pub shared_files: Vec<(u64, u64, u64)>,
}

impl EnvSize {
    /// Walks the env.
    fn measure(dir: &std::path::Path) -> EnvSize {
        use crate::platform;
        let mut size = EnvSize::default();
        let mut seen = std::collections::HashSet::new();
        crate::fsutil::each_file(dir, |meta| {
            match platform::file_id(meta) {
                Some(id) if platform::link_count(meta) > 1 => {
                    if seen.insert(id) {
                        size.shared += meta.len();
                        size.shared_files.push((id.0, id.1, meta.len()));
                    }
                }
                _ => size.own += meta.len(),
            }
            true
        });
        size
    }

    /// `v2 <stamp>|<own> <shared>`, then a `<dev> <inode> <bytes>` line per shared file.
    fn to_text(&self, stamp: &str) -> String {
        let mut text = format!("v2 {stamp}|{} {}\n", self.own, self.shared);
        for (dev, ino, len) in &self.shared_files {
            text.push_str(&format!("{dev} {ino} {len}\n"));
        }
        text
    }

    fn from_text(text: &str, stamp: &str) -> Option<EnvSize> {
        let mut lines = text.lines();
        let (head, sizes) = lines.next()?.strip_prefix("v2 ")?.rsplit_once('|')?;
        if head != stamp {
            return None;
        }
        let (own, shared) = sizes.split_once(' ')?;
        let shared_files = lines
            .map(|line| {
                let mut fields = line.split(' ').map(str::parse::<u64>);
                Some((
                    fields.next()?.ok()?,
                    fields.next()?.ok()?,
                    fields.next()?.ok()?,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(EnvSize {
            own: own.parse().ok()?,
            shared: shared.parse().ok()?,
            shared_files,
        })
    }
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

/// The env's size on disk. Walking every file of every env is what would make `pvm list` slow,
/// so the size is kept beside the env and recomputed only when what it was computed for moved:
/// the metadata (rewritten by every sync) and the `bin` and site-packages folders (whose
/// modification times change whenever a package or script is added or removed).
fn size(env: &Env, metadata: Option<&crate::store::EnvMetadata>) -> EnvSize {
    let mut stamp = String::new();
    let mut parts = vec![env.metadata_path()];
    if let Some(metadata) = metadata {
        let layout = crate::venv::Layout::new(&env.dir, &metadata.python.facts);
        parts.extend([layout.bin, layout.site_packages]);
    }
    for path in parts {
        let modified = std::fs::symlink_metadata(&path)
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        stamp.push_str(&format!("{modified} "));
    }
    let stamp = stamp.trim_end();
    let cache = env.dir.join(SIZE_FILE);
    if let Ok(text) = std::fs::read_to_string(&cache)
        && let Some(size) = EnvSize::from_text(&text, stamp)
    {
        return size;
    }
    let size = EnvSize::measure(&env.dir);
    // Only a cache, and only in pvm's own envs: a folder pvm did not make gets nothing
    // written into it; a store pvm cannot write to still lists.
    if metadata.is_some() || env.is_marked() {
        let _ = crate::fsutil::write_atomic(&cache, size.to_text(stamp).as_bytes());
    }
    size
}
