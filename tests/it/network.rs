//! Against the real package index: run by `scripts/test-network`, never by the default suite.

use crate::support::*;

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn real_packages_at_different_versions_in_two_projects() {
    let cases = [("pip", "2.31.0", "3.12"), ("uv", "2.32.3", "3.11")];
    for (installer, version, python) in cases {
        let sandbox = Sandbox::empty();
        sandbox.manifest(&format!(
            "[project]\nname = \"net-{installer}\"\ndependencies = [\"requests=={version}\"]\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"{installer}\"\n"
        ));
        sandbox.pvm_with_uv().arg("lock").assert().success();
        let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
        for name in [
            "requests",
            "urllib3",
            "idna",
            "certifi",
            "charset-normalizer",
        ] {
            assert!(
                lock.contains(&format!("name = \"{name}\"")),
                "{name} locked with {installer}:\n{lock}"
            );
        }
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked"])
            .assert()
            .success();
        assert_eq!(sandbox.imported_version("requests"), version, "{installer}");
        assert_ne!(sandbox.imported_version("urllib3"), "missing");
    }
}

/// Downloads the sdist `spec` (`name==version`) from the index and unpacks it into the
/// sandbox: a real project nobody here wrote, with its pyproject.toml and its test suite.
fn real_sdist(sandbox: &Sandbox, spec: &str) -> std::path::PathBuf {
    let python = pyenv_python("3.12").join("bin/python3");
    let downloads = sandbox.root.join("sdists");
    let out = std::process::Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-binary", ":all:", "--no-deps", spec, "-d"])
        .arg(&downloads)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pip download {spec}: {}",
        stderr(&out)
    );
    let name = spec.replace("==", "-");
    let archive = downloads.join(format!("{name}.tar.gz"));
    let out = std::process::Command::new("tar")
        .args(["--no-same-owner", "-xzf"])
        .arg(&archive)
        .arg("-C")
        .arg(&sandbox.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tar {}: {}",
        archive.display(),
        stderr(&out)
    );
    sandbox.root.join(name)
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn real_packages_run_their_own_test_suites_from_a_fresh_checkout() {
    // One project per backend: flit_core, hatchling (with hatch-vcs), setuptools.
    let cases = [
        ("click==8.5.1", "tests", "3.12", "uv"),
        ("structlog==26.1.0", "tests", "3.11", "uv"),
        ("semver==3.1.2", "test", "3.12", "pip"),
    ];
    for (spec, group, python, installer) in cases {
        let sandbox = Sandbox::empty();
        let dir = real_sdist(&sandbox, spec);
        if installer == "pip" {
            let manifest = dir.join("pyproject.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            std::fs::write(&manifest, text + "\n[tool.pvm]\ninstaller = \"pip\"\n").unwrap();
        }
        let pvm = || {
            let mut cmd = sandbox.pvm_in(&dir);
            cmd.env("PVM_PYTHON", python).env("PVM_UV", test_uv());
            cmd
        };
        pvm().args(["sync", "--group", group]).assert().success();
        let out = pvm()
            .args([
                "run",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
            ])
            .assert();
        let output = out.get_output();
        assert!(
            output.status.success(),
            "{spec}: its own tests failed under pvm:\n{}\n{}",
            stdout(output),
            stderr(output)
        );
        assert!(
            stdout(output).contains(" passed"),
            "{spec}: {}",
            stdout(output)
        );
        let info = sandbox
            .pvm_in(&dir)
            .args(["info", "--json"])
            .assert()
            .success();
        let info: serde_json::Value = serde_json::from_slice(&info.get_output().stdout).unwrap();
        assert_eq!(
            info["installed_project"]["editable"], true,
            "{spec}: {info}"
        );
    }
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn a_real_package_s_console_script_runs_by_name() {
    let sandbox = Sandbox::empty();
    let dir = real_sdist(&sandbox, "semver==3.1.2");
    let run = |args: &[&str]| {
        sandbox
            .pvm_in(&dir)
            .env("PVM_PYTHON", "3.12")
            .env("PVM_UV", test_uv())
            .args(args)
            .assert()
            .success()
    };
    let out = run(&["run", "pysemver", "bump", "minor", "1.2.3"]);
    assert_eq!(stdout(out.get_output()), "1.3.0");
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn init_package_builds_with_hatchling_from_the_index() {
    let sandbox = Sandbox::empty();
    sandbox
        .pvm_with_uv()
        .args([
            "init",
            "--package",
            "--name",
            "hello-pkg",
            "--python",
            "3.12",
        ])
        .assert()
        .success();
    let out = sandbox.pvm().args(["run", "hello-pkg"]).assert().success();
    assert_eq!(stdout(out.get_output()), "Hello from hello-pkg!");
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn a_pylock_uv_exported_from_a_real_uv_lock_is_installed_then_taken_over() {
    // click's sdist carries its uv.lock: uv exports it as a pylock.toml (with the project
    // itself as an editable folder), and pvm installs exactly that.
    let sandbox = Sandbox::empty();
    let dir = real_sdist(&sandbox, "click==8.5.1");
    let out = std::process::Command::new(test_uv())
        .args([
            "export",
            "--quiet",
            "--frozen",
            "--format",
            "pylock.toml",
            "--all-groups",
        ])
        .args(["-o", "pylock.toml"])
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "uv export: {}", stderr(&out));
    let exported = std::fs::read_to_string(dir.join("pylock.toml")).unwrap();
    let lock: toml::Value = toml::from_str(&exported).unwrap();
    let pinned = |name: &str| -> String {
        lock["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .and_then(|p| p["version"].as_str())
            .unwrap_or_else(|| panic!("{name} in uv's export"))
            .to_string()
    };
    let pvm = || {
        let mut cmd = sandbox.pvm_in(&dir);
        cmd.env("PVM_PYTHON", "3.12").env("PVM_UV", test_uv());
        cmd
    };
    let out = pvm().args(["sync", "--group", "tests"]).assert().success();
    assert!(stderr(out.get_output()).contains("from pylock.toml"));
    let out = pvm()
        .args([
            "run",
            "python",
            "-c",
            "import pytest; print(pytest.__version__)",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), pinned("pytest"));
    pvm()
        .args(["run", "pytest", "-q", "-x", "-p", "no:cacheprovider"])
        .assert()
        .success();
    // Taken over: pvm's table, the same pins.
    pvm().arg("lock").assert().success();
    let ours: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.join("pylock.toml")).unwrap()).unwrap();
    assert_eq!(ours["created-by"].as_str(), Some("pvm"));
    let version = ours["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some("pytest"))
        .and_then(|p| p["version"].as_str())
        .unwrap();
    assert_eq!(version, pinned("pytest"));
}

/// pvm's own uv, from PyPI: the real wheel for this host, checked against pvm's table, and a
/// universal lock made with it.
#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn pvm_fetches_the_real_uv_from_pypi() {
    let sandbox = Sandbox::empty();
    sandbox.manifest(&format!(
        "[project]\nname = \"net-uv\"\nrequires-python = \">=3.9\"\ndependencies = [\"idna==3.7\"]\n[tool.pvm]\npython = {:?}\n",
        pyenv_python("3.12").display().to_string()
    ));
    let out = sandbox
        .pvm()
        .env("PATH", "/usr/bin:/bin")
        .env("PVM_UV_DOWNLOADS", "automatic")
        .arg("lock")
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("Fetching uv 0.13.9"));
    let uv = sandbox.home.join("tools/uv-0.13.9/uv");
    let version = std::process::Command::new(&uv)
        .arg("--version")
        .output()
        .unwrap();
    assert!(stdout(&version).contains("0.13.9"), "{}", stdout(&version));
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(lock.contains("name = \"idna\""), "{lock}");
    assert!(!lock.contains("environments"), "not universal:\n{lock}");
}

