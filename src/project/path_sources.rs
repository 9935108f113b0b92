//! `[tool.pvm.sources]`: where a requirement comes from when it is not the index, in the shape
//! of uv's `[tool.uv.sources]` (`lib = { path = "../lib" }`). The requirement stays a bare
//! name in `[project] dependencies`; the source gives it its location, written relative to the
//! project so that the manifest (and the lock made from it) hold in any checkout.
//!
//! Only path sources are supported: a folder (installed editable unless `editable = false`)
//! or an archive (a wheel or an sdist). git, URL and index sources are refused, with a hint.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Project;
use super::selection::SelectionError;
use crate::pep::{self, Requirement};

/// One entry of `[tool.pvm.sources]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SourceEntry {
    /// A folder or an archive (`.whl`, `.tar.gz`, `.zip`), relative to the project root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Install the folder editable (default: `true` for a folder; an archive never is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
    /// Not supported (uv's git source): refused with a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<String>,
    /// Not supported (uv's URL source): refused with a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Not supported (uv's index source): refused with a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Not supported (uv's workspace source): refused with a hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<bool>,
    /// Goes with `git`, refused with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Goes with `git`, refused with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Goes with `git`, refused with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// Goes with `git` or `url`, refused with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdirectory: Option<String>,
}

/// A path source found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// As written in the manifest, relative to the project root (what the lock records).
    pub written: String,
    /// Absolute and canonical: what resolvers and installers are handed.
    pub absolute: PathBuf,
    /// A folder installed editable.
    pub editable: bool,
}

impl Located {
    pub fn is_folder(&self) -> bool {
        self.absolute.is_dir()
    }
}

/// The source entry for the requirement named `name`, if the manifest has one.
pub fn entry_for<'a>(project: &'a Project, name: &str) -> Option<(&'a str, &'a SourceEntry)> {
    let wanted = normalized(name);
    project
        .manifest
        .settings
        .sources
        .iter()
        .find(|(key, _)| normalized(key) == wanted)
        .map(|(key, entry)| (key.as_str(), entry))
}

/// Finds the source of `name` relative to the project root: a missing path, or a kind of
/// source pvm does not support, is an error naming the entry.
pub fn locate(root: &Path, name: &str, entry: &SourceEntry) -> Result<Located, SelectionError> {
    let refused = [
        ("git", entry.git.is_some()),
        ("url", entry.url.is_some()),
        ("index", entry.index.is_some()),
        ("workspace", entry.workspace.is_some()),
    ];
    if let Some((kind, _)) = refused.iter().find(|(_, set)| *set) {
        return Err(SelectionError::UnsupportedSource {
            name: name.to_string(),
            kind,
        });
    }
    let Some(written) = &entry.path else {
        return Err(SelectionError::UnsupportedSource {
            name: name.to_string(),
            kind: "empty",
        });
    };
    let joined = root.join(written);
    let absolute = joined
        .canonicalize()
        .map_err(|_| SelectionError::MissingSource {
            name: name.to_string(),
            written: written.clone(),
            looked_at: normalize_lexically(&joined),
        })?;
    let editable = absolute.is_dir() && entry.editable.unwrap_or(true);
    Ok(Located {
        written: written.clone(),
        absolute,
        editable,
    })
}

/// The requirements with their sources applied: a requirement whose name has a path source
/// becomes `name[extras] @ file:///<absolute> ; marker`, which every resolver and installer
/// reads; the others are kept as they are.
pub fn apply(
    project: &Project,
    requirements: Vec<Requirement>,
) -> Result<Vec<Requirement>, SelectionError> {
    if project.manifest.settings.sources.is_empty() {
        return Ok(requirements);
    }
    requirements
        .into_iter()
        .map(|requirement| {
            let Some((key, entry)) = entry_for(project, requirement.name.as_ref()) else {
                return Ok(requirement);
            };
            let located = locate(&project.root, key, entry)?;
            let url = crate::fsutil::path_to_file_url(&located.absolute);
            pep::with_url(&requirement, &url).map_err(|reason| SelectionError::BadSource {
                name: key.to_string(),
                reason,
            })
        })
        .collect()
}

/// Every path source of the project that is found, by normalized name: how the lock writes
/// the packages they give (relative, editable or not).
pub fn located_all(project: &Project) -> Vec<(String, Located)> {
    project
        .manifest
        .settings
        .sources
        .iter()
        .filter_map(|(name, entry)| {
            let located = locate(&project.root, name, entry).ok()?;
            Some((normalized(name), located))
        })
        .collect()
}

/// The normalized names whose source is a folder installed editable.
pub fn editable_names(project: &Project) -> std::collections::BTreeSet<String> {
    located_all(project)
        .into_iter()
        .filter(|(_, located)| located.editable)
        .map(|(name, _)| name)
        .collect()
}

/// `target` relative to the folder `base` (both absolute and canonical): `../lib`,
/// `dist/foo.whl`; `None` when no relative path joins them (another root).
pub fn relative_to(target: &Path, base: &Path) -> Option<String> {
    let target: Vec<Component> = target.components().collect();
    let base: Vec<Component> = base.components().collect();
    if target.first() != base.first() {
        return None;
    }
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// `a/./b/../c` as `a/c`, without touching the file system: for an error about a path that
/// is not there.
fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn normalized(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hint::Hint;

    #[test]
    fn relative_paths_climb_and_descend() {
        let rel = |t: &str, b: &str| relative_to(Path::new(t), Path::new(b));
        assert_eq!(rel("/w/lib", "/w/proj").as_deref(), Some("../lib"));
        assert_eq!(
            rel("/w/proj/dist/a.whl", "/w/proj").as_deref(),
            Some("dist/a.whl")
        );
        assert_eq!(rel("/w/proj", "/w/proj").as_deref(), Some("."));
        assert_eq!(rel("/a/b/c", "/a/x/y").as_deref(), Some("../../b/c"));
    }

    #[test]
    fn refused_kinds_are_named() {
        let entry = SourceEntry {
            git: Some("https://example.org/lib.git".into()),
            ..SourceEntry::default()
        };
        let err = locate(Path::new("/"), "lib", &entry).unwrap_err();
        assert!(err.to_string().contains("git"), "{err}");
        assert!(err.hint().unwrap().contains("path"), "{:?}", err.hint());
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Unix absolute paths (/tmp) are not absolute on Windows"
    )]
    fn a_missing_path_says_where_it_looked() {
        let entry = SourceEntry {
            path: Some("../nowhere/lib".into()),
            ..SourceEntry::default()
        };
        let err = locate(Path::new("/tmp/proj"), "lib", &entry).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/tmp/nowhere/lib") && text.contains("../nowhere/lib"),
            "{text}"
        );
    }
}
