//! What the user sees: progress on stderr, colored status lines, tables, and errors.
//! Commands use this; the core never prints.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use owo_colors::OwoColorize;

use crate::cli::ColorChoice;

/// Output settings for one invocation.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
    /// `COLUMNS`: how wide tables may be, over the terminal's width.
    pub columns: Option<usize>,
}

impl Ui {
    pub fn new(quiet: bool, color: ColorChoice, columns: Option<usize>) -> Ui {
        let choice = match color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
        Ui { quiet, columns }
    }

    /// A spinner on stderr; hidden when stderr is not a terminal or under `--quiet`.
    pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner().with_message(shown(&message.into()).into_owned());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg}")
                .expect("valid template")
                .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
        );
        bar.enable_steady_tick(Duration::from_millis(80));
        bar
    }

    /// A download bar on stderr (bytes, of `total` when known); hidden like the spinner.
    pub fn bytes_bar(&self, total: Option<u64>, message: impl Into<String>) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total),
            None => ProgressBar::new_spinner(),
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30.cyan/blue}] {bytes}/{total_bytes} ({bytes_per_sec})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_message(shown(&message.into()).into_owned());
        bar
    }

    /// A status line on stderr: `verb` in green, aligned like cargo's.
    pub fn status(&self, verb: &str, message: impl std::fmt::Display) {
        if self.quiet {
            return;
        }
        let message = shown_lines(&message.to_string()).into_owned();
        let mut err = anstream::stderr();
        let _ = writeln!(err, "{:>10} {message}", verb.green().bold());
    }

    /// An indented detail line under a status line.
    pub fn detail(&self, message: impl std::fmt::Display) {
        if self.quiet {
            return;
        }
        let message = shown_lines(&message.to_string()).into_owned();
        let mut err = anstream::stderr();
        let _ = writeln!(err, "{:>10} {message}", "");
    }

    pub fn warn(&self, message: impl std::fmt::Display) {
        if self.quiet {
            return;
        }
        let message = shown_lines(&message.to_string()).into_owned();
        let mut err = anstream::stderr();
        let _ = writeln!(err, "{}: {message}", "warning".yellow().bold());
    }
}

/// `text` with its control characters (C0, DEL and C1) written as escapes, `\x1b` or `\u{9b}`,
/// as `--json` writes them: a folder or package name can hold ones that set a terminal's title
/// or clear its screen. For everything from disk or the network that pvm shows to a person;
/// machine output (`--json`, `info --path`, `python find`) is exact instead.
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_controls(text, false)
}

/// [`shown`], keeping line breaks and tabs: for messages of several lines.
pub fn shown_lines(text: &str) -> Cow<'_, str> {
    escape_controls(text, true)
}

fn escape_controls(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(keep_lines && matches!(c, '\n' | '\t'));
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            c if c.is_ascii() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// [`table`] of cells that come from outside (paths, versions, names read from files), each
/// [`shown`] with its control characters escaped.
pub fn shown_table<R: IntoIterator<Item = String>>(
    columns: Option<usize>,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| shown(&cell).into_owned())
                .collect()
        })
        .collect();
    table(columns, header, &rows)
}

/// Rows aligned under a header. Columns are padded to the widest cell; the last column is not
/// padded, so nothing trails on narrow terminals or in pipes. `columns` is `COLUMNS`.
pub fn table(columns: Option<usize>, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| visible_width(h)).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(visible_width(cell));
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[i] - visible_width(cell) + 2));
            }
        }
        out
    };
    // Too wide for the terminal: one block of `KEY: value` lines per row instead.
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    if output_width(columns).is_some_and(|width| total > width) {
        let key_width = header.iter().map(|h| h.len()).max().unwrap_or(0);
        let blocks: Vec<String> = rows
            .iter()
            .map(|row| {
                header
                    .iter()
                    .zip(row)
                    .map(|(key, value)| format!("{:>key_width$}: {value}\n", key.bold()))
                    .collect()
            })
            .collect();
        return blocks.join("\n");
    }
    let header: Vec<String> = header.iter().map(|h| h.bold().to_string()).collect();
    let mut out = line(&header);
    out.push('\n');
    for row in rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// How wide stdout is: `COLUMNS` when set, else the terminal's width; `None` for a pipe.
fn output_width(columns: Option<usize>) -> Option<usize> {
    if let Some(columns) = columns {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    console::Term::stdout()
        .size_checked()
        .map(|(_, columns)| columns as usize)
}

/// Width on screen: color codes take none.
fn visible_width(text: &str) -> usize {
    anstream::adapter::strip_str(text)
        .to_string()
        .chars()
        .count()
}

/// `12.3 MiB`
/// `1 change`, `2 changes`: a count with its noun, plural when it should be.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `3 minutes ago`, `2 days ago`, `never`.
pub fn ago(then: Option<jiff::Timestamp>) -> String {
    let Some(then) = then else {
        return "never".into();
    };
    let seconds = jiff::Timestamp::now().as_second() - then.as_second();
    let (value, unit) = match seconds {
        s if s < 60 => return "just now".into(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86400 => (s / 3600, "hour"),
        s => (s / 86400, "day"),
    };
    format!("{value} {unit}{} ago", if value == 1 { "" } else { "s" })
}

/// Asks a yes/no question on the terminal; anything but yes is no.
pub fn confirm(question: &str) -> bool {
    let mut err = anstream::stderr();
    let _ = write!(err, "{} [y/N] ", shown(question));
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn a_shown_table_escapes_every_cell() {
        let rows = [["a\u{1b}[2J".to_string(), "1.0".to_string()]];
        assert_eq!(
            shown_table(None, &["NAME", "VERSION"], rows),
            table(
                None,
                &["NAME", "VERSION"],
                &[vec!["a\\x1b[2J".to_string(), "1.0".to_string()]]
            )
        );
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(shown("plain/päth"), "plain/päth");
        assert_eq!(
            shown("a\u{1b}]0;title\u{7}b\u{1b}[2J\u{7f}\u{9b}\n"),
            "a\\x1b]0;title\\x07b\\x1b[2J\\x7f\\u{9b}\\x0a"
        );
        assert_eq!(shown_lines("one\n\ttwo\r\u{1b}"), "one\n\ttwo\\x0d\\x1b");
    }
}
