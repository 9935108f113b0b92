//! `pvm init`: write a manifest (or adopt the one there) and create the env.

use std::path::Path;

use crate::cli::InitArgs;
use crate::commands::transaction::{self, Transaction};
use crate::commands::{Context, UserError, ensure_env};
use crate::edit::template;
use crate::install::SyncOptions;
use crate::lock::pylock::LEGACY_LOCK_FILE;
use crate::project::{self, MANIFEST, Manifest, Project};
use crate::python::request::PYTHON_VERSION_FILE;
use crate::python::{InterpreterRequest, project_request};
use crate::quote::shell_path;
use crate::{environment, pep};

pub fn init(ctx: &Context, args: InitArgs) -> anyhow::Result<i32> {
    if let Some(script) = &args.script {
        return init_script(ctx, &args, script);
    }
    let dir = project::absolute(
        args.dir
            .as_deref()
            .or(ctx.project_dir.as_deref())
            .unwrap_or(Path::new(".")),
    );
    if dir.exists() && !dir.is_dir() {
        return Err(project::ProjectError::NotADirectory(dir).into());
    }
    // The folders this init makes: a failed init leaves none of them behind.
    let made: Vec<std::path::PathBuf> = dir
        .ancestors()
        .take_while(|folder| !folder.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(&dir)
        .map_err(|err| anyhow::anyhow!(err).context(format!("cannot create {}", dir.display())))?;
    let store = ctx.store()?;
    let root = dir.canonicalize().unwrap_or(dir.clone());
    // One pvm at a time makes or changes the project's files; a failed or interrupted init
    // puts back those it wrote (the manifest, the pin, a lock), and removes the env it made.
    // (`--no-env` needs no store, so takes no lock: its manifest is written create-new.)
    let _lock = match args.no_env {
        true => None,
        false => Some(transaction::lock(ctx, &store, &root)?),
    };
    let files = [
        MANIFEST,
        PYTHON_VERSION_FILE,
        "pylock.toml",
        LEGACY_LOCK_FILE,
        template::README,
        template::GITIGNORE,
        template::MAIN,
        project::pipfile::PIPFILE,
    ];
    // `--remove-old` removes requirements files: a failed init puts them back.
    let requirements_files = crate::edit::migrate::requirements_files(&root);
    let transaction = Transaction::begin(
        files
            .iter()
            .map(|name| root.join(name))
            .chain(requirements_files.into_iter().map(|(path, _)| path)),
    )?;
    let envs_before = store.env_names();
    let result = transaction.finish(ctx, init_in(ctx, &args, &dir));
    if result.is_err() {
        for env in store.envs() {
            let ours = !envs_before.contains(&env.name)
                && env
                    .metadata()
                    .is_some_and(|m| crate::platform::same_path(&m.project, &root));
            if ours {
                let _ = store.discard(&env);
            }
        }
        if let Some(top) = made.last() {
            let _ = std::fs::remove_dir_all(top);
        }
    }
    result
}

fn init_in(ctx: &Context, args: &InitArgs, dir: &Path) -> anyhow::Result<i32> {
    let dir = dir.to_path_buf();
    if let Some(text) = &args.python {
        InterpreterRequest::parse(text, ctx.config.home.as_deref())
            .map_err(|message| UserError::new(format!("invalid --python `{text}`: {message}")))?;
    }
    let manifest_path = dir.join(MANIFEST);
    let store = ctx.store()?;

    let mut pin = args.python.as_ref().map(|text| text.trim().to_string());
    let mut wrote_main = false;
    let migration = crate::edit::migrate::find(&dir)?;
    if let Some(migration) = &migration {
        for warning in migration.manifest.warnings.iter().chain(&migration.skipped) {
            ctx.ui.warn(warning);
        }
        // The interpreter the old tool was told to use (a Pipfile's `python_version`).
        if pin.is_none() {
            pin = migration.manifest.settings.python.clone();
        }
    }
    // A project already in the standard tables (uv's): what moves over is its lock.
    let lock_to_take_over = match &migration {
        None if args.migrate => Project::at(&dir)
            .ok()
            .and_then(|project| crate::lock_policy::foreign::path(&project))
            .map(|(file, _)| file),
        _ => None,
    };
    if args.migrate && migration.is_none() && lock_to_take_over.is_none() {
        return Err(UserError::new(format!(
            "nothing to migrate in {}: no [tool.poetry] dependencies, Pipfile, requirements*.txt or other tool's lock",
            dir.display()
        ))
        .hint("pvm reads this project as it is: `pvm sync` makes its env, `pvm lock` writes pylock.toml")
        .into());
    }
    if args.remove_old && !(args.migrate || migration.is_some() && !manifest_path.exists()) {
        return Err(UserError::new("`--remove-old` goes with a migration")
            .hint("run `pvm init --migrate --remove-old`")
            .into());
    }
    if manifest_path.exists() {
        if args.name.is_some() {
            ctx.ui.warn(format!(
                "{} exists: keeping its name, --name is ignored",
                manifest_path.display()
            ));
        }
        if args.package {
            ctx.ui.warn(format!(
                "{} exists: --package is ignored (a package has a [build-system] table)",
                manifest_path.display()
            ));
        }
        ctx.ui.status("Adopting", manifest_path.display());
        match &migration {
            Some(migration) if args.migrate => {
                let text = project::text::read_utf8(&manifest_path)?;
                let name = migration
                    .manifest
                    .name
                    .clone()
                    .unwrap_or_else(|| folder_name(&dir));
                let requires_python = match &pin {
                    Some(version) => format!(">={version}"),
                    None => ">=3.9".to_string(),
                };
                let written = crate::edit::migrate::render(
                    &text,
                    migration,
                    &name,
                    &requires_python,
                    args.remove_old,
                )
                .map_err(|message| {
                    UserError::new(format!("cannot migrate {}: {message}", manifest_path.display()))
                })?;
                crate::fsutil::write_atomic(&manifest_path, written.as_bytes())?;
                report_migration(ctx, migration, &manifest_path, args.remove_old)?;
            }
            Some(migration) => ctx.ui.status(
                "Reading",
                format!(
                    "the dependencies from {}; `pvm init --migrate` writes them as [project] and [dependency-groups]",
                    migration.from.join(", ")
                ),
            ),
            None => {}
        }
    } else {
        let name = match &args.name {
            Some(name) => {
                pep::normalize_name(name).map_err(|err| {
                    UserError::new(format!("invalid project name `{name}`: {err}")).hint(
                        "a name uses letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, e.g. `my-app`",
                    )
                })?;
                name.clone()
            }
            None => folder_name(&dir),
        };
        // The interpreter decides requires-python (unless the old tool said it): find it as a
        // run would, before writing.
        let draft = Project {
            root: dir.canonicalize()?,
            manifest: migration
                .as_ref()
                .map(|m| m.manifest.clone())
                .unwrap_or_default(),
            script: None,
        };
        let request = project_request(args.python.as_deref(), &draft, ctx.config)?;
        let spinner = ctx.ui.spinner(format!(
            "Finding Python {} (from {})",
            request.key(),
            request.source
        ));
        spinner.finish_and_clear();
        let mut progress = super::EnvProgress::new(ctx.ui);
        let interpreter =
            environment::find_or_install(&store, &draft, &request, ctx.config, &mut |e| {
                progress.event(e)
            })?;
        drop(progress);
        let requires_python = format!(">={}", interpreter.facts.minor_version());
        let mut text =
            crate::edit::template::new_manifest(&name, &requires_python, &[], args.package);
        let mut imported = 0;
        if let Some(migration) = &migration {
            text = crate::edit::migrate::render(
                &text,
                migration,
                &name,
                &requires_python,
                args.remove_old,
            )
            .map_err(|message| UserError::new(format!("cannot migrate: {message}")))?;
            imported = migration.manifest.dependencies.len();
        }
        // As uv does: the interpreter chosen now is pinned, so that every env made later (after
        // `pvm remove`, on another machine) gets the same one, not the newest match.
        if args.python.is_none() && !args.no_pin {
            pin = Some(interpreter.facts.minor_version());
        }
        // `create_new`: never overwrite a manifest that appeared meanwhile.
        use std::io::Write;
        let mut file = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&manifest_path)
            .map_err(|err| {
                anyhow::anyhow!(err).context(format!("cannot write {}", manifest_path.display()))
            })?;
        file.write_all(text.as_bytes())?;
        if args.package {
            let (module, source) = crate::edit::template::package_module(&name);
            let module = dir.join(module);
            // Never overwrite code that is already there.
            if !module.exists() {
                std::fs::create_dir_all(module.parent().expect("a module has a folder"))?;
                std::fs::write(&module, source)?;
            }
        }
        ctx.ui.status(
            "Created",
            format!(
                "{} for {} `{name}` (Python {}, {})",
                manifest_path.display(),
                if args.package { "package" } else { "project" },
                interpreter.facts.version,
                crate::ui::count(imported, "dependency")
            ),
        );
        if let Some(migration) = &migration {
            report_migration(ctx, migration, &manifest_path, args.remove_old)?;
        }
        let written = write_starter_files(&dir, &name, args.package)?;
        if !written.is_empty() {
            ctx.ui.status("Created", written.join(", "));
        }
        wrote_main = written.contains(&template::MAIN);
    }
    if let Some(version) = pin.filter(|_| !args.no_pin) {
        let file = dir.join(PYTHON_VERSION_FILE);
        std::fs::write(&file, format!("{version}\n"))?;
        ctx.ui
            .status("Pinned", format!("Python {version} in {}", file.display()));
    }
    if args.no_env {
        return Ok(0);
    }
    if let Some(file) = lock_to_take_over {
        // Into pylock.toml, keeping its versions; the old lock stays (as after any migration,
        // `--remove-old` keeps other tools' locks: the versions came from them).
        ctx.ui.status(
            "Migrating",
            format!("{file} into pylock.toml, keeping its versions"),
        );
        let lock = crate::cli::LockArgs {
            script: None,
            upgrade: false,
            universal: false,
            python: args.python.clone(),
        };
        super::lock::lock_locked(ctx, &Project::at(&dir)?, &lock)?;
    }
    let project = Project::at(&dir)?;
    // The env is made by the rule every later env follows (the pin, else requires-python).
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    let ready = ensure_env(ctx, &store, &project, &request, &SyncOptions::default())?;
    if ready.report.is_none() {
        ctx.ui
            .status("Using", format!("env at {}", ready.env.dir.display()));
    }
    let example = if wrote_main { "main.py" } else { "python" };
    ctx.ui.status(
        "Ready",
        format!("run commands with `pvm run`, e.g. `pvm run {example}`"),
    );
    Ok(0)
}

