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
    let config = crate::config::Config::get();
    if config
        .pvm_fault_pause
        .as_ref()
        .is_none_or(|wanted| wanted != point)
    {
        return;
    }
    let mark = config.pvm_fault_mark.clone();
    if let Some(mark) = &mark {
        let _ = std::fs::write(mark, point);
    }
    let seconds = config
        .pvm_fault_pause_secs
        .as_ref()
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
