//! Nothing injected, nothing read that should not be: hostile folder names, stores and locks.

use crate::support::*;

#[test]
fn a_hostile_folder_name_adds_no_key_and_runs_nothing() {
    let sandbox =
        Sandbox::in_folder("x\ninclude-system-site-packages = true\n$(touch pwned)`touch pwned2`");
    // No [project] name: the folder's name is the prompt.
    sandbox.manifest("[tool.pvm]\npython = \"3.12\"\n");
    sandbox.pvm().args(["run", "true"]).assert().success();
    let env = sandbox.only_env();
    let cfg = std::fs::read_to_string(env.join("pyvenv.cfg")).unwrap();
    assert!(
        cfg.lines()
            .filter(|l| l.starts_with("include-system-site-packages"))
            .all(|l| l.ends_with("false")),
        "{cfg}"
    );
    let keys = cfg
        .lines()
        .filter(|l| l.starts_with("include-system-site-packages"))
        .count();
    assert_eq!(keys, 1, "{cfg}");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(". {:?}/bin/activate && echo \"$PS1\"", env))
        .current_dir(&sandbox.root)
        .env("PS1", "$ ")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!sandbox.root.join("pwned").exists() && !sandbox.root.join("pwned2").exists());
}

#[test]
fn a_relative_or_file_store_is_an_error_and_tilde_is_home() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox
        .pvm()
        .env("PVM_HOME", "relative/store")
        .arg("list")
        .assert()
        .code(1);
    assert!(stderr(out.get_output()).contains("is a relative path"));
    assert!(!sandbox.project.join("relative").exists());

    let file = sandbox.root.join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = sandbox
        .pvm()
        .env("PVM_HOME", &file)
        .arg("list")
        .assert()
        .code(1);
    assert!(
        stderr(out.get_output()).contains("is not a folder"),
        "{}",
        stderr(out.get_output())
    );

    let home = sandbox.root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    sandbox
        .pvm()
        .env("HOME", &home)
        .env("PVM_HOME", "~/store")
        .args(["run", "true"])
        .assert()
        .success();
    assert!(home.join("store/envs").is_dir());
}

#[test]
fn a_crafted_lock_reads_nothing_outside_the_project() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    for path in ["/dev/zero", "../../../etc/hostname"] {
        sandbox.write(
            "pylock.toml",
            &format!(
                "lock-version = \"1.0\"\ncreated-by = \"mallory\"\n\n[[packages]]\nname = \"alpha\"\nversion = \"1.0\"\nwheels = [{{ path = \"{path}\", hashes = {{ sha256 = \"{}\" }} }}]\n",
                "0".repeat(64)
            ),
        );
        let out = sandbox
            .pvm()
            .args(["sync", "--frozen"])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(1);
        let err = stderr(out.get_output());
        assert!(err.contains("outside the project"), "{path}: {err}");
    }
}

#[test]
fn an_interpreter_that_never_answers_and_a_fifo_do_not_hang_pvm() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::project("3.12");
    let hang = sandbox.root.join("python3");
    std::fs::write(&hang, "#!/bin/sh\nsleep 600\n").unwrap();
    std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o755)).unwrap();
    sandbox.write(".python-version", &format!("{}\n", hang.display()));
    let started = std::time::Instant::now();
    let out = sandbox
        .pvm()
        .args(["run", "true"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1);
    assert!(
        stderr(out.get_output()).contains("did not answer"),
        "{}",
        stderr(out.get_output())
    );
    assert!(started.elapsed().as_secs() < 30);

    // A FIFO named .python-version is not read: the manifest's request holds.
    std::fs::remove_file(sandbox.project.join(".python-version")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(sandbox.project.join(".python-version"))
        .status()
        .unwrap();
    assert!(status.success());
    sandbox
        .pvm()
        .args(["run", "true"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    sandbox
        .pvm()
        .arg("list")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
}

#[test]
fn touching_the_base_interpreter_keeps_the_env() {
    // A pyenv root of our own whose 3.12 is a copy of the real executable (its library and
    // standard library reached through links), so the test can touch it.
    let sandbox = Sandbox::empty();
    let real = pyenv_python("3.12");
    let name = real.file_name().unwrap().to_owned();
    let root = sandbox.root.join("pyenv");
    let prefix = root.join("versions").join(&name);
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    std::os::unix::fs::symlink(real.join("lib"), prefix.join("lib")).unwrap();
    std::fs::copy(real.join("bin/python3.12"), prefix.join("bin/python3.12")).unwrap();
    std::os::unix::fs::symlink("python3.12", prefix.join("bin/python3")).unwrap();
    sandbox.manifest("[project]\nname = \"touch\"\n[tool.pvm]\npython = \"3.12\"\n");
    let run = |args: &[&str]| {
        let mut cmd = sandbox.pvm();
        cmd.env("PYENV_ROOT", &root).args(args);
        cmd
    };
    run(&["run", "true"]).assert().success();
    let marker = sandbox.only_env().join("kept-by-the-env");
    std::fs::write(&marker, "").unwrap();

    let binary = std::fs::File::options()
        .write(true)
        .open(prefix.join("bin/python3.12"))
        .unwrap();
    binary
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    // Closed before it runs again: a file open for writing cannot be executed.
    drop(binary);
    let out = run(&["run", "true"]).assert().success();
    assert!(
        !stderr(out.get_output()).contains("Rebuilding"),
        "{}",
        stderr(out.get_output())
    );
    assert!(marker.exists(), "the env was not rebuilt");
    // And the next run is warm again.
    let out = run(&["run", "true"]).assert().success();
    assert_eq!(stderr(out.get_output()), "");
}
