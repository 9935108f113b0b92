//! `poetry.lock` (Poetry 2, `lock-version` 2.1: each package says its groups and markers) as
//! pvm's lock. Current by Poetry's rule: its `content-hash` is the sha256 of the manifest's
//! relevant tables as `json.dumps(…, sort_keys=True)` writes them (poetry's
//! `Locker._get_content_hash`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::files::Finder;
use super::pyjson;
use crate::lock::pylock::{Directory, PyLock, all_of, any_of};

pub const FILE: &str = "poetry.lock";

const LEGACY_KEYS: &[&str] = &["dependencies", "source", "extras", "dev-dependencies"];
const PROJECT_KEYS: &[&str] = &["requires-python", "dependencies", "optional-dependencies"];

/// Poetry's content hash of the manifest `pyproject` (`with_groups`: with
/// `[dependency-groups]`, as Poetry 2.2 and later hash it).
pub fn content_hash(pyproject: &toml::Table, with_groups: bool) -> String {
    let empty = toml::Table::new();
    let table = |value: Option<&toml::Value>| value.and_then(toml::Value::as_table).cloned();
    let project = table(pyproject.get("project")).unwrap_or_default();
    let groups = match with_groups {
        true => table(pyproject.get("dependency-groups")).unwrap_or_default(),
        false => empty.clone(),
    };
    let poetry = pyproject
        .get("tool")
        .and_then(|tool| tool.get("poetry"))
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut relevant_project = toml::Table::new();
    for key in PROJECT_KEYS {
        if let Some(value) = project.get(*key) {
            relevant_project.insert(key.to_string(), value.clone());
        }
    }
    // `None` is JSON's null, which TOML lacks: kept aside and written by hand.
    let mut relevant_poetry: Vec<(String, Option<toml::Value>)> = Vec::new();
    for key in LEGACY_KEYS.iter().chain(&["group"]) {
        let value = poetry.get(*key).cloned();
        let legacy = LEGACY_KEYS.contains(key);
        if value.is_none() && (!legacy || !relevant_project.is_empty() || !groups.is_empty()) {
            continue;
        }
        relevant_poetry.push((key.to_string(), value));
    }
    let poetry_json = object(&relevant_poetry);
    let mut parts: Vec<(String, String)> = Vec::new();
    if !relevant_project.is_empty() {
        parts.push((
            "project".into(),
            pyjson::dumps(&toml::Value::Table(relevant_project), ", ", ": "),
        ));
    }
    if !groups.is_empty() {
        parts.push((
            "dependency-groups".into(),
            pyjson::dumps(&toml::Value::Table(groups), ", ", ": "),
        ));
    }
    let json = if parts.is_empty() {
        poetry_json
    } else {
        parts.push(("tool".into(), format!("{{\"poetry\": {poetry_json}}}")));
        parts.sort();
        let inner: Vec<String> = parts
            .iter()
            .map(|(key, value)| format!("\"{key}\": {value}"))
            .collect();
        format!("{{{}}}", inner.join(", "))
    };
    hex(&Sha256::digest(json.as_bytes()))
}

/// A JSON object of keys (plain ASCII) and values, `None` as null, keys sorted.
fn object(entries: &[(String, Option<toml::Value>)]) -> String {
    let mut entries: Vec<&(String, Option<toml::Value>)> = entries.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let inner: Vec<String> = entries
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Some(value) => pyjson::dumps(value, ", ", ": "),
                None => "null".into(),
            };
            format!("\"{key}\": {value}")
        })
        .collect();
    format!("{{{}}}", inner.join(", "))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `None` when the lock is current for `pyproject`, else why not.
pub fn stale(lock: &toml::Table, pyproject: &toml::Table) -> Option<String> {
    let metadata = lock.get("metadata").and_then(toml::Value::as_table);
    let Some(hash) = metadata
        .and_then(|m| m.get("content-hash"))
        .and_then(toml::Value::as_str)
    else {
        return Some("it has no content-hash".into());
    };
    if hash != content_hash(pyproject, true) && hash != content_hash(pyproject, false) {
        return Some("pyproject.toml changed since (its content-hash differs)".into());
    }
    let version = metadata
        .and_then(|m| m.get("lock-version"))
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let groups = version
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?)))
        .is_some_and(|v| v >= (2, 1));
    (!groups).then(|| {
        format!("it was written by Poetry 1 (lock-version {version}), which does not say which group needs what")
    })
}

