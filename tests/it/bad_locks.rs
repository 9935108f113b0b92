//! Locks pvm must refuse, or read right: two entries for one package, markers it cannot
//! read, digests in capitals; and what else a user hands pvm: `--with` files rebuilt in place,
//! scripts in folders pvm cannot write, manifests that are not UTF-8, scripts with a BOM.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A lock another tool wrote (no `[tool.pvm]`: honoured as it is), of local wheels:
/// name, version, marker, wheel file and its sha256 as written.
fn local_lock(entries: &[(&str, &str, Option<&str>, &Path, String)]) -> String {
    let mut text =
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n".to_string();
    for (name, version, marker, file, sha256) in entries {
        text.push_str(&format!(
            "\n[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\n"
        ));
        if let Some(marker) = marker {
            text.push_str(&format!("marker = {marker:?}\n"));
        }
        text.push_str(&format!(
            "wheels = [{{ path = {:?}, hashes = {{ sha256 = \"{sha256}\" }} }}]\n",
            file.display().to_string()
        ));
    }
    text
}

/// Every `.dist-info` of `name` in any env of the store.
fn dist_infos(sandbox: &Sandbox, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for env in sandbox.envs() {
        let lib = sandbox.envs_dir().join(env).join("lib");
        for python in std::fs::read_dir(&lib).into_iter().flatten().flatten() {
            let site = python.path().join("site-packages");
            for entry in std::fs::read_dir(&site).into_iter().flatten().flatten() {
                let file = entry.file_name().to_string_lossy().into_owned();
                if file.starts_with(&format!("{name}-")) && file.ends_with(".dist-info") {
                    found.push(entry.path());
                }
            }
        }
    }
    found
}

#[test]
fn two_entries_of_one_package_that_both_apply_are_refused() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        let one = sandbox.wheel("alpha", "1.0", &[]);
        let two = sandbox.wheel("alpha", "2.0", &[]);
        sandbox.deps_project("3.12", installer, &["alpha"], "");
        sandbox.write(
            "pylock.toml",
            &local_lock(&[
                ("alpha", "1.0", None, &one, sha256_hex(&one)),
                ("alpha", "2.0", None, &two, sha256_hex(&two)),
            ]),
        );
        let out = sandbox.pvm_for(installer).arg("sync").assert().code(1);
        let err = stderr(out.get_output());
        let lock = sandbox.project.join("pylock.toml");
        assert!(
            err.contains(&format!(
                "{}: two entries for `alpha` apply to this environment: alpha==1.0 ([[packages]] #1, no marker) and alpha==2.0 ([[packages]] #2, no marker)",
                lock.display()
            )),
            "{installer}: {err}"
        );
        assert!(err.contains("hint: one package may have several entries only under markers that exclude each other"), "{err}");
        assert_eq!(dist_infos(&sandbox, "alpha"), Vec::<PathBuf>::new());
        // `pvm export` reads the lock the same way.
        fails_with(
            sandbox
                .pvm()
                .args(["export", "--format", "requirements.txt"]),
            "two entries for `alpha`",
        );

        // Markers that exclude each other are one entry per environment: installed.
        sandbox.write(
            "pylock.toml",
            &local_lock(&[
                (
                    "alpha",
                    "1.0",
                    Some("sys_platform == 'win32'"),
                    &one,
                    sha256_hex(&one),
                ),
                (
                    "Alpha",
                    "2.0",
                    Some("sys_platform != 'win32'"),
                    &two,
                    sha256_hex(&two),
                ),
            ]),
        );
        sandbox.pvm_for(installer).arg("sync").assert().success();
        assert_eq!(sandbox.imported_version("alpha"), "2.0", "{installer}");
        assert_eq!(dist_infos(&sandbox, "alpha").len(), 1, "{installer}");
    }
}

#[test]
fn a_marker_pvm_cannot_read_refuses_the_lock_and_names_it() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    let windows = sandbox.wheel("winonly", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "pip",
        &["alpha", "winonly ; sys_platform == 'win32'"],
        "",
    );
    for marker in [
        // A misspelt name: read as true it installed a Windows-only package here.
        "sys_platfrom == 'win32'",
        // Behind a term that decides alone on Linux: still read, still refused.
        "sys_platform == 'win32' and platform_system ~ 'Windows'",
    ] {
        sandbox.write(
            "pylock.toml",
            &local_lock(&[
                ("alpha", "1.0", None, &alpha, sha256_hex(&alpha)),
                (
                    "winonly",
                    "1.0",
                    Some(marker),
                    &windows,
                    sha256_hex(&windows),
                ),
            ]),
        );
        let err = fails_with(
            sandbox.pvm().arg("sync"),
            &format!(
                "{}: the marker of winonly==1.0 cannot be read: `{marker}`",
                sandbox.project.join("pylock.toml").display()
            ),
        );
        assert!(
            err.contains("hint: pvm installs nothing whose marker it cannot judge"),
            "{err}"
        );
        assert_eq!(dist_infos(&sandbox, "winonly"), Vec::<PathBuf>::new());
        assert_eq!(dist_infos(&sandbox, "alpha"), Vec::<PathBuf>::new());
    }
}

