//! `pylock.toml` (PEP 751): the lock file, read and written. pvm writes one universal lock
//! (every package with its markers, every artifact with URL or path, size and sha256) and keeps
//! what it needs to know whether the lock is current in its `[tool.pvm]` table. A lock another
//! tool wrote is read the same way and honoured as it is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::lock::LockError;
use crate::lock::layout;
use crate::pep::{self, MarkerEnvironment, PackageName};
use crate::project::Selection;

pub const LOCK_FILE: &str = "pylock.toml";
/// What the first pvm wrote; migrated into `pylock.toml` by the next lock.
pub const LEGACY_LOCK_FILE: &str = "pvm.lock";

/// Bumped when pvm writes locks differently: an older pvm table makes the lock stale.
const PVM_TABLE_VERSION: u32 = 2;

/// A `pylock.toml` (PEP 751). Unknown keys are kept out, not refused: other tools write more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "pylock.toml",
        description = "A PEP 751 lock file, as pvm writes it (with its [tool.pvm] table)"
    )
)]
pub struct PyLock {
    /// `1.0`.
    pub lock_version: String,
    /// Markers for the environments the lock supports (a lock resolved by pip holds one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// The extras the lock covers: markers select packages with `'name' in extras`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
    /// The dependency groups it covers: `'name' in dependency_groups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependency_groups: Vec<String>,
    /// The groups installed when none are named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_groups: Vec<String>,
    pub created_by: String,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<Tool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tool {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pvm: Option<PvmTable>,
}

/// pvm's own table: whether the lock is current, and how it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub struct PvmTable {
    /// sha256 of what was resolved: every requirement (dependencies, extras, groups),
    /// `requires-python`, the sources as written, and, for a pip lock, the environment.
    pub inputs: String,
    /// `uv` (universal) or `pip` (one environment).
    pub resolver: String,
    /// The package sources, as written in the manifest (credentials never stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// A short hash of each input apart (`dependencies`, `group test`, `extra x`,
    /// `requires-python`, `sources` ...): what changed, when `inputs` no longer matches.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub input_hashes: BTreeMap<String, String>,
}

/// One package of the lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub struct Package {
    /// Normalized (PEP 503), as PEP 751 writes it: a lock that spells it otherwise is read
    /// normalized, one whose name is no project name is refused.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub name: PackageName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When it is installed: environment markers, `'x' in extras`, `'g' in dependency_groups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// The index it came from (for a lock resolved by pip, whose downloads carry no URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// A local folder (the project itself, as uv exports it): installed from source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
    /// A direct URL to an archive (`name @ https://…/x.tar.gz`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<Artifact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdist: Option<Artifact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wheels: Vec<Artifact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub struct Directory {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
}

/// A file: a wheel, an sdist or an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub struct Artifact {
    /// The file name, when neither URL nor path give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Relative to the lock's folder, or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub upload_time: Option<toml::value::Datetime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Algorithm to hex digest; pvm writes and checks `sha256`.
    #[serde(default)]
    pub hashes: BTreeMap<String, String>,
}

impl Package {
    /// Whether this entry is the project at `root` itself (as uv exports it: a folder).
    pub fn is_project(&self, root: &Path) -> bool {
        self.directory.as_ref().is_some_and(|directory| {
            let path = root.join(&directory.path);
            path == root || path.canonicalize().is_ok_and(|path| path == root)
        })
    }

    /// `name==version`, as errors name a locked package.
    pub fn label(&self) -> String {
        format!("{}=={}", self.name, self.version.as_deref().unwrap_or("?"))
    }

    /// The entry at `index` of `[[packages]]`, in words: for an error naming two of them.
    fn describe(&self, index: usize) -> String {
        let marker = match &self.marker {
            Some(marker) => format!("marker `{marker}`"),
            None => "no marker".to_string(),
        };
        format!("{} ([[packages]] #{}, {marker})", self.label(), index + 1)
    }

    /// Every file of the package: wheels, sdist, archive.
    pub fn artifacts(&self) -> impl Iterator<Item = &Artifact> {
        self.wheels
            .iter()
            .chain(self.sdist.iter())
            .chain(self.archive.iter())
    }

