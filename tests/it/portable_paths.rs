//! Path sources (`[tool.pvm.sources]`): `pvm add ../lib` writes a path relative to the
//! project, in the manifest and the lock, so that a checkout elsewhere (another machine, another
//! folder) syncs from the same files.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A project folder `lib` at `dir`, whose module says `VALUE`.
fn lib_folder(dir: &Path, value: u32) {
    backend_folder(dir, "lib", "0.1.0", &format!("VALUE = {value}\n"));
}

fn set_value(lib: &Path, value: u32) {
    std::fs::write(
        lib.join("src/lib/__init__.py"),
        format!("VALUE = {value}\n"),
    )
    .unwrap();
}

/// A project with no dependencies and no index: what it gets comes from its sources.
fn app(sandbox: &Sandbox, installer: &str) {
    sandbox.manifest(&format!(
        "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"{installer}\"\nno-index = true\n"
    ));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `../lib` (a folder beside the project) and `dist/foo-1.0-…whl` (a wheel inside it), added
/// and locked.
fn add_both(sandbox: &Sandbox, installer: &str) -> PathBuf {
    let lib = sandbox.root.join("lib");
    lib_folder(&lib, 1);
    build_wheel(&sandbox.project.join("dist"), "foo", "1.0", &[], &[]);
    app(sandbox, installer);
    for path in ["../lib", "./dist/foo-1.0-py3-none-any.whl"] {
        sandbox
            .pvm_for(installer)
            .args(["add", path])
            .assert()
            .success();
    }
    sandbox.pvm_for(installer).arg("lock").assert().success();
    lib
}

const PROBE: &str = "import lib, foo; print(lib.VALUE, foo.__version__, lib.__file__)";

#[test]
fn a_folder_and_a_wheel_are_written_relative_in_the_manifest_and_the_lock() {
    let sandbox = Sandbox::empty();
    add_both(&sandbox, "uv");
    let manifest = read(&sandbox.project.join("pyproject.toml"));
    let lock = read(&sandbox.project.join("pylock.toml"));
    assert!(
        manifest.contains("dependencies = [\"lib\", \"foo\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("[tool.pvm.sources]")
            && manifest.contains("lib = { path = \"../lib\", editable = true }")
            && manifest.contains("foo = { path = \"dist/foo-1.0-py3-none-any.whl\" }"),
        "{manifest}"
    );
    assert!(
        lock.contains("directory = { path = \"../lib\", editable = true }")
            && lock.contains("archive = { path = \"dist/foo-1.0-py3-none-any.whl\""),
        "{lock}"
    );
    let root = sandbox.root.display().to_string();
    for (file, text) in [("manifest", &manifest), ("lock", &lock)] {
        assert!(
            !text.contains("file://") && !text.contains(&root),
            "the {file} holds an absolute path:\n{text}"
        );
    }
}

/// The project and its lib moved together to another folder: the lock is current there, and
/// installs lib editable from its new place and the wheel from the project's `dist`.
fn moved_checkout_syncs_locked(installer: &str) {
    let sandbox = Sandbox::empty();
    let lib = add_both(&sandbox, installer);
    let elsewhere = sandbox.root.join("another checkout");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let project = elsewhere.join("proj");
    let moved_lib = elsewhere.join("lib");
    std::fs::rename(&sandbox.project, &project).unwrap();
    std::fs::rename(&lib, &moved_lib).unwrap();

    let pvm = || {
        let mut cmd = sandbox.pvm_in(&project);
        if installer == "uv" {
            cmd.env("PVM_UV", test_uv());
        }
        cmd
    };
    pvm().args(["sync", "--locked"]).assert().success();
    let out = pvm()
        .args(["run", "--locked", "python", "-c", PROBE])
        .assert()
        .success();
    let printed = stdout(out.get_output());
    assert!(
        printed.starts_with("1 1.0 ")
            && printed.ends_with(&format!("{}/src/lib/__init__.py", moved_lib.display())),
        "{printed}"
    );
    // Editable: an edit in lib is seen without a sync.
    set_value(&moved_lib, 2);
    let out = pvm()
        .args(["run", "--no-sync", "python", "-c", PROBE])
        .assert()
        .success();
    assert!(stdout(out.get_output()).starts_with("2 1.0 "));
    // The lock was not rewritten, and the export is relative as the lock is.
    assert!(!read(&project.join("pylock.toml")).contains("file://"));
    let out = pvm().arg("export").assert().success();
    let exported = stdout(out.get_output());
    assert!(
        exported.contains("-e ../lib")
            && exported.contains("./dist/foo-1.0-py3-none-any.whl")
            && !exported.contains("file://"),
        "{exported}"
    );
}

#[test]
fn a_moved_checkout_syncs_locked_and_imports_lib_editable_with_uv() {
    moved_checkout_syncs_locked("uv");
}

#[test]
fn a_moved_checkout_syncs_locked_and_imports_lib_editable_with_pip() {
    moved_checkout_syncs_locked("pip");
}

#[test]
fn a_locked_wheel_source_is_installed_by_pvm_itself() {
    let sandbox = Sandbox::empty();
    build_wheel(&sandbox.project.join("dist"), "foo", "1.0", &[], &[]);
    app(&sandbox, "uv");
    sandbox
        .pvm_with_uv()
        .args(["add", "./dist/foo-1.0-py3-none-any.whl"])
        .assert()
        .success();
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    let out = sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("with pvm"), "{err}");
    assert_eq!(sandbox.present_version("foo"), "1.0");
}

#[test]
fn drop_removes_the_source_when_nothing_else_names_it() {
    let sandbox = Sandbox::empty();
    lib_folder(&sandbox.root.join("lib"), 1);
    app(&sandbox, "uv");
    for args in [&["add", "../lib"][..], &["add", "--dev", "../lib"]] {
        sandbox.pvm_with_uv().args(args).assert().success();
    }
    // Still named by the dev group: the source stays.
    sandbox
        .pvm_with_uv()
        .args(["drop", "lib"])
        .assert()
        .success();
    let manifest = read(&sandbox.project.join("pyproject.toml"));
    assert!(
        manifest.contains("dependencies = []") && manifest.contains("lib = { path = \"../lib\""),
        "{manifest}"
    );
    let out = sandbox
        .pvm_with_uv()
        .args(["drop", "--dev", "lib"])
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("`lib` from [tool.pvm.sources]"));
    let manifest = read(&sandbox.project.join("pyproject.toml"));
    assert!(
        !manifest.contains("sources") && !manifest.contains("lib"),
        "{manifest}"
    );
    assert!(
        !sandbox.installed().iter().any(|d| d.starts_with("lib==")),
        "{:?}",
        sandbox.installed()
    );
}

