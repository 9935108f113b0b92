//! The one place errors are printed: `error: …`, the causes, then the first hint the cause chain
//! knows. Every error type says its hint through [`Hint`]; commands' own errors are
//! [`UserError`]s.

use std::error::Error;
use std::io::Write;

use owo_colors::OwoColorize;

use crate::hint::Hint;
use crate::ui::shown_lines;

/// An error in what the user asked for, with what to do about it.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> UserError {
        UserError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> UserError {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for UserError {}

impl Hint for UserError {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

/// Prints an error as `error: …`, its causes, and a hint when one is known.
pub fn print_error(err: &anyhow::Error) {
    let mut out = anstream::stderr();
    let _ = writeln!(
        out,
        "{}: {}",
        "error".red().bold(),
        shown_lines(&err.to_string())
    );
    for cause in err.chain().skip(1) {
        let cause = shown_lines(&cause.to_string()).into_owned();
        let _ = writeln!(out, "  {} {cause}", "caused by:".red());
    }
    if let Some(hint) = hint_for(err) {
        let _ = writeln!(out, "{}: {}", "hint".cyan().bold(), shown_lines(&hint));
    }
}

/// The hint of the first error in the chain that knows one.
pub fn hint_for(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(hint_of)
}

/// Calls [`Hint::hint`] on `cause` as the type it is. A `dyn Error` cannot be asked for another
/// trait, so the error types are named here, once; `every_error_type_is_listed` checks that
/// none is missing.
macro_rules! hinted {
    ($($error:ty),* $(,)?) => {
        fn hint_of(cause: &(dyn Error + 'static)) -> Option<String> {
            $(
                if let Some(err) = cause.downcast_ref::<$error>() {
                    return Hint::hint(err);
                }
            )*
            None
        }

        /// The listed types' names, for the test.
        #[cfg(test)]
        const HINTED: &[&str] = &[$(stringify!($error)),*];
    };
}

hinted![
    UserError,
    crate::environment::EnvError,
    crate::http::HttpError,
    crate::install::InstallError,
    crate::installer::InstallerError,
    crate::lock::LockError,
    crate::build::BuildError,
    crate::install::wheel::WheelError,
    crate::interrupt::Interrupted,
    crate::project::ProjectError,
    crate::project::SelectionError,
    crate::edit::manifest::EditError,
    crate::python::PythonError,
    crate::python::download::DownloadError,
    crate::python::facts::QueryError,
    crate::store::StoreError,
    crate::tools::uv::UvToolError,
    crate::venv::VenvError,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error type defined in `src/` (a `thiserror::Error` derive or an `impl Error`) is
    /// in the list above, so its hint reaches the user wherever it is raised.
    #[test]
    fn every_error_type_is_listed() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let listed: Vec<&str> = HINTED
            .iter()
            .map(|path| path.rsplit("::").next().unwrap().trim())
            .collect();
        let mut missing = Vec::new();
        for file in rust_files(&src) {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                let name = if line.trim_start().starts_with("#[derive(") && line.contains("Error") {
                    // The type the derive is on: the next `struct`/`enum` line.
                    lines
                        .by_ref()
                        .find(|l| l.contains("struct ") || l.contains("enum "))
                        .and_then(type_name)
                } else if let Some(rest) = line
                    .trim_start()
                    .strip_prefix("impl std::error::Error for ")
                {
                    rest.split_whitespace().next().map(String::from)
                } else {
                    None
                };
                if let Some(name) = name
                    && !listed.contains(&name.as_str())
                {
                    missing.push(format!("{name} ({})", file.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "error types without a place in `hinted!`: {missing:?}"
        );
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
        files
    }

    fn type_name(line: &str) -> Option<String> {
        let rest = line
            .split_once("struct ")
            .or_else(|| line.split_once("enum "))?
            .1;
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    }

    #[test]
    fn the_first_hint_in_the_chain_is_shown() {
        let inner = crate::project::SelectionError::UnknownGroup {
            name: "docs".into(),
            known: vec!["dev".into(), "test".into()],
        };
        let err = anyhow::Error::new(inner).context("cannot export");
        assert_eq!(
            hint_for(&err).as_deref(),
            Some("the project's groups: dev, test")
        );
        // An error without a hint lets a later cause speak.
        let err = anyhow::Error::new(UserError::new("outer")).context("top");
        assert_eq!(hint_for(&err), None);
        let err = anyhow::Error::new(UserError::new("outer").hint("do this"));
        assert_eq!(hint_for(&err).as_deref(), Some("do this"));
    }
}
