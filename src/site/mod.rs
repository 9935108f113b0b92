//! What an env holds: the distributions in its site-packages, read from their `.dist-info`
//! metadata, and which of them a set of requirements needs.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::pep::{self, ExtraName, MarkerEnvironment, PackageName, Requirement};

pub mod outdated;
pub mod record;
pub mod tree;

/// One installed distribution.
#[derive(Debug, Clone)]
pub struct Dist {
    pub name: PackageName,
    pub version: String,
    pub requires: Vec<Requirement>,
    pub dist_info: PathBuf,
}

/// What an env's site-packages holds, read once: every distribution by normalized name. A
/// sync reads it before its first change and again after each change ([`refresh`]), never
/// in between.
///
/// [`refresh`]: SitePackages::refresh
#[derive(Debug, Clone)]
pub struct SitePackages {
    path: PathBuf,
    dists: BTreeMap<PackageName, Dist>,
    /// The size and time of each `.dist-info` folder's METADATA when it was read.
    stamps: HashMap<PathBuf, Stamp>,
}

/// A METADATA file's size and modification time: the same folder whose METADATA has the same
/// stamp holds what it held (an installer writes, or links, a new file).
type Stamp = (u64, Option<std::time::SystemTime>);

/// A site-packages read on another thread ([`read_ahead`]), for the next
/// [`SitePackages::read`] of the same folder to take.
static AHEAD: Mutex<Option<SitePackages>> = Mutex::new(None);

/// Reads `site_packages` on another thread, for a sync that follows a resolution: while the
/// resolver runs, every METADATA is read and parsed, and the sync's own read then only checks
/// that each is the one read (the same read, a step sooner). Where no thread starts, the sync
/// reads it as ever.
pub fn read_ahead(site_packages: &Path) {
    let path = site_packages.to_path_buf();
    let _ = std::thread::Builder::new().spawn(move || {
        if let Ok(mut ahead) = AHEAD.lock() {
            *ahead = Some(SitePackages::read_anew(&path));
        }
    });
}

impl SitePackages {
    /// Reads `path`: every `.dist-info` folder's METADATA (a missing folder holds nothing).
    pub fn read(path: &Path) -> SitePackages {
        let ahead = AHEAD
            .lock()
            .ok()
            .and_then(|mut ahead| ahead.take_if(|site| site.path == path));
        match ahead {
            Some(mut site) => {
                site.refresh();
                site
            }
            None => SitePackages::read_anew(path),
        }
    }

    fn read_anew(path: &Path) -> SitePackages {
        let mut site = SitePackages {
            path: path.to_path_buf(),
            dists: BTreeMap::new(),
            stamps: HashMap::new(),
        };
        site.refresh();
        site
    }

    /// Reads the folder again, after a change to it: a distribution whose METADATA is the one
    /// read before is kept as read (a sync that adds one package to fifty reads one).
    pub fn refresh(&mut self) {
        let mut dists = BTreeMap::new();
        let mut stamps = HashMap::new();
        for (name, path) in dist_infos(&self.path) {
            let metadata = path.join("METADATA");
            let Ok(stat) = std::fs::metadata(&metadata) else {
                continue;
            };
            let stamp = (stat.len(), stat.modified().ok());
            let known = self.stamps.get(&path) == Some(&stamp);
            let dist = match self.dists.get(&name) {
                Some(dist) if known && dist.dist_info == path => Some(dist.clone()),
                _ => None,
            };
            let dist = dist.or_else(|| {
                let text = std::fs::read_to_string(&metadata).ok()?;
                parse_metadata(&text, path.clone())
            });
            if let Some(dist) = dist {
                stamps.insert(path, stamp);
                dists.insert(dist.name.clone(), dist);
            }
        }
        self.dists = dists;
        self.stamps = stamps;
    }

    /// The distributions, by normalized name.
    pub fn dists(&self) -> &BTreeMap<PackageName, Dist> {
        &self.dists
    }
}

/// Every distribution in `site_packages`, by normalized name.
pub fn installed(site_packages: &Path) -> BTreeMap<PackageName, Dist> {
    SitePackages::read_anew(site_packages).dists
}

/// The `.dist-info` folders of `site_packages` named for a project, with that name.
fn dist_infos(site_packages: &Path) -> Vec<(PackageName, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(site_packages) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| Some((folder_name(&entry.file_name())?, entry.path())))
        .collect()
}

