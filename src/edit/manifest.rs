//! Editing `pyproject.toml` for `pvm add` and `pvm drop`: one requirement in or out of
//! `[project] dependencies`, a `[dependency-groups]` group or an extra, with every other byte,
//! comment and layout kept (toml_edit).

use toml_edit::{Array, DocumentMut, Item, Table, TableLike, Value};

use crate::pep::{self, Requirement};

/// Where a requirement goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Dependencies,
    Group(String),
    Extra(String),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Dependencies => f.write_str("[project] dependencies"),
            Target::Group(name) => write!(f, "dependency group `{name}`"),
            Target::Extra(name) => write!(f, "extra `{name}`"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("pyproject.toml is not valid TOML: {0}")]
    Parse(String),
    #[error("`{key}` in pyproject.toml is not {expected}")]
    Shape { key: String, expected: &'static str },
    #[error("a script's block has only `dependencies`: no groups or extras")]
    ScriptTarget,
    #[error("`{name}` is not in {target}")]
    Absent { name: String, target: Target },
}

impl crate::hint::Hint for EditError {}

/// What an edit did, for the command to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added,
    /// The entry that was there, replaced.
    Replaced(String),
    Removed(String),
}

/// A manifest being edited: `pyproject.toml`, or the TOML of a script's block (whose
/// `dependencies` are at the top level, and which has no groups or extras).
pub struct ManifestEdit {
    doc: DocumentMut,
    script: bool,
}

impl ManifestEdit {
    pub fn parse(text: &str) -> Result<ManifestEdit, EditError> {
        let doc = text
            .parse::<DocumentMut>()
            .map_err(|err| EditError::Parse(err.to_string()))?;
        Ok(ManifestEdit { doc, script: false })
    }

    /// The TOML of a `# /// script` block.
    pub fn parse_script(text: &str) -> Result<ManifestEdit, EditError> {
        let mut edit = ManifestEdit::parse(text)?;
        edit.script = true;
        Ok(edit)
    }

    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Adds `requirement` to `target`, or replaces the entry of the same name there.
    pub fn add(&mut self, target: &Target, requirement: &Requirement) -> Result<Change, EditError> {
        let array = self.array(target, true)?.expect("created when missing");
        let name = normalized(requirement.name.as_ref());
        let text = requirement.to_string();
        for item in array.iter_mut() {
            if entry_name(item).as_deref() == Some(name.as_str()) {
                let old = item.as_str().unwrap_or_default().to_string();
                let decor = item.decor().clone();
                *item = Value::from(text);
                *item.decor_mut() = decor;
                return Ok(Change::Replaced(old));
            }
        }
        push_keeping_layout(array, &text);
        Ok(Change::Added)
    }

    /// Removes the entry named `name` from `target`.
    pub fn drop(&mut self, target: &Target, name: &str) -> Result<Change, EditError> {
        let wanted = normalized(name);
        let absent = || EditError::Absent {
            name: name.to_string(),
            target: target.clone(),
        };
        let array = self.array(target, false)?.ok_or_else(absent)?;
        let at = array
            .iter()
            .position(|item| entry_name(item).as_deref() == Some(wanted.as_str()))
            .ok_or_else(absent)?;
        let old = array
            .get(at)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // The removed entry's prefix may hold the comment of the line before it
        // (`"alpha",  # why` then a newline): that comment stays where it was.
        let prefix = array
            .get(at)
            .and_then(|value| value.decor().prefix())
            .and_then(|prefix| prefix.as_str())
            .unwrap_or("")
            .to_string();
        let comment = match prefix.rsplit_once('\n') {
            Some((before, _)) if before.contains('#') => before.to_string(),
            _ => String::new(),
        };
        array.remove(at);
        // The first entry gone, the next one takes its place and its spacing: `["a", "b"]`
        // becomes `["b"]`, not `[ "b"]`.
        if at == 0
            && comment.is_empty()
            && let Some(next) = array.get_mut(0)
        {
            next.decor_mut().set_prefix(prefix.clone());
        }
        if !comment.is_empty() {
            match array.get_mut(at) {
                Some(next) => {
                    let rest = next
                        .decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .unwrap_or("")
                        .to_string();
                    next.decor_mut().set_prefix(format!("{comment}{rest}"));
                }
                None => {
                    let trailing = array.trailing().as_str().unwrap_or("").to_string();
                    array.set_trailing(format!("{comment}{trailing}"));
                }
            }
        }
        Ok(Change::Removed(old))
    }

