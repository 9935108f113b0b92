use crate::support::*;

fn list_json(sandbox: &Sandbox) -> Vec<serde_json::Value> {
    let out = sandbox.pvm().args(["list", "--json"]).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn status_of(sandbox: &Sandbox, project: &std::path::Path) -> String {
    list_json(sandbox)
        .into_iter()
        .find(|env| env["project"].as_str() == Some(project.to_str().unwrap()))
        .map(|env| env["status"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no env for {}", project.display()))
}

#[test]
fn list_shows_every_env_with_its_details() {
    let sandbox = Sandbox::project("3.12");
    assert!(list_json(&sandbox).is_empty());
    sandbox.python("pass");
    let envs = list_json(&sandbox);
    assert_eq!(envs.len(), 1);
    let env = &envs[0];
    for key in [
        "name",
        "path",
        "project",
        "python",
        "status",
        "size_bytes",
        "last_used",
    ] {
        assert!(env.get(key).is_some(), "missing {key} in {env}");
    }
    assert_eq!(env["status"], "ok");
    assert!(env["python"].as_str().unwrap().starts_with("3.12."));
    assert!(env["size_bytes"].as_u64().unwrap() > 0);
    assert!(env["last_used"].is_string());
    let table = stdout(sandbox.pvm().arg("list").assert().success().get_output());
    assert!(table.starts_with("NAME"), "{table}");
    assert!(
        table.contains(env["name"].as_str().unwrap()) && table.contains(" ok "),
        "{table}"
    );
}

#[test]
fn list_tells_outdated_stale_and_broken_apart() {
    let outdated = Sandbox::project("3.12");
    outdated.python("pass");
    outdated.manifest("[project]\nname = \"demo\"\ndependencies = [\"requests\"]\n\n[tool.pvm]\npython = \"3.12\"\n");
    assert_eq!(status_of(&outdated, &outdated.project), "outdated");

    let stale = Sandbox::project("3.12");
    stale.python("pass");
    std::fs::remove_dir_all(&stale.project).unwrap();
    std::fs::create_dir(&stale.project).unwrap(); // a listing must not need the cwd to be a project
    let project = stale.project.clone();
    std::fs::remove_dir_all(&project).unwrap();
    let out = stale
        .pvm_in(&stale.root)
        .args(["list", "--json"])
        .assert()
        .success();
    let envs: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(envs[0]["status"], "stale");

    // A folder without its manifest (a checkout in progress) is not stale: --stale keeps it.
    let half = Sandbox::project("3.12");
    half.python("pass");
    std::fs::remove_file(half.project.join("pyproject.toml")).unwrap();
    let out = half
        .pvm_in(&half.root)
        .args(["list", "--json"])
        .assert()
        .success();
    let envs: Vec<serde_json::Value> = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(envs[0]["status"], "outdated");
    half.pvm_in(&half.root)
        .args(["remove", "--stale"])
        .assert()
        .success();
    assert_eq!(half.envs().len(), 1);

    let broken = Sandbox::project("3.12");
    broken.python("pass");
    let env = broken.only_env();
    let mut meta = metadata(&env);
    meta["python"]["facts"]["base_executable"] = "/nonexistent/python3".into();
    std::fs::write(env.join("pvm-env.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    assert_eq!(status_of(&broken, &broken.project), "broken");
    std::fs::remove_file(env.join("pvm-env.json")).unwrap();
    let envs = list_json(&broken);
    assert_eq!(envs[0]["status"], "broken");
    // The next run heals it.
    broken.python("pass");
    assert_eq!(status_of(&broken, &broken.project), "ok");
}
