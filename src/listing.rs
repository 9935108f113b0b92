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

mod index;
mod kept;

use crate::fsutil::stamp::{How, Look, look};

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

impl Status {
    /// The status its [`Display`](std::fmt::Display) wrote.
    pub fn from_text(text: &str) -> Option<Status> {
        [Status::Ok, Status::Stale, Status::Outdated, Status::Broken]
            .into_iter()
            .find(|status| status.to_string() == text)
    }
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

/// Every env in the store, by name, and what they take together.
pub struct Listing {
    pub envs: Vec<EnvSummary>,
    /// Each file once, however many envs link it.
    pub total_bytes: u64,
}

/// One env, and how it was found.
struct Found<'a> {
    summary: EnvSummary,
    /// What the index keeps of it for the next list (`None`: nothing may be kept): the
    /// index's own entry when it held, copied only if the index is written again.
    entry: Option<std::borrow::Cow<'a, index::Entry>>,
    /// Found from the index as it was.
    indexed: bool,
}

/// Every env in the store, by name. Each env is looked at on its own: a few at a time, each
/// answered from the store's index while what it was found from holds (see [`index`]).
pub fn list(store: &Store, config: &Config) -> Listing {
    let epoch = store.size_epoch();
    let kept = kept::Kept::new(config);
    let index = index::Index::read(store, kept.context(), &epoch);
    let envs = store.envs();
    let found = crate::parallel::map(&envs, crate::parallel::cores(), |env| {
        summarize(env, &epoch, &kept, config, index.entries.get(&env.name))
    });
    let unchanged = found.iter().all(|found| found.indexed) && found.len() == index.entries.len();
    let total_bytes = match index.total {
        Some(total) if unchanged => total,
        _ => {
            let envs_shared: Vec<OwnAndShared> =
                crate::parallel::map(&found, crate::parallel::cores(), |found| {
                    shared_files(store, &found.summary, &epoch)
                });
            let total = total_of(&envs_shared);
            let entries: Vec<(&str, &index::Entry)> = found
                .iter()
                .filter_map(|found| Some((found.summary.name.as_str(), found.entry.as_deref()?)))
                .collect();
            index::Index::write(store, kept.context(), &epoch, &entries, total);
            total
        }
    };
    Listing {
        envs: found.into_iter().map(|found| found.summary).collect(),
        total_bytes,
    }
}

/// An env's own bytes and its shared files, for the total: those of its kept size (measured
/// again if it no longer holds).
fn shared_files(store: &Store, summary: &EnvSummary, epoch: &str) -> OwnAndShared {
    if !summary.shared_files.is_empty() || summary.shared_bytes == 0 {
        return (summary.own_bytes, summary.shared_files.clone());
    }
    let env = Env {
        name: summary.name.clone(),
        dir: store.envs_dir().join(&summary.name),
    };
    let size = env.size(env.metadata().as_ref(), epoch);
    (size.own, size.shared_files)
}

/// An env's own bytes, and its shared files as (device, inode, bytes).
type OwnAndShared = (u64, Vec<(u64, u64, u64)>);

/// What the envs take together: each file once, however many envs link it.
fn total_of(envs: &[OwnAndShared]) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for (own, shared) in envs {
        total += own;
        for (dev, ino, len) in shared {
            if seen.insert((*dev, *ino)) {
                total += len;
            }
        }
    }
    total
}

