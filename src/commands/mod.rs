//! One module per command: each orchestrates the core and decides what the user sees.

mod add;
mod cache;
mod completions;
mod declared;
mod error;
mod info;
mod init;
mod list;
mod lock;
mod python;
mod python_install;
mod remove;
mod run;
mod shell;
mod sync;
mod transaction;
mod tree;
mod uv_tool;

use std::path::PathBuf;

use indicatif::ProgressBar;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::environment::{self, Event, Ready};
use crate::install::{Progress, SyncOptions, SyncReport};
use crate::lock::LockMode;
use crate::project::Project;
use crate::python::SourcedRequest;
use crate::store::Store;
use crate::ui::Ui;
pub use error::{UserError, print_error};

/// What every command gets: output settings and the global flags.
pub struct Context<'a> {
    pub ui: Ui,
    pub project_dir: Option<PathBuf>,
    /// The environment, read once by `main`.
    pub config: &'a Config,
}

impl Context<'_> {
    pub fn store(&self) -> anyhow::Result<Store> {
        let store = Store::from_config(self.config)?;
        store.check_folders()?;
        Ok(store)
    }

    /// The project: `--project DIR`, else the nearest one upward from the current folder.
    pub fn project(&self) -> anyhow::Result<Project> {
        crate::project::sources::check_environment(self.config)?;
        let project = match &self.project_dir {
            Some(dir) => Project::at(dir)?,
            None => Project::discover(&self.config.current_dir()?)?,
        };
        for warning in &project.manifest.warnings {
            self.ui.warn(warning);
        }
        Ok(project)
    }
}

/// Runs the command; returns the exit code.
pub fn run(cli: Cli, config: &Config) -> anyhow::Result<i32> {
    let ctx = Context {
        ui: Ui::new(cli.global.quiet, cli.global.color, config.columns),
        project_dir: cli.global.project,
        config,
    };
    // The commands that change the project's files: a Ctrl-C (or SIGTERM) puts the files back
    // rather than leaving half an edit (see `transaction`).
    if matches!(
        cli.command,
        Command::Init(_) | Command::Lock(_) | Command::Add(_) | Command::Drop(_)
    ) {
        crate::interrupt::catch();
    }
    match cli.command {
        Command::Init(args) => init::init(&ctx, args),
        Command::Run(args) => run::run(&ctx, args),
        Command::Sync(args) => sync::sync(&ctx, args),
        Command::Lock(args) => lock::lock(&ctx, args),
        Command::Add(args) => add::add(&ctx, args),
        Command::Drop(args) => add::drop(&ctx, args),
        Command::Tree(args) => tree::tree(&ctx, args),
        Command::Export(args) => tree::export(&ctx, args),
        Command::Outdated(args) => tree::outdated(&ctx, args),
        Command::List(args) => list::list(&ctx, args),
        Command::Remove(args) => remove::remove(&ctx, args),
        Command::Info(args) => info::info(&ctx, args),
        Command::Shell(args) => shell::shell(&ctx, args),
        Command::Activate(args) => shell::activate(&ctx, args),
        Command::Python(command) => python::python(&ctx, command),
        Command::Cache(command) => cache::cache(&ctx, command),
        Command::Completions(args) => completions::completions(args),
    }
}

/// Makes sure the project's env is ready ([`environment::ensure`]), showing the slow path as it
/// goes and what a sync changed.
pub fn ensure_env(
    ctx: &Context,
    store: &Store,
    project: &Project,
    request: &SourcedRequest,
    options: &SyncOptions,
) -> anyhow::Result<Ready> {
    let started = std::time::Instant::now();
    if !options.no_sync && crate::lock_policy::writes_first_lock(project, options.lock) {
        bring_uv(ctx, store, project)?;
    }
    let mut progress = EnvProgress::new(ctx.ui).locking_into(project);
    let ready = environment::ensure(store, project, request, options, ctx.config, &mut |e| {
        progress.event(e)
    })?;
    if let Some(report) = &ready.report {
        progress.report(report, started);
    }
    Ok(ready)
}

