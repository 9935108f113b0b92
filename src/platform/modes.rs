//! File modes and the umask. Windows has neither: setting a mode does nothing there, and a
//! file's mode is made up from its read-only flag (never writable by others, executable when
//! it is a folder).

use std::fs::{DirBuilder, File, FileType, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// A file that `options` creates gets `mode` (before the umask).
pub fn create_mode(options: &mut OpenOptions, mode: u32) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        options
    }
}

/// A folder that `builder` creates gets `mode` (before the umask).
pub fn dir_mode(builder: &mut DirBuilder, mode: u32) -> &mut DirBuilder {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        builder
    }
}

/// A temporary file that `builder` creates gets `mode` (before the umask; tempfile's own is
/// 0o600).
pub fn temp_mode<'a, 'b>(
    builder: &'a mut tempfile::Builder<'b, 'b>,
    mode: u32,
) -> &'a mut tempfile::Builder<'b, 'b> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        builder
    }
}

/// The mode of the file `meta` describes (its permission bits and the rest of `st_mode`).
pub fn mode_of(meta: &Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode()
    }
    #[cfg(not(unix))]
    {
        let write = if meta.permissions().readonly() {
            0
        } else {
            0o200
        };
        let exec = if meta.is_dir() { 0o111 } else { 0 };
        0o444 | write | exec
    }
}

/// Whether `meta` is a file one may run: a file with an execute bit on Unix, any file on
/// Windows (where what runs is told by its name).
pub fn is_executable(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        meta.is_file() && mode_of(meta) & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Sets the mode of the file at `path` (not following a link is not possible: it follows).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Sets the mode of the open `file`: no second lookup of its path.
pub fn set_file_mode(file: &File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// What `kind` is when it is one of Unix's special files ("a FIFO", "a device");
/// `None` for a file, folder or link, and always on Windows.
pub fn special_kind(kind: FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            Some("a FIFO")
        } else if kind.is_char_device() || kind.is_block_device() {
            Some("a device")
        } else {
            None
        }
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        None
    }
}

/// While alive, nothing pvm (or an installer it starts) creates is world-writable, whatever the
/// user's umask; otherwise the umask is the user's. Restored on drop, so a command `pvm run`
/// starts gets the user's own. (Nothing on Windows, which has no umask.)
pub struct NoWorldWritable {
    #[cfg(unix)]
    old: libc::mode_t,
}

impl NoWorldWritable {
    pub fn new() -> NoWorldWritable {
        #[cfg(unix)]
        {
            // SAFETY: umask only swaps the process's file mode mask and cannot fail.
            let old = unsafe { libc::umask(0o022) };
            unsafe { libc::umask(old | 0o002) };
            NoWorldWritable { old }
        }
        #[cfg(not(unix))]
        {
            NoWorldWritable {}
        }
    }
}

impl Default for NoWorldWritable {
    fn default() -> NoWorldWritable {
        NoWorldWritable::new()
    }
}

impl Drop for NoWorldWritable {
    fn drop(&mut self) {
        // SAFETY: as above.
        #[cfg(unix)]
        unsafe {
            libc::umask(self.old)
        };
    }
}

/// Opening with `options` does not wait (`O_NONBLOCK`): a FIFO put where a file was expected
/// cannot hang pvm. Windows has no such files: nothing changes.
pub fn nonblocking(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK)
    }
    #[cfg(not(unix))]
    {
        options
    }
}
