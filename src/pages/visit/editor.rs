//! The editor of a draft visit. Every change goes through the visit's [`VisitEdit`], which
//! applies it to the domain `Visit`, saves it with its outbox marker and, if the save fails,
//! returns the screen to what is stored and says why.

use super::item_card::ItemCard;
use super::missing_panel::MissingPanel;
use super::not_applicable::NotApplicableList;
use super::section_all::SectionAllOk;
use super::Edit;
use crate::clock::now_ms;
use crate::i18n::use_i18n;
use crate::opened_visit::OpenedVisit;
use crate::state::use_app;
use crate::visit_edit::{Refusal, VisitEdit, Write};
use dudao_domain::checklist::{is_answered, Missing};
use dudao_domain::visit::FinishError;
use dudao_domain::Progress;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::time::Duration;

/// One visible section: its key, title and the codes of its visible items.
#[derive(Debug, Clone, PartialEq)]
struct SectionInfo {
    key: String,
    title: dudao_domain::Text,
    items: Vec<String>,
    answered: usize,
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
pub fn VisitEditor(session: OpenedVisit) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let edit = VisitEdit::open(session);
    let visit = edit.visit();
    let checklist = edit.checklist();
    let missing = RwSignal::new(Vec::<Missing>::new());
    // Where the visit takes place, asked when it starts (the editor opens at once) or when a
    // draft without one is reopened; never waited for. See `geo::record_location`.
    crate::geo::record_location(app, edit);

    // One visibility pass per change: the sections with their visible items and answered
    // counts; progress is their sum.
    let cl = checklist.clone();
    let sections = Memo::new(move |_| {
        visit.with(|v| {
            cl.checklist()
                .overview(&v.answers)
                .sections
                .iter()
                .map(|s| SectionInfo {
                    key: s.key(),
                    title: s.section.title.clone(),
                    items: s.items.iter().map(|i| i.code.clone()).collect(),
                    answered: s.answered,
                })
                .collect::<Vec<_>>()
        })
    });
    let progress = Memo::new(move |_| {
        sections.with(|secs| Progress {
            answered: secs.iter().map(|s| s.answered).sum(),
            total: secs.iter().map(|s| s.items.len()).sum(),
        })
    });
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

    let go_to_item = move |code: String| {
        if let Some(s) =
            sections.with_untracked(|s| s.iter().find(|x| x.items.contains(&code)).cloned())
        {
            current.set(s.key);
            scroll_to_item(&code);
        }
    };

    let cl = checklist.clone();
    let next_unanswered = move |_| {
        let here = current_items();
        let next = visit.with_untracked(|v| {
            // Prefer the first gap in this section, then continue after it.
            here.iter()
                .find(|c| !is_answered(&v.answers, c))
                .cloned()
                .or_else(|| {
                    cl.checklist()
                        .next_unanswered(&v.answers, here.last().map(String::as_str))
                        .map(|i| i.code.clone())
                })
        });
        if let Some(code) = next {
            go_to_item(code);
        }
    };

    let cl = checklist.clone();
    let apply = Callback::new(move |change: Edit| {
        let now = now_ms();
        let applied = edit.edit(|v, checklist| {
            match change {
                Edit::Value(code, value) => v.set_value(checklist, &code, value, now),
                Edit::Note(code, note) => v.set_note(checklist, &code, note, now),
            }
            .map_err(|e| Refusal::of_visit(&e, i18n))
        });
        // What was listed as missing and is now given leaves the list (one check per change).
        if applied.is_some() && missing.with_untracked(|m| !m.is_empty()) {
            let now_missing = visit.with_untracked(|v| cl.checklist().missing(&v.answers));
            missing.update(|m| m.retain(|x| now_missing.contains(x)));
        }
    });

    let finish = move |_| {
        let navigate = navigate.clone();
        edit.edit_then(
            Write::Visit,
            |v, checklist| match v.finish(checklist, now_ms()) {
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
                    Err(Refusal::Shown)
                }
                Err(FinishError::Visit(_)) => Err(Refusal::Say(i18n.t().err_read_only.into())),
                Ok(()) => Ok(()),
            },
            move |saved| {
                if let Ok(v) = saved {
                    navigate(&format!("/visits/{}/review", v.id), Default::default());
                }
            },
        );
    };

    let school_name = visit.with_untracked(|v| v.school.name.clone());
    let school = visit.with_untracked(|v| v.school.clone());
    let na_templates = edit.templates();
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
                <SectionAllOk missing codes=Signal::derive(current_items)/>
            </div>
            <ol class="items">
                <For each=current_items key=|code| code.clone() let:code>
                    <ItemCard code apply/>
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
