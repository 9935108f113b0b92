//! Concurrency, kills at chosen points, vanished interpreters, unusable stores: nothing is lost
//! and the next command heals.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::support::*;

fn spawn_pvm(sandbox: &Sandbox, args: &[&str], envs: &[(&str, &Path)]) -> Child {
    sandbox.spawn(args, envs)
}

fn sigkill_group(child: &mut Child) {
    send_signal(-(child.id() as i32), 9);
    let _ = child.wait();
}

fn status(sandbox: &Sandbox) -> String {
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    list[0]["status"].as_str().unwrap_or("none").to_string()
}

/// Everything in the store that is not a finished env or pvm's own bookkeeping.
fn leftovers(sandbox: &Sandbox) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![sandbox.home.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-")
                || name.starts_with(".trash-")
                || name.starts_with(".unpack-")
            {
                found.push(entry.path());
            }
            if entry.file_type().unwrap().is_dir() && !name.ends_with("site-packages") {
                stack.push(entry.path());
            }
        }
    }
    found
}

#[test]
fn eight_runs_at_once_build_one_env() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    let children: Vec<Child> = (0..8)
        .map(|_| {
            spawn_pvm(
                &sandbox,
                &[
                    "run",
                    "python",
                    "-c",
                    "import sys, alpha; print(sys.prefix, alpha.__version__)",
                ],
                &[],
            )
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", stderr(out));
        assert_eq!(stdout(out), stdout(&outputs[0]));
    }
    let env = sandbox.only_env();
    assert!(stdout(&outputs[0]).starts_with(&*env.to_string_lossy()));
    let built = outputs
        .iter()
        .filter(|o| stderr(o).contains("Creating"))
        .count();
    assert_eq!(built, 1, "one pvm built the env, the others waited");
    assert!(
        outputs.iter().any(|o| stderr(o).contains("Waiting")),
        "the others said they waited"
    );
    assert!(metadata(&env)["fingerprint"].is_string());
    assert!(leftovers(&sandbox).is_empty(), "{:?}", leftovers(&sandbox));
}

#[test]
fn a_sync_killed_at_any_point_is_healed_by_the_next_run() {
    for (point, fresh, shown) in [
        ("create", true, "broken"),
        ("install", false, "outdated"),
        ("metadata", false, "outdated"),
    ] {
        let sandbox = Sandbox::empty();
        sandbox.wheel("alpha", "1.0", &[]);
        sandbox.wheel("beta", "1.0", &[]);
        sandbox.deps_project("3.12", "pip", &["alpha"], "");
        if !fresh {
            sandbox.pvm().args(["sync"]).assert().success();
            sandbox.deps_project("3.12", "pip", &["alpha", "beta"], "");
        }
        let mark = sandbox.root.join("reached");
        let mut child = spawn_pvm(
            &sandbox,
            &["sync"],
            &[
                ("PVM_FAULT_PAUSE", Path::new(point)),
                ("PVM_FAULT_MARK", &mark),
            ],
        );
        wait_for(&mark);
        sigkill_group(&mut child);
        assert_eq!(
            status(&sandbox),
            shown,
            "after a kill at `{point}`, list tells the truth"
        );
        let out = sandbox.pvm().args(["list", "--json"]).assert().success();
        let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let reason = list[0]["reason"].as_str().unwrap_or("").to_string();
        let expected = match point {
            "create" => "incomplete or interrupted",
            "install" => "did not finish",
            _ => "changed since the last sync",
        };
        assert!(reason.contains(expected), "{point}: {reason}");

        let out = sandbox
            .pvm()
            .args([
                "run",
                "python",
                "-c",
                "import alpha; print(alpha.__version__)",
            ])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "1.0", "healed after `{point}`");
        if !fresh {
            assert_eq!(sandbox.imported_version("beta"), "1.0", "{point}");
        }
        assert_eq!(status(&sandbox), "ok", "{point}");
        assert!(
            leftovers(&sandbox).is_empty(),
            "{point}: {:?}",
            leftovers(&sandbox)
        );
    }
}

