//! The device's side of sync for one record, as plain data: what the server is known to hold
//! (`base`), what was sent and not yet answered (`pending`), and what the server refused
//! (`rejected`). The app keeps one [`RecordSync`] per record in IndexedDB and drives it; the
//! rules live here so they are tested with `cargo test`.
//!
//! - A field is sent when the record's current value differs from the last value sent or known
//!   (so 70 keystrokes in a note become one op carrying the last text).
//! - A pulled value replaces the local one only when the supervisor has not changed that field
//!   since (the local value is still the known one); otherwise the local value is pushed with the
//!   old `base_rev` and the server settles it, keeping the loser.
//! - A refused value is not sent again until the supervisor changes the field once more.

use crate::sync::fields::Fields;
use crate::sync::wire::{Change, FieldOutcome, Mutation, MutationResult, MutationStatus, Op};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A field's value on the server as this device last learned it, and its revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Known {
    pub value: Value,
    pub rev: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RecordSync {
    pub entity: String,
    pub entity_id: String,
    #[serde(default)]
    pub base: BTreeMap<String, Known>,
    #[serde(default)]
    pub pending: BTreeMap<String, Value>,
    #[serde(default)]
    pub rejected: BTreeMap<String, Value>,
}

/// The value a field has when nobody has set it.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

impl RecordSync {
    pub fn new(entity: &str, entity_id: &str) -> RecordSync {
        RecordSync {
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            ..RecordSync::default()
        }
    }

    /// The IndexedDB key: `visit/0190…`.
    pub fn key(&self) -> String {
        record_key(&self.entity, &self.entity_id)
    }

    /// The value the server has or will have once pending mutations land.
    fn expected(&self, field: &str) -> Option<&Value> {
        self.pending
            .get(field)
            .or_else(|| self.base.get(field).map(|k| &k.value))
    }

    /// Whether the supervisor changed the field since the server's value was known or sent.
    /// A field the server has never had is its default there (no value, no text, no photos), so
    /// such a local value is not a change: a pull that brought an answer's note alone does not
    /// send its empty value and photo list back, over values still on a later page.
    pub fn is_dirty(&self, field: &str, local: Option<&Value>) -> bool {
        match (local, self.expected(field)) {
            (None, _) => false,
            (Some(v), None) if is_empty(v) => false,
            (Some(v), expected) => expected != Some(v) && self.rejected.get(field) != Some(v),
        }
    }

    /// The ops that bring the server to the record's current `local` fields, in field order.
    /// A field missing from `local` is not sent: records only grow (a dropped finding leaves
    /// the `findings` order, its fields stay).
    pub fn ops(&self, local: &Fields) -> Vec<Op> {
        local
            .iter()
            .filter(|(f, v)| self.is_dirty(f, Some(v)))
            .map(|(f, v)| Op {
                field: f.clone(),
                value: v.clone(),
                base_rev: self.base.get(f).map_or(0, |k| k.rev),
            })
            .collect()
    }

    /// The ops were put in a stored mutation: they are not sent again.
    pub fn sent(&mut self, ops: &[Op]) {
        for op in ops {
            self.rejected.remove(&op.field);
            self.pending.insert(op.field.clone(), op.value.clone());
        }
    }

