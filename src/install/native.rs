//! Installing a lock's wheels natively, without an installer process: the wheel each package
//! needs on this machine, chosen by its tags as pip and uv choose, fetched by path or URL into
//! pvm's cache (checked against the lock's sha256), unpacked and checked there, then
//! hard-linked into the env, as pip is seeded. Everything that can fail on a wheel happens
//! before the env changes. Used when every package of the plan has such a wheel; anything else
//! (an sdist, an archive, a folder, another platform, a download pvm cannot make, offline
//! without the wheel at hand) goes to the installer.

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::wheel::WheelError;
use super::wheel_check::{self, Expected};
use super::{InstallError, Progress, SyncOptions, wheel};
use crate::http::{Failure, HttpError};
use crate::installer::Backend;
use crate::lock::pylock::{Artifact, Package};
use crate::pep::PackageName;
use crate::project::Project;
use crate::python::Facts;
use crate::site;
use crate::venv::Layout;
use crate::{fsutil, parallel, platform};

/// The wheel tags this interpreter accepts, most specific first, in the order packaging's
/// `sys_tags` (24, as pip vendors it) yields them for CPython on glibc Linux, macOS and Windows;
/// `None` elsewhere (musl, other systems, free-threaded, debug or 32-bit Unix builds, PyPy),
/// where the installer chooses.
fn supported_tags(facts: &Facts) -> Option<Vec<String>> {
    if facts.implementation != "cpython" || !facts.abiflags.is_empty() {
        return None;
    }
    let (major, minor) = (facts.version_info.0, facts.version_info.1);
    if major != 3 || minor < 8 {
        return None;
    }
    let platforms = match facts.platform.as_str() {
        "linux" if facts.pointer_size == 64 => linux_platforms(facts)?,
        "darwin" if facts.pointer_size == 64 => super::tags_macos::platforms(facts)?,
        "win32" => vec![windows_platform(facts)?],
        _ => return None,
    };
    let cp = format!("cp{major}{minor}");
    let mut tags = Vec::new();
    // cpython_tags: each ABI across every platform, then abi3 of older versions.
    for abi in [cp.as_str(), "abi3", "none"] {
        for platform in &platforms {
            tags.push(format!("{cp}-{abi}-{platform}"));
        }
    }
    for older in (2..minor).rev() {
        for platform in &platforms {
            tags.push(format!("cp{major}{older}-abi3-{platform}"));
        }
    }
    // compatible_tags: py3X, py3, py3(X-1) … py30 on every platform, then `any`.
    let mut pythons = vec![format!("py{major}{minor}"), format!("py{major}")];
    pythons.extend((0..minor).rev().map(|older| format!("py{major}{older}")));
    for python in &pythons {
        for platform in &platforms {
            tags.push(format!("{python}-none-{platform}"));
        }
    }
    tags.push(format!("{cp}-none-any"));
    for python in &pythons {
        tags.push(format!("{python}-none-any"));
    }
    Some(tags)
}

/// glibc Linux's platform tags (manylinux), from the glibc the interpreter reports.
fn linux_platforms(facts: &Facts) -> Option<Vec<String>> {
    let arch = facts.markers.get("platform_machine")?;
    let glibc: u32 = facts.glibc.as_deref()?.split('.').nth(1)?.parse().ok()?;
    // manylinux1 (glibc 2.5) was x86 only; the other architectures start at 2014 (2.17).
    let oldest = if arch == "x86_64" { 5 } else { 17 };
    // manylinux from the newest glibc down, then a wheel built on this very machine (pip's
    // packaging up to 24 and uv rank it last; packaging 26 first, but the installers pvm
    // falls back to would choose otherwise).
    let mut platforms: Vec<String> = Vec::new();
    for glibc_minor in (oldest..=glibc).rev() {
        platforms.push(format!("manylinux_2_{glibc_minor}_{arch}"));
        let alias = match glibc_minor {
            17 => Some("manylinux2014"),
            12 => Some("manylinux2010"),
            5 => Some("manylinux1"),
            _ => None,
        };
        if let Some(alias) = alias {
            platforms.push(format!("{alias}_{arch}"));
        }
    }
    platforms.push(format!("linux_{arch}"));
    Some(platforms)
}

