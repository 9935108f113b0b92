//! Changing a project's files: the manifest edits of `pvm add` and `pvm drop` (`manifest`),
//! the new manifest and starter files of `pvm init` (`template`), and the move from another
//! tool's files to a standard manifest (`migrate`). Reading a project is `project`, below.

pub mod manifest;
pub mod migrate;
pub mod template;
