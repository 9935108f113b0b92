//! Bad input gets a specific error that says what and where, exit code 1, never a panic.

use crate::support::*;

fn error_for(manifest: &str, python_version: Option<&str>) -> String {
    let sandbox = Sandbox::empty();
    sandbox.manifest(manifest);
    if let Some(version) = python_version {
        sandbox.write(".python-version", version);
    }
    let out = sandbox.pvm().args(["run", "true"]).assert().code(1);
    let err = stderr(out.get_output());
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(sandbox.envs().is_empty(), "no env for a bad manifest");
    err
}

#[test]
fn each_kind_of_bad_input_gets_its_own_error() {
    let cases: &[(&str, Option<&str>, &[&str])] = &[
        (
            "[project]\nname = \"a\"\nrequires-python = \">=3.x\"\n",
            None,
            &[
                "pyproject.toml:3:19",
                "invalid `requires-python = \">=3.x\"`",
            ],
        ),
        (
            "[project]\nname = \"a\"\nrequires-python = \">=4\"\n",
            None,
            &[
                "no interpreter matches `>=4` (from requires-python)",
                "interpreters found",
            ],
        ),
        (
            "[project]\nname = \"a\"\n",
            Some("2.5.9\n"),
            &["no interpreter matches `2.5.9`", ".python-version"],
        ),
        (
            "[project]\nname = \"a\"\ndependencies = \"requests\"\n",
            None,
            &["pyproject.toml:3:16", "dependencies"],
        ),
        (
            "[project]\nname = \"a\"\n[dependency-groups]\ndev = [\"pytest >>= 1\"]\n",
            None,
            &["pyproject.toml:4:8", "pytest >>= 1"],
        ),
        (
            "[project]\nname = \"a\"\n[tool.pvm]\ninstaller = \"conda\"\n",
            None,
            &["pyproject.toml:4:13", "conda"],
        ),
        (
            "[project]\nname = \"a b c\"\n",
            None,
            &["pyproject.toml:2:8", "invalid project name"],
        ),
        (
            "[project]\nname = \"a\"\n[tool.pvm]\npython = \"cpython-banana\"\n",
            None,
            &["invalid interpreter request", "hint:"],
        ),
    ];
    for (manifest, version, expected) in cases {
        let err = error_for(manifest, *version);
        for needle in *expected {
            assert!(
                err.contains(needle),
                "expected `{needle}` for\n{manifest}\ngot: {err}"
            );
        }
    }
}

#[test]
fn a_broken_script_line_is_an_error_naming_the_script() {
    let sandbox = Sandbox::empty();
    sandbox.manifest("[project]\nname = \"a\"\n[tool.pvm]\npython = \"3.12\"\n[tool.pvm.scripts]\nt = \"echo 'unclosed\"\n");
    fails_with(sandbox.pvm().args(["run", "t"]), "script `t`");
}
