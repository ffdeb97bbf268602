//! Conflicts to confirm: the field in words, the value kept and the value that lost, each with
//! who wrote it and when; 采用此值 takes the losing value, 知道了 keeps the current one. An
//! office workflow field (整改状态) is the office's to decide: only 知道了 there.

use crate::clock::{local_offset, now_ms};
use crate::i18n::use_i18n;
use crate::state::use_app;
use crate::sync::describe::{field_label, value_text};
use crate::sync::use_sync;
use dudao_domain::sync::fields::is_workflow;
use dudao_domain::sync::wire::Conflict;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ConflictList() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    view! {
        <section class="sync-card conflicts" data-testid="conflicts">
            <h2>{move || (i18n.t().sync.conflicts_title)(sync.conflicts.with(Vec::len))}</h2>
            <p class="note-text">{move || i18n.t().sync.conflicts_explain}</p>
            <ul class="sync-list">
                <For each=move || sync.conflicts.get() key=|c| c.id let:c>
                    <ConflictItem c/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn ConflictItem(c: Conflict) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let sync = use_sync();
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<(bool, &'static str)>);
    let school = {
        let sid = c.school_id.clone();
        move || {
            app.schools.with(|l| {
                l.iter()
                    .find(|s| s.id == sid)
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            })
        }
    };
    let label = {
        let (entity, field) = (c.entity.clone(), c.field.clone());
        move || {
            app.library
                .with(|lib| field_label(i18n.t().sync, &entity, &field, lib, i18n.en()))
        }
    };
    let value = {
        let (entity, field) = (c.entity.clone(), c.field.clone());
        move |v: &serde_json::Value| value_text(i18n.t(), &entity, &field, v, i18n.en())
    };
    let when =
        move |ms: i64| dudao_domain::datetime::format_when(ms, now_ms(), local_offset(), i18n.en());
    let (kept, lost) = (c.kept_value.clone(), c.lost_value.clone());
    let value2 = value.clone();
    let (kept_by, kept_at) = (c.kept_by.clone(), c.kept_hlc.ms);
    let (lost_by, lost_at) = (c.lost_by.clone(), c.lost_hlc.ms);
    // The losing value came from this phone: say so (the same person may have two phones).
    let lost_here = {
        let d = c.lost_device_id.clone();
        move || d.is_some() && sync.device_id.with(|me| me == &d)
    };
    let who = move |w: &str| (i18n.t().sync.who)(w);
    let may_take = !is_workflow(&c.entity, &c.field);
    let settle = move |use_lost: bool| {
        let c = c.clone();
        busy.set(true);
        spawn_local(async move {
            let t = i18n.t().sync;
            match sync.resolve_conflict(&c, use_lost).await {
                Ok(()) => {}
                Err(e) => {
                    leptos::logging::error!("conflict {} not settled: {e}", c.id);
                    let _ = said.try_set(Some((true, t.resolve_failed)));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let settle2 = settle.clone();
    view! {
        <li class="sync-item conflict" data-testid="conflict-item">
            <p class="sync-item-title">{school}</p>
            <p class="sync-item-fields" data-testid="conflict-field">{label}</p>
            <div class="conflict-values">
                <div class="conflict-value kept">
                    <span class="badge ok">{move || i18n.t().sync.kept_value}</span>
                    <p class="value" data-testid="conflict-kept">{move || value(&kept)}</p>
                    <p class="meta">{move || format!("{} · {}", who(&kept_by), when(kept_at))}</p>
                </div>
                <div class="conflict-value lost">
                    <span class="badge">{move || i18n.t().sync.lost_value}</span>
                    <p class="value" data-testid="conflict-lost">{move || value2(&lost)}</p>
                    <p class="meta">{move || {
                        let here = if lost_here() { format!(" · {}", i18n.t().sync.this_phone) } else { String::new() };
                        format!("{}{here} · {}", who(&lost_by), when(lost_at))
                    }}</p>
                    {may_take.then(|| view! {
                        <button class="btn small" data-testid="conflict-use-lost" disabled=busy
                            on:click=move |_| settle(true)>
                            {move || i18n.t().sync.use_this}
                        </button>
                    })}
                </div>
            </div>
            <button class="btn small primary wide" data-testid="conflict-dismiss" disabled=busy
                on:click=move |_| settle2(false)>
                {move || i18n.t().sync.keep_current}
            </button>
            {move || said.get().map(|(_, text)| view! { <p class="form-error" role="alert">{text}</p> })}
        </li>
    }
}
