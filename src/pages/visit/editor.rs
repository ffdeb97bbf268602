//! The editor of a draft visit. Every edit is applied to the domain `Visit`, then saved with its
//! outbox entry; if the save fails the screen returns to what is stored and says why.

use super::item_card::ItemCard;
use super::missing_panel::MissingPanel;
use super::not_applicable::NotApplicableList;
use super::section_all::SectionAllOk;
use super::Edit;
use crate::clock::now_ms;
use crate::i18n::use_i18n;
use crate::session::{with_checklist, Session};
use crate::state::use_app;
use crate::storage::repo::{self, FieldOp};
use dudao_domain::checklist::Missing;
use dudao_domain::visit::{FinishError, VisitError};
use dudao_domain::{Checklist, Template, Visit};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use std::sync::Arc;
use std::time::Duration;

/// One visible section: its key, title and the codes of its visible items.
#[derive(Debug, Clone, PartialEq)]
struct SectionInfo {
    key: String,
    title: dudao_domain::Text,
    items: Vec<String>,
    answered: usize,
}

fn sections_of(cl: &Checklist, v: &Visit) -> Vec<SectionInfo> {
    cl.sections(&v.answers)
        .into_iter()
        .map(|s| SectionInfo {
            key: format!("{}/{}", s.template.id, s.section.code),
            title: s.section.title.clone(),
            answered: s
                .items
                .iter()
                .filter(|i| v.answers.get(&i.code).is_some_and(|a| a.has_value()))
                .count(),
            items: s.items.iter().map(|i| i.code.clone()).collect(),
        })
        .collect()
}

fn scroll_to_item(code: &str) {
    let id = format!("item-{code}");
    // Wait for the section's cards to be in the DOM.
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(&id) {
                el.scroll_into_view();
            }
        },
        Duration::from_millis(30),
    );
}

fn scroll_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

