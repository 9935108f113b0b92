//! The project as a package: whether pvm installs it into its own env, with which backend, and
//! what its build reads (so that it is rebuilt when, and only when, those change).

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Manifest, Project};
use crate::fsutil;

/// The PEP 517 default when `[build-system]` names no backend.
pub const LEGACY_BACKEND: &str = "setuptools.build_meta:__legacy__";

/// Files beside the manifest that a backend reads when it builds (setuptools' in particular).
const BUILD_FILES: &[&str] = &["setup.py", "setup.cfg"];

/// `[build-system]` (PEP 517/518).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuildSystem {
    #[serde(default)]
    pub requires: Vec<String>,
    pub build_backend: Option<String>,
    #[serde(default)]
    pub backend_path: Vec<String>,
}

impl Manifest {
    /// Whether the project is a package that pvm installs into its env: it has a
    /// `[build-system]`, or `[tool.pvm] package = true`; `package = false` opts out (uv's rule).
    pub fn is_package(&self) -> bool {
        self.settings.package.unwrap_or(self.build_system.is_some())
    }

    /// The backend that builds the project, as `[build-system]` names it.
    pub fn build_backend(&self) -> &str {
        self.build_system
            .as_ref()
            .and_then(|system| system.build_backend.as_deref())
            .unwrap_or(LEGACY_BACKEND)
    }
}

/// What of a package's manifest `text` goes into its build, from one parse of the text (a
/// warm `pvm run` reads the manifest every time): a hash of what the manifest holds for a
/// build, `[project]`, `[build-system]` and every `[tool.*]` table but pvm's own (backends
/// read `[tool.setuptools]`, `[tool.hatch]`, `[tool.poetry]`…), as dependency groups and pvm's
/// settings are not build inputs; and the files `[tool.setuptools.dynamic]` takes fields from.
pub(super) fn manifest_build(text: &str) -> (Option<String>, Vec<String>) {
    let Ok(mut table) = toml::from_str::<toml::Table>(text) else {
        return (None, Vec::new());
    };
    let files = setuptools_dynamic_files(&table);
    table.remove("dependency-groups");
    if let Some(toml::Value::Table(tool)) = table.get_mut("tool") {
        tool.remove("pvm");
    }
    let inputs = serde_json::to_vec(&table).ok().map(fsutil::sha256_hex);
    (inputs, files)
}

/// The files `[tool.setuptools.dynamic]` takes fields from (`dependencies = { file =
/// ["requirements.in"] }`, and likewise for extras, the version, the readme): build inputs too.
fn setuptools_dynamic_files(table: &toml::Table) -> Vec<String> {
    let dynamic = table
        .get("tool")
        .and_then(|tool| tool.get("setuptools"))
        .and_then(|setuptools| setuptools.get("dynamic"));
    let mut files = Vec::new();
    let mut pending: Vec<&toml::Value> = dynamic.into_iter().collect();
    while let Some(value) = pending.pop() {
        let Some(table) = value.as_table() else {
            continue;
        };
        match table.get("file") {
            Some(toml::Value::String(file)) => files.push(file.clone()),
            Some(toml::Value::Array(list)) => files.extend(
                list.iter()
                    .filter_map(|file| file.as_str().map(String::from)),
            ),
            // `optional-dependencies` holds one such table per extra.
            _ => pending.extend(table.values()),
        }
    }
    files.sort();
    files
}

/// The files (relative to the root) whose contents [`build_inputs`] hashes, when they exist.
pub fn build_files(project: &Project) -> impl Iterator<Item = &str> {
    BUILD_FILES
        .iter()
        .copied()
        .chain(project.manifest.build_files.iter().map(String::as_str))
}

/// What the project's build reads, hashed: the manifest's build tables, `setup.py`,
/// `setup.cfg` and the files `[tool.setuptools.dynamic]` names. `None` for a project that is
/// not a package. Cheap: a few small reads.
pub fn build_inputs(project: &Project) -> Option<String> {
    if !project.manifest.is_package() {
        return None;
    }
    let mut hasher = Sha256::new();
    hasher.update(project.manifest.build_inputs.as_deref().unwrap_or_default());
    for name in build_files(project) {
        if let Ok(bytes) = std::fs::read(project.root.join(name)) {
            hasher.update(name.as_bytes());
            hasher.update(Sha256::digest(&bytes));
        }
    }
    Some(fsutil::hex(&hasher.finalize()))
}

/// How the project itself is installed in its env, as recorded after a sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstalledProject {
    /// The distribution's name, as its metadata spells it (normalized).
    pub name: String,
    pub version: String,
    /// Installed editable (PEP 660): imports resolve to the project's folder.
    pub editable: bool,
}

/// The project's distribution name, normalized, wherever it is written: `[project] name`,
/// `[tool.poetry] name`, setup.cfg's `[metadata] name`, or a literal `name=` in setup.py.
/// `None` for a project that is not a package, or whose name only its build knows. The lock
/// and the plan use it so that the project is never taken from an index as a dependency.
pub fn own_name(project: &Project) -> Option<crate::pep::PackageName> {
    if !project.manifest.is_package() {
        return None;
    }
    let normalize = |name: &str| name.trim().parse().ok();
    if let Some(name) = &project.manifest.name {
        return normalize(name);
    }
    let manifest = std::fs::read_to_string(project.manifest_path()).unwrap_or_default();
    let poetry = toml::from_str::<toml::Table>(&manifest)
        .ok()
        .and_then(|table| {
            let name = table.get("tool")?.get("poetry")?.get("name")?.as_str()?;
            normalize(name)
        });
    let read = |file: &str| std::fs::read_to_string(project.root.join(file)).ok();
    poetry.or_else(|| {
        let name = read("setup.cfg")
            .and_then(|text| setup_cfg_name(&text))
            .or_else(|| read("setup.py").and_then(|text| setup_py_name(&text)))?;
        normalize(&name)
    })
}

/// `name = …` in setup.cfg's `[metadata]` section.
fn setup_cfg_name(text: &str) -> Option<String> {
    let mut in_metadata = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_metadata = line == "[metadata]";
            continue;
        }
        if in_metadata
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            return Some(value.trim().to_string());
        }
    }
    None
}

/// A literal `name="…"` (or `'…'`) argument in setup.py; a computed name is not guessed.
fn setup_py_name(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("name") {
        let before = rest[..at].chars().next_back();
        let after = rest[at + 4..].trim_start();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let value = &value[1..];
        if let Some(end) = value.find(quote) {
            return Some(value[..end].to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_setuptools_takes_dynamic_fields_from() {
        let text = "[tool.setuptools.dynamic]\nversion = { attr = \"demo.__version__\" }\ndependencies = { file = [\"requirements.in\", \"more.in\"] }\noptional-dependencies.fast = { file = \"fast.in\" }\n";
        assert_eq!(
            manifest_build(text).1,
            ["fast.in", "more.in", "requirements.in"]
        );
        assert!(manifest_build("[project]\nname = \"a\"\n").1.is_empty());
    }

    #[test]
    fn names_from_setup_files() {
        assert_eq!(
            setup_cfg_name("[options]\nname = no\n[metadata]\nname = python-dateutil\n"),
            Some("python-dateutil".into())
        );
        assert_eq!(
            setup_py_name("import x\nsetup(\n    name='Demo_App',\n    version='1')\n"),
            Some("Demo_App".into())
        );
        assert_eq!(setup_py_name("setup(name=NAME)"), None);
        assert_eq!(setup_py_name("package_name = 'x'"), None);
    }
}
