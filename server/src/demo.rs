//! The demo county, so that `dudao-server` with no configuration has schools to visit.
//!
//! 清河县 here is fictional: its towns, schools, people and telephone numbers are made up for
//! demonstration and testing. Ids and codes are fixed so that tests, e2e specs and a phone that
//! synced once keep pointing at the same schools after a restart.
//!
//! The county also has its own thresholds for the 五项管理 template ([`THRESHOLDS`]), so the
//! demo shows a local edition (`wuxiang@1+清河县.1`) from the first start.

use dudao_domain::local::LocalThresholds;
use dudao_domain::Facility::{Canteen, LabChemicals, SchoolBus, WaterNearby};
use dudao_domain::{Facility, GradeRange, School, Stage};

use crate::db::{Role, Store, StoreError, ThresholdsFile, User, UserRecord};

pub const COUNTY: &str = "清河县";

/// The file name [`THRESHOLDS`] is stored under, as `template list` shows it.
pub const THRESHOLDS_FILE: &str = "qinghe-thresholds.toml";

/// 清河县's (fictional) thresholds for `wuxiang` version 1: 2 hours of daily activity.
pub const THRESHOLDS: &str = include_str!("../demo/qinghe-thresholds.toml");

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
    /// 责任督学 named on the school's 挂牌督导 plaque. Four supervisors share the county's ten
    /// schools, two or three each, grouped by town as a county office would assign them.
    supervisor: &'static str,
    /// What the office knows; a facility left out is unknown.
    facilities: &'static [(Facility, bool)],
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
        supervisor: "韩立新",
        // A county-town primary: pupils eat lunch at school; parents bring them, no bus.
        facilities: &[(Canteen, true), (SchoolBus, false), (WaterNearby, false)],
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
        supervisor: "韩立新",
        // No canteen: pupils live close by and go home at noon.
        facilities: &[(Canteen, false), (SchoolBus, false)],
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
        supervisor: "马淑芬",
        // 初三 chemistry: a store of lab chemicals.
        facilities: &[(Canteen, true), (SchoolBus, false), (LabChemicals, true)],
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
        supervisor: "马淑芬",
        // Boarding senior high by the 清河: canteen, chemistry store, the river on the way home.
        facilities: &[
            (Canteen, true),
            (SchoolBus, false),
            (LabChemicals, true),
            (WaterNearby, true),
        ],
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
        supervisor: "韩立新",
        // The kindergarten kitchen counts as a canteen; whether water is near is not recorded.
        facilities: &[(Canteen, true), (SchoolBus, false), (LabChemicals, false)],
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
        supervisor: "杨振华",
        // A town central school: a nutrition-meal canteen and buses for the outlying villages;
        // fish ponds along the village roads.
        facilities: &[
            (Canteen, true),
            (SchoolBus, true),
            (LabChemicals, false),
            (WaterNearby, true),
        ],
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
        supervisor: "杨振华",
        // No kitchen at the village school; an irrigation canal runs past the gate. Whether the
        // town's bus stops here is not recorded.
        facilities: &[(Canteen, false), (LabChemicals, false), (WaterNearby, true)],
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
        supervisor: "杨振华",
        // Rural boarding school: canteen, buses on Sunday evenings and Friday afternoons,
        // a chemistry store for grades 7–9, the 柳林 reservoir 2 km away.
        facilities: &[
            (Canteen, true),
            (SchoolBus, true),
            (LabChemicals, true),
            (WaterNearby, true),
        ],
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
        supervisor: "曹德明",
        // Boarding 完全中学: canteen, buses, chemistry store, the river at 石桥.
        facilities: &[
            (Canteen, true),
            (SchoolBus, true),
            (LabChemicals, true),
            (WaterNearby, true),
        ],
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
        supervisor: "曹德明",
        // No canteen; water near the school is not recorded.
        facilities: &[(Canteen, false), (SchoolBus, false)],
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
            county: COUNTY.to_owned(),
            stage: d.stage,
            grades: d.grades.unwrap_or_else(|| d.stage.default_grades()),
            enrolment: d.enrolment,
            boarding: d.boarding,
            address: d.address.to_owned(),
            contact: d.contact.to_owned(),
            supervisor: d.supervisor.to_owned(),
            facilities: d.facilities.iter().copied().collect(),
        })
        .collect()
}

