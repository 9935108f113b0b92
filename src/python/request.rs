//! What interpreter the user asked for, and where the request came from.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::pep::{self, VersionSpecifiers};
use crate::python::facts::Facts;

/// An interpreter request, parsed from `--python`, `PVM_PYTHON`, `.python-version`,
/// `[tool.pvm] python` or `requires-python`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpreterRequest {
    /// Nothing asked: the first `python3` on `PATH`.
    Default,
    /// `system`: the first `python3` on `PATH` that is not a pyenv shim.
    System,
    /// `3`, `3.12`, `3.12.1`, optionally with an implementation: `pypy3.10`, `cpython3.12`.
    Version {
        implementation: Option<String>,
        release: Vec<u64>,
    },
    /// A PEP 440 specifier: `>=3.10,<3.13`.
    Specifiers(VersionSpecifiers),
    /// An executable looked up on `PATH`: `python3.12`, `pypy3`.
    Executable(String),
    /// A file, or a folder holding `bin/python3`.
    Path(PathBuf),
}

const IMPLEMENTATIONS: &[&str] = &["cpython", "pypy", "graalpy"];

impl InterpreterRequest {
    /// `home` (`HOME`) is where a `~/…` path starts.
    pub fn parse(text: &str, home: Option<&Path>) -> Result<InterpreterRequest, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("an interpreter request cannot be empty".into());
        }
        if text == "system" {
            return Ok(InterpreterRequest::System);
        }
        // `~=3.9` is a specifier, `~/py/bin/python3` a path.
        if text.starts_with("~=") {
            return pep::parse_specifiers(text)
                .map(InterpreterRequest::Specifiers)
                .map_err(|err| format!("invalid version specifier `{text}`: {err}"));
        }
        if text.contains(std::path::MAIN_SEPARATOR)
            || text.starts_with('.')
            || text.starts_with('~')
        {
            let path = match text.strip_prefix("~/") {
                Some(rest) => home.unwrap_or(Path::new("")).join(rest),
                None => PathBuf::from(text),
            };
            return Ok(InterpreterRequest::Path(path));
        }
        if text.starts_with(['<', '>', '=', '!', '~']) {
            return pep::parse_specifiers(text)
                .map(InterpreterRequest::Specifiers)
                .map_err(|err| format!("invalid version specifier `{text}`: {err}"));
        }
        // `pypy3.10-7.3.15` (a pyenv version name) asks for pypy 3.10, and
        // `cpython-3.12.1-linux-x86_64-gnu` (a uv one) for CPython 3.12.1.
        let head = text.split_once('-').map_or(text, |(head, _)| head);
        for implementation in IMPLEMENTATIONS {
            if let Some(rest) = text.strip_prefix(implementation) {
                let rest = rest.strip_prefix('-').unwrap_or(rest);
                let version = rest.split_once('-').map_or(rest, |(version, _)| version);
                let release = parse_release(version)
                    .ok_or_else(|| format!("invalid version `{version}` in `{text}`"))?;
                return Ok(InterpreterRequest::Version {
                    implementation: Some(implementation.to_string()),
                    release,
                });
            }
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            // pyenv names such as `3.12-dev` keep their version part.
            return parse_release(head)
                .filter(|release| release.len() <= 3)
                .map(|release| InterpreterRequest::Version {
                    implementation: None,
                    release,
                })
                .ok_or_else(|| format!("invalid Python version `{text}`"));
        }
        Ok(InterpreterRequest::Executable(text.to_string()))
    }

    /// Does an interpreter with these facts satisfy the request? Only for version-like requests;
    /// executables and paths are matched by where they are, not by what they report.
    /// Whether a CPython of `version` (`3.12.1`) answers the request: what can be installed
    /// for it. Only version requests (and the default) can be answered by an install.
    pub fn matches_plain_version(&self, version: &str) -> bool {
        let release: Vec<u64> = version
            .split('.')
            .map(|part| part.parse().unwrap_or(0))
            .collect();
        match self {
            InterpreterRequest::Version {
                implementation,
                release: wanted,
            } => {
                implementation.as_deref().is_none_or(|i| i == "cpython")
                    && release.iter().zip(wanted).all(|(have, want)| have == want)
                    && release.len() >= wanted.len()
            }
            InterpreterRequest::Specifiers(specifiers) => crate::pep::parse_version(version)
                .is_ok_and(|version| specifiers.contains(&version)),
            InterpreterRequest::Default | InterpreterRequest::System => true,
            _ => false,
        }
    }

    pub fn matches_version(&self, facts: &Facts) -> bool {
        match self {
            InterpreterRequest::Version {
                implementation,
                release,
            } => {
                let implementation_ok = implementation
                    .as_deref()
                    .is_none_or(|wanted| wanted == facts.implementation);
                implementation_ok
                    && facts
                        .release()
                        .iter()
                        .zip(release)
                        .all(|(have, want)| have == want)
            }
            InterpreterRequest::Specifiers(specifiers) => facts
                .pep440_version()
                .is_some_and(|version| specifiers.contains(&version)),
            _ => true,
        }
    }
}

