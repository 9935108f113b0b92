//! A sandbox per test: its own store (`PVM_HOME`), project folder and environment.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Sandbox {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub project: PathBuf,
}

impl Sandbox {
    /// An empty project folder (no manifest yet).
    pub fn empty() -> Sandbox {
        Sandbox::in_folder("proj")
    }

    /// A project folder called `name` (may hold spaces and non-ASCII letters).
    pub fn in_folder(name: &str) -> Sandbox {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("pvm home");
        let project = root.join(name);
        std::fs::create_dir_all(&project).unwrap();
        Sandbox {
            _tmp: tmp,
            root,
            home,
            project,
        }
    }

    /// A project whose manifest pins `python` through `[tool.pvm]`.
    pub fn project(python: &str) -> Sandbox {
        let sandbox = Sandbox::empty();
        sandbox.manifest(&format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = []\n\n[tool.pvm]\npython = \"{python}\"\n"
        ));
        sandbox
    }

    pub fn manifest(&self, text: &str) {
        self.write("pyproject.toml", text);
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.project.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `pvm` with this sandbox's store, run in the project folder.
    pub fn pvm(&self) -> Command {
        self.pvm_in(&self.project)
    }

    pub fn pvm_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::cargo_bin("pvm").unwrap();
        cmd.current_dir(dir)
            .env("PVM_HOME", &self.home)
            .env("NO_COLOR", "1")
            .env_remove("PVM_PYTHON")
            .env_remove("PVM_UV")
            .env_remove("PVM_INDEX_URL")
            .env_remove("PVM_FIND_LINKS")
            .env_remove("PVM_NO_INDEX")
            .env_remove("PVM_OFFLINE")
            // Tests never reach the network: no interpreter is downloaded on demand.
            .env("PVM_PYTHON_DOWNLOADS", "never")
            // Nor is uv (tests that fetch it say `automatic` and serve it themselves).
            .env("PVM_UV_DOWNLOADS", "never")
            .env_remove("PVM_UV_DOWNLOADS_TABLE")
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONHOME")
            .env("UV_CACHE_DIR", self.root.join("uv-cache"))
            .env("PIP_CACHE_DIR", self.root.join("pip-cache"));
        cmd
    }

    /// Starts `pvm` in the background, in its own process group (so a test can kill it and
    /// whatever it started), with output captured.
    pub fn spawn(&self, args: &[&str], envs: &[(&str, &Path)]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pvm"));
        cmd.current_dir(&self.project)
            .env("PVM_HOME", &self.home)
            .env("PIP_CACHE_DIR", self.root.join("pip-cache"))
            .env_remove("PVM_PYTHON")
            .env("PVM_PYTHON_DOWNLOADS", "never")
            .env("PVM_UV_DOWNLOADS", "never")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0);
        for (key, value) in envs {
            cmd.env(key, value);
        }
        cmd.spawn().unwrap()
    }

    /// `pvm` with the uv that `scripts/test` installed.
    pub fn pvm_with_uv(&self) -> Command {
        let mut cmd = self.pvm();
        cmd.env("PVM_UV", test_uv());
        cmd
    }

    /// The folder the test's wheels are built into.
    pub fn wheels(&self) -> PathBuf {
        self.root.join("wheels")
    }

    /// Builds a pure-Python wheel `name==version` whose module reports its version, into
    /// [`Sandbox::wheels`].
    pub fn wheel(&self, name: &str, version: &str, requires: &[&str]) -> PathBuf {
        build_wheel(&self.wheels(), name, version, requires, &[])
    }

    /// A project with `dependencies`, installing only from the test's wheels folder.
    pub fn deps_project(&self, python: &str, installer: &str, dependencies: &[&str], more: &str) {
        let deps: Vec<String> = dependencies.iter().map(|d| format!("{d:?}")).collect();
        self.manifest(&format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [{}]\n{more}\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"{installer}\"\nno-index = true\nfind-links = [{:?}]\n",
            deps.join(", "),
            self.wheels().display().to_string(),
        ));
    }

    /// A package built by the in-tree test backend (`[build-system]` with `backend-path`): module
    /// `src/demo` with `__version__` and a console script `demo-hello`; dependencies only from
    /// the test's wheels. `more` goes after `[project]` (extras, groups, more tables).
    /// The same with `lock = false`: for tests of the installer itself, whose syncs install
    /// from the manifest and never write pylock.toml.
    pub fn unlocked_project(
        &self,
        python: &str,
        installer: &str,
        dependencies: &[&str],
        more: &str,
    ) {
        self.deps_project(python, installer, dependencies, more);
        let manifest = std::fs::read_to_string(self.project.join("pyproject.toml")).unwrap();
        self.manifest(&format!("{manifest}lock = false\n"));
    }

    pub fn package_project(
        &self,
        python: &str,
        installer: &str,
        dependencies: &[&str],
        more: &str,
    ) {
        std::fs::create_dir_all(self.wheels()).unwrap();
        self.write(
            "_backend/test_backend.py",
            include_str!("fixtures/test_backend.py"),
        );
        self.write(
            "src/demo/__init__.py",
            "__version__ = \"0.1.0\"\n\ndef main():\n    print(\"hello from demo\", __version__)\n",
        );
        let deps: Vec<String> = dependencies.iter().map(|d| format!("{d:?}")).collect();
        self.manifest(&format!(
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [{}]\n{more}\n[project.scripts]\ndemo-hello = \"demo:main\"\n\n[build-system]\nrequires = []\nbuild-backend = \"test_backend\"\nbackend-path = [\"_backend\"]\n\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"{installer}\"\nno-index = true\nfind-links = [{:?}]\n",
            deps.join(", "),
            self.wheels().display().to_string(),
        ));
    }

    /// `pvm info --json`, parsed.
    pub fn info_json(&self) -> serde_json::Value {
        let out = self.pvm().args(["info", "--json"]).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }

    /// `pvm` that can use `installer` ("uv" needs the test's uv).
    pub fn pvm_for(&self, installer: &str) -> Command {
        if installer == "uv" {
            self.pvm_with_uv()
        } else {
            self.pvm()
        }
    }

    /// The version of module `name` the env imports (after `pvm run` synced it), or `missing`.
    pub fn imported_version(&self, name: &str) -> String {
        self.python(&version_probe(name))
    }

    /// The same, with the env as it is (`pvm run --no-sync`).
    pub fn present_version(&self, name: &str) -> String {
        let out = self
            .pvm()
            .args(["run", "--no-sync", "python", "-c", &version_probe(name)])
            .assert()
            .success();
        stdout(out.get_output())
    }

    /// `name==version` of every distribution in the env, from importlib.metadata.
    pub fn installed(&self) -> Vec<String> {
        let out = self.pvm().args(["run", "--no-sync", "python", "-c",
            "import importlib.metadata as m; print('\\n'.join(sorted('%s==%s' % (d.metadata['Name'].lower(), d.version) for d in m.distributions())))"])
            .assert().success();
        stdout(out.get_output()).lines().map(String::from).collect()
    }

    pub fn envs_dir(&self) -> PathBuf {
        self.home.join("envs")
    }

    /// The env folders in the store, by name.
    pub fn envs(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.envs_dir()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The single env in the store (fails when there is not exactly one).
    pub fn only_env(&self) -> PathBuf {
        let envs = self.envs();
        assert_eq!(envs.len(), 1, "expected one env, found {envs:?}");
        self.envs_dir().join(&envs[0])
    }

    /// What a refused, tampered `alpha` must leave: the env still marked in sync, running
    /// `alpha` 1.0 without the tampered wheel's `evil.py`, and no re-sync on the way.
    pub fn assert_alpha_untampered(&self) {
        assert_eq!(self.info_json()["status"], "ok");
        let out = self
            .pvm()
            .args(["run", "python", "-c", "import alpha, os; print(alpha.__version__, os.path.exists(os.path.join(os.path.dirname(alpha.__file__), 'evil.py')))"])
            .assert()
            .success();
        assert_eq!(stdout(out.get_output()), "1.0 False");
        assert_eq!(stderr(out.get_output()), "");
    }

    /// Runs `python -c code` in the project's env and returns its stdout, trimmed.
    pub fn python(&self, code: &str) -> String {
        stdout(
            &self
                .pvm()
                .args(["run", "python", "-c", code])
                .assert()
                .success()
                .get_output()
                .clone(),
        )
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

/// The pyenv-installed interpreter `X.Y`; a machine without it fails the test loudly.
pub fn pyenv_python(minor: &str) -> PathBuf {
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::home_dir().unwrap().join(".pyenv"));
    let versions = root.join("versions");
    let prefix = format!("{minor}.");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&versions)
        .unwrap_or_else(|err| {
            panic!(
                "this test needs pyenv's Python {minor} in {}: {err}",
                versions.display()
            )
        })
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "this test needs pyenv's Python {minor} in {}",
            versions.display()
        )
    })
}

