//! Each env's status kept beside it (`.pvm-status`), as its size is (`.pvm-size`): judging an
//! env looks at its project, interpreter and site-packages again (tens of system calls), while
//! a kept verdict costs one read and a `stat` of each file it was judged from.
//!
//! The verdict is kept with the stamp (type, device, inode, size, modification and change
//! times in ns) of every file the judgement reads, each taken **before** it is read, and with
//! what else decides it (pvm itself, `PVM_PYTHON`, `HOME`, the package-source variables, the
//! lock mode). It is trusted only when every stamp is unchanged. A file changed in the second
//! before it was stamped is not trusted at all (two writes within one tick of the file
//! system's clock would leave the same stamps), nor a path through a link (its target may
//! change without the link's stamp), nor anything that could not be stamped: then the env is
//! judged every time, as without the kept verdict.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::Status;
use crate::fsutil::stamp::{How, Look, look};
use crate::project::Project;
use crate::store::{Env, EnvMetadata, STATUS_FILE};

/// What was found at each shared path, by how it was looked at.
type SharedLooks = HashMap<OsString, Vec<(How, Option<Look>)>>;

const HEADER: &str = "pvm-status 1";

/// One run's view: what decides every verdict besides files, and the stamps of the paths
/// many envs share (the interpreter, the folders above the projects), taken once.
pub struct Kept {
    context: String,
    /// When the run started, in ns since the epoch: files changed in the second before it are
    /// not trusted to their stamps.
    started: i128,
    /// By the path's bytes: a `Path`'s own `Hash` and `==` go component by component, which
    /// was a good part of a warm list of 2,000 envs (a path spelt two ways is only looked at
    /// twice).
    shared: Mutex<SharedLooks>,
}

/// Whether `path` is `dir` or inside it, by bytes (see `shared`): a path spelt otherwise is
/// only looked at as a shared one, which finds the same.
fn inside(path: &Path, dir: &Path) -> bool {
    let (path, dir) = (
        path.as_os_str().as_encoded_bytes(),
        dir.as_os_str().as_encoded_bytes(),
    );
    path.strip_prefix(dir).is_some_and(|rest| {
        rest.is_empty()
            || std::path::is_separator(char::from(rest[0]))
            || dir
                .last()
                .is_some_and(|&last| std::path::is_separator(char::from(last)))
    })
}

impl Kept {
    pub fn new(config: &crate::config::Config) -> Kept {
        let me = std::env::current_exe()
            .ok()
            .and_then(|exe| look(&exe, How::Follow))
            .map(|look| look.text());
        let context = serde_json::json!({
            "pvm": env!("CARGO_PKG_VERSION"),
            "format": crate::store::ENV_FORMAT,
            // A rebuilt pvm (the same version) may judge otherwise.
            "exe": me,
            "python": config.pvm_python,
            "home": config.home,
            "sources": config.source_variables(),
            "lock": "auto",
        });
        Kept {
            context: crate::fsutil::sha256_hex(context.to_string()),
            started: crate::fsutil::stamp::now(),
            shared: Mutex::new(HashMap::new()),
        }
    }

    fn look_shared(&self, path: &Path, how: How) -> Option<Look> {
        let known = self.shared.lock().expect("not poisoned");
        if let Some(found) = known.get(path.as_os_str()).and_then(|looks| {
            looks
                .iter()
                .find_map(|(h, look)| (*h == how).then(|| look.clone()))
        }) {
            return found;
        }
        drop(known);
        let found = look(path, how);
        self.shared
            .lock()
            .expect("not poisoned")
            .entry(path.as_os_str().to_owned())
            .or_default()
            .push((how, found.clone()));
        found
    }

    /// The env's status: the kept one when nothing it was judged from changed, else `judge`'s
    /// (kept for the next run when it can be), with the stamps it holds by (none when it may
    /// not be kept). `metadata_look` is the metadata's stamp, taken before it was read; `judge`
    /// calls its argument with the project once it is loaded, before anything else of the
    /// project is read.
    pub fn status(
        &self,
        env: &Env,
        metadata: &EnvMetadata,
        metadata_look: &Stamp,
        judge: impl FnOnce(&mut dyn FnMut(&Project)) -> (Status, Option<String>),
    ) -> (Verdict, Option<Vec<Held>>) {
        if let Some((kept, held)) = self.read(env, metadata_look) {
            return (kept, Some(held));
        }
        let mut stamps = Stamps {
            kept: self,
            lines: Vec::new(),
            trusted: true,
        };
        stamps.push(&env.metadata_path(), How::Follow, metadata_look.0.clone());
        stamps.before_load(env, metadata);
        let verdict = judge(&mut |project| stamps.after_load(project));
        if !stamps.trusted {
            return (verdict, None);
        }
        let _ = crate::fsutil::write_atomic(
            &env.dir.join(STATUS_FILE),
            self.text(&verdict, &stamps.lines).as_bytes(),
        );
        let held = stamps
            .lines
            .into_iter()
            .filter_map(|(path, how, look)| Some((path, how, look?.text())))
            .collect();
        (verdict, Some(held))
    }

