//! Dependencies from the command line: `pvm add`, `pvm drop`, `pvm tree`, `pvm export`, and a
//! `pvm remove` that never surprises.

use crate::support::*;

fn manifest(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap()
}

/// A project with a commented manifest, installing from the test's wheels with uv.
fn commented_project(sandbox: &Sandbox) {
    std::fs::create_dir_all(sandbox.wheels()).unwrap();
    sandbox.manifest(&format!(
        "# my app\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\n    \"alpha\",  # the core\n]\n\n[tool.pvm]\npython = \"3.12\"\ninstaller = \"uv\"\nno-index = true\nfind-links = [{:?}]\n",
        sandbox.wheels().display().to_string()
    ));
}

#[test]
fn add_and_drop_edit_the_manifest_keeping_its_comments() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &["beta>=1"]);
    sandbox.wheel("beta", "2.0", &[]);
    sandbox.wheel("fastlib", "1.5", &[]);
    sandbox.wheel("testlib", "3.0", &[]);
    sandbox.wheel("docs-tool", "1.0", &[]);
    sandbox.wheel("speedup", "1.0", &[]);
    commented_project(&sandbox);

    // A bare name gets `>=` what it resolved to, and is installed.
    sandbox
        .pvm_with_uv()
        .args(["add", "fastlib"])
        .assert()
        .success();
    let text = manifest(&sandbox);
    assert!(
        text.starts_with("# my app\n[project]\n")
            && text.contains("    \"alpha\",  # the core\n    \"fastlib>=1.5\",\n]"),
        "{text}"
    );
    assert_eq!(sandbox.present_version("fastlib"), "1.5");

    // Every target: --dev, --group, --optional.
    sandbox
        .pvm_with_uv()
        .args(["add", "--dev", "testlib"])
        .assert()
        .success();
    sandbox
        .pvm_with_uv()
        .args(["add", "--group", "docs", "docs-tool==1.0"])
        .assert()
        .success();
    sandbox
        .pvm_with_uv()
        .args(["add", "--optional", "fast", "speedup"])
        .assert()
        .success();
    let table: toml::Table = toml::from_str(&manifest(&sandbox)).unwrap();
    assert_eq!(
        table["dependency-groups"]["dev"][0].as_str(),
        Some("testlib>=3.0")
    );
    assert_eq!(
        table["dependency-groups"]["docs"][0].as_str(),
        Some("docs-tool==1.0")
    );
    assert_eq!(
        table["project"]["optional-dependencies"]["fast"][0].as_str(),
        Some("speedup>=1.0")
    );
    assert_eq!(
        sandbox.present_version("testlib"),
        "3.0",
        "dev is installed"
    );

    // Adding what is there changes its specifier.
    sandbox
        .pvm_with_uv()
        .args(["add", "fastlib<2"])
        .assert()
        .success();
    assert!(manifest(&sandbox).contains("\"fastlib<2\""));

    // drop is the inverse.
    sandbox
        .pvm_with_uv()
        .args(["drop", "fastlib"])
        .assert()
        .success();
    assert!(!manifest(&sandbox).contains("fastlib"));
    assert_eq!(sandbox.present_version("fastlib"), "missing");
    sandbox
        .pvm_with_uv()
        .args(["drop", "--dev", "testlib"])
        .assert()
        .success();
    assert_eq!(sandbox.present_version("testlib"), "missing");
    assert!(manifest(&sandbox).contains("    \"alpha\",  # the core\n"));
}

#[test]
fn a_failed_add_or_drop_restores_the_manifest_and_the_lock_byte_for_byte() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    commented_project(&sandbox);
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let before_manifest = std::fs::read(sandbox.project.join("pyproject.toml")).unwrap();
    let before_lock = std::fs::read(sandbox.project.join("pylock.toml")).unwrap();
    let unchanged = || {
        assert_eq!(
            std::fs::read(sandbox.project.join("pyproject.toml")).unwrap(),
            before_manifest
        );
        assert_eq!(
            std::fs::read(sandbox.project.join("pylock.toml")).unwrap(),
            before_lock
        );
    };

    // No such version: the resolver says why, and nothing is lost.
    let out = sandbox
        .pvm_with_uv()
        .args(["add", "alpha>=99"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("alpha>=99") && err.contains("put back"),
        "{err}"
    );
    unchanged();
    // No such package.
    sandbox
        .pvm_with_uv()
        .args(["add", "no-such-package"])
        .assert()
        .code(1);
    unchanged();
    // Not a requirement.
    fails_with(sandbox.pvm_with_uv().args(["add", "bad name!"]), "hint: ");
    unchanged();
    // Dropping what is not there says where it is.
    fails_with(
        sandbox.pvm_with_uv().args(["drop", "--dev", "alpha"]),
        "it is in [project] dependencies",
    );
    unchanged();
    assert_eq!(sandbox.present_version("alpha"), "1.0");
}

