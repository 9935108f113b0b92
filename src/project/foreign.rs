//! What another tool's manifest says, in pvm's terms: read by [`super::poetry`],
//! [`super::pipfile`] and [`super::uv_tool`], merged into the [`super::Manifest`] by its
//! reader, and written out as PEP 621 by `pvm init --migrate`.

use std::collections::BTreeMap;

use super::path_sources::SourceEntry;
use super::settings::Script;
use crate::pep::{self, Requirement};

/// A manifest of another tool, as pvm's model: requirements, groups and requires-python, with
/// the settings that have the same meaning in `[tool.pvm]`.
#[derive(Debug, Default, Clone)]
pub struct Imported {
    /// Which tool's tables these are, as the messages name them (`[tool.poetry]`, `Pipfile`).
    pub origin: &'static str,
    /// The project's name, where the tool writes one (`[tool.poetry] name`).
    pub name: Option<String>,
    /// PEP 440, e.g. `>=3.9,<4.0`.
    pub requires_python: Option<String>,
    /// The interpreter the tool was told to use (`[requires] python_version` of a Pipfile).
    pub python: Option<String>,
    /// `None` when the tool's tables hold no main dependencies at all.
    pub dependencies: Option<Vec<Requirement>>,
    pub extras: BTreeMap<String, Vec<Requirement>>,
    pub groups: BTreeMap<String, Vec<Requirement>>,
    /// The groups a plain install takes (`[tool.uv] default-groups`, Poetry's non-optional
    /// groups); `None`: pvm's own rule (the `dev` group).
    pub default_groups: Option<Vec<String>>,
    /// Path sources, in `[tool.pvm.sources]`'s shape.
    pub sources: BTreeMap<String, SourceEntry>,
    /// Direct references by package name (`git+https://…@v1`, a URL): given to every
    /// requirement of that name that has none (uv's git and URL sources).
    pub direct: BTreeMap<String, String>,
    pub index_url: Option<String>,
    pub extra_index_urls: Vec<String>,
    pub scripts: BTreeMap<String, Script>,
    pub package: Option<bool>,
    pub conflicts: Option<toml::Value>,
    /// One sentence per thing pvm does not read, each naming the key: printed once as a
    /// warning, never dropped silently.
    pub unsupported: Vec<String>,
}

/// A PEP 508 requirement built from its parts; `spec` is PEP 440 (empty for any version),
/// `url` a direct reference.
pub fn requirement(
    name: &str,
    extras: &[String],
    spec: &str,
    url: Option<&str>,
    markers: &[String],
) -> Result<Requirement, String> {
    let mut text = name.to_string();
    if !extras.is_empty() {
        text.push_str(&format!("[{}]", extras.join(",")));
    }
    match url {
        Some(url) => text.push_str(&format!(" @ {url}")),
        None if !spec.is_empty() => text.push_str(spec),
        None => {}
    }
    let markers: Vec<String> = markers
        .iter()
        .filter(|m| !m.trim().is_empty())
        .map(|m| match markers.len() {
            1 => m.trim().to_string(),
            _ => format!("({})", m.trim()),
        })
        .collect();
    if !markers.is_empty() {
        text.push_str(&format!(" ; {}", markers.join(" and ")));
    }
    pep::parse_requirement(&text).map_err(|err| format!("`{text}`: {err}"))
}

