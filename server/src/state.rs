//! What every handler shares. Cheap to clone: handlers hold no state of their own, so several
//! instances can serve one database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::sync::Mutex;

use axum::body::Bytes;

use crate::auth::LoginLimiter;
use crate::db::{LibraryStamp, Store};

/// Request bodies larger than this are refused with 413 unless configured otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The Trunk-built app (`index.html`, hashed wasm/js/css, service worker).
    pub dist: Arc<Path>,
    pub body_limit: usize,
    /// `GET /api/templates` as last served, with the store's stamp when it was built. Rebuilt
    /// only when the stamp changes (something was published), not on every phone's request.
    pub library_json: Arc<Mutex<Option<(LibraryStamp, Bytes)>>>,
    /// Failed logins per username and address (`crate::auth`).
    pub login_limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, dist: impl Into<PathBuf>) -> Self {
        AppState {
            store,
            dist: Arc::from(dist.into()),
            body_limit: DEFAULT_BODY_LIMIT,
            library_json: Arc::default(),
            login_limiter: Arc::default(),
        }
    }

    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}
