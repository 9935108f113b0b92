//! These test the installer: their projects say `lock = false`, so syncs install from the
//! manifest (the lock is tests/it/lock.rs's and lock_policy.rs's).

use crate::support::*;

#[test]
fn two_projects_pin_different_versions_and_each_imports_its_own() {
    // Both versions are on offer to both projects: each pin picks its own.
    let old = Sandbox::empty();
    old.wheel("django-ish", "1.9", &[]);
    old.wheel("django-ish", "1.10", &[]);
    old.unlocked_project("3.12", "pip", &["django-ish==1.9"], "");
    let new = Sandbox::empty();
    new.wheel("django-ish", "1.9", &[]);
    new.wheel("django-ish", "1.10", &[]);
    new.unlocked_project("3.12", "uv", &["django-ish==1.10"], "");
    assert_eq!(old.imported_version("django_ish"), "1.9");
    new.pvm_with_uv().args(["sync"]).assert().success();
    assert_eq!(new.imported_version("django_ish"), "1.10");
    assert_eq!(metadata(&old.only_env())["installer"], "pip");
}

#[test]
fn sync_is_exact_as_the_manifest_changes() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("app-lib", "1.0", &["base-lib>=1"]);
    sandbox.wheel("base-lib", "1.0", &[]);
    sandbox.wheel("base-lib", "2.0", &[]);
    sandbox.wheel("other", "1.0", &[]);
    sandbox.unlocked_project("3.12", "pip", &["app-lib", "other"], "");

    // A transitive dependency arrives, at the newest version allowed.
    assert_eq!(sandbox.imported_version("base_lib"), "2.0");
    assert_eq!(sandbox.imported_version("other"), "1.0");

    // A changed pin is downgraded; a dropped dependency is uninstalled, with what only it needed.
    sandbox.unlocked_project("3.12", "pip", &["app-lib", "base-lib==1.0", "other"], "");
    assert_eq!(sandbox.imported_version("base_lib"), "1.0");
    sandbox.unlocked_project("3.12", "pip", &["other"], "");
    let out = sandbox
        .pvm()
        .args(["run", "python", "-c", "pass"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("- app-lib==1.0") && err.contains("- base-lib==1.0"),
        "{err}"
    );
    assert_eq!(sandbox.imported_version("app_lib"), "missing");
    assert_eq!(sandbox.imported_version("base_lib"), "missing");
    // The seeded pip stays.
    let installed = sandbox.installed();
    assert!(
        installed.iter().any(|d| d.starts_with("pip==")),
        "{installed:?}"
    );
    assert!(installed.iter().any(|d| d == "other==1.0"), "{installed:?}");
    assert_eq!(installed.len(), 2, "{installed:?}");

    // Something installed by hand is removed by the next sync.
    sandbox
        .pvm()
        .args([
            "run",
            "python",
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
        ])
        .arg(sandbox.wheels())
        .arg("app-lib")
        .assert()
        .success();
    assert_eq!(
        sandbox.imported_version("app_lib"),
        "1.0",
        "run does not sync when the manifest is unchanged"
    );
    sandbox
        .pvm()
        .args(["sync", "--reinstall"])
        .assert()
        .success();
    assert_eq!(sandbox.imported_version("app_lib"), "missing");
}

