//! Finding a project and reading its `pyproject.toml`.
//!
//! Everything pvm needs from the manifest is checked here, once, with errors that point at the file,
//! line and column; the rest of pvm works with the typed [`Manifest`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::pep::{self, Requirement, VersionSpecifiers};

pub const MANIFEST: &str = "pyproject.toml";

/// A project: its root folder (canonical, so links and subfolders agree) and its checked manifest.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub manifest: Manifest,
}

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// `[project] name`, as written.
    pub name: Option<String>,
    pub requires_python: Option<VersionSpecifiers>,
    pub dependencies: Vec<Requirement>,
    pub optional_dependencies: BTreeMap<String, Vec<Requirement>>,
    pub dependency_groups: BTreeMap<String, Vec<GroupItem>>,
    pub settings: Settings,
}

/// One entry of a PEP 735 dependency group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupItem {
    Requirement(Requirement),
    IncludeGroup(String),
}

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
    #[error("{}:{line}:{column}: {message}", .path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    },
}

impl ProjectError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ProjectError::NotFound(_) => {
                Some("run `pvm init` to start a project here, or pass `--project DIR`".to_string())
            }
            ProjectError::NotADirectory(_) => Some(
                "`--project` takes the project's folder, the one holding pyproject.toml".into(),
            ),
            ProjectError::NoManifest(_) => Some("run `pvm init` in that folder first".into()),
            ProjectError::Invalid { hint, .. } => hint.clone(),
            ProjectError::Read { .. } => None,
        }
    }
}

