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
            var(name).map_or(default, |value| {
                matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "1" | "true" | "yes" | "on"
                )
            })
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
