//! The PyPI wheel (pyproject.toml, maturin's `bindings = "bin"`): installed into a fresh venv of
//! a real interpreter with pip, and as a uv tool, it gives a `pvm` that runs. scripts/test builds
//! the wheel with maturin before the suite (PVM_TEST_WHEEL): built from inside the suite it would
//! relink target/debug/pvm, which the other tests are running, with the shipped features.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// The wheel scripts/test builds (PVM_TEST_WHEEL); without it the test fails loudly.
fn test_wheel() -> PathBuf {
    let wheel = std::env::var_os("PVM_TEST_WHEEL").map(PathBuf::from).expect(
        "this test needs pvm's wheel: run it through scripts/test, which builds it with maturin \
         and sets PVM_TEST_WHEEL",
    );
    assert!(
        wheel.is_file(),
        "PVM_TEST_WHEEL={} is not a file",
        wheel.display()
    );
    wheel
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

fn assert_is_this_pvm(pvm: &Path) {
    let version = run(Command::new(pvm).arg("--version"));
    assert_eq!(version.trim(), format!("pvm {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn pip_install_of_the_wheel_gives_a_working_pvm() {
    let wheel = test_wheel();
    // The host's HOME, PATH and PIP_* settings stay out (pip reads its config and find-links).
    let sandbox = Sandbox::empty();
    let scratch = tempfile::tempdir().unwrap();
    let venv = scratch.path().join("venv");
    let mut make_venv = Command::new(pyenv_python(DEFAULT_PYTHON).join("bin/python3"));
    sandbox.hermetic(&mut make_venv);
    run(make_venv.args(["-m", "venv"]).arg(&venv));
    let mut install = Command::new(venv.join("bin/python"));
    sandbox.hermetic(&mut install);
    run(install
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&wheel));
    assert_is_this_pvm(&venv.join("bin/pvm"));
    // pip knows it as the package `pvm`, which uninstalls as any other.
    let mut show = Command::new(venv.join("bin/python"));
    sandbox.hermetic(&mut show);
    let shown = run(show.args(["-m", "pip", "show", "pvm"]));
    assert!(
        shown.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{shown}"
    );
}

#[test]
fn uv_tool_install_of_the_wheel_gives_a_working_pvm() {
    let wheel = test_wheel();
    let sandbox = Sandbox::empty();
    let scratch = tempfile::tempdir().unwrap();
    let bin = scratch.path().join("bin");
    let mut install = Command::new(test_uv());
    sandbox.hermetic(&mut install);
    run(install
        .args(["tool", "install", "--offline", "--no-config", "--python"])
        .arg(pyenv_python(DEFAULT_PYTHON).join("bin/python3"))
        .arg(&wheel)
        .env("UV_TOOL_DIR", scratch.path().join("tools"))
        .env("UV_TOOL_BIN_DIR", &bin)
        .env("UV_CACHE_DIR", scratch.path().join("cache"))
        .env("UV_PYTHON_DOWNLOADS", "never"));
    assert_is_this_pvm(&bin.join("pvm"));
}
