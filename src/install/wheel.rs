//! Installing a wheel natively: how pvm seeds pip from the interpreter's own bundled wheel,
//! without the network and without running `ensurepip`.
//!
//! A wheel is a zip: files go to site-packages, `<name>.data/<key>/` to the scheme's folders,
//! console scripts are written from `entry_points.txt`, and `RECORD` lists it all for uninstall.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, Read, Seek};
use std::path::{Component, Path, PathBuf};

use super::{launcher, wheel_check};
use crate::python::Facts;
use crate::venv::Layout;
use crate::{fsutil, platform};

#[derive(Debug, thiserror::Error)]
pub enum WheelError {
    #[error("cannot read the wheel {}", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a valid wheel: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: String },
    /// A zip feature pvm does not read (a compression method it lacks): the installer can.
    #[error("pvm cannot unpack {}: {reason}", .path.display())]
    Unsupported { path: PathBuf, reason: String },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} has sha256 {actual}, not the {expected} it was checked to have", .path.display())]
    HashMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
}

impl crate::hint::Hint for WheelError {}

/// A file's RECORD entry: its hash (`sha256=…`) and size.
type Hashed = (String, u64);

/// Installs `wheel` into the env; returns the project name from the wheel.
///
/// The wheel is unpacked once into `cache` (keyed by its sha256) and its files are
/// hard-linked from there: creating hundreds of files is what makes seeding pip slow, linking
/// them is several times faster. Without a cache, or across file systems, files are copied.
pub fn install(
    wheel: &Path,
    layout: &Layout,
    facts: &Facts,
    cache: Option<&Path>,
) -> Result<String, WheelError> {
    let scratch;
    let unpacked = match cache {
        Some(cache) => {
            // Keyed by what the file holds, never by its name.
            let sha256 = remembered_sha256(wheel, cache).map_err(|source| WheelError::Open {
                path: wheel.to_path_buf(),
                source,
            })?;
            unpack_cached(wheel, &sha256, cache, false)?
        }
        None => {
            scratch = crate::fsutil::scratch_dir().map_err(|source| WheelError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            let root = scratch.path().join("wheel");
            let file = open(wheel)?;
            unpack(file, wheel, &root)?;
            root
        }
    };
    install_tree(&unpacked, layout, facts).map_err(|err| match err {
        // The error names the wheel, not where it was unpacked.
        WheelError::Invalid { reason, .. } => WheelError::Invalid {
            path: wheel.to_path_buf(),
            reason,
        },
        other => other,
    })
}

/// The sha256 of the file at `wheel`, remembered in `cache` by its path, size and modification
/// time (as interpreter facts are): pip's bundled wheel (2 MB) is the same file for every env
/// seeded from an interpreter, and hashing it again for each costs more than linking it in. An
/// unpack hashes the file again anyway, and keeps its tree only under what it found.
fn remembered_sha256(wheel: &Path, cache: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let Some(stamp) = crate::python::facts::FileStamp::of(wheel) else {
        return fsutil::sha256_file(wheel);
    };
    let mut key = Sha256::new();
    key.update(wheel.as_os_str().as_encoded_bytes());
    key.update(format!("\0{}\0{}", stamp.size, stamp.mtime_ns));
    // A dot name, as the scratch folders have: what is not a dot name in `cache` is a tree.
    let memo = cache.join(format!(".sha256-{}", &fsutil::hex(&key.finalize())[..32]));
    if let Ok(text) = fs::read_to_string(&memo)
        && text.len() == 64
        && text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Ok(text);
    }
    let sha256 = fsutil::sha256_file(wheel)?;
    // Only a shortcut: a store that cannot keep it hashes the wheel the next time.
    let _ =
        fsutil::create_dir_all(cache).and_then(|()| fsutil::write_atomic(&memo, sha256.as_bytes()));
    Ok(sha256)
}

