//! The previous lock's versions, handed to uv as preferences so a re-lock keeps what the
//! manifest still allows.

use std::collections::BTreeMap;

use crate::lock::pylock::{Package, PyLock};
use crate::pep;

/// A version the previous lock holds, under the marker it held it: a package locked at two
/// versions under two markers (a fork) is two pins, and keeps both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub name: String,
    pub version: String,
    pub marker: Option<String>,
}

/// Every versioned package of `lock` (the project's own folder has no version).
pub fn pins_of(lock: &PyLock) -> Vec<Pin> {
    pins_of_packages(&lock.packages)
}

/// Every versioned package of `packages`.
pub fn pins_of_packages(packages: &[Package]) -> Vec<Pin> {
    packages
        .iter()
        .filter_map(|package| {
            Some(Pin {
                name: package.name.to_string(),
                version: package.version.clone()?,
                marker: package.marker.clone(),
            })
        })
        .collect()
}

/// Pins without markers, from name → version (an old `pvm.lock`).
pub fn unmarked(pins: BTreeMap<String, String>) -> Vec<Pin> {
    pins.into_iter()
        .map(|(name, version)| Pin {
            name,
            version,
            marker: None,
        })
        .collect()
}

/// One version per name (the last pinned), for resolvers that take no forks.
pub fn by_name(pins: &[Pin]) -> BTreeMap<String, String> {
    pins.iter()
        .map(|pin| (pin.name.clone(), pin.version.clone()))
        .collect()
}

/// The pins as a `pylock.toml` that uv reads as its preferences when it is the output file,
/// each marker written by `write_marker`. A marker that is no PEP 508 marker once written is
/// left out (the pin then prefers its version everywhere) rather than failing the resolution.
pub fn preferences_toml(pins: &[Pin], write_marker: impl Fn(&str) -> String) -> String {
    let mut text = String::from("lock-version = \"1.0\"\ncreated-by = \"pvm\"\n");
    for pin in pins {
        text.push_str(&format!(
            "\n[[packages]]\nname = {}\nversion = {}\n",
            quoted(&pin.name),
            quoted(&pin.version)
        ));
        let marker = pin.marker.as_deref().map(&write_marker);
        if let Some(marker) = marker.filter(|m| pep::parse_requirement(&format!("x ; {m}")).is_ok())
        {
            text.push_str(&format!("marker = {}\n", quoted(&marker)));
        }
    }
    text
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forked_pins_are_written_with_their_markers() {
        let pins = [
            Pin {
                name: "attrs".into(),
                version: "24.2.0".into(),
                marker: Some("python_full_version < '3.9'".into()),
            },
            Pin {
                name: "attrs".into(),
                version: "26.1.0".into(),
                marker: Some("python_full_version >= '3.9'".into()),
            },
            Pin {
                name: "six".into(),
                version: "1.17.0".into(),
                marker: Some("'no such' in nowhere".into()),
            },
        ];
        let text = preferences_toml(&pins, str::to_string);
        let lock: toml::Table = toml::from_str(&text).unwrap();
        let packages = lock["packages"].as_array().unwrap();
        assert_eq!(packages.len(), 3);
        assert_eq!(
            packages[0]["marker"].as_str(),
            Some("python_full_version < '3.9'")
        );
        assert_eq!(packages[1]["version"].as_str(), Some("26.1.0"));
        assert!(packages[2].get("marker").is_none(), "{text}");
    }
}
