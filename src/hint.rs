//! What to do about an error: every error type says it through one trait, and the one place
//! that prints errors (`commands::print_error`) walks the cause chain for the first hint.

/// An error that may know what the user can do about it.
pub trait Hint: std::error::Error {
    /// One line (or a few) after `hint:`; `None` when there is nothing useful to say.
    fn hint(&self) -> Option<String> {
        None
    }
}
