//! Single-file scripts with a `# /// script` block (PEP 723): envs of their own, keyed by the
//! script's path, listed and removed like projects'.

use crate::support::*;

/// A script block installing only from the sandbox's wheels.
fn block(sandbox: &Sandbox, requires_python: &str, dependencies: &[&str]) -> String {
    let deps: Vec<String> = dependencies.iter().map(|d| format!("{d:?}")).collect();
    format!(
        "# /// script\n# requires-python = \"{requires_python}\"\n# dependencies = [{}]\n#\n# [tool.pvm]\n# no-index = true\n# find-links = [{:?}]\n# ///\n",
        deps.join(", "),
        sandbox.wheels().display().to_string()
    )
}

const BODY: &str =
    "import sys\nimport alpha\nprint('%d.%d' % sys.version_info[:2], alpha.__version__)\n";

#[test]
fn a_script_runs_in_its_own_env_anywhere_and_resyncs_when_its_block_changes() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("beta", "2.0", &[]);
    let text = block(&sandbox, ">=3.12,<3.13", &["alpha"]) + BODY;
    sandbox.write("report.py", &text);
    for command in [&["report.py"][..], &["python", "report.py"]] {
        let out = sandbox
            .pvm_with_uv()
            .arg("run")
            .args(command)
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "3.12 1.0", "{command:?}");
    }
    // Listed as a script, named after it.
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list[0]["kind"], "script");
    assert!(list[0]["name"].as_str().unwrap().starts_with("report-"));
    // A warm run syncs nothing.
    let out = sandbox.pvm().args(["run", "report.py"]).assert().success();
    assert_eq!(stderr(out.get_output()), "");

    // A changed block re-syncs.
    let text = block(&sandbox, ">=3.12,<3.13", &["alpha", "beta"])
        + "import beta\nprint(beta.__version__)\n";
    sandbox.write("report.py", &text);
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "report.py"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "2.0");
}

#[test]
fn inside_a_project_the_block_wins_and_a_script_without_one_uses_the_project() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "2.0", &[]);
    sandbox.deps_project("3.11", "uv", &[], "");
    sandbox.write(
        "with_block.py",
        &(block(&sandbox, ">=3.12,<3.13", &["alpha"]) + BODY),
    );
    sandbox.write(
        "plain.py",
        "import sys\nprint('%d.%d' % sys.version_info[:2])\n",
    );
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "with_block.py"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "3.12 2.0");
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "python", "plain.py"])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "3.11");
    assert_eq!(sandbox.envs().len(), 2);
}

#[test]
fn a_moved_script_is_stale_and_remove_takes_scripts() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.write("a.py", &(block(&sandbox, ">=3.12", &["alpha"]) + BODY));
    sandbox.write("b.py", &(block(&sandbox, ">=3.12", &["alpha"]) + BODY));
    for script in ["a.py", "b.py"] {
        sandbox
            .pvm_with_uv()
            .args(["run", script])
            .assert()
            .success();
    }
    std::fs::rename(
        sandbox.project.join("a.py"),
        sandbox.project.join("moved.py"),
    )
    .unwrap();
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let status = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"].as_str().unwrap().starts_with(name))
            .map(|e| e["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("a-"), "stale");
    assert_eq!(status("b-"), "ok");
    sandbox.pvm().args(["remove", "--stale"]).assert().success();
    assert_eq!(sandbox.envs().len(), 1);
    sandbox.pvm().args(["remove", "b.py"]).assert().success();
    assert!(sandbox.envs().is_empty());
}

#[test]
fn init_add_drop_and_lock_edit_only_the_block() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let tail = "\nimport sys  # the rest stays byte for byte\nprint(sys.argv)\n";
    sandbox.write("tool.py", &format!("#!/usr/bin/env python3{tail}"));
    sandbox
        .pvm()
        .args([
            "init", "--script", "tool.py", "--python", "3.12", "--no-env",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.project.join("tool.py")).unwrap();
    assert!(
        text.starts_with("#!/usr/bin/env python3\n# /// script\n# requires-python = \">=3.12\"\n"),
        "{text}"
    );
    assert!(text.ends_with(tail), "{text}");
    let find_links = sandbox.wheels().display().to_string();
    let pvm = || {
        let mut cmd = sandbox.pvm_with_uv();
        cmd.env("PVM_FIND_LINKS", &find_links)
            .env("PVM_NO_INDEX", "1");
        cmd
    };
    pvm()
        .args(["add", "--script", "tool.py", "alpha"])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.project.join("tool.py")).unwrap();
    assert!(
        text.contains("# dependencies = [\"alpha>=1.0\"]\n"),
        "{text}"
    );
    assert!(text.ends_with(tail));

    // A lock beside it, honoured by run.
    pvm()
        .args(["lock", "--script", "tool.py"])
        .assert()
        .success();
    assert!(sandbox.project.join("tool.py.lock").is_file());
    sandbox.wheel("alpha", "2.0", &[]);
    pvm().args(["run", "tool.py"]).assert().success();
    let lib = sandbox.only_env().join("lib");
    let python = std::fs::read_dir(&lib)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        python.join("site-packages/alpha-1.0.dist-info").is_dir(),
        "the locked alpha"
    );

    pvm()
        .args(["drop", "--script", "tool.py", "alpha"])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.project.join("tool.py")).unwrap();
    assert!(text.contains("# dependencies = []\n"), "{text}");
    assert!(text.ends_with(tail));
}

