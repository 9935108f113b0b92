//! Wheels pvm refuses, as uv does, before the env changes: a `.data` path onto the env's own
//! files, a `.dist-info` that is not the project and version its file name and the lock say, a
//! `Wheel-Version` other than 1.x, a script name pvm cannot write. And a store that cannot take
//! a wheel is said to be full, never handed to an installer. Each time the env keeps running
//! what it had, and `pvm list` says it is ok.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// A zip named `file_name` in `dir`, holding `entries` (path, text).
fn zip_wheel(dir: &Path, file_name: &str, entries: &[(String, String)]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(file_name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// A wheel's `.dist-info` for `name` `version` (METADATA and WHEEL, with `wheel_version`).
fn dist_info(name: &str, version: &str, wheel_version: &str) -> Vec<(String, String)> {
    let folder = format!("{name}-{version}.dist-info");
    vec![
        (
            format!("{folder}/METADATA"),
            format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
        ),
        (
            format!("{folder}/WHEEL"),
            format!(
                "Wheel-Version: {wheel_version}\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            ),
        ),
    ]
}

/// alpha 2.0 as a sound wheel would hold it, plus `more`.
fn alpha_2(more: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut entries = vec![(
        "alpha/__init__.py".to_string(),
        "__version__ = '2.0'\ndef main():\n    print('alpha 2.0')\n".to_string(),
    )];
    entries.extend(dist_info("alpha", "2.0", "1.0"));
    entries.extend(more.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    entries
}

/// A project whose env runs alpha 1.0, installed by pvm from its lock; and that lock's text.
fn synced_alpha() -> (Sandbox, String) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("alpha"), "1.0");
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    (sandbox, lock)
}

/// A lock (as another tool writes it) of alpha `version` from the local `wheel`.
fn lock_of(wheel: &Path, version: &str) -> String {
    format!(
        "lock-version = \"1.0\"\ncreated-by = \"test\"\nrequires-python = \">=3.8\"\n\n[[packages]]\nname = \"alpha\"\nversion = \"{version}\"\nwheels = [{{ path = \"{}\", hashes = {{ sha256 = \"{}\" }} }}]\n",
        wheel.display(),
        sha256_hex(wheel)
    )
}

/// Syncing a lock of `wheel` as alpha `version` fails, naming the wheel and `reason`; with the
/// old lock back, the env is as it was: alpha 1.0 runs at once, and `pvm list` says ok.
fn assert_refused(sandbox: &Sandbox, old_lock: &str, wheel: &Path, version: &str, reason: &str) {
    sandbox.write("pylock.toml", &lock_of(wheel, version));
    let out = sandbox.pvm().arg("sync").assert().code(1);
    let err = stderr(out.get_output());
    let name = wheel.file_name().unwrap().to_string_lossy();
    assert!(err.contains(&*name), "names the wheel: {err}");
    assert!(err.contains(reason), "says `{reason}`: {err}");
    assert!(err.contains("hint: "), "{err}");

    sandbox.write("pylock.toml", old_lock);
    sandbox.assert_alpha_untampered();
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list[0]["status"], "ok", "{list}");
    // Nothing the refused wheel holds reached the env.
    let env = sandbox.only_env();
    let cfg = std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap();
    assert!(cfg.starts_with("home = "), "{cfg}");
    let out = sandbox
        .pvm()
        .args(["run", "python", "-c", "import sys; print(sys.prefix)"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), env.display().to_string());
    for gone in ["evil", "requests"] {
        assert!(!env.join("bin").join(gone).exists(), "{gone}");
    }
    let found = sandbox
        .python("import importlib.util; print(importlib.util.find_spec('requests') is None)");
    assert_eq!(found, "True");
}

#[test]
fn a_data_path_onto_the_envs_interpreter_config_or_metadata_is_refused() {
    let (sandbox, lock) = synced_alpha();
    let cases = [
        ("bin/python", "alpha-2.0.data/data/bin/python"),
        ("bin/python3", "alpha-2.0.data/data/bin/python3"),
        ("pyvenv.cfg", "alpha-2.0.data/data/pyvenv.cfg"),
        ("pvm-env.json", "alpha-2.0.data/data/pvm-env.json"),
        ("activate", "alpha-2.0.data/data/bin/activate"),
        ("scripts-python", "alpha-2.0.data/scripts/python3.12"),
    ];
    for (case, path) in cases {
        let wheel = zip_wheel(
            &sandbox.project.join("bad").join(case),
            "alpha-2.0-py3-none-any.whl",
            &alpha_2(&[(path, "#!/bin/sh\necho hijacked\n")]),
        );
        let reason = if path.contains("/scripts/") {
            "a script named `python3.12`".to_string()
        } else {
            format!("`{}` would replace the env's", &path["alpha-2.0".len()..])
        };
        assert_refused(&sandbox, &lock, &wheel, "2.0", &reason);
    }
}

#[test]
fn a_dist_info_that_is_not_the_wheels_file_name_or_the_locks_entry_is_refused() {
    let (sandbox, lock) = synced_alpha();
    // A `alpha-2.0` wheel carrying requests.
    let mut requests = vec![(
        "requests/__init__.py".to_string(),
        "__version__ = '2.99'\n".to_string(),
    )];
    requests.extend(dist_info("requests", "2.99", "1.0"));
    let wheel = zip_wheel(
        &sandbox.project.join("bad/other-name"),
        "alpha-2.0-py3-none-any.whl",
        &requests,
    );
    assert_refused(
        &sandbox,
        &lock,
        &wheel,
        "2.0",
        "it holds requests 2.99, but its file name says alpha 2.0",
    );

    // Another version than its file name says.
    let mut other = vec![(
        "alpha/__init__.py".to_string(),
        "__version__ = '3.0'\n".to_string(),
    )];
    other.extend(dist_info("alpha", "3.0", "1.0"));
    let wheel = zip_wheel(
        &sandbox.project.join("bad/other-version"),
        "alpha-2.0-py3-none-any.whl",
        &other,
    );
    assert_refused(
        &sandbox,
        &lock,
        &wheel,
        "2.0",
        "its file name says alpha 2.0",
    );

    // A sound alpha 2.1, but the lock says 2.0.
    let mut sound = vec![(
        "alpha/__init__.py".to_string(),
        "__version__ = '2.1'\n".to_string(),
    )];
    sound.extend(dist_info("alpha", "2.1", "1.0"));
    let wheel = zip_wheel(
        &sandbox.project.join("bad/lock-version"),
        "alpha-2.1-py3-none-any.whl",
        &sound,
    );
    assert_refused(&sandbox, &lock, &wheel, "2.0", "the lock says alpha 2.0");

    // A METADATA that names another project than its `.dist-info`.
    let mut entries = alpha_2(&[]);
    entries[1].1 = "Metadata-Version: 2.1\nName: requests\nVersion: 2.0\n".to_string();
    let wheel = zip_wheel(
        &sandbox.project.join("bad/metadata"),
        "alpha-2.0-py3-none-any.whl",
        &entries,
    );
    assert_refused(
        &sandbox,
        &lock,
        &wheel,
        "2.0",
        "its .dist-info says alpha 2.0",
    );
}

#[test]
fn a_wheel_version_other_than_1_is_refused() {
    let (sandbox, lock) = synced_alpha();
    let mut entries = vec![(
        "alpha/__init__.py".to_string(),
        "__version__ = '2.0'\n".to_string(),
    )];
    entries.extend(dist_info("alpha", "2.0", "2.0"));
    let wheel = zip_wheel(
        &sandbox.project.join("bad/format"),
        "alpha-2.0-py3-none-any.whl",
        &entries,
    );
    assert_refused(&sandbox, &lock, &wheel, "2.0", "Wheel-Version 2.0");
}

#[test]
fn a_bad_script_name_is_refused_before_the_old_version_is_uninstalled() {
    let (sandbox, lock) = synced_alpha();
    for (case, line, reason) in [
        ("up", "../evil = alpha:main", "a script named `../evil`"),
        ("python", "python = alpha:main", "a script named `python`"),
        (
            "target",
            "evil = os; import shutil:main",
            "the script `evil` points at",
        ),
    ] {
        let entry_points = format!("[console_scripts]\n{line}\n");
        let wheel = zip_wheel(
            &sandbox.project.join("bad").join(case),
            "alpha-2.0-py3-none-any.whl",
            &alpha_2(&[("alpha-2.0.dist-info/entry_points.txt", &entry_points)]),
        );
        assert_refused(&sandbox, &lock, &wheel, "2.0", reason);
    }
}

/// Unmounts its folder when the test ends, however it ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_store_during_an_unpack_is_an_error_that_says_so_not_a_fallback() {
    if !runs_as_root("mount -t tmpfs") {
        return;
    }
    let (sandbox, lock) = synced_alpha();
    // The wheel cache gets a file system of its own with no room for alpha 2.0.
    let wheels = sandbox.home.join("cache/wheels");
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&wheels)
        .status()
        .unwrap()
        .success();
    assert!(ok, "this test needs to mount a small tmpfs (root)");
    let _guard = Mounted(wheels.clone());
    // Incompressible, so that the wheel is small enough to read but too big to unpack.
    let mut noise = String::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    while noise.len() < 400_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        noise.push_str(&format!("{state:016x}"));
    }
    let wheel = zip_wheel(
        &sandbox.project.join("big"),
        "alpha-2.0-py3-none-any.whl",
        &alpha_2(&[("alpha/noise.txt", &noise)]),
    );
    sandbox.write("pylock.toml", &lock_of(&wheel, "2.0"));
    let err = fails_with(
        sandbox.pvm().arg("sync"),
        "cannot unpack alpha-2.0-py3-none-any.whl into the store's wheel cache",
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains(&wheels.display().to_string()),
        "says where: {err}"
    );
    assert!(
        err.contains("hint: check that PVM_HOME is writable and has free space"),
        "{err}"
    );
    // No installer was asked to make up for it.
    assert!(!err.contains("Could not find a version"), "{err}");
    assert_eq!(sandbox.present_version("alpha"), "1.0");
    // Nothing half unpacked is left in the cache.
    let left: Vec<_> = std::fs::read_dir(&wheels).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");

    sandbox.write("pylock.toml", &lock);
    sandbox.assert_alpha_untampered();
}

