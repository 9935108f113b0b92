//! Quoting text for the shells pvm writes scripts for.

/// `text` as one POSIX shell word that the shell reads back exactly: single quotes, in which
/// nothing is special, with each `'` and `\` put outside them, escaped (`'\''`, `'\\'`).
///
/// A `\` could stay inside the quotes for sh, but outside them the word also reads back exactly
/// in fish and csh (which take `\\` and `\'` as escapes inside single quotes), and in the
/// `/bin/sh` trampoline of a console script, whose second line Python reads as a string, where
/// `\N` or `\x` alone would be a syntax error and `\\` and `\'` are not.
pub fn posix(text: &str) -> String {
    enclosed(text, '\'', |c| match c {
        '\'' => Some(r"'\''".into()),
        '\\' => Some(r"'\\'".into()),
        _ => None,
    })
}

/// `text` between two `quote`s, each character that `escape` gives a replacement for replaced.
fn enclosed(text: &str, quote: char, escape: impl Fn(char) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match escape(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `text` as one csh (and tcsh) word that reads back exactly: [`posix`], with each `!` put
/// outside the quotes, escaped, since csh expands history even inside single quotes.
pub fn csh(text: &str) -> String {
    posix(text).replace('!', r"'\!'")
}

/// `text` as one nushell string: double quotes, in which nushell interpolates nothing, with
/// `\`, `"` and the control characters escaped.
pub fn nu(text: &str) -> String {
    enclosed(text, '"', |c| match c {
        '\\' => Some(r"\\".into()),
        '"' => Some(r#"\""#.into()),
        '\n' => Some(r"\n".into()),
        '\t' => Some(r"\t".into()),
        '\r' => Some(r"\r".into()),
        c if c.is_control() => Some(format!("\\u{{{:x}}}", u32::from(c))),
        _ => None,
    })
}

/// `text` as one PowerShell string: single quotes, in which nothing is special but a `'`,
/// which is doubled.
pub fn powershell(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `text` as one word of a command pvm suggests (in a hint or a message), to paste into a POSIX
/// shell: as it is when the shell reads it back unchanged, else quoted by [`posix`]. Unquoted,
/// `>=3.14` would redirect into a file named `=3.14`; `=` and `~` are quoted too, since zsh
/// expands `=name` and every shell a leading `~`.
pub fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.,/:@%+".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        posix(text)
    }
}

/// A path as one word of a suggested command (see [`shell_word`]).
pub fn shell_path(path: &std::path::Path) -> String {
    shell_word(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_word_quotes_only_what_a_shell_would_change() {
        assert_eq!(shell_word("3.12"), "3.12");
        assert_eq!(
            shell_word("./vendor/my-lib_1.0+local"),
            "./vendor/my-lib_1.0+local"
        );
        assert_eq!(shell_word(">=3.14"), "'>=3.14'");
        assert_eq!(shell_word("==3.12"), "'==3.12'");
        assert_eq!(shell_word("~/x"), "'~/x'");
        assert_eq!(shell_word("my report.py"), "'my report.py'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn quotes_and_backslashes_go_outside_the_quotes() {
        assert_eq!(posix("plain"), "'plain'");
        assert_eq!(posix("it's"), r"'it'\''s'");
        assert_eq!(posix(r"a\Nb"), r"'a'\\'Nb'");
        assert_eq!(posix("$HOME \"x\""), "'$HOME \"x\"'");
    }

    #[test]
    fn other_shells_get_their_own_quotes() {
        assert_eq!(csh("a!b c"), r"'a'\!'b c'");
        assert_eq!(nu("a \"b\" \\ c\nd\u{1b}"), r#""a \"b\" \\ c\nd\u{1b}""#);
        assert_eq!(powershell("it's $HOME"), "'it''s $HOME'");
    }

    #[test]
    #[cfg_attr(windows, ignore = "runs sh")]
    fn sh_reads_back_exactly_what_was_quoted() {
        for text in [
            "O'Brien dir",
            r#"a "b" $c `d` \e \'f' ''' !g"#,
            "new\nline",
            "",
            ">=3.14,<4",
            "3.12",
            "a/b-c_d.e",
        ] {
            for quoted in [posix(text), shell_word(text)] {
                let out = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(format!("printf %s {quoted}"))
                    .output()
                    .unwrap();
                assert_eq!(String::from_utf8_lossy(&out.stdout), text);
            }
        }
    }
}
