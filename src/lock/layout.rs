//! `pylock.toml` as text, laid out as PEP 751's examples are (and as uv writes it): each
//! artifact an inline table on one line, so that a changed pin is a small diff.
//!
//! Written directly rather than by serializing the lock and reshaping the document with
//! `toml_edit`: a universal lock of a few dozen packages holds thousands of wheels, and the
//! round trip through a formatted document cost more than the rest of `pvm add` outside uv.
//! Each value is still encoded by `toml` itself, so strings are quoted and escaped as any
//! TOML reader expects.

use std::fmt::Write as _;

use crate::lock::pylock::{Artifact, Directory, Package, PvmTable, PyLock};

/// The lock as TOML (without the comment header `PyLock::write` puts first).
pub fn to_toml(lock: &PyLock) -> String {
    let mut out = String::with_capacity(capacity(lock));
    write_toml(&mut out, lock);
    out
}

/// About what [`to_toml`] writes, to allocate once.
pub fn capacity(lock: &PyLock) -> usize {
    256 + lock.packages.len() * 1024
}

/// [`to_toml`], written at the end of `out`.
pub fn write_toml(out: &mut String, lock: &PyLock) {
    key_value(out, "lock-version", &string(&lock.lock_version));
    if let Some(environments) = &lock.environments {
        key_value(out, "environments", &strings(environments));
    }
    if let Some(requires_python) = &lock.requires_python {
        key_value(out, "requires-python", &string(requires_python));
    }
    for (key, names) in [
        ("extras", &lock.extras),
        ("dependency-groups", &lock.dependency_groups),
        ("default-groups", &lock.default_groups),
    ] {
        if !names.is_empty() {
            key_value(out, key, &strings(names));
        }
    }
    key_value(out, "created-by", &string(&lock.created_by));
    // PEP 751 requires the key: a lock of nothing says so.
    if lock.packages.is_empty() {
        out.push_str("packages = []\n");
    }
    for package in &lock.packages {
        out.push_str("\n[[packages]]\n");
        write_package(out, package);
    }
    if let Some(tool) = &lock.tool {
        match &tool.pvm {
            Some(table) => write_pvm_table(out, table),
            None => out.push_str("\n[tool]\n"),
        }
    }
}

fn write_package(out: &mut String, package: &Package) {
    key_value(out, "name", &string(package.name.as_str()));
    let optional = [
        ("version", &package.version),
        ("marker", &package.marker),
        ("requires-python", &package.requires_python),
        ("index", &package.index),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            key_value(out, key, &string(value));
        }
    }
    if let Some(directory) = &package.directory {
        out.push_str("directory = ");
        write_directory(out, directory);
        out.push('\n');
    }
    for (key, artifact) in [("archive", &package.archive), ("sdist", &package.sdist)] {
        if let Some(artifact) = artifact {
            out.push_str(key);
            out.push_str(" = ");
            write_artifact(out, artifact);
            out.push('\n');
        }
    }
    if !package.wheels.is_empty() {
        out.push_str("wheels = [");
        for wheel in &package.wheels {
            out.push_str("\n    ");
            write_artifact(out, wheel);
            out.push(',');
        }
        out.push_str("\n]\n");
    }
}

fn write_pvm_table(out: &mut String, table: &PvmTable) {
    out.push_str("\n[tool.pvm]\n");
    key_value(out, "inputs", &string(&table.inputs));
    key_value(out, "resolver", &string(&table.resolver));
    if !table.sources.is_empty() {
        key_value(out, "sources", &strings(&table.sources));
    }
    if !table.input_hashes.is_empty() {
        out.push_str("\n[tool.pvm.input-hashes]\n");
        for (name, hash) in &table.input_hashes {
            key_value(out, &key(name), &string(hash));
        }
    }
}

fn write_directory(out: &mut String, directory: &Directory) {
    let mut table = Inline::open(out);
    write_string(table.field("path"), &directory.path);
    if let Some(editable) = directory.editable {
        let _ = write!(table.field("editable"), "{editable}");
    }
    table.close();
}