/// Installs a wheel already unpacked at `unpacked` (left as it is: its files are linked or
/// copied); returns the project name from its `.dist-info`. Every file pvm writes into the
/// env (RECORD, INSTALLER, scripts) is a new one, renamed over what is there: a file in the
/// env may be a link into the cache, and writing into it would change every env.
pub fn install_tree(unpacked: &Path, layout: &Layout, facts: &Facts) -> Result<String, WheelError> {
    let unpacked = unpacked.to_path_buf();
    let invalid = |reason: String| WheelError::Invalid {
        path: unpacked.clone(),
        reason,
    };
    let dist_info = fs::read_dir(&unpacked)
        .map_err(|source| WheelError::Open {
            path: unpacked.clone(),
            source,
        })?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with(".dist-info"))
        .ok_or_else(|| invalid("no .dist-info".into()))?;
    let stem = dist_info.trim_end_matches(".dist-info").to_string();
    let data_dir = format!("{stem}.data");
    let project = stem.split('-').next().unwrap_or(&stem).to_string();
    let own_record = format!("{dist_info}/RECORD");

    let mut placer = Placer {
        tree: &unpacked,
        site_packages: &layout.site_packages,
        // What `unpack_cached` hashed; a tree without it (a kept editable build) is hashed here.
        known: read_record(&unpacked.join(&own_record)),
        record: BTreeMap::new(),
    };
    let mut scripts = Vec::new();
    placer.place(
        &unpacked,
        &layout.site_packages,
        &[data_dir.as_str(), own_record.as_str()],
    )?;
    let data = unpacked.join(&data_dir);
    if let Ok(entries) = fs::read_dir(&data) {
        for entry in entries.flatten() {
            let key = entry.file_name().to_string_lossy().into_owned();
            let target = match key.as_str() {
                "scripts" => {
                    scripts.push(entry.path());
                    continue;
                }
                "purelib" | "platlib" => layout.site_packages.clone(),
                // Where pip and uv put a venv's headers.
                "headers" => layout
                    .root
                    .join("include/site")
                    .join(format!(
                        "python{}.{}",
                        facts.version_info.0, facts.version_info.1
                    ))
                    .join(&project),
                "data" => layout.root.clone(),
                other => return Err(invalid(format!("unknown data folder `{other}`"))),
            };
            placer.place(&entry.path(), &target, &[])?;
        }
    }
    let mut record = placer.record;
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WheelError::Write { path, source }
    };
    fs::create_dir_all(&layout.bin).map_err(write_err(&layout.bin))?;
    // Scripts shipped in the wheel: `#!python` becomes this env's python. Streamed: a script
    // is as big as the wheel says.
    for folder in scripts {
        for entry in fs::read_dir(&folder).map_err(write_err(&folder))?.flatten() {
            let mut reader =
                io::BufReader::new(fs::File::open(entry.path()).map_err(write_err(&entry.path()))?);
            let python = reader
                .fill_buf()
                .map_err(write_err(&entry.path()))?
                .starts_with(b"#!python");
            let mut head = String::new();
            if python {
                reader.skip_until(b'\n').map_err(write_err(&entry.path()))?;
                head = shebang(&layout.python());
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let (path, hashed) =
                write_script(&layout.bin, &name, io::Cursor::new(head).chain(reader))?;
            record.insert(record_path(&path, &layout.site_packages), Some(hashed));
        }
    }

    let entry_points =
        fs::read_to_string(unpacked.join(&dist_info).join("entry_points.txt")).unwrap_or_default();
    let gui = wheel_check::entry_points_in(&entry_points, &["[gui_scripts]"]);
    for (name, target) in console_scripts(&entry_points, &project, facts) {
        let script = entry_point_script(&target);
        let (path, hashed) = match platform::Os::HOST {
            platform::Os::Linux | platform::Os::Macos => {
                let script = format!("{}{script}", shebang(&layout.python()));
                write_script(&layout.bin, &name, script.as_bytes())?
            }
            // As pip writes them there: `name.exe`, a launcher that runs `python.exe` (a
            // GUI script's `pythonw.exe`) on the script zipped into it.
            platform::Os::Windows => {
                let (kind, python) = if gui.iter().any(|(gui, _)| *gui == name) {
                    (launcher::Kind::Gui, "pythonw")
                } else {
                    (launcher::Kind::Console, "python")
                };
                let machine = facts
                    .markers
                    .get("platform_machine")
                    .map_or("", String::as_str);
                let python = platform::executable(&layout.bin, python);
                let exe = launcher::build(launcher::stub(kind, machine), &python, &script)
                    .map_err(write_err(&layout.bin))?;
                write_script(&layout.bin, &format!("{name}.exe"), exe.as_slice())?
            }
        };
        record.insert(record_path(&path, &layout.site_packages), Some(hashed));
    }

    let info = layout.site_packages.join(&dist_info);
    let installer = info.join("INSTALLER");
    fsutil::write_new(&installer, b"pvm\n", fsutil::FILE_MODE).map_err(write_err(&installer))?;
    record.insert(format!("{dist_info}/INSTALLER"), Some(hash_bytes(b"pvm\n")));
    record.insert(own_record, None);
    // As pip and uv write it: every file with its sha256 and size, so that an install cut
    // short can be told from a whole one.
    let lines = crate::site::record::write(record.iter().map(|(path, hashed)| {
        let hashed = hashed.as_ref().map(|(hash, size)| (hash.as_str(), *size));
        (path.as_str(), hashed)
    }));
    let record_file = info.join("RECORD");
    fsutil::write_new(&record_file, lines.as_bytes(), fsutil::FILE_MODE)
        .map_err(write_err(&record_file))?;
    Ok(project)
}

