//! "本节全部符合": at a school where most of a section is in order, one tap (and one
//! confirmation) answers 符合 on every 符合/不符合 item of the section not yet answered. Answered
//! items, other kinds of item, and items that only appear because of these answers are left to
//! the supervisor. All the answers are saved as one write with one outbox marker.

use crate::clock::now_ms;
use crate::i18n::use_i18n;
use crate::visit_edit::{Refusal, VisitEdit};
use dudao_domain::checklist::{is_answered, Missing};
use dudao_domain::template::AnswerKind;
use leptos::prelude::*;

#[component]
pub fn SectionAllOk(
    /// The editor's list of what is still missing, kept in step as answers arrive.
    missing: RwSignal<Vec<Missing>>,
    /// The codes of the current section's visible items, in order.
    #[prop(into)]
    codes: Signal<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let edit = VisitEdit::expect();
    let (visit, checklist) = (edit.visit(), edit.checklist());
    // Whether the section has any 符合/不符合 item at all: if not, the button is not offered.
    let cl = checklist.clone();
    let has_compliance = Memo::new(move |_| {
        codes.with(|cs| {
            cs.iter().any(|c| {
                cl.checklist()
                    .item(c)
                    .is_some_and(|i| matches!(i.answer, AnswerKind::Compliance))
            })
        })
    });
    // `codes` are the section's visible items (the editor's one visibility pass per change), so
    // counting needs no visibility of its own; confirming checks again
    // (`Visit::mark_compliant`).
    let cl = checklist.clone();
    let unanswered = Memo::new(move |_| {
        codes.with(|cs| {
            visit.with(|v| {
                cs.iter()
                    .filter(|c| {
                        cl.checklist()
                            .item(c)
                            .is_some_and(|i| matches!(i.answer, AnswerKind::Compliance))
                            && !is_answered(&v.answers, c)
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    // The section's codes as they were when the supervisor asked: what the sheet counted.
    let asking = RwSignal::new(None::<Vec<String>>);

    let cl = checklist.clone();
    let confirm = move |_| {
        let Some(codes) = asking.get_untracked() else {
            return;
        };
        asking.set(None);
        let set = edit.edit(|v, checklist| {
            match v.mark_compliant(checklist, &codes, now_ms()) {
                // Nothing to answer (all answered meanwhile): nothing to save either.
                Ok(set) if set.is_empty() => Err(Refusal::Shown),
                Ok(set) => Ok(set),
                Err(e) => Err(Refusal::of_visit(&e, i18n)),
            }
        });
        if set.is_some() && missing.with_untracked(|m| !m.is_empty()) {
            let now_missing = visit.with_untracked(|v| cl.checklist().missing(&v.answers));
            missing.update(|m| m.retain(|x| now_missing.contains(x)));
        }
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
