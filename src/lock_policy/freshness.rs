//! Whether a lock is current for the project, and when not, what changed: a lock is judged
//! by what was resolved (the manifest's parts, `requires-python`, the sources), never by the
//! interpreter at hand, except a lock resolved by pip, which holds the one environment it was
//! made in.

use std::collections::{BTreeMap, BTreeSet};

use crate::lock::LockError;
use crate::lock::pylock::PyLock;
use crate::lock::resolve::{self, environment_marker};
use crate::pep;
use crate::project::{Project, Sources};
use crate::python::Facts;

/// What a lock is for the project and this interpreter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Resolved from what the project asks for now (or written by another tool: taken as it
    /// is), and covering this interpreter.
    Current,
    /// An input changed since it was written: what, in words (`group test`, `the
    /// dependencies`, `requires-python` ...).
    Stale(String),
    /// Resolved for other environments than this interpreter's (a pip lock made with another
    /// Python, or a universal one whose `requires-python` leaves this one out): what it holds.
    Uncovered(String),
}

/// Judges `lock` for `project` on the interpreter `facts`.
pub fn freshness(
    lock: &PyLock,
    project: &Project,
    sources: &Sources,
    facts: &Facts,
) -> Result<Freshness, LockError> {
    let Some(table) = lock.pvm() else {
        return Ok(Freshness::Current);
    };
    // A pip lock is judged with its own environment: another interpreter is not a change of
    // the project, and re-locking would silently rewrite what someone else committed.
    let recorded = recorded_environment(lock);
    if table.resolver == "pip" {
        let here = environment_marker(facts);
        if let Some(recorded) = &recorded
            && *recorded != here
        {
            return Ok(Freshness::Uncovered(format!(
                "one environment only ({recorded})"
            )));
        }
    }
    let environment = recorded.unwrap_or_else(|| environment_marker(facts));
    let (expected, each) =
        resolve::expected_inputs(project, sources, &table.resolver, Some(&environment))?;
    if expected != table.inputs {
        return Ok(Freshness::Stale(changed(&table.input_hashes, &each)));
    }
    if let (Some(range), Some(version)) = (&lock.requires_python, facts.pep440_version())
        && pep::parse_specifiers(range).is_ok_and(|range| !range.contains(&version))
    {
        // Without `requires-python`, the lock's Pythons were guessed from the interpreter it
        // was made with: an older one asks for a lock that covers it, not an error.
        if project.manifest.requires_python.is_none() {
            return Ok(Freshness::Stale(format!(
                "the Pythons guessed without requires-python ({range})"
            )));
        }
        return Ok(Freshness::Uncovered(format!("Python {range}")));
    }
    Ok(Freshness::Current)
}

/// The environment a pip lock holds, as its `environments` says.
fn recorded_environment(lock: &PyLock) -> Option<String> {
    lock.environments
        .as_ref()
        .and_then(|environments| environments.first().cloned())
}

/// The inputs whose hashes differ (or that one side lacks), in words. A lock written before
/// pvm kept one hash per input cannot tell.
fn changed(recorded: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> String {
    if recorded.is_empty() {
        return "the manifest or the sources".into();
    }
    let keys: BTreeSet<&String> = recorded.keys().chain(now.keys()).collect();
    let names: Vec<String> = keys
        .into_iter()
        .filter(|key| recorded.get(*key) != now.get(*key))
        .map(|key| in_words(key))
        .collect();
    match names.as_slice() {
        [] => "pvm's lock format".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// An input's key as the user knows it.
fn in_words(key: &str) -> String {
    match key {
        "dependencies" => "the dependencies".into(),
        "sources" => "the sources".into(),
        "resolver" => "the resolver".into(),
        "environment" => "the environment".into(),
        "pvm-table" => "pvm's lock format".into(),
        "path-sources" => "[tool.pvm.sources]".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_changed_inputs_are_named() {
        let before = map(&[("dependencies", "a"), ("group test", "b"), ("sources", "c")]);
        let group = map(&[("dependencies", "a"), ("group test", "x"), ("sources", "c")]);
        assert_eq!(changed(&before, &group), "group test");
        let more = map(&[("dependencies", "z"), ("group test", "x"), ("extra e", "y")]);
        assert_eq!(
            changed(&before, &more),
            "the dependencies, extra e, group test and the sources"
        );
        assert_eq!(
            changed(&BTreeMap::new(), &group),
            "the manifest or the sources"
        );
        assert_eq!(changed(&before, &before), "pvm's lock format");
    }
}
