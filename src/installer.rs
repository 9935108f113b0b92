//! The installers pvm drives: uv (`uv pip …` against the env) and the env's own pip.

use crate::config::Config;
use crate::hint::Hint;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub mod explain;

use explain::Cause;

use crate::project::Installer;
use crate::project::Sources;
use crate::project::sources::InstallerEnv;
use crate::python::Facts;
use crate::venv::Layout;

/// What went wrong with an installer: none at hand, it could not start, or it failed.
#[derive(Debug, thiserror::Error)]
pub enum InstallerError {
    #[error(
        "`installer = \"uv\"` but there is no uv (PVM_UV unset, none on PATH, none fetched by pvm)"
    )]
    NoUv,
    #[error("uv does not install into Python {version}")]
    UvUnsupported { version: String },
    #[error("cannot start {installer}")]
    Spawn {
        installer: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{installer} found no set of versions that satisfies the requirements:\n{detail}")]
    NoSolution {
        installer: &'static str,
        detail: String,
    },
    #[error("{installer} could not {action} the requirements{}:\n{detail}", cause_said(*.cause))]
    Failed {
        installer: &'static str,
        action: &'static str,
        cause: Cause,
        detail: String,
        /// The source variables set (`NAME=value`): the hint names them.
        overriding: Vec<String>,
    },
    /// A file written for an installer to read.
    #[error("cannot read or write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Interrupted(#[from] crate::interrupt::Interrupted),
}

impl Hint for InstallerError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            InstallerError::NoUv => "install uv or set PVM_UV to its path, let `pvm lock` fetch pvm's own (`uv-downloads = \"automatic\"`, the index reachable), or use `installer = \"pip\"`".into(),
            InstallerError::UvUnsupported { .. } => "use `installer = \"pip\"` (or \"auto\") for this interpreter".into(),
            InstallerError::Failed { cause: Cause::HashMismatch, .. } => HASH_CHANGED.into(),
            InstallerError::Failed { cause: Cause::RequiresPython, .. } => {
                "the lines above name the requirement and the Pythons it supports: use one of them (`pvm python pin VERSION`, within [project] requires-python), require a release of it that supports this Python, or narrow [project] requires-python to Pythons it supports (the lock must hold for every Python requires-python allows)".into()
            }
            InstallerError::Failed { overriding, .. } => {
                let mut hint = "check the requirement's name and version, and the package sources ([tool.pvm] index-url, find-links, no-index)".to_string();
                if !overriding.is_empty() {
                    hint.push_str(&format!(
                        "; the environment overrides them: {} (unset to use the manifest's)",
                        overriding.join(", ")
                    ));
                }
                hint
            }
            InstallerError::NoSolution { .. } => {
                "loosen one of the requirements named above in pyproject.toml (or `pvm lock --upgrade` if the lock's pins hold it back)".into()
            }
            InstallerError::Io { .. } => "check that the folder is writable and has free space".into(),
            _ => return None,
        })
    }
}

/// How an installer's failure is introduced, by its cause (a conflict is
/// [`InstallerError::NoSolution`]).
fn cause_said(cause: Cause) -> &'static str {
    match cause {
        Cause::HashMismatch => ": a downloaded file's sha256 is not the one the lock records",
        Cause::RequiresPython => ": one of them supports only other Pythons",
        Cause::Conflict | Cause::Other => "",
    }
}

/// What to do about a locked file whose sha256 is not the lock's, whoever found it (uv, pip,
/// or pvm itself).
pub const HASH_CHANGED: &str = "the file changed since `pvm lock`: restore it, or run `pvm lock --upgrade` if the change is trusted";

/// The oldest Python uv installs into.
const UV_OLDEST: (u64, u64) = (3, 8);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Uv(PathBuf),
    Pip,
}

/// How to install one requirements file.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstallFlags {
    /// Exactly the listed pins: no resolution, every hash checked (a lock).
    pub locked: bool,
    pub reinstall: bool,
}

