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