    /// Whether every stamp still holds: `seen` has what was already looked at for this env (and
    /// takes what is looked at now).
    pub fn holds(&self, env: &Env, held: &[Held], seen: &mut Seen) -> bool {
        let mut any = false;
        for (path, how, recorded) in held {
            let how = *how;
            // Bytes, not components: see `shared`.
            let now = match seen
                .0
                .iter()
                .find(|(p, h, _)| *h == how && p.as_os_str() == path.as_os_str())
            {
                Some((_, _, look)) => look.clone(),
                None => {
                    let now = if inside(path, &env.dir) {
                        look(path, how)
                    } else {
                        self.look_shared(path, how)
                    };
                    seen.0.push((path.to_path_buf(), how, now.clone()));
                    now
                }
            };
            if now.is_none_or(|now| !now.is_text(recorded)) {
                return false;
            }
            any = true;
        }
        any
    }

    /// Whether `look` may be kept: taken, not of a file changed just now.
    pub fn settled(&self, look: Option<&Look>) -> bool {
        look.is_some_and(|look| !look.recent(self.started))
    }

    /// The hash of what decides every verdict besides files.
    pub fn context(&self) -> &str {
        &self.context
    }

    fn text(&self, verdict: &(Status, Option<String>), lines: &[Line]) -> String {
        let mut text = format!(
            "{HEADER} {}\n{}\n{}\n",
            self.context,
            verdict.0,
            serde_json::to_string(&verdict.1).expect("a string serializes")
        );
        for (path, how, look) in lines {
            let look = look.as_ref().expect("only stamped paths are kept");
            push_held(&mut text, "", path, *how, &look.text());
        }
        text
    }

    /// The kept verdict, if every stamp still holds, with those stamps.
    fn read(&self, env: &Env, metadata_look: &Stamp) -> Option<(Verdict, Vec<Held>)> {
        let text =
            String::from_utf8(crate::fsutil::read_small(&env.dir.join(STATUS_FILE))?).ok()?;
        let mut lines = text.lines();
        let context = lines.next()?.strip_prefix(HEADER)?.strip_prefix(' ')?;
        if context != self.context {
            return None;
        }
        let status = Status::from_text(lines.next()?)?;
        let reason: Option<String> = serde_json::from_str(lines.next()?).ok()?;
        let held = lines.map(parse_held).collect::<Option<Vec<Held>>>()?;
        let mut seen = Seen::of_metadata(env, metadata_look);
        self.holds(env, &held, &mut seen)
            .then_some(((status, reason), held))
    }
}

/// A stamp a verdict or a size is held by: the path, how it is looked at, its stamp's text.
pub type Held = (PathBuf, How, String);

/// Writes a held stamp as a line of a kept file, `<prefix><how> <stamp> <path>` (the status
/// beside an env and the store's list index write them alike).
pub fn push_held(text: &mut String, prefix: &str, path: &Path, how: How, look: &str) {
    let path = path.to_str().expect("only paths in UTF-8 are kept");
    text.push_str(&format!("{prefix}{} {look} {path}\n", how.tag()));
}

/// A line [`push_held`] wrote, without its prefix.
pub fn parse_held(line: &str) -> Option<Held> {
    let mut fields = line.splitn(3, ' ');
    let how = How::from_tag(fields.next()?)?;
    let look = fields.next()?.to_string();
    Some((PathBuf::from(fields.next()?), how, look))
}

/// A status, and why it is not `ok`.
pub type Verdict = (Status, Option<String>);

/// What one env's check looked at already.
pub struct Seen(Vec<(PathBuf, How, Option<Look>)>);

impl Seen {
    /// Knowing only the metadata's stamp, taken before it was read.
    pub fn of_metadata(env: &Env, metadata_look: &Stamp) -> Seen {
        Seen(vec![(
            env.metadata_path(),
            How::Follow,
            metadata_look.0.clone(),
        )])
    }
}

