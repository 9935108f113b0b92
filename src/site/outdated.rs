//! `pvm outdated`: for each installed package, what is installed, the newest version the
//! manifest allows, and the newest on the index (uv asks the index).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::installer::Backend;
use crate::installer::InstallerError;
use crate::pep::{self, PackageName, Requirement};
use crate::project::Sources;
use crate::site;
use crate::venv::Layout;

/// One package, as `pvm outdated --json` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Which packages `pvm outdated` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// Those the project's requirements pull in whose installed version is behind what the
    /// manifest allows or the index has: what the user can act on. Seeded tools the project
    /// does not require (pip, setuptools) are the env's, not the project's.
    Behind,
    /// Every installed package (`--all`).
    All,
}

/// The installed packages `listed` asks for, but never the project itself (`own`, normalized:
/// the root, whose newer release on an index is not an update of it), direct dependencies
/// first. `uv` asks the index.
pub fn outdated(
    uv: &Path,
    layout: &Layout,
    sources: &Sources,
    roots: &[Requirement],
    own: Option<&PackageName>,
    listed: Listed,
) -> Result<Vec<Outdated>, InstallerError> {
    let uv = Backend::Uv(uv.to_path_buf());
    let installed = site::installed(&layout.site_packages);
    let direct: BTreeSet<&PackageName> = roots.iter().map(|r| &r.name).collect();

    #[derive(Deserialize)]
    struct Newer {
        name: String,
        latest_version: String,
    }
    let newer: Vec<Newer> =
        serde_json::from_str(uv.list_outdated(layout, sources)?.trim()).unwrap_or_default();
    let latest: BTreeMap<PackageName, String> = newer
        .into_iter()
        .filter_map(|l| Some((l.name.parse().ok()?, l.latest_version)))
        .collect();

    let scratch = crate::fsutil::scratch_dir().map_err(|source| InstallerError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let input = scratch.path().join("requirements.in");
    let output = scratch.path().join("newest.txt");
    crate::pep::write_requirements(&input, roots).map_err(|source| InstallerError::Io {
        path: input.clone(),
        source,
    })?;
    let mut allowed = BTreeMap::new();
    if !roots.is_empty() {
        uv.newest_allowed(layout, sources, &input, &output)?;
        let text = std::fs::read_to_string(&output).map_err(|source| InstallerError::Io {
            path: output.clone(),
            source,
        })?;
        for line in text.lines() {
            if let Some((name, version)) = line.split(" ;").next().and_then(|l| l.split_once("=="))
                && let Ok(name) = name.trim().parse::<PackageName>()
            {
                allowed.insert(name, version.trim().to_string());
            }
        }
    }
    let mut rows: Vec<Outdated> = installed
        .values()
        .filter(|dist| Some(&dist.name) != own)
        .map(|dist| Outdated {
            name: dist.name.to_string(),
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
        .filter(|row| listed == Listed::All || (row.allowed.is_some() && is_behind(row)))
        .collect();
    rows.sort_by(|a, b| (!a.direct, &a.name).cmp(&(!b.direct, &b.name)));
    Ok(rows)
}

/// Whether a newer version than the installed one is allowed or out: compared as PEP 440
/// versions (`1.10` is newer than `1.9`), as text where one cannot be read.
fn is_behind(row: &Outdated) -> bool {
    let installed = pep::parse_version(&row.installed);
    [&row.allowed, &row.latest]
        .into_iter()
        .flatten()
        .any(|version| match (&installed, pep::parse_version(version)) {
            (Ok(installed), Ok(version)) => version > *installed,
            _ => *version != row.installed,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(installed: &str, allowed: Option<&str>, latest: Option<&str>) -> Outdated {
        Outdated {
            name: "a".into(),
            installed: installed.into(),
            allowed: allowed.map(String::from),
            latest: latest.map(String::from),
            direct: true,
        }
    }

    #[test]
    fn behind_compares_versions_not_text() {
        assert!(is_behind(&row("1.9", Some("1.9"), Some("1.10"))));
        assert!(is_behind(&row("1.0", Some("1.1"), None)));
        assert!(!is_behind(&row("1.0", Some("1.0.0"), Some("1.0"))));
        // Installed newer than the index has (a local build): nothing to update to.
        assert!(!is_behind(&row("2.0", Some("2.0"), Some("1.5"))));
    }
}
