//! Checklist templates: sections of items, each with its answer kind, basis and rules.
//!
//! Templates are data (TOML files in `templates/`, later also published by the office).
//! A template is identified by `id` + `version`; a visit pins the version it started with.

use crate::basis::Basis;
use crate::local::LocalEdition;
use crate::rule::Rule;
use crate::school::{Facility, GradeRange, School, Stage};
use crate::text::Text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub version: u32,
    /// What kind of inspection this is (五项管理, 校园安全, 挂牌督导 …).
    pub kind: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    pub sections: Vec<Section>,
    /// Thresholds the items refer to by id. Kept apart from items so an office can override
    /// one number without touching the item text (DOMAIN.md §8.1).
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Set on an edition with a district's own thresholds (see [`crate::local`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<LocalEdition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub code: String,
    pub title: Text,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable code, unique across the library (e.g. `WX-ZY-02`). Answers are keyed by it.
    pub code: String,
    pub prompt: Text,
    /// What to look at and how, for a supervisor new to the item.
    #[serde(default)]
    pub help: Text,
    #[serde(default)]
    pub basis: Vec<Basis>,
    pub answer: AnswerKind,
    #[serde(default)]
    pub required: bool,
    /// A condition in the small language of [`crate::condition`], e.g. `WX-SJ-01 = 否`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<String>,
    #[serde(default)]
    pub evidence: EvidenceRule,
    #[serde(default)]
    pub severity: Severity,
    /// Id of a rule in the template's `rules` that computes the verdict from the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The item only concerns these grades (e.g. 三至六年级); hidden where a school has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<GradeRange>,
    /// The item only concerns schools of these stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<Stage>>,
    /// Some(true): boarding schools only (宿舍, 晚自习); Some(false): day schools only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boarding: Option<bool>,
    /// The item concerns these facilities (校车, 食堂 …); it is left out where the school is
    /// known to lack one of them, and shown where that is unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facilities: Vec<Facility>,
}

/// Why an item does not apply to a school, as the supervisor is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotApplicable {
    /// The school's stage is not among the item's stages.
    Stage,
    /// The school has none of the item's grades.
    Grades,
    /// A boarding item at a day school, or the other way round.
    Boarding,
    /// The school is known to have no such facility.
    Facility(Facility),
}

impl NotApplicable {
    pub fn describe(self, en: bool) -> String {
        match (self, en) {
            (NotApplicable::Stage, false) => "本校学段不涉及".into(),
            (NotApplicable::Stage, true) => "not for this school's stage".into(),
            (NotApplicable::Grades, false) => "本校无相应年级".into(),
            (NotApplicable::Grades, true) => "the school has none of these grades".into(),
            (NotApplicable::Boarding, false) => "仅涉及寄宿制学校".into(),
            (NotApplicable::Boarding, true) => "boarding schools only".into(),
            (NotApplicable::Facility(f), false) => format!("本校无{}", f.zh()),
            (NotApplicable::Facility(f), true) => format!("the school has no {}", f.en()),
        }
    }
}

impl Item {
    /// What a verdict on the item rests on: its rule's basis, or the item's own when the rule
    /// cites none (or it has no rule). The one statement of it: [`crate::Verdict::for_item`]
    /// cites it, and the item card marks the requirement a 参考标准 by it.
    pub fn judged_basis<'a>(&'a self, template: &'a Template) -> &'a [Basis] {
        match self.rule.as_deref().and_then(|r| template.rule(r)) {
            Some(rule) if !rule.basis.is_empty() => &rule.basis,
            _ => &self.basis,
        }
    }

    /// Every basis the item card cites, once each: the rule's first (a district's local
    /// document leads), then the item's own.
    pub fn cited_bases(&self, template: &Template) -> Vec<Basis> {
        let rule = self.rule.as_deref().and_then(|r| template.rule(r));
        let mut out: Vec<Basis> = Vec::new();
        for b in rule
            .map(|r| r.basis.iter())
            .into_iter()
            .flatten()
            .chain(self.basis.iter())
        {
            if !out
                .iter()
                .any(|x| x.document == b.document && x.number == b.number)
            {
                out.push(b.clone());
            }
        }
        out
    }

    /// Whether the item concerns this school at all (stage, grades, boarding, facilities).
    pub fn applies_to(&self, school: &School) -> bool {
        self.not_applicable(school).is_none()
    }

    /// Why the item does not concern this school, or `None` when it does.
    pub fn not_applicable(&self, school: &School) -> Option<NotApplicable> {
        if self
            .stages
            .as_ref()
            .is_some_and(|s| !s.contains(&school.stage))
        {
            return Some(NotApplicable::Stage);
        }
        if self
            .grades
            .is_some_and(|g| g.intersect(school.grades).is_none())
        {
            return Some(NotApplicable::Grades);
        }
        if self.boarding.is_some_and(|b| b != school.boarding) {
            return Some(NotApplicable::Boarding);
        }
        self.facilities
            .iter()
            .find(|f| school.has(**f) == Some(false))
            .map(|f| NotApplicable::Facility(*f))
    }

