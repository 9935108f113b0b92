//! Poetry's `[tool.poetry]` tables in pvm's terms: `dependencies` (with Poetry's constraint
//! syntax, and `python` as requires-python), `group.<g>.dependencies` and `dev-dependencies`
//! as groups, `extras`, `source` and `package-mode`. The constraint rules are poetry-core's
//! (`constraints/version/parser.py`).

use std::collections::BTreeMap;

use super::foreign::{self, Imported};
use crate::pep::{self, Requirement};

/// The keys of `[tool.poetry]` that describe the package for its build (poetry-core reads
/// them), not what an env holds.
const BUILD_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "authors",
    "maintainers",
    "license",
    "readme",
    "homepage",
    "repository",
    "documentation",
    "keywords",
    "classifiers",
    "packages",
    "include",
    "exclude",
    "scripts",
    "plugins",
    "urls",
    "build",
    "requires-poetry",
];

const DEPENDENCY_KEYS: &[&str] = &[
    "version",
    "extras",
    "markers",
    "python",
    "platform",
    "optional",
    "path",
    "develop",
    "git",
    "branch",
    "tag",
    "rev",
    "subdirectory",
    "url",
    "source",
];

/// Reads `[tool.poetry]`. `main`: whether its `dependencies` are the project's (no
/// `[project] dependencies`, as in Poetry 1); Poetry 2 lists them in `[project]` and keeps only
/// groups, `python` and sources here.
pub fn read(poetry: &toml::Table) -> Result<Imported, String> {
    let mut out = Imported {
        origin: "[tool.poetry]",
        ..Imported::default()
    };
    let mut unread: Vec<String> = Vec::new();
    let mut dep_keys_unread: Vec<String> = Vec::new();
    let mut sources = Sources::default();
    if let Some(list) = poetry.get("source") {
        sources.read(list, &mut out)?;
    }
    for key in poetry.keys() {
        let known = [
            "dependencies",
            "dev-dependencies",
            "group",
            "extras",
            "source",
        ];
        if !known.contains(&key.as_str())
            && !BUILD_KEYS.contains(&key.as_str())
            && key != "package-mode"
        {
            unread.push(key.clone());
        }
    }
    out.name = poetry
        .get("name")
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    if let Some(mode) = poetry.get("package-mode") {
        out.package = Some(
            mode.as_bool()
                .ok_or("`package-mode` is not true or false")?,
        );
    }
    let mut optional: BTreeMap<String, Vec<Requirement>> = BTreeMap::new();
    if let Some(deps) = poetry.get("dependencies") {
        let deps = deps
            .as_table()
            .ok_or("[tool.poetry.dependencies] is not a table")?;
        let mut main = Vec::new();
        for (name, value) in deps {
            if name == "python" {
                let text = value
                    .as_str()
                    .ok_or("[tool.poetry.dependencies] python is not a string")?;
                let (spec, note) = constraint(text)?;
                if let Some(note) = note {
                    out.unsupported.push(format!(
                        "[tool.poetry.dependencies] python = \"{text}\": {note}"
                    ));
                }
                out.requires_python = Some(spec);
                continue;
            }
            for dep in dependency(name, value, &mut out, &mut dep_keys_unread, &sources)? {
                if dep.optional {
                    optional
                        .entry(pep_name(name))
                        .or_default()
                        .push(dep.requirement);
                } else {
                    main.push(dep.requirement);
                }
            }
        }
        if !main.is_empty() || deps.keys().any(|k| k != "python") {
            out.dependencies = Some(main);
        }
    }
    if let Some(extras) = poetry.get("extras") {
        let extras = extras
            .as_table()
            .ok_or("[tool.poetry.extras] is not a table")?;
        for (extra, names) in extras {
            let mut requirements = Vec::new();
            for name in foreign::strings(names, &format!("[tool.poetry.extras] {extra}"))? {
                // `name[extra]` in an extra's list means the dependency `name`.
                let bare = name.split('[').next().unwrap_or(&name).trim();
                match optional.get(&pep_name(bare)) {
                    Some(found) => requirements.extend(found.iter().cloned()),
                    None => {
                        return Err(format!(
                            "[tool.poetry.extras] {extra} names `{name}`, which is not an optional dependency in [tool.poetry.dependencies]"
                        ));
                    }
                }
            }
            out.extras.insert(extra.clone(), requirements);
        }
    }
    let mut defaults = Vec::new();
    if let Some(deps) = poetry.get("dev-dependencies") {
        let table = deps
            .as_table()
            .ok_or("[tool.poetry.dev-dependencies] is not a table")?;
        let mut group = Vec::new();
        for (name, value) in table {
            group.extend(
                dependency(name, value, &mut out, &mut dep_keys_unread, &sources)?
                    .into_iter()
                    .map(|dep| dep.requirement),
            );
        }
        out.groups.insert("dev".into(), group);
        defaults.push("dev".to_string());
    }
    if let Some(groups) = poetry.get("group") {
        let groups = groups
            .as_table()
            .ok_or("[tool.poetry.group] is not a table")?;
        for (name, table) in groups {
            let table = table
                .as_table()
                .ok_or(format!("[tool.poetry.group.{name}] is not a table"))?;
            let mut group = out.groups.remove(name).unwrap_or_default();
            if let Some(deps) = table.get("dependencies") {
                let deps = deps.as_table().ok_or(format!(
                    "[tool.poetry.group.{name}.dependencies] is not a table"
                ))?;
                for (dep, value) in deps {
                    group.extend(
                        dependency(dep, value, &mut out, &mut dep_keys_unread, &sources)?
                            .into_iter()
                            .map(|dep| dep.requirement),
                    );
                }
            }
            for key in table.keys() {
                if key != "dependencies" && key != "optional" {
                    unread.push(format!("group.{name}.{key}"));
                }
            }
            // `poetry install` takes every group not marked optional.
            let is_optional = table
                .get("optional")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false);
            if !is_optional && !defaults.contains(name) {
                defaults.push(name.clone());
            }
            out.groups.insert(name.clone(), group);
        }
    }
    if !out.groups.is_empty() {
        out.default_groups = Some(defaults);
    }
    if let Some(line) = foreign::not_read("[tool.poetry]", &unread, "") {
        out.unsupported.push(line);
    }
    dep_keys_unread.sort();
    dep_keys_unread.dedup();
    if let Some(line) = foreign::not_read(
        "[tool.poetry] dependencies",
        &dep_keys_unread,
        " in a dependency's table",
    ) {
        out.unsupported.push(line);
    }
    Ok(out)
}

