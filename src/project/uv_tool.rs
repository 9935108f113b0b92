//! uv's `[tool.uv]` table, where pvm has the same meaning: `default-groups`, `sources`
//! (path, editable, git, url), `index`, `index-url`, `extra-index-url`, `find-links`,
//! `no-index`, `conflicts`, `package` and the older `dev-dependencies`. Anything else is named
//! in one warning.

use super::foreign::{self, Imported};
use crate::pep;

pub fn read(uv: &toml::Table) -> Result<Imported, String> {
    let mut out = Imported {
        origin: "[tool.uv]",
        ..Imported::default()
    };
    let mut unread: Vec<String> = Vec::new();
    let mut explicit: Vec<(String, String)> = Vec::new();
    for (key, value) in uv {
        match key.as_str() {
            "default-groups" => {
                out.default_groups = Some(match value {
                    // `"all"`: every group, which the manifest's reader expands.
                    toml::Value::String(all) if all == "all" => vec!["*".into()],
                    other => foreign::strings(other, "[tool.uv] default-groups")?,
                })
            }
            "dev-dependencies" => {
                let requirements = foreign::strings(value, "[tool.uv] dev-dependencies")?
                    .iter()
                    .map(|text| {
                        pep::parse_requirement(text)
                            .map_err(|err| format!("[tool.uv] dev-dependencies: `{text}`: {err}"))
                    })
                    .collect::<Result<_, _>>()?;
                out.groups.insert("dev".into(), requirements);
            }
            "index" => {
                let list = value
                    .as_array()
                    .ok_or("[[tool.uv.index]] is not a list of tables")?;
                for index in list {
                    let text = |key: &str| index.get(key).and_then(toml::Value::as_str);
                    let flag =
                        |key: &str| index.get(key).and_then(toml::Value::as_bool) == Some(true);
                    let Some(url) = text("url") else { continue };
                    if flag("explicit") {
                        explicit.push((text("name").unwrap_or("").to_string(), url.to_string()));
                    } else if flag("default") {
                        out.index_url = Some(url.to_string());
                    } else {
                        out.extra_index_urls.push(url.to_string());
                    }
                }
            }
            "index-url" => out.index_url = value.as_str().map(str::to_string),
            "extra-index-url" => out
                .extra_index_urls
                .extend(foreign::strings(value, "[tool.uv] extra-index-url")?),
            "conflicts" => out.conflicts = Some(value.clone()),
            "package" => {
                out.package = Some(
                    value
                        .as_bool()
                        .ok_or("[tool.uv] package is not true or false")?,
                )
            }
            "sources" => {
                let sources = value.as_table().ok_or("[tool.uv.sources] is not a table")?;
                for (name, entry) in sources {
                    source(name, entry, &explicit_of(uv), &mut out, &mut unread)?;
                }
            }
            _ => unread.push(key.clone()),
        }
    }
    // An explicit index serves only the packages whose source names it: pvm has no such
    // pinning, and searches it for every package.
    let named: Vec<&String> = explicit.iter().map(|(_, url)| url).collect();
    for url in named {
        if out.extra_index_urls.contains(url) {
            continue;
        }
        let used = out
            .unsupported
            .iter()
            .any(|line| line.contains(url.as_str()));
        if used {
            out.extra_index_urls.push(url.clone());
        }
    }
    if let Some(line) = foreign::not_read("[tool.uv]", &unread, "") {
        out.unsupported.push(line);
    }
    Ok(out)
}

