//! Where in the manifest a package is declared, and the `pvm drop` that takes it out there:
//! the hint of `pvm add`, `pvm drop` and `pvm remove` when a name is aimed at the wrong place.

use crate::edit::manifest::Target;
use crate::pep::{self, Requirement};
use crate::project::{GroupItem, Project};
use crate::quote::shell_word;

/// The `pvm drop` that takes `name` out of `target`, ready to paste.
pub(super) fn drop_command(target: &Target, name: &str) -> String {
    let flag = match target {
        Target::Dependencies => String::new(),
        Target::Group(group) if group == "dev" => "--dev ".into(),
        Target::Group(group) => format!("--group {} ", shell_word(group)),
        Target::Extra(extra) => format!("--optional {} ", shell_word(extra)),
    };
    format!("pvm drop {flag}{}", shell_word(name))
}

/// Where else in the manifest `name` is: for a drop aimed at the wrong place.
pub(super) fn where_named(project: &Project, name: &str) -> Option<Target> {
    let wanted = pep::normalize_name(name).ok()?;
    let is =
        |r: &Requirement| pep::normalize_name(r.name.as_ref()).ok().as_deref() == Some(&wanted);
    let manifest = &project.manifest;
    if manifest.dependencies.iter().any(is) {
        return Some(Target::Dependencies);
    }
    for (group, items) in &manifest.dependency_groups {
        if items.iter().filter_map(GroupItem::requirement).any(is) {
            return Some(Target::Group(group.clone()));
        }
    }
    manifest
        .optional_dependencies
        .iter()
        .find(|(_, requirements)| requirements.iter().any(is))
        .map(|(extra, _)| Target::Extra(extra.clone()))
}
