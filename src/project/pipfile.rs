//! A Pipfile (pipenv's manifest) in pvm's terms: `[packages]` as the dependencies,
//! `[dev-packages]` as the group `dev` (any other package category as a group of its name),
//! `[requires] python_version` as the interpreter, `[[source]]` as the indexes, `[scripts]`
//! as `[tool.pvm.scripts]`.

use super::foreign::{self, Imported};
use super::settings::Script;
use crate::pep::Requirement;

pub const PIPFILE: &str = "Pipfile";
pub const PIPFILE_LOCK: &str = "Pipfile.lock";

/// The keys of a package's table that pipenv reads as markers.
const MARKER_KEYS: &[&str] = &[
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
];

/// The PyPI index, which pvm uses anyway.
const PYPI: &[&str] = &["https://pypi.org/simple", "https://pypi.python.org/simple"];

pub fn parse(text: &str) -> Result<Imported, String> {
    let table: toml::Table = toml::from_str(text).map_err(|err| err.to_string())?;
    let mut out = Imported {
        origin: PIPFILE,
        ..Imported::default()
    };
    let mut unread: Vec<String> = Vec::new();
    let mut package_keys_unread: Vec<String> = Vec::new();
    for (key, value) in &table {
        match key.as_str() {
            "packages" => {
                out.dependencies = Some(packages(key, value, &mut out, &mut package_keys_unread)?)
            }
            "dev-packages" => {
                let group = packages(key, value, &mut out, &mut package_keys_unread)?;
                out.groups.insert("dev".into(), group);
            }
            "requires" => {
                let requires = value.as_table().ok_or("[requires] is not a table")?;
                let version = requires
                    .get("python_full_version")
                    .or(requires.get("python_version"))
                    .and_then(toml::Value::as_str);
                if let Some(version) = version {
                    out.python = Some(version.to_string());
                    let minor: Vec<&str> = version.split('.').take(2).collect();
                    out.requires_python = Some(format!(">={}", minor.join(".")));
                }
            }
            "source" => {
                let sources = value
                    .as_array()
                    .ok_or("[[source]] is not a list of tables")?;
                for source in sources {
                    let Some(url) = source.get("url").and_then(toml::Value::as_str) else {
                        continue;
                    };
                    let url = url.trim_end_matches('/');
                    if PYPI.contains(&url) && out.index_url.is_none() {
                        continue;
                    }
                    match out.index_url {
                        None => out.index_url = Some(url.to_string()),
                        Some(_) => out.extra_index_urls.push(url.to_string()),
                    }
                }
            }
            "scripts" => {
                let scripts = value.as_table().ok_or("[scripts] is not a table")?;
                for (name, command) in scripts {
                    let command = match command {
                        toml::Value::String(line) => Script::Line(line.clone()),
                        other => {
                            Script::Words(foreign::strings(other, &format!("[scripts] {name}"))?)
                        }
                    };
                    out.scripts.insert(name.clone(), command);
                }
            }
            // Any other table of packages is a category (pipenv 2022.10): a group.
            _ if value.as_table().is_some_and(|t| t.values().all(is_package))
                && key != "pipenv" =>
            {
                let group = packages(key, value, &mut out, &mut package_keys_unread)?;
                out.groups.insert(key.clone(), group);
            }
            _ => unread.push(key.clone()),
        }
    }
    if !out.groups.is_empty() {
        out.default_groups = Some(vec!["dev".into()]);
    }
    if let Some(line) = foreign::not_read(PIPFILE, &unread, "") {
        out.unsupported.push(line);
    }
    package_keys_unread.sort();
    package_keys_unread.dedup();
    if let Some(line) = foreign::not_read(PIPFILE, &package_keys_unread, " in a package's table") {
        out.unsupported.push(line);
    }
    Ok(out)
}

fn is_package(value: &toml::Value) -> bool {
    value.is_str()
        || value
            .as_table()
            .is_some_and(|t| !t.contains_key("url") || t.contains_key("git"))
}

