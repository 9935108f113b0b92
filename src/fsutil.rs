//! Small file-system helpers shared by the store, the env writer and the caches.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::platform;

pub mod stamp;

/// A file's bytes, in one read when it is small (no size asked first: an open, a read, a
/// close); `None` when it is missing or unreadable.
pub fn read_small(path: &Path) -> Option<Vec<u8>> {
    const FIRST: usize = 8 * 1024;
    let mut file = std::fs::File::open(path).ok()?;
    let mut buffer = vec![0; FIRST];
    let read = file.read(&mut buffer).ok()?;
    buffer.truncate(read);
    if read == FIRST {
        file.read_to_end(&mut buffer).ok()?;
    }
    Some(buffer)
}

/// Writes `bytes` to `path` so that readers see the old file or the new one, never a half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_then(path, bytes, || {})
}

/// [`write_atomic`], calling `before_rename` once the new content is on disk.
pub fn write_atomic_then(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(),
) -> io::Result<()> {
    // The folder must exist: creating it here could bring back a folder another pvm just removed.
    let dir = path.parent().unwrap_or(Path::new("."));
    // The user's umask applies (tempfile's default would be 0o600), but never world-writable.
    let mut file = platform::temp_mode(
        tempfile::Builder::new().prefix(&Temp::Write.prefix()),
        FILE_MODE,
    )
    .tempfile_in(dir)?;
    file.write_all(bytes)?;
    // A file rewritten keeps its mode: an executable script stays executable.
    if let Ok(meta) = std::fs::metadata(path) {
        file.as_file().set_permissions(meta.permissions())?;
    }
    file.as_file().sync_data()?;
    before_rename();
    platform::retry::persist(file, path)?;
    Ok(())
}

/// Writes each of `lines` on a line of its own into the file at `path` (a requirements file
/// for an installer: one requirement a line).
pub fn write_lines<T: std::fmt::Display>(path: &Path, lines: &[T]) -> io::Result<()> {
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(path, text)
}

/// The mode pvm creates its own files with, before the umask: never world-writable.
pub const FILE_MODE: u32 = 0o664;

/// The mode pvm creates its own folders with, before the umask: never world-writable.
pub const DIR_MODE: u32 = 0o775;

/// `create_dir_all` with [`DIR_MODE`]: a folder pvm makes in its store, and each parent it
/// makes on the way, is never world-writable, whatever the umask.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    platform::dir_mode(std::fs::DirBuilder::new().recursive(true), DIR_MODE).create(path)
}

/// What [`write_atomic`] names its files until they are complete.
pub const TMP_PREFIX: &str = ".tmp-";

/// What pvm makes under a temporary name and renames into place (or drops) once it is done: a
/// pvm killed meanwhile leaves it behind. Each is named `<kind>pvm-<pid>-…` ([`Temp::prefix`]),
/// so that the next pvm can tell whether its owner is gone ([`remove_dead`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temp {
    /// A file [`write_atomic`] is writing, beside its target (a project's lock, metadata).
    Write,
    /// A scratch folder of one pvm in the system's temp folder ([`scratch_dir`]).
    Scratch,
    /// A wheel being downloaded, in `cache/artifacts`.
    Download,
    /// A wheel being unpacked, in `cache/wheels`.
    Unpack,
    /// An editable build being kept, in `cache/editables`.
    Keep,
    /// A kept editable build on its way out, in `cache/editables`.
    Old,
    /// A Python being downloaded and unpacked, in `pythons`.
    Python,
}

impl Temp {
    /// What the name starts with, before the pid.
    fn kind(self) -> &'static str {
        match self {
            Temp::Write | Temp::Python => TMP_PREFIX,
            Temp::Scratch => "",
            Temp::Download => ".download-",
            Temp::Unpack => ".unpack-",
            Temp::Keep => ".keep-",
            Temp::Old => ".old-",
        }
    }

    /// Whether it is a folder (else a file).
    fn is_folder(self) -> bool {
        !matches!(self, Temp::Write | Temp::Download)
    }

    /// The start of the name of one made by this pvm: `<kind>pvm-<pid>-`.
    pub fn prefix(self) -> String {
        format!("{}pvm-{}-", self.kind(), std::process::id())
    }
}