#[component]
pub fn VisitEditor(session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let templates: Arc<Vec<Template>> = session.templates.clone();
    let visit = RwSignal::new(session.visit.clone());
    let last_saved = StoredValue::new(session.visit);
    provide_context(super::SavedVisit(last_saved));
    // Values sync brings into this visit replace the editor's copy.
    crate::sync::service::follow_synced(visit, last_saved);
    let missing = RwSignal::new(Vec::<Missing>::new());
    // Where the visit takes place, asked when it starts (the editor opens at once) or when a
    // draft without one is reopened; never waited for. See `geo::record_location`.
    crate::geo::record_location(app, visit, last_saved);

    let ts = templates.clone();
    let sections =
        Memo::new(move |_| visit.with(|v| with_checklist(&ts, v, |cl| sections_of(cl, v))));
    let start_key = {
        let v = visit.get_untracked();
        let secs = sections.get_untracked();
        v.position
            .as_ref()
            .and_then(|p| secs.iter().find(|s| s.items.contains(p)))
            .or(secs.first())
            .map(|s| s.key.clone())
            .unwrap_or_default()
    };
    let current = RwSignal::new(start_key);
    let index = Memo::new(move |_| {
        let key = current.get();
        sections.with(|s| s.iter().position(|x| x.key == key).unwrap_or(0))
    });
    let current_items = move || {
        sections.with(|s| {
            s.get(index.get())
                .map(|x| x.items.clone())
                .unwrap_or_default()
        })
    };

    // Derived from the sections, which already hold every visible item and its answered count.
    let progress = Memo::new(move |_| {
        sections.with(|secs| dudao_domain::Progress {
            answered: secs.iter().map(|s| s.answered).sum(),
            total: secs.iter().map(|s| s.items.len()).sum(),
        })
    });

    let go_to_item = move |code: String| {
        if let Some(s) =
            sections.with_untracked(|s| s.iter().find(|x| x.items.contains(&code)).cloned())
        {
            current.set(s.key);
            scroll_to_item(&code);
        }
    };

    let ts = templates.clone();
    let next_unanswered = move |_| {
        let next = visit.with_untracked(|v| {
            with_checklist(&ts, v, |cl| {
                let from = current_items().last().cloned();
                let here = current_items();
                // Prefer the first gap in this section, then continue after it.
                here.iter()
                    .find(|c| !v.answers.get(*c).is_some_and(|a| a.has_value()))
                    .cloned()
                    .or_else(|| {
                        cl.next_unanswered(&v.answers, from.as_deref())
                            .map(|i| i.code.clone())
                    })
            })
        });
        if let Some(code) = next {
            go_to_item(code);
        }
    };

    let ts = templates.clone();
    let apply = Callback::new(move |edit: Edit| {
        let t = i18n.t();
        let mut next = visit.get_untracked();
        let before = next.clone();
        let school = next.school.clone();
        let now = now_ms();
        let refs: Vec<&Template> = ts.iter().collect();
        let cl = Checklist::new(&refs, &school);
        let (result, op) = match edit {
            Edit::Value(code, value) => {
                let json = serde_json::to_value(&value).unwrap_or_default();
                (
                    next.set_value(&cl, &code, value, now),
                    FieldOp {
                        field: format!("answers.{code}.value"),
                        value: json,
                    },
                )
            }
            Edit::Note(code, note) => {
                let json = serde_json::Value::String(note.clone());
                (
                    next.set_note(&cl, &code, note, now),
                    FieldOp {
                        field: format!("answers.{code}.note"),
                        value: json,
                    },
                )
            }
        };
        match result {
            Err(VisitError::ReadOnly(_)) => return app.say(t.err_read_only),
            // The fields read what is typed by the same check, so this is rare: say the range.
            Err(VisitError::WrongValue(_, e)) => return app.say(e.message(i18n.en())),
            Err(_) => return app.say(t.err_wrong_value),
            Ok(()) => {}
        }
        missing.update(|m| m.retain(|x| cl.missing(&next.answers).contains(x)));
        visit.set(next.clone());
        spawn_local(async move {
            match repo::save_visit(Some(&before), &next, vec![op]).await {
                Ok(saved) => {
                    crate::pages::show_saved(visit, &next, &saved);
                    last_saved.set_value(saved);
                    app.refresh_pending();
                }
                Err(e) => {
                    leptos::logging::error!("saving answer failed: {e}");
                    visit.set(last_saved.get_value());
                    app.say(e.user_message(i18n.t()));
                }
            }
        });
    });

    let ts = templates.clone();
    let finish = move |_| {
        let mut next = visit.get_untracked();
        let before = next.clone();
        let school = next.school.clone();
        let refs: Vec<&Template> = ts.iter().collect();
        let cl = Checklist::new(&refs, &school);
        match next.finish(&cl, now_ms()) {
            Err(FinishError::Missing(m)) => {
                missing.set(m);
                set_timeout(
                    || {
                        if let Some(el) = document()
                            .query_selector("[data-testid=missing]")
                            .ok()
                            .flatten()
                        {
                            el.scroll_into_view();
                        }
                    },
                    Duration::from_millis(30),
                );
            }
            Err(FinishError::Visit(_)) => app.say(i18n.t().err_read_only),
            Ok(()) => {
                let navigate = navigate.clone();
                spawn_local(async move {
                    let op = FieldOp {
                        field: "state".into(),
                        value: serde_json::to_value(next.state).unwrap_or_default(),
                    };
                    match repo::save_visit(Some(&before), &next, vec![op]).await {
                        Ok(_) => {
                            app.refresh_pending();
                            navigate(&format!("/visits/{}/review", next.id), Default::default());
                        }
                        Err(e) => app.say(e.user_message(i18n.t())),
                    }
                });
            }
        }
    };

    let school_name = visit.with_untracked(|v| v.school.name.clone());
    let school = visit.with_untracked(|v| v.school.clone());
    let na_templates = templates.clone();
    let is_last = move || index.get() + 1 >= sections.with(Vec::len);
    let step = move |delta: isize| {
        let i = index.get_untracked() as isize + delta;
        if let Some(s) = sections.with_untracked(|s| s.get(i.max(0) as usize).cloned()) {
            current.set(s.key);
            scroll_top();
        }
    };

    view! {
        <section class="page visit" data-testid="visit-editor">
            <div class="visit-head">
                <div class="visit-title">
                    <span class="school">{school_name}</span>
                    <span class="progress" data-testid="progress">
                        {move || { let p = progress.get(); (i18n.t().answered)(p.answered, p.total) }}
                    </span>
                </div>
                <div class="progress-bar" aria-hidden="true">
                    <span style:width=move || {
                        let p = progress.get();
                        format!("{}%", (p.answered * 100).checked_div(p.total).unwrap_or(0))
                    }></span>
                </div>
                <div class="visit-tools">
                    <nav class="section-tabs" aria-label="sections">
                        <For each=move || sections.get() key=|s| (s.key.clone(), s.answered, s.items.len()) let:s>
                            {
                                let key = s.key.clone();
                                let key2 = s.key.clone();
                                let title = s.title.clone();
                                let done = s.answered;
                                let total = s.items.len();
                                view! {
                                    <button
                                        class="chip"
                                        class:on=move || current.get() == key
                                        class:done=move || done == total
                                        on:click=move |_| { current.set(key2.clone()); scroll_top(); }
                                    >
                                        {move || title.get(i18n.en()).to_owned()}
                                        <small>{format!(" {done}/{total}")}</small>
                                    </button>
                                }
                            }
                        </For>
                    </nav>
                    <button class="btn small" data-testid="next-unanswered"
                        disabled=move || { let p = progress.get(); p.answered == p.total }
                        on:click=next_unanswered>
                        {move || { let p = progress.get(); if p.answered == p.total { i18n.t().all_answered } else { i18n.t().next_unanswered } }}
                    </button>
                </div>
            </div>

            <div class="section-head">
                <h2 class="section-title" data-testid="section-title">
                    {move || sections.with(|s| s.get(index.get()).map(|x| x.title.get(i18n.en()).to_owned()).unwrap_or_default())}
                </h2>
                <SectionAllOk templates=templates.clone() visit last_saved missing codes=Signal::derive(current_items)/>
            </div>
            <ol class="items">
                <For each=current_items key=|code| code.clone() let:code>
                    <ItemCard code templates=templates.clone() visit apply/>
                </For>
            </ol>

            <Show when=is_last>
                <NotApplicableList templates=na_templates.clone() school=school.clone()/>
            </Show>

            <MissingPanel missing on_jump=Callback::new(move |code: String| { missing.set(Vec::new()); go_to_item(code) })/>

            <div class="actionbar">
                <button class="btn" data-testid="prev-section" disabled=move || index.get() == 0 on:click=move |_| step(-1)>
                    {move || format!("‹ {}", i18n.t().prev_section)}
                </button>
                <Show
                    when=is_last
                    fallback=move || view! {
                        <button class="btn primary" data-testid="next-section" on:click=move |_| step(1)>
                            {move || format!("{} ›", i18n.t().next_section)}
                        </button>
                    }
                >
                    <button class="btn primary" data-testid="finish-visit" on:click=finish.clone()>
                        {move || i18n.t().finish_visit}
                    </button>
                </Show>
            </div>
        </section>
    }
}