/// `name==version` of every distribution the interpreter `python` sees, pip's and the
/// build tools' left out.
fn distributions_of(python: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new(python)
        .args(["-c", "import importlib.metadata as m; print('\\n'.join(sorted('%s==%s' % (d.metadata['Name'].lower().replace('_', '-'), d.version) for d in m.distributions())))"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| {
            !["pip==", "setuptools==", "wheel=="]
                .iter()
                .any(|p| line.starts_with(p))
        })
        .map(String::from)
        .collect()
}

/// The env pvm made for the project in `dir`: its distributions.
fn pvm_distributions(sandbox: &Sandbox, dir: &std::path::Path, python: &str) -> Vec<String> {
    let out = sandbox
        .pvm_in(dir)
        .env("PVM_PYTHON", python)
        .args(["info", "--path"])
        .assert()
        .success();
    let env = std::path::PathBuf::from(stdout(out.get_output()).trim());
    distributions_of(&env.join("bin/python"))
}

/// A venv with `tool` installed from the index, for a project made by the real tool.
fn tool_venv(sandbox: &Sandbox, tool: &str) -> std::path::PathBuf {
    let venv = sandbox.root.join(format!("{tool}-venv"));
    let python = pyenv_python("3.12").join("bin/python3");
    let out = std::process::Command::new(python)
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = std::process::Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            tool,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "pip install {tool}: {}", stderr(&out));
    venv
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn real_sdists_that_ship_a_uv_lock_sync_to_its_versions_and_pass_their_suites() {
    for spec in ["markupsafe==3.0.4", "werkzeug==3.1.9"] {
        let sandbox = Sandbox::empty();
        let dir = real_sdist(&sandbox, spec);
        let text = std::fs::read_to_string(dir.join("uv.lock"))
            .unwrap_or_else(|_| panic!("{spec} ships no uv.lock"));
        let lock: toml::Table = toml::from_str(&text).unwrap();
        let locked: Vec<String> = lock["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}=={}",
                    p["name"].as_str().unwrap(),
                    p["version"].as_str().unwrap_or("")
                )
            })
            .collect();
        let out = sandbox
            .pvm_in(&dir)
            .env("PVM_PYTHON", "3.12")
            .env("PVM_UV", test_uv())
            .arg("sync")
            .assert()
            .success();
        let err = stderr(out.get_output());
        assert!(err.contains("from uv.lock"), "{spec}: {err}");
        for installed in pvm_distributions(&sandbox, &dir, "3.12") {
            assert!(
                locked.contains(&installed),
                "{spec}: {installed} is not the lock's"
            );
        }
        // And its own test suite passes in that env (the lock's default groups hold pytest).
        let out = sandbox
            .pvm_in(&dir)
            .env("PVM_PYTHON", "3.12")
            .env("PVM_UV", test_uv())
            .args(["run", "pytest", "-q", "-p", "no:cacheprovider"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{spec}: its test suite failed:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn a_project_made_with_poetry_syncs_to_the_versions_poetry_installs() {
    let sandbox = Sandbox::in_folder("poetry-app");
    let venv = tool_venv(&sandbox, "poetry>=2");
    sandbox.manifest(
        "[project]\nname = \"poetry-app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.12\"\ndependencies = [\"requests>=2.30,<2.32\"]\n\n[tool.poetry]\npackage-mode = false\n\n[tool.poetry.group.dev.dependencies]\niniconfig = \"^2.0\"\n",
    );
    let poetry = |args: &[&str]| {
        let out = std::process::Command::new(venv.join("bin/poetry"))
            .args(args)
            .current_dir(&sandbox.project)
            .env("POETRY_VIRTUALENVS_IN_PROJECT", "true")
            .env("POETRY_CACHE_DIR", sandbox.root.join("poetry-cache"))
            .env("POETRY_PYTHON", pyenv_python("3.12").join("bin/python3"))
            .output()
            .unwrap();
        assert!(out.status.success(), "poetry {args:?}: {}", stderr(&out));
    };
    poetry(&[
        "env",
        "use",
        &pyenv_python("3.12")
            .join("bin/python3")
            .display()
            .to_string(),
    ]);
    poetry(&["lock"]);
    poetry(&["install"]);
    let theirs = distributions_of(&sandbox.project.join(".venv/bin/python"));
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(stderr(out.get_output()).contains("from poetry.lock"));
    assert_eq!(
        pvm_distributions(&sandbox, &sandbox.project, "3.12"),
        theirs
    );
    // Migrated to PEP 621, it syncs to the same versions (kept from poetry.lock).
    sandbox
        .pvm()
        .args(["init", "--migrate", "--remove-old"])
        .assert()
        .success();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(
        pvm_distributions(&sandbox, &sandbox.project, "3.12"),
        theirs
    );
}

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn a_project_made_with_pipenv_syncs_to_the_versions_pipenv_installs() {
    let sandbox = Sandbox::in_folder("pipenv-app");
    let venv = tool_venv(&sandbox, "pipenv");
    sandbox.write(
        "Pipfile",
        "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\nrequests = \">=2.30,<2.32\"\n\n[dev-packages]\niniconfig = \"*\"\n\n[requires]\npython_version = \"3.12\"\n",
    );
    let out = std::process::Command::new(venv.join("bin/pipenv"))
        .args(["install", "--dev", "--python"])
        .arg(pyenv_python("3.12").join("bin/python3"))
        .current_dir(&sandbox.project)
        .env("PIPENV_VENV_IN_PROJECT", "1")
        .env("PIPENV_IGNORE_VIRTUALENVS", "1")
        .env("PIPENV_CACHE_DIR", sandbox.root.join("pipenv-cache"))
        .env("PIPENV_YES", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "pipenv install: {}", stderr(&out));
    let theirs = distributions_of(&sandbox.project.join(".venv/bin/python"));
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(stderr(out.get_output()).contains("from Pipfile.lock"));
    assert_eq!(
        pvm_distributions(&sandbox, &sandbox.project, "3.12"),
        theirs
    );
    // Migrated to PEP 621, it syncs to the same versions (kept from Pipfile.lock).
    sandbox
        .pvm()
        .args(["init", "--remove-old"])
        .assert()
        .success();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(
        pvm_distributions(&sandbox, &sandbox.project, "3.12"),
        theirs
    );
}
