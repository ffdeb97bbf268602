//! `dudao-server template …`, run as the built binary: output and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dudao_server::demo;

use crate::templates::{own_template_src, wuxiang};

const WUXIANG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/wuxiang.toml");
const DEMO_THRESHOLDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/qinghe-thresholds.toml");

pub(crate) struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub(crate) fn run(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_dudao-server"))
        .args(args)
        .env_remove("DUDAO_DATABASE")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .expect("run dudao-server");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
    }
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

/// `52 items · 9 rules`, from the built-in template as it is today.
fn counts() -> String {
    let t = wuxiang();
    format!("{} items · {} rules", t.items().count(), t.rules.len())
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn validate_accepts_a_template_and_a_thresholds_file() {
    let r = run(&["template", "validate", WUXIANG, DEMO_THRESHOLDS]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(
        lines[0],
        format!("ok  wuxiang v1 · {}  ({WUXIANG})", counts())
    );
    assert!(
        lines[1].starts_with(
            "ok  wuxiang v1 + 清河县 edition 1 · daily_activity_minutes 中小学: ≥ 60 → ≥ 120  ("
        ),
        "{}",
        lines[1]
    );
    assert_eq!(r.stderr, "");
}

#[test]
fn validate_prints_every_error_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = std::fs::read_to_string(WUXIANG)
        .expect("read")
        .replace(
            "rule = \"daily_activity_minutes\"",
            "rule = \"daily_minutes\"",
        )
        .replace(
            "prompt.zh = \"学生在校每天体育活动时间\"",
            "prompt.zh = \"\"",
        );
    let template = write(dir.path(), "broken.toml", &broken);
    let band = demo::THRESHOLDS.replace("band = \"中小学\"", "band = \"小学\"");
    let thresholds = write(dir.path(), "band.toml", &band);

    let r = run(&[
        "template",
        "validate",
        WUXIANG,
        s(&template),
        s(&thresholds),
    ]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    let expected = format!(
        "invalid  {}\n\
         \x20 item WX-TZ-07, field `prompt.zh`: is empty\n\
         \x20 item WX-TZ-07, field `rule`: refers to unknown rule daily_minutes\n\
         invalid  {}\n\
         \x20 changes[0], field `band`: rule daily_activity_minutes has no band \"小学\"; its \
         bands are 中小学\n",
        template.display(),
        thresholds.display()
    );
    assert!(r.stdout.starts_with("ok  wuxiang v1"), "{}", r.stdout);
    assert!(r.stdout.ends_with(&expected), "{}", r.stdout);
    assert_eq!(r.stderr, "dudao-server: 2 of 3 files are invalid\n");
}

#[test]
fn validate_names_the_line_of_a_syntax_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "t.toml", "id = \"x\"\nversion = one\n");
    let r = run(&["template", "validate", s(&path)]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("\n  line 2, column 11: "), "{}", r.stdout);
}

