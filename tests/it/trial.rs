//! A newcomer's trial: each promise of the README holds, and each error says what to do.

use crate::support::*;

#[test]
fn a_dev_group_added_later_is_installed_by_the_next_run() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("six", "1.0", &[]);
    sandbox.wheel("idna", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["six"], "");
    sandbox
        .pvm_with_uv()
        .args(["run", "true"])
        .assert()
        .success();
    assert_eq!(sandbox.present_version("idna"), "missing");

    sandbox.deps_project(
        "3.12",
        "uv",
        &["six"],
        "[dependency-groups]\ndev = [\"idna\"]\n",
    );
    assert_eq!(sandbox.info_json()["status"], "outdated");
    sandbox
        .pvm_with_uv()
        .args(["run", "true"])
        .assert()
        .success();
    assert_eq!(sandbox.present_version("idna"), "1.0");
    assert_eq!(sandbox.info_json()["status"], "ok");
}

#[test]
fn no_dev_with_group_dev_is_a_usage_error() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox
        .pvm()
        .args(["sync", "--no-dev", "--group", "dev"])
        .assert()
        .code(2);
    assert!(stderr(out.get_output()).contains("--no-dev"));
}

fn python_version_of_env(sandbox: &Sandbox) -> String {
    sandbox.python("import sys; print('%d.%d' % sys.version_info[:2])")
}

#[test]
fn init_pins_what_it_chose_so_every_later_env_gets_the_same() {
    let sandbox = Sandbox::empty();
    sandbox.pvm().arg("init").assert().success();
    let pinned = std::fs::read_to_string(sandbox.project.join(".python-version")).unwrap();
    let chosen = python_version_of_env(&sandbox);
    assert_eq!(pinned.trim(), chosen);
    sandbox.pvm().arg("remove").assert().success();
    assert_eq!(python_version_of_env(&sandbox), chosen, "after pvm remove");

    // --no-pin: no file, and the env follows the one rule later envs follow too.
    let unpinned = Sandbox::empty();
    unpinned.pvm().args(["init", "--no-pin"]).assert().success();
    assert!(!unpinned.project.join(".python-version").exists());
    let first = python_version_of_env(&unpinned);
    unpinned.pvm().arg("remove").assert().success();
    assert_eq!(python_version_of_env(&unpinned), first);
}

#[test]
fn pip_in_an_env_without_pip_is_refused_not_sent_elsewhere() {
    let sandbox = Sandbox::empty();
    sandbox
        .manifest("[project]\nname = \"nopip\"\n[tool.pvm]\npython = \"3.12\"\nseed-pip = false\n");
    for command in [
        &["pip", "install", "six"][..],
        &["pip3", "--version"],
        &["pip3.12", "--version"],
        &["python", "-m", "pip", "--version"],
    ] {
        let out = sandbox.pvm().arg("run").args(command).assert().code(1);
        let err = stderr(out.get_output());
        assert!(err.contains("the env has no pip"), "{command:?}: {err}");
        assert!(err.contains("hint: "), "{err}");
    }
}

#[test]
fn a_failed_init_leaves_no_folder_behind() {
    let sandbox = Sandbox::empty();
    sandbox
        .pvm()
        .args(["init", "fresh", "--python", "9.9"])
        .assert()
        .code(1);
    assert!(!sandbox.project.join("fresh").exists());
    sandbox
        .pvm()
        .args(["init", "a/b", "--name", "bad name!"])
        .assert()
        .code(1);
    assert!(!sandbox.project.join("a").exists());
    // A folder that was there stays.
    std::fs::create_dir(sandbox.project.join("kept")).unwrap();
    sandbox
        .pvm()
        .args(["init", "kept", "--python", "9.9"])
        .assert()
        .code(1);
    assert!(sandbox.project.join("kept").is_dir());
}

#[test]
fn every_manifest_mistake_has_a_position_and_a_hint() {
    let cases = [
        ("python = 3.10", ":4:", "quote it: python = \"3.10\""),
        (
            "installer = \"conda\"",
            ":4:",
            "installer takes one of `auto`, `uv`, `pip`",
        ),
        ("seed-pip = \"no\"", ":4:", "without quotes"),
        ("[tool.pvm.env]\nX = 1", ":5:", "quote it: X = \"1\""),
        ("[tool.pvm.scripts]\nt = 5", ":5:", "t = \"pytest -q\""),
        (
            "[tool.pvm.env]\n\"X;touch f\" = \"1\"",
            ":",
            "a name has letters",
        ),
        ("bogus = [1,", ":4:", "this is not valid TOML"),
    ];
    for (text, position, hint) in cases {
        let sandbox = Sandbox::empty();
        sandbox.manifest(&format!("[project]\nname = \"e\"\n[tool.pvm]\n{text}\n"));
        let out = sandbox.pvm().arg("info").assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains(&format!("pyproject.toml{position}")),
            "{text}: {err}"
        );
        assert!(err.contains(hint), "{text}: {err}");
        assert!(!err.contains("untagged enum"), "{err}");
    }
}

