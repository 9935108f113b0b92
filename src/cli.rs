//! The command line, as clap sees it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use crate::complete;

const EXAMPLES: &str = "\
Examples:
  pvm init                      start a project here (or adopt its pyproject.toml) and make its env
  pvm run python app.py         run inside the project's env
  pvm run test                  run the `test` script from [tool.pvm.scripts]
  pvm list                      every env in the store, with status and size
  pvm remove --stale            remove envs whose project folder is gone
  pvm python list               the interpreters pvm can use";

/// Per-project Python environments, kept in one central store.
#[derive(Debug, Parser)]
#[command(name = "pvm", version, about, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The project's folder (default: the nearest folder upward with a pyproject.toml).
    #[arg(long, global = true, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub project: Option<PathBuf>,
    /// Print nothing but errors and what the command itself prints.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// When to use colors (NO_COLOR is obeyed under `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a project (or adopt an existing pyproject.toml) and create its env.
    #[command(
        after_help = "Examples:\n  pvm init\n  pvm init myapp --python 3.12\n  pvm init --package mylib\n  pvm init --no-env"
    )]
    Init(InitArgs),
    /// Run a command (or a [tool.pvm.scripts] entry) inside the project's env.
    #[command(
        after_help = "Examples:\n  pvm run python app.py\n  pvm run --python 3.11 pytest -q\n  pvm run test"
    )]
    Run(RunArgs),
    /// Make the env hold exactly the project's dependencies (and the lock's pins).
    #[command(
        after_help = "Examples:\n  pvm sync\n  pvm sync --group docs --extra postgres\n  pvm sync --no-install-project   # dependencies only\n  pvm sync --locked        # in CI: fail when pylock.toml is stale"
    )]
    Sync(SyncArgs),
    /// Resolve every dependency, for every platform, into pylock.toml (PEP 751).
    #[command(after_help = "Examples:\n  pvm lock\n  pvm lock --upgrade")]
    Lock(LockArgs),
    /// List every env in the store: project, interpreter, status, size, last use.
    #[command(
        visible_alias = "ls",
        after_help = "Statuses: ok; stale (the project folder is gone); outdated (the manifest changed since the last sync); broken (interpreter or metadata missing)"
    )]
    List(ListArgs),
    /// Remove envs: this project's, named ones, stale ones, or all.
    #[command(
        visible_alias = "rm",
        after_help = "Examples:\n  pvm remove\n  pvm remove myapp-1a2b3c4d5e6f7a8b\n  pvm remove --stale --dry-run\n  pvm remove --all --yes"
    )]
    Remove(RemoveArgs),
    /// Show the project, its env and interpreter, and whether the env is in sync.
    Info(InfoArgs),
    /// Start your shell inside the project's env (leave it with `exit`).
    #[command(after_help = "Examples:\n  pvm shell\n  pvm shell --python 3.11")]
    Shell(ShellArgs),
    /// Print what activates the env in your shell: eval "$(pvm activate)".
    #[command(
        after_help = "Examples:\n  eval \"$(pvm activate)\"                 # bash, zsh\n  pvm activate --shell fish | source        # fish"
    )]
    Activate(ActivateArgs),
    /// Find, list and pin interpreters.
    #[command(subcommand)]
    Python(PythonCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  pvm completions bash > ~/.local/share/bash-completion/completions/pvm\n  pvm completions zsh > ~/.zfunc/_pvm"
    )]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project folder (created if missing; default: the current folder).
    #[arg(value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
    /// The project name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Interpreter request, written to .python-version.
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
    /// Do not write .python-version (by default a new project pins the interpreter it chose).
    #[arg(long)]
    pub no_pin: bool,
    /// Write the manifest only; the env is made on the first run.
    #[arg(long)]
    pub no_env: bool,
    /// Make the project a package: a [build-system] (hatchling), `src/<name>/__init__.py` and a
    /// console script, installed editable into the env.
    #[arg(long)]
    pub package: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Interpreter request for this run (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
    /// Use the env as it is: do not install or remove anything first.
    #[arg(long)]
    pub no_sync: bool,
    #[command(flatten)]
    pub lock: LockModeArgs,
    /// The command and its arguments, or a script name.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND",
        add = ArgValueCompleter::new(complete::RunCompleter)
    )]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Reinstall every package, even those already in place.
    #[arg(long)]
    pub reinstall: bool,
    #[command(flatten)]
    pub lock: LockModeArgs,
    /// Interpreter request (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
}

