//! `dudao-server schools import`, run as the built binary against SQLite and PostgreSQL: what
//! the store holds after a roster is imported, re-imported with a change, refused, or dry-run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dudao_domain::{Facility, GradeRange, School};
use dudao_server::db::{Database, Store};
use dudao_server::demo;

use crate::cli::{run, s, write_bytes, Run};
use crate::common::{fresh_store, Backend, TestDb};

/// The example roster in the README: the demo county's ten schools and two more.
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schools-qinghe.csv");

fn example() -> String {
    let text = std::fs::read_to_string(EXAMPLE).expect("read the example roster");
    text.trim_start_matches('\u{feff}').to_owned()
}

/// `--database=…` for the CLI: the file, or the URL with its password and test schema.
fn database_arg(db: &TestDb) -> String {
    match &db.database {
        Database::Sqlite(path) => format!("--database={}", path.display()),
        Database::Postgres(url) => format!("--database={url}"),
    }
}

fn import(file: &Path, db: &TestDb, extra: &[&str]) -> Run {
    let database = database_arg(db);
    let mut args = vec!["schools", "import", s(file), &database];
    args.extend(extra);
    run(&args)
}

/// A database with the demo county (schools, accounts, assignments), as a server makes it.
async fn demo_db(backend: Backend) -> (tempfile::TempDir, TestDb, std::sync::Arc<dyn Store>) {
    let (dir, db, store) = fresh_store(backend).await;
    demo::seed(store.as_ref()).await.expect("seed");
    (dir, db, store)
}

fn by_code(schools: Vec<School>) -> BTreeMap<String, School> {
    schools.into_iter().map(|s| (s.code.clone(), s)).collect()
}

fn output(r: &Run) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

both_backends!(
    import_adds_then_updates_in_place,
    three_bad_rows_are_all_listed_and_nothing_changes,
    a_dry_run_writes_nothing
);

/// The office imports its roster into the demo county, then again after one school's numbers
/// changed: new codes are added with new UUIDv7 ids, the changed school is updated under the
/// id its assignment refers to, and everything else is left as it was.
async fn import_adds_then_updates_in_place(backend: Backend) {
    let (dir, db, store) = demo_db(backend).await;
    let before = by_code(store.list_schools().await.expect("list"));
    let roster = dir.path().join("schools-qinghe.csv");
    std::fs::copy(EXAMPLE, &roster).expect("copy");

    let r = import(&roster, &db, &[]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "read 12 schools from {} (CSV, UTF-8 text with BOM)",
            roster.display()
        )
    );
    assert_eq!(
        lines[1..3],
        [
            "added  QH0302  清河县柳林乡中心幼儿园",
            "added  QH0403  清河县石桥镇北关小学"
        ]
    );
    assert!(
        lines[3].ends_with(": 2 added, 0 updated, 10 unchanged"),
        "{}",
        r.stdout
    );

    let after = by_code(store.list_schools().await.expect("list"));
    assert_eq!(after.len(), 12);
    for (code, school) in &before {
        assert_eq!(&after[code], school, "the demo's {code} is as it was");
    }
    let new = &after["QH0403"];
    assert_eq!(
        *new,
        School {
            id: new.id.clone(),
            code: "QH0403".into(),
            name: "清河县石桥镇北关小学".into(),
            district: "石桥镇".into(),
            county: "清河县".into(),
            stage: dudao_domain::Stage::Primary,
            grades: GradeRange::new(1, 6),
            enrolment: 356,
            boarding: false,
            address: "清河县石桥镇北关村村西".into(),
            contact: "冯建军 校长 0311-85561403".into(),
            supervisor: "曹德明".into(),
            facilities: [
                (Facility::SchoolBus, false),
                (Facility::Canteen, true),
                (Facility::LabChemicals, false),
            ]
            .into(),
        }
    );
    let id = uuid::Uuid::parse_str(&new.id).expect("a UUID");
    assert_eq!(id.get_version_num(), 7, "{id}");

    // Next term: 清河县实验小学 has 2140 pupils and a new contact; the rest is the same.
    let changed = example().replace(
        "2136,否,清河县城关镇解放路18号,王建国 副校长 0311-85210318",
        "2140,否,清河县城关镇解放路18号,李明 副校长 0311-85210319",
    );
    let roster = write_bytes(dir.path(), "next-term.csv", changed.as_bytes());
    let r = import(&roster, &db, &[]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[1],
        "updated  QH0101  清河县实验小学  (enrolment, contact)"
    );
    assert!(
        lines[2].ends_with(": 0 added, 1 updated, 11 unchanged"),
        "{}",
        r.stdout
    );
    let again = by_code(store.list_schools().await.expect("list"));
    for (code, school) in &after {
        assert_eq!(again[code].id, school.id, "{code} keeps its id");
        if code != "QH0101" {
            assert_eq!(&again[code], school, "{code} is unchanged");
        }
    }
    assert_eq!(again["QH0101"].enrolment, 2140);
    assert_eq!(again["QH0101"].contact, "李明 副校长 0311-85210319");

    // hanlixin's assignment follows the id, so the updated school is still theirs.
    let han = store
        .user_by_username("hanlixin")
        .await
        .expect("query")
        .expect("demo user");
    let assigned = store
        .assigned_school_ids(&han.user.id)
        .await
        .expect("query");
    assert!(assigned.contains(&again["QH0101"].id));

    // A roster of one town changes that town only: the other schools are not removed.
    let one =
        "学校代码,学校名称,区县,乡镇/街道,学段\nQH0403,清河县石桥镇北关小学,清河县,石桥镇,小学\n";
    let roster = write_bytes(dir.path(), "one.csv", one.as_bytes());
    let r = import(&roster, &db, &[]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    assert!(
        r.stdout.ends_with(": 0 added, 0 updated, 1 unchanged\n"),
        "columns it lacks are kept: {}",
        r.stdout
    );
    assert_eq!(store.list_schools().await.expect("list").len(), 12);
    store.close().await;
}