/// The explicit indexes of `[[tool.uv.index]]`, by name.
fn explicit_of(uv: &toml::Table) -> Vec<(String, String)> {
    uv.get("index")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|index| index.get("explicit").and_then(toml::Value::as_bool) == Some(true))
        .filter_map(|index| {
            Some((
                index.get("name")?.as_str()?.to_string(),
                index.get("url")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

fn source(
    name: &str,
    entry: &toml::Value,
    explicit: &[(String, String)],
    out: &mut Imported,
    unread: &mut Vec<String>,
) -> Result<(), String> {
    let at = format!("[tool.uv.sources] {name}");
    let Some(table) = entry.as_table() else {
        // A list of sources told apart by markers: pvm has one source per package.
        unread.push(format!("sources.{name} (a list of sources by marker)"));
        return Ok(());
    };
    let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
    if let Some(path) = text("path") {
        out.sources.insert(
            name.to_string(),
            foreign::path_source(table, path, "editable"),
        );
    } else if let Some(git) = text("git") {
        out.direct.insert(
            name.to_string(),
            foreign::git_reference(
                git,
                text("rev").or(text("tag")).or(text("branch")),
                text("subdirectory"),
            ),
        );
    } else if let Some(url) = text("url") {
        let mut reference = url.to_string();
        if let Some(sub) = text("subdirectory") {
            reference.push_str(&format!("#subdirectory={sub}"));
        }
        out.direct.insert(name.to_string(), reference);
    } else if let Some(index) = text("index") {
        match explicit.iter().find(|(known, _)| known == index) {
            Some((_, url)) => out.unsupported.push(format!(
                "{at}: pvm does not pin a package to an index; the explicit index `{index}` ({url}) is searched for every package"
            )),
            None => out.unsupported.push(format!(
                "{at}: pvm does not pin a package to an index (`{index}`)"
            )),
        }
    } else if table.contains_key("workspace") {
        out.unsupported.push(format!(
            "{at}: pvm does not read workspaces; write `{name} = {{ path = \"../{name}\" }}` in [tool.pvm.sources]"
        ));
    }
    for key in table.keys() {
        let read = [
            "path",
            "editable",
            "git",
            "rev",
            "tag",
            "branch",
            "subdirectory",
            "url",
            "index",
            "workspace",
        ];
        if !read.contains(&key.as_str()) {
            unread.push(format!("sources.{name}.{key}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        let whole: toml::Table = toml::from_str(text).unwrap();
        whole["tool"]["uv"].as_table().unwrap().clone()
    }

    #[test]
    fn uv_settings_pvm_shares_are_read() {
        let imported = read(&table(
            r#"
[tool.uv]
default-groups = ["dev", "tests", "typing"]
package = false
required-version = ">=0.5"
conflicts = [[{ group = "a" }, { group = "b" }]]
dev-dependencies = ["pytest>=8"]
[tool.uv.sources]
lib = { path = "../lib", editable = true }
wheel = { path = "dist/w-1-py3-none-any.whl" }
tool = { git = "https://example.org/tool", tag = "v1" }
torch = { index = "pytorch" }
[[tool.uv.index]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cpu"
explicit = true
[[tool.uv.index]]
name = "corp"
url = "https://corp.example/simple"
"#,
        ))
        .unwrap();
        assert_eq!(imported.default_groups.unwrap(), ["dev", "tests", "typing"]);
        assert_eq!(imported.package, Some(false));
        assert!(imported.conflicts.is_some());
        assert_eq!(imported.groups["dev"][0].to_string(), "pytest>=8");
        assert_eq!(imported.sources["lib"].editable, Some(true));
        assert_eq!(imported.sources["wheel"].editable, Some(false));
        assert_eq!(imported.direct["tool"], "git+https://example.org/tool@v1");
        assert_eq!(
            imported.extra_index_urls,
            [
                "https://corp.example/simple",
                "https://download.pytorch.org/whl/cpu"
            ]
        );
        assert_eq!(
            imported.unsupported,
            [
                "[tool.uv.sources] torch: pvm does not pin a package to an index; the explicit index `pytorch` (https://download.pytorch.org/whl/cpu) is searched for every package",
                "[tool.uv]: pvm does not read `required-version`",
            ]
        );
        let all = read(&table("[tool.uv]\ndefault-groups = \"all\"\n")).unwrap();
        assert_eq!(all.default_groups.unwrap(), ["*"]);
    }
}