#[test]
fn broken_blocks_are_errors_with_their_line() {
    let sandbox = Sandbox::empty();
    let cases = [
        (
            "print(1)\n# /// script\n# dependencies = []\nx = 1\n",
            ":2:1: the `# /// script` block is not closed",
        ),
        (
            "# /// script\n# ///\nx = 1\n# /// script\n# ///\n",
            ":4:1: a second `# /// script` block",
        ),
        (
            "# /// script\n# dependencies = [\n# ///\n",
            "in the `# /// script` block",
        ),
        (
            "# /// script\n# dependencies = [\"bad name!\"]\n# ///\n",
            "invalid requirement",
        ),
    ];
    for (text, expected) in cases {
        sandbox.write("s.py", text);
        let out = sandbox.pvm().args(["run", "s.py"]).assert().code(1);
        let err = stderr(out.get_output());
        assert!(err.contains(expected), "{text}: {err}");
        assert!(err.contains("hint: "), "{err}");
    }
}

#[test]
fn with_adds_for_one_command_without_changing_the_env() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("extra-tool", "3.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha"], "");
    let probe = "import alpha, extra_tool; print(alpha.__version__, extra_tool.__version__)";
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "--with", "extra-tool", "python", "-c", probe])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0 3.0");
    // The env itself is unchanged.
    assert_eq!(sandbox.present_version("extra_tool"), "missing");
    assert!(
        !sandbox
            .installed()
            .iter()
            .any(|d| d.starts_with("extra-tool"))
    );
    // The second run with the same --with installs nothing.
    let out = sandbox
        .pvm()
        .args(["run", "--with", "extra-tool", "python", "-c", probe])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0 3.0");
    assert_eq!(stderr(out.get_output()), "");
    let overlays = sandbox.home.join("overlays");
    assert_eq!(std::fs::read_dir(&overlays).unwrap().count(), 1);
    // Gone with its env.
    sandbox.pvm().arg("remove").assert().success();
    assert_eq!(std::fs::read_dir(&overlays).unwrap().count(), 0);
}

#[test]
fn with_keeps_the_env_s_pins_and_the_current_folder_off_sys_path() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "1.2", &[]);
    sandbox.wheel("beta", "1.0", &["alpha"]);
    sandbox.deps_project("3.12", "uv", &["alpha==1.0"], "");
    // A json.py in the working folder must not shadow the standard library's.
    sandbox.write("json.py", "raise SystemExit('shadowed')\n");
    // (A script elsewhere: `python -c` itself would put the current folder first.)
    let script = sandbox.root.join("elsewhere/x.py");
    std::fs::create_dir_all(script.parent().unwrap()).unwrap();
    std::fs::write(
        &script,
        "import json, alpha, beta\nprint(alpha.__version__)\n",
    )
    .unwrap();
    let out = sandbox
        .pvm_with_uv()
        .args(["run", "--with", "beta", "python"])
        .arg(&script)
        .env_remove("PYTHONPATH")
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()), "1.0");
}
