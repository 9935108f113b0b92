//! Nothing shared is ever corrupted: the unpacked wheels in the cache are linked into every
//! env, so no install may write into one, and one project's wheel never stands in for
//! another's.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::support::*;

/// A `pylock.toml` naming each wheel by its absolute path, with its sha256.
fn path_lock(wheels: &[(&str, &str, &Path)]) -> String {
    let mut text =
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n".to_string();
    for (name, version, file) in wheels {
        text.push_str(&format!(
            "\n[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\nwheels = [{{ path = {:?}, hashes = {{ sha256 = \"{}\" }} }}]\n",
            file.display().to_string(),
            sha256_hex(file)
        ));
    }
    text
}

/// A project at `dir` (pinned to `python`, installing with pip) whose lock is `lock`.
fn locked_project(dir: &Path, python: &str, dependencies: &[&str], find_links: &Path, lock: &str) {
    let deps: Vec<String> = dependencies.iter().map(|d| format!("{d:?}")).collect();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [{}]\n\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"pip\"\nno-index = true\nfind-links = [{:?}]\n",
            deps.join(", "),
            find_links.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("pylock.toml"), lock).unwrap();
}

/// Writes a zip at `path` with `entries`, names spelled as given, stored (the size of the
/// zip then depends on the sizes of its files only).
fn zip_wheel(path: &Path, entries: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The files of a wheel, by name.
fn wheel_files(wheel: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()).unwrap();
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(entry.name().unwrap().into_owned(), bytes);
    }
    files
}

/// The unpacked wheels in the store's cache whose `.dist-info` is `dist_info`.
fn cached_trees(home: &Path, dist_info: &str) -> Vec<PathBuf> {
    std::fs::read_dir(home.join("cache/wheels"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|tree| tree.join(dist_info).is_dir())
        .collect()
}

fn site_packages(env: &Path, minor: &str) -> PathBuf {
    env.join(format!("lib/python{minor}/site-packages"))
}

/// The env in `home` of the project at `dir` (`pvm info --json`).
fn env_of(sandbox: &Sandbox, dir: &Path) -> PathBuf {
    let out = sandbox
        .pvm_in(dir)
        .args(["info", "--json"])
        .assert()
        .success();
    let info: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    PathBuf::from(info["env"].as_str().or(info["path"].as_str()).unwrap())
}

const SHARED: usize = 3000;
const ROUNDS: usize = 6;

fn shared_files(tag: &str) -> Vec<(String, String)> {
    (0..SHARED)
        .map(|i| (format!("shared/f{i}.py"), format!("X = '{tag} {i:04}'\n")))
        .collect()
}

fn as_refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect()
}

