//! The envs' names with their projects, kept in one file of the store (`.env-projects`) for
//! shell completion: while the `envs` folder is unchanged (no env added, removed or renamed;
//! an env's name is its project's), one `stat` and one read answer for every env, instead of
//! a read of each env's metadata.

use std::path::PathBuf;

use super::Store;
use crate::fsutil::stamp::{self, How, Look};

const NAMES_FILE: &str = ".env-projects";
const HEADER: &str = "pvm-env-projects 1";

impl Store {
    /// Every env's name with its project (`None` while its metadata is missing or unreadable),
    /// by name.
    pub fn env_projects(&self) -> Vec<(String, Option<PathBuf>)> {
        // Stamped before it is listed: a change after the stamp is a change to the next call.
        let look = stamp::look(&self.envs_dir(), How::Follow);
        if let Some(look) = &look
            && let Some(kept) = self.kept_projects(look)
        {
            return kept;
        }
        let found = crate::parallel::map(&self.envs(), crate::parallel::cores(), |env| {
            (env.name.clone(), project_of(&env.metadata_path()))
        });
        if let Some(look @ Look::Is { .. }) = &look
            && !look.recent(stamp::now())
        {
            let mut text = format!("{HEADER} {}\n", look.text());
            let mut fits = true;
            for (name, project) in &found {
                let project = project.as_ref().map_or(Some(""), |path| path.to_str());
                fits &= project.is_some_and(|p| !p.contains(['\t', '\n'])) && !name.contains('\t');
                text.push_str(&format!("{name}\t{}\n", project.unwrap_or_default()));
            }
            if fits {
                let _ = crate::fsutil::write_atomic(&self.root.join(NAMES_FILE), text.as_bytes());
            }
        }
        found
    }

    fn kept_projects(&self, look: &Look) -> Option<Vec<(String, Option<PathBuf>)>> {
        let bytes = crate::fsutil::read_small(&self.root.join(NAMES_FILE))?;
        let text = String::from_utf8(bytes).ok()?;
        let mut lines = text.lines();
        if lines.next()?.strip_prefix(HEADER)?.strip_prefix(' ')? != look.text() {
            return None;
        }
        lines
            .map(|line| {
                let (name, project) = line.split_once('\t')?;
                // An env whose metadata was not written yet is asked again.
                let project = match project {
                    "" => project_of(&self.env(name).metadata_path()),
                    project => Some(PathBuf::from(project)),
                };
                Some((name.to_string(), project))
            })
            .collect()
    }
}

/// The project named in an env's metadata, read alone.
fn project_of(metadata: &std::path::Path) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct Project {
        project: PathBuf,
    }
    let bytes = crate::fsutil::read_small(metadata)?;
    serde_json::from_slice::<Project>(&bytes)
        .ok()
        .map(|m| m.project)
}