impl Project {
    /// The project that holds `start`: the nearest folder upward with a `pyproject.toml`.
    pub fn discover(start: &Path) -> Result<Project, ProjectError> {
        let start = absolute(start);
        for dir in start.ancestors() {
            if dir.join(MANIFEST).is_file() {
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
        if !manifest_path.is_file() {
            return Err(ProjectError::NoManifest(dir));
        }
        // The canonical path keys the env: a link or a relative path reaches the same one.
        let root = dir.canonicalize().map_err(|source| ProjectError::Read {
            path: dir.clone(),
            source,
        })?;
        let manifest = Manifest::read(&root.join(MANIFEST))?;
        Ok(Project { root, manifest })
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

// The manifest as TOML spells it; spans let every later check point at its line.
#[derive(Deserialize, Default)]
struct RawManifest {
    project: Option<RawProject>,
    #[serde(rename = "dependency-groups", default)]
    dependency_groups: BTreeMap<String, Vec<Spanned<RawGroupItem>>>,
    tool: Option<RawTool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawProject {
    name: Option<Spanned<String>>,
    requires_python: Option<Spanned<String>>,
    #[serde(default)]
    dependencies: Vec<Spanned<String>>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawGroupItem {
    Requirement(String),
    Include {
        #[serde(rename = "include-group")]
        include_group: String,
    },
}

#[derive(Deserialize)]
struct RawTool {
    pvm: Option<Spanned<Settings>>,
}

/// The keys `[tool.pvm]` accepts, for "did you mean" hints.
pub const SETTINGS_KEYS: &[&str] = &[
    "python",
    "index-url",
    "extra-index-urls",
    "find-links",
    "no-index",
    "offline",
    "installer",
    "seed-pip",
    "env",
    "scripts",
];

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest, ProjectError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Manifest::parse(&text, path)
    }

    /// Parses and checks manifest text; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, ProjectError> {
        let at = |span: std::ops::Range<usize>, message: String, hint: Option<String>| {
            let (line, column) = line_column(text, span.start);
            ProjectError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
                hint,
            }
        };
        let raw: RawManifest = toml::from_str(text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let (mut message, hint) = explain_toml_error(err.message());
            // A wrong type is reported at the value: name the key it belongs to.
            if message.starts_with("invalid type")
                && let Some(key) = key_before(text, span.start)
            {
                message = format!("`{key}`: {message}");
            }
            at(span, message, hint)
        })?;

        let mut manifest = Manifest::default();
        if let Some(project) = raw.project {
            if let Some(name) = project.name {
                pep::normalize_name(name.get_ref()).map_err(|err| {
                    at(
                        name.span(),
                        format!("invalid project name `{}`: {err}", name.get_ref()),
                        None,
                    )
                })?;
                manifest.name = Some(name.into_inner());
            }
            if let Some(spec) = project.requires_python {
                let parsed = pep::parse_specifiers(spec.get_ref()).map_err(|err| {
                    at(
                        spec.span(),
                        format!("invalid `requires-python = \"{}\"`: {err}", spec.get_ref()),
                        Some("write a PEP 440 specifier such as `>=3.10`".into()),
                    )
                })?;
                manifest.requires_python = Some(parsed);
            }
            let requirement = |item: &Spanned<String>, table: &str| {
                pep::parse_requirement(item.get_ref()).map_err(|err| {
                    at(
                        item.span(),
                        format!("invalid requirement `{}` in {table}: {err}", item.get_ref()),
                        Some("requirements follow PEP 508, e.g. `django>=4.2,<5`".into()),
                    )
                })
            };
            for item in &project.dependencies {
                manifest
                    .dependencies
                    .push(requirement(item, "[project] dependencies")?);
            }
            for (extra, items) in &project.optional_dependencies {
                let table = format!("[project.optional-dependencies] {extra}");
                let parsed = items
                    .iter()
                    .map(|item| requirement(item, &table))
                    .collect::<Result<_, _>>()?;
                manifest.optional_dependencies.insert(extra.clone(), parsed);
            }
        }
        let group_names: Vec<String> = raw
            .dependency_groups
            .keys()
            .filter_map(|name| pep::normalize_name(name).ok())
            .collect();
        for (group, items) in raw.dependency_groups {
            let mut parsed = Vec::new();
            for item in items {
                let span = item.span();
                parsed.push(match item.into_inner() {
                    RawGroupItem::Requirement(text) => {
                        GroupItem::Requirement(pep::parse_requirement(&text).map_err(|err| {
                            at(
                                span,
                                format!("invalid requirement `{text}` in group `{group}`: {err}"),
                                None,
                            )
                        })?)
                    }
                    RawGroupItem::Include { include_group } => {
                        let known = pep::normalize_name(&include_group)
                            .is_ok_and(|name| group_names.contains(&name));
                        if !known {
                            return Err(at(
                                span,
                                format!("group `{group}` includes `{include_group}`, which is not a dependency group"),
                                Some(format!("groups: {}", group_names.join(", "))),
                            ));
                        }
                        GroupItem::IncludeGroup(include_group)
                    }
                });
            }
            manifest.dependency_groups.insert(group, parsed);
        }
        if let Some(settings) = raw.tool.and_then(|tool| tool.pvm) {
            let span = settings.span();
            let settings = settings.into_inner();
            for (name, script) in &settings.scripts {
                if script.argv().is_none() {
                    return Err(at(
                        span,
                        format!(
                            "script `{name}` in [tool.pvm.scripts] is empty or has an unclosed quote"
                        ),
                        None,
                    ));
                }
            }
            manifest.settings = settings;
        }
        Ok(manifest)
    }
}

/// Rewrites serde's "unknown field" into pvm's words, with the closest valid key.
fn explain_toml_error(message: &str) -> (String, Option<String>) {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some(key) = rest.split('`').next()
    {
        let closest = SETTINGS_KEYS
            .iter()
            .map(|valid| (strsim::jaro_winkler(key, valid), *valid))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(score, _)| *score > 0.7);
        let hint = match closest {
            Some((_, valid)) => format!("did you mean `{valid}`?"),
            None => format!("valid keys are: {}", SETTINGS_KEYS.join(", ")),
        };
        return (format!("unknown key `{key}` in [tool.pvm]"), Some(hint));
    }
    (message.to_string(), None)
}

