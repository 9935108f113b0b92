//! `pvm add` and `pvm drop`: edit the manifest, then re-lock and sync, holding the project's
//! lock throughout; on any failure, or a Ctrl-C, the manifest and the lock are put back byte
//! for byte.

use std::path::Path;

use crate::cli::{AddArgs, DropArgs, EditArgs, TargetArgs};
use crate::commands::declared::{drop_command, where_named};
use crate::commands::transaction::{self, Transaction};
use crate::commands::{Context, UserError, ensure_env};
use crate::edit::manifest::{Change, ManifestEdit, Target};
use crate::install::SyncOptions;
use crate::installer::Backend;
use crate::lock::LockMode;
use crate::lock::bounds;
use crate::lock_policy;
use crate::pep::{self, Requirement};
use crate::project::{Project, SelectionRequest, path_sources, script};
use crate::python::project_request;
use crate::quote::shell_path;

pub fn add(ctx: &Context, args: AddArgs) -> anyhow::Result<i32> {
    let project = edited_project(ctx, &args.edit)?;
    // From here until the sync is done, no other pvm changes the manifest or the lock.
    let (project, _lock) = transaction::lock_project(ctx, &project)?;
    let target = target(&args.edit.target);
    let mut asked: Vec<(Requirement, Option<PathSource>)> = args
        .packages
        .iter()
        .map(|text| requirement(text, &project.root))
        .collect::<anyhow::Result<_>>()?;
    for file in &args.requirements {
        asked.extend(from_file(ctx, file)?.into_iter().map(|r| (r, None)));
    }
    let mut edit = manifest_edit(&project)?;
    for (requirement, source) in &asked {
        if let Some(source) = source {
            edit.set_source(requirement.name.as_ref(), &source.path, source.editable)?;
            let editable = match source.editable {
                Some(editable) => format!(", editable = {editable}"),
                None => String::new(),
            };
            ctx.ui.status(
                "Adding",
                format!(
                    "`{} = {{ path = {:?}{editable} }}` into [tool.pvm.sources]",
                    requirement.name, source.path
                ),
            );
        }
        let change = edit.add(&target, requirement)?;
        let (verb, what) = match change {
            Change::Replaced(old) => ("Changing", format!("`{old}` to `{requirement}` in")),
            _ => ("Adding", format!("`{requirement}` into")),
        };
        ctx.ui
            .status(verb, format!("{what} {}", label(&project, &target)));
    }
    let requirements: Vec<Requirement> = asked.into_iter().map(|(r, _)| r).collect();
    let transaction = Transaction::of_project(&project)?;
    let result = edit_then_sync(ctx, &project, &edit, &requirements, &args.edit, &target);
    transaction.finish(ctx, result).map(|()| 0)
}

/// Writes the edited manifest (which checks it), resolves once (every part, every platform) to
/// give each name added bare (`requirements`) `>=` the lowest version resolved for it, as uv
/// does, writes that, keeps the lock (which those bounds leave as it is), and syncs once, the
/// env's selection grown by `target` (a group or an extra) so what was added is installed now
/// and stays.
fn edit_then_sync(
    ctx: &Context,
    project: &Project,
    edit: &ManifestEdit,
    requirements: &[Requirement],
    args: &EditArgs,
    target: &Target,
) -> anyhow::Result<()> {
    let project = write_edit(project, edit)?;
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    let bare: Vec<&Requirement> = requirements
        .iter()
        .filter(|r| r.version_or_url.is_none())
        .collect();
    // A lock is kept current, and the first one written (as a sync would), even with
    // `--no-sync`; without either, the versions are learnt from a resolution only when there
    // is an env to resolve in (or one is made to sync anyway).
    let first_lock = crate::lock_policy::writes_first_lock(&project, LockMode::Auto);
    let has_lock = project.lock_path().is_file() || first_lock;
    let resolve = has_lock
        || (!bare.is_empty() && (!args.no_sync || store.env_of(&project).metadata().is_some()));
    let project = if resolve {
        let options = SyncOptions {
            no_sync: true,
            ..SyncOptions::default()
        };
        let ready = ensure_env(ctx, &store, &project, &request, &options)?;
        if first_lock {
            super::bring_uv(ctx, &store, &project)?;
        }
        let facts = &ready.metadata.python.facts;
        let backend = Backend::choose(project.manifest.settings.installer, facts, ctx.config)?;
        if !args.no_sync {
            crate::site::read_ahead(&ready.layout.site_packages);
        }
        let mut lock = lock_policy::resolve_keeping(
            &project,
            &ready.layout,
            facts,
            &backend,
            false,
            ctx.config,
        )?;
        let mut edit = manifest_edit(&project)?;
        // A path source is the package as it is there: no bound.
        let bare = bare
            .into_iter()
            .filter(|r| path_sources::entry_for(&project, r.name.as_ref()).is_none());
        for requirement in bare {
            if let Some(version) = bounds::lowest_locked(&lock, requirement.name.as_ref()) {
                let bound = bounds::at_least(requirement, &version).map_err(anyhow::Error::msg)?;
                edit.add(target, &bound)?;
            }
        }
        let project = write_edit(&project, &edit)?;
        if has_lock {
            bounds::stamp_for(&mut lock, &project, facts, ctx.config)?;
            let lock = lock_policy::write_lock(&project, &ready.layout, lock, ctx.config)?;
            if first_lock {
                ctx.ui
                    .status("Locked", "wrote pylock.toml, the project's first lock");
            }
            if let Some(range) = lock_policy::guessed_python(&lock, &project, facts) {
                super::warn_guessed_python(&ctx.ui, &range);
            }
        }
        project
    } else {
        project
    };
    if !args.no_sync {
        // The lock is current now: the sync installs it without resolving again.
        let options = SyncOptions {
            selection: grown_selection(&store, &project, target),
            ..SyncOptions::default()
        };
        ensure_env(ctx, &store, &project, &request, &options)?;
    }
    Ok(())
}

