//! The findings list the office reads (`GET /api/findings`, issue 17 item 6) and the 整改台账
//! is exported from: which findings a filter keeps, where each stands today, and the order
//! (挂牌督办 and 逾期 first, as on the phone's 整改 tab).

use crate::datetime::Date;
use crate::finding::FindingStatus;
use crate::finding_record::FindingRecord;
use crate::rectify::{is_open, standing, Standing};
use crate::template::Severity;
use serde::{Deserialize, Serialize};

/// Which statuses a filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Not 已销号 and not 已撤销 (未销号).
    Open,
    One(FindingStatus),
}

impl StatusFilter {
    /// `open`, or a status as stored (`pending`, `awaiting_recheck` …).
    pub fn parse(s: &str) -> Option<StatusFilter> {
        if s == "open" {
            return Some(StatusFilter::Open);
        }
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .ok()
            .map(StatusFilter::One)
    }

    fn keeps(self, status: FindingStatus) -> bool {
        match self {
            StatusFilter::Open => is_open(status),
            StatusFilter::One(s) => s == status,
        }
    }
}

/// Where a school is, from the roster: for the district filter and the 台账's columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub school_name: String,
    /// 乡镇/街道.
    pub district: String,
    /// 区县.
    #[serde(default)]
    pub county: String,
}

/// What the office narrows the list by; every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingFilter {
    pub school_id: Option<String>,
    /// A 区县 or a 乡镇.
    pub district: Option<String>,
    pub status: Option<StatusFilter>,
    pub severity: Option<Severity>,
    /// Only 逾期 (open and past the deadline), 挂牌督办 included.
    pub overdue: bool,
    /// Only 挂牌督办.
    pub supervised: bool,
    /// The supervisor who raised it, as the visit names them (韩立新).
    pub supervisor: Option<String>,
    /// Raised on or after this day …
    pub from: Option<Date>,
    /// … and on or before this one (China's calendar).
    pub to: Option<Date>,
}

/// One finding as the office lists it: the record, its school, and where it stands today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    #[serde(flatten)]
    pub record: FindingRecord,
    pub place: Place,
    /// `supervised`, `overdue`, `due`, `none` or `done` (`rectify::Standing::key`).
    pub standing: String,
    /// 挂牌督办 · 逾期3天, 剩5天 …; empty once closed.
    pub standing_zh: String,
    /// Days to the deadline (negative once past it), for an open finding with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
}

/// The answer of `GET /api/findings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsResponse {
    /// The day the standings were worked out on (China), `2026-12-07`.
    pub today: Date,
    pub findings: Vec<FindingRow>,
}

impl FindingFilter {
    pub fn keeps(&self, r: &FindingRecord, place: &Place, today: Date) -> bool {
        let s = self.standing(r, today);
        self.school_id
            .as_ref()
            .is_none_or(|id| *id == r.origin.school_id)
            && self
                .district
                .as_ref()
                .is_none_or(|d| *d == place.district || *d == place.county)
            && self.status.is_none_or(|f| f.keeps(r.status()))
            && self.severity.is_none_or(|sev| sev == r.severity)
            && (!self.overdue
                || matches!(s, Standing::Overdue { .. } | Standing::Supervised { .. }))
            && (!self.supervised || matches!(s, Standing::Supervised { .. }))
            && self
                .supervisor
                .as_ref()
                .is_none_or(|u| *u == r.origin.raised_by)
            && self
                .from
                .is_none_or(|d| Date::of_ms(r.origin.raised_at) >= d)
            && self.to.is_none_or(|d| Date::of_ms(r.origin.raised_at) <= d)
    }

    fn standing(&self, r: &FindingRecord, today: Date) -> Standing {
        standing(r.status(), r.severity, r.deadline(), today)
    }
}

