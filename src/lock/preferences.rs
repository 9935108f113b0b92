//! The previous lock's versions, handed to uv as preferences so a re-lock keeps what the
//! manifest still allows.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::lock::LockError;
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

/// The key of a lock's pins (name, version, marker), whatever their order: what a kept
/// `uv.lock` is filed under (`lock::uv_project`).
pub fn pins_key(pins: &[Pin]) -> String {
    let mut lines: Vec<String> = pins
        .iter()
        .map(|pin| {
            format!(
                "{} {} {}",
                pin.name,
                pin.version,
                pin.marker.as_deref().unwrap_or("")
            )
        })
        .collect();
    lines.sort();
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    crate::fsutil::hex(&digest[..16])
}

/// What a re-lock keeps: the previous lock's pins, read from the `pylock.toml` only when a
/// resolution needs them. A lock pvm wrote comes with its pins' key, known from the file's
/// digest without parsing it (a universal lock is hundreds of kilobytes, and parsing it was
/// most of pvm's own time in `pvm add`): uv then starts from the `uv.lock` kept for that key
/// and the pins are never read.
pub struct Previous {
    key: Option<String>,
    lock: Option<PathBuf>,
    pins: OnceCell<Vec<Pin>>,
}

impl Previous {
    /// Pins known already (an old `pvm.lock`, another tool's lock, constraints; none).
    pub fn known(pins: Vec<Pin>) -> Previous {
        Previous {
            key: None,
            lock: None,
            pins: OnceCell::from(pins),
        }
    }

    /// The pins of the `pylock.toml` at `path`, read when asked; `key`, their key where known.
    pub fn of_lock(path: PathBuf, key: Option<String>) -> Previous {
        Previous {
            key,
            lock: Some(path),
            pins: OnceCell::new(),
        }
    }

    /// The pins (the lock is read the first time).
    pub fn pins(&self) -> Result<&[Pin], LockError> {
        if let Some(pins) = self.pins.get() {
            return Ok(pins);
        }
        let pins = match &self.lock {
            Some(path) => PyLock::read(path)?.map(|lock| pins_of(&lock)),
            None => None,
        };
        Ok(self.pins.get_or_init(|| pins.unwrap_or_default()))
    }

    /// The key of the pins, `None` when there are none.
    pub fn key(&self) -> Result<Option<String>, LockError> {
        if let Some(key) = &self.key {
            return Ok(Some(key.clone()));
        }
        let pins = self.pins()?;
        Ok((!pins.is_empty()).then(|| pins_key(pins)))
    }
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