    /// Writes `name = { path = "…" }` (with `editable` when given) into `[tool.pvm.sources]`,
    /// replacing an entry of the same name.
    pub fn set_source(
        &mut self,
        name: &str,
        path: &str,
        editable: Option<bool>,
    ) -> Result<(), EditError> {
        let sources = self.sources_table(true)?.expect("created when missing");
        let wanted = normalized(name);
        let existing: Vec<String> = sources
            .iter()
            .map(|(key, _)| key.to_string())
            .filter(|key| normalized(key) == wanted)
            .collect();
        for key in existing {
            sources.remove(&key);
        }
        let mut entry = toml_edit::InlineTable::new();
        entry.insert("path", Value::from(path));
        if let Some(editable) = editable {
            entry.insert("editable", Value::from(editable));
        }
        entry.fmt();
        sources.insert(name, Item::Value(Value::InlineTable(entry)));
        Ok(())
    }

    /// Removes the `[tool.pvm.sources]` entry of `name` when no requirement of the manifest
    /// names it any more (and the table, when it is left empty); `true` when it did.
    pub fn drop_unused_source(&mut self, name: &str) -> Result<bool, EditError> {
        let wanted = normalized(name);
        if self.names_in_use().contains(&wanted) {
            return Ok(false);
        }
        let Some(sources) = self.sources_table(false)? else {
            return Ok(false);
        };
        let keys: Vec<String> = sources
            .iter()
            .map(|(key, _)| key.to_string())
            .filter(|key| normalized(key) == wanted)
            .collect();
        for key in &keys {
            sources.remove(key);
        }
        let emptied = sources.is_empty();
        if emptied && let Some(pvm) = self.pvm_table(false)? {
            pvm.remove("sources");
        }
        Ok(!keys.is_empty())
    }

    /// The normalized names of every requirement of the manifest: dependencies, extras, groups.
    fn names_in_use(&self) -> std::collections::BTreeSet<String> {
        let names = |item: Option<&Item>| -> Vec<String> {
            item.and_then(Item::as_array)
                .map(|array| array.iter().filter_map(entry_name).collect())
                .unwrap_or_default()
        };
        if self.script {
            return names(self.doc.get("dependencies")).into_iter().collect();
        }
        let project = self.doc.get("project").and_then(Item::as_table_like);
        let mut out: std::collections::BTreeSet<String> =
            names(project.and_then(|p| p.get("dependencies")))
                .into_iter()
                .collect();
        let tables = [
            project
                .and_then(|p| p.get("optional-dependencies"))
                .and_then(Item::as_table_like),
            self.doc
                .get("dependency-groups")
                .and_then(Item::as_table_like),
        ];
        for table in tables.into_iter().flatten() {
            for (_, item) in table.iter() {
                out.extend(names(Some(item)));
            }
        }
        out
    }

    /// `[tool.pvm]`, created (as a table of its own) when `create`.
    fn pvm_table(&mut self, create: bool) -> Result<Option<&mut dyn TableLike>, EditError> {
        let shape = |key: &str| EditError::Shape {
            key: key.to_string(),
            expected: "a table",
        };
        if !self.doc.contains_key("tool") {
            if !create {
                return Ok(None);
            }
            let mut tool = Table::new();
            tool.set_implicit(true);
            self.doc.insert("tool", Item::Table(tool));
        }
        let tool = self.doc["tool"]
            .as_table_like_mut()
            .ok_or_else(|| shape("tool"))?;
        if !tool.contains_key("pvm") {
            if !create {
                return Ok(None);
            }
            // Implicit: a `[tool.pvm]` made only to hold `sources` shows no header of its own.
            let mut pvm = Table::new();
            pvm.set_implicit(true);
            tool.insert("pvm", Item::Table(pvm));
        }
        tool.get_mut("pvm")
            .and_then(Item::as_table_like_mut)
            .map(Some)
            .ok_or_else(|| shape("tool.pvm"))
    }

