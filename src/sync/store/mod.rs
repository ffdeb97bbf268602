//! The sync engine's side of IndexedDB (DESIGN.md "Sync protocol"): the outbox becomes
//! mutations, push answers and pulled pages are applied, each step in one transaction so that a
//! tab killed anywhere leaves a state the next cycle simply continues from.
//!
//! - `sync_records`: one [`RecordSync`](dudao_domain::sync::client::RecordSync) per
//!   record (`visit/<id>`, `photo/<id>`).
//! - `mutations`: keyed by `seq`; `pending` until the server answers, then `acked` or
//!   `rejected`. Answered ones are kept: a server restored from an older backup asks for them
//!   again (409 with `expected`, or a pull's `device_last_seq` below `acked_seq`).
//! - `meta`: `device_id`, `next_seq`, `hlc`, `cursor`, `server_epoch`, `acked_seq`,
//!   `last_sync`, `token` (see [`super::account`]).
//!
//! Modules: `meta` (values under `meta`, the device id), `records` (`RecordSync` per record, a
//! record's local fields), `mutations` (the stored queue), `coalesce` (step (a)), `push`
//! (step (b)), `pull` (step (c)), `unsynced` (the count), `photos` (upload state).

mod coalesce;
mod meta;
mod mutations;
mod photos;
mod pull;
mod push;
mod records;
mod unsynced;

pub use coalesce::coalesce;
pub use meta::{
    delete_meta, device_id, get_meta, put_meta, restart_pull, set_meta, ACKED_SEQ, CURSOR,
    CURSOR_USER, DEVICE_ID, HLC, LAST_SYNC, NEXT_SEQ, SERVER_EPOCH,
};
pub use mutations::{
    all_mutations, dismiss_rejected, pending_mutations, rejected_mutations, requeue_from,
    MutationState, StoredMutation,
};
pub use photos::{is_uploaded, photo_uploaded, photos_to_upload, PhotoToUpload, UPLOADED_AT};
pub use pull::{apply_pull, PullApplied};
pub use push::{apply_push, PushApplied};
pub use records::record_sync;
pub use unsynced::{unsynced, Unsynced};
