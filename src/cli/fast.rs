//! `pvm run …` parsed with only `run` built.
//!
//! clap builds every subcommand's arguments before it parses: for a warm `pvm run true` that
//! is about a third of the instructions pvm itself executes (`valgrind --tool=callgrind`:
//! some 270,000 of 750,000), for a command that then parses one subcommand. `run` is the
//! command whose start users feel on every call, so it gets a parser of its own: the global
//! options and `run`'s, nothing else. Whatever it does not accept as it is (help, `--version`,
//! any usage error, another subcommand) gives `None`, and `main` parses again with the whole
//! command line, so what a user sees never depends on this path; the tests below check that
//! both parsers agree. Global options may come before `run` (`pvm --project ../app run
//! pytest`, as editors and scripts call it).

use std::ffi::{OsStr, OsString};

use clap::{Args, FromArgMatches};

use super::{Cli, GlobalArgs, RunArgs};

/// The command line, when it is `pvm [global options] run …` and valid as it is.
pub fn parse_run(args: &[OsString]) -> Option<Cli> {
    // A line without `run` is another command; one with `run` elsewhere than as the
    // subcommand (`pvm add run`) fails this parser and goes to the whole one.
    if !args
        .iter()
        .skip(1)
        .any(|arg| arg.as_os_str() == OsStr::new("run"))
    {
        return None;
    }
    let run = RunArgs::augment_args(clap::Command::new("run"));
    let mut command = GlobalArgs::augment_args(clap::Command::new("pvm")).subcommand(run);
    let parsed = command
        .try_get_matches_from_mut(args)
        .ok()
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches).ok());
    // As main does with the whole command: nothing of it is needed after the parse.
    std::mem::forget(command);
    parsed
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    fn full(args: &[OsString]) -> Option<Cli> {
        let mut matches = Cli::command().try_get_matches_from(args).ok()?;
        Cli::from_arg_matches_mut(&mut matches).ok()
    }

    #[test]
    fn run_lines_parse_as_the_whole_command_parses_them() {
        for line in [
            "pvm run true",
            "pvm run python -c pass",
            "pvm run pytest -q --help",
            "pvm run -q --color never pytest -x",
            "pvm run --project /tmp/p --python 3.12 --no-sync app.py a b",
            "pvm run --with rich --with httpx>=0.27 python -c x",
            "pvm run --locked pytest",
            "pvm run --frozen -- --weird-command --flag",
            "pvm run python --quiet",
            "pvm --quiet run true",
            "pvm --project /tmp/p run pytest",
            "pvm --project run run true",
            "pvm -q --color never --project /tmp/p run --python 3.12 app.py",
        ] {
            let argv = args(line);
            let fast = parse_run(&argv).unwrap_or_else(|| panic!("`{line}` not parsed"));
            assert_eq!(
                format!("{fast:?}"),
                format!("{:?}", full(&argv).unwrap()),
                "{line}"
            );
        }
    }

    #[test]
    fn everything_else_goes_to_the_whole_command() {
        for line in [
            "pvm run",
            "pvm run --help",
            "pvm run -h",
            "pvm run --version",
            "pvm run --pyhton 3.12 pytest",
            "pvm run --frozen --locked pytest",
            "pvm add run",
            "pvm --project run lock",
            "pvm --project /tmp/p sync run",
            "pvm --bogus run true",
            "pvm sync",
            "pvm",
        ] {
            assert!(parse_run(&args(line)).is_none(), "`{line}` parsed");
        }
    }
}
