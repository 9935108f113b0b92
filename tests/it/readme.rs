//! The README's samples hold: every ```toml block parses, and each that is a manifest or a
//! `[tool.pvm]` table is a manifest pvm accepts; every ```console block runs, as written, in a
//! sandbox made to look like the README's machine (`/home/me`, pyenv's Pythons, local wheels
//! named and versioned as the samples show them), and prints what the README shows.
//!
//! How a console block is read and checked:
//! - `$ command` lines run one after another in one bash, from the fixture's folder; each must
//!   exit 0. The lines below a command, up to the next `$`, are what it prints (stdout and
//!   stderr together). A command with no lines below it is only run: its output is not checked.
//! - Output is compared line by line after putting placeholders in both: the sandbox's root is
//!   removed (so its home reads `/home/me`), pyenv's folder reads `/home/me/.pyenv`, and a
//!   16-digit hash, a duration (`0.18s`), a size (`8.3 KiB`) and an age (`just now`, `2 hours
//!   ago`) match any other; runs of spaces count as one. A line `…` stands for any lines.
//! - An HTML comment just above the block, `<!-- readme-test: fixture NAME -->`, says what the
//!   block starts from (see [`Fixture`]); without one it starts in `/home/me/myapp`, a synced
//!   project. `<!-- readme-test: skip (why) -->` marks a block that cannot run here: then only
//!   its `pvm …` lines are checked, by clap, to be arguments pvm accepts.

use std::path::{Path, PathBuf};

use super::support::{Sandbox, backend_folder, build_wheel, test_uv};

const README: &str = include_str!("../../README.md");

/// A fenced block of the README.
struct Block {
    /// The line of its opening fence (1-based), for messages.
    line: usize,
    lang: String,
    /// What its `<!-- readme-test: … -->` comment says, if it has one.
    marker: Option<String>,
    body: Vec<String>,
}

impl Block {
    fn text(&self) -> String {
        self.body.iter().map(|l| format!("{l}\n")).collect()
    }
}

fn blocks() -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = README.lines().enumerate();
    let mut marker = None;
    while let Some((number, line)) = lines.next() {
        if let Some(rest) = line.trim().strip_prefix("<!-- readme-test:") {
            marker = Some(rest.trim_end_matches("-->").trim().to_string());
            continue;
        }
        let Some(lang) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                marker = None;
            }
            continue;
        };
        let body = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| !l.starts_with("```"))
            .map(String::from)
            .collect();
        blocks.push(Block {
            line: number + 1,
            lang: lang.trim().to_string(),
            marker: marker.take(),
            body,
        });
    }
    blocks
}

#[test]
fn every_toml_sample_parses_and_every_manifest_sample_is_accepted() {
    let mut manifests = 0;
    for block in blocks().iter().filter(|b| b.lang == "toml") {
        let text = block.text();
        if let Err(err) = text.parse::<toml::Table>() {
            panic!(
                "README line {}: the toml sample is not TOML: {err}",
                block.line
            );
        }
        if !(text.contains("[project]") || text.contains("[tool.pvm")) {
            continue;
        }
        manifests += 1;
        let sandbox = Sandbox::empty();
        let manifest = if text.contains("[project]") {
            text
        } else {
            format!("[project]\nname = \"myapp\"\nversion = \"0.1.0\"\n\n{text}")
        };
        sandbox.manifest(&manifest);
        let out = sandbox.pvm().arg("info").output().unwrap();
        assert!(
            out.status.success(),
            "README line {}: pvm refuses the manifest sample:\n{}",
            block.line,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(manifests > 0, "no manifest sample found in the README");
}
