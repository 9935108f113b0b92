//! The store's caches over time: what each bucket holds ([`size`]), removing what nothing uses
//! ([`prune`]), and removing everything or one package's entries ([`clean`]).
//!
//! Envs hold hard links to the files of unpacked wheels and kept editable builds: removing a
//! cache entry only unlinks the cache's name, and an env keeps every file it has. What a running
//! pvm is linking is never removed: prune and clean hold the cache's lock
//! ([`Store::lock_cache`]), which every env and project lock shares.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fsutil::{self, Temp};
use crate::platform;
use crate::store::{Store, StoreError};

/// A part of the store that `pvm cache` reports and prunes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Bucket {
    /// Downloaded wheels, `cache/artifacts/<sha256>.whl`.
    Artifacts,
    /// Unpacked wheels, `cache/wheels/<sha256>/`: envs hard-link their files.
    Wheels,
    /// Kept editable builds of projects, `cache/editables/<key>/`: linked as wheels are.
    Editables,
    /// Metadata of projects with dynamic fields, built for locking, `cache/build-metadata/`.
    BuildMetadata,
    /// What an interpreter said about itself, by its path, `cache/interpreters/`.
    Interpreters,
    /// The `uv.lock` files uv wrote for each env's last locks, `cache/uv-lock/<env>/`: the next
    /// `pvm lock` starts from them.
    UvLocks,
    /// `pvm run --with` overlays, `overlays/<env>+<hash>/`.
    Overlays,
    /// Interpreters pvm installed, `pythons/` (`pvm python uninstall` removes them).
    Pythons,
    /// Anything else in `cache/` (shell start-up files).
    Other,
}

impl Bucket {
    pub const ALL: [Bucket; 9] = [
        Bucket::Artifacts,
        Bucket::Wheels,
        Bucket::Editables,
        Bucket::BuildMetadata,
        Bucket::Interpreters,
        Bucket::UvLocks,
        Bucket::Overlays,
        Bucket::Pythons,
        Bucket::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bucket::Artifacts => "artifacts",
            Bucket::Wheels => "wheels",
            Bucket::Editables => "editables",
            Bucket::BuildMetadata => "build-metadata",
            Bucket::Interpreters => "interpreters",
            Bucket::UvLocks => "uv-lock",
            Bucket::Overlays => "overlays",
            Bucket::Pythons => "pythons",
            Bucket::Other => "other",
        }
    }

    /// The bucket's folder (`cache/` itself for [`Bucket::Other`]).
    pub fn dir(self, store: &Store) -> PathBuf {
        match self {
            Bucket::Overlays => store.overlays_dir(),
            Bucket::Pythons => store.pythons_dir(),
            Bucket::Other => store.cache_dir(),
            named => store.cache_dir().join(named.name()),
        }
    }

    /// Whether `name`, an entry of `cache/`, is the folder of a named bucket.
    fn owns(name: &str) -> bool {
        Bucket::ALL
            .iter()
            .any(|bucket| *bucket != Bucket::Other && bucket.name() == name)
    }
}

/// What one bucket holds, as `pvm cache size --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BucketSize {
    pub bucket: Bucket,
    pub path: PathBuf,
    /// Entries directly in the bucket's folder (wheels, trees, files; not dot names).
    pub entries: u64,
    /// Bytes of its files, each hard-linked file counted once.
    pub bytes: u64,
    /// Of those, the bytes of files envs also hold (hard links): removing them frees nothing.
    pub shared_bytes: u64,
    /// The bytes only the cache holds: what removing them frees.
    pub cache_only_bytes: u64,
}

/// `pvm cache size --json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CacheSize {
    /// The store (`PVM_HOME`).
    pub store: PathBuf,
    pub buckets: Vec<BucketSize>,
    pub bytes: u64,
    pub shared_bytes: u64,
    pub cache_only_bytes: u64,
}

/// Bytes of the files under `path` (a file or a folder, links not followed), split into those
/// with other hard links and the rest; each (device, inode) counted once across `seen`.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    bytes: u64,
    shared: u64,
}

impl Tally {
    fn of(path: &Path, seen: &mut HashSet<(u64, u64)>) -> Tally {
        let mut tally = Tally::default();
        fsutil::each_file(path, |meta| {
            tally.add(meta, seen);
            true
        });
        tally
    }

    fn add(&mut self, meta: &fs::Metadata, seen: &mut HashSet<(u64, u64)>) {
        let links = platform::link_count(meta);
        if links > 1 && platform::file_id(meta).is_some_and(|id| !seen.insert(id)) {
            return;
        }
        self.bytes += meta.len();
        if links > 1 {
            self.shared += meta.len();
        }
    }
}

