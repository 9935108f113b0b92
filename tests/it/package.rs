//! The project itself: a package is installed editable into its own env, after its
//! dependencies, rebuilt only when its build inputs change.

use std::path::{Path, PathBuf};

use crate::support::*;

const WHERE_DEMO: &str = "import demo; print(demo.__file__)";

/// `pvm run` (syncing with uv first if needed) printing the installed version of `demo`.
fn demo_version(sandbox: &Sandbox) -> assert_cmd::assert::Assert {
    let code = "import importlib.metadata as m; print(m.version('demo'))";
    sandbox
        .pvm_with_uv()
        .args(["run", "python", "-c", code])
        .assert()
        .success()
}

/// Installs the package with `installer`, runs its console script, imports it from source,
/// sees an edit without a re-sync, and reports it in `pvm info` and `pvm list`.
fn editable_install_with(installer: &str, python: &str) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.package_project(python, installer, &["dep"], "");
    let out = sandbox.pvm_for(installer).arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("+ demo==0.1.0 (editable)"), "{err}");
    assert!(err.contains("+ dep==1.0"), "{err}");

    // The console script is in the env's bin, and runs by name.
    let out = sandbox.pvm().args(["run", "demo-hello"]).assert().success();
    assert_eq!(stdout(out.get_output()), "hello from demo 0.1.0");
    assert!(sandbox.only_env().join("bin/demo-hello").is_file());

    // `import demo` is the project's source file, so an edit shows without a sync.
    let source = sandbox.project.join("src/demo/__init__.py");
    assert_eq!(PathBuf::from(sandbox.python(WHERE_DEMO)), source);
    std::fs::write(
        &source,
        "__version__ = \"edited\"\n\ndef main():\n    print(\"hello from demo\", __version__)\n",
    )
    .unwrap();
    let out = sandbox.pvm().args(["run", "demo-hello"]).assert().success();
    assert_eq!(stdout(out.get_output()), "hello from demo edited");
    assert_eq!(stderr(out.get_output()), "", "a warm run syncs nothing");

    let info = sandbox.info_json();
    assert_eq!(info["package"], true);
    assert_eq!(info["installed_project"]["name"], "demo");
    assert_eq!(info["installed_project"]["editable"], true);
    let text = sandbox.pvm().arg("info").assert().success();
    assert!(
        stdout(text.get_output()).contains("demo 0.1.0 installed (editable"),
        "{}",
        stdout(text.get_output())
    );
    let list = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&list.get_output().stdout).unwrap();
    assert_eq!(list[0]["installed_project"]["version"], "0.1.0");
}

#[test]
fn a_package_is_installed_editable_with_uv() {
    editable_install_with("uv", "3.12");
}

#[test]
fn a_package_is_installed_editable_with_pip() {
    editable_install_with("pip", "3.11");
}

#[test]
fn exact_sync_keeps_the_project_and_rebuilds_it_only_when_its_build_inputs_change() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.wheel("other", "1.0", &[]);
    sandbox.package_project("3.12", "uv", &["dep", "other"], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();

    // A dropped dependency goes; the project stays (rebuilt: its metadata lists dependencies).
    sandbox.package_project("3.12", "uv", &["dep"], "");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("- other==1.0"), "{err}");
    assert!(!err.contains("- demo"), "the project is not removed: {err}");
    assert!(sandbox.installed().contains(&"demo==0.1.0".to_string()));

    // A new dependency group is not a build input: synced, not rebuilt.
    sandbox.package_project(
        "3.12",
        "uv",
        &["dep"],
        "[dependency-groups]\ndev = [\"other\"]\n",
    );
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("+ other==1.0") && !err.contains("demo"),
        "{err}"
    );

    // The [project] table is: a new version is built and installed.
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\""));
    let out = demo_version(&sandbox);
    assert_eq!(stdout(out.get_output()), "0.2.0");
    assert!(stderr(out.get_output()).contains("~ demo 0.1.0 -> 0.2.0"));

    // So is a setup.py beside it, even at the same version.
    sandbox.write("setup.py", "# read by setuptools builds\n");
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("~ demo==0.2.0 (rebuilt, editable)"), "{err}");

    // A warm run afterwards starts nothing.
    let out = sandbox.pvm().args(["run", "true"]).assert().success();
    assert_eq!(stderr(out.get_output()), "");

    // Uninstalled by hand, the project comes back with the next explicit sync.
    sandbox
        .pvm()
        .args(["run", "python", "-m", "pip", "uninstall", "-y", "demo"])
        .assert()
        .success();
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let out = sandbox.pvm().args(["run", "demo-hello"]).assert().success();
    assert_eq!(stdout(out.get_output()), "hello from demo 0.1.0");
}

