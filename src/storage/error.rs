//! Storage errors, classified so the UI can say what happened and what to do.

use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// The browser refused the write for lack of space.
    #[error("storage quota exceeded")]
    QuotaExceeded,
    /// Another tab holds an older schema open.
    #[error("database upgrade blocked by another tab")]
    Blocked,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A stored record does not decode, or a value does not encode.
    #[error("bad data: {0}")]
    Data(String),
    #[error("storage failure: {0}")]
    Failed(String),
    /// The edit began on a copy of a visit that has since been finished or signed (another tab,
    /// or pulled from another phone); it was not written.
    #[error("not saved: {0}")]
    MovedOn(String),
    /// A visit pinned to a template version this device does not hold (and that is not built
    /// in): it cannot be shown without guessing at other items or thresholds. The key is named.
    #[error("template {0} is not on this device")]
    TemplateMissing(String),
    /// A read did not answer in time: the database is held by something that does not let go
    /// (WebKit, a page left in the back/forward cache). The data is there; the browser must
    /// be restarted to reach it.
    #[error("storage did not answer in time")]
    Stalled,
}

impl StorageError {
    pub fn from_js(v: JsValue) -> Self {
        if let Some(e) = v.dyn_ref::<web_sys::DomException>() {
            return match e.name().as_str() {
                "QuotaExceededError" => StorageError::QuotaExceeded,
                // Chromium writing a Blob's file (a photo) to a disk with no room left reports
                // this instead of a quota error; the supervisor must hear the same advice.
                "DataError" if e.message().contains("Failed to write blobs") => {
                    StorageError::QuotaExceeded
                }
                // And a record written to a disk with no room left (LevelDB's own error).
                "UnknownError" if e.message().contains("FILE_ERROR_NO_SPACE") => {
                    StorageError::QuotaExceeded
                }
                "VersionError" | "InvalidStateError" if e.message().contains("block") => {
                    StorageError::Blocked
                }
                name => StorageError::Failed(format!("{name}: {}", e.message())),
            };
        }
        if let Some(e) = v.dyn_ref::<js_sys::Error>() {
            return StorageError::Failed(String::from(e.message()));
        }
        StorageError::Failed(v.as_string().unwrap_or_else(|| format!("{v:?}")))
    }

    /// The message a supervisor sees, in the current language.
    pub fn user_message(&self, t: &crate::i18n::Strings) -> &'static str {
        match self {
            StorageError::QuotaExceeded => t.err_quota,
            StorageError::Blocked => t.err_blocked,
            StorageError::MovedOn(_) => t.err_read_only,
            StorageError::TemplateMissing(_) => t.err_template_missing,
            StorageError::Stalled => t.err_stalled,
            _ => t.err_storage,
        }
    }
}