/// uv as configured: `PVM_UV`, else `uv` on `PATH`, else the one pvm fetched into its store
/// (`tools/uv-<version>/`): a user's own uv always wins.
pub fn find_uv(config: &Config) -> Option<PathBuf> {
    user_uv(config).or_else(|| {
        let store = crate::store::Store::from_config(config).ok()?;
        crate::tools::uv::installed(&store.root)
    })
}

/// The user's own uv: `PVM_UV`, else `uv` on `PATH`.
pub fn user_uv(config: &Config) -> Option<PathBuf> {
    if let Some(path) = &config.pvm_uv {
        return Some(path.clone());
    }
    config
        .path_dirs()
        .into_iter()
        .map(|dir| dir.join("uv"))
        .find(|candidate| candidate.is_file())
}

impl Backend {
    /// The backend for `setting` on this interpreter.
    pub fn choose(
        setting: Installer,
        facts: &Facts,
        config: &Config,
    ) -> Result<Backend, InstallerError> {
        let uv_supports = (facts.version_info.0, facts.version_info.1) >= UV_OLDEST;
        match setting {
            Installer::Pip => Ok(Backend::Pip),
            Installer::Uv => {
                let uv = find_uv(config).ok_or(InstallerError::NoUv)?;
                if !uv_supports {
                    return Err(InstallerError::UvUnsupported {
                        version: facts.version.clone(),
                    });
                }
                Ok(Backend::Uv(uv))
            }
            Installer::Auto => Ok(match find_uv(config) {
                Some(uv) if uv_supports => Backend::Uv(uv),
                _ => Backend::Pip,
            }),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Uv(_) => "uv",
            Backend::Pip => "pip",
        }
    }

    fn command(&self, layout: &Layout, env: &InstallerEnv, pip_args: &[&str]) -> Command {
        let mut command = self.bare_command(layout, pip_args);
        // pvm's download timeout holds for the installer's downloads too (under the same env
        // lock), unless the installer's own variable says otherwise.
        let (var, value) = match self {
            Backend::Uv(_) => (
                "UV_HTTP_TIMEOUT",
                env.uv_timeout
                    .map(|timeout| timeout.as_secs_f64().ceil().to_string()),
            ),
            Backend::Pip => (
                "PIP_TIMEOUT",
                env.pip_timeout
                    .map(|timeout| timeout.as_secs_f64().to_string()),
            ),
        };
        if let Some(value) = value {
            command.env(var, value);
        }
        command
    }

    fn bare_command(&self, layout: &Layout, pip_args: &[&str]) -> Command {
        match self {
            Backend::Uv(uv) => {
                let mut command = Command::new(uv);
                command
                    .arg("pip")
                    .args(pip_args)
                    .arg("--python")
                    .arg(layout.python());
                command.env_remove("VIRTUAL_ENV").env("UV_NO_PROGRESS", "1");
                command
            }
            Backend::Pip => {
                let mut command = Command::new(layout.python());
                command
                    .args(["-m", "pip"])
                    .args(pip_args)
                    .args(["--disable-pip-version-check", "--no-input"])
                    .env("PIP_NO_INPUT", "1")
                    .env("PYTHONNOUSERSITE", "1");
                command
            }
        }
    }

