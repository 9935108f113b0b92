//! pvm's own uv: when neither `PVM_UV` nor `PATH` has one, the pinned uv's wheel (the `uv`
//! package ships its binary in the wheel) is fetched from the configured index, checked against
//! the sha256 in pvm's table (never the index's), and unpacked once into
//! `$PVM_HOME/tools/uv-<version>/`, under a lock, nothing of it writable by others.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::Config;
use crate::fsutil;
use crate::hint::Hint;
use crate::http::{Failure, Sink};

/// The uv pvm brings (the one scripts/test pins).
pub const VERSION: &str = "0.13.9";

/// The wheels of [`VERSION`], from `scripts/gen-uv-downloads`.
const TABLE: &str = include_str!("uv-downloads.json");

/// The index asked when the project names none.
const DEFAULT_INDEX: &str = "https://pypi.org/simple";

/// The most an index page may hold (PyPI's page for uv is a few hundred kB).
const MAX_PAGE: u64 = 16 << 20;

/// The most a uv wheel may hold: they are 15-25 MB.
const MAX_WHEEL: u64 = 256 << 20;

/// One wheel of the pinned uv.
#[derive(Debug, Clone, Deserialize)]
pub struct Wheel {
    pub filename: String,
    /// Its platform tags (`manylinux_2_17_x86_64`, `macosx_11_0_arm64`, `win_amd64` ...).
    pub tags: Vec<String>,
    pub url: String,
    pub sha256: String,
    #[serde(default)]
    pub size: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum UvToolError {
    #[error("`uv-downloads = \"never\"`")]
    Never,
    #[error("pvm is offline (or has no index), and has no uv of its own yet")]
    Offline,
    #[error("pvm's table has no uv {VERSION} wheel for {os}-{arch}")]
    NoWheel { os: String, arch: String },
    #[error("the index page {url} lists no {filename}")]
    NotListed { url: String, filename: String },
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error("{what} is over {limit} bytes")]
    TooLarge { what: String, limit: u64 },
    #[error("the download of {url} has sha256 {actual}, but pvm's table expects {expected}")]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("the wheel {url} holds no {member}")]
    BadWheel { url: String, member: String },
    #[error("the uv table {} is not valid: {message}", .path.display())]
    BadTable { path: PathBuf, message: String },
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl Hint for UvToolError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            UvToolError::HashMismatch { .. } | UvToolError::BadWheel { .. } => {
                "the index serves another file under that name: check the index; nothing was installed".into()
            }
            UvToolError::Http(err) => return err.hint(),
            UvToolError::BadTable { .. } => "fix the file, or unset PVM_UV_DOWNLOADS_TABLE".into(),
            UvToolError::Io { .. } => "check that PVM_HOME is writable and has free space".into(),
            _ => return None,
        })
    }
}

/// How to get uv: the hint for an error that needs one.
pub const GET_UV: &str = "install uv (https://docs.astral.sh/uv/) on PATH or set PVM_UV to one, or let pvm fetch its own: `uv-downloads = \"automatic\"` (PVM_UV_DOWNLOADS) with the index reachable";

/// The table: pvm's own, or the JSON file named by `PVM_UV_DOWNLOADS_TABLE` (tests, companies
/// with their own build).
pub fn table(config: &Config) -> Result<Vec<Wheel>, UvToolError> {
    match config.pvm_uv_downloads_table.clone() {
        Some(path) => {
            let bad = |message: String| UvToolError::BadTable {
                path: path.clone(),
                message,
            };
            let text = std::fs::read(&path).map_err(|err| bad(err.to_string()))?;
            serde_json::from_slice(&text).map_err(|err| bad(err.to_string()))
        }
        None => Ok(serde_json::from_str(TABLE).expect("the built-in table is valid")),
    }
}

/// Whether the platform tag `tag` runs on this host.
fn host_runs(tag: &str) -> bool {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        // pvm's Pythons are glibc builds: the manylinux wheel.
        "linux" => tag.starts_with("manylinux") && tag.ends_with(&format!("_{arch}")),
        "macos" => {
            let arch = if arch == "aarch64" { "arm64" } else { arch };
            tag.starts_with("macosx") && tag.ends_with(&format!("_{arch}"))
        }
        _ => false,
    }
}

/// The wheel in `table` for this host.
pub fn for_host(table: &[Wheel]) -> Result<Wheel, UvToolError> {
    table
        .iter()
        .find(|wheel| wheel.tags.iter().any(|tag| host_runs(tag)))
        .cloned()
        .ok_or_else(|| UvToolError::NoWheel {
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
        })
}

