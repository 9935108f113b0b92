//! Installing a lock's wheels natively, without an installer process: the wheel each package
//! needs on this machine, chosen by its tags as pip and uv choose, fetched by path or URL into
//! pvm's cache (checked against the lock's sha256), and hard-linked into the env from an
//! unpacked copy, as pip is seeded. Used when every package of the plan has such a wheel;
//! anything else (an sdist, an archive, a folder, another platform) goes to the installer.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::backend::Backend;
use super::pylock::{Artifact, Package};
use super::{Progress, SyncError, SyncOptions, site};
use crate::project::Project;
use crate::python::Facts;
use crate::venv::Layout;
use crate::{fsutil, pep};

/// The wheel tags this interpreter accepts, most specific first (packaging's `sys_tags` for
/// CPython on glibc Linux); `None` elsewhere, where the installer chooses.
fn supported_tags(facts: &Facts) -> Option<Vec<String>> {
    // A free-threaded or debug build (`t`, `d`) takes other wheels, a 32-bit one on a 64-bit
    // machine other platforms: those are left to the installer.
    if facts.implementation != "cpython"
        || facts.platform != "linux"
        || !facts.abiflags.is_empty()
        || facts.pointer_size != 64
    {
        return None;
    }
    let (major, minor) = (facts.version_info.0, facts.version_info.1);
    if major != 3 || minor < 8 {
        return None;
    }
    let arch = facts.markers.get("platform_machine")?.clone();
    let glibc = glibc_minor()?;
    // manylinux1 (glibc 2.5) was x86 only; the other architectures start at 2014 (2.17).
    let oldest = if arch == "x86_64" { 5 } else { 17 };
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
    let cp = format!("cp{major}{minor}");
    let mut tags = Vec::new();
    for platform in &platforms {
        tags.push(format!("{cp}-{cp}-{platform}"));
        tags.push(format!("{cp}-abi3-{platform}"));
        tags.push(format!("{cp}-none-{platform}"));
    }
    for older in (2..minor).rev() {
        for platform in &platforms {
            tags.push(format!("cp{major}{older}-abi3-{platform}"));
        }
    }
    for platform in &platforms {
        tags.push(format!("py{major}{minor}-none-{platform}"));
        tags.push(format!("py{major}-none-{platform}"));
        for older in (0..minor).rev() {
            tags.push(format!("py{major}{older}-none-{platform}"));
        }
    }
    tags.push(format!("{cp}-none-any"));
    tags.push(format!("py{major}{minor}-none-any"));
    tags.push(format!("py{major}-none-any"));
    for older in (0..minor).rev() {
        tags.push(format!("py{major}{older}-none-any"));
    }
    Some(tags)
}

/// The C library's minor version (`2.36` → 36): pvm runs on the same machine as the env.
fn glibc_minor() -> Option<u32> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn gnu_get_libc_version() -> *const std::ffi::c_char;
        }
        // SAFETY: returns a static, NUL-terminated string.
        let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
        let text = version.to_str().ok()?;
        let (_, minor) = text.split_once('.')?;
        minor.split('.').next()?.parse().ok()
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}

/// The rank of the best tag a wheel file name carries (lower is better), if any fits.
fn rank(file: &str, tags: &[String]) -> Option<usize> {
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
    for p in python.split('.') {
        for a in abi.split('.') {
            for plat in platform.split('.') {
                let tag = format!("{p}-{a}-{plat}");
                if let Some(at) = tags.iter().position(|t| *t == tag) {
                    best = Some(best.map_or(at, |b| b.min(at)));
                }
            }
        }
    }
    best
}

/// The wheel of `package` this machine takes, when it has one.
fn pick<'a>(package: &'a Package, tags: &[String]) -> Option<&'a Artifact> {
    if package.directory.is_some() || package.archive.is_some() {
        return None;
    }
    package
        .wheels
        .iter()
        .filter(|wheel| is_fetchable(wheel))
        .filter_map(|wheel| Some((rank(wheel.file_name()?, tags)?, wheel)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, wheel)| wheel)
}

/// Whether `artifact` is at hand without a download.
fn is_fetched(artifact: &Artifact, root: &Path, cache: &Path) -> bool {
    artifact.local_file(root).is_some()
        || kept_path(artifact, cache).is_some_and(|kept| kept.is_file())
}

/// Where a downloaded wheel is kept: named by its sha256, which the lock gives.
fn kept_path(artifact: &Artifact, cache: &Path) -> Option<PathBuf> {
    let sha256 = artifact.sha256().filter(|sha256| is_digest(sha256))?;
    Some(cache.join("artifacts").join(format!("{sha256}.whl")))
}

/// The name comes from the lock: only a real digest names a file.
fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether pvm can get `artifact` itself: a local file, or a URL with the digest to check.
fn is_fetchable(artifact: &Artifact) -> bool {
    let local = artifact.path.is_some()
        || artifact
            .url
            .as_deref()
            .is_some_and(|url| url.starts_with("file:"));
    local || (artifact.url.is_some() && artifact.sha256().is_some_and(is_digest))
}

