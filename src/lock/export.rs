//! `pvm export`: the locked selection in the formats other tools read.

use std::path::Path;

use super::pylock::{Directory, PyLock};
use crate::lock::LockError;
use crate::pep::MarkerEnvironment;
use crate::project::Selection;

/// The lock's packages for `selection` on this machine (`env`), as pip's hash-checking
/// requirements: `name==version --hash=sha256:…`, a direct archive by its URL or path. The
/// lock's path is for errors.
pub fn requirements_txt(
    lock: &PyLock,
    lock_path: &Path,
    root: &Path,
    selection: &Selection,
    env: &MarkerEnvironment,
) -> Result<String, LockError> {
    let mut out = String::from(
        "# Exported by `pvm export` from pylock.toml, for this platform and Python.\n",
    );
    for package in lock.selected(lock_path, selection, env)? {
        // The project itself, as uv's export writes it: its folder, editable.
        if package.is_project(root) {
            out.push_str("-e .\n");
            continue;
        }
        if let Some(directory) = &package.directory {
            out.push_str(&folder_line(package.name.as_str(), directory, root));
            continue;
        }
        let head = match (&package.archive, &package.version) {
            (Some(archive), _) => match (&archive.path, archive.local_file(root)) {
                (Some(path), _) if relative_line(path).is_some() => {
                    relative_line(path).unwrap_or_default()
                }
                (_, Some(file)) => {
                    format!(
                        "{} @ {}",
                        package.name,
                        crate::fsutil::path_to_file_url(&file)
                    )
                }
                _ => format!(
                    "{} @ {}",
                    package.name,
                    archive.url.clone().unwrap_or_default()
                ),
            },
            (None, Some(version)) => format!("{}=={version}", package.name),
            (None, None) => continue,
        };
        out.push_str(&head);
        for artifact in package.artifacts() {
            if let Some(sha256) = artifact.sha256() {
                out.push_str(&format!(" \\\n    --hash=sha256:{sha256}"));
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// A folder of the lock, as pip reads it: relative as the lock writes it (`-e ../lib`, read
/// from the project root as the lock is), or by its absolute `file://` URL.
fn folder_line(name: &str, directory: &Directory, root: &Path) -> String {
    let editable = directory.editable == Some(true);
    let line = match relative_line(&directory.path) {
        Some(path) => path,
        None => {
            let url = crate::fsutil::path_to_file_url(&root.join(&directory.path));
            if editable {
                url
            } else {
                format!("{name} @ {url}")
            }
        }
    };
    match editable {
        true => format!("-e {line}\n"),
        false => format!("{line}\n"),
    }
}

/// A path of the lock as a requirements line, relative as the lock writes it: pip takes a
/// line for a path when it starts with `.`. `None` for an absolute path, or one with white
/// space (a requirements line splits there): those go as `file://` URLs, which escape it.
fn relative_line(path: &str) -> Option<String> {
    if Path::new(path).is_absolute() || path.contains(char::is_whitespace) {
        return None;
    }
    Some(if path.starts_with('.') {
        path.to_string()
    } else {
        format!("./{path}")
    })
}

/// The lock for `selection`: every platform kept, its groups made the default ones (so a
/// plain `uv pip install -r` installs them); extras are still named by the reader.
pub fn pylock(lock: &PyLock, selection: &Selection) -> String {
    let mut copy = lock.clone();
    copy.default_groups = selection.groups.iter().cloned().collect();
    copy.to_toml()
}
