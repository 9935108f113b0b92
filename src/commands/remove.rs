//! `pvm remove`: delete envs, only ever env folders pvm made inside its store.

use std::io::IsTerminal;
use std::path::Path;

use crate::cli::RemoveArgs;
use crate::commands::declared::{drop_command, where_named};
use crate::commands::{Context, UserError};
use crate::edit::manifest::Target;
use crate::listing;
use crate::project::{self, MANIFEST};
use crate::quote::shell_word;
use crate::store::{Env, Store, StoreError};

pub fn remove(ctx: &Context, args: RemoveArgs) -> anyhow::Result<i32> {
    let store = ctx.store()?;
    let envs: Vec<Env> = if args.all {
        if !args.targets.is_empty() {
            return Err(UserError::new("--all takes no env names or folders")
                .hint("run `pvm remove --all` alone, or name the envs to remove without --all")
                .into());
        }
        store.envs()
    } else if args.stale {
        if !args.targets.is_empty() {
            return Err(UserError::new("--stale takes no env names or folders")
                .hint("run `pvm remove --stale` alone, or name the envs to remove without --stale")
                .into());
        }
        // Thousands of envs: each is looked at on its own, a few at a time.
        let envs = store.envs();
        let stale = crate::parallel::map(&envs, crate::parallel::cores(), listing::is_stale);
        envs.into_iter()
            .zip(stale)
            .filter_map(|(env, stale)| stale.then_some(env))
            .collect()
    } else if args.targets.is_empty() {
        let project = ctx.project()?;
        let env = store.env_of(&project);
        if !env.exists() {
            return Err(UserError::new(format!(
                "the project at {} has no env",
                project.root.display()
            ))
            .hint("see `pvm list` for the envs in the store")
            .into());
        }
        vec![env]
    } else {
        let current = ctx.project().ok();
        let mut envs = Vec::new();
        for target in &args.targets {
            refuse_a_dependency_name(current.as_ref(), target, &store)?;
            let env = resolve(&store, target)?;
            if !envs.iter().any(|known: &Env| known.dir == env.dir) {
                envs.push(env);
            }
        }
        // Another project's env, picked by a bare project name: asked first.
        let others: Vec<&Env> = envs
            .iter()
            .filter(|env| target_of(&args.targets, env).is_some_and(is_bare_name))
            .filter(|env| {
                current.as_ref().is_none_or(|project| {
                    env.metadata()
                        .is_none_or(|m| !crate::platform::same_path(&m.project, &project.root))
                })
            })
            .collect();
        if !others.is_empty() && !args.yes && !args.dry_run {
            let names: Vec<&str> = others.iter().map(|env| env.name.as_str()).collect();
            let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
            if !interactive {
                return Err(UserError::new(format!(
                    "{} is another project's env, named by its project name",
                    names.join(", ")
                ))
                .hint("pass --yes to remove it, or give its full env name from `pvm list`")
                .into());
            }
            if !crate::ui::confirm(&format!("Remove {}?", names.join(", "))) {
                ctx.ui.status("Kept", names.join(", "));
                return Ok(1);
            }
        }
        envs
    };
    // Check everything before deleting anything. Named targets must all be pvm's; `--all`
    // and `--stale` pass over folders pvm did not make, and say so.
    let mut envs = envs;
    if args.all || args.stale {
        envs.retain(|env| match store.check_removable(env) {
            Ok(()) => true,
            Err(err) => {
                ctx.ui.warn(format!("skipped: {err}"));
                false
            }
        });
    }
    for env in &envs {
        store.check_removable(env)?;
    }
    if envs.is_empty() {
        ctx.ui.status("Nothing", "to remove");
        return Ok(0);
    }
    let describe = |env: &Env| match env.metadata() {
        Some(metadata) => format!("{} ({})", env.name, metadata.project.display()),
        None => env.name.clone(),
    };
    if args.dry_run {
        for env in &envs {
            println!("would remove {}", crate::ui::shown(&describe(env)));
        }
        return Ok(0);
    }
    if args.all && !args.yes {
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !interactive {
            return Err(
                UserError::new(format!("--all would remove {} envs", envs.len()))
                    .hint("pass --yes to confirm when not on a terminal")
                    .into(),
            );
        }
        if !crate::ui::confirm(&format!(
            "Remove all {} envs in {}?",
            envs.len(),
            store.envs_dir().display()
        )) {
            ctx.ui.status("Kept", "every env");
            return Ok(1);
        }
    }
    store.clean_trash();
    for env in &envs {
        // Wait for a pvm building or syncing this env; it may be gone by then.
        let _lock = store.lock(env, |_| {
            ctx.ui.status(
                "Waiting",
                format!("for another pvm to finish with {}", env.name),
            );
        })?;
        if !env.exists() {
            continue;
        }
        let description = describe(env);
        store.remove(env)?;
        ctx.ui.status("Removed", description);
    }
    // Overlays (`pvm run --with`) whose env is gone go with it.
    store.prune_overlays(None);
    Ok(0)
}

