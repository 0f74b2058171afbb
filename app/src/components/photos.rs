//! A post's photos: one image, or a swipeable carousel (CSS scroll snap, no script
//! needed), each with `srcset` (every stored size by width) and `sizes` (the photo's slot
//! in `style/main.css`), so a phone or a desktop fetches the smallest file that is sharp.

use crate::dto::Photo;
use leptos::prelude::*;

/// The width of a post's photo slot, as `style/main.css` lays it out: `.post` (the feed
/// card and the post page) is at most 600 px wide, and on screens up to 640 px it spans
/// the screen (`.page:has(.post)` drops its padding there).
pub const POST_PHOTO_SIZES: &str = "(max-width: 640px) 100vw, 600px";

/// `first`: these photos are the first of the page (the feed's first card, a post page):
/// its first photo loads at once and before the others (`fetchpriority="high"`), as the
/// likely largest paint; every other photo loads when scrolled near.
#[component]
pub fn Photos(photos: Vec<Photo>, #[prop(optional)] first: bool) -> impl IntoView {
    let count = photos.len();
    let many = count > 1;
    let slides = photos
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let label = many.then(|| format!("{} of {count}", i + 1));
            let priority = first && i == 0;
            view! {
                <figure class="slide" aria-label=label>
                    <img
                        src=p.url
                        srcset=p.srcset
                        sizes=POST_PHOTO_SIZES
                        width=p.width
                        height=p.height
                        alt=p.alt
                        loading=if priority { "eager" } else { "lazy" }
                        fetchpriority=priority.then_some("high")
                    />
                </figure>
            }
        })
        .collect_view();
    view! {
        <div class=if many { "carousel" } else { "single" } tabindex="0" aria-label="Photos">
            {slides}
        </div>
        {many.then(|| view! { <p class="carousel-hint muted">{format!("{count} photos — swipe or scroll sideways")}</p> })}
    }
}
