//! What a path is, cheaply: the stamps that kept verdicts and indexes are checked against. A
//! file changed in the second before it was stamped is not trusted to its stamp: two writes
//! within one tick of the file system's clock can leave the same one.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// Files changed this recently before a stamp was taken are not trusted to it.
const SETTLING_NS: i128 = 1_000_000_000;

/// Now, in ns since the epoch: what [`Look::recent`] compares with.
pub fn now() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as i128)
}

/// How a path is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum How {
    /// `stat`, following links: the file that is read.
    Follow,
    /// `lstat`: the path itself (a link is not trusted).
    Own,
    /// `lstat`, only what the path is (type, device, inode), not its times: a folder on the
    /// way, whose other entries come and go.
    Identity,
}

impl How {
    pub fn tag(self) -> char {
        match self {
            How::Follow => 's',
            How::Own => 'l',
            How::Identity => 'i',
        }
    }

    pub fn from_tag(tag: &str) -> Option<How> {
        match tag {
            "s" => Some(How::Follow),
            "l" => Some(How::Own),
            "i" => Some(How::Identity),
            _ => None,
        }
    }
}

/// What a path was when stamped: its type, device, inode, size, and modification and change
/// times in ns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    Absent,
    Is {
        kind: char,
        dev: u64,
        ino: u64,
        size: u64,
        mtime: i128,
        ctime: i128,
    },
}

impl Look {
    pub fn text(&self) -> String {
        match self {
            Look::Absent => "-".into(),
            Look::Is {
                kind,
                dev,
                ino,
                size,
                mtime,
                ctime,
            } => format!("{kind}:{dev}:{ino}:{size}:{mtime}:{ctime}"),
        }
    }

    /// Whether `text` is this look's [`text`](Look::text), byte for byte, without writing it
    /// out: a warm `pvm list` compares thousands, and formatting was half its time.
    pub fn is_text(&self, text: &str) -> bool {
        let Look::Is {
            kind,
            dev,
            ino,
            size,
            mtime,
            ctime,
        } = self
        else {
            return text == "-";
        };
        let mut rest = text;
        let mut take = |part: &str| match rest.strip_prefix(part) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        };
        let mut digits = itoa::Buffer::new();
        let mut kind_text = [0; 4];
        take(kind.encode_utf8(&mut kind_text))
            && [*dev, *ino, *size]
                .iter()
                .all(|number| take(":") && take(digits.format(*number)))
            && [*mtime, *ctime]
                .iter()
                .all(|number| take(":") && take(digits.format(*number)))
            && rest.is_empty()
    }

    pub fn is_link(&self) -> bool {
        matches!(self, Look::Is { kind: 'l', .. })
    }

    /// Changed less than a second before `since` (see [`now`]), or after it.
    pub fn recent(&self, since: i128) -> bool {
        match self {
            Look::Absent => false,
            Look::Is { mtime, ctime, .. } => (*mtime).max(*ctime) > since - SETTLING_NS,
        }
    }
}

/// `path` as `how` sees it; `None` when it cannot be told (an error other than its absence),
/// and everywhere but on Unix, where there is no change time to trust.
#[cfg(unix)]
pub fn look(path: &Path, how: How) -> Option<Look> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let meta = match how {
        How::Follow => std::fs::metadata(path),
        How::Own | How::Identity => std::fs::symlink_metadata(path),
    };
    let meta = match meta {
        Ok(meta) => meta,
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Some(Look::Absent);
        }
        Err(_) => return None,
    };
    let kind = meta.file_type();
    let kind = if kind.is_symlink() {
        'l'
    } else if kind.is_dir() {
        'd'
    } else if kind.is_file() {
        'f'
    } else if kind.is_fifo() || kind.is_socket() || kind.is_block_device() {
        'o'
    } else {
        'c'
    };
    let ns = |secs: i64, nsecs: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
    let identity = how == How::Identity && kind != 'l';
    Some(Look::Is {
        kind,
        dev: meta.dev(),
        ino: meta.ino(),
        size: if identity { 0 } else { meta.size() },
        mtime: if identity {
            0
        } else {
            ns(meta.mtime(), meta.mtime_nsec())
        },
        ctime: if identity {
            0
        } else {
            ns(meta.ctime(), meta.ctime_nsec())
        },
    })
}

#[cfg(not(unix))]
pub fn look(_path: &Path, _how: How) -> Option<Look> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_is_its_text_and_nothing_else() {
        let looks = [
            Look::Absent,
            Look::Is {
                kind: 'f',
                dev: 2049,
                ino: 1_234_567,
                size: 0,
                mtime: 1_765_000_000_123_456_789,
                ctime: -5,
            },
        ];
        for look in &looks {
            let text = look.text();
            assert!(look.is_text(&text), "{text}");
            for other in [
                format!("{text}:"),
                format!("{text}0"),
                text[..text.len() - 1].to_string(),
                String::new(),
                format!("d{text}"),
            ] {
                assert!(!look.is_text(&other), "{other} is not {text}");
            }
        }
        assert!(!looks[1].is_text("f:2049:1234567:0:1765000000123456789:+5"));
        assert!(!looks[1].is_text("d:2049:1234567:0:1765000000123456789:-5"));
        assert!(!looks[0].is_text(&looks[1].text()));
    }
}
