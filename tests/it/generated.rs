//! The committed completions and schemas are what the code generates. Regenerate them with
//! `PVM_UPDATE_GENERATED=1 cargo test generated`.

use std::path::Path;

#[test]
fn committed_generated_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("PVM_UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, content) in pvm::generated::files() {
        let file = root.join(&path);
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &content).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(content.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `PVM_UPDATE_GENERATED=1 cargo test generated`"
    );
}

#[test]
fn the_binary_prints_the_committed_completions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = assert_cmd::Command::cargo_bin("pvm")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success();
        let printed = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let shell: clap_complete::Shell = shell.parse().unwrap();
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(pvm::generated::completion_file(shell));
        assert_eq!(
            printed,
            std::fs::read_to_string(&file).unwrap(),
            "{}",
            file.display()
        );
    }
}
