//! Rosters as clerks save them, and every way one can be wrong.

use super::*;

const HEADER: &str =
    "学校代码,学校名称,区县,乡镇/街道,学段,起始年级,结束年级,在校生数,是否寄宿,地址,\
                      联系人及电话,责任督学,校车,食堂,危化品,周边水域";
const ROWS: [&str; 3] = [
    "QH0101,清河县实验小学,清河县,城关镇,小学,,,2136,否,清河县城关镇解放路18号,\
     王建国 副校长 0311-85210318,韩立新,否,是,,否",
    "QH0202,清河县桃园镇后营村小学,清河县,桃园镇,小学,1,4,78,否,清河县桃园镇后营村村委会东50米,\
     孙玉梅 负责人 0311-85336702,杨振华,,否,否,是",
    "QH0301,清河县柳林乡九年一贯制学校,清河县,柳林乡,九年一贯制,,,968,是,清河县柳林乡柳林街56号,\
     周明 副校长 0311-85450256,杨振华,是,是,是,是",
];

fn roster_csv() -> String {
    let mut s = format!("{HEADER}\r\n");
    for r in ROWS {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s
}

fn read(text: &str) -> Result<Roster, Problems> {
    read_csv_text(text, TextEncoding::Utf8)
}

fn problems(text: &str) -> Vec<String> {
    match read(text) {
        Ok(r) => panic!("accepted: {:?}", r.schools),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn new_id() -> String {
    "new".to_owned()
}

/// The three rows as schools, as [`RosterSchool::apply`] makes them for an empty database.
fn schools(r: &Roster) -> Vec<School> {
    r.schools.iter().map(|s| s.apply(None, new_id)).collect()
}

fn expected() -> Vec<School> {
    use Facility::*;
    vec![
        School {
            id: "new".into(),
            code: "QH0101".into(),
            name: "清河县实验小学".into(),
            district: "城关镇".into(),
            county: "清河县".into(),
            stage: Stage::Primary,
            grades: GradeRange::new(1, 6),
            enrolment: 2136,
            boarding: false,
            address: "清河县城关镇解放路18号".into(),
            contact: "王建国 副校长 0311-85210318".into(),
            supervisor: "韩立新".into(),
            facilities: [(SchoolBus, false), (Canteen, true), (WaterNearby, false)].into(),
        },
        School {
            id: "new".into(),
            code: "QH0202".into(),
            name: "清河县桃园镇后营村小学".into(),
            district: "桃园镇".into(),
            county: "清河县".into(),
            stage: Stage::Primary,
            grades: GradeRange::new(1, 4),
            enrolment: 78,
            boarding: false,
            address: "清河县桃园镇后营村村委会东50米".into(),
            contact: "孙玉梅 负责人 0311-85336702".into(),
            supervisor: "杨振华".into(),
            facilities: [(Canteen, false), (LabChemicals, false), (WaterNearby, true)].into(),
        },
        School {
            id: "new".into(),
            code: "QH0301".into(),
            name: "清河县柳林乡九年一贯制学校".into(),
            district: "柳林乡".into(),
            county: "清河县".into(),
            stage: Stage::NineYear,
            grades: GradeRange::new(1, 9),
            enrolment: 968,
            boarding: true,
            address: "清河县柳林乡柳林街56号".into(),
            contact: "周明 副校长 0311-85450256".into(),
            supervisor: "杨振华".into(),
            facilities: [
                (SchoolBus, true),
                (Canteen, true),
                (LabChemicals, true),
                (WaterNearby, true),
            ]
            .into(),
        },
    ]
}

// --- Reading -------------------------------------------------------------------------------

#[test]
fn a_roster_with_the_chinese_headers_reads_every_field() {
    let r = read(&roster_csv()).unwrap();
    assert_eq!(schools(&r), expected());
    assert_eq!(
        r.schools.iter().map(|s| s.row).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn columns_may_come_in_any_order() {
    let text = roster_csv();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    // Reversed, so that code and name are last.
    let reversed: String = rows
        .iter()
        .map(|cells| {
            let mut c = cells.clone();
            c.reverse();
            c.join(",") + "\n"
        })
        .collect();
    assert_eq!(schools(&read(&reversed).unwrap()), expected());
}

#[test]
fn english_headers_are_accepted() {
    let text = roster_csv().replacen(
        HEADER,
        "code,name,county,district,stage,grade_from,grade_to,enrolment,boarding,address,contact,\
         supervisor,school_bus,canteen,lab_chemicals,water_nearby",
        1,
    );
    assert_eq!(schools(&read(&text).unwrap()), expected());
}

#[test]
fn a_title_row_above_the_header_and_blank_rows_are_skipped() {
    let text = format!(
        "清河县中小学校名单（2026年春季）,,,\n{}\n,,,,\n",
        roster_csv()
    );
    let r = read(&text).unwrap();
    assert_eq!(schools(&r), expected());
    assert_eq!(
        r.schools.iter().map(|s| s.row).collect::<Vec<_>>(),
        [3, 4, 5]
    );
}

#[test]
fn unknown_columns_are_ignored_with_a_warning_but_a_row_number_is_not() {
    let text =
        "序号,学校代码,学校名称,学段,区县,备注\n1,QH0101,清河县实验小学,小学,清河县,新校区\n";
    let r = read(text).unwrap();
    assert_eq!(r.schools.len(), 1);
    let warnings: Vec<String> = r.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["row 1, column F (备注): is not a school field; ignored"]
    );
}

#[test]
fn contact_in_two_columns_is_joined() {
    let text = "学校代码,学校名称,学段,区县,联系人,联系电话\nQH0101,清河县实验小学,小学,清河县,王建国,0311-85210318\n";
    let s = read(text).unwrap().schools[0].apply(None, new_id);
    assert_eq!(s.contact, "王建国 0311-85210318");
}

#[test]
fn a_county_alone_is_also_the_district_and_a_district_alone_leaves_the_county_empty() {
    let r = read("学校代码,学校名称,学段,区县\nQH0101,清河县实验小学,小学,清河县\n").unwrap();
    let s = r.schools[0].apply(None, new_id);
    assert_eq!(
        (s.county.as_str(), s.district.as_str()),
        ("清河县", "清河县")
    );
    let r = read("学校代码,学校名称,学段,乡镇\nQH0101,清河县实验小学,小学,城关镇\n").unwrap();
    let s = r.schools[0].apply(None, new_id);
    assert_eq!((s.county.as_str(), s.district.as_str()), ("", "城关镇"));
    // A blank 乡镇/街道 cell next to a 区县 takes the 区县.
    let r = read("学校代码,学校名称,学段,区县,乡镇/街道\nQH0101,清河县实验小学,小学,清河县,\n")
        .unwrap();
    assert_eq!(r.schools[0].district.as_deref(), Some("清河县"));
}

#[cfg(feature = "xlsx")]
mod bytes {
    use super::*;

    #[test]
    fn utf8_with_a_bom_as_excel_csv_utf8_saves_it() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(roster_csv().as_bytes());
        let r = read_csv(&bytes).unwrap();
        assert_eq!(r.source, Source::Csv(TextEncoding::Utf8Bom));
        assert_eq!(schools(&r), expected());
        let r = read_csv(roster_csv().as_bytes()).unwrap();
        assert_eq!(r.source, Source::Csv(TextEncoding::Utf8));
    }

    #[test]
    fn gbk_as_excel_saves_csv_on_chinese_windows() {
        let text = roster_csv();
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let r = read_csv(&bytes).unwrap();
        assert_eq!(r.source, Source::Csv(TextEncoding::Gbk));
        assert_eq!(schools(&r), expected());
        assert!(r.source.to_string().starts_with("CSV, GBK"), "{}", r.source);
    }

    #[test]
    fn utf16_tab_separated_as_excel_unicode_text_saves_it() {
        let text = roster_csv().replace(',', "\t");
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let r = read_csv(&bytes).unwrap();
        assert_eq!(r.source, Source::Csv(TextEncoding::Utf16));
        assert_eq!(schools(&r), expected());
    }

    fn file_problems(r: Result<Roster, Problems>) -> Vec<String> {
        match r {
            Ok(r) => panic!("accepted: {:?}", r.schools),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn what_is_not_csv_text_is_refused_saying_what_it_is() {
        let e = file_problems(read_csv(b""));
        assert!(e[0].starts_with("the file is empty"), "{e:?}");
        let e = file_problems(read_csv(&workbook(&[], None)));
        assert!(
            e[0].starts_with("this is an Excel workbook (.xlsx)"),
            "{e:?}"
        );
        let e = file_problems(read_csv(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]));
        assert!(e[0].contains("(.xls)"), "{e:?}");
        let e = file_problems(read_csv(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(e[0].contains("binary data"), "{e:?}");
        // 0xFF is neither UTF-8 nor GBK.
        let e = file_problems(read_csv(b"code,name\n\xFF x\n"));
        assert!(
            e[0].starts_with("the file is neither UTF-8 nor GBK text"),
            "{e:?}"
        );
        let e = file_problems(read_csv(b"\xEF\xBB\xBFcode\xFF"));
        assert!(e[0].contains("not valid UTF-8"), "{e:?}");
    }

    /// A workbook as a clerk makes it: a title row, the header on row 2, codes and numbers as
    /// numbers, one sheet per `sheets` entry.
    fn workbook(rows: &[Vec<&str>], title: Option<&str>) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("学校名单").unwrap();
        let first = if let Some(t) = title {
            sheet.write_string(0, 0, t).unwrap();
            1
        } else {
            0
        };
        for (r, cells) in rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                let (r, c) = (first + r as u32, c as u16);
                match v.parse::<f64>() {
                    Ok(n) => sheet.write_number(r, c, n).unwrap(),
                    Err(_) if v.is_empty() => sheet,
                    Err(_) => sheet.write_string(r, c, *v).unwrap(),
                };
            }
        }
        let other = book.add_worksheet();
        other.set_name("说明").unwrap();
        other.write_string(0, 0, "填表说明").unwrap();
        book.save_to_buffer().unwrap()
    }

    fn csv_rows(text: &str) -> Vec<Vec<&str>> {
        text.lines().map(|l| l.split(',').collect()).collect()
    }

    #[test]
    fn an_xlsx_roster_reads_like_its_csv() {
        let text = roster_csv();
        let bytes = workbook(&csv_rows(&text), Some("清河县学校名单"));
        let r = read_xlsx(&bytes, None).unwrap();
        assert_eq!(
            r.source,
            Source::Xlsx {
                sheet: "学校名单".into()
            }
        );
        assert_eq!(schools(&r), expected());
        // Rows as Excel shows them: title on 1, header on 2.
        assert_eq!(
            r.schools.iter().map(|s| s.row).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        let r = read_xlsx(&bytes, Some("学校名单")).unwrap();
        assert_eq!(r.schools.len(), 3);
    }

    #[test]
    fn an_xlsx_roster_with_errors_names_sheet_row_and_column() {
        let text = roster_csv().replace(",小学,,,2136,", ",小学校,,,2136,");
        let bytes = workbook(&csv_rows(&text), Some("清河县学校名单"));
        let e = file_problems(read_xlsx(&bytes, None));
        assert_eq!(
            e,
            ["sheet 学校名单, row 3, column E (学段): unknown 学段 \"小学校\"; expected one of 幼儿园, \
              小学, 初中, 高中, 九年一贯制, 完全中学"]
        );
    }

    #[test]
    fn another_sheet_is_read_by_name_and_an_unknown_one_is_refused() {
        let bytes = workbook(&csv_rows(&roster_csv()), None);
        let e = file_problems(read_xlsx(&bytes, Some("Sheet9")));
        assert_eq!(
            e,
            ["the workbook has no sheet \"Sheet9\"; its sheets are 学校名单, 说明"]
        );
        let e = file_problems(read_xlsx(&bytes, Some("说明")));
        assert!(e[0].starts_with("sheet 说明: no header row"), "{e:?}");
    }

    #[test]
    fn a_damaged_or_cut_short_workbook_is_refused() {
        let bytes = workbook(&csv_rows(&roster_csv()), None);
        let e = file_problems(read_xlsx(&bytes[..bytes.len() / 2], None));
        assert!(
            e[0].starts_with("not an Excel workbook (.xlsx), or the file is damaged or cut short"),
            "{e:?}"
        );
        let e = file_problems(read_xlsx(roster_csv().as_bytes(), None));
        assert!(e[0].contains("a CSV file must be named .csv"), "{e:?}");
        let e = file_problems(read_xlsx(b"", None));
        assert!(e[0].starts_with("the file is empty"), "{e:?}");
        // An empty sheet.
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet();
        let e = file_problems(read_xlsx(&book.save_to_buffer().unwrap(), None));
        assert!(
            e[0].starts_with("sheet Sheet1: the sheet is empty"),
            "{e:?}"
        );
    }
}

// --- Problems --------------------------------------------------------------------------------

#[test]
fn every_missing_required_column_is_named() {
    let e = problems("学校名称,地址,备注\n清河县实验小学,解放路18号,x\n");
    assert_eq!(
        e,
        [
            "row 1: missing column 学校代码 (code): every school needs it",
            "row 1: missing column 学段 (stage): every school needs it",
            "row 1: missing column 区县 (county) or 乡镇/街道 (district): every school needs one \
             of them",
        ]
    );
}

#[test]
fn a_file_without_a_header_row_or_without_schools_is_refused() {
    assert_eq!(
        problems(""),
        ["the file has no rows; expected a header row (学校代码, 学校名称, 学段, 区县 …) and one \
          school per row"]
    );
    let e = problems("QH0101,清河县实验小学,小学\n");
    assert!(e[0].starts_with("no header row: "), "{e:?}");
    assert_eq!(
        problems(&format!("{HEADER}\n,,,\n")),
        ["row 1: no schools below the header row; put one school on each row under it"]
    );
}

#[test]
fn a_column_given_twice_is_refused() {
    let e = problems(
        "学校代码,学校名称,学段,区县,学校标识码\nQH0101,清河县实验小学,小学,清河县,3141000123\n",
    );
    assert_eq!(
        e,
        ["row 1, column E (学校标识码): column A (学校代码) already gives 学校代码; keep one of \
          the two"]
    );
}

/// The county office's roster with three bad rows: all three are reported, each at its row
/// and column, and no school is read.
#[test]
fn every_bad_row_is_reported_with_its_row_and_column() {
    let text = roster_csv()
        // Row 2: 学段 misspelt.
        .replacen(",小学,,,2136,", ",小学校,,,2136,", 1)
        // Row 3: grades reversed, enrolment in words.
        .replacen(",小学,1,4,78,", ",小学,4,1,七十八,", 1)
        // Row 4: a grade above 高三, and a yes/no cell that is neither.
        .replacen(",九年一贯制,,,968,是,", ",九年一贯制,,13,968,部分,", 1);
    assert_eq!(
        problems(&text),
        [
            "row 2, column E (学段): unknown 学段 \"小学校\"; expected one of 幼儿园, 小学, 初中, \
             高中, 九年一贯制, 完全中学",
            "row 3, column F (起始年级): the first grade (4) is above the last grade (1)",
            "row 3, column H (在校生数): expected the number of pupils (a whole number), got \
             \"七十八\"",
            "row 4, column G (结束年级): grade 13 is out of range: grades run from 0 (幼儿园) to \
             12 (高三)",
            "row 4, column I (是否寄宿): expected 是 or 否 (yes or no), got \"部分\"",
        ]
    );
}

#[test]
fn grades_must_belong_to_the_stage() {
    let text = roster_csv().replacen(",小学,1,4,78,", ",小学,7,9,78,", 1);
    assert_eq!(
        problems(&text),
        [
            "row 3, column F (起始年级): grade 7 is not a 小学 grade (1 to 6); check 学段 and the \
             grades",
            "row 3, column G (结束年级): grade 9 is not a 小学 grade (1 to 6); check 学段 and the \
             grades",
        ]
    );
    // Only the first grade given: the last is the stage's, and must not be below it.
    let text = roster_csv().replacen(",小学,1,4,78,", ",初中,,8,78,", 1);
    let r = read(&text).unwrap();
    assert_eq!(r.schools[1].grades, Some(GradeRange::new(7, 8)));
}

#[test]
fn a_code_twice_in_the_file_names_both_rows() {
    let text = roster_csv().replacen("QH0301,", "QH0101,", 1);
    assert_eq!(
        problems(&text),
        [
            "row 4, column A (学校代码): the code QH0101 is also on row 2; each school must be on \
          one row only"
        ]
    );
}

#[test]
fn required_cells_and_the_place_must_be_filled_in() {
    let text =
        "学校代码,学校名称,学段,区县,乡镇/街道\n,清河县实验小学,小学,清河县,城关镇\nQH0102,,,,\n";
    assert_eq!(
        problems(text),
        [
            "row 2, column A (学校代码): the school code is empty",
            "row 3, column B (学校名称): the school name is empty",
            "row 3, column C (学段): the 学段 is empty; expected one of 幼儿园, 小学, 初中, 高中, \
             九年一贯制, 完全中学",
            "row 3, column D (区县): neither 区县 nor 乡镇/街道 is filled in",
        ]
    );
}

// --- Applying to what is stored ---------------------------------------------------------------

#[test]
fn an_existing_school_keeps_its_id_and_what_the_file_does_not_say() {
    let stored = School {
        id: "0190-keep".into(),
        ..expected()[1].clone()
    };
    // A slimmer roster: no grades, no address, no facilities; a new enrolment and contact.
    let text = "学校代码,学校名称,学段,乡镇/街道,在校生数,联系人及电话\n\
                QH0202,清河县桃园镇后营村小学,小学,桃园镇,81,\n";
    let row = &read(text).unwrap().schools[0];
    let after = row.apply(Some(&stored), || unreachable!("keeps its id"));
    assert_eq!(after.id, "0190-keep");
    assert_eq!(after.enrolment, 81);
    assert_eq!(
        after.contact, "",
        "an empty cell in a column the file has clears the field"
    );
    assert_eq!(
        after.grades,
        GradeRange::new(1, 4),
        "no grade columns: kept"
    );
    assert_eq!(after.address, stored.address);
    assert_eq!(after.county, "清河县");
    assert_eq!(after.facilities, stored.facilities);
    assert_eq!(changed_fields(&stored, &after), ["enrolment", "contact"]);
    // Applying the same row again changes nothing.
    assert!(changed_fields(&after, &row.apply(Some(&after), new_id)).is_empty());
}

#[test]
fn a_new_stage_without_grades_takes_the_stage_grades_and_a_blank_facility_is_unknown() {
    let stored = School {
        id: "0190-keep".into(),
        ..expected()[1].clone()
    };
    let text = "学校代码,学校名称,学段,区县,食堂,周边水域\nQH0202,桃园镇九年一贯制学校,九年一贯制,清河县,是,\n";
    let after = read(text).unwrap().schools[0].apply(Some(&stored), new_id);
    assert_eq!(after.grades, GradeRange::new(1, 9));
    assert_eq!(after.district, "桃园镇", "no 乡镇/街道 column: kept");
    assert_eq!(
        after.facilities,
        [(Facility::Canteen, true), (Facility::LabChemicals, false)].into()
    );
    assert_eq!(
        changed_fields(&stored, &after),
        ["name", "stage", "grades", "facilities"]
    );
}
