//! Interpreters on demand: `pvm python install` from a local mirror (the official host is not
//! reachable here), verified, on demand from `pvm run`, and uninstalled.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::support::*;

pub(crate) const VERSION: &str = "3.12.1";
pub(crate) const BUILD: &str = "20240107";
pub(crate) const FILE: &str =
    "cpython-3.12.1%2B20240107-x86_64-unknown-linux-gnu-install_only.tar.gz";

/// A mirror holding pyenv's 3.12 packed as an `install_only` build (`python/bin/python3…`),
/// made once per test run; and its sha256.
pub(crate) fn mirror() -> &'static (PathBuf, String) {
    static MIRROR: OnceLock<(PathBuf, String)> = OnceLock::new();
    MIRROR.get_or_init(|| {
        let prefix = pyenv_python("3.12");
        let version = prefix.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            version, VERSION,
            "these tests pack pyenv's Python {VERSION}"
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-mirror");
        let _ = std::fs::remove_dir_all(&dir);
        let folder = dir.join(BUILD);
        std::fs::create_dir_all(&folder).unwrap();
        let archive = folder.join(FILE.replace("%2B", "+"));
        let excluded = [
            "lib/python3.12/test",
            "lib/python3.12/site-packages",
            "include",
            "share",
            "lib/python3.12/idlelib",
            "lib/python3.12/tkinter",
            "lib/python3.12/lib2to3",
            "lib/libpython3.12.a",
        ];
        let mut tar = std::process::Command::new("tar");
        tar.arg("czf")
            .arg(&archive)
            .arg("-C")
            .arg(prefix.parent().unwrap())
            .arg(format!("--transform=s,^{version},python,"))
            .arg("--exclude=*/__pycache__")
            .arg("--exclude=*/config-3.12-*");
        for path in excluded {
            tar.arg(format!("--exclude={version}/{path}"));
        }
        let status = tar.arg(&version).status().unwrap();
        assert!(status.success());
        let sha256 = sha256_hex(&archive);
        (dir, sha256)
    })
}

fn sha256_hex(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A sandbox whose machine has no Python 3.12 (no pyenv, no uv pythons, a PATH with only the
/// system's python3) and whose builds table has one entry, served by the test mirror.
pub(crate) struct Machine {
    pub(crate) sandbox: Sandbox,
    pub(crate) table: PathBuf,
}

impl Machine {
    pub(crate) fn new(sha256: &str) -> Machine {
        let sandbox = Sandbox::empty();
        let table = sandbox.root.join("table.json");
        std::fs::write(
            &table,
            format!(
                "[{{\"version\":\"{VERSION}\",\"os\":\"linux\",\"arch\":\"x86_64\",\"libc\":\"gnu\",\"build\":\"{BUILD}\",\"url\":\"https://github.com/astral-sh/python-build-standalone/releases/download/{BUILD}/{FILE}\",\"sha256\":\"{sha256}\"}}]"
            ),
        )
        .unwrap();
        Machine { sandbox, table }
    }

    pub(crate) fn pvm(&self) -> assert_cmd::Command {
        let mut cmd = self.sandbox.pvm();
        cmd.env("PVM_PYTHON_DOWNLOADS_TABLE", &self.table)
            .env("PVM_PYTHON_MIRROR", &mirror().0)
            .env("PYENV_ROOT", self.sandbox.root.join("no-pyenv"))
            .env("UV_PYTHON_INSTALL_DIR", self.sandbox.root.join("no-uv"))
            .env("PATH", "/usr/bin:/bin")
            .env_remove("PYENV_VERSION")
            .env_remove("PVM_PYTHON_DOWNLOADS");
        cmd
    }

    pub(crate) fn installed(&self) -> PathBuf {
        self.sandbox
            .home
            .join("pythons/cpython-3.12.1-linux-x86_64/bin/python3")
    }
}

#[test]
fn install_from_a_mirror_folder_then_list_and_use_it() {
    let machine = Machine::new(&mirror().1);
    let out = machine
        .pvm()
        .args(["python", "list", "--available"])
        .assert()
        .success();
    assert!(stdout(out.get_output()).contains(VERSION));
    machine
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    assert!(machine.installed().is_file());
    let out = machine
        .pvm()
        .args(["python", "list", "--json"])
        .assert()
        .success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|p| p["version"] == VERSION && p["origin"] == "pvm"),
        "{list}"
    );
    // A file:// mirror does the same: installing again finds it there already.
    machine
        .pvm()
        .env(
            "PVM_PYTHON_MIRROR",
            format!("file://{}", mirror().0.display()),
        )
        .args(["python", "install", "3.12.1"])
        .assert()
        .success();
}