#[test]
fn add_takes_a_wheel_path_and_a_url() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    commented_project(&sandbox);
    build_wheel(&sandbox.project.join("vendor"), "mylib", "0.4", &[], &[]);
    sandbox
        .pvm_with_uv()
        .args(["add", "./vendor/mylib-0.4-py3-none-any.whl"])
        .assert()
        .success();
    // The bare name, and the wheel's path relative to the project in [tool.pvm.sources].
    let manifest = manifest(&sandbox);
    assert!(
        manifest.contains("\"mylib\"")
            && manifest.contains("mylib = { path = \"vendor/mylib-0.4-py3-none-any.whl\" }"),
        "{manifest}"
    );
    assert_eq!(sandbox.present_version("mylib"), "0.4");
}

#[test]
fn remove_never_deletes_another_project_s_env_by_surprise() {
    // A project named attrs, with its env.
    let other = Sandbox::empty();
    other.manifest("[project]\nname = \"attrs\"\n[tool.pvm]\npython = \"3.12\"\n");
    let app = Sandbox::empty();
    app.manifest(
        "[project]\nname = \"app\"\ndependencies = [\"attrs\"]\n[dependency-groups]\ntest = [\"hypothesis\"]\n[tool.pvm]\npython = \"3.12\"\nno-index = true\n",
    );
    // Both in one store: the app's sandbox store.
    other
        .pvm()
        .env("PVM_HOME", &app.home)
        .args(["run", "true"])
        .assert()
        .success();
    let env = std::fs::read_dir(app.envs_dir())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();

    // Inside the app, `pvm remove attrs` is uv's habit: refused, with both ways forward.
    let err = fails_with(
        app.pvm().args(["remove", "attrs"]),
        "`attrs` is a dependency of this project",
    );
    assert!(
        err.contains("pvm drop attrs") && err.contains(&format!("pvm remove {env}")),
        "{err}"
    );
    assert!(app.envs_dir().join(&env).exists());
    // One in a group: the hint names the group, as `pvm drop` would ask.
    let err = fails_with(
        app.pvm().args(["remove", "hypothesis"]),
        "`hypothesis` is a dependency of this project",
    );
    assert!(err.contains("`pvm drop --group test hypothesis`"), "{err}");

    // Elsewhere, another project's env by its bare name needs --yes off a terminal.
    let outside = Sandbox::empty();
    fails_with(
        outside
            .pvm()
            .env("PVM_HOME", &app.home)
            .args(["remove", "attrs"]),
        "--yes",
    );
    assert!(app.envs_dir().join(&env).exists());
    // Its full name works as before, and so does --yes.
    outside
        .pvm()
        .env("PVM_HOME", &app.home)
        .args(["remove", "--yes", "attrs"])
        .assert()
        .success();
    assert!(!app.envs_dir().join(&env).exists());
}

#[test]
fn tree_shows_the_installed_graph_and_inverts_it() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("top", "1.0", &["mid>=1", "leaf"]);
    sandbox.wheel("mid", "2.0", &["leaf>=0.5"]);
    sandbox.wheel("leaf", "0.9", &[]);
    sandbox.deps_project("3.12", "uv", &["top"], "");
    sandbox.pvm_with_uv().arg("sync").assert().success();
    let out = sandbox.pvm().arg("tree").assert().success();
    assert_eq!(
        stdout(out.get_output()),
        "top v1.0 [top]\n├── mid v2.0 [mid>=1]\n│   └── leaf v0.9 [leaf>=0.5]\n└── leaf v0.9 [leaf]"
    );
    let out = sandbox
        .pvm()
        .args(["tree", "--depth", "1"])
        .assert()
        .success();
    assert_eq!(
        stdout(out.get_output()),
        "top v1.0 [top]\n├── mid v2.0 [mid>=1]\n└── leaf v0.9 [leaf]"
    );
    let out = sandbox
        .pvm()
        .args(["tree", "--invert", "leaf"])
        .assert()
        .success();
    let text = stdout(out.get_output());
    assert!(text.starts_with("leaf v0.9 [leaf==0.9]"), "{text}");
    assert!(
        text.contains("mid v2.0 [leaf>=0.5]") && text.contains("top v1.0 [leaf]"),
        "{text}"
    );
    let out = sandbox.pvm().args(["tree", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        json[0]["dependencies"][0]["dependencies"][0]["name"],
        "leaf"
    );
}

