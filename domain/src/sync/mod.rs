//! Sync between the phone and the office server (DESIGN.md, "Sync protocol").
//!
//! - [`wire`]: the JSON both sides exchange (push, pull, conflicts, photo upload).
//! - [`hlc`]: the hybrid logical clock every mutation carries.
//! - [`merge`]: the per-field rule the server applies when a push meets a newer value.
//! - [`fields`]: which fields a record has, and which of them are office workflow fields.
//! - [`rebase`]: a screen's edit laid onto the visit as stored now, keeping values pulled meanwhile.

pub mod client;
pub mod fields;
pub mod hlc;
pub mod merge;
pub mod rebase;
pub mod wire;

pub use hlc::Hlc;
pub use merge::{decide, Author, Decision, FieldState};
pub use wire::*;
