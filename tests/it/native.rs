//! A lock whose packages all have a wheel for this machine is installed by pvm itself: the
//! wheels the lock names, fetched by path or URL, checked, kept in the cache, linked in.

use std::path::Path;

use crate::loopback::{Server, serve};
use crate::support::*;

/// What installed `name` in the env, by its `INSTALLER` file.
fn installer_of(sandbox: &Sandbox, name: &str) -> String {
    sandbox.python(&format!(
        "import glob, os, sys; print(open(glob.glob(os.path.join(sys.prefix, 'lib', 'python*', 'site-packages', '{name}-*.dist-info', 'INSTALLER'))[0]).read().strip())"
    ))
}

/// A `pylock.toml` as another tool writes it: each wheel by URL with its sha256.
fn url_lock(server: &Server, wheels: &[(&str, &str, &Path, String)]) -> String {
    let mut text =
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n".to_string();
    for (name, version, file, sha256) in wheels {
        let file_name = file.file_name().unwrap().to_string_lossy();
        text.push_str(&format!(
            "\n[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\nwheels = [{{ url = \"{}/{file_name}\", hashes = {{ sha256 = \"{sha256}\" }} }}]\n",
            server.base
        ));
    }
    text
}

#[test]
fn a_lock_of_wheels_is_installed_by_pvm_with_its_scripts_and_uninstalls_cleanly() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        build_wheel(
            &sandbox.wheels(),
            "tool",
            "1.0",
            &["leaf>=1"],
            &[
                ("tool/cli.py", "def main():\n    print('tool says hi')\n"),
                (
                    "tool-1.0.dist-info/entry_points.txt",
                    "[console_scripts]\ntool-hi = tool.cli:main\n\n[gui_scripts]\ntool-gui = tool.cli:main [gui]\n",
                ),
                (
                    "tool-1.0.data/scripts/tool-raw",
                    "#!python\nprint('raw script')\n",
                ),
            ],
        );
        sandbox.wheel("leaf", "1.0", &[]);
        sandbox.deps_project("3.12", installer, &["tool"], "");
        sandbox.pvm_for(installer).arg("lock").assert().success();
        sandbox.pvm_for(installer).arg("sync").assert().success();

        // No installer process put them there: pvm did.
        assert_eq!(installer_of(&sandbox, "tool"), "pvm", "{installer}");
        assert_eq!(installer_of(&sandbox, "leaf"), "pvm", "{installer}");
        for (script, says) in [
            ("tool-hi", "tool says hi"),
            ("tool-gui", "tool says hi"),
            ("tool-raw", "raw script"),
        ] {
            let out = sandbox.pvm().args(["run", script]).assert().success();
            assert_eq!(stdout(out.get_output()), says, "{installer} {script}");
        }

        // Its RECORD is one pip can uninstall by; the next sync puts it back.
        sandbox
            .pvm()
            .args([
                "run",
                "python",
                "-m",
                "pip",
                "uninstall",
                "-y",
                "-q",
                "tool",
            ])
            .assert()
            .success();
        let env = sandbox.only_env();
        assert!(!env.join("bin/tool-hi").exists(), "{installer}");
        let gone = sandbox
            .python("import importlib.util; print(importlib.util.find_spec('tool') is None)");
        assert_eq!(gone, "True", "{installer}");
        sandbox.pvm_for(installer).arg("sync").assert().success();
        let out = sandbox.pvm().args(["run", "tool-hi"]).assert().success();
        assert_eq!(stdout(out.get_output()), "tool says hi");
    }
}

#[test]
fn a_version_change_replaces_the_old_install_natively() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        build_wheel(
            &sandbox.wheels(),
            "alpha",
            "1.0",
            &[],
            &[("alpha/old_only.py", "")],
        );
        sandbox.wheel("alpha", "2.0", &[]);
        sandbox.deps_project("3.12", installer, &["alpha==1.0"], "");
        sandbox.pvm_for(installer).arg("lock").assert().success();
        sandbox.pvm_for(installer).arg("sync").assert().success();
        assert_eq!(sandbox.imported_version("alpha"), "1.0");

        sandbox.deps_project("3.12", installer, &["alpha==2.0"], "");
        sandbox.pvm_for(installer).arg("sync").assert().success();
        assert_eq!(sandbox.imported_version("alpha"), "2.0");
        assert_eq!(installer_of(&sandbox, "alpha"), "pvm");
        // The old version's files went with it (the installer uninstalled it by pvm's RECORD),
        // and one dist-info is left.
        let left = sandbox.python(
            "import importlib.util, importlib.metadata as m; print(importlib.util.find_spec('alpha.old_only') is None, [d.version for d in m.distributions() if d.metadata['Name'] == 'alpha'])",
        );
        assert_eq!(left, "True ['2.0']", "{installer}");
    }
}

