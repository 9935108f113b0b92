//! The project is never its own dependency: when a dependency names it (a test plugin of the
//! project) and an index holds a release of its name, the lock holds the project as its
//! folder, syncs keep it editable, and export, tree and status treat it as the root.

use std::path::PathBuf;

use crate::support::*;

const WHERE_DEMO: &str = "import demo; print(demo.__version__, demo.__file__)";

/// A package project `demo` whose dev group asks for `other`, which depends on `demo`, with a
/// `demo` 9.0 wheel beside `other` in the find-links folder.
fn plugin_project(installer: &str, python: &str) -> Sandbox {
    let sandbox = Sandbox::empty();
    sandbox.wheel("other", "1.0", &["demo"]);
    sandbox.wheel("demo", "9.0", &[]);
    sandbox.package_project(
        python,
        installer,
        &[],
        "\n[dependency-groups]\ndev = [\"other\"]\n",
    );
    sandbox
}

fn the_project_is_its_folder_in_its_lock(installer: &str, python: &str) {
    let sandbox = plugin_project(installer, python);
    sandbox.pvm_for(installer).arg("lock").assert().success();
    let lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap())
            .unwrap();
    let demos: Vec<&toml::Value> = lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"].as_str() == Some("demo"))
        .collect();
    assert_eq!(demos.len(), 1, "{lock:#?}");
    assert_eq!(demos[0].get("version"), None, "{lock:#?}");
    assert_eq!(demos[0]["directory"]["path"].as_str(), Some("."));
    assert_eq!(demos[0]["directory"]["editable"].as_bool(), Some(true));

    // Two syncs: the project stays the editable one, never the index's 9.0.
    let source = sandbox.project.join("src/demo/__init__.py");
    for _ in 0..2 {
        let out = sandbox.pvm_for(installer).arg("sync").assert().success();
        let err = stderr(out.get_output());
        assert!(!err.contains("9.0"), "{err}");
        let shown = sandbox.python(WHERE_DEMO);
        assert_eq!(shown, format!("0.1.0 {}", source.display()));
    }
    let info = sandbox.info_json();
    assert_eq!(info["status"], "ok", "{info}");
    assert_eq!(info["installed_project"]["version"], "0.1.0");

    // The export installs the project from its folder, not a release of its name.
    let out = sandbox.pvm().arg("export").assert().success();
    let text = stdout(out.get_output());
    assert!(text.lines().any(|l| l == "-e ."), "{text}");
    assert!(!text.contains("demo=="), "{text}");
    assert!(text.contains("other==1.0"), "{text}");

    // The tree: `other` a root without the project below it, the project the last root.
    let out = sandbox.pvm().args(["tree", "--json"]).assert().success();
    let tree: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let roots = tree.as_array().unwrap();
    let names: Vec<&str> = roots.iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["other", "demo"], "{tree:#}");
    assert_eq!(roots[0]["dependencies"], serde_json::json!([]), "{tree:#}");
    assert_eq!(roots[1]["version"], "0.1.0");
}

#[test]
fn the_project_is_its_folder_in_its_lock_with_uv() {
    the_project_is_its_folder_in_its_lock("uv", "3.12");
}

#[test]
fn the_project_is_its_folder_in_its_lock_with_pip() {
    the_project_is_its_folder_in_its_lock("pip", "3.11");
}

/// A second `.dist-info` of one name, put there by hand: the env is not `ok`.
#[test]
fn two_dist_infos_of_one_name_are_never_ok() {
    let sandbox = plugin_project("uv", "3.12");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    assert_eq!(sandbox.info_json()["status"], "ok");
    let site: PathBuf =
        PathBuf::from(sandbox.python("import sysconfig; print(sysconfig.get_path('purelib'))"));
    let extra = site.join("demo-9.0.dist-info");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(
        extra.join("METADATA"),
        "Metadata-Version: 2.1\nName: demo\nVersion: 9.0\n",
    )
    .unwrap();
    std::fs::write(extra.join("RECORD"), "").unwrap();

    let info = sandbox.info_json();
    assert_eq!(info["status"], "broken", "{info}");
    assert!(
        info["reason"].as_str().unwrap().contains("`demo`"),
        "{info}"
    );
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list[0]["status"], "broken", "{list}");
}

/// A lock written before pvm kept the project out of resolutions holds `demo` 9.0 from the
/// find-links folder: syncs install the project, never that release in its place.
fn an_index_release_never_replaces_the_project(installer: &str, python: &str) {
    let sandbox = plugin_project(installer, python);
    sandbox.pvm_for(installer).arg("lock").assert().success();
    let path = sandbox.project.join("pylock.toml");
    let mut lock: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let packages = lock["packages"].as_array_mut().unwrap();
    let marker = packages
        .iter()
        .find(|p| p["name"].as_str() == Some("other"))
        .and_then(|p| p.get("marker").cloned());
    let wheel = sandbox.wheels().join("demo-9.0-py3-none-any.whl");
    let mut release = toml::Table::new();
    release.insert("name".into(), "demo".into());
    release.insert("version".into(), "9.0".into());
    if let Some(marker) = marker {
        release.insert("marker".into(), marker);
    }
    let mut artifact = toml::Table::new();
    artifact.insert("path".into(), wheel.display().to_string().into());
    artifact.insert(
        "size".into(),
        (std::fs::metadata(&wheel).unwrap().len() as i64).into(),
    );
    let mut hashes = toml::Table::new();
    hashes.insert("sha256".into(), sha256_hex(&wheel).into());
    artifact.insert("hashes".into(), hashes.into());
    release.insert("wheels".into(), vec![toml::Value::from(artifact)].into());
    packages.retain(|p| p["name"].as_str() != Some("demo"));
    packages.push(release.into());
    std::fs::write(&path, toml::to_string(&lock).unwrap()).unwrap();

    let source = sandbox.project.join("src/demo/__init__.py");
    for _ in 0..2 {
        let out = sandbox.pvm_for(installer).arg("sync").assert().success();
        let err = stderr(out.get_output());
        assert!(!err.contains("9.0"), "{err}");
        let shown = sandbox.python(WHERE_DEMO);
        assert_eq!(shown, format!("0.1.0 {}", source.display()));
        let installed = sandbox.installed();
        assert!(
            installed.contains(&"other==1.0".to_string()),
            "{installed:?} {err}"
        );
        assert!(
            !installed.contains(&"demo==9.0".to_string()),
            "{installed:?} {err}"
        );
    }
    assert_eq!(sandbox.info_json()["status"], "ok");
}

#[test]
fn an_index_release_never_replaces_the_project_with_uv() {
    an_index_release_never_replaces_the_project("uv", "3.12");
}

#[test]
fn an_index_release_never_replaces_the_project_with_pip() {
    an_index_release_never_replaces_the_project("pip", "3.11");
}
