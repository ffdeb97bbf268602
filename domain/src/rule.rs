//! The rule engine: thresholds stored as data, keyed by grade band, turning an answer into a
//! verdict with its policy basis.
//!
//! A rule has bands (e.g. 一二年级 / 三至六年级 / 初中). An item is evaluated for the grades the
//! school actually has within the item's scope; the answer must satisfy every band those grades
//! touch, so a mixed school is held to the strictest band it falls under. A band may also be
//! limited to an enrolment range and raise its minimum with enrolment (guards per pupils).

use crate::answer::{format_number, AnswerValue, Compliance, TimeOfDay};
use crate::basis::Basis;
use crate::school::{GradeRange, School};
use crate::template::{AnswerKind, Item, Template, YesNoCompliant};
use crate::text::Text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// What is measured, e.g. 书面作业平均完成时间.
    pub measure: Text,
    pub basis: Vec<Basis>,
    pub bands: Vec<Band>,
}

/// One threshold for one grade band (and, for staffing rules, one enrolment range).
/// Limits are inclusive: `max = 60` means ≤ 60.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Left out: every grade, 0–12.
    #[serde(default = "GradeRange::all")]
    pub grades: GradeRange,
    /// The band only applies to schools with this many pupils (专职保安 by 在校生人数).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<EnrolmentRange>,
    /// How a supervisor names the band: 三至六年级, 小学, 初中, 在校生1000人以上.
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Raises `min` with the school's enrolment: "每增加500名学生增配1名".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<TimeOfDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<TimeOfDay>,
}

/// An inclusive range of enrolment (在校生人数); an open end is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<u32>,
}

impl EnrolmentRange {
    pub fn contains(self, n: u32) -> bool {
        self.from.is_none_or(|f| n >= f) && self.to.is_none_or(|t| n <= t)
    }

    pub fn overlaps(self, other: EnrolmentRange) -> bool {
        let lo = self.from.unwrap_or(0).max(other.from.unwrap_or(0));
        let hi = self
            .to
            .unwrap_or(u32::MAX)
            .min(other.to.unwrap_or(u32::MAX));
        lo <= hi
    }
}

/// `min` grows by `add` for every `per` pupils, or part of `per`, above `over`:
/// over = 1000, per = 500, add = 1 gives 1001–1500 → +1, 1501–2000 → +2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub over: u32,
    pub per: u32,
    #[serde(default = "one")]
    pub add: f64,
}

fn one() -> f64 {
    1.0
}

impl Step {
    /// How much the minimum rises for a school of `enrolment` pupils.
    pub fn extra(self, enrolment: u32) -> f64 {
        if enrolment <= self.over || self.per == 0 {
            return 0.0;
        }
        f64::from((enrolment - self.over).div_ceil(self.per)) * self.add
    }
}

impl Band {
    pub fn has_number_limit(&self) -> bool {
        self.max.is_some() || self.min.is_some()
    }

    pub fn has_time_limit(&self) -> bool {
        self.not_before.is_some() || self.not_after.is_some()
    }

    /// Whether the band concerns a school of these grades and this enrolment.
    pub fn concerns(&self, grades: GradeRange, enrolment: u32) -> bool {
        self.grades.intersect(grades).is_some()
            && self.enrolment.is_none_or(|e| e.contains(enrolment))
    }

    /// The minimum for a school of `enrolment` pupils, after the band's step.
    pub fn min_at(&self, enrolment: u32) -> Option<f64> {
        self.min
            .map(|m| m + self.step.map_or(0.0, |s| s.extra(enrolment)))
    }

    /// Whether the value meets this band. `None` when the value is of a kind the band cannot
    /// judge (a time against a minutes limit).
    fn accepts(&self, value: &AnswerValue, enrolment: u32) -> Option<bool> {
        match value {
            AnswerValue::Number(_) | AnswerValue::Count(_) if self.has_number_limit() => {
                let n = match value {
                    AnswerValue::Number(n) => *n,
                    AnswerValue::Count(c) => *c as f64,
                    _ => unreachable!(),
                };
                let min = self.min_at(enrolment);
                // A NaN value or limit compares false either way: say 不符合, never 符合.
                Some(n.is_finite() && self.max.is_none_or(|m| n <= m) && min.is_none_or(|m| n >= m))
            }
            // Compared on the school-day clock: 00:30 is later than 23:00 (see TimeOfDay).
            AnswerValue::Time(t) if self.has_time_limit() => Some(
                self.not_before.is_none_or(|b| *t >= b) && self.not_after.is_none_or(|a| *t <= a),
            ),
            _ => None,
        }
    }