/// The one platform tag of a Windows Python, as packaging takes it from
/// `sysconfig.get_platform()`: `win_amd64`, `win_arm64` or `win32`. Facts cached before pvm
/// asked for it fall back on the pointer size and `platform.machine()`.
fn windows_platform(facts: &Facts) -> Option<String> {
    if let Some(platform) = &facts.sysconfig_platform {
        return Some(platform.replace(['-', '.'], "_"));
    }
    if facts.pointer_size == 32 {
        return Some("win32".into());
    }
    match facts
        .markers
        .get("platform_machine")?
        .to_ascii_uppercase()
        .as_str()
    {
        "AMD64" => Some("win_amd64".into()),
        "ARM64" => Some("win_arm64".into()),
        _ => None,
    }
}

/// This machine's tags by rank (lower is better): a universal lock names a thousand wheels,
/// and a glibc Linux accepts hundreds of tags, so each wheel's tags are looked up, not searched.
struct Ranks(std::collections::HashMap<String, usize>);

impl Ranks {
    fn new(tags: &[String]) -> Ranks {
        let mut ranks = std::collections::HashMap::with_capacity(tags.len());
        for (rank, tag) in tags.iter().enumerate() {
            ranks.entry(tag.clone()).or_insert(rank);
        }
        Ranks(ranks)
    }

    /// The rank of the best tag a wheel file name carries, if any fits.
    fn of(&self, file: &str) -> Option<usize> {
        let stem = file.strip_suffix(".whl")?;
        let parts: Vec<&str> = stem.split('-').collect();
        if parts.len() < 5 {
            return None;
        }
        let (python, abi, platform) = (
            parts[parts.len() - 3],
            parts[parts.len() - 2],
            parts[parts.len() - 1],
        );
        let mut best: Option<usize> = None;
        let mut tag = String::new();
        for p in python.split('.') {
            for a in abi.split('.') {
                for plat in platform.split('.') {
                    tag.clear();
                    tag.extend([p, "-", a, "-", plat]);
                    if let Some(&at) = self.0.get(&tag) {
                        best = Some(best.map_or(at, |b| b.min(at)));
                    }
                }
            }
        }
        best
    }
}

/// The wheel of `package` the installer would take on this machine, when pvm can fetch and
/// check it itself: with a sha256, from a local file or a URL.
fn pick<'a>(package: &'a Package, ranks: &Ranks) -> Option<&'a Artifact> {
    if package.directory.is_some() {
        return None;
    }
    // An archive is taken when it is a local wheel (a path source, `dist/x.whl`): an sdist
    // needs a build, a remote archive the installer.
    let candidates: Vec<&Artifact> = match &package.archive {
        Some(archive) if archive.path.is_some() => vec![archive],
        Some(_) => return None,
        None => package.wheels.iter().collect(),
    };
    let best = candidates
        .into_iter()
        .filter_map(|wheel| Some((ranks.of(wheel.file_name()?)?, wheel)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, wheel)| wheel)?;
    let checked = best.sha256().is_some_and(is_digest);
    let reachable = best.url.is_some() || best.path.is_some();
    (checked && reachable).then_some(best)
}

/// The name comes from the lock: only a real digest names a file.
fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where a downloaded wheel is kept: named by its sha256.
fn kept_path(artifact: &Artifact, cache: &Path) -> Option<PathBuf> {
    let sha256 = artifact.sha256().filter(|sha256| is_digest(sha256))?;
    Some(
        cache
            .join("artifacts")
            .join(format!("{}.whl", sha256.to_ascii_lowercase())),
    )
}

/// The wheel file at hand without a download: the local one (its hash and place were checked
/// with the lock's other local files), or one downloaded before.
fn at_hand(artifact: &Artifact, root: &Path, cache: &Path) -> Option<PathBuf> {
    if let Some(path) = artifact.local_file(root) {
        return path.is_file().then_some(path);
    }
    kept_path(artifact, cache).filter(|kept| kept.is_file())
}