#[test]
fn export_is_read_back_by_pip_and_uv() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("top", "1.0", &["leaf"]);
    sandbox.wheel("leaf", "0.9", &[]);
    sandbox.wheel("devtool", "1.0", &[]);
    sandbox.deps_project(
        "3.12",
        "uv",
        &["top"],
        "[dependency-groups]\ndev = [\"devtool\"]\n",
    );
    sandbox.pvm_with_uv().arg("sync").assert().success();
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox
        .pvm()
        .args(["export", "-o", "requirements.txt"])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.project.join("requirements.txt")).unwrap();
    assert!(
        text.contains("devtool==1.0") && text.contains("--hash=sha256:"),
        "{text}"
    );
    let python = pyenv_python("3.12").join("bin/python3");
    for tool in ["pip", "uv"] {
        let venv = sandbox.root.join(format!("venv-{tool}"));
        let ok = |cmd: &mut std::process::Command| {
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{tool}: {}", stderr(&out));
        };
        ok(std::process::Command::new(&python)
            .args(["-m", "venv"])
            .arg(&venv));
        let venv_python = venv.join("bin/python");
        match tool {
            "pip" => ok(std::process::Command::new(&venv_python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--no-index",
                    "--require-hashes",
                    "--find-links",
                ])
                .arg(sandbox.wheels())
                .arg("-r")
                .arg(sandbox.project.join("requirements.txt"))),
            _ => ok(std::process::Command::new(test_uv())
                .args(["pip", "install", "--offline", "--no-index", "--find-links"])
                .arg(sandbox.wheels())
                .arg("--python")
                .arg(&venv_python)
                .arg("-r")
                .arg(sandbox.project.join("requirements.txt"))
                .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))),
        }
        let out = std::process::Command::new(&venv_python)
            .args([
                "-c",
                "import top, leaf, devtool; print(top.__version__, leaf.__version__)",
            ])
            .output()
            .unwrap();
        assert_eq!(stdout(&out), "1.0 0.9", "{tool}: {}", stderr(&out));
    }
    // The pylock.toml form keeps every platform, with the chosen groups as its default.
    let out = sandbox
        .pvm()
        .args(["export", "--format", "pylock.toml", "--no-dev"])
        .assert()
        .success();
    let exported: toml::Table = toml::from_str(&stdout(out.get_output())).unwrap();
    assert!(
        exported
            .get("default-groups")
            .is_none_or(|g| g.as_array().unwrap().is_empty())
    );
}

#[test]
fn unknown_commands_teach_the_pvm_word() {
    let sandbox = Sandbox::empty();
    let out = sandbox.pvm().args(["install", "requests"]).assert().code(2);
    assert!(stderr(out.get_output()).contains("tip: `pvm sync` installs"));
    let out = sandbox
        .pvm()
        .args(["uninstall", "requests"])
        .assert()
        .code(2);
    assert!(stderr(out.get_output()).contains("`pvm drop PACKAGE`"));
    let out = sandbox
        .pvm()
        .args(["python", "add", "3.12"])
        .assert()
        .code(2);
    assert!(stderr(out.get_output()).contains("`pvm python install VERSION`"));
}

#[test]
fn outdated_shows_installed_allowed_and_latest_direct_first() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &["leaf"]);
    sandbox.wheel("leaf", "1.0", &[]);
    sandbox.deps_project("3.12", "uv", &["alpha<3"], "");
    sandbox.pvm_with_uv().arg("lock").assert().success();
    sandbox.pvm_with_uv().arg("sync").assert().success();
    sandbox.wheel("alpha", "2.0", &["leaf"]);
    sandbox.wheel("alpha", "3.0", &["leaf"]);
    sandbox.wheel("leaf", "1.5", &[]);
    let out = sandbox
        .pvm_with_uv()
        .args(["outdated", "--json"])
        .assert()
        .success();
    let rows: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let row = |i: usize| {
        (
            rows[i]["name"].as_str().unwrap().to_string(),
            rows[i]["installed"].as_str().unwrap().to_string(),
            rows[i]["allowed"].as_str().unwrap_or("-").to_string(),
            rows[i]["latest"].as_str().unwrap_or("-").to_string(),
            rows[i]["direct"].as_bool().unwrap(),
        )
    };
    assert_eq!(
        row(0),
        (
            "alpha".into(),
            "1.0".into(),
            "2.0".into(),
            "3.0".into(),
            true
        )
    );
    assert_eq!(
        row(1),
        (
            "leaf".into(),
            "1.0".into(),
            "1.5".into(),
            "1.5".into(),
            false
        )
    );
    let out = sandbox.pvm_with_uv().arg("outdated").assert().success();
    assert!(stdout(out.get_output()).starts_with("PACKAGE"));
}

#[test]
fn add_with_a_marker_bounds_the_version_before_it() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("delta", "3.1", &[]);
    commented_project(&sandbox);
    sandbox
        .pvm_with_uv()
        .args(["add", "delta ; sys_platform == 'linux'"])
        .assert()
        .success();
    assert!(
        manifest(&sandbox).contains("\"delta>=3.1 ; sys_platform == 'linux'\""),
        "{}",
        manifest(&sandbox)
    );
}

#[test]
fn another_project_s_env_by_bare_name_is_asked_about_on_a_terminal() {
    use std::io::Write;
    let other = Sandbox::empty();
    other.manifest("[project]\nname = \"attrs\"\n[tool.pvm]\npython = \"3.12\"\n");
    other.pvm().args(["run", "true"]).assert().success();
    let env = other.only_env();
    // `script` gives pvm a terminal; the answer comes on its input.
    let ask = |answer: &str| {
        let mut child = other
            .with_pvm_on_path("script")
            .args(["-qfec", "pvm remove attrs", "/dev/null"])
            .current_dir(&other.root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(answer.as_bytes()).unwrap();
        stdin.flush().unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = ask("n\n");
    assert!(said.contains("Remove attrs-"), "{said}");
    assert!(env.exists(), "no: kept");
    ask("y\n");
    assert!(!env.exists(), "yes: removed");
}
