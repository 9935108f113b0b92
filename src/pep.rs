//! The one place that touches the PEP 440 / PEP 508 crates (uv's), so they can be swapped.

pub use uv_normalize::{ExtraName, GroupName, PackageName};
pub use uv_pep440::{Operator, Version, VersionSpecifiers};
pub use uv_pep508::{MarkerEnvironment, MarkerTree, Requirement, VersionOrUrl};

use std::str::FromStr;

/// Parses a PEP 508 requirement; the error is the parser's own explanation.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    Requirement::from_str(text.trim()).map_err(|err| err.to_string())
}

/// `requirement` as a line for uv or pip: a URL's credentials kept, which its `Display`
/// (meant for people) masks.
pub fn text(requirement: &Requirement) -> String {
    requirement.displayable_with_credentials().to_string()
}

/// Writes `requirements` one a line, as [`text`] spells them, into a requirements file for uv
/// or pip.
pub fn write_requirements(
    path: &std::path::Path,
    requirements: &[Requirement],
) -> std::io::Result<()> {
    let lines: Vec<String> = requirements.iter().map(text).collect();
    crate::fsutil::write_lines(path, &lines)
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

/// The name `name` stands for, which pvm's own code spells (`pip`, `setuptools`): a name
/// read from a user or a file is parsed, its error kept.
pub fn package_name(name: &'static str) -> PackageName {
    PackageName::from_str(name).expect("pvm spells the names it knows")
}

/// The PEP 508 marker environment from the values an interpreter reported.
pub fn marker_environment(
    values: &std::collections::BTreeMap<String, String>,
) -> Result<MarkerEnvironment, String> {
    let get = |key: &str| values.get(key).map(String::as_str).unwrap_or("");
    MarkerEnvironment::try_from(uv_pep508::MarkerEnvironmentBuilder {
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

/// The marker environment of CPython 3.12.1 on x86_64 with `sys_platform` `platform`
/// (`linux`, `darwin`, `win32`): for evaluating a universal lock for another platform.
pub fn cpython312_on(platform: &str) -> MarkerEnvironment {
    let (os_name, system) = match platform {
        "win32" => ("nt", "Windows"),
        "darwin" => ("posix", "Darwin"),
        _ => ("posix", "Linux"),
    };
    let values: std::collections::BTreeMap<String, String> = [
        ("implementation_name", "cpython"),
        ("implementation_version", "3.12.1"),
        ("os_name", os_name),
        ("platform_machine", "x86_64"),
        ("platform_python_implementation", "CPython"),
        ("platform_release", ""),
        ("platform_system", system),
        ("platform_version", ""),
        ("python_full_version", "3.12.1"),
        ("python_version", "3.12"),
        ("sys_platform", platform),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    marker_environment(&values).expect("a complete marker environment")
}

/// The file or folder a requirement names by a `file://` URL (`foo @ file:///…/foo.whl`).
pub fn local_path(requirement: &Requirement) -> Option<std::path::PathBuf> {
    match &requirement.version_or_url {
        Some(VersionOrUrl::Url(url)) if url.scheme() == "file" => url.to_file_path().ok(),
        _ => None,
    }
}

/// `requirement` (its name, extras and marker) pointing at `url` instead of any version:
/// `lib[x] @ file:///…/lib ; python_version >= '3.9'`.
pub fn with_url(requirement: &Requirement, url: &str) -> Result<Requirement, String> {
    let url = uv_pep508::VerbatimUrl::from_str(url).map_err(|err| err.to_string())?;
    let mut located = requirement.clone();
    located.version_or_url = Some(VersionOrUrl::Url(url));
    Ok(located)
}

/// Whether `requirement` applies in `env` when `extras` are requested of the package that
/// declares it.
pub fn applies(requirement: &Requirement, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
    requirement.evaluate_markers(env, extras)
}

/// Whether a PEP 751 marker applies in `env` with `extras` and dependency `groups` selected
/// (`'x' in extras`, `'g' in dependency_groups`). A marker that cannot be read is an error:
/// `` `marker`: why ``.
pub fn lock_marker_applies(
    marker: &str,
    env: &MarkerEnvironment,
    extras: &[String],
    groups: &[String],
) -> Result<bool, String> {
    let quoted = |err: String| format!("`{marker}`: {}", err.lines().next().unwrap_or(""));
    let tree = parse_marker(marker).map_err(quoted)?;
    let extras: Vec<ExtraName> = names(extras)?;
    let groups: Vec<GroupName> = names(groups)?;
    Ok(tree.evaluate_pep751(env, &extras, &groups))
}

/// Parses each of `names` (extras or groups), an error naming the first that is none.
fn names<T: FromStr<Err: std::fmt::Display>>(names: &[String]) -> Result<Vec<T>, String> {
    names
        .iter()
        .map(|name| name.parse().map_err(|err| format!("`{name}`: {err}")))
        .collect()
}

/// What a marker says once some of its atoms are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    Always,
    Never,
    When(String),
}

/// `requirement` that applies only where `marker` also holds (its own marker and-ed with it).
pub fn with_marker(requirement: &Requirement, marker: &str) -> Result<Requirement, String> {
    let extra = parse_marker(marker)?;
    let mut requirement = requirement.clone();
    requirement.marker = requirement.marker.and(extra);
    Ok(requirement)
}

/// `marker` with each `'<value>' in platform_version` atom that `decide(value)` settles
/// replaced by its truth, then simplified for Pythons from `floor` on (`3.9`: a bound that says
/// no more than `>= 3.9` goes); every other atom is kept as it is.
pub fn settle_platform_version_contains(
    marker: &str,
    floor: &Version,
    decide: impl Fn(&str) -> Option<bool>,
) -> Result<Settled, String> {
    use std::ops::Bound;
    use uv_pep508::{MarkerExpression, MarkerOperator, MarkerValueString};
    let tree = parse_marker(marker)?;
    let mut settled = MarkerTree::FALSE;
    'terms: for conjunction in tree.to_dnf() {
        let mut term = MarkerTree::TRUE;
        for expression in conjunction {
            if let MarkerExpression::String {
                key: MarkerValueString::PlatformVersion,
                operator: operator @ (MarkerOperator::Contains | MarkerOperator::NotContains),
                value,
            } = &expression
                && let Some(contains) = decide(value)
            {
                if contains != (*operator == MarkerOperator::Contains) {
                    continue 'terms;
                }
                continue;
            }
            term = term.and(MarkerTree::expression(expression));
        }
        settled = settled.or(term);
    }
    let settled = settled.simplify_python_versions(Bound::Included(floor), Bound::Unbounded);
    Ok(match settled.contents() {
        _ if settled.is_true() => Settled::Always,
        _ if settled.is_false() => Settled::Never,
        Some(contents) => Settled::When(contents.to_string()),
        None => Settled::Always,
    })
}

/// Whether every environment where marker `a` holds also satisfies `b` (`false` when either
/// cannot be read).
pub fn implies(a: &str, b: &str) -> bool {
    match (parse_marker(a), parse_marker(b)) {
        (Ok(a), Ok(b)) => a.and(b.negate()).is_false(),
        _ => false,
    }
}

fn parse_marker(text: &str) -> Result<MarkerTree, String> {
    MarkerTree::from_str(text).map_err(|err| err.to_string())
}

/// Splits the extra off a dependency a package's metadata declares: `x; extra == "y" and
/// python_version < "3.9"` is `(Some("y"), x; python_version < "3.9")`; one without an
/// `extra` marker is `(None, itself)`. Only an extra the whole marker requires is split off.
pub fn split_extra(requirement: &Requirement) -> (Option<String>, Requirement) {
    let Some(uv_pep508::MarkerExpression::Extra { name, .. }) =
        requirement.marker.top_level_extra()
    else {
        return (None, requirement.clone());
    };
    let uv_pep508::MarkerValueExtra::Extra(extra) = name else {
        return (None, requirement.clone());
    };
    let mut rest = requirement.clone();
    rest.marker = requirement
        .marker
        .simplify_extras(std::slice::from_ref(&extra));
    (Some(extra.to_string()), rest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_ending_in_punctuation_are_errors() {
        let bad = [
            "a_ >=1",
            "a- ; python_version>'3'",
            "5.[x]",
            "a-@ http://x",
            "5.",
            "a[9-]",
            "a[ x, -y ]",
        ];
        for text in bad {
            let err = super::parse_requirement(text).unwrap_err();
            assert!(
                err.contains("must end with an alphanumeric")
                    || err.contains("alphanumeric character starting"),
                "{text}: {err}"
            );
        }
        assert!(super::parse_requirement("a_b[x, y-z]>=1 ; python_version > '3'").is_ok());
    }

    #[test]
    fn credentials_are_masked_for_people_and_kept_for_tools() {
        let text = "pkg @ https://user:tok@example.com/pkg.whl";
        let requirement = super::parse_requirement(text).unwrap();
        assert_eq!(
            requirement.to_string(),
            "pkg @ https://user:****@example.com/pkg.whl"
        );
        assert_eq!(super::text(&requirement), text);
    }

    #[test]
    fn split_extra_takes_the_extra_off_the_marker() {
        let split = |text: &str| {
            let (extra, rest) = super::split_extra(&super::parse_requirement(text).unwrap());
            (extra, rest.to_string())
        };
        assert_eq!(split("a>=1"), (None, "a>=1".to_string()));
        assert_eq!(
            split("b ; extra == 'Fast'"),
            (Some("fast".to_string()), "b".to_string())
        );
        assert_eq!(
            split("c[x]==2 ; python_version < '3.9' and extra == 'test'"),
            (
                Some("test".to_string()),
                "c[x]==2 ; python_full_version < '3.9'".to_string()
            )
        );
    }
}