/// Downloads `artifact` by URL into `cache/artifacts/<sha256>.whl`, streamed through the hash
/// and kept only when it matches. `InstallError::Native` when the download itself fails.
fn download(
    client: &crate::http::Client,
    artifact: &Artifact,
    cache: &Path,
) -> Result<PathBuf, InstallError> {
    let (Some(url), Some(expected), Some(kept)) =
        (&artifact.url, artifact.sha256(), kept_path(artifact, cache))
    else {
        return Err(InstallError::Native(format!(
            "{} has no URL to download",
            artifact.file_name().unwrap_or("a wheel")
        )));
    };
    let folder = cache.join("artifacts");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InstallError::Io { path, source }
    };
    fsutil::create_dir_all(&folder).map_err(io(&folder))?;
    let shown = fsutil::strip_credentials(url);
    let part = platform::temp_mode(
        tempfile::Builder::new().prefix(&fsutil::Temp::Download.prefix()),
        fsutil::FILE_MODE,
    )
    .tempfile_in(&folder)
    .map_err(io(&folder))?;
    let mut sink = Hashed {
        part,
        hasher: Sha256::new(),
    };
    match client.download(url, &mut sink) {
        Ok(()) => {}
        // The network: the installer may do better (credentials from netrc, a proxy).
        Err(Failure::Http(err @ HttpError::Failed { .. })) => {
            return Err(InstallError::Native(err.to_string()));
        }
        Err(Failure::Http(err)) => return Err(err.into()),
        Err(Failure::Sink(err)) => return Err(io(sink.part.path())(err)),
    }
    let Hashed { part, hasher } = sink;
    let actual = fsutil::hex(&hasher.finalize());
    if actual != expected.to_ascii_lowercase() {
        return Err(crate::lock::LockError::HashMismatch {
            package: artifact.file_name().unwrap_or(url).to_string(),
            path: PathBuf::from(shown.clone()),
            expected: expected.to_string(),
            actual,
        }
        .into());
    }
    // On disk before it has its name: a kept file is trusted without hashing it again.
    part.as_file().sync_data().map_err(io(part.path()))?;
    part.persist(&kept).map_err(|err| InstallError::Io {
        path: kept.clone(),
        source: err.error,
    })?;
    Ok(kept)
}

/// A download on its way into the cache, hashed as it comes.
struct Hashed {
    part: tempfile::NamedTempFile,
    hasher: Sha256,
}

impl crate::http::Sink for Hashed {
    type Error = std::io::Error;

    fn start(&mut self, _total: Option<u64>) -> std::io::Result<()> {
        // A try again starts from the first byte.
        self.hasher = Sha256::new();
        self.part.as_file().set_len(0)?;
        self.part.as_file_mut().rewind()
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hasher.update(bytes);
        self.part.write_all(bytes)
    }
}

/// What a native install of the lock's planned packages does: the installed packages to
/// replace (name and `.dist-info`), and the wheels to link in, unpacked and checked.
pub struct Plan {
    replace: Vec<(PackageName, PathBuf)>,
    trees: Vec<PathBuf>,
}

