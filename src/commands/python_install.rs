//! `pvm python install`, `pvm python uninstall` and `pvm python list --available`.

use std::io::Write;

use crate::commands::EnvProgress;
use crate::commands::{Context, UserError};
use crate::environment::Event;
use crate::project::python_mirror;
use crate::python::download::{self, Build};
use crate::python::{
    Finder, Interpreter, InterpreterRequest, RequestSource, SourcedRequest, project_request,
};
use crate::ui;

/// The builds that can be installed here, newest first.
pub fn list_available(ctx: &Context, json: bool) -> anyhow::Result<i32> {
    let builds = download::available(ctx.config)?;
    let store = ctx.store()?;
    let mut out = anstream::stdout();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&builds)?)?;
        return Ok(0);
    }
    let rows = builds.iter().map(|build| {
        let installed = store
            .pythons_dir()
            .join(build.dir_name())
            .join("bin/python3");
        [
            build.version.clone(),
            format!("{}-{}", build.os, build.arch),
            build.build.clone(),
            if installed.is_file() { "installed" } else { "" }.to_string(),
        ]
    });
    let header = ["VERSION", "PLATFORM", "BUILD", ""];
    write!(out, "{}", ui::shown_table(ctx.ui.columns, &header, rows))?;
    Ok(0)
}

pub fn install(ctx: &Context, requests: Vec<String>) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    store.prepare()?;
    let project = ctx.project().ok();
    let requests: Vec<InterpreterRequest> = if requests.is_empty() {
        let project = project.as_ref().ok_or_else(|| {
            UserError::new("which Python? there is no project here to ask")
                .hint("name a version: `pvm python install 3.12`")
        })?;
        vec![project_request(None, project, ctx.config)?.request]
    } else {
        requests
            .iter()
            .map(|text| {
                InterpreterRequest::parse(text, ctx.config.home.as_deref()).map_err(|message| {
                    UserError::new(format!("invalid version `{text}`: {message}"))
                        .hint("a version (3.12, 3.12.1) or a range (>=3.11,<3.13)")
                })
            })
            .collect::<Result<_, _>>()?
    };
    let mirror = match &project {
        Some(project) => python_mirror(
            ctx.config,
            project.manifest.settings.python_mirror.as_deref(),
            &project.root,
        ),
        None => python_mirror(ctx.config, None, std::path::Path::new("")),
    };
    let finder = crate::environment::finder(&store, ctx.config);
    for request in requests {
        // As uv does: a request this machine answers already installs nothing.
        if let Some(found) = installed_already(&finder, &request) {
            ctx.ui.status(
                "Found",
                format!(
                    "Python {} installed already, at {} ({}): nothing to install",
                    found.facts.version,
                    found.path.display(),
                    found.origin
                ),
            );
            if let Ok(build) = download::best(&request, ctx.config)
                && build.version != found.facts.version
            {
                ctx.ui.detail(format!(
                    "pvm's own build instead: `pvm python install {}`",
                    build.version
                ));
            }
            continue;
        }
        let build = download::best(&request, ctx.config)?;
        let target = store.pythons_dir().join(build.dir_name());
        if target.join("bin/python3").is_file() {
            ctx.ui.status(
                "Installed",
                format!("Python {} already, at {}", build.version, target.display()),
            );
            continue;
        }
        install_one(ctx, &build, &store.pythons_dir(), mirror.as_deref())?;
        ctx.ui.status(
            "Installed",
            format!("Python {} at {}", build.version, target.display()),
        );
    }
    Ok(0)
}

/// The interpreter on this machine that answers a version request, if any. Only version
/// requests: a path or a name is not something to download.
fn installed_already(finder: &Finder, request: &InterpreterRequest) -> Option<Interpreter> {
    if !matches!(
        request,
        InterpreterRequest::Version { .. } | InterpreterRequest::Specifiers(_)
    ) {
        return None;
    }
    let sourced = SourcedRequest {
        request: request.clone(),
        source: RequestSource::Argument,
    };
    finder.find(&sourced, None).ok()
}

fn install_one(
    ctx: &Context,
    build: &Build,
    pythons: &std::path::Path,
    mirror: Option<&str>,
) -> anyhow::Result<()> {
    let mut progress = EnvProgress::new(ctx.ui);
    progress.event(Event::InstallingPython(build));
    download::install(build, pythons, mirror, ctx.config, &mut |step| {
        if let download::Step::Downloading { done, total } = step {
            progress.event(Event::Downloading { done, total });
        }
    })?;
    Ok(())
}

pub fn uninstall(ctx: &Context, versions: Vec<String>, force: bool) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let pythons = store.pythons_dir();
    for version in versions {
        let request = InterpreterRequest::parse(&version, ctx.config.home.as_deref())
            .map_err(|message| UserError::new(format!("invalid version `{version}`: {message}")))?;
        let installed: Vec<std::path::PathBuf> = std::fs::read_dir(&pythons)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_prefix("cpython-"))
                    .and_then(|rest| rest.split('-').next())
                    .is_some_and(|v| request.matches_plain_version(v))
            })
            .collect();
        if installed.is_empty() {
            return Err(UserError::new(format!("pvm installed no Python {version}"))
                .hint("`pvm python list` shows where each interpreter comes from")
                .into());
        }
        for dir in installed {
            let users: Vec<String> = store
                .envs()
                .into_iter()
                .filter(|env| {
                    env.metadata()
                        .is_some_and(|m| m.python.facts.base_executable.starts_with(&dir))
                })
                .map(|env| env.name)
                .collect();
            if !users.is_empty() && !force {
                return Err(UserError::new(format!(
                    "{} is used by {}",
                    dir.display(),
                    users.join(", ")
                ))
                .hint(
                    "remove those envs first, or pass --force: they then rebuild on their next run",
                )
                .into());
            }
            std::fs::remove_dir_all(&dir)?;
            ctx.ui.status("Uninstalled", dir.display());
            if !users.is_empty() {
                ctx.ui.warn(format!(
                    "{} now broken; the next `pvm run` in each rebuilds it",
                    users.join(", ")
                ));
            }
        }
    }
    Ok(0)
}
