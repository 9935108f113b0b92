//! Every environment variable pvm reads, and the working folder, read once into a [`Config`].
//!
//! This is the one module that reads the environment (`clippy.toml` forbids `std::env::var`
//! elsewhere): what decides pvm's behaviour from outside is visible in one type. `main` reads
//! it once, the command context holds it, and core code takes what it reads as parameters
//! (`&Config`, or the few values it needs). Only [`Config::get`]'s few callers, which nothing
//! calls with a context, read it on their own (see there). Setting variables for child
//! processes (`Command::env`) is not reading, and stays where the child is started.
//!
//! Each value is kept as its reader needs it: unset and empty are one (`None`), and a variable
//! whose value means nothing when blank (`PVM_PYTHON`, `PVM_INDEX_URL`…) is `None` when it is
//! only spaces too. Meanings and checks stay with the code that uses them.

#![allow(clippy::disallowed_methods)]

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The environment as pvm sees it, read once per process.
#[derive(Debug, Clone)]
pub struct Config {
    /// The working folder (`Err` when it is gone: its kind and message).
    pub cwd: Result<PathBuf, (io::ErrorKind, String)>,
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `PATH`, as it is (an empty one included).
    pub path: Option<OsString>,
    /// `XDG_CACHE_HOME` (Linux), `LOCALAPPDATA` (Windows): where the store is by default
    /// (`platform::dirs`).
    pub xdg_cache_home: Option<PathBuf>,
    pub local_app_data: Option<PathBuf>,

    /// `PVM_HOME`: the store.
    pub pvm_home: Option<PathBuf>,
    /// `PVM_PYTHON`: an interpreter request, after `--python`.
    pub pvm_python: Option<String>,
    /// `PVM_UV`: the uv to use.
    pub pvm_uv: Option<PathBuf>,
    /// `PVM_INDEX_URL`, `PVM_FIND_LINKS`, `PVM_NO_INDEX`, `PVM_OFFLINE`: package sources over
    /// `[tool.pvm]` (see [`Config::source_variables`]).
    pub pvm_index_url: Option<String>,
    pub pvm_find_links: Option<String>,
    pub pvm_no_index: Option<String>,
    pub pvm_offline: Option<String>,
    /// `PVM_PYTHON_DOWNLOADS`, `PVM_UV_DOWNLOADS`, `PVM_PYTHON_MIRROR`: over their settings.
    pub pvm_python_downloads: Option<String>,
    pub pvm_uv_downloads: Option<String>,
    pub pvm_python_mirror: Option<String>,
    /// `PVM_PYTHON_DOWNLOADS_TABLE`, `PVM_UV_DOWNLOADS_TABLE`: tables of builds of one's own.
    pub pvm_python_downloads_table: Option<PathBuf>,
    pub pvm_uv_downloads_table: Option<PathBuf>,
    /// `PVM_HTTP_TIMEOUT`: seconds, checked where it is used.
    pub pvm_http_timeout: Option<String>,
    /// `PVM_FAULT_PAUSE`, `PVM_FAULT_MARK`, `PVM_FAULT_PAUSE_SECS`: the tests' pause points.
    pub pvm_fault_pause: Option<OsString>,
    pub pvm_fault_mark: Option<PathBuf>,
    pub pvm_fault_pause_secs: Option<String>,

    /// `PYENV_ROOT`, `PYENV_VERSION`, `PYENV_DIR`: where pyenv's interpreters are, and what its
    /// shims would pick.
    pub pyenv_root: Option<PathBuf>,
    pub pyenv_version: Option<String>,
    pub pyenv_dir: Option<PathBuf>,
    /// `UV_PYTHON_INSTALL_DIR`, `XDG_DATA_HOME`: where uv's interpreters are.
    pub uv_python_install_dir: Option<PathBuf>,
    pub xdg_data_home: Option<PathBuf>,
    /// `UV_HTTP_TIMEOUT`, `PIP_TIMEOUT`: set by the user, they win over `PVM_HTTP_TIMEOUT`.
    pub uv_http_timeout: Option<OsString>,
    pub pip_timeout: Option<OsString>,
    /// `SSL_CERT_FILE`: more root certificates.
    pub ssl_cert_file: Option<PathBuf>,

    /// `SHELL`, `VIRTUAL_ENV`, `ZDOTDIR`, `PS1`, `PYTHONPATH`: what `pvm shell` and `pvm run`
    /// build on.
    pub shell: Option<PathBuf>,
    pub virtual_env: Option<PathBuf>,
    pub zdotdir: Option<OsString>,
    pub ps1: Option<String>,
    pub pythonpath: Option<OsString>,
    /// `COLUMNS`: the width of the output.
    pub columns: Option<usize>,
    /// `_CLAP_COMPLETE_INDEX`: the word being completed (bash).
    pub complete_index: Option<usize>,
}

