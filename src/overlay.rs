//! Throwaway extras for one command (`pvm run --with REQ`): the requirements installed into a
//! folder of their own beside the store's envs, put in front of the env with `PYTHONPATH`, so
//! the env's own packages are seen too and the env is never changed. An overlay is kept,
//! keyed by its requirements, what their local files hold now, and its base env: the second run
//! with the same `--with` installs nothing, and a wheel rebuilt at the same path is installed.

use std::path::{Path, PathBuf};

use crate::environment::{EnvError, Event, Ready};
use crate::install::{InstallError, Progress};
use crate::installer::Backend;
use crate::pep::Requirement;
use crate::project::{Project, Sources};
use crate::store::Store;

/// Written last into a finished overlay: without it, an overlay is rebuilt.
const DONE: &str = ".pvm-overlay";

/// A ready overlay: its folder (for `PYTHONPATH`) and its scripts.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub dir: PathBuf,
    pub bin: PathBuf,
}

/// What the file or folder a requirement names (`foo @ file:///…`) is now, by its stat as uv
/// keys its cache: a wheel rebuilt at the same path has another size, mtime or ctime (a copy
/// that keeps the mtime still gets a new ctime), so it is another overlay. A folder is judged by
/// the files that declare its build. Nothing is read: the warm path stays a few stats.
fn local_stamp(requirement: &Requirement) -> Option<serde_json::Value> {
    let path = crate::pep::local_path(requirement)?;
    let files = match path.is_dir() {
        true => ["pyproject.toml", "setup.py", "setup.cfg"]
            .iter()
            .map(|name| path.join(name))
            .collect(),
        false => vec![path.clone()],
    };
    let stamps: Vec<serde_json::Value> = files.iter().map(|file| stat(file)).collect();
    Some(serde_json::json!({ "path": path, "stat": stamps }))
}

/// Size, times to the nanosecond and inode of `path`, or nothing when it is not there.
fn stat(path: &Path) -> serde_json::Value {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let stat = crate::platform::stat(&meta);
            serde_json::json!([
                stat.size,
                stat.mtime,
                stat.mtime_nsec,
                stat.ctime,
                stat.ctime_nsec,
                stat.dev,
                stat.ino,
            ])
        }
        Err(_) => serde_json::Value::Null,
    }
}

/// What the first run with these `--with` installed, for the user to see.
#[derive(Debug, Clone)]
pub struct Installed {
    pub installer: &'static str,
    /// Name and version of each distribution, by name.
    pub packages: Vec<(String, String)>,
}

/// The overlay of `requirements` on the env `ready`, installed once (then with what was
/// installed), telling `on_event` what it waits for and does as a sync would.
pub fn ensure(
    store: &Store,
    ready: &Ready,
    project: &Project,
    requirements: &[Requirement],
    config: &crate::config::Config,
    on_event: &mut dyn FnMut(Event),
) -> Result<(Overlay, Option<Installed>), EnvError> {
    let facts = &ready.metadata.python.facts;
    let sources = Sources::for_project(project, config);
    let mut names: Vec<String> = requirements.iter().map(crate::pep::text).collect();
    names.sort();
    // The env's packages hold the overlay to their versions: what the env pinned wins.
    let installed = crate::site::installed(&ready.layout.site_packages);
    let pins: Vec<String> = installed
        .values()
        .map(|dist| format!("{}=={}", dist.name, dist.version))
        .collect();
    let key = serde_json::json!({
        "requirements": names,
        "python": facts.base_executable,
        "env": ready.env.name,
        "pins": pins,
        "sources": sources,
        "local": requirements.iter().filter_map(local_stamp).collect::<Vec<_>>(),
    });
    let hash = crate::fsutil::sha256_hex(key.to_string());
    let dir = store
        .overlays_dir()
        .join(format!("{}+{}", ready.env.name, &hash[..16]));
    let overlay = Overlay {
        bin: crate::platform::scripts_dir(&dir),
        dir: dir.clone(),
    };
    // The warm path: one stat.
    if dir.join(DONE).is_file() {
        return Ok((overlay, None));
    }
    let _umask = crate::fsutil::NoWorldWritable::new();
    let _lock = store.lock(&ready.env, |lock| on_event(Event::Waiting(lock)))?;
    if dir.join(DONE).is_file() {
        return Ok((overlay, None));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InstallError::Io { path, source }
    };
    let parent = store.overlays_dir();
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let building = parent.join(format!(".tmp-{}-{}", &hash[..16], std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&building).map_err(io(&building))?;
    let file = building.join(".requirements.txt");
    crate::fsutil::write_lines(&file, &names).map_err(io(&file))?;
    let constraints = building.join(".constraints.txt");
    crate::fsutil::write_lines(&constraints, &pins).map_err(io(&constraints))?;
    let backend = Backend::choose(project.manifest.settings.installer, facts, config)
        .map_err(InstallError::from)?;
    on_event(Event::Sync(Progress::Installing {
        requirements: names.len(),
        installer: backend.name(),
    }));
    let result = backend.install_target(&ready.layout, &sources, &file, &constraints, &building);
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&building);
        return Err(InstallError::from(err).into());
    }
    // `--target` puts each distribution's .dist-info at the top of the folder.
    let packages = crate::site::installed(&building)
        .into_values()
        .map(|dist| (dist.name.to_string(), dist.version))
        .collect();
    std::fs::write(building.join(DONE), "").map_err(io(&building))?;
    let _ = std::fs::remove_dir_all(&dir);
    crate::fsutil::place_dir(&building, &dir).map_err(io(&dir))?;
    let installed = Installed {
        installer: backend.name(),
        packages,
    };
    Ok((overlay, Some(installed)))
}