/// Which extras and dependency groups to install besides `[project] dependencies`.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Also install this dependency group (repeatable).
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Install every dependency group.
    #[arg(long)]
    pub all_groups: bool,
    /// Leave out the `dev` group (installed by default).
    #[arg(long)]
    pub no_dev: bool,
    /// Also install this extra (repeatable).
    #[arg(long = "extra", value_name = "EXTRA")]
    pub extras: Vec<String>,
    /// Install every extra.
    #[arg(long)]
    pub all_extras: bool,
    /// Install only the dependencies, not the project itself (for CI images); `pvm run` keeps
    /// this until the next `pvm sync`.
    #[arg(long)]
    pub no_install_project: bool,
}

#[derive(Debug, Args)]
pub struct LockModeArgs {
    /// Fail when pylock.toml is missing or stale instead of re-locking (for CI).
    #[arg(long, conflicts_with = "frozen")]
    pub locked: bool,
    /// Install pylock.toml as it is, without checking it against the manifest.
    #[arg(long)]
    pub frozen: bool,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Take the newest versions allowed instead of keeping the locked ones.
    #[arg(long, short = 'U')]
    pub upgrade: bool,
    /// Interpreter request (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array (schema: schemas/pvm-list.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Project folders or env names (default: the current project's env).
    #[arg(value_name = "PROJECT_DIR|ENV_NAME", add = ArgValueCandidates::new(complete::env_names))]
    pub targets: Vec<String>,
    /// Remove every env whose project folder is gone.
    #[arg(long, conflicts_with = "all")]
    pub stale: bool,
    /// Remove every env in the store.
    #[arg(long)]
    pub all: bool,
    /// Say what would be removed, remove nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Do not ask before `--all`.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print JSON (schema: schemas/pvm-info.schema.json).
    #[arg(long, conflicts_with = "path")]
    pub json: bool,
    /// Print only the env's path.
    #[arg(long)]
    pub path: bool,
    /// Interpreter request to judge the env against.
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PythonCommand {
    /// Every interpreter found: pyenv's, uv's and those on PATH.
    #[command(visible_alias = "ls")]
    List {
        /// Print a JSON array (schema: schemas/pvm-python-list.schema.json).
        #[arg(long)]
        json: bool,
    },
    /// Print the path of the interpreter a request picks.
    #[command(
        after_help = "Examples:\n  pvm python find 3.12\n  pvm python find '>=3.10,<3.13'\n  pvm python find pypy3.10"
    )]
    Find {
        /// A version (3.12), a specifier (>=3.10), an implementation (cpython3.12), a name or a path;
        /// default: the current project's request.
        #[arg(add = ArgValueCandidates::new(complete::python_versions))]
        request: Option<String>,
    },
    /// Write .python-version in the project root (or the current folder).
    Pin {
        /// The version to pin, e.g. 3.12.
        #[arg(add = ArgValueCandidates::new(complete::python_versions))]
        request: String,
    },
}

#[derive(Debug, Args)]
pub struct ShellArgs {
    /// Interpreter request (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
}

#[derive(Debug, Args)]
pub struct ActivateArgs {
    /// The shell to print for (default: from $SHELL).
    #[arg(long, value_enum)]
    pub shell: Option<ShellKind>,
}

/// Shells pvm writes activation for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellKind {
    Bash,
    Zsh,
    Fish,
    Csh,
    Nu,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    Cli::command()
}
