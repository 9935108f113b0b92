//! Imports point down the layers of DESIGN.md's "Layout of the code": a module may use the
//! modules listed below it, never one above. Read from the sources' `crate::` paths.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, top first. A module not listed (`pep`, `fsutil`, `http`, …) is a helper that
/// any layer may use; it is not checked here, nor is `cli`, the argument types the commands
/// read. `config` is such a leaf too: the snapshot of the environment read once at the start,
/// which every layer reads its variables from and which itself uses no other module.
const LAYERS: &[&str] = &[
    "main",
    "commands",
    "edit",
    "environment",
    "install",
    "lock_policy",
    "lock",
    "build",
    "site",
    "installer",
    "store",
    "venv",
    "python",
    "project",
    // What differs by OS imports nothing of pvm's: every layer may ask it.
    "platform",
];

/// What only the commands (and the binary above them) may use.
const COMMANDS_ONLY: &[&str] = &["commands", "ui"];

/// The top-level module a source file belongs to: `src/lock/pylock.rs` → `lock`.
fn module_of(file: &Path, src: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_string()
}

fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The top-level modules a source names by `crate::…`, comments left out.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Every arrow up: `file uses module`, with the rule it breaks.
fn arrows_up(src: &Path) -> Vec<String> {
    let rank = |module: &str| LAYERS.iter().position(|layer| *layer == module);
    let mut files = Vec::new();
    sources(src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in files {
        let module = module_of(&file, src);
        // The crate root declares the modules; what it still holds (the hint list) is item 3
        // of issue 21's to move.
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for used in uses(&text) {
            if used == module {
                continue;
            }
            let shown = file.strip_prefix(src).unwrap().display();
            if COMMANDS_ONLY.contains(&used.as_str())
                && !["main", "cli", "commands", "ui"].contains(&module.as_str())
            {
                wrong.push(format!(
                    "src/{shown} uses {used}, which only commands may use"
                ));
                continue;
            }
            if let (Some(own), Some(other)) = (rank(&module), rank(&used))
                && other < own
            {
                wrong.push(format!(
                    "src/{shown} ({module}) uses {used}, which is above it"
                ));
            }
        }
    }
    wrong
}

#[test]
fn imports_point_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let wrong = arrows_up(&src);
    assert!(wrong.is_empty(), "arrows up:\n{}", wrong.join("\n"));
}

/// The most of src/'s lines one top-level module (a folder or a file under src/) may hold.
const MOST_PERCENT: usize = 15;

/// Every top-level module holding more than [`MOST_PERCENT`] of src/'s lines, with its share.
fn too_large(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let mut lines = std::collections::BTreeMap::<String, usize>::new();
    for file in &files {
        let count = std::fs::read_to_string(file).unwrap().lines().count();
        *lines.entry(module_of(file, src)).or_default() += count;
    }
    let total: usize = lines.values().sum();
    lines
        .into_iter()
        .filter(|(_, count)| count * 100 > total * MOST_PERCENT)
        .map(|(module, count)| {
            format!(
                "{module}: {count} of {total} lines ({:.1}%)",
                count as f64 * 100.0 / total as f64
            )
        })
        .collect()
}

#[test]
fn no_module_holds_more_than_fifteen_percent_of_the_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let large = too_large(&src);
    assert!(
        large.is_empty(),
        "over {MOST_PERCENT}% of src/: split them by job\n{}",
        large.join("\n")
    );
}

#[test]
fn a_module_over_fifteen_percent_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("big")).unwrap();
    let write = |file: &str, lines: usize| {
        std::fs::write(src.join(file), "fn f() {}\n".repeat(lines)).unwrap();
    };
    // 16 lines of 100 in one folder, 14 in each of six files.
    write("big/mod.rs", 16);
    for name in ["a", "b", "c", "d", "e", "f"] {
        write(&format!("{name}.rs"), 14);
    }
    assert_eq!(too_large(src), ["big: 16 of 100 lines (16.0%)"]);
    // 15 of 100 is the most allowed.
    write("big/mod.rs", 15);
    write("f.rs", 15);
    assert!(too_large(src).is_empty());
}

#[test]
fn an_arrow_up_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("site")).unwrap();
    std::fs::write(
        src.join("site/mod.rs"),
        "// crate::install in a comment is no use\nuse crate::installer::Backend;\nuse crate::install::InstallError;\n",
    )
    .unwrap();
    std::fs::write(src.join("store.rs"), "fn f() { crate::ui::say(); }\n").unwrap();
    let wrong = arrows_up(src);
    assert_eq!(
        wrong,
        [
            "src/site/mod.rs (site) uses install, which is above it",
            "src/store.rs uses ui, which only commands may use",
        ]
    );
}
