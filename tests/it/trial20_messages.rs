//! Issue 20, items 7 and 12: each message names what really happened and the next step, and
//! the options users reach for (`pvm add -r`, `pvm export --all-extras`) exist.

use crate::support::*;

#[test]
fn python_install_of_a_version_the_machine_has_says_where_and_installs_nothing() {
    let sandbox = Sandbox::empty();
    let pyenv = pyenv_python("3.12");
    let out = sandbox
        .pvm()
        .env("PYENV_ROOT", pyenv.parent().unwrap().parent().unwrap())
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    let version = pyenv.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        err.contains(&format!("Python {version} installed already, at")),
        "{err}"
    );
    assert!(err.contains(&*pyenv.to_string_lossy()), "{err}");
    assert!(err.contains("nothing to install"), "{err}");
    assert!(!err.contains("lacks"), "{err}");
    let pythons: Vec<_> = std::fs::read_dir(sandbox.home.join("pythons"))
        .map(|dir| dir.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(pythons.is_empty(), "{pythons:?}");
}

#[test]
fn no_dev_with_group_dev_is_a_usage_error_of_the_subcommand() {
    let sandbox = Sandbox::project("3.12");
    for command in ["sync", "export"] {
        let out = sandbox
            .pvm()
            .args([command, "--no-dev", "--group", "dev"])
            .assert()
            .code(2);
        let err = stderr(out.get_output());
        assert!(
            err.contains("`--no-dev` leaves out the `dev` group"),
            "{err}"
        );
        assert!(
            err.contains(&format!("Usage: pvm {command} [OPTIONS]")),
            "{err}"
        );
    }
}

/// A locked project with `top` and the extras `fast` (`speedy`) and `cli` (`clicky`).
fn project_with_extras() -> Sandbox {
    let sandbox = Sandbox::empty();
    for name in ["top", "speedy", "clicky"] {
        sandbox.wheel(name, "1.0", &[]);
    }
    sandbox.deps_project(
        "3.12",
        "uv",
        &["top"],
        "[project.optional-dependencies]\nfast = [\"speedy\"]\ncli = [\"clicky\"]\n",
    );
    sandbox.pvm_with_uv().arg("sync").assert().success();
    sandbox
}

#[test]
fn export_takes_all_extras_and_names_the_extras_an_unknown_one_is_not() {
    let sandbox = project_with_extras();
    let out = sandbox
        .pvm()
        .args(["export", "--all-extras"])
        .assert()
        .success();
    let text = stdout(out.get_output());
    for pin in ["top==1.0", "speedy==1.0", "clicky==1.0"] {
        assert!(text.contains(pin), "{pin}: {text}");
    }
    let out = sandbox.pvm().args(["export"]).assert().success();
    assert!(!stdout(out.get_output()).contains("speedy"));

    let err = fails_with(
        sandbox.pvm().args(["export", "--extra", "nope"]),
        "error: no extra `nope` in [project.optional-dependencies]",
    );
    assert!(
        err.contains("hint: the project's extras: cli, fast"),
        "{err}"
    );

    // A project without extras says how to make one.
    let bare = Sandbox::project("3.12");
    bare.pvm().arg("lock").assert().success();
    fails_with(
        bare.pvm().args(["export", "--extra", "nope"]),
        "hint: the project has no extras yet: `pvm add --optional nope PACKAGE`",
    );
}

#[test]
fn init_lib_points_to_package() {
    let sandbox = Sandbox::empty();
    let out = sandbox.pvm().args(["init", "--lib"]).assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.contains("unexpected argument '--lib'"), "{err}");
    assert!(
        err.contains("tip: `pvm init --package` makes a library"),
        "{err}"
    );
    assert!(!err.contains("use '-- --lib'"), "{err}");
    assert!(err.contains("Usage: pvm init"), "{err}");
    assert!(!sandbox.project.join("pyproject.toml").exists());
}

/// The command between the last pair of backticks of `text`'s hint, as words after `pvm`.
fn hinted_command(text: &str) -> Vec<String> {
    let hint = text
        .lines()
        .find(|l| l.starts_with("hint:"))
        .expect("a hint");
    let command = hint.rsplit('`').nth(1).expect("a command in backticks");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {command}"))
        .output()
        .unwrap();
    let words: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(words[0], "pvm", "{hint}");
    words[1..].to_vec()
}

