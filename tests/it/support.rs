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
        std::fs::create_dir_all(root.join("user")).unwrap();
        std::fs::create_dir_all(root.join("tmp")).unwrap();
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
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pvm"));
        self.hermetic(&mut cmd);
        cmd.current_dir(dir)
            .env("NO_COLOR", "1")
            .env("UV_CACHE_DIR", self.root.join("uv-cache"));
        Command::from_std(cmd)
    }

    /// `pvm` as a plain `std::process::Command` (to spawn, pipe, kill) with this sandbox's
    /// environment, in `dir`.
    pub fn pvm_process(&self, dir: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pvm"));
        self.hermetic(&mut cmd);
        cmd.current_dir(dir);
        cmd
    }

    /// `program` (a shell, `script`) in the project folder, with this sandbox's environment
    /// and `pvm` first on `PATH`.
    pub fn with_pvm_on_path(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        self.hermetic(&mut cmd);
        let bin = assert_cmd::cargo::cargo_bin("pvm");
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            Pythons::machine().path()
        );
        cmd.current_dir(&self.project).env("PATH", path);
        cmd
    }

    /// The environment every pvm of this sandbox gets: nothing of the host's but what the
    /// [`Pythons`] fixture hands over. Its own `HOME`, XDG folders, store (`PVM_HOME`) and uv
    /// interpreter folder (empty); pyenv's versions by an explicit `PYENV_ROOT`; on `PATH` the
    /// fixture's default interpreter, then the system's tools (`/usr/bin:/bin`, no pyenv shims,
    /// no user folders). Every other `PVM_*`, `UV_*`, `PIP_*`, `PYENV_*` and `PYTHON*` variable,
    /// and `VIRTUAL_ENV`, is removed.
    pub fn hermetic(&self, cmd: &mut std::process::Command) {
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let leaks = ["PVM_", "UV_", "PIP_", "PYENV", "PYTHON", "CONDA_", "XDG_"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || name == "VIRTUAL_ENV";
            if leaks {
                cmd.env_remove(&*name);
            }
        }
        let pythons = Pythons::machine();
        cmd.env("HOME", self.root.join("user"))
            // pvm's scratch folders (and pip's, uv's) stay in the sandbox: a killed pvm's
            // never pile up in the machine's /tmp.
            .env("TMPDIR", self.tmp())
            .env("XDG_DATA_HOME", self.root.join("xdg/data"))
            .env("XDG_CONFIG_HOME", self.root.join("xdg/config"))
            .env("XDG_CACHE_HOME", self.root.join("xdg/cache"))
            .env("UV_PYTHON_INSTALL_DIR", self.root.join("uv-pythons"))
            .env("PYENV_ROOT", &pythons.pyenv_root)
            .env("PATH", pythons.path())
            .env("PVM_HOME", &self.home)
            // Tests never reach the network: no interpreter is downloaded on demand, nor is uv
            // (tests that fetch it say `automatic` and serve it themselves).
            .env("PVM_PYTHON_DOWNLOADS", "never")
            .env("PVM_UV_DOWNLOADS", "never")
            .env("PIP_CACHE_DIR", self.root.join("pip-cache"));
    }

    /// Starts `pvm` in the background, in its own process group (so a test can kill it and
    /// whatever it started), with output captured.
    pub fn spawn(&self, args: &[&str], envs: &[(&str, &Path)]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("pvm"));
        self.hermetic(&mut cmd);
        cmd.current_dir(&self.project)
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

    /// The temporary folder (`TMPDIR`) of every pvm the sandbox starts.
    pub fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
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

/// The one fixture interpreters come from: the machine's pyenv versions folder, named
/// explicitly (`PYENV_ROOT` of the test run, else `~/.pyenv`), and one of its versions as the
/// interpreter on `PATH` (what an unpinned project gets).
pub struct Pythons {
    pub pyenv_root: PathBuf,
    /// The `bin` folder of the interpreter on `PATH`.
    pub default_bin: PathBuf,
}

/// The version on `PATH` in every sandbox, as pyenv's global version was before tests were
/// hermetic.
pub const DEFAULT_PYTHON: &str = "3.11";

impl Pythons {
    pub fn machine() -> &'static Pythons {
        static PYTHONS: std::sync::OnceLock<Pythons> = std::sync::OnceLock::new();
        PYTHONS.get_or_init(|| {
            let pyenv_root = std::env::var_os("PYENV_ROOT")
                .filter(|root| !root.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| std::env::home_dir().unwrap().join(".pyenv"));
            let default_bin = pyenv_version(&pyenv_root, DEFAULT_PYTHON).join("bin");
            Pythons {
                pyenv_root,
                default_bin,
            }
        })
    }

    /// `PATH` for a sandboxed pvm: the default interpreter's folder, then the system's tools.
    pub fn path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.default_bin.display())
    }
}

/// The pyenv-installed interpreter `X.Y`; a machine without it fails the test loudly.
pub fn pyenv_python(minor: &str) -> PathBuf {
    pyenv_version(&Pythons::machine().pyenv_root, minor)
}

fn pyenv_version(root: &Path, minor: &str) -> PathBuf {
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
    found.sort_by_key(|path| version_key(path));
    found.pop().unwrap_or_else(|| {
        panic!(
            "this test needs pyenv's Python {minor} in {}",
            versions.display()
        )
    })
}

/// `3.9.18` before `3.10.1`: a version folder's numbers, compared as numbers.
fn version_key(path: &Path) -> Vec<u64> {
    let name = path.file_name().unwrap().to_string_lossy();
    name.split('.')
        .map_while(|part| part.parse().ok())
        .collect()
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
    fn geteuid() -> u32;
}

/// For a test that needs root (`chattr`, `mount`): whether it runs as root. When not, it says
/// so on stderr, and the test returns early, skipped.
pub fn runs_as_root(needed_for: &str) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { geteuid() } == 0;
    if !root {
        eprintln!("skipped: this test needs root ({needed_for})");
    }
    root
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
