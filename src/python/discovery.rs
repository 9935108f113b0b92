//! Where interpreters are found, in the order they are tried: pvm's own, pyenv's versions folder,
//! uv's managed ones, then every `python`, `python3` and `python3.N` on `PATH`, then on macOS
//! python.org's and Homebrew's (`discovery_macos`), on Windows those the `py` launcher lists and
//! the registry holds (`discovery_windows`).

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::discovery_macos::MacRoots;
use super::request::{find_python_version_file, read_version_file};

/// Where a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Installed by pvm into `$PVM_HOME/pythons`.
    Pvm,
    /// pyenv's versions folder.
    Pyenv,
    /// uv's managed interpreters.
    Uv,
    /// A folder on `PATH`.
    Path,
    /// Listed by Windows' `py` launcher (`py --list-paths`).
    #[serde(rename = "py")]
    PyLauncher,
    /// Registered in the Windows registry (PEP 514).
    Registry,
    /// python.org's framework builds on macOS (`/Library/Frameworks/Python.framework`).
    Framework,
    /// Homebrew's on macOS (`/opt/homebrew`, `/usr/local`).
    Homebrew,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Pvm => "pvm",
            Origin::Pyenv => "pyenv",
            Origin::Uv => "uv",
            Origin::Path => "PATH",
            Origin::PyLauncher => "py launcher",
            Origin::Registry => "registry",
            Origin::Framework => "python.org",
            Origin::Homebrew => "Homebrew",
        })
    }
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub origin: Origin,
    /// A script (pyenv's shims are bash) rather than an interpreter: it must be run to learn what
    /// it stands for, and what it says is never cached.
    pub is_script: bool,
}

/// The places discovery looks, from the [`Config`](crate::config::Config).
#[derive(Debug, Clone)]
pub struct SearchPaths {
    pub pvm_pythons: Option<PathBuf>,
    pub pyenv_root: Option<PathBuf>,
    pub uv_pythons: Option<PathBuf>,
    pub path: Option<OsString>,
    /// What pyenv's shims would pick: `PYENV_VERSION`, else the `.python-version` found from
    /// `PYENV_DIR` (else the working folder) upward.
    pub pyenv_version: Option<String>,
    pub pyenv_dir: Option<PathBuf>,
    /// Where macOS's installers put Pythons (python.org's, Homebrew's): `None` elsewhere.
    pub mac: Option<MacRoots>,
}

impl SearchPaths {
    /// `pvm_pythons`: the store's folder of interpreters pvm installed, when there is a store.
    pub fn new(config: &crate::config::Config, pvm_pythons: Option<PathBuf>) -> SearchPaths {
        let home = config.home.as_ref();
        let pyenv_root =
            (config.pyenv_root.clone()).or_else(|| home.map(|home| home.join(".pyenv")));
        let mut uv_pythons = config.uv_python_install_dir.clone().or_else(|| {
            (config.xdg_data_home.clone())
                .or_else(|| home.map(|home| home.join(".local/share")))
                .map(|data| data.join("uv/python"))
        });
        let mut pyenv_root = pyenv_root;
        // pyenv-win's and uv's folders under the profile folder (pyenv-win sets PYENV_ROOT too).
        if cfg!(windows)
            && let Some(home) = home
        {
            let (pyenv_win, uv) = super::discovery_windows::default_places(home);
            pyenv_root = config.pyenv_root.clone().or(Some(pyenv_win));
            uv_pythons = config.uv_python_install_dir.clone().or(Some(uv));
        }
        SearchPaths {
            pvm_pythons,
            pyenv_root,
            uv_pythons,
            path: config.path.clone(),
            pyenv_version: config.pyenv_version.clone(),
            pyenv_dir: (config.pyenv_dir.clone()).or_else(|| config.current_dir().ok()),
            mac: cfg!(target_os = "macos").then(MacRoots::system),
        }
    }

    fn pyenv_shims(&self) -> Option<PathBuf> {
        self.pyenv_root.as_ref().map(|root| root.join("shims"))
    }