/// One requirement of a Poetry dependency table, and whether it is optional (only in extras).
struct Dependency {
    requirement: Requirement,
    optional: bool,
}

/// The `[[tool.poetry.source]]` entries: by name, each one's URL and priority.
#[derive(Default)]
struct Sources {
    explicit: BTreeMap<String, String>,
}

impl Sources {
    fn read(&mut self, list: &toml::Value, out: &mut Imported) -> Result<(), String> {
        let list = list
            .as_array()
            .ok_or("[[tool.poetry.source]] is not a list of tables")?;
        for source in list {
            let name = source
                .get("name")
                .and_then(toml::Value::as_str)
                .unwrap_or("");
            let Some(url) = source.get("url").and_then(toml::Value::as_str) else {
                // A source without a URL is PyPI (`priority` only).
                continue;
            };
            let priority = source
                .get("priority")
                .and_then(toml::Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    let flag = |key: &str| source.get(key).and_then(toml::Value::as_bool);
                    match (flag("default"), flag("secondary")) {
                        (Some(true), _) => "primary".into(),
                        (_, Some(true)) => "supplemental".into(),
                        _ => "primary".into(),
                    }
                });
            match priority.as_str() {
                "primary" | "default" if out.index_url.is_none() => {
                    out.index_url = Some(url.to_string())
                }
                "explicit" => {
                    self.explicit.insert(name.to_string(), url.to_string());
                }
                _ => out.extra_index_urls.push(url.to_string()),
            }
        }
        Ok(())
    }
}

