//! Who may do what: each permission of Shutter, named once. The services ask these to
//! decide what a page offers (an edit link, a delete button) and which refusal to answer;
//! the query that makes the change enforces the same rule again in its `WHERE` (named
//! beside each rule), atomically with the change, so a check here and a concurrent change
//! can never combine into a write the rule forbids. Change a rule here and in its query.
//!
//! Not listed because there is no way to ask: private things (one's notifications,
//! settings, e-mail, access tokens, sessions) are only ever read and changed for the
//! signed-in person, whose id the services take as `me` and key every query on.

use crate::{domain::ids::UserId, error::AppError};

/// Editing or deleting a post: its owner only.
/// Enforced by `db::posts::update` and `db::posts::delete` (`AND owner_id = ?`).
pub fn may_change_post(viewer: Option<UserId>, post_owner: UserId) -> bool {
    viewer == Some(post_owner)
}

pub fn change_post_refused() -> AppError {
    AppError::Forbidden("Only the owner can change this post.".into())
}

/// Deleting a comment: its author, or the owner of the post it is on.
/// Enforced by `db::comments::delete` (`AND (owner_id = ? OR post_id IN (their posts))`).
pub fn may_delete_comment(viewer: Option<UserId>, comment_author: UserId, post_owner: UserId) -> bool {
    viewer.is_some_and(|me| me == comment_author || me == post_owner)
}

pub fn delete_comment_refused() -> AppError {
    AppError::Forbidden("Only its author or the post's owner can delete this comment.".into())
}

/// Removing a like by its id: its author only (anyone signed in may like any post, and
/// liking or unliking by post is keyed on `me`). Enforced by `db::likes::delete_own`
/// (`AND user_id = ?`); nothing shows a remove button for others' likes, so there is
/// no question to ask before.
pub fn remove_like_refused() -> AppError {
    AppError::Forbidden("Only its author can remove this like.".into())
}

/// Following: anyone signed in may follow anyone but themselves.
/// Enforced by `CHECK (follower_id <> followee_id)` on `follows` as well.
pub fn may_follow(me: UserId, them: UserId) -> bool {
    me != them
}

pub fn follow_refused() -> AppError {
    AppError::BadRequest("You cannot follow yourself.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: UserId = UserId::new(1);
    const AUTHOR: UserId = UserId::new(2);
    const STRANGER: UserId = UserId::new(3);

    #[test]
    fn only_the_owner_changes_a_post() {
        assert!(may_change_post(Some(OWNER), OWNER));
        assert!(!may_change_post(Some(STRANGER), OWNER));
        assert!(!may_change_post(None, OWNER), "visitors never");
        assert_eq!(change_post_refused().status_code(), 403);
    }

    #[test]
    fn a_comment_is_deleted_by_its_author_or_the_posts_owner() {
        assert!(may_delete_comment(Some(AUTHOR), AUTHOR, OWNER));
        assert!(may_delete_comment(Some(OWNER), AUTHOR, OWNER), "owners moderate their posts");
        assert!(!may_delete_comment(Some(STRANGER), AUTHOR, OWNER));
        assert!(!may_delete_comment(None, AUTHOR, OWNER), "visitors never");
        assert_eq!(delete_comment_refused().status_code(), 403);
    }

    #[test]
    fn removing_someone_elses_like_is_forbidden() {
        assert_eq!(remove_like_refused().status_code(), 403);
    }

    #[test]
    fn nobody_follows_themselves() {
        assert!(may_follow(AUTHOR, OWNER));
        assert!(!may_follow(OWNER, OWNER));
        assert_eq!(follow_refused().status_code(), 400);
    }
}
