//! `pvm init` (and `pvm init --migrate`) moving a project over from another tool: what pvm
//! reads of Poetry's tables, a Pipfile or `requirements*.txt`, written as a standard PEP 621
//! `[project]` with PEP 735 `[dependency-groups]`.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, value};

use crate::pep::{self, Requirement};
use crate::project::foreign::Imported;
use crate::project::{GroupItem, MANIFEST, Manifest, Project, ProjectError, pipfile};

/// What a project holds of another tool, read into pvm's model.
#[derive(Debug)]
pub struct Migration {
    /// The project as pvm reads it: its own tables, with the other tools' filling the gaps.
    pub manifest: Manifest,
    /// What was read, as messages name it: `[tool.poetry]`, `Pipfile`, `requirements-dev.txt`.
    pub from: Vec<String>,
    /// The other tool's files, which `--remove-old` removes.
    pub old_files: Vec<PathBuf>,
    /// The other tool's tables in `pyproject.toml` that `--remove-old` removes.
    pub old_tables: Vec<&'static str>,
    /// Lines not imported, one sentence each.
    pub skipped: Vec<String>,
}

/// The requirements files of a folder, each with the group it fills (`None`: the
/// dependencies): `requirements.txt`; `requirements-dev.txt`, `requirements_test.txt`,
/// `dev-requirements.txt` into `dev`, `test`.
pub fn requirements_files(dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Option<String>)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".txt")?;
            let group = if stem == "requirements" {
                None
            } else if let Some(group) = stem
                .strip_prefix("requirements-")
                .or_else(|| stem.strip_prefix("requirements_"))
                .or_else(|| stem.strip_prefix("requirements."))
                .or_else(|| stem.strip_suffix("-requirements"))
                .or_else(|| stem.strip_suffix("_requirements"))
            {
                Some(pep::normalize_name(group).ok()?)
            } else {
                return None;
            };
            entry.path().is_file().then_some((entry.path(), group))
        })
        .collect();
    found.sort();
    found
}

/// What `dir` holds of other tools. With a `pyproject.toml`: its Poetry and uv tables (and a
/// Pipfile beside one that has no dependencies); without: a Pipfile, else `requirements*.txt`.
/// `None` when there is nothing to move over.
pub fn find(dir: &Path) -> Result<Option<Migration>, ProjectError> {
    let has_manifest = dir.join(MANIFEST).is_file();
    let has_pipfile = dir.join(pipfile::PIPFILE).is_file();
    let mut migration = Migration {
        manifest: Manifest::default(),
        from: Vec::new(),
        old_files: Vec::new(),
        old_tables: Vec::new(),
        skipped: Vec::new(),
    };
    if has_manifest || has_pipfile {
        let project = Project::at(dir)?;
        migration.manifest = project.manifest;
        for origin in migration.manifest.read_from.clone() {
            migration.from.push(origin.to_string());
            match origin {
                "[tool.poetry]" => migration.old_tables.extend([
                    "dependencies",
                    "dev-dependencies",
                    "group",
                    "extras",
                    "source",
                ]),
                pipfile::PIPFILE => migration.old_files.push(dir.join(pipfile::PIPFILE)),
                _ => {}
            }
        }
    }
    let files = requirements_files(dir);
    if !has_manifest && !has_pipfile && !files.is_empty() {
        let mut imported = Imported {
            origin: "requirements.txt",
            ..Imported::default()
        };
        let mut main: Vec<Requirement> = Vec::new();
        for (path, group) in &files {
            let file = crate::project::read_requirements_txt(path)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for line in &file.skipped {
                migration.skipped.push(
                    match crate::project::requirements_txt::constraint_file(line) {
                        Some(constraints) => format!(
                            "{name}: `{line}`: the versions {constraints} pins are kept in the first lock"
                        ),
                        None => {
                            format!("{name}: `{line}` is not a named requirement, not imported")
                        }
                    },
                );
            }
            match group {
                None => main.extend(file.requirements),
                Some(group) => {
                    imported.groups.insert(group.clone(), file.requirements);
                }
            }
            migration.from.push(name);
            migration.old_files.push(path.clone());
        }
        // A `-r requirements.txt` at the top of `requirements-dev.txt` is the dependencies
        // again: the group keeps only what it adds.
        for requirements in imported.groups.values_mut() {
            requirements.retain(|requirement| !main.contains(requirement));
        }
        imported.dependencies = Some(main);
        imported
            .merge_into(&mut migration.manifest)
            .map_err(|message| ProjectError::Invalid {
                path: dir.join("requirements.txt"),
                line: 1,
                column: 1,
                message,
                hint: None,
            })?;
    } else if !files.is_empty() {
        let names: Vec<String> = files
            .iter()
            .filter_map(|(path, _)| Some(path.file_name()?.to_string_lossy().into_owned()))
            .collect();
        let what = if has_pipfile && !has_manifest {
            "the Pipfile"
        } else {
            "pyproject.toml"
        };
        migration.skipped.push(format!(
            "{} not imported: the project's dependencies are in {what}",
            names.join(", ")
        ));
    }
    Ok((!migration.from.is_empty()).then_some(migration))
}

