//! What `pvm init` writes for a new project.

use crate::pep::Requirement;

/// A new PEP 621 manifest.
///
/// With `package`, the project is a package as `uv init --package` makes one: a
/// `[build-system]` (hatchling), a console script named after the project, and the module
/// [`package_module`] returns to write under `src/`.
pub fn new_manifest(
    name: &str,
    requires_python: &str,
    dependencies: &[Requirement],
    package: bool,
) -> String {
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
    if package {
        let module = module_name(name);
        let mut scripts = Table::new();
        scripts.insert(name, value(format!("{module}:main")));
        doc["project"]["scripts"] = Item::Table(scripts);
        let mut build = Table::new();
        build.insert("requires", value(Array::from_iter(["hatchling"])));
        build.insert("build-backend", value("hatchling.build"));
        doc.insert("build-system", Item::Table(build));
    }
    doc.to_string()
}

/// The import name of a project: its normalized name with `_` for `-` and `.`.
pub fn module_name(name: &str) -> String {
    name.to_ascii_lowercase().replace(['-', '.'], "_")
}

/// The package's module for `pvm init --package`: its path under the project root, and text.
pub fn package_module(name: &str) -> (std::path::PathBuf, String) {
    let module = module_name(name);
    let path = std::path::Path::new("src")
        .join(&module)
        .join("__init__.py");
    let text = format!("def main() -> None:\n    print(\"Hello from {name}!\")\n");
    (path, text)
}

/// The files a Python developer expects beside a new project's manifest, as uv writes them
/// (pvm's env lives in its store, so `.gitignore` needs no `.venv`): a `README.md`, a
/// `.gitignore` of what Python and builds leave behind, and for an application (not a
/// package, whose code is its module) a `main.py` to run. Each as (path under the root, text).
pub fn starter_files(name: &str, package: bool) -> Vec<(&'static str, String)> {
    let mut files = vec![
        (README, format!("# {name}\n")),
        (
            GITIGNORE,
            "# Python-generated files\n__pycache__/\n*.py[oc]\nbuild/\ndist/\nwheels/\n*.egg-info\n"
                .to_string(),
        ),
    ];
    if !package {
        files.push((
            MAIN,
            format!(
                "def main():\n    print(\"Hello from {name}!\")\n\n\nif __name__ == \"__main__\":\n    main()\n"
            ),
        ));
    }
    files
}

pub const README: &str = "README.md";
pub const GITIGNORE: &str = ".gitignore";
pub const MAIN: &str = "main.py";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pep;
    use crate::project::{Manifest, Settings};
    use std::path::Path;

    #[test]
    fn no_tool_table_means_default_settings() {
        let manifest = Manifest::parse("[project]\nname = \"a\"\n", Path::new("p")).unwrap();
        let empty: Settings = toml::from_str("").unwrap();
        assert_eq!(manifest.settings, empty);
        assert!(manifest.settings.seed_pip);
    }

    #[test]
    fn new_manifest_parses_back() {
        let deps = vec![pep::parse_requirement("a>=1").unwrap()];
        let text = new_manifest("demo", ">=3.12", &deps, false);
        let manifest = Manifest::parse(&text, Path::new("pyproject.toml")).unwrap();
        assert_eq!(manifest.name.as_deref(), Some("demo"));
        assert_eq!(manifest.dependencies.len(), 1);
        assert!(!manifest.is_package());
        let text = new_manifest("My.App", ">=3.12", &deps, true);
        let manifest = Manifest::parse(&text, Path::new("pyproject.toml")).unwrap();
        assert!(manifest.is_package());
        assert_eq!(manifest.build_backend(), "hatchling.build");
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            table["project"]["scripts"]["My.App"].as_str(),
            Some("my_app:main")
        );
    }
}
