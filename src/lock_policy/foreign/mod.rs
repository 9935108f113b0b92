//! Other tools' locks, honoured as they are: with no `pylock.toml`, a `uv.lock`,
//! `poetry.lock` or `Pipfile.lock` that is current by its own tool's rule is the project's lock, turned into
//! pvm's lock model (what `pylock.toml` is read into) so that a sync installs exactly its
//! versions, with its hashes checked, by the same path. A stale one is named, and a re-lock
//! keeps its versions wherever the manifest allows.

mod files;
pub mod pipfile_lock;
pub mod poetry_lock;
mod pyjson;
pub mod uv_lock;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::lock::LockError;
use crate::lock::pylock::{Package, PyLock};
use crate::project::{MANIFEST, Project, Sources, pipfile};

/// The other tools' locks, in the order pvm looks for them.
pub const FILES: &[&str] = &[uv_lock::FILE, poetry_lock::FILE, pipfile_lock::FILE];

/// Another tool's lock of the project.
#[derive(Debug)]
pub struct ForeignLock {
    /// Its file name: `poetry.lock`, `Pipfile.lock`.
    pub file: &'static str,
    pub path: PathBuf,
    /// Why it is not current by its tool's rule; `None`: current.
    pub stale: Option<String>,
    parsed: Parsed,
}

#[derive(Debug)]
enum Parsed {
    /// uv reads it itself.
    Uv,
    Poetry(toml::Table),
    Pipenv(serde_json::Value),
}

/// The other tool's lock of a project without a `pylock.toml` (never of a script): the first
/// of [`FILES`] there whose manifest is there too.
pub fn path(project: &Project) -> Option<(&'static str, PathBuf)> {
    if project.script.is_some() || project.lock_path().exists() {
        return None;
    }
    FILES.iter().find_map(|file| {
        let path = project.root.join(file);
        let manifest = match *file {
            pipfile_lock::FILE => pipfile::PIPFILE,
            _ => MANIFEST,
        };
        (path.is_file() && project.root.join(manifest).is_file()).then_some((*file, path))
    })
}

/// The versions of another tool's lock there, for a re-lock to keep: also when its manifest
/// is gone (moved into pyproject.toml by `pvm init --remove-old`).
pub fn pins(project: &Project) -> Option<BTreeMap<String, String>> {
    if project.script.is_some() {
        return None;
    }
    FILES.iter().find_map(|file| {
        let text = std::fs::read_to_string(project.root.join(file)).ok()?;
        Some(match *file {
            uv_lock::FILE => uv_lock::pins(&toml::from_str(&text).ok()?),
            poetry_lock::FILE => poetry_lock::pins(&toml::from_str(&text).ok()?),
            _ => pipfile_lock::pins(&serde_json::from_str(&text).ok()?),
        })
    })
}

/// The other tool's lock, read and judged (nothing looked up yet).
pub fn read(
    project: &Project,
    config: &crate::config::Config,
) -> Result<Option<ForeignLock>, LockError> {
    let Some((file, path)) = path(project) else {
        return Ok(None);
    };
    let bad = |message: String| LockError::BadLock {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|source| LockError::Io {
        path: path.clone(),
        source,
    })?;
    let manifest = |name: &str| -> Result<toml::Table, LockError> {
        let manifest = project.root.join(name);
        let text = std::fs::read_to_string(&manifest).map_err(|source| LockError::Io {
            path: manifest.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|err| LockError::BadLock {
            path: manifest,
            message: err.to_string(),
        })
    };
    let (stale, parsed) = match file {
        uv_lock::FILE => {
            toml::from_str::<toml::Table>(&text).map_err(|e| bad(e.to_string()))?;
            (uv_lock::stale(project, config), Parsed::Uv)
        }
        poetry_lock::FILE => {
            let lock: toml::Table = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
            let stale = poetry_lock::stale(&lock, &manifest(MANIFEST)?);
            (stale, Parsed::Poetry(lock))
        }
        _ => {
            let lock: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
            let stale = pipfile_lock::stale(&lock, &manifest(pipfile::PIPFILE)?);
            (stale, Parsed::Pipenv(lock))
        }
    };
    Ok(Some(ForeignLock {
        file,
        path,
        stale,
        parsed,
    }))
}

impl ForeignLock {
    /// The lock as pvm's, its files found in the project's sources.
    pub fn convert(
        &self,
        project: &Project,
        config: &crate::config::Config,
    ) -> Result<PyLock, LockError> {
        let sources = Sources::for_project(project, config);
        let mut finder = files::Finder::new(&sources, config);
        match &self.parsed {
            Parsed::Uv => uv_lock::convert(project, config),
            Parsed::Poetry(lock) => poetry_lock::convert(lock, &mut finder),
            Parsed::Pipenv(lock) => pipfile_lock::convert(lock, &mut finder),
        }
        .map_err(|message| LockError::BadLock {
            path: self.path.clone(),
            message,
        })
    }
}

fn new_lock(created_by: &str) -> PyLock {
    PyLock {
        lock_version: "1.0".into(),
        environments: None,
        requires_python: None,
        extras: Vec::new(),
        dependency_groups: Vec::new(),
        default_groups: Vec::new(),
        created_by: created_by.into(),
        packages: Vec::new(),
        tool: None,
    }
}

fn package(name: &str, version: &str, marker: Option<String>) -> Result<Package, String> {
    Ok(Package {
        name: name.parse().map_err(|err| format!("`{name}`: {err}"))?,
        version: Some(version.to_string()),
        marker,
        requires_python: None,
        index: None,
        directory: None,
        archive: None,
        sdist: None,
        wheels: Vec::new(),
    })
}
