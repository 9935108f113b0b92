//! Discovery and selection against fake interpreters in a temporary folder: nothing of the
//! machine's is seen. A fake is an executable file that is no script (so discovery takes it for
//! an interpreter) whose facts are put in the facts cache beforehand, so it is never run; one
//! test runs a fake that is a shell script printing canned facts.

use std::path::{Path, PathBuf};

use super::discovery::{Origin, SearchPaths};
use super::discovery_macos::MacRoots;
use super::facts::{self, Facts, Scheme};
use super::request::{InterpreterRequest, RequestSource, SourcedRequest};
use super::{Finder, PythonError};
use crate::config::Config;

/// A machine of fake interpreters: pvm's, pyenv's and uv's folders, `PATH` folders, a cache.
struct Machine {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    path: Vec<PathBuf>,
}

impl Machine {
    fn new() -> Machine {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        Machine {
            _tmp: tmp,
            root,
            path: Vec::new(),
        }
    }

    fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// A fake interpreter at `relative` that says it is `implementation` `version`, with
    /// `base` as its real executable (itself when `None`).
    fn fake_as(
        &self,
        relative: &str,
        implementation: &str,
        version: &str,
        base: Option<&Path>,
    ) -> PathBuf {
        let path = self.root.join(relative);
        write_executable(&path, "a fake interpreter: its facts are in the cache\n");
        let base = base.map_or_else(|| path.clone(), Path::to_path_buf);
        facts::seed_cache(
            &path,
            &self.cache(),
            &fake_facts(&base, implementation, version),
        );
        path
    }

    fn fake(&self, relative: &str, version: &str) -> PathBuf {
        self.fake_as(relative, "cpython", version, None)
    }

    /// `PATH` gets `relative` (a folder under the machine), after those added before.
    fn on_path(&mut self, relative: &str) {
        let dir = self.root.join(relative);
        std::fs::create_dir_all(&dir).unwrap();
        self.path.push(dir);
    }

    /// The environment pvm would read on this machine, and nothing of the host's.
    fn config(&self) -> Config {
        Config {
            pyenv_root: Some(self.root.join("pyenv")),
            uv_python_install_dir: Some(self.root.join("uv")),
            path: Some(std::env::join_paths(&self.path).unwrap()),
            // pyenv's shims decide from the machine's own folder, never the host's.
            pyenv_dir: Some(self.root.clone()),
            ..Config::for_test()
        }
    }

    fn search(&self) -> SearchPaths {
        SearchPaths {
            // Not the Mac's own folders of installers: only the machine's.
            mac: None,
            ..SearchPaths::new(&self.config(), Some(self.root.join("pvm")))
        }
    }

    fn finder(&self) -> Finder {
        Finder::new(self.search(), Some(self.cache()), self.root.clone())
    }

    /// What `request` finds, as a path relative to the machine.
    fn find(&self, request: &str) -> Result<String, PythonError> {
        self.find_within(request, None)
    }

