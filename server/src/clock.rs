//! The server's one clock: Unix milliseconds now, as every timestamp it stores is kept
//! (`published_at`, `created_at`, session expiry, change times).

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