/// Seeds the demo schools if the store has no schools; returns how many were inserted
/// (0 when the store already had schools, so restarting never duplicates).
///
/// When it does seed the schools it also stores the county's [`THRESHOLDS`]. They are stored
/// only with the demo schools: a real county that keeps the demo switched on must not get
/// 清河县's numbers, and an office that already stored an edition keeps it.
pub async fn seed(store: &dyn Store) -> Result<u64, StoreError> {
    let inserted = store.seed_schools(&schools()).await?;
    seed_users(store).await?;
    if inserted > 0 {
        match store.save_local_thresholds(&thresholds_file()?).await {
            Ok(()) => tracing::info!(
                file = THRESHOLDS_FILE,
                "stored the demo county's thresholds"
            ),
            // Another server seeding at the same moment, or an office that stored its own first.
            Err(StoreError::ThresholdsNotNewer { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(inserted)
}

/// The password of every demo account. DEMO ONLY: anyone who reads the README knows it; a real
/// county runs with `--no-demo` and creates its accounts with `dudao-server user add`.
pub const DEMO_PASSWORD: &str = "dudao-demo";

/// The demo accounts: (username, name, role, district). The four supervisors are the 责任督学
/// of [`SCHOOLS`] and get the schools whose plaque names them.
pub const USERS: [(&str, &str, Role, &str); 6] = [
    ("hanlixin", "韩立新", Role::Supervisor, ""),
    ("mashufen", "马淑芬", Role::Supervisor, ""),
    ("yangzhenhua", "杨振华", Role::Supervisor, ""),
    ("caodeming", "曹德明", Role::Supervisor, ""),
    ("zhouli", "周丽", Role::Office, COUNTY),
    ("admin", "系统管理员", Role::Admin, ""),
];

/// Adds the demo accounts if there are no users yet and the demo county's schools are there
/// (never to a real county's database); returns how many were added.
pub async fn seed_users(store: &dyn Store) -> Result<u64, StoreError> {
    if store.count_users().await? > 0 {
        return Ok(0);
    }
    let stored = store.list_schools().await?;
    if !stored.iter().any(|s| s.id == demo_id(1)) {
        return Ok(0);
    }
    // One Argon2 hash for all of them (the same public password), made once per process.
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = HASH.get_or_init(|| crate::auth::hash_password(DEMO_PASSWORD));
    let mut added = 0;
    for (username, name, role, district) in USERS {
        let record = UserRecord {
            user: User {
                id: crate::auth::new_id(),
                username: username.to_owned(),
                display_name: name.to_owned(),
                role,
                district: district.to_owned(),
                created_at: crate::clock::now_ms(),
            },
            password_hash: hash.clone(),
        };
        match store.create_user(&record).await {
            Ok(()) => added += 1,
            // Another server seeding at the same moment.
            Err(StoreError::UserExists(_)) => continue,
            Err(e) => return Err(e),
        }
        if role == Role::Supervisor {
            let codes: Vec<String> = SCHOOLS
                .iter()
                .filter(|d| d.supervisor == name)
                .map(|d| d.code.to_owned())
                .collect();
            store.assign_schools(&record.user.id, &codes).await?;
        }
    }
    tracing::info!(users = added, "seeded the demo accounts");
    Ok(added)
}

/// [`THRESHOLDS`] as the store keeps it.
pub fn thresholds_file() -> Result<ThresholdsFile, StoreError> {
    // Embedded and checked by the tests; a parse failure here is a bug, reported not panicked.
    let parsed = LocalThresholds::from_toml(THRESHOLDS).map_err(|e| StoreError::InvalidRow {
        table: "local_thresholds",
        id: THRESHOLDS_FILE.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(ThresholdsFile {
        template_id: parsed.template,
        district: parsed.district,
        edition: parsed.edition,
        body: THRESHOLDS.to_owned(),
        source: THRESHOLDS_FILE.to_owned(),
        created_at: crate::clock::now_ms(),
    })
}

/// UUIDv7-shaped ids with a fixed, recognisable prefix, so demo rows stand out in any table.
fn demo_id(n: u8) -> String {
    format!("01890000-0000-7000-8000-{n:012}")
}
