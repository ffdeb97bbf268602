//! 学校代表签字 (`/visits/:id/sign`): the school representative enters name and role and signs
//! on the pad. Signing gives the visit its 督导意见书 number and makes it read-only.

use super::review_error;
use crate::clock::now_ms;
use crate::components::load_error::VisitLoadError;
use crate::components::signature_pad::SignaturePad;
use crate::i18n::use_i18n;
use crate::opened_visit::OpenedVisit;
use crate::state::use_app;
use crate::storage::repo::SignError;
use dudao_domain::datetime::Date;
use dudao_domain::review::Signature;
use dudao_domain::{Visit, VisitState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// Roles offered as the representative's 职务; any other may be typed.
const ROLES: [&str; 4] = ["校长", "副校长", "办公室主任", "安全办主任"];

#[component]
pub fn SignPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let session = LocalResource::new(move || OpenedVisit::load(id()));
    view! {
        <section class="page sign" data-testid="sign-page">
            <Suspense fallback=move || view! { <p class="empty">{move || i18n.t().loading}</p> }>
                {move || session.get().map(|r| match r {
                    Ok(Some(s)) => {
                        let v = s.visit;
                        let review = format!("/visits/{}/review", v.id);
                        match v.state {
                            VisitState::Finished if v.unsignable().is_empty() => view! { <SignForm visit=v/> }.into_any(),
                            VisitState::Finished => view! {
                                <p class="empty error" data-testid="sign-blocked">{move || i18n.t().review_first}</p>
                                <A href=review attr:class="btn wide">{move || i18n.t().back_to_review}</A>
                            }.into_any(),
                            VisitState::Draft => view! {
                                <p class="empty">{move || i18n.t().sign_not_finished}</p>
                                <A href=format!("/visits/{}", v.id) attr:class="btn wide">{move || i18n.t().continue_visit}</A>
                            }.into_any(),
                            VisitState::Signed | VisitState::Synced => view! {
                                <p class="empty" data-testid="already-signed">{move || i18n.t().already_signed}</p>
                                <A href=format!("/visits/{}/opinion", v.id) attr:class="btn primary wide">{move || i18n.t().review_open_opinion}</A>
                            }.into_any(),
                        }
                    }
                    Ok(None) => view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }.into_any(),
                    Err(e) => view! { <VisitLoadError error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SignForm(visit: Visit) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let image = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<&'static str>::new());
    let busy = RwSignal::new(false);
    let n = visit.findings.len();
    let school = visit.school.name.clone();
    let review = format!("/visits/{}/review", visit.id);
    let visit = StoredValue::new(visit);

    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        let t = i18n.t();
        let mut missing = Vec::new();
        if name.with_untracked(|s| s.trim().is_empty()) {
            missing.push(t.need_signer_name);
        }
        if role.with_untracked(|s| s.trim().is_empty()) {
            missing.push(t.need_signer_role);
        }
        if image.with_untracked(Option::is_none) {
            missing.push(t.need_signature);
        }
        problems.set(missing);
        if !problems.with_untracked(Vec::is_empty) {
            return;
        }
        let now = now_ms();
        let signature = Signature {
            name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked().trim().to_owned(),
            image: image.get_untracked().unwrap_or_default(),
            signed_at: now,
        };
        let v = visit.get_value();
        let v_id = v.id.clone();
        let year = Date::of_ms(now).year;
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match crate::visit_edit::sign(&v, signature, year).await {
                Ok(signed) => {
                    leptos::logging::log!(
                        "visit {} signed as {}",
                        signed.id,
                        signed.opinion_no.clone().unwrap_or_default()
                    );
                    app.refresh_pending();
                    navigate(
                        &format!("/visits/{}/opinion", signed.id),
                        Default::default(),
                    );
                }
                Err(SignError::Review(e)) => {
                    leptos::logging::warn!("signing refused: {e}");
                    busy.set(false);
                    app.say(review_error(&e, i18n.t(), i18n.en()));
                }
                Err(SignError::Changed) => {
                    leptos::logging::warn!("signing refused: the visit changed since review");
                    busy.set(false);
                    app.say(i18n.t().sign_changed);
                    navigate(&format!("/visits/{}/review", v_id), Default::default());
                }
                Err(SignError::Storage(e)) => {
                    leptos::logging::error!("saving the signature failed: {e}");
                    busy.set(false);
                    app.say(e.user_message(i18n.t()));
                }
            }
        });
    };

    view! {
        <h1>{move || i18n.t().sign_title}</h1>
        <p class="sign-summary" data-testid="sign-summary">{move || (i18n.t().sign_summary)(&school, n)}</p>
        <p class="hint">{move || i18n.t().sign_note}</p>
        <label class="field">
            <span>{move || i18n.t().signer_name}</span>
            <input type="text" data-testid="signer-name" autocomplete="name"
                placeholder=move || i18n.t().signer_name_placeholder
                prop:value=move || name.get()
                on:input=move |ev| { name.set(event_target_value(&ev)); problems.set(Vec::new()) }/>
        </label>
        <label class="field">
            <span>{move || i18n.t().signer_role}</span>
            <input type="text" data-testid="signer-role" list="signer-roles"
                placeholder=move || i18n.t().signer_role_placeholder
                prop:value=move || role.get()
                on:input=move |ev| { role.set(event_target_value(&ev)); problems.set(Vec::new()) }/>
            <datalist id="signer-roles">
                {ROLES.into_iter().map(|r| view! { <option value=r></option> }).collect_view()}
            </datalist>
        </label>
        <div class="role-chips">
            {ROLES.into_iter().map(|r| view! {
                <button type="button" class="chip" data-testid="role-choice" class:on=move || role.get() == r
                    on:click=move |_| { role.set(r.to_owned()); problems.set(Vec::new()) }>{r}</button>
            }).collect_view()}
        </div>
        <div class="field">
            <span>{move || i18n.t().signature_label}</span>
            <SignaturePad
                label=Signal::derive(move || i18n.t().signature_label.to_owned())
                on_change=Callback::new(move |url: Option<String>| { image.set(url); problems.set(Vec::new()) })/>
        </div>
        <Show when=move || !problems.with(Vec::is_empty)>
            <ul class="missing sign-problems" role="alert" data-testid="sign-problems">
                {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        </Show>
        <div class="actionbar">
            <A href=review attr:class="btn">{move || format!("‹ {}", i18n.t().back_to_review)}</A>
            <button class="btn primary" data-testid="sign-confirm" disabled=move || busy.get() on:click=confirm>
                {move || i18n.t().sign_confirm}
            </button>
        </div>
    }
}
