//! Package sources in force: `[tool.pvm]` overridden by `PVM_*` variables.

use std::path::Path;

use serde::Serialize;

use super::Project;
use crate::config::Config;

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
    /// What the installers that reach these sources get from pvm's environment.
    #[serde(skip)]
    pub installer_env: crate::installer::InstallerEnv,
}

impl Sources {
    pub fn for_project(project: &Project, config: &Config) -> Sources {
        let settings = &project.manifest.settings;
        let flag = |var: &Option<String>, default: bool| {
            var.as_deref()
                .map_or(default, |value| parse_flag(value).unwrap_or(default))
        };
        let find_links = config
            .pvm_find_links
            .as_ref()
            .map(|value| value.split_whitespace().map(String::from).collect())
            .unwrap_or_else(|| settings.find_links.clone());
        Sources {
            index_url: config
                .pvm_index_url
                .clone()
                .or_else(|| settings.index_url.clone()),
            extra_index_urls: settings.extra_index_urls.clone(),
            find_links: find_links
                .iter()
                .map(|link| resolve_link(link, &project.root))
                .collect(),
            find_links_written: find_links,
            no_index: flag(&config.pvm_no_index, settings.no_index),
            offline: flag(&config.pvm_offline, settings.offline),
            installer_env: crate::installer::InstallerEnv::new(config),
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
pub fn check_environment(config: &Config) -> Result<(), super::ProjectError> {
    for (name, value) in config.source_variables() {
        if let Some(value) = value
            && FLAG_VARIABLES.contains(&name)
            && parse_flag(value).is_none()
        {
            return Err(super::ProjectError::BadVariable {
                name,
                value: value.to_string(),
            });
        }
    }
    Ok(())
}

/// The source variables set in the environment, as `NAME=value`: when an install finds no
/// version, they may be why.
pub fn overriding_variables(config: &Config) -> Vec<String> {
    config
        .source_variables()
        .into_iter()
        .filter_map(|(name, value)| Some(format!("{name}={}", value?)))
        .collect()
}
