//! Issue 21, item 3: hints come from one trait over the whole cause chain, so an error keeps
//! its hint whichever command raises it.

use crate::support::*;

/// A path source that points nowhere fails `export`, `tree` and `outdated` with the
/// selection's own hint, as it fails a sync.
#[test]
fn selection_hints_reach_export_tree_and_outdated() {
    let sandbox = Sandbox::project("3.12");
    sandbox.pvm().arg("sync").assert().success();
    sandbox.pvm().arg("lock").assert().success();
    sandbox.manifest(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\"lib\"]\n\n[tool.pvm]\npython = \"3.12\"\n\n[tool.pvm.sources]\nlib = { path = \"missing\" }\n",
    );
    for command in ["export", "tree", "outdated"] {
        let out = sandbox.pvm_with_uv().arg(command).assert().code(1);
        let err = stderr(out.get_output());
        assert!(
            err.contains("error: [tool.pvm.sources] lib: no file or folder `missing`"),
            "{command}: {err}"
        );
        assert!(
            err.contains("hint: the path is relative to the project root: fix it in [tool.pvm.sources], or `pvm drop lib`"),
            "{command}: {err}"
        );
    }
}

/// A selection error with a hint of its own, raised before any env exists.
#[test]
fn unknown_group_names_the_groups_in_export() {
    let sandbox = Sandbox::project("3.12");
    let manifest = std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap();
    sandbox.manifest(&format!(
        "{manifest}\n[dependency-groups]\ndev = []\ntest = []\n"
    ));
    sandbox.pvm().arg("lock").assert().success();
    let out = sandbox
        .pvm()
        .args(["export", "--group", "docs"])
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    assert!(
        err.contains("error: no dependency group `docs` in [dependency-groups]"),
        "{err}"
    );
    assert!(
        err.contains("hint: the project's groups: dev, test"),
        "{err}"
    );
}
