//! Dependencies only the build knows (`setup.py`'s `install_requires`, `setup.cfg`): the lock
//! holds what the backend reports, the backend runs again only when the build inputs change,
//! and its failure is shown with its own output.

use std::path::PathBuf;

use crate::support::*;

const SETUP_PY: &str = "from setuptools import setup\nsetup(name='legacy', version='1.0', py_modules=['legacy'],\n      install_requires=[INSTALL_REQUIRES],\n      extras_require={'fast': ['fastdep']})\n";

/// A setuptools project with only a `setup.py` (and `[tool.pvm] package = true`, so no
/// `[build-system]`: setuptools is its default backend), installing from the test's wheels.
fn setup_py_project(installer: &str, install_requires: &str) -> Sandbox {
    let sandbox = Sandbox::empty();
    crate::package::bundled_setuptools(&sandbox.wheels());
    sandbox.wheel("dep", "1.0", &["subdep"]);
    sandbox.wheel("subdep", "1.0", &[]);
    sandbox.wheel("fastdep", "1.0", &[]);
    sandbox.wheel("other", "1.0", &[]);
    sandbox.manifest(&manifest(&sandbox, installer, ""));
    sandbox.write("legacy.py", "VALUE = 'legacy'\n");
    sandbox.write(
        "setup.py",
        &SETUP_PY.replace("INSTALL_REQUIRES", install_requires),
    );
    sandbox
}

/// A setuptools package `cfgpkg` 2.0 with only `[build-system]` in its manifest and its
/// dependencies (`dep>=1.0`) in `setup.cfg`, followed by `more`; installed by pip.
fn setup_cfg_project(more: &str) -> Sandbox {
    let sandbox = Sandbox::empty();
    crate::package::bundled_setuptools(&sandbox.wheels());
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.wheel("fastdep", "1.0", &[]);
    sandbox.manifest(&manifest(
        &sandbox,
        "pip",
        "[build-system]\nrequires = [\"setuptools>=64\"]\nbuild-backend = \"setuptools.build_meta\"\n\n",
    ));
    sandbox.write(
        "setup.cfg",
        &format!("[metadata]\nname = cfgpkg\nversion = 2.0\n\n[options]\npy_modules = cfgpkg\ninstall_requires =\n    dep>=1.0\n{more}"),
    );
    sandbox.write("cfgpkg.py", "VALUE = 'cfg'\n");
    sandbox
}

fn manifest(sandbox: &Sandbox, installer: &str, more: &str) -> String {
    format!(
        "{more}[tool.pvm]\npackage = true\npython = \"3.11\"\ninstaller = \"{installer}\"\nno-index = true\nfind-links = [{:?}]\n",
        sandbox.wheels().display().to_string()
    )
}

/// The lock's packages: name to marker (`-` for none).
fn locked(sandbox: &Sandbox) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            let marker = package
                .get("marker")
                .and_then(|m| m.as_str())
                .unwrap_or("-");
            (
                package["name"].as_str().unwrap().to_string(),
                marker.to_string(),
            )
        })
        .collect()
}

fn kept_metadata(sandbox: &Sandbox) -> Vec<PathBuf> {
    let folder = sandbox.home.join("cache/build-metadata");
    std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect()
}