#[test]
fn a_fresh_env_takes_the_kept_build_and_a_changed_build_input_builds_again() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        sandbox.wheel("dep", "1.0", &[]);
        sandbox.package_project("3.12", installer, &["dep"], "");
        sandbox.pvm_for(installer).arg("sync").assert().success();

        // The backend is broken from now on: only a kept build can install the project.
        sandbox.write(
            "_backend/test_backend.py",
            "raise RuntimeError('the backend ran')\n",
        );
        sandbox.pvm().args(["remove", "--yes"]).assert().success();
        let out = sandbox.pvm_for(installer).arg("sync").assert().success();
        let err = stderr(out.get_output());
        assert!(
            err.contains("+ demo==0.1.0 (editable)"),
            "{installer}: {err}"
        );
        let out = sandbox.pvm().args(["run", "demo-hello"]).assert().success();
        assert_eq!(stdout(out.get_output()), "hello from demo 0.1.0");
        assert_eq!(
            PathBuf::from(sandbox.python(WHERE_DEMO)),
            sandbox.project.join("src/demo/__init__.py")
        );
        // An installer can uninstall it by its RECORD.
        sandbox
            .pvm()
            .args([
                "run",
                "python",
                "-m",
                "pip",
                "uninstall",
                "-y",
                "-q",
                "demo",
            ])
            .assert()
            .success();
        assert!(!sandbox.only_env().join("bin/demo-hello").exists());

        // A changed build input is a new build: the broken backend now runs, and fails.
        sandbox.write("setup.py", "# a build input\n");
        let out = sandbox.pvm_for(installer).arg("sync").assert().code(1);
        assert!(
            stderr(out.get_output()).contains("the backend ran"),
            "{installer}: {}",
            stderr(out.get_output())
        );
    }
}

#[test]
fn a_kept_build_is_not_used_after_a_commit_or_when_its_requirements_are_missing() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.package_project("3.12", "pip", &["dep"], "");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&sandbox.project)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "first"]);
    sandbox.pvm().arg("sync").assert().success();
    let broken = "raise RuntimeError('the backend ran')\n";
    sandbox.write("_backend/test_backend.py", broken);

    // What the kept build requires must be in the env: here it names one that is not.
    let kept = sandbox.home.join("cache/editables");
    let slot = std::fs::read_dir(&kept)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let metadata = slot.join("demo-0.1.0.dist-info/METADATA");
    let original = std::fs::read_to_string(&metadata).unwrap();
    std::fs::write(
        &metadata,
        format!("{original}Requires-Dist: not-installed\n"),
    )
    .unwrap();
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    fails_with(sandbox.pvm().arg("sync"), "the backend ran");
    std::fs::write(&metadata, original).unwrap();
    sandbox.pvm().arg("sync").assert().success();

    // A commit can change the version hatch-vcs or setuptools-scm would build: built anew.
    git(&["commit", "-q", "-am", "second"]);
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    fails_with(sandbox.pvm().arg("sync"), "the backend ran");
}

#[test]
fn a_broken_build_fails_cleanly_and_the_next_run_tries_again() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.package_project("3.12", "uv", &["dep"], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();

    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    let broken = manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        + "\n[tool.test-backend]\nfail = \"the backend broke on purpose\"\n";
    sandbox.manifest(&broken);
    let err = fails_with(
        sandbox.pvm_with_uv().args(["run", "demo-hello"]),
        "error: cannot build and install the project `demo` (editable, backend `test_backend`)",
    );
    assert!(err.contains("the backend broke on purpose"), "{err}");
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(err.matches("hint: ").count(), 1, "one hint, pvm's: {err}");

    // The env keeps what it had: dependencies and the last good build run with --no-sync.
    assert_eq!(sandbox.present_version("dep"), "1.0");
    let out = sandbox
        .pvm()
        .args(["run", "--no-sync", "demo-hello"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "hello from demo 0.1.0");
    let info = sandbox.info_json();
    assert_eq!(info["status"], "outdated");

    // Fixed, the next run builds it.
    sandbox.manifest(&manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\""));
    let out = demo_version(&sandbox);
    assert_eq!(stdout(out.get_output()), "0.2.0");
}

