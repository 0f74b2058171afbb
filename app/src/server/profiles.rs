//! Profiles: the header of a profile page (counts, whether the reader follows them), and
//! one's avatar (a square crop; the old files go once the new one is in place).

use crate::{
    domain::{AltText, Username, ids::UserId},
    dto::{Author, Profile},
    error::AppError,
    server::{
        db,
        media::{Shape, Upload, avatar_url, remove_files_off_runtime, uploads::process_off_runtime},
        state::AppState,
    },
};

/// Someone as shown beside what they made, from the stored row (the avatar as its file
/// stem, if any).
pub fn author(username: String, full_name: String, avatar_stem: Option<&str>) -> Author {
    Author { username, full_name, avatar_url: avatar_url(avatar_stem) }
}

pub async fn profile(
    state: &AppState,
    viewer_id: Option<UserId>,
    username: &str,
) -> Result<Profile, AppError> {
    let missing = || AppError::NotFound(format!("There is no one called @{username} here."));
    let name = Username::parse(username).map_err(|_| missing())?;
    let p = db::users::profile(&state.db, name.as_str()).await?.ok_or_else(missing)?;
    let (followers, following) = db::follows::counts(&state.db, p.id).await?;
    let i_follow = match viewer_id {
        Some(me) if me != p.id => Some(db::follows::is_following(&state.db, me, p.id).await?),
        _ => None,
    };
    Ok(Profile {
        followers,
        following,
        i_follow,
        is_me: viewer_id == Some(p.id),
        avatar_url: avatar_url(p.avatar.as_deref()),
        username: p.username,
        full_name: p.full_name,
        bio: p.bio,
        post_count: p.post_count,
    })
}

/// Replaces the user's avatar with a square crop of `bytes`; the old files go.
#[tracing::instrument(skip_all, fields(user = user_id.get()))]
pub async fn set_avatar(state: &AppState, user_id: UserId, bytes: Vec<u8>) -> Result<(), AppError> {
    let upload = Upload { bytes, alt: AltText::default() };
    let stored = process_off_runtime(state, vec![upload], Shape::Avatar).await?;
    let stems: Vec<String> = stored.into_iter().map(|s| s.stem).collect();
    let Some(stem) = stems.first() else {
        return Err(AppError::Internal);
    };
    match db::users::replace_avatar(&state.db, user_id, stem).await {
        Ok(old) => {
            remove_files_off_runtime(state, old.into_iter().collect()).await;
            Ok(())
        }
        Err(e) => {
            remove_files_off_runtime(state, stems).await;
            Err(e.into())
        }
    }
}
