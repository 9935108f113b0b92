use std::path::Path;

use crate::support::*;

#[test]
fn python_list_finds_pyenv_versions_and_path_interpreters() {
    let sandbox = Sandbox::empty();
    let out = sandbox
        .pvm()
        .args(["python", "list", "--json"])
        .assert()
        .success();
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let pyenv_312 = pyenv_python("3.12");
    assert!(
        found.iter().any(|p| p["origin"] == "pyenv"
            && Path::new(p["path"].as_str().unwrap()).starts_with(&pyenv_312)),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p["origin"] == "path"), "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| !p["path"].as_str().unwrap().contains("/shims/")),
        "shims are resolved"
    );
    let table = stdout(
        sandbox
            .pvm()
            .args(["python", "list"])
            .assert()
            .success()
            .get_output(),
    );
    assert!(table.starts_with("VERSION"), "{table}");
}

#[test]
fn python_find_and_pin() {
    let sandbox = Sandbox::empty();
    let out = sandbox
        .pvm()
        .args(["python", "find", "3.11"])
        .assert()
        .success();
    assert!(Path::new(&stdout(out.get_output())).starts_with(pyenv_python("3.11")));
    let out = sandbox
        .pvm()
        .args(["python", "find", ">=3.9,<3.11"])
        .assert()
        .success();
    assert!(
        Path::new(&stdout(out.get_output())).starts_with(pyenv_python("3.10")),
        "newest match wins"
    );
    fails_with(
        sandbox.pvm().args(["python", "find", "3.42"]),
        "interpreters found",
    );
    sandbox
        .pvm()
        .args(["python", "find", "not a request!"])
        .assert()
        .code(1);

    sandbox
        .pvm()
        .args(["python", "pin", "3.10"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(sandbox.project.join(".python-version")).unwrap(),
        "3.10\n"
    );
    sandbox
        .pvm()
        .args(["python", "pin", "3.42"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(sandbox.project.join(".python-version")).unwrap(),
        "3.10\n"
    );
}
