//! Projects made with other tools, as they are: Poetry's tables, a Pipfile, `[tool.uv]`
//! default groups and sources (issue 24).

use crate::support::*;

fn local_index(sandbox: &Sandbox) -> String {
    format!(
        "[tool.pvm]\npython = \"3.11\"\nno-index = true\nfind-links = [{:?}]\n",
        sandbox.wheels().display().to_string()
    )
}

fn names(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .installed()
        .into_iter()
        .filter(|line| !line.starts_with("pip==") && !line.starts_with("setuptools=="))
        .collect()
}

#[test]
fn a_poetry_1_project_syncs_its_dependencies_and_its_non_optional_groups() {
    let sandbox = Sandbox::empty();
    for version in ["1.0", "1.5", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.wheel("linter", "0.4.2", &[]);
    sandbox.wheel("docsy", "1.0", &[]);
    sandbox.manifest(&format!(
        r#"[tool.poetry]
name = "app"
version = "0.1.0"
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
alpha = "^1.0"

[tool.poetry.dev-dependencies]
tester = "*"

[tool.poetry.group.lint.dependencies]
linter = "~0.4"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
docsy = "*"

{}"#,
        local_index(&sandbox)
    ));
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(!err.contains("does not read"), "{err}");
    assert_eq!(
        names(&sandbox),
        ["alpha==1.5", "linter==0.4.2", "tester==1.0"]
    );
    sandbox
        .pvm()
        .args(["sync", "--group", "docs"])
        .assert()
        .success();
    assert!(names(&sandbox).contains(&"docsy==1.0".to_string()));
}

#[test]
fn uv_default_groups_are_what_a_plain_sync_installs_and_unread_keys_are_named() {
    let sandbox = Sandbox::empty();
    for name in ["devdep", "testdep", "typedep", "lib"] {
        sandbox.wheel(name, "1.0", &[]);
    }
    sandbox.manifest(&format!(
        r#"[project]
name = "app"
version = "0.1.0"
dependencies = []

[dependency-groups]
dev = ["devdep"]
tests = ["testdep"]
typing = ["typedep"]

[tool.uv]
default-groups = ["dev", "tests"]
required-version = ">=0.5"

{}"#,
        local_index(&sandbox)
    ));
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert_eq!(
        err.matches("[tool.uv]: pvm does not read `required-version`")
            .count(),
        1,
        "{err}"
    );
    assert_eq!(names(&sandbox), ["devdep==1.0", "testdep==1.0"]);
    sandbox.pvm().args(["sync", "--no-dev"]).assert().success();
    assert_eq!(names(&sandbox), ["testdep==1.0"]);
}

#[test]
fn a_pipfile_project_syncs_its_packages_dev_packages_and_python() {
    let sandbox = Sandbox::empty();
    for version in ["1.0", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.write(
        "Pipfile",
        r#"[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
alpha = "<2"

[dev-packages]
tester = "*"

[requires]
python_version = "3.12"
"#,
    );
    let out = sandbox
        .pvm()
        .env("PVM_NO_INDEX", "1")
        .env("PVM_FIND_LINKS", sandbox.wheels())
        .arg("sync")
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("3.12"), "{err}");
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    let out = sandbox
        .pvm()
        .args([
            "run",
            "--no-sync",
            "python",
            "-c",
            "import sys; print(sys.version_info[:2])",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()).trim(), "(3, 12)");
}