    /// The server answered `mutation` (one of this record's). Returns the values the local
    /// record must now take: those of fields whose pushed value lost a conflict, unless the
    /// supervisor has changed the field again since (`local`).
    pub fn answered(
        &mut self,
        mutation: &Mutation,
        result: &MutationResult,
        local: &Fields,
    ) -> Fields {
        let mut take = Fields::new();
        let sent: BTreeMap<&str, &Value> = mutation
            .ops
            .iter()
            .map(|o| (o.field.as_str(), &o.value))
            .collect();
        // Only clear `pending` when it still holds this mutation's value (a later mutation may
        // have sent a newer one).
        let clear_pending = |rs: &mut RecordSync, field: &str, v: &Value| {
            if rs.pending.get(field) == Some(v) {
                rs.pending.remove(field);
            }
        };
        // A refusal replayed as a duplicate (the first answer was lost) carries its reason
        // and no fields.
        let refused = result.status == MutationStatus::Rejected
            || (result.status == MutationStatus::Duplicate
                && result.reason.is_some()
                && result.fields.is_empty());
        if refused {
            for (field, v) in &sent {
                clear_pending(self, field, v);
                self.rejected.insert((*field).to_owned(), (*v).clone());
            }
            return take;
        }
        for r in &result.fields {
            let Some(v) = sent.get(r.field.as_str()) else {
                continue;
            };
            clear_pending(self, &r.field, v);
            let server_value = match (r.outcome, &r.value) {
                (FieldOutcome::Lost, Some(won)) => won.clone(),
                // Lost to nothing: the server holds no value for it (a finding's move made
                // after the finding moved elsewhere, kept in the conflicts table): null.
                (FieldOutcome::Lost, None) => Value::Null,
                _ => (*v).clone(),
            };
            if self.base.get(&r.field).is_some_and(|k| k.rev > r.rev) {
                // A pull already brought a later revision.
                continue;
            }
            if r.outcome == FieldOutcome::Lost && local.get(&r.field) == Some(v) {
                take.insert(r.field.clone(), server_value.clone());
            }
            self.base.insert(
                r.field.clone(),
                Known {
                    value: server_value,
                    rev: r.rev,
                },
            );
        }
        take
    }

    /// A change pulled from the server for this record. Returns the value the local record
    /// must take, if any. `rebase`: the server was restored and is pulled again from the start,
    /// so its revisions may be lower than the ones known; values, not revisions, decide then.
    pub fn pulled(&mut self, change: &Change, local: &Fields, rebase: bool) -> Option<Value> {
        let known = self.base.get(&change.field);
        if !rebase && known.is_some_and(|k| k.rev >= change.rev) {
            return None;
        }
        let local_value = local.get(&change.field);
        let dirty = self.pending.contains_key(&change.field)
            || match (local_value, known) {
                (Some(l), Some(k)) => *l != k.value && self.rejected.get(&change.field) != Some(l),
                // Set here and never sent: a new local field is the supervisor's, unless it is
                // still empty (see `is_dirty`).
                (Some(l), None) => {
                    !is_empty(l)
                        && *l != change.value
                        && self.rejected.get(&change.field) != Some(l)
                }
                (None, _) => false,
            };
        if dirty && !rebase {
            // Keep the supervisor's value and the old base: the push settles it on the server.
            return None;
        }
        if dirty {
            // After a restore: learn the server's revision so the next push is an update, keep
            // what the supervisor has.
            if let Some(k) = self.base.get_mut(&change.field) {
                k.rev = change.rev;
            } else {
                self.base.insert(
                    change.field.clone(),
                    Known {
                        value: change.value.clone(),
                        rev: change.rev,
                    },
                );
            }
            return None;
        }
        self.rejected.remove(&change.field);
        self.base.insert(
            change.field.clone(),
            Known {
                value: change.value.clone(),
                rev: change.rev,
            },
        );
        (local_value != Some(&change.value)).then(|| change.value.clone())
    }

    /// The fields a record is built from when it is rebuilt after a pull: what the server holds,
    /// then what is on its way, then the supervisor's `local` fields, then `take`.
    pub fn merged(&self, local: &Fields, take: &Fields) -> Fields {
        let mut m: Fields = self
            .base
            .iter()
            .map(|(f, k)| (f.clone(), k.value.clone()))
            .collect();
        m.extend(self.pending.iter().map(|(f, v)| (f.clone(), v.clone())));
        m.extend(local.iter().map(|(f, v)| (f.clone(), v.clone())));
        m.extend(take.iter().map(|(f, v)| (f.clone(), v.clone())));
        m
    }
}

pub fn record_key(entity: &str, entity_id: &str) -> String {
    format!("{entity}/{entity_id}")
}