    /// The requirement as written beside the field: "三至六年级 ≤ 60 分钟", "小学 不早于 08:20",
    /// "在校生1000人以上 ≥ 5 人（每超出500人增加1人，本校2136人）".
    pub fn requirement(&self, unit: Option<&Text>, enrolment: u32) -> Text {
        let u_zh = unit.map(|u| format!(" {}", u.zh)).unwrap_or_default();
        let u_en = unit
            .map(|u| format!(" {}", u.get(true)))
            .unwrap_or_default();
        let mut zh = Vec::new();
        let mut en = Vec::new();
        match (self.min_at(enrolment), self.max) {
            (_, Some(0.0)) => {
                zh.push(format!("应为 0{u_zh}"));
                en.push(format!("must be 0{u_en}"));
            }
            (Some(min), Some(max)) => {
                zh.push(format!(
                    "{}–{}{u_zh}",
                    format_number(min),
                    format_number(max)
                ));
                en.push(format!(
                    "{}–{}{u_en}",
                    format_number(min),
                    format_number(max)
                ));
            }
            (None, Some(max)) => {
                zh.push(format!("≤ {}{u_zh}", format_number(max)));
                en.push(format!("≤ {}{u_en}", format_number(max)));
            }
            (Some(min), None) => {
                zh.push(format!("≥ {}{u_zh}", format_number(min)));
                en.push(format!("≥ {}{u_en}", format_number(min)));
            }
            (None, None) => {}
        }
        if let Some(t) = self.not_before {
            zh.push(format!("不早于 {t}"));
            en.push(format!("not before {t}"));
        }
        if let Some(t) = self.not_after {
            zh.push(format!("不晚于 {t}"));
            en.push(format!("not after {t}"));
        }
        let mut zh = format!("{} {}", self.label.zh, zh.join("，"));
        let mut en = format!("{} {}", self.label.get(true), en.join(", "));
        if let Some(step) = self.step {
            let add = format_number(step.add);
            zh.push_str(&format!(
                "（超出{}人后每{}人增加{add}{}，本校{enrolment}人）",
                step.over,
                step.per,
                unit.map(|u| u.zh.as_str()).unwrap_or("")
            ));
            en.push_str(&format!(
                " (+{add} per {} pupils above {}; this school has {enrolment})",
                step.per, step.over
            ));
        }
        Text::new(zh, en)
    }
}

impl Rule {
    /// The bands that concern a school of these grades and this enrolment.
    pub fn bands_for(&self, grades: GradeRange, enrolment: u32) -> impl Iterator<Item = &Band> {
        self.bands
            .iter()
            .filter(move |b| b.concerns(grades, enrolment))
    }

    /// Judges a value for the given grades and enrolment. `None` when no band covers them or
    /// the value is of a kind this rule cannot judge.
    pub fn evaluate(
        &self,
        value: &AnswerValue,
        grades: GradeRange,
        enrolment: u32,
        unit: Option<&Text>,
    ) -> Option<Verdict> {
        let mut judged = Vec::new();
        for band in self.bands_for(grades, enrolment) {
            judged.push((band, band.accepts(value, enrolment)?));
        }
        if judged.is_empty() {
            return None;
        }
        let failed: Vec<&Band> = judged
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(b, _)| *b)
            .collect();
        let shown: Vec<&Band> = if failed.is_empty() {
            judged.iter().map(|(b, _)| *b).collect()
        } else {
            failed.clone()
        };
        Some(Verdict {
            outcome: if failed.is_empty() {
                Outcome::Compliant
            } else {
                Outcome::NonCompliant
            },
            requirement: join_requirements(shown.into_iter(), unit, enrolment),
            basis: self.basis.clone(),
            rule_id: Some(self.id.clone()),
        })
    }
}

