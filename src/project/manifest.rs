//! The manifest: `pyproject.toml` read into typed values, every check pointing at its line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::ProjectError;
use super::package::{self, BuildSystem};
use super::settings::{SETTINGS_KEYS, Settings};
use crate::pep::{self, Requirement, VersionSpecifiers};

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// `[project] name`, as written.
    pub name: Option<String>,
    pub requires_python: Option<VersionSpecifiers>,
    pub dependencies: Vec<Requirement>,
    pub optional_dependencies: BTreeMap<String, Vec<Requirement>>,
    pub dependency_groups: BTreeMap<String, Vec<GroupItem>>,
    pub build_system: Option<BuildSystem>,
    /// For a package: a hash of the manifest's build tables (see [`super::package`]).
    pub build_inputs: Option<String>,
    /// What only the package's build backend knows, not the manifest (see [`Dynamic`]).
    pub dynamic: Dynamic,
    /// For a package: files beside the manifest its build reads besides `setup.py` and
    /// `setup.cfg` (those `[tool.setuptools.dynamic]` names), relative to the root.
    pub build_files: Vec<String>,
    pub settings: Settings,
    /// The groups a plain `pvm sync` installs: `[tool.uv] default-groups`, Poetry's groups
    /// not marked optional; `None`: the `dev` group. `*` stands for every group.
    pub default_groups: Option<Vec<String>>,
    /// Which other tools' tables gave the manifest something (`[tool.poetry]`, `Pipfile`).
    pub read_from: Vec<&'static str>,
    /// What the manifest holds that pvm does not read, one sentence each: for the command
    /// to print.
    pub warnings: Vec<String>,
}

/// Which of a package's dependency tables its build computes: listed in `[project] dynamic`,
/// or all of them when there is no `[project]` table (`setup.py`'s `install_requires`,
/// `setup.cfg`, Poetry 1's `[tool.poetry.dependencies]`). Only for a package: pvm asks the
/// backend for them when it locks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dynamic {
    pub dependencies: bool,
    pub optional_dependencies: bool,
}

impl Dynamic {
    /// Whether the lock needs the build's metadata.
    pub fn any(self) -> bool {
        self.dependencies || self.optional_dependencies
    }
}

/// One entry of a PEP 735 dependency group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupItem {
    Requirement(Requirement),
    IncludeGroup(String),
}

impl GroupItem {
    /// The requirement, when the entry is one (not an `include-group`).
    pub fn requirement(&self) -> Option<&Requirement> {
        match self {
            GroupItem::Requirement(requirement) => Some(requirement),
            GroupItem::IncludeGroup(_) => None,
        }
    }
}

// The manifest as TOML spells it; spans let every later check point at its line.
#[derive(Deserialize, Default)]
struct RawManifest {
    project: Option<Spanned<RawProject>>,
    #[serde(rename = "dependency-groups", default)]
    dependency_groups: BTreeMap<String, Vec<Spanned<RawGroupItem>>>,
    #[serde(rename = "build-system")]
    build_system: Option<BuildSystem>,
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
    dynamic: Option<Spanned<Vec<String>>>,
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
    poetry: Option<Spanned<toml::Table>>,
    uv: Option<Spanned<toml::Table>>,
}

impl Manifest {
    /// Every requirement the manifest writes, each where it is written: `[project]
    /// dependencies`, then each extra's, then each group's (an `include-group` names a group
    /// already counted).
    pub fn all_requirements(&self) -> impl Iterator<Item = &Requirement> {
        let groups = self.dependency_groups.values().flatten();
        self.dependencies
            .iter()
            .chain(self.optional_dependencies.values().flatten())
            .chain(groups.filter_map(GroupItem::requirement))
    }

    /// The groups a plain `pvm sync` installs, as the manifest spells them: those of
    /// [`Manifest::default_groups`] that it has, else `dev` when it has one.
    pub fn default_group_names(&self) -> Vec<String> {
        let norm = |name: &str| pep::normalize_name(name).unwrap_or_else(|_| name.to_string());
        let Some(wanted) = &self.default_groups else {
            return self
                .dependency_groups
                .keys()
                .filter(|group| group.as_str() == "dev")
                .cloned()
                .collect();
        };
        if wanted.iter().any(|group| group == "*") {
            return self.dependency_groups.keys().cloned().collect();
        }
        let wanted: Vec<String> = wanted.iter().map(|group| norm(group)).collect();
        self.dependency_groups
            .keys()
            .filter(|group| wanted.contains(&norm(group)))
            .cloned()
            .collect()
    }

    pub fn read(path: &Path) -> Result<Manifest, ProjectError> {
        let text = super::text::read_utf8(path)?;
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
        let mut raw: RawManifest = toml::from_str(text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let written = text.get(span.clone()).unwrap_or("").trim();
            let key = key_before(text, span.start);
            let table = table_before(text, span.start);
            let (message, hint) =
                explain_toml_error(err.message(), key.as_deref(), table.as_deref(), written);
            at(span, message, hint)
        })?;

