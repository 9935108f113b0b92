//! Single-file scripts with inline metadata (PEP 723): the `# /// script` block, read into a
//! [`Project`] of their own (keyed by the script's path), and edited in place.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Manifest, Project, ProjectError, Settings};
use crate::pep;

/// The `# /// script` block of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptBlock {
    /// The TOML inside, without the comment marks.
    pub toml: String,
    /// 1-based line of the `# /// script` line.
    pub line: usize,
    /// The bytes of the whole block, markers included, in the file.
    pub range: Range<usize>,
}

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: char = '\u{FEFF}';

/// Finds the script block of `source`, per PEP 723: a `# /// script` line, lines that are `#`
/// or start with `# `, and a `# ///` line. Two script blocks, or one never closed, are errors.
pub fn find_block(source: &str, path: &Path) -> Result<Option<ScriptBlock>, ProjectError> {
    let invalid = |line: usize, message: String, hint: &str| ProjectError::Invalid {
        path: path.to_path_buf(),
        line,
        column: 1,
        message,
        hint: Some(hint.to_string()),
    };
    let mut found: Option<ScriptBlock> = None;
    // Inside a block: its first line, its first byte, the TOML so far, and the last `# ///`
    // seen (the block ends at the last one before a line that is not a comment, as PEP 723's
    // reference regex reads it): its end byte and the TOML up to it.
    struct Open {
        line: usize,
        begin: usize,
        toml: String,
        end: Option<(usize, String)>,
    }
    let mut open: Option<Open> = None;
    let second = |line: usize| {
        invalid(
            line,
            "a second `# /// script` block".into(),
            "a script has one metadata block: merge them",
        )
    };
    let close = |block: Open, found: &mut Option<ScriptBlock>| -> Result<(), ProjectError> {
        let Some((end, toml)) = block.end else {
            return Err(invalid(
                block.line,
                "the `# /// script` block is not closed".into(),
                "end it with a line `# ///`; every line inside starts with `#`",
            ));
        };
        if found.is_some() {
            return Err(second(block.line));
        }
        *found = Some(ScriptBlock {
            toml,
            line: block.line,
            range: block.begin..end,
        });
        Ok(())
    };
    let mut offset = 0;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let mut start = offset;
        offset += line.len();
        // A byte order mark opens the file, not the first line: it stays in the file, before
        // the block, when the block is written back.
        let line = match line.strip_prefix(BOM) {
            Some(rest) if index == 0 => {
                start += BOM.len_utf8();
                rest
            }
            _ => line,
        };
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some(block) = &mut open {
            if text == "# ///" {
                block.end = Some((offset, block.toml.clone()));
                block.toml.push_str("///\n");
                continue;
            }
            if text == "#" {
                block.toml.push('\n');
                continue;
            }
            if let Some(rest) = text.strip_prefix("# ") {
                block.toml.push_str(rest);
                block.toml.push('\n');
                continue;
            }
            // The first line that is not a comment ends the block.
            let block = open.take().expect("inside a block");
            close(block, &mut found)?;
        }
        if text == "# /// script" {
            if found.is_some() {
                return Err(second(number));
            }
            open = Some(Open {
                line: number,
                begin: start,
                toml: String::new(),
                end: None,
            });
        }
    }
    if let Some(block) = open.take() {
        close(block, &mut found)?;
    }
    Ok(found)
}

