//! Server tests: the router in-process against a real SQLite file and a real PostgreSQL
//! database (`DUDAO_TEST_PG`), and over real sockets.

/// `both_backends!(name, …)` next to `async fn name(backend: Backend)` makes two tests,
/// `name::sqlite` and `name::postgres`, so what the store keeps is proven on both databases.
/// The PostgreSQL one needs `DUDAO_TEST_PG` (see `common::pg_url`).
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use crate::common::{pg_url, Backend};

            #[tokio::test]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                if pg_url().is_some() {
                    super::$name(Backend::Postgres).await;
                }
            }
        }
    )+};
}

mod common;

mod accounts;
mod api;
mod bodies;
mod cli;
mod findings;
mod hardening;
mod openapi;
mod ownership;
mod photos;
mod restore;
mod schools_import;
mod socket;
mod static_files;
mod sync;
mod sync_model;
mod templates;