    pub(crate) fn source_args(&self, sources: &Sources) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        if let Some(url) = &sources.index_url {
            args.extend(["--index-url".into(), url.into()]);
        }
        for url in &sources.extra_index_urls {
            args.extend(["--extra-index-url".into(), url.into()]);
        }
        for link in &sources.find_links {
            args.extend(["--find-links".into(), link.into()]);
        }
        match self {
            Backend::Uv(_) => {
                if sources.no_index {
                    args.push("--no-index".into());
                }
                if sources.offline {
                    args.push("--offline".into());
                }
            }
            // pip has no offline mode: without the network only find-links are left.
            Backend::Pip => {
                if sources.no_index || sources.offline {
                    args.push("--no-index".into());
                }
            }
        }
        args
    }

    /// Installs the requirements listed in `file`.
    pub fn install(
        &self,
        layout: &Layout,
        sources: &Sources,
        file: &Path,
        flags: InstallFlags,
    ) -> Result<(), InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["install"]);
        command.args(self.source_args(sources)).arg("-r").arg(file);
        if flags.locked {
            command.args(["--no-deps", "--require-hashes"]);
        }
        if flags.reinstall {
            command.arg(match self {
                Backend::Uv(_) => "--reinstall",
                Backend::Pip => "--force-reinstall",
            });
        }
        if *self == Backend::Pip {
            command.arg("--no-warn-script-location");
        }
        self.run(command, "install", &sources.installer_env)
            .map(drop)
    }

    /// Installs the project folder `root` editable (PEP 660), with build isolation: the
    /// backend's `requires` come from the same sources. Its dependencies are already installed
    /// (from the lock, or the manifest); the installer adds only what the build alone knows (a
    /// `setup.py`'s `install_requires`). `name`, when known, is rebuilt even if the installer thinks it
    /// current: pvm has already decided that its build inputs changed.
    pub fn install_editable(
        &self,
        layout: &Layout,
        sources: &Sources,
        root: &Path,
        name: Option<&str>,
    ) -> Result<(), InstallerError> {
        let command = |offline: bool| {
            let mut command = self.command(layout, &sources.installer_env, &["install"]);
            command
                .args(self.source_args(sources))
                .arg("--editable")
                .arg(root);
            match self {
                Backend::Uv(_) => {
                    if let Some(name) = name {
                        command.args(["--reinstall-package", name]);
                    }
                    if offline {
                        command.arg("--offline");
                    }
                }
                Backend::Pip => {
                    command.arg("--no-warn-script-location");
                }
            }
            command
        };
        // uv: the backend's requirements from its cache first (a third faster than asking the
        // index again for each), the network only when they are not there.
        let uv = matches!(self, Backend::Uv(_));
        if uv
            && !sources.offline
            && self
                .run(command(true), "build", &sources.installer_env)
                .is_ok()
        {
            return Ok(());
        }
        self.run(command(false), "build", &sources.installer_env)
            .map(drop)
    }

    pub fn uninstall(
        &self,
        layout: &Layout,
        sources: &Sources,
        names: &[String],
    ) -> Result<(), InstallerError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut command = self.command(layout, &sources.installer_env, &["uninstall"]);
        if *self == Backend::Pip {
            command.arg("-y");
        }
        command.args(names);
        self.run(command, "uninstall", &sources.installer_env)
            .map(drop)
    }

    /// Resolves `input` for every platform and every Python from `python_version` on (uv
    /// only), into `output`: pins as requirements.txt (whose pins, if any, are preferred), or
    /// a `pylock.toml` when `output` is named `pylock.*.toml`. `constraints` holds it to pins.
    #[allow(clippy::too_many_arguments)]
    pub fn compile_universal(
        &self,
        layout: &Layout,
        sources: &Sources,
        input: &Path,
        output: &Path,
        python_version: &str,
        constraints: Option<&Path>,
        upgrade: bool,
    ) -> Result<(), InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["compile"]);
        command
            .args(self.source_args(sources))
            .args(["--universal", "--no-header", "--quiet"])
            .args(["--python-version", python_version])
            .arg(input)
            .arg("--output-file")
            .arg(output);
        let pylock = output
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("pylock."));
        if pylock {
            command.args(["--format", "pylock.toml"]);
        }
        if let Some(constraints) = constraints {
            command.arg("--constraint").arg(constraints);
        }
        if upgrade {
            command.arg("--upgrade");
        }
        self.run(command, "resolve", &sources.installer_env)
            .map(drop)
    }

    /// Installs the requirements in `file` into the folder `target`, not into the env: an
    /// overlay that `PYTHONPATH` puts in front of the env (`pvm run --with`).
    pub fn install_target(
        &self,
        layout: &Layout,
        sources: &Sources,
        file: &Path,
        constraints: &Path,
        target: &Path,
    ) -> Result<(), InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["install"]);
        command
            .args(self.source_args(sources))
            .arg("-r")
            .arg(file)
            .arg("-c")
            .arg(constraints)
            .arg("--target")
            .arg(target);
        if *self == Backend::Pip {
            command.arg("--no-warn-script-location");
        }
        self.run(command, "install", &sources.installer_env)
            .map(drop)
    }

    /// The newest versions `input` allows, for the env's interpreter (uv only), into `output`.
    pub fn newest_allowed(
        &self,
        layout: &Layout,
        sources: &Sources,
        input: &Path,
        output: &Path,
    ) -> Result<(), InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["compile"]);
        command
            .args(self.source_args(sources))
            .args(["--upgrade", "--no-header", "--quiet"])
            .arg(input)
            .arg("--output-file")
            .arg(output);
        self.run(command, "resolve", &sources.installer_env)
            .map(drop)
    }

    /// What the index has newer than what is installed (uv only): `uv pip list --outdated`'s
    /// JSON.
    pub fn list_outdated(
        &self,
        layout: &Layout,
        sources: &Sources,
    ) -> Result<String, InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["list"]);
        command
            .args(["--outdated", "--format", "json"])
            .args(self.source_args(sources));
        self.run(command, "look up", &sources.installer_env)
    }

    /// Installs from a `pylock.toml` (uv only): exactly its artifacts for this env, chosen by
    /// markers and wheel tags, fetched by URL or path with their hashes checked.
    pub fn install_pylock(
        &self,
        layout: &Layout,
        sources: &Sources,
        lock: &Path,
        extras: &[String],
        groups: &[String],
        reinstall: bool,
    ) -> Result<(), InstallerError> {
        let command = |offline: bool| {
            let mut command = self.command(layout, &sources.installer_env, &["install"]);
            command
                .args(self.source_args(sources))
                .arg("-r")
                .arg(lock)
                .env("UV_PREVIEW_FEATURES", "pylock");
            for extra in extras {
                command.args(["--extra", extra]);
            }
            for group in groups {
                command.args(["--group", group]);
            }
            if reinstall {
                command.arg("--reinstall");
            }
            if offline {
                command.arg("--offline");
            }
            command
        };
        // Every artifact is pinned by its hash, so what uv has cached is the very file: try
        // without the network first (uv would revalidate each URL, one request per file), and
        // go online only for what is not cached. uv prepares everything before it installs,
        // so a failed offline attempt has changed nothing.
        if !sources.offline
            && self
                .run(command(true), "install", &sources.installer_env)
                .is_ok()
        {
            return Ok(());
        }
        self.run(command(false), "install", &sources.installer_env)
            .map(drop)
    }

    /// Downloads the artifacts `input` resolves to into `dest` (pip's resolver), held to
    /// `constraints` when given.
    pub fn download(
        &self,
        layout: &Layout,
        sources: &Sources,
        input: &Path,
        dest: &Path,
        constraints: Option<&Path>,
    ) -> Result<(), InstallerError> {
        let mut command = self.command(layout, &sources.installer_env, &["download"]);
        command
            .args(self.source_args(sources))
            .arg("-r")
            .arg(input)
            .arg("--dest")
            .arg(dest);
        if let Some(constraints) = constraints {
            command.arg("-c").arg(constraints);
        }
        self.run(command, "resolve", &sources.installer_env)
            .map(drop)
    }

    pub(crate) fn run(
        &self,
        mut command: Command,
        action: &'static str,
        env: &InstallerEnv,
    ) -> Result<String, InstallerError> {
        // The installer dies with pvm: a killed pvm must not leave it writing into an env that
        // the next pvm, holding the lock, rebuilds or removes.
        crate::platform::die_with_parent(&mut command);
        let spawn_error = |source| InstallerError::Spawn {
            installer: self.name(),
            source,
        };
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        // A Ctrl-C or SIGTERM that pvm catches stops the installer too.
        let watched = crate::interrupt::watch(child.id());
        let output = child.wait_with_output().map_err(spawn_error)?;
        drop(watched);
        crate::interrupt::check()?;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let detail = explain::failure_text(
            &String::from_utf8_lossy(&output.stderr),
            &String::from_utf8_lossy(&output.stdout),
        );
        let cause = explain::cause(&detail);
        if cause == Cause::Conflict {
            return Err(InstallerError::NoSolution {
                installer: self.name(),
                detail,
            });
        }
        Err(InstallerError::Failed {
            installer: self.name(),
            action,
            cause,
            detail,
            overriding: env.overriding.clone(),
        })
    }
}