pub fn drop(ctx: &Context, args: DropArgs) -> anyhow::Result<i32> {
    let project = edited_project(ctx, &args.edit)?;
    let (project, _lock) = transaction::lock_project(ctx, &project)?;
    let target = target(&args.edit.target);
    let mut edit = manifest_edit(&project)?;
    for name in &args.packages {
        match edit.drop(&target, name) {
            Ok(_) => {
                ctx.ui.status(
                    "Dropping",
                    format!("`{name}` from {}", label(&project, &target)),
                );
                if edit.drop_unused_source(name)? {
                    ctx.ui
                        .status("Dropping", format!("`{name}` from [tool.pvm.sources]"));
                }
            }
            Err(err) => {
                let mut error = UserError::new(err.to_string());
                if let Some(elsewhere) = where_named(&project, name) {
                    error = error.hint(format!(
                        "it is in {elsewhere}: `{}`",
                        drop_command(&elsewhere, name)
                    ));
                } else {
                    error = error.hint("`pvm tree` shows what the project depends on");
                }
                return Err(error.into());
            }
        }
    }
    let transaction = Transaction::of_project(&project)?;
    let result = edit_then_sync(ctx, &project, &edit, &[], &args.edit, &Target::Dependencies);
    transaction.finish(ctx, result).map(|()| 0)
}

/// The requirements of `pvm add -r FILE`; what has no place in a manifest (`-c`, `-e`, a path
/// or a URL) is named and left out, as `pvm init` does with its requirements.txt.
fn from_file(ctx: &Context, file: &Path) -> anyhow::Result<Vec<Requirement>> {
    if !file.is_file() {
        return Err(UserError::new(format!("no file `{}`", file.display()))
            .hint("`-r` takes a pip requirements file, relative to the current folder")
            .into());
    }
    let read = crate::project::read_requirements_txt(file)?;
    for line in &read.skipped {
        ctx.ui.warn(format!(
            "{}: `{line}` is not a named requirement, not added",
            file.display()
        ));
    }
    if read.requirements.is_empty() {
        return Err(
            UserError::new(format!("{} holds no requirement to add", file.display()))
                .hint("a requirement per line, PEP 508: `requests`, `django>=4.2,<5`")
                .into(),
        );
    }
    Ok(read.requirements)
}

/// Where an edit goes, in words: a script's dependencies are its block's.
fn label(project: &Project, target: &Target) -> String {
    match &project.script {
        Some(path) => format!("the `# /// script` block of {}", path.display()),
        None => target.to_string(),
    }
}

fn target(args: &TargetArgs) -> Target {
    match (&args.group, &args.optional, args.dev) {
        (Some(group), _, _) => Target::Group(group.clone()),
        (_, Some(extra), _) => Target::Extra(extra.clone()),
        (_, _, true) => Target::Group("dev".into()),
        _ => Target::Dependencies,
    }
}

/// The project, or with `--script F` the script, whose dependencies change.
fn edited_project(ctx: &Context, args: &EditArgs) -> anyhow::Result<Project> {
    let Some(path) = &args.script else {
        return ctx.project();
    };
    Project::script(path)?.ok_or_else(|| {
        UserError::new(format!("{} has no `# /// script` block", path.display()))
            .hint(format!(
                "`pvm init --script {}` writes one",
                shell_path(path)
            ))
            .into()
    })
}

/// The manifest of `project` (or its script's block), ready to edit.
fn manifest_edit(project: &Project) -> anyhow::Result<ManifestEdit> {
    match &project.script {
        Some(path) => {
            let source = std::fs::read_to_string(path)?;
            let block = script::find_block(&source, path)?.ok_or_else(|| {
                UserError::new(format!("{} has no `# /// script` block", path.display()))
            })?;
            Ok(ManifestEdit::parse_script(&block.toml)?)
        }
        None => {
            if !project.manifest_path().is_file() {
                return Err(UserError::new(format!(
                    "{} has no pyproject.toml to edit: its dependencies are in its Pipfile",
                    project.root.display()
                ))
                .hint("run `pvm init` first: it writes them into a pyproject.toml (the Pipfile is kept)")
                .into());
            }
            let text = std::fs::read_to_string(project.manifest_path())?;
            Ok(ManifestEdit::parse(&text)?)
        }
    }
}

