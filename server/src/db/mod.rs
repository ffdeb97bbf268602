//! Storage behind one interface, so the handlers never know which database they talk to.
//!
//! `sqlite` is the default (a file next to the server, the demo county); a PostgreSQL
//! implementation will live in `postgres.rs` behind the same [`Store`] trait.

pub mod sqlite;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use dudao_domain::School;

pub use sqlite::SqliteStore;

/// What a [`Store`] method returns. Boxed rather than `async fn` in the trait: `async fn` makes
/// the trait unusable as `dyn Store`, and the backend is chosen at runtime from the configuration.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Everything the server keeps, whatever the database.
pub trait Store: Send + Sync + 'static {
    /// The backend's name as the health endpoint reports it: `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// A round trip to the database, for the health check.
    fn ping(&self) -> StoreFuture<'_, ()>;

    /// All schools, ordered by district then code, comparing by code point (SQLite's BINARY
    /// collation; PostgreSQL must use `COLLATE "C"`) so every backend returns the same order.
    fn list_schools(&self) -> StoreFuture<'_, Vec<School>>;

    /// Inserts `schools` only if there are no schools yet, in one transaction, and returns how
    /// many rows were inserted. Rows whose id or code already exist are skipped by the database,
    /// so two servers starting at once on one database still never duplicate a school.
    fn seed_schools<'a>(&'a self, schools: &'a [School]) -> StoreFuture<'a, u64>;

    /// Waits for open connections to finish and closes them; later calls fail.
    fn close(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Why the store could not do what was asked. Details are for the log, never for API clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the database directory {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("row {id} in table {table} is invalid: {reason}")]
    InvalidRow {
        table: &'static str,
        id: String,
        reason: String,
    },
}