    fn find_within(&self, request: &str, requires: Option<&str>) -> Result<String, PythonError> {
        let request = SourcedRequest {
            request: InterpreterRequest::parse(request, None).unwrap(),
            source: RequestSource::Flag,
        };
        let requires = requires.map(|text| crate::pep::parse_specifiers(text).unwrap());
        let found = self.finder().find(&request, requires.as_ref())?;
        Ok(self.relative(&found.path))
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn fake_facts(executable: &Path, implementation: &str, version: &str) -> Facts {
    let numbers = facts::version_numbers(version);
    let number = |i: usize| numbers.get(i).copied().unwrap_or(0);
    let prefix = executable
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("/"))
        .to_path_buf();
    let minor = format!("{}.{}", number(0), number(1));
    let site = PathBuf::from(format!("lib/python{minor}/site-packages"));
    Facts {
        executable: executable.to_path_buf(),
        base_executable: executable.to_path_buf(),
        prefix: prefix.clone(),
        base_prefix: prefix,
        version: version.to_string(),
        version_info: (number(0), number(1), number(2), "final".into(), 0),
        implementation: implementation.to_string(),
        pointer_size: 8,
        platform: "linux".into(),
        abiflags: String::new(),
        glibc: None,
        sysconfig_platform: None,
        mac_version: None,
        scheme: Scheme {
            purelib: site.clone(),
            platlib: site,
            scripts: "bin".into(),
            include: format!("include/python{minor}").into(),
            data: ".".into(),
        },
        stdlib: None,
        markers: Default::default(),
    }
}

#[test]
fn candidates_come_in_discovery_order_and_only_pythons_count() {
    let mut machine = Machine::new();
    machine.fake("pvm/cpython-3.12.3/bin/python3", "3.12.3");
    // pyenv's folders in name order; one with only `bin/python`; one with no interpreter.
    machine.fake("pyenv/versions/3.9.18/bin/python3", "3.9.18");
    machine.fake("pyenv/versions/3.10.13/bin/python3", "3.10.13");
    machine.fake("pyenv/versions/2.7.18/bin/python", "2.7.18");
    std::fs::create_dir_all(machine.root.join("pyenv/versions/broken/bin")).unwrap();
    machine.fake("uv/cpython-3.11.7-linux/bin/python3", "3.11.7");
    // PATH folders in PATH order, each in name order; tools that are not interpreters skipped.
    machine.on_path("pyenv/shims");
    write_executable(
        &machine.root.join("pyenv/shims/python3"),
        "#!/bin/bash\nexec pyenv exec python3 \"$@\"\n",
    );
    machine.on_path("usr/bin");
    machine.fake("usr/bin/python3.11", "3.11.2");
    machine.fake("usr/bin/python3", "3.11.2");
    for tool in ["python3-config", "python3.11-config", "pythonw", "python2"] {
        write_executable(&machine.root.join("usr/bin").join(tool), "not python\n");
    }
    std::fs::write(machine.root.join("usr/bin/python"), "not executable\n").unwrap();
    machine.on_path("opt/bin");
    machine.fake("opt/bin/python", "3.13.0");

    let mut search = machine.search();
    // A relative PATH entry is never searched.
    let mut path = vec![PathBuf::from("usr/bin")];
    path.extend(machine.path.iter().cloned());
    search.path = Some(std::env::join_paths(&path).unwrap());
    let found: Vec<(Origin, String, bool)> = search
        .candidates()
        .iter()
        .map(|c| (c.origin, machine.relative(&c.path), c.is_script))
        .collect();
    let expected = [
        (Origin::Pvm, "pvm/cpython-3.12.3/bin/python3", false),
        (Origin::Pyenv, "pyenv/versions/2.7.18/bin/python", false),
        (Origin::Pyenv, "pyenv/versions/3.10.13/bin/python3", false),
        (Origin::Pyenv, "pyenv/versions/3.9.18/bin/python3", false),
        (Origin::Uv, "uv/cpython-3.11.7-linux/bin/python3", false),
        // pyenv's shim is a script: run only to learn what it stands for, never listed.
        (Origin::Path, "pyenv/shims/python3", true),
        (Origin::Path, "usr/bin/python3", false),
        (Origin::Path, "usr/bin/python3.11", false),
        (Origin::Path, "opt/bin/python", false),
    ];
    let expected: Vec<(Origin, String, bool)> = expected
        .iter()
        .map(|(origin, path, script)| (*origin, path.to_string(), *script))
        .collect();
    assert_eq!(found, expected);

    // `all` runs (here: reads the cache for) every candidate but scripts.
    let versions: Vec<String> = machine
        .finder()
        .all()
        .iter()
        .map(|i| i.facts.version.clone())
        .collect();
    assert_eq!(
        versions,
        [
            "3.12.3", "2.7.18", "3.10.13", "3.9.18", "3.11.7", "3.11.2", "3.11.2", "3.13.0"
        ]
    );
}

#[test]
fn macos_framework_and_homebrew_pythons_are_found_after_path_from_fake_roots() {
    let mut machine = Machine::new();
    machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    machine.on_path("usr/bin");
    machine.fake("usr/bin/python3", "3.9.6");
    // python.org's builds; `Current` links to one of them and is not searched again.
    let versions = "Library/Frameworks/Python.framework/Versions";
    machine.fake(&format!("{versions}/3.9/bin/python3.9"), "3.9.13");
    machine.fake(&format!("{versions}/3.12/bin/python3"), "3.12.7");
    machine.fake(&format!("{versions}/3.12/bin/python3.12"), "3.12.7");
    write_executable(
        &machine
            .root
            .join(format!("{versions}/3.12/bin/python3-config")),
        "x\n",
    );
    crate::fsutil::symlink_force(
        Path::new("3.12"),
        &machine.root.join(format!("{versions}/Current")),
    )
    .unwrap();
    // Homebrew on Apple silicon: its default in `bin`, other versions in their kegs; and an
    // Intel prefix with nothing but a keg.
    machine.fake("opt/homebrew/bin/python3", "3.13.1");
    machine.fake("opt/homebrew/opt/python@3.10/bin/python3", "3.10.16");
    machine.fake("opt/homebrew/opt/python@3.9/bin/python3", "3.9.21");
    std::fs::create_dir_all(machine.root.join("opt/homebrew/opt/python-tk@3.12/bin")).unwrap();
    machine.fake("usr/local/opt/python@3.11/bin/python3.11", "3.11.11");

    let mut search = machine.search();
    search.mac = Some(MacRoots {
        frameworks: machine.root.join("Library/Frameworks"),
        homebrew: vec![
            machine.root.join("opt/homebrew"),
            machine.root.join("usr/local"),
        ],
    });
    let found: Vec<(Origin, String)> = search
        .candidates()
        .iter()
        .map(|c| (c.origin, machine.relative(&c.path)))
        .collect();
    let expected = [
        (
            Origin::Pyenv,
            "pyenv/versions/3.12.1/bin/python3".to_string(),
        ),
        (Origin::Path, "usr/bin/python3".into()),
        (Origin::Framework, format!("{versions}/3.12/bin/python3")),
        (Origin::Framework, format!("{versions}/3.12/bin/python3.12")),
        (Origin::Framework, format!("{versions}/3.9/bin/python3.9")),
        (Origin::Homebrew, "opt/homebrew/bin/python3".into()),
        (
            Origin::Homebrew,
            "opt/homebrew/opt/python@3.10/bin/python3".into(),
        ),
        (
            Origin::Homebrew,
            "opt/homebrew/opt/python@3.9/bin/python3".into(),
        ),
        (
            Origin::Homebrew,
            "usr/local/opt/python@3.11/bin/python3.11".into(),
        ),
    ];
    assert_eq!(found, expected);

    // Each is an interpreter to choose from: `3.13` is Homebrew's, `3.10` its keg's.
    let finder = Finder::new(search, Some(machine.cache()), machine.root.clone());
    let find = |version: &str| {
        let request = SourcedRequest {
            request: InterpreterRequest::parse(version, None).unwrap(),
            source: RequestSource::Flag,
        };
        let found = finder.find(&request, None).unwrap();
        (found.origin, machine.relative(&found.path))
    };
    assert_eq!(
        find("3.13"),
        (Origin::Homebrew, "opt/homebrew/bin/python3".into())
    );
    assert_eq!(
        find("3.10"),
        (
            Origin::Homebrew,
            "opt/homebrew/opt/python@3.10/bin/python3".into()
        )
    );
    assert_eq!(
        find("3.12.7"),
        (Origin::Framework, format!("{versions}/3.12/bin/python3"))
    );
}

#[test]
fn the_same_interpreter_found_twice_is_listed_once() {
    let mut machine = Machine::new();
    let real = machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    machine.on_path("bin");
    // A second name for it on PATH (a link, or a copy that reports the same executable).
    machine.fake_as("bin/python3", "cpython", "3.12.1", Some(&real));
    let all = machine.finder().all();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].origin, Origin::Pyenv);
}