/// The project a `.dist-info` folder is named for (`name-version.dist-info`), as Python and
/// pip find distributions: by the folder's name. A folder named for no valid project is not an
/// installed distribution, whatever its METADATA says: pip, killed in the middle of an
/// uninstall, leaves what it took away beside it as `~lpha-2.0.dist-info` (its stash), which
/// pip itself ignores and which must not stand for the package now installed.
fn folder_name(file_name: &std::ffi::OsStr) -> Option<PackageName> {
    let file_name = file_name.to_str()?;
    let stem = file_name.strip_suffix(".dist-info")?;
    let name = stem.split_once('-').map_or(stem, |(name, _)| name);
    name.parse().ok()
}

/// What pip's stash left in `site_packages` when it was killed in the middle of an uninstall:
/// the `~`-named folders and files it moves what it removes to (`~lpha` for `alpha`), which
/// neither pip nor Python ever reads again. pip names no package so: nothing else is.
pub fn stash(site_packages: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(site_packages) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_name().as_encoded_bytes().starts_with(b"~"))
        .map(|entry| entry.path())
        .collect()
}

/// Reads the headers of a core metadata file (an email message: headers end at a blank line).
fn parse_metadata(text: &str, dist_info: PathBuf) -> Option<Dist> {
    let mut name = None;
    let mut version = None;
    let mut requires = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "Name" => name = value.parse().ok(),
            "Version" => version = Some(value.to_string()),
            // A requirement pvm cannot read is skipped: the installer has already judged it.
            "Requires-Dist" => requires.extend(pep::parse_requirement(value).ok()),
            _ => {}
        }
    }
    Some(Dist {
        name: name?,
        version: version?,
        requires,
        dist_info,
    })
}

/// The distribution installed from the folder `root`, found by its `direct_url.json` (PEP 610),
/// with whether it is editable. This finds the project itself whatever its name, even when the
/// manifest has none (a `setup.py` project).
pub fn installed_from<'a>(
    dists: &'a BTreeMap<PackageName, Dist>,
    root: &Path,
) -> Option<(&'a Dist, bool)> {
    #[derive(serde::Deserialize)]
    struct DirectUrl {
        url: String,
        #[serde(default)]
        dir_info: Option<DirInfo>,
    }
    #[derive(serde::Deserialize)]
    struct DirInfo {
        #[serde(default)]
        editable: bool,
    }
    dists.values().find_map(|dist| {
        let bytes = std::fs::read(dist.dist_info.join("direct_url.json")).ok()?;
        let direct: DirectUrl = serde_json::from_slice(&bytes).ok()?;
        let path = crate::fsutil::file_url_to_path(&direct.url)?;
        let same = path == root || path.canonicalize().is_ok_and(|path| path == root);
        same.then(|| (dist, direct.dir_info.is_some_and(|info| info.editable)))
    })
}

/// The names of the installed distributions that `roots` need, following `Requires-Dist`
/// with markers and extras evaluated for this env.
pub fn needed(
    roots: &[Requirement],
    dists: &BTreeMap<PackageName, Dist>,
    env: &MarkerEnvironment,
) -> BTreeSet<PackageName> {
    let mut seen: BTreeSet<(PackageName, Option<ExtraName>)> = BTreeSet::new();
    let mut queue: VecDeque<(PackageName, Vec<ExtraName>)> = VecDeque::new();
    for root in roots {
        if pep::applies(root, env, &[]) {
            queue.push_back((root.name.clone(), root.extras.to_vec()));
        }
    }
    let mut needed = BTreeSet::new();
    while let Some((name, extras)) = queue.pop_front() {
        let new_base = seen.insert((name.clone(), None));
        let new_extras: Vec<ExtraName> = extras
            .into_iter()
            .filter(|extra| seen.insert((name.clone(), Some(extra.clone()))))
            .collect();
        if !new_base && new_extras.is_empty() {
            continue;
        }
        let Some(dist) = dists.get(&name) else {
            continue;
        };
        needed.insert(name.clone());
        let active: Vec<ExtraName> = seen
            .iter()
            .filter(|(seen_name, extra)| *seen_name == name && extra.is_some())
            .filter_map(|(_, extra)| extra.clone())
            .collect();
        for requirement in &dist.requires {
            if pep::applies(requirement, env, &active) {
                queue.push_back((requirement.name.clone(), requirement.extras.to_vec()));
            }
        }
    }
    needed
}

