//! 督导意见书: the signed visit as a print-ready A4 document in 公文 style. The toolbar (print,
//! photos appendix, back) sits at the bottom in thumb reach and is left out of the print; the
//! browser's print dialog saves the document as PDF.

mod appendix;
mod document;

use crate::components::load_error::VisitLoadError;
use crate::i18n::use_i18n;
use crate::opened_visit::OpenedVisit;
use dudao_domain::opinion::Opinion;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OpinionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let session = LocalResource::new(move || OpenedVisit::load(id()));
    view! {
        <section class="page opinion-page">
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || session.get().map(|r| match r {
                    Ok(Some(s)) => match Opinion::of(&s.visit, &s.templates) {
                        Ok(o) => view! { <OpinionScreen opinion=o visit_id=s.visit.id.clone()/> }.into_any(),
                        Err(e) => {
                            leptos::logging::warn!("no opinion for visit {}: {e}", s.visit.id);
                            let back = format!("/visits/{}/summary", s.visit.id);
                            view! {
                                <p class="empty error" data-testid="opinion-error">
                                    {move || if i18n.en() { e.en() } else { e.zh() }}
                                </p>
                                <A href=back attr:class="btn wide">{move || i18n.t().opinion_back}</A>
                            }.into_any()
                        }
                    },
                    Ok(None) => view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }.into_any(),
                    Err(e) => view! { <VisitLoadError error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OpinionScreen(opinion: Opinion, visit_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let with_photos = RwSignal::new(false);
    let photos = opinion.photos.clone();
    let photo_count = photos.len();
    let back = format!("/visits/{visit_id}/summary");
    let print = move |_| {
        if let Err(e) = window().print() {
            leptos::logging::error!("window.print failed: {e:?}");
        }
    };
    view! {
        <h1 class="no-print opinion-heading">{move || i18n.t().opinion_title}</h1>
        <p class="no-print meta opinion-hint">{move || i18n.t().opinion_print_hint}</p>
        <div class="opinion-doc" data-testid="opinion" lang="zh-CN">
            <document::MainSheet opinion=opinion.clone() with_photos=with_photos/>
            <document::ReceiptSheet opinion=opinion/>
            <Show when=move || with_photos.get()>
                <appendix::Appendix photos=photos.clone() visit_id=visit_id.clone()/>
            </Show>
        </div>
        <div class="opinion-toolbar no-print">
            <label class="check opinion-photos">
                <input type="checkbox" data-testid="opinion-photos"
                    prop:checked=move || with_photos.get()
                    on:change=move |ev| with_photos.set(event_target_checked(&ev))/>
                <span>{move || i18n.t().opinion_photos}
                    <small>{move || (i18n.t().opinion_photo_count)(photo_count)}</small>
                </span>
            </label>
            <div class="opinion-actions">
                <A href=back attr:class="btn" attr:data-testid="opinion-back">{move || i18n.t().opinion_back}</A>
                <button class="btn primary" data-testid="opinion-print" on:click=print>
                    {move || i18n.t().opinion_print}
                </button>
            </div>
        </div>
    }
}