#[test]
fn a_version_request_takes_the_newest_match_and_the_first_found_among_equals() {
    let mut machine = Machine::new();
    machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    machine.fake("pyenv/versions/3.11.7/bin/python3", "3.11.7");
    machine.fake("uv/cpython-3.12.1/bin/python3", "3.12.1");
    machine.on_path("usr/bin");
    machine.fake("usr/bin/python3", "3.11.2");
    machine.fake("usr/bin/python3.13", "3.13.0");
    assert_eq!(
        machine.find("3.12").unwrap(),
        "pyenv/versions/3.12.1/bin/python3"
    );
    assert_eq!(
        machine.find("3.12.1").unwrap(),
        "pyenv/versions/3.12.1/bin/python3"
    );
    assert_eq!(
        machine.find("3.11").unwrap(),
        "pyenv/versions/3.11.7/bin/python3"
    );
    assert_eq!(machine.find("3.11.2").unwrap(), "usr/bin/python3");
    assert_eq!(machine.find("3").unwrap(), "usr/bin/python3.13");
    assert_eq!(
        machine.find(">=3.10,<3.13").unwrap(),
        "pyenv/versions/3.12.1/bin/python3"
    );
    assert_eq!(
        machine.find("~=3.11.0").unwrap(),
        "pyenv/versions/3.11.7/bin/python3"
    );

    // pvm's own interpreters come first: an equal one there wins.
    machine.fake("pvm/cpython-3.12.1/bin/python3", "3.12.1");
    assert_eq!(
        machine.find("3.12").unwrap(),
        "pvm/cpython-3.12.1/bin/python3"
    );
}

