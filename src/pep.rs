//! The one place that touches the PEP 440 / PEP 508 crates, so they can be swapped.

pub use pep440_rs::{Version, VersionSpecifiers};
pub use pep508_rs::{ExtraName, MarkerEnvironment, PackageName, Requirement, VersionOrUrl};

use std::str::FromStr;

/// Parses a PEP 508 requirement; the error is the parser's own explanation.
pub fn parse_requirement(text: &str) -> Result<Requirement, String> {
    let text = text.trim();
    check_names(text)?;
    guarded(|| Requirement::from_str(text).map_err(|err| err.to_string()))
}

/// pep508_rs 0.9 panics on a name or extra ending in `.`, `-` or `_` when more follows
/// (`a_ >=1`, `a[x-]`): such names are refused here first, with the parser's own wording.
fn check_names(text: &str) -> Result<(), String> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let name_end = text.find(|c: char| !is_name_char(c)).unwrap_or(text.len());
    let mut names = vec![&text[..name_end]];
    let rest = text[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let extras = extras.split(']').next().unwrap_or(extras);
        names.extend(extras.split(',').map(str::trim));
    }
    for name in names {
        if let Some(bad) = [name.chars().next(), name.chars().last()]
            .into_iter()
            .flatten()
            .find(|c| !c.is_ascii_alphanumeric() && is_name_char(*c))
        {
            return Err(format!(
                "`{name}`: names must start and end with a letter or digit, not '{bad}'"
            ));
        }
    }
    Ok(())
}

/// Runs a parser of the frozen PEP crates, turning a panic (a bug of theirs) into an error
/// without printing it.
fn guarded<T>(
    parse: impl FnOnce() -> Result<T, String> + std::panic::UnwindSafe,
) -> Result<T, String> {
    quiet_panics_here();
    QUIET.with(|quiet| quiet.set(true));
    let result = std::panic::catch_unwind(parse);
    QUIET.with(|quiet| quiet.set(false));
    result.unwrap_or_else(|_| Err("not a valid PEP 508 requirement".to_string()))
}

thread_local! {
    /// Whether this thread is inside [`guarded`]: its panics are caught and not printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the panic hook once, so that only a guarded parse is silent. Swapping the
/// process-wide hook around each parse instead would silence every other thread's panic
/// meanwhile, and two parses at once could leave the silent hook in place for good.
fn quiet_panics_here() {
    static WRAPPED: std::sync::Once = std::sync::Once::new();
    WRAPPED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|quiet| quiet.get()) {
                previous(info);
            }
        }));
    });
}

/// Parses PEP 440 version specifiers such as `>=3.10,<3.13`.
pub fn parse_specifiers(text: &str) -> Result<VersionSpecifiers, String> {
    guarded(|| VersionSpecifiers::from_str(text.trim()).map_err(|err| err.to_string()))
}

pub fn parse_version(text: &str) -> Result<Version, String> {
    guarded(|| Version::from_str(text.trim()).map_err(|err| err.to_string()))
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
    let url = pep508_rs::VerbatimUrl::parse_url(url).map_err(|err| err.to_string())?;
    let mut located = requirement.clone();
    located.version_or_url = Some(VersionOrUrl::Url(url));
    Ok(located)
}

/// Whether `requirement` applies in `env` when `extras` are requested of the package that
/// declares it.
pub fn applies(requirement: &Requirement, env: &MarkerEnvironment, extras: &[ExtraName]) -> bool {
    requirement.evaluate_markers(env, extras)
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
    requirement.marker.and(extra);
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
    use pep508_rs::{MarkerExpression, MarkerOperator, MarkerTree, MarkerValueString};
    use std::ops::Bound;
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
            term.and(MarkerTree::expression(expression));
        }
        settled.or(term);
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
        (Ok(mut a), Ok(b)) => {
            a.and(b.negate());
            a.is_false()
        }
        _ => false,
    }
}

fn parse_marker(text: &str) -> Result<pep508_rs::MarkerTree, String> {
    guarded(|| pep508_rs::MarkerTree::from_str(text).map_err(|err| err.to_string()))
}

/// Splits the extra off a dependency a package's metadata declares: `x; extra == "y" and
/// python_version < "3.9"` is `(Some("y"), x; python_version < "3.9")`; one without an
/// `extra` marker is `(None, itself)`. Only an extra the whole marker requires is split off.
pub fn split_extra(requirement: &Requirement) -> (Option<String>, Requirement) {
    let Some(pep508_rs::MarkerExpression::Extra { name, .. }) =
        requirement.marker.top_level_extra()
    else {
        return (None, requirement.clone());
    };
    let pep508_rs::MarkerValueExtra::Extra(extra) = name else {
        return (None, requirement.clone());
    };
    let mut rest = requirement.clone();
    rest.marker = requirement
        .marker
        .clone()
        .simplify_extras(std::slice::from_ref(&extra));
    (Some(extra.to_string()), rest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
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
                err.contains("must start and end with a letter or digit"),
                "{text}: {err}"
            );
        }
        assert!(super::parse_requirement("a_b[x, y-z]>=1 ; python_version > '3'").is_ok());
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
