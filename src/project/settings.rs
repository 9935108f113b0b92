//! pvm's own settings: the `[tool.pvm]` table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::path_sources::SourceEntry;
use crate::config::Config;

/// pvm's own settings: the `[tool.pvm]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(title = "[tool.pvm]", description = "pvm's settings in pyproject.toml")
)]
pub struct Settings {
    /// Interpreter request: a version (`3.12`), a PEP 440 specifier (`>=3.10,<3.13`), an
    /// implementation and version (`pypy3.10`), an executable name or a path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    /// The package index to install from (default: PyPI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_url: Option<String>,
    /// More indexes, searched after `index-url`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_index_urls: Vec<String>,
    /// Folders (relative to the project root) or URLs holding wheels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub find_links: Vec<String>,
    /// Never use a package index, only `find-links`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_index: bool,
    /// Never touch the network.
    #[serde(default, skip_serializing_if = "is_false")]
    pub offline: bool,
    /// Install the project itself into its env (editable). Default: when the manifest has a
    /// `[build-system]` table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<bool>,
    /// Whether a requested Python the machine lacks is installed: `automatic` (and say so),
    /// `manual` (an error with the `pvm python install` to run) or `never`.
    #[serde(default, skip_serializing_if = "PythonDownloads::is_automatic")]
    pub python_downloads: PythonDownloads,
    /// Where Python builds are downloaded from instead of python-build-standalone's releases:
    /// an `https://` or `file://` base, or a folder, holding the same archive names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python_mirror: Option<String>,
    /// Whether pvm fetches its pinned uv (from the index) when neither `PVM_UV` nor `PATH`
    /// has one: `automatic`, or `never` (pip resolves, and the lock holds one environment).
    #[serde(default, skip_serializing_if = "UvDownloads::is_automatic")]
    pub uv_downloads: UvDownloads,
    /// Groups or extras that cannot be installed together (as uv's `conflicts`): each set is
    /// locked one by one, and a sync never selects two of a set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Vec<ConflictItem>>,
    /// Which installer drives installs into the env.
    #[serde(default, skip_serializing_if = "Installer::is_auto")]
    pub installer: Installer,
    /// Put pip into every env (from the interpreter's own bundled wheel, without the network).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[cfg_attr(feature = "schema", schemars(default = "yes"))]
    pub seed_pip: bool,
    /// Whether `pvm sync`, `pvm run` and `pvm add` write `pylock.toml` when the project has
    /// none (as uv, poetry and pdm do). `false`: a current lock is used, none is ever written
    /// by a sync (`pvm lock` still writes one).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[cfg_attr(feature = "schema", schemars(default = "yes"))]
    pub lock: bool,
    /// Environment variables set for `pvm run`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Named commands: `pvm run NAME` runs the command.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scripts: BTreeMap<String, Script>,
    /// Where a requirement comes from instead of the index, as uv's `[tool.uv.sources]`:
    /// `lib = { path = "../lib" }` (relative to the project; a folder is editable unless
    /// `editable = false`). Only path sources are supported.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourceEntry>,
}

impl Default for Settings {
    /// What a manifest without `[tool.pvm]` means: the same as an empty table.
    fn default() -> Settings {
        Settings {
            python: None,
            index_url: None,
            extra_index_urls: Vec::new(),
            find_links: Vec::new(),
            no_index: false,
            offline: false,
            package: None,
            python_downloads: PythonDownloads::Automatic,
            conflicts: Vec::new(),
            python_mirror: None,
            uv_downloads: UvDownloads::Automatic,
            installer: Installer::Auto,
            seed_pip: true,
            lock: true,
            env: BTreeMap::new(),
            scripts: BTreeMap::new(),
            sources: BTreeMap::new(),
        }
    }
}

/// A named command: a command line split like a shell would (`"pytest -q"`), or its words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Script {
    Line(String),
    Words(Vec<String>),
}

/// One member of a `conflicts` set: `{ group = "name" }` or `{ extra = "name" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConflictItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
}

/// `python-downloads`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum PythonDownloads {
    /// Install a missing Python on demand, and say so.
    #[default]
    Automatic,
    /// Stop with the exact `pvm python install …` to run.
    Manual,
    /// Never install; a missing Python is an error.
    Never,
}

impl PythonDownloads {
    fn is_automatic(&self) -> bool {
        *self == PythonDownloads::Automatic
    }

