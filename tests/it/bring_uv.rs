//! pvm brings its resolver: without a uv of the user's, pvm fetches its pinned uv's wheel from
//! the index (here a loopback server), checks it against its table, and keeps it in
//! `tools/uv-<version>/`; without one, pip locks one environment and `--universal` says how
//! to get uv.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::loopback::serve;
use crate::support::{Sandbox, build_wheel, pyenv_python, sha256_hex, stderr, test_uv};

const VERSION: &str = "0.13.9";

/// A PATH with the system's tools but no uv.
const PATH_WITHOUT_UV: &str = "/usr/bin:/bin";

/// This host's platform tag as pvm's table names the Linux wheels.
fn host_tag() -> String {
    format!("manylinux_2_17_{}", std::env::consts::ARCH)
}

/// An index at `root/index` with a fake uv wheel (its `uv` execs the test's real uv), and a
/// table naming it with `sha256` (the wheel's own when `None`). Returns the table's path.
pub fn fake_uv_index(root: &Path, sha256: Option<&str>) -> PathBuf {
    let files = root.join("index/files");
    let script = format!("#!/bin/sh\nexec '{}' \"$@\"\n", test_uv().display());
    let wheel = build_wheel(
        &files,
        "uv",
        VERSION,
        &[],
        &[(&format!("uv-{VERSION}.data/scripts/uv"), &script)],
    );
    let filename = wheel.file_name().unwrap().to_str().unwrap().to_string();
    let page = root.join("index/simple/uv");
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(
        page.join("index.html"),
        format!("<html><body><a href=\"../../files/{filename}#sha256=00\">{filename}</a></body></html>\n"),
    )
    .unwrap();
    let table = root.join("uv-table.json");
    let sha = sha256.map_or_else(|| sha256_hex(&wheel), String::from);
    std::fs::write(
        &table,
        serde_json::json!([{
            "filename": filename,
            "tags": [host_tag()],
            "url": format!("https://example.invalid/{filename}"),
            "sha256": sha,
            "size": null,
        }])
        .to_string(),
    )
    .unwrap();
    table
}

fn project(sandbox: &Sandbox, index: &str) {
    let python = pyenv_python("3.12");
    sandbox.manifest(&format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\ndependencies = []\n\n[tool.pvm]\npython = {:?}\nindex-url = \"{index}/simple\"\n",
        python.display().to_string()
    ));
}

/// `pvm` with no uv of the user's, pvm allowed to fetch one as told by `table`.
pub fn pvm(sandbox: &Sandbox, table: &Path) -> Command {
    let mut cmd = sandbox.pvm();
    cmd.env("PATH", PATH_WITHOUT_UV)
        .env("PVM_UV_DOWNLOADS", "automatic")
        .env("PVM_UV_DOWNLOADS_TABLE", table)
        .env("PVM_HTTP_TIMEOUT", "5");
    cmd
}

fn lock_text(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap()
}

#[test]
fn lock_fetches_pvms_uv_once_and_locks_universally() {
    let sandbox = Sandbox::empty();
    let table = fake_uv_index(&sandbox.root, None);
    let index = serve(sandbox.root.join("index"));
    project(&sandbox, &index.base);

    let out = pvm(&sandbox, &table).arg("lock").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains(&format!("Fetching uv {VERSION}")), "{err}");
    assert!(err.contains("for every platform"), "{err}");
    let uv = sandbox.home.join(format!("tools/uv-{VERSION}/uv"));
    assert!(uv.is_file());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&uv).unwrap().permissions().mode();
    assert_eq!(mode & 0o022, 0, "pvm's uv is writable by others: {mode:o}");
    let text = lock_text(&sandbox);
    assert!(text.contains("created-by"), "{text}");
    assert!(
        !text.contains("environments"),
        "the lock is not universal:\n{text}"
    );
    assert!(!text.contains("ONE environment"), "{text}");

    // Once there, it is used: a second lock (upgrade, so it resolves again) asks nothing.
    let before = index.requests();
    pvm(&sandbox, &table)
        .args(["lock", "--upgrade"])
        .assert()
        .success();
    assert_eq!(index.requests(), before);
    assert!(!lock_text(&sandbox).contains("environments"));
}

#[test]
fn a_uv_wheel_with_another_hash_is_refused_and_nothing_is_kept() {
    let sandbox = Sandbox::empty();
    let table = fake_uv_index(&sandbox.root, Some(&"0".repeat(64)));
    let index = serve(sandbox.root.join("index"));
    project(&sandbox, &index.base);

    let out = pvm(&sandbox, &table).arg("lock").assert().failure();
    let err = stderr(out.get_output());
    assert!(err.contains(&index.base), "the error names no URL: {err}");
    assert!(err.contains("sha256"), "{err}");
    let tools = sandbox.home.join("tools");
    let left: Vec<_> = std::fs::read_dir(&tools)
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left in tools/: {left:?}");
    assert!(!sandbox.project.join("pylock.toml").exists());
}