#[test]
fn wheels_shipping_the_same_paths_never_write_into_each_others_cache() {
    let sandbox = Sandbox::empty();
    let files_a = shared_files("a");
    let files_b = shared_files("b");
    let a = build_wheel(&sandbox.wheels(), "nsa", "1.0", &[], &as_refs(&files_a));
    let b = build_wheel(&sandbox.wheels(), "nsb", "1.0", &[], &as_refs(&files_b));
    let c = build_wheel(
        &sandbox.wheels(),
        "nsc",
        "1.0",
        &[],
        &as_refs(&shared_files("c")),
    );
    // The paths are there already (from `nsc`), then `nsa` and `nsb` come in one sync, linked
    // in side by side, each replacing what it finds. The threads meet on a path now and then:
    // a few projects make it likely.
    for round in 0..ROUNDS {
        let project = sandbox.root.join(format!("project-{round}"));
        locked_project(
            &project,
            "3.12",
            &["nsc"],
            &sandbox.wheels(),
            &path_lock(&[("nsc", "1.0", &c)]),
        );
        sandbox.pvm_in(&project).arg("sync").assert().success();
        locked_project(
            &project,
            "3.12",
            &["nsa", "nsb", "nsc"],
            &sandbox.wheels(),
            &path_lock(&[("nsa", "1.0", &a), ("nsb", "1.0", &b), ("nsc", "1.0", &c)]),
        );
        sandbox.pvm_in(&project).arg("sync").assert().success();
        let site = site_packages(&env_of(&sandbox, &project), "3.12");
        for (path, _) in &files_a {
            let text = std::fs::read_to_string(site.join(path)).unwrap();
            assert!(
                text.starts_with("X = 'a ") || text.starts_with("X = 'b "),
                "{path}: {text}"
            );
        }
    }

    // Each cached copy still holds its own wheel's bytes.
    for (wheel, dist_info) in [
        (&a, "nsa-1.0.dist-info"),
        (&b, "nsb-1.0.dist-info"),
        (&c, "nsc-1.0.dist-info"),
    ] {
        let expected = wheel_files(wheel);
        let trees = cached_trees(&sandbox.home, dist_info);
        assert_eq!(trees.len(), 1, "{dist_info}: {trees:?}");
        let mut wrong = Vec::new();
        for (name, bytes) in expected.iter().filter(|(n, _)| n.starts_with("shared/")) {
            if std::fs::read(trees[0].join(name)).unwrap() != *bytes {
                wrong.push(name.clone());
            }
        }
        assert!(
            wrong.is_empty(),
            "{} cached files of {dist_info} hold another wheel's bytes, e.g. {:?}",
            wrong.len(),
            &wrong[..wrong.len().min(3)]
        );
    }

    // A second project taking only `nsa` from the cache gets nsa's bytes.
    let second = sandbox.root.join("second");
    locked_project(
        &second,
        "3.12",
        &["nsa"],
        &sandbox.wheels(),
        &path_lock(&[("nsa", "1.0", &a)]),
    );
    sandbox.pvm_in(&second).arg("sync").assert().success();
    let site = site_packages(&env_of(&sandbox, &second), "3.12");
    let wrong = files_a
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(site.join(path)).unwrap() != *text)
        .count();
    assert_eq!(wrong, 0, "files of nsa in the second env with nsb's bytes");
}

#[test]
fn two_local_wheels_of_one_name_size_and_time_each_install_their_own_code() {
    let sandbox = Sandbox::empty();
    let mut projects = Vec::new();
    for tag in ["A", "B"] {
        let dir = sandbox.root.join(format!("project-{tag}"));
        let wheels = dir.join("wheels");
        let file = wheels.join("foo-1.0-py3-none-any.whl");
        zip_wheel(
            &file,
            &[
                ("foo/__init__.py".into(), b"".to_vec()),
                ("foo/which.py".into(), format!("WHICH = '{tag}'\n").into_bytes()),
                (
                    "foo-1.0.dist-info/METADATA".into(),
                    b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n".to_vec(),
                ),
                ("foo-1.0.dist-info/WHEEL".into(), WHEEL.to_vec()),
                (
                    "foo-1.0.dist-info/RECORD".into(),
                    b"foo/__init__.py,,\nfoo/which.py,,\nfoo-1.0.dist-info/METADATA,,\nfoo-1.0.dist-info/WHEEL,,\nfoo-1.0.dist-info/RECORD,,\n".to_vec(),
                ),
            ],
        );
        projects.push((dir, wheels, file, tag));
    }
    // Same name, size and modification time; other bytes.
    let (first, second) = (&projects[0].2, &projects[1].2);
    assert_eq!(
        std::fs::metadata(first).unwrap().len(),
        std::fs::metadata(second).unwrap().len()
    );
    assert_ne!(sha256_hex(first), sha256_hex(second));
    let time = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    for (_, _, file, _) in &projects {
        let handle = std::fs::File::options().write(true).open(file).unwrap();
        handle.set_modified(time).unwrap();
    }
    for (dir, wheels, file, tag) in &projects {
        locked_project(
            dir,
            "3.12",
            &["foo"],
            wheels,
            &path_lock(&[("foo", "1.0", file)]),
        );
        sandbox.pvm_in(dir).arg("sync").assert().success();
        let out = sandbox
            .pvm_in(dir)
            .args([
                "run",
                "python",
                "-c",
                "import foo.which; print(foo.which.WHICH)",
            ])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), *tag, "the env of project {tag}");
    }
}

const WHEEL: &[u8] =
    b"Wheel-Version: 1.0\nGenerator: pvm-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

