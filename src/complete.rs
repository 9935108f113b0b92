//! Live values for shell completion, asked of pvm while the user presses Tab: env names, the
//! project's scripts and env executables, interpreter versions. Each must be quick and must
//! never fail loudly: a completion that cannot be computed is simply empty. clap calls these
//! before any command runs, with no context: they read `main`'s snapshot with `Config::get`.

use std::collections::BTreeSet;

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

use crate::project::Project;
use crate::store::Store;

/// Env names in the store, with their project as help: from the store's kept index, so
/// that thousands of envs complete at once.
pub fn env_names() -> Vec<CompletionCandidate> {
    let Ok(store) = Store::from_config(crate::config::Config::get()) else {
        return Vec::new();
    };
    store
        .env_projects()
        .into_iter()
        .map(|(name, project)| {
            let help = project.map(|path| path.display().to_string());
            CompletionCandidate::new(name).help(help.map(Into::into))
        })
        .collect()
}

/// The current project, if the folder (or `--project`) holds one; completions stay quiet
/// without.
fn current_project() -> Option<Project> {
    Project::discover(&crate::config::Config::get().current_dir().ok()?).ok()
}

/// The project's dependency groups.
pub fn groups() -> Vec<CompletionCandidate> {
    current_project()
        .map(|project| {
            project
                .manifest
                .dependency_groups
                .keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

/// The project's extras.
pub fn extras() -> Vec<CompletionCandidate> {
    current_project()
        .map(|project| {
            project
                .manifest
                .optional_dependencies
                .keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

/// The names the project depends on (in its dependencies, groups and extras): what `pvm drop`
/// can remove.
pub fn dependencies() -> Vec<CompletionCandidate> {
    let Some(project) = current_project() else {
        return Vec::new();
    };
    let names: BTreeSet<String> = project
        .manifest
        .all_requirements()
        .map(|requirement| requirement.name.to_string())
        .collect();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Completes `pvm run`: the command word gets the project's scripts and the env's
/// executables; the words after it are the command's own, so they get file names.
pub struct RunCompleter;

impl ValueCompleter for RunCompleter {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        self.complete_at(0, current)
    }

    fn complete_at(&self, index: usize, current: &OsStr) -> Vec<CompletionCandidate> {
        if index > 0 || command_word_given() {
            return PathCompleter::any().complete(current);
        }
        let prefix = current.to_string_lossy();
        let mut out: Vec<CompletionCandidate> = run_targets()
            .into_iter()
            .filter(|candidate| {
                candidate
                    .get_value()
                    .to_string_lossy()
                    .starts_with(&*prefix)
            })
            .collect();
        // `pvm run report.py` runs a script with the env's python: Python files (and the
        // folders on the way to them) are commands too.
        out.extend(
            PathCompleter::file()
                .filter(is_python_file)
                .complete(current),
        );
        out
    }
}

fn is_python_file(path: &std::path::Path) -> bool {
    path.is_file() && path.extension().is_some_and(|ext| ext == "py")
}

/// Whether the line being completed already has the command after `pvm run` (the engine does
/// not tell the words of a trailing argument apart). The shell passes the line after `--`;
/// bash says which word is being completed in `_CLAP_COMPLETE_INDEX`, other shells complete
/// the last word.
fn command_word_given() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let Some(dashdash) = args.iter().position(|arg| arg == "--") else {
        return false;
    };
    let words = &args[dashdash + 1..];
    let current = crate::config::Config::get()
        .complete_index
        .unwrap_or(words.len().saturating_sub(1));
    let Some(run) = words.iter().position(|word| word == "run") else {
        return false;
    };
    let mut at = run + 1;
    while at < current.min(words.len()) {
        match words[at].as_str() {
            "--python" | "--project" | "--color" => at += 2,
            word if word.starts_with('-') => at += 1,
            _ => return true,
        }
    }
    false
}

/// The project the command line being completed is about: its `--project`, else the one
/// around the current folder.
fn project() -> Option<Project> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let given = args.iter().enumerate().find_map(|(i, arg)| {
        let text = arg.to_str()?;
        match text.strip_prefix("--project") {
            Some("") => args.get(i + 1).map(PathBuf::from),
            Some(rest) => rest.strip_prefix('=').map(PathBuf::from),
            None => None,
        }
    });
    match given {
        Some(dir) => Project::at(&dir).ok(),
        None => Project::discover(&crate::config::Config::get().current_dir().ok()?).ok(),
    }
}

/// What `pvm run` can start: `[tool.pvm.scripts]` names, then the env's executables.
pub fn run_targets() -> Vec<CompletionCandidate> {
    let Some(project) = project() else {
        return Vec::new();
    };
    let mut out: Vec<CompletionCandidate> = project
        .manifest
        .settings
        .scripts
        .iter()
        .map(|(name, script)| {
            let help = script.argv().map(|words| words.join(" "));
            CompletionCandidate::new(name).help(help.map(Into::into))
        })
        .collect();
    if let Ok(store) = Store::from_config(crate::config::Config::get()) {
        let env = store.env_of(&project);
        let bin = match env.metadata() {
            Some(metadata) => env.dir.join(&metadata.python.facts.scheme.scripts),
            None => crate::platform::scripts_dir(&env.dir),
        };
        let mut names: Vec<String> = std::fs::read_dir(bin)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with("activate") && !name.starts_with("Activate"))
            .collect();
        names.sort();
        out.extend(names.into_iter().map(CompletionCandidate::new));
    }
    out
}

/// Interpreter versions that are installed, from folder names alone (nothing is run): every
/// full version and its `X.Y`, newest first, without those pvm cannot make envs for.
pub fn python_versions() -> Vec<CompletionCandidate> {
    let search = crate::python::SearchPaths::new(
        crate::config::Config::get(),
        Store::from_config(crate::config::Config::get())
            .ok()
            .map(|s| s.pythons_dir()),
    );
    let mut versions = BTreeSet::new();
    let folders = [
        search.pvm_pythons.clone(),
        search.pyenv_root.as_ref().map(|root| root.join("versions")),
        search.uv_pythons.clone(),
    ];
    for folder in folders.into_iter().flatten() {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // pyenv: `3.12.1`; uv: `cpython-3.12.1-linux-x86_64-gnu`.
            let version = name.strip_prefix("cpython-").unwrap_or(&name);
            let version = version.split('-').next().unwrap_or(version);
            let parts: Vec<&str> = version.split('.').collect();
            if parts.len() >= 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            {
                versions.insert(format!("{}.{}", parts[0], parts[1]));
                versions.insert(version.to_string());
            }
        }
    }
    let mut versions: Vec<String> = versions
        .into_iter()
        .filter(|version| crate::python::facts::supports_version(version))
        .collect();
    crate::python::facts::newest_first(&mut versions, |version| version);
    versions.into_iter().map(CompletionCandidate::new).collect()
}
