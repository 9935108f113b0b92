//! What should be installed: the PEP 751 file (`pylock`), markers, resolution (`resolve`,
//! through uv's own lock: `uv_project`, `uv_lock`) and export. Which lock a project uses and
//! when it is current, made, kept or refused is `lock_policy`, above; nothing here changes an
//! env: `install` makes site-packages match. What a project with dynamic dependencies depends
//! on comes from its build backend (`build`).

pub mod bounds;
mod error;
pub mod export;
pub mod layout;
mod mode;
pub mod parsed;
pub mod part_markers;
pub mod preferences;
pub mod pylock;
pub mod resolve;
pub mod uv_lock;
pub mod uv_project;
pub mod wheel_metadata;

pub use error::LockError;
pub use mode::LockMode;