/// The native plan when this machine takes a wheel of every planned package and pvm could
/// fetch, check and unpack each (`None` otherwise: the installer does the work). Packages
/// already there at their locked version are left. Nothing in the env changes here.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    layout: &Layout,
    facts: &Facts,
    project: &Project,
    planned: &[&Package],
    options: &SyncOptions,
    offline: bool,
    config: &crate::config::Config,
    cache: &Path,
    installed: &site::SitePackages,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<Plan>, InstallError> {
    let Some(tags) = supported_tags(facts) else {
        return Ok(None);
    };
    let installed = installed.dists();
    // A damaged install is about to be repaired away: it is installed again.
    let damaged = if options.repair {
        site::damaged(installed, &layout.site_packages)
    } else {
        Vec::new()
    };
    // Only a package about to be installed needs a wheel pvm can take: one installed already
    // stays as it is.
    let mut ranks = None;
    let mut replace = Vec::new();
    let mut wanted = Vec::new();
    for package in planned {
        let name = package.name.clone();
        let same = installed
            .get(&name)
            .is_some_and(|dist| Some(dist.version.as_str()) == package.version.as_deref());
        if same && !options.reinstall && !damaged.contains(&name) {
            continue;
        }
        let ranks = ranks.get_or_insert_with(|| Ranks::new(&tags));
        let Some(wheel) = pick(package, ranks) else {
            return Ok(None);
        };
        if let Some(dist) = installed.get(&name) {
            replace.push((name, dist.dist_info.clone()));
        }
        wanted.push((*package, wheel));
    }
    // A local wheel the lock names must be there; a URL is fetched unless it was before.
    let mut jobs = Vec::new();
    for (package, wheel) in wanted {
        let fetch = at_hand(wheel, &project.root, cache).is_none();
        if fetch
            && (wheel
                .url
                .as_deref()
                .is_none_or(|url| url.starts_with("file:"))
                || offline)
        {
            return Ok(None);
        }
        jobs.push(Job {
            package,
            wheel,
            fetch,
        });
    }
    let missing = jobs.iter().filter(|job| job.fetch).count();
    if missing > 0 {
        progress(Progress::Fetching { count: missing });
    }
    // Only a download needs the client (a bad PVM_HTTP_TIMEOUT is an error only then).
    let client = match missing {
        0 => None,
        _ => Some(crate::http::Client::new(config)?),
    };
    // Each wheel is downloaded (all at once, as uv downloads: the time is the network's), then
    // unpacked (anew on --reinstall) and checked by the same thread while other downloads go
    // on, all before the env changes. Wheels at hand are only unpacked: a few at a time.
    let workers = if missing > 0 { jobs.len() } else { 4 };
    let unpacked = cache.join("wheels");
    let results = parallel::map_io(&jobs, workers, |job| {
        crate::interrupt::check()?;
        if let (true, Some(client)) = (job.fetch, &client) {
            download(client, job.wheel, cache)?;
        }
        Ok(unpack_job(
            job,
            &project.root,
            cache,
            &unpacked,
            options.reinstall,
        ))
    });
    // A download that fails (no network, an index that wants the credentials only the
    // installer reads from netrc) hands the whole install to the installer; a download that
    // is not what the lock says is refused.
    let results = match results
        .into_iter()
        .collect::<Result<Vec<_>, InstallError>>()
    {
        Ok(results) => results,
        Err(InstallError::Native(_)) => return Ok(None),
        Err(err) => return Err(err),
    };
    let mut trees = Vec::new();
    let mut unsupported = false;
    for (result, Job { wheel, .. }) in results.into_iter().zip(&jobs) {
        match result {
            Some(Ok(tree)) => trees.push(tree),
            None | Some(Err(WheelError::Unsupported { .. })) => unsupported = true,
            Some(Err(err @ WheelError::Invalid { .. })) => return Err(err.into()),
            // Changed since it was checked.
            Some(Err(WheelError::HashMismatch {
                path,
                expected,
                actual,
            })) => {
                return Err(crate::lock::LockError::HashMismatch {
                    package: wheel.file_name().unwrap_or("a wheel").to_string(),
                    path,
                    expected,
                    actual,
                }
                .into());
            }
            // The wheel itself cannot be read: no installer could read it either.
            Some(Err(WheelError::Open { path, source })) => {
                return Err(InstallError::Io { path, source });
            }
            Some(Err(source)) => {
                return Err(InstallError::Unpack {
                    wheel: wheel.file_name().unwrap_or("a wheel").to_string(),
                    source,
                });
            }
        }
    }
    if unsupported {
        return Ok(None);
    }
    Ok(Some(Plan { replace, trees }))
}

/// A wheel the plan installs, and whether it must be downloaded first.
struct Job<'a> {
    package: &'a Package,
    wheel: &'a Artifact,
    fetch: bool,
}