#[test]
fn an_implementation_request_takes_only_that_implementation() {
    let machine = Machine::new();
    machine.fake("pyenv/versions/3.10.13/bin/python3", "3.10.13");
    machine.fake_as(
        "pyenv/versions/pypy3.10-7.3.15/bin/python3",
        "pypy",
        "3.10.13",
        None,
    );
    assert_eq!(
        machine.find("pypy3.10").unwrap(),
        "pyenv/versions/pypy3.10-7.3.15/bin/python3"
    );
    assert_eq!(
        machine.find("cpython3.10").unwrap(),
        "pyenv/versions/3.10.13/bin/python3"
    );
    assert!(matches!(
        machine.find("pypy3.11"),
        Err(PythonError::NoMatch { .. })
    ));
}

#[test]
fn no_match_names_the_usable_interpreters_newest_first() {
    let machine = Machine::new();
    machine.fake("pyenv/versions/2.7.18/bin/python", "2.7.18");
    machine.fake("pyenv/versions/3.9.18/bin/python3", "3.9.18");
    machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    let Err(PythonError::NoMatch { request, found, .. }) = machine.find("3.14") else {
        panic!("3.14 is not on this machine");
    };
    assert_eq!(request, "3.14");
    let found: Vec<String> = found
        .iter()
        .map(|f| f.replace(&machine.root.display().to_string(), ""))
        .collect();
    assert_eq!(
        found,
        [
            "3.12.1 (/pyenv/versions/3.12.1/bin/python3)",
            "3.9.18 (/pyenv/versions/3.9.18/bin/python3)"
        ]
    );

    // A machine with only Python 2 has nothing pvm can use, and the hint says how to get one.
    let old = Machine::new();
    old.fake("pyenv/versions/2.7.18/bin/python", "2.7.18");
    let err = old.find("3").unwrap_err();
    assert!(
        crate::hint::Hint::hint(&err)
            .unwrap()
            .starts_with("no Python interpreter pvm can use (3.6 or newer) was found"),
        "{err}"
    );
}

#[test]
fn too_old_interpreters_are_refused_by_name_and_passed_over_for_newer_ones() {
    let machine = Machine::new();
    machine.fake("pyenv/versions/3.5.10/bin/python3", "3.5.10");
    machine.fake("pyenv/versions/3.6.15/bin/python3", "3.6.15");
    assert!(matches!(
        machine.find("3.5"),
        Err(PythonError::Unsupported { version, .. }) if version == "3.5.10"
    ));
    assert_eq!(
        machine.find("3").unwrap(),
        "pyenv/versions/3.6.15/bin/python3"
    );
}