fn packages(
    section: &str,
    value: &toml::Value,
    out: &mut Imported,
    unread: &mut Vec<String>,
) -> Result<Vec<Requirement>, String> {
    let table = value
        .as_table()
        .ok_or(format!("[{section}] is not a table"))?;
    let mut requirements = Vec::new();
    for (name, value) in table {
        let at = format!("[{section}] {name}");
        let requirement = match value {
            toml::Value::String(spec) => foreign::requirement(name, &[], version(spec), None, &[]),
            toml::Value::Table(table) => {
                let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
                let extras = match table.get("extras") {
                    Some(value) => foreign::strings(value, &format!("{at} extras"))?,
                    None => Vec::new(),
                };
                let mut markers: Vec<String> = Vec::new();
                if let Some(marker) = text("markers") {
                    markers.push(marker.to_string());
                }
                for key in MARKER_KEYS {
                    if let Some(condition) = text(key) {
                        markers.push(format!("{key} {condition}"));
                    }
                }
                let mut url = None;
                if let Some(path) = text("path").or(text("file").filter(|f| !f.contains("://"))) {
                    out.sources
                        .insert(name.clone(), foreign::path_source(table, path, "editable"));
                } else if let Some(git) = text("git") {
                    url = Some(foreign::git_reference(
                        git,
                        text("ref"),
                        text("subdirectory"),
                    ));
                } else if let Some(file) = text("file") {
                    url = Some(file.to_string());
                }
                for key in table.keys() {
                    let read = [
                        "version",
                        "extras",
                        "markers",
                        "path",
                        "file",
                        "editable",
                        "git",
                        "ref",
                        "subdirectory",
                    ];
                    if !read.contains(&key.as_str()) && !MARKER_KEYS.contains(&key.as_str()) {
                        unread.push(key.clone());
                    }
                }
                let spec = if url.is_some() || out.sources.contains_key(name) {
                    ""
                } else {
                    version(text("version").unwrap_or("*"))
                };
                foreign::requirement(name, &extras, spec, url.as_deref(), &markers)
            }
            other => return Err(format!("{at}: `{other}` is neither a version nor a table")),
        }
        .map_err(|err| format!("{at}: {err}"))?;
        requirements.push(requirement);
    }
    Ok(requirements)
}

/// A Pipfile version: PEP 440, with `*` for any.
fn version(spec: &str) -> &str {
    match spec.trim() {
        "*" | "" => "",
        spec => spec,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipfile_becomes_requirements_groups_and_a_python() {
        let imported = parse(
            r#"
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "==2.31.0"
flask = "*"
uvicorn = { version = ">=0.20", extras = ["standard"] }
pywin32 = { version = "*", sys_platform = "== 'win32'" }
mylib = { path = "./libs/mylib", editable = true }

[dev-packages]
pytest = ">=8"

[docs]
sphinx = "*"

[requires]
python_version = "3.12"

[scripts]
test = "pytest -q"

[pipenv]
allow_prereleases = true
"#,
        )
        .unwrap();
        let main: Vec<String> = imported
            .dependencies
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            main,
            [
                "flask",
                "mylib",
                "pywin32 ; sys_platform == 'win32'",
                "requests==2.31.0",
                "uvicorn[standard]>=0.20",
            ]
        );
        assert_eq!(imported.groups["dev"][0].to_string(), "pytest>=8");
        assert_eq!(imported.groups["docs"][0].to_string(), "sphinx");
        assert_eq!(imported.default_groups.unwrap(), ["dev"]);
        assert_eq!(imported.python.as_deref(), Some("3.12"));
        assert_eq!(imported.requires_python.as_deref(), Some(">=3.12"));
        assert_eq!(imported.index_url, None);
        assert_eq!(imported.sources["mylib"].editable, Some(true));
        assert_eq!(imported.scripts["test"].argv().unwrap(), ["pytest", "-q"]);
        assert_eq!(
            imported.unsupported,
            ["Pipfile: pvm does not read `pipenv`"]
        );
    }

    #[test]
    fn a_private_source_is_the_index() {
        let imported = parse(
            "[[source]]\nurl = \"https://corp.example/simple/\"\nname = \"corp\"\n[packages]\n",
        )
        .unwrap();
        assert_eq!(
            imported.index_url.as_deref(),
            Some("https://corp.example/simple")
        );
    }
}
