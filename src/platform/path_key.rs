//! One project is one env whatever the spelling of its path: the bytes of a path that key its
//! env, and whether two paths name one project.
//!
//! Projects are keyed by their canonical path, which already resolves links and `..`. On
//! Windows and on macOS (whose default file systems, NTFS and APFS or HFS+, ignore case) one
//! folder may still be spelt `C:\Work\App` and `c:\work\app`: there the path is case-folded
//! before it is hashed or compared. On Linux (and other Unix) paths are bytes and case matters:
//! nothing changes, so env keys made before stay the same.
//!
//! A Mac volume may be formatted case-sensitive (APFS offers it): there, as on Linux, nothing is
//! folded ([`host_path_key`] asks the volume, with `pathconf(_PC_CASE_SENSITIVE)`), so two
//! projects whose paths differ only in case keep two envs.
//!
//! The fold is the simple one, character by character (a character whose lower case is more
//! than one character is kept), as those file systems' own case tables fold; a path that is not
//! Unicode has only its ASCII letters folded. Unicode normalization (HFS+ stores NFD) is not
//! done: a canonical path is spelt as the file system stores it.

use std::borrow::Cow;
use std::path::Path;

use super::os::Os;

/// The bytes of `path` that key its env under `os`'s rules: the path itself on Linux; on
/// macOS and Windows its case-folded form (and on Windows `/` read as `\`).
pub fn path_key(os: Os, path: &Path) -> Cow<'_, [u8]> {
    let bytes = path.as_os_str().as_encoded_bytes();
    if os == Os::Linux {
        return Cow::Borrowed(bytes);
    }
    let separator = |c: char| {
        if os == Os::Windows && c == '/' {
            '\\'
        } else {
            c
        }
    };
    match path.to_str() {
        Some(text) => Cow::Owned(
            text.chars()
                .map(|c| separator(simple_lowercase(c)))
                .collect::<String>()
                .into_bytes(),
        ),
        None => Cow::Owned(
            bytes
                .iter()
                .map(|&b| {
                    if os == Os::Windows && b == b'/' {
                        b'\\'
                    } else {
                        b.to_ascii_lowercase()
                    }
                })
                .collect(),
        ),
    }
}

/// The bytes that key `path`'s env on this machine: [`path_key`] under this OS's rule, but
/// unfolded on a case-sensitive Mac volume.
pub fn host_path_key(path: &Path) -> Cow<'_, [u8]> {
    let os = if Os::HOST == Os::Macos && case_sensitive_volume(path) {
        Os::Linux
    } else {
        Os::HOST
    };
    path_key(os, path)
}

/// Whether `a` and `b` (both canonical) name one project on this machine.
pub fn same_path(a: &Path, b: &Path) -> bool {
    a == b || host_path_key(a) == host_path_key(b)
}

/// Whether the volume `path` is on tells names apart by case; `false` when it cannot say (the
/// path is gone): macOS's default volumes do not.
#[cfg(target_os = "macos")]
fn case_sensitive_volume(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `path` is a NUL-terminated string that pathconf only reads.
    unsafe { libc::pathconf(path.as_ptr(), libc::_PC_CASE_SENSITIVE) == 1 }
}

#[cfg(not(target_os = "macos"))]
fn case_sensitive_volume(_path: &Path) -> bool {
    false
}

/// `c` in lower case when that is one character, else `c`.
fn simple_lowercase(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(os: Os, path: &str) -> String {
        String::from_utf8(path_key(os, Path::new(path)).into_owned()).unwrap()
    }

    #[test]
    fn linux_rule_keeps_every_byte() {
        assert_eq!(key(Os::Linux, "/home/Me/App"), "/home/Me/App");
        assert_ne!(
            key(Os::Linux, "/home/Me/App"),
            key(Os::Linux, "/home/me/app")
        );
        assert!(matches!(
            path_key(Os::Linux, Path::new("/x")),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn macos_rule_folds_case_and_nothing_else() {
        assert_eq!(
            key(Os::Macos, "/Users/Me/Ünïcode App"),
            "/users/me/ünïcode app"
        );
        assert_eq!(
            key(Os::Macos, "/Users/Me/App"),
            key(Os::Macos, "/users/me/APP")
        );
        // `/` stays a separator; `\` is a character of a name on macOS.
        assert_eq!(key(Os::Macos, "/a\\B"), "/a\\b");
        // İ's lower case is two characters: kept, as the file system's simple fold keeps it.
        assert_eq!(key(Os::Macos, "/İ"), "/İ");
    }

    #[test]
    fn windows_rule_folds_case_and_separators() {
        assert_eq!(
            key(Os::Windows, r"\\?\C:\Users\Me\App"),
            key(Os::Windows, r"\\?\c:/users/me/app")
        );
        assert_eq!(key(Os::Windows, r"C:\Work\ÄPP"), r"c:\work\äpp");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_unicode_folds_its_ascii_letters_only() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/A/\xff\xC3B"));
        assert_eq!(&*path_key(Os::Macos, path), b"/a/\xff\xc3b");
        assert_eq!(&*path_key(Os::Linux, path), b"/A/\xff\xC3B");
    }

    #[test]
    fn case_sensitive_mac_volumes_are_asked_only_on_macos_never_run_here() {
        // The probe runs on macOS only (this machine cannot run it); elsewhere it says no.
        if Os::HOST != Os::Macos {
            assert!(!case_sensitive_volume(Path::new("/")));
        }
        assert!(!case_sensitive_volume(Path::new("/no/such/folder/at/all")));
    }

    #[test]
    fn same_path_follows_the_host_rule() {
        let (a, b) = (Path::new("/Work/App"), Path::new("/work/app"));
        assert!(same_path(a, a));
        assert_eq!(same_path(a, b), Os::HOST != Os::Linux);
    }
}
