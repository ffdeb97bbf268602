//! What the sync endpoints keep (`migrations/*/0006_sync.sql`): device sequence numbers, the
//! mutations received, records as fields, the change log and the conflicts table.
//!
//! The stores only read and write. What a push means (duplicate, gap, rejected, which value
//! wins) is decided in `crate::api::sync::push` with the domain's `decide`; a push holds a
//! [`PushTx`] while it decides, so nothing it read can change under it:
//! - SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the first read (no
//!   deferred read-to-write upgrade that could fail with `SQLITE_BUSY`).
//! - PostgreSQL: the device row is locked (`FOR UPDATE`, one push per device at a time), then
//!   the record (a transaction-scoped advisory lock on its id, which works before the record
//!   exists), then, only to number the changes, the `server_meta` counter row, held until commit
//!   so change ids are handed out in commit order. Locks are always taken in that order, so
//!   pushes cannot deadlock.

use dudao_domain::sync::{Author, Change, Conflict, FieldResult, FieldState, Hlc, MutationStatus};
use serde_json::Value;

use super::{Role, StoreError, StoreFuture, User};

/// The schools a user may see and write (issue 6, "Accounts and scope"), as SQL can filter by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// An admin: every school.
    All,
    /// A supervisor: the schools assigned to this user id.
    Assigned(String),
    /// Office staff: the schools whose 区县 (`county`) or 乡镇 (`district`) is this. Empty
    /// matches nothing.
    District(String),
}

impl Scope {
    pub fn of(user: &User) -> Scope {
        match user.role {
            Role::Admin => Scope::All,
            Role::Office => Scope::District(user.district.clone()),
            Role::Supervisor => Scope::Assigned(user.id.clone()),
        }
    }
}

/// A record's place: the school that scopes it and, for a photo, its visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub school_id: String,
    pub visit_id: Option<String>,
}

/// One stored field of a record, with the record's school.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordField {
    pub entity_id: String,
    pub school_id: String,
    pub field: String,
    pub value: Value,
}

#[derive(sqlx::FromRow)]
pub(super) struct RecordFieldRow {
    entity_id: String,
    school_id: String,
    field: String,
    value: String,
}

impl TryFrom<RecordFieldRow> for RecordField {
    type Error = StoreError;
    fn try_from(row: RecordFieldRow) -> Result<RecordField, StoreError> {
        let value = json_of("fields", &row.entity_id, &row.value)?;
        Ok(RecordField {
            entity_id: row.entity_id,
            school_id: row.school_id,
            field: row.field,
            value,
        })
    }
}

/// Rows of [`SyncStore::record_fields`] put together by record: its school and its fields.
pub fn by_record(
    rows: Vec<RecordField>,
) -> std::collections::BTreeMap<String, (String, dudao_domain::sync::fields::Fields)> {
    let mut records = std::collections::BTreeMap::new();
    for r in rows {
        records
            .entry(r.entity_id)
            .or_insert_with(|| (r.school_id, dudao_domain::sync::fields::Fields::new()))
            .1
            .insert(r.field, r.value);
    }
    records
}

/// The query of [`SyncStore::record_fields`]: `{p}1` the entity, `{p}2` the record or NULL,
/// `{p}3` the field or NULL, then the scope's `filter` (parameter 4). `json` is `::text` and
/// `text` is `::text` on PostgreSQL (which must be told what a NULL parameter is).
pub(super) fn record_fields_sql(json: &str, text: &str, filter: &str, p: char) -> String {
    format!(
        "SELECT f.entity_id, r.school_id, f.field, f.value{json} AS value \
         FROM fields f JOIN records r ON r.entity = f.entity AND r.entity_id = f.entity_id \
         WHERE f.entity = {p}1 AND ({p}2{text} IS NULL OR f.entity_id = {p}2) \
         AND ({p}3{text} IS NULL OR f.field = {p}3) AND {filter} \
         ORDER BY f.entity_id, f.field"
    )
}

/// The device a change the server makes itself is recorded under (never a real device id: those
/// are UUIDs).
pub const SERVER_DEVICE: &str = "server";

/// A field as stored, with who wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredField {
    pub state: FieldState,
    pub role: Role,
    pub user_id: String,
}

