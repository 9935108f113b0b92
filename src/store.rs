//! The central store: where envs live, how a project maps to its env, the metadata that marks an
//! env complete, the per-env lock, and listing and removing envs.
//!
//! ```text
//! $PVM_HOME/
//!   envs/<slug>-<hash>/     one PEP 405 env per project, `pvm-env.json` inside, written last
//!   cache/                  interpreter facts, wheels
//!   locks/<hash>.lock       advisory locks, one per env
//!   locks/<hash>.project    and one per project, on its manifest and lock
//!   pythons/                interpreters pvm installed
//! ```

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fsutil::{self, Temp};
use crate::hint::Hint;
use crate::platform;
use crate::project::SelectionRequest;
use crate::project::package::InstalledProject;
use crate::python::facts::FileStamp;
use crate::python::{Facts, Origin};

mod names;

/// Bumped whenever what pvm writes into an env changes shape: envs of another format are rebuilt.
pub const ENV_FORMAT: u32 = 2;
/// The env's commit mark: an env without a valid one is incomplete and never used.
pub const METADATA_FILE: &str = "pvm-env.json";
/// Touched on every run; its modification time is the env's "last used".
const USED_FILE: &str = ".pvm-used";
const TRASH_PREFIX: &str = ".trash-";
/// Keeps env paths, and so console-script shebangs, well under the kernel's 127-byte limit.
const SLUG_MAX: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the store at {}", .path.display())]
    NotWritable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{action} {}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{0}` is not an env name: names are single folder names, without `/`, `..` or NUL")]
    InvalidName(String),
    #[error("no env called `{name}` in the store")]
    NoSuchEnv {
        name: String,
        available: Vec<String>,
    },
    #[error("`{name}` matches several envs: {}", .matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
    #[error("refusing to remove {}: {reason}", .path.display())]
    NotAnEnv { path: PathBuf, reason: String },
    #[error("there is no platform cache folder to keep envs in")]
    NoHome,
    #[error("PVM_HOME={} is a relative path", .0.display())]
    RelativeHome(PathBuf),
    #[error("the store {} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error(transparent)]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

impl Hint for StoreError {
    fn hint(&self) -> Option<String> {
        match self {
            StoreError::RelativeHome(_) => {
                Some("set PVM_HOME to an absolute path (or `~/…`)".into())
            }
            StoreError::NotAFolder(_) => {
                Some("point PVM_HOME at a folder (or unset it for the default store)".into())
            }
            StoreError::NotWritable { .. } | StoreError::NoHome => {
                Some("set PVM_HOME to a folder you can write to".into())
            }
            StoreError::NoSuchEnv { available, .. } if available.is_empty() => {
                Some("the store is empty".into())
            }
            StoreError::NoSuchEnv { name, available } => {
                // The closest env (by its project part) first: a typo gets a "did you mean".
                let closest = available
                    .iter()
                    .map(|env| {
                        let project = env.rsplit_once('-').map_or(env.as_str(), |(p, _)| p);
                        (strsim::jaro_winkler(name, project), env)
                    })
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                Some(match closest {
                    Some((_, env)) => format!("did you mean `{env}`? (`pvm list` shows every env)"),
                    None => format!("envs in the store: {}", available.join(", ")),
                })
            }
            StoreError::Ambiguous { .. } => Some("use the full env name from `pvm list`".into()),
            StoreError::NotAnEnv { .. } => {
                Some("pvm only removes env folders it made inside its store; see `pvm list`".into())
            }
            StoreError::InvalidName(_) => Some("see `pvm list` for env names".into()),
            StoreError::Io { .. } | StoreError::Interrupted(_) => None,
        }
    }
}

/// Where a project's env is kept: a readable slug and a hash of the canonical project path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvKey {
    pub slug: String,
    pub hash: String,
}

impl EnvKey {
    /// The hash is of the path's bytes on Linux, and of its case-folded form on macOS and
    /// Windows, whose file systems ignore case (`platform::host_path_key`).
    pub fn new(name: &str, project_root: &Path) -> EnvKey {
        let digest = Sha256::digest(platform::host_path_key(project_root));
        EnvKey {
            slug: slug(name),
            hash: fsutil::hex(&digest[..8]),
        }
    }

    pub fn dir_name(&self) -> String {
        format!("{}-{}", self.slug, self.hash)
    }
}

/// A short ASCII name: runs of anything but letters and digits become one `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(SLUG_MAX).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "project".into()
    } else {
        out.into()
    }
}

