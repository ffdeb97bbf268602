//! Photo evidence on an item card: take or pick photos, see them as thumbnails, open one full
//! size, delete it after one confirmation. Processing runs one photo at a time (a phone holds
//! one 12-megapixel decode comfortably, not five) and shows "处理中…" for each waiting photo.
//! Editing only while the visit is a draft; a finished visit still shows and opens its photos.

use crate::clock::now_ms;
use crate::i18n::use_i18n;
use crate::photo::{process, PhotoInput};
use crate::state::use_app;
use crate::storage::photos::{object_url, photo_in, revoke_object_url};
use crate::storage::repo;
use crate::visit_edit::{Refusal, VisitEdit, Write};
use dudao_domain::VisitState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, HtmlInputElement};

/// A photo on the strip: its stored JPEG and a `blob:` URL of its thumbnail.
#[derive(Clone)]
struct Shown {
    id: String,
    thumb_url: String,
    blob: Blob,
    /// Uploaded and freed: `blob` is the thumbnail, the full photo is on the server.
    on_server: bool,
}

#[component]
pub fn PhotoStrip(
    code: String,
    /// The item's answer as stored (the card's own signal of it): its photo list.
    answer: Memo<Option<dudao_domain::visit::Answer>>,
    /// The item's evidence rule asks for a photo now (e.g. it is judged 不符合).
    #[prop(into)]
    needs_photo: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let edit = VisitEdit::expect();
    let visit = edit.visit();
    let loaded = RwSignal::new_local(Vec::<Shown>::new());
    // Photos waiting for or in processing.
    let busy = RwSignal::new(0usize);
    // The photo open full size, with its object URL; and whether deleting it awaits the answer.
    let open = RwSignal::new(None::<(String, String)>);
    // The open photo is only the thumbnail: its full copy is on the server (being fetched, or
    // not reachable now).
    let thumb_only = RwSignal::new(None::<&'static str>);
    let confirming = RwSignal::new(false);

    let editable = Memo::new(move |_| visit.with(|v| v.state == VisitState::Draft));
    let ids = Memo::new(move |_| {
        answer.with(|a| a.as_ref().map(|a| a.photos.clone()).unwrap_or_default())
    });
    // The answer's photos in its order, as far as they are stored on this phone.
    let shown = move || {
        let ids = ids.get();
        loaded.with(|l| {
            ids.iter()
                .filter_map(|id| l.iter().find(|s| &s.id == id).cloned())
                .collect::<Vec<_>>()
        })
    };

    // Only this answer's photos, by id: most cards have none and read nothing, so opening a
    // section of 40 items does not scan the visit's photos 40 times.
    let wanted = ids.get_untracked();
    if !wanted.is_empty() {
        spawn_local(async move {
            let db = match repo::db().await {
                Ok(db) => db,
                Err(e) => return leptos::logging::error!("reading photos failed: {e}"),
            };
            let mut mine = Vec::new();
            for id in &wanted {
                match photo_in(&db, id).await {
                    Ok(Some(p)) => mine.push(Shown {
                        thumb_url: object_url(&p.thumb),
                        id: p.meta.id,
                        blob: p.blob,
                        on_server: p.on_server,
                    }),
                    // Listed but not on this phone (restored elsewhere, not yet downloaded).
                    Ok(None) => {}
                    Err(e) => leptos::logging::error!("reading photo {id} failed: {e}"),
                }
            }
            // The card may be gone by now (another section): then give the URLs back.
            if loaded.try_set(mine.clone()).is_some() {
                mine.iter().for_each(|s| revoke_object_url(&s.thumb_url));
            }
        });
    }
    on_cleanup(move || {
        if let Some(l) = loaded.try_get_untracked() {
            l.iter().for_each(|s| revoke_object_url(&s.thumb_url));
        }
        if let Some(Some((_, url))) = open.try_get_untracked() {
            revoke_object_url(&url);
        }
    });

    let c = code.clone();
    let add = move |file: File| {
        let code = c.clone();
        async move {
            let t = i18n.t();
            let Some(input) = visit.try_with_untracked(|v| PhotoInput {
                id: uuid::Uuid::now_v7().to_string(),
                visit_id: v.id.clone(),
                item_code: code.clone(),
                school: v.school.name.clone(),
                supervisor: v.supervisor.clone(),
                taken_at: now_ms(),
            }) else {
                return;
            };
            let photo = match process(&file, input).await {
                Ok(p) => p,
                Err(e) => {
                    leptos::logging::error!("photo not stored: {e}");
                    app.say(e.user_message(i18n.t()));
                    return;
                }
            };
            let id = photo.meta.id.clone();
            // Shown and listed at once, so an edit saved meanwhile keeps the photo's id.
            let thumb_url = object_url(&photo.thumb);
            let shown = Shown {
                id: id.clone(),
                thumb_url: thumb_url.clone(),
                blob: photo.blob.clone(),
                on_server: false,
            };
            let attach_id = id.clone();
            let attached = edit.edit_then(
                Write::AttachPhoto(photo),
                |v, checklist| {
                    v.attach_photo(checklist, &code, attach_id, now_ms())
                        .map_err(|e| match e {
                            dudao_domain::visit::VisitError::ReadOnly(_) => {
                                Refusal::Say(t.err_read_only.into())
                            }
                            e => {
                                leptos::logging::error!("photo not attached: {e}");
                                Refusal::Say(t.err_photo_failed.into())
                            }
                        })
                },
                move |saved| {
                    // Not stored: the screen is back to what is stored; the thumbnail goes too.
                    if saved.is_err() {
                        let _ = loaded.try_update(|l| l.retain(|s| s.id != id));
                        revoke_object_url(&thumb_url);
                    }
                },
            );
            match attached {
                Some(()) => {
                    let _ = loaded.try_update(|l| l.push(shown));
                }
                None => revoke_object_url(&shown.thumb_url),
            }
        }
    };

    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        // So the same file can be picked again.
        input.set_value("");
        if files.is_empty() {
            return;
        }
        busy.update(|n| *n += files.len());
        let add = add.clone();
        spawn_local(async move {
            for f in files {
                add(f).await;
                if busy.try_update(|n| *n = n.saturating_sub(1)).is_none() {
                    return;
                }
            }
        });
    };
    let on_take = on_files.clone();

    let close = move || {
        if let Some((_, url)) = open.get_untracked() {
            revoke_object_url(&url);
        }
        open.set(None);
        confirming.set(false);
    };
    let view_photo = move |id: String| {
        let Some(shown) = loaded.with_untracked(|l| l.iter().find(|s| s.id == id).cloned()) else {
            return;
        };
        close();
        open.set(Some((id.clone(), object_url(&shown.blob))));
        thumb_only.set(None);
        if shown.on_server {
            // Freed after upload: show the thumbnail at once, the server's copy when it comes.
            thumb_only.set(Some(i18n.t().sync.photo_loading));
            spawn_local(async move {
                let fetched = crate::sync::remote::full_photo(&id).await;
                if open.try_with_untracked(|o| o.as_ref().map(|(i, _)| i == &id))
                    != Some(Some(true))
                {
                    return;
                }
                match fetched {
                    Ok(full) => {
                        if let Some((_, old)) = open.get_untracked() {
                            revoke_object_url(&old);
                        }
                        open.set(Some((id, object_url(&full))));
                        thumb_only.set(None);
                    }
                    Err(_) => thumb_only.set(Some(i18n.t().sync.photo_unavailable)),
                }
            });
        }
    };

    let c = code.clone();
    let remove = move |_| {
        let Some((id, _)) = open.get_untracked() else {
            return;
        };
        close();
        // Off the card at once; back if the delete cannot be stored.
        let gone = id.clone();
        edit.edit_then(
            Write::DeletePhoto(id.clone()),
            |v, _| {
                v.detach_photo(&c, &id, now_ms()).map_err(|e| {
                    leptos::logging::error!("photo not deleted: {e}");
                    Refusal::Say(i18n.t().err_read_only.into())
                })
            },
            move |saved| {
                if saved.is_ok() {
                    if let Some(shown) = loaded
                        .try_with_untracked(|l| l.iter().find(|s| s.id == gone).cloned())
                        .flatten()
                    {
                        revoke_object_url(&shown.thumb_url);
                    }
                    let _ = loaded.try_update(|l| l.retain(|s| s.id != gone));
                }
            },
        );
    };

    let count = move || ids.with(Vec::len);
    // The viewer takes the focus (Escape closes it), so a keyboard or screen reader is in it.
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = close_button.get() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="photos" data-testid="photos">
            <Show when=move || needs_photo.get() && count() == 0>
                <p class="photo-needed" data-testid="photo-needed" role="note">
                    <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 5a5 5 0 1 1 0 10 5 5 0 0 1 0-10zm0 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6z"/></svg> {move || i18n.t().missing_photo}
                </p>
            </Show>
            <Show when=move || { count() > 0 || busy.get() > 0 }>
                <div class="photo-strip">
                    <Show when=move || { count() > 0 }>
                        <span class="badge photo-count" data-testid="photo-count">
                            {move || (i18n.t().photos_count)(count())}
                        </span>
                    </Show>
                    <ul class="thumbs">
                        {move || shown().into_iter().enumerate().map(|(i, s)| {
                            let id = s.id.clone();
                            view! {
                                <li>
                                    <button class="thumb" data-testid="photo-thumb" data-photo-id=s.id.clone()
                                        aria-label=move || (i18n.t().photo_open)(i + 1)
                                        on:click=move |_| view_photo(id.clone())>
                                        <img src=s.thumb_url.clone() alt=""/>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                        {move || (0..busy.get()).map(|_| view! {
                            <li>
                                <span class="thumb busy" data-testid="photo-busy" role="status">
                                    {move || i18n.t().photo_busy}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Show when=move || editable.get()>
                <div class="photo-actions">
                    <label class="btn small photo-btn">
                        <input type="file" accept="image/*" capture="environment" class="sr-only"
                            data-testid="photo-take" on:change=on_take.clone()/>
                        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 5a5 5 0 1 1 0 10 5 5 0 0 1 0-10zm0 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6z"/></svg> {move || i18n.t().photo_take}
                    </label>
                    <label class="btn small photo-btn">
                        <input type="file" accept="image/*" multiple class="sr-only"
                            data-testid="photo-pick" on:change=on_files.clone()/>
                        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" fill-rule="evenodd" d="M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 2v10.6l4.3-4.3 3 3 5.2-5.8L20 13.4V6H4zm4 1.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4z"/></svg> {move || i18n.t().photo_pick}
                    </label>
                </div>
            </Show>
            {move || {
                let remove = remove.clone();
                open.get().map(|(_, url)| view! {
                <div class="photo-viewer" data-testid="photo-viewer" role="dialog" aria-modal="true"
                    aria-label=move || i18n.t().photo_viewer
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" {
                        if confirming.get_untracked() { confirming.set(false) } else { close() }
                    }>
                    <img src=url alt=move || i18n.t().photo_viewer/>
                    {move || thumb_only.get().map(|note| view! {
                        <p class="viewer-note" data-testid="photo-thumb-only" role="status">{note}</p>
                    })}
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <div class="viewer-actions">
                                <Show when=move || editable.get()>
                                    <button class="btn danger" data-testid="photo-delete"
                                        on:click=move |_| confirming.set(true)>
                                        {move || i18n.t().photo_delete}
                                    </button>
                                </Show>
                                <button class="btn primary" data-testid="photo-close"
                                    node_ref=close_button on:click=move |_| close()>
                                    {move || i18n.t().close}
                                </button>
                            </div>
                        }
                    >
                        <div class="confirm-sheet" role="alertdialog" data-testid="photo-delete-sheet">
                            <p>{move || i18n.t().photo_delete_ask}</p>
                            <div class="viewer-actions">
                                <button class="btn" data-testid="photo-delete-cancel"
                                    on:click=move |_| confirming.set(false)>
                                    {move || i18n.t().cancel}
                                </button>
                                <button class="btn danger" data-testid="photo-delete-confirm" on:click=remove.clone()>
                                    {move || i18n.t().photo_delete_confirm}
                                </button>
                            </div>
                        </div>
                    </Show>
                </div>
            })}}
        </div>
    }
}