/// The job's wheel (at hand now) unpacked into `unpacked` and checked: a wheel pvm cannot
/// read is `None`. A wheel that is not what the lock says, or would write over the env's own
/// files, is refused; a store that cannot take it is said to be full or not writable. Each is
/// kept by the sha256 it was checked against, never by its name.
fn unpack_job(
    job: &Job,
    root: &Path,
    cache: &Path,
    unpacked: &Path,
    fresh: bool,
) -> Option<Result<PathBuf, WheelError>> {
    let file = at_hand(job.wheel, root, cache)?;
    let sha256 = job.wheel.sha256()?;
    // Named as the lock names it: a local file by its path, a download (kept under its
    // sha256) by its file name.
    let shown = match job.wheel.local_file(root) {
        Some(_) => file.clone(),
        None => PathBuf::from(job.wheel.file_name().unwrap_or("a wheel")),
    };
    Some(unpack_checked(
        job.package,
        &file,
        sha256,
        &shown,
        unpacked,
        fresh,
    ))
}

/// `file`, the wheel the lock names for `package`, unpacked into `unpacked` and checked
/// against the lock's entry; an invalid one is named `shown`.
fn unpack_checked(
    package: &Package,
    file: &Path,
    sha256: &str,
    shown: &Path,
    unpacked: &Path,
    fresh: bool,
) -> Result<PathBuf, WheelError> {
    let tree = wheel::unpack_cached(file, sha256, unpacked, fresh).map_err(|err| match err {
        // A download is kept under its sha256: the lock's name for it says more.
        WheelError::Invalid { reason, .. } => WheelError::Invalid {
            path: shown.to_path_buf(),
            reason,
        },
        other => other,
    })?;
    let expected = Expected {
        name: package.name.as_str(),
        version: package.version.as_deref(),
    };
    wheel_check::check(&tree, shown, Some(expected))?;
    Ok(tree)
}

impl Plan {
    /// Whether something installed goes first (which takes the installer).
    pub fn replaces(&self) -> bool {
        !self.replace.is_empty()
    }
}

