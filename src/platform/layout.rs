//! The names inside an env that differ by OS.
//!
//! An env's own folders come from the interpreter's venv scheme (`venv::Layout` reads
//! `scripts` and `purelib` from its facts): `bin` and `lib/pythonX.Y/site-packages` on Unix,
//! `Scripts` and `Lib\site-packages` on Windows, with nothing to choose here. What is left is
//! the name of a program in it.
//!
//! TODO(issue 23, Windows): the env's Python there is `Scripts\python.exe` made from the
//! `venvlauncher` (or a copy of the interpreter), not a symbolic link, and entry points are
//! `.exe` launchers; `venv.rs` and `install/wheel.rs` still write the Unix forms.

use std::path::{Path, PathBuf};

/// The program `name` in the folder `bin`: `bin/name` on Unix, `bin\name.exe` on Windows.
pub fn executable(bin: &Path, name: &str) -> PathBuf {
    bin.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
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
}
