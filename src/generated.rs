//! Files generated from the code and committed: shell completions and JSON Schemas. A test
//! compares the committed copies with these and fails when they are stale.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: its path in the repository and its content.
pub fn files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for shell in SHELLS {
        files.push((
            format!("completions/{}", completion_file(shell)),
            completions(shell),
        ));
    }
    for (name, schema) in schemas() {
        files.push((format!("schemas/{name}"), schema));
    }
    for (name, page) in man_pages() {
        files.push((format!("man/{name}"), page));
    }
    files
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

pub fn completion_file(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "pvm.bash",
        Shell::Zsh => "_pvm",
        Shell::Fish => "pvm.fish",
        Shell::PowerShell => "_pvm.ps1",
        Shell::Elvish => "pvm.elv",
        _ => "pvm",
    }
}

/// The variable that asks `pvm` for completions instead of running a command.
pub const COMPLETE_VAR: &str = "PVM_COMPLETE";

/// The completion script for `shell`: it registers `pvm` with the shell and asks `pvm` itself,
/// at each Tab, what fits (so env names, scripts and interpreters are live values).
pub fn completions(shell: Shell) -> String {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        _ => &Elvish,
    };
    let mut out = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "pvm", "pvm", "pvm", &mut out)
        .expect("writing to memory");
    String::from_utf8(out).expect("completions are UTF-8")
}

/// The man pages, from the same CLI definition: `pvm.1` and one page per subcommand
/// (`pvm-init.1`, `pvm-python-find.1`…), so that every page named under SUBCOMMANDS exists.
/// Each page's examples are kept verbatim (`.nf`), not reflowed.
pub fn man_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    collect_pages(Cli::command(), "pvm".to_string(), &mut pages);
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
pub fn schemas() -> Vec<(&'static str, String)> {
    let render = |schema: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
        text.push('\n');
        text
    };
    vec![
        (
            "pvm.schema.json",
            render(schemars::schema_for!(crate::project::Settings)),
        ),
        (
            "pylock.schema.json",
            render(schemars::schema_for!(crate::lock::pylock::PyLock)),
        ),
        (
            "pvm-outdated.schema.json",
            render(schemars::schema_for!(Vec<crate::site::outdated::Outdated>)),
        ),
        (
            "pvm-tree.schema.json",
            render(schemars::schema_for!(Vec<crate::site::tree::TreeNode>)),
        ),
        (
            "pvm-list.schema.json",
            render(schemars::schema_for!(Vec<crate::listing::EnvSummary>)),
        ),
        (
            "pvm-python-list.schema.json",
            render(schemars::schema_for!(
                Vec<crate::python::InterpreterSummary>
            )),
        ),
        (
            "pvm-info.schema.json",
            render(schemars::schema_for!(crate::environment::ProjectInfo)),
        ),
    ]
}
