//! `pvm sync`: make the env hold exactly the selected dependencies.

use crate::cli::{SelectionArgs, SyncArgs};
use crate::commands::{Context, ensure_env, lock_mode};
use crate::install::SyncOptions;
use crate::project::SelectionRequest;
use crate::python::project_request;

pub fn sync(ctx: &Context, args: SyncArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    let options = SyncOptions {
        selection: Some(selection(&args.selection)),
        reinstall: args.reinstall,
        lock: lock_mode(&args.lock),
        no_sync: false,
        check_installed: true,
        ..SyncOptions::default()
    };
    let ready = ensure_env(ctx, &store, &project, &request, &options)?;
    if ready.report.is_none() {
        ctx.ui
            .status("Checked", format!("{} is in sync", ready.env.name));
    }
    Ok(0)
}

/// What the flags ask for.
fn selection(args: &SelectionArgs) -> SelectionRequest {
    refuse_no_dev_with_dev("sync", args.no_dev, &args.groups);
    SelectionRequest {
        groups: args.groups.iter().cloned().collect(),
        all_groups: args.all_groups,
        no_dev: args.no_dev,
        extras: args.extras.iter().cloned().collect(),
        all_extras: args.all_extras,
        no_project: args.no_install_project,
        ..SelectionRequest::default()
    }
}

/// `--no-dev --group dev` contradicts itself: a usage error of `command` (exits).
pub fn refuse_no_dev_with_dev(command: &str, no_dev: bool, groups: &[String]) {
    if no_dev && groups.iter().any(|g| g == "dev") {
        crate::cli::usage_error(
            command,
            clap::error::ErrorKind::ArgumentConflict,
            "`--no-dev` leaves out the `dev` group that `--group dev` asks for: give one of them",
        )
        .exit();
    }
}