/// pip killed in the middle of an uninstall (a sync killed while it replaces a package) leaves
/// what it took away in `~`-named folders beside the originals, its stash: `~lpha`,
/// `~lpha-2.0.dist-info`. That is not an installed package: the repairing sync removes the
/// stash, and no later sync takes it for the package (which would keep 1.0 installed under a
/// lock of 2.0, the sync saying it is done).
#[test]
fn a_killed_pips_stash_is_not_taken_for_an_installed_package() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    let lock_1 = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    sandbox.wheel("alpha", "2.0", &[]);
    sandbox.pvm().args(["lock", "--upgrade"]).assert().success();
    let lock_2 = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("alpha"), "2.0");

    // A sync to 1.0, killed once the env is marked unfinished; then what pip's stash looks like
    // had it been killed while uninstalling 2.0.
    sandbox.write("pylock.toml", &lock_1);
    let mark = sandbox.root.join("reached");
    let mut child = spawn_pvm(
        &sandbox,
        &["sync"],
        &[
            ("PVM_FAULT_PAUSE", Path::new("install")),
            ("PVM_FAULT_MARK", &mark),
        ],
    );
    wait_for(&mark);
    sigkill_group(&mut child);
    let site = sandbox.only_env().join("lib/python3.12/site-packages");
    for (from, to) in [
        ("alpha", "~lpha"),
        ("alpha-2.0.dist-info", "~lpha-2.0.dist-info"),
    ] {
        std::fs::rename(site.join(from), site.join(to)).unwrap();
    }

    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("alpha"), "1.0");
    let stash: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('~'))
        .collect();
    assert!(stash.is_empty(), "pip's stash is still there: {stash:?}");
    assert_eq!(sandbox.info_json()["status"], "ok");

    sandbox.write("pylock.toml", &lock_2);
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.present_version("alpha"), "2.0");
}

#[test]
fn remove_waits_for_a_sync_in_progress() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox
        .pvm()
        .args(["run", "--no-sync", "true"])
        .assert()
        .success();
    let mark = sandbox.root.join("reached");
    let sync = spawn_pvm(
        &sandbox,
        &["sync"],
        &[
            ("PVM_FAULT_PAUSE", Path::new("install")),
            ("PVM_FAULT_MARK", &mark),
            ("PVM_FAULT_PAUSE_SECS", Path::new("3")),
        ],
    );
    wait_for(&mark);
    let started = Instant::now();
    let remove = spawn_pvm(&sandbox, &["remove"], &[]);
    let remove = remove.wait_with_output().unwrap();
    let sync = sync.wait_with_output().unwrap();
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(remove.status.success(), "{}", stderr(&remove));
    assert!(
        started.elapsed() > Duration::from_secs(1),
        "remove did not wait"
    );
    assert!(stderr(&remove).contains("Waiting"), "{}", stderr(&remove));
    assert!(sandbox.envs().is_empty(), "{:?}", sandbox.envs());
    assert_eq!(
        sandbox.imported_version("alpha"),
        "1.0",
        "the next run builds it again"
    );
}

