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
        let out = sandbox
            .with_pvm_on_path(program)
            .arg(&file)
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
    let out = sandbox
        .with_pvm_on_path(nu())
        .arg("-c")
        .arg(format!("{script}\n^{SHOW}\ndeactivate\n^{SHOW}\n"))
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

/// Whether `versions` go newest first, by number (`3.10` before `3.6`).
fn assert_newest_first(versions: &[String]) {
    let numbers: Vec<Vec<u64>> = versions
        .iter()
        .map(|v| v.split('.').map(|n| n.parse().unwrap()).collect())
        .collect();
    assert!(
        numbers.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first: {versions:?}"
    );
}

#[test]
fn interpreter_lists_go_newest_first_without_those_pvm_cannot_use() {
    // The machine has both: a list that orders them as text puts 3.10 before 3.6.
    pyenv_python("3.10");
    pyenv_python("3.6");
    let python2 = pyenv_python("2.7");
    let sandbox = Sandbox::project("3.12");

    let out = sandbox
        .pvm()
        .args(["run", "--python", "3.99", "python", "-V"])
        .assert()
        .failure();
    let hint = stderr(out.get_output());
    let offered: Vec<String> = hint
        .split("interpreters found: ")
        .nth(1)
        .expect(&hint)
        .split(", ")
        .map(|item| item.split(' ').next().unwrap().to_string())
        .collect();
    assert_newest_first(&offered);
    assert!(offered.iter().any(|v| v.starts_with("3.10.")), "{hint}");
    assert!(offered.iter().any(|v| v.starts_with("3.6.")), "{hint}");
    assert!(
        !hint.contains(&*python2.to_string_lossy()),
        "Python 2 is offered: {hint}"
    );

    sandbox.write("report.py", "print('report')\n");
    let got = crate::shell::bash_completions(
        &sandbox,
        &[&["pvm", "run", "--python", ""], &["pvm", "run", "rep"]],
    );
    assert_newest_first(&got[0]);
    for expected in ["3.10", "3.6", "3.12"] {
        assert!(got[0].contains(&expected.to_string()), "{:?}", got[0]);
    }
    assert!(
        !got[0].iter().any(|v| v.starts_with("2.")),
        "Python 2 is offered: {:?}",
        got[0]
    );
    assert_eq!(got[1], ["report.py"], "`pvm run rep<Tab>`");
}

#[test]
fn python_help_names_every_subcommand() {
    let out = Sandbox::empty()
        .pvm()
        .args(["python", "--help"])
        .assert()
        .success();
    let text = stdout(out.get_output());
    let summary = text.lines().next().unwrap().to_lowercase();
    for verb in ["find", "list", "pin", "install", "uninstall"] {
        assert!(summary.contains(verb), "`{verb}` in {summary:?}");
    }
}

#[test]
fn the_first_run_with_shows_what_it_installs_and_the_next_is_silent() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("extra-tool", "3.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    sandbox
        .pvm_with_uv()
        .args(["run", "true"])
        .assert()
        .success();
    let run_with = || {
        sandbox
            .pvm_with_uv()
            .args([
                "run",
                "--with",
                "extra-tool",
                "python",
                "-c",
                "import extra_tool",
            ])
            .assert()
            .success()
    };
    let first = stderr(run_with().get_output());
    assert!(
        first.contains("Installed 1 package for this run with uv in "),
        "{first}"
    );
    assert!(first.contains("+ extra-tool==3.0"), "{first}");
    assert_eq!(
        stderr(run_with().get_output()),
        "",
        "the second run is silent"
    );
}

#[test]
fn init_of_an_app_writes_readme_gitignore_and_main_py_and_says_so() {
    let sandbox = Sandbox::empty();
    let out = sandbox
        .pvm()
        .args(["init", "--python", "3.12"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("Created README.md, .gitignore, main.py"),
        "{err}"
    );
    assert!(err.contains("e.g. `pvm run main.py`"), "{err}");
    let read = |name: &str| std::fs::read_to_string(sandbox.project.join(name)).unwrap();
    assert_eq!(read("README.md"), "# proj\n");
    assert!(read(".gitignore").contains("__pycache__/"));
    let out = sandbox.pvm().args(["run", "main.py"]).assert().success();
    assert_eq!(stdout(out.get_output()), "Hello from proj!");

    // A folder with its own README and code keeps them: only what it lacks is written.
    let existing = Sandbox::empty();
    existing.write("README.rst", "mine\n");
    existing.write("app.py", "print('app')\n");
    existing.write(".gitignore", "secret.txt\n");
    let out = existing
        .pvm()
        .args(["init", "--python", "3.12", "--no-env"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        !err.contains("README.md") && !err.contains("main.py"),
        "{err}"
    );
    for name in ["README.md", "main.py"] {
        assert!(!existing.project.join(name).exists(), "{name} was written");
    }
    assert_eq!(
        std::fs::read_to_string(existing.project.join(".gitignore")).unwrap(),
        "secret.txt\n"
    );

    // A package's code is its module: no main.py beside it.
    let package = Sandbox::empty();
    package
        .pvm()
        .args(["init", "--python", "3.12", "--package", "--no-env"])
        .assert()
        .success();
    assert!(package.project.join("README.md").is_file());
    assert!(!package.project.join("main.py").exists());
}
