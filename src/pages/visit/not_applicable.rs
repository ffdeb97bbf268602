//! The items left out at this school (不适用) and why, so the supervisor sees nothing was
//! skipped silently.

use crate::i18n::use_i18n;
use dudao_domain::{Checklist, School, Template, Text};
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Clone)]
struct Row {
    code: String,
    section: Text,
    prompt: Text,
    why_zh: String,
    why_en: String,
}

#[component]
pub fn NotApplicableList(templates: Arc<Vec<Template>>, school: School) -> impl IntoView {
    let i18n = use_i18n();
    let refs: Vec<&Template> = templates.iter().collect();
    let rows: Vec<Row> = Checklist::new(&refs, &school)
        .not_applicable()
        .map(|(e, why)| Row {
            code: e.item.code.clone(),
            section: e.section.title.clone(),
            prompt: e.item.prompt.clone(),
            why_zh: why.describe(false),
            why_en: why.describe(true),
        })
        .collect();
    let n = rows.len();
    (n > 0).then(|| {
        view! {
            <details class="na-list" data-testid="not-applicable">
                <summary>{move || (i18n.t().not_applicable_here)(n)}</summary>
                <p class="hint">{move || i18n.t().not_applicable_hint}</p>
                <ul>
                    {rows.into_iter().map(|r| {
                        let Row { code, section, prompt, why_zh, why_en } = r;
                        view! {
                            <li data-code=code>
                                <span class="na-prompt">{move || prompt.get(i18n.en()).to_owned()}</span>
                                <span class="meta">
                                    {move || section.get(i18n.en()).to_owned()}
                                    " · "
                                    {move || if i18n.en() { why_en.clone() } else { why_zh.clone() }}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}
