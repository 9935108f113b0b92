//! Where a locked file is: poetry.lock names its files and hashes, Pipfile.lock only the
//! hashes; the URLs come from the project's find-links folders and its index's simple pages
//! (PEP 503), each page read once.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::lock::pylock::{Artifact, split_filename};
use crate::pep;
use crate::project::Sources;

/// PyPI, when the project names no index.
const PYPI: &str = "https://pypi.org/simple";

/// A file a package's version may be installed from.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub filename: String,
    /// A file in a find-links folder.
    pub path: Option<PathBuf>,
    /// Else its URL (without the `#sha256=` fragment).
    pub url: Option<String>,
    /// From the page's `#sha256=` fragment, or computed for a local file when asked.
    pub sha256: Option<String>,
}

impl Candidate {
    pub fn is_wheel(&self) -> bool {
        self.filename.ends_with(".whl")
    }

    /// The file's sha256: the index's, else computed (a local file).
    pub fn sha256(&mut self) -> Option<String> {
        if self.sha256.is_none()
            && let Some(path) = &self.path
        {
            self.sha256 = crate::fsutil::sha256_file(path).ok();
        }
        self.sha256.clone()
    }

    /// The pylock artifact, with the lock's sha256.
    pub fn artifact(&self, sha256: &str) -> Artifact {
        Artifact {
            name: Some(self.filename.clone()),
            url: self.url.clone(),
            path: self.path.as_ref().map(|p| p.display().to_string()),
            upload_time: None,
            size: None,
            hashes: BTreeMap::from([("sha256".to_string(), sha256.to_string())]),
        }
    }
}

/// Finds the files of a package's version in the project's sources.
pub struct Finder<'a> {
    sources: &'a Sources,
    /// The downloads' timeout and certificates.
    config: &'a crate::config::Config,
    pages: BTreeMap<String, Vec<(String, String)>>,
    /// Pages that could not be read: a package found on none says why.
    pub failed: Vec<String>,
}

impl<'a> Finder<'a> {
    pub fn new(sources: &'a Sources, config: &'a crate::config::Config) -> Finder<'a> {
        Finder {
            sources,
            config,
            pages: BTreeMap::new(),
            failed: Vec::new(),
        }
    }

    /// The files of `name` at `version`: those in find-links folders first, then those the
    /// indexes list (`index`, when the lock names one, before the project's).
    pub fn candidates(
        &mut self,
        name: &str,
        version: &str,
        index: Option<&str>,
    ) -> Result<Vec<Candidate>, String> {
        let wanted = pep::normalize_name(name).map_err(|err| format!("`{name}`: {err}"))?;
        let same_version = |filename: &str| {
            split_filename(filename).is_some_and(|(found, rest)| {
                found.as_ref() == wanted && rest.split('-').next() == Some(version)
            })
        };
        let mut out = Vec::new();
        let mut pages: Vec<String> = Vec::new();
        for link in &self.sources.find_links {
            if link.contains("://") {
                pages.push(link.clone());
                continue;
            }
            let Ok(entries) = std::fs::read_dir(link) else {
                continue;
            };
            for entry in entries.flatten() {
                let filename = entry.file_name().to_string_lossy().into_owned();
                if same_version(&filename) {
                    out.push(Candidate {
                        filename,
                        path: Some(entry.path()),
                        url: None,
                        sha256: None,
                    });
                }
            }
        }
        if !self.sources.no_index && !self.sources.offline {
            let indexes = index
                .map(str::to_string)
                .into_iter()
                .chain(std::iter::once(
                    self.sources
                        .index_url
                        .clone()
                        .unwrap_or_else(|| PYPI.to_string()),
                ))
                .chain(self.sources.extra_index_urls.iter().cloned());
            for base in indexes {
                pages.push(format!("{}/{wanted}/", base.trim_end_matches('/')));
            }
        }
        if self.sources.offline {
            pages.clear();
        }
        pages.dedup();
        for page in pages {
            for (filename, url) in self.page(&page) {
                if !same_version(&filename) || out.iter().any(|c| c.filename == filename) {
                    continue;
                }
                let (url, fragment) = url.split_once('#').unwrap_or((url.as_str(), ""));
                out.push(Candidate {
                    filename,
                    path: None,
                    url: Some(url.to_string()),
                    sha256: fragment.strip_prefix("sha256=").map(str::to_string),
                });
            }
        }
        Ok(out)
    }

    /// The links of an index page; none when it cannot be read (a package an extra index
    /// does not have), and the reason kept.
    fn page(&mut self, page: &str) -> Vec<(String, String)> {
        if let Some(links) = self.pages.get(page) {
            return links.clone();
        }
        let links = match crate::tools::uv::index_page(self.config, page) {
            Ok(html) => crate::tools::uv::page_links(&html, page),
            Err(err) => {
                self.failed
                    .push(format!("{}: {err}", crate::fsutil::strip_credentials(page)));
                Vec::new()
            }
        };
        self.pages.insert(page.to_string(), links.clone());
        links
    }
}
