//! Issue 20, items 8–10 as a newcomer meets them: `deactivate` after `pvm activate`/`pvm shell`,
//! interpreter lists and completions, progress of `pvm run --with`, what `pvm init` writes.

use std::path::PathBuf;
use std::process::Command;

use crate::support::*;

/// What a child process sees of the two variables `[tool.pvm.env]` sets.
const SHOW: &str = "sh -c 'echo \"FOO=${FOO-unset} BAR=${BAR-unset}\"'";
const BEFORE: &str = "was 'here' $x";
const INSIDE: &str = "FOO=in side BAR=new";
const AFTER: &str = "FOO=was 'here' $x BAR=unset";

fn env_project() -> Sandbox {
    let sandbox = Sandbox::empty();
    sandbox.manifest(
        "[project]\nname = \"demo\"\n[tool.pvm]\npython = \"3.12\"\n[tool.pvm.env]\nFOO = \"in side\"\nBAR = \"new\"\n",
    );
    sandbox
}

fn activation(sandbox: &Sandbox, shell: &str) -> String {
    stdout(
        sandbox
            .pvm()
            .args(["activate", "--shell", shell])
            .assert()
            .success()
            .get_output(),
    )
}

fn nu() -> PathBuf {
    std::env::var_os("PVM_TEST_NU")
        .expect("this test needs nushell: run it through scripts/test, which sets PVM_TEST_NU")
        .into()
}

#[test]
fn deactivate_puts_back_what_tool_pvm_env_replaced_in_every_shell() {
    let sandbox = env_project();
    // (program, `--shell`, what prints after activating twice and after `deactivate`)
    for (program, kind) in [
        ("bash", "bash"),
        ("dash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("tcsh", "csh"),
        ("csh", "csh"),
    ] {
        let script = activation(&sandbox, kind);
        let file = sandbox.root.join(format!("deactivate-{program}"));
        // Twice: activating again must not take the first activation's values for the user's.
        std::fs::write(
            &file,
            format!("{script}\n{script}\n{SHOW}\ndeactivate\n{SHOW}\n"),
        )
        .unwrap();
        let out = Command::new(program)
            .arg(&file)
            .current_dir(&sandbox.project)
            .env("FOO", BEFORE)
            .env_remove("BAR")
            .env_remove("VIRTUAL_ENV")
            .output()
            .unwrap_or_else(|err| panic!("{program} is needed (scripts/test installs it): {err}"));
        assert!(out.status.success(), "{program}: {}", stderr(&out));
        assert_eq!(
            stdout(&out).lines().collect::<Vec<_>>(),
            [INSIDE, AFTER],
            "{program}: {}",
            stderr(&out)
        );
    }
    let script = activation(&sandbox, "nu");
    let out = Command::new(nu())
        .arg("-c")
        .arg(format!("{script}\n^{SHOW}\ndeactivate\n^{SHOW}\n"))
        .current_dir(&sandbox.project)
        .env("FOO", BEFORE)
        .env_remove("BAR")
        .output()
        .unwrap();
    assert!(out.status.success(), "nu: {}", stderr(&out));
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), [INSIDE, AFTER]);
}

#[test]
fn deactivate_in_pvm_shell_puts_back_the_outer_values() {
    let sandbox = env_project();
    sandbox.pvm().args(["run", "true"]).assert().success();
    let home = sandbox.root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (_, text) = crate::shell::in_terminal(
        &sandbox,
        "pvm shell",
        &[("HOME", home.as_os_str()), ("FOO", BEFORE.as_ref())],
        &format!("{SHOW}\ndeactivate\n{SHOW}\nexit\n"),
    );
    let inside = text.find(&format!("\n{INSIDE}")).expect(&text);
    let after = text.find(&format!("\n{AFTER}")).expect(&text);
    assert!(inside < after, "{text}");
}

#[test]
fn an_env_made_by_an_older_pvm_gets_activate_scripts_that_undo_tool_pvm_env() {
    let sandbox = env_project();
    sandbox.pvm().args(["run", "true"]).assert().success();
    let activate = sandbox.only_env().join("bin/activate");
    // What an older pvm wrote: a `deactivate` that knows nothing of `[tool.pvm.env]`.
    let old = std::fs::read_to_string(&activate)
        .unwrap()
        .replace("_PVM_ENV_RESTORE", "_SOMETHING_ELSE");
    std::fs::write(&activate, old).unwrap();
    let script = activation(&sandbox, "bash");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("{script}\ndeactivate\n{SHOW}\n"))
        .env("FOO", BEFORE)
        .env_remove("BAR")
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim_end(), AFTER, "{}", stderr(&out));
}