fn parse_release(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split('.').map(|part| part.parse().ok()).collect()
}

impl fmt::Display for InterpreterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpreterRequest::Default => f.write_str("python3 on PATH"),
            InterpreterRequest::System => f.write_str("system"),
            InterpreterRequest::Version {
                implementation,
                release,
            } => {
                let release: Vec<String> = release.iter().map(u64::to_string).collect();
                write!(
                    f,
                    "{}{}",
                    implementation.as_deref().unwrap_or(""),
                    release.join(".")
                )
            }
            InterpreterRequest::Specifiers(specifiers) => write!(f, "{specifiers}"),
            InterpreterRequest::Executable(name) => f.write_str(name),
            InterpreterRequest::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Where a request came from, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestSource {
    Flag,
    /// The argument of `pvm python find` or `pin`.
    Argument,
    EnvVar,
    PythonVersionFile(PathBuf),
    Manifest,
    RequiresPython,
    Default,
}

impl fmt::Display for RequestSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestSource::Flag => f.write_str("--python"),
            RequestSource::Argument => f.write_str("the argument"),
            RequestSource::EnvVar => f.write_str("PVM_PYTHON"),
            RequestSource::PythonVersionFile(path) => write!(f, "{}", path.display()),
            RequestSource::Manifest => f.write_str("[tool.pvm] python"),
            RequestSource::RequiresPython => f.write_str("requires-python"),
            RequestSource::Default => f.write_str("default"),
        }
    }
}

/// A request with its origin; `text` is what the user wrote, kept for the fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedRequest {
    pub request: InterpreterRequest,
    pub source: RequestSource,
}

impl SourcedRequest {
    /// A stable text form of the request, stored in an env's metadata and fingerprint.
    pub fn key(&self) -> String {
        format!("{}", self.request)
    }
}

pub const PYTHON_VERSION_FILE: &str = ".python-version";

/// The nearest `.python-version` from `start` upward, and the versions it names (see
/// [`read_version_file`]). As for pyenv and uv, the nearest one that is not empty decides, even
/// when it names no version (only comments): then it asks for none.
pub fn find_python_version_file(start: &Path) -> Option<(PathBuf, Vec<String>)> {
    start.ancestors().find_map(|dir| {
        let path = dir.join(PYTHON_VERSION_FILE);
        let versions = read_version_file(&path)?;
        Some((path, versions))
    })
}

