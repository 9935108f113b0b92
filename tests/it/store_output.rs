//! What the store keeps and what pvm shows of it: leftovers of killed pvms are cleaned up, a
//! store under any folder name runs its console scripts, and names from disk never reach a
//! terminal as control characters.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::loopback::{Answer, serve_as};
use crate::support::*;

/// A pid no process has: one that has just ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Makes `path` look two hours old.
fn age(path: &Path) {
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::open(path)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
}

/// A folder with a file in it, made two hours old unless `young`.
fn leftover(dir: &Path, name: &str, young: bool) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("part"), "half").unwrap();
    if !young {
        age(&path);
    }
    path
}

#[test]
fn leftovers_of_killed_pvms_in_the_caches_and_pythons_are_removed_once_dead_and_old() {
    let sandbox = Sandbox::empty();
    let alpha = sandbox.wheel("alpha", "1.0", &[]);
    let base = serve_as(sandbox.wheels(), Answer::StallFirst).base;
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    let file_name = alpha.file_name().unwrap().to_string_lossy().into_owned();
    sandbox.write(
        "pylock.toml",
        &format!(
            "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.8\"\n\n[[packages]]\nname = \"alpha\"\nversion = \"1.0\"\nwheels = [{{ url = \"{base}/{file_name}\", hashes = {{ sha256 = \"{}\" }} }}]\n",
            sha256_hex(&alpha)
        ),
    );

    // A pvm killed in the middle of a download leaves its part behind, named with its pid.
    let mut child = sandbox.spawn(&["sync"], &[]);
    let artifacts = sandbox.home.join("cache/artifacts");
    let part = (0..1200)
        .find_map(|_| {
            let found = std::fs::read_dir(&artifacts).ok().and_then(|entries| {
                entries
                    .flatten()
                    .find(|e| e.file_name().to_string_lossy().starts_with(".download-"))
            });
            if found.is_none() {
                std::thread::sleep(Duration::from_millis(50));
            }
            found
        })
        .expect("the download started")
        .path();
    let part_name = part.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        part_name.starts_with(&format!(".download-pvm-{}-", child.id())),
        "{part_name}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    age(&part);

    // What other killed pvms left, and what must stay: the work of a pvm still running (this
    // test's own pid), a leftover younger than an hour, names pvm does not make, and a link.
    let cache = sandbox.home.join("cache");
    let (dead, live) = (dead_pid(), std::process::id());
    let wheels = cache.join("wheels");
    let editables = cache.join("editables");
    let pythons = sandbox.home.join("pythons");
    let gone = [
        leftover(&wheels, &format!(".unpack-pvm-{dead}-a1"), false),
        leftover(&editables, &format!(".keep-pvm-{dead}-b2"), false),
        leftover(&editables, &format!(".old-pvm-{dead}-c3"), false),
        leftover(&pythons, &format!(".tmp-pvm-{dead}-d4"), false),
    ];
    let kept = [
        leftover(&wheels, &format!(".unpack-pvm-{live}-e5"), false),
        leftover(&pythons, &format!(".tmp-pvm-{live}-f6"), false),
        leftover(&wheels, &format!(".unpack-pvm-{dead}-g7"), true),
        leftover(&editables, &format!(".keep-pvm-{dead}-h8"), true),
        leftover(&wheels, ".unpack-mine", false),
        leftover(&pythons, ".tmp-mine", false),
    ];
    let target = leftover(&sandbox.root, "outside", false);
    let link = wheels.join(format!(".unpack-pvm-{dead}-link"));
    std::os::unix::fs::symlink(&target, &link).unwrap();

    // The next pvm that works on an env cleans up.
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(sandbox.imported_version("alpha"), "1.0");
    assert!(!part.exists(), "the killed download's part is removed");
    for path in &gone {
        assert!(!path.exists(), "{} is removed", path.display());
    }
    for path in &kept {
        assert!(path.join("part").is_file(), "{} is kept", path.display());
    }
    assert!(link.symlink_metadata().is_ok() && target.join("part").is_file());
    let left: Vec<String> = std::fs::read_dir(&artifacts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn console_scripts_run_from_a_store_under_a_folder_named_with_quotes_and_dollars() {
    let sandbox = Sandbox::empty();
    build_wheel(
        &sandbox.wheels(),
        "tool",
        "1.0",
        &[],
        &[
            ("tool/cli.py", "def main():\n    print('tool says hi')\n"),
            (
                "tool-1.0.dist-info/entry_points.txt",
                "[console_scripts]\ntool-hi = tool.cli:main\n",
            ),
        ],
    );
    sandbox.deps_project("3.12", "uv", &["tool"], "");
    let home = sandbox
        .root
        .join("O'Brien \"dir\" $HOME `x` \\N")
        .join("store");
    let pvm = || {
        let mut cmd = sandbox.pvm_with_uv();
        cmd.env("PVM_HOME", &home);
        cmd
    };
    // Locked first: the lock's wheels are then installed by pvm itself, scripts and all.
    pvm().arg("lock").assert().success();
    pvm().arg("sync").assert().success();
    let out = pvm().args(["run", "tool-hi"]).assert().success();
    assert_eq!(stdout(out.get_output()), "tool says hi");

    // Run directly, as an activated shell runs it, and pip's own script too.
    let envs: Vec<PathBuf> = std::fs::read_dir(home.join("envs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(envs.len(), 1, "{envs:?}");
    let bin = envs[0].join("bin");
    let out = std::process::Command::new(bin.join("tool-hi"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "tool says hi");
    let script = std::fs::read_to_string(bin.join("tool-hi")).unwrap();
    assert!(script.contains(r"O'\''Brien"), "pvm wrote it: {script}");
    // And from a shell that sourced the env's activate script.
    for (shell, script) in [
        ("sh", r#". "$ACTIVATE" && tool-hi"#),
        ("fish", "source $ACTIVATE; and tool-hi"),
        ("tcsh", "set prompt = x; source $ACTIVATE:q && tool-hi"),
    ] {
        let activate = match shell {
            "fish" => "activate.fish",
            "tcsh" => "activate.csh",
            _ => "activate",
        };
        let out = std::process::Command::new(shell)
            .args(["-c", script])
            .env("ACTIVATE", bin.join(activate))
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert_eq!(stdout(&out), "tool says hi", "{shell}");
    }
    let out = std::process::Command::new(bin.join("pip"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("pip "), "{}", stdout(&out));
}

/// Whether `text` holds a control character a terminal would act on: anything but a line
/// break, once pvm's own color codes (`ESC [ … m`) are taken out.
fn raw_controls(text: &str) -> Vec<char> {
    let mut rest = text.to_string();
    while let Some(start) = rest.find("\u{1b}[") {
        let tail = &rest[start + 2..];
        let Some(len) = tail.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            break;
        };
        if !tail[len..].starts_with('m') {
            break;
        }
        rest.replace_range(start..start + 2 + len + 1, "");
    }
    rest.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

#[test]
fn names_from_disk_reach_no_terminal_as_control_characters() {
    let evil = "x\u{1b}]0;pwned\u{7}y\u{1b}[2Jz\u{9b}";
    let shown = "x\\x1b]0;pwned\\x07y\\x1b[2Jz\\u{9b}";
    let sandbox = Sandbox::in_folder(evil);
    sandbox.manifest("[tool.pvm]\npython = \"3.12\"\n");
    // An interpreter in a folder named the same way, on PATH.
    let bin = sandbox.root.join(format!("bin{evil}"));
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(
        pyenv_python("3.12").join("bin/python3.12"),
        bin.join("python3.12"),
    )
    .unwrap();

    // As on a terminal (`--color always`: nothing stripped), and through a pipe.
    for color in ["always", "never"] {
        let out = sandbox
            .pvm()
            .args(["--color", color, "run", "python", "-c", "pass"])
            .assert()
            .success();
        let err = stderr(out.get_output());
        assert!(raw_controls(&err).is_empty(), "{color}: {err:?}");
        for args in [&["list"][..], &["info"], &["python", "list"]] {
            // Only the interpreter on PATH: pyenv's would be the same file.
            let out = sandbox
                .pvm()
                .env("PATH", &bin)
                .env("PYENV_ROOT", sandbox.root.join("no-pyenv"))
                .env("UV_PYTHON_INSTALL_DIR", sandbox.root.join("no-uv"))
                .args(["--color", color])
                .args(args)
                .assert()
                .success();
            let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned()
                + &stderr(out.get_output());
            assert!(raw_controls(&text).is_empty(), "{color} {args:?}: {text:?}");
            assert!(text.contains(shown), "{color} {args:?}: {text}");
        }
    }
    // `--json` keeps the exact name.
    let info = sandbox.info_json();
    assert!(info["project"].as_str().unwrap().ends_with(evil));
    // An error naming the folder shows it escaped too.
    let out = sandbox
        .pvm()
        .args(["--color", "always", "remove", "--yes"])
        .assert()
        .success();
    drop(out);
    let out = sandbox
        .pvm()
        .args(["--color", "always", "remove"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(raw_controls(&err).is_empty(), "{err:?}");
    assert!(err.contains(shown), "{err}");
}
