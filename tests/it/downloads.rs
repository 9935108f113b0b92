//! What pvm fetches never hangs it, fills the disk or loosens the store: a stalled server fails
//! the download in `PVM_HTTP_TIMEOUT` seconds (tried three times) naming the URL, a mirror's
//! file must be a regular file of bounded size, a relative `python-mirror` is in the project,
//! and `pvm python install`/`list` leave nothing world-writable under any umask.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::loopback::{Answer, serve_as};
use crate::pythons::{BUILD, FILE, Machine, VERSION, mirror};
use crate::support::*;

/// A loopback server that stalls every download: `127.0.0.1:<port>`.
fn stalling_server() -> String {
    serve_as(std::path::PathBuf::new(), Answer::StallAll)
        .host()
        .to_string()
}

/// The URL the mirror `base` serves the test build under.
fn archive_url(base: &str) -> String {
    format!("http://{base}/{BUILD}/{FILE}")
}

#[test]
fn a_stalled_python_download_fails_in_seconds_naming_the_url_without_credentials() {
    let machine = Machine::new(&mirror().1);
    let base = stalling_server();
    let started = Instant::now();
    let out = machine
        .pvm()
        .env("PVM_PYTHON_MIRROR", format!("http://user:secret@{base}"))
        .env("PVM_HTTP_TIMEOUT", "1")
        .args(["python", "install", "3.12"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    let elapsed = started.elapsed();
    let err = stderr(out.get_output());
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}: {err}");
    assert!(err.contains(&archive_url(&base)), "{err}");
    assert!(err.contains("no data for 1 s (3 tries)"), "{err}");
    assert!(!err.contains("secret"), "{err}");
    assert!(err.contains("PVM_HTTP_TIMEOUT"), "{err}");
    assert!(!machine.installed().exists());
    // Nothing is held: the same install from a folder works at once.
    machine
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    assert!(machine.installed().is_file());
}

#[test]
fn a_stalled_download_under_the_env_lock_fails_and_the_next_run_goes_ahead() {
    let machine = Machine::new(&mirror().1);
    machine
        .sandbox
        .manifest("[project]\nname = \"stall\"\n[tool.pvm]\npython = \"3.12\"\n");
    let base = stalling_server();
    let started = Instant::now();
    let out = machine
        .pvm()
        .env("PVM_PYTHON_DOWNLOADS", "automatic")
        .env("PVM_PYTHON_MIRROR", format!("http://{base}"))
        .env("PVM_HTTP_TIMEOUT", "1")
        .args(["run", "python", "-c", "pass"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    let elapsed = started.elapsed();
    let err = stderr(out.get_output());
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}: {err}");
    assert!(err.contains(&archive_url(&base)), "{err}");

    // The env's lock went with it: the next run, from the folder mirror, builds the env.
    let started = Instant::now();
    let out = machine
        .pvm()
        .env("PVM_PYTHON_DOWNLOADS", "automatic")
        .args([
            "run",
            "python",
            "-c",
            "import sys; print('%d.%d' % sys.version_info[:2])",
        ])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "3.12");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_stalled_wheel_download_fails_the_sync_in_seconds_and_frees_the_env() {
    for installer in ["pip", "uv"] {
        let sandbox = Sandbox::empty();
        // Served only by the stalling server: the find-links folder is empty.
        let alpha = build_wheel(&sandbox.root.join("elsewhere"), "alpha", "1.0", &[], &[]);
        std::fs::create_dir_all(sandbox.wheels()).unwrap();
        sandbox.deps_project("3.12", installer, &["alpha"], "");
        let base = stalling_server();
        let url = format!("http://{base}/alpha-1.0-py3-none-any.whl");
        sandbox.write(
            "pylock.toml",
            &format!(
                "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n\n[[packages]]\nname = \"alpha\"\nversion = \"1.0\"\nwheels = [{{ url = \"{url}\", hashes = {{ sha256 = \"{}\" }} }}]\n",
                sha256_hex(&alpha)
            ),
        );
        // pvm gives up on the wheel, hands it to the installer, which gets the same timeout.
        let started = Instant::now();
        let out = sandbox
            .pvm_for(installer)
            .env("PVM_HTTP_TIMEOUT", "1")
            .arg("sync")
            .timeout(Duration::from_secs(180))
            .assert()
            .code(1);
        let elapsed = started.elapsed();
        let err = stderr(out.get_output());
        assert!(
            elapsed < Duration::from_secs(60),
            "{installer} took {elapsed:?}: {err}"
        );
        // pip installs by name from the project's sources (where it is not); uv fetches the
        // lock's URL, and stops as pvm did.
        if installer == "uv" {
            assert!(err.contains("timeout"), "{installer}: {err}");
        }

        // The env's lock is free: the next sync, from the wheels folder, installs it.
        std::fs::rename(&alpha, sandbox.wheels().join(alpha.file_name().unwrap())).unwrap();
        std::fs::remove_file(sandbox.project.join("pylock.toml")).unwrap();
        sandbox.pvm_for(installer).arg("sync").assert().success();
        assert_eq!(sandbox.imported_version("alpha"), "1.0", "{installer}");
    }
}

#[test]
fn a_bad_http_timeout_is_an_error_that_names_the_variable() {
    let machine = Machine::new(&mirror().1);
    let base = stalling_server();
    let out = machine
        .pvm()
        .env("PVM_PYTHON_MIRROR", format!("http://{base}"))
        .env("PVM_HTTP_TIMEOUT", "soon")
        .args(["python", "install", "3.12"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("PVM_HTTP_TIMEOUT=\"soon\" is not a number of seconds"),
        "{err}"
    );
}

/// Puts something where the mirror's archive belongs.
type MakeArchive = dyn Fn(&Path);

/// A mirror folder whose archive for the test build is `make(path)`.
fn mirror_with(machine: &Machine, make: impl FnOnce(&Path)) -> std::path::PathBuf {
    let dir = machine.sandbox.root.join("bad-mirror");
    std::fs::create_dir_all(dir.join(BUILD)).unwrap();
    make(&dir.join(BUILD).join(FILE.replace("%2B", "+")));
    dir
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_mirror_archive_or_table_that_is_no_regular_file_is_refused_at_once() {
    // A FIFO would block the open; /dev/zero would fill the store; a huge (sparse) file is
    // over the limit before a byte is copied.
    let cases: [(&str, &str, Box<MakeArchive>); 3] = [
        ("fifo", "a FIFO", Box::new(mkfifo)),
        (
            "zero",
            "a device",
            Box::new(|path: &Path| std::os::unix::fs::symlink("/dev/zero", path).unwrap()),
        ),
        (
            "huge",
            "is over 1073741824 bytes",
            Box::new(|path: &Path| {
                let file = std::fs::File::create(path).unwrap();
                file.set_len((1 << 30) + 1).unwrap();
            }),
        ),
    ];
    for (name, says, make) in cases {
        let machine = Machine::new(&mirror().1);
        let dir = mirror_with(&machine, make);
        let started = Instant::now();
        let out = machine
            .pvm()
            .env("PVM_PYTHON_MIRROR", &dir)
            .args(["python", "install", "3.12"])
            .timeout(Duration::from_secs(20))
            .assert()
            .code(1);
        let err = stderr(out.get_output());
        assert!(started.elapsed() < Duration::from_secs(10), "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains(&*dir.to_string_lossy()), "{name}: {err}");
        assert!(!machine.installed().exists(), "{name}");
        let pythons = machine.sandbox.home.join("pythons");
        let left: Vec<String> = std::fs::read_dir(&pythons)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".lock"))
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
    }

    // The builds table too: a FIFO, a device, a file over the limit.
    let machine = Machine::new(&mirror().1);
    let fifo = machine.sandbox.root.join("table.fifo");
    mkfifo(&fifo);
    let huge = machine.sandbox.root.join("table.huge");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len((16 << 20) + 1)
        .unwrap();
    for (table, says) in [
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/zero"), "a device"),
        (huge.as_path(), "is over 16777216 bytes"),
    ] {
        let out = machine
            .pvm()
            .env("PVM_PYTHON_DOWNLOADS_TABLE", table)
            .args(["python", "list", "--available"])
            .timeout(Duration::from_secs(20))
            .assert()
            .code(1);
        let err = stderr(out.get_output());
        assert!(err.contains(says), "{}: {err}", table.display());
        assert!(
            err.contains(&*table.to_string_lossy()),
            "{}: {err}",
            table.display()
        );
    }
}

#[test]
fn a_relative_python_mirror_is_in_the_project_and_errors_show_the_real_path() {
    let machine = Machine::new(&mirror().1);
    machine.sandbox.manifest(
        "[project]\nname = \"mirrored\"\n[tool.pvm]\npython = \"3.12\"\npython-mirror = \"vendor/pythons\"\n",
    );
    let sub = machine.sandbox.project.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let vendor = machine.sandbox.project.join("vendor");
    std::fs::create_dir_all(&vendor).unwrap();

    // Missing: the error names the file as it is on disk (`+`, not `%2B`), in the project.
    let out = machine
        .pvm()
        .current_dir(&sub)
        .env_remove("PVM_PYTHON_MIRROR")
        .args(["python", "install"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    let expected = vendor
        .join("pythons")
        .join(BUILD)
        .join(FILE.replace("%2B", "+"));
    assert!(err.contains(&*expected.to_string_lossy()), "{err}");
    assert!(!err.contains("%2B"), "{err}");

    // There: installed from the project's folder, wherever pvm runs from.
    std::os::unix::fs::symlink(&mirror().0, vendor.join("pythons")).unwrap();
    machine
        .pvm()
        .current_dir(&sub)
        .env_remove("PVM_PYTHON_MIRROR")
        .args(["python", "install"])
        .assert()
        .success();
    assert!(machine.installed().is_file());
    let out = machine
        .pvm()
        .args(["python", "list", "--json"])
        .assert()
        .success();
    assert!(stdout(out.get_output()).contains(VERSION));
}

/// `cmd` run through `sh` under `umask 000`.
fn under_umask_000(cmd: &assert_cmd::Command) -> assert_cmd::Command {
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => sh.env(key, value),
            None => sh.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    assert_cmd::Command::from_std(sh)
}

/// Everything under `dir` (links aside) that others may write.
fn world_writable(dir: &Path) -> Vec<String> {
    let out = std::process::Command::new("find")
        .arg(dir)
        .args(["!", "-type", "l", "-perm", "-0002"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(String::from).collect()
}

#[test]
fn python_install_and_list_under_umask_000_leave_nothing_world_writable() {
    let machine = Machine::new(&mirror().1);
    let mut list = machine.pvm();
    list.args(["python", "list"]);
    under_umask_000(&list).assert().success();
    assert!(machine.sandbox.home.is_dir());
    assert_eq!(world_writable(&machine.sandbox.home), Vec::<String>::new());

    let machine = Machine::new(&mirror().1);
    let mut install = machine.pvm();
    install.args(["python", "install", "3.12"]);
    under_umask_000(&install).assert().success();
    assert!(machine.installed().is_file());
    assert_eq!(world_writable(&machine.sandbox.home), Vec::<String>::new());
    under_umask_000(&list).assert().success();
    assert_eq!(world_writable(&machine.sandbox.home), Vec::<String>::new());
}
