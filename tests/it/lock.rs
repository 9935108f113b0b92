//! `pylock.toml` (PEP 751): written by `pvm lock`, installed by sync, read by uv, and taken
//! over from other tools.

use crate::support::*;

fn lock_toml(sandbox: &Sandbox) -> toml::Value {
    toml::from_str(&std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap()).unwrap()
}

/// The locked package `name` (the first entry of that name).
fn package<'a>(lock: &'a toml::Value, name: &str) -> &'a toml::Value {
    lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("{name} not locked: {lock}"))
}

fn names(lock: &toml::Value) -> Vec<String> {
    lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
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
        assert_eq!(lock["lock-version"].as_str(), Some("1.0"));
        assert_eq!(lock["created-by"].as_str(), Some("pvm"));
        assert_eq!(names(&lock), ["leaf", "top"], "{installer}");
        let wheel = &package(&lock, "leaf")["wheels"][0];
        assert_eq!(package(&lock, "leaf")["version"].as_str(), Some("1.0"));
        assert_eq!(
            wheel["hashes"]["sha256"].as_str(),
            Some(sha256_hex(&leaf).as_str())
        );
        assert_eq!(
            wheel["size"].as_integer(),
            Some(std::fs::metadata(&leaf).unwrap().len() as i64)
        );
        assert_eq!(wheel["path"].as_str(), Some(&*leaf.to_string_lossy()));
        assert_eq!(lock["tool"]["pvm"]["resolver"].as_str(), Some(installer));
        assert_eq!(lock["tool"]["pvm"]["inputs"].as_str().unwrap().len(), 64);
        // pip resolves for one environment, and says which; uv for all.
        match installer {
            "pip" => assert!(
                lock["environments"][0]
                    .as_str()
                    .unwrap()
                    .contains("python_version == '3.12'"),
                "{lock}"
            ),
            _ => assert!(lock.get("environments").is_none(), "{lock}"),
        }

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
            package(&lock_toml(&sandbox), "leaf")["version"].as_str(),
            Some("1.0")
        );
        sandbox
            .pvm_with_uv()
            .args(["lock", "--upgrade"])
            .assert()
            .success();
        assert_eq!(
            package(&lock_toml(&sandbox), "leaf")["version"].as_str(),
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
fn one_lock_serves_every_platform_and_selection_and_uv_installs_it_the_same() {
    let sandbox = Sandbox::empty();
    for name in [
        "core",
        "win-only",
        "mac-only",
        "fast-ext",
        "test-tool",
        "dev-tool",
    ] {
        sandbox.wheel(name, "1.0", &[]);
    }
    sandbox.manifest(&format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\ndependencies = [\"core\", \"win-only ; sys_platform == 'win32'\", \"mac-only ; sys_platform == 'darwin'\"]\n[project.optional-dependencies]\nfast = [\"fast-ext\"]\n[dependency-groups]\ndev = [\"dev-tool\"]\ntests = [\"test-tool\"]\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"uv\"\nno-index = true\nfind-links = [{:?}]\n",
        sandbox.wheels().display().to_string()
    ));
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let text = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    let lock: pvm::lock::pylock::PyLock = toml::from_str(&text).unwrap();
    assert_eq!(lock.default_groups, ["dev"]);
    assert_eq!(lock.requires_python.as_deref(), Some(">=3.9"));

    // Evaluated for Linux, macOS and Windows, and for each selection.
    let selected = |platform: &str, extras: &[&str], groups: &[&str]| {
        let env = pvm::pep::cpython312_on(platform);
        let extras: Vec<String> = extras.iter().map(|s| s.to_string()).collect();
        let groups: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
        let mut names: Vec<String> = lock
            .packages
            .iter()
            .filter(|p| {
                p.marker.as_deref().is_none_or(|m| {
                    pvm::lock::pylock::marker_applies(m, &env, &extras, &groups).unwrap()
                })
            })
            .map(|p| p.name.to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(selected("linux", &[], &["dev"]), ["core", "dev-tool"]);
    assert_eq!(
        selected("darwin", &[], &["dev"]),
        ["core", "dev-tool", "mac-only"]
    );
    assert_eq!(
        selected("win32", &["fast"], &["tests"]),
        ["core", "fast-ext", "test-tool", "win-only"]
    );

    // pvm's sync and uv's installer read the same lock into the same env (pvm adds the `dev`
    // group unless --no-dev; uv installs the groups it is given).
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked", "--extra", "fast", "--group", "tests"])
        .assert()
        .success();
    let mut ours = sandbox.installed();
    ours.retain(|d| !d.starts_with("pip=="));
    let venv = sandbox.root.join("uv-venv");
    let python = pyenv_python("3.12").join("bin/python3");
    let uv = |args: &[&str]| {
        let out = std::process::Command::new(test_uv())
            .args(args)
            .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
            .env("UV_PREVIEW_FEATURES", "pylock")
            .env_remove("VIRTUAL_ENV")
            .current_dir(&sandbox.project)
            .output()
            .unwrap();
        assert!(out.status.success(), "uv {args:?}: {}", stderr(&out));
        out
    };
    uv(&[
        "venv",
        "--quiet",
        "--python",
        &python.to_string_lossy(),
        &venv.to_string_lossy(),
    ]);
    let venv_python = venv.join("bin/python").to_string_lossy().into_owned();
    uv(&[
        "pip",
        "install",
        "--offline",
        "--python",
        &venv_python,
        "-r",
        "pylock.toml",
        "--extra",
        "fast",
        "--group",
        "dev",
        "--group",
        "tests",
    ]);
    let out = uv(&["pip", "freeze", "--python", &venv_python]);
    let mut theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    theirs.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn a_tampered_wheel_is_refused_and_the_env_keeps_running_as_it_was() {
    let sandbox = Sandbox::empty();
    let wheel = sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
    let expected = sha256_hex(&wheel);

    // Same name, other content.
    tamper_alpha(&sandbox.wheels());
    let actual = sha256_hex(&wheel);
    assert_ne!(expected, actual);
    let err = fails_with(
        sandbox.pvm().args(["sync", "--reinstall"]),
        "hash mismatch for alpha==1.0",
    );
    assert!(err.contains(&expected) && err.contains(&actual), "{err}");
    // The refusal changed nothing: the env is still in sync and runs without a re-sync.
    sandbox.assert_alpha_untampered();
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
    fails_with(
        sandbox.pvm().args(["sync", "--locked"]),
        "pylock.toml is stale",
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
        stderr(out.get_output()).contains("re-locked pylock.toml"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(names(&lock_toml(&sandbox)), ["alpha", "beta"]);
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
        let zeta = package(&lock, "zeta");
        let artifact = zeta
            .get("wheels")
            .map(|w| &w[0])
            .or_else(|| zeta.get("archive"))
            .unwrap_or_else(|| panic!("{installer}: no artifact for zeta: {lock}"));
        assert_eq!(
            artifact["hashes"]["sha256"].as_str(),
            Some(sha256_hex(&elsewhere).as_str()),
            "{installer}"
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
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        for name in ["core", "fast-ext", "docs-tool"] {
            build_wheel(&sandbox.project.join("wheels"), name, "1.0", &[], &[]);
        }
        sandbox.manifest(&format!(
            "[project]\nname = \"demo\"\ndependencies = [\"core\"]\n[project.optional-dependencies]\nfast = [\"fast-ext\"]\n[dependency-groups]\ndocs = [\"docs-tool\"]\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"{installer}\"\nno-index = true\nfind-links = [\"wheels\"]\n",
        ));
        sandbox.pvm_with_uv().arg("lock").assert().success();
        let lock = lock_toml(&sandbox);
        assert_eq!(
            names(&lock),
            ["core", "docs-tool", "fast-ext"],
            "every extra and group is locked"
        );
        assert_eq!(
            package(&lock, "core")["wheels"][0]["path"].as_str(),
            Some("wheels/core-1.0-py3-none-any.whl"),
            "{installer}: relative to the project"
        );
        assert_eq!(
            package(&lock, "fast-ext")["marker"].as_str(),
            Some("'fast' in extras")
        );
        assert_eq!(
            package(&lock, "docs-tool")["marker"].as_str(),
            Some("'docs' in dependency_groups")
        );

        // The default selection installs only what it needs from the lock.
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked"])
            .assert()
            .success();
        assert_eq!(sandbox.present_version("core"), "1.0");
        assert_eq!(sandbox.present_version("fast_ext"), "missing");
        // Another selection is still current under --locked.
        sandbox
            .pvm_with_uv()
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
        let before = std::fs::read(copy.join("pylock.toml")).unwrap();
        sandbox
            .pvm_in(&copy)
            .env("PVM_UV", test_uv())
            .args(["sync", "--locked"])
            .assert()
            .success();
        assert_eq!(
            std::fs::read(copy.join("pylock.toml")).unwrap(),
            before,
            "not re-locked"
        );
    }
}

#[test]
fn locked_and_frozen_hold_even_when_the_env_needs_nothing() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    // An env synced without a lock (the first sync would write one).
    sandbox.pvm().args(["sync", "--no-lock"]).assert().success();
    fails_with(
        sandbox.pvm().args(["sync", "--locked"]),
        "there is no pylock.toml",
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

#[test]
fn a_pylock_another_tool_wrote_is_honoured_then_taken_over() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        let old = sandbox.wheel("alpha", "1.0", &[]);
        sandbox.wheel("alpha", "2.0", &[]);
        sandbox.deps_project("3.12", installer, &["alpha"], "");
        // As uv exports one: no [tool.pvm], an older pin than the newest available.
        sandbox.write(
            "pylock.toml",
            &format!(
                "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n\n[[packages]]\nname = \"alpha\"\nversion = \"1.0\"\nwheels = [{{ path = {:?}, hashes = {{ sha256 = \"{}\" }} }}]\n",
                old.display().to_string(),
                sha256_hex(&old)
            ),
        );
        let out = sandbox.pvm_with_uv().arg("sync").assert().success();
        assert!(
            stderr(out.get_output()).contains("from pylock.toml"),
            "{installer}: {}",
            stderr(out.get_output())
        );
        assert_eq!(sandbox.imported_version("alpha"), "1.0", "{installer}");

        // `pvm lock` takes it over, keeping its versions; --upgrade drops them.
        let out = sandbox.pvm_with_uv().arg("lock").assert().success();
        assert!(stderr(out.get_output()).contains("Taking over"));
        let lock = lock_toml(&sandbox);
        assert_eq!(package(&lock, "alpha")["version"].as_str(), Some("1.0"));
        assert_eq!(lock["created-by"].as_str(), Some("pvm"));
        sandbox
            .pvm_with_uv()
            .args(["lock", "--upgrade"])
            .assert()
            .success();
        assert_eq!(
            package(&lock_toml(&sandbox), "alpha")["version"].as_str(),
            Some("2.0")
        );
    }
}

#[test]
fn an_old_pvm_lock_is_migrated_once_with_its_versions() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "2.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    sandbox.write(
        "pvm.lock",
        "version = 1\ninputs = \"0\"\n\n[resolved-for]\npython = \"3.12.1\"\nimplementation = \"cpython\"\nplatform = \"linux-x86_64\"\ninstaller = \"uv\"\n\n[[package]]\nname = \"alpha\"\nversion = \"1.0\"\nsource = \"wheels\"\ndependencies = []\n",
    );
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("migrated pvm.lock into pylock.toml"), "{err}");
    assert!(!sandbox.project.join("pvm.lock").exists());
    assert_eq!(
        package(&lock_toml(&sandbox), "alpha")["version"].as_str(),
        Some("1.0")
    );
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(!stderr(out.get_output()).contains("migrated"));
}

#[test]
fn an_explicit_sync_removes_what_was_installed_by_hand() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("stray", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
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
        .arg("stray")
        .assert()
        .success();
    assert_eq!(sandbox.present_version("stray"), "1.0");
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(
        stderr(out.get_output()).contains("- stray==1.0"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(sandbox.present_version("stray"), "missing");
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(stderr(out.get_output()).contains("is in sync"));
}

#[test]
fn moving_a_requirement_between_parts_makes_the_lock_stale_but_offline_does_not() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("gamma", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "uv",
        &["alpha"],
        "[project.optional-dependencies]\nfast = [\"gamma\"]\n",
    );
    sandbox.pvm_with_uv().arg("lock").assert().success();
    // How the sources are reached is not what was locked.
    sandbox
        .pvm_with_uv()
        .env("PVM_OFFLINE", "1")
        .args(["sync", "--locked"])
        .assert()
        .success();
    // The same requirements, in other parts: the markers would be wrong.
    sandbox.deps_project("3.12", "uv", &["alpha", "gamma"], "");
    fails_with(
        sandbox.pvm_with_uv().args(["sync", "--locked"]),
        "pylock.toml is stale",
    );
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("gamma"), "1.0");
}

/// As uv does: the interpreter in use and newer, not every Python uv could resolve for.
#[test]
fn without_requires_python_the_lock_is_for_the_interpreter_in_use_and_newer() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("old-only", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "uv",
        &["alpha", "old-only ; python_version < '3.10'"],
        "",
    );
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    assert!(stderr(out.get_output()).contains("no `requires-python`"));
    let lock = lock_toml(&sandbox);
    assert_eq!(lock["requires-python"].as_str(), Some(">=3.12"));
    let names: Vec<&str> = lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["alpha"]);
}

