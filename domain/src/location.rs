//! Where a visit took place, when the supervisor lets the phone say. Refusing, or having no fix
//! indoors, never blocks a visit: the outcome is recorded either way.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A position fix from the phone.
    Fix {
        latitude: f64,
        longitude: f64,
        /// Radius of 95% confidence, in metres, as the phone reports it.
        accuracy_m: f64,
        /// Unix milliseconds of the fix.
        at: i64,
    },
    /// No position, and why.
    Unavailable { reason: NoFix, at: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoFix {
    /// The supervisor (or the browser's settings) refused.
    Denied,
    /// Allowed, but no fix came (indoors, timed out).
    NoSignal,
    /// The browser has no geolocation, or the page is not on HTTPS.
    Unsupported,
}

impl Location {
    /// 定位：北纬 39.90412°，东经 116.40739°（精度约 25 米）, or why there is none.
    pub fn describe(&self, english: bool) -> String {
        match self {
            Location::Fix {
                latitude,
                longitude,
                accuracy_m,
                ..
            } => {
                let (ns, ew) = match (english, *latitude >= 0.0, *longitude >= 0.0) {
                    (false, n, e) => (
                        if n { "北纬" } else { "南纬" },
                        if e { "东经" } else { "西经" },
                    ),
                    (true, n, e) => (if n { "N" } else { "S" }, if e { "E" } else { "W" }),
                };
                let acc = accuracy_m.round() as i64;
                if english {
                    format!(
                        "{:.5}°{ns}, {:.5}°{ew} (within about {acc} m)",
                        latitude.abs(),
                        longitude.abs()
                    )
                } else {
                    format!(
                        "{ns} {:.5}°，{ew} {:.5}°（精度约 {acc} 米）",
                        latitude.abs(),
                        longitude.abs()
                    )
                }
            }
            Location::Unavailable { reason, .. } => match (reason, english) {
                (NoFix::Denied, false) => "未记录定位（未获授权）".into(),
                (NoFix::NoSignal, false) => "未记录定位（未能取得位置）".into(),
                (NoFix::Unsupported, false) => "未记录定位（设备不支持）".into(),
                (NoFix::Denied, true) => "No location (permission refused)".into(),
                (NoFix::NoSignal, true) => "No location (no fix)".into(),
                (NoFix::Unsupported, true) => "No location (not supported)".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_reads_as_latitude_longitude_and_accuracy() {
        let l = Location::Fix {
            latitude: 39.904_123,
            longitude: 116.407_394,
            accuracy_m: 24.6,
            at: 0,
        };
        assert_eq!(
            l.describe(false),
            "北纬 39.90412°，东经 116.40739°（精度约 25 米）"
        );
        assert_eq!(
            l.describe(true),
            "39.90412°N, 116.40739°E (within about 25 m)"
        );
    }

    #[test]
    fn no_fix_says_why() {
        let l = Location::Unavailable {
            reason: NoFix::Denied,
            at: 0,
        };
        assert_eq!(l.describe(false), "未记录定位（未获授权）");
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, r#"{"kind":"unavailable","reason":"denied","at":0}"#);
    }
}