    /// The grades of this school the item is evaluated for.
    pub fn grades_at(&self, school: &School) -> Option<GradeRange> {
        match self.grades {
            Some(g) => g.intersect(school.grades),
            None => Some(school.grades),
        }
    }
}

/// How an item is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerKind {
    /// 符合 / 基本符合 / 不符合 / 不适用.
    Compliance,
    /// 是 / 否; `compliant` says which answer is the compliant one, if either.
    YesNo {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compliant: Option<YesNoCompliant>,
    },
    /// A measured number with its unit (分钟, 克, 小时 …), optionally bounded for input.
    Number {
        unit: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A whole count (人, 次, 个), within a plausible range (0–7 days a week, 0–200 guards):
    /// what lies outside it is a typing error, refused at entry and never judged.
    Count {
        unit: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    /// A time of day, 24-hour, optionally within a plausible range on the school-day clock
    /// (see [`crate::answer::TimeOfDay`]): a first lesson between 05:00 and 12:00, a
    /// lights-out between 18:00 and 04:59 the next morning.
    Time {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        earliest: Option<crate::answer::TimeOfDay>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latest: Option<crate::answer::TimeOfDay>,
    },
    Choice {
        options: Vec<ChoiceOption>,
        #[serde(default)]
        multiple: bool,
    },
    Text,
    Photo,
}

impl AnswerKind {
    pub fn name(&self) -> &'static str {
        match self {
            AnswerKind::Compliance => "compliance",
            AnswerKind::YesNo { .. } => "yes_no",
            AnswerKind::Number { .. } => "number",
            AnswerKind::Count { .. } => "count",
            AnswerKind::Time { .. } => "time",
            AnswerKind::Choice { .. } => "choice",
            AnswerKind::Text => "text",
            AnswerKind::Photo => "photo",
        }
    }

    pub fn unit(&self) -> Option<&Text> {
        match self {
            AnswerKind::Number { unit, .. } | AnswerKind::Count { unit, .. } => Some(unit),
            _ => None,
        }
    }

    /// Whether an answer of this kind can be judged 不符合 (so a photo can be required then).
    pub fn can_fail(&self, has_rule: bool) -> bool {
        match self {
            AnswerKind::Compliance => true,
            AnswerKind::YesNo { compliant } => compliant.is_some(),
            AnswerKind::Number { .. } | AnswerKind::Count { .. } | AnswerKind::Time { .. } => {
                has_rule
            }
            AnswerKind::Choice { options, .. } => options.iter().any(|o| o.noncompliant),
            AnswerKind::Text | AnswerKind::Photo => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNoCompliant {
    Yes,
    No,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub code: String,
    pub label: Text,
    /// Choosing this option means the item is not met.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub noncompliant: bool,
}

/// When photo evidence is required for an item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRule {
    #[default]
    None,
    /// A photo is required when the item is judged 不符合.
    PhotoWhenNoncompliant,
    /// A photo is always required.
    PhotoAlways,
}

impl EvidenceRule {
    /// Whether the rule asks for a photo, given the outcome of the item's verdict (`None`:
    /// unanswered or not judged). The one statement of the rule: the item card's 需拍照 and
    /// [`crate::checklist::Checklist::missing`] both ask it.
    pub fn needs_photo(self, outcome: Option<crate::rule::Outcome>) -> bool {
        match self {
            EvidenceRule::None => false,
            EvidenceRule::PhotoAlways => true,
            EvidenceRule::PhotoWhenNoncompliant => {
                outcome == Some(crate::rule::Outcome::NonCompliant)
            }
        }
    }
}

/// Default severity of a finding raised from the item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    #[default]
    #[serde(rename = "一般", alias = "general")]
    General,
    #[serde(rename = "重大", alias = "major")]
    Major,
}

impl Severity {
    pub fn zh(self) -> &'static str {
        match self {
            Severity::General => "一般",
            Severity::Major => "重大",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Severity::General => "General",
            Severity::Major => "Major",
        }
    }
}

impl Template {
    /// Parses a template from TOML, then validates it. Errors name the item and field at fault.
    #[cfg(feature = "toml")]
    pub fn from_toml(src: &str) -> Result<Template, crate::validate::TemplateErrors> {
        let t: Template =
            toml::from_str(src).map_err(|e| crate::validate::TemplateErrors::from_toml(src, e))?;
        crate::validate::validate(&t)?;
        Ok(t)
    }

    /// The key a visit pins: `wuxiang@1`, or `wuxiang@1+清河县.2` for a local edition.
    pub fn key(&self) -> String {
        crate::visit::TemplateRef::of(self).key()
    }

    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.code == code)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}