/// Whether the process `pid` is another one that is still running.
pub fn other_alive(pid: u32) -> bool {
    pid != std::process::id() && alive(pid)
}

/// Whether a process `pid` exists ([`platform::alive`]: on Unix, in this PID namespace).
pub fn alive(pid: u32) -> bool {
    platform::alive(pid)
}

/// Whether `path` has not changed for an hour: a pid is only known in this PID namespace (a
/// pvm in another container sharing the folder has one we cannot see), so a leftover must also
/// be old before it is taken for one.
fn old(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(3600))
}

/// The pid in a name made as `<prefix><pid>-…`, when it is one.
fn pid_in(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?.split('-').next()?.parse().ok()
}

/// Removes the `temp`s in `dir` that a pvm now gone left there an hour ago or more: only those
/// named as pvm names them, only of their kind (a file or a real folder, never a link), so a
/// user's own `.tmp-…` is left alone, and so is the work of a pvm still running.
pub fn remove_dead(dir: &Path, temp: Temp) {
    let prefix = format!("{}pvm-", temp.kind());
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = pid_in(&name, &prefix) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let right_kind = if temp.is_folder() {
            kind.is_dir()
        } else {
            kind.is_file()
        };
        if right_kind && !other_alive(pid) && old(&entry.path()) {
            let _ = if kind.is_dir() {
                std::fs::remove_dir_all(entry.path())
            } else {
                std::fs::remove_file(entry.path())
            };
        }
    }
}

/// Removes what [`write_atomic`]s of pvms that are gone left in `dir` (a project root, where
/// a user's own `.tmp-…` files are left alone: only pvm's, by their pid).
pub fn remove_dead_temps(dir: &Path) {
    remove_dead(dir, Temp::Write);
}

/// A scratch folder for one pvm (requirement files, downloads), named with its pid so that the
/// next pvm removes it if this one is killed ([`remove_dead_scratch`]).
pub fn scratch_dir() -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&Temp::Scratch.prefix())
        .tempdir()
}

/// Where this pvm's scratch folders start: `<temp dir>/pvm-<pid>-`, for messages that must not
/// show them.
pub fn scratch_path_prefix() -> std::path::PathBuf {
    std::env::temp_dir().join(Temp::Scratch.prefix())
}

/// Removes the scratch folders of pvms that are gone.
pub fn remove_dead_scratch() {
    remove_dead(&std::env::temp_dir(), Temp::Scratch);
}

/// Removes what interrupted [`write_atomic`]s left in `dir`.
pub fn remove_stale_temps(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX)
            && entry.file_type().is_ok_and(|kind| kind.is_file())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Puts the finished folder `built` at `target` by one rename, so that nobody ever sees half
/// of it. A folder already at `target` was put there whole the same way by another pvm
/// meanwhile: it is kept, and that is success. When `built` does not move it stays where it is,
/// for its scratch folder to remove.
pub fn place_dir(built: &Path, target: &Path) -> io::Result<()> {
    // Windows refuses a rename onto a folder with "access denied": not a held file to wait for.
    platform::retry::retrying(|| match std::fs::rename(built, target) {
        Ok(()) => Ok(()),
        Err(_) if target.is_dir() => Ok(()),
        Err(err) => Err(err),
    })
}

/// Moves the folder at `target`, if there is one, into the scratch folder `aside`, so that a
/// [`place_dir`] after it replaces it whole: what others read or link from it is never changed
/// in place, only taken away. Returns whether a folder was moved.
pub fn set_aside(target: &Path, aside: &Path) -> bool {
    target.is_dir() && platform::retry::rename(target, &aside.join("old")).is_ok()
}

