//! The README's samples hold: every ```toml block parses, and each that is a manifest or a
//! `[tool.pvm]` table is a manifest pvm accepts; every ```console block runs, as written, in a
//! sandbox made to look like the README's machine (`/home/me`, pyenv's Pythons, local wheels
//! named and versioned as the samples show them), and prints what the README shows; the PEP 723
//! ```python sample runs as a script.
//!
//! How a console block is read and checked:
//! - `$ command` lines run one after another in one bash, from the fixture's folder; each must
//!   exit 0. The lines below a command, up to the next `$`, are what it prints (stdout and
//!   stderr together). A command with no lines below it is only run: its output is not checked.
//! - Output is compared line by line after putting placeholders in both: the sandbox's root is
//!   removed (so its home reads `/home/me`), pyenv's folder reads `/home/me/.pyenv`, and a
//!   16-digit hash, a duration (`0.18s`), a size (`8.3 KiB`) and an age (`just now`, `2 hours
//!   ago`) match any other; runs of spaces count as one. A line `…` stands for any lines.
//! - An HTML comment just above the block, `<!-- readme-test: fixture NAME -->`, says what the
//!   block starts from (see [`Fixture`]); without one it starts in `/home/me/myapp`, a synced
//!   project. `<!-- readme-test: skip (why) -->` marks a block that cannot run here: then only
//!   its `pvm …` lines are checked, by clap, to be arguments pvm accepts.

use std::path::{Path, PathBuf};

use super::support::{Sandbox, backend_folder, build_wheel, test_uv};

const README: &str = include_str!("../../README.md");

/// A fenced block of the README.
struct Block {
    /// The line of its opening fence (1-based), for messages.
    line: usize,
    lang: String,
    /// What its `<!-- readme-test: … -->` comment says, if it has one.
    marker: Option<String>,
    body: Vec<String>,
}

impl Block {
    fn text(&self) -> String {
        self.body.iter().map(|l| format!("{l}\n")).collect()
    }
}

fn blocks() -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = README.lines().enumerate();
    let mut marker = None;
    while let Some((number, line)) = lines.next() {
        if let Some(rest) = line.trim().strip_prefix("<!-- readme-test:") {
            marker = Some(rest.trim_end_matches("-->").trim().to_string());
            continue;
        }
        let Some(lang) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                marker = None;
            }
            continue;
        };
        let body = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| !l.starts_with("```"))
            .map(String::from)
            .collect();
        blocks.push(Block {
            line: number + 1,
            lang: lang.trim().to_string(),
            marker: marker.take(),
            body,
        });
    }
    blocks
}

