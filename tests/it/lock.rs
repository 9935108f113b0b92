use crate::support::*;

fn lock_toml(sandbox: &Sandbox) -> toml::Value {
    toml::from_str(&std::fs::read_to_string(sandbox.project.join("pvm.lock")).unwrap()).unwrap()
}

fn sha256_hex(path: &std::path::Path) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn lock_round_trip_with_each_installer() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        sandbox.wheel("top", "1.0", &["leaf>=1"]);
        let leaf = sandbox.wheel("leaf", "1.0", &[]);
        sandbox.deps_project("3.12", installer, &["top"], "");
        sandbox.pvm_with_uv().arg("lock").assert().success();

        let lock = lock_toml(&sandbox);
        let packages = lock["package"].as_array().unwrap();
        let names: Vec<&str> = packages
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["leaf", "top"], "{installer}");
        let leaf_entry = &packages[0];
        assert_eq!(leaf_entry["version"].as_str(), Some("1.0"));
        assert_eq!(
            leaf_entry["source"].as_str(),
            Some(&*sandbox.wheels().to_string_lossy())
        );
        assert_eq!(
            leaf_entry["artifact"][0]["sha256"].as_str(),
            Some(sha256_hex(&leaf).as_str())
        );
        assert!(
            lock["resolved-for"]["python"]
                .as_str()
                .unwrap()
                .starts_with("3.12.")
        );
        assert!(lock["inputs"].as_str().unwrap().len() == 64);

        // A newer leaf appears: the lock keeps the env on the locked one.
        sandbox.wheel("leaf", "2.0", &[]);
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked"])
            .assert()
            .success();
        assert_eq!(sandbox.imported_version("leaf"), "1.0", "{installer}");
        // Re-locking without --upgrade keeps it (the inputs did not change); --upgrade moves.
        sandbox.pvm_with_uv().arg("lock").assert().success();
        assert_eq!(
            lock_toml(&sandbox)["package"][0]["version"].as_str(),
            Some("1.0")
        );
        sandbox
            .pvm_with_uv()
            .args(["lock", "--upgrade"])
            .assert()
            .success();
        assert_eq!(
            lock_toml(&sandbox)["package"][0]["version"].as_str(),
            Some("2.0")
        );
        sandbox
            .pvm_with_uv()
            .args(["run", "true"])
            .assert()
            .success();
        assert_eq!(sandbox.imported_version("leaf"), "2.0", "{installer}");
    }
}

