//! Storage behind one interface, so the handlers never know which database they talk to.
//!
//! `sqlite` is the default (a file next to the server, the demo county); `postgres` is chosen by
//! a `postgres://` URL ([`Database`]). Both run their own migrations (`migrations/sqlite`,
//! `migrations/postgres`) and decode rows with the same code (`rows`).

pub mod accounts;
pub mod photos;
pub mod postgres;
mod postgres_photos;
mod postgres_sync;
mod rows;
pub mod schools_import;
pub mod sqlite;
mod sqlite_photos;
mod sqlite_sync;
pub mod sync;

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use dudao_domain::{School, Template};

pub use accounts::{LoginAttempts, NewSession, Role, User, UserRecord};
pub use photos::{PhotoStore, PhotoUpload};
pub use postgres::PostgresStore;
pub use schools_import::{SchoolImportStore, SchoolsImported};
pub use sqlite::SqliteStore;
pub use sync::{Scope, SyncStore};

/// Where the data lives: a SQLite file (the default) or a PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl Database {
    /// Opens the store and runs its migrations.
    pub async fn open(&self) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
            Database::Postgres(url) => Arc::new(PostgresStore::open(url).await?),
        })
    }
}

impl FromStr for Database {
    type Err = String;

    /// `postgres://…` and `postgresql://…` are PostgreSQL, `sqlite:PATH` / `sqlite://PATH` and
    /// anything else a SQLite file path. Another `scheme://` is refused rather than taken for a
    /// file name.
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("the database is empty: give a SQLite file or a postgres:// URL".into());
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Database::Postgres(s.to_owned()));
        }
        if let Some(path) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+')
            {
                return Err(format!(
                    "unsupported database URL scheme {scheme}://: use a SQLite file path or a \
                     postgres:// URL"
                ));
            }
        }
        Ok(Database::Sqlite(PathBuf::from(s)))
    }
}

/// For the log: the file path, or the URL without its password.
impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => {
                // postgres://user:secret@host/db → postgres://user:***@host/db
                let Some((scheme, rest)) = url.split_once("://") else {
                    return f.write_str(url);
                };
                match rest.split_once('@') {
                    Some((auth, host)) if auth.contains(':') => {
                        let user = auth.split(':').next().unwrap_or_default();
                        write!(f, "{scheme}://{user}:***@{host}")
                    }
                    _ => f.write_str(url),
                }
            }
        }
    }
}

