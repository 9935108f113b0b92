//! Reading a pip `requirements.txt` (for `pvm init` and `pvm add -r`).

use std::path::{Path, PathBuf};

use super::ProjectError;
use crate::pep::{self, Requirement};

/// What `requirements.txt` holds (with the files its `-r` lines include), for `pvm init` to
/// import and `pvm add -r` to add.
#[derive(Debug, Default)]
pub struct RequirementsFile {
    pub requirements: Vec<Requirement>,
    /// Option lines (`-c constraints.txt`, `-e .`, `--index-url …`) and bare paths or URLs,
    /// which have no place in the manifest.
    pub skipped: Vec<String>,
}

/// Reads a pip requirements file: comments and blank lines dropped, `\` continuations joined,
/// `-r FILE` lines followed (relative to the file that names them, as pip does), other option
/// lines set aside, every other line a PEP 508 requirement.
pub fn read_requirements_txt(path: &Path) -> Result<RequirementsFile, ProjectError> {
    let mut out = RequirementsFile::default();
    read_into(path, &mut out, &mut Vec::new())?;
    Ok(out)
}

/// The versions pip's constraints files in `dir` pin (`name==version`, names normalized): its
/// `constraints.txt` and every file a `requirements*.txt` there names with `-c` or
/// `--constraint`. A project that came with them keeps those versions in its first lock, as pip
/// installed them. Unreadable files pin nothing.
pub fn constraint_pins(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = vec![dir.join("constraints.txt")];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Default::default();
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".txt") && name.contains("requirements")) {
            continue;
        }
        let Ok(file) = read_requirements_txt(&entry.path()) else {
            continue;
        };
        files.extend(file.skipped.iter().filter_map(|line| {
            let named = constraint_file(line)?;
            Some(dir.join(named))
        }));
    }
    let mut pins = std::collections::BTreeMap::new();
    for file in files {
        let Ok(read) = read_requirements_txt(&file) else {
            continue;
        };
        for requirement in read.requirements {
            let Some(pep::VersionOrUrl::VersionSpecifier(specifiers)) = &requirement.version_or_url
            else {
                continue;
            };
            if let [only] = &specifiers[..]
                && *only.operator() == pep::Operator::Equal
            {
                pins.insert(requirement.name.to_string(), only.version().to_string());
            }
        }
    }
    pins
}

/// The file a `-c FILE` / `--constraint FILE` / `--constraint=FILE` line names.
pub fn constraint_file(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("--constraint")
        .or_else(|| line.strip_prefix("-c"))?;
    let named = rest
        .strip_prefix('=')
        .or_else(|| rest.strip_prefix(char::is_whitespace))?
        .trim();
    (!named.is_empty()).then_some(named)
}

/// Reads `path` into `out`; `including` are the files whose `-r` lines led here.
fn read_into(
    path: &Path,
    out: &mut RequirementsFile,
    including: &mut Vec<PathBuf>,
) -> Result<(), ProjectError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |line: usize, message: String, hint: &str| ProjectError::Invalid {
        path: path.to_path_buf(),
        line,
        column: 1,
        message,
        hint: Some(hint.into()),
    };
    including.push(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()));
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
        if let Some(included) = included_file(entry) {
            let nested = path.parent().unwrap_or(Path::new("")).join(included);
            if !nested.is_file() {
                return Err(invalid(
                    start_line,
                    format!("`{entry}` names no file (looked at {})", nested.display()),
                    "the path is relative to the file that names it",
                ));
            }
            let canonical = nested.canonicalize().unwrap_or_else(|_| nested.clone());
            if including.contains(&canonical) {
                return Err(invalid(
                    start_line,
                    format!("`{entry}` includes a file that includes this one"),
                    "remove one of the `-r` lines",
                ));
            }
            read_into(&nested, out, including)?;
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
        let requirement = pep::parse_requirement(entry).map_err(|err| {
            invalid(
                start_line,
                format!("invalid requirement `{entry}`: {err}"),
                "fix or remove the line (requirements follow PEP 508, e.g. `django>=4.2,<5`), then run the command again",
            )
        })?;
        out.requirements.push(requirement);
    }
    including.pop();
    Ok(())
}

/// The file of an include line: `-r FILE`, `-rFILE`, `--requirement FILE` or `=FILE`.
fn included_file(entry: &str) -> Option<&str> {
    let rest = entry
        .strip_prefix("--requirement")
        .or_else(|| entry.strip_prefix("-r"))?;
    let file = rest.trim_start().trim_start_matches('=').trim();
    (!file.is_empty()).then_some(file)
}

#[cfg(test)]
mod tests {

    #[test]
    fn constraint_lines_name_their_file() {
        assert_eq!(
            constraint_file("-c constraints.txt"),
            Some("constraints.txt")
        );
        assert_eq!(
            constraint_file("--constraint=c/pins.txt"),
            Some("c/pins.txt")
        );
        assert_eq!(constraint_file("--constraint  pins.txt"), Some("pins.txt"));
        assert_eq!(constraint_file("-e ."), None);
        assert_eq!(constraint_file("--cert x.pem"), None);
        assert_eq!(constraint_file("-c"), None);
    }
    use super::*;

    #[test]
    fn requirements_txt_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(
            &path,
            "# c\nrequests>=2 # net\n-c other.txt\n\ndjango\\\n  ==4.2 \\\n    --hash=sha256:00ff\n./local/pkg\nhttps://x.org/a.whl\n",
        )
        .unwrap();
        let file = read_requirements_txt(&path).unwrap();
        let names: Vec<String> = file.requirements.iter().map(|r| r.to_string()).collect();
        assert_eq!(names, ["requests>=2", "django==4.2"]);
        assert_eq!(
            file.skipped,
            ["-c other.txt", "./local/pkg", "https://x.org/a.whl"]
        );
        std::fs::write(&path, "ok\nnot a req!!\n").unwrap();
        let err = read_requirements_txt(&path).unwrap_err().to_string();
        assert!(err.contains(":2:1:"), "{err}");
    }

    #[test]
    fn included_files_are_read_relative_to_their_includer_and_cycles_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("req")).unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(&path, "alpha\n-r req/base.txt\n").unwrap();
        std::fs::write(
            dir.path().join("req/base.txt"),
            "beta\n--requirement=more.txt\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("req/more.txt"), "gamma\n").unwrap();
        let file = read_requirements_txt(&path).unwrap();
        let names: Vec<String> = file.requirements.iter().map(|r| r.to_string()).collect();
        assert_eq!(names, ["alpha", "beta", "gamma"]);

        std::fs::write(dir.path().join("req/more.txt"), "-r ../requirements.txt\n").unwrap();
        let err = read_requirements_txt(&path).unwrap_err().to_string();
        assert!(err.contains("more.txt:1:1:"), "{err}");
        assert!(
            err.contains("includes a file that includes this one"),
            "{err}"
        );

        std::fs::write(&path, "-r missing.txt\n").unwrap();
        let err = read_requirements_txt(&path).unwrap_err().to_string();
        assert!(
            err.contains("requirements.txt:1:1: `-r missing.txt` names no file"),
            "{err}"
        );
    }
}