    /// The same, to change.
    pub fn artifacts_mut(&mut self) -> impl Iterator<Item = &mut Artifact> {
        self.wheels
            .iter_mut()
            .chain(self.sdist.iter_mut())
            .chain(self.archive.iter_mut())
    }
}

impl Artifact {
    /// The file name, from the name, the path or the URL.
    pub fn file_name(&self) -> Option<&str> {
        self.name.as_deref().or_else(|| {
            self.path
                .as_deref()
                .or(self.url.as_deref())
                .and_then(|at| at.rsplit('/').next())
        })
    }

    /// The file on this machine, when the artifact is one: a path (against the project root)
    /// or a `file://` URL.
    pub fn local_file(&self, root: &Path) -> Option<PathBuf> {
        if let Some(path) = &self.path {
            return Some(root.join(path));
        }
        self.url.as_deref().and_then(fsutil::file_url_to_path)
    }

    pub fn sha256(&self) -> Option<&str> {
        self.hashes.get("sha256").map(String::as_str)
    }
}

const HEADER: &str = "# Written by `pvm lock` (PEP 751): every package with its markers, every artifact with\n# its URL or path, size and sha256. Do not edit by hand; `uv pip install -r pylock.toml` reads it too.\n";

impl PyLock {
    /// The lock at `path`, if there is one: shared with every other reader of the same text in
    /// this command, which parses it once.
    pub fn read(path: &Path) -> Result<Option<Arc<PyLock>>, LockError> {
        let path = path.to_path_buf();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LockError::Io { path, source }),
        };
        if let Some(lock) = crate::lock::parsed::recall(&text) {
            return Ok(Some(lock));
        }
        let lock = Arc::new(Self::parse(&text, &path)?);
        crate::lock::parsed::remember(text, Arc::clone(&lock), None);
        Ok(Some(lock))
    }

    /// The lock `text` (from `path`, named in errors) holds, as pvm holds it.
    fn parse(text: &str, path: &Path) -> Result<PyLock, LockError> {
        let mut lock: PyLock = toml::from_str(text).map_err(|err| LockError::BadLock {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        if !lock.lock_version.starts_with("1.") {
            return Err(LockError::BadLock {
                path: path.to_path_buf(),
                message: format!("lock-version {} is not 1.x", lock.lock_version),
            });
        }
        lock.lowercase_digests();
        Ok(lock)
    }

    /// Each digest in lower case, as pvm holds what it reads: hex digits name one digest in
    /// either case; pvm writes them so, and every check and every installer handed a `--hash`
    /// compares them so.
    fn lowercase_digests(&mut self) {
        for package in &mut self.packages {
            for artifact in package.artifacts_mut() {
                for digest in artifact.hashes.values_mut() {
                    digest.make_ascii_lowercase();
                }
            }
        }
    }

    /// Writes the lock to `path`; gives the sha256 of the text written, and the lock as the
    /// next read of the file (the sync after `pvm add` or a re-lock) takes it, without parsing
    /// it again: a universal lock is hundreds of kilobytes.
    pub fn write(mut self, path: &Path) -> Result<(String, Arc<PyLock>), LockError> {
        let path = path.to_path_buf();
        // A pip lock says, before anything else, that it is no universal lock.
        let scope = match &self.environments {
            Some(environments) => format!(
                "# Resolved by pip: it holds ONE environment ({}), not every platform;\n# with uv (on PATH, PVM_UV, or fetched by pvm), `pvm lock --universal` locks them all.\n",
                environments.join(" or ")
            ),
            None => String::new(),
        };
        let mut text = String::with_capacity(HEADER.len() + scope.len() + layout::capacity(&self));
        text.push_str(HEADER);
        text.push_str(&scope);
        layout::write_toml(&mut text, &self);
        fsutil::write_atomic(&path, text.as_bytes()).map_err(|source| LockError::Io {
            path: path.clone(),
            source,
        })?;
        let digest = fsutil::sha256_hex(&text);
        self.lowercase_digests();
        // Debug builds (every test) check that the text reads back as exactly this lock.
        debug_assert_eq!(
            Self::parse(&text, &path).ok().as_ref(),
            Some(&self),
            "{} does not read back as the lock written",
            path.display()
        );
        let lock = Arc::new(self);
        crate::lock::parsed::remember(text, Arc::clone(&lock), Some(digest.clone()));
        Ok((digest, lock))
    }

    /// The lock as TOML, laid out as PEP 751's examples are (and as uv writes it): each
    /// artifact an inline table on one line, so that a changed pin is a small diff.
    pub fn to_toml(&self) -> String {
        layout::to_toml(self)
    }

    /// pvm's table, when pvm wrote the lock.
    pub fn pvm(&self) -> Option<&PvmTable> {
        self.tool.as_ref().and_then(|tool| tool.pvm.as_ref())
    }

    /// The packages installed for `selection` (its groups as they are: pvm resolves the
    /// default groups itself) in the environment `env`, from the lock at `path` (named in
    /// errors). Every marker is read, and at most one entry of a name may apply: a lock that
    /// says two things about one package, or something pvm cannot judge, is refused.
    pub fn selected<'a>(
        &'a self,
        path: &Path,
        selection: &Selection,
        env: &MarkerEnvironment,
    ) -> Result<Vec<&'a Package>, LockError> {
        let groups: Vec<String> = selection.groups.iter().cloned().collect();
        let extras: Vec<String> = selection.extras.iter().cloned().collect();
        let mut chosen: Vec<(usize, &Package)> = Vec::new();
        for (index, package) in self.packages.iter().enumerate() {
            let applies = match &package.marker {
                None => true,
                Some(marker) => {
                    marker_applies(marker, env, &extras, &groups).map_err(|reason| {
                        LockError::LockMarker {
                            path: path.to_path_buf(),
                            package: package.label(),
                            marker: marker.clone(),
                            reason,
                        }
                    })?
                }
            };
            if !applies {
                continue;
            }
            if let Some((first, other)) = chosen.iter().find(|(_, p)| p.name == package.name) {
                return Err(LockError::LockDuplicate {
                    path: path.to_path_buf(),
                    name: package.name.to_string(),
                    first: other.describe(*first),
                    second: package.describe(index),
                });
            }
            chosen.push((index, package));
        }
        Ok(chosen.into_iter().map(|(_, package)| package).collect())
    }

    /// Checks every artifact of `packages` that is a file on this machine against its
    /// sha256 (and size), before anything is installed: a changed file is refused.
    pub fn verify_local(
        &self,
        root: &Path,
        allowed: &[PathBuf],
        packages: &[&Package],
    ) -> Result<(), LockError> {
        // A lock names files in the project and its find-links folders only: a crafted one
        // must not make pvm read (or hash) anything else, nor a device without end.
        let allowed: Vec<PathBuf> = allowed
            .iter()
            .map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone()))
            .collect();
        let confined = |path: &Path| -> Result<(), LockError> {
            let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            let inside = allowed.iter().any(|dir| real.starts_with(dir));
            let regular = std::fs::metadata(&real).map_or(true, |m| m.is_file());
            if inside && regular {
                Ok(())
            } else {
                Err(LockError::OutsideLock {
                    path: path.to_path_buf(),
                })
            }
        };
        for package in packages {
            let label = package.label();
            let mut present = false;
            let mut local = None;
            for artifact in package.artifacts() {
                if artifact
                    .url
                    .as_deref()
                    .is_some_and(|url| !url.starts_with("file:"))
                {
                    present = true;
                }
                let (Some(path), Some(expected)) = (artifact.local_file(root), artifact.sha256())
                else {
                    continue;
                };
                confined(&path)?;
                // A wheel for another platform need not be here; the one this env needs is
                // judged by the installer.
                // Read in pieces: an artifact may be large.
                let Ok(actual) = fsutil::sha256_file(&path) else {
                    local.get_or_insert(path);
                    continue;
                };
                present = true;
                // Hex digits are one digest in either case (PEP 751 does not fix one).
                if !actual.eq_ignore_ascii_case(expected) {
                    return Err(LockError::HashMismatch {
                        package: label,
                        path,
                        expected: expected.to_string(),
                        actual,
                    });
                }
            }
            // Every file of the package is a local one, and none is there.
            if let (false, Some(path)) = (present, local) {
                return Err(LockError::MissingArtifact {
                    package: label,
                    path,
                });
            }
        }
        Ok(())
    }
}

