//! One universal resolution for every part of the manifest (the dependencies, each extra,
//! each group), instead of one more resolution per part to learn which part needs what.
//!
//! Each part's requirements carry a tag marker, `'pvm-part-N' in platform_version`, that no
//! real machine satisfies (a kernel's version string never holds it) but that uv cannot tell
//! apart from any other environment marker: it resolves as if every part were selected and
//! carries the tags through to each package's marker, so the marker says which parts reach the
//! package, and where. `untag` turns those tags back into pvm's selection markers (`'test' in
//! dependency_groups`, `'x' in extras`). The dependencies carry no tag: what they need is
//! needed whatever is selected.
//!
//! A package is needed by a selection when one of the selected parts reaches it (reaching is
//! per part: a dependency graph reached from several roots is the union of what each reaches),
//! so a package's marker is the union over parts of "this part is selected and the marker with
//! only this part's tag true". That is what the resolution per part used to give.
//!
//! uv's `pip compile` knows no conflicts between parts: a project that declares
//! `[tool.pvm] conflicts` keeps the resolution per world (`lock::resolve`).

use crate::lock::pylock::{all_of, any_of};
use crate::pep::{self, Requirement, Settled};

const TAG_PREFIX: &str = "pvm-part-";

/// The marker that tags part `index`'s requirements.
pub fn tag(index: usize) -> String {
    format!("'{TAG_PREFIX}{index}' in platform_version")
}

/// Which part a tag's value names (`pvm-part-3` → 3).
fn part_of(value: &str) -> Option<usize> {
    value.strip_prefix(TAG_PREFIX)?.parse().ok()
}

/// A part of the manifest as the tagged resolution sees it.
pub struct Part<'a> {
    /// `'x' in extras` / `'g' in dependency_groups`; `None` for the dependencies.
    pub selection: Option<String>,
    pub requirements: &'a [Requirement],
}

/// Every part's requirements, each tagged with its part's index (the dependencies untagged),
/// for one resolution.
pub fn tagged(parts: &[Part]) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        for requirement in part.requirements {
            out.push(match part.selection {
                None => requirement.clone(),
                Some(_) => pep::with_marker(requirement, &tag(index))?,
            });
        }
    }
    Ok(out)
}

/// The marker a package gets in pvm's lock from the one uv gave it in the tagged resolution
/// (`None`: everywhere), for Pythons from `floor` (`3.9`) on: `Never` when no part reaches it.
pub fn untag(marker: Option<&str>, parts: &[Part], floor: &str) -> Result<Settled, String> {
    let Some(marker) = marker else {
        return Ok(Settled::Always);
    };
    let floor = pep::parse_version(floor)?;
    let only = |chosen: Option<usize>| {
        pep::settle_platform_version_contains(marker, &floor, |value| {
            part_of(value).map(|index| Some(index) == chosen)
        })
    };
    let mut markers: Vec<Option<String>> = Vec::new();
    // The dependencies' own marker (`None`: they never reach it).
    let base = match only(None)? {
        Settled::Always => return Ok(Settled::Always),
        Settled::When(base) => Some(base),
        Settled::Never => None,
    };
    markers.push(base.clone());
    for (index, part) in parts.iter().enumerate() {
        let Some(selection) = &part.selection else {
            continue;
        };
        match only(Some(index))? {
            Settled::Never => {}
            // Where the dependencies already need it, the part adds nothing.
            Settled::When(within)
                if base
                    .as_deref()
                    .is_some_and(|base| pep::implies(&within, base)) => {}
            Settled::Always => markers.push(Some(selection.clone())),
            Settled::When(within) => markers.push(all_of(Some(selection.clone()), Some(within))),
        }
    }
    let markers: Vec<Option<String>> = markers.into_iter().flatten().map(Some).collect();
    if markers.is_empty() {
        return Ok(Settled::Never);
    }
    Ok(any_of(&markers).map_or(Settled::Always, Settled::When))
}