#[test]
fn usage_mistakes_have_hints() {
    let sandbox = Sandbox::project("3.12");
    fails_with(
        sandbox.pvm().args(["remove", "--stale", "foo"]),
        "hint: run `pvm remove --stale` alone",
    );
    let out = sandbox.pvm().args(["run", "./missing.py"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("no file `./missing.py`") && err.contains("hint: "),
        "{err}"
    );
    fails_with(
        sandbox.pvm().args(["init", "x", "--name", "bad name!"]),
        "hint: a name uses letters",
    );
}

#[test]
fn invalid_yes_no_variables_are_errors_that_name_them() {
    let sandbox = Sandbox::project("3.12");
    for (name, value) in [("PVM_NO_INDEX", "bogus"), ("PVM_OFFLINE", "maybe")] {
        let err = fails_with(
            sandbox.pvm().env(name, value).args(["run", "true"]),
            &format!("{name}=\"{value}\""),
        );
        assert!(err.contains(&format!("hint: set {name} to 1")), "{err}");
    }
    // When a variable is why nothing was found, the hint names it.
    let sandbox = Sandbox::empty();
    sandbox.wheel("here", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["absent"], "");
    fails_with(
        sandbox.pvm().env("PVM_NO_INDEX", "1").arg("sync"),
        "PVM_NO_INDEX=1",
    );
}

const TRICKY: &str = "a b'c $HOME \"q\" \\ !x";

#[test]
fn activate_quotes_values_so_they_arrive_as_written() {
    let sandbox = Sandbox::empty();
    sandbox.manifest(&format!(
        "[project]\nname = \"q\"\n[tool.pvm]\npython = \"3.12\"\n[tool.pvm.env]\nV = {}\n",
        toml::Value::String(TRICKY.into())
    ));
    for shell in ["bash", "dash"] {
        let script = stdout(
            sandbox
                .pvm()
                .args(["activate", "--shell", "bash"])
                .assert()
                .success()
                .get_output(),
        );
        let out = std::process::Command::new(shell)
            .arg("-c")
            .arg(format!("{script}\nprintf '%s' \"$V\""))
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), TRICKY, "{shell}");
    }
    // fish, zsh and tcsh, as scripts/test installs them: each gets the value as written.
    for (shell, kind, print) in [
        ("zsh", "zsh", "printf '%s' \"$V\""),
        ("fish", "fish", "printf '%s' \"$V\""),
        ("tcsh", "csh", "printf '%s' \"$V\""),
    ] {
        let script = stdout(
            sandbox
                .pvm()
                .args(["activate", "--shell", kind])
                .assert()
                .success()
                .get_output(),
        );
        let file = sandbox.root.join(format!("activate-{shell}"));
        std::fs::write(&file, format!("{script}\n{print}\n")).unwrap();
        let out = std::process::Command::new(shell)
            .arg(&file)
            .output()
            .unwrap_or_else(|err| panic!("{shell} is needed (scripts/test installs it): {err}"));
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), TRICKY, "{shell}");
    }
    // nushell, as scripts/test installs it (PVM_TEST_NU): the overlay activates the env.
    let nu = std::env::var_os("PVM_TEST_NU")
        .expect("this test needs nushell: run it through scripts/test, which sets PVM_TEST_NU");
    let script = stdout(
        sandbox
            .pvm()
            .args(["activate", "--shell", "nu"])
            .assert()
            .success()
            .get_output(),
    );
    let out = std::process::Command::new(&nu)
        .arg("-c")
        .arg(format!(
            "{script}\nprint $env.V\nprint (which python | get path.0)"
        ))
        .current_dir(&sandbox.project)
        .output()
        .unwrap();
    assert!(out.status.success(), "nu: {}", stderr(&out));
    let printed_nu = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        printed_nu.starts_with(&format!("{TRICKY}\n")),
        "{printed_nu}"
    );
    assert!(
        printed_nu.trim_end().ends_with("bin/python"),
        "{printed_nu}"
    );
    let printed = |shell: &str| {
        stdout(
            sandbox
                .pvm()
                .args(["activate", "--shell", shell])
                .assert()
                .success()
                .get_output(),
        )
    };
    assert!(printed("powershell").ends_with("$env:V = 'a b''c $HOME \"q\" \\ !x'"));
    assert!(printed("nu").ends_with("$env.V = \"a b'c $HOME \\\"q\\\" \\\\ !x\""));
}

