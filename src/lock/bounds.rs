//! The bound `pvm add X` writes: `X>=` the lowest version the universal resolution picked for
//! X across its forks (as uv does), so the manifest still locks for every Python it allows.
//! The newest version for the interpreter in use may need a newer Python than
//! `requires-python` allows (pytest 9 under `>=3.8`), and such a bound would never lock.

use crate::lock::LockError;
use crate::lock::pylock::PyLock;
use crate::lock::resolve;
use crate::pep::{self, Requirement};
use crate::project::{Project, Sources};
use crate::python::Facts;

/// The lowest version `lock` holds for `name`, across every marker it is locked under.
pub fn lowest_locked(lock: &PyLock, name: &str) -> Option<String> {
    let wanted: pep::PackageName = name.parse().ok()?;
    lock.packages
        .iter()
        .filter(|p| p.name == wanted)
        .filter_map(|p| {
            let text = p.version.clone()?;
            Some((pep::parse_version(&text).ok()?, text))
        })
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, text)| text)
}

/// `requirement` with `>=version`, before any marker it has.
pub fn at_least(requirement: &Requirement, version: &str) -> Result<Requirement, String> {
    let mut bound = requirement.clone();
    bound.version_or_url = Some(pep::VersionOrUrl::VersionSpecifier(pep::parse_specifiers(
        &format!(">={version}"),
    )?));
    Ok(bound)
}

/// Marks `lock` as resolved from `project` as it is now: after bounds that its own pins
/// satisfy were written into the manifest, the resolution would be the same, so it is not
/// run again.
pub fn stamp_for(
    lock: &mut PyLock,
    project: &Project,
    facts: &Facts,
    config: &crate::config::Config,
) -> Result<(), LockError> {
    let sources = Sources::for_project(project, config);
    // A pip lock holds the environment it was made in; a universal one none.
    let environment = lock
        .environments
        .as_ref()
        .and_then(|environments| environments.first().cloned())
        .unwrap_or_else(|| resolve::environment_marker(facts));
    if let Some(table) = lock.tool.as_mut().and_then(|tool| tool.pvm.as_mut()) {
        let (inputs, input_hashes) =
            resolve::expected_inputs(project, &sources, &table.resolver, Some(&environment))?;
        table.inputs = inputs;
        table.input_hashes = input_hashes;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_fork_gives_the_bound() {
        let lock: PyLock = toml::from_str(
            r#"
lock-version = "1.0"
created-by = "pvm"

[[packages]]
name = "pytest"
version = "9.2.0"
marker = "python_full_version >= '3.10'"

[[packages]]
name = "pytest"
version = "8.3.5"
marker = "python_full_version < '3.10'"

[[packages]]
name = "pluggy"
version = "1.5.0"
"#,
        )
        .unwrap();
        assert_eq!(lowest_locked(&lock, "PyTest").as_deref(), Some("8.3.5"));
        assert_eq!(lowest_locked(&lock, "attrs"), None);
        let bound = at_least(
            &pep::parse_requirement("pytest ; python_version >= '3.8'").unwrap(),
            "8.3.5",
        )
        .unwrap();
        assert!(bound.to_string().starts_with("pytest>=8.3.5"), "{bound}");
    }
}