/// The folder pvm's uv lives in.
pub fn dir(home: &Path) -> PathBuf {
    home.join("tools").join(format!("uv-{VERSION}"))
}

/// pvm's uv when it is already there.
pub fn installed(home: &Path) -> Option<PathBuf> {
    let uv = dir(home).join("uv");
    uv.is_file().then_some(uv)
}

/// Where to fetch it from, and whether it may be fetched.
pub struct Fetch<'a> {
    pub index_url: Option<&'a str>,
    pub offline: bool,
    /// The table and the downloads' timeout and certificates.
    pub config: &'a Config,
}

/// pvm's uv: the one already in `home`, else fetched now. `on_fetch` is called before a
/// download, with its URL.
pub fn ensure(
    home: &Path,
    fetch: &Fetch,
    on_fetch: &mut dyn FnMut(&str),
) -> Result<PathBuf, UvToolError> {
    if let Some(uv) = installed(home) {
        return Ok(uv);
    }
    if fetch.offline {
        return Err(UvToolError::Offline);
    }
    let wheel = for_host(&table(fetch.config)?)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| UvToolError::Io { path, source }
    };
    // Every env's resolution runs this binary: nothing of it is writable by others.
    let _umask = fsutil::NoWorldWritable::new();
    let tools = home.join("tools");
    fsutil::create_dir_all(&tools).map_err(io(&tools))?;
    // Two pvm fetching it: one does, the other waits and finds it.
    let lock_path = tools.join(format!(".uv-{VERSION}.lock"));
    let _lock = fsutil::hold_lock(&lock_path).map_err(io(&lock_path))?;
    if let Some(uv) = installed(home) {
        return Ok(uv);
    }
    let page = format!(
        "{}/uv/",
        fetch
            .index_url
            .unwrap_or(DEFAULT_INDEX)
            .trim_end_matches('/')
    );
    let url = wheel_url(fetch.config, &page, &wheel.filename)?;
    let shown = fsutil::strip_credentials(&url);
    on_fetch(&shown);
    let scratch = tempfile::Builder::new()
        .prefix(&fsutil::Temp::Python.prefix())
        .tempdir_in(&tools)
        .map_err(io(&tools))?;
    let archive = scratch.path().join(&wheel.filename);
    let mut sink = ToFile {
        path: archive.clone(),
        file: None,
        written: 0,
        shown: shown.clone(),
    };
    download(fetch.config, &url, &mut sink)?;
    drop(sink);
    let actual = fsutil::sha256_file(&archive).map_err(io(&archive))?;
    if actual != wheel.sha256 {
        return Err(UvToolError::HashMismatch {
            url: shown,
            expected: wheel.sha256,
            actual,
        });
    }
    let unpacked = scratch.path().join("uv");
    fsutil::create_dir_all(&unpacked).map_err(io(&unpacked))?;
    let member = format!("uv-{VERSION}.data/scripts/uv");
    extract(&archive, &member, &unpacked.join("uv")).map_err(|_| UvToolError::BadWheel {
        url: shown.clone(),
        member: member.clone(),
    })?;
    let target = dir(home);
    // Another pvm may have fetched the same uv first: then its copy is used.
    fsutil::place_dir(&unpacked, &target).map_err(io(&target))?;
    Ok(target.join("uv"))
}

/// Copies the wheel's `member` into `dest`, executable.
fn extract(archive: &Path, member: &str, dest: &Path) -> io::Result<()> {
    let mut zip = zip::ZipArchive::new(File::open(archive)?).map_err(io::Error::other)?;
    let mut entry = zip.by_name(member).map_err(io::Error::other)?;
    let mut out = crate::platform::create_mode(File::options().write(true).create_new(true), 0o755)
        .open(dest)?;
    io::copy(&mut (&mut entry).take(MAX_WHEEL), &mut out)?;
    out.sync_all()
}

fn download<S: Sink<Error = UvToolError>>(
    config: &Config,
    url: &str,
    sink: &mut S,
) -> Result<(), UvToolError> {
    match crate::http::download(config, url, sink) {
        Ok(()) => Ok(()),
        Err(Failure::Http(err)) => Err(err.into()),
        Err(Failure::Sink(err)) => Err(err),
    }
}

/// The URL of `filename` on the index page `page` (PEP 503 HTML, the links' `href`s).
fn wheel_url(config: &Config, page: &str, filename: &str) -> Result<String, UvToolError> {
    let html = index_page(config, page)?;
    find_link(&html, filename)
        .map(|href| join(page, &href))
        .ok_or_else(|| UvToolError::NotListed {
            url: fsutil::strip_credentials(page),
            filename: filename.into(),
        })
}

