//! What crosses the wire between the server and the browser.

use serde::{Deserialize, Serialize};

/// The signed-in person, as the page chrome needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
}

/// The editable part of one's own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub bio: String,
}
