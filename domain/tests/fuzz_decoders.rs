//! Fuzzing (issue 13, item 9) of what arrives as bytes from outside: a school roster (CSV in
//! every encoding Excel writes, or a workbook), a backup file carried from another phone, and
//! the sync push the server decodes. Whatever arrives, reading it answers `Ok` or `Err` and
//! never panics; refusals stay short enough to log and send back.
//!
//! Case counts keep this file to a few seconds in a debug build on two cores.

use dudao_domain::backup::{self, Bundle, Local, PinnedTemplate};
use dudao_domain::photo::PhotoMeta;
use dudao_domain::sync::fields::{self, MAX_FIELD_LEN};
use dudao_domain::sync::wire::PushRequest;
use dudao_domain::sync::Hlc;
use dudao_domain::{builtin, GradeRange, School, Stage, Template, Visit};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

// ---- JSON of any shape ----

fn hostile_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |n| n.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "non_compliant",
            "compliant",
            "重大",
            "一般",
            "open",
            "closed",
            "08:20",
            "25:61",
            "2026-02-30",
            "0000000000000001-0001",
            "NaN",
            "-1",
            "\u{0}",
            "\u{202e}",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(vec![
                            "kind",
                            "value",
                            "school_id",
                            "school",
                            "supervisor",
                            "templates",
                            "started_at",
                            "id",
                            "version",
                            "key",
                            "lat",
                            "lng",
                            "accuracy",
                            "at",
                            "name",
                            "data",
                            "item_codes",
                            "document",
                            "year",
                            "zh",
                            "en",
                            "sha256",
                            "size",
                            "visit_id",
                            "item_code",
                            "mime",
                            "width",
                            "height",
                            "taken_at",
                        ])
                        .prop_map(str::to_owned),
                        "\\PC{0,6}",
                    ],
                    inner,
                ),
                0..6,
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Every node of a JSON document, as a path of keys and indices.
fn paths(v: &Value, here: Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let mut p = here.clone();
                p.push(json!(i));
                paths(x, p, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let mut p = here.clone();
                p.push(json!(k));
                paths(x, p, out);
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Value::Number(i) => &mut v[i.as_u64().unwrap() as usize],
        Value::String(k) => &mut v[k.as_str()],
        _ => unreachable!(),
    })
}

#[derive(Debug, Clone)]
enum JsonEdit {
    /// Replace a node by any value.
    Replace(Index, Value),
    /// Remove a node from its object or array.
    Remove(Index),
    /// Add a key to an object.
    AddKey(Index, String, Value),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        4 => (any::<Index>(), hostile_json()).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        2 => any::<Index>().prop_map(JsonEdit::Remove),
        1 => (any::<Index>(), "[a-z_]{1,10}", hostile_json())
            .prop_map(|(i, k, v)| JsonEdit::AddKey(i, k, v)),
    ]
}