#[test]
fn a_vanished_interpreter_is_reported_and_replaced() {
    let sandbox = Sandbox::empty();
    // A pyenv root of our own whose 3.9 can be "uninstalled".
    let root = sandbox.root.join("pyenv");
    std::fs::create_dir_all(root.join("versions")).unwrap();
    let real = pyenv_python("3.9");
    let link = root.join("versions").join(real.file_name().unwrap());
    std::os::unix::fs::symlink(&real, &link).unwrap();
    sandbox.manifest("[project]\nname = \"demo\"\n[tool.pvm]\npython = \"3.9\"\n");
    let run = |args: &[&str]| {
        let mut cmd = sandbox.pvm();
        cmd.env("PYENV_ROOT", &root).args(args);
        cmd
    };
    run(&["run", "true"]).assert().success();
    std::fs::remove_file(&link).unwrap();

    let out = run(&["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list[0]["status"], "broken");
    assert!(
        list[0]["reason"].as_str().unwrap().contains("is gone"),
        "{list}"
    );

    let out = run(&["run", "true"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(err.contains("is gone"), "says why: {err}");
    assert!(
        err.contains("no interpreter matches `3.9`") && err.contains("interpreters found"),
        "{err}"
    );

    sandbox.manifest("[project]\nname = \"demo\"\n[tool.pvm]\npython = \"3.11\"\n");
    let out = run(&[
        "run",
        "python",
        "-c",
        "import sys; print(sys.version_info[:2])",
    ])
    .assert()
    .success();
    assert_eq!(stdout(out.get_output()), "(3, 11)");
}

#[test]
fn a_vanished_interpreter_is_replaced_by_another_match_of_the_same_request() {
    let sandbox = Sandbox::empty();
    let root = sandbox.root.join("pyenv");
    std::fs::create_dir_all(root.join("versions")).unwrap();
    let mut links = Vec::new();
    for minor in ["3.9", "3.10"] {
        let real = pyenv_python(minor);
        let link = root.join("versions").join(real.file_name().unwrap());
        std::os::unix::fs::symlink(&real, &link).unwrap();
        links.push(link);
    }
    sandbox.manifest("[project]\nname = \"demo\"\n[tool.pvm]\npython = \">=3.9,<3.11\"\n");
    let run = || {
        let mut cmd = sandbox.pvm();
        cmd.env("PYENV_ROOT", &root).args([
            "run",
            "python",
            "-c",
            "import sys; print(sys.version_info[1])",
        ]);
        cmd
    };
    assert_eq!(
        stdout(run().assert().success().get_output()),
        "10",
        "the newest match"
    );
    std::fs::remove_file(&links[1]).unwrap();
    let out = run().assert().success();
    assert_eq!(stdout(out.get_output()), "9", "rebuilt on the other match");
    assert!(
        stderr(out.get_output()).contains("is gone"),
        "{}",
        stderr(out.get_output())
    );
}

/// Undoes `chattr +i` even when the test fails.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    fn set(paths: &[PathBuf]) -> Immutable {
        for path in paths {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .unwrap()
                .success();
            assert!(
                ok,
                "this test needs chattr +i (root on ext4) to make {} read-only",
                path.display()
            );
        }
        Immutable(paths.to_vec())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(path).status();
        }
    }
}

#[test]
fn a_read_only_store_is_a_clear_error_and_current_envs_still_run() {
    if !runs_as_root("chattr +i") {
        return;
    }
    let sandbox = Sandbox::project("3.12");
    sandbox.python("pass");
    let other = sandbox.root.join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(
        other.join("pyproject.toml"),
        "[project]\nname = \"other\"\n[tool.pvm]\npython = \"3.12\"\n",
    )
    .unwrap();

    let _guard = Immutable::set(&[
        sandbox.envs_dir(),
        sandbox.home.join("locks"),
        sandbox.home.join("cache"),
    ]);
    // The current env needs no write: it runs.
    assert_eq!(sandbox.python("print(1)"), "1");
    let out = sandbox
        .pvm_in(&other)
        .args(["run", "true"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("error: cannot use the store at") && err.contains("pvm home"),
        "{err}"
    );
    assert!(err.contains("hint: set PVM_HOME"), "{err}");
    assert_eq!(sandbox.envs().len(), 1, "nothing half-made");
}

/// Unmounts the small file system even when the test fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_store_is_a_clear_error_without_partial_state() {
    if !runs_as_root("mount -t tmpfs") {
        return;
    }
    let sandbox = Sandbox::project("3.12");
    std::fs::create_dir_all(&sandbox.home).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&sandbox.home)
        .status()
        .unwrap()
        .success();
    assert!(ok, "this test needs to mount a small tmpfs (root)");
    let _guard = Mounted(sandbox.home.clone());
    let err = fails_with(
        sandbox.pvm().args(["run", "true"]),
        "No space left on device",
    );
    assert!(
        err.contains("hint: check that PVM_HOME is writable and has free space"),
        "{err}"
    );
    assert!(
        sandbox.envs().is_empty(),
        "no half-built env: {:?}",
        sandbox.envs()
    );
    assert!(leftovers(&sandbox).is_empty(), "{:?}", leftovers(&sandbox));
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    assert_eq!(stdout(out.get_output()), "[]");
}

#[test]
fn a_store_on_a_path_with_spaces_and_non_ascii_letters_works() {
    let mut sandbox = Sandbox::empty();
    sandbox.home = sandbox.root.join("störe mit ü");
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    let out = sandbox
        .pvm()
        .args(["run", "pip", "--version"])
        .assert()
        .success();
    assert!(
        stdout(out.get_output()).contains("störe mit ü"),
        "{}",
        stdout(out.get_output())
    );
}

#[test]
fn nothing_in_the_store_is_world_writable_and_commands_get_the_users_umask() {
    for installer in ["pip", "uv"] {
        world_writable_check(installer);
    }
}

fn world_writable_check(installer: &str) {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", installer, &["alpha"], "");
    let pvm = assert_cmd::cargo::cargo_bin("pvm");
    let out = sandbox
        .with_pvm_on_path("sh")
        .arg("-c")
        // The installer's own files (with a lock, pvm installs the wheels itself).
        .arg(format!(
            "umask 000; '{}' run --no-lock sh -c umask",
            pvm.display()
        ))
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .env("PVM_UV", test_uv())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "0000",
        "the command runs with the user's umask"
    );
    assert_eq!(metadata(&sandbox.only_env())["installer"], installer);
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![sandbox.home.clone()];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let meta = entry.path().symlink_metadata().unwrap();
            if meta.file_type().is_symlink() {
                continue;
            }
            assert_eq!(
                meta.permissions().mode() & 0o002,
                0,
                "{} is world-writable",
                entry.path().display()
            );
            checked += 1;
            if meta.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    assert!(
        checked > 100,
        "the env and its packages were checked ({checked})"
    );
}
