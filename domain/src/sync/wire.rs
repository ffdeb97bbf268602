//! What the phone and the office server send each other, as JSON.
//!
//! - `POST /api/sync/push` takes a [`PushRequest`] and answers a [`PushResponse`], or 409 with a
//!   [`SeqGap`] when a mutation skips a sequence number.
//! - `GET /api/sync/pull?cursor=N&limit=L` answers a [`PullResponse`].
//! - `GET /api/sync/conflicts` answers a [`ConflictsResponse`]; `POST
//!   /api/sync/conflicts/{id}/resolve` marks one seen and settled.
//! - Photos: `POST /api/photos` with a [`CreateUpload`], `HEAD /api/photos/{id}` (offset in
//!   `Upload-Offset`), `PATCH /api/photos/{id}` with `Upload-Offset` and the bytes; every answer
//!   is an [`UploadStatus`].

use crate::sync::Hlc;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Record kinds that sync: a visit (with its answers and findings), a photo's metadata, and a
/// finding followed through 整改 once its visit is signed (`crate::finding_record`).
pub const ENTITY_VISIT: &str = "visit";
pub const ENTITY_PHOTO: &str = "photo";
pub const ENTITY_FINDING: &str = "finding";

/// One field set to a value. `base_rev` is the field's revision on the server as the device
/// last knew it (0 for a field it has never seen from the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    pub field: String,
    pub value: Value,
    pub base_rev: i64,
}

/// One change of one record. `seq` rises by exactly 1 per device and is the idempotency key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub ops: Vec<Op>,
    pub hlc: Hlc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: String,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationStatus {
    /// Stored now.
    Applied,
    /// Stored before (`seq <= last_seq`): the result is the one given the first time.
    Duplicate,
    /// Not stored (`reason` says why), and the sequence still advanced so the queue moves on.
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOutcome {
    /// The value is now the server's.
    Applied,
    /// The server already had this value.
    Unchanged,
    /// A concurrent value won; this one is kept in the conflicts table.
    Lost,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldResult {
    pub field: String,
    /// The field's revision on the server after this mutation.
    pub rev: i64,
    pub outcome: FieldOutcome,
    /// The server's value when it is not the pushed one (`outcome` is `lost`), so the device can
    /// show what won without waiting for a pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub seq: i64,
    pub status: MutationStatus,
    /// English, for the log; the app shows its own Chinese text for a rejected change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub server_epoch: String,
    /// The device's last accepted sequence number after this push.
    pub last_seq: i64,
    pub results: Vec<MutationResult>,
}

/// The 409 answer to a push whose first new mutation is not `last_seq + 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeqGap {
    pub error: String,
    pub message: String,
    pub expected: i64,
    pub server_epoch: String,
}

/// One entry of the change log: a field of a record set to a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the change log; rises, and a reader never sees a gap fill in later.
    pub id: i64,
    pub entity: String,
    pub entity_id: String,
    pub school_id: String,
    pub field: String,
    pub value: Value,
    pub rev: i64,
    pub hlc: Hlc,
    /// Who made it: the device and its sequence number (none for changes the server makes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Pass back as `cursor` for the next page.
    pub cursor: i64,
    pub has_more: bool,
    /// Changes when the server's database is replaced (restored from a backup, recreated).
    pub server_epoch: String,
    /// What the server has accepted from the calling device.
    pub device_last_seq: i64,
}

/// A losing value, kept until someone settles it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: i64,
    pub entity: String,
    pub entity_id: String,
    pub school_id: String,
    pub field: String,
    /// The value that is now on the record, and who wrote it.
    pub kept_value: Value,
    pub kept_by: String,
    pub kept_hlc: Hlc,
    /// The value that lost, and who wrote it (display name, role, device).
    pub lost_value: Value,
    pub lost_by: String,
    pub lost_hlc: Hlc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_device_id: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictsResponse {
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUpload {
    pub photo_id: String,
    /// Lower-case hex SHA-256 of the whole file.
    pub sha256: String,
    pub size: u64,
    pub mime: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadStatus {
    pub photo_id: String,
    /// Bytes the server holds; the next `PATCH` starts here.
    pub offset: u64,
    pub size: u64,
    /// All bytes arrived and their SHA-256 matched: the phone may free its full-size copy.
    pub complete: bool,
}