/// The rows `filter` keeps, most urgent first, then the earliest raised, then by id.
pub fn list(
    records: Vec<(FindingRecord, Place)>,
    filter: &FindingFilter,
    today: Date,
) -> Vec<FindingRow> {
    let mut rows: Vec<(Standing, FindingRow)> = records
        .into_iter()
        .filter(|(r, p)| filter.keeps(r, p, today))
        .map(|(record, place)| {
            let s = filter.standing(&record, today);
            let days_left = record.workflow.days_left(today);
            (
                s,
                FindingRow {
                    standing: s.key().to_owned(),
                    standing_zh: s.zh(),
                    days_left,
                    record,
                    place,
                },
            )
        })
        .collect();
    rows.sort_by(|(a, ra), (b, rb)| {
        (a, ra.record.origin.raised_at, &ra.record.id).cmp(&(
            b,
            rb.record.origin.raised_at,
            &rb.record.id,
        ))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Disposition;
    use crate::finding_record::Origin;
    use crate::rectify::Workflow;
    use crate::text::Text;

    fn day(d: u8) -> Date {
        Date::new(2026, 12, d).unwrap()
    }

    /// Noon in China on 2026-12-`d`.
    fn noon(d: u8) -> i64 {
        (day(d).days() * 86_400 + 4 * 3_600) * 1_000
    }

    fn rec(
        id: &str,
        school: &str,
        sev: Severity,
        status: FindingStatus,
        deadline: u8,
    ) -> FindingRecord {
        let mut w = Workflow::new(Some(day(deadline)));
        w.status = status;
        FindingRecord {
            id: id.into(),
            origin: Origin {
                visit_id: "v".into(),
                school_id: school.into(),
                school_name: school.into(),
                item_codes: vec!["A".into()],
                section: Text::new("安全", "Safety"),
                opinion_no: None,
                raised_by: if school == "s1" {
                    "韩立新"
                } else {
                    "马淑芬"
                }
                .into(),
                raised_at: noon(if school == "s1" { 1 } else { 3 }),
            },
            description: "d".into(),
            requirement: "r".into(),
            severity: sev,
            disposition: Disposition::ByDeadline,
            owner: String::new(),
            basis: vec![],
            workflow: w,
        }
    }

    fn place(district: &str) -> Place {
        Place {
            school_name: "x".into(),
            district: district.into(),
            county: "城关县".into(),
        }
    }

    fn all() -> Vec<(FindingRecord, Place)> {
        use FindingStatus::*;
        vec![
            (
                rec("a", "s1", Severity::General, Pending, 20),
                place("城关镇"),
            ),
            (
                rec("b", "s1", Severity::Major, Rectifying, 5),
                place("城关镇"),
            ),
            (
                rec("c", "s2", Severity::General, AwaitingRecheck, 8),
                place("河口乡"),
            ),
            (rec("d", "s2", Severity::Major, Closed, 5), place("河口乡")),
        ]
    }

    fn ids(rows: &[FindingRow]) -> Vec<&str> {
        rows.iter().map(|r| r.record.id.as_str()).collect()
    }

    #[test]
    fn the_list_puts_supervised_listing_and_overdue_first() {
        let rows = list(all(), &FindingFilter::default(), day(10));
        assert_eq!(ids(&rows), ["b", "c", "a", "d"]);
        assert_eq!(rows[0].standing, "supervised");
        assert_eq!(rows[0].standing_zh, "挂牌督办 · 逾期5天");
        assert_eq!(rows[2].days_left, Some(10));
        assert_eq!(rows[3].days_left, None, "closed: no days left");
    }

    #[test]
    fn each_filter_narrows_the_list() {
        let today = day(10);
        let with = |f: FindingFilter| ids(&list(all(), &f, today)).join(",");
        let f = FindingFilter::default;
        assert_eq!(
            with(FindingFilter {
                school_id: Some("s2".into()),
                ..f()
            }),
            "c,d"
        );
        assert_eq!(
            with(FindingFilter {
                district: Some("城关镇".into()),
                ..f()
            }),
            "b,a"
        );
        assert_eq!(
            with(FindingFilter {
                district: Some("城关县".into()),
                ..f()
            }),
            "b,c,a,d"
        );
        assert_eq!(
            with(FindingFilter {
                status: StatusFilter::parse("open"),
                ..f()
            }),
            "b,c,a"
        );
        assert_eq!(
            with(FindingFilter {
                status: StatusFilter::parse("awaiting_recheck"),
                ..f()
            }),
            "c"
        );
        assert_eq!(
            with(FindingFilter {
                severity: Some(Severity::Major),
                ..f()
            }),
            "b,d"
        );
        assert_eq!(
            with(FindingFilter {
                overdue: true,
                ..f()
            }),
            "b,c"
        );
        assert_eq!(
            with(FindingFilter {
                supervised: true,
                ..f()
            }),
            "b"
        );
        assert_eq!(
            with(FindingFilter {
                supervisor: Some("马淑芬".into()),
                ..f()
            }),
            "c,d"
        );
        assert_eq!(
            with(FindingFilter {
                from: Some(day(2)),
                ..f()
            }),
            "c,d"
        );
        assert_eq!(
            with(FindingFilter {
                to: Some(day(1)),
                ..f()
            }),
            "b,a"
        );
        assert_eq!(StatusFilter::parse("nonsense"), None);
    }
}
