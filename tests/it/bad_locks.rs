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
        let out = sandbox
            .pvm()
            .args(["export", "--format", "requirements.txt"])
            .assert()
            .code(1);
        let err = stderr(out.get_output());
        assert!(err.contains("two entries for `alpha`"), "{err}");

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
        let out = sandbox.pvm().arg("sync").assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains(&format!(
                "{}: the marker of winonly==1.0 cannot be read: `{marker}`",
                sandbox.project.join("pylock.toml").display()
            )),
            "{err}"
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
        let out = sandbox
            .pvm_for(installer)
            .args(["sync", "--reinstall"])
            .assert()
            .code(1);
        let err = stderr(out.get_output());
        assert!(err.contains("hash mismatch for alpha==1.0"), "{err}");
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
