//! Commands at once and commands interrupted: concurrent `pvm add`s keep every edit, a run that
//! waited for a sync keeps what the sync did, and Ctrl-C (or SIGTERM) during `add`, `drop`,
//! `lock` or `init` puts the project's files back and leaves the env runnable.

use std::path::{Path, PathBuf};
use std::process::{Child, Output};
use std::time::Duration;

use crate::support::*;

const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

/// Sends `signal` to pvm alone (not its process group), as `kill -INT <pid>` from elsewhere
/// does, and waits for it; a pvm still there after 20 s fails the test.
fn signal_and_wait(child: Child, signal: i32) -> Output {
    send_signal(child.id() as i32, signal);
    let pid = child.id();
    let done = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let out = child.wait_with_output().unwrap();
        let _ = done.0.send(());
        out
    });
    if done.1.recv_timeout(Duration::from_secs(20)).is_err() {
        send_signal(-(pid as i32), 9);
        panic!("pvm did not stop within 20 s of the signal");
    }
    waiter.join().unwrap()
}

fn uv_envs(sandbox: &Sandbox) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("PVM_UV", test_uv()),
        ("UV_CACHE_DIR", sandbox.root.join("uv-cache")),
        ("NO_COLOR", PathBuf::from("1")),
    ]
}

fn spawn_with(sandbox: &Sandbox, args: &[&str], envs: &[(&'static str, PathBuf)]) -> Child {
    let envs: Vec<(&str, &Path)> = envs.iter().map(|(k, v)| (*k, v.as_path())).collect();
    sandbox.spawn(args, &envs)
}

fn read(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

#[test]
fn eight_adds_at_once_keep_every_edit() {
    let sandbox = Sandbox::empty();
    let names = ["pka", "pkb", "pkc", "pkd", "pke", "pkf", "pkg", "pkh"];
    let wheels: Vec<PathBuf> = names
        .iter()
        .map(|name| sandbox.wheel(name, "1.0", &[]))
        .collect();
    sandbox.deps_project("3.12", "uv", &[], "");
    sandbox.pvm_with_uv().args(["lock"]).assert().success();
    sandbox.pvm_with_uv().args(["sync"]).assert().success();
    let envs = uv_envs(&sandbox);
    let children: Vec<Child> = wheels
        .iter()
        .map(|wheel| spawn_with(&sandbox, &["add", &wheel.to_string_lossy()], &envs))
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    for (name, out) in names.iter().zip(&outputs) {
        assert!(out.status.success(), "add {name}: {}", stderr(out));
        assert!(
            manifest.contains(&format!("\"{name}\""))
                && manifest.contains(&format!(
                    "{name} = {{ path = \"../wheels/{name}-1.0-py3-none-any.whl\" }}"
                )),
            "add {name} exited 0 but its requirement is gone:\n{manifest}\n{}",
            stderr(out)
        );
        assert!(
            lock.contains(&format!("name = \"{name}\"")),
            "{name} not locked:\n{lock}"
        );
    }
    // As the adds left the env, without a sync on the way.
    let probe = format!("import {}; print('ok')", names.join(", "));
    let out = sandbox
        .pvm()
        .args(["run", "--no-sync", "python", "-c", &probe])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "ok");
    assert_eq!(sandbox.info_json()["status"], "ok");
}

#[test]
fn a_run_that_waited_for_a_sync_keeps_what_it_installed() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("pka", "1.0", &[]);
    sandbox.wheel("pkb", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "uv",
        &["pka"],
        "[dependency-groups]\ng1 = [\"pkb\"]\n",
    );
    sandbox.pvm_with_uv().args(["sync"]).assert().success();
    let mark = sandbox.root.join("reached");
    let mut envs = uv_envs(&sandbox);
    envs.extend([
        ("PVM_FAULT_PAUSE", PathBuf::from("install")),
        ("PVM_FAULT_MARK", mark.clone()),
        ("PVM_FAULT_PAUSE_SECS", PathBuf::from("3")),
    ]);
    let sync = spawn_with(&sandbox, &["sync", "--group", "g1"], &envs);
    wait_for(&mark);
    let run = spawn_with(
        &sandbox,
        &["run", "python", "-c", "import pka; print(pka.__version__)"],
        &uv_envs(&sandbox),
    );
    let sync = sync.wait_with_output().unwrap();
    let run = run.wait_with_output().unwrap();
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "1.0");
    assert!(!stderr(&run).contains("- pkb"), "{}", stderr(&run));
    assert_eq!(
        sandbox.present_version("pkb"),
        "1.0",
        "the run undid the sync"
    );
    let env = sandbox.only_env();
    assert_eq!(metadata(&env)["selection"]["groups"][0], "g1");
}

#[test]
fn a_run_that_waited_for_an_add_keeps_the_added_package() {
    let sandbox = Sandbox::empty();
    synced_project(&sandbox, &["alpha"]);
    sandbox.wheel("gamma", "1.0", &[]);
    // A hand edit makes the env stale; a run reads the manifest, then is held before it takes
    // the env's lock while `pvm add beta` edits, re-locks and syncs.
    sandbox.deps_project("3.12", "uv", &["alpha", "gamma"], "# kept  as is\n");
    let mark = sandbox.root.join("reached");
    let mut envs = uv_envs(&sandbox);
    envs.extend([
        ("PVM_FAULT_PAUSE", PathBuf::from("lock")),
        ("PVM_FAULT_MARK", mark.clone()),
    ]);
    let run = spawn_with(
        &sandbox,
        &["run", "python", "-c", "import alpha, gamma; print('ok')"],
        &envs,
    );
    wait_for(&mark);
    sandbox
        .pvm_with_uv()
        .args(["add", "beta"])
        .assert()
        .success();
    std::fs::remove_file(&mark).unwrap();
    let run = run.wait_with_output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "ok");
    assert!(!stderr(&run).contains("- beta"), "{}", stderr(&run));
    assert_eq!(
        sandbox.present_version("beta"),
        "1.0",
        "the run undid the add"
    );
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        lock.contains("name = \"beta\""),
        "the run re-locked without beta:\n{lock}"
    );
}