/// Gets uv for a sync that writes the project's first lock, as `pvm lock` does: without one,
/// pip resolves, and the lock holds this one environment (said now, and in the Synced line).
pub fn bring_uv(ctx: &Context, store: &Store, project: &Project) -> anyhow::Result<()> {
    let sources = crate::project::Sources::for_project(project, ctx.config);
    if let Some(reason) = uv_tool::bring(ctx, store, project, &sources)? {
        ctx.ui.warn(format!(
            "no uv ({reason}): pip resolves, and {} will hold this one environment",
            lock_name(project)
        ));
    }
    Ok(())
}

/// The file name of the project's lock: `pylock.toml`, or a script's `report.py.lock`.
fn lock_name(project: &Project) -> String {
    project
        .lock_path()
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pylock.toml".into())
}

/// Shows the slow path of [`crate::environment::ensure`]: a spinner and status lines.
pub struct EnvProgress {
    ui: Ui,
    bar: Option<ProgressBar>,
    /// The lock file the lines name (a script's is not `pylock.toml`).
    lock_name: String,
}

/// The lock's Pythons were guessed: say so, and how to choose them, as uv does.
pub fn warn_guessed_python(ui: &crate::ui::Ui, range: &str) {
    ui.warn(format!(
        "pyproject.toml has no `requires-python`: locked for Python {range} (the interpreter in use and newer); set [project] requires-python to choose"
    ));
}

impl EnvProgress {
    pub fn new(ui: Ui) -> EnvProgress {
        EnvProgress {
            ui,
            bar: None,
            lock_name: "pylock.toml".into(),
        }
    }

    /// Names `project`'s lock file in what it shows.
    pub fn locking_into(mut self, project: &Project) -> EnvProgress {
        self.lock_name = lock_name(project);
        self
    }

    fn spin(&mut self, message: String) {
        match &self.bar {
            Some(bar) => bar.set_message(crate::ui::shown(&message).into_owned()),
            None => self.bar = Some(self.ui.spinner(message)),
        }
    }

