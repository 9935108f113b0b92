//! Entry points on Windows: `.exe` launchers, as pip writes them (distlib's `ScriptMaker`).
//!
//! Windows runs no `#!` line, so a script is a small program (a stub from distlib, see
//! `launchers/README.md`) with the `#!` line and a zip appended: the stub reads the line, and
//! starts that Python with the `.exe` itself as the script; Python runs the zip's
//! `__main__.py`. pip's stubs, not uv's trampolines: a script pvm writes is then byte for byte
//! the kind pip writes, which the tools that read scripts back (pip's uninstall, `distlib`,
//! virus scanners' allow lists) know; uv's need its own format and are rebuilt from source.

use std::io::{self, Write};
use std::path::Path;

/// A console script (a console window, waited for) or a GUI one (`pythonw.exe`, no window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Console,
    Gui,
}

// The stubs are built into pvm where they are written (Windows), and into its unit tests.
#[cfg(any(windows, test))]
mod stubs {
    pub const T64: &[u8] = include_bytes!("launchers/t64.exe");
    pub const W64: &[u8] = include_bytes!("launchers/w64.exe");
    pub const T64_ARM: &[u8] = include_bytes!("launchers/t64-arm.exe");
    pub const W64_ARM: &[u8] = include_bytes!("launchers/w64-arm.exe");
}
#[cfg(not(any(windows, test)))]
mod stubs {
    pub const T64: &[u8] = &[];
    pub const W64: &[u8] = &[];
    pub const T64_ARM: &[u8] = &[];
    pub const W64_ARM: &[u8] = &[];
}

/// The stub for `kind` on the machine `platform_machine` names (`AMD64`, `ARM64`).
pub fn stub(kind: Kind, platform_machine: &str) -> &'static [u8] {
    let arm = platform_machine.eq_ignore_ascii_case("arm64");
    match (kind, arm) {
        (Kind::Console, false) => stubs::T64,
        (Kind::Gui, false) => stubs::W64,
        (Kind::Console, true) => stubs::T64_ARM,
        (Kind::Gui, true) => stubs::W64_ARM,
    }
}

/// The `#!` line the stub reads: the interpreter's path, quoted when it holds a blank (as
/// distlib's `enquote_executable`), ended by CRLF.
pub fn shebang(python: &Path) -> String {
    let python = python.display().to_string();
    if python.contains(' ') {
        format!("#!\"{python}\"\r\n")
    } else {
        format!("#!{python}\r\n")
    }
}

/// The launcher for `script` (Python source): the stub, the `#!` line for `python`, and a zip
/// holding `script` as `__main__.py` (dated 1980-01-01, so the same script is the same bytes).
pub fn build(stub: &[u8], python: &Path, script: &str) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(stub.len() + script.len() + 512);
    out.extend_from_slice(stub);
    out.extend_from_slice(shebang(python).as_bytes());
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    zip.start_file("__main__.py", options)
        .map_err(io::Error::other)?;
    zip.write_all(script.as_bytes())?;
    out.extend_from_slice(&zip.finish().map_err(io::Error::other)?.into_inner());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_launcher_is_the_stub_the_shebang_and_a_zip_with_main() {
        let python = Path::new(r"C:\Users\me\pvm\envs\p\Scripts\python.exe");
        let script = &super::super::wheel::entry_point_script("black:patched_main");
        let stub = stub(Kind::Console, "AMD64");
        let exe = build(stub, python, script).unwrap();
        assert!(exe.starts_with(b"MZ"), "a Windows program");
        assert!(exe.starts_with(stub));
        let rest = &exe[stub.len()..];
        let line = format!("#!{}\r\n", python.display());
        assert!(rest.starts_with(line.as_bytes()));
        // The zip reads back from the whole file, as Python's zipimport reads it.
        let mut zip = zip::ZipArchive::new(io::Cursor::new(&exe)).unwrap();
        assert_eq!(zip.len(), 1);
        let mut main = String::new();
        zip.by_name("__main__.py")
            .unwrap()
            .read_to_string(&mut main)
            .unwrap();
        assert_eq!(main, *script);
        assert!(main.contains("from black import patched_main\n"), "{main}");
        assert!(main.contains("    sys.exit(patched_main())\n"), "{main}");
        // The same script is the same bytes.
        assert_eq!(build(stub, python, script).unwrap(), exe);
    }

    #[test]
    fn each_kind_and_machine_has_its_stub() {
        let stubs = [
            stub(Kind::Console, "AMD64"),
            stub(Kind::Gui, "AMD64"),
            stub(Kind::Console, "ARM64"),
            stub(Kind::Gui, "ARM64"),
        ];
        for (i, a) in stubs.iter().enumerate() {
            assert!(a.starts_with(b"MZ"));
            for b in &stubs[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_python_path_with_a_blank_is_quoted() {
        assert_eq!(
            shebang(Path::new(r"C:\Program Files\env\Scripts\python.exe")),
            "#!\"C:\\Program Files\\env\\Scripts\\python.exe\"\r\n"
        );
    }
}
