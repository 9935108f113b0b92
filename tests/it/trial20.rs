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
fn a_mistyped_option_of_run_is_a_usage_error_with_did_you_mean() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox
        .pvm()
        .args(["run", "--pyhton", "3.12", "python", "-V"])
        .assert()
        .code(2);
    let err = stderr(out.get_output());
    assert!(err.contains("unexpected argument '--pyhton'"), "{err}");
    assert!(
        err.contains("a similar argument exists: '--python'"),
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");

    // Options after the command are the command's, pvm's own included.
    let out = sandbox
        .pvm()
        .args([
            "run",
            "--python",
            "3.12",
            "python",
            "-c",
            "import sys; print(sys.argv[1:])",
            "--quiet",
            "--pyhton",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()).trim(), "['--quiet', '--pyhton']");
    let out = sandbox
        .pvm()
        .args(["run", "python", "-V"])
        .assert()
        .success();
    assert!(stdout(out.get_output()).starts_with("Python 3.12"));

    // After `--`, anything is the command, even what looks like an option.
    fails_with(
        sandbox.pvm().args(["run", "--", "--weird"]),
        "command `--weird` not found in the env or on PATH",
    );
}

#[test]
fn a_missing_tool_of_a_well_known_package_says_how_to_get_it() {
    let sandbox = Sandbox::project("3.12");
    let run = |args: &[&str]| {
        let out = sandbox
            .pvm()
            // Nothing of the host's: no pytest or django-admin on PATH.
            .env("PATH", "/usr/bin:/bin")
            .arg("run")
            .args(args)
            .assert()
            .code(1);
        stderr(out.get_output())
    };

    let err = run(&["pytest", "-q"]);
    assert!(err.contains("command `pytest` not found"), "{err}");
    assert!(
        err.contains("`pvm add --dev pytest`, or `pvm run --with pytest pytest -q` for once"),
        "{err}"
    );

    // Not a development tool: into the dependencies; the command's words come back quoted.
    let err = run(&["django-admin", "startproject", "my site"]);
    assert!(
        err.contains(
            "`pvm add django`, or `pvm run --with django django-admin startproject 'my site'` for once"
        ),
        "{err}"
    );
    for command in suggested_commands(&err) {
        let words = words_sh_reads(&command, &sandbox.root);
        assert!(words.ends_with("[startproject][my site]") || words == "[add][django]");
    }

    // Anything else keeps the general hint.
    let err = run(&["no-such-tool"]);
    assert!(err.contains("the env's commands are in"), "{err}");
    assert!(!err.contains("pvm add"), "{err}");
}

#[test]
fn a_suggested_python_install_pastes_safely_into_a_shell() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"demo\"\nrequires-python = \">=3.14\"\n");
    let err = fails_with(
        sandbox
            .pvm()
            .env("PVM_PYTHON_DOWNLOADS", "manual")
            .args(["run", "python", "-V"]),
        "run `pvm python install '>=3.14'`",
    );
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

#[test]
fn pin_of_a_python_not_installed_says_to_install_it() {
    let sandbox = Sandbox::project("3.12");
    let err = fails_with(
        sandbox.pvm().args(["python", "pin", "3.14"]),
        "no interpreter matches `3.14`",
    );
    assert!(
        err.contains("run `pvm python install 3.14` first, then pin it"),
        "{err}"
    );

    fails_with(
        sandbox.pvm().args(["python", "pin", ">=3.15"]),
        "`pvm python install '>=3.15'`",
    );
    assert!(!sandbox.project.join(".python-version").exists());
}

#[test]
fn pin_outside_requires_python_is_refused_unless_forced() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"demo\"\nrequires-python = \">=3.11\"\n");
    let pin = sandbox.project.join(".python-version");

    let err = fails_with(
        sandbox.pvm().args(["python", "pin", "3.9"]),
        "does not satisfy the project's requires-python `>=3.11`",
    );
    assert!(err.contains("`pvm python pin 3.9 --force`"), "{err}");
    assert!(!pin.exists(), "nothing written");

    let out = sandbox
        .pvm()
        .args(["python", "pin", "3.9", "--force"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("does not satisfy requires-python `>=3.11`"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&pin).unwrap(), "3.9\n");

    // What it allows is pinned as before.
    sandbox
        .pvm()
        .args(["python", "pin", "3.12"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&pin).unwrap(), "3.12\n");
}
