//! `/posts/new/`: pick 1–10 photos (file picker or drag and drop), see previews, write a
//! caption and alt texts, watch the upload progress, land on the new post.
//! Without JavaScript the same form posts multipart to `/posts/new/`, which redirects to
//! the post; hydrated, the page uploads with progress events and navigates itself.

use crate::{
    components::{form::TextAreaField, require_user::RequireUser},
    domain::{MAX_PHOTOS, caption},
};
use leptos::prelude::*;
use leptos_meta::Title;

const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif";

/// A chosen photo as the page shows it.
#[derive(Clone, Debug, PartialEq)]
struct Preview {
    key: usize,
    url: String,
    name: String,
}

#[component]
pub fn NewPostPage() -> impl IntoView {
    view! {
        <Title text="New post" />
        <RequireUser>
            <NewPostForm />
        </RequireUser>
    }
}

#[component]
fn NewPostForm() -> impl IntoView {
    let previews = RwSignal::new(Vec::<Preview>::new());
    let alts = RwSignal::new(Vec::<String>::new());
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let upload = client::Upload::new(previews, alts, progress, error);

    let on_files = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        upload.add_from_input(&ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        upload.add_from_drop(&ev);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        upload.submit(&ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove = move |key: usize| {
        #[cfg(feature = "hydrate")]
        upload.remove(key);
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    };
    let uploading = move || progress.get().is_some();
    let fallback_alts = (1..=MAX_PHOTOS)
        .map(|i| {
            let id = format!("alt-{i}");
            view! {
                <div class="field">
                    <label for=id.clone()>{format!("Photo {i}")}</label>
                    <input id=id name="alt" maxlength="500" />
                </div>
            }
        })
        .collect_view();

    view! {
        <section class="card wide">
            <h1>"New post"</h1>
            <form
                class="form upload"
                action="/posts/new/"
                method="post"
                enctype="multipart/form-data"
                on:submit=on_submit
            >
                <label
                    class=move || if dragging.get() { "dropzone dragging" } else { "dropzone" }
                    on:dragover=move |ev| {
                        ev.prevent_default();
                        dragging.set(true);
                    }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <span class="dropzone-text">
                        <strong>"Choose photos"</strong>
                        " or drop them here — up to 10 JPEG, PNG, WebP or GIF images of 20 MB each."
                    </span>
                    <input type="file" name="images" multiple accept=ACCEPT required on:change=on_files />
                </label>
                <ul class="previews" aria-label="Chosen photos">
                    <For each=move || previews.get() key=|p| p.key let:preview>
                        {
                            let index = move || previews.with(|all| all.iter().position(|p| p.key == preview.key).unwrap_or(0));
                            view! {
                                <li class="preview">
                                    <img src=preview.url.clone() alt="" />
                                    <label class="visually-hidden" for=format!("preview-alt-{}", preview.key)>
                                        {format!("Alt text for {}", preview.name)}
                                    </label>
                                    <input
                                        id=format!("preview-alt-{}", preview.key)
                                        placeholder="Describe this photo (alt text)"
                                        maxlength="500"
                                        prop:value=move || alts.with(|a| a.get(index()).cloned().unwrap_or_default())
                                        on:input=move |ev| {
                                            let value = event_target_value(&ev);
                                            alts.update(|a| if let Some(slot) = a.get_mut(index()) { *slot = value });
                                        }
                                    />
                                    <button type="button" class="remove" on:click=move |_| remove(preview.key) aria-label=format!("Remove {}", preview.name)>
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <details class="alt-fallback" class:hidden=move || !previews.with(Vec::is_empty)>
                    <summary>"Alt text for each photo (optional)"</summary>
                    {fallback_alts}
                </details>
                <TextAreaField label="Caption" name="caption" max=caption::MAX_LEN />
                {move || progress.get().map(|p| view! {
                    <div class="progress">
                        <progress max="100" value=p>{format!("{p:.0}%")}</progress>
                        <span>{if p >= 100.0 { "Processing…".to_owned() } else { format!("Uploading… {p:.0}%") }}</span>
                    </div>
                })}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button" disabled=uploading>"Share"</button>
            </form>
        </section>
    }
}

/// The browser side: the chosen files, and the upload with progress.
#[cfg(feature = "hydrate")]
mod client {
    use super::{MAX_PHOTOS, Preview};
    use crate::error::AppError;
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{File, FileList, FormData, HtmlInputElement, ProgressEvent, Url, XmlHttpRequest};

    type Navigate = Box<dyn Fn(&str)>;

    #[derive(Clone, Copy)]
    pub struct Upload {
        files: StoredValue<Vec<(usize, File)>, LocalStorage>,
        next_key: StoredValue<usize>,
        previews: RwSignal<Vec<Preview>>,
        alts: RwSignal<Vec<String>>,
        progress: RwSignal<Option<f64>>,
        error: RwSignal<Option<String>>,
        navigate: StoredValue<Navigate, LocalStorage>,
    }

    impl Upload {
        pub fn new(
            previews: RwSignal<Vec<Preview>>,
            alts: RwSignal<Vec<String>>,
            progress: RwSignal<Option<f64>>,
            error: RwSignal<Option<String>>,
        ) -> Self {
            let navigate = leptos_router::hooks::use_navigate();
            Self {
                files: StoredValue::new_local(Vec::new()),
                next_key: StoredValue::new(0),
                previews,
                alts,
                progress,
                error,
                navigate: StoredValue::new_local(Box::new(move |url: &str| {
                    navigate(url, Default::default())
                })),
            }
        }

        fn add(&self, list: FileList) {
            let mut refused = false;
            for i in 0..list.length() {
                let Some(file) = list.get(i) else { continue };
                if self.files.with_value(Vec::len) >= MAX_PHOTOS {
                    refused = true;
                    break;
                }
                let key = self.next_key.get_value();
                self.next_key.set_value(key + 1);
                let url = Url::create_object_url_with_blob(&file).unwrap_or_default();
                self.previews.update(|p| p.push(Preview { key, url, name: file.name() }));
                self.alts.update(|a| a.push(String::new()));
                self.files.update_value(|f| f.push((key, file)));
            }
            self.error.set(refused.then(|| format!("A post has at most {MAX_PHOTOS} photos.")));
        }

        pub fn add_from_input(&self, ev: &leptos::ev::Event) {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            if let Some(list) = input.files() {
                self.add(list);
            }
            // The page keeps the files; the input only picks them.
            input.set_value("");
            input.set_required(false);
        }

        pub fn add_from_drop(&self, ev: &leptos::ev::DragEvent) {
            if let Some(list) = ev.data_transfer().and_then(|d| d.files()) {
                self.add(list);
            }
        }

        pub fn remove(&self, key: usize) {
            let Some(index) = self.previews.with(|p| p.iter().position(|p| p.key == key)) else { return };
            self.previews.update(|p| {
                let removed = p.remove(index);
                let _ = Url::revoke_object_url(&removed.url);
            });
            self.alts.update(|a| {
                a.remove(index);
            });
            self.files.update_value(|f| f.retain(|(k, _)| *k != key));
        }

        pub fn submit(&self, ev: &leptos::ev::SubmitEvent) {
            ev.prevent_default();
            if self.progress.get_untracked().is_some() {
                return;
            }
            if self.files.with_value(Vec::is_empty) {
                self.error.set(Some("Choose at least one photo.".into()));
                return;
            }
            let caption = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
                .and_then(|form| FormData::new_with_form(&form).ok())
                .and_then(|data| data.get("caption").as_string())
                .unwrap_or_default();
            if let Err(e) = self.send(&caption) {
                self.progress.set(None);
                self.error.set(Some(format!("The upload could not start: {e:?}")));
            }
        }

        fn send(&self, caption: &str) -> Result<(), wasm_bindgen::JsValue> {
            let data = FormData::new()?;
            data.append_with_str("caption", caption)?;
            let alts = self.alts.get_untracked();
            self.files.with_value(|files| -> Result<(), wasm_bindgen::JsValue> {
                for (i, (_, file)) in files.iter().enumerate() {
                    data.append_with_blob_and_filename("images", file, &file.name())?;
                    data.append_with_str("alt", alts.get(i).map(String::as_str).unwrap_or_default())?;
                }
                Ok(())
            })?;

            let xhr = XmlHttpRequest::new()?;
            xhr.open("POST", "/posts/new/")?;
            xhr.set_request_header("Accept", "application/json")?;
            let progress = self.progress;
            let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some(e.loaded() / e.total() * 100.0));
                }
            });
            xhr.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();

            let this = *self;
            let request = xhr.clone();
            let on_load = Closure::<dyn Fn()>::new(move || {
                let status = request.status().unwrap_or(0);
                let body = request.response_text().ok().flatten().unwrap_or_default();
                if status == 201 {
                    let url = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["url"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| "/".to_owned());
                    this.navigate.with_value(|navigate| navigate(&url));
                } else {
                    this.progress.set(None);
                    let message = serde_json::from_str::<AppError>(&body)
                        .map(|e| e.to_string())
                        .unwrap_or_else(|_| format!("The upload failed (HTTP {status})."));
                    this.error.set(Some(message));
                }
            });
            xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
            on_load.forget();
            let on_error = Closure::<dyn Fn()>::new(move || {
                this.progress.set(None);
                this.error.set(Some("The upload failed: Shutter could not be reached.".into()));
            });
            xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            on_error.forget();

            self.error.set(None);
            self.progress.set(Some(0.0));
            xhr.send_with_opt_form_data(Some(&data))
        }
    }
}
