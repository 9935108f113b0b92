//! `pvm sync`: make the env hold exactly the selected dependencies.

use crate::cli::{SelectionArgs, SyncArgs};
use crate::commands::{Context, ensure_env, lock_mode};
use crate::install::SyncOptions;
use crate::project::Project;
use crate::project::Selection;
use crate::python::project_request;

pub fn sync(ctx: &Context, args: SyncArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project)?;
    let options = SyncOptions {
        selection: Some(selection(&project, &args.selection)),
        reinstall: args.reinstall,
        lock: lock_mode(&args.lock),
        no_sync: false,
        check_installed: true,
    };
    let ready = ensure_env(ctx, &store, &project, &request, &options)?;
    if ready.report.is_none() {
        ctx.ui
            .status("Checked", format!("{} is in sync", ready.env.name));
    }
    Ok(0)
}

/// The extras and groups the flags ask for; `dev` unless `--no-dev`.
fn selection(project: &Project, args: &SelectionArgs) -> Selection {
    let manifest = &project.manifest;
    let mut selection = Selection::default();
    selection.groups.extend(args.groups.iter().cloned());
    if args.all_groups {
        selection
            .groups
            .extend(manifest.dependency_groups.keys().cloned());
    }
    if !args.no_dev && manifest.dependency_groups.contains_key("dev") {
        selection.groups.insert("dev".to_string());
    }
    if args.no_dev {
        selection.groups.remove("dev");
    }
    selection.extras.extend(args.extras.iter().cloned());
    if args.all_extras {
        selection
            .extras
            .extend(manifest.optional_dependencies.keys().cloned());
    }
    selection.no_project = args.no_install_project;
    selection
}
