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

/// `pvm list` keeps each env's status beside it (`.pvm-status`) and trusts it only while
/// nothing it was judged from changed: every input changed after a kept `ok` shows at the very
/// next list.
#[test]
fn a_kept_status_follows_every_input_at_the_next_list() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    let projects = [
        "manifest",
        "lock",
        "python-version",
        "interpreter",
        "added-dist-info",
        "removed-dist-info",
        "foreign-lock",
        "untouched",
    ];
    let dir = |name: &str| sandbox.root.join("projects").join(name);
    // A copy of the interpreter (it runs on its build's standard library) for the env whose
    // interpreter is touched: the machine's own stays as it is.
    let copy = sandbox.root.join("python-copy/python3.12");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(pyenv_python("3.12").join("bin/python3.12"), &copy).unwrap();
    for name in projects {
        if name == "foreign-lock" {
            // No pylock.toml: uv's lock is the project's.
            std::fs::create_dir_all(dir(name)).unwrap();
            std::fs::write(
                dir(name).join("pyproject.toml"),
                "[project]\nname = \"foreign\"\nversion = \"0.1.0\"\ndependencies = []\n[tool.pvm]\npython = \"3.12\"\nseed-pip = false\n",
            )
            .unwrap();
            std::fs::write(dir(name).join("uv.lock"), "version = 1\n").unwrap();
            sandbox.pvm_in(&dir(name)).arg("sync").assert().success();
            continue;
        }
        let python = match name {
            "interpreter" => copy.to_str().unwrap(),
            _ => "3.12",
        };
        std::fs::create_dir_all(dir(name)).unwrap();
        std::fs::write(
            dir(name).join("pyproject.toml"),
            format!(
                "[project]\nname = \"{name}\"\nversion = \"0.1.0\"\ndependencies = [\"alpha\"]\n\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"uv\"\nseed-pip = false\nno-index = true\nfind-links = [{:?}]\n",
                sandbox.wheels().display().to_string()
            ),
        )
        .unwrap();
        sandbox
            .pvm_in(&dir(name))
            .env("PVM_UV", test_uv())
            .arg("sync")
            .assert()
            .success();
    }
    let env_of = |name: &str| -> std::path::PathBuf {
        let project = dir(name);
        sandbox
            .envs()
            .into_iter()
            .map(|env| sandbox.envs_dir().join(env))
            .find(|env| metadata(env)["project"].as_str() == Some(project.to_str().unwrap()))
            .unwrap()
    };
    let site_packages = |name: &str| {
        let lib = env_of(name).join("lib");
        let python = std::fs::read_dir(&lib).unwrap().next().unwrap().unwrap();
        python.path().join("site-packages")
    };
    assert_eq!(
        metadata(&env_of("interpreter"))["python"]["facts"]["base_executable"],
        copy.to_str().unwrap()
    );
    // One env holds a package twice: broken, until one of them goes.
    std::fs::create_dir(site_packages("removed-dist-info").join("alpha-0.9.dist-info")).unwrap();

    let statuses =
        |command: &mut assert_cmd::Command| -> std::collections::HashMap<String, String> {
            let out = command.args(["list", "--json"]).assert().success();
            let envs: Vec<serde_json::Value> =
                serde_json::from_slice(&out.get_output().stdout).unwrap();
            envs.iter()
                .map(|env| {
                    let project = std::path::Path::new(env["project"].as_str().unwrap());
                    let name = project.file_name().unwrap().to_string_lossy().into_owned();
                    (name, env["status"].as_str().unwrap().to_string())
                })
                .collect()
        };
    let expect = |statuses: &std::collections::HashMap<String, String>,
                  changed: &[(&str, &str)]| {
        for name in projects {
            let want = changed
                .iter()
                .find(|(changed, _)| *changed == name)
                .map_or("ok", |(_, status)| *status);
            assert_eq!(statuses[name], want, "{name}: {statuses:?}");
        }
    };
    // Files changed in the last second are not trusted to their stamps: let them settle, so
    // that this list keeps every verdict.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    expect(
        &statuses(&mut sandbox.pvm_in(&sandbox.root)),
        &[("removed-dist-info", "broken")],
    );
    for name in projects {
        assert!(
            env_of(name).join(".pvm-status").is_file(),
            "{name}: no kept status"
        );
    }
    // Trusted as it is: not written again.
    let kept = env_of("untouched").join(".pvm-status");
    let written = std::fs::metadata(&kept).unwrap().modified().unwrap();
    expect(
        &statuses(&mut sandbox.pvm_in(&sandbox.root)),
        &[("removed-dist-info", "broken")],
    );
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        written
    );

    // Each input changed, then one list.
    let manifest = dir("manifest").join("pyproject.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("[\"alpha\"]", "[\"alpha>=1\"]")).unwrap();
    let lock = dir("lock").join("pylock.toml");
    let mut text = std::fs::read_to_string(&lock).unwrap();
    text.push_str("# edited\n");
    std::fs::write(&lock, text).unwrap();
    std::fs::write(dir("python-version").join(".python-version"), "3.11\n").unwrap();
    let uv_lock = dir("foreign-lock").join("uv.lock");
    let mut text = std::fs::read_to_string(&uv_lock).unwrap();
    text.push_str("# edited\n");
    std::fs::write(&uv_lock, text).unwrap();
    let file = std::fs::File::options().append(true).open(&copy).unwrap();
    file.set_modified(std::time::SystemTime::now()).unwrap();
    std::fs::create_dir(site_packages("added-dist-info").join("alpha-0.9.dist-info")).unwrap();
    std::fs::remove_dir(site_packages("removed-dist-info").join("alpha-0.9.dist-info")).unwrap();
    expect(
        &statuses(&mut sandbox.pvm_in(&sandbox.root)),
        &[
            ("manifest", "outdated"),
            ("lock", "outdated"),
            ("python-version", "outdated"),
            ("interpreter", "outdated"),
            ("added-dist-info", "broken"),
            ("foreign-lock", "outdated"),
        ],
    );
    // A package source set in the environment changes what every env is synced to.
    let mut with_index = sandbox.pvm_in(&sandbox.root);
    with_index.env("PVM_INDEX_URL", "http://127.0.0.1:9/simple");
    let with = statuses(&mut with_index);
    assert_eq!(with["untouched"], "outdated", "{with:?}");
    assert_eq!(with["removed-dist-info"], "outdated", "{with:?}");
    assert_eq!(
        statuses(&mut sandbox.pvm_in(&sandbox.root))["untouched"],
        "ok"
    );
}

