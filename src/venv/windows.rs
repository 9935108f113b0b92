//! An env's Python on Windows, as CPython's `venv` makes it there (`setup_python` in
//! `Lib/venv/__init__.py`, `os.name == 'nt'`): no links, but copies.
//!
//! From 3.7.2 a CPython install ships `venvlauncher.exe` and `venvwlauncher.exe` in
//! `Lib\venv\scripts\nt\`: small programs that read `home` from the `pyvenv.cfg` one folder up
//! and start the real `python.exe` there with the env's `sys.prefix`. They are copied as
//! `Scripts\python.exe` and `Scripts\pythonw.exe`. An older install (or another
//! implementation) has none: its `python.exe`, `pythonw.exe` and the DLLs beside them are
//! copied instead, as CPython did before 3.7.2.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::python::Facts;

/// Copies the env's `python.exe` and `pythonw.exe` (and the `_d` or free-threaded `3.Yt`
/// names of a debug or free-threaded build) into `bin`.
pub(super) fn place_python(bin: &Path, facts: &Facts) -> io::Result<()> {
    let home = facts.base_executable.parent().unwrap_or(Path::new("."));
    let stem = facts
        .base_executable
        .file_stem()
        .map(|stem| stem.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let debug = if stem.ends_with("_d") { "_d" } else { "" };
    let threaded = facts.abiflags.contains('t');
    let names = |base: &str| {
        let mut names = vec![format!("{base}.exe"), format!("{base}{debug}.exe")];
        if threaded {
            let t = format!("3.{}t", facts.version_info.1);
            names.extend([format!("{base}{t}.exe"), format!("{base}{t}{debug}.exe")]);
        }
        names.dedup();
        names
    };
    let launchers = launcher_folder(facts);
    let t = if threaded { "t" } else { "" };
    let launcher =
        Some(launchers.join(format!("venvlauncher{t}{debug}.exe"))).filter(|path| path.is_file());
    let (console, gui) = match launcher {
        Some(console) => {
            let gui = console.with_file_name(format!("venvwlauncher{t}{debug}.exe"));
            (console, gui)
        }
        None => {
            copy_dlls(home, bin)?;
            let exe_t = if threaded {
                format!("3.{}t", facts.version_info.1)
            } else {
                String::new()
            };
            let console = facts.base_executable.clone();
            let gui = home.join(format!("pythonw{exe_t}{debug}.exe"));
            (console, gui)
        }
    };
    for name in names("python") {
        fs::copy(&console, bin.join(name))?;
    }
    if gui.is_file() {
        for name in names("pythonw") {
            fs::copy(&gui, bin.join(name))?;
        }
    }
    Ok(())
}

/// `Lib\venv\scripts\nt` of the base install, where its venv launchers are.
fn launcher_folder(facts: &Facts) -> PathBuf {
    let lib = match &facts.stdlib {
        Some(lib) => lib.clone(),
        None => facts.base_prefix.join("Lib"),
    };
    lib.join("venv").join("scripts").join("nt")
}

/// The interpreter's DLLs (`python3.dll`, `python312.dll`, `vcruntime140.dll`, PyPy's
/// `libpypy3.10-c.dll`), which a copied `python.exe` loads from its own folder.
fn copy_dlls(home: &Path, bin: &Path) -> io::Result<()> {
    for entry in fs::read_dir(home)?.flatten() {
        let name = entry.file_name().to_string_lossy().to_lowercase();
        if name.ends_with(".dll")
            && ["python", "vcruntime", "libpypy"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        {
            fs::copy(entry.path(), bin.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// CPython's `activate.bat` and `deactivate.bat` (`Lib\venv\scripts\nt`), with its
/// placeholders filled as `EnvBuilder.replace_variables` fills them.
pub(super) fn batch_scripts(
    root: &Path,
    bin_name: &str,
    prompt: &str,
) -> [(&'static str, String); 2] {
    let activate = include_str!("activate.bat")
        .replace("__VENV_DIR__", &root.display().to_string())
        .replace("__VENV_PROMPT__", prompt)
        .replace("__VENV_BIN_NAME__", bin_name);
    [
        ("activate.bat", activate),
        ("deactivate.bat", include_str!("deactivate.bat").to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Os;

    /// A CPython install folder as python.org's installer lays it out, with `launchers` or
    /// not (before 3.7.2), and the facts pvm would learn from it.
    fn fake_base(root: &Path, version: &str, launchers: bool) -> Facts {
        let home = root.join("Python");
        let nt = home.join("Lib").join("venv").join("scripts").join("nt");
        fs::create_dir_all(&nt).unwrap();
        for name in ["python.exe", "pythonw.exe", "python3.dll", "python312.dll"] {
            fs::write(home.join(name), format!("base {name}")).unwrap();
        }
        fs::write(home.join("vcruntime140.dll"), "vc").unwrap();
        fs::write(home.join("sqlite3.dll"), "not the interpreter's").unwrap();
        if launchers {
            fs::write(nt.join("venvlauncher.exe"), "console launcher").unwrap();
            fs::write(nt.join("venvwlauncher.exe"), "gui launcher").unwrap();
        }
        let site = Os::Windows.site_packages("python", "3.12");
        let [major, minor, micro]: [u64; 3] = crate::python::facts::version_numbers(version)
            .try_into()
            .unwrap();
        serde_json::from_value(serde_json::json!({
            "executable": home.join("python.exe"), "base_executable": home.join("python.exe"),
            "prefix": home, "base_prefix": home, "version": version,
            "version_info": [major, minor, micro, "final", 0], "implementation": "cpython",
            "pointer_size": 64, "platform": "win32", "abiflags": "",
            "scheme": {"purelib": site, "platlib": site, "scripts": "Scripts",
                       "include": "Include", "data": ""},
            "stdlib": home.join("Lib"),
            "markers": {"platform_machine": "AMD64"},
        }))
        .unwrap()
    }

    fn read(path: PathBuf) -> String {
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    #[test]
    fn a_windows_env_copies_the_venv_launchers_checked_on_any_os() {
        let tmp = tempfile::tempdir().unwrap();
        let facts = fake_base(tmp.path(), "3.12.1", true);
        let root = tmp.path().join("env");
        let layout = crate::venv::create_for(Os::Windows, &root, &facts, "my proj").unwrap();
        let scripts = root.join("Scripts");
        assert_eq!(layout.bin, scripts);
        assert!(root.join("Lib").join("site-packages").is_dir());
        assert_eq!(read(scripts.join("python.exe")), "console launcher");
        assert_eq!(read(scripts.join("pythonw.exe")), "gui launcher");
        // The launcher finds the interpreter through pyvenv.cfg: no DLL, no Unix names.
        for name in ["python312.dll", "python3", "python3.12", "python"] {
            assert!(!scripts.join(name).exists(), "{name}");
        }
        let cfg = read(root.join("pyvenv.cfg"));
        let home = tmp.path().join("Python");
        assert!(
            cfg.starts_with(&format!("home = {}\n", home.display())),
            "{cfg}"
        );
        assert!(cfg.contains("include-system-site-packages = false\nexecutable = "));
        assert!(cfg.contains("\nversion = 3.12.1\n"), "{cfg}");

        let activate = read(scripts.join("activate.bat"));
        assert!(activate.contains(&format!("set \"VIRTUAL_ENV={}\"\r\n", root.display())));
        assert!(activate.contains("set \"PROMPT=(my proj) %PROMPT%\"\r\n"));
        assert!(activate.contains("set \"PATH=%VIRTUAL_ENV%\\Scripts;%PATH%\"\r\n"));
        assert!(!activate.contains("__VENV"), "{activate}");
        assert!(read(scripts.join("deactivate.bat")).contains("@set VIRTUAL_ENV=\r\n"));
        let ps1 = read(scripts.join("Activate.ps1"));
        assert!(ps1.contains(&format!("$env:VIRTUAL_ENV = '{}'", root.display())));
    }

    #[test]
    fn a_windows_python_before_3_7_2_is_copied_with_its_dlls_checked_on_any_os() {
        let tmp = tempfile::tempdir().unwrap();
        let facts = fake_base(tmp.path(), "3.7.1", false);
        let root = tmp.path().join("env");
        crate::venv::create_for(Os::Windows, &root, &facts, "old").unwrap();
        let scripts = root.join("Scripts");
        assert_eq!(read(scripts.join("python.exe")), "base python.exe");
        assert_eq!(read(scripts.join("pythonw.exe")), "base pythonw.exe");
        for dll in ["python3.dll", "python312.dll", "vcruntime140.dll"] {
            assert!(scripts.join(dll).is_file(), "{dll}");
        }
        assert!(!scripts.join("sqlite3.dll").exists());
    }
}
