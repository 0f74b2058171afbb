//! The social side: follow and unfollow (never yourself; twice is once), the feed, likes
//! (one per person and post, whatever the concurrency; one path for the heart and the
//! REST API), comments, lists of people and explore.

use crate::{
    domain::{
        caption::mentions,
        ids::{CommentId, LikeId, PostId, UserId},
    },
    dto::{CommentView, FeedCard, FeedPage, LikeState},
    error::AppError,
    server::{
        accounts::user_id_of,
        db,
        media::{Variant, avatar_url},
        page::PageSize,
        policy, posts,
        state::AppState,
    },
};

/// Posts per feed page.
pub const FEED_PAGE: PageSize = PageSize::fixed(10);

#[tracing::instrument(skip_all, fields(user = me.get(), username))]
pub async fn follow(state: &AppState, me: UserId, username: &str) -> Result<(), AppError> {
    let them = user_id_of(state, username).await?;
    if !policy::may_follow(me, them) {
        return Err(policy::follow_refused());
    }
    db::follows::follow(&state.db, me, them).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user = me.get(), username))]
pub async fn unfollow(state: &AppState, me: UserId, username: &str) -> Result<(), AppError> {
    let them = user_id_of(state, username).await?;
    db::follows::unfollow(&state.db, me, them).await?;
    Ok(())
}

fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::internal("feed JSON from SQLite did not parse", e))
}

#[tracing::instrument(skip_all, fields(user = me.get(), before = ?before.map(PostId::get)))]
pub async fn feed(state: &AppState, me: UserId, before: Option<PostId>) -> Result<FeedPage, AppError> {
    let rows = db::feed::page(&state.db, me, before.unwrap_or(PostId::MAX), FEED_PAGE.fetch_limit()).await?;
    let page = FEED_PAGE.page(rows);
    let next_before = page.next(|r| r.post.id);
    let mut cards = Vec::with_capacity(page.items.len());
    for row in page.items {
        let photos = parse_json::<db::posts::ImageRow>(&row.photos)?.into_iter().map(posts::photo).collect();
        let first_comments = parse_json::<db::feed::CommentJson>(&row.first_comments)?
            .into_iter()
            .map(|c| CommentView {
                can_delete: policy::may_delete_comment(Some(me), c.owner_id, row.post.owner_id),
                id: c.id,
                username: c.username,
                text: c.text,
            })
            .collect();
        cards.push(FeedCard {
            id: row.post.id,
            owner: super::profiles::author(row.post.username, row.post.full_name, row.post.avatar.as_deref()),
            caption: row.post.caption,
            created_at: row.post.created_at,
            photos,
            likes: LikeState { count: row.like_count, liked: row.liked },
            comment_count: row.comment_count,
            first_comments,
        });
    }
    Ok(FeedPage { cards, next_before })
}

fn no_such_post() -> AppError {
    AppError::NotFound("This post does not exist, or was deleted.".into())
}

/// Sets the reader's like on a post to `liked` (the heart) and answers the resulting state.
#[tracing::instrument(skip_all, fields(user = me.get(), post = post_id.get(), liked))]
pub async fn set_like(
    state: &AppState,
    me: UserId,
    post_id: PostId,
    liked: bool,
) -> Result<LikeState, AppError> {
    if liked {
        like_post(state, me, post_id).await?;
    } else if !db::likes::unlike(&state.db, me, post_id).await? {
        return Err(no_such_post());
    }
    let (count, liked) = db::likes::state(&state.db, me, post_id).await?;
    Ok(LikeState { count, liked })
}

/// A like as the REST API sees it: its id, and whether this call created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Like {
    pub id: LikeId,
    pub created: bool,
}

/// Likes a post once (a second like answers the first); 404 if there is no such post.
/// The one way to like, for the heart and the REST API alike.
#[tracing::instrument(skip_all, fields(user = me.get(), post = post_id.get()))]
pub async fn like_post(state: &AppState, me: UserId, post_id: PostId) -> Result<Like, AppError> {
    // One write transaction, so an unlike cannot slip between the insert and the lookup.
    let mut tx = state.db.begin_write().await?;
    let like = match db::likes::insert(&mut tx, me, post_id).await? {
        Some(id) => Some(Like { id, created: true }),
        None => db::likes::id_of_in(&mut tx, me, post_id).await?.map(|id| Like { id, created: false }),
    };
    tx.commit().await?;
    like.ok_or_else(no_such_post)
}

/// The id of the reader's like of a post, if they like it.
pub async fn like_id(state: &AppState, me: UserId, post_id: PostId) -> Result<Option<LikeId>, AppError> {
    Ok(db::likes::id_of(&state.db, me, post_id).await?)
}

