//! Facts about an interpreter: learned by running it once with `query.py`, then cached by the
//! executable's path, size and modification time so later lookups start no Python.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pep::{self, Version};

const QUERY: &str = include_str!("query.py");

/// The oldest Python pvm makes environments for.
pub const OLDEST_SUPPORTED: (u64, u64) = (3, 6);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// `sys.executable` as the interpreter reported it.
    pub executable: PathBuf,
    /// The real interpreter behind it: never a shim, never a venv's link.
    pub base_executable: PathBuf,
    pub prefix: PathBuf,
    pub base_prefix: PathBuf,
    /// `platform.python_version()`, e.g. `3.12.1`.
    pub version: String,
    pub version_info: (u64, u64, u64, String, u64),
    /// `sys.implementation.name`: `cpython`, `pypy`, ...
    pub implementation: String,
    pub pointer_size: u32,
    pub platform: String,
    #[serde(default)]
    pub abiflags: String,
    /// The C library's version when it is glibc (`2.36`), as packaging reads it for manylinux.
    #[serde(default)]
    pub glibc: Option<String>,
    /// `sysconfig.get_platform()` (`win-amd64`, `linux-x86_64`): Windows wheels' platform tag.
    #[serde(default)]
    pub sysconfig_platform: Option<String>,
    /// The macOS version (`14.5`), as packaging reads it for macOS wheel tags: `None` elsewhere.
    #[serde(default)]
    pub mac_version: Option<String>,
    /// Where a venv keeps its parts, relative to its root.
    pub scheme: Scheme,
    /// The standard library folder (where `ensurepip` keeps its pip wheel).
    #[serde(default)]
    pub stdlib: Option<PathBuf>,
    /// The PEP 508 marker environment.
    pub markers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub purelib: PathBuf,
    pub platlib: PathBuf,
    pub scripts: PathBuf,
    pub include: PathBuf,
    pub data: PathBuf,
}

impl Facts {
    pub fn release(&self) -> [u64; 3] {
        [
            self.version_info.0,
            self.version_info.1,
            self.version_info.2,
        ]
    }

    pub fn pep440_version(&self) -> Option<Version> {
        pep::parse_version(&self.version).ok()
    }

    /// `3.12`
    pub fn minor_version(&self) -> String {
        format!("{}.{}", self.version_info.0, self.version_info.1)
    }

    pub fn is_supported(&self) -> bool {
        (self.version_info.0, self.version_info.1) >= OLDEST_SUPPORTED
    }

    /// `CPython`, `PyPy`: the spelling `pyvenv.cfg` and people use.
    pub fn implementation_display(&self) -> &str {
        match self.implementation.as_str() {
            "cpython" => "CPython",
            "pypy" => "PyPy",
            "graalpy" => "GraalPy",
            other => other,
        }
    }
}

