//! TOML values as Python's `json.dumps(value, sort_keys=True)` writes them: how Poetry and
//! pipenv hash the manifest their lock was made from.

/// `json.dumps(value, sort_keys=True, separators=(item, key))`, with `ensure_ascii`.
pub fn dumps(value: &toml::Value, item: &str, key: &str) -> String {
    let mut out = String::new();
    write(value, item, key, &mut out);
    out
}

fn write(value: &toml::Value, item: &str, key: &str, out: &mut String) {
    match value {
        toml::Value::String(text) => string(text, out),
        toml::Value::Integer(n) => out.push_str(&n.to_string()),
        toml::Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
            out.push_str(&format!("{f:.1}"))
        }
        toml::Value::Float(f) => out.push_str(&f.to_string()),
        toml::Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        toml::Value::Datetime(datetime) => string(&datetime.to_string(), out),
        toml::Value::Array(items) => {
            out.push('[');
            for (index, value) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(item);
                }
                write(value, item, key, out);
            }
            out.push(']');
        }
        toml::Value::Table(table) => {
            out.push('{');
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            for (index, name) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push_str(item);
                }
                string(name, out);
                out.push_str(key);
                write(&table[name], item, key, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string with every character outside ASCII escaped, as Python's `ensure_ascii`.
fn string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_as_python_does() {
        let value: toml::Value =
            toml::from_str("b = [1, true, \"x\"]\na = { z = 1.0, y = \"é\\n😀\" }\n").unwrap();
        // json.dumps({"b": [1, True, "x"], "a": {"z": 1.0, "y": "é\n😀"}}, sort_keys=True)
        assert_eq!(
            dumps(&value, ", ", ": "),
            r#"{"a": {"y": "\u00e9\n\ud83d\ude00", "z": 1.0}, "b": [1, true, "x"]}"#
        );
        assert_eq!(
            dumps(&value, ",", ":"),
            r#"{"a":{"y":"\u00e9\n\ud83d\ude00","z":1.0},"b":[1,true,"x"]}"#
        );
    }
}