#[test]
fn a_url_requirement_stays_a_direct_reference() {
    let sandbox = Sandbox::empty();
    // Only the manifest is checked: no lock (the URL is not served).
    sandbox.manifest(
        "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pvm]\nlock = false\n",
    );
    let url = "zeta @ https://example.org/zeta-1.0-py3-none-any.whl";
    sandbox
        .pvm()
        .args(["add", "--no-sync", url])
        .assert()
        .success();
    let manifest = read(&sandbox.project.join("pyproject.toml"));
    assert!(
        manifest.contains(url) && !manifest.contains("sources"),
        "{manifest}"
    );
}

/// What `pvm sync` says (it fails) for a project whose `lib` has the source `entry`.
fn sync_error_with_source(entry: &str) -> (Sandbox, String) {
    let sandbox = Sandbox::empty();
    sandbox.manifest(&format!(
        "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"lib\"]\n\n[tool.pvm]\npython = \"3.12\"\nno-index = true\n\n[tool.pvm.sources]\nlib = {entry}\n"
    ));
    let out = sandbox.pvm().arg("sync").assert().code(1);
    let err = stderr(out.get_output());
    (sandbox, err)
}

#[test]
fn a_missing_path_says_where_pvm_looked_with_a_hint() {
    let (sandbox, err) = sync_error_with_source("{ path = \"../nowhere/lib\" }");
    let looked = sandbox.root.join("nowhere/lib");
    assert!(
        err.contains("[tool.pvm.sources] lib: no file or folder `../nowhere/lib`")
            && err.contains(&looked.display().to_string()),
        "{err}"
    );
    assert!(
        err.contains("hint:") && err.contains("relative to the project root"),
        "{err}"
    );
}

#[test]
fn a_git_source_is_refused_with_a_hint() {
    let (_, err) =
        sync_error_with_source("{ git = \"https://example.org/lib.git\", tag = \"v1\" }");
    assert!(
        err.contains("[tool.pvm.sources] lib: git sources are not supported, only path sources"),
        "{err}"
    );
    assert!(
        err.contains("hint:") && err.contains("lib = { path = \"../lib\" }"),
        "{err}"
    );
}

#[test]
fn a_path_with_a_space_and_non_ascii_letters_works() {
    let sandbox = Sandbox::in_folder("mon projet");
    let lib = sandbox.root.join("ma bibliothèque");
    lib_folder(&lib, 7);
    app(&sandbox, "uv");
    sandbox
        .pvm_with_uv()
        .args(["add", "../ma bibliothèque"])
        .assert()
        .success();
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let manifest = read(&sandbox.project.join("pyproject.toml"));
    let lock = read(&sandbox.project.join("pylock.toml"));
    assert!(
        manifest.contains("lib = { path = \"../ma bibliothèque\", editable = true }"),
        "{manifest}"
    );
    assert!(
        lock.contains("directory = { path = \"../ma bibliothèque\", editable = true }"),
        "{lock}"
    );
    sandbox.pvm().args(["remove", "--yes"]).assert().success();
    sandbox
        .pvm_with_uv()
        .args(["sync", "--locked"])
        .assert()
        .success();
    let out = sandbox
        .pvm()
        .args([
            "run",
            "--no-sync",
            "python",
            "-c",
            "import lib; print(lib.VALUE)",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "7");
}