/// What a [`Store`] method returns. Boxed rather than `async fn` in the trait: `async fn` makes
/// the trait unusable as `dyn Store`, and the backend is chosen at runtime from the configuration.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Everything the server keeps, whatever the database.
pub trait Store: PhotoStore + SyncStore + SchoolImportStore + Send + Sync + 'static {
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

    /// Stores a template the office publishes. A published `id` + `version` is never replaced:
    /// if it exists this fails with [`StoreError::TemplateExists`], enforced by the database so
    /// two offices publishing at once cannot both win. Whether the template is valid and newer
    /// than the library's is the caller's check (`crate::library`).
    fn publish_template<'a>(&'a self, template: &'a PublishedTemplate) -> StoreFuture<'a, ()>;

    /// Every published template, every version, ordered by id then version.
    fn list_published_templates(&self) -> StoreFuture<'_, Vec<PublishedTemplate>>;

    /// Stores a thresholds file. Fails with [`StoreError::ThresholdsNotNewer`] when the same or
    /// a higher edition exists for that template and district: editions only rise, so a visit
    /// pinned to an edition keeps its numbers.
    fn save_local_thresholds<'a>(&'a self, file: &'a ThresholdsFile) -> StoreFuture<'a, ()>;

    /// The highest edition stored for each template and district, ordered by template id, then
    /// district (by code point, as for schools).
    fn latest_local_thresholds(&self) -> StoreFuture<'_, Vec<ThresholdsFile>>;

    /// Changes whenever a template is published or a thresholds file stored (both tables are
    /// insert-only), so the library built from them can be kept until it does.
    fn library_stamp(&self) -> StoreFuture<'_, LibraryStamp>;

    /// Adds a user. Fails with [`StoreError::UserExists`] when the username is taken.
    fn create_user<'a>(&'a self, user: &'a UserRecord) -> StoreFuture<'a, ()>;

    /// The user with this username, with their password hash.
    fn user_by_username<'a>(&'a self, username: &'a str) -> StoreFuture<'a, Option<UserRecord>>;

    /// How many users there are.
    fn count_users(&self) -> StoreFuture<'_, i64>;

    /// Assigns the schools with these codes to the user, in one transaction; returns how many
    /// assignments are new. An unknown code fails with [`StoreError::UnknownSchools`] (listing
    /// every unknown code) and assigns nothing.
    fn assign_schools<'a>(&'a self, user_id: &'a str, codes: &'a [String]) -> StoreFuture<'a, u64>;

    /// The ids of the schools assigned to the user, ordered.
    fn assigned_school_ids<'a>(&'a self, user_id: &'a str) -> StoreFuture<'a, Vec<String>>;

    /// Registers the session's device to its user (or renames it, when it is already theirs)
    /// and stores the session, in one transaction. A device belongs to the user who registered
    /// it: when the device id is registered to another user, nothing is stored and the answer
    /// is `false` (issue 13, item 1).
    fn create_session<'a>(&'a self, session: &'a NewSession) -> StoreFuture<'a, bool>;

    /// Counts one login attempt for `username` from `address` at `now`, before its password is
    /// checked, in one atomic statement, and returns the count in the current window: a window
    /// starts with the first attempt and lasts `window_ms`; an older one starts over at 1.
    /// Windows that ended are forgotten on the way.
    fn count_login_attempt<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
        now: i64,
        window_ms: i64,
    ) -> StoreFuture<'a, LoginAttempts>;

    /// Forgets the attempts of `username` from `address` (after a successful login).
    fn clear_login_attempts<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
    ) -> StoreFuture<'a, ()>;

    /// The user of the session with this token hash, if it exists and `expires_at > now`.
    fn session_user<'a>(&'a self, token_hash: &'a str, now: i64) -> StoreFuture<'a, Option<User>>;

    /// Deletes the session; whether there was one.
    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, bool>;

    /// Waits for open connections to finish and closes them; later calls fail.
    fn close(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// A template as the office published it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedTemplate {
    pub template: Template,
    /// The file it came from (`wuxiang-v2.xlsx`), without its directory.
    pub source: String,
    /// Unix milliseconds.
    pub published_at: i64,
}

/// A local thresholds file as stored: its key, and the TOML exactly as the office wrote it
/// (parsed with `dudao_domain::local::LocalThresholds::from_toml` when the library is built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThresholdsFile {
    pub template_id: String,
    pub district: String,
    pub edition: u32,
    pub body: String,
    /// The file name it came from (`qinghe-thresholds.toml`).
    pub source: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Row counts and newest timestamps of the published templates and thresholds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LibraryStamp {
    pub templates: i64,
    pub templates_at: i64,
    pub thresholds: i64,
    pub thresholds_at: i64,
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
    #[error("template {id} version {version} is already published")]
    TemplateExists { id: String, version: u32 },
    #[error(
        "{district} already has edition {latest} of its thresholds for template {template}; \
         edition {edition} must be above it"
    )]
    ThresholdsNotNewer {
        template: String,
        district: String,
        edition: u32,
        latest: u32,
    },
    #[error("the username {0} is taken")]
    UserExists(String),
    #[error("no school with code {}", .0.join(", "))]
    UnknownSchools(Vec<String>),
    #[error("row {id} in table {table} is invalid: {reason}")]
    InvalidRow {
        table: &'static str,
        id: String,
        reason: String,
    },
}

use sqlx::sqlite::SqliteError;

impl StoreError {
    /// Whether the database refused for now only: SQLite's write lock still held after the busy
    /// wait (SQLITE_BUSY, SQLITE_LOCKED and their extended codes), a PostgreSQL serialisation
    /// failure, deadlock or lock wait, or no free connection in the pool. The transaction was
    /// rolled back, so the same request can simply be sent again.
    pub fn is_busy(&self) -> bool {
        let StoreError::Database(e) = self else {
            return false;
        };
        match e {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(d) if d.try_downcast_ref::<SqliteError>().is_some() => d
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                // Extended result codes keep the primary code in the low byte.
                .is_some_and(|n| matches!(n & 0xff, 5 | 6)),
            sqlx::Error::Database(d) => {
                matches!(d.code().as_deref(), Some("40001" | "40P01" | "55P03"))
            }
            _ => false,
        }
    }
}
