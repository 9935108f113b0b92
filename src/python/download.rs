//! Installing CPython builds (python-build-standalone): the table pvm carries, the build for
//! this host, a download checked against its sha256 before it is unpacked, an unpack checked
//! by running the interpreter, and a rename into place, so a killed install leaves nothing pvm
//! would use.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::InterpreterRequest;
use crate::config::Config;
use crate::fsutil;
use crate::hint::Hint;
use crate::http::Sink;

/// The builds pvm knows, from `scripts/gen-python-downloads`.
const TABLE: &str = include_str!("downloads.json");

/// The most a builds table may hold: pvm's own is under 200 kB.
const MAX_TABLE: u64 = 16 << 20;

/// The most an archive may hold: the `install_only` builds are 20-70 MB; a mirror's file or a
/// server that never ends must not fill the disk.
const MAX_ARCHIVE: u64 = 1 << 30;

/// Where the official builds are; a mirror replaces this prefix, keeping the rest.
pub const OFFICIAL_BASE: &str =
    "https://github.com/astral-sh/python-build-standalone/releases/download";

/// One installable build.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[error("cannot read {}", .path.display())]
    Fetch {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error("{} is not a regular file ({kind}): pvm reads archives and tables only from files", .path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{what} is over {limit} bytes: it cannot be what pvm expects", limit = .limit)]
    TooLarge { what: String, limit: u64 },
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

impl Hint for DownloadError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            DownloadError::NoBuild { .. } => {
                "`pvm python list --available` shows what can be installed".into()
            }
            DownloadError::Fetch { .. } => {
                "no network? set PVM_PYTHON_MIRROR (or [tool.pvm] python-mirror) to a mirror folder or URL with the same archive names".into()
            }
            DownloadError::Http(crate::http::HttpError::Failed { .. }) => format!(
                "no network? set PVM_PYTHON_MIRROR (or [tool.pvm] python-mirror) to a mirror folder or URL with the same archive names; {}",
                crate::http::SLOW_LINK
            ),
            DownloadError::Http(err) => return err.hint(),
            DownloadError::NotAFile { .. } | DownloadError::TooLarge { .. } => {
                "point PVM_PYTHON_MIRROR (or python-mirror) and PVM_PYTHON_DOWNLOADS_TABLE at real files; nothing was installed".into()
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
pub fn table(config: &Config) -> Result<Vec<Build>, DownloadError> {
    match config.pvm_python_downloads_table.clone() {
        Some(path) => {
            let mut text = Vec::new();
            let bad = |err: io::Error| DownloadError::BadTable {
                path: path.clone(),
                message: err.to_string(),
            };
            open_regular(&path)?
                .take(MAX_TABLE + 1)
                .read_to_end(&mut text)
                .map_err(bad)?;
            if text.len() as u64 > MAX_TABLE {
                return Err(DownloadError::TooLarge {
                    what: format!("the builds table {}", path.display()),
                    limit: MAX_TABLE,
                });
            }
            serde_json::from_slice(&text).map_err(|err| DownloadError::BadTable {
                path,
                message: err.to_string(),
            })
        }
        None => Ok(serde_json::from_str(TABLE).expect("the built-in table is valid")),
    }
}

/// This host as the table names it: (os, arch, libc).
pub fn host() -> (&'static str, &'static str, &'static str) {
    named(std::env::consts::OS, std::env::consts::ARCH)
}

/// An OS and architecture as Rust names them (`std::env::consts`: `macos`, `aarch64`) as the
/// table names them (`darwin`, `aarch64`, and the C library: `gnu` on Linux).
fn named(os: &'static str, arch: &'static str) -> (&'static str, &'static str, &'static str) {
    let os = match os {
        "macos" => "darwin",
        other => other,
    };
    let libc = if os == "linux" { "gnu" } else { "none" };
    (os, arch, libc)
}

/// The builds for this host, newest first.
pub fn available(config: &Config) -> Result<Vec<Build>, DownloadError> {
    Ok(for_host(table(config)?, host()))
}

/// The builds of `table` for `host` (os, arch, libc), newest first, one per version.
fn for_host(table: Vec<Build>, (os, arch, libc): (&str, &str, &str)) -> Vec<Build> {
    let mut builds: Vec<Build> = table
        .into_iter()
        .filter(|b| b.os == os && b.arch == arch && b.libc == libc)
        .collect();
    builds.sort_by_key(|b| std::cmp::Reverse(b.release()));
    builds.dedup_by(|a, b| a.version == b.version);
    builds
}

/// The newest build for this host that answers `request`.
pub fn best(request: &InterpreterRequest, config: &Config) -> Result<Build, DownloadError> {
    let (os, arch, _) = host();
    available(config)?
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
    config: &Config,
    progress: &mut dyn FnMut(Step),
) -> Result<PathBuf, DownloadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DownloadError::Io { path, source }
    };
    // Every env may run this interpreter: nothing of it is writable by others, whatever the
    // umask (`pvm python install` or `pvm init` may be the first to create the store).
    let _umask = fsutil::NoWorldWritable::new();
    fsutil::create_dir_all(pythons).map_err(io(pythons))?;
    let target = pythons.join(build.dir_name());
    let python = target.join("bin/python3");
    if python.is_file() {
        return Ok(python);
    }
    // Two pvm installing the same version: one builds it, the other waits and finds it.
    let lock_path = pythons.join(format!(".{}.lock", build.dir_name()));
    let _lock = fsutil::hold_lock(&lock_path).map_err(io(&lock_path))?;
    if python.is_file() {
        return Ok(python);
    }
    let scratch = tempfile::Builder::new()
        .prefix(&fsutil::Temp::Python.prefix())
        .tempdir_in(pythons)
        .map_err(io(pythons))?;
    let source = build.source(mirror);
    let archive = scratch.path().join("archive.tar.gz");
    fetch(config, &source, &archive, progress)?;

    progress(Step::Verifying);
    let actual = fsutil::sha256_file(&archive).map_err(io(&archive))?;
    if actual != build.sha256 {
        return Err(DownloadError::HashMismatch {
            url: shown(&source),
            expected: build.sha256.clone(),
            actual,
        });
    }

    progress(Step::Unpacking);
    let unpacked = scratch.path().join("unpacked");
    unpack(&archive, &unpacked).map_err(|err| DownloadError::BadArchive {
        url: shown(&source),
        reason: err.to_string(),
    })?;
    let root = unpacked.join("python");
    let candidate = root.join("bin/python3");
    if !candidate.is_file() {
        return Err(DownloadError::BadArchive {
            url: shown(&source),
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
    // Another pvm may have finished the same install first: then its copy is used.
    fsutil::place_dir(&root, &target).map_err(io(&target))?;
    Ok(python)
}

/// Unpacks the `.tar.gz` at `archive` into `into`. tar sets each entry's mode from the
/// archive, past the umask: the write bits for others (and the group) are dropped, since every
/// env runs what is unpacked here.
fn unpack(archive: &Path, into: &Path) -> io::Result<()> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(File::open(archive)?));
    tar.set_mask(0o022);
    tar.unpack(into)
}

/// Copies `source` (an `https://` or `file://` URL, or a path) into `dest`, at most
/// [`MAX_ARCHIVE`] bytes of it.
fn fetch(
    config: &Config,
    source: &str,
    dest: &Path,
    progress: &mut dyn FnMut(Step),
) -> Result<(), DownloadError> {
    let out = fsutil::create_mode(
        File::options().write(true).create_new(true),
        fsutil::FILE_MODE,
    )
    .open(dest)
    .map_err(|source| DownloadError::Io {
        path: dest.to_path_buf(),
        source,
    })?;
    let mut sink = Archive {
        out,
        dest,
        done: 0,
        total: None,
        shown: shown(source),
        progress,
    };
    if source.starts_with("https://") || source.starts_with("http://") {
        return match crate::http::download(config, source, &mut sink) {
            Ok(()) => Ok(()),
            Err(crate::http::Failure::Http(err)) => Err(err.into()),
            Err(crate::http::Failure::Sink(err)) => Err(err),
        };
    }
    let path = local_path(source);
    let fail = |source| DownloadError::Fetch {
        path: path.clone(),
        source,
    };
    let mut file = open_regular(&path)?;
    sink.start(file.metadata().ok().map(|m| m.len()))?;
    let mut buffer = vec![0; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(fail)?;
        if read == 0 {
            return Ok(());
        }
        sink.write(&buffer[..read])?;
    }
}

/// The file a folder mirror or a `file://` mirror names. A folder mirror serves the archive
/// names decoded (`+`, not `%2B`), as a `file://` URL does.
fn local_path(source: &str) -> PathBuf {
    fsutil::file_url_to_path(source)
        .or_else(|| fsutil::file_url_to_path(&format!("file://{source}")))
        .unwrap_or_else(|| PathBuf::from(source))
}

/// Opens `path` only when it is a regular file (links followed): a device such as `/dev/zero`
/// would never end, a FIFO would block the open itself, so neither is opened at all.
fn open_regular(path: &Path) -> Result<File, DownloadError> {
    let fail = |source| DownloadError::Fetch {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |kind: std::fs::FileType| {
        not_a_file(kind).map_or(Ok(()), |kind| {
            Err(DownloadError::NotAFile {
                path: path.to_path_buf(),
                kind,
            })
        })
    };
    refuse(std::fs::metadata(path).map_err(fail)?.file_type())?;
    // Swapped for a FIFO since the check: O_NONBLOCK keeps the open from waiting, and the
    // open file is checked again.
    let file = fsutil::nonblocking(File::options().read(true))
        .open(path)
        .map_err(fail)?;
    refuse(file.metadata().map_err(fail)?.file_type())?;
    Ok(file)
}

/// What `kind` is when it is no regular file.
fn not_a_file(kind: std::fs::FileType) -> Option<&'static str> {
    Some(if kind.is_file() {
        return None;
    } else if let Some(special) = fsutil::special_kind(kind) {
        special
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    })
}

/// How `source` is named to the user: a URL without its credentials, a local file by its path.
fn shown(source: &str) -> String {
    if source.starts_with("https://") || source.starts_with("http://") {
        fsutil::strip_credentials(source)
    } else {
        local_path(source).display().to_string()
    }
}

/// The archive being written, in at most [`MAX_ARCHIVE`] bytes.
struct Archive<'a> {
    out: File,
    dest: &'a Path,
    done: u64,
    total: Option<u64>,
    shown: String,
    progress: &'a mut dyn FnMut(Step),
}

impl Sink for Archive<'_> {
    type Error = DownloadError;

    fn start(&mut self, total: Option<u64>) -> Result<(), DownloadError> {
        if total.is_some_and(|total| total > MAX_ARCHIVE) {
            return Err(self.too_large());
        }
        // A try again starts from the first byte.
        self.done = 0;
        self.total = total;
        self.out
            .set_len(0)
            .and_then(|()| self.out.rewind())
            .map_err(|source| DownloadError::Io {
                path: self.dest.to_path_buf(),
                source,
            })?;
        (self.progress)(Step::Downloading { done: 0, total });
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), DownloadError> {
        self.done += bytes.len() as u64;
        if self.done > MAX_ARCHIVE {
            return Err(self.too_large());
        }
        self.out
            .write_all(bytes)
            .map_err(|source| DownloadError::Io {
                path: self.dest.to_path_buf(),
                source,
            })?;
        (self.progress)(Step::Downloading {
            done: self.done,
            total: self.total,
        });
        Ok(())
    }
}

