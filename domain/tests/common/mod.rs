//! Builders shared by the domain test files: schools, an answer environment, answers.
//! `template` holds what the tests of the built-in templates (`*_rules.rs`) share.
#![allow(dead_code)]

pub mod template;

use dudao_domain::condition::Env;
use dudao_domain::visit::Answer;
use dudao_domain::{AnswerValue, Compliance, GradeRange, School, Stage, TimeOfDay};
use std::collections::{BTreeMap, HashMap};

/// A school of the given stage with the stage's usual grades.
pub fn school(stage: Stage) -> School {
    School {
        id: format!("s-{}", stage.zh()),
        code: "3201150001".into(),
        name: format!("测试{}", stage.zh()),
        district: "江宁区".into(),
        stage,
        grades: stage.default_grades(),
        enrolment: 800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

pub fn school_with(stage: Stage, grades: [u8; 2], boarding: bool, enrolment: u32) -> School {
    School {
        grades: GradeRange::new(grades[0], grades[1]),
        boarding,
        enrolment,
        ..school(stage)
    }
}

/// A boarding school of the given stage with the stage's usual grades.
pub fn boarding(stage: Stage) -> School {
    School {
        boarding: true,
        ..school(stage)
    }
}

/// Every stage, as a day school and as a boarding school.
pub fn all_schools() -> Vec<School> {
    Stage::ALL
        .into_iter()
        .flat_map(|s| [school(s), boarding(s)])
        .collect()
}

/// Every stage but the kindergarten, day and boarding.
pub fn school_stages() -> Vec<School> {
    all_schools()
        .into_iter()
        .filter(|s| s.stage != Stage::Kindergarten)
        .collect()
}

/// Answers keyed by item code, as a condition sees them.
#[derive(Debug, Clone)]
pub struct Facts {
    pub answers: HashMap<String, AnswerValue>,
    pub school: School,
}

impl Facts {
    pub fn new(school: School) -> Self {
        Facts {
            answers: HashMap::new(),
            school,
        }
    }

    pub fn with(mut self, code: &str, v: AnswerValue) -> Self {
        self.answers.insert(code.into(), v);
        self
    }
}

impl Env for Facts {
    fn answer(&self, item: &str) -> Option<&AnswerValue> {
        self.answers.get(item)
    }
    fn school(&self) -> &School {
        &self.school
    }
}

/// An answer holding just a value.
pub fn answer(v: AnswerValue) -> Answer {
    Answer {
        value: Some(v),
        ..Answer::default()
    }
}

/// Builds a checklist answer map from (code, value) pairs.
pub fn answers(pairs: &[(&str, AnswerValue)]) -> BTreeMap<String, Answer> {
    pairs
        .iter()
        .map(|(c, v)| (c.to_string(), answer(v.clone())))
        .collect()
}

pub fn time(h: u8, m: u8) -> AnswerValue {
    AnswerValue::Time(TimeOfDay::new(h, m).unwrap())
}

pub fn num(n: f64) -> AnswerValue {
    AnswerValue::Number(n)
}

pub fn count(n: u32) -> AnswerValue {
    AnswerValue::Count(n)
}

pub fn yes() -> AnswerValue {
    AnswerValue::YesNo(true)
}

pub fn no() -> AnswerValue {
    AnswerValue::YesNo(false)
}

pub fn comp(c: Compliance) -> AnswerValue {
    AnswerValue::Compliance(c)
}

pub fn chosen(codes: &[&str]) -> AnswerValue {
    AnswerValue::Choice(codes.iter().map(|c| (*c).to_owned()).collect())
}

/// A small template touching every visibility rule and answer kind, for checklist and visit
/// tests. Section order: JC (basics), ZS (boarding only), XD (by stage and size).
pub const CHECKLIST_TOML: &str = r#"
id = "cl-test"
version = 3
kind = "挂牌督导"
title = { zh = "月度挂牌督导", en = "Monthly visit" }

[[rules]]
id = "homework"
measure = { zh = "书面作业平均完成时间" }
basis = [{ document = "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见", year = 2021, article = "第五条" }]
bands = [
  { grades = [3, 6], label = { zh = "三至六年级", en = "Grades 3–6" }, max = 60 },
  { grades = [7, 9], label = { zh = "初中", en = "Junior high" }, max = 90 },
]

[[rules]]
id = "bedtime"
measure = { zh = "就寝时间" }
basis = [{ document = "关于进一步加强中小学生睡眠管理工作的通知", number = "教基厅函〔2021〕11号", year = 2021 }]
bands = [
  { grades = [1, 6], label = { zh = "小学", en = "Primary" }, not_after = "21:20" },
  { grades = [7, 9], label = { zh = "初中", en = "Junior high" }, not_after = "22:00" },
]

[[sections]]
code = "JC"
title = { zh = "基础管理", en = "Basics" }

[[sections.items]]
code = "JC-01"
prompt = { zh = "手机管理制度健全", en = "Phone rules in place" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "compliance" }
required = true
evidence = "photo_when_noncompliant"
severity = "重大"

[[sections.items]]
code = "JC-02"
prompt = { zh = "设有校内公共电话", en = "Public phone on campus" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "yes_no", compliant = "yes" }
required = true

[[sections.items]]
code = "JC-03"
prompt = { zh = "未设公共电话的原因", en = "Why there is no public phone" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "text" }
required = true
show_if = "JC-02 = 否"

[[sections.items]]
code = "JC-04"
prompt = { zh = "三至六年级书面作业平均完成时间", en = "Grades 3–6 written homework time" }
basis = [{ document = "作业管理通知", year = 2021 }]
answer = { kind = "number", unit = { zh = "分钟", en = "min" }, min = 0, max = 600 }
required = true
grades = [3, 6]
rule = "homework"
evidence = "photo_when_noncompliant"

[[sections.items]]
code = "JC-05"
prompt = { zh = "学生联系家长渠道畅通", en = "Pupils can reach parents" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "compliance" }
show_if = "JC-02 = 否"

[[sections]]
code = "ZS"
title = { zh = "住宿管理", en = "Boarding" }

[[sections.items]]
code = "ZS-01"
prompt = { zh = "学生就寝时间", en = "Bedtime" }
basis = [{ document = "关于进一步加强中小学生睡眠管理工作的通知", year = 2021 }]
answer = { kind = "time" }
boarding = true
rule = "bedtime"

[[sections]]
code = "XD"
title = { zh = "分学段", en = "By stage" }

[[sections.items]]
code = "XD-01"
prompt = { zh = "初中晚自习时长", en = "Junior evening study" }
basis = [{ document = "作业管理通知", year = 2021 }]
answer = { kind = "number", unit = { zh = "小时", en = "h" }, min = 0, max = 1000 }
stages = ["初中", "九年一贯制"]

[[sections.items]]
code = "XD-02"
prompt = { zh = "走读生离校安排", en = "Day pupils leaving" }
basis = [{ document = "中小学校责任督学挂牌督导办法", year = 2013 }]
answer = { kind = "compliance" }
boarding = false

[[sections.items]]
code = "XD-03"
prompt = { zh = "手机保管方式", en = "How phones are kept" }
basis = [{ document = "教育部办公厅关于加强中小学生手机管理工作的通知", year = 2021 }]
answer = { kind = "choice", multiple = true, options = [
  { code = "box", label = { zh = "统一保管", en = "Kept centrally" } },
  { code = "class", label = { zh = "班级保管", en = "Kept by class" } },
  { code = "pocket", label = { zh = "学生自带", en = "Pupils keep them" }, noncompliant = true },
] }

[[sections.items]]
code = "XD-04"
prompt = { zh = "大校额学校保安人数", en = "Guards at large schools" }
basis = [{ document = "中小学幼儿园安全防范工作规范（试行）", year = 2015 }]
answer = { kind = "count", unit = { zh = "人", en = "guards" }, min = 0, max = 1000 }
show_if = "stage = 小学 and enrolment >= 1000"

[[sections.items]]
code = "XD-05"
prompt = { zh = "校门口现场照片", en = "Photo of the gate" }
basis = [{ document = "中小学校责任督学挂牌督导办法", year = 2013 }]
answer = { kind = "text" }
evidence = "photo_always"
"#;

pub fn checklist_template() -> dudao_domain::Template {
    dudao_domain::Template::from_toml(CHECKLIST_TOML).unwrap_or_else(|e| panic!("{e}"))
}