#[test]
fn wheels_named_by_url_are_downloaded_once_checked_and_kept() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    let beta = sandbox.wheel("beta", "2.0", &[]);
    let server = serve(sandbox.wheels());
    sandbox.deps_project("3.12", "pip", &["alpha", "beta"], "");
    sandbox.write(
        "pylock.toml",
        &url_lock(
            &server,
            &[
                ("alpha", "1.0", &alpha, sha256_hex(&alpha)),
                // A digest in capitals is the same digest.
                ("beta", "2.0", &beta, sha256_hex(&beta).to_uppercase()),
            ],
        ),
    );
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(
        stderr(out.get_output()).contains("from pylock.toml"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(server.requests(), 2);
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert_eq!(sandbox.imported_version("beta"), "2.0");

    // A fresh env takes them from the cache: no request.
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(server.requests(), 2);
    assert_eq!(sandbox.imported_version("beta"), "2.0");
}

#[test]
fn a_download_that_does_not_match_its_hash_is_refused_and_changes_nothing() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    let expected = sha256_hex(&alpha);
    let server = serve(sandbox.wheels());
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.write(
        "pylock.toml",
        &url_lock(&server, &[("alpha", "1.0", &alpha, expected.clone())]),
    );
    sandbox.pvm().arg("sync").assert().success();

    // The server now hands out other bytes under the same name, and the cache is gone.
    tamper_alpha(&sandbox.wheels());
    let actual = sha256_hex(&alpha);
    assert_ne!(expected, actual);
    let kept = sandbox.home.join("cache/artifacts");
    std::fs::remove_dir_all(&kept).unwrap();
    let err = fails_with(sandbox.pvm().args(["sync", "--reinstall"]), "hash mismatch");
    assert!(err.contains(&expected) && err.contains(&actual), "{err}");
    // The refusal changed nothing: the env is still in sync and runs without a re-sync.
    sandbox.assert_alpha_untampered();
    // Nothing unchecked was kept in the cache.
    assert_eq!(std::fs::read_dir(&kept).map_or(0, |dir| dir.count()), 0);
}

#[test]
fn a_package_without_a_wheel_for_this_machine_goes_to_the_installer() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    // Python 3.6 is resolved and installed by pip; pvm installs wheels itself from 3.8 on.
    sandbox.deps_project("3.6", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert_eq!(installer_of(&sandbox, "alpha"), "pip");
}

#[test]
fn a_download_pvm_cannot_make_is_left_to_the_installer() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    // The server knows no such file (as an index that wants credentials from netrc, which
    // only the installer reads); the installer finds it in the find-links folder.
    let server = serve(sandbox.root.join("nothing here"));
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.write(
        "pylock.toml",
        &url_lock(&server, &[("alpha", "1.0", &alpha, sha256_hex(&alpha))]),
    );
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(server.requests(), 1);
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert_eq!(installer_of(&sandbox, "alpha"), "pip");
}

#[test]
fn offline_without_the_wheels_at_hand_the_installer_takes_the_lock() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    let server = serve(sandbox.wheels());
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.write(
        "pylock.toml",
        &url_lock(&server, &[("alpha", "1.0", &alpha, sha256_hex(&alpha))]),
    );
    sandbox
        .pvm()
        .arg("sync")
        .env("PVM_OFFLINE", "1")
        .assert()
        .success();
    assert_eq!(server.requests(), 0);
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert_eq!(installer_of(&sandbox, "alpha"), "pip");
}

#[test]
fn without_pip_and_without_uv_pvm_still_installs_a_lock_of_wheels() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "2.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    let groups = "[dependency-groups]\nx = [\"beta\"]\n";
    sandbox.deps_project("3.12", "pip", &["alpha==1.0"], groups);
    sandbox.pvm().arg("lock").assert().success();
    // A fresh env without pip, and no uv: the lock's wheels need neither.
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    let edit = |from: &str, to: &str| {
        let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
        sandbox.manifest(&manifest.replace(from, to));
    };
    edit("[tool.pvm]\n", "[tool.pvm]\nseed-pip = false\n");
    sandbox
        .pvm()
        .args(["sync", "--group", "x"])
        .assert()
        .success();
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert_eq!(installer_of(&sandbox, "alpha"), "pvm");
    assert_eq!(installer_of(&sandbox, "beta"), "pvm");

    // Removing what the selection no longer wants takes an installer: refused before anything
    // changes, and said plainly.
    fails_with(
        sandbox.pvm().args(["sync", "--no-dev"]),
        "no pip to install with",
    );
    assert_eq!(sandbox.present_version("beta"), "1.0");

    // So does locking anew, with pip's resolver.
    edit("alpha==1.0", "alpha==2.0");
    fails_with(
        sandbox.pvm().args(["sync", "--group", "x"]),
        "no pip to install with",
    );
    assert_eq!(sandbox.present_version("alpha"), "1.0");
}
