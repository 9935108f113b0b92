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

#[test]
fn every_man_page_referred_to_exists_and_examples_are_verbatim() {
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let pages: Vec<String> = std::fs::read_dir(&man)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in &pages {
        let text = std::fs::read_to_string(man.join(page)).unwrap();
        // Every `pvm\-x(1)` named in a page is a page of its own.
        for reference in text.split("pvm\\-").skip(1) {
            let Some(name) = reference.split("(1)").next().filter(|n| !n.contains(' ')) else {
                continue;
            };
            if reference.contains("(1)") && !name.contains('\n') {
                let file = format!("pvm-{}.1", name.replace("\\-", "-"));
                assert!(
                    pages.contains(&file),
                    "{page} refers to {file}, which is missing"
                );
            }
        }
    }
    let init = std::fs::read_to_string(man.join("pvm-init.1")).unwrap();
    assert!(
        init.contains(".SH EXAMPLES\n.nf\n  pvm init\n  pvm init myapp \\-\\-python 3.12\n"),
        "{init}"
    );
    // No page is left over from a command that is gone.
    let generated: Vec<String> = pvm::generated::files()
        .into_iter()
        .filter_map(|(path, _)| path.strip_prefix("man/").map(String::from))
        .collect();
    for page in &pages {
        assert!(generated.contains(page), "man/{page} is not generated");
    }
}
