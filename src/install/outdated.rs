//! `pvm outdated`: for each installed package, what is installed, the newest version the
//! manifest allows, and the newest on the index (uv asks the index).

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::backend::{Backend, find_uv};
use super::{SyncError, site};
use crate::pep::{self, Requirement};
use crate::project::Sources;
use crate::venv::Layout;

/// One package, as `pvm outdated --json` prints it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Outdated {
    pub name: String,
    pub installed: String,
    /// The newest version the manifest's requirements allow.
    pub allowed: Option<String>,
    /// The newest version on the index.
    pub latest: Option<String>,
    /// A requirement of the project itself (not only of another package).
    pub direct: bool,
}

/// Every installed package but pip and the project itself (`own`, normalized: the root, whose
/// newer release on an index is not an update of it), direct dependencies first.
pub fn outdated(
    layout: &Layout,
    sources: &Sources,
    roots: &[Requirement],
    own: Option<&str>,
) -> Result<Vec<Outdated>, SyncError> {
    let uv = Backend::Uv(find_uv().ok_or(SyncError::NoUv)?);
    let installed = site::installed(&layout.site_packages);
    let direct: BTreeSet<String> = roots
        .iter()
        .filter_map(|r| pep::normalize_name(r.name.as_ref()).ok())
        .collect();

    #[derive(Deserialize)]
    struct Listed {
        name: String,
        latest_version: String,
    }
    let listed: Vec<Listed> =
        serde_json::from_str(uv.list_outdated(layout, sources)?.trim()).unwrap_or_default();
    let latest: BTreeMap<String, String> = listed
        .into_iter()
        .filter_map(|l| Some((pep::normalize_name(&l.name).ok()?, l.latest_version)))
        .collect();

    let scratch = crate::fsutil::scratch_dir().map_err(|source| SyncError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let input = scratch.path().join("requirements.in");
    let output = scratch.path().join("newest.txt");
    let text: String = roots.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&input, text).map_err(|source| SyncError::Io {
        path: input.clone(),
        source,
    })?;
    let mut allowed = BTreeMap::new();
    if !roots.is_empty() {
        uv.newest_allowed(layout, sources, &input, &output)?;
        let text = std::fs::read_to_string(&output).map_err(|source| SyncError::Io {
            path: output.clone(),
            source,
        })?;
        for line in text.lines() {
            if let Some((name, version)) = line.split(" ;").next().and_then(|l| l.split_once("=="))
                && let Ok(name) = pep::normalize_name(name.trim())
            {
                allowed.insert(name, version.trim().to_string());
            }
        }
    }
    let mut rows: Vec<Outdated> = installed
        .values()
        .filter(|dist| dist.name != "pip" && Some(dist.name.as_str()) != own)
        .map(|dist| Outdated {
            name: dist.name.clone(),
            installed: dist.version.clone(),
            allowed: allowed.get(&dist.name).cloned(),
            latest: Some(
                latest
                    .get(&dist.name)
                    .cloned()
                    .unwrap_or_else(|| dist.version.clone()),
            ),
            direct: direct.contains(&dist.name),
        })
        .collect();
    rows.sort_by(|a, b| (!a.direct, &a.name).cmp(&(!b.direct, &b.name)));
    Ok(rows)
}
