//! What every handler shares. Cheap to clone: handlers hold no state of their own, so several
//! instances can serve one database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::sync::Mutex;

use axum::body::Bytes;

use crate::db::{LibraryStamp, Store};
use crate::photos::Photos;
use crate::restore::SyncHead;

/// No request body may be larger than this, whatever the route (413 unless configured
/// otherwise). Each API route has its own, smaller limit (`crate::json::limited`); this one
/// catches everything else and sits above the largest of them, a photo chunk.
pub const DEFAULT_BODY_LIMIT: usize = 2 * crate::photos::MAX_CHUNK;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The Trunk-built app (`index.html`, hashed wasm/js/css, service worker).
    pub dist: Arc<Path>,
    pub body_limit: usize,
    /// `GET /api/templates` as last served, with the store's stamp when it was built. Rebuilt
    /// only when the stamp changes (something was published), not on every phone's request.
    pub library_json: Arc<Mutex<Option<(LibraryStamp, Bytes)>>>,
    /// Photo bytes (`<data dir>/photos` unless set) and the uploads in progress.
    pub photos: Photos,
    /// The highest change-log head served, to tell a restored database (`crate::restore`);
    /// kept in `<data dir>/sync-head` once a data directory is set.
    pub sync_head: Arc<SyncHead>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, dist: impl Into<PathBuf>) -> Self {
        AppState {
            store,
            dist: Arc::from(dist.into()),
            body_limit: DEFAULT_BODY_LIMIT,
            library_json: Arc::default(),
            photos: Photos::in_data_dir(Path::new("data")),
            sync_head: Arc::new(SyncHead::in_memory()),
        }
    }

    /// Keeps photos in `<dir>/photos`.
    pub fn with_data_dir(mut self, dir: &Path) -> Self {
        self.photos = Photos::in_data_dir(dir);
        self.sync_head = Arc::new(SyncHead::in_data_dir(dir));
        self
    }

    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}