#[test]
fn groups_and_extras() {
    let sandbox = Sandbox::empty();
    for name in ["core", "pytest-ish", "sphinx-ish", "fast-ext", "lint"] {
        sandbox.wheel(name, "1.0", &[]);
    }
    sandbox.wheel("withextra", "1.0", &["fast-ext ; extra == \"fast\""]);
    sandbox.unlocked_project(
        "3.12",
        "pip",
        &["core", "withextra"],
        "[project.optional-dependencies]\nspeed = [\"withextra[fast]\"]\n\n[dependency-groups]\ndev = [\"pytest-ish\", {include-group = \"lint\"}]\nlint = [\"lint\"]\ndocs = [\"sphinx-ish\"]\n",
    );
    // dev (with what it includes) by default.
    assert_eq!(sandbox.imported_version("pytest_ish"), "1.0");
    assert_eq!(sandbox.imported_version("lint"), "1.0");
    assert_eq!(sandbox.imported_version("sphinx_ish"), "missing");
    assert_eq!(sandbox.imported_version("fast_ext"), "missing");

    sandbox
        .pvm()
        .args(["sync", "--no-dev", "--group", "docs", "--extra", "speed"])
        .assert()
        .success();
    assert_eq!(sandbox.imported_version("pytest_ish"), "missing");
    assert_eq!(sandbox.imported_version("sphinx_ish"), "1.0");
    assert_eq!(sandbox.imported_version("fast_ext"), "1.0");
    // `pvm run` keeps what the last sync selected.
    let out = sandbox.pvm().args(["run", "true"]).assert().success();
    assert!(
        stderr(out.get_output()).is_empty(),
        "{}",
        stderr(out.get_output())
    );

    sandbox
        .pvm()
        .args(["sync", "--all-groups", "--all-extras"])
        .assert()
        .success();
    for module in ["pytest_ish", "sphinx_ish", "lint", "fast_ext"] {
        assert_eq!(sandbox.imported_version(module), "1.0", "{module}");
    }
    let out = sandbox
        .pvm()
        .args(["sync", "--group", "nope"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("no dependency group `nope`") && err.contains("docs"),
        "{err}"
    );
}

#[test]
fn pip_is_in_every_env_on_the_oldest_and_newest_interpreters() {
    for version in ["3.6", "3.13"] {
        let sandbox = Sandbox::project(version);
        let out = sandbox
            .pvm()
            .args(["run", "pip", "--version"])
            .assert()
            .success();
        let text = stdout(out.get_output());
        assert!(
            text.starts_with("pip ") && text.contains(&format!("(python {version})")),
            "{text}"
        );
        assert!(
            text.contains(&*sandbox.only_env().to_string_lossy()),
            "{text}"
        );
        let out = sandbox
            .pvm()
            .args(["run", "python", "-m", "pip", "--version"])
            .assert()
            .success();
        assert!(stdout(out.get_output()).starts_with("pip "));
    }
}

#[test]
fn seed_pip_false_leaves_pip_out() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.unlocked_project("3.12", "uv", &["alpha"], "");
    let text = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&format!("{text}seed-pip = false\n"));
    sandbox
        .pvm_with_uv()
        .args(["run", "true"])
        .assert()
        .success();
    assert_eq!(sandbox.installed(), ["alpha==1.0"]);
}

#[test]
fn both_installers_make_the_same_env() {
    let make = |installer: &str| {
        let sandbox = Sandbox::empty();
        sandbox.wheel(
            "top",
            "1.0",
            &["mid>=1", "win-only ; sys_platform == 'win32'"],
        );
        sandbox.wheel("mid", "1.0", &["leaf"]);
        sandbox.wheel("mid", "1.5", &["leaf"]);
        sandbox.wheel("leaf", "3.0", &[]);
        sandbox.wheel("win-only", "1.0", &[]);
        sandbox.unlocked_project("3.12", installer, &["top"], "");
        sandbox.pvm_with_uv().args(["sync"]).assert().success();
        let metadata = metadata(&sandbox.only_env());
        assert_eq!(metadata["installer"], installer);
        sandbox.installed()
    };
    let with_pip = make("pip");
    let with_uv = make("uv");
    assert_eq!(with_pip, with_uv);
    assert!(with_pip.contains(&"mid==1.5".to_string()), "{with_pip:?}");
}

