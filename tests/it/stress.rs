//! The shared cache under load: eight projects whose wheels ship the same paths sync side by
//! side into one store, again and again, while random syncs are killed (SIGKILL, 40 times).
//! Afterwards every unpacked wheel in the cache still holds exactly its wheel's bytes (by the
//! wheel's own RECORD), and every env holds only its own packages' files, passes `pip check`
//! and imports what its lock says.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::support::*;

/// Packages `p0`…`p5`; each ships its own module and the same `nsx/shared/m*.py` paths, with
/// bytes that say which wheel they came from.
const PACKAGES: usize = 6;
const SHARED_FILES: usize = 300;
const PROJECTS: usize = 8;
const KILLS: usize = 40;

fn shared_files(package: usize, version: &str) -> Vec<(String, String)> {
    let mut files = vec![(
        "nsx/__init__.py".to_string(),
        format!("WHO = \"p{package}-{version}\"\n"),
    )];
    for k in 0..SHARED_FILES {
        files.push((
            format!("nsx/shared/m{k}.py"),
            format!("WHO = \"p{package}-{version}\"\nK = {k}\n"),
        ));
    }
    files
}

fn build(wheels: &Path, package: usize, version: &str) {
    let files = shared_files(package, version);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    build_wheel(wheels, &format!("p{package}"), version, &[], &files);
}

/// The packages project `j` depends on: three of the six, overlapping with its neighbours'.
fn dependencies(j: usize) -> [usize; 3] {
    [j % PACKAGES, (j + 1) % PACKAGES, (j + 3) % PACKAGES]
}

/// A small deterministic generator: the same kills on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

fn spawn_in(sandbox: &Sandbox, dir: &Path, args: &[&str]) -> Child {
    use std::os::unix::process::CommandExt;
    sandbox
        .pvm_process(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap()
}

/// Project `j`'s manifest, asking for `dependencies` (quoted, comma-separated).
fn manifest(sandbox: &Sandbox, j: usize, dependencies: &str) -> String {
    format!(
        "[project]\nname = \"stress{j}\"\nversion = \"0.1.0\"\ndependencies = [{}]\n\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"pip\"\nno-index = true\nfind-links = [{:?}]\n",
        dependencies,
        sandbox.wheels().display().to_string()
    )
}

fn sha256_urlsafe(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(bytes))
}

