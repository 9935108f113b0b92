//! `pvm.lock`: every package with its exact version, where it comes from and the sha256 of each
//! artifact, the interpreter and platform it was resolved for, and a hash of its inputs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::install::SyncError;
use crate::pep::{self, Requirement};
use crate::project::Sources;
use crate::python::Facts;

pub const LOCK_FILE: &str = "pvm.lock";

pub const LOCK_VERSION: u32 = 1;

/// The lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(
    title = "pvm.lock",
    description = "Exact packages for a pvm project, written by `pvm lock`"
)]
pub struct LockFile {
    /// The lock format.
    pub version: u32,
    /// sha256 of everything the lock was resolved from; a different value means the lock is stale.
    pub inputs: String,
    pub resolved_for: ResolvedFor,
    #[serde(default, rename = "package")]
    pub packages: Vec<LockedPackage>,
}

/// The interpreter and platform a lock was resolved for, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ResolvedFor {
    /// `3.12.1`
    pub python: String,
    pub implementation: String,
    /// `sys.platform` and machine, e.g. `linux-x86_64`.
    pub platform: String,
    pub installer: String,
    /// The requirements resolved (dependencies, every extra, every group), as PEP 508 strings.
    #[serde(default)]
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LockedPackage {
    /// PEP 503 normalized name.
    pub name: String,
    pub version: String,
    /// Where it comes from: a find-links folder (as written in the manifest) or URL, the index
    /// URL, or the direct URL of a `name @ url` requirement.
    pub source: String,
    /// Set when the package is a direct `name @ url` requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The locked packages it needs (normalized names): how a sync installs only what the
    /// selected extras and groups need.
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default, rename = "artifact")]
    pub artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Artifact {
    /// The file name, when known (local folders and downloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Hex sha256 of the file.
    pub sha256: String,
}

const HEADER: &str =
    "# Written by `pvm lock`: exact packages and their hashes. Do not edit by hand.\n\n";

impl LockFile {
    pub fn path(project_root: &Path) -> PathBuf {
        project_root.join(LOCK_FILE)
    }