/// The locked versions by name, for a re-lock to keep.
pub fn pins(lock: &toml::Table) -> BTreeMap<String, String> {
    packages(lock)
        .filter_map(|package| {
            Some((
                package.get("name")?.as_str()?.to_string(),
                package.get("version")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

fn packages(lock: &toml::Table) -> impl Iterator<Item = &toml::Table> {
    lock.get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
}

/// The lock as pvm's: each package's marker is its groups' (`main` is the dependencies,
/// another group `'g' in dependency_groups`), each with Poetry's environment marker for it;
/// its files found in the project's sources, with the lock's hashes.
pub fn convert(lock: &toml::Table, finder: &mut Finder) -> Result<PyLock, String> {
    let mut out = super::new_lock("poetry");
    if let Some(python) = lock
        .get("metadata")
        .and_then(|m| m.get("python-versions"))
        .and_then(toml::Value::as_str)
    {
        let (spec, _) = crate::project::poetry::constraint(python)?;
        out.requires_python = (!spec.is_empty()).then_some(spec);
    }
    let mut groups: Vec<String> = Vec::new();
    for package in packages(lock) {
        let text = |key: &str| package.get(key).and_then(toml::Value::as_str);
        let name = text("name").ok_or("a package has no name")?;
        let version = text("version").ok_or(format!("{name} has no version"))?;
        let in_groups = match package.get("groups") {
            Some(value) => crate::project::foreign::strings(value, name)?,
            None => vec!["main".to_string()],
        };
        let mut markers = Vec::new();
        for group in &in_groups {
            let environment = match package.get("markers") {
                Some(toml::Value::String(marker)) => Some(marker.clone()),
                Some(toml::Value::Table(by_group)) => by_group
                    .get(group)
                    .and_then(toml::Value::as_str)
                    .map(str::to_string),
                _ => None,
            };
            let selection = (group != "main").then(|| {
                if !groups.contains(group) {
                    groups.push(group.clone());
                }
                format!("'{group}' in dependency_groups")
            });
            markers.push(all_of(selection, environment.map(|m| extras_as_pep751(&m))));
        }
        let mut entry = super::package(name, version, any_of(&markers))?;
        let source = package.get("source").and_then(toml::Value::as_table);
        let source_text = |key: &str| {
            source
                .and_then(|s| s.get(key))
                .and_then(toml::Value::as_str)
        };
        match source_text("type") {
            Some("directory") | Some("file") => {
                let path =
                    source_text("url").ok_or(format!("{name}: a path source without url"))?;
                entry.version = None;
                entry.directory = Some(Directory {
                    path: path.to_string(),
                    editable: package.get("develop").and_then(toml::Value::as_bool),
                });
                out.packages.push(entry);
                continue;
            }
            Some(kind @ ("git" | "url")) => {
                return Err(format!(
                    "{name} comes from a {kind} source, which pvm does not install from a lock"
                ));
            }
            _ => {}
        }
        let index = source_text("url");
        let mut candidates = finder.candidates(name, version, index)?;
        let files = package
            .get("files")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten();
        for file in files {
            let Some(filename) = file.get("file").and_then(toml::Value::as_str) else {
                continue;
            };
            let Some(sha256) = file
                .get("hash")
                .and_then(toml::Value::as_str)
                .and_then(|h| h.strip_prefix("sha256:"))
            else {
                continue;
            };
            let Some(found) = candidates.iter_mut().find(|c| c.filename == filename) else {
                continue;
            };
            if found.is_wheel() {
                entry.wheels.push(found.artifact(sha256));
            } else {
                entry.sdist = Some(found.artifact(sha256));
            }
        }
        if entry.wheels.is_empty() && entry.sdist.is_none() {
            return Err(format!(
                "no file of {name} {version} that the lock names is in the find-links folders or on the index{}",
                failures(finder)
            ));
        }
        out.packages.push(entry);
    }
    groups.sort();
    out.dependency_groups = groups;
    if let Some(extras) = lock.get("extras").and_then(toml::Value::as_table) {
        out.extras = extras.keys().cloned().collect();
    }
    Ok(out)
}

/// Why index pages could not be read, for an error.
pub fn failures(finder: &Finder) -> String {
    match finder.failed.first() {
        Some(first) => format!(" ({first})"),
        None => String::new(),
    }
}

/// `extra == "x"` atoms as PEP 751's `'x' in extras`, as pvm's lock writes them.
pub fn extras_as_pep751(marker: &str) -> String {
    let mut out = String::new();
    let mut rest = marker;
    while let Some(at) = rest.find("extra ==") {
        out.push_str(&rest[..at]);
        let after = rest[at + "extra ==".len()..].trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        let Some(quote) = quote else {
            out.push_str("extra ==");
            rest = &rest[at + "extra ==".len()..];
            continue;
        };
        let Some(end) = after[1..].find(quote) else {
            out.push_str(&rest[at..]);
            return out;
        };
        out.push_str(&format!("'{}' in extras", &after[1..1 + end]));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn content_hash_is_poetrys() {
        // python3 -c 'import json,hashlib; print(hashlib.sha256(json.dumps({...},
        //   sort_keys=True).encode()).hexdigest())', on what Locker._get_content_hash keeps.
        let poetry1 = table(
            "[tool.poetry]\nname = \"a\"\n[tool.poetry.dependencies]\npython = \"^3.9\"\nrequests = \"^2.31\"\n",
        );
        // {"dependencies": {"python": "^3.9", "requests": "^2.31"}, "dev-dependencies": null,
        //  "extras": null, "source": null}
        assert_eq!(
            content_hash(&poetry1, true),
            "786d0ca677688c5a04ee14df90dcb6166b5acc8ad5e290b7d5e261ef2f7a26e6"
        );
        let poetry2 = table(
            "[project]\nname = \"a\"\nrequires-python = \">=3.9\"\ndependencies = [\"requests (>=2.31,<3.0)\"]\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n",
        );
        // {"project": {"dependencies": [...], "requires-python": ">=3.9"},
        //  "tool": {"poetry": {"group": {"dev": {"dependencies": {"pytest": "^8"}}}}}}
        assert_eq!(
            content_hash(&poetry2, true),
            "83ec6a8e3072e849c2c5998e9f888a5db9817920e94790221dbbb33a78ee018b"
        );
    }

    #[test]
    fn extra_atoms_become_pep_751() {
        assert_eq!(
            extras_as_pep751("python_version >= \"3.9\" and extra == \"fast\""),
            "python_version >= \"3.9\" and 'fast' in extras"
        );
        assert_eq!(
            extras_as_pep751("extra == 'a' or extra == \"b\""),
            "'a' in extras or 'b' in extras"
        );
    }
}