/// `pvm remove attrs` inside a project that depends on attrs is uv's `uv remove` habit: refused,
/// with both ways forward.
fn refuse_a_dependency_name(
    current: Option<&project::Project>,
    target: &str,
    store: &Store,
) -> anyhow::Result<()> {
    let Some(project) = current else {
        return Ok(());
    };
    if !is_bare_name(target) {
        return Ok(());
    }
    let Ok(wanted) = crate::pep::normalize_name(target) else {
        return Ok(());
    };
    let depends = project
        .manifest
        .all_requirements()
        .any(|r| crate::pep::normalize_name(r.name.as_ref()).ok().as_deref() == Some(&wanted));
    if depends {
        let env = match store.env_named(target) {
            Ok(env) => format!(
                "; to remove the env of the project named {target}: `pvm remove {}`",
                shell_word(&env.name)
            ),
            Err(_) => String::new(),
        };
        return Err(UserError::new(format!(
            "`{target}` is a dependency of this project; `pvm remove` removes envs"
        ))
        .hint(format!(
            "to drop it: `{}`{env}",
            drop_command(
                &where_named(project, target).unwrap_or(Target::Dependencies),
                target
            )
        ))
        .into());
    }
    Ok(())
}

/// A bare project name, not a full env name (`name-<16 hex>`) nor a path.
fn is_bare_name(target: &str) -> bool {
    let full = target
        .rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    !full && !target.contains('/') && !Path::new(target).exists()
}

/// The name among `targets` that picked `env`, if one did (paths do not count).
fn target_of<'a>(targets: &'a [String], env: &Env) -> Option<&'a str> {
    targets
        .iter()
        .find(|t| env.name == **t || env.name.starts_with(&format!("{}-", t.as_str())))
        .map(String::as_str)
}

/// A target is an env name, an env folder in the store, or a project folder (even one that was
/// deleted since) whose env is in the store. Anything else is refused.
fn resolve(store: &Store, target: &str) -> anyhow::Result<Env> {
    if target.contains('\0') {
        return Err(StoreError::InvalidName(target.replace('\0', "\\0")).into());
    }
    let looks_like_path =
        target.contains('/') || target == "." || target == ".." || Path::new(target).exists();
    if !looks_like_path {
        return Ok(store.env_named(target)?);
    }
    let path = project::absolute(Path::new(target));
    // An env folder given by its path: only a direct child of the store's envs folder.
    let envs_dir = store.envs_dir();
    let envs_dir_real = envs_dir.canonicalize().unwrap_or(envs_dir.clone());
    let parent = path
        .parent()
        .map(|p| p.canonicalize().unwrap_or(p.to_path_buf()));
    if parent.as_deref() == Some(envs_dir_real.as_path())
        && let Some(name) = path.file_name().and_then(|n| n.to_str())
    {
        return Ok(Env {
            name: name.to_string(),
            dir: envs_dir.join(name),
        });
    }
    // A project folder: its env is keyed by its canonical path (or, once deleted, its path).
    let root = path.canonicalize().unwrap_or(path.clone());
    let from_metadata = store.envs().into_iter().find(|env| {
        env.metadata()
            .is_some_and(|metadata| crate::platform::same_path(&metadata.project, &root))
    });
    if let Some(env) = from_metadata {
        return Ok(env);
    }
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let env = store.env_for(&name, &root);
    if env.exists() {
        return Ok(env);
    }
    if root.starts_with(&store.root)
        || root.starts_with(store.root.canonicalize().unwrap_or_default())
    {
        return Err(StoreError::NotAnEnv {
            path: root,
            reason: "it is not an env folder of the store".into(),
        }
        .into());
    }
    let what = if root.join(MANIFEST).is_file() {
        "is a project without an env"
    } else {
        "is neither an env in the store nor a project with one"
    };
    Err(
        UserError::new(format!("refusing to remove {}: it {what}", root.display()))
            .hint("pvm only removes env folders inside its store; see `pvm list`")
            .into(),
    )
}