/// A project with `alpha` installed and locked, `beta` available; the bytes of its manifest
/// and lock.
fn synced_project(sandbox: &Sandbox, dependencies: &[&str]) -> (Vec<u8>, Vec<u8>) {
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "1.0", &[]);
    // A comment and odd spacing: byte for byte means byte for byte.
    sandbox.deps_project("3.12", "uv", dependencies, "# kept  as is\n");
    sandbox.pvm_with_uv().args(["lock"]).assert().success();
    sandbox.pvm_with_uv().args(["sync"]).assert().success();
    (
        read(&sandbox.project.join("pyproject.toml")).unwrap(),
        read(&sandbox.project.join("pylock.toml")).unwrap(),
    )
}

#[test]
fn ctrl_c_during_add_or_drop_puts_the_project_back() {
    for (args, dependencies, signal) in [
        (&["add", "beta"][..], &["alpha"][..], SIGINT),
        (&["drop", "beta"][..], &["alpha", "beta"][..], SIGTERM),
    ] {
        let sandbox = Sandbox::empty();
        let (manifest, lock) = synced_project(&sandbox, dependencies);
        let mark = sandbox.root.join("reached");
        let mut envs = uv_envs(&sandbox);
        envs.extend([
            ("PVM_FAULT_PAUSE", PathBuf::from("install")),
            ("PVM_FAULT_MARK", mark.clone()),
        ]);
        let child = spawn_with(&sandbox, args, &envs);
        wait_for(&mark);
        let out = signal_and_wait(child, signal);
        assert_eq!(
            out.status.code(),
            Some(128 + signal),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("put back as before"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(
            read(&sandbox.project.join("pyproject.toml")).unwrap(),
            manifest,
            "{args:?}: the manifest kept the edit"
        );
        assert_eq!(
            read(&sandbox.project.join("pylock.toml")).unwrap(),
            lock,
            "{args:?}: the lock kept the edit"
        );
        // The env runs with the old set.
        let out = sandbox
            .pvm_with_uv()
            .args([
                "run",
                "python",
                "-c",
                "import importlib.util as u; print(u.find_spec('alpha') is not None, u.find_spec('beta') is not None)",
            ])
            .assert()
            .success();
        let expected = if dependencies.contains(&"beta") {
            "True True"
        } else {
            "True False"
        };
        assert_eq!(stdout(out.get_output()), expected, "{args:?}");
        assert_eq!(sandbox.info_json()["status"], "ok", "{args:?}");
    }
}

#[test]
fn ctrl_c_during_lock_stops_the_resolver_and_keeps_the_lock() {
    let sandbox = Sandbox::empty();
    let (_, lock) = synced_project(&sandbox, &["alpha"]);
    // The manifest changes by hand; `pvm lock` resolves it with a uv that hangs in `lock` (or
    // `compile`, or `export`, which locks too).
    sandbox.deps_project("3.12", "uv", &["alpha", "beta"], "# kept  as is\n");
    let manifest = read(&sandbox.project.join("pyproject.toml")).unwrap();
    let mark = sandbox.root.join("resolving");
    let slow_uv = sandbox.root.join("slow-uv");
    std::fs::write(
        &slow_uv,
        format!(
            "#!/bin/sh\ncase \"$*\" in *compile*|export*|lock*) echo $$ > {mark:?}; exec sleep 60;; esac\nexec {:?} \"$@\"\n",
            test_uv()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&slow_uv, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut envs = uv_envs(&sandbox);
    envs[0].1 = slow_uv;
    let child = spawn_with(&sandbox, &["lock"], &envs);
    wait_for(&mark);
    // The mark holds the resolver's pid once it is written whole.
    let resolver: i32 = loop {
        if let Ok(pid) = std::fs::read_to_string(&mark).unwrap().trim().parse() {
            break pid;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = signal_and_wait(child, SIGINT);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        !Path::new(&format!("/proc/{resolver}")).exists(),
        "the resolver outlived the interrupted pvm"
    );
    assert_eq!(read(&sandbox.project.join("pylock.toml")).unwrap(), lock);
    assert_eq!(
        read(&sandbox.project.join("pyproject.toml")).unwrap(),
        manifest
    );
}

#[test]
fn ctrl_c_during_init_leaves_nothing_behind() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.write("requirements.txt", "alpha\n");
    sandbox.write(".python-version", "3.12\n");
    let mark = sandbox.root.join("reached");
    let mut envs = uv_envs(&sandbox);
    envs.extend([
        ("PVM_FAULT_PAUSE", PathBuf::from("install")),
        ("PVM_FAULT_MARK", mark.clone()),
        ("PVM_NO_INDEX", PathBuf::from("1")),
        ("PVM_FIND_LINKS", sandbox.wheels()),
    ]);
    let child = spawn_with(&sandbox, &["init"], &envs);
    wait_for(&mark);
    let out = signal_and_wait(child, SIGINT);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let mut left: Vec<String> = std::fs::read_dir(&sandbox.project)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".python-version", "requirements.txt"]);
    assert_eq!(
        std::fs::read_to_string(sandbox.project.join(".python-version")).unwrap(),
        "3.12\n"
    );
    assert!(sandbox.envs().is_empty(), "{:?}", sandbox.envs());
}