#[test]
fn setup_py_install_requires_and_extras_are_locked_and_synced() {
    let sandbox = setup_py_project("uv", "'dep>=1.0'");
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    let err = stderr(out.get_output());
    let packages = locked(&sandbox);
    for (name, marker) in [
        ("dep", "-"),
        ("subdep", "-"),
        ("fastdep", "'fast' in extras"),
    ] {
        assert!(
            packages.contains(&(name.to_string(), marker.to_string())),
            "{name} ({marker}) in {packages:?}\n{err}"
        );
    }
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(lock.contains("extras = [\"fast\"]"), "{lock}");
    assert_eq!(
        kept_metadata(&sandbox).len(),
        1,
        "the build's answer is kept"
    );

    // The lock is installed: the dependencies, and the extra when asked for.
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .success();
    let installed = sandbox.installed();
    for present in ["dep==1.0", "subdep==1.0", "legacy==1.0"] {
        assert!(installed.contains(&present.to_string()), "{installed:?}");
    }
    assert!(!installed.iter().any(|d| d.starts_with("fastdep")));
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked", "--extra", "fast"])
        .assert()
        .success();
    assert!(sandbox.installed().contains(&"fastdep==1.0".to_string()));

    // A second lock does not run the backend: with setuptools gone from the only source,
    // a build could not even start, and a re-lock (a new group) still succeeds from the cache.
    for entry in std::fs::read_dir(sandbox.wheels()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("setuptools-") || name.starts_with("wheel-") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    sandbox.manifest(&manifest(
        &sandbox,
        "uv",
        "[dependency-groups]\ndev = [\"other\"]\n\n",
    ));
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    assert!(
        locked(&sandbox).contains(&("dep".to_string(), "-".to_string())),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(kept_metadata(&sandbox).len(), 1);

    // `--upgrade` asks the backend again, which cannot be built now.
    let out = sandbox
        .pvm_with_uv()
        .args(["lock", "--upgrade"])
        .assert()
        .failure();
    let err = stderr(out.get_output());
    assert!(err.contains("cannot read the dependencies"), "{err}");
    assert!(err.contains("setuptools"), "{err}");
}

#[test]
fn editing_install_requires_makes_the_lock_stale_and_the_next_lock_picks_it() {
    let sandbox = setup_py_project("uv", "'dep'");
    // A group naming the project itself means the extras it names, which only the build knows.
    sandbox.manifest(&manifest(
        &sandbox,
        "uv",
        "[dependency-groups]\ntest = [\"legacy[fast]\"]\n\n",
    ));
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let packages = locked(&sandbox);
    assert!(!packages.iter().any(|(name, _)| name == "other"));
    assert!(
        packages.iter().any(|(name, marker)| name == "fastdep"
            && marker.contains("'fast' in extras")
            && marker.contains("'test' in dependency_groups")),
        "{packages:?}"
    );

    sandbox.write(
        "setup.py",
        &SETUP_PY.replace("INSTALL_REQUIRES", "'dep', 'other'"),
    );
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .failure();
    let err = stderr(out.get_output());
    assert!(err.contains("stale"), "{err}");

    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert!(
        locked(&sandbox).contains(&("other".to_string(), "-".to_string())),
        "{:?}",
        locked(&sandbox)
    );
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .success();
    assert!(sandbox.installed().contains(&"other==1.0".to_string()));
}

#[test]
fn setup_cfg_dependencies_are_locked_with_pip() {
    let sandbox = setup_cfg_project("\n[options.extras_require]\nfast = fastdep\n");
    let out = sandbox.pvm().arg("lock").assert().success();
    let err = stderr(out.get_output());
    let packages = locked(&sandbox);
    assert!(
        packages
            .iter()
            .any(|(name, marker)| name == "dep" && !marker.contains("extras")),
        "{packages:?}\n{err}"
    );
    assert!(
        packages
            .iter()
            .any(|(name, marker)| name == "fastdep" && marker.contains("'fast' in extras")),
        "{packages:?}\n{err}"
    );
    sandbox.pvm().args(["sync", "--locked"]).assert().success();
    let installed = sandbox.installed();
    assert!(installed.contains(&"dep==1.0".to_string()), "{installed:?}");
    assert!(
        installed.contains(&"cfgpkg==2.0".to_string()),
        "{installed:?}"
    );
}

#[test]
fn a_broken_setup_py_is_the_backend_error_with_its_output() {
    let sandbox = setup_py_project("uv", "'dep'");
    sandbox.write(
        "setup.py",
        "raise RuntimeError('setup.py is broken on purpose')\n",
    );
    let out = sandbox.pvm_with_uv().arg("lock").assert().failure();
    let err = stderr(out.get_output());
    assert!(
        err.contains("cannot read the dependencies of the project"),
        "{err}"
    );
    assert!(err.contains("setup.py is broken on purpose"), "{err}");
    assert!(err.contains("hint: "), "{err}");
    // Without pvm's scratch folder in the traceback.
    let scratch = sandbox.tmp().join("pvm-").display().to_string();
    assert!(!err.contains(&scratch), "{err}");
    assert!(kept_metadata(&sandbox).is_empty(), "a failure is not kept");
}

#[test]
fn project_dynamic_dependencies_from_a_file_are_locked_and_the_file_is_a_build_input() {
    let sandbox = Sandbox::empty();
    crate::package::bundled_setuptools(&sandbox.wheels());
    sandbox.wheel("dep", "1.0", &[]);
    sandbox.wheel("other", "1.0", &[]);
    sandbox.manifest(&manifest(
        &sandbox,
        "uv",
        "[build-system]\nrequires = [\"setuptools>=64\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"pepdyn\"\nversion = \"1.0\"\ndynamic = [\"dependencies\"]\n\n[tool.setuptools]\npy-modules = [\"pepdyn\"]\n\n[tool.setuptools.dynamic]\ndependencies = { file = [\"requirements.in\"] }\n\n",
    ));
    sandbox.write("requirements.in", "dep\n");
    sandbox.write("pepdyn.py", "");
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert!(
        locked(&sandbox).contains(&("dep".to_string(), "-".to_string())),
        "{:?}",
        locked(&sandbox)
    );

    // The file setuptools reads the dependencies from is a build input: edited, the lock is stale.
    sandbox.write("requirements.in", "dep\nother\n");
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .failure();
    assert!(stderr(out.get_output()).contains("stale"));
}

#[test]
fn the_first_sync_of_a_setup_cfg_package_writes_its_lock() {
    // python-dateutil's shape: [build-system] and setup.cfg, no [project]. A plain `pvm sync`
    // locks what the backend reports, as it does for dependencies listed in the manifest.
    let sandbox = setup_cfg_project("");
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("wrote pylock.toml"), "{err}");
    assert!(
        locked(&sandbox).iter().any(|(name, _)| name == "dep"),
        "{err}"
    );
    assert!(sandbox.installed().contains(&"dep==1.0".to_string()));
    sandbox.pvm().args(["sync", "--locked"]).assert().success();
}
