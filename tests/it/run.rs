use std::path::Path;

use crate::support::*;

#[test]
fn run_uses_an_env_in_the_store_on_the_requested_interpreter() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox.python("import sys, site; print(sys.prefix); print(sys.base_prefix); print(site.getsitepackages()[0])");
    let lines: Vec<&str> = out.lines().collect();
    let env = sandbox.only_env();
    assert_eq!(Path::new(lines[0]), env);
    assert_eq!(Path::new(lines[1]), pyenv_python("3.12"));
    assert!(
        Path::new(lines[2]).starts_with(&env),
        "site-packages {} is the env's",
        lines[2]
    );
    assert!(!sandbox.project.join(".venv").exists());
}

#[test]
fn run_sets_the_environment_and_passes_exit_codes_through() {
    let sandbox = Sandbox::project("3.12");
    sandbox
        .pvm()
        .args(["run", "python", "-c", "raise SystemExit(7)"])
        .assert()
        .code(7);
    let out = sandbox
        .pvm()
        .env("PYTHONHOME", "/nonexistent")
        .args([
            "run",
            "sh",
            "-c",
            "echo $VIRTUAL_ENV; echo ${PYTHONHOME:-unset}; command -v python",
        ])
        .assert()
        .success();
    let text = stdout(out.get_output());
    let lines: Vec<&str> = text.lines().collect();
    let env = sandbox.only_env();
    assert_eq!(Path::new(lines[0]), env);
    assert_eq!(lines[1], "unset");
    assert_eq!(Path::new(lines[2]), env.join("bin/python"));
}

#[test]
fn run_reuses_the_env_without_rebuilding() {
    let sandbox = Sandbox::project("3.12");
    sandbox.python("pass");
    let env = sandbox.only_env();
    let created = metadata(&env)["created"].clone();
    std::fs::write(env.join("marker"), "x").unwrap();
    let out = sandbox.pvm().args(["run", "true"]).assert().success();
    assert!(
        stderr(out.get_output()).is_empty(),
        "a warm run says nothing"
    );
    assert!(env.join("marker").exists());
    assert_eq!(metadata(&env)["created"], created);
}

#[test]
fn subfolder_and_symlink_reach_the_same_env() {
    let sandbox = Sandbox::project("3.12");
    let prefix = sandbox.python("import sys; print(sys.prefix)");
    let sub = sandbox.project.join("src/pkg");
    std::fs::create_dir_all(&sub).unwrap();
    let link = sandbox.root.join("link");
    std::os::unix::fs::symlink(&sandbox.project, &link).unwrap();
    for dir in [sub, link.clone(), link.join("src")] {
        let out = sandbox
            .pvm_in(&dir)
            .args(["run", "python", "-c", "import sys; print(sys.prefix)"])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), prefix, "from {}", dir.display());
    }
    let out = sandbox
        .pvm_in(&sandbox.root)
        .args([
            "--project",
            "link",
            "run",
            "python",
            "-c",
            "import sys; print(sys.prefix)",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), prefix);
    assert_eq!(sandbox.envs().len(), 1);
}

