//! Renames and removals that tolerate a file held open for a moment by someone else.
//!
//! On Windows a virus scanner, an indexer or a backup tool opens a new file right after it is
//! written; until it lets go, renaming or removing that file (or its folder) fails with "access
//! denied" or a sharing violation. As uv's `uv-fs` does there, such a failure is retried with a
//! growing pause, for about 10 seconds in all, before it is an error. On Unix nothing holds a
//! file that way: each operation runs once, as if called directly.

use std::io;
use std::path::Path;
use std::time::Duration;

use super::os::Os;

/// The pauses between attempts on Windows: 10 ms doubling, nine retries (about 5 s of waiting
/// at most, 10 s with the attempts' own time).
const PAUSES: [u64; 9] = [10, 20, 40, 80, 160, 320, 640, 1280, 2560];

/// `ERROR_ACCESS_DENIED`, `ERROR_SHARING_VIOLATION`, `ERROR_LOCK_VIOLATION`: what a file held
/// open by another process gives on Windows.
fn is_transient(os: Os, err: &io::Error) -> bool {
    os == Os::Windows && matches!(err.raw_os_error(), Some(5 | 32 | 33))
}

/// Runs `op` as `os` needs: once on Linux and macOS; on Windows again after each transient failure,
/// pausing with `sleep`, until it succeeds, fails otherwise, or the pauses run out.
fn retry_on<T>(
    os: Os,
    mut sleep: impl FnMut(Duration),
    mut op: impl FnMut() -> io::Result<T>,
) -> io::Result<T> {
    for pause in PAUSES {
        match op() {
            Err(err) if is_transient(os, &err) => sleep(Duration::from_millis(pause)),
            done => return done,
        }
    }
    op()
}

/// Runs `op`, retried while a file it touches is held by another process (on Windows).
pub fn retrying<T>(op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    retry_on(Os::HOST, std::thread::sleep, op)
}

/// `std::fs::rename`, retried on Windows while a file is held.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    retrying(|| std::fs::rename(from, to))
}

/// `std::fs::remove_file`, retried on Windows while the file is held.
pub fn remove_file(path: &Path) -> io::Result<()> {
    retrying(|| std::fs::remove_file(path))
}

/// `std::fs::remove_dir_all`, retried on Windows while a file in it is held (each attempt
/// goes on from what the last one left).
pub fn remove_dir_all(path: &Path) -> io::Result<()> {
    retrying(|| std::fs::remove_dir_all(path))
}

/// Renames the temporary file `file` over `path` (`NamedTempFile::persist`), retried on
/// Windows while either is held.
pub fn persist(file: tempfile::NamedTempFile, path: &Path) -> io::Result<std::fs::File> {
    let mut file = Some(file);
    retrying(|| {
        let Some(temp) = file.take() else {
            return Err(io::Error::other("the temporary file is gone"));
        };
        temp.persist(path).map_err(|err| {
            file = Some(err.file);
            err.error
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> io::Error {
        io::Error::from_raw_os_error(32)
    }

    #[test]
    fn a_held_file_is_retried_on_windows_checked_on_any_os() {
        let mut attempts = 0;
        let mut slept = Vec::new();
        let result = retry_on(
            Os::Windows,
            |pause| slept.push(pause),
            || {
                attempts += 1;
                if attempts < 3 {
                    Err(held())
                } else {
                    Ok(attempts)
                }
            },
        );
        assert_eq!(result.unwrap(), 3);
        assert_eq!(
            slept,
            [Duration::from_millis(10), Duration::from_millis(20)]
        );
    }

    #[test]
    fn other_errors_and_unix_are_not_retried() {
        let mut attempts = 0;
        let missing = retry_on(
            Os::Windows,
            |_| panic!("no pause"),
            || {
                attempts += 1;
                Err::<(), _>(io::Error::from(io::ErrorKind::NotFound))
            },
        );
        assert_eq!(missing.unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(attempts, 1);
        let unix = retry_on(Os::Linux, |_| panic!("no pause"), || Err::<(), _>(held()));
        assert_eq!(unix.unwrap_err().raw_os_error(), Some(32));
    }

    #[test]
    fn a_file_held_for_good_fails_after_the_last_pause() {
        let mut attempts = 0;
        let mut waited = Duration::ZERO;
        let result = retry_on(
            Os::Windows,
            |pause| waited += pause,
            || {
                attempts += 1;
                Err::<(), _>(held())
            },
        );
        assert_eq!(result.unwrap_err().raw_os_error(), Some(32));
        assert_eq!(attempts, PAUSES.len() + 1);
        assert_eq!(waited, Duration::from_millis(5110));
    }

    #[test]
    fn persist_puts_the_file_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut temp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        std::io::Write::write_all(&mut temp, b"new").unwrap();
        let path = dir.path().join("file");
        std::fs::write(&path, "old").unwrap();
        persist(temp, &path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
