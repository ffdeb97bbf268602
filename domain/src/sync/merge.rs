//! The per-field rule (DESIGN.md): a push whose `base_rev` is the field's current revision is a
//! plain update. Otherwise the two values are concurrent: on a workflow field the office wins; on
//! any other field the higher clock wins (capped at five minutes ahead of the server), ties by
//! device id. The loser is never dropped: the caller stores it in the conflicts table.

use crate::sync::Hlc;
use serde_json::Value;

/// Who wrote a value, for the office-wins rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Supervisor,
    /// Office staff or an administrator.
    Office,
}

/// A field's value on the server, or the value a push brings.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldState {
    pub value: Value,
    /// On the server, the field's revision; for a pushed value, its `base_rev`.
    pub rev: i64,
    /// Already capped by the server ([`Hlc::capped`]).
    pub hlc: Hlc,
    pub device_id: String,
    pub author: Author,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Store the pushed value. `conflict`: the value it replaces was concurrent and goes to the
    /// conflicts table.
    Apply { conflict: bool },
    /// The server already has this value: nothing to store.
    Unchanged,
    /// Keep the current value; the pushed one goes to the conflicts table.
    Keep,
}

/// What to do with `incoming` (its `rev` is the push's `base_rev`) given the field's `current`
/// state (`None`: the field has never been set). `workflow`: the field belongs to the office's
/// rectification workflow ([`crate::sync::fields::is_workflow`]).
pub fn decide(current: Option<&FieldState>, incoming: &FieldState, workflow: bool) -> Decision {
    let Some(current) = current else {
        return Decision::Apply { conflict: false };
    };
    if current.value == incoming.value {
        return Decision::Unchanged;
    }
    // The device saw the current value, or wrote it itself (one device's mutations arrive in
    // order, so its later value is simply newer even if it had not yet heard the revision).
    if incoming.rev >= current.rev || incoming.device_id == current.device_id {
        return Decision::Apply { conflict: false };
    }
    if workflow && current.author != incoming.author {
        return match incoming.author {
            Author::Office => Decision::Apply { conflict: true },
            Author::Supervisor => Decision::Keep,
        };
    }
    if (incoming.hlc, &incoming.device_id) > (current.hlc, &current.device_id) {
        Decision::Apply { conflict: true }
    } else {
        Decision::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn st(value: Value, rev: i64, ms: i64, dev: &str, author: Author) -> FieldState {
        FieldState {
            value,
            rev,
            hlc: Hlc::new(ms, 0),
            device_id: dev.into(),
            author,
        }
    }

    #[test]
    fn a_new_field_and_an_up_to_date_base_are_plain_updates() {
        let inc = st(json!("a"), 0, 10, "d1", Author::Supervisor);
        assert_eq!(
            decide(None, &inc, false),
            Decision::Apply { conflict: false }
        );
        let cur = st(json!("x"), 3, 50, "d2", Author::Supervisor);
        let inc = st(json!("a"), 3, 10, "d1", Author::Supervisor);
        assert_eq!(
            decide(Some(&cur), &inc, false),
            Decision::Apply { conflict: false }
        );
    }

    #[test]
    fn the_same_value_is_not_a_conflict() {
        let cur = st(json!("a"), 3, 50, "d2", Author::Supervisor);
        let inc = st(json!("a"), 1, 10, "d1", Author::Supervisor);
        assert_eq!(decide(Some(&cur), &inc, false), Decision::Unchanged);
    }

    #[test]
    fn a_devices_own_later_value_wins_without_a_conflict() {
        let cur = st(json!("a"), 4, 50, "d1", Author::Supervisor);
        let inc = st(json!("b"), 0, 40, "d1", Author::Supervisor);
        assert_eq!(
            decide(Some(&cur), &inc, false),
            Decision::Apply { conflict: false }
        );
    }

    #[test]
    fn concurrent_supervisor_values_go_by_clock_then_device() {
        let cur = st(json!("a"), 2, 50, "d2", Author::Supervisor);
        let newer = st(json!("b"), 1, 60, "d1", Author::Supervisor);
        let older = st(json!("b"), 1, 40, "d1", Author::Supervisor);
        assert_eq!(
            decide(Some(&cur), &newer, false),
            Decision::Apply { conflict: true }
        );
        assert_eq!(decide(Some(&cur), &older, false), Decision::Keep);
        let tie_hi = st(json!("b"), 1, 50, "d3", Author::Supervisor);
        let tie_lo = st(json!("b"), 1, 50, "d1", Author::Supervisor);
        assert_eq!(
            decide(Some(&cur), &tie_hi, false),
            Decision::Apply { conflict: true }
        );
        assert_eq!(decide(Some(&cur), &tie_lo, false), Decision::Keep);
    }

    #[test]
    fn on_workflow_fields_the_office_wins_whatever_the_clocks() {
        let office = st(json!("closed"), 2, 10, "pc", Author::Office);
        let sup = st(json!("open"), 1, 99, "phone", Author::Supervisor);
        assert_eq!(decide(Some(&office), &sup, true), Decision::Keep);
        let sup_cur = st(json!("open"), 2, 99, "phone", Author::Supervisor);
        let office_inc = st(json!("closed"), 1, 10, "pc", Author::Office);
        assert_eq!(
            decide(Some(&sup_cur), &office_inc, true),
            Decision::Apply { conflict: true }
        );
        // Not a workflow field: the clock decides even against the office.
        assert_eq!(
            decide(Some(&office), &sup, false),
            Decision::Apply { conflict: true }
        );
    }
}
