//! What a sync does with the lock (issue 19): the first sync of a project with dependencies
//! writes pylock.toml and says so; `lock = false` and `--no-lock` write none; `--locked` names
//! what changed; a universal lock serves every Python; a pip lock is never rewritten because
//! the local Python differs; a script is not locked unasked.

use crate::support::{Sandbox, stderr, stdout};

/// A project with `alpha` in its dependencies and `beta` in its `test` group, from the
/// test's wheels, on `python`; `more` goes into `[tool.pvm]`.
fn project(python: &str, more: &str) -> Sandbox {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    sandbox.wheel("gamma", "1.0", &[]);
    manifest(&sandbox, python, "\"beta\"", more);
    sandbox
}

fn manifest(sandbox: &Sandbox, python: &str, test_group: &str, more: &str) {
    sandbox.manifest(&format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\ndependencies = [\"alpha\"]\n[dependency-groups]\ntest = [{test_group}]\n[tool.pvm]\npython = \"{python}\"\nno-index = true\nfind-links = [{:?}]\n{more}",
        sandbox.wheels().display().to_string(),
    ));
}

fn lock_bytes(sandbox: &Sandbox) -> Vec<u8> {
    std::fs::read(sandbox.project.join("pylock.toml")).expect("pylock.toml")
}

fn has_lock(sandbox: &Sandbox) -> bool {
    sandbox.project.join("pylock.toml").exists()
}

#[test]
fn the_first_sync_writes_the_lock_and_says_so() {
    for command in [&["sync"][..], &["run", "python", "-c", "import alpha"][..]] {
        let sandbox = project("3.12", "");
        let out = sandbox.pvm_with_uv().args(command).assert().success();
        let err = stderr(out.get_output());
        assert!(err.contains("wrote pylock.toml"), "{err}");
        let text = String::from_utf8(lock_bytes(&sandbox)).unwrap();
        assert!(text.contains("name = \"alpha\""), "{text}");
        assert!(
            text.contains("name = \"beta\""),
            "the test group is locked too: {text}"
        );
        assert!(
            !text.contains("environments"),
            "uv locks universally: {text}"
        );
        // The next run uses it, and is warm.
        let out = sandbox
            .pvm_with_uv()
            .args([
                "run",
                "python",
                "-c",
                "import alpha; print(alpha.__version__)",
            ])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "1.0");
        assert_eq!(stderr(out.get_output()), "", "the second run synced again");
    }
}

#[test]
fn lock_false_and_no_lock_write_none_until_allowed() {
    let sandbox = project("3.12", "lock = false\n");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(!stderr(out.get_output()).contains("pylock.toml"));
    assert!(!has_lock(&sandbox));
    assert_eq!(sandbox.present_version("alpha"), "1.0");

    // Without the setting, `--no-lock` still writes none, for `sync` and for `run`.
    manifest(&sandbox, "3.12", "\"beta\"", "");
    sandbox
        .pvm_with_uv()
        .args(["sync", "--no-lock"])
        .assert()
        .success();
    sandbox
        .pvm_with_uv()
        .args(["run", "--no-lock", "python", "-c", "import alpha"])
        .assert()
        .success();
    assert!(!has_lock(&sandbox));

    // A plain run then writes it, though nothing else changed: the env was synced without.
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "python", "-c", "import alpha"])
        .assert()
        .success();
    assert!(
        stderr(out.get_output()).contains("wrote pylock.toml"),
        "{}",
        stderr(out.get_output())
    );
    assert!(has_lock(&sandbox));
}

