//! Importing a pip `requirements.txt` (for `pvm init`).

use std::path::Path;

use super::ProjectError;
use crate::pep::{self, Requirement};

/// What `requirements.txt` holds, for `pvm init` to import.
#[derive(Debug, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    /// Option lines (`-r other.txt`, `-e .`, `--index-url …`) that have no place in the manifest.
    pub skipped: Vec<String>,
}

/// Reads a pip requirements file: comments and blank lines dropped, `\` continuations joined,
/// option lines set aside, every other line a PEP 508 requirement.
pub fn read_requirements_txt(path: &Path) -> Result<RequirementsFile, ProjectError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = RequirementsFile::default();
    let mut pending = String::new();
    let mut start_line = 0;
    for (index, raw) in text.lines().enumerate() {
        if pending.is_empty() {
            start_line = index + 1;
        }
        // A comment starts at `#` at the beginning or after whitespace.
        let line = match raw.find(" #").or_else(|| raw.starts_with('#').then_some(0)) {
            Some(at) => &raw[..at],
            None => raw,
        };
        if let Some(continued) = line.trim_end().strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let entry = std::mem::take(&mut pending);
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        if entry.starts_with('-') {
            out.skipped.push(entry.to_string());
            continue;
        }
        // pip-compile's `--hash=…` options belong to the lock, not the manifest.
        let entry = match entry.find(" --") {
            Some(at) => entry[..at].trim(),
            None => entry,
        };
        // A bare URL or path names no project: it has no place in `dependencies`.
        let is_location = [
            "http://", "https://", "file:", "git+", "hg+", "svn+", "bzr+", "./", "../", "/", "~",
        ]
        .iter()
        .any(|prefix| entry.starts_with(prefix));
        if is_location {
            out.skipped.push(entry.to_string());
            continue;
        }
        let requirement = pep::parse_requirement(entry).map_err(|err| ProjectError::Invalid {
            path: path.to_path_buf(),
            line: start_line,
            column: 1,
            message: format!("invalid requirement `{entry}`: {err}"),
            hint: Some("fix or remove the line, then run `pvm init` again".into()),
        })?;
        out.requirements.push(requirement);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_txt_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(
            &path,
            "# c\nrequests>=2 # net\n-r other.txt\n\ndjango\\\n  ==4.2 \\\n    --hash=sha256:00ff\n./local/pkg\nhttps://x.org/a.whl\n",
        )
        .unwrap();
        let file = read_requirements_txt(&path).unwrap();
        let names: Vec<String> = file.requirements.iter().map(|r| r.to_string()).collect();
        assert_eq!(names, ["requests>=2", "django==4.2"]);
        assert_eq!(
            file.skipped,
            ["-r other.txt", "./local/pkg", "https://x.org/a.whl"]
        );
        std::fs::write(&path, "ok\nnot a req!!\n").unwrap();
        let err = read_requirements_txt(&path).unwrap_err().to_string();
        assert!(err.contains(":2:1:"), "{err}");
    }
}