fn apply_json_edits(mut doc: Value, edits: &[JsonEdit]) -> Value {
    for e in edits {
        let mut all = Vec::new();
        paths(&doc, Vec::new(), &mut all);
        match e {
            JsonEdit::Replace(i, v) => *node_mut(&mut doc, &all[i.index(all.len())]) = v.clone(),
            JsonEdit::Remove(i) => {
                let path = &all[i.index(all.len())];
                if let Some((last, parent)) = path.split_last() {
                    match (node_mut(&mut doc, parent), last) {
                        (Value::Array(a), Value::Number(n)) => {
                            a.remove(n.as_u64().unwrap() as usize);
                        }
                        (Value::Object(m), Value::String(k)) => {
                            m.remove(k);
                        }
                        _ => {}
                    }
                }
            }
            JsonEdit::AddKey(i, k, v) => {
                if let Value::Object(m) = node_mut(&mut doc, &all[i.index(all.len())]) {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
    }
    doc
}

/// Byte-level damage: a file cut short in transfer, or a flipped byte.
fn damage(text: &str, cut: Option<Index>, flip: Option<(Index, u8)>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if let Some(i) = cut {
        bytes.truncate(i.index(bytes.len() + 1));
    }
    if let (Some((i, mask)), false) = (flip, bytes.is_empty()) {
        let at = i.index(bytes.len());
        bytes[at] ^= mask;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---- Backups ----

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg but bytes all the same \xff\xd9";

fn school() -> School {
    School {
        id: "s-1".into(),
        code: "3201150001".into(),
        name: "测试小学".into(),
        district: "江宁区".into(),
        stage: Stage::Primary,
        grades: GradeRange::new(1, 6),
        enrolment: 800,
        boarding: false,
        address: String::new(),
        contact: String::new(),
        supervisor: String::new(),
        county: String::new(),
        facilities: Default::default(),
    }
}

/// A real backup file: a visit with an answer and a photo, its template, a pending change.
fn backup_json() -> Value {
    let (_, src) = builtin::SOURCES
        .iter()
        .find(|(n, _)| *n == "zuoye_gongshi.toml")
        .unwrap();
    let t = Template::from_toml(src).unwrap();
    let mut v = Visit::new("v1".into(), &school(), "王建国".into(), &[&t], 1_000);
    v.updated_at = 1_800;
    let mut b = Bundle::new(2_000, "0.1.0");
    b.visits.push(v);
    b.templates.push(PinnedTemplate {
        key: t.key(),
        template: t,
    });
    b.push_photo(
        PhotoMeta {
            id: "v1-p1".into(),
            visit_id: "v1".into(),
            item_code: "X".into(),
            sha256: backup::sha256_hex(JPEG),
            size: JPEG.len() as u64,
            width: 1600,
            height: 1200,
            mime: "image/jpeg".into(),
            taken_at: 1_500,
        },
        JPEG,
        b"\xff\xd8thumb\xff\xd9",
    );
    b.counters.insert("opinion-seq-2026".into(), 3);
    serde_json::from_str(&b.to_json()).unwrap()
}

#[test]
fn the_backup_seed_parses() {
    let b = backup::parse(&backup_json().to_string()).unwrap();
    assert_eq!((b.visits.len(), b.photos.len()), (1, 1));
}

fn import(text: &str) {
    if let Ok(b) = backup::parse(text) {
        let plan = backup::plan_import(&b, &Local::default());
        let _ = plan.report.zh();
        let _ = backup::plan_import(
            &b,
            &Local {
                visits: b.visits.clone(),
                ..Local::default()
            },
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any node of a real backup replaced, removed or joined by a key: refused with a message
    /// in both languages, or read and planned for import.
    #[test]
    fn an_edited_backup_is_refused_or_imported(edits in prop::collection::vec(json_edit(), 1..4)) {
        let text = apply_json_edits(backup_json(), &edits).to_string();
        match backup::parse(&text) {
            Err(e) => prop_assert!(!e.zh().is_empty() && !e.to_string().is_empty()),
            Ok(_) => import(&text),
        }
    }

    #[test]
    fn a_damaged_backup_is_refused_or_imported(
        cut in prop::option::of(any::<Index>()),
        flip in prop::option::of((any::<Index>(), 1u8..=255)),
    ) {
        import(&damage(&backup_json().to_string(), cut, flip));
    }

    #[test]
    fn any_json_as_a_backup_is_refused_without_a_panic(
        v in hostile_json(),
        version in prop::sample::select(vec![json!(1), json!(0), json!(-1), json!(u64::MAX), json!(1.5), json!("1")]),
    ) {
        import(&v.to_string());
        let mut doc = json!({ "format": "dudao-backup", "version": version });
        if let (Value::Object(m), Value::Object(extra)) = (&mut doc, v) {
            m.extend(extra);
        }
        import(&doc.to_string());
    }
}

// ---- Sync push ----

/// Field paths as the app writes them, near misses, and noise.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "header", "state", "finished_at", "location", "signature", "opinion_no", "amendments",
            "dropped", "findings", "answers.WX-ZY-01.value", "answers.WX-ZY-01.note",
            "answers.WX-ZY-01.photos", "findings.f1.status", "findings.f1.severity",
            "findings.f1.deadline", "findings.f1.basis", "findings.f1.section",
            "findings.f1.description", "findings.f1.item_codes", "meta", "deleted",
            "answers..value", "answers.value", "findings..status", ".", "", "*",
            "answers.WX-ZY-01.value.extra", "ANSWERS.X.VALUE",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,30}",
        1 => "(answers|findings)\\.\\PC{0,8}\\.(value|note|photos|status|basis|x)",
        1 => "[a.]{190,210}",
    ]
}

fn entity() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["visit", "photo"]).prop_map(str::to_owned),
        1 => "\\PC{0,50}",
    ]
}

/// The longest refusal of one field: the field path is cut to MAX_FIELD_LEN characters, and
/// what is said about the value must not quote a huge value back.
const MAX_REFUSAL: usize = MAX_FIELD_LEN + 1_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Every field path and value the server can be sent: accepted or refused with a short
    /// reason, never a panic.
    #[test]
    fn any_field_and_value_is_validated_with_a_short_reason(
        entity in entity(),
        field in field(),
        value in hostile_json(),
    ) {
        let _ = fields::parse(&entity, &field);
        let _ = fields::is_workflow(&entity, &field);
        if let Err(e) = fields::validate(&entity, &field, &value) {
            let reason = e.to_string();
            prop_assert!(reason.chars().count() <= MAX_REFUSAL, "{} chars", reason.chars().count());
        }
    }

    /// A push request of any shape decodes or is refused; every op of what decodes validates
    /// without a panic.
    #[test]
    fn any_push_body_decodes_or_is_refused(
        device_id in prop_oneof![Just(json!("0190f1e2-aaaa-7bbb-8ccc-123456789abc")), hostile_json()],
        mutations in prop::collection::vec(
            (
                prop_oneof![any::<i64>().prop_map(Value::from), hostile_json()],
                entity(),
                "\\PC{0,40}",
                prop::collection::vec((field(), hostile_json(), any::<i64>()), 0..4),
                prop_oneof![
                    Just("0000019300000000-0000".to_owned()),
                    "[0-9]{16}-[0-9]{1,10}",
                    "\\PC{0,30}",
                ],
            ),
            0..4,
        ),
        extra in prop::option::of(("[a-z_]{1,8}", hostile_json())),
    ) {
        let mut body = json!({
            "device_id": device_id,
            "mutations": mutations.into_iter().map(|(seq, entity, entity_id, ops, hlc)| json!({
                "seq": seq,
                "entity": entity,
                "entity_id": entity_id,
                "ops": ops.into_iter().map(|(f, v, r)| json!({ "field": f, "value": v, "base_rev": r })).collect::<Vec<_>>(),
                "hlc": hlc,
            })).collect::<Vec<_>>(),
        });
        if let Some((k, v)) = extra {
            body[k.as_str()] = v;
        }
        if let Ok(push) = serde_json::from_str::<PushRequest>(&body.to_string()) {
            for m in &push.mutations {
                for op in &m.ops {
                    let _ = fields::validate(&m.entity, &op.field, &op.value);
                }
            }
        }
    }

    /// A clock value as sent: read back to the same text, or refused.
    #[test]
    fn any_clock_text_is_read_or_refused(s in prop_oneof!["[0-9]{16}-[0-9]{1,11}", "\\PC{0,30}", "[0-9-]{0,30}"]) {
        if let Ok(h) = serde_json::from_value::<Hlc>(Value::String(s.clone())) {
            let again: Hlc = serde_json::from_value(serde_json::to_value(h).unwrap()).unwrap();
            prop_assert_eq!(again, h);
        }
    }

    #[test]
    fn any_text_as_a_push_body_is_refused_without_a_panic(s in "\\PC{0,200}") {
        let _ = serde_json::from_str::<PushRequest>(&s);
    }
}