/// The entries of `dir`, by name.
fn entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut entries: Vec<(String, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    entries.sort();
    entries
}

/// What every bucket holds. Reads the file system only; takes no lock.
pub fn size(store: &Store) -> CacheSize {
    let mut seen = HashSet::new();
    let buckets: Vec<BucketSize> = Bucket::ALL
        .iter()
        .map(|&bucket| {
            let dir = bucket.dir(store);
            let mut tally = Tally::default();
            let mut count = 0;
            for (name, path) in entries(&dir) {
                if bucket == Bucket::Other && Bucket::owns(&name) {
                    continue;
                }
                let entry = Tally::of(&path, &mut seen);
                tally.bytes += entry.bytes;
                tally.shared += entry.shared;
                // Dot names are pvm's bookkeeping and leftovers, not entries.
                if !name.starts_with('.') {
                    count += 1;
                }
            }
            BucketSize {
                bucket,
                path: dir,
                entries: count,
                bytes: tally.bytes,
                shared_bytes: tally.shared,
                cache_only_bytes: tally.bytes - tally.shared,
            }
        })
        .collect();
    let sum = |field: fn(&BucketSize) -> u64| buckets.iter().map(field).sum();
    CacheSize {
        store: store.root.clone(),
        bytes: sum(|b| b.bytes),
        shared_bytes: sum(|b| b.shared_bytes),
        cache_only_bytes: sum(|b| b.cache_only_bytes),
        buckets,
    }
}

/// One entry a prune or clean removed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Removed {
    pub bucket: Bucket,
    pub path: PathBuf,
    /// The package it held, when known.
    pub package: Option<String>,
    /// Why it went.
    pub reason: String,
    /// The bytes only the cache held: what its removal freed (envs keep their links).
    pub freed_bytes: u64,
}

/// What `pvm cache prune` or `pvm cache clean` did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    pub removed: Vec<Removed>,
    pub freed_bytes: u64,
}

impl Report {
    /// Once the entries went: files envs shared with them may now be the envs' own, so the
    /// envs' kept sizes are measured again.
    fn done(&self, store: &Store) {
        if !self.removed.is_empty() {
            store.mark_sizes_stale();
        }
    }

    /// Removes `path` from `bucket` (folders renamed aside first, so that nothing ever sees
    /// half of one), counting what it frees.
    fn remove(&mut self, bucket: Bucket, path: &Path, package: Option<String>, reason: &str) {
        let freed = {
            let tally = Tally::of(path, &mut HashSet::new());
            tally.bytes - tally.shared
        };
        if remove_entry(path).is_err() {
            return;
        }
        self.freed_bytes += freed;
        self.removed.push(Removed {
            bucket,
            path: path.to_path_buf(),
            package,
            reason: reason.to_string(),
            freed_bytes: freed,
        });
    }
}

/// Removes a file, or a folder by first setting it aside into a scratch folder named as a
/// killed pvm's leftover is cleaned up: a sync never meets half a tree under its name.
fn remove_entry(path: &Path) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    let aside = tempfile::Builder::new()
        .prefix(&Temp::Unpack.prefix())
        .tempdir_in(path.parent().unwrap_or(Path::new(".")))?;
    if !fsutil::set_aside(path, aside.path()) {
        return Err(std::io::Error::other("cannot move it aside"));
    }
    aside.close()
}

/// Whether any file under `dir` has another hard link (an env holds it).
fn linked(dir: &Path) -> bool {
    let mut linked = false;
    fsutil::each_file(dir, |meta| {
        linked = platform::link_count(meta) > 1;
        !linked
    });
    linked
}

/// The normalized name of the distribution an unpacked tree holds (its top `.dist-info`).
fn tree_package(dir: &Path) -> Option<String> {
    entries(dir).into_iter().find_map(|(name, _)| {
        let stem = name.strip_suffix(".dist-info")?;
        let project = stem.split('-').next()?;
        Some(crate::pep::normalize_name(project).unwrap_or_else(|_| project.to_string()))
    })
}

/// The normalized name of the distribution in a wheel file, from its `.dist-info` entries.
fn wheel_package(path: &Path) -> Option<String> {
    let archive = zip::ZipArchive::new(fs::File::open(path).ok()?).ok()?;
    archive.file_names().find_map(|name| {
        let name = name.ok()?;
        let top = name.split('/').next()?;
        let project = top.strip_suffix(".dist-info")?.split('-').next()?;
        Some(crate::pep::normalize_name(project).unwrap_or_else(|_| project.to_string()))
    })
}

fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Every sha256 the locks of the store's projects name: their wheels are kept by a prune
/// even when no env links them now (a CI cache, a project switching back).
fn locked_digests(store: &Store) -> HashSet<String> {
    let mut digests = HashSet::new();
    for env in store.envs() {
        let Some(metadata) = env.metadata() else {
            continue;
        };
        let locks: Vec<PathBuf> = if metadata.script {
            let mut name = metadata.project.clone().into_os_string();
            name.push(".lock");
            vec![PathBuf::from(name)]
        } else {
            entries(&metadata.project)
                .into_iter()
                .filter(|(name, _)| {
                    name == "pylock.toml"
                        || (name.starts_with("pylock.") && name.ends_with(".toml"))
                })
                .map(|(_, path)| path)
                .collect()
        };
        for lock in locks {
            let Ok(text) = fs::read_to_string(&lock) else {
                continue;
            };
            digests.extend(
                text.split(|c: char| !c.is_ascii_hexdigit())
                    .filter(|token| is_digest(token))
                    .map(str::to_ascii_lowercase),
            );
        }
    }
    digests
}

/// Removes what no env, lock or running pvm uses: unpacked wheels and kept builds no env links,
/// downloaded wheels whose unpacked tree is gone and that no lock of a project in the store
/// names, overlays of removed envs, facts of interpreters that are gone, and what killed pvms
/// left. With `ci`, keeps only what a CI cache should carry: the downloaded wheels (those that
/// were in use or that a lock names), not the unpacked trees.
///
/// Holds the cache's lock throughout: a running sync finishes first, and the next waits.
pub fn prune(store: &Store, ci: bool, on_wait: impl FnOnce(&Path)) -> Result<Report, StoreError> {
    let _lock = store.lock_cache(on_wait)?;
    store.clean_trash();
    let mut report = Report::default();
    let locked = locked_digests(store);

    // Unpacked wheels: kept while an env links them (unless `ci`).
    let wheels = Bucket::Wheels.dir(store);
    let mut in_use = HashSet::new();
    for (name, path) in entries(&wheels) {
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        let used = linked(&path);
        if used {
            in_use.insert(name.to_ascii_lowercase());
        }
        if ci || !used {
            let reason = if used {
                "unpacked (--ci keeps downloads only)"
            } else {
                "no env links it"
            };
            report.remove(Bucket::Wheels, &path, tree_package(&path), reason);
        }
    }
    // What remembers a wheel's digest by its path, once the tree it led to is gone.
    for (name, path) in entries(&wheels) {
        if name.starts_with(".sha256-")
            && fs::read_to_string(&path).is_ok_and(|sha| !wheels.join(sha.trim()).is_dir())
        {
            let _ = fs::remove_file(&path);
        }
    }

    // Downloaded wheels: kept while their tree is, or a lock names them.
    for (name, path) in entries(&Bucket::Artifacts.dir(store)) {
        let Some(sha) = name.strip_suffix(".whl").filter(|sha| is_digest(sha)) else {
            continue;
        };
        let sha = sha.to_ascii_lowercase();
        if wheels.join(&sha).is_dir() || locked.contains(&sha) || (ci && in_use.contains(&sha)) {
            continue;
        }
        let package = wheel_package(&path);
        report.remove(
            Bucket::Artifacts,
            &path,
            package,
            "no env uses it and no lock names it",
        );
    }

    // Kept editable builds: as unpacked wheels.
    for (name, path) in entries(&Bucket::Editables.dir(store)) {
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        let used = linked(&path);
        if ci || !used {
            let reason = if used {
                "a build (--ci keeps downloads only)"
            } else {
                "no env links it"
            };
            report.remove(Bucket::Editables, &path, tree_package(&path), reason);
        }
    }

    // Facts of interpreters that are gone.
    for (name, path) in entries(&Bucket::Interpreters.dir(store)) {
        if !name.ends_with(".json") {
            continue;
        }
        let gone = fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|entry| entry.get("path")?.as_str().map(PathBuf::from))
            .is_none_or(|interpreter| fs::symlink_metadata(interpreter).is_err());
        if gone {
            report.remove(Bucket::Interpreters, &path, None, "the interpreter is gone");
        }
    }

    // uv's locks kept for envs that are gone (all of them with `ci`: a lock is made again).
    let envs: HashSet<String> = store.env_names().into_iter().collect();
    for (name, path) in entries(&Bucket::UvLocks.dir(store)) {
        if ci || !envs.contains(&name) {
            let reason = if ci {
                "a kept uv.lock (--ci keeps downloads only)"
            } else {
                "its env is gone"
            };
            report.remove(Bucket::UvLocks, &path, None, reason);
        }
    }

    // Overlays of envs that are gone (all of them with `ci`).
    for (name, path) in entries(&Bucket::Overlays.dir(store)) {
        let Some((env, _)) = name.rsplit_once('+') else {
            continue;
        };
        if ci || !envs.contains(env) {
            let reason = if ci {
                "an overlay (--ci keeps downloads only)"
            } else {
                "its env is gone"
            };
            report.remove(Bucket::Overlays, &path, None, reason);
        }
    }
    store.prune_overlays(None);
    report.done(store);
    Ok(report)
}

