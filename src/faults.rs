//! Pause points for fault tests: with `PVM_FAULT_PAUSE=<point>`, pvm stops at that point of the
//! slow path (writing `PVM_FAULT_MARK`, if set, to say it is there) so that a test can kill it
//! exactly there. Unset, a point costs one environment lookup, and only off the warm path.

use std::time::Duration;

/// Where pvm can be held.
pub const CREATE: &str = "create";
pub const INSTALL: &str = "install";
pub const METADATA: &str = "metadata";
/// A Python install, unpacked and checked, not yet renamed into place.
pub const PYTHON_INSTALL: &str = "python-install";

pub fn pause(point: &str) {
    if std::env::var_os("PVM_FAULT_PAUSE").is_none_or(|wanted| wanted != point) {
        return;
    }
    if let Some(mark) = std::env::var_os("PVM_FAULT_MARK") {
        let _ = std::fs::write(mark, point);
    }
    let seconds = std::env::var("PVM_FAULT_PAUSE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    std::thread::sleep(Duration::from_secs(seconds));
}
