//! What an installer said when it failed, in the user's terms: its own explanation (uv's
//! `No solution found` chain, pip's `ResolutionImpossible` and `The conflict is caused by:`
//! block) kept whole, and pvm's scratch files (`-r /tmp/pvm-…/requirements.txt (line 2)`)
//! replaced by what the user wrote.

use std::path::Path;

/// The failure text from an installer's stderr and stdout: stderr, plus stdout's conflict
/// block (pip logs it there), with the scratch file references replaced and uv's
/// `Using Python … environment at` line (pvm's own env, said already) left out.
pub fn failure_text(stderr: &str, stdout: &str) -> String {
    let mut lines: Vec<String> = stderr
        .lines()
        .filter(|line| !line.starts_with("Using Python "))
        .map(String::from)
        .collect();
    lines.extend(conflict_block(stdout));
    if lines.iter().all(|line| line.trim().is_empty()) {
        lines = stdout.lines().map(String::from).collect();
    }
    let text = lines.join("\n");
    replace_scratch_files(text.trim())
}

/// Why an installer failed, as far as its own words tell (uv's and pip's alike): each cause
/// has its own fix, so its own hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A downloaded file's sha256 is not the one the lock pins.
    HashMismatch,
    /// A requirement supports only other Pythons than the one asked for (the env's, or the
    /// range a universal lock covers).
    RequiresPython,
    /// The requirements cannot be satisfied together.
    Conflict,
    /// Anything else: a name, a version, a source, the network.
    Other,
}

/// The cause `text` (from [`failure_text`]) names. A Python bound is told before a conflict:
/// uv words it as a failed resolution too, but loosening the requirements is not its fix.
pub fn cause(text: &str) -> Cause {
    let lower = text.to_lowercase();
    if lower.contains("hash mismatch") || lower.contains("do not match the hashes") {
        Cause::HashMismatch
    } else if names_a_python_bound(&lower) {
        Cause::RequiresPython
    } else if is_no_solution(text) {
        Cause::Conflict
    } else {
        Cause::Other
    }
}

/// Whether the text says the requirements cannot be satisfied together. A package or version
/// that no source has is not that (uv words it as a failed resolution too): the installer's
/// own error, whose hint points at the name and the sources, fits it better.
fn is_no_solution(text: &str) -> bool {
    let unavailable = ["was not found in", "not found in the package registry"]
        .iter()
        .any(|words| text.contains(words));
    !unavailable && (text.contains("No solution found") || text.contains("ResolutionImpossible"))
}

/// uv's `alpha==1.0 requires Python >=3.99` (older: `depends on Python>=3.99`), `the current
/// Python version (3.12.1) does not satisfy Python>=3.99`; pip's `Package 'alpha' requires a
/// different Python: …` and `Ignored the following versions that require a different python
/// version`. `python` must end there: `depends on python-dateutil` is a package.
fn names_a_python_bound(lower: &str) -> bool {
    const SAID: [&str; 5] = [
        "requires python",
        "depends on python",
        "does not satisfy python",
        "requires a different python",
        "require a different python",
    ];
    SAID.iter().any(|words| {
        lower.match_indices(words).any(|(at, _)| {
            lower[at + words.len()..]
                .chars()
                .next()
                .is_none_or(|next| !(next.is_alphanumeric() || matches!(next, '-' | '_' | '.')))
        })
    })
}

/// pip's `The conflict is caused by:` lines, up to the first blank line.
fn conflict_block(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|line| !line.trim_start().starts_with("The conflict is caused by"))
        .take_while(|line| !line.trim().is_empty())
        .map(String::from)
        .collect()
}

/// `-r <file> (line N)` becomes the requirement on that line, as written in pyproject.toml;
/// any other path into pvm's scratch folders becomes `pyproject.toml`.
fn replace_scratch_files(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("-r ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let Some((path, line, used)) = file_and_line(after) else {
            out.push_str("-r ");
            rest = after;
            continue;
        };
        match requirement_at(Path::new(path), line) {
            Some(requirement) => out.push_str(&format!("{requirement} (pyproject.toml)")),
            None => out.push_str("pyproject.toml"),
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    scrub_scratch_paths(&out)
}

/// `PATH (line N)` at the start of `text`: the path, N, and how many bytes that was.
fn file_and_line(text: &str) -> Option<(&str, usize, usize)> {
    let open = text.find(" (line ")?;
    let path = &text[..open];
    if path.contains('\n') || !Path::new(path).is_absolute() {
        return None;
    }
    let digits = &text[open + 7..];
    let close = digits.find(')')?;
    let line = digits[..close].parse().ok()?;
    Some((path, line, open + 7 + close + 1))
}

/// The requirement on line `line` (1-based) of a requirements file pvm wrote.
fn requirement_at(path: &Path, line: usize) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let requirement = text.lines().nth(line.checked_sub(1)?)?.trim();
    (!requirement.is_empty()).then(|| requirement.to_string())
}