/// The TOML `toml` as the lines of a script block.
pub fn render_block(toml: &str) -> String {
    let mut out = String::from("# /// script\n");
    for line in toml.trim_end_matches('\n').lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("# ///\n");
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawBlock {
    requires_python: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    tool: Option<RawTool>,
}

#[derive(Deserialize)]
struct RawTool {
    pvm: Option<Settings>,
}

impl Project {
    /// The script at `path` as a project of its own, when it has a `# /// script` block.
    pub fn script(path: &Path) -> Result<Option<Project>, ProjectError> {
        let path = path.canonicalize().map_err(|source| ProjectError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let source = super::text::read_utf8(&path)?;
        let Some(block) = find_block(&source, &path)? else {
            return Ok(None);
        };
        let manifest = parse_block(&block, &path)?;
        Ok(Some(Project {
            root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            manifest,
            script: Some(path),
        }))
    }
}

fn parse_block(block: &ScriptBlock, path: &Path) -> Result<Manifest, ProjectError> {
    let at = |offset: Option<usize>, message: String, hint: Option<String>| {
        let inner = offset.map_or(0, |o| {
            block.toml[..o.min(block.toml.len())].matches('\n').count()
        });
        ProjectError::Invalid {
            path: path.to_path_buf(),
            line: block.line + 1 + inner,
            column: 1,
            message,
            hint,
        }
    };
    let raw: RawBlock = toml::from_str(&block.toml).map_err(|err| {
        at(
            err.span().map(|s| s.start),
            format!("in the `# /// script` block: {}", err.message().trim()),
            Some("the block is TOML: `dependencies = [\"requests\"]`, `requires-python = \">=3.11\"`".into()),
        )
    })?;
    let mut manifest = Manifest {
        name: path
            .file_stem()
            .map(|stem| super::name_from_folder(&stem.to_string_lossy())),
        ..Manifest::default()
    };
    if let Some(spec) = raw.requires_python {
        manifest.requires_python = Some(pep::parse_specifiers(&spec).map_err(|err| {
            at(
                None,
                format!("invalid `requires-python = \"{spec}\"`: {err}"),
                Some("write a PEP 440 specifier such as `>=3.10`".into()),
            )
        })?);
    }
    for text in &raw.dependencies {
        manifest
            .dependencies
            .push(pep::parse_requirement(text).map_err(|err| {
                at(
                    block.toml.find(text.as_str()),
                    format!("invalid requirement `{text}` in the script's dependencies: {err}"),
                    Some("requirements follow PEP 508, e.g. `requests>=2`".into()),
                )
            })?);
    }
    if let Some(settings) = raw.tool.and_then(|tool| tool.pvm) {
        manifest.settings = settings;
    }
    // A script is never a package.
    manifest.settings.package = Some(false);
    Ok(manifest)
}

/// The path of a script's lock: `<script>.lock`, beside it.
pub fn lock_path(script: &Path) -> PathBuf {
    let mut name = script.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    script.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_found_and_read() {
        let source = "#!/usr/bin/env python\n# /// script\n# requires-python = \">=3.11\"\n# dependencies = [\n#   \"rich\",\n# ]\n#\n# [tool.pvm]\n# seed-pip = false\n# ///\nprint('hi')\n";
        let block = find_block(source, Path::new("s.py")).unwrap().unwrap();
        assert_eq!(block.line, 2);
        assert!(block.toml.starts_with(
            "requires-python = \">=3.11\"\ndependencies = [\n  \"rich\",\n]\n\n[tool.pvm]"
        ));
        assert_eq!(
            &source[block.range.clone()],
            &source[22..source.find("print").unwrap()]
        );
        let manifest = parse_block(&block, Path::new("/x/report.py")).unwrap();
        assert_eq!(manifest.dependencies[0].name.as_ref(), "rich");
        assert!(!manifest.settings.seed_pip);
        assert_eq!(manifest.name.as_deref(), Some("report"));
        assert_eq!(render_block(&block.toml), source[block.range].to_string());
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_kept() {
        let source = "\u{FEFF}# /// script\n# dependencies = []\n# ///\nprint(1)\n";
        let block = find_block(source, Path::new("s.py")).unwrap().unwrap();
        assert_eq!(block.line, 1);
        assert_eq!(block.toml, "dependencies = []\n");
        assert_eq!(&source[..block.range.start], "\u{FEFF}");
    }

    #[test]
    fn broken_blocks_are_errors_with_their_line() {
        let unclosed = "x = 1\n# /// script\n# dependencies = []\nprint(1)\n";
        let err = find_block(unclosed, Path::new("s.py"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("s.py:2:1: the `# /// script` block is not closed"),
            "{err}"
        );
        let two = "# /// script\n# dependencies = []\n# ///\nx = 1\n# /// script\n# ///\n";
        let err = find_block(two, Path::new("s.py")).unwrap_err().to_string();
        assert!(err.contains(":5:1: a second"), "{err}");
        // The block ends at its last `# ///` before code (PEP 723).
        let greedy = "# /// script\n# dependencies = []\n# ///\n# more = 1\n# ///\nprint(1)\n";
        let block = find_block(greedy, Path::new("s.py")).unwrap().unwrap();
        assert_eq!(block.toml, "dependencies = []\n///\nmore = 1\n");
        let block = find_block(
            "# /// script\n# dependencies = [\n# ///\n",
            Path::new("s.py"),
        )
        .unwrap()
        .unwrap();
        let err = parse_block(&block, Path::new("s.py"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("in the `# /// script` block"), "{err}");
        assert!(
            find_block("print(1)\n", Path::new("s.py"))
                .unwrap()
                .is_none()
        );
    }
}
