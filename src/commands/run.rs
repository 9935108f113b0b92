//! `pvm run`: make sure the env is current, then become the command.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::cli::RunArgs;
use crate::commands::{Context, UserError, ensure_env, lock_mode};
use crate::install::SyncOptions;
use crate::platform;
use crate::python::project_request;
use crate::quote::shell_word;

pub fn run(ctx: &Context, args: RunArgs) -> anyhow::Result<i32> {
    // A script with a `# /// script` block runs in its own env, wherever it is (PEP 723).
    let script = script_project(&args.command)?;
    let project = match &script {
        Some(project) => project.clone(),
        None => ctx.project()?,
    };
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    let options = SyncOptions {
        no_sync: args.no_sync,
        lock: lock_mode(&args.lock),
        ..SyncOptions::default()
    };
    let ready = ensure_env(ctx, &store, &project, &request, &options)?;
    ready.env.touch_used();
    let overlay = match args.with.is_empty() {
        true => None,
        false => {
            let requirements = args
                .with
                .iter()
                .map(|text| {
                    crate::pep::parse_requirement(text).map_err(|err| {
                        UserError::new(format!("invalid --with `{text}`: {err}"))
                            .hint("--with takes PEP 508 requirements, e.g. `rich` or `httpx>=0.27`")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let started = std::time::Instant::now();
            let mut progress = super::EnvProgress::new(ctx.ui);
            let (overlay, installed) = crate::overlay::ensure(
                &store,
                &ready,
                &project,
                &requirements,
                ctx.config,
                &mut |event| progress.event(event),
            )?;
            if let Some(installed) = &installed {
                progress.report_overlay(installed, started);
            }
            Some(overlay)
        }
    };

    let settings = &project.manifest.settings;
    let (first, rest) = args.command.split_first().expect("clap requires a command");
    let argv: Vec<OsString> = match first.to_str().and_then(|name| settings.scripts.get(name)) {
        Some(script) => {
            let words = script.argv().ok_or_else(|| {
                UserError::new(format!(
                    "script `{}` in [tool.pvm.scripts] is not a valid command line",
                    first.to_string_lossy()
                ))
                .hint("write the command as a string (\"pytest -q\") or a list of words")
            })?;
            words
                .into_iter()
                .map(OsString::from)
                .chain(rest.iter().cloned())
                .collect()
        }
        // `pvm run report.py`: the script runs with the env's python, in its own env when it
        // has a `# /// script` block, else in the project's (as `pvm init`'s main.py does).
        None if !is_python(first) && (script.is_some() || is_python_file(first)) => {
            std::iter::once(OsString::from("python"))
                .chain(args.command.iter().cloned())
                .collect()
        }
        None => args.command.clone(),
    };

    refuse_foreign_pip(&argv, &ready.layout)?;
    let bin = &ready.layout.bin;
    let old_path = ctx.config.path_or_empty();
    let front = overlay.iter().map(|o| o.bin.clone()).chain([bin.clone()]);
    let path = std::env::join_paths(front.chain(std::env::split_paths(old_path)))?;
    if argv[0].as_encoded_bytes().contains(&b'/') && !Path::new(&argv[0]).exists() {
        let cwd = ctx.config.current_dir().unwrap_or_default();
        return Err(UserError::new(format!(
            "no file `{}` (looked from {})",
            argv[0].to_string_lossy(),
            cwd.display()
        ))
        .hint("a command with a `/` is a path to a file, relative to the current folder; check its name")
        .into());
    }
    let program = find_program(&argv[0], &path).ok_or_else(|| {
        let mut hint = match tool_hint(&argv[0], &args.command) {
            Some(hint) => hint,
            None => format!("the env's commands are in {}", bin.display()),
        };
        if !settings.scripts.is_empty() {
            let names: Vec<&str> = settings.scripts.keys().map(String::as_str).collect();
            hint.push_str(&format!("; scripts: {}", names.join(", ")));
        }
        UserError::new(format!(
            "command `{}` not found in the env or on PATH",
            argv[0].to_string_lossy()
        ))
        .hint(hint)
    })?;

    let mut command = std::process::Command::new(&program);
    platform::set_arg0(&mut command, &argv[0])
        .args(&argv[1..])
        .env("PATH", &path)
        .env("VIRTUAL_ENV", &ready.env.dir)
        .env_remove("PYTHONHOME")
        .envs(&settings.env);
    if let Some(overlay) = &overlay {
        // In front of the env's site-packages; the env's own packages are still seen.
        let old = ctx.config.pythonpath.clone().unwrap_or_default();
        // An empty entry would put the current folder on sys.path, before the stdlib.
        let paths = std::iter::once(overlay.dir.clone())
            .chain(std::env::split_paths(&old).filter(|p| !p.as_os_str().is_empty()));
        command.env("PYTHONPATH", std::env::join_paths(paths)?);
    }
    // exec only returns when it failed.
    let err = platform::exec(&mut command);
    Err(anyhow::Error::new(err).context(format!("cannot run {}", program.display())))
}

/// Commands of well-known packages, for the hint when one is missing: (command, package, whether
/// it is a development tool, which goes into the `dev` group).
const KNOWN_TOOLS: &[(&str, &str, bool)] = &[
    ("pytest", "pytest", true),
    ("py.test", "pytest", true),
    ("black", "black", true),
    ("ruff", "ruff", true),
    ("mypy", "mypy", true),
    ("flake8", "flake8", true),
    ("pylint", "pylint", true),
    ("isort", "isort", true),
    ("pyright", "pyright", true),
    ("coverage", "coverage", true),
    ("tox", "tox", true),
    ("nox", "nox", true),
    ("pre-commit", "pre-commit", true),
    ("sphinx-build", "sphinx", true),
    ("ipython", "ipython", true),
    ("jupyter", "jupyter", true),
    ("jupyter-lab", "jupyterlab", true),
    ("django-admin", "django", false),
    ("flask", "flask", false),
    ("uvicorn", "uvicorn", false),
    ("gunicorn", "gunicorn", false),
    ("celery", "celery", false),
    ("alembic", "alembic", false),
    ("streamlit", "streamlit", false),
];

/// For a missing `program` that a well-known package provides: how to add the package, or to
/// have it for this one run of `command` (what followed `pvm run`).
fn tool_hint(program: &OsStr, command: &[OsString]) -> Option<String> {
    let name = program.to_str()?;
    let &(_, package, dev) = KNOWN_TOOLS.iter().find(|(tool, ..)| *tool == name)?;
    let package = shell_word(package);
    let command: Vec<String> = command
        .iter()
        .map(|word| shell_word(&word.to_string_lossy()))
        .collect();
    let add = if dev { "add --dev" } else { "add" };
    Some(format!(
        "`{name}` comes with the package {package}: `pvm {add} {package}`, or `pvm run --with {package} {}` for once",
        command.join(" ")
    ))
}

/// Whether `word` names a Python (`python`, `python3`, `python3.12`).
fn is_python(word: &OsStr) -> bool {
    crate::python::names::is_python(word.to_str().unwrap_or(""))
}

/// Whether `word` names a Python file here (`main.py`, `tools/report.py`).
fn is_python_file(word: &OsStr) -> bool {
    let path = Path::new(word);
    path.extension().is_some_and(|ext| ext == "py") && path.is_file()
}

/// The script the command runs, when it is one with a metadata block: `script.py …` or
/// `python script.py …`.
fn script_project(command: &[OsString]) -> anyhow::Result<Option<crate::project::Project>> {
    let candidate = match command {
        [first, second, ..] if is_python(first) => second,
        [first, ..] => first,
        [] => return Ok(None),
    };
    let path = Path::new(candidate);
    if path.extension().is_none_or(|ext| ext != "py") || !path.is_file() {
        return Ok(None);
    }
    Ok(crate::project::Project::script(path)?)
}

/// `pip` in an env without pip would fall through to another Python's pip on PATH and install
/// there: refused, as is `python -m pip` (which would fail less clearly).
fn refuse_foreign_pip(argv: &[OsString], layout: &crate::venv::Layout) -> anyhow::Result<()> {
    let word = |i: usize| argv.get(i).and_then(|w| w.to_str()).unwrap_or("");
    let asks_pip = (crate::python::names::is_pip(word(0))
        && !crate::platform::executable(&layout.bin, word(0)).exists())
        || (is_python(OsStr::new(word(0)))
            && word(1) == "-m"
            && word(2) == "pip"
            && !layout.site_packages.join("pip").is_dir());
    if asks_pip {
        return Err(UserError::new(format!(
            "the env has no pip (`seed-pip = false`): `{}` would run another Python's pip and install there",
            argv.iter()
                .take(3)
                .map(|w| w.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ")
        ))
        .hint("add the package to [project] dependencies and run `pvm sync`, or set `seed-pip = true` in [tool.pvm]")
        .into());
    }
    Ok(())
}

/// Like a shell: a name with a `/` is a path, anything else is looked up on `path`.
fn find_program(name: &OsStr, path: &OsStr) -> Option<PathBuf> {
    let as_path = Path::new(name);
    if name.as_encoded_bytes().contains(&b'/') {
        return Some(as_path.to_path_buf());
    }
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| platform::is_executable(&meta))
}
