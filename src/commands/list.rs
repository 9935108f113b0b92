//! `pvm list`: every env in the store.

use std::io::Write;

use owo_colors::OwoColorize;

use crate::cli::ListArgs;
use crate::commands::Context;
use crate::listing::{self, Status};
use crate::ui;

pub fn list(ctx: &Context, args: ListArgs) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let envs = listing::list(&store);
    let mut out = anstream::stdout();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&envs)?)?;
        return Ok(0);
    }
    if envs.is_empty() {
        ctx.ui.status(
            "Empty",
            format!("no envs in {}", store.envs_dir().display()),
        );
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = envs
        .iter()
        .map(|env| {
            let status = match env.status {
                Status::Ok => env.status.green().to_string(),
                Status::Outdated => env.status.yellow().to_string(),
                Status::Stale | Status::Broken => env.status.red().to_string(),
            };
            let project = env.project.as_ref().map(|p| p.display().to_string());
            vec![
                ui::shown(&env.name).into_owned(),
                ui::shown(env.kind.as_deref().unwrap_or("?")).into_owned(),
                ui::shown(project.as_deref().unwrap_or("?")).into_owned(),
                ui::shown(env.python.as_deref().unwrap_or("?")).into_owned(),
                status,
                ui::human_size(env.size_bytes),
                ui::ago(env.last_used),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        ui::table(
            &[
                "NAME",
                "KIND",
                "PROJECT",
                "PYTHON",
                "STATUS",
                "SIZE",
                "LAST USED"
            ],
            &rows
        )
    )?;
    Ok(0)
}