/// The wheel `wheel`, whose sha256 was checked to be `sha256`, unpacked under
/// `cache/<sha256>`, unpacking it first if needed (or anew when `fresh`: an unpacked copy is
/// linked into envs, and an edit made in place in one would be in it). The file is hashed
/// again as it is unpacked, so that a tree is only ever kept under the digest of what it was
/// unpacked from. A finished unpack is checked, then renamed into place, so a killed or broken
/// one is never used.
pub fn unpack_cached(
    wheel: &Path,
    sha256: &str,
    cache: &Path,
    fresh: bool,
) -> Result<PathBuf, WheelError> {
    let sha256 = sha256.to_ascii_lowercase();
    // The digest names a folder: only a digest may.
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WheelError::Invalid {
            path: wheel.to_path_buf(),
            reason: format!("`{sha256}` is not a sha256"),
        });
    }
    let dir = cache.join(&sha256);
    if !fresh && dir.is_dir() {
        return Ok(dir);
    }
    let write_err = |source| WheelError::Write {
        path: cache.to_path_buf(),
        source,
    };
    fs::create_dir_all(cache).map_err(write_err)?;
    let scratch = tempfile::Builder::new()
        .prefix(&crate::fsutil::Temp::Unpack.prefix())
        .tempdir_in(cache)
        .map_err(write_err)?;
    let root = scratch.path().join("wheel");
    let mut file = open(wheel)?;
    let read_err = |source| WheelError::Open {
        path: wheel.to_path_buf(),
        source,
    };
    let (digest, _) = fsutil::copy_hashed(&mut file, io::sink()).map_err(read_err)?;
    let actual = fsutil::hex(&digest);
    if actual != sha256 {
        return Err(WheelError::HashMismatch {
            path: wheel.to_path_buf(),
            expected: sha256,
            actual,
        });
    }
    file.rewind().map_err(read_err)?;
    let hashed = unpack(file, wheel, &root)?;
    let dist_info = check_tree(&root, wheel)?;
    // pvm's own list of what it unpacked, where the wheel's RECORD was (never unpacked):
    // installs take each file's hash from it instead of reading the files again.
    let lines = crate::site::record::write(
        hashed
            .iter()
            .map(|(path, (hash, size))| (path.as_str(), Some((hash.as_str(), *size)))),
    );
    let record = root.join(&dist_info).join("RECORD");
    fs::write(&record, lines).map_err(|source| WheelError::Write {
        path: record.clone(),
        source,
    })?;
    // Another pvm may have put the same tree in place meanwhile, and others may be linking
    // from it: it is used as it is. Only a fresh unpack (`--reinstall`, which heals a tree
    // edited in place through an env's link) swaps it out, and then only now, so that a pvm
    // linking from it misses it for two renames, not a whole unpack.
    let swapped = fresh && fsutil::set_aside(&dir, scratch.path());
    let placed = fsutil::place_dir(&root, &dir)
        .map(|()| dir.clone())
        .map_err(|source| WheelError::Write { path: dir, source });
    if swapped {
        // A pvm still linking from the old copy finds its files: the scratch folder stays,
        // and the leftover sweep removes it once this pvm is gone and it is an hour old.
        let _ = scratch.keep();
    }
    placed
}