/// An artifact as an inline table, written straight into `out`: a universal lock holds
/// thousands of them, and a `String` for each field was a third of the writing.
fn write_artifact(out: &mut String, artifact: &Artifact) {
    let mut table = Inline::open(out);
    for (key, value) in [
        ("name", &artifact.name),
        ("url", &artifact.url),
        ("path", &artifact.path),
    ] {
        if let Some(value) = value {
            write_string(table.field(key), value);
        }
    }
    if let Some(time) = &artifact.upload_time {
        let _ = write!(table.field("upload-time"), "{time}");
    }
    if let Some(size) = artifact.size {
        let _ = write!(table.field("size"), "{size}");
    }
    let mut hashes = Inline::open(table.field("hashes"));
    for (algorithm, digest) in &artifact.hashes {
        write_string(hashes.field(&key(algorithm)), digest);
    }
    hashes.close();
    table.close();
}

/// An inline table written into a text field by field: `{ a = 1, b = 2 }`, or `{}` when
/// empty, as `toml_edit` formats one.
struct Inline<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Inline<'a> {
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        Inline { out, empty: true }
    }

    /// Writes `key = ` (after a comma but for the first): the caller writes the value.
    fn field(&mut self, key: &str) -> &mut String {
        self.out.push_str(if self.empty { " " } else { ", " });
        self.empty = false;
        self.out.push_str(key);
        self.out.push_str(" = ");
        self.out
    }

    fn close(self) {
        self.out.push_str(if self.empty { "}" } else { " }" });
    }
}

fn key_value(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

/// A string as TOML writes it (quoted and escaped by `toml` itself). A lock is a thousand URLs
/// and digests of plain printable ASCII, which `toml` writes between double quotes as they
/// are: those are quoted here, without building a TOML value for each (debug builds, every
/// test, check that it is what `toml` writes).
fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    write_string(&mut out, value);
    out
}

/// [`string`], written at the end of `out`.
fn write_string(out: &mut String, value: &str) {
    let plain = value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if !plain {
        out.push_str(&toml::Value::String(value.to_string()).to_string());
        return;
    }
    let start = out.len();
    out.push('"');
    out.push_str(value);
    out.push('"');
    debug_assert_eq!(
        out[start..],
        toml::Value::String(value.to_string()).to_string(),
        "toml writes `{value}` otherwise"
    );
}

fn strings(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|value| string(value)).collect();
    format!("[{}]", items.join(", "))
}

