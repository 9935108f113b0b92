//! `pvm info`: the project, its env and interpreter, and whether the env is in sync.

use std::io::Write;

use crate::cli::InfoArgs;
use crate::commands::Context;
use crate::environment;
use crate::python::project_request;

pub fn info(ctx: &Context, args: InfoArgs) -> anyhow::Result<i32> {
    let project = ctx.project()?;
    let store = ctx.store()?;
    let request = project_request(args.python.as_deref(), &project, ctx.config)?;
    let info = environment::info(&store, &project, &request, ctx.config);
    let mut out = anstream::stdout();
    if args.path {
        // An editor is pointed at what this prints: make the env first if there is none, so
        // the path always holds a Python.
        if !info.env_exists {
            let options = crate::install::SyncOptions::default();
            super::ensure_env(ctx, &store, &project, &request, &options)?;
        }
        writeln!(out, "{}", info.env.display())?;
        return Ok(0);
    }
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?;
        return Ok(0);
    }
    let python = match &info.python {
        Some(python) => format!(
            "{} {} ({})",
            python.implementation,
            python.version,
            python.executable.display()
        ),
        None => "none yet".into(),
    };
    let status = match &info.reason {
        Some(reason) => format!("{} ({reason})", info.status),
        None => info.status.clone(),
    };
    let package = match (&info.installed_project, info.package) {
        (Some(installed), _) => format!(
            "{} {} installed{}",
            installed.name,
            installed.version,
            if installed.editable {
                " (editable: imports come from the project folder)"
            } else {
                ""
            }
        ),
        (None, true) => "a package, not installed: `pvm sync` installs it".into(),
        (None, false) => "not a package: only its dependencies are installed".into(),
    };
    let rows = [
        ("project", info.project.display().to_string()),
        ("name", info.name.clone()),
        ("env", info.env.display().to_string()),
        ("env python", info.env_python.display().to_string()),
        ("python", python),
        (
            "request",
            format!("{} (from {})", info.request, info.request_source),
        ),
        ("status", status),
        ("package", package),
    ];
    for (key, value) in rows {
        writeln!(out, "{key:>10}: {}", crate::ui::shown(&value))?;
    }
    Ok(0)
}
