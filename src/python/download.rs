//! Installing CPython builds (python-build-standalone): the table pvm carries, the build for
//! this host, a download checked against its sha256 before it is unpacked, an unpack checked
//! by running the interpreter, and a rename into place, so a killed install leaves nothing pvm
//! would use.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::InterpreterRequest;
use crate::fsutil;

/// The builds pvm knows, from `scripts/gen-python-downloads`.
const TABLE: &str = include_str!("downloads.json");

/// Where the official builds are; a mirror replaces this prefix, keeping the rest.
pub const OFFICIAL_BASE: &str =
    "https://github.com/astral-sh/python-build-standalone/releases/download";

/// One installable build.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct Build {
    pub version: String,
    pub os: String,
    pub arch: String,
    pub libc: String,
    pub build: String,
    pub url: String,
    pub sha256: String,
}

impl Build {
    /// The folder it installs into, under `pythons/`: `cpython-3.12.1-linux-x86_64`.
    pub fn dir_name(&self) -> String {
        format!("cpython-{}-{}-{}", self.version, self.os, self.arch)
    }

    fn release(&self) -> Vec<u64> {
        self.version
            .split('.')
            .map(|part| part.parse().unwrap_or(0))
            .collect()
    }

    /// Where to fetch it: its URL, or the same path under `mirror` (an `https://` or
    /// `file://` base, or a folder).
    pub fn source(&self, mirror: Option<&str>) -> String {
        let Some(mirror) = mirror else {
            return self.url.clone();
        };
        let rest = self
            .url
            .strip_prefix(OFFICIAL_BASE)
            .unwrap_or_else(|| self.url.rsplit('/').next().unwrap_or(&self.url));
        let rest = rest.trim_start_matches('/');
        format!("{}/{rest}", mirror.trim_end_matches('/'))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("no CPython build for {request} on {os}-{arch} in pvm's table")]
    NoBuild {
        request: String,
        os: String,
        arch: String,
    },
    #[error("cannot download {url}")]
    Fetch {
        url: String,
        #[source]
        source: io::Error,
    },
    #[error("the download of {url} has sha256 {actual}, but the table expects {expected}")]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("the archive {url} is not a python-build-standalone install: {reason}")]
    BadArchive { url: String, reason: String },
    #[error("the unpacked interpreter does not run as Python {expected}: {reason}")]
    DoesNotRun { expected: String, reason: String },
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the builds table {} is not valid: {message}", .path.display())]
    BadTable { path: PathBuf, message: String },
}

impl DownloadError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            DownloadError::NoBuild { .. } => {
                "`pvm python list --available` shows what can be installed".into()
            }
            DownloadError::Fetch { .. } => {
                "no network? set PVM_PYTHON_MIRROR (or [tool.pvm] python-mirror) to a mirror folder or URL with the same archive names".into()
            }
            DownloadError::HashMismatch { .. } => {
                "the file is not the published build: check the mirror; nothing was installed".into()
            }
            DownloadError::BadArchive { .. } | DownloadError::DoesNotRun { .. } => {
                "the mirror holds another file under that name; nothing was installed".into()
            }
            DownloadError::Io { .. } => "check that PVM_HOME is writable and has free space".into(),
            DownloadError::BadTable { .. } => "fix the file, or unset PVM_PYTHON_DOWNLOADS_TABLE".into(),
        })
    }
}

/// The table: pvm's own, or (for tests and companies with their own builds) the JSON file
/// named by `PVM_PYTHON_DOWNLOADS_TABLE`.
pub fn table() -> Result<Vec<Build>, DownloadError> {
    match std::env::var_os("PVM_PYTHON_DOWNLOADS_TABLE").filter(|p| !p.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path).map_err(|err| DownloadError::BadTable {
                path: path.clone(),
                message: err.to_string(),
            })?;
            serde_json::from_str(&text).map_err(|err| DownloadError::BadTable {
                path,
                message: err.to_string(),
            })
        }
        None => Ok(serde_json::from_str(TABLE).expect("the built-in table is valid")),
    }
}

/// This host as the table names it.
pub fn host() -> (&'static str, &'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let libc = if os == "linux" { "gnu" } else { "none" };
    (os, std::env::consts::ARCH, libc)
}

/// The builds for this host, newest first.
pub fn available() -> Result<Vec<Build>, DownloadError> {
    let (os, arch, libc) = host();
    let mut builds: Vec<Build> = table()?
        .into_iter()
        .filter(|b| b.os == os && b.arch == arch && b.libc == libc)
        .collect();
    builds.sort_by_key(|b| std::cmp::Reverse(b.release()));
    builds.dedup_by(|a, b| a.version == b.version);
    Ok(builds)
}

/// The newest build for this host that answers `request`.
pub fn best(request: &InterpreterRequest) -> Result<Build, DownloadError> {
    let (os, arch, _) = host();
    available()?
        .into_iter()
        .find(|build| request.matches_plain_version(&build.version))
        .ok_or_else(|| DownloadError::NoBuild {
            request: request.to_string(),
            os: os.into(),
            arch: arch.into(),
        })
}