/// Deletes a like by its id: only its author may (`policy`); anyone else gets 403.
#[tracing::instrument(skip_all, fields(user = me.get(), like = like_id.get()))]
pub async fn delete_like(state: &AppState, me: UserId, like_id: LikeId) -> Result<(), AppError> {
    if db::likes::delete_own(&state.db, like_id, me).await? {
        return Ok(());
    }
    if db::likes::like_exists(&state.db, like_id).await? {
        Err(policy::remove_like_refused())
    } else {
        Err(AppError::NotFound("This like does not exist, or was removed.".into()))
    }
}

/// One page of the REST API's feed listing: post ids ≤ `lte` (default: the newest in the
/// feed, so a listing's pages stay put while new posts arrive), newest first, skipping
/// `page × size`. Answers the ids and the effective `lte`.
pub async fn feed_page_ids(
    state: &AppState,
    me: UserId,
    size: PageSize,
    page: i64,
    lte: Option<PostId>,
) -> Result<(Vec<PostId>, PostId), AppError> {
    let size = size.get();
    let lte = match lte {
        Some(lte) => lte,
        None => db::feed::newest_id(&state.db, me).await?.unwrap_or(PostId::NONE),
    };
    // A page so far that its offset does not fit in SQLite's integers is past the end of
    // any feed: empty, like every page after the last.
    let Some(offset) = size.checked_mul(page).filter(|offset| offset.checked_add(size).is_some()) else {
        return Ok((Vec::new(), lte));
    };
    let ids = db::feed::ids(&state.db, me, lte, size, offset).await?;
    Ok((ids, lte))
}

#[tracing::instrument(skip_all, fields(user = me.id.get(), post = post_id.get()))]
pub async fn add_comment(
    state: &AppState,
    me: &crate::dto::CurrentUser,
    post_id: PostId,
    text: crate::domain::CommentText,
) -> Result<CommentView, AppError> {
    let mut tx = state.db.begin_write().await?;
    let Some(id) = db::comments::add(&mut tx, post_id, me.id, text.as_str()).await? else {
        // End the transaction now rather than whenever the connection is next used.
        tx.rollback().await?;
        return Err(no_such_post());
    };
    db::notifications::mention(&mut tx, me.id, post_id, Some(id), &mentions(text.as_str())).await?;
    tx.commit().await?;
    // Its author may delete it (`policy::may_delete_comment`).
    Ok(CommentView { id, username: me.username.clone(), text: text.as_str().to_owned(), can_delete: true })
}

/// Deletes a comment as `policy::may_delete_comment` allows; anyone else gets 403.
#[tracing::instrument(skip_all, fields(user = me.get(), comment = comment_id.get()))]
pub async fn delete_comment(state: &AppState, me: UserId, comment_id: CommentId) -> Result<(), AppError> {
    if db::comments::delete(&state.db, comment_id, me).await? {
        return Ok(());
    }
    if db::comments::exists(&state.db, comment_id).await? {
        Err(policy::delete_comment_refused())
    } else {
        Err(AppError::NotFound("This comment does not exist, or was deleted.".into()))
    }
}

/// People per page of a followers/following list.
pub const PEOPLE_PAGE: PageSize = PageSize::fixed(50);

fn person(row: db::follows::PersonRow, reader: Option<UserId>) -> crate::dto::Person {
    crate::dto::Person {
        i_follow: reader.filter(|me| *me != row.id).map(|_| row.i_follow),
        avatar_url: avatar_url(row.avatar.as_deref()),
        username: row.username,
        full_name: row.full_name,
    }
}

pub async fn people(
    state: &AppState,
    reader: Option<UserId>,
    username: &str,
    followers: bool,
    after: Option<String>,
) -> Result<crate::dto::PeoplePage, AppError> {
    let them = user_id_of(state, username).await?;
    let rows = db::follows::people(
        &state.db,
        them,
        followers,
        reader.unwrap_or(UserId::NONE),
        after.as_deref().unwrap_or(""),
        PEOPLE_PAGE.fetch_limit(),
    )
    .await?;
    let page = PEOPLE_PAGE.page(rows);
    let next_after = page.next(|r| r.username.clone());
    Ok(crate::dto::PeoplePage {
        people: page.items.into_iter().map(|r| person(r, reader)).collect(),
        next_after,
    })
}

/// Explore's popular posts: the most liked of the newest `POPULAR_CANDIDATES` posts of the
/// last `POPULAR_DAYS` days (a bounded look, however busy the week).
const POPULAR_DAYS: i64 = 7;
const POPULAR_CANDIDATES: i64 = 500;

pub async fn explore(state: &AppState, me: UserId) -> Result<crate::dto::Explore, AppError> {
    let people =
        db::follows::suggestions(&state.db, me, 20).await?.into_iter().map(|r| person(r, Some(me))).collect();
    let popular = db::posts::popular(&state.db, POPULAR_DAYS, POPULAR_CANDIDATES, 12)
        .await?
        .into_iter()
        .map(|r| crate::dto::PostThumb {
            id: r.id,
            thumb_url: Variant::Thumbnail.url(&r.stem),
            alt: r.alt,
            photo_count: r.photo_count as u32,
        })
        .collect();
    Ok(crate::dto::Explore { people, popular })
}
