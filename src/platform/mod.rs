//! What differs by OS, behind one small interface: the rest of pvm names no OS.
//!
//! Unix (Linux, macOS) is what runs and is tested today; the Windows side compiles and is
//! linted (issue 23), and where Windows has no counterpart it says so and does the harmless
//! thing. This module uses no other of pvm's: the layers above it, and the helpers (`fsutil`,
//! `cache`, `listing`), call it.
//!
//! - [`layout`]: the names inside an env that differ by OS.
//! - [`process`]: replacing pvm with a command (`exec`), signals, a child dying with pvm.
//! - [`modes`]: file modes and the umask (none on Windows).
//! - [`liveness`]: whether a process still runs.
//! - [`links`]: hard and symbolic links, file identity, reading at an offset.
//! - [`retry`]: renames and removals that wait out a virus scanner holding a file (Windows).
//! - [`os`]: which OS's rules apply, as a value, so every OS's rule is tested on each.
//! - [`path_key`]: the bytes of a project path that key its env (case-folded where the OS
//!   ignores case).
//! - [`dirs`]: the store's default place.

pub mod dirs;
pub mod layout;
pub mod links;
pub mod liveness;
pub mod modes;
pub mod os;
pub mod path_key;
pub mod process;
pub mod retry;

pub use layout::{executable, scripts_dir};
pub use links::{FileId, Stat, file_id, link_count, read_at, stat, symlink};
pub use liveness::alive;
pub use modes::{
    NoWorldWritable, create_mode, dir_mode, is_executable, mode_of, nonblocking, set_file_mode,
    set_mode, special_kind, temp_mode,
};
pub use os::Os;
pub use path_key::{host_path_key, path_key, same_path};
pub use process::{default_sigpipe, die_with_parent, exec, send_signal, set_arg0, stdio_open};