/// What the wheel holds is checked once it is unpacked, before it is used (see `wheel_check`);
/// returns the name of its `.dist-info`.
fn check_tree(root: &Path, wheel: &Path) -> Result<String, WheelError> {
    wheel_check::contents(root)
        .map(|(name, version)| format!("{name}-{version}.dist-info"))
        .map_err(|reason| WheelError::Invalid {
            path: wheel.to_path_buf(),
            reason,
        })
}

fn open(wheel: &Path) -> Result<fs::File, WheelError> {
    fs::File::open(wheel).map_err(|source| WheelError::Open {
        path: wheel.to_path_buf(),
        source,
    })
}

/// Writes every file of the wheel `file` (at `wheel`) under `root`, as the zip lays them out,
/// each streamed (never held whole), and returns them with their hash and size, by their path
/// in the tree. The wheel's own RECORD is left out, however it is spelled: pvm writes it.
fn unpack(
    file: fs::File,
    wheel: &Path,
    root: &Path,
) -> Result<BTreeMap<String, Hashed>, WheelError> {
    let archive = zip::ZipArchive::new(At {
        file: &file,
        pos: 0,
    })
    .map_err(|err| wheel_check::zip_error(wheel, err))?;
    let names = tree_names(&archive, wheel)?;
    make_folders(root, &names)?;
    let files: Vec<(usize, String)> = names
        .into_iter()
        .enumerate()
        .filter_map(|(index, name)| Some((index, name?)))
        .collect();
    // A wheel of a thousand small files (pip's, seeded into every fresh env while the lock's
    // wheels unpack beside it) is the last to be in when one thread writes it: its files are
    // written by a thread per core, each reading the zip at its own place. A name the zip
    // holds twice is written in the zip's order, by one thread.
    let once = || {
        let mut seen = std::collections::HashSet::new();
        files.iter().all(|(_, name)| seen.insert(name))
    };
    let workers = if files.len() >= SPLIT_FILES && once() {
        crate::parallel::cores()
    } else {
        1
    };
    let parts: Vec<&[(usize, String)]> = files
        .chunks(files.len().div_ceil(workers * 4).max(1))
        .collect();
    let mut hashed = BTreeMap::new();
    for part in crate::parallel::map(&parts, workers, |part| {
        unpack_part(archive.clone(), part, wheel, root)
    }) {
        hashed.extend(part?);
    }
    Ok(hashed)
}

/// How many files make a wheel worth unpacking on several threads.
const SPLIT_FILES: usize = 200;

/// Writes the files `part` (index in the zip, path in the tree) of `archive` under `root`.
fn unpack_part(
    mut archive: zip::ZipArchive<At>,
    part: &[(usize, String)],
    wheel: &Path,
    root: &Path,
) -> Result<Vec<(String, Hashed)>, WheelError> {
    let invalid = |reason: String| WheelError::Invalid {
        path: wheel.to_path_buf(),
        reason,
    };
    let mut hashed = Vec::with_capacity(part.len());
    for (index, name) in part {
        let mut entry = archive
            .by_index(*index)
            .map_err(|err| wheel_check::zip_error(wheel, err))?;
        wheel_check::readable(wheel, name, entry.compression())?;
        let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
        let target = root.join(name);
        let write_err = |source| WheelError::Write {
            path: target.clone(),
            source,
        };
        // A new file even for a name the zip holds twice: the scratch tree is pvm's alone.
        let out = fs::File::create(&target).map_err(write_err)?;
        if executable {
            set_executable(&out).map_err(write_err)?;
        }
        let (digest, size) =
            fsutil::copy_hashed(&mut entry, io::BufWriter::new(out)).map_err(|err| {
                // What the zip cannot give is the wheel's fault; the rest, the disk's.
                match err.kind() {
                    io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
                        invalid(format!("{name}: {err}"))
                    }
                    _ => write_err(err),
                }
            })?;
        hashed.push((name.clone(), (fsutil::record_hash(&digest), size)));
    }
    Ok(hashed)
}