#[test]
fn a_digest_in_capitals_is_the_digest_of_the_local_file() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        let alpha = sandbox.wheel("alpha", "1.0", &[]);
        sandbox.deps_project("3.12", installer, &["alpha"], "");
        sandbox.write(
            "pylock.toml",
            &local_lock(&[(
                "alpha",
                "1.0",
                None,
                &alpha,
                sha256_hex(&alpha).to_uppercase(),
            )]),
        );
        let out = sandbox.pvm_for(installer).arg("sync").assert().success();
        assert!(
            stderr(out.get_output()).contains("from pylock.toml"),
            "{}",
            stderr(out.get_output())
        );
        assert_eq!(sandbox.imported_version("alpha"), "1.0", "{installer}");
        // Other bytes are still refused, whatever the case of the digest.
        tamper_alpha(&sandbox.wheels());
        fails_with(
            sandbox.pvm_for(installer).args(["sync", "--reinstall"]),
            "hash mismatch for alpha==1.0",
        );
    }
}

#[test]
fn with_a_wheel_rebuilt_at_the_same_path_runs_the_new_one() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        let dist = sandbox.wheels();
        // Same name, same version, same size: only the bytes inside differ.
        let build = |value: &str| {
            build_wheel(
                &dist,
                "tool",
                "1.0",
                &[],
                &[("tool/value.py", &format!("VALUE = {value:?}\n"))],
            )
        };
        let wheel = build("one");
        sandbox.deps_project("3.12", installer, &[], "");
        let with = format!("tool @ {}", pvm::fsutil::path_to_file_url(&wheel));
        let run = || {
            let out = sandbox
                .pvm_for(installer)
                .args(["run", "--with", &with, "python", "-c"])
                .arg("from tool.value import VALUE; print(VALUE)")
                .assert()
                .success();
            stdout(out.get_output())
        };
        assert_eq!(run(), "one", "{installer}");
        assert_eq!(run(), "one", "{installer}");
        let overlays = sandbox.home.join("overlays");
        assert_eq!(std::fs::read_dir(&overlays).unwrap().count(), 1);
        build("two");
        assert_eq!(run(), "two", "{installer}");
        // Rebuilt back: the overlay follows the file, not the path.
        build("one");
        assert_eq!(run(), "one", "{installer}");
    }
}

/// A script block installing only from the sandbox's wheels.
fn script_block(sandbox: &Sandbox, dependencies: &str) -> String {
    format!(
        "# /// script\n# requires-python = \">=3.12,<3.13\"\n# dependencies = [{dependencies}]\n#\n# [tool.pvm]\n# no-index = true\n# find-links = [{:?}]\n# ///\n",
        sandbox.wheels().display().to_string()
    )
}

/// `chattr +i` on a folder for as long as it lives; taken off again even when the test fails.
struct Immutable(PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Immutable {
        let status = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .expect("chattr runs");
        assert!(status.success(), "chattr +i {}", dir.display());
        Immutable(dir.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn add_to_a_script_in_an_immutable_folder_says_which_file_and_what_to_do() {
    if !runs_as_root("chattr +i") {
        return;
    }
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let text = script_block(&sandbox, "") + "print(1)\n";
    sandbox.write("scripts/s.py", &text);
    let folder = sandbox.project.join("scripts");
    let out = {
        let _frozen = Immutable::set(&folder);
        sandbox
            .pvm()
            .args(["add", "--script", "scripts/s.py", "alpha"])
            .assert()
            .code(1)
            .get_output()
            .clone()
    };
    let err = stderr(&out);
    let script = folder.join("s.py");
    assert!(
        err.contains(&format!(
            "error: cannot write {}: Operation not permitted (os error 1)\n",
            script.display()
        )),
        "{err}"
    );
    assert!(!err.contains(".tmp-"), "{err}");
    assert!(
        err.contains(&format!(
            "hint: pvm writes a new copy beside the file and renames it over the old one, so {} must be writable",
            folder.display()
        )),
        "{err}"
    );
    assert!(err.contains("lsattr -d"), "{err}");
    // The file was never written: nothing changed, said without an empty part.
    assert!(err.contains("warning: nothing changed\n"), "{err}");
    assert!(!err.contains(":  "), "{err}");
    assert_eq!(std::fs::read_to_string(&script).unwrap(), text);
}

#[test]
fn a_manifest_that_is_not_utf8_is_refused_at_its_first_bad_byte() {
    let sandbox = Sandbox::empty();
    std::fs::write(
        sandbox.project.join("pyproject.toml"),
        b"[project]\nname = \"caf\xe9\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let err = fails_with(
        sandbox.pvm().arg("sync"),
        &format!(
            "error: {}:2:12: not UTF-8: byte 0xE9 at offset 21",
            sandbox.project.join("pyproject.toml").display()
        ),
    );
    assert!(
        err.contains("hint: pyproject.toml must be UTF-8 (TOML and PEP 723 require it)"),
        "{err}"
    );
    assert!(sandbox.envs().is_empty());
}

#[test]
fn a_script_with_a_byte_order_mark_keeps_its_block_and_its_mark() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let body = "import alpha\nprint(alpha.__version__)\n";
    sandbox.write(
        "s.py",
        &format!("\u{FEFF}{}{body}", script_block(&sandbox, "")),
    );
    sandbox
        .pvm()
        .args(["add", "--script", "s.py", "alpha"])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.project.join("s.py")).unwrap();
    assert!(text.starts_with("\u{FEFF}# /// script\n"), "{text:?}");
    assert_eq!(text.matches("# /// script").count(), 1, "{text}");
    assert!(text.contains("# dependencies = [\"alpha>=1.0\"]"), "{text}");
    assert!(text.ends_with(body), "{text}");
    let out = sandbox.pvm().args(["run", "s.py"]).assert().success();
    assert_eq!(stdout(out.get_output()), "1.0");
}
