//! Making sure a project's env exists and is current: the warm check that lets `pvm run` exec at
//! once, and the locked slow path that builds, rebuilds or re-syncs.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::config::Config;
use crate::fingerprint;
use crate::hint::Hint;
use crate::install::{self, InstallError, Progress, SyncOptions, SyncReport};
use crate::lock::{LockError, LockMode};
use crate::project::Project;
use crate::project::package::InstalledProject;
use crate::project::{Selection, SelectionRequest};
use crate::python::facts::FileStamp;
use crate::python::{
    Facts, Finder, Interpreter, InterpreterRequest, PythonError, SearchPaths, SourcedRequest,
};
use crate::store::{ENV_FORMAT, Env, EnvMetadata, EnvPython, Store, StoreError};
use crate::venv::{self, Layout, VenvError};

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Python(#[from] PythonError),
    #[error(transparent)]
    Venv(#[from] VenvError),
    #[error(transparent)]
    Sync(#[from] InstallError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
    #[error("no installed interpreter matches `{request}`, and installing Python {version} failed")]
    InstallFailed {
        request: String,
        version: String,
        #[source]
        source: Box<crate::python::download::DownloadError>,
    },
    #[error("Python {request} is not installed, and `python-downloads = \"manual\"`")]
    InstallByHand { request: String },
    #[error("{0}")]
    Setting(String),
}

impl Hint for EnvError {
    fn hint(&self) -> Option<String> {
        match self {
            EnvError::Store(err) => err.hint(),
            EnvError::Python(err) => err.hint(),
            EnvError::Venv(_) => Some("check that PVM_HOME is writable and has free space".into()),
            EnvError::Sync(err) => err.hint(),
            EnvError::Lock(err) => err.hint(),
            EnvError::Project(err) => err.hint(),
            EnvError::InstallFailed { source, .. } => source.hint(),
            EnvError::InstallByHand { request } => Some(format!(
                "run `pvm python install {}`, or set `python-downloads = \"automatic\"`",
                crate::quote::shell_word(request)
            )),
            EnvError::Setting(_) => {
                Some("unset it, or set it to automatic, manual or never".into())
            }
        }
    }
}

/// What happens on the slow path, for the command to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// Another pvm holds the env's lock.
    Waiting(&'a Path),
    FindingInterpreter(&'a SourcedRequest),
    Creating {
        python: &'a Interpreter,
        dir: &'a Path,
    },
    Rebuilding {
        reason: &'a str,
    },
    SeedingPip,
    /// A Python the machine lacks is being installed (`python-downloads = "automatic"`).
    InstallingPython(&'a crate::python::download::Build),
    Downloading {
        done: u64,
        total: Option<u64>,
    },
    Sync(Progress<'a>),
}

/// An env ready to run in.
#[derive(Debug, Clone)]
pub struct Ready {
    pub env: Env,
    pub metadata: EnvMetadata,
    pub layout: Layout,
    /// What a sync changed; `None` when there was nothing to do.
    pub report: Option<SyncReport>,
}

impl Ready {
    fn new(env: Env, metadata: EnvMetadata, report: Option<SyncReport>) -> Ready {
        let layout = Layout::new(&env.dir, &metadata.python.facts);
        Ready {
            env,
            metadata,
            layout,
            report,
        }
    }
}

/// Why an existing env cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Current,
    /// Metadata fine and the interpreter fits, but the fingerprint differs: sync.
    OutOfSync,
    /// The interpreter no longer fits the request (or the request changed in a way that needs
    /// discovery): find one, and rebuild if it differs.
    Reselect,
    /// Missing or unusable: build from scratch.
    Rebuild(String),
}

impl Verdict {
    /// Why an env that is not current is not, in words for `pvm list` and `pvm info`.
    pub fn reason(&self, metadata: Option<&EnvMetadata>) -> Option<String> {
        match self {
            Verdict::Current => None,
            Verdict::OutOfSync if metadata.is_some_and(|m| m.fingerprint.is_none()) => {
                Some("the last sync did not finish (failed or interrupted)".into())
            }
            Verdict::OutOfSync => {
                Some("the manifest or the lock changed since the last sync".into())
            }
            Verdict::Reselect => {
                Some("the interpreter request changed since the env was made".into())
            }
            Verdict::Rebuild(reason) => Some(reason.clone()),
        }
    }
}

pub fn finder(store: &Store, config: &Config) -> Finder {
    Finder::new(
        SearchPaths::new(config, Some(store.pythons_dir())),
        Some(store.cache_dir().join("interpreters")),
        config.current_dir().unwrap_or_default(),
    )
}

/// The interpreter `request` picks; when the machine has none, one installed from the
/// python-build-standalone builds (or a mirror), as `python-downloads` allows.
pub fn find_or_install(
    store: &Store,
    project: &Project,
    request: &SourcedRequest,
    config: &Config,
    events: &mut dyn FnMut(Event),
) -> Result<Interpreter, EnvError> {
    use crate::project::{PythonDownloads, python_mirror};
    use crate::python::download;
    let requires = project.manifest.requires_python.as_ref();
    let missing = match finder(store, config).find(request, requires) {
        Ok(interpreter) => return Ok(interpreter),
        Err(err @ PythonError::NoMatch { .. }) => err,
        Err(err) => return Err(err.into()),
    };
    let settings = &project.manifest.settings;
    let mode =
        PythonDownloads::in_force(settings.python_downloads, config).map_err(EnvError::Setting)?;
    // Only a version (or a range) can be installed; and only when the settings allow it.
    let Ok(build) = download::best(&request.request, config) else {
        return Err(missing.into());
    };
    if let Some(requires) = requires
        && crate::pep::parse_version(&build.version).is_ok_and(|v| !requires.contains(&v))
    {
        return Err(missing.into());
    }
    match mode {
        PythonDownloads::Never => return Err(missing.into()),
        PythonDownloads::Manual => {
            return Err(EnvError::InstallByHand {
                request: request.request.to_string(),
            });
        }
        PythonDownloads::Automatic => {}
    }
    events(Event::InstallingPython(&build));
    let mirror = python_mirror(config, settings.python_mirror.as_deref(), &project.root);
    download::install(
        &build,
        &store.pythons_dir(),
        mirror.as_deref(),
        config,
        &mut |step| {
            if let download::Step::Downloading { done, total } = step {
                events(Event::Downloading { done, total });
            }
        },
    )
    .map_err(|source| EnvError::InstallFailed {
        request: request.request.to_string(),
        version: build.version.clone(),
        source: Box::new(source),
    })?;
    Ok(finder(store, config).find(request, requires)?)
}

/// Judges an env against the project, without starting anything.
pub fn check(
    env: &Env,
    metadata: Option<&EnvMetadata>,
    project: &Project,
    request: &SourcedRequest,
    selection: &Selection,
    lock: LockMode,
    config: &Config,
) -> Verdict {
    // A link where the env belongs sends the run to the slow path, which refuses it.
    if std::fs::symlink_metadata(&env.dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Verdict::Rebuild("it is a link".into());
    }
    let Some(metadata) = metadata else {
        return Verdict::Rebuild(if env.exists() {
            "its metadata is missing or invalid".into()
        } else {
            "it does not exist".into()
        });
    };
    if !crate::platform::same_path(&metadata.project, project.env_key()) {
        return Verdict::Rebuild("it belongs to another project path".into());
    }
    let python = &metadata.python;
    let stamp = FileStamp::of(&python.facts.base_executable);
    if stamp.is_none() || python.stamp.is_none() {
        return Verdict::Rebuild(format!(
            "its interpreter {} is gone",
            python.facts.base_executable.display()
        ));
    }
    // Touched or replaced: the slow path asks it what it is now, and rebuilds only when its
    // version or identity changed (a touch, or the same build put back, keeps the env).
    if stamp != python.stamp {
        return Verdict::Reselect;
    }
    if !Layout::new(&env.dir, &python.facts).python().exists() {
        return Verdict::Rebuild("its bin/python is missing".into());
    }
    if !satisfies(python, request, project) {
        return Verdict::Reselect;
    }
    match &metadata.fingerprint {
        Some(stored)
            if *stored
                == fingerprint::fingerprint(
                    project,
                    selection,
                    &python.facts,
                    lock,
                    config,
                    metadata.lock_seen.as_ref(),
                ) =>
        {
            Verdict::Current
        }
        _ => Verdict::OutOfSync,
    }
}

/// `verdict`, unless the env holds two `.dist-info` folders of one name: then it is broken
/// whatever its fingerprint says. For `pvm info` and `pvm list`, which may list a folder;
/// the warm path of a run does not.
pub fn inspected(env: &Env, metadata: Option<&EnvMetadata>, verdict: Verdict) -> Verdict {
    let Some(metadata) = metadata.filter(|_| verdict == Verdict::Current) else {
        return verdict;
    };
    let layout = Layout::new(&env.dir, &metadata.python.facts);
    let twice = crate::site::duplicates(&layout.site_packages);
    if twice.is_empty() {
        return verdict;
    }
    let names: Vec<String> = twice.iter().map(|name| format!("`{name}`")).collect();
    Verdict::Rebuild(format!(
        "{} installed twice (two .dist-info folders of one name): Python imports one, tools read either",
        names.join(", ")
    ))
}

/// Whether the env's interpreter still answers the request in force, without discovery: a
/// version request is checked against its version, so a warm run never starts a Python.
fn satisfies(python: &EnvPython, request: &SourcedRequest, project: &Project) -> bool {
    if let Some(specifiers) = &project.manifest.requires_python
        && let Some(version) = python.facts.pep440_version()
        && !specifiers.contains(&version)
    {
        return false;
    }
    if request.key() == python.request {
        return true;
    }
    match &request.request {
        InterpreterRequest::Default => true,
        InterpreterRequest::Version { .. } | InterpreterRequest::Specifiers(_) => {
            request.request.matches_version(&python.facts)
        }
        _ => false,
    }
}

/// Makes sure the project's env exists and is current; the warm path reads one file and
/// returns. Otherwise, under the env's lock: build or rebuild it when needed, then sync.
pub fn ensure(
    store: &Store,
    project: &Project,
    request: &SourcedRequest,
    options: &SyncOptions,
    config: &Config,
    events: &mut dyn FnMut(Event),
) -> Result<Ready, EnvError> {
    let env = store.env_of(project);
    let (metadata, _, _, verdict) = judge(&env, project, request, options, config);
    let usable = verdict == Verdict::Current || (options.no_sync && verdict == Verdict::OutOfSync);
    if usable && !options.reinstall {
        let metadata = metadata.expect("a usable env has metadata");
        crate::lock_policy::check(project, options.lock, &metadata.python.facts, config)?;
        return Ok(Ready::new(env, metadata, None));
    }

    let _umask = crate::fsutil::NoWorldWritable::new();
    store.prepare()?;
    crate::faults::pause(crate::faults::LOCK);
    let _lock = store.lock(&env, |path| events(Event::Waiting(path)))?;
    // A link where the env belongs is not followed: pvm would clean up and write through it,
    // outside the store.
    if std::fs::symlink_metadata(&env.dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(StoreError::NotAnEnv {
            path: env.dir.clone(),
            reason: "it is a link, and pvm never writes through links in its store".into(),
        }
        .into());
    }
    // Leftovers of pvms killed earlier: half-written metadata, half-deleted envs, half-written
    // locks in the project, scratch folders.
    crate::fsutil::remove_stale_temps(&env.dir);
    crate::fsutil::remove_dead_temps(&project.root);
    crate::fsutil::remove_dead_scratch();
    store.clean_trash();
    // Whoever held the lock may have done the work already, or changed the manifest, the lock
    // and the selection the env is synced with (a `pvm add`, a `pvm sync --group`): what to do
    // is decided from what they are now, never from what was read before the wait.
    let project = &Project::load(project.env_key())?;
    let (metadata, asked, selection, verdict) = judge(&env, project, request, options, config);
    // An env built here and now has nothing a killed sync could have left half done.
    let mut built = false;
    // While it is built, the wheels of a lock the sync will install as it is are fetched;
    // what the fetch learned (pvm cannot install them itself) the sync does not learn again.
    let declined = std::sync::atomic::AtomicBool::new(false);
    let ahead = |facts: &Facts| {
        if options.no_sync {
            return;
        }
        if let Some(lock) = crate::lock_policy::as_is(project, facts, options.lock, config) {
            let layout = Layout::new(&env.dir, facts);
            let cache = store.cache_dir();
            let no = install::prefetch(project, &layout, facts, &selection, &lock, &cache, config);
            declined.store(no, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let mut metadata = match (verdict, metadata) {
        (Verdict::Current, Some(metadata)) if !options.reinstall => {
            crate::lock_policy::check(project, options.lock, &metadata.python.facts, config)?;
            return Ok(Ready::new(env, metadata, None));
        }
        (Verdict::Current | Verdict::OutOfSync, Some(metadata)) => metadata,
        // Only touched (same executable, same version, and the request still holds): kept,
        // with its new stamp.
        (Verdict::Reselect, Some(mut metadata))
            if satisfies(&metadata.python, request, project)
                && crate::python::facts::query(
                    &metadata.python.facts.base_executable,
                    &config.current_dir().unwrap_or_default(),
                )
                .is_ok_and(|facts| {
                    facts.version == metadata.python.facts.version
                        && facts.implementation == metadata.python.facts.implementation
                }) =>
        {
            metadata.python.stamp = FileStamp::of(&metadata.python.facts.base_executable);
            metadata
        }
        (Verdict::Reselect, Some(metadata)) => {
            events(Event::FindingInterpreter(request));
            let interpreter = find_or_install(store, project, request, config, events)?;
            if same_interpreter(&interpreter, &metadata.python) {
                let mut metadata = metadata;
                metadata.python = env_python(&interpreter, request);
                metadata
            } else {
                events(Event::Rebuilding {
                    reason: &format!(
                        "the interpreter changed to Python {} ({})",
                        interpreter.facts.version,
                        interpreter.path.display()
                    ),
                });
                built = true;
                build(store, &env, project, request, &interpreter, &ahead, events)?
            }
        }
        (verdict, _) => {
            if let Verdict::Rebuild(reason) = &verdict
                && env.exists()
            {
                events(Event::Rebuilding { reason });
            }
            events(Event::FindingInterpreter(request));
            let interpreter = find_or_install(store, project, request, config, events)?;
            built = true;
            build(store, &env, project, request, &interpreter, &ahead, events)?
        }
    };
    if options.no_sync {
        return Ok(Ready::new(env, metadata, None));
    }

    // The fingerprint is cleared right before the sync changes anything, and stored only once
    // the env matches it: a failed or killed sync is redone by the next run, while one refused
    // before it changed anything (a hash mismatch, a stale lock under --locked) leaves the env
    // marked as it was.
    let layout = Layout::new(&env.dir, &metadata.python.facts);
    let built_from = metadata.project_build.clone();
    let facts = metadata.python.facts.clone();
    // A sync that started and did not finish (killed, failed): the files are checked.
    let options = &SyncOptions {
        repair: metadata.fingerprint.is_none() && !built,
        cache: Some(store.cache_dir()),
        native_declined: declined.into_inner(),
        ..options.clone()
    };
    // What the sync does with the lock is decided (and a stale or first lock written) before
    // anything in the env changes.
    let chosen = crate::lock_policy::choose(
        project,
        &layout,
        &facts,
        options.lock,
        config,
        &mut |requirements| events(Event::Sync(Progress::Locking { requirements })),
    )?;
    let progress: &mut dyn FnMut(Progress) = &mut |progress| events(Event::Sync(progress));
    let plan = install::plan(
        project,
        &layout,
        &facts,
        &selection,
        chosen.lock.as_deref(),
        options,
        config,
        progress,
    )?;
    // The env is marked unfinished between the plan and its first change.
    if metadata.fingerprint.is_some() {
        metadata.fingerprint = None;
        env.write_metadata(&metadata)?;
    }
    let mut report = install::apply(plan, built_from.as_deref(), progress)?;
    report.record_lock(&chosen);
    metadata.project_install = report.project.clone();
    metadata.project_build = report.project_build.clone();
    metadata.selection = asked;
    metadata.installer = Some(report.installer.clone());
    // A sync may have written the lock: the fingerprint covers it as it is now.
    metadata.lock_seen = fingerprint::lock_seen(project);
    metadata.fingerprint = (!report.frozen_stale).then(|| {
        fingerprint::fingerprint(
            project,
            &selection,
            &metadata.python.facts,
            options.lock,
            config,
            metadata.lock_seen.as_ref(),
        )
    });
    metadata.synced = Some(Timestamp::now());
    metadata.name = project.name();
    env.write_metadata(&metadata)?;
    // Files taken out of the env may have been another env's shared ones. The env's own kept
    // size is stale now (its metadata is newer): the next `pvm list` measures it, not the sync.
    if !(report.removed.is_empty() && report.changed.is_empty() && report.reinstalled.is_empty()) {
        store.mark_sizes_stale();
    }
    Ok(Ready::new(env, metadata, Some(report)))
}

/// The env of `project` as it is now: its metadata, the selection asked for (see [`asked`])
/// and [`check`]'s verdict; with `check_installed`, a current env that does not hold what it
/// should is out of sync.
fn judge(
    env: &Env,
    project: &Project,
    request: &SourcedRequest,
    options: &SyncOptions,
    config: &Config,
) -> (Option<EnvMetadata>, SelectionRequest, Selection, Verdict) {
    let metadata = env.metadata();
    let asked = asked(options, metadata.as_ref());
    let selection = asked.resolve(project);
    let mut verdict = check(
        env,
        metadata.as_ref(),
        project,
        request,
        &selection,
        options.lock,
        config,
    );
    if verdict == Verdict::Current
        && options.check_installed
        && let Some(metadata) = &metadata
        && !holds_what_it_should(env, metadata, project, &selection)
    {
        verdict = Verdict::OutOfSync;
    }
    (metadata, asked, selection, verdict)
}

/// What was asked for: now (`pvm sync`'s flags), else by the last sync, which `pvm run` keeps.
/// What `pvm add --group`/`--optional` added stays through a `pvm sync` with other flags.
fn asked(options: &SyncOptions, metadata: Option<&EnvMetadata>) -> SelectionRequest {
    let recorded = metadata.map(|m| m.selection.clone());
    match (options.selection.clone(), recorded) {
        (Some(now), Some(recorded)) => now.keeping_added(&recorded),
        (Some(now), None) => now,
        (None, recorded) => recorded.unwrap_or_default(),
    }
}

/// Whether the env's site-packages hold exactly what the selection needs (with the project
/// and pip where they belong): a package installed or removed by hand fails it.
fn holds_what_it_should(
    env: &Env,
    metadata: &EnvMetadata,
    project: &Project,
    selection: &Selection,
) -> bool {
    let facts = &metadata.python.facts;
    let (Ok(requirements), Ok(markers)) = (
        crate::project::requirements(project, selection),
        crate::pep::marker_environment(&facts.markers),
    ) else {
        return false;
    };
    let mut also: Vec<&str> = Vec::new();
    if let Some(installed) = &metadata.project_install {
        also.push(&installed.name);
    }
    if project.manifest.settings.seed_pip {
        also.extend(install::seeded(facts));
    }
    let layout = Layout::new(&env.dir, facts);
    // The project itself, installed by the last sync, must still be there.
    if metadata.project_install.is_some() {
        let dists = crate::site::installed(&layout.site_packages);
        if crate::site::installed_from(&dists, &project.root).is_none() {
            return false;
        }
    }
    crate::site::holds_exactly(&layout.site_packages, &requirements, &also, &markers)
}

/// The same interpreter as the env's: the same executable reporting the same version and
/// implementation (its modification time may differ).
fn same_interpreter(interpreter: &Interpreter, python: &EnvPython) -> bool {
    interpreter.facts.base_executable == python.facts.base_executable
        && interpreter.facts.version == python.facts.version
        && interpreter.facts.implementation == python.facts.implementation
}

fn env_python(interpreter: &Interpreter, request: &SourcedRequest) -> EnvPython {
    EnvPython {
        path: interpreter.path.clone(),
        origin: interpreter.origin,
        request: request.key(),
        request_source: request.source.to_string(),
        stamp: FileStamp::of(&interpreter.facts.base_executable),
        facts: interpreter.facts.clone(),
    }
}

/// Builds the env from scratch (whatever was there goes first) and seeds pip, with `ahead`
/// run meanwhile on another thread. Its metadata is written last, without a fingerprint:
/// complete, not yet synced.
fn build(
    store: &Store,
    env: &Env,
    project: &Project,
    request: &SourcedRequest,
    interpreter: &Interpreter,
    ahead: &(dyn Fn(&Facts) + Sync),
    events: &mut dyn FnMut(Event),
) -> Result<EnvMetadata, EnvError> {
    store.discard(env)?;
    events(Event::Creating {
        python: interpreter,
        dir: &env.dir,
    });
    // Seeding pip unpacks ~1,000 files while the lock's downloads wait on the network: both
    // go on at once. The other thread writes only to the cache, so the env is built (and
    // marked complete) exactly as without it.
    let created = std::thread::scope(|scope| {
        scope.spawn(|| ahead(&interpreter.facts));
        venv::create(&env.dir, &interpreter.facts, &project.name())
            .map_err(EnvError::from)
            .and_then(|layout| {
                if project.manifest.settings.seed_pip {
                    events(Event::SeedingPip);
                    install::seed_pip(
                        &layout,
                        &interpreter.facts,
                        &store.cache_dir().join("wheels"),
                    )?;
                }
                Ok(())
            })
    });
    crate::faults::pause(crate::faults::CREATE);
    if let Err(err) = created {
        // Leave nothing half-written behind.
        let _ = store.discard(env);
        return Err(err);
    }
    let now = Timestamp::now();
    let metadata = EnvMetadata {
        format: ENV_FORMAT,
        pvm_version: env!("CARGO_PKG_VERSION").to_string(),
        project: project.env_key().to_path_buf(),
        script: project.script.is_some(),
        name: project.name(),
        python: env_python(interpreter, request),
        fingerprint: None,
        selection: SelectionRequest::default(),
        installer: None,
        project_install: None,
        project_build: None,
        lock_seen: None,
        created: now,
        synced: None,
    };
    // The commit mark: from here on the env is complete, only not yet synced.
    env.write_metadata(&metadata)?;
    Ok(metadata)
}

/// What an editor needs: `pvm info --json`.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectInfo {
    /// The project root (canonical).
    pub project: PathBuf,
    pub name: String,
    /// The env's folder (it may not exist yet).
    pub env: PathBuf,
    /// The env's python, for `python.defaultInterpreterPath` and the like.
    pub env_python: PathBuf,
    pub env_exists: bool,
    /// The interpreter request in force, and where it came from.
    pub request: String,
    pub request_source: String,
    /// The env's base interpreter, once the env exists.
    pub python: Option<crate::python::InterpreterSummary>,
    /// Whether the next `pvm run` will exec at once.
    pub in_sync: bool,
    /// `ok`, `outdated`, `broken` or `missing`, with the reason.
    pub status: String,
    pub reason: Option<String>,
    /// The project is a package ([build-system] or `[tool.pvm] package = true`), so syncs
    /// install it into the env.
    pub package: bool,
    /// The project itself as the last sync installed it; null when it is not installed.
    pub installed_project: Option<InstalledProject>,
}

/// The project's env as it stands, without changing anything.
pub fn info(
    store: &Store,
    project: &Project,
    request: &SourcedRequest,
    config: &Config,
) -> ProjectInfo {
    let env = store.env_of(project);
    let metadata = env.metadata();
    let selection = metadata
        .as_ref()
        .map(|m| m.selection.clone())
        .unwrap_or_default()
        .resolve(project);
    let verdict = check(
        &env,
        metadata.as_ref(),
        project,
        request,
        &selection,
        LockMode::Auto,
        config,
    );
    let verdict = inspected(&env, metadata.as_ref(), verdict);
    let reason = verdict.reason(metadata.as_ref());
    let status = match &verdict {
        Verdict::Current => "ok",
        Verdict::OutOfSync | Verdict::Reselect => "outdated",
        Verdict::Rebuild(_) if !env.exists() => "missing",
        Verdict::Rebuild(_) => "broken",
    };
    let python = metadata
        .as_ref()
        .map(|m| crate::python::InterpreterSummary {
            version: m.python.facts.version.clone(),
            implementation: m.python.facts.implementation.clone(),
            path: m.python.path.clone(),
            executable: m.python.facts.base_executable.clone(),
            origin: m.python.origin,
            supported: true,
        });
    let env_python = match &metadata {
        Some(m) => Layout::new(&env.dir, &m.python.facts).python(),
        None => env.dir.join("bin/python"),
    };
    ProjectInfo {
        project: project.env_key().to_path_buf(),
        name: project.name(),
        env_exists: env.exists(),
        env: env.dir,
        env_python,
        request: request.key(),
        request_source: request.source.to_string(),
        python,
        in_sync: verdict == Verdict::Current,
        status: status.to_string(),
        reason,
        package: project.manifest.is_package(),
        installed_project: metadata.and_then(|m| m.project_install),
    }
}
