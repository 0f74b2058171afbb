//! Pieces shared by several pages.

pub mod avatar;
pub mod caption;
pub mod form;
pub mod nav;
pub mod post_grid;
pub mod require_user;
pub mod time_ago;
