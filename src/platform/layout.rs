//! The names inside an env that differ by OS.
//!
//! An env made for a known interpreter takes its folders from that interpreter's venv scheme
//! (`venv::Layout` reads `scripts` and `purelib` from its facts). What is here is the same
//! knowledge for when no interpreter has been asked (an env whose metadata is gone, a fresh
//! overlay, a Python install's own folder), and the names of programs. Each function takes the
//! [`Os`] as a value, so the Windows forms are checked on Linux too (Linux and macOS share one):
//!
//! | | Unix | Windows |
//! |---|---|---|
//! | scripts | `bin` | `Scripts` |
//! | site-packages | `lib/pythonX.Y/site-packages` | `Lib\site-packages` |
//! | the env's Python | `bin/python` | `Scripts\python.exe` |

use std::path::{Path, PathBuf};

use super::os::Os;

impl Os {
    /// The suffix of a program's file name: `.exe` on Windows.
    pub fn exe_suffix(self) -> &'static str {
        match self {
            Os::Linux | Os::Macos => "",
            Os::Windows => ".exe",
        }
    }

    /// The folder of an env (or a Python install) that holds its programs.
    pub fn scripts_dir(self) -> &'static str {
        match self {
            Os::Linux | Os::Macos => "bin",
            Os::Windows => "Scripts",
        }
    }

    /// An env's site-packages, relative to its root, for a Python of `minor` (`3.12`);
    /// `implementation` is `python` for CPython, `pypy` for PyPy (whose Unix folder is
    /// `lib/pypy3.10`).
    pub fn site_packages(self, implementation: &str, minor: &str) -> PathBuf {
        match self {
            Os::Linux | Os::Macos => Path::new("lib")
                .join(format!("{implementation}{minor}"))
                .join("site-packages"),
            Os::Windows => Path::new("Lib").join("site-packages"),
        }
    }

    /// The program `name` in the folder `bin`: `bin/name`, or `bin\name.exe` on Windows.
    pub fn executable(self, bin: &Path, name: &str) -> PathBuf {
        bin.join(format!("{name}{}", self.exe_suffix()))
    }

    /// The Python of the env at `root`: `root/bin/python` or `root\Scripts\python.exe`.
    pub fn env_python(self, root: &Path) -> PathBuf {
        self.executable(&root.join(self.scripts_dir()), "python")
    }
}

/// The program `name` in the folder `bin`, as this OS names it.
pub fn executable(bin: &Path, name: &str) -> PathBuf {
    Os::HOST.executable(bin, name)
}

/// The folder of programs of the env at `root`, as this OS names it.
pub fn scripts_dir(root: &Path) -> PathBuf {
    root.join(Os::HOST.scripts_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_has_the_os_suffix() {
        let python = executable(Path::new("env/bin"), "python");
        if cfg!(windows) {
            assert_eq!(python, Path::new("env/bin/python.exe"));
        } else {
            assert_eq!(python, Path::new("env/bin/python"));
        }
    }

    #[test]
    fn the_unix_layout() {
        let os = Os::Linux;
        assert_eq!(os.env_python(Path::new("env")), Path::new("env/bin/python"));
        assert_eq!(
            os.site_packages("python", "3.12"),
            Path::new("lib/python3.12/site-packages")
        );
        assert_eq!(
            os.site_packages("pypy", "3.10"),
            Path::new("lib/pypy3.10/site-packages")
        );
    }

    #[test]
    fn the_windows_layout_checked_on_any_os() {
        let os = Os::Windows;
        assert_eq!(
            os.env_python(Path::new("env")),
            Path::new("env").join("Scripts").join("python.exe")
        );
        assert_eq!(
            os.executable(Path::new("Scripts"), "pip"),
            Path::new("Scripts").join("pip.exe")
        );
        assert_eq!(
            os.site_packages("python", "3.12"),
            Path::new("Lib").join("site-packages")
        );
    }
}
