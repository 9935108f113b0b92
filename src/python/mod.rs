//! Interpreters, pyenv-like: which one a project asks for, where they are, and what they are.

pub mod discovery;
pub mod discovery_macos;
pub mod discovery_windows;
pub mod download;
pub mod facts;
pub mod names;
pub mod request;

use std::path::{Path, PathBuf};

pub use discovery::{Origin, SearchPaths};
pub use facts::Facts;
pub use request::{InterpreterRequest, RequestSource, SourcedRequest};

use crate::config::Config;
use crate::hint::Hint;
use crate::pep::VersionSpecifiers;
use crate::project::Project;
use discovery::Candidate;

/// A found, working interpreter.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// Where it was found (for a shim: the real executable it ran).
    pub path: PathBuf,
    pub origin: Origin,
    pub facts: Facts,
}

#[derive(Debug, thiserror::Error)]
pub enum PythonError {
    #[error("invalid interpreter request from {source_}: {message}")]
    InvalidRequest {
        source_: RequestSource,
        message: String,
    },
    #[error("no interpreter matches `{request}` (from {source_})")]
    NoMatch {
        request: String,
        source_: RequestSource,
        found: Vec<String>,
    },
    #[error("Python {version} at {} is too old: pvm needs Python {}.{} or newer", .path.display(), facts::OLDEST_SUPPORTED.0, facts::OLDEST_SUPPORTED.1)]
    Unsupported { version: String, path: PathBuf },
    #[error("Python {version} at {} (from {source_}) does not satisfy `requires-python = \"{requires}\"`", .path.display())]
    RequiresPython {
        version: String,
        path: PathBuf,
        source_: RequestSource,
        requires: String,
    },
    #[error(transparent)]
    Query(#[from] facts::QueryError),
}

impl Hint for PythonError {
    fn hint(&self) -> Option<String> {
        match self {
            // `found` holds only interpreters pvm can use: Python 2 alone counts as none.
            PythonError::NoMatch { found, .. } if found.is_empty() => Some(format!(
                "no Python interpreter pvm can use ({}.{} or newer) was found: install one (pyenv install 3.12, or your system's python3)",
                facts::OLDEST_SUPPORTED.0,
                facts::OLDEST_SUPPORTED.1
            )),
            PythonError::NoMatch { found, .. } => Some(format!(
                "interpreters found: {}; see `pvm python list`",
                found.join(", ")
            )),
            PythonError::RequiresPython { .. } => Some(
                "pick a matching interpreter (pvm python pin VERSION) or change requires-python"
                    .into(),
            ),
            PythonError::InvalidRequest { .. } => Some(REQUEST_GRAMMAR.into()),
            PythonError::Unsupported { .. } => Some(
                "ask for a newer one (for example 3.12); `pvm python list` shows what is installed"
                    .into(),
            ),
            PythonError::Query(_) => None,
        }
    }
}

/// What an interpreter request may be, for hints.
pub const REQUEST_GRAMMAR: &str = "a request is a version (3.12), a specifier (>=3.10), an implementation (pypy3.10), an executable name or a path";

/// The interpreter request in force for a project: `--python`, `PVM_PYTHON`, `.python-version`
/// (nearest from the project root upward), `[tool.pvm] python`, `requires-python`, else default.
pub fn project_request(
    flag: Option<&str>,
    project: &Project,
    config: &Config,
) -> Result<SourcedRequest, PythonError> {
    let env = config.pvm_python.clone();
    let parse = |text: &str, source: RequestSource| {
        InterpreterRequest::parse(text, config.home.as_deref())
            .map(|request| SourcedRequest {
                request,
                source: source.clone(),
            })
            .map_err(|message| PythonError::InvalidRequest {
                source_: source,
                message,
            })
    };
    if let Some(text) = flag {
        return parse(text, RequestSource::Flag);
    }
    if let Some(text) = env {
        return parse(&text, RequestSource::EnvVar);
    }
    if let Some((path, versions)) = request::find_python_version_file(&project.root)
        && let Some(first) = versions.first()
    {
        return parse(first, RequestSource::PythonVersionFile(path));
    }
    if let Some(text) = &project.manifest.settings.python {
        return parse(text, RequestSource::Manifest);
    }
    if let Some(specifiers) = &project.manifest.requires_python {
        return Ok(SourcedRequest {
            request: InterpreterRequest::Specifiers(specifiers.clone()),
            source: RequestSource::RequiresPython,
        });
    }
    Ok(SourcedRequest {
        request: InterpreterRequest::Default,
        source: RequestSource::Default,
    })
}

/// Finds interpreters; facts are cached under `cache_dir`.
pub struct Finder {
    pub search: SearchPaths,
    pub cache_dir: Option<PathBuf>,
    /// The folder pvm runs in: a pyenv shim asked what it is reads its `.python-version`.
    pub cwd: PathBuf,
}

impl Finder {
    pub fn new(search: SearchPaths, cache_dir: Option<PathBuf>, cwd: PathBuf) -> Finder {
        Finder {
            search,
            cache_dir,
            cwd,
        }
    }

