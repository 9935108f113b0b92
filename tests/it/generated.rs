//! The committed completions and schemas are what the code generates. Regenerate them with
//! `PVM_UPDATE_GENERATED=1 cargo test generated`.

use std::path::Path;

#[test]
fn committed_generated_files_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("PVM_UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, content) in files() {
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
    let generated: Vec<String> = files()
        .into_iter()
        .filter_map(|(path, _)| path.strip_prefix("man/").map(String::from))
        .collect();
    for page in &pages {
        assert!(generated.contains(page), "man/{page} is not generated");
    }
}

/// Every generated file: the completions (which the binary prints too), the JSON Schemas and the
/// man pages, with their paths in the repository. Schemas and man pages are made here only, so
/// that `schemars` and `clap_mangen` stay out of the shipped binary.
fn files() -> Vec<(String, String)> {
    let mut files = pvm::generated::files();
    for (name, schema) in schemas() {
        files.push((format!("schemas/{name}"), schema));
    }
    for (name, page) in man_pages() {
        files.push((format!("man/{name}"), page));
    }
    files
}

/// The man pages, from the same CLI definition: `pvm.1` and one page per subcommand
/// (`pvm-init.1`, `pvm-python-find.1`…), so that every page named under SUBCOMMANDS exists.
/// Each page's examples are kept verbatim (`.nf`), not reflowed.
fn man_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    collect_pages(pvm::cli::command(), "pvm".to_string(), &mut pages);
    pages
}

fn collect_pages(command: clap::Command, name: String, pages: &mut Vec<(String, String)>) {
    // clap names are static; a generator runs once, so the few page names may live forever.
    let static_name: &'static str = Box::leak(name.clone().into_boxed_str());
    // `pvm help` is clap's, with no page of its own.
    let command = command
        .name(static_name)
        .bin_name(name.replace('-', " "))
        .disable_help_subcommand(true);
    let examples = command.get_after_help().map(|text| text.to_string());
    let command = command.after_help(None::<&str>);
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out).expect("writing to memory");
    man.render_name_section(&mut out)
        .expect("writing to memory");
    man.render_synopsis_section(&mut out)
        .expect("writing to memory");
    man.render_description_section(&mut out)
        .expect("writing to memory");
    man.render_options_section(&mut out)
        .expect("writing to memory");
    if command.has_subcommands() {
        man.render_subcommands_section(&mut out)
            .expect("writing to memory");
    }
    let mut page = String::from_utf8(out).expect("the man page is UTF-8");
    if let Some(text) = examples {
        let (title, body) = match text.strip_prefix("Examples:\n") {
            Some(body) => ("EXAMPLES", body),
            None => ("NOTES", text.as_str()),
        };
        page.push_str(&format!(".SH {title}\n.nf\n"));
        for line in body.lines() {
            page.push_str(&roff_line(line));
            page.push('\n');
        }
        page.push_str(".fi\n");
    }
    pages.push((format!("{name}.1"), page));
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        collect_pages(sub.clone(), format!("{name}-{}", sub.get_name()), pages);
    }
}

/// One line of text as roff prints it verbatim: backslashes, leading dots and quotes escaped.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The JSON Schemas, by file name.
fn schemas() -> Vec<(&'static str, String)> {
    let render = |schema: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
        text.push('\n');
        text
    };
    vec![
        (
            "pvm.schema.json",
            render(schemars::schema_for!(pvm::project::Settings)),
        ),
        (
            "pylock.schema.json",
            render(schemars::schema_for!(pvm::lock::pylock::PyLock)),
        ),
        (
            "pvm-outdated.schema.json",
            render(schemars::schema_for!(Vec<pvm::site::outdated::Outdated>)),
        ),
        (
            "pvm-tree.schema.json",
            render(schemars::schema_for!(Vec<pvm::site::tree::TreeNode>)),
        ),
        (
            "pvm-list.schema.json",
            render(schemars::schema_for!(Vec<pvm::listing::EnvSummary>)),
        ),
        (
            "pvm-cache-size.schema.json",
            render(schemars::schema_for!(pvm::cache::CacheSize)),
        ),
        (
            "pvm-python-list.schema.json",
            render(schemars::schema_for!(Vec<pvm::python::InterpreterSummary>)),
        ),
        (
            "pvm-info.schema.json",
            render(schemars::schema_for!(pvm::environment::ProjectInfo)),
        ),
    ]
}