#[test]
fn requires_python_is_checked_after_the_choice() {
    let machine = Machine::new();
    machine.fake("pyenv/versions/3.9.18/bin/python3", "3.9.18");
    machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    assert!(matches!(
        machine.find_within("3.9", Some(">=3.10")),
        Err(PythonError::RequiresPython { version, requires, .. })
            if version == "3.9.18" && requires == ">=3.10"
    ));
    assert_eq!(
        machine.find_within("3", Some(">=3.10")).unwrap(),
        "pyenv/versions/3.12.1/bin/python3"
    );
}

#[test]
fn executable_names_are_looked_up_on_path_then_among_versions() {
    let mut machine = Machine::new();
    machine.fake("pyenv/versions/3.10.13/bin/python3", "3.10.13");
    machine.on_path("first");
    machine.on_path("second");
    machine.fake("first/python3", "3.11.2");
    machine.fake("second/python3", "3.12.1");
    machine.fake("second/python3.12", "3.12.1");
    assert_eq!(machine.find("python3").unwrap(), "first/python3");
    assert_eq!(machine.find("python3.12").unwrap(), "second/python3.12");
    // Not on PATH: the newest interpreter of that version found anywhere.
    assert_eq!(
        machine.find("python3.10").unwrap(),
        "pyenv/versions/3.10.13/bin/python3"
    );
    assert!(matches!(
        machine.find("python3.8"),
        Err(PythonError::NoMatch { .. })
    ));
}

#[test]
fn the_default_is_the_first_python3_on_path_and_system_skips_pyenv_shims() {
    let mut machine = Machine::new();
    machine.fake("pyenv/versions/3.12.1/bin/python3", "3.12.1");
    machine.on_path("pyenv/shims");
    write_executable(
        &machine.root.join("pyenv/shims/python3"),
        "#!/bin/sh\nexit 1\n",
    );
    machine.on_path("usr/bin");
    machine.fake("usr/bin/python", "3.11.2");
    machine.fake("usr/bin/python3", "3.11.2");
    assert_eq!(machine.find("system").unwrap(), "usr/bin/python3");

    let mut plain = Machine::new();
    plain.on_path("a");
    plain.on_path("b");
    plain.fake("a/python", "3.9.18");
    plain.fake("b/python3", "3.10.13");
    let default = SourcedRequest {
        request: InterpreterRequest::Default,
        source: RequestSource::Default,
    };
    let found = plain.finder().find(&default, None).unwrap();
    // `python3` anywhere on PATH before `python`.
    assert_eq!(plain.relative(&found.path), "b/python3");
}

#[test]
fn a_path_request_runs_the_interpreter_once_and_takes_its_answer() {
    let machine = Machine::new();
    let path = machine.root.join("custom/bin/python3");
    let facts = fake_facts(&path, "cpython", "3.12.1");
    write_executable(
        &path,
        &format!(
            "#!/bin/sh\ncat <<'EOF'\n{}\nEOF\n",
            serde_json::to_string(&facts).unwrap()
        ),
    );
    // A folder holding `bin/python3` names the interpreter in it.
    assert_eq!(
        machine
            .find(&format!("{}/custom", machine.root.display()))
            .unwrap(),
        "custom/bin/python3"
    );
    let found = machine
        .finder()
        .find(
            &SourcedRequest {
                request: InterpreterRequest::Path(path.clone()),
                source: RequestSource::Flag,
            },
            None,
        )
        .unwrap();
    assert_eq!(found.facts, facts);

    // One that answers nonsense is no interpreter, and says so.
    let broken = machine.root.join("broken/python3");
    write_executable(&broken, "#!/bin/sh\necho not json\n");
    let err = machine.find(&broken.display().to_string()).unwrap_err();
    assert!(
        err.to_string()
            .contains("is not a working Python interpreter"),
        "{err}"
    );
}

