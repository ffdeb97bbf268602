//! Schools and what about a school decides which items and thresholds apply to it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// School stage (学段/办学类型). Decides default grades and which rule band applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stage {
    #[serde(rename = "幼儿园", alias = "kindergarten")]
    Kindergarten,
    #[serde(rename = "小学", alias = "primary")]
    Primary,
    #[serde(rename = "初中", alias = "junior")]
    Junior,
    #[serde(rename = "高中", alias = "senior")]
    Senior,
    /// 九年一贯制: grades 1–9.
    #[serde(rename = "九年一贯制", alias = "nine_year")]
    NineYear,
    /// 完全中学: grades 7–12.
    #[serde(rename = "完全中学", alias = "complete_secondary")]
    CompleteSecondary,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Kindergarten,
        Stage::Primary,
        Stage::Junior,
        Stage::Senior,
        Stage::NineYear,
        Stage::CompleteSecondary,
    ];

    /// The grades a school of this stage normally has. Grade 0 stands for kindergarten.
    pub fn default_grades(self) -> GradeRange {
        match self {
            Stage::Kindergarten => GradeRange::new(0, 0),
            Stage::Primary => GradeRange::new(1, 6),
            Stage::Junior => GradeRange::new(7, 9),
            Stage::Senior => GradeRange::new(10, 12),
            Stage::NineYear => GradeRange::new(1, 9),
            Stage::CompleteSecondary => GradeRange::new(7, 12),
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Stage::Kindergarten => "幼儿园",
            Stage::Primary => "小学",
            Stage::Junior => "初中",
            Stage::Senior => "高中",
            Stage::NineYear => "九年一贯制",
            Stage::CompleteSecondary => "完全中学",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Stage::Kindergarten => "Kindergarten",
            Stage::Primary => "Primary",
            Stage::Junior => "Junior high",
            Stage::Senior => "Senior high",
            Stage::NineYear => "9-year school",
            Stage::CompleteSecondary => "Secondary (7–12)",
        }
    }

    /// Parses the Chinese or English name as written in a template, a CSV or a condition.
    pub fn parse(s: &str) -> Option<Stage> {
        let s = s.trim();
        Stage::ALL.into_iter().find(|st| {
            // The serde name is the Chinese one, so zh() also covers what JSON and CSV carry.
            st.zh() == s || st.en().eq_ignore_ascii_case(s) || stage_alias(*st) == s
        })
    }
}

fn stage_alias(s: Stage) -> &'static str {
    match s {
        Stage::Kindergarten => "kindergarten",
        Stage::Primary => "primary",
        Stage::Junior => "junior",
        Stage::Senior => "senior",
        Stage::NineYear => "nine_year",
        Stage::CompleteSecondary => "complete_secondary",
    }
}

/// An inclusive range of grades; 0 = kindergarten, 1–6 小学, 7–9 初中, 10–12 高中.
/// Written `[from, to]` in templates and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "[u8; 2]", into = "[u8; 2]")]
pub struct GradeRange {
    pub from: u8,
    pub to: u8,
}

impl GradeRange {
    pub const fn new(from: u8, to: u8) -> Self {
        GradeRange { from, to }
    }

    /// Every grade, kindergarten to 高三.
    pub const fn all() -> Self {
        GradeRange { from: 0, to: 12 }
    }

    pub fn contains(self, grade: u8) -> bool {
        self.from <= grade && grade <= self.to
    }

    /// The grades both ranges share, if any.
    pub fn intersect(self, other: GradeRange) -> Option<GradeRange> {
        let from = self.from.max(other.from);
        let to = self.to.min(other.to);
        (from <= to).then_some(GradeRange { from, to })
    }

    pub fn covers(self, other: GradeRange) -> bool {
        self.from <= other.from && other.to <= self.to
    }
}