/// A PEP 440 specifier on the interpreter as a marker: `>=3.8,<4.0` is
/// `python_version >= "3.8" and python_version < "4.0"` (`python_full_version` where the
/// version has three parts).
pub fn python_marker(spec: &str) -> String {
    spec.split(',')
        .map(str::trim)
        .filter(|clause| !clause.is_empty())
        .map(|clause| {
            let split = clause
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(clause.len());
            let (op, version) = clause.split_at(split);
            let op = match op.trim() {
                "" | "=" => "==",
                op => op,
            };
            let parts = version.trim_end_matches(".*").split('.').count();
            let variable = if parts > 2 || version.ends_with(".*") {
                "python_full_version"
            } else {
                "python_version"
            };
            format!("{variable} {op} \"{version}\"")
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// A path source of a tool's dependency table, installed editable when its key `editable`
/// (Poetry's `develop`) is true: the tools install a path as a copy by default.
pub fn path_source(table: &toml::Table, path: &str, editable: &str) -> SourceEntry {
    SourceEntry {
        path: Some(path.to_string()),
        editable: Some(
            table
                .get(editable)
                .and_then(toml::Value::as_bool)
                .unwrap_or(false),
        ),
        ..SourceEntry::default()
    }
}

/// A git direct reference: `git+URL@rev#subdirectory=…`.
pub fn git_reference(git: &str, rev: Option<&str>, subdirectory: Option<&str>) -> String {
    let mut reference = format!("git+{}", git.strip_prefix("git+").unwrap_or(git));
    if let Some(rev) = rev {
        reference.push_str(&format!("@{rev}"));
    }
    if let Some(sub) = subdirectory {
        reference.push_str(&format!("#subdirectory={sub}"));
    }
    reference
}

/// Names a table's keys pvm does not read, once: `[tool.uv]: pvm does not read `a`, `b``.
pub fn not_read(origin: &str, keys: &[String], why: &str) -> Option<String> {
    if keys.is_empty() {
        return None;
    }
    let keys: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    Some(format!(
        "{origin}: pvm does not read {}{why}",
        keys.join(", ")
    ))
}

/// The strings of a TOML array (`extras = ["a", "b"]`); anything else is an error.
pub fn strings(value: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    match value {
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(text) => Ok(text.clone()),
                other => Err(format!("{what}: `{other}` is not a string")),
            })
            .collect(),
        toml::Value::String(text) => Ok(vec![text.clone()]),
        other => Err(format!("{what}: `{other}` is not a list of strings")),
    }
}

impl Imported {
    /// Adds what this tool's tables say to `manifest`, where the manifest does not say it
    /// itself: PEP 621 and PEP 735 tables and `[tool.pvm]` win. The keys pvm does not read
    /// become the manifest's warnings.
    pub fn merge_into(self, manifest: &mut super::Manifest) -> Result<(), String> {
        use super::GroupItem;
        let origin = self.origin;
        let mut used = false;
        if manifest.requires_python.is_none()
            && let Some(spec) = &self.requires_python
        {
            manifest.requires_python = Some(
                pep::parse_specifiers(spec)
                    .map_err(|err| format!("{origin}: python `{spec}`: {err}"))?,
            );
            used = true;
        }
        if manifest.name.is_none() {
            manifest.name = self.name.clone();
        }
        if manifest.dependencies.is_empty()
            && let Some(dependencies) = self.dependencies
        {
            used |= !dependencies.is_empty();
            manifest.dependencies = dependencies;
            // Read here: no build needs to be asked for them.
            manifest.dynamic.dependencies = false;
        }
        if !self.extras.is_empty() {
            manifest.dynamic.optional_dependencies = false;
        }
        for (extra, requirements) in self.extras {
            manifest
                .optional_dependencies
                .entry(extra)
                .or_insert(requirements);
            used = true;
        }
        let known: Vec<String> = manifest
            .dependency_groups
            .keys()
            .map(|g| normalized(g))
            .collect();
        for (group, requirements) in self.groups {
            if !known.contains(&normalized(&group)) {
                let items = requirements.into_iter().map(GroupItem::Requirement);
                manifest.dependency_groups.insert(group, items.collect());
                used = true;
            }
        }
        if manifest.default_groups.is_none() {
            manifest.default_groups = self.default_groups;
        }
        let settings = &mut manifest.settings;
        for (name, entry) in self.sources {
            let taken = settings
                .sources
                .keys()
                .any(|k| normalized(k) == normalized(&name));
            if !taken {
                settings.sources.insert(name, entry);
            }
        }
        if settings.python.is_none() {
            settings.python = self.python;
        }
        if settings.index_url.is_none() {
            settings.index_url = self.index_url;
        }
        for url in self.extra_index_urls {
            if !settings.extra_index_urls.contains(&url) {
                settings.extra_index_urls.push(url);
            }
        }
        for (name, script) in self.scripts {
            settings.scripts.entry(name).or_insert(script);
        }
        if settings.package.is_none() {
            settings.package = self.package;
        }
        if settings.conflicts.is_empty()
            && let Some(conflicts) = self.conflicts
        {
            settings.conflicts = conflicts
                .try_into()
                .map_err(|err| format!("{origin} conflicts: {err}"))?;
        }
        if !self.direct.is_empty() {
            let direct: BTreeMap<String, String> = self
                .direct
                .into_iter()
                .map(|(name, url)| (normalized(&name), url))
                .collect();
            let located = |requirement: &mut Requirement| -> Result<(), String> {
                let bare = !matches!(requirement.version_or_url, Some(pep::VersionOrUrl::Url(_)));
                if let Some(url) = direct.get(&normalized(requirement.name.as_ref()))
                    && bare
                {
                    *requirement = pep::with_url(requirement, url)
                        .map_err(|err| format!("{origin} sources {}: {err}", requirement.name))?;
                }
                Ok(())
            };
            for requirement in manifest.dependencies.iter_mut() {
                located(requirement)?;
            }
            for requirement in manifest.optional_dependencies.values_mut().flatten() {
                located(requirement)?;
            }
            for item in manifest.dependency_groups.values_mut().flatten() {
                if let GroupItem::Requirement(requirement) = item {
                    located(requirement)?;
                }
            }
        }
        if used && !manifest.read_from.contains(&origin) {
            manifest.read_from.push(origin);
        }
        manifest.warnings.extend(self.unsupported);
        Ok(())
    }
}

fn normalized(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_built_from_parts() {
        let r = requirement(
            "Req",
            &["socks".into()],
            ">=2,<3",
            None,
            &["sys_platform == 'linux'".into()],
        )
        .unwrap();
        assert_eq!(r.to_string(), "req[socks]>=2,<3 ; sys_platform == 'linux'");
        let r = requirement("a", &[], "", Some("https://x.org/a-1.tar.gz"), &[]).unwrap();
        assert_eq!(r.to_string(), "a @ https://x.org/a-1.tar.gz");
    }

    #[test]
    fn python_specifiers_become_markers() {
        assert_eq!(
            python_marker(">=3.8,<4.0"),
            "python_version >= \"3.8\" and python_version < \"4.0\""
        );
        assert_eq!(python_marker(">=3.8.1"), "python_full_version >= \"3.8.1\"");
        assert_eq!(python_marker("==3.9.*"), "python_full_version == \"3.9.*\"");
    }
}
