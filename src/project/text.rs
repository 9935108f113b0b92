//! Reading a manifest or a script as text: it must be UTF-8 (TOML and PEP 723 say so), and
//! when it is not, the error points at the first byte that is not, by line and column.

use std::path::Path;

use super::ProjectError;

/// The text of `path`; a file that is not UTF-8 is an error at its first bad byte.
pub fn read_utf8(path: &Path) -> Result<String, ProjectError> {
    let bytes = std::fs::read(path).map_err(|source| ProjectError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    decode(bytes, path)
}

/// `bytes` as text, or an error naming `path` and where the first byte that is not UTF-8 is.
pub fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, ProjectError> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        // What comes before is valid: lines and columns are counted in it.
        let before = String::from_utf8_lossy(&bytes[..offset]);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        ProjectError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "not UTF-8: byte 0x{:02X} at offset {offset}",
                bytes[offset]
            ),
            hint: Some(format!(
                "{file} must be UTF-8 (TOML and PEP 723 require it): save it again as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
            )),
        }
    })
}

/// A valid project name made from a folder name: anything but letters, digits, `.`, `_` and
/// `-` becomes `-`.
pub fn name_from_folder(folder: &str) -> String {
    let mapped: String = folder
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "._-".contains(ch) {
                ch
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches(|ch: char| !ch.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        "project".into()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn folder_names_become_valid_names() {
        assert_eq!(name_from_folder("my app"), "my-app");
        assert_eq!(name_from_folder("projét"), "proj-t");
        assert_eq!(name_from_folder("..."), "project");
        assert!(crate::pep::normalize_name(&name_from_folder("a b c")).is_ok());
    }

    use super::*;

    #[test]
    fn the_first_bad_byte_is_found_by_line_and_column() {
        let bytes = b"[project]\nname = \"caf\xe9\"\n".to_vec();
        let err = decode(bytes, Path::new("/p/pyproject.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "/p/pyproject.toml:2:12: not UTF-8: byte 0xE9 at offset 21"
        );
        assert_eq!(
            decode("ünï\n".as_bytes().to_vec(), Path::new("x")).unwrap(),
            "ünï\n"
        );
    }
}