/// A school as the supervisor and the office know it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct School {
    pub id: String,
    /// 学校标识码 or the county's own code.
    pub code: String,
    pub name: String,
    /// 乡镇/街道 (or the 区县 where the county has no smaller division).
    pub district: String,
    /// 区县: the county whose 人民政府教育督导室 supervises the school and issues its documents.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub county: String,
    pub stage: Stage,
    pub grades: GradeRange,
    /// 在校生人数.
    pub enrolment: u32,
    /// 寄宿制.
    pub boarding: bool,
    #[serde(default)]
    pub address: String,
    /// 联系人及电话.
    #[serde(default)]
    pub contact: String,
    /// 责任督学: the supervisor named on the 挂牌督导 plaque at the school's gate, who visits it
    /// regularly. Empty when the office has not assigned one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub supervisor: String,
    /// What the office knows the school has or lacks (校车, 食堂 …). A facility not listed is
    /// unknown, and items about it still show: an item is only left out when the school is
    /// known to lack what it concerns.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facilities: BTreeMap<Facility, bool>,
}

impl School {
    /// The area whose 督导室 issues the school's documents: the county, or the district when
    /// the county is not recorded.
    pub fn issuing_area(&self) -> &str {
        match self.county.trim() {
            "" => self.district.trim(),
            c => c,
        }
    }

    /// `Some(true)` has it, `Some(false)` known to lack it, `None` unknown.
    pub fn has(&self, f: Facility) -> Option<bool> {
        self.facilities.get(&f).copied()
    }
}

/// Something a school may or may not have that decides whether whole groups of items apply.
/// Boarding (宿舍) is its own field on [`School`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Facility {
    /// 校车: the school runs or contracts school buses.
    #[serde(rename = "校车", alias = "school_bus")]
    SchoolBus,
    /// 食堂: the school runs a canteen (or a kitchen serving students).
    #[serde(rename = "食堂", alias = "canteen")]
    Canteen,
    /// 危化品: the school stores hazardous lab chemicals.
    #[serde(rename = "危化品", alias = "lab_chemicals")]
    LabChemicals,
    /// 周边水域: rivers, ponds or reservoirs near the school or on pupils' way to it.
    #[serde(rename = "周边水域", alias = "water_nearby")]
    WaterNearby,
}

impl Facility {
    pub const ALL: [Facility; 4] = [
        Facility::SchoolBus,
        Facility::Canteen,
        Facility::LabChemicals,
        Facility::WaterNearby,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Facility::SchoolBus => "校车",
            Facility::Canteen => "食堂",
            Facility::LabChemicals => "危化品",
            Facility::WaterNearby => "周边水域",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Facility::SchoolBus => "school bus",
            Facility::Canteen => "canteen",
            Facility::LabChemicals => "lab chemicals",
            Facility::WaterNearby => "water nearby",
        }
    }
}

impl From<[u8; 2]> for GradeRange {
    fn from([from, to]: [u8; 2]) -> Self {
        GradeRange { from, to }
    }
}

impl From<GradeRange> for [u8; 2] {
    fn from(g: GradeRange) -> Self {
        [g.from, g.to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(supervisor: &str) -> serde_json::Value {
        serde_json::json!({
            "id": "s1", "code": "QH0101", "name": "清河县实验小学", "district": "城关镇",
            "stage": "小学", "grades": [1, 6], "enrolment": 2136, "boarding": false,
            "supervisor": supervisor,
        })
    }

    #[test]
    fn the_responsible_supervisor_travels_with_the_school() {
        let s: School = serde_json::from_value(json("韩立新")).unwrap();
        assert_eq!(s.supervisor, "韩立新");
        assert_eq!(serde_json::to_value(&s).unwrap()["supervisor"], "韩立新");
    }

    #[test]
    fn a_school_stored_before_supervisors_were_assigned_still_reads() {
        let mut old = json("");
        old.as_object_mut().unwrap().remove("supervisor");
        let s: School = serde_json::from_value(old).unwrap();
        assert_eq!(s.supervisor, "");
        // And none is written back, so an old phone and a new one store the same record.
        assert!(serde_json::to_value(&s)
            .unwrap()
            .get("supervisor")
            .is_none());
    }
}