fn dependency(
    name: &str,
    value: &toml::Value,
    out: &mut Imported,
    unread: &mut Vec<String>,
    sources: &Sources,
) -> Result<Vec<Dependency>, String> {
    let at = format!("[tool.poetry] dependency `{name}`");
    let table = match value {
        toml::Value::String(text) => {
            let (spec, note) = constraint(text).map_err(|err| format!("{at}: {err}"))?;
            if let Some(note) = note {
                out.unsupported.push(format!("{at} = \"{text}\": {note}"));
            }
            let requirement = foreign::requirement(name, &[], &spec, None, &[])
                .map_err(|e| format!("{at}: {e}"))?;
            return Ok(vec![Dependency {
                requirement,
                optional: false,
            }]);
        }
        // Multiple constraints: one requirement each, told apart by their markers.
        toml::Value::Array(items) => {
            let mut all = Vec::new();
            for item in items {
                all.extend(dependency(name, item, out, unread, sources)?);
            }
            return Ok(all);
        }
        toml::Value::Table(table) => table,
        other => {
            return Err(format!(
                "{at}: `{other}` is neither a constraint nor a table"
            ));
        }
    };
    for key in table.keys() {
        if !DEPENDENCY_KEYS.contains(&key.as_str()) {
            unread.push(key.clone());
        }
    }
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
    let extras = match table.get("extras") {
        Some(value) => foreign::strings(value, &format!("{at} extras"))?,
        None => Vec::new(),
    };
    let mut markers = Vec::new();
    if let Some(python) = text("python") {
        let (spec, _) = constraint(python).map_err(|err| format!("{at}: {err}"))?;
        markers.push(foreign::python_marker(&spec));
    }
    if let Some(platform) = text("platform") {
        markers.push(format!("sys_platform == \"{platform}\""));
    }
    if let Some(marker) = text("markers") {
        markers.push(marker.to_string());
    }
    let mut spec = String::new();
    if let Some(version) = text("version") {
        let (converted, note) = constraint(version).map_err(|err| format!("{at}: {err}"))?;
        if let Some(note) = note {
            out.unsupported
                .push(format!("{at} = \"{version}\": {note}"));
        }
        spec = converted;
    }
    let mut url = None;
    if let Some(path) = text("path") {
        // A path is a source of its own, relative to the project, as pvm writes them; Poetry
        // installs it editable only with `develop = true`.
        out.sources.insert(
            name.to_string(),
            foreign::path_source(table, path, "develop"),
        );
        spec.clear();
    } else if let Some(git) = text("git") {
        url = Some(foreign::git_reference(
            git,
            text("rev").or(text("tag")).or(text("branch")),
            text("subdirectory"),
        ));
    } else if let Some(direct) = text("url") {
        url = Some(direct.to_string());
    }
    if let Some(source) = text("source")
        && let Some(index) = sources.explicit.get(source)
        && !out.extra_index_urls.contains(index)
    {
        out.extra_index_urls.push(index.clone());
        out.unsupported.push(format!(
            "[[tool.poetry.source]] `{source}` is explicit (only for the packages that name it): pvm searches it as an extra index for every package"
        ));
    }
    let requirement = foreign::requirement(name, &extras, &spec, url.as_deref(), &markers)
        .map_err(|err| format!("{at}: {err}"))?;
    Ok(vec![Dependency {
        requirement,
        optional: table
            .get("optional")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false),
    }])
}