        let mut manifest = Manifest::default();
        // Dependencies pvm cannot read itself: only a build backend (for a package) knows them.
        let mut unread: Option<(std::ops::Range<usize>, String, String)> = None;
        if let Some(project) = &raw.project
            && let Some(dynamic) = &project.get_ref().dynamic
            && dynamic.get_ref().iter().any(|d| d == "dependencies")
        {
            unread = Some((
                dynamic.span(),
                "`dependencies` is dynamic: pvm cannot read them from the manifest".into(),
                "a build backend computes them: give the project a [build-system] (pvm then locks what the backend reports and installs the project with them), or list them in [project] dependencies".into(),
            ));
        }
        let listed = |field: &str| {
            raw.project.as_ref().is_none_or(|project| {
                project
                    .get_ref()
                    .dynamic
                    .as_ref()
                    .is_some_and(|dynamic| dynamic.get_ref().iter().any(|d| d == field))
            })
        };
        let dynamic = Dynamic {
            dependencies: listed("dependencies"),
            optional_dependencies: listed("optional-dependencies"),
        };
        if let Some(project) = raw.project {
            let project_span = project.span();
            let project = project.into_inner();
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
            // PEP 621: a [project] table names the project. Without the table there is
            // nothing to check (the folder names the project).
            if manifest.name.is_none() {
                return Err(at(
                    project_span,
                    "[project] has no `name`, which PEP 621 requires".into(),
                    Some(format!(
                        "add `name = \"{}\"` under [project] (or the name it should have)",
                        folder_name(path)
                    )),
                ));
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
        if let Some(settings) = raw.tool.as_mut().and_then(|tool| tool.pvm.take()) {
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
            // Keys become shell variables in `pvm activate`: only names a shell takes as one.
            for key in settings.env.keys() {
                let mut chars = key.chars();
                let valid = chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(at(
                        span,
                        format!("`{key}` in [tool.pvm.env] is not a variable name"),
                        Some("a name has letters, digits and `_`, and does not start with a digit, e.g. DJANGO_SETTINGS_MODULE".into()),
                    ));
                }
            }
            // Each member of a conflict set names one group or extra of this manifest.
            for item in settings.conflicts.iter().flatten() {
                let norm =
                    |name: &str| pep::normalize_name(name).unwrap_or_else(|_| name.to_string());
                let known = match (&item.group, &item.extra) {
                    (Some(group), None) => manifest
                        .dependency_groups
                        .keys()
                        .any(|known| norm(known) == norm(group)),
                    (None, Some(extra)) => manifest
                        .optional_dependencies
                        .keys()
                        .any(|known| norm(known) == norm(extra)),
                    _ => false,
                };
                if !known {
                    let named = match (&item.group, &item.extra) {
                        (Some(group), None) => format!("group `{group}`"),
                        (None, Some(extra)) => format!("extra `{extra}`"),
                        _ => "a member that is neither one group nor one extra".into(),
                    };
                    return Err(at(
                        span.clone(),
                        format!(
                            "[tool.pvm] conflicts names {named}, which this manifest does not have"
                        ),
                        Some(
                            "write each member as { group = \"name\" } or { extra = \"name\" }"
                                .into(),
                        ),
                    ));
                }
            }
            manifest.settings = settings;
        }
        manifest.build_system = raw.build_system;
        if manifest.is_package() {
            (manifest.build_inputs, manifest.build_files) = package::manifest_build(text);
            manifest.dynamic = dynamic;
        }
        // Other tools' tables, where the standard ones and [tool.pvm] leave a gap.
        for (table, read) in [
            (
                raw.tool.as_ref().and_then(|t| t.poetry.as_ref()),
                super::poetry::read as fn(&toml::Table) -> Result<super::foreign::Imported, String>,
            ),
            (
                raw.tool.as_ref().and_then(|t| t.uv.as_ref()),
                super::uv_tool::read,
            ),
        ] {
            let Some(table) = table else { continue };
            read(table.get_ref())
                .and_then(|imported| imported.merge_into(&mut manifest))
                .map_err(|message| at(table.span(), message, None))?;
        }
        if !manifest.is_package()
            && manifest.dependencies.is_empty()
            && let Some((span, message, hint)) = unread
        {
            return Err(at(span, message, Some(hint)));
        }
        Ok(manifest)
    }
}

