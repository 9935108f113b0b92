//! A second newcomer's trial (issue 20): every message tells the next step, and every command
//! it suggests can be pasted into a shell as it is.

use crate::support::*;

/// What a POSIX shell makes of a suggested `pvm …` command: its words after `pvm`, each in
/// brackets, run in `dir` (where a stray redirection would leave a file).
fn words_sh_reads(suggested: &str, dir: &std::path::Path) -> String {
    let rest = suggested.strip_prefix("pvm ").expect("a pvm command");
    let out = std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("printf '[%s]' {rest}"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The commands between backticks in `text` that start with `pvm `.
fn suggested_commands(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|part| part.starts_with("pvm "))
        .map(String::from)
        .collect()
}

#[test]
fn a_suggested_python_install_pastes_safely_into_a_shell() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"demo\"\nrequires-python = \">=3.14\"\n");
    let out = sandbox
        .pvm()
        .env("PVM_PYTHON_DOWNLOADS", "manual")
        .args(["run", "python", "-V"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(err.contains("run `pvm python install '>=3.14'`"), "{err}");
    let [command] = &suggested_commands(&err)[..] else {
        panic!("one suggested command: {err}");
    };
    let paste = tempfile::tempdir().unwrap();
    assert_eq!(
        words_sh_reads(command, paste.path()),
        "[python][install][>=3.14]"
    );
    assert_eq!(
        std::fs::read_dir(paste.path()).unwrap().count(),
        0,
        "no file made"
    );
}