#[test]
fn every_toml_sample_parses_and_every_manifest_sample_is_accepted() {
    let mut manifests = 0;
    for block in blocks().iter().filter(|b| b.lang == "toml") {
        let text = block.text();
        if let Err(err) = text.parse::<toml::Table>() {
            panic!(
                "README line {}: the toml sample is not TOML: {err}",
                block.line
            );
        }
        if !(text.contains("[project]") || text.contains("[tool.pvm")) {
            continue;
        }
        manifests += 1;
        let sandbox = Sandbox::empty();
        let manifest = if text.contains("[project]") {
            text
        } else {
            format!("[project]\nname = \"myapp\"\nversion = \"0.1.0\"\n\n{text}")
        };
        sandbox.manifest(&manifest);
        let out = sandbox.pvm().arg("info").output().unwrap();
        assert!(
            out.status.success(),
            "README line {}: pvm refuses the manifest sample:\n{}",
            block.line,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(manifests > 0, "no manifest sample found in the README");
}

/// The packages of the samples, as small local wheels with the versions the samples show:
/// name, version, requirements, and files beyond the module's `__version__`.
type Package = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

const PACKAGES: &[Package] = &[
    (
        "requests",
        "2.34.2",
        &[
            "charset-normalizer<4,>=2",
            "idna<4,>=2.5",
            "urllib3<3,>=1.21.1",
            "certifi>=2017.4.17",
        ],
        &[],
    ),
    ("charset-normalizer", "3.5.3", &[], &[]),
    ("idna", "3.11", &[], &[]),
    ("urllib3", "2.6.2", &[], &[]),
    ("certifi", "2026.10.19.post1", &[], &[]),
    ("sphinx", "8.1.3", &[], &[]),
    ("psycopg", "3.2.1", &[], &[]),
    ("httpx", "0.28.1", &[], &[]),
    (
        "pytest",
        "8.3.2",
        &[],
        &[
            ("pytest/cli.py", "def main():\n    print('1 passed')\n"),
            (
                "pytest-8.3.2.dist-info/entry_points.txt",
                "[console_scripts]\npytest = pytest.cli:main\n",
            ),
        ],
    ),
    (
        "rich",
        "14.2.0",
        &[],
        &[(
            "rich/__init__.py",
            "import builtins, re\n\ndef print(*values):\n    builtins.print(*(re.sub(r'\\[/?\\w*\\]', '', str(v)) for v in values))\n",
        )],
    ),
];

/// The project most samples start from: `myapp`, as `pvm init myapp --python 3.12` makes it,
/// with dependencies, an extra, groups and a script.
const MYAPP: &str = r#"[project]
name = "myapp"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = ["requests>=2.34.2"]

[project.optional-dependencies]
postgres = ["psycopg>=3.2"]

[dependency-groups]
dev = ["pytest>=8.3"]
docs = ["sphinx>=8.1"]

[tool.pvm.scripts]
test = "pytest -q"
"#;

/// A machine that looks like the README's: a home `/home/me` (under a temporary root, which the
/// comparison removes), pyenv's Pythons, the store in its default place, the test's uv, and
/// every package from [`PACKAGES`] in a local folder, with no index.
struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("home/me");
        std::fs::create_dir_all(&home).unwrap();
        let world = World {
            _tmp: tmp,
            root,
            home,
        };
        for (name, version, requires, files) in PACKAGES {
            build_wheel(&world.wheels(), name, version, requires, files);
        }
        world
    }

    fn wheels(&self) -> PathBuf {
        self.root.join("wheels")
    }

    fn myapp(&self) -> PathBuf {
        self.home.join("myapp")
    }

    fn write(&self, path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The user's environment, and nothing of the host's but pyenv's Pythons.
    fn command(&self, program: &Path, dir: &Path) -> std::process::Command {
        let pvm = assert_cmd::cargo::cargo_bin("pvm");
        let bin = pvm.parent().unwrap();
        let pyenv = pyenv_root();
        let mut cmd = std::process::Command::new(program);
        cmd.current_dir(dir)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("PYENV_ROOT", &pyenv)
            .env("PVM_UV", test_uv())
            .env("PVM_PYTHON_DOWNLOADS", "never")
            .env("PVM_UV_DOWNLOADS", "never")
            .env("PVM_NO_INDEX", "1")
            .env("PVM_FIND_LINKS", self.wheels())
            .env("NO_COLOR", "1")
            .env("UV_CACHE_DIR", self.root.join("uv-cache"))
            .env("PIP_CACHE_DIR", self.root.join("pip-cache"))
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// A setup step: `pvm args` in `dir`, which must succeed.
    fn pvm(&self, dir: &Path, args: &[&str]) {
        let out = self
            .command(&assert_cmd::cargo::cargo_bin("pvm"), dir)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "setup `pvm {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Prepares what a sample starts from and returns the folder it runs in.
    fn prepare(&self, fixture: Fixture) -> PathBuf {
        let myapp = self.myapp();
        match fixture {
            Fixture::Home => return self.home.clone(),
            Fixture::New => {
                self.write(&myapp.join("app.py"), "print('hello from myapp')\n");
                return self.home.clone();
            }
            Fixture::Fresh => {
                std::fs::create_dir_all(&myapp).unwrap();
                self.pvm(&myapp, &["init", "--python", "3.12"]);
                backend_folder(&self.home.join("lib"), "lib", "0.1.0", "");
                build_wheel(&myapp.join("dist"), "foo", "1.0", &[], &[]);
                self.write(
                    &myapp.join("requirements.txt"),
                    "httpx>=0.28\n-r docs.txt\n",
                );
                self.write(&myapp.join("docs.txt"), "sphinx>=8.1\n");
            }
            Fixture::Unsynced | Fixture::Synced | Fixture::Store => {
                // The env is made first, empty, as `pvm init` leaves it.
                self.write(&myapp.join(".python-version"), "3.12\n");
                self.write(
                    &myapp.join("pyproject.toml"),
                    "[project]\nname = \"myapp\"\nversion = \"0.1.0\"\n",
                );
                self.pvm(&myapp, &["sync"]);
                self.write(&myapp.join("pyproject.toml"), MYAPP);
                if fixture != Fixture::Unsynced {
                    self.pvm(&myapp, &["sync"]);
                }
                if fixture == Fixture::Store {
                    self.store_of_a_while();
                }
            }
            Fixture::Outdated => {
                self.write(&myapp.join(".python-version"), "3.12\n");
                self.write(
                    &myapp.join("pyproject.toml"),
                    "[project]\nname = \"myapp\"\nversion = \"0.1.0\"\ndependencies = [\"django>=4.2,<5\"]\n",
                );
                let django = ["sqlparse>=0.3.1"];
                build_wheel(&self.wheels(), "django", "4.2.16", &django, &[]);
                build_wheel(&self.wheels(), "sqlparse", "0.5.1", &[], &[]);
                self.pvm(&myapp, &["sync"]);
                // Released since the lock was written.
                build_wheel(&self.wheels(), "django", "4.2.27", &django, &[]);
                build_wheel(&self.wheels(), "django", "5.2.8", &django, &[]);
                build_wheel(&self.wheels(), "sqlparse", "0.5.4", &[], &[]);
            }
            Fixture::Package => {
                backend_folder(&myapp, "myapp", "0.1.0", "");
                let manifest = std::fs::read_to_string(myapp.join("pyproject.toml")).unwrap();
                self.write(
                    &myapp.join("pyproject.toml"),
                    &format!("{manifest}\n[dependency-groups]\ntests = [\"pytest>=8.3\"]\n"),
                );
                self.write(&myapp.join(".python-version"), "3.12\n");
            }
        }
        myapp
    }

    /// What `pvm list` shows beside myapp: a script's env and the env of a project since deleted.
    fn store_of_a_while(&self) {
        let bin = self.home.join("bin");
        self.write(
            &bin.join("report.py"),
            "# /// script\n# dependencies = []\n#\n# [tool.pvm]\n# python = \"3.12\"\n# ///\nprint('report')\n",
        );
        self.pvm(&bin, &["run", "report.py"]);
        let old = self.home.join("old");
        self.write(
            &old.join("pyproject.toml"),
            "[project]\nname = \"old\"\nversion = \"0.1.0\"\n\n[tool.pvm]\npython = \"3.9\"\n",
        );
        self.pvm(&old, &["sync"]);
        std::fs::remove_dir_all(&old).unwrap();
    }

    /// Runs a console sample's commands in one bash from `dir`: each command's output and exit
    /// code.
    fn run(&self, dir: &Path, commands: &[Command]) -> Vec<(String, i32)> {
        let mut script = String::new();
        for (i, command) in commands.iter().enumerate() {
            // A newline closes a trailing `# comment` before the redirection.
            script.push_str(&format!(
                "printf '@@readme-{i}@@\\n'\n{{ {}\n}} 2>&1\nprintf '\\n@@readme-rc %s@@\\n' \"$?\"\n",
                command.line
            ));
        }
        let out = self
            .command(Path::new("/bin/bash"), dir)
            .args(["-c", &script])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut results = Vec::new();
        for i in 0..commands.len() {
            let start = text
                .find(&format!("@@readme-{i}@@\n"))
                .unwrap_or_else(|| panic!("bash stopped before command {i}:\n{text}"));
            let rest = &text[start..];
            let rest = &rest[rest.find('\n').unwrap() + 1..];
            let end = rest.find("\n@@readme-rc ").unwrap();
            let code = rest[end + "\n@@readme-rc ".len()..]
                .split("@@")
                .next()
                .unwrap()
                .parse()
                .unwrap();
            results.push((rest[..end].to_string(), code));
        }
        results
    }

    /// `line` with the placeholders both sides of a comparison get (see the module's comment).
    fn placeholders(&self, line: &str) -> String {
        let line = line
            .replace(&self.root.display().to_string(), "")
            .replace(&pyenv_root().display().to_string(), "/home/me/.pyenv");
        placeholders(&line)
    }
}

fn pyenv_root() -> PathBuf {
    let python = super::support::pyenv_python("3.12");
    let root = python.parent().unwrap().parent().unwrap();
    std::fs::canonicalize(root).unwrap()
}

/// What a console sample starts from.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Fixture {
    /// In an empty `/home/me`.
    Home,
    /// In `/home/me`, with a folder `myapp` that holds only `app.py`.
    New,
    /// In `/home/me/myapp`, just made by `pvm init --python 3.12`: no dependencies; beside it
    /// a project folder `../lib`, and in it a wheel `dist/foo-1.0-py3-none-any.whl` and a
    /// `requirements.txt` (`httpx`, and `-r docs.txt` for `sphinx`).
    Fresh,
    /// In `/home/me/myapp`: [`MYAPP`], pinned to 3.12, its env made but not synced since the
    /// dependencies were written, and no lock.
    Unsynced,
    /// The same, synced (with the dev group) and locked. The default.
    Synced,
    /// The same, and in the store also the env of a script `/home/me/bin/report.py` and that of
    /// a project `/home/me/old` (Python 3.9) deleted since.
    Store,
    /// In `/home/me/myapp`, a project on `django>=4.2,<5` locked and synced when django 4.2.16
    /// and sqlparse 0.5.1 were the newest; django 4.2.27 and 5.2.8 and sqlparse 0.5.4 came since.
    Outdated,
    /// In `/home/me/myapp`, a package (built by the tests' backend) with a `tests` group.
    Package,
}

impl Fixture {
    fn named(name: &str) -> Fixture {
        match name {
            "home" => Fixture::Home,
            "new" => Fixture::New,
            "fresh" => Fixture::Fresh,
            "unsynced" => Fixture::Unsynced,
            "synced" => Fixture::Synced,
            "store" => Fixture::Store,
            "package" => Fixture::Package,
            "outdated" => Fixture::Outdated,
            other => panic!("unknown readme-test fixture `{other}`"),
        }
    }
}

/// One `$ command` of a console sample and the lines shown below it.
struct Command {
    line: String,
    shown: Vec<String>,
}

fn commands(block: &Block) -> Vec<Command> {
    let mut commands: Vec<Command> = Vec::new();
    for line in &block.body {
        if let Some(command) = line.strip_prefix("$ ") {
            commands.push(Command {
                line: command.to_string(),
                shown: Vec::new(),
            });
        } else {
            let command = commands.last_mut().unwrap_or_else(|| {
                panic!(
                    "README line {}: a console sample starts with `$ `",
                    block.line
                )
            });
            command.shown.push(line.clone());
        }
    }
    commands
}

/// What a console block's marker asks: `None` to skip it, else the fixture it runs from.
fn plan(block: &Block) -> Option<Fixture> {
    match block.marker.as_deref() {
        None => Some(Fixture::Synced),
        Some(marker) if marker.starts_with("skip") => {
            assert!(
                marker.starts_with("skip (") && marker.ends_with(')'),
                "README line {}: a skipped sample says why: `<!-- readme-test: skip (why) -->`",
                block.line
            );
            None
        }
        Some(marker) => Some(Fixture::named(
            marker
                .strip_prefix("fixture ")
                .unwrap_or_else(|| panic!("README line {}: unknown marker `{marker}`", block.line))
                .trim(),
        )),
    }
}

fn console_blocks() -> Vec<Block> {
    blocks()
        .into_iter()
        .filter(|b| b.lang == "console")
        .collect()
}

/// Runs every console block that starts from `fixture` and checks what it prints.
fn samples_from(fixture: Fixture) {
    let mut ran = 0;
    for block in console_blocks() {
        if plan(&block) != Some(fixture) {
            continue;
        }
        ran += 1;
        let world = World::new();
        let dir = world.prepare(fixture);
        let commands = commands(&block);
        let results = world.run(&dir, &commands);
        for (command, (output, code)) in commands.iter().zip(results) {
            assert_eq!(
                code, 0,
                "README line {}: `{}` failed:\n{output}",
                block.line, command.line
            );
            if command.shown.is_empty() {
                continue;
            }
            let shown: Vec<String> = command.shown.iter().map(|l| placeholders(l)).collect();
            let printed: Vec<String> = output
                .trim_end()
                .lines()
                .map(|l| world.placeholders(l))
                .collect();
            assert!(
                matches(&shown, &printed),
                "README line {}: `{}` prints other than the README shows.\nshown:\n{}\nprinted:\n{}\n(as printed:\n{output})",
                block.line,
                command.line,
                shown.join("\n"),
                printed.join("\n")
            );
        }
    }
    assert!(ran > 0, "no README sample starts from {fixture:?}");
}

/// Whether `printed` is `shown`, where a line `…` of `shown` stands for any lines.
fn matches(shown: &[String], printed: &[String]) -> bool {
    match shown.split_first() {
        None => printed.is_empty(),
        Some((first, rest)) if first == "…" => {
            (0..=printed.len()).any(|skip| matches(rest, &printed[skip..]))
        }
        Some((first, rest)) => printed.first() == Some(first) && matches(rest, &printed[1..]),
    }
}

/// Hashes, durations, sizes and ages replaced, spaces collapsed.
fn placeholders(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied().unwrap_or("");
        let after = words.get(i + 2).copied().unwrap_or("");
        if is_number(word) && ["B", "KiB", "MiB", "GiB"].contains(&next) {
            out.push("<size>".into());
            i += 2;
        } else if word == "just" && next == "now" {
            out.push("<age>".into());
            i += 2;
        } else if is_number(word) && after == "ago" {
            out.push("<age>".into());
            i += 3;
        } else {
            out.push(hashes_and_durations(word));
            i += 1;
        }
    }
    out.join(" ")
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `word` with each run of 16 hex digits read as `<hash>` and a duration (`0.18s`, `12ms`) as
/// `<time>`.
fn hashes_and_durations(word: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in word.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_alphanumeric() || c == '.' {
            run.push(c);
            continue;
        }
        out.push_str(&placeholder(&run));
        run.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

fn placeholder(run: &str) -> String {
    let is_hex = |s: &str| s.len() == 16 && s.chars().all(|c| c.is_ascii_hexdigit());
    let duration = ["ms", "s"].iter().any(|unit| {
        run.strip_suffix(unit)
            .is_some_and(|n| is_number(n) && n.contains(|c: char| c.is_ascii_digit()))
    });
    if is_hex(run) {
        "<hash>".into()
    } else if duration {
        "<time>".into()
    } else {
        run.to_string()
    }
}

#[test]
fn console_samples_of_an_empty_home_run_as_shown() {
    samples_from(Fixture::Home);
}

#[test]
fn console_samples_of_a_new_project_run_as_shown() {
    samples_from(Fixture::New);
}

#[test]
fn console_samples_of_a_fresh_project_run_as_shown() {
    samples_from(Fixture::Fresh);
}

#[test]
fn console_samples_of_an_unsynced_project_run_as_shown() {
    samples_from(Fixture::Unsynced);
}

#[test]
fn console_samples_of_a_synced_project_run_as_shown() {
    samples_from(Fixture::Synced);
}

#[test]
fn console_samples_of_a_store_in_use_run_as_shown() {
    samples_from(Fixture::Store);
}

#[test]
fn console_samples_of_an_outdated_project_run_as_shown() {
    samples_from(Fixture::Outdated);
}

#[test]
fn console_samples_of_a_package_run_as_shown() {
    samples_from(Fixture::Package);
}

/// A sample that cannot run here is still made of arguments pvm accepts.
#[test]
fn skipped_console_samples_are_arguments_pvm_accepts() {
    use clap::Parser;
    let mut checked = 0;
    for block in console_blocks() {
        if plan(&block).is_some() {
            continue;
        }
        for line in &block.body {
            let Some(command) = line.trim_start_matches("(myapp) ").strip_prefix("$ pvm ") else {
                continue;
            };
            let command = command.split(" | ").next().unwrap();
            let mut args = vec!["pvm".to_string()];
            args.extend(shell_words(command));
            if let Err(err) = pvm::cli::Cli::try_parse_from(&args) {
                panic!("README line {}: pvm refuses `{line}`:\n{err}", block.line);
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no skipped sample has a pvm command");
}

/// The words bash makes of `command` (quotes removed, a trailing comment dropped).
fn shell_words(command: &str) -> Vec<String> {
    let out = std::process::Command::new("/bin/bash")
        .args(["-c", &format!("printf '%s\\0' {command}\n")])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(String::from)
        .collect()
}

/// The PEP 723 sample is a script pvm runs, its block's `[tool.pvm]` included.
#[test]
fn the_script_sample_runs() {
    let mut scripts = 0;
    for block in blocks().iter().filter(|b| b.lang == "python") {
        if !block.text().contains("# /// script") {
            continue;
        }
        scripts += 1;
        let world = World::new();
        let dir = world.home.join("bin");
        world.write(&dir.join("report.py"), &block.text());
        let commands = [Command {
            line: "pvm run report.py".into(),
            shown: Vec::new(),
        }];
        let (output, code) = world.run(&dir, &commands).remove(0);
        assert_eq!(
            code, 0,
            "README line {}: the script sample fails:\n{output}",
            block.line
        );
    }
    assert!(scripts > 0, "no PEP 723 sample found in the README");
}
