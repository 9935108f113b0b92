//! Package sources in force: `[tool.pvm]` overridden by `PVM_*` variables.

use std::path::Path;

use serde::Serialize;

use super::Project;
use crate::config::Config;

/// Package sources in force: `[tool.pvm]` overridden by `PVM_*` variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sources {
    pub index_url: Option<String>,
    pub extra_index_urls: Vec<String>,
    /// Folders made absolute against the project root, or URLs.
    pub find_links: Vec<String>,
    /// The same as written (relative folders stay relative): what a lock records, so that it
    /// holds in any checkout.
    #[serde(skip)]
    pub find_links_written: Vec<String>,
    pub no_index: bool,
    pub offline: bool,
    /// What the installers that reach these sources get from pvm's environment.
    #[serde(skip)]
    pub installer_env: InstallerEnv,
}

impl Sources {
    pub fn for_project(project: &Project, config: &Config) -> Sources {
        let settings = &project.manifest.settings;
        let flag = |var: &Option<String>, default: bool| {
            var.as_deref()
                .map_or(default, |value| parse_flag(value).unwrap_or(default))
        };
        let find_links = config
            .pvm_find_links
            .as_ref()
            .map(|value| value.split_whitespace().map(String::from).collect())
            .unwrap_or_else(|| settings.find_links.clone());
        Sources {
            index_url: config
                .pvm_index_url
                .clone()
                .or_else(|| settings.index_url.clone()),
            extra_index_urls: settings.extra_index_urls.clone(),
            find_links: find_links
                .iter()
                .map(|link| resolve_link(link, &project.root))
                .collect(),
            find_links_written: find_links,
            no_index: flag(&config.pvm_no_index, settings.no_index),
            offline: flag(&config.pvm_offline, settings.offline),
            installer_env: InstallerEnv::new(config),
        }
    }
}

impl Sources {
    /// The sources as written, relative folders kept: what a lock's inputs are made of.
    pub fn as_written(&self) -> Sources {
        Sources {
            find_links: self.find_links_written.clone(),
            ..self.clone()
        }
    }
}

/// What the installers pvm starts get from pvm's environment: `PVM_HTTP_TIMEOUT` (when set
/// and valid) as `UV_HTTP_TIMEOUT` for uv, `PIP_TIMEOUT` for pip, each unless the user set it;
/// and the variables that override `[tool.pvm]`'s sources, which a failure's hint names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallerEnv {
    pub uv_timeout: Option<std::time::Duration>,
    pub pip_timeout: Option<std::time::Duration>,
    pub overriding: Vec<String>,
}

impl InstallerEnv {
    pub fn new(config: &Config) -> InstallerEnv {
        let timeout = crate::http::timeout_set(config);
        InstallerEnv {
            uv_timeout: timeout.filter(|_| config.uv_http_timeout.is_none()),
            pip_timeout: timeout.filter(|_| config.pip_timeout.is_none()),
            overriding: overriding_variables(config),
        }
    }
}

/// A URL stays as it is; a folder is made absolute against the project root.
pub fn resolve_link(link: &str, root: &Path) -> String {
    if link.contains("://") {
        return link.to_string();
    }
    let path = link.strip_prefix("file:").unwrap_or(link);
    root.join(path).display().to_string()
}

/// The yes/no variables pvm reads, and whether each may be set.
pub const FLAG_VARIABLES: &[&str] = &["PVM_NO_INDEX", "PVM_OFFLINE"];
/// The variables that override the package sources of `[tool.pvm]`.
pub const SOURCE_VARIABLES: &[&str] = &[
    "PVM_INDEX_URL",
    "PVM_FIND_LINKS",
    "PVM_NO_INDEX",
    "PVM_OFFLINE",
];

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Checks the yes/no variables: a value that is neither is an error naming the variable,
/// never a silent `false`.
pub fn check_environment(config: &Config) -> Result<(), super::ProjectError> {
    for (name, value) in config.source_variables() {
        if let Some(value) = value
            && FLAG_VARIABLES.contains(&name)
            && parse_flag(value).is_none()
        {
            return Err(super::ProjectError::BadVariable {
                name,
                value: value.to_string(),
            });
        }
    }
    Ok(())
}

/// The source variables set in the environment, as `NAME=value`: when an install finds no
/// version, they may be why.
pub fn overriding_variables(config: &Config) -> Vec<String> {
    config
        .source_variables()
        .into_iter()
        .filter_map(|(name, value)| Some(format!("{name}={}", value?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(windows, ignore = "Unix absolute paths as find-links")]
    fn the_variables_override_the_manifest_s_sources() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("pyproject.toml"),
            "[project]\nname = \"demo\"\nversion = \"0.1.0\"\n\
             [tool.pvm]\nindex-url = \"https://manifest.example/simple\"\nfind-links = [\"wheels\"]\n",
        )
        .unwrap();
        let project = Project::at(tmp.path()).unwrap();
        let none = Config::for_test();
        let sources = Sources::for_project(&project, &none);
        assert_eq!(
            sources.index_url.as_deref(),
            Some("https://manifest.example/simple")
        );
        assert_eq!(sources.find_links_written, ["wheels"]);
        assert!(!sources.offline);
        assert!(overriding_variables(&none).is_empty());

        let set = Config {
            pvm_index_url: Some("https://env.example/simple".into()),
            pvm_find_links: Some("/a /b".into()),
            pvm_offline: Some("yes".into()),
            ..Config::for_test()
        };
        let sources = Sources::for_project(&project, &set);
        assert_eq!(
            sources.index_url.as_deref(),
            Some("https://env.example/simple")
        );
        assert_eq!(sources.find_links, ["/a", "/b"]);
        assert!(sources.offline && !sources.no_index);
        assert_eq!(
            overriding_variables(&set),
            [
                "PVM_INDEX_URL=https://env.example/simple",
                "PVM_FIND_LINKS=/a /b",
                "PVM_OFFLINE=yes"
            ]
        );
        assert_eq!(sources.installer_env.overriding, overriding_variables(&set));
        assert!(check_environment(&set).is_ok());
        let bad = Config {
            pvm_no_index: Some("maybe".into()),
            ..Config::for_test()
        };
        assert!(matches!(
            check_environment(&bad),
            Err(super::super::ProjectError::BadVariable {
                name: "PVM_NO_INDEX",
                ..
            })
        ));
    }

    #[test]
    fn installers_get_pvm_s_timeout_unless_the_user_set_their_own() {
        let none = InstallerEnv::new(&Config::for_test());
        assert_eq!(none, InstallerEnv::default());
        let set = Config {
            pvm_http_timeout: Some("12.5".into()),
            uv_http_timeout: Some("60".into()),
            ..Config::for_test()
        };
        let env = InstallerEnv::new(&set);
        assert_eq!(env.uv_timeout, None);
        assert_eq!(
            env.pip_timeout,
            Some(std::time::Duration::from_millis(12_500))
        );
    }
}
