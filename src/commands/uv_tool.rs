//! Getting pvm's own uv for a command that resolves, and saying so.

use crate::commands::Context;
use crate::installer::{find_uv, user_uv};
use crate::project::{Installer, Project, Sources, UvDownloads};
use crate::store::Store;
use crate::tools::uv;

/// Makes sure a uv is there for `project`: the user's own, pvm's already fetched, or pvm's
/// fetched now (as `uv-downloads` allows). `Some(reason)` when there is none, for the command
/// to say why pip resolves instead; a failed fetch is no error (pip still can), except a
/// download that is not what pvm's table says, which is refused loudly.
pub fn bring(
    ctx: &Context,
    store: &Store,
    project: &Project,
    sources: &Sources,
) -> anyhow::Result<Option<String>> {
    let settings = &project.manifest.settings;
    let config = ctx.config;
    if settings.installer == Installer::Pip
        || user_uv(config).is_some()
        || find_uv(config).is_some()
    {
        return Ok(None);
    }
    let mode =
        UvDownloads::in_force(settings.uv_downloads, config).map_err(super::UserError::new)?;
    if mode == UvDownloads::Never {
        return Ok(Some(uv::UvToolError::Never.to_string()));
    }
    let fetch = uv::Fetch {
        index_url: sources.index_url.as_deref(),
        offline: sources.offline || (sources.no_index && sources.index_url.is_none()),
        config,
    };
    let mut on_fetch = |url: &str| {
        ctx.ui
            .status("Fetching", format!("uv {} from {url}", uv::VERSION));
    };
    match uv::ensure(&store.root, &fetch, &mut on_fetch) {
        Ok(_) => Ok(None),
        Err(err @ (uv::UvToolError::HashMismatch { .. } | uv::UvToolError::BadWheel { .. })) => {
            Err(err.into())
        }
        Err(err) => Ok(Some(err.to_string())),
    }
}