/// A GBK roster (Excel's CSV on Chinese Windows) with three bad rows: all three are reported
/// with row and column, the exit status is 1, and the database is untouched, the good rows'
/// new school included.
async fn three_bad_rows_are_all_listed_and_nothing_changes(backend: Backend) {
    let (dir, db, store) = demo_db(backend).await;
    let before = store.list_schools().await.expect("list");
    let bad = example()
        .replace(",小学,,,1284,", ",小学校,,,1284,")
        .replace(",初中,,,1562,", ",初中,9,7,1562,")
        .replace(",968,是,", ",九百,是,");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&bad);
    assert!(!unmappable);
    let roster = write_bytes(dir.path(), "roster-gbk.csv", &gbk);

    let r = import(&roster, &db, &[]);
    assert_eq!(r.code, Some(1), "{}", output(&r));
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "dudao-server: {} has 3 problems; nothing was imported:\n\
             \x20 row 3, column E (学段): unknown 学段 \"小学校\"; expected one of 幼儿园, 小学, \
             初中, 高中, 九年一贯制, 完全中学\n\
             \x20 row 4, column F (起始年级): the first grade (9) is above the last grade (7)\n\
             \x20 row 9, column H (在校生数): expected the number of pupils (a whole number), got \
             \"九百\"\n",
            roster.display()
        )
    );
    assert_eq!(store.list_schools().await.expect("list"), before);
    store.close().await;
}

/// `--dry-run` prints what would change, the same counts an import gives, and writes nothing.
async fn a_dry_run_writes_nothing(backend: Backend) {
    let (dir, db, store) = demo_db(backend).await;
    let before = store.list_schools().await.expect("list");
    let changed = example().replace(",1436,是,", ",1502,是,");
    let roster = write_bytes(dir.path(), "roster.csv", changed.as_bytes());

    let r = import(&roster, &db, &["--dry-run"]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "would add  QH0302  清河县柳林乡中心幼儿园",
            "would add  QH0403  清河县石桥镇北关小学",
            "would update  QH0401  清河县石桥中学  (enrolment)",
            "dry run, nothing written: 2 to add, 1 to update, 9 unchanged",
        ]
    );
    assert_eq!(store.list_schools().await.expect("list"), before);

    // The import itself then does exactly that.
    let r = import(&roster, &db, &[]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    assert!(
        r.stdout.ends_with(": 2 added, 1 updated, 9 unchanged\n"),
        "{}",
        r.stdout
    );
    store.close().await;
}

#[test]
fn a_dry_run_never_creates_a_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("county.sqlite");
    let r = run(&[
        "schools",
        "import",
        EXAMPLE,
        "--dry-run",
        &format!("--database={}", db.display()),
    ]);
    assert_eq!(r.code, Some(0), "{}", output(&r));
    assert!(
        r.stdout
            .ends_with("dry run, nothing written: 12 to add, 0 to update, 0 unchanged\n"),
        "{}",
        r.stdout
    );
    assert!(!db.exists());
}

#[test]
fn what_is_not_a_roster_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("--database={}", dir.path().join("d.sqlite").display());
    let template = dudao_domain::xlsx::export(&crate::templates::wuxiang()).expect("export");
    let workbook = write_bytes(dir.path(), "wuxiang.xlsx", &template);
    let cut = write_bytes(dir.path(), "cut.xlsx", &template[..template.len() / 2]);
    let empty = write_bytes(dir.path(), "empty.csv", b"");
    let zip_as_csv = write_bytes(dir.path(), "roster.csv", &template);
    for (file, message) in [
        (&workbook, "  sheet 模板: no header row: "),
        (
            &cut,
            "  not an Excel workbook (.xlsx), or the file is damaged or cut short: ",
        ),
        (&empty, "  the file is empty; "),
        (
            &zip_as_csv,
            "  this is an Excel workbook (.xlsx), not CSV text; ",
        ),
    ] {
        let r = run(&["schools", "import", s(file), &database]);
        assert_eq!(r.code, Some(1), "{}", output(&r));
        assert!(
            r.stderr.starts_with(&format!(
                "dudao-server: {} has 1 problem; nothing was imported:\n{message}",
                file.display()
            )),
            "{}",
            r.stderr
        );
    }
    let r = run(&["schools", "import", "/nonexistent/roster.csv", &database]);
    assert_eq!(r.code, Some(1), "{}", output(&r));
    assert!(
        r.stderr.contains("cannot read /nonexistent/roster.csv"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xls: PathBuf = write_bytes(dir.path(), "roster.xls", b"\xD0\xCF\x11\xE0");
    let json = write_bytes(dir.path(), "roster.json", b"{}");
    for (args, says) in [
        (vec!["schools", "import"], "FILE"),
        (
            vec!["schools", "import", s(&xls)],
            "save it as an Excel workbook (.xlsx)",
        ),
        (
            vec!["schools", "import", s(&json)],
            "expected the roster as a .csv or .xlsx file",
        ),
        (
            vec!["schools", "import", EXAMPLE, "--sheet", "Sheet1"],
            "--sheet is for workbooks",
        ),
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", output(&r));
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
}
