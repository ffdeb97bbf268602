//! The app's side of sync with the office server (DESIGN.md "Sync protocol"; issue 6, items 5
//! and 6).
//!
//! - [`account`]: signing in and out; the token kept in IndexedDB `meta`.
//! - [`store`]: the engine's IndexedDB side (outbox → mutations, push answers, pulled pages,
//!   the unsynced count, photos to upload), each step one transaction.
//! - [`engine`]: one cycle, steps (a)–(e), over the network.
//! - [`lock`]: one cycle at a time across tabs.
//! - [`service`]: the engine as a service exposing signals (`use_sync()`), and its triggers.
//! - [`remote`]: full photos kept only on the server after upload.
//! - [`describe`]: fields and values in words, for refused changes and conflicts.

pub mod account;
pub mod describe;
pub mod engine;
pub mod lock;
pub mod remote;
pub mod service;
pub mod store;

pub use service::{use_sync, SyncService};
