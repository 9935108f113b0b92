//! The universal resolution by `uv lock` in a uv project pvm keeps for each env, with the
//! `uv.lock` of each resolution kept beside it, so that a re-lock starts from the lock uv made
//! last time, as `uv lock` and `uv add` do with an existing `uv.lock`.
//!
//! That is where uv is faster than `uv pip compile` with the previous `pylock.toml` as its
//! preferences: a `uv.lock` also holds the forks of the last resolution (`resolution-markers`),
//! so uv solves each fork at once instead of finding them again (on a manifest of 12 real
//! dependencies forked by Python version, some 0.4 s of a 2 s re-lock). pvm reads the
//! `uv.lock` itself as `uv export` would write it (`lock::uv_lock`), so one `uv lock` is the
//! whole resolution.
//!
//! Exactness: a kept `uv.lock` is used only for the very lock it made, known by the key of
//! its pins (`pins_key`): a `pylock.toml` edited, checked out from elsewhere, or made by the
//! compile path has no kept `uv.lock`, and is re-locked by `uv pip compile` with its pins as
//! preferences, as before. A `pylock.toml` pvm wrote is filed by its digest under that key
//! (`file_written`), so that a re-lock finds the kept `uv.lock` without parsing the lock.
//! No `pylock.toml` (or `--upgrade`) means a fresh resolution: no `uv.lock` either (the
//! newest kept one is only read ahead, for its parse). Requirements naming a URL or a path
//! keep the compile path (uv would write their paths relative to the scratch project), and so
//! does anything `uv lock` refuses: the compile path then gives the error the user sees.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::preferences::{Pin, Previous, pins_key};
use super::uv_lock::Known;
use crate::config::Config;
use crate::installer::Backend;
use crate::lock::pylock::Package;
use crate::pep::{self, Requirement};
use crate::project::Sources;
use crate::venv::Layout;

/// The name of the scratch project (never installed; only its dependencies are exported).
const SCRATCH_NAME: &str = "pvm-lock-scratch";
/// How many `uv.lock`s are kept per env: the last few locks (an undone `pvm add` finds its
/// lock again).
const KEPT: usize = 8;
/// The `uv.lock` the current resolution wrote, until it is kept under its key.
const CURRENT: &str = "uv.lock";

/// The scratch uv project of the env at `layout`: `$PVM_HOME/cache/uv-lock/<env>/`.
fn scratch(layout: &Layout, config: &Config) -> Option<PathBuf> {
    let store = crate::store::Store::from_config(config).ok()?;
    let env = layout.root.file_name()?;
    Some(crate::cache::Bucket::UvLocks.dir(&store).join(env))
}

fn kept_name(key: &str) -> String {
    format!("{key}.uv.lock")
}

/// The name that files a written `pylock.toml`'s digest under its pins' key.
fn alias_name(digest: &str, key: &str) -> String {
    format!("{digest}-{key}.key")
}

/// The key of the pins of the `pylock.toml` whose digest is `digest`, where pvm wrote that
/// lock and the `uv.lock` kept for it is still there: no need to parse the lock to find it.
pub fn known_key(layout: &Layout, digest: &str, config: &Config) -> Option<String> {
    key_filed(&scratch(layout, config)?, digest)
}

fn key_filed(dir: &Path, digest: &str) -> Option<String> {
    let prefix = format!("{digest}-");
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name();
        let key = name.to_str()?.strip_prefix(&prefix)?.strip_suffix(".key")?;
        dir.join(kept_name(key)).is_file().then(|| key.to_string())
    })
}

/// Files the `pylock.toml` just written (its digest) under the key of its `pins`, where a
/// `uv.lock` is kept for them: the next re-lock finds it without parsing the lock.
pub fn file_written(layout: &Layout, digest: &str, pins: &[Pin], config: &Config) {
    if let Some(dir) = scratch(layout, config) {
        file_under(&dir, digest, &pins_key(pins));
    }
}

fn file_under(dir: &Path, digest: &str, key: &str) {
    if dir.join(kept_name(key)).is_file() {
        let _ = std::fs::write(dir.join(alias_name(digest, key)), "");
    }
}

