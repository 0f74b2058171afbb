//! Pieces shared by several pages.

pub mod avatar;
pub mod caption;
pub mod comments;
pub mod endless;
pub mod feed_card;
pub mod follow_button;
pub mod form;
pub mod like_button;
pub mod nav;
pub mod page_error;
pub mod person_list;
pub mod photos;
pub mod post_grid;
pub mod require_user;
pub mod search_box;
pub mod time_ago;