/// A wheel `rec` 1.0 with a header and a module, its RECORD spelled as `record`.
fn odd_record_wheel(dir: &Path, record: &str) -> PathBuf {
    let entries = vec![
        ("rec/__init__.py".to_string(), b"__version__ = '1.0'\n".to_vec()),
        ("rec-1.0.data/headers/rec.h".to_string(), b"int rec;\n".to_vec()),
        (
            "rec-1.0.dist-info/METADATA".to_string(),
            b"Metadata-Version: 2.1\nName: rec\nVersion: 1.0\n".to_vec(),
        ),
        ("rec-1.0.dist-info/WHEEL".to_string(), WHEEL.to_vec()),
        (
            record.to_string(),
            b"rec/__init__.py,,\nrec-1.0.data/headers/rec.h,,\nrec-1.0.dist-info/METADATA,,\nrec-1.0.dist-info/WHEEL,,\nrec-1.0.dist-info/RECORD,,\n"
                .to_vec(),
        ),
    ];
    let path = dir.join("rec-1.0-py3-none-any.whl");
    zip_wheel(&path, &entries);
    path
}

#[test]
fn a_record_spelled_oddly_is_never_written_through_into_the_cache_or_other_envs() {
    for record in [
        "rec-1.0.dist-info/./RECORD",
        "rec-1.0.data/purelib/rec-1.0.dist-info/RECORD",
    ] {
        let sandbox = Sandbox::empty();
        let wheel = odd_record_wheel(&sandbox.wheels(), record);
        let lock = path_lock(&[("rec", "1.0", &wheel)]);
        // One project on 3.12, one on 3.11: their RECORDs name other header folders.
        let newer = sandbox.root.join("newer");
        let older = sandbox.root.join("older");
        locked_project(&newer, "3.12", &["rec"], &sandbox.wheels(), &lock);
        locked_project(&older, "3.11", &["rec"], &sandbox.wheels(), &lock);
        sandbox.pvm_in(&newer).arg("sync").assert().success();
        sandbox.pvm_in(&older).arg("sync").assert().success();
        let (env12, env11) = (env_of(&sandbox, &newer), env_of(&sandbox, &older));
        let header12 = env12.join("include/site/python3.12/rec/rec.h");
        let header11 = env11.join("include/site/python3.11/rec/rec.h");
        assert!(header12.is_file() && header11.is_file(), "{record}");

        // Each env's RECORD is its own file, naming its own header.
        use std::os::unix::fs::MetadataExt;
        for (env, minor) in [(&env12, "3.12"), (&env11, "3.11")] {
            let path = site_packages(env, minor).join("rec-1.0.dist-info/RECORD");
            assert_eq!(
                std::fs::metadata(&path).unwrap().nlink(),
                1,
                "{record}: {minor}"
            );
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains(&format!("include/site/python{minor}/rec/rec.h")),
                "{record}: {minor}: {text}"
            );
        }
        // The cache holds what the wheel holds.
        let expected = wheel_files(&wheel);
        for tree in cached_trees(&sandbox.home, "rec-1.0.dist-info") {
            for (name, bytes) in expected.iter().filter(|(n, _)| !n.ends_with("RECORD")) {
                assert_eq!(
                    &std::fs::read(tree.join(name)).unwrap(),
                    bytes,
                    "{record}: {name}"
                );
            }
        }

        // pip uninstalls from the 3.12 env what it holds, and leaves the other env alone.
        sandbox
            .pvm_in(&newer)
            .args(["run", "python", "-m", "pip", "uninstall", "-y", "-q", "rec"])
            .assert()
            .success();
        assert!(
            !header12.exists(),
            "{record}: the 3.12 env's header is left"
        );
        assert!(header11.is_file(), "{record}");
        let out = sandbox
            .pvm_in(&older)
            .args([
                "run",
                "--no-sync",
                "python",
                "-c",
                "import rec; print(rec.__version__)",
            ])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "1.0");
    }
}

