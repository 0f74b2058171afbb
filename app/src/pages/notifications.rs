//! `/notifications/`: likes, comments, follows and mentions of the signed-in person,
//! newest first; the ones not seen before are marked, and showing them marks them seen.

use crate::{
    api::notifications::get_notifications,
    components::{
        avatar::Avatar, endless::Endless, follow_button::FollowButton, page_error::or_page_error,
        require_user::RequireUser, time_ago::TimeAgo,
    },
    dto::{Notification, NotificationKind, NotificationsPage},
    error::AppError,
    pages::before_param,
};
use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    // Made outside RequireUser's Suspense, so the server fetches it once.
    let first = Resource::new(before_param(), get_notifications);
    view! {
        <Title text="Notifications" />
        <RequireUser>
            <NotificationsView first />
        </RequireUser>
    }
}

#[component]
fn NotificationsView(first: Resource<Result<NotificationsPage, AppError>>) -> impl IntoView {
    view! {
        <section class="card wide notifications">
            <h1>"Notifications"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    or_page_error(first.await, move |page| view! { <NotificationList first=page /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NotificationList(first: NotificationsPage) -> impl IntoView {
    let list = Endless::new(first.items, first.next_before, |before| async move {
        get_notifications(Some(before)).await.map(|page| (page.items, page.next_before))
    });
    let items = list.items;
    view! {
        <Show
            when=move || items.with(|i| !i.is_empty())
            fallback=|| view! {
                <p class="muted">"Nothing yet. When people like or comment on your posts, follow you or mention you, you'll see it here."</p>
            }
        >
            <ul class="notification-list">
                <For each=move || items.get() key=|n: &Notification| n.id let:item>
                    <NotificationItem item />
                </For>
            </ul>
        </Show>
        {list.more()}
    }
}

/// "liked your post.", "commented: …" and so on, after the actor's name.
fn what(item: &Notification) -> String {
    let quote = |text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                let short: String = t.chars().take(80).collect();
                if short.len() < t.len() { format!("{short}…") } else { short }
            })
            .unwrap_or_default()
    };
    match item.kind {
        NotificationKind::Like => "liked your post.".to_owned(),
        NotificationKind::Comment => format!("commented: {}", quote(&item.comment_text)),
        NotificationKind::Follow => "started following you.".to_owned(),
        NotificationKind::Mention if item.comment_text.is_some() => {
            format!("mentioned you in a comment: {}", quote(&item.comment_text))
        }
        NotificationKind::Mention => "mentioned you in a post.".to_owned(),
    }
}

#[component]
fn NotificationItem(item: Notification) -> impl IntoView {
    let text = what(&item);
    let profile = format!("/users/{}/", item.actor.username);
    let class = if item.unread { "notification unread" } else { "notification" };
    let end = match (item.kind, item.post_id, item.post_thumb_url.clone()) {
        (NotificationKind::Follow, _, _) => Some(Either::Left(view! {
            <FollowButton username=item.actor.username.clone() following=item.i_follow_actor />
        })),
        (_, Some(post), Some(thumb)) => Some(Either::Right(view! {
            <a href=format!("/posts/{post}/") class="notification-thumb" aria-label="The post">
                <img src=thumb alt="" width="44" height="44" loading="lazy" />
            </a>
        })),
        _ => None,
    };
    let created = item.created_at.clone();
    view! {
        <li class=class>
            <a href=profile.clone() class="notification-avatar" tabindex="-1" aria-hidden="true">
                <Avatar url=item.actor.avatar_url.clone() name=item.actor.full_name.clone() size=32 />
            </a>
            <p class="notification-text">
                {item.unread.then(|| view! { <span class="visually-hidden">"New: "</span> })}
                <a href=profile class="username">{item.actor.username.clone()}</a>
                " "
                {text}
                " "
                {match item.post_id {
                    Some(post) => Either::Left(view! {
                        <a href=format!("/posts/{post}/") class="muted time-link"><TimeAgo utc=created /></a>
                    }),
                    None => Either::Right(view! { <span class="muted"><TimeAgo utc=created /></span> }),
                }}
            </p>
            {end}
        </li>
    }
}
