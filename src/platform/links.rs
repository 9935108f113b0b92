//! Hard and symbolic links, file identity, reading at an offset.
//!
//! On Windows, std gives no stable file identity nor link count (`windows_by_handle` is
//! unstable): every file is taken as one of its own, so sizes count a shared file in each place
//! it is and nothing is known to be hard-linked elsewhere.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

/// What names one file on one file system: (device, inode).
pub type FileId = (u64, u64);

/// The identity of the file `meta` describes, where the OS gives one.
pub fn file_id(meta: &Metadata) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// How many hard links the file has (1 where the OS does not say).
pub fn link_count(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// What tells that a file changed: size, modification and change times to the nanosecond,
/// and its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime: i64,
    pub mtime_nsec: i64,
    pub ctime: i64,
    pub ctime_nsec: i64,
    pub dev: u64,
    pub ino: u64,
}

/// The [`Stat`] of `meta`. Windows has no change time nor inode: the modification time stands
/// for both times, and the identity is 0.
pub fn stat(meta: &Metadata) -> Stat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Stat {
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
    #[cfg(not(unix))]
    {
        let since = meta
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        let secs = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
        let nsec = i64::from(since.subsec_nanos());
        Stat {
            size: meta.len(),
            mtime: secs,
            mtime_nsec: nsec,
            ctime: secs,
            ctime_nsec: nsec,
            dev: 0,
            ino: 0,
        }
    }
}

/// Makes `link` a symbolic link to `target` (relative to `link`'s folder, as on Unix). Windows
/// has two kinds: a folder link when `target` is a folder now, else a file link.
pub fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, link)
    }
    #[cfg(windows)]
    {
        let resolved = link.parent().unwrap_or(Path::new(".")).join(target);
        if resolved.is_dir() {
            std::os::windows::fs::symlink_dir(target, link)
        } else {
            std::os::windows::fs::symlink_file(target, link)
        }
    }
}

/// Reads from `file` at `offset` into `buf`, as `pread` does: threads reading one file never
/// move another's place in it. (On Windows the file's own cursor moves; pvm keeps none there.)
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, offset)
    }
}
