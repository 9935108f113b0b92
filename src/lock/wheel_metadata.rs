//! What a wheel file says it requires, read without unpacking it: for the resolver, which
//! needs a locked wheel's dependencies before anything is installed.

use std::fs;
use std::io::{self, BufRead};
use std::path::Path;

/// The `Requires-Dist` of a wheel file, read from its metadata without unpacking it; nothing
/// when it cannot be read (an sdist, a broken file).
pub fn requires_dist(wheel: &Path) -> Vec<crate::pep::Requirement> {
    let Ok(file) = fs::File::open(wheel) else {
        return Vec::new();
    };
    let Ok(mut archive) = zip::ZipArchive::new(io::BufReader::new(file)) else {
        return Vec::new();
    };
    let Some(name) = (0..archive.len())
        .filter_map(|i| {
            archive
                .name_for_index(i)?
                .ok()
                .map(|name| name.into_owned())
        })
        .find(|name| name.ends_with(".dist-info/METADATA") && name.matches('/').count() == 1)
    else {
        return Vec::new();
    };
    let Ok(entry) = archive.by_name(&name) else {
        return Vec::new();
    };
    // The headers only, line by line: the body (or a METADATA made huge) is never read.
    io::BufReader::new(entry)
        .lines()
        .map_while(Result::ok)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| {
            line.strip_prefix("Requires-Dist:")
                .and_then(|value| crate::pep::parse_requirement(value).ok())
        })
        .collect()
}