/// The answer first given to a mutation, for its duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    pub status: MutationStatus,
    pub reason: Option<String>,
    pub fields: Vec<FieldResult>,
}

/// A record created by a mutation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub school_id: String,
    pub visit_id: Option<String>,
}

/// A field value to store (and to append to the change log), written by the mutation's device.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWrite {
    pub field: String,
    pub value: Value,
    pub rev: i64,
    /// Capped by the server.
    pub hlc: Hlc,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSide {
    pub value: Value,
    pub hlc: Hlc,
    pub device_id: String,
    pub user_id: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewConflict {
    pub field: String,
    pub kept: ConflictSide,
    pub lost: ConflictSide,
}

/// Everything one mutation writes, in one transaction: the record if new, the field values
/// with their change-log entries, the conflicts, the answer, and the device's `last_seq`.
#[derive(Debug, Clone, PartialEq)]
pub struct MutationWrite {
    pub device_id: String,
    pub seq: i64,
    pub user_id: String,
    pub role: Role,
    pub entity: String,
    pub entity_id: String,
    /// Empty for a rejected mutation of a record the server does not know.
    pub school_id: String,
    pub new_record: Option<NewRecord>,
    pub fields: Vec<FieldWrite>,
    pub conflicts: Vec<NewConflict>,
    /// `Applied` or `Rejected`.
    pub status: MutationStatus,
    pub reason: Option<String>,
    pub results: Vec<FieldResult>,
    /// Unix milliseconds.
    pub now: i64,
}

/// Sync storage; a supertrait of [`super::Store`].
pub trait SyncStore: Send + Sync {
    /// Random, made when the database was created.
    fn server_epoch(&self) -> StoreFuture<'_, String>;

    /// The epoch and the change log's head (the highest change id handed out), read together.
    fn sync_head(&self) -> StoreFuture<'_, (String, i64)>;

    /// After a restore (`crate::restore`): a new random epoch, and the change counter moved up
    /// to at least `at_least`, so no change id a device has seen is handed out again. Does
    /// nothing when the head is already at `at_least` or beyond (someone rotated first), unless
    /// `force`. Returns the epoch and head now in force, and whether this call rotated.
    fn rotate_epoch(&self, at_least: i64, force: bool) -> StoreFuture<'_, (String, i64, bool)>;

    /// The device a session was signed in on.
    fn session_device<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>>;

    /// The device's last accepted sequence number, if the device is registered to this user.
    fn device_last_seq<'a>(
        &'a self,
        device_id: &'a str,
        user_id: &'a str,
    ) -> StoreFuture<'a, Option<i64>>;

    /// The ids of the schools in scope, ordered.
    fn scope_school_ids<'a>(&'a self, scope: &'a Scope) -> StoreFuture<'a, Vec<String>>;

    /// Starts the transaction for one mutation of a device registered to this user (`None`
    /// when it is not), holding the locks described in the module header.
    fn begin_push<'a>(
        &'a self,
        device_id: &'a str,
        user_id: &'a str,
    ) -> StoreFuture<'a, Option<Box<dyn PushTx>>>;

    /// Up to `limit` changes with `id > cursor` of schools in scope, by id.
    fn changes_after<'a>(
        &'a self,
        scope: &'a Scope,
        cursor: i64,
        limit: i64,
    ) -> StoreFuture<'a, Vec<Change>>;

    /// The stored fields of the records of `entity` of schools in scope, by record then field:
    /// what `GET /api/findings` builds its records from. `entity_id`: of that record only;
    /// `field`: that field only.
    fn record_fields<'a>(
        &'a self,
        entity: &'a str,
        scope: &'a Scope,
        entity_id: Option<&'a str>,
        field: Option<&'a str>,
    ) -> StoreFuture<'a, Vec<RecordField>>;

    /// A transaction for records the server writes itself (a signed visit's finding records,
    /// `crate::findings_backfill`): locks as a push does, and its [`MutationWrite`] has `seq`
    /// 0, so its changes name no device and no mutation is recorded.
    fn begin_server_write(&self) -> StoreFuture<'_, Box<dyn PushTx>>;

    /// Conflicts of schools in scope, by id; settled ones too if `resolved`.
    fn list_conflicts<'a>(
        &'a self,
        scope: &'a Scope,
        resolved: bool,
    ) -> StoreFuture<'a, Vec<Conflict>>;

    /// Marks a conflict in scope settled by `user_id` at `now` (the first settlement is kept)
    /// and returns it; `None` if there is no such conflict in scope.
    fn resolve_conflict<'a>(
        &'a self,
        scope: &'a Scope,
        id: i64,
        user_id: &'a str,
        now: i64,
    ) -> StoreFuture<'a, Option<Conflict>>;
}