#[test]
fn drop_from_the_wrong_place_names_the_exact_command() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "uv",
        &["alpha"],
        "[dependency-groups]\nlint = [\"beta\"]\n",
    );
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();

    let err = fails_with(
        sandbox.pvm_with_uv().args(["drop", "--dev", "alpha"]),
        "error: `alpha` is not in dependency group `dev`",
    );
    assert!(
        err.contains("hint: it is in [project] dependencies: `pvm drop alpha`"),
        "{err}"
    );
    assert!(!err.contains("say so"), "{err}");
    let unchanged = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    assert_eq!(unchanged, manifest);
    sandbox
        .pvm_with_uv()
        .args(hinted_command(&err))
        .assert()
        .success();
    assert_eq!(sandbox.present_version("alpha"), "missing");

    let err = fails_with(
        sandbox.pvm_with_uv().args(["drop", "beta"]),
        "hint: it is in dependency group `lint`: `pvm drop --group lint beta`",
    );
    sandbox
        .pvm_with_uv()
        .args(hinted_command(&err))
        .assert()
        .success();
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    assert!(!manifest.contains("beta"), "{manifest}");
}

#[test]
fn dependencies_as_a_string_is_refused_with_the_array_to_write() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"demo\"\ndependencies = \"requests, rich>=13\"\n");
    let out = sandbox.pvm().args(["sync"]).assert().code(1);
    let err = stderr(out.get_output());
    let file = sandbox.project.join("pyproject.toml");
    assert!(
        err.contains(&format!(
            "error: {}:3:16: `dependencies` must be an array of PEP 508 requirements",
            file.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: write dependencies = [\"requests\", \"rich>=13\"]"),
        "{err}"
    );
    assert!(!err.contains("[tool.pvm]"), "{err}");
}

#[test]
fn a_project_table_without_name_is_an_error_but_no_project_table_is_fine() {
    let sandbox = Sandbox::in_folder("my app");
    sandbox.manifest(
        "# the app\n[project]\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pvm]\npython = \"3.12\"\n",
    );
    let out = sandbox.pvm().args(["run", "python", "-V"]).assert().code(1);
    let err = stderr(out.get_output());
    let file = sandbox.project.join("pyproject.toml");
    assert!(
        err.contains(&format!(
            "error: {}:2:1: [project] has no `name`, which PEP 621 requires",
            file.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: add `name = \"my-app\"` under [project]"),
        "{err}"
    );
    assert!(sandbox.envs().is_empty());

    sandbox.manifest("[tool.pvm]\npython = \"3.12\"\n");
    let out = sandbox
        .pvm()
        .args(["run", "python", "-V"])
        .assert()
        .success();
    assert!(stdout(out.get_output()).starts_with("Python 3.12"));
}

#[test]
fn a_script_run_names_its_own_lock_file() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.write(
        "report.py",
        &format!(
            "# /// script\n# requires-python = \">=3.12\"\n# dependencies = [\"alpha\"]\n#\n# [tool.pvm]\n# python = \"3.12\"\n# no-index = true\n# find-links = [{:?}]\n# ///\nimport alpha\nprint(alpha.__version__)\n",
            sandbox.wheels().display().to_string()
        ),
    );
    sandbox
        .pvm_with_uv()
        .args(["lock", "--script", "report.py"])
        .assert()
        .success();
    assert!(sandbox.project.join("report.py.lock").is_file());
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "report.py"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0");
    let err = stderr(out.get_output());
    assert!(err.contains("from report.py.lock"), "{err}");
    assert!(!err.contains("pylock.toml"), "{err}");
    assert!(!sandbox.project.join("pylock.toml").exists());
}

#[test]
fn sync_reinstall_says_what_it_reinstalled() {
    for (installer, locked) in [("uv", true), ("pip", false)] {
        sync_reinstall_reports(installer, locked);
    }
}

/// `pvm sync --reinstall` with `installer`, from a lock or (`lock = false`) the manifest.
fn sync_reinstall_reports(installer: &str, locked: bool) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &["beta"]);
    sandbox.wheel("beta", "2.0", &[]);
    if locked {
        sandbox.deps_project("3.12", installer, &["alpha"], "");
    } else {
        sandbox.unlocked_project("3.12", installer, &["alpha"], "");
    }
    sandbox.pvm_with_uv().arg("sync").assert().success();
    // A file of alpha's deleted by hand: the reinstall puts it back.
    let env = sandbox.only_env();
    let module = walkdir_find(&env, "alpha/__init__.py");
    std::fs::remove_file(&module).unwrap();

    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--reinstall"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("Synced 2 changes"), "{installer}: {err}");
    assert!(err.contains("~ alpha==1.0 (reinstalled)"), "{err}");
    assert!(err.contains("~ beta==2.0 (reinstalled)"), "{err}");
    assert!(
        !err.contains("pip==") && !err.contains("setuptools=="),
        "{err}"
    );
    assert!(module.is_file());
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
}

