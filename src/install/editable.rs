//! The project's editable install, kept. After the build backend ran, what it put in
//! site-packages (the `.dist-info`, the `.pth` or finder that points at the project's folder)
//! is copied into the store's cache, keyed by the project's folder, its build inputs and the
//! interpreter. A fresh env of the same project links it in from there instead of building
//! again (hatchling with hatch-vcs takes about 0.6 s), as uv keeps its editable builds; a
//! change to the build inputs is a new key, so a new build.

use fs_err as fs;
use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::wheel::{self, WheelError};
use crate::fsutil;
use crate::pep::{self, MarkerEnvironment, PackageName};
use crate::python::Facts;
use crate::site::{self, Dist};
use crate::venv::Layout;

/// Where the build of the project at `root`, from `build_inputs`, for this interpreter is kept.
/// The git state is part of the key: hatch-vcs and setuptools-scm take the version from it.
pub fn slot(cache: &Path, root: &Path, build_inputs: &str, facts: &Facts) -> PathBuf {
    let key = fsutil::sha256_parts([
        root.as_os_str().as_encoded_bytes(),
        build_inputs.as_bytes(),
        facts.base_executable.as_os_str().as_encoded_bytes(),
        facts.version.as_bytes(),
        facts.abiflags.as_bytes(),
        &git_state(root),
    ]);
    cache.join("editables").join(&key[..32])
}

/// What a commit, a checkout or a new tag changes in the repository holding `root`: `HEAD`,
/// the commit it points at, and when the tags last changed. Empty outside a repository.
fn git_state(root: &Path) -> Vec<u8> {
    let Some(git) = root
        .ancestors()
        .map(|dir| dir.join(".git"))
        .find(|git| git.exists())
    else {
        return Vec::new();
    };
    // A worktree's `.git` is a file naming its folder.
    let git = match fs::read_to_string(&git) {
        Ok(text) => match text.trim().strip_prefix("gitdir:") {
            Some(dir) => git.parent().unwrap_or(root).join(dir.trim()),
            None => return text.into_bytes(),
        },
        Err(_) => git,
    };
    // A worktree keeps its HEAD; the refs and tags are the main repository's (`commondir`).
    let common = fs::read_to_string(git.join("commondir"))
        .map(|dir| git.join(dir.trim()))
        .unwrap_or_else(|_| git.clone());
    let mut state = fs::read(git.join("HEAD")).unwrap_or_default();
    let head = String::from_utf8_lossy(&state).trim().to_string();
    if let Some(reference) = head.strip_prefix("ref:").map(str::trim) {
        let loose = fs::read(git.join(reference)).or_else(|_| fs::read(common.join(reference)));
        let commit = loose.unwrap_or_else(|_| {
            // Or packed: `<commit> <ref>` lines.
            fs::read_to_string(common.join("packed-refs"))
                .unwrap_or_default()
                .lines()
                .find(|line| line.split_whitespace().nth(1) == Some(reference))
                .unwrap_or_default()
                .as_bytes()
                .to_vec()
        });
        state.extend(commit);
    }
    for changed in ["packed-refs", "refs/tags"] {
        if let Ok(modified) = fs::metadata(common.join(changed)).and_then(|m| m.modified()) {
            state.extend(format!("{modified:?}").into_bytes());
        }
    }
    state
}

/// Installs the build kept at `slot` into the env, its console scripts written for this env.
/// `false`, with nothing done, when none is kept, or when what the build requires is not all
/// installed (a `setup.py`'s `install_requires` reaches the env only through a build).
pub fn restore(
    slot: &Path,
    layout: &Layout,
    facts: &Facts,
    markers: &MarkerEnvironment,
    installed: &BTreeMap<PackageName, Dist>,
) -> Result<bool, WheelError> {
    let kept = site::installed(slot);
    let Some(dist) = kept.values().next() else {
        return Ok(false);
    };
    let missing = dist.requires.iter().any(|requirement| {
        pep::applies(requirement, markers, &[]) && !installed.contains_key(&requirement.name)
    });
    if missing {
        return Ok(false);
    }
    if let Err(err) = wheel::install_tree(slot, layout, facts) {
        // Half linked in: the `.dist-info` goes (the build that follows writes the files
        // anew), so that its installer does not meet a dist without a RECORD.
        if let Some(name) = dist.dist_info.file_name() {
            let _ = fs::remove_dir_all(layout.site_packages.join(name));
        }
        return Err(err);
    }
    Ok(true)
}

/// Keeps the project's editable install `dist`, just built into the env, at `slot`. Only an
/// install that is all in site-packages, apart from the scripts its entry points name (written
/// anew for each env), is kept, and none that names the env's own folder; `false` otherwise,
/// and the next fresh env builds.
pub fn keep(slot: &Path, dist: &Dist, layout: &Layout) -> io::Result<bool> {
    let Some(files) = site::record_files(dist) else {
        return Ok(false);
    };
    let dist_info = dist
        .dist_info
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let entry_points =
        fs::read_to_string(dist.dist_info.join("entry_points.txt")).unwrap_or_default();
    let env_root = layout.root.display().to_string();
    let mut kept = Vec::new();
    for file in files {
        let path = Path::new(&file);
        if file.starts_with("..") || path.is_absolute() {
            // A script in `bin/`: fine when an entry point makes it.
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|name| names_script(&entry_points, &name)) {
                continue;
            }
            return Ok(false);
        }
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return Ok(false);
        }
        let own = [
            format!("{dist_info}/RECORD"),
            format!("{dist_info}/INSTALLER"),
        ];
        if own.contains(&file) || file.contains("__pycache__") {
            continue;
        }
        let bytes = fs::read(layout.site_packages.join(path))?;
        if String::from_utf8_lossy(&bytes).contains(&env_root) {
            return Ok(false);
        }
        kept.push((file, bytes));
    }
    let parent = slot.parent().unwrap_or(slot);
    fs::create_dir_all(parent)?;
    let scratch = tempfile::Builder::new()
        .prefix(&fsutil::Temp::Keep.prefix())
        .tempdir_in(parent)?;
    for (file, bytes) in kept {
        let target = scratch.path().join(&file);
        if let Some(folder) = target.parent() {
            fs::create_dir_all(folder)?;
        }
        fs::write(target, bytes)?;
    }
    // A kept build is replaced whole, never changed in place (envs link to its files): the
    // old one is moved aside first, so a slot is always whole or absent.
    if slot.exists() {
        let old = tempfile::Builder::new()
            .prefix(&fsutil::Temp::Old.prefix())
            .tempdir_in(parent)?;
        fsutil::set_aside(slot, old.path());
    }
    // Another pvm may have kept the same build meanwhile: then its copy is used.
    fsutil::place_dir(scratch.path(), slot)?;
    Ok(true)
}

/// Whether `entry_points.txt` makes a console or GUI script called `name`.
fn names_script(entry_points: &str, name: &str) -> bool {
    super::wheel_check::entry_points_of(entry_points)
        .iter()
        .any(|(script, _)| script == name)
}
