//! `pvm tree`: the env's dependency tree, and `pvm export`: the locked selection for other tools.

use std::io::Write;

use crate::cli::{ExportArgs, ExportFormat, OutdatedArgs, TreeArgs};
use crate::commands::{Context, UserError};
use crate::lock::export;
use crate::lock_policy::read_lock;
use crate::project::{SelectionRequest, requirements};
use crate::site::outdated::{self, Listed};
use crate::site::{self, tree};
use crate::venv::Layout;

pub fn tree(ctx: &Context, args: TreeArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let env = store.env_of(&project);
    let metadata = env.metadata().ok_or_else(|| {
        UserError::new(format!("{} has no env yet", project.name()))
            .hint("run `pvm sync` first: the tree is read from what is installed")
    })?;
    let facts = &metadata.python.facts;
    let layout = Layout::new(&env.dir, facts);
    let dists = site::installed(&layout.site_packages);
    let markers = crate::pep::marker_environment(&facts.markers).map_err(anyhow::Error::msg)?;
    let selection = metadata.selection.resolve(&project);
    let mut roots = requirements(&project, &selection)?;
    // The project itself, when installed, with what its own metadata adds: the last root, and
    // never below a dependency that requires it.
    let mut own = None;
    if let Some(installed) = &metadata.project_install
        && let Ok(requirement) = crate::pep::parse_requirement(&installed.name)
    {
        roots.retain(|r| r.name != requirement.name);
        own = Some(requirement.name.clone());
        roots.push(requirement);
    }
    let nodes = match &args.invert {
        Some(name) => vec![
            tree::inverted(name, &roots, &dists, &markers, args.depth).ok_or_else(|| {
                UserError::new(format!("`{name}` is not installed in the env"))
                    .hint("`pvm tree` shows what is")
            })?,
        ],
        None => tree::tree(&roots, own.as_ref(), &dists, &markers, args.depth),
    };
    let mut out = anstream::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&nodes)?)?;
    } else {
        write!(out, "{}", crate::ui::shown_lines(&tree::render(&nodes)))?;
    }
    Ok(0)
}

pub fn export(ctx: &Context, args: ExportArgs) -> anyhow::Result<i32> {
    super::sync::refuse_no_dev_with_dev("export", args.no_dev, &args.groups);
    let project = ctx.project()?;
    let lock = read_lock(&project)?.ok_or_else(|| {
        UserError::new("there is no pylock.toml to export").hint("run `pvm lock` first")
    })?;
    let asked = SelectionRequest {
        groups: args.groups.iter().cloned().collect(),
        all_groups: args.all_groups,
        no_dev: args.no_dev,
        extras: args.extras.iter().cloned().collect(),
        all_extras: args.all_extras,
        ..SelectionRequest::default()
    };
    let selection = asked.resolve(&project);
    // Unknown groups and extras, and conflicting ones, are errors here as in a sync.
    selection.check_conflicts(&project)?;
    requirements(&project, &selection)?;
    let text = match args.format {
        ExportFormat::Pylock => export::pylock(&lock, &selection),
        ExportFormat::RequirementsTxt => {
            let store = ctx.store()?;
            let env = store.env_of(&project);
            let facts = env.metadata().map(|m| m.python.facts).ok_or_else(|| {
                UserError::new("requirements.txt is for one platform and Python: the env's, and it has none yet")
                    .hint("run `pvm sync` first, or export `--format pylock.toml`, which holds every platform")
            })?;
            let markers =
                crate::pep::marker_environment(&facts.markers).map_err(anyhow::Error::msg)?;
            export::requirements_txt(
                &lock,
                &project.lock_path(),
                &project.root,
                &selection,
                &markers,
            )?
        }
    };
    match &args.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, text.as_bytes()).map_err(|err| {
                anyhow::Error::new(err).context(format!("cannot write {}", path.display()))
            })?;
            ctx.ui.status("Exported", path.display());
        }
        None => write!(anstream::stdout(), "{text}")?,
    }
    Ok(0)
}

pub fn outdated(ctx: &Context, args: OutdatedArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let env = store.env_of(&project);
    let metadata = env.metadata().ok_or_else(|| {
        UserError::new(format!("{} has no env yet", project.name()))
            .hint("run `pvm sync` first: outdated compares with what is installed")
    })?;
    let layout = Layout::new(&env.dir, &metadata.python.facts);
    let selection = metadata.selection.resolve(&project);
    let roots = requirements(&project, &selection)?;
    let sources = crate::project::Sources::for_project(&project, ctx.config);
    let uv = uv_to_ask(ctx, &store, &project, &sources)?;
    let spinner = ctx.ui.spinner("Asking the index for newer versions");
    let own = metadata
        .project_install
        .as_ref()
        .and_then(|installed| installed.name.parse().ok());
    let listed = if args.all {
        Listed::All
    } else {
        Listed::Behind
    };
    let rows = outdated::outdated(&uv, &layout, &sources, &roots, own.as_ref(), listed);
    spinner.finish_and_clear();
    let rows = rows?;
    let mut out = anstream::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(0);
    }
    if rows.is_empty() && !args.all {
        // Said on stderr: an empty stdout is what a script reading the table expects.
        ctx.ui.status(
            "Checked",
            "no package is behind (`pvm outdated --all` lists every one)",
        );
        return Ok(0);
    }
    let table = rows.iter().map(|row| {
        [
            row.name.clone(),
            row.installed.clone(),
            row.allowed.clone().unwrap_or_else(|| "-".into()),
            row.latest.clone().unwrap_or_else(|| "-".into()),
            if row.direct { "direct" } else { "" }.into(),
        ]
    });
    let header = ["PACKAGE", "INSTALLED", "ALLOWED", "LATEST", ""];
    write!(
        out,
        "{}",
        crate::ui::shown_table(ctx.ui.columns, &header, table)
    )?;
    Ok(0)
}

/// The uv that asks the index, whatever installs the env: the user's, pvm's fetched one, or
/// one fetched now as `pvm lock` does (`uv-downloads`).
fn uv_to_ask(
    ctx: &Context,
    store: &crate::store::Store,
    project: &crate::project::Project,
    sources: &crate::project::Sources,
) -> anyhow::Result<std::path::PathBuf> {
    let reason = super::uv_tool::bring(ctx, store, project, sources)?;
    if let Some(uv) = crate::installer::find_uv(ctx.config) {
        return Ok(uv);
    }
    let reason = reason.unwrap_or_else(|| "none on PATH or in PVM_UV".into());
    Err(UserError::new(format!(
        "`pvm outdated` asks uv what the index has, and there is no uv ({reason})"
    ))
    .hint("put uv on PATH or set PVM_UV to its path, or let pvm fetch its own: `uv-downloads = \"automatic\"` in [tool.pvm] (or PVM_UV_DOWNLOADS=automatic) with the index reachable")
    .into())
}