/// A huge value in a field of a fixed type is refused without being quoted back whole: the
/// refusal goes into the push answer and the server's log.
#[test]
fn a_refused_huge_value_is_not_quoted_back_whole() {
    let huge = "严".repeat(1_000_000);
    for (entity, field) in [
        ("visit", "state"),
        ("visit", "findings.f1.severity"),
        ("visit", "findings.f1.status"),
        ("visit", "findings.f1.deadline"),
        ("visit", "answers.WX-ZY-01.value"),
        ("visit", "header"),
        ("photo", "meta"),
    ] {
        for value in [json!(huge), json!({ "kind": huge }), json!([huge])] {
            if let Err(e) = fields::validate(entity, field, &value) {
                let n = e.to_string().chars().count();
                assert!(n <= MAX_REFUSAL, "{entity} {field}: {n} chars");
            }
        }
    }
}

// ---- School rosters ----

#[cfg(feature = "xlsx")]
mod roster {
    use super::*;
    use dudao_domain::school_import::{self, csv};

    const HEADER: &str = "学校代码,学校名称,区县,乡镇/街道,学段,起始年级,结束年级,在校生数,是否寄宿,地址,联系人及电话,责任督学,校车,食堂,危化品,周边水域";

    /// Roster-like text: a header (sometimes), then rows of cells that are valid, odd or hostile.
    fn roster_text() -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            prop::sample::select(vec![
                "QH0101",
                "清河县实验小学",
                "清河县",
                "城关镇",
                "小学",
                "初中",
                "九年一贯制",
                "1",
                "6",
                "初一",
                "高三",
                "13",
                "-1",
                "1e9",
                "NaN",
                "inf",
                "是",
                "否",
                "有",
                "",
                " ",
                "\"a,b\"",
                "\"a\"\"b\"",
                "\"line\nbreak\"",
                "\"unclosed",
                "#REF!",
                "=1+1",
                "２０２４",
                "４",
                "\u{3000}",
                "\u{FEFF}",
                "\r",
            ])
            .prop_map(str::to_owned),
            "\\PC{0,10}",
        ];
        let row = prop::collection::vec(cell, 0..18).prop_map(|c| c.join(","));
        (
            any::<bool>(),
            prop::sample::select(vec![",", "\t", ";"]),
            prop::collection::vec(row, 0..6),
            prop::sample::select(vec!["\n", "\r\n", "\r"]),
        )
            .prop_map(|(header, sep, rows, eol)| {
                let mut lines: Vec<String> = Vec::new();
                if header {
                    lines.push(HEADER.replace(',', sep));
                }
                lines.extend(rows.into_iter().map(|r| r.replace(',', sep)));
                lines.join(eol)
            })
    }

    #[derive(Debug, Clone, Copy)]
    enum Enc {
        Utf8,
        Utf8Bom,
        Utf16Le,
        Utf16Be,
        Gbk,
    }

    fn encode(text: &str, enc: Enc) -> Option<Vec<u8>> {
        Some(match enc {
            Enc::Utf8 => text.as_bytes().to_vec(),
            Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Enc::Utf16Le => std::iter::once(0xFEFFu16)
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect(),
            Enc::Utf16Be => std::iter::once(0xFEFFu16)
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect(),
            Enc::Gbk => {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
                if unmappable {
                    return None;
                }
                bytes.into_owned()
            }
        })
    }

    fn enc() -> impl Strategy<Value = Enc> {
        prop::sample::select(vec![
            Enc::Utf8,
            Enc::Utf8Bom,
            Enc::Utf16Le,
            Enc::Utf16Be,
            Enc::Gbk,
        ])
    }

    fn read(bytes: &[u8]) -> Result<(), TestCaseError> {
        match school_import::read_csv(bytes) {
            Ok(r) => {
                for s in &r.schools {
                    let _ = s.apply(None, || "new".into());
                }
            }
            Err(p) => prop_assert!(!p.0.is_empty(), "refused without a problem"),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        /// Roster-like text in every encoding Excel writes: decoded back to the same text (when
        /// it is text at all) and read, or refused with problems that say why.
        #[test]
        fn a_roster_in_any_encoding_decodes_to_its_text_and_reads(text in roster_text(), enc in enc()) {
            let Some(bytes) = encode(&text, enc) else { return Ok(()) };
            if !text.is_empty() && !text.contains('\0') && !text.starts_with('\u{FEFF}') {
                let (decoded, _) = csv::decode(&bytes)
                    .map_err(|p| TestCaseError::fail(format!("{enc:?} not decoded: {p:?}")))?;
                match std::str::from_utf8(&bytes) {
                    // GBK bytes that are also valid UTF-8 ("小学" alone is D0 A1 D1 A7, which
                    // is UTF-8 for "Сѧ") cannot be told apart without a header; valid UTF-8
                    // is read as UTF-8, as Excel's "CSV UTF-8" is the format we ask for.
                    Ok(utf8) if matches!(enc, Enc::Gbk) => prop_assert_eq!(decoded, utf8),
                    _ => prop_assert_eq!(decoded, text),
                }
            }
            read(&bytes)?;
        }

        /// Any bytes, bare or behind each byte order mark or a workbook's signature.
        #[test]
        fn any_bytes_as_a_roster_are_refused_or_read(
            prefix in prop::sample::select(vec![
                b"".as_slice(), b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"PK\x03\x04",
                b"\xD0\xCF\x11\xE0",
            ]),
            bytes in prop::collection::vec(any::<u8>(), 0..600),
        ) {
            let bytes = [prefix, &bytes].concat();
            read(&bytes)?;
            let _ = school_import::read_xlsx(&bytes, None);
            let _ = school_import::read_xlsx(&bytes, Some("学校名单"));
        }
    }
}
