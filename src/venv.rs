//! Writing a virtual environment natively (PEP 405), without running `python -m venv`.
//!
//! CPython finds `pyvenv.cfg` beside (or one folder above) the executable it was started as,
//! without following links; its `home` key makes `sys.prefix` the env and `sys.base_prefix` the
//! base interpreter's prefix. Everything else here is what tools expect to find.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil;
use crate::platform::{self, Os};
use crate::python::Facts;

mod windows;

/// Where an env keeps its parts, resolved against its root.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub bin: PathBuf,
    pub site_packages: PathBuf,
}

impl Layout {
    pub fn new(root: &Path, facts: &Facts) -> Layout {
        Layout {
            root: root.to_path_buf(),
            bin: root.join(&facts.scheme.scripts),
            site_packages: root.join(&facts.scheme.purelib),
        }
    }

    pub fn python(&self) -> PathBuf {
        platform::executable(&self.bin, "python")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write the env's {what} at {}", .path.display())]
pub struct VenvError {
    what: &'static str,
    path: PathBuf,
    #[source]
    source: io::Error,
}

impl crate::hint::Hint for VenvError {}

/// What turns a failure to write `what` at `path` into a [`VenvError`].
fn at(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> VenvError {
    let path = path.to_path_buf();
    move |source| VenvError { what, path, source }
}

/// Writes a new env at `root` for the interpreter described by `facts`. `prompt` is shown by the
/// activate scripts; the `pvm` key marks the env as pvm's.
pub fn create(root: &Path, facts: &Facts, prompt: &str) -> Result<Layout, VenvError> {
    create_for(Os::HOST, root, facts, prompt)
}

/// [`create`] as it is done on `os`: links on Unix, copies on Windows.
fn create_for(os: Os, root: &Path, facts: &Facts, prompt: &str) -> Result<Layout, VenvError> {
    // The prompt lands in pyvenv.cfg (one key per line) and in shell code: a folder name with a
    // newline, a quote or `$(…)` must not add a key or run anything.
    let prompt = &safe_prompt(prompt);
    let layout = Layout::new(root, facts);
    fs::create_dir_all(&layout.bin).map_err(at("bin folder", &layout.bin))?;
    fs::create_dir_all(&layout.site_packages)
        .map_err(at("site-packages", &layout.site_packages))?;
    if facts.scheme.platlib != facts.scheme.purelib {
        let platlib = root.join(&facts.scheme.platlib);
        fs::create_dir_all(&platlib).map_err(at("site-packages", &platlib))?;
    }
    // As `python -m venv` does on 64-bit Linux: some tools look under lib64.
    if facts.pointer_size == 64
        && facts.platform == "linux"
        && facts.scheme.purelib.starts_with("lib")
    {
        let lib64 = root.join("lib64");
        if fs::symlink_metadata(&lib64).is_err() {
            platform::symlink(Path::new("lib"), &lib64).map_err(at("lib64 link", &lib64))?;
        }
    }

    let cfg = root.join("pyvenv.cfg");
    fs::write(&cfg, pyvenv_cfg(facts, prompt)).map_err(at("pyvenv.cfg", &cfg))?;

    match os {
        Os::Linux | Os::Macos => link_python(&layout, facts)?,
        Os::Windows => windows::place_python(&layout.bin, facts).map_err(at(
            "python.exe",
            &platform::executable(&layout.bin, "python"),
        ))?,
    }

    write_activate_scripts(&layout, prompt, os)?;
    // Backup tools skip folders tagged like this; an env can always be rebuilt.
    let tag = root.join("CACHEDIR.TAG");
    fs::write(
        &tag,
        "Signature: 8a477f597d28d172789f06886806bc55\n# This env was made by pvm; it can be rebuilt at any time.\n",
    )
    .map_err(at("CACHEDIR.TAG", &tag))?;
    Ok(layout)
}

/// `bin/python` as a link to the real interpreter (never a shim); the other names link to
/// `bin/python`.
fn link_python(layout: &Layout, facts: &Facts) -> Result<(), VenvError> {
    let python = layout.python();
    fsutil::symlink_force(&facts.base_executable, &python).map_err(at("python link", &python))?;
    let minor = format!("python{}", facts.minor_version());
    let mut names = vec!["python3".to_string(), minor];
    if facts.implementation == "pypy" {
        names.extend(["pypy".to_string(), "pypy3".to_string()]);
    }
    for name in names {
        let link = layout.bin.join(name);
        fsutil::symlink_force(Path::new("python"), &link).map_err(at("python link", &link))?;
    }
    Ok(())
}

/// Brings the env's activate scripts up to this pvm's (an env made by an older one keeps its own
/// until then): `pvm activate` and `pvm shell` rely on what their `deactivate` undoes.
pub fn refresh_activate_scripts(layout: &Layout, prompt: &str) -> Result<(), VenvError> {
    write_activate_scripts(layout, &safe_prompt(prompt), Os::HOST)
}

/// Writes each activate script whose text differs; `prompt` is already safe.
fn write_activate_scripts(layout: &Layout, prompt: &str, os: Os) -> Result<(), VenvError> {
    for (name, text) in activate_scripts(layout, prompt, os) {
        let path = layout.bin.join(name);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        fsutil::write_atomic(&path, text.as_bytes()).map_err(|source| VenvError {
            what: "activate script",
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

fn pyvenv_cfg(facts: &Facts, prompt: &str) -> String {
    let home = facts
        .base_executable
        .parent()
        .unwrap_or(Path::new("/"))
        .display();
    let (major, minor, micro, level, serial) = &facts.version_info;
    format!(
        "home = {home}\n\
         implementation = {implementation}\n\
         version_info = {major}.{minor}.{micro}.{level}.{serial}\n\
         version = {version}\n\
         include-system-site-packages = false\n\
         executable = {executable}\n\
         prompt = {prompt}\n\
         pvm = {pvm}\n",
        implementation = facts.implementation_display(),
        version = facts.version,
        executable = facts.base_executable.display(),
        pvm = env!("CARGO_PKG_VERSION"),
    )
}

/// A prompt of letters, digits and `._-+ ` only (others become `-`), at most 40 characters.
pub fn safe_prompt(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-+ ".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if cleaned.trim().is_empty() {
        "env".into()
    } else {
        cleaned
    }
}

/// The activate scripts, with the env's path and prompt baked in; on Windows also cmd's.
fn activate_scripts(layout: &Layout, prompt: &str, os: Os) -> Vec<(&'static str, String)> {
    let env = layout.root.display().to_string();
    let bin = layout.bin.display().to_string();
    let fill = |template: &str, quote: fn(&str) -> String| {
        template
            .replace("__VIRTUAL_ENV__", &quote(&env))
            .replace("__BIN__", &quote(&bin))
            .replace("__PROMPT__", &quote(prompt))
    };
    let mut scripts = vec![
        (
            "activate",
            fill(include_str!("venv/activate.sh"), crate::quote::posix),
        ),
        (
            "activate.fish",
            fill(include_str!("venv/activate.fish"), crate::quote::posix),
        ),
        (
            "activate.csh",
            fill(include_str!("venv/activate.csh"), crate::quote::csh),
        ),
        (
            "activate.nu",
            fill(include_str!("venv/activate.nu"), crate::quote::nu),
        ),
        (
            "Activate.ps1",
            fill(include_str!("venv/Activate.ps1"), crate::quote::powershell),
        ),
    ];
    if os == Os::Windows {
        let bin_name = layout.bin.strip_prefix(&layout.root).unwrap_or(&layout.bin);
        scripts.extend(windows::batch_scripts(
            &layout.root,
            &bin_name.display().to_string(),
            prompt,
        ));
    }
    scripts
}
