//! The command line, as clap sees it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use crate::complete;

mod fast;

pub use fast::parse_run;

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
        after_help = "Examples:\n  pvm init\n  pvm init myapp --python 3.12\n  pvm init --package mylib\n  pvm init --script report.py --python 3.12\n  pvm init --no-env"
    )]
    Init(InitArgs),
    /// Run a command (or a [tool.pvm.scripts] entry) inside the project's env.
    #[command(
        after_help = "Examples:\n  pvm run python app.py\n  pvm run --python 3.11 pytest -q\n  pvm run test\n  pvm run report.py             # a script with a `# /// script` block, in its own env\n  pvm run --with rich python -c 'import rich'"
    )]
    Run(RunArgs),
    /// Make the env hold exactly the project's dependencies, from pylock.toml (written first
    /// when the project has none, re-locked when the manifest changed).
    #[command(
        after_help = "Examples:\n  pvm sync\n  pvm sync --group docs --extra postgres\n  pvm sync --no-install-project   # dependencies only\n  pvm sync --locked        # in CI: fail when pylock.toml is stale\n  pvm sync --no-lock       # never write pylock.toml (as `[tool.pvm] lock = false`)"
    )]
    Sync(SyncArgs),
    /// Add dependencies to pyproject.toml, then re-lock (or write the first lock) and sync.
    #[command(
        after_help = "Examples:\n  pvm add requests\n  pvm add 'django>=4.2,<5' 'requests[socks]'\n  pvm add --dev pytest\n  pvm add --group docs sphinx\n  pvm add --optional fast orjson\n  pvm add -r requirements.txt\n  pvm add ./vendor/mylib-1.0-py3-none-any.whl"
    )]
    Add(AddArgs),
    /// Remove dependencies from pyproject.toml, then re-lock and sync (`pvm remove` removes envs).
    #[command(after_help = "Examples:\n  pvm drop requests\n  pvm drop --dev pytest")]
    Drop(DropArgs),
    /// Print the dependency tree of the env, as installed (from each package's metadata).
    #[command(
        after_help = "Examples:\n  pvm tree\n  pvm tree --depth 1\n  pvm tree --invert idna      # what pulls idna in"
    )]
    Tree(TreeArgs),
    /// The packages behind: installed, newest the manifest allows, newest on the index.
    #[command(
        after_help = "Examples:\n  pvm outdated\n  pvm outdated --all\n  pvm outdated --json"
    )]
    Outdated(OutdatedArgs),
    /// Write the locked selection with hashes, as requirements.txt or pylock.toml.
    #[command(
        after_help = "Examples:\n  pvm export -o requirements.txt\n  pvm export --all-extras -o requirements.txt\n  pvm export --group docs --format pylock.toml -o pylock.docs.toml"
    )]
    Export(ExportArgs),
    /// Resolve every dependency, for every platform, into pylock.toml (PEP 751).
    #[command(
        after_help = "Examples:\n  pvm lock\n  pvm lock --upgrade\n  pvm lock --script report.py   # into report.py.lock"
    )]
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
    /// Find, list, pin, install and uninstall interpreters.
    #[command(subcommand)]
    Python(PythonCommand),
    /// See, prune and clean the store's caches (downloaded and unpacked wheels, builds).
    #[command(subcommand)]
    Cache(CacheCommand),
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
    /// Write a `# /// script` block (PEP 723) into this script (made if missing) instead of a
    /// project: it then runs in an env of its own.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, conflicts_with_all = ["package", "name"])]
    pub script: Option<PathBuf>,
    /// Make the project a package: a [build-system] (hatchling), `src/<name>/__init__.py` and a
    /// console script, installed editable into the env.
    #[arg(long)]
    pub package: bool,
    /// Write what pvm reads of another tool (Poetry's tables, a Pipfile) into the standard
    /// `[project]` and `[dependency-groups]` of the pyproject.toml there; in a project already
    /// in those tables with another tool's lock (uv.lock), write pylock.toml with its versions.
    /// Without a pyproject.toml, `pvm init` does so anyway (from a Pipfile or
    /// `requirements*.txt`).
    #[arg(long, conflicts_with = "script")]
    pub migrate: bool,
    /// With the migration: remove the other tool's files (a Pipfile, `requirements*.txt`) and
    /// tables (`[tool.poetry.dependencies]`, its groups, extras and sources).
    #[arg(long, conflicts_with = "script")]
    pub remove_old: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Interpreter request for this run (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
    /// Use the env as it is: do not install or remove anything first.
    #[arg(long)]
    pub no_sync: bool,
    /// Also make this requirement available to this command, without changing the env
    /// (repeatable); kept for the next run with the same ones.
    #[arg(long = "with", value_name = "REQ")]
    pub with: Vec<String>,
    #[command(flatten)]
    pub lock: LockModeArgs,
    /// The command and its arguments, or a script name. Options before it are pvm's (an unknown
    /// one is a usage error, not a command); everything from the command on, and after `--`, is
    /// the command's.
    #[arg(
        required = true,
        // No `allow_hyphen_values`: it would take a mistyped `--pyhton` for the command.
        trailing_var_arg = true,
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
    #[arg(long = "group", value_name = "GROUP", add = ArgValueCandidates::new(complete::groups))]
    pub groups: Vec<String>,
    /// Install every dependency group.
    #[arg(long)]
    pub all_groups: bool,
    /// Leave out the `dev` group (installed by default).
    #[arg(long)]
    pub no_dev: bool,
    /// Also install this extra (repeatable).
    #[arg(long = "extra", value_name = "EXTRA", add = ArgValueCandidates::new(complete::extras))]
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
    /// Never write pylock.toml: use it when it is current, else install from the manifest
    /// (as `[tool.pvm] lock = false`).
    #[arg(long, conflicts_with_all = ["locked", "frozen"])]
    pub no_lock: bool,
}

