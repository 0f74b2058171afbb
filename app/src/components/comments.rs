//! A post's comments: the list (each deletable by its author or the post's owner) and the
//! box to add one (Enter submits). Hydrated, the list changes in place; without
//! JavaScript each form posts and the page comes back with the change.

use crate::{
    api::social::{AddComment, DeleteComment},
    auth::use_auth,
    components::{caption::CaptionText, form::ActionError},
    domain::{
        comment_text,
        ids::{CommentId, PostId},
    },
    dto::CommentView,
};
use leptos::{html::Input, prelude::*, server_fn::ServerFn};

#[component]
pub fn Comments(post: PostId, initial: Vec<CommentView>) -> impl IntoView {
    let list = RwSignal::new(initial);
    let add = ServerAction::<AddComment>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let removed = StoredValue::new(None::<(usize, CommentView)>);
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<Input>::new();
    let auth = use_auth();
    let signed_in = move || matches!(auth.user.get(), Some(Ok(Some(_))));

    Effect::new(move |_| {
        if let Some(Ok(comment)) = add.value().get() {
            list.update(|l| {
                if !l.iter().any(|c| c.id == comment.id) {
                    l.push(comment);
                }
            });
            if let Some(input) = input.get() {
                input.set_value("");
            }
        }
    });
    // A refused deletion puts the comment back where it was.
    Effect::new(move |_| match remove.value().get() {
        Some(Err(e)) => {
            if let Some((index, comment)) = removed.get_value() {
                list.update(|l| l.insert(index.min(l.len()), comment));
            }
            removed.set_value(None);
            error.set(Some(e.to_string()));
        }
        Some(Ok(())) => removed.set_value(None),
        None => {}
    });
    let delete = move |ev: leptos::ev::SubmitEvent, id: CommentId| {
        ev.prevent_default();
        error.set(None);
        list.update(|l| {
            if let Some(index) = l.iter().position(|c| c.id == id) {
                removed.set_value(Some((index, l.remove(index))));
            }
        });
        remove.dispatch(DeleteComment { id });
    };

    view! {
        <ul class="comments">
            <For each=move || list.get() key=|c| c.id let:comment>
                <li>
                    <a class="author-name" href=format!("/users/{}/", comment.username)>{comment.username.clone()}</a>
                    " "
                    <CaptionText text=comment.text.clone() />
                    {comment.can_delete.then(|| view! {
                        <form
                            class="inline-form delete-comment"
                            method="post"
                            action=DeleteComment::PATH
                            on:submit=move |ev| delete(ev, comment.id)
                        >
                            <input type="hidden" name="id" value=comment.id.get() />
                            <button type="submit" class="button-link muted" aria-label="Delete comment">"Delete"</button>
                        </form>
                    })}
                </li>
            </For>
        </ul>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        <Show when=signed_in fallback=|| view! { <p class="muted"><a href="/accounts/login/">"Sign in"</a>" to comment."</p> }>
            <ActionForm action=add attr:class="comment-form">
                <ActionError action=add />
                <input type="hidden" name="post" value=post.get() />
                <label class="visually-hidden" for=format!("comment-{post}")>"Add a comment"</label>
                <input
                    node_ref=input
                    id=format!("comment-{post}")
                    name="text"
                    placeholder="Add a comment…"
                    maxlength=comment_text::MAX_LEN
                    autocomplete="off"
                    required
                />
                <button type="submit" class="button-link" disabled=move || add.pending().get()>"Post"</button>
            </ActionForm>
        </Show>
    }
}
