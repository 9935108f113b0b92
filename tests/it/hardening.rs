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
    fails_with(
        sandbox.pvm().env("PVM_HOME", "relative/store").arg("list"),
        "is a relative path",
    );
    assert!(!sandbox.project.join("relative").exists());

    let file = sandbox.root.join("a-file");
    std::fs::write(&file, "").unwrap();
    fails_with(
        sandbox.pvm().env("PVM_HOME", &file).arg("list"),
        "is not a folder",
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

#[cfg(target_os = "linux")]
#[test]
fn without_pvm_home_the_store_is_the_xdg_cache_folder_on_linux() {
    let sandbox = Sandbox::project("3.12");
    let home = sandbox.root.join("home");
    let xdg = sandbox.root.join("xdg-cache");
    std::fs::create_dir_all(&home).unwrap();
    let run = |xdg_cache_home: &std::ffi::OsStr| {
        sandbox
            .pvm()
            .env_remove("PVM_HOME")
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", xdg_cache_home)
            .args(["run", "true"])
            .assert()
            .success();
    };
    run(xdg.as_os_str());
    assert!(xdg.join("pvm/envs").is_dir());
    // A relative one is ignored, as the XDG rule says: `~/.cache`.
    run("relative".as_ref());
    assert!(home.join(".cache/pvm/envs").is_dir());
    assert!(!sandbox.project.join("relative").exists());
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
    fails_with(
        sandbox
            .pvm()
            .args(["run", "true"])
            .timeout(std::time::Duration::from_secs(60)),
        "did not answer",
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

#[test]
fn envs_on_pythons_that_ship_setuptools_get_it_as_venv_does() {
    let sandbox = Sandbox::project("3.9");
    let probe = "import setuptools, pip; print('ok')";
    assert_eq!(sandbox.python(probe), "ok");
    // An exact sync keeps it, like pip.
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.python(probe), "ok");
    // 3.12 ships none: only pip.
    let newer = Sandbox::project("3.12");
    let installed = newer.installed();
    assert!(
        installed.iter().all(|d| d.starts_with("pip==")),
        "{installed:?}"
    );
}

#[test]
fn dependencies_pvm_cannot_read_are_an_error_not_nothing() {
    let sandbox = Sandbox::empty();
    sandbox.manifest(
        "[project]\nname = \"dyn\"\ndynamic = [\"dependencies\", \"version\"]\n[tool.pvm]\npython = \"3.12\"\n",
    );
    let out = sandbox.pvm().arg("sync").assert().code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("`dependencies` is dynamic") && err.contains("hint: "),
        "{err}"
    );
    // (Poetry 1's `[tool.poetry.dependencies]` are read: tests/it/foreign.rs.)
    assert!(sandbox.envs().is_empty());
}

#[test]
fn an_installer_that_claims_success_without_installing_is_caught() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    let liar = sandbox.root.join("uv");
    std::fs::write(&liar, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&liar, std::fs::Permissions::from_mode(0o755)).unwrap();
    fails_with(
        sandbox
            .pvm()
            .env("PVM_UV", &liar)
            // The installer, without a lock: the liar would be the resolver too.
            .args(["sync", "--no-lock"]),
        "reported success, but alpha not installed",
    );
    assert_eq!(sandbox.info_json()["status"], "outdated");
    // The real installer then does the work.
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("alpha"), "1.0");
}

#[test]
fn a_link_where_the_env_belongs_is_never_followed() {
    let sandbox = Sandbox::project("3.12");
    let env = std::path::PathBuf::from(sandbox.info_json()["env"].as_str().unwrap());
    let outside = sandbox.root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join(".tmp-precious"), "keep").unwrap();
    std::fs::create_dir_all(env.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&outside, &env).unwrap();
    fails_with(sandbox.pvm().args(["run", "true"]), "is a link");
    assert!(outside.join(".tmp-precious").exists());
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
}

#[test]
fn a_killed_pvm_takes_its_installer_with_it() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    let pid_file = sandbox.root.join("installer.pid");
    let slow = sandbox.root.join("uv");
    std::fs::write(
        &slow,
        format!("#!/bin/sh\necho $$ > {:?}\nexec sleep 60\n", pid_file),
    )
    .unwrap();
    std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut pvm = sandbox.spawn(&["sync"], &[("PVM_UV", slow.as_path())]);
    for _ in 0..400 {
        if std::fs::read_to_string(&pid_file).is_ok_and(|t| t.ends_with('\n')) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    pvm.kill().unwrap();
    pvm.wait().unwrap();
    let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
    for _ in 0..200 {
        let gone = std::fs::read_to_string(proc.join("stat"))
            .map_or(true, |stat| stat.split_whitespace().nth(2) == Some("Z"));
        if gone {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("the installer (pid {pid}) outlived pvm");
}

#[test]
fn a_package_half_copied_by_a_killed_sync_is_installed_again() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    // What a kill while uv copies leaves: the .dist-info written, a file cut short, and the
    // env marked unfinished (its fingerprint cleared when the sync began).
    let env = sandbox.only_env();
    let module = env.join("lib/python3.12/site-packages/alpha/__init__.py");
    // A new file (uv hard-links from its cache: writing into the old one would cut both).
    std::fs::remove_file(&module).unwrap();
    std::fs::write(&module, "").unwrap();
    let path = env.join("pvm-env.json");
    let mut metadata = metadata(&env);
    metadata["fingerprint"] = serde_json::Value::Null;
    std::fs::write(&path, serde_json::to_vec(&metadata).unwrap()).unwrap();
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
}

#[test]
fn only_trash_pvm_marked_is_cleaned_up() {
    let sandbox = Sandbox::project("3.12");
    let envs = sandbox.envs_dir();
    std::fs::create_dir_all(&envs).unwrap();
    // A folder that merely has the name, and pvm's own (marked) trash of a pvm long gone.
    let foreign = envs.join(".trash-notours-999999");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("data"), "mine").unwrap();
    let ours = envs.join(".trash-demo-0123456789abcdef-999998");
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::write(envs.join(".trash-demo-0123456789abcdef-999998.mark"), "").unwrap();
    sandbox.pvm().args(["run", "true"]).assert().success();
    assert!(foreign.join("data").exists(), "unmarked: left alone");
    assert!(!ours.exists(), "marked: cleaned up");
    assert!(
        !envs
            .join(".trash-demo-0123456789abcdef-999998.mark")
            .exists()
    );
}