/// The versions a `.python-version` (or pyenv's global `version` file) names, one a line, read
/// as pyenv reads them: the first word of each line, blank lines and `#` comment lines skipped
/// (`3.12  # CI's too` names `3.12`; uv reads the same for such files). `None` when `path` is
/// not a regular file with something in it (a FIFO or a device by that name would block the
/// read, and pyenv passes over an empty one) or cannot be read.
pub fn read_version_file(path: &Path) -> Option<Vec<String>> {
    if !std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() > 0) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| line.split_whitespace().next())
            .map(String::from)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_file_names_the_first_word_of_each_line_that_is_not_a_comment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PYTHON_VERSION_FILE);
        std::fs::write(
            &file,
            "# pinned\n\n  3.12.1  # the CI's\r\npypy3.10\n#3.9\n",
        )
        .unwrap();
        assert_eq!(read_version_file(&file).unwrap(), ["3.12.1", "pypy3.10"]);
        // The nearest one decides, from any folder below it.
        let below = dir.path().join("a/b");
        std::fs::create_dir_all(&below).unwrap();
        let (found, versions) = find_python_version_file(&below).unwrap();
        assert_eq!((found, versions[0].as_str()), (file.clone(), "3.12.1"));
        // Only comments: it is still the nearest, and asks for nothing.
        std::fs::write(below.join(PYTHON_VERSION_FILE), "# none yet\n").unwrap();
        let (found, versions) = find_python_version_file(&below).unwrap();
        assert_eq!(found, below.join(PYTHON_VERSION_FILE));
        assert!(versions.is_empty());
        // An empty one, or a folder by that name, is passed over, as pyenv does.
        std::fs::write(below.join(PYTHON_VERSION_FILE), "").unwrap();
        assert_eq!(find_python_version_file(&below).unwrap().0, file);
        std::fs::remove_file(below.join(PYTHON_VERSION_FILE)).unwrap();
        std::fs::create_dir(below.join(PYTHON_VERSION_FILE)).unwrap();
        assert_eq!(find_python_version_file(&below).unwrap().0, file);
        assert_eq!(read_version_file(&dir.path().join("absent")), None);
    }

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Unix absolute paths (/usr/bin/python3) are not absolute on Windows"
    )]
    fn parses_every_request_form() {
        use InterpreterRequest::*;
        let version = |implementation: Option<&str>, release: &[u64]| Version {
            implementation: implementation.map(str::to_string),
            release: release.to_vec(),
        };
        assert_eq!(
            InterpreterRequest::parse("3", None).unwrap(),
            version(None, &[3])
        );
        assert_eq!(
            InterpreterRequest::parse("3.12.1", None).unwrap(),
            version(None, &[3, 12, 1])
        );
        assert_eq!(
            InterpreterRequest::parse("3.13-dev", None).unwrap(),
            version(None, &[3, 13])
        );
        assert_eq!(
            InterpreterRequest::parse("pypy3.10-7.3.15", None).unwrap(),
            version(Some("pypy"), &[3, 10])
        );
        assert_eq!(
            InterpreterRequest::parse("cpython3.12", None).unwrap(),
            version(Some("cpython"), &[3, 12])
        );
        assert_eq!(
            InterpreterRequest::parse("cpython-3.12.1-linux-x86_64-gnu", None).unwrap(),
            version(Some("cpython"), &[3, 12, 1])
        );
        assert!(InterpreterRequest::parse("cpython-banana", None).is_err());
        assert!(matches!(
            InterpreterRequest::parse("~=3.9", None).unwrap(),
            InterpreterRequest::Specifiers(_)
        ));
        assert_eq!(
            InterpreterRequest::parse("cpython", None).unwrap(),
            version(Some("cpython"), &[])
        );
        assert!(matches!(
            InterpreterRequest::parse(">=3.10,<3.13", None).unwrap(),
            Specifiers(_)
        ));
        assert_eq!(
            InterpreterRequest::parse("python3.12", None).unwrap(),
            Executable("python3.12".into())
        );
        assert_eq!(
            InterpreterRequest::parse("/usr/bin/python3", None).unwrap(),
            Path("/usr/bin/python3".into())
        );
        assert_eq!(InterpreterRequest::parse("system", None).unwrap(), System);
        assert!(InterpreterRequest::parse(">=three", None).is_err());
        assert!(InterpreterRequest::parse("3.x", None).is_err());
        assert!(InterpreterRequest::parse("", None).is_err());
    }
}
