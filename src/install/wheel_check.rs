//! What an unpacked wheel must be before any env changes: the project and version its file name
//! and the lock say, in a format pvm knows, and nothing in it that lands on the env's own files
//! (its interpreter, `pyvenv.cfg`, pvm's metadata) or names a script pvm cannot write. uv
//! refuses such wheels; so does pvm, before `begin()`, so that a refusal leaves the env as it
//! was instead of half replaced.

use std::fs;
use std::path::Path;

use super::wheel::WheelError;
use crate::pep;
use crate::python::names;

/// What the lock says a wheel is.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub name: &'a str,
    pub version: Option<&'a str>,
}

/// Checks the wheel unpacked at `tree`: its contents (see [`contents`]), and that its
/// `.dist-info` is the project and version its file name says and, from a lock, `expected`.
/// `wheel` names it in the error: its path, or the file name the lock gives it.
pub fn check(tree: &Path, wheel: &Path, expected: Option<Expected>) -> Result<(), WheelError> {
    let invalid = |reason: String| WheelError::Invalid {
        path: wheel.to_path_buf(),
        reason,
    };
    let (name, version) = contents(tree).map_err(invalid)?;
    let file_name = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (file_project, file_version) = file_name_parts(&file_name)
        .ok_or_else(|| invalid(format!("`{file_name}` is not a wheel's file name")))?;
    same_project(&name, &version, file_project, file_version, "its file name").map_err(invalid)?;
    if let Some(expected) = expected {
        let version_or_any = expected.version.unwrap_or(&version);
        same_project(&name, &version, expected.name, version_or_any, "the lock")
            .map_err(invalid)?;
    }
    Ok(())
}

/// Checks what a wheel holds, whatever its file is called; returns the project name and
/// version of its `.dist-info`. The reason, when it is refused.
pub fn contents(tree: &Path) -> Result<(String, String), String> {
    let names: Vec<String> = fs::read_dir(tree)
        .map_err(|err| format!("cannot read it: {err}"))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let dist_infos: Vec<&String> = names.iter().filter(|n| n.ends_with(".dist-info")).collect();
    let [dist_info] = dist_infos[..] else {
        return Err(format!("{} .dist-info folders, not one", dist_infos.len()));
    };
    let stem = dist_info.trim_end_matches(".dist-info");
    let (name, version) = stem
        .rsplit_once('-')
        .ok_or_else(|| format!("`{dist_info}` is not `<name>-<version>.dist-info`"))?;
    let info = tree.join(dist_info);
    wheel_version(&info)?;
    metadata_matches(&info, name, version)?;
    // Everything in `<stem>.data` goes into the env beside site-packages: a `.data` of another
    // name would only be a stray folder in site-packages.
    let data_dir = format!("{stem}.data");
    if let Some(other) = names
        .iter()
        .find(|n| n.ends_with(".data") && **n != data_dir)
    {
        return Err(format!("a `{other}` folder beside `{dist_info}`"));
    }
    let data = tree.join(&data_dir);
    if data.is_dir() {
        check_data(&data)?;
    }
    let entry_points = fs::read_to_string(info.join("entry_points.txt")).unwrap_or_default();
    for (script, target) in entry_points_of(&entry_points) {
        script_name(&script)?;
        entry_point_target(&script, &target)?;
    }
    Ok((name.to_string(), version.to_string()))
}

/// The scripts `entry_points.txt` declares, console and GUI: name and `module:function`.
pub fn entry_points_of(text: &str) -> Vec<(String, String)> {
    entry_points_in(text, &["[console_scripts]", "[gui_scripts]"])
}

/// The `(name, target)` pairs of the `sections` (`[gui_scripts]`) of `entry_points.txt`.
pub fn entry_points_in(text: &str, sections: &[&str]) -> Vec<(String, String)> {
    let mut in_section = false;
    let mut scripts = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = sections.contains(&line);
            continue;
        }
        if !in_section || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, target)) = line.split_once('=') {
            // `module:function [extra]`: the extras only gate installing it.
            let target = target.split('[').next().unwrap_or(target);
            scripts.push((name.trim().to_string(), target.trim().to_string()));
        }
    }
    scripts
}

/// Whether `name` may be a script in the env's `bin`: one plain file name, and none of the
/// names pvm writes there itself (the interpreter's links, the activate scripts). Compared
/// without case: on a case-insensitive file system `Python` is `python`.
pub fn script_name(name: &str) -> Result<(), String> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(format!("a script named `{name}`, not a plain file name"));
    }
    let lower = name.to_ascii_lowercase();
    // On Windows the env's own are `python.exe`, `pythonw.exe`, `deactivate.bat`.
    let stem = lower.strip_suffix(".exe").unwrap_or(&lower);
    let interpreter = names::is_python(stem)
        || names::is_versioned(stem, "pythonw")
        || names::is_versioned(stem, "pypy");
    let activate = ["activate", "deactivate"].iter().any(|script| {
        (lower.strip_prefix(script)).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    });
    if interpreter || activate {
        return Err(format!(
            "a script named `{name}`, which would replace the env's own `bin/{lower}`"
        ));
    }
    Ok(())
}

