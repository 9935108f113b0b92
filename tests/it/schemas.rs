//! Real output, validated against the committed schemas.

use std::path::Path;

use crate::support::*;

fn validate(schema_file: &str, instance: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema_file);
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = format!("file://{}", path.display());
    compiler.add_resource(&url, schema).unwrap();
    let index = compiler
        .compile(&url, &mut schemas)
        .unwrap_or_else(|err| panic!("{schema_file}: {err}"));
    if let Err(err) = schemas.validate(instance, index) {
        panic!("{schema_file} rejects {instance:#}:\n{err:#}");
    }
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_output_and_lock_match_their_schemas() {
    let sandbox = Sandbox::empty();
    sandbox.wheel("alpha", "1.0", &[]);
    sandbox.deps_project("3.12", "pip", &["alpha"], "");
    sandbox.pvm().arg("lock").assert().success();
    sandbox.pvm().args(["run", "true"]).assert().success();

    let list = json(
        sandbox
            .pvm()
            .args(["list", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    validate("pvm-list.schema.json", &list);
    let cache = json(
        sandbox
            .pvm()
            .args(["cache", "size", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    validate("pvm-cache-size.schema.json", &cache);
    let info = json(
        sandbox
            .pvm()
            .args(["info", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    validate("pvm-info.schema.json", &info);
    let tree = json(
        sandbox
            .pvm()
            .args(["tree", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    assert_eq!(tree[0]["name"], "alpha");
    validate("pvm-tree.schema.json", &tree);
    let pythons = json(
        sandbox
            .pvm()
            .args(["python", "list", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    validate("pvm-python-list.schema.json", &pythons);

    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(sandbox.project.join("pylock.toml")).unwrap())
            .unwrap();
    validate("pylock.schema.json", &serde_json::to_value(&lock).unwrap());

    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(sandbox.project.join("pyproject.toml")).unwrap())
            .unwrap();
    validate(
        "pvm.schema.json",
        &serde_json::to_value(&manifest["tool"]["pvm"]).unwrap(),
    );
}

#[test]
fn the_settings_schema_rejects_what_pvm_rejects() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/pvm.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("file:///pvm.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("file:///pvm.schema.json", &mut schemas)
        .unwrap();
    let bad = serde_json::json!({"pyhton": "3.12"});
    assert!(schemas.validate(&bad, index).is_err());
    let bad = serde_json::json!({"installer": "conda"});
    assert!(schemas.validate(&bad, index).is_err());
}

#[test]
fn narrow_terminals_get_records_instead_of_a_table() {
    let sandbox = Sandbox::project("3.12");
    sandbox.pvm().args(["run", "true"]).assert().success();
    let wide = stdout(
        sandbox
            .pvm()
            .env("COLUMNS", "300")
            .arg("list")
            .assert()
            .success()
            .get_output(),
    );
    assert!(wide.starts_with("NAME "), "{wide}");
    let narrow = stdout(
        sandbox
            .pvm()
            .env("COLUMNS", "40")
            .arg("list")
            .assert()
            .success()
            .get_output(),
    );
    assert!(
        narrow
            .lines()
            .any(|l| l.trim_start().starts_with("PROJECT: ")),
        "{narrow}"
    );
    assert!(
        narrow
            .lines()
            .all(|l| l.chars().count() <= 40 || l.contains('/')),
        "{narrow}"
    );
    let colored = stdout(
        sandbox
            .pvm()
            .env_remove("NO_COLOR")
            .args(["--color", "always", "list", "--json"])
            .assert()
            .success()
            .get_output(),
    );
    assert!(!colored.contains('\u{1b}'), "--json is never colored");
}