#[test]
fn leftovers_of_a_killed_pvm_are_cleaned_and_a_user_s_files_kept() {
    let sandbox = Sandbox::project("3.12");
    sandbox.write(".tmp-pvm-999999-half.toml", "half a lock");
    sandbox.write(".tmp-notes", "the user's own");
    let scratch = sandbox.tmp().join("pvm-999999-scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("requirements.txt"), "alpha\n").unwrap();
    // Left an hour ago or more (a pid alone could belong to another container's pvm).
    let hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for path in [
        sandbox.project.join(".tmp-pvm-999999-half.toml"),
        scratch.clone(),
    ] {
        std::fs::File::open(&path)
            .unwrap()
            .set_modified(hours_ago)
            .unwrap();
    }
    sandbox.pvm().arg("lock").assert().success();
    assert!(!sandbox.project.join(".tmp-pvm-999999-half.toml").exists());
    assert!(sandbox.project.join(".tmp-notes").exists());
    sandbox.pvm().args(["run", "true"]).assert().success();
    assert!(!scratch.exists());
}

#[test]
fn index_credentials_are_never_written_and_a_new_token_is_not_a_new_lock() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    sandbox
        .pvm_with_uv()
        .env(
            "PVM_INDEX_URL",
            "https://me:secret-one@index.example/simple",
        )
        .arg("lock")
        .assert()
        .success();
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(!lock.contains("secret") && !lock.contains("me:"), "{lock}");
    assert!(lock.contains("https://index.example/simple"), "{lock}");
    sandbox
        .pvm_with_uv()
        .env(
            "PVM_INDEX_URL",
            "https://me:secret-two@index.example/simple",
        )
        .args(["sync", "--locked"])
        .assert()
        .success();
}

#[test]
fn list_writes_nothing_into_a_folder_pvm_did_not_make() {
    let sandbox = Sandbox::project("3.12");
    let foreign = sandbox.envs_dir().join("someone-elses");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("data"), "theirs").unwrap();
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list[0]["status"], "broken");
    assert_eq!(
        std::fs::read_dir(&foreign).unwrap().count(),
        1,
        "nothing written into it"
    );
    // And an `envs` that is a file is an error, not an empty store.
    std::fs::remove_dir_all(sandbox.envs_dir()).unwrap();
    std::fs::write(sandbox.envs_dir(), "").unwrap();
    fails_with(sandbox.pvm().arg("list"), "is not a folder");
}

#[test]
fn a_warm_run_does_not_go_through_a_link_either() {
    let sandbox = Sandbox::project("3.12");
    sandbox.pvm().args(["run", "true"]).assert().success();
    let env = sandbox.only_env();
    let outside = sandbox.root.join("moved-away");
    std::fs::rename(&env, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &env).unwrap();
    let used_before = std::fs::read_dir(&outside).unwrap().count();
    fails_with(sandbox.pvm().args(["run", "true"]), "is a link");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), used_before);
}

#[test]
fn declared_conflicts_are_checked_by_export_and_across_sets() {
    let sandbox = Sandbox::empty();
    for (name, version) in [
        ("alpha", "1.0"),
        ("lib", "1.0"),
        ("lib", "2.0"),
        ("other", "1.0"),
    ] {
        sandbox.wheel(name, version, &[]);
    }
    sandbox.deps_project(
        "3.12",
        "uv",
        &["alpha"],
        "[dependency-groups]\na = [\"lib==1.0\"]\nb = [\"lib==2.0\"]\nc = [\"other\"]\nd = [\"other\"]\n",
    );
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace(
        "[tool.pvm]\n",
        "[tool.pvm]\nconflicts = [[{ group = \"a\" }, { group = \"b\" }], [{ group = \"c\" }, { group = \"d\" }]]\n",
    ));
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox.pvm_with_uv().arg("sync").assert().success();
    fails_with(
        sandbox
            .pvm()
            .args(["export", "--group", "a", "--group", "b"]),
        "declared as conflicting",
    );
    fails_with(
        sandbox
            .pvm_with_uv()
            .args(["sync", "--group", "a", "--group", "c"]),
        "group `a` and group `c`",
    );
}

/// Started with its standard output closed (`>&-`, as some cron and daemon set-ups start
/// programs), pvm hands the command it runs `/dev/null` there, as Rust's own start-up did
/// before pvm took it over: never a closed descriptor that the command's first opened file
/// would take, so that what it prints lands in that file.
#[test]
fn a_command_run_with_standard_output_closed_gets_dev_null_there() {
    let sandbox = Sandbox::project("3.12");
    sandbox.pvm().arg("sync").assert().success();
    let out = sandbox
        .with_pvm_on_path("sh")
        .args([
            "-c",
            "pvm run python -c 'import os, sys; sys.stderr.write(os.readlink(\"/proc/self/fd/1\"))' >&-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "/dev/null");
}