#[test]
fn a_backend_without_editable_support_is_named_with_a_hint() {
    let sandbox = Sandbox::empty();
    sandbox.package_project("3.11", "pip", &[], "");
    let backend = sandbox.project.join("_backend/test_backend.py");
    let text = std::fs::read_to_string(&backend).unwrap();
    std::fs::write(
        &backend,
        text.replace("def build_editable(", "def _build_editable_gone("),
    )
    .unwrap();
    let err = fails_with(
        sandbox.pvm().arg("sync"),
        "`test_backend` cannot build editable installs (PEP 660)",
    );
    assert!(err.contains("package = false"), "{err}");
}

#[test]
fn no_install_project_installs_only_the_dependencies() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.package_project("3.12", "uv", &["dep"], "");
    sandbox
        .pvm_with_uv()
        .args(["sync", "--no-install-project"])
        .assert()
        .success();
    let missing = "import importlib.util as u; print(u.find_spec('demo') is None)";
    assert_eq!(sandbox.python(missing), "True");
    assert_eq!(sandbox.imported_version("dep"), "1.0");
    assert!(!sandbox.only_env().join("bin/demo-hello").exists());
    let info = sandbox.info_json();
    assert_eq!(info["package"], true);
    assert!(info["installed_project"].is_null(), "{info}");

    // A plain sync installs it again.
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.python(missing), "False");
}

#[test]
fn only_packages_are_installed() {
    // `package = false` opts a project with a [build-system] out.
    let sandbox = Sandbox::empty();
    sandbox.package_project("3.12", "uv", &[], "");
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace("[tool.pvm]\n", "[tool.pvm]\npackage = false\n"));
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(!sandbox.installed().iter().any(|d| d.starts_with("demo==")));

    // Without a [build-system] a project is not a package (uv's rule).
    let plain = Sandbox::project("3.12");
    plain.pvm().arg("sync").assert().success();
    let info = plain.info_json();
    assert_eq!(info["package"], false);
    assert!(!plain.installed().iter().any(|d| d.starts_with("demo==")));
}

#[test]
fn a_group_that_names_the_project_brings_its_extras() {
    // `dev = ["demo[fast]"]` is the project's own extra, not a package on the index.
    let sandbox = Sandbox::empty();
    sandbox.wheel("speedup", "1.0", &[]);
    sandbox.package_project(
        "3.12",
        "uv",
        &[],
        "[project.optional-dependencies]\nfast = [\"speedup\"]\n\n[dependency-groups]\ndev = [\"demo[fast]\"]\n",
    );
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.imported_version("speedup"), "1.0");
    assert_eq!(sandbox.imported_version("demo"), "0.1.0");
}

#[test]
fn a_lock_pins_the_dependencies_and_the_project_is_installed_beside_them() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.package_project("3.12", "uv", &["dep"], "");
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(lock.contains("name = \"dep\""), "{lock}");
    // The project is in its lock only as its folder, not as a locked artifact.
    let parsed: toml::Table = toml::from_str(&lock).unwrap();
    let demo: Vec<&toml::Value> = parsed["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"].as_str() == Some("demo"))
        .collect();
    assert_eq!(demo.len(), 1, "{lock}");
    assert_eq!(demo[0]["directory"]["path"].as_str(), Some("."), "{lock}");
    assert!(
        demo[0].get("version").is_none() && demo[0].get("wheels").is_none(),
        "{lock}"
    );
    sandbox.wheel("dep", "2.0", &[]);
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .success();
    assert_eq!(sandbox.imported_version("dep"), "1.0");
    let out = sandbox.pvm().args(["run", "demo-hello"]).assert().success();
    assert_eq!(stdout(out.get_output()), "hello from demo 0.1.0");
}