#[test]
fn the_nearest_python_version_file_names_the_versions() {
    let machine = Machine::new();
    let deep = machine.root.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(super::request::find_python_version_file(&deep), None);

    std::fs::write(machine.root.join("a/.python-version"), "3.11\n").unwrap();
    // pyenv's form: comments, blank lines, several versions, the first word of each line.
    std::fs::write(
        machine.root.join("a/b/.python-version"),
        "# pinned for the project\n\n  3.12.1  # CI too\n3.11\n",
    )
    .unwrap();
    // A folder of that name is no version file.
    std::fs::create_dir_all(deep.join(".python-version")).unwrap();
    let (path, version) = super::request::find_python_version_file(&deep).unwrap();
    assert_eq!(path, machine.root.join("a/b/.python-version"));
    assert_eq!(version, ["3.12.1", "3.11"]);

    // An empty file is passed over; one of comments only decides, naming no version.
    std::fs::write(machine.root.join("a/b/.python-version"), "").unwrap();
    let (path, version) = super::request::find_python_version_file(&deep).unwrap();
    assert_eq!(path, machine.root.join("a/.python-version"));
    assert_eq!(version, ["3.11"]);
    std::fs::write(machine.root.join("a/b/.python-version"), "# none\n").unwrap();
    let (path, version) = super::request::find_python_version_file(&deep).unwrap();
    assert_eq!(path, machine.root.join("a/b/.python-version"));
    assert!(version.is_empty(), "{version:?}");
}

#[test]
fn the_project_request_comes_from_the_first_source_that_has_one() {
    let machine = Machine::new();
    let root = machine.root.join("project");
    std::fs::create_dir_all(&root).unwrap();
    let manifest = |more: &str| {
        std::fs::write(
            root.join("pyproject.toml"),
            format!("[project]\nname = \"demo\"\nversion = \"0.1.0\"\n{more}"),
        )
        .unwrap();
        crate::project::Project::at(&root).unwrap()
    };
    let config = machine.config();
    let request = |flag: Option<&str>, project: &crate::project::Project| {
        let sourced = super::project_request(flag, project, &config).unwrap();
        (sourced.key(), sourced.source)
    };

    let project = manifest("");
    assert_eq!(
        request(None, &project),
        ("python3 on PATH".into(), RequestSource::Default)
    );
    let project = manifest("requires-python = \">=3.10\"\n");
    assert_eq!(
        request(None, &project),
        (">=3.10".into(), RequestSource::RequiresPython)
    );
    let project = manifest("requires-python = \">=3.10\"\n[tool.pvm]\npython = \"3.11\"\n");
    assert_eq!(
        request(None, &project),
        ("3.11".into(), RequestSource::Manifest)
    );
    std::fs::write(root.join(".python-version"), "3.12\n").unwrap();
    assert_eq!(
        request(None, &project),
        (
            "3.12".into(),
            RequestSource::PythonVersionFile(root.join(".python-version"))
        )
    );
    assert_eq!(
        request(Some("pypy3.10"), &project),
        ("pypy3.10".into(), RequestSource::Flag)
    );
    // `PVM_PYTHON` comes after the flag, before the files; a `~/` path starts at `HOME`.
    let env = Config {
        pvm_python: Some("~/py/bin/python3".into()),
        home: Some(machine.root.join("home")),
        ..machine.config()
    };
    let sourced = super::project_request(None, &project, &env).unwrap();
    assert_eq!(
        (sourced.request, sourced.source),
        (
            InterpreterRequest::Path(machine.root.join("home/py/bin/python3")),
            RequestSource::EnvVar
        )
    );
    let sourced = super::project_request(Some("3.11"), &project, &env).unwrap();
    assert_eq!(sourced.source, RequestSource::Flag);
    // A bad request names where it came from.
    std::fs::write(root.join(".python-version"), "3.x\n").unwrap();
    let err = super::project_request(None, &project, &config).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "invalid interpreter request from {}",
            root.join(".python-version").display()
        )),
        "{err}"
    );
}
