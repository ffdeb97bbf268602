//! Dudao's field app: Leptos CSR, offline-first. `app` holds the router and contexts; pages and
//! components stay thin and call into `dudao_domain`; `storage` is IndexedDB.

pub mod api;
pub mod app;
pub mod clock;
pub mod components;
pub mod geo;
pub mod i18n;
pub mod opened_visit;
pub mod pages;
pub mod photo;
pub mod pwa;
pub mod state;
pub mod storage;
pub mod sync;
pub mod templates;
pub mod visit_edit;