#[test]
fn a_package_in_a_folder_with_spaces_and_letters_stays_installed() {
    let sandbox = Sandbox::in_folder("my projé");
    sandbox.package_project("3.12", "uv", &[], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(
        PathBuf::from(sandbox.python(WHERE_DEMO)),
        sandbox.project.join("src/demo/__init__.py")
    );
    // The next exact sync recognises it as the project (its direct_url.json is escaped).
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--reinstall"])
        .assert()
        .success();
    assert!(!stderr(out.get_output()).contains("- demo"));
    assert_eq!(sandbox.imported_version("demo"), "0.1.0");
}

#[test]
fn console_scripts_complete_after_pvm_run() {
    let sandbox = Sandbox::empty();
    sandbox.package_project("3.12", "uv", &[], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let got = crate::shell::bash_completions(&sandbox, &[&["pvm", "run", "demo-h"]]);
    assert_eq!(got[0], ["demo-hello"]);
}

/// setuptools and wheel from the wheels CPython ships in its test folder, for offline builds.
pub(crate) fn bundled_setuptools(into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    let mut found = Vec::new();
    for minor in ["3.13", "3.12"] {
        let prefix = pyenv_python(minor);
        let lib = prefix
            .join("lib")
            .join(format!("python{minor}"))
            .join("test");
        for dir in [lib.join("wheeldata"), lib] {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if (name.starts_with("setuptools-") || name.starts_with("wheel-"))
                    && name.ends_with(".whl")
                    && !found
                        .iter()
                        .any(|f: &String| f.split('-').next() == name.split('-').next())
                {
                    std::fs::copy(entry.path(), into.join(&name)).unwrap();
                    found.push(name);
                }
            }
        }
    }
    assert_eq!(
        found.len(),
        2,
        "this test needs the setuptools and wheel wheels of pyenv's Python 3.12 or 3.13 (in lib/python3.X/test): found {found:?}"
    );
}

#[test]
fn a_setuptools_project_with_only_setup_py_builds_with_both_installers() {
    for installer in ["uv", "pip"] {
        let sandbox = Sandbox::empty();
        bundled_setuptools(&sandbox.wheels());
        sandbox.manifest(&format!(
            "[build-system]\nrequires = [\"setuptools>=64\", \"wheel\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[tool.pvm]\npython = \"3.11\"\ninstaller = \"{installer}\"\nno-index = true\nfind-links = [{:?}]\n",
            sandbox.wheels().display().to_string()
        ));
        sandbox.write(
            "setup.py",
            "from setuptools import setup, find_packages\nsetup(name='legacy-pkg', version='1.5', package_dir={'': 'src'}, packages=find_packages('src'),\n      entry_points={'console_scripts': ['legacy-hello = legacy_pkg:main']})\n",
        );
        sandbox.write(
            "src/legacy_pkg/__init__.py",
            "def main():\n    print('hello from legacy')\n",
        );
        sandbox.pvm_for(installer).arg("sync").assert().success();
        let out = sandbox
            .pvm()
            .args(["run", "legacy-hello"])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "hello from legacy", "{installer}");
        assert_eq!(
            PathBuf::from(sandbox.python("import legacy_pkg; print(legacy_pkg.__file__)")),
            sandbox.project.join("src/legacy_pkg/__init__.py"),
            "{installer}"
        );
        // Exact: a second sync keeps it.
        sandbox.pvm_for(installer).args(["sync"]).assert().success();
        assert!(
            sandbox.installed().contains(&"legacy-pkg==1.5".to_string()),
            "{installer}: {:?}",
            sandbox.installed()
        );
    }
}

#[test]
fn init_package_writes_a_build_system_and_a_module() {
    let sandbox = Sandbox::empty();
    sandbox
        .pvm()
        .args([
            "init",
            "--package",
            "--no-env",
            "--name",
            "my-lib",
            "--python",
            "3.12",
        ])
        .assert()
        .success();
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    let table: toml::Table = toml::from_str(&manifest).unwrap();
    assert_eq!(
        table["build-system"]["build-backend"].as_str(),
        Some("hatchling.build")
    );
    assert_eq!(
        table["project"]["scripts"]["my-lib"].as_str(),
        Some("my_lib:main")
    );
    let module = std::fs::read_to_string(sandbox.project.join("src/my_lib/__init__.py")).unwrap();
    assert!(module.contains("def main()"), "{module}");
    let info = sandbox.info_json();
    assert_eq!(info["package"], true);

    // Without --package, a plain project as before.
    let plain = Sandbox::empty();
    plain
        .pvm()
        .args(["init", "--no-env", "--python", "3.12"])
        .assert()
        .success();
    let manifest = std::fs::read_to_string(plain.project.join("pyproject.toml")).unwrap();
    assert!(!manifest.contains("build-system"), "{manifest}");
    assert!(!plain.project.join("src").exists());
}
