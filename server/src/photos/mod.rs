//! Photo bytes: where they are kept ([`PhotoStorage`], a local directory by default), one
//! request at a time per upload ([`Lanes`]), and what a valid upload looks like. The HTTP side
//! is `crate::api::photos`; how far each upload got is in the store (`crate::db::PhotoStore`).

mod lanes;
mod local;
mod storage;
pub mod sweep;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use lanes::{LaneGuard, Lanes};
pub use local::LocalPhotoStorage;
pub use storage::{Appender, IoFuture, PhotoReader, PhotoStorage, Stage};
pub use sweep::DEFAULT_PARTIAL_DAYS;

/// The largest photo accepted. The app stores photos re-encoded to a few hundred KB; 20 MiB
/// still takes an untouched photo from a phone camera.
pub const MAX_PHOTO_SIZE: u64 = 20 * 1024 * 1024;

/// The largest body of one `PATCH`. A phone on a weak link sends far smaller chunks; one
/// request may still carry a whole ordinary photo.
pub const MAX_CHUNK: usize = 8 * 1024 * 1024;

/// What a photo may be.
pub const MIME_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// The photo bytes and the uploads in progress, shared by every handler.
#[derive(Clone)]
pub struct Photos {
    pub storage: Arc<dyn PhotoStorage>,
    pub lanes: Arc<Lanes>,
}

impl Photos {
    /// Photos in `<data_dir>/photos`.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Photos::new(Arc::new(LocalPhotoStorage::new(data_dir.join("photos"))))
    }

    pub fn new(storage: Arc<dyn PhotoStorage>) -> Self {
        Photos {
            storage,
            lanes: Arc::default(),
        }
    }
}

/// The data directory when none is configured: the SQLite file's directory, or `data` for
/// PostgreSQL.
pub fn default_data_dir(database: &crate::db::Database) -> PathBuf {
    match database {
        crate::db::Database::Sqlite(file) => match file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        },
        crate::db::Database::Postgres(_) => PathBuf::from("data"),
    }
}

/// The canonical form of a photo id (lower-case, hyphenated UUID), or why it is not one.
pub fn parse_photo_id(id: &str) -> Result<String, String> {
    uuid::Uuid::try_parse(id.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            format!("photo id {id:?} is not a UUID (like 0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f)")
        })
}

/// Whether `hash` is a SHA-256 as the API takes it: 64 lower-case hex digits.
pub fn is_sha256_hex(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[test]
    fn photo_ids_are_uuids_in_canonical_form() {
        assert_eq!(
            parse_photo_id("0190A6E2-5B7C-7D1E-9F00-1A2B3C4D5E6F"),
            Ok("0190a6e2-5b7c-7d1e-9f00-1a2b3c4d5e6f".to_owned())
        );
        assert!(parse_photo_id("../../etc/passwd").is_err());
        assert!(parse_photo_id("").is_err());
    }

    #[test]
    fn a_sha256_is_64_lower_case_hex_digits() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)));
        assert!(!is_sha256_hex(&"ab".repeat(31)));
        assert!(!is_sha256_hex(&"g".repeat(64)));
    }

    #[test]
    fn the_data_dir_defaults_to_the_sqlite_files_directory() {
        let sqlite = Database::Sqlite("/srv/dudao/dudao.sqlite".into());
        assert_eq!(default_data_dir(&sqlite), PathBuf::from("/srv/dudao"));
        let bare = Database::Sqlite("dudao.sqlite".into());
        assert_eq!(default_data_dir(&bare), PathBuf::from("."));
        let pg = Database::Postgres("postgres://db/dudao".into());
        assert_eq!(default_data_dir(&pg), PathBuf::from("data"));
    }
}
