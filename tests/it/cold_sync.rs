//! A fresh env from a lock of many wheels with an empty cache: the wheels are downloaded side
//! by side (many at once, as uv downloads, not a few), each unpacked as it comes, and linked
//! in, every file as its wheel has it, nested folders and folders the wheels share included.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::loopback::{Answer, serve_as};
use crate::support::*;

const WHEELS: usize = 60;

/// Wheel `cold-NN` 1.0: its package with nested folders, and modules in namespace folders that
/// every wheel shares (PEP 420: no `__init__.py`).
fn cold_wheel(dir: &Path, n: usize) -> PathBuf {
    let module = format!("cold_{n:02}");
    let files = [
        (format!("{module}/sub/__init__.py"), format!("N = {n}\n")),
        (
            format!("{module}/sub/deep/deeper/leaf.py"),
            format!("LEAF = {n}\n"),
        ),
        (format!("{module}/data/table.txt"), "x\n".repeat(n + 1)),
        (
            format!("shared_ns/plugins/p{n:02}.py"),
            format!("P = {n}\n"),
        ),
        (
            format!("shared_ns/plugins/common/c{n:02}.py"),
            format!("C = {n}\n"),
        ),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    build_wheel(dir, &format!("cold-{n:02}"), "1.0", &[], &files)
}

/// Every file of `wheel` but its RECORD (pvm writes its own), with its bytes.
fn wheel_files(wheel: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name.ends_with(".dist-info/RECORD") {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(name, bytes);
    }
    files
}

/// A `pylock.toml` naming each wheel by its URL on `base`, with its sha256.
fn url_lock(base: &str, wheels: &[PathBuf]) -> String {
    let mut text =
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n".to_string();
    for (n, wheel) in wheels.iter().enumerate() {
        text.push_str(&format!(
            "\n[[packages]]\nname = \"cold-{n:02}\"\nversion = \"1.0\"\nwheels = [{{ url = \"{base}/{}\", hashes = {{ sha256 = \"{}\" }} }}]\n",
            wheel.file_name().unwrap().to_string_lossy(),
            sha256_hex(wheel)
        ));
    }
    text
}

#[test]
fn many_wheels_download_side_by_side_into_an_empty_cache_and_install_file_for_file() {
    let sandbox = Sandbox::empty();
    let served = sandbox.root.join("served");
    let wheels: Vec<PathBuf> = (0..WHEELS).map(|n| cold_wheel(&served, n)).collect();
    // Each answer takes a moment, as a real index's does: downloads made side by side overlap.
    let server = serve_as(served, Answer::Slow);
    let names: Vec<String> = (0..WHEELS).map(|n| format!("cold-{n:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    sandbox.deps_project("3.12", "pip", &names, "");
    sandbox.write("pylock.toml", &url_lock(&server.base, &wheels));

    sandbox.pvm().args(["sync", "--frozen"]).assert().success();

    // Each wheel downloaded once, and many at a time: more than a few threads would.
    assert_eq!(server.requests(), WHEELS);
    assert!(
        server.most_at_once() >= 16,
        "at most {} downloads at once",
        server.most_at_once()
    );
    // Every file of every wheel is in the env as the wheel has it, and in its RECORD.
    let site = sandbox.only_env().join("lib/python3.12/site-packages");
    for (n, wheel) in wheels.iter().enumerate() {
        let files = wheel_files(wheel);
        for (path, bytes) in &files {
            let installed = std::fs::read(site.join(path))
                .unwrap_or_else(|err| panic!("{path} of cold-{n:02}: {err}"));
            assert!(installed == *bytes, "{path} differs from the wheel's");
        }
        let dist_info = format!("cold_{n:02}-1.0.dist-info");
        let installer = std::fs::read_to_string(site.join(&dist_info).join("INSTALLER")).unwrap();
        assert_eq!(installer, "pvm\n", "cold-{n:02} was installed by pvm");
        let record = std::fs::read_to_string(site.join(&dist_info).join("RECORD")).unwrap();
        let recorded: Vec<&str> = record
            .lines()
            .filter_map(|line| line.split(',').next())
            .filter(|path| !path.ends_with("/RECORD") && !path.ends_with("/INSTALLER"))
            .collect();
        assert_eq!(
            recorded,
            files.keys().map(String::as_str).collect::<Vec<_>>(),
            "RECORD of cold-{n:02}"
        );
    }
    // And Python finds them: the nested modules and the shared namespace's.
    let out = sandbox.python(
        "import cold_00.sub, cold_59.sub.deep.deeper.leaf as leaf, shared_ns.plugins.p00 as a, shared_ns.plugins.common.c59 as b; print(cold_00.sub.N, leaf.LEAF, a.P, b.C)",
    );
    assert_eq!(out, "0 59 0 59");
}

#[test]
fn a_fresh_envs_wheels_download_while_pip_is_seeded_and_only_the_sync_changes_the_env() {
    const COUNT: usize = 6;
    let sandbox = Sandbox::empty();
    let served = sandbox.root.join("served");
    let wheels: Vec<PathBuf> = (0..COUNT).map(|n| cold_wheel(&served, n)).collect();
    let server = serve_as(served, Answer::Slow);
    let names: Vec<String> = (0..COUNT).map(|n| format!("cold-{n:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    sandbox.deps_project("3.12", "pip", &names, "");
    sandbox.write("pylock.toml", &url_lock(&server.base, &wheels));

    // Held where the env is built (pip seeded) and not yet marked complete.
    let mark = sandbox.root.join("reached");
    let mut child = sandbox.spawn(
        &["sync", "--frozen"],
        &[
            ("PVM_FAULT_PAUSE", Path::new("create")),
            ("PVM_FAULT_MARK", &mark),
        ],
    );
    wait_for(&mark);
    // The lock's wheels came meanwhile, into the cache only: the env holds pip and none of
    // them, and has no metadata yet.
    assert_eq!(
        server.requests(),
        COUNT,
        "every wheel fetched while the env was built"
    );
    let env = sandbox.only_env();
    let site = env.join("lib/python3.12/site-packages");
    assert!(site.join("pip").is_dir(), "pip is seeded");
    assert!(
        !site.join("cold_00").exists(),
        "the env changed before its sync"
    );
    assert!(
        !env.join("pvm-env.json").exists(),
        "marked complete before its end"
    );

    std::fs::remove_file(&mark).unwrap();
    assert!(child.wait().unwrap().success());
    // The sync found them at hand: nothing fetched twice.
    assert_eq!(server.requests(), COUNT);
    assert_eq!(
        sandbox.python("import cold_00.sub, cold_05.sub; print(cold_05.sub.N)"),
        "5"
    );
}
