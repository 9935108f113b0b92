//! `pvm python list | find | pin`.

use std::io::Write;

use crate::cli::PythonCommand;
use crate::commands::{Context, UserError};
use crate::environment;
use crate::project::{self, Project};
use crate::python::request::PYTHON_VERSION_FILE;
use crate::python::{
    Finder, InterpreterRequest, InterpreterSummary, PythonError, RequestSource, SourcedRequest,
    project_request,
};
use crate::quote::shell_word;
use crate::ui;

pub fn python(ctx: &Context, command: PythonCommand) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let finder = environment::finder(&store, ctx.config);
    let mut out = anstream::stdout();
    match command {
        PythonCommand::List {
            available: true,
            json,
        } => return super::python_install::list_available(ctx, json),
        PythonCommand::Install { requests } => {
            return super::python_install::install(ctx, requests);
        }
        PythonCommand::Uninstall { versions, force } => {
            return super::python_install::uninstall(ctx, versions, force);
        }
        PythonCommand::List { json, .. } => {
            let spinner = ctx.ui.spinner("Looking for interpreters");
            let mut found: Vec<InterpreterSummary> =
                finder.all().iter().map(InterpreterSummary::from).collect();
            crate::python::facts::newest_first(&mut found, |python| &python.version);
            spinner.finish_and_clear();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&found)?)?;
                return Ok(0);
            }
            let rows = found.iter().map(|python| {
                let version = if python.supported {
                    python.version.clone()
                } else {
                    format!("{} (unsupported)", python.version)
                };
                [
                    version,
                    python.implementation.clone(),
                    python.origin.to_string(),
                    python.path.display().to_string(),
                ]
            });
            let header = ["VERSION", "IMPLEMENTATION", "FOUND IN", "PATH"];
            write!(out, "{}", ui::shown_table(ctx.ui.columns, &header, rows))?;
        }
        PythonCommand::Find { request } => {
            let (request, requires) = match request {
                Some(text) => (parse(ctx, &text, RequestSource::Argument)?, None),
                // Outside a project: the default rule (the first python3 on PATH).
                None => match ctx.project() {
                    Ok(project) => (
                        project_request(None, &project, ctx.config)?,
                        project.manifest.requires_python,
                    ),
                    Err(_) if ctx.project_dir.is_none() => (
                        SourcedRequest {
                            request: InterpreterRequest::Default,
                            source: RequestSource::Default,
                        },
                        None,
                    ),
                    Err(err) => return Err(err),
                },
            };
            let spinner = ctx.ui.spinner(format!("Finding Python {}", request.key()));
            let found = finder.find(&request, requires.as_ref());
            spinner.finish_and_clear();
            writeln!(out, "{}", found?.path.display())?;
        }
        PythonCommand::Pin {
            request: text,
            force,
        } => pin(ctx, &finder, text.trim(), force)?,
    }
    Ok(0)
}

/// `pvm python pin`: writes `.python-version` for an installed interpreter that the project's
/// requires-python allows (`force` writes one it does not allow, with a warning).
fn pin(ctx: &Context, finder: &Finder, text: &str, force: bool) -> anyhow::Result<()> {
    let request = parse(ctx, text, RequestSource::Argument)?;
    // Like `pyenv local`: pinning something not installed is an error.
    let found = finder
        .find(&request, None)
        .map_err(|err| not_installed(err, &request.request, text))?;
    let dir = match ctx.project() {
        Ok(project) => project.root,
        Err(_) if ctx.project_dir.is_none() => project::absolute(&ctx.config.current_dir()?),
        Err(err) => return Err(err),
    };
    // Every later env of the project would refuse it: refused here, as uv and poetry do.
    let refused_by = Project::at(&dir)
        .ok()
        .and_then(|project| project.manifest.requires_python)
        .filter(|requires| {
            found
                .facts
                .pep440_version()
                .is_some_and(|version| !requires.contains(&version))
        });
    if let Some(requires) = &refused_by
        && !force
    {
        return Err(UserError::new(format!(
            "Python {} does not satisfy the project's requires-python `{requires}`: its env could not use it",
            found.facts.version
        ))
        .hint(format!(
            "pin a version `{requires}` allows, or change requires-python; `pvm python pin {} --force` pins it anyway",
            shell_word(text)
        ))
        .into());
    }
    let pin = dir.join(PYTHON_VERSION_FILE);
    std::fs::write(&pin, format!("{text}\n"))?;
    ctx.ui.status(
        "Pinned",
        format!(
            "{text} in {} (now Python {} at {})",
            pin.display(),
            found.facts.version,
            found.path.display()
        ),
    );
    if let Some(requires) = refused_by {
        ctx.ui.warn(format!(
            "Python {} does not satisfy requires-python `{requires}`",
            found.facts.version
        ));
    }
    Ok(())
}

/// A request nothing installed matches: the error says how to install it, when pvm can.
fn not_installed(err: PythonError, request: &InterpreterRequest, text: &str) -> anyhow::Error {
    let installable = match request {
        InterpreterRequest::Version { implementation, .. } => implementation
            .as_deref()
            .is_none_or(|name| name == "cpython"),
        InterpreterRequest::Specifiers(_) => true,
        _ => false,
    };
    match err {
        PythonError::NoMatch { .. } if installable => UserError::new(err.to_string())
            .hint(format!(
                "run `pvm python install {}` first, then pin it (`pvm python list` shows what is installed)",
                shell_word(text)
            ))
            .into(),
        err => err.into(),
    }
}

fn parse(ctx: &Context, text: &str, source: RequestSource) -> anyhow::Result<SourcedRequest> {
    let request =
        InterpreterRequest::parse(text, ctx.config.home.as_deref()).map_err(|message| {
            UserError::new(format!("invalid interpreter request `{text}`: {message}"))
                .hint(crate::python::REQUEST_GRAMMAR)
        })?;
    Ok(SourcedRequest { request, source })
}
