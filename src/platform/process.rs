//! Replacing pvm with a command, signals, and a child that dies with pvm.

use std::ffi::OsStr;
use std::io;
use std::process::Command;

/// The command's `argv[0]` is `arg0` (what it was called as), not the path it runs from. On
/// Windows a program has no `argv[0]` of its own to set: nothing changes.
pub fn set_arg0<'a>(command: &'a mut Command, arg0: &OsStr) -> &'a mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.arg0(arg0)
    }
    #[cfg(not(unix))]
    {
        let _ = arg0;
        command
    }
}

/// Runs `command` in pvm's place and returns only when that failed. Unix: `exec`, the same
/// process. Windows, which has no `exec` (as uv does there): pvm starts it, leaves Ctrl-C to it
/// (the console sends it to both; pvm ignores it and waits), and exits with its exit code.
pub fn exec(command: &mut Command) -> io::Error {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.exec()
    }
    #[cfg(not(unix))]
    {
        // Before the start, so that no Ctrl-C ends pvm and leaves the command running. The C
        // runtime's handler is pvm's own: the command still gets Ctrl-C's default.
        // SAFETY: ignoring a signal has no preconditions.
        let old = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                // SAFETY: as above; back to what it was.
                unsafe { libc::signal(libc::SIGINT, old) };
                return err;
            }
        };
        match child.wait() {
            Ok(status) => std::process::exit(status.code().unwrap_or(1)),
            Err(err) => err,
        }
    }
}

/// The child started from `command` is killed when pvm dies: Linux's parent-death signal.
/// Elsewhere nothing: a child there outlives a killed pvm.
pub fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe, as pre_exec requires.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = command;
    }
}

/// Ctrl-C's signal (also what the C runtime raises for it on Windows).
pub const SIGINT: i32 = libc::SIGINT;
/// The signal `kill` sends by default (on Windows, only what `raise` sends itself).
pub const SIGTERM: i32 = libc::SIGTERM;

/// From now on [`SIGINT`] and [`SIGTERM`] call `handler`, which must do only what is
/// async-signal-safe.
pub fn handle_signals(handler: extern "C" fn(i32)) {
    // SAFETY: the caller's handler is async-signal-safe, as its contract says.
    unsafe {
        let handler = handler as libc::sighandler_t;
        libc::signal(SIGINT, handler);
        libc::signal(SIGTERM, handler);
    }
}

/// Sends `signum` to the process `pid`; async-signal-safe. Windows has no signals to send: a
/// console's Ctrl-C already reaches every process on it, and nothing is sent.
pub fn send_signal(pid: i32, signum: i32) {
    #[cfg(unix)]
    {
        // SAFETY: kill is async-signal-safe; callers pass a child not yet waited for.
        unsafe { libc::kill(pid, signum) };
    }
    #[cfg(not(unix))]
    {
        let _ = (pid, signum);
    }
}

/// Like any Unix tool, pvm ends quietly when the reader of its output goes away (`pvm list |
/// head`) instead of failing on a broken pipe. Windows has no SIGPIPE.
pub fn default_sigpipe() {
    #[cfg(unix)]
    {
        // SAFETY: restoring a signal's default disposition has no preconditions.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
}

/// Standard input, output and error open, on `/dev/null` where the caller closed them, as
/// Rust's start-up does: else the first file pvm opens would take descriptor 1 and what it
/// prints would land in that file.
pub fn stdio_open() {
    #[cfg(unix)]
    {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        // SAFETY: `fds` is a valid array of three pollfd for the call's duration.
        if unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } == -1 {
            return;
        }
        for pollfd in fds {
            if pollfd.revents & libc::POLLNVAL != 0 {
                // SAFETY: a NUL-terminated path; the descriptor taken is the lowest free, the
                // closed one.
                unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            }
        }
    }
}
