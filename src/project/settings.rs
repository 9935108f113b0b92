//! pvm's own settings: the `[tool.pvm]` table.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// pvm's own settings: the `[tool.pvm]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(title = "[tool.pvm]", description = "pvm's settings in pyproject.toml")]
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
    /// Which installer drives installs into the env.
    #[serde(default, skip_serializing_if = "Installer::is_auto")]
    pub installer: Installer,
    /// Put pip into every env (from the interpreter's own bundled wheel, without the network).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[schemars(default = "yes")]
    pub seed_pip: bool,
    /// Environment variables set for `pvm run`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Named commands: `pvm run NAME` runs the command.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scripts: BTreeMap<String, Script>,
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
            installer: Installer::Auto,
            seed_pip: true,
            env: BTreeMap::new(),
            scripts: BTreeMap::new(),
        }
    }
}

/// A named command: a command line split like a shell would (`"pytest -q"`), or its words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Script {
    Line(String),
    Words(Vec<String>),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
    "installer",
    "seed-pip",
    "env",
    "scripts",
];