/// The `Wheel-Version` of its `WHEEL` file: 1.x is the only format there is.
fn wheel_version(info: &Path) -> Result<(), String> {
    let text = fs::read_to_string(info.join("WHEEL"))
        .map_err(|_| "no readable WHEEL file in its .dist-info".to_string())?;
    let version = headers(&text)
        .find(|(key, _)| key.eq_ignore_ascii_case("Wheel-Version"))
        .map(|(_, value)| value)
        .ok_or_else(|| "no Wheel-Version in its WHEEL file".to_string())?;
    let major = version.split('.').next().unwrap_or_default();
    if major.trim() != "1" {
        return Err(format!(
            "Wheel-Version {version}: pvm installs wheels of format 1.x only"
        ));
    }
    Ok(())
}

/// Its METADATA names the project and version of its `.dist-info` folder: what the env lists
/// is what the wheel says it is.
fn metadata_matches(info: &Path, name: &str, version: &str) -> Result<(), String> {
    let text = fs::read_to_string(info.join("METADATA"))
        .map_err(|_| "no readable METADATA in its .dist-info".to_string())?;
    let field = |wanted: &str| {
        headers(&text)
            .find(|(key, _)| key.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| format!("no {wanted} in its METADATA"))
    };
    same_project(
        &field("Name")?,
        &field("Version")?,
        name,
        version,
        "its .dist-info",
    )
}

/// The headers of an email-style file, up to the first blank line.
fn headers(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim(), value.trim()))
}

/// `name` and `version` (what the wheel holds) are the project `other_name` at
/// `other_version`, as `source` says: names compare PEP 503 normalized, versions as PEP 440.
fn same_project(
    name: &str,
    version: &str,
    other_name: &str,
    other_version: &str,
    source: &str,
) -> Result<(), String> {
    let normalized = |text: &str| {
        pep::normalize_name(text).map_err(|err| format!("`{text}` is not a project name: {err}"))
    };
    let parsed = |text: &str| {
        pep::parse_version(text).map_err(|err| format!("`{text}` is not a version: {err}"))
    };
    if normalized(name)? != normalized(other_name)? || parsed(version)? != parsed(other_version)? {
        return Err(format!(
            "it holds {name} {version}, but {source} says {other_name} {other_version}"
        ));
    }
    Ok(())
}

/// The project and version of a wheel's file name:
/// `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
fn file_name_parts(file_name: &str) -> Option<(&str, &str)> {
    let stem = file_name.strip_suffix(".whl")?;
    let parts: Vec<&str> = stem.split('-').collect();
    if !(5..=6).contains(&parts.len()) || parts.iter().any(|part| part.is_empty()) {
        return None;
    }
    Some((parts[0], parts[1]))
}

/// `.data`: only the folders a scheme has; its scripts plain files with names pvm may write;
/// nothing in `data` (the env's root) that lands on what the env itself is made of.
fn check_data(data: &Path) -> Result<(), String> {
    for entry in fs::read_dir(data)
        .map_err(|err| format!("cannot read {}: {err}", data.display()))?
        .flatten()
    {
        let key = entry.file_name().to_string_lossy().into_owned();
        match key.as_str() {
            "purelib" | "platlib" | "headers" => {}
            "scripts" => check_scripts(&entry.path())?,
            "data" => check_env_root(&entry.path(), &[])?,
            other => return Err(format!("unknown data folder `{other}`")),
        }
    }
    Ok(())
}

fn check_scripts(scripts: &Path) -> Result<(), String> {
    for entry in fs::read_dir(scripts)
        .map_err(|err| format!("cannot read {}: {err}", scripts.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        script_name(&name)?;
        if !entry.file_type().is_ok_and(|kind| kind.is_file()) {
            return Err(format!("`.data/scripts/{name}` is not a file"));
        }
    }
    Ok(())
}

/// Walks `.data/data`, whose files land at the same path under the env's root (`at`: the
/// path so far).
fn check_env_root(folder: &Path, at: &[String]) -> Result<(), String> {
    for entry in fs::read_dir(folder)
        .map_err(|err| format!("cannot read {}: {err}", folder.display()))?
        .flatten()
    {
        let mut path = at.to_vec();
        path.push(entry.file_name().to_string_lossy().into_owned());
        let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if let Some(what) = lands_on_the_env(&path, is_dir) {
            return Err(format!(
                "`.data/data/{}` would replace the env's {what}",
                path.join("/")
            ));
        }
        if is_dir {
            check_env_root(&entry.path(), &path)?;
        }
    }
    Ok(())
}

/// What of the env (as pvm writes it: `src/venv.rs`, `src/store.rs`) a `.data/data` entry at
/// `path` (relative to the env's root) would replace, if anything. A venv's scripts folder is
/// `bin` on every system pvm installs wheels on. Compared without case, for case-insensitive
/// file systems.
fn lands_on_the_env(path: &[String], is_dir: bool) -> Option<String> {
    let lower: Vec<String> = path.iter().map(|part| part.to_ascii_lowercase()).collect();
    let top = lower.first()?.as_str();
    let own = ["pyvenv.cfg", "cachedir.tag"].contains(&top)
        || top == crate::store::METADATA_FILE.to_ascii_lowercase()
        // `.pvm-used`, `.pvm-size`: pvm's own bookkeeping.
        || top.starts_with(".pvm");
    if own {
        return Some(format!("`{}`", path[0]));
    }
    match &lower[..] {
        // A file where the env has a folder (or the `lib64` link) cannot be placed at all.
        [folder] if !is_dir && ["bin", "lib", "lib64"].contains(&folder.as_str()) => {
            Some(format!("`{folder}` folder"))
        }
        [bin, name, ..] if bin == "bin" => script_name(name)
            .err()
            .map(|_| format!("`bin/{}`", path[1])),
        _ => None,
    }
}

/// A zip error as a wheel error: what pvm's zip reader lacks (a compression method) makes the
/// wheel unsupported, and the installer may read it; anything else is a broken wheel.
pub fn zip_error(wheel: &Path, err: zip::result::ZipError) -> WheelError {
    use zip::result::ZipError;
    let path = wheel.to_path_buf();
    let reason = err.to_string();
    match err {
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            WheelError::Unsupported { path, reason }
        }
        _ => WheelError::Invalid { path, reason },
    }
}