/// The wheel file for `artifact`: the local file (already checked against the lock), or a
/// download by URL into `cache/artifacts/<sha256>.whl`, checked before it is kept.
fn fetch(artifact: &Artifact, root: &Path, cache: &Path) -> Result<PathBuf, SyncError> {
    if let Some(path) = artifact.local_file(root) {
        return Ok(path);
    }
    let (Some(url), Some(expected), Some(kept)) =
        (&artifact.url, artifact.sha256(), kept_path(artifact, cache))
    else {
        return Err(SyncError::Native(format!(
            "the lock gives {} neither a path nor a URL with a sha256",
            artifact.file_name().unwrap_or("a wheel")
        )));
    };
    if kept.is_file() {
        return Ok(kept);
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SyncError::Io { path, source }
    };
    let folder = cache.join("artifacts");
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let shown = fsutil::strip_credentials(url);
    let (mut reader, _) = crate::http::get(url)
        .map_err(|err| SyncError::Native(format!("cannot download {shown}: {err}")))?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|err| SyncError::Native(format!("cannot download {shown}: {err}")))?;
    let actual = fsutil::hex(&Sha256::digest(&bytes));
    if actual != expected {
        return Err(SyncError::HashMismatch {
            package: artifact.file_name().unwrap_or(url).to_string(),
            path: PathBuf::from(fsutil::strip_credentials(url)),
            expected: expected.to_string(),
            actual,
        });
    }
    fsutil::write_atomic(&kept, &bytes).map_err(io(&kept))?;
    Ok(kept)
}

/// What a native install of the lock's planned packages does: the installed packages to
/// replace, and the wheel files (fetched, checked) to install.
pub struct Plan {
    replace: Vec<String>,
    wheels: Vec<PathBuf>,
    /// Where the wheels are unpacked once, to be linked from.
    unpacked: PathBuf,
}

/// The native plan when this machine takes a wheel of every planned package (`None` otherwise,
/// and the installer does the work). Packages already there at their locked version are left.
pub fn plan(
    layout: &Layout,
    facts: &Facts,
    project: &Project,
    planned: &[&Package],
    options: &SyncOptions,
    cache: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<Plan>, SyncError> {
    let Some(tags) = supported_tags(facts) else {
        return Ok(None);
    };
    let Some(picks) = planned
        .iter()
        .map(|package| Some((*package, pick(package, &tags)?)))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    let installed = site::installed(&layout.site_packages);
    // A damaged install is about to be repaired away: it is installed again.
    let damaged = if options.repair {
        site::damaged(&installed, &layout.site_packages)
    } else {
        Vec::new()
    };
    let mut plan = Plan {
        replace: Vec::new(),
        wheels: Vec::new(),
        unpacked: cache.join("wheels"),
    };
    let mut wanted = Vec::new();
    for (package, wheel) in picks {
        let name = pep::normalize_name(&package.name).unwrap_or_else(|_| package.name.clone());
        let same = installed
            .get(&name)
            .is_some_and(|dist| Some(dist.version.as_str()) == package.version.as_deref());
        if same && !options.reinstall && !damaged.contains(&name) {
            continue;
        }
        if installed.contains_key(&name) {
            plan.replace.push(name);
        }
        wanted.push(wheel);
    }
    let missing = wanted
        .iter()
        .filter(|wheel| !is_fetched(wheel, &project.root, cache))
        .count();
    if missing > 0 {
        progress(Progress::Fetching { count: missing });
    }
    // Downloads go side by side too. One that fails (no network, an index that wants the
    // credentials only the installer reads from netrc) hands the whole install to the
    // installer; a download that is not what the lock says is refused.
    let fetched = in_parallel(&wanted, 4, |wheel| fetch(wheel, &project.root, cache));
    for result in fetched {
        match result {
            Ok(file) => plan.wheels.push(file),
            Err(SyncError::Native(_)) => return Ok(None),
            Err(err) => return Err(err),
        }
    }
    Ok(Some(plan))
}

/// Carries out a native plan: what is there at another version is uninstalled by the
/// installer, then each wheel is hard-linked in from its unpacked copy in the cache.
pub fn install(
    backend: &Backend,
    layout: &Layout,
    facts: &Facts,
    plan: Plan,
) -> Result<(), SyncError> {
    if !plan.replace.is_empty() {
        backend.uninstall(layout, &plan.replace)?;
    }
    // Linking thousands of files is kernel time spent waiting on the file system: wheels go
    // in side by side, one per core, as uv installs them.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    in_parallel(&plan.wheels, cores, |file| {
        Ok(super::wheel::install(
            file,
            layout,
            facts,
            Some(&plan.unpacked),
        )?)
    })
    .into_iter()
    .try_for_each(|result| result.map(drop))
}

/// `work` on every item, on up to `workers` threads; the results in the items' order.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    work: impl Fn(&T) -> Result<R, SyncError> + Sync,
) -> Vec<Result<R, SyncError>> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<R, SyncError>>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, 8).min(items.len()) {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(at) else {
                        return;
                    };
                    let result = work(item);
                    *results[at].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was worked on")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            rank(
                "x-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                &tags
            ),
            Some(0)
        );
        assert_eq!(rank("x-1.0-py2.py3-none-any.whl", &tags), Some(3));
        assert_eq!(rank("x-1.0-cp311-cp311-win_amd64.whl", &tags), None);
    }
}