/// The file under `root` whose path ends with `tail`.
fn walkdir_find(root: &std::path::Path, tail: &str) -> std::path::PathBuf {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.ends_with(tail) {
                return path;
            }
            if entry.file_type().unwrap().is_dir() {
                pending.push(path);
            }
        }
    }
    panic!("no {tail} under {}", root.display())
}

#[test]
fn add_r_adds_every_requirement_of_a_file_and_the_files_it_includes() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "2.0", &[]);
    sandbox.wheel("beta", "3.0", &[]);
    sandbox.wheel("gamma", "1.5", &[]);
    sandbox.deps_project("3.12", "uv", &[], "");
    sandbox.write(
        "requirements.txt",
        "# what the app needs\nalpha  # the core\n\nbeta==2.0 \\\n    --hash=sha256:00ff\n-r more/base.txt\n-c constraints.txt\n-e .\n",
    );
    sandbox.write("more/base.txt", "gamma\n");
    let out = sandbox
        .pvm_with_uv()
        .args(["add", "-r", "requirements.txt"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains(
            "requirements.txt: `-c constraints.txt` is not a named requirement, not added"
        ),
        "{err}"
    );
    assert!(err.contains("`-e .` is not a named requirement"), "{err}");
    assert_eq!(err.matches("Synced").count(), 1, "{err}");
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    for written in ["\"alpha>=1.0\"", "\"beta==2.0\"", "\"gamma>=1.5\""] {
        assert!(manifest.contains(written), "{written}: {manifest}");
    }
    assert_eq!(sandbox.present_version("beta"), "2.0");
    assert_eq!(sandbox.present_version("gamma"), "1.5");

    // A line that is no requirement is an error at its line, and nothing changes.
    sandbox.write("bad.txt", "alpha\nnot a requirement!!\n");
    fails_with(
        sandbox.pvm_with_uv().args(["add", "-r", "bad.txt"]),
        "bad.txt:2:1: invalid requirement",
    );
    let after = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    assert_eq!(after, manifest);
}

/// A uv that logs each call's arguments, one line each, then runs the test's uv.
fn logging_uv(sandbox: &Sandbox) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let log = sandbox.root.join("uv-calls.log");
    let fake = sandbox.root.join("logging-uv");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            test_uv().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    (fake, log)
}

#[test]
fn each_add_resolves_once_and_leaves_the_env_current_for_the_next_run() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &["beta"]);
    sandbox.wheel("beta", "2.0", &[]);
    sandbox.wheel("gamma", "1.0", &[]);
    sandbox.wheel("devtool", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &[], "requires-python = \">=3.10\"\n");
    sandbox.write("requirements.txt", "gamma\n");
    let (uv, log) = logging_uv(&sandbox);
    let adds: [&[&str]; 6] = [
        &["add", "alpha"],
        &["add", "gamma", "devtool"],
        &["add", "--dev", "devtool"],
        &["add", "--group", "docs", "gamma"],
        &["add", "--optional", "fast", "beta"],
        &["add", "alpha>=1", "-r", "requirements.txt"],
    ];
    for add in adds {
        let _ = std::fs::remove_file(&log);
        let out = sandbox
            .pvm()
            .env("PVM_UV", &uv)
            .args(add)
            .assert()
            .success();
        let err = stderr(out.get_output());
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        let resolutions = calls
            .lines()
            // `uv pip compile`, or `uv lock` in the uv project kept for the env's lock.
            .filter(|l| l.starts_with("pip compile") || l.starts_with("lock "))
            .count();
        assert_eq!(
            resolutions, 1,
            "{add:?} resolved {resolutions} times:\n{calls}\n{err}"
        );
        assert_eq!(err.matches("Synced").count(), 1, "{add:?}: {err}");
        // The env is current: the next run syncs nothing and says nothing.
        let out = sandbox
            .pvm()
            .env("PVM_UV", &uv)
            .args(["run", "true"])
            .assert()
            .success();
        assert_eq!(stderr(out.get_output()), "", "after {add:?}");
        assert_eq!(sandbox.info_json()["status"], "ok", "after {add:?}");
    }
}
