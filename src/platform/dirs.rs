//! The store's default place on each OS (when `PVM_HOME` is not set).
//!
//! Envs live where caches live (any can be rebuilt from the manifest and lock), in a path with
//! no space: a space in an env's path would force every console script's shebang through a
//! `/bin/sh` trampoline.
//!
//! - Linux (and other Unix): `$XDG_CACHE_HOME/pvm`, else `~/.cache/pvm` (the XDG rule; uv's
//!   cache is `~/.cache/uv`).
//! - macOS: `~/Library/Caches/pvm`, where poetry keeps its virtualenvs (platformdirs'
//!   `user_cache_dir`, `~/Library/Caches/pypoetry/virtualenvs`). Not `~/Library/Application
//!   Support`, which has a space.
//! - Windows: `%LOCALAPPDATA%\pvm`, else `~\AppData\Local\pvm` (uv's cache is
//!   `%LOCALAPPDATA%\uv\cache`).
//!
//! A variable that holds a relative path is ignored, as the XDG rule says.

use std::path::{Path, PathBuf};

use super::os::Os;

/// The environment variables the rule reads (from the `Config`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BaseVars<'a> {
    /// `HOME` (the user's profile folder on Windows).
    pub home: Option<&'a Path>,
    /// `XDG_CACHE_HOME`.
    pub xdg_cache_home: Option<&'a Path>,
    /// `LOCALAPPDATA`.
    pub local_app_data: Option<&'a Path>,
}

/// The store's default place under `os`'s rule, or `None` when the variables name no home.
pub fn default_store<'a>(os: Os, vars: BaseVars<'a>) -> Option<PathBuf> {
    let absolute = |path: Option<&'a Path>| path.filter(|path| is_absolute(os, path));
    let home = absolute(vars.home);
    let cache = match os {
        Os::Linux => absolute(vars.xdg_cache_home)
            .map(Path::to_path_buf)
            .or_else(|| home.map(|home| home.join(".cache"))),
        Os::Macos => home.map(|home| home.join("Library").join("Caches")),
        Os::Windows => absolute(vars.local_app_data)
            .map(Path::to_path_buf)
            .or_else(|| home.map(|home| home.join("AppData").join("Local"))),
    }?;
    Some(cache.join("pvm"))
}

/// Whether `path` is absolute under `os`'s rule, whatever the host's: the tests give Windows
/// paths on Linux and Unix paths on Windows.
fn is_absolute(os: Os, path: &Path) -> bool {
    let text = path.to_string_lossy();
    let bytes = text.as_bytes();
    match os {
        Os::Windows => {
            text.starts_with(r"\\")
                || (bytes.len() >= 3
                    && bytes[0].is_ascii_alphabetic()
                    && bytes[1] == b':'
                    && matches!(bytes[2], b'\\' | b'/'))
        }
        Os::Linux | Os::Macos => text.starts_with('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(os: Os, home: Option<&str>, xdg: Option<&str>, local: Option<&str>) -> Option<String> {
        let vars = BaseVars {
            home: home.map(Path::new),
            xdg_cache_home: xdg.map(Path::new),
            local_app_data: local.map(Path::new),
        };
        default_store(os, vars).map(|path| path.to_string_lossy().replace('\\', "/"))
    }

    #[test]
    fn linux_rule_is_xdg_cache_home_else_dot_cache() {
        let linux = |xdg| store(Os::Linux, Some("/home/me"), xdg, Some("/ignored"));
        assert_eq!(linux(None).unwrap(), "/home/me/.cache/pvm");
        assert_eq!(linux(Some("/var/cache/me")).unwrap(), "/var/cache/me/pvm");
        // Relative: ignored, as the XDG rule says.
        assert_eq!(linux(Some("cache")).unwrap(), "/home/me/.cache/pvm");
        assert_eq!(store(Os::Linux, None, None, None), None);
    }

    #[test]
    fn macos_rule_is_library_caches() {
        // `XDG_CACHE_HOME` and `LOCALAPPDATA` mean nothing there.
        let mac = store(Os::Macos, Some("/Users/me"), Some("/x"), Some("/y"));
        assert_eq!(mac.unwrap(), "/Users/me/Library/Caches/pvm");
        assert!(
            !store(Os::Macos, Some("/Users/me"), None, None)
                .unwrap()
                .contains(' ')
        );
        assert_eq!(store(Os::Macos, None, Some("/x"), None), None);
    }

    #[test]
    fn windows_rule_is_local_app_data_else_appdata_local() {
        let home = Some(r"C:\Users\me");
        let local = store(Os::Windows, home, Some("/x"), Some(r"D:\Local"));
        assert_eq!(local.unwrap(), "D:/Local/pvm");
        let fallback = store(Os::Windows, home, None, None);
        assert_eq!(fallback.unwrap(), "C:/Users/me/AppData/Local/pvm");
        assert_eq!(
            store(Os::Windows, home, None, Some("Local")).unwrap(),
            "C:/Users/me/AppData/Local/pvm"
        );
        assert_eq!(
            store(Os::Windows, None, None, Some(r"\\server\share\me")).unwrap(),
            "//server/share/me/pvm"
        );
    }
}