#[test]
fn info_path_makes_the_env_an_editor_is_pointed_at() {
    let sandbox = Sandbox::project("3.12");
    assert_eq!(sandbox.info_json()["status"], "missing");
    let out = sandbox.pvm().args(["info", "--path"]).assert().success();
    let path = std::path::PathBuf::from(stdout(out.get_output()));
    assert!(path.join("bin/python").exists(), "{}", path.display());
    assert_eq!(sandbox.info_json()["status"], "ok");
}

#[test]
fn python_find_and_pin_name_their_argument_and_find_works_anywhere() {
    let sandbox = Sandbox::empty();
    let out = sandbox
        .pvm()
        .args(["python", "find", "pypy3.10"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("the argument") && !err.contains("--python"),
        "{err}"
    );
    let out = sandbox
        .pvm()
        .args(["python", "find", "2.7"])
        .assert()
        .code(1);
    assert!(!stderr(out.get_output()).contains("--python"));
    // Outside any project, no request: the default rule.
    let out = sandbox.pvm().args(["python", "find"]).assert().success();
    assert!(std::path::Path::new(&stdout(out.get_output())).exists());
}

#[test]
fn small_things_a_careful_user_notices() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("one", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["one"], "");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(stderr(out.get_output()).contains("Synced 1 change with"));
    // The sync wrote the lock: `pvm lock` finds it current.
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    assert!(stderr(out.get_output()).contains("is current (1 package)"));
    let out = sandbox
        .pvm_with_uv()
        .args(["lock", "--upgrade"])
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("Locked 1 package for"));

    // Versions sort as versions: 3.13 before 3.6.
    let out = sandbox
        .pvm()
        .args(["python", "list", "--json"])
        .assert()
        .success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let versions: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["version"].as_str().unwrap())
        .collect();
    let at = |prefix: &str| versions.iter().position(|v| v.starts_with(prefix)).unwrap();
    assert!(at("3.13") < at("3.6"), "{versions:?}");

    // A typo in an env name gets a "did you mean".
    fails_with(sandbox.pvm().args(["remove", "dem"]), "did you mean `demo-");

    // Piped commands get a quiet, non-interactive shell in the env.
    let mut child = sandbox
        .pvm_process(&sandbox.project)
        .arg("shell")
        .env("SHELL", "/bin/bash")
        .env("PVM_UV", test_uv())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"echo \"$VIRTUAL_ENV\"\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), sandbox.only_env().display().to_string());
    assert!(!stderr(&out).contains("job control"), "{}", stderr(&out));
}

#[test]
fn a_failed_init_in_a_folder_that_was_there_leaves_no_file_and_no_env() {
    let sandbox = Sandbox::empty();
    sandbox.write("requirements.txt", "nonexistent-zzz\n");
    sandbox
        .pvm()
        .env("PVM_NO_INDEX", "1")
        .args(["init", "--python", "3.12"])
        .assert()
        .code(1);
    assert!(!sandbox.project.join("pyproject.toml").exists());
    assert!(!sandbox.project.join(".python-version").exists());
    assert!(sandbox.project.join("requirements.txt").exists());
    assert!(sandbox.envs().is_empty(), "{:?}", sandbox.envs());
}

#[test]
fn a_pyenv_shim_is_resolved_from_pyenv_s_files_without_running_it() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::empty();
    let root = sandbox.root.join("pyenv");
    let real = pyenv_python("3.12");
    let version = real.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::create_dir_all(root.join("versions")).unwrap();
    std::os::unix::fs::symlink(&real, root.join("versions").join(&version)).unwrap();
    std::fs::create_dir_all(root.join("shims")).unwrap();
    let ran = sandbox.root.join("the-shim-ran");
    let shim = root.join("shims/python3");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\ntouch {:?}\nexec {:?} \"$@\"\n",
            ran,
            real.join("bin/python3")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(root.join("version"), format!("{version}\n")).unwrap();
    let out = sandbox
        .pvm()
        .env("PYENV_ROOT", &root)
        .env_remove("PYENV_VERSION")
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", root.join("shims").display()),
        )
        .args(["python", "find"])
        .assert()
        .success();
    assert_eq!(
        stdout(out.get_output()),
        root.join("versions")
            .join(&version)
            .join("bin/python3")
            .display()
            .to_string()
    );
    assert!(!ran.exists(), "the shim was not started");
}