    /// `[tool.pvm.sources]`, created when `create`.
    fn sources_table(&mut self, create: bool) -> Result<Option<&mut dyn TableLike>, EditError> {
        let Some(pvm) = self.pvm_table(create)? else {
            return Ok(None);
        };
        if !pvm.contains_key("sources") {
            if !create {
                return Ok(None);
            }
            pvm.insert("sources", Item::Table(Table::new()));
        }
        pvm.get_mut("sources")
            .and_then(Item::as_table_like_mut)
            .map(Some)
            .ok_or_else(|| EditError::Shape {
                key: "tool.pvm.sources".into(),
                expected: "a table",
            })
    }

    /// The array of `target`, created (with its tables) when `create`.
    fn array(&mut self, target: &Target, create: bool) -> Result<Option<&mut Array>, EditError> {
        let (table, key, path) = match target {
            Target::Dependencies => (
                "project",
                "dependencies".to_string(),
                "project.dependencies".to_string(),
            ),
            Target::Group(group) => (
                "dependency-groups",
                group.clone(),
                format!("dependency-groups.{group}"),
            ),
            Target::Extra(extra) => (
                "project",
                extra.clone(),
                format!("project.optional-dependencies.{extra}"),
            ),
        };
        let shape = |expected| EditError::Shape {
            key: path.clone(),
            expected,
        };
        if self.script {
            if *target != Target::Dependencies {
                return Err(EditError::ScriptTarget);
            }
            if !self.doc.contains_key("dependencies") {
                if !create {
                    return Ok(None);
                }
                self.doc
                    .insert("dependencies", Item::Value(Value::Array(Array::new())));
            }
            return self.doc["dependencies"]
                .as_array_mut()
                .map(Some)
                .ok_or_else(|| shape("an array"));
        }
        if !self.doc.contains_key(table) {
            if !create {
                return Ok(None);
            }
            self.doc.insert(table, Item::Table(Table::new()));
        }
        let mut parent = self.doc[table]
            .as_table_like_mut()
            .ok_or_else(|| shape("a table"))?;
        if let Target::Extra(_) = target {
            if !parent.contains_key("optional-dependencies") {
                if !create {
                    return Ok(None);
                }
                parent.insert("optional-dependencies", Item::Table(Table::new()));
            }
            parent = parent
                .get_mut("optional-dependencies")
                .and_then(Item::as_table_like_mut)
                .ok_or_else(|| shape("a table"))?;
        }
        if !parent.contains_key(&key) {
            if !create {
                return Ok(None);
            }
            parent.insert(&key, Item::Value(Value::Array(Array::new())));
        }
        parent
            .get_mut(&key)
            .and_then(Item::as_array_mut)
            .map(Some)
            .ok_or_else(|| shape("an array"))
    }
}

/// The normalized name of a string entry (an `{include-group = …}` table has none).
fn entry_name(item: &Value) -> Option<String> {
    let text = item.as_str()?;
    let requirement = pep::parse_requirement(text).ok()?;
    Some(normalized(requirement.name.as_ref()))
}

fn normalized(name: &str) -> String {
    pep::normalize_name(name).unwrap_or_else(|_| name.to_string())
}

