//! The sync fingerprint: a sha256 over everything that decides what an env holds. Equal to the
//! one stored in the env's metadata means the env is current and `pvm run` can exec at once.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::project::Project;
use crate::python::Facts;
use crate::store::ENV_FORMAT;

pub const LOCK_FILE: &str = "pvm.lock";

/// Which extras and dependency groups an env holds besides `[project] dependencies`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub extras: BTreeSet<String>,
    pub groups: BTreeSet<String>,
}

impl Selection {
    /// Every extra and every group: what a lock is resolved for.
    pub fn everything(project: &Project) -> Selection {
        Selection {
            extras: project
                .manifest
                .optional_dependencies
                .keys()
                .cloned()
                .collect(),
            groups: project.manifest.dependency_groups.keys().cloned().collect(),
        }
    }

    /// What `pvm run` and a plain `pvm sync` install: the `dev` group when there is one.
    pub fn default_for(project: &Project) -> Selection {
        let groups = project
            .manifest
            .dependency_groups
            .keys()
            .filter(|name| name.as_str() == "dev")
            .cloned()
            .collect();
        Selection {
            extras: BTreeSet::new(),
            groups,
        }
    }
}

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

#[derive(Serialize)]
struct Inputs<'a> {
    format: u32,
    requires_python: Option<String>,
    /// What a sync installs: dependencies, selected extras and groups (an unknown extra or
    /// group is its error, so fixing it changes the fingerprint too).
    requirements: Result<Vec<String>, String>,
    selection: &'a Selection,
    sources: Sources,
    installer: String,
    seed_pip: bool,
    python: (&'a Path, &'a str, &'a str),
    lock: Option<String>,
}

/// The fingerprint of `project` with `selection`, for an env on the interpreter `facts`.
pub fn fingerprint(project: &Project, selection: &Selection, facts: &Facts) -> String {
    let manifest = &project.manifest;
    let requirements = crate::install::requirements(project, selection)
        .map(|requirements| {
            let mut list: Vec<String> = requirements.iter().map(|r| r.to_string()).collect();
            list.sort();
            list
        })
        .map_err(|err| err.to_string());
    let lock = std::fs::read(project.root.join(LOCK_FILE))
        .ok()
        .map(|bytes| fsutil::hex(&Sha256::digest(&bytes)));
    let inputs = Inputs {
        format: ENV_FORMAT,
        requires_python: manifest.requires_python.as_ref().map(|s| s.to_string()),
        requirements,
        selection,
        sources: Sources::for_project(project),
        installer: format!("{:?}", manifest.settings.installer),
        seed_pip: manifest.settings.seed_pip,
        python: (
            &facts.base_executable,
            &facts.version,
            &facts.implementation,
        ),
        lock,
    };
    let bytes = serde_json::to_vec(&inputs).expect("inputs serialize");
    fsutil::hex(&Sha256::digest(&bytes))
}
