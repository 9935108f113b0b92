//! A wheel's `RECORD` (the binary distribution format spec): a CSV file, one row per file,
//! `path,hash,size`, hash and size empty for RECORD itself.

/// One RECORD row: the path relative to site-packages, `sha256=…` and the size in bytes
/// (both empty where unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub path: String,
    pub hash: String,
    pub size: String,
}

/// The rows of a RECORD's text, skipping empty ones. A row with more than three fields is a
/// path with unquoted commas, as some writers leave it: the last two fields are hash and size.
pub fn read(text: &str) -> Vec<Row> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter_map(|fields| {
            let fields: Vec<&str> = fields.iter().collect();
            let split = fields.len().checked_sub(2).filter(|&n| n > 0)?;
            let (path, rest) = fields.split_at(split);
            Some(Row {
                path: path.join(","),
                hash: rest[0].to_string(),
                size: rest[1].to_string(),
            })
        })
        .filter(|row| !row.path.is_empty())
        .collect()
}

/// RECORD's text for `rows` (path, and hash and size where known), quoted as CSV needs.
pub fn write<'a>(rows: impl IntoIterator<Item = (&'a str, Option<(&'a str, u64)>)>) -> String {
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for (path, hashed) in rows {
        let (hash, size) = hashed.map_or((String::new(), String::new()), |(hash, size)| {
            (hash.to_string(), size.to_string())
        });
        // Writing into memory cannot fail.
        let _ = out.write_record([path, &hash, &size]);
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_with_commas_quotes_and_newlines_in_paths() {
        let text = write([
            ("a/plain.py", Some(("sha256=abc", 12))),
            ("a/with, comma.py", Some(("sha256=def", 3))),
            ("a/\"quoted\"\nname.py", Some(("sha256=ghi", 0))),
            ("a-1.0.dist-info/RECORD", None),
        ]);
        assert!(text.starts_with("a/plain.py,sha256=abc,12\n\"a/with, comma.py\","));
        assert!(text.ends_with("a-1.0.dist-info/RECORD,,\n"));
        let rows = read(&text);
        let paths: Vec<&str> = rows.iter().map(|row| row.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "a/plain.py",
                "a/with, comma.py",
                "a/\"quoted\"\nname.py",
                "a-1.0.dist-info/RECORD"
            ]
        );
        assert_eq!(
            (rows[1].hash.as_str(), rows[1].size.as_str()),
            ("sha256=def", "3")
        );
        assert_eq!((rows[3].hash.as_str(), rows[3].size.as_str()), ("", ""));
    }

    #[test]
    fn unquoted_commas_and_blank_lines_are_read_as_before() {
        let rows = read("x/a,b.py,sha256=abc,5\r\n\nshort\n");
        assert_eq!(
            rows,
            [Row {
                path: "x/a,b.py".into(),
                hash: "sha256=abc".into(),
                size: "5".into()
            }]
        );
    }
}
