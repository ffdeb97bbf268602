//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that edits on one device are
//! ordered even when its clock stands still or goes back, and edits on different devices are
//! ordered roughly by real time.
//!
//! Serialized as the string `"0001764570000000-0003"` (16-digit ms, 4-digit counter): it sorts as
//! text in the same order as the values, which keeps it readable in the database.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// How far ahead of the server a device clock may be before the server caps it (5 minutes).
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hlc {
    pub ms: i64,
    pub counter: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc { ms: 0, counter: 0 };

    pub fn new(ms: i64, counter: u32) -> Hlc {
        Hlc { ms, counter }
    }

    /// The clock value for a local event at wall time `now_ms`, after `self` (the last value
    /// this device issued or saw).
    pub fn tick(self, now_ms: i64) -> Hlc {
        if now_ms > self.ms {
            Hlc::new(now_ms, 0)
        } else {
            Hlc::new(self.ms, self.counter.saturating_add(1))
        }
    }

    /// The clock after receiving `remote` at wall time `now_ms`: above both. A remote value far
    /// in the future is first capped to `now_ms + MAX_SKEW_MS`, so one wrong clock cannot drag
    /// every device a year ahead.
    pub fn recv(self, remote: Hlc, now_ms: i64) -> Hlc {
        let remote = remote.capped(now_ms);
        let top = self.max(remote);
        if now_ms > top.ms {
            Hlc::new(now_ms, 0)
        } else {
            Hlc::new(top.ms, top.counter.saturating_add(1))
        }
    }

    /// The value the server compares with: never more than [`MAX_SKEW_MS`] ahead of its own
    /// clock `server_now_ms`. A device a year ahead therefore cannot win every conflict for a
    /// year; it still wins against anything older than five minutes from now.
    pub fn capped(self, server_now_ms: i64) -> Hlc {
        let limit = server_now_ms.saturating_add(MAX_SKEW_MS);
        if self.ms > limit {
            Hlc::new(limit, 0)
        } else {
            self
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}-{:04}", self.ms, self.counter)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a clock value (expected 16 digits, '-', 4 digits): {0:?}")]
pub struct HlcParseError(pub String);

impl FromStr for Hlc {
    type Err = HlcParseError;
    fn from_str(s: &str) -> Result<Hlc, HlcParseError> {
        let err = || HlcParseError(s.chars().take(40).collect());
        let (ms, counter) = s.split_once('-').ok_or_else(err)?;
        if ms.len() != 16 || counter.is_empty() || counter.len() > 10 {
            return Err(err());
        }
        if !ms
            .bytes()
            .chain(counter.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        Ok(Hlc::new(
            ms.parse().map_err(|_| err())?,
            counter.parse().map_err(|_| err())?,
        ))
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hlc, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_monotonic_when_the_wall_clock_goes_back() {
        let a = Hlc::ZERO.tick(1_000);
        let b = a.tick(900);
        let c = b.tick(900);
        assert!(a < b && b < c);
        assert_eq!(c, Hlc::new(1_000, 2));
        assert_eq!(c.tick(2_000), Hlc::new(2_000, 0));
    }

    #[test]
    fn recv_moves_past_the_remote_value_but_caps_a_future_clock() {
        let local = Hlc::new(1_000, 0);
        assert_eq!(local.recv(Hlc::new(5_000, 3), 2_000), Hlc::new(5_000, 4));
        let year = 365 * 24 * 3600 * 1000;
        let got = local.recv(Hlc::new(year, 0), 2_000);
        assert_eq!(got, Hlc::new(2_000 + MAX_SKEW_MS, 1));
    }

    #[test]
    fn capped_only_touches_values_beyond_the_skew() {
        assert_eq!(Hlc::new(10, 4).capped(0), Hlc::new(10, 4));
        assert_eq!(
            Hlc::new(MAX_SKEW_MS + 1, 9).capped(0),
            Hlc::new(MAX_SKEW_MS, 0)
        );
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_value() {
        let a = Hlc::new(1_764_570_000_000, 3);
        assert_eq!(a.to_string(), "0001764570000000-0003");
        assert_eq!(a.to_string().parse::<Hlc>().unwrap(), a);
        let b = Hlc::new(1_764_570_000_000, 12);
        assert!(a.to_string() < b.to_string());
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Hlc>(&json).unwrap(), a);
        for bad in [
            "",
            "12-3",
            "000000000000000a-0001",
            "0001764570000000",
            "x-y",
        ] {
            assert!(bad.parse::<Hlc>().is_err(), "{bad}");
        }
    }
}
