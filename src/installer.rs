//! The installers pvm drives: uv (`uv pip …` against the env) and the env's own pip.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub mod explain;

use explain::Cause;

use crate::install::SyncError;
use crate::project::Installer;
use crate::project::Sources;
use crate::python::Facts;
use crate::venv::Layout;

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
pub fn find_uv() -> Option<PathBuf> {
    user_uv().or_else(|| {
        let store = crate::store::Store::from_env().ok()?;
        crate::tools::uv::installed(&store.root)
    })
}

/// The user's own uv: `PVM_UV`, else `uv` on `PATH`.
pub fn user_uv() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PVM_UV").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("uv"))
        .find(|candidate| candidate.is_file())
}

impl Backend {
    /// The backend for `setting` on this interpreter.
    pub fn choose(setting: Installer, facts: &Facts) -> Result<Backend, SyncError> {
        let uv_supports = (facts.version_info.0, facts.version_info.1) >= UV_OLDEST;
        match setting {
            Installer::Pip => Ok(Backend::Pip),
            Installer::Uv => {
                let uv = find_uv().ok_or(SyncError::NoUv)?;
                if !uv_supports {
                    return Err(SyncError::UvUnsupported {
                        version: facts.version.clone(),
                    });
                }
                Ok(Backend::Uv(uv))
            }
            Installer::Auto => Ok(match find_uv() {
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

    fn command(&self, layout: &Layout, pip_args: &[&str]) -> Command {
        let mut command = self.bare_command(layout, pip_args);
        // pvm's download timeout holds for the installer's downloads too (under the same env
        // lock), unless the installer's own variable says otherwise.
        if let Some(timeout) = crate::http::timeout_set() {
            let (var, value) = match self {
                Backend::Uv(_) => ("UV_HTTP_TIMEOUT", timeout.as_secs_f64().ceil().to_string()),
                Backend::Pip => ("PIP_TIMEOUT", timeout.as_secs_f64().to_string()),
            };
            if std::env::var_os(var).is_none() {
                command.env(var, value);
            }
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
    ) -> Result<(), SyncError> {
        let mut command = self.command(layout, &["install"]);
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
        self.run(command, "install").map(drop)
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
    ) -> Result<(), SyncError> {
        let command = |offline: bool| {
            let mut command = self.command(layout, &["install"]);
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
        if uv && !sources.offline && self.run(command(true), "build").is_ok() {
            return Ok(());
        }
        self.run(command(false), "build").map(drop)
    }

    pub fn uninstall(&self, layout: &Layout, names: &[String]) -> Result<(), SyncError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut command = self.command(layout, &["uninstall"]);
        if *self == Backend::Pip {
            command.arg("-y");
        }
        command.args(names);
        self.run(command, "uninstall").map(drop)
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
    ) -> Result<(), SyncError> {
        let mut command = self.command(layout, &["compile"]);
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
        self.run(command, "resolve").map(drop)
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
    ) -> Result<(), SyncError> {
        let mut command = self.command(layout, &["install"]);
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
        self.run(command, "install").map(drop)
    }

    /// The newest versions `input` allows, for the env's interpreter (uv only), into `output`.
    pub fn newest_allowed(
        &self,
        layout: &Layout,
        sources: &Sources,
        input: &Path,
        output: &Path,
    ) -> Result<(), SyncError> {
        let mut command = self.command(layout, &["compile"]);
        command
            .args(self.source_args(sources))
            .args(["--upgrade", "--no-header", "--quiet"])
            .arg(input)
            .arg("--output-file")
            .arg(output);
        self.run(command, "resolve").map(drop)
    }

    /// What the index has newer than what is installed (uv only): `uv pip list --outdated`'s
    /// JSON.
    pub fn list_outdated(&self, layout: &Layout, sources: &Sources) -> Result<String, SyncError> {
        let mut command = self.command(layout, &["list"]);
        command
            .args(["--outdated", "--format", "json"])
            .args(self.source_args(sources));
        self.run(command, "look up")
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
    ) -> Result<(), SyncError> {
        let command = |offline: bool| {
            let mut command = self.command(layout, &["install"]);
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
        if !sources.offline && self.run(command(true), "install").is_ok() {
            return Ok(());
        }
        self.run(command(false), "install").map(drop)
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
    ) -> Result<(), SyncError> {
        let mut command = self.command(layout, &["download"]);
        command
            .args(self.source_args(sources))
            .arg("-r")
            .arg(input)
            .arg("--dest")
            .arg(dest);
        if let Some(constraints) = constraints {
            command.arg("-c").arg(constraints);
        }
        self.run(command, "resolve").map(drop)
    }

    pub(crate) fn run(
        &self,
        mut command: Command,
        action: &'static str,
    ) -> Result<String, SyncError> {
        die_with_parent(&mut command);
        let spawn_error = |source| SyncError::Spawn {
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
            return Err(SyncError::NoSolution {
                installer: self.name(),
                detail,
            });
        }
        Err(SyncError::Installer {
            installer: self.name(),
            action,
            cause,
            detail,
        })
    }
}

/// The installer dies with pvm: a killed pvm must not leave it writing into an env that the
/// next pvm, holding the lock, rebuilds or removes (Linux's parent-death signal).
fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        unsafe extern "C" {
            fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
        }
        const PR_SET_PDEATHSIG: i32 = 1;
        const SIGKILL: u64 = 9;
        // SAFETY: prctl is async-signal-safe, as pre_exec requires.
        unsafe {
            command.pre_exec(|| {
                prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                Ok(())
            });
        }
    }
}
