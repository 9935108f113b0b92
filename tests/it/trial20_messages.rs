//! Issue 20, items 7 and 12: each message names what really happened and the next step, and
//! the options users reach for (`pvm add -r`, `pvm export --all-extras`) exist.

use crate::support::*;

#[test]
fn python_install_of_a_version_the_machine_has_says_where_and_installs_nothing() {
    let sandbox = Sandbox::empty();
    let pyenv = pyenv_python("3.12");
    let out = sandbox
        .pvm()
        .env("PYENV_ROOT", pyenv.parent().unwrap().parent().unwrap())
        .args(["python", "install", "3.12"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    let version = pyenv.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        err.contains(&format!("Python {version} installed already, at")),
        "{err}"
    );
    assert!(err.contains(&*pyenv.to_string_lossy()), "{err}");
    assert!(err.contains("nothing to install"), "{err}");
    assert!(!err.contains("lacks"), "{err}");
    let pythons: Vec<_> = std::fs::read_dir(sandbox.home.join("pythons"))
        .map(|dir| dir.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(pythons.is_empty(), "{pythons:?}");
}