#[test]
fn without_uv_pip_locks_one_environment_and_universal_says_how_to_get_uv() {
    let sandbox = Sandbox::empty();
    let table = fake_uv_index(&sandbox.root, None);
    let index = serve(sandbox.root.join("index"));
    project(&sandbox, &index.base);

    let out = pvm(&sandbox, &table)
        .env("PVM_UV_DOWNLOADS", "never")
        .args(["lock", "--universal"])
        .assert()
        .failure();
    let err = stderr(out.get_output());
    assert!(err.contains("--universal"), "{err}");
    assert!(err.contains("PVM_UV"), "no hint: {err}");
    assert!(!sandbox.project.join("pylock.toml").exists());

    let out = pvm(&sandbox, &table)
        .env("PVM_UV_DOWNLOADS", "never")
        .arg("lock")
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("one environment"), "{err}");
    let text = lock_text(&sandbox);
    assert!(text.contains("ONE environment"), "{text}");
    assert!(text.contains("environments"), "{text}");
    assert_eq!(index.requests(), 0, "uv was fetched");
    assert!(!sandbox.home.join(format!("tools/uv-{VERSION}")).exists());

    // The same from the manifest's setting.
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&format!("{manifest}uv-downloads = \"never\"\n"));
    let mut cmd = pvm(&sandbox, &table);
    cmd.env_remove("PVM_UV_DOWNLOADS");
    let out = cmd.args(["lock", "--universal"]).assert().failure();
    assert!(stderr(out.get_output()).contains("uv-downloads"));
}

/// An sdist of `name` `version` (PKG-INFO and a pyproject) at `dir`.
fn build_sdist(dir: &Path, name: &str, version: &str) -> PathBuf {
    let path = dir.join(format!("{name}-{version}.tar.gz"));
    let file = std::fs::File::create(&path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (member, text) in [
        (
            "PKG-INFO",
            format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
        ),
        (
            "pyproject.toml",
            format!("[project]\nname = \"{name}\"\nversion = \"{version}\"\n"),
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(
            &mut header,
            format!("{name}-{version}/{member}"),
            text.as_bytes(),
        )
        .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    path
}

/// The index page of `name`, linking `files` (in `index/files`) with their sha256.
fn index_page(root: &Path, name: &str, files: &[PathBuf]) {
    let links: String = files
        .iter()
        .map(|file| {
            let filename = file.file_name().unwrap().to_str().unwrap();
            format!(
                "<a href=\"../../files/{filename}#sha256={}\">{filename}</a>\n",
                sha256_hex(file)
            )
        })
        .collect();
    let page = root.join(format!("index/simple/{name}"));
    std::fs::create_dir_all(&page).unwrap();
    std::fs::write(
        page.join("index.html"),
        format!("<html><body>\n{links}</body></html>\n"),
    )
    .unwrap();
}

/// The issue's "done when": on a machine with no uv, `pvm lock` writes a universal lock with
/// URLs and sdists, which `uv pip install -r pylock.toml` installs into another Python's env,
/// and which `pvm sync` on another Python installs as it is, without re-locking.
#[test]
fn a_lock_made_without_uv_installs_anywhere_with_urls_and_sdists() {
    let sandbox = Sandbox::empty();
    let table = fake_uv_index(&sandbox.root, None);
    let files = sandbox.root.join("index/files");
    let wheel = build_wheel(&files, "alpha", "1.0", &[], &[]);
    let sdist = build_sdist(&files, "alpha", "1.0");
    index_page(&sandbox.root, "alpha", &[wheel, sdist]);
    let index = serve(sandbox.root.join("index"));
    project(&sandbox, &index.base);
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&manifest.replace("dependencies = []", "dependencies = [\"alpha\"]"));

    pvm(&sandbox, &table).arg("lock").assert().success();
    let text = lock_text(&sandbox);
    assert!(!text.contains("environments"), "not universal:\n{text}");
    assert!(
        text.contains(&format!("{}/files/alpha-1.0-py3-none-any.whl", index.base)),
        "the wheel has no URL:\n{text}"
    );
    assert!(
        text.contains(&format!("{}/files/alpha-1.0.tar.gz", index.base)),
        "no sdist:\n{text}"
    );

    // Another tool on another Python: uv installs the lock as it is.
    let venv = sandbox.root.join("other-venv");
    let uv = test_uv();
    let python = pyenv_python("3.11");
    let status = std::process::Command::new(&uv)
        .args(["venv", "-q", "--python"])
        .arg(&python)
        .arg(&venv)
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = std::process::Command::new(&uv)
        .args(["pip", "install", "--offline", "-r"])
        .arg(sandbox.project.join("pylock.toml"))
        .arg("--python")
        .arg(venv.join("bin/python"))
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .env_remove("UV_OFFLINE")
        .output()
        .unwrap();
    // `--offline` fails on a URL not cached; without it, the loopback index serves it.
    let out = if out.status.success() {
        out
    } else {
        std::process::Command::new(&uv)
            .args(["pip", "install", "-r"])
            .arg(sandbox.project.join("pylock.toml"))
            .arg("--python")
            .arg(venv.join("bin/python"))
            .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
            .output()
            .unwrap()
    };
    assert!(out.status.success(), "{}", stderr(&out));
    let version = std::process::Command::new(venv.join("bin/python"))
        .args(["-c", "import alpha; print(alpha.__version__)"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), "1.0");

    // pvm on another Python: the lock is current there too, and stays as it is.
    pvm(&sandbox, &table)
        .args(["sync", "--locked", "--python"])
        .arg(&python)
        .assert()
        .success();
    assert_eq!(lock_text(&sandbox), text, "the lock was rewritten");
    let out = pvm(&sandbox, &table)
        .args(["run", "--python"])
        .arg(&python)
        .args([
            "python",
            "-c",
            "import alpha, sys; print(alpha.__version__, sys.version_info[:2])",
        ])
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(printed.trim(), "1.0 (3, 11)");
}