#[test]
fn locked_names_the_group_that_changed() {
    let sandbox = project("3.12", "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let before = lock_bytes(&sandbox);
    manifest(&sandbox, "3.12", "\"beta\", \"gamma\"", "");
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .failure();
    let err = stderr(out.get_output());
    assert!(
        err.contains("pylock.toml is stale: group test changed since it was written"),
        "{err}"
    );
    assert!(err.contains("hint: run `pvm lock`"), "{err}");
    assert_eq!(lock_bytes(&sandbox), before);
    // Without --locked, the sync re-locks it, keeping what it had.
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(stderr(out.get_output()).contains("re-locked pylock.toml"));
    assert!(
        String::from_utf8(lock_bytes(&sandbox))
            .unwrap()
            .contains("name = \"gamma\"")
    );
}

#[test]
fn a_universal_lock_serves_another_python_unchanged() {
    let sandbox = project("3.12", "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let before = lock_bytes(&sandbox);
    for args in [
        &["sync", "--locked", "--python", "3.11"][..],
        &["sync", "--python", "3.13"][..],
    ] {
        let out = sandbox.pvm_with_uv().args(args).assert().success();
        let err = stderr(out.get_output());
        assert!(err.contains("from pylock.toml"), "{err}");
        assert_eq!(lock_bytes(&sandbox), before, "{args:?} rewrote the lock");
    }
    let out = sandbox
        .pvm_with_uv()
        .args([
            "run",
            "--python",
            "3.13",
            "python",
            "-c",
            "import sys, alpha; print(sys.version_info[:2], alpha.__version__)",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "(3, 13) 1.0");
}

#[test]
fn a_pip_lock_is_not_for_another_python_and_is_left_as_it_is() {
    // No uv anywhere and `uv-downloads = "never"` (the sandbox's default): pip locks.
    let sandbox = project("3.12", "");
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("no uv"), "{err}");
    assert!(
        err.contains("wrote pylock.toml (for this environment only"),
        "{err}"
    );
    let before = lock_bytes(&sandbox);
    assert!(
        String::from_utf8(before.clone())
            .unwrap()
            .contains("environments")
    );

    for args in [
        &["sync", "--python", "3.11"][..],
        &["sync", "--locked", "--python", "3.11"][..],
    ] {
        let out = sandbox.pvm().args(args).assert().failure();
        let err = stderr(out.get_output());
        assert!(
            err.contains("pylock.toml does not cover this interpreter (Python 3.11"),
            "{args:?}: {err}"
        );
        assert!(err.contains("python_version == '3.12'"), "{err}");
        assert!(err.contains("--python 3.12"), "no hint: {err}");
        assert_eq!(lock_bytes(&sandbox), before, "{args:?} rewrote the lock");
    }
    // With uv at hand, the hint says `pvm lock` writes a universal one.
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--python", "3.11"])
        .assert()
        .failure();
    assert!(stderr(out.get_output()).contains("run `pvm lock`"));
    assert_eq!(lock_bytes(&sandbox), before);
    // On the Python it was made for, it is current.
    let out = sandbox
        .pvm()
        .args(["sync", "--locked", "--python", "3.12"])
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("from pylock.toml"));
}

#[test]
fn python_pin_leaves_the_lock_alone() {
    for uv in [true, false] {
        let sandbox = project("3.12", "");
        let pvm = || {
            if uv {
                sandbox.pvm_with_uv()
            } else {
                sandbox.pvm()
            }
        };
        pvm().arg("sync").assert().success();
        let before = lock_bytes(&sandbox);
        pvm().args(["python", "pin", "3.13"]).assert().success();
        assert_eq!(lock_bytes(&sandbox), before);
        // Nor does the next run on the pinned Python: a universal lock serves it, a pip
        // lock is refused.
        let ran = pvm()
            .args(["run", "python", "-c", "import alpha"])
            .assert()
            .get_output()
            .status
            .success();
        assert_eq!(ran, uv, "a run on 3.13 with the {uv} lock");
        assert_eq!(lock_bytes(&sandbox), before);
    }
}

#[test]
fn a_script_is_not_locked_by_running_it() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let wheels = sandbox.wheels().display().to_string();
    sandbox.write(
        "report.py",
        &format!(
            "# /// script\n# requires-python = \">=3.9\"\n# dependencies = [\"alpha\"]\n# [tool.pvm]\n# python = \"3.12\"\n# no-index = true\n# find-links = [{wheels:?}]\n# ///\nimport alpha\nprint(alpha.__version__)\n"
        ),
    );
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "report.py"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0");
    assert!(!stderr(out.get_output()).contains("wrote"));
    let files: Vec<String> = std::fs::read_dir(&sandbox.project)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["report.py"], "a lock was written");
}
