//! `Pipfile.lock` as pvm's lock: `default` is the dependencies, `develop` the group `dev`,
//! another category the group of its name. Current by pipenv's rule: `_meta.hash.sha256` is
//! the sha256 of the Pipfile's sources, requires and package tables as `json.dumps(…,
//! sort_keys=True, separators=(",", ":"))` writes them (plette's `Pipfile.get_hash`; pipenv
//! 2026 with package names normalized, which is also accepted). The lock has only hashes:
//! the files are those of the find-links folders and the index pages with those hashes.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::files::Finder;
use super::pyjson;
use crate::lock::pylock::{PyLock, all_of, any_of};
use crate::pep;

pub const FILE: &str = "Pipfile.lock";

/// The sections of a Pipfile that are no package category.
const SECTIONS: &[&str] = &[
    "source",
    "packages",
    "dev-packages",
    "requires",
    "scripts",
    "pipfile",
    "pipenv",
    "default",
    "develop",
];

/// The Pipfile's hash as pipenv writes it (`normalized`: package names as PEP 503 says).
pub fn pipfile_hash(pipfile: &toml::Table, normalized: bool) -> String {
    let section = |name: &str| -> toml::Value {
        let table = pipfile
            .get(name)
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        if !normalized {
            return toml::Value::Table(table);
        }
        toml::Value::Table(
            table
                .into_iter()
                .map(|(key, value)| (pep::normalize_name(&key).unwrap_or(key), value))
                .collect(),
        )
    };
    // plette puts PyPI in when the Pipfile names no source.
    let sources = pipfile.get("source").cloned().unwrap_or_else(|| {
        let mut pypi = toml::Table::new();
        pypi.insert("name".into(), "pypi".into());
        pypi.insert("url".into(), "https://pypi.org/simple".into());
        pypi.insert("verify_ssl".into(), true.into());
        toml::Value::Array(vec![toml::Value::Table(pypi)])
    });
    let mut meta = toml::Table::new();
    meta.insert("sources".into(), sources);
    meta.insert(
        "requires".into(),
        pipfile
            .get("requires")
            .cloned()
            .unwrap_or(toml::Value::Table(toml::Table::new())),
    );
    let mut data = toml::Table::new();
    data.insert("_meta".into(), toml::Value::Table(meta));
    data.insert("default".into(), section("packages"));
    data.insert("develop".into(), section("dev-packages"));
    for category in pipfile.keys() {
        if !SECTIONS.contains(&category.as_str()) {
            data.insert(category.clone(), section(category));
        }
    }
    let json = pyjson::dumps(&toml::Value::Table(data), ",", ":");
    Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `None` when the lock is current for the Pipfile, else why not.
pub fn stale(lock: &serde_json::Value, pipfile: &toml::Table) -> Option<String> {
    let Some(hash) = lock["_meta"]["hash"]["sha256"].as_str() else {
        return Some("it has no _meta.hash".into());
    };
    let current = hash == pipfile_hash(pipfile, true) || hash == pipfile_hash(pipfile, false);
    (!current).then(|| "the Pipfile changed since (its hash differs)".into())
}

/// Each category's packages: (group, name, entry); the group `None` for `default`.
fn entries(
    lock: &serde_json::Value,
) -> impl Iterator<Item = (Option<String>, &String, &serde_json::Value)> {
    lock.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(category, packages)| {
            let group = match category.as_str() {
                "_meta" => return Vec::new(),
                "default" => None,
                "develop" => Some("dev".to_string()),
                other => Some(other.to_string()),
            };
            packages
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, entry)| (group.clone(), name, entry))
                .collect::<Vec<_>>()
        })
}

/// The locked versions by name, for a re-lock to keep.
pub fn pins(lock: &serde_json::Value) -> BTreeMap<String, String> {
    entries(lock)
        .filter_map(|(_, name, entry)| {
            let version = entry["version"].as_str()?.strip_prefix("==")?;
            Some((name.clone(), version.to_string()))
        })
        .collect()
}

/// The lock as pvm's: a package's marker is that of each category it is in, and-ed with its
/// selection; its files those with the lock's hashes.
pub fn convert(lock: &serde_json::Value, finder: &mut Finder) -> Result<PyLock, String> {
    let mut out = super::new_lock("pipenv");
    let sources: BTreeMap<&str, &str> = lock["_meta"]["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|source| Some((source["name"].as_str()?, source["url"].as_str()?)))
        .collect();
    // One entry per name: the markers of every category it is in.
    let mut markers: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    let mut chosen: BTreeMap<String, &serde_json::Value> = BTreeMap::new();
    let mut groups: Vec<String> = Vec::new();
    for (group, name, entry) in entries(lock) {
        let selection = group.as_ref().map(|g| {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
            format!("'{g}' in dependency_groups")
        });
        let environment = entry["markers"].as_str().map(str::to_string);
        markers
            .entry(name.clone())
            .or_default()
            .push(all_of(selection, environment));
        chosen.entry(name.clone()).or_insert(entry);
    }
    for (name, entry) in chosen {
        if entry.get("path").is_some() || entry.get("git").is_some() || entry.get("file").is_some()
        {
            return Err(format!(
                "{name} comes from a path, git or file source, which pvm does not install from Pipfile.lock"
            ));
        }
        let version = entry["version"]
            .as_str()
            .and_then(|v| v.strip_prefix("=="))
            .ok_or(format!("{name} has no `==` version"))?;
        let hashes: Vec<&str> = entry["hashes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str()?.strip_prefix("sha256:"))
            .collect();
        let index = entry["index"]
            .as_str()
            .and_then(|i| sources.get(i).copied());
        let mut package = super::package(&name, version, any_of(&markers[&name]))?;
        for mut candidate in finder.candidates(&name, version, index)? {
            let Some(sha256) = candidate.sha256() else {
                continue;
            };
            if !hashes.contains(&sha256.as_str()) {
                continue;
            }
            if candidate.is_wheel() {
                package.wheels.push(candidate.artifact(&sha256));
            } else {
                package.sdist = Some(candidate.artifact(&sha256));
            }
        }
        if package.wheels.is_empty() && package.sdist.is_none() {
            return Err(format!(
                "no file of {name} {version} with a hash the lock names is in the find-links folders or on the index{}",
                super::poetry_lock::failures(finder)
            ));
        }
        out.packages.push(package);
    }
    groups.sort();
    out.dependency_groups = groups;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipfile_hash_is_pipenvs() {
        let pipfile: toml::Table = toml::from_str(
            "[packages]\nRequests = \"==2.31.0\"\n[dev-packages]\npytest = \"*\"\n[requires]\npython_version = \"3.12\"\n",
        )
        .unwrap();
        // python3 -c 'import json,hashlib; d={"_meta": {"sources": [{"name": "pypi", "url":
        //   "https://pypi.org/simple", "verify_ssl": True}], "requires": {"python_version":
        //   "3.12"}}, "default": {"requests": "==2.31.0"}, "develop": {"pytest": "*"}};
        //   print(hashlib.sha256(json.dumps(d, sort_keys=True, separators=(",", ":")).encode()).hexdigest())'
        assert_eq!(
            pipfile_hash(&pipfile, true),
            "941901a40c583c4dc71896df6d276d7d53c0bedd59e2a8ee727a2f2fcbbcf116"
        );
        assert_eq!(
            pipfile_hash(&pipfile, false),
            "0e8106e4a538c69afe190e02b716eb9fceedad095b83bb9bdef1eef69b6b68d2"
        );
    }
}