/// The key of a `key = value` line, when `offset` is in its value.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text[line_start..offset].split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_string())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, ProjectError> {
        Manifest::parse(text, Path::new("pyproject.toml"))
    }

    #[test]
    fn reads_project_groups_and_settings() {
        let manifest = parse(
            r#"
[project]
name = "Demo_App"
requires-python = ">=3.9"
dependencies = ["django>=4.2,<5", "attrs"]
[project.optional-dependencies]
fast = ["orjson"]
[dependency-groups]
dev = ["pytest", {include-group = "lint"}]
lint = ["ruff"]
[tool.pvm]
python = "3.12"
scripts = { test = "pytest -q", fmt = ["ruff", "format"] }
"#,
        )
        .unwrap();
        assert_eq!(manifest.name.as_deref(), Some("Demo_App"));
        assert_eq!(manifest.dependencies.len(), 2);
        assert_eq!(manifest.dependencies[0].name.as_ref(), "django");
        assert_eq!(manifest.dependency_groups["dev"].len(), 2);
        assert_eq!(manifest.settings.python.as_deref(), Some("3.12"));
        assert!(manifest.settings.seed_pip);
        assert_eq!(
            manifest.settings.scripts["test"].argv().unwrap(),
            vec!["pytest", "-q"]
        );
    }

    #[test]
    fn broken_toml_points_at_line_and_column() {
        let err =
            parse("[project]\nname = \"x\"\ndependencies = [\n  \"a\",\n  oops\n]\n").unwrap_err();
        let ProjectError::Invalid { line, column, .. } = err else {
            panic!("{err}")
        };
        assert_eq!((line, column), (5, 3));
    }

    #[test]
    fn unknown_setting_names_the_closest_key() {
        let err = parse("[tool.pvm]\npyhton = \"3.12\"\n").unwrap_err();
        assert!(
            err.to_string().contains(":2:1: unknown key `pyhton`"),
            "{err}"
        );
        assert_eq!(err.hint().unwrap(), "did you mean `python`?");
    }

    #[test]
    fn invalid_requirement_and_specifier_say_which() {
        let err = parse("[project]\ndependencies = [\"ok\", \"bad name ==\"]\n").unwrap_err();
        assert!(
            err.to_string()
                .contains(":2:23: invalid requirement `bad name ==`"),
            "{err}"
        );
        let err = parse("[project]\nrequires-python = \">=three\"\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("invalid `requires-python = \">=three\"`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_is_reported_with_position() {
        let err = parse("[tool.pvm]\nseed-pip = \"yes\"\n").unwrap_err();
        assert!(err.to_string().starts_with("pyproject.toml:2:"), "{err}");
    }
}

/// What `requirements.txt` holds, for `pvm init` to import.
#[derive(Debug, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    /// Option lines (`-r other.txt`, `-e .`, `--index-url …`) that have no place in the manifest.
    pub skipped: Vec<String>,
}

/// Reads a pip requirements file: comments and blank lines dropped, `\` continuations joined,
/// option lines set aside, every other line a PEP 508 requirement.
pub fn read_requirements_txt(path: &Path) -> Result<RequirementsFile, ProjectError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = RequirementsFile::default();
    let mut pending = String::new();
    let mut start_line = 0;
    for (index, raw) in text.lines().enumerate() {
        if pending.is_empty() {
            start_line = index + 1;
        }
        // A comment starts at `#` at the beginning or after whitespace.
        let line = match raw.find(" #").or_else(|| raw.starts_with('#').then_some(0)) {
            Some(at) => &raw[..at],
            None => raw,
        };
        if let Some(continued) = line.trim_end().strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let entry = std::mem::take(&mut pending);
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        if entry.starts_with('-') {
            out.skipped.push(entry.to_string());
            continue;
        }
        // pip-compile's `--hash=…` options belong to the lock, not the manifest.
        let entry = match entry.find(" --") {
            Some(at) => entry[..at].trim(),
            None => entry,
        };
        // A bare URL or path names no project: it has no place in `dependencies`.
        let is_location = [
            "http://", "https://", "file:", "git+", "hg+", "svn+", "bzr+", "./", "../", "/", "~",
        ]
        .iter()
        .any(|prefix| entry.starts_with(prefix));
        if is_location {
            out.skipped.push(entry.to_string());
            continue;
        }
        let requirement = pep::parse_requirement(entry).map_err(|err| ProjectError::Invalid {
            path: path.to_path_buf(),
            line: start_line,
            column: 1,
            message: format!("invalid requirement `{entry}`: {err}"),
            hint: Some("fix or remove the line, then run `pvm init` again".into()),
        })?;
        out.requirements.push(requirement);
    }
    Ok(out)
}

