//! Quoting text for the shells pvm writes scripts for.

/// `text` as one POSIX shell word that the shell reads back exactly: single quotes, in which
/// nothing is special, with each `'` and `\` put outside them, escaped (`'\''`, `'\\'`).
///
/// A `\` could stay inside the quotes for sh, but outside them the word also reads back exactly
/// in fish and csh (which take `\\` and `\'` as escapes inside single quotes), and in the
/// `/bin/sh` trampoline of a console script, whose second line Python reads as a string, where
/// `\N` or `\x` alone would be a syntax error and `\\` and `\'` are not.
pub fn posix(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str(r"'\''"),
            '\\' => out.push_str(r"'\\'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_go_outside_the_quotes() {
        assert_eq!(posix("plain"), "'plain'");
        assert_eq!(posix("it's"), r"'it'\''s'");
        assert_eq!(posix(r"a\Nb"), r"'a'\\'Nb'");
        assert_eq!(posix("$HOME \"x\""), "'$HOME \"x\"'");
    }

    #[test]
    fn sh_reads_back_exactly_what_was_quoted() {
        for text in [
            "O'Brien dir",
            r#"a "b" $c `d` \e \'f' ''' !g"#,
            "new\nline",
            "",
        ] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", posix(text)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), text);
        }
    }
}