/// Whether pvm's zip reader can read the entry `name`: it has deflate only (what wheels
/// use). The zip crate finds out only once the entry is read, as an error like any other.
pub fn readable(
    wheel: &Path,
    name: &str,
    method: zip::CompressionMethod,
) -> Result<(), WheelError> {
    use zip::CompressionMethod;
    if matches!(
        method,
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        return Ok(());
    }
    Err(WheelError::Unsupported {
        path: wheel.to_path_buf(),
        reason: format!("`{name}` is compressed with {method}, which pvm does not read"),
    })
}

/// A script's `module:function`, which pvm writes into Python source: dotted names only.
fn entry_point_target(name: &str, target: &str) -> Result<(), String> {
    let dotted = |text: &str| {
        !text.is_empty()
            && text.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    let (module, function) = target.split_once(':').unwrap_or((target, "main"));
    if !dotted(module.trim()) || !dotted(function.trim()) {
        return Err(format!(
            "the script `{name}` points at `{target}`, not `module:function`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_names_are_plain_and_not_the_envs_own() {
        for good in [
            "pip",
            "pip3.12",
            "black",
            "python-lsp",
            "pythonx",
            "activator",
        ] {
            assert!(script_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../evil",
            "a/b",
            "a\\b",
            "a\0b",
            "python",
            "Python",
            "python3",
            "python3.12",
            "python.exe",
            "PYTHONW.EXE",
            "deactivate.bat",
            "pypy3",
            "activate",
            "activate.fish",
            "Activate.ps1",
        ] {
            assert!(script_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn data_paths_that_land_on_the_env_are_named() {
        let path = |text: &str| text.split('/').map(String::from).collect::<Vec<_>>();
        for bad in [
            "bin/python",
            "bin/python3.12",
            "BIN/Python3",
            "bin/activate",
            "pyvenv.cfg",
            "pvm-env.json",
            ".pvm-used",
            "CACHEDIR.TAG",
            "pyvenv.cfg/inside",
        ] {
            assert!(lands_on_the_env(&path(bad), false).is_some(), "{bad}");
        }
        assert!(lands_on_the_env(&path("bin"), false).is_some());
        assert!(lands_on_the_env(&path("bin"), true).is_none());
        for good in ["bin/tool", "share/man/man1/tool.1", "lib64/python3.12/x"] {
            assert!(lands_on_the_env(&path(good), false).is_none(), "{good}");
        }
    }

    #[test]
    fn file_names_give_project_and_version() {
        assert_eq!(
            file_name_parts("foo_bar-1.0-py3-none-any.whl"),
            Some(("foo_bar", "1.0"))
        );
        assert_eq!(
            file_name_parts("foo-1.0-1build-cp312-cp312-linux_x86_64.whl"),
            Some(("foo", "1.0"))
        );
        assert_eq!(file_name_parts("0123abcd.whl"), None);
        assert_eq!(file_name_parts("foo-1.0.tar.gz"), None);
    }

    #[test]
    fn projects_compare_normalized() {
        assert!(same_project("Foo_Bar", "1.0", "foo.bar", "1.0.0", "x").is_ok());
        assert!(same_project("foo", "1.0", "requests", "1.0", "x").is_err());
        assert!(same_project("foo", "1.0", "foo", "2.99", "x").is_err());
    }

    #[test]
    fn entry_points_are_read_and_targets_checked() {
        let text = "[console_scripts]\nhi = tool.cli:main\n[gui_scripts]\ngui = tool:run [gui]\n[other]\nx = y:z\n";
        assert_eq!(
            entry_points_of(text),
            vec![
                ("hi".to_string(), "tool.cli:main".to_string()),
                ("gui".to_string(), "tool:run".to_string()),
            ]
        );
        assert!(entry_point_target("hi", "tool.cli:main").is_ok());
        assert!(entry_point_target("hi", "os; import evil:main").is_err());
    }
}