/// `base` (the manifest there, or a new one) with what the migration read written into the
/// standard tables wherever they do not say it yet: `[project]` (its `requires-python`,
/// `dependencies`, `optional-dependencies`), `[dependency-groups]`, and in `[tool.pvm]` the
/// sources, indexes and scripts; the default groups, where they are not pvm's own (`dev`), as
/// `[tool.uv] default-groups`. `remove_old`: without the other tool's tables.
pub fn render(
    base: &str,
    migration: &Migration,
    name: &str,
    requires_python: &str,
    remove_old: bool,
) -> Result<String, String> {
    let model = &migration.manifest;
    let mut doc: DocumentMut = base.parse().map_err(|err| format!("{err}"))?;
    let poetry_version = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(str::to_string);
    if doc.get("project").is_none() {
        let mut project = Table::new();
        project.insert("name", value(name));
        project.insert(
            "version",
            value(poetry_version.as_deref().unwrap_or("0.1.0")),
        );
        doc.insert("project", Item::Table(project));
    }
    let project = doc["project"]
        .as_table_mut()
        .ok_or("[project] is not a table")?;
    if project.get("requires-python").is_none() {
        let spec = (model.requires_python.as_ref()).map(|s| s.to_string().replace(", ", ","));
        project.insert(
            "requires-python",
            value(spec.as_deref().unwrap_or(requires_python)),
        );
    }
    let deps_written = project
        .get("dependencies")
        .and_then(Item::as_array)
        .is_some_and(|a| !a.is_empty());
    if !deps_written {
        project.insert("dependencies", value(list(&model.dependencies)));
    }
    if !model.optional_dependencies.is_empty() && project.get("optional-dependencies").is_none() {
        let mut extras = Table::new();
        for (extra, requirements) in &model.optional_dependencies {
            extras.insert(extra, value(list(requirements)));
        }
        project.insert("optional-dependencies", Item::Table(extras));
    }
    if !model.dependency_groups.is_empty() {
        let groups = doc
            .entry("dependency-groups")
            .or_insert(Item::Table(Table::new()))
            .as_table_mut()
            .ok_or("[dependency-groups] is not a table")?;
        for (group, items) in &model.dependency_groups {
            if groups.contains_key(group) {
                continue;
            }
            let mut array = Array::new();
            for item in items {
                match item {
                    GroupItem::Requirement(requirement) => array.push(requirement.to_string()),
                    GroupItem::IncludeGroup(included) => {
                        let mut include = InlineTable::new();
                        include.insert("include-group", included.as_str().into());
                        array.push(include);
                    }
                }
            }
            multiline(&mut array);
            groups.insert(group, value(array));
        }
    }
    let settings = &model.settings;
    let tool_pvm = |doc: &mut DocumentMut| -> Result<Table, String> {
        Ok(doc
            .get("tool")
            .and_then(|t| t.get("pvm"))
            .and_then(Item::as_table)
            .cloned()
            .unwrap_or_else(|| {
                let mut table = Table::new();
                table.set_implicit(true);
                table
            }))
    };
    let mut pvm = tool_pvm(&mut doc)?;
    let before = pvm.len();
    if let Some(url) = &settings.index_url
        && !pvm.contains_key("index-url")
    {
        pvm.insert("index-url", value(url));
    }
    if !settings.extra_index_urls.is_empty() && !pvm.contains_key("extra-index-urls") {
        pvm.insert(
            "extra-index-urls",
            value(Array::from_iter(settings.extra_index_urls.iter())),
        );
    }
    if !settings.scripts.is_empty() && !pvm.contains_key("scripts") {
        let mut scripts = Table::new();
        for (script, command) in &settings.scripts {
            let item = match command {
                crate::project::Script::Line(line) => value(line),
                crate::project::Script::Words(words) => value(Array::from_iter(words.iter())),
            };
            scripts.insert(script, item);
        }
        pvm.insert("scripts", Item::Table(scripts));
    }
    if settings.package == Some(false) && !pvm.contains_key("package") {
        pvm.insert("package", value(false));
    }
    if !settings.sources.is_empty() && !pvm.contains_key("sources") {
        let mut sources = Table::new();
        for (source, entry) in &settings.sources {
            let mut inline = InlineTable::new();
            if let Some(path) = &entry.path {
                inline.insert("path", path.as_str().into());
            }
            if let Some(editable) = entry.editable {
                inline.insert("editable", editable.into());
            }
            sources.insert(source, value(inline));
        }
        pvm.insert("sources", Item::Table(sources));
    }
    if pvm.len() != before {
        let tool = tool_table(&mut doc)?;
        pvm.set_position(Some(LAST));
        if let Some(sources) = pvm.get_mut("sources").and_then(Item::as_table_mut) {
            sources.set_position(Some(LAST));
        }
        if let Some(scripts) = pvm.get_mut("scripts").and_then(Item::as_table_mut) {
            scripts.set_position(Some(LAST));
        }
        tool.insert("pvm", Item::Table(pvm));
    }
    let defaults = model.default_group_names();
    let pvm_rule = model
        .dependency_groups
        .keys()
        .filter(|g| g.as_str() == "dev")
        .cloned()
        .collect::<Vec<_>>();
    let uv_says = doc
        .get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|uv| uv.get("default-groups"))
        .is_some();
    if defaults != pvm_rule && !uv_says {
        let tool = tool_table(&mut doc)?;
        let uv = tool
            .entry("uv")
            .or_insert(Item::Table(Table::new()))
            .as_table_mut()
            .ok_or("[tool.uv] is not a table")?;
        if uv.is_empty() {
            uv.set_position(Some(LAST + 1));
        }
        uv.insert("default-groups", value(Array::from_iter(defaults.iter())));
    }
    if remove_old
        && let Some(poetry) = doc
            .get_mut("tool")
            .and_then(|t| t.get_mut("poetry"))
            .and_then(Item::as_table_mut)
    {
        for key in &migration.old_tables {
            poetry.remove(key);
        }
    }
    Ok(doc.to_string())
}