/// Any remaining word that is a path inside a pvm scratch folder names the manifest instead.
fn scrub_scratch_paths(text: &str) -> String {
    let prefix = crate::fsutil::scratch_path_prefix();
    let prefix = prefix.to_string_lossy();
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix.as_ref()) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ')' | ','))
            .unwrap_or(after.len());
        out.push_str("pyproject.toml");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The last lines of an installer's output: where a build says what went wrong. The
/// installer's own hints go: pvm gives one that fits.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text
        .trim_end()
        .lines()
        .filter(|line| !line.starts_with("hint: "))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pips_conflict_keeps_the_chain_and_names_the_requirement() {
        let dir = crate::fsutil::scratch_dir().unwrap();
        let file = dir.path().join("requirements.txt");
        std::fs::write(&file, "b>=2\na==1.0\n").unwrap();
        let stderr = format!(
            "ERROR: Cannot install -r {} (line 2) and b>=2 because these package versions have conflicting dependencies.\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io",
            file.display()
        );
        let stdout = "Looking in links: /w\n\nThe conflict is caused by:\n    The user requested b>=2\n    a 1.0 depends on b<2\n\nTo fix this you could try to:\n";
        let text = failure_text(&stderr, stdout);
        assert!(
            text.contains("Cannot install a==1.0 (pyproject.toml) and b>=2"),
            "{text}"
        );
        assert!(text.contains("a 1.0 depends on b<2"), "{text}");
        assert!(
            !text.contains("/tmp/") && !text.contains("Looking in links"),
            "{text}"
        );
        assert_eq!(cause(&text), Cause::Conflict);
    }

    #[test]
    fn uvs_chain_is_kept_without_its_env_line() {
        let stderr = "Using Python 3.12.1 environment at: /x\nerror: No solution found when resolving dependencies\n  cause: Because all versions of a depend on b<2 and you require b>=2, we can conclude …";
        let text = failure_text(stderr, "");
        assert!(text.starts_with("error: No solution found"), "{text}");
        assert!(text.contains("a depend on b<2"), "{text}");
        assert_eq!(cause(&text), Cause::Conflict);
        let missing = "error: No solution found when resolving dependencies\n  cause: Because nosuchpkg was not found in the package registry and you require nosuchpkg, …";
        assert_eq!(cause(missing), Cause::Other);
    }

    #[test]
    fn a_python_bound_is_told_from_a_conflict_in_uvs_and_pips_words() {
        for text in [
            "error: No solution found when resolving dependencies\n  cause: Because alpha==1.0 requires Python >=3.99 and only alpha==1.0 is available, …",
            "error: No solution found\n  cause: Because the current Python version (3.12.1) does not satisfy Python>=3.99 and alpha==1.0 depends on Python>=3.99, …",
            "ERROR: Package 'alpha' requires a different Python: 3.12.1 not in '>=3.99'",
            "ERROR: Ignored the following versions that require a different python version: 1.0 Requires-Python >=3.99\nERROR: No matching distribution found for alpha",
        ] {
            assert_eq!(cause(text), Cause::RequiresPython, "{text}");
        }
        let package = "error: No solution found\n  cause: Because alpha==1.0 depends on python-dateutil>=9 and you require python-dateutil<2, …";
        assert_eq!(cause(package), Cause::Conflict);
    }

    #[test]
    fn a_hash_mismatch_is_told_in_uvs_and_pips_words() {
        for text in [
            "error: Failed to download `alpha @ http://x/alpha-1.0-py3-none-any.whl`\n  cause: Hash mismatch for `alpha @ http://x/alpha-1.0-py3-none-any.whl`",
            "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated …",
        ] {
            assert_eq!(cause(text), Cause::HashMismatch, "{text}");
        }
    }
}
