//! What `pvm add` writes and what a re-lock keeps: the bound is the lowest version the
//! universal resolution picked (so `requires-python = ">=3.8"` still locks when the newest
//! release needs 3.10), one resolution and one `Synced` line; without `requires-python` the
//! lock is for the interpreter in use and newer, with a warning; a re-lock keeps the locked
//! versions (forks included) the manifest still allows. The index is a loopback server whose
//! pages say each wheel's Requires-Python, as PyPI's do.

use std::path::Path;

use crate::loopback::{Server, serve};
use crate::support::{Sandbox, build_wheel, sha256_hex, stderr};

/// Wheels `(name, version, requires-python)` served as a simple index at `<base>/simple`.
fn index(root: &Path, wheels: &[(&str, &str, &str)]) -> Server {
    let files = root.join("index/files");
    let mut pages: std::collections::BTreeMap<&str, String> = Default::default();
    for (name, version, python) in wheels {
        let wheel = build_wheel(&files, name, version, &[], &[]);
        let file = wheel.file_name().unwrap().to_string_lossy().into_owned();
        pages.entry(name).or_default().push_str(&format!(
            "<a href=\"../../files/{file}#sha256={}\" data-requires-python=\"{}\">{file}</a>\n",
            sha256_hex(&wheel),
            python.replace('>', "&gt;").replace('<', "&lt;"),
        ));
    }
    for (name, links) in pages {
        let page = root.join("index/simple").join(name);
        std::fs::create_dir_all(&page).unwrap();
        std::fs::write(
            page.join("index.html"),
            format!("<html><body>\n{links}</body></html>\n"),
        )
        .unwrap();
    }
    serve(root.join("index"))
}

/// A project on Python 3.12 resolving from `server`, with `requires_python` when given.
fn project(sandbox: &Sandbox, server: &Server, requires_python: Option<&str>, deps: &[&str]) {
    let deps: Vec<String> = deps.iter().map(|d| format!("{d:?}")).collect();
    let requires = requires_python
        .map(|r| format!("requires-python = \"{r}\"\n"))
        .unwrap_or_default();
    sandbox.manifest(&format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n{requires}dependencies = [{}]\n\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"uv\"\nindex-url = \"{}/simple\"\n",
        deps.join(", "),
        server.base,
    ));
}

fn manifest(sandbox: &Sandbox) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap())
        .unwrap()
}

/// `(name, version, marker)` of every locked package.
fn locked(sandbox: &Sandbox) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?.to_string(),
                p.get("version")?.as_str()?.to_string(),
                p.get("marker")
                    .and_then(|m| m.as_str())
                    .unwrap_or("")
                    .to_string(),
            ))
        })
        .collect()
}

fn versions_of(sandbox: &Sandbox, name: &str) -> Vec<String> {
    let mut versions: Vec<String> = locked(sandbox)
        .into_iter()
        .filter(|(n, ..)| n == name)
        .map(|(_, v, _)| v)
        .collect();
    versions.sort();
    versions
}

#[test]
fn add_under_an_old_requires_python_writes_the_lowest_bound_and_the_lock_holds() {
    let sandbox = Sandbox::empty();
    let server = index(
        &sandbox.root,
        &[
            ("base", "1.0", ">=3.8"),
            ("tool", "1.5", ">=3.8"),
            ("tool", "2.0", ">=3.10"),
        ],
    );
    project(&sandbox, &server, Some(">=3.8"), &["base"]);
    sandbox.pvm_with_uv().arg("lock").assert().success();

    let out = sandbox
        .pvm_with_uv()
        .args(["add", "--group", "test", "tool"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    // The newest tool needs 3.10: the bound is the version 3.8 gets, which every fork allows.
    assert_eq!(
        manifest(&sandbox)["dependency-groups"]["test"][0].as_str(),
        Some("tool>=1.5"),
        "{err}"
    );
    assert_eq!(err.matches("Synced").count(), 1, "{err}");
    assert_eq!(versions_of(&sandbox, "tool"), ["1.5", "2.0"], "{err}");
    // Installed now, as 3.12 gets it.
    assert_eq!(sandbox.present_version("tool"), "2.0");

    // The bound still locks, and add left the lock current.
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("is current"), "{err}");
    sandbox
        .pvm_with_uv()
        .args(["lock", "--upgrade"])
        .assert()
        .success();
    assert_eq!(versions_of(&sandbox, "tool"), ["1.5", "2.0"]);
}

#[test]
fn without_requires_python_the_lock_is_for_this_python_and_newer_with_a_warning() {
    let sandbox = Sandbox::empty();
    let server = index(
        &sandbox.root,
        &[("tool", "1.5", ">=3.8"), ("tool", "2.0", ">=3.10")],
    );
    project(&sandbox, &server, None, &["tool"]);
    let out = sandbox.pvm_with_uv().arg("lock").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("no `requires-python`"), "{err}");
    assert!(err.contains(">=3.12"), "{err}");
    let text = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(lock["requires-python"].as_str(), Some(">=3.12"));
    // Not for 3.8 unasked: one version, the one 3.12 gets.
    assert_eq!(versions_of(&sandbox, "tool"), ["2.0"]);

    // `pvm add` says it too, and bounds at what 3.12 and newer get.
    let out = sandbox
        .pvm_with_uv()
        .args(["add", "--dev", "tool"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("no `requires-python`"), "{err}");
    assert_eq!(
        manifest(&sandbox)["dependency-groups"]["dev"][0].as_str(),
        Some("tool>=2.0")
    );
}

#[test]
fn a_relock_keeps_the_locked_versions_and_forks_the_manifest_still_allows() {
    let sandbox = Sandbox::empty();
    let wheels = [
        ("lib", "1.0", ">=3.8"),
        ("tool", "1.5", ">=3.8"),
        ("tool", "2.0", ">=3.10"),
        ("other", "1.0", ">=3.8"),
    ];
    let server = index(&sandbox.root, &wheels);
    project(&sandbox, &server, Some(">=3.8"), &["lib", "tool"]);
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert_eq!(versions_of(&sandbox, "tool"), ["1.5", "2.0"]);

    // Newer releases appear; the manifest changes in a way that still allows the old ones.
    drop(server);
    let server = index(
        &sandbox.root,
        &[
            ("lib", "1.0", ">=3.8"),
            ("lib", "1.1", ">=3.8"),
            ("tool", "1.5", ">=3.8"),
            ("tool", "1.6", ">=3.8"),
            ("tool", "2.0", ">=3.10"),
            ("tool", "2.1", ">=3.10"),
            ("other", "1.0", ">=3.8"),
        ],
    );
    project(&sandbox, &server, Some(">=3.8"), &["lib", "tool", "other"]);
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert_eq!(versions_of(&sandbox, "lib"), ["1.0"]);
    assert_eq!(versions_of(&sandbox, "tool"), ["1.5", "2.0"]);
    assert_eq!(versions_of(&sandbox, "other"), ["1.0"]);

    // A manifest that no longer allows a locked version moves just that one.
    project(
        &sandbox,
        &server,
        Some(">=3.8"),
        &["lib>=1.1", "tool", "other"],
    );
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert_eq!(versions_of(&sandbox, "lib"), ["1.1"]);
    assert_eq!(versions_of(&sandbox, "tool"), ["1.5", "2.0"]);

    // --upgrade takes the newest everywhere.
    sandbox
        .pvm_with_uv()
        .args(["lock", "--upgrade"])
        .assert()
        .success();
    assert_eq!(versions_of(&sandbox, "tool"), ["1.6", "2.1"]);
}