#[test]
fn a_path_dependency_in_the_lock_is_installed_and_kept() {
    let sandbox = Sandbox::empty();
    // A second project, in a folder with a space, built by the in-tree test backend.
    let lib = sandbox.root.join("my lib");
    backend_folder(&lib, "mylib", "0.3", "__version__ = \"0.3\"\n");
    std::fs::create_dir_all(sandbox.wheels()).unwrap();
    sandbox.deps_project("3.12", "uv", &["mylib @ file:///../my%20lib"], "");
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace(
        "file:///../my%20lib",
        &format!("file://{}", lib.display().to_string().replace(' ', "%20")),
    ));
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("mylib"), "0.3");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(
        stderr(out.get_output()).contains("is in sync"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(sandbox.present_version("mylib"), "0.3");
}

#[test]
fn an_extra_that_cannot_be_resolved_alone_is_named_without_pvm_s_own_markers() {
    // attrs' `dev` extra once needed a package for Python >=3.9 under requires-python >=3.8:
    // the error names the extra and says uv's reason in the project's own terms.
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("tool", "1.0", &[]);
    build_wheel_with_headers(
        &sandbox.wheels(),
        "needy",
        "1.0",
        &[],
        &[],
        "Requires-Python: >=3.99\n",
    );
    let more = "requires-python = \">=3.9\"\n[project.optional-dependencies]\ntest = [\"tool\"]\ndocs = [\"tool\"]\ndev = [\"needy\"]\n";
    sandbox.deps_project("3.12", "uv", &["alpha"], more);
    let err = fails_with(
        sandbox.pvm_with_uv().arg("lock"),
        "extra `dev` cannot be resolved for every Python the project allows",
    );
    assert!(err.contains("needy"), "{err}");
    assert!(!err.contains("pvm-part"), "{err}");
    assert!(err.contains("requires-python"), "{err}");
}

#[test]
fn conflicting_groups_are_named_then_locked_one_by_one_when_declared() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("lib", "1.0", &[]);
    sandbox.wheel("lib", "2.0", &[]);
    let groups = "[dependency-groups]\na = [\"lib==1.0\"]\nb = [\"lib==2.0\"]\n";
    sandbox.deps_project("3.12", "uv", &["alpha"], groups);
    let err = fails_with(
        sandbox.pvm_with_uv().arg("lock"),
        "group `a` and group `b` cannot be installed together",
    );
    assert!(err.contains("[tool.pvm] conflicts"), "{err}");

    // Declared: each is locked in a world of its own, and selected alone.
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace(
        "[tool.pvm]\n",
        "[tool.pvm]\nconflicts = [[{ group = \"a\" }, { group = \"b\" }]]\n",
    ));
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let lock = lock_toml(&sandbox);
    let versions: Vec<(String, String)> = lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"].as_str() == Some("lib"))
        .map(|p| {
            (
                p["version"].as_str().unwrap().to_string(),
                p["marker"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(versions.len(), 2, "{versions:?}");
    for (version, group) in [("1.0", "a"), ("2.0", "b")] {
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked", "--group", group])
            .assert()
            .success();
        assert_eq!(sandbox.present_version("lib"), version, "group {group}");
    }
    fails_with(
        sandbox
            .pvm_with_uv()
            .args(["sync", "--group", "a", "--group", "b"]),
        "group `a` and group `b` are declared as conflicting",
    );
}

#[test]
fn a_lock_put_back_at_the_same_size_is_installed_by_the_next_run() {
    // A warm run takes the lock's digest from the last sync while the file keeps its size and
    // mtime: another lock of the very same size, put in its place, must still be seen.
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    let path = sandbox.project.join("pylock.toml");
    let old = std::fs::read_to_string(&path).unwrap();
    sandbox.wheel("alpha", "2.0", &[]);
    sandbox.pvm().args(["lock", "--upgrade"]).assert().success();
    assert_eq!(sandbox.imported_version("alpha"), "2.0");
    let new = std::fs::read_to_string(&path).unwrap();
    assert_ne!(old, new);
    assert_eq!(old.len(), new.len(), "the two locks differ only in place");

    std::fs::write(&path, &old).unwrap();
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    // And back again, as a `git checkout` would.
    std::fs::write(&path, &new).unwrap();
    assert_eq!(sandbox.imported_version("alpha"), "2.0");
}