/// Carries out a native plan: what is there at another version is uninstalled (by the
/// installer, or, without a RECORD to go by, its `.dist-info` removed and its files written
/// over), then each wheel is hard-linked in from its unpacked copy, several at a time.
pub fn install(
    backend: &Backend,
    layout: &Layout,
    facts: &Facts,
    sources: &crate::project::Sources,
    plan: Plan,
) -> Result<(), InstallError> {
    let mut uninstall = Vec::new();
    for (name, dist_info) in plan.replace {
        if !dist_info.is_dir() {
            // Repaired away already.
            continue;
        }
        if dist_info.join("RECORD").is_file() {
            uninstall.push(name.to_string());
        } else {
            std::fs::remove_dir_all(&dist_info).map_err(|source| InstallError::Io {
                path: dist_info.clone(),
                source,
            })?;
        }
    }
    backend.uninstall(layout, sources, &uninstall)?;
    // Linking thousands of files is kernel time spent waiting on the file system: wheels go
    // in side by side, one per core, as uv installs them.
    // A Ctrl-C stops it between wheels; the env stays marked unfinished, and the next sync
    // repairs what was half copied.
    parallel::map(&plan.trees, parallel::cores(), |tree| {
        crate::interrupt::check()?;
        wheel::install_tree(tree, layout, facts)
            .map(drop)
            .map_err(InstallError::from)
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(glibc: Option<&str>, abiflags: &str) -> Facts {
        serde_json::from_value(serde_json::json!({
            "executable": "/x/bin/python3", "base_executable": "/x/bin/python3",
            "prefix": "/x", "base_prefix": "/x", "version": "3.12.1",
            "version_info": [3, 12, 1, "final", 0], "implementation": "cpython",
            "pointer_size": 64, "platform": "linux", "abiflags": abiflags, "glibc": glibc,
            "scheme": {"purelib": "lib/python3.12/site-packages",
                       "platlib": "lib/python3.12/site-packages", "scripts": "bin",
                       "include": "include/python3.12", "data": ""},
            "markers": {"platform_machine": "x86_64"},
        }))
        .unwrap()
    }

    #[test]
    fn wheel_tags_are_packagings_sys_tags_in_its_order() {
        // `packaging.tags.sys_tags()` on CPython 3.12.1, x86_64, with packaging 24.2 told the
        // glibc is 2.17.
        let expected: Vec<&str> = include_str!("testdata/sys_tags-cp312-glibc2.17-x86_64.txt")
            .lines()
            .collect();
        let ours = supported_tags(&facts(Some("2.17"), "")).unwrap();
        assert_eq!(ours, expected);
        // musl, or a free-threaded build: the installer chooses.
        assert_eq!(supported_tags(&facts(None, "")), None);
        assert_eq!(supported_tags(&facts(Some("2.17"), "t")), None);
    }

    /// A CPython 3.12 on macOS `version`, on `arch`.
    fn mac_facts(version: Option<&str>, arch: &str) -> Facts {
        let mut facts = facts(None, "");
        facts.platform = "darwin".into();
        facts.mac_version = version.map(str::to_string);
        facts.markers.insert("platform_machine".into(), arch.into());
        facts
    }

    #[test]
    fn macos_wheel_tags_are_packagings_sys_tags_in_its_order() {
        // `cpython_tags` then `compatible_tags` over `mac_platforms(version, arch)`, as
        // `sys_tags` yields them for CPython 3.12 (testdata/gen-macos-tags, packaging 24.1).
        let cases = [
            (
                "14.5",
                "arm64",
                include_str!("testdata/sys_tags-cp312-macos14.5-arm64.txt"),
            ),
            (
                "10.15.7",
                "x86_64",
                include_str!("testdata/sys_tags-cp312-macos10.15-x86_64.txt"),
            ),
        ];
        for (version, arch, expected) in cases {
            let ours = supported_tags(&mac_facts(Some(version), arch)).unwrap();
            assert_eq!(
                ours,
                expected.lines().collect::<Vec<_>>(),
                "{version} {arch}"
            );
        }
        // Facts from before pvm asked for the macOS version: the installer chooses.
        assert_eq!(supported_tags(&mac_facts(None, "arm64")), None);
        // A wheel for Apple silicon ranks before a universal2 one, and neither fits an Intel Mac.
        let tags = Ranks::new(&supported_tags(&mac_facts(Some("14.5"), "arm64")).unwrap());
        let arm = tags.of("x-1.0-cp312-cp312-macosx_11_0_arm64.whl").unwrap();
        let universal = tags
            .of("x-1.0-cp312-cp312-macosx_10_9_universal2.whl")
            .unwrap();
        assert!(arm < universal);
        let intel = Ranks::new(&supported_tags(&mac_facts(Some("14.5"), "x86_64")).unwrap());
        assert_eq!(intel.of("x-1.0-cp312-cp312-macosx_11_0_arm64.whl"), None);
        assert!(
            intel
                .of("x-1.0-cp312-cp312-macosx_10_9_universal2.whl")
                .is_some()
        );
    }

    #[test]
    fn windows_wheel_tags_are_packagings_sys_tags_checked_on_any_os() {
        // `cpython_tags()` + `compatible_tags()` of packaging 24.2 for the one platform
        // `sysconfig.get_platform()` names: what `sys_tags()` yields on Windows
        // (testdata/windows_sys_tags.py writes them).
        let cases = [
            (
                (12, 64, "AMD64", Some("win-amd64")),
                include_str!("testdata/sys_tags-cp312-win_amd64.txt"),
            ),
            (
                (13, 64, "ARM64", Some("win-arm64")),
                include_str!("testdata/sys_tags-cp313-win_arm64.txt"),
            ),
            // A 32-bit Python on 64-bit Windows: its machine is the OS's.
            (
                (9, 32, "AMD64", Some("win32")),
                include_str!("testdata/sys_tags-cp39-win32.txt"),
            ),
        ];
        for ((minor, bits, machine, platform), expected) in cases {
            let mut facts = facts(None, "");
            facts.platform = "win32".into();
            facts.version_info.1 = minor;
            facts.pointer_size = bits;
            facts
                .markers
                .insert("platform_machine".into(), machine.into());
            facts.sysconfig_platform = platform.map(Into::into);
            let expected: Vec<&str> = expected.lines().collect();
            assert_eq!(supported_tags(&facts).unwrap(), expected, "{platform:?}");
            // Facts cached before pvm asked for the platform: the same tags.
            facts.sysconfig_platform = None;
            assert_eq!(
                supported_tags(&facts).unwrap(),
                expected,
                "{machine} {bits}"
            );
        }
        // A free-threaded build is the installer's to choose for.
        let mut threaded = facts(None, "t");
        threaded.platform = "win32".into();
        assert_eq!(supported_tags(&threaded), None);
    }

    #[test]
    fn wheel_tags_rank_as_pip_ranks_them() {
        let tags: Vec<String> = [
            "cp312-cp312-manylinux_2_17_x86_64",
            "cp312-abi3-manylinux_2_17_x86_64",
            "py3-none-manylinux_2_17_x86_64",
            "py3-none-any",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let tags = Ranks::new(&tags);
        assert_eq!(
            tags.of("x-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
            Some(0)
        );
        assert_eq!(tags.of("x-1.0-py2.py3-none-any.whl"), Some(3));
        assert_eq!(tags.of("x-1.0-cp311-cp311-win_amd64.whl"), None);
        // A tag listed twice ranks where it comes first.
        let twice = Ranks::new(&["py3-none-any".to_string(), "py3-none-any".to_string()]);
        assert_eq!(twice.of("x-1.0-py3-none-any.whl"), Some(0));
    }

    fn package(toml_text: &str) -> Package {
        toml::from_str(toml_text).unwrap()
    }

    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn the_plan_picks_the_best_ranked_wheel_that_is_hashed_and_reachable() {
        let tags: Vec<String> = ["cp312-cp312-manylinux_2_17_x86_64", "py3-none-any"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let picked = |text: &str| {
            let package = package(text);
            pick(&package, &Ranks::new(&tags)).and_then(|wheel| wheel.file_name().map(String::from))
        };
        let both = format!(
            "name = \"x\"\nwheels = [\n{{ url = \"https://h/x-1.0-py3-none-any.whl\", hashes = {{ sha256 = \"{SHA}\" }} }},\n{{ url = \"https://h/x-1.0-cp312-cp312-manylinux_2_17_x86_64.whl\", hashes = {{ sha256 = \"{SHA}\" }} }},\n{{ url = \"https://h/x-1.0-cp311-cp311-win_amd64.whl\", hashes = {{ sha256 = \"{SHA}\" }} }},\n]"
        );
        assert_eq!(
            picked(&both).as_deref(),
            Some("x-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
        );
        // None of this machine's tags: the installer decides.
        let foreign = format!(
            "name = \"x\"\nwheels = [{{ url = \"https://h/x-1.0-cp311-cp311-win_amd64.whl\", hashes = {{ sha256 = \"{SHA}\" }} }}]"
        );
        assert_eq!(picked(&foreign), None);
        // No real digest, or nowhere to get it from: not pvm's to install.
        let unhashed = "name = \"x\"\nwheels = [{ url = \"https://h/x-1.0-py3-none-any.whl\", hashes = { sha256 = \"abc\" } }]";
        assert_eq!(picked(unhashed), None);
        let nowhere = format!(
            "name = \"x\"\nwheels = [{{ name = \"x-1.0-py3-none-any.whl\", hashes = {{ sha256 = \"{SHA}\" }} }}]"
        );
        assert_eq!(picked(&nowhere), None);
        // A local folder, a remote archive: built or fetched by the installer; a local wheel
        // as the archive: pvm's.
        assert_eq!(picked("name = \"x\"\ndirectory = { path = \"x\" }"), None);
        let remote = format!(
            "name = \"x\"\narchive = {{ url = \"https://h/x-1.0-py3-none-any.whl\", hashes = {{ sha256 = \"{SHA}\" }} }}"
        );
        assert_eq!(picked(&remote), None);
        let local = format!(
            "name = \"x\"\narchive = {{ path = \"dist/x-1.0-py3-none-any.whl\", hashes = {{ sha256 = \"{SHA}\" }} }}"
        );
        assert_eq!(picked(&local).as_deref(), Some("x-1.0-py3-none-any.whl"));
    }
}
