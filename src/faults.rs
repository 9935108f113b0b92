//! Pause points for fault tests: with `PVM_FAULT_PAUSE=<point>`, pvm stops at that point of the
//! slow path (writing `PVM_FAULT_MARK`, if set, to say it is there) so that a test can kill it
//! exactly there, or let it go on by removing the mark. Unset, a point costs one environment
//! lookup, and only off the warm path.

use std::time::Duration;

/// Where pvm can be held.
pub const CREATE: &str = "create";
/// On the slow path, the project read, about to take the env's lock.
pub const LOCK: &str = "lock";
pub const INSTALL: &str = "install";
pub const METADATA: &str = "metadata";
/// A Python install, unpacked and checked, not yet renamed into place.
pub const PYTHON_INSTALL: &str = "python-install";

pub fn pause(point: &str) {
    if std::env::var_os("PVM_FAULT_PAUSE").is_none_or(|wanted| wanted != point) {
        return;
    }
    let mark = std::env::var_os("PVM_FAULT_MARK").map(std::path::PathBuf::from);
    if let Some(mark) = &mark {
        let _ = std::fs::write(mark, point);
    }
    let seconds = std::env::var("PVM_FAULT_PAUSE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    // In slices: the test lets pvm go on by removing the mark, and a pvm that catches Ctrl-C
    // stops waiting when it comes.
    let until = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < until
        && crate::interrupt::received().is_none()
        && mark.as_ref().is_none_or(|mark| mark.exists())
    {
        std::thread::sleep(Duration::from_millis(20));
    }
}