/// Whether the env holds exactly what `roots` need (and `also`, with what they need): every
/// root that applies is installed, and nothing else is. What an explicit `pvm sync` checks
/// before it trusts the fingerprint: a package installed by hand fails it.
pub fn holds_exactly(
    site_packages: &Path,
    roots: &[Requirement],
    also: &[&str],
    env: &MarkerEnvironment,
) -> bool {
    let dists = installed(site_packages);
    let missing = roots
        .iter()
        .any(|root| pep::applies(root, env, &[]) && !dists.contains_key(&root.name));
    if missing {
        return false;
    }
    let mut keep = needed(roots, &dists, env);
    let others: Vec<Requirement> = also
        .iter()
        .filter_map(|name| pep::parse_requirement(name).ok())
        .collect();
    keep.extend(needed(&others, &dists, env));
    dists.keys().all(|name| keep.contains(name))
}

/// The normalized names with more than one `.dist-info` folder in `site_packages` (an install
/// over another that left the first's metadata): Python imports one, tools read either, so
/// the env is not what any of them says. One listing of the folder, no file read.
pub fn duplicates(site_packages: &Path) -> Vec<PackageName> {
    let mut seen: BTreeMap<PackageName, usize> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(site_packages) else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        if let Some(name) = folder_name(&entry.file_name()) {
            *seen.entry(name).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(name, _)| name)
        .collect()
}

/// The installed distributions whose files do not match their RECORD (missing, or another
/// size): what an installer killed while copying leaves behind, `.dist-info` already written.
/// What pvm installed is also checked by each file's sha256: its RECORD is its own.
pub fn damaged(dists: &BTreeMap<PackageName, Dist>, site_packages: &Path) -> Vec<PackageName> {
    dists
        .values()
        .filter(|dist| {
            // METADATA without RECORD: an installer stopped between the two.
            let Ok(record) = std::fs::read_to_string(dist.dist_info.join("RECORD")) else {
                return true;
            };
            let ours = std::fs::read_to_string(dist.dist_info.join("INSTALLER"))
                .is_ok_and(|installer| installer.trim() == "pvm");
            record::read(&record).iter().any(|row| {
                let Ok(size) = row.size.parse::<u64>() else {
                    return false;
                };
                let file = site_packages.join(&row.path);
                if std::fs::metadata(&file).map_or(true, |m| m.len() != size) {
                    return true;
                }
                ours && !row.hash.is_empty() && !has_hash(&file, &row.hash)
            })
        })
        .map(|dist| dist.name.clone())
        .collect()
}

/// Whether the file at `path` has the RECORD hash `hash` (`sha256=…`), read in pieces.
fn has_hash(path: &Path, hash: &str) -> bool {
    std::fs::File::open(path)
        .and_then(|file| crate::fsutil::copy_hashed(file, std::io::sink()))
        .is_ok_and(|(digest, _)| crate::fsutil::record_hash(&digest) == hash)
}