/// One mutation's transaction. Dropping it without [`PushTx::commit`] rolls it back.
pub trait PushTx: Send {
    /// The device's `last_seq` when the transaction began (it cannot change before commit).
    fn last_seq(&self) -> i64;

    /// The answer stored for an earlier mutation of this device.
    fn stored_result(&mut self, seq: i64) -> StoreFuture<'_, Option<StoredResult>>;

    /// The record, after locking it against other pushes until this transaction ends.
    fn lock_record<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
    ) -> StoreFuture<'a, Option<Record>>;

    /// Another record, read without a lock (a photo's visit: its school never changes).
    fn record<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
    ) -> StoreFuture<'a, Option<Record>>;

    fn field<'a>(
        &'a mut self,
        entity: &'a str,
        entity_id: &'a str,
        field: &'a str,
    ) -> StoreFuture<'a, Option<StoredField>>;

    /// The user who created the upload of this photo's bytes, if there is one (a photo's record
    /// may be pushed only by them). Read after [`PushTx::lock_record`] of the photo, which an
    /// upload's creation waits for (`PhotoStore::create_photo_upload`).
    fn photo_uploader<'a>(&'a mut self, photo_id: &'a str) -> StoreFuture<'a, Option<String>>;

    /// Writes everything and commits.
    fn commit(self: Box<Self>, write: MutationWrite) -> StoreFuture<'static, ()>;
}

pub fn author(role: Role) -> Author {
    match role {
        Role::Supervisor => Author::Supervisor,
        Role::Office | Role::Admin => Author::Office,
    }
}

pub(super) fn status_str(status: MutationStatus) -> &'static str {
    match status {
        MutationStatus::Applied => "applied",
        MutationStatus::Duplicate => "duplicate",
        MutationStatus::Rejected => "rejected",
    }
}

fn invalid(table: &'static str, id: impl ToString, reason: impl ToString) -> StoreError {
    StoreError::InvalidRow {
        table,
        id: id.to_string(),
        reason: reason.to_string(),
    }
}

fn json_of(table: &'static str, id: &str, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| invalid(table, id, e))
}

fn hlc_of(table: &'static str, id: &str, text: &str) -> Result<Hlc, StoreError> {
    text.parse().map_err(|e| invalid(table, id, e))
}

fn role_of(table: &'static str, id: &str, text: &str) -> Result<Role, StoreError> {
    text.parse().map_err(|e: String| invalid(table, id, e))
}

pub(super) fn to_json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| invalid("json", "-", e))
}

#[derive(sqlx::FromRow)]
pub(super) struct FieldRow {
    value: String,
    rev: i64,
    hlc: String,
    device_id: String,
    author_role: String,
    user_id: String,
}

