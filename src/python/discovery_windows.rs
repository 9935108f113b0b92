//! Where Windows keeps its Pythons: the `py` launcher's list, the PEP 514 registry keys,
//! pyenv-win's versions folder and uv's managed Pythons.
//!
//! Each source is read through something a test can fake (the registry behind [`Registry`],
//! `py --list-paths`'s output as text, plain folders), so all of it is checked on Linux too;
//! only [`SystemRegistry`] and running `py` need Windows (the registry's test runs under wine).

use std::path::{Path, PathBuf};

use super::discovery::{Candidate, Origin};

/// The registry roots PEP 514 names: the user's, then the machine's 64-bit and 32-bit views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hive {
    CurrentUser,
    LocalMachine64,
    LocalMachine32,
}

/// What discovery reads of the registry.
pub trait Registry {
    /// The names of the subkeys of `path` (`Software\Python`) in `hive`; none when it is absent.
    fn subkeys(&self, hive: Hive, path: &str) -> Vec<String>;
    /// The string value `name` of the key `path` (`""`: its default value).
    fn value(&self, hive: Hive, path: &str, name: &str) -> Option<String>;
}

/// The interpreters registered as PEP 514 says: each `Software\Python\<Company>\<Tag>` whose
/// `InstallPath` key names an `ExecutablePath` (else its default value is the folder holding
/// `python.exe`). `PyLauncher` is the `py` launcher's own key, not a Python.
pub fn registered(registry: &dyn Registry) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for hive in [
        Hive::CurrentUser,
        Hive::LocalMachine64,
        Hive::LocalMachine32,
    ] {
        for company in registry.subkeys(hive, r"Software\Python") {
            if company.eq_ignore_ascii_case("PyLauncher") {
                continue;
            }
            let company_key = format!(r"Software\Python\{company}");
            for tag in registry.subkeys(hive, &company_key) {
                let install = format!(r"{company_key}\{tag}\InstallPath");
                let executable = registry
                    .value(hive, &install, "ExecutablePath")
                    .filter(|path| !path.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| {
                        let folder = registry.value(hive, &install, "")?;
                        (!folder.is_empty()).then(|| Path::new(&folder).join("python.exe"))
                    });
                found.extend(executable);
            }
        }
    }
    found
}

/// The interpreters in `py --list-paths` (`py -0p`): one a line, a tag then the path, as
/// ` -V:3.12 *        C:\Python312\python.exe` (a `*` marks the default), or older launchers'
/// ` -3.12-64        C:\…`. A line with no path (a Store app alias) is skipped.
pub fn parse_py_list_paths(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix('-')?;
            let (_tag, rest) = rest.split_once(char::is_whitespace)?;
            let path = rest
                .trim()
                .trim_start_matches('*')
                .trim_end_matches('*')
                .trim();
            let absolute = path.starts_with(r"\\")
                || (path.len() > 2
                    && path.as_bytes()[1] == b':'
                    && path.as_bytes()[0].is_ascii_alphabetic());
            absolute.then(|| PathBuf::from(path))
        })
        .collect()
}

/// Where pyenv-win and uv keep their Pythons on Windows, under the user's profile folder
/// `home`: `(pyenv root, uv's Pythons)`. Each install is a folder with `python.exe` at its top
/// (pyenv-win's `versions\3.12.1`, uv's `cpython-3.12.1-windows-x86_64-none`), which
/// discovery's managed folders look for when there is no `bin`.
pub fn default_places(home: &Path) -> (PathBuf, PathBuf) {
    (
        home.join(".pyenv").join("pyenv-win"),
        // uv's persistent data folder there is `%APPDATA%\uv\data` (its docs, "Storage").
        home.join("AppData")
            .join("Roaming")
            .join("uv")
            .join("data")
            .join("python"),
    )
}

/// The Pythons Windows itself knows, in discovery order: what the `py` launcher lists (its
/// output, when it ran), then the registry's; each path once, whatever its case.
pub fn system_candidates(registry: &dyn Registry, py_list: Option<&str>) -> Vec<Candidate> {
    let from_py = py_list.map(parse_py_list_paths).unwrap_or_default();
    let mut found: Vec<Candidate> = Vec::new();
    let tagged = (from_py.into_iter().map(|path| (path, Origin::PyLauncher))).chain(
        registered(registry)
            .into_iter()
            .map(|path| (path, Origin::Registry)),
    );
    for (path, origin) in tagged {
        if !found.iter().any(|seen| same_path(&seen.path, &path)) {
            found.push(Candidate {
                path,
                origin,
                is_script: false,
            });
        }
    }
    found
}