/// Removes everything in the cache and every overlay (`packages` empty), or only the entries
/// of `packages` (normalized names): their downloaded and unpacked wheels and kept builds.
/// Installed Pythons stay (envs run them; `pvm python uninstall` removes them), and so does
/// every file an env holds.
pub fn clean(
    store: &Store,
    packages: &[String],
    on_wait: impl FnOnce(&Path),
) -> Result<Report, StoreError> {
    let _lock = store.lock_cache(on_wait)?;
    let mut report = Report::default();
    if packages.is_empty() {
        for bucket in Bucket::ALL {
            if bucket == Bucket::Pythons {
                continue;
            }
            for (name, path) in entries(&bucket.dir(store)) {
                if bucket == Bucket::Other && Bucket::owns(&name) {
                    continue;
                }
                report.remove(bucket, &path, None, "pvm cache clean");
            }
        }
        report.done(store);
        return Ok(report);
    }
    let wanted: HashSet<String> = packages
        .iter()
        .map(|name| crate::pep::normalize_name(name).unwrap_or_else(|_| name.to_ascii_lowercase()))
        .collect();
    let mut by_digest: HashMap<String, String> = HashMap::new();
    for bucket in [Bucket::Wheels, Bucket::Editables] {
        for (name, path) in entries(&bucket.dir(store)) {
            if name.starts_with('.') || !path.is_dir() {
                continue;
            }
            let Some(package) = tree_package(&path) else {
                continue;
            };
            if bucket == Bucket::Wheels {
                by_digest.insert(name.to_ascii_lowercase(), package.clone());
            }
            if wanted.contains(&package) {
                report.remove(bucket, &path, Some(package), "pvm cache clean PACKAGE");
            }
        }
    }
    for (name, path) in entries(&Bucket::Artifacts.dir(store)) {
        let Some(sha) = name.strip_suffix(".whl").filter(|sha| is_digest(sha)) else {
            continue;
        };
        let package = by_digest
            .get(&sha.to_ascii_lowercase())
            .cloned()
            .or_else(|| wheel_package(&path));
        if let Some(package) = package.filter(|package| wanted.contains(package)) {
            report.remove(
                Bucket::Artifacts,
                &path,
                Some(package),
                "pvm cache clean PACKAGE",
            );
        }
    }
    report.done(store);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Windows has no file identity in std: linked files count once per place (platform::links)"
    )]
    fn linked_files_are_counted_once_and_as_shared() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        fs::create_dir_all(&tree).unwrap();
        fs::write(tree.join("a"), vec![0u8; 100]).unwrap();
        fs::write(tree.join("b"), vec![0u8; 10]).unwrap();
        fs::hard_link(tree.join("a"), tree.join("a2")).unwrap();
        fs::hard_link(tree.join("a"), dir.path().join("outside")).unwrap();
        let tally = Tally::of(&tree, &mut HashSet::new());
        assert_eq!((tally.bytes, tally.shared), (110, 100));
        assert!(linked(&tree));
        fs::remove_file(tree.join("a2")).unwrap();
        fs::remove_file(dir.path().join("outside")).unwrap();
        assert!(!linked(&tree));
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Windows has no file identity in std: linked files count once per place (platform::links)"
    )]
    fn removing_a_tree_leaves_linked_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        fs::create_dir_all(&tree).unwrap();
        fs::write(tree.join("a"), b"kept").unwrap();
        fs::hard_link(tree.join("a"), dir.path().join("env-file")).unwrap();
        fs::write(tree.join("b"), b"freed").unwrap();
        let mut report = Report::default();
        report.remove(Bucket::Wheels, &tree, None, "test");
        assert!(!tree.exists());
        assert_eq!(report.freed_bytes, 5);
        assert_eq!(fs::read(dir.path().join("env-file")).unwrap(), b"kept");
    }
}