/// A version's numbers, for ordering: `3.10` after `3.9` (as numbers, not text), `3.12.1` after
/// `3.12`. Anything past the numbers (`3.13.0a1`, `+`) ends them.
pub fn version_numbers(version: &str) -> Vec<u64> {
    version
        .split('.')
        .map_while(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Sorts interpreter versions newest first, everywhere pvm lists them (`pvm python list`, hints,
/// completions), as pyenv and uv list them.
pub fn newest_first<T>(items: &mut [T], version: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| std::cmp::Reverse(version_numbers(version(item))));
}

/// Whether a version pvm only knows by name (a folder's) is one it makes envs for.
pub fn supports_version(version: &str) -> bool {
    let numbers = version_numbers(version);
    match numbers[..] {
        [major, minor, ..] => (major, minor) >= OLDEST_SUPPORTED,
        _ => false,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("cannot run {}", .path.display())]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a working Python interpreter: {detail}", .path.display())]
    Failed { path: PathBuf, detail: String },
}

impl crate::hint::Hint for QueryError {}

/// What identifies a file's contents cheaply: if either changed, cached facts are stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub mtime_ns: u128,
}

impl FileStamp {
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(FileStamp {
            size: meta.len(),
            mtime_ns,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct CacheEntry {
    path: PathBuf,
    stamp: FileStamp,
    facts: Facts,
}

/// How long an interpreter may take to say what it is.
const QUERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the interpreter at `path` and reads its facts; `cwd` is the folder pvm runs in.
pub fn query(path: &Path, cwd: &Path) -> Result<Facts, QueryError> {
    // -E: ignore PYTHON* variables, -S: skip site (faster, and no .pth hooks), -B: no .pyc files.
    let failed = |detail: String| QueryError::Failed {
        path: path.to_path_buf(),
        detail,
    };
    // From `/`: with `-c`, the current folder comes first on sys.path, and a project's own
    // `json.py` would answer instead of the standard library.
    // A pyenv shim still reads the `.python-version` of the folder pvm runs in.
    let mut child = Command::new(path)
        .args(["-E", "-S", "-B", "-c", QUERY])
        .current_dir("/")
        .env("PYENV_DIR", cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| QueryError::Spawn {
            path: path.to_path_buf(),
            source,
        })?;
    // An "interpreter" that never answers (a script named python, a hung binary) must not
    // hang pvm while it holds an env's lock: it gets QUERY_TIMEOUT, then is killed.
    let started = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() < QUERY_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "did not answer within {} s",
                    QUERY_TIMEOUT.as_secs()
                )));
            }
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|source| QueryError::Spawn {
            path: path.to_path_buf(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").trim().to_string();
        return Err(failed(format!("exited with {}: {last}", output.status)));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|err| failed(format!("unexpected answer ({err})")))
}

/// Facts for `path`, from the cache in `cache_dir` when the file is unchanged.
pub fn query_cached(
    path: &Path,
    cache_dir: Option<&Path>,
    cwd: &Path,
) -> Result<Facts, QueryError> {
    let stamp = FileStamp::of(path);
    let entry_path = cache_dir.map(|dir| dir.join(format!("{}.json", path_digest(path))));
    if let (Some(entry_path), Some(stamp)) = (&entry_path, stamp)
        && let Ok(bytes) = std::fs::read(entry_path)
        && let Ok(entry) = serde_json::from_slice::<CacheEntry>(&bytes)
        && entry.path == path
        && entry.stamp == stamp
    {
        return Ok(entry.facts);
    }
    let facts = query(path, cwd)?;
    // A shim or wrapper script answers for whatever it runs today: never cache it.
    if let (Some(entry_path), Some(stamp)) = (entry_path, stamp)
        && same_file(path, &facts.executable)
    {
        let entry = CacheEntry {
            path: path.to_path_buf(),
            stamp,
            facts: facts.clone(),
        };
        // The cache only saves time: failing to write it is not an error.
        let _ = crate::fsutil::create_dir_all(entry_path.parent().unwrap_or(Path::new(".")));
        let _ = crate::fsutil::write_atomic(
            &entry_path,
            serde_json::to_vec(&entry).unwrap_or_default().as_slice(),
        );
    }
    Ok(facts)
}

/// Writes `facts` into the cache in `cache_dir` as the answer of the file at `path`: a fake
/// interpreter for discovery's tests, which is then never run (those are Unix only).
#[cfg(all(test, unix))]
pub(crate) fn seed_cache(path: &Path, cache_dir: &Path, facts: &Facts) {
    let entry = CacheEntry {
        path: path.to_path_buf(),
        stamp: FileStamp::of(path).expect("the fake exists"),
        facts: facts.clone(),
    };
    std::fs::create_dir_all(cache_dir).unwrap();
    let entry_path = cache_dir.join(format!("{}.json", path_digest(path)));
    std::fs::write(entry_path, serde_json::to_vec(&entry).unwrap()).unwrap();
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn path_digest(path: &Path) -> String {
    // The script is part of the key: when it learns more, old answers are not reused.
    let mut hasher = Sha256::new();
    hasher.update(QUERY.as_bytes());
    hasher.update(path.as_os_str().as_encoded_bytes());
    let digest = hasher.finalize();
    crate::fsutil::hex(&digest[..8])
}