#[test]
fn only_a_wheel_pvm_cannot_read_goes_to_the_installer() {
    let (sandbox, _) = synced_alpha();
    // Sound, but compressed with bzip2, which pvm's zip reader lacks and pip reads.
    let folder = sandbox.project.join("bzip2");
    std::fs::create_dir_all(&folder).unwrap();
    let wheel = folder.join("alpha-2.0-py3-none-any.whl");
    let script = "import sys, zipfile\n\
        with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_BZIP2) as z:\n\
        \x20   z.writestr('alpha/__init__.py', \"__version__ = '2.0'\\n\")\n\
        \x20   z.writestr('alpha-2.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: alpha\\nVersion: 2.0\\n')\n\
        \x20   z.writestr('alpha-2.0.dist-info/WHEEL', 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')\n\
        \x20   z.writestr('alpha-2.0.dist-info/RECORD', '')\n";
    let ok = Command::new(pyenv_python("3.12").join("bin/python3"))
        .args(["-c", script])
        .arg(&wheel)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    sandbox.write("pylock.toml", &lock_of(&wheel, "2.0"));
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.imported_version("alpha"), "2.0");
    let installer = sandbox.python(
        "import importlib.metadata as m; print(m.distribution('alpha').read_text('INSTALLER').strip())",
    );
    assert_eq!(installer, "pip");
}