/// Every file a wheel ships, by path, with its RECORD hash (checked against the bytes).
fn wheel_record(wheel: &Path) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()).unwrap();
    let record_name = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
        .find(|name| name.ends_with(".dist-info/RECORD"))
        .unwrap();
    let mut record = String::new();
    archive
        .by_name(&record_name)
        .unwrap()
        .read_to_string(&mut record)
        .unwrap();
    record
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(',');
            let path = fields.next()?.to_string();
            let hash = fields.next()?.strip_prefix("sha256=")?.to_string();
            Some((path, hash))
        })
        .collect()
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Every unpacked wheel in the cache holds exactly its wheel's files, byte for byte; returns
/// how many trees were checked.
fn assert_cache_matches_wheels(sandbox: &Sandbox) -> usize {
    let records: BTreeMap<String, BTreeMap<String, String>> = std::fs::read_dir(sandbox.wheels())
        .unwrap()
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem: Vec<&str> = name.split('-').take(2).collect();
            (stem.join("-"), wheel_record(&entry.path()))
        })
        .collect();
    let unpacked = sandbox.home.join("cache").join("wheels");
    let mut checked = 0;
    for tree in std::fs::read_dir(&unpacked).unwrap().flatten() {
        let name = tree.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            // A killed pvm's scratch folder: never linked from.
            continue;
        }
        let Some(dist_info) = std::fs::read_dir(tree.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".dist-info"))
        else {
            continue;
        };
        let Some(record) = records.get(dist_info.trim_end_matches(".dist-info")) else {
            // Not one of this test's wheels (pip, seeded into every env).
            continue;
        };
        for file in files_under(&tree.path()) {
            let relative = file
                .strip_prefix(tree.path())
                .unwrap()
                .display()
                .to_string();
            if relative.ends_with(".dist-info/RECORD") {
                continue;
            }
            let expected = record
                .get(&relative)
                .unwrap_or_else(|| panic!("{name}: {relative} is not in its wheel"));
            let actual = sha256_urlsafe(&std::fs::read(&file).unwrap());
            assert_eq!(
                &actual,
                expected,
                "{name}/{relative} no longer holds its wheel's bytes: {:?}",
                std::fs::read_to_string(&file).unwrap_or_default()
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn eight_overlapping_syncs_and_forty_kills_leave_every_cached_file_and_env_right() {
    let sandbox = Sandbox::empty();
    let wheels = sandbox.wheels();
    for package in 0..PACKAGES {
        build(&wheels, package, "1.0");
    }
    let projects: Vec<PathBuf> = (0..PROJECTS)
        .map(|j| {
            let dir = sandbox.root.join(format!("stress{j}"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("pyproject.toml"),
                manifest(&sandbox, j, &quoted_dependencies(j)),
            )
            .unwrap();
            dir
        })
        .collect();
    // Two locks per project: every package at 1.0, then at 2.0; each round takes one of them
    // at random, so syncs replace versions as well as install them.
    for dir in &projects {
        sandbox.pvm_in(dir).arg("lock").assert().success();
        std::fs::rename(dir.join("pylock.toml"), dir.join("lock-1.0.toml")).unwrap();
    }
    for package in 0..PACKAGES {
        build(&wheels, package, "2.0");
    }
    for dir in &projects {
        sandbox
            .pvm_in(dir)
            .args(["lock", "--upgrade"])
            .assert()
            .success();
        std::fs::rename(dir.join("pylock.toml"), dir.join("lock-2.0.toml")).unwrap();
    }

    let mut random = Lcg(0x5eed18);
    let mut chosen = ["1.0"; PROJECTS];
    let (mut kills, mut rounds) = (0, 0);
    let mut typical = Duration::from_millis(400);
    while kills < KILLS {
        assert!(rounds < 4 * KILLS, "only {kills} kills in {rounds} rounds");
        rounds += 1;
        let started = Instant::now();
        let mut children: Vec<Child> = projects
            .iter()
            .enumerate()
            .map(|(j, dir)| {
                chosen[j] = if random.next(2) == 0 { "1.0" } else { "2.0" };
                std::fs::copy(
                    dir.join(format!("lock-{}.toml", chosen[j])),
                    dir.join("pylock.toml"),
                )
                .unwrap();
                spawn_in(&sandbox, dir, &["sync"])
            })
            .collect();
        // One kill, sometimes two, of syncs still running at a random moment of the round.
        std::thread::sleep(Duration::from_millis(
            random.next(typical.as_millis() as u64 + 1),
        ));
        let mut victims = BTreeSet::new();
        for _ in 0..1 + random.next(2) {
            let running: Vec<usize> = (0..PROJECTS)
                .filter(|&j| !victims.contains(&j) && children[j].try_wait().unwrap().is_none())
                .collect();
            if running.is_empty() {
                break;
            }
            let victim = running[random.next(running.len() as u64) as usize];
            send_signal(-(children[victim].id() as i32), 9);
            victims.insert(victim);
            kills += 1;
        }
        for (j, child) in children.iter_mut().enumerate() {
            let (status, stderr) = finish(child);
            assert!(
                status.success() || victims.contains(&j),
                "round {rounds}: the sync of stress{j} failed: {stderr}"
            );
        }
        typical = (typical + started.elapsed()) / 2;
    }

    // Every project synced once more to its last lock, without a kill.
    for (j, dir) in projects.iter().enumerate() {
        sandbox.pvm_in(dir).arg("sync").assert().success();
        let version = chosen[j];
        let deps = dependencies(j);
        let check = format!(
            "import glob, os, sys, nsx\n\
             for p in {deps:?}:\n    m = __import__('p%d' % p)\n    assert m.__version__ == {version:?}, (p, m.__version__)\n\
             allowed = {{'p%d-{version}' % p for p in {deps:?}}}\n\
             shared = glob.glob(os.path.join(os.path.dirname(nsx.__file__), 'shared', '*.py'))\n\
             bad = [(f, open(f).read().split('\"')[1]) for f in shared if open(f).read().split('\"')[1] not in allowed]\n\
             assert not bad, bad[:3]\n\
             print('ok', len(shared))"
        );
        let out = sandbox
            .pvm_in(dir)
            .args(["run", "python", "-c", &check])
            .output()
            .unwrap();
        assert!(
            out.status.success() && stdout(&out).starts_with("ok"),
            "stress{j} holds files of packages it does not have: {}{}",
            stdout(&out),
            stderr(&out)
        );
        sandbox
            .pvm_in(dir)
            .args(["run", "python", "-m", "pip", "check"])
            .assert()
            .success();
    }
    // What a pip killed while uninstalling set aside (`~1`, `~1-2.0.dist-info`) went with the
    // sync that repaired its env.
    for env in sandbox.envs() {
        let site = sandbox
            .envs_dir()
            .join(&env)
            .join("lib/python3.12/site-packages");
        let stash: Vec<_> = std::fs::read_dir(&site)
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name())
            .filter(|name| name.as_encoded_bytes().starts_with(b"~"))
            .collect();
        assert!(stash.is_empty(), "{env} keeps pip's stash: {stash:?}");
    }
    let checked = assert_cache_matches_wheels(&sandbox);
    assert!(
        checked >= PACKAGES,
        "only {checked} unpacked wheels in the cache"
    );
}

/// Waits for a child whose stdout is not piped: its status and its stderr.
fn finish(child: &mut Child) -> (std::process::ExitStatus, String) {
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    (child.wait().unwrap(), err)
}

/// Eight projects locking one big wheel sync at once into an empty store: each pvm unpacks
/// the wheel (and seeds pip), the first tree in place is the one all use, and none is pulled
/// from under a pvm linking from it. Then eight `--reinstall`s, which do swap the tree.
#[test]
fn eight_cold_syncs_of_one_wheel_unpack_it_side_by_side_and_all_succeed() {
    let sandbox = Sandbox::empty();
    let files: Vec<(String, String)> = (0..2000)
        .map(|k| (format!("big/m{k}.py"), format!("K = {k}\n")))
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let wheel = build_wheel(&sandbox.wheels(), "big", "1.0", &[], &files);
    let lock = format!(
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n\n[[packages]]\nname = \"big\"\nversion = \"1.0\"\nwheels = [{{ path = {:?}, hashes = {{ sha256 = \"{}\" }} }}]\n",
        wheel.display().to_string(),
        sha256_hex(&wheel)
    );
    let projects: Vec<PathBuf> = (0..PROJECTS)
        .map(|j| {
            let dir = sandbox.root.join(format!("cold{j}"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("pyproject.toml"), manifest(&sandbox, j, "\"big\"")).unwrap();
            std::fs::write(dir.join("pylock.toml"), &lock).unwrap();
            dir
        })
        .collect();
    for args in [&["sync"][..], &["sync", "--reinstall"]] {
        let mut children: Vec<Child> = projects
            .iter()
            .map(|dir| spawn_in(&sandbox, dir, args))
            .collect();
        for (j, child) in children.iter_mut().enumerate() {
            let (status, stderr) = finish(child);
            assert!(status.success(), "{args:?} of cold{j} failed: {stderr}");
        }
        for dir in &projects {
            let out = sandbox
                .pvm_in(dir)
                .args(["run", "python", "-c", "import big.m1999 as m; print(m.K)"])
                .output()
                .unwrap();
            assert_eq!(stdout(&out), "1999", "{args:?}: {}", stderr(&out));
        }
    }
}

/// What project `j` of the first test depends on, as a manifest lists it.
fn quoted_dependencies(j: usize) -> String {
    dependencies(j)
        .iter()
        .map(|p| format!("\"p{p}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
