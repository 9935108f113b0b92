//! The one place that touches the PEP 440 / PEP 508 crates, so they can be swapped.

pub use pep440_rs::{Version, VersionSpecifiers};
pub use pep508_rs::{PackageName, Requirement};

use std::str::FromStr;

/// Parses a PEP 508 requirement; the error is the parser's own explanation.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    Requirement::from_str(text.trim()).map_err(|err| err.to_string())
}

/// Parses PEP 440 version specifiers such as `>=3.10,<3.13`.
pub fn parse_specifiers(text: &str) -> Result<VersionSpecifiers, String> {
    VersionSpecifiers::from_str(text.trim()).map_err(|err| err.to_string())
}

pub fn parse_version(text: &str) -> Result<Version, String> {
    Version::from_str(text.trim()).map_err(|err| err.to_string())
}

/// The PEP 503 normalized form of a project name (`Foo_Bar` → `foo-bar`).
pub fn normalize_name(name: &str) -> Result<String, String> {
    PackageName::from_str(name)
        .map(|name| name.to_string())
        .map_err(|err| err.to_string())
}