/// A project `name` under the sandbox's `projects/` (3.12, no pip), synced: its folder.
fn synced_project(sandbox: &Sandbox, name: &str) -> std::path::PathBuf {
    let dir = sandbox.root.join("projects").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        format!("[project]\nname = \"{name}\"\n[tool.pvm]\npython = \"3.12\"\nseed-pip = false\n"),
    )
    .unwrap();
    sandbox.pvm_in(&dir).arg("sync").assert().success();
    dir
}

/// Env names complete from a kept index of the store while its `envs` folder is unchanged: an
/// env made or removed shows at the very next Tab, with its project as help.
#[test]
fn env_names_complete_from_a_kept_index_that_follows_the_store() {
    let sandbox = Sandbox::empty();
    let make = |name: &str| synced_project(&sandbox, name);
    // Fish shows each candidate's help after a tab.
    let complete = || -> Vec<String> {
        let out = sandbox
            .pvm_in(&sandbox.root)
            .env("PVM_COMPLETE", "fish")
            .args(["--", "pvm", "remove", ""])
            .assert()
            .success();
        let mut lines: Vec<String> = stdout(out.get_output())
            .lines()
            .filter(|line| !line.starts_with('-'))
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    let first = make("first");
    let env_of = |dir: &std::path::Path| {
        sandbox
            .envs()
            .into_iter()
            .find(|env| metadata(&sandbox.envs_dir().join(env))["project"].as_str() == dir.to_str())
            .unwrap()
    };
    let first_env = env_of(&first);
    // Settled, so that the index is kept.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let want_first = format!("{first_env}\t{}", first.display());
    assert_eq!(complete(), std::slice::from_ref(&want_first));
    assert!(sandbox.home.join(".env-projects").is_file());
    assert_eq!(complete(), std::slice::from_ref(&want_first));

    let second = make("second");
    let want_second = format!("{}\t{}", env_of(&second), second.display());
    let mut both = vec![want_first, want_second.clone()];
    both.sort();
    assert_eq!(complete(), both);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(complete(), both);
    sandbox
        .pvm_in(&sandbox.root)
        .args(["remove", &first_env])
        .assert()
        .success();
    assert_eq!(complete(), [want_second]);
}

/// A warm `pvm list` answers from one index of the store (`.env-list`) while each env's stamps
/// hold: what a run, a file added to an env, a sync, a removed env or a damaged index changes
/// shows at the very next list, sizes and total included.
#[test]
fn the_store_index_follows_runs_sizes_syncs_and_removals() {
    let sandbox = Sandbox::empty();
    let make = |name: &str| synced_project(&sandbox, name);
    let first = make("first");
    let second = make("second");
    let list = || -> std::collections::HashMap<String, serde_json::Value> {
        let out = sandbox
            .pvm_in(&sandbox.root)
            .args(["list", "--json"])
            .assert()
            .success();
        let envs: Vec<serde_json::Value> =
            serde_json::from_slice(&out.get_output().stdout).unwrap();
        envs.into_iter()
            .map(|env| {
                let project = std::path::Path::new(env["project"].as_str().unwrap());
                (
                    project.file_name().unwrap().to_string_lossy().into_owned(),
                    env,
                )
            })
            .collect()
    };
    let total = || -> String {
        let table = stdout(
            sandbox
                .pvm_in(&sandbox.root)
                .arg("list")
                .assert()
                .success()
                .get_output(),
        );
        table
            .lines()
            .last()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Settled, so that everything is kept.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let before = list();
    let index = sandbox.home.join(".env-list");
    assert!(index.is_file(), "no index of the store");
    assert_eq!(list(), before);
    let total_before = total();
    assert!(total_before.starts_with("total (2 envs)"), "{total_before}");

    // A run is a use.
    sandbox
        .pvm_in(&first)
        .args(["run", "python", "-c", "pass"])
        .assert()
        .success();
    let after_run = list();
    assert_ne!(
        after_run["first"]["last_used"],
        before["first"]["last_used"]
    );
    assert_eq!(after_run["second"], before["second"]);

    // A file added to an env is its own.
    let env = std::path::PathBuf::from(before["first"]["path"].as_str().unwrap());
    let lib = env.join("lib");
    let python = std::fs::read_dir(&lib).unwrap().next().unwrap().unwrap();
    std::fs::write(
        python.path().join("site-packages/extra.py"),
        vec![b'#'; 10_000],
    )
    .unwrap();
    let grown = list();
    assert_eq!(
        grown["first"]["own_bytes"].as_u64().unwrap(),
        before["first"]["own_bytes"].as_u64().unwrap() + 10_000
    );
    assert_ne!(total(), total_before);

    // A sync under another interpreter rewrites the metadata: the list shows it.
    std::fs::write(
        second.join("pyproject.toml"),
        "[project]\nname = \"second\"\n[tool.pvm]\npython = \"3.11\"\nseed-pip = false\n",
    )
    .unwrap();
    sandbox.pvm_in(&second).arg("sync").assert().success();
    let resynced = list();
    assert!(
        resynced["second"]["python"]
            .as_str()
            .unwrap()
            .starts_with("3.11."),
        "{resynced:?}"
    );
    assert_eq!(resynced["second"]["status"], "ok");

    // A removed env goes from the list and from its total.
    sandbox
        .pvm_in(&sandbox.root)
        .args(["remove", resynced["second"]["name"].as_str().unwrap()])
        .assert()
        .success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let one = list();
    assert_eq!(one.len(), 1);
    assert!(total().starts_with("total (1 env)"));
    assert_eq!(list(), one);

    // A damaged index is not believed.
    std::fs::write(&index, "pvm-env-list 1 garbage\n= x\n").unwrap();
    assert_eq!(list(), one);
    assert!(
        std::fs::read_to_string(&index)
            .unwrap()
            .starts_with("pvm-env-list 1 ")
    );
    assert_eq!(list(), one);
}