impl FieldRow {
    pub(super) fn decode(self, key: &str) -> Result<StoredField, StoreError> {
        let role = role_of("fields", key, &self.author_role)?;
        Ok(StoredField {
            state: FieldState {
                value: json_of("fields", key, &self.value)?,
                rev: self.rev,
                hlc: hlc_of("fields", key, &self.hlc)?,
                device_id: self.device_id,
                author: author(role),
            },
            role,
            user_id: self.user_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ResultRow {
    status: String,
    reason: Option<String>,
    results: String,
}

impl ResultRow {
    pub(super) fn decode(self, key: &str) -> Result<StoredResult, StoreError> {
        let status = match self.status.as_str() {
            "applied" => MutationStatus::Applied,
            "rejected" => MutationStatus::Rejected,
            other => return Err(invalid("mutations", key, format!("status {other:?}"))),
        };
        Ok(StoredResult {
            status,
            reason: self.reason,
            fields: serde_json::from_str(&self.results)
                .map_err(|e| invalid("mutations", key, e))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ChangeRow {
    id: i64,
    entity: String,
    entity_id: String,
    school_id: String,
    field: String,
    value: String,
    rev: i64,
    hlc: String,
    device_id: Option<String>,
    seq: Option<i64>,
}

impl TryFrom<ChangeRow> for Change {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Change, StoreError> {
        let key = row.id.to_string();
        Ok(Change {
            id: row.id,
            value: json_of("changes", &key, &row.value)?,
            hlc: hlc_of("changes", &key, &row.hlc)?,
            entity: row.entity,
            entity_id: row.entity_id,
            school_id: row.school_id,
            field: row.field,
            rev: row.rev,
            device_id: row.device_id,
            seq: row.seq,
        })
    }
}

/// A conflict row with the writers' display names (`LEFT JOIN users`: NULL once deleted).
#[derive(sqlx::FromRow)]
pub(super) struct ConflictRow {
    id: i64,
    entity: String,
    entity_id: String,
    school_id: String,
    field: String,
    kept_value: String,
    kept_hlc: String,
    kept_role: String,
    kept_name: Option<String>,
    lost_value: String,
    lost_hlc: String,
    lost_device_id: String,
    lost_role: String,
    lost_name: Option<String>,
    created_at: i64,
    resolved_at: Option<i64>,
}

/// `韩立新 (supervisor)`; `a deleted user (office)` once the account is gone.
fn who(name: Option<String>, role: &str) -> String {
    format!(
        "{} ({role})",
        name.unwrap_or_else(|| "a deleted user".to_owned())
    )
}

impl TryFrom<ConflictRow> for Conflict {
    type Error = StoreError;

    fn try_from(row: ConflictRow) -> Result<Conflict, StoreError> {
        let key = row.id.to_string();
        Ok(Conflict {
            id: row.id,
            kept_value: json_of("conflicts", &key, &row.kept_value)?,
            kept_by: who(row.kept_name, &row.kept_role),
            kept_hlc: hlc_of("conflicts", &key, &row.kept_hlc)?,
            lost_value: json_of("conflicts", &key, &row.lost_value)?,
            lost_by: who(row.lost_name, &row.lost_role),
            lost_hlc: hlc_of("conflicts", &key, &row.lost_hlc)?,
            lost_device_id: Some(row.lost_device_id),
            entity: row.entity,
            entity_id: row.entity_id,
            school_id: row.school_id,
            field: row.field,
            created_at: row.created_at,
            resolved_at: row.resolved_at,
        })
    }
}

/// The columns [`ConflictRow`] reads, from `conflicts c` joined to `users ku` / `users lu`.
/// `{json}` is `::text` on PostgreSQL, empty on SQLite.
pub(super) fn conflict_columns(json: &str) -> String {
    format!(
        "c.id, c.entity, c.entity_id, c.school_id, c.field, c.kept_value{json} AS kept_value, \
         c.kept_hlc, c.kept_role, ku.display_name AS kept_name, \
         c.lost_value{json} AS lost_value, c.lost_hlc, c.lost_device_id, c.lost_role, \
         lu.display_name AS lost_name, c.created_at, c.resolved_at \
         FROM conflicts c LEFT JOIN users ku ON ku.id = c.kept_user_id \
         LEFT JOIN users lu ON lu.id = c.lost_user_id"
    )
}

/// `column IN (schools in scope)` for a WHERE clause, and the value to bind as parameter `n`.
/// `p` is the placeholder sigil: `?` on SQLite (`?2`), `$` on PostgreSQL (`$2`). Matches
/// `GET /api/schools`: an office user's district is a 区县 or a 乡镇, and an empty one matches
/// nothing.
pub(super) fn scope_filter(
    scope: &Scope,
    column: &str,
    p: char,
    n: usize,
) -> (String, Option<String>) {
    match scope {
        Scope::All => ("TRUE".to_owned(), None),
        Scope::Assigned(user_id) => (
            format!("{column} IN (SELECT school_id FROM assignments WHERE user_id = {p}{n})"),
            Some(user_id.clone()),
        ),
        Scope::District(district) => (
            format!(
                "{column} IN (SELECT id FROM schools WHERE {p}{n} <> '' \
                 AND (county = {p}{n} OR district = {p}{n}))"
            ),
            Some(district.clone()),
        ),
    }
}