/// Whether a PEP 751 marker applies: environment markers evaluated for `env`, and
/// `'x' in extras` / `'g' in dependency_groups` for the selection. A marker pvm cannot read
/// is an error (why, in words): counted as true it would install a package meant for another
/// platform, as false it would leave one out.
pub fn marker_applies(
    marker: &str,
    env: &MarkerEnvironment,
    extras: &[String],
    groups: &[String],
) -> Result<bool, String> {
    pep::lock_marker_applies(marker, env, extras, groups)
}

/// Splits `text` at `separator` outside parentheses and quotes.
fn split_top<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, _) if depth == 0 && text[i..].starts_with(separator) => {
                parts.push(&text[start..i]);
                i += separator.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// The selection part of a marker: `'name' in extras` or `'name' in dependency_groups`.
pub fn selection_marker(kind: PieceKind, name: &str) -> Option<String> {
    match kind {
        PieceKind::Base => None,
        PieceKind::Extra => Some(format!("'{name}' in extras")),
        PieceKind::Group => Some(format!("'{name}' in dependency_groups")),
    }
}

/// What part of the manifest a resolution piece stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    Base,
    Extra,
    Group,
}

/// `a or b`, each side kept whole; `None` (always) wins.
pub fn any_of(markers: &[Option<String>]) -> Option<String> {
    if markers.iter().any(Option::is_none) || markers.is_empty() {
        return None;
    }
    let mut terms: Vec<String> = Vec::new();
    let several = markers.len() > 1;
    for marker in markers.iter().flatten() {
        let compound = split_top(marker, " or ").len() > 1 || split_top(marker, " and ").len() > 1;
        let term = if several && compound {
            format!("({marker})")
        } else {
            marker.clone()
        };
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    Some(terms.join(" or "))
}

/// `a and b`, either side possibly always true.
pub fn all_of(a: Option<String>, b: Option<String>) -> Option<String> {
    let wrap = |m: String| {
        if split_top(&m, " or ").len() > 1 {
            format!("({m})")
        } else {
            m
        }
    };
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), Some(b)) => Some(format!("{} and {}", wrap(a), wrap(b))),
    }
}