#[test]
fn python_version_file_switches_the_interpreter_and_rebuilds() {
    let sandbox = Sandbox::project("3.12");
    assert_eq!(
        sandbox
            .python("import platform; print(platform.python_version())")
            .rsplit_once('.')
            .unwrap()
            .0,
        "3.12"
    );
    sandbox.write(".python-version", "3.10\n");
    let out = sandbox
        .pvm()
        .args([
            "run",
            "python",
            "-c",
            "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.base_prefix)",
        ])
        .assert()
        .success();
    let text = stdout(out.get_output());
    assert!(text.starts_with("3.10\n"), "{text}");
    assert!(
        text.ends_with(&*pyenv_python("3.10").to_string_lossy()),
        "{text}"
    );
    assert!(
        stderr(out.get_output()).contains("Rebuilding"),
        "{}",
        stderr(out.get_output())
    );
    let env = sandbox.only_env();
    assert!(env.join("bin/python3.10").exists());
    assert!(
        !env.join("bin/python3.12").exists(),
        "the old env is gone, not patched"
    );
    // --python beats .python-version, PVM_PYTHON too.
    let out = sandbox
        .pvm()
        .args([
            "run",
            "--python",
            "3.9",
            "python",
            "-c",
            "import sys; print(sys.version_info[1])",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "9");
    let out = sandbox
        .pvm()
        .env("PVM_PYTHON", "3.11")
        .args([
            "run",
            "python",
            "-c",
            "import sys; print(sys.version_info[1])",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "11");
}

#[test]
fn the_oldest_and_newest_interpreters_make_working_envs() {
    for version in ["3.6", "3.13"] {
        let sandbox = Sandbox::project(version);
        let out = sandbox.python(
            "import sys; print(sys.prefix != sys.base_prefix, '%d.%d' % sys.version_info[:2])",
        );
        assert_eq!(out, format!("True {version}"));
    }
}

#[test]
fn scripts_and_env_from_the_manifest() {
    let sandbox = Sandbox::empty();
    sandbox.manifest(
        "[project]\nname = \"demo\"\n\n[tool.pvm]\npython = \"3.12\"\n\n[tool.pvm.env]\nGREETING = \"hello there\"\n\n[tool.pvm.scripts]\nhi = \"python -c 'import os, sys; print(os.environ[\\\"GREETING\\\"], sys.argv[1:])'\"\n",
    );
    let out = sandbox
        .pvm()
        .args(["run", "hi", "extra"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "hello there ['extra']");
}

#[test]
fn an_unknown_command_is_a_clear_error() {
    let sandbox = Sandbox::project("3.12");
    let err = fails_with(
        sandbox.pvm().args(["run", "no-such-command-xyz"]),
        "error: command `no-such-command-xyz` not found",
    );
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_broken_manifest_names_file_line_and_column() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"demo\"\ndependencies = [\"ok\", \n  \"bad ==\"]\n");
    let err = fails_with(sandbox.pvm().args(["run", "true"]), "pyproject.toml:4:3");
    assert!(err.contains("bad =="), "{err}");

    sandbox.manifest("[project]\nname = \"demo\"\n[tool.pvm]\npyhton = \"3.12\"\n");
    let err = fails_with(sandbox.pvm().args(["run", "true"]), "pyproject.toml:4:1");
    assert!(
        err.contains("unknown key `pyhton`") && err.contains("did you mean `python`"),
        "{err}"
    );

    sandbox.manifest("[project\nname = 1\n");
    fails_with(sandbox.pvm().args(["run", "true"]), "pyproject.toml:1:");
    assert!(sandbox.envs().is_empty());
}

#[test]
fn usage_errors_exit_2_and_no_project_exits_1() {
    let sandbox = Sandbox::empty();
    sandbox.pvm().args(["run"]).assert().code(2);
    sandbox.pvm().args(["frobnicate"]).assert().code(2);
    fails_with(sandbox.pvm().args(["run", "true"]), "pvm init");
    let file = sandbox.root.join("afile");
    std::fs::write(&file, "").unwrap();
    fails_with(
        sandbox
            .pvm()
            .args(["--project"])
            .arg(&file)
            .args(["run", "true"]),
        "is not a folder",
    );
}

#[test]
fn two_runs_at_once_build_one_env_and_both_succeed() {
    let sandbox = Sandbox::project("3.12");
    let spawn = || {
        sandbox.spawn(
            &["run", "python", "-c", "import sys; print(sys.prefix)"],
            &[],
        )
    };
    let children: Vec<_> = (0..2).map(|_| spawn()).collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", stderr(out));
    }
    assert_eq!(stdout(&outputs[0]), stdout(&outputs[1]));
    let env = sandbox.only_env();
    let creating = outputs
        .iter()
        .filter(|o| stderr(o).contains("Creating"))
        .count();
    assert_eq!(creating, 1, "exactly one pvm built the env");
    assert!(metadata(&env)["fingerprint"].is_string());
    let leftovers: Vec<_> = sandbox
        .envs()
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn paths_with_spaces_and_non_ascii_letters_work() {
    let sandbox = Sandbox::in_folder("mon projet été");
    sandbox
        .pvm()
        .args(["init", "--python", "3.12"])
        .assert()
        .success();
    let prefix = sandbox.python("import sys; print(sys.prefix)");
    assert_eq!(Path::new(&prefix), sandbox.only_env());
    assert!(sandbox.home.to_string_lossy().contains(' '));
    let info = sandbox.pvm().args(["info", "--json"]).assert().success();
    let info: serde_json::Value = serde_json::from_slice(&info.get_output().stdout).unwrap();
    assert_eq!(
        Path::new(info["project"].as_str().unwrap()),
        sandbox.project
    );
    assert_eq!(info["in_sync"], true);
}

#[test]
fn missing_or_corrupt_metadata_means_rebuild() {
    let sandbox = Sandbox::project("3.12");
    sandbox.python("pass");
    let env = sandbox.only_env();
    std::fs::write(env.join("pvm-env.json"), "{ not json").unwrap();
    std::fs::write(env.join("junk"), "x").unwrap();
    sandbox.python("pass");
    assert!(
        !env.join("junk").exists(),
        "the incomplete env was rebuilt, not used"
    );
    assert!(metadata(&env)["fingerprint"].is_string());
    std::fs::remove_dir_all(&env).unwrap();
    sandbox.python("pass");
    assert!(sandbox.only_env().join("pvm-env.json").is_file());
}

#[test]
fn info_reports_the_env_for_editors() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox.pvm().args(["info", "--json"]).assert().success();
    let info: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(info["env_exists"], false);
    assert_eq!(info["status"], "missing");
    sandbox.python("pass");
    let out = sandbox.pvm().args(["info", "--path"]).assert().success();
    assert_eq!(Path::new(&stdout(out.get_output())), sandbox.only_env());
    let out = sandbox.pvm().args(["info", "--json"]).assert().success();
    let info: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(info["in_sync"], true);
    assert_eq!(info["request"], "3.12");
    assert!(
        info["python"]["version"]
            .as_str()
            .unwrap()
            .starts_with("3.12.")
    );
}
