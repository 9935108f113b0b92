//! Executable names that stand for an interpreter or its pip: `python3.12`, `pip3`.

/// Whether `name` is `base`, `base3` or `base3.N`: `python`, `python3`, `python3.12` (likewise
/// `pip…`, `pypy…`), but not `python3-config`, `python3.12m`, `python2` or `python3.`.
pub fn is_versioned(name: &str, base: &str) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return false;
    };
    match rest.strip_prefix('3') {
        None => rest.is_empty(),
        Some(minor) => {
            minor.is_empty()
                || minor
                    .strip_prefix('.')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        }
    }
}

/// `python`, `python3`, `python3.12`: the names discovery looks for on `PATH`.
pub fn is_python(name: &str) -> bool {
    is_versioned(name, "python")
}

/// `pip`, `pip3`, `pip3.12`: the names pip installs as scripts.
pub fn is_pip(name: &str) -> bool {
    is_versioned(name, "pip")
}

/// The interpreter in the folder `bin`: its `python3`, else its `python`.
pub fn python_in(bin: &std::path::Path) -> Option<std::path::PathBuf> {
    ["python3", "python"]
        .iter()
        .map(|name| crate::platform::executable(bin, name))
        .find(|exe| exe.is_file())
}

/// The version an executable name stands for: `python3.8` → `[3, 8]`, `python3` → `[3]`,
/// `python` → `[]`.
pub fn version_of(name: &str) -> Option<Vec<u64>> {
    let version = name.strip_prefix("python")?;
    if version.is_empty() {
        return Some(Vec::new());
    }
    version.split('.').map(|part| part.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_pip_names() {
        for name in ["python", "python3", "python3.12", "python3.6"] {
            assert!(is_python(name), "{name}");
        }
        for name in [
            "python3-config",
            "python3.12-config",
            "python3.12m",
            "pythonw",
            "python2",
            "python3.",
            "py",
            "pip3",
        ] {
            assert!(!is_python(name), "{name}");
        }
        for name in ["pip", "pip3", "pip3.12"] {
            assert!(is_pip(name), "{name}");
        }
        for name in ["pipx", "pip-audit", "pip2", "pip3.x", "python"] {
            assert!(!is_pip(name), "{name}");
        }
        assert!(is_versioned("pypy3.10", "pypy"));
        assert_eq!(version_of("python3.8"), Some(vec![3, 8]));
        assert_eq!(version_of("python3"), Some(vec![3]));
        assert_eq!(version_of("python"), Some(vec![]));
        assert_eq!(version_of("pythonw"), None);
    }

    #[test]
    fn a_folder_gives_its_python3_before_its_python() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(python_in(dir.path()), None);
        let program = |name| crate::platform::executable(dir.path(), name);
        std::fs::write(program("python"), "").unwrap();
        assert_eq!(python_in(dir.path()).unwrap(), program("python"));
        std::fs::write(program("python3"), "").unwrap();
        assert_eq!(python_in(dir.path()).unwrap(), program("python3"));
    }
}
