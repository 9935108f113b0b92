//! `pvm add` with the resolver's own words: a conflict names uv's (or pip's) chain and never
//! pvm's scratch files; `--group` and `--optional` install what they add, with either
//! installer, and the env's selection keeps it.

use crate::support::*;

fn manifest(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap()
}

/// a==1 needs b<2, the manifest asks b>=2: the error says so in the resolver's words.
fn conflict_names_the_chain(installer: &str) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("a", "1.0", &["b<2"]);
    sandbox.wheel("b", "1.0", &[]);
    sandbox.wheel("b", "2.0", &[]);
    sandbox.deps_project("3.12", installer, &["b>=2"], "");
    let before = manifest(&sandbox);
    let out = sandbox
        .pvm_for(installer)
        .args(["add", "a==1.0"])
        .assert()
        .failure();
    let all = stderr(out.get_output());
    // The error itself (the status lines above it name the env's folder, a temp dir here).
    let err = &all[all.find("error:").expect("an error")..];
    assert!(err.contains("b<2") || err.contains("b < 2"), "{err}");
    assert!(err.contains("b>=2") || err.contains("b >= 2"), "{err}");
    assert!(!err.contains("/tmp/") && !err.contains("pvm-"), "{err}");
    assert!(
        !err.contains("requirements.txt") && !err.contains(".in"),
        "{err}"
    );
    assert!(err.contains("pyproject.toml"), "{err}");
    assert!(!err.contains("check the requirement's name"), "{err}");
    assert_eq!(manifest(&sandbox), before);
}

#[test]
fn a_conflict_shows_uvs_chain_without_scratch_paths() {
    conflict_names_the_chain("uv");
}

#[test]
fn a_conflict_shows_pips_chain_without_scratch_paths() {
    conflict_names_the_chain("pip");
}

#[test]
fn add_group_and_optional_with_pip_write_the_resolved_version() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("docs-tool", "1.0", &[]);
    sandbox.wheel("speedup", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().args(["sync"]).assert().success();
    sandbox
        .pvm()
        .args(["add", "--group", "docs", "docs-tool"])
        .assert()
        .success();
    sandbox
        .pvm()
        .args(["add", "--optional", "fast", "speedup"])
        .assert()
        .success();
    let table: toml::Table = toml::from_str(&manifest(&sandbox)).unwrap();
    assert_eq!(
        table["dependency-groups"]["docs"][0].as_str(),
        Some("docs-tool>=1.0")
    );
    assert_eq!(
        table["project"]["optional-dependencies"]["fast"][0].as_str(),
        Some("speedup>=1.0")
    );

    // A name no source has: a clear error naming it, and the manifest as it was.
    let before = manifest(&sandbox);
    for target in [["--group", "docs"], ["--optional", "fast"]] {
        let out = sandbox
            .pvm()
            .arg("add")
            .args(target)
            .arg("no-such-thing")
            .assert()
            .failure();
        let err = stderr(out.get_output());
        assert!(err.contains("no-such-thing"), "{err}");
        assert!(!err.contains("/tmp/"), "{err}");
        assert_eq!(manifest(&sandbox), before);
    }
}

/// `pvm add --group g X` / `--optional e X` in an env synced without them: X is importable
/// now, and stays through plain `pvm run` and `pvm sync`.
fn added_part_is_installed_and_kept(installer: &str) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("docs-tool", "1.0", &[]);
    sandbox.wheel("speedup", "2.0", &[]);
    sandbox.deps_project("3.12", installer, &["alpha"], "");
    sandbox.pvm_for(installer).args(["sync"]).assert().success();
    sandbox
        .pvm_for(installer)
        .args(["add", "--group", "g", "docs-tool"])
        .assert()
        .success();
    sandbox
        .pvm_for(installer)
        .args(["add", "--optional", "e", "speedup"])
        .assert()
        .success();
    let imports = |sandbox: &Sandbox| {
        let out = sandbox
            .pvm_for(installer)
            .args([
                "run",
                "python",
                "-c",
                "import docs_tool, speedup; print(speedup.__version__)",
            ])
            .assert()
            .success();
        stdout(out.get_output())
    };
    assert_eq!(imports(&sandbox), "2.0");
    assert_eq!(imports(&sandbox), "2.0", "a later plain run keeps them");
    sandbox.pvm_for(installer).args(["sync"]).assert().success();
    assert_eq!(
        sandbox.present_version("docs_tool"),
        "1.0",
        "a plain sync keeps g"
    );
    assert_eq!(
        sandbox.present_version("speedup"),
        "2.0",
        "a plain sync keeps e"
    );
}

#[test]
fn add_group_and_optional_install_now_and_stay_with_uv() {
    added_part_is_installed_and_kept("uv");
}

#[test]
fn add_group_and_optional_install_now_and_stay_with_pip() {
    added_part_is_installed_and_kept("pip");
}