#[test]
fn run_installs_a_missing_python_on_demand_as_the_setting_allows() {
    let machine = Machine::new(&mirror().1);
    machine.sandbox.manifest(
        "[project]\nname = \"demand\"\n[tool.pvm]\npython = \"3.12\"\npython-downloads = \"manual\"\n",
    );
    fails_with(
        machine.pvm().args(["run", "true"]),
        "run `pvm python install 3.12`",
    );
    fails_with(
        machine
            .pvm()
            .env("PVM_PYTHON_DOWNLOADS", "never")
            .args(["run", "true"]),
        "no interpreter matches `3.12`",
    );
    assert!(!machine.installed().exists());

    // automatic (the default): installed, said, and the env is like any other, pip included.
    let out = machine
        .pvm()
        .env("PVM_PYTHON_DOWNLOADS", "automatic")
        .args([
            "run",
            "python",
            "-c",
            "import sys, pip; print('%d.%d' % sys.version_info[:2])",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "3.12");
    assert!(stderr(out.get_output()).contains("Installing Python 3.12.1"));
    assert!(machine.installed().is_file());
}

#[test]
fn a_tampered_archive_is_refused_naming_both_hashes() {
    let wrong = "0".repeat(64);
    let machine = Machine::new(&wrong);
    let out = machine
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(err.contains(&wrong) && err.contains(&mirror().1), "{err}");
    assert!(!machine.installed().exists());
    let pythons = machine.sandbox.home.join("pythons");
    let left: Vec<String> = std::fs::read_dir(&pythons)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_killed_install_leaves_nothing_used_and_two_at_once_install_once() {
    let machine = Machine::new(&mirror().1);
    let mark = machine.sandbox.root.join("mark");
    let mut child = machine
        .sandbox
        .with_pvm_on_path(assert_cmd::cargo::cargo_bin("pvm"))
        .args(["python", "install", "3.12"])
        .env("PVM_PYTHON_DOWNLOADS_TABLE", &machine.table)
        .env("PVM_PYTHON_MIRROR", &mirror().0)
        // A machine without 3.12, as `Machine::pvm` makes it: else pyenv's answers the request.
        .env("PYENV_ROOT", machine.sandbox.root.join("no-pyenv"))
        .env("UV_PYTHON_INSTALL_DIR", machine.sandbox.root.join("no-uv"))
        .env("PATH", "/usr/bin:/bin")
        .env("PVM_FAULT_PAUSE", "python-install")
        .env("PVM_FAULT_MARK", &mark)
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if mark.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(mark.exists(), "the install reached its pause point");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !machine.installed().exists(),
        "a killed install is not used"
    );
    let out = machine
        .pvm()
        .args(["python", "find", "3.12"])
        .assert()
        .code(1);
    drop(out);

    // Two installs of the same version at once: both succeed, one build.
    let spawn = || {
        machine
            .sandbox
            .with_pvm_on_path(assert_cmd::cargo::cargo_bin("pvm"))
            .args(["python", "install", "3.12"])
            .env("PVM_PYTHON_DOWNLOADS_TABLE", &machine.table)
            .env("PVM_PYTHON_MIRROR", &mirror().0)
            .env("PYENV_ROOT", machine.sandbox.root.join("no-pyenv"))
            .env("UV_PYTHON_INSTALL_DIR", machine.sandbox.root.join("no-uv"))
            .env("PATH", "/usr/bin:/bin")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(machine.installed().is_file());
}

#[test]
fn uninstall_refuses_while_envs_use_it_unless_forced() {
    let machine = Machine::new(&mirror().1);
    machine
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    machine
        .sandbox
        .manifest("[project]\nname = \"user\"\n[tool.pvm]\npython = \"3.12\"\n");
    machine.pvm().args(["run", "true"]).assert().success();
    fails_with(
        machine.pvm().args(["python", "uninstall", "3.12"]),
        "is used by user-",
    );
    assert!(machine.installed().is_file());
    machine
        .pvm()
        .args(["python", "uninstall", "3.12", "--force"])
        .assert()
        .success();
    assert!(!machine.installed().exists());
    let info = machine.pvm().args(["info", "--json"]).assert().success();
    let info: serde_json::Value = serde_json::from_slice(&info.get_output().stdout).unwrap();
    assert_eq!(info["status"], "broken");
    // Nothing uses it any more: uninstalled without --force (installed again first).
    machine
        .pvm()
        .env("PVM_PYTHON_DOWNLOADS", "never")
        .args(["remove"])
        .assert()
        .success();
    machine
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    machine
        .pvm()
        .args(["python", "uninstall", "3.12"])
        .assert()
        .success();
}

#[test]
#[ignore = "needs the official download host: scripts/test --test it -- --ignored pythons::"]
fn the_real_download_goes_through_the_same_path() {
    let sandbox = Sandbox::empty();
    sandbox
        .pvm()
        .args(["python", "install", "3.12"])
        .assert()
        .success();
}
