//! What every handler shares. Cheap to clone: handlers hold no state of their own, so several
//! instances can serve one database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::sync::Mutex;

use axum::body::Bytes;

use crate::api::templates::TemplateLibrary;
use crate::db::{LibraryStamp, Store};
use crate::error::AppError;
use crate::library::Library;
use crate::photos::Photos;
use crate::restore::SyncHead;

/// No request body may be larger than this, whatever the route (413 unless configured
/// otherwise). Each API route has its own, smaller limit (`crate::json::limited`); this one
/// catches everything else and sits above the largest of them, a photo chunk.
pub const DEFAULT_BODY_LIMIT: usize = 2 * crate::photos::MAX_CHUNK;

/// The library built at one stamp of the store, and its JSON as served.
pub struct CachedLibrary {
    pub stamp: LibraryStamp,
    pub library: Arc<Library>,
    pub json: Bytes,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The Trunk-built app (`index.html`, hashed wasm/js/css, service worker).
    pub dist: Arc<Path>,
    pub body_limit: usize,
    /// The template library as last built, with its `GET /api/templates` body and the store's
    /// stamp when it was built. Rebuilt only when the stamp changes (something was published),
    /// not per phone's request nor per push that checks answers ([`AppState::library`]).
    pub library: Arc<Mutex<Option<CachedLibrary>>>,
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
            library: Arc::default(),
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

    /// The effective template library and its JSON body, built (and its warnings logged) once
    /// per change of the store's library, shared by `GET /api/templates` and the push's check
    /// of answers against their items.
    pub async fn library(&self) -> Result<(Arc<Library>, Bytes), AppError> {
        let stamp = self.store.library_stamp().await?;
        let lock = || self.library.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = lock().as_ref().filter(|c| c.stamp == stamp) {
            return Ok((c.library.clone(), c.json.clone()));
        }
        let library = Arc::new(Library::load(self.store.as_ref()).await?);
        let json = Bytes::from(serde_json::to_vec(&TemplateLibrary {
            templates: library.templates().cloned().collect(),
        })?);
        *lock() = Some(CachedLibrary {
            stamp,
            library: library.clone(),
            json: json.clone(),
        });
        Ok((library, json))
    }

    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}
