//! "本节全部符合": at a school where most of a section is in order, one tap (and one
//! confirmation) answers 符合 on every 符合/不符合 item of the section not yet answered. Answered
//! items, other kinds of item, and items that only appear because of these answers are left to
//! the supervisor. All the answers are saved as one write with one outbox entry.

use crate::clock::now_ms;
use crate::i18n::use_i18n;
use crate::session::with_checklist;
use crate::state::use_app;
use crate::storage::repo::{self, FieldOp};
use dudao_domain::checklist::Missing;
use dudao_domain::template::AnswerKind;
use dudao_domain::visit::VisitError;
use dudao_domain::{AnswerValue, Checklist, Compliance, Template, Visit};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

#[component]
pub fn SectionAllOk(
    templates: Arc<Vec<Template>>,
    /// The editor's visit, and what is stored of it (to return to if the save fails).
    visit: RwSignal<Visit>,
    last_saved: StoredValue<Visit>,
    /// The editor's list of what is still missing, kept in step as answers arrive.
    missing: RwSignal<Vec<Missing>>,
    /// The codes of the current section's visible items, in order.
    #[prop(into)]
    codes: Signal<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    // Whether the section has any 符合/不符合 item at all: if not, the button is not offered.
    let ts = templates.clone();
    let has_compliance = Memo::new(move |_| {
        codes.with(|cs| {
            cs.iter().any(|c| {
                ts.iter()
                    .find_map(|t| t.item(c))
                    .is_some_and(|i| matches!(i.answer, AnswerKind::Compliance))
            })
        })
    });
    let ts = templates.clone();
    let unanswered = Memo::new(move |_| {
        codes
            .with(|cs| visit.with(|v| with_checklist(&ts, v, |cl| v.unanswered_compliance(cl, cs))))
    });
    // The section's codes as they were when the supervisor asked: what the sheet counted.
    let asking = RwSignal::new(None::<Vec<String>>);

    let ts = templates.clone();
    let confirm = move |_| {
        let Some(codes) = asking.get_untracked() else {
            return;
        };
        asking.set(None);
        let t = i18n.t();
        let mut next = visit.get_untracked();
        let before = next.clone();
        let refs: Vec<&Template> = ts.iter().collect();
        let school = next.school.clone();
        let cl = Checklist::new(&refs, &school);
        let set = match next.mark_compliant(&cl, &codes, now_ms()) {
            Ok(set) => set,
            Err(VisitError::ReadOnly(_)) => return app.say(t.err_read_only),
            Err(VisitError::WrongValue(_, e)) => return app.say(e.message(i18n.en())),
            Err(e) => {
                leptos::logging::error!("marking the section compliant failed: {e}");
                return app.say(t.err_wrong_value);
            }
        };
        if set.is_empty() {
            return;
        }
        let value = serde_json::to_value(Some(AnswerValue::Compliance(Compliance::Compliant)))
            .unwrap_or_default();
        let ops: Vec<FieldOp> = set
            .iter()
            .map(|code| FieldOp {
                field: format!("answers.{code}.value"),
                value: value.clone(),
            })
            .collect();
        missing.update(|m| m.retain(|x| cl.missing(&next.answers).contains(x)));
        visit.set(next.clone());
        spawn_local(async move {
            match repo::save_visit(Some(&before), &next, ops).await {
                Ok(saved) => {
                    crate::pages::show_saved(visit, &next, &saved);
                    last_saved.set_value(saved);
                    app.refresh_pending();
                }
                Err(e) => {
                    leptos::logging::error!("saving the section's answers failed: {e}");
                    visit.set(last_saved.get_value());
                    app.say(e.user_message(i18n.t()));
                }
            }
        });
    };

    view! {
        <Show when=move || has_compliance.get()>
            <button
                class="btn small section-all"
                data-testid="section-all-ok"
                data-count=move || unanswered.with(Vec::len).to_string()
                disabled=move || unanswered.with(Vec::is_empty)
                on:click=move |_| asking.set(Some(codes.get_untracked()))
            >
                {move || format!("✓ {}", i18n.t().section_all_ok)}
            </button>
        </Show>
        <Show when=move || asking.with(Option::is_some)>
            <div class="ask-backdrop" on:click=move |_| asking.set(None)></div>
            <div class="ask-sheet" role="dialog" aria-modal="true" aria-labelledby="section-all-ask">
                <p id="section-all-ask">
                    {move || (i18n.t().section_all_ask)(unanswered.with(Vec::len))}
                </p>
                <div class="ask-actions">
                    <button class="btn" data-testid="confirm-no" on:click=move |_| asking.set(None)>
                        {move || i18n.t().cancel}
                    </button>
                    <button class="btn primary" data-testid="confirm-yes" on:click=confirm.clone()>
                        {move || i18n.t().section_all_confirm}
                    </button>
                </div>
            </div>
        </Show>
    }
}
