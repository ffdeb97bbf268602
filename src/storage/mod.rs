//! Storage on the phone: IndexedDB for records (visits, schools, pinned templates, the sync
//! outbox) and small preferences in localStorage.

pub mod backup;
pub mod durability;
pub mod error;
pub mod findings;
pub mod idb;
pub mod outbox;
pub mod photo_bytes;
pub mod photos;
pub mod prefs;
pub mod repo;

pub use error::StorageError;