/// The wheel, read at a place of its own (`pread`): threads unpacking parts of it read the
/// one file that was hashed, none moving another's place in it.
#[derive(Clone)]
struct At<'a> {
    file: &'a fs::File,
    pos: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = platform::read_at(self.file, buf, self.pos)?;
        self.pos += read as u64;
        Ok(read)
    }
}

impl Seek for At<'_> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let (base, offset) = match to {
            io::SeekFrom::Start(pos) => (pos, 0),
            io::SeekFrom::Current(offset) => (self.pos, offset),
            io::SeekFrom::End(offset) => (self.file.metadata()?.len(), offset),
        };
        self.pos = base
            .checked_add_signed(offset)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// The path in the tree of each of the zip's files, by index, checked and normalized: `None`
/// for a folder and for the wheel's own RECORD (pvm writes it), however it is spelled.
fn tree_names<R: io::Read + Seek>(
    archive: &zip::ZipArchive<R>,
    wheel: &Path,
) -> Result<Vec<Option<String>>, WheelError> {
    let invalid = |reason: String| WheelError::Invalid {
        path: wheel.to_path_buf(),
        reason,
    };
    (0..archive.len())
        .map(|index| {
            let raw = archive
                .name_for_index(index)
                .ok_or_else(|| invalid(format!("no entry {index}")))?
                .map_err(|err| invalid(err.to_string()))?;
            // As the zip tells a folder.
            if raw.ends_with(['/', '\\']) {
                return Ok(None);
            }
            if !is_safe(&raw) {
                return Err(invalid(format!("unsafe path `{raw}`")));
            }
            // `a/./b` and `a//b` are `a/b`: one name per file.
            let name = Path::new(raw.as_ref())
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Ok((!is_own_record(&name)).then_some(name))
        })
        .collect()
}

/// Creates `root` and every folder the files `names` go into, each once and parents first:
/// making each file's folders as it comes asks the kernel again for every file (thousands of
/// `mkdir`s that fail because the folder is there).
fn make_folders(root: &Path, names: &[Option<String>]) -> Result<(), WheelError> {
    let mut folders = std::collections::BTreeSet::new();
    for name in names.iter().flatten() {
        let mut at = name.as_str();
        // A folder already in has its parents in too.
        while let Some((parent, _)) = at.rsplit_once('/')
            && folders.insert(parent)
        {
            at = parent;
        }
    }
    // Sorted, a folder comes after its parent (a prefix of it).
    let paths = std::iter::once(root.to_path_buf()).chain(folders.iter().map(|f| root.join(f)));
    for path in paths {
        fs::create_dir(&path).map_err(|source| WheelError::Write { path, source })?;
    }
    Ok(())
}

/// Whether `name` (normalized) is the wheel's own RECORD: `<name>.dist-info/RECORD` at the
/// top. A vendored one deeper down is a file like any other.
fn is_own_record(name: &str) -> bool {
    name.split_once('/')
        .is_some_and(|(folder, file)| folder.ends_with(".dist-info") && file == "RECORD")
}

/// The RECORD at `path` as a table: path to hash and size; empty without one.
fn read_record(path: &Path) -> BTreeMap<String, Hashed> {
    let text = fs::read_to_string(path).unwrap_or_default();
    crate::site::record::read(&text)
        .into_iter()
        .filter_map(|row| Some((row.path, (row.hash, row.size.parse().ok()?))))
        .collect()
}

fn hash_bytes(bytes: &[u8]) -> Hashed {
    use sha2::{Digest, Sha256};
    (
        fsutil::record_hash(&Sha256::digest(bytes)),
        bytes.len() as u64,
    )
}

