use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::support::*;

/// Runs `script` in a real bash with the committed completion script loaded and `pvm` on PATH.
pub fn bash_completions(sandbox: &Sandbox, lines: &[&[&str]]) -> Vec<Vec<String>> {
    let completions = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/pvm.bash");
    let mut script = format!(
        "source {completions:?}\ncomplete_words() {{\n  COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 ))\n  COMP_LINE=\"$*\"; COMP_POINT=${{#COMP_LINE}}\n  _clap_complete_pvm pvm \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n  printf '%s\\n' \"${{COMPREPLY[@]}}\"; echo '---'\n}}\n"
    );
    for words in lines {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        script.push_str(&format!("complete_words {}\n", quoted.join(" ")));
    }
    let out = sandbox
        .with_pvm_on_path("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .split("---\n")
        .map(|block| {
            block
                .lines()
                .map(String::from)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .take(lines.len())
        .collect()
}

#[test]
fn bash_completes_subcommands_env_names_scripts_and_pythons() {
    let sandbox = Sandbox::empty();
    sandbox.manifest(
        "[project]\nname = \"demo\"\n[tool.pvm]\npython = \"3.12\"\n[tool.pvm.scripts]\ntest = \"pytest -q\"\nserve = \"python -m http.server\"\n",
    );
    sandbox.pvm().args(["run", "true"]).assert().success();
    sandbox.write("app.py", "print(1)\n");
    let env_name = sandbox.envs()[0].clone();
    let got = bash_completions(
        &sandbox,
        &[
            &["pvm", "re"],
            &["pvm", "remove", ""],
            &["pvm", "run", ""],
            &["pvm", "run", "--python", "3.1"],
            &["pvm", "li"],
            &["pvm", "run", "python", "ap"],
        ],
    );
    assert!(got[0].contains(&"remove".to_string()), "{:?}", got[0]);
    assert!(
        got[1].contains(&env_name),
        "env names after `pvm remove`: {:?}",
        got[1]
    );
    for expected in ["test", "serve", "python", "pip"] {
        assert!(
            got[2].contains(&expected.to_string()),
            "`{expected}` after `pvm run`: {:?}",
            got[2]
        );
    }
    assert!(
        got[3].contains(&"3.12".to_string()) && got[3].contains(&"3.11".to_string()),
        "{:?}",
        got[3]
    );
    assert_eq!(got[4], ["list"]);
    // After the command word come the command's own arguments: files.
    assert_eq!(got[5], ["app.py"], "files after `pvm run python`");

    // `--project` on the command line picks the project whose scripts are offered.
    let elsewhere = Sandbox::empty();
    let from_elsewhere = bash_completions(
        &elsewhere,
        &[&[
            "pvm",
            "--project",
            &*sandbox.project.to_string_lossy(),
            "run",
            "se",
        ]],
    );
    assert_eq!(from_elsewhere[0], ["serve"], "{from_elsewhere:?}");
}

#[test]
fn activate_prints_what_eval_needs() {
    let sandbox = Sandbox::project("3.12");
    let out = sandbox
        .with_pvm_on_path("bash")
        .arg("--norc")
        .arg("-c")
        .arg("eval \"$(pvm activate --shell bash)\"; echo \"$VIRTUAL_ENV\"; python -c 'import sys; print(sys.prefix)'; deactivate; echo \"after:${VIRTUAL_ENV:-none}\"")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let env = sandbox.only_env();
    assert_eq!(Path::new(lines[0]), env);
    assert_eq!(Path::new(lines[1]), env);
    assert_eq!(lines[2], "after:none");
    let out = sandbox
        .pvm()
        .args(["activate", "--shell", "fish"])
        .assert()
        .success();
    let line = stdout(out.get_output());
    assert!(
        line.starts_with("source ") && line.contains("/bin/activate.fish"),
        "{line}"
    );
}

/// Runs `command` (`pvm shell`, say) under `script`, which gives it a pseudo-terminal as a user's
/// terminal would, with `$SHELL` bash, `pvm` on PATH and `envs`; types `input` once the shell is up.
/// The exit status and all it printed.
pub fn in_terminal(
    sandbox: &Sandbox,
    command: &str,
    envs: &[(&str, &std::ffi::OsStr)],
    input: &str,
) -> (std::process::ExitStatus, String) {
    let mut child = sandbox
        .with_pvm_on_path("script")
        .args(["-qfec", command, "/dev/null"])
        .env("SHELL", "/bin/bash")
        .env("TERM", "dumb")
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    stdin.write_all(input.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{command} did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (status, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn shell_enters_the_env_in_a_terminal_and_exits_cleanly() {
    let sandbox = Sandbox::project("3.12");
    sandbox.pvm().args(["run", "true"]).assert().success();
    let home = sandbox.root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let pyenv_root = pyenv_python("3.12")
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    // Under umask 000, the rc files pvm writes for the shell must still not be writable by others.
    let (status, text) = in_terminal(
        &sandbox,
        "umask 000; pvm shell",
        &[
            ("HOME", home.as_os_str()),
            ("PYENV_ROOT", pyenv_root.as_os_str()),
        ],
        "python -c 'import sys; print(\"PREFIX=\" + sys.prefix)'\nexit 3\n",
    );
    let env = sandbox.only_env();
    assert!(
        text.contains(&format!("PREFIX={}", env.display())),
        "{text}"
    );
    assert!(
        text.contains("(demo)"),
        "the prompt shows the project: {text}"
    );
    assert_eq!(
        status.code(),
        Some(3),
        "the shell's exit code comes back: {text}"
    );
    use std::os::unix::fs::PermissionsExt;
    let shell_cache = sandbox.home.join("cache/shell");
    let mode = std::fs::metadata(&shell_cache)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o002,
        0,
        "{} is world-writable",
        shell_cache.display()
    );
    let mut stack = vec![shell_cache];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let mode = entry.metadata().unwrap().permissions().mode();
            assert_eq!(
                mode & 0o002,
                0,
                "{} is world-writable",
                entry.path().display()
            );
            seen += 1;
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    assert!(seen > 0, "pvm shell wrote its rc file");
}
