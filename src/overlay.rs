//! Throwaway extras for one command (`pvm run --with REQ`): the requirements installed into a
//! folder of their own beside the store's envs, put in front of the env with `PYTHONPATH`, so
//! the env's own packages are seen too and the env is never changed. An overlay is kept,
//! keyed by its requirements and its base env: the second run with the same `--with` installs
//! nothing.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::environment::{EnvError, Ready};
use crate::install::SyncError;
use crate::install::backend::Backend;
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

/// The overlay of `requirements` on the env `ready`, installed once.
pub fn ensure(
    store: &Store,
    ready: &Ready,
    project: &Project,
    requirements: &[Requirement],
    on_install: &mut dyn FnMut(),
) -> Result<Overlay, EnvError> {
    let facts = &ready.metadata.python.facts;
    let sources = Sources::for_project(project);
    let mut names: Vec<String> = requirements.iter().map(|r| r.to_string()).collect();
    names.sort();
    // The env's packages hold the overlay to their versions: what the env pinned wins.
    let installed = crate::install::site::installed(&ready.layout.site_packages);
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
    });
    let hash = crate::fsutil::hex(&Sha256::digest(key.to_string().as_bytes()));
    let dir = store
        .overlays_dir()
        .join(format!("{}+{}", ready.env.name, &hash[..16]));
    let overlay = Overlay {
        bin: dir.join("bin"),
        dir: dir.clone(),
    };
    // The warm path: one stat.
    if dir.join(DONE).is_file() {
        return Ok(overlay);
    }
    let _umask = crate::fsutil::NoWorldWritable::new();
    let _lock = store.lock(&ready.env, |_| {})?;
    if dir.join(DONE).is_file() {
        return Ok(overlay);
    }
    on_install();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SyncError::Io { path, source }
    };
    let parent = store.overlays_dir();
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let building = parent.join(format!(".tmp-{}-{}", &hash[..16], std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&building).map_err(io(&building))?;
    let file = building.join(".requirements.txt");
    let text: String = names.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&file, text).map_err(io(&file))?;
    let constraints = building.join(".constraints.txt");
    let text: String = pins.iter().map(|pin| format!("{pin}\n")).collect();
    std::fs::write(&constraints, text).map_err(io(&constraints))?;
    let backend = Backend::choose(project.manifest.settings.installer, facts)?;
    let result = backend.install_target(&ready.layout, &sources, &file, &constraints, &building);
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&building);
        return Err(err.into());
    }
    std::fs::write(building.join(DONE), "").map_err(io(&building))?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&building, &dir).map_err(io(&dir))?;
    Ok(overlay)
}
