//! `pvm cache dir|size|prune|clean`: the store's caches over time.

use std::io::Write;

use crate::cache::{self, CacheSize, Report};
use crate::cli::CacheCommand;
use crate::commands::Context;
use crate::ui;

pub fn cache(ctx: &Context, command: CacheCommand) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let mut out = anstream::stdout();
    let waiting = |_: &std::path::Path| {
        ctx.ui.status(
            "Waiting",
            "for the running pvm syncs to finish with the cache",
        );
    };
    match command {
        CacheCommand::Dir => {
            writeln!(out, "{}", store.cache_dir().display())?;
        }
        CacheCommand::Size { json } => {
            let size = cache::size(&store);
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&size)?)?;
            } else {
                write!(out, "{}", size_table(ctx.ui.columns, &size))?;
            }
        }
        CacheCommand::Prune { ci } => {
            let report = cache::prune(&store, ci, waiting)?;
            say(ctx, &report, "nothing to prune: every entry is in use");
        }
        CacheCommand::Clean { packages } => {
            let report = cache::clean(&store, &packages, waiting)?;
            let empty = if packages.is_empty() {
                "the cache is empty".to_string()
            } else {
                format!("nothing cached for {}", packages.join(", "))
            };
            say(ctx, &report, &empty);
        }
    }
    Ok(0)
}

/// One row per bucket, then the total.
fn size_table(columns: Option<usize>, size: &CacheSize) -> String {
    let mut rows: Vec<Vec<String>> = size
        .buckets
        .iter()
        .map(|bucket| {
            vec![
                bucket.bucket.name().to_string(),
                bucket.entries.to_string(),
                ui::human_size(bucket.bytes),
                ui::human_size(bucket.shared_bytes),
                ui::human_size(bucket.cache_only_bytes),
            ]
        })
        .collect();
    rows.push(vec![
        "total".to_string(),
        String::new(),
        ui::human_size(size.bytes),
        ui::human_size(size.shared_bytes),
        ui::human_size(size.cache_only_bytes),
    ]);
    ui::table(
        columns,
        &[
            "BUCKET",
            "ENTRIES",
            "SIZE",
            "SHARED WITH ENVS",
            "CACHE ONLY",
        ],
        &rows,
    )
}

/// What went, on stderr: a line per entry under the summary.
fn say(ctx: &Context, report: &Report, empty: &str) {
    if report.removed.is_empty() {
        ctx.ui.status("Kept", empty);
        return;
    }
    ctx.ui.status(
        "Removed",
        format!(
            "{}, freeing {}",
            ui::count(report.removed.len(), "cache entry"),
            ui::human_size(report.freed_bytes)
        ),
    );
    for removed in &report.removed {
        let what = removed
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let package = removed
            .package
            .as_deref()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        ctx.ui.detail(format!(
            "{}/{what}{package}: {}",
            removed.bucket.name(),
            removed.reason
        ));
    }
}