/// The `pvm-env.json` of an env, parsed.
pub fn metadata(env: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(env.join("pvm-env.json")).unwrap()).unwrap()
}

/// The uv `scripts/test` installs (PVM_TEST_UV); without it a uv test fails loudly.
pub fn test_uv() -> PathBuf {
    let uv = std::env::var_os("PVM_TEST_UV").map(PathBuf::from).expect(
        "this test needs uv: run it through scripts/test, which installs uv and sets PVM_TEST_UV",
    );
    assert!(uv.is_file(), "PVM_TEST_UV={} is not a file", uv.display());
    uv
}

/// Writes a wheel (a zip with a `.dist-info`) for `name==version` into `dir`. The module
/// `name` (dashes as underscores) has `__version__`; `files` adds more modules (or replaces its
/// `__init__.py`).
pub fn build_wheel(
    dir: &Path,
    name: &str,
    version: &str,
    requires: &[&str],
    files: &[(&str, &str)],
) -> PathBuf {
    build_wheel_with_headers(dir, name, version, requires, files, "")
}

/// [`build_wheel`] whose METADATA also holds `headers` (lines such as `Requires-Python: >=3.99\n`).
pub fn build_wheel_with_headers(
    dir: &Path,
    name: &str,
    version: &str,
    requires: &[&str],
    files: &[(&str, &str)],
    headers: &str,
) -> PathBuf {
    use sha2::{Digest, Sha256};
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    let module = name.replace('-', "_");
    let dist_info = format!("{module}-{version}.dist-info");
    let mut metadata =
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{headers}");
    for requirement in requires {
        if let Some((_, extra)) = requirement.split_once("extra == ") {
            metadata.push_str(&format!(
                "Provides-Extra: {}\n",
                extra.trim_matches(|c| c == '"' || c == '\'')
            ));
        }
        metadata.push_str(&format!("Requires-Dist: {requirement}\n"));
    }
    let mut entries: Vec<(String, Vec<u8>)> = vec![(
        format!("{module}/__init__.py"),
        format!("__version__ = {version:?}\n").into_bytes(),
    )];
    for (path, text) in files {
        // A module's own `__init__.py` in `files` replaces the one that only has `__version__`.
        entries.retain(|(existing, _)| existing != path);
        entries.push((path.to_string(), text.as_bytes().to_vec()));
    }
    entries.push((format!("{dist_info}/METADATA"), metadata.into_bytes()));
    entries.push((
        format!("{dist_info}/WHEEL"),
        b"Wheel-Version: 1.0\nGenerator: pvm-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            .to_vec(),
    ));
    let mut record = String::new();
    for (path, bytes) in &entries {
        let digest = Sha256::digest(bytes);
        record.push_str(&format!(
            "{path},sha256={},{}\n",
            base64_urlsafe(&digest),
            bytes.len()
        ));
    }
    record.push_str(&format!("{dist_info}/RECORD,,\n"));
    entries.push((format!("{dist_info}/RECORD"), record.into_bytes()));

    let path = dir.join(format!("{module}-{version}-py3-none-any.whl"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// A project folder at `dir` for `name==version`, built by the in-tree test backend (nothing
/// from an index), whose module `src/<name>/__init__.py` holds `module` (editable installs put
/// `src/` on `sys.path`).
pub fn backend_folder(dir: &Path, name: &str, version: &str, module: &str) {
    std::fs::create_dir_all(dir.join("_backend")).unwrap();
    std::fs::create_dir_all(dir.join("src").join(name)).unwrap();
    std::fs::write(
        dir.join("_backend/test_backend.py"),
        include_str!("fixtures/test_backend.py"),
    )
    .unwrap();
    std::fs::write(dir.join("src").join(name).join("__init__.py"), module).unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        format!("[project]\nname = \"{name}\"\nversion = \"{version}\"\n[build-system]\nrequires = []\nbuild-backend = \"test_backend\"\nbackend-path = [\"_backend\"]\n"),
    )
    .unwrap();
}

/// A file's sha256, as a lock writes it.
pub fn sha256_hex(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Rebuilds `alpha` 1.0 in `dir` with one more module, `evil.py`: same name, other bytes.
pub fn tamper_alpha(dir: &Path) {
    build_wheel(
        dir,
        "alpha",
        "1.0",
        &[],
        &[("alpha/evil.py", "EVIL = True\n")],
    );
}

/// RECORD's hash encoding: URL-safe base64 without padding.
fn base64_urlsafe(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn version_probe(module: &str) -> String {
    format!(
        "try:\n import {module}; print({module}.__version__)\nexcept ImportError:\n print('missing')"
    )
}

unsafe extern "C" {
    fn kill(pid: i32, signal: i32) -> i32;
}

/// Sends `signal` to `pid`, or to the process group `-pid`: a test's own children only.
pub fn send_signal(pid: i32, signal: i32) {
    // SAFETY: kill has no memory effects; the tests name their own children.
    unsafe { kill(pid, signal) };
}

/// Waits until `path` exists (a pvm announcing the fault point it holds at); a pvm that never
/// gets there in 60 s fails the test.
pub fn wait_for(path: &Path) {
    let started = std::time::Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "pvm never reached {}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Runs `command` (pvm), which must fail with exit code 1 and say `needle` on stderr; returns
/// the stderr, for more checks.
pub fn fails_with(mut command: impl std::borrow::BorrowMut<Command>, needle: &str) -> String {
    let out = command.borrow_mut().assert().code(1);
    let err = stderr(out.get_output());
    assert!(err.contains(needle), "no `{needle}` in:\n{err}");
    err
}