/// The inputs hash of a lock: what was resolved, part by part (the dependencies, each extra
/// and each group by name: moving a requirement between them changes its markers), for which
/// Pythons, and from which sources as the lock records them (credentials stripped; `offline`
/// and `no-index` are how to reach them, not what was locked); for a pip lock also the one
/// environment it holds. With it, a short hash of each input apart, to name what changed.
pub fn inputs_hash(
    parts: &serde_json::Map<String, serde_json::Value>,
    requires_python: &str,
    sources: &[String],
    resolver: &str,
    environment: Option<&str>,
) -> (String, BTreeMap<String, String>) {
    let inputs = serde_json::json!({
        "pvm-table": PVM_TABLE_VERSION,
        "parts": parts,
        "requires-python": requires_python,
        "sources": sources,
        "resolver": resolver,
        "environment": environment,
    });
    let overall = fsutil::sha256_hex(inputs.to_string());
    let short = |value: &serde_json::Value| {
        let mut hex = fsutil::sha256_hex(value.to_string());
        hex.truncate(16);
        hex
    };
    let mut each: BTreeMap<String, String> = parts
        .iter()
        .map(|(name, value)| (name.clone(), short(value)))
        .collect();
    for key in [
        "pvm-table",
        "requires-python",
        "sources",
        "resolver",
        "environment",
    ] {
        each.insert(key.to_string(), short(&inputs[key]));
    }
    (overall, each)
}

pub use crate::fsutil::strip_credentials;