impl Config {
    /// Reads the environment, once per process: `main` does, and passes the snapshot down.
    pub fn read() -> &'static Config {
        static CONFIG: OnceLock<Config> = OnceLock::new();
        CONFIG.get_or_init(Config::from_env)
    }

    /// The snapshot `main` read, for the two places no caller can hand a `Config` to: the
    /// completion candidates (`complete.rs`, called by clap before any command runs) and the
    /// tests' fault-injection pause points (`faults.rs`, deep in the core and inert unless a
    /// test sets `PVM_FAULT_*`). Everything else is passed the context's.
    pub(crate) fn get() -> &'static Config {
        Config::read()
    }

    /// Reads the environment now.
    fn from_env() -> Config {
        let os = |name: &str| std::env::var_os(name);
        let set = |name: &str| os(name).filter(|value| !value.is_empty());
        let path = |name: &str| set(name).map(PathBuf::from);
        let text = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        let number = |name: &str| std::env::var(name).ok()?.trim().parse().ok();
        Config {
            cwd: std::env::current_dir().map_err(|err| (err.kind(), err.to_string())),
            home: std::env::home_dir(),
            path: os("PATH"),
            xdg_cache_home: path("XDG_CACHE_HOME"),
            local_app_data: path("LOCALAPPDATA"),
            pvm_home: path("PVM_HOME"),
            pvm_python: text("PVM_PYTHON"),
            pvm_uv: path("PVM_UV"),
            pvm_index_url: text("PVM_INDEX_URL"),
            pvm_find_links: text("PVM_FIND_LINKS"),
            pvm_no_index: text("PVM_NO_INDEX"),
            pvm_offline: text("PVM_OFFLINE"),
            pvm_python_downloads: text("PVM_PYTHON_DOWNLOADS"),
            pvm_uv_downloads: text("PVM_UV_DOWNLOADS"),
            pvm_python_mirror: text("PVM_PYTHON_MIRROR"),
            pvm_python_downloads_table: path("PVM_PYTHON_DOWNLOADS_TABLE"),
            pvm_uv_downloads_table: path("PVM_UV_DOWNLOADS_TABLE"),
            pvm_http_timeout: text("PVM_HTTP_TIMEOUT"),
            pvm_fault_pause: os("PVM_FAULT_PAUSE"),
            pvm_fault_mark: os("PVM_FAULT_MARK").map(PathBuf::from),
            pvm_fault_pause_secs: std::env::var("PVM_FAULT_PAUSE_SECS").ok(),
            pyenv_root: path("PYENV_ROOT"),
            pyenv_version: text("PYENV_VERSION"),
            pyenv_dir: os("PYENV_DIR").map(PathBuf::from),
            uv_python_install_dir: path("UV_PYTHON_INSTALL_DIR"),
            xdg_data_home: path("XDG_DATA_HOME"),
            uv_http_timeout: os("UV_HTTP_TIMEOUT"),
            pip_timeout: os("PIP_TIMEOUT"),
            ssl_cert_file: path("SSL_CERT_FILE"),
            shell: path("SHELL"),
            virtual_env: os("VIRTUAL_ENV").map(PathBuf::from),
            zdotdir: os("ZDOTDIR"),
            ps1: std::env::var("PS1").ok(),
            pythonpath: os("PYTHONPATH"),
            columns: number("COLUMNS"),
            complete_index: number("_CLAP_COMPLETE_INDEX"),
        }
    }

    /// A snapshot with nothing set and no working folder, for unit tests: they set the fields
    /// they mean (`Config { pyenv_root: …, ..Config::for_test() }`) and see nothing of the
    /// machine's environment.
    #[cfg(test)]
    pub fn for_test() -> Config {
        Config {
            cwd: Err((
                io::ErrorKind::NotFound,
                "no working folder in a unit test".into(),
            )),
            home: None,
            path: None,
            xdg_cache_home: None,
            local_app_data: None,
            pvm_home: None,
            pvm_python: None,
            pvm_uv: None,
            pvm_index_url: None,
            pvm_find_links: None,
            pvm_no_index: None,
            pvm_offline: None,
            pvm_python_downloads: None,
            pvm_uv_downloads: None,
            pvm_python_mirror: None,
            pvm_python_downloads_table: None,
            pvm_uv_downloads_table: None,
            pvm_http_timeout: None,
            pvm_fault_pause: None,
            pvm_fault_mark: None,
            pvm_fault_pause_secs: None,
            pyenv_root: None,
            pyenv_version: None,
            pyenv_dir: None,
            uv_python_install_dir: None,
            xdg_data_home: None,
            uv_http_timeout: None,
            pip_timeout: None,
            ssl_cert_file: None,
            shell: None,
            virtual_env: None,
            zdotdir: None,
            ps1: None,
            pythonpath: None,
            columns: None,
            complete_index: None,
        }
    }

    /// The working folder, or why there is none.
    pub fn current_dir(&self) -> io::Result<PathBuf> {
        self.cwd
            .clone()
            .map_err(|(kind, message)| io::Error::new(kind, message))
    }

    /// The variables that override `[tool.pvm]`'s package sources, by name, set or not.
    pub fn source_variables(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("PVM_INDEX_URL", self.pvm_index_url.as_deref()),
            ("PVM_FIND_LINKS", self.pvm_find_links.as_deref()),
            ("PVM_NO_INDEX", self.pvm_no_index.as_deref()),
            ("PVM_OFFLINE", self.pvm_offline.as_deref()),
        ]
    }

    /// `PATH`'s folders, in order.
    pub fn path_dirs(&self) -> Vec<PathBuf> {
        self.path
            .as_deref()
            .map(|path| std::env::split_paths(path).collect())
            .unwrap_or_default()
    }

    /// `PATH` as it is, empty when unset: what a child's `PATH` is built on.
    pub fn path_or_empty(&self) -> &OsStr {
        self.path.as_deref().unwrap_or_default()
    }
}