/// Whether the file at `path`, `len` bytes long, is one of the Microsoft Store's app execution
/// aliases (`%LOCALAPPDATA%\Microsoft\WindowsApps\python.exe`, empty to a reader): with no
/// Store Python installed it only opens the Store, so discovery passes it over, as uv does.
pub fn is_store_alias(path: &Path, len: u64) -> bool {
    len == 0
        && path
            .parent()
            .and_then(|dir| dir.file_name())
            .is_some_and(|dir| dir.eq_ignore_ascii_case("WindowsApps"))
}

/// Whether two Windows paths name one file: compared as Windows does, without case and with `/`
/// read as `\`.
pub fn same_path(a: &Path, b: &Path) -> bool {
    use crate::platform::{Os, path_key};
    path_key(Os::Windows, a) == path_key(Os::Windows, b)
}

/// What `py --list-paths` prints, when there is a `py` launcher to run.
pub fn py_list_paths() -> Option<String> {
    let output = std::process::Command::new("py")
        .arg("--list-paths")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The Windows registry itself.
#[cfg(windows)]
pub struct SystemRegistry;

#[cfg(windows)]
impl SystemRegistry {
    fn open(hive: Hive, path: &str) -> Option<windows_sys::Win32::System::Registry::HKEY> {
        use windows_sys::Win32::System::Registry::{
            HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_32KEY, KEY_WOW64_64KEY,
            RegOpenKeyExW,
        };
        let (root, view) = match hive {
            Hive::CurrentUser => (HKEY_CURRENT_USER, 0),
            Hive::LocalMachine64 => (HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY),
            Hive::LocalMachine32 => (HKEY_LOCAL_MACHINE, KEY_WOW64_32KEY),
        };
        let path = wide(path);
        let mut key = std::ptr::null_mut();
        // SAFETY: `path` is NUL-terminated and outlives the call; `key` is written on success.
        let status = unsafe { RegOpenKeyExW(root, path.as_ptr(), 0, KEY_READ | view, &mut key) };
        (status == 0).then_some(key)
    }
}

#[cfg(windows)]
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain([0]).collect()
}