/// Appends `text` the way the array is laid out: one entry per line when it is, else inline.
fn push_keeping_layout(array: &mut Array, text: &str) {
    let multiline = array
        .iter()
        .next()
        .and_then(|first| first.decor().prefix())
        .and_then(|prefix| prefix.as_str())
        .is_some_and(|prefix| prefix.contains('\n'));
    let indent = array
        .iter()
        .next()
        .and_then(|first| first.decor().prefix())
        .and_then(|prefix| prefix.as_str())
        .and_then(|prefix| prefix.rsplit('\n').next())
        .unwrap_or("    ")
        .to_string();
    // A comment after the last entry (`"six",  # why`) belongs to it: it stays on its line.
    // Comment lines below the last entry stay below the new one, with the closing indent.
    let trailing = array.trailing().as_str().unwrap_or("").to_string();
    let (comment, below) = match trailing.split_once('\n') {
        Some((comment, below)) => (comment.to_string(), Some(below.to_string())),
        None => (trailing.clone(), None),
    };
    array.push(text);
    if multiline {
        let last = array.len() - 1;
        if let Some(value) = array.get_mut(last) {
            value.decor_mut().set_prefix(format!("{comment}\n{indent}"));
        }
        array.set_trailing_comma(true);
        array.set_trailing(match below {
            Some(below) => format!("\n{below}"),
            None => "\n".to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Requirement {
        pep::parse_requirement(text).unwrap()
    }

    const MANIFEST: &str = r#"# my project
[project]
name = "demo"  # the name
dependencies = [
    "attrs>=22",  # keep me
    "six",  # and me
]

[tool.pvm]
python = "3.12"
"#;

    #[test]
    fn add_keeps_comments_and_layout() {
        let mut edit = ManifestEdit::parse(MANIFEST).unwrap();
        assert_eq!(
            edit.add(&Target::Dependencies, &req("idna>=3")).unwrap(),
            Change::Added
        );
        let text = edit.text();
        assert!(text.starts_with("# my project\n[project]\nname = \"demo\"  # the name\n"));
        assert!(
            text.contains(
                "    \"attrs>=22\",  # keep me\n    \"six\",  # and me\n    \"idna>=3\",\n]"
            ),
            "{text}"
        );
        assert!(text.ends_with("[tool.pvm]\npython = \"3.12\"\n"));
    }

    #[test]
    fn add_replaces_the_same_name_and_drop_removes_it() {
        let mut edit = ManifestEdit::parse(MANIFEST).unwrap();
        assert_eq!(
            edit.add(&Target::Dependencies, &req("Six==1.16")).unwrap(),
            Change::Replaced("six".into())
        );
        assert!(edit.text().contains("\"six==1.16\""));
        assert_eq!(
            edit.drop(&Target::Dependencies, "six").unwrap(),
            Change::Removed("six==1.16".into())
        );
        assert!(!edit.text().contains("six"));
        assert!(matches!(
            edit.drop(&Target::Dependencies, "nope"),
            Err(EditError::Absent { .. })
        ));
    }

    #[test]
    fn dropping_the_first_entry_keeps_the_list_spaced_as_it_was() {
        let text = "[dependency-groups]\ntest = [\"pytest>=8.3.5\", \"freezegun>=1.5.5\"]\nlong = [\n    \"a\",\n    \"b\",\n]\n";
        let mut edit = ManifestEdit::parse(text).unwrap();
        edit.drop(&Target::Group("test".into()), "pytest").unwrap();
        edit.drop(&Target::Group("long".into()), "a").unwrap();
        assert_eq!(
            edit.text(),
            "[dependency-groups]\ntest = [\"freezegun>=1.5.5\"]\nlong = [\n    \"b\",\n]\n"
        );
    }

    #[test]
    fn comment_lines_at_the_end_of_a_list_stay() {
        let text = "[project]\ndependencies = [\n    \"alpha\",\n    # \"gamma\",  disabled for now\n  ]\n";
        let mut edit = ManifestEdit::parse(text).unwrap();
        edit.add(&Target::Dependencies, &req("beta")).unwrap();
        assert_eq!(
            edit.text(),
            "[project]\ndependencies = [\n    \"alpha\",\n    \"beta\",\n    # \"gamma\",  disabled for now\n  ]\n"
        );
    }

    #[test]
    fn groups_and_extras_are_made_when_missing() {
        let mut edit = ManifestEdit::parse(MANIFEST).unwrap();
        edit.add(&Target::Group("dev".into()), &req("pytest"))
            .unwrap();
        edit.add(&Target::Extra("fast".into()), &req("orjson"))
            .unwrap();
        let text = edit.text();
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            table["dependency-groups"]["dev"][0].as_str(),
            Some("pytest")
        );
        assert_eq!(
            table["project"]["optional-dependencies"]["fast"][0].as_str(),
            Some("orjson")
        );
    }
}
