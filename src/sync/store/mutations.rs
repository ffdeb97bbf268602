//! The mutations as the phone keeps them (`mutations`, keyed by `seq`): their states, the lists
//! screens and the engine read, 知道了 on a refused one, and re-queueing after a server restore.

use super::meta::{put_meta, ACKED_SEQ};
use super::records::is_absent;
use crate::storage::idb::{from_js, Db, Read, META, MUTATIONS};
use crate::storage::StorageError;
use dudao_domain::sync::client::record_key;
use dudao_domain::sync::wire::{Mutation, Op};
use dudao_domain::sync::Hlc;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationState {
    /// Made, not yet answered by the server.
    Pending,
    /// The server stored it (or had already).
    Acked,
    /// The server refused it; `reason` says why. The queue moved on.
    Rejected,
}

impl MutationState {
    pub fn as_str(self) -> &'static str {
        match self {
            MutationState::Pending => "pending",
            MutationState::Acked => "acked",
            MutationState::Rejected => "rejected",
        }
    }
}

/// A mutation as the phone keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMutation {
    pub seq: i64,
    pub entity: String,
    pub entity_id: String,
    pub ops: Vec<Op>,
    pub hlc: Hlc,
    pub status: MutationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Unix ms when it was made from the outbox.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
    /// A rejected change the supervisor has seen (知道了): no longer listed.
    #[serde(default)]
    pub dismissed: bool,
}

impl StoredMutation {
    pub fn wire(&self) -> Mutation {
        Mutation {
            seq: self.seq,
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            ops: self.ops.clone(),
            hlc: self.hlc,
        }
    }

    pub fn key(&self) -> String {
        record_key(&self.entity, &self.entity_id)
    }
}

fn sorted(mut v: Vec<StoredMutation>) -> Vec<StoredMutation> {
    v.sort_by_key(|m| m.seq);
    v
}

fn decode_all<T: DeserializeOwned>(raw: Vec<JsValue>) -> Result<Vec<T>, StorageError> {
    raw.iter().map(from_js).collect()
}

/// Mutations not yet answered, in `seq` order.
pub async fn pending_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    let raw = db
        .by_index_raw(MUTATIONS, "status", MutationState::Pending.as_str())
        .await?;
    Ok(sorted(decode_all(raw)?))
}

/// Refused mutations the supervisor has not dismissed, newest first.
pub async fn rejected_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    let raw = db
        .by_index_raw(MUTATIONS, "status", MutationState::Rejected.as_str())
        .await?;
    let mut v: Vec<StoredMutation> = decode_all(raw)?;
    v.retain(|m| !m.dismissed);
    v.sort_by_key(|m| std::cmp::Reverse(m.seq));
    Ok(v)
}

pub async fn all_mutations(db: &Db) -> Result<Vec<StoredMutation>, StorageError> {
    Ok(sorted(db.all(MUTATIONS).await?))
}

/// 知道了 on a refused change: it is no longer listed (it stays stored).
pub async fn dismiss_rejected(db: &Db, seq: i64) -> Result<(), StorageError> {
    db.write(&[MUTATIONS], move |w| {
        w.read_then(
            vec![Read::Get(MUTATIONS, JsValue::from_f64(seq as f64))],
            move |w, got| {
                if is_absent(&got[0]) {
                    return Ok(());
                }
                let mut m: StoredMutation = from_js(&got[0])?;
                m.dismissed = true;
                w.put(MUTATIONS, &m)
            },
        )
    })
    .await
}

/// The server lost mutations it had acknowledged (restored from a backup): every mutation
/// from `from_seq` on is pending again, to be sent in order with its original `seq`, and
/// `acked_seq` goes back to what the server has.
pub async fn requeue_from(db: &Db, from_seq: i64) -> Result<usize, StorageError> {
    let n = Rc::new(Cell::new(0usize));
    let count = n.clone();
    db.write(&[MUTATIONS, META], move |w| {
        w.read_then(vec![Read::All(MUTATIONS)], move |w, got| {
            let all: Vec<StoredMutation> = from_js(&got[0])?;
            for mut m in all.into_iter().filter(|m| m.seq >= from_seq) {
                if m.status != MutationState::Pending {
                    m.status = MutationState::Pending;
                    m.reason = None;
                    m.answered_at = None;
                    m.dismissed = false;
                    w.put(MUTATIONS, &m)?;
                    count.set(count.get() + 1);
                }
            }
            put_meta(w, ACKED_SEQ, &(from_seq - 1).max(0))
        })
    })
    .await?;
    Ok(n.get())
}