/// Takes world-write away from the entries directly in `dir` (not following links).
pub fn remove_world_write(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let mode = platform::mode_of(&meta);
        if !meta.file_type().is_symlink() && mode & 0o002 != 0 {
            let _ = platform::set_mode(&entry.path(), mode & !0o002);
        }
    }
}

pub use crate::platform::NoWorldWritable;

// `python/` sits below `platform` in the layers (DESIGN.md) yet opens files and checks modes
// too: it reaches these through here.
pub use crate::platform::{create_mode, is_executable, nonblocking, special_kind};

/// Lowercase hex of `bytes` (sha2's digests no longer format with `{:x}`).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Copies `reader` into `writer` in pieces, hashing what passes: its sha256 and length.
/// Nothing is held whole, whatever the size (a wheel may hold a 400 MiB file of zeros).
pub fn copy_hashed(mut reader: impl Read, mut writer: impl Write) -> io::Result<([u8; 32], u64)> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        hasher.update(&buffer[..read]);
        writer.write_all(&buffer[..read])?;
        total += read as u64;
    }
    writer.flush()?;
    Ok((hasher.finalize().into(), total))
}

/// The sha256 of the file at `path` (lowercase hex), read in pieces.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    sha256_file_and_size(path).map(|(sha256, _)| sha256)
}

/// The sha256 of the file at `path` (lowercase hex) and its size, read in pieces.
pub fn sha256_file_and_size(path: &Path) -> io::Result<(String, u64)> {
    let (digest, size) = copy_hashed(std::fs::File::open(path)?, io::sink())?;
    Ok((hex(&digest), size))
}

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// The sha256 of `parts`, each followed by a NUL byte (so that `["ab", "c"]` and `["a", "bc"]`
/// differ), in lowercase hex: a cache key made of several inputs.
pub fn sha256_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}

/// A RECORD's hash of `digest` (a sha256): `sha256=` and URL-safe base64 without padding.
pub fn record_hash(digest: &[u8]) -> String {
    use base64::Engine;
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// Puts a new file with `bytes` at `path`, replacing whatever is there by a rename, never
/// writing into it: in an env, a file may be a hard link into the cache, shared with every
/// other env. Not synced to disk (a sync that did not finish is checked against RECORD).
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    replace_with(path, mode, |file| file.write_all(bytes))
}

/// Fills a new file (`mode`, before the umask) in `path`'s folder with `fill`, then renames
/// it over `path`: what was there is replaced whole, never written into.
pub fn replace_with<T>(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<T>,
) -> io::Result<T> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let prefix = format!("{TMP_PREFIX}pvm-{}-", std::process::id());
    let mut file =
        platform::temp_mode(tempfile::Builder::new().prefix(&prefix), mode).tempfile_in(dir)?;
    let filled = fill(file.as_file_mut())?;
    platform::retry::persist(file, path)?;
    Ok(filled)
}

/// Hard-links `source` at `target`; a file already at `target` is replaced by a rename (the
/// link made under a temporary name first), never removed first nor written into: another
/// thread may be linking the same path, and what is there may be another wheel's cached copy.
pub fn hard_link_over(source: &Path, target: &Path) -> io::Result<()> {
    match std::fs::hard_link(source, target) {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
        other => return other,
    }
    // Already this very file: a rename between two links of one file does nothing, and would
    // leave the temporary name behind.
    if let (Ok(from), Ok(there)) = (std::fs::metadata(source), std::fs::symlink_metadata(target))
        && platform::file_id(&from).is_some()
        && platform::file_id(&from) == platform::file_id(&there)
    {
        return Ok(());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}pvm-{}-", std::process::id()))
        .make_in(dir, |name| std::fs::hard_link(source, name))?;
    let temp_path = temp.path().to_path_buf();
    temp.persist(target).map_err(|err| err.error)?;
    // Where there is no file identity (Windows), `target` may have been this very file: the
    // rename then did nothing and left the temporary name.
    if platform::file_id(&std::fs::metadata(source)?).is_none() {
        let _ = std::fs::remove_file(temp_path);
    }
    Ok(())
}