/// A valid project name made from a folder name: anything but letters, digits, `.`, `_` and
/// `-` becomes `-`.
pub fn name_from_folder(folder: &str) -> String {
    let mapped: String = folder
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "._-".contains(ch) {
                ch
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches(|ch: char| !ch.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        "project".into()
    } else {
        trimmed.to_string()
    }
}

/// A new PEP 621 manifest.
pub fn new_manifest(name: &str, requires_python: &str, dependencies: &[Requirement]) -> String {
    use toml_edit::{Array, DocumentMut, Item, Table, value};
    let mut project = Table::new();
    project.insert("name", value(name));
    project.insert("version", value("0.1.0"));
    project.insert("requires-python", value(requires_python));
    let mut deps: Array = dependencies.iter().map(|r| r.to_string()).collect();
    if !deps.is_empty() {
        for item in deps.iter_mut() {
            item.decor_mut().set_prefix("\n    ");
        }
        deps.set_trailing_comma(true);
        deps.set_trailing("\n");
    }
    project.insert("dependencies", value(deps));
    let mut doc = DocumentMut::new();
    doc.insert("project", Item::Table(project));
    doc.to_string()
}

#[cfg(test)]
mod init_tests {
    use super::*;

    #[test]
    fn no_tool_table_means_default_settings() {
        let manifest = Manifest::parse("[project]\nname = \"a\"\n", Path::new("p")).unwrap();
        let empty: Settings = toml::from_str("").unwrap();
        assert_eq!(manifest.settings, empty);
        assert!(manifest.settings.seed_pip);
    }

    #[test]
    fn folder_names_become_valid_names() {
        assert_eq!(name_from_folder("my app"), "my-app");
        assert_eq!(name_from_folder("projét"), "proj-t");
        assert_eq!(name_from_folder("..."), "project");
        assert!(pep::normalize_name(&name_from_folder("a b c")).is_ok());
    }

    #[test]
    fn requirements_txt_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(
            &path,
            "# c\nrequests>=2 # net\n-r other.txt\n\ndjango\\\n  ==4.2 \\\n    --hash=sha256:00ff\n./local/pkg\nhttps://x.org/a.whl\n",
        )
        .unwrap();
        let file = read_requirements_txt(&path).unwrap();
        let names: Vec<String> = file.requirements.iter().map(|r| r.to_string()).collect();
        assert_eq!(names, ["requests>=2", "django==4.2"]);
        assert_eq!(
            file.skipped,
            ["-r other.txt", "./local/pkg", "https://x.org/a.whl"]
        );
        std::fs::write(&path, "ok\nnot a req!!\n").unwrap();
        let err = read_requirements_txt(&path).unwrap_err().to_string();
        assert!(err.contains(":2:1:"), "{err}");
    }

    #[test]
    fn new_manifest_parses_back() {
        let deps = vec![pep::parse_requirement("a>=1").unwrap()];
        let text = new_manifest("demo", ">=3.12", &deps);
        let manifest = Manifest::parse(&text, Path::new("pyproject.toml")).unwrap();
        assert_eq!(manifest.name.as_deref(), Some("demo"));
        assert_eq!(manifest.dependencies.len(), 1);
    }
}
