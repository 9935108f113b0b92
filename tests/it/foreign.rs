//! Projects made with other tools, as they are: Poetry's tables, a Pipfile, `[tool.uv]`
//! default groups and sources (issue 24).

use crate::support::*;

fn local_index(sandbox: &Sandbox) -> String {
    format!(
        "[tool.pvm]\npython = \"3.11\"\nno-index = true\nfind-links = [{:?}]\n",
        sandbox.wheels().display().to_string()
    )
}

fn names(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .installed()
        .into_iter()
        .filter(|line| !line.starts_with("pip==") && !line.starts_with("setuptools=="))
        .collect()
}

#[test]
fn a_poetry_1_project_syncs_its_dependencies_and_its_non_optional_groups() {
    let sandbox = Sandbox::empty();
    for version in ["1.0", "1.5", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.wheel("linter", "0.4.2", &[]);
    sandbox.wheel("docsy", "1.0", &[]);
    sandbox.manifest(&format!(
        r#"[tool.poetry]
name = "app"
version = "0.1.0"
package-mode = false

[tool.poetry.dependencies]
python = "^3.11"
alpha = "^1.0"

[tool.poetry.dev-dependencies]
tester = "*"

[tool.poetry.group.lint.dependencies]
linter = "~0.4"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
docsy = "*"

{}"#,
        local_index(&sandbox)
    ));
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(!err.contains("does not read"), "{err}");
    assert_eq!(
        names(&sandbox),
        ["alpha==1.5", "linter==0.4.2", "tester==1.0"]
    );
    sandbox
        .pvm()
        .args(["sync", "--group", "docs"])
        .assert()
        .success();
    assert!(names(&sandbox).contains(&"docsy==1.0".to_string()));
}

#[test]
fn uv_default_groups_are_what_a_plain_sync_installs_and_unread_keys_are_named() {
    let sandbox = Sandbox::empty();
    for name in ["devdep", "testdep", "typedep", "lib"] {
        sandbox.wheel(name, "1.0", &[]);
    }
    sandbox.manifest(&format!(
        r#"[project]
name = "app"
version = "0.1.0"
dependencies = []

[dependency-groups]
dev = ["devdep"]
tests = ["testdep"]
typing = ["typedep"]

[tool.uv]
default-groups = ["dev", "tests"]
required-version = ">=0.5"

{}"#,
        local_index(&sandbox)
    ));
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert_eq!(
        err.matches("[tool.uv]: pvm does not read `required-version`")
            .count(),
        1,
        "{err}"
    );
    assert_eq!(names(&sandbox), ["devdep==1.0", "testdep==1.0"]);
    sandbox.pvm().args(["sync", "--no-dev"]).assert().success();
    assert_eq!(names(&sandbox), ["testdep==1.0"]);
}

#[test]
fn a_pipfile_project_syncs_its_packages_dev_packages_and_python() {
    let sandbox = Sandbox::empty();
    for version in ["1.0", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.write(
        "Pipfile",
        r#"[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
alpha = "<2"

[dev-packages]
tester = "*"

[requires]
python_version = "3.12"
"#,
    );
    let out = sandbox
        .pvm()
        .env("PVM_NO_INDEX", "1")
        .env("PVM_FIND_LINKS", sandbox.wheels())
        .arg("sync")
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("3.12"), "{err}");
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    let out = sandbox
        .pvm()
        .args([
            "run",
            "--no-sync",
            "python",
            "-c",
            "import sys; print(sys.version_info[:2])",
        ])
        .assert()
        .success();
    assert_eq!(stdout(out.get_output()).trim(), "(3, 12)");
    // Nothing to edit until `pvm init` writes a pyproject.toml.
    fails_with(
        pvm_local(&sandbox).args(["add", "tester"]),
        "run `pvm init` first",
    );
}

/// `pvm` installing only from the test's wheels, for a project whose manifest cannot say so
/// (a Pipfile, requirements files).
fn pvm_local(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.pvm();
    cmd.env("PVM_NO_INDEX", "1")
        .env("PVM_FIND_LINKS", sandbox.wheels());
    cmd
}

/// `uv lock` (the real uv) in the project, from the test's wheels only: the `uv.lock` a uv
/// user would have.
fn uv_lock(sandbox: &Sandbox) {
    let out = std::process::Command::new(test_uv())
        .args(["lock", "--offline"])
        .current_dir(&sandbox.project)
        .env("UV_CACHE_DIR", sandbox.root.join("uv-cache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "uv lock: {}", stderr(&out));
}

fn manifest_text(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap()
}

#[test]
fn init_beside_a_pipfile_migrates_it_with_its_python() {
    let sandbox = Sandbox::in_folder("shop");
    for version in ["1.0", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.write(
        "Pipfile",
        "[packages]\nalpha = \"<2\"\n\n[dev-packages]\ntester = \"*\"\n\n[requires]\npython_version = \"3.12\"\n",
    );
    let out = pvm_local(&sandbox).arg("init").assert().success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("Migrated 1 dependency; groups dev from Pipfile into"),
        "{err}"
    );
    assert!(err.contains("`--remove-old` removes them"), "{err}");
    let manifest = manifest_text(&sandbox);
    assert!(
        manifest.contains("name = \"shop\"")
            && manifest.contains("requires-python = \">=3.12\"")
            && manifest.contains("dependencies = [\n    \"alpha<2\",\n]")
            && manifest.contains("[dependency-groups]\ndev = [\n    \"tester\",\n]"),
        "{manifest}"
    );
    let pin = std::fs::read_to_string(sandbox.project.join(".python-version")).unwrap();
    assert_eq!(pin.trim(), "3.12");
    assert!(sandbox.project.join("Pipfile").is_file());
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    // Without the Pipfile, the new manifest alone gives the same env.
    std::fs::remove_file(sandbox.project.join("Pipfile")).unwrap();
    pvm_local(&sandbox).arg("sync").assert().success();
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
}

#[test]
fn init_imports_requirements_dev_txt_as_the_dev_group_and_removes_the_old_files() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.write("requirements.txt", "alpha\n");
    sandbox.write("requirements-dev.txt", "-r requirements.txt\ntester\n");
    let out = pvm_local(&sandbox)
        .args(["init", "--python", "3.11", "--remove-old"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("from requirements-dev.txt, requirements.txt into")
            && err.contains("Removed requirements-dev.txt, requirements.txt"),
        "{err}"
    );
    let manifest = manifest_text(&sandbox);
    assert!(
        manifest.contains("dependencies = [\n    \"alpha\",\n]")
            && manifest.contains("dev = [\n    \"tester\",\n]"),
        "{manifest}"
    );
    assert!(!sandbox.project.join("requirements.txt").exists());
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
}

#[test]
fn init_migrate_writes_a_poetry_project_as_pep_621_with_the_same_env() {
    let sandbox = Sandbox::empty();
    for version in ["1.0", "1.5", "2.0"] {
        sandbox.wheel("alpha", version, &[]);
    }
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.wheel("linter", "0.4.2", &[]);
    sandbox.manifest(&format!(
        "[tool.poetry]\nname = \"app\"\nversion = \"0.3.0\"\npackage-mode = false\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nalpha = \"^1.0\"\n\n[tool.poetry.group.dev.dependencies]\ntester = \"*\"\n\n[tool.poetry.group.lint.dependencies]\nlinter = \"~0.4\"\n\n{}",
        local_index(&sandbox)
    ));
    sandbox.pvm().arg("sync").assert().success();
    let before = names(&sandbox);
    // Plain init reads it as it is, and says how to migrate.
    let out = sandbox.pvm().args(["init", "--no-env"]).assert().success();
    assert!(
        stderr(out.get_output()).contains("`pvm init --migrate` writes them"),
        "{}",
        stderr(out.get_output())
    );
    let out = sandbox
        .pvm()
        .args(["init", "--migrate", "--remove-old"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("Migrated 1 dependency; groups dev, lint from [tool.poetry]"),
        "{err}"
    );
    let manifest = manifest_text(&sandbox);
    assert!(
        !manifest.contains("[tool.poetry.dependencies]")
            && !manifest.contains("[tool.poetry.group")
            && manifest.contains("[project]\nname = \"app\"\nversion = \"0.3.0\"\nrequires-python = \">=3.11,<4.0\"\ndependencies = [\n    \"alpha>=1.0,<2.0\",\n]")
            && manifest.contains("default-groups = [\"dev\", \"lint\"]"),
        "{manifest}"
    );
    sandbox.pvm().arg("sync").assert().success();
    assert_eq!(names(&sandbox), before);
}

/// What a Python snippet prints, run by the machine's Python 3.12.
fn python_says(code: &str) -> String {
    let out = std::process::Command::new(pyenv_python("3.12").join("bin/python3"))
        .args(["-c", code])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Poetry's content hash of the manifest, as poetry's `Locker._get_content_hash` computes it.
fn poetry_content_hash(manifest: &std::path::Path) -> String {
    python_says(&format!(
        r#"
import hashlib, json, tomllib
data = tomllib.load(open({:?}, "rb"))
project = data.get("project", {{}})
groups = data.get("dependency-groups", {{}})
poetry = data.get("tool", {{}}).get("poetry", {{}})
legacy = ["dependencies", "source", "extras", "dev-dependencies"]
rp = {{k: project[k] for k in ["requires-python", "dependencies", "optional-dependencies"] if project.get(k) is not None}}
po = {{}}
for k in legacy + ["group"]:
    v = poetry.get(k)
    if v is None and (k not in legacy or rp or groups):
        continue
    po[k] = v
rc = {{}}
if rp: rc["project"] = rp
if groups: rc["dependency-groups"] = groups
if rc: rc["tool"] = {{"poetry": po}}
else: rc = po
print(hashlib.sha256(json.dumps(rc, sort_keys=True).encode()).hexdigest())
"#,
        manifest.display().to_string()
    ))
}

/// A poetry.lock (lock-version 2.1) of `packages`: (name, version, groups, wheel).
fn poetry_lock(hash: &str, packages: &[(&str, &str, &str, &std::path::Path)]) -> String {
    let mut text = String::from(
        "# This file is automatically @generated by Poetry 2.5.0 and should not be changed by hand.\n\n",
    );
    for (name, version, groups, wheel) in packages {
        text.push_str(&format!(
            "[[package]]\nname = \"{name}\"\nversion = \"{version}\"\ndescription = \"\"\noptional = false\npython-versions = \"*\"\ngroups = [{groups}]\nfiles = [\n    {{file = \"{}\", hash = \"sha256:{}\"}},\n]\n\n",
            wheel.file_name().unwrap().to_string_lossy(),
            sha256_hex(wheel)
        ));
    }
    text.push_str(&format!(
        "[metadata]\nlock-version = \"2.1\"\npython-versions = \">=3.11\"\ncontent-hash = \"{hash}\"\n"
    ));
    text
}

#[test]
fn a_current_poetry_lock_is_the_projects_lock_and_a_stale_one_is_relocked_keeping_its_versions() {
    let sandbox = Sandbox::empty();
    let old = sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "1.5", &[]);
    let tester = sandbox.wheel("tester", "1.0", &[]);
    let manifest = |deps: &str| {
        format!(
            "[project]\nname = \"app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [{deps}]\n\n[tool.poetry]\npackage-mode = false\n\n[tool.poetry.group.dev.dependencies]\ntester = \"*\"\n\n{}",
            local_index(&sandbox)
        )
    };
    sandbox.manifest(&manifest("\"alpha>=1\""));
    let hash = poetry_content_hash(&sandbox.project.join("pyproject.toml"));
    let lock = poetry_lock(
        &hash,
        &[
            ("alpha", "1.0", "\"main\"", &old),
            ("tester", "1.0", "\"dev\"", &tester),
        ],
    );
    sandbox.write("poetry.lock", &lock);
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("from poetry.lock"), "{err}");
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    assert!(!sandbox.project.join("pylock.toml").exists());
    sandbox.pvm().args(["sync", "--locked"]).assert().success();

    // The lock's hashes are checked.
    let tampered = lock.replacen(&sha256_hex(&old), &"0".repeat(64), 1);
    sandbox.write("poetry.lock", &tampered);
    let err = fails_with(sandbox.pvm().args(["sync", "--reinstall"]), "hash");
    assert!(err.contains("alpha"), "{err}");
    sandbox.write("poetry.lock", &lock);

    // The manifest changed: stale by Poetry's rule, named, and re-locked keeping alpha 1.0.
    sandbox.manifest(&manifest("\"alpha>=1\", \"tester\""));
    fails_with(
        sandbox.pvm().args(["sync", "--locked"]),
        "poetry.lock is not current: pyproject.toml changed since",
    );
    let out = sandbox.pvm().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("poetry.lock is not current") && err.contains("wrote pylock.toml"),
        "{err}"
    );
    let pylock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        pylock.contains("name = \"alpha\"\nversion = \"1.0\""),
        "{pylock}"
    );
}

/// A Pipfile.lock of `pipfile` with the wheels given (version 1.0 each), its hash as pipenv
/// computes it (plette's Pipfile.get_hash, PyPI as the default source).
fn pipfile_lock(
    pipfile: &str,
    default: &[(&str, &std::path::Path)],
    develop: &[(&str, &std::path::Path)],
) -> String {
    let hash = python_says(&format!(
        r#"
import hashlib, json, tomllib
p = tomllib.loads({pipfile:?})
d = {{"_meta": {{"sources": p.get("source", [{{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}}]), "requires": p.get("requires", {{}})}}, "default": p.get("packages", {{}}), "develop": p.get("dev-packages", {{}})}}
print(hashlib.sha256(json.dumps(d, sort_keys=True, separators=(",", ":")).encode()).hexdigest())
"#
    ));
    let section = |packages: &[(&str, &std::path::Path)]| -> serde_json::Value {
        packages
            .iter()
            .map(|(name, wheel)| {
                let entry = serde_json::json!({
                    "hashes": [format!("sha256:{}", sha256_hex(wheel))],
                    "index": "pypi",
                    "version": "==1.0"
                });
                (name.to_string(), entry)
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let lock = serde_json::json!({
        "_meta": {
            "hash": {"sha256": hash},
            "pipfile-spec": 6,
            "requires": {"python_version": "3.11"},
            "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
        },
        "default": section(default),
        "develop": section(develop),
    });
    serde_json::to_string_pretty(&lock).unwrap()
}

#[test]
fn a_current_pipfile_lock_installs_its_versions_found_by_their_hashes() {
    let sandbox = Sandbox::empty();
    let old = sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "2.0", &[]);
    let tester = sandbox.wheel("tester", "1.0", &[]);
    let pipfile = "[packages]\nalpha = \"*\"\n\n[dev-packages]\ntester = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
    sandbox.write("Pipfile", pipfile);
    sandbox.write(
        "Pipfile.lock",
        &pipfile_lock(pipfile, &[("alpha", &old)], &[("tester", &tester)]),
    );
    let out = pvm_local(&sandbox).arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("from Pipfile.lock"), "{err}");
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    // Another Pipfile: the lock is stale, and the re-lock keeps alpha 1.0.
    sandbox.write(
        "Pipfile",
        &pipfile.replace("tester = \"*\"", "tester = \">=1\""),
    );
    let out = pvm_local(&sandbox).arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("Pipfile.lock is not current (the Pipfile changed"),
        "{err}"
    );
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
}

#[test]
fn a_current_uv_lock_installs_its_versions_per_group_and_extra() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("tester", "1.0", &[]);
    sandbox.wheel("fastx", "1.0", &["leaf"]);
    sandbox.wheel("leaf", "1.0", &[]);
    let wheels = sandbox.wheels().display().to_string();
    let manifest = |deps: &str| {
        format!(
            "[project]\nname = \"app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [{deps}]\n\n[project.optional-dependencies]\nfast = [\"fastx\"]\n\n[dependency-groups]\ndev = [\"tester\"]\n\n[tool.uv]\npackage = false\nno-index = true\nfind-links = [{wheels:?}]\n\n{}",
            local_index(&sandbox)
        )
    };
    sandbox.manifest(&manifest("\"alpha\""));
    uv_lock(&sandbox);
    // A newer alpha came since: the lock's is installed.
    sandbox.wheel("alpha", "1.1", &[]);
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("from uv.lock"), "{err}");
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    sandbox
        .pvm_with_uv()
        .args(["sync", "--extra", "fast", "--locked"])
        .assert()
        .success();
    assert_eq!(
        names(&sandbox),
        ["alpha==1.0", "fastx==1.0", "leaf==1.0", "tester==1.0"]
    );
    assert!(!sandbox.project.join("pylock.toml").exists());
    // The manifest changed: uv's check says so, and the re-lock keeps alpha 1.0.
    sandbox.manifest(&manifest("\"alpha\", \"leaf\""));
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    let err = stderr(out.get_output());
    assert!(err.contains("uv.lock is not current (uv says:"), "{err}");
    let pylock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        pylock.contains("name = \"alpha\"\nversion = \"1.0\""),
        "{pylock}"
    );
}