/// The local path of a `file://` URL (PEP 610's `direct_url.json`), with `%XX` escapes decoded
/// (installers escape spaces and non-ASCII letters).
pub fn file_url_to_path(url: &str) -> Option<PathBuf> {
    // Most URLs a lock names are an index's: told apart without parsing them (a universal
    // lock holds a thousand). The URL parser drops leading blanks and controls too.
    let scheme = url.trim_start_matches(|c: char| c <= ' ').get(..5)?;
    if !scheme.eq_ignore_ascii_case("file:") {
        return None;
    }
    let url = url::Url::parse(url).ok()?;
    (url.scheme() == "file").then(|| url.to_file_path().ok())?
}

/// The total size of the files under `dir`, not following links; files seen twice through hard
/// links count once.
pub fn disk_size(dir: &Path) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if platform::link_count(&meta) <= 1
                || platform::file_id(&meta).is_none_or(|id| seen.insert(id))
            {
                total += meta.len();
            }
        }
    }
    total
}

/// Calls `each` with the metadata of every file under `path` (itself, when it is no folder),
/// links not followed, until `each` returns `false`.
pub fn each_file(path: &Path, mut each: impl FnMut(&std::fs::Metadata) -> bool) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        each(&meta);
        return;
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if !each(&meta) {
                return;
            }
        }
    }
}

/// Makes `link` a symbolic link to `target`, replacing whatever was there.
pub fn symlink_force(target: &Path, link: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(link) {
        Ok(_) => std::fs::remove_file(link)?,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(err),
    }
    platform::symlink(target, link)
}

/// A URL without its `user:password@`: credentials never go into a lock or a message.
pub fn strip_credentials(text: &str) -> String {
    without_credentials(text.to_string())
}

/// [`strip_credentials`] of a URL that is given: one without credentials comes back as it is,
/// not copied (a universal lock holds thousands of URLs).
pub fn without_credentials(text: String) -> String {
    // Credentials come before an `@`: without one there are none, and no URL to parse.
    if !text.contains('@') {
        return text;
    }
    match url::Url::parse(&text) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        // Without credentials (or no URL at all, a folder): as it was written.
        _ => text,
    }
}

/// A `file://` URL for `path`, with what a URL path cannot hold escaped (spaces, `%`, `#`,
/// non-ASCII letters): what pip, uv and PEP 508 read back as the same path.
pub fn path_to_file_url(path: &Path) -> String {
    match url::Url::from_file_path(path) {
        Ok(url) => url.to_string(),
        // A relative path has no URL of its own: as the path is (callers pass absolute ones).
        Err(()) => format!("file://{}", path.display()),
    }
}

