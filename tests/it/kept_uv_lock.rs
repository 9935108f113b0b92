//! uv re-locks from the `uv.lock` of the last resolution, kept in the store
//! (`lock::uv_project`), as `uv lock` does with an existing `uv.lock`; without a
//! `pylock.toml` (or with `--upgrade`) the resolution starts afresh.

use std::path::PathBuf;

use crate::support::*;

fn locked_version(sandbox: &Sandbox, name: &str) -> String {
    let text = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    let lock: toml::Value = toml::from_str(&text).unwrap();
    lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str() == Some(name))
        .and_then(|p| p["version"].as_str())
        .unwrap_or_else(|| panic!("{name} not locked: {text}"))
        .to_string()
}

/// The `uv.lock`s kept for the project's env.
fn kept(sandbox: &Sandbox) -> Vec<PathBuf> {
    let Ok(envs) = std::fs::read_dir(sandbox.home.join("cache").join("uv-lock")) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = envs
        .flatten()
        .flat_map(|env| std::fs::read_dir(env.path()).unwrap().flatten())
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(".uv.lock"))
        .collect();
    out.sort();
    out
}

#[test]
fn a_relock_starts_from_the_kept_uv_lock_and_a_removed_lock_resolves_afresh() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("top", "1.0", &["leaf>=1"]);
    sandbox.wheel("leaf", "1.0", &[]);
    sandbox.wheel("other", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["top"], "");
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert_eq!(locked_version(&sandbox, "leaf"), "1.0");
    let first = kept(&sandbox);
    assert_eq!(first.len(), 1, "one uv.lock kept for the first lock");
    assert!(
        std::fs::read_to_string(&first[0])
            .unwrap()
            .contains("name = \"leaf\""),
        "the kept file is uv's lock"
    );

    // A newer leaf appears; adding a package re-locks from the kept uv.lock, which keeps
    // leaf where it was, and keeps the new lock's uv.lock beside the first.
    sandbox.wheel("leaf", "2.0", &[]);
    sandbox
        .pvm_with_uv()
        .args(["add", "other"])
        .assert()
        .success();
    assert_eq!(locked_version(&sandbox, "leaf"), "1.0");
    assert_eq!(locked_version(&sandbox, "other"), "1.0");
    assert_eq!(sandbox.imported_version("other"), "1.0");
    assert_eq!(kept(&sandbox).len(), 2, "{:?}", kept(&sandbox));
    // The lock pvm wrote is filed by its digest, so the next re-lock need not parse it.
    let digest =
        pvm::fsutil::sha256_hex(std::fs::read(sandbox.project.join("pylock.toml")).unwrap());
    let scratch = kept(&sandbox)[0].parent().unwrap().to_path_buf();
    let filed = std::fs::read_dir(&scratch).unwrap().flatten().any(|entry| {
        entry
            .file_name()
            .to_string_lossy()
            .starts_with(&format!("{digest}-"))
    });
    assert!(filed, "the written lock is filed under its digest");

    // Comments in the lock change nothing: the kept uv.lock is found by the pins.
    let path = sandbox.project.join("pylock.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n# a comment\n")).unwrap();
    let out = sandbox
        .pvm_with_uv()
        .args(["add", "top>=1"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("Changing `top` to `top>=1` in"), "{err}");
    assert_eq!(locked_version(&sandbox, "leaf"), "1.0");
    // The same pins: uv's new lock (which asks `top>=1`) replaces the one kept for them.
    let now = kept(&sandbox);
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(
        now.iter().any(|path| std::fs::read_to_string(path)
            .unwrap()
            .contains("specifier = \">=1\"")),
        "uv re-locked from the kept uv.lock"
    );

    // No pylock.toml: a fresh resolution, whatever uv.lock is kept.
    std::fs::remove_file(&path).unwrap();
    sandbox.pvm_with_uv().arg("lock").assert().success();
    assert_eq!(locked_version(&sandbox, "leaf"), "2.0");

    // --upgrade from a kept uv.lock moves too.
    sandbox.wheel("other", "2.0", &[]);
    sandbox
        .pvm_with_uv()
        .args(["lock", "--upgrade"])
        .assert()
        .success();
    assert_eq!(locked_version(&sandbox, "other"), "2.0");
}

/// What `uv export` writes from a `uv.lock`: each package's version and marker.
fn exported_markers(text: &str) -> Vec<(String, String, pvm::pep::MarkerTree)> {
    use std::str::FromStr;
    let lock: toml::Value = toml::from_str(text).unwrap();
    let mut out: Vec<_> = lock["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let marker = p.get("marker").and_then(|m| m.as_str());
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                marker.map_or(pvm::pep::MarkerTree::TRUE, |m| {
                    pvm::pep::MarkerTree::from_str(m).unwrap()
                }),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

#[test]
fn pvm_reads_uv_lock_into_the_packages_and_markers_uv_export_writes() {
    let sandbox = Sandbox::empty();
    // A fork by Python (leaf 2 needs 3.11), an extra reached from 3.10 on, a marker inside it.
    sandbox.wheel(
        "top",
        "1.0",
        &["mid[fast]>=1; python_version >= '3.10'", "leaf"],
    );
    sandbox.wheel(
        "mid",
        "1.0",
        &["deep; sys_platform == 'linux' and extra == 'fast'"],
    );
    sandbox.wheel("deep", "1.0", &[]);
    sandbox.wheel("leaf", "1.0", &[]);
    build_wheel_with_headers(
        &sandbox.wheels(),
        "leaf",
        "2.0",
        &[],
        &[],
        "Requires-Python: >=3.11\n",
    );
    sandbox.deps_project("3.12", "uv", &["top"], "requires-python = \">=3.9\"");
    sandbox.pvm_with_uv().arg("lock").assert().success();
    let pvm_lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();

    // uv's own export of the very `uv.lock` pvm read.
    let kept = kept(&sandbox);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let scratch = kept[0].parent().unwrap();
    std::fs::copy(&kept[0], scratch.join("uv.lock")).unwrap();
    let out = sandbox.root.join("export");
    std::fs::create_dir_all(&out).unwrap();
    let status = std::process::Command::new(test_uv())
        .args(["export", "--frozen", "--quiet", "--format", "pylock.toml"])
        .args(["--no-emit-project", "--no-header", "--directory"])
        .arg(scratch)
        .arg("--output-file")
        .arg(out.join("pylock.toml"))
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(scratch.join("uv.lock")).unwrap();
    let uv_lock = std::fs::read_to_string(out.join("pylock.toml")).unwrap();

    let ours = exported_markers(&pvm_lock);
    let theirs = exported_markers(&uv_lock);
    assert_eq!(ours, theirs, "pvm:\n{pvm_lock}\nuv export:\n{uv_lock}");
    let names: Vec<String> = ours.iter().map(|p| format!("{} {}", p.0, p.1)).collect();
    assert_eq!(
        names,
        ["deep 1.0", "leaf 1.0", "leaf 2.0", "mid 1.0", "top 1.0"]
    );
}
