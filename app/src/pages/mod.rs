//! One module per page.

pub mod accounts;
pub mod home;
pub mod not_found;
