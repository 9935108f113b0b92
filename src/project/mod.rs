//! Finding a project and reading its `pyproject.toml`.
//!
//! Everything pvm needs from the manifest is checked once, with errors that point at the file,
//! line and column; the rest of pvm works with the typed [`Manifest`].

pub mod foreign;
mod manifest;
pub mod package;
pub mod path_sources;
pub mod pipfile;
pub mod poetry;
pub mod requirements_txt;
pub mod script;
pub mod selection;
mod settings;
pub mod sources;
pub mod text;
pub mod uv_tool;

use std::path::{Path, PathBuf};

use crate::hint::Hint;
pub use manifest::{Dynamic, GroupItem, Manifest};
pub use requirements_txt::read_requirements_txt;
pub use selection::{
    Selection, SelectionError, SelectionRequest, requirements, requirements_as_written,
};
pub use settings::{
    Installer, PythonDownloads, SETTINGS_KEYS, Script, Settings, UvDownloads, python_mirror,
};
pub use sources::Sources;
pub use text::name_from_folder;

pub const MANIFEST: &str = "pyproject.toml";

/// A project: its root folder (canonical, so links and subfolders agree) and its checked manifest.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub manifest: Manifest,
    /// For a single-file script (PEP 723): its canonical path, which keys its env.
    pub script: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("no `{MANIFEST}` in {} or any folder above it", .0.display())]
    NotFound(PathBuf),
    #[error("`{}` is not a folder", .0.display())]
    NotADirectory(PathBuf),
    #[error("there is no `{MANIFEST}` in {}", .0.display())]
    NoManifest(PathBuf),
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}={value:?} is neither yes nor no")]
    BadVariable { name: &'static str, value: String },
    #[error("{}:{line}:{column}: {message}", .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    },
}

impl Hint for ProjectError {
    fn hint(&self) -> Option<String> {
        match self {
            ProjectError::NotFound(_) => {
                Some("run `pvm init` to start a project here, or pass `--project DIR`".to_string())
            }
            ProjectError::NotADirectory(_) => Some(
                "`--project` takes the project's folder, the one holding pyproject.toml".into(),
            ),
            ProjectError::NoManifest(_) => Some("run `pvm init` in that folder first".into()),
            ProjectError::Invalid { hint, .. } => hint.clone(),
            ProjectError::BadVariable { name, .. } => Some(format!(
                "set {name} to 1, true, yes or on (or 0, false, no, off), or unset it"
            )),
            ProjectError::Read { .. } => None,
        }
    }
}

impl Project {
    /// The project that holds `start`: the nearest folder upward with a `pyproject.toml`.
    pub fn discover(start: &Path) -> Result<Project, ProjectError> {
        let start = absolute(start);
        for dir in start.ancestors() {
            if dir.join(MANIFEST).is_file() || dir.join(pipfile::PIPFILE).is_file() {
                return Project::at(dir);
            }
        }
        Err(ProjectError::NotFound(start))
    }

    /// The project whose root is exactly `dir` (`--project DIR`).
    pub fn at(dir: &Path) -> Result<Project, ProjectError> {
        let dir = absolute(dir);
        if dir.exists() && !dir.is_dir() {
            return Err(ProjectError::NotADirectory(dir));
        }
        let manifest_path = dir.join(MANIFEST);
        let pipfile = dir.join(pipfile::PIPFILE);
        if !manifest_path.is_file() && !pipfile.is_file() {
            return Err(ProjectError::NoManifest(dir));
        }
        // The canonical path keys the env: a link or a relative path reaches the same one.
        let root = dir.canonicalize().map_err(|source| ProjectError::Read {
            path: dir.clone(),
            source,
        })?;
        let mut manifest = match manifest_path.is_file() {
            true => Manifest::read(&root.join(MANIFEST))?,
            false => Manifest::default(),
        };
        // A pipenv project: its Pipfile, unless the pyproject.toml holds the dependencies
        // (one beside a Pipfile often holds only the settings of linters).
        let pipenv = manifest.dependencies.is_empty() && manifest.dependency_groups.is_empty();
        if pipenv && pipfile.is_file() {
            let path = root.join(pipfile::PIPFILE);
            let text = text::read_utf8(&path)?;
            pipfile::parse(&text)
                .and_then(|imported| imported.merge_into(&mut manifest))
                .map_err(|message| ProjectError::Invalid {
                    path,
                    line: 1,
                    column: 1,
                    message,
                    hint: None,
                })?;
        }
        Ok(Project {
            root,
            manifest,
            script: None,
        })
    }

    /// The path that keys the env: the script's, else the project root.
    pub fn env_key(&self) -> &Path {
        self.script.as_deref().unwrap_or(&self.root)
    }

    /// Where the lock is: `pylock.toml` at the root, or `<script>.lock` beside a script.
    pub fn lock_path(&self) -> PathBuf {
        match &self.script {
            Some(script) => script::lock_path(script),
            None => self.root.join("pylock.toml"),
        }
    }

    /// The project or script at `path`, as `pvm list` and `pvm remove` find it from an env's
    /// metadata: a file is a script, a folder a project.
    pub fn load(path: &Path) -> Result<Project, ProjectError> {
        if path.is_file() {
            return Project::script(path)?.ok_or_else(|| ProjectError::Invalid {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: "the script has no `# /// script` block any more".into(),
                hint: Some("`pvm remove` its env, or give it a block again".into()),
            });
        }
        Project::at(path)
    }

    pub fn manifest_path(&self) -> PathBuf {
        self.root.join(MANIFEST)
    }

    /// The project's name: `[project] name`, else the folder's name.
    pub fn name(&self) -> String {
        self.manifest.name.clone().unwrap_or_else(|| {
            self.root
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| "project".to_string())
        })
    }
}

/// `path` made absolute against the current folder, without touching the file system further.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