    /// The project's lock, if it has one.
    pub fn read(project_root: &Path) -> Result<Option<LockFile>, SyncError> {
        let path = LockFile::path(project_root);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SyncError::Io { path, source }),
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|err| SyncError::BadLock {
                path,
                message: err.to_string(),
            })
    }

    pub fn write(&self, project_root: &Path) -> Result<(), SyncError> {
        let path = LockFile::path(project_root);
        let text = format!(
            "{HEADER}{}",
            toml::to_string(self).expect("lock serializes")
        );
        fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|source| SyncError::Io { path, source })
    }

    /// `name==version --hash=sha256:…` lines for the installer, for the packages `names`.
    pub fn requirements_txt(&self, names: &BTreeSet<String>) -> String {
        let mut out = String::new();
        for package in self.packages.iter().filter(|p| names.contains(&p.name)) {
            match &package.url {
                Some(url) => out.push_str(&format!("{} @ {url}", package.name)),
                None => out.push_str(&format!("{}=={}", package.name, package.version)),
            }
            for artifact in &package.artifacts {
                out.push_str(&format!(" --hash=sha256:{}", artifact.sha256));
            }
            out.push('\n');
        }
        out
    }

    /// The locked packages that `roots` need, following the recorded dependencies.
    pub fn needed(
        &self,
        roots: &[Requirement],
        markers: &pep::MarkerEnvironment,
    ) -> BTreeSet<String> {
        let mut needed = BTreeSet::new();
        let mut queue: Vec<String> = roots
            .iter()
            .filter(|root| pep::applies(root, markers, &[]))
            .map(|root| root.name.to_string())
            .collect();
        while let Some(name) = queue.pop() {
            let Some(package) = self.packages.iter().find(|p| p.name == name) else {
                continue;
            };
            if needed.insert(name) {
                queue.extend(package.dependencies.iter().cloned());
            }
        }
        needed
    }

    /// Checks every artifact pvm can see (in local folders, or a `file://` URL) against its
    /// hash, before anything is installed. The installer checks the rest (`--require-hashes`).
    pub fn verify_local(
        &self,
        project_root: &Path,
        names: &BTreeSet<String>,
    ) -> Result<(), SyncError> {
        for package in self.packages.iter().filter(|p| names.contains(&p.name)) {
            let folder = match package
                .url
                .as_deref()
                .and_then(|url| url.strip_prefix("file://"))
            {
                Some(path) => Path::new(path)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                None => PathBuf::from(crate::project::sources::resolve_link(
                    &package.source,
                    project_root,
                )),
            };
            if !folder.is_dir() {
                continue;
            }
            for artifact in &package.artifacts {
                let Some(file) = &artifact.file else { continue };
                let path = folder.join(file);
                let bytes = std::fs::read(&path).map_err(|_| SyncError::MissingArtifact {
                    package: format!("{}=={}", package.name, package.version),
                    path: path.clone(),
                })?;
                let actual = fsutil::hex(&Sha256::digest(&bytes));
                if actual != artifact.sha256 {
                    return Err(SyncError::HashMismatch {
                        package: format!("{}=={}", package.name, package.version),
                        path,
                        expected: artifact.sha256.clone(),
                        actual,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The inputs hash: what was resolved (every extra and group), from where (as written, so a
/// lock holds in any checkout), for which interpreter and platform.
pub fn inputs_hash(requirements: &[Requirement], sources: &Sources, facts: &Facts) -> String {
    let mut requirements: Vec<String> = requirements.iter().map(|r| r.to_string()).collect();
    requirements.sort();
    let inputs = serde_json::json!({
        "lock": LOCK_VERSION,
        "requirements": requirements,
        "sources": sources.as_written(),
        "python": facts.minor_version(),
        "implementation": facts.implementation,
        "platform": platform(facts),
    });
    fsutil::hex(&Sha256::digest(inputs.to_string().as_bytes()))
}

pub fn platform(facts: &Facts) -> String {
    let machine = facts
        .markers
        .get("platform_machine")
        .map(String::as_str)
        .unwrap_or("");
    format!("{}-{machine}", facts.platform)
}

impl LockedPackage {
    /// A resolved package with where it comes from and its artifacts: a direct URL's file, or the
    /// files in the find-links folder that holds it, hashed by pvm; failing those (an index, a
    /// remote URL), the artifacts `otherwise` gives.
    pub fn locate(
        name: &str,
        version: &str,
        url: Option<String>,
        sources: &Sources,
        otherwise: impl FnOnce() -> Result<Vec<Artifact>, SyncError>,
    ) -> Result<LockedPackage, SyncError> {
        let (source, local) = match &url {
            Some(url) => (url.clone(), url_artifact(url)),
            None => source_of(name, version, sources),
        };
        let artifacts = if local.is_empty() {
            otherwise()?
        } else {
            local
        };
        Ok(LockedPackage {
            name: name.to_string(),
            version: version.to_string(),
            source,
            url,
            dependencies: Vec::new(),
            artifacts,
        })
    }
}

/// The artifact behind a `file://` URL, hashed; nothing for other URLs (the installer
/// downloads and checks those).
fn url_artifact(url: &str) -> Vec<Artifact> {
    let Some(path) = url.strip_prefix("file://") else {
        return Vec::new();
    };
    let path = Path::new(path);
    match (std::fs::read(path), path.file_name()) {
        (Ok(bytes), Some(file)) => vec![Artifact {
            file: Some(file.to_string_lossy().into_owned()),
            sha256: fsutil::hex(&Sha256::digest(&bytes)),
        }],
        _ => Vec::new(),
    }
}

/// Where a resolved package comes from: the find-links folder holding one of its files,
/// else the index.
pub fn source_of(name: &str, version: &str, sources: &Sources) -> (String, Vec<Artifact>) {
    for (index, link) in sources.find_links.iter().enumerate() {
        let folder = Path::new(link);
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        let mut artifacts: Vec<Artifact> = entries
            .flatten()
            .filter_map(|entry| {
                let file = entry.file_name().into_string().ok()?;
                let (file_name, file_version) = split_filename(&file)?;
                (file_name == name && versions_equal(&file_version, version)).then_some(file)
            })
            .filter_map(|file| {
                let bytes = std::fs::read(folder.join(&file)).ok()?;
                Some(Artifact {
                    sha256: fsutil::hex(&Sha256::digest(&bytes)),
                    file: Some(file),
                })
            })
            .collect();
        if !artifacts.is_empty() {
            artifacts.sort_by(|a, b| a.file.cmp(&b.file));
            let written = sources.find_links_written.get(index).unwrap_or(link);
            return (written.clone(), artifacts);
        }
    }
    let index = sources
        .index_url
        .clone()
        .unwrap_or_else(|| "https://pypi.org/simple".to_string());
    (index, Vec::new())
}

/// Name and version from a wheel (`name-ver-tags.whl`) or sdist (`name-ver.tar.gz`) file name.
pub fn split_filename(file: &str) -> Option<(String, String)> {
    let stem = file
        .strip_suffix(".whl")
        .or_else(|| file.strip_suffix(".tar.gz"))
        .or_else(|| file.strip_suffix(".zip"))?;
    let (name, rest) = if file.ends_with(".whl") {
        let mut parts = stem.splitn(3, '-');
        (parts.next()?, parts.next()?)
    } else {
        stem.rsplit_once('-')?
    };
    Some((pep::normalize_name(name).ok()?, rest.to_string()))
}

fn versions_equal(a: &str, b: &str) -> bool {
    match (pep::parse_version(a), pep::parse_version(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// One package of uv's `pip compile --generate-hashes --annotation-style line` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    pub name: String,
    pub version: String,
    pub url: Option<String>,
    pub hashes: Vec<String>,
    /// The packages that brought it in (`# via beta, -r requirements.in`), without the `-r`.
    pub via: Vec<String>,
}

/// Reads what uv's `pip compile` writes: pins (or `name @ url`), hashes and `# via` lines.
pub fn parse_compiled(text: &str) -> Vec<Compiled> {
    let joined = text.replace("\\\n", " ");
    let mut out: Vec<Compiled> = Vec::new();
    for line in joined.lines() {
        let line = line.trim();
        if let Some(via) = line.strip_prefix("# via") {
            if let Some(last) = out.last_mut() {
                last.via.extend(
                    via.split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty() && !v.starts_with("-r") && !v.starts_with("-c"))
                        .filter_map(|v| pep::normalize_name(v.split('[').next().unwrap_or(v)).ok()),
                );
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        let (head, hashes) = match line.find(" --hash=") {
            Some(at) => (&line[..at], &line[at..]),
            None => (line, ""),
        };
        let hashes = hashes
            .split_whitespace()
            .filter_map(|word| word.strip_prefix("--hash=sha256:"))
            .map(String::from)
            .collect();
        let head = head.split(" ;").next().unwrap_or(head).trim();
        let (name, version, url) = if let Some((name, url)) = head.split_once(" @ ") {
            let file = url.rsplit('/').next().unwrap_or(url);
            let version = split_filename(file).map(|(_, v)| v).unwrap_or_default();
            (name, version, Some(url.trim().to_string()))
        } else if let Some((name, version)) = head.split_once("==") {
            (name, version.to_string(), None)
        } else {
            continue;
        };
        let name = name.split('[').next().unwrap_or(name).trim();
        let name = pep::normalize_name(name).unwrap_or_else(|_| name.to_string());
        out.push(Compiled {
            name,
            version,
            url,
            hashes,
            via: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_name_and_version() {
        assert_eq!(
            split_filename("My_Pkg-1.0-py3-none-any.whl"),
            Some(("my-pkg".into(), "1.0".into()))
        );
        assert_eq!(
            split_filename("my-pkg-2.0.tar.gz"),
            Some(("my-pkg".into(), "2.0".into()))
        );
        assert_eq!(split_filename("README"), None);
    }

    #[test]
    fn compiled_output_is_read() {
        let text = "alpha==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via beta, -r requirements.in\nbeta[x]==2.0 \\\n    --hash=sha256:cc\n    # via -r requirements.in\ngamma @ file:///w/gamma-1.0-py3-none-any.whl \\\n    --hash=sha256:dd\n";
        let got = parse_compiled(text);
        assert_eq!(got[0].name, "alpha");
        assert_eq!(got[0].hashes, ["aa", "bb"]);
        assert_eq!(got[0].via, ["beta"]);
        assert_eq!(got[1].name, "beta");
        assert!(got[1].via.is_empty());
        assert_eq!(
            got[2].url.as_deref(),
            Some("file:///w/gamma-1.0-py3-none-any.whl")
        );
        assert_eq!(got[2].version, "1.0");
    }

    #[test]
    fn lock_round_trips_through_toml() {
        let lock = LockFile {
            version: LOCK_VERSION,
            inputs: "abc".into(),
            resolved_for: ResolvedFor {
                python: "3.12.1".into(),
                implementation: "cpython".into(),
                platform: "linux-x86_64".into(),
                installer: "pip".into(),
                requirements: vec!["alpha".into()],
            },
            packages: vec![LockedPackage {
                name: "alpha".into(),
                version: "1.0".into(),
                source: "/w".into(),
                url: None,
                dependencies: vec![],
                artifacts: vec![Artifact {
                    file: Some("alpha-1.0-py3-none-any.whl".into()),
                    sha256: "00".into(),
                }],
            }],
        };
        let text = toml::to_string(&lock).unwrap();
        assert_eq!(toml::from_str::<LockFile>(&text).unwrap(), lock);
    }
}
