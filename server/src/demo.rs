//! The demo county, so that `dudao-server` with no configuration has schools to visit.
//!
//! 清河县 here is fictional: its towns, schools, people and telephone numbers are made up for
//! demonstration and testing. Ids and codes are fixed so that tests, e2e specs and a phone that
//! synced once keep pointing at the same schools after a restart.

use dudao_domain::{GradeRange, School, Stage};

use crate::db::{Store, StoreError};

pub const COUNTY: &str = "清河县";

struct Demo {
    n: u8,
    code: &'static str,
    name: &'static str,
    district: &'static str,
    stage: Stage,
    grades: Option<GradeRange>,
    enrolment: u32,
    boarding: bool,
    address: &'static str,
    contact: &'static str,
}

const SCHOOLS: [Demo; 10] = [
    Demo {
        n: 1,
        code: "QH0101",
        name: "清河县实验小学",
        district: "城关镇",
        stage: Stage::Primary,
        grades: None,
        enrolment: 2136,
        boarding: false,
        address: "清河县城关镇解放路18号",
        contact: "王建国 副校长 0311-85210318",
    },
    Demo {
        n: 2,
        code: "QH0102",
        name: "清河县城关第二小学",
        district: "城关镇",
        stage: Stage::Primary,
        grades: None,
        enrolment: 1284,
        boarding: false,
        address: "清河县城关镇育才街6号",
        contact: "李秀兰 教导主任 0311-85213062",
    },
    Demo {
        n: 3,
        code: "QH0103",
        name: "清河县第二中学",
        district: "城关镇",
        stage: Stage::Junior,
        grades: None,
        enrolment: 1562,
        boarding: false,
        address: "清河县城关镇文昌路101号",
        contact: "张伟 德育主任 0311-85216101",
    },
    Demo {
        n: 4,
        code: "QH0104",
        name: "清河县第一中学",
        district: "城关镇",
        stage: Stage::Senior,
        grades: None,
        enrolment: 2518,
        boarding: true,
        address: "清河县城关镇建设北路88号",
        contact: "刘志强 副校长 0311-85218808",
    },
    Demo {
        n: 5,
        code: "QH0105",
        name: "清河县城关镇中心幼儿园",
        district: "城关镇",
        stage: Stage::Kindergarten,
        grades: None,
        enrolment: 356,
        boarding: false,
        address: "清河县城关镇幸福里3号",
        contact: "陈静 园长 0311-85212203",
    },
    Demo {
        n: 6,
        code: "QH0201",
        name: "清河县桃园镇中心小学",
        district: "桃园镇",
        stage: Stage::Primary,
        grades: None,
        enrolment: 642,
        boarding: false,
        address: "清河县桃园镇桃园大街27号",
        contact: "赵国栋 校长 0311-85330127",
    },
    Demo {
        // A 村小: only grades 1–4; pupils move to the town's central school for grades 5–6.
        n: 7,
        code: "QH0202",
        name: "清河县桃园镇后营村小学",
        district: "桃园镇",
        stage: Stage::Primary,
        grades: Some(GradeRange::new(1, 4)),
        enrolment: 78,
        boarding: false,
        address: "清河县桃园镇后营村村委会东50米",
        contact: "孙玉梅 负责人 0311-85336702",
    },
    Demo {
        n: 8,
        code: "QH0301",
        name: "清河县柳林乡九年一贯制学校",
        district: "柳林乡",
        stage: Stage::NineYear,
        grades: None,
        enrolment: 968,
        boarding: true,
        address: "清河县柳林乡柳林街56号",
        contact: "周明 副校长 0311-85450256",
    },
    Demo {
        n: 9,
        code: "QH0401",
        name: "清河县石桥中学",
        district: "石桥镇",
        stage: Stage::CompleteSecondary,
        grades: None,
        enrolment: 1436,
        boarding: true,
        address: "清河县石桥镇中心路1号",
        contact: "吴海涛 办公室主任 0311-85560011",
    },
    Demo {
        n: 10,
        code: "QH0402",
        name: "清河县石桥镇中心小学",
        district: "石桥镇",
        stage: Stage::Primary,
        grades: None,
        enrolment: 817,
        boarding: false,
        address: "清河县石桥镇南街12号",
        contact: "郑丽华 副校长 0311-85561212",
    },
];

/// The demo county's schools.
pub fn schools() -> Vec<School> {
    SCHOOLS
        .iter()
        .map(|d| School {
            id: demo_id(d.n),
            code: d.code.to_owned(),
            name: d.name.to_owned(),
            district: d.district.to_owned(),
            stage: d.stage,
            grades: d.grades.unwrap_or_else(|| d.stage.default_grades()),
            enrolment: d.enrolment,
            boarding: d.boarding,
            address: d.address.to_owned(),
            contact: d.contact.to_owned(),
            facilities: Default::default(),
        })
        .collect()
}

/// Seeds the demo schools if the store has no schools; returns how many were inserted
/// (0 when the store already had schools, so restarting never duplicates).
pub async fn seed(store: &dyn Store) -> Result<u64, StoreError> {
    store.seed_schools(&schools()).await
}

/// UUIDv7-shaped ids with a fixed, recognisable prefix, so demo rows stand out in any table.
fn demo_id(n: u8) -> String {
    format!("01890000-0000-7000-8000-{n:012}")
}