fn pep_name(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

/// A Poetry constraint as a PEP 440 specifier (empty: any version), by poetry-core's rules:
/// `^1.2.3` is `>=1.2.3,<2.0.0`, `^0.2.3` `>=0.2.3,<0.3.0`, `~1.2` `>=1.2,<1.3`, `1.2.*`
/// `==1.2.*`, `*` any, a bare version `==`, `,` or a space between parts "and". PEP 440 has no
/// "or": `A || B` is read as the lowest lower bound of its parts, with a note that says so.
pub fn constraint(text: &str) -> Result<(String, Option<String>), String> {
    let text = text.trim();
    let alternatives: Vec<&str> = split_or(text);
    let mut converted = Vec::new();
    for alternative in &alternatives {
        let alternative = alternative.trim().trim_end_matches(',').trim();
        let mut parts = Vec::new();
        for part in split_and(alternative) {
            let single = single(&part)
                .map_err(|err| format!("cannot read the constraint `{text}`: {err}"))?;
            if !single.is_empty() {
                parts.push(single);
            }
        }
        converted.push(parts.join(","));
    }
    if converted.len() == 1 {
        return Ok((converted.remove(0), None));
    }
    // The union's hull from below: the lowest lower bound (none when a part has none).
    let mut lowest: Option<(pep::Version, String)> = None;
    for spec in &converted {
        let lower = spec.split(',').find_map(|clause| {
            let version = clause
                .strip_prefix(">=")
                .or_else(|| clause.strip_prefix("=="))?;
            Some(version.trim_end_matches(".*").to_string())
        });
        let Some(lower) = lower else {
            lowest = None;
            break;
        };
        let version = pep::parse_version(&lower).map_err(|err| format!("`{text}`: {err}"))?;
        if lowest.as_ref().is_none_or(|(v, _)| version < *v) {
            lowest = Some((version, lower));
        }
    }
    let spec = lowest.map(|(_, v)| format!(">={v}")).unwrap_or_default();
    let shown = if spec.is_empty() {
        "any version"
    } else {
        &spec
    };
    Ok((
        spec.clone(),
        Some(format!("PEP 440 has no \"or\": read as `{shown}`")),
    ))
}

fn split_or(text: &str) -> Vec<&str> {
    text.split("||")
        .flat_map(|part| part.split('|'))
        .map(str::trim)
        .collect()
}

/// The "and" parts of one alternative: split at `,` and at spaces, except a space after an
/// operator (`>= 1.2`).
fn split_and(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for token in text.split([',', ' ']).filter(|t| !t.is_empty()) {
        let operator_only = |t: &str| t.chars().all(|c| "^~=<>!".contains(c));
        match parts.last_mut() {
            Some(last) if operator_only(last) => last.push_str(token),
            _ => parts.push(token.to_string()),
        }
    }
    parts
}

/// One constraint, e.g. `^1.2`, `~1.2.3`, `>=1,<2`'s `>=1`, `1.2.*`, `*`.
fn single(text: &str) -> Result<String, String> {
    let text = text.trim();
    let any = text
        .trim_start_matches(['v', 'V'])
        .split('.')
        .all(|part| matches!(part, "*" | "x" | "X"));
    if text.is_empty() || any {
        return Ok(String::new());
    }
    if let Some(version) = text.strip_prefix('^') {
        let (lower, release) = release(version)?;
        return Ok(format!(">={lower},<{}", join(&next_breaking(&release))));
    }
    if let Some(version) = text.strip_prefix('~')
        && !version.starts_with('=')
    {
        let (lower, release) = release(version)?;
        let high = match release.len() {
            1 => next_major(&release),
            _ => next_minor(&release),
        };
        return Ok(format!(">={lower},<{}", join(&high)));
    }
    // Wildcards: `1.2.*`, `==1.2.*`, `!=1.2.*` are PEP 440 as written.
    for op in ["~=", "==", "!=", "<=", ">=", "<>", "<", ">", "="] {
        if let Some(version) = text.strip_prefix(op) {
            let op = match op {
                "=" => "==",
                "<>" => "!=",
                op => op,
            };
            let version = version.trim().trim_start_matches(['v', 'V']);
            pep::parse_specifiers(&format!("{op}{version}")).map_err(|err| err.to_string())?;
            return Ok(format!("{op}{version}"));
        }
    }
    let version = text.trim_start_matches(['v', 'V']);
    pep::parse_specifiers(&format!("=={version}")).map_err(|err| err.to_string())?;
    Ok(format!("=={version}"))
}

/// The version as written (for the lower bound) and its release numbers.
fn release(text: &str) -> Result<(String, Vec<u64>), String> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let version = pep::parse_version(text)?;
    Ok((text.to_string(), version.release().to_vec()))
}

