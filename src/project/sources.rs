//! Package sources in force: `[tool.pvm]` overridden by `PVM_*` variables.

use std::path::Path;

use serde::Serialize;

use super::Project;

/// Package sources in force: `[tool.pvm]` overridden by `PVM_*` variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    pub index_url: Option<String>,
    pub extra_index_urls: Vec<String>,
    /// Folders made absolute against the project root, or URLs.
    pub find_links: Vec<String>,
    /// The same as written (relative folders stay relative): what a lock records, so that it
    /// holds in any checkout.
    #[serde(skip)]
    pub find_links_written: Vec<String>,
    pub no_index: bool,
    pub offline: bool,
}

impl Sources {
    pub fn for_project(project: &Project) -> Sources {
        let settings = &project.manifest.settings;
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        let flag = |name: &str, default: bool| {
            var(name).map_or(default, |value| parse_flag(&value).unwrap_or(default))
        };
        let find_links = var("PVM_FIND_LINKS")
            .map(|value| value.split_whitespace().map(String::from).collect())
            .unwrap_or_else(|| settings.find_links.clone());
        Sources {
            index_url: var("PVM_INDEX_URL").or_else(|| settings.index_url.clone()),
            extra_index_urls: settings.extra_index_urls.clone(),
            find_links: find_links
                .iter()
                .map(|link| resolve_link(link, &project.root))
                .collect(),
            find_links_written: find_links,
            no_index: flag("PVM_NO_INDEX", settings.no_index),
            offline: flag("PVM_OFFLINE", settings.offline),
        }
    }
}

impl Sources {
    /// The sources as written, relative folders kept: what a lock's inputs are made of.
    pub fn as_written(&self) -> Sources {
        Sources {
            find_links: self.find_links_written.clone(),
            ..self.clone()
        }
    }
}

/// A URL stays as it is; a folder is made absolute against the project root.
pub fn resolve_link(link: &str, root: &Path) -> String {
    if link.contains("://") {
        return link.to_string();
    }
    let path = link.strip_prefix("file:").unwrap_or(link);
    root.join(path).display().to_string()
}

/// The yes/no variables pvm reads, and whether each may be set.
pub const FLAG_VARIABLES: &[&str] = &["PVM_NO_INDEX", "PVM_OFFLINE"];
/// The variables that override the package sources of `[tool.pvm]`.
pub const SOURCE_VARIABLES: &[&str] = &[
    "PVM_INDEX_URL",
    "PVM_FIND_LINKS",
    "PVM_NO_INDEX",
    "PVM_OFFLINE",
];

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Checks the yes/no variables: a value that is neither is an error naming the variable,
/// never a silent `false`.
pub fn check_environment() -> Result<(), super::ProjectError> {
    for name in FLAG_VARIABLES {
        if let Some(value) = std::env::var(name).ok().filter(|v| !v.trim().is_empty())
            && parse_flag(&value).is_none()
        {
            return Err(super::ProjectError::BadVariable { name, value });
        }
    }
    Ok(())
}

/// The source variables set in the environment, as `NAME=value`: when an install finds no
/// version, they may be why.
pub fn overriding_variables() -> Vec<String> {
    SOURCE_VARIABLES
        .iter()
        .filter_map(|name| {
            let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
            Some(format!("{name}={value}"))
        })
        .collect()
}
