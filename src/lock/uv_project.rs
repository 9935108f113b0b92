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
//! preferences, as before. No `pylock.toml` (or `--upgrade`) means a fresh resolution: no
//! `uv.lock` either. Requirements naming a URL or a path keep the compile path (uv would
//! write their paths relative to the scratch project), and so does anything `uv lock`
//! refuses: the compile path then gives the error the user sees.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::preferences::Pin;
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

/// The key of a lock's pins (name, version, marker), whatever their order.
pub fn pins_key(pins: &[Pin]) -> String {
    let mut lines: Vec<String> = pins
        .iter()
        .map(|pin| {
            format!(
                "{} {} {}",
                pin.name,
                pin.version,
                pin.marker.as_deref().unwrap_or("")
            )
        })
        .collect();
    lines.sort();
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    crate::fsutil::hex(&digest[..16])
}

fn kept_name(key: &str) -> String {
    format!("{key}.uv.lock")
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
    previous: &[Pin],
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
    if !upgrade && !previous.is_empty() {
        let kept = dir.join(kept_name(&pins_key(previous)));
        // A lock made elsewhere: its pins are kept by the compile path's preferences.
        std::fs::copy(&kept, &current).ok()?;
    }
    let manifest = manifest(requirements, python_version);
    std::fs::write(dir.join("pyproject.toml"), manifest).ok()?;
    // `uv lock` writes `uv.lock` (kept below), read here as `uv export` would write it; a
    // lock that reader leaves to uv is exported by uv from that same `uv.lock`.
    let mut lock = uv_command(uv, &dir, "lock");
    lock.arg("--python")
        .arg(layout.python())
        .args(backend.source_args(sources));
    if backend
        .run(lock, "resolve", &sources.installer_env)
        .is_err()
    {
        let _ = std::fs::remove_file(&current);
        return None;
    }
    if let Some(packages) = super::uv_lock::packages(&dir, SCRATCH_NAME) {
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

/// Removes all but the `KEPT` newest kept locks.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut kept: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".uv.lock"))
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    kept.sort();
    let extra = kept.len().saturating_sub(KEPT);
    for (_, path) in kept.into_iter().take(extra) {
        let _ = std::fs::remove_file(path);
    }
}
