//! What of the manifest an env holds: `[project] dependencies`, the selected extras and the
//! selected dependency groups, expanded into requirements.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::{GroupItem, Project};
use crate::hint::Hint;
use crate::pep::{self, Requirement};

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("no extra `{name}` in [project.optional-dependencies]")]
    UnknownExtra { name: String, known: Vec<String> },
    #[error("no dependency group `{name}` in [dependency-groups]")]
    UnknownGroup { name: String, known: Vec<String> },
    #[error("dependency group `{0}` includes itself")]
    GroupCycle(String),
    #[error("{first} and {second} are declared as conflicting: they are never installed together")]
    Conflict { first: String, second: String },
    #[error("[tool.pvm.sources] {name}: no file or folder `{written}` (looked at {})", .looked_at.display())]
    MissingSource {
        name: String,
        written: String,
        looked_at: std::path::PathBuf,
    },
    #[error("[tool.pvm.sources] {name}: {kind} sources are not supported, only path sources")]
    UnsupportedSource { name: String, kind: &'static str },
    #[error("[tool.pvm.sources] {name}: {reason}")]
    BadSource { name: String, reason: String },
}

impl Hint for SelectionError {
    fn hint(&self) -> Option<String> {
        match self {
            SelectionError::UnknownExtra { name, known } if known.is_empty() => Some(format!(
                "the project has no extras yet: `pvm add --optional {} PACKAGE` makes one",
                crate::quote::shell_word(name)
            )),
            SelectionError::UnknownExtra { known, .. } => {
                Some(format!("the project's extras: {}", known.join(", ")))
            }
            SelectionError::UnknownGroup { name, known } if known.is_empty() => Some(format!(
                "the project has no dependency groups yet: `pvm add --group {} PACKAGE` makes one",
                crate::quote::shell_word(name)
            )),
            SelectionError::UnknownGroup { known, .. } => {
                Some(format!("the project's groups: {}", known.join(", ")))
            }
            SelectionError::GroupCycle(_) => None,
            SelectionError::Conflict { .. } => Some(
                "select one of them (see [tool.pvm] conflicts); `--no-dev` leaves out the default `dev` group".into(),
            ),
            SelectionError::MissingSource { name, .. } => Some(format!(
                "the path is relative to the project root: fix it in [tool.pvm.sources], or `pvm drop {}`",
                crate::quote::shell_word(name)
            )),
            SelectionError::UnsupportedSource { name, .. } => Some(format!(
                "write `{name} = {{ path = \"../{name}\" }}` for a folder or archive on this machine (a checkout of it), or put a direct reference in the requirement itself (`{name} @ https://…`)"
            )),
            SelectionError::BadSource { .. } => None,
        }
    }
}

/// Which extras and dependency groups an env holds besides `[project] dependencies`, and
/// whether it holds the project itself (when it is a package).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub extras: BTreeSet<String>,
    pub groups: BTreeSet<String>,
    /// `--no-install-project`: only the dependencies.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_project: bool,
}

/// What was asked for (the flags of the last `pvm sync`), kept in the env's metadata and
/// resolved against the manifest as it is each time: a `dev` group added later is part of the
/// default selection from then on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionRequest {
    /// Groups named with `--group`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub groups: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_groups: bool,
    /// `--no-dev`: leave out the default `dev` group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_dev: bool,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub extras: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_extras: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_project: bool,
    /// Groups that `pvm add --group` (or `--dev`) put a package into: the env holds them from
    /// then on, and a later `pvm sync` keeps them, whatever its flags (pvm records the
    /// selection per env; uv's `uv sync` would drop a group it is not told).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub added_groups: BTreeSet<String>,
    /// Extras that `pvm add --optional` put a package into, kept likewise.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub added_extras: BTreeSet<String>,
}

impl SelectionRequest {
    /// This request, keeping what `pvm add` added to `earlier` (the env's recorded request).
    pub fn keeping_added(mut self, earlier: &SelectionRequest) -> SelectionRequest {
        self.added_groups
            .extend(earlier.added_groups.iter().cloned());
        self.added_extras
            .extend(earlier.added_extras.iter().cloned());
        self
    }

    /// The extras and groups this request means for the manifest as it is now.
    pub fn resolve(&self, project: &Project) -> Selection {
        let manifest = &project.manifest;
        let mut selection = Selection {
            groups: self.groups.clone(),
            extras: self.extras.clone(),
            no_project: self.no_project,
        };
        if self.all_groups {
            selection
                .groups
                .extend(manifest.dependency_groups.keys().cloned());
        }
        // `--no-dev` leaves out `dev`; the other default groups (`[tool.uv] default-groups`,
        // Poetry's non-optional groups) stay, as with `uv sync --no-dev`.
        for group in manifest.default_group_names() {
            if !(self.no_dev && group == "dev") {
                selection.groups.insert(group);
            }
        }
        if self.all_extras {
            selection
                .extras
                .extend(manifest.optional_dependencies.keys().cloned());
        }
        // What `pvm add` added, while the manifest still has it (`pvm drop` may empty it away).
        selection.groups.extend(
            self.added_groups
                .iter()
                .filter(|g| manifest.dependency_groups.contains_key(*g))
                .cloned(),
        );
        selection.extras.extend(
            self.added_extras
                .iter()
                .filter(|e| manifest.optional_dependencies.contains_key(*e))
                .cloned(),
        );
        selection
    }
}