/// Name and version from a wheel (`name-ver-tags.whl`) or sdist (`name-ver.tar.gz`) file name.
pub fn split_filename(file: &str) -> Option<(PackageName, String)> {
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
    Some((name.parse().ok()?, rest.to_string()))
}

/// The versions an old `pvm.lock` pinned (name → version), for its migration.
pub fn legacy_pins(project_root: &Path) -> Option<BTreeMap<String, String>> {
    #[derive(Deserialize)]
    struct Legacy {
        #[serde(default, rename = "package")]
        packages: Vec<LegacyPackage>,
    }
    #[derive(Deserialize)]
    struct LegacyPackage {
        name: String,
        version: String,
    }
    let text = std::fs::read_to_string(project_root.join(LEGACY_LOCK_FILE)).ok()?;
    let legacy: Legacy = toml::from_str(&text).ok()?;
    Some(
        legacy
            .packages
            .into_iter()
            .map(|p| (p.name, p.version))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(platform: &str) -> MarkerEnvironment {
        pep::cpython312_on(platform)
    }

    #[test]
    fn markers_with_extras_and_groups_are_evaluated() {
        let linux = env("linux");
        let win = env("win32");
        let marker = "sys_platform == 'win32' or ('tests' in dependency_groups and (python_version >= '3.9'))";
        let tests = ["tests".to_string()];
        let applies = |marker: &str, env: &MarkerEnvironment, extras: &[String], groups| {
            marker_applies(marker, env, extras, groups).unwrap()
        };
        assert!(!applies(marker, &linux, &[], &[]));
        assert!(applies(marker, &win, &[], &[]));
        assert!(applies(marker, &linux, &[], &tests));
        assert!(applies("'Fast' in extras", &linux, &["fast".into()], &[]));
        assert!(!applies("'fast' in extras", &linux, &[], &tests));
        assert!(applies(
            "'tests' not in dependency_groups",
            &linux,
            &[],
            &[]
        ));
        assert!(!applies(
            "'tests' not in dependency_groups",
            &linux,
            &[],
            &tests
        ));
    }

    #[test]
    fn a_marker_pvm_cannot_read_is_an_error_wherever_it_is() {
        let linux = env("linux");
        for marker in [
            "sys_platfrom == 'win32'",
            "sys_platform = 'win32'",
            "os_name == 'nt' and platform_system ~ 'Windows'",
            // Behind a term that already decides: still read.
            "sys_platform == 'win32' and (python_version >= '3.8' and bogus)",
            "python_version >= '3.8' or frobnicate",
            "",
        ] {
            let err = marker_applies(marker, &linux, &[], &[]).unwrap_err();
            assert!(err.starts_with('`'), "{marker}: {err}");
        }
    }

    #[test]
    fn markers_combine() {
        let base = Some("sys_platform == 'win32'".to_string());
        let group = all_of(
            selection_marker(PieceKind::Group, "tests"),
            Some("python_version < '3.9' or os_name == 'nt'".into()),
        );
        assert_eq!(
            group.as_deref(),
            Some("'tests' in dependency_groups and (python_version < '3.9' or os_name == 'nt')")
        );
        assert_eq!(
            any_of(&[base.clone(), group]).unwrap(),
            "sys_platform == 'win32' or ('tests' in dependency_groups and (python_version < '3.9' or os_name == 'nt'))"
        );
        assert_eq!(any_of(&[base, None]), None);
    }

    #[test]
    fn credentials_are_stripped() {
        assert_eq!(
            strip_credentials("https://user:tok@host.example/simple"),
            "https://host.example/simple"
        );
        assert_eq!(strip_credentials("/local/wheels"), "/local/wheels");
    }

    #[test]
    fn file_names_give_name_and_version() {
        assert_eq!(
            split_filename("My_Pkg-1.0-py3-none-any.whl"),
            Some((pep::package_name("my-pkg"), "1.0".into()))
        );
        assert_eq!(
            split_filename("my-pkg-2.0.tar.gz"),
            Some((pep::package_name("my-pkg"), "2.0".into()))
        );
    }
}