/// Opens (creating it, private to the user's umask) the lock file at `path` and waits for its
/// exclusive lock, held until the file is dropped: one pvm at a time does what it guards.
pub fn hold_lock(path: &Path) -> io::Result<std::fs::File> {
    let file = platform::create_mode(
        std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true),
        FILE_MODE,
    )
    .open(path)?;
    file.lock()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(windows, ignore = "runs the Unix programs sleep and true")]
    fn a_process_is_alive_until_it_is_reaped() {
        assert!(alive(std::process::id()));
        assert!(!other_alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!alive(pid));
        // Not one process: a process group, or no pid at all.
        assert!(!alive(0));
        assert!(!alive(u32::MAX));
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab]), "000fab");
    }

    #[test]
    #[cfg_attr(windows, ignore = "Unix paths in file:// URLs")]
    fn file_urls_decode_spaces_and_letters() {
        assert_eq!(
            file_url_to_path("file:///tmp/my%20proj/caf%C3%A9").unwrap(),
            PathBuf::from("/tmp/my proj/café")
        );
        assert_eq!(
            file_url_to_path("file://localhost/a").unwrap(),
            PathBuf::from("/a")
        );
        assert_eq!(file_url_to_path("https://x/a"), None);
        assert_eq!(file_url_to_path("fil"), None);
        // The scheme in any case, after blanks, as the URL parser takes it.
        assert_eq!(file_url_to_path(" FILE:///a").unwrap(), PathBuf::from("/a"));
        let odd = Path::new("/tmp/whl dir é/#1%.whl");
        assert_eq!(file_url_to_path(&path_to_file_url(odd)).unwrap(), odd);
    }

    #[test]
    fn credentials_are_stripped_and_everything_else_kept_as_written() {
        assert_eq!(
            strip_credentials("https://me:secret@host/simple/x/"),
            "https://host/simple/x/"
        );
        assert_eq!(
            strip_credentials("https://token@host/x.whl"),
            "https://host/x.whl"
        );
        assert_eq!(
            strip_credentials("https://host/x.whl"),
            "https://host/x.whl"
        );
        assert_eq!(strip_credentials("../lib"), "../lib");
        assert_eq!(strip_credentials("git@host:x"), "git@host:x");
    }

    #[test]
    fn hashes_are_streamed_and_written_as_record_hashes() {
        let (digest, size) = copy_hashed(&b"abc"[..], io::sink()).unwrap();
        assert_eq!(size, 3);
        assert_eq!(
            hex(&digest),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            record_hash(&digest),
            "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn bytes_and_parts_hash_to_hex() {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex("abc"), abc);
        assert_eq!(sha256_parts([&b"abc"[..]]), sha256_hex("abc\0"));
        assert_ne!(
            sha256_parts([&b"ab"[..], b"c"]),
            sha256_parts([&b"a"[..], b"bc"])
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "abc").unwrap();
        assert_eq!(sha256_file_and_size(&file).unwrap(), (abc.to_string(), 3));
        assert_eq!(sha256_file(&file).unwrap(), abc);
    }

    #[test]
    fn a_linked_file_is_replaced_never_written_into() {
        let dir = tempfile::tempdir().unwrap();
        let (cached, other, target) = (
            dir.path().join("cached"),
            dir.path().join("other"),
            dir.path().join("target"),
        );
        std::fs::write(&cached, "cached").unwrap();
        std::fs::write(&other, "other").unwrap();
        std::fs::hard_link(&cached, &target).unwrap();
        hard_link_over(&other, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"other");
        hard_link_over(&other, &target).unwrap();
        write_new(&target, b"new", FILE_MODE).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read(&cached).unwrap(), b"cached");
        assert_eq!(std::fs::read(&other).unwrap(), b"other");
        // No temporary name is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }

    #[test]
    fn a_folder_is_placed_whole_and_one_placed_meanwhile_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let [built, target, aside] = ["built", "target", "aside"].map(|name| dir.path().join(name));
        std::fs::create_dir_all(&built).unwrap();
        std::fs::write(built.join("one"), "1").unwrap();
        place_dir(&built, &target).unwrap();
        assert!(!built.exists());
        assert_eq!(std::fs::read(target.join("one")).unwrap(), b"1");
        // Another pvm's copy got there first: it stays, and the second one is not moved.
        std::fs::create_dir_all(built.join("two")).unwrap();
        place_dir(&built, &target).unwrap();
        assert!(target.join("one").is_file() && built.is_dir());
        // Set aside first, it is replaced whole.
        std::fs::create_dir_all(&aside).unwrap();
        assert!(set_aside(&target, &aside));
        place_dir(&built, &target).unwrap();
        assert!(target.join("two").is_dir() && !target.join("one").exists());
        assert!(aside.join("old/one").is_file());
        assert!(!set_aside(&dir.path().join("absent"), &aside));
        // Nothing to place, and nothing there: the rename's own error.
        assert!(place_dir(&dir.path().join("absent"), &dir.path().join("new")).is_err());
    }

    #[test]
    fn lines_are_written_one_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.in");
        write_lines(&path, &["a>=1", "b"]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a>=1\nb\n");
        write_lines::<String>(&path, &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn write_atomic_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