#[test]
fn init_remove_old_beside_a_pipfile_lock_keeps_its_versions_in_pylock_toml() {
    let sandbox = Sandbox::empty();
    let old = sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("alpha", "2.0", &[]);
    let tester = sandbox.wheel("tester", "1.0", &[]);
    let pipfile = "[packages]\nalpha = \"*\"\n\n[dev-packages]\ntester = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
    sandbox.write("Pipfile", pipfile);
    sandbox.write(
        "Pipfile.lock",
        &pipfile_lock(pipfile, &[("alpha", &old)], &[("tester", &tester)]),
    );
    pvm_local(&sandbox)
        .args(["init", "--remove-old"])
        .assert()
        .success();
    assert!(!sandbox.project.join("Pipfile").exists());
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    let pylock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        pylock.contains("name = \"alpha\"\nversion = \"1.0\""),
        "{pylock}"
    );
}

#[test]
fn init_keeps_the_versions_a_constraints_file_pins_in_the_first_lock() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &["leaf"]);
    for version in ["1.0", "2.0"] {
        sandbox.wheel("leaf", version, &[]);
    }
    sandbox.write("requirements.txt", "-c constraints.txt\nalpha\n");
    sandbox.write("constraints.txt", "leaf==1.0\n");
    let out = pvm_local(&sandbox)
        .args(["init", "--python", "3.11"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("the versions constraints.txt pins are kept in the first lock"),
        "{err}"
    );
    // leaf 2.0 is newer, but pip installed 1.0 under the constraint: so does pvm, from its lock.
    assert_eq!(names(&sandbox), ["alpha==1.0", "leaf==1.0"]);
    let lock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        lock.contains("name = \"leaf\"\nversion = \"1.0\""),
        "{lock}"
    );
    assert!(
        !manifest_text(&sandbox).contains("leaf"),
        "a constraint is no dependency"
    );
}

