//! Where macOS's own installers put Pythons, searched after `PATH` (pyenv's and uv's are found
//! there as on Linux: `~/.pyenv/versions`, `~/.local/share/uv/python`):
//!
//! 1. python.org's framework builds: `/Library/Frameworks/Python.framework/Versions/3.X/bin`,
//!    newest version first (`Current` is a link to one of them, and skipped).
//! 2. Homebrew's, for each prefix (`/opt/homebrew` on Apple silicon, `/usr/local` on Intel):
//!    its `bin`, then each `opt/python@3.X/bin` newest first (where the versions that are not
//!    the default keep their `python3`).
//!
//! In each folder, every `python`, `python3` and `python3.N`, as on `PATH`. The roots are a
//! value, so the tests build fake ones on any OS.

use std::path::{Path, PathBuf};

use super::discovery::{Candidate, Origin, is_executable, is_script, sorted_entries};
use super::facts::{self, version_numbers};

/// The roots macOS's Pythons are found under.
#[derive(Debug, Clone)]
pub struct MacRoots {
    /// Where python.org installs `Python.framework`: `/Library/Frameworks`.
    pub frameworks: PathBuf,
    /// Homebrew's prefixes, in the order searched.
    pub homebrew: Vec<PathBuf>,
}

impl MacRoots {
    /// The roots on a Mac.
    pub fn system() -> MacRoots {
        MacRoots {
            frameworks: PathBuf::from("/Library/Frameworks"),
            homebrew: vec![PathBuf::from("/opt/homebrew"), PathBuf::from("/usr/local")],
        }
    }

    /// The folders searched, with what found them, in order.
    pub fn folders(&self) -> Vec<(PathBuf, Origin)> {
        let mut folders = Vec::new();
        let versions = self.frameworks.join("Python.framework/Versions");
        for version in newest_first(&versions, "") {
            folders.push((version.join("bin"), Origin::Framework));
        }
        for prefix in &self.homebrew {
            folders.push((prefix.join("bin"), Origin::Homebrew));
            for keg in newest_first(&prefix.join("opt"), "python@") {
                folders.push((keg.join("bin"), Origin::Homebrew));
            }
        }
        folders
    }

    /// Every candidate in those folders, in order, without running anything.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut found = Vec::new();
        for (dir, origin) in self.folders() {
            for path in sorted_entries(&dir) {
                let name = path.file_name().and_then(|name| name.to_str());
                if name.is_some_and(super::names::is_python) && is_executable(&path) {
                    found.push(Candidate {
                        is_script: is_script(&path),
                        path,
                        origin,
                    });
                }
            }
        }
        found
    }
}

/// The entries of `dir` named `<prefix>3.N` (a version), newest first.
fn newest_first(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut versions: Vec<(String, PathBuf)> = sorted_entries(dir)
        .into_iter()
        .filter_map(|path| {
            let version = path
                .file_name()?
                .to_str()?
                .strip_prefix(prefix)?
                .to_string();
            let numbers = version_numbers(&version);
            (numbers.len() >= 2 && numbers[0] == 3).then_some((version, path))
        })
        .collect();
    facts::newest_first(&mut versions, |(version, _)| version);
    versions.into_iter().map(|(_, path)| path).collect()
}