/// The `[tool]` table, made (implicit) when the manifest has none.
fn tool_table(doc: &mut DocumentMut) -> Result<&mut Table, String> {
    let tool = doc
        .entry("tool")
        .or_insert(Item::Table(Table::new()))
        .as_table_mut()
        .ok_or("[tool] is not a table")?;
    tool.set_implicit(true);
    Ok(tool)
}

/// Where tables the migration adds under `[tool]` go: after every table there.
const LAST: isize = 1 << 20;

fn list(requirements: &[Requirement]) -> Array {
    let mut array: Array = requirements.iter().map(|r| r.to_string()).collect();
    multiline(&mut array);
    array
}

/// One entry per line, as `pvm init` and `pvm add` write them.
fn multiline(array: &mut Array) {
    if array.is_empty() {
        return;
    }
    for item in array.iter_mut() {
        item.decor_mut().set_prefix("\n    ");
    }
    array.set_trailing_comma(true);
    array.set_trailing("\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_files_name_their_groups() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "requirements.txt",
            "requirements-dev.txt",
            "test-requirements.txt",
            "requirements_Docs.txt",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(file), "").unwrap();
        }
        let found: Vec<(String, Option<String>)> = requirements_files(dir.path())
            .into_iter()
            .map(|(path, group)| {
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    group,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("requirements-dev.txt".into(), Some("dev".into())),
                ("requirements.txt".into(), None),
                ("requirements_Docs.txt".into(), Some("docs".into())),
                ("test-requirements.txt".into(), Some("test".into())),
            ]
        );
    }

    #[test]
    fn a_poetry_manifest_is_written_as_pep_621() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"[tool.poetry]
name = "app"
version = "1.2.0"

[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.31"
lib = { path = "../lib", develop = true }

[tool.poetry.group.dev.dependencies]
pytest = "^8"

[tool.poetry.group.lint.dependencies]
ruff = "*"

[build-system]
requires = ["poetry-core>=2"]
build-backend = "poetry.core.masonry.api"
"#;
        std::fs::write(dir.path().join(MANIFEST), text).unwrap();
        std::fs::create_dir(dir.path().join("../lib")).ok();
        let migration = find(dir.path()).unwrap().unwrap();
        assert_eq!(migration.from, ["[tool.poetry]"]);
        let written = render(text, &migration, "app", ">=3.10", true).unwrap();
        let expected = r#"[tool.poetry]
name = "app"
version = "1.2.0"

[build-system]
requires = ["poetry-core>=2"]
build-backend = "poetry.core.masonry.api"

[project]
name = "app"
version = "1.2.0"
requires-python = ">=3.10,<4.0"
dependencies = [
    "lib",
    "requests>=2.31,<3.0",
]

[dependency-groups]
dev = [
    "pytest>=8,<9",
]
lint = [
    "ruff",
]

[tool.pvm.sources]
lib = { path = "../lib", editable = true }

[tool.uv]
default-groups = ["dev", "lint"]
"#;
        assert_eq!(written, expected);
        // What was written reads back as the same project, without Poetry's tables.
        let again = Manifest::parse(&written, Path::new(MANIFEST)).unwrap();
        assert_eq!(again.dependencies, migration.manifest.dependencies);
        assert_eq!(again.default_group_names(), ["dev", "lint"]);
        assert!(again.read_from.is_empty(), "{:?}", again.read_from);
    }
}
