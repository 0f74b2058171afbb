//! Keeps every request's reactive owner its own.
//!
//! Leptos finds context (the request's parts, the page render's signed-in user, …) by
//! walking from the current reactive `Owner` up through its parents, and a new `Owner`
//! takes the thread's *current* owner as its parent. leptos_axum's page render makes its
//! root with `Owner::new_root`, which sets itself as the thread's current owner and never
//! restores the previous one; the render then awaits, and the tokio worker thread goes
//! on to poll other requests with that owner still current. A server function polled
//! next on the same thread made its owner with `Owner::new()`, became a child of the
//! other person's render, and `use_context` found that person's data (issue #9: one
//! `current_user` answer in five named someone else while pages rendered).
//!
//! The fix is at the boundary every request crosses: before and after each poll of a
//! request's future and of its response body, no owner is current. A request can then
//! only ever see owners made while it is itself being polled, that is, its own.

use axum::{body::Body, extract::Request, middleware::Next, response::Response};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use leptos::prelude::Owner;
use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

/// Middleware (the outermost layer): runs the rest of the stack, and streams the
/// response body, with no reactive owner current at the start or end of any poll.
pub async fn isolate_reactive_owner(req: Request, next: Next) -> Response {
    let res = OwnerFree { inner: next.run(req) }.await;
    res.map(|body| Body::new(OwnerFree { inner: body }))
}

/// Clears the thread's current reactive owner, if any: whatever it is, it belongs to a
/// poll that has ended.
fn clear_current_owner() {
    if let Some(owner) = Owner::current() {
        owner.unset();
    }
}

pin_project_lite::pin_project! {
    /// A future or a response body polled with no reactive owner left over from others.
    struct OwnerFree<T> {
        #[pin]
        inner: T,
    }
}

impl<T> OwnerFree<T> {
    fn scoped<R>(self: Pin<&mut Self>, poll: impl FnOnce(Pin<&mut T>) -> R) -> R {
        clear_current_owner();
        let result = poll(self.project().inner);
        clear_current_owner();
        result
    }
}

impl<F: Future> Future for OwnerFree<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.scoped(|inner| inner.poll(cx))
    }
}

impl<B: http_body::Body<Data = Bytes>> http_body::Body for OwnerFree<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        self.scoped(|inner| inner.poll_frame(cx))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mechanism of the bug, without a server: a root owner left current by one
    /// request's poll becomes the parent of an owner made by the next request's poll,
    /// unless that poll runs through `OwnerFree`.
    #[test]
    fn an_owner_left_current_by_one_poll_is_not_the_parent_of_the_next() {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut render = std::pin::pin!(OwnerFree {
            inner: std::future::poll_fn(|_| {
                let owner = Owner::new();
                owner.set();
                Poll::Ready(owner)
            })
        });
        let Poll::Ready(_render_owner) = render.as_mut().poll(&mut cx) else { panic!("ready") };
        assert!(Owner::current().is_none(), "the poll's owner was left current");

        let leak = Owner::new();
        leak.set();
        let mut next =
            std::pin::pin!(OwnerFree { inner: std::future::poll_fn(|_| Poll::Ready(Owner::new())) });
        let Poll::Ready(owner) = next.as_mut().poll(&mut cx) else { panic!("ready") };
        assert!(owner.parent().is_none(), "the next request's owner was a child of the leaked one");
        assert!(Owner::current().is_none());
    }
}
