//! `pvm export`: the locked selection in the formats other tools read.

use std::path::Path;

use super::SyncError;
use super::pylock::PyLock;
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
) -> Result<String, SyncError> {
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
            out.push_str(&format!(
                "{} @ {}\n",
                package.name,
                crate::fsutil::path_to_file_url(&root.join(&directory.path))
            ));
            continue;
        }
        let head = match (&package.archive, &package.version) {
            (Some(archive), _) => {
                let location = match archive.local_file(root) {
                    Some(file) => crate::fsutil::path_to_file_url(&file),
                    None => archive.url.clone().unwrap_or_default(),
                };
                format!("{} @ {location}", package.name)
            }
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

/// The lock for `selection`: every platform kept, its groups made the default ones (so a
/// plain `uv pip install -r` installs them); extras are still named by the reader.
pub fn pylock(lock: &PyLock, selection: &Selection) -> String {
    let mut copy = lock.clone();
    copy.default_groups = selection.groups.iter().cloned().collect();
    copy.to_toml()
}