/// Where `pvm add` and `pvm drop` put or take a requirement (default: `[project] dependencies`).
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct TargetArgs {
    /// In this dependency group.
    #[arg(long, value_name = "GROUP", add = ArgValueCandidates::new(complete::groups))]
    pub group: Option<String>,
    /// In this extra ([project.optional-dependencies]).
    #[arg(long, value_name = "EXTRA", add = ArgValueCandidates::new(complete::extras))]
    pub optional: Option<String>,
    /// In the `dev` group (the same as `--group dev`).
    #[arg(long)]
    pub dev: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Requirements (PEP 508: `requests`, `django>=4.2`, `requests[socks]`, `name @ url`) or
    /// paths to a wheel or a project folder.
    #[arg(required_unless_present = "requirements", value_name = "PACKAGE")]
    pub packages: Vec<String>,
    /// Add every requirement of this pip requirements file (repeatable): comments and blank
    /// lines skipped, `-r` lines followed; other options, paths and URLs are reported, not added.
    #[arg(long, short = 'r', value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub requirements: Vec<PathBuf>,
    #[command(flatten)]
    pub edit: EditArgs,
}

/// What `pvm add` and `pvm drop` share: where, and whether to sync after.
#[derive(Debug, Args)]
pub struct EditArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Edit this script's `# /// script` block (PEP 723) instead of pyproject.toml.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub script: Option<PathBuf>,
    /// Edit the manifest (and re-lock) only; install or uninstall nothing.
    #[arg(long)]
    pub no_sync: bool,
    /// Interpreter request (overrides PVM_PYTHON and .python-version).
    #[arg(long, value_name = "REQUEST", add = ArgValueCandidates::new(complete::python_versions))]
    pub python: Option<String>,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    /// Names of the dependencies to remove.
    #[arg(required = true, value_name = "PACKAGE", add = ArgValueCandidates::new(complete::dependencies))]
    pub packages: Vec<String>,
    #[command(flatten)]
    pub edit: EditArgs,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Show this many levels below the project's own requirements (default: all).
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Show what requires this package instead, up to the project.
    #[arg(long, value_name = "PACKAGE")]
    pub invert: Option<String>,
    /// Print JSON (schema: schemas/pvm-tree.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// List every installed package, not only those behind.
    #[arg(long)]
    pub all: bool,
    /// Print JSON (schema: schemas/pvm-outdated.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    #[value(name = "requirements.txt")]
    RequirementsTxt,
    #[value(name = "pylock.toml")]
    Pylock,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file format.
    #[arg(long, value_enum, default_value_t = ExportFormat::RequirementsTxt)]
    pub format: ExportFormat,
    /// Include this dependency group (repeatable; default: `dev`, as `pvm sync`).
    #[arg(long = "group", value_name = "GROUP", add = ArgValueCandidates::new(complete::groups))]
    pub groups: Vec<String>,
    /// Include every dependency group.
    #[arg(long)]
    pub all_groups: bool,
    /// Include this extra (repeatable).
    #[arg(long = "extra", value_name = "EXTRA", add = ArgValueCandidates::new(complete::extras))]
    pub extras: Vec<String>,
    /// Include every extra.
    #[arg(long)]
    pub all_extras: bool,
    /// Leave out the `dev` group.
    #[arg(long)]
    pub no_dev: bool,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Lock this script's dependencies (its `# /// script` block) into `<script>.lock`.
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub script: Option<PathBuf>,
    /// Take the newest versions allowed instead of keeping the locked ones.
    #[arg(long, short = 'U')]
    pub upgrade: bool,
    /// Insist on a universal lock (made by uv): an error when no uv can be had, instead of
    /// pip's lock of this one environment.
    #[arg(long)]
    pub universal: bool,
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
    /// Every interpreter found: pvm's, pyenv's, uv's and those on PATH.
    #[command(visible_alias = "ls")]
    List {
        /// Print a JSON array (schema: schemas/pvm-python-list.schema.json).
        #[arg(long)]
        json: bool,
        /// The CPython builds pvm can install for this machine instead.
        #[arg(long)]
        available: bool,
    },
    /// Install CPython builds (python-build-standalone, or PVM_PYTHON_MIRROR), verified.
    #[command(
        after_help = "Examples:\n  pvm python install 3.12\n  pvm python install          # what the project asks for\n  PVM_PYTHON_MIRROR=/srv/pythons pvm python install 3.11.9"
    )]
    Install {
        /// Versions (3.12, 3.12.1, >=3.11); default: the current project's request.
        requests: Vec<String>,
    },
    /// Remove interpreters pvm installed.
    Uninstall {
        /// Versions to remove (3.12 removes every 3.12.x pvm installed).
        #[arg(required = true)]
        versions: Vec<String>,
        /// Remove even when envs use it: they become broken and are rebuilt on their next run.
        #[arg(long)]
        force: bool,
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
    #[command(
        after_help = "Examples:\n  pvm python pin 3.12\n  pvm python pin 3.9 --force    # even outside requires-python"
    )]
    Pin {
        /// The version to pin, e.g. 3.12.
        #[arg(add = ArgValueCandidates::new(complete::python_versions))]
        request: String,
        /// Pin it even when the project's requires-python does not allow it.
        #[arg(long)]
        force: bool,
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

/// For an unknown command that poetry, uv or pip users type, what pvm calls it; `args` are
/// the command line after `pvm`.
pub fn tip_for(err: &clap::Error, args: impl Iterator<Item = String>) -> Option<&'static str> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let Some(ContextValue::String(word)) = err.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let under_python = args.take_while(|a| a != word).any(|a| a == "python");
    Some(match (under_python, word.as_str()) {
        (true, "add") => "`pvm python install VERSION` installs an interpreter",
        (false, "install") => {
            "`pvm sync` installs what the manifest says; `pvm add PACKAGE` adds a dependency"
        }
        (false, "uninstall") => {
            "`pvm drop PACKAGE` removes a dependency; `pvm remove` removes envs"
        }
        (false, "show") => "`pvm tree` shows the dependencies; `pvm info` the env",
        (false, "env" | "venv") => "`pvm info` shows the env; `pvm list` every env",
        _ => return None,
    })
}

