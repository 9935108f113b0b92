//! Issue 20, items 5 and 6: `pvm outdated` in a project that never chose an installer and has
//! no uv of the user's fetches pvm's own uv (as `pvm lock` does) and lists only what is behind;
//! and an installer's failure is told by its cause (requires-python, a conflict, a hash) with
//! a hint for that cause.

use crate::bring_uv::{fake_uv_index, pvm as pvm_fetching_uv};
use crate::loopback::serve;
use crate::support::{
    Sandbox, build_wheel, build_wheel_with_headers, fails_with, pyenv_python, stderr, stdout,
};

/// A project that sets no `installer`, reads its packages from the test's wheels and could
/// fetch uv from `index` (the loopback server).
fn project_without_installer(sandbox: &Sandbox, python: &str, index: &str, deps: &[&str]) {
    let deps: Vec<String> = deps.iter().map(|d| format!("{d:?}")).collect();
    sandbox.manifest(&format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [{}]\n\n[tool.pvm]\npython = {:?}\nindex-url = \"{index}/simple\"\nno-index = true\nfind-links = [{:?}]\n",
        deps.join(", "),
        pyenv_python(python).display().to_string(),
        sandbox.wheels().display().to_string(),
    ));
}

/// The first column of each table row (the header left out).
fn listed(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn outdated_without_uv_fetches_pvms_uv_and_lists_only_what_is_behind() {
    let sandbox = Sandbox::empty();
    let table = fake_uv_index(&sandbox.root, None);
    let index = serve(sandbox.root.join("index"));
    sandbox.wheel("alpha", "1.0", &["leaf"]);
    sandbox.wheel("leaf", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    // 3.11 seeds setuptools too: a seed the project does not require is not the project's.
    project_without_installer(&sandbox, "3.11", &index.base, &["alpha", "beta"]);
    sandbox.pvm_with_uv().arg("sync").assert().success();
    sandbox.wheel("alpha", "2.0", &["leaf"]);

    let out = pvm_fetching_uv(&sandbox, &table)
        .arg("outdated")
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(!err.contains("installer"), "{err}");
    assert!(err.contains("Fetching uv"), "{err}");
    let text = stdout(out.get_output());
    assert!(text.starts_with("PACKAGE"), "{text}");
    assert_eq!(listed(&text), ["alpha"], "{text}");
    assert!(text.contains("1.0") && text.contains("2.0"), "{text}");

    // --all: every installed package, seeds included, the project itself never.
    let out = pvm_fetching_uv(&sandbox, &table)
        .args(["outdated", "--all"])
        .assert()
        .success();
    let text = stdout(out.get_output());
    let mut names = listed(&text);
    names.sort();
    assert_eq!(
        names,
        ["alpha", "beta", "leaf", "pip", "setuptools"],
        "{text}"
    );
    let out = pvm_fetching_uv(&sandbox, &table)
        .args(["outdated", "--all", "--json"])
        .assert()
        .success();
    let rows: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5, "{rows}");
}

#[test]
fn outdated_with_nothing_behind_prints_no_table_and_says_so() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "auto", &["alpha"], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let out = sandbox.pvm_with_uv().arg("outdated").assert().success();
    assert_eq!(stdout(out.get_output()), "");
    assert!(stderr(out.get_output()).contains("--all"));
    let out = sandbox
        .pvm_with_uv()
        .args(["outdated", "--json"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()).trim(), "[]");
}

#[test]
fn outdated_without_any_uv_says_why_and_how_to_get_one() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let table = fake_uv_index(&sandbox.root, None);
    project_without_installer(&sandbox, "3.12", "http://127.0.0.1:9", &["alpha"]);
    sandbox.pvm_with_uv().arg("sync").assert().success();

    let out = pvm_fetching_uv(&sandbox, &table)
        .env("PVM_UV_DOWNLOADS", "never")
        .arg("outdated")
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(!err.contains("installer = \"uv\""), "{err}");
    assert!(err.contains("no uv"), "{err}");
    assert!(err.contains("hint:") && err.contains("PVM_UV"), "{err}");
    assert!(err.contains("uv-downloads"), "{err}");
}