#[test]
fn auto_takes_uv_when_it_is_there_and_pip_for_old_pythons() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.unlocked_project("3.12", "auto", &["alpha"], "");
    sandbox.pvm_with_uv().args(["sync"]).assert().success();
    assert_eq!(metadata(&sandbox.only_env())["installer"], "uv");

    let old = Sandbox::empty();
    old.wheel("alpha", "1.0", &[]);
    old.unlocked_project("3.6", "auto", &["alpha"], "");
    old.pvm_with_uv().args(["sync"]).assert().success();
    assert_eq!(metadata(&old.only_env())["installer"], "pip");
    assert_eq!(old.imported_version("alpha"), "1.0");
}

#[test]
fn a_requirement_that_cannot_be_met_names_itself() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.unlocked_project("3.12", "pip", &["alpha>=2"], "");
    let out = sandbox.pvm().args(["run", "true"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("pip could not install") && err.contains("alpha>=2"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");

    sandbox.unlocked_project("3.12", "uv", &["nosuchpkg"], "");
    let out = sandbox.pvm_with_uv().args(["run", "true"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("uv could not install") && err.contains("nosuchpkg"),
        "{err}"
    );
    // The failed sync is retried: the env is not marked current.
    assert!(metadata(&sandbox.only_env())["fingerprint"].is_null());
}

#[test]
fn relative_find_links_resolve_against_the_project_root() {
    let sandbox = Sandbox::empty();
    build_wheel(&sandbox.project.join("vendor"), "alpha", "1.0", &[], &[]);
    sandbox.manifest(
        "[project]\nname = \"demo\"\ndependencies = [\"alpha\"]\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"pip\"\nno-index = true\nfind-links = [\"vendor\"]\nlock = false\n",
    );
    let sub = sandbox.project.join("src");
    std::fs::create_dir(&sub).unwrap();
    sandbox.pvm_in(&sub).args(["sync"]).assert().success();
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    // PVM_FIND_LINKS and PVM_NO_INDEX do the same from the environment.
    let other = Sandbox::empty();
    other.wheel("alpha", "1.0", &[]);
    other.manifest("[project]\nname = \"x\"\ndependencies = [\"alpha\"]\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"pip\"\nlock = false\n");
    other
        .pvm()
        .env("PVM_FIND_LINKS", other.wheels())
        .env("PVM_NO_INDEX", "1")
        .args(["sync"])
        .assert()
        .success();
    assert_eq!(other.imported_version("alpha"), "1.0");
}

#[test]
fn a_killed_sync_is_healed_by_the_next_run() {
    use std::os::unix::process::CommandExt;
    let sandbox = Sandbox::empty();
    // Many files: an install that takes long enough to be killed in the middle.
    let files: Vec<(String, String)> = (0..3000)
        .map(|i| (format!("bulky/m{i}.py"), format!("X = {i}\n")))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    build_wheel(&sandbox.wheels(), "bulky", "1.0", &[], &refs);
    sandbox.unlocked_project("3.12", "pip", &["bulky"], "");
    sandbox
        .pvm()
        .args(["run", "--no-sync", "true"])
        .assert()
        .success();
    let env = sandbox.only_env();
    let site = std::fs::read_dir(env.join("lib"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("site-packages");

    let mut killed_mid_sync = false;
    for _attempt in 0..5 {
        let mut child = sandbox
            .pvm_process(&sandbox.project)
            .args(["sync", "--reinstall"])
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while !site.join("bulky").exists() && started.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // SIGKILL the whole group: pvm and the installer it drives.
        send_signal(-(child.id() as i32), 9);
        let _ = child.wait();
        if metadata(&env)["fingerprint"].is_null() {
            killed_mid_sync = true;
            break;
        }
    }
    assert!(killed_mid_sync, "never caught the sync in the middle");
    let listed = sandbox.pvm().args(["list", "--json"]).assert().success();
    let listed: serde_json::Value = serde_json::from_slice(&listed.get_output().stdout).unwrap();
    assert_eq!(
        listed[0]["status"], "outdated",
        "list tells the truth meanwhile"
    );
    let out = sandbox
        .pvm()
        .args(["run", "python", "-c", "import bulky.m2999 as m; print(m.X)"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "2999");
    assert!(metadata(&env)["fingerprint"].is_string());
}