/// The base interpreter an env was made from, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvPython {
    /// The interpreter as found (`~/.pyenv/versions/3.12.1/bin/python3`).
    pub path: PathBuf,
    pub origin: Origin,
    /// The request it answered (`3.12`, `>=3.9`, `default`) and where that came from.
    pub request: String,
    pub request_source: String,
    /// Size and mtime of the real executable: a change means the interpreter was replaced.
    pub stamp: Option<FileStamp>,
    pub facts: Facts,
}

/// A lock file's sha256 and the stamp (size, mtime) the file had when it was read: a warm
/// check finding the same stamp takes the digest as it is, instead of reading and hashing a
/// lock of hundreds of kilobytes on every `pvm run` (as Python trusts a `.pyc` by the source's
/// size and mtime).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockSeen {
    pub path: PathBuf,
    pub stamp: FileStamp,
    pub digest: String,
}

/// `pvm-env.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvMetadata {
    pub format: u32,
    pub pvm_version: String,
    /// The canonical project path this env belongs to (a script's own path, for a script).
    pub project: PathBuf,
    /// The env of a single-file script (PEP 723), not of a project folder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub script: bool,
    pub name: String,
    pub python: EnvPython,
    /// What the env was last synced to; `None` while a sync runs or after one failed.
    pub fingerprint: Option<String>,
    /// The extras and groups the env was last synced with; `pvm run` keeps them.
    #[serde(default)]
    pub selection: SelectionRequest,
    /// Which installer last synced the env (`uv`, `pip`), once anything was installed.
    pub installer: Option<String>,
    /// The project itself, when the last sync installed it (a package).
    #[serde(default)]
    pub project_install: Option<InstalledProject>,
    /// The build inputs it was built from (see `project::package::build_inputs`).
    #[serde(default)]
    pub project_build: Option<String>,
    /// The lock file as the last sync hashed it into the fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_seen: Option<LockSeen>,
    pub created: Timestamp,
    pub synced: Option<Timestamp>,
}

/// An env folder in the store (it may be incomplete or not exist yet).
#[derive(Debug, Clone)]
pub struct Env {
    pub name: String,
    pub dir: PathBuf,
}

impl Env {
    pub fn metadata_path(&self) -> PathBuf {
        self.dir.join(METADATA_FILE)
    }

    /// The metadata, if the env has valid metadata of the current format.
    pub fn metadata(&self) -> Option<EnvMetadata> {
        let bytes = fsutil::read_small(&self.metadata_path())?;
        let metadata: EnvMetadata = serde_json::from_slice(&bytes).ok()?;
        (metadata.format == ENV_FORMAT).then_some(metadata)
    }

    pub fn write_metadata(&self, metadata: &EnvMetadata) -> Result<(), StoreError> {
        let mut bytes = serde_json::to_vec_pretty(metadata).expect("metadata serializes");
        bytes.push(b'\n');
        fsutil::write_atomic_then(&self.metadata_path(), &bytes, || {
            crate::faults::pause(crate::faults::METADATA)
        })
        .map_err(|source| StoreError::Io {
            action: "cannot write",
            path: self.metadata_path(),
            source,
        })
    }

    pub fn exists(&self) -> bool {
        fs::symlink_metadata(&self.dir).is_ok()
    }

