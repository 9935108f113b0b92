//! What should be installed: when a project's lock is current, made, kept or refused.
//!
//! New lock code lives here, in files named for what they hold. The PEP 751 file, markers,
//! resolution and export still live in `install/` until the code is split along the data
//! flow (`DESIGN.md`, "Layout of the code"); until then this module may use `install`'s
//! types; `install` imports from here only what its resolver needs of the new lock code
//! (`part_markers`, `preferences`, `dynamic`), which uses nothing of `install` but the lock's types and
//! marker combinators.

pub mod bounds;
pub mod dynamic;
pub mod freshness;
pub mod layout;
pub mod parsed;
pub mod part_markers;
pub mod policy;
pub mod preferences;
pub mod uv_project;
