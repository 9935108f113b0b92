//! Which OS's rules apply, as a value: the rules that differ by OS take one, so each OS's rule
//! is unit-tested on every OS.

/// The OS families pvm tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux, and any other Unix but macOS: XDG folders, case-sensitive paths.
    Linux,
    /// macOS: `~/Library`, and paths that are case-insensitive on its default file systems.
    Macos,
    /// Windows: `%LOCALAPPDATA%`, case-insensitive paths, `\` and `/` both separators.
    Windows,
}

impl Os {
    /// The OS pvm was built for.
    pub const HOST: Os = if cfg!(windows) {
        Os::Windows
    } else if cfg!(target_os = "macos") {
        Os::Macos
    } else {
        Os::Linux
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_the_build_target() {
        let expected = match std::env::consts::OS {
            "windows" => Os::Windows,
            "macos" => Os::Macos,
            _ => Os::Linux,
        };
        assert_eq!(Os::HOST, expected);
    }
}