    /// Records a use; cheap (one open and one timestamp) because it happens on every run.
    pub fn touch_used(&self) {
        let path = self.dir.join(USED_FILE);
        let file = crate::platform::create_mode(
            File::options().create(true).append(true),
            fsutil::FILE_MODE,
        )
        .open(&path);
        if let Ok(file) = file {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
    }

    pub fn last_used(&self) -> Option<Timestamp> {
        let modified = fs::metadata(self.dir.join(USED_FILE))
            .ok()?
            .modified()
            .ok()?;
        Timestamp::try_from(modified).ok()
    }

    /// Whether `pyvenv.cfg` carries the `pvm` key that marks envs pvm wrote.
    pub fn is_marked(&self) -> bool {
        fs::read_to_string(self.dir.join("pyvenv.cfg")).is_ok_and(|cfg| {
            cfg.lines().any(|line| {
                line.split_once('=')
                    .is_some_and(|(key, _)| key.trim() == "pvm")
            })
        })
    }
}

/// Where the last computed size of an env is kept, with what it was computed for.
const SIZE_FILE: &str = ".pvm-size";
/// Where `pvm list` keeps an env's last status, with what it was judged from.
pub const STATUS_FILE: &str = ".pvm-status";

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
    /// Walks the env, leaving out the kept records (bookkeeping, not the env's; they may even
    /// be hard links, in an env copied with `cp -al`).
    fn measure(dir: &std::path::Path) -> EnvSize {
        let records: Vec<_> = [SIZE_FILE, STATUS_FILE]
            .iter()
            .filter_map(|name| fs::symlink_metadata(dir.join(name)).ok())
            .filter_map(|meta| platform::file_id(&meta))
            .collect();
        let mut size = EnvSize::default();
        let mut seen = std::collections::HashSet::new();
        crate::fsutil::each_file(dir, |meta| {
            let id = platform::file_id(meta);
            if id.is_some_and(|id| records.contains(&id)) {
                return true;
            }
            match id {
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

/// In the store's root: its size epoch, written anew whenever files may have lost their
/// other hard links (an env removed, cache entries pruned or cleaned, packages uninstalled or
/// replaced), which turns what other envs shared into their own. Every kept size is recorded
/// for one epoch and measured again in the next.
const SIZE_EPOCH_FILE: &str = ".size-epoch";

impl Env {
    /// What the kept size depends on: the store's epoch, and the modification times of the
    /// metadata (rewritten by every sync) and of the `bin` and site-packages folders (changed
    /// whenever a package or script is added or removed).
    fn size_stamp(&self, metadata: Option<&EnvMetadata>, epoch: &str) -> String {
        let mut stamp = epoch.to_string();
        let mut parts = vec![self.metadata_path()];
        if let Some(metadata) = metadata {
            let layout = crate::venv::Layout::new(&self.dir, &metadata.python.facts);
            parts.extend([layout.bin, layout.site_packages]);
        }
        for path in parts {
            let modified = fs::symlink_metadata(&path)
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos());
            stamp.push_str(&format!(" {modified}"));
        }
        stamp
    }

    /// The env's size on disk. Walking every file of every env is what would make `pvm list`
    /// slow, so the size is kept beside the env (`.pvm-size`) and measured again only
    /// when what it was measured for moved (see [`Env::size_stamp`]).
    pub fn size(&self, metadata: Option<&EnvMetadata>, epoch: &str) -> EnvSize {
        let stamp = self.size_stamp(metadata, epoch);
        if let Some(bytes) = fsutil::read_small(&self.dir.join(SIZE_FILE))
            && let Ok(text) = std::str::from_utf8(&bytes)
            && let Some(size) = EnvSize::from_text(text, &stamp)
        {
            return size;
        }
        self.measure_size(metadata, &stamp)
    }

    fn measure_size(&self, metadata: Option<&EnvMetadata>, stamp: &str) -> EnvSize {
        let size = EnvSize::measure(&self.dir);
        // Only a cache, and only in pvm's own envs: a folder pvm did not make gets nothing
        // written into it; a store pvm cannot write to still lists.
        if metadata.is_some() || self.is_marked() {
            let _ = fsutil::write_atomic(&self.dir.join(SIZE_FILE), size.to_text(stamp).as_bytes());
        }
        size
    }
}

impl Store {
    /// The store's size epoch (see [`SIZE_EPOCH_FILE`]): empty before anything bumped it.
    pub fn size_epoch(&self) -> String {
        fs::read_to_string(self.root.join(SIZE_EPOCH_FILE))
            .map(|text| text.trim().to_string())
            .unwrap_or_default()
    }

    /// Starts a new size epoch: every kept env size is measured again. Called after the files
    /// went (never before: a size measured in between would be kept for the new epoch).
    pub fn mark_sizes_stale(&self) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let epoch = format!("{now}-{}", std::process::id());
        let _ = fsutil::write_atomic(&self.root.join(SIZE_EPOCH_FILE), epoch.as_bytes());
    }
}

/// An advisory lock on one env (or on a project's files), released on drop.
#[derive(Debug)]
pub struct EnvLock {
    _file: File,
    /// The shared hold on the cache ([`Store::lock_cache`]) that keeps `pvm cache prune` out.
    _cache: Option<File>,
}

/// The central store.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

impl Store {
    /// `PVM_HOME`, else the OS's cache folder (`platform::dirs`: `~/.cache/pvm`,
    /// `~/Library/Caches/pvm`, `%LOCALAPPDATA%\pvm`).
    pub fn from_config(config: &crate::config::Config) -> Result<Store, StoreError> {
        if let Some(home) = config.pvm_home.clone() {
            // `~/…` as a shell would have expanded it; anything else relative is refused, or the
            // store would move with the current folder.
            let home = match home.strip_prefix("~") {
                Ok(rest) => config.home.as_ref().ok_or(StoreError::NoHome)?.join(rest),
                Err(_) => home,
            };
            if home.is_relative() {
                return Err(StoreError::RelativeHome(home));
            }
            return Ok(Store::at(home));
        }
        let vars = platform::dirs::BaseVars {
            home: config.home.as_deref(),
            xdg_cache_home: config.xdg_cache_home.as_deref(),
            local_app_data: config.local_app_data.as_deref(),
        };
        let root = platform::dirs::default_store(platform::Os::HOST, vars);
        Ok(Store::at(root.ok_or(StoreError::NoHome)?))
    }

    pub fn at(root: PathBuf) -> Store {
        Store { root }
    }

    /// Checks that the store and its `envs` are folders where they exist: a file there is an
    /// error, not an empty store.
    pub fn check_folders(&self) -> Result<(), StoreError> {
        for dir in [self.root.clone(), self.envs_dir()] {
            if dir.exists() && !dir.is_dir() {
                return Err(StoreError::NotAFolder(dir));
            }
        }
        Ok(())
    }

    pub fn envs_dir(&self) -> PathBuf {
        self.root.join("envs")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    /// Where `pvm run --with` keeps its overlays.
    pub fn overlays_dir(&self) -> PathBuf {
        self.root.join("overlays")
    }

    pub fn pythons_dir(&self) -> PathBuf {
        self.root.join("pythons")
    }

    /// Creates the store's folders; the error says the store is not writable.
    pub fn prepare(&self) -> Result<(), StoreError> {
        for dir in [self.envs_dir(), self.locks_dir(), self.cache_dir()] {
            fsutil::create_dir_all(&dir).map_err(|source| StoreError::NotWritable {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// The env of the project at `project_root` (canonical). An env made under an earlier name
    /// of the project is found by its hash and kept.
    /// The env of a project or script.
    pub fn env_of(&self, project: &crate::project::Project) -> Env {
        self.env_for(&project.name(), project.env_key())
    }

    pub fn env_for(&self, name: &str, project_root: &Path) -> Env {
        let key = EnvKey::new(name, project_root);
        let preferred = self.env(&key.dir_name());
        if preferred.exists() {
            return preferred;
        }
        let suffix = format!("-{}", key.hash);
        self.env_names()
            .into_iter()
            .find(|name| name.ends_with(&suffix))
            .map(|name| self.env(&name))
            .unwrap_or(preferred)
    }

    fn env(&self, name: &str) -> Env {
        Env {
            name: name.to_string(),
            dir: self.envs_dir().join(name),
        }
    }

    /// Names of the env folders in the store (real folders only, no links, no leftovers).
    pub fn env_names(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.envs_dir()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    pub fn envs(&self) -> Vec<Env> {
        self.env_names().iter().map(|name| self.env(name)).collect()
    }

    /// The env called `name`: its full folder name, or a project name that picks exactly one.
    pub fn env_named(&self, name: &str) -> Result<Env, StoreError> {
        if name.is_empty()
            || name.contains(['/', '\\', '\0'])
            || name == "."
            || name == ".."
            || name.starts_with('.')
        {
            return Err(StoreError::InvalidName(name.to_string()));
        }
        let names = self.env_names();
        // A link is returned too, for the removal checks to refuse by name.
        if fs::symlink_metadata(self.envs_dir().join(name)).is_ok() {
            return Ok(self.env(name));
        }
        let prefix = format!("{}-", slug(name));
        let matches: Vec<&String> = names
            .iter()
            .filter(|existing| {
                existing.strip_prefix(&prefix).is_some_and(|hash| {
                    hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
                })
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(self.env(one)),
            [] => Err(StoreError::NoSuchEnv {
                name: name.to_string(),
                available: names,
            }),
            many => Err(StoreError::Ambiguous {
                name: name.to_string(),
                matches: many.iter().map(|name| name.to_string()).collect(),
            }),
        }
    }

    fn lock_path(&self, env: &Env) -> PathBuf {
        let hash = env.name.rsplit('-').next().unwrap_or(&env.name);
        self.locks_dir().join(format!("{hash}.lock"))
    }

    /// Takes the env's lock; when another pvm holds it, calls `on_wait` once and waits.
    /// Whoever holds it also holds the cache shared: what a sync links from the cache is not
    /// pruned under it.
    pub fn lock(&self, env: &Env, on_wait: impl FnOnce(&Path)) -> Result<EnvLock, StoreError> {
        let mut lock = lock_file(&self.lock_path(env), false, on_wait)?;
        lock._cache = Some(lock_file(&self.cache_lock_path(), true, |_| {})?._file);
        Ok(lock)
    }

    fn cache_lock_path(&self) -> PathBuf {
        self.locks_dir().join("cache.lock")
    }

    /// Takes the cache for `pvm cache prune` and `clean`: waits (calling `on_wait` once) until
    /// no pvm holds an env's or a project's lock, and keeps every sync out until dropped.
    pub fn lock_cache(&self, on_wait: impl FnOnce(&Path)) -> Result<EnvLock, StoreError> {
        self.prepare()?;
        lock_file(&self.cache_lock_path(), false, on_wait)
    }

    /// Takes the lock on a project's own files (its manifest or script, and its lock), held by
    /// the commands that read, change and write them back (`add`, `drop`, `lock`, `init`) until
    /// they are done, sync included. Its own file beside the env's lock, under the same hash:
    /// the sync inside takes the env's lock, which this must not be.
    /// `key` is the project's canonical root, or a script's canonical path (its env's key).
    pub fn lock_project(
        &self,
        key: &Path,
        on_wait: impl FnOnce(&Path),
    ) -> Result<EnvLock, StoreError> {
        let key = EnvKey::new("", key);
        let mut lock = lock_file(
            &self.locks_dir().join(format!("{}.project", key.hash)),
            false,
            on_wait,
        )?;
        lock._cache = Some(lock_file(&self.cache_lock_path(), true, |_| {})?._file);
        Ok(lock)
    }

    /// Checks that `env` is a folder pvm made, directly inside `envs/`, and not a link.
    pub fn check_removable(&self, env: &Env) -> Result<(), StoreError> {
        let refuse = |reason: &str| StoreError::NotAnEnv {
            path: env.dir.clone(),
            reason: reason.to_string(),
        };
        if env.dir.parent() != Some(self.envs_dir().as_path()) {
            return Err(refuse("it is not inside the store's envs folder"));
        }
        let meta = fs::symlink_metadata(&env.dir).map_err(|_| refuse("it does not exist"))?;
        if meta.file_type().is_symlink() {
            return Err(refuse("it is a link"));
        }
        if !meta.is_dir() {
            return Err(refuse("it is not a folder"));
        }
        if !env.is_marked() && env.metadata().is_none() {
            return Err(refuse(
                "it has no pvm metadata and no `pvm` key in pyvenv.cfg",
            ));
        }
        Ok(())
    }

    /// Removes an env: first renamed out of the way (so nobody sees half of it), then deleted.
    /// The caller holds the env's lock.
    pub fn remove(&self, env: &Env) -> Result<(), StoreError> {
        self.check_removable(env)?;
        self.discard(env)
    }

    /// Deletes an env folder without the checks of [`Store::remove`]: for rebuilding envs pvm
    /// is about to replace.
    pub fn discard(&self, env: &Env) -> Result<(), StoreError> {
        self.prune_overlays(Some(&env.name));
        let trash =
            self.envs_dir()
                .join(format!("{TRASH_PREFIX}{}-{}", env.name, std::process::id()));
        // The mark, beside the trash (inside, a half-done deletion could remove it): only
        // marked trash is ever cleaned up, never a folder that merely has the name.
        let mark = trash_mark(&trash);
        if fs::symlink_metadata(&env.dir).is_err() {
            return Ok(());
        }
        fs::write(&mark, "").map_err(|source| StoreError::Io {
            action: "cannot write",
            path: mark.clone(),
            source,
        })?;
        match crate::platform::retry::rename(&env.dir, &trash) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let _ = fs::remove_file(&mark);
                return Ok(());
            }
            Err(source) => {
                return Err(StoreError::Io {
                    action: "cannot remove",
                    path: env.dir.clone(),
                    source,
                });
            }
        }
        let removed = crate::platform::retry::remove_dir_all(&trash);
        // Files the env shared may now be another env's own.
        self.mark_sizes_stale();
        match removed {
            Ok(()) => {
                let _ = fs::remove_file(&mark);
                Ok(())
            }
            // Someone cleaning up leftovers got there first.
            Err(_) if fs::symlink_metadata(&trash).is_err() => {
                let _ = fs::remove_file(&mark);
                Ok(())
            }
            Err(source) => Err(StoreError::Io {
                action: "cannot remove",
                path: trash,
                source,
            }),
        }
    }

    /// Removes the overlays (`pvm run --with`) of `env_name` when its env goes, or, with
    /// `None`, every overlay whose env is gone, and overlays a killed pvm left half-built.
    pub fn prune_overlays(&self, env_name: Option<&str>) {
        let Ok(entries) = fs::read_dir(self.overlays_dir()) else {
            return;
        };
        let envs = self.env_names();
        let mut removed = false;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let goes = match name.rsplit_once('+') {
                Some((base, _)) => match env_name {
                    Some(env_name) => base == env_name,
                    None => !envs.iter().any(|env| env == base),
                },
                // `.tmp-<hash>-<pid>`: only once its pvm is gone.
                None => {
                    env_name.is_none()
                        && name.starts_with(".tmp-")
                        && name
                            .rsplit('-')
                            .next()
                            .and_then(|pid| pid.parse::<u32>().ok())
                            .is_some_and(|pid| !crate::fsutil::alive(pid))
                }
            };
            if goes {
                let _ = fs::remove_dir_all(entry.path());
                removed = true;
            }
        }
        if removed {
            self.mark_sizes_stale();
        }
    }

    /// Deletes what an interrupted removal left behind (not what a live pvm is deleting), and
    /// what killed pvms left in the caches and `pythons/` ([`Store::remove_dead_temps`]).
    pub fn clean_trash(&self) {
        self.remove_dead_temps();
        let Ok(entries) = fs::read_dir(self.envs_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(TRASH_PREFIX) else {
                continue;
            };
            if let Some(trash) = rest.strip_suffix(".mark") {
                // A mark whose trash never came (killed before the rename) or is gone.
                let pid = trash.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
                let alive = pid.is_some_and(crate::fsutil::other_alive);
                let folder = entry
                    .path()
                    .with_file_name(format!("{TRASH_PREFIX}{trash}"));
                if !alive && fs::symlink_metadata(&folder).is_err() {
                    let _ = fs::remove_file(entry.path());
                }
                continue;
            }
            let pid = rest
                .rsplit('-')
                .next()
                .and_then(|pid| pid.parse::<u32>().ok());
            // Our own pid is no other pvm still deleting it (a pvm killed as PID 1 in one
            // container, and this one PID 1 in the next).
            let alive = pid.is_some_and(crate::fsutil::other_alive);
            let mark = trash_mark(&entry.path());
            if !alive
                && entry.file_type().is_ok_and(|kind| kind.is_dir())
                && mark.is_file()
                && fs::remove_dir_all(entry.path()).is_ok()
            {
                let _ = fs::remove_file(&mark);
            }
        }
    }

    /// Removes the half-done downloads, unpacked wheels, kept builds, build metadata and
    /// Python installs of pvms that are gone (an hour ago or more), each from the folder it is
    /// made in.
    fn remove_dead_temps(&self) {
        let cache = self.cache_dir();
        let places = [
            (cache.join("artifacts"), Temp::Download),
            (cache.join("wheels"), Temp::Unpack),
            (cache.join("editables"), Temp::Keep),
            (cache.join("editables"), Temp::Old),
            (cache.join("build-metadata"), Temp::Write),
            (self.pythons_dir(), Temp::Python),
        ];
        for (dir, temp) in places {
            fsutil::remove_dead(&dir, temp);
        }
    }
}

/// Locks `path` (made if need be), `shared` or not; when another pvm holds it, calls `on_wait`
/// once and waits, polling, so that a caught Ctrl-C ends the wait (a blocking lock would be
/// restarted).
fn lock_file(
    path: &Path,
    shared: bool,
    on_wait: impl FnOnce(&Path),
) -> Result<EnvLock, StoreError> {
    let file = crate::platform::create_mode(
        File::options().create(true).truncate(false).write(true),
        fsutil::FILE_MODE,
    )
    .open(path)
    .map_err(|source| StoreError::NotWritable {
        path: path.to_path_buf(),
        source,
    })?;
    let mut on_wait = Some(on_wait);
    loop {
        let taken = if shared {
            file.try_lock_shared()
        } else {
            file.try_lock()
        };
        match taken {
            Ok(()) => {
                return Ok(EnvLock {
                    _file: file,
                    _cache: None,
                });
            }
            Err(fs::TryLockError::WouldBlock) => {
                if let Some(on_wait) = on_wait.take() {
                    on_wait(path);
                }
                crate::interrupt::check()?;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(StoreError::Io {
                    action: "cannot lock",
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// The file that marks `trash` as pvm's: `<trash>.mark`, beside it.
fn trash_mark(trash: &Path) -> PathBuf {
    let mut name = trash.file_name().unwrap_or_default().to_os_string();
    name.push(".mark");
    trash.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_ascii() {
        assert_eq!(slug("My Project"), "my-project");
        assert_eq!(slug("projét ü"), "proj-t");
        assert_eq!(slug("___"), "project");
        assert!(slug(&"x".repeat(100)).len() <= SLUG_MAX);
    }

    #[test]
    fn key_depends_on_path_only_for_hash() {
        let a = EnvKey::new("a", Path::new("/tmp/x"));
        let b = EnvKey::new("b", Path::new("/tmp/x"));
        let c = EnvKey::new("a", Path::new("/tmp/y"));
        assert_eq!(a.hash, b.hash);
        assert_ne!(a.hash, c.hash);
        assert_eq!(a.hash.len(), 16);
    }

    #[test]
    fn linux_keys_stay_what_they_were() {
        // sha256 of the path's bytes, as every earlier pvm made them (python3 -c "import
        // hashlib; print(hashlib.sha256(b'/home/me/myapp').hexdigest()[:16])").
        let key = EnvKey::new("myapp", Path::new("/home/me/myapp"));
        if platform::Os::HOST == platform::Os::Linux {
            assert_eq!(key.dir_name(), "myapp-dba4914107601efe");
        }
        // Where paths ignore case, one project is one env whatever its spelling.
        let other = EnvKey::new("myapp", Path::new("/home/Me/MyApp"));
        assert_eq!(key == other, platform::Os::HOST != platform::Os::Linux);
    }

    #[test]
    fn env_names_reject_paths() {
        let store = Store::at(PathBuf::from("/nonexistent"));
        for bad in ["../x", "a/b", "..", ".", "a\0b", "", ".trash-x"] {
            assert!(
                matches!(store.env_named(bad), Err(StoreError::InvalidName(_))),
                "{bad:?}"
            );
        }
    }
}
