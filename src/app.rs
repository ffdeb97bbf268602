//! The router and the app-wide contexts.

use crate::components::{bottom_bar::BottomBar, header::Header, message_line::MessageLine};
use crate::i18n::{provide_i18n, use_i18n};
use crate::pages::{
    findings::FindingsPage, schools::SchoolsPage, summary::SummaryPage, sync::SyncPage,
    visit::VisitPage, visits::VisitsPage,
};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    let app = AppState::provide();
    crate::sync::SyncService::provide(app);
    crate::pwa::Pwa::provide();
    crate::storage::durability::Durability::provide();
    let i18n = use_i18n();
    view! {
        <Router>
            <Header/>
            <crate::components::storage_banners::StorageBanners/>
            <main class="main">
                <Routes fallback=move || view! { <p class="empty">{move || i18n.t().visit_not_found}</p> }>
                    <Route path=path!("/") view=SchoolsPage/>
                    <Route path=path!("/visits") view=VisitsPage/>
                    <Route path=path!("/visits/:id") view=VisitPage/>
                    <Route path=path!("/visits/:id/summary") view=SummaryPage/>
                    <Route path=path!("/visits/:id/review") view=crate::pages::review::ReviewPage/>
                    <Route path=path!("/visits/:id/sign") view=crate::pages::review::SignPage/>
                    <Route path=path!("/visits/:id/opinion") view=crate::pages::opinion::OpinionPage/>
                    <Route path=path!("/findings") view=FindingsPage/>
                    <Route path=path!("/findings/:id") view=crate::pages::finding::FindingPage/>
                    <Route path=path!("/sync") view=SyncPage/>
                    <Route path=path!("/login") view=crate::pages::login::LoginPage/>
                </Routes>
            </main>
            <MessageLine/>
            <crate::components::update_banner::UpdateBanner/>
            <BottomBar/>
        </Router>
    }
}
