//! `pvm cache dir|size|prune|clean` and the honest sizes of `pvm list`: envs are hard links
//! into the cache, so removing a cache entry never takes a file from an env, and a prune never
//! removes what a running sync is about to link.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A synced project using wheels `alpha` and `beta` (built here), installed by pvm itself.
fn synced() -> Sandbox {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha", "beta"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().arg("sync").assert().success();
    sandbox
}

/// Another project at `root/<name>` with the same manifest as the sandbox's.
fn twin(sandbox: &Sandbox, name: &str) -> PathBuf {
    let dir = sandbox.root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["pyproject.toml", "pylock.toml"] {
        std::fs::copy(sandbox.project.join(file), dir.join(file)).unwrap();
    }
    dir
}

fn cache_size(sandbox: &Sandbox) -> serde_json::Value {
    let out = sandbox
        .pvm()
        .args(["cache", "size", "--json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn bucket<'a>(size: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    size["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == name)
        .unwrap()
}

/// The unpacked trees in the cache, by the package they hold, but pip's.
fn trees(sandbox: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(sandbox.home.join("cache/wheels"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .flat_map(|e| std::fs::read_dir(e.path()).unwrap().flatten())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|name| Some(name.strip_suffix(".dist-info")?.to_string()))
        // pip, seeded into every env from its own tree.
        .filter(|name| !name.starts_with("pip-"))
        .collect();
    names.sort();
    names
}

fn imports_all(sandbox: &Sandbox, dir: &Path) {
    let out = sandbox
        .pvm_in(dir)
        .args([
            "run",
            "--no-sync",
            "python",
            "-c",
            "import alpha, beta; print(alpha.__version__, beta.__version__)",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0 1.0", "{}", dir.display());
}

#[test]
fn cache_dir_prints_the_folder() {
    let sandbox = Sandbox::empty();
    let out = sandbox.pvm().args(["cache", "dir"]).assert().success();
    assert_eq!(
        stdout(out.get_output()),
        sandbox.home.join("cache").display().to_string()
    );
}

#[test]
fn cache_size_tells_shared_from_cache_only() {
    let sandbox = synced();
    let size = cache_size(&sandbox);
    let wheels = bucket(&size, "wheels");
    // alpha, beta and pip (seeded from its own tree).
    assert_eq!(wheels["entries"], 3, "{size:#}");
    // The modules are linked into the env; pvm's own RECORD in the tree is not.
    assert!(wheels["shared_bytes"].as_u64().unwrap() > 0, "{size:#}");
    assert!(wheels["cache_only_bytes"].as_u64().unwrap() > 0, "{size:#}");
    assert_eq!(
        size["bytes"].as_u64().unwrap(),
        size["shared_bytes"].as_u64().unwrap() + size["cache_only_bytes"].as_u64().unwrap()
    );
    let out = sandbox.pvm().args(["cache", "size"]).assert().success();
    let table = stdout(out.get_output());
    assert!(table.starts_with("BUCKET"), "{table}");
    for row in [
        "artifacts",
        "wheels",
        "editables",
        "interpreters",
        "overlays",
        "pythons",
        "total",
    ] {
        assert!(table.lines().any(|l| l.starts_with(row)), "{row}: {table}");
    }
}

#[test]
fn prune_removes_what_nothing_uses_and_envs_keep_their_files() {
    let sandbox = synced();
    // beta leaves the project: its tree is linked by no env and named by no lock.
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("sync").assert().success();
    // Facts of an interpreter that is gone.
    let facts = sandbox.home.join("cache/interpreters/gone.json");
    std::fs::write(&facts, r#"{"path": "/nonexistent/python3.99"}"#).unwrap();
    assert_eq!(trees(&sandbox), ["alpha-1.0", "beta-1.0"]);

    let out = sandbox.pvm().args(["cache", "prune"]).assert().success();
    let said = stderr(out.get_output());
    assert!(said.contains("Removed 2 cache entries"), "{said}");
    assert!(
        said.contains("wheels/") && said.contains("(beta): no env links it"),
        "{said}"
    );
    assert!(said.contains("interpreters/gone.json"), "{said}");
    assert_eq!(trees(&sandbox), ["alpha-1.0"]);
    assert!(!facts.exists());
    assert_eq!(sandbox.imported_version("alpha"), "1.0");

    // Nothing left to prune.
    let out = sandbox.pvm().args(["cache", "prune"]).assert().success();
    assert!(stderr(out.get_output()).contains("nothing to prune"));

    // --ci drops the unpacked trees, even linked ones; the env keeps its files.
    sandbox
        .pvm()
        .args(["cache", "prune", "--ci"])
        .assert()
        .success();
    assert!(trees(&sandbox).is_empty());
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    // And a later sync unpacks again what it needs.
    sandbox.deps_project("3.12", "pip", &["alpha", "beta"], "");
    sandbox.pvm().arg("sync").assert().success();
    imports_all(&sandbox, &sandbox.project);
}

#[test]
fn clean_removes_one_package_or_everything_and_envs_keep_working() {
    let sandbox = synced();
    let out = sandbox
        .pvm()
        .args(["cache", "clean", "Beta"])
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("(beta)"));
    assert_eq!(trees(&sandbox), ["alpha-1.0"]);
    imports_all(&sandbox, &sandbox.project);

    let out = sandbox
        .pvm()
        .args(["cache", "clean", "gamma"])
        .assert()
        .success();
    assert!(stderr(out.get_output()).contains("nothing cached for gamma"));

    sandbox.pvm().args(["cache", "clean"]).assert().success();
    let size = cache_size(&sandbox);
    assert_eq!(size["bytes"], 0, "{size:#}");
    imports_all(&sandbox, &sandbox.project);
    // The env is still whole: a sync has nothing to do.
    let out = sandbox.pvm().arg("sync").assert().success();
    assert!(!stderr(out.get_output()).contains("Installed"));
}

#[test]
fn list_counts_shared_files_once() {
    let sandbox = synced();
    let other = twin(&sandbox, "other");
    sandbox.pvm_in(&other).arg("sync").assert().success();
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let envs: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let envs = envs.as_array().unwrap();
    assert_eq!(envs.len(), 2);
    for env in envs {
        let (own, shared, size) = (
            env["own_bytes"].as_u64().unwrap(),
            env["shared_bytes"].as_u64().unwrap(),
            env["size_bytes"].as_u64().unwrap(),
        );
        assert!(own > 0 && shared > 0, "{env:#}");
        assert_eq!(own + shared, size);
    }
    let out = sandbox.pvm().arg("list").assert().success();
    let table = stdout(out.get_output());
    assert!(table.lines().next().unwrap().contains("OWN"), "{table}");
    assert!(
        table.lines().last().unwrap().starts_with("total (2 envs)"),
        "{table}"
    );
}

#[test]
fn prune_waits_for_a_sync_that_is_linking_and_every_env_still_imports_everything() {
    let sandbox = synced();
    // A second project: its sync stops with the wheels unpacked (gamma's a fresh tree no env
    // links yet), just before linking them.
    sandbox.wheel("gamma", "1.0", &[]);
    let other = twin(&sandbox, "other");
    let manifest = std::fs::read_to_string(other.join("pyproject.toml")).unwrap();
    std::fs::write(
        other.join("pyproject.toml"),
        manifest.replace(r#""beta"]"#, r#""beta", "gamma"]"#),
    )
    .unwrap();
    sandbox.pvm_in(&other).arg("lock").assert().success();
    let mark = sandbox.root.join("paused");
    let sync = {
        use std::os::unix::process::CommandExt;
        let mut cmd = sandbox.pvm_process(&other);
        cmd.env("PVM_FAULT_PAUSE", "install")
            .env("PVM_FAULT_MARK", &mark)
            .arg("sync")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0);
        cmd.spawn().unwrap()
    };
    wait_for(&mark);
    let mut prune = sandbox.spawn(&["cache", "prune"], &[]);
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(prune.try_wait().unwrap().is_none(), "prune did not wait");
    std::fs::remove_file(&mark).unwrap();
    let synced = sync.wait_with_output().unwrap();
    assert!(synced.status.success(), "{}", stderr(&synced));
    let pruned = prune.wait_with_output().unwrap();
    assert!(pruned.status.success(), "{}", stderr(&pruned));
    assert!(stderr(&pruned).contains("Waiting"), "{}", stderr(&pruned));
    imports_all(&sandbox, &sandbox.project);
    imports_all(&sandbox, &other);
    assert!(trees(&sandbox).contains(&"gamma-1.0".to_string()));
    assert_eq!(
        sandbox
            .pvm_in(&other)
            .args([
                "run",
                "--no-sync",
                "python",
                "-c",
                "import gamma; print(gamma.__version__)"
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
        b"1.0\n"
    );

    // And free-running: syncs of three more projects while prunes run over and over.
    let dirs: Vec<PathBuf> = (0..3).map(|i| twin(&sandbox, &format!("p{i}"))).collect();
    let syncs: Vec<std::process::Child> = dirs
        .iter()
        .map(|dir| {
            sandbox
                .pvm_process(dir)
                .arg("sync")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for _ in 0..5 {
        sandbox
            .pvm()
            .args(["cache", "prune", "--ci"])
            .assert()
            .success();
    }
    for sync in syncs {
        let out = sync.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    sandbox
        .pvm()
        .args(["cache", "prune", "--ci"])
        .assert()
        .success();
    for dir in dirs.iter().chain([&sandbox.project, &other]) {
        imports_all(&sandbox, dir);
    }
}

/// Every env's (own, shared) bytes as `pvm list --json` says, by name.
fn listed_sizes(sandbox: &Sandbox) -> Vec<(String, u64, u64)> {
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let envs: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    envs.as_array()
        .unwrap()
        .iter()
        .map(|env| {
            (
                env["name"].as_str().unwrap().to_string(),
                env["own_bytes"].as_u64().unwrap(),
                env["shared_bytes"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every env's (own, shared) bytes measured here and now: files with one link are its own,
/// the others shared (each inode once); pvm's size record is bookkeeping, left out.
fn measured_sizes(sandbox: &Sandbox) -> Vec<(String, u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fn walk(dir: &Path, own: &mut u64, shared: &mut u64, seen: &mut Vec<(u64, u64)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                walk(&entry.path(), own, shared, seen);
            } else if entry.file_name() == ".pvm-size" {
                continue;
            } else if meta.nlink() <= 1 {
                *own += meta.len();
            } else if !seen.contains(&(meta.dev(), meta.ino())) {
                seen.push((meta.dev(), meta.ino()));
                *shared += meta.len();
            }
        }
    }
    sandbox
        .envs()
        .into_iter()
        .map(|name| {
            let (mut own, mut shared) = (0, 0);
            walk(
                &sandbox.envs_dir().join(&name),
                &mut own,
                &mut shared,
                &mut Vec::new(),
            );
            (name, own, shared)
        })
        .collect()
}

/// What `pvm list` says is what the disk holds now.
fn assert_sizes_honest(sandbox: &Sandbox, after: &str) {
    assert_eq!(
        listed_sizes(sandbox),
        measured_sizes(sandbox),
        "pvm list after {after}"
    );
}

#[test]
fn list_sizes_stay_honest_after_sync_clean_remove_and_prune() {
    let sandbox = synced();
    let other = twin(&sandbox, "other");
    sandbox.pvm_in(&other).arg("sync").assert().success();
    assert_sizes_honest(&sandbox, "two syncs");
    // The list kept each env's size beside it: the next list reads it back.
    for env in sandbox.envs() {
        assert!(
            sandbox.envs_dir().join(&env).join(".pvm-size").is_file(),
            "{env} has no kept size after a list"
        );
    }
    let before = listed_sizes(&sandbox);
    assert!(
        before.iter().all(|(_, _, shared)| *shared > 0),
        "{before:?}"
    );

    // The cache's names go: the two envs still share their files with each other.
    sandbox.pvm().args(["cache", "clean"]).assert().success();
    assert_sizes_honest(&sandbox, "pvm cache clean");

    // The other env goes: what the two shared is now the remaining env's own.
    sandbox.pvm_in(&other).arg("remove").assert().success();
    assert_eq!(sandbox.envs().len(), 1);
    assert_sizes_honest(&sandbox, "pvm remove");
    let (name, own_after, shared_after) = listed_sizes(&sandbox).remove(0);
    let (_, own_before, shared_before) = before.iter().find(|(n, _, _)| *n == name).unwrap();
    assert!(
        own_after > *own_before && shared_after < *shared_before,
        "{before:?} -> own {own_after}, shared {shared_after}"
    );

    // A sync links the cache again (a new unpack); a prune --ci takes the unpacked trees.
    std::fs::write(sandbox.project.join("pyproject.toml"), {
        let text = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
        text.replace(", \"beta\"", "")
    })
    .unwrap();
    sandbox.pvm().arg("sync").assert().success();
    assert_sizes_honest(&sandbox, "a sync that removed a package");
    sandbox
        .pvm()
        .args(["cache", "prune", "--ci"])
        .assert()
        .success();
    assert_sizes_honest(&sandbox, "pvm cache prune --ci");
}