    fn pause(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    pub fn event(&mut self, event: Event) {
        match event {
            Event::Waiting(lock) => {
                self.pause();
                self.ui.status(
                    "Waiting",
                    format!(
                        "for another pvm to finish with this env (lock {})",
                        lock.display()
                    ),
                );
            }
            Event::FindingInterpreter(request) => {
                self.spin(format!(
                    "Finding Python {} (from {})",
                    request.key(),
                    request.source
                ));
            }
            Event::Creating { python, dir } => {
                self.pause();
                self.ui.status(
                    "Creating",
                    format!(
                        "env with Python {} ({}) at {}",
                        python.facts.version,
                        python.path.display(),
                        dir.display()
                    ),
                );
            }
            Event::Rebuilding { reason } => {
                self.pause();
                self.ui.status("Rebuilding", format!("env: {reason}"));
            }
            Event::SeedingPip => self.spin("Seeding pip".into()),
            Event::InstallingPython(build) => {
                self.pause();
                self.ui.status(
                    "Installing",
                    format!(
                        "Python {} (python-build-standalone {}), which the request needs and this machine lacks",
                        build.version, build.build
                    ),
                );
            }
            Event::Downloading { done, total } => {
                let bar = self
                    .bar
                    .get_or_insert_with(|| self.ui.bytes_bar(total, "Downloading"));
                if let Some(total) = total {
                    bar.set_length(total);
                }
                bar.set_position(done);
            }
            Event::Sync(Progress::Locking { requirements }) => self.spin(format!(
                "Resolving {} into {}",
                crate::ui::count(requirements, "requirement"),
                self.lock_name
            )),
            Event::Sync(Progress::Fetching { count }) => {
                self.spin(format!("Downloading {}", crate::ui::count(count, "wheel")))
            }
            Event::Sync(Progress::Installing {
                requirements,
                installer,
            }) => self.spin(format!(
                "Installing {} with {installer}",
                crate::ui::count(requirements, "requirement")
            )),
            Event::Sync(Progress::BuildingProject { name, backend }) => {
                self.spin(format!("Building {name} (editable, with {backend})"))
            }
            Event::Sync(Progress::Removing { count }) => self.spin(format!(
                "Removing {} no longer required",
                crate::ui::count(count, "package")
            )),
        }
    }
}

impl Drop for EnvProgress {
    fn drop(&mut self) {
        self.pause();
    }
}

impl EnvProgress {
    /// What a sync changed, like uv prints it: `+ added`, `- removed`, `~ changed`.
    pub fn report(&mut self, report: &SyncReport, started: std::time::Instant) {
        self.pause();
        let own = report.project.as_ref();
        let is_own = |name: &str| own.is_some_and(|p| p.name == name);
        // The project rebuilt at the same version is a change the site-packages diff misses.
        let rebuilt = own.filter(|p| {
            report.built_project
                && !report.added.iter().any(|(name, _)| *name == p.name)
                && !report.changed.iter().any(|(name, ..)| *name == p.name)
        });
        let changes = report.added.len()
            + report.removed.len()
            + report.changed.len()
            + report.reinstalled.len()
            + usize::from(rebuilt.is_some());
        let elapsed = started.elapsed().as_secs_f64();
        let scope = if report.one_environment {
            " (for this environment only: pip resolved it)"
        } else {
            ""
        };
        if let Some(range) = &report.guessed_python {
            warn_guessed_python(&self.ui, range);
        }
        if let Some((file, why)) = &report.foreign_stale {
            let done = if report.wrote_lock || report.relocked {
                "pylock.toml is written keeping its versions wherever the manifest allows"
            } else {
                "it is not used"
            };
            self.ui
                .warn(format!("{file} is not current ({why}): {done}"));
        }
        let name = report.foreign_lock.unwrap_or(&self.lock_name);
        let lock = if report.migrated {
            ", migrated pvm.lock into pylock.toml (same versions; pvm.lock is removed)".into()
        } else if report.wrote_lock {
            format!(", wrote {name}")
        } else if report.relocked {
            format!(", re-locked {name}")
        } else if report.used_lock {
            format!(" from {name}")
        } else {
            String::new()
        };
        self.ui.status(
            "Synced",
            format!(
                "{} with {} in {elapsed:.2}s{lock}{scope}",
                crate::ui::count(changes, "change"),
                report.installer
            ),
        );
        let editable = |name: &str| if is_own(name) { " (editable)" } else { "" };
        for (name, version) in &report.added {
            self.ui
                .detail(format!("+ {name}=={version}{}", editable(name)));
        }
        if let Some(project) = rebuilt {
            self.ui.detail(format!(
                "~ {}=={} (rebuilt, editable)",
                project.name, project.version
            ));
        }
        for (name, old, new) in &report.changed {
            self.ui.detail(format!("~ {name} {old} -> {new}"));
        }
        for (name, version) in &report.reinstalled {
            self.ui.detail(format!("~ {name}=={version} (reinstalled)"));
        }
        for (name, version) in &report.removed {
            self.ui.detail(format!("- {name}=={version}"));
        }
    }
}

impl EnvProgress {
    /// What the first `pvm run --with` installed beside the env, in the shape of a sync's
    /// report: the env itself is left as it is, and the next run with the same `--with` reuses it.
    pub fn report_overlay(
        &mut self,
        installed: &crate::overlay::Installed,
        started: std::time::Instant,
    ) {
        self.pause();
        self.ui.status(
            "Installed",
            format!(
                "{} for this run with {} in {:.2}s (the env is unchanged; kept for the next run with the same --with)",
                crate::ui::count(installed.packages.len(), "package"),
                installed.installer,
                started.elapsed().as_secs_f64()
            ),
        );
        for (name, version) in &installed.packages {
            self.ui.detail(format!("+ {name}=={version}"));
        }
    }
}

/// `--locked` / `--frozen` as a [`LockMode`].
pub fn lock_mode(args: &crate::cli::LockModeArgs) -> LockMode {
    if args.frozen {
        LockMode::Frozen
    } else if args.locked {
        LockMode::Locked
    } else if args.no_lock {
        LockMode::NoNewLock
    } else {
        LockMode::Auto
    }
}