/// The project name a folder suggests.
fn folder_name(dir: &Path) -> String {
    project::name_from_folder(
        &dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

/// Says what the migration wrote, and removes the old files when asked.
fn report_migration(
    ctx: &Context,
    migration: &crate::edit::migrate::Migration,
    manifest_path: &Path,
    remove_old: bool,
) -> anyhow::Result<()> {
    let model = &migration.manifest;
    let mut what = vec![crate::ui::count(model.dependencies.len(), "dependency")];
    if !model.optional_dependencies.is_empty() {
        let extras: Vec<&str> = model
            .optional_dependencies
            .keys()
            .map(String::as_str)
            .collect();
        what.push(format!("extras {}", extras.join(", ")));
    }
    if !model.dependency_groups.is_empty() {
        let groups: Vec<&str> = model.dependency_groups.keys().map(String::as_str).collect();
        what.push(format!("groups {}", groups.join(", ")));
    }
    ctx.ui.status(
        "Migrated",
        format!(
            "{} from {} into {} ([project], [dependency-groups])",
            what.join("; "),
            migration.from.join(", "),
            manifest_path.display()
        ),
    );
    if remove_old {
        let mut removed = Vec::new();
        for file in &migration.old_files {
            if file.is_file() {
                std::fs::remove_file(file).map_err(|err| {
                    anyhow::anyhow!(err).context(format!("cannot remove {}", file.display()))
                })?;
                removed.push(
                    file.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        if !migration.old_tables.is_empty() {
            removed.push("[tool.poetry] dependency tables".into());
        }
        if !removed.is_empty() {
            ctx.ui.status("Removed", removed.join(", "));
        }
    } else if !migration.old_files.is_empty() || !migration.old_tables.is_empty() {
        ctx.ui
            .detail("the old files are kept; `--remove-old` removes them");
    }
    Ok(())
}

/// The starter files of a new project that the folder lacks: a folder with a README of its own
/// (`README.rst`, say) keeps it, and one that holds Python code already gets no `main.py`.
/// The names of those written.
fn write_starter_files(dir: &Path, name: &str, package: bool) -> anyhow::Result<Vec<&'static str>> {
    let entries: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let has = |wanted: &dyn Fn(&str) -> bool| entries.iter().any(|entry| wanted(entry));
    let mut written = Vec::new();
    for (file, text) in template::starter_files(name, package) {
        let skip = match file {
            template::README => has(&|entry| entry.to_ascii_lowercase().starts_with("readme")),
            template::MAIN => has(&|entry| entry.ends_with(".py") || entry == "src"),
            _ => has(&|entry| entry == file),
        };
        if skip {
            continue;
        }
        // `create_new`: a file that appeared meanwhile is never overwritten.
        use std::io::Write;
        let path = dir.join(file);
        std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut out| out.write_all(text.as_bytes()))
            .map_err(|err| {
                anyhow::anyhow!(err).context(format!("cannot write {}", path.display()))
            })?;
        written.push(file);
    }
    Ok(written)
}

/// `pvm init --script F`: a `# /// script` block with the chosen Python, into F (after its
/// `#!` line) or a new F; then the script's env.
fn init_script(ctx: &Context, args: &InitArgs, path: &Path) -> anyhow::Result<i32> {
    use crate::project::script;
    let store = ctx.store()?;
    let folder = project::absolute(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    // The script's key, as its env has it: its canonical path (the file may not exist yet).
    let key = path.canonicalize().unwrap_or_else(|_| {
        folder
            .canonicalize()
            .unwrap_or(folder.clone())
            .join(path.file_name().unwrap_or_default())
    });
    // Held while the script is read, written and its env made (`--no-env` needs no store).
    let _lock = match args.no_env {
        true => None,
        false => Some(transaction::lock(ctx, &store, &key)?),
    };
    let transaction = Transaction::begin([key.clone(), script::lock_path(&key)])?;
    let result = init_script_in(ctx, args, path, &store, folder);
    transaction.finish(ctx, result)
}

fn init_script_in(
    ctx: &Context,
    args: &InitArgs,
    path: &Path,
    store: &crate::store::Store,
    folder: std::path::PathBuf,
) -> anyhow::Result<i32> {
    use crate::project::script;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Err(anyhow::Error::new(err).context(format!("cannot read {}", path.display())));
        }
    };
    if let Some(text) = &existing
        && script::find_block(text, path)?.is_some()
    {
        return Err(UserError::new(format!(
            "{} has a `# /// script` block already",
            path.display()
        ))
        .hint(format!(
            "add dependencies with `pvm add --script {} PACKAGE`",
            shell_path(path)
        ))
        .into());
    }
    let draft = Project {
        root: folder,
        manifest: Manifest::default(),
        script: None,
    };
    let request = project_request(args.python.as_deref(), &draft, ctx.config)?;
    let mut progress = super::EnvProgress::new(ctx.ui);
    let interpreter =
        environment::find_or_install(store, &draft, &request, ctx.config, &mut |e| {
            progress.event(e)
        })?;
    drop(progress);
    let block = script::render_block(&format!(
        "requires-python = \">={}\"\ndependencies = []\n",
        interpreter.facts.minor_version()
    ));
    let text = match &existing {
        // After a `#!` line, which must stay first.
        Some(text) if text.starts_with("#!") => {
            let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
            format!("{first}\n{block}\n{rest}")
        }
        Some(text) => format!("{block}\n{text}"),
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{block}\n\nprint(\"Hello from {stem}!\")\n")
        }
    };
    crate::fsutil::write_atomic(path, text.as_bytes()).map_err(|err| {
        anyhow::Error::new(err).context(format!("cannot write {}", path.display()))
    })?;
    ctx.ui.status(
        if existing.is_some() {
            "Added"
        } else {
            "Created"
        },
        format!(
            "a `# /// script` block to {} (Python {})",
            path.display(),
            interpreter.facts.minor_version()
        ),
    );
    if args.no_env {
        return Ok(0);
    }
    let project = Project::script(path)?.expect("the block was just written");
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    ensure_env(ctx, store, &project, &request, &SyncOptions::default())?;
    ctx.ui.status(
        "Ready",
        format!("run it with `pvm run {}`", shell_path(path)),
    );
    Ok(0)
}
