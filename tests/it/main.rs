//! Integration tests: the built `pvm` binary against real interpreters, real envs and a
//! temporary store per test. One test binary links the dependency graph once.

// Tests set up and read the environment of the pvm they start; pvm itself reads it only in
// src/config.rs.
#![allow(clippy::disallowed_methods)]
// Unix only for now: the suite runs pvm against real Pythons, uv and the Unix shells, and sets
// up files with Unix modes and links. On Windows it compiles to nothing until pvm runs there
// (issue 23's later steps).
#![cfg(unix)]

mod support;

mod add_resolver;
mod bad_input;
mod bad_locks;
mod bad_wheels;
mod bring_uv;
mod cache;
mod cold_sync;
mod deps;
mod downloads;
mod dynamic_deps;
mod faults;
mod foreign;
mod fuzz;
mod generated;
mod hardening;
mod hints;
mod init;
mod interrupts;
mod kept_uv_lock;
mod layering;
mod list;
mod lock;
mod lock_bounds;
mod lock_policy;
mod loopback;
mod native;
mod network;
mod own_project;
mod package;
mod portable_paths;
mod python;
mod pythons;
mod readme;
mod remove;
mod run;
mod schemas;
mod script;
mod shared_cache;
mod shell;
mod store_output;
mod stress;
mod sync;
mod trial;
mod trial20;
mod trial20_messages;
mod trial20_outdated;
mod trial20_shell;
mod wheel;
