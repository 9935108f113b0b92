//! `uv.lock` as pvm's lock. Current by uv's own rule: `uv lock --check` (its requirements
//! check against the manifest). uv.lock is a graph, not a list per environment: uv itself
//! walks it, with one `uv export --format pylock.toml --frozen` for each part of the manifest
//! (the dependencies, each group alone, each extra), and pvm gives each part's packages that
//! part's selection marker (`'g' in dependency_groups`, `'x' in extras`) and-ed with the
//! environment marker uv wrote, as pvm's own lock has them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::lock::pylock::{Package, PyLock, all_of, any_of};
use crate::project::Project;

pub const FILE: &str = "uv.lock";

/// The locked versions by name (the project and other local folders left out), for a
/// re-lock to keep.
pub fn pins(lock: &toml::Table) -> BTreeMap<String, String> {
    lock.get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|package| {
            package
                .get("source")
                .and_then(toml::Value::as_table)
                .is_some_and(|source| source.contains_key("registry"))
        })
        .filter_map(|package| {
            Some((
                package.get("name")?.as_str()?.to_string(),
                package.get("version")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

fn uv(uv: &Path, project: &Project) -> Command {
    let mut command = Command::new(uv);
    command
        .current_dir(&project.root)
        .env("UV_NO_PROGRESS", "1")
        .env_remove("VIRTUAL_ENV")
        .stdin(std::process::Stdio::null());
    command
}

/// `None` when uv's check finds the lock current, else why not.
pub fn stale(project: &Project, config: &crate::config::Config) -> Option<String> {
    let Some(path) = crate::installer::find_uv(config) else {
        return Some("pvm has no uv at hand to check it with".into());
    };
    let output = uv(&path, project)
        .args(["lock", "--check", "--offline", "--quiet"])
        .output();
    match output {
        Ok(output) if output.status.success() => None,
        Ok(output) => {
            let said = String::from_utf8_lossy(&output.stderr);
            let line = said
                .lines()
                .map(|line| line.trim().trim_start_matches("error:").trim())
                .find(|line| !line.is_empty())
                .unwrap_or("uv lock --check failed")
                .to_string();
            Some(format!("uv says: {line}"))
        }
        Err(err) => Some(format!("uv could not be run: {err}")),
    }
}

/// The lock as pvm's, each part exported by uv.
pub fn convert(project: &Project, config: &crate::config::Config) -> Result<PyLock, String> {
    let path = crate::installer::find_uv(config).ok_or("pvm has no uv at hand to read it")?;
    let manifest = &project.manifest;
    let mut parts: Vec<(Option<String>, Vec<String>)> =
        vec![(None, vec!["--no-default-groups".into()])];
    for group in manifest.dependency_groups.keys() {
        parts.push((
            Some(format!("'{group}' in dependency_groups")),
            vec!["--only-group".into(), group.clone()],
        ));
    }
    for extra in manifest.optional_dependencies.keys() {
        parts.push((
            Some(format!("'{extra}' in extras")),
            vec![
                "--no-default-groups".into(),
                "--extra".into(),
                extra.clone(),
            ],
        ));
    }
    let mut out = super::new_lock("uv");
    out.dependency_groups = manifest.dependency_groups.keys().cloned().collect();
    out.extras = manifest.optional_dependencies.keys().cloned().collect();
    // Each package once, with the markers of every part that reaches it.
    let mut merged: Vec<(Package, Vec<Option<String>>)> = Vec::new();
    for (selection, flags) in parts {
        let output = uv(&path, project)
            .args([
                "export",
                "--format",
                "pylock.toml",
                "--frozen",
                "--offline",
                "--quiet",
                "--no-header",
            ])
            .args(&flags)
            .output()
            .map_err(|err| format!("uv could not be run: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "`uv export {}` failed: {}",
                flags.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let part: PyLock =
            toml::from_str(&text).map_err(|err| format!("uv's export cannot be read: {err}"))?;
        if out.requires_python.is_none() {
            out.requires_python = part.requires_python.clone();
        }
        for package in part.packages {
            let marker = all_of(selection.clone(), package.marker.clone());
            let same = |known: &Package| {
                known.name == package.name
                    && known.version == package.version
                    && known.directory == package.directory
            };
            match merged.iter_mut().find(|(known, _)| same(known)) {
                Some((_, markers)) => markers.push(marker),
                None => merged.push((package, vec![marker])),
            }
        }
    }
    for (mut package, markers) in merged {
        package.marker = any_of(&markers);
        for artifact in package.artifacts_mut() {
            for digest in artifact.hashes.values_mut() {
                digest.make_ascii_lowercase();
            }
        }
        out.packages.push(package);
    }
    Ok(out)
}