/// What an install is doing, for the command to show.
pub enum Step<'a> {
    /// Bytes so far, of the total when known.
    Downloading {
        done: u64,
        total: Option<u64>,
    },
    Verifying,
    Unpacking,
    Checking(&'a Path),
}

/// Installs `build` into `pythons/<dir_name>` and returns the interpreter's path. Everything
/// happens in a temporary folder inside `pythons`, renamed into place only once the download's
/// sha256 matched and the unpacked interpreter ran as the expected version.
pub fn install(
    build: &Build,
    pythons: &Path,
    mirror: Option<&str>,
    progress: &mut dyn FnMut(Step),
) -> Result<PathBuf, DownloadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DownloadError::Io { path, source }
    };
    std::fs::create_dir_all(pythons).map_err(io(pythons))?;
    let target = pythons.join(build.dir_name());
    let python = target.join("bin/python3");
    if python.is_file() {
        return Ok(python);
    }
    // Two pvm installing the same version: one builds it, the other waits and finds it.
    let lock_path = pythons.join(format!(".{}.lock", build.dir_name()));
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    if python.is_file() {
        return Ok(python);
    }
    let scratch = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(pythons)
        .map_err(io(pythons))?;
    let source = build.source(mirror);
    let archive = scratch.path().join("archive.tar.gz");
    fetch(&source, &archive, progress)?;

    progress(Step::Verifying);
    let actual = fsutil::sha256_file(&archive).map_err(io(&archive))?;
    if actual != build.sha256 {
        return Err(DownloadError::HashMismatch {
            url: fsutil::strip_credentials(&source),
            expected: build.sha256.clone(),
            actual,
        });
    }

    progress(Step::Unpacking);
    let unpacked = scratch.path().join("unpacked");
    let file = File::open(&archive).map_err(io(&archive))?;
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(&unpacked)
        .map_err(|err| DownloadError::BadArchive {
            url: source.clone(),
            reason: err.to_string(),
        })?;
    let root = unpacked.join("python");
    let candidate = root.join("bin/python3");
    if !candidate.is_file() {
        return Err(DownloadError::BadArchive {
            url: source,
            reason: "no python/bin/python3 in it".into(),
        });
    }

    progress(Step::Checking(&candidate));
    let output = std::process::Command::new(&candidate)
        .args([
            "-I",
            "-c",
            "import platform; print(platform.python_version())",
        ])
        .output()
        .map_err(|err| DownloadError::DoesNotRun {
            expected: build.version.clone(),
            reason: err.to_string(),
        })?;
    let reported = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() || reported != build.version {
        return Err(DownloadError::DoesNotRun {
            expected: build.version.clone(),
            reason: format!(
                "it reports `{reported}` {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    crate::faults::pause(crate::faults::PYTHON_INSTALL);
    match std::fs::rename(&root, &target) {
        Ok(()) => Ok(python),
        // Another pvm finished the same install first.
        Err(_) if python.is_file() => Ok(python),
        Err(source) => Err(DownloadError::Io {
            path: target,
            source,
        }),
    }
}

/// Copies `source` (an `https://` or `file://` URL, or a path) into `dest`.
fn fetch(source: &str, dest: &Path, progress: &mut dyn FnMut(Step)) -> Result<(), DownloadError> {
    let fail = |source_err: io::Error| DownloadError::Fetch {
        url: fsutil::strip_credentials(source),
        source: source_err,
    };
    let (mut reader, total): (Box<dyn Read>, Option<u64>) =
        if source.starts_with("https://") || source.starts_with("http://") {
            let (reader, total) =
                crate::http::get(source).map_err(|err| fail(io::Error::other(err)))?;
            (Box::new(reader), total)
        } else {
            // A folder mirror serves the archive names decoded (`+`, not `%2B`), as a
            // `file://` URL does.
            let path = fsutil::file_url_to_path(source)
                .or_else(|| fsutil::file_url_to_path(&format!("file://{source}")))
                .unwrap_or_else(|| PathBuf::from(source));
            let file = File::open(&path).map_err(fail)?;
            let total = file.metadata().ok().map(|m| m.len());
            (Box::new(file), total)
        };
    let mut out = File::create(dest).map_err(|err| DownloadError::Io {
        path: dest.to_path_buf(),
        source: err,
    })?;
    let mut buffer = vec![0; 1 << 16];
    let mut done = 0;
    loop {
        let read = reader.read(&mut buffer).map_err(fail)?;
        if read == 0 {
            break;
        }
        out.write_all(&buffer[..read])
            .map_err(|err| DownloadError::Io {
                path: dest.to_path_buf(),
                source: err,
            })?;
        done += read as u64;
        progress(Step::Downloading { done, total });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_builds_for_this_host_and_mirrors_keep_the_names() {
        let builds = available().unwrap();
        assert!(builds.iter().any(|b| b.version.starts_with("3.12.")));
        let build = &builds[0];
        let mirrored = build.source(Some("file:///srv/mirror/"));
        assert!(mirrored.starts_with("file:///srv/mirror/"));
        assert!(mirrored.ends_with(build.url.rsplit('/').next().unwrap()));
        assert_eq!(build.source(None), build.url);
    }
}
