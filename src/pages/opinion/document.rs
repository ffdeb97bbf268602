//! The document itself, in Chinese whatever the app's language: it is the paper the school
//! keeps. Layout after GB/T 9704: 红头 and red rule, 文号, centred title, 主送, body in 仿宋,
//! 一、 numbering, 落款 with seal space, then the 回执 on its own page after a cut line.

use dudao_domain::opinion::{Opinion, OpinionFinding};
use leptos::prelude::*;

#[component]
pub fn MainSheet(opinion: Opinion, with_photos: RwSignal<bool>) -> impl IntoView {
    let o = opinion;
    let photo_count = o.photos.len();
    let findings = o.findings.clone();
    view! {
        <article class="doc-sheet opinion-main">
            <header class="doc-red-head">
                <p class="doc-issuer">{o.office.clone()}</p>
                <p class="doc-number" data-testid="opinion-number">{o.number.clone()}</p>
                <hr class="doc-red-rule"/>
            </header>
            <h2 class="doc-title">{o.title.clone()}</h2>
            <p class="doc-addressee">{o.addressee.clone()}</p>
            <p class="doc-para">{o.opening.clone()}</p>
            {(!o.basis.is_empty()).then(|| {
                let basis = o.basis.clone();
                let note = o.basis_note.clone();
                view! {
                    <p class="doc-para">"本次督导所依据的主要文件："</p>
                    <ol class="doc-basis">
                        {basis.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}
                    </ol>
                    {note.map(|n| view! { <p class="doc-basis-note" data-testid="opinion-basis-note">{n}</p> })}
                }
            })}
            {o.no_findings.clone().map(|t| view! { <p class="doc-para">{t}</p> })}
            {(!findings.is_empty()).then(|| view! {
                <ol class="doc-findings">
                    {findings.into_iter().map(|f| view! { <FindingBlock f=f/> }).collect_view()}
                </ol>
            })}
            <p class="doc-para">{o.closing.clone()}</p>
            {move || (with_photos.get() && photo_count > 0).then(|| view! {
                <p class="doc-para doc-attachment-note">{format!("附件：现场照片（共{photo_count}张）")}</p>
            })}
            <div class="doc-signing">
                <p class="doc-supervisor">{format!("督学：{}", o.supervisor)}</p>
                <div class="doc-issuer-sign">
                    <div class="doc-seal" aria-label="盖章处">"（盖章）"</div>
                    <p>{o.office.clone()}</p>
                    <p>{o.issue_date.clone()}</p>
                </div>
            </div>
            <section class="doc-school-sign">
                <p class="doc-label">"学校负责人签字确认："</p>
                <div class="doc-sig-row">
                    <img class="doc-sig-img" src=o.signature.image.clone()
                        alt=format!("{}的签字", o.signature.name)/>
                    <div>
                        <p>{format!("签字人：{}", o.signature.name)}
                            {(!o.signature.role.is_empty()).then(|| format!("（{}）", o.signature.role))}
                        </p>
                        <p>{format!("日期：{}", o.signature.date)}</p>
                    </div>
                </div>
            </section>
            {(!o.amendments.is_empty()).then(|| {
                let list = o.amendments.clone();
                view! {
                    <section class="doc-amendments">
                        <p class="doc-subhead">"更正说明"</p>
                        <ol>{list.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ol>
                    </section>
                }
            })}
        </article>
    }
}

#[component]
fn FindingBlock(f: OpinionFinding) -> impl IntoView {
    view! {
        <li class="doc-finding" data-testid="opinion-finding" data-major=f.major.to_string()>
            <p class="doc-finding-head">
                <span class="doc-numeral">{f.numeral.clone()}</span>
                {f.major.then(|| view! { <span class="doc-major">"【重大问题】"</span> })}
                <span class="doc-label">"存在问题："</span>
                <span class="doc-problem">{f.problem.clone()}</span>
            </p>
            <p class="doc-para"><span class="doc-label">"整改要求："</span><span class="doc-problem">{f.requirement.clone()}</span></p>
            <p class="doc-para"><span class="doc-label">"整改期限："</span>{f.term.clone()}</p>
            {f.owner.clone().map(|o| view! {
                <p class="doc-para"><span class="doc-label">"责任部门/责任人："</span>{o}</p>
            })}
        </li>
    }
}

#[component]
pub fn ReceiptSheet(opinion: Opinion) -> impl IntoView {
    let r = opinion.receipt;
    let office = opinion.office;
    view! {
        <article class="doc-sheet doc-receipt" data-testid="opinion-receipt">
            <p class="doc-cut-line" aria-hidden="true">"✂ ………………………… 沿此线剪下 …………………………"</p>
            <h2 class="doc-title doc-receipt-title">{r.title.clone()}</h2>
            <table class="doc-receipt-table">
                <tbody>
                    <tr><th>"文号"</th><td>{r.number.clone()}</td></tr>
                    <tr><th>"学校"</th><td>{r.school.clone()}</td></tr>
                    <tr><td colspan="2" class="doc-receipt-text">{r.text.clone()}</td></tr>
                    {r.blanks.iter().map(|b| view! {
                        <tr class="doc-blank"><th>{b.clone()}</th>
                            <td>{(b == "日期").then_some("　　　　年　　月　　日")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="doc-para doc-receipt-note">{format!("请学校签收后将本回执交回{office}。")}</p>
        </article>
    }
}
