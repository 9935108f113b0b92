//! Tools pvm fetches for itself into `$PVM_HOME/tools/`.

pub mod uv;