/// The text of an index page (at most [`MAX_PAGE`] bytes).
pub fn index_page(config: &Config, page: &str) -> Result<String, UvToolError> {
    let mut memory = Memory {
        bytes: Vec::new(),
        what: fsutil::strip_credentials(page),
    };
    download(config, page, &mut memory)?;
    Ok(String::from_utf8_lossy(&memory.bytes).into_owned())
}

/// Every link of a PEP 503 page: its file name and its `href` made absolute against `page`
/// (with its `#sha256=` fragment, when it has one).
pub fn page_links(html: &str, page: &str) -> Vec<(String, String)> {
    html.split("href=")
        .skip(1)
        .filter_map(|rest| {
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let href = rest[1..].split(quote).next()?.replace("&amp;", "&");
            let path = href.split(['#', '?']).next()?;
            let name = path.rsplit('/').next()?.to_string();
            Some((name, join(page, &href)))
        })
        .collect()
}

/// The `href` in `html` whose file name (before `#` or `?`) is `filename`.
fn find_link(html: &str, filename: &str) -> Option<String> {
    html.split("href=").skip(1).find_map(|rest| {
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let href = rest[1..].split(quote).next()?.replace("&amp;", "&");
        let path = href.split(['#', '?']).next()?;
        (path.rsplit('/').next()? == filename).then_some(href)
    })
}

/// `href` as an absolute URL, relative to the page `base`.
fn join(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.into();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(path) = href.strip_prefix("//") {
        return format!("{scheme}://{path}");
    }
    let host = rest.split('/').next().unwrap_or(rest);
    if href.starts_with('/') {
        return format!("{scheme}://{host}{href}");
    }
    // Relative to the page's folder; `../` steps up.
    let mut parts: Vec<&str> = rest.split('/').collect();
    parts.pop();
    for part in href.split('/') {
        match part {
            ".." if parts.len() > 1 => {
                parts.pop();
            }
            "." | ".." => {}
            part => parts.push(part),
        }
    }
    format!("{scheme}://{}", parts.join("/"))
}

struct Memory {
    bytes: Vec<u8>,
    what: String,
}

impl Sink for Memory {
    type Error = UvToolError;
    fn start(&mut self, _: Option<u64>) -> Result<(), UvToolError> {
        self.bytes.clear();
        Ok(())
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), UvToolError> {
        self.bytes.extend_from_slice(bytes);
        if self.bytes.len() as u64 > MAX_PAGE {
            return Err(UvToolError::TooLarge {
                what: self.what.clone(),
                limit: MAX_PAGE,
            });
        }
        Ok(())
    }
}

struct ToFile {
    path: PathBuf,
    file: Option<File>,
    written: u64,
    shown: String,
}

impl Sink for ToFile {
    type Error = UvToolError;
    fn start(&mut self, _: Option<u64>) -> Result<(), UvToolError> {
        let io = |source| UvToolError::Io {
            path: self.path.clone(),
            source,
        };
        self.file = Some(
            crate::platform::create_mode(
                File::options().write(true).create(true).truncate(true),
                fsutil::FILE_MODE,
            )
            .open(&self.path)
            .map_err(io)?,
        );
        self.written = 0;
        Ok(())
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), UvToolError> {
        self.written += bytes.len() as u64;
        if self.written > MAX_WHEEL {
            return Err(UvToolError::TooLarge {
                what: self.shown.clone(),
                limit: MAX_WHEEL,
            });
        }
        let file = self.file.as_mut().expect("started");
        file.write_all(bytes).map_err(|source| UvToolError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_and_joined() {
        let html =
            r#"<a href="../../files/uv-0.13.9-py3-none-manylinux_2_17_x86_64.whl#sha256=ab">x</a>"#;
        let href = find_link(html, "uv-0.13.9-py3-none-manylinux_2_17_x86_64.whl").unwrap();
        assert_eq!(
            join("http://127.0.0.1:8/simple/uv/", &href),
            "http://127.0.0.1:8/files/uv-0.13.9-py3-none-manylinux_2_17_x86_64.whl#sha256=ab"
        );
        assert_eq!(
            join("https://a/simple/uv/", "/f/x.whl"),
            "https://a/f/x.whl"
        );
        assert_eq!(
            join("https://a/simple/uv/", "x.whl"),
            "https://a/simple/uv/x.whl"
        );
        assert!(find_link(html, "uv-0.13.9-py3-none-win_amd64.whl").is_none());
    }

    #[test]
    #[cfg_attr(windows, ignore = "the pinned uv table holds Linux wheels only")]
    fn the_table_has_a_wheel_for_this_host() {
        let config = Config::for_test();
        assert!(for_host(&table(&config).unwrap()).is_ok());
    }
}
