//! A sandbox per test: its own store (`PVM_HOME`), project folder and environment.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Sandbox {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub project: PathBuf,
}

impl Sandbox {
    /// An empty project folder (no manifest yet).
    pub fn empty() -> Sandbox {
        Sandbox::in_folder("proj")
    }

    /// A project folder called `name` (may hold spaces and non-ASCII letters).
    pub fn in_folder(name: &str) -> Sandbox {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("pvm home");
        let project = root.join(name);
        std::fs::create_dir_all(&project).unwrap();
        Sandbox {
            _tmp: tmp,
            root,
            home,
            project,
        }
    }

    /// A project whose manifest pins `python` through `[tool.pvm]`.
    pub fn project(python: &str) -> Sandbox {
        let sandbox = Sandbox::empty();
        sandbox.manifest(&format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pvm]\npython = \"{python}\"\n"
        ));
        sandbox
    }

    pub fn manifest(&self, text: &str) {
        self.write("pyproject.toml", text);
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.project.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `pvm` with this sandbox's store, run in the project folder.
    pub fn pvm(&self) -> Command {
        self.pvm_in(&self.project)
    }

    pub fn pvm_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::cargo_bin("pvm").unwrap();
        cmd.current_dir(dir)
            .env("PVM_HOME", &self.home)
            .env("NO_COLOR", "1")
            .env_remove("PVM_PYTHON")
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONHOME");
        cmd
    }

    pub fn envs_dir(&self) -> PathBuf {
        self.home.join("envs")
    }

    /// The env folders in the store, by name.
    pub fn envs(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.envs_dir()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The single env in the store (fails when there is not exactly one).
    pub fn only_env(&self) -> PathBuf {
        let envs = self.envs();
        assert_eq!(envs.len(), 1, "expected one env, found {envs:?}");
        self.envs_dir().join(&envs[0])
    }

    /// Runs `python -c code` in the project's env and returns its stdout, trimmed.
    pub fn python(&self, code: &str) -> String {
        stdout(
            &self
                .pvm()
                .args(["run", "python", "-c", code])
                .assert()
                .success()
                .get_output()
                .clone(),
        )
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// The pyenv-installed interpreter `X.Y`; a machine without it fails the test loudly.
pub fn pyenv_python(minor: &str) -> PathBuf {
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::home_dir().unwrap().join(".pyenv"));
    let versions = root.join("versions");
    let prefix = format!("{minor}.");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&versions)
        .unwrap_or_else(|err| {
            panic!(
                "this test needs pyenv's Python {minor} in {}: {err}",
                versions.display()
            )
        })
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "this test needs pyenv's Python {minor} in {}",
            versions.display()
        )
    })
}

/// The `pvm-env.json` of an env, parsed.
pub fn metadata(env: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(env.join("pvm-env.json")).unwrap()).unwrap()
}
