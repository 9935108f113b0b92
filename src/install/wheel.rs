//! Installing a wheel natively: how pvm seeds pip from the interpreter's own bundled wheel,
//! without the network and without running `ensurepip`.
//!
//! A wheel is a zip: files go to site-packages, `<name>.data/<key>/` to the scheme's folders,
//! console scripts are written from `entry_points.txt`, and `RECORD` lists it all for uninstall.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use super::wheel_check;
use crate::python::Facts;
use crate::venv::Layout;

#[derive(Debug, thiserror::Error)]
pub enum WheelError {
    #[error("cannot read the wheel {}", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a valid wheel: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: String },
    /// A zip feature pvm does not read (a compression method it lacks): the installer can.
    #[error("pvm cannot unpack {}: {reason}", .path.display())]
    Unsupported { path: PathBuf, reason: String },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Installs `wheel` into the env; returns the project name from the wheel.
///
/// The wheel is unpacked once into `cache` (keyed by its name, size and mtime) and its files are
/// hard-linked from there: creating hundreds of files is what makes seeding pip slow, linking
/// them is several times faster. Without a cache, or across file systems, files are copied.
pub fn install(
    wheel: &Path,
    layout: &Layout,
    facts: &Facts,
    cache: Option<&Path>,
) -> Result<String, WheelError> {
    let scratch;
    let unpacked = match cache {
        Some(cache) => unpack_cached(wheel, cache, false)?,
        None => {
            scratch = crate::fsutil::scratch_dir().map_err(|source| WheelError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            let root = scratch.path().join("wheel");
            unpack(wheel, &root)?;
            root
        }
    };
    install_tree(&unpacked, layout, facts).map_err(|err| match err {
        // The error names the wheel, not where it was unpacked.
        WheelError::Invalid { reason, .. } => WheelError::Invalid {
            path: wheel.to_path_buf(),
            reason,
        },
        other => other,
    })
}

/// Installs a wheel already unpacked at `unpacked` (left as it is: its files are linked or
/// copied); returns the project name from its `.dist-info`.
pub fn install_tree(unpacked: &Path, layout: &Layout, facts: &Facts) -> Result<String, WheelError> {
    let unpacked = unpacked.to_path_buf();
    let invalid = |reason: String| WheelError::Invalid {
        path: unpacked.clone(),
        reason,
    };
    let dist_info = fs::read_dir(&unpacked)
        .map_err(|source| WheelError::Open {
            path: unpacked.clone(),
            source,
        })?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with(".dist-info"))
        .ok_or_else(|| invalid("no .dist-info".into()))?;
    let stem = dist_info.trim_end_matches(".dist-info").to_string();
    let data_dir = format!("{stem}.data");
    let project = stem.split('-').next().unwrap_or(&stem).to_string();

    let mut record = Vec::new();
    let mut scripts = Vec::new();
    place(
        &unpacked,
        &layout.site_packages,
        &[data_dir.as_str()],
        &layout.site_packages,
        &mut record,
    )?;
    let data = unpacked.join(&data_dir);
    if let Ok(entries) = fs::read_dir(&data) {
        for entry in entries.flatten() {
            let key = entry.file_name().to_string_lossy().into_owned();
            let target = match key.as_str() {
                "scripts" => {
                    scripts.push(entry.path());
                    continue;
                }
                "purelib" | "platlib" => layout.site_packages.clone(),
                // Where pip and uv put a venv's headers.
                "headers" => layout
                    .root
                    .join("include/site")
                    .join(format!(
                        "python{}.{}",
                        facts.version_info.0, facts.version_info.1
                    ))
                    .join(&project),
                "data" => layout.root.clone(),
                other => return Err(invalid(format!("unknown data folder `{other}`"))),
            };
            place(
                &entry.path(),
                &target,
                &[],
                &layout.site_packages,
                &mut record,
            )?;
        }
    }
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WheelError::Write { path, source }
    };
    fs::create_dir_all(&layout.bin).map_err(write_err(&layout.bin))?;
    // Scripts shipped in the wheel: `#!python` becomes this env's python.
    for folder in scripts {
        for entry in fs::read_dir(&folder).map_err(write_err(&folder))?.flatten() {
            let mut bytes = fs::read(entry.path()).map_err(write_err(&entry.path()))?;
            if bytes.starts_with(b"#!python") {
                let rest = bytes
                    .splitn(2, |&b| b == b'\n')
                    .nth(1)
                    .unwrap_or_default()
                    .to_vec();
                bytes = shebang(&layout.python()).into_bytes();
                bytes.extend(rest);
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = write_script(&layout.bin, &name, &bytes)?;
            record.push(record_path(&path, &layout.site_packages));
        }
    }

    let entry_points =
        fs::read_to_string(unpacked.join(&dist_info).join("entry_points.txt")).unwrap_or_default();
    for (name, target) in console_scripts(&entry_points, &project, facts) {
        let (module, function) = target.split_once(':').unwrap_or((target.as_str(), "main"));
        let head = function.split('.').next().unwrap_or(function);
        let script = format!(
            "{}# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module} import {head}\nif __name__ == \"__main__\":\n    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n    sys.exit({function}())\n",
            shebang(&layout.python())
        );
        let path = write_script(&layout.bin, &name, script.as_bytes())?;
        record.push(record_path(&path, &layout.site_packages));
    }

    let info = layout.site_packages.join(&dist_info);
    let installer = info.join("INSTALLER");
    // Written anew, never through a link into the cache.
    let _ = fs::remove_file(&installer);
    fs::write(&installer, "pvm\n").map_err(write_err(&installer))?;
    record.push(format!("{dist_info}/INSTALLER"));
    record.push(format!("{dist_info}/RECORD"));
    let lines: String = record
        .iter()
        .map(|path| format!("{},,\n", csv_field(path)))
        .collect();
    let record_file = info.join("RECORD");
    fs::write(&record_file, lines).map_err(write_err(&record_file))?;
    Ok(project)
}

/// The wheel unpacked under `cache`, unpacking it first if needed (or anew when `fresh`: an
/// unpacked copy is linked into envs, and an edit made in place in one would be in it). A
/// finished unpack is checked, then renamed into place, so a killed or broken one is never
/// used.
pub fn unpack_cached(wheel: &Path, cache: &Path, fresh: bool) -> Result<PathBuf, WheelError> {
    let meta = fs::metadata(wheel).map_err(|source| WheelError::Open {
        path: wheel.to_path_buf(),
        source,
    })?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    let name = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = cache.join(format!(
        "{}-{}-{mtime}",
        name.trim_end_matches(".whl"),
        meta.len()
    ));
    if !fresh && dir.is_dir() {
        return Ok(dir);
    }
    let write_err = |source| WheelError::Write {
        path: cache.to_path_buf(),
        source,
    };
    fs::create_dir_all(cache).map_err(write_err)?;
    let scratch = tempfile::Builder::new()
        .prefix(&crate::fsutil::Temp::Unpack.prefix())
        .tempdir_in(cache)
        .map_err(write_err)?;
    let root = scratch.path().join("wheel");
    unpack(wheel, &root)?;
    check_tree(&root, wheel)?;
    if dir.is_dir() {
        // Swapped only now, so that another pvm linking from it misses it for two renames,
        // not a whole unpack. Envs keep their links to the old files; the old copy goes with
        // the scratch folder.
        let _ = fs::rename(&dir, scratch.path().join("old"));
    }
    match fs::rename(&root, &dir) {
        Ok(()) => Ok(dir),
        // Another pvm unpacked it meanwhile.
        Err(_) if dir.is_dir() => Ok(dir),
        Err(source) => Err(WheelError::Write { path: dir, source }),
    }
}

/// What the wheel holds is checked once it is unpacked, before it is used (see `wheel_check`).
fn check_tree(root: &Path, wheel: &Path) -> Result<(), WheelError> {
    wheel_check::contents(root)
        .map(drop)
        .map_err(|reason| WheelError::Invalid {
            path: wheel.to_path_buf(),
            reason,
        })
}

/// Writes every file of the wheel under `root`, as the zip lays them out.
fn unpack(wheel: &Path, root: &Path) -> Result<(), WheelError> {
    let invalid = |reason: String| WheelError::Invalid {
        path: wheel.to_path_buf(),
        reason,
    };
    let file = fs::File::open(wheel).map_err(|source| WheelError::Open {
        path: wheel.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|err| wheel_check::zip_error(wheel, err))?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|err| wheel_check::zip_error(wheel, err))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|err| invalid(err.to_string()))?
            .into_owned();
        if !is_safe(&name) {
            return Err(invalid(format!("unsafe path `{name}`")));
        }
        // The wheel's own RECORD is written anew on install; a vendored one deeper down stays.
        if name.matches('/').count() == 1 && name.ends_with(".dist-info/RECORD") {
            continue;
        }
        wheel_check::readable(wheel, &name, entry.compression())?;
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|err| invalid(format!("{name}: {err}")))?;
        let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
        let target = root.join(&name);
        let write_err = |source| WheelError::Write {
            path: target.clone(),
            source,
        };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(write_err)?;
        }
        fs::write(&target, &bytes).map_err(write_err)?;
        if executable {
            set_executable(&target).map_err(write_err)?;
        }
    }
    Ok(())
}

