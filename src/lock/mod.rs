//! What should be installed: the PEP 751 file (`pylock`), markers, resolution (`resolve`),
//! export, and when a project's lock is current, made, kept or refused (`policy`,
//! `freshness`). Nothing here changes an env: `install` makes site-packages match. What a
//! project with dynamic dependencies depends on comes from its build backend (`build`).

pub mod bounds;
mod error;
pub mod export;
pub mod freshness;
pub mod layout;
pub mod parsed;
pub mod part_markers;
pub mod policy;
pub mod preferences;
pub mod pylock;
mod relock;
pub mod resolve;
pub mod uv_lock;
pub mod uv_project;
pub mod wheel_metadata;

pub use error::LockError;
pub use policy::LockMode;
pub use relock::{guessed_python, is_the_project, read_lock, relock, resolve_keeping};
