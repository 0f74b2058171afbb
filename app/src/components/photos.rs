//! A post's photos: one image, or a swipeable carousel (CSS scroll snap, no script
//! needed), each with `srcset` so phones fetch the thumbnail-sized file when it suffices.

use crate::dto::Photo;
use leptos::prelude::*;

#[component]
pub fn Photos(photos: Vec<Photo>, #[prop(optional)] eager: bool) -> impl IntoView {
    let count = photos.len();
    let many = count > 1;
    let slides = photos
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let srcset = format!("{} {}w, {} {}w", p.thumb_url, p.thumb_width, p.url, p.width);
            let label = many.then(|| format!("{} of {count}", i + 1));
            view! {
                <figure class="slide" aria-label=label>
                    <img
                        src=p.url
                        srcset=srcset
                        sizes="(max-width: 640px) 100vw, 600px"
                        width=p.width
                        height=p.height
                        alt=p.alt
                        loading=if eager && i == 0 { "eager" } else { "lazy" }
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