#[test]
fn validate_reports_item_codes_another_template_uses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = own_template_src().replace("code = \"QHZX-SM-02\"", "code = \"WX-SM-02\"");
    let path = write(dir.path(), "own.toml", &src);
    let r = run(&["template", "validate", s(&path)]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "  item WX-SM-02, field `code`: is already used by template wuxiang version 1; item \
             codes must be unique across templates\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = write(dir.path(), "t.json", "{}");
    for args in [
        vec!["template", "validate"],
        vec!["template", "validate", s(&json)],
        vec!["template", "import", WUXIANG, "--out", "x.toml"],
        vec!["template", "export", "wuxiang", "--out", "x.csv"],
        vec!["template", "frobnicate"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(2), "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn a_missing_file_is_invalid_input() {
    let r = run(&["template", "validate", "/nonexistent/t.toml"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout.contains("cannot read /nonexistent/t.toml"),
        "{}",
        r.stdout
    );
}

#[test]
fn publish_thresholds_and_list_against_a_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("data/dudao.sqlite");
    let database = format!("--database={}", db.display());

    let list = run(&["template", "list", &database]);
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    let header = list.stdout.lines().next().expect("header");
    assert!(header.starts_with("id "), "{header}");
    let items = wuxiang().items().count().to_string();
    let cells = |row: &str| -> Vec<String> {
        row.split("  ")
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("wuxiang "))
        .expect("wuxiang row");
    assert_eq!(
        cells(row),
        ["wuxiang", "1", "-", &items, "built-in wuxiang.toml"]
    );

    let v2 = std::fs::read_to_string(WUXIANG)
        .expect("read")
        .replace("version = 1", "version = 2");
    let v2 = write(dir.path(), "wuxiang-v2.toml", &v2);
    let published = run(&["template", "publish", s(&v2), &database]);
    assert_eq!(published.code, Some(0), "{}", published.stderr);
    assert!(
        published.stdout.starts_with(&format!(
            "published wuxiang v2 · {}  (from wuxiang-v2.toml)",
            counts()
        )),
        "{}",
        published.stdout
    );
    let again = run(&["template", "publish", s(&v2), &database]);
    assert_eq!(again.code, Some(1));
    assert!(
        again.stderr.contains(
            "template wuxiang version 2 is already in the library (published from \
             wuxiang-v2.toml); raise `version`"
        ),
        "{}",
        again.stderr
    );

    // The demo file is for version 1: refused, saying why.
    let old = run(&["template", "thresholds", DEMO_THRESHOLDS, &database]);
    assert_eq!(old.code, Some(1));
    assert!(
        old.stderr
            .contains("does not apply to template wuxiang version 2:\n  field `version`"),
        "{}",
        old.stderr
    );
    let current = demo::THRESHOLDS.replace("version = 1", "version = 2");
    let current = write(dir.path(), "qinghe.toml", &current);
    let stored = run(&["template", "thresholds", s(&current), &database]);
    assert_eq!(stored.code, Some(0), "{}", stored.stderr);
    assert!(
        stored
            .stdout
            .contains("phones get wuxiang@2+清河县.1 on their next sync"),
        "{}",
        stored.stdout
    );

    let list = run(&["template", "list", &database]);
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("wuxiang "))
        .expect("wuxiang row");
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells[..4], ["wuxiang", "2", "清河县.1", &items.to_string()]);
    assert!(
        cells[4].starts_with("published from wuxiang-v2.toml (20")
            && cells[4].ends_with("); thresholds qinghe.toml"),
        "{row}"
    );

    // Validation sees the published version when given the database.
    let r = run(&["template", "validate", s(&current), &database]);
    assert_eq!(r.code, Some(0), "{}", r.stdout);
    let r = run(&["template", "validate", s(&current)]);
    assert_eq!(
        r.code,
        Some(1),
        "built-in wuxiang is version 1: {}",
        r.stdout
    );
}

/// Issue 12: a limit that is NaN or infinite judges nothing (every comparison with NaN is
/// false), and a band whose min is above its max passes no school. `validate`, `publish` and
/// `thresholds` refuse each with exit status 1, naming the file, the rule (or the change) and the
/// field; the library is left as it was.
#[test]
fn non_finite_and_contradictory_limits_are_refused_and_nothing_is_published() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("--database={}", dir.path().join("d.sqlite").display());
    let library = || {
        let r = run(&["template", "list", &database]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout
    };
    let before = library();

    // Version 2 of wuxiang, so only its limits stand between it and the library.
    let v2 = std::fs::read_to_string(WUXIANG)
        .expect("read")
        .replace("version = 1", "version = 2");
    let homework_3_6 = "label = { zh = \"三至六年级\", en = \"Grades 3–6\" }, max = 60 }";
    let homework_7_9 = "label = { zh = \"初中\", en = \"Junior high\" }, max = 90 }";
    let activity = "label = { zh = \"中小学\", en = \"Primary and secondary\" }, min = 60 }";
    let not_finite = "is not a finite number; NaN and infinity never judge anything";
    // (file, band as shipped, the band changed, the error)
    let templates = [
        (
            "nan.toml",
            homework_3_6,
            homework_3_6.replace("max = 60", "max = nan"),
            format!("rule homework_written_minutes, field `bands[1].max`: NaN {not_finite}"),
        ),
        (
            "inf.toml",
            activity,
            activity.replace("min = 60", "min = inf"),
            format!("rule daily_activity_minutes, field `bands[0].min`: inf {not_finite}"),
        ),
        (
            "min-above-max.toml",
            homework_7_9,
            homework_7_9.replace("max = 90", "min = 100, max = 90"),
            "rule homework_written_minutes, field `bands[2].min`: min 100 is above max 90"
                .to_owned(),
        ),
    ];
    for (name, band, changed, error) in templates {
        assert_eq!(v2.matches(band).count(), 1, "{band}");
        let path = write(dir.path(), name, &v2.replace(band, &changed));

        let r = run(&["template", "validate", s(&path)]);
        assert_eq!(r.code, Some(1), "{name}: {}", r.stdout);
        assert_eq!(
            r.stdout,
            format!("invalid  {}\n  {error}\n", path.display()),
            "{name}"
        );
        let r = run(&["template", "publish", s(&path), &database]);
        assert_eq!(r.code, Some(1), "{name}: {}{}", r.stdout, r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "dudao-server: {} is not a valid template:\n  {error}\n",
                path.display()
            ),
            "{name}"
        );
        assert_eq!(r.stdout, "", "{name}");
    }

    // 清河县's thresholds with a ceiling of infinity on daily activity.
    let inf = demo::THRESHOLDS.replace("min = 120", "max = inf");
    let path = write(dir.path(), "qinghe-inf.toml", &inf);
    let error = "changes[0], field `max`: inf for rule daily_activity_minutes band 中小学 is not a number a \
                 limit can be (NaN and infinity never judge anything); write a finite number";
    let r = run(&["template", "validate", s(&path)]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert_eq!(
        r.stdout,
        format!("invalid  {}\n  {error}\n", path.display())
    );
    let r = run(&["template", "thresholds", s(&path), &database]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "dudao-server: {} does not apply to template wuxiang version 1:\n  {error}\n",
            path.display()
        )
    );

    assert_eq!(library(), before, "nothing was published or stored");
}