/// Resolves `requirements` (tagged by part) for every Python from `python_version` with
/// `uv lock` into the packages of a PEP 751 lock, starting from the `uv.lock` kept for
/// `previous` (none when `previous` is empty or on `upgrade`). `None` when this path does not
/// apply or `uv lock` failed: the caller resolves with `uv pip compile` instead.
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    backend: &Backend,
    layout: &Layout,
    sources: &Sources,
    requirements: &[Requirement],
    python_version: &str,
    previous: &Previous,
    upgrade: bool,
    config: &Config,
) -> Option<Vec<Package>> {
    let Backend::Uv(uv) = backend else {
        return None;
    };
    if requirements
        .iter()
        .any(|r| matches!(r.version_or_url, Some(pep::VersionOrUrl::Url(_))))
    {
        return None;
    }
    let dir = scratch(layout, config)?;
    std::fs::create_dir_all(&dir).ok()?;
    let current = dir.join(CURRENT);
    let _ = std::fs::remove_file(&current);
    // The lock uv starts from, if any: parsed below while uv runs, as most of what uv writes
    // is that again. (A lock that cannot be read is the compile path's to report.)
    let mut start = String::new();
    if !upgrade && let Some(key) = previous.key().ok()? {
        // A lock made elsewhere: its pins are kept by the compile path's preferences.
        start = std::fs::read_to_string(dir.join(kept_name(&key))).ok()?;
        std::fs::write(&current, &start).ok()?;
    }
    let manifest = manifest(requirements, python_version);
    std::fs::write(dir.join("pyproject.toml"), manifest).ok()?;
    // `uv lock` writes `uv.lock` (kept below), read here as `uv export` would write it; a
    // lock that reader leaves to uv is exported by uv from that same `uv.lock`.
    let mut lock = uv_command(uv, &dir, "lock");
    lock.arg("--python")
        .arg(layout.python())
        .args(backend.source_args(sources));
    // What uv will mostly write again, parsed while it runs: the lock it starts from, else
    // (a fresh resolution, which from the same caches mostly repeats an earlier one) the
    // newest lock kept here. Only its parse is taken, and only for a table of the same text.
    // (Where no thread can be started, the new lock is parsed whole afterwards.)
    let ahead = || {
        if start.is_empty() {
            newest_kept(&dir).map_or_else(Known::default, |text| Known::of(&text, &dir))
        } else {
            Known::of(&start, &dir)
        }
    };
    let (locked, known) = std::thread::scope(|scope| {
        let known = std::thread::Builder::new().spawn_scoped(scope, ahead);
        let locked = backend.run(lock, "resolve", &sources.installer_env);
        let known = known.ok().and_then(|parse| parse.join().ok());
        (locked, known.unwrap_or_default())
    });
    if locked.is_err() {
        let _ = std::fs::remove_file(&current);
        return None;
    }
    if let Some(packages) = super::uv_lock::packages(&dir, SCRATCH_NAME, known) {
        return Some(packages);
    }
    let exported = dir.join(crate::lock::pylock::LOCK_FILE);
    let mut export = uv_command(uv, &dir, "export");
    export
        .arg("--frozen")
        .args(["--format", "pylock.toml", "--no-emit-project"])
        .args(["--no-header", "--output-file"])
        .arg(&exported);
    let read = backend
        .run(export, "resolve", &sources.installer_env)
        .ok()
        .and_then(|_| std::fs::read_to_string(&exported).ok())
        .and_then(|text| toml::from_str::<crate::lock::pylock::PyLock>(&text).ok());
    let _ = std::fs::remove_file(&exported);
    match read {
        Some(lock) => Some(lock.packages),
        None => {
            let _ = std::fs::remove_file(&current);
            None
        }
    }
}

/// `uv <subcommand>` in the scratch project, whatever project or env the caller is in.
fn uv_command(uv: &Path, dir: &Path, subcommand: &str) -> Command {
    let mut command = Command::new(uv);
    command
        .arg(subcommand)
        .arg("--directory")
        .arg(dir)
        .arg("--quiet")
        .env_remove("VIRTUAL_ENV")
        .env_remove("UV_LOCKED")
        .env_remove("UV_FROZEN")
        .env_remove("UV_NO_SYNC")
        .env("UV_NO_PROGRESS", "1");
    command
}

