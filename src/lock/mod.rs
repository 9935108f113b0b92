//! What should be installed: when a project's lock is current, made, kept or refused.
//!
//! New lock code lives here, in files named for what they hold. The PEP 751 file, markers,
//! resolution and export still live in `install/` until the code is split along the data
//! flow (`DESIGN.md`, "Layout of the code"); until then this module may use `install`'s
//! types, and `install` does not import it.
pub mod dynamic;
