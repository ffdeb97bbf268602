//! 附件：现场照片 — the visit's photos, two to an A4 page, each captioned with its item and the
//! finding it supports. The school, time and supervisor are already burned into each photo.

use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::storage::photos::{object_url, photos_for_visit, revoke_object_url};
use dudao_domain::opinion::AppendixPhoto;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Photos on one A4 page of the appendix.
const PER_PAGE: usize = 2;

#[component]
pub fn Appendix(photos: Vec<AppendixPhoto>, visit_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    // Each photo's best copy: the stored JPEG, or once uploaded and freed the server's copy
    // (the thumbnail when the server cannot be reached).
    let stored = LocalResource::new(move || {
        let id = visit_id.clone();
        async move {
            let mut out = Vec::new();
            for p in photos_for_visit(&id).await? {
                let (blob, _) = crate::sync::remote::best_copy(&p).await;
                out.push((p.meta.id, blob));
            }
            Ok::<_, crate::storage::StorageError>(out)
        }
    });
    // The blob: URLs made for this appendix, given back when it goes away.
    let urls: Arc<Mutex<Vec<String>>> = Arc::default();
    {
        let urls = urls.clone();
        on_cleanup(move || {
            if let Ok(mut u) = urls.lock() {
                u.drain(..).for_each(|u| revoke_object_url(&u));
            }
        });
    }
    let photos = Arc::new(photos);
    view! {
        <div class="doc-appendix" data-testid="opinion-appendix">
            {move || {
                let photos = photos.clone();
                let urls = urls.clone();
                stored.get().map(move |r| match r {
                    Ok(list) => {
                        if photos.is_empty() {
                            return view! {
                                <p class="no-print empty">{move || i18n.t().opinion_no_photos}</p>
                            }.into_any();
                        }
                        let mut by_id = HashMap::new();
                        if let Ok(mut u) = urls.lock() {
                            for (id, blob) in &list {
                                let url = object_url(blob);
                                u.push(url.clone());
                                by_id.insert(id.clone(), url);
                            }
                        }
                        pages(&photos, &by_id).into_any()
                    }
                    Err(e) => {
                        leptos::logging::error!("reading the visit's photos failed: {e}");
                        app.say(i18n.t().opinion_photos_failed);
                        view! {
                            <p class="no-print empty error">{move || i18n.t().opinion_photos_failed}</p>
                        }.into_any()
                    }
                })
            }}
        </div>
    }
}

fn pages(photos: &[AppendixPhoto], urls: &HashMap<String, String>) -> impl IntoView {
    photos
        .chunks(PER_PAGE)
        .enumerate()
        .map(|(i, chunk)| {
            let figures = chunk
                .iter()
                .map(|p| {
                    let caption = p.caption();
                    let img = match urls.get(&p.photo_id) {
                        Some(url) => {
                            view! { <img src=url.clone() alt=caption.clone()/> }.into_any()
                        }
                        None => view! {
                            <div class="doc-photo-missing">"（本机未保存此照片）"</div>
                        }
                        .into_any(),
                    };
                    view! {
                        <figure class="doc-photo" data-testid="opinion-photo">
                            {img}
                            <figcaption>{caption}</figcaption>
                        </figure>
                    }
                })
                .collect_view();
            view! {
                <section class="doc-sheet doc-appendix-page">
                    {(i == 0).then(|| view! {
                        <p class="doc-attachment-mark">"附件"</p>
                        <h2 class="doc-title doc-appendix-title">"现场照片"</h2>
                    })}
                    {figures}
                </section>
            }
        })
        .collect_view()
}