/// The files a distribution's RECORD lists, relative to site-packages (`None` without one).
pub fn record_files(dist: &Dist) -> Option<Vec<String>> {
    let record = std::fs::read_to_string(dist.dist_info.join("RECORD")).ok()?;
    Some(
        record::read(&record)
            .into_iter()
            .map(|row| row.path)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> MarkerEnvironment {
        pep::cpython312_on("linux")
    }

    fn dist(name: &str, requires: &[&str]) -> (PackageName, Dist) {
        let name: PackageName = name.parse().unwrap();
        let dist = Dist {
            name: name.clone(),
            version: "1".into(),
            requires: requires
                .iter()
                .map(|r| pep::parse_requirement(r).unwrap())
                .collect(),
            dist_info: PathBuf::new(),
        };
        (name, dist)
    }

    #[test]
    fn follows_dependencies_markers_and_extras() {
        let dists: BTreeMap<PackageName, Dist> = [
            dist(
                "app",
                &[
                    "lib",
                    "win ; sys_platform == 'win32'",
                    "opt ; extra == 'fast'",
                ],
            ),
            dist("lib", &["base>=1"]),
            dist("base", &[]),
            dist("win", &[]),
            dist("opt", &[]),
            dist("stray", &[]),
        ]
        .into_iter()
        .collect();
        let roots = [pep::parse_requirement("app").unwrap()];
        let got: Vec<String> = needed(&roots, &dists, &env())
            .iter()
            .map(PackageName::to_string)
            .collect();
        assert_eq!(got, ["app", "base", "lib"]);
        let roots = [pep::parse_requirement("app[fast]").unwrap()];
        assert!(needed(&roots, &dists, &env()).contains(&pep::package_name("opt")));
    }

    #[test]
    fn metadata_headers_are_read() {
        let dist = parse_metadata(
            "Metadata-Version: 2.1\nName: My_Pkg\nVersion: 2.0\nRequires-Dist: other (>=1)\n\nRequires-Dist: body\n",
            PathBuf::new(),
        )
        .unwrap();
        assert_eq!(dist.name.as_str(), "my-pkg");
        assert_eq!(dist.requires.len(), 1);
    }

    #[test]
    fn a_killed_pips_stash_is_no_distribution() {
        let site = tempfile::tempdir().unwrap();
        for (folder, version) in [
            ("alpha-1.0.dist-info", "1.0"),
            ("~lpha-2.0.dist-info", "2.0"),
            ("~~pha-3.0.dist-info", "3.0"),
        ] {
            let dir = site.path().join(folder);
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(
                dir.join("METADATA"),
                format!("Metadata-Version: 2.1\nName: alpha\nVersion: {version}\n"),
            )
            .unwrap();
        }
        std::fs::create_dir(site.path().join("~lpha")).unwrap();
        let dists = installed(site.path());
        assert_eq!(dists.len(), 1);
        assert_eq!(dists[&pep::package_name("alpha")].version, "1.0");
        assert!(duplicates(site.path()).is_empty());
        let mut stash: Vec<String> = stash(site.path())
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        stash.sort();
        assert_eq!(
            stash,
            ["~lpha", "~lpha-2.0.dist-info", "~~pha-3.0.dist-info"]
        );
    }

    fn write_dist(site: &Path, folder: &str, metadata: &str) {
        let dir = site.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("METADATA"), metadata).unwrap();
    }

    #[test]
    fn a_read_ahead_or_a_refresh_sees_what_changed_since() {
        let site = tempfile::tempdir().unwrap();
        let alpha = "Metadata-Version: 2.1\nName: alpha\nVersion: 1.0\n";
        write_dist(site.path(), "alpha-1.0.dist-info", alpha);
        write_dist(
            site.path(),
            "beta-1.0.dist-info",
            "Name: beta\nVersion: 1.0\n",
        );
        // Read ahead, then changed before the sync reads it: a new package, one gone, one
        // whose METADATA was written again in the same folder (a reinstall).
        read_ahead(site.path());
        while AHEAD.lock().unwrap().is_none() {
            std::thread::yield_now();
        }
        write_dist(
            site.path(),
            "gamma-2.0.dist-info",
            "Name: gamma\nVersion: 2.0\n",
        );
        std::fs::remove_dir_all(site.path().join("beta-1.0.dist-info")).unwrap();
        write_dist(
            site.path(),
            "alpha-1.0.dist-info",
            &format!("{alpha}Requires-Dist: gamma\n"),
        );
        let mut read = SitePackages::read(site.path());
        let names: Vec<&str> = read.dists().keys().map(PackageName::as_str).collect();
        assert_eq!(names, ["alpha", "gamma"]);
        assert_eq!(read.dists()[&pep::package_name("alpha")].requires.len(), 1);
        // What the read kept is what a read from nothing finds, after each change.
        write_dist(
            site.path(),
            "gamma-3.0.dist-info",
            "Name: gamma\nVersion: 3.0\n",
        );
        std::fs::remove_dir_all(site.path().join("gamma-2.0.dist-info")).unwrap();
        read.refresh();
        let versions = |dists: &BTreeMap<PackageName, Dist>| -> Vec<(String, String, usize)> {
            dists
                .values()
                .map(|d| (d.name.to_string(), d.version.clone(), d.requires.len()))
                .collect()
        };
        assert_eq!(versions(read.dists()), versions(&installed(site.path())));
        assert_eq!(read.dists()[&pep::package_name("gamma")].version, "3.0");
    }
}