/// poetry-core's `Version.next_breaking`: the next major, unless the major is 0 (then the next
/// minor, unless that is 0 too and a patch is given: the next patch).
fn next_breaking(release: &[u64]) -> Vec<u64> {
    match release {
        [major, ..] if *major > 0 => next_major(release),
        [_] => next_major(release),
        [_, minor, ..] if *minor > 0 => next_minor(release),
        [_, _] => next_minor(release),
        _ => next_patch(release),
    }
}

/// The parts given keep their number: `1` -> `2`, `1.2.3` -> `2.0.0`.
fn next_major(release: &[u64]) -> Vec<u64> {
    let mut next = vec![release[0] + 1];
    next.extend(std::iter::repeat_n(0, release.len() - 1));
    next
}

fn next_minor(release: &[u64]) -> Vec<u64> {
    let mut next = vec![release[0], release.get(1).map_or(1, |minor| minor + 1)];
    next.extend(std::iter::repeat_n(0, release.len().saturating_sub(2)));
    next
}

fn next_patch(release: &[u64]) -> Vec<u64> {
    let mut next = vec![
        release[0],
        release.get(1).copied().unwrap_or(0),
        release.get(2).map_or(1, |patch| patch + 1),
    ];
    next.extend(std::iter::repeat_n(0, release.len().saturating_sub(3)));
    next
}