/// `marker` (from a lock pvm wrote) with each part's selection marker written as its tag
/// again, for uv to read it as a preference in the tagged resolution.
pub fn retag(marker: &str, parts: &[Part]) -> String {
    let mut out = marker.to_string();
    for (index, part) in parts.iter().enumerate() {
        if let Some(selection) = &part.selection {
            out = out.replace(selection.as_str(), &tag(index));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<Part<'static>> {
        vec![
            Part {
                selection: None,
                requirements: &[],
            },
            Part {
                selection: Some("'test' in dependency_groups".into()),
                requirements: &[],
            },
            Part {
                selection: Some("'socks' in extras".into()),
                requirements: &[],
            },
        ]
    }

    fn when(text: &str) -> Settled {
        Settled::When(text.into())
    }

    #[test]
    fn requirements_of_a_part_carry_its_tag_with_their_own_marker() {
        let requirement = pep::parse_requirement("six ; python_version < '3.10'").unwrap();
        let base = [pep::parse_requirement("attrs").unwrap()];
        let test = [requirement];
        let parts = [
            Part {
                selection: None,
                requirements: &base,
            },
            Part {
                selection: Some("'test' in dependency_groups".into()),
                requirements: &test,
            },
        ];
        let tagged: Vec<String> = tagged(&parts)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(tagged[0], "attrs");
        assert!(
            tagged[1].contains("'pvm-part-1' in platform_version"),
            "{tagged:?}"
        );
        assert!(
            tagged[1].contains("python_full_version < '3.10'"),
            "{tagged:?}"
        );
    }

    #[test]
    fn tags_become_selection_markers() {
        let parts = parts();
        assert_eq!(untag(None, &parts, "3.8").unwrap(), Settled::Always);
        assert_eq!(
            untag(Some("'pvm-part-1' in platform_version"), &parts, "3.8").unwrap(),
            when("'test' in dependency_groups")
        );
        assert_eq!(
            untag(
                Some("sys_platform == 'win32' and 'pvm-part-2' in platform_version"),
                &parts,
                "3.8"
            )
            .unwrap(),
            when("'socks' in extras and sys_platform == 'win32'")
        );
        // Needed by the dependencies on Windows, and by the tests everywhere.
        assert_eq!(
            untag(
                Some("sys_platform == 'win32' or 'pvm-part-1' in platform_version"),
                &parts,
                "3.8"
            )
            .unwrap(),
            when("sys_platform == 'win32' or 'test' in dependency_groups")
        );
        // Where the dependencies need it, a part adds nothing; elsewhere it does.
        assert_eq!(
            untag(
                Some("sys_platform == 'win32' or 'pvm-part-2' in platform_version and sys_platform == 'win32'"),
                &parts,
                "3.8"
            )
            .unwrap(),
            when("sys_platform == 'win32'")
        );
        assert_eq!(
            untag(
                Some("python_full_version >= '3.10' or 'pvm-part-1' in platform_version"),
                &parts,
                "3.8"
            )
            .unwrap(),
            when("python_full_version >= '3.10' or 'test' in dependency_groups")
        );
    }

    #[test]
    fn bounds_below_the_floor_go() {
        // `requires-python = ">=3.9"`: a bound that says no more is always true there.
        assert_eq!(
            untag(
                Some("python_full_version >= '3.9' and 'pvm-part-1' in platform_version or python_full_version >= '3.9' and python_full_version < '3.11'"),
                &parts(),
                "3.9"
            )
            .unwrap(),
            when("python_full_version < '3.11' or 'test' in dependency_groups")
        );
    }

    #[test]
    fn a_negated_tag_is_settled_too() {
        // uv's algebra may write a term with a tag that is false: it holds only when that part
        // is not the one selected, which a single part never makes true with another false.
        let marker = "python_full_version < '3.10' and ('pvm-part-1' in platform_version or 'pvm-part-2' in platform_version) or python_full_version >= '3.10' and 'pvm-part-1' in platform_version or python_full_version < '3.8' and 'pvm-part-1' not in platform_version and 'pvm-part-2' in platform_version";
        let Settled::When(untagged) = untag(Some(marker), &parts(), "3.8").unwrap() else {
            panic!("a marker");
        };
        assert!(!untagged.contains("pvm-part"), "{untagged}");
        assert!(
            untagged.contains("'test' in dependency_groups")
                && untagged.contains("'socks' in extras and python_full_version < '3.10'"),
            "{untagged}"
        );
    }

    #[test]
    fn selection_markers_become_tags_again() {
        assert_eq!(
            retag(
                "'test' in dependency_groups or 'socks' in extras and sys_platform == 'linux'",
                &parts()
            ),
            "'pvm-part-1' in platform_version or 'pvm-part-2' in platform_version and sys_platform == 'linux'"
        );
    }
}