#[test]
fn a_tampered_wheel_is_refused_and_the_env_keeps_what_it_had() {
    let sandbox = Sandbox::empty();
    let wheel = sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
    let expected = sha256_hex(&wheel);

    // Same name, other content.
    build_wheel(
        &sandbox.wheels(),
        "alpha",
        "1.0",
        &[],
        &[("alpha/evil.py", "EVIL = True\n")],
    );
    let actual = sha256_hex(&wheel);
    assert_ne!(expected, actual);
    let out = sandbox.pvm().args(["sync", "--reinstall"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(err.contains("hash mismatch for alpha==1.0"), "{err}");
    assert!(err.contains(&expected) && err.contains(&actual), "{err}");
    let out = sandbox
        .pvm()
        .args(["run", "--no-sync", "python", "-c", "import alpha, os; print(alpha.__version__, os.path.exists(os.path.join(os.path.dirname(alpha.__file__), 'evil.py')))"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0 False");
}

#[test]
fn locked_fails_on_a_stale_lock_and_run_relocks() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().args(["sync", "--locked"]).assert().success();

    sandbox.deps_project("3.12", "pip", &["alpha", "beta"], "");
    let out = sandbox.pvm().args(["sync", "--locked"]).assert().code(1);
    assert!(
        stderr(out.get_output()).contains("pvm.lock is stale"),
        "{}",
        stderr(out.get_output())
    );
    sandbox
        .pvm()
        .args(["run", "--locked", "true"])
        .assert()
        .code(1);
    assert_eq!(sandbox.present_version("beta"), "missing");
    assert_eq!(
        sandbox.present_version("alpha"),
        "1.0",
        "the env keeps what it had"
    );
    // --frozen installs the lock as it is.
    sandbox.pvm().args(["sync", "--frozen"]).assert().success();
    assert_eq!(sandbox.present_version("beta"), "missing");

    let out = sandbox
        .pvm()
        .args(["run", "python", "-c", "import beta"])
        .assert()
        .success();
    assert!(
        stderr(out.get_output()).contains("re-locked"),
        "{}",
        stderr(out.get_output())
    );
    let lock = lock_toml(&sandbox);
    assert_eq!(lock["package"].as_array().unwrap().len(), 2);
    sandbox.pvm().args(["sync", "--locked"]).assert().success();
}

#[test]
fn direct_url_requirements_are_locked_and_installed() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        sandbox.wheel("alpha", "1.0", &[]);
        // Outside find-links: reached only through its URL.
        let elsewhere = build_wheel(&sandbox.root.join("elsewhere"), "zeta", "3.0", &[], &[]);
        let url = format!("zeta @ file://{}", elsewhere.display());
        sandbox.deps_project("3.12", installer, &["alpha", &url], "");
        sandbox.pvm_with_uv().arg("lock").assert().success();
        let lock = lock_toml(&sandbox);
        let zeta = lock["package"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"].as_str() == Some("zeta"))
            .unwrap_or_else(|| panic!("{installer}: zeta not locked: {lock}"));
        assert_eq!(
            zeta["url"].as_str(),
            Some(&*format!("file://{}", elsewhere.display())),
            "{installer}"
        );
        assert_eq!(
            zeta["artifact"][0]["sha256"].as_str(),
            Some(sha256_hex(&elsewhere).as_str())
        );
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked", "--reinstall"])
            .assert()
            .success();
        assert_eq!(sandbox.imported_version("zeta"), "3.0", "{installer}");
    }
}

#[test]
fn a_lock_holds_in_another_checkout_and_for_every_selection() {
    let sandbox = Sandbox::empty();
    for name in ["core", "fast-ext", "docs-tool"] {
        build_wheel(&sandbox.project.join("wheels"), name, "1.0", &[], &[]);
    }
    sandbox.manifest(
        "[project]\nname = \"demo\"\ndependencies = [\"core\"]\n[project.optional-dependencies]\nfast = [\"fast-ext\"]\n[dependency-groups]\ndocs = [\"docs-tool\"]\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"pip\"\nno-index = true\nfind-links = [\"wheels\"]\n",
    );
    sandbox.pvm().arg("lock").assert().success();
    let lock = lock_toml(&sandbox);
    assert_eq!(
        lock["package"].as_array().unwrap().len(),
        3,
        "every extra and group is locked: {lock}"
    );
    assert_eq!(
        lock["package"][0]["source"].as_str(),
        Some("wheels"),
        "find-links as written"
    );

    // The default selection installs only what it needs from the lock.
    sandbox.pvm().args(["sync", "--locked"]).assert().success();
    assert_eq!(sandbox.present_version("core"), "1.0");
    assert_eq!(sandbox.present_version("fast_ext"), "missing");
    // Another selection is still current under --locked.
    sandbox
        .pvm()
        .args(["sync", "--locked", "--extra", "fast", "--group", "docs"])
        .assert()
        .success();
    assert_eq!(sandbox.present_version("fast_ext"), "1.0");
    assert_eq!(sandbox.present_version("docs_tool"), "1.0");

    // A copy of the checkout elsewhere: the committed lock is still current there.
    let copy = sandbox.root.join("checkout-2");
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(&sandbox.project)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    let before = std::fs::read(copy.join("pvm.lock")).unwrap();
    sandbox
        .pvm_in(&copy)
        .args(["sync", "--locked"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(copy.join("pvm.lock")).unwrap(),
        before,
        "not re-locked"
    );
}

#[test]
fn locked_and_frozen_hold_even_when_the_env_needs_nothing() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("sync").assert().success();
    let out = sandbox.pvm().args(["sync", "--locked"]).assert().code(1);
    assert!(
        stderr(out.get_output()).contains("there is no pvm.lock"),
        "{}",
        stderr(out.get_output())
    );
    sandbox
        .pvm()
        .args(["run", "--frozen", "true"])
        .assert()
        .code(1);
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().args(["sync"]).assert().success();
    sandbox
        .pvm()
        .args(["run", "--locked", "true"])
        .assert()
        .success();
}