/// Links an unpacked tree into the env, noting each file for RECORD.
struct Placer<'a> {
    tree: &'a Path,
    site_packages: &'a Path,
    /// Hash and size by path in the tree, as unpacked.
    known: BTreeMap<String, Hashed>,
    /// By RECORD path; `None` for RECORD itself.
    record: BTreeMap<String, Option<Hashed>>,
}

impl Placer<'_> {
    /// Links (or copies) the tree at `from` into `to`, leaving out the paths in `skip` (in the
    /// tree), and records every file relative to `site_packages`. (Linking one tree from
    /// several threads gains nothing: links into one folder wait on each other in the kernel.)
    fn place(&mut self, from: &Path, to: &Path, skip: &[&str]) -> Result<(), WheelError> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| WheelError::Write { path, source }
        };
        fs::create_dir_all(to).map_err(write_err(to))?;
        let entries = fs::read_dir(from).map_err(|source| WheelError::Open {
            path: from.to_path_buf(),
            source,
        })?;
        for entry in entries.flatten() {
            let source = entry.path();
            let in_tree = tree_path(&source, self.tree);
            if skip.contains(&in_tree.as_str()) {
                continue;
            }
            let target = to.join(entry.file_name());
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                self.place(&source, &target, skip)?;
                continue;
            }
            let hashed = match self.known.get(&in_tree) {
                Some(hashed) => hashed.clone(),
                None => {
                    let file = fs::File::open(&source).map_err(write_err(&source))?;
                    let (digest, size) =
                        fsutil::copy_hashed(file, io::sink()).map_err(write_err(&source))?;
                    (fsutil::record_hash(&digest), size)
                }
            };
            link(&source, &target)?;
            self.record
                .insert(record_path(&target, self.site_packages), Some(hashed));
        }
        Ok(())
    }
}

/// `path` relative to `tree`, with `/`.
fn tree_path(path: &Path, tree: &Path) -> String {
    path.strip_prefix(tree)
        .unwrap_or(path)
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Hard-links `source` at `target`. What is there is replaced by a rename, never removed first
/// (another thread may be linking the same path) nor written into (it may be a link into
/// another wheel's unpacked copy, which every env shares). Across file systems, a copy, made
/// under a temporary name too.
fn link(source: &Path, target: &Path) -> Result<(), WheelError> {
    let write_err = |source| WheelError::Write {
        path: target.to_path_buf(),
        source,
    };
    if fsutil::hard_link_over(source, target).is_ok() {
        return Ok(());
    }
    let mut from = fs::File::open(source).map_err(write_err)?;
    let mode = platform::mode_of(&from.metadata().map_err(write_err)?) & 0o777;
    fsutil::replace_with(target, mode, |file| io::copy(&mut from, file))
        .map(drop)
        .map_err(write_err)
}

/// The Python of the script for the entry point `target` (`module:function`), as pip writes
/// it: the name it was started by loses a `.exe`, and the function's result is the exit status.
pub(super) fn entry_point_script(target: &str) -> String {
    let (module, function) = target.split_once(':').unwrap_or((target, "main"));
    let head = function.split('.').next().unwrap_or(function);
    format!(
        "# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module} import {head}\nif __name__ == \"__main__\":\n    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n    sys.exit({function}())\n",
    )
}

/// Console scripts from `entry_points.txt`. pip's own `pipX.Y` names are made for this env's
/// version, as ensurepip does.
fn console_scripts(entry_points: &str, project: &str, facts: &Facts) -> Vec<(String, String)> {
    let scripts = wheel_check::entry_points_of(entry_points);
    if project.eq_ignore_ascii_case("pip")
        && let Some((_, target)) = scripts.iter().find(|(name, _)| name == "pip").cloned()
    {
        let (major, minor) = (facts.version_info.0, facts.version_info.1);
        return [
            "pip".to_string(),
            format!("pip{major}"),
            format!("pip{major}.{minor}"),
        ]
        .into_iter()
        .map(|name| (name, target.clone()))
        .collect();
    }
    scripts
}

/// Writes the script `name` into `bin`, executable, from `content`; returns its path, hash
/// and size. A name that is not one plain file name is refused, and what is there is replaced
/// by a rename, never written through: `python3` is a link to the interpreter every env
/// shares, a linked file is the cache's.
fn write_script(
    bin: &Path,
    name: &str,
    mut content: impl Read,
) -> Result<(PathBuf, Hashed), WheelError> {
    let path = bin.join(name);
    // Checked with the rest of the wheel before the env changed; checked again here, where
    // it is written.
    wheel_check::script_name(name).map_err(|reason| WheelError::Invalid {
        path: path.clone(),
        reason,
    })?;
    let (digest, size) = fsutil::replace_with(&path, 0o755, |file| {
        fsutil::copy_hashed(&mut content, io::BufWriter::new(file))
    })
    .map_err(|source| WheelError::Write {
        path: path.clone(),
        source,
    })?;
    Ok((path, (fsutil::record_hash(&digest), size)))
}

/// `#!python` for this env. The kernel reads at most 127 bytes of a `#!` line and ends the
/// interpreter at a blank: longer paths, and paths with a blank or a control character, go
/// through `/bin/sh`, as pip and uv do, with the path quoted as one word (a store in a folder
/// named with `'`, `"` or `$` still runs its scripts). Python reads the second line as a string.
pub fn shebang(python: &Path) -> String {
    let python = python.display().to_string();
    if python.len() + 2 > 127 || python.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let python = crate::quote::posix(&python);
        format!("#!/bin/sh\n'''exec' {python} \"$0\" \"$@\"\n' '''\n")
    } else {
        format!("#!{python}\n")
    }
}

