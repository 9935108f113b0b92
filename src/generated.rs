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
    files.push(("man/pvm.1".to_string(), man_page()));
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

/// The man page, from the same CLI definition.
pub fn man_page() -> String {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .expect("writing to memory");
    String::from_utf8(out).expect("the man page is UTF-8")
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
            render(schemars::schema_for!(crate::install::pylock::PyLock)),
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
