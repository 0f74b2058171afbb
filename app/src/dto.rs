//! What crosses the wire between the server and the browser.

use crate::domain::ids::{CommentId, PostId, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in person, as the page chrome needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub avatar_url: Option<String>,
}

/// The editable part of one's own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub bio: String,
}

/// Who posted something, as a card shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub username: String,
    pub full_name: String,
    pub avatar_url: Option<String>,
}

/// One photo of a post: its full size and thumbnail (as the REST API names them), and
/// every size stored of it for `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub url: String,
    pub thumb_url: String,
    pub width: u32,
    pub height: u32,
    pub thumb_width: u32,
    pub thumb_height: u32,
    pub alt: String,
    /// Every stored size of the photo by its width in pixels, for `<img srcset>`.
    pub srcset: String,
}

/// A post page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: PostId,
    pub owner: Author,
    pub caption: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    pub photos: Vec<Photo>,
    /// The viewer owns this post (may edit and delete it).
    pub is_owner: bool,
    pub likes: LikeState,
    /// All comments, oldest first.
    pub comments: Vec<CommentView>,
}

/// A square in a grid of posts (profiles, tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostThumb {
    pub id: PostId,
    pub thumb_url: String,
    pub alt: String,
    pub photo_count: u32,
}

/// One page of a grid, newest first; `next_before` continues it (keyset on post id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPage {
    pub posts: Vec<PostThumb>,
    pub next_before: Option<PostId>,
}

/// A profile page's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub full_name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub post_count: i64,
    pub followers: i64,
    pub following: i64,
    /// Whether the signed-in reader follows them; `None` for visitors and for oneself.
    pub i_follow: Option<bool>,
    pub is_me: bool,
}

/// The like button's state: how many, and whether the reader is one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikeState {
    pub count: i64,
    pub liked: bool,
}

/// A comment as a card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: CommentId,
    pub username: String,
    pub text: String,
    /// The reader wrote it or owns the post: they may delete it.
    pub can_delete: bool,
}

/// A post in the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCard {
    pub id: PostId,
    pub owner: Author,
    pub caption: String,
    pub created_at: String,
    pub photos: Vec<Photo>,
    pub likes: LikeState,
    pub comment_count: i64,
    pub first_comments: Vec<CommentView>,
}

/// One page of the feed; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub cards: Vec<FeedCard>,
    pub next_before: Option<PostId>,
}

/// Someone in a list of people (followers, following, suggestions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub username: String,
    pub full_name: String,
    pub avatar_url: Option<String>,
    /// Whether the reader follows them; `None` for visitors and for the reader themself.
    pub i_follow: Option<bool>,
}

/// A page of people, by username; `next_after` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub people: Vec<Person>,
    pub next_after: Option<String>,
}

/// The explore page: people to follow and recent popular posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explore {
    pub people: Vec<Person>,
    pub popular: Vec<PostThumb>,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    Like,
    Comment,
    Follow,
    Mention,
}

/// One notification: someone liked, commented on, mentioned you, or followed you.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub actor: Author,
    /// The post it is about (not for follows), with its first photo's thumbnail.
    pub post_id: Option<PostId>,
    pub post_thumb_url: Option<String>,
    /// The comment's text, for comments and mentions in comments.
    pub comment_text: Option<String>,
    pub created_at: String,
    /// Not seen before this page was shown.
    pub unread: bool,
    /// Whether the reader follows the actor (for "Follow back").
    pub i_follow_actor: bool,
}

/// Unread counts stop here (the nav shows "99+").
pub const UNREAD_CAP: i64 = 100;

/// A page of notifications, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub items: Vec<Notification>,
    pub next_before: Option<i64>,
}

/// Search suggestions: people by username or full-name prefix, and tags by prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchResults {
    pub people: Vec<Author>,
    pub tags: Vec<TagCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub tag: String,
    pub posts: i64,
}

/// A token as its list shows it; the token itself is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    pub id: i64,
    pub name: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// UTC, to the minute or so; `None` if never used.
    pub last_used_at: Option<String>,
}

/// A token just created: the only time it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<AccessToken>,
    /// The token created just before, when `created` named it (once).
    pub new_token: Option<NewToken>,
}
