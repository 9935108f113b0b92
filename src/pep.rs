//! The one place that touches the PEP 440 / PEP 508 crates, so they can be swapped.

pub use pep440_rs::{Version, VersionSpecifiers};
pub use pep508_rs::{ExtraName, MarkerEnvironment, PackageName, Requirement};

use std::str::FromStr;

/// Parses a PEP 508 requirement; the error is the parser's own explanation.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    let text = text.trim();
    // pep508_rs 0.9 panics on a name ending in `.`, `-` or `_` when more follows (`a_ >=1`);
    // its own message for the bare name is given instead.
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.len());
    if let Some(last) = text[..name_end].chars().last()
        && !last.is_ascii_alphanumeric()
    {
        return Err(format!(
            "Package name must end with an alphanumeric character, not '{last}'"
        ));
    }
    Requirement::from_str(text).map_err(|err| err.to_string())
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

/// The PEP 508 marker environment from the values an interpreter reported.
pub fn marker_environment(
    values: &std::collections::BTreeMap<String, String>,
) -> Result<MarkerEnvironment, String> {
    let get = |key: &str| values.get(key).map(String::as_str).unwrap_or("");
    MarkerEnvironment::try_from(pep508_rs::MarkerEnvironmentBuilder {
        implementation_name: get("implementation_name"),
        implementation_version: get("implementation_version"),
        os_name: get("os_name"),
        platform_machine: get("platform_machine"),
        platform_python_implementation: get("platform_python_implementation"),
        platform_release: get("platform_release"),
        platform_system: get("platform_system"),
        platform_version: get("platform_version"),
        python_full_version: get("python_full_version"),
        python_version: get("python_version"),
        sys_platform: get("sys_platform"),
    })
    .map_err(|err| err.to_string())
}

/// Whether `requirement` applies in `env` when `extras` are requested of the package that
/// declares it.
pub fn applies(requirement: &Requirement, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
    requirement.evaluate_markers(env, extras)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
        for text in [
            "a_ >=1",
            "a- ; python_version>'3'",
            "5.[x]",
            "a-@ http://x",
            "5.",
        ] {
            let err = super::parse_requirement(text).unwrap_err();
            assert!(
                err.contains("must end with an alphanumeric"),
                "{text}: {err}"
            );
        }
        assert!(super::parse_requirement("a_b[x]>=1 ; python_version > '3'").is_ok());
    }
}
