//! What `pvm list` found of every env, kept in one file of the store (`.env-list`): a warm list
//! reads it once and checks each env's stamps (its metadata, what its verdict and its size were
//! taken from), instead of reading and parsing three files per env.
//!
//! Each entry holds by its stamps alone, as the per-env kept files do (see [`super::kept`]):
//! an entry whose stamps all hold is used, any other env is looked at as without the file. The
//! file is replaced atomically: two lists at once may lose each other's entries, never mix
//! them. The total (each shared file once) is kept for exactly the entries beside it: it is
//! used only when every env listed is one of them and held.

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Status;
use super::kept::{self, Held};
use crate::project::package::InstalledProject;
use crate::store::{EnvMetadata, Store};

const FILE: &str = ".env-list";
const HEADER: &str = "pvm-env-list 1";

/// What the metadata says that a list shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct About {
    pub project: PathBuf,
    pub project_name: String,
    pub script: bool,
    pub python: String,
    pub python_path: PathBuf,
    pub installed_project: Option<InstalledProject>,
    pub created: Timestamp,
    pub synced: Option<Timestamp>,
}

impl About {
    pub fn of(metadata: &EnvMetadata) -> About {
        About {
            project: metadata.project.clone(),
            project_name: metadata.name.clone(),
            script: metadata.script,
            python: metadata.python.facts.version.clone(),
            python_path: metadata.python.facts.base_executable.clone(),
            installed_project: metadata.project_install.clone(),
            created: metadata.created,
            synced: metadata.synced,
        }
    }
}

/// One env as a list found it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The metadata's stamp (text), taken before it was read.
    pub metadata: String,
    /// [`About`], as JSON: parsed only when the entry holds.
    pub about: String,
    pub status: Status,
    pub reason: Option<String>,
    /// The stamps the verdict holds by.
    pub verdict: Vec<Held>,
    pub own: u64,
    pub shared: u64,
    /// The stamps the size holds by.
    pub size: Vec<Held>,
}

/// The kept entries, by env name, with the total kept for them.
#[derive(Default)]
pub struct Index {
    pub entries: HashMap<String, Entry>,
    pub total: Option<u64>,
}

impl Index {
    /// The store's index, if it was written for this context and size epoch.
    pub fn read(store: &Store, context: &str, epoch: &str) -> Index {
        let Some(bytes) = crate::fsutil::read_small(&store.root.join(FILE)) else {
            return Index::default();
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return Index::default();
        };
        parse(text, context, epoch).unwrap_or_default()
    }

    /// Writes `entries` with their `total`, replacing the file at once.
    pub fn write(
        store: &Store,
        context: &str,
        epoch: &str,
        entries: &[(&str, &Entry)],
        total: u64,
    ) {
        let mut text = format!("{HEADER} {context} {epoch}\nt {total}\n");
        for (name, entry) in entries {
            if name.contains(['\t', '\n']) {
                continue;
            }
            text.push_str(&format!(
                "= {name}\t{}\na {}\n",
                entry.metadata, entry.about
            ));
            let reason = serde_json::to_string(&entry.reason).expect("a string serializes");
            text.push_str(&format!("v {}\t{reason}\n", entry.status));
            push_held(&mut text, "s ", &entry.verdict);
            text.push_str(&format!("z {} {}\n", entry.own, entry.shared));
            push_held(&mut text, "b ", &entry.size);
        }
        let _ = crate::fsutil::write_atomic(&store.root.join(FILE), text.as_bytes());
    }
}

fn push_held(text: &mut String, prefix: &str, held: &[Held]) {
    for (path, how, look) in held {
        kept::push_held(text, prefix, path, *how, look);
    }
}

fn parse(text: &str, context: &str, epoch: &str) -> Option<Index> {
    let mut lines = text.lines();
    let (kept_context, kept_epoch) = lines
        .next()?
        .strip_prefix(HEADER)?
        .strip_prefix(' ')?
        .split_once(' ')?;
    if kept_context != context || kept_epoch != epoch {
        return None;
    }
    let total = lines.next()?.strip_prefix("t ")?.parse().ok()?;
    let mut entries = HashMap::new();
    let mut current: Option<(String, Entry)> = None;
    for line in lines {
        let (tag, rest) = line.split_at_checked(2)?;
        match tag {
            "= " => {
                let (name, metadata) = rest.split_once('\t')?;
                if let Some((name, entry)) = current.take() {
                    entries.insert(name, entry);
                }
                current = Some((
                    name.to_string(),
                    Entry {
                        metadata: metadata.to_string(),
                        about: String::new(),
                        status: Status::Broken,
                        reason: None,
                        verdict: Vec::new(),
                        own: 0,
                        shared: 0,
                        size: Vec::new(),
                    },
                ));
            }
            _ => {
                let entry = &mut current.as_mut()?.1;
                match tag {
                    "a " => entry.about = rest.to_string(),
                    "v " => {
                        let (status, reason) = rest.split_once('\t')?;
                        entry.status = Status::from_text(status)?;
                        entry.reason = serde_json::from_str(reason).ok()?;
                    }
                    "s " => entry.verdict.push(kept::parse_held(rest)?),
                    "z " => {
                        let (own, shared) = rest.split_once(' ')?;
                        entry.own = own.parse().ok()?;
                        entry.shared = shared.parse().ok()?;
                    }
                    "b " => entry.size.push(kept::parse_held(rest)?),
                    _ => return None,
                }
            }
        }
    }
    if let Some((name, entry)) = current {
        entries.insert(name, entry);
    }
    Some(Index {
        entries,
        total: Some(total),
    })
}
