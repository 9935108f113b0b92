//! The macOS platform tags a wheel may carry, ranked as `packaging.tags.mac_platforms` ranks
//! them (packaging 21.3 to 24.1, as pip vendors it; checked against its own lists in
//! `testdata/`, made by `testdata/gen-macos-tags`).
//!
//! From the interpreter's own facts: the macOS version it reports (`platform.mac_ver()`, asked
//! past the 10.16 compatibility answer, as packaging asks) and its architecture
//! (`platform.machine()`: `arm64`, `x86_64`; under Rosetta an x86_64 interpreter says
//! `x86_64`).

use crate::python::Facts;

/// The platform tags of a 64-bit interpreter on macOS, best first; `None` when its facts do
/// not say which macOS it runs on.
pub fn platforms(facts: &Facts) -> Option<Vec<String>> {
    let mut numbers = facts.mac_version.as_deref()?.split('.');
    let major: u32 = numbers.next()?.parse().ok()?;
    let minor: u32 = numbers.next().map_or(Some(0), |minor| minor.parse().ok())?;
    let arch = facts.markers.get("platform_machine")?;
    Some(mac_platforms((major, minor), arch))
}

/// `packaging.tags.mac_platforms(version, arch)`.
pub fn mac_platforms(version: (u32, u32), arch: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut push = |major: u32, minor: u32, formats: Vec<&str>| {
        for format in formats {
            tags.push(format!("macosx_{major}_{minor}_{format}"));
        }
    };
    if ((10, 0)..(11, 0)).contains(&version) {
        // Up to macOS 10.15 each yearly release bumped the minor version.
        for minor in (0..=version.1).rev() {
            push(10, minor, binary_formats((10, minor), arch));
        }
    }
    if version >= (11, 0) {
        // From macOS 11 each yearly release bumps the major version.
        for major in (11..=version.0).rev() {
            push(major, 0, binary_formats((major, 0), arch));
        }
        // x86_64 runs binaries made for earlier releases; arm64 came with 11.0, but a
        // universal2 binary may name an earlier version (its x86_64 half's).
        for minor in (4..=16).rev() {
            let formats = if arch == "x86_64" {
                binary_formats((10, minor), arch)
            } else {
                vec!["universal2"]
            };
            push(10, minor, formats);
        }
    }
    tags
}

/// packaging's `_mac_binary_formats`: the binary formats that run `arch` code on `version`.
fn binary_formats(version: (u32, u32), arch: &str) -> Vec<&str> {
    let mut formats = vec![arch];
    match arch {
        "x86_64" | "i386" if version < (10, 4) => return Vec::new(),
        "x86_64" => formats.extend(["intel", "fat64", "fat32"]),
        "i386" => formats.extend(["intel", "fat32", "fat"]),
        "ppc64" if !((10, 4)..=(10, 5)).contains(&version) => return Vec::new(),
        "ppc64" => formats.push("fat64"),
        "ppc" if version > (10, 6) => return Vec::new(),
        "ppc" => formats.extend(["fat32", "fat"]),
        _ => {}
    }
    if matches!(arch, "arm64" | "x86_64") {
        formats.push("universal2");
    }
    if matches!(arch, "x86_64" | "i386" | "ppc64" | "ppc" | "intel") {
        formats.push("universal");
    }
    formats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    #[test]
    fn macos_platforms_are_packagings_in_its_order() {
        let cases = [
            (
                (10, 15),
                "x86_64",
                include_str!("testdata/mac_platforms-10.15-x86_64.txt"),
            ),
            (
                (11, 0),
                "arm64",
                include_str!("testdata/mac_platforms-11.0-arm64.txt"),
            ),
            (
                (14, 5),
                "arm64",
                include_str!("testdata/mac_platforms-14.5-arm64.txt"),
            ),
            (
                (14, 5),
                "x86_64",
                include_str!("testdata/mac_platforms-14.5-x86_64.txt"),
            ),
        ];
        for (version, arch, expected) in cases {
            assert_eq!(
                mac_platforms(version, arch),
                lines(expected),
                "{version:?} {arch}"
            );
        }
    }

    #[test]
    fn old_and_32_bit_formats_follow_packaging_too() {
        // By hand from packaging's `_mac_binary_formats`.
        assert_eq!(binary_formats((10, 3), "x86_64"), Vec::<&str>::new());
        assert_eq!(
            binary_formats((10, 5), "i386"),
            ["i386", "intel", "fat32", "fat", "universal"]
        );
        assert_eq!(
            binary_formats((10, 5), "ppc64"),
            ["ppc64", "fat64", "universal"]
        );
        assert_eq!(binary_formats((10, 7), "ppc"), Vec::<&str>::new());
        assert_eq!(binary_formats((11, 0), "arm64"), ["arm64", "universal2"]);
    }
}