fn join(release: &[u64]) -> String {
    release
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> String {
        constraint(text).unwrap().0
    }

    #[test]
    fn caret_follows_poetry_core() {
        assert_eq!(c("^1.2.3"), ">=1.2.3,<2.0.0");
        assert_eq!(c("^1.2"), ">=1.2,<2.0");
        assert_eq!(c("^1"), ">=1,<2");
        assert_eq!(c("^0.2.3"), ">=0.2.3,<0.3.0");
        assert_eq!(c("^0.2"), ">=0.2,<0.3");
        assert_eq!(c("^0.0.3"), ">=0.0.3,<0.0.4");
        assert_eq!(c("^0.0"), ">=0.0,<0.1");
        assert_eq!(c("^0"), ">=0,<1");
        assert_eq!(c("^1.2.3.4"), ">=1.2.3.4,<2.0.0.0");
        assert_eq!(c("^2.0b1"), ">=2.0b1,<3.0");
    }

    #[test]
    fn tilde_follows_poetry_core() {
        assert_eq!(c("~1.2.3"), ">=1.2.3,<1.3.0");
        assert_eq!(c("~1.2"), ">=1.2,<1.3");
        assert_eq!(c("~1"), ">=1,<2");
        assert_eq!(c("~=1.2"), "~=1.2");
    }

    #[test]
    fn wildcards_bare_versions_and_operators() {
        assert_eq!(c("*"), "");
        assert_eq!(c("x.x"), "");
        assert_eq!(c(""), "");
        assert_eq!(c("1.2.*"), "==1.2.*");
        assert_eq!(c("==1.2.*"), "==1.2.*");
        assert_eq!(c("!=1.2.*"), "!=1.2.*");
        assert_eq!(c("1.2.3"), "==1.2.3");
        assert_eq!(c("=1.2.3"), "==1.2.3");
        assert_eq!(c("==2.31.0"), "==2.31.0");
        assert_eq!(c(">=1.2,<2"), ">=1.2,<2");
        assert_eq!(c(">= 1.2 < 2"), ">=1.2,<2");
        assert_eq!(c(">=1.2, !=1.5"), ">=1.2,!=1.5");
        assert_eq!(c("<>1.0"), "!=1.0");
        assert!(constraint("^banana").is_err());
    }

    #[test]
    fn or_is_read_as_its_lowest_bound_with_a_note() {
        let (spec, note) = constraint("^2.7 || ^3.6").unwrap();
        assert_eq!(spec, ">=2.7");
        assert!(note.unwrap().contains("no \"or\""));
        let (spec, _) = constraint(">=3.8,<3.9 | >=3.10").unwrap();
        assert_eq!(spec, ">=3.8");
    }

    fn table(text: &str) -> toml::Table {
        let whole: toml::Table = toml::from_str(text).unwrap();
        whole["tool"]["poetry"].as_table().unwrap().clone()
    }

    #[test]
    fn poetry_1_tables_become_requirements_groups_and_extras() {
        let imported = read(&table(
            r#"
[tool.poetry]
name = "app"
version = "0.1.0"
[tool.poetry.dependencies]
python = "^3.9"
requests = "^2.31"
Django = { version = "~4.2", extras = ["argon2"] }
pywin32 = { version = "*", platform = "win32" }
tomli = { version = ">=1.1", python = "<3.11" }
attrs = { version = "^23", markers = "implementation_name == 'cpython'" }
orjson = { version = "^3.9", optional = true }
lib = { path = "../lib", develop = true }
tool = { git = "https://example.org/tool.git", tag = "v1" }
numpy = [
  { version = "^1.26", python = ">=3.9,<3.12" },
  { version = "^2.0", python = ">=3.12" },
]
[tool.poetry.extras]
fast = ["orjson"]
[tool.poetry.dev-dependencies]
pytest = "^8"
[tool.poetry.group.docs]
optional = true
[tool.poetry.group.docs.dependencies]
sphinx = "^7"
[tool.poetry.group.lint.dependencies]
ruff = "0.4.*"
"#,
        ))
        .unwrap();
        assert_eq!(imported.requires_python.as_deref(), Some(">=3.9,<4.0"));
        let main: Vec<String> = imported
            .dependencies
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            main,
            [
                "django[argon2]>=4.2,<4.3",
                "attrs>=23,<24 ; implementation_name == 'cpython'",
                "lib",
                "numpy>=1.26,<2.0 ; python_full_version >= '3.9' and python_full_version < '3.12'",
                "numpy>=2.0,<3.0 ; python_full_version >= '3.12'",
                "pywin32 ; sys_platform == 'win32'",
                "requests>=2.31,<3.0",
                "tomli>=1.1 ; python_full_version < '3.11'",
                "tool @ git+https://example.org/tool.git@v1",
            ]
        );
        assert_eq!(imported.extras["fast"][0].to_string(), "orjson>=3.9,<4.0");
        assert_eq!(imported.groups["dev"][0].to_string(), "pytest>=8,<9");
        assert_eq!(imported.groups["docs"][0].to_string(), "sphinx>=7,<8");
        assert_eq!(imported.groups["lint"][0].to_string(), "ruff==0.4.*");
        // Poetry installs every group that is not optional.
        assert_eq!(imported.default_groups.unwrap(), ["dev", "lint"]);
        assert_eq!(imported.sources["lib"].path.as_deref(), Some("../lib"));
        assert_eq!(imported.sources["lib"].editable, Some(true));
        assert!(
            imported.unsupported.is_empty(),
            "{:?}",
            imported.unsupported
        );
    }

    #[test]
    fn keys_pvm_does_not_read_are_named_once() {
        let imported = read(&table(
            r#"
[tool.poetry]
requires-plugins = { x = "1" }
package-mode = false
[tool.poetry.dependencies]
a = { version = "1", allow-prereleases = true }
b = { version = "1", allow-prereleases = true }
"#,
        ))
        .unwrap();
        assert_eq!(imported.package, Some(false));
        assert_eq!(
            imported.unsupported,
            [
                "[tool.poetry]: pvm does not read `requires-plugins`",
                "[tool.poetry] dependencies: pvm does not read `allow-prereleases` in a dependency's table",
            ]
        );
    }

    #[test]
    fn sources_become_indexes() {
        let imported = read(&table(
            r#"
[tool.poetry]
[[tool.poetry.source]]
name = "corp"
url = "https://corp.example/simple"
priority = "primary"
[[tool.poetry.source]]
name = "extra"
url = "https://extra.example/simple"
priority = "supplemental"
"#,
        ))
        .unwrap();
        assert_eq!(
            imported.index_url.as_deref(),
            Some("https://corp.example/simple")
        );
        assert_eq!(imported.extra_index_urls, ["https://extra.example/simple"]);
    }
}
