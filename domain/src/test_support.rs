//! Fixtures the unit tests of several modules share: the built-in 五项管理 template and a
//! primary school of 清河县 it applies to.

use crate::{GradeRange, School, Stage, Template};

/// The built-in 五项管理 template.
pub fn wuxiang() -> Template {
    crate::builtin::templates()
        .expect("built-in templates validate")
        .into_iter()
        .find(|t| t.id == "wuxiang")
        .expect("五项管理 is built in")
}

/// 清河县实验小学: primary, grades 1–6, day school.
pub fn school() -> School {
    School {
        id: "s1".into(),
        code: "QH0101".into(),
        name: "清河县实验小学".into(),
        district: "城关镇".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 1800,
        boarding: false,
        address: String::new(),
        contact: "李校长 13800000000".into(),
        supervisor: "王建国".into(),
        county: "清河县".into(),
        facilities: Default::default(),
    }
}
