//! pvm: per-project Python environments in a central store.
//!
//! The library holds everything; `main.rs` only parses arguments and calls [`commands::run`].
//! Core modules never print: they return values and typed errors, and commands decide what the
//! user sees.

pub mod build;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod edit;
pub mod environment;
pub mod faults;
pub mod fingerprint;
pub mod fsutil;
pub mod generated;
pub mod hint;
pub mod http;
pub mod install;
pub mod installer;
pub mod interrupt;
pub mod listing;
pub mod lock;
pub mod lock_policy;
pub mod overlay;
pub mod parallel;
pub mod pep;
pub mod platform;
pub mod project;
pub mod python;
pub mod quote;
pub mod site;
pub mod store;
pub mod tools;
pub mod ui;
pub mod venv;
