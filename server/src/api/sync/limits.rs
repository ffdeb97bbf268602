//! Bounds on what a push may store and a pull may answer (issue 13, item 7), and the roster's
//! copy of a visit header's school.

use std::collections::HashMap;

use dudao_domain::sync::{Change, Mutation, ENTITY_VISIT};
use dudao_domain::School;
use serde_json::Value;

/// The longest text a field of a pushed mutation may hold, in UTF-8 bytes, per string: a note,
/// a finding's description or 整改要求, a header's names. 64 KiB is some 21,000 Chinese
/// characters, far more than any of them needs.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The longest handwriting image (`signature.image`, a `data:image/png;base64,…` URL): a
/// signature drawn on a phone's screen is well under 300 KiB.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;

/// A pulled page stops growing once its changes' JSON passes this (it always has at least one
/// change), whatever `limit` says.
pub const MAX_PULL_PAGE_BYTES: usize = 1024 * 1024;

/// Why a text in an op's value is too long, naming the field (and the place inside a
/// structured value, such as `header.school.name`) and the limit.
pub fn oversized_text(field: &str, value: &Value) -> Option<String> {
    let mut path = field.to_owned();
    walk(&mut path, value)
}

fn walk(path: &mut String, value: &Value) -> Option<String> {
    match value {
        Value::String(s) => {
            let (limit, what) = if path.ends_with("signature.image") && s.starts_with("data:image/")
            {
                (MAX_IMAGE_BYTES, "1 MiB, for a signature's handwriting")
            } else {
                (MAX_TEXT_BYTES, "64 KiB per text field")
            };
            (s.len() > limit).then(|| {
                format!(
                    "{path} holds {} bytes of text; at most {limit} bytes ({what}) are accepted",
                    s.len()
                )
            })
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = walk(path, item);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            let found = walk(path, item);
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

/// Puts the roster's name, code, 乡镇 and 区县 of the school into each visit header pushed, so
/// a phone whose copy of the school is stale (a roster re-imported since) or made up cannot
/// put another name on the office's record. A header naming a school the roster does not have
/// is left as sent: the push refuses it (the school is in nobody's scope). Each replacement is
/// logged.
pub fn headers_from_roster(mutations: &mut [Mutation], roster: &HashMap<String, School>) {
    for m in mutations.iter_mut().filter(|m| m.entity == ENTITY_VISIT) {
        for op in m.ops.iter_mut().filter(|op| op.field == "header") {
            let Some(school) = op.value.get_mut("school").and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(known) = school
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| roster.get(id))
            else {
                continue;
            };
            for (key, roster_value) in [
                ("code", &known.code),
                ("name", &known.name),
                ("district", &known.district),
                ("county", &known.county),
            ] {
                let sent = school.get(key).and_then(Value::as_str).unwrap_or("");
                if sent != roster_value {
                    tracing::info!(
                        visit = %m.entity_id,
                        school = %known.id,
                        field = key,
                        sent = %sent.chars().take(100).collect::<String>(),
                        roster = %roster_value,
                        "a visit header's school differs from the roster; the roster's is kept"
                    );
                    school.insert(key.to_owned(), Value::String(roster_value.clone()));
                }
            }
        }
    }
}

/// How many of `changes` fit in one page: at most [`MAX_PULL_PAGE_BYTES`] of JSON, and at
/// least one.
pub fn page_len(changes: &[Change]) -> usize {
    let mut bytes = 0;
    for (i, change) in changes.iter().enumerate() {
        bytes += serde_json::to_vec(change).map_or(0, |v| v.len());
        if bytes > MAX_PULL_PAGE_BYTES && i > 0 {
            return i;
        }
    }
    changes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_too_long_text_is_named_by_its_place() {
        let long = "字".repeat(MAX_TEXT_BYTES / 3 + 1);
        assert!(oversized_text("answers.A.note", &json!("短")).is_none());
        let reason = oversized_text("header", &json!({"school": {"name": long}})).unwrap();
        assert!(
            reason.starts_with("header.school.name holds 65538 bytes"),
            "{reason}"
        );
        assert!(reason.contains("65536"), "{reason}");
        let image = format!("data:image/png;base64,{}", "A".repeat(300 * 1024));
        assert!(oversized_text("signature", &json!({"image": image})).is_none());
    }
}