/// What an answer means against the item's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Compliant,
    Partial,
    NonCompliant,
    NotApplicable,
}

impl Outcome {
    pub fn zh(self) -> &'static str {
        Compliance::from(self).zh()
    }
    pub fn en(self) -> &'static str {
        Compliance::from(self).en()
    }
}

impl From<Outcome> for Compliance {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Compliant => Compliance::Compliant,
            Outcome::Partial => Compliance::Partial,
            Outcome::NonCompliant => Compliance::NonCompliant,
            Outcome::NotApplicable => Compliance::NotApplicable,
        }
    }
}

impl From<Compliance> for Outcome {
    fn from(c: Compliance) -> Self {
        match c {
            Compliance::Compliant => Outcome::Compliant,
            Compliance::Partial => Outcome::Partial,
            Compliance::NonCompliant => Outcome::NonCompliant,
            Compliance::NotApplicable => Outcome::NotApplicable,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The requirement the answer was judged against, as shown to the supervisor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Text>,
    pub basis: Vec<Basis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

impl Verdict {
    /// Whether the requirement judged against is only a 参考标准: every basis it rests on is
    /// unconfirmed (⚠️). Such a verdict is shown and printed as against a reference, never as
    /// a national requirement.
    pub fn is_reference(&self) -> bool {
        crate::basis::only_unconfirmed(&self.basis)
    }

    /// The verdict for an item's answer at a school, or `None` when the answer is informational
    /// (a text, a number without a rule), the item's rule has no band for this school, or the
    /// value is not one the item takes (数值超出范围: a typing error is never judged, whichever
    /// way it came in).
    pub fn for_item(
        template: &Template,
        item: &Item,
        value: &AnswerValue,
        school: &School,
    ) -> Option<Verdict> {
        item.answer.check(value).ok()?;
        let plain = |outcome| Verdict {
            outcome,
            requirement: None,
            basis: item.basis.clone(),
            rule_id: None,
        };
        match (&item.answer, value) {
            (AnswerKind::Compliance, AnswerValue::Compliance(c)) => Some(plain((*c).into())),
            (
                AnswerKind::YesNo {
                    compliant: Some(want),
                },
                AnswerValue::YesNo(b),
            ) => {
                let ok = *b == (*want == YesNoCompliant::Yes);
                Some(plain(if ok {
                    Outcome::Compliant
                } else {
                    Outcome::NonCompliant
                }))
            }
            (AnswerKind::Choice { options, .. }, AnswerValue::Choice(chosen))
                if options.iter().any(|o| o.noncompliant) =>
            {
                let bad = chosen
                    .iter()
                    .any(|c| options.iter().any(|o| &o.code == c && o.noncompliant));
                Some(plain(if bad {
                    Outcome::NonCompliant
                } else {
                    Outcome::Compliant
                }))
            }
            (AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. }, _) => {
                let rule = template.rule(item.rule.as_deref()?)?;
                let mut v = rule.evaluate(
                    value,
                    item.grades_at(school)?,
                    school.enrolment,
                    item.answer.unit(),
                )?;
                v.basis = item.judged_basis(template).to_vec();
                Some(v)
            }
            _ => None,
        }
    }
}

impl Rule {
    /// The requirement at a school as shown beside the field before anything is entered.
    pub fn requirement_for(
        &self,
        grades: GradeRange,
        enrolment: u32,
        unit: Option<&Text>,
    ) -> Option<Text> {
        join_requirements(self.bands_for(grades, enrolment), unit, enrolment)
    }
}

/// The requirements of several bands as one line: "小学 ≤ 60 分钟；初中 ≤ 90 分钟".
fn join_requirements<'a>(
    bands: impl Iterator<Item = &'a Band>,
    unit: Option<&Text>,
    enrolment: u32,
) -> Option<Text> {
    let reqs: Vec<Text> = bands.map(|b| b.requirement(unit, enrolment)).collect();
    let join = |en: bool, sep: &str| {
        reqs.iter()
            .map(|t| if en { t.en.as_str() } else { t.zh.as_str() })
            .collect::<Vec<_>>()
            .join(sep)
    };
    (!reqs.is_empty()).then(|| Text::new(join(false, "；"), join(true, "; ")))
}