/// The metadata's stamp, taken before it is read.
pub struct Stamp(pub Option<Look>);

impl Stamp {
    pub fn metadata_of(env: &Env) -> Stamp {
        Stamp(look(&env.metadata_path(), How::Follow))
    }
}

type Line = (PathBuf, How, Option<Look>);

/// The stamps of one judgement, taken as it goes.
struct Stamps<'a> {
    kept: &'a Kept,
    lines: Vec<Line>,
    /// Whether the verdict may be kept: no link on the way, nothing changed just now.
    trusted: bool,
}

impl Stamps<'_> {
    fn add(&mut self, path: &Path, how: How, shared: bool) {
        if self.lines.iter().any(|(p, h, _)| p == path && *h == how) {
            return;
        }
        let look = if shared {
            self.kept.look_shared(path, how)
        } else {
            look(path, how)
        };
        // Not there, in a folder stamped with its times before: the folder's stamp tells if
        // it comes.
        if look == Some(Look::Absent)
            && path.parent().is_some_and(|parent| {
                self.lines.iter().any(|(p, h, look)| {
                    p == parent
                        && *h != How::Identity
                        && matches!(look, Some(Look::Is { kind: 'd', .. }))
                })
            })
        {
            return;
        }
        self.push(path, how, look);
    }

    fn push(&mut self, path: &Path, how: How, look: Option<Look>) {
        let trusted = match &look {
            None => false,
            Some(look) => {
                !look.recent(self.kept.started) && (how == How::Follow || !look.is_link())
            }
        };
        if !trusted || path.to_str().is_none_or(|text| text.contains('\n')) {
            self.trusted = false;
        }
        self.lines.push((path.to_path_buf(), how, look));
    }

    /// What is read before the project is loaded: the env (its python, its site-packages),
    /// the interpreter, and the project's path, folder by folder. (The env's folder is no
    /// link: `pvm list` lists none.)
    fn before_load(&mut self, env: &Env, metadata: &EnvMetadata) {
        let layout = crate::venv::Layout::new(&env.dir, &metadata.python.facts);
        self.add(&layout.python(), How::Follow, false);
        self.add(&layout.site_packages, How::Follow, false);
        self.add(&metadata.python.facts.base_executable, How::Follow, true);
        let project = &metadata.project;
        let mut above: Vec<&Path> = project.ancestors().skip(1).collect();
        above.reverse();
        for dir in above {
            self.add(dir, How::Identity, true);
        }
        // The project's own folder (or script) with its times: a file added to or removed
        // from it moves them.
        self.add(project, How::Own, false);
        if !metadata.script {
            self.add(&project.join(crate::project::MANIFEST), How::Follow, false);
            self.add(
                &project.join(crate::project::pipfile::PIPFILE),
                How::Follow,
                false,
            );
        }
    }

    /// What is read once the project is loaded: `.python-version` up the tree, the lock (or
    /// another tool's), the build inputs of a package.
    fn after_load(&mut self, project: &Project) {
        // A path source (`[tool.pvm.sources]`) is found by its canonical path, wherever it
        // is: not stamped, so not kept.
        if !project.manifest.settings.sources.is_empty() {
            self.trusted = false;
        }
        for dir in project.root.ancestors() {
            let shared = dir != project.root;
            self.add(&dir.join(".python-version"), How::Follow, shared);
        }
        self.add(&project.root, How::Own, false);
        self.add(&project.manifest_path(), How::Follow, false);
        self.add(&project.lock_path(), How::Follow, false);
        // Without a pylock.toml, another tool's lock is the project's.
        if project.script.is_none() {
            for name in crate::lock_policy::foreign::FILES {
                self.add(&project.root.join(name), How::Follow, false);
            }
        }
        if project.manifest.is_package() {
            for name in crate::project::package::build_files(project) {
                self.add(&project.root.join(name), How::Follow, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_is_by_whole_components_of_the_bytes() {
        let dir = Path::new("/store/envs/demo-1");
        assert!(inside(Path::new("/store/envs/demo-1/bin"), dir));
        assert!(inside(dir, dir));
        assert!(!inside(Path::new("/store/envs/demo-10/bin"), dir));
        assert!(!inside(Path::new("/store/envs"), dir));
        assert!(inside(Path::new("/a/b"), Path::new("/a/")));
    }
}