/// Rewrites what the TOML reader says into pvm's words, with a hint for each kind of mistake:
/// an unknown key (with the closest valid one), a wrong type (the most common: an unquoted
/// version, which TOML reads as a number), a value out of a set, and broken syntax. `key` is
/// the key whose value is at fault, `table` the table it is in, `written` the text there.
fn explain_toml_error(
    message: &str,
    key: Option<&str>,
    table: Option<&str>,
    written: &str,
) -> (String, Option<String>) {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some(unknown) = rest.split('`').next()
    {
        let closest = SETTINGS_KEYS
            .iter()
            .map(|valid| (strsim::jaro_winkler(unknown, valid), *valid))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(score, _)| *score > 0.7);
        let hint = match closest {
            Some((_, valid)) => format!("did you mean `{valid}`?"),
            None => format!("valid keys are: {}", SETTINGS_KEYS.join(", ")),
        };
        return (format!("unknown key `{unknown}` in [tool.pvm]"), Some(hint));
    }
    let named = |text: &str| match key {
        Some(key) => format!("`{key}`: {text}"),
        None => text.to_string(),
    };
    let key_name = key.unwrap_or("key");
    let is_number = message.starts_with("invalid type: floating point")
        || message.starts_with("invalid type: integer");
    if is_number && message.ends_with("expected a string") {
        let number = if message.contains("floating point") {
            format!(
                ": TOML reads {written} as the number {}",
                message.split('`').nth(1).unwrap_or(written)
            )
        } else {
            String::new()
        };
        return (
            named(&format!("a number where text is expected{number}")),
            Some(format!("quote it: {key_name} = \"{written}\"")),
        );
    }
    if message.starts_with("invalid type") && message.ends_with("expected a boolean") {
        return (
            named(&format!("`{written}` is not true or false")),
            Some(format!(
                "write {key_name} = true or {key_name} = false, without quotes"
            )),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let allowed = rest.split("expected one of ").nth(1).unwrap_or("");
        return (
            named(&format!(
                "{} is not one of the accepted values",
                rest.split(',').next().unwrap_or(rest)
            )),
            Some(format!("{key_name} takes one of {allowed}")),
        );
    }
    if message.contains("untagged enum Script") {
        return (
            named("a script must be a command line or a list of words"),
            Some(format!(
                "write {key_name} = \"pytest -q\" or {key_name} = [\"pytest\", \"-q\"]"
            )),
        );
    }
    if message.starts_with("invalid type") && message.ends_with("expected a sequence") {
        return not_an_array(key_name, table, written);
    }
    if message.starts_with("invalid type") {
        let hint = if table.is_some_and(|t| t.starts_with("tool.pvm")) {
            "see the [tool.pvm] keys and their types in the README (schemas/pvm.schema.json)"
        } else {
            "see what each key holds in PEP 621 ([project]) and PEP 735 ([dependency-groups])"
        };
        return (named(message), Some(hint.into()));
    }
    (
        message.to_string(),
        Some("this is not valid TOML: strings need quotes, arrays close with `]`, tables are `[name]` on their own line".into()),
    )
}

/// The project name the manifest's folder suggests.
fn folder_name(manifest: &Path) -> String {
    manifest
        .canonicalize()
        .ok()
        .and_then(|path| {
            path.parent()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .map(|name| super::name_from_folder(&name))
        .unwrap_or_else(|| "myapp".into())
}

/// A single value where an array belongs (`dependencies = "requests"`): the array to write,
/// with each comma-separated part of a string as one entry.
fn not_an_array(key: &str, table: Option<&str>, written: &str) -> (String, Option<String>) {
    let requirements = matches!(
        (table, key),
        (Some("project"), "dependencies")
            | (
                Some("project.optional-dependencies" | "dependency-groups"),
                _
            )
    );
    let entries = if requirements {
        "an array of PEP 508 requirements"
    } else {
        "an array"
    };
    let quoted = written.len() >= 2 && written.starts_with('"') && written.ends_with('"');
    let fixed = if quoted {
        let parts: Vec<String> = written[1..written.len() - 1]
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| format!("\"{part}\""))
            .collect();
        format!("[{}]", parts.join(", "))
    } else {
        format!("[{written}]")
    };
    (
        format!("`{key}` must be {entries}, not a single value"),
        Some(format!("write {key} = {fixed}")),
    )
}

/// The name of the table a byte offset is in (`project`, `tool.pvm`), from the last header
/// line before it.
fn table_before(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    text[..offset]
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| line.starts_with('[') && !line.starts_with("[\"") && line.ends_with(']'))
        .map(|line| {
            line.trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string()
        })
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
    use crate::hint::Hint;

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
        let all: Vec<&str> = manifest
            .all_requirements()
            .map(|r| r.name.as_ref())
            .collect();
        assert_eq!(all, ["django", "attrs", "orjson", "pytest", "ruff"]);
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

    #[test]
    fn a_package_knows_which_dependencies_its_build_computes() {
        let build = "[build-system]\nrequires = [\"setuptools\"]\n";
        let manifest = parse(build).unwrap();
        assert!(manifest.dynamic.dependencies && manifest.dynamic.optional_dependencies);
        let manifest = parse(&format!(
            "{build}[project]\nname = \"a\"\ndynamic = [\"dependencies\"]\n"
        ))
        .unwrap();
        assert!(manifest.dynamic.dependencies && !manifest.dynamic.optional_dependencies);
        let manifest = parse(&format!("{build}[project]\nname = \"a\"\n")).unwrap();
        assert!(!manifest.dynamic.any());
        // Not a package: nothing builds it, nothing is dynamic.
        assert!(!parse("[project]\nname = \"a\"\n").unwrap().dynamic.any());
    }
}