/// One env; `epoch` is the store's [`Store::size_epoch`], read once for all. It is the
/// index's `indexed` entry while every stamp of it holds; else its status is the kept one when
/// nothing it was judged from changed (see [`kept`]).
fn summarize<'a>(
    env: &Env,
    epoch: &str,
    kept: &kept::Kept,
    config: &Config,
    indexed: Option<&'a index::Entry>,
) -> Found<'a> {
    // Stamped before it is read: a change after the stamp is a change to the next run.
    let metadata_look = kept::Stamp::metadata_of(env);
    if let Some(entry) = indexed
        && let Some(summary) = from_index(env, kept, &metadata_look, entry)
    {
        return Found {
            summary,
            entry: Some(std::borrow::Cow::Borrowed(entry)),
            indexed: true,
        };
    }
    let metadata = env.metadata();
    let ((status, reason), verdict_held) = match &metadata {
        Some(found) => kept.status(env, found, &metadata_look, |loaded| {
            judge(env, Some(found), config, loaded)
        }),
        None => (status_of(env, None, config), None),
    };
    // What the size holds by, stamped before it is measured (or its kept one checked).
    let size_held = metadata.as_ref().and_then(|metadata| {
        let layout = crate::venv::Layout::new(&env.dir, &metadata.python.facts);
        [
            (env.metadata_path(), How::Follow, metadata_look.0.clone()),
            (layout.bin.clone(), How::Own, look(&layout.bin, How::Own)),
            (
                layout.site_packages.clone(),
                How::Follow,
                look(&layout.site_packages, How::Follow),
            ),
        ]
        .into_iter()
        .map(|(path, how, look)| match look {
            Some(look) if kept.settled(Some(&look)) => Some((path, how, look.text())),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
    });
    let size = env.size(metadata.as_ref(), epoch);
    let entry = match (&metadata, verdict_held, size_held) {
        (Some(metadata), Some(verdict), Some(size_held))
            if kept.settled(metadata_look.0.as_ref()) =>
        {
            Some(std::borrow::Cow::Owned(index::Entry {
                metadata: metadata_look.0.as_ref().map(Look::text).unwrap_or_default(),
                about: serde_json::to_string(&index::About::of(metadata))
                    .expect("the metadata serializes"),
                status,
                reason: reason.clone(),
                verdict,
                own: size.own,
                shared: size.shared,
                size: size_held,
            }))
        }
        _ => None,
    };
    let about = metadata.as_ref().map(index::About::of);
    Found {
        summary: summary_of(env, about, (status, reason), size),
        entry,
        indexed: false,
    }
}

/// The env as its index entry found it, if every stamp of the entry holds.
fn from_index(
    env: &Env,
    kept: &kept::Kept,
    metadata_look: &kept::Stamp,
    entry: &index::Entry,
) -> Option<EnvSummary> {
    if !metadata_look.0.as_ref()?.is_text(&entry.metadata) {
        return None;
    }
    let mut seen = kept::Seen::of_metadata(env, metadata_look);
    if !kept.holds(env, &entry.verdict, &mut seen) || !kept.holds(env, &entry.size, &mut seen) {
        return None;
    }
    let about: index::About = serde_json::from_str(&entry.about).ok()?;
    let size = crate::store::EnvSize {
        own: entry.own,
        shared: entry.shared,
        shared_files: Vec::new(),
    };
    Some(summary_of(
        env,
        Some(about),
        (entry.status, entry.reason.clone()),
        size,
    ))
}

fn summary_of(
    env: &Env,
    about: Option<index::About>,
    (status, reason): (Status, Option<String>),
    size: crate::store::EnvSize,
) -> EnvSummary {
    let synced = about.as_ref().and_then(|a| a.synced);
    EnvSummary {
        name: env.name.clone(),
        path: env.dir.clone(),
        kind: about
            .as_ref()
            .map(|a| if a.script { "script" } else { "project" }.to_string()),
        status,
        reason,
        size_bytes: size.own + size.shared,
        own_bytes: size.own,
        shared_bytes: size.shared,
        shared_files: size.shared_files,
        last_used: env.last_used().or(synced),
        created: about.as_ref().map(|a| a.created),
        synced,
        project: about.as_ref().map(|a| a.project.clone()),
        python: about.as_ref().map(|a| a.python.clone()),
        python_path: about.as_ref().map(|a| a.python_path.clone()),
        project_name: about.as_ref().map(|a| a.project_name.clone()),
        installed_project: about.and_then(|a| a.installed_project),
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
