//! `pvm lock`: resolve everything, for every platform, into the standard `pylock.toml`.

use crate::cli::LockArgs;
use crate::commands::Context;
use crate::commands::transaction::{self, Transaction};
use crate::install::SyncOptions;
use crate::installer::Backend;
use crate::lock::pylock::LEGACY_LOCK_FILE;
use crate::lock_policy;
use crate::project::Sources;
use crate::python::project_request;
use crate::quote::shell_path;

pub fn lock(ctx: &Context, args: LockArgs) -> anyhow::Result<i32> {
    let project = match &args.script {
        Some(path) => crate::project::Project::script(path)?.ok_or_else(|| {
            super::UserError::new(format!("{} has no `# /// script` block", path.display())).hint(
                format!("`pvm init --script {}` writes one", shell_path(path)),
            )
        })?,
        None => ctx.project()?,
    };
    // One pvm at a time re-locks (or edits) the project; a Ctrl-C puts the lock back.
    let (project, _lock) = transaction::lock_project(ctx, &project)?;
    let transaction = Transaction::begin(transaction::lock_files(&project))?;
    let result = lock_locked(ctx, &project, &args);
    transaction.finish(ctx, result)
}

/// `pvm lock` with the project's lock held (also `pvm init --migrate`'s, holding it).
pub(super) fn lock_locked(
    ctx: &Context,
    project: &crate::project::Project,
    args: &LockArgs,
) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    // A killed `pvm lock` leaves a half-written lock beside the project's: gone now.
    crate::fsutil::remove_dead_temps(&project.root);
    let request = project_request(args.python.as_deref(), project, ctx.config)?;
    // Resolving needs the env's interpreter (and, for pip, its pip); nothing is installed.
    let options = SyncOptions {
        no_sync: true,
        ..SyncOptions::default()
    };
    let ready = super::ensure_env(ctx, &store, project, &request, &options)?;
    let facts = &ready.metadata.python.facts;
    let sources = Sources::for_project(project, ctx.config);
    let previous = lock_policy::read_lock(project)?;
    if let Some(previous) = &previous
        && previous.pvm().is_some()
        && !args.upgrade
        && !(args.universal && previous.environments.is_some())
        && crate::lock_policy::freshness::freshness(previous, project, &sources, facts)?
            == crate::lock_policy::freshness::Freshness::Current
    {
        ctx.ui.status(
            "Checked",
            format!(
                "{} is current ({})",
                project.lock_path().display(),
                crate::ui::count(previous.packages.len(), "package")
            ),
        );
        return Ok(0);
    }
    if let Some(previous) = &previous
        && previous.pvm().is_none()
    {
        ctx.ui.status(
            "Taking over",
            format!(
                "pylock.toml written by {} (keeping its versions{})",
                previous.created_by,
                if args.upgrade { ", but --upgrade" } else { "" }
            ),
        );
    }
    let without_uv = super::uv_tool::bring(ctx, &store, project, &sources)?;
    let backend = Backend::choose(project.manifest.settings.installer, facts, ctx.config)?;
    if let (Backend::Pip, Some(reason)) = (&backend, &without_uv) {
        if args.universal {
            return Err(super::UserError::new(format!(
                "`pvm lock --universal` needs uv, and there is none: {reason}"
            ))
            .hint(crate::tools::uv::GET_UV)
            .into());
        }
        ctx.ui.warn(format!(
            "no uv ({reason}): pip resolves, and the lock holds this one environment"
        ));
    }
    let spinner = ctx.ui.spinner(format!(
        "Resolving {} with every extra and group, with {}",
        project.name(),
        backend.name()
    ));
    let resolved = lock_policy::relock(
        project,
        &ready.layout,
        facts,
        &backend,
        args.upgrade,
        ctx.config,
    );
    spinner.finish_and_clear();
    let (lock, migrated) = resolved?;
    if migrated {
        ctx.ui.status(
            "Migrated",
            format!("{LEGACY_LOCK_FILE} into pylock.toml, keeping its versions; {LEGACY_LOCK_FILE} is removed"),
        );
    }
    if let Some(range) = lock_policy::guessed_python(&lock, project, facts) {
        super::warn_guessed_python(&ctx.ui, &range);
    }
    let scope = match &lock.environments {
        Some(environments) => format!(
            "for one environment only ({}, resolved by pip)",
            environments.join(" or ")
        ),
        None => format!(
            "for every platform and Python {}",
            lock.requires_python.as_deref().unwrap_or("version")
        ),
    };
    ctx.ui.status(
        "Locked",
        format!(
            "{} {scope} into {}",
            crate::ui::count(lock.packages.len(), "package"),
            project.lock_path().display()
        ),
    );
    Ok(0)
}
