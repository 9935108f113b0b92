use crate::support::*;

#[test]
fn init_writes_a_manifest_and_an_env_in_the_store_not_in_the_project() {
    let sandbox = Sandbox::in_folder("My App");
    sandbox
        .pvm()
        .args(["init", "--python", "3.12"])
        .assert()
        .success();

    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    assert!(manifest.contains("name = \"My-App\""), "{manifest}");
    assert!(
        manifest.contains("requires-python = \">=3.12\""),
        "{manifest}"
    );
    assert!(manifest.contains("dependencies = []"), "{manifest}");
    assert_eq!(
        std::fs::read_to_string(sandbox.project.join(".python-version"))
            .unwrap()
            .trim(),
        "3.12"
    );
    assert!(!sandbox.project.join(".venv").exists());
    let env = sandbox.only_env();
    assert!(env.join("pyvenv.cfg").is_file());
    assert!(env.join("bin/python3.12").exists());
    assert!(
        sandbox.envs()[0].starts_with("my-app-"),
        "{:?}",
        sandbox.envs()
    );
}

#[test]
fn init_adopts_an_existing_manifest_without_touching_it() {
    let sandbox = Sandbox::empty();
    let text = "[project]\nname = \"kept\"\nversion = \"2.0\"\n# my comment\n[tool.pvm]\npython = \"3.11\"\n";
    sandbox.manifest(text);
    sandbox
        .pvm()
        .args(["init", "--name", "other"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap(),
        text
    );
    assert!(
        sandbox
            .python("import sys; print(sys.version_info[:2])")
            .contains("(3, 11)")
    );
}

#[test]
fn init_imports_requirements_txt() {
    let sandbox = Sandbox::empty();
    sandbox.write(
        "requirements.txt",
        "# pinned\nrequests>=2.31\n-e .\ndjango==4.2 ; python_version >= '3.8'\n",
    );
    let out = sandbox
        .pvm()
        .args(["init", "--no-env", "--python", "3.12"])
        .assert()
        .success();
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    assert!(manifest.contains("\"requests>=2.31\""), "{manifest}");
    assert!(manifest.contains("django==4.2"), "{manifest}");
    assert!(
        stderr(out.get_output()).contains("-e ."),
        "the skipped option is reported"
    );
    assert!(sandbox.envs().is_empty(), "--no-env makes no env");
}

#[test]
fn init_rejects_a_bad_requirements_line_naming_it() {
    let sandbox = Sandbox::empty();
    sandbox.write("requirements.txt", "ok\nthis is not valid!!\n");
    fails_with(
        sandbox.pvm().args(["init", "--no-env"]),
        "requirements.txt:2:1",
    );
    assert!(!sandbox.project.join("pyproject.toml").exists());
}

#[test]
fn init_with_an_unknown_interpreter_lists_what_exists() {
    let sandbox = Sandbox::empty();
    let err = fails_with(
        sandbox.pvm().args(["init", "--python", "3.99"]),
        "no interpreter matches `3.99`",
    );
    assert!(err.contains("hint:") && err.contains("3.12."), "{err}");
    assert!(!sandbox.project.join("pyproject.toml").exists());
}