impl Selection {
    /// A selection that holds two members of one `[tool.pvm] conflicts` set is an error.
    pub fn check_conflicts(&self, project: &Project) -> Result<(), SelectionError> {
        let norm = |name: &str| pep::normalize_name(name).unwrap_or_else(|_| name.to_string());
        let groups: BTreeSet<String> = self.groups.iter().map(|g| norm(g)).collect();
        let extras: BTreeSet<String> = self.extras.iter().map(|e| norm(e)).collect();
        // Each conflicting member is locked in a world of its own: members of two different
        // sets are never resolved together either.
        let mut chosen_anywhere: Vec<String> = Vec::new();
        for set in &project.manifest.settings.conflicts {
            let chosen: Vec<String> = set
                .iter()
                .filter_map(|item| match (&item.group, &item.extra) {
                    (Some(g), _) if groups.contains(&norm(g)) => Some(format!("group `{g}`")),
                    (_, Some(e)) if extras.contains(&norm(e)) => Some(format!("extra `{e}`")),
                    _ => None,
                })
                .collect();
            if let [first, second, ..] = chosen.as_slice() {
                return Err(SelectionError::Conflict {
                    first: first.clone(),
                    second: second.clone(),
                });
            }
            chosen_anywhere.extend(chosen);
        }
        if let [first, second, ..] = chosen_anywhere.as_slice() {
            return Err(SelectionError::Conflict {
                first: first.clone(),
                second: second.clone(),
            });
        }
        Ok(())
    }

    /// Every extra and every group: what a lock is resolved for.
    pub fn everything(project: &Project) -> Selection {
        Selection {
            extras: project
                .manifest
                .optional_dependencies
                .keys()
                .cloned()
                .collect(),
            groups: project.manifest.dependency_groups.keys().cloned().collect(),
            no_project: false,
        }
    }

    /// What `pvm run` and a plain `pvm sync` install: the `dev` group when there is one.
    pub fn default_for(project: &Project) -> Selection {
        SelectionRequest::default().resolve(project)
    }
}

/// The requirements for `selection`: `[project] dependencies`, the selected extras and the
/// selected groups (with their `include-group`s), each with its `[tool.pvm.sources]` entry
/// applied (`lib` becomes `lib @ file:///…/lib`): what resolvers and installers are handed.
pub fn requirements(
    project: &Project,
    selection: &Selection,
) -> Result<Vec<Requirement>, SelectionError> {
    super::path_sources::apply(project, requirements_as_written(project, selection)?)
}

/// The same, as the manifest writes them (`lib` stays `lib`): what a lock's inputs hash is
/// made of, so that the lock stays current in another checkout.
///
/// A requirement on the project itself (`dev = ["myapp[test]"]`, common in real projects) names
/// nothing to fetch: it stands for the project's own dependencies and the extras it names,
/// which are expanded here, as uv does.
pub fn requirements_as_written(
    project: &Project,
    selection: &Selection,
) -> Result<Vec<Requirement>, SelectionError> {
    let manifest = &project.manifest;
    let mut pending: VecDeque<Requirement> = manifest.dependencies.iter().cloned().collect();
    let mut extras_done = BTreeSet::new();
    for extra in &selection.extras {
        extras_done.insert(normalized(extra));
        pending.extend(extra_requirements(project, extra)?);
    }
    let mut grouped = Vec::new();
    for group in &selection.groups {
        group_requirements(
            &manifest.dependency_groups,
            group,
            &mut Vec::new(),
            &mut grouped,
        )?;
    }
    pending.extend(grouped);
    let own = manifest.name.as_deref().map(normalized);
    let mut out = Vec::new();
    while let Some(requirement) = pending.pop_front() {
        if own.as_deref() == Some(requirement.name.as_ref()) {
            for extra in &requirement.extras {
                if extras_done.insert(extra.to_string()) {
                    pending.extend(extra_requirements(project, extra.as_ref())?);
                }
            }
            continue;
        }
        out.push(requirement);
    }
    Ok(out)
}

fn normalized(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

/// The requirements of one extra of `[project.optional-dependencies]`.
/// The manifest's requirements of `extra`. A package whose extras are dynamic has extras the
/// manifest does not name: only its build (and so its lock, whose markers select them) knows
/// what they hold, so they add nothing here and are no error.
fn extra_requirements(project: &Project, extra: &str) -> Result<Vec<Requirement>, SelectionError> {
    let optional = &project.manifest.optional_dependencies;
    let found = optional
        .iter()
        .find(|(name, _)| normalized(name) == normalized(extra))
        .map(|(_, requirements)| requirements.clone());
    match found {
        Some(requirements) => Ok(requirements),
        None if project.manifest.dynamic.optional_dependencies => Ok(Vec::new()),
        None => Err(SelectionError::UnknownExtra {
            name: extra.to_string(),
            known: optional.keys().cloned().collect(),
        }),
    }
}

fn group_requirements(
    groups: &BTreeMap<String, Vec<GroupItem>>,
    name: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<Requirement>,
) -> Result<(), SelectionError> {
    let normalized = pep::normalize_name(name).unwrap_or_else(|_| name.to_string());
    let Some((_, items)) = groups
        .iter()
        .find(|(group, _)| pep::normalize_name(group).ok().as_deref() == Some(normalized.as_str()))
    else {
        return Err(SelectionError::UnknownGroup {
            name: name.to_string(),
            known: groups.keys().cloned().collect(),
        });
    };
    if stack.contains(&normalized) {
        return Err(SelectionError::GroupCycle(name.to_string()));
    }
    stack.push(normalized);
    for item in items {
        match item {
            GroupItem::Requirement(requirement) => out.push(requirement.clone()),
            GroupItem::IncludeGroup(included) => group_requirements(groups, included, stack, out)?,
        }
    }
    stack.pop();
    Ok(())
}