    /// The setting in force: `PVM_PYTHON_DOWNLOADS` over `[tool.pvm] python-downloads`.
    pub fn in_force(setting: PythonDownloads, config: &Config) -> Result<PythonDownloads, String> {
        match &config.pvm_python_downloads {
            None => Ok(setting),
            Some(value) => match value.trim() {
                "automatic" => Ok(PythonDownloads::Automatic),
                "manual" => Ok(PythonDownloads::Manual),
                "never" => Ok(PythonDownloads::Never),
                other => Err(format!(
                    "PVM_PYTHON_DOWNLOADS={other:?} is not automatic, manual or never"
                )),
            },
        }
    }
}

/// `uv-downloads`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum UvDownloads {
    /// Fetch pvm's pinned uv from the index when no uv is configured.
    #[default]
    Automatic,
    /// Never fetch uv: without one, pip resolves and installs.
    Never,
}

impl UvDownloads {
    fn is_automatic(&self) -> bool {
        *self == UvDownloads::Automatic
    }

    /// The setting in force: `PVM_UV_DOWNLOADS` over `[tool.pvm] uv-downloads`.
    pub fn in_force(setting: UvDownloads, config: &Config) -> Result<UvDownloads, String> {
        match &config.pvm_uv_downloads {
            None => Ok(setting),
            Some(value) => match value.trim() {
                "automatic" => Ok(UvDownloads::Automatic),
                "never" => Ok(UvDownloads::Never),
                other => Err(format!(
                    "PVM_UV_DOWNLOADS={other:?} is not automatic or never"
                )),
            },
        }
    }
}

/// The mirror in force: `PVM_PYTHON_MIRROR` over `[tool.pvm] python-mirror`. A folder the
/// setting names relatively is in the project at `root`, wherever pvm runs from.
pub fn python_mirror(
    config: &Config,
    setting: Option<&str>,
    root: &std::path::Path,
) -> Option<String> {
    config
        .pvm_python_mirror
        .clone()
        .or_else(|| setting.map(|mirror| in_project(mirror, root)))
}

fn in_project(mirror: &str, root: &std::path::Path) -> String {
    if mirror.contains("://") || mirror.starts_with('/') {
        mirror.to_string()
    } else {
        root.join(mirror).display().to_string()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Installer {
    /// uv when it is on `PATH` and supports the interpreter, pip otherwise.
    #[default]
    Auto,
    Uv,
    Pip,
}

impl Installer {
    fn is_auto(&self) -> bool {
        *self == Installer::Auto
    }
}

fn yes() -> bool {
    true
}
fn is_true(value: &bool) -> bool {
    *value
}
fn is_false(value: &bool) -> bool {
    !*value
}

impl Script {
    /// The command's words; `None` when a command line does not split (an unclosed quote).
    pub fn argv(&self) -> Option<Vec<String>> {
        match self {
            Script::Line(line) => shlex::split(line).filter(|words| !words.is_empty()),
            Script::Words(words) if !words.is_empty() => Some(words.clone()),
            Script::Words(_) => None,
        }
    }
}
/// The keys `[tool.pvm]` accepts, for "did you mean" hints.
pub const SETTINGS_KEYS: &[&str] = &[
    "python",
    "index-url",
    "extra-index-urls",
    "find-links",
    "no-index",
    "offline",
    "package",
    "python-downloads",
    "python-mirror",
    "uv-downloads",
    "conflicts",
    "installer",
    "seed-pip",
    "lock",
    "env",
    "scripts",
    "sources",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Unix absolute paths (/work) are not absolute on Windows"
    )]
    fn a_relative_mirror_folder_is_in_the_project() {
        let root = std::path::Path::new("/work/proj");
        assert_eq!(in_project("vendor/py", root), "/work/proj/vendor/py");
        for kept in ["/srv/py", "https://m.example/py", "file:///srv/py"] {
            assert_eq!(in_project(kept, root), kept);
        }
    }

    #[test]
    #[cfg_attr(windows, ignore = "Unix paths: a relative mirror joined with `/`")]
    fn the_download_variables_win_over_the_settings() {
        let none = Config::for_test();
        let never = PythonDownloads::Never;
        assert_eq!(PythonDownloads::in_force(never, &none), Ok(never));
        let set = Config {
            pvm_python_downloads: Some("manual".into()),
            pvm_uv_downloads: Some("sometimes".into()),
            pvm_python_mirror: Some("https://mirror.example/py".into()),
            ..Config::for_test()
        };
        assert_eq!(
            PythonDownloads::in_force(never, &set),
            Ok(PythonDownloads::Manual)
        );
        assert!(UvDownloads::in_force(UvDownloads::Never, &set).is_err());
        let root = std::path::Path::new("/work/proj");
        assert_eq!(
            python_mirror(&none, Some("vendor"), root).as_deref(),
            Some("/work/proj/vendor")
        );
        assert_eq!(
            python_mirror(&set, Some("vendor"), root).as_deref(),
            Some("https://mirror.example/py")
        );
    }
}