/// The scratch project's `pyproject.toml`: the requirements as its dependencies, the floor
/// as its `requires-python`; its own workspace, never a member of one above it.
fn manifest(requirements: &[Requirement], python_version: &str) -> String {
    let quote = |text: String| toml::Value::String(text).to_string();
    let dependencies: Vec<String> = requirements
        .iter()
        .map(|r| format!("    {},\n", quote(r.to_string())))
        .collect();
    format!(
        "[project]\nname = \"{SCRATCH_NAME}\"\nversion = \"0\"\nrequires-python = {}\ndependencies = [\n{}]\n\n[tool.uv]\npackage = false\n\n[tool.uv.workspace]\nmembers = []\n",
        quote(format!(">={python_version}")),
        dependencies.concat()
    )
}

/// Keeps the `uv.lock` this resolution wrote under the key of `packages`' pins (as the next
/// re-lock reads them back from `pylock.toml`), and only the last few.
pub fn keep(layout: &Layout, packages: &[Package], config: &Config) {
    let Some(dir) = scratch(layout, config) else {
        return;
    };
    let current = dir.join(CURRENT);
    if !current.is_file() {
        return;
    }
    let pins = super::preferences::pins_of_packages(packages);
    if std::fs::rename(&current, dir.join(kept_name(&pins_key(&pins)))).is_err() {
        return;
    }
    prune(&dir);
}

/// The kept `uv.lock`s among `names` (in `dir`), oldest first.
fn by_age<'a>(dir: &Path, names: &'a [String]) -> Vec<(std::time::SystemTime, &'a str)> {
    let mut kept: Vec<_> = names
        .iter()
        .filter(|name| name.ends_with(".uv.lock"))
        .filter_map(|name| {
            Some((
                dir.join(name).metadata().ok()?.modified().ok()?,
                name.as_str(),
            ))
        })
        .collect();
    kept.sort();
    kept
}

/// The names of the files in `dir` (none where it cannot be read).
fn names_in(dir: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(dir).ok()?.flatten();
    Some(
        entries
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect(),
    )
}

/// The text of the newest `uv.lock` kept in `dir`.
fn newest_kept(dir: &Path) -> Option<String> {
    let names = names_in(dir)?;
    let (_, name) = by_age(dir, &names).pop()?;
    std::fs::read_to_string(dir.join(name)).ok()
}

/// Removes all but the `KEPT` newest kept locks, and the digests filed under the removed ones.
fn prune(dir: &Path) {
    let Some(names) = names_in(dir) else {
        return;
    };
    let mut kept = by_age(dir, &names);
    let extra = kept.len().saturating_sub(KEPT);
    let removed: Vec<&str> = kept.drain(..extra).map(|(_, name)| name).collect();
    for name in &removed {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let gone = |key: &str| !kept.iter().any(|(_, name)| *name == kept_name(key));
    for name in &names {
        let key = name
            .strip_suffix(".key")
            .and_then(|stem| stem.split_once('-'))
            .map(|(_, key)| key);
        if key.is_some_and(gone) {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept `uv.lock`, written `at` seconds after the epoch.
    fn kept(dir: &Path, key: &str, at: u64) {
        let path = dir.join(kept_name(key));
        std::fs::write(&path, format!("# {key}\n")).unwrap();
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(at);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[test]
    fn a_fresh_resolution_reads_ahead_the_newest_kept_lock() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        assert_eq!(newest_kept(dir), None, "nothing kept yet");
        kept(dir, "older", 1);
        kept(dir, "newest", 3);
        kept(dir, "middle", 2);
        std::fs::write(dir.join(alias_name("d", "newest")), "").unwrap();
        assert_eq!(newest_kept(dir).as_deref(), Some("# newest\n"));
    }

    #[test]
    fn a_written_lock_is_found_by_its_digest_while_its_uv_lock_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        // Nothing kept for the key: nothing filed.
        file_under(dir, "d0", "k0");
        assert_eq!(key_filed(dir, "d0"), None);

        kept(dir, "k1", 1);
        file_under(dir, "d1", "k1");
        assert_eq!(key_filed(dir, "d1").as_deref(), Some("k1"));
        assert_eq!(key_filed(dir, "d2"), None, "another lock's text");

        // Its uv.lock pruned with the oldest: the digest goes too.
        for n in 0..KEPT {
            kept(dir, &format!("newer{n}"), 2 + n as u64);
        }
        prune(dir);
        assert!(!dir.join(kept_name("k1")).exists());
        assert_eq!(key_filed(dir, "d1"), None);
        assert!(!dir.join(alias_name("d1", "k1")).exists());
        assert!(dir.join(kept_name(&format!("newer{}", KEPT - 1))).exists());
    }
}
