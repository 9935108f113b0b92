//! uv's own lock, `uv.lock`, read as the packages of a PEP 751 lock, as `uv export --format
//! pylock.toml` writes them: what a universal resolution by `uv lock` gives pvm without a
//! second pass of uv over the lock it just wrote (the export costs about 5% of a lock of 50
//! packages, which is what kept `pvm lock` behind `uv lock`).
//!
//! A package's marker is where the root reaches it: the union over every path from the root of
//! the edges' markers (`uv.lock` writes each edge's marker simplified against the lock's
//! `requires-python`, and so does the export), an optional dependency reached only where its
//! extra is asked for. That is uv's own `ExportableRequirements::from_lock` for a lock without
//! conflicts.
//!
//! Exactness over reach: only what that rule covers is read. A lock with another source than
//! an index (a folder, a URL, git), with conflict markers, or an edge that names no single
//! package gives `None`, and the caller lets uv export it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;

use crate::lock::pylock::{Artifact, Package};
use crate::pep::{MarkerTree, PackageName};

#[derive(Deserialize)]
struct UvLock {
    #[serde(default, rename = "package")]
    packages: Vec<UvPackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct UvPackage {
    name: PackageName,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<Dependency>>,
    sdist: Option<UvArtifact>,
    #[serde(default)]
    wheels: Vec<UvArtifact>,
    /// `sdist` and `wheels` as PEP 751's, where they were converted ahead (see [`Known`]).
    #[serde(skip)]
    files: Option<Files>,
}

/// A package's files as PEP 751's.
struct Files {
    sdist: Option<Artifact>,
    wheels: Vec<Artifact>,
}

#[derive(Deserialize)]
struct Dependency {
    name: PackageName,
    version: Option<String>,
    #[serde(default)]
    extra: Vec<String>,
    marker: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct UvArtifact {
    url: Option<String>,
    path: Option<String>,
    hash: Option<String>,
    size: Option<u64>,
    upload_time: Option<String>,
}

/// The packages the virtual project `root` of the `uv.lock` in `dir` depends on, with their
/// markers and files as `uv export` writes them; `None` when the lock holds what this reader
/// leaves to uv (see the module's note) or cannot be read. The `[[package]]` tables found in
/// `known` are taken as parsed there.
pub fn packages(dir: &Path, root: &str, known: Known) -> Option<Vec<Package>> {
    let text = std::fs::read_to_string(dir.join("uv.lock")).ok()?;
    let lock = read(&text, known)?;
    let root = PackageName::from_str(root).ok()?;
    convert(lock, &root, dir)
}

/// The `[[package]]` tables of a `uv.lock`, parsed and their files converted, by their text:
/// the lock a re-lock starts from, read while `uv lock` runs. A re-lock changes a few tables
/// of hundreds, so the new lock is then read in a fraction of the time (a 360 KB `uv.lock`
/// takes some 7 ms to parse, and its thousands of files another 1, a third of what `pvm add`
/// does itself besides `uv lock`).
#[derive(Default)]
pub struct Known(HashMap<String, UvPackage>);

impl Known {
    /// The tables of the `uv.lock` in `dir` whose text is `text` (none where it does not
    /// split); a table whose files cannot be converted is left out, to be read again (and
    /// found wanting) with the new lock.
    pub fn of(text: &str, dir: &Path) -> Known {
        let (_, tables) = split(text);
        let known = tables.into_iter().filter_map(|table| {
            let mut package = parse_table(table)?;
            package.files = Some(files(&mut package, dir)?);
            Some((table.to_string(), package))
        });
        Known(known.collect())
    }
}

/// The files of `package`, taken out of it, as PEP 751's.
fn files(package: &mut UvPackage, dir: &Path) -> Option<Files> {
    let sdist = match package.sdist.take() {
        Some(sdist) => Some(artifact(sdist, dir)?),
        None => None,
    };
    let wheels = std::mem::take(&mut package.wheels)
        .into_iter()
        .map(|wheel| artifact(wheel, dir))
        .collect::<Option<_>>()?;
    Some(Files { sdist, wheels })
}

/// Reads a `uv.lock` table by table, taking the tables `known` holds as parsed there. Exact:
/// a table is its text, the same text parses the same, and what comes before the first
/// `[[package]]` line is parsed as the lock it begins. A text that does not split where it
/// seems to (a `[[package]]` line inside a multi-line string leaves a string open) is read
/// whole.
fn read(text: &str, mut known: Known) -> Option<UvLock> {
    let mut by_table = || -> Option<UvLock> {
        let (head, tables) = split(text);
        let mut lock: UvLock = toml::from_str(head).ok()?;
        for table in tables {
            let package = match known.0.remove(table) {
                Some(package) => package,
                None => parse_table(table)?,
            };
            lock.packages.push(package);
        }
        Some(lock)
    };
    by_table().or_else(|| toml::from_str(text).ok())
}

/// The line that begins each package's table.
const TABLE: &str = "[[package]]\n";

/// What comes before the first `[[package]]` line, and each `[[package]]` table (its line up
/// to the next one's).
fn split(text: &str) -> (&str, Vec<&str>) {
    let mut starts: Vec<usize> = text
        .match_indices(&format!("\n{TABLE}"))
        .map(|(at, _)| at + 1)
        .collect();
    if text.starts_with(TABLE) {
        starts.insert(0, 0);
    }
    let Some(&first) = starts.first() else {
        return (text, Vec::new());
    };
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let tables = starts.iter().zip(ends).map(|(&at, end)| &text[at..end]);
    (&text[..first], tables.collect())
}

/// One `[[package]]` table.
fn parse_table(table: &str) -> Option<UvPackage> {
    let mut lock: UvLock = toml::from_str(table).ok()?;
    (lock.packages.len() == 1).then(|| lock.packages.pop())?
}

/// The lock's packages as PEP 751's, each file's strings moved over rather than copied (a
/// universal lock holds thousands).
fn convert(lock: UvLock, root: &PackageName, dir: &Path) -> Option<Vec<Package>> {
    let mut root_index = None;
    for (index, package) in lock.packages.iter().enumerate() {
        match source_kind(&package.source)? {
            Kind::Virtual if &package.name == root => root_index = Some(index),
            Kind::Virtual => return None,
            Kind::Registry => {}
        }
    }
    let root_index = root_index?;
    let reach = reachability(&lock, root_index)?;
    let mut packages = Vec::new();
    for (index, mut package) in lock.packages.into_iter().enumerate() {
        if index == root_index || reach[index].is_false() {
            continue;
        }
        let files = match package.files.take() {
            Some(files) => files,
            None => files(&mut package, dir)?,
        };
        packages.push(Package {
            name: package.name,
            version: package.version,
            marker: reach[index].try_to_string(),
            requires_python: None,
            index: None,
            directory: None,
            archive: None,
            sdist: files.sdist,
            wheels: files.wheels,
        });
    }
    // `uv export` orders by name, then version.
    packages.sort_by(|a, b| (&a.name, version_key(a)).cmp(&(&b.name, version_key(b))));
    Some(packages)
}

fn version_key(package: &Package) -> Option<crate::pep::Version> {
    crate::pep::parse_version(package.version.as_deref()?).ok()
}

enum Kind {
    Registry,
    Virtual,
}

/// What a package's `source` table says it is; `None` for anything but an index or the
/// virtual root.
fn source_kind(source: &toml::Table) -> Option<Kind> {
    match source.keys().map(String::as_str).collect::<Vec<_>>()[..] {
        ["registry"] => Some(Kind::Registry),
        ["virtual"] => Some(Kind::Virtual),
        _ => None,
    }
}

/// For each package, where the root reaches it (`FALSE`: nowhere).
fn reachability(lock: &UvLock, root: usize) -> Option<Vec<MarkerTree>> {
    let mut by_name: HashMap<&PackageName, Vec<usize>> = HashMap::new();
    for (index, package) in lock.packages.iter().enumerate() {
        by_name.entry(&package.name).or_default().push(index);
    }
    let target = |dependency: &Dependency| -> Option<usize> {
        let candidates = by_name.get(&dependency.name)?;
        match &dependency.version {
            None if candidates.len() == 1 => Some(candidates[0]),
            None => None,
            Some(version) => candidates
                .iter()
                .copied()
                .find(|&index| lock.packages[index].version.as_deref() == Some(version)),
        }
    };
    let mut reach = vec![MarkerTree::FALSE; lock.packages.len()];
    let mut extras: HashMap<(usize, &str), MarkerTree> = HashMap::new();
    reach[root] = MarkerTree::TRUE;
    // Work: a package whose own dependencies, or one of whose extras, reach further now.
    let mut work: Vec<(usize, Option<&str>)> = vec![(root, None)];
    while let Some((index, extra)) = work.pop() {
        let package = &lock.packages[index];
        let (from, dependencies) = match extra {
            None => (reach[index], &package.dependencies),
            Some(extra) => (
                extras[&(index, extra)],
                package.optional_dependencies.get(extra)?,
            ),
        };
        for dependency in dependencies {
            let edge = match &dependency.marker {
                None => MarkerTree::TRUE,
                Some(text) if text.contains("extra") || text.contains("group") => return None,
                Some(text) => MarkerTree::from_str(text).ok()?,
            };
            let marker = from.and(edge);
            if marker.is_false() {
                continue;
            }
            let to = target(dependency)?;
            let widened = reach[to].or(marker);
            if widened != reach[to] {
                reach[to] = widened;
                work.push((to, None));
            }
            for extra in &dependency.extra {
                let known = lock.packages[to].optional_dependencies.get_key_value(extra);
                let Some((extra, _)) = known else {
                    continue;
                };
                let slot = extras
                    .entry((to, extra.as_str()))
                    .or_insert(MarkerTree::FALSE);
                let widened = slot.or(marker);
                if widened != *slot {
                    *slot = widened;
                    work.push((to, Some(extra.as_str())));
                }
            }
        }
    }
    Some(reach)
}

/// A file of `uv.lock` as PEP 751 writes it: a URL (a local index's path as a `file://` URL),
/// its sha256 (hashed here where a local index's entry has none, as the export does), its size
/// and upload time to the second.
fn artifact(file: UvArtifact, dir: &Path) -> Option<Artifact> {
    let (url, local) = match (file.url, &file.path) {
        (Some(url), _) => (url, None),
        (None, Some(path)) => {
            let path = dir.join(path);
            (crate::fsutil::path_to_file_url(&path), Some(path))
        }
        (None, None) => return None,
    };
    let sha256 = match (file.hash, &local) {
        (Some(mut hash), _) if hash.starts_with("sha256:") => {
            hash.drain(.."sha256:".len());
            hash
        }
        (Some(_), _) => return None,
        (None, Some(path)) => crate::fsutil::sha256_file(path).ok()?,
        (None, None) => return None,
    };
    let upload_time = match &file.upload_time {
        Some(text) => {
            let mut time: toml::value::Datetime = text.parse().ok()?;
            if let Some(clock) = time.time.as_mut() {
                clock.nanosecond = None;
            }
            Some(time)
        }
        None => None,
    };
    Some(Artifact {
        name: None,
        url: Some(url),
        path: None,
        upload_time,
        size: file.size,
        hashes: BTreeMap::from([("sha256".to_string(), sha256)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `uv lock` (0.13.9) wrote for a scratch project over a local index of four wheels:
    /// `alpha` needs `beta[fast]` from Python 3.10 and `gamma`; `beta[fast]` needs `delta` on
    /// Linux; the project also needs `gamma` in a tagged part.
    const LOCAL: &str = r#"
version = 1
revision = 5
requires-python = ">=3.9"

[[package]]
name = "alpha"
version = "1.0"
source = { registry = "wheels" }
dependencies = [
    { name = "beta", extra = ["fast"], marker = "python_full_version >= '3.10'" },
    { name = "gamma" },
]
wheels = [{ path = "wheels/alpha-1.0-py3-none-any.whl" }]

[[package]]
name = "beta"
version = "1.0"
source = { registry = "wheels" }
wheels = [{ path = "wheels/beta-1.0-py3-none-any.whl" }]

[package.optional-dependencies]
fast = [{ name = "delta", marker = "sys_platform == 'linux'" }]

[[package]]
name = "delta"
version = "2.0"
source = { registry = "wheels" }
wheels = [{ path = "wheels/delta-2.0-py3-none-any.whl" }]

[[package]]
name = "gamma"
version = "1.0"
source = { registry = "wheels" }
wheels = [{ path = "wheels/gamma-1.0-py3-none-any.whl" }]

[[package]]
name = "s"
version = "0"
source = { virtual = "." }
dependencies = [
    { name = "alpha" },
    { name = "gamma", marker = "'pvm-part-1' in platform_version" },
]
"#;

    fn markers(packages: &[Package]) -> Vec<(String, Option<String>)> {
        packages
            .iter()
            .map(|p| (p.name.to_string(), p.marker.clone()))
            .collect()
    }

    /// The folder of [`LOCAL`]'s lock, its local index holding each wheel it names (and an
    /// older `delta`).
    fn local_index() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("wheels")).unwrap();
        for name in [
            "alpha-1.0",
            "beta-1.0",
            "delta-1.0",
            "delta-2.0",
            "gamma-1.0",
        ] {
            let wheel = dir.path().join(format!("wheels/{name}-py3-none-any.whl"));
            std::fs::write(wheel, name).unwrap();
        }
        dir
    }

    #[test]
    fn a_local_index_lock_reads_as_uv_export_writes_it() {
        let dir = local_index();
        let lock: UvLock = toml::from_str(LOCAL).unwrap();
        let root = PackageName::from_str("s").unwrap();
        let packages = convert(lock, &root, dir.path()).unwrap();
        // As `uv export --format pylock.toml` wrote them from the same lock.
        assert_eq!(
            markers(&packages),
            [
                ("alpha".to_string(), None),
                (
                    "beta".to_string(),
                    Some("python_full_version >= '3.10'".to_string())
                ),
                (
                    "delta".to_string(),
                    Some("python_full_version >= '3.10' and sys_platform == 'linux'".to_string())
                ),
                ("gamma".to_string(), None),
            ]
        );
        let wheel = &packages[3].wheels[0];
        let path = dir.path().join("wheels/gamma-1.0-py3-none-any.whl");
        assert_eq!(wheel.url, Some(crate::fsutil::path_to_file_url(&path)));
        assert_eq!(
            wheel.hashes["sha256"],
            crate::fsutil::sha256_hex("gamma-1.0")
        );
    }

    #[test]
    fn versions_forked_by_python_are_told_apart_and_times_kept_to_the_second() {
        let text = r#"
[[package]]
name = "root"
version = "0"
source = { virtual = "." }
dependencies = [
    { name = "click", version = "8.1.8", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.10'" },
    { name = "click", version = "8.5.1", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.10'" },
]

[[package]]
name = "click"
version = "8.5.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "colorama", marker = "sys_platform == 'win32'" }]
sdist = { url = "https://example.org/click-8.5.1.tar.gz", hash = "sha256:aa", size = 10, upload-time = "2026-07-28T13:50:58.129Z" }

[[package]]
name = "click"
version = "8.1.8"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "colorama", marker = "sys_platform == 'win32'" }]
wheels = [{ url = "https://example.org/click-8.1.8-py3-none-any.whl", hash = "sha256:bb", size = 20 }]

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://example.org/colorama-0.4.6-py3-none-any.whl", hash = "sha256:cc" }]
"#;
        let lock: UvLock = toml::from_str(text).unwrap();
        let root = PackageName::from_str("root").unwrap();
        let packages = convert(lock, &root, Path::new("/")).unwrap();
        assert_eq!(
            markers(&packages),
            [
                (
                    "click".to_string(),
                    Some("python_full_version < '3.10'".to_string())
                ),
                (
                    "click".to_string(),
                    Some("python_full_version >= '3.10'".to_string())
                ),
                (
                    "colorama".to_string(),
                    Some("sys_platform == 'win32'".to_string())
                ),
            ]
        );
        let sdist = packages[1].sdist.as_ref().unwrap();
        assert_eq!(
            sdist.upload_time.unwrap().to_string(),
            "2026-07-28T13:50:58Z"
        );
        assert_eq!(sdist.hashes["sha256"], "aa");
        assert_eq!(packages[0].wheels[0].size, Some(20));
    }

    /// Each package of a lock as its name, version and wheel count (its files converted ahead
    /// or not), to compare two reads.
    fn summary(lock: &UvLock) -> Vec<(String, Option<String>, usize)> {
        lock.packages
            .iter()
            .map(|p| {
                let wheels = p.files.as_ref().map_or(p.wheels.len(), |f| f.wheels.len());
                (p.name.to_string(), p.version.clone(), wheels)
            })
            .collect()
    }

    #[test]
    fn a_lock_read_table_by_table_from_the_last_one_reads_as_the_whole() {
        let dir = local_index();
        let before = LOCAL.replace("delta-2.0", "delta-1.0");
        let known = Known::of(&before, dir.path());
        assert_eq!(known.0.len(), 5, "the tables of the lock uv starts from");
        let read = read(LOCAL, known).unwrap();
        let whole: UvLock = toml::from_str(LOCAL).unwrap();
        assert_eq!(summary(&read), summary(&whole));
        assert_eq!(
            read.packages[1].optional_dependencies["fast"][0]
                .marker
                .as_deref(),
            Some("sys_platform == 'linux'"),
            "a sub-table stays with its package"
        );
        // Files converted ahead, or now: the same lock.
        let root = PackageName::from_str("s").unwrap();
        assert_eq!(
            convert(read, &root, dir.path()).unwrap(),
            convert(whole, &root, dir.path()).unwrap()
        );
        let whole: UvLock = toml::from_str(LOCAL).unwrap();
        // Nothing known, or a text that does not split: the same packages.
        assert_eq!(summary(&read_fresh(LOCAL)), summary(&whole));
        let crlf = LOCAL.replace('\n', "\r\n");
        assert_eq!(summary(&read_fresh(&crlf)), summary(&whole));
    }

    fn read_fresh(text: &str) -> UvLock {
        read(text, Known::default()).unwrap()
    }

    #[test]
    fn a_package_line_inside_a_string_is_no_table_of_its_own() {
        // A multi-line string holding a `[[package]]` line: split there, the first part leaves
        // the string open, so the text is read whole, as TOML reads it.
        let text = "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { virtual = \".\" }\n\n[package.metadata]\nnote = \"\"\"\n[[package]]\nname = \"b\"\n\"\"\"\n";
        let whole: UvLock = toml::from_str(text).unwrap();
        assert_eq!(whole.packages.len(), 1);
        assert_eq!(summary(&read_fresh(text)), summary(&whole));
        let known = Known::of(text, Path::new("."));
        assert_eq!(summary(&read(text, known).unwrap()), summary(&whole));
    }

    #[test]
    fn what_only_uv_can_export_is_left_to_it() {
        let git = r#"
[[package]]
name = "root"
version = "0"
source = { virtual = "." }
dependencies = [{ name = "dep" }]

[[package]]
name = "dep"
version = "1.0"
source = { git = "https://example.org/dep.git?rev=main#abc" }
"#;
        let lock: UvLock = toml::from_str(git).unwrap();
        let root = PackageName::from_str("root").unwrap();
        assert!(convert(lock, &root, Path::new("/")).is_none());
        let conflict = git
            .replace(
                "{ git = \"https://example.org/dep.git?rev=main#abc\" }",
                "{ registry = \"https://pypi.org/simple\" }",
            )
            .replace(
                "{ name = \"dep\" }",
                "{ name = \"dep\", marker = \"extra == 'extra-4-root-a'\" }",
            );
        let lock: UvLock = toml::from_str(&conflict).unwrap();
        assert!(convert(lock, &root, Path::new("/")).is_none());
    }
}
