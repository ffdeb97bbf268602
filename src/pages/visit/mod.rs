//! The visit screen: sections, progress, item cards, "next unanswered" and finishing.

mod answer_input;
mod editor;
mod item_card;
mod missing_panel;
mod not_applicable;

/// The photo strip, for any page that shows an item's photos (read-only unless a draft).
pub mod photo_strip;
mod section_all;

use crate::components::load_error::VisitLoadError;
use crate::i18n::use_i18n;
use crate::opened_visit::OpenedVisit;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

/// A change the supervisor makes to one item.
#[derive(Debug, Clone)]
pub enum Edit {
    Value(String, Option<dudao_domain::AnswerValue>),
    Note(String, String),
}

#[component]
pub fn VisitPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let session = LocalResource::new(move || OpenedVisit::load(id()));
    let navigate = use_navigate();
    view! {
        <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
            {move || session.get().map(|r| match r {
                Ok(Some(s)) if s.visit.state == dudao_domain::VisitState::Draft => {
                    view! { <editor::VisitEditor session=s/> }.into_any()
                }
                Ok(Some(s)) => {
                    // A finished visit is read-only: show its result instead.
                    navigate(&format!("/visits/{}/summary", s.visit.id), Default::default());
                    ().into_any()
                }
                Ok(None) => view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }.into_any(),
                Err(e) => view! { <VisitLoadError error=e/> }.into_any(),
            })}
        </Suspense>
    }
}
