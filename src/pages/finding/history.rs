//! 整改记录: every move on the finding, oldest first: when, who (and as what), from → to, the
//! note, and the photos (the fix, the school's 整改报告). A photo stored on this phone shows its
//! thumbnail; one taken elsewhere is fetched from the office server when opened.

use crate::clock::fmt_datetime;
use crate::i18n::use_i18n;
use crate::storage::photos::{object_url, photo_in, revoke_object_url};
use crate::storage::repo;
use dudao_domain::finding_record::FindingRecord;
use dudao_domain::rectify::{Action, Actor, Entry};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn History(record: RwSignal<Option<FindingRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    let entries = Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .map(|r| r.workflow.history.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <section class="finding-history" data-testid="finding-history">
            <h2>{move || i18n.t().rectify.history}</h2>
            {move || {
                let list = entries.get();
                if list.is_empty() {
                    return view! { <p class="empty" data-testid="no-history">{move || i18n.t().rectify.no_history}</p> }.into_any();
                }
                view! {
                    <ol class="history">
                        {list.into_iter().map(|e| view! { <Move entry=e/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

pub fn role_name(role: Actor, t: &crate::i18n::Strings) -> &'static str {
    match role {
        Actor::Supervisor => t.sync.role_supervisor,
        Actor::Office => t.sync.role_office,
        Actor::Admin => t.sync.role_admin,
    }
}

#[component]
fn Move(entry: Entry) -> impl IntoView {
    let i18n = use_i18n();
    let e = entry;
    let (action, from, to, role, at) = (e.action.clone(), e.from, e.to, e.role, e.at);
    // The name people know them by; the username for moves recorded before names were.
    let by = if e.by_name.is_empty() {
        e.by.clone()
    } else {
        e.by_name.clone()
    };
    let note = e.note.clone();
    let key = action.en();
    view! {
        <li class="history-entry" data-testid="history-entry" data-action=key data-to=to.key()>
            <p class="history-head">
                <strong>{move || if i18n.en() { action.en() } else { action.zh() }}</strong>
                " "
                <span class="meta">
                    {move || if i18n.en() {
                        format!("{} → {}", from.en(), to.en())
                    } else {
                        format!("{} → {}", from.zh(), to.zh())
                    }}
                </span>
            </p>
            <p class="meta">
                {move || fmt_datetime(at, i18n.en())} " · "
                {move || (i18n.t().rectify.by)(&by, role_name(role, i18n.t()))}
            </p>
            {(!note.is_empty()).then(|| view! { <p class="history-note" data-testid="history-note">{note.clone()}</p> })}
            {match e.action {
                Action::RecheckFailed { deadline } => Some(view! {
                    <p class="meta" data-testid="history-deadline">
                        {move || format!("{}：{}", i18n.t().rectify.new_deadline, deadline.display(i18n.en()))}
                    </p>
                }),
                _ => None,
            }}
            {(!e.photos.is_empty()).then(|| view! { <Photos ids=e.photos.clone()/> })}
        </li>
    }
}

/// A move's photos: thumbnails of those on this phone; the rest by a button that fetches them.
#[component]
pub fn Photos(ids: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    // (photo id, thumbnail URL on this phone)
    let thumbs = RwSignal::new(
        ids.iter()
            .map(|id| (id.clone(), None::<String>))
            .collect::<Vec<_>>(),
    );
    let open = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    {
        let ids = ids.clone();
        spawn_local(async move {
            let Ok(db) = repo::db().await else { return };
            for id in ids {
                if let Ok(Some(p)) = photo_in(&db, &id).await {
                    let url = object_url(&p.thumb);
                    if thumbs
                        .try_update(|t| {
                            if let Some(slot) = t.iter_mut().find(|(i, _)| *i == id) {
                                slot.1 = Some(url.clone());
                            }
                        })
                        .is_none()
                    {
                        revoke_object_url(&url);
                    }
                }
            }
        });
    }
    on_cleanup(move || {
        if let Some(t) = thumbs.try_get_untracked() {
            t.iter()
                .filter_map(|(_, u)| u.as_ref())
                .for_each(|u| revoke_object_url(u));
        }
        if let Some(Some(u)) = open.try_get_untracked() {
            revoke_object_url(&u);
        }
    });
    let show = move |id: String| {
        failed.set(false);
        spawn_local(async move {
            let stored = async {
                let db = repo::db().await.ok()?;
                let p = photo_in(&db, &id).await.ok()??;
                Some(crate::sync::remote::best_copy(&p).await.0)
            };
            let blob = match stored.await {
                Some(b) => Some(b),
                None => crate::sync::remote::full_photo(&id).await.ok(),
            };
            match blob {
                Some(b) => {
                    if let Some(Some(old)) = open.try_get_untracked() {
                        revoke_object_url(&old);
                    }
                    let _ = open.try_set(Some(object_url(&b)));
                }
                None => {
                    let _ = failed.try_set(true);
                }
            }
        });
    };
    let close = move || {
        if let Some(u) = open.get_untracked() {
            revoke_object_url(&u);
        }
        open.set(None);
    };
    view! {
        <ul class="thumbs" data-testid="history-photos">
            {move || thumbs.get().into_iter().enumerate().map(|(i, (id, url))| {
                let remote = url.is_none();
                view! {
                    <li>
                        <button class="thumb" class:remote=remote data-testid="history-photo" data-photo-id=id.clone()
                            aria-label=move || (i18n.t().rectify.photo_open)(i + 1)
                            on:click=move |_| show(id.clone())>
                            {match url {
                                Some(u) => view! { <img src=u alt=""/> }.into_any(),
                                None => view! { <span>{move || i18n.t().rectify.photo_not_here}</span> }.into_any(),
                            }}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <Show when=move || failed.get()>
            <p class="meta" role="status">{move || i18n.t().sync.photo_unavailable}</p>
        </Show>
        {move || open.get().map(|url| view! {
            <div class="photo-viewer" data-testid="photo-viewer" role="dialog" aria-modal="true"
                aria-label=move || i18n.t().photo_viewer
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }>
                <img src=url alt=""/>
                <div class="viewer-actions">
                    <button class="btn" on:click=move |_| close()>{move || i18n.t().close}</button>
                </div>
            </div>
        })}
    }
}