#[test]
fn validate_never_creates_a_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("missing.sqlite");
    let r = run(&[
        "template",
        "validate",
        WUXIANG,
        &format!("--database={}", db.display()),
    ]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("no database at"), "{}", r.stderr);
    assert!(!db.exists());
}

// --- Excel ----------------------------------------------------------------------------------

#[test]
fn export_then_import_gives_back_the_same_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xlsx = dir.path().join("out/wuxiang.xlsx");
    let toml = dir.path().join("wuxiang.toml");

    // By id, from the library.
    let r = run(&["template", "export", "wuxiang", "--out", s(&xlsx)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!("wrote {}: wuxiang v1 · {}\n", xlsx.display(), counts())
    );
    let r = run(&["template", "validate", s(&xlsx)]);
    assert_eq!(r.code, Some(0), "{}", r.stdout);

    let r = run(&["template", "import", s(&xlsx), "--out", s(&toml)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let src = std::fs::read_to_string(&toml).expect("read");
    let back = dudao_domain::Template::from_toml(&src).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, wuxiang());

    // From a file, the same workbook.
    let from_file = dir.path().join("from-file.xlsx");
    let r = run(&["template", "export", s(&toml), "--out", s(&from_file)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let a = dudao_domain::xlsx::import(&std::fs::read(&xlsx).expect("read")).expect("import");
    let b = dudao_domain::xlsx::import(&std::fs::read(&from_file).expect("read")).expect("import");
    assert_eq!(a, b);
}

#[test]
fn export_of_an_unknown_id_names_the_library() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.xlsx");
    let r = run(&["template", "export", "wuxing", "--out", s(&out)]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr
            .contains("no template \"wuxing\" in the library and no such file; the library has "),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn a_workbook_with_errors_is_reported_by_sheet_row_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut template = wuxiang();
    template.sections[0].items[0].prompt.zh = String::new();
    let bytes = dudao_domain::xlsx::export(&template).expect("export");
    let xlsx = write_bytes(dir.path(), "broken.xlsx", &bytes);
    let garbage = write_bytes(dir.path(), "garbage.xlsx", b"not a workbook");

    let r = run(&["template", "validate", s(&xlsx), s(&garbage)]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let mut blocks = r.stdout.split("invalid  ").skip(1);
    let first = blocks.next().expect("broken.xlsx");
    assert!(
        first.starts_with(&format!("{}\n", xlsx.display())),
        "{first}"
    );
    assert!(first.contains("  sheet 检查项, row 2, column "), "{first}");
    let second = blocks.next().expect("garbage.xlsx");
    assert!(
        second.starts_with(&format!("{}\n  ", garbage.display())),
        "{second}"
    );

    let toml = dir.path().join("broken.toml");
    let r = run(&["template", "import", s(&xlsx), "--out", s(&toml)]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.starts_with(&format!(
            "dudao-server: {} is not a valid template:\n  sheet 检查项, row 2",
            xlsx.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!toml.exists(), "nothing is written");
}

#[test]
fn publish_reads_a_workbook() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("--database={}", dir.path().join("d.sqlite").display());
    let v2 = dudao_domain::Template {
        version: 2,
        ..wuxiang()
    };
    let bytes = dudao_domain::xlsx::export(&v2).expect("export");
    let xlsx = write_bytes(dir.path(), "wuxiang-v2.xlsx", &bytes);

    let r = run(&["template", "publish", s(&xlsx), &database]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.starts_with(&format!(
            "published wuxiang v2 · {}  (from wuxiang-v2.xlsx)",
            counts()
        )),
        "{}",
        r.stdout
    );
    let r = run(&["template", "list", &database]);
    assert!(
        r.stdout.contains("published from wuxiang-v2.xlsx"),
        "{}",
        r.stdout
    );
}

pub(crate) fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[test]
fn every_built_in_template_writes_toml_that_reads_back_equal() {
    for (file, template) in dudao_server::library::builtins().expect("built-ins") {
        let src =
            dudao_server::template_cmd::to_toml(template).unwrap_or_else(|e| panic!("{file}: {e}"));
        let back =
            dudao_domain::Template::from_toml(&src).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(&back, template, "{file}");
    }
}

/// Runs the binary with `stdin` fed to it.
fn run_with_stdin(args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dudao-server"))
        .args(args)
        .env_remove("DUDAO_DATABASE")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dudao-server");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
    }
}

/// An office clerk creates a supervisor's account and assigns schools from the command line:
/// what they typed is what the server then holds, and every mistake is refused with its reason
/// and changes nothing.
#[tokio::test]
async fn user_add_and_assign_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("county.sqlite");
    let db_s = s(&db);
    let r = run(&["seed-demo", "--database", db_s]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);

    let add = [
        "user",
        "add",
        "wangjianhua",
        "--role",
        "supervisor",
        "--name",
        "王建华",
        "--password-stdin",
        "--database",
        db_s,
    ];
    let r = run_with_stdin(&add, "qinghe-2026-pass\n");
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("wangjianhua"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("qinghe-2026-pass"),
        "the password is never echoed"
    );

    // The same username again is refused.
    let r = run_with_stdin(&add, "another-pass-1\n");
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    // An office account without its district is a usage error.
    let r = run_with_stdin(
        &[
            "user",
            "add",
            "zhangli",
            "--role",
            "office",
            "--name",
            "张丽",
            "--password-stdin",
            "--database",
            db_s,
        ],
        "qinghe-2026-pass\n",
    );
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("district"), "{}", r.stderr);

    // One unknown code assigns nothing and names the code.
    let r = run(&[
        "assign",
        "wangjianhua",
        "QH0101",
        "QH9999",
        "--database",
        db_s,
    ]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("QH9999"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(&[
        "assign",
        "wangjianhua",
        "QH0101",
        "QH0102",
        "--database",
        db_s,
    ]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);

    // What the store now holds: the account with a verifiable password, and exactly the two
    // schools of the successful assignment (QH0105 from the refused one is not among them).
    use dudao_server::db::{SqliteStore, Store};
    let store = SqliteStore::open(&db).await.expect("open");
    let record = store
        .user_by_username("wangjianhua")
        .await
        .expect("query")
        .expect("the user exists");
    assert_eq!(record.user.display_name, "王建华");
    assert!(dudao_server::auth::verify_password(
        "qinghe-2026-pass",
        &record.password_hash
    ));
    assert!(!dudao_server::auth::verify_password(
        "another-pass-1",
        &record.password_hash
    ));
    let schools = store
        .assigned_school_ids(&record.user.id)
        .await
        .expect("query");
    let codes: Vec<String> = demo::schools()
        .into_iter()
        .filter(|s| schools.contains(&s.id))
        .map(|s| s.code)
        .collect();
    assert_eq!(codes, ["QH0101", "QH0102"]);
    assert!(store
        .user_by_username("zhangli")
        .await
        .expect("query")
        .is_none());
}
