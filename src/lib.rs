//! pvm: per-project Python environments in a central store.
//!
//! The library holds everything; `main.rs` only parses arguments and calls [`commands::run`].
//! Core modules never print: they return values and typed errors, and commands decide what the
//! user sees.

pub mod cli;
pub mod commands;
pub mod complete;
pub mod environment;
pub mod faults;
pub mod fingerprint;
pub mod fsutil;
pub mod generated;
pub mod http;
pub mod install;
pub mod installer;
pub mod interrupt;
pub mod listing;
pub mod lock;
pub mod overlay;
pub mod parallel;
pub mod pep;
pub mod project;
pub mod python;
pub mod quote;
pub mod site;
pub mod store;
pub mod tools;
pub mod ui;
pub mod venv;

/// The hint for the first error in the chain that knows one.
pub fn hint_for(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|cause| {
        if let Some(err) = cause.downcast_ref::<project::ProjectError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<python::PythonError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<store::StoreError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<install::SyncError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<python::download::DownloadError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<tools::uv::UvToolError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<environment::EnvError>() {
            err.hint()
        } else if let Some(err) = cause.downcast_ref::<project::SelectionError>() {
            err.hint()
        } else {
            cause
                .downcast_ref::<commands::UserError>()
                .and_then(|err| err.hint.clone())
        }
    })
}