#[cfg(windows)]
impl Registry for SystemRegistry {
    fn subkeys(&self, hive: Hive, path: &str) -> Vec<String> {
        use windows_sys::Win32::System::Registry::{RegCloseKey, RegEnumKeyExW};
        let Some(key) = Self::open(hive, path) else {
            return Vec::new();
        };
        let mut names = Vec::new();
        for index in 0.. {
            // A key name is at most 255 characters.
            let mut name = [0u16; 256];
            let mut len = name.len() as u32;
            // SAFETY: `key` is open; `name` holds `len` characters.
            let status = unsafe {
                RegEnumKeyExW(
                    key,
                    index,
                    name.as_mut_ptr(),
                    &mut len,
                    std::ptr::null(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                )
            };
            if status != 0 {
                break;
            }
            names.push(String::from_utf16_lossy(&name[..len as usize]));
        }
        // SAFETY: `key` was opened above and is closed once.
        unsafe { RegCloseKey(key) };
        names
    }

    fn value(&self, hive: Hive, path: &str, name: &str) -> Option<String> {
        use windows_sys::Win32::System::Registry::{RRF_RT_REG_SZ, RegCloseKey, RegGetValueW};
        let key = Self::open(hive, path)?;
        let name = wide(name);
        let mut buffer = vec![0u16; 1024];
        let mut bytes = (buffer.len() * 2) as u32;
        // SAFETY: `key` is open, `name` NUL-terminated, `buffer` holds `bytes` bytes.
        let status = unsafe {
            RegGetValueW(
                key,
                std::ptr::null(),
                name.as_ptr(),
                RRF_RT_REG_SZ,
                std::ptr::null_mut(),
                buffer.as_mut_ptr().cast(),
                &mut bytes,
            )
        };
        // SAFETY: `key` was opened above and is closed once.
        unsafe { RegCloseKey(key) };
        if status != 0 {
            return None;
        }
        // `bytes` counts the closing NUL.
        let chars = (bytes as usize / 2).saturating_sub(1);
        Some(String::from_utf16_lossy(&buffer[..chars]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A registry of (hive, key) → (subkeys, values).
    #[derive(Default)]
    struct FakeRegistry {
        keys: BTreeMap<(u8, String), BTreeMap<String, String>>,
    }

    fn hive_id(hive: Hive) -> u8 {
        hive as u8
    }

    impl FakeRegistry {
        fn set(&mut self, hive: Hive, path: &str, name: &str, value: &str) {
            // Every parent key exists too.
            let mut parent = String::new();
            for part in path.split('\\') {
                parent = if parent.is_empty() {
                    part.to_string()
                } else {
                    format!(r"{parent}\{part}")
                };
                self.keys
                    .entry((hive_id(hive), parent.clone()))
                    .or_default();
            }
            self.keys
                .get_mut(&(hive_id(hive), path.to_string()))
                .unwrap()
                .insert(name.into(), value.into());
        }
    }

    impl Registry for FakeRegistry {
        fn subkeys(&self, hive: Hive, path: &str) -> Vec<String> {
            let prefix = format!(r"{path}\");
            self.keys
                .keys()
                .filter(|(h, key)| *h == hive_id(hive) && key.starts_with(&prefix))
                .map(|(_, key)| key[prefix.len()..].to_string())
                .filter(|rest| !rest.contains('\\'))
                .collect()
        }
        fn value(&self, hive: Hive, path: &str, name: &str) -> Option<String> {
            self.keys
                .get(&(hive_id(hive), path.to_string()))?
                .get(name)
                .cloned()
        }
    }

    #[test]
    fn pep_514_keys_name_the_interpreters_checked_on_any_os() {
        let mut registry = FakeRegistry::default();
        let key = r"Software\Python\PythonCore\3.12\InstallPath";
        registry.set(
            Hive::CurrentUser,
            key,
            "",
            r"C:\Users\me\AppData\Local\Programs\Python\Python312\",
        );
        registry.set(
            Hive::CurrentUser,
            key,
            "ExecutablePath",
            r"C:\Users\me\AppData\Local\Programs\Python\Python312\python.exe",
        );
        // Only the folder: python.exe in it.
        registry.set(
            Hive::LocalMachine64,
            r"Software\Python\PythonCore\3.11\InstallPath",
            "",
            r"C:\Python311",
        );
        // Another distributor, in the 32-bit view.
        registry.set(
            Hive::LocalMachine32,
            r"Software\Python\ContinuumAnalytics\Anaconda39-32\InstallPath",
            "ExecutablePath",
            r"C:\Anaconda3\python.exe",
        );
        // The launcher's own key, and a tag with no InstallPath.
        registry.set(
            Hive::LocalMachine64,
            r"Software\Python\PyLauncher",
            "",
            r"C:\Windows\py.exe",
        );
        registry.set(
            Hive::LocalMachine64,
            r"Software\Python\PythonCore\3.10\Help",
            "",
            "x",
        );
        assert_eq!(
            registered(&registry),
            [
                PathBuf::from(r"C:\Users\me\AppData\Local\Programs\Python\Python312\python.exe"),
                Path::new(r"C:\Python311").join("python.exe"),
                PathBuf::from(r"C:\Anaconda3\python.exe"),
            ]
        );
    }

    #[test]
    fn py_list_paths_is_read_in_both_formats_checked_on_any_os() {
        // The launcher of 3.11+ (`-V:Company/Tag`), then the older one's.
        let new = " -V:3.13 *        C:\\Python313\\python.exe\n -V:3.12          C:\\Program Files\\Python312\\python.exe\n -V:ContinuumAnalytics/Anaconda39-64 C:\\Anaconda3\\python.exe\n -V:3.12-arm64     \\\\server\\share\\py\\python.exe\n -V:Store/3.11     (Store app)\n";
        assert_eq!(
            parse_py_list_paths(new),
            [
                r"C:\Python313\python.exe",
                r"C:\Program Files\Python312\python.exe",
                r"C:\Anaconda3\python.exe",
                r"\\server\share\py\python.exe",
            ]
            .map(PathBuf::from)
        );
        let old = "Installed Pythons found by py Launcher for Windows\n -3.9-64        C:\\Python39\\python.exe *\n -3.8-32        C:\\Python38-32\\python.exe\n";
        assert_eq!(
            parse_py_list_paths(old),
            [r"C:\Python39\python.exe", r"C:\Python38-32\python.exe"].map(PathBuf::from)
        );
    }

    #[test]
    fn py_then_the_registry_each_path_once_checked_on_any_os() {
        let mut registry = FakeRegistry::default();
        let core = r"Software\Python\PythonCore";
        registry.set(
            Hive::CurrentUser,
            &format!(r"{core}\3.11\InstallPath"),
            "ExecutablePath",
            r"C:\Python311\python.exe",
        );
        registry.set(
            Hive::CurrentUser,
            &format!(r"{core}\3.10\InstallPath"),
            "ExecutablePath",
            r"C:\PYTHON310\PYTHON.EXE",
        );
        registry.set(
            Hive::CurrentUser,
            &format!(r"{core}\3.9\InstallPath"),
            "ExecutablePath",
            r"D:\Py39\python.exe",
        );
        let py = " -V:3.11 *  C:\\Python311\\python.exe\n -V:3.10 C:\\Python310\\python.exe\n";
        let found: Vec<(PathBuf, Origin)> = system_candidates(&registry, Some(py))
            .into_iter()
            .map(|candidate| (candidate.path, candidate.origin))
            .collect();
        assert_eq!(
            found,
            [
                (
                    PathBuf::from(r"C:\Python311\python.exe"),
                    Origin::PyLauncher
                ),
                (
                    PathBuf::from(r"C:\Python310\python.exe"),
                    Origin::PyLauncher
                ),
                (PathBuf::from(r"D:\Py39\python.exe"), Origin::Registry),
            ]
        );
        // No `py` launcher: the registry alone.
        assert_eq!(system_candidates(&registry, None).len(), 3);
    }

    #[test]
    fn pyenv_win_and_uv_installs_are_found_at_the_top_of_their_folders_checked_on_any_os() {
        let home = tempfile::tempdir().unwrap();
        let (pyenv_root, uv_pythons) = default_places(home.path());
        assert!(pyenv_root.ends_with(".pyenv/pyenv-win"));
        assert!(uv_pythons.ends_with("AppData/Roaming/uv/data/python"));
        // As Windows lays them out (with this OS's program suffix): no `bin` folder.
        let python = |dir: PathBuf| {
            std::fs::create_dir_all(&dir).unwrap();
            let path = crate::platform::executable(&dir, "python");
            std::fs::write(&path, "").unwrap();
            crate::platform::set_mode(&path, 0o755).unwrap();
            path
        };
        let pyenv = python(pyenv_root.join("versions").join("3.12.1"));
        let uv = python(uv_pythons.join("cpython-3.13.0-windows-x86_64-none"));
        let search = super::super::discovery::SearchPaths {
            pvm_pythons: None,
            pyenv_root: Some(pyenv_root),
            uv_pythons: Some(uv_pythons),
            path: None,
            pyenv_version: None,
            pyenv_dir: None,
            mac: None,
        };
        let found: Vec<(PathBuf, Origin)> = search
            .candidates()
            .into_iter()
            .filter(|candidate| {
                candidate.origin != Origin::PyLauncher && candidate.origin != Origin::Registry
            })
            .map(|candidate| (candidate.path, candidate.origin))
            .collect();
        assert_eq!(found, [(pyenv, Origin::Pyenv), (uv, Origin::Uv)]);
    }

    #[test]
    fn store_aliases_are_passed_over_checked_on_any_os() {
        let apps = Path::new("C:/Users/me/AppData/Local/Microsoft/WindowsApps");
        assert!(is_store_alias(&apps.join("python.exe"), 0));
        assert!(!is_store_alias(&apps.join("python.exe"), 100_000));
        assert!(!is_store_alias(Path::new("C:/Python312/python.exe"), 0));
    }

    #[cfg(windows)]
    #[test]
    fn the_system_registry_reads_a_key_windows_always_has() {
        let registry = SystemRegistry;
        let key = r"Software\Microsoft\Windows NT\CurrentVersion";
        assert!(
            registry
                .value(Hive::LocalMachine64, key, "CurrentVersion")
                .is_some()
        );
        assert!(
            !registry
                .subkeys(Hive::LocalMachine64, r"Software\Microsoft")
                .is_empty()
        );
        assert_eq!(
            registry.value(Hive::LocalMachine64, r"Software\No such key", ""),
            None
        );
    }
}