fn is_safe(name: &str) -> bool {
    let path = Path::new(name);
    !name.contains('\\')
        && path
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

/// Through the open file: no second lookup of its path.
fn set_executable(file: &fs::File) -> io::Result<()> {
    platform::set_file_mode(file, 0o755)
}

/// A RECORD path: relative to site-packages, with `..` for files outside it.
fn record_path(path: &Path, site_packages: &Path) -> String {
    // `/` between parts on every OS, as pip writes RECORD.
    let slashed = |path: &Path| {
        (path.components())
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    if let Ok(relative) = path.strip_prefix(site_packages) {
        return slashed(relative);
    }
    let mut up = PathBuf::new();
    let mut base = site_packages;
    while !path.starts_with(base) {
        up.push("..");
        base = match base.parent() {
            Some(parent) => parent,
            None => return path.display().to_string(),
        };
    }
    slashed(&up.join(path.strip_prefix(base).unwrap_or(path)))
}

/// The pip wheel an interpreter ships: `ensurepip/_bundled` in its standard library, or
/// Debian's `/usr/share/python-wheels`. The newest when there are several.
pub fn bundled_pip(facts: &Facts) -> Option<PathBuf> {
    bundled(facts, "pip")
}

/// The setuptools wheel an interpreter ships (3.6 to 3.11 do, as `python -m venv` seeds it):
/// `setup.py`-only projects need it to build.
pub fn bundled_setuptools(facts: &Facts) -> Option<PathBuf> {
    // `python -m venv` stopped seeding it with 3.12.
    if (facts.version_info.0, facts.version_info.1) >= (3, 12) {
        return None;
    }
    bundled(facts, "setuptools")
}

/// The newest `<project>-*.whl` the interpreter ships, or Debian ships for it.
fn bundled(facts: &Facts, project: &str) -> Option<PathBuf> {
    let stdlib = facts.stdlib.clone().unwrap_or_else(|| {
        facts
            .base_prefix
            .join("lib")
            .join(format!("python{}", facts.minor_version()))
    });
    let folders = [
        stdlib.join("ensurepip").join("_bundled"),
        PathBuf::from("/usr/share/python-wheels"),
    ];
    folders.iter().find_map(|folder| {
        let mut wheels: Vec<(Vec<u64>, PathBuf)> = fs::read_dir(folder)
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let version = name
                    .strip_prefix(&format!("{project}-"))?
                    .split('-')
                    .next()?
                    .to_string();
                if !name.ends_with(".whl") {
                    return None;
                }
                let key = version
                    .split('.')
                    .map(|part| part.parse().unwrap_or(0))
                    .collect();
                Some((key, entry.path()))
            })
            .collect();
        wheels.sort();
        wheels.pop().map(|(_, path)| path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wheels_hash_is_remembered_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (wheel, cache) = (dir.path().join("pip.whl"), dir.path().join("cache"));
        fs::write(&wheel, b"one").unwrap();
        let first = remembered_sha256(&wheel, &cache).unwrap();
        assert_eq!(first, fsutil::sha256_file(&wheel).unwrap());
        // Remembered: read back, not hashed again.
        let memo = fs::read_dir(&cache)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        fs::write(&memo, "a".repeat(64)).unwrap();
        assert_eq!(remembered_sha256(&wheel, &cache).unwrap(), "a".repeat(64));
        // Another file at the same path (another size) is hashed anew.
        fs::write(&wheel, b"other").unwrap();
        assert_eq!(
            remembered_sha256(&wheel, &cache).unwrap(),
            fsutil::sha256_file(&wheel).unwrap()
        );
    }

    #[test]
    fn a_wheel_of_many_files_unpacked_by_several_threads_holds_each_as_the_zip_does() {
        let bundled = Path::new("/root/.pyenv/versions/3.12.1/lib/python3.12/ensurepip/_bundled");
        let pip = fs::read_dir(bundled)
            .expect("pyenv's Python 3.12.1 and its bundled pip")
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("pip-")
            })
            .unwrap();
        let cache = tempfile::tempdir().unwrap();
        let sha256 = fsutil::sha256_file(&pip).unwrap();
        let tree = unpack_cached(&pip, &sha256, cache.path(), false).unwrap();
        let mut zip = zip::ZipArchive::new(fs::File::open(&pip).unwrap()).unwrap();
        assert!(zip.len() >= SPLIT_FILES, "pip is split among threads");
        let record = fs::read_dir(&tree)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|ext| ext == "dist-info"))
            .map(|dist_info| read_record(&dist_info.join("RECORD")))
            .unwrap();
        let mut files = 0;
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            if entry.is_dir() || is_own_record(&name) {
                continue;
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            assert_eq!(fs::read(tree.join(&name)).unwrap(), bytes, "{name}");
            assert_eq!(record[&name], hash_bytes(&bytes), "{name}");
            files += 1;
        }
        assert_eq!(record.len(), files);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe("pkg/__init__.py"));
        assert!(!is_safe("../evil.py"));
        assert!(!is_safe("/etc/passwd"));
        assert!(!is_safe("a/../../b"));
    }

    #[test]
    fn only_the_top_dist_info_record_is_the_wheels_own() {
        assert!(is_own_record("a-1.0.dist-info/RECORD"));
        assert!(!is_own_record("a-1.0.dist-info/sub/RECORD"));
        assert!(!is_own_record("a/RECORD"));
        assert!(!is_own_record("a-1.0.data/purelib/a-1.0.dist-info/RECORD"));
    }

    #[test]
    fn record_paths_reach_out_of_site_packages() {
        let site = Path::new("/env/lib/python3.12/site-packages");
        assert_eq!(
            record_path(Path::new("/env/bin/pip"), site),
            "../../../bin/pip"
        );
        assert_eq!(record_path(&site.join("pip/x.py"), site), "pip/x.py");
    }

    #[test]
    fn long_or_spaced_pythons_get_a_trampoline() {
        assert_eq!(shebang(Path::new("/e/bin/python")), "#!/e/bin/python\n");
        assert!(shebang(Path::new("/my env/bin/python")).starts_with("#!/bin/sh\n"));
        assert!(shebang(Path::new("/tab\tenv/bin/python")).starts_with("#!/bin/sh\n"));
        assert_eq!(
            shebang(Path::new("/O'Brien dir/bin/python")),
            "#!/bin/sh\n'''exec' '/O'\\''Brien dir/bin/python' \"$0\" \"$@\"\n' '''\n"
        );
    }
}