/// Links (or copies) the tree at `from` into `to`, leaving out the top-level names in `skip`,
/// and records every file relative to `site_packages`. (Linking one tree from several threads
/// gains nothing: links into one folder wait on each other in the kernel.)
fn place(
    from: &Path,
    to: &Path,
    skip: &[&str],
    site_packages: &Path,
    record: &mut Vec<String>,
) -> Result<(), WheelError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WheelError::Write { path, source }
    };
    fs::create_dir_all(to).map_err(write_err(to))?;
    let entries = fs::read_dir(from).map_err(|source| WheelError::Open {
        path: from.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if skip.iter().any(|skipped| name == *skipped) {
            continue;
        }
        let source = entry.path();
        let target = to.join(&name);
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            place(&source, &target, &[], site_packages, record)?;
            continue;
        }
        link(&source, &target)?;
        record.push(record_path(&target, site_packages));
    }
    Ok(())
}

/// Hard-links `source` at `target`. A file already there is replaced, not written through: it
/// may be a link into another wheel's unpacked copy. Across file systems, a copy.
fn link(source: &Path, target: &Path) -> Result<(), WheelError> {
    match fs::hard_link(source, target) {
        Ok(()) => return Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(target);
        }
        Err(_) => {}
    }
    if fs::hard_link(source, target).is_err() {
        fs::copy(source, target).map_err(|source| WheelError::Write {
            path: target.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// Console scripts from `entry_points.txt`. pip's own `pipX.Y` names are made for this env's
/// version, as ensurepip does.
fn console_scripts(entry_points: &str, project: &str, facts: &Facts) -> Vec<(String, String)> {
    let scripts = wheel_check::entry_points_of(entry_points);
    if project.eq_ignore_ascii_case("pip")
        && let Some((_, target)) = scripts.iter().find(|(name, _)| name == "pip").cloned()
    {
        let (major, minor) = (facts.version_info.0, facts.version_info.1);
        return [
            "pip".to_string(),
            format!("pip{major}"),
            format!("pip{major}.{minor}"),
        ]
        .into_iter()
        .map(|name| (name, target.clone()))
        .collect();
    }
    scripts
}

/// Writes the script `name` into `bin`, executable. A name that is not one plain file name is
/// refused, and what is there is replaced, never written through: `python3` is a link to the
/// interpreter every env shares, a linked file is the cache's.
fn write_script(bin: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WheelError> {
    let path = bin.join(name);
    // Checked with the rest of the wheel before the env changed; checked again here, where
    // it is written.
    wheel_check::script_name(name).map_err(|reason| WheelError::Invalid {
        path: path.clone(),
        reason,
    })?;
    let write_err = |source| WheelError::Write {
        path: path.clone(),
        source,
    };
    match fs::remove_file(&path) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(write_err(err)),
    }
    fs::write(&path, bytes).map_err(write_err)?;
    set_executable(&path).map_err(write_err)?;
    Ok(path)
}

/// `#!python` for this env. The kernel reads at most 127 bytes of a `#!` line and ends the
/// interpreter at a blank: longer paths, and paths with a blank or a control character, go
/// through `/bin/sh`, as pip and uv do, with the path quoted as one word (a store in a folder
/// named with `'`, `"` or `$` still runs its scripts). Python reads the second line as a string.
pub fn shebang(python: &Path) -> String {
    let python = python.display().to_string();
    if python.len() + 2 > 127 || python.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let python = crate::quote::posix(&python);
        format!("#!/bin/sh\n'''exec' {python} \"$0\" \"$@\"\n' '''\n")
    } else {
        format!("#!{python}\n")
    }
}

fn is_safe(name: &str) -> bool {
    let path = Path::new(name);
    !name.contains('\\')
        && path
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

fn set_executable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
}

/// A RECORD path: relative to site-packages, with `..` for files outside it.
fn record_path(path: &Path, site_packages: &Path) -> String {
    if let Ok(relative) = path.strip_prefix(site_packages) {
        return relative.display().to_string();
    }
    let mut up = PathBuf::new();
    let mut base = site_packages;
    while !path.starts_with(base) {
        up.push("..");
        base = match base.parent() {
            Some(parent) => parent,
            None => return path.display().to_string(),
        };
    }
    up.join(path.strip_prefix(base).unwrap_or(path))
        .display()
        .to_string()
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The pip wheel an interpreter ships: `ensurepip/_bundled` in its standard library, or
/// Debian's `/usr/share/python-wheels`. The newest when there are several.
pub fn bundled_pip(facts: &Facts) -> Option<PathBuf> {
    bundled(facts, "pip")
}

/// The setuptools wheel an interpreter ships (3.6 to 3.11 do, as `python -m venv` seeds it):
/// `setup.py`-only projects need it to build.
pub fn bundled_setuptools(facts: &Facts) -> Option<PathBuf> {
    // `python -m venv` stopped seeding it with 3.12.
    if (facts.version_info.0, facts.version_info.1) >= (3, 12) {
        return None;
    }
    bundled(facts, "setuptools")
}

/// The newest `<project>-*.whl` the interpreter ships, or Debian ships for it.
fn bundled(facts: &Facts, project: &str) -> Option<PathBuf> {
    let stdlib = facts.stdlib.clone().unwrap_or_else(|| {
        facts
            .base_prefix
            .join("lib")
            .join(format!("python{}", facts.minor_version()))
    });
    let folders = [
        stdlib.join("ensurepip").join("_bundled"),
        PathBuf::from("/usr/share/python-wheels"),
    ];
    folders.iter().find_map(|folder| {
        let mut wheels: Vec<(Vec<u64>, PathBuf)> = fs::read_dir(folder)
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let version = name
                    .strip_prefix(&format!("{project}-"))?
                    .split('-')
                    .next()?
                    .to_string();
                if !name.ends_with(".whl") {
                    return None;
                }
                let key = version
                    .split('.')
                    .map(|part| part.parse().unwrap_or(0))
                    .collect();
                Some((key, entry.path()))
            })
            .collect();
        wheels.sort();
        wheels.pop().map(|(_, path)| path)
    })
}

/// The `Requires-Dist` of a wheel file, read from its metadata without unpacking it; nothing
/// when it cannot be read (an sdist, a broken file).
pub fn requires_dist(wheel: &Path) -> Vec<crate::pep::Requirement> {
    let Ok(file) = fs::File::open(wheel) else {
        return Vec::new();
    };
    let Ok(mut archive) = zip::ZipArchive::new(io::BufReader::new(file)) else {
        return Vec::new();
    };
    let Some(name) = (0..archive.len())
        .filter_map(|i| {
            archive
                .name_for_index(i)?
                .ok()
                .map(|name| name.into_owned())
        })
        .find(|name| name.ends_with(".dist-info/METADATA") && name.matches('/').count() == 1)
    else {
        return Vec::new();
    };
    let mut text = String::new();
    if archive
        .by_name(&name)
        .ok()
        .and_then(|mut entry| entry.read_to_string(&mut text).ok())
        .is_none()
    {
        return Vec::new();
    }
    text.lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.strip_prefix("Requires-Dist:"))
        .filter_map(|value| crate::pep::parse_requirement(value).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe("pkg/__init__.py"));
        assert!(!is_safe("../evil.py"));
        assert!(!is_safe("/etc/passwd"));
        assert!(!is_safe("a/../../b"));
    }

    #[test]
    fn record_paths_reach_out_of_site_packages() {
        let site = Path::new("/env/lib/python3.12/site-packages");
        assert_eq!(
            record_path(Path::new("/env/bin/pip"), site),
            "../../../bin/pip"
        );
        assert_eq!(record_path(&site.join("pip/x.py"), site), "pip/x.py");
    }

    #[test]
    fn long_or_spaced_pythons_get_a_trampoline() {
        assert_eq!(shebang(Path::new("/e/bin/python")), "#!/e/bin/python\n");
        assert!(shebang(Path::new("/my env/bin/python")).starts_with("#!/bin/sh\n"));
        assert!(shebang(Path::new("/tab\tenv/bin/python")).starts_with("#!/bin/sh\n"));
        assert_eq!(
            shebang(Path::new("/O'Brien dir/bin/python")),
            "#!/bin/sh\n'''exec' '/O'\\''Brien dir/bin/python' \"$0\" \"$@\"\n' '''\n"
        );
    }
}
