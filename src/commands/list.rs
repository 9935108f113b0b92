//! `pvm list`: every env in the store.

use std::io::Write;

use owo_colors::OwoColorize;

use crate::cli::ListArgs;
use crate::commands::Context;
use crate::listing::{self, Status};
use crate::ui;

pub fn list(ctx: &Context, args: ListArgs) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let listing = listing::list(&store, ctx.config);
    let envs = listing.envs;
    let mut stdout = anstream::stdout();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&envs)?)?;
        return Ok(0);
    }
    if envs.is_empty() {
        ctx.ui.status(
            "Empty",
            format!("no envs in {}", store.envs_dir().display()),
        );
        return Ok(0);
    }
    let mut rows: Vec<Vec<String>> = envs
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
                ui::human_size(env.own_bytes),
                ui::human_size(env.shared_bytes),
                ui::ago(env.last_used),
            ]
        })
        .collect();
    // Every env's own files, and what they share counted once however many envs link it.
    let own: u64 = envs.iter().map(|env| env.own_bytes).sum();
    let mut total = vec![String::new(); 8];
    total[0] = format!("total ({})", ui::count(envs.len(), "env"));
    total[5] = ui::human_size(own);
    total[6] = ui::human_size(listing.total_bytes - own);
    rows.push(total);
    // The table of thousands of envs is made in memory and written at once, not a line at a
    // time.
    let mut out = anstream::AutoStream::new(Vec::new(), stdout.current_choice());
    write!(
        out,
        "{}",
        ui::table(
            ctx.ui.columns,
            &[
                "NAME",
                "KIND",
                "PROJECT",
                "PYTHON",
                "STATUS",
                "OWN",
                "SHARED",
                "LAST USED"
            ],
            &rows
        )
    )?;
    std::io::stdout().lock().write_all(&out.into_inner())?;
    Ok(0)
}