#[test]
fn init_migrate_takes_a_uv_project_s_lock_over_into_pylock_toml_keeping_its_versions() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.wheel("tester", "1.0", &[]);
    let wheels = sandbox.wheels().display().to_string();
    sandbox.manifest(&format!(
        "[project]\nname = \"app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\"alpha\"]\n\n[dependency-groups]\ndev = [\"tester\"]\n\n[tool.uv]\npackage = false\nno-index = true\nfind-links = [{wheels:?}]\n\n{}",
        local_index(&sandbox)
    ));
    uv_lock(&sandbox);
    // A newer alpha came since: the migrated lock keeps uv.lock's.
    sandbox.wheel("alpha", "2.0", &[]);
    let out = sandbox
        .pvm_with_uv()
        .args(["init", "--migrate"])
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("uv.lock into pylock.toml, keeping its versions"),
        "{err}"
    );
    let pylock = std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap();
    assert!(
        pylock.contains("name = \"alpha\"\nversion = \"1.0\""),
        "{pylock}"
    );
    assert_eq!(names(&sandbox), ["alpha==1.0", "tester==1.0"]);
    // From now on the project's lock is pylock.toml.
    let out = sandbox.pvm_with_uv().arg("sync").assert().success();
    assert!(!stderr(out.get_output()).contains("from uv.lock"));
}

#[test]
fn a_synced_pipfile_project_is_listed_ok() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.write(
        "Pipfile",
        "[packages]\nalpha = \"*\"\n\n[requires]\npython_version = \"3.11\"\n",
    );
    pvm_local(&sandbox).arg("sync").assert().success();
    let out = pvm_local(&sandbox)
        .args(["list", "--json"])
        .assert()
        .success();
    let envs: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(envs[0]["status"], "ok", "{envs:#}");
}