    fn query(&self, candidate: &Candidate) -> Result<Interpreter, facts::QueryError> {
        let facts = facts::query_cached(&candidate.path, self.cache_dir.as_deref(), &self.cwd)?;
        let path = if candidate.is_script {
            facts.executable.clone()
        } else {
            candidate.path.clone()
        };
        Ok(Interpreter {
            path,
            origin: candidate.origin,
            facts,
        })
    }

    /// Every working interpreter found, in discovery order, one entry per real executable.
    /// Shims are skipped: what they stand for is found directly in pyenv's versions folder.
    pub fn all(&self) -> Vec<Interpreter> {
        let candidates: Vec<Candidate> = self
            .search
            .candidates()
            .into_iter()
            .filter(|candidate| !candidate.is_script)
            .collect();
        // Each query may start a Python: run them side by side.
        let results = crate::parallel::map(&candidates, candidates.len(), |candidate| {
            self.query(candidate).ok()
        });
        let mut seen = std::collections::HashSet::new();
        results
            .into_iter()
            .flatten()
            .filter(|interpreter| {
                let real = interpreter
                    .facts
                    .base_executable
                    .canonicalize()
                    .unwrap_or_else(|_| interpreter.facts.base_executable.clone());
                seen.insert(real)
            })
            .collect()
    }

