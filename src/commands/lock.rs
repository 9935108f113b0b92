//! `pvm lock`: resolve everything to exact versions with hashes, into `pvm.lock`.

use crate::cli::LockArgs;
use crate::commands::Context;
use crate::install::backend::Backend;
use crate::install::lock::LockFile;
use crate::install::{self, SyncOptions};
use crate::project::Sources;
use crate::python::project_request;

pub fn lock(ctx: &Context, args: LockArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project)?;
    // Resolving needs the env's interpreter (and its pip); nothing is installed.
    let options = SyncOptions {
        no_sync: true,
        ..SyncOptions::default()
    };
    let ready = super::ensure_env(ctx, &store, &project, &request, &options)?;
    let facts = &ready.metadata.python.facts;
    let sources = Sources::for_project(&project);
    let previous = LockFile::read(&project.root)?;
    if let Some(previous) = &previous
        && !args.upgrade
        && install::lock_is_current(previous, &project, &sources, facts)?
    {
        ctx.ui.status(
            "Checked",
            format!("pvm.lock is current ({} packages)", previous.packages.len()),
        );
        return Ok(0);
    }
    let backend = Backend::choose(project.manifest.settings.installer, facts)?;
    let spinner = ctx.ui.spinner(format!(
        "Resolving {} with every extra and group, with {}",
        project.name(),
        backend.name()
    ));
    let resolved = install::resolve(
        &project,
        &ready.layout,
        facts,
        &backend,
        previous.as_ref(),
        args.upgrade,
    );
    spinner.finish_and_clear();
    let resolved = resolved?;
    resolved.write(&project.root)?;
    ctx.ui.status(
        "Locked",
        format!(
            "{} packages for Python {} into {}",
            resolved.packages.len(),
            facts.version,
            LockFile::path(&project.root).display()
        ),
    );
    Ok(0)
}