/// A key: bare where TOML allows it, quoted otherwise (`"extra x"`).
fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { name.to_string() } else { string(name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_as_toml_writes_them() {
        for text in [
            "",
            "https://files.pythonhosted.org/packages/ab/cd/attrs-26.1.0-py3-none-any.whl",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "python_version >= '3.9' and sys_platform == 'win32'",
            "a \"quoted\" word",
            "back\\slash",
            "caf\u{e9}",
            "tab\there",
            "~ { } [ ] = #",
            "'single'",
        ] {
            assert_eq!(
                string(text),
                toml::Value::String(text.to_string()).to_string(),
                "{text:?}"
            );
        }
    }
    use crate::lock::pylock::Tool;

    /// The layout as pvm wrote it before: the lock serialized, then reshaped as a document.
    fn reshaped(lock: &PyLock) -> String {
        use toml_edit::{DocumentMut, Item, Value};
        let text = toml::to_string(lock).expect("lock serializes");
        let mut doc: DocumentMut = text.parse().expect("toml reads back what it wrote");
        let inline = |item: &mut Item| {
            if let Item::Table(table) = item {
                let mut inline = table.clone().into_inline_table();
                inline.fmt();
                *item = Item::Value(Value::InlineTable(inline));
            }
        };
        if let Some(packages) = doc
            .get_mut("packages")
            .and_then(Item::as_array_of_tables_mut)
        {
            for package in packages.iter_mut() {
                for key in ["directory", "archive", "sdist"] {
                    // Removed and inserted again: the key keeps its ` = ` spacing.
                    if let Some(mut item) = package.remove(key) {
                        inline(&mut item);
                        package.insert(key, item);
                    }
                }
                if let Some(wheels) = package.remove("wheels")
                    && let Some(tables) = wheels.as_array_of_tables()
                {
                    let mut array = toml_edit::Array::new();
                    for table in tables.iter() {
                        let mut wheel = table.clone().into_inline_table();
                        wheel.fmt();
                        array.push(wheel);
                    }
                    for value in array.iter_mut() {
                        value.decor_mut().set_prefix("\n    ");
                    }
                    array.set_trailing_comma(true);
                    array.set_trailing("\n");
                    package.insert("wheels", Item::Value(Value::Array(array)));
                }
            }
        }
        doc.to_string()
    }

    fn artifact(name: Option<&str>, url: Option<&str>, path: Option<&str>) -> Artifact {
        Artifact {
            name: name.map(String::from),
            url: url.map(String::from),
            path: path.map(String::from),
            upload_time: "2024-05-20T21:33:25Z".parse().ok(),
            size: Some(16081),
            hashes: [("sha256".to_string(), "ab".repeat(32))].into(),
        }
    }

    fn package(name: &str) -> Package {
        Package {
            name: name.parse().unwrap(),
            version: Some("1.0".into()),
            marker: None,
            requires_python: None,
            index: None,
            directory: None,
            archive: None,
            sdist: None,
            wheels: Vec::new(),
        }
    }

    /// Every kind of field and value a lock holds, quotes and spaces included.
    fn every_field() -> PyLock {
        let mut wheels = package("wheels");
        wheels.marker = Some(r#"python_full_version < '3.10' and extra == "x""#.into());
        wheels.requires_python = Some(">=3.8".into());
        wheels.index = Some("https://pypi.org/simple".into());
        wheels.sdist = Some(artifact(None, Some("https://h/wheels-1.0.tar.gz"), None));
        wheels.wheels = vec![
            artifact(None, Some("https://h/wheels-1.0-py3-none-any.whl"), None),
            artifact(Some("wheels-1.0-cp312-abi3.whl"), None, None),
        ];
        let mut one = package("one");
        one.wheels = vec![artifact(
            None,
            None,
            Some("wheels/one-1.0-py3-none-any.whl"),
        )];
        let mut bare = artifact(None, None, Some("dist/bare.tar.gz"));
        bare.upload_time = None;
        bare.size = None;
        bare.hashes.clear();
        let mut archive = package("archive");
        archive.version = None;
        archive.archive = Some(bare);
        let mut folder = package("demo");
        folder.version = None;
        folder.directory = Some(Directory {
            path: ".".into(),
            editable: Some(true),
        });
        let mut plain = package("lib");
        plain.directory = Some(Directory {
            path: "../lib".into(),
            editable: None,
        });
        PyLock {
            lock_version: "1.0".into(),
            environments: Some(vec!["python_version == '3.12'".into(), "x".into()]),
            requires_python: Some(">=3.9".into()),
            extras: vec!["fast".into()],
            dependency_groups: vec!["dev".into(), "test suite".into()],
            default_groups: vec!["dev".into()],
            created_by: "pvm".into(),
            packages: vec![wheels, one, archive, folder, plain],
            tool: Some(Tool {
                pvm: Some(PvmTable {
                    inputs: "cd".repeat(32),
                    resolver: "uv".into(),
                    sources: vec!["https://pypi.org/simple".into(), "./wheels".into()],
                    input_hashes: [
                        ("dependencies".to_string(), "0123".to_string()),
                        ("extra fast".to_string(), "4567".to_string()),
                        ("group test suite".to_string(), "89ab".to_string()),
                    ]
                    .into(),
                }),
            }),
        }
    }

    #[test]
    fn the_layout_is_the_one_pvm_always_wrote() {
        let lock = every_field();
        assert_eq!(to_toml(&lock), reshaped(&lock));
        let mut minimal = lock.clone();
        minimal.environments = None;
        minimal.requires_python = None;
        minimal.extras.clear();
        minimal.dependency_groups.clear();
        minimal.default_groups.clear();
        minimal.packages.clear();
        minimal.tool = None;
        assert_eq!(to_toml(&minimal), reshaped(&minimal));
        minimal.tool = Some(Tool::default());
        assert_eq!(to_toml(&minimal), reshaped(&minimal));
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let lock = every_field();
        let back: PyLock = toml::from_str(&to_toml(&lock)).unwrap();
        assert_eq!(back, lock);
    }
}