/// Writes the edited manifest, or the script with its block replaced and every other byte
/// kept, and reads the project back (which checks it).
fn write_edit(project: &Project, edit: &ManifestEdit) -> anyhow::Result<Project> {
    match &project.script {
        Some(path) => {
            let source = std::fs::read_to_string(path)?;
            let block = script::find_block(&source, path)?
                .ok_or_else(|| UserError::new(format!("{} lost its block", path.display())))?;
            let mut text = source[..block.range.start].to_string();
            text.push_str(&script::render_block(&edit.text()));
            text.push_str(&source[block.range.end..]);
            crate::fsutil::write_atomic(path, text.as_bytes())
                .map_err(|err| cannot_write(path, err))?;
            Ok(Project::script(path)?.expect("the block was just written"))
        }
        None => {
            let path = project.manifest_path();
            crate::fsutil::write_atomic(&path, edit.text().as_bytes())
                .map_err(|err| cannot_write(&path, err))?;
            Ok(Project::at(&project.root)?)
        }
    }
}

/// The edited file cannot be written: which file, why, and what to do, rather than the bare
/// OS error (which names the temporary file pvm writes beside it).
fn cannot_write(path: &Path, err: std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    // tempfile adds ` at path "<its temporary file>"` to the OS's words: that file is not
    // the user's.
    let text = err.to_string();
    let reason = text.split(" at path \"").next().unwrap_or(&text);
    let folder = path.parent().unwrap_or(Path::new("."));
    let hint = match err.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => format!(
            "pvm writes a new copy beside the file and renames it over the old one, so {} must be writable: check its mode, its immutable flag (`lsattr -d`) or a read-only mount, or edit a copy in a writable folder",
            folder.display()
        ),
        _ => format!(
            "check that {} is writable and has free space",
            folder.display()
        ),
    };
    UserError::new(format!("cannot write {}: {reason}", path.display()))
        .hint(hint)
        .into()
}

/// Where `pvm add PATH` says a package is: `[tool.pvm.sources]`'s entry, written relative to
/// the project root.
struct PathSource {
    path: String,
    /// `Some(true)` for a folder, written out as uv's `--editable` writes it.
    editable: Option<bool>,
}

/// A requirement from the command line: PEP 508, or a path to a wheel or a project folder,
/// which becomes its bare name with a path source.
fn requirement(text: &str, root: &Path) -> anyhow::Result<(Requirement, Option<PathSource>)> {
    let path = Path::new(text);
    let looks_like_path = text.starts_with('.')
        || text.starts_with('/')
        || (text.ends_with(".whl") && !text.contains("@"));
    if looks_like_path {
        let absolute = crate::project::absolute(path);
        let absolute = absolute.canonicalize().map_err(|_| {
            UserError::new(format!("no file or folder `{text}`")).hint(format!(
                "paths are taken from the current folder ({})",
                root.display()
            ))
        })?;
        let folder = absolute.is_dir();
        let name = if folder {
            Project::at(&absolute)
                .ok()
                .and_then(|project| project.manifest.name)
        } else {
            absolute
                .file_name()
                .and_then(|file| crate::lock::pylock::split_filename(&file.to_string_lossy()))
                .map(|(name, _)| name.to_string())
        };
        let name = name.ok_or_else(|| {
            UserError::new(format!("cannot tell the project name of `{text}`"))
                .hint("a wheel file named name-version-tags.whl, or a folder whose pyproject.toml has [project] name")
        })?;
        let requirement = pep::parse_requirement(&name)
            .map_err(|err| UserError::new(format!("`{text}`: {err}")))?;
        // Relative to the project, so the manifest holds in any checkout; absolute only where
        // no relative path leads.
        let path = path_sources::relative_to(&absolute, root)
            .unwrap_or_else(|| absolute.display().to_string());
        let source = PathSource {
            path,
            editable: folder.then_some(true),
        };
        return Ok((requirement, Some(source)));
    }
    let requirement = pep::parse_requirement(text).map_err(|err| {
        UserError::new(format!("invalid requirement `{text}`: {err}")).hint(
            "requirements follow PEP 508, e.g. `requests`, `django>=4.2,<5`, `requests[socks]`",
        )
    })?;
    Ok((requirement, None))
}

/// The env's recorded selection plus the group or extra `target` names; `None` (keep what is
/// recorded) for `[project] dependencies`, which every selection holds.
fn grown_selection(
    store: &crate::store::Store,
    project: &Project,
    target: &Target,
) -> Option<SelectionRequest> {
    let recorded = || {
        store
            .env_of(project)
            .metadata()
            .map(|m| m.selection)
            .unwrap_or_default()
    };
    match target {
        Target::Dependencies => None,
        Target::Group(group) => {
            let mut asked = recorded();
            asked.added_groups.insert(group.clone());
            Some(asked)
        }
        Target::Extra(extra) => {
            let mut asked = recorded();
            asked.added_extras.insert(extra.clone());
            Some(asked)
        }
    }
}