impl Archive<'_> {
    fn too_large(&self) -> DownloadError {
        DownloadError::TooLarge {
            what: self.shown.clone(),
            limit: MAX_ARCHIVE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Unix only: it checks the unpacked files' modes, which Windows has not.
    #[cfg(unix)]
    #[test]
    fn an_archive_unpacks_without_write_for_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.tar.gz");
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            File::create(&archive).unwrap(),
            flate2::Compression::fast(),
        ));
        for (path, kind, mode) in [
            ("python/", tar::EntryType::Directory, 0o777),
            ("python/bin/", tar::EntryType::Directory, 0o777),
            ("python/bin/python3", tar::EntryType::Regular, 0o777),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(kind);
            header.set_mode(mode);
            header.set_size(0);
            header.set_cksum();
            builder.append_data(&mut header, path, io::empty()).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap();
        let into = dir.path().join("unpacked");
        unpack(&archive, &into).unwrap();
        for path in ["python", "python/bin", "python/bin/python3"] {
            let mode = std::fs::metadata(into.join(path))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755, "{path}");
        }
    }

    #[test]
    fn install_picks_the_build_of_each_os_and_arch() {
        // Rust's names for each target pvm is built for, and the archive python-build-standalone
        // names for it (by hand); the newest 3.12 of pvm's table.
        let cases = [
            ("linux", "x86_64", "x86_64-unknown-linux-gnu-install_only"),
            ("linux", "aarch64", "aarch64-unknown-linux-gnu-install_only"),
            ("macos", "x86_64", "x86_64-apple-darwin-install_only"),
            ("macos", "aarch64", "aarch64-apple-darwin-install_only"),
            ("windows", "x86_64", "x86_64-pc-windows-msvc-install_only"),
            ("windows", "aarch64", "aarch64-pc-windows-msvc-install_only"),
        ];
        let table: Vec<Build> = serde_json::from_str(TABLE).unwrap();
        let newest_312 = table
            .iter()
            .filter(|b| b.version.starts_with("3.12."))
            .map(Build::release)
            .max()
            .unwrap();
        for (os, arch, archive) in cases {
            let builds = for_host(table.clone(), named(os, arch));
            let build = builds
                .iter()
                .find(|b| b.version.starts_with("3.12."))
                .unwrap_or_else(|| panic!("no 3.12 for {os} {arch}"));
            assert!(build.url.contains(archive), "{os} {arch}: {}", build.url);
            assert_eq!(build.release(), newest_312, "{os} {arch}");
            assert!(
                builds.windows(2).all(|w| w[0].release() > w[1].release()),
                "{os} {arch}: newest first, one per version"
            );
        }
        assert!(for_host(table, named("freebsd", "x86_64")).is_empty());
    }

    #[test]
    fn the_table_has_builds_for_this_host_and_mirrors_keep_the_names() {
        let builds = available(&Config::for_test()).unwrap();
        assert!(builds.iter().any(|b| b.version.starts_with("3.12.")));
        let build = &builds[0];
        let mirrored = build.source(Some("file:///srv/mirror/"));
        assert!(mirrored.starts_with("file:///srv/mirror/"));
        assert!(mirrored.ends_with(build.url.rsplit('/').next().unwrap()));
        assert_eq!(build.source(None), build.url);
    }
}