/// An unknown option that uv users type gets, instead of clap's tip (`use '-- --lib'`, which
/// is no help), what pvm calls it; `args` are the command line after `pvm`.
pub fn retip(mut err: clap::Error, args: impl Iterator<Item = String>) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::UnknownArgument {
        return err;
    }
    let Some(ContextValue::String(option)) = err.get(ContextKind::InvalidArg) else {
        return err;
    };
    let under_init = args.take_while(|a| a != option).any(|a| a == "init");
    let tip = match (under_init, option.as_str()) {
        (true, "--lib") => {
            "`pvm init --package` makes a library: a package with a [build-system], installed editable"
        }
        (true, "--app") => "`pvm init` makes an application unless told `--package`",
        _ => return err,
    };
    err.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tip.into()]),
    );
    err
}

/// A usage error of the subcommand `name`, so that its usage line is `pvm NAME …`, not `pvm`'s.
pub fn usage_error(name: &str, kind: clap::error::ErrorKind, message: &str) -> clap::Error {
    let mut cli = command();
    // Building gives each subcommand its full name (`pvm sync`) for the usage line.
    cli.build();
    match cli.find_subcommand_mut(name) {
        Some(sub) => sub.error(kind, message),
        None => cli.error(kind, message),
    }
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the cache's folder.
    Dir,
    /// What the cache holds, by bucket, and how much of it envs share (hard links).
    #[command(after_help = "Examples:\n  pvm cache size\n  pvm cache size --json")]
    Size {
        /// Print JSON (schema: schemas/pvm-cache-size.schema.json).
        #[arg(long)]
        json: bool,
    },
    /// Remove what no env, lock or running pvm uses; envs keep every file they hold.
    #[command(
        after_help = "Examples:\n  pvm cache prune\n  pvm cache prune --ci      # before saving a CI cache: keep the downloads only"
    )]
    Prune {
        /// Keep only what a CI cache should carry: the downloaded wheels, not unpacked trees.
        #[arg(long)]
        ci: bool,
    },
    /// Remove everything in the cache, or the entries of the packages named (not Pythons).
    #[command(after_help = "Examples:\n  pvm cache clean\n  pvm cache clean numpy requests")]
    Clean {
        /// Package names (default: everything).
        packages: Vec<String>,
    },
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    Cli::command()
}