    /// Every candidate, in discovery order, without running anything.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut found = Vec::new();
        let managed = [
            (&self.pvm_pythons, Origin::Pvm),
            (
                &self.pyenv_root.as_ref().map(|root| root.join("versions")),
                Origin::Pyenv,
            ),
            (&self.uv_pythons, Origin::Uv),
        ];
        for (dir, origin) in managed {
            let Some(dir) = dir else { continue };
            for install in sorted_entries(dir) {
                // `bin/python3`; on Windows `python.exe` at the install's top.
                let python = super::names::python_in(&install.join("bin"))
                    .or_else(|| super::names::python_in(&install));
                if let Some(path) = python {
                    found.push(Candidate {
                        is_script: is_script(&path),
                        path,
                        origin,
                    });
                }
            }
        }
        for dir in self.path_dirs() {
            for path in sorted_entries(&dir) {
                let name = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .unwrap_or("");
                let name = name
                    .strip_suffix(std::env::consts::EXE_SUFFIX)
                    .unwrap_or(name);
                if super::names::is_python(name) && is_executable(&path) {
                    found.push(Candidate {
                        is_script: self.is_shim(&path) || is_script(&path),
                        path,
                        origin: Origin::Path,
                    });
                }
            }
        }
        if let Some(mac) = &self.mac {
            found.extend(mac.candidates());
        }
        #[cfg(windows)]
        {
            let py_list = super::discovery_windows::py_list_paths();
            let registry = super::discovery_windows::SystemRegistry;
            for candidate in
                super::discovery_windows::system_candidates(&registry, py_list.as_deref())
            {
                let same = |seen: &Candidate| {
                    super::discovery_windows::same_path(&seen.path, &candidate.path)
                };
                if !found.iter().any(same) {
                    found.push(candidate);
                }
            }
        }
        found
    }

    /// The first executable called `name` on `PATH`, like a shell would find it.
    pub fn which(&self, name: &str, skip_shims: bool) -> Option<Candidate> {
        self.path_dirs().into_iter().find_map(|dir| {
            // `python3`, or on Windows `python3.exe`.
            let path = [dir.join(name), crate::platform::executable(&dir, name)]
                .into_iter()
                .find(|path| is_executable(path))?;
            if skip_shims && self.is_shim(&path) {
                return None;
            }
            // A shim is resolved from pyenv's own files, without starting bash and the shim.
            if self.is_shim(&path)
                && let Some(real) = self.resolve_shim(name)
            {
                return Some(Candidate {
                    is_script: false,
                    path: real,
                    origin: Origin::Pyenv,
                });
            }
            Some(Candidate {
                is_script: self.is_shim(&path) || is_script(&path),
                path,
                origin: Origin::Path,
            })
        })
    }

    /// What pyenv's shim `name` runs, read as pyenv reads it: `PYENV_VERSION`, else the nearest
    /// `.python-version` from the current folder up, else `$PYENV_ROOT/version`; the first of the
    /// versions named there that has `name`. `None` for `system` or anything unclear: then the
    /// shim itself is asked.
    fn resolve_shim(&self, name: &str) -> Option<PathBuf> {
        let root = self.pyenv_root.as_ref()?;
        let versions: Vec<String> = match &self.pyenv_version {
            Some(text) => text.split(':').map(|v| v.trim().to_string()).collect(),
            None => {
                let cwd = self.pyenv_dir.as_ref()?;
                find_python_version_file(cwd)
                    .map(|(_, versions)| versions)
                    .or_else(|| read_version_file(&root.join("version")))?
            }
        };
        // Only exact folders of pyenv's: `system`, a prefix (`3.12`), `python-3.12.1` and the
        // like are left to the shim itself, which knows its rules.
        let exact = |version: &String| {
            !version.is_empty()
                && !version.contains('/')
                && version != ".."
                && root.join("versions").join(version).is_dir()
        };
        if versions.is_empty() || !versions.iter().all(exact) {
            return None;
        }
        versions
            .iter()
            .map(|version| root.join("versions").join(version).join("bin").join(name))
            .find(|path| is_executable(path))
    }

    fn is_shim(&self, path: &Path) -> bool {
        self.pyenv_shims()
            .is_some_and(|shims| path.parent() == Some(shims.as_path()))
    }

    fn path_dirs(&self) -> Vec<PathBuf> {
        self.path
            .as_ref()
            .map(|path| {
                std::env::split_paths(path)
                    .filter(|dir| dir.is_absolute())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub(super) fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

/// An executable file; on Windows never one of the Store's `python.exe` aliases, which only
/// open the Store.
pub(super) fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| {
        crate::fsutil::is_executable(&meta)
            && !(cfg!(windows) && super::discovery_windows::is_store_alias(path, meta.len()))
    })
}

pub(super) fn is_script(path: &Path) -> bool {
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|()| &head == b"#!")
}