#[test]
fn pvm_records_every_file_with_its_hash_and_repairs_a_changed_one() {
    let sandbox = Sandbox::empty();
    let alpha = build_wheel(
        &sandbox.wheels(),
        "alpha",
        "1.0",
        &[],
        &[
            (
                "alpha-1.0.dist-info/entry_points.txt",
                "[console_scripts]\nalpha-hi = alpha:main\n",
            ),
            ("alpha/data.txt", "the original bytes\n"),
        ],
    );
    locked_project(
        &sandbox.project,
        "3.12",
        &["alpha"],
        &sandbox.wheels(),
        &path_lock(&[("alpha", "1.0", &alpha)]),
    );
    sandbox.pvm().arg("sync").assert().success();
    let env = sandbox.only_env();
    let site = site_packages(&env, "3.12");
    // As pip and uv write it: every file but RECORD with its sha256 and size.
    let record = std::fs::read_to_string(site.join("alpha-1.0.dist-info/RECORD")).unwrap();
    for line in record.lines() {
        let mut fields = line.rsplitn(3, ',');
        let (size, hash, path) = (
            fields.next().unwrap(),
            fields.next().unwrap(),
            fields.next().unwrap(),
        );
        if path == "alpha-1.0.dist-info/RECORD" {
            assert_eq!((hash, size), ("", ""));
            continue;
        }
        let bytes = std::fs::read(site.join(path)).unwrap();
        assert_eq!(size, bytes.len().to_string(), "{line}");
        assert_eq!(hash, record_hash(&bytes), "{line}");
    }
    assert!(record.contains("../../../bin/alpha-hi,sha256="), "{record}");

    // A file changed at its size (a new file: the old one is the cache's), then a sync that
    // did not finish (its fingerprint cleared): the next run installs alpha again.
    let data = site.join("alpha/data.txt");
    std::fs::remove_file(&data).unwrap();
    std::fs::write(&data, "the changed bytes!\n").unwrap();
    let path = env.join("pvm-env.json");
    let mut metadata = metadata(&env);
    metadata["fingerprint"] = serde_json::Value::Null;
    std::fs::write(&path, serde_json::to_vec(&metadata).unwrap()).unwrap();
    sandbox.pvm().args(["run", "true"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(&data).unwrap(),
        "the original bytes\n"
    );
}

fn record_hash(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(bytes))
    )
}

/// A wheel `big` 1.0 holding `big/zeros.bin`: `size` zero bytes, compressed to little.
fn zeros_wheel(dir: &Path, size: usize) -> PathBuf {
    let path = dir.join("big-1.0-py3-none-any.whl");
    std::fs::create_dir_all(dir).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(size > u32::MAX as usize);
    zip.start_file("big/__init__.py", options).unwrap();
    zip.write_all(b"__version__ = '1.0'\n").unwrap();
    zip.start_file("big/zeros.bin", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..size / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    for (name, text) in [
        (
            "big-1.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: big\nVersion: 1.0\n",
        ),
        (
            "big-1.0.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: pvm-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        ),
        ("big-1.0.dist-info/RECORD", ""),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[test]
fn a_wheel_holding_a_huge_file_is_installed_in_little_memory() {
    let sandbox = Sandbox::empty();
    let size = 400 << 20;
    let wheel = zeros_wheel(&sandbox.wheels(), size);
    assert!(std::fs::metadata(&wheel).unwrap().len() < 1 << 20);
    locked_project(
        &sandbox.project,
        "3.12",
        &["big"],
        &sandbox.wheels(),
        &path_lock(&[("big", "1.0", &wheel)]),
    );
    // pvm and what it starts (the interpreter) within MEMORY_LIMIT of writable memory. Not of
    // address space (`--as`): each thread's malloc arena reserves 64 MiB of it, so that limit
    // would count the machine's cores, not the bytes held.
    let out = sandbox
        .with_pvm_on_path("prlimit")
        .arg(format!("--data={MEMORY_LIMIT}"))
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("pvm"))
        .arg("sync")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}\n{}", out.status, stderr(&out));
    let zeros = site_packages(&sandbox.only_env(), "3.12").join("big/zeros.bin");
    assert_eq!(std::fs::metadata(zeros).unwrap().len(), size as u64);
}

/// Room for pvm's threads and the interpreter it runs, not for the file: 400 MiB of it.
const MEMORY_LIMIT: u64 = 300 << 20;