#[test]
fn an_explicit_uv_installer_without_uv_says_where_pvm_looked_and_how_to_get_one() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.unlocked_project("3.12", "uv", &["alpha"], "");
    let err = fails_with(
        sandbox.pvm().env("PATH", "/usr/bin:/bin").arg("sync"),
        "`installer = \"uv\"` but there is no uv",
    );
    assert!(
        err.contains("hint:") && err.contains("uv-downloads"),
        "{err}"
    );
}

/// The generic hint of an installer failure, which none of the causes below should get.
const GENERIC: &str = "check the requirement's name and version";

#[test]
fn a_requirement_for_another_python_is_told_as_such_by_uv_and_pip() {
    for installer in ["uv", "pip"] {
        let sandbox = Sandbox::empty();
        build_wheel_with_headers(
            &sandbox.wheels(),
            "alpha",
            "1.0",
            &[],
            &[],
            "Requires-Python: >=3.99\n",
        );
        sandbox.deps_project(
            "3.12",
            installer,
            &["alpha"],
            "requires-python = \">=3.11\"",
        );
        let out = sandbox.pvm_for(installer).arg("sync").assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains("supports only other Pythons"),
            "{installer}: {err}"
        );
        assert!(err.contains(">=3.99"), "{installer}: {err}");
        assert!(
            err.contains("hint:") && err.contains("requires-python"),
            "{installer}: {err}"
        );
        assert!(err.contains("pvm python pin"), "{installer}: {err}");
        assert!(
            !err.contains(GENERIC) && !err.contains("loosen"),
            "{installer}: {err}"
        );
    }
}

#[test]
fn a_version_conflict_is_told_as_such_by_uv_and_pip() {
    for installer in ["uv", "pip"] {
        let sandbox = Sandbox::empty();
        sandbox.wheel("alpha", "1.0", &["leaf<2"]);
        sandbox.wheel("leaf", "1.0", &[]);
        sandbox.wheel("leaf", "2.0", &[]);
        sandbox.deps_project("3.12", installer, &["alpha", "leaf>=2"], "");
        let out = sandbox.pvm_for(installer).arg("sync").assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains("found no set of versions"),
            "{installer}: {err}"
        );
        assert!(
            err.contains("leaf<2") && err.contains("leaf>=2"),
            "{installer}: {err}"
        );
        assert!(
            err.contains("hint: loosen one of the requirements"),
            "{installer}: {err}"
        );
        assert!(!err.contains(GENERIC), "{installer}: {err}");
    }
}

#[test]
fn a_locked_file_that_changed_is_a_hash_mismatch_for_uv_and_pip() {
    for installer in ["uv", "pip"] {
        let sandbox = Sandbox::empty();
        let served = sandbox.root.join("served");
        build_wheel(&served, "alpha", "1.0", &[], &[]);
        let server = serve(served.clone());
        let url = format!("alpha @ {}/alpha-1.0-py3-none-any.whl", server.base);
        std::fs::create_dir_all(sandbox.wheels()).unwrap();
        // uv locks (a URL's archive goes through the installer, not pvm's own install) ...
        sandbox.deps_project("3.12", "uv", &[&url], "");
        sandbox.pvm_with_uv().arg("lock").assert().success();
        let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
        sandbox.manifest(&manifest.replace(
            "installer = \"uv\"",
            &format!("installer = \"{installer}\""),
        ));
        // ... then the file at the URL changes (and uv has not kept the old one).
        build_wheel(&served, "alpha", "1.0", &[], &[("extra.py", "x = 1\n")]);
        std::fs::remove_dir_all(sandbox.root.join("uv-cache")).ok();

        let out = sandbox.pvm_for(installer).arg("sync").assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains("sha256 is not the one the lock records"),
            "{installer}: {err}"
        );
        assert!(
            err.contains("hint:") && err.contains("pvm lock --upgrade"),
            "{installer}: {err}"
        );
        assert!(!err.contains(GENERIC), "{installer}: {err}");
        let installed = sandbox.installed();
        assert!(
            !installed.iter().any(|dist| dist.starts_with("alpha==")),
            "{installer}: {installed:?}"
        );
        // The hint's way out, when the change is trusted.
        sandbox
            .pvm_with_uv()
            .args(["lock", "--upgrade"])
            .assert()
            .success();
        sandbox.pvm_for(installer).arg("sync").assert().success();
        assert!(sandbox.installed().contains(&"alpha==1.0".to_string()));
    }
}
