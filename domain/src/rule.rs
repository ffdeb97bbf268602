//! The rule engine: thresholds stored as data, keyed by grade band, turning an answer into a
//! verdict with its policy basis.
//!
//! A rule has bands (e.g. 一二年级 / 三至六年级 / 初中). An item is evaluated for the grades the
//! school actually has within the item's scope; the answer must satisfy every band those grades
//! touch, so a mixed school is held to the strictest band it falls under.

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

/// One threshold for one grade band. Limits are inclusive: `max = 60` means ≤ 60.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub grades: GradeRange,
    /// How a supervisor names the band: 三至六年级, 小学, 初中.
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<TimeOfDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<TimeOfDay>,
}

impl Band {
    pub fn has_number_limit(&self) -> bool {
        self.max.is_some() || self.min.is_some()
    }

    pub fn has_time_limit(&self) -> bool {
        self.not_before.is_some() || self.not_after.is_some()
    }

    /// Whether the value meets this band. `None` when the value is of a kind the band cannot
    /// judge (a time against a minutes limit).
    fn accepts(&self, value: &AnswerValue) -> Option<bool> {
        match value {
            AnswerValue::Number(_) | AnswerValue::Count(_) if self.has_number_limit() => {
                let n = match value {
                    AnswerValue::Number(n) => *n,
                    AnswerValue::Count(c) => *c as f64,
                    _ => unreachable!(),
                };
                Some(self.max.is_none_or(|m| n <= m) && self.min.is_none_or(|m| n >= m))
            }
            AnswerValue::Time(t) if self.has_time_limit() => Some(
                self.not_before.is_none_or(|b| *t >= b) && self.not_after.is_none_or(|a| *t <= a),
            ),
            _ => None,
        }
    }

    /// The requirement as written beside the field: "三至六年级 ≤ 60 分钟", "小学 不早于 08:20".
    pub fn requirement(&self, unit: Option<&Text>) -> Text {
        let u_zh = unit.map(|u| format!(" {}", u.zh)).unwrap_or_default();
        let u_en = unit
            .map(|u| format!(" {}", u.get(true)))
            .unwrap_or_default();
        let mut zh = Vec::new();
        let mut en = Vec::new();
        match (self.min, self.max) {
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
        Text::new(
            format!("{} {}", self.label.zh, zh.join("，")),
            format!("{} {}", self.label.get(true), en.join(", ")),
        )
    }
}

impl Rule {
    /// The bands that concern these grades.
    pub fn bands_for(&self, grades: GradeRange) -> impl Iterator<Item = &Band> {
        self.bands
            .iter()
            .filter(move |b| b.grades.intersect(grades).is_some())
    }

    /// Judges a value for the given grades. `None` when no band covers them or the value is
    /// of a kind this rule cannot judge.
    pub fn evaluate(
        &self,
        value: &AnswerValue,
        grades: GradeRange,
        unit: Option<&Text>,
    ) -> Option<Verdict> {
        let mut judged = Vec::new();
        for band in self.bands_for(grades) {
            judged.push((band, band.accepts(value)?));
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
            requirement: join_requirements(shown.into_iter(), unit),
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
    /// The verdict for an item's answer at a school, or `None` when the answer is informational
    /// (a text, a number without a rule) or the item's rule has no band for this school.
    pub fn for_item(
        template: &Template,
        item: &Item,
        value: &AnswerValue,
        school: &School,
    ) -> Option<Verdict> {
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
            (AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time, _) => {
                let rule = template.rule(item.rule.as_deref()?)?;
                let mut v = rule.evaluate(value, item.grades_at(school)?, item.answer.unit())?;
                if v.basis.is_empty() {
                    v.basis = item.basis.clone();
                }
                Some(v)
            }
            _ => None,
        }
    }
}

impl Rule {
    /// The requirement for these grades as shown beside the field before anything is entered.
    pub fn requirement_for(&self, grades: GradeRange, unit: Option<&Text>) -> Option<Text> {
        join_requirements(self.bands_for(grades), unit)
    }
}

/// The requirements of several bands as one line: "小学 ≤ 60 分钟；初中 ≤ 90 分钟".
fn join_requirements<'a>(
    bands: impl Iterator<Item = &'a Band>,
    unit: Option<&Text>,
) -> Option<Text> {
    let reqs: Vec<Text> = bands.map(|b| b.requirement(unit)).collect();
    let join = |en: bool, sep: &str| {
        reqs.iter()
            .map(|t| if en { t.en.as_str() } else { t.zh.as_str() })
            .collect::<Vec<_>>()
            .join(sep)
    };
    (!reqs.is_empty()).then(|| Text::new(join(false, "；"), join(true, "; ")))
}
