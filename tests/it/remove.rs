use crate::support::*;

#[test]
fn remove_without_arguments_removes_this_projects_env() {
    let sandbox = Sandbox::project("3.12");
    sandbox.python("pass");
    let env = sandbox.only_env();
    sandbox
        .pvm()
        .args(["remove", "--dry-run"])
        .assert()
        .success();
    assert!(env.exists(), "--dry-run removes nothing");
    sandbox.pvm().arg("remove").assert().success();
    assert!(!env.exists());
    assert!(
        sandbox.envs().is_empty(),
        "no leftovers: {:?}",
        sandbox.envs()
    );
    assert!(
        sandbox.project.join("pyproject.toml").exists(),
        "the project is untouched"
    );
    sandbox.pvm().arg("remove").assert().code(1);
}

#[test]
fn remove_by_name_by_project_folder_stale_and_all() {
    let a = Sandbox::project("3.12");
    a.python("pass");
    let b_dir = a.root.join("b");
    std::fs::create_dir(&b_dir).unwrap();
    std::fs::write(
        b_dir.join("pyproject.toml"),
        "[project]\nname = \"bee\"\n[tool.pvm]\npython = \"3.12\"\n",
    )
    .unwrap();
    a.pvm_in(&b_dir).args(["run", "true"]).assert().success();
    let c_dir = a.root.join("c");
    std::fs::create_dir(&c_dir).unwrap();
    std::fs::write(
        c_dir.join("pyproject.toml"),
        "[project]\nname = \"sea\"\n[tool.pvm]\npython = \"3.12\"\n",
    )
    .unwrap();
    a.pvm_in(&c_dir).args(["run", "true"]).assert().success();
    assert_eq!(a.envs().len(), 3);

    // By env name, or a unique project name.
    let bee = a
        .envs()
        .into_iter()
        .find(|n| n.starts_with("bee-"))
        .unwrap();
    a.pvm().args(["remove", &bee]).assert().success();
    assert!(!a.envs().contains(&bee));

    // --stale removes only envs whose project is gone.
    std::fs::remove_dir_all(&c_dir).unwrap();
    let out = a
        .pvm()
        .args(["remove", "--stale", "--dry-run"])
        .assert()
        .success();
    assert!(stdout(out.get_output()).contains("sea-"));
    assert_eq!(a.envs().len(), 2);
    a.pvm().args(["remove", "--stale"]).assert().success();
    assert_eq!(a.envs().len(), 1);
    assert!(a.envs()[0].starts_with("demo-"));

    // By project folder.
    a.pvm_in(&a.root)
        .args(["remove", "proj"])
        .assert()
        .success();
    assert!(a.envs().is_empty());

    // --all needs --yes off a terminal.
    a.python("pass");
    a.pvm().args(["remove", "--all"]).assert().code(1);
    assert_eq!(a.envs().len(), 1);
    a.pvm()
        .args(["remove", "--all", "--yes"])
        .assert()
        .success();
    assert!(a.envs().is_empty());
}

#[test]
fn remove_refuses_anything_but_envs_in_the_store() {
    let sandbox = Sandbox::project("3.12");
    sandbox.python("pass");
    let outside = sandbox.root.join("precious");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("data"), "keep me").unwrap();

    fails_with(
        sandbox.pvm().arg("remove").arg(&outside),
        "refusing to remove",
    );
    // A link inside the store pointing out of it.
    let link = sandbox.envs_dir().join("evil-0123456789abcdef");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    fails_with(
        sandbox.pvm().args(["remove", "evil-0123456789abcdef"]),
        "link",
    );
    sandbox.pvm().arg("remove").arg(&link).assert().code(1);
    // A folder in the store that pvm did not make.
    let foreign = sandbox.envs_dir().join("foreign-0123456789abcdef");
    std::fs::create_dir(&foreign).unwrap();
    fails_with(
        sandbox.pvm().args(["remove", "foreign-0123456789abcdef"]),
        "no pvm metadata",
    );
    for bad in ["../precious", "a/../..", ".."] {
        sandbox.pvm().args(["remove", bad]).assert().code(1);
    }
    sandbox
        .pvm()
        .args(["remove", "no-such-env"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(outside.join("data")).unwrap(),
        "keep me"
    );
    assert!(foreign.exists());
    // The real env survived the refusals (the foreign folder and the link stay too).
    assert!(
        sandbox.envs().iter().any(|n| n.starts_with("demo-")),
        "{:?}",
        sandbox.envs()
    );
    // `--all` removes pvm's envs and passes over the rest, saying so.
    let out = sandbox
        .pvm()
        .args(["remove", "--all", "--yes"])
        .assert()
        .success();
    assert!(
        stderr(out.get_output()).contains("skipped"),
        "{}",
        stderr(out.get_output())
    );
    assert!(!sandbox.envs().iter().any(|n| n.starts_with("demo-")));
    assert!(foreign.exists() && link.symlink_metadata().is_ok());
    assert_eq!(
        std::fs::read_to_string(outside.join("data")).unwrap(),
        "keep me"
    );
}
