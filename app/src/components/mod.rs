//! Pieces shared by several pages.

pub mod form;
pub mod nav;
pub mod require_user;