    /// The interpreter for a request, checked against `requires-python`.
    pub fn find(
        &self,
        request: &SourcedRequest,
        requires_python: Option<&VersionSpecifiers>,
    ) -> Result<Interpreter, PythonError> {
        let no_match = |found: &[Interpreter]| PythonError::NoMatch {
            request: request.key(),
            source_: request.source.clone(),
            found: usable_versions(found),
        };
        let interpreter = match &request.request {
            InterpreterRequest::Path(path) => {
                let exe = executable_in(path).ok_or_else(|| no_match(&self.all()))?;
                self.query(&Candidate {
                    is_script: false,
                    path: exe,
                    origin: Origin::Path,
                })?
            }
            InterpreterRequest::Executable(name) => {
                let found = self.search.which(name, false);
                let queried = found.as_ref().map(|candidate| self.query(candidate));
                match (found, queried) {
                    (Some(_), Some(Ok(interpreter))) => interpreter,
                    (Some(candidate), Some(Err(err))) if !candidate.is_script => {
                        return Err(err.into());
                    }
                    // Not on PATH, or a pyenv shim that does not answer for this name (its
                    // version is not the active one): the versions pyenv has are found directly.
                    _ => {
                        let all = self.all();
                        let wanted = names::version_of(name);
                        all.iter()
                            .filter(|i| i.facts.is_supported())
                            .filter(|i| {
                                wanted
                                    .as_ref()
                                    .is_some_and(|w| i.facts.release().starts_with(w))
                            })
                            .reduce(|best, i| {
                                if newer(&i.facts, &best.facts) {
                                    i
                                } else {
                                    best
                                }
                            })
                            .cloned()
                            .ok_or_else(|| no_match(&all))?
                    }
                }
            }
            InterpreterRequest::Default | InterpreterRequest::System => {
                let skip_shims = request.request == InterpreterRequest::System;
                let candidate = ["python3", "python"]
                    .iter()
                    .find_map(|name| self.search.which(name, skip_shims))
                    .ok_or_else(|| no_match(&self.all()))?;
                self.query(&candidate)?
            }
            InterpreterRequest::Version { .. } | InterpreterRequest::Specifiers(_) => {
                let all = self.all();
                let mut best: Option<&Interpreter> = None;
                let mut too_old: Option<&Interpreter> = None;
                for interpreter in all
                    .iter()
                    .filter(|i| request.request.matches_version(&i.facts))
                {
                    if !interpreter.facts.is_supported() {
                        too_old.get_or_insert(interpreter);
                        continue;
                    }
                    // Newest wins; among equals, the first found.
                    if best.is_none_or(|best| newer(&interpreter.facts, &best.facts)) {
                        best = Some(interpreter);
                    }
                }
                match (best, too_old) {
                    (Some(best), _) => best.clone(),
                    (None, Some(old)) => old.clone(),
                    (None, None) => return Err(no_match(&all)),
                }
            }
        };
        if !interpreter.facts.is_supported() {
            return Err(PythonError::Unsupported {
                version: interpreter.facts.version.clone(),
                path: interpreter.path.clone(),
            });
        }
        if let Some(specifiers) = requires_python
            && let Some(version) = interpreter.facts.pep440_version()
            && !specifiers.contains(&version)
        {
            return Err(PythonError::RequiresPython {
                version: interpreter.facts.version.clone(),
                path: interpreter.path.clone(),
                source_: request.source.clone(),
                requires: specifiers.to_string(),
            });
        }
        Ok(interpreter)
    }
}

fn newer(a: &Facts, b: &Facts) -> bool {
    match (a.pep440_version(), b.pep440_version()) {
        (Some(a), Some(b)) => a > b,
        _ => a.release() > b.release(),
    }
}

/// What a hint offers instead: the interpreters pvm can use, newest first, each with its path.
fn usable_versions(found: &[Interpreter]) -> Vec<String> {
    let mut usable: Vec<&Interpreter> = found.iter().filter(|i| i.facts.is_supported()).collect();
    facts::newest_first(&mut usable, |i| &i.facts.version);
    usable
        .iter()
        .map(|i| format!("{} ({})", i.facts.version, i.path.display()))
        .collect()
}

/// A path request names the interpreter itself or a folder holding `bin/python3`.
fn executable_in(path: &Path) -> Option<PathBuf> {
    let path = crate::project::absolute(path);
    if path.is_file() {
        return Some(path);
    }
    names::python_in(&crate::platform::scripts_dir(&path)).or_else(|| names::python_in(&path))
}

/// One interpreter, as `pvm python list --json` prints it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InterpreterSummary {
    /// `3.12.1`
    pub version: String,
    /// `cpython`, `pypy`, ...
    pub implementation: String,
    /// Where it was found (a pyenv version's `bin/python3`, a file on PATH).
    pub path: PathBuf,
    /// The real executable behind `path`.
    pub executable: PathBuf,
    /// Which search found it: `pvm`, `pyenv`, `uv` or `path`.
    pub origin: Origin,
    /// Whether pvm can make envs for it (Python 3.6 and newer).
    pub supported: bool,
}

impl From<&Interpreter> for InterpreterSummary {
    fn from(interpreter: &Interpreter) -> InterpreterSummary {
        InterpreterSummary {
            version: interpreter.facts.version.clone(),
            implementation: interpreter.facts.implementation.clone(),
            path: interpreter.path.clone(),
            executable: interpreter.facts.base_executable.clone(),
            origin: interpreter.origin,
            supported: interpreter.facts.is_supported(),
        }
    }
}

// Unix only: its fake interpreters are shell scripts, run through their `#!` line.
#[cfg(all(test, unix))]
mod tests;
